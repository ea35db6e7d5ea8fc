// tensix kernel-API header: Device 2.0 experimental::DataflowBuffer (API §3.9), written from
// SOURCES.md (API). A Metal 2.0 dataflow buffer; tensix has no Metal 2.0 host
// API, so a DataflowBuffer is the circular buffer with the same index (DFBAccessor{id} names CB id).
// finish() has nothing to release here.
#pragma once
#include "api/dataflow/dataflow_api.h"
#include "experimental/circular_buffer.h"

namespace experimental {

template <typename T>
struct noc_traits_t;

struct DFBAccessor {
    std::uint32_t id;
};

class DataflowBuffer : public CircularBuffer {
public:
    explicit constexpr DataflowBuffer(std::uint32_t id) : CircularBuffer(id) {}
    constexpr DataflowBuffer(DFBAccessor a) : CircularBuffer(a.id) {}
    constexpr std::uint32_t get_id() const { return get_cb_id(); }
    void finish() const {}
};

// a DataflowBuffer is a NoC endpoint exactly like its circular buffer
template <>
struct noc_traits_t<DataflowBuffer> : noc_traits_t<CircularBuffer> {};

}  // namespace experimental

// today's spellings (API-current §5: Device 2.0 left `experimental`)
using experimental::DataflowBuffer;
using experimental::DFBAccessor;
