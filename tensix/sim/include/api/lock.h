// tensix: api/lock.h (API-current §5). The simulator runs one RISC-V at a time and the three TRISCs
// as one thread, so a lock never waits; the object exists so kernels that scope one compile.
#pragma once
#include "api/dataflow/dataflow_api.h"
struct Lock {
    explicit constexpr Lock(std::uint32_t = 0) {}
    void lock() const {}
    void unlock() const {}
    bool try_lock() const { return true; }
};
struct ScopedLock {
    explicit ScopedLock(const Lock&) {}
};
