// eltwise SFPU (compute), the baseline form (init_sfpu, deprecated in today's tt-metal, kept working);
// eltwise_exp.cpp is the current form. out[i] = exp(in[i]) for each tile. The FPU's datapath copies the tile from
// CB 0 into DST tile 0 (copy_tile), the SFPU applies exp in place, and the packer writes it to CB 16.
// math_approx_mode (a Kernel option, the APPROX macro here) picks exp's cheaper approximate variant.
// Runtime args: number of tiles.
#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/exp.h"

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    init_sfpu(cb_in, cb_out);
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
