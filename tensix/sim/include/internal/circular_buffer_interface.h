// tensix: internal/circular_buffer_interface.h (API-current §12.1): the firmware's CB state struct as
// kernels read it through get_local_cb_interface(cb). Fields in declaration order; in DM builds
// sizes and pointers are bytes and absolute L1 addresses, in compute (TRISC) builds 16-byte words
// (cb_addr_shift = 4). fifo_limit is the exclusive end. The struct is a snapshot of the simulated
// CB taken at each call: a kernel that stores into it does not move the CB's pointers.
#pragma once
#include <cstdint>
#include "tensix_abi.h"

#ifndef NUM_CIRCULAR_BUFFERS
#define NUM_CIRCULAR_BUFFERS 64
#endif
#ifdef COMPILE_FOR_TRISC
constexpr std::uint32_t cb_addr_shift = 4;   // CIRCULAR_BUFFER_COMPUTE_ADDR_SHIFT
#else
constexpr std::uint32_t cb_addr_shift = 0;
#endif
constexpr std::uint32_t CIRCULAR_BUFFER_COMPUTE_ADDR_SHIFT = 4;
constexpr std::uint32_t UINT32_WORDS_PER_LOCAL_CIRCULAR_BUFFER_CONFIG = 4;

struct LocalCBInterface {
    std::uint32_t fifo_size;
    std::uint32_t fifo_limit;
    std::uint32_t fifo_page_size;
    std::uint32_t fifo_num_pages;
    std::uint32_t fifo_rd_ptr;
    std::uint32_t fifo_wr_ptr;
    union {
        std::uint32_t tiles_acked_received_init;
        struct {
            std::uint16_t tiles_acked;
            std::uint16_t tiles_received;
        };
    };
    std::uint32_t fifo_wr_tile_ptr;
};
struct RemoteSenderCBInterface { std::uint32_t config_ptr, fifo_start_addr, fifo_wr_ptr, receiver_noc_xy_ptr, aligned_pages_sent_ptr, num_receivers, fifo_aligned_num_pages, fifo_limit_page_aligned; };
struct RemoteReceiverCBInterface { std::uint32_t config_ptr, fifo_start_addr, fifo_rd_ptr, sender_noc_x, sender_noc_y, aligned_pages_acked_ptr, fifo_aligned_num_pages, fifo_limit_page_aligned; };
union CBInterface {
    LocalCBInterface local_cb_interface;
    RemoteSenderCBInterface remote_sender_cb_interface;
    RemoteReceiverCBInterface remote_receiver_cb_interface;
};
inline CBInterface cb_interface[NUM_CIRCULAR_BUFFERS];

inline LocalCBInterface& get_local_cb_interface(std::uint32_t cb_id) {
    std::uint32_t w[8];
    tx_cb_state(std::int32_t(cb_id), w);
    LocalCBInterface& c = cb_interface[cb_id].local_cb_interface;
    c.fifo_size = w[1] >> cb_addr_shift;
    c.fifo_limit = (w[0] + w[1]) >> cb_addr_shift;
    c.fifo_page_size = w[2] >> cb_addr_shift;
    c.fifo_num_pages = w[3];
    c.fifo_rd_ptr = w[4] >> cb_addr_shift;
    c.fifo_wr_ptr = w[5] >> cb_addr_shift;
    c.tiles_acked_received_init = w[6];
    c.fifo_wr_tile_ptr = w[7];
    return c;
}
inline RemoteSenderCBInterface& get_remote_sender_cb_interface(std::uint32_t cb_id) {
    tx_fail("get_remote_sender_cb_interface(%u): remote circular buffers are not provided by tensix yet", cb_id);
}
inline RemoteReceiverCBInterface& get_remote_receiver_cb_interface(std::uint32_t cb_id) {
    tx_fail("get_remote_receiver_cb_interface(%u): remote circular buffers are not provided by tensix yet", cb_id);
}
inline bool cb_access_within_bounds(std::uint32_t cb, std::uint32_t start_tile, std::uint32_t n) {
    const LocalCBInterface& c = get_local_cb_interface(cb);
    return c.fifo_rd_ptr + (start_tile + n) * c.fifo_page_size <= c.fifo_limit;
}
