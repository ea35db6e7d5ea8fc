// tensix kernel-API header: printing part of a tile from a CB (TileSlice, API §3.10). Rows h0..h1
// (exclusive) step hs and columns w0..w1 step ws of tile `tile_idx` at the CB's read or write pointer,
// converted from the CB's data format; `print_untilized` addresses (row, col) through the face layout.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include "tensix_abi.h"

struct SliceRange {
    std::uint8_t h0, h1, hs, w0, w1, ws;
    static constexpr SliceRange hw0_32_16() { return {0, 32, 16, 0, 32, 16}; }
    static constexpr SliceRange hw0_32_8() { return {0, 32, 8, 0, 32, 8}; }
    static constexpr SliceRange hw0_32_4() { return {0, 32, 4, 0, 32, 4}; }
    static constexpr SliceRange h0_w0_32() { return {0, 1, 1, 0, 32, 1}; }
    static constexpr SliceRange h0_32_w0() { return {0, 32, 1, 0, 1, 1}; }
    static constexpr SliceRange h0_32_w1() { return {0, 32, 1, 1, 2, 1}; }
    static constexpr SliceRange hw041() { return {0, 4, 1, 0, 4, 1}; }
};
enum dprint_tslice_cb_t : std::uint8_t { TSLICE_INPUT_CB = 0, TSLICE_OUTPUT_CB = 1 };
enum dprint_tslice_ptr_t : std::uint8_t { TSLICE_RD_PTR = 0, TSLICE_WR_PTR = 1 };

struct TileSlice {
    std::uint8_t cb;
    int tile_idx;
    SliceRange s;
    dprint_tslice_ptr_t ptr;
    bool endl_rows, untilized;
    TileSlice(std::uint8_t cb_, int tile_idx_, const SliceRange& s_, dprint_tslice_cb_t = TSLICE_INPUT_CB,
              dprint_tslice_ptr_t ptr_ = TSLICE_RD_PTR, bool endl_rows_ = true, bool print_untilized = true)
        : cb(cb_), tile_idx(tile_idx_), s(s_), ptr(ptr_), endl_rows(endl_rows_), untilized(print_untilized) {}

    // one value as text, from the tile's bytes in the CB's format
    static void value(char* out, std::size_t n, const std::uint8_t* t, std::uint32_t fmt, int i) {
        auto f32 = [](std::uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; };
        std::uint32_t w = 0;
        switch (fmt) {
            case 5: { std::uint16_t h; std::memcpy(&h, t + 2 * i, 2); std::snprintf(out, n, "%g", f32(std::uint32_t(h) << 16)); return; }
            case 0: std::memcpy(&w, t + 4 * i, 4); std::snprintf(out, n, "%g", f32(w)); return;
            case 8: std::memcpy(&w, t + 4 * i, 4); std::snprintf(out, n, "%d", int(w)); return;
            case 24: std::memcpy(&w, t + 4 * i, 4); std::snprintf(out, n, "%u", w); return;
            case 9: { std::uint16_t h; std::memcpy(&h, t + 2 * i, 2); std::snprintf(out, n, "%u", unsigned(h)); return; }
            case 30: std::snprintf(out, n, "%u", unsigned(t[i])); return;
            case 6: {   // Bfp8_b: 64 exponent bytes (one per face row), then sign|7-bit magnitude per value
                int e = t[i / 16];
                std::uint8_t m = t[64 + i];
                float v = (m & 0x7f) ? float(m & 0x7f) * __builtin_ldexpf(1.0f, e - 127 - 6) : 0.0f;
                std::snprintf(out, n, "%g", (m & 0x80) ? -v : v);
                return;
            }
            default: std::snprintf(out, n, "?"); return;
        }
    }

    void print() const {
        std::uint32_t addr = ptr == TSLICE_WR_PTR ? tx_cb_write_ptr(cb) : tx_cb_read_ptr(cb);
        const std::uint8_t* t = reinterpret_cast<const std::uint8_t*>(std::uintptr_t(addr + std::uint32_t(tile_idx) * tx_cb_page_size(cb)));
        std::uint32_t fmt = tx_cb_data_format(cb);
        char b[48];
        for (int r = s.h0; r < s.h1; r += s.hs ? s.hs : 1) {
            for (int c = s.w0; c < s.w1; c += s.ws ? s.ws : 1) {
                int i = untilized ? ((r / 16) * 2 + (c / 16)) * 256 + (r % 16) * 16 + (c % 16) : r * 32 + c;
                value(b, sizeof b, t, fmt, i);
                tx_print(b, std::strlen(b));
                if (c + (s.ws ? s.ws : 1) < s.w1) tx_print(" ", 1);
            }
            if (endl_rows) tx_print("\n", 1);
        }
    }
};
#define TSLICE TileSlice
