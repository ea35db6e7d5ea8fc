// tensix: hostdevcommon/dprint_common.h (API-current §2.1): the legacy print type ids, the per-thread
// print buffer layout and the kernel-visible SliceRange / TileSlice types (api/debug/dprint_tile.h).
// Prints in the simulator never go through an L1 buffer; the layout constants are for code that names them.
#pragma once
#include <cstdint>
#include "api/debug/dprint_tile.h"

enum DPrintTypeID : std::uint8_t {
    DPrintCSTR = 1, DPrintENDL, DPrintSETW, DPrintUINT8, DPrintUINT16, DPrintUINT32, DPrintUINT64, DPrintINT8, DPrintINT16,
    DPrintINT32, DPrintINT64, DPrintFLOAT32, DPrintBFLOAT16, DPrintSETPRECISION, DPrintFIXED, DPrintDEFAULTFLOAT, DPrintHEX,
    DPrintOCT, DPrintDEC, DPrintTILESLICE, DPrintCHAR, DPrintRAISE, DPrintWAIT, DPrintBOOL, DPrintTypeID_Count,
};
constexpr std::uint32_t DPRINT_BUFFER_SIZE = 204;
struct DebugPrintMemLayout {
    struct Aux { std::uint32_t wpos, rpos; std::uint16_t core_x, core_y; } aux;
    std::uint8_t data[DPRINT_BUFFER_SIZE - sizeof(Aux)];
};
template <int MAX_BYTES = 32 * 2>
struct TileSliceHostDev {
    std::uint32_t cb_ptr;
    SliceRange slice_range;
    std::uint8_t cb_id, data_format, data_count, endl_rows;
    std::uint8_t data[MAX_BYTES];
};
