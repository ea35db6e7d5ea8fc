// tensix: ttnn/cpp/ttnn/kernel_lib/eltwise_chain.hpp -> compute_kernel_lib::eltwise_chain, the newest form
// (API-current §12.5 (c)), written from SOURCES.md (current). The chain owns the DST
// window, each element's init and each CB's wait / pop / reserve / push; the caller owns the one-time
// init (compute_kernel_hw_startup). Per tile: acquire, the elements in order (readers wait, init, copy or
// FPU op into DST, pop; SFPU ops init and run), commit/wait, the PackTile elements (reserve, pack, push),
// release. Upfront waits and exit pops happen outside the loop. Several readers of one CB share one wait
// (at the first user) and one pop (at the last user). Tiles are processed one at a time (block_size
// lanes > 1 give the same results; the Chunked lifecycles and TileOffset::Set are not provided).
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/eltwise_math.hpp"
#include "api/compute/eltwise_binary.h"
#include "api/compute/bcast.h"

namespace compute_kernel_lib {
enum class SetupOwner { Chain, Caller };
struct EltwiseShape {
    std::uint32_t Ht, Wt, block_size;
    static constexpr EltwiseShape tiles(std::uint32_t n, std::uint32_t blk = 1) { return {1, n, blk}; }
    static constexpr EltwiseShape grid(std::uint32_t H, std::uint32_t W, std::uint32_t blk = 1) { return {H, W, blk}; }
    static constexpr EltwiseShape of(std::uint32_t r, std::uint32_t c) { return {r, c, 1}; }
    static constexpr EltwiseShape row(std::uint32_t c) { return {1, c, 1}; }
    static constexpr EltwiseShape col(std::uint32_t r) { return {r, 1, 1}; }
    static constexpr EltwiseShape single() { return {1, 1, 1}; }
};
enum class InputLifecycle { Streaming, Chunked, Bulk, Pipelined, CallerManaged, BulkDrain, HeldBulk, HeldCumulative, HeldStream,
                            DeferredPop, NoWaitPop, OuterStream };
enum class OutputLifecycle { Streaming, Chunked, Bulk, ReserveAllPushPerTile, ReserveAllPushPerChunk, CallerManaged, ReserveNonePushEnd };
enum class OperandKind { Block, Row, Col, Scalar };
enum class DataFormatReconfig { Disabled, Enabled };
enum class TileOffset { Unset, Set };
struct InputSpec { InputLifecycle life; OperandKind kind; DataFormatReconfig reconfig; TileOffset offset; };
struct OutputSpec { OutputLifecycle life; DataFormatReconfig reconfig; TileOffset offset; };
constexpr InputSpec input(InputLifecycle l = InputLifecycle::Streaming, OperandKind k = OperandKind::Scalar,
                          DataFormatReconfig r = DataFormatReconfig::Enabled, TileOffset o = TileOffset::Unset) { return {l, k, r, o}; }
constexpr InputSpec input(InputLifecycle l, DataFormatReconfig r) { return {l, OperandKind::Scalar, r, TileOffset::Unset}; }
constexpr OutputSpec output(OutputLifecycle l = OutputLifecycle::Streaming, DataFormatReconfig r = DataFormatReconfig::Enabled,
                            TileOffset o = TileOffset::Unset) { return {l, r, o}; }
enum class BinaryFpuOp { Add, Sub, Mul };
enum class BroadcastDim { None = 0, Col = 1, Row = 2, Scalar = 3 };

namespace eltwise_detail {
using L = InputLifecycle;
// the input protocol of a lifecycle: wait (0 none, 1 one per tile, 2 all up front, 3 growing window,
// 4 one per outer row) and pop (0 never, 1 one per tile, 2 all at exit, 3 one per outer row)
constexpr int wait_of(L l) {
    return l == L::Streaming || l == L::HeldStream ? 1 : l == L::Bulk || l == L::BulkDrain || l == L::HeldBulk ? 2
         : l == L::Pipelined || l == L::HeldCumulative ? 3 : l == L::OuterStream ? 4 : 0;
}
constexpr int pop_of(L l) {
    return l == L::Streaming || l == L::BulkDrain || l == L::NoWaitPop ? 1 : l == L::Bulk || l == L::Pipelined || l == L::DeferredPop ? 2
         : l == L::OuterStream ? 3 : 0;
}
constexpr bool supported(const InputSpec& s) { return s.life != L::Chunked && s.offset == TileOffset::Unset; }
// tiles the operand holds for a Ht x Wt loop, and the index of step (r, c) when it is not popped per tile
constexpr std::uint32_t count(OperandKind k, std::uint32_t H, std::uint32_t W) {
    return k == OperandKind::Scalar ? 1 : k == OperandKind::Row ? W : k == OperandKind::Col ? H : H * W;
}
constexpr std::uint32_t index(const InputSpec& s, std::uint32_t r, std::uint32_t c, std::uint32_t W) {
    if (pop_of(s.life) == 1 || s.life == L::HeldStream || s.life == L::OuterStream) return 0;   // always at the front
    return s.kind == OperandKind::Scalar ? 0 : s.kind == OperandKind::Row ? c : s.kind == OperandKind::Col ? r : r * W + c;
}
}  // namespace eltwise_detail

// ---- elements ------------------------------------------------------------------------------------------
template <std::uint32_t Cb, Dst Slot = Dst::D0, InputSpec Spec = input()>
struct CopyTile {
    static_assert(eltwise_detail::supported(Spec), "CopyTile: the Chunked lifecycles and TileOffset::Set are not provided by tensix yet");
    static_assert(std::uint32_t(Slot) < DEST_AUTO_LIMIT, "CopyTile: the DST slot is beyond DEST_AUTO_LIMIT");
    static constexpr bool is_reader = true, is_packer = false;
    static constexpr std::uint32_t cb_a = Cb, cb_b = 0xFFFFFFFFu;
    static constexpr InputSpec spec_a = Spec, spec_b = Spec;
    void op(std::uint32_t ia, std::uint32_t) const {
        if constexpr (Spec.reconfig == DataFormatReconfig::Enabled) reconfig_data_format_srca(Cb);
        copy_init(Cb);
        copy_tile(Cb, ia, std::uint32_t(Slot));
    }
};
template <std::uint32_t CbA, std::uint32_t CbB, BinaryFpuOp Op = BinaryFpuOp::Add, BroadcastDim B = BroadcastDim::None,
          InputSpec SpecA = input(), InputSpec SpecB = input(), Dst Slot = Dst::D0>
struct BinaryFpu {
    static_assert(eltwise_detail::supported(SpecA) && eltwise_detail::supported(SpecB),
                  "BinaryFpu: the Chunked lifecycles and TileOffset::Set are not provided by tensix yet");
    static constexpr bool is_reader = true, is_packer = false;
    static constexpr std::uint32_t cb_a = CbA, cb_b = CbB;
    static constexpr InputSpec spec_a = SpecA, spec_b = SpecB;
    static constexpr EltwiseBinaryType t = Op == BinaryFpuOp::Add ? ELWADD : Op == BinaryFpuOp::Sub ? ELWSUB : ELWMUL;
    static constexpr BroadcastType bdim = static_cast<BroadcastType>(int(B));
    void op(std::uint32_t ia, std::uint32_t ib) const {
        if constexpr (SpecA.reconfig == DataFormatReconfig::Enabled || SpecB.reconfig == DataFormatReconfig::Enabled)
            reconfig_data_format(CbA, CbB);
        if constexpr (B == BroadcastDim::None) {
            if constexpr (Op == BinaryFpuOp::Add) add_init(CbA, CbB);
            else if constexpr (Op == BinaryFpuOp::Sub) sub_init(CbA, CbB);
            else mul_init(CbA, CbB);
            if constexpr (Op == BinaryFpuOp::Add) add_tiles(CbA, CbB, ia, ib, std::uint32_t(Slot));
            else if constexpr (Op == BinaryFpuOp::Sub) sub_tiles(CbA, CbB, ia, ib, std::uint32_t(Slot));
            else mul_tiles(CbA, CbB, ia, ib, std::uint32_t(Slot));
        } else {
            bcast_init<t, bdim>(CbA, CbB);
            any_tiles_bcast<t, bdim>(CbA, CbB, ia, ib, std::uint32_t(Slot));
        }
    }
};
template <std::uint32_t Cb, OutputSpec Spec = output(), Dst Slot = Dst::D0>
struct PackTile {
    static_assert(Spec.life != OutputLifecycle::Chunked && Spec.life != OutputLifecycle::ReserveAllPushPerChunk && Spec.offset == TileOffset::Unset,
                  "PackTile: the Chunked lifecycles and TileOffset::Set are not provided by tensix yet");
    static constexpr bool is_reader = false, is_packer = true;
    static constexpr std::uint32_t cb = Cb, slot = std::uint32_t(Slot);
    static constexpr OutputSpec spec = Spec;
};

namespace eltwise_detail {
template <class E>
constexpr std::uint32_t cb_a_of() { if constexpr (E::is_reader) return E::cb_a; else return 0xFFFFFFFFu; }
template <class E>
constexpr std::uint32_t cb_b_of() { if constexpr (E::is_reader) return E::cb_b; else return 0xFFFFFFFFu; }

// one input operand (element k, side 0 = A / 1 = B): its wait before tile (r, c), its pop after it
template <class... Es>
struct Chain {
    static constexpr std::uint32_t n = sizeof...(Es);
    static constexpr std::uint32_t cbs[2 * n + 1] = {cb_a_of<Es>()..., cb_b_of<Es>()..., 0xFFFFFFFFu};
    // the first (last) user of a CB among all reader operands, in element order (A before B)
    static constexpr bool first_user(std::uint32_t k, int side) {
        std::uint32_t cb = cbs[side * n + k];
        for (std::uint32_t j = 0; j < k; j++) if (cbs[j] == cb || cbs[n + j] == cb) return false;
        return side == 0 || cbs[k] != cb;
    }
    static constexpr bool last_user(std::uint32_t k, int side) {
        std::uint32_t cb = cbs[side * n + k];
        for (std::uint32_t j = k + 1; j < n; j++) if (cbs[j] == cb || cbs[n + j] == cb) return false;
        return side == 1 || cbs[n + k] != cb;
    }
};

inline void wait_before(const InputSpec& s, std::uint32_t cb, std::uint32_t r, std::uint32_t c, std::uint32_t H, std::uint32_t W) {
    const int w = wait_of(s.life);
    if (w == 1) cb_wait_front(cb, 1);
    else if (w == 3) cb_wait_front(cb, s.kind == OperandKind::Row ? c + 1 : s.kind == OperandKind::Col ? r + 1
                                       : s.kind == OperandKind::Scalar ? 1 : r * W + c + 1);
    else if (w == 4 && c == 0) cb_wait_front(cb, 1);
    (void)H;
}
inline void pop_after(const InputSpec& s, std::uint32_t cb, std::uint32_t c, std::uint32_t W) {
    const int p = pop_of(s.life);
    if (p == 1) cb_pop_front(cb, 1);
    else if (p == 3 && c == W - 1) cb_pop_front(cb, 1);
}
}  // namespace eltwise_detail

template <SetupOwner SO = SetupOwner::Chain, class... Es>
void eltwise_chain(EltwiseShape shape, Es... elts) {
    using C = eltwise_detail::Chain<Es...>;
    const std::uint32_t H = shape.Ht, W = shape.Wt;
    auto each_input = [&](auto&& f) {   // f(spec, cb, k, side) for every reader operand that owns its CB's protocol
        std::uint32_t k = 0;
        ([&](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (E::is_reader) {
                f(E::spec_a, E::cb_a, k, 0);
                if constexpr (E::cb_b != 0xFFFFFFFFu) f(E::spec_b, E::cb_b, k, 1);
            }
            k++;
        }(elts), ...);
    };
    // upfront waits
    each_input([&](const InputSpec& s, std::uint32_t cb, std::uint32_t k, int side) {
        if (eltwise_detail::wait_of(s.life) == 2 && C::first_user(k, side)) cb_wait_front(cb, eltwise_detail::count(s.kind, H, W));
    });
    // output reservations up front
    ([&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (E::is_packer) {
            if constexpr (E::spec.reconfig == DataFormatReconfig::Enabled) pack_reconfig_data_format(E::cb);
            if constexpr (E::spec.life == OutputLifecycle::Bulk || E::spec.life == OutputLifecycle::ReserveAllPushPerTile)
                cb_reserve_back(E::cb, H * W);
        }
    }(elts), ...);
    for (std::uint32_t r = 0; r < H; r++)
        for (std::uint32_t c = 0; c < W; c++) {
            tile_regs_acquire();
            std::uint32_t k = 0;
            ([&](const auto& e) {
                using E = std::decay_t<decltype(e)>;
                if constexpr (E::is_reader) {
                    if (C::first_user(k, 0)) eltwise_detail::wait_before(E::spec_a, E::cb_a, r, c, H, W);
                    if constexpr (E::cb_b != 0xFFFFFFFFu)
                        if (C::first_user(k, 1)) eltwise_detail::wait_before(E::spec_b, E::cb_b, r, c, H, W);
                    e.op(eltwise_detail::index(E::spec_a, r, c, W), eltwise_detail::index(E::spec_b, r, c, W));
                    if (C::last_user(k, 0)) eltwise_detail::pop_after(E::spec_a, E::cb_a, c, W);
                    if constexpr (E::cb_b != 0xFFFFFFFFu)
                        if (C::last_user(k, 1)) eltwise_detail::pop_after(E::spec_b, E::cb_b, c, W);
                } else if constexpr (!E::is_packer) {
                    e.run(0);
                }
                k++;
            }(elts), ...);
            tile_regs_commit();
            tile_regs_wait();
            ([&](const auto& e) {
                using E = std::decay_t<decltype(e)>;
                if constexpr (E::is_packer) {
                    if constexpr (E::spec.reconfig == DataFormatReconfig::Enabled) pack_reconfig_data_format(E::cb);
                    constexpr OutputLifecycle l = E::spec.life;
                    if constexpr (l == OutputLifecycle::Streaming) cb_reserve_back(E::cb, 1);
                    if constexpr (l == OutputLifecycle::Bulk) pack_tile<true>(E::slot, E::cb, r * W + c);
                    else pack_tile(E::slot, E::cb);
                    if constexpr (l == OutputLifecycle::Streaming || l == OutputLifecycle::ReserveAllPushPerTile) cb_push_back(E::cb, 1);
                }
            }(elts), ...);
            tile_regs_release();
        }
    // exit pops and pushes
    each_input([&](const InputSpec& s, std::uint32_t cb, std::uint32_t k, int side) {
        if (eltwise_detail::pop_of(s.life) == 2 && C::last_user(k, side)) cb_pop_front(cb, eltwise_detail::count(s.kind, H, W));
    });
    ([&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (E::is_packer)
            if constexpr (E::spec.life == OutputLifecycle::Bulk || E::spec.life == OutputLifecycle::ReserveNonePushEnd)
                cb_push_back(E::cb, H * W);
    }(elts), ...);
}
}  // namespace compute_kernel_lib
