// noc_tile_transfer, core A / RISCV_0: push the tile in CB 0 into core B's CB 1 over the NoC.
// Handshake: B raises A's "ready" semaphore once it has reserved space in CB 1; A writes the tile,
// waits for the write to land, then increments B's "data" semaphore.
// Runtime args: B's NoC x, B's NoC y. Semaphores: 0 = ready (on A), 1 = data (on B).
constexpr uint32_t cb_in = 0;
constexpr uint32_t cb_remote = 1;

void kernel_main() {
    uint32_t b_x = get_arg_val<uint32_t>(0);
    uint32_t b_y = get_arg_val<uint32_t>(1);
    volatile uint32_t* ready = (volatile uint32_t*)get_semaphore(0);
    uint32_t data_sem = get_semaphore(1);
    const uint32_t tile_bytes = get_tile_size(cb_in);

    cb_wait_front(cb_in, 1);
    noc_semaphore_wait(ready, 1);           // B has room in CB 1
    noc_semaphore_set(ready, 0);

    // CBs sit at the same L1 address on every core of the program: B's CB 1 write pointer is ours
    uint64_t dst = get_noc_addr(b_x, b_y, get_write_ptr(cb_remote));
    noc_async_write(get_read_ptr(cb_in), dst, tile_bytes);
    noc_async_write_barrier();

    noc_semaphore_inc(get_noc_addr(b_x, b_y, data_sem), 1);
    noc_async_atomic_barrier();
    cb_pop_front(cb_in, 1);
}
