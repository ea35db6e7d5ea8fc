"""FPU operations against numpy references of the hardware rules.

Every op runs in a real compute kernel on the simulated chip. To keep the tests fast there are no reader
or writer kernels: the inputs sit in globally allocated CBs placed on per-core L1 buffers (as in
examples/vecadd_sharding.py), the kernel reads tiles from them directly and packs into output CBs that
are L1 buffers too; the host then reads the output bytes back. Output buffers are pre-filled with 0xFF
bytes (a bf16 NaN), so a position the kernel does not write can never pass as a 0.

The rules (API doc §4.4-§4.6, §4.8, §5; numerics in tensix/sim/runtime/compute.cpp):
  * reduce_tile: reduce(A) over the axis, scaled by element [0][0] of the scaler tile, accumulated
    into DST (which is 0 after tile_regs_acquire; MAX reads an unwritten DST as -inf, API-current §7);
    REDUCE_ROW -> column 0, REDUCE_COL -> row 0,
    REDUCE_SCALAR -> [0][0], scaled twice (it pools twice); the rest of the tile is whatever DST held (0).
  * transpose_wh_tile: out[w][h] = in[h][w].
  * tilize / untilize / pack_untilize: the layouts of tensix.formats.tilize/untilize.
  * broadcasts: COL C[h,w] = A[h,w] op B[h,0]; ROW A op B[row,w]; SCALAR A op B[0,0]; fp32 op, then
    bf16 round-to-nearest-even in DST; ELWMUL accumulates into DST (DST += A*B).
  * block floats: the device packer/unpacker agree with tensix.formats byte for byte.
  * DST is fp32 with fp32_dest_acc_en, else every result is rounded to bf16.
  * math fidelity: LoFi..HiFi4 phases of the 5x7-bit multiplier (compute.cpp header); HiFi4 = exact.

Kernels are generated from a list of cases so that one compile covers many ops (a compile is ~0.3 s).
"""
from __future__ import annotations

import numpy as np
import pytest

from tensix import CircularBuffer, DataFormat, Kernel, Program
from tensix.formats import pack, quantize, round_to_bf16, tilize, unpack, untilize

F = DataFormat
CORE = (0, 0)
BF16_TILE = 2048
HEAD = """#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/reduce.h"
#include "api/compute/bcast.h"
#include "api/compute/transpose_wh.h"
#include "api/compute/tilize.h"
#include "api/compute/untilize.h"
#include "api/compute/pack_untilize.h"
void kernel_main() {
"""

# the FEED kernels read CBs pre-filled on L1 buffers without waiting for them, on purpose
pytestmark = pytest.mark.filterwarnings("ignore::tensix.errors.RaceWarning")



FEED = """void kernel_main() {    // pushes the pages that already sit in globally allocated input CBs
    for (uint32_t i = 0; i < get_arg_val<uint32_t>(0); i++) {
        uint32_t cb = get_arg_val<uint32_t>(1 + 2 * i), n = get_arg_val<uint32_t>(2 + 2 * i);
        cb_reserve_back(cb, n);
        cb_push_back(cb, n);
    }
}
"""


def _run(dev, body: str, ins: dict, outs: dict, name: str, feed: dict | None = None, **cfg) -> dict:
    """Run a compute kernel (HEAD + body) on core (0, 0).
    ins:  {cb: (format, page_bytes, data)} -- data (any array / bytes) fills the CB's pages;
    outs: {cb: (format, page_bytes, pages)}; returns {cb: the output bytes (uint8)}.
    feed: {cb: pages} pushed by a data-movement kernel, for compute code that cb_wait_front's them."""
    bufs, cbs, obufs = [], [], {}
    try:
        for cb, (fmt, page, data) in ins.items():
            raw = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
            assert raw.size % page == 0, (cb, raw.size, page)
            buf = dev.l1_buffer(raw.size, cores=CORE)
            bufs.append(buf)
            buf.write(raw)
            cbs.append(CircularBuffer(cb, fmt, page, raw.size // page, buffer=buf))
        for cb, (fmt, page, n) in outs.items():
            buf = dev.l1_buffer(page * n, cores=CORE)
            bufs.append(buf)
            buf.write(np.full(page * n, 0xFF, np.uint8))
            cbs.append(CircularBuffer(cb, fmt, page, n, buffer=buf))
            obufs[cb] = buf
        kernels = [Kernel(HEAD + body + "}\n", on="compute", name=name, **cfg)]
        if feed:
            args = [len(feed)] + [v for cb_n in feed.items() for v in cb_n]
            kernels.append(Kernel(FEED, on="riscv_1", runtime_args=args))
        dev.queue.enqueue(Program(CORE, kernels, cbs))
        dev.queue.finish()
        return {cb: buf.read(np.uint8) for cb, buf in obufs.items()}
    finally:
        for buf in bufs:
            buf.free()


def one_tile(out_cb: int, math: str) -> str:
    """acquire DST, run `math` (which leaves its result in DST 0), pack DST 0 to `out_cb`, release."""
    return (f"    tile_regs_acquire();\n    {math}\n    tile_regs_commit();\n    tile_regs_wait();\n"
            f"    pack_tile(0, {out_cb});\n    tile_regs_release();\n")


def bf16_tiles(*tiles_rm) -> np.ndarray:
    """row-major 32x32 tiles -> bf16 CB bytes (tile order, RNE)."""
    return np.concatenate([pack(tilize(np.asarray(t, np.float32)), F.Float16_b) for t in tiles_rm])


def bf16_out(raw: np.ndarray) -> np.ndarray:
    """bf16 CB bytes -> (n, 32, 32) row-major float32 tiles."""
    flat = unpack(raw, F.Float16_b)
    return np.stack([untilize(t, (32, 32)) for t in flat.reshape(-1, 1024)])


def bits(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


def assert_bits(got, ref, what=""):
    got, ref = np.asarray(got, np.float32), np.asarray(ref, np.float32)
    assert got.shape == ref.shape, (what, got.shape, ref.shape)
    bad = bits(got) != bits(ref)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise AssertionError(f"{what}: {int(bad.sum())} of {bad.size} values differ; first at {idx}: "
                             f"got {got[idx]!r} (0x{int(bits(got)[idx]):08x}), "
                             f"expected {ref[idx]!r} (0x{int(bits(ref)[idx]):08x})")


def bf16_random(rng, shape, scale=1.0) -> np.ndarray:
    return round_to_bf16((rng.standard_normal(shape) * scale).astype(np.float32))


def trunc_mant(x, keep: int) -> np.ndarray:
    """keep `keep` explicit mantissa bits (toward zero), like compute.cpp's trunc_bits."""
    u = bits(x)
    return (u & np.uint32(~((1 << (23 - keep)) - 1) & 0xFFFFFFFF)).view(np.float32)


# ---- reduce_tile -------------------------------------------------------------------------------------
# CB 0: data tiles (0: exact data, 1: random normals, 2: all negative); CB 1: partial tiles that are
# copy_tile'd into DST first (0: k/8 values, 1: -1000); CB 2: scaler tiles; CB 16: one output per case.
SCALERS = [0.5, 1 / 32, 1 / 1024, 1.0]           # scaler tile index -> value
DIMS = ("REDUCE_ROW", "REDUCE_COL", "REDUCE_SCALAR")
REDUCE_CASES = (
    # (pool, dim, data tile, scaler tile, partial tile copied into DST first or None)
    [("SUM", d, 0, 0, None) for d in DIMS]
    + [("MAX", d, 0, 0, None) for d in DIMS]
    # AVG's scaler: 1/N over a row or column; 1/sqrt(N) for the whole tile, which the LLK applies twice
    + [("AVG", "REDUCE_ROW", 0, 1, None), ("AVG", "REDUCE_COL", 0, 1, None), ("AVG", "REDUCE_SCALAR", 0, 1, None)]
    + [("SUM", d, 1, 3, None) for d in DIMS]        # random data: fp32 accumulation, checked with a tolerance
    + [("MAX", d, 2, 3, None) for d in DIMS]        # all-negative data: the true maximum (DST reads as -inf)
    + [("SUM", "REDUCE_ROW", 0, 0, 0), ("SUM", "REDUCE_COL", 0, 0, 0), ("MAX", "REDUCE_ROW", 2, 3, 1)]
)


def scaler_tile(s: float) -> np.ndarray:
    t = np.zeros((32, 32), np.float32)
    t[0, :] = s       # first row of faces 0 and 1
    t[16, :] = s      # first row of faces 2 and 3
    return t


def reduce_ref(x, pool, dim, s, init=None) -> np.ndarray:
    """float64 reference: reduce x over the axis, times s, combined with DST's `init` (0 after acquire)."""
    out = np.zeros((32, 32)) if init is None else np.asarray(init, np.float64).copy()
    x = np.asarray(x, np.float64)
    f = np.max if pool == "MAX" else np.sum
    if dim == "REDUCE_ROW":
        pos, v = (slice(None), 0), f(x, axis=1) * s
    elif dim == "REDUCE_COL":
        pos, v = (0, slice(None)), f(x, axis=0) * s
    else:       # two pools (the tile into a row, then the row), each against the scaler (API-current §7, §12.5)
        pos, v = (0, 0), f(x) * s * s
    if pool == "MAX" and init is None:     # an unwritten DST reads as -inf for the max pool (API-current §7)
        out[pos] = v
    else:
        out[pos] = np.maximum(out[pos], v) if pool == "MAX" else out[pos] + v
    return out


@pytest.fixture(scope="module")
def reduced(dev):
    rng = np.random.default_rng(1)
    # exact data: multiples of 1/8 (bf16-exact); every sum is exact in fp32 whatever the order, so the
    # only rounding is the final bf16 RNE in DST. The diagonal is positive: each row and column has a
    # positive maximum, so MAX does not depend on DST's initial 0.
    exact = rng.integers(-100, 101, (32, 32)).astype(np.float32) / 8
    exact[np.arange(32), np.arange(32)] = rng.integers(1, 101, 32) / 8
    rand = bf16_random(rng, (32, 32))
    neg = round_to_bf16(-np.abs(bf16_random(rng, (32, 32))) - 0.5)
    partial = rng.integers(-64, 65, (32, 32)).astype(np.float32) / 8
    very_neg = np.full((32, 32), -1000.0, np.float32)
    body = "    compute_kernel_hw_startup(0, 2, 16);\n"
    body += f"    cb_reserve_back(16, {len(REDUCE_CASES)});\n"
    for pool, dim, t, s, p in REDUCE_CASES:
        math = ""
        if p is not None:
            math += f"copy_tile_to_dst_init_short(1); copy_tile(1, {p}, 0);\n    "
        math += (f"reduce_init<{pool}, {dim}>(0, 2, 16);\n    reduce_tile<{pool}, {dim}>(0, 2, {t}, {s}, 0);\n"
                 f"    reduce_uninit();")
        body += one_tile(16, math)
    body += f"    cb_push_back(16, {len(REDUCE_CASES)});\n"
    ins = {0: (F.Float16_b, BF16_TILE, bf16_tiles(exact, rand, neg)),
           1: (F.Float16_b, BF16_TILE, bf16_tiles(partial, very_neg)),
           2: (F.Float16_b, BF16_TILE, bf16_tiles(*[scaler_tile(s) for s in SCALERS]))}
    out = _run(dev, body, ins, {16: (F.Float16_b, BF16_TILE, len(REDUCE_CASES))}, "fpu_reduce.cpp")
    return {"data": [exact, rand, neg], "partial": [partial, very_neg], "out": bf16_out(out[16])}


@pytest.mark.parametrize("case", range(len(REDUCE_CASES)),
                         ids=[f"{c[0]}-{c[1]}-t{c[2]}" + ("-acc" if c[4] is not None else "") for c in REDUCE_CASES])
def test_reduce_tile(reduced, case):
    pool, dim, t, s, p = REDUCE_CASES[case]
    x = reduced["data"][t]
    init = None if p is None else reduced["partial"][p]
    ref = reduce_ref(x, pool, dim, SCALERS[s], init)
    got = reduced["out"][case]
    if t == 1:     # random data: fp32 accumulation in the chip's order, then one bf16 rounding
        ref_bf = round_to_bf16(ref.astype(np.float32))
        tol = 2.0 ** -8 * np.abs(ref) + 1e-3
        assert np.all(np.abs(got - ref) <= tol), f"{pool} {dim}: max error {np.abs(got - ref).max()}"
        assert np.mean(bits(got) == bits(ref_bf)) > 0.9     # nearly always the correctly rounded sum
        mask = np.ones((32, 32), bool)
        mask[(slice(None), 0) if dim == "REDUCE_ROW" else (0, slice(None)) if dim == "REDUCE_COL" else (0, 0)] = False
        assert (got[mask] == 0).all() and not (bits(got[mask]) >> 31).any()
    else:          # exact data: the reference sum is exact; DST rounds it to bf16 (RNE)
        assert_bits(got, round_to_bf16(ref.astype(np.float32)), f"{pool} {dim}")


def test_reduce_max_of_negative_rows_is_the_true_max(reduced):
    """MAX reduce accumulates into DST with GMPOOL, which reads a released (ZEROACC'd) DST row as minus
    infinity (API-current §7): all-negative rows and columns reduce to their true maximum, not to
    DST's 0. A DST tile the kernel wrote first (the "-acc" case: a copy_tile of -1000) takes part as is."""
    neg = reduced["data"][2]
    assert neg.max() < 0
    for case, (pool, dim, t, s, p) in enumerate(REDUCE_CASES):
        if pool == "MAX" and t == 2:
            got = reduced["out"][case]
            if p is None:
                ref = {"REDUCE_ROW": neg.max(axis=1), "REDUCE_COL": neg.max(axis=0), "REDUCE_SCALAR": neg.max()}[dim]
                where = {"REDUCE_ROW": (slice(None), 0), "REDUCE_COL": (0, slice(None)), "REDUCE_SCALAR": (0, 0)}[dim]
                assert_bits(np.atleast_1d(got[where]), np.atleast_1d(ref), f"MAX {dim} of negative data")
                assert (got[where] < 0).all()
            else:       # DST started at -1000: the true row maxima land in column 0
                assert_bits(got[:, 0], neg.max(axis=1), "MAX row of negative data over -1000")
                assert (got[:, 1:] == -1000).all()


# ---- transpose_wh_tile --------------------------------------------------------------------------------
def test_transpose_wh_tile_bit_exact(dev):
    rng = np.random.default_rng(2)
    tiles = [bf16_random(rng, (32, 32)), round_to_bf16(np.arange(1024, dtype=np.float32).reshape(32, 32))]
    body = "    transpose_wh_init(0, 16);\n    cb_reserve_back(16, 2);\n"
    body += one_tile(16, "transpose_wh_tile(0, 0, 0);") + one_tile(16, "transpose_wh_tile(0, 1, 0);")
    body += "    cb_push_back(16, 2);\n"
    out = _run(dev, body, {0: (F.Float16_b, BF16_TILE, bf16_tiles(*tiles))},
               {16: (F.Float16_b, BF16_TILE, 2)}, "fpu_transpose.cpp")
    got = bf16_out(out[16])
    for i, t in enumerate(tiles):
        assert_bits(got[i], t.T, f"transpose tile {i}")     # out[w][h] = in[h][w]


# ---- tilize / untilize / pack_untilize -----------------------------------------------------------------
def test_tilize_untilize_pack_untilize_bit_exact(dev):
    """tilize_block: 32 x (4*32) row-major bf16 in CB 0 (4 pages) -> 4 tiles in CB 16;
    untilize_block: 4 tiles in CB 1 -> 32 x 128 rows in CB 17;
    pack_untilize_block<4, 4>: 2 x 4 tiles in CB 2 -> 64 x 128 rows in CB 18, one tile row per call."""
    block = 4
    rng = np.random.default_rng(3)
    rm = bf16_random(rng, (32, block * 32))
    tiled = bf16_random(rng, (32, block * 32))
    tiled2 = bf16_random(rng, (64, block * 32))
    body = f"""    constexpr uint32_t B = {block};
    tilize_init(0, B, 16);
    cb_reserve_back(16, B);
    tilize_block(0, B, 16);
    cb_push_back(16, B);
    tilize_uninit(0, 16);
    untilize_init(1);
    cb_reserve_back(17, B);
    untilize_block<1>(1, B, 17);
    cb_push_back(17, B);
    untilize_uninit(1);
    pack_untilize_init<B, B>(2, 18);
    for (uint32_t r = 0; r < 2; r++) {{      // one row of B tiles at a time, as ttnn's untilize does
        cb_wait_front(2, B);
        cb_reserve_back(18, B);
        pack_untilize_block<B, B>(2, 1, 18);
        cb_push_back(18, B);
        cb_pop_front(2, B);
    }}
    pack_untilize_uninit(18);
"""
    ins = {0: (F.Float16_b, BF16_TILE, pack(rm, F.Float16_b)),                      # row-major rows
           1: (F.Float16_b, BF16_TILE, pack(tilize(tiled), F.Float16_b)),
           2: (F.Float16_b, BF16_TILE, pack(tilize(tiled2), F.Float16_b))}
    outs = {16: (F.Float16_b, BF16_TILE, block), 17: (F.Float16_b, BF16_TILE, block),
            18: (F.Float16_b, BF16_TILE, 2 * block)}
    out = _run(dev, body, ins, outs, "fpu_tilize.cpp", feed={2: 2 * block})
    # bit-exact, byte for byte, against the host layout functions
    assert (out[16] == pack(tilize(rm), F.Float16_b)).all(), "tilize_block"
    assert_bits(unpack(out[16], F.Float16_b), tilize(rm), "tilize_block")
    assert_bits(unpack(out[17], F.Float16_b).reshape(32, block * 32), tiled, "untilize_block")
    assert (out[17] == pack(tiled, F.Float16_b)).all(), "untilize_block"
    assert_bits(unpack(out[18], F.Float16_b).reshape(64, block * 32), tiled2, "pack_untilize_block")
    assert_bits(untilize(tilize(tiled2), tiled2.shape), tiled2, "host tilize/untilize")


# ---- broadcasts ---------------------------------------------------------------------------------------
OPS = {"ELWADD": "add", "ELWSUB": "sub", "ELWMUL": "mul"}
SHORT_INIT = {("ELWADD", "ROW"): "add_bcast_rows_init_short", ("ELWADD", "COL"): "add_bcast_cols_init_short",
              ("ELWADD", "SCALAR"): "add_bcast_scalar_init_short", ("ELWSUB", "ROW"): "sub_bcast_rows_init_short",
              ("ELWSUB", "COL"): "sub_bcast_cols_init_short", ("ELWSUB", "SCALAR"): "sub_tiles_bcast_scalar_init_short",
              ("ELWMUL", "ROW"): "mul_bcast_rows_init_short", ("ELWMUL", "COL"): "mul_bcast_cols_init_short",
              ("ELWMUL", "SCALAR"): "mul_tiles_bcast_scalar_init_short"}
NAMED = {"ROW": "rows", "COL": "cols", "SCALAR": "scalar"}
BCAST_CASES = (
    # (op, dim, form, bcast_row_idx, A tile, B tile); forms: <op>_tiles_bcast_<dim>, <op>_tiles_bcast<dim>,
    # any_tiles_bcast<op, dim>
    [(op, dim, "named", 0, i % 2, (i + 1) % 2) for i, (op, dim) in enumerate(SHORT_INIT)]
    + [("ELWADD", "ROW", "named", 5, 0, 1), ("ELWMUL", "ROW", "template", 17, 1, 0),
       ("ELWSUB", "COL", "any", 0, 0, 1), ("ELWMUL", "SCALAR", "any", 0, 1, 1),
       ("ELWADD", "SCALAR", "template", 0, 1, 0), ("ELWSUB", "ROW", "any", 3, 1, 0)]
)


def bcast_call(op, dim, form, row, ta, tb) -> str:
    args = f"0, 1, {ta}, {tb}, 0, {row}"
    if form == "named":
        return f"{SHORT_INIT[(op, dim)]}(0, 1);\n    {OPS[op]}_tiles_bcast_{NAMED[dim]}({args});"
    init = f"init_bcast<{op}, {dim}>(0, 1, 16);\n    "
    if form == "template":
        return init + f"{OPS[op]}_tiles_bcast<{dim}>({args});"
    return init + f"any_tiles_bcast<{op}, {dim}>({args});"


def bcast_ref(op, dim, row, a, b) -> np.ndarray:
    bb = b[:, :1] if dim == "COL" else b[row:row + 1, :] if dim == "ROW" else b[0, 0]
    if op == "ELWADD":
        r = a + bb
    elif op == "ELWSUB":
        r = a - bb
    else:              # HiFi4: the exact fp32 product, accumulated into DST (0 after acquire)
        r = np.float32(0) + a * bb
    return round_to_bf16(r.astype(np.float32))


@pytest.fixture(scope="module")
def bcasted(dev):
    rng = np.random.default_rng(4)
    a = [bf16_random(rng, (32, 32)), bf16_random(rng, (32, 32), 100.0)]
    a[0][::7, ::5] = 0.0                      # zero products: DST's +0 makes them +0 (DST += A*B)
    b = [bf16_random(rng, (32, 32)), bf16_random(rng, (32, 32), 0.01)]
    b[0][3, 3] = -0.0
    n = len(BCAST_CASES)
    body = f"    init_bcast<ELWADD, ROW>(0, 1, 16);\n    cb_reserve_back(16, {n});\n"
    body += "".join(one_tile(16, bcast_call(*c)) for c in BCAST_CASES)
    body += f"    cb_push_back(16, {n});\n"
    out = _run(dev, body, {0: (F.Float16_b, BF16_TILE, bf16_tiles(*a)), 1: (F.Float16_b, BF16_TILE, bf16_tiles(*b))},
               {16: (F.Float16_b, BF16_TILE, n)}, "fpu_bcast.cpp", math_fidelity="HiFi4")
    return a, b, bf16_out(out[16])


@pytest.mark.parametrize("case", range(len(BCAST_CASES)),
                         ids=[f"{OPS[c[0]]}-{c[1]}-{c[2]}-r{c[3]}" for c in BCAST_CASES])
def test_bcast(bcasted, case):
    a, b, out = bcasted
    op, dim, form, row, ta, tb = BCAST_CASES[case]
    assert_bits(out[case], bcast_ref(op, dim, row, a[ta], b[tb]), f"{op} {dim} ({form}, row {row})")


def test_bcast_uses_the_documented_element(bcasted):
    """COL broadcasts B's column 0 (not its row 0): the reference built the other way must fail."""
    a, b, out = bcasted
    case = next(i for i, c in enumerate(BCAST_CASES) if c[:3] == ("ELWADD", "COL", "named"))
    wrong = round_to_bf16(a[BCAST_CASES[case][4]] + b[BCAST_CASES[case][5]][:1, :])
    assert (bits(out[case]) != bits(wrong)).any()


# ---- block floats ----------------------------------------------------------------------------------------
def bfp_values(rng, ntiles) -> np.ndarray:
    """bf16 values in tile order whose face rows mix magnitudes over ~2^24 (mantissa shifts, flushes to 0,
    saturating round-ups), with zeros and negative zeros."""
    v = rng.standard_normal(ntiles * 1024) * np.exp2(rng.integers(-13, 13, ntiles * 1024))
    v[::37] = 0.0
    v[5::41] = -0.0
    v[96:112] = 1.9921875              # bf16 0x3FFF: m7 ties and rounds to even = 128 -> saturates at 127
    v[200:216] = 3.0 * 2.0 ** -130     # fp32/bf16 denormals: bf16 keeps them, bfp flushes them to 0
    return round_to_bf16(v.astype(np.float32))


def test_bfp8_b_and_bfp4_b_round_trips(dev):
    """CB 0 Bfp8_b (host-packed) -> copy_tile -> CB 16 bf16;  CB 1 bf16 -> CB 17 Bfp8_b and CB 18 Bfp4_b;
    CB 3 Bfp4_b (host-packed) -> CB 19 bf16. Host and device packers must agree byte for byte."""
    rng = np.random.default_rng(5)
    v8, vb, v4 = bfp_values(rng, 2), bfp_values(rng, 2), bfp_values(rng, 1)
    t8, t4 = 1088, 576
    body = """    unary_op_init_common(0, 16);
    copy_tile_init(0);
    cb_reserve_back(16, 2);
""" + one_tile(16, "copy_tile(0, 0, 0);") + one_tile(16, "copy_tile(0, 1, 0);") + """    cb_push_back(16, 2);
    copy_tile_to_dst_init_short_with_dt(0, 1);
    pack_reconfig_data_format(16, 17);
    cb_reserve_back(17, 2);
""" + one_tile(17, "copy_tile(1, 0, 0);") + one_tile(17, "copy_tile(1, 1, 0);") + """    cb_push_back(17, 2);
    pack_reconfig_data_format(17, 18);
    cb_reserve_back(18, 1);
""" + one_tile(18, "copy_tile(1, 0, 0);") + """    cb_push_back(18, 1);
    copy_tile_to_dst_init_short_with_dt(1, 3);
    pack_reconfig_data_format(18, 19);
    cb_reserve_back(19, 1);
""" + one_tile(19, "copy_tile(3, 0, 0);") + "    cb_push_back(19, 1);\n"
    ins = {0: (F.Bfp8_b, t8, pack(v8, F.Bfp8_b)), 1: (F.Float16_b, BF16_TILE, pack(vb, F.Float16_b)),
           3: (F.Bfp4_b, t4, pack(v4, F.Bfp4_b))}
    outs = {16: (F.Float16_b, BF16_TILE, 2), 17: (F.Bfp8_b, t8, 2), 18: (F.Bfp4_b, t4, 1),
            19: (F.Float16_b, BF16_TILE, 1)}
    out = _run(dev, body, ins, outs, "fpu_bfp.cpp")

    q8 = quantize(v8, F.Bfp8_b)
    # the data does get quantised: rounding, flushes to 0, saturation
    assert (bits(q8) != bits(v8)).any() and (q8 == 0).sum() > (v8 == 0).sum() and (q8[96:112] == 127 / 64).all()
    # device unpacker (Bfp8_b -> DST) == host dequantisation, rounded to bf16 in DST
    assert_bits(unpack(out[16], F.Float16_b), round_to_bf16(q8), "Bfp8_b -> bf16")
    # device packer (bf16 DST -> Bfp8_b) == host packer, byte for byte
    assert (out[17] == pack(vb, F.Bfp8_b)).all(), "bf16 -> Bfp8_b bytes"
    assert_bits(unpack(out[17], F.Bfp8_b), quantize(vb, F.Bfp8_b), "bf16 -> Bfp8_b values")
    # Bfp4_b both ways
    assert (out[18] == pack(vb[:1024], F.Bfp4_b)).all(), "bf16 -> Bfp4_b bytes"
    assert_bits(unpack(out[18], F.Bfp4_b), quantize(vb[:1024], F.Bfp4_b), "bf16 -> Bfp4_b values")
    assert_bits(unpack(out[19], F.Float16_b), round_to_bf16(quantize(v4, F.Bfp4_b)), "Bfp4_b -> bf16")


# ---- copy_tile and DST precision -------------------------------------------------------------------------
def tf32_trunc(x) -> np.ndarray:
    return trunc_mant(x, 10)


@pytest.mark.parametrize("fp32_dest", [True, False], ids=["fp32_dest_acc", "bf16_dest"])
def test_copy_tile_float32(dev, fp32_dest):
    rng = np.random.default_rng(6)
    x = (rng.standard_normal(2048) * np.exp2(rng.integers(-20, 20, 2048))).astype(np.float32)
    # tf32-exact values whose bf16 rounding is a tie (to even: down / up) or plainly up / down
    specials = np.array([0x3F808000, 0x3F818000, 0x3F80C000, 0x3F804000, 0xBF818000, 0x80000000,
                         0x7F7F0000, 0x00000001], np.uint32).view(np.float32)
    x[1024:1536] = tf32_trunc(x[1024:1536])
    x[:specials.size] = specials
    # double-rounding repro: round_to_bf16 would give 0x3F810000, the TF32 truncation makes it a tie
    x[specials.size] = np.uint32(0x3F808001).view(np.float32)
    body = "    unary_op_init_common(0, 16);\n    copy_tile_init(0);\n    cb_reserve_back(16, 2);\n"
    body += one_tile(16, "copy_tile(0, 0, 0);") + one_tile(16, "copy_tile(0, 1, 0);")
    body += "    cb_push_back(16, 2);\n"
    out = _run(dev, body, {0: (F.Float32, 4096, x)}, {16: (F.Float32, 4096, 2)},
               "fpu_copy_fp32.cpp", fp32_dest_acc_en=fp32_dest)
    got = out[16].view(np.float32)
    if fp32_dest:     # fp32 DST and a Float32 CB on both ends: every bit survives
        assert_bits(got, x, "fp32 copy")
        return
    # 16-bit DST: the value is rounded to bf16 (RNE) ...
    assert not (bits(got) & 0xFFFF).any()
    exact_tf32 = bits(x) == bits(tf32_trunc(x))
    assert exact_tf32[:7].all() and exact_tf32.sum() >= 512
    assert_bits(got[exact_tf32], round_to_bf16(x[exact_tf32]), "bf16 DST, tf32-exact values")
    assert_bits(got[:4], np.array([0x3F800000, 0x3F820000, 0x3F810000, 0x3F800000], np.uint32).view(np.float32),
                "RNE ties / up / down")
    # ... after the unpacker truncated the Float32 input to TF32 (compute.cpp: "Float32 truncated to TF32";
    # doc §4.8: "Float32 truncated to bf16/tf32"), so for other values it is RNE of the truncated value
    assert_bits(got, round_to_bf16(tf32_trunc(x)), "bf16 DST = RNE(trunc_tf32(x))")
    assert bits(got[specials.size]) == 0x3F800000 and bits(round_to_bf16(x[specials.size])) == 0x3F810000
    assert np.all(np.abs(got - round_to_bf16(x)) <= np.abs(round_to_bf16(x)) * 2.0 ** -7)   # <= 1 bf16 ulp


# ---- mul_tiles and math fidelity ---------------------------------------------------------------------------
def fidelity_model(a, b, fid: str) -> np.ndarray:
    """compute.cpp's (inferred) multiplier model: hi(A) = top 5 significand bits (4 explicit), hi(B) = top 7."""
    ah, bh = trunc_mant(a, 4), trunc_mant(b, 6)
    p = {"LoFi": ah * bh, "HiFi2": a * bh, "HiFi3": a * bh + ah * (b - bh), "HiFi4": a * b}[fid]
    return round_to_bf16(np.float32(0) + p)      # ELWMUL accumulates into DST (0)


@pytest.fixture(scope="module")
def fidelity_runs(dev):
    rng = np.random.default_rng(7)
    a, b = bf16_random(rng, (32, 32)), bf16_random(rng, (32, 32))
    body = "    binary_op_init_common(0, 1, 16);\n    mul_tiles_init(0, 1);\n    cb_reserve_back(16, 1);\n"
    body += one_tile(16, "mul_tiles(0, 1, 0, 0, 0);") + "    cb_push_back(16, 1);\n"
    ins = {0: (F.Float16_b, BF16_TILE, bf16_tiles(a)), 1: (F.Float16_b, BF16_TILE, bf16_tiles(b))}
    runs = {}
    for fid in ("LoFi", "HiFi2", "HiFi3", "HiFi4"):
        out = _run(dev, body, ins, {16: (F.Float16_b, BF16_TILE, 1)}, f"fpu_mul_{fid}.cpp", math_fidelity=fid)
        runs[fid] = bf16_out(out[16])[0]
    return a, b, runs


def test_mul_tiles_hifi4_is_exact_product_rounded(fidelity_runs):
    a, b, runs = fidelity_runs
    assert_bits(runs["HiFi4"], round_to_bf16(a * b), "HiFi4 mul")   # bf16 x bf16 is exact in fp32


def test_mul_tiles_lofi_differs_from_hifi4(fidelity_runs):
    a, b, runs = fidelity_runs
    differ = bits(runs["LoFi"]) != bits(runs["HiFi4"])
    assert differ.mean() > 0.3
    exact = a * b
    rel = np.abs(runs["LoFi"] - exact) / np.abs(exact)
    assert rel.max() < 2.0 ** -4 + 2.0 ** -6 + 2.0 ** -8       # hi(A) keeps 5 bits, hi(B) 7, + bf16 rounding
    assert (np.abs(runs["LoFi"]) <= np.abs(round_to_bf16(exact)) * (1 + 2.0 ** -8)).all()  # truncation: smaller


@pytest.mark.parametrize("fid", ["LoFi", "HiFi2", "HiFi3", "HiFi4"])
def test_mul_tiles_fidelity_model(fidelity_runs, fid):
    a, b, runs = fidelity_runs
    assert_bits(runs[fid], fidelity_model(a, b, fid), f"{fid} mul")


PACK_UNTILIZE_2ROWS = r"""
#include "api/compute/pack_untilize.h"
void kernel_main() {   // two tile rows of a 64x128 block in one call
    pack_untilize_init<4, 4>(0, 16);
    cb_reserve_back(16, 8);
    pack_untilize_block<4, 4>(0, 2, 16);
    cb_push_back(16, 8);
}
"""


def test_pack_untilize_block_with_two_tile_rows():
    from tensix import CircularBuffer, Device, Kernel, Program
    from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize
    x = np.random.default_rng(7).standard_normal((64, 128)).astype(np.float32)
    with Device() as dev:
        inb, outb = dev.l1_buffer(8 * 2048, cores=(0, 0)), dev.l1_buffer(8 * 2048, cores=(0, 0))
        inb.write(float_to_bf16_bits(tilize(x)))
        outb.write(np.full(8 * 1024, 0xFFFF, np.uint16))
        cbs = [CircularBuffer(0, "float16_b", 2048, 8, buffer=inb), CircularBuffer(16, "float16_b", 2048, 8, buffer=outb)]
        dev.queue.enqueue(Program((0, 0), [Kernel(PACK_UNTILIZE_2ROWS, on="compute")], cbs))
        out = bf16_bits_to_float(outb.read(np.uint16)).reshape(64, 128)
    assert np.array_equal(out, round_to_bf16(x))
