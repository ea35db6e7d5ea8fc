// tensix simulated chip: the compute engine (unpack -> FPU -> DST -> pack) with hardware numerics.
//
// Numerics (API §4.8, §5): tiles in L1 are in face order; unpacking turns a CB tile into 32-bit DST
// words (bf16 exact, fp16 exact, bfp dequantised, Float32 truncated to TF32 on the FPU path; integer
// formats keep their bits); FPU results are fp32 and are rounded to bf16 in DST unless
// fp32_dest_acc_en; the packer converts DST to the CB format (bf16/fp16 round to nearest even, bfp
// with a shared exponent per 16-value face row).
//
// Math fidelity (HW §6: the multiplier is 5 bits of SrcA x 7 bits of SrcB, 1-4 phases) (inferred
// model): a significand of SrcA splits into its top 5 bits (hi) and the rest (lo), SrcB into top 7 and
// the rest. LoFi multiplies hi*hi; HiFi2 adds lo(A)*hi(B); HiFi3 adds hi(A)*lo(B); HiFi4 adds lo*lo,
// i.e. the exact product. For matmul in1 feeds SrcA and in0 SrcB; for eltwise mul in0 is SrcA.
#include "sim.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../include/tensix_compute_abi.h"
#include "compute.h"
#include "tile.h"

namespace sim {

namespace cmp {

CB& compute_cb(uint32_t id, const char* call) {
    if (id >= chip.p.num_cbs)
        fail(fmt("%s: CB index %u is out of range; this chip has %u circular buffers", call, id, chip.p.num_cbs));
    CB& cb = core().cb[id];
    if (!cb.on) fail(fmt("%s: CB %u is not configured on core (%d, %d)", call, id, core().lx, core().ly));
    return cb;
}

void check_format(int unit, uint32_t id, const CB& cb, const char* call) {
    Compute& c = comp();
    if (c.fmt[unit] == 255) { c.fmt[unit] = cb.format; return; }
    if (c.fmt[unit] != cb.format)
        fail(fmt("%s: CB %u holds %s data but the %s is configured for %s; call %s before switching formats",
                 call, id, fmt_name(cb.format), unit == TX_PACK ? "packer" : unit == TX_UNPACK_A ? "unpacker (SrcA)" : "unpacker (SrcB)",
                 fmt_name(c.fmt[unit]), unit == TX_PACK ? "pack_reconfig_data_format(cb)" : "reconfig_data_format(...)"));
}

// the L1 bytes of tile `t` at the front of CB `id`, checked; nullptr in a timing-only run
const uint8_t* front_tile(int unit, uint32_t id, uint32_t t, const char* call) {
    CB& cb = compute_cb(id, call);
    check_format(unit, id, cb, call);
    uint32_t avail = cb.received - cb.acked;
    if (!cb.global && t >= avail)
        fail(fmt("%s: tile %u of CB %u is not at the front of the CB (%u page(s) waited for); "
                 "cb_wait_front for it first", call, t, id, avail));
    if (cb.global && t >= avail)    // legal on silicon: the data of a CB on an L1 buffer is already there
        race_warning(fmt("%s reads tile %u of CB %u without cb_wait_front for it (%u page(s) waited for); the CB sits "
                         "on an L1 buffer, so silicon reads what is there (a race if anything writes it)", call, t, id, avail));
    if (chip.timing_only) return nullptr;
    uint32_t off = cb.rd + t * cb.page_size;
    if (off + cb.page_size > cb.base + cb.size) off -= cb.size;
    return core().l1 + off;
}

// unpack tile `t` at the front of CB `id` into `out`
void read_tile(int unit, uint32_t id, uint32_t t, uint32_t* out, bool fpu, const char* call) {
    const uint8_t* src = front_tile(unit, id, t, call);
    if (src) unpack(core().cb[id].format, src, out, fpu, comp().fp32, call);
}

// the same, as a row-major 32x32 float tile (matmul); bf16 goes straight there
void read_tile_rm(int unit, uint32_t id, uint32_t t, float* rm, const char* call) {
    const uint8_t* src = front_tile(unit, id, t, call);
    if (!src) return;
    // a face row (16 values) is contiguous in both layouts: copy run by run
    if (core().cb[id].format == tx_protocol::Format::Float16_b) {
        const uint16_t* h = reinterpret_cast<const uint16_t*>(src);
        uint32_t* o = reinterpret_cast<uint32_t*>(rm);
        for (int fr = 0; fr < 64; fr++) {
            const uint16_t* in = h + fr * 16;
            uint32_t* out = o + face_row_start(fr);
            for (int j = 0; j < 16; j++) out[j] = uint32_t(in[j]) << 16;
        }
        return;
    }
    uint32_t raw[TILE];
    unpack(core().cb[id].format, src, raw, true, comp().fp32, call);
    for (int fr = 0; fr < 64; fr++) std::memcpy(rm + face_row_start(fr), raw + fr * 16, 64);
}

// zero the DST tiles written since the last release (the rest are zero already); a timing-only run
// computes no tile data, so its DST contents are never read and stay as they are
void clear_dst(Compute& c) {
    for (uint32_t t = 0; t < 16 && !chip.timing_only; t++)
        if (c.dirty & (1u << t)) std::memset(c.dst.data() + size_t(t) * TILE, 0, TILE * 4);
    c.dirty = 0;
}

uint32_t* dst_tile(uint32_t idst, const char* call) {
    Compute& c = comp();
    if (!c.math_held)
        fail(fmt("%s: DST is not held by the math thread; call tile_regs_acquire() before math on DST%s", call,
                 c.committed ? " (it was already committed with tile_regs_commit())" : ""));
    uint32_t cap = tx_dst_capacity();
    if (idst >= cap)
        fail(fmt("%s: DST index %u is beyond the DST capacity of %u tiles (%s sync, %s); use indices 0..%u",
                 call, idst, cap, c.full_sync ? "full" : "half", c.fp32 ? "fp32_dest_acc_en" : "16-bit DST", cap - 1));
    c.dirty |= 1u << idst;
    return c.dst.data() + size_t(idst) * TILE;
}

void finish_dst(uint32_t* d) {
    if (!comp().fp32 && !chip.timing_only) for (int i = 0; i < TILE; i++) d[i] = round_bf16(d[i]);
}

uint32_t tile_bytes(uint32_t cb) { return core().cb[cb].tile_size ? core().cb[cb].tile_size : 2048; }

// Unpack thread (this coroutine): waits for a free SrcA/SrcB bank, then moves the bytes out of L1;
// each unpacker reads up to 64 B/cycle, both together 80 B/cycle, plus 2 cycles of setup (HW §6).
void unpack_stage(double bytes_a, double bytes_b) {
    Risc& r = me();
    Compute& c = comp();
    uint64_t free = c.src_free[c.src_bank & 1];
    if (r.clock < free) {
        trace_event(r, "unpacker waits for math", r.clock, free);
        r.clock = free;
    }
    uint64_t cycles = uint64_t(std::max({bytes_a / 64, bytes_b / 64, (bytes_a + bytes_b) / 80}) + 2.5);
    trace_event(r, r.call, r.clock, r.clock + cycles);
    r.clock += cycles;
    c.unpacked = r.clock;
}

// Math thread: starts when its operands are unpacked and the previous math op is done.
void math_stage(uint64_t cycles, uint64_t flops, bool uses_src) {
    Risc& r = me();
    Compute& c = comp();
    uint64_t start = std::max(c.math, uses_src ? c.unpacked : 0);
    c.math = start + cycles;
    if (uses_src) c.src_free[c.src_bank++ & 1] = c.math;
    if (chip.trace && chip.events.size() < TRACE_LIMIT)
        chip.events.push_back({uint16_t(r.core->index), 3, r.call, start, c.math, 0});
    chip.math_cycles[size_t(r.core->index)] += cycles;
    chip.flops += flops;
}

// Pack thread: 4 packers write up to 16 B/cycle each, 2 cycles of setup; with packer L1 accumulation
// each 128-bit write is an atomic accumulate, one per 5 cycles per packer (HW §6, Packers).
void pack_stage(double bytes) {
    Risc& r = me();
    Compute& c = comp();
    uint64_t start = std::max(c.pack, c.commit_at);
    c.pack = start + uint64_t(bytes / (c.l1_acc ? 64.0 / 5 : 64) + 2.5);
    if (chip.trace && chip.events.size() < TRACE_LIMIT)
        chip.events.push_back({uint16_t(r.core->index), 4, r.call, start, c.pack, 0});
}

// tilize/untilize: the packer follows the math op directly (no DST sync calls around it)
void c_pack_after_math(double bytes) {
    comp().commit_at = comp().math;
    pack_stage(bytes);
}

uint64_t fidelity_phases() { return std::max<uint32_t>(comp().fidelity, 1); }

// split a significand for the multiplier: hi keeps `keep` explicit bits
inline float hi_part(float v, int keep) { return as_float(trunc_bits(as_bits(v), keep)); }

// c (+)= a @ b, 32x32 row-major; `assign` starts from the first product instead of c. Eight rows of
// c stay in vector registers while k runs; every element sums its products in k order.
typedef float v16f __attribute__((vector_size(64)));
void matmul_rm(const float* __restrict a, const float* __restrict b, float* __restrict c, bool assign = false) {
    constexpr int R = 8;
    for (int i = 0; i < 32; i += R) {
        v16f acc[R][2];
        int k0 = 0;
        if (assign) {
            v16f b0, b1;
            std::memcpy(&b0, b, 64);
            std::memcpy(&b1, b + 16, 64);
            for (int r = 0; r < R; r++) { float av = a[(i + r) * 32]; acc[r][0] = av * b0; acc[r][1] = av * b1; }
            k0 = 1;
        } else {
            for (int r = 0; r < R; r++) {
                std::memcpy(&acc[r][0], c + (i + r) * 32, 64);
                std::memcpy(&acc[r][1], c + (i + r) * 32 + 16, 64);
            }
        }
        for (int k = k0; k < 32; k++) {
            v16f b0, b1;
            std::memcpy(&b0, b + k * 32, 64);
            std::memcpy(&b1, b + k * 32 + 16, 64);
            for (int r = 0; r < R; r++) { float av = a[(i + r) * 32 + k]; acc[r][0] += av * b0; acc[r][1] += av * b1; }
        }
        for (int r = 0; r < R; r++) {
            std::memcpy(c + (i + r) * 32, &acc[r][0], 64);
            std::memcpy(c + (i + r) * 32 + 16, &acc[r][1], 64);
        }
    }
}

}  // namespace cmp

uint64_t compute_pack_clock(Risc& r) { return r.core->compute.pack; }

void compute_pack_waited(Risc& r, uint64_t until) {
    Compute& c = r.core->compute;
    c.pack = std::max(c.pack, until);
}

void compute_finish(Risc& r) {
    Compute& c = r.core->compute;
    r.clock = std::max({r.clock, c.math, c.pack});
}

void compute_reset(Core& c) {
    Compute& k = c.compute;
    race_warnings_reset(c.index);
    k.dst.assign(16 * TILE, 0);
    k.dirty = 0;
    k.l1_acc = k.relu = 0;
    k.acquired = k.math_held = k.committed = k.pack_held = false;
    k.fmt[0] = k.fmt[1] = k.fmt[2] = 255;
    k.unpacked = k.math = k.pack = k.commit_at = 0;
    k.src_free[0] = k.src_free[1] = k.half_free[0] = k.half_free[1] = 0;
    k.src_bank = k.half = 0;
}

}  // namespace sim

using namespace sim;
using namespace sim::cmp;

extern "C" {

// the kernel's compile-time compute config (its TX_* defines), handed over once at kernel start; the
// approximate SFPU variants are chosen at compile time, so `approx` needs nothing here
void tx_compute_config(uint32_t fidelity, uint32_t fp32, uint32_t full_sync, uint32_t /*approx*/) {
    Compute& c = comp();
    c.fidelity = fidelity;
    c.fp32 = fp32;
    c.full_sync = full_sync;
}

uint32_t tx_fp32_dest_acc_en(void) { return comp().fp32; }
void tx_pack_l1_acc(uint32_t enable) { comp().l1_acc = enable != 0; }
void tx_pack_relu(uint32_t mode, uint32_t threshold) {
    if (mode > 1)
        fail(fmt("llk_pack_relu_config: the packer's threshold ReLU modes (mode %u, threshold 0x%x) are not provided by tensix "
                 "yet (their semantics are not documented); ZERO_RELU and NO_RELU are", mode, threshold));
    comp().relu = mode;
}
uint32_t tx_dst_capacity(void) { const Compute& c = comp(); return (c.full_sync ? 16u : 8u) / (c.fp32 ? 2u : 1u); }

void tx_configure(int unit, uint32_t id, const char* call) {
    CB& cb = compute_cb(id, call);
    comp().fmt[unit] = cb.format;
}

void tx_dst_acquire(void) {
    Compute& c = comp();
    me().call = "tile_regs_acquire";
    if (c.acquired) fail("tile_regs_acquire: DST is already acquired; call tile_regs_commit/wait/release first");
    c.acquired = c.math_held = true;
    c.math = std::max(c.math, c.half_free[c.half]);     // math waits for the packer to release this half
}

void tx_dst_commit(void) {
    Compute& c = comp();
    me().call = "tile_regs_commit";
    if (!c.math_held) fail("tile_regs_commit: DST was not acquired by the math thread; call tile_regs_acquire() first");
    c.math_held = false;
    c.committed = true;
    c.commit_at = c.math;
}

void tx_dst_wait(void) {
    Compute& c = comp();
    me().call = "tile_regs_wait";
    if (!c.committed) fail("tile_regs_wait: nothing was committed; call tile_regs_commit() after the math");
    c.pack_held = true;
    c.pack = std::max(c.pack, c.commit_at);
}

void tx_dst_release(void) {
    Compute& c = comp();
    me().call = "tile_regs_release";
    if (!c.pack_held) fail("tile_regs_release: the packer does not hold DST; call tile_regs_wait() before packing and releasing");
    clear_dst(c);     // the released half is zeroed (API §4.2)
    c.acquired = c.math_held = c.committed = c.pack_held = false;
    c.half_free[c.half] = c.pack;
    if (!c.full_sync) c.half ^= 1;       // SyncHalf: math and pack alternate between the halves
}

void tx_dst_acquire_legacy(void) {
    tx_dst_acquire();
    comp().pack_held = true;
    comp().commit_at = comp().math;
}

void tx_dst_release_legacy(void) {
    Compute& c = comp();
    if (!c.acquired) return;     // examples call release_dst() after tile_regs_release(): harmless
    clear_dst(c);
    c.acquired = c.math_held = c.committed = c.pack_held = false;
    c.commit_at = c.math;
    c.pack = std::max(c.pack, c.math);
    c.half_free[c.half] = c.pack;
    if (!c.full_sync) c.half ^= 1;
}

void tx_copy_tile(uint32_t cb, uint32_t t, uint32_t idst, uint32_t transpose, const char* call) {
    me().call = call;
    uint32_t* d = dst_tile(idst, call);
    uint32_t tile[TILE];
    read_tile(TX_UNPACK_A, cb, t, tile, false, call);
    unpack_stage(tile_bytes(cb), 0);
    math_stage(8, 0);        // datacopy: 128 values per cycle like ELWADD (HW §6)
    if (chip.timing_only) return;
    if (transpose) for (int i = 0; i < TILE; i++) { int rc = row_col[i]; d[face_index[rc % 32][rc / 32]] = tile[i]; }
    else std::memcpy(d, tile, sizeof tile);
    if (!is_int(core().cb[cb].format)) finish_dst(d);
}

void tx_binary(int op, int bcast, uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t idst,
               uint32_t acc, uint32_t bcast_row, const char* call) {
    me().call = call;
    uint32_t* d = dst_tile(idst, call);
    uint32_t a[TILE], b[TILE];
    read_tile(TX_UNPACK_A, cb0, t0, a, true, call);
    read_tile(TX_UNPACK_B, cb1, t1, b, true, call);
    uint32_t fid = comp().fidelity;
    const bool fp32 = comp().fp32;
    if (bcast == TX_BCAST_NONE && op != TX_MUL && !chip.timing_only) {   // the common case, vectorised
        const float* x = reinterpret_cast<const float*>(a);
        const float* y = reinterpret_cast<const float*>(b);
        for (int i = 0; i < TILE; i++) {
            float v = op == TX_ADD ? x[i] + y[i] : x[i] - y[i];
            if (acc) v += as_float(d[i]);
            uint32_t u = as_bits(v);
            d[i] = fp32 ? u : round_bf16(u);
        }
        unpack_stage(tile_bytes(cb0), tile_bytes(cb1));
        math_stage(8, TILE);
        return;
    }
    for (int i = 0; i < TILE && !chip.timing_only; i++) {
        int rc = row_col[i], r = rc / 32, c = rc % 32;
        int j = bcast == TX_BCAST_COL ? face_index[r][0] : bcast == TX_BCAST_ROW ? face_index[bcast_row][c]
              : bcast == TX_BCAST_SCALAR ? 0 : i;
        float x = as_float(a[i]), y = as_float(b[j]), v;
        if (op == TX_ADD) v = x + y;
        else if (op == TX_SUB) v = x - y;
        else {
            float xh = hi_part(x, 4), yh = hi_part(y, 6);
            v = fid <= 1 ? xh * yh : fid == 2 ? x * yh : fid == 3 ? x * yh + xh * (y - yh) : x * y;
        }
        // ELWMUL always accumulates into DST; add/sub do with acc_to_dest (API §4.6)
        if (op == TX_MUL || acc) v += as_float(d[i]);
        d[i] = as_bits(v);
    }
    finish_dst(d);
    unpack_stage(tile_bytes(cb0), tile_bytes(cb1));
    // ELWADD/ELWSUB: 128 values per cycle; ELWMUL: 256 per cycle and fidelity phase (HW §6)
    math_stage(op == TX_MUL ? 4 * fidelity_phases() : 8, TILE);
}

void tx_binary_dest_reuse(int op, int reuse, uint32_t cb, uint32_t t, uint32_t idst) {
    const char* call = "binary_dest_reuse_tiles";
    me().call = call;
    uint32_t* d = dst_tile(idst, call);
    uint32_t in[TILE];
    read_tile(reuse == 1 ? TX_UNPACK_B : TX_UNPACK_A, cb, t, in, true, call);
    for (int i = 0; i < TILE; i++) {
        // DEST_TO_SRCA: DST = DST op B; DEST_TO_SRCB: DST = A op DST
        float x = reuse == 1 ? as_float(d[i]) : as_float(in[i]);
        float y = reuse == 1 ? as_float(in[i]) : as_float(d[i]);
        float v = op == TX_ADD ? x + y : op == TX_SUB ? x - y : x * y;
        d[i] = as_bits(v);
    }
    finish_dst(d);
    unpack_stage(tile_bytes(cb), 0);
    math_stage(op == TX_MUL ? 4 * fidelity_phases() : 8, TILE);
}

void tx_matmul(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t idst, uint32_t transpose,
               uint32_t ct, uint32_t rt, uint32_t kt, const char* call) {
    me().call = call;
    uint32_t fid = comp().fidelity;
    float a[TILE], b[TILE], ahi[TILE], blo_a[TILE], c[TILE];
    const bool fp32 = comp().fp32;
    for (uint32_t r = 0; r < rt; r++) {
        read_tile_rm(TX_UNPACK_B, cb0, t0 + r * kt, a, call);         // in0 -> SrcB (7-bit multiplier input)
        if (fid < 4 && !chip.timing_only) for (int i = 0; i < TILE; i++) ahi[i] = hi_part(a[i], 6);
        for (uint32_t cc = 0; cc < ct; cc++) {
            uint32_t* d = dst_tile(idst + r * ct + cc, call);
            read_tile_rm(TX_UNPACK_A, cb1, t1 + cc, b, call);         // in1 -> SrcA (5-bit)
            if (chip.timing_only) continue;
            if (transpose)
                for (int i = 0; i < 32; i++)
                    for (int j = i + 1; j < 32; j++) std::swap(b[i * 32 + j], b[j * 32 + i]);
            if (fid >= 4) matmul_rm(a, b, c, true);
            else if (fid >= 2) {
                std::fill(c, c + TILE, 0.f);
                matmul_rm(ahi, b, c);                                  // hi(B) x A: phases 1 and 2
                if (fid == 3) {
                    for (int i = 0; i < TILE; i++) { float bh = hi_part(b[i], 4); blo_a[i] = bh; }
                    float alo[TILE];
                    for (int i = 0; i < TILE; i++) alo[i] = a[i] - ahi[i];
                    matmul_rm(alo, blo_a, c);                          // lo(SrcB) x hi(SrcA)
                }
            } else {
                for (int i = 0; i < TILE; i++) blo_a[i] = hi_part(b[i], 4);
                matmul_rm(ahi, blo_a, c, true);                        // hi x hi
            }
            for (int fr = 0; fr < 64; fr++) {      // accumulate into DST at its precision
                uint32_t* dd = d + fr * 16;
                const float* cc_ = c + face_row_start(fr);
                for (int j = 0; j < 16; j++) {
                    uint32_t v = as_bits(as_float(dd[j]) + cc_[j]);
                    dd[j] = fp32 ? v : round_bf16(v);
                }
            }
        }
    }
    // in1 tiles on unpacker A, in0 tiles on unpacker B; 16 MVMULs per tile product and phase (HW §11e)
    unpack_stage(double(ct) * tile_bytes(cb1), double(rt) * tile_bytes(cb0));
    math_stage(uint64_t(rt) * ct * 16 * fidelity_phases(), uint64_t(rt) * ct * 2 * 32 * 32 * 32);
}

void tx_transpose_wh(uint32_t cb, uint32_t t, uint32_t idst) {
    tx_copy_tile(cb, t, idst, 1, "transpose_wh_tile");
}

void tx_reduce(int pool, int dim, uint32_t cb, uint32_t cbs, uint32_t t, uint32_t ts, uint32_t idst, uint32_t) {
    const char* call = "reduce_tile";
    me().call = call;
    // A DST tile not written since its release holds "undefined" rows (ZEROACC): the max pool
    // (GMPOOL) reads them as -inf, every other op as 0 (API-current §7). MIN runs as -max(-x), so
    // its accumulator starts at +inf. A tile the kernel wrote (a copy_tile reload) takes part as is.
    bool fresh = idst < 32 && !(comp().dirty & (1u << idst));
    uint32_t* d = dst_tile(idst, call);
    uint32_t a[TILE], s[TILE];
    read_tile(TX_UNPACK_A, cb, t, a, true, call);
    read_tile(TX_UNPACK_B, cbs, ts, s, true, call);
    float scale = as_float(s[0]);
    bool mx = pool == TX_POOL_MAX, mn = pool == TX_POOL_MIN;
    auto at = [&](int r, int c) { return as_float(a[face_index[r][c]]); };
    auto combine = [&](int r, int c, float v) {       // accumulate into DST (API §4.6)
        uint32_t& w = d[face_index[r][c]];
        float old = fresh && mx ? -INFINITY : fresh && mn ? INFINITY : as_float(w);
        w = as_bits(mx ? std::max(old, v) : mn ? std::min(old, v) : old + v);
    };
    // The scaler sits in row 0 of each face: position p scales input column p (ROW, SCALAR) or row p
    // (COL) of that face. A partial scaler (zeros past the valid positions) masks those inputs; a zero
    // scaler makes a MAX candidate -inf (GMPOOL uses the scaler's exponent). (inferred model)
    bool uniform = true;
    for (int f = 0; f < 4 && uniform; f++)
        for (int p = 0; p < 16; p++) uniform = uniform && s[f * 256 + p] == s[0];
    auto sc = [&](int r, int c) { return as_float(s[((r >= 16) * 2 + (c >= 16)) * 256 + (dim == TX_REDUCE_COL ? r % 16 : c % 16)]); };
    auto reduce = [&](int r0, int r1, int c0, int c1) {
        float acc = mx ? -INFINITY : mn ? INFINITY : 0.f;
        for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++) {
                float k = uniform ? scale : sc(r, c);
                if ((mx || mn) && !uniform && k == 0.f) continue;
                float v = at(r, c) * (mx || mn || !uniform ? k : 1.f);
                acc = mx ? std::max(acc, v) : mn ? std::min(acc, v) : acc + v;
            }
        return mx || mn || !uniform ? acc : acc * scale;
    };
    if (dim == TX_REDUCE_ROW) for (int r = 0; r < 32; r++) combine(r, 0, reduce(r, r + 1, 0, 32));
    else if (dim == TX_REDUCE_COL) for (int c = 0; c < 32; c++) combine(0, c, reduce(0, 32, c, c + 1));
    else {
        // REDUCE_SCALAR pools twice, the tile into one row and then that row, each pass against the
        // scaler, so the scaler applies twice (the LLK's second pool, API-current §7; hence AVG's
        // scaler of 1/sqrt(N) in §12.5)
        float v = reduce(0, 32, 0, 32);
        if ((mx || mn) && scale == 0.f) v = mx ? -INFINITY : INFINITY;   // GMPOOL: a zero scaler's exponent
        else v *= scale;
        combine(0, 0, v);
    }
    finish_dst(d);
    unpack_stage(tile_bytes(cb), tile_bytes(cbs));
    // 16x16 values reduced per cycle; sum/avg per fidelity phase (HW §6)
    math_stage(4 * (mx || mn ? 1 : fidelity_phases()), TILE);
}

void tx_unary_bcast(int bcast, uint32_t cb, uint32_t t, uint32_t idst) {
    const char* call = "unary_bcast";
    me().call = call;
    uint32_t* d = dst_tile(idst, call);
    uint32_t a[TILE];
    read_tile(TX_UNPACK_A, cb, t, a, true, call);
    for (int i = 0; i < TILE; i++) {
        int rc = row_col[i], r = rc / 32, c = rc % 32;
        d[i] = a[bcast == TX_BCAST_COL ? face_index[r][0] : bcast == TX_BCAST_ROW ? face_index[0][c]
                 : bcast == TX_BCAST_SCALAR ? 0 : i];
    }
    finish_dst(d);
    unpack_stage(tile_bytes(cb), 0);
    math_stage(8, 0);
}

uint32_t* tx_dst_tile(uint32_t idst, const char* call) { me().call = call; return dst_tile(idst, call); }

void tx_sfpu_done(uint32_t idst, uint32_t cycles, uint32_t is_integer) {
    comp().dirty |= 1u << (idst & 15);      // SFPI code may reach tiles through offsets from another tile
    if (!is_integer) finish_dst(comp().dst.data() + size_t(idst) * TILE);
    math_stage(cycles, 0, false);     // the SFPU works on DST: no source registers
}

uint32_t tx_cb_tile_address(uint32_t id, uint32_t tile) {
    CB& cb = compute_cb(id, "get_tile_address");
    return core().l1_kaddr + cb.rd + tile * cb.page_size;
}

uint32_t tx_read_tile_value(uint32_t id, uint32_t tile, uint32_t element) {
    CB& cb = compute_cb(id, "read_tile_value");
    uint32_t v;
    std::memcpy(&v, core().l1 + cb.rd + tile * cb.page_size + element * 4, 4);
    return v;
}

}  // extern "C"
