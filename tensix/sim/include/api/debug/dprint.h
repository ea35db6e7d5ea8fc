// tensix kernel-API header: legacy DPRINT streams (API §3.10). In the simulator prints are always
// captured (they never block); the host shows them tagged with core, RISC-V and cycle when asked.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include "tensix_abi.h"
#include "api/debug/dprint_tile.h"
#include "hostdevcommon/dprint_common.h"

struct ENDL {};
struct SETW { int w; explicit SETW(int v) : w(v) {} };
struct SETPRECISION { int p; explicit SETPRECISION(int v) : p(v) {} };
struct FIXED {};
struct DEFAULTFLOAT {};
struct HEX {};
struct OCT {};
struct DEC {};
struct BF16 { std::uint16_t bits; explicit BF16(std::uint16_t b) : bits(b) {} };
struct F32 { float v; explicit F32(float f) : v(f) {} };
struct U32 { std::uint32_t v; explicit U32(std::uint32_t u) : v(u) {} };

struct DebugPrinter {
    int width = 0, precision = -1, base = 10;
    bool fixed = false;
    DebugPrinter& self() { return *this; }
    void emit(const char* s) {
        int pad = width - int(std::strlen(s));
        width = 0;
        for (; pad > 0; pad--) tx_print(" ", 1);
        tx_print(s, std::strlen(s));
    }
    void num(unsigned long long u, bool neg) {
        char b[64];
        if (base == 16) std::snprintf(b, sizeof b, "0x%llx", u);
        else if (base == 8) std::snprintf(b, sizeof b, "0%llo", u);
        else std::snprintf(b, sizeof b, "%s%llu", neg ? "-" : "", u);
        emit(b);
    }
    void flt(double v) {
        char b[64];
        if (precision >= 0) std::snprintf(b, sizeof b, fixed ? "%.*f" : "%.*g", precision, v);
        else std::snprintf(b, sizeof b, fixed ? "%f" : "%g", v);
        emit(b);
    }
};
inline DebugPrinter& operator<<(DebugPrinter& p, const char* s) { p.emit(s); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, char c) { char b[2] = {c, 0}; p.emit(b); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, ENDL) { tx_print("\n", 1); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, SETW w) { p.width = w.w; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, SETPRECISION s) { p.precision = s.p; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, FIXED) { p.fixed = true; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, DEFAULTFLOAT) { p.fixed = false; p.precision = -1; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, HEX) { p.base = 16; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, OCT) { p.base = 8; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, DEC) { p.base = 10; return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, float v) { p.flt(v); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, double v) { p.flt(v); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, F32 v) { p.flt(v.v); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, BF16 v) { std::uint32_t u = std::uint32_t(v.bits) << 16; float f; std::memcpy(&f, &u, 4); p.flt(f); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, U32 v) { p.num(v.v, false); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, const TileSlice& t) { t.print(); return p; }
inline DebugPrinter& operator<<(DebugPrinter& p, bool v) { p.emit(v ? "true" : "false"); return p; }
template <typename T>
    requires(std::is_integral_v<T> || std::is_enum_v<T>)
inline DebugPrinter& operator<<(DebugPrinter& p, T v) {
    if constexpr (std::is_enum_v<T>) return p << static_cast<std::underlying_type_t<T>>(v);
    else {
        if constexpr (std::is_signed_v<T>)
            if (v < 0 && p.base == 10) { p.num(0ull - static_cast<unsigned long long>(static_cast<long long>(v)), true); return p; }
        p.num(static_cast<unsigned long long>(static_cast<std::make_unsigned_t<T>>(v)), false);
        return p;
    }
}
template <typename T>
inline DebugPrinter& operator<<(DebugPrinter& p, T* ptr) { char b[32]; std::snprintf(b, sizeof b, "%p", (const void*)ptr); p.emit(b); return p; }

// Both forms of today's tt-metal (API-current §2.1): `DPRINT << x << ENDL()` names the object
// DPRINT (a function-like macro expands only before "("), `DPRINT("x = {}\n", x)` is the fmt form.
struct tx_dprint_start {};
inline constexpr tx_dprint_start DPRINT{};
template <typename T>
inline DebugPrinter operator<<(tx_dprint_start, const T& v) {
    DebugPrinter p;
    p << v;
    return p;
}
template <typename T>
inline DebugPrinter& operator<<(DebugPrinter&& p, const T& v) { return static_cast<DebugPrinter&>(p) << v; }
#include "api/debug/device_print.h"
// the per-RISC forms take a stream expression (already printed when evaluated) or a format string
inline void tx_dprint_any(const DebugPrinter&) {}
inline void tx_dprint_any(tx_dprint_start) {}
template <typename... A>
inline void tx_dprint_any(const char* f, const A&... a) { tx_dp::print(f, a...); }
#define DPRINT(format, ...) DEVICE_PRINT(format, ##__VA_ARGS__)
#define DPRINT_MATH(...) tx_dprint_any(__VA_ARGS__)
#define DPRINT_PACK(...) tx_dprint_any(__VA_ARGS__)
#define DPRINT_UNPACK(...) tx_dprint_any(__VA_ARGS__)
#define DPRINT_DATA0(...) do { if (noc_index == 0) { tx_dprint_any(__VA_ARGS__); } } while (0)
#define DPRINT_DATA1(...) do { if (noc_index == 1) { tx_dprint_any(__VA_ARGS__); } } while (0)
