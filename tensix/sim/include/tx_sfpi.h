// tensix: a host-side SFPI vector library, so custom SFPU kernels written in SFPI (API §4.7 "Custom
// SFPI"; examples custom_sfpi_add / custom_sfpi_smoothstep) compile with g++ and run on the simulated
// chip. Written from API and HW §6 (SOURCES.md). Included at the end
// of api/compute/tx_compute.h, so every compute kernel sees it: it uses no std headers.
//
// Model (HW §6: the SFPU has 32 lanes of 32 bits). A DST tile is 1024 32-bit words in face order
// (4 faces x 256); an SFPI row ("dst_reg row") is 32 consecutive words, so a face is 8 rows, a tile 32
// rows (4 faces x 8) and the whole DST register (16 tiles, contiguous) 512 rows. Lane l of row r of a
// face holds face element 32*r + l, i.e. face row 2*r + l/16, column l%16 (tensix's choice; the
// hardware's lane order does not matter to element-wise code).
//
// dst_reg indexes the whole DST register: dst_reg[i] is row (base + i), where base is the current
// face/row pointer; dst_reg++ advances it one row. The llk wrappers set base before each per-face call:
//   _llk_math_eltwise_unary_sfpu_params_<A>(fn, idst, mode = RC, args...): base = face f of tile idst;
//       fn(args...) once per face (RC: faces 0-3, R: faces 0,1, C: faces 0,2; None / RC_custom: one
//       call at face 0, the function walks the faces itself).
//   _llk_math_eltwise_binary_sfpu_params_<A>(fn, idst0, idst1, odst, mode = RC, args...): the same
//       faces, in one of two conventions picked at compile time from fn's signature:
//       * fn(idst0, idst1, odst, args...) is callable (tt-llk's current form): base = face f of DST
//         tile 0, and the kernel addresses its tiles absolutely: dst_reg[idst * 32 + i];
//       * otherwise fn(args...) (offset form): base = face f of tile idst0, and the kernel reaches the
//         other tiles by offsets of 32 rows per tile: dst_reg[(idst1 - idst0) * 32 + i], so with
//         idst0 = 0, idst1 = 1 the second operand is dst_reg[32 + i].
//       Both agree when idst0 == 0 (the examples' case).
// A row outside the acquired DST (tx_dst_capacity() tiles) is an error. After the call every tile the
// kernel stored to is rounded to the DST precision (bf16 unless fp32_dest_acc_en; a tile that only got
// vInt / vUInt stores keeps its bits), and the run is charged one cycle per SFPU vector operation
// (loads, stores, moves, arithmetic, compares, v_if bookkeeping) plus 2 per face (estimate from HW §6:
// the SFPU issues one instruction per cycle).
//
// Numerics: vFloat + - * are IEEE fp32 with one rounding each (the hardware's fused multiply-add and
// denormal handling are not modelled); vInt is two's complement 32-bit, vUInt unsigned 32-bit.
// Lane masks: comparisons give a vCond; v_if / v_elseif / v_else / v_endif keep a per-lane mask stack
// (nesting ANDs with the enclosing mask), and every assignment to an existing vFloat / vInt / vUInt
// (=, +=, ...) and every dst_reg store writes only the enabled lanes. Initialising a new variable
// (vFloat t = ...) writes all lanes.
#pragma once
#include <stdint.h>

namespace sfpi {

constexpr int SFP_LANES = 32;

// per-call SFPU state: DST base, current row, lane mask, op counter, which tiles got stores
struct tx_sfpi_state {
    uint32_t* dst = nullptr;     // word 0 of DST tile 0 (null outside an llk SFPU call)
    int32_t row = 0;             // dst_reg base, in rows from DST tile 0
    int32_t rows = 0;            // rows in the acquired DST (capacity * 32)
    uint32_t mask = 0xffffffffu; // enabled lanes
    uint32_t wrote_f = 0, wrote_i = 0;   // bit t: tile t got a float / an integer store
    uint64_t ops = 0;
    const char* call = "dst_reg";
};
inline tx_sfpi_state tx_st;

#define TX_LANES for (int l = 0; l < ::sfpi::SFP_LANES; l++)

inline uint32_t tx_f2u(float f) { return __builtin_bit_cast(uint32_t, f); }
inline float tx_u2f(uint32_t u) { return __builtin_bit_cast(float, u); }
inline uint32_t tx_round_bits(uint32_t u, int drop) {   // round-to-nearest-even, dropping `drop` low bits
    if ((u & 0x7f800000u) == 0x7f800000u) return (u & 0x7fffffu) ? ((u | 0x400000u) & ~((1u << drop) - 1u)) : u;
    uint32_t half = 1u << (drop - 1);
    return (u + (half - 1u) + ((u >> drop) & 1u)) & ~((1u << drop) - 1u);
}
inline float tx_rne_int(float x) {   // round to the nearest integer, ties to even (|x| < 2^23)
    return x >= 0.f ? (x + 8388608.f) - 8388608.f : (x - 8388608.f) + 8388608.f;
}

template <class T>
inline void tx_merge(T* d, const T* s) {   // copy the enabled lanes
    uint32_t m = tx_st.mask;
    if (m == 0xffffffffu) {
        TX_LANES d[l] = s[l];
    } else {
        TX_LANES if ((m >> l) & 1u) d[l] = s[l];
    }
}

// a per-lane condition from a comparison; combine with && || !
struct vCond {
    uint32_t m = 0;
    constexpr vCond() = default;
    constexpr explicit vCond(uint32_t bits) : m(bits) {}
    friend vCond operator&&(const vCond& a, const vCond& b) { tx_st.ops++; return vCond(a.m & b.m); }
    friend vCond operator||(const vCond& a, const vCond& b) { tx_st.ops++; return vCond(a.m | b.m); }
    friend vCond operator!(const vCond& a) { tx_st.ops++; return vCond(~a.m); }
};

struct tx_drow;

#define TX_VBIN(T, R, op, expr)                                                                  \
    friend R operator op(const T& a, const T& b) { R r; tx_st.ops++; TX_LANES r.v[l] = expr; return r; }
#define TX_VCMP(T, op)                                                                           \
    friend vCond operator op(const T& a, const T& b) {                                           \
        uint32_t m = 0; tx_st.ops++;                                                             \
        TX_LANES m |= uint32_t(a.v[l] op b.v[l]) << l;                                           \
        return vCond(m);                                                                         \
    }
#define TX_VCMPS(T) TX_VCMP(T, <) TX_VCMP(T, <=) TX_VCMP(T, >) TX_VCMP(T, >=) TX_VCMP(T, ==) TX_VCMP(T, !=)
#define TX_VCOMPOUND(T, op)                                                                      \
    T& operator op##=(const T& o) { return *this = *this op o; }

// ---- vFloat: 32 fp32 lanes --------------------------------------------------------------------------
struct vFloat {
    float v[SFP_LANES]{};
    constexpr vFloat() = default;
    constexpr vFloat(float f) { TX_LANES v[l] = f; }
    constexpr vFloat(const vFloat&) = default;
    inline vFloat(const tx_drow& r);   // load from DST
    // cycle accounting: an op writes its result register directly (assigning a fresh result costs
    // nothing more), and a product feeding an add or subtract is one SFPMAD (HW §6: SFPMAD IPC 1)
    bool tx_fresh = false, tx_product = false;
    vFloat& operator=(const vFloat& o) { if (!o.tx_fresh) tx_st.ops++; tx_merge(v, o.v); return *this; }
    vFloat operator-() const { vFloat r; tx_st.ops++; TX_LANES r.v[l] = -v[l]; r.tx_fresh = true; return r; }
    friend vFloat operator*(const vFloat& a, const vFloat& b) {
        vFloat r; tx_st.ops++; TX_LANES r.v[l] = a.v[l] * b.v[l]; r.tx_fresh = r.tx_product = true; return r;
    }
    friend vFloat operator+(const vFloat& a, const vFloat& b) {
        vFloat r; if (!a.tx_product && !b.tx_product) tx_st.ops++; TX_LANES r.v[l] = a.v[l] + b.v[l]; r.tx_fresh = true; return r;
    }
    friend vFloat operator-(const vFloat& a, const vFloat& b) {
        vFloat r; if (!a.tx_product && !b.tx_product) tx_st.ops++; TX_LANES r.v[l] = a.v[l] - b.v[l]; r.tx_fresh = true; return r;
    }
    TX_VCMPS(vFloat)
    TX_VCOMPOUND(vFloat, +)
    TX_VCOMPOUND(vFloat, -)
    TX_VCOMPOUND(vFloat, *)
};

// ---- vInt: 32 int32 lanes; vUInt: 32 uint32 lanes ---------------------------------------------------
#define TX_VINT_BODY(T, E)                                                                       \
    E v[SFP_LANES]{};                                                                            \
    constexpr T() = default;                                                                     \
    constexpr T(E x) { TX_LANES v[l] = x; }                                                      \
    constexpr T(const T&) = default;                                                             \
    inline T(const tx_drow& r);                                                                  \
    T& operator=(const T& o) { tx_st.ops++; tx_merge(v, o.v); return *this; }                    \
    T operator-() const { T r; tx_st.ops++; TX_LANES r.v[l] = E(0u - uint32_t(v[l])); return r; } \
    T operator~() const { T r; tx_st.ops++; TX_LANES r.v[l] = ~v[l]; return r; }                 \
    TX_VBIN(T, T, +, E(uint32_t(a.v[l]) + uint32_t(b.v[l])))                                     \
    TX_VBIN(T, T, -, E(uint32_t(a.v[l]) - uint32_t(b.v[l])))                                     \
    TX_VBIN(T, T, &, a.v[l] & b.v[l])                                                            \
    TX_VBIN(T, T, |, a.v[l] | b.v[l])                                                            \
    TX_VBIN(T, T, ^, a.v[l] ^ b.v[l])                                                            \
    friend T operator<<(const T& a, int n) { T r; tx_st.ops++; TX_LANES r.v[l] = E(uint32_t(a.v[l]) << (n & 31)); return r; } \
    friend T operator>>(const T& a, int n) { T r; tx_st.ops++; TX_LANES r.v[l] = a.v[l] >> (n & 31); return r; } \
    friend T operator<<(const T& a, const T& n) { T r; tx_st.ops++; TX_LANES r.v[l] = E(uint32_t(a.v[l]) << (n.v[l] & 31)); return r; } \
    friend T operator>>(const T& a, const T& n) { T r; tx_st.ops++; TX_LANES r.v[l] = a.v[l] >> (n.v[l] & 31); return r; } \
    TX_VCMPS(T)                                                                                  \
    TX_VCOMPOUND(T, +) TX_VCOMPOUND(T, -) TX_VCOMPOUND(T, &) TX_VCOMPOUND(T, |) TX_VCOMPOUND(T, ^) \
    T& operator<<=(int n) { return *this = *this << n; }                                         \
    T& operator>>=(int n) { return *this = *this >> n; }                                         \
    T& operator++() { return *this = *this + T(E(1)); }                                          \
    T& operator--() { return *this = *this - T(E(1)); }                                          \
    void operator++(int) { ++*this; }                                                            \
    void operator--(int) { --*this; }

struct vUInt;
struct vInt {   // >> is arithmetic
    TX_VINT_BODY(vInt, int32_t)
    inline vInt(const vUInt& u);
};
struct vUInt {  // >> is logical
    TX_VINT_BODY(vUInt, uint32_t)
    vUInt(const vInt& s) { TX_LANES v[l] = uint32_t(s.v[l]); }
};
inline vInt::vInt(const vUInt& u) { TX_LANES v[l] = int32_t(u.v[l]); }

// ---- dst_reg -------------------------------------------------------------------------------------
struct tx_drow {   // row `i` of DST (absolute, in rows from tile 0)
    int32_t i;
    uint32_t* at() const {
        if (!tx_st.dst)
            tx_fail("dst_reg: used outside an SFPU call; run SFPI code through _llk_math_eltwise_unary_sfpu_params_ / "
                    "_llk_math_eltwise_binary_sfpu_params_ (they point dst_reg at DST)");
        if (i < 0 || i >= tx_st.rows)
            tx_fail("%s: dst_reg row %d is outside the acquired DST (%d tiles of 32 rows: rows 0..%d)", tx_st.call, int(i),
                    int(tx_st.rows / 32), int(tx_st.rows - 1));
        return tx_st.dst + uint32_t(i) * SFP_LANES;
    }
    template <class T>
    tx_drow& store(const T& x, bool is_int) {
        uint32_t* w = at();
        uint32_t bits[SFP_LANES];
        TX_LANES bits[l] = __builtin_bit_cast(uint32_t, x.v[l]);
        tx_merge(w, bits);
        (is_int ? tx_st.wrote_i : tx_st.wrote_f) |= 1u << (i / 32);
        tx_st.ops++;
        return *this;
    }
    tx_drow& operator=(const vFloat& x) { return store(x, false); }
    tx_drow& operator=(const vInt& x) { return store(x, true); }
    tx_drow& operator=(const vUInt& x) { return store(x, true); }
    tx_drow& operator=(float f) { return store(vFloat(f), false); }
    tx_drow& operator=(double f) { return store(vFloat(float(f)), false); }
    tx_drow& operator=(int f) { return store(vFloat(float(f)), false); }
    tx_drow& operator=(const tx_drow& o) { return store(vFloat(o), false); }
    tx_drow& operator+=(const vFloat& x) { return *this = vFloat(*this) + x; }
    tx_drow& operator-=(const vFloat& x) { return *this = vFloat(*this) - x; }
    tx_drow& operator*=(const vFloat& x) { return *this = vFloat(*this) * x; }
    vFloat operator-() const { return -vFloat(*this); }
    // float arithmetic and comparisons with dst_reg operands (so float + dst_reg[i] is not ambiguous)
#define TX_DROW_OP(R, op)                                                                        \
    friend R operator op(const tx_drow& a, const tx_drow& b) { return vFloat(a) op vFloat(b); }  \
    friend R operator op(const tx_drow& a, const vFloat& b) { return vFloat(a) op b; }           \
    friend R operator op(const vFloat& a, const tx_drow& b) { return a op vFloat(b); }
    TX_DROW_OP(vFloat, +) TX_DROW_OP(vFloat, -) TX_DROW_OP(vFloat, *)
    TX_DROW_OP(vCond, <) TX_DROW_OP(vCond, <=) TX_DROW_OP(vCond, >) TX_DROW_OP(vCond, >=)
    TX_DROW_OP(vCond, ==) TX_DROW_OP(vCond, !=)
#undef TX_DROW_OP
};

inline vFloat::vFloat(const tx_drow& r) {
    const uint32_t* w = r.at();
    tx_st.ops++;
    TX_LANES v[l] = tx_u2f(w[l]);
}
inline vInt::vInt(const tx_drow& r) {
    const uint32_t* w = r.at();
    tx_st.ops++;
    TX_LANES v[l] = int32_t(w[l]);
}
inline vUInt::vUInt(const tx_drow& r) {
    const uint32_t* w = r.at();
    tx_st.ops++;
    TX_LANES v[l] = w[l];
}

struct tx_dst_reg {
    tx_drow operator[](int i) const { return tx_drow{tx_st.row + i}; }
    void operator++(int) const { tx_st.row++; }
    void operator++() const { tx_st.row++; }
    void operator+=(int n) const { tx_st.row += n; }
};
inline constexpr tx_dst_reg dst_reg{};

// ---- constants ---------------------------------------------------------------------------------------
inline constexpr vFloat vConst0{0.0f};
inline constexpr vFloat vConst1{1.0f};
inline constexpr vFloat vConstNeg1{-1.0f};
inline constexpr vFloat vConst0p8373{0.8373f};
inline vFloat vConstFloatPrgm0, vConstFloatPrgm1, vConstFloatPrgm2;   // programmable (set in an init)
inline vInt vConstIntPrgm0, vConstIntPrgm1, vConstIntPrgm2;

// scalar immediates: s2vFloat16b(float) is the value rounded to bf16; s2vFloat16b(int) takes bf16 bits
// (as host code passes parameters); s2vFloat16a likewise for fp16 (bits: 1-5-10)
inline float s2vFloat16b(float f) { return tx_u2f(tx_round_bits(tx_f2u(f), 16)); }
inline float s2vFloat16b(double f) { return s2vFloat16b(float(f)); }
inline float s2vFloat16b(uint32_t bits) { return tx_u2f((bits & 0xffffu) << 16); }
inline float s2vFloat16b(int32_t bits) { return s2vFloat16b(uint32_t(bits)); }
inline float s2vFloat16a(float f) { return tx_u2f(tx_round_bits(tx_f2u(f), 13)); }
inline float s2vFloat16a(double f) { return s2vFloat16a(float(f)); }
inline float s2vFloat16a(uint32_t h) {
    uint32_t s = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return tx_u2f(s | 0x7f800000u | (m << 13));
    if (e == 0) return (s ? -1.f : 1.f) * float(m) * (1.0f / 16777216.0f);
    return tx_u2f(s | ((e + 112u) << 23) | (m << 13));
}
inline float s2vFloat16a(int32_t h) { return s2vFloat16a(uint32_t(h)); }

// ---- lane conditions: v_if / v_elseif / v_else / v_endif, v_block / v_and / v_endblock ---------------
struct tx_cc {
    uint32_t parent, taken;
    tx_cc() : parent(tx_st.mask), taken(0) {}
    ~tx_cc() { tx_st.mask = parent; }
    tx_cc(const tx_cc&) = delete;
    void if_(const vCond& c) { tx_st.ops++; taken = parent & c.m; tx_st.mask = taken; }
    void elseif_(const vCond& c) { tx_st.ops++; uint32_t m = parent & ~taken & c.m; taken |= m; tx_st.mask = m; }
    void else_() { tx_st.ops++; tx_st.mask = parent & ~taken; taken = parent; }
    void and_(const vCond& c) { tx_st.ops++; tx_st.mask &= c.m; taken = tx_st.mask; }
};
#define v_if(x) { ::sfpi::tx_cc _tx_cc_; _tx_cc_.if_((x));
#define v_elseif(x) _tx_cc_.elseif_((x));
#define v_else _tx_cc_.else_();
#define v_endif }
#define v_block { ::sfpi::tx_cc _tx_cc_;
#define v_and(x) _tx_cc_.and_((x));
#define v_endblock }

// ---- bit-level helpers -------------------------------------------------------------------------------
template <class T, class S>
inline T reinterpret(const S& s) {
    static_assert(sizeof(T::v) == sizeof(S::v), "sfpi::reinterpret: between vFloat, vInt and vUInt");
    T t;
    __builtin_memcpy(t.v, s.v, sizeof(t.v));
    return t;
}

#define TX_FMAP(R, name, param, expr) \
    inline R name(param) { R r; tx_st.ops++; TX_LANES { uint32_t u = tx_f2u(v.v[l]); (void)u; r.v[l] = expr; } return r; }
TX_FMAP(vFloat, abs, const vFloat& v, tx_u2f(u & 0x7fffffffu))
TX_FMAP(vInt, exexp, const vFloat& v, int32_t((u >> 23) & 0xffu) - 127)           // unbiased exponent
TX_FMAP(vInt, exexp_nodebias, const vFloat& v, int32_t((u >> 23) & 0xffu))        // raw exponent field
TX_FMAP(vInt, exman8, const vFloat& v, int32_t((u & 0x7fffffu) | 0x800000u))      // mantissa with hidden 1
TX_FMAP(vInt, exman9, const vFloat& v, int32_t(u & 0x7fffffu))                    // mantissa without it
TX_FMAP(vFloat, approx_recip, const vFloat& v, 1.0f / v.v[l])
TX_FMAP(vFloat, tx_float_to_fp16b, const vFloat& v, tx_u2f(tx_round_bits(u, 16)))
#undef TX_FMAP
inline vInt abs(const vInt& v) { vInt r; tx_st.ops++; TX_LANES r.v[l] = v.v[l] < 0 ? int32_t(0u - uint32_t(v.v[l])) : v.v[l]; return r; }
inline vFloat abs(const tx_drow& d) { return abs(vFloat(d)); }

// sign: setsgn(v, s) gives |v| with sign bit s&1 (immediate) or the sign bit of s (vector)
inline vFloat setsgn(const vFloat& v, int s) { vFloat r; tx_st.ops++; TX_LANES r.v[l] = tx_u2f((tx_f2u(v.v[l]) & 0x7fffffffu) | (uint32_t(s & 1) << 31)); return r; }
inline vFloat setsgn(const vFloat& v, const vFloat& s) { vFloat r; tx_st.ops++; TX_LANES r.v[l] = tx_u2f((tx_f2u(v.v[l]) & 0x7fffffffu) | (tx_f2u(s.v[l]) & 0x80000000u)); return r; }
inline vFloat setsgn(const vFloat& v, const vInt& s) { vFloat r; tx_st.ops++; TX_LANES r.v[l] = tx_u2f((tx_f2u(v.v[l]) & 0x7fffffffu) | (uint32_t(s.v[l]) & 0x80000000u)); return r; }
// exponent / mantissa: setexp puts the raw (biased) 8-bit exponent e; setman the 23-bit mantissa m;
// addexp adds e to the exponent field (x * 2^e for normal numbers)
inline vFloat setexp(const vFloat& v, const vInt& e) { vFloat r; tx_st.ops++; TX_LANES r.v[l] = tx_u2f((tx_f2u(v.v[l]) & 0x807fffffu) | ((uint32_t(e.v[l]) & 0xffu) << 23)); return r; }
inline vFloat setexp(const vFloat& v, int e) { return setexp(v, vInt(e)); }
inline vFloat setexp(const vFloat& v, const vUInt& e) { return setexp(v, vInt(e)); }
inline vFloat setman(const vFloat& v, const vInt& m) { vFloat r; tx_st.ops++; TX_LANES r.v[l] = tx_u2f((tx_f2u(v.v[l]) & 0xff800000u) | (uint32_t(m.v[l]) & 0x7fffffu)); return r; }
inline vFloat setman(const vFloat& v, int m) { return setman(v, vInt(m)); }
inline vFloat setman(const vFloat& v, const vUInt& m) { return setman(v, vInt(m)); }
inline vFloat addexp(const vFloat& v, int e) {
    vFloat r; tx_st.ops++;
    TX_LANES { uint32_t u = tx_f2u(v.v[l]); r.v[l] = tx_u2f((u & 0x807fffffu) | (((((u >> 23) & 0xffu) + uint32_t(e)) & 0xffu) << 23)); }
    return r;
}
inline vInt lz(const vInt& v) { vInt r; tx_st.ops++; TX_LANES r.v[l] = v.v[l] ? __builtin_clz(uint32_t(v.v[l])) : 32; return r; }
inline vInt lz(const vUInt& v) { return lz(vInt(v)); }
inline vInt lz(const vFloat& v) { return lz(reinterpret<vInt>(v)); }
inline vInt lz(const tx_drow& d) { return lz(vInt(d)); }
// shft(v, n): shift left by n, right (logical) by -n
inline vUInt shft(const vUInt& v, const vInt& n) {
    vUInt r; tx_st.ops++;
    TX_LANES { int32_t k = n.v[l]; r.v[l] = k >= 32 || k <= -32 ? 0u : k >= 0 ? v.v[l] << k : v.v[l] >> -k; }
    return r;
}
inline vUInt shft(const vUInt& v, int n) { return shft(v, vInt(n)); }
inline void vec_min_max(vFloat& a, vFloat& b) {   // a = min(a, b), b = max(a, b) in the enabled lanes
    vFloat lo, hi; tx_st.ops++;
    TX_LANES { lo.v[l] = a.v[l] < b.v[l] ? a.v[l] : b.v[l]; hi.v[l] = a.v[l] < b.v[l] ? b.v[l] : a.v[l]; }
    a = lo; b = hi;
}

// clamp(x, lo, hi) with float bounds (sfpi 7.77, API-current §3.3); NaN stays NaN
inline vFloat clamp(const vFloat& x, float lo, float hi) {
    vFloat r; tx_st.ops += 2;
    TX_LANES { float v = x.v[l]; r.v[l] = v < lo ? lo : v > hi ? hi : v; }
    return r;
}
inline vFloat clamp(const tx_drow& d, float lo, float hi) { return clamp(vFloat(d), lo, hi); }

// ---- conversions (round_mode is accepted; rounding is always to nearest, ties to even) ---------------
inline vFloat int32_to_float(const vInt& v, int round_mode = 0) {
    (void)round_mode; vFloat r; tx_st.ops++; TX_LANES r.v[l] = float(v.v[l]); return r;
}
inline vFloat float_to_fp16b(const vFloat& v, int round_mode = 0) { (void)round_mode; return tx_float_to_fp16b(v); }
// the value rounded to fp16's 10 mantissa bits (the exponent range is not clamped)
inline vFloat float_to_fp16a(const vFloat& v, int round_mode = 0) {
    (void)round_mode; vFloat r; tx_st.ops++; TX_LANES r.v[l] = tx_u2f(tx_round_bits(tx_f2u(v.v[l]), 13)); return r;
}
template <class T, class E>
inline T tx_float_to_sat(const vFloat& v, float lo, float hi) {
    T r; tx_st.ops++;
    TX_LANES { float x = v.v[l]; x = x != x ? 0.f : x < lo ? lo : x > hi ? hi : x; r.v[l] = E(int32_t(tx_rne_int(x))); }
    return r;
}
inline vInt float_to_int16(const vFloat& v, int round_mode = 0) { (void)round_mode; return tx_float_to_sat<vInt, int32_t>(v, -32768.f, 32767.f); }
inline vUInt float_to_uint16(const vFloat& v, int round_mode = 0) { (void)round_mode; return tx_float_to_sat<vUInt, uint32_t>(v, 0.f, 65535.f); }
inline vInt float_to_int8(const vFloat& v, int round_mode = 0) { (void)round_mode; return tx_float_to_sat<vInt, int32_t>(v, -128.f, 127.f); }
inline vUInt float_to_uint8(const vFloat& v, int round_mode = 0) { (void)round_mode; return tx_float_to_sat<vUInt, uint32_t>(v, 0.f, 255.f); }

#undef TX_VBIN
#undef TX_VCMP
#undef TX_VCMPS
#undef TX_VCOMPOUND
#undef TX_VINT_BODY

}  // namespace sfpi

#define sfpi_inline inline __attribute__((always_inline))
typedef unsigned int uint;   // SFPU kernel code often says `uint` (glibc's <sys/types.h> has the same typedef)

// ---- the llk SFPU wrappers (API §4.7) ---------------------------------------------------------------
namespace ckernel {
using namespace sfpi;   // kernels use vFloat, dst_reg, ... unqualified (tx_compute.h: using namespace ckernel)

constexpr uint32_t dst_tile_size_sfpi = 32;   // dst_reg rows per DST tile

struct tx_vmode {   // vector_mode: VectorMode or its int value
    int v;
    constexpr tx_vmode(int m) : v(m) {}
    constexpr tx_vmode(VectorMode m) : v(int(m)) {}
};

template <class T> T&& tx_declval() noexcept;
template <class F, class... A>
constexpr auto tx_takes_indices(int) -> decltype(tx_declval<F&>()(0u, 0u, 0u, tx_declval<A&>()...), true) { return true; }
template <class F, class... A>
constexpr bool tx_takes_indices(long) { return false; }

inline void tx_sfpu_begin(const char* call) {
    sfpi::tx_sfpi_state& s = sfpi::tx_st;
    s.dst = tx_dst_tile(0, call);
    s.rows = int32_t(tx_dst_capacity() * 32);
    s.mask = 0xffffffffu;
    s.wrote_f = s.wrote_i = 0;
    s.ops = 0;
    s.call = call;
}
inline void tx_sfpu_end(uint32_t any_tile, uint32_t faces) {
    sfpi::tx_sfpi_state& s = sfpi::tx_st;
    uint32_t cycles = uint32_t(s.ops) + 2 * faces;
    uint32_t wrote = s.wrote_f | s.wrote_i;
    s.dst = nullptr;
    s.mask = 0xffffffffu;
    if (!wrote) { tx_sfpu_done(any_tile, cycles, 1); return; }
    for (uint32_t t = 0; t < 16; t++)
        if ((wrote >> t) & 1u) {
            tx_sfpu_done(t, cycles, ((s.wrote_f >> t) & 1u) ? 0 : 1);
            cycles = 0;
        }
}
// face f's first row, per vector mode; returns the number of faces (None / RC_custom: one call)
inline int tx_faces(int mode, int* first) {
    if (mode == int(VectorMode::RC)) { first[0] = 0; first[1] = 8; first[2] = 16; first[3] = 24; return 4; }
    if (mode == int(VectorMode::R)) { first[0] = 0; first[1] = 8; return 2; }
    if (mode == int(VectorMode::C)) { first[0] = 0; first[1] = 16; return 2; }
    first[0] = 0;
    return 1;
}

template <bool APPROXIMATE = false, class F, class... A>
inline void _llk_math_eltwise_unary_sfpu_params_(F&& fn, uint32_t dst_index, tx_vmode vector_mode = VectorMode::RC, A&&... args) {
    const char* call = "_llk_math_eltwise_unary_sfpu_params_";
    tx_dst_tile(dst_index, call);   // checks the index
    tx_sfpu_begin(call);
    int first[4];
    int n = tx_faces(vector_mode.v, first);
    for (int f = 0; f < n; f++) {
        sfpi::tx_st.row = int32_t(dst_index * 32) + first[f];
        fn(args...);
    }
    tx_sfpu_end(dst_index, n);
}

template <bool APPROXIMATE = false, class F, class... A>
inline void _llk_math_eltwise_binary_sfpu_params_(F&& fn, uint32_t dst_index_in0, uint32_t dst_index_in1, uint32_t dst_index_out,
                                                  tx_vmode vector_mode = VectorMode::RC, A&&... args) {
    const char* call = "_llk_math_eltwise_binary_sfpu_params_";
    tx_dst_tile(dst_index_in0, call);
    tx_dst_tile(dst_index_in1, call);
    tx_dst_tile(dst_index_out, call);
    tx_sfpu_begin(call);
    int first[4];
    int n = tx_faces(vector_mode.v, first);
    for (int f = 0; f < n; f++) {
        if constexpr (tx_takes_indices<F, A...>(0)) {
            sfpi::tx_st.row = first[f];
            fn(dst_index_in0, dst_index_in1, dst_index_out, args...);
        } else {
            sfpi::tx_st.row = int32_t(dst_index_in0 * 32) + first[f];
            fn(args...);
        }
    }
    tx_sfpu_end(dst_index_out, n);
}

// legacy name of the unary wrapper
template <bool APPROXIMATE = false, class F, class... A>
inline void llk_math_eltwise_unary_sfpu_params(F&& fn, uint32_t dst_index, tx_vmode vector_mode = VectorMode::RC, A&&... args) {
    _llk_math_eltwise_unary_sfpu_params_<APPROXIMATE>(fn, dst_index, vector_mode, args...);
}

}  // namespace ckernel
