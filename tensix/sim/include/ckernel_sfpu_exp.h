// tensix: ckernel::sfpu exponential helper for SFPI kernels. _sfpu_exp_(x) is e^x per lane, computed
// with the host's fp32 expf (at least as accurate as the SFPU's approximation, not bit-identical to it).
#pragma once
#include "api/compute/tx_compute.h"

namespace ckernel::sfpu {
inline sfpi::vFloat _sfpu_exp_(const sfpi::vFloat& x) {
    sfpi::vFloat r;
    sfpi::tx_st.ops += 12;   // estimate: a range reduction and a short polynomial on the SFPU
    TX_LANES r.v[l] = __builtin_expf(x.v[l]);
    return r;
}
}  // namespace ckernel::sfpu
