// tensix kernel-API header: Device 2.0 experimental::Noc (API §3.9), written from
// SOURCES.md (API). Object form of the NoC transfers of API §3.6: a Noc names one
// of the core's two NoCs; transfers name their source and destination as objects (TensorAccessor,
// CircularBuffer, CoreLocalMem, UnicastEndpoint, MulticastEndpoint, AllocatorBank) plus a
// designated-initialiser argument struct per side, whose type comes from noc_traits_t<T>:
//
//   noc.async_read(accessor, cb, bytes, {.page_id = i}, {.offset_bytes = 0});
//   noc.async_write(cb, accessor, bytes, {}, {.page_id = i});
//   noc.async_write_multicast(cb, cb, bytes, n, {}, {.noc_x_start = .., .noc_y_start = .., .noc_x_end = ..,
//                                                    .noc_y_end = .., .offset_bytes = 0});
//
// A read's destination and a write's source must be local memory (CircularBuffer, CoreLocalMem).
// Transaction ids: a read or write with a TxnIdMode/NocOptions trid tags its transfer with that id
// (noc_async_{read,write}_set_trid), and a barrier with a trid waits only for that id (NoC §6.4), as
// the plain dataflow API does.
#pragma once
#include "api/dataflow/dataflow_api.h"
#include "experimental/endpoints.h"
#include "experimental/circular_buffer.h"
#include "experimental/core_local_mem.h"
#include "experimental/tensor.h"

namespace experimental {

template <typename T>
struct noc_traits_t;

// argument struct types of a NoC endpoint type (non-deduced: the endpoint object fixes them, so
// brace-initialiser arguments convert to them)
template <typename T>
using src_args_t = typename noc_traits_t<T>::src_args;
template <typename T>
using dst_args_t = typename noc_traits_t<T>::dst_args;
template <typename T>
using dst_args_mcast_t = typename noc_traits_t<T>::dst_args_mcast;

enum class TxnIdMode : std::uint8_t { DISABLED = 0, ENABLED = 1 };
enum class ResponseMode : std::uint8_t { NON_POSTED = 0, POSTED = 1 };
enum class BarrierMode : std::uint8_t { FULL = 0, TXN_ID = 1 };
// EXCLUDE_SRC: the sender is never written and not counted in num_dsts (API §3.6 rule 2);
// INCLUDE_SRC: the sender inside the rectangle is written too and counted (the *_loopback_src form).
enum class McastMode : std::uint8_t { EXCLUDE_SRC = 0, INCLUDE_SRC = 1 };

constexpr std::uint32_t INVALID_TXN_ID = 0xFFFFFFFFu;

// Today's form (PR #45509, API-current §5): one flag set replaces TxnIdMode / McastMode / the loose
// vc and trid parameters; the values travel in NocOptVals. Both forms are accepted: the first template
// argument may be a NocOptions or one of the enums above, the trailing argument a NocOptVals or a vc.
enum class NocOptions : std::uint32_t { DEFAULT = 0, TXN_ID = 1, POSTED = 2, CUSTOM_VC = 4, MCAST_INCL_SRC = 8, INLINE_L1 = 16, INLINE_REG = 32 };
constexpr NocOptions operator|(NocOptions a, NocOptions b) { return NocOptions(std::uint32_t(a) | std::uint32_t(b)); }
constexpr NocOptions operator&(NocOptions a, NocOptions b) { return NocOptions(std::uint32_t(a) & std::uint32_t(b)); }
constexpr bool has_flag(NocOptions set, NocOptions f) { return (std::uint32_t(set) & std::uint32_t(f)) != 0; }
struct NocOptVals {
    std::uint32_t vc = NOC_UNICAST_WRITE_VC;
    std::uint32_t trid = 0;
};

// what a template option means, whichever spelling the kernel used
template <auto o>
constexpr bool tx_opt_trid() {
    if constexpr (std::is_same_v<decltype(o), NocOptions>) return has_flag(o, NocOptions::TXN_ID);
    else if constexpr (std::is_same_v<decltype(o), TxnIdMode>) return o == TxnIdMode::ENABLED;
    else if constexpr (std::is_same_v<decltype(o), BarrierMode>) return o == BarrierMode::TXN_ID;
    else return false;
}
template <auto o>
constexpr bool tx_opt_posted() {
    if constexpr (std::is_same_v<decltype(o), NocOptions>) return has_flag(o, NocOptions::POSTED);
    else if constexpr (std::is_same_v<decltype(o), ResponseMode>) return o == ResponseMode::POSTED;
    else return false;
}
template <auto o>
constexpr bool tx_opt_loopback() {
    if constexpr (std::is_same_v<decltype(o), NocOptions>) return has_flag(o, NocOptions::MCAST_INCL_SRC);
    else if constexpr (std::is_same_v<decltype(o), McastMode>) return o == McastMode::INCLUDE_SRC;
    else return false;
}
template <auto o>
constexpr bool tx_opt_is_size() { return std::is_integral_v<decltype(o)>; }
// the trailing argument: NocOptVals (today) or a vc number (baseline)
template <typename V>
constexpr std::uint32_t tx_vc_of(const V& v) {
    if constexpr (std::is_same_v<V, NocOptVals>) return v.vc;
    else return std::uint32_t(v);
}
template <typename V>
constexpr std::uint32_t tx_trid_of(const V& v, std::uint32_t trid) {
    if constexpr (std::is_same_v<V, NocOptVals>) return v.trid;
    else return trid;
}
constexpr std::uint32_t TX_OPT_UNSET = 0xFFFFFFFFu;

class Noc {
public:
    using TxnIdMode = experimental::TxnIdMode;
    using ResponseMode = experimental::ResponseMode;
    using BarrierMode = experimental::BarrierMode;
    using McastMode = experimental::McastMode;
    static constexpr std::uint32_t INVALID_TXN_ID = experimental::INVALID_TXN_ID;

    constexpr Noc() : noc_id_(noc_index) {}
    explicit constexpr Noc(std::uint8_t noc_id) : noc_id_(noc_id) {
        if (noc_id >= NUM_NOCS) tx_fail("Noc(%u): a Tensix core has NoC 0 and NoC 1", unsigned(noc_id));
    }

    constexpr std::uint8_t get_noc_id() const { return noc_id_; }

    // ---- reads: remote (or local) source -> local destination -----------------------------------
    // <NocOptions opts, max_page_size, tracing> or <TxnIdMode, max_page_size, tracing>
    template <auto opts = NocOptions::DEFAULT, std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true,
              typename Src, typename Dst, typename V = NocOptVals>
    void async_read(const Src& src, const Dst& dst, std::uint32_t size_bytes, const src_args_t<Src>& src_args,
                    const dst_args_t<Dst>& dst_args, const V& vals = {}, std::uint32_t trid = INVALID_TXN_ID) const {
        static_assert(noc_traits_t<Dst>::is_local,
                      "Noc::async_read: the destination must be local memory (CircularBuffer or CoreLocalMem)");
        if constexpr (tx_opt_trid<opts>()) ::noc_async_read_set_trid(tx_trid_of(vals, trid), noc_id_);
        ::noc_async_read<max_page_size, enable_noc_tracing>(noc_traits_t<Src>::src_noc_addr(src, src_args, noc_id_),
                                                            noc_traits_t<Dst>::dst_local_addr(dst, dst_args), size_bytes,
                                                            noc_id_, tx_vc_of(vals));
    }

    // ---- writes: local source -> remote (or local) destination -----------------------------------
    // <NocOptions opts, max_page_size, tracing> or <TxnIdMode, ResponseMode, max_page_size, tracing>
    template <auto opts = NocOptions::DEFAULT, auto p2 = TX_OPT_UNSET, auto p3 = TX_OPT_UNSET, auto p4 = TX_OPT_UNSET,
              typename Src, typename Dst, typename V = NocOptVals>
    void async_write(const Src& src, const Dst& dst, std::uint32_t size_bytes, const src_args_t<Src>& src_args,
                     const dst_args_t<Dst>& dst_args, const V& vals = {}, std::uint32_t trid = INVALID_TXN_ID) const {
        static_assert(noc_traits_t<Src>::is_local,
                      "Noc::async_write: the source must be local memory (CircularBuffer or CoreLocalMem)");
        if constexpr (tx_opt_trid<opts>()) ::noc_async_write_set_trid(tx_trid_of(vals, trid), noc_id_);
        constexpr bool posted = tx_opt_posted<opts>() || tx_opt_posted<p2>();
        constexpr std::uint32_t max_page = tx_opt_is_size<p2>() && std::uint32_t(p2) != TX_OPT_UNSET ? std::uint32_t(p2)
                                           : tx_opt_is_size<p3>() && std::uint32_t(p3) != TX_OPT_UNSET ? std::uint32_t(p3)
                                                                                                        : NOC_MAX_BURST_SIZE + 1;
        ::noc_async_write<max_page, true, posted>(noc_traits_t<Src>::src_local_addr(src, src_args),
                                                  noc_traits_t<Dst>::dst_noc_addr(dst, dst_args, noc_id_), size_bytes, noc_id_,
                                                  tx_vc_of(vals));
    }

    // ---- multicast writes: local source -> the same address on every core of a rectangle ---------
    // <NocOptions opts (MCAST_INCL_SRC = loopback), ...> or <McastMode, TxnIdMode, max_page_size, tracing>
    template <auto opts = NocOptions::DEFAULT, auto p2 = TX_OPT_UNSET, auto p3 = TX_OPT_UNSET, auto p4 = TX_OPT_UNSET,
              typename Src, typename Dst>
    void async_write_multicast(const Src& src, const Dst& dst, std::uint32_t size_bytes, std::uint32_t num_dsts,
                               const src_args_t<Src>& src_args, const dst_args_mcast_t<Dst>& dst_args,
                               bool linked = false, std::uint32_t trid = INVALID_TXN_ID) const {
        static_assert(noc_traits_t<Src>::is_local,
                      "Noc::async_write_multicast: the source must be local memory (CircularBuffer or CoreLocalMem)");
        (void)trid;
        std::uint32_t s = noc_traits_t<Src>::src_local_addr(src, src_args);
        std::uint64_t d = noc_traits_t<Dst>::dst_mcast_addr(dst, dst_args, noc_id_);
        if constexpr (tx_opt_loopback<opts>())
            ::noc_async_write_multicast_loopback_src(s, d, size_bytes, num_dsts, linked, noc_id_);
        else
            ::noc_async_write_multicast(s, d, size_bytes, num_dsts, linked, noc_id_);
    }

    // ---- stateful forms: the NoC coordinates are set once, later calls give addresses ----------
    // set_async_read_state keeps the source's coordinates; async_read_with_state reads from those
    // coordinates at the address the source and its args name (its coordinates are not used).
    template <auto opts = NocOptions::DEFAULT, std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, typename Src, typename V = NocOptVals>
    void set_async_read_state(const Src& src, std::uint32_t size_bytes, const src_args_t<Src>& src_args, const V& vals = {}) const {
        (void)size_bytes; (void)vals;
        ::noc_async_read_set_state(noc_traits_t<Src>::src_noc_addr(src, src_args, noc_id_), noc_id_);
    }
    template <auto opts = NocOptions::DEFAULT, std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, typename Src, typename Dst,
              typename V = NocOptVals>
    void async_read_with_state(const Src& src, const Dst& dst, std::uint32_t size_bytes, const src_args_t<Src>& src_args,
                               const dst_args_t<Dst>& dst_args, const V& vals = {}) const {
        static_assert(noc_traits_t<Dst>::is_local, "Noc::async_read_with_state: the destination must be local memory");
        if constexpr (tx_opt_trid<opts>()) ::noc_async_read_set_trid(tx_trid_of(vals, 0), noc_id_);
        ::noc_async_read_with_state(std::uint32_t(noc_traits_t<Src>::src_noc_addr(src, src_args, noc_id_)),
                                    noc_traits_t<Dst>::dst_local_addr(dst, dst_args), size_bytes, noc_id_);
    }
    // set_async_write_state keeps the destination's coordinates and the size; async_write_with_state
    // writes `size_bytes` to those coordinates at the address the destination and its args name.
    // (TXN_ID is not supported by the write-state forms, as in tt-metal.)
    template <auto opts = NocOptions::DEFAULT, std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, typename Dst, typename V = NocOptVals>
    void set_async_write_state(const Dst& dst, std::uint32_t size_bytes, const dst_args_t<Dst>& dst_args, const V& vals = {}) const {
        static_assert(!tx_opt_trid<opts>(), "Noc::set_async_write_state: NocOptions::TXN_ID is not supported by the write-state forms");
        ::noc_async_write_one_packet_set_state<tx_opt_posted<opts>()>(noc_traits_t<Dst>::dst_noc_addr(dst, dst_args, noc_id_),
                                                                      size_bytes, noc_id_, tx_vc_of(vals));
    }
    template <auto opts = NocOptions::DEFAULT, std::uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, typename Src, typename Dst>
    void async_write_with_state(const Src& src, const Dst& dst, std::uint32_t size_bytes, const src_args_t<Src>& src_args,
                                const dst_args_t<Dst>& dst_args) const {
        static_assert(noc_traits_t<Src>::is_local, "Noc::async_write_with_state: the source must be local memory");
        std::uint64_t lo = noc_traits_t<Dst>::dst_noc_addr(dst, dst_args, noc_id_) & 0xFFFFFFFFull;
        ::noc_async_write<NOC_MAX_BURST_SIZE + 1, true, tx_opt_posted<opts>()>(
            noc_traits_t<Src>::src_local_addr(src, src_args), tx_cur->write_state_addr | lo, size_bytes, noc_id_);
    }

    // ---- one 32-bit word written by the NoC (no source buffer) ------------------------------------
    // <InlineWriteDst, ResponseMode> (baseline) or <NocOptions> (INLINE_L1 / INLINE_REG / POSTED)
    template <auto p1 = InlineWriteDst::DEFAULT, auto p2 = ResponseMode::NON_POSTED, typename Dst, typename V = NocOptVals>
    void inline_dw_write(const Dst& dst, std::uint32_t value, const dst_args_t<Dst>& dst_args, std::uint8_t be = 0xF,
                         const V& vals = {}) const {
        constexpr InlineWriteDst dt = [] {
            if constexpr (std::is_same_v<decltype(p1), InlineWriteDst>) return p1;
            else return InlineWriteDst::DEFAULT;
        }();
        ::noc_inline_dw_write<dt, tx_opt_posted<p1>() || tx_opt_posted<p2>()>(
            noc_traits_t<Dst>::dst_noc_addr(dst, dst_args, noc_id_), value, be, noc_id_, std::uint8_t(tx_vc_of(vals)));
    }

    // ---- completion: <BarrierMode>(trid) or <NocOptions>(NocOptVals) ---------------------------------
    template <auto mode = NocOptions::DEFAULT, typename V = NocOptVals>
    void async_read_barrier(const V& vals = {}) const {
        if constexpr (tx_opt_trid<mode>()) ::noc_async_read_barrier_with_trid(tx_trid_of(vals, std::uint32_t(tx_vc_of(vals))), noc_id_);
        else ::noc_async_read_barrier(noc_id_);
    }
    template <auto mode = NocOptions::DEFAULT, typename V = NocOptVals>
    void async_write_barrier(const V& vals = {}) const {
        if constexpr (tx_opt_trid<mode>()) ::noc_async_write_barrier_with_trid(tx_trid_of(vals, std::uint32_t(tx_vc_of(vals))), noc_id_);
        else ::noc_async_write_barrier(noc_id_);
    }
    template <auto mode = NocOptions::DEFAULT, typename V = NocOptVals>
    void async_writes_flushed(const V& vals = {}) const {
        (void)vals;
        ::noc_async_writes_flushed(noc_id_);
    }
    void async_posted_writes_flushed() const { ::noc_async_posted_writes_flushed(noc_id_); }
    void async_atomic_barrier() const { ::noc_async_atomic_barrier(noc_id_); }
    void async_full_barrier() const { ::noc_async_full_barrier(noc_id_); }

    // ---- locality --------------------------------------------------------------------------------
    // true when NoC coordinates (x, y) on this NoC are this core
    bool is_local_bank(std::uint32_t noc_x, std::uint32_t noc_y) const {
        return noc_x == my_x[noc_id_] && noc_y == my_y[noc_id_];
    }
    // true when a 64-bit unicast NoC address targets this core
    bool is_local_addr(std::uint64_t noc_addr) const {
        return is_local_bank(std::uint32_t(NOC_UNICAST_ADDR_X(noc_addr)), std::uint32_t(NOC_UNICAST_ADDR_Y(noc_addr)));
    }

private:
    std::uint8_t noc_id_;
};

}  // namespace experimental

// today's spellings (API-current §5: Device 2.0 left `experimental`)
using experimental::has_flag;
using experimental::Noc;
using experimental::NocOptions;
using experimental::NocOptVals;
