// tensix kernel-API header: Device 2.0 experimental::Semaphore (API §3.9), written from
// SOURCES.md (API). A program semaphore (CreateSemaphore / tensix.Semaphore) seen
// as an object; it wraps get_semaphore and the noc_semaphore_* functions of API §3.7.
//
// Semantics chosen where the API reference only names the methods:
//   up(v)                 atomic increment of this core's copy by v (a NoC atomic to this core, so it
//                         can never lose an increment that another core sends at the same time);
//                         it waits for its own completion, so the new value is visible on return
//   up(noc, x, y, v)      atomic increment of the copy on core (x, y) (noc_semaphore_inc); complete
//                         it with noc.async_atomic_barrier() before the kernel returns
//   down(v)               counting-semaphore P: wait until the value is >= v, then atomically
//                         subtract v (wait_min followed by an atomic add of -v; one consumer per
//                         semaphore is assumed, as with any wait-then-decrement on the NoC)
//   wait(v) / wait_min(v) spin until == v / >= v (noc_semaphore_wait / _wait_min)
//   set(v)                local store (noc_semaphore_set)
//   set_multicast<M>(noc, xs, ys, xe, ye, num_dests, linked)
//                         writes this core's current value to the same semaphore on every core of
//                         the rectangle (noc_semaphore_set_multicast[_loopback_src]); num_dests
//                         counts the sender only with McastMode::INCLUDE_SRC
//   inc_multicast<M>(noc, xs, ys, xe, ye, v, num_dests)
//                         atomic increment by v on every core of the rectangle; with INCLUDE_SRC and
//                         the sender inside the rectangle the sender is incremented too and counted
#pragma once
#include "api/dataflow/dataflow_api.h"
#include "experimental/noc.h"

namespace experimental {

template <ProgrammableCoreType core_type = ProgrammableCoreType::TENSIX>
class Semaphore {
public:
    explicit Semaphore(std::uint32_t semaphore_id)
        : id_(semaphore_id), addr_(std::uint32_t(::get_semaphore<core_type>(semaphore_id))) {}

    std::uint32_t get_id() const { return id_; }
    std::uint32_t get_address() const { return addr_; }
    // the current value of this core's copy (after letting updates that have landed take effect)
    std::uint32_t get_value() const {
        ::noc_semaphore_wait_min(ptr(), 0);
        return *ptr();
    }

    void set(std::uint32_t value) const { ::noc_semaphore_set(ptr(), value); }
    void wait(std::uint32_t value) const { ::noc_semaphore_wait(ptr(), value); }
    void wait_min(std::uint32_t value) const { ::noc_semaphore_wait_min(ptr(), value); }

    void up(std::uint32_t value) const { local_add(value); }
    void up(const Noc& noc, std::uint32_t noc_x, std::uint32_t noc_y, std::uint32_t value) const {
        ::noc_semaphore_inc(::get_noc_addr(noc_x, noc_y, addr_, noc.get_noc_id()), value, noc.get_noc_id());
    }
    void down(std::uint32_t value) const {
        ::noc_semaphore_wait_min(ptr(), value);
        local_add(std::uint32_t(0) - value);
    }

    template <McastMode mcast_mode = McastMode::EXCLUDE_SRC>
    void set_multicast(const Noc& noc, std::uint32_t noc_x_start, std::uint32_t noc_y_start, std::uint32_t noc_x_end,
                       std::uint32_t noc_y_end, std::uint32_t num_dests, bool linked = false) const {
        std::uint64_t a = ::get_noc_multicast_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr_, noc.get_noc_id());
        if constexpr (mcast_mode == McastMode::INCLUDE_SRC)
            ::noc_semaphore_set_multicast_loopback_src(addr_, a, num_dests, linked, noc.get_noc_id());
        else
            ::noc_semaphore_set_multicast(addr_, a, num_dests, linked, noc.get_noc_id());
    }

    template <McastMode mcast_mode = McastMode::EXCLUDE_SRC>
    void inc_multicast(const Noc& noc, std::uint32_t noc_x_start, std::uint32_t noc_y_start, std::uint32_t noc_x_end,
                       std::uint32_t noc_y_end, std::uint32_t value, std::uint32_t num_dests) const {
        std::uint8_t n = noc.get_noc_id();
        std::uint64_t a = ::get_noc_multicast_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr_, n);
        if constexpr (mcast_mode == McastMode::INCLUDE_SRC) {
            std::uint32_t x0 = noc_x_start < noc_x_end ? noc_x_start : noc_x_end, x1 = noc_x_start < noc_x_end ? noc_x_end : noc_x_start;
            std::uint32_t y0 = noc_y_start < noc_y_end ? noc_y_start : noc_y_end, y1 = noc_y_start < noc_y_end ? noc_y_end : noc_y_start;
            bool self_inside = my_x[n] >= x0 && my_x[n] <= x1 && my_y[n] >= y0 && my_y[n] <= y1;
            if (self_inside) {
                if (num_dests == 0) tx_fail("Semaphore::inc_multicast<INCLUDE_SRC>: num_dests is 0 but the sender lies in the rectangle");
                if (num_dests > 1) ::noc_semaphore_inc_multicast(a, value, num_dests - 1, n);
                ::noc_semaphore_inc(::get_noc_addr(addr_, n), value, n);
                return;
            }
        }
        ::noc_semaphore_inc_multicast(a, value, num_dests, n);
    }

private:
    volatile std::uint32_t* ptr() const { return reinterpret_cast<volatile std::uint32_t*>(std::uintptr_t(addr_)); }
    void local_add(std::uint32_t value) const {
        ::noc_semaphore_inc(::get_noc_addr(addr_, noc_index), value, noc_index);
        ::noc_async_atomic_barrier(noc_index);
        ::noc_semaphore_wait_min(ptr(), 0);   // a sync point: the landed increment is now in L1
    }

    std::uint32_t id_;
    std::uint32_t addr_;
};

}  // namespace experimental

// today's spellings (API-current §5: Device 2.0 left `experimental`)
using experimental::Semaphore;
