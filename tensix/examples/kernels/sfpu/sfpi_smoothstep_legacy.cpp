// custom SFPI smoothstep (compute), the baseline form: the face function written in the kernel and called
// through _llk_math_eltwise_unary_sfpu_params_; sfpi_smoothstep.cpp is the current form. out = smoothstep(edge0, edge1, x) per element,
//     0 where x < edge0, 1 where x > edge1, else t^2 (3 - 2t) with t = (x - edge0) / (edge1 - edge0),
// written in SFPI with per-lane predication (v_if / v_elseif / v_else / v_endif). The unary llk wrapper
// calls smoothstep_face() once per face with dst_reg based at that face of the DST tile; the function
// walks the face's 8 rows (dst_reg++). The edges and 1 / (edge1 - edge0) arrive as fp32 bit patterns.
// CBs: 0 = x, 16 = out. Runtime args: number of tiles, edge0 bits, edge1 bits, 1 / (edge1 - edge0) bits.
#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"

#ifdef TRISC_MATH
void smoothstep_face(float edge0, float edge1, float inv_width) {
    for (int row = 0; row < 8; row++) {
        vFloat x = dst_reg[0];
        vFloat y = x;
        v_if (x < edge0) {
            y = sfpi::vConst0;
        } v_elseif (x > edge1) {
            y = sfpi::vConst1;
        } v_else {
            vFloat t = (x - edge0) * inv_width;
            y = t * t * (3.0f - 2.0f * t);
        } v_endif;
        dst_reg[0] = y;
        dst_reg++;
    }
}
#endif

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    float edge0 = __builtin_bit_cast(float, get_arg_val<uint32_t>(1));
    float edge1 = __builtin_bit_cast(float, get_arg_val<uint32_t>(2));
    float inv_width = __builtin_bit_cast(float, get_arg_val<uint32_t>(3));
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    init_sfpu(cb_in, cb_out);
    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_wait_front(cb_in, 1);
        tile_regs_acquire();
        copy_tile(cb_in, 0, 0);
        MATH(_llk_math_eltwise_unary_sfpu_params_<APPROX>(smoothstep_face, 0, VectorMode::RC, edge0, edge1, inv_width));
        tile_regs_commit();
        cb_pop_front(cb_in, 1);

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
}
