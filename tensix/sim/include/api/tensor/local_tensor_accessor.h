// tensix: api/tensor/local_tensor_accessor.h (API-current §5): LocalTensorAccessor<T>, the node-local L1
// region of a tensor as an array, from a Metal 2.0 `tensor::NAME` token (its address word) or a raw L1
// address. DM and compute kernels. The token's tensor must be in L1, not DRAM.
#pragma once
#include <cstdint>
#include "api/tensor/tensor_binding_token.h"

// an L1 offset (what the host writes for a tensor: the same in every bank) as this core's pointer
inline std::uint32_t tx_local_l1(std::uint32_t addr) { return addr < TX_L1_SIZE ? tx_cur->l1_base + addr : addr; }

template <class T>
class LocalTensorAccessor {
public:
    explicit LocalTensorAccessor(std::uint32_t l1_base) : base_(tx_local_l1(l1_base)) {}
    template <std::uint32_t C, std::uint32_t A>
    LocalTensorAccessor(const tensor_accessor::TensorBindingToken<C, A>&)
        : base_(tx_local_l1(tensor_accessor::TensorBindingToken<C, A>::address())) {
        static_assert(!TensorAccessorArgs<C>::is_dram, "LocalTensorAccessor: the tensor is in DRAM; it must be an L1 tensor");
    }
    T& operator[](std::uint32_t i) const { return reinterpret_cast<T*>(std::uintptr_t(base_))[i]; }
    std::uint32_t get_bank_base_address() const { return base_; }
    T* local_mem() const { return reinterpret_cast<T*>(std::uintptr_t(base_)); }

private:
    std::uint32_t base_;
};
