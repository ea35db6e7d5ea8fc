// tensix kernel-API header: the SFPU operations on DST tiles (API §4.7), written from
// SOURCES.md (API). Every api/compute/eltwise_unary/*.h, compute_kernel_api.h,
// eltwise_binary_sfpu.h, binary_max_min.h and binary_comp.h includes this file.
//
// Model. An SFPU op works in place on DST: it reads the 1024 32-bit words of a DST tile (face order;
// fp32 bits, or integer bits for the integer ops), computes in fp32 and writes the result back;
// tx_sfpu_done() then rounds the tile to bf16 unless fp32_dest_acc_en (DST is 16-bit) and charges
// the cycles. Binary SFPU ops read two DST tiles and write a third (which may alias an input).
//
// Cycles. The SFPU processes a tile as 32 rows of 32 lanes (4 faces x 8 dst_reg rows, API §4.7);
// each row costs a load, a store and the op's SFPU instruction count, so a tile costs
// 32 * (2 + instructions) cycles (fewer faces with VectorMode R/C/None). The instruction counts
// below (TX_I_*) are the simulator's estimates of a straight-line SFPI implementation: 1-2 for
// compare/select/sign ops, ~4-8 for polynomial ops, ~12-30 for the exact transcendentals.
//
// Precision. The exact variants use the float libm result (std::exp(float) etc.), i.e. within an
// fp32 ulp of the true value before DST rounding. `APPROX` (= math_approx_mode) — or the op's own
// fast/approx template flag — selects the cheaper approximate variants, each documented at its
// definition: exp/exp2 (2^x, cubic polynomial, rel. err <= 2e-4), log (cubic log2 polynomial, abs.
// err <= 1e-3), recip (bit-trick seed + one Newton step, rel. err <= 2.6e-3), rsqrt / sqrt (same,
// rel. err <= 1.8e-3), sigmoid / silu (1 / (1 + approx exp(-x)) with the approximate reciprocal,
// rel. err <= 3e-3), gelu (tanh form, abs. err <= 5e-4 against the erf form).
//
// Semantics chosen where the API doc gives only a name (marked "(inferred)"): VectorMode R = faces
// 0 and 1, C = faces 0 and 2, RC = all four, None = face 0; relu_min(x, t) = max(x, t);
// relu_max(x, t) = min(max(x, 0), t); comparisons write 1.0f / 0.0f (1 / 0 in the integer forms);
// typecast float -> integer rounds to nearest (ties to even) and saturates, NaN -> 0.
//
// An op the simulator does not implement is declared with a static_assert naming it, so a kernel
// that uses it fails to compile instead of computing something wrong.
#pragma once
#include <cmath>
#include <cstdint>

#include "api/compute/tx_compute.h"

namespace ckernel {

enum class InputClamping : std::uint8_t { ClampToNegative = 0, None = 1 };
namespace p_sfpu {
constexpr std::uint16_t kCONST_1_FP16B = 0x3F80;   // 1.0 as bf16 bits
}

namespace tx_sfpu {

using u32 = std::uint32_t;

inline float F(u32 u) { float f; __builtin_memcpy(&f, &u, 4); return f; }
inline u32 U(float f) { u32 u; __builtin_memcpy(&u, &f, 4); return u; }
// a scalar parameter: fp32 bits; a value below 0x10000 is taken as bf16 bits (ops whose doc
// parameter is a 16-bit pattern, e.g. exp's scale, log_with_base's base_scale)
inline float P(u32 bits) { return bits <= 0xffffu && bits != 0 ? F(bits << 16) : F(bits); }
inline float B16(std::uint16_t bits) { return F(u32(bits) << 16); }

// faces an SFPU call touches for a VectorMode (inferred, see above)
inline u32 face_mask(int vector_mode) {
    switch (vector_mode) {
        case int(VectorMode::R): return 0x3;
        case int(VectorMode::C): return 0x5;
        case int(VectorMode::None): return 0x1;
        default: return 0xf;
    }
}
inline u32 cycles(u32 instr, u32 nfaces = 4) { return nfaces * 8 * (2 + instr); }

// in-place float op: fn(float) -> float
template <class Fn>
inline void unary(u32 idst, const char* call, u32 instr, Fn fn, int vector_mode = int(VectorMode::RC)) {
    u32* t = tx_dst_tile(idst, call);
    u32 mask = face_mask(vector_mode), nf = 0;
    for (u32 f = 0; f < 4; f++) {
        if (!(mask >> f & 1)) continue;
        nf++;
        for (u32 i = f * 256; i < f * 256 + 256; i++) t[i] = U(fn(F(t[i])));
    }
    tx_sfpu_done(idst, cycles(instr, nf), 0);
}
// in-place op on the raw words: fn(u32) -> u32; `is_int` = the result is integer data (not rounded)
template <class Fn>
inline void unary_bits(u32 idst, const char* call, u32 instr, bool is_int, Fn fn) {
    u32* t = tx_dst_tile(idst, call);
    for (u32 i = 0; i < 1024; i++) t[i] = fn(t[i]);
    tx_sfpu_done(idst, cycles(instr), is_int);
}
// DST[o] = fn(DST[a], DST[b]) on floats
template <class Fn>
inline void binary(u32 a, u32 b, u32 o, const char* call, u32 instr, Fn fn) {
    const u32* x = tx_dst_tile(a, call);
    const u32* y = tx_dst_tile(b, call);
    u32* z = tx_dst_tile(o, call);
    for (u32 i = 0; i < 1024; i++) z[i] = U(fn(F(x[i]), F(y[i])));
    tx_sfpu_done(o, 32 * (3 + instr), 0);
}
template <class Fn>
inline void binary_bits(u32 a, u32 b, u32 o, const char* call, u32 instr, Fn fn) {
    const u32* x = tx_dst_tile(a, call);
    const u32* y = tx_dst_tile(b, call);
    u32* z = tx_dst_tile(o, call);
    for (u32 i = 0; i < 1024; i++) z[i] = fn(x[i], y[i]);
    tx_sfpu_done(o, 32 * (3 + instr), 1);
}

// ---- approximate kernels (math_approx_mode) ----------------------------------------------------
// 2^x: n = floor(x), f = x - n in [0,1), 2^f by a cubic least-squares fit (max rel. err 1.9e-4),
// the exponent n added to the float's exponent field; x < -127 gives 0, x >= 128 gives +inf.
inline float exp2_approx(float x) {
    if (x != x) return x;
    if (x < -127.f) return 0.f;
    if (x >= 128.f) return F(0x7f800000);
    float n = std::floor(x), f = x - n;
    float p = ((0.07901994f * f + 0.22412644f) * f + 0.69683858f) * f + 0.99981196f;
    return std::ldexp(p, int(n));
}
inline float exp_approx(float x) { return exp2_approx(x * 1.44269504f); }
// ln x: exponent e and mantissa m in [1,2); log2 m by a cubic fit (max abs. err 1.3e-3); times ln 2
inline float log_approx(float x) {
    if (x != x || x < 0.f) return F(0x7fc00000);
    if (x == 0.f) return -F(0x7f800000);
    if (std::isinf(x)) return x;
    int e;
    float m = std::frexp(x, &e) * 2.f;   // m in [1,2)
    float t = m - 1.f;
    float l2 = ((0.153913535f * t - 0.56775215f) * t + 1.41348539f) * t + 1.33453924e-03f;
    return (float(e - 1) + l2) * 0.693147181f;
}
// 1/x: seed 0x7EF311C3 - bits(|x|) (rel. err <= 5.1e-2), one Newton step y(2 - |x|y) (max rel. err 2.6e-3)
inline float recip_approx(float x) {
    if (x == 0.f) return std::copysign(F(0x7f800000), x);
    if (std::isinf(x)) return std::copysign(0.f, x);
    if (x != x) return x;
    float a = std::fabs(x), y = F(0x7EF311C3u - U(a));
    y = y * (2.f - a * y);
    return std::copysign(y, x);
}
// 1/sqrt(x): seed 0x5F3759DF - bits(x)/2, one Newton step y(1.5 - x/2 y^2) (max rel. err 1.8e-3)
inline float rsqrt_approx(float x) {
    if (x != x || x < 0.f) return F(0x7fc00000);
    if (x == 0.f) return F(0x7f800000);
    if (std::isinf(x)) return 0.f;
    float y = F(0x5F3759DFu - (U(x) >> 1));
    return y * (1.5f - 0.5f * x * y * y);
}
inline float sqrt_approx(float x) {
    if (x == 0.f || std::isinf(x)) return x;
    return x * rsqrt_approx(x);
}
inline float sigmoid_exact(float x) { return 1.f / (1.f + std::exp(-x)); }
inline float sigmoid_approx(float x) { return recip_approx(1.f + exp_approx(-x)); }
inline float gelu_exact(float x) { return 0.5f * x * std::erfc(-x * 0.70710678f); }   // = 0.5x(1 + erf(x/sqrt2)) without cancellation
// the tanh form 0.5x(1 + tanh(u)), u = sqrt(2/pi)(x + 0.044715x^3), written as x * sigmoid(2u)
// (1 + tanh(u) = 2 sigmoid(2u)) so that large negative x keeps its relative precision
inline float gelu_tanh(float x) {
    float u = 0.7978845608f * (x + 0.044715f * x * x * x);
    return x / (1.f + std::exp(-2.f * u));
}
inline float gelu_derivative_exact(float x) {
    return 0.5f * std::erfc(-x * 0.70710678f) + x * 0.39894228f * std::exp(-0.5f * x * x);
}
// d/dx of the tanh form: 0.5(1 + th) + 0.5x(1 - th^2) u', with 0.5(1 + th) = s = sigmoid(2u) and
// 1 - th^2 = 4 s (1 - s)
inline float gelu_derivative_tanh(float x) {
    float u = 0.7978845608f * (x + 0.044715f * x * x * x);
    float s = 1.f / (1.f + std::exp(-2.f * u)), sn = 1.f / (1.f + std::exp(2.f * u));
    return s + 2.f * x * s * sn * 0.7978845608f * (1.f + 3.f * 0.044715f * x * x);
}
inline float cmp(bool c) { return c ? 1.f : 0.f; }
inline float round_half_even(float x) { return std::nearbyint(x); }   // default FE_TONEAREST

// instruction-count estimates (see the header comment)
enum : u32 {
    TX_I_SIMPLE = 1, TX_I_CMP = 2, TX_I_CLAMP = 3, TX_I_ROUND = 6, TX_I_POLY = 8, TX_I_APPROX = 10,
    TX_I_EXACT = 24, TX_I_TRIG = 28, TX_I_HEAVY = 36
};

}  // namespace tx_sfpu

#define TX_SFPU_INIT(name) \
    ALWI void name() {}

// ---- exponentials and logarithms ----------------------------------------------------------------
template <bool approx = false, std::uint32_t scale = 0x3F800000, InputClamping clamp = InputClamping::ClampToNegative>
ALWI void exp_tile_init() {}
// approximate when `approx` or APPROX; `scale_en` multiplies the input by `scale` (bf16 bits) first.
// ClampToNegative (approximate path): inputs below -88.5 give 0 (exp underflows there anyway).
template <bool approx = false, bool scale_en = false, InputClamping clamp = InputClamping::ClampToNegative, int iterations = 8>
ALWI void exp_tile(std::uint32_t idst, int vector_mode = int(VectorMode::RC), std::uint16_t scale = p_sfpu::kCONST_1_FP16B) {
    const float s = scale_en ? tx_sfpu::B16(scale) : 1.f;
    if constexpr (approx || APPROX)
        tx_sfpu::unary(idst, "exp_tile", tx_sfpu::TX_I_APPROX, [s](float x) {
            x *= s;
            if (clamp == InputClamping::ClampToNegative && x < -88.5f) return 0.f;
            return tx_sfpu::exp_approx(x);
        }, vector_mode);
    else
        tx_sfpu::unary(idst, "exp_tile", tx_sfpu::TX_I_EXACT, [s](float x) { return std::exp(x * s); }, vector_mode);
}
TX_SFPU_INIT(exp2_tile_init)
ALWI void exp2_tile(std::uint32_t idst) {
    if constexpr (APPROX) tx_sfpu::unary(idst, "exp2_tile", tx_sfpu::TX_I_APPROX, tx_sfpu::exp2_approx);
    else tx_sfpu::unary(idst, "exp2_tile", tx_sfpu::TX_I_EXACT, [](float x) { return std::exp2(x); });
}
template <bool approx = false>
ALWI void expm1_tile_init() {}
template <bool approx = false>
ALWI void expm1_tile(std::uint32_t idst) {
    if constexpr (approx || APPROX) tx_sfpu::unary(idst, "expm1_tile", tx_sfpu::TX_I_APPROX, [](float x) { return tx_sfpu::exp_approx(x) - 1.f; });
    else tx_sfpu::unary(idst, "expm1_tile", tx_sfpu::TX_I_EXACT, [](float x) { return std::expm1(x); });
}
template <bool fast = false>
ALWI void log_tile_init() {}
template <bool fast = false>
ALWI void log_tile(std::uint32_t idst) {
    if constexpr (fast || APPROX) tx_sfpu::unary(idst, "log_tile", tx_sfpu::TX_I_POLY, tx_sfpu::log_approx);
    else tx_sfpu::unary(idst, "log_tile", tx_sfpu::TX_I_EXACT, [](float x) { return std::log(x); });
}
TX_SFPU_INIT(log_with_base_tile_init)
// log(x) * base_scale, base_scale = 1/ln(base) as fp32 bits (or bf16 bits when below 0x10000)
ALWI void log_with_base_tile(std::uint32_t idst, std::uint32_t base_scale) {
    const float s = tx_sfpu::P(base_scale);
    if constexpr (APPROX) tx_sfpu::unary(idst, "log_with_base_tile", tx_sfpu::TX_I_POLY + 1, [s](float x) { return tx_sfpu::log_approx(x) * s; });
    else tx_sfpu::unary(idst, "log_with_base_tile", tx_sfpu::TX_I_EXACT + 1, [s](float x) { return std::log(x) * s; });
}
template <bool fast_and_approx = false>
ALWI void log1p_tile_init() {}
template <bool fast_and_approx = false>
ALWI void log1p_tile(std::uint32_t idst) {
    if constexpr (fast_and_approx || APPROX) tx_sfpu::unary(idst, "log1p_tile", tx_sfpu::TX_I_POLY + 1, [](float x) { return tx_sfpu::log_approx(1.f + x); });
    else tx_sfpu::unary(idst, "log1p_tile", tx_sfpu::TX_I_EXACT, [](float x) { return std::log1p(x); });
}

// ---- reciprocal and roots -----------------------------------------------------------------------
template <bool legacy_compat = true>
ALWI void recip_tile_init() {}
template <bool legacy_compat = true>
ALWI void recip_tile(std::uint32_t idst, int vector_mode = int(VectorMode::RC)) {
    if constexpr (APPROX) tx_sfpu::unary(idst, "recip_tile", tx_sfpu::TX_I_APPROX, tx_sfpu::recip_approx, vector_mode);
    else tx_sfpu::unary(idst, "recip_tile", tx_sfpu::TX_I_EXACT, [](float x) { return 1.f / x; }, vector_mode);
}
TX_SFPU_INIT(sqrt_tile_init)
template <bool FAST_APPROX = false>
ALWI void sqrt_tile(std::uint32_t idst) {
    if constexpr (FAST_APPROX || APPROX) tx_sfpu::unary(idst, "sqrt_tile", tx_sfpu::TX_I_APPROX, tx_sfpu::sqrt_approx);
    else tx_sfpu::unary(idst, "sqrt_tile", tx_sfpu::TX_I_EXACT, [](float x) { return std::sqrt(x); });
}
template <bool legacy_compat = false>
ALWI void rsqrt_tile_init() {}
template <bool legacy_compat = false, bool FAST_APPROX = false>
ALWI void rsqrt_tile(std::uint32_t idst) {
    if constexpr (FAST_APPROX || APPROX) tx_sfpu::unary(idst, "rsqrt_tile", tx_sfpu::TX_I_APPROX, tx_sfpu::rsqrt_approx);
    else tx_sfpu::unary(idst, "rsqrt_tile", tx_sfpu::TX_I_EXACT, [](float x) { return 1.f / std::sqrt(x); });
}

// ---- activations --------------------------------------------------------------------------------
TX_SFPU_INIT(relu_tile_init)
ALWI void relu_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "relu_tile", tx_sfpu::TX_I_SIMPLE, [](float x) { return x < 0.f ? 0.f : x; }); }
ALWI void relu_tile_int32(std::uint32_t idst) {
    tx_sfpu::unary_bits(idst, "relu_tile_int32", tx_sfpu::TX_I_SIMPLE, true, [](std::uint32_t v) { return std::int32_t(v) < 0 ? 0u : v; });
}
TX_SFPU_INIT(relu_max_tile_init)
ALWI void relu_max_tile(std::uint32_t idst, std::uint32_t upper) {
    const float t = tx_sfpu::F(upper);
    tx_sfpu::unary(idst, "relu_max_tile", tx_sfpu::TX_I_CLAMP, [t](float x) { x = x > t ? t : x; return x < 0.f ? 0.f : x; });
}
TX_SFPU_INIT(relu_min_tile_init)
ALWI void relu_min_tile(std::uint32_t idst, std::uint32_t lower) {
    const float t = tx_sfpu::F(lower);
    tx_sfpu::unary(idst, "relu_min_tile", tx_sfpu::TX_I_CMP, [t](float x) { return x < t ? t : x; });
}
TX_SFPU_INIT(leaky_relu_tile_init)
ALWI void leaky_relu_tile(std::uint32_t idst, std::uint32_t slope_bits = 0) {
    const float s = tx_sfpu::F(slope_bits);
    tx_sfpu::unary(idst, "leaky_relu_tile", tx_sfpu::TX_I_CMP, [s](float x) { return x < 0.f ? x * s : x; });
}
// gelu: fast_and_approx (or APPROX) = the tanh form 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))); else 0.5x(1 + erf(x/sqrt2))
template <bool fast_and_approx = true>
ALWI void gelu_tile_init() {}
template <bool fast_and_approx = true>
ALWI void gelu_tile(std::uint32_t idst) {
    if constexpr (fast_and_approx || APPROX) tx_sfpu::unary(idst, "gelu_tile", tx_sfpu::TX_I_APPROX, tx_sfpu::gelu_tanh);
    else tx_sfpu::unary(idst, "gelu_tile", tx_sfpu::TX_I_HEAVY, tx_sfpu::gelu_exact);
}
template <bool fast_and_approx = true>
ALWI void gelu_derivative_tile_init() {}
template <bool fast_and_approx = true>
ALWI void gelu_derivative_tile(std::uint32_t idst) {
    if constexpr (fast_and_approx || APPROX) tx_sfpu::unary(idst, "gelu_derivative_tile", tx_sfpu::TX_I_APPROX + 4, tx_sfpu::gelu_derivative_tanh);
    else tx_sfpu::unary(idst, "gelu_derivative_tile", tx_sfpu::TX_I_HEAVY, tx_sfpu::gelu_derivative_exact);
}
template <bool fast = false>
ALWI void sigmoid_tile_init() {}
template <int vec_mode = int(VectorMode::RC), bool fast = false>
ALWI void sigmoid_tile(std::uint32_t idst) {
    if constexpr (fast || APPROX) tx_sfpu::unary(idst, "sigmoid_tile", 2 * tx_sfpu::TX_I_APPROX, tx_sfpu::sigmoid_approx, vec_mode);
    else tx_sfpu::unary(idst, "sigmoid_tile", tx_sfpu::TX_I_EXACT + 4, tx_sfpu::sigmoid_exact, vec_mode);
}
TX_SFPU_INIT(silu_tile_init)
ALWI void silu_tile(std::uint32_t idst) {
    if constexpr (APPROX) tx_sfpu::unary(idst, "silu_tile", 2 * tx_sfpu::TX_I_APPROX + 1, [](float x) { return x * tx_sfpu::sigmoid_approx(x); });
    else tx_sfpu::unary(idst, "silu_tile", tx_sfpu::TX_I_EXACT + 5, [](float x) { return x * tx_sfpu::sigmoid_exact(x); });
}
TX_SFPU_INIT(tanh_tile_init)
ALWI void tanh_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "tanh_tile", tx_sfpu::TX_I_EXACT, [](float x) { return std::tanh(x); }); }
// tanh_tile<fast_and_approx>: the flag is accepted; the simulator computes tanh with libm either way
template <bool fast_and_approx>
ALWI void tanh_tile_init() {}
template <bool fast_and_approx>
ALWI void tanh_tile(std::uint32_t idst) { tanh_tile(idst); }
TX_SFPU_INIT(elu_tile_init)
ALWI void elu_tile(std::uint32_t idst, std::uint32_t alpha_bits) {
    const float a = tx_sfpu::F(alpha_bits);
    tx_sfpu::unary(idst, "elu_tile", tx_sfpu::TX_I_EXACT + 2, [a](float x) { return x < 0.f ? a * std::expm1(x) : x; });
}
TX_SFPU_INIT(selu_tile_init)
// selu = scale * (x > 0 ? x : alpha * (exp(x) - 1)); defaults are the standard SELU constants
ALWI void selu_tile(std::uint32_t idst, std::uint32_t scale_bits, std::uint32_t alpha_bits) {
    const float s = tx_sfpu::F(scale_bits), a = tx_sfpu::F(alpha_bits);
    tx_sfpu::unary(idst, "selu_tile", tx_sfpu::TX_I_EXACT + 3, [s, a](float x) { return s * (x > 0.f ? x : a * std::expm1(x)); });
}
ALWI void selu_tile(std::uint32_t idst) { selu_tile(idst, 0x3F867D5Fu /*1.0507009873554805*/, 0x3FD62D7Du /*1.6732632423543772*/); }
TX_SFPU_INIT(softplus_tile_init)
// softplus = (1/beta) * log(1 + exp(beta * x)), or x where beta * x > threshold
ALWI void softplus_tile(std::uint32_t idst, std::uint32_t beta, std::uint32_t beta_reciprocal, std::uint32_t threshold) {
    const float b = tx_sfpu::F(beta), rb = tx_sfpu::F(beta_reciprocal), th = tx_sfpu::F(threshold);
    tx_sfpu::unary(idst, "softplus_tile", tx_sfpu::TX_I_HEAVY, [b, rb, th](float x) {
        float bx = b * x;
        return bx > th ? x : rb * std::log1p(std::exp(bx));
    });
}
ALWI void softplus_tile(std::uint32_t idst, std::uint32_t beta, std::uint32_t threshold) {
    softplus_tile(idst, beta, tx_sfpu::U(1.f / tx_sfpu::F(beta)), threshold);
}
TX_SFPU_INIT(hardtanh_tile_init)
ALWI void hardtanh_tile(std::uint32_t idst, std::uint32_t min_bits, std::uint32_t max_bits) {
    const float lo = tx_sfpu::F(min_bits), hi = tx_sfpu::F(max_bits);
    tx_sfpu::unary(idst, "hardtanh_tile", tx_sfpu::TX_I_CLAMP, [lo, hi](float x) { return x < lo ? lo : x > hi ? hi : x; });
}
TX_SFPU_INIT(clamp_tile_init)
ALWI void clamp_tile(std::uint32_t idst, std::uint32_t min_bits, std::uint32_t max_bits) {
    const float lo = tx_sfpu::F(min_bits), hi = tx_sfpu::F(max_bits);
    tx_sfpu::unary(idst, "clamp_tile", tx_sfpu::TX_I_CLAMP, [lo, hi](float x) { return x < lo ? lo : x > hi ? hi : x; });
}
TX_SFPU_INIT(heaviside_tile_init)
// 0 for x < 0, `value` for x == 0, 1 for x > 0
ALWI void heaviside_tile(std::uint32_t idst, std::uint32_t value) {
    const float v = tx_sfpu::F(value);
    tx_sfpu::unary(idst, "heaviside_tile", tx_sfpu::TX_I_CMP + 1, [v](float x) { return x < 0.f ? 0.f : x > 0.f ? 1.f : x == 0.f ? v : x; });
}

// ---- trigonometry and hyperbolics -----------------------------------------------------------------
#define TX_SFPU_LIBM(name, fn, instr)                                                                   \
    TX_SFPU_INIT(name##_tile_init)                                                                      \
    ALWI void name##_tile(std::uint32_t idst) {                                                         \
        tx_sfpu::unary(idst, #name "_tile", tx_sfpu::instr, [](float x) { return std::fn(x); });       \
    }
TX_SFPU_LIBM(sin, sin, TX_I_TRIG)
TX_SFPU_LIBM(cos, cos, TX_I_TRIG)
TX_SFPU_LIBM(tan, tan, TX_I_TRIG)
TX_SFPU_LIBM(asin, asin, TX_I_TRIG)
TX_SFPU_LIBM(acos, acos, TX_I_TRIG)
TX_SFPU_LIBM(atan, atan, TX_I_TRIG)
TX_SFPU_LIBM(sinh, sinh, TX_I_TRIG)
TX_SFPU_LIBM(cosh, cosh, TX_I_TRIG)
TX_SFPU_LIBM(asinh, asinh, TX_I_TRIG)
TX_SFPU_LIBM(acosh, acosh, TX_I_TRIG)
TX_SFPU_LIBM(atanh, atanh, TX_I_TRIG)
TX_SFPU_LIBM(erf, erf, TX_I_HEAVY)
TX_SFPU_LIBM(erfc, erfc, TX_I_HEAVY)
#undef TX_SFPU_LIBM
// erf / erfc also come with a fast_and_approx template flag in the doc's headers; the simulator
// computes both with libm (accepted and ignored)
template <bool fast_and_approx>
ALWI void erf_tile(std::uint32_t idst) { erf_tile(idst); }
template <bool fast_and_approx>
ALWI void erfc_tile(std::uint32_t idst) { erfc_tile(idst); }
template <bool fast_and_approx>
ALWI void erf_tile_init() {}
template <bool fast_and_approx>
ALWI void erfc_tile_init() {}

// ---- sign, magnitude, simple arithmetic -----------------------------------------------------------
TX_SFPU_INIT(abs_tile_init)
ALWI void abs_tile(std::uint32_t idst) { tx_sfpu::unary_bits(idst, "abs_tile", tx_sfpu::TX_I_SIMPLE, false, [](std::uint32_t v) { return v & 0x7fffffffu; }); }
ALWI void abs_tile_int32(std::uint32_t idst) {
    tx_sfpu::unary_bits(idst, "abs_tile_int32", tx_sfpu::TX_I_SIMPLE, true,
                        [](std::uint32_t v) { return std::int32_t(v) < 0 ? 0u - v : v; });
}
TX_SFPU_INIT(negative_tile_init)
ALWI void negative_tile(std::uint32_t idst) { tx_sfpu::unary_bits(idst, "negative_tile", tx_sfpu::TX_I_SIMPLE, false, [](std::uint32_t v) { return v ^ 0x80000000u; }); }
ALWI void negative_tile_int32(std::uint32_t idst) { tx_sfpu::unary_bits(idst, "negative_tile_int32", tx_sfpu::TX_I_SIMPLE, true, [](std::uint32_t v) { return 0u - v; }); }
TX_SFPU_INIT(sign_tile_init)
// -1, 0 or 1 (0 for +-0; NaN stays NaN)
ALWI void sign_tile(std::uint32_t idst) {
    tx_sfpu::unary(idst, "sign_tile", tx_sfpu::TX_I_CMP, [](float x) { return x > 0.f ? 1.f : x < 0.f ? -1.f : x == 0.f ? 0.f : x; });
}
TX_SFPU_INIT(signbit_tile_init)
// 1.0 where the sign bit is set (including -0.0), else 0.0
ALWI void signbit_tile(std::uint32_t idst) {
    tx_sfpu::unary_bits(idst, "signbit_tile", tx_sfpu::TX_I_SIMPLE, false, [](std::uint32_t v) { return v >> 31 ? 0x3f800000u : 0u; });
}
TX_SFPU_INIT(square_tile_init)
ALWI void square_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "square_tile", tx_sfpu::TX_I_SIMPLE, [](float x) { return x * x; }); }
TX_SFPU_INIT(power_tile_init)
// x^n for an unsigned integer exponent, by repeated squaring in fp32 (n = 0 gives 1)
ALWI void power_tile(std::uint32_t idst, std::uint32_t exponent) {
    tx_sfpu::unary(idst, "power_tile", tx_sfpu::TX_I_POLY, [exponent](float x) {
        float r = 1.f, b = x;
        for (std::uint32_t e = exponent; e; e >>= 1) {
            if (e & 1) r *= b;
            b *= b;
        }
        return r;
    });
}
TX_SFPU_INIT(power_iterative_tile_init)
ALWI void power_iterative_tile(std::uint32_t idst, std::uint32_t exponent) { power_tile(idst, exponent); }
TX_SFPU_INIT(identity_tile_init)
ALWI void identity_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "identity_tile", 0, [](float x) { return x; }); }

// fill: every element (face rows included) of the tile takes the value
TX_SFPU_INIT(fill_tile_init)
ALWI void fill_tile(std::uint32_t idst, float value) { tx_sfpu::unary(idst, "fill_tile", 0, [value](float) { return value; }); }
ALWI void fill_tile_bitcast(std::uint32_t idst, std::uint32_t bits) {
    tx_sfpu::unary_bits(idst, "fill_tile_bitcast", 0, false, [bits](std::uint32_t) { return bits; });
}
template <auto DF = DataFormat::Int32>
ALWI void fill_tile_int(std::uint32_t idst, std::uint32_t value) {
    tx_sfpu::unary_bits(idst, "fill_tile_int", 0, true, [value](std::uint32_t) { return value; });
}

// ---- scalar operands (binop_with_scalar.h): the scalar arrives as fp32 bits -------------------
TX_SFPU_INIT(binop_with_scalar_tile_init)
ALWI void add_unary_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "add_unary_tile", 1, [v](float x) { return x + v; }); }
ALWI void sub_unary_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "sub_unary_tile", 1, [v](float x) { return x - v; }); }
ALWI void mul_unary_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "mul_unary_tile", 1, [v](float x) { return x * v; }); }
ALWI void div_unary_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "div_unary_tile", 1, [v](float x) { return x / v; }); }
ALWI void rsub_unary_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "rsub_unary_tile", 1, [v](float x) { return v - x; }); }
TX_SFPU_INIT(unary_max_tile_init)
TX_SFPU_INIT(unary_min_tile_init)
ALWI void unary_max_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "unary_max_tile", tx_sfpu::TX_I_CMP, [v](float x) { return x < v ? v : x; }); }
ALWI void unary_min_tile(std::uint32_t idst, std::uint32_t s) { const float v = tx_sfpu::F(s); tx_sfpu::unary(idst, "unary_min_tile", tx_sfpu::TX_I_CMP, [v](float x) { return x > v ? v : x; }); }
TX_SFPU_INIT(unary_max_int32_tile_init)
TX_SFPU_INIT(unary_min_int32_tile_init)
TX_SFPU_INIT(unary_max_uint32_tile_init)
TX_SFPU_INIT(unary_min_uint32_tile_init)
ALWI void unary_max_int32_tile(std::uint32_t idst, std::uint32_t s) {
    tx_sfpu::unary_bits(idst, "unary_max_int32_tile", tx_sfpu::TX_I_CMP, true, [s](std::uint32_t v) { return std::int32_t(v) < std::int32_t(s) ? s : v; });
}
ALWI void unary_min_int32_tile(std::uint32_t idst, std::uint32_t s) {
    tx_sfpu::unary_bits(idst, "unary_min_int32_tile", tx_sfpu::TX_I_CMP, true, [s](std::uint32_t v) { return std::int32_t(v) > std::int32_t(s) ? s : v; });
}
ALWI void unary_max_uint32_tile(std::uint32_t idst, std::uint32_t s) {
    tx_sfpu::unary_bits(idst, "unary_max_uint32_tile", tx_sfpu::TX_I_CMP, true, [s](std::uint32_t v) { return v < s ? s : v; });
}
ALWI void unary_min_uint32_tile(std::uint32_t idst, std::uint32_t s) {
    tx_sfpu::unary_bits(idst, "unary_min_uint32_tile", tx_sfpu::TX_I_CMP, true, [s](std::uint32_t v) { return v > s ? s : v; });
}

// ---- comparisons (comp.h): 1.0f / 0.0f; the _int32 forms compare signed integers and write 1 / 0 --
#define TX_SFPU_CMPZ(name, expr)                                                                              \
    TX_SFPU_INIT(name##_tile_init)                                                                            \
    ALWI void name##_tile(std::uint32_t idst) {                                                               \
        tx_sfpu::unary(idst, #name "_tile", tx_sfpu::TX_I_CMP, [](float x) { return tx_sfpu::cmp(expr); });   \
    }                                                                                                         \
    ALWI void name##_tile_int32(std::uint32_t idst) {                                                         \
        tx_sfpu::unary_bits(idst, #name "_tile_int32", tx_sfpu::TX_I_CMP, true, [](std::uint32_t u) {         \
            const std::int32_t x = std::int32_t(u);                                                           \
            return (expr) ? 1u : 0u;                                                                          \
        });                                                                                                   \
    }
TX_SFPU_CMPZ(gtz, x > 0)
TX_SFPU_CMPZ(ltz, x < 0)
TX_SFPU_CMPZ(eqz, x == 0)
TX_SFPU_CMPZ(nez, x != 0)
TX_SFPU_CMPZ(gez, x >= 0)
TX_SFPU_CMPZ(lez, x <= 0)
#undef TX_SFPU_CMPZ
#define TX_SFPU_CMPS(name, op)                                                                                 \
    TX_SFPU_INIT(unary_##name##_tile_init)                                                                     \
    ALWI void unary_##name##_tile(std::uint32_t idst, std::uint32_t param) {                                   \
        const float p = tx_sfpu::F(param);                                                                     \
        tx_sfpu::unary(idst, "unary_" #name "_tile", tx_sfpu::TX_I_CMP, [p](float x) { return tx_sfpu::cmp(x op p); }); \
    }                                                                                                          \
    ALWI void unary_##name##_tile_int32(std::uint32_t idst, std::uint32_t param) {                             \
        tx_sfpu::unary_bits(idst, "unary_" #name "_tile_int32", tx_sfpu::TX_I_CMP, true,                      \
                            [param](std::uint32_t u) { return (std::int32_t(u) op std::int32_t(param)) ? 1u : 0u; }); \
    }
TX_SFPU_CMPS(gt, >)
TX_SFPU_CMPS(lt, <)
TX_SFPU_CMPS(eq, ==)
TX_SFPU_CMPS(ne, !=)
TX_SFPU_CMPS(ge, >=)
TX_SFPU_CMPS(le, <=)
#undef TX_SFPU_CMPS

// ---- isinf / isnan / isfinite: 1.0f / 0.0f ---------------------------------------------------------
#define TX_SFPU_CLASS(name, expr)                                                                         \
    TX_SFPU_INIT(name##_tile_init)                                                                        \
    ALWI void name##_tile(std::uint32_t idst) {                                                           \
        tx_sfpu::unary_bits(idst, #name "_tile", tx_sfpu::TX_I_CMP, false, [](std::uint32_t u) {          \
            const std::uint32_t e = u & 0x7f800000u, m = u & 0x7fffffu;                                   \
            (void)e; (void)m;                                                                             \
            return (expr) ? 0x3f800000u : 0u;                                                             \
        });                                                                                               \
    }
TX_SFPU_CLASS(isinf, e == 0x7f800000u && m == 0)
TX_SFPU_CLASS(isposinf, u == 0x7f800000u)
TX_SFPU_CLASS(isneginf, u == 0xff800000u)
TX_SFPU_CLASS(isnan, e == 0x7f800000u && m != 0)
TX_SFPU_CLASS(isfinite, e != 0x7f800000u)
#undef TX_SFPU_CLASS

// ---- rounding (rounding.h) --------------------------------------------------------------------------
TX_SFPU_INIT(rounding_op_tile_init)
TX_SFPU_INIT(floor_tile_init)
TX_SFPU_INIT(ceil_tile_init)
TX_SFPU_INIT(trunc_tile_init)
TX_SFPU_INIT(round_tile_init)
TX_SFPU_INIT(frac_tile_init)
ALWI void floor_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "floor_tile", tx_sfpu::TX_I_ROUND, [](float x) { return std::floor(x); }); }
ALWI void ceil_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "ceil_tile", tx_sfpu::TX_I_ROUND, [](float x) { return std::ceil(x); }); }
ALWI void trunc_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "trunc_tile", tx_sfpu::TX_I_ROUND, [](float x) { return std::trunc(x); }); }
// frac(x) = x - trunc(x) (keeps the sign of x)
ALWI void frac_tile(std::uint32_t idst) { tx_sfpu::unary(idst, "frac_tile", tx_sfpu::TX_I_ROUND + 1, [](float x) { return x - std::trunc(x); }); }
// round to `decimals` decimal places, ties to even (as torch.round): rint(x * 10^d) / 10^d;
// negative decimals round to tens, hundreds, ...
ALWI void round_tile(std::uint32_t idst, std::int32_t decimals = 0) {
    const float s = std::pow(10.f, float(decimals));
    tx_sfpu::unary(idst, "round_tile", tx_sfpu::TX_I_ROUND + 2, [s, decimals](float x) {
        if (decimals == 0) return tx_sfpu::round_half_even(x);
        if (std::isinf(x) || x != x) return x;
        return tx_sfpu::round_half_even(x * s) / s;
    });
}
ALWI void floor_tile_float32(std::uint32_t idst) { floor_tile(idst); }
ALWI void ceil_tile_float32(std::uint32_t idst) { ceil_tile(idst); }
ALWI void trunc_tile_float32(std::uint32_t idst) { trunc_tile(idst); }
ALWI void frac_tile_float32(std::uint32_t idst) { frac_tile(idst); }

}  // namespace ckernel

#include "api/compute/tx_sfpu_binary.h"
