"""Cost of the timing model: estimate an 8192x8192x8192 bf16 matmul on the full
n150 grid (8x8) in timing-only mode, with the 2-D multicast matmul kernels of examples/matmul_mcast.py.
The output block of a core (32x32 tiles) does not fit in L1, so the matmul runs as 4 programs of 2048
rows each, as a real deployment would split it. Prints host time, modelled device time, TFLOP/s and FPU
utilization.

Run: python bench/bench_model.py [M K N]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

from matmul_mcast import KERNELS, _rect  # noqa: E402
from matmul_reuse import block_cbs, block_config  # noqa: E402

from tensix import CoreRange, Device, Kernel, Program, Semaphore, TensorAccessorArgs  # noqa: E402


def mcast_matmul(dev: Device, M: int, K: int, N: int, passes: int, fidelity: str = "HiFi4") -> tuple[float, float, list]:
    gx, gy = dev.grid.x, dev.grid.y
    Mt, Kt, Nt = M // 32, K // 32, N // 32
    pm, pn = Mt // passes // gy, Nt // gx
    cfg = block_config(Mt, Kt, Nt, pm, pn, 2, 4, 2)
    a, b, c = dev.dram_buffer(M * K * 2, 2048), dev.dram_buffer(K * N * 2, 2048), dev.dram_buffer(M * N * 2, 2048)
    readers = []
    for in0_sender in (1, 0):
        for in1_sender in (1, 0):
            xs = range(0, 1) if in0_sender else range(1, gx)
            ys = range(0, 1) if in1_sender else range(1, gy)
            readers.append(Kernel(KERNELS / "mm" / "reader_mcast.cpp", on="reader", cores=CoreRange((xs[0], ys[0]), (xs[-1], ys[-1])),
                                  defines={"IN0_SENDER": in0_sender, "IN1_SENDER": in1_sender},
                                  compile_args=[pm, pn, 2, cfg["num_blocks"], Kt, Nt, TensorAccessorArgs(a), TensorAccessorArgs(b)]))
    noc = readers[0].noc
    writer = Kernel(KERNELS / "mm" / "writer_block.cpp", on="writer", compile_args=[*cfg["writer_args"], TensorAccessorArgs(c)])
    compute = Kernel(KERNELS / "compute" / "bmm_block.cpp", on="compute", compile_args=cfg["compute_args"], math_fidelity=fidelity)
    program = Program(CoreRange((0, 0), (gx - 1, gy - 1)), [*readers, writer, compute], block_cbs(cfg), [Semaphore(0) for _ in range(4)])
    host = 0.0
    device = 0.0
    profiles = []
    for p in range(passes):
        row0 = p * (Mt // passes)

        def reader_args(i, xy, n, row0=row0):
            x, y = xy
            in0 = [*_rect(dev, (1, y), (gx - 1, y), noc), gx - 1] if x == 0 else [*dev.worker_core((0, y)), 0, 0, 0]
            in1 = [*_rect(dev, (x, 1), (x, gy - 1), noc), gy - 1] if y == 0 else [*dev.worker_core((x, 0)), 0, 0, 0]
            return [a, b, row0 + y * pm, x * pn, *in0, *in1]
        for k in readers:
            k.runtime_args = reader_args
        writer.runtime_args = lambda i, xy, n, row0=row0: [c, row0 + xy[1] * pm, xy[0] * pn]
        if p == 0:
            dev.queue.enqueue(program, timing_only=True)      # build (compile) outside the timing
        t0 = time.perf_counter()
        t = dev.queue.enqueue(program, timing_only=True)
        host += time.perf_counter() - t0
        device += t.seconds
        profiles.append(t.profile)
    for buf in (a, b, c):
        buf.free()
    return host, device, profiles


def main() -> None:
    M, K, N = (int(v) for v in sys.argv[1:4]) if len(sys.argv) >= 4 else (8192, 8192, 8192)
    with Device("n150") as dev:
        host, device, profiles = mcast_matmul(dev, M, K, N, passes=4 if M >= 4096 else 1)
        flops = 2 * M * K * N
        util = sum(p.fpu_utilization for p in profiles) / len(profiles)
        peak = dev.grid.x * dev.grid.y * 4096 / 4 * dev.arch.aiclk_hz     # HiFi4: 4 phases
        print(f"{'measurement':44}  value")
        print("-" * 80)
        print(f"{'matmul':44}  {M}x{K}x{N} bf16, HiFi4, {dev.grid.x}x{dev.grid.y} cores, 2-D multicast, timing-only")
        print(f"{'host time to estimate it':44}  {host:.1f} s (target < 60 s)")
        print(f"{'modelled device time':44}  {device * 1e3:.2f} ms")
        print(f"{'achieved':44}  {flops / device / 1e12:.1f} TFLOP/s of {peak / 1e12:.1f} peak at HiFi4")
        print(f"{'FPU utilization (mean over passes)':44}  {util * 100:.1f}%")


if __name__ == "__main__":
    main()
