"""2-D multicast block matmul on an 8x8 grid: C = A @ B (512 x 128 x 512 bf16 by default).

Core (x, y) of the 8x8 grid computes the output block of tile rows y*per_core_M.. and tile columns
x*per_core_N... Its in0 blocks (rows of A) are the same for the whole grid row and its in1 blocks
(columns of B) the same for the whole grid column, so only the left column reads A from DRAM and
multicasts each in0 block along its row, and only the top row reads B and multicasts each in1 block
down its column. Four semaphores per core (in0 sender/receiver, in1 sender/receiver, initial INVALID)
carry the handshake; NoC coordinates come from dev.worker_core(). The compute kernel and the writer
are those of the block-reuse example (partials spilled to CB 24, which shares its space with CB 16).

    python examples/matmul_mcast.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from tensix import CoreRange, Device, Kernel, Program, Semaphore, TensorAccessorArgs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matmul_reuse import block_cbs, block_config  # noqa: E402
from matmul_single_core import TILE_BYTES, download, errors, make_inputs, report, upload  # noqa: E402

KERNELS = Path(__file__).resolve().parent / "kernels"
GRID = (8, 8)


def _rect(dev: Device, a, b, noc: int) -> list[int]:
    """The NoC rectangle covering logical cores a..b as a tt-metal host passes it: NoC0 coordinates,
    start = top-left. A NoC 1 multicast needs start and end swapped; on Wormhole and Blackhole
    (translated coordinates, the same on both NoCs) the host swaps them, on Grayskull the kernel API
    mirrors NoC0 coordinates for NoC 1, which swaps them by itself."""
    pa, pb = dev.worker_core(a), dev.worker_core(b)
    lo, hi = (min(pa.x, pb.x), min(pa.y, pb.y)), (max(pa.x, pb.x), max(pa.y, pb.y))
    return [*hi, *lo] if noc == 1 and dev.arch.translated else [*lo, *hi]


def run(dev: Device, M: int = 8 * 2 * 32, K: int = 4 * 32, N: int = 8 * 2 * 32, in0_block_w: int = 2,
        out_subblock_h: int = 2, out_subblock_w: int = 2, fidelity: str = "HiFi4", seed: int = 0,
        grid=GRID) -> dict:
    """C = A @ B with in0 multicast along rows and in1 down columns; returns output, errors and times."""
    gx, gy = grid
    if gx > dev.grid.x or gy > dev.grid.y:
        raise ValueError(f"a {gx}x{gy} grid does not fit the {dev.grid.x}x{dev.grid.y} cores of {dev.arch.board}")
    Mt, Kt, Nt = M // 32, K // 32, N // 32
    if Mt % gy or Nt % gx:
        raise ValueError(f"Mt={Mt} and Nt={Nt} must split evenly over {gy} rows and {gx} columns of cores")
    cfg = block_config(Mt, Kt, Nt, Mt // gy, Nt // gx, in0_block_w, out_subblock_h, out_subblock_w)
    pm, pn = cfg["per_core_M"], cfg["per_core_N"]
    cores = CoreRange((0, 0), (gx - 1, gy - 1))

    a, b = make_inputs(M, K, N, seed)
    src_a, src_b = upload(dev, a), upload(dev, b)
    dst = dev.dram_buffer(M * N * 2, TILE_BYTES)
    try:
        readers = []
        for in0_sender in (1, 0):
            for in1_sender in (1, 0):
                xs = range(0, 1) if in0_sender else range(1, gx)
                ys = range(0, 1) if in1_sender else range(1, gy)
                if not xs or not ys:
                    continue
                readers.append(Kernel(
                    KERNELS / "mm" / "reader_mcast.cpp", on="reader", cores=CoreRange((xs[0], ys[0]), (xs[-1], ys[-1])),
                    defines={"IN0_SENDER": in0_sender, "IN1_SENDER": in1_sender},
                    compile_args=[pm, pn, in0_block_w, cfg["num_blocks"], Kt, Nt,
                                  TensorAccessorArgs(src_a), TensorAccessorArgs(src_b)],
                    name=f"reader_mcast_in0_{'sender' if in0_sender else 'receiver'}_in1_"
                         f"{'sender' if in1_sender else 'receiver'}.cpp"))
        noc = readers[0].noc

        def reader_args(i, xy, n):
            x, y = xy
            if x == 0:            # in0 sender: the rest of the row
                in0 = [*_rect(dev, (1, y), (gx - 1, y), noc), gx - 1] if gx > 1 else [0, 0, 0, 0, 0]
            else:                 # in0 receiver: the left-column core of the row
                in0 = [*dev.worker_core((0, y)), 0, 0, 0]
            if y == 0:            # in1 sender: the rest of the column
                in1 = [*_rect(dev, (x, 1), (x, gy - 1), noc), gy - 1] if gy > 1 else [0, 0, 0, 0, 0]
            else:
                in1 = [*dev.worker_core((x, 0)), 0, 0, 0]
            return [src_a, src_b, y * pm, x * pn, *in0, *in1]

        for k in readers:
            k.runtime_args = reader_args
        writer = Kernel(KERNELS / "mm" / "writer_block.cpp", on="writer",
                        compile_args=[*cfg["writer_args"], TensorAccessorArgs(dst)],
                        runtime_args=lambda i, xy, n: [dst, xy[1] * pm, xy[0] * pn])
        compute = Kernel(KERNELS / "compute" / "bmm_block.cpp", on="compute", compile_args=cfg["compute_args"],
                         math_fidelity=fidelity)
        sems = [Semaphore(0) for _ in range(4)]     # INVALID: in0 sender/receiver, in1 sender/receiver
        program = Program(cores, [*readers, writer, compute], block_cbs(cfg), sems)
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program)
        host_s = time.perf_counter() - t0
        out = download(dst, (M, N))
        dev.queue.finish()
    finally:
        for buf in (src_a, src_b, dst):
            buf.free()
    ref = a @ b
    return {"M": M, "K": K, "N": N, "fidelity": fidelity, "num_cores": gx * gy, "config": cfg,
            "output": out, "reference": ref, **errors(out, ref), "time": t, "host_s": host_s}


def main(arch: str = "n150") -> list[dict]:
    results = []
    with Device(arch) as dev:
        # 8x8 where the chip has it (n300 has 8x7 worker cores: use 8x7 there)
        gx, gy = min(GRID[0], dev.grid.x), min(GRID[1], dev.grid.y)
        for fidelity in ("HiFi4", "LoFi"):
            r = run(dev, M=gy * 2 * 32, N=gx * 2 * 32, fidelity=fidelity, grid=(gx, gy))
            results.append(r)
            print(report(f"matmul_mcast ({gx}x{gy} grid)", arch, r))
    if results[0]["pcc"] < 0.9999:
        raise SystemExit(1)
    return results


if __name__ == "__main__":
    main(*sys.argv[1:])
