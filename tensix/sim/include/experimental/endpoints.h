// tensix kernel-API header: Device 2.0 NoC endpoints (API §3.9), written from
// SOURCES.md (API). Endpoints carry no state of their own: the per-call argument
// struct names the target (unicast core, multicast rectangle, or allocator bank) and its address.
//
// Every NoC target type T has a specialisation of experimental::noc_traits_t<T> that gives
//   src_args / dst_args          designated-initialiser argument structs (API §3.9 list)
//   dst_args_mcast               (multicast destinations only)
//   is_local                     true when T names memory in this core's L1 (usable as the local
//                                side of a transfer: read destination, write / multicast source)
//   src_noc_addr / dst_noc_addr  the 64-bit NoC address of the transfer
//   src_local_addr / dst_local_addr   (local targets) the kernel L1 address
//   dst_mcast_addr               (multicast destinations) the multicast NoC address
// Each header declares the primary template (a plain redeclaration, so any include order works).
#pragma once
#include "api/dataflow/dataflow_api.h"

namespace experimental {

template <typename T>
struct noc_traits_t;

// ---- a core (or DRAM tile) named by NoC coordinates -------------------------------------------
struct UnicastEndpoint {};

struct UnicastEndpointArgs {
    std::uint32_t noc_x = 0;
    std::uint32_t noc_y = 0;
    std::uint64_t addr = 0;   // the address on that endpoint (an L1 or DRAM address, low 36 bits used)
};

template <>
struct noc_traits_t<UnicastEndpoint> {
    using src_args = UnicastEndpointArgs;
    using dst_args = UnicastEndpointArgs;
    static constexpr bool is_local = false;
    static std::uint64_t noc_addr(const UnicastEndpointArgs& a, std::uint8_t noc) {
        return ::get_noc_addr(a.noc_x, a.noc_y, 0, noc) | (a.addr & ((1ull << NOC_ADDR_LOCAL_BITS) - 1));
    }
    static std::uint64_t src_noc_addr(const UnicastEndpoint&, const src_args& a, std::uint8_t noc) { return noc_addr(a, noc); }
    static std::uint64_t dst_noc_addr(const UnicastEndpoint&, const dst_args& a, std::uint8_t noc) { return noc_addr(a, noc); }
};

// ---- a rectangle of cores (multicast destination) -----------------------------------------------
struct MulticastEndpoint {};

struct MulticastEndpointArgs {
    std::uint32_t noc_x_start = 0;
    std::uint32_t noc_y_start = 0;
    std::uint32_t noc_x_end = 0;
    std::uint32_t noc_y_end = 0;
    std::uint64_t addr = 0;   // the same L1 address on every core of the rectangle
};

template <>
struct noc_traits_t<MulticastEndpoint> {
    using dst_args_mcast = MulticastEndpointArgs;
    static constexpr bool is_local = false;
    static std::uint64_t dst_mcast_addr(const MulticastEndpoint&, const dst_args_mcast& a, std::uint8_t noc) {
        return ::get_noc_multicast_addr(a.noc_x_start, a.noc_y_start, a.noc_x_end, a.noc_y_end, 0, noc) |
               (a.addr & ((1ull << NOC_ADDR_LOCAL_BITS) - 1));
    }
};

// ---- one bank of the allocator (a DRAM channel or a worker's L1), addressed by bank id ----------
enum class AllocatorBankType : std::uint8_t { DRAM = 0, L1 = 1 };

template <AllocatorBankType Type>
struct AllocatorBank {
    static constexpr AllocatorBankType type = Type;
    static constexpr bool is_dram = Type == AllocatorBankType::DRAM;
};

struct AllocatorBankArgs {
    std::uint32_t bank_id = 0;
    std::uint32_t addr = 0;   // address inside the bank (the bank's own offset is added, as in get_noc_addr_from_bank_id)
};

template <AllocatorBankType Type>
struct noc_traits_t<AllocatorBank<Type>> {
    using src_args = AllocatorBankArgs;
    using dst_args = AllocatorBankArgs;
    static constexpr bool is_local = false;
    static std::uint64_t noc_addr(const AllocatorBankArgs& a, std::uint8_t noc) {
        return ::get_noc_addr_from_bank_id<Type == AllocatorBankType::DRAM>(a.bank_id, a.addr, noc);
    }
    static std::uint64_t src_noc_addr(const AllocatorBank<Type>&, const src_args& a, std::uint8_t noc) { return noc_addr(a, noc); }
    static std::uint64_t dst_noc_addr(const AllocatorBank<Type>&, const dst_args& a, std::uint8_t noc) { return noc_addr(a, noc); }
};

}  // namespace experimental

// today's spellings (API-current §5: Device 2.0 left `experimental`)
using experimental::AllocatorBank;
using experimental::AllocatorBankType;
using experimental::MulticastEndpoint;
using experimental::UnicastEndpoint;
