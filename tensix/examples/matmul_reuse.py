"""Block matmul with in0/in1 block reuse: C = A @ B (640 x 640 x 640 bf16) on 25 cores.

The Mt x Nt output is cut into per_core_M x per_core_N tile blocks, one per core
(num_cores_to_corerangeset). Each core walks K in blocks of in0_block_w tiles: the reader brings an in0
block (per_core_M x in0_block_w tiles of A) and an in1 block (in0_block_w x per_core_N tiles of B), and
the compute kernel uses each in0 tile for out_subblock_w outputs and each in1 tile for out_subblock_h
outputs of a sub-block held in DST. Between K blocks the partial sums are spilled to CB 24 and reloaded
with copy_tile_to_dst_init_short(c_24) + copy_tile; the final sums go to CB 16. CB 16 and CB 24 are ONE
CircularBuffer (index=[16, 24]) sharing one L1 region, as in tt-metal's matmul_multicore_reuse.

The compute kernel is today's form by default (kernels/compute/bmm_block_helpers.cpp: ttnn's
kernel_lib matmul_block helper after compute_kernel_hw_startup<SrcOrder::Reverse>); compute="legacy"
runs the hand-written loop with mm_init and acquire_dst (kernels/compute/bmm_block.cpp).

    python examples/matmul_reuse.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from tensix import (CircularBuffer, Device, Kernel, Program, TensorAccessorArgs, corerange_to_cores,
                    num_cores_to_corerangeset)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matmul_single_core import FMT, TILE_BYTES, download, errors, make_inputs, run_fidelities, upload  # noqa: E402

KERNELS = Path(__file__).resolve().parent / "kernels"


def block_config(Mt: int, Kt: int, Nt: int, per_core_M: int, per_core_N: int, in0_block_w: int,
                 out_subblock_h: int, out_subblock_w: int, dst_tiles: int = 8) -> dict:
    """The block / sub-block geometry and the compute kernel's compile-time args."""
    if Mt % per_core_M or Nt % per_core_N or Kt % in0_block_w:
        raise ValueError(f"per_core_M={per_core_M}, per_core_N={per_core_N}, in0_block_w={in0_block_w} must "
                         f"divide Mt={Mt}, Nt={Nt}, Kt={Kt}")
    if per_core_M % out_subblock_h or per_core_N % out_subblock_w:
        raise ValueError(f"the {out_subblock_h}x{out_subblock_w} sub-block must divide the "
                         f"{per_core_M}x{per_core_N} block")
    if out_subblock_h * out_subblock_w > dst_tiles:
        raise ValueError(f"a {out_subblock_h}x{out_subblock_w} sub-block does not fit the {dst_tiles} DST tiles")
    cfg = dict(Mt=Mt, Kt=Kt, Nt=Nt, per_core_M=per_core_M, per_core_N=per_core_N, in0_block_w=in0_block_w,
               out_subblock_h=out_subblock_h, out_subblock_w=out_subblock_w, num_blocks=Kt // in0_block_w,
               in0_block_tiles=per_core_M * in0_block_w, in1_block_tiles=in0_block_w * per_core_N,
               out_block_tiles=per_core_M * per_core_N)
    cfg["compute_args"] = [
        in0_block_w,                                  # in0_block_w
        per_core_M // out_subblock_h,                 # in0_num_subblocks
        cfg["in0_block_tiles"],                       # in0_block_num_tiles
        out_subblock_h * in0_block_w,                 # in0_subblock_num_tiles
        per_core_N // out_subblock_w,                 # in1_num_subblocks
        cfg["in1_block_tiles"],                       # in1_block_num_tiles
        per_core_N,                                   # in1_per_core_w
        cfg["num_blocks"],                            # num_blocks
        out_subblock_h, out_subblock_w, out_subblock_h * out_subblock_w,
    ]
    cfg["writer_args"] = [per_core_M, per_core_N, out_subblock_h, out_subblock_w, Nt]
    return cfg


def block_cbs(cfg: dict) -> list[CircularBuffer]:
    """CB 0 / CB 1 hold two in0 / in1 blocks (double-buffered); CB 16 (output) and CB 24 (partials)
    share one region of one output block."""
    return [CircularBuffer(0, FMT, TILE_BYTES, 2 * cfg["in0_block_tiles"]),
            CircularBuffer(1, FMT, TILE_BYTES, 2 * cfg["in1_block_tiles"]),
            CircularBuffer([16, 24], {16: FMT, 24: FMT}, TILE_BYTES, cfg["out_block_tiles"])]


def run(dev: Device, M: int = 640, K: int = 640, N: int = 640, per_core_M: int = 4, per_core_N: int = 4,
        in0_block_w: int = 2, out_subblock_h: int = 2, out_subblock_w: int = 4, fidelity: str = "HiFi4",
        seed: int = 0, compute: str = "current") -> dict:
    """C = A @ B with one output block per core; returns the output, the reference, errors and times."""
    cfg = block_config(M // 32, K // 32, N // 32, per_core_M, per_core_N, in0_block_w, out_subblock_h,
                       out_subblock_w)
    blocks_n = cfg["Nt"] // per_core_N
    num_blocks_total = (cfg["Mt"] // per_core_M) * blocks_n
    cores = num_cores_to_corerangeset(num_blocks_total, dev.grid, row_wise=True)
    order = corerange_to_cores(cores, row_wise=True)
    # core i computes output block i: tile rows m0.., tile columns n0..
    origin = {(c.x, c.y): ((i // blocks_n) * per_core_M, (i % blocks_n) * per_core_N) for i, c in enumerate(order)}

    a, b = make_inputs(M, K, N, seed)
    src_a, src_b = upload(dev, a), upload(dev, b)
    dst = dev.dram_buffer(M * N * 2, TILE_BYTES)
    try:
        reader = Kernel(KERNELS / "mm" / "reader_block.cpp", on="reader",
                        compile_args=[per_core_M, per_core_N, in0_block_w, cfg["num_blocks"], cfg["Kt"], cfg["Nt"],
                                      TensorAccessorArgs(src_a), TensorAccessorArgs(src_b)],
                        runtime_args=lambda i, xy, n: [src_a, src_b, *origin[xy]])
        writer = Kernel(KERNELS / "mm" / "writer_block.cpp", on="writer",
                        compile_args=[*cfg["writer_args"], TensorAccessorArgs(dst)],
                        runtime_args=lambda i, xy, n: [dst, *origin[xy]])
        source = {"current": "bmm_block_helpers.cpp", "legacy": "bmm_block.cpp"}[compute]
        compute_k = Kernel(KERNELS / "compute" / source, on="compute", compile_args=cfg["compute_args"],
                           math_fidelity=fidelity)
        program = Program(cores, [reader, writer, compute_k], block_cbs(cfg))
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program)
        host_s = time.perf_counter() - t0
        out = download(dst, (M, N))
        dev.queue.finish()
    finally:
        for buf in (src_a, src_b, dst):
            buf.free()
    ref = a @ b
    return {"M": M, "K": K, "N": N, "fidelity": fidelity, "num_cores": len(order), "config": cfg,
            "output": out, "reference": ref, **errors(out, ref), "time": t, "host_s": host_s}


def main(arch: str = "n150") -> list[dict]:
    return run_fidelities(arch, run, lambda r: f"matmul_reuse ({r['num_cores']} cores, 4x4-tile blocks)")


if __name__ == "__main__":
    main(*sys.argv[1:])
