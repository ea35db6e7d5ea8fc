"""Per-kernel accounting of the TT device: which path each kernel took, its modelled time, and how many
of tinygrad's value FLOPs ran on the tile engines (FPU/SFPU) versus a RISC-V. DEBUG>=2 prints a line per
kernel run; `summary()` and `reset()` serve the examples and the README table."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from tinygrad.helpers import DEBUG


@dataclass
class Stats:
    runs: int = 0
    seconds: float = 0.0
    tile_flops: int = 0                  # value ALU ops the FPU/SFPU executed (per element)
    riscv_flops: int = 0                 # value ALU ops executed as scalar C on a RISC-V (fallback)
    paths: Counter = field(default_factory=Counter)        # path -> kernel runs
    kernels: dict = field(default_factory=dict)            # kernel name -> path (distinct kernels)

    @property
    def tile_share(self) -> float:
        total = self.tile_flops + self.riscv_flops
        return self.tile_flops / total if total else 1.0


STATS = Stats()


def reset() -> Stats:
    global STATS
    old, STATS = STATS, Stats()
    return old


def record(prog, sizes: dict, ntiles: int, ncores: int, t, via: str = "") -> None:
    p = prog.plan
    s = STATS
    s.runs += 1
    s.seconds += t.seconds
    s.paths[p["path"]] += 1
    s.kernels[p["name"]] = p["path"]
    if p["path"] == "fallback":
        s.riscv_flops += int(p.get("riscv_ops", 0))      # tinygrad's op estimate of the kernel
    else:
        f = p.get("flops_per_out", {"post": 0, "body": []})
        if p.get("mm"):
            mm = p["mm"]
            outs = math.prod(sizes[r] for r in mm["batch"] + mm["m"] + mm["n"])
            k = math.prod(sizes[r] for r in mm["k"])
            s.tile_flops += outs * (2 * k + f["post"]) + ntiles * -(-k // 32) * 1024 * sum(p.get("prep_ops", []))
            s.riscv_flops += outs * f.get("riscv_post", 0)
        else:
            outs = math.prod(sizes[r] for r in p["out"])
            red = [math.prod(sizes[r] for r in rr) for rr in p.get("reduce", [])]
            s.tile_flops += outs * (f["post"] + sum(b * r for b, r in zip(f["body"], red)))
            s.riscv_flops += outs * (f.get("riscv_post", 0) + sum(b * r for b, r in zip(f.get("riscv_body", []), red)))
    if DEBUG >= 2:
        name = p["name"]
        print(f"TT {name:<40} path {p['path']:8} cores {ncores:2d} tiles {ntiles:5d} "
              f"modelled {t.seconds * 1e6:10.2f} us" + (f"  ({p['why'] or via})" if p["why"] or via else ""))


def summary() -> str:
    s = STATS
    return (f"{s.runs} kernel runs ({', '.join(f'{k} {v}' for k, v in sorted(s.paths.items()))}), modelled "
            f"{s.seconds * 1e3:.3f} ms, FPU/SFPU FLOP share {s.tile_share * 100:.1f}%")
