// tensix kernel-API header: TensorAccessor as a Device 2.0 NoC endpoint (API §3.9), written from
// SOURCES.md (API). The accessor itself is the one of api/tensor (API §3.5).
//   TensorAccessor            args {.page_id, .offset_bytes}: page `page_id` of the tensor (+ offset)
//   tensor_accessor::Page     args {.offset_bytes}: a page from accessor.pages(...)
// Both name remote memory (DRAM or interleaved L1 banks), so they are read sources and write destinations.
#pragma once
#include "api/dataflow/dataflow_api.h"

namespace experimental {

template <typename T>
struct noc_traits_t;

struct TensorAccessorNocArgs {
    std::uint32_t page_id = 0;
    std::uint32_t offset_bytes = 0;
};

template <typename DSpec>
struct noc_traits_t<::TensorAccessor<DSpec>> {
    using Acc = ::TensorAccessor<DSpec>;
    using src_args = TensorAccessorNocArgs;
    using dst_args = TensorAccessorNocArgs;
    static constexpr bool is_local = false;
    static std::uint64_t src_noc_addr(const Acc& t, const src_args& a, std::uint8_t noc) { return t.get_noc_addr(a.page_id, a.offset_bytes, noc); }
    static std::uint64_t dst_noc_addr(const Acc& t, const dst_args& a, std::uint8_t noc) { return t.get_noc_addr(a.page_id, a.offset_bytes, noc); }
};

struct PageNocArgs {
    std::uint32_t offset_bytes = 0;
};

template <>
struct noc_traits_t<::tensor_accessor::Page> {
    using src_args = PageNocArgs;
    using dst_args = PageNocArgs;
    static constexpr bool is_local = false;
    static std::uint64_t src_noc_addr(const ::tensor_accessor::Page& p, const src_args& a, std::uint8_t) { return p.get_noc_addr() + a.offset_bytes; }
    static std::uint64_t dst_noc_addr(const ::tensor_accessor::Page& p, const dst_args& a, std::uint8_t) { return p.get_noc_addr() + a.offset_bytes; }
};

// a type-erased accessor (make_abstract_tensor_accessor_wrappers) is a page-addressed endpoint too
template <>
struct noc_traits_t<::AbstractTensorAccessorWrapper> {
    using src_args = TensorAccessorNocArgs;
    using dst_args = TensorAccessorNocArgs;
    static constexpr bool is_local = false;
    static std::uint64_t src_noc_addr(const ::AbstractTensorAccessorWrapper& t, const src_args& a, std::uint8_t noc) {
        return t.get_noc_addr(a.page_id, a.offset_bytes, noc);
    }
    static std::uint64_t dst_noc_addr(const ::AbstractTensorAccessorWrapper& t, const dst_args& a, std::uint8_t noc) {
        return t.get_noc_addr(a.page_id, a.offset_bytes, noc);
    }
};

}  // namespace experimental
