"""Host cost of the simulated compute engine, with ratios against numpy measured
in the same run: a 1024x1024x1024 bf16 matmul on 64 cores with one-tile CB pages (the plainest kernels,
written here: every tile pays the whole CB and DST handshake) and the same matmul as tensix.gen lowers it,
a 4096x4096 bf16 add on 64 cores (tensix.gen), and the host cost of one tile operation (wait + op + pack
+ push).

Run: python bench/bench_compute.py
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from timing import best_of
from tensix import CircularBuffer, Device, Kernel, Program, TensorAccessorArgs, gen, split_work_to_cores
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, quantize, tilize, untilize
from tensix.gen.kernels import writer_source
from tensix.sim import calibration as calibrate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from tile_kernels import ADD_TILES  # noqa: E402   the tile-op row's compute kernel, shared with test_timing

MM_READER = r"""
void kernel_main() {
    uint32_t a = get_arg_val<uint32_t>(0), b = get_arg_val<uint32_t>(1), start = get_arg_val<uint32_t>(2), n = get_arg_val<uint32_t>(3);
    constexpr uint32_t Kt = get_compile_time_arg_val(0), Nt = get_compile_time_arg_val(1);
    constexpr auto aa = TensorAccessorArgs<2>();
    constexpr auto ba = TensorAccessorArgs<aa.next_compile_time_args_offset()>();
    const auto A = TensorAccessor(aa, a);
    const auto B = TensorAccessor(ba, b);
    for (uint32_t t = start; t < start + n; t++) {
        uint32_t mt = t / Nt, nt = t % Nt;
        for (uint32_t k = 0; k < Kt; k++) {
            cb_reserve_back(0, 1); cb_reserve_back(1, 1);
            noc_async_read_page(mt * Kt + k, A, get_write_ptr(0));
            noc_async_read_page(k * Nt + nt, B, get_write_ptr(1));
            noc_async_read_barrier();
            cb_push_back(0, 1); cb_push_back(1, 1);
        }
    }
}"""
MM_COMPUTE = r"""
#include "api/compute/matmul.h"
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    constexpr uint32_t Kt = get_compile_time_arg_val(0);
    mm_init(0, 1, 16);
    for (uint32_t t = 0; t < n; t++) {
        tile_regs_acquire();
        for (uint32_t k = 0; k < Kt; k++) {
            cb_wait_front(0, 1); cb_wait_front(1, 1);
            matmul_tiles(0, 1, 0, 0, 0);
            cb_pop_front(0, 1); cb_pop_front(1, 1);
        }
        tile_regs_commit();
        cb_reserve_back(16, 1);
        tile_regs_wait();
        pack_tile(0, 16);
        tile_regs_release();
        cb_push_back(16, 1);
    }
}"""
CBS = [CircularBuffer(i, "float16_b", 2048, 2) for i in (0, 1, 16)]


def split(dev, units):
    n, all_cores, g1, g2, u1, u2 = split_work_to_cores(dev.grid, units)
    plan, start = {}, 0
    for c in all_cores.cores():
        k = u1 if c in g1 else u2
        plan[(c.x, c.y)] = (start, k)
        start += k
    return all_cores, plan


def bf16(a: np.ndarray) -> np.ndarray:
    return float_to_bf16_bits(tilize(a))


def matmul(dev, M, K, N, rng):
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    Mt, Kt, Nt = M // 32, K // 32, N // 32
    A, B, C = dev.dram_buffer(M * K * 2, 2048), dev.dram_buffer(K * N * 2, 2048), dev.dram_buffer(M * N * 2, 2048)
    A.write(bf16(a))
    B.write(bf16(b))
    cores, plan = split(dev, Mt * Nt)
    r = Kernel(MM_READER, on="reader", compile_args=[Kt, Nt, TensorAccessorArgs(A), TensorAccessorArgs(B)],
               runtime_args={c: [A, B, s, n] for c, (s, n) in plan.items()})
    m = Kernel(MM_COMPUTE, on="compute", compile_args=[Kt], runtime_args={c: [n] for c, (s, n) in plan.items()})
    w = Kernel(writer_source(), on="writer", name="gen_eltwise_writer.cpp", compile_args=[TensorAccessorArgs(C)],
               runtime_args={c: [s, n, 1, 1, C] for c, (s, n) in plan.items()})     # tensix.gen's tile writer
    p = Program(cores, [r, m, w], CBS)
    dev.queue.enqueue(p)   # compile
    t = best_of(lambda: dev.queue.enqueue(p), 2)
    dt = dev.queue.enqueue(p)
    out = untilize(bf16_bits_to_float(C.read(np.uint16)), (M, N))
    ref = bf16_bits_to_float(float_to_bf16_bits(a)) @ bf16_bits_to_float(float_to_bf16_bits(b))
    pcc = float(np.corrcoef(out.ravel(), ref.ravel())[0, 1])
    for buf in (A, B, C):
        buf.free()
    return t, dt, pcc, len(cores), a, b


def add(dev, M, N, rng):
    """a + b as tensix.gen lowers it (its default config: the grid, 4-tile blocks, double-buffered CBs)."""
    a = rng.standard_normal((M, N)).astype(np.float32)
    b = rng.standard_normal((M, N)).astype(np.float32)
    A, B, C = gen.from_numpy(dev, a), gen.from_numpy(dev, b), gen.empty(dev, (M, N))
    op = gen.Eltwise(lambda x, y: x + y, [A, B])
    cfg = op.default()
    p = op.build(cfg, C).program
    dev.queue.enqueue(p)
    t = best_of(lambda: dev.queue.enqueue(p), 2)
    dt = dev.queue.enqueue(p)
    ok = np.array_equal(C.numpy(), quantize(quantize(a, "float16_b") + quantize(b, "float16_b"), "float16_b"))
    for x in (A, B, C):
        x.free()
    return t, dt, ok, cfg["cores"], a, b


def gen_matmul(dev, M, K, N, rng):
    """The same matmul as tensix.gen lowers it (its default config)."""
    a = rng.standard_normal((M, K)).astype(np.float32)
    b = rng.standard_normal((K, N)).astype(np.float32)
    A, B, C = gen.from_numpy(dev, a), gen.from_numpy(dev, b), gen.empty(dev, (M, N))
    op = gen.Matmul(A, B)
    cfg = op.default()
    p = op.build(cfg, C).program
    dev.queue.enqueue(p)
    t = best_of(lambda: dev.queue.enqueue(p), 2)
    dt = dev.queue.enqueue(p)
    ref = quantize(a, "float16_b") @ quantize(b, "float16_b")
    pcc = float(np.corrcoef(C.numpy().ravel(), ref.ravel())[0, 1])
    for x in (A, B, C):
        x.free()
    return t, dt, pcc, cfg, a, b


def tile_op_cost(dev, n=20000):
    """Host cost of one tile op: the calibration feeder pushes one page each into CBs 0 and 1 and its
    drain pops CB 16, without moving data, so only the compute side costs."""
    p = Program((0, 0), [Kernel(calibrate.FEED, on="reader", runtime_args=[n, 1, 1]),
                         Kernel(ADD_TILES, on="compute", runtime_args=[n]),
                         Kernel(calibrate.DRAIN, on="writer", runtime_args=[n, 1])], CBS)
    dev.queue.enqueue(p)
    return best_of(lambda: dev.queue.enqueue(p)) / n


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []
    with Device("n150") as dev:
        t, dt, pcc, ncores, a, b = matmul(dev, 1024, 1024, 1024, rng)
        ref = best_of(lambda: a @ b)
        rows.append(("matmul 1024x1024x1024 bf16, HiFi4, %d cores, one-tile CB pages" % ncores,
                     f"{t * 1e3:.1f} ms", f"{ref * 1e3:.2f} ms", f"{t / ref:.1f}x", f"PCC {pcc:.6f}, device {dt.us:.0f} us"))
        t, dt, pcc, cfg, a, b = gen_matmul(dev, 1024, 1024, 1024, rng)
        ref = best_of(lambda: a @ b)
        rows.append((f"matmul 1024x1024x1024 bf16, HiFi4, tensix.gen {cfg['variant']} {cfg['pm']}x{cfg['pn']} blocks",
                     f"{t * 1e3:.1f} ms", f"{ref * 1e3:.2f} ms", f"{t / ref:.1f}x", f"PCC {pcc:.6f}, device {dt.us:.0f} us"))
        t, dt, ok, ncores, a, b = add(dev, 4096, 4096, rng)
        ref = best_of(lambda: a + b)
        rows.append(("add 4096x4096 bf16, tensix.gen, %d cores" % ncores, f"{t * 1e3:.1f} ms", f"{ref * 1e3:.2f} ms", f"{t / ref:.1f}x",
                     f"{'bit-exact' if ok else 'MISMATCH'}, device {dt.us:.0f} us"))
        per = tile_op_cost(dev)
        rows.append(("one tile op: wait + add_tiles + pack + push (+ feeder/drain)", f"{per * 1e6:.2f} us", "", "", ""))
    if importlib.util.find_spec("ttlang_sim") or importlib.util.find_spec("tt_lang_sim"):
        rows.append(("tt-lang-sim", "installed but not wired into this benchmark yet", "", "", ""))
    else:
        rows.append(("tt-lang-sim", "not installed: no comparison", "", "", ""))
    head = ("measurement", "tensix (host)", "numpy fp32", "ratio", "notes")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    for r in [head, tuple("-" * w for w in widths)] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))


if __name__ == "__main__":
    main()
