// multicast, receiver cores / RISCV_1: reserve CB 0, tell the sender we are ready, wait for the tile.
// Runtime args: sender NoC x, sender NoC y. Semaphores: 0 = "ready" (sender), 1 = "valid" (ours).
#include "hostdevcommon/common_values.hpp"

constexpr uint32_t cb_id = 0;

void kernel_main() {
    uint32_t sx = get_arg_val<uint32_t>(0);
    uint32_t sy = get_arg_val<uint32_t>(1);
    volatile uint32_t* valid = (volatile uint32_t*)get_semaphore(1);

    noc_semaphore_set(valid, INVALID);
    cb_reserve_back(cb_id, 1);
    noc_semaphore_inc(get_noc_addr(sx, sy, get_semaphore(0)), 1);
    noc_async_atomic_barrier();
    noc_semaphore_wait(valid, VALID);       // the tile arrived before the flag (same NoC, in order)
    cb_push_back(cb_id, 1);
}
