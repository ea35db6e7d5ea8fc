// tensix kernel-API header: TensorAccessorArgs / TensorAccessor (API §2.6, §3.5). Included by
// dataflow_api.h. Interleaved tensors are complete; sharded accessors come with sharded buffers.
#pragma once
#include <cstddef>
#include <cstdint>
#include "hostdevcommon/tensor_accessor/arg_config.hpp"

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
struct TensorAccessorArgs {
    static constexpr std::uint32_t args_config = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool is_sharded = (args_config & 1u) != 0;
    static constexpr bool is_dram = (args_config & 2u) != 0;
    static constexpr std::uint32_t AlignedPageSize = get_compile_time_arg_val(CTA_OFFSET + 1);
    static_assert(!is_sharded, "tensix: sharded TensorAccessorArgs are not supported yet; use an interleaved buffer");
    std::size_t crta_offset = CRTA_OFFSET == tensor_accessor::UNKNOWN ? 0 : CRTA_OFFSET;
    constexpr TensorAccessorArgs() = default;
    constexpr explicit TensorAccessorArgs(std::size_t crta) : crta_offset(crta) {}
    static constexpr std::uint32_t num_compile_time_args() { return 2; }
    static constexpr std::uint32_t next_compile_time_args_offset() { return CTA_OFFSET + 2; }
    static constexpr std::uint32_t num_common_runtime_args() { return 0; }
    constexpr std::size_t next_common_runtime_args_offset() const { return crta_offset; }
};

namespace tensor_accessor {
template <bool IsDram>
struct InterleavedSpec { static constexpr bool is_dram = IsDram; };
struct Page {
    std::uint32_t page_id;
    std::uint64_t noc_addr;
    constexpr std::uint32_t page_id_v() const { return page_id; }
    constexpr std::uint64_t get_noc_addr() const { return noc_addr; }
};
}  // namespace tensor_accessor

template <typename DSpec>
struct TensorAccessor : InterleavedAddrGen<DSpec::is_dram> {
    using Base = InterleavedAddrGen<DSpec::is_dram>;
    // page stride and transfer size = the aligned page size, or the page size the kernel passes
    template <std::size_t C, std::size_t R>
    TensorAccessor(const TensorAccessorArgs<C, R>&, std::size_t bank_base_address,
                   std::uint32_t page_size = TensorAccessorArgs<C, R>::AlignedPageSize)
        : Base{.bank_base_address = std::uint32_t(bank_base_address), .page_size = page_size, .aligned_page_size = page_size} {}
    std::uint32_t get_aligned_page_size() const { return this->page_size; }
    FORCE_INLINE std::uint64_t get_noc_addr(const std::uint32_t page_id, const std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        return Base::get_noc_addr(page_id, offset, noc);
    }
    struct PageIter {
        const TensorAccessor* acc;
        std::uint32_t id;
        std::uint8_t noc;
        tensor_accessor::Page operator*() const { return {id, acc->get_noc_addr(id, 0, noc)}; }
        PageIter& operator++() { ++id; return *this; }
        bool operator!=(const PageIter& o) const { return id != o.id; }
    };
    struct PageRange {
        const TensorAccessor* acc;
        std::uint32_t first, last;
        std::uint8_t noc;
        PageIter begin() const { return {acc, first, noc}; }
        PageIter end() const { return {acc, last, noc}; }
    };
    PageRange pages(std::uint32_t start_page_id, std::uint32_t end_page_id, std::uint8_t noc = noc_index) const {
        return {this, start_page_id, end_page_id, noc};
    }
};

template <std::size_t C, std::size_t R>
TensorAccessor(const TensorAccessorArgs<C, R>&, std::size_t, std::uint32_t)
    -> TensorAccessor<tensor_accessor::InterleavedSpec<TensorAccessorArgs<C, R>::is_dram>>;
template <std::size_t C, std::size_t R>
TensorAccessor(const TensorAccessorArgs<C, R>&, std::size_t)
    -> TensorAccessor<tensor_accessor::InterleavedSpec<TensorAccessorArgs<C, R>::is_dram>>;

