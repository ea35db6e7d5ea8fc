"""Sharded vector add on 4 cores: globally allocated CBs and no reader or writer kernels.

A 128 x 128 bf16 matrix (4 x 4 tiles) is sharded over the 4 cores of (0, 0)-(1, 1) by tile rows
("height", shards of 1 x 4 tiles), tile columns ("width", 4 x 1) or 2 x 2 tile blocks ("block"):
a, b and the output are sharded L1 buffers (ShardSpec), written and read by the host in one piece.
Three CircularBuffers are placed on those buffers (buffer=buf), so each core's compute kernel finds
its shard's tiles already in CBs 0 and 1 and packs the sums straight into its output shard (CB 16).
Bit-exact vs numpy.

    python examples/vecadd_sharding.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, CoreRange, Device, Kernel, Program, ShardSpec
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize, untilize

KERNELS = Path(__file__).resolve().parent / "kernels" / "compute"
TILE_BYTES = 2048
CORES = CoreRange((0, 0), (1, 1))
SHARDINGS = ("height", "width", "block")


SHARD_TILES = {"height": (1, 4), "width": (4, 1), "block": (2, 2)}    # shard shape in tiles


def run(dev: Device, sharding: str = "height", rows: int = 128, cols: int = 128, seed: int = 0) -> dict:
    """a + b with each core adding its own resident shard; returns inputs, output and time."""
    if sharding not in SHARD_TILES:
        raise ValueError(f"sharding {sharding!r} is not one of {SHARDINGS}")
    rng = np.random.default_rng(seed)
    a = round_to_bf16(rng.standard_normal((rows, cols)).astype(np.float32))
    b = round_to_bf16(rng.standard_normal((rows, cols)).astype(np.float32))
    tiles = (rows // 32, cols // 32)
    spec = ShardSpec(tiles, SHARD_TILES[sharding], cores=CORES)
    tiles_per_core = spec.shard_volume
    size = tiles[0] * tiles[1] * TILE_BYTES
    bufs = [dev.l1_buffer(size, TILE_BYTES, shard=spec) for _ in range(3)]
    buf_a, buf_b, buf_out = bufs
    try:
        buf_a.write(float_to_bf16_bits(tilize(a)))
        buf_b.write(float_to_bf16_bits(tilize(b)))
        buf_out.write(np.zeros(size // 2, np.uint16))
        cbs = [CircularBuffer(0, "float16_b", TILE_BYTES, tiles_per_core, buffer=buf_a),
               CircularBuffer(1, "float16_b", TILE_BYTES, tiles_per_core, buffer=buf_b),
               CircularBuffer(16, "float16_b", TILE_BYTES, tiles_per_core, buffer=buf_out)]
        compute = Kernel(KERNELS / "add_sharded.cpp", on="compute", compile_args=[0, 1, 16, tiles_per_core])
        program = Program(CORES, [compute], cbs)        # no reader, no writer
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program)
        host_s = time.perf_counter() - t0
        out = untilize(bf16_bits_to_float(buf_out.read(np.uint16)), (rows, cols))
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
