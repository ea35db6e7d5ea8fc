// tensix kernel-API header: Device 2.0 experimental::CoreLocalMem (API §3.9), written from
// SOURCES.md (API). A typed, pointer-like view of an address in this core's L1
// (an address from get_write_ptr / get_read_ptr / get_semaphore or an L1 Buffer runtime arg).
// As a NoC endpoint it is local memory at get_address() + args.offset_bytes; as a multicast
// destination every core of the rectangle is written at that same address.
#pragma once
#include "api/dataflow/dataflow_api.h"

namespace experimental {

template <typename T>
struct noc_traits_t;

template <typename T, typename AddrT = std::uintptr_t>
class CoreLocalMem {
public:
    using value_type = T;
    using address_type = AddrT;

    constexpr CoreLocalMem() = default;
    explicit constexpr CoreLocalMem(AddrT address) : addr_(address) {}

    constexpr AddrT get_address() const { return addr_; }
    T* get_unsafe_ptr() const { return reinterpret_cast<T*>(static_cast<std::uintptr_t>(addr_)); }

    T& operator[](std::uint32_t index) const { return get_unsafe_ptr()[index]; }
    T& operator*() const { return *get_unsafe_ptr(); }
    T* operator->() const { return get_unsafe_ptr(); }

    // pointer arithmetic in elements of T
    constexpr CoreLocalMem operator+(std::int32_t n) const { return CoreLocalMem(AddrT(addr_ + n * std::int32_t(sizeof(T)))); }
    constexpr CoreLocalMem operator-(std::int32_t n) const { return CoreLocalMem(AddrT(addr_ - n * std::int32_t(sizeof(T)))); }
    constexpr CoreLocalMem& operator+=(std::int32_t n) { addr_ = AddrT(addr_ + n * std::int32_t(sizeof(T))); return *this; }
    constexpr CoreLocalMem& operator-=(std::int32_t n) { addr_ = AddrT(addr_ - n * std::int32_t(sizeof(T))); return *this; }
    constexpr CoreLocalMem& operator++() { return *this += 1; }
    constexpr CoreLocalMem operator++(int) { CoreLocalMem old = *this; *this += 1; return old; }
    constexpr CoreLocalMem& operator--() { return *this -= 1; }
    constexpr CoreLocalMem operator--(int) { CoreLocalMem old = *this; *this -= 1; return old; }
    constexpr std::ptrdiff_t operator-(const CoreLocalMem& o) const {
        return (std::ptrdiff_t(addr_) - std::ptrdiff_t(o.addr_)) / std::ptrdiff_t(sizeof(T));
    }
    constexpr bool operator==(const CoreLocalMem& o) const { return addr_ == o.addr_; }
    constexpr bool operator!=(const CoreLocalMem& o) const { return addr_ != o.addr_; }
    constexpr bool operator<(const CoreLocalMem& o) const { return addr_ < o.addr_; }

    // the same memory seen as another element type
    template <typename U>
    constexpr CoreLocalMem<U, AddrT> as() const { return CoreLocalMem<U, AddrT>(addr_); }

private:
    AddrT addr_ = 0;
};

struct CoreLocalMemArgs {
    std::uint32_t offset_bytes = 0;
};

struct CoreLocalMemMcastArgs {
    std::uint32_t noc_x_start = 0;
    std::uint32_t noc_y_start = 0;
    std::uint32_t noc_x_end = 0;
    std::uint32_t noc_y_end = 0;
    std::uint32_t offset_bytes = 0;
};

template <typename T, typename AddrT>
struct noc_traits_t<CoreLocalMem<T, AddrT>> {
    using Mem = CoreLocalMem<T, AddrT>;
    using src_args = CoreLocalMemArgs;
    using dst_args = CoreLocalMemArgs;
    using dst_args_mcast = CoreLocalMemMcastArgs;
    static constexpr bool is_local = true;
    static std::uint32_t local(const Mem& m, std::uint32_t off) { return std::uint32_t(m.get_address()) + off; }
    static std::uint32_t src_local_addr(const Mem& m, const src_args& a) { return local(m, a.offset_bytes); }
    static std::uint32_t dst_local_addr(const Mem& m, const dst_args& a) { return local(m, a.offset_bytes); }
    static std::uint64_t src_noc_addr(const Mem& m, const src_args& a, std::uint8_t noc) { return ::get_noc_addr(local(m, a.offset_bytes), noc); }
    static std::uint64_t dst_noc_addr(const Mem& m, const dst_args& a, std::uint8_t noc) { return ::get_noc_addr(local(m, a.offset_bytes), noc); }
    static std::uint64_t dst_mcast_addr(const Mem& m, const dst_args_mcast& a, std::uint8_t noc) {
        return ::get_noc_multicast_addr(a.noc_x_start, a.noc_y_start, a.noc_x_end, a.noc_y_end, local(m, a.offset_bytes), noc);
    }
};

}  // namespace experimental

// today's spellings (API-current §5: Device 2.0 left `experimental`)
using experimental::CoreLocalMem;
