// sharded vector add (compute only): the core's shards of a and b already sit in L1, in the globally
// allocated CBs placed on them, so the kernel adds them in place with no reader, no writer and no
// cb_wait_front; the sums are packed into the output CB (also on an L1 shard) and pushed.
// Compile-time args: CB of a, CB of b, CB of the output, tiles per core.
#include "api/compute/common.h"
#include "api/compute/eltwise_binary.h"

void kernel_main() {
    constexpr uint32_t cb_a = get_compile_time_arg_val(0);
    constexpr uint32_t cb_b = get_compile_time_arg_val(1);
    constexpr uint32_t cb_out = get_compile_time_arg_val(2);
    constexpr uint32_t num_tiles = get_compile_time_arg_val(3);

    binary_op_init_common(cb_a, cb_b, cb_out);
    add_tiles_init(cb_a, cb_b);
    cb_reserve_back(cb_out, num_tiles);
    for (uint32_t i = 0; i < num_tiles; i++) {
        tile_regs_acquire();
        add_tiles(cb_a, cb_b, i, i, 0);       // tile i of each resident shard
        tile_regs_commit();
        tile_regs_wait();
        pack_tile(0, cb_out);                 // sequential: the i-th pack lands on page i
        tile_regs_release();
    }
    cb_push_back(cb_out, num_tiles);
}
