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
// an array of 32-bit words printed as [a, b, ...]; `type` is the DataFormat of the words (0 = Float32,
// 8 = Int32, else unsigned)
template <int len>
struct dp_typed_array_t {
    std::uint32_t type;
    const std::uint32_t* data;
    constexpr dp_typed_array_t(std::uint32_t t, const volatile std::uint32_t* p) : type(t), data(const_cast<const std::uint32_t*>(p)) {}
};

namespace tx_dp {
// spec ::= [[fill]align][sign]["#"]["0"][width]["." precision]["L"][type] (fmt semantics, API-current §2.2)
struct Spec { char fill = ' ', align = 0, sign = '-', type = 0; bool alt = false, zero = false; int width = 0, prec = -1; };

inline void out(const char* s, std::size_t n) { tx_print(s, n); }
inline void fill(char c, int n) { for (; n > 0; n--) out(&c, 1); }
// `s` = sign/prefix part `pre` + digits; numbers align right by default, text left
inline void padded(const Spec& sp, const char* s, bool numeric = false, std::size_t pre = 0) {
    int pad = sp.width - int(std::strlen(s));
    if (pad <= 0) { out(s, std::strlen(s)); return; }
    if (numeric && sp.zero && !sp.align) { out(s, pre); fill('0', pad); out(s + pre, std::strlen(s) - pre); return; }
    char al = sp.align ? sp.align : numeric ? '>' : '<';
    int left = al == '>' ? pad : al == '^' ? pad / 2 : 0;
    fill(sp.fill, left);
    out(s, std::strlen(s));
    fill(sp.fill, pad - left);
}
inline void integer(const Spec& sp, unsigned long long u, bool neg) {
    char b[96], d[80];
    const char* pfx = "";
    switch (sp.type) {
        case 'x': std::snprintf(d, sizeof d, "%llx", u); pfx = sp.alt ? "0x" : ""; break;
        case 'X': std::snprintf(d, sizeof d, "%llX", u); pfx = sp.alt ? "0X" : ""; break;
        case 'o': std::snprintf(d, sizeof d, "%llo", u); pfx = sp.alt && u ? "0" : ""; break;
        case 'b': case 'B': {
            char* p = d;
            bool any = false;
            for (int i = 63; i >= 0; i--) if ((u >> i) & 1 || any || i == 0) { *p++ = char('0' + ((u >> i) & 1)); any = true; }
            *p = 0;
            pfx = sp.alt ? (sp.type == 'b' ? "0b" : "0B") : "";
            break;
        }
        case 'c': { b[0] = char(u); b[1] = 0; padded(sp, b); return; }
        default: std::snprintf(d, sizeof d, "%llu", u);
    }
    const char* sg = neg ? "-" : sp.sign == '+' ? "+" : sp.sign == ' ' ? " " : "";
    std::snprintf(b, sizeof b, "%s%s%s", sg, pfx, d);
    padded(sp, b, true, std::strlen(sg) + std::strlen(pfx));
}
inline void floating(const Spec& sp, double v) {
    char b[96], f[24];
    char t = sp.type && std::strchr("aAeEfFgG", sp.type) ? sp.type : 'g';
    const char* sg = sp.sign == '+' ? "+" : sp.sign == ' ' ? " " : "";
    if (sp.prec >= 0) std::snprintf(f, sizeof f, "%%%s%s.%d%c", sg, sp.alt ? "#" : "", sp.prec, t);
    else std::snprintf(f, sizeof f, "%%%s%s%c", sg, sp.alt ? "#" : "", t);
    std::snprintf(b, sizeof b, f, v);
    padded(sp, b, true, (b[0] == '-' || b[0] == '+' || b[0] == ' ') ? 1 : 0);
}
inline const char* parse_spec(const char* f, Spec& sp) {
    auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
    if (f[0] && f[0] != '}' && is_align(f[1])) { sp.fill = f[0]; sp.align = f[1]; f += 2; }
    else if (is_align(f[0])) { sp.align = *f++; }
    if (*f == '+' || *f == '-' || *f == ' ') sp.sign = *f++;
    if (*f == '#') { sp.alt = true; f++; }
    if (*f == '0') { sp.zero = true; f++; }
    while (*f >= '0' && *f <= '9') sp.width = sp.width * 10 + (*f++ - '0');
    if (*f == '.') { f++; sp.prec = 0; while (*f >= '0' && *f <= '9') sp.prec = sp.prec * 10 + (*f++ - '0'); }
    if (*f == 'L') f++;
    if (*f && *f != '}') sp.type = *f++;
    return f;
}

template <typename T>
void one(const Spec& sp, const void* p);
template <int len>
void tx_array(const Spec& sp, const dp_typed_array_t<len>& a) {
    out("[", 1);
    for (int i = 0; i < len; i++) {
        if (i) out(", ", 2);
        std::uint32_t w = a.data[i];
        if (a.type == 0) { float f; std::memcpy(&f, &w, 4); floating(sp, f); }
        else if (a.type == 8) { std::int32_t x = std::int32_t(w); if (x < 0) integer(sp, 0ull - (unsigned long long)(long long)x, true); else integer(sp, w, false); }
        else integer(sp, w, false);
    }
    out("]", 1);
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
    else if constexpr (requires { v.type; v.data; sizeof(T) > 0; } && !std::is_pointer_v<T>) tx_array(sp, v);
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
        if (*f == ':') f = parse_spec(f + 1, sp);
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

// the compile-time checks of today's DEVICE_PRINT (API-current §2.2): 0 = fine, else the rule broken
constexpr int check_format(const char* f, int nargs) {
    int autos = 0, manual = 0;
    unsigned long long used = 0;
    for (int i = 0; f[i]; i++) {
        if (f[i] == '{' && f[i + 1] == '{') { i++; continue; }
        if (f[i] == '}' && f[i + 1] == '}') { i++; continue; }
        if (f[i] != '{') continue;
        char c = f[i + 1];
        if (!(c == '}' || c == ':' || (c >= '0' && c <= '9'))) return 1;   // "{" not followed by }, :, digit
        int j = i + 1, idx = -1;
        if (c >= '0' && c <= '9') { idx = 0; while (f[j] >= '0' && f[j] <= '9') idx = idx * 10 + (f[j++] - '0'); }
        while (f[j] && f[j] != '}') j++;
        if (!f[j]) return 1;
        if (idx < 0) autos++;
        else { manual++; if (idx >= nargs) return 3; if (idx < 64) used |= 1ull << idx; }
        i = j;
    }
    if (autos && manual) return 2;
    if (manual) { for (int k = 0; k < nargs && k < 64; k++) if (!(used >> k & 1)) return 3; return 0; }
    return autos == nargs ? 0 : 4;
}
template <typename... A>
std::integral_constant<int, int(sizeof...(A))> count(const A&...);
}  // namespace tx_dp

#define TX_DEVICE_PRINT_CHECKED(format, ...)                                                                         \
    do {                                                                                                             \
        static_assert(tx_dp::check_format(format, decltype(tx_dp::count(__VA_ARGS__))::value) != 1,                 \
                      "DEVICE_PRINT: a '{' must start {}, {N} or {:spec} (write {{ for a brace)");                   \
        static_assert(tx_dp::check_format(format, decltype(tx_dp::count(__VA_ARGS__))::value) != 2,                 \
                      "DEVICE_PRINT: {} and {N} may not be mixed in one format string");                             \
        static_assert(tx_dp::check_format(format, decltype(tx_dp::count(__VA_ARGS__))::value) != 3,                 \
                      "DEVICE_PRINT: with {N}, every index must be below the argument count and every argument used"); \
        static_assert(tx_dp::check_format(format, decltype(tx_dp::count(__VA_ARGS__))::value) != 4,                 \
                      "DEVICE_PRINT: the number of {} placeholders must equal the number of arguments");             \
        tx_dp::print(format __VA_OPT__(, ) __VA_ARGS__);                                                             \
    } while (0)
#define DEVICE_PRINT(format, ...) TX_DEVICE_PRINT_CHECKED(format __VA_OPT__(, ) __VA_ARGS__)
#define DEVICE_PRINT_MATH(...) DEVICE_PRINT(__VA_ARGS__)
#define DEVICE_PRINT_PACK(...) DEVICE_PRINT(__VA_ARGS__)
#define DEVICE_PRINT_UNPACK(...) DEVICE_PRINT(__VA_ARGS__)
#define DEVICE_PRINT_DATA0(...) do { if (noc_index == 0) DEVICE_PRINT(__VA_ARGS__); } while (0)
#define DEVICE_PRINT_DATA1(...) do { if (noc_index == 1) DEVICE_PRINT(__VA_ARGS__); } while (0)
#define DEVICE_PRINT_INITIALIZE_LOCK()
#define DEVICE_PRINT_KERNEL_FINISHED()
