// tensix kernel-API header: the SFPU ops on several DST tiles or formats -- typecast, where, the
// binary SFPU ops -- and the ops the simulator does not have (they fail to compile, naming the op).
// Included by tx_sfpu.h.
#pragma once
#include "api/compute/tx_sfpu.h"

namespace ckernel {

// ---- typecast (typecast.h) -------------------------------------------------------------------------
// IN_DF / OUT_DF are DataFormat values (as DataFormat or uint32_t). Float formats (Float32, Float16,
// Float16_b, Bfp8/4(_b)) -> Int32 / UInt32 / UInt16 / UInt8: round to nearest, ties to even, saturate
// to the target's range (negative -> 0 for unsigned), NaN -> 0. Integer -> float: the nearest fp32
// (then DST rounding; an explicit Float16_b output is rounded to bf16, nearest-even). Integer ->
// integer: value-preserving where it fits, else saturated. Float -> float: Float16_b output rounds to
// bf16, Float16 to fp16 (nearest-even), Float32 keeps the value.
namespace tx_sfpu {
constexpr bool df_float(u32 f) { return f == 0 || f == 1 || f == 2 || f == 3 || f == 4 || f == 5 || f == 6 || f == 7; }
constexpr bool df_int(u32 f) { return f == 8 || f == 9 || f == 24 || f == 30; }
constexpr bool df_signed(u32 f) { return f == 8; }
inline double int_value(u32 f, u32 v) { return f == 8 ? double(std::int32_t(v)) : f == 9 ? double(v & 0xffffu) : f == 30 ? double(v & 0xffu) : double(v); }
inline u32 int_from_double(u32 f, double d) {
    if (d != d) return 0;
    double lo = f == 8 ? -2147483648.0 : 0.0;
    double hi = f == 8 ? 2147483647.0 : f == 9 ? 65535.0 : f == 30 ? 255.0 : 4294967295.0;
    d = std::nearbyint(d);
    if (d < lo) d = lo;
    if (d > hi) d = hi;
    return f == 8 ? u32(std::int32_t(d)) : u32(d);
}
inline u32 round_to_bf16_bits(u32 u) {
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu)) return (u | 0x400000u) & 0xffff0000u;
    return (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
}
inline float round_to_fp16(float x) {   // nearest-even to IEEE half, as a float (inf on overflow)
    if (x != x || std::isinf(x) || x == 0.f) return x;
    float a = std::fabs(x);
    int e;
    std::frexp(a, &e);                    // a in [2^(e-1), 2^e)
    int q = e - 1 < -14 ? -24 : e - 1 - 10;   // quantum
    float r = std::ldexp(std::nearbyint(std::ldexp(a, -q)), q);
    if (r >= 65520.f) r = F(0x7f800000);
    return std::copysign(r, x);
}
}  // namespace tx_sfpu

template <auto IN_DF, auto OUT_DF>
ALWI void typecast_tile_init() {}
template <auto IN_DF, auto OUT_DF>
ALWI void typecast_tile(std::uint32_t idst) {
    constexpr std::uint32_t in = std::uint32_t(IN_DF), out = std::uint32_t(OUT_DF);
    static_assert((tx_sfpu::df_float(in) || tx_sfpu::df_int(in)) && (tx_sfpu::df_float(out) || tx_sfpu::df_int(out)),
                  "tensix: typecast_tile between these data formats is not simulated yet (supported: Float32, Float16, "
                  "Float16_b, Bfp8_b/Bfp4_b, Int32, UInt32, UInt16, UInt8)");
    tx_sfpu::unary_bits(idst, "typecast_tile", tx_sfpu::TX_I_ROUND, tx_sfpu::df_int(out), [](std::uint32_t v) -> std::uint32_t {
        if constexpr (tx_sfpu::df_float(in) && tx_sfpu::df_int(out)) {
            return tx_sfpu::int_from_double(out, double(tx_sfpu::F(v)));
        } else if constexpr (tx_sfpu::df_int(in) && tx_sfpu::df_int(out)) {
            return tx_sfpu::int_from_double(out, tx_sfpu::int_value(in, v));
        } else {
            float f = tx_sfpu::df_int(in) ? float(tx_sfpu::int_value(in, v)) : tx_sfpu::F(v);
            if constexpr (out == 5) return tx_sfpu::round_to_bf16_bits(tx_sfpu::U(f));
            else if constexpr (out == 1) return tx_sfpu::U(tx_sfpu::round_to_fp16(f));
            else return tx_sfpu::U(f);
        }
    });
}

// ---- where (where.h): DST[o] = DST[c] != 0 ? DST[t] : DST[f] (float compare; integer for Int32/UInt*) -
template <auto DF = DataFormat::Float16_b>
ALWI void where_tile_init() {}
template <auto DF = DataFormat::Float16_b>
ALWI void where_tile(std::uint32_t icond, std::uint32_t itrue, std::uint32_t ifalse, std::uint32_t odst) {
    constexpr bool is_int = tx_sfpu::df_int(std::uint32_t(DF));
    const std::uint32_t* c = tx_dst_tile(icond, "where_tile");
    const std::uint32_t* t = tx_dst_tile(itrue, "where_tile");
    const std::uint32_t* f = tx_dst_tile(ifalse, "where_tile");
    std::uint32_t* o = tx_dst_tile(odst, "where_tile");
    for (int i = 0; i < 1024; i++) {
        bool nz = is_int ? c[i] != 0 : (c[i] & 0x7fffffffu) != 0;
        o[i] = nz ? t[i] : f[i];
    }
    tx_sfpu_done(odst, 32 * 6, is_int);
}

// ---- binary SFPU (eltwise_binary_sfpu.h, binary_max_min.h, binary_comp.h) ---------------------------
#define TX_SFPU_BIN(name, instr, expr)                                                                         \
    TX_SFPU_INIT(name##_binary_tile_init)                                                                      \
    ALWI void name##_binary_tile(std::uint32_t idst0, std::uint32_t idst1, std::uint32_t odst) {               \
        tx_sfpu::binary(idst0, idst1, odst, #name "_binary_tile", instr, [](float a, float b) { return expr; }); \
    }
TX_SFPU_BIN(add, 1, a + b)
TX_SFPU_BIN(sub, 1, a - b)
TX_SFPU_BIN(mul, 1, a * b)
TX_SFPU_BIN(div, tx_sfpu::TX_I_EXACT, a / b)
TX_SFPU_BIN(rsub, 1, b - a)
TX_SFPU_BIN(power, tx_sfpu::TX_I_HEAVY, std::pow(a, b))
TX_SFPU_BIN(max, tx_sfpu::TX_I_CMP, a < b ? b : a)
TX_SFPU_BIN(min, tx_sfpu::TX_I_CMP, a > b ? b : a)
TX_SFPU_BIN(eq, tx_sfpu::TX_I_CMP, tx_sfpu::cmp(a == b))
TX_SFPU_BIN(ne, tx_sfpu::TX_I_CMP, tx_sfpu::cmp(a != b))
TX_SFPU_BIN(lt, tx_sfpu::TX_I_CMP, tx_sfpu::cmp(a < b))
TX_SFPU_BIN(gt, tx_sfpu::TX_I_CMP, tx_sfpu::cmp(a > b))
TX_SFPU_BIN(le, tx_sfpu::TX_I_CMP, tx_sfpu::cmp(a <= b))
TX_SFPU_BIN(ge, tx_sfpu::TX_I_CMP, tx_sfpu::cmp(a >= b))
#undef TX_SFPU_BIN
// binary_max_min.h spellings
TX_SFPU_INIT(binary_max_tile_init)
TX_SFPU_INIT(binary_min_tile_init)
ALWI void binary_max_tile(std::uint32_t a, std::uint32_t b, std::uint32_t o, int vector_mode = int(VectorMode::RC)) { (void)vector_mode; max_binary_tile(a, b, o); }
ALWI void binary_min_tile(std::uint32_t a, std::uint32_t b, std::uint32_t o, int vector_mode = int(VectorMode::RC)) { (void)vector_mode; min_binary_tile(a, b, o); }
TX_SFPU_INIT(binary_max_int32_tile_init)
TX_SFPU_INIT(binary_min_int32_tile_init)
ALWI void binary_max_int32_tile(std::uint32_t a, std::uint32_t b, std::uint32_t o) {
    tx_sfpu::binary_bits(a, b, o, "binary_max_int32_tile", tx_sfpu::TX_I_CMP, [](std::uint32_t x, std::uint32_t y) { return std::int32_t(x) < std::int32_t(y) ? y : x; });
}
ALWI void binary_min_int32_tile(std::uint32_t a, std::uint32_t b, std::uint32_t o) {
    tx_sfpu::binary_bits(a, b, o, "binary_min_int32_tile", tx_sfpu::TX_I_CMP, [](std::uint32_t x, std::uint32_t y) { return std::int32_t(x) > std::int32_t(y) ? y : x; });
}
TX_SFPU_INIT(add_int32_tile_init)
ALWI void add_int32_tile(std::uint32_t a, std::uint32_t b, std::uint32_t o) {
    tx_sfpu::binary_bits(a, b, o, "add_int32_tile", 1, [](std::uint32_t x, std::uint32_t y) { return x + y; });
}
TX_SFPU_INIT(sub_int32_tile_init)
ALWI void sub_int32_tile(std::uint32_t a, std::uint32_t b, std::uint32_t o) {
    tx_sfpu::binary_bits(a, b, o, "sub_int32_tile", 1, [](std::uint32_t x, std::uint32_t y) { return x - y; });
}

// ---- not simulated: using one fails to compile with its name ------------------------------------------
namespace tx_sfpu {
template <class... A>
struct not_simulated { static constexpr bool value = false; };
}  // namespace tx_sfpu
#define TX_SFPU_TODO(name)                                                                                   \
    template <class... A>                                                                                    \
    ALWI void name(A...) {                                                                                   \
        static_assert(tx_sfpu::not_simulated<A...>::value, "tensix: " #name " is not simulated yet");        \
    }
TX_SFPU_TODO(topk_tile_init)
TX_SFPU_TODO(topk_local_sort)
TX_SFPU_TODO(topk_merge)
TX_SFPU_TODO(topk_rebuild)
TX_SFPU_TODO(max_reduce_with_indices_init)
TX_SFPU_TODO(max_reduce_with_indices)
TX_SFPU_TODO(sfpu_reduce_init)
TX_SFPU_TODO(sfpu_reduce)
TX_SFPU_TODO(tiled_prod_tile_init)
TX_SFPU_TODO(tiled_prod_tile)
TX_SFPU_TODO(alt_complex_rotate90_tile_init)
TX_SFPU_TODO(alt_complex_rotate90_tile)
TX_SFPU_TODO(dropout_tile_init)
TX_SFPU_TODO(dropout_tile)
TX_SFPU_TODO(dropout_kernel_init)
TX_SFPU_TODO(rand_tile_init)
TX_SFPU_TODO(rand_tile)
TX_SFPU_TODO(stochastic_round_tile_init)
TX_SFPU_TODO(stochastic_round_tile)
TX_SFPU_TODO(i0_tile_init)
TX_SFPU_TODO(i0_tile)
TX_SFPU_TODO(i1_tile_init)
TX_SFPU_TODO(i1_tile)
TX_SFPU_TODO(erfinv_tile_init)
TX_SFPU_TODO(erfinv_tile)
TX_SFPU_TODO(lerp_tile_init)
TX_SFPU_TODO(lerp_tile)
TX_SFPU_TODO(addcmul_tile_init)
TX_SFPU_TODO(addcmul_tile)
TX_SFPU_TODO(addcdiv_tile_init)
TX_SFPU_TODO(addcdiv_tile)
TX_SFPU_TODO(xlogy_binary_tile_init)
TX_SFPU_TODO(xlogy_binary_tile)
TX_SFPU_TODO(atan2_binary_tile_init)
TX_SFPU_TODO(atan2_binary_tile)
TX_SFPU_TODO(gcd_tile_init)
TX_SFPU_TODO(gcd_tile)
TX_SFPU_TODO(lcm_tile_init)
TX_SFPU_TODO(lcm_tile)
TX_SFPU_TODO(bitwise_and_tile_init)
TX_SFPU_TODO(bitwise_and_tile)
TX_SFPU_TODO(bitwise_or_tile_init)
TX_SFPU_TODO(bitwise_or_tile)
TX_SFPU_TODO(bitwise_xor_tile_init)
TX_SFPU_TODO(bitwise_xor_tile)
TX_SFPU_TODO(bitwise_not_tile_init)
TX_SFPU_TODO(bitwise_not_tile)
TX_SFPU_TODO(left_shift_tile_init)
TX_SFPU_TODO(left_shift_tile)
TX_SFPU_TODO(right_shift_tile_init)
TX_SFPU_TODO(right_shift_tile)
TX_SFPU_TODO(div_int32_tile_init)
TX_SFPU_TODO(div_int32_tile)
#undef TX_SFPU_TODO
#undef TX_SFPU_INIT

}  // namespace ckernel
