// block matmul (compute) with in0/in1 block reuse and partial results spilled to L1.
//
// The core computes a per_core_M x per_core_N block of output tiles. K is walked in num_blocks blocks
// of in0_block_w tiles: CB 0 holds an in0 block (per_core_M x in0_block_w tiles, row-major) and CB 1 an
// in1 block (in0_block_w x per_core_N tiles, row-major). The output block is computed as sub-blocks of
// out_subblock_h x out_subblock_w tiles, each fitting in DST. After every K block but the last, a
// sub-block's partial sums are packed to CB 24 (intermediate); on the next K block they are copied back
// into DST (copy_tile) before more products are accumulated. After the last K block, the sub-block goes
// to CB 16 (output). CB 16 and CB 24 share one L1 region: when a sub-block is finished, its partials
// have just been reloaded from the very pages CB 16 now writes.
// Uses the legacy acquire_dst()/release_dst() pair.
//
// Compile-time args: in0_block_w, in0_num_subblocks, in0_block_num_tiles, in0_subblock_num_tiles,
// in1_num_subblocks, in1_block_num_tiles, in1_per_core_w, num_blocks, out_subblock_h, out_subblock_w,
// out_subblock_num_tiles.
#include "api/compute/common.h"
#include "api/compute/matmul.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(0);
    constexpr uint32_t in0_num_subblocks = get_compile_time_arg_val(1);
    constexpr uint32_t in0_block_num_tiles = get_compile_time_arg_val(2);
    constexpr uint32_t in0_subblock_num_tiles = get_compile_time_arg_val(3);
    constexpr uint32_t in1_num_subblocks = get_compile_time_arg_val(4);
    constexpr uint32_t in1_block_num_tiles = get_compile_time_arg_val(5);
    constexpr uint32_t in1_per_core_w = get_compile_time_arg_val(6);
    constexpr uint32_t num_blocks = get_compile_time_arg_val(7);
    constexpr uint32_t out_subblock_h = get_compile_time_arg_val(8);
    constexpr uint32_t out_subblock_w = get_compile_time_arg_val(9);
    constexpr uint32_t out_subblock_num_tiles = get_compile_time_arg_val(10);

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    constexpr uint32_t cb_partials = tt::CBIndex::c_24;

    mm_init(cb_in0, cb_in1, cb_out);
    for (uint32_t block = 0; block < num_blocks; block++) {
        const bool last = block == num_blocks - 1;
        cb_wait_front(cb_in0, in0_block_num_tiles);
        cb_wait_front(cb_in1, in1_block_num_tiles);

        uint32_t in0_subblock = 0;                                  // first in0 tile of the sub-block row
        for (uint32_t sh = 0; sh < in0_num_subblocks; sh++) {
            uint32_t in1_subblock = 0;                              // first in1 tile of the sub-block column
            for (uint32_t sw = 0; sw < in1_num_subblocks; sw++) {
                acquire_dst();
                if (block > 0) {                                    // reload the partial sums
                    copy_tile_to_dst_init_short(cb_partials);
                    cb_wait_front(cb_partials, out_subblock_num_tiles);
                    for (uint32_t i = 0; i < out_subblock_num_tiles; i++) copy_tile(cb_partials, i, i);
                    cb_pop_front(cb_partials, out_subblock_num_tiles);
                    mm_init_short(cb_in0, cb_in1);
                }
                uint32_t dst = 0;
                for (uint32_t h = 0; h < out_subblock_h; h++) {
                    for (uint32_t w = 0; w < out_subblock_w; w++) {
                        for (uint32_t k = 0; k < in0_block_w; k++) {
                            uint32_t in0_tile = in0_subblock + h * in0_block_w + k;
                            uint32_t in1_tile = in1_subblock + k * in1_per_core_w + w;
                            matmul_tiles(cb_in0, cb_in1, in0_tile, in1_tile, dst);
                        }
                        dst++;
                    }
                }
                const uint32_t cb = last ? cb_out : cb_partials;    // CB 16 and 24 share this space
                cb_reserve_back(cb, out_subblock_num_tiles);
                for (uint32_t i = 0; i < out_subblock_num_tiles; i++) pack_tile(i, cb);
                cb_push_back(cb, out_subblock_num_tiles);
                release_dst();
                in1_subblock += out_subblock_w;
            }
            in0_subblock += in0_subblock_num_tiles;
        }
        cb_pop_front(cb_in0, in0_block_num_tiles);
        cb_pop_front(cb_in1, in1_block_num_tiles);
    }
}
