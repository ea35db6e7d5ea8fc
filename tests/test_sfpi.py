"""Custom SFPU kernels written in SFPI (API §4.7 "Custom SFPI"; examples custom_sfpi_add and
custom_sfpi_smoothstep) run unmodified on the simulated chip through tensix/sim/include/tx_sfpi.h:
vFloat/vInt/dst_reg, v_if nesting with per-lane masks, the llk per-face wrappers and their DST
addressing conventions, the bit helpers, DST rounding, and the errors of bad dst_reg use."""
from __future__ import annotations

import numpy as np
import pytest

from tensix import DataFormat, DeviceError, Kernel, tile_size
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize, untilize
from tensix.gen import programs

CORE = (0, 0)

HEAD = r"""
#include <cstdint>
#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_binary.h"
"""



def _to_dev(x: np.ndarray, fmt: DataFormat) -> np.ndarray:
    t = tilize(x)
    return float_to_bf16_bits(t) if fmt == DataFormat.Float16_b else t.astype(np.float32)


def _from_dev(buf, fmt: DataFormat, shape) -> np.ndarray:
    if fmt == DataFormat.Float16_b:
        return untilize(bf16_bits_to_float(buf.read(np.uint16)), shape)
    return untilize(buf.read(np.float32), shape)


def run_sfpi(dev, compute_src: str, inputs: list[np.ndarray], out_per_tile: int = 1, *, name: str,
             fmt: DataFormat = DataFormat.Float16_b, fp32: bool = False, defines: dict | None = None,
             compute_args: list[int] = ()) -> np.ndarray:
    """Run `compute_src` over the (n*32) x 32 inputs (tile i of input k in CB k: tensix.gen.programs.feed's
    reader and writer around it); the kernel packs
    out_per_tile tiles per input tile into CB 16. Returns the output as (n*out_per_tile*32) x 32."""
    n = inputs[0].shape[0] // 32
    tb = tile_size(fmt)
    out_shape = (n * out_per_tile * 32, 32)
    bufs = [dev.dram_buffer(n * tb, tb) for _ in inputs]
    out = dev.dram_buffer(n * out_per_tile * tb, tb)
    try:
        for b, x in zip(bufs, inputs):
            b.write(_to_dev(x, fmt))
        out.write(np.zeros(n * out_per_tile * tb // 4, np.uint32))
        compute = Kernel(HEAD + compute_src, on="compute", name=name, runtime_args=[n, *compute_args],
                         fp32_dest_acc_en=fp32, defines=defines or {})
        dev.queue.enqueue(programs.feed(compute, bufs, out, core=CORE, formats=fmt, out_format=fmt,
                                        out_pages=max(2, out_per_tile)))
        return _from_dev(out, fmt, out_shape)
    finally:
        for b in (*bufs, out):
            b.free()


def _rand(rng, n_tiles: int, scale: float = 4.0) -> np.ndarray:
    return round_to_bf16(rng.standard_normal((n_tiles * 32, 32)).astype(np.float32) * scale)


# ---- custom_sfpi_add: elementwise add of two DST tiles through the binary llk wrapper --------------
ADD = r"""
#ifdef TRISC_MATH
// tt-llk's current form: the wrapper passes the three DST indices; dst_reg is based at DST tile 0
void add_face_indexed(const uint32_t in0, const uint32_t in1, const uint32_t out) {
    constexpr uint32_t rows_per_tile = 32;
    for (uint32_t i = 0; i < 8; i++) {
        vFloat a = dst_reg[in0 * rows_per_tile + i];
        vFloat b = dst_reg[in1 * rows_per_tile + i];
        dst_reg[out * rows_per_tile + i] = a + b;
    }
}
// offset form: dst_reg is based at tile IA; the other tiles are 32 rows per tile away
void add_face_offset() {
    for (int i = 0; i < 8; i++) {
        dst_reg[(IO - IA) * 32] = dst_reg[0] + dst_reg[(IB - IA) * 32];
        dst_reg++;
    }
}
#endif

void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    init_sfpu(tt::CBIndex::c_0, tt::CBIndex::c_16);
    for (uint32_t t = 0; t < n; t++) {
        cb_wait_front(0, 1);
        cb_wait_front(1, 1);
        tile_regs_acquire();
        copy_tile_init(0);
        copy_tile(0, 0, IA);
        copy_tile_init(1);
        copy_tile(1, 0, IB);
        MATH(_llk_math_eltwise_binary_sfpu_params_<false>(FN, IA, IB, IO));
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_pop_front(1, 1);
        cb_reserve_back(16, 1);
        tile_regs_wait();
        pack_tile(IO, 16);
        tile_regs_release();
        cb_push_back(16, 1);
    }
}
"""


@pytest.mark.parametrize("fn,ia,ib,io", [("add_face_indexed", 0, 1, 0), ("add_face_indexed", 2, 5, 3),
                                         ("add_face_offset", 0, 1, 0), ("add_face_offset", 3, 1, 6)])
def test_custom_sfpi_add(dev, fn, ia, ib, io):
    rng = np.random.default_rng(1)
    a, b = _rand(rng, 3, 10.0), _rand(rng, 3)
    out = run_sfpi(dev, ADD, [a, b], name="tiles_add.cpp",
                   defines={"FN": fn, "IA": str(ia), "IB": str(ib), "IO": str(io)})
    ref = round_to_bf16(a + b)
    assert np.array_equal(out.view(np.uint32), ref.view(np.uint32))


# ---- custom_sfpi_smoothstep: v_if / v_elseif / v_else through the unary llk wrapper ----------------
SMOOTHSTEP = r"""
#ifdef TRISC_MATH
void smoothstep_face(float edge0, float edge1, float inv_width) {
    for (int i = 0; i < 8; i++) {
        vFloat x = dst_reg[0];
        v_if (x < edge0) {
            x = sfpi::vConst0;
        } v_elseif (x > edge1) {
            x = sfpi::vConst1;
        } v_else {
            vFloat t = (x - edge0) * inv_width;
            x = t * t * (3.0f - 2.0f * t);
        } v_endif;
        dst_reg[0] = x;
        dst_reg++;
    }
}
#endif

void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    float e0 = __builtin_bit_cast(float, get_arg_val<uint32_t>(1));
    float e1 = __builtin_bit_cast(float, get_arg_val<uint32_t>(2));
    float inv = __builtin_bit_cast(float, get_arg_val<uint32_t>(3));
    init_sfpu(tt::CBIndex::c_0, tt::CBIndex::c_16);
    for (uint32_t t = 0; t < n; t++) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 0);
        MATH(_llk_math_eltwise_unary_sfpu_params_<APPROX>(smoothstep_face, 0, VectorMode::RC, e0, e1, inv));
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_reserve_back(16, 1);
        tile_regs_wait();
        pack_tile(0, 16);
        tile_regs_release();
        cb_push_back(16, 1);
    }
}
"""


def _bits(f: float) -> int:
    return int(np.float32(f).view(np.uint32))


@pytest.mark.parametrize("fp32", [False, True], ids=["bf16_dst", "fp32_dst"])
def test_custom_sfpi_smoothstep(dev, fp32):
    rng = np.random.default_rng(2)
    x = round_to_bf16(rng.uniform(-2.0, 3.0, (2 * 32, 32)).astype(np.float32))
    x[0, :4] = [-1.0, 1.5, 0.25, 0.0]          # the edges themselves take the v_else branch
    e0, e1 = np.float32(-1.0), np.float32(1.5)
    inv = np.float32(1.0) / (e1 - e0)
    fmt = DataFormat.Float32 if fp32 else DataFormat.Float16_b
    out = run_sfpi(dev, SMOOTHSTEP, [x], name="tiles_smoothstep.cpp", fmt=fmt, fp32=fp32,
                   compute_args=[_bits(e0), _bits(e1), _bits(inv)])
    t = (x - e0) * inv
    ref = np.where(x < e0, np.float32(0), np.where(x > e1, np.float32(1), (t * t) * (np.float32(3) - np.float32(2) * t)))
    ref = ref.astype(np.float32)
    if not fp32:
        ref = round_to_bf16(ref)
    assert np.array_equal(out.view(np.uint32), ref.view(np.uint32))
    assert out[0, 0] == 0.0 and out[0, 1] == 1.0     # smoothstep(edge0) = 0, smoothstep(edge1) = 1
    assert 0.0 < out[0, 2] < 1.0


# ---- v_if nesting, masked assignment and masked dst_reg stores ---------------------------------------
NESTING = r"""
#ifdef TRISC_MATH
void classify(void) {
    for (int i = 0; i < 8; i++) {
        vFloat x = dst_reg[0];
        vFloat r = -1.0f;
        v_if (x < 0.0f) {
            r = 10.0f;
            v_if (x < -2.0f) {
                r = 11.0f;
            } v_elseif (x < -1.0f) {
                r = 12.0f;
            } v_else {
                r += 3.0f;                       // 13 where -1 <= x < 0
            } v_endif;
        } v_elseif (x == 0.0f) {
            r = 20.0f;
        } v_else {
            v_if (x > 2.0f) {
                dst_reg[0] = x + 100.0f;         // a masked store
            } v_endif;
            r = 30.0f;                           // the whole x > 0 branch again
        } v_endif;
        v_if (x <= 2.0f) {
            dst_reg[0] = r;
        } v_endif;
        vFloat c = 0.0f;
        v_if ((x > 0.5f && x < 1.0f) || !(x > -3.0f)) {
            c = 1.0f;
        } v_endif;
        dst_reg[32] = c;                         // tile 1: dst_reg is relative to tile 0 here
        dst_reg++;
    }
}
#endif

void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    init_sfpu(0, 16);
    for (uint32_t t = 0; t < n; t++) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 0);
        MATH(_llk_math_eltwise_unary_sfpu_params_<false>(classify, 0, (int)VectorMode::RC));
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_reserve_back(16, 2);
        tile_regs_wait();
        pack_tile(0, 16);
        pack_tile(1, 16);
        tile_regs_release();
        cb_push_back(16, 2);
    }
}
"""


def test_v_if_nesting_masks(dev):
    rng = np.random.default_rng(3)
    x = (rng.integers(-64, 64, (2 * 32, 32)) / 16).astype(np.float32)   # bf16-exact, hits 0, +-1, +-2, -3
    x[0, :8] = [-3.0, -2.0, -1.0, 0.0, 2.0, 0.5, 1.0, 2.0625]
    out = run_sfpi(dev, NESTING, [x], 2, name="vif_nesting.cpp")
    out = out.reshape(2, 2, 32, 32)             # (input tile, output tile, row, col)
    r, c = out[:, 0].reshape(-1, 32), out[:, 1].reshape(-1, 32)
    ref = np.select([x < -2, x < -1, x < 0, x == 0, x <= 2], [11, 12, 13, 20, 30], round_to_bf16(x + np.float32(100)))
    assert np.array_equal(r, ref.astype(np.float32))
    assert np.array_equal(c, (((x > 0.5) & (x < 1.0)) | ~(x > -3.0)).astype(np.float32))
    for v in (11, 12, 13, 20, 30):              # every branch was taken somewhere
        assert (r == v).any()
    assert (r > 100).any()


# ---- VectorMode: which faces the wrapper visits ----------------------------------------------------
NEGATE = r"""
#ifdef TRISC_MATH
void negate_face() {
    for (int i = 0; i < 8; i++) {
        dst_reg[0] = -dst_reg[0];
        dst_reg++;
    }
}
#endif

void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    init_sfpu(0, 16);
    for (uint32_t t = 0; t < n; t++) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 2);
        MATH(_llk_math_eltwise_unary_sfpu_params_(negate_face, 2, MODE));
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_reserve_back(16, 1);
        tile_regs_wait();
        pack_tile(2, 16);
        tile_regs_release();
        cb_push_back(16, 1);
    }
}
"""


@pytest.mark.parametrize("mode,faces", [("VectorMode::RC", (0, 1, 2, 3)), ("VectorMode::R", (0, 1)),
                                        ("(int)VectorMode::C", (0, 2))])
def test_vector_modes(dev, mode, faces):
    x = _rand(np.random.default_rng(4), 1)
    out = run_sfpi(dev, NEGATE, [x], name="negate_faces.cpp", defines={"MODE": mode})
    for f in range(4):
        r, c = (f // 2) * 16, (f % 2) * 16
        want = -x[r:r + 16, c:c + 16] if f in faces else x[r:r + 16, c:c + 16]
        assert np.array_equal(out[r:r + 16, c:c + 16], want), f"face {f}"


# ---- bit helpers, integer vectors, integer stores keep their bits -------------------------------------
HELPERS = r"""
#ifdef TRISC_MATH
void helpers() {
    for (int i = 0; i < 8; i++) {
        vFloat x = dst_reg[0];
        dst_reg[1 * 32] = sfpi::abs(x);
        dst_reg[2 * 32] = int32_to_float(exexp(x));
        dst_reg[3 * 32] = setsgn(setexp(x, 127), 1);
        vInt b = reinterpret<vInt>(x);
        dst_reg[4 * 32] = int32_to_float((b >> 16) & 0xff);
        dst_reg[5 * 32] = int32_to_float(lz(reinterpret<vInt>(sfpi::abs(x))));
        vInt k = (exman8(x) >> 7) + 0x12340001;   // an integer store: tile 6 keeps its bits
        dst_reg[6 * 32] = k;
        dst_reg++;
    }
}
void low_bits() {
    for (int i = 0; i < 8; i++) {
        vInt k = dst_reg[6 * 32];
        dst_reg[6 * 32] = int32_to_float(k & 0xffff);
        dst_reg++;
    }
}
#endif

void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    init_sfpu(0, 16);
    for (uint32_t t = 0; t < n; t++) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 0);
        MATH(_llk_math_eltwise_unary_sfpu_params_<false>(helpers, 0));
        MATH(_llk_math_eltwise_unary_sfpu_params_<false>(low_bits, 0));
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_reserve_back(16, 6);
        tile_regs_wait();
        for (uint32_t k = 1; k <= 6; k++) pack_tile(k, 16);
        tile_regs_release();
        cb_push_back(16, 6);
    }
}
"""


def test_bit_helpers_and_integer_stores(dev):
    x = _rand(np.random.default_rng(5), 1)
    x[0, :3] = [0.0, -1.5, 3.0]
    out = run_sfpi(dev, HELPERS, [x], 6, name="sfpi_helpers.cpp").reshape(6, 32, 32)
    u = x.view(np.uint32)
    absx = (u & 0x7FFFFFFF).view(np.float32)
    assert np.array_equal(out[0], absx)
    assert np.array_equal(out[1], (((u >> 23) & 0xFF).astype(np.int64) - 127).astype(np.float32))
    assert np.array_equal(out[2], ((u & 0x007FFFFF) | (127 << 23) | 0x80000000).astype(np.uint32).view(np.float32))
    assert np.array_equal(out[3], ((u >> 16) & 0xFF).astype(np.float32))
    a = (u & 0x7FFFFFFF).astype(np.uint64)
    lz = np.where(a == 0, 32, 31 - np.floor(np.log2(np.maximum(a, 1))).astype(np.int64))
    assert np.array_equal(out[4], lz.astype(np.float32))
    man8 = ((u & 0x7FFFFF) | 0x800000).astype(np.int64)
    low = (((man8 >> 7) + 0x12340001) & 0xFFFF).astype(np.float32)
    assert (low != 0).all()
    assert np.array_equal(out[5], round_to_bf16(low))
    assert out[0, 0, 1] == 1.5 and out[2, 0, 1] == -1.5 and out[1, 0, 2] == 1.0


# ---- the rest of the surface: LLK header names, programmable constants, v_block/v_and, min/max, ----
# ---- conversions, ckernel::sfpu helpers, an ITERATIONS-templated function -------------------------
SURFACE = r"""
#include "sfpi.h"
#include "ckernel.h"
#include "ckernel_sfpu.h"
#include "llk_math_eltwise_unary_sfpu_params.h"
#include "llk_math_eltwise_binary_sfpu_params.h"

namespace ckernel::sfpu {
template <bool APPROXIMATION_MODE, int ITERATIONS = 8>
inline void calculate_surface(uint param) {
    using namespace sfpi;
    vFloat s = s2vFloat16b(param);
    for (int d = 0; d < ITERATIONS; d++) {
        vFloat x = dst_reg[0];
        dst_reg[1 * dst_tile_size_sfpi] = vConstFloatPrgm0 + s;
        vFloat y = 0.0f;
        v_block {
            v_and(x > 0.0f);
            v_and(x < 1.0f);
            y = 1.0f;
        } v_endblock;
        dst_reg[2 * 32] = y;
        vFloat a = x, b = 0.5f;
        vec_min_max(a, b);
        dst_reg[3 * 32] = a;
        dst_reg[4 * 32] = b;
        dst_reg[5 * 32] = int32_to_float(float_to_int16(x * 10000.0f));
        dst_reg[6 * 32] = _sfpu_exp_(x);
        dst_reg++;
    }
}
}  // namespace ckernel::sfpu

void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0), param = get_arg_val<uint32_t>(1);
    init_sfpu(0, 16);
    _llk_math_eltwise_unary_sfpu_init_<SfpuType::unused>();
    vConstFloatPrgm0 = 2.0f;
    for (uint32_t t = 0; t < n; t++) {
        cb_wait_front(0, 1);
        tile_regs_acquire();
        copy_tile(0, 0, 0);
        MATH((_llk_math_eltwise_unary_sfpu_params_<APPROX>(ckernel::sfpu::calculate_surface<APPROX, 8>, 0,
                                                           (int)VectorMode::RC, param)));
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_reserve_back(16, 6);
        tile_regs_wait();
        for (uint32_t k = 1; k <= 6; k++) pack_tile(k, 16);
        tile_regs_release();
        cb_push_back(16, 6);
    }
}
"""


def test_llk_headers_constants_blocks_and_conversions(dev):
    x = _rand(np.random.default_rng(8), 1, 2.0)
    x[0, :4] = [0.5, 1.0, 0.0, 0.00024414062]       # 0.0002441 * 10000 = 2.44 -> 2
    out = run_sfpi(dev, SURFACE, [x], 6, name="sfpi_surface.cpp", compute_args=[0x4040]).reshape(6, 32, 32)
    assert (out[0] == 5.0).all()                     # programmable constant 2 + bf16 immediate 3.0
    assert np.array_equal(out[1], ((x > 0) & (x < 1)).astype(np.float32))
    assert np.array_equal(out[2], np.minimum(x, np.float32(0.5)))
    assert np.array_equal(out[3], np.maximum(x, np.float32(0.5)))
    q = np.clip(np.rint(x * np.float32(10000)), -32768, 32767).astype(np.float32)
    assert np.array_equal(out[4], round_to_bf16(q))
    assert np.abs(q).max() == 32768 and out[4, 0, 3] == 2.0
    np.testing.assert_allclose(out[5], np.exp(x.astype(np.float64)), rtol=8e-3)


# ---- errors ----------------------------------------------------------------------------------------------
BAD_ROW = r"""
#ifdef TRISC_MATH
void reach_too_far() { vFloat x = dst_reg[32]; dst_reg[0] = x; }
#endif
void kernel_main() {
    init_sfpu(0, 16);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 7);
    MATH(_llk_math_eltwise_unary_sfpu_params_<false>(reach_too_far, 7, VectorMode::RC));
}
"""

OUTSIDE = r"""
void kernel_main() {
    init_sfpu(0, 16);
    tile_regs_acquire();
    vFloat x = dst_reg[0];
    dst_reg[0] = x;
}
"""


def test_dst_reg_row_beyond_acquired_dst(dev):
    x = _rand(np.random.default_rng(6), 1)
    with pytest.raises(DeviceError, match=r"dst_reg row 256 is outside the acquired DST \(8 tiles"):
        run_sfpi(dev, BAD_ROW, [x], name="sfpi_bad_row.cpp")


def test_dst_reg_outside_an_sfpu_call(dev):
    x = _rand(np.random.default_rng(7), 1)
    with pytest.raises(DeviceError, match=r"dst_reg: used outside an SFPU call"):
        run_sfpi(dev, OUTSIDE, [x], name="sfpi_outside.cpp")
