// multi-core matmul (compute): for each of this core's output tiles, accumulate Kt products
// A[m, k] @ B[k, n] in DST tile 0 and pack the result to CB 16.
// Runtime args: number of output tiles, Kt. CBs: 0 = A tiles, 1 = B tiles, 16 = C.
#include "api/compute/common.h"
#include "api/compute/matmul.h"

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    uint32_t Kt = get_arg_val<uint32_t>(1);
    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    mm_init(cb_in0, cb_in1, cb_out);
    for (uint32_t t = 0; t < num_tiles; t++) {
        tile_regs_acquire();
        for (uint32_t k = 0; k < Kt; k++) {
            cb_wait_front(cb_in0, 1);
            cb_wait_front(cb_in1, 1);
            matmul_tiles(cb_in0, cb_in1, 0, 0, 0);
            cb_pop_front(cb_in0, 1);
            cb_pop_front(cb_in1, 1);
        }
        tile_regs_commit();
        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
}
