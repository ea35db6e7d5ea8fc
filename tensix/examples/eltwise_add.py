"""Eltwise add on the FPU: 64 bf16 tiles, out = a + b, on core (0, 0).

A reader (RISCV_1) streams tile i of a and b from DRAM into CBs 0 and 1, the compute kernel adds them
with add_tiles into DST tile 0 and packs the sum into CB 16, and a writer (RISCV_0) stores it to DRAM.
The FPU adds in fp32 and DST holds bf16 (fp32_dest_acc_en=False), so the result is bit-exact against
numpy's round_to_bf16(bf16(a) + bf16(b)).

The host side is written twice: run() with the plain host API, run_ez() the way tt-metal's newest
example hosts are, with experimental::ez (tensix.ez: DeviceContext + ProgramBuilder).

    python examples/eltwise_add.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, DataFormat, Device, Kernel, Program, TensorAccessorArgs, tile_size
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize, untilize

KERNELS = Path(__file__).resolve().parent / "kernels" / "compute"
FMT = DataFormat.Float16_b
TILE_BYTES = tile_size(FMT)
CORE = (0, 0)


def reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """What the chip computes: fp32 sum of the bf16 inputs, rounded to bf16 (RNE) in DST."""
    return round_to_bf16(round_to_bf16(a) + round_to_bf16(b))


def run(dev: Device, num_tiles: int = 64, seed: int = 0, compute: str = "current") -> dict:
    """Add two random (num_tiles*32) x 32 bf16 matrices on the device; returns inputs, output, reference.
    compute="current" runs today's compute kernel (compute_kernel_hw_startup + add_init), "legacy" the
    baseline one (binary_op_init_common + add_tiles_init)."""
    rng = np.random.default_rng(seed)
    shape = (num_tiles * 32, 32)
    a = round_to_bf16(rng.standard_normal(shape).astype(np.float32) * 10)
    b = round_to_bf16(rng.standard_normal(shape).astype(np.float32))
    size = num_tiles * TILE_BYTES
    bufs = [dev.dram_buffer(size, TILE_BYTES) for _ in range(3)]
    src_a, src_b, dst = bufs
    try:
        src_a.write(float_to_bf16_bits(tilize(a)))
        src_b.write(float_to_bf16_bits(tilize(b)))
        dst.write(np.zeros(size // 2, np.uint16))
        reader = Kernel(KERNELS / "eltwise_reader.cpp", on="reader",
                        compile_args=[TensorAccessorArgs(src_a), TensorAccessorArgs(src_b)],
                        runtime_args=[src_a, src_b, num_tiles])
        writer = Kernel(KERNELS / "eltwise_writer.cpp", on="writer", compile_args=[TensorAccessorArgs(dst)],
                        runtime_args=[dst, num_tiles])
        source = {"current": "eltwise_add.cpp", "legacy": "eltwise_add_legacy.cpp"}[compute]
        compute_k = Kernel(KERNELS / source, on="compute", math_fidelity="HiFi4", runtime_args=[num_tiles])
        cbs = [CircularBuffer(i, FMT, TILE_BYTES, 2) for i in (0, 1, 16)]
        program = Program(CORE, [reader, writer, compute_k], cbs)
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program)
        host_s = time.perf_counter() - t0
        out = untilize(bf16_bits_to_float(dst.read(np.uint16)), shape)
        dev.queue.finish()
    finally:
        for buf in bufs:
            buf.free()
    ref = reference(a, b)
    mismatches = int((out.view(np.uint32) != ref.view(np.uint32)).sum())
    return {"a": a, "b": b, "output": out, "reference": ref, "mismatches": mismatches,
            "ok": mismatches == 0, "time": t, "host_s": host_s}


def run_ez(ctx, num_tiles: int = 64, seed: int = 0) -> dict:
    """The same program through tensix.ez: reader/writer get their buffers' TensorAccessorArgs appended
    to their compile args, CBs are num_tiles tiles of the format, runtime args chain on the kernels."""
    from tensix.ez import ProgramBuilder
    rng = np.random.default_rng(seed)
    shape = (num_tiles * 32, 32)
    a = round_to_bf16(rng.standard_normal(shape).astype(np.float32) * 10)
    b = round_to_bf16(rng.standard_normal(shape).astype(np.float32))
    src_a, src_b, dst = (ctx.dram_tile_buffer(num_tiles) for _ in range(3))
    try:
        ctx.write(src_a, float_to_bf16_bits(tilize(a)))
        ctx.write(src_b, float_to_bf16_bits(tilize(b)))
        pb = ProgramBuilder(CORE)
        (pb.cb(0, 2).cb(1, 2).cb(16, 2)
           .reader(KERNELS / "eltwise_reader.cpp", [src_a, src_b]).runtime_args([src_a, src_b, num_tiles])
           .writer(KERNELS / "eltwise_writer.cpp", [dst]).runtime_args([dst, num_tiles])
           .compute(KERNELS / "eltwise_add.cpp", "HiFi4").runtime_args([num_tiles]))
        t = ctx.run(pb.build())
        out = untilize(bf16_bits_to_float(ctx.read(dst, np.uint16)), shape)
    finally:
        for buf in (src_a, src_b, dst):
            buf.free()
    ref = reference(a, b)
    mismatches = int((out.view(np.uint32) != ref.view(np.uint32)).sum())
    return {"output": out, "reference": ref, "mismatches": mismatches, "ok": mismatches == 0, "time": t}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    status = "bit-exact vs numpy" if r["ok"] else f"{r['mismatches']} MISMATCHED values"
    print(f"eltwise add on {arch}: 64 bf16 tiles a + b on the FPU: {status}  device time {r['time']}  "
          f"(host {r['host_s'] * 1e3:.1f} ms)")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
