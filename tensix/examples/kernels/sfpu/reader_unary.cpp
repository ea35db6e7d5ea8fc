// unary reader (RISCV_1): tile i of the input -> CB 0, one tile at a time.
// Compile-time args: TensorAccessorArgs of the input. Runtime args: input address, number of tiles.
constexpr uint32_t cb_in = tt::CBIndex::c_0;

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t num_tiles = get_arg_val<uint32_t>(1);

    constexpr auto src_args = TensorAccessorArgs<0>();
    const auto src = TensorAccessor(src_args, src_addr, get_tile_size(cb_in));

    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_reserve_back(cb_in, 1);
        noc_async_read_tile(i, src, get_write_ptr(cb_in));
        noc_async_read_barrier();
        cb_push_back(cb_in, 1);
    }
}
