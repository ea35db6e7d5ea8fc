// tensix: api/kernel_thread_globals.h (API-current §12.2). One thread per kernel on WH/BH (and GS):
// every barrier returns at once, the thread id is 0 and the thread count 1.
#pragma once
#include <cstdint>
inline std::uint32_t get_num_threads() { return 1; }
inline std::uint32_t get_my_thread_id() { return 0; }
inline std::uint32_t get_barrier_id() { return 0; }
inline void wait_threads(std::uint32_t participants) { (void)participants; }
inline void sync_threads() {}
inline void dm_compute_barrier(std::uint32_t dm_threads, std::uint32_t tensixes) { (void)dm_threads; (void)tensixes; }
#ifndef COMPILE_FOR_TRISC
inline void thread_sync_init() {}
#endif
