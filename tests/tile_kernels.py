"""Hand-written compute kernels that more than one test or benchmark runs (one definition each).

ADD_TILES: n tiles of CB 0 + CB 1 -> CB 16, one tile per handshake (wait, add_tiles, pack, push): the
least work per tile, for measurements of the tile path itself (tests/test_timing.py's DRAM-bound
eltwise, bench/bench_compute.py's host cost of one tile op). Runtime args: n.
"""

ADD_TILES = r"""
#include "api/compute/eltwise_binary.h"
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    binary_op_init_common(0, 1, 16);
    add_tiles_init(0, 1);
    for (uint32_t i = 0; i < n; i++) {
        cb_wait_front(0, 1); cb_wait_front(1, 1);
        tile_regs_acquire(); add_tiles(0, 1, 0, 0, 0); tile_regs_commit();
        cb_pop_front(0, 1); cb_pop_front(1, 1);
        cb_reserve_back(16, 1); tile_regs_wait(); pack_tile(0, 16); tile_regs_release(); cb_push_back(16, 1);
    }
}
"""
