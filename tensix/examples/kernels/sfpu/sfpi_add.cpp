// custom SFPI add (compute): out = a + b, written directly in SFPI instead of calling add_binary_tile.
// a and b are copied into DST tiles 0 and 1; the binary llk wrapper calls add_face() once per 16x16
// face with the three DST tile indices, and the function walks the face's 8 dst_reg rows (32 lanes
// each). In this (tt-llk) form dst_reg is based at the current face of DST tile 0, so tile t's rows
// start at t * 32. CBs: 0 = a, 1 = b, 16 = out. Runtime args: number of tiles.
#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_binary.h"

#ifdef TRISC_MATH
constexpr uint32_t ROWS_PER_TILE = 32;   // 4 faces x 8 rows of 32 lanes
constexpr uint32_t ROWS_PER_FACE = 8;

void add_face(const uint32_t dst_a, const uint32_t dst_b, const uint32_t dst_out) {
    for (uint32_t row = 0; row < ROWS_PER_FACE; row++) {
        vFloat a = dst_reg[dst_a * ROWS_PER_TILE + row];
        vFloat b = dst_reg[dst_b * ROWS_PER_TILE + row];
        dst_reg[dst_out * ROWS_PER_TILE + row] = a + b;
    }
}
#endif

void sfpi_add_tiles(uint32_t dst_a, uint32_t dst_b, uint32_t dst_out) {
    MATH(_llk_math_eltwise_binary_sfpu_params_<false>(add_face, dst_a, dst_b, dst_out));
}

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_a = tt::CBIndex::c_0;
    constexpr uint32_t cb_b = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    init_sfpu(cb_a, cb_out);
    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_wait_front(cb_a, 1);
        cb_wait_front(cb_b, 1);
        tile_regs_acquire();
        copy_tile_init(cb_a);
        copy_tile(cb_a, 0, 0);          // DST[0] = a
        copy_tile_init(cb_b);
        copy_tile(cb_b, 0, 1);          // DST[1] = b
        sfpi_add_tiles(0, 1, 0);        // DST[0] = DST[0] + DST[1]
        tile_regs_commit();
        cb_pop_front(cb_a, 1);
        cb_pop_front(cb_b, 1);

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
}
