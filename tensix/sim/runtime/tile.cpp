// tensix simulated chip: tile layout tables and data-format conversion (see tile.h).
#include "tile.h"

#include <algorithm>
#include <cmath>

#include "sim.h"

namespace sim {

uint16_t face_index[32][32];
uint16_t row_col[TILE];

namespace {

struct Tables {
    Tables() {
        for (int r = 0; r < 32; r++)
            for (int c = 0; c < 32; c++) {
                int i = ((r / 16) * 2 + (c / 16)) * 256 + (r % 16) * 16 + (c % 16);
                face_index[r][c] = uint16_t(i);
                row_col[i] = uint16_t(r * 32 + c);
            }
    }
} tables;

float half_to_float(uint16_t h) {
    uint32_t s = uint32_t(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) return as_float(s | 0x7f800000 | (m << 13));
    if (e == 0) return (s ? -1.f : 1.f) * std::ldexp(float(m), -24);
    return as_float(s | ((e + 112) << 23) | (m << 13));
}

uint16_t float_to_half(float f) {   // round to nearest even, as numpy does
    uint32_t u = as_bits(f), s = (u >> 16) & 0x8000;
    int32_t e = int32_t((u >> 23) & 0xff) - 127 + 15;
    uint32_t m = u & 0x7fffff;
    if (((u >> 23) & 0xff) == 0xff) return uint16_t(s | 0x7c00 | (m ? 0x200 : 0));
    if (e >= 31) return uint16_t(s | 0x7c00);
    if (e <= 0) {
        if (e < -10) return uint16_t(s);
        m |= 0x800000;
        uint32_t shift = uint32_t(14 - e), q = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) q++;
        return uint16_t(s | q);
    }
    uint32_t q = (uint32_t(e) << 10) | (m >> 13), rem = m & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (q & 1))) q++;
    return uint16_t(s | q);
}

}  // namespace

bool is_int(uint32_t fmt) { return tx_protocol::format_is_int(fmt); }

const char* fmt_name(uint32_t f) { return tx_protocol::format_name(f); }

uint32_t elem_bytes(uint32_t f) { return tx_protocol::format_elem_bytes(f); }

// ---- block floats: one shared exponent per 16 values (a face row), API §5 -----------------------
static void unpack_bfp(const uint8_t* src, uint32_t* out, int bits) {
    const uint8_t* exps = src;
    const uint8_t* mant = src + 64;
    int per_byte = 8 / (bits + 1), mbits = bits;
    for (int i = 0; i < TILE; i++) {
        int e = exps[i / 16];
        uint32_t code = (mant[i / per_byte] >> ((i % per_byte) * (bits + 1))) & ((1u << (bits + 1)) - 1);
        uint32_t mag = code & ((1u << mbits) - 1), sign = code >> mbits;
        float v = mag ? std::ldexp(float(mag), e - 127 - (mbits - 1)) : 0.f;
        out[i] = as_bits(sign ? -v : v);
    }
}

static void pack_bfp(const uint32_t* in, uint8_t* dst, int bits) {
    uint8_t* exps = dst;
    uint8_t* mant = dst + 64;
    int per_byte = 8 / (bits + 1);
    std::memset(mant, 0, TILE / per_byte);
    for (int row = 0; row < 64; row++) {
        int shared = 0;
        for (int j = 0; j < 16; j++) {
            uint32_t u = in[row * 16 + j];
            int e = int((u >> 23) & 0xff);
            if (e != 0) shared = std::max(shared, e);
        }
        exps[row] = uint8_t(shared);
        for (int j = 0; j < 16; j++) {
            int i = row * 16 + j;
            uint32_t u = in[i];
            int e = int((u >> 23) & 0xff);
            uint32_t q = 0;
            if (e != 0 && e != 0xff) {
                int diff = shared - e;
                uint32_t v = diff >= 24 ? 0 : ((u & 0x7fffff) | 0x800000) >> diff;
                int drop = 24 - bits;
                q = v >> drop;
                uint32_t rem = v & ((1u << drop) - 1), half = 1u << (drop - 1);
                if (rem > half || (rem == half && (q & 1))) q++;
                q = std::min<uint32_t>(q, (1u << bits) - 1);
            } else if (e == 0xff) {
                q = (1u << bits) - 1;
            }
            uint32_t code = q ? (((u >> 31) << bits) | q) : 0;
            mant[i / per_byte] |= uint8_t(code << ((i % per_byte) * (bits + 1)));
        }
    }
}

// CB tile bytes -> 32-bit DST words. `fpu` = the value goes through SrcA/SrcB (19 bits: Float32 -> TF32).
using F = tx_protocol::Format;

void unpack(uint32_t f, const uint8_t* src, uint32_t* out, bool fpu, bool fp32_dest, const char* call) {
    switch (f) {
        case F::Float16_b: for (int i = 0; i < TILE; i++) { uint16_t h; std::memcpy(&h, src + 2 * i, 2); out[i] = uint32_t(h) << 16; } return;
        case F::Float16: for (int i = 0; i < TILE; i++) { uint16_t h; std::memcpy(&h, src + 2 * i, 2); out[i] = as_bits(half_to_float(h)); } return;
        case F::Float32:
            std::memcpy(out, src, 4 * TILE);
            if (fpu || !fp32_dest) for (int i = 0; i < TILE; i++) out[i] = trunc_bits(out[i], 10);
            return;
        case F::Bfp8_b: unpack_bfp(src, out, 7); return;
        case F::Bfp4_b: unpack_bfp(src, out, 3); return;
        case F::Int32: case F::UInt32: std::memcpy(out, src, 4 * TILE); return;
        case F::UInt16: for (int i = 0; i < TILE; i++) { uint16_t h; std::memcpy(&h, src + 2 * i, 2); out[i] = h; } return;
        case F::UInt8: for (int i = 0; i < TILE; i++) out[i] = src[i]; return;
        default: fail(fmt("%s: unpacking data format %s (%u) is not supported by the simulator", call, fmt_name(f), f));
    }
}

void pack(uint32_t f, const uint32_t* in, uint8_t* dst, const char* call) {
    switch (f) {
        case F::Float16_b: for (int i = 0; i < TILE; i++) { uint16_t h = uint16_t(round_bf16(in[i]) >> 16); std::memcpy(dst + 2 * i, &h, 2); } return;
        case F::Float16: for (int i = 0; i < TILE; i++) { uint16_t h = float_to_half(as_float(in[i])); std::memcpy(dst + 2 * i, &h, 2); } return;
        case F::Float32: case F::Int32: case F::UInt32: std::memcpy(dst, in, 4 * TILE); return;
        case F::Bfp8_b: pack_bfp(in, dst, 7); return;
        case F::Bfp4_b: pack_bfp(in, dst, 3); return;
        case F::UInt16: for (int i = 0; i < TILE; i++) { uint16_t h = uint16_t(in[i]); std::memcpy(dst + 2 * i, &h, 2); } return;
        case F::UInt8: for (int i = 0; i < TILE; i++) dst[i] = uint8_t(in[i]); return;
        default: fail(fmt("%s: packing to data format %s (%u) is not supported by the simulator", call, fmt_name(f), f));
    }
}


}  // namespace sim
