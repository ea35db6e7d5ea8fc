// loopback (InterleavedAddrGenFast variant), reader half: DRAM tiles -> circular buffer 0.
// Runtime args: src address, number of tiles.
constexpr uint32_t cb_id = 0;

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t num_tiles = get_arg_val<uint32_t>(1);

    const uint32_t tile_bytes = get_tile_size(cb_id);
    const InterleavedAddrGenFast<true> src{
        .bank_base_address = src_addr, .page_size = tile_bytes, .data_format = DataFormat::Float16_b};

    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_reserve_back(cb_id, 1);
        noc_async_read_tile(i, src, get_write_ptr(cb_id));
        noc_async_read_barrier();
        cb_push_back(cb_id, 1);
    }
}
