"""Two cores: core A reads a tile from DRAM and writes it into core B's circular buffer over the NoC,
with a semaphore handshake; core B writes it back to DRAM.

    core A  RISCV_1: DRAM --noc_async_read_tile--> CB 0
            RISCV_0: wait "ready"; CB 0 --noc_async_write--> B's CB 1; noc_semaphore_inc(B "data")
    core B  RISCV_1: cb_reserve_back(CB 1); noc_semaphore_inc(A "ready"); wait "data"; cb_push_back
            RISCV_0: CB 1 --noc_async_write_tile--> DRAM

    python examples/noc_tile_transfer.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, DataFormat, Device, Kernel, Program, Semaphore, TensorAccessorArgs, tile_size

KERNELS = Path(__file__).resolve().parent / "kernels"
FMT = DataFormat.UInt16
TILE_BYTES = tile_size(FMT)        # 2048


def run(dev: Device, core_a=(0, 0), core_b=(1, 0), seed: int = 0) -> dict:
    """Move one random UInt16 tile A -> B -> DRAM; returns input, output, prints and device time."""
    data = np.random.default_rng(seed).integers(0, 1 << 16, TILE_BYTES // 2, dtype=np.uint16)
    src = dev.dram_buffer(TILE_BYTES, page_size=TILE_BYTES)
    dst = dev.dram_buffer(TILE_BYTES, page_size=TILE_BYTES)
    try:
        src.write(data)
        dst.write(np.zeros_like(data))
        w_a = Kernel(KERNELS / "tile_transfer_writer_a.cpp", on="riscv_0", cores=[core_a])
        r_b = Kernel(KERNELS / "tile_transfer_reader_b.cpp", on="riscv_1", cores=[core_b])
        # NoC coordinates of the other core, as seen on the NoC each kernel uses
        w_a.runtime_args = list(dev.worker_core(core_b))
        r_b.runtime_args = list(dev.worker_core(core_a))
        kernels = [
            Kernel(KERNELS / "tile_transfer_reader_a.cpp", on="riscv_1", cores=[core_a],
                   compile_args=[TensorAccessorArgs(src)], runtime_args=[src]),
            w_a,
            r_b,
            Kernel(KERNELS / "tile_transfer_writer_b.cpp", on="riscv_0", cores=[core_b],
                   compile_args=[TensorAccessorArgs(dst)], runtime_args=[dst]),
        ]
        cores = [core_a, core_b]
        cbs = [CircularBuffer(0, FMT, TILE_BYTES, 1), CircularBuffer(1, FMT, TILE_BYTES, 1)]
        sems = [Semaphore(0, cores), Semaphore(0, cores)]
        t = dev.queue.enqueue(Program(cores, kernels, cbs, sems))
        prints = [str(p) for p in dev.queue.prints]
        out = dst.read(np.uint16)
        dev.queue.finish()
    finally:
        src.free()
        dst.free()
    return {"input": data, "output": out, "ok": out.tobytes() == data.tobytes(), "prints": prints, "time": t,
            "core_a": core_a, "core_b": core_b}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    for line in r["prints"]:
        print(line)
    status = "bit-identical" if r["ok"] else "MISMATCH"
    print(f"noc_tile_transfer on {arch}: DRAM -> core {r['core_a']} -> core {r['core_b']} CB -> DRAM: {status}  "
          f"device time {r['time']}")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
