// tensix kernel-API header: the TensorAccessor factories production kernels use (API-current §12.3),
// written from SOURCES.md (current). tensix writes the AlignedPageSize form of
// the args on the host (interleaved = 2 compile-time args), so the legacy ArgsOffsets factories and
// the current TensorAccessorArgs are one type here.
#pragma once
#include <array>
#include <tuple>
#include <utility>
#include "api/tensor/tx_tensor_accessor.h"

// ---- legacy factories (accessor/tensor_accessor.h) ------------------------------------------------
namespace tensor_accessor {
template <std::size_t CTA_BASE, std::size_t CRTA_BASE = 0>
using ArgsOffsets = ::TensorAccessorArgs<CTA_BASE, CRTA_BASE>;
}
template <std::size_t CTA_BASE, std::size_t CRTA_BASE = 0>
constexpr auto make_tensor_accessor_args() { return TensorAccessorArgs<CTA_BASE, CRTA_BASE>(); }
template <std::size_t CTA_BASE>
constexpr auto make_tensor_accessor_args(std::size_t crta_base) { return TensorAccessorArgs<CTA_BASE>(crta_base); }
// sharded: a TensorAccessor; interleaved: an InterleavedAddrGen (both have get_noc_addr(page[, offset, noc]))
template <class ArgsT>
auto make_tensor_accessor_from_args(const ArgsT& args, std::size_t bank_base_address, std::uint32_t page_size) {
    if constexpr (ArgsT::is_sharded) return TensorAccessor(args, bank_base_address, page_size);
    else return InterleavedAddrGen<ArgsT::is_dram>{.bank_base_address = std::uint32_t(bank_base_address), .page_size = page_size};
}

// ---- tuple forms (api/tensor/tensor_accessor_args.h, tensor_accessor.h) -----------------------------
template <std::uint32_t NUM_TENSORS, std::uint32_t CTA_OFFSET>
constexpr auto make_tensor_accessor_args_tuple() {
    if constexpr (NUM_TENSORS == 0) return std::tuple<>();
    else {
        using tx_first = TensorAccessorArgs<CTA_OFFSET>;
        return std::tuple_cat(std::tuple<tx_first>(tx_first()),
                              make_tensor_accessor_args_tuple<NUM_TENSORS - 1, tx_first::next_compile_time_args_offset()>());
    }
}
// N accessors whose base addresses are N consecutive per-core runtime args from `address_rt_arg_index_start`
template <class... A, std::size_t... I>
auto tx_accessor_tuple(const std::tuple<A...>& args, std::uint32_t start, std::index_sequence<I...>) {
    return std::make_tuple(TensorAccessor(std::get<I>(args), get_arg_val<std::uint32_t>(int(start + I)))...);
}
template <class... A>
auto make_tensor_accessor_tuple(const std::tuple<A...>& args, std::uint32_t address_rt_arg_index_start) {
    return tx_accessor_tuple(args, address_rt_arg_index_start, std::index_sequence_for<A...>{});
}
template <class... A>
auto make_tensor_accessor_tuple(const std::tuple<A...>& args, std::uint32_t address_rt_arg_index_start, std::uint32_t page_size_base_idx) {
    (void)args; (void)address_rt_arg_index_start; (void)page_size_base_idx;
    static_assert(sizeof...(A) + 1 == 0,
                  "make_tensor_accessor_tuple(args, arg_idx, page_size_base_idx) (3 arguments) is not provided by tensix yet: "
                  "its meaning is not documented; use the 2-argument form");
    return std::tuple<>();
}

// a type-erased accessor: get_noc_addr through a function pointer, indexable at run time
struct AbstractTensorAccessorWrapper {
    const void* acc = nullptr;
    std::uint64_t (*fn)(const void*, std::uint32_t, std::uint32_t, std::uint8_t) = nullptr;
    std::uint64_t get_noc_addr(std::uint32_t page, std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        return fn(acc, page, offset, noc);
    }
};
template <class T>
std::uint64_t tx_abstract_noc_addr(const void* a, std::uint32_t page, std::uint32_t offset, std::uint8_t noc) {
    return static_cast<const T*>(a)->get_noc_addr(page, offset, noc);
}
template <class... A, std::size_t... I>
auto tx_abstract_wrappers(const std::tuple<A...>& t, std::index_sequence<I...>) {
    return std::array<AbstractTensorAccessorWrapper, sizeof...(A)>{
        AbstractTensorAccessorWrapper{&std::get<I>(t), &tx_abstract_noc_addr<std::tuple_element_t<I, std::tuple<A...>>>}...};
}
template <class... A>
auto make_abstract_tensor_accessor_wrappers(const std::tuple<A...>& accessors) {
    return tx_abstract_wrappers(accessors, std::index_sequence_for<A...>{});
}
