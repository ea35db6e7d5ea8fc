// multicast, receiver cores / RISCV_0: write the received tile to this core's page of the output.
// Compile-time args: TensorAccessorArgs of the output. Runtime args: output address, page index.
constexpr uint32_t cb_id = 0;

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t page = get_arg_val<uint32_t>(1);
    constexpr auto dst_args = TensorAccessorArgs<0>();
    const auto dst = TensorAccessor(dst_args, dst_addr, get_tile_size(cb_id));

    cb_wait_front(cb_id, 1);
    noc_async_write_tile(page, dst, get_read_ptr(cb_id));
    noc_async_write_barrier();
    cb_pop_front(cb_id, 1);
}
