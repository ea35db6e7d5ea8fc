"""Fused element-wise ops: any expression of unary, binary and ternary element-wise functions over
tensors (with row / column / scalar / batch broadcasting) becomes ONE program: a reader that brings
one tile of every input per output tile, a compute kernel that evaluates the whole expression in DST
(FPU for a leaf add/sub/mul when the config allows, SFPU for the rest) and a writer.

    y = fuse(lambda a, b, c: (a * b + c).exp(), a, b, c)        # exp(a*b+c): one compute kernel

Padding stays zero: when the expression is not zero on the padding (exp, x - mean, ...) the edge
tiles are multiplied by 0/1 mask tiles before they are packed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import CircularBuffer, Kernel, Program, TensorAccessorArgs
from .kernels import COMPUTE_INCLUDES, core_counts, core_list, f32_bits, l1_budget, work
from .op import Built, Op, run
from .tensor import TILE, Tensor, as_dtype, fmt, tile_bytes, tolerance

# name -> (C++ call on a DST slot, its init, numpy reference)
UNARY = {
    "exp": ("exp_tile", "exp_tile_init", np.exp),
    "log": ("log_tile", "log_tile_init", np.log),
    "sqrt": ("sqrt_tile", "sqrt_tile_init", np.sqrt),
    "rsqrt": ("rsqrt_tile", "rsqrt_tile_init", lambda x: 1 / np.sqrt(x)),
    "recip": ("recip_tile", "recip_tile_init", lambda x: 1 / x),
    "relu": ("relu_tile", "relu_tile_init", lambda x: np.maximum(x, 0)),
    "gelu": ("gelu_tile", "gelu_tile_init",
             lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
    "sigmoid": ("sigmoid_tile", "sigmoid_tile_init", lambda x: 1 / (1 + np.exp(-x))),
    "silu": ("silu_tile", "silu_tile_init", lambda x: x / (1 + np.exp(-x))),
    "tanh": ("tanh_tile", "tanh_tile_init", np.tanh),
    "abs": ("abs_tile", "abs_tile_init", np.abs),
    "neg": ("negative_tile", "negative_tile_init", np.negative),
    "square": ("square_tile", "square_tile_init", np.square),
    "sin": ("sin_tile", "sin_tile_init", np.sin),
    "cos": ("cos_tile", "cos_tile_init", np.cos),
    "erf": ("erf_tile", "erf_tile_init", np.vectorize(math.erf)),
}
INT_UNARY = {"neg": "negative_tile_int32", "abs": "abs_tile_int32", "relu": "relu_tile_int32"}
# binary: (SFPU call, FPU call or None, numpy)
BINARY = {
    "add": ("add_binary_tile", "add_tiles", np.add),
    "sub": ("sub_binary_tile", "sub_tiles", np.subtract),
    "mul": ("mul_binary_tile", "mul_tiles", np.multiply),
    "div": ("div_binary_tile", None, np.divide),
    "max": ("max_binary_tile", None, np.maximum),
    "min": ("min_binary_tile", None, np.minimum),
}
INT_BINARY = {"add": "add_int32_tile", "sub": "sub_int32_tile", "max": "binary_max_int32_tile",
              "min": "binary_min_int32_tile"}
# tensor op scalar -> SFPU scalar op (value transformed first)
SCALAR = {"add": ("add_unary_tile", lambda c: c), "sub": ("sub_unary_tile", lambda c: c),
          "mul": ("mul_unary_tile", lambda c: c), "div": ("mul_unary_tile", lambda c: 1.0 / c),
          "rsub": ("rsub_unary_tile", lambda c: c), "max": ("unary_max_tile", lambda c: c),
          "min": ("unary_min_tile", lambda c: c)}


# ---- the traced expression --------------------------------------------------------------------------
class Sym:
    """A value in a traced element-wise expression. Leaves are inputs (`in`) and constants."""

    def __init__(self, op: str, args=(), value=None) -> None:
        self.op, self.args, self.value = op, tuple(args), value

    @staticmethod
    def lift(x) -> "Sym":
        return x if isinstance(x, Sym) else Sym("const", value=float(x))

    def _b(self, op, o, swap=False):
        a, b = (Sym.lift(o), self) if swap else (self, Sym.lift(o))
        return Sym(op, (a, b))

    def __add__(self, o): return self._b("add", o)
    def __radd__(self, o): return self._b("add", o, True)
    def __sub__(self, o): return self._b("sub", o)
    def __rsub__(self, o): return self._b("sub", o, True)
    def __mul__(self, o): return self._b("mul", o)
    def __rmul__(self, o): return self._b("mul", o, True)
    def __truediv__(self, o): return self._b("div", o)
    def __rtruediv__(self, o): return self._b("div", o, True)
    def __neg__(self): return Sym("neg", (self,))

    def maximum(self, o): return self._b("max", o)
    def minimum(self, o): return self._b("min", o)

    def cast(self, dtype: str) -> "Sym":
        return Sym("cast", (self,), as_dtype(dtype))

    def __getattr__(self, name):
        if name in UNARY:
            return lambda: Sym(name, (self,))
        raise AttributeError(name)

    def __repr__(self) -> str:
        if self.op == "in":
            return f"in{self.value}"
        if self.op == "const":
            return f"{self.value:g}"
        extra = [f"{self.value:g}"] if self.op.startswith("scalar_") else [str(self.value)] if self.op == "cast" else []
        return f"{self.op}({', '.join([*map(repr, self.args), *extra])})"


def where(c, a, b) -> Sym:
    """c != 0 ? a : b, element-wise (the SFPU where_tile)."""
    return Sym("where", (Sym.lift(c), Sym.lift(a), Sym.lift(b)))


def evaluate(e: Sym, xs: list[np.ndarray]) -> np.ndarray:
    """The expression in numpy (float64), for references and for finding out whether it keeps zeros."""
    if e.op == "in":
        return xs[e.value]
    if e.op == "const":
        return np.float64(e.value)
    a = [evaluate(x, xs) for x in e.args]
    with np.errstate(all="ignore"):
        if e.op in UNARY:
            return UNARY[e.op][2](a[0])
        if e.op in BINARY:
            return BINARY[e.op][2](a[0], a[1])
        if e.op == "where":
            return np.where(a[0] != 0, a[1], a[2])
        if e.op == "cast":
            return np.trunc(a[0]) if e.value == "int32" else a[0]
        if e.op == "scalar_rsub":
            return e.value - a[0]
        if e.op.startswith("scalar_"):
            return BINARY[e.op[7:]][2](a[0], e.value)
    raise ValueError(f"unknown element-wise op {e.op}")


def _simplify(e: Sym) -> Sym:
    """Constant folding and tensor-with-constant binaries as SFPU scalar ops."""
    if e.op in ("in", "const"):
        return e
    args = [_simplify(a) for a in e.args]
    if all(a.op == "const" for a in args):
        return Sym("const", value=float(evaluate(Sym(e.op, args), [])))
    if e.op in BINARY and len(args) == 2:
        a, b = args
        if b.op == "const" and e.op in SCALAR:
            return Sym("scalar_" + e.op, (a,), b.value)
        if a.op == "const" and e.op in ("add", "mul", "max", "min"):
            return Sym("scalar_" + e.op, (b,), a.value)
        if a.op == "const" and e.op == "sub":
            return Sym("scalar_rsub", (b,), a.value)
    return Sym(e.op, args, e.value)


# ---- the op -------------------------------------------------------------------------------------------
@dataclass
class Operand:
    """How input i maps onto the output: tile strides (0 = broadcast) and the broadcast inside a tile."""
    strides: tuple[int, int, int]        # tile index = b*sb + r*sr + c*sc
    bcast: str                           # "none" | "row" | "col" | "scalar"


def _operand(t: Tensor, shape: tuple) -> Operand:
    oshape = (1,) * (len(shape) - len(t.shape)) + tuple(t.shape)
    for d, (i, o) in enumerate(zip(oshape, shape)):
        if i not in (1, o):
            raise ValueError(f"cannot broadcast input of shape {t.shape} to {shape} (dim {d}: {i} vs {o})")
    if len(shape) > 2 and oshape[:-2] != tuple(shape[:-2]) and math.prod(oshape[:-2]) != 1:
        raise ValueError(f"batch broadcasting of {t.shape} to {shape}: the leading dims must all match or all be 1")
    H1, W1 = oshape[-2] == 1 and shape[-2] != 1, oshape[-1] == 1 and shape[-1] != 1
    Ht, Wt = t.Ht, t.Wt
    sb = 0 if (len(shape) > 2 and math.prod(oshape[:-2]) == 1 and math.prod(shape[:-2]) > 1) else Ht * Wt
    bcast = "scalar" if H1 and W1 else "row" if H1 else "col" if W1 else "none"
    return Operand((sb, 0 if H1 else Wt, 0 if W1 else 1), bcast)


class Eltwise(Op):
    name = "eltwise"

    def __init__(self, fn, tensors: list[Tensor], out_dtype: str | None = None) -> None:
        ts = [t for t in tensors if isinstance(t, Tensor)]
        if not ts:
            raise ValueError("fuse needs at least one Tensor argument")
        for t in ts:
            if t.layout != "tiled":
                raise ValueError(f"{t!r}: element-wise ops take tiled tensors; make it with layout='tiled'")
            if t.device is not ts[0].device:
                raise ValueError("all inputs of an op must be on one device")
        self.inputs = ts
        syms, k = [], 0
        for t in tensors:
            if isinstance(t, Tensor):
                syms.append(Sym("in", value=k))
                k += 1
            else:
                syms.append(Sym.lift(t))
        self.expr = _simplify(Sym.lift(fn(*syms)))
        shape = np.broadcast_shapes(*[t.shape for t in ts])
        self.shape = tuple(int(s) for s in shape)
        self.operands = [_operand(t, self.shape) for t in ts]
        dts = {t.dtype for t in ts}
        self.dtype = out_dtype and as_dtype(out_dtype) or (self.expr.value if self.expr.op == "cast" else
                                                            ("fp32" if "fp32" in dts else ts[0].dtype))
        self.integer = all(t.dtype == "int32" for t in ts) and self.dtype == "int32" and self.expr.op != "cast"
        self.fp32 = any(t.dtype in ("fp32", "int32") for t in ts) or self.dtype in ("fp32", "int32")
        Hp, Wp = -(-self.shape[-2] // TILE), -(-self.shape[-1] // TILE)
        self.Ht, self.Wt = Hp, Wp
        self.batch = math.prod(self.shape[:-2]) if len(self.shape) > 2 else 1
        self.tiles = self.batch * Hp * Wp
        self.mask = (self.shape[-2] % TILE or self.shape[-1] % TILE) and not self._keeps_zero_padding()
        self.slots = self._pressure(self.expr) + (2 if self.mask else 0)
        self._masks = None

    def _keeps_zero_padding(self) -> bool:
        """True when every padding element of the output stays 0: full inputs are 0 there, broadcast
        inputs are whatever they hold (tried with two sets of values)."""
        for val in (1.37, -0.61, 0.0):       # broadcast inputs: their values, or their own zero padding
            xs = [np.float64(0.0) if op.bcast == "none" else np.float64(val) for op in self.operands]
            v = evaluate(self.expr, xs)
            if not np.all(np.asarray(v) == 0):
                return False
        return True

    def _pressure(self, e: Sym) -> int:
        """DST slots the evaluation needs (children left to right, result in the first child's slot)."""
        if e.op in ("in", "const"):
            return 1
        need = [self._pressure(a) + i for i, a in enumerate(e.args)]
        return max(need)

    # -- Op interface ---------------------------------------------------------------------------------
    def key(self) -> dict:
        return dict(super().key(), expr=repr(self.expr), out=self.dtype)

    def out_spec(self):
        return self.shape, self.dtype

    def dst_capacity(self) -> int:
        return 4 if self.fp32 else 8

    def fpu_leaf(self) -> bool:
        e = self.expr
        def find(x):
            if x.op in ("add", "sub", "mul") and all(a.op == "in" and self.operands[a.value].bcast == "none"
                                                   for a in x.args):
                return True
            return any(find(a) for a in x.args)
        return not self.integer and find(e)

    def space(self) -> dict:
        return {"cores": core_counts(self.device, self.tiles), "split": ["strided", "contiguous"],
                "block": [1, 2, 4, 8], "depth": [2, 3, 4],
                "fpu": [1, 0] if self.fpu_leaf() else [0], "reader_noc": [0, 1], "writer_noc": [1, 0]}

    def cb_bytes(self, cfg: dict) -> int:
        n = cfg["block"] * cfg["depth"]
        return sum(tile_bytes(t.dtype) for t in self.inputs) * n + tile_bytes(self.dtype) * n + \
            (3 * tile_bytes("bf16") if self.mask else 0)

    def check(self, cfg: dict) -> str | None:
        cap = self.dst_capacity()
        if cfg["block"] * self.slots > cap:
            return f"block {cfg['block']} x {self.slots} DST slots > {cap} DST tiles"
        if cfg["cores"] > self.device.grid.x * self.device.grid.y or cfg["cores"] > self.tiles:
            return f"{cfg['cores']} cores for {self.tiles} tiles"
        if self.cb_bytes(cfg) > l1_budget(self.device, self.inputs):
            return f"CBs need {self.cb_bytes(cfg)} B > {l1_budget(self.device, self.inputs)} B of L1"
        if len(self.inputs) > 7:
            return "at most 7 inputs (CBs 0..6)"
        nargs = 6 + 4 * len(self.inputs) + int(bool(self.mask))        # the reader's runtime args
        if nargs > self.device.arch.max_runtime_args:
            return f"the reader takes {nargs} runtime args > {self.device.arch.max_runtime_args}"
        return None

    def default(self) -> dict:
        cap = self.dst_capacity()
        block = max(b for b in (1, 2, 4) if b * self.slots <= cap) if self.slots <= cap else 1
        return {"cores": max(core_counts(self.device, self.tiles)), "split": "contiguous", "block": block, "depth": 2,
                "fpu": 1 if self.fpu_leaf() else 0, "reader_noc": 0, "writer_noc": 1}

    def seeds(self) -> list[dict]:
        d = self.default()
        return [dict(d, block=b, depth=3) for b in (2, 4, 8)]

    def reference(self, *arrays):
        r = evaluate(self.expr, [a.astype(np.float64) for a in arrays])
        return np.broadcast_to(r, self.shape)

    def tolerance(self, cfg):
        """Each op rounds its result in DST (bf16, or fp32 when any operand is fp32 / int32), the packer
        rounds once more to the output format; SFPU functions add their own error (API §4.7)."""
        ops = self._count(self.expr)
        dst = "fp32" if self.fp32 else "bf16"
        if self.integer:
            return 0.0, 0.0
        rel = tolerance(dst, ops=ops)[0] + tolerance(self.dtype, ops=0)[0]
        ab = tolerance(self.dtype, ops=0)[1] + tolerance(dst, ops=ops)[1]
        if any(op in repr(self.expr) for op in ("exp", "log", "sigmoid", "silu", "gelu", "tanh", "div", "recip",
                                                 "sqrt", "sin", "cos", "erf")):
            rel += 2.0 ** -9        # SFPU function accuracy
        return rel, ab

    def _count(self, e: Sym) -> int:
        return 0 if e.op in ("in", "const") else 1 + sum(self._count(a) for a in e.args)

    # -- code generation ------------------------------------------------------------------------------
    def _emit(self, e: Sym, free: list[int], lines: list[str], fpu: bool) -> int:
        """Code evaluating `e` into a DST slot (returned, relative to `base`)."""
        def slot():
            return free.pop(0)
        if e.op == "in":
            s, op = slot(), self.operands[e.value]
            cb = e.value
            if op.bcast == "none":
                lines.append(f"reconfig_data_format_srca(cb_in{cb}); copy_tile_to_dst_init_short(cb_in{cb}); copy_tile(cb_in{cb}, j, base + {s});")
            else:
                B = {"row": "ROW", "col": "COL", "scalar": "SCALAR"}[op.bcast]
                lines.append(f"reconfig_data_format_srca(cb_in{cb}); unary_bcast_init<BroadcastType::{B}>(cb_in{cb}, cb_out); "
                             f"unary_bcast<BroadcastType::{B}>(cb_in{cb}, j, base + {s});")
            return s
        if e.op == "const":
            s = slot()
            lines.append(f"fill_tile_init(); fill_tile(base + {s}, {e.value!r}f);")
            return s
        if fpu and e.op in ("add", "sub", "mul") and all(a.op == "in" and self.operands[a.value].bcast == "none"
                                                         for a in e.args):
            s = slot()
            a, b = (x.value for x in e.args)
            lines.append(f"reconfig_data_format(cb_in{a}, cb_in{b}); {e.op}_tiles_init(cb_in{a}, cb_in{b}); {BINARY[e.op][1]}(cb_in{a}, cb_in{b}, j, j, base + {s});"
                         f"   // FPU")
            return s
        if e.op.startswith("scalar_"):
            s = self._emit(e.args[0], free, lines, fpu)
            call, tr = SCALAR[e.op[7:]]
            if self.integer:
                raise ValueError(f"{e.op} with a constant is not available for int32 tensors")
            lines.append(f"binop_with_scalar_tile_init(); {call}(base + {s}, {f32_bits(tr(e.value))});")
            return s
        if e.op in UNARY:
            s = self._emit(e.args[0], free, lines, fpu)
            if self.integer:
                if e.op not in INT_UNARY:
                    raise ValueError(f"{e.op} is not available for int32 tensors (int32 has {sorted(INT_UNARY)})")
                lines.append(f"{INT_UNARY[e.op]}(base + {s});")
            else:
                call, init, _ = UNARY[e.op]
                lines.append(f"{init}(); {call}(base + {s});")
            return s
        if e.op == "cast":
            s = self._emit(e.args[0], free, lines, fpu)
            src = self._dtype_of(e.args[0])
            if (src == "int32") != (e.value == "int32"):
                a, b = int(fmt(src)), int(fmt(e.value))
                lines.append(f"typecast_tile_init<{a}u, {b}u>(); typecast_tile<{a}u, {b}u>(base + {s});"
                             f"   // {src} -> {e.value}")
            return s
        if e.op in BINARY:
            a = self._emit(e.args[0], free, lines, fpu)
            b = self._emit(e.args[1], free, lines, fpu)
            if self.integer:
                if e.op not in INT_BINARY:
                    raise ValueError(f"{e.op} is not available for int32 tensors (int32 has {sorted(INT_BINARY)})")
                lines.append(f"{INT_BINARY[e.op]}_init(); {INT_BINARY[e.op]}(base + {a}, base + {b}, base + {a});")
            else:
                call = BINARY[e.op][0]
                lines.append(f"{call}_init(); {call}(base + {a}, base + {b}, base + {a});")
            free.insert(0, b)
            free.sort()
            return a
        if e.op == "where":
            c, t, f = (self._emit(x, free, lines, fpu) for x in e.args)
            lines.append(f"where_tile_init(); where_tile(base + {c}, base + {t}, base + {f}, base + {c});")
            free.extend([t, f])
            free.sort()
            return c
        raise ValueError(f"element-wise op {e.op} has no lowering")

    def _dtype_of(self, e: Sym) -> str:
        if e.op == "in":
            return self.inputs[e.value].dtype
        if e.op == "cast":
            return e.value
        return self._dtype_of(e.args[0]) if e.args else "bf16"

    def compute_source(self, fpu: bool) -> str:
        lines: list[str] = []
        res = self._emit(self.expr, list(range(self.slots)), lines, fpu)
        n = len(self.inputs)
        body = "\n".join("            " + ln for ln in lines)
        mask = ""
        if self.mask:
            spare = self.slots - 2
            wm, hm = int(self.shape[-1] % TILE != 0), int(self.shape[-2] % TILE != 0)
            mask = f"""
            // the padding must stay zero (even where the expression gave inf or nan there): on edge tiles
            // keep the value where the 0/1 mask (0: cols, 1: rows, 2: both) is 1, else 0
            const uint32_t id = start + (done + j) * step, c = id % Wt, r = (id / Wt) % Ht;
            const uint32_t m = (({wm} && c == Wt - 1) ? 1 : 0) | (({hm} && r == Ht - 1) ? 2 : 0);
            if (m) {{
                reconfig_data_format_srca(cb_mask); copy_tile_to_dst_init_short(cb_mask); copy_tile(cb_mask, m - 1, base + {spare});
                fill_tile_init(); fill_tile(base + {spare + 1}, 0.0f);
                where_tile_init(); where_tile(base + {spare}, base + {res}, base + {spare + 1}, base + {res});
            }}"""
        cbs = "\n".join(f"constexpr uint32_t cb_in{i} = {i};" for i in range(n))
        waits = " ".join(f"cb_wait_front(cb_in{i}, m);" for i in range(n))
        pops = " ".join(f"cb_pop_front(cb_in{i}, m);" for i in range(n))
        return f"""// generated by tensix.gen: out = {self.expr!r}
// {self.tiles} tiles of {self.shape}; each DST block holds `block` tiles of {self.slots} slots each.
// Runtime args: first tile, number of tiles, block, tile step (this core's tiles: first + k * step),
// Ht, Wt (output tiles per matrix column / row).
{COMPUTE_INCLUDES}
{cbs}
constexpr uint32_t cb_mask = 8, cb_out = 16;
constexpr uint32_t SLOTS = {self.slots};

void kernel_main() {{
    const uint32_t start = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1), block = get_arg_val<uint32_t>(2);
    const uint32_t step = get_arg_val<uint32_t>(3), Ht = get_arg_val<uint32_t>(4), Wt = get_arg_val<uint32_t>(5);
    (void)start; (void)step; (void)Ht; (void)Wt;
    init_sfpu(cb_in0, cb_out);
    {"cb_wait_front(cb_mask, 3);" if self.mask else ""}
    for (uint32_t done = 0; done < n; done += block) {{
        const uint32_t m = n - done < block ? n - done : block;
        {waits}
        tile_regs_acquire();
        for (uint32_t j = 0; j < m; j++) {{
            const uint32_t base = j * SLOTS;
{body}{mask}
        }}
        tile_regs_commit();
        {pops}
        cb_reserve_back(cb_out, m);
        tile_regs_wait();
        for (uint32_t j = 0; j < m; j++) pack_tile(j * SLOTS + {res}, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, m);
    }}
}}
"""

    def reader_source(self) -> str:
        n = len(self.inputs)
        acc, reads, ctas = [], [], []
        off = "0"
        for i, op in enumerate(self.operands):
            sb, sr, sc = op.strides
            acc.append(f"    constexpr auto a{i}_args = TensorAccessorArgs<{off}>();\n"
                       f"    const auto a{i} = TensorAccessor(a{i}_args, get_arg_val<uint32_t>({6 + i}), get_tile_size({i}));")
            off = f"a{i}_args.next_compile_time_args_offset()"
            acc.append(f"    const uint32_t sb{i} = get_arg_val<uint32_t>({6 + n + 3 * i}), sr{i} = get_arg_val<uint32_t>({7 + n + 3 * i}), "
                       f"sc{i} = get_arg_val<uint32_t>({8 + n + 3 * i});")
            reads.append(f"        cb_reserve_back({i}, m);\n"
                         f"        for (uint32_t j = 0, l1 = get_write_ptr({i}); j < m; j++, l1 += get_tile_size({i})) {{\n"
                         f"            const uint32_t t = start + (k + j) * step, b = t / (Ht * Wt), r = (t / Wt) % Ht, c = t % Wt;\n"
                         f"            noc_async_read_tile(b * sb{i} + r * sr{i} + c * sc{i}, a{i}, l1);\n"
                         f"        }}")
        pushes = " ".join(f"cb_push_back({i}, m);" for i in range(n))
        mask = ""
        if self.mask:
            mask = f"""    {{   // the three 0/1 mask tiles, once
        constexpr auto m_args = TensorAccessorArgs<{off}>();
        const auto mk = TensorAccessor(m_args, get_arg_val<uint32_t>({6 + 4 * n}), get_tile_size(8));
        cb_reserve_back(8, 3);
        for (uint32_t k = 0; k < 3; k++) noc_async_read_tile(k, mk, get_write_ptr(8) + k * get_tile_size(8));
        noc_async_read_barrier();
        cb_push_back(8, 3);
    }}
"""
        body = "\n".join(reads)
        accs = "\n".join(acc)
        return f"""// generated by tensix.gen: element-wise reader, {n} input(s), one tile of each per output tile.
// Runtime args: first tile, number of tiles, block, tile step (this core's tiles: first + k * step),
// Ht, Wt of the output, the input addresses, per input its tile strides (batch, row, column; 0 where
// it is broadcast){", the mask address" if self.mask else ""}.
void kernel_main() {{
    const uint32_t start = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1), block = get_arg_val<uint32_t>(2);
    const uint32_t step = get_arg_val<uint32_t>(3), Ht = get_arg_val<uint32_t>(4), Wt = get_arg_val<uint32_t>(5);
{accs}
{mask}    for (uint32_t k = 0; k < n; k += block) {{
        const uint32_t m = n - k < block ? n - k : block;
{body}
        noc_async_read_barrier();
        {pushes}
    }}
}}
"""

    def _mask_tensor(self) -> Tensor:
        if self._masks is None:
            wr, hr = self.shape[-1] % TILE or TILE, self.shape[-2] % TILE or TILE
            cols = (np.arange(TILE) < wr)[None, :].repeat(TILE, 0)
            rows = (np.arange(TILE) < hr)[:, None].repeat(TILE, 1)
            m = np.stack([cols, rows, cols & rows]).astype(np.float32).reshape(3 * TILE, TILE)
            self._masks = Tensor.from_numpy(self.device, m, "bf16")
        return self._masks

    def build(self, cfg: dict, out: Tensor) -> Built:
        dev = self.device
        cores = core_list(dev, cfg["cores"])
        parts = work(cores, self.tiles, cfg["split"])
        addrs = [t.buffer for t in self.inputs]
        keep = []
        extra_ct, extra_rt = [], []
        if self.mask:
            mt = self._mask_tensor()
            keep.append(mt)
            extra_ct, extra_rt = [TensorAccessorArgs(mt.buffer)], [mt.buffer]
        rsrc, csrc = self.reader_source(), self.compute_source(bool(cfg["fpu"]))
        wsrc = writer_source()
        blk = cfg["block"]
        parts = {c: [s, k, blk, st, self.Ht, self.Wt] for c, (s, k, st) in parts.items()}
        strides = [v for op in self.operands for v in op.strides]
        reader = Kernel(rsrc, on="reader", noc=cfg["reader_noc"], name="gen_eltwise_reader.cpp",
                        compile_args=[*[TensorAccessorArgs(b) for b in addrs], *extra_ct],
                        runtime_args={c: [*p, *addrs, *strides, *extra_rt] for c, p in parts.items()})
        compute = Kernel(csrc, on="compute", name="gen_eltwise_compute.cpp", fp32_dest_acc_en=self.fp32,
                         runtime_args=parts)
        writer = Kernel(wsrc, on="writer", noc=cfg["writer_noc"], name="gen_eltwise_writer.cpp",
                        compile_args=[TensorAccessorArgs(out.buffer)],
                        runtime_args={c: [*p[:4], out.buffer] for c, p in parts.items()})
        pages = blk * cfg["depth"]
        cbs = [CircularBuffer(i, t.format, tile_bytes(t.dtype), pages) for i, t in enumerate(self.inputs)]
        cbs.append(CircularBuffer(16, out.format, tile_bytes(out.dtype), pages))
        if self.mask:
            cbs.append(CircularBuffer(8, fmt("bf16"), tile_bytes("bf16"), 3))
        prog = Program(cores, [reader, compute, writer], cbs)
        return Built(prog, {"reader": rsrc, "compute": csrc, "writer": wsrc}, keep)


def writer_source() -> str:
    """The writer every tile-streaming op shares (one text, so one compile per arch and format)."""
    return f"""// generated by tensix.gen: writer: tiles from CB 16 to the output, `block` at a time.
// Runtime args: first tile, number of tiles, block, tile step (this core's tiles: first + k * step),
// output address.
void kernel_main() {{
    const uint32_t start = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1), block = get_arg_val<uint32_t>(2);
    const uint32_t step = get_arg_val<uint32_t>(3);
    constexpr auto out_args = TensorAccessorArgs<0>();
    const uint32_t tile_bytes = get_tile_size(16);
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(4), tile_bytes);
    for (uint32_t k = 0; k < n; k += block) {{
        const uint32_t m = n - k < block ? n - k : block;
        cb_wait_front(16, m);
        for (uint32_t j = 0, l1 = get_read_ptr(16); j < m; j++, l1 += tile_bytes)
            noc_async_write_tile(start + (k + j) * step, out, l1);
        noc_async_write_barrier();
        cb_pop_front(16, m);
    }}
}}
"""


# ---- the public functions -------------------------------------------------------------------------------
def fuse(fn, *tensors, out_dtype: str | None = None, config: dict | None = None, beam: int | None = None,
         out: Tensor | None = None) -> Tensor:
    """One program computing fn(*tensors) element-wise. Arguments may be Tensors or numbers; fn sees
    symbolic values with + - * /, .exp() .log() .sqrt() .rsqrt() .recip() .relu() .gelu() .sigmoid()
    .silu() .tanh() .abs() .square() .sin() .cos() .erf() .maximum() .minimum() .cast(), and where()."""
    return run(Eltwise(fn, list(tensors), out_dtype), config, beam, out)


def _unary(name):
    def f(x: Tensor, **kw) -> Tensor:
        return fuse(lambda a: getattr(a, name)(), x, **kw)
    f.__name__ = name
    f.__doc__ = f"{name}(x), element-wise, one program."
    return f


exp, log, sqrt, rsqrt, recip, relu, gelu, sigmoid, silu, tanh = (_unary(n) for n in (
    "exp", "log", "sqrt", "rsqrt", "recip", "relu", "gelu", "sigmoid", "silu", "tanh"))


def add(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x + y, a, b, **kw)


def sub(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x - y, a, b, **kw)


def mul(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x * y, a, b, **kw)


def typecast(x: Tensor, dtype: str, **kw) -> Tensor:
    """x in another dtype (float formats convert in the packer; int32 <-> float with typecast_tile)."""
    return fuse(lambda a: a.cast(dtype), x, out_dtype=dtype, **kw)
