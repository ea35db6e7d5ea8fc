// tensix: api/dataflow/dfb_binding_token.h (API-current §12.6): the Metal 2.0 dataflow-buffer binding
// token the host generates as `dfb::NAME` (tensix.metal2). It converts to the CB index (on Gen1 the
// DFB id is the CB index), so `DataflowBuffer d(dfb::in)`, `cb_wait_front(dfb::in, n)` and
// `compute_kernel_hw_startup(dfb::in, dfb::out)` all compile. Tokens share one type.
#pragma once
#include <cstdint>
#include "experimental/dataflow_buffer.h"

struct DFBLLKMetadata {
    std::uint8_t format = 255, face_r_dim = 16, face_c_dim = 16, num_faces_r_dim = 2, num_faces_c_dim = 2;
};
struct DFBBindingToken {
    std::uint16_t id_;
    DFBLLKMetadata llk{};
    constexpr DFBBindingToken(std::uint16_t id) : id_(id) {}
    constexpr DFBBindingToken(std::uint16_t id, DFBLLKMetadata m) : id_(id), llk(m) {}
    constexpr operator std::uint32_t() const { return id_; }
    constexpr std::uint32_t get_id() const { return id_; }
};
constexpr std::uint8_t NO_PREFETCHER_PIPE = 0xFF;
struct RelayDFBBindingToken {
    std::uint16_t id_;
    std::uint8_t prefetcher_pipe_id = NO_PREFETCHER_PIPE;
    constexpr operator std::uint32_t() const { return id_; }
};
