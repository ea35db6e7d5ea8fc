"""The clock keeps the physics. The invariant (no resource above its physical rate, checked in
every window by the conservation check) on small runs of tensix/sim/fidelity.py's scenarios (bench/fidelity.py), and one test
per mechanism of SOURCES.md (NoC)."""

import pytest

from tensix import CircularBuffer, Device, Kernel, Program
from tensix.sim import calibration, dispatch

from tensix.sim import fidelity


@pytest.fixture(scope="module")
def wh():
    with Device("n150", check=True) as d:
        yield d


@pytest.fixture(scope="module")
def bh():
    with Device("p150a", check=True) as d:
        yield d


@pytest.mark.parametrize("board", ["n150", "p150a"])
def test_no_resource_above_its_physical_rate(board, wh, bh):
    dev = wh if board == "n150" else bh
    for name, fn in fidelity.scenarios(dev, quick=True):
        t = fn()
        table = fidelity.use_table(dev, t)
        assert {"NoC link", "core NoC port"} <= set(table), name
        for kind, (avg, window, which) in table.items():
            assert 0 < avg <= window <= 1.0, (name, kind, which, avg, window)
    assert fidelity.pcie(dev)["PCIe"][0] < 1.0


def test_the_check_counts_what_the_links_carry(wh):
    """The conservation check's account is the calendars' bookings: a saturated link shows a full window."""
    t = fidelity.l1_stream(wh, [(0, 0)], (3, 0), 64, 8192)
    links = {n: (c, p) for n, c, p in t.profile.resources if " link " in n}
    assert links and max(p for _, p in links.values()) == 1.0
    flits = 64 * (8192 // 32 + 1 + wh.arch.timing.noc_packet_cycles)
    # every data link of the route carries every flit; request/ack flits add a few
    assert all(flits <= c <= flits + 64 * 2 for c, _ in links.values() if c >= flits)


def test_the_check_fires_when_a_resource_is_overbooked():
    """The check's own test: with every booking counted twice, a saturated link is over its rate."""
    with Device("n150", check=True) as d:
        d.backend.check_fault = True
        with pytest.raises(Exception, match="conservation check"):
            fidelity.l1_stream(d, [(0, 0)], (1, 0), 8, 8192)
        d.backend.check_fault = False
        fidelity.l1_stream(d, [(0, 0)], (1, 0), 8, 8192)


def test_long_streams_do_not_alias(wh):
    """Occupancy calendars used to alias after about a million cycles: a stream twice as long took
    less than twice the time. Now its rate is flat, at the link's rate at most."""
    rates = []
    for n in (4200, 8400):              # ~1.1 M and ~2.2 M cycles
        t = fidelity.l1_stream(wh, [(0, 0)], (1, 0), n, 8192)
        assert t.cycles > 1 << 20
        rates.append(n * 8192 / t.cycles)
    assert rates[1] <= rates[0] * 1.001 and rates[1] <= 32


def test_many_writers_stay_below_one_channel(wh):
    t = fidelity.dram_stream(wh, [(x, y) for y in range(8) for x in range(8)][1:49], 0, 40, 2048)
    assert 48 * 40 * 2048 / t.cycles <= 24.0          # WH channel peak, 24 GB/s at 1 GHz


def test_aggregate_rate_does_not_grow_with_stream_length(wh):
    cores = [(x, 0) for x in range(1, 8)] + [(x, 1) for x in range(8)]
    r = [n * 2048 * len(cores) / fidelity.dram_stream(wh, cores, 3, n, 2048).cycles for n in (50, 400)]
    assert r[1] <= r[0] * 1.02


@pytest.mark.parametrize("writers", [1, 16])
def test_skipping_the_final_barrier_saves_at_most_a_few_packets(wh, writers):
    cores = [(x, y) for y in range(2) for x in range(8)][:writers]
    with_b = fidelity.dram_stream(wh, cores, 0, 200, 2048, barrier=True)
    without = fidelity.dram_stream(wh, cores, 0, 200, 2048, barrier=False)
    # one packet's time for one writer: its share of the channel (back-pressure holds it to that)
    packet = 2048 / wh.arch.timing.dram_bytes_per_cycle * writers
    end = lambda t: max(r.end_cycle for r in t.profile.riscs)
    # the kernels end a few packets sooner at most: what the path holds for the writer's VC (its wire
    # latency and 480 B per router, NoC §4.3) and the last packet's ack
    a = wh.arch
    h = max(a.hops(a.noc0_xy(*c), a.dram_banks[0].noc0_xy, 0) for c in cores)
    held = h * a.noc_hop_cycles + (h + 1) * a.timing.noc_vc_buffer_bytes / a.timing.dram_bytes_per_cycle
    assert end(without) >= end(with_b) - held - 3 * packet
    assert held < 8 * 92
    assert without.cycles == with_b.cycles               # and the data still in flight is charged to the program
    assert writers * 200 * 2048 / end(without) <= 24.0


def test_noc1_routes_minus_y_then_minus_x(wh):
    src, dst = (4, 5), (1, 2)
    x, y = wh.worker_core(dst, 1)
    k = Kernel(fidelity.WRITE_STREAM, on="riscv_1", cores=src, noc=1,
               runtime_args=[4, 2048, x, y, wh.arch.l1_unreserved_base, 0, 1, 1])
    t = wh.queue.enqueue(Program([src, dst], [k], [CircularBuffer(0, "float16_b", 2048, 1)]), timing_only=True)
    (sx, sy), (dx, dy) = wh.arch.noc0_xy(*src), wh.arch.noc0_xy(*dst)
    want = {(1, "y", (sx, yy)) for yy in range(dy + 1, sy + 1)} | {(1, "x", (xx, dy)) for xx in range(dx + 1, sx + 1)}
    assert set(t.profile.link_bytes) == want


def test_read_data_returns_by_its_own_route(wh):
    """A NoC0 read of another core: the request goes +x then +y, the data comes back +x then +y from
    the target, round the torus: the data links are not the request's links reversed."""
    reader, target = (0, 0), (2, 1)
    x, y = wh.worker_core(target)
    k = Kernel(r"""
void kernel_main() {
    uint64_t src = get_noc_addr(get_arg_val<uint32_t>(0), get_arg_val<uint32_t>(1), get_write_ptr(0));
    noc_async_read(src, get_write_ptr(0), 2048);
    noc_async_read_barrier();
}""", on="riscv_0", cores=reader, runtime_args=[x, y])
    t = wh.queue.enqueue(Program([reader, target], [k], [CircularBuffer(0, "float16_b", 2048, 1)]), timing_only=True)
    X, Y = wh.arch.noc_grid
    (rx, ry), (tx, ty) = wh.arch.noc0_xy(*reader), wh.arch.noc0_xy(*target)
    xs = [(tx + i) % X for i in range((rx - tx) % X)]
    ys = [(ty + j) % Y for j in range((ry - ty) % Y)]
    want = {(0, "x", (xx, ty)) for xx in xs} | {(0, "y", (rx, yy)) for yy in ys}
    assert set(t.profile.link_bytes) == want
    assert len(want) == (X - (tx - rx)) + (Y - (ty - ry))      # request hops + response hops = W + H


TRID_READER = r"""
void kernel_main() {   // double-buffered DRAM reads, each block "used" for `work` cycles after it lands
    uint32_t blocks = get_arg_val<uint32_t>(0), base = get_arg_val<uint32_t>(1), work = get_arg_val<uint32_t>(2);
    uint32_t per = 4, size = 2048, l1 = get_write_ptr(0);
    auto issue = [&](uint32_t b) {
#if USE_TRID
        noc_async_read_set_trid(b % 2);
#endif
        for (uint32_t i = 0; i < per; i++)
            noc_async_read(get_noc_addr_from_bank_id<true>(0, base + ((b * per + i) % 64) * size), l1 + ((b % 2) * per + i) * size, size);
    };
    issue(0);
    for (uint32_t b = 0; b < blocks; b++) {
        if (b + 1 < blocks) issue(b + 1);
#if USE_TRID
        noc_async_read_barrier_with_trid(b % 2);
#else
        noc_async_read_barrier();
#endif
        riscv_wait(work);
    }
}"""


def test_two_transaction_ids_overlap_reads_better_than_one(wh):
    buf = wh.dram_buffer(64 * 2048 * 12, 2048)
    cycles = {}
    for trid in (0, 1):
        k = Kernel(TRID_READER, on="riscv_0", runtime_args=[32, buf.address, 400], defines={"USE_TRID": trid})
        cycles[trid] = wh.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 8)]), timing_only=True).cycles
    buf.free()
    assert cycles[1] < cycles[0] * 0.85


def test_transaction_ids_are_sixteen():
    k = Kernel("void kernel_main() { noc_async_read_set_trid(16); }", on="riscv_0")
    with Device("n150") as d:
        with pytest.raises(Exception, match="transaction id 16"):
            d.queue.enqueue(Program((0, 0), [k]))


def test_multicast_cost_grows_with_destinations_and_path(wh):
    src = (0, 0)
    cyc = lambda rect, **kw: fidelity.multicast(wh, src, rect, 20, 8192, **kw).cycles
    small, mid, full = cyc(((0, 0), (1, 1))), cyc(((0, 0), (3, 3))), cyc(((0, 0), (7, 7)))
    assert small < mid < full
    near, far = cyc(((1, 0), (2, 1))), cyc(((5, 5), (6, 6)))      # 4 destinations each, farther away
    assert near < far
    unlinked, linked = cyc(((0, 0), (7, 7))), cyc(((0, 0), (7, 7)), linked=True)
    assert linked < unlinked


def test_an_open_linked_chain_holds_the_niu():
    src = r"""
void kernel_main() {
    uint32_t x0 = get_arg_val<uint32_t>(0), y0 = get_arg_val<uint32_t>(1), x1 = get_arg_val<uint32_t>(2), y1 = get_arg_val<uint32_t>(3);
    uint32_t l1 = get_write_ptr(0);
    noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), 2048, 4, true);
    noc_async_write(l1, get_noc_addr(x0, y0, l1), 2048);      // another VC while the chain is open
    noc_async_write_barrier();
}"""
    with Device("n150") as d:
        (x0, y0), (x1, y1) = d.worker_core((1, 1)), d.worker_core((2, 2))
        k = Kernel(src, on="riscv_0", cores=(0, 0), runtime_args=[x0, y0, x1, y1])
        cores = [(0, 0), (1, 1), (1, 2), (2, 1), (2, 2)]
        with pytest.raises(Exception, match="linked multicast chain is open"):
            d.queue.enqueue(Program(cores, [k], [CircularBuffer(0, "float16_b", 2048, 1)]))


def test_twelve_placed_wh_readers_approach_twelve_channels(wh):
    one = fidelity.dram_readers(wh, [((0, 0), 0)], 400, 2048)
    single = 400 * 2048 / one.cycles
    placed = fidelity.best_readers(wh)
    assert len({b for _, b in placed}) == 12
    t = fidelity.dram_readers(wh, placed, 400, 2048)
    assert 12 * 400 * 2048 / t.cycles >= 0.85 * 12 * single
    assert max(t.profile.dram_read) == min(t.profile.dram_read) == 400 * 2048


def test_reads_after_writes_in_one_channel_wait_for_the_writes(wh):
    src = r"""
void kernel_main() {   // 8 writes to bank 0, then one read of bank `bank`
    uint32_t base = get_arg_val<uint32_t>(0), bank = get_arg_val<uint32_t>(1), l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < 8; i++) noc_async_write(l1, get_noc_addr_from_bank_id<true>(0, base + i * 2048), 2048);
    uint32_t t0 = 0;
    noc_async_read(get_noc_addr_from_bank_id<true>(bank, base + 16 * 2048), l1 + 2048, 2048);
    noc_async_read_barrier();
    (void)t0;
}"""
    buf = wh.dram_buffer(32 * 2048 * 12, 2048)
    c = {}
    for bank in (0, 1):
        k = Kernel(src, on="riscv_0", runtime_args=[buf.address, bank])
        c[bank] = wh.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 2)]), timing_only=True).profile.riscs[0].end_cycle
    buf.free()
    assert c[0] > c[1]


def test_dispatch_grows_with_runtime_args_cbs_and_groups():
    from tensix.arch import get_arch
    arch = get_arch("n150")
    g = arch.compute_grid
    base = dict(binary_bytes=4096, ncrisc_bytes=2048)
    def cost(groups, traced=True):
        return dispatch.overhead_seconds(arch, dispatch.Dispatch(tuple(groups), g, traced))
    one = dispatch.KernelGroup(64, ((8, 8),), **base)
    assert cost([dispatch.KernelGroup(64, ((8, 8),), rta_words=32, **base)]) > cost([one])
    assert cost([dispatch.KernelGroup(64, ((8, 8),), cb_configs=32, **base)]) > cost([one])
    four = [dispatch.KernelGroup(16, ((4, 4),), **base) for _ in range(4)]
    assert cost(four) > cost([one])
    assert cost([one], traced=False) > cost([one], traced=True)
    assert cost([one]) >= 1.0e-6                    # at least the trace floor (HW §11d)


def test_the_queue_charges_dispatch_by_what_is_dispatched(wh):
    empty = "void kernel_main() { uint32_t n = get_arg_val<uint32_t>(0); (void)n; }"
    few = Kernel(empty, on="riscv_0", runtime_args=[1])
    many = Kernel(empty, on="riscv_0", runtime_args=[1] * 200)
    cores = [(x, y) for y in range(8) for x in range(8)]
    t_few = wh.queue.enqueue(Program(cores, [few]), timing_only=True)
    t_many = wh.queue.enqueue(Program(cores, [many]), timing_only=True)
    assert t_many.overhead_s > t_few.overhead_s


def test_pcie_rate_depends_on_page_size(wh):
    small = dispatch.pcie_seconds(wh.arch, 1 << 20, 32, write=True)
    large = dispatch.pcie_seconds(wh.arch, 1 << 20, 2048, write=True)
    assert small > 5 * large


def test_functional_and_timing_only_give_the_same_cycles():
    buf_words = 64 * 2048 * 12
    with Device("n150", check=True) as d:
        buf = d.dram_buffer(buf_words, 2048)
        res = []
        for timing_only in (False, True):
            ks = [Kernel(TRID_READER, on="riscv_0", cores=(0, 0), runtime_args=[8, buf.address, 100], defines={"USE_TRID": 1}),
                  Kernel(fidelity.MCAST_STREAM, on="riscv_0", cores=(1, 1), runtime_args=[
                      4, 2048, *d.worker_core((2, 2)), *d.worker_core((4, 4)), 9, 1, 1])]
            cores = [(0, 0), (1, 1)] + [(x, y) for x in range(2, 5) for y in range(2, 5)]
            res.append(d.queue.enqueue(Program(cores, ks, [CircularBuffer(0, "float16_b", 2048, 8)]), timing_only=timing_only).cycles)
        buf.free()
    assert res[0] == res[1]


def test_a_core_stream_is_capped_by_its_outstanding_reads(wh):
    """Small reads: one core keeps at most noc_max_outstanding in flight, so its stream is bound by
    latency, not by the channel; a second core on the same channel doubles the rate."""
    n, size = 400, 64
    one = fidelity.dram_readers(wh, [((0, 0), 0)], n, size)
    two = fidelity.dram_readers(wh, [((0, 0), 0), ((1, 0), 0)], n, size)
    rate1, rate2 = n * size / one.cycles, 2 * n * size / two.cycles
    cap = wh.arch.timing.noc_max_outstanding * size / wh.arch.timing.dram_latency_cycles
    assert rate1 <= cap and rate1 < 0.5 * wh.arch.timing.dram_bytes_per_cycle
    assert rate2 > 1.8 * rate1


def test_writes_flushed_and_write_barrier_wait_for_different_things(wh):
    """writes_flushed: every packet has started to leave; write_barrier: every packet is acked."""
    src = r"""
void kernel_main() {
    uint32_t base = get_arg_val<uint32_t>(0), flush_only = get_arg_val<uint32_t>(1), l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < 16; i++) noc_async_write(l1, get_noc_addr_from_bank_id<true>(0, base + i * 2048), 2048);
    if (flush_only) noc_async_writes_flushed(); else noc_async_write_barrier();
}"""
    buf = wh.dram_buffer(16 * 2048 * 12, 2048)
    end = {}
    for flush in (0, 1):
        k = Kernel(src, on="riscv_0", runtime_args=[buf.address, flush])
        end[flush] = wh.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 1)]), timing_only=True).profile.riscs[0].end_cycle
    buf.free()
    assert end[1] < end[0]


def test_a_sender_inside_the_rectangle_wraps_its_branches(wh):
    """X-major tree (NoC §3.2): from the rectangle's first column each row branch crosses width - 1
    links; from a column inside it the branches go round the torus (W - 1 links per row)."""
    rect = ((0, 0), (3, 3))
    corner = fidelity.multicast(wh, (0, 0), rect, 1, 2048)
    inside = fidelity.multicast(wh, (2, 0), rect, 1, 2048)
    X = wh.arch.noc_grid[0]
    links = lambda t, d: sum(1 for (noc, dim, _), b in t.profile.link_bytes.items() if dim == d and b)
    assert links(corner, "x") == 4 * (wh.arch.noc0_xy(3, 0)[0] - wh.arch.noc0_xy(0, 0)[0])
    assert links(inside, "x") == 4 * (X - 1)
    assert inside.cycles > corner.cycles


@pytest.mark.parametrize("noc", [0, 1])
def test_each_dram_bank_is_reached_at_its_own_endpoint_per_noc(bh, noc):
    """BH (HW §15(c), NoC §7.2): bank 0 answers NoC0 requests from (0,11) and NoC1 requests from (0,1)."""
    k = Kernel(fidelity.READ_STREAM, on="riscv_0" if noc == 0 else "riscv_1", cores=(5, 5), noc=noc)
    buf = bh.dram_buffer(64 * 2048 * 8, 2048)
    k.runtime_args = [4, 2048, 0, buf.address, 64]
    t = bh.queue.enqueue(Program((5, 5), [k], [CircularBuffer(0, "float16_b", 2048, 4)]), timing_only=True)
    buf.free()
    ep = bh.arch.dram_banks[0]
    src = ep.noc0_xy if noc == 0 else bh.arch.dram_tile_noc0(ep.kernel_xy[1], 1)
    assert src == ((0, 11) if noc == 0 else (0, 1))
    first = (noc, "x", src) if noc == 0 else (noc, "y", src)     # NoC0 leaves along +x, NoC1 along -y
    assert first in t.profile.link_bytes


WAIT = "void kernel_main() { riscv_wait(get_arg_val<uint32_t>(0)); }"


@pytest.mark.parametrize("board", ["n150", "p150a"])
def test_op_to_op_gap_is_the_gap_path_or_the_config_the_last_kernels_do_not_hide(board, wh, bh):
    """HW §11d's op-to-op gap measured as the document does (8 traced programs, last kernel end -> next
    data-movement kernel start, from the profiles): dispatch of the next program overlaps the current
    one's kernels (NoC §9), so a long kernel leaves only the gap path (completion, go signal, worker
    start) and a short one also shows the part of the config path (64 runtime args a core) it cannot hide."""
    dev = wh if board == "n150" else bh
    gx, gy = dev.arch.compute_grid
    cores = [(x, y) for y in range(gy) for x in range(gx)]
    hz = dev.arch.aiclk_hz
    measured, paths = {}, {}
    for wait in (20, 20_000):
        p = Program(cores, [Kernel(WAIT, on="riscv_0", runtime_args=[wait] + [0] * 63)])
        gaps = calibration.op_to_op_gaps(dev, p)
        cmd = dev.queue.history[-1]
        n = len(cmd.programs)
        gap = sum(v for k, v in cmd.dispatch.items() if k.startswith("gap:")) / n * 1e6
        config = sum(v for k, v in cmd.dispatch.items() if k.startswith("config:")) / n * 1e6
        kernel = cmd.programs[0][3] / hz * 1e6
        assert max(gaps) - min(gaps) < 1e-6                     # a steady state: every pair alike
        assert gaps[0] == pytest.approx(max(gap, config - kernel), abs=2e-3)
        measured[wait], paths[wait] = gaps[0], (gap, config, kernel)
    gap, config, kernel = paths[20]
    assert config - kernel > gap and measured[20] > measured[20_000]   # the short op waits for its config
    assert measured[20_000] == pytest.approx(paths[20_000][0], abs=2e-3)
    # no CBs and no NCRISC kernel: the workers set up nothing, so the gap is the trace floor's (HW §11d;
    # the floor is n300's 8x7 grid, n150's 8x8 adds a little completion and go-signal time)
    assert measured[20_000] == pytest.approx({"n150": 1.05, "p150a": 0.92}[board], rel=0.05)


def test_the_config_path_overlaps_the_previous_programs_kernels(wh):
    """NoC §9: dispatch_d writes program N+1's runtime args and configs while program N runs, so a
    config-heavy short program after a long one costs only the gap path, and after a short one also
    the config it could not hide."""
    cores = [(x, y) for y in range(8) for x in range(8)]
    long = Program(cores, [Kernel(WAIT, on="riscv_0", runtime_args=[20_000] + [0] * 63)])
    short = Program(cores, [Kernel(WAIT, on="riscv_0", runtime_args=[20] + [0] * 63)])
    wh.queue.enqueue(long, timing_only=True)
    after_long = wh.queue.enqueue(short, timing_only=True)
    after_short = wh.queue.enqueue(short, timing_only=True)
    gap = sum(v for k, v in after_long.dispatch.items() if k.startswith("gap:"))
    config = sum(v for k, v in after_long.dispatch.items() if k.startswith("config:"))
    assert after_long.overhead_s == pytest.approx(gap)
    assert after_short.overhead_s == pytest.approx(config - after_long.cycles / wh.arch.aiclk_hz)
    assert after_short.overhead_s > after_long.overhead_s


@pytest.mark.parametrize("board", ["n300", "p150a"])
def test_the_device_profiler_lengthens_only_the_gap_between_programs(board):
    """Device(profiler=True) charges tt-metal's device profiler (HW §11d's op-to-op row was measured with
    it on): the fitted per-program lump sits on the gap path, the kernels' own cycles do not change."""
    p_gaps, p_cycles = {}, {}
    for on in (False, True):
        with Device(board, profiler=on) as dev:
            program, bufs = calibration.op_program(dev)
            p_gaps[on] = calibration.op_to_op_gaps(dev, program)
            p_cycles[on] = [c for _, _, _, c in dev.queue.history[-1].programs]
            extra = dev.arch.timing.dispatch_profiler_cycles / dev.arch.aiclk_hz * 1e6
            for b in bufs:
                b.free()
    assert p_cycles[True] == p_cycles[False]
    assert [b - a for a, b in zip(p_gaps[False], p_gaps[True])] == pytest.approx([extra] * 7, abs=1e-3)
    published = {"n300": 2.05, "p150a": 2.069}[board]
    assert abs(sum(p_gaps[True]) / 7 - published) / published < 0.10
    with pytest.raises(TypeError, match="profiler"):
        Device(board, profiler="yes")


MCAST_TRID = r"""
void kernel_main() {   // one 8 KB multicast tagged with write trid 3, then a barrier on trid WAIT_ID
    uint32_t x0 = get_arg_val<uint32_t>(0), y0 = get_arg_val<uint32_t>(1), x1 = get_arg_val<uint32_t>(2);
    uint32_t y1 = get_arg_val<uint32_t>(3), dests = get_arg_val<uint32_t>(4), l1 = get_write_ptr(0);
    noc_async_write_set_trid(3);
    noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), 8192, dests);
    noc_async_write_set_trid(0);
    noc_async_write_barrier_with_trid(WAIT_ID);
}
"""


def test_a_multicast_write_is_counted_under_its_transaction_id(wh):
    """NoC §6: a trid barrier waits for its own id's writes; a multicast carries the write trid as a
    unicast does, so waiting on its id waits for its acks (the kernel returns after them), and waiting
    on another id does not (the program still ends after them: data in flight is charged)."""
    (x0, y0), (x1, y1) = wh.worker_core((1, 0)), wh.worker_core((7, 7))
    cores = [(x, y) for y in range(8) for x in range(1, 8)]
    end, total = {}, {}
    for wait_id in (3, 5):
        k = Kernel(MCAST_TRID, on="riscv_0", cores=(0, 0), runtime_args=[x0, y0, x1, y1, len(cores)],
                   defines={"WAIT_ID": wait_id})
        t = wh.queue.enqueue(Program([(0, 0)] + cores, [k], [CircularBuffer(0, "float16_b", 8192, 1)]), timing_only=True)
        end[wait_id] = next(r.end_cycle for r in t.profile.riscs if r.core == (0, 0))
        total[wait_id] = t.cycles
    assert total[3] == total[5]
    assert end[5] + 256 < end[3] <= total[3], (end, total)   # 256 data flits leave before the last ack
