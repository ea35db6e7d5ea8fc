// tensix: the LLK enums both compute and data-movement kernels name (PoolType, ReduceDim; API §4.6),
// e.g. compute_kernel_lib::reduce and dataflow_kernel_lib::prepare_reduce_scaler.
#pragma once
namespace ckernel {
enum ReduceDim { REDUCE_ROW, REDUCE_COL, REDUCE_SCALAR };
enum PoolType { SUM, AVG, MAX, MIN };
}  // namespace ckernel
