// tensix: ttnn/cpp/ttnn/kernel_lib/matmul_tile_helpers.hpp -> compute_kernel_lib::matmul_tile, written from
// current §4.2, §12.5. The caller initialises (hw_startup + matmul_init,
// or mm_init). Loop batch x Mt x Nt; per output tile: acquire, Kt x (wait 1 in0, wait 1 in1,
// matmul_tiles(0, 0 -> DST 0), pop both), post_compute(1), commit/wait, reserve/pack/push 1, release.
// The reader pushes in exactly this order.
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"

namespace compute_kernel_lib {
namespace matmul_tile_config {
struct NoPostCompute { void operator()(std::uint32_t) const {} };
}  // namespace matmul_tile_config

template <std::uint32_t in0_cb, std::uint32_t in1_cb, std::uint32_t out_cb, bool transpose = false,
          typename PostComputeFn = matmul_tile_config::NoPostCompute>
void matmul_tile(std::uint32_t Mt, std::uint32_t Nt, std::uint32_t Kt, std::uint32_t batch = 1, PostComputeFn post_compute = {}) {
    if constexpr (transpose) matmul_init(in0_cb, in1_cb, 1);
    for (std::uint32_t b = 0; b < batch; b++)
        for (std::uint32_t m = 0; m < Mt; m++)
            for (std::uint32_t n = 0; n < Nt; n++) {
                tile_regs_acquire();
                for (std::uint32_t k = 0; k < Kt; k++) {
                    cb_wait_front(in0_cb, 1);
                    cb_wait_front(in1_cb, 1);
                    matmul_tiles(in0_cb, in1_cb, 0, 0, 0);
                    cb_pop_front(in0_cb, 1);
                    cb_pop_front(in1_cb, 1);
                }
                post_compute(1);
                tile_regs_commit();
                tile_regs_wait();
                cb_reserve_back(out_cb, 1);
                pack_tile(0, out_cb);
                cb_push_back(out_cb, 1);
                tile_regs_release();
            }
}
}  // namespace compute_kernel_lib
