// tensix: experimental/llk_sfpu/ckernel_sfpu_smoothstep.h (API-current §3.1): one face (8 dst_reg rows from
// dst_reg[0]) in place: t = clamp((x - edge0) * inv_delta, 0, 1), then t*t*(3 - 2t); edge1 is unused.
#pragma once
#include "sfpi.h"

namespace ckernel::sfpu {
inline void smoothstep_tile_face(float edge0, float edge1, float inv_delta) {
    (void)edge1;
    for (int i = 0; i < 8; i++) {
        sfpi::vFloat t = sfpi::clamp((sfpi::dst_reg[i] - edge0) * inv_delta, 0.0f, 1.0f);
        sfpi::dst_reg[i] = t * t * (3.0f - 2.0f * t);
    }
}
}  // namespace ckernel::sfpu
