// tensix: ttnn/cpp/ttnn/kernel_lib/common_types.hpp (API-current §4): what the kernel_lib helpers share.
// A helper takes a CB as an index, a CircularBuffer or a DataflowBuffer (or a Metal 2.0 dfb token).
#pragma once
#include <type_traits>
#include "api/compute/tx_compute.h"
#include "experimental/circular_buffer.h"
#include "ttnn/cpp/ttnn/kernel_lib/dest_helpers.hpp"

namespace compute_kernel_lib {
template <typename B>
constexpr std::uint32_t cb_id_of(const B& b) {
    if constexpr (std::is_convertible_v<const B&, std::uint32_t>) return std::uint32_t(b);
    else return b.get_cb_id();
}
struct NoPostCompute {
    void operator()(std::uint32_t = 0) const {}
};
}  // namespace compute_kernel_lib
namespace ckl = compute_kernel_lib;
