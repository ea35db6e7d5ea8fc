// tensix simulated chip: tile layout and data-format conversion between L1 and DST words (tile.cpp).
//
// Tiles in L1 are in face order (four 16x16 faces, each row-major; API §5). A DST word is 32 bits: the
// fp32 bits of a float value, or the bits of an integer for integer formats.
#pragma once
#include <cstdint>
#include <cstring>

namespace sim {

constexpr int TILE = 1024;
extern uint16_t face_index[32][32];     // (row, col) -> position in a face-ordered tile
extern uint16_t row_col[TILE];          // face position -> row * 32 + col
// face row fr (0..63; 16 values) starts at this row-major position
inline int face_row_start(int fr) { int f = fr / 16, r = fr % 16; return ((f / 2) * 16 + r) * 32 + (f % 2) * 16; }

inline float as_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline uint32_t as_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline uint32_t round_bf16(uint32_t u) {          // round-to-nearest-even to the top 16 bits
    if ((u & 0x7f800000) == 0x7f800000 && (u & 0x7fffff)) return (u | 0x400000) & 0xffff0000;
    return (u + 0x7fff + ((u >> 16) & 1)) & 0xffff0000;
}
inline uint32_t trunc_bits(uint32_t u, int keep) {  // keep `keep` explicit mantissa bits (toward zero)
    return u & ~((1u << (23 - keep)) - 1);
}

bool is_int(uint32_t fmt);
const char* fmt_name(uint32_t fmt);
uint32_t elem_bytes(uint32_t fmt);       // bytes per element of a per-element (not block) format
// CB tile bytes -> DST words. `fpu` = the value goes through SrcA/SrcB (19 bits: Float32 -> TF32).
void unpack(uint32_t fmt, const uint8_t* src, uint32_t* out, bool fpu, bool fp32_dest, const char* call);
// DST words -> CB tile bytes in `fmt`
void pack(uint32_t fmt, const uint32_t* in, uint8_t* dst, const char* call);

}  // namespace sim
