// tensix: ttnn/cpp/ttnn/kernel_lib/reduce_helpers_compute.hpp -> compute_kernel_lib::reduce, written from
// current §4.3, §12.5. Requires compute_kernel_hw_startup first. The
// helper owns reduce_init/uninit, the DST cycle, output reserve/pack/push and the input wait/pop of
// its policy; it waits for the scaler tile(s) and does not pop them (inferred).
// Outputs per batch: REDUCE_ROW one tile per row (DST 0), REDUCE_COL one per column (in chunks of
// DEST_AUTO_LIMIT columns, DST 0..chunk-1), REDUCE_SCALAR one. Input order (streaming policies):
// ROW row by row; COL per column chunk, row by row, the chunk's columns; SCALAR row-major.
// With ReducePartialScaler::with_partial() the scaler CB holds [full, partial] and the last tile
// along the reduced dimension uses the partial one. REDUCE_ROW with SUM or AVG runs as a matmul
// against the scaler tile (its scaler sits in column 0, as prepare_reduce_scaler writes it then). Accumulate::at(cb, i) with i > 0 reloads the
// running result from cb (one tile per output, waited for and popped) before reducing into it.
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"

namespace compute_kernel_lib {
enum class ReduceInputPolicy { WaitAndPopPerTile, BulkWaitBulkPop, WaitUpfrontNoPop, NoWaitNoPop };
enum class ReduceDataFormatReconfigMode { NONE, INPUT, OUTPUT, INPUT_AND_OUTPUT };
enum class ReduceFp32Mode { Fast, Precise };
struct ReduceInputBlockShape {
    std::uint32_t rows, cols, batches;
    static constexpr ReduceInputBlockShape of(std::uint32_t r, std::uint32_t c, std::uint32_t b = 1) { return {r, c, b}; }
    static constexpr ReduceInputBlockShape single() { return {1, 1, 1}; }
    static constexpr ReduceInputBlockShape row(std::uint32_t c, std::uint32_t b = 1) { return {1, c, b}; }
    static constexpr ReduceInputBlockShape col(std::uint32_t r, std::uint32_t b = 1) { return {r, 1, b}; }
};
struct ReduceInputMemoryLayout {
    std::uint32_t row_stride = 0;
    static constexpr ReduceInputMemoryLayout contiguous() { return {0}; }
    static constexpr ReduceInputMemoryLayout with_row_stride(std::uint32_t s) { return {s}; }
};
struct ReducePartialScaler {
    bool use_partial = false;
    static constexpr ReducePartialScaler none() { return {false}; }
    static constexpr ReducePartialScaler with_partial() { return {true}; }
    constexpr std::uint32_t scaler_tile_count() const { return use_partial ? 2 : 1; }
    constexpr std::uint32_t partial_scaler_idx() const { return 1; }
};
struct AccumulationConfig { std::uint32_t cb_accumulator = 0, dst_index = 0; };
struct Accumulate {
    AccumulationConfig config;
    std::uint32_t iteration = 0;
    static constexpr Accumulate at(std::uint32_t cb, std::uint32_t iter, std::uint32_t dst = 0) { return {{cb, dst}, iter}; }
};
struct NoAccumulation {};
struct NoOp { void operator()(std::uint32_t = 0) const {} };

template <PoolType reduce_type, ReduceDim reduce_dim, std::uint32_t input_cb, std::uint32_t scaler_cb, std::uint32_t output_cb,
          ReduceInputPolicy policy = ReduceInputPolicy::WaitAndPopPerTile,
          ReduceDataFormatReconfigMode reconfig = ReduceDataFormatReconfigMode::INPUT_AND_OUTPUT,
          ReduceFp32Mode fp32_mode = ReduceFp32Mode::Fast, typename AccumulateT = NoAccumulation, typename PostReduceOp = NoOp>
void reduce(ReduceInputBlockShape shape, ReduceInputMemoryLayout layout = ReduceInputMemoryLayout::contiguous(), AccumulateT accumulate = {},
            PostReduceOp post_reduce_op = {}, ReducePartialScaler partial = ReducePartialScaler::none()) {
    using P = ReduceInputPolicy;
    constexpr bool acc_on = std::is_same_v<AccumulateT, Accumulate>;
    constexpr bool use_matmul = reduce_dim == REDUCE_ROW && (reduce_type == SUM || reduce_type == AVG);
    auto init = [&] {
        if constexpr (use_matmul) {
            reconfig_data_format_srca(scaler_cb);   // matmul: in1 (the scaler) on SrcA, in0 (the data) on SrcB
            reconfig_data_format_srcb(input_cb);
            matmul_init(input_cb, scaler_cb);
        } else {
            reduce_init<reduce_type, reduce_dim, fp32_mode == ReduceFp32Mode::Precise>(input_cb, scaler_cb, output_cb);
        }
    };
    if (partial.use_partial && reduce_dim == REDUCE_SCALAR)
        tx_fail("compute_kernel_lib::reduce: REDUCE_SCALAR must use ReducePartialScaler::none()");
    if constexpr (!use_matmul && (reconfig == ReduceDataFormatReconfigMode::INPUT || reconfig == ReduceDataFormatReconfigMode::INPUT_AND_OUTPUT))
        reconfig_data_format(input_cb, scaler_cb);
    if constexpr (reconfig == ReduceDataFormatReconfigMode::OUTPUT || reconfig == ReduceDataFormatReconfigMode::INPUT_AND_OUTPUT)
        pack_reconfig_data_format(output_cb);
    init();
    cb_wait_front(scaler_cb, partial.scaler_tile_count());
    const std::uint32_t R = shape.rows, C = shape.cols, stride = layout.row_stride ? layout.row_stride : C;
    const std::uint32_t per_batch = reduce_dim == REDUCE_SCALAR || reduce_dim == REDUCE_ROW ? (R - 1) * stride + C : (R - 1) * stride + C;
    std::uint32_t upfront_base = 0;
    if (policy == P::WaitUpfrontNoPop) cb_wait_front(input_cb, per_batch * shape.batches);
    auto scaler_for = [&](bool last_along_dim) { return partial.use_partial && last_along_dim ? partial.partial_scaler_idx() : 0u; };
    auto reload = [&](std::uint32_t dst) {   // Accumulate: the running result back into DST
        if constexpr (acc_on) {
            if (accumulate.iteration > 0) {
                const std::uint32_t acb = accumulate.config.cb_accumulator;
                reconfig_data_format_srca(acb);
                copy_init(acb);
                cb_wait_front(acb, 1);
                copy_tile(acb, 0, dst);
                cb_pop_front(acb, 1);
                reconfig_data_format_srca(input_cb);
                init();
            }
        }
    };
    // one input tile (r, c) of this batch into DST `dst`
    auto one = [&](std::uint32_t base, std::uint32_t r, std::uint32_t c, std::uint32_t dst, bool last_along_dim) {
        const std::uint32_t sidx = scaler_for(last_along_dim);
        const std::uint32_t t = policy == P::WaitAndPopPerTile ? 0 : base + r * stride + c;
        if (policy == P::WaitAndPopPerTile) cb_wait_front(input_cb, 1);
        if constexpr (use_matmul) matmul_tiles(input_cb, scaler_cb, t, sidx, dst);
        else reduce_tile<reduce_type, reduce_dim>(input_cb, scaler_cb, t, sidx, dst);
        if (policy == P::WaitAndPopPerTile) cb_pop_front(input_cb, 1);
    };
    auto emit = [&](std::uint32_t ntiles) {
        tile_regs_commit();
        tile_regs_wait();
        cb_reserve_back(output_cb, ntiles);
        for (std::uint32_t i = 0; i < ntiles; i++) pack_tile(i, output_cb);
        cb_push_back(output_cb, ntiles);
        tile_regs_release();
    };
    for (std::uint32_t b = 0; b < shape.batches; b++) {
        const std::uint32_t base = policy == P::WaitUpfrontNoPop ? upfront_base : 0;
        if (policy == P::BulkWaitBulkPop) cb_wait_front(input_cb, per_batch);
        if constexpr (reduce_dim == REDUCE_ROW) {
            for (std::uint32_t r = 0; r < R; r++) {
                tile_regs_acquire();
                reload(0);
                for (std::uint32_t c = 0; c < C; c++) one(base, r, c, 0, c == C - 1);
                post_reduce_op(0);
                emit(1);
            }
        } else if constexpr (reduce_dim == REDUCE_COL) {
            for (std::uint32_t c0 = 0; c0 < C; c0 += DEST_AUTO_LIMIT) {
                const std::uint32_t chunk = C - c0 < DEST_AUTO_LIMIT ? C - c0 : DEST_AUTO_LIMIT;
                tile_regs_acquire();
                for (std::uint32_t j = 0; j < chunk; j++) reload(j);
                for (std::uint32_t r = 0; r < R; r++)
                    for (std::uint32_t j = 0; j < chunk; j++) one(base, r, c0 + j, j, r == R - 1);
                for (std::uint32_t j = 0; j < chunk; j++) post_reduce_op(j);
                emit(chunk);
            }
        } else {
            tile_regs_acquire();
            reload(0);
            for (std::uint32_t r = 0; r < R; r++)
                for (std::uint32_t c = 0; c < C; c++) one(base, r, c, 0, false);
            post_reduce_op(0);
            emit(1);
        }
        if (policy == P::BulkWaitBulkPop) cb_pop_front(input_cb, per_batch);
        upfront_base += per_batch;
    }
    if constexpr (!use_matmul) reduce_uninit();
}
}  // namespace compute_kernel_lib
