// tensix kernel-API header: TensorAccessorArgs / TensorAccessor (API §2.6, §3.5). Included by
// dataflow_api.h. Interleaved and sharded tensors; the layout comes from compile-time args only (a
// host TensorAccessorArgs with Runtime* flags is not supported: it fails to compile, saying so).
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include "hostdevcommon/tensor_accessor/arg_config.hpp"

// compile-time arg `i`, or 0 past the end (the sharded fields exist only for sharded tensors)
constexpr std::uint32_t tx_cta_or0(std::size_t i) { return i < kernel_compile_time_args.size() ? kernel_compile_time_args[i] : 0; }

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
struct TensorAccessorArgs {
    static constexpr std::uint32_t args_config = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool is_sharded = (args_config & 1u) != 0;
    static constexpr bool is_dram = (args_config & 2u) != 0;
    static_assert((args_config & 0x7cu) == 0,
                  "tensix: TensorAccessorArgs with runtime rank/banks/shapes/coords are not supported; "
                  "pass the layout as compile-time args");
    static constexpr std::uint32_t AlignedPageSize = get_compile_time_arg_val(CTA_OFFSET + 1);
    // sharded layout (API §2.6): [config, page, rank, banks, tensor shape, shard shape, bank coords]
    static constexpr std::uint32_t rank = is_sharded ? tx_cta_or0(CTA_OFFSET + 2) : 0;
    static constexpr std::uint32_t num_banks = is_sharded ? tx_cta_or0(CTA_OFFSET + 3) : 0;
    static constexpr std::size_t shapes_at = CTA_OFFSET + 4;
    static constexpr std::size_t coords_at = CTA_OFFSET + 4 + 2 * rank;
    std::size_t crta_offset = CRTA_OFFSET == tensor_accessor::UNKNOWN ? 0 : CRTA_OFFSET;
    constexpr TensorAccessorArgs() = default;
    constexpr explicit TensorAccessorArgs(std::size_t crta) : crta_offset(crta) {}
    static constexpr std::uint32_t num_compile_time_args() { return is_sharded ? 4 + 2 * rank + (num_banks + 1) / 2 : 2; }
    static constexpr std::uint32_t next_compile_time_args_offset() { return CTA_OFFSET + num_compile_time_args(); }
    static constexpr std::uint32_t num_common_runtime_args() { return 0; }
    constexpr std::size_t next_common_runtime_args_offset() const { return crta_offset; }
    static_assert(!is_sharded || CTA_OFFSET + 4 + 2 * rank + (num_banks + 1) / 2 <= kernel_compile_time_args.size(),
                  "TensorAccessorArgs: the host passed fewer compile-time args than this sharded layout needs");
};

namespace tensor_accessor {
template <bool IsDram>
struct InterleavedSpec { static constexpr bool is_dram = IsDram; static constexpr bool is_sharded = false; };
template <class Args>
struct ShardedSpec { static constexpr bool is_dram = Args::is_dram; static constexpr bool is_sharded = true; using args = Args; };
template <class Args>
using spec_of = std::conditional_t<Args::is_sharded, ShardedSpec<Args>, InterleavedSpec<Args::is_dram>>;

struct Page {
    std::uint32_t page_id;
    std::uint64_t noc_addr;
    constexpr std::uint32_t page_id_v() const { return page_id; }
    constexpr std::uint64_t get_noc_addr() const { return noc_addr; }
};
}  // namespace tensor_accessor

// Sharded addressing (API §3.5): shard = flat index of the page's shard (row-major over the shard
// grid), bank = shard % banks, page offset in the bank = (shard / banks) * shard volume + the page's
// row-major index inside its shard. DRAM bank coordinates are bank ids, L1 ones NoC coordinates.
template <class Args>
struct TxShardedBase {
    static constexpr bool is_dram = Args::is_dram;
    std::uint32_t bank_base_address;
    std::uint32_t page_size;
    struct BankAndOffset { std::uint32_t bank_id, page_offset; };

    static constexpr std::uint32_t dim(std::size_t i) { return tx_cta_or0(Args::shapes_at + i); }
    static constexpr std::uint32_t shard_dim(std::size_t i) { return tx_cta_or0(Args::shapes_at + Args::rank + i); }
    static constexpr std::uint32_t shard_volume() {
        std::uint32_t v = 1;
        for (std::size_t i = 0; i < Args::rank; i++) v *= shard_dim(i);
        return v;
    }
    BankAndOffset get_bank_and_offset(std::uint32_t page_id) const {
        std::uint32_t shard = 0, within = 0, stride_shard = 1, stride_within = 1;
        for (std::size_t i = Args::rank; i-- > 0;) {        // last dimension fastest
            std::uint32_t c = page_id % dim(i), s = shard_dim(i);
            page_id /= dim(i);
            shard += (c / s) * stride_shard;
            within += (c % s) * stride_within;
            stride_shard *= (dim(i) + s - 1) / s;
            stride_within *= s;
        }
        if (page_id) tx_fail("TensorAccessor: page id beyond the tensor's pages");
        return {shard % Args::num_banks, (shard / Args::num_banks) * shard_volume() + within};
    }
    std::uint64_t bank_noc_addr(std::uint32_t bank, std::uint32_t local, std::uint8_t noc) const {
        std::uint32_t word = tx_cta_or0(Args::coords_at + bank / 2);
        std::uint32_t xy = bank % 2 ? word >> 16 : word & 0xffff;
        std::uint32_t x = (xy >> 8) & 0xff, y = xy & 0xff;
        if constexpr (is_dram) return get_noc_addr_helper(dram_bank_to_noc_xy[noc][x], local + bank_to_dram_offset[x]);
        else return ::get_noc_addr(x, y, local, noc);   // NoC0 coordinates from the host, per NoC on GS
    }
    std::uint64_t get_noc_addr(std::uint32_t page_id, std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        BankAndOffset b = get_bank_and_offset(page_id);
        return bank_noc_addr(b.bank_id, bank_base_address + b.page_offset * page_size + offset, noc);
    }
    std::uint64_t get_shard_noc_addr(std::uint32_t shard_id, std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        return bank_noc_addr(shard_id % Args::num_banks,
                             bank_base_address + (shard_id / Args::num_banks) * shard_volume() * page_size + offset, noc);
    }
};

template <typename DSpec>
struct tx_accessor_base_of { using type = InterleavedAddrGen<DSpec::is_dram>; };
template <typename Args>
struct tx_accessor_base_of<tensor_accessor::ShardedSpec<Args>> { using type = TxShardedBase<Args>; };
template <typename DSpec>
using tx_accessor_base = typename tx_accessor_base_of<DSpec>::type;

template <typename DSpec>
struct TensorAccessor : tx_accessor_base<DSpec> {
    using Base = tx_accessor_base<DSpec>;
    // page stride and transfer size = the aligned page size, or the page size the kernel passes
    template <std::size_t C, std::size_t R>
    TensorAccessor(const TensorAccessorArgs<C, R>&, std::size_t bank_base_address,
                   std::uint32_t page_size = TensorAccessorArgs<C, R>::AlignedPageSize)
        : Base(make(std::uint32_t(bank_base_address), page_size)) {}
    // a Metal 2.0 tensor binding token (api/tensor/tensor_binding_token.h): its CTA args and its
    // address from common runtime arg word ADDR_CRTA_OFFSET / 4
    template <class Tok, class = typename Tok::args_t>
    explicit TensorAccessor(const Tok&)
        : Base(make(get_common_arg_val<std::uint32_t>(int(Tok::addr_crta_offset / 4)), Tok::args_t::AlignedPageSize)) {}
    static Base make(std::uint32_t addr, std::uint32_t page) {
        if constexpr (DSpec::is_sharded) return Base{addr, page};
        else return Base{.bank_base_address = addr, .page_size = page, .aligned_page_size = page};
    }
    std::uint32_t get_aligned_page_size() const { return this->page_size; }
    FORCE_INLINE std::uint64_t get_noc_addr(const std::uint32_t page_id, const std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        return Base::get_noc_addr(page_id, offset, noc);
    }
    bool is_local_addr(std::uint64_t noc_addr) const {
        return NOC_UNICAST_ADDR_X(noc_addr) == my_x[noc_index] && NOC_UNICAST_ADDR_Y(noc_addr) == my_y[noc_index];
    }
    bool is_local_page(std::uint32_t page_id, std::uint8_t noc = noc_index) const { return is_local_addr(get_noc_addr(page_id, 0, noc)); }
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
    // thread i of N visits pages i, i + N, ... (api/kernel_thread_globals.h); one thread per kernel on
    // WH/BH/GS, so every page (API-current §12.2)
    PageRange strided_pages(std::uint32_t total_pages, std::uint8_t noc = noc_index) const { return {this, 0, total_pages, noc}; }
};

template <std::size_t C, std::size_t R>
TensorAccessor(const TensorAccessorArgs<C, R>&, std::size_t, std::uint32_t)
    -> TensorAccessor<tensor_accessor::spec_of<TensorAccessorArgs<C, R>>>;
template <std::size_t C, std::size_t R>
TensorAccessor(const TensorAccessorArgs<C, R>&, std::size_t)
    -> TensorAccessor<tensor_accessor::spec_of<TensorAccessorArgs<C, R>>>;
template <class Tok, class = typename Tok::args_t>
TensorAccessor(const Tok&) -> TensorAccessor<tensor_accessor::spec_of<typename Tok::args_t>>;

// whole shards (API §3.6): the aligned page size times the shard volume
template <typename DSpec>
FORCE_INLINE void noc_async_read_shard(const std::uint32_t shard_id, const TensorAccessor<DSpec>& s, std::uint32_t dst_local_l1_addr,
                                       std::uint8_t noc = noc_index) {
    static_assert(DSpec::is_sharded, "noc_async_read_shard needs a sharded TensorAccessor");
    tx_noc_read(s.get_shard_noc_addr(shard_id, 0, noc), dst_local_l1_addr, s.page_size * s.shard_volume(), noc);
}
template <typename DSpec, bool posted = false>
FORCE_INLINE void noc_async_write_shard(const std::uint32_t shard_id, const TensorAccessor<DSpec>& s, std::uint32_t src_local_l1_addr,
                                        std::uint8_t noc = noc_index) {
    static_assert(DSpec::is_sharded, "noc_async_write_shard needs a sharded TensorAccessor");
    tx_noc_write(src_local_l1_addr, s.get_shard_noc_addr(shard_id, 0, noc), s.page_size * s.shard_volume(), noc, posted);
}
