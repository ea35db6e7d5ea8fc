"""Today's tt-metal kernel API (current §1-§5, §11, §12) beside the baseline forms
(SOURCES.md (API)), on Grayskull, Wormhole and Blackhole (n300 is Wormhole with the same kernel
headers). Each test runs the same computation written both ways and checks both against numpy.

- compute: compute_kernel_hw_startup<SrcOrder> + add_init/mul_init/copy_init/copy_block/transpose_init/
  matmul_init/pack_block  vs  binary_op_init_common + add_tiles_init/mul_tiles_init/
  copy_tile_to_dst_init_short/transpose_wh_init_short/mm_init_short/pack_tile_block;
- data movement: Device 2.0 at api/dataflow/* with unqualified Noc/CircularBuffer, NocOptions/NocOptVals,
  make_tensor_accessor_args_tuple, get_local_cb_interface, L1_UNRESERVED_BASE  vs
  experimental::Noc with TxnIdMode and TensorAccessorArgs<N>;
- prints: DPRINT("{}", x) (fmt, with fill/align/sign/# specs) next to DPRINT << x << ENDL().
"""
from __future__ import annotations

import numpy as np
import pytest

from tensix import CircularBuffer, CompileError, DataFormat, Device, Kernel, Program, TensorAccessorArgs
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, tilize, untilize

ARCHS = ["e150", "n150", "p150a"]
TILE = 2048

READER_BASELINE = r"""
#include "experimental/noc.h"
void kernel_main() {
    uint32_t a = get_arg_val<uint32_t>(0), b = get_arg_val<uint32_t>(1);
    constexpr auto aa = TensorAccessorArgs<0>();
    constexpr auto ba = TensorAccessorArgs<aa.next_compile_time_args_offset()>();
    const auto sa = TensorAccessor(aa, a), sb = TensorAccessor(ba, b);
    experimental::Noc noc;
    experimental::CircularBuffer c0(0), c1(1);
    c0.reserve_back(1); c1.reserve_back(1);
    noc.async_read<experimental::Noc::TxnIdMode::ENABLED>(sa, c0, get_tile_size(0), {.page_id = 0}, {}, NOC_UNICAST_WRITE_VC, 3);
    noc.async_read(sb, c1, get_tile_size(1), {.page_id = 0}, {}, NOC_UNICAST_WRITE_VC);
    noc.async_read_barrier();
    c0.push_back(1); c1.push_back(1);
}
"""

READER_CURRENT = r"""
#include "api/dataflow/noc.h"
#include "api/dataflow/circular_buffer.h"
#include "api/tensor/tensor_accessor.h"
#include "api/kernel_thread_globals.h"
void kernel_main() {
    constexpr auto args = make_tensor_accessor_args_tuple<2, 0>();
    auto acc = make_tensor_accessor_tuple(args, 0);          // addresses: runtime args 0 and 1
    Noc noc;
    CircularBuffer c0(0), c1(1);
    static_assert(L1_UNRESERVED_BASE > 0 && MEM_L1_SIZE > L1_UNRESERVED_BASE);
    c0.reserve_back(1); c1.reserve_back(1);
    const LocalCBInterface& ci = get_local_cb_interface(0);
    if (ci.fifo_page_size != 2048 || ci.fifo_wr_ptr != c0.get_write_ptr() || ci.fifo_num_pages != 2 ||
        ci.fifo_limit - ci.fifo_size > ci.fifo_wr_ptr || get_num_threads() != 1)
        DPRINT("bad cb interface {} {} {}\n", ci.fifo_page_size, ci.fifo_num_pages, ci.fifo_size);
    noc.async_read<NocOptions::TXN_ID>(std::get<0>(acc), c0, ci.fifo_page_size, {.page_id = 0}, {}, {.trid = 3});
    noc.async_read<NocOptions::CUSTOM_VC>(std::get<1>(acc), use<CircularBuffer::AddrSelector::WRITE_PTR>(c1),
                                          get_tile_size(1), {.page_id = 0}, {}, NocOptVals{.vc = 1});
    noc.async_read_barrier<NocOptions::TXN_ID>({.trid = 3});
    noc.async_read_barrier();
    c0.push_back(1); c1.push_back(1);
}
"""

WRITER_BASELINE = r"""
void kernel_main() {
    uint32_t out = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1);
    constexpr auto oa = TensorAccessorArgs<0>();
    const auto so = TensorAccessor(oa, out);
    for (uint32_t i = 0; i < n; i++) {
        cb_wait_front(16, 1);
        noc_async_write_tile(i, so, get_read_ptr(16));
        noc_async_write_barrier();
        cb_pop_front(16, 1);
    }
}
"""

WRITER_CURRENT = r"""
#include "api/dataflow/noc.h"
#include "api/dataflow/circular_buffer.h"
void kernel_main() {
    uint32_t out = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1);
    constexpr auto oa = make_tensor_accessor_args<0>();
    const auto so = TensorAccessor(oa, out);
    Noc noc;
    CircularBuffer cb(16);
    for (uint32_t i = 0; i < n; i++) {
        cb.wait_front(1);
        noc.async_write<NocOptions::POSTED>(cb, so, cb.get_tile_size(), {}, {.page_id = i});
        noc.async_writes_flushed();
        noc.async_write_barrier();
        cb.pop_front(1);
    }
}
"""

# out[0] = A + B, out[1] = A * B, out[2] = A, out[3] = B, out[4] = A^T, out[5] = A @ B
COMPUTE_BASELINE = r"""
#include "api/compute/eltwise_binary.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/transpose_wh.h"
#include "api/compute/matmul.h"
void kernel_main() {
    binary_op_init_common(0, 1, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    add_tiles_init(0, 1);
    add_tiles(0, 1, 0, 0, 0);
    mul_tiles_init(0, 1);
    mul_tiles(0, 1, 0, 0, 1);
    copy_tile_to_dst_init_short(0);
    copy_tile(0, 0, 2);
    copy_tile_to_dst_init_short_with_dt(0, 1);
    copy_tile(1, 0, 3);
    transpose_wh_init_short(0);
    transpose_wh_tile(0, 0, 4);
    mm_init_short(0, 1);
    matmul_tiles(0, 1, 0, 0, 5);
    tile_regs_commit(); tile_regs_wait();
    cb_reserve_back(16, 6);
    pack_tile_block(0, 16, 6);
    cb_push_back(16, 6);
    tile_regs_release();
}
"""

COMPUTE_CURRENT = r"""
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/transpose.h"
#include "api/compute/matmul.h"
#include "api/compute/pack.h"
#include "api/compute/reconfig_data_format.h"
#include "api/dataflow/circular_buffer.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 1, 16);
    CircularBuffer a(0), b(1), out(16);        // the Device 2.0 object in a compute kernel
    a.wait_front(1); b.wait_front(1);
    tile_regs_acquire();
    add_init(0, 1);
    add_block(0, 1, 0, 0, 0, 1);
    mul_init(0, 1);
    mul_tiles(0, 1, 0, 0, 1);
    copy_init(0);
    copy_block(0, 0, 2, 1);
    reconfig_data_format_srca(1);
    copy_init(1);
    copy_tile(1, 0, 3);
    reconfig_data_format_srca(0);
    transpose_init(0);
    transpose_tile(0, 0, 4);
    reconfig_data_format<SrcOrder::Reverse>(0, 1);
    matmul_init(0, 1);
    matmul_tiles(0, 1, 0, 0, 5);
    mm_uninit(0, 1);
    tile_regs_commit(); tile_regs_wait();
    out.reserve_back(6);
    pack_block(0, 16, 6);
    out.push_back(6);
    tile_regs_release();
}
"""


def _bf16(x: np.ndarray) -> np.ndarray:
    return bf16_bits_to_float(float_to_bf16_bits(x.astype(np.float32)))


@pytest.fixture(scope="module", params=ARCHS)
def dev(request):
    with Device(request.param) as d:
        yield d


@pytest.mark.parametrize("form", ["baseline", "current"])
def test_compute_inits_and_device2(dev, form):
    rng = np.random.default_rng(7)
    a, b = _bf16(rng.uniform(-1, 1, (32, 32))), _bf16(rng.uniform(-1, 1, (32, 32)))
    sa, sb, so = dev.dram_buffer(TILE, TILE), dev.dram_buffer(TILE, TILE), dev.dram_buffer(6 * TILE, TILE)
    sa.write(float_to_bf16_bits(tilize(a)))
    sb.write(float_to_bf16_bits(tilize(b)))
    cur = form == "current"
    reader = Kernel(READER_CURRENT if cur else READER_BASELINE, on="reader",
                    compile_args=[TensorAccessorArgs(sa), TensorAccessorArgs(sb)], runtime_args=[sa, sb])
    writer = Kernel(WRITER_CURRENT if cur else WRITER_BASELINE, on="writer", compile_args=[TensorAccessorArgs(so)],
                    runtime_args=[so, 6])
    compute = Kernel(COMPUTE_CURRENT if cur else COMPUTE_BASELINE, on="compute")
    cbs = [CircularBuffer(0, DataFormat.Float16_b, TILE, 2), CircularBuffer(1, DataFormat.Float16_b, TILE, 2),
           CircularBuffer(16, DataFormat.Float16_b, TILE, 6)]
    dev.queue.enqueue(Program((0, 0), [reader, writer, compute], cbs))
    assert not [p.text for p in dev.queue.prints if "bad" in p.text]
    raw = bf16_bits_to_float(so.read(np.uint16)).reshape(6, 1024)
    got = [untilize(t, (32, 32)) for t in raw]
    np.testing.assert_array_equal(got[0], _bf16(a + b))
    np.testing.assert_array_equal(got[1], _bf16(a * b))
    np.testing.assert_array_equal(got[2], a)
    np.testing.assert_array_equal(got[3], b)
    np.testing.assert_array_equal(got[4], a.T)
    np.testing.assert_allclose(got[5], a @ b, rtol=0.02, atol=0.02)
    for buf in (sa, sb, so):
        buf.free()


PRINTS = r"""
#include "api/debug/dprint.h"
#include "hostdevcommon/dprint_common.h"
void kernel_main() {
    uint32_t x = 42;
    int32_t neg = -7;
    DPRINT << "old " << x << " " << HEX() << x << ENDL();
    DPRINT("fmt {} {:#x} [{: >6}] [{:<4}] [{:^7}] {:+d} {:08.3f} {:#010x} {:#b}\n", x, x, x, x, x, 5, 3.14159f, x, 5u);
    DPRINT("{0:#010x} {0} {0:o} {0:b} {1}\n", 10u, neg);
    DPRINT_DATA0("data0 {}\n", 1);
    DPRINT_DATA1("data1 {}\n", 1);
    DPRINT_DATA0(DPRINT << "stream data0" << ENDL());
    DEVICE_PRINT("{{braces}} {} {}\n", true, bf16_t(0x3fc0));
    static_assert(DPRINT_BUFFER_SIZE == 204);
    SliceRange s = SliceRange::hw041();
    (void)s;
}
"""


def test_dprint_both_forms(dev):
    dev.queue.enqueue(Program((0, 0), [Kernel(PRINTS, on="riscv_0")]))    # NoC 0: DATA0 prints, DATA1 not
    assert [p.text for p in dev.queue.prints] == [
        "old 42 0x2a",
        "fmt 42 0x2a [    42] [42  ] [  42   ] +5 0003.142 0x0000002a 0b101",
        "0x0000000a 10 12 1010 -7",
        "data0 1",
        "stream data0",
        "{braces} true 1.5",
    ]


@pytest.mark.parametrize("fmt, why", [('"{} {}\\n", 1', "number of {} placeholders"),
                                      ('"{0} {}\\n", 1, 2', "may not be mixed"),
                                      ('"{1}\\n", 1, 2', "every index must be below")])
def test_dprint_format_checked_at_compile_time(fmt, why):
    with Device("n150") as d:
        with pytest.raises(CompileError, match=why):
            d.queue.enqueue(Program((0, 0), [Kernel("void kernel_main() { DPRINT(%s); }" % fmt, on="riscv_0")]))


# ---- more current names: packer ReLU, TRISC mailboxes, templated inits, typed arrays, strided pages,
# ---- type-erased accessors as Noc endpoints, MEM_ZEROS_BASE as a NoC source of zeros ---------------
MORE_COMPUTE = r"""
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/bcast.h"
void kernel_main() {
    init_sfpu<DST_ACCUM_MODE>(0, 16);                  // the templated deprecated init
    copy_init(0);
    cb_wait_front(0, 1);
    uint32_t addr = 0;
    UNPACK((addr = get_tile_address(0, 0)));
    UNPACK((mailbox_write(ckernel::ThreadId::MathThreadId, addr), mailbox_write(ckernel::ThreadId::PackThreadId, addr)));
    uint32_t m = 0, p = 0;
    MATH((m = mailbox_read(ckernel::ThreadId::UnpackThreadId)));
    PACK((p = mailbox_read(ckernel::ThreadId::UnpackThreadId)));
    if (m != addr || p != addr) DPRINT("mailbox {} {} {}\n", addr, m, p);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    add_bcast_scalar_init(0, 0);
    add_tiles_bcast<BroadcastType::SCALAR, false>(0, 0, 0, 0, 1);   // a + a[0][0]
    tile_regs_commit(); tile_regs_wait();
    cb_reserve_back(16, 2);
    PACK((llk_pack_relu_config(ReluConfig::zero())));
    pack_tile(0, 16);                                   // max(0, a)
    PACK((llk_pack_relu_config(ReluType::NO_RELU)));
    pack_tile(1, 16);
    cb_push_back(16, 2);
    tile_regs_release();
}
"""
MORE_DM = r"""
#include "api/dataflow/noc.h"
#include "api/dataflow/circular_buffer.h"
#include "api/tensor/tensor_accessor.h"
void kernel_main() {
    constexpr auto args = make_tensor_accessor_args_tuple<2, 0>();
    auto acc = make_tensor_accessor_tuple(args, 0);
    auto wrappers = make_abstract_tensor_accessor_wrappers(acc);
    Noc noc;
    CircularBuffer c0(0);
    c0.reserve_back(1);
    // fill the page with junk, then zero it from MEM_ZEROS_BASE over the NoC, 512 B at a time
    volatile uint32_t* w = (volatile uint32_t*)c0.get_write_ptr();
    for (uint32_t i = 0; i < 512; i++) w[i] = 0xdeadbeef;
    for (uint32_t o = 0; o < 2048; o += MEM_ZEROS_SIZE)
        noc_async_read(get_noc_addr(MEM_ZEROS_BASE), c0.get_write_ptr() + o, MEM_ZEROS_SIZE);
    noc_async_read_barrier();
    uint32_t nonzero = 0;
    for (uint32_t i = 0; i < 512; i++) nonzero += w[i] != 0;
    uint32_t n = 0;
    for (auto page : std::get<0>(acc).strided_pages(2)) { (void)page; n++; }
    uint32_t words[3] = {7, 8, 9};
    DPRINT("zeros {} pages {} {}\n", nonzero, n, dp_typed_array_t<3>(8, words));
    // copy page 1 of tensor 0 to page 0 of tensor 1 through the type-erased wrappers
    noc.async_read(wrappers[0], c0, 2048, {.page_id = 1}, {});
    noc.async_read_barrier();
    noc.async_write(c0, wrappers[1], 2048, {}, {.page_id = 0});
    noc.async_write_barrier();
}
"""


def test_more_current_names(dev):
    if dev.arch.board != "n150":
        pytest.skip("no arch-specific code in these headers: covered on n150")
    rng = np.random.default_rng(9)
    a = _bf16(rng.uniform(-1, 1, (32, 32)))
    src, out = dev.l1_buffer(TILE, TILE, cores=[(0, 0)]), dev.l1_buffer(2 * TILE, TILE, cores=[(0, 0)])
    src.write(float_to_bf16_bits(tilize(a)))
    feed = Kernel("void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); }", on="reader")
    cbs = [CircularBuffer(0, DataFormat.Float16_b, TILE, 1, buffer=src),
           CircularBuffer(16, DataFormat.Float16_b, TILE, 2, buffer=out)]
    dev.queue.enqueue(Program((0, 0), [feed, Kernel(MORE_COMPUTE, on="compute")], cbs))
    assert not dev.queue.prints
    got = [untilize(t, (32, 32)) for t in bf16_bits_to_float(out.read(np.uint16)).reshape(2, 1024)]
    np.testing.assert_array_equal(got[0], np.maximum(a, 0))
    np.testing.assert_array_equal(got[1], _bf16(a + a[0, 0]))
    t0, t1 = dev.dram_buffer(2 * TILE, TILE), dev.dram_buffer(TILE, TILE)
    pages = np.arange(2 * 1024, dtype=np.uint16)
    t0.write(pages)
    k = Kernel(MORE_DM, on="riscv_0", compile_args=[TensorAccessorArgs(t0), TensorAccessorArgs(t1)], runtime_args=[t0, t1])
    dev.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, DataFormat.Float16_b, TILE, 1)]))
    assert [p.text for p in dev.queue.prints] == ["zeros 0 pages 2 [7, 8, 9]"]
    assert (t1.read(np.uint16) == pages[1024:]).all()
    for b in (src, out, t0, t1):
        b.free()
