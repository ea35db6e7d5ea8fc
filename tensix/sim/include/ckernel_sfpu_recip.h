// tensix: ckernel::sfpu reciprocal helper for SFPI kernels. _sfpu_reciprocal_<max_iter>(x) is 1/x per
// lane in fp32 (correctly rounded; the SFPU's Newton iterations, max_iter of them, are charged but
// not reproduced bit for bit).
#pragma once
#include "api/compute/tx_compute.h"

namespace ckernel::sfpu {
template <int max_iter = 3>
inline sfpi::vFloat _sfpu_reciprocal_(const sfpi::vFloat& x) {
    sfpi::vFloat r;
    sfpi::tx_st.ops += 4 + 3 * (max_iter > 0 ? max_iter : 0);
    TX_LANES r.v[l] = 1.0f / x.v[l];
    return r;
}
}  // namespace ckernel::sfpu
