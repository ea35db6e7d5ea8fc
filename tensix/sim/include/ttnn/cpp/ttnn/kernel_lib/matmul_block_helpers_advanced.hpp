// tensix: ttnn/cpp/ttnn/kernel_lib/matmul_block_helpers_advanced.hpp is named by API-current §4.5/§11, but its exact signatures and
// semantics are not in tensix's reference yet, so tensix does not guess them.
#pragma once
#error "ttnn/cpp/ttnn/kernel_lib/matmul_block_helpers_advanced.hpp is not provided by tensix yet (provided: matmul_block_helpers, matmul_tile_helpers, reduce_helpers_compute, reduce_helpers_dataflow, tilize_helpers, untilize_helpers, dest_helpers)"
