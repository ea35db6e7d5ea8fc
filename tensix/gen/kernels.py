"""C++ building blocks shared by the generated kernels: includes, float constants, the core split."""
from __future__ import annotations

import struct

COMPUTE_INCLUDES = """#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/bcast.h"
#include "api/compute/matmul.h"
#include "api/compute/reduce.h"
#include "api/compute/transpose_wh.h"
"""


def f32_bits(v: float) -> str:
    """A float as the uint32 bit pattern the *_unary_tile scalar ops take, with the value in a comment."""
    return f"0x{struct.unpack('<I', struct.pack('<f', float(v)))[0]:08x}u /* {float(v):g} */"


def split(n_units: int, n_cores: int) -> list[tuple[int, int]]:
    """(first unit, count) per core: the first n_units % n_cores cores take one more."""
    n_cores = max(1, min(n_cores, n_units))
    q, r = divmod(n_units, n_cores)
    out, at = [], 0
    for i in range(n_cores):
        c = q + (i < r)
        out.append((at, c))
        at += c
    return out


def work(cores: list, n_units: int, how: str = "contiguous") -> dict:
    """core -> (first unit, count, step): "contiguous" gives each core one run of units, "strided" deals
    them out like cards (core i takes i, i + n, ...), so at any moment the cores touch consecutive
    pages, i.e. every DRAM bank."""
    if how == "strided":
        n = max(1, min(len(cores), n_units))
        return {c: (i, len(range(i, n_units, n)), n) for i, c in enumerate(cores[:n])}
    return {c: (s, k, 1) for c, (s, k) in zip(cores, split(n_units, len(cores)))}


def core_list(device, n: int) -> list[tuple[int, int]]:
    """The first n worker cores, row by row."""
    gx, gy = device.grid.x, device.grid.y
    if n > gx * gy:
        raise ValueError(f"{n} cores do not fit the {gx}x{gy} grid of {device.arch.board}")
    return [(i % gx, i // gx) for i in range(n)]


def core_counts(device, units: int) -> list[int]:
    """Candidate core counts for `units` work units: powers of two, whole grid rows, the whole grid."""
    total = device.grid.x * device.grid.y
    vals = {1, min(units, total)}
    p = 2
    while p < min(units, total):
        vals.add(p)
        p *= 2
    for rows in range(1, device.grid.y + 1):
        if rows * device.grid.x <= units:
            vals.add(rows * device.grid.x)
    return sorted(vals)


def l1_budget(device, tensors=()) -> int:
    """Bytes of L1 a program's CBs may use on a core: the unreserved L1 less what the op's L1 tensors
    hold on each core (CBs may not overlap L1 buffers)."""
    a = device.arch
    held = sum(t.buffer.bytes_per_bank for t in tensors if not t.buffer.is_dram)
    return a.l1_size - a.l1_unreserved_base - held
