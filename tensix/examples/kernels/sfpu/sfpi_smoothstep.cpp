// custom SFPI smoothstep (compute), today's form: the face function comes from tt-metal's
// experimental/llk_sfpu/ckernel_sfpu_smoothstep.h (t = clamp((x - edge0) / (edge1 - edge0), 0, 1),
// then t^2 (3 - 2t), with sfpi::clamp) and is dispatched with the SFPU_UNARY_CALL macros of
// llk_math_eltwise_unary_sfpu_macros.h, once per face. sfpi_smoothstep_legacy.cpp is the baseline form
// (v_if / v_elseif written in the kernel). The edges and 1 / (edge1 - edge0) arrive as fp32 bit patterns.
// CBs: 0 = x, 16 = out. Runtime args: number of tiles, edge0 bits, edge1 bits, 1 / (edge1 - edge0) bits.
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "llk_math_eltwise_unary_sfpu_macros.h"
#include "experimental/llk_sfpu/ckernel_sfpu_smoothstep.h"

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    float edge0 = __builtin_bit_cast(float, get_arg_val<uint32_t>(1));
    float edge1 = __builtin_bit_cast(float, get_arg_val<uint32_t>(2));
    float inv_width = __builtin_bit_cast(float, get_arg_val<uint32_t>(3));
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(cb_in, cb_out);
    copy_init(cb_in);
    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_wait_front(cb_in, 1);
        tile_regs_acquire();
        copy_tile(cb_in, 0, 0);
        MATH(SFPU_UNARY_CALL_NO_TEMPLATE_ARGS(DST_SYNC_MODE, DST_ACCUM_MODE, smoothstep_tile_face, 0, VectorMode::RC,
                                              edge0, edge1, inv_width));
        tile_regs_commit();
        cb_pop_front(cb_in, 1);

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
}
