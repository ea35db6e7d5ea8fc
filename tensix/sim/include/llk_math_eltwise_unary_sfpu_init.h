// tensix: SFPU init calls of the LLK layer. Custom SFPI kernels run through
// _llk_math_eltwise_unary_sfpu_params_ / _llk_math_eltwise_binary_sfpu_params_ (tx_sfpi.h); the init
// calls program SFPU state the simulator does not need, so they are no-ops.
#pragma once
#include "api/compute/tx_compute.h"

namespace ckernel {
#ifndef TX_SFPU_TYPE_DEFINED
#define TX_SFPU_TYPE_DEFINED
enum class SfpuType { unused = 0 };
#endif
template <auto sfpu_op = 0>
inline void _llk_math_eltwise_unary_sfpu_init_() {}
template <auto sfpu_op = 0, class F, class... A>
inline void _llk_math_eltwise_unary_sfpu_init_(F&& init_fn, A&&... args) { init_fn(args...); }
template <auto sfpu_op = 0>
inline void _llk_math_eltwise_binary_sfpu_init_() {}
template <auto sfpu_op = 0, class F, class... A>
inline void _llk_math_eltwise_binary_sfpu_init_(F&& init_fn, A&&... args) { init_fn(args...); }
template <auto sfpu_op = 0, bool APPROXIMATE = false>
inline void llk_math_eltwise_unary_sfpu_init() {}
template <auto sfpu_op = 0, bool APPROXIMATE = false, class F, class... A>
inline void llk_math_eltwise_unary_sfpu_init(F&& init_fn, A&&... args) { init_fn(args...); }
template <auto sfpu_op = 0, bool APPROXIMATE = false>
inline void llk_math_eltwise_binary_sfpu_init() {}
template <auto sfpu_op = 0, bool APPROXIMATE = false, class F, class... A>
inline void llk_math_eltwise_binary_sfpu_init(F&& init_fn, A&&... args) { init_fn(args...); }
}  // namespace ckernel
