"""SFPU chain: softplus(x) = log(exp(x) + 1) on one bf16 tile, on core (0, 0).

The reader (RISCV_1) first fills a tile of ones in CB 1 by storing the bf16 bit pattern of 1.0 (0x3F80)
into L1 with plain uint16 stores (no DRAM buffer needed), then reads the x tile into CB 0. The compute
kernel copies x into DST tile 0 and the ones into DST tile 1 (copy_tile), then chains three SFPU ops on
DST: exp_tile(0), add_binary_tile(0, 1, 0) (DST[0] += DST[1], both operands in DST) and log_tile(0);
the writer stores the packed result. CB ids reach the reader as compile-time args, followed by its
TensorAccessorArgs.

Tolerance: DST is bf16, so the result is rounded after every op. Against numpy doing the same steps
(e = bf16(exp x), s = bf16(e + 1), bf16(log s), each transcendental in float64) the chip is within
1 bf16 ulp (the exact exp/log are fp32 libm, within an fp32 ulp). Against the mathematical softplus
log1p(exp(x)) in float64 the intermediate rounding of e and s adds error: |y - ref| <= 1e-2 |ref| + 4e-3
(for x << 0, exp(x) + 1 rounds to 1 or 1 + 2^-7 in bf16, so small results carry an absolute error of up
to 2^-8 rather than a relative one).

    python examples/sfpu_chain.py [arch]      # arch: n150 (default), p150a, e150, ...
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
CB_IN, CB_ONES, CB_OUT = 0, 1, 16
STEP_ULPS = 1                           # vs the stepwise bf16 reference
SOFTPLUS_REL, SOFTPLUS_ABS = 1e-2, 4e-3  # vs log1p(exp(x)) in float64


def bf16_ulps(y: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|y - ref| in bf16 ulps at |ref| (ref: bf16-representable float32)."""
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64) * 65536
    return np.abs(y.astype(np.float64) - ref) / ulp


def stepwise_reference(x: np.ndarray) -> np.ndarray:
    """What the chip computes: each op in high precision, rounded to bf16 in DST after every step."""
    e = round_to_bf16(np.exp(x.astype(np.float64)).astype(np.float32))
    s = round_to_bf16(e + np.float32(1))
    return round_to_bf16(np.log(s.astype(np.float64)).astype(np.float32))


def run(dev: Device, num_tiles: int = 1, seed: int = 0) -> dict:
    """softplus of a random (num_tiles*32) x 32 bf16 matrix with values in [-6, 6]."""
    rng = np.random.default_rng(seed)
    shape = (num_tiles * 32, 32)
    x = round_to_bf16(rng.uniform(-6, 6, shape).astype(np.float32))
    size = num_tiles * TILE_BYTES
    src, dst = dev.dram_buffer(size, TILE_BYTES), dev.dram_buffer(size, TILE_BYTES)
    try:
        src.write(float_to_bf16_bits(tilize(x)))
        dst.write(np.zeros(size // 2, np.uint16))
        reader = Kernel(KERNELS / "sfpu" / "softplus_reader.cpp", on="reader",
                        compile_args=[CB_IN, CB_ONES, TensorAccessorArgs(src)], runtime_args=[src, num_tiles])
        writer = Kernel(KERNELS / "compute" / "eltwise_writer.cpp", on="writer",
                        compile_args=[TensorAccessorArgs(dst)], runtime_args=[dst, num_tiles])
        compute = Kernel(KERNELS / "sfpu" / "softplus.cpp", on="compute", runtime_args=[num_tiles])
        cbs = [CircularBuffer(CB_IN, FMT, TILE_BYTES, 2), CircularBuffer(CB_ONES, FMT, TILE_BYTES, 1),
               CircularBuffer(CB_OUT, FMT, TILE_BYTES, 2)]
        t0 = time.perf_counter()
        t = dev.queue.enqueue(Program(CORE, [reader, writer, compute], cbs))
        host_s = time.perf_counter() - t0
        out = untilize(bf16_bits_to_float(dst.read(np.uint16)), shape)
        dev.queue.finish()
    finally:
        src.free()
        dst.free()
    step = stepwise_reference(x)
    softplus = np.log1p(np.exp(x.astype(np.float64)))
    err = np.abs(out.astype(np.float64) - softplus)
    max_ulps = float(np.max(bf16_ulps(out, step)))
    within = bool(np.all(err <= SOFTPLUS_REL * np.abs(softplus) + SOFTPLUS_ABS))
    return {"x": x, "output": out, "stepwise_reference": step, "reference": softplus,
            "max_step_ulps": max_ulps, "max_abs_err": float(err.max()),
            "ok": max_ulps <= STEP_ULPS and within, "time": t, "host_s": host_s}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    print(f"SFPU chain on {arch}: softplus = log(exp(x) + 1) of one bf16 tile: max {r['max_step_ulps']:.0f} bf16 "
          f"ulp vs the stepwise numpy reference, max abs. err {r['max_abs_err']:.2e} vs float64 "
          f"softplus {'OK' if r['ok'] else 'OUT OF TOLERANCE'}  device time {r['time']}  "
          f"(host {r['host_s'] * 1e3:.1f} ms)")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
