// block matmul, reader (RISCV_1): for each of the num_blocks K blocks, the in0 block (per_core_M rows x
// in0_block_w tiles of A) -> CB 0 and the in1 block (in0_block_w rows x per_core_N tiles of B) -> CB 1,
// both row-major within the block.
// Compile-time args: per_core_M, per_core_N, in0_block_w, num_blocks, Kt, Nt, TensorAccessorArgs of A,
// then of B. Runtime args: A address, B address, first tile row of the block (m0), first tile column (n0).
constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
constexpr uint32_t cb_in1 = tt::CBIndex::c_1;

void kernel_main() {
    constexpr uint32_t per_core_M = get_compile_time_arg_val(0);
    constexpr uint32_t per_core_N = get_compile_time_arg_val(1);
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(2);
    constexpr uint32_t num_blocks = get_compile_time_arg_val(3);
    constexpr uint32_t Kt = get_compile_time_arg_val(4);
    constexpr uint32_t Nt = get_compile_time_arg_val(5);
    constexpr auto a_args = TensorAccessorArgs<6>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const uint32_t in0_tile_bytes = get_tile_size(cb_in0), in1_tile_bytes = get_tile_size(cb_in1);
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(0), in0_tile_bytes);
    const auto b = TensorAccessor(b_args, get_arg_val<uint32_t>(1), in1_tile_bytes);
    const uint32_t m0 = get_arg_val<uint32_t>(2), n0 = get_arg_val<uint32_t>(3);

    for (uint32_t block = 0; block < num_blocks; block++) {
        const uint32_t k0 = block * in0_block_w;
        cb_reserve_back(cb_in0, per_core_M * in0_block_w);
        uint32_t l1 = get_write_ptr(cb_in0);
        for (uint32_t h = 0; h < per_core_M; h++)
            for (uint32_t k = 0; k < in0_block_w; k++, l1 += in0_tile_bytes)
                noc_async_read_tile((m0 + h) * Kt + k0 + k, a, l1);

        cb_reserve_back(cb_in1, in0_block_w * per_core_N);
        l1 = get_write_ptr(cb_in1);
        for (uint32_t k = 0; k < in0_block_w; k++)
            for (uint32_t w = 0; w < per_core_N; w++, l1 += in1_tile_bytes)
                noc_async_read_tile((k0 + k) * Nt + n0 + w, b, l1);

        noc_async_read_barrier();
        cb_push_back(cb_in0, per_core_M * in0_block_w);
        cb_push_back(cb_in1, in0_block_w * per_core_N);
    }
}
