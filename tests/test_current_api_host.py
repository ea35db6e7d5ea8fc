"""The simulator defects found with today's kernels and the host patterns of today's examples (current §6-§10):
reduce MAX/MIN accumulators, Grayskull NoC1 coordinate translation and the reader/writer defaults,
the deadlock hint, pre-filled sharded CBs (race warnings), interleaved L1 addresses in kernels, one CB
config with several page sizes, kernel include directories, ShardSpec in elements, and ez."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from tensix import (CircularBuffer, CompileError, DataFormat, Device, DeviceHang, Kernel, Program, RaceWarning,
                    Semaphore, ShardSpec, TensorAccessorArgs)
from tensix.ez import DeviceContext, ProgramBuilder
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, tilize, untilize

TILE = 2048
BF16 = DataFormat.Float16_b
ARCHS = ["e150", "n150", "p150a"]


@pytest.fixture(scope="module", params=ARCHS)
def dev(request):
    with Device(request.param) as d:
        yield d


# ---- reduce MAX / MIN: the accumulator starts at -inf / +inf, as GMPOOL reads a released DST ----------
REDUCE_ALL = r"""
#include "api/compute/reduce.h"
#include "api/compute/tile_move_copy.h"
template <PoolType P, ReduceDim D>
void one(uint32_t dst) {
    reduce_init<P, D>(0, 1, 16);
    reduce_tile<P, D>(0, 1, 0, 0, dst);
    reduce_uninit();
}
void kernel_main() {
    compute_kernel_hw_startup(0, 1, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    one<MAX, REDUCE_ROW>(0); one<MAX, REDUCE_COL>(1); one<MAX, REDUCE_SCALAR>(2);
    one<MIN, REDUCE_ROW>(3); one<MIN, REDUCE_COL>(4); one<MIN, REDUCE_SCALAR>(5);
    tile_regs_commit(); tile_regs_wait();
    cb_reserve_back(16, 6);
    for (uint32_t i = 0; i < 6; i++) pack_tile(i, 16);
    cb_push_back(16, 6);
    tile_regs_release();
}
"""


@pytest.mark.parametrize("data", ["negative", "positive", "mixed"])
def test_reduce_max_min_accumulator(dev, data):
    rng = np.random.default_rng(11)
    x = {"negative": -rng.uniform(1, 100, (32, 32)), "positive": rng.uniform(1, 100, (32, 32)),
         "mixed": rng.uniform(-100, 100, (32, 32))}[data]
    x = bf16_bits_to_float(float_to_bf16_bits(x.astype(np.float32)))
    scaler = np.zeros((32, 32), np.float32)
    scaler[0, :] = scaler[16, :] = 1.0                  # row 0 of every face
    a = dev.l1_buffer(TILE, TILE, cores=[(0, 0)])
    s = dev.l1_buffer(TILE, TILE, cores=[(0, 0)])
    o = dev.l1_buffer(6 * TILE, TILE, cores=[(0, 0)])
    a.write(float_to_bf16_bits(tilize(x)))
    s.write(float_to_bf16_bits(tilize(scaler)))
    feed = Kernel("void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); cb_reserve_back(1, 1); cb_push_back(1, 1); }",
                  on="reader")
    cbs = [CircularBuffer(0, BF16, TILE, 1, buffer=a), CircularBuffer(1, BF16, TILE, 1, buffer=s),
           CircularBuffer(16, BF16, TILE, 6, buffer=o)]
    dev.queue.enqueue(Program((0, 0), [feed, Kernel(REDUCE_ALL, on="compute")], cbs))
    t = [untilize(v, (32, 32)) for v in bf16_bits_to_float(o.read(np.uint16)).reshape(6, 1024)]
    np.testing.assert_array_equal(t[0][:, 0], x.max(axis=1))
    np.testing.assert_array_equal(t[1][0, :], x.max(axis=0))
    assert t[2][0, 0] == x.max()
    np.testing.assert_array_equal(t[3][:, 0], x.min(axis=1))
    np.testing.assert_array_equal(t[4][0, :], x.min(axis=0))
    assert t[5][0, 0] == x.min()
    assert (t[0][:, 1:] == 0).all() and (t[1][1:, :] == 0).all()    # the rest of the tile is 0
    for b in (a, s, o):
        b.free()


# ---- Grayskull NoC1: the host passes NoC0 coordinates, the kernel API translates them -------------------
SIGNAL = r"""
void kernel_main() {          // on core A: tell core B through its semaphore 0
    uint32_t bx = get_arg_val<uint32_t>(0), by = get_arg_val<uint32_t>(1);
    noc_semaphore_inc(get_noc_addr(bx, by, get_semaphore(0)), 1);
    noc_async_atomic_barrier();
}
"""
WAIT = r"""
void kernel_main() {          // on core B
    noc_semaphore_wait((volatile uint32_t*)get_semaphore(0), 1);
    DPRINT("B got the signal on NoC {}\n", (uint32_t)noc_index);
}
"""


@pytest.mark.parametrize("noc", [0, 1])
def test_noc1_handshake_with_noc0_host_coordinates(dev, noc):
    # Grayskull mirrors NoC0 coordinates for NoC 1; Wormhole and Blackhole use one translated value for
    # both NoCs (the same identity): n150 stands for both
    if dev.arch.board == "p150a":
        pytest.skip("translated coordinates as on n150")
    a, b = (0, 0), (3, 2)
    xb, yb = dev.worker_core(b)                        # NoC0 coordinates, as a tt-metal host passes them
    send = Kernel(SIGNAL, on="writer", cores=[a], noc=noc, runtime_args=[xb, yb])
    recv = Kernel(WAIT, on="reader", cores=[b], noc=noc)
    dev.queue.enqueue(Program([a, b], [send, recv], semaphores=[Semaphore(0)]))
    assert [p.text for p in dev.queue.prints] == [f"B got the signal on NoC {noc}"]


def test_reader_writer_default_risc_and_noc():
    # tt-metal's ReaderDataMovementConfig = RISCV_1 on NoC 0, WriterDataMovementConfig = RISCV_0 on NoC 1,
    # on every arch (the kernel API, not the pairing, translates coordinates on Grayskull)
    r, w = Kernel("void kernel_main() {}", on="reader"), Kernel("void kernel_main() {}", on="writer")
    assert (r.processor, r.noc) == (1, 0) and (w.processor, w.noc) == (0, 1)


def test_deadlock_hints_at_noc_coordinates():
    with Device("e150") as d:
        xb, yb = d.worker_core((3, 2), noc=1)           # NoC1 coordinates passed where NoC0 ones belong
        send = Kernel(SIGNAL, on="writer", cores=[(0, 0)], runtime_args=[xb, yb])
        recv = Kernel(WAIT, on="reader", cores=[(3, 2)])
        with pytest.raises(DeviceHang, match="NoC-coordinate mix-up"):
            d.queue.enqueue(Program([(0, 0), (3, 2)], [send, recv], semaphores=[Semaphore(0)]))


# ---- a pre-filled sharded CB read and popped without waiting: legal on silicon, a race warning ---------
COMPUTE_ONLY = r"""
#include "api/compute/tile_move_copy.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 16);
    copy_init(0);
    for (uint32_t t = 0; t < 2; t++) {
        tile_regs_acquire();
        copy_tile(0, t, 0);                   // no cb_wait_front: the shard is already in L1
        tile_regs_commit(); tile_regs_wait();
        cb_reserve_back(16, 1);
        pack_tile(0, 16);
        cb_push_back(16, 1);
        tile_regs_release();
    }
    cb_pop_front(0, 2);                       // pops pages that were never pushed
}
"""


def test_prefilled_sharded_cb_race_warning(dev):
    cores = [(0, 0), (1, 0)]
    spec = ShardSpec((4, 1), (2, 1), cores)          # 4 tiles, 2 per core
    inp = dev.l1_buffer(4 * TILE, TILE, shard=spec)
    out = dev.l1_buffer(4 * TILE, TILE, shard=spec)
    x = bf16_bits_to_float(float_to_bf16_bits(np.arange(4 * 1024, dtype=np.float32) / 64)).reshape(4, 1024)
    inp.write(float_to_bf16_bits(x).reshape(-1))
    prog = Program(cores, [Kernel(COMPUTE_ONLY, on="compute")],
                   [CircularBuffer(0, BF16, TILE, 2, buffer=inp), CircularBuffer(16, BF16, TILE, 2, buffer=out)])
    with pytest.warns(RaceWarning, match=r"kernel_\w+\.cpp:\d+") as rec:
        t = dev.queue.enqueue(prog)
    np.testing.assert_array_equal(bf16_bits_to_float(out.read(np.uint16)).reshape(4, 1024), x)
    texts = [str(w.message) for w in rec]
    assert any("copy_tile reads tile 0 of CB 0 without cb_wait_front" in m for m in texts)
    assert any("cb_pop_front(cb 0, 2)" in m for m in texts)
    # every warning names the core, the RISC-V and the kernel line
    assert t.profile.warnings and all(re.search(r"core \(\d, 0\) TRISC.*kernel_\w+\.cpp:\d+", w) for w in t.profile.warnings)
    # once per kernel line and core per run, not once per tile
    assert len([m for m in t.profile.warnings if "copy_tile" in m]) == len(cores)
    with warnings.catch_warnings(record=True) as shown:     # printed once: a second run shows nothing new
        warnings.simplefilter("always")
        dev.queue.enqueue(prog)
    assert not shown
    assert len(dev.queue.profile.warnings) == len(t.profile.warnings)   # but every run's profile has them
    inp.free()
    out.free()


def test_unwaited_read_of_an_ordinary_cb_is_still_an_error():
    k = Kernel("#include \"api/compute/tile_move_copy.h\"\nvoid kernel_main() { compute_kernel_hw_startup(0, 16); "
               "tile_regs_acquire(); copy_tile(0, 0, 0); }", on="compute")
    with Device("n150") as d:
        with pytest.raises(Exception, match="not at the front of the CB"):
            d.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, BF16, TILE, 2), CircularBuffer(16, BF16, TILE, 2)]))


# ---- an interleaved L1 buffer's address is a local pointer on every worker core -------------------------
L1_DEREF = r"""
void kernel_main() {
    uint32_t addr = get_arg_val<uint32_t>(0), out = get_arg_val<uint32_t>(1), slot = get_arg_val<uint32_t>(2);
    uint32_t scratch = get_arg_val<uint32_t>(3);
    // which L1 bank is this core? (the firmware bank table, per NoC)
    uint32_t bank = 0xFFFF;
    for (uint32_t b = 0; b < NUM_L1_BANKS; b++)
        if (l1_bank_to_noc_xy[noc_index][b] == ((uint32_t(my_y[noc_index]) << 6) | my_x[noc_index])) bank = b;
    volatile uint32_t* s = (volatile uint32_t*)scratch;
    s[0] = bank;
    s[1] = *(volatile uint32_t*)addr;                   // this core's slice: page `bank`, word 0
    const InterleavedAddrGen<false> g{.bank_base_address = addr, .page_size = 16};
    noc_async_read(g.get_noc_addr(bank), scratch + 16, 16);   // the same page through the NoC
    noc_async_read_barrier();
    s[2] = s[4];
    s[3] = 0;
    const InterleavedAddrGen<true> o{.bank_base_address = out, .page_size = 16};
    noc_async_write(scratch, o.get_noc_addr(slot), 16);      // one 16-byte page per core
    noc_async_write_barrier();
}
"""


def test_interleaved_l1_address_is_usable_in_kernels(dev):
    gx, gy = dev.grid
    cores = [(x, y) for y in range(gy) for x in range(gx)][::7][:6]
    banks = gx * gy
    buf = dev.l1_buffer(banks * 16, 16)                 # one 16-byte page per bank
    pages = np.arange(banks * 4, dtype=np.uint32) * 3 + 5
    buf.write(pages)
    out = dev.dram_buffer(len(cores) * 16, 16)
    scratch = dev.l1_buffer(64, 64, cores=cores)
    k = Kernel(L1_DEREF, on="riscv_0", cores=cores,
               runtime_args=lambda i, xy, n: [buf, out, i, scratch])
    dev.queue.enqueue(Program(cores, [k]))
    got = out.read(np.uint32).reshape(len(cores), 4)
    for buf_ in (buf, out, scratch):
        buf_.free()
    assert len({int(r[0]) for r in got}) == len(cores)          # six different banks
    for bank, local, via_noc, _ in got:
        assert bank < banks and local == pages[bank * 4] == via_noc


# ---- one CB config, several indices, different page sizes ---------------------------------------------
MIXED = r"""
void kernel_main() {
    const LocalCBInterface& a = get_local_cb_interface(16);
    const LocalCBInterface& b = get_local_cb_interface(24);
    DPRINT("{} {} {} {} {}\n", a.fifo_page_size, a.fifo_num_pages, b.fifo_page_size, b.fifo_num_pages,
           uint32_t(a.fifo_rd_ptr == b.fifo_rd_ptr && a.fifo_size == b.fifo_size && get_tile_size(24) == 1088));
    cb_reserve_back(24, 4); cb_push_back(24, 4);       // 4 pages of 1024 B fill the region once
    cb_wait_front(24, 4); cb_pop_front(24, 4);
    cb_reserve_back(16, 2); cb_push_back(16, 2);       // 2 pages of 2048 B
    cb_wait_front(16, 2); cb_pop_front(16, 2);
}
"""


def test_one_cb_config_with_mixed_page_sizes(dev):
    cb = CircularBuffer([16, 24], {16: BF16, 24: DataFormat.Bfp8_b}, {16: 2048, 24: 1024}, num_pages=2)
    assert cb.total_size == 4096 and cb.page_size_of(24) == 1024
    dev.queue.enqueue(Program((0, 0), [Kernel(MIXED, on="riscv_0")], [cb]))
    assert [p.text for p in dev.queue.prints] == ["2048 2 1024 4 1"]


def test_cb_page_size_must_divide_the_region():
    cb = CircularBuffer([16, 24], BF16, {16: 2048, 24: 1536}, num_pages=2)
    with Device("n150") as d:
        with pytest.raises(ValueError, match="is not a whole number of pages of every index"):
            d.queue.enqueue(Program((0, 0), [Kernel(MIXED, on="riscv_0")], [cb]))


# ---- kernel includes: beside the kernel, include_dirs, and a tt-metal checkout root ---------------------
def test_kernel_include_dirs(tmp_path):
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / "beside.h").write_text("constexpr uint32_t BESIDE = 3;\n")
    (tmp_path / "kernels" / "k.cpp").write_text(
        '#include "beside.h"\n#include "mine/helper.hpp"\n#include "ttnn/operations/common.hpp"\n'
        '#include "ttnn/cpp/ttnn/operations/common.hpp"\n'
        'void kernel_main() { DPRINT("{}\\n", BESIDE + HELPER + FROM_TTNN); }\n')
    inc = tmp_path / "inc" / "mine"
    inc.mkdir(parents=True)
    (inc / "helper.hpp").write_text("#pragma once\nconstexpr uint32_t HELPER = 10;\n")
    root = tmp_path / "tt-metal"                        # a checkout: <root>/ttnn and <root>/ttnn/cpp go on the path
    (root / "ttnn" / "cpp" / "ttnn" / "operations").mkdir(parents=True)
    (root / "ttnn" / "cpp" / "ttnn" / "operations" / "common.hpp").write_text(
        "#pragma once\n#include \"api/dataflow/dataflow_api.h\"\nconstexpr uint32_t FROM_TTNN = 100;\n")
    (root / "ttnn" / "ttnn").mkdir()
    (root / "ttnn" / "ttnn" / "operations").symlink_to(root / "ttnn" / "cpp" / "ttnn" / "operations")
    with Device("n150") as d:
        k = Kernel(tmp_path / "kernels" / "k.cpp", on="riscv_0", include_dirs=[tmp_path / "inc"])
        d.queue.enqueue(Program((0, 0), [k], include_dirs=[root]))
        assert [p.text for p in d.queue.prints] == ["113"]
        with pytest.raises(CompileError, match="mine/helper.hpp is not provided by tensix yet"):
            d.queue.enqueue(Program((0, 0), [Kernel(tmp_path / "kernels" / "k.cpp", on="riscv_0")]))
    with pytest.raises(FileNotFoundError, match="include directory"):
        Kernel("void kernel_main() {}", include_dirs=[tmp_path / "missing"])


# ---- ShardSpec in elements (the C++ host API's shard shape) beside pages -------------------------------
def test_shardspec_in_elements():
    cores = [(0, 0), (1, 0)]
    by_elements = ShardSpec((64, 96), (32, 96), cores, page_shape=(32, 32))
    assert by_elements.tensor_shape == (2, 3) and by_elements.shard_shape == (1, 3)
    assert by_elements.layout == "height"
    sticks = ShardSpec((8, 100), (4, 100), cores, page_shape=(1, 100))   # row-major sticks
    assert sticks.tensor_shape == (8, 1) and sticks.shard_shape == (4, 1)
    with pytest.raises(ValueError, match="not a whole number of"):
        ShardSpec((64, 64), (48, 64), cores, page_shape=(32, 32))
    with Device("n150") as d:
        a = d.l1_buffer(6 * TILE, TILE, shard=by_elements)
        b = d.l1_buffer(6 * TILE, TILE, shard=ShardSpec((2, 3), (1, 3), cores))
        data = np.arange(6 * 1024, dtype=np.uint16)
        a.write(data)
        b.write(data)
        assert (a.read(np.uint16) == data).all()
        assert TensorAccessorArgs(a).compile_time_args() == TensorAccessorArgs(b).compile_time_args()


# ---- experimental::ez: DeviceContext + ProgramBuilder ----------------------------------------------------
EZ_READER = r"""
void kernel_main() {
    constexpr uint32_t scale_bits = get_compile_time_arg_val(0);      // user compile args come first
    constexpr auto aa = TensorAccessorArgs<1>();                       // then the buffers' accessor args
    const auto s = TensorAccessor(aa, get_arg_val<uint32_t>(0));
    static_assert(scale_bits == 0x3f80);
    for (uint32_t i = 0; i < get_arg_val<uint32_t>(1); i++) {
        cb_reserve_back(0, 1);
        noc_async_read_page(i, s, get_write_ptr(0));
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
}
"""
EZ_COMPUTE = r"""
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_unary/negative.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 16);
    copy_init(0);
    negative_tile_init();
    for (uint32_t i = 0; i < N; i++) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 0);
        negative_tile(0);
        tile_regs_commit(); tile_regs_wait();
        cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1);
        tile_regs_release();
        cb_pop_front(0, 1);
    }
}
"""
EZ_WRITER = r"""
void kernel_main() {
    const auto s = TensorAccessor(TensorAccessorArgs<0>(), get_arg_val<uint32_t>(0));
    for (uint32_t i = 0; i < get_arg_val<uint32_t>(1); i++) {
        cb_wait_front(16, 1);
        noc_async_write_page(i, s, get_read_ptr(16));
        noc_async_write_barrier();
        cb_pop_front(16, 1);
    }
}
"""


def test_ez_program_builder(tmp_path):
    for name, text in (("reader.cpp", EZ_READER), ("compute.cpp", EZ_COMPUTE), ("writer.cpp", EZ_WRITER)):
        (tmp_path / name).write_text(text)
    with DeviceContext("n150") as ctx:
        a, out = ctx.dram_tile_buffer(4), ctx.dram_tile_buffer(4)
        x = np.arange(4 * 1024, dtype=np.float32) / 100
        ctx.write(a, float_to_bf16_bits(x))
        b = ProgramBuilder((0, 0))
        (b.cb(0).cb(16, 2)
          .reader(tmp_path / "reader.cpp", [a], [0x3f80]).runtime_args([a, 4])
          .defines_next({"N": "4"}).compute(tmp_path / "compute.cpp")
          .writer(tmp_path / "writer.cpp", [out]).runtime_args(lambda core: [out, 4]))
        sem = b.semaphore(0)
        program = b.build()
        assert sem == 0 and [k.processor for k in program.kernels] == [1, 2, 0]
        ctx.run(program)
        np.testing.assert_array_equal(bf16_bits_to_float(ctx.read(out, np.uint16)),
                                      -bf16_bits_to_float(float_to_bf16_bits(x)))
        with pytest.raises(RuntimeError, match="once"):
            b.build()
        sharded = ctx.sharded_l1_buffer(__import__("tensix.ez", fromlist=["ShardConfig"]).ShardConfig(
            [(0, 0), (1, 0)], (1, 1), (2, 1)))
        with pytest.raises(ValueError, match="sharded"):
            ProgramBuilder((0, 0)).reader(tmp_path / "reader.cpp", [sharded])
