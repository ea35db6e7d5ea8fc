// tensix: ttnn/cpp/ttnn/kernel_lib/eltwise_math.hpp (API-current §12.5): SFPU op elements of the eltwise
// chain. Each op is `struct X : UnaryOp<X<...>, Slot>` with static init() and call(dst) and a
// clobbers_sfpu_lut flag. Note the defaults: Exp<> and Log<> run the approximate variants
// (a = ApproxMode == Fast || FastApprox == Fast), Rsqrt<> calls rsqrt_tile<false, true>.
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"
#include "api/compute/eltwise_unary/exp.h"

namespace compute_kernel_lib {
enum class Dst : std::uint32_t { D0, D1, D2, D3, D4, D5, D6, D7, D8, D9, D10, D11, D12, D13, D14, D15 };
enum class Approx { Exact, Fast };
enum class Legacy { Off, On };
enum class FP32DestAcc { Off, On };

// CRTP bases: the slot must fit the DST window
template <class Derived, Dst Slot>
struct UnaryOp {
    static constexpr std::uint32_t slot = std::uint32_t(Slot);
    static_assert(slot < DEST_AUTO_LIMIT, "UnaryOp: the DST slot is beyond DEST_AUTO_LIMIT");
    static constexpr bool is_reader = false, is_packer = false;
    static constexpr bool clobbers_sfpu_lut = false;
    void run(std::uint32_t) const {
        Derived::init();
        Derived::call(slot);
    }
};
template <class Derived, Dst In0, Dst In1, Dst Out>
struct BinaryOp {
    static_assert(std::uint32_t(In0) < DEST_AUTO_LIMIT && std::uint32_t(In1) < DEST_AUTO_LIMIT && std::uint32_t(Out) < DEST_AUTO_LIMIT,
                  "BinaryOp: a DST slot is beyond DEST_AUTO_LIMIT");
    static constexpr bool is_reader = false, is_packer = false;
    void run(std::uint32_t) const {
        Derived::init();
        Derived::call(std::uint32_t(In0), std::uint32_t(In1), std::uint32_t(Out));
    }
};

template <Approx A = Approx::Exact, Dst S = Dst::D0>
struct Negative : UnaryOp<Negative<A, S>, S> {
    static void init() { negative_tile_init(); }
    static void call(std::uint32_t d) { negative_tile(d); }
};
template <Approx A = Approx::Exact, Dst S = Dst::D0>
struct Abs : UnaryOp<Abs<A, S>, S> {
    static void init() { abs_tile_init(); }
    static void call(std::uint32_t d) { abs_tile(d); }
};
template <Approx A = Approx::Exact, Dst S = Dst::D0>
struct Sqrt : UnaryOp<Sqrt<A, S>, S> {
    static void init() { sqrt_tile_init(); }
    static void call(std::uint32_t d) { sqrt_tile<A == Approx::Fast>(d); }
};
template <Approx ApproxMode = Approx::Exact, Approx FastApprox = Approx::Fast, FP32DestAcc F = FP32DestAcc::Off, Dst S = Dst::D0>
struct Exp : UnaryOp<Exp<ApproxMode, FastApprox, F, S>, S> {
    static constexpr bool a = ApproxMode == Approx::Fast || FastApprox == Approx::Fast;
    static constexpr bool clobbers_sfpu_lut = true;
    static void init() { exp_tile_init<a, 0x3F800000, InputClamping::ClampToNegative>(); }
    static void call(std::uint32_t d) { exp_tile<a, false, InputClamping::ClampToNegative, 8>(d); }
};
template <Approx ApproxMode = Approx::Exact, Approx FastApprox = Approx::Fast, FP32DestAcc F = FP32DestAcc::Off, Dst S = Dst::D0>
struct Log : UnaryOp<Log<ApproxMode, FastApprox, F, S>, S> {
    static constexpr bool f = ApproxMode == Approx::Fast || FastApprox == Approx::Fast;
    static constexpr bool clobbers_sfpu_lut = true;
    static void init() { log_tile_init<f>(); }
    static void call(std::uint32_t d) { log_tile<f>(d); }
};
template <Approx A = Approx::Exact, FP32DestAcc F = FP32DestAcc::Off, Dst S = Dst::D0>
struct Recip : UnaryOp<Recip<A, F, S>, S> {
    static void init() { recip_tile_init<true>(); }
    static void call(std::uint32_t d) { recip_tile<true>(d); }
};
template <Approx ApproxMode = Approx::Exact, FP32DestAcc F = FP32DestAcc::Off, Approx FastApprox = Approx::Fast, Legacy L = Legacy::Off,
          Dst S = Dst::D0>
struct Rsqrt : UnaryOp<Rsqrt<ApproxMode, F, FastApprox, L, S>, S> {
    static void init() { rsqrt_tile_init<L == Legacy::On>(); }
    static void call(std::uint32_t d) { rsqrt_tile<L == Legacy::On, FastApprox == Approx::Fast>(d); }
};
}  // namespace compute_kernel_lib
