// block matmul, writer (RISCV_0): the per_core_M x per_core_N output block arrives in CB 16 as sub-blocks
// of out_subblock_h x out_subblock_w tiles (row-major sub-blocks, row-major tiles inside); each tile is
// written to its place in the Mt x Nt output.
// Compile-time args: per_core_M, per_core_N, out_subblock_h, out_subblock_w, Nt, TensorAccessorArgs of C.
// Runtime args: C address, first tile row of the block (m0), first tile column (n0).
constexpr uint32_t cb_out = tt::CBIndex::c_16;

void kernel_main() {
    constexpr uint32_t per_core_M = get_compile_time_arg_val(0);
    constexpr uint32_t per_core_N = get_compile_time_arg_val(1);
    constexpr uint32_t out_subblock_h = get_compile_time_arg_val(2);
    constexpr uint32_t out_subblock_w = get_compile_time_arg_val(3);
    constexpr uint32_t Nt = get_compile_time_arg_val(4);
    constexpr auto c_args = TensorAccessorArgs<5>();
    constexpr uint32_t subblock_tiles = out_subblock_h * out_subblock_w;
    const uint32_t tile_bytes = get_tile_size(cb_out);
    const auto c = TensorAccessor(c_args, get_arg_val<uint32_t>(0), tile_bytes);
    const uint32_t m0 = get_arg_val<uint32_t>(1), n0 = get_arg_val<uint32_t>(2);

    for (uint32_t sh = 0; sh < per_core_M / out_subblock_h; sh++) {
        for (uint32_t sw = 0; sw < per_core_N / out_subblock_w; sw++) {
            cb_wait_front(cb_out, subblock_tiles);
            uint32_t l1 = get_read_ptr(cb_out);
            for (uint32_t h = 0; h < out_subblock_h; h++) {
                uint32_t row = m0 + sh * out_subblock_h + h;
                for (uint32_t w = 0; w < out_subblock_w; w++, l1 += tile_bytes)
                    noc_async_write_tile(row * Nt + n0 + sw * out_subblock_w + w, c, l1);
            }
            noc_async_write_barrier();
            cb_pop_front(cb_out, subblock_tiles);
        }
    }
}
