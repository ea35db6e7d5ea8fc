// noc_tile_transfer, core B / RISCV_1: receive the tile from core A into CB 1.
// Runtime args: A's NoC x, A's NoC y. Semaphores: 0 = ready (on A), 1 = data (on B).
constexpr uint32_t cb_remote = 1;

void kernel_main() {
    uint32_t a_x = get_arg_val<uint32_t>(0);
    uint32_t a_y = get_arg_val<uint32_t>(1);
    uint32_t ready_sem = get_semaphore(0);
    volatile uint32_t* data = (volatile uint32_t*)get_semaphore(1);

    cb_reserve_back(cb_remote, 1);
    noc_semaphore_inc(get_noc_addr(a_x, a_y, ready_sem), 1);   // tell A: space reserved
    noc_async_atomic_barrier();

    noc_semaphore_wait(data, 1);            // A's tile has landed in our CB
    noc_semaphore_set(data, 0);
    cb_push_back(cb_remote, 1);
}
