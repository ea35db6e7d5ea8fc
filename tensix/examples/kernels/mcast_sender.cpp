// multicast, sender core / RISCV_0: read one tile from DRAM, wait until every receiver is ready, then
// multicast the tile into the receivers' CB 0 and flip their "valid" semaphore with one more multicast.
// Compile-time args: TensorAccessorArgs of the source.
// Runtime args: src address, receiver rectangle in NoC coordinates (x0, y0, x1, y1), number of receivers.
// Semaphores: 0 = "ready" counter on the sender, 1 = "valid" flag on each receiver.
#include "hostdevcommon/common_values.hpp"

constexpr uint32_t cb_id = 0;

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t x0 = get_arg_val<uint32_t>(1), y0 = get_arg_val<uint32_t>(2);
    uint32_t x1 = get_arg_val<uint32_t>(3), y1 = get_arg_val<uint32_t>(4);
    uint32_t num_dests = get_arg_val<uint32_t>(5);

    constexpr auto src_args = TensorAccessorArgs<0>();
    const uint32_t tile_bytes = get_tile_size(cb_id);
    const auto src = TensorAccessor(src_args, src_addr, tile_bytes);

    volatile uint32_t* ready = (volatile uint32_t*)get_semaphore(0);
    uint32_t valid_addr = get_semaphore(1);
    volatile uint32_t* valid = (volatile uint32_t*)valid_addr;

    cb_reserve_back(cb_id, 1);
    uint32_t l1 = get_write_ptr(cb_id);
    noc_async_read_tile(0, src, l1);
    noc_async_read_barrier();

    noc_semaphore_wait(ready, num_dests);   // every receiver has reserved its CB
    noc_semaphore_set(ready, 0);

    // the receivers' CB 0 is at the same address as ours
    noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), tile_bytes, num_dests);
#ifdef ARCH_BLACKHOLE
    noc_async_writes_flushed();
#endif
    *valid = VALID;                         // our copy of the flag is the source of the flag multicast
    noc_semaphore_set_multicast(valid_addr, get_noc_multicast_addr(x0, y0, x1, y1, valid_addr), num_dests);
    noc_async_write_barrier();
    DEVICE_PRINT("sent the tile to {} cores\n", num_dests);
}
