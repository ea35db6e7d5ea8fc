"""Multicast: core (0, 0) reads a tile from DRAM and multicasts it to the 4x4 core range (1, 1)-(4, 4);
every receiver writes its copy to its own page of a 16-tile DRAM output.

Handshake (semaphores): each receiver resets its "valid" flag, reserves CB space and increments the
sender's "ready" counter; the sender waits for 16, multicasts the tile (noc_async_write_multicast) and
then VALID into every receiver's flag (noc_semaphore_set_multicast).

    python examples/multicast.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tensix import (CircularBuffer, CoreRange, DataFormat, Device, Kernel, Program, Semaphore,
                    TensorAccessorArgs, tile_size)
from tensix.formats import float_to_bf16_bits

KERNELS = Path(__file__).resolve().parent / "kernels"
FMT = DataFormat.Float16_b
TILE_BYTES = tile_size(FMT)
SENDER = (0, 0)
RECEIVERS = CoreRange((1, 1), (4, 4))


def run(dev: Device, sender=SENDER, receivers: CoreRange = RECEIVERS, seed: int = 0) -> dict:
    """Multicast one random bf16 tile; returns the input, the receivers' copies and the device time."""
    rcv = list(receivers)                      # row-major: page i is receiver i
    n = len(rcv)
    data = float_to_bf16_bits(np.random.default_rng(seed).standard_normal(TILE_BYTES // 2).astype(np.float32))
    src = dev.dram_buffer(TILE_BYTES, page_size=TILE_BYTES)
    out = dev.dram_buffer(n * TILE_BYTES, page_size=TILE_BYTES)
    try:
        src.write(data)
        out.write(np.zeros(n * TILE_BYTES // 2, np.uint16))
        sender_k = Kernel(KERNELS / "mcast_sender.cpp", on="riscv_0", cores=[sender],
                          compile_args=[TensorAccessorArgs(src)])
        lo = dev.worker_core(receivers.start)
        hi = dev.worker_core(receivers.end)
        sender_k.runtime_args = [src, lo.x, lo.y, hi.x, hi.y, n]
        recv_k = Kernel(KERNELS / "mcast_receiver.cpp", on="riscv_1", cores=receivers)
        recv_k.runtime_args = list(dev.worker_core(sender))
        index = {(c.x, c.y): i for i, c in enumerate(rcv)}
        writer_k = Kernel(KERNELS / "mcast_writer.cpp", on="riscv_0", cores=receivers,
                          compile_args=[TensorAccessorArgs(out)],
                          runtime_args=lambda i, xy, _n: [out, index[xy]])
        cores = [sender, receivers]
        program = Program(cores, [sender_k, recv_k, writer_k],
                          cbs=[CircularBuffer(0, FMT, TILE_BYTES, 1)],
                          semaphores=[Semaphore(0, cores), Semaphore(0, cores)])
        t = dev.queue.enqueue(program)
        prints = [str(p) for p in dev.queue.prints]
        copies = out.read(np.uint16).reshape(n, -1)
        dev.queue.finish()
    finally:
        src.free()
        out.free()
    good = [bool((c == data).all()) for c in copies]
    return {"input": data, "copies": copies, "receivers": [(c.x, c.y) for c in rcv], "good": good,
            "ok": all(good) and n == 16, "prints": prints, "time": t}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    for line in r["prints"]:
        print(line)
    bad = [c for c, g in zip(r["receivers"], r["good"]) if not g]
    status = f"all {len(r['good'])} copies bit-identical" if r["ok"] else f"BAD copies on {bad}"
    print(f"multicast on {arch}: core {SENDER} -> cores {RECEIVERS}: {status}  device time {r['time']}")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
