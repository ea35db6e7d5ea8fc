// tensix kernel-API header (written from SOURCES.md (API), not copied).
#pragma once
#include <cstdint>
constexpr static std::uint32_t VALID = 1;
constexpr static std::uint32_t INVALID = 0;
constexpr static std::size_t DEFAULT_L1_SMALL_SIZE = 0;
constexpr static std::size_t DEFAULT_TRACE_REGION_SIZE = 0;
constexpr static std::size_t DEFAULT_WORKER_L1_SIZE = 0;
