"""The scalar fallback: a whole tinygrad kernel as C on one data-movement RISC-V (core (0, 0)), for the
kernels that have no tile mapping (bitwise integer math such as the threefry random generator, 64-bit
types, nested reductions). Loads and stores go through the same L1 page cache and write-combining
helpers as the tile path's reader and writer; every uop charges its RISC-V cycles (soft-float for
float ops), so the modelled time shows what running math on a data-movement core costs."""
from __future__ import annotations

from tinygrad.dtype import AddrSpace
from tinygrad.uop.ops import Ops

from . import cgen
from .ir import KernelIR
from .tiles import _common


def build(ir: KernelIR) -> str:
    loads, stores = set(), set()
    for u in ir.uops:
        if u.op in (Ops.LOAD, Ops.STORE) and u.src[0].op is Ops.INDEX and u.src[0].src[0].op is Ops.PARAM:
            (loads if u.op is Ops.LOAD else stores).add(u.src[0].src[0].arg.slot)
    top, body, sc = _common(ir, loads, stores)
    lines: list[str] = []
    cost = [0.0]
    depth = 1
    arrays = 0
    for u in ir.uops:
        ind = "    " * depth
        if u.op is Ops.RANGE:
            n = cgen.rid(u)
            lines.append(f"{ind}for (r{n} = 0; r{n} < S{n}; r{n}++) {{")
            sc.names[u] = f"r{n}"
            depth += 1
            cost.append(0.0)
        elif u.op is Ops.END:
            for _ in u.src[1:]:
                c = cost.pop()
                lines.append(f"{'    ' * depth}tx_cycles += {int(c) + 2};")
                depth -= 1
                lines.append(f"{'    ' * depth}}}")
        elif u.op is Ops.BUFFER and u.arg.addrspace == AddrSpace.REG:
            size = int(u.src[0].src[0].arg) if u.src and u.src[0].op is Ops.CAST else int(u.src[0].arg) if u.src else 1
            nm = f"acc{arrays}"
            arrays += 1
            lines.append(f"{ind}{cgen.ctype(u.dtype)} {nm}[{size}];")
            sc.names[u] = nm
        elif u.op is Ops.AFTER:
            sc.names[u] = sc.names.get(u.src[0], "")
        elif u.op is Ops.IF:
            lines.append(f"{ind}if ({sc.get(u.src[0])}) {{")
            depth += 1
        elif u.op is Ops.ENDIF:
            depth -= 1
            lines.append(f"{'    ' * depth}}}")
        elif u.op is Ops.STORE:
            idx = u.src[0]
            base = idx.src[0]
            val = sc.get(u.src[1])
            if base.op is Ops.PARAM and base.arg.addrspace == AddrSpace.GLOBAL:
                gate = idx.src[2] if len(idx.src) > 2 else (u.src[2] if len(u.src) > 2 else None)
                st = f"tx_st_{base.arg.slot}((int64_t){sc.get(idx.src[1])}, {val});"
                lines.append(f"{ind}{'if (' + sc.get(gate) + ') ' if gate is not None else ''}{st}")
            else:
                lines.append(f"{ind}{sc.get(base)}[{sc.get(idx.src[1])}] = {val};")
            cost[-1] += 3
        else:
            new, c = sc.statements([u])
            lines += [ind + x for x in new]
            cost[-1] += c
    lines.append(f"    tx_cycles += {int(cost[0])};")
    lines.append("    tx_charge();")
    lines += [f"    tx_flush(tx_out_{s});" for s in sorted(stores)]
    return "\n".join(top) + "\nvoid kernel_main() {\n" + "\n".join("    " + x for x in body) + "\n" + \
        "\n".join(lines) + "\n}\n"
