// tensix: ttnn/cpp/ttnn/kernel_lib/eltwise_convenience.hpp (API-current §12.5, the older surface read at
// 0888981c22): binary_op / binary_add / binary_sub / binary_mul, unary_op<SfpuOp> and copy. Each calls
// compute_kernel_hw_startup itself ((CbA, CbB, CbOut) or (CbIn, CbIn, CbOut)), then streams one tile at
// a time: wait/pop each input, copy to D0 or run the FPU op into D0, apply the SFPU op, then
// reserve/pack/push one output tile.
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/eltwise_chain.hpp"

namespace compute_kernel_lib {
template <BinaryFpuOp Op, std::uint32_t CbA, std::uint32_t CbB, std::uint32_t CbOut>
void binary_op(std::uint32_t n) {
    compute_kernel_hw_startup(CbA, CbB, CbOut);
    eltwise_chain(EltwiseShape::tiles(n), BinaryFpu<CbA, CbB, Op>{}, PackTile<CbOut>{});
}
template <std::uint32_t CbA, std::uint32_t CbB, std::uint32_t CbOut>
void binary_add(std::uint32_t n) { binary_op<BinaryFpuOp::Add, CbA, CbB, CbOut>(n); }
template <std::uint32_t CbA, std::uint32_t CbB, std::uint32_t CbOut>
void binary_sub(std::uint32_t n) { binary_op<BinaryFpuOp::Sub, CbA, CbB, CbOut>(n); }
template <std::uint32_t CbA, std::uint32_t CbB, std::uint32_t CbOut>
void binary_mul(std::uint32_t n) { binary_op<BinaryFpuOp::Mul, CbA, CbB, CbOut>(n); }
template <class SfpuOp, std::uint32_t CbIn, std::uint32_t CbOut>
void unary_op(std::uint32_t n) {
    compute_kernel_hw_startup(CbIn, CbIn, CbOut);
    eltwise_chain(EltwiseShape::tiles(n), CopyTile<CbIn>{}, SfpuOp{}, PackTile<CbOut>{});
}
template <std::uint32_t CbIn, std::uint32_t CbOut>
void copy(std::uint32_t n) {
    compute_kernel_hw_startup(CbIn, CbIn, CbOut);
    eltwise_chain(EltwiseShape::tiles(n), CopyTile<CbIn>{}, PackTile<CbOut>{});
}
}  // namespace compute_kernel_lib
