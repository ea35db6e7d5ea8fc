"""The shape of the timing model, timing-only runs, traces and the grid picture."""
import json

import numpy as np
import pytest


from tensix import CircularBuffer, Device, Kernel, Program, TensorAccessorArgs, gen
from tensix.formats import quantize
from tile_kernels import ADD_TILES

# the calibration microbenchmarks (bench/calibrate.py prints them) measure the model's shape too
from tensix.sim import calibration as calibrate

COPY = r"""
void kernel_main() {   // pages [start, start+n) of src -> L1 -> dst, one barrier per page
    uint32_t src = get_arg_val<uint32_t>(0), dst = get_arg_val<uint32_t>(1), n = get_arg_val<uint32_t>(2);
    uint32_t start = get_arg_val<uint32_t>(3);
    constexpr auto sa = TensorAccessorArgs<0>();
    constexpr auto da = TensorAccessorArgs<sa.next_compile_time_args_offset()>();
    const auto s = TensorAccessor(sa, src);
    const auto d = TensorAccessor(da, dst);
    uint32_t l1 = get_write_ptr(0);
    for (uint32_t i = start; i < start + n; i++) {
        noc_async_read_page(i, s, l1);
        noc_async_read_barrier();
        noc_async_write_page(i, d, l1);
        noc_async_writes_flushed();
    }
    noc_async_write_barrier();
}
"""
BANK_READ = r"""
void kernel_main() {   // n reads of 2 KB from one DRAM bank, all in flight, one barrier
    uint32_t bank = get_arg_val<uint32_t>(0), base = get_arg_val<uint32_t>(1), n = get_arg_val<uint32_t>(2);
    for (uint32_t i = 0; i < n; i++)
        noc_async_read(get_noc_addr_from_bank_id<true>(bank, base + i * 2048), get_write_ptr(0) + (i % 4) * 2048, 2048);
    noc_async_read_barrier();
}
"""
@pytest.fixture(scope="module")
def wh():
    with Device("n150") as d:
        yield d


def copy_cycles(dev, page, pages, core=(0, 0), timing_only=False):
    src, dst = dev.dram_buffer(page * pages, page), dev.dram_buffer(page * pages, page)
    src.write(np.arange(page * pages // 2, dtype=np.uint16))
    k = Kernel(COPY, on="riscv_0", compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)],
               runtime_args=[src, dst, pages, 0])
    t = dev.queue.enqueue(Program(core, [k], [CircularBuffer(0, "float16_b", page, 1)]), timing_only=timing_only)
    ok = timing_only or np.array_equal(dst.read(np.uint16), np.arange(page * pages // 2, dtype=np.uint16))
    src.free()
    dst.free()
    assert ok
    return t.cycles


def test_doubling_bytes_doubles_bandwidth_bound_time(wh):
    one = copy_cycles(wh, 8192, 24)
    two = copy_cycles(wh, 8192, 48)
    assert 1.9 < two / one < 2.1


def test_compute_bound_matmul_scales_with_fidelity(wh):
    t = [calibrate.matmul_cycles(wh, f, blocks=16) for f in ("LoFi", "HiFi2", "HiFi3", "HiFi4")]
    ratios = [x / t[0] for x in t]
    assert ratios == pytest.approx([1, 2, 3, 4], rel=0.06), ratios


def readers(dev, banks):
    buf = dev.dram_buffer(2048 * 64 * dev.arch.num_dram_banks, 2048)
    k = Kernel(BANK_READ, on="riscv_0", cores=[(0, 0), (1, 0)],
               runtime_args={(0, 0): [banks[0], buf.address, 32], (1, 0): [banks[1], buf.address + 32 * 2048, 32]})
    t = dev.queue.enqueue(Program([(0, 0), (1, 0)], [k], [CircularBuffer(0, "float16_b", 2048, 4)]), timing_only=True)
    buf.free()
    return t.cycles


def test_two_readers_on_one_bank_take_longer_than_on_two(wh):
    same, apart = readers(wh, (0, 0)), readers(wh, (0, 2))
    assert same > 1.5 * apart


def test_distance_to_the_bank_adds_hop_latency(wh):
    a = wh.arch
    bank = a.dram_banks[0].noc0_xy
    cores = [(x, y) for y in range(8) for x in range(8)]
    dist = {c: a.hops(a.noc0_xy(*c), bank, 0) + a.hops(bank, a.noc0_xy(*c), 0) for c in cores}
    near, far = min(cores, key=dist.get), max(cores, key=dist.get)
    buf = wh.dram_buffer(2048 * 12, 2048)

    def latency(core):
        k = Kernel(BANK_READ, on="riscv_0", runtime_args=[0, buf.address, 1])
        return wh.queue.enqueue(Program(core, [k], [CircularBuffer(0, "float16_b", 2048, 4)]), timing_only=True).cycles
    extra = latency(far) - latency(near)
    assert extra == (dist[far] - dist[near]) * a.noc_hop_cycles
    buf.free()


def test_blackhole_wider_noc_halves_large_packet_time(wh):
    with Device("p150a") as bh:
        ratio = calibrate.one_to_one(wh, 16, 65536) / calibrate.one_to_one(bh, 16, 65536)   # B/cycle
    assert 0.45 < ratio < 0.55


BATCH_READER = r"""
void kernel_main() {   // 8 tiles of a and b in flight per barrier: enough to keep DRAM busy
    uint32_t a = get_arg_val<uint32_t>(0), b = get_arg_val<uint32_t>(1), n = get_arg_val<uint32_t>(2), start = get_arg_val<uint32_t>(3);
    constexpr auto aa = TensorAccessorArgs<0>();
    constexpr auto ba = TensorAccessorArgs<aa.next_compile_time_args_offset()>();
    const auto A = TensorAccessor(aa, a);
    const auto B = TensorAccessor(ba, b);
    const uint32_t page = get_tile_size(0);
    for (uint32_t i = start; i < start + n; i += 8) {
        cb_reserve_back(0, 8); cb_reserve_back(1, 8);
        for (uint32_t j = 0; j < 8; j++) {
            noc_async_read_page(i + j, A, get_write_ptr(0) + j * page);
            noc_async_read_page(i + j, B, get_write_ptr(1) + j * page);
        }
        noc_async_read_barrier();
        cb_push_back(0, 8); cb_push_back(1, 8);
    }
}
"""


def eltwise_cycles(dev, fmt, page, per_core=32):
    """a + b on 32 cores reading 8 tiles per barrier: DRAM-bound."""
    cores = [(x, y) for y in range(4) for x in range(8)]
    n = per_core * len(cores)
    a, b = dev.dram_buffer(n * page, page), dev.dram_buffer(n * page, page)
    ks = [Kernel(BATCH_READER, on="reader", compile_args=[TensorAccessorArgs(a), TensorAccessorArgs(b)],
                 runtime_args=lambda i, xy, _: [a, b, per_core, i * per_core]),
          Kernel(ADD_TILES, on="compute", runtime_args=[per_core]),
          Kernel(calibrate.DRAIN, on="writer", runtime_args=[per_core, 1])]
    cbs = [CircularBuffer(0, fmt, page, 16), CircularBuffer(1, fmt, page, 16), CircularBuffer(16, fmt, page, 4)]
    t = dev.queue.enqueue(Program(cores, ks, cbs), timing_only=True).cycles
    for buf in (a, b):
        buf.free()
    return t


def test_bfp8_inputs_speed_up_a_dram_bound_eltwise(wh):
    bf16, bfp8 = eltwise_cycles(wh, "float16_b", 2048), eltwise_cycles(wh, "bfp8_b", 1088)
    assert bfp8 < 0.8 * bf16


def gen_add(dev, n, cores=None):
    """tensix.gen's a + b over n bf16 tiles (x + x, x random): the program and the exact result."""
    x = np.random.default_rng(0).standard_normal((n * 32, 32)).astype(np.float32)
    a, b, c = gen.from_numpy(dev, x), gen.from_numpy(dev, x), gen.empty(dev, x.shape)
    op = gen.Eltwise(lambda u, v: u + v, [a, b])
    cfg = op.default() if cores is None else dict(op.default(), cores=cores)
    return op.build(cfg, c).program, (a, b, c), quantize(x, "float16_b") * 2


def test_functional_and_timing_only_give_the_same_time(wh):
    assert copy_cycles(wh, 2048, 16) == copy_cycles(wh, 2048, 16, timing_only=True)
    p, (a, b, c), want = gen_add(wh, 8)                # reader, compute, writer on 8 cores
    functional = wh.queue.enqueue(p).cycles
    assert np.array_equal(c.numpy(), want)
    assert wh.queue.enqueue(p, timing_only=True).cycles == functional


def test_profile_trace_and_svg(wh, tmp_path):
    n = 8
    p, (a, b, c), _ = gen_add(wh, n, cores=1)          # tensix.gen's add on core (0, 0)
    t = p.run(wh, trace=tmp_path / "t.json")
    prof = t.profile
    assert prof.dram_read[a.device.arch.dram_banks[0].controller] > 0
    assert sum(prof.dram_read) == 2 * n * 2048 and sum(prof.dram_written) == n * 2048
    assert prof.flops == n * 1024 and 0 < prof.fpu_utilization < 1
    names = {r.riscv for r in prof.riscs}
    assert names == {"BRISC", "NCRISC", "TRISC"}
    for r in prof.riscs:
        assert r.busy + r.wait_cb + r.wait_sem + r.wait_noc + r.wait_dram == r.end_cycle
    assert any(r.wait_dram > 0 for r in prof.riscs) and any(r.wait_cb > 0 for r in prof.riscs)
    trace = json.loads((tmp_path / "t.json").read_text())
    ev = trace["traceEvents"]
    slices = [e for e in ev if e["ph"] in ("X", "b")]
    assert slices and all(isinstance(e["ts"], float) and e.get("dur", 0) >= 0 and "pid" in e and "tid" in e for e in slices)
    assert {"noc_async_read", "add_tiles", "pack_tile", "cb_wait_front"} <= {e["name"] for e in slices}
    assert {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"} >= {
        "BRISC", "NCRISC", "TRISC0 unpack", "TRISC1 math", "TRISC2 pack"}
    svg = prof.svg()
    assert svg.startswith("<svg") and svg.count("<rect") >= wh.arch.noc_grid[0] * wh.arch.noc_grid[1]
    assert ">0,0<" in svg and ">DRAM0<" in svg and "<line" in svg
    with pytest.raises(ValueError, match="not traced"):
        wh.queue.enqueue(p).profile.chrome_trace()


def test_calibration_points_within_ten_percent(capsys):
    assert calibrate.main() == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert out.count("HW §") >= 13 and "worst error" in out


MCAST = r"""
void kernel_main() {   // one 8 KB tile to every core of a rectangle, as a multicast or as unicasts
    uint32_t x0 = get_arg_val<uint32_t>(0), y0 = get_arg_val<uint32_t>(1), x1 = get_arg_val<uint32_t>(2), y1 = get_arg_val<uint32_t>(3);
    uint32_t unicast = get_arg_val<uint32_t>(4), l1 = get_write_ptr(0);
    if (unicast) {
        for (uint32_t y = y0; y <= y1; y++)
            for (uint32_t x = x0; x <= x1; x++) noc_async_write(l1, get_noc_addr(x, y, l1), 8192);
    } else {
        noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), 8192, (x1 - x0 + 1) * (y1 - y0 + 1));
    }
    noc_async_write_barrier();
}
"""


def test_multicast_crosses_each_link_of_its_tree_once(wh):
    (x0, y0), (x1, y1) = wh.worker_core((1, 1)), wh.worker_core((4, 4))
    cores = [(x, y) for y in range(5) for x in range(5)]
    res = {}
    for unicast in (0, 1):
        k = Kernel(MCAST, on="riscv_0", cores=(0, 0), runtime_args=[x0, y0, x1, y1, unicast])
        t = wh.queue.enqueue(Program(cores, [k], [CircularBuffer(0, "float16_b", 8192, 1)]), timing_only=True)
        res[unicast] = (sum(t.profile.link_bytes.values()), t.cycles)
    (mc_bytes, mc_cycles), (uc_bytes, uc_cycles) = res[0], res[1]
    assert 0 < mc_bytes < uc_bytes / 2        # shared links carry the packet once
    assert mc_cycles < uc_cycles / 4           # one injection instead of sixteen


PACK_ONLY = r"""
#include "api/compute/eltwise_unary/eltwise_unary.h"
void kernel_main() {   // n tiles of DST (zeros) packed into CB 16's one page, with or without L1 accumulation
    uint32_t n = get_arg_val<uint32_t>(0), acc = get_arg_val<uint32_t>(1);
    unary_op_init_common(0, 16);
    cb_reserve_back(16, 1);
    pack_reconfig_l1_acc(acc);
    for (uint32_t i = 0; i < n; i++) {
        tile_regs_acquire(); tile_regs_commit();
        tile_regs_wait(); pack_tile<true>(0, 16, 0); tile_regs_release();
    }
    pack_reconfig_l1_acc(0);
    cb_push_back(16, 1);
}
"""


def test_packer_l1_accumulation_runs_at_the_atomic_accumulate_rate(wh):
    # HW §6: each packer writes one 128-bit word per cycle, an accumulating write one per 5 cycles
    def pack_cycles(acc):
        k = Kernel(PACK_ONLY, on="compute", runtime_args=[64, acc])
        t = wh.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 1),
                                                   CircularBuffer(16, "float16_b", 2048, 1)]), timing_only=True)
        return t.cycles
    plain, acc = pack_cycles(0), pack_cycles(1)
    assert 64 * 2048 / 64 <= plain < 1.3 * 64 * 2048 / 64
    assert 4.5 < acc / plain < 5.2, (plain, acc)
