// tensix: api/tensor/tensor_binding_token.h (API-current §12.6): the Metal 2.0 tensor binding token the
// host generates as `tensor::NAME` (tensix.metal2). The tensor's TensorAccessorArgs sit at compile-time
// arg CTA_OFFSET; its base address is common runtime arg word ADDR_CRTA_OFFSET / 4. Each binding has
// its own token type. TensorAccessor(tok) (DM kernels) and LocalTensorAccessor<T>(tok) take one.
#pragma once
#include <cstdint>
#include "api/dataflow/dataflow_api.h"

namespace tensor_accessor {
template <std::uint32_t CTA_OFFSET, std::uint32_t ADDR_CRTA_OFFSET>
struct TensorBindingToken {
    using args_t = ::TensorAccessorArgs<CTA_OFFSET>;
    static constexpr args_t args{};
    static constexpr std::uint32_t cta_offset = CTA_OFFSET;
    static constexpr std::uint32_t addr_crta_offset = ADDR_CRTA_OFFSET;   // bytes
    static std::uint32_t address() { return get_common_arg_val<std::uint32_t>(int(ADDR_CRTA_OFFSET / 4)); }
};
// the even older spelling (`namespace ta`, TensorAccessor(ta::NAME))
template <std::uint32_t CTA_OFFSET, std::uint32_t ADDR_CRTA_OFFSET>
using TensorAccessorBindingToken = TensorBindingToken<CTA_OFFSET, ADDR_CRTA_OFFSET>;
}  // namespace tensor_accessor

template <std::uint32_t C, std::uint32_t A>
auto make_tensor_accessor(const tensor_accessor::TensorBindingToken<C, A>&) {
    return TensorAccessor(TensorAccessorArgs<C>(), tensor_accessor::TensorBindingToken<C, A>::address());
}
