"""SFPU operations on DST tiles (API §4.7): every op runs in a real compute kernel on the simulated
chip (reader DRAM -> CB 0, compute copy_tile -> op -> pack_tile to CB 16, writer CB 16 -> DRAM: the
reader and writer are tensix.gen.programs.feed's) and is
checked against a numpy reference with the rounding the chip applies: inputs are bf16, the op computes
in fp32, DST rounds the result to bf16 (nearest-even) unless fp32_dest_acc_en.

To keep compiles few, one kernel applies op k to the k-th group of input tiles (``_run``).

Tolerances (documented per op below):
  * "exact"  — bit-identical to the reference (sign/compare/select/round ops, fp32 +-*/ then bf16);
  * ("ulp", k) — within k bf16 ulps of the float64 reference rounded to bf16 (libm transcendentals:
    the fp32 libm result is within an fp32 ulp, so one bf16 rounding step can differ by 1 ulp);
  * ("rel", r, a) — |y - ref| <= r * |ref| + a (the math_approx_mode variants; bounds from the
    polynomial / Newton-step error documented in tx_sfpu.h plus bf16 rounding).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from tensix import CircularBuffer, CompileError, DataFormat, DeviceError, Kernel, Program
from tensix.formats import pack, round_to_bf16, tile_size, unpack
from tensix.gen import programs

F = DataFormat
HEADERS = """
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/relu.h"
#include "api/compute/eltwise_unary/recip.h"
#include "api/compute/eltwise_unary/sqrt.h"
#include "api/compute/eltwise_unary/rsqrt.h"
#include "api/compute/eltwise_unary/gelu.h"
#include "api/compute/eltwise_unary/trigonometry.h"
#include "api/compute/eltwise_unary/binop_with_scalar.h"
#include "api/compute/eltwise_unary/rounding.h"
#include "api/compute/eltwise_unary/typecast.h"
#include "api/compute/eltwise_unary/comp.h"
#include "api/compute/eltwise_unary/negative.h"
#include "api/compute/eltwise_unary/fill.h"
#include "api/compute/eltwise_unary/clamp.h"
#include "api/compute/eltwise_unary/hardtanh.h"
#include "api/compute/eltwise_unary/elu.h"
#include "api/compute/eltwise_unary/selu.h"
#include "api/compute/eltwise_unary/softplus.h"
#include "api/compute/eltwise_unary/erf_erfc.h"
#include "api/compute/eltwise_unary/log1p.h"
#include "api/compute/eltwise_unary/isinf_isnan.h"
#include "api/compute/eltwise_unary/where.h"
#include "api/compute/eltwise_unary/activations.h"
#include "api/compute/eltwise_unary/sfpu_split_includes.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/binary_max_min.h"
#include "api/compute/binary_comp.h"
#include "compute_kernel_api.h"
#include "compute_kernel_api/eltwise_unary/exp.h"
#include "compute_kernel_api/eltwise_binary_sfpu.h"
"""

# one block per op: bring its n_in input tiles into DST 0..n_in-1, run the op code, pack DST[out]
BLOCK = """
    cb_wait_front(0, {n});
    tile_regs_acquire();
    for (uint32_t j = 0; j < {n}; j++) copy_tile(0, j, j);
    {code};
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile({out}, 16);
    tile_regs_release();
    cb_pop_front(0, {n});
    cb_push_back(16, 1);
"""


def compute_source(blocks) -> str:
    body = "".join(BLOCK.format(n=n, code=code, out=out) for n, code, out in blocks)
    return HEADERS + "void kernel_main() {\n    init_sfpu(0, 16);\n" + body + "}\n"



def _run(dev, blocks, tiles, in_fmt=F.Float16_b, out_fmt=F.Float16_b, **cfg):
    """Run the op blocks [(n_in, code, out_dst)] over `tiles` (one 1024-value array per input tile, in
    DST/face order); returns one 1024-value output array per block."""
    n_in, n_out = len(tiles), len(blocks)
    assert n_in == sum(b[0] for b in blocks)
    isz, osz = tile_size(in_fmt), tile_size(out_fmt)
    src, dst = dev.dram_buffer(n_in * isz, isz), dev.dram_buffer(n_out * osz, osz)
    try:
        src.write(pack(np.concatenate([np.asarray(t).reshape(-1) for t in tiles]), in_fmt))
        compute = Kernel(compute_source(blocks), on="compute", **cfg)
        dev.queue.enqueue(programs.feed(compute, [src], dst, formats=in_fmt, out_format=out_fmt, in_pages=4))
        return unpack(dst.read(np.uint8), out_fmt).reshape(n_out, 1024)
    finally:
        src.free()
        dst.free()


def bits(v: float) -> str:
    return f"0x{int(np.float32(v).view(np.uint32)):08X}u"


def bf(a) -> np.ndarray:
    return round_to_bf16(np.asarray(a, dtype=np.float32))


def f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


erf = np.vectorize(math.erf)
erfc = np.vectorize(math.erfc)


def check(name, y, ref, tol, rnd=bf):
    y, ref = np.asarray(y, np.float32), rnd(ref)
    same_nan = np.isnan(y) & np.isnan(ref)
    if tol == "exact":
        bad = ~((y == ref) & (np.signbit(y) == np.signbit(ref)) | same_nan)
    elif tol[0] == "ulp":
        ulp = np.spacing(np.abs(ref).astype(np.float32)) * 65536      # one bf16 ulp at |ref|
        bad = ~((np.abs(y.astype(np.float64) - ref) <= tol[1] * ulp) | same_nan | (y == ref))
    else:
        _, r, a = tol
        bad = ~((np.abs(y.astype(np.float64) - ref) <= r * np.abs(ref) + a) | same_nan | (y == ref))
    assert not bad.any(), (f"{name}: {int(bad.sum())} of {bad.size} elements out of tolerance {tol}; first: "
                           f"x-index {int(np.argmax(bad))} got {y[bad][:4]} expected {ref[bad][:4]}")


# ---- input domains --------------------------------------------------------------------------------
def dom(kind, rng):
    u = lambda lo, hi: rng.uniform(lo, hi, 1024)
    if kind == "sym":
        return u(-5, 5)
    if kind == "pos":
        return u(0.01, 20)
    if kind == "unit":
        return u(-0.99, 0.99)
    if kind == "ge1":
        return u(1, 10)
    if kind == "nz":                       # away from zero, both signs
        return u(0.1, 10) * rng.choice([-1, 1], 1024)
    if kind == "zeros":                    # many exact zeros (and -0) plus the comparison scalar 0.5
        x = u(-3, 3)
        x[::5] = 0.0
        x[1::10] = -0.0
        x[2::10] = 0.5
        return x
    if kind == "round":                    # includes exact halves (ties)
        x = u(-10, 10)
        x[:16] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 0.25, -0.75, 100.5, 0, -0.0, 7, -7, 1.25]
        return x
    if kind == "special":
        x = u(-100, 100)
        x[::7] = np.inf
        x[1::7] = -np.inf
        x[2::7] = np.nan
        x[3::7] = -0.0
        return x
    raise ValueError(kind)


# (name, code, domains of the input tiles, reference on the bf16 inputs (float64), tolerance, out DST)
LN2 = np.float32(1 / math.log(2))
EXACT_OPS = [
    ("exp", "exp_tile_init(); exp_tile(0)", ["sym"], lambda x: np.exp(x), ("ulp", 1)),
    ("exp_scaled", "exp_tile_init(); exp_tile<false, true>(0, (int)VectorMode::RC, 0x4000)", ["sym"],
     lambda x: np.exp(f32(x) * f32(2)), ("ulp", 1)),
    ("exp_R", "exp_tile_init(); exp_tile(0, (int)VectorMode::R)", ["sym"],
     lambda x: np.where(np.arange(1024) < 512, np.exp(x), x), ("ulp", 1)),
    ("exp2", "exp2_tile_init(); exp2_tile(0)", ["sym"], lambda x: np.exp2(x), ("ulp", 1)),
    ("expm1", "expm1_tile_init(); expm1_tile(0)", ["sym"], lambda x: np.expm1(x), ("ulp", 1)),
    ("log", "log_tile_init(); log_tile(0)", ["pos"], lambda x: np.log(x), ("ulp", 1)),
    ("log_with_base", f"log_with_base_tile_init(); log_with_base_tile(0, {bits(LN2)})", ["pos"],
     lambda x: f32(np.log(x)) * LN2, ("ulp", 1)),
    ("log1p", "log1p_tile_init(); log1p_tile(0)", ["pos"], lambda x: np.log1p(x), ("ulp", 1)),
    ("sqrt", "sqrt_tile_init(); sqrt_tile(0)", ["pos"], lambda x: np.sqrt(x), ("ulp", 1)),
    ("rsqrt", "rsqrt_tile_init(); rsqrt_tile(0)", ["pos"], lambda x: 1 / np.sqrt(x), ("ulp", 1)),
    ("recip", "recip_tile_init(); recip_tile(0)", ["nz"], lambda x: 1 / x, ("ulp", 1)),
    ("relu", "relu_tile_init(); relu_tile(0)", ["zeros"], lambda x: np.where(x < 0, 0, x), "exact"),
    ("relu_max", f"relu_max_tile_init(); relu_max_tile(0, {bits(2.0)})", ["sym"], lambda x: np.clip(x, 0, 2), "exact"),
    ("relu_min", f"relu_min_tile_init(); relu_min_tile(0, {bits(1.0)})", ["sym"], lambda x: np.maximum(x, 1), "exact"),
    ("leaky_relu", f"leaky_relu_tile_init(); leaky_relu_tile(0, {bits(0.1)})", ["sym"],
     lambda x: np.where(x < 0, f32(x) * np.float32(0.1), x), "exact"),
    ("gelu", "gelu_tile_init<false>(); gelu_tile<false>(0)", ["sym"],
     lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))), ("ulp", 2)),
    ("gelu_tanh", "gelu_tile_init(); gelu_tile(0)", ["sym"],
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))), ("ulp", 2)),
    ("gelu_derivative", "gelu_derivative_tile_init<false>(); gelu_derivative_tile<false>(0)", ["sym"],
     lambda x: 0.5 * (1 + erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi), ("ulp", 2)),
    ("sigmoid", "sigmoid_tile_init(); sigmoid_tile(0)", ["sym"], lambda x: 1 / (1 + np.exp(-x)), ("ulp", 1)),
    ("silu", "silu_tile_init(); silu_tile(0)", ["sym"], lambda x: x / (1 + np.exp(-x)), ("ulp", 1)),
    ("tanh", "tanh_tile_init(); tanh_tile(0)", ["sym"], np.tanh, ("ulp", 1)),
    ("sin", "sin_tile_init(); sin_tile(0)", ["sym"], np.sin, ("ulp", 1)),
    ("cos", "cos_tile_init(); cos_tile(0)", ["sym"], np.cos, ("ulp", 1)),
    ("tan", "tan_tile_init(); tan_tile(0)", ["unit"], np.tan, ("ulp", 1)),
    ("asin", "asin_tile_init(); asin_tile(0)", ["unit"], np.arcsin, ("ulp", 1)),
    ("acos", "acos_tile_init(); acos_tile(0)", ["unit"], np.arccos, ("ulp", 1)),
    ("atan", "atan_tile_init(); atan_tile(0)", ["sym"], np.arctan, ("ulp", 1)),
    ("sinh", "sinh_tile_init(); sinh_tile(0)", ["sym"], np.sinh, ("ulp", 1)),
    ("cosh", "cosh_tile_init(); cosh_tile(0)", ["sym"], np.cosh, ("ulp", 1)),
    ("asinh", "asinh_tile_init(); asinh_tile(0)", ["sym"], np.arcsinh, ("ulp", 1)),
    ("acosh", "acosh_tile_init(); acosh_tile(0)", ["ge1"], np.arccosh, ("ulp", 1)),
    ("atanh", "atanh_tile_init(); atanh_tile(0)", ["unit"], np.arctanh, ("ulp", 1)),
    ("abs", "abs_tile_init(); abs_tile(0)", ["zeros"], np.abs, "exact"),
    ("sign", "sign_tile_init(); sign_tile(0)", ["zeros"], lambda x: np.sign(x) + 0.0, "exact"),
    ("signbit", "signbit_tile_init(); signbit_tile(0)", ["zeros"], lambda x: np.signbit(x) * 1.0, "exact"),
    ("square", "square_tile_init(); square_tile(0)", ["sym"], lambda x: f32(x) * f32(x), "exact"),
    ("power3", "power_tile_init(); power_tile(0, 3)", ["sym"], lambda x: x ** 3, ("ulp", 1)),
    ("power0", "power_tile_init(); power_tile(0, 0)", ["sym"], lambda x: np.ones_like(x), "exact"),
    ("negative", "negative_tile_init(); negative_tile(0)", ["zeros"], lambda x: -x, "exact"),
    ("fill", "fill_tile_init(); fill_tile(0, -2.75f)", ["sym"], lambda x: np.full_like(x, -2.75), "exact"),
    ("erf", "erf_tile_init(); erf_tile(0)", ["sym"], erf, ("ulp", 1)),
    ("erfc", "erfc_tile_init(); erfc_tile(0)", ["sym"], erfc, ("ulp", 1)),
    ("softplus", f"softplus_tile_init(); softplus_tile(0, {bits(2.0)}, {bits(0.5)}, {bits(20.0)})", ["sym"],
     lambda x: np.where(2 * x > 20, x, 0.5 * np.log1p(np.exp(2 * x))), ("ulp", 1)),
    ("elu", f"elu_tile_init(); elu_tile(0, {bits(0.5)})", ["sym"], lambda x: np.where(x < 0, 0.5 * np.expm1(x), x), ("ulp", 1)),
    ("selu", "selu_tile_init(); selu_tile(0)", ["sym"],
     lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)), ("ulp", 1)),
    ("hardtanh", f"hardtanh_tile_init(); hardtanh_tile(0, {bits(-1)}, {bits(1)})", ["sym"], lambda x: np.clip(x, -1, 1), "exact"),
    ("clamp", f"clamp_tile_init(); clamp_tile(0, {bits(-0.5)}, {bits(2)})", ["sym"], lambda x: np.clip(x, -0.5, 2), "exact"),
    ("floor", "floor_tile_init(); floor_tile(0)", ["round"], np.floor, "exact"),
    ("ceil", "ceil_tile_init(); ceil_tile(0)", ["round"], np.ceil, "exact"),
    ("trunc", "trunc_tile_init(); trunc_tile(0)", ["round"], np.trunc, "exact"),
    ("round", "round_tile_init(); round_tile(0, 0)", ["round"], np.rint, "exact"),
    ("round1", "round_tile_init(); round_tile(0, 1)", ["round"],
     lambda x: np.rint(f32(x) * np.float32(10)) / np.float32(10), "exact"),
    ("frac", "frac_tile_init(); frac_tile(0)", ["round"], lambda x: x - np.trunc(x), "exact"),
    ("isinf", "isinf_tile_init(); isinf_tile(0)", ["special"], lambda x: np.isinf(x) * 1.0, "exact"),
    ("isnan", "isnan_tile_init(); isnan_tile(0)", ["special"], lambda x: np.isnan(x) * 1.0, "exact"),
    ("isfinite", "isfinite_tile_init(); isfinite_tile(0)", ["special"], lambda x: np.isfinite(x) * 1.0, "exact"),
    ("gtz", "gtz_tile_init(); gtz_tile(0)", ["zeros"], lambda x: (x > 0) * 1.0, "exact"),
    ("ltz", "ltz_tile_init(); ltz_tile(0)", ["zeros"], lambda x: (x < 0) * 1.0, "exact"),
    ("eqz", "eqz_tile_init(); eqz_tile(0)", ["zeros"], lambda x: (x == 0) * 1.0, "exact"),
    ("nez", "nez_tile_init(); nez_tile(0)", ["zeros"], lambda x: (x != 0) * 1.0, "exact"),
    ("gez", "gez_tile_init(); gez_tile(0)", ["zeros"], lambda x: (x >= 0) * 1.0, "exact"),
    ("lez", "lez_tile_init(); lez_tile(0)", ["zeros"], lambda x: (x <= 0) * 1.0, "exact"),
    ("unary_gt", f"unary_gt_tile_init(); unary_gt_tile(0, {bits(0.5)})", ["zeros"], lambda x: (x > 0.5) * 1.0, "exact"),
    ("unary_lt", f"unary_lt_tile_init(); unary_lt_tile(0, {bits(0.5)})", ["zeros"], lambda x: (x < 0.5) * 1.0, "exact"),
    ("unary_eq", f"unary_eq_tile_init(); unary_eq_tile(0, {bits(0.5)})", ["zeros"], lambda x: (x == 0.5) * 1.0, "exact"),
    ("unary_ne", f"unary_ne_tile_init(); unary_ne_tile(0, {bits(0.5)})", ["zeros"], lambda x: (x != 0.5) * 1.0, "exact"),
    ("unary_ge", f"unary_ge_tile_init(); unary_ge_tile(0, {bits(0.5)})", ["zeros"], lambda x: (x >= 0.5) * 1.0, "exact"),
    ("unary_le", f"unary_le_tile_init(); unary_le_tile(0, {bits(0.5)})", ["zeros"], lambda x: (x <= 0.5) * 1.0, "exact"),
    ("add_unary", f"binop_with_scalar_tile_init(); add_unary_tile(0, {bits(1.5)})", ["sym"], lambda x: f32(x) + f32(1.5), "exact"),
    ("sub_unary", f"binop_with_scalar_tile_init(); sub_unary_tile(0, {bits(1.5)})", ["sym"], lambda x: f32(x) - f32(1.5), "exact"),
    ("mul_unary", f"binop_with_scalar_tile_init(); mul_unary_tile(0, {bits(-0.3)})", ["sym"], lambda x: f32(x) * f32(-0.3), "exact"),
    ("div_unary", f"binop_with_scalar_tile_init(); div_unary_tile(0, {bits(3.0)})", ["sym"], lambda x: f32(x) / f32(3), "exact"),
    ("rsub_unary", f"binop_with_scalar_tile_init(); rsub_unary_tile(0, {bits(1.5)})", ["sym"], lambda x: f32(1.5) - f32(x), "exact"),
    ("unary_max", f"unary_max_tile_init(); unary_max_tile(0, {bits(0.25)})", ["sym"], lambda x: np.maximum(x, 0.25), "exact"),
    ("unary_min", f"unary_min_tile_init(); unary_min_tile(0, {bits(0.25)})", ["sym"], lambda x: np.minimum(x, 0.25), "exact"),
    ("heaviside", f"heaviside_tile_init(); heaviside_tile(0, {bits(0.5)})", ["zeros"],
     lambda x: np.heaviside(x, 0.5), "exact"),
    ("identity", "identity_tile_init(); identity_tile(0)", ["sym"], lambda x: x, "exact"),
    # binary SFPU: both operands in DST
    ("add_binary", "add_binary_tile_init(); add_binary_tile(0, 1, 0)", ["sym", "sym"], lambda a, b: f32(a) + f32(b), "exact"),
    ("sub_binary_to2", "sub_binary_tile_init(); sub_binary_tile(0, 1, 2)", ["sym", "sym", "sym"],
     lambda a, b, c: f32(a) - f32(b), "exact", 2),
    ("mul_binary", "mul_binary_tile_init(); mul_binary_tile(0, 1, 0)", ["sym", "sym"], lambda a, b: f32(a) * f32(b), "exact"),
    ("div_binary", "div_binary_tile_init(); div_binary_tile(0, 1, 0)", ["sym", "nz"], lambda a, b: f32(a) / f32(b), "exact"),
    ("rsub_binary", "rsub_binary_tile_init(); rsub_binary_tile(0, 1, 1)", ["sym", "sym"], lambda a, b: f32(b) - f32(a), "exact", 1),
    ("power_binary", "power_binary_tile_init(); power_binary_tile(0, 1, 0)", ["pos", "sym"],
     lambda a, b: np.power(a, b), ("ulp", 1)),
    ("max_binary", "max_binary_tile_init(); max_binary_tile(0, 1, 0)", ["sym", "sym"], np.maximum, "exact"),
    ("min_binary", "binary_min_tile_init(); binary_min_tile(0, 1, 0)", ["sym", "sym"], np.minimum, "exact"),
    ("eq_binary", "eq_binary_tile_init(); eq_binary_tile(0, 1, 0)", ["zeros", "zeros"], lambda a, b: (a == b) * 1.0, "exact"),
    ("ne_binary", "ne_binary_tile_init(); ne_binary_tile(0, 1, 0)", ["zeros", "zeros"], lambda a, b: (a != b) * 1.0, "exact"),
    ("lt_binary", "lt_binary_tile_init(); lt_binary_tile(0, 1, 0)", ["zeros", "zeros"], lambda a, b: (a < b) * 1.0, "exact"),
    ("gt_binary", "gt_binary_tile_init(); gt_binary_tile(0, 1, 0)", ["zeros", "zeros"], lambda a, b: (a > b) * 1.0, "exact"),
    ("le_binary", "le_binary_tile_init(); le_binary_tile(0, 1, 0)", ["zeros", "zeros"], lambda a, b: (a <= b) * 1.0, "exact"),
    ("ge_binary", "ge_binary_tile_init(); ge_binary_tile(0, 1, 0)", ["zeros", "zeros"], lambda a, b: (a >= b) * 1.0, "exact"),
    ("where", "where_tile_init(); where_tile<DataFormat::Float16_b>(0, 1, 2, 0)", ["zeros", "sym", "sym"],
     lambda c, t, f: np.where(c != 0, t, f), "exact"),
]

# math_approx_mode=True: the cheaper variants documented in tx_sfpu.h. Run with Float32 CBs and an
# fp32 DST so the documented error bounds are checked directly (no bf16 rounding on top).
APPROX_OPS = [
    ("exp", "exp_tile_init(); exp_tile(0)", ["sym"], np.exp, ("rel", 2.5e-4, 0)),
    ("exp_tmpl", "exp_tile_init<true>(); exp_tile<true>(0)", ["sym"], np.exp, ("rel", 2.5e-4, 0)),
    ("exp2", "exp2_tile_init(); exp2_tile(0)", ["sym"], np.exp2, ("rel", 2.5e-4, 0)),
    ("expm1", "expm1_tile_init(); expm1_tile(0)", ["sym"], np.expm1, ("rel", 2.5e-4, 2.5e-4)),
    ("log", "log_tile_init(); log_tile(0)", ["pos"], np.log, ("rel", 1e-6, 1e-3)),
    ("log1p", "log1p_tile_init(); log1p_tile(0)", ["pos"], np.log1p, ("rel", 1e-6, 1e-3)),
    ("recip", "recip_tile_init(); recip_tile(0)", ["nz"], lambda x: 1 / x, ("rel", 2.6e-3, 0)),
    ("sqrt", "sqrt_tile_init(); sqrt_tile(0)", ["pos"], np.sqrt, ("rel", 1.8e-3, 0)),
    ("rsqrt", "rsqrt_tile_init(); rsqrt_tile(0)", ["pos"], lambda x: 1 / np.sqrt(x), ("rel", 1.8e-3, 0)),
    ("sigmoid", "sigmoid_tile_init(); sigmoid_tile(0)", ["sym"], lambda x: 1 / (1 + np.exp(-x)), ("rel", 3e-3, 0)),
    ("silu", "silu_tile_init(); silu_tile(0)", ["sym"], lambda x: x / (1 + np.exp(-x)), ("rel", 3e-3, 1e-6)),
    ("gelu", "gelu_tile_init<false>(); gelu_tile<false>(0)", ["sym"],   # APPROX overrides <false>: tanh form
     lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))), ("rel", 1e-5, 5e-4)),
]


def _inputs(ops, seed, rnd=bf):
    rng = np.random.default_rng(seed)
    tiles, per_op = [], []
    for op in ops:
        xs = [rnd(dom(d, rng)) for d in op[2]]
        tiles += xs
        per_op.append([x.astype(np.float64) for x in xs])
    return tiles, per_op


def _blocks(ops):
    return [(len(op[2]), op[1], op[5] if len(op) > 5 else 0) for op in ops]


def test_unary_and_binary_sfpu_ops(dev):
    tiles, xs = _inputs(EXACT_OPS, 1)
    out = _run(dev, _blocks(EXACT_OPS), tiles, math_approx_mode=False)
    for op, x, y in zip(EXACT_OPS, xs, out):
        with np.errstate(all="ignore"):
            ref = op[3](*x)
        check(op[0], y, ref, op[4])


def test_approx_mode_variants(dev):
    tiles, xs = _inputs(APPROX_OPS, 2, rnd=f32)
    cfg = dict(in_fmt=F.Float32, out_fmt=F.Float32, fp32_dest_acc_en=True)
    approx = _run(dev, _blocks(APPROX_OPS), tiles, math_approx_mode=True, **cfg)
    exact = _run(dev, _blocks(APPROX_OPS), tiles, math_approx_mode=False, **cfg)
    for op, x, ya, ye in zip(APPROX_OPS, xs, approx, exact):
        check(op[0] + " (approx)", ya, op[3](*x), op[4], rnd=f32)
        if op[0] == "exp_tmpl":   # exp_tile<true> is approximate whatever math_approx_mode says
            assert (ya == ye).all(), "exp_tile<true> depends on math_approx_mode"
        else:                     # math_approx_mode really selects a different computation
            assert (ya != ye).any(), f"{op[0]}: math_approx_mode=True gave the exact results"


def test_softplus_chain(dev):
    """The doc's sfpu_eltwise_chain: softplus = log(exp(x) + 1) with add_binary_tile, bf16 DST rounding
    after every step."""
    rng = np.random.default_rng(3)
    x = bf(rng.uniform(-4, 4, 1024))
    code = ("exp_tile_init(); exp_tile(0); add_binary_tile_init(); add_binary_tile(0, 1, 0); "
            "log_tile_init(); log_tile(0)")
    y = _run(dev, [(2, code, 0)], [x, np.ones(1024, np.float32)])[0]
    e = bf(np.exp(x.astype(np.float64)))
    s = bf(e + np.float32(1))
    check("softplus chain (stepwise)", y, np.log(s.astype(np.float64)), ("ulp", 1))
    check("softplus chain vs log(exp(x)+1)", y, np.log1p(np.exp(x.astype(np.float64))), ("rel", 1e-2, 4e-3))


def test_fp32_dest_acc_keeps_fp32(dev):
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, 1024).astype(np.float32)
    blocks = [(1, "exp_tile_init(); exp_tile(0)", 0), (1, "sin_tile_init(); sin_tile(0)", 0)]
    y = _run(dev, blocks, [x, x], in_fmt=F.Float32, out_fmt=F.Float32, fp32_dest_acc_en=True)
    for name, got, ref in (("exp", y[0], np.exp(x.astype(np.float64))), ("sin", y[1], np.sin(x.astype(np.float64)))):
        ref32 = ref.astype(np.float32)
        ulp = np.spacing(np.abs(ref32))
        assert (np.abs(got.astype(np.float64) - ref32) <= 2 * ulp).all(), f"fp32 {name} beyond 2 fp32 ulps"
        assert ((got.view(np.uint32) & 0xFFFF) != 0).mean() > 0.9, f"fp32 {name} was rounded to bf16"


def test_typecast(dev):
    special = np.array([2.5, 3.5, -2.5, -0.5, 0.5, 1.5, 3e9, -3e9, np.nan, np.inf, -np.inf, 65536, 70000, -7, 1e-3, 255.5],
                       np.float32)
    rng = np.random.default_rng(5)
    x = bf(np.concatenate([special, rng.uniform(-1000, 1000, 1024 - special.size)]))
    xd = x.astype(np.float64)

    def to_int(d, lo, hi):
        r = np.where(np.isnan(d), 0, np.clip(np.rint(np.nan_to_num(d, posinf=hi, neginf=lo)), lo, hi))
        return r

    # float -> Int32 (uint32_t template arguments) and -> UInt16 (DataFormat arguments)
    y = _run(dev, [(1, "typecast_tile_init<(uint32_t)DataFormat::Float16_b, (uint32_t)DataFormat::Int32>(); "
                       "typecast_tile<(uint32_t)DataFormat::Float16_b, (uint32_t)DataFormat::Int32>(0)", 0)],
             [x], out_fmt=F.Int32)[0]
    assert (y == to_int(xd, -2**31, 2**31 - 1)).all(), y[:16]
    y = _run(dev, [(1, "typecast_tile_init<DataFormat::Float16_b, DataFormat::UInt16>(); "
                       "typecast_tile<DataFormat::Float16_b, DataFormat::UInt16>(0)", 0)], [x], out_fmt=F.UInt16)[0]
    assert (y == to_int(xd, 0, 65535)).all(), y[:16]
    # Int32 -> Float16_b: the nearest fp32, then bf16 nearest-even
    i = np.concatenate([[16777217, -16777217, 2**31 - 1, -2**31, 0, 1, -1, 257, 259],
                        rng.integers(-2**31, 2**31, 1024 - 9)]).astype(np.int32)
    y = _run(dev, [(1, "typecast_tile_init<DataFormat::Int32, DataFormat::Float16_b>(); "
                       "typecast_tile<DataFormat::Int32, DataFormat::Float16_b>(0)", 0)], [i], in_fmt=F.Int32)[0]
    check("Int32->Float16_b", y, i.astype(np.float32), "exact")
    # Float32 <-> UInt32 with fp32 DST
    f = rng.uniform(-10, 5e9, 1024).astype(np.float32)
    f[:4] = [0.5, 1.5, 4294967296.0, -1]
    y = _run(dev, [(1, "typecast_tile_init<DataFormat::Float32, DataFormat::UInt32>(); "
                       "typecast_tile<DataFormat::Float32, DataFormat::UInt32>(0)", 0)], [f],
             in_fmt=F.Float32, out_fmt=F.UInt32, fp32_dest_acc_en=True)[0]
    assert (y == to_int(f.astype(np.float64), 0, 2**32 - 1)).all(), y[:8]
    u = rng.integers(0, 2**32, 1024, dtype=np.uint64).astype(np.uint32)
    y = _run(dev, [(1, "typecast_tile_init<DataFormat::UInt32, DataFormat::Float32>(); "
                       "typecast_tile<DataFormat::UInt32, DataFormat::Float32>(0)", 0)], [u],
             in_fmt=F.UInt32, out_fmt=F.Float32, fp32_dest_acc_en=True)[0]
    assert (y == u.astype(np.float32)).all()
    # Float32 -> Float16 (nearest-even, subnormals, overflow to inf) kept in an fp32 DST
    h = np.concatenate([[1 + 2**-11, 1 + 3 * 2**-11, 65519, 65520, 1e5, 3e-6, 2**-25, -2**-24 * 1.5],
                        rng.uniform(-100, 100, 1016)]).astype(np.float32)
    y = _run(dev, [(1, "typecast_tile_init<DataFormat::Float32, DataFormat::Float16>(); "
                       "typecast_tile<DataFormat::Float32, DataFormat::Float16>(0); tanh_tile<true>(1)", 0)], [h],
             in_fmt=F.Float32, out_fmt=F.Float32, fp32_dest_acc_en=True)[0]
    with np.errstate(over="ignore"):
        h16 = h.astype(np.float16).astype(np.float32)
    assert (y == h16).all(), (y[:8], h16[:8])


def test_int32_sfpu_ops(dev):
    rng = np.random.default_rng(6)
    a = rng.integers(-1000, 1000, 1024).astype(np.int32)
    b = rng.integers(-1000, 1000, 1024).astype(np.int32)
    a[:4] = [0, 5, -5, 6]
    ops = [("abs", "abs_tile_int32(0)", 1, lambda a, b: np.abs(a)),
           ("neg", "negative_tile_int32(0)", 1, lambda a, b: -a),
           ("relu", "relu_tile_int32(0)", 1, lambda a, b: np.maximum(a, 0)),
           ("gt5", "unary_gt_tile_int32(0, 5)", 1, lambda a, b: (a > 5).astype(np.int32)),
           ("ltz", "ltz_tile_int32(0)", 1, lambda a, b: (a < 0).astype(np.int32)),
           ("max", "binary_max_int32_tile(0, 1, 0)", 2, lambda a, b: np.maximum(a, b)),
           ("add", "add_int32_tile_init(); add_int32_tile(0, 1, 0)", 2, lambda a, b: a + b)]
    tiles = []
    for op in ops:
        tiles += [a, b][:op[2]]
    y = _run(dev, [(op[2], op[1], 0) for op in ops], tiles, in_fmt=F.Int32, out_fmt=F.Int32)
    for op, got in zip(ops, y):
        assert (got == op[3](a, b)).all(), f"{op[0]}_int32: {got[:8]} vs {op[3](a, b)[:8]}"


@pytest.mark.parametrize("op", ["topk_tile_init()", "dropout_tile(0, 0, 0)", "erfinv_tile(0)"])
def test_unimplemented_op_fails_to_compile(dev, op):
    name = op.split("(")[0]
    with pytest.raises(CompileError, match=f"{name} is not simulated"):
        _run(dev, [(1, op, 0)], [np.zeros(1024, np.float32)])


@pytest.mark.parametrize("fp32,idx", [(False, 8), (True, 4)])
def test_dst_index_beyond_capacity(dev, fp32, idx):
    fmt = F.Float32 if fp32 else F.Float16_b
    with pytest.raises(DeviceError, match=rf"exp_tile: DST index {idx} is beyond the DST capacity of {idx} tiles"):
        _run(dev, [(1, f"exp_tile_init(); exp_tile({idx})", 0)], [np.zeros(1024, np.float32)],
             in_fmt=fmt, out_fmt=fmt, fp32_dest_acc_en=fp32)
    # the device is usable afterwards
    y = _run(dev, [(1, f"exp_tile_init(); exp_tile({idx - 1}); exp_tile(0)", 0)], [np.zeros(1024, np.float32)],
             in_fmt=fmt, out_fmt=fmt, fp32_dest_acc_en=fp32)[0]
    assert (y == 1).all()


def test_sfpu_without_acquire_is_an_error(dev):
    src = HEADERS + "void kernel_main() { init_sfpu(0, 16); exp_tile_init(); exp_tile(0); }\n"
    with pytest.raises(DeviceError, match=r"exp_tile: DST is not held by the math thread"):
        dev.queue.enqueue(Program((0, 0), [Kernel(src, on="compute")],
                                  [CircularBuffer(0, F.Float16_b, 2048, 2), CircularBuffer(16, F.Float16_b, 2048, 2)]))


def test_legacy_headers_and_sfpu_op_chain_defines(dev):
    """Every SFPU header at its legacy path (compute_kernel_api/...), the legacy NAMESPACE/MAIN entry,
    and the ttnn style of op selection: sfpu_split_includes.h + SFPU_OP_CHAIN_0 kernel defines."""
    from pathlib import Path
    import tensix
    inc = Path(tensix.__file__).parent / "sim" / "include"
    legacy = sorted(p.relative_to(inc).as_posix() for p in (inc / "compute_kernel_api").rglob("*.h")
                    if (inc / "api" / "compute" / p.relative_to(inc / "compute_kernel_api")).exists())
    assert "compute_kernel_api/eltwise_unary/exp.h" in legacy and "compute_kernel_api/eltwise_binary_sfpu.h" in legacy
    src = "".join(f'#include "{h}"\n' for h in legacy + ["compute_kernel_api.h"]) + r"""
namespace NAMESPACE {
void MAIN {
    init_sfpu(0);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    SFPU_OP_CHAIN_0
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile(0, 16);
    tile_regs_release();
    cb_pop_front(0, 1);
    cb_push_back(16, 1);
}
}"""
    defines = {"SFPU_OP_EXP_INCLUDE": "1", "SFPU_OP_CHAIN_0": "SFPU_OP_CHAIN_0_INIT_0 SFPU_OP_CHAIN_0_FUNC_0",
               "SFPU_OP_CHAIN_0_INIT_0": "exp_tile_init();", "SFPU_OP_CHAIN_0_FUNC_0": "exp_tile(0);"}
    x = bf(np.random.default_rng(7).uniform(-3, 3, 1024))
    isz = tile_size(F.Float16_b)
    s, d = dev.dram_buffer(isz, isz), dev.dram_buffer(isz, isz)
    try:
        s.write(pack(x, F.Float16_b))
        dev.queue.enqueue(programs.feed(Kernel(src, on="compute", defines=defines), [s], d))
        check("legacy exp", unpack(d.read(np.uint8), F.Float16_b), np.exp(x.astype(np.float64)), ("ulp", 1))
    finally:
        s.free()
        d.free()
