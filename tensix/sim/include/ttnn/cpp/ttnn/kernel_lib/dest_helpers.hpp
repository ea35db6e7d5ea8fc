// tensix: ttnn/cpp/ttnn/kernel_lib/dest_helpers.hpp (API-current §4, §12.5), written from
// SOURCES.md (current): the DST capacity per acquire.
#pragma once
#include "api/compute/tx_compute.h"

namespace compute_kernel_lib {
// 16-bit DST: 8 tiles half sync, 16 full sync; fp32 DST: half of that
constexpr std::uint32_t get_dest_limit() {
#if defined(DST_SYNC_MODE) && defined(TX_FP32_DEST_ACC)
    return (DST_SYNC_MODE == DstSync::SyncFull ? 16u : 8u) / (DST_ACCUM_MODE ? 2u : 1u);
#else
    return 8;
#endif
}
constexpr std::uint32_t DEST_AUTO_LIMIT = get_dest_limit();
}  // namespace compute_kernel_lib
