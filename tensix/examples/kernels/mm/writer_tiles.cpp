// matmul, writer (RISCV_0): CB 16 -> output tiles start .. start+num-1 (row-major tile ids), one at a time.
// Compile-time args: TensorAccessorArgs of the output. Runtime args: output address, first tile id, number of tiles.
constexpr uint32_t cb_out = tt::CBIndex::c_16;

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t start = get_arg_val<uint32_t>(1);
    uint32_t num = get_arg_val<uint32_t>(2);

    constexpr auto dst_args = TensorAccessorArgs<0>();
    const auto dst = TensorAccessor(dst_args, dst_addr, get_tile_size(cb_out));

    for (uint32_t t = start; t < start + num; t++) {
        cb_wait_front(cb_out, 1);
        noc_async_write_tile(t, dst, get_read_ptr(cb_out));
        noc_async_write_barrier();
        cb_pop_front(cb_out, 1);
    }
}
