// tensix: ttnn/cpp/ttnn/kernel_lib/untilize_helpers.hpp -> compute_kernel_lib::untilize, written from
// current §4.4. Per block: wait for block_width_tiles tiles, reserve
// as many output pages, untilize them (pack_untilize when the width fits DST, else the block path:
// the result is the same row-major block), push, pop.
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"

namespace compute_kernel_lib {
namespace untilize_config {
enum class InitUninitMode : std::uint8_t { InitAndUninit, InitOnly, UninitOnly, Neither };
enum class WaitMode : std::uint8_t { WaitBlock, WaitUpfront, NoWait };
enum class ReconfigureRegisterDatatypeMode : std::uint8_t { NoReconfigure, UnpackReconfigure, PackReconfigure, UnpackAndPackReconfigure };
enum class RemapMode : std::uint8_t { Configure, Skip };
}  // namespace untilize_config

template <std::uint32_t block_width_tiles, std::uint32_t input_cb, std::uint32_t output_cb,
          untilize_config::InitUninitMode init_mode = untilize_config::InitUninitMode::InitAndUninit,
          untilize_config::WaitMode wait_mode = untilize_config::WaitMode::WaitBlock,
          untilize_config::ReconfigureRegisterDatatypeMode reconfig = untilize_config::ReconfigureRegisterDatatypeMode::UnpackAndPackReconfigure,
          untilize_config::RemapMode remap = untilize_config::RemapMode::Configure>
void untilize(std::uint32_t num_blocks) {
    using I = untilize_config::InitUninitMode;
    using R = untilize_config::ReconfigureRegisterDatatypeMode;
    using W = untilize_config::WaitMode;
    if constexpr (reconfig == R::UnpackReconfigure || reconfig == R::UnpackAndPackReconfigure) reconfig_data_format_srca(input_cb);
    if constexpr (reconfig == R::PackReconfigure || reconfig == R::UnpackAndPackReconfigure) pack_reconfig_data_format(output_cb);
    if constexpr (init_mode == I::InitAndUninit || init_mode == I::InitOnly) untilize_init(input_cb);
    if (wait_mode == W::WaitUpfront) cb_wait_front(input_cb, block_width_tiles * num_blocks);
    for (std::uint32_t b = 0; b < num_blocks; b++) {
        if (wait_mode == W::WaitBlock) cb_wait_front(input_cb, block_width_tiles);
        cb_reserve_back(output_cb, block_width_tiles);
        untilize_block(input_cb, block_width_tiles, output_cb);
        cb_push_back(output_cb, block_width_tiles);
        cb_pop_front(input_cb, block_width_tiles);
    }
    if constexpr (init_mode == I::InitAndUninit || init_mode == I::UninitOnly) untilize_uninit(input_cb);
}
}  // namespace compute_kernel_lib
