"""The traced element-wise expression: `Sym` values built by the function given to `fuse` (operators,
.exp() and the other unary methods, where()), their numpy evaluation (references, and finding out
whether an expression keeps zero padding), constant folding, and the table of element-wise functions
with the C++ call that evaluates each in DST.
"""
from __future__ import annotations

import math

import numpy as np

from .tensor import as_dtype

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


def simplify(e: Sym) -> Sym:
    """Constant folding and tensor-with-constant binaries as SFPU scalar ops."""
    if e.op in ("in", "const"):
        return e
    args = [simplify(a) for a in e.args]
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
