"""Softmax and layernorm as compositions of reductions and fused element-wise programs.

softmax(x) over the last dim = e / sum(e) with e = exp(x - max(x)): a max reduction, one fused
exp(x - m) program (m broadcast along rows), a sum reduction and one fused e * recip(s) program.
layernorm(x) = (x - mean) * rsqrt(var + eps) * gamma + beta: a mean, a fused x - mean, a mean of the
fused square, and one fused normalise-scale-shift program. The padding stays zero throughout (the
fused programs mask it), so the reductions see only the real values.
"""
from __future__ import annotations

from .eltwise import fuse
from .reduce import reduce
from .tensor import Tensor


def softmax(x: Tensor, *, beam: int | None = None) -> Tensor:
    m = reduce(x, "max", -1, beam=beam)
    e = fuse(lambda a, b: (a - b).exp(), x, m, beam=beam)
    s = reduce(e, "sum", -1, beam=beam)
    y = fuse(lambda a, b: a * b.recip(), e, s, beam=beam)
    for t in (m, e, s):
        t.free()
    return y


def layernorm(x: Tensor, gamma: Tensor | None = None, beta: Tensor | None = None, eps: float = 1e-5, *,
              beam: int | None = None) -> Tensor:
    mu = reduce(x, "mean", -1, beam=beam)
    xc = fuse(lambda a, b: a - b, x, mu, beam=beam)
    sq = fuse(lambda a: a * a, xc, beam=beam)
    var = reduce(sq, "mean", -1, beam=beam)
    args = [xc, var] + [t for t in (gamma, beta) if t is not None]

    def norm(a, v, *gb):
        y = a * (v + eps).rsqrt()
        if gamma is not None:
            y = y * gb[0]
        if beta is not None:
            y = y + gb[-1]
        return y
    y = fuse(norm, *args, beam=beam)
    for t in (mu, xc, sq, var):
        t.free()
    return y
