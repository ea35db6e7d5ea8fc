// tensix kernel-API header: the data-movement API (API §3), written from
// SOURCES.md (API). Pre-included for data-movement kernels, like tt-metal's firmware does.
// Every call lands in the simulated chip's runtime through tensix_abi.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "tensix_abi.h"
// tx_cb_formats / tx_cb_tile_sizes: per-CB tables the host generates into each kernel's build wrapper
#include "internal/tx_dataformat.h"
#include "hostdevcommon/common_values.hpp"
#include "hostdevcommon/kernel_structs.h"
#include "api/compile_time_args.h"
#include "api/debug/dprint.h"
#include "api/debug/device_print.h"
#include "api/debug/assert.h"
#include "api/debug/waypoint.h"

#define FORCE_INLINE inline __attribute__((always_inline))
#define tt_l1_ptr
#define tt_reg_ptr
#define RISC_POST_HEARTBEAT(x)

#ifndef NOC_INDEX
#define NOC_INDEX 0
#endif
#ifndef NOC_MODE
#define NOC_MODE 0
#endif
constexpr std::uint8_t noc_index = NOC_INDEX;
constexpr std::uint8_t noc_mode = NOC_MODE;
constexpr std::uint32_t NUM_NOCS = 2;
constexpr std::uint32_t NUM_DRAM_BANKS = TX_NUM_DRAM_BANKS;
constexpr std::uint32_t NUM_L1_BANKS = TX_NUM_L1_BANKS;
constexpr std::uint32_t DRAM_ALIGNMENT = TX_DRAM_ALIGNMENT;
constexpr std::uint32_t L1_ALIGNMENT = TX_L1_ALIGNMENT;
constexpr std::uint32_t NOC_MAX_BURST_SIZE = TX_NOC_MAX_BURST_SIZE;
constexpr std::uint32_t NOC_UNICAST_WRITE_VC = 1;
constexpr std::uint32_t NOC_MULTICAST_WRITE_VC = 4;
constexpr std::uint32_t NOC_ADDR_LOCAL_BITS = 36;
constexpr std::uint32_t NOC_ADDR_NODE_ID_BITS = 6;

#define NOC_XY_ADDR(x, y, addr) \
    ((((std::uint64_t)(y)) << 42) | (((std::uint64_t)(x)) << 36) | ((std::uint64_t)(addr)))
#define NOC_MULTICAST_ADDR(x_start, y_start, x_end, y_end, addr)                                  \
    ((((std::uint64_t)(y_start)) << 54) | (((std::uint64_t)(x_start)) << 48) |                   \
     (((std::uint64_t)(y_end)) << 42) | (((std::uint64_t)(x_end)) << 36) | ((std::uint64_t)(addr)))
#define NOC_UNICAST_ADDR_X(addr) (((addr) >> 36) & 0x3F)
#define NOC_UNICAST_ADDR_Y(addr) (((addr) >> 42) & 0x3F)
#define NOC_MCAST_ADDR_END_X(addr) (((addr) >> 36) & 0x3F)
#define NOC_MCAST_ADDR_END_Y(addr) (((addr) >> 42) & 0x3F)
#define NOC_MCAST_ADDR_START_X(addr) (((addr) >> 48) & 0x3F)
#define NOC_MCAST_ADDR_START_Y(addr) (((addr) >> 54) & 0x3F)

// firmware-filled tables and own coordinates (silicon globals; here views of the running RISC-V)
#define dram_bank_to_noc_xy tx_dram_bank_to_noc_xy
#define bank_to_dram_offset tx_bank_to_dram_offset
#define l1_bank_to_noc_xy tx_l1_bank_to_noc_xy
#define bank_to_l1_offset tx_bank_to_l1_offset
#define my_x (tx_cur->my_x)
#define my_y (tx_cur->my_y)

constexpr std::uint32_t align_power_of_2(std::uint32_t v, std::uint32_t a) { return (v + a - 1) & ~(a - 1); }

// ---- arguments (API §3.2) ---------------------------------------------------------------------
template <typename T>
FORCE_INLINE T get_arg_val(int arg_idx) {
    static_assert(sizeof(T) == 4, "get_arg_val<T>: T must be 4 bytes");
    if (arg_idx < 0 || std::uint32_t(arg_idx) >= tx_cur->num_rta)
        tx_fail("get_arg_val(%d): the host set %u runtime arg(s) for this kernel on this core", arg_idx, tx_cur->num_rta);
    T v;
    std::memcpy(&v, &tx_cur->rta[arg_idx], 4);
    return v;
}
template <typename T>
FORCE_INLINE T get_common_arg_val(int arg_idx) {
    static_assert(sizeof(T) == 4, "get_common_arg_val<T>: T must be 4 bytes");
    if (arg_idx < 0 || std::uint32_t(arg_idx) >= tx_cur->num_crta)
        tx_fail("get_common_arg_val(%d): the host set %u common runtime arg(s) for this kernel", arg_idx, tx_cur->num_crta);
    T v;
    std::memcpy(&v, &tx_cur->crta[arg_idx], 4);
    return v;
}
static FORCE_INLINE std::uintptr_t get_arg_addr(int arg_idx) { return (std::uintptr_t)(tx_cur->rta + arg_idx); }
static FORCE_INLINE std::uintptr_t get_common_arg_addr(int arg_idx) { return (std::uintptr_t)(tx_cur->crta + arg_idx); }

FORCE_INLINE std::uint8_t get_absolute_logical_x() { return tx_cur->logical_x; }
FORCE_INLINE std::uint8_t get_absolute_logical_y() { return tx_cur->logical_y; }
FORCE_INLINE std::uint8_t get_relative_logical_x() { return tx_cur->logical_x; }
FORCE_INLINE std::uint8_t get_relative_logical_y() { return tx_cur->logical_y; }
inline void riscv_wait(std::uint32_t cycles) { tx_delay(cycles); }

// ---- circular buffers (API §3.3) ----------------------------------------------------------------
FORCE_INLINE void cb_reserve_back(std::int32_t cb, std::int32_t n) { tx_cb_reserve_back(cb, n); }
FORCE_INLINE void cb_push_back(const std::int32_t cb, const std::int32_t n) { tx_cb_push_back(cb, n); }
FORCE_INLINE void cb_wait_front(std::int32_t cb, std::int32_t n) { tx_cb_wait_front(cb, n); }
// the empty asm keeps the call out of tail position, so a race warning can name the kernel line
FORCE_INLINE void cb_pop_front(std::int32_t cb, std::int32_t n) { tx_cb_pop_front(cb, n); asm volatile(""); }
FORCE_INLINE bool cb_pages_reservable_at_back(std::int32_t cb, std::int32_t n) { return tx_cb_pages_reservable_at_back(cb, n); }
FORCE_INLINE bool cb_pages_available_at_front(std::int32_t cb, std::int32_t n) { return tx_cb_pages_available_at_front(cb, n); }
FORCE_INLINE std::uint32_t get_write_ptr(std::uint32_t cb) { return tx_cb_write_ptr(std::int32_t(cb)); }
FORCE_INLINE std::uint32_t get_read_ptr(std::uint32_t cb) { return tx_cb_read_ptr(std::int32_t(cb)); }
// per-CB tables the host generates for each kernel (tx_chip.h), as tt-metal's JIT does
constexpr std::int32_t get_tile_size(std::int32_t cb) { return tx_cb_tile_sizes[cb]; }
constexpr std::uint32_t get_tile_hw(std::int32_t) { return 1024; }
constexpr std::uint32_t get_tile_num_faces(std::int32_t) { return 4; }
constexpr DataFormat get_dataformat(std::int32_t cb) { return static_cast<DataFormat>(tx_cb_formats[cb]); }

// ---- NoC addresses (API §3.4) -------------------------------------------------------------------
FORCE_INLINE std::uint64_t get_noc_addr_helper(std::uint32_t noc_xy, std::uint32_t addr) {
    return ((std::uint64_t)noc_xy << NOC_ADDR_LOCAL_BITS) | addr;
}
// NoC0 ("physical") coordinates -> the coordinates of `noc` (API-current §8): on Grayskull NoC1 mirrors
// them (x' = noc_size_x-1-x); on WH/BH translated coordinates are the same on both NoCs.
constexpr std::uint32_t noc_size_x = TX_NOC_SIZE_X;
constexpr std::uint32_t noc_size_y = TX_NOC_SIZE_Y;
#ifdef ARCH_GRAYSKULL
#define NOC_0_X(noc_index, noc_size_x, x) ((noc_index) == 0 ? (x) : (noc_size_x) - 1 - (x))
#define NOC_0_Y(noc_index, noc_size_y, y) ((noc_index) == 0 ? (y) : (noc_size_y) - 1 - (y))
#else
#define NOC_0_X(noc_index, noc_size_x, x) (x)
#define NOC_0_Y(noc_index, noc_size_y, y) (y)
#endif
#define NOC_0_X_PHYS_COORD(noc_index, noc_size_x, x) ((noc_index) == 0 ? (x) : (noc_size_x) - 1 - (x))
#define NOC_0_Y_PHYS_COORD(noc_index, noc_size_y, y) ((noc_index) == 0 ? (y) : (noc_size_y) - 1 - (y))
#define NOC_X(x) NOC_0_X(noc_index, noc_size_x, (x))
#define NOC_Y(y) NOC_0_Y(noc_index, noc_size_y, (y))
#define DYNAMIC_NOC_X(noc, x) NOC_0_X((noc), noc_size_x, (x))
#define DYNAMIC_NOC_Y(noc, y) NOC_0_Y((noc), noc_size_y, (y))
#define NOC_X_PHYS_COORD(x) NOC_0_X_PHYS_COORD(noc_index, noc_size_x, (x))
#define NOC_Y_PHYS_COORD(y) NOC_0_Y_PHYS_COORD(noc_index, noc_size_y, (y))
FORCE_INLINE std::uint64_t get_noc_addr(std::uint32_t noc_x, std::uint32_t noc_y, std::uint32_t addr, std::uint8_t noc = noc_index) {
    return NOC_XY_ADDR(DYNAMIC_NOC_X(noc, noc_x), DYNAMIC_NOC_Y(noc, noc_y), addr);
}
FORCE_INLINE std::uint64_t get_noc_addr(std::uint32_t addr, std::uint8_t noc = noc_index) {
    return NOC_XY_ADDR(my_x[noc], my_y[noc], addr);
}
FORCE_INLINE std::uint64_t get_noc_multicast_addr(std::uint32_t x_start, std::uint32_t y_start, std::uint32_t x_end,
                                                  std::uint32_t y_end, std::uint32_t addr, std::uint8_t noc = noc_index) {
    return NOC_MULTICAST_ADDR(DYNAMIC_NOC_X(noc, x_start), DYNAMIC_NOC_Y(noc, y_start), DYNAMIC_NOC_X(noc, x_end),
                              DYNAMIC_NOC_Y(noc, y_end), addr);
}
template <bool DRAM>
FORCE_INLINE std::uint64_t get_noc_addr_from_bank_id(std::uint32_t bank_id, std::uint32_t bank_address_offset, std::uint8_t noc = noc_index) {
    if constexpr (DRAM) {
        if (bank_id >= NUM_DRAM_BANKS) tx_fail("get_noc_addr_from_bank_id<true>(%u): this chip has %u DRAM banks", bank_id, NUM_DRAM_BANKS);
        return get_noc_addr_helper(dram_bank_to_noc_xy[noc][bank_id], bank_address_offset + bank_to_dram_offset[bank_id]);
    } else {
        if (bank_id >= NUM_L1_BANKS) tx_fail("get_noc_addr_from_bank_id<false>(%u): this chip has %u L1 banks", bank_id, NUM_L1_BANKS);
        return get_noc_addr_helper(l1_bank_to_noc_xy[noc][bank_id], bank_address_offset);
    }
}

// ---- interleaved address generators (API §3.5) --------------------------------------------------
template <bool DRAM>
FORCE_INLINE std::uint64_t tx_interleaved_addr(std::uint32_t id, std::uint32_t base, std::uint32_t page_bytes, std::uint32_t offset, std::uint8_t noc) {
    constexpr std::uint32_t banks = DRAM ? NUM_DRAM_BANKS : NUM_L1_BANKS;
    std::uint32_t bank = id % banks;
    std::uint32_t addr = (id / banks) * page_bytes + base + offset;
    if constexpr (DRAM) return get_noc_addr_helper(dram_bank_to_noc_xy[noc][bank], addr + bank_to_dram_offset[bank]);
    else return get_noc_addr_helper(l1_bank_to_noc_xy[noc][bank], addr + bank_to_l1_offset[bank]);
}

template <bool DRAM>
struct InterleavedAddrGen {
    static constexpr bool is_dram = DRAM;
    std::uint32_t bank_base_address;
    const std::uint32_t page_size;
    const std::uint32_t aligned_page_size = align_power_of_2(page_size, DRAM ? DRAM_ALIGNMENT : L1_ALIGNMENT);
    FORCE_INLINE std::uint64_t get_noc_addr(const std::uint32_t id, const std::uintptr_t offset = 0, std::uint8_t noc = noc_index) const {
        return tx_interleaved_addr<DRAM>(id, bank_base_address, aligned_page_size, std::uint32_t(offset), noc);
    }
};

template <bool DRAM, std::uint32_t tile_hw = 1024>
struct InterleavedAddrGenFast {
    static constexpr bool is_dram = DRAM;
    std::uint32_t bank_base_address;
    std::uint32_t page_size;
    DataFormat data_format;
    // addresses step by the tile size of data_format, not by page_size (API §3.5)
    FORCE_INLINE std::uint64_t get_noc_addr(std::uint32_t id, std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        std::uint32_t tile_bytes = tx_tile_bytes(data_format) * tile_hw / 1024;
        return tx_interleaved_addr<DRAM>(id, bank_base_address, tile_bytes, offset, noc);
    }
};

template <bool DRAM>
struct InterleavedPow2AddrGen {
    static constexpr bool is_dram = DRAM;
    const std::uint32_t bank_base_address;
    const std::uint32_t log_base_2_of_page_size;
    FORCE_INLINE std::uint64_t get_noc_addr(std::uint32_t id, std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        std::uint32_t page = align_power_of_2(1u << log_base_2_of_page_size, DRAM ? DRAM_ALIGNMENT : L1_ALIGNMENT);
        return tx_interleaved_addr<DRAM>(id, bank_base_address, page, offset, noc);
    }
};

template <bool DRAM>
struct InterleavedPow2AddrGenFast {
    static constexpr bool is_dram = DRAM;
    std::uint32_t bank_base_address;
    const std::uint32_t log_base_2_of_page_size;
    FORCE_INLINE std::uint64_t get_noc_addr(std::uint32_t id, std::uint32_t offset = 0, std::uint8_t noc = noc_index) const {
        std::uint32_t page = align_power_of_2(1u << log_base_2_of_page_size, DRAM ? DRAM_ALIGNMENT : L1_ALIGNMENT);
        return tx_interleaved_addr<DRAM>(id, bank_base_address, page, offset, noc);
    }
};

template <bool DRAM, std::uint32_t page_size>
FORCE_INLINE auto get_interleaved_addr_gen(std::uint32_t base_addr) {
    constexpr bool pow2 = page_size != 0 && (page_size & (page_size - 1)) == 0;
    if constexpr (pow2) return InterleavedPow2AddrGenFast<DRAM>{.bank_base_address = base_addr, .log_base_2_of_page_size = std::uint32_t(__builtin_ctz(page_size))};
    else return InterleavedAddrGen<DRAM>{.bank_base_address = base_addr, .page_size = page_size};
}

template <typename AddrGen>
    requires requires(const AddrGen& g) { g.get_noc_addr(0u, 0u, std::uint8_t(0)); }
FORCE_INLINE std::uint64_t get_noc_addr(const std::uint32_t id, const AddrGen& g, std::uint32_t offset = 0, std::uint8_t noc = noc_index) {
    return g.get_noc_addr(id, offset, noc);
}

FORCE_INLINE std::uint64_t get_dram_noc_addr(std::uint32_t id, std::uint32_t page_size, std::uint32_t bank_base_address,
                                             std::uint32_t offset = 0, std::uint8_t noc = noc_index) {
    return tx_interleaved_addr<true>(id, bank_base_address, align_power_of_2(page_size, DRAM_ALIGNMENT), offset, noc);
}
FORCE_INLINE std::uint64_t get_l1_noc_addr(std::uint32_t id, std::uint32_t page_size, std::uint32_t bank_base_address,
                                           std::uint32_t offset = 0, std::uint8_t noc = noc_index) {
    return tx_interleaved_addr<false>(id, bank_base_address, align_power_of_2(page_size, L1_ALIGNMENT), offset, noc);
}

// transfer size of one page of a generator (API §3.6 noc_async_read_page)
template <typename AddrGen>
FORCE_INLINE std::uint32_t tx_page_bytes(const AddrGen& g) {
    if constexpr (requires { g.get_aligned_page_size(); }) return g.get_aligned_page_size();
    else if constexpr (requires { g.page_size; }) return g.page_size;
    else return 1u << g.log_base_2_of_page_size;
}

#include "api/tensor/tx_tensor_accessor.h"
#include "api/tensor/tx_tensor_accessor_factories.h"
#include "internal/circular_buffer_interface.h"
#include "internal/tx_dev_mem_map.h"

// ---- NoC transfers (API §3.6) ------------------------------------------------------------------
template <std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read(std::uint64_t src_noc_addr, std::uint32_t dst_local_l1_addr, std::uint32_t size,
                                 std::uint8_t noc = noc_index, std::uint32_t read_req_vc = NOC_UNICAST_WRITE_VC) {
    (void)read_req_vc;
    tx_noc_read(src_noc_addr, dst_local_l1_addr, size, noc);
}
template <std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true, bool posted = false>
FORCE_INLINE void noc_async_write(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr, std::uint32_t size,
                                  std::uint8_t noc = noc_index, std::uint32_t vc = NOC_UNICAST_WRITE_VC) {
    (void)vc;
    tx_noc_write(src_local_l1_addr, dst_noc_addr, size, noc, posted);
}
template <bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read_one_packet(std::uint64_t src, std::uint32_t dst, std::uint32_t size,
                                            std::uint8_t noc = noc_index, std::uint32_t vc = NOC_UNICAST_WRITE_VC) {
    (void)vc;
    if (size > NOC_MAX_BURST_SIZE) tx_fail("noc_async_read_one_packet: %u B exceeds one packet (%u B)", size, NOC_MAX_BURST_SIZE);
    tx_noc_read(src, dst, size, noc);
}
template <bool enable_noc_tracing = true, bool posted = false>
FORCE_INLINE void noc_async_write_one_packet(std::uint32_t src, std::uint64_t dst, std::uint32_t size,
                                             std::uint8_t noc = noc_index, std::uint32_t vc = NOC_UNICAST_WRITE_VC) {
    (void)vc;
    if (size > NOC_MAX_BURST_SIZE) tx_fail("noc_async_write_one_packet: %u B exceeds one packet (%u B)", size, NOC_MAX_BURST_SIZE);
    tx_noc_write(src, dst, size, noc, posted);
}

// stateful variants: the state lives with the running RISC-V, as the NoC command registers do
FORCE_INLINE void noc_async_read_set_state(std::uint64_t src_noc_addr, std::uint8_t noc = noc_index) {
    (void)noc;
    tx_cur->read_state_addr = src_noc_addr & ~((1ull << 32) - 1);
}
template <bool inc_num_issued = true>
FORCE_INLINE void noc_async_read_with_state(std::uint32_t src_local_addr, std::uint32_t dst_local_l1_addr, std::uint32_t size,
                                            std::uint8_t noc = noc_index) {
    tx_noc_read(tx_cur->read_state_addr | src_local_addr, dst_local_l1_addr, size, noc);
}
template <bool use_vc = false>
FORCE_INLINE void noc_async_read_one_packet_set_state(std::uint64_t src_noc_addr, std::uint32_t size, std::uint32_t vc = 0,
                                                      std::uint8_t noc = noc_index) {
    (void)vc; (void)noc;
    tx_cur->read_state_addr = src_noc_addr & ~((1ull << 32) - 1);
    tx_cur->read_state_size = size;
}
template <bool inc_num_issued = true, bool use_vc = false>
FORCE_INLINE void noc_async_read_one_packet_with_state(std::uint32_t src_local_addr, std::uint32_t dst_local_l1_addr,
                                                       std::uint32_t vc = 0, std::uint8_t noc = noc_index) {
    (void)vc;
    tx_noc_read(tx_cur->read_state_addr | src_local_addr, dst_local_l1_addr, tx_cur->read_state_size, noc);
}
template <bool posted = false>
FORCE_INLINE void noc_async_write_one_packet_set_state(std::uint64_t dst_noc_addr, std::uint32_t size, std::uint8_t noc = noc_index,
                                                       std::uint32_t vc = NOC_UNICAST_WRITE_VC) {
    (void)vc; (void)noc;
    tx_cur->write_state_addr = dst_noc_addr & ~((1ull << 32) - 1);
    tx_cur->write_state_size = size;
}
template <bool posted = false>
FORCE_INLINE void noc_async_write_one_packet_with_state(std::uint32_t src_local_l1_addr, std::uint32_t dst_local_addr,
                                                        std::uint8_t noc = noc_index) {
    tx_noc_write(src_local_l1_addr, tx_cur->write_state_addr | dst_local_addr, tx_cur->write_state_size, noc, posted);
}

template <typename AddrGen, bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read_page(const std::uint32_t id, const AddrGen& g, std::uint32_t dst_local_l1_addr,
                                      std::uint32_t offset = 0, std::uint8_t noc = noc_index) {
    tx_noc_read(g.get_noc_addr(id, offset, noc), dst_local_l1_addr, tx_page_bytes(g), noc);
}
template <typename AddrGen, bool enable_noc_tracing = true, bool posted = false>
FORCE_INLINE void noc_async_write_page(const std::uint32_t id, const AddrGen& g, std::uint32_t src_local_l1_addr,
                                       std::uint32_t size = 0, std::uint32_t offset = 0, std::uint8_t noc = noc_index) {
    tx_noc_write(src_local_l1_addr, g.get_noc_addr(id, offset, noc), size ? size : tx_page_bytes(g), noc, posted);
}
// deprecated tile forms: the transfer size is the generator's page size
template <typename AddrGen>
[[deprecated]] FORCE_INLINE void noc_async_read_tile(const std::uint32_t id, const AddrGen& g, std::uint32_t dst_local_l1_addr,
                                                     std::uint32_t offset = 0, std::uint8_t noc = noc_index) {
    tx_noc_read(g.get_noc_addr(id, offset, noc), dst_local_l1_addr, tx_page_bytes(g), noc);
}
template <typename AddrGen>
[[deprecated]] FORCE_INLINE void noc_async_write_tile(const std::uint32_t id, const AddrGen& g, std::uint32_t src_local_l1_addr,
                                                      std::uint8_t noc = noc_index) {
    tx_noc_write(src_local_l1_addr, g.get_noc_addr(id, 0, noc), tx_page_bytes(g), noc, 0);
}

template <std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1>
FORCE_INLINE void noc_async_write_multicast(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr_multicast, std::uint32_t size,
                                            std::uint32_t num_dests, bool linked = false, std::uint8_t noc = noc_index,
                                            std::uint8_t vc = NOC_MULTICAST_WRITE_VC) {
    (void)vc;
    tx_noc_write_multicast_linked(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, 0, linked, noc);
}
template <bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_write_multicast_one_packet(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr_multicast,
                                                       std::uint32_t size, std::uint32_t num_dests, bool linked = false,
                                                       std::uint8_t noc = noc_index) {
    tx_noc_write_multicast_linked(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, 0, linked, noc);
}
FORCE_INLINE void noc_async_write_multicast_loopback_src(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr_multicast,
                                                         std::uint32_t size, std::uint32_t num_dests, bool linked = false,
                                                         std::uint8_t noc = noc_index) {
    tx_noc_write_multicast_linked(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, 1, linked, noc);
}

FORCE_INLINE void noc_async_read_barrier(std::uint8_t noc = noc_index) { tx_noc_read_barrier(noc); }
FORCE_INLINE void noc_async_write_barrier(std::uint8_t noc = noc_index) { tx_noc_write_barrier(noc); }
FORCE_INLINE void noc_async_writes_flushed(std::uint8_t noc = noc_index) { tx_noc_writes_flushed(noc); }
FORCE_INLINE void noc_async_posted_writes_flushed(std::uint8_t noc = noc_index) { tx_noc_writes_flushed(noc); }
FORCE_INLINE void noc_async_atomic_barrier(std::uint8_t noc_idx = noc_index) { tx_noc_atomic_barrier(noc_idx); }
FORCE_INLINE void noc_async_full_barrier(std::uint8_t noc_idx = noc_index) { tx_noc_full_barrier(noc_idx); }
// transaction ids: 16 per NoC interface, sticky per command buffer; a trid barrier waits only for its id
FORCE_INLINE void noc_async_read_set_trid(std::uint32_t trid, std::uint8_t noc = noc_index) { tx_noc_set_trid(trid, noc, 0); }
FORCE_INLINE void noc_async_write_set_trid(std::uint32_t trid, std::uint8_t noc = noc_index) { tx_noc_set_trid(trid, noc, 1); }
FORCE_INLINE void noc_async_read_barrier_with_trid(std::uint32_t trid, std::uint8_t noc = noc_index) { tx_noc_trid_barrier(trid, noc, 0); }
FORCE_INLINE void noc_async_write_barrier_with_trid(std::uint32_t trid, std::uint8_t noc = noc_index) { tx_noc_trid_barrier(trid, noc, 1); }
FORCE_INLINE void noc_async_read_inc_num_issued(std::uint32_t n, std::uint8_t noc = noc_index) { (void)n; (void)noc; }

enum class InlineWriteDst : std::uint8_t { DEFAULT, L1, REG };
template <InlineWriteDst dst_type = InlineWriteDst::DEFAULT, bool posted = false, bool flush = true>
FORCE_INLINE void noc_inline_dw_write(std::uint64_t addr, std::uint32_t val, std::uint8_t be = 0xF, std::uint8_t noc = noc_index,
                                      std::uint8_t vc = NOC_UNICAST_WRITE_VC, std::uint32_t customized_src_addr = 0) {
    (void)vc; (void)customized_src_addr;
    tx_noc_inline_write(addr, val, be, noc);
}

FORCE_INLINE bool is_l1_address(std::uint64_t addr) {
    std::uint64_t local = addr & ((1ull << 36) - 1);
    return local < TX_L1_SIZE || (local >= tx_cur->l1_base && local < tx_cur->l1_base + TX_L1_SIZE);
}

// ---- semaphores (API §3.7) ---------------------------------------------------------------------
enum class ProgrammableCoreType : std::uint8_t { TENSIX = 0, ACTIVE_ETH = 1, IDLE_ETH = 2 };
template <ProgrammableCoreType type = ProgrammableCoreType::TENSIX>
FORCE_INLINE std::uintptr_t get_semaphore(std::uint32_t semaphore_id) {
    if (semaphore_id >= TX_NUM_SEMAPHORES) tx_fail("get_semaphore(%u): a core has %u semaphores", semaphore_id, TX_NUM_SEMAPHORES);
    return tx_cur->sem_base + semaphore_id * TX_SEM_STRIDE;
}
FORCE_INLINE void noc_semaphore_set(volatile std::uint32_t* sem_addr, std::uint32_t val) { tx_sem_set(sem_addr, val); }
FORCE_INLINE void noc_semaphore_wait(volatile std::uint32_t* sem_addr, std::uint32_t val) { tx_sem_wait(sem_addr, val, 0); }
FORCE_INLINE void noc_semaphore_wait_min(volatile std::uint32_t* sem_addr, std::uint32_t val) { tx_sem_wait(sem_addr, val, 1); }
template <bool posted = false>
FORCE_INLINE void noc_semaphore_inc(std::uint64_t addr, std::uint32_t incr, std::uint8_t noc_id = noc_index, std::uint8_t vc = NOC_UNICAST_WRITE_VC) {
    (void)vc;
    tx_sem_inc(addr, incr, noc_id);
}
template <bool posted = false>
FORCE_INLINE void noc_semaphore_inc_multicast(std::uint64_t addr, std::uint32_t incr, std::uint32_t num_dests, std::uint8_t noc_id = noc_index,
                                              std::uint8_t vc = NOC_MULTICAST_WRITE_VC) {
    (void)vc;
    tx_sem_inc_multicast(addr, incr, num_dests, noc_id);
}
FORCE_INLINE void noc_semaphore_set_remote(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr, std::uint8_t noc = noc_index) {
    tx_sem_set_remote(src_local_l1_addr, dst_noc_addr, noc);
}
FORCE_INLINE void noc_semaphore_set_multicast(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr_multicast, std::uint32_t num_dests,
                                              bool linked = false, std::uint8_t noc = noc_index, std::uint8_t vc = NOC_MULTICAST_WRITE_VC) {
    (void)linked; (void)vc;
    tx_sem_set_multicast(src_local_l1_addr, dst_noc_addr_multicast, num_dests, 0, noc);
}
FORCE_INLINE void noc_semaphore_set_multicast_loopback_src(std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr_multicast,
                                                           std::uint32_t num_dests, bool linked = false, std::uint8_t noc = noc_index) {
    (void)linked;
    tx_sem_set_multicast(src_local_l1_addr, dst_noc_addr_multicast, num_dests, 1, noc);
}
