// noc_tile_transfer, core A / RISCV_1: read one tile from DRAM into circular buffer 0.
// Compile-time args: TensorAccessorArgs of the source. Runtime args: src address.
constexpr uint32_t cb_in = 0;

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    constexpr auto src_args = TensorAccessorArgs<0>();
    const auto src = TensorAccessor(src_args, src_addr, get_tile_size(cb_in));

    cb_reserve_back(cb_in, 1);
    noc_async_read_tile(0, src, get_write_ptr(cb_in));
    noc_async_read_barrier();
    cb_push_back(cb_in, 1);
}
