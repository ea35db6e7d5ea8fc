"""Sharded vector add on 4 cores: globally allocated CBs and no reader or writer kernels.

A 128 x 128 bf16 matrix (4 x 4 tiles) is split into 4 shards of 4 tiles, one per core of the 2x2 range
(0, 0)-(1, 1): by tile rows ("height"), tile columns ("width") or 2x2 tile blocks ("block"). a, b and
the output each live in a per-core L1 buffer (dev.l1_buffer(shard_bytes, cores=...)); the host writes
each core's shard with buf.write(shard, core=(x, y)). Three CircularBuffers are placed on those buffers
(buffer=buf), so the compute kernel finds its tiles already in CBs 0 and 1 and packs the sums straight
into the output shard (CB 16), which the host reads back per core. Bit-exact vs numpy.

    python examples/vecadd_sharding.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, CoreRange, Device, Kernel, Program
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize, untilize

KERNELS = Path(__file__).resolve().parent / "kernels" / "compute"
TILE_BYTES = 2048
CORES = CoreRange((0, 0), (1, 1))
SHARDINGS = ("height", "width", "block")


def shard_slices(sharding: str, rows: int, cols: int, n: int = 4) -> list[tuple[slice, slice]]:
    """The (row, column) element slices of each of the n shards, in core order."""
    if sharding == "height":
        h = rows // n
        return [(slice(i * h, (i + 1) * h), slice(0, cols)) for i in range(n)]
    if sharding == "width":
        w = cols // n
        return [(slice(0, rows), slice(i * w, (i + 1) * w)) for i in range(n)]
    if sharding == "block":
        h, w = rows // 2, cols // 2
        return [(slice(r * h, (r + 1) * h), slice(c * w, (c + 1) * w)) for r in range(2) for c in range(2)]
    raise ValueError(f"sharding {sharding!r} is not one of {SHARDINGS}")


def run(dev: Device, sharding: str = "height", rows: int = 128, cols: int = 128, seed: int = 0) -> dict:
    """a + b with each core adding its own resident shard; returns inputs, output and time."""
    rng = np.random.default_rng(seed)
    a = round_to_bf16(rng.standard_normal((rows, cols)).astype(np.float32))
    b = round_to_bf16(rng.standard_normal((rows, cols)).astype(np.float32))
    cores = CORES.cores(row_wise=True)
    slices = shard_slices(sharding, rows, cols, len(cores))
    shard_shape = a[slices[0]].shape
    tiles_per_core = shard_shape[0] * shard_shape[1] // 1024
    shard_bytes = tiles_per_core * TILE_BYTES
    bufs = [dev.l1_buffer(shard_bytes, cores=cores) for _ in range(3)]
    buf_a, buf_b, buf_out = bufs
    try:
        for c, sl in zip(cores, slices):
            buf_a.write(float_to_bf16_bits(tilize(a[sl])), core=(c.x, c.y))
            buf_b.write(float_to_bf16_bits(tilize(b[sl])), core=(c.x, c.y))
            buf_out.write(np.zeros(shard_bytes // 2, np.uint16), core=(c.x, c.y))
        cbs = [CircularBuffer(0, "float16_b", TILE_BYTES, tiles_per_core, buffer=buf_a),
               CircularBuffer(1, "float16_b", TILE_BYTES, tiles_per_core, buffer=buf_b),
               CircularBuffer(16, "float16_b", TILE_BYTES, tiles_per_core, buffer=buf_out)]
        compute = Kernel(KERNELS / "add_sharded.cpp", on="compute", compile_args=[0, 1, 16, tiles_per_core])
        program = Program(CORES, [compute], cbs)        # no reader, no writer
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program)
        host_s = time.perf_counter() - t0
        out = np.zeros_like(a)
        for c, sl in zip(cores, slices):
            out[sl] = untilize(bf16_bits_to_float(buf_out.read(np.uint16, core=(c.x, c.y))), shard_shape)
        dev.queue.finish()
    finally:
        for buf in bufs:
            buf.free()
    ref = round_to_bf16(a + b)
    mismatches = int((out.view(np.uint32) != ref.view(np.uint32)).sum())
    return {"sharding": sharding, "a": a, "b": b, "output": out, "reference": ref, "mismatches": mismatches,
            "tiles_per_core": tiles_per_core,
            "processors": [k.on for k in program.kernels], "ok": mismatches == 0, "time": t, "host_s": host_s}


def main(arch: str = "n150") -> list[dict]:
    results = []
    with Device(arch) as dev:
        for sharding in SHARDINGS:
            r = run(dev, sharding)
            results.append(r)
            status = "bit-exact vs numpy" if r["ok"] else f"{r['mismatches']} MISMATCHED values"
            print(f"vecadd_sharding ({sharding}) on {arch}: 4x4 bf16 tiles on 4 cores, {r['tiles_per_core']} "
                  f"resident tiles each: {status}  device time {r['time']}")
    if not all(r["ok"] for r in results):
        raise SystemExit(1)
    return results


if __name__ == "__main__":
    main(*sys.argv[1:])
