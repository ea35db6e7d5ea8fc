"""Eltwise SFPU: out = exp(x) for 64 bf16 tiles on core (0, 0).

A reader (RISCV_1) streams tile i of x from DRAM into CB 0; the compute kernel (init_sfpu, exp_tile_init)
copies it into DST tile 0 (copy_tile), the SFPU computes exp in place (exp_tile) and the packer writes
DST tile 0 to CB 16 (pack_tile); a writer (RISCV_0) stores it to DRAM.

Tolerance (documented in tensix/sim/include/api/compute/tx_sfpu.h): the exact exp is the fp32 libm
result, within an fp32 ulp of the true value, and DST rounds it to bf16, so every output is within
1 bf16 ulp of numpy's float64 exp(x) rounded to bf16. With math_approx_mode=True the kernel compiles
exp's approximate variant (2^x by a polynomial, rel. error <= 2e-4 before the bf16 rounding), which
costs fewer SFPU cycles; the example measures its max relative error against float64 exp and checks
it stays within 2e-4 plus one bf16 rounding (2^-8 relative).

    python examples/eltwise_sfpu.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, DataFormat, Device, Kernel, Program, TensorAccessorArgs, tile_size
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize, untilize

KERNELS = Path(__file__).resolve().parent / "kernels"
FMT = DataFormat.Float16_b
TILE_BYTES = tile_size(FMT)
CORE = (0, 0)
EXACT_ULPS = 1                          # exact mode: within this many bf16 ulps of round_to_bf16(exp(x))
APPROX_REL = 2e-4                       # math_approx_mode: exp's documented relative error before rounding
BF16_REL = 2.0 ** -8                    # worst relative error of rounding to bf16 (half an ulp at 1.0)


def bf16_ulps(y: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|y - ref| in bf16 ulps at |ref| (ref: bf16-representable float32)."""
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64) * 65536
    return np.abs(y.astype(np.float64) - ref) / ulp


def run(dev: Device, num_tiles: int = 64, seed: int = 0, approx: bool = False, compute: str = "current") -> dict:
    """exp of a random (num_tiles*32) x 32 bf16 matrix with values in [-4, 4]; `approx` compiles the
    compute kernel with math_approx_mode; compute="legacy" runs the baseline kernel (init_sfpu) instead of
    today's (compute_kernel_hw_startup + copy_init). Returns input, output, errors and the device time."""
    rng = np.random.default_rng(seed)
    shape = (num_tiles * 32, 32)
    x = round_to_bf16(rng.uniform(-4, 4, shape).astype(np.float32))
    size = num_tiles * TILE_BYTES
    src, dst = dev.dram_buffer(size, TILE_BYTES), dev.dram_buffer(size, TILE_BYTES)
    try:
        src.write(float_to_bf16_bits(tilize(x)))
        dst.write(np.zeros(size // 2, np.uint16))
        reader = Kernel(KERNELS / "sfpu" / "reader_unary.cpp", on="reader",
                        compile_args=[TensorAccessorArgs(src)], runtime_args=[src, num_tiles])
        writer = Kernel(KERNELS / "compute" / "eltwise_writer.cpp", on="writer",
                        compile_args=[TensorAccessorArgs(dst)], runtime_args=[dst, num_tiles])
        source = {"current": "eltwise_exp.cpp", "legacy": "eltwise_exp_legacy.cpp"}[compute]
        compute_k = Kernel(KERNELS / "sfpu" / source, on="compute", math_approx_mode=approx, runtime_args=[num_tiles])
        cbs = [CircularBuffer(0, FMT, TILE_BYTES, 2), CircularBuffer(16, FMT, TILE_BYTES, 2)]
        t0 = time.perf_counter()
        t = dev.queue.enqueue(Program(CORE, [reader, writer, compute_k], cbs))
        host_s = time.perf_counter() - t0
        out = untilize(bf16_bits_to_float(dst.read(np.uint16)), shape)
        dev.queue.finish()
    finally:
        src.free()
        dst.free()
    exact = np.exp(x.astype(np.float64))
    max_rel = float(np.max(np.abs(out - exact) / exact))
    max_ulps = float(np.max(bf16_ulps(out, round_to_bf16(exact.astype(np.float32)))))
    bound = APPROX_REL + BF16_REL * (1 + APPROX_REL)
    ok = bool(max_rel <= bound) if approx else bool(max_ulps <= EXACT_ULPS)
    return {"x": x, "output": out, "reference": exact, "approx": approx, "max_rel_err": max_rel,
            "max_bf16_ulps": max_ulps, "ok": ok, "time": t, "host_s": host_s}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
        a = run(dev, approx=True)
    differ = int((a["output"] != r["output"]).sum())
    print(f"eltwise SFPU on {arch}: exp of 64 bf16 tiles: max {r['max_bf16_ulps']:.0f} bf16 ulp vs numpy "
          f"(max rel. err {r['max_rel_err']:.2e}) {'OK' if r['ok'] else 'OUT OF TOLERANCE'}  "
          f"device time {r['time']}  (host {r['host_s'] * 1e3:.1f} ms)")
    print(f"  math_approx_mode=True: max rel. err {a['max_rel_err']:.2e} vs float64 exp "
          f"(bound {APPROX_REL:g} + bf16 rounding) {'OK' if a['ok'] else 'OUT OF TOLERANCE'}, "
          f"{differ} of {r['output'].size} values differ from the exact mode  device time {a['time']}")
    if not (r["ok"] and a["ok"]):
        raise SystemExit(1)
    return {"exact": r, "approx": a}


if __name__ == "__main__":
    main(*sys.argv[1:])
