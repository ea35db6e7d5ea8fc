// softplus reader (RISCV_1): first builds a tile of bf16 ones in its CB by storing the raw bf16 bit
// pattern of 1.0 (0x3F80) into all TILE_HW uint16 words of L1 -- a tile of identical values needs no
// tilizing -- then streams the input tiles into the input CB.
// Compile-time args: input CB, ones CB, TensorAccessorArgs of the input.
// Runtime args: input address, number of tiles.
#include "tt-metalium/constants.hpp"

void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t num_tiles = get_arg_val<uint32_t>(1);

    constexpr uint32_t cb_in = get_compile_time_arg_val(0);
    constexpr uint32_t cb_ones = get_compile_time_arg_val(1);
    constexpr auto src_args = TensorAccessorArgs<2>();
    const auto src = TensorAccessor(src_args, src_addr, get_tile_size(cb_in));

    constexpr uint16_t bf16_one = 0x3F80;
    cb_reserve_back(cb_ones, 1);
    volatile tt_l1_ptr uint16_t* ones = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(get_write_ptr(cb_ones));
    for (uint32_t i = 0; i < tt::constants::TILE_HW; i++) ones[i] = bf16_one;
    cb_push_back(cb_ones, 1);

    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_reserve_back(cb_in, 1);
        noc_async_read_tile(i, src, get_write_ptr(cb_in));
        noc_async_read_barrier();
        cb_push_back(cb_in, 1);
    }
}
