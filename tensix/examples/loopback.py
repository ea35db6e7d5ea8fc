"""Loopback: 50 bf16 tiles DRAM -> L1 -> DRAM on core (0, 0), bit-identical.

Two kernel variants:
  - "accessor": one kernel on RISCV_0 with TensorAccessorArgs<0>() / next_compile_time_args_offset(),
    TensorAccessor and noc_async_read_tile / noc_async_write_tile through an L1 staging buffer;
  - "fast": a reader (RISCV_1) and a writer (RISCV_0) with InterleavedAddrGenFast<true>
    (data_format Float16_b) passing tiles through circular buffer 0.

    python examples/loopback.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, DataFormat, Device, Kernel, Program, TensorAccessorArgs, tile_size
from tensix.formats import float_to_bf16_bits

KERNELS = Path(__file__).resolve().parent / "kernels"
CORE = (0, 0)
TILE_BYTES = tile_size(DataFormat.Float16_b)       # 2048
VARIANTS = ("accessor", "fast")


def bf16_tiles(num_tiles: int, seed: int = 0) -> np.ndarray:
    """num_tiles tiles of random bf16 values, as uint16 bit patterns."""
    rng = np.random.default_rng(seed)
    return float_to_bf16_bits(rng.standard_normal(num_tiles * TILE_BYTES // 2).astype(np.float32) * 100)


class Loopback:
    """The loopback program for `num_tiles` tiles; retarget() points it at other buffers (new runtime
    args only: the kernels are not rebuilt)."""

    def __init__(self, dev: Device, src, dst, num_tiles: int, variant: str = "accessor") -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant {variant!r} is not one of {VARIANTS}")
        self.dev, self.num_tiles, self.variant = dev, num_tiles, variant
        self.scratch = None
        if variant == "accessor":
            self.scratch = dev.l1_buffer(TILE_BYTES, cores=CORE)
            self.kernels = [Kernel(KERNELS / "loopback_accessor.cpp", on="riscv_0",
                                   compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)])]
            cbs = []
        else:
            self.kernels = [Kernel(KERNELS / "loopback_reader_fast.cpp", on="riscv_1"),
                            Kernel(KERNELS / "loopback_writer_fast.cpp", on="riscv_0")]
            cbs = [CircularBuffer(0, DataFormat.Float16_b, page_size=TILE_BYTES, num_pages=2)]
        self.program = Program(CORE, self.kernels, cbs)
        self.retarget(src, dst)

    def retarget(self, src, dst) -> None:
        n = self.num_tiles
        if self.variant == "accessor":
            self.kernels[0].runtime_args = [src, dst, self.scratch, n]
        else:
            self.kernels[0].runtime_args = [src, n]
            self.kernels[1].runtime_args = [dst, n]

    def run(self):
        return self.dev.queue.enqueue(self.program)

    def free(self) -> None:
        if self.scratch is not None:
            self.scratch.free()


def run(dev: Device, variant: str = "accessor", num_tiles: int = 50, seed: int = 0) -> dict:
    """Copy `num_tiles` random bf16 tiles through L1 with `variant`; returns the input, output and time."""
    data = bf16_tiles(num_tiles, seed)
    src = dev.dram_buffer(num_tiles * TILE_BYTES, page_size=TILE_BYTES)
    dst = dev.dram_buffer(num_tiles * TILE_BYTES, page_size=TILE_BYTES)
    lb = Loopback(dev, src, dst, num_tiles, variant)
    try:
        src.write(data)
        dst.write(np.zeros_like(data))
        t = lb.run()
        out = dst.read(np.uint16)
        dev.queue.finish()
    finally:
        lb.free()
        src.free()
        dst.free()
    ok = out.tobytes() == data.tobytes()
    return {"variant": variant, "input": data, "output": out, "ok": ok, "time": t,
            "mismatched_tiles": int((out.reshape(num_tiles, -1) != data.reshape(num_tiles, -1)).any(1).sum())}


def main(arch: str = "n150") -> list[dict]:
    results = []
    with Device(arch) as dev:
        for variant in VARIANTS:
            r = run(dev, variant)
            results.append(r)
            status = "bit-identical" if r["ok"] else f"MISMATCH in {r['mismatched_tiles']} tiles"
            print(f"loopback ({variant}) on {arch}: 50 bf16 tiles DRAM -> L1 -> DRAM: {status}  "
                  f"device time {r['time']}")
    if not all(r["ok"] for r in results):
        raise SystemExit(1)
    return results


if __name__ == "__main__":
    main(*sys.argv[1:])
