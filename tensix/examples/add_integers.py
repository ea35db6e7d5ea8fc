"""Add two integers on a RISC-V of the simulated chip: 13 + 7 = 20.

Two uint32 values live in DRAM; a data-movement kernel reads them into L1 with InterleavedAddrGen +
noc_async_read, adds them through plain L1 pointers, prints the sum with DEVICE_PRINT and writes it
back to a third DRAM buffer.

    python examples/add_integers.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tensix import Device, Kernel, Program

KERNEL = Path(__file__).resolve().parent / "kernels" / "add_integers.cpp"
CORE = (0, 0)


def run(dev: Device, a: int = 13, b: int = 7) -> dict:
    """Run the addition on `dev`; returns the inputs, the result, the kernel's prints and the device time."""
    bufs = [dev.dram_buffer(4, dtype=np.uint32) for _ in range(3)]
    scratch = [dev.l1_buffer(4, cores=CORE) for _ in range(3)]
    try:
        bufs[0].write(np.array([a], np.uint32))
        bufs[1].write(np.array([b], np.uint32))
        bufs[2].write(np.zeros(1, np.uint32))
        k = Kernel(KERNEL, on="riscv_0", runtime_args=[*bufs, *scratch])
        t = dev.queue.enqueue(Program(CORE, [k]))
        prints = [str(p) for p in dev.queue.prints]
        c = int(bufs[2].read(np.uint32)[0])
        total = dev.queue.finish()
    finally:
        for buf in bufs + scratch:
            buf.free()
    return {"a": a, "b": b, "c": c, "ok": c == (a + b) & 0xFFFFFFFF, "prints": prints, "time": t, "total": total}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    for line in r["prints"]:
        print(line)
    status = "OK" if r["ok"] else "MISMATCH"
    print(f"add_integers on {arch}: {r['a']} + {r['b']} = {r['c']}  [{status}]  device time {r['time']}")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
