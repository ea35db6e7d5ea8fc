// eltwise binary add (compute), today's form: out[i] = A[i] + B[i] for each tile, through DST tile 0.
// compute_kernel_hw_startup once, then the op's init (add_init), CBs as Device 2.0 CircularBuffer
// objects (compute API split, tt-metal issue #22219). eltwise_add_legacy.cpp is the baseline form.
// CBs: 0 = A, 1 = B, 16 = out. Runtime args: number of tiles.
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/dataflow/circular_buffer.h"

void kernel_main() {
    uint32_t num_tiles = get_arg_val<uint32_t>(0);
    CircularBuffer cb_a(tt::CBIndex::c_0), cb_b(tt::CBIndex::c_1), cb_out(tt::CBIndex::c_16);

    compute_kernel_hw_startup(cb_a.get_cb_id(), cb_b.get_cb_id(), cb_out.get_cb_id());
    add_init(cb_a.get_cb_id(), cb_b.get_cb_id());
    for (uint32_t i = 0; i < num_tiles; i++) {
        cb_a.wait_front(1);
        cb_b.wait_front(1);
        tile_regs_acquire();
        add_tiles(cb_a.get_cb_id(), cb_b.get_cb_id(), 0, 0, 0);
        tile_regs_commit();
        cb_a.pop_front(1);
        cb_b.pop_front(1);

        cb_out.reserve_back(1);
        tile_regs_wait();
        pack_tile(0, cb_out.get_cb_id());
        tile_regs_release();
        cb_out.push_back(1);
    }
}
