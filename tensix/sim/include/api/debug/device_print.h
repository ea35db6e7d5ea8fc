// tensix kernel-API header: fmt-style DEVICE_PRINT (API §3.10). Placeholders: {}, {N}, and specs
// {:x} {:#x} {:X} {:o} {:b} {:d} {:8} {:.3f} {:e} {:g}; {{ and }} print braces. Always captured.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>
#include "tensix_abi.h"
#include "api/debug/dprint_tile.h"

struct bf16_t { std::uint16_t bits; constexpr bf16_t(std::uint16_t b = 0) : bits(b) {} };
struct bf8_t { std::uint8_t bits; constexpr bf8_t(std::uint8_t b = 0) : bits(b) {} };
struct bf4_t { std::uint8_t bits; constexpr bf4_t(std::uint8_t b = 0) : bits(b) {} };
#define CTSTR(s) (s)

namespace tx_dp {
struct Spec { bool alt = false; char type = 0; int width = 0, prec = -1; };

inline void out(const char* s, std::size_t n) { tx_print(s, n); }
inline void padded(const Spec& sp, const char* s) {
    for (int pad = sp.width - int(std::strlen(s)); pad > 0; pad--) out(" ", 1);
    out(s, std::strlen(s));
}
inline void integer(const Spec& sp, unsigned long long u, bool neg) {
    char b[80];
    switch (sp.type) {
        case 'x': std::snprintf(b, sizeof b, sp.alt ? "0x%llx" : "%llx", u); break;
        case 'X': std::snprintf(b, sizeof b, sp.alt ? "0X%llX" : "%llX", u); break;
        case 'o': std::snprintf(b, sizeof b, sp.alt ? "0%llo" : "%llo", u); break;
        case 'b': {
            int n = 0;
            char* p = b;
            if (sp.alt) { *p++ = '0'; *p++ = 'b'; }
            for (int i = 63; i >= 0; i--) if ((u >> i) & 1 || n || i == 0) { *p++ = char('0' + ((u >> i) & 1)); n = 1; }
            *p = 0;
            break;
        }
        default: std::snprintf(b, sizeof b, "%s%llu", neg ? "-" : "", u);
    }
    padded(sp, b);
}
inline void floating(const Spec& sp, double v) {
    char b[80], f[16];
    char t = sp.type == 'e' || sp.type == 'f' || sp.type == 'g' ? sp.type : 'g';
    if (sp.prec >= 0) std::snprintf(f, sizeof f, "%%.%d%c", sp.prec, t);
    else std::snprintf(f, sizeof f, "%%%c", t);
    std::snprintf(b, sizeof b, f, v);
    padded(sp, b);
}
template <typename T>
void one(const Spec& sp, const void* p) {
    const T& v = *static_cast<const T*>(p);
    if constexpr (std::is_same_v<T, bool>) padded(sp, v ? "true" : "false");
    else if constexpr (std::is_same_v<T, char>) { char b[2] = {v, 0}; padded(sp, b); }
    else if constexpr (std::is_enum_v<T>) one<std::underlying_type_t<T>>(sp, p);
    else if constexpr (std::is_integral_v<T>) {
        if constexpr (std::is_signed_v<T>)
            if (v < 0 && !sp.type) { integer(sp, 0ull - static_cast<unsigned long long>(static_cast<long long>(v)), true); return; }
        integer(sp, static_cast<unsigned long long>(static_cast<std::make_unsigned_t<T>>(v)), false);
    } else if constexpr (std::is_floating_point_v<T>) floating(sp, double(v));
    else if constexpr (std::is_same_v<T, bf16_t>) { std::uint32_t u = std::uint32_t(v.bits) << 16; float f; std::memcpy(&f, &u, 4); floating(sp, f); }
    else if constexpr (std::is_same_v<T, bf8_t> || std::is_same_v<T, bf4_t>) integer(sp, v.bits, false);
    else if constexpr (std::is_convertible_v<T, const char*>) padded(sp, static_cast<const char*>(v));
    else if constexpr (std::is_pointer_v<T>) { char b[32]; std::snprintf(b, sizeof b, "%p", (const void*)v); padded(sp, b); }
    else if constexpr (std::is_same_v<T, TileSlice>) v.print();
    else static_assert(sizeof(T) == 0, "DEVICE_PRINT: unsupported argument type");
}

using Fn = void (*)(const Spec&, const void*);
inline void format(const char* f, const Fn* fns, const void* const* args, int n) {
    int next = 0;
    while (*f) {
        if (f[0] == '{' && f[1] == '{') { out("{", 1); f += 2; continue; }
        if (f[0] == '}' && f[1] == '}') { out("}", 1); f += 2; continue; }
        if (*f != '{') { const char* s = f; while (*f && *f != '{' && !(f[0] == '}' && f[1] == '}')) f++; out(s, std::size_t(f - s)); continue; }
        f++;
        int idx = -1;
        if (*f >= '0' && *f <= '9') { idx = 0; while (*f >= '0' && *f <= '9') idx = idx * 10 + (*f++ - '0'); }
        Spec sp;
        if (*f == ':') {
            f++;
            if (*f == '#') { sp.alt = true; f++; }
            while (*f >= '0' && *f <= '9') sp.width = sp.width * 10 + (*f++ - '0');
            if (*f == '.') { f++; sp.prec = 0; while (*f >= '0' && *f <= '9') sp.prec = sp.prec * 10 + (*f++ - '0'); }
            if (*f && *f != '}') sp.type = *f++;
        }
        if (*f != '}') { out("{?}", 3); while (*f && *f != '}') f++; if (*f) f++; continue; }
        f++;
        int i = idx >= 0 ? idx : next++;
        if (i < n) fns[i](sp, args[i]);
        else out("{missing}", 9);
    }
}
template <typename Tup, std::size_t... I>
inline void print_tuple(const char* f, const Tup& t, std::index_sequence<I...>) {
    const Fn fns[] = {&one<std::tuple_element_t<I, Tup>>...};
    const void* args[] = {static_cast<const void*>(&std::get<I>(t))...};
    format(f, fns, args, int(sizeof...(I)));
}
template <typename... A>
inline void print(const char* f, const A&... a) {
    if constexpr (sizeof...(A) == 0) format(f, nullptr, nullptr, 0);
    else {
        const std::tuple<std::decay_t<A>...> decayed(a...);   // string literals become const char*
        print_tuple(f, decayed, std::index_sequence_for<A...>{});
    }
}
}  // namespace tx_dp

#define DEVICE_PRINT(...) tx_dp::print(__VA_ARGS__)
#define DEVICE_PRINT_MATH(...) tx_dp::print(__VA_ARGS__)
#define DEVICE_PRINT_PACK(...) tx_dp::print(__VA_ARGS__)
#define DEVICE_PRINT_UNPACK(...) tx_dp::print(__VA_ARGS__)
#define DEVICE_PRINT_DATA0(...) do { if (noc_index == 0) tx_dp::print(__VA_ARGS__); } while (0)
#define DEVICE_PRINT_DATA1(...) do { if (noc_index == 1) tx_dp::print(__VA_ARGS__); } while (0)
