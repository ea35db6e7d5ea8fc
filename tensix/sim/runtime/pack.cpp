// tensix simulated chip: the packer (pack_tile with ReLU and L1 accumulation, tilize, untilize, pack_untilize),
// split from compute.cpp. DST words -> CB tiles in the CB's format (tile.cpp), timed as the pack stage.
#include "sim.h"

#include <cstring>
#include <vector>

#include "../include/tensix_compute_abi.h"
#include "compute.h"
#include "tile.h"

using namespace sim;
using namespace sim::cmp;

// the L1 bytes of the tile a pack writes: page `index` after the write pointer, or the next in order
static uint8_t* pack_tile_addr(uint32_t id, int32_t index, const char* call) {
    CB& cb = compute_cb(id, call);
    check_format(TX_PACK, id, cb, call);
    uint32_t page = index >= 0 ? uint32_t(index) : cb.wr_tile_ptr++;
    uint32_t free_pages = cb.num_pages - cb.used();
    if (!cb.global && page >= free_pages)
        fail(fmt("%s: writes tile %u past the back of CB %u (%u page(s) free); cb_reserve_back the pages first",
                 call, page, id, free_pages));
    uint32_t off = cb.wr + page * cb.page_size;
    if (off + cb.page_size > cb.base + cb.size) off -= cb.size;
    return core().l1 + off;
}

extern "C" {

void tx_pack_tile(uint32_t idst, uint32_t cb, int32_t index, const char* call) {
    me().call = call;
    Compute& c = comp();
    if (!c.pack_held)
        fail(fmt("%s: the packer does not hold DST; call tile_regs_commit() and tile_regs_wait() before packing", call));
    uint32_t cap = tx_dst_capacity();
    if (idst >= cap) fail(fmt("%s: DST index %u is beyond the DST capacity of %u tiles", call, idst, cap));
    uint8_t* dst = pack_tile_addr(cb, index, call);
    uint32_t fmt_ = core().cb[cb].format;
    uint32_t relu_tile[TILE];
    const uint32_t* src = c.dst.data() + size_t(idst) * TILE;
    if (c.relu && !chip.timing_only && !is_int(fmt_)) {    // ZERO_RELU: the packer writes max(0, x)
        for (int i = 0; i < TILE; i++) relu_tile[i] = (src[i] >> 31) ? 0u : src[i];
        src = relu_tile;
    }
    if (!chip.timing_only && c.l1_acc) {
        // packer L1 accumulation (API-current §12.7): the L1 tile += the DST tile, in the CB's format
        if (is_int(fmt_)) fail(fmt("%s: packer L1 accumulation into CB %u needs a float format, not %s", call, cb, fmt_name(fmt_)));
        uint32_t old[TILE], sum[TILE];
        unpack(fmt_, dst, old, false, true, call);
        for (int i = 0; i < TILE; i++) sum[i] = as_bits(as_float(old[i]) + as_float(src[i]));
        pack(fmt_, sum, dst, call);
    } else if (!chip.timing_only) pack(fmt_, src, dst, call);
    pack_stage(tile_bytes(cb));
    progress();
}

void tx_tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_index, uint32_t out_index) {
    const char* call = "tilize_block";
    me().call = call;
    CB& in = compute_cb(icb, call);
    check_format(TX_UNPACK_A, icb, in, call);
    uint32_t esize = elem_bytes(in.format);
    if (!esize) fail(fmt("%s: CB %u holds %s, a block-float format: row-major data needs a per-element format", call, icb, fmt_name(in.format)));
    uint32_t row_bytes = block * 32 * esize;
    const uint8_t* base = core().l1 + in.rd + in_index * in.page_size;
    std::vector<uint8_t> tile(size_t(TILE) * esize);
    for (uint32_t b = 0; b < block; b++) {
        for (int r = 0; r < 32; r++)
            for (int c = 0; c < 32; c++)
                std::memcpy(tile.data() + size_t(face_index[r][c]) * esize, base + r * row_bytes + (b * 32 + c) * esize, esize);
        uint32_t words[TILE];
        unpack(in.format, tile.data(), words, false, true, call);
        pack(compute_cb(ocb, call).format, words, pack_tile_addr(ocb, int32_t(out_index + b), call), call);
    }
    compute_cb(ocb, call).wr_tile_ptr = out_index + block;
    unpack_stage(double(block) * tile_bytes(icb), 0);
    math_stage(uint64_t(block) * 8, 0);
    c_pack_after_math(double(block) * tile_bytes(ocb));
}

static void write_rows(uint32_t ocb, const uint32_t* words, uint32_t col_tile, uint32_t width_tiles, uint32_t row_tile,
                       const char* call) {
    CB& out = compute_cb(ocb, call);
    check_format(TX_PACK, ocb, out, call);
    uint32_t esize = elem_bytes(out.format);
    if (!esize) fail(fmt("%s: CB %u holds %s, a block-float format: row-major data needs a per-element format", call, ocb, fmt_name(out.format)));
    uint8_t tile[4 * TILE];
    pack(out.format, words, tile, call);    // per-element formats: pack, then move rows
    uint32_t row_bytes = width_tiles * 32 * esize;
    uint8_t* base = core().l1 + out.wr + row_tile * 32 * row_bytes;
    for (int r = 0; r < 32; r++)
        for (int c = 0; c < 32; c++)
            std::memcpy(base + r * row_bytes + (col_tile * 32 + c) * esize, tile + size_t(face_index[r][c]) * esize, esize);
}

void tx_untilize_block(uint32_t icb, uint32_t ntiles, uint32_t ocb) {
    const char* call = "untilize_block";
    me().call = call;
    for (uint32_t t = 0; t < ntiles; t++) {
        uint32_t words[TILE];
        read_tile(TX_UNPACK_A, icb, t, words, false, call);
        write_rows(ocb, words, t, ntiles, 0, call);
    }
    unpack_stage(double(ntiles) * tile_bytes(icb), 0);
    math_stage(uint64_t(ntiles) * 8, 0);
    c_pack_after_math(double(ntiles) * tile_bytes(ocb));
}

void tx_pack_untilize_dest(uint32_t ocb, uint32_t block_rt, uint32_t block_ct, uint32_t c_index, uint32_t full_ct, uint32_t row0) {
    const char* call = "pack_untilize_dest";
    me().call = call;
    Compute& c = comp();
    if (!c.pack_held) fail(fmt("%s: the packer does not hold DST; call tile_regs_commit() and tile_regs_wait() first", call));
    for (uint32_t r = 0; r < block_rt; r++)
        for (uint32_t cc = 0; cc < block_ct; cc++)
            write_rows(ocb, c.dst.data() + size_t(r * block_ct + cc) * TILE, c_index * block_ct + cc, full_ct, row0 + r, call);
    pack_stage(double(block_rt) * block_ct * tile_bytes(ocb));
}

}  // extern "C"
