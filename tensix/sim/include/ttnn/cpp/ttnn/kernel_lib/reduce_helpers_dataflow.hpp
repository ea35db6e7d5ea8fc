// tensix: ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.hpp -> dataflow_kernel_lib, written from
// current §4.3, §12.5: scaler tiles for compute_kernel_lib::reduce.
// One tile per call: reserve_back(1), zero it, fill it, push_back(1); the compute side waits for it
// and never pops it. Float16_b or Float32, 32x32 tiles.
//   matmul layout (REDUCE_ROW with SUM/AVG unless compute_uses_reduce_tile): the scaler in column 0 of
//     the left faces (0 and 2), rows < valid;
//   otherwise: row 0 of every face, the first min(16, valid - start) positions, start = the face's
//     column start (REDUCE_ROW) or row start (REDUCE_COL); REDUCE_SCALAR fills all.
#pragma once
#include <cstring>
#include "api/dataflow/dataflow_api.h"
#include "internal/tx_llk_enums.h"

using ckernel::PoolType;
using ckernel::ReduceDim;

namespace dataflow_kernel_lib {
constexpr std::uint32_t SUM_AND_MAX_REDUCE_FACTOR = 1;

template <PoolType pool, ReduceDim dim>
constexpr bool reduce_uses_matmul() { return dim == ckernel::REDUCE_ROW && (pool == ckernel::SUM || pool == ckernel::AVG); }

template <std::uint32_t cb_id, PoolType pool, ReduceDim dim, bool compute_uses_reduce_tile = false>
void prepare_reduce_scaler(float scaler, std::uint32_t valid = 32) {
    const DataFormat f = get_dataformat(cb_id);
    const bool fp32 = f == DataFormat::Float32;
    if (!fp32 && f != DataFormat::Float16_b)
        tx_fail("prepare_reduce_scaler: CB %u must be Float16_b or Float32 (it is format %u)", cb_id, unsigned(f));
    if (dim == ckernel::REDUCE_SCALAR && valid != 32)
        tx_fail("prepare_reduce_scaler: REDUCE_SCALAR needs a full 32x32 scaler (valid = %u)", valid);
    cb_reserve_back(cb_id, 1);
    std::uint8_t* t = reinterpret_cast<std::uint8_t*>(std::uintptr_t(get_write_ptr(cb_id)));
    std::memset(t, 0, fp32 ? 4096 : 2048);
    std::uint32_t bits;
    std::memcpy(&bits, &scaler, 4);
    auto put = [&](std::uint32_t i) {    // element i of the face-ordered tile
        if (fp32) std::memcpy(t + 4 * i, &bits, 4);
        else { std::uint16_t h = std::uint16_t(bits >> 16); std::memcpy(t + 2 * i, &h, 2); }
    };
    if (!compute_uses_reduce_tile && reduce_uses_matmul<pool, dim>()) {
        for (std::uint32_t f2 = 0; f2 < 2; f2++)                  // faces 0 and 2: rows 0..15 and 16..31
            for (std::uint32_t i = 0; i < 16; i++)
                if (f2 * 16 + i < valid) put(f2 * 2 * 256 + i * 16);
    } else {
        for (std::uint32_t face = 0; face < 4; face++) {
            std::uint32_t start = dim == ckernel::REDUCE_COL ? (face / 2) * 16 : dim == ckernel::REDUCE_ROW ? (face % 2) * 16 : 0;
            std::uint32_t n = valid > start ? (valid - start < 16 ? valid - start : 16) : 0;
            for (std::uint32_t p = 0; p < n; p++) put(face * 256 + p);
        }
    }
    cb_push_back(cb_id, 1);
}

// the scaler: 1/sqrt(N) for AVG + REDUCE_SCALAR (N = 1024 * reduce_factor values; the LLK applies it
// twice), 1/N for AVG + ROW/COL (N = 32 * reduce_factor), 1.0 for SUM and MAX
template <std::uint32_t cb_id, PoolType pool, ReduceDim dim, std::uint32_t reduce_factor = SUM_AND_MAX_REDUCE_FACTOR,
          bool compute_uses_reduce_tile = false>
void calculate_and_prepare_reduce_scaler(std::uint32_t valid = 32) {
    float s = 1.0f;
    if constexpr (pool == ckernel::AVG) {
        s = dim == ckernel::REDUCE_SCALAR ? 1.0f / __builtin_sqrtf(float(1024 * reduce_factor)) : 1.0f / float(32 * reduce_factor);
    }
    prepare_reduce_scaler<cb_id, pool, dim, compute_uses_reduce_tile>(s, valid);
}

// two tiles: [full, partial with `partial_positions` valid]
template <std::uint32_t cb_id, PoolType pool, ReduceDim dim, std::uint32_t partial_positions, bool compute_uses_reduce_tile = false>
void prepare_partial_reduce_scalers(float scaler) {
    static_assert(dim != ckernel::REDUCE_SCALAR, "prepare_partial_reduce_scalers: REDUCE_SCALAR has no partial scaler");
    static_assert(partial_positions >= 1 && partial_positions <= 31, "prepare_partial_reduce_scalers: partial_positions must be in [1, 31]");
    prepare_reduce_scaler<cb_id, pool, dim, compute_uses_reduce_tile>(scaler, 32);
    prepare_reduce_scaler<cb_id, pool, dim, compute_uses_reduce_tile>(scaler, partial_positions);
}
template <std::uint32_t cb_id, PoolType pool, ReduceDim dim, std::uint32_t partial_positions, std::uint32_t reduce_factor = 1>
void calculate_and_prepare_partial_reduce_scalers() {
    calculate_and_prepare_reduce_scaler<cb_id, pool, dim, reduce_factor>(32);
    calculate_and_prepare_reduce_scaler<cb_id, pool, dim, reduce_factor>(partial_positions);
}
// older overloads: <cb, partial_cols>(f) fills columns for REDUCE_ROW; <cb, ReduceDim, partial>(f)
template <std::uint32_t cb_id, std::uint32_t partial_cols>
void prepare_partial_reduce_scalers(float scaler) {
    prepare_partial_reduce_scalers<cb_id, ckernel::SUM, ckernel::REDUCE_ROW, partial_cols>(scaler);
}
template <std::uint32_t cb_id, ReduceDim dim, std::uint32_t partial>
void prepare_partial_reduce_scalers(float scaler) {
    prepare_partial_reduce_scalers<cb_id, ckernel::SUM, dim, partial>(scaler);
}
}  // namespace dataflow_kernel_lib
