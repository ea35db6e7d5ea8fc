// single-core matmul (compute): C[m, n] = sum_k A[m, k] @ B[k, n] for all Mt x Nt output tiles.
// matmul_tiles accumulates the Kt products in DST tile 0, then the tile is packed to CB 16.
// Compile-time args: Mt, Kt, Nt. CBs: 0 = A tiles, 1 = B tiles (one pair per k), 16 = C.
#include "api/compute/common.h"
#include "api/compute/matmul.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr uint32_t Mt = get_compile_time_arg_val(0);
    constexpr uint32_t Kt = get_compile_time_arg_val(1);
    constexpr uint32_t Nt = get_compile_time_arg_val(2);
    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    mm_init(cb_in0, cb_in1, cb_out);
    for (uint32_t m = 0; m < Mt; m++) {
        for (uint32_t n = 0; n < Nt; n++) {
            tile_regs_acquire();                       // DST starts at zero
            for (uint32_t k = 0; k < Kt; k++) {
                cb_wait_front(cb_in0, 1);
                cb_wait_front(cb_in1, 1);
                matmul_tiles(cb_in0, cb_in1, 0, 0, 0);  // DST[0] += A[m, k] @ B[k, n]
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
}
