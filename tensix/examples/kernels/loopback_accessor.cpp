// loopback (TensorAccessor variant): copy num_tiles pages DRAM -> L1 -> DRAM, one page at a time.
// Compile-time args: TensorAccessorArgs of the source, then of the destination.
// Runtime args: src address, dst address, L1 staging address, number of pages.
void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t dst_addr = get_arg_val<uint32_t>(1);
    uint32_t l1_addr = get_arg_val<uint32_t>(2);
    uint32_t num_tiles = get_arg_val<uint32_t>(3);

    constexpr auto src_args = TensorAccessorArgs<0>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    const auto src = TensorAccessor(src_args, src_addr);
    const auto dst = TensorAccessor(dst_args, dst_addr);

    for (uint32_t i = 0; i < num_tiles; i++) {
        noc_async_read_tile(i, src, l1_addr);
        noc_async_read_barrier();
        noc_async_write_tile(i, dst, l1_addr);
        noc_async_write_barrier();
    }
}
