// tensix kernel-API header: the compute-kernel API of the FPU, DST, packer and CBs (API §4),
// written from SOURCES.md (API). Every api/compute/*.h (and legacy
// compute_kernel_api/*.h) includes this file. The three TRISCs run as one thread in the simulator,
// so MATH(x), PACK(x) and UNPACK(x) all expand to x.
#pragma once
#include <cstdint>

#include "api/dataflow/dataflow_api.h"   // args, CB calls, prints, DataFormat (shared with DM kernels)
#include "tensix_compute_abi.h"
#include "tt-metalium/constants.hpp"
#include "internal/tx_llk_enums.h"

#define ALWI inline __attribute__((always_inline))
#ifndef TRISC_MATH
#define TRISC_MATH 1
#endif
#ifndef TRISC_PACK
#define TRISC_PACK 1
#endif
#ifndef TRISC_UNPACK
#define TRISC_UNPACK 1
#endif
#define MATH(x) x
#define PACK(x) x
#define UNPACK(x) x

namespace ckernel {

enum class MathFidelity : std::uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4, Invalid = 0xff };
enum EltwiseBinaryType { ELWMUL, ELWDIV, ELWADD, ELWSUB, ELWLESS };
enum BroadcastType { NONE = 0, COL = 1, ROW = 2, SCALAR = 3 };
enum class EltwiseBinaryReuseDestType { NONE = 0, DEST_TO_SRCA = 1, DEST_TO_SRCB = 2 };
enum class VectorMode { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6, INVALID = 0xff };
enum DstSync { SyncHalf = 0, SyncFull = 1 };

#ifndef TX_MATH_APPROX
#error "compute-kernel headers need a compute build (Kernel(..., on='compute'))"
#endif
constexpr bool APPROX = TX_MATH_APPROX;
constexpr bool DST_ACCUM_MODE = TX_FP32_DEST_ACC;
constexpr MathFidelity MATH_FIDELITY = static_cast<MathFidelity>(TX_MATH_FIDELITY);

// state the init calls leave for later ops (per RISC-V, kept by the runtime)
enum { TX_S_MM_TRANSPOSE = 0, TX_S_COPY_TRANSPOSE = 1, TX_S_ACC_TO_DEST = 2, TX_S_BINARY_OP = 3 };
ALWI std::uint32_t& tx_state(int k) { return tx_cur->cstate[k]; }

// ---- hardware start-up and data-format configuration (API §4.3) -------------------------------
ALWI void compute_kernel_hw_startup(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t ocb) {
    tx_configure(TX_UNPACK_A, icb0, "compute_kernel_hw_startup");
    tx_configure(TX_UNPACK_B, icb1, "compute_kernel_hw_startup");
    tx_configure(TX_PACK, ocb, "compute_kernel_hw_startup");
}
ALWI void compute_kernel_hw_startup(std::uint32_t icb0, std::uint32_t ocb) { compute_kernel_hw_startup(icb0, icb0, ocb); }
ALWI void binary_op_init_common(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t ocb = 16, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    compute_kernel_hw_startup(icb0, icb1, ocb);
}
// (one stored version makes these templates on the DST mode: an explicit template argument is accepted)
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void unary_op_init_common(std::uint32_t icb, std::uint32_t ocb = 16, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    compute_kernel_hw_startup(icb, icb, ocb);
}
template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void init_sfpu(std::uint32_t icb, std::uint32_t ocb = 16, std::uint32_t call_line = __builtin_LINE()) { unary_op_init_common(icb, ocb, call_line); }

template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format(std::uint32_t srca_new, std::uint32_t srcb_new) {
    tx_configure(TX_UNPACK_A, srca_new, "reconfig_data_format");
    tx_configure(TX_UNPACK_B, srcb_new, "reconfig_data_format");
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format(std::uint32_t, std::uint32_t srca_new, std::uint32_t, std::uint32_t srcb_new) {
    reconfig_data_format(srca_new, srcb_new);
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srca(std::uint32_t srca_new) { tx_configure(TX_UNPACK_A, srca_new, "reconfig_data_format_srca"); }
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srca(std::uint32_t, std::uint32_t srca_new) { reconfig_data_format_srca(srca_new); }
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srcb(std::uint32_t srcb_new) { tx_configure(TX_UNPACK_B, srcb_new, "reconfig_data_format_srcb"); }
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srcb(std::uint32_t, std::uint32_t srcb_new) { reconfig_data_format_srcb(srcb_new); }
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const std::uint32_t new_cb) { tx_configure(TX_PACK, new_cb, "pack_reconfig_data_format"); }
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const std::uint32_t, const std::uint32_t new_cb) { pack_reconfig_data_format(new_cb); }
// 1: each later pack adds the DST tile to the tile already in L1; 0: packs overwrite (the default)
ALWI void pack_reconfig_l1_acc(std::uint32_t l1_acc_en) { tx_pack_l1_acc(l1_acc_en); }
ALWI void enable_fp32_dest_acc() {}
ALWI void disable_fp32_dest_acc() {}

// ---- DST (API §4.2) -----------------------------------------------------------------------------
ALWI void tile_regs_acquire() { tx_dst_acquire(); }
ALWI void tile_regs_commit() { tx_dst_commit(); }
ALWI void tile_regs_wait() { tx_dst_wait(); }
ALWI void tile_regs_release() { tx_dst_release(); }
[[deprecated]] ALWI void acquire_dst() { tx_dst_acquire_legacy(); }
[[deprecated]] ALWI void release_dst() { tx_dst_release_legacy(); }

// ---- copy ----------------------------------------------------------------------------------------
ALWI void copy_tile_to_dst_init_short(std::uint32_t cbid, std::uint32_t transpose = 0, std::uint32_t transpose_within_16x16_face = false,
                                      std::uint32_t call_line = __builtin_LINE()) {
    (void)cbid; (void)call_line;
    if (transpose_within_16x16_face) tx_fail("copy_tile_to_dst_init_short: transpose_within_16x16_face is not simulated yet");
    tx_state(TX_S_COPY_TRANSPOSE) = transpose;
}
ALWI void copy_tile_init(std::uint32_t cbid, std::uint32_t call_line = __builtin_LINE()) { copy_tile_to_dst_init_short(cbid, 0, 0, call_line); }
ALWI void copy_tile_init() { tx_state(TX_S_COPY_TRANSPOSE) = 0; }
ALWI void copy_tile_to_dst_init_short_with_dt(std::uint32_t old_cbid, std::uint32_t new_cbid, std::uint32_t transpose = 0) {
    (void)old_cbid;
    tx_configure(TX_UNPACK_A, new_cbid, "copy_tile_to_dst_init_short_with_dt");
    copy_tile_to_dst_init_short(new_cbid, transpose);
}
ALWI void copy_tile(std::uint32_t in_cb, std::uint32_t in_tile, std::uint32_t dst_tile) {
    tx_copy_tile(in_cb, in_tile, dst_tile, tx_state(TX_S_COPY_TRANSPOSE), "copy_tile");
}
ALWI void copy_block_matmul_partials(std::uint32_t in_cb, std::uint32_t start_in_tile, std::uint32_t start_dst_tile, std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; i++) tx_copy_tile(in_cb, start_in_tile + i, start_dst_tile + i, 0, "copy_block_matmul_partials");
}

// ---- element-wise binary on the FPU (API §4.4, §4.6) ---------------------------------------------
ALWI void tx_binary_init(EltwiseBinaryType t, std::uint32_t acc) { tx_state(TX_S_BINARY_OP) = t; tx_state(TX_S_ACC_TO_DEST) = acc; }
ALWI int tx_op(EltwiseBinaryType t) {
    if (t == ELWADD) return TX_ADD;
    if (t == ELWSUB) return TX_SUB;
    if (t == ELWMUL) return TX_MUL;
    tx_fail("eltwise binary op %d (ELWDIV/ELWLESS) is not available on the FPU; use the SFPU binary ops", int(t));
}
ALWI void add_tiles_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)icb0; (void)icb1; (void)call_line;
    tx_binary_init(ELWADD, acc_to_dest);
}
ALWI void sub_tiles_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)icb0; (void)icb1; (void)call_line;
    tx_binary_init(ELWSUB, acc_to_dest);
}
ALWI void mul_tiles_init(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t call_line = __builtin_LINE()) {
    (void)icb0; (void)icb1; (void)call_line;
    tx_binary_init(ELWMUL, 0);
}
template <bool full_init, EltwiseBinaryType t>
ALWI void binary_tiles_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    if (full_init) binary_op_init_common(icb0, icb1, 16);
    tx_binary_init(t, acc_to_dest);
}
ALWI void add_tiles(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst) {
    tx_binary(TX_ADD, TX_BCAST_NONE, icb0, icb1, itile0, itile1, idst, tx_state(TX_S_ACC_TO_DEST), 0, "add_tiles");
}
ALWI void sub_tiles(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst) {
    tx_binary(TX_SUB, TX_BCAST_NONE, icb0, icb1, itile0, itile1, idst, tx_state(TX_S_ACC_TO_DEST), 0, "sub_tiles");
}
ALWI void mul_tiles(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst) {
    tx_binary(TX_MUL, TX_BCAST_NONE, icb0, icb1, itile0, itile1, idst, 0, 0, "mul_tiles");
}
template <EltwiseBinaryType t = ELWADD, EltwiseBinaryReuseDestType r = EltwiseBinaryReuseDestType::NONE>
ALWI void binary_dest_reuse_tiles_init(std::uint32_t icb0, std::uint32_t call_line = __builtin_LINE()) { (void)icb0; (void)call_line; }
template <EltwiseBinaryType t = ELWADD, EltwiseBinaryReuseDestType r = EltwiseBinaryReuseDestType::NONE>
ALWI void binary_dest_reuse_tiles(std::uint32_t in_cb, std::uint32_t in_tile, std::uint32_t dst_tile) {
    static_assert(r != EltwiseBinaryReuseDestType::NONE, "binary_dest_reuse_tiles: choose DEST_TO_SRCA or DEST_TO_SRCB");
    tx_binary_dest_reuse(tx_op(t), int(r), in_cb, in_tile, dst_tile);
}

// ---- broadcast ------------------------------------------------------------------------------------
template <EltwiseBinaryType op, BroadcastType dim>
ALWI void init_bcast(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    compute_kernel_hw_startup(icb0, icb1, ocb);
}
template <EltwiseBinaryType op, BroadcastType dim>
ALWI void any_tiles_bcast(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst,
                          std::uint32_t bcast_row_idx = 0) {
    tx_binary(tx_op(op), int(dim), icb0, icb1, itile0, itile1, idst, 0, bcast_row_idx, "any_tiles_bcast");
}
template <BroadcastType dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_tiles_bcast(std::uint32_t a, std::uint32_t b, std::uint32_t ta, std::uint32_t tb, std::uint32_t d, std::uint32_t row = 0) { any_tiles_bcast<ELWADD, dim>(a, b, ta, tb, d, row); }
template <BroadcastType dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sub_tiles_bcast(std::uint32_t a, std::uint32_t b, std::uint32_t ta, std::uint32_t tb, std::uint32_t d, std::uint32_t row = 0) { any_tiles_bcast<ELWSUB, dim>(a, b, ta, tb, d, row); }
template <BroadcastType dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void mul_tiles_bcast(std::uint32_t a, std::uint32_t b, std::uint32_t ta, std::uint32_t tb, std::uint32_t d, std::uint32_t row = 0) { any_tiles_bcast<ELWMUL, dim>(a, b, ta, tb, d, row); }
#define TX_BCAST_FN(name, op, dim)                                                                                   \
    ALWI void name(std::uint32_t a, std::uint32_t b, std::uint32_t ta, std::uint32_t tb, std::uint32_t d, std::uint32_t row = 0) { \
        any_tiles_bcast<op, dim>(a, b, ta, tb, d, row);                                                              \
    }
TX_BCAST_FN(add_tiles_bcast_rows, ELWADD, ROW)
TX_BCAST_FN(add_tiles_bcast_cols, ELWADD, COL)
TX_BCAST_FN(add_tiles_bcast_scalar, ELWADD, SCALAR)
TX_BCAST_FN(sub_tiles_bcast_cols, ELWSUB, COL)
TX_BCAST_FN(sub_tiles_bcast_rows, ELWSUB, ROW)
TX_BCAST_FN(sub_tiles_bcast_scalar, ELWSUB, SCALAR)
TX_BCAST_FN(mul_tiles_bcast_rows, ELWMUL, ROW)
TX_BCAST_FN(mul_tiles_bcast_cols, ELWMUL, COL)
TX_BCAST_FN(mul_tiles_bcast_scalar, ELWMUL, SCALAR)
#undef TX_BCAST_FN
#define TX_BCAST_INIT(name)                                                                                       \
    ALWI void name(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t call_line = __builtin_LINE()) { (void)icb0; (void)icb1; (void)call_line; }
TX_BCAST_INIT(add_bcast_rows_init_short)
TX_BCAST_INIT(add_bcast_cols_init_short)
TX_BCAST_INIT(add_bcast_scalar_init_short)
TX_BCAST_INIT(sub_bcast_cols_init_short)
TX_BCAST_INIT(sub_bcast_rows_init_short)
TX_BCAST_INIT(sub_tiles_bcast_scalar_init_short)
TX_BCAST_INIT(mul_bcast_rows_init_short)
TX_BCAST_INIT(mul_bcast_cols_init_short)
TX_BCAST_INIT(mul_tiles_bcast_scalar_init_short)
#undef TX_BCAST_INIT
template <BroadcastType b>
ALWI void unary_bcast_init(std::uint32_t icb, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) { (void)icb; (void)ocb; (void)call_line; }
template <BroadcastType b>
ALWI void unary_bcast(std::uint32_t icb, std::uint32_t in_tile, std::uint32_t dst_tile) { tx_unary_bcast(int(b), icb, in_tile, dst_tile); }
template <BroadcastType b>
ALWI void unary_bcast_uninit(std::uint32_t icb) { (void)icb; }

// ---- matmul ---------------------------------------------------------------------------------------
ALWI void mm_init(std::uint32_t in0_cb = 0, std::uint32_t in1_cb = 1, std::uint32_t out_cb = 16, const std::uint32_t transpose = 0,
                  std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    tx_configure(TX_UNPACK_B, in0_cb, "mm_init");
    tx_configure(TX_UNPACK_A, in1_cb, "mm_init");
    tx_configure(TX_PACK, out_cb, "mm_init");
    tx_state(TX_S_MM_TRANSPOSE) = transpose;
}
ALWI void mm_init_short(std::uint32_t in0_cb, std::uint32_t in1_cb, const std::uint32_t transpose = 0, std::uint32_t call_line = __builtin_LINE()) {
    (void)in0_cb; (void)in1_cb; (void)call_line;
    tx_state(TX_S_MM_TRANSPOSE) = transpose;
}
ALWI void mm_init_short_with_dt(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t c_in_old_srca, const std::uint32_t transpose = 0) {
    (void)c_in_old_srca;
    tx_configure(TX_UNPACK_B, in0_cb, "mm_init_short_with_dt");
    tx_configure(TX_UNPACK_A, in1_cb, "mm_init_short_with_dt");
    tx_state(TX_S_MM_TRANSPOSE) = transpose;
}
ALWI void matmul_tiles(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t in0_tile, std::uint32_t in1_tile, std::uint32_t idst) {
    tx_matmul(in0_cb, in1_cb, in0_tile, in1_tile, idst, tx_state(TX_S_MM_TRANSPOSE), 1, 1, 1, "matmul_tiles");
}
// legacy 6-argument form (before 2025-12-10): the transpose argument
ALWI void matmul_tiles(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t in0_tile, std::uint32_t in1_tile, std::uint32_t idst,
                       const std::uint32_t transpose) {
    tx_matmul(in0_cb, in1_cb, in0_tile, in1_tile, idst, transpose, 1, 1, 1, "matmul_tiles");
}
template <std::uint32_t num_faces = 4>
ALWI void matmul_tiles_math(std::uint32_t idst) { (void)idst; tx_fail("matmul_tiles_math: the split unpack/math matmul form is not simulated; use matmul_tiles"); }
ALWI void mm_block_init(std::uint32_t in0_cb = 0, std::uint32_t in1_cb = 1, std::uint32_t out_cb = 16, const std::uint32_t transpose = 0,
                        std::uint32_t ct_dim = 1, std::uint32_t rt_dim = 1, std::uint32_t kt_dim = 1, std::uint32_t call_line = __builtin_LINE()) {
    (void)ct_dim; (void)rt_dim; (void)kt_dim;
    mm_init(in0_cb, in1_cb, out_cb, transpose, call_line);
}
ALWI void mm_block_init_short(std::uint32_t in0_cb, std::uint32_t in1_cb, const std::uint32_t transpose = 0, std::uint32_t ct_dim = 1,
                              std::uint32_t rt_dim = 1, std::uint32_t kt_dim = 1, std::uint32_t call_line = __builtin_LINE()) {
    (void)ct_dim; (void)rt_dim; (void)kt_dim;
    mm_init_short(in0_cb, in1_cb, transpose, call_line);
}
ALWI void mm_block_init_short_with_dt(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t old_in1_cb, const std::uint32_t transpose = 0,
                                      std::uint32_t ct_dim = 1, std::uint32_t rt_dim = 1, std::uint32_t kt_dim = 1) {
    (void)ct_dim; (void)rt_dim; (void)kt_dim;
    mm_init_short_with_dt(in0_cb, in1_cb, old_in1_cb, transpose);
}
ALWI void mm_block_init_short_with_both_dt(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t old_in0_cb, std::uint32_t old_in1_cb,
                                           const std::uint32_t transpose = 0, std::uint32_t ct_dim = 1, std::uint32_t rt_dim = 1, std::uint32_t kt_dim = 1) {
    (void)old_in0_cb; (void)ct_dim; (void)rt_dim; (void)kt_dim;
    mm_init_short_with_dt(in0_cb, in1_cb, old_in1_cb, transpose);
}
ALWI void matmul_block(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t in0_tile, std::uint32_t in1_tile, std::uint32_t idst,
                       const std::uint32_t transpose, std::uint32_t ct_dim, std::uint32_t rt_dim, std::uint32_t kt_dim,
                       std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    tx_matmul(in0_cb, in1_cb, in0_tile, in1_tile, idst, transpose, ct_dim, rt_dim, kt_dim, "matmul_block");
}

// ---- transpose, reduce ---------------------------------------------------------------------------
ALWI void transpose_wh_init(std::uint32_t icb, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    compute_kernel_hw_startup(icb, icb, ocb);
}
ALWI void transpose_wh_init_short(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE()) { (void)icb; (void)call_line; }
ALWI void transpose_wh_tile(std::uint32_t icb, std::uint32_t itile, std::uint32_t idst) { tx_transpose_wh(icb, itile, idst); }

template <PoolType reduce_type = SUM, ReduceDim reduce_dim = REDUCE_ROW, bool enforce_fp32_accumulation = false>
ALWI void reduce_init(std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    tx_configure(TX_UNPACK_A, icb, "reduce_init");
    tx_configure(TX_UNPACK_B, icb_scaler, "reduce_init");
    tx_configure(TX_PACK, ocb, "reduce_init");
}
template <bool enforce_fp32_accumulation = false>
ALWI void reduce_uninit(std::uint32_t icb = 0) { (void)icb; }
template <PoolType reduce_type = SUM, ReduceDim reduce_dim = REDUCE_ROW, bool enforce_fp32_accumulation = false>
ALWI void reduce_tile(std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t itile, std::uint32_t itile_scaler, std::uint32_t idst) {
    tx_reduce(int(reduce_type), int(reduce_dim), icb, icb_scaler, itile, itile_scaler, idst, enforce_fp32_accumulation);
}

// ---- packer ---------------------------------------------------------------------------------------
template <bool out_of_order_output = false>
ALWI void pack_tile(std::uint32_t ifrom_dst, std::uint32_t icb, std::uint32_t output_tile_index = 0) {
    // in order, the k-th pack since the last cb_push_back lands at page k (API §4.6)
    tx_pack_tile(ifrom_dst, icb, out_of_order_output ? std::int32_t(output_tile_index) : -1, "pack_tile");
}
ALWI void pack_tile_block(std::uint32_t ifrom_dst, std::uint32_t icb, std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; i++) tx_pack_tile(ifrom_dst + i, icb, -1, "pack_tile_block");
}
ALWI void pack_relu_config(std::uint32_t config) { tx_pack_relu(config & 3, (config >> 16) & 0xFFFF); }

// ---- tilize / untilize ----------------------------------------------------------------------------
ALWI void tilize_init(std::uint32_t icb, std::uint32_t block, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)block; (void)call_line;
    compute_kernel_hw_startup(icb, icb, ocb);
}
ALWI void tilize_init_short(std::uint32_t icb, std::uint32_t block, std::uint32_t ocb) { tilize_init(icb, block, ocb); }
ALWI void tilize_uninit(std::uint32_t icb, std::uint32_t ocb) { (void)icb; (void)ocb; }
ALWI void tilize_block(std::uint32_t icb, std::uint32_t block, std::uint32_t ocb, std::uint32_t input_tile_index = 0,
                       std::uint32_t output_tile_index = 0) {
    tx_tilize_block(icb, block, ocb, input_tile_index, output_tile_index);
}
ALWI void untilize_init(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE()) { (void)call_line; tx_configure(TX_UNPACK_A, icb, "untilize_init"); }
ALWI void untilize_init_short(std::uint32_t icb) { untilize_init(icb); }
ALWI void untilize_uninit(std::uint32_t icb) { (void)icb; }
template <std::uint32_t block_ct_dim = 1>
ALWI void untilize_block(std::uint32_t icb, std::uint32_t full_ct_dim, std::uint32_t ocb) { tx_untilize_block(icb, full_ct_dim, ocb); }
template <std::uint32_t block_ct_dim = 8, std::uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_init(std::uint32_t icb, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    compute_kernel_hw_startup(icb, icb, ocb);
}
template <std::uint32_t block_ct_dim = 8, std::uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_dest_init(std::uint32_t ocb, std::uint32_t face_r_dim = 16, std::uint32_t num_faces = 4) {
    (void)face_r_dim; (void)num_faces;
    tx_configure(TX_PACK, ocb, "pack_untilize_dest_init");
}
ALWI void pack_untilize_uninit(std::uint32_t ocb) { (void)ocb; }
template <std::uint32_t block_ct_dim = 8, std::uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_block(std::uint32_t icb, std::uint32_t block_rt_dim, std::uint32_t ocb, std::uint32_t block_c_index = 0) {
    for (std::uint32_t r = 0; r < block_rt_dim; r++) {
        tile_regs_acquire();
        for (std::uint32_t c = 0; c < block_ct_dim; c++) tx_copy_tile(icb, r * block_ct_dim + c, c, 0, "pack_untilize_block");
        tile_regs_commit();
        tile_regs_wait();
        tx_pack_untilize_dest(ocb, 1, block_ct_dim, block_c_index, full_ct_dim, r);
        tile_regs_release();
    }
}
template <std::uint32_t block_ct_dim = 8, std::uint32_t full_ct_dim = block_ct_dim, bool diagonal = false, bool narrow_row = false,
          std::uint32_t row_num_datums = 32>
ALWI void pack_untilize_dest(std::uint32_t ocb, std::uint32_t block_rt_dim = 1, std::uint32_t block_c_index = 0, std::uint32_t face_r_dim = 16,
                             std::uint32_t num_faces = 4, std::uint32_t tile_dst_rt_offset = 0) {
    (void)face_r_dim; (void)num_faces; (void)tile_dst_rt_offset;
    tx_pack_untilize_dest(ocb, block_rt_dim, block_ct_dim, block_c_index, full_ct_dim, 0);
}

// ---- compute-side CB helpers ----------------------------------------------------------------------
ALWI std::uint32_t get_tile_address(std::uint32_t cb, std::uint32_t tile) { return tx_cb_tile_address(cb, tile); }
ALWI std::uint32_t read_tile_value(std::uint32_t cb, std::uint32_t tile, std::uint32_t element) { return tx_read_tile_value(cb, tile, element); }

}  // namespace ckernel

#include "api/compute/tx_compute_current.h"

using namespace ckernel;
#include "tx_sfpi.h"
