// eltwise SFPU (compute), today's form: out[i] = exp(in[i]) for each tile. compute_kernel_hw_startup
// once, then copy_init, the init of eltwise-unary / SFPU kernels (tt-metal PR #49924); the FPU's
// datapath copies the tile from CB 0 into DST tile 0, the SFPU applies exp in place, the packer writes
// it to CB 16. math_approx_mode (the APPROX macro) picks exp's approximate variant.
// eltwise_exp_legacy.cpp is the baseline form (init_sfpu). Runtime args: number of tiles.
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/exp.h"

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(cb_in, cb_out);
    copy_init(cb_in);
    exp_tile_init();
    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_wait_front(cb_in, 1);
        tile_regs_acquire();
        copy_tile(cb_in, 0, 0);        // CB 0, tile 0 -> DST tile 0
        exp_tile(0);                   // DST[0] = exp(DST[0]) on the SFPU
        tile_regs_commit();
        cb_pop_front(cb_in, 1);

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
}
