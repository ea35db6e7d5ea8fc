// tensix: ttnn/cpp/ttnn/kernel_lib/tilize_helpers.hpp -> compute_kernel_lib::tilize, written from
// current §4.4. Per block (inferred from the header docs): wait for
// block_width_tiles input pages (or total_input_pages spread over the blocks), reserve as many output
// tiles, tilize_block, push, pop. InitUninitMode chains calls; WaitUpfront waits for every block first.
#pragma once
#include <optional>
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"

namespace compute_kernel_lib {
namespace tilize_config {
enum class InitUninitMode : std::uint8_t { InitAndUninit, InitOnly, UninitOnly, Neither };
enum class WaitMode : std::uint8_t { WaitBlock, WaitUpfront, NoWait };
enum class ReconfigureRegisterDatatypeMode : std::uint8_t { NoReconfigure, UnpackReconfigure, PackReconfigure, UnpackAndPackReconfigure };
enum class Fp32Mode : std::uint8_t { Fast, Precise };
enum class RemapMode : std::uint8_t { Configure, Skip };
}  // namespace tilize_config

template <std::uint32_t block_width_tiles, std::uint32_t input_cb, std::uint32_t output_cb,
          tilize_config::InitUninitMode init_mode = tilize_config::InitUninitMode::InitAndUninit,
          tilize_config::WaitMode wait_mode = tilize_config::WaitMode::WaitBlock,
          tilize_config::ReconfigureRegisterDatatypeMode reconfig = tilize_config::ReconfigureRegisterDatatypeMode::UnpackAndPackReconfigure,
          tilize_config::Fp32Mode fp32_mode = tilize_config::Fp32Mode::Fast, tilize_config::RemapMode remap = tilize_config::RemapMode::Configure>
void tilize(std::uint32_t num_blocks, std::optional<std::uint32_t> total_input_pages = std::nullopt) {
    using I = tilize_config::InitUninitMode;
    using R = tilize_config::ReconfigureRegisterDatatypeMode;
    using W = tilize_config::WaitMode;
    if constexpr (reconfig == R::UnpackReconfigure || reconfig == R::UnpackAndPackReconfigure) reconfig_data_format_srca(input_cb);
    if constexpr (reconfig == R::PackReconfigure || reconfig == R::UnpackAndPackReconfigure) pack_reconfig_data_format(output_cb);
    if constexpr (init_mode == I::InitAndUninit || init_mode == I::InitOnly) tilize_init(input_cb, block_width_tiles, output_cb);
    // input pages per block: tiles' worth, or the row-major pages the caller says the blocks hold
    const std::uint32_t pages = total_input_pages ? (*total_input_pages + num_blocks - 1) / num_blocks : block_width_tiles;
    if (wait_mode == W::WaitUpfront) cb_wait_front(input_cb, total_input_pages ? *total_input_pages : pages * num_blocks);
    for (std::uint32_t b = 0; b < num_blocks; b++) {
        if (wait_mode == W::WaitBlock) cb_wait_front(input_cb, pages);
        cb_reserve_back(output_cb, block_width_tiles);
        tilize_block(input_cb, block_width_tiles, output_cb, wait_mode == W::WaitUpfront ? b * pages : 0);
        cb_push_back(output_cb, block_width_tiles);
        if (wait_mode == W::WaitBlock) cb_pop_front(input_cb, pages);
    }
    if (wait_mode == W::WaitUpfront) cb_pop_front(input_cb, total_input_pages ? *total_input_pages : pages * num_blocks);
    if constexpr (init_mode == I::InitAndUninit || init_mode == I::UninitOnly) tilize_uninit(input_cb, output_cb);
}
}  // namespace compute_kernel_lib
