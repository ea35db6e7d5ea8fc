// tensix: ttnn/cpp/ttnn/kernel_lib/matmul_block_helpers.hpp -> compute_kernel_lib::matmul_block, written
// from current §4.1 (all three generations; CB semantics exact):
//   (a) matmul_block<in0, in1, out, interm, InitUninitMode, ReconfigureRegisterDatatypeMode, transpose,
//       PostComputeFn>(In0BlockParams, In1BlockParams, num_blocks, OutSubblockParams, batch, post)
//       full init itself (mm_block_init), no hw_startup needed
//   (b)/(c) matmul_block<transpose, packer_l1_acc, LastBlockTarget, layout, InitMode, in0 policy,
//       in1 policy, DataFormatReconfig, Activation, shape overrides...>(in0, in1, out, interm, MatmulBlockShape)
//       the kernel calls compute_kernel_hw_startup<SrcOrder::Reverse>(in0, in1, out) first
// The reference loop (bmm_large_block_zm): per batch and K-block, wait for the in0 and in1 blocks; per
// output subblock (row-major over (in0 subblock, in1 subblock)) acquire DST, reload the partials
// from interm after the first K-block, run the block matmul over the K-block, then pack: to out on
// the last K-block, else to interm (reserving the cumulative out space on the first K-block, which
// guards the L1 that out shares with interm). Output order is subblock-major.
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"
#include "api/compute/eltwise_unary/relu.h"

namespace compute_kernel_lib {

// ---- (a) the first form ------------------------------------------------------------------------------
namespace matmul_block_config {
enum class ReconfigureRegisterDatatypeMode : std::uint8_t { NoReconfigure, UnpackReconfigure, PackReconfigure, UnpackAndPackReconfigure };
enum class InitUninitMode : std::uint8_t { InitAndUninit, InitOnly, UninitOnly, Neither };
enum class WaitPopMode : std::uint8_t { WaitAndPop, NoWaitNoPop };
struct In0BlockParams { std::uint32_t block_w, num_subblocks, block_num_tiles, subblock_num_tiles; };
struct In1BlockParams { std::uint32_t num_subblocks, block_num_tiles, per_core_w; };
struct OutSubblockParams { std::uint32_t h, w, num_tiles; };
struct NoPostCompute { void operator()(std::uint32_t) const {} };
}  // namespace matmul_block_config

template <std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t out_cb, std::uint32_t interm_cb,
          matmul_block_config::InitUninitMode init_mode = matmul_block_config::InitUninitMode::InitAndUninit,
          matmul_block_config::ReconfigureRegisterDatatypeMode reconfig = matmul_block_config::ReconfigureRegisterDatatypeMode::UnpackAndPackReconfigure,
          bool transpose = false, typename PostComputeFn = matmul_block_config::NoPostCompute>
void matmul_block(matmul_block_config::In0BlockParams in0, matmul_block_config::In1BlockParams in1, std::uint32_t num_blocks,
                  matmul_block_config::OutSubblockParams out, std::uint32_t batch = 1, PostComputeFn post_compute = {}) {
    using M = matmul_block_config::ReconfigureRegisterDatatypeMode;
    using I = matmul_block_config::InitUninitMode;
    constexpr bool unpack_rc = reconfig == M::UnpackReconfigure || reconfig == M::UnpackAndPackReconfigure;
    constexpr bool pack_rc = reconfig == M::PackReconfigure || reconfig == M::UnpackAndPackReconfigure;
    if constexpr (unpack_rc) { reconfig_data_format_srca(in1_cb); reconfig_data_format_srcb(in0_cb); }
    if constexpr (pack_rc) pack_reconfig_data_format(num_blocks > 1 ? interm_cb : out_cb);
    if constexpr (init_mode == I::InitAndUninit || init_mode == I::InitOnly)
        mm_block_init(in0_cb, in1_cb, interm_cb, transpose, out.w, out.h, in0.block_w);
    const std::uint32_t n = out.num_tiles;
    for (std::uint32_t bt = 0; bt < batch; bt++) {
        for (std::uint32_t b = 0; b < num_blocks; b++) {
            const bool last = b == num_blocks - 1;
            cb_wait_front(in0_cb, in0.block_num_tiles);
            cb_wait_front(in1_cb, in1.block_num_tiles);
            std::uint32_t cumulative = 0;
            for (std::uint32_t i0 = 0; i0 < in0.num_subblocks; i0++) {
                for (std::uint32_t i1 = 0; i1 < in1.num_subblocks; i1++) {
                    tile_regs_acquire();
                    if (b > 0) {   // reload the partial sums of this subblock
                        if constexpr (unpack_rc) reconfig_data_format_srca(interm_cb);
                        copy_tile_to_dst_init_short(interm_cb);
                        cb_wait_front(interm_cb, n);
                        for (std::uint32_t t = 0; t < n; t++) copy_tile(interm_cb, t, t);
                        cb_pop_front(interm_cb, n);
                        if constexpr (unpack_rc) reconfig_data_format_srca(in1_cb);
                        mm_block_init_short(in0_cb, in1_cb, transpose, out.w, out.h, in0.block_w);
                    }
                    std::uint32_t in0_idx = i0 * in0.subblock_num_tiles, in1_idx = i1 * out.w;
                    for (std::uint32_t k = 0; k < in0.block_w; k++, in0_idx++, in1_idx += in1.per_core_w)
                        ckernel::matmul_block(in0_cb, in1_cb, in0_idx, in1_idx, 0, transpose, out.w, out.h, in0.block_w);
                    if (last) post_compute(n);
                    tile_regs_commit();
                    tile_regs_wait();
                    if (last) {
                        if constexpr (pack_rc) pack_reconfig_data_format(out_cb);
                        cb_reserve_back(out_cb, n);
                        for (std::uint32_t t = 0; t < n; t++) pack_tile(t, out_cb);
                        cb_push_back(out_cb, n);
                    } else {
                        if (b == 0) { cumulative += n; cb_reserve_back(out_cb, cumulative); }
                        if constexpr (pack_rc) pack_reconfig_data_format(interm_cb);
                        cb_reserve_back(interm_cb, n);
                        for (std::uint32_t t = 0; t < n; t++) pack_tile(t, interm_cb);
                        cb_push_back(interm_cb, n);
                    }
                    tile_regs_release();
                }
            }
            cb_pop_front(in0_cb, in0.block_num_tiles);
            cb_pop_front(in1_cb, in1.block_num_tiles);
        }
    }
    if constexpr (init_mode == I::InitAndUninit || init_mode == I::UninitOnly) mm_uninit(in0_cb, in1_cb);
}

// ---- (b) and (c): CircularBuffer / DataflowBuffer objects and a MatmulBlockShape ------------------------
enum class OutputCBLayout { SubblockMajor, TileRowMajor };
enum class OutputLayout { SubblockMajor, RowMajor };   // (b)'s name for the same choice
enum class LastBlockTarget : std::uint8_t { Out, OutWithRelu, Interm };
enum class InputPolicy : std::uint8_t { WaitAndPopPerKBlock, WaitAndRetainOnLastBlock, NoWaitNoPop /* in1 only */ };
namespace matmul_config {
enum class InitMode : std::uint8_t { Short, None, ShortAfterPreKBlock, ReconfigAndShort = Short };
enum class DataFormatReconfig : std::uint8_t { InputAndOutput, Input, Output, None };
}  // namespace matmul_config
struct NoneActivation {
    void operator()(std::uint32_t) const {}
};
struct MatmulBlockShape {
    std::uint32_t in0_num_subblocks, in1_num_subblocks, out_subblock_h, out_subblock_w, in0_block_k, num_k_blocks;
    std::uint32_t batch = 1, last_in1_subblock_w_valid = 0, in1_per_core_w = 0, out_row_width = 0;
    static constexpr MatmulBlockShape of(std::uint32_t in0_sb, std::uint32_t in1_sb, std::uint32_t sb_h, std::uint32_t sb_w,
                                         std::uint32_t in0_block_k, std::uint32_t num_k_blocks, std::uint32_t batch = 1,
                                         std::uint32_t in1_per_core_w = 0, std::uint32_t out_row_width = 0) {
        return {in0_sb, in1_sb, sb_h, sb_w, in0_block_k, num_k_blocks, batch, 0, in1_per_core_w, out_row_width};
    }
};

template <bool transpose = false, bool packer_l1_acc = false, LastBlockTarget last_target = LastBlockTarget::Out,
          auto layout = OutputCBLayout::SubblockMajor, matmul_config::InitMode init_mode = matmul_config::InitMode::Short,
          InputPolicy in0_policy = InputPolicy::WaitAndPopPerKBlock, InputPolicy in1_policy = InputPolicy::WaitAndPopPerKBlock,
          matmul_config::DataFormatReconfig reconfig = matmul_config::DataFormatReconfig::InputAndOutput,
          typename Activation = NoneActivation, std::uint32_t c_in0_num_subblocks = 0, std::uint32_t c_in1_num_subblocks = 0,
          std::uint32_t c_out_subblock_h = 0, std::uint32_t c_out_subblock_w = 0, std::uint32_t c_in0_block_k = 0,
          std::uint32_t c_num_k_blocks = 0, std::uint32_t c_batch = 0, std::uint32_t c_last_in1_subblock_w_valid = 0,
          std::uint32_t c_in1_per_core_w = 0, std::uint32_t c_out_row_width = 0, typename Buf = ::CircularBuffer>
void matmul_block(const Buf& in0_b, const Buf& in1_b, const Buf& out_b, const Buf& interm_b, const MatmulBlockShape& s) {
    static_assert(in0_policy != InputPolicy::NoWaitNoPop, "matmul_block: NoWaitNoPop is an in1 policy only");
    const std::uint32_t in0 = cb_id_of(in0_b), in1 = cb_id_of(in1_b), out = cb_id_of(out_b), interm = cb_id_of(interm_b);
    const std::uint32_t in0_sb = c_in0_num_subblocks ? c_in0_num_subblocks : s.in0_num_subblocks;
    const std::uint32_t in1_sb = c_in1_num_subblocks ? c_in1_num_subblocks : s.in1_num_subblocks;
    const std::uint32_t sb_h = c_out_subblock_h ? c_out_subblock_h : s.out_subblock_h;
    const std::uint32_t sb_w = c_out_subblock_w ? c_out_subblock_w : s.out_subblock_w;
    const std::uint32_t kb = c_in0_block_k ? c_in0_block_k : s.in0_block_k;
    const std::uint32_t nk = c_num_k_blocks ? c_num_k_blocks : s.num_k_blocks;
    const std::uint32_t batch = c_batch ? c_batch : s.batch;
    const std::uint32_t per_core_w = c_in1_per_core_w ? c_in1_per_core_w : s.in1_per_core_w;
    const std::uint32_t M = in0_sb * sb_h, N = per_core_w ? per_core_w : in1_sb * sb_w;
    const std::uint32_t row_w = c_out_row_width ? c_out_row_width : s.out_row_width ? s.out_row_width : N;
    const std::uint32_t n = sb_h * sb_w;
    constexpr bool row_major = int(layout) == 1;
    constexpr bool in_rc = reconfig == matmul_config::DataFormatReconfig::InputAndOutput || reconfig == matmul_config::DataFormatReconfig::Input;
    constexpr bool out_rc = reconfig == matmul_config::DataFormatReconfig::InputAndOutput || reconfig == matmul_config::DataFormatReconfig::Output;
    if (in0 == in1 || in0 == out || in1 == out)
        tx_fail("compute_kernel_lib::matmul_block: in0 (CB %u), in1 (CB %u) and out (CB %u) must be distinct CBs", in0, in1, out);
    if (nk > 1 && interm == out && !packer_l1_acc)
        tx_fail("compute_kernel_lib::matmul_block: interm may be out (CB %u) only with num_k_blocks == 1 (here %u)", out, nk);
    const std::uint32_t final_cb = last_target == LastBlockTarget::Interm ? interm : out;
    if constexpr (in_rc) { reconfig_data_format_srca(in1); reconfig_data_format_srcb(in0); }
    if constexpr (init_mode != matmul_config::InitMode::None) matmul_block_init(in0, in1, transpose, sb_w, sb_h, kb);
    // absolute output position of tile t of subblock (i0, i1) inside the M x N block
    auto out_index = [&](std::uint32_t i0, std::uint32_t i1, std::uint32_t t) -> std::uint32_t {
        if constexpr (row_major) return (i0 * sb_h + t / sb_w) * row_w + i1 * sb_w + t % sb_w;
        else return (i0 * in1_sb + i1) * n + t;
    };
    for (std::uint32_t bt = 0; bt < batch; bt++) {
        if constexpr (packer_l1_acc) {
            if constexpr (out_rc) pack_reconfig_data_format(final_cb);
            cb_reserve_back(final_cb, M * row_w / (row_major ? 1 : 1));
        }
        for (std::uint32_t b = 0; b < nk; b++) {
            const bool last = b == nk - 1;
            if (in0_policy != InputPolicy::NoWaitNoPop) cb_wait_front(in0, M * kb);
            if (in1_policy != InputPolicy::NoWaitNoPop) cb_wait_front(in1, kb * N);
            std::uint32_t cumulative = 0;
            for (std::uint32_t i0 = 0; i0 < in0_sb; i0++) {
                if (!packer_l1_acc && row_major && last) {
                    if constexpr (out_rc) pack_reconfig_data_format(final_cb);
                    cb_reserve_back(final_cb, sb_h * row_w);
                }
                for (std::uint32_t i1 = 0; i1 < in1_sb; i1++) {
                    tile_regs_acquire();
                    if (b > 0 && !packer_l1_acc) {   // reload the partials of this subblock from interm
                        if constexpr (in_rc) reconfig_data_format_srca(interm);
                        copy_init(interm);
                        cb_wait_front(interm, n);
                        copy_block(interm, 0, 0, n);
                        cb_pop_front(interm, n);
                        if constexpr (in_rc) reconfig_data_format_srca(in1);
                        matmul_block_init(in0, in1, transpose, sb_w, sb_h, kb);
                    }
                    std::uint32_t in0_idx = i0 * sb_h * kb, in1_idx = i1 * sb_w;
                    for (std::uint32_t k = 0; k < kb; k++, in0_idx++, in1_idx += N)
                        ckernel::matmul_block(in0, in1, in0_idx, in1_idx, 0, transpose, sb_w, sb_h, kb);
                    if (last) {
                        if constexpr (last_target == LastBlockTarget::OutWithRelu) {
                            relu_tile_init();
                            for (std::uint32_t t = 0; t < n; t++) relu_tile(t);
                        }
                        Activation{}(n);
                    }
                    tile_regs_commit();
                    tile_regs_wait();
                    if constexpr (packer_l1_acc) {
                        // every K-block packs to the same absolute tiles; the packer adds after the first
                        pack_reconfig_l1_acc(b > 0 ? 1 : 0);
                        for (std::uint32_t t = 0; t < n; t++) pack_tile<true>(t, final_cb, out_index(i0, i1, t));
                    } else if (last) {
                        if constexpr (out_rc) pack_reconfig_data_format(final_cb);
                        if constexpr (row_major) {
                            for (std::uint32_t t = 0; t < n; t++) pack_tile<true>(t, final_cb, out_index(0, i1, t));
                        } else {
                            cb_reserve_back(final_cb, n);
                            for (std::uint32_t t = 0; t < n; t++) pack_tile(t, final_cb);
                            cb_push_back(final_cb, n);
                        }
                    } else {
                        if (b == 0 && interm != out && last_target != LastBlockTarget::Interm) {
                            cumulative += n;
                            cb_reserve_back(out, cumulative);
                        }
                        if constexpr (out_rc) pack_reconfig_data_format(interm);
                        cb_reserve_back(interm, n);
                        for (std::uint32_t t = 0; t < n; t++) pack_tile(t, interm);
                        cb_push_back(interm, n);
                    }
                    tile_regs_release();
                }
                if (!packer_l1_acc && row_major && last) cb_push_back(final_cb, sb_h * row_w);
            }
            const bool retain_last = last;
            if (in0_policy == InputPolicy::WaitAndPopPerKBlock || (in0_policy == InputPolicy::WaitAndRetainOnLastBlock && !retain_last))
                cb_pop_front(in0, M * kb);
            if (in1_policy == InputPolicy::WaitAndPopPerKBlock || (in1_policy == InputPolicy::WaitAndRetainOnLastBlock && !retain_last))
                cb_pop_front(in1, kb * N);
        }
        if constexpr (packer_l1_acc) {
            pack_reconfig_l1_acc(0);
            cb_push_back(final_cb, M * row_w);
        }
    }
}

}  // namespace compute_kernel_lib
