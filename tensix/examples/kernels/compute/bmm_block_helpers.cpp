// block matmul (compute), today's form: tt-metal's matmul examples moved from the hand-written
// bmm_large_block_zm loop (bmm_block.cpp, kept) to ttnn's kernel_lib helper. Same CB protocol: CB 0 /
// CB 1 hold an in0 / in1 K-block, partial sums go to CB 24 between K-blocks and the final sub-blocks
// to CB 16 (CB 16 and CB 24 share one region), sub-block-major.
//
// Compile-time args: as bmm_block.cpp (in0_block_w, in0_num_subblocks, in0_block_num_tiles,
// in0_subblock_num_tiles, in1_num_subblocks, in1_block_num_tiles, in1_per_core_w, num_blocks,
// out_subblock_h, out_subblock_w, out_subblock_num_tiles).
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/matmul.h"
#include "api/dataflow/circular_buffer.h"
#include "ttnn/cpp/ttnn/kernel_lib/matmul_block_helpers.hpp"

namespace ckl = compute_kernel_lib;

void kernel_main() {
    constexpr uint32_t in0_block_w = get_compile_time_arg_val(0);
    constexpr uint32_t in0_num_subblocks = get_compile_time_arg_val(1);
    constexpr uint32_t in1_num_subblocks = get_compile_time_arg_val(4);
    constexpr uint32_t num_blocks = get_compile_time_arg_val(7);
    constexpr uint32_t out_subblock_h = get_compile_time_arg_val(8);
    constexpr uint32_t out_subblock_w = get_compile_time_arg_val(9);

    CircularBuffer in0(tt::CBIndex::c_0), in1(tt::CBIndex::c_1), out(tt::CBIndex::c_16), interm(tt::CBIndex::c_24);
    compute_kernel_hw_startup<SrcOrder::Reverse>(in0.get_cb_id(), in1.get_cb_id(), out.get_cb_id());
    matmul_block_init(in0.get_cb_id(), in1.get_cb_id(), 0, out_subblock_w, out_subblock_h, in0_block_w);
    ckl::matmul_block(in0, in1, out, interm,
                      ckl::MatmulBlockShape::of(in0_num_subblocks, in1_num_subblocks, out_subblock_h, out_subblock_w,
                                                in0_block_w, num_blocks));
}
