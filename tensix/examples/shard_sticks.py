"""Row-major "sticks" sharded over 4 cores, each reading its part.

16 bf16 values are stored row-major as 4-byte sticks (2 values each): a DRAM buffer with page_size 4,
so every stick occupies one aligned DRAM page (32 B on Wormhole/Grayskull, 64 B on Blackhole). Core i
of (0, 0)..(3, 0) reads its 2 sticks with get_noc_addr(stick_id, accessor) + noc_async_read, prints
its 4 values with DEVICE_PRINT and writes them to page i of the output.

    python examples/shard_sticks.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tensix import Device, Kernel, Program, TensorAccessorArgs
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits

KERNEL = Path(__file__).resolve().parent / "kernels" / "shard_sticks.cpp"
NUM_VALUES = 16
STICK_BYTES = 4                                   # 2 bf16 values per stick
CORES = [(0, 0), (1, 0), (2, 0), (3, 0)]


def run(dev: Device, cores=CORES, values=None) -> dict:
    """Shard the sticks over `cores`; returns input, each core's part, the prints and the device time."""
    if values is None:
        values = np.arange(1, NUM_VALUES + 1, dtype=np.float32) * 0.5      # exact in bf16
    bits = float_to_bf16_bits(values)
    num_sticks = bits.nbytes // STICK_BYTES
    n = len(cores)
    per_core = num_sticks // n
    assert per_core * n == num_sticks, "the sticks must split evenly over the cores"
    part_bytes = per_core * STICK_BYTES
    src = dev.dram_buffer(bits.nbytes, page_size=STICK_BYTES)
    dst = dev.dram_buffer(bits.nbytes, page_size=part_bytes)
    scratch = dev.l1_buffer(per_core * (src.aligned_page_size + STICK_BYTES), cores=cores)
    aligned = src.aligned_page_size
    try:
        src.write(bits)
        dst.write(np.zeros_like(bits))
        k = Kernel(KERNEL, on="riscv_1",
                   compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst), STICK_BYTES],
                   runtime_args=lambda i, xy, _n: [src, dst, scratch, i * per_core, per_core, i])
        t = dev.queue.enqueue(Program(cores, [k]))
        prints = list(dev.queue.prints)
        parts = dst.read(np.uint16).reshape(n, -1)
        dev.queue.finish()
    finally:
        scratch.free()
        src.free()
        dst.free()
    expected = bits.reshape(n, -1)
    good = [bool((p == e).all()) for p, e in zip(parts, expected)]
    return {"values": values, "parts": parts, "expected": expected, "good": good, "ok": all(good),
            "part_values": bf16_bits_to_float(parts), "prints": prints, "time": t,
            "cores": [tuple(c) for c in cores], "sticks_per_core": per_core,
            "aligned_page_size": aligned}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    for line in r["prints"]:
        print(line)
    status = "every core read its part" if r["ok"] else f"WRONG parts on {[c for c, g in zip(r['cores'], r['good']) if not g]}"
    print(f"shard_sticks on {arch}: {len(r['values'])} bf16 values in {STICK_BYTES}-byte sticks over "
          f"{len(r['cores'])} cores: {status}  device time {r['time']}")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
