"""Host cost of the simulated chip's data-movement path.

Prints one table: µs of host time per kernel-API call and per tile moved, cold and warm compile time
of a 3-kernel program, and a loop of N enqueues of one program with memory / fds / threads before
and after. Run: python bench/bench_dm.py [--runs 10000]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from timing import best_of
from tensix import CircularBuffer, Device, Kernel, Program, Semaphore, TensorAccessorArgs
from tensix.gen import programs

CALLS = {
    "cb_reserve_back+push_back+wait_front+pop_front (per call)": (4, r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    for (uint32_t i = 0; i < n; i++) { cb_reserve_back(0, 1); cb_push_back(0, 1); cb_wait_front(0, 1); cb_pop_front(0, 1); }
}"""),
    "noc_async_read 32 B from own L1 (per call)": (1, r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    uint32_t buf = get_write_ptr(0);
    uint64_t src = get_noc_addr(buf + 1024);
    for (uint32_t i = 0; i < n; i++) noc_async_read(src, buf, 32);
    noc_async_read_barrier();
}"""),
    "noc_async_write 32 B to DRAM (per call)": (1, r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    uint64_t dst = get_noc_addr_from_bank_id<true>(0, 4096);
    for (uint32_t i = 0; i < n; i++) noc_async_write(get_write_ptr(0), dst, 32);
    noc_async_write_barrier();
}"""),
    "noc_semaphore_set + noc_semaphore_wait (per call)": (2, r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    volatile uint32_t* s = (volatile uint32_t*)get_semaphore(0);
    for (uint32_t i = 0; i < n; i++) { noc_semaphore_set(s, i); noc_semaphore_wait(s, i); }
}"""),
    "get_noc_addr(id, TensorAccessor) (per call, no sync)": (1, r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto acc = TensorAccessor(args, 4096);
    uint64_t x = 0;
    for (uint32_t i = 0; i < n; i++) x += get_noc_addr(i, acc);
    DPRINT << (uint32_t)x << ENDL();
}"""),
}

THIRD = "void kernel_main() { DPRINT << get_arg_val<uint32_t>(0) << ENDL(); }"


def copy_program(dev, src, dst, ntiles, cores):
    """tensix.gen's streamed copy: on each core a reader fills CB 0 (4 pages), a writer drains it."""
    return programs.stream(src, dst, ntiles, cores=cores, depth=4)


def proc_stats(pid: int) -> tuple[int, int, int]:
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--calls", type=int, default=200000)
    opts = ap.parse_args()
    rows: list[tuple[str, str]] = []
    with Device() as dev:
        for name, (per_iter, src) in CALLS.items():
            k = Kernel(src, on="riscv_0", runtime_args=[0], compile_args=[TensorAccessorArgs(dev.dram_buffer(2048 * 12, 2048))])
            p = Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 2)], [Semaphore(0)])
            dev.queue.enqueue(p)
            base = best_of(lambda: dev.queue.enqueue(p))
            k.runtime_args = [opts.calls]
            full = best_of(lambda: dev.queue.enqueue(p))
            rows.append((name, f"{(full - base) / (opts.calls * per_iter) * 1e6:.3f} us"))

        for ncores, grid in ((1, (0, 0)), (64, ((0, 0), (7, 7)))):
            from tensix import CoreRange, CoreRangeSet
            cores = CoreRangeSet(CoreRange(*grid)) if ncores > 1 else CoreRangeSet(CoreRange(grid))
            ntiles = 4096
            src, dst = dev.dram_buffer(ntiles * 2048, 2048), dev.dram_buffer(ntiles * 2048, 2048)
            src.write(np.random.default_rng(0).integers(0, 2**16, ntiles * 1024, dtype=np.uint16))
            p = copy_program(dev, src, dst, ntiles, cores.cores())
            dev.queue.enqueue(p)
            t = best_of(lambda: dev.queue.enqueue(p))
            dt = dev.queue.enqueue(p)
            rows.append((f"tile moved DRAM->L1->DRAM, {ntiles} bf16 tiles on {ncores} core(s)",
                         f"{t / ntiles * 1e6:.3f} us/tile (modelled device time {dt.us:.1f} us)"))
            src.free()
            dst.free()

    with tempfile.TemporaryDirectory() as cache:
        os.environ["TENSIX_CACHE"] = cache
        from tensix.sim import compiler
        t = time.perf_counter()
        compiler.runtime_executable()
        rows.append(("simulator runtime build (once per tensix version)", f"{time.perf_counter() - t:.2f} s"))
        for label in ("cold", "warm"):
            with Device() as dev:
                src, dst = dev.dram_buffer(8 * 2048, 2048), dev.dram_buffer(8 * 2048, 2048)
                copy = copy_program(dev, src, dst, 8, [(0, 0)])
                for k in copy.kernels:
                    k.cores = (0, 0)
                third = Kernel(THIRD, on="riscv_0", cores=(1, 0), runtime_args=[1])
                p = Program([(0, 0), (1, 0)], [*copy.kernels, third], copy.cbs)
                t = time.perf_counter()
                dev.queue.enqueue(p)
                first = time.perf_counter() - t
                run = best_of(lambda: dev.queue.enqueue(p))
                rows.append((f"3-kernel program, {label} compile (first enqueue - run)", f"{(first - run) * 1e3:.1f} ms"))
        del os.environ["TENSIX_CACHE"]

    with Device() as dev:
        n = 16
        src, dst = dev.dram_buffer(n * 2048, 2048), dev.dram_buffer(n * 2048, 2048)
        data = np.random.default_rng(1).integers(0, 2**16, n * 1024, dtype=np.uint16)
        src.write(data)
        p = copy_program(dev, src, dst, n, [(0, 0)])
        for _ in range(200):
            dev.queue.enqueue(p)
        me, sim = os.getpid(), dev.backend.pid
        before = proc_stats(me), proc_stats(sim)
        t = time.perf_counter()
        for i in range(opts.runs):
            dev.queue.enqueue(p)
        wall = time.perf_counter() - t
        ok = np.array_equal(dst.read(np.uint16), data)
        after = proc_stats(me), proc_stats(sim)
        rows.append((f"loop: {opts.runs} enqueues of a 16-tile copy", f"{wall:.2f} s, {wall / opts.runs * 1e6:.0f} us/run, results {'identical' if ok else 'WRONG'}"))
        for who, b, a in (("host", before[0], after[0]), ("device process", before[1], after[1])):
            rows.append((f"  {who}: RSS kB / open fds / threads, before -> after",
                         f"{b[0]} -> {a[0]} / {b[1]} -> {a[1]} / {b[2]} -> {a[2]}"))

    w = max(len(r[0]) for r in rows)
    print(f"{'measurement'.ljust(w)}  value")
    print("-" * (w + 40))
    for name, val in rows:
        print(f"{name.ljust(w)}  {val}")


if __name__ == "__main__":
    main()
