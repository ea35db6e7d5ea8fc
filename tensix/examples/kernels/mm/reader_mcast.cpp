// 2-D multicast block matmul, reader (RISCV_1): brings this core's in0 block (A rows of its grid row)
// into CB 0 and in1 block (B columns of its grid column) into CB 1, for each of the num_blocks K blocks.
//
// Defines select the role (one source, four kernels):
//   IN0_SENDER=1  left column: read the in0 block from DRAM and multicast it along the core's row;
//   IN0_SENDER=0  receive the in0 block from the left-column core of the row;
//   IN1_SENDER=1  top row: read the in1 block from DRAM and multicast it down the core's column;
//   IN1_SENDER=0  receive the in1 block from the top-row core of the column.
// Handshake per block and operand (semaphores, all INVALID = 0 at start):
//   receiver: reserve the CB, set its receiver semaphore INVALID, increment the sender's sender
//             semaphore, wait for its receiver semaphore to become VALID;
//   sender:   wait for the sender semaphore to reach num_dests (every receiver has reserved), reset it,
//             multicast the block into the receivers' CB (same address as ours), then multicast VALID
//             into their receiver semaphores.
// Receivers signal both operands before any wait, so no core waits on a core that waits on it.
//
// Compile-time args: per_core_M, per_core_N, in0_block_w, num_blocks, Kt, Nt, TensorAccessorArgs of A,
// then of B.
// Runtime args: A address, B address, m0, n0 (first tile row / column of this core's output block),
//   in0: x0, y0, x1, y1, num_dests (sender: the receivers' NoC rectangle; receiver: x0, y0 = sender),
//   in1: x0, y0, x1, y1, num_dests (likewise).
// Semaphores: 0 = in0 sender, 1 = in0 receiver, 2 = in1 sender, 3 = in1 receiver.
#include "hostdevcommon/common_values.hpp"

#ifndef IN0_SENDER
#error "define IN0_SENDER (0 or 1)"
#endif
#ifndef IN1_SENDER
#error "define IN1_SENDER (0 or 1)"
#endif

constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
constexpr uint32_t cb_in1 = tt::CBIndex::c_1;

struct Mcast {
    uint32_t x0, y0, x1, y1, num_dests;
    uint32_t sender_sem, receiver_sem;     // L1 addresses of the two semaphores (same on every core)
};

// sender side: once every receiver has reserved, multicast `bytes` at `l1`, then VALID
inline void send_block(const Mcast& m, uint32_t l1, uint32_t bytes) {
    volatile tt_l1_ptr uint32_t* sender = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(m.sender_sem);
    noc_semaphore_wait(sender, m.num_dests);
    noc_semaphore_set(sender, 0);
    noc_async_write_multicast(l1, get_noc_multicast_addr(m.x0, m.y0, m.x1, m.y1, l1), bytes, m.num_dests);
#ifdef ARCH_BLACKHOLE
    noc_async_writes_flushed();
#endif
    // our own receiver semaphore holds VALID: it is the source of the flag multicast
    noc_semaphore_set_multicast(m.receiver_sem, get_noc_multicast_addr(m.x0, m.y0, m.x1, m.y1, m.receiver_sem),
                                m.num_dests);
}

inline void signal_ready(const Mcast& m) {
    noc_semaphore_set(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(m.receiver_sem), INVALID);
    noc_semaphore_inc(get_noc_addr(m.x0, m.y0, m.sender_sem), 1);
}

inline void wait_valid(const Mcast& m) {
    noc_semaphore_wait(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(m.receiver_sem), VALID);
}

void kernel_main() {
    constexpr uint32_t per_core_M = get_compile_time_arg_val(0);
    constexpr uint32_t per_core_N = get_compile_time_arg_val(1);
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(2);
    constexpr uint32_t num_blocks = get_compile_time_arg_val(3);
    constexpr uint32_t Kt = get_compile_time_arg_val(4);
    constexpr uint32_t Nt = get_compile_time_arg_val(5);
    constexpr auto a_args = TensorAccessorArgs<6>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    constexpr uint32_t in0_block_tiles = per_core_M * in0_block_w;
    constexpr uint32_t in1_block_tiles = in0_block_w * per_core_N;

    const uint32_t in0_tile_bytes = get_tile_size(cb_in0), in1_tile_bytes = get_tile_size(cb_in1);
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(0), in0_tile_bytes);
    const auto b = TensorAccessor(b_args, get_arg_val<uint32_t>(1), in1_tile_bytes);
    const uint32_t m0 = get_arg_val<uint32_t>(2), n0 = get_arg_val<uint32_t>(3);
    const Mcast in0{get_arg_val<uint32_t>(4), get_arg_val<uint32_t>(5), get_arg_val<uint32_t>(6),
                    get_arg_val<uint32_t>(7), get_arg_val<uint32_t>(8), get_semaphore(0), get_semaphore(1)};
    const Mcast in1{get_arg_val<uint32_t>(9), get_arg_val<uint32_t>(10), get_arg_val<uint32_t>(11),
                    get_arg_val<uint32_t>(12), get_arg_val<uint32_t>(13), get_semaphore(2), get_semaphore(3)};

#if IN0_SENDER
    noc_semaphore_set(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in0.receiver_sem), VALID);
#endif
#if IN1_SENDER
    noc_semaphore_set(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(in1.receiver_sem), VALID);
#endif

    for (uint32_t block = 0; block < num_blocks; block++) {
        const uint32_t k0 = block * in0_block_w;
        cb_reserve_back(cb_in0, in0_block_tiles);
        cb_reserve_back(cb_in1, in1_block_tiles);
        const uint32_t in0_l1 = get_write_ptr(cb_in0), in1_l1 = get_write_ptr(cb_in1);
#if IN0_SENDER || IN1_SENDER
        noc_async_writes_flushed();    // an earlier multicast may still be reading these pages
#endif

#if !IN0_SENDER
        signal_ready(in0);
#endif
#if !IN1_SENDER
        signal_ready(in1);
#endif
#if IN0_SENDER
        uint32_t l1 = in0_l1;
        for (uint32_t h = 0; h < per_core_M; h++)
            for (uint32_t k = 0; k < in0_block_w; k++, l1 += in0_tile_bytes)
                noc_async_read_tile((m0 + h) * Kt + k0 + k, a, l1);
#endif
#if IN1_SENDER
        uint32_t l1b = in1_l1;
        for (uint32_t k = 0; k < in0_block_w; k++)
            for (uint32_t w = 0; w < per_core_N; w++, l1b += in1_tile_bytes)
                noc_async_read_tile((k0 + k) * Nt + n0 + w, b, l1b);
#endif
#if IN0_SENDER || IN1_SENDER
        noc_async_read_barrier();
#endif
#if IN0_SENDER
        send_block(in0, in0_l1, in0_block_tiles * in0_tile_bytes);
#endif
#if IN1_SENDER
        send_block(in1, in1_l1, in1_block_tiles * in1_tile_bytes);
#endif
#if !IN0_SENDER
        wait_valid(in0);
#endif
#if !IN1_SENDER
        wait_valid(in1);
#endif
        cb_push_back(cb_in0, in0_block_tiles);
        cb_push_back(cb_in1, in1_block_tiles);
    }
    noc_async_write_barrier();
}
