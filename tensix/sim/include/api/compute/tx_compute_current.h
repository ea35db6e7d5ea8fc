// tensix kernel-API header: the compute init family of today's tt-metal (compute API split, issue
// #22219), written from current §1 and §11. The model:
// compute_kernel_hw_startup once, then <op>_init before each op; formats switch through
// reconfig_data_format*. The older full inits and *_with_dt forms (tx_compute.h) stay as they were.
// Included by tx_compute.h; kernels include api/compute/<x>.h as on silicon.
#pragma once

namespace ckernel {

// ---- hardware start-up with the source order (§1.2) ------------------------------------------
// Reverse: icb0 -> SrcB, icb1 -> SrcA (matmul places in0 in SrcB); arguments stay in (in0, in1) order
enum class SrcOrder : std::uint8_t { Regular = 0, Reverse = 1 };
template <SrcOrder src_order>
ALWI void compute_kernel_hw_startup(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t ocb) {
    const bool rev = src_order == SrcOrder::Reverse;
    tx_configure(TX_UNPACK_A, rev ? icb1 : icb0, "compute_kernel_hw_startup");
    tx_configure(TX_UNPACK_B, rev ? icb0 : icb1, "compute_kernel_hw_startup");
    tx_configure(TX_PACK, ocb, "compute_kernel_hw_startup");
}

// ---- copy (§1.4): also the init of eltwise-unary / SFPU kernels -------------------------------
ALWI void copy_init(std::uint32_t cbid, std::uint32_t transpose = 0, std::uint32_t transpose_within_16x16_face = false,
                    std::uint32_t call_line = __builtin_LINE()) {
    copy_tile_to_dst_init_short(cbid, transpose, transpose_within_16x16_face, call_line);
}
ALWI void copy_block(std::uint32_t in_cb, std::uint32_t start_in_tile, std::uint32_t start_dst_tile, std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; i++)
        tx_copy_tile(in_cb, start_in_tile + i, start_dst_tile + i, tx_state(TX_S_COPY_TRANSPOSE), "copy_block");
}

// ---- element-wise binary (§1.3) ----------------------------------------------------------------
ALWI void add_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)icb0; (void)icb1; (void)call_line;
    tx_binary_init(ELWADD, acc_to_dest);
}
ALWI void sub_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)icb0; (void)icb1; (void)call_line;
    tx_binary_init(ELWSUB, acc_to_dest);
}
// acc_to_dest defaults to true only for Quasar; on WH/BH the multiply result is A*B after an acquire
ALWI void mul_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = true, std::uint32_t call_line = __builtin_LINE()) {
    (void)icb0; (void)icb1; (void)acc_to_dest; (void)call_line;
    tx_binary_init(ELWMUL, 0);
}
ALWI void mul_tiles_init(std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest, std::uint32_t call_line = __builtin_LINE()) {
    mul_init(icb0, icb1, acc_to_dest, call_line);
}
#define TX_REUSE_DEST(op, OP)                                                                                       \
    template <EltwiseBinaryReuseDestType reuse_dest>                                                                \
    ALWI void op##_reuse_dest_init(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE()) {                 \
        static_assert(reuse_dest != EltwiseBinaryReuseDestType::NONE, #op "_reuse_dest_init: choose DEST_TO_SRCA or DEST_TO_SRCB"); \
        (void)icb; (void)call_line;                                                                                 \
    }                                                                                                               \
    template <EltwiseBinaryReuseDestType reuse_dest>                                                                \
    ALWI void op##_reuse_dest_tiles(std::uint32_t in_cb, std::uint32_t in_tile, std::uint32_t dst_tile) {           \
        static_assert(reuse_dest != EltwiseBinaryReuseDestType::NONE, #op "_reuse_dest_tiles: choose DEST_TO_SRCA or DEST_TO_SRCB"); \
        tx_binary_dest_reuse(OP, int(reuse_dest), in_cb, in_tile, dst_tile);                                        \
    }
TX_REUSE_DEST(add, TX_ADD)
TX_REUSE_DEST(sub, TX_SUB)
TX_REUSE_DEST(mul, TX_MUL)
#undef TX_REUSE_DEST
// *_block: a loop over *_tiles at consecutive indices (PR #49070)
#define TX_BLOCK(op)                                                                                                \
    ALWI void op##_block(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t start_itile0, std::uint32_t start_itile1, \
                         std::uint32_t start_idst, std::uint32_t ntiles) {                                         \
        for (std::uint32_t i = 0; i < ntiles; i++) op##_tiles(icb0, icb1, start_itile0 + i, start_itile1 + i, start_idst + i); \
    }
TX_BLOCK(add)
TX_BLOCK(sub)
TX_BLOCK(mul)
#undef TX_BLOCK

// older names (§12.7): binary_op_specific_init<full_init, op>() and the ELTWISE_OP_CODE form
ALWI void add_tiles_init_nof() { tx_binary_init(ELWADD, 0); }
ALWI void sub_tiles_init_nof() { tx_binary_init(ELWSUB, 0); }
ALWI void mul_tiles_init_f() { tx_binary_init(ELWMUL, 0); }
template <bool full_init = false, EltwiseBinaryType op = ELWADD>
ALWI void binary_op_specific_init() { tx_binary_init(op, 0); }
ALWI void binary_op_specific_init(int op_code) { tx_binary_init(op_code == 0 ? ELWADD : op_code == 1 ? ELWSUB : ELWMUL, 0); }

// ---- matmul (§1.5): the inits reprogram only unpack and math ---------------------------------------
ALWI void matmul_init(std::uint32_t in0_cb, std::uint32_t in1_cb, const std::uint32_t transpose = 0,
                      std::uint32_t call_line = __builtin_LINE()) {
    mm_init_short(in0_cb, in1_cb, transpose, call_line);
}
template <bool row_mop = false>
ALWI void matmul_block_init(std::uint32_t in0_cb, std::uint32_t in1_cb, const std::uint32_t transpose = 0, std::uint32_t ct_dim = 1,
                            std::uint32_t rt_dim = 1, std::uint32_t kt_dim = 1, std::uint32_t call_line = __builtin_LINE()) {
    mm_block_init_short(in0_cb, in1_cb, transpose, ct_dim, rt_dim, kt_dim, call_line);
}
template <bool row_mop>
ALWI void matmul_block(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t in0_tile, std::uint32_t in1_tile, std::uint32_t idst,
                       const std::uint32_t transpose, std::uint32_t ct_dim, std::uint32_t rt_dim, std::uint32_t kt_dim,
                       std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    tx_matmul(in0_cb, in1_cb, in0_tile, in1_tile, idst, transpose, ct_dim, rt_dim, kt_dim, "matmul_block");
}
// k_steps matmul_block calls, stepping in0 by in0_k_stride and in1 by in1_k_stride tiles
template <bool row_mop = false>
ALWI void matmul_block_k_loop(std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t in0_tile, std::uint32_t in1_tile, std::uint32_t idst,
                              const std::uint32_t transpose, std::uint32_t ct_dim, std::uint32_t rt_dim, std::uint32_t kt_dim,
                              std::uint32_t k_steps, std::uint32_t in0_k_stride, std::uint32_t in1_k_stride,
                              std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    for (std::uint32_t k = 0; k < k_steps; k++)
        tx_matmul(in0_cb, in1_cb, in0_tile + k * in0_k_stride, in1_tile + k * in1_k_stride, idst, transpose, ct_dim, rt_dim, kt_dim,
                  "matmul_block_k_loop");
}
ALWI void mm_uninit(std::uint32_t in0_cb, std::uint32_t in1_cb) { (void)in0_cb; (void)in1_cb; }

// ---- transpose (§1.6, transpose.h / transpose_dest.h) ----------------------------------------------
ALWI void transpose_init(std::uint32_t icb, std::uint32_t call_line = __builtin_LINE()) { (void)icb; (void)call_line; }
ALWI void transpose_tile(std::uint32_t icb, std::uint32_t itile, std::uint32_t idst) { tx_transpose_wh(icb, itile, idst); }
template <bool is_32bit = false, bool transpose_of_faces = true>
ALWI void transpose_dest_init() {}
template <bool is_32bit = false, bool transpose_of_faces = true>
ALWI void transpose_dest(std::uint32_t idst) {
    (void)idst;
    tx_fail("transpose_dest (api/compute/transpose_dest.h): an in-DST transpose is not provided by tensix yet; "
            "use transpose_init + transpose_tile from a CB");
}
template <bool is_32bit = false, bool transpose_of_faces = true>
ALWI void transpose_wh_dest_init_short() {}
template <bool is_32bit = false, bool transpose_of_faces = true>
ALWI void transpose_wh_dest(std::uint32_t idst) { transpose_dest<is_32bit, transpose_of_faces>(idst); }

// ---- broadcast (§1.6) ---------------------------------------------------------------------------------
template <EltwiseBinaryType op, BroadcastType dim>
ALWI void bcast_init(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t call_line = __builtin_LINE()) { (void)icb0; (void)icb1; (void)call_line; }
#define TX_BCAST_INIT(name)                                                                                       \
    ALWI void name(std::uint32_t icb0, std::uint32_t icb1, std::uint32_t call_line = __builtin_LINE()) { (void)icb0; (void)icb1; (void)call_line; }
TX_BCAST_INIT(add_bcast_rows_init)
TX_BCAST_INIT(add_bcast_cols_init)
TX_BCAST_INIT(add_bcast_scalar_init)
TX_BCAST_INIT(sub_bcast_rows_init)
TX_BCAST_INIT(sub_bcast_cols_init)
TX_BCAST_INIT(sub_bcast_scalar_init)
TX_BCAST_INIT(mul_bcast_rows_init)
TX_BCAST_INIT(mul_bcast_cols_init)
TX_BCAST_INIT(mul_bcast_scalar_init)
#undef TX_BCAST_INIT
// the 1-argument form is a distinct overload (the 2-argument full init is deprecated)
template <BroadcastType b>
ALWI void unary_bcast_init(std::uint32_t icb) { (void)icb; }
template <BroadcastType b>
ALWI void reconfigure_unary_bcast(std::uint32_t old_icb, std::uint32_t new_icb, std::uint32_t old_ocb, std::uint32_t new_ocb) {
    (void)old_icb; (void)old_ocb;
    tx_configure(TX_UNPACK_A, new_icb, "reconfigure_unary_bcast");
    tx_configure(TX_PACK, new_ocb, "reconfigure_unary_bcast");
}

// ---- format reconfiguration with the source order (§1.6) ---------------------------------------------
template <SrcOrder src_order, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format(std::uint32_t new0, std::uint32_t new1) {
    const bool rev = src_order == SrcOrder::Reverse;
    tx_configure(TX_UNPACK_A, rev ? new1 : new0, "reconfig_data_format");
    tx_configure(TX_UNPACK_B, rev ? new0 : new1, "reconfig_data_format");
}
template <SrcOrder src_order, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format(std::uint32_t, std::uint32_t new0, std::uint32_t, std::uint32_t new1) {
    reconfig_data_format<src_order, is_tile_dim_reconfig_en>(new0, new1);
}
template <SrcOrder src_order = SrcOrder::Regular, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_skip_int8(std::uint32_t new0, std::uint32_t new1) {
    reconfig_data_format<src_order, is_tile_dim_reconfig_en>(new0, new1);
}
template <SrcOrder src_order = SrcOrder::Regular, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_skip_int8(std::uint32_t old0, std::uint32_t new0, std::uint32_t old1, std::uint32_t new1) {
    (void)old0; (void)old1;
    reconfig_data_format<src_order, is_tile_dim_reconfig_en>(new0, new1);
}

// ---- pack / reduce blocks (§1.6) ------------------------------------------------------------------------
ALWI void pack_block(std::uint32_t ifrom_dst, std::uint32_t icb, std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; i++) tx_pack_tile(ifrom_dst + i, icb, -1, "pack_block");
}
template <PoolType reduce_type = SUM, ReduceDim reduce_dim = REDUCE_ROW, bool enforce_fp32_accumulation = false>
ALWI void reduce_block(std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t start_itile, std::uint32_t itile_scaler,
                       std::uint32_t start_idst, std::uint32_t ntiles) {
    for (std::uint32_t i = 0; i < ntiles; i++)
        tx_reduce(int(reduce_type), int(reduce_dim), icb, icb_scaler, start_itile + i, itile_scaler, start_idst + i, enforce_fp32_accumulation);
}

// ---- packer ReLU (§12.7): ReluType (older) and ReluConfig (newer) -----------------------------------------
enum class ReluType : std::uint8_t { NO_RELU = 0, ZERO_RELU, MIN_THRESHOLD_RELU, MAX_THRESHOLD_RELU };
struct ReluConfig {
    static constexpr ReluConfig none() { return ReluConfig(0, 0); }
    static constexpr ReluConfig zero() { return ReluConfig(1, 0); }
    static constexpr ReluConfig min_threshold(std::uint32_t t) { return ReluConfig(2, t); }
    static constexpr ReluConfig max_threshold(std::uint32_t t) { return ReluConfig(3, t); }
    static constexpr ReluConfig from_packed(std::uint32_t p) { return ReluConfig(p & 3, (p >> 16) & 0xFFFF); }
    constexpr std::uint32_t get_mode() const { return mode_; }
    constexpr std::uint32_t get_threshold() const { return threshold_; }

private:
    constexpr ReluConfig(std::uint32_t m, std::uint32_t t) : mode_(m), threshold_(t) {}
    std::uint32_t mode_, threshold_;
};
// packer state, persisting until changed: ZERO_RELU packs max(0, x); the threshold modes' semantics are
// not documented, so they fail (runtime/compute.cpp)
ALWI void llk_pack_relu_config(ReluConfig c) { tx_pack_relu(c.get_mode(), c.get_threshold()); }
ALWI void llk_pack_relu_config(ReluType t) { llk_pack_relu_config(ReluConfig::from_packed(std::uint32_t(t))); }
ALWI void llk_pack_reconfig_l1_acc(std::uint32_t enable) { pack_reconfig_l1_acc(enable); }

// ---- mailboxes between the TRISCs (§12.7) -----------------------------------------------------------
// The three TRISCs run as one thread here, in program order, so a value UNPACK posts is there when MATH
// and PACK read it: one FIFO per sending thread (the standard use posts to MATH and to PACK, and each
// reads once). A post from BRISC has no documented DM-side call, so reading one fails.
enum class ThreadId : std::uint32_t { UnpackThreadId = 0, MathThreadId = 1, PackThreadId = 2, BriscThreadId = 3 };
struct tx_mailbox_fifo { std::uint32_t v[16]; std::uint32_t head, tail; };
inline tx_mailbox_fifo tx_mailboxes[4];
ALWI void mailbox_write(ThreadId dst, std::uint32_t value) {
    (void)dst;
    // which thread posts is not visible in a one-thread build: MATH() / PACK() / UNPACK() all run; posts
    // are in UNPACK code by the standard use
    tx_mailbox_fifo& f = tx_mailboxes[0];
    if (f.tail - f.head >= 16) tx_fail("mailbox_write: 16 values posted and not read");
    f.v[f.tail++ % 16] = value;
}
ALWI std::uint32_t mailbox_read(ThreadId src) {
    if (src == ThreadId::BriscThreadId)
        tx_fail("mailbox_read(BriscThreadId): a data-movement RISC-V posting to the TRISCs is not provided by tensix yet");
    tx_mailbox_fifo& f = tx_mailboxes[0];
    if (f.head == f.tail) tx_fail("mailbox_read: nothing was posted (the simulator runs UNPACK, MATH and PACK code in program order)");
    return f.v[f.head++ % 16];
}

// ---- sentinel / sanitizer hooks the current API headers pull in (no-ops here) --------------------------
#define LLK_SAN_FUNCTION()

}  // namespace ckernel
