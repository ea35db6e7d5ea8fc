// loopback (InterleavedAddrGenFast variant), writer half: circular buffer 0 -> DRAM tiles.
// Runtime args: dst address, number of tiles.
constexpr uint32_t cb_id = 0;

void kernel_main() {
    uint32_t dst_addr = get_arg_val<uint32_t>(0);
    uint32_t num_tiles = get_arg_val<uint32_t>(1);

    const uint32_t tile_bytes = get_tile_size(cb_id);
    const InterleavedAddrGenFast<true> dst{
        .bank_base_address = dst_addr, .page_size = tile_bytes, .data_format = DataFormat::Float16_b};

    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_wait_front(cb_id, 1);
        noc_async_write_tile(i, dst, get_read_ptr(cb_id));
        noc_async_write_barrier();
        cb_pop_front(cb_id, 1);
    }
}
