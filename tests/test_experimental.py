"""Device 2.0 experimental data-movement API (API §3.9): experimental::Noc, CircularBuffer, Semaphore,
CoreLocalMem, UnicastEndpoint, MulticastEndpoint, AllocatorBank, DataflowBuffer, get_arg.

Every test runs kernels written in the Device 2.0 style on the simulated chip through the host API and
checks the bytes that land in DRAM, so a wrong address, page, offset, rectangle or handshake fails."""
from __future__ import annotations

import numpy as np
import pytest

from tensix import (CircularBuffer, CompileError, DeviceError, Kernel, Program, Semaphore,
                    TensorAccessorArgs)
from tensix.formats import float_to_bf16_bits

TILE = 2048   # one bf16 tile



def bf16_tiles(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return float_to_bf16_bits(rng.standard_normal(n * TILE // 2).astype(np.float32))


# ---------------------------------------------------------------------------------------------------
# 1. reader / writer copy through a CB: the eltwise_binary shape of the API
# ---------------------------------------------------------------------------------------------------

COPY_READER = r"""
#include "experimental/circular_buffer.h"
#include "experimental/noc.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);

    constexpr auto in0_args = TensorAccessorArgs<0>();
    const auto in0 = TensorAccessor(in0_args, src_addr);

    experimental::Noc noc;
    experimental::CircularBuffer cb_in0_buf(0);
    const uint32_t tile_size_bytes = get_tile_size(0);

#ifdef USE_PAGES
    // pages of the accessor as NoC sources
    for (const auto page : in0.pages(0, n_tiles)) {
        cb_in0_buf.reserve_back(1);
        noc.async_read(page, cb_in0_buf, tile_size_bytes, {}, {});
        noc.async_read_barrier();
        cb_in0_buf.push_back(1);
    }
#else
    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_in0_buf.reserve_back(1);
        noc.async_read(in0, cb_in0_buf, tile_size_bytes, {.page_id = i}, {.offset_bytes = 0});
        noc.async_read_barrier();
        cb_in0_buf.push_back(1);
    }
#endif
}
"""

COPY_WRITER = r"""
#include "experimental/circular_buffer.h"
#include "experimental/noc.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);

    constexpr auto out0_args = TensorAccessorArgs<0>();
    const auto out0 = TensorAccessor(out0_args, dst_addr);

    experimental::Noc noc;
    experimental::CircularBuffer cb_out(0);
    const uint32_t tile_size_bytes = get_tile_size(0);

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb_out.wait_front(1);
        noc.async_write(cb_out, out0, tile_size_bytes, {}, {.page_id = i});
        noc.async_write_barrier();
        cb_out.pop_front(1);
    }
}
"""


@pytest.mark.parametrize("defines", [{}, {"USE_PAGES": 1}], ids=["page_id", "pages"])
def test_copy_through_cb(dev, defines):
    n = 9
    data = bf16_tiles(n, 1)
    src = dev.dram_buffer(n * TILE, TILE)
    dst = dev.dram_buffer(n * TILE, TILE)
    reader = Kernel(COPY_READER, on="reader", compile_args=[TensorAccessorArgs(src)], runtime_args=[src, n],
                    defines=defines)
    writer = Kernel(COPY_WRITER, on="writer", compile_args=[TensorAccessorArgs(dst)], runtime_args=[dst, n])
    prog = Program((0, 0), [reader, writer], cbs=[CircularBuffer(0, "float16_b", TILE, 2)])
    src.write(data)
    dst.write(np.zeros_like(data))
    dev.queue.enqueue(prog)
    out = dst.read(np.uint16)
    assert (out == data).all()


# ---------------------------------------------------------------------------------------------------
# 2. two cores: a tile pushed into another core's CB with UnicastEndpoint and a semaphore handshake
# ---------------------------------------------------------------------------------------------------
# Core A reads tiles from DRAM into local scratch. For every tile core B reserves a CB page, posts the
# page's address into A's mailbox word (inline_dw_write) and raises A's "ready" semaphore; A takes
# the semaphore (down), writes the tile to that address on B and raises B's "data" semaphore;
# B takes it and pushes the page, and B's writer sends it to DRAM.

SEND_A = r"""
#include "experimental/noc.h"
#include "experimental/noc_semaphore.h"
#include "experimental/core_local_mem.h"
#include "experimental/endpoints.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);
    uint32_t b_x = get_arg_val<uint32_t>(2);
    uint32_t b_y = get_arg_val<uint32_t>(3);
    const auto in = TensorAccessor(TensorAccessorArgs<0>(), src_addr);

    experimental::Noc noc;
    experimental::CircularBuffer scratch_cb(0);
    experimental::CoreLocalMem<uint32_t> scratch(scratch_cb.get_write_ptr());
    experimental::Semaphore<> ready(0), data(1), mailbox(2);
    experimental::UnicastEndpoint core_b;
    const uint32_t bytes = scratch_cb.get_tile_size();

    for (uint32_t i = 0; i < n_tiles; i++) {
        noc.async_read(in, scratch, bytes, {.page_id = i}, {.offset_bytes = 0});
        noc.async_read_barrier();
        ready.down(1);
        uint32_t where = mailbox.get_value();
        noc.async_write(scratch, core_b, bytes, {}, {.noc_x = b_x, .noc_y = b_y, .addr = where});
        noc.async_write_barrier();
        data.up(noc, b_x, b_y, 1);
    }
    noc.async_atomic_barrier();
}
"""

RECV_B = r"""
#include "experimental/noc.h"
#include "experimental/noc_semaphore.h"

void kernel_main() {
    uint32_t n_tiles = get_arg_val<uint32_t>(0);
    uint32_t a_x = get_arg_val<uint32_t>(1);
    uint32_t a_y = get_arg_val<uint32_t>(2);

    experimental::Noc noc;
    experimental::CircularBuffer cb(0);
    experimental::Semaphore<> ready(0), data(1), mailbox(2);
    experimental::UnicastEndpoint core_a;

    for (uint32_t i = 0; i < n_tiles; i++) {
        cb.reserve_back(1);
        noc.inline_dw_write(core_a, cb.get_write_ptr(), {.noc_x = a_x, .noc_y = a_y, .addr = mailbox.get_address()});
        ready.up(noc, a_x, a_y, 1);
        data.down(1);
        cb.push_back(1);
    }
    noc.async_write_barrier();
    noc.async_atomic_barrier();
}
"""


@pytest.mark.parametrize("cores", [((0, 0), (1, 0)), ((3, 2), (0, 1))])
def test_two_core_unicast_handshake(dev, cores):
    a, b = cores
    n = 7
    data = bf16_tiles(n, 2)
    src = dev.dram_buffer(n * TILE, TILE)
    dst = dev.dram_buffer(n * TILE, TILE)
    ax, ay = dev.worker_core(a)
    bx, by = dev.worker_core(b)
    send = Kernel(SEND_A, on="riscv_0", cores=[a], compile_args=[TensorAccessorArgs(src)],
                  runtime_args=[src, n, bx, by])
    recv = Kernel(RECV_B, on="riscv_1", cores=[b], runtime_args=[n, ax, ay])
    write = Kernel(COPY_WRITER, on="riscv_0", cores=[b], compile_args=[TensorAccessorArgs(dst)],
                   runtime_args=[dst, n])
    prog = Program([a, b], [send, recv, write], cbs=[CircularBuffer(0, "float16_b", TILE, 2)],
                   semaphores=[Semaphore(0), Semaphore(0), Semaphore(0)])
    src.write(data)
    dst.write(np.zeros_like(data))
    dev.queue.enqueue(prog)
    assert (dst.read(np.uint16) == data).all()


# ---------------------------------------------------------------------------------------------------
# 3. multicast: one sender, a rectangle of receivers, the matmul-mcast handshake in Device 2.0 form
# ---------------------------------------------------------------------------------------------------

MCAST_SENDER = r"""
#include "experimental/noc.h"
#include "experimental/noc_semaphore.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);
    uint32_t x0 = get_arg_val<uint32_t>(2), y0 = get_arg_val<uint32_t>(3);
    uint32_t x1 = get_arg_val<uint32_t>(4), y1 = get_arg_val<uint32_t>(5);
    uint32_t num_dests = get_arg_val<uint32_t>(6);
    const auto in = TensorAccessor(TensorAccessorArgs<0>(), src_addr);

    experimental::Noc noc;
    experimental::CircularBuffer cb(0);
    experimental::Semaphore<> sender_sem(0), receiver_sem(1);
    const uint32_t bytes = cb.get_tile_size();

    for (uint32_t t = 0; t < n_tiles; t++) {
        noc.async_read(in, cb, bytes, {.page_id = t}, {});
        noc.async_read_barrier();
        sender_sem.wait(num_dests);      // every receiver is ready for the tile
        sender_sem.set(0);
        noc.async_write_multicast(cb, cb, bytes, num_dests, {},
                                  {.noc_x_start = x0, .noc_y_start = y0, .noc_x_end = x1, .noc_y_end = y1,
                                   .offset_bytes = 0});
        noc.async_writes_flushed();
        receiver_sem.set(VALID);
        receiver_sem.set_multicast(noc, x0, y0, x1, y1, num_dests);
    }
    noc.async_write_barrier();
}
"""

MCAST_RECEIVER = r"""
#include "experimental/noc.h"
#include "experimental/noc_semaphore.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t n_tiles = get_arg_val<uint32_t>(1);
    uint32_t sx = get_arg_val<uint32_t>(2), sy = get_arg_val<uint32_t>(3);
    uint32_t my_index = get_arg_val<uint32_t>(4), n_receivers = get_arg_val<uint32_t>(5);
    const auto out = TensorAccessor(TensorAccessorArgs<0>(), dst_addr);

    experimental::Noc noc;
    experimental::CircularBuffer cb(0);
    experimental::Semaphore<> sender_sem(0), receiver_sem(1);

    for (uint32_t t = 0; t < n_tiles; t++) {
        receiver_sem.set(INVALID);
        sender_sem.up(noc, sx, sy, 1);
        receiver_sem.wait(VALID);
        noc.async_write(cb, out, cb.get_tile_size(), {}, {.page_id = t * n_receivers + my_index});
        noc.async_write_barrier();        // the CB may be overwritten once the sender hears from us again
    }
    noc.async_atomic_barrier();
}
"""


def test_multicast_exclude_src(dev):
    sender = (0, 0)
    rect = [(1, 0), (2, 0), (1, 1), (2, 1)]
    n = 3
    data = bf16_tiles(n, 3)
    src = dev.dram_buffer(n * TILE, TILE)
    dst = dev.dram_buffer(n * len(rect) * TILE, TILE)
    (x0, y0), (x1, y1) = dev.worker_core((1, 0)), dev.worker_core((2, 1))
    sx, sy = dev.worker_core(sender)
    send = Kernel(MCAST_SENDER, on="riscv_0", cores=[sender], compile_args=[TensorAccessorArgs(src)],
                  runtime_args=[src, n, x0, y0, x1, y1, len(rect)])
    recv = Kernel(MCAST_RECEIVER, on="riscv_1", cores=rect, compile_args=[TensorAccessorArgs(dst)],
                  runtime_args={c: [dst, n, sx, sy, i, len(rect)] for i, c in enumerate(rect)})
    prog = Program([sender, *rect], [send, recv], cbs=[CircularBuffer(0, "float16_b", TILE, 1)],
                   semaphores=[Semaphore(0), Semaphore(0)])
    src.write(data)
    dst.write(np.zeros(n * len(rect) * TILE // 2, np.uint16))
    dev.queue.enqueue(prog)
    out = dst.read(np.uint16).reshape(n, len(rect), TILE // 2)
    for t in range(n):
        for i in range(len(rect)):
            assert (out[t, i] == data.reshape(n, -1)[t]).all(), (t, rect[i])


def test_multicast_wrong_num_dests_is_reported(dev):
    sender = (0, 0)
    rect = [(1, 0), (2, 0)]
    src = dev.dram_buffer(TILE, TILE)
    dst = dev.dram_buffer(2 * TILE, TILE)
    (x0, y0), (x1, y1) = dev.worker_core(rect[0]), dev.worker_core(rect[1])
    sx, sy = dev.worker_core(sender)
    # the sender waits for 2 receivers but claims 3 destinations in the multicast
    send = Kernel(MCAST_SENDER.replace("noc.async_write_multicast(cb, cb, bytes, num_dests,",
                                       "noc.async_write_multicast(cb, cb, bytes, num_dests + 1,"),
                  on="riscv_0", cores=[sender], compile_args=[TensorAccessorArgs(src)],
                  runtime_args=[src, 1, x0, y0, x1, y1, 2])
    recv = Kernel(MCAST_RECEIVER, on="riscv_1", cores=rect, compile_args=[TensorAccessorArgs(dst)],
                  runtime_args={c: [dst, 1, sx, sy, i, 2] for i, c in enumerate(rect)})
    prog = Program([sender, *rect], [send, recv], cbs=[CircularBuffer(0, "float16_b", TILE, 1)],
                   semaphores=[Semaphore(0), Semaphore(0)])
    with pytest.raises(DeviceError, match="num_dests"):
        dev.queue.enqueue(prog)


# INCLUDE_SRC: the sender sits inside the rectangle, multicasts from a CoreLocalMem to a
# MulticastEndpoint (an L1 buffer at the same address on every core) and is written itself; the
# "go" signal is inc_multicast<INCLUDE_SRC>, which the sender must receive too.
MCAST_LOOPBACK_SENDER = r"""
#include "experimental/noc.h"
#include "experimental/noc_semaphore.h"
#include "experimental/core_local_mem.h"
#include "experimental/endpoints.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t dst_addr = get_arg_val<uint32_t>(1);
    uint32_t staging = get_arg_val<uint32_t>(2);
    uint32_t landing = get_arg_val<uint32_t>(3);
    uint32_t x0 = get_arg_val<uint32_t>(4), y0 = get_arg_val<uint32_t>(5);
    uint32_t x1 = get_arg_val<uint32_t>(6), y1 = get_arg_val<uint32_t>(7);
    uint32_t num_dests = get_arg_val<uint32_t>(8);     // counts the sender
    uint32_t my_index = get_arg_val<uint32_t>(9);
    constexpr auto in_args = TensorAccessorArgs<0>();
    const auto in = TensorAccessor(in_args, src_addr);
    const auto out = TensorAccessor(TensorAccessorArgs<in_args.next_compile_time_args_offset()>(), dst_addr);

    experimental::Noc noc;
    experimental::CoreLocalMem<uint16_t> stage(staging), land(landing);
    experimental::MulticastEndpoint everyone;
    experimental::Semaphore<> ready(0), go(1);
    const uint32_t bytes = 2048;

    noc.async_read(in, stage, bytes, {.page_id = 0}, {});
    noc.async_read_barrier();
    ready.wait(num_dests - 1);
    noc.async_write_multicast<experimental::McastMode::INCLUDE_SRC>(
        stage, everyone, bytes, num_dests, {},
        {.noc_x_start = x0, .noc_y_start = y0, .noc_x_end = x1, .noc_y_end = y1, .addr = land.get_address()});
    noc.async_write_barrier();
    go.inc_multicast<experimental::McastMode::INCLUDE_SRC>(noc, x0, y0, x1, y1, 5, num_dests);
    noc.async_atomic_barrier();
    go.wait(5);
    noc.async_write(land, out, bytes, {}, {.page_id = my_index});
    noc.async_write_barrier();
}
"""

MCAST_LOOPBACK_RECEIVER = r"""
#include "experimental/noc.h"
#include "experimental/noc_semaphore.h"
#include "experimental/core_local_mem.h"

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t landing = get_arg_val<uint32_t>(1);
    uint32_t sx = get_arg_val<uint32_t>(2), sy = get_arg_val<uint32_t>(3);
    uint32_t my_index = get_arg_val<uint32_t>(4);
    const auto out = TensorAccessor(TensorAccessorArgs<0>(), dst_addr);

    experimental::Noc noc;
    experimental::CoreLocalMem<uint16_t> land(landing);
    experimental::Semaphore<> ready(0), go(1);

    ready.up(noc, sx, sy, 1);
    noc.async_atomic_barrier();
    go.wait(5);
    noc.async_write(land, out, 2048, {}, {.page_id = my_index});
    noc.async_write_barrier();
}
"""


def test_multicast_include_src_to_multicast_endpoint(dev):
    rect = [(1, 1), (2, 1), (1, 2), (2, 2)]
    sender = (2, 2)   # inside the rectangle, and not its start corner
    others = [c for c in rect if c != sender]
    data = bf16_tiles(1, 4)
    src = dev.dram_buffer(TILE, TILE)
    dst = dev.dram_buffer(len(rect) * TILE, TILE)
    staging = dev.l1_buffer(TILE, cores=[sender])
    landing = dev.l1_buffer(TILE, cores=rect)
    (x0, y0), (x1, y1) = dev.worker_core(rect[0]), dev.worker_core(rect[-1])
    sx, sy = dev.worker_core(sender)
    send = Kernel(MCAST_LOOPBACK_SENDER, on="riscv_0", cores=[sender],
                  compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)],
                  runtime_args=[src, dst, staging, landing, x1, y1, x0, y0, len(rect), rect.index(sender)])
    recv = Kernel(MCAST_LOOPBACK_RECEIVER, on="riscv_1", cores=others, compile_args=[TensorAccessorArgs(dst)],
                  runtime_args={c: [dst, landing, sx, sy, rect.index(c)] for c in others})
    prog = Program(rect, [send, recv], semaphores=[Semaphore(0), Semaphore(0)])
    src.write(data)
    dst.write(np.zeros(len(rect) * TILE // 2, np.uint16))
    landing.write(np.full(TILE // 2, 0xDEAD, np.uint16))
    dev.queue.enqueue(prog)
    out = dst.read(np.uint16).reshape(len(rect), -1)
    for i, c in enumerate(rect):
        assert (out[i] == data).all(), c


# ---------------------------------------------------------------------------------------------------
# 4. one core: CoreLocalMem, AllocatorBank, the stateful forms, Noc locality, typed args, DataflowBuffer
# ---------------------------------------------------------------------------------------------------

LOCAL_KERNEL = r"""
#include "experimental/noc.h"
#include "experimental/core_local_mem.h"
#include "experimental/endpoints.h"
#include "experimental/kernel_args.h"
#include "experimental/dataflow_buffer.h"
#include "experimental/noc_semaphore.h"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t dst_addr = get_arg_val<uint32_t>(1);
    uint32_t scratch_addr = get_arg_val<uint32_t>(2);
    uint32_t n_pages = get_arg_val<uint32_t>(3);
    uint32_t me_x = get_arg_val<uint32_t>(4), me_y = get_arg_val<uint32_t>(5);
    constexpr uint32_t PAGE = 64;
    constexpr auto src_args = TensorAccessorArgs<0>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto out = TensorAccessor(dst_args, dst_addr);

    experimental::Noc noc;
    experimental::CoreLocalMem<uint32_t> words(scratch_addr);          // 16 words = one page
    experimental::CoreLocalMem<uint32_t> staging = words + 16;        // the next page
    experimental::AllocatorBank<experimental::AllocatorBankType::DRAM> dram;
    experimental::UnicastEndpoint me;

    // out page 0: values stored through operator[], *, pointer arithmetic and as<>()
    for (uint32_t j = 0; j < 16; j++) words[j] = 3 * j + 1;
    *(words + 2) = 777;
    auto p = words;
    ++p;
    p += 2;
    *p = 999;                                      // word 3
    words.as<uint16_t>()[9] = 0xBEEF;              // high half of word 4
    noc.async_write(words, out, PAGE, {}, {.page_id = 0});
    noc.async_write_barrier();

    // out pages 1..n: source page i read by bank id and address (interleaved layout), via staging
    for (uint32_t i = 0; i < n_pages; i++) {
        uint32_t bank = i % NUM_DRAM_BANKS;
        uint32_t addr = src_addr + (i / NUM_DRAM_BANKS) * src_args.AlignedPageSize;
        noc.async_read(dram, staging, PAGE, {.bank_id = bank, .addr = addr}, {});
        noc.async_read_barrier();
        noc.async_write(staging, out, PAGE, {}, {.page_id = 1 + i});
        noc.async_write_barrier();
    }

    // out page n+1: source page NUM_DRAM_BANKS (bank 0) with the stateful read; written back
    // through a loop-back UnicastEndpoint with the stateful write, at offset 16 of the page
    noc.set_async_read_state(dram, PAGE, {.bank_id = 0, .addr = src_addr});
    noc.async_read_with_state(dram, staging, PAGE, {.bank_id = 0, .addr = src_addr + src_args.AlignedPageSize}, {});
    noc.async_read_barrier();
    experimental::CoreLocalMem<uint8_t> spare(scratch_addr + 2 * PAGE);
    for (uint32_t j = 0; j < 2 * PAGE; j++) spare[j] = 0;
    noc.set_async_write_state(me, PAGE, {.noc_x = me_x, .noc_y = me_y, .addr = spare.get_address()});
    noc.async_write_with_state(staging, me, PAGE - 16, {.offset_bytes = 0},
                               {.noc_x = me_x, .noc_y = me_y, .addr = spare.get_address() + 16});
    noc.async_write_barrier();
    noc.async_write(spare, out, PAGE, {}, {.page_id = 1 + n_pages});
    noc.async_write_barrier();

    // out page n+2: facts the kernel can see
    experimental::CircularBuffer cb(0);
    experimental::DataflowBuffer dfb(experimental::DFBAccessor{0});
    experimental::Noc noc1(1);
    words[0] = noc.get_noc_id();
    words[1] = noc1.get_noc_id();
    words[2] = noc.is_local_bank(me_x, me_y);
    words[3] = noc.is_local_bank(me_x + 1, me_y);
    words[4] = noc.is_local_addr(get_noc_addr(me_x, me_y, scratch_addr));
    words[5] = noc.is_local_addr(out.get_noc_addr(0));
    words[6] = experimental::get_arg(experimental::RtaArg<uint32_t>{6 * 4});
    words[7] = experimental::get_arg(experimental::CrtaArg<uint32_t>{4});
    words[8] = experimental::get_arg(experimental::CtaVal<uint32_t>{41});
    words[9] = cb.get_tile_size();
    words[10] = uint32_t(cb.get_dataformat());
    words[11] = cb.pages_reservable_at_back(2) ? 1 : 0;
    words[12] = cb.pages_available_at_front(1) ? 1 : 0;
    dfb.reserve_back(1);
    dfb.push_back(1);
    words[13] = cb.pages_available_at_front(1) ? 1 : 0;
    words[14] = dfb.get_tile_size() == cb.get_tile_size() && dfb.get_write_ptr() == cb.get_write_ptr();
    experimental::Semaphore<> sem(3);
    sem.set(10);
    sem.up(5);
    sem.down(12);
    words[15] = sem.get_value() * 100 + sem.get_id();
    dfb.pop_front(1);
    dfb.finish();
    noc.async_write(words, out, PAGE, {}, {.page_id = 2 + n_pages});
    noc.async_write_barrier();
}
"""


def test_core_local_mem_banks_state_and_args(dev):
    n, page = 30, 64
    rng = np.random.default_rng(5)
    data = rng.integers(0, 2**32, n * page // 4, dtype=np.uint32)
    src = dev.dram_buffer(n * page, page)
    dst = dev.dram_buffer((n + 3) * page, page)
    scratch = dev.l1_buffer(4 * page, cores=[(2, 3)])
    mx, my = dev.worker_core((2, 3))
    k = Kernel(LOCAL_KERNEL, on="riscv_0", compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)],
               runtime_args=[src, dst, scratch, n, mx, my, 0xC0FFEE], common_runtime_args=[11, 0xABCD])
    prog = Program((2, 3), [k], cbs=[CircularBuffer(0, "float16_b", TILE, 2)], semaphores=[Semaphore(0)] * 4)
    src.write(data)
    dst.write(np.zeros((n + 3) * page // 4, np.uint32))
    dev.queue.enqueue(prog)
    out = dst.read(np.uint32).reshape(n + 3, page // 4)
    want0 = 3 * np.arange(16, dtype=np.uint32) + 1
    want0[2], want0[3] = 777, 999
    want0[4] = (want0[4] & 0xFFFF) | (0xBEEF << 16)
    assert (out[0] == want0).all()
    assert (out[1:n + 1] == data.reshape(n, -1)).all()
    nb = dev.arch.num_dram_banks
    want_state = np.zeros(16, np.uint32)
    want_state[4:] = data.reshape(n, -1)[nb][:12]
    assert (out[n + 1] == want_state).all()
    facts = out[n + 2]
    assert list(facts[:9]) == [0, 1, 1, 0, 1, 0, 0xC0FFEE, 0xABCD, 41]
    assert facts[9] == TILE and facts[10] == 5          # Float16_b
    assert list(facts[11:15]) == [1, 0, 1, 1]
    assert facts[15] == 3 * 100 + 3                     # 10 + 5 - 12, semaphore id 3


# ---------------------------------------------------------------------------------------------------
# 5. misuse is caught
# ---------------------------------------------------------------------------------------------------

def test_read_into_remote_destination_does_not_compile(dev):
    src = dev.dram_buffer(TILE, TILE)
    bad = r"""
#include "experimental/noc.h"
void kernel_main() {
    const auto acc = TensorAccessor(TensorAccessorArgs<0>(), get_arg_val<uint32_t>(0));
    experimental::Noc noc;
    noc.async_read(acc, acc, 2048, {.page_id = 0}, {.page_id = 1});
}
"""
    k = Kernel(bad, on="riscv_0", compile_args=[TensorAccessorArgs(src)], runtime_args=[src])
    with pytest.raises(CompileError, match="destination must be local memory"):
        dev.queue.enqueue(Program((0, 0), [k]))


def test_semaphore_down_waits_for_enough(dev):
    # down(3) after one up(2): the value never reaches 3, so the run must report a deadlock
    src = r"""
#include "experimental/noc_semaphore.h"
void kernel_main() {
    experimental::Semaphore<> s(0);
    s.up(2);
    s.down(3);
}
"""
    k = Kernel(src, on="riscv_0")
    with pytest.raises(DeviceError, match="(?i)deadlock"):
        dev.queue.enqueue(Program((0, 0), [k], semaphores=[Semaphore(0)]))
