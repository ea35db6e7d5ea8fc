// softplus chain (compute): out = log(exp(x) + 1), three SFPU ops on tiles held in DST.
// x goes to DST tile 0, the ones tile (pushed once by the reader, reused for every x tile) to DST
// tile 1; exp_tile(0), then the binary SFPU add DST[0] = DST[0] + DST[1], then log_tile(0).
// Each op needs its init before use, since they share the SFPU. CBs: 0 = x, 1 = ones, 16 = out.
// Runtime args: number of tiles.
#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/compute_kernel_api.h"      // log_tile

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_ones = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    init_sfpu(cb_in, cb_out);
    cb_wait_front(cb_ones, 1);                     // stays at the front for the whole run
    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_wait_front(cb_in, 1);
        tile_regs_acquire();
        copy_tile_init(cb_in);
        copy_tile(cb_in, 0, 0);                    // DST[0] = x
        copy_tile_init(cb_ones);
        copy_tile(cb_ones, 0, 1);                  // DST[1] = 1
        exp_tile_init();
        exp_tile(0);                               // DST[0] = exp(x)
        add_binary_tile_init();
        add_binary_tile(0, 1, 0);                  // DST[0] = exp(x) + 1
        log_tile_init();
        log_tile(0);                               // DST[0] = log(exp(x) + 1)
        tile_regs_commit();
        cb_pop_front(cb_in, 1);

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
    cb_pop_front(cb_ones, 1);
}
