// tensix kernel-API header: compile-time args (API §3.2). The host passes them as
// -DKERNEL_COMPILE_TIME_ARGS=v0,v1,... and -DKERNEL_COMPILE_TIME_ARG_MAP={"name",v},...
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

template <typename T, typename... Ts>
constexpr std::array<T, sizeof...(Ts)> make_array(Ts... values) { return {static_cast<T>(values)...}; }

#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif
constexpr auto kernel_compile_time_args = make_array<std::uint32_t>(KERNEL_COMPILE_TIME_ARGS);

template <std::size_t Idx>
constexpr std::uint32_t get_ct_arg() {
    static_assert(Idx < kernel_compile_time_args.size(),
                  "get_compile_time_arg_val: index out of range: the host passed fewer compile_args to this kernel");
    return kernel_compile_time_args[Idx];
}
#define get_compile_time_arg_val(arg_idx) get_ct_arg<arg_idx>()

#ifdef KERNEL_COMPILE_TIME_ARG_MAP
#include "tensix_abi.h"
// not constexpr: reaching it during constant evaluation is a compile error that names the call site
inline std::uint32_t tx_named_arg_missing() {
    tx_fail("get_named_compile_time_arg_val: no named compile-time arg with this name was passed by the host");
}
struct tx_named_arg { std::string_view name; std::uint32_t value; };
constexpr tx_named_arg tx_named_args[] = {KERNEL_COMPILE_TIME_ARG_MAP};
constexpr std::uint32_t get_named_compile_time_arg_val(std::string_view name) {
    for (const auto& a : tx_named_args)
        if (a.name == name) return a.value;
    return tx_named_arg_missing();
}
#endif
