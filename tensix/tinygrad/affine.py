"""Which loads and stores walk memory with a constant stride along the tile: tinygrad's index arithmetic
evaluated with numpy over every point of the kernel's (constant) loop ranges. A strided leaf is a copy
out of the L1 page cache (CYC_AFFINE cycles per element on the RISC-V); any other index pays for its
arithmetic per element (see cgen's cost model)."""
from __future__ import annotations

import numpy as np
from tinygrad.uop.ops import Ops, UOp

MAX_POINTS = 1 << 22            # evaluate exhaustively up to this many index points, else assume gather


class NotConst(Exception):
    pass


def _size(r: UOp) -> int:
    s = r.src[0]
    while s.op is Ops.CAST:
        s = s.src[0]
    if s.op is not Ops.CONST:
        raise NotConst()
    return int(s.arg)


def evaluate(u: UOp, env: dict, memo: dict | None = None):
    """u as an int64 numpy array over the broadcast grid of `env` (RANGE uop -> array)."""
    memo = {} if memo is None else memo
    if u in memo:
        return memo[u]
    op = u.op
    if op is Ops.RANGE:
        if u not in env:
            raise NotConst()
        v = env[u]
    elif op is Ops.CONST:
        v = np.int64(int(u.arg)) if not isinstance(u.arg, float) else np.float64(u.arg)
    else:
        a = [evaluate(s, env, memo) for s in u.src]
        if op is Ops.CAST:
            v = a[0].astype(np.int64) if not isinstance(a[0], (int, np.integer)) else np.int64(a[0])
        elif op is Ops.ADD:
            v = a[0] + a[1]
        elif op is Ops.SUB:
            v = a[0] - a[1]
        elif op is Ops.MUL:
            v = a[0] * a[1]
        elif op in (Ops.CDIV, Ops.CMOD):
            q = np.sign(a[0]) * np.sign(a[1]) * (np.abs(a[0]) // np.maximum(np.abs(a[1]), 1))
            v = q if op is Ops.CDIV else a[0] - a[1] * q
        elif op is Ops.SHL:
            v = a[0] << a[1]
        elif op is Ops.SHR:
            v = a[0] >> a[1]
        elif op is Ops.AND:
            v = a[0] & a[1]
        elif op is Ops.OR:
            v = a[0] | a[1]
        elif op is Ops.XOR:
            v = a[0] ^ a[1]
        elif op is Ops.MAX:
            v = np.maximum(a[0], a[1])
        elif op is Ops.NEG:
            v = -a[0]
        elif op is Ops.CMPLT:
            v = a[0] < a[1]
        elif op is Ops.CMPNE:
            v = a[0] != a[1]
        elif op is Ops.CMPEQ:
            v = a[0] == a[1]
        elif op is Ops.WHERE:
            v = np.where(a[0], a[1], a[2])
        else:
            raise NotConst()
    memo[u] = v
    return v


def grid(axes: list[list[UOp]]) -> tuple[dict, list[np.ndarray]] | None:
    """env for the ranges of each axis (an axis = ranges flattened row-major) and each axis' flat index."""
    sizes = [[_size(r) for r in ax] for ax in axes]
    total = int(np.prod([np.prod(s) if s else 1 for s in sizes]))
    if total > MAX_POINTS:
        raise NotConst()
    env, flats = {}, []
    nd = len(axes)
    for d, (ax, sz) in enumerate(zip(axes, sizes)):
        n = int(np.prod(sz)) if sz else 1
        flat = np.arange(n, dtype=np.int64)
        shape = [1] * nd
        shape[d] = n
        flats.append(flat.reshape(shape))
        rem = flat
        for r, s in zip(reversed(ax), reversed(sz)):
            env[r] = (rem % s).reshape(shape)
            rem = rem // s
    return env, flats


def strides(index: UOp, axes: list[list[UOp]], free: list[int]) -> list[int] | None:
    """Constant strides of `index` along the axes in `free` (index = f(other axes) + sum(stride * flat)),
    or None when the index is not affine in them (or cannot be evaluated)."""
    try:
        env, flats = grid(axes)
        idx = np.broadcast_to(evaluate(index, env), np.broadcast_shapes(*[f.shape for f in flats]))
    except (NotConst, ValueError, TypeError, OverflowError):
        return None
    base = idx
    for d in free:
        base = np.take(base, [0], axis=d)
    st = []
    pred = np.broadcast_to(base, idx.shape).astype(np.int64)
    for d in free:
        if idx.shape[d] > 1:
            s = int(np.take(idx, [1], axis=d).flat[0] - np.take(idx, [0], axis=d).flat[0])
        else:
            s = 0
        st.append(s)
        pred = pred + s * flats[d]
    return st if np.array_equal(pred, idx) else None
