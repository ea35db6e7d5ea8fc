// tensix: the SFPU dispatch macros of today's kernels (API-current §3.2, PR #42946), both arities:
//   form A  SFPU_UNARY_CALL(DST_SYNC, DST_ACCUM, FN, (TEMPLATES), DST_IDX, VECTOR_MODE, extra...)
//   form B  SFPU_UNARY_CALL(DST_SYNC, FN, (TEMPLATES), DST_IDX, VECTOR_MODE, extra...)
// (likewise _NO_TEMPLATE_ARGS and the binary forms). Form A is told apart by its second argument,
// which kernels spell DST_ACCUM_MODE or is_fp32_dest_acc_en. Each call checks its DST indices
// against the DST capacity, then runs ::ckernel::sfpu::FN once per face through
// _llk_math_eltwise_{unary,binary}_sfpu_params_. The *_INIT macros run the init function, if any.
#pragma once
#include "api/compute/tx_compute.h"
#include "llk_math_eltwise_unary_sfpu_init.h"

namespace ckernel {
template <auto sync = 0, bool accum = false, class Tile = void>
constexpr std::uint32_t get_dest_max_tiles() { return 16; }
struct Tile32x32 {};
inline void tx_sfpu_check_dst(std::uint32_t idx, const char* call) {
    if (idx >= tx_dst_capacity())
        tx_fail("%s: DST index %u is beyond the DST capacity of %u tiles", call, idx, tx_dst_capacity());
}
}  // namespace ckernel

#define TX_SFPU_UNPAREN(...) __VA_ARGS__
#define TX_SFPU_CAT(a, b) TX_SFPU_CAT_(a, b)
#define TX_SFPU_CAT_(a, b) a##b
// 1 when the token is one of the accumulate-mode spellings (form A), else 0 (form B)
#define TX_SFPU_PROBE_DST_ACCUM_MODE ~, 1
#define TX_SFPU_PROBE_is_fp32_dest_acc_en ~, 1
#define TX_SFPU_SECOND(a, b, ...) b
#define TX_SFPU_IS_ACCUM_(...) TX_SFPU_SECOND(__VA_ARGS__, 0, ~)
#define TX_SFPU_IS_ACCUM(tok) TX_SFPU_IS_ACCUM_(TX_SFPU_CAT(TX_SFPU_PROBE_, tok))

#define TX_SFPU_UNARY_T(FN, T, IDX, VM, ...)                                                                   \
    do {                                                                                                       \
        ::ckernel::tx_sfpu_check_dst((IDX), "SFPU_UNARY_CALL(" #FN ")");                                      \
        ::ckernel::_llk_math_eltwise_unary_sfpu_params_<APPROX>(::ckernel::sfpu::FN<TX_SFPU_UNPAREN T>, (IDX), \
                                                                (VM) __VA_OPT__(, ) __VA_ARGS__);              \
    } while (0)
#define TX_SFPU_UNARY_N(FN, IDX, VM, ...)                                                                      \
    do {                                                                                                       \
        ::ckernel::tx_sfpu_check_dst((IDX), "SFPU_UNARY_CALL(" #FN ")");                                      \
        ::ckernel::_llk_math_eltwise_unary_sfpu_params_<APPROX>(::ckernel::sfpu::FN, (IDX), (VM) __VA_OPT__(, ) __VA_ARGS__); \
    } while (0)
#define TX_SFPU_BINARY_T(FN, T, I0, I1, O, VM, ...)                                                            \
    do {                                                                                                       \
        ::ckernel::tx_sfpu_check_dst((I0), "SFPU_BINARY_CALL(" #FN ")");                                      \
        ::ckernel::tx_sfpu_check_dst((I1), "SFPU_BINARY_CALL(" #FN ")");                                      \
        ::ckernel::tx_sfpu_check_dst((O), "SFPU_BINARY_CALL(" #FN ")");                                       \
        ::ckernel::_llk_math_eltwise_binary_sfpu_params_<APPROX>(::ckernel::sfpu::FN<TX_SFPU_UNPAREN T>, (I0), (I1), (O), \
                                                                 (VM) __VA_OPT__(, ) __VA_ARGS__);             \
    } while (0)
#define TX_SFPU_BINARY_N(FN, I0, I1, O, VM, ...)                                                               \
    do {                                                                                                       \
        ::ckernel::tx_sfpu_check_dst((I0), "SFPU_BINARY_CALL(" #FN ")");                                      \
        ::ckernel::tx_sfpu_check_dst((I1), "SFPU_BINARY_CALL(" #FN ")");                                      \
        ::ckernel::tx_sfpu_check_dst((O), "SFPU_BINARY_CALL(" #FN ")");                                       \
        ::ckernel::_llk_math_eltwise_binary_sfpu_params_<APPROX>(::ckernel::sfpu::FN, (I0), (I1), (O), (VM) __VA_OPT__(, ) __VA_ARGS__); \
    } while (0)

// form A drops its first two arguments, form B its first one
#define TX_SFPU_DROP2_0(sync, ...) __VA_ARGS__
#define TX_SFPU_DROP2_1(sync, accum, ...) __VA_ARGS__
#define TX_SFPU_REST(sync, second, ...) TX_SFPU_CAT(TX_SFPU_DROP2_, TX_SFPU_IS_ACCUM(second))(sync, second, __VA_ARGS__)

#define SFPU_UNARY_CALL(...) TX_SFPU_UNARY_T_(TX_SFPU_REST(__VA_ARGS__))
#define TX_SFPU_UNARY_T_(...) TX_SFPU_UNARY_T(__VA_ARGS__)
#define SFPU_UNARY_CALL_NO_TEMPLATE_ARGS(...) TX_SFPU_UNARY_N_(TX_SFPU_REST(__VA_ARGS__))
#define TX_SFPU_UNARY_N_(...) TX_SFPU_UNARY_N(__VA_ARGS__)
#define SFPU_BINARY_CALL(...) TX_SFPU_BINARY_T_(TX_SFPU_REST(__VA_ARGS__))
#define TX_SFPU_BINARY_T_(...) TX_SFPU_BINARY_T(__VA_ARGS__)
#define SFPU_BINARY_CALL_NO_TEMPLATE_ARGS(...) TX_SFPU_BINARY_N_(TX_SFPU_REST(__VA_ARGS__))
#define TX_SFPU_BINARY_N_(...) TX_SFPU_BINARY_N(__VA_ARGS__)

// inits: SFPU_UNARY_INIT(OP[, ACCUM]) has nothing to program here; the *_FN forms run INIT_FN
#define SFPU_UNARY_INIT(...) do { } while (0)
#define SFPU_BINARY_INIT(...) do { } while (0)
#define SFPU_UNARY_INIT_FN(OP, INIT_FN, T) ::ckernel::sfpu::INIT_FN<TX_SFPU_UNPAREN T>()
#define SFPU_UNARY_INIT_FN_ARGS(OP, INIT_FN, T, ...) ::ckernel::sfpu::INIT_FN<TX_SFPU_UNPAREN T>(__VA_ARGS__)
#define SFPU_BINARY_INIT_FN_NO_ARGS(OP, INIT_FN) ::ckernel::sfpu::INIT_FN()
#define SFPU_BINARY_INIT_FN(OP, INIT_FN, T) ::ckernel::sfpu::INIT_FN<TX_SFPU_UNPAREN T>()
#define SFPU_BINARY_INIT_FN_ARGS(OP, INIT_FN, T, ...) ::ckernel::sfpu::INIT_FN<TX_SFPU_UNPAREN T>(__VA_ARGS__)
#define SFPU_CALL(...) static_assert(false, "SFPU_CALL is not provided by tensix yet (its arguments are not documented)")
#define SFPU_CALL_MODE(...) static_assert(false, "SFPU_CALL_MODE is not provided by tensix yet (its arguments are not documented)")
#define SFPU_CALL_CAST(...) static_assert(false, "SFPU_CALL_CAST is not provided by tensix yet (its arguments are not documented)")
