"""Multi-core matmul: C = A @ B (640 x 640 x 640 bf16) with the output tiles split over the grid.

tensix.split_work_to_cores(dev.grid, Mt * Nt) gives each core a run of consecutive output tiles (the
first group one tile more than the second); each core's reader and writer get the first tile id and the
count as runtime args, and its compute kernel the count and Kt. Each output tile is computed as in the
single-core example: Kt products accumulated in DST by matmul_tiles.

    python examples/matmul_multi_core.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from tensix import CircularBuffer, Device, Kernel, Program, TensorAccessorArgs, split_work_to_cores

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matmul_single_core import FMT, TILE_BYTES, download, errors, make_inputs, run_fidelities, upload  # noqa: E402

KERNELS = Path(__file__).resolve().parent / "kernels"


def run(dev: Device, M: int = 640, K: int = 640, N: int = 640, fidelity: str = "HiFi4", seed: int = 0) -> dict:
    """C = A @ B over the whole grid; returns the output, the numpy fp32 reference, errors and times."""
    Mt, Kt, Nt = M // 32, K // 32, N // 32
    split = split_work_to_cores(dev.grid, Mt * Nt)
    # each core's (first output tile, number of tiles), in the split's core order
    work, start = {}, 0
    for group, per_core in ((split.core_group_1, split.units_per_core_group_1),
                            (split.core_group_2, split.units_per_core_group_2)):
        for c in group.cores(row_wise=False):
            work[(c.x, c.y)] = (start, per_core)
            start += per_core
    assert start == Mt * Nt

    a, b = make_inputs(M, K, N, seed)
    src_a, src_b = upload(dev, a), upload(dev, b)
    dst = dev.dram_buffer(M * N * 2, TILE_BYTES)
    try:
        reader = Kernel(KERNELS / "mm" / "reader_tiles_partitioned.cpp", on="reader",
                        compile_args=[TensorAccessorArgs(src_a), TensorAccessorArgs(src_b)],
                        runtime_args=lambda i, xy, n: [src_a, src_b, Kt, Nt, *work[xy]])
        writer = Kernel(KERNELS / "mm" / "writer_tiles.cpp", on="writer", compile_args=[TensorAccessorArgs(dst)],
                        runtime_args=lambda i, xy, n: [dst, *work[xy]])
        compute = Kernel(KERNELS / "compute" / "mm_tiles.cpp", on="compute", math_fidelity=fidelity,
                         runtime_args=lambda i, xy, n: [work[xy][1], Kt])
        cbs = [CircularBuffer(i, FMT, TILE_BYTES, 2) for i in (0, 1, 16)]
        program = Program(split.all_cores, [reader, writer, compute], cbs)
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program)
        host_s = time.perf_counter() - t0
        out = download(dst, (M, N))
        dev.queue.finish()
    finally:
        for buf in (src_a, src_b, dst):
            buf.free()
    ref = a @ b
    return {"M": M, "K": K, "N": N, "fidelity": fidelity, "num_cores": split.num_cores,
            "tiles_per_core": (split.units_per_core_group_1, split.units_per_core_group_2),
            "output": out, "reference": ref, **errors(out, ref), "time": t, "host_s": host_s}


def main(arch: str = "n150") -> list[dict]:
    return run_fidelities(arch, run, lambda r: f"matmul_multi_core ({r['num_cores']} cores, {r['tiles_per_core']} tiles each)")


if __name__ == "__main__":
    main(*sys.argv[1:])
