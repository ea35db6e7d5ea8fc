// noc_tile_transfer, core B / RISCV_0: write the tile in CB 1 to DRAM.
// Compile-time args: TensorAccessorArgs of the destination. Runtime args: dst address.
constexpr uint32_t cb_remote = 1;

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    constexpr auto dst_args = TensorAccessorArgs<0>();
    const auto dst = TensorAccessor(dst_args, dst_addr, get_tile_size(cb_remote));

    cb_wait_front(cb_remote, 1);
    DEVICE_PRINT("core ({}, {}) received a tile, first word {:#x}\n", get_absolute_logical_x(),
                 get_absolute_logical_y(), *(volatile uint32_t*)get_read_ptr(cb_remote));
    noc_async_write_tile(0, dst, get_read_ptr(cb_remote));
    noc_async_write_barrier();
    cb_pop_front(cb_remote, 1);
}
