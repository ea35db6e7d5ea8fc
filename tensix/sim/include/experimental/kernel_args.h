// tensix kernel-API header: Device 2.0 typed kernel arguments (API §3.9, §2.12), written from
// SOURCES.md (API). experimental::get_arg reads
//   RtaArg<T>{byte_offset}    a per-core runtime arg at that byte offset of the core's runtime args
//   CrtaArg<T>{byte_offset}   a common runtime arg at that byte offset
//   CtaVal<T>{value}          a compile-time value (returned as is)
// tensix.metal2 generates `namespace args { ... }` for a kernel (kernel_args_generated.h) from its
// KernelSpec, as tt-metal's JIT does; kernels may also declare such handles themselves.
#pragma once
#include "api/dataflow/dataflow_api.h"

namespace experimental {

template <typename T>
struct RtaArg {
    std::uint32_t byte_offset;
};
template <typename T>
struct CrtaArg {
    std::uint32_t byte_offset;
};
template <typename T>
struct CtaVal {
    T value;
};

template <typename T>
inline T get_arg(RtaArg<T> a) {
    static_assert(sizeof(T) % 4 == 0 || sizeof(T) < 4, "experimental::get_arg: argument types are whole words or smaller");
    if (a.byte_offset + sizeof(T) > std::size_t(tx_cur->num_rta) * 4)
        tx_fail("experimental::get_arg(RtaArg{%u}): %u B at byte %u, but the host set %u runtime arg word(s) for this kernel on this core",
                a.byte_offset, unsigned(sizeof(T)), a.byte_offset, tx_cur->num_rta);
    T v;
    std::memcpy(&v, reinterpret_cast<const unsigned char*>(tx_cur->rta) + a.byte_offset, sizeof(T));
    return v;
}
template <typename T>
inline T get_arg(CrtaArg<T> a) {
    static_assert(sizeof(T) % 4 == 0 || sizeof(T) < 4, "experimental::get_arg: argument types are whole words or smaller");
    if (a.byte_offset + sizeof(T) > std::size_t(tx_cur->num_crta) * 4)
        tx_fail("experimental::get_arg(CrtaArg{%u}): %u B at byte %u, but the host set %u common runtime arg word(s) for this kernel",
                a.byte_offset, unsigned(sizeof(T)), a.byte_offset, tx_cur->num_crta);
    T v;
    std::memcpy(&v, reinterpret_cast<const unsigned char*>(tx_cur->crta) + a.byte_offset, sizeof(T));
    return v;
}
template <typename T>
constexpr T get_arg(CtaVal<T> a) {
    return a.value;
}

}  // namespace experimental
