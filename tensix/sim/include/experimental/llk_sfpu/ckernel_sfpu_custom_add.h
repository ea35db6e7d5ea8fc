// tensix: experimental/llk_sfpu/ckernel_sfpu_custom_add.h (API-current §3.1): one face of
// DST[out] = DST[in0] + DST[in1], 32 dst_reg rows per tile.
#pragma once
#include "sfpi.h"

namespace ckernel::sfpu {
inline void my_add_tile_face(std::uint32_t dst_in0, std::uint32_t dst_in1, std::uint32_t dst_out) {
    for (std::uint32_t i = 0; i < 8; i++) sfpi::dst_reg[dst_out * 32 + i] = sfpi::dst_reg[dst_in0 * 32 + i] + sfpi::dst_reg[dst_in1 * 32 + i];
}
}  // namespace ckernel::sfpu
