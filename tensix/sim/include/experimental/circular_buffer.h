// tensix kernel-API header: Device 2.0 experimental::CircularBuffer (API §3.9), written from
// SOURCES.md (API). A thin object over the cb_* functions of API §3.3.
// As a NoC endpoint (experimental::Noc) a CircularBuffer is local memory: as a source it is read at
// its read pointer, as a destination written at its write pointer, plus args.offset_bytes.
// A multicast destination names the rectangle and writes every core's CB at this core's write
// pointer (CB addresses are program-wide, the same on every core of the program).
#pragma once
#include "api/dataflow/dataflow_api.h"
#include "tensix_compute_abi.h"

namespace experimental {

template <typename T>
struct noc_traits_t;

class CircularBuffer {
public:
    // which pointer a CB endpoint uses with use<...>(cb) (default: read pointer as a source, write
    // pointer as a destination)
    enum class AddrSelector : std::uint8_t { READ_PTR = 0, WRITE_PTR = 1 };

    explicit constexpr CircularBuffer(std::uint32_t cb_id) : cb_id_(cb_id) {}

    constexpr std::uint32_t get_cb_id() const { return cb_id_; }

    void reserve_back(std::int32_t num_pages) const { ::cb_reserve_back(std::int32_t(cb_id_), num_pages); }
    void push_back(std::int32_t num_pages) const { ::cb_push_back(std::int32_t(cb_id_), num_pages); }
    void wait_front(std::int32_t num_pages) const { ::cb_wait_front(std::int32_t(cb_id_), num_pages); }
    void pop_front(std::int32_t num_pages) const { ::cb_pop_front(std::int32_t(cb_id_), num_pages); }
    bool pages_reservable_at_back(std::int32_t num_pages) const {
        return ::cb_pages_reservable_at_back(std::int32_t(cb_id_), num_pages);
    }
    bool pages_available_at_front(std::int32_t num_pages) const {
        return ::cb_pages_available_at_front(std::int32_t(cb_id_), num_pages);
    }

    std::uint32_t get_write_ptr() const { return ::get_write_ptr(cb_id_); }
    std::uint32_t get_read_ptr() const { return ::get_read_ptr(cb_id_); }

    std::int32_t get_tile_size() const { return ::get_tile_size(std::int32_t(cb_id_)); }
    std::uint32_t get_tile_hw() const { return ::get_tile_hw(std::int32_t(cb_id_)); }
    std::uint32_t get_tile_num_faces() const { return ::get_tile_num_faces(std::int32_t(cb_id_)); }
    DataFormat get_dataformat() const { return ::get_dataformat(std::int32_t(cb_id_)); }
    std::uint32_t get_entry_size() const { return ::tx_cb_page_size(std::int32_t(cb_id_)); }

    // compute-side helpers (API-current §5): the L1 byte address of tile i at the front, and one
    // 32-bit word of it (on silicon mailboxed from UNPACK to MATH and PACK)
    std::uint32_t get_tile_address(std::uint32_t i) const { return ::tx_cb_tile_address(cb_id_, i); }
    std::uint32_t read_tile_value(std::uint32_t i, std::uint32_t off) const { return ::tx_read_tile_value(cb_id_, i, off); }
    // the three TRISCs are one thread here: nothing to lock
    struct ScopedLock { ~ScopedLock() {} };
    ScopedLock scoped_lock() const { return {}; }

private:
    std::uint32_t cb_id_;
};

struct CircularBufferArgs {
    std::uint32_t offset_bytes = 0;
};

struct CircularBufferMcastArgs {
    std::uint32_t noc_x_start = 0;
    std::uint32_t noc_y_start = 0;
    std::uint32_t noc_x_end = 0;
    std::uint32_t noc_y_end = 0;
    std::uint32_t offset_bytes = 0;
};

template <>
struct noc_traits_t<CircularBuffer> {
    using src_args = CircularBufferArgs;
    using dst_args = CircularBufferArgs;
    using dst_args_mcast = CircularBufferMcastArgs;
    static constexpr bool is_local = true;
    static std::uint32_t src_local_addr(const CircularBuffer& cb, const src_args& a) { return cb.get_read_ptr() + a.offset_bytes; }
    static std::uint32_t dst_local_addr(const CircularBuffer& cb, const dst_args& a) { return cb.get_write_ptr() + a.offset_bytes; }
    static std::uint64_t src_noc_addr(const CircularBuffer& cb, const src_args& a, std::uint8_t noc) {
        return ::get_noc_addr(src_local_addr(cb, a), noc);
    }
    static std::uint64_t dst_noc_addr(const CircularBuffer& cb, const dst_args& a, std::uint8_t noc) {
        return ::get_noc_addr(dst_local_addr(cb, a), noc);
    }
    static std::uint64_t dst_mcast_addr(const CircularBuffer& cb, const dst_args_mcast& a, std::uint8_t noc) {
        return ::get_noc_multicast_addr(a.noc_x_start, a.noc_y_start, a.noc_x_end, a.noc_y_end,
                                        cb.get_write_ptr() + a.offset_bytes, noc);
    }
};

// use<CircularBuffer::AddrSelector::WRITE_PTR>(cb): a CB endpoint at the pointer named
template <CircularBuffer::AddrSelector S>
struct CircularBufferView {
    const CircularBuffer& cb;
    std::uint32_t addr() const { return S == CircularBuffer::AddrSelector::READ_PTR ? cb.get_read_ptr() : cb.get_write_ptr(); }
};
template <CircularBuffer::AddrSelector S>
constexpr CircularBufferView<S> use(const CircularBuffer& cb) { return {cb}; }

template <CircularBuffer::AddrSelector S>
struct noc_traits_t<CircularBufferView<S>> {
    using V = CircularBufferView<S>;
    using src_args = CircularBufferArgs;
    using dst_args = CircularBufferArgs;
    using dst_args_mcast = CircularBufferMcastArgs;
    static constexpr bool is_local = true;
    static std::uint32_t src_local_addr(const V& v, const src_args& a) { return v.addr() + a.offset_bytes; }
    static std::uint32_t dst_local_addr(const V& v, const dst_args& a) { return v.addr() + a.offset_bytes; }
    static std::uint64_t src_noc_addr(const V& v, const src_args& a, std::uint8_t noc) { return ::get_noc_addr(src_local_addr(v, a), noc); }
    static std::uint64_t dst_noc_addr(const V& v, const dst_args& a, std::uint8_t noc) { return ::get_noc_addr(dst_local_addr(v, a), noc); }
    static std::uint64_t dst_mcast_addr(const V& v, const dst_args_mcast& a, std::uint8_t noc) {
        return ::get_noc_multicast_addr(a.noc_x_start, a.noc_y_start, a.noc_x_end, a.noc_y_end, v.addr() + a.offset_bytes, noc);
    }
};

}  // namespace experimental

using experimental::CircularBuffer;
