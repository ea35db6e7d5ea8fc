"""Where the modelled time went: per-RISC-V busy / waiting cycles, bytes per NoC and DRAM channel, FPU
use, and two pictures of it: a Chrome/Perfetto timeline trace and an SVG of the core grid."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .arch import Arch

STATS = ("wait_cb", "wait_sem", "wait_noc", "wait_dram")


@dataclass
class RiscProfile:
    core: tuple[int, int]
    riscv: str
    end_cycle: int
    wait_cb: int
    wait_sem: int
    wait_noc: int
    wait_dram: int

    @property
    def busy(self) -> int:
        return max(0, self.end_cycle - self.wait_cb - self.wait_sem - self.wait_noc - self.wait_dram)


@dataclass
class Profile:
    arch: Arch
    cycles: int
    riscs: list[RiscProfile]
    dram_read: list[int]                 # bytes per DRAM channel (controller)
    dram_written: list[int]
    noc_bytes: tuple[int, int]
    flops: int
    math_cycles: dict[tuple[int, int], int]
    names: list[str] = field(default_factory=list)
    events: np.ndarray = field(default_factory=lambda: np.zeros((0, 7), np.uint32))
    prints: list = field(default_factory=list)
    traced: bool = False

    @classmethod
    def from_raw(cls, arch: Arch, cores: list[tuple[int, int]], cycles: int, raw: dict, prints, traced: bool) -> "Profile":
        riscs = [RiscProfile(c, name, end, *w) for c, name, end, w in raw["riscs"]]
        math = {cores[i]: v for i, v in enumerate(raw["math"]) if v}
        return cls(arch, cycles, riscs, [r for r, _ in raw["dram"]], [w for _, w in raw["dram"]], raw["noc"],
                   raw["flops"], math, raw["names"], raw["events"], prints, traced)

    # ---- derived numbers ------------------------------------------------------------------------
    @property
    def seconds(self) -> float:
        return self.cycles / self.arch.aiclk_hz

    @property
    def dram_bytes(self) -> int:
        return sum(self.dram_read) + sum(self.dram_written)

    @property
    def dram_gb_per_s(self) -> float:
        return self.dram_bytes / self.seconds / 1e9 if self.cycles else 0.0

    @property
    def tflops(self) -> float:
        return self.flops / self.seconds / 1e12 if self.cycles else 0.0

    @property
    def fpu_utilization(self) -> float:
        """Math-engine busy cycles over the run, averaged over the cores that ran compute kernels."""
        if not self.math_cycles or not self.cycles:
            return 0.0
        return sum(self.math_cycles.values()) / (len(self.math_cycles) * self.cycles)

    def core_utilization(self) -> dict[tuple[int, int], float]:
        """Busy fraction of the busiest RISC-V of each core."""
        out: dict[tuple[int, int], float] = {}
        for r in self.riscs:
            u = r.busy / self.cycles if self.cycles else 0.0
            out[r.core] = max(out.get(r.core, 0.0), u)
        return out

    def summary(self) -> str:
        lines = [f"{self.arch.board}: {self.cycles} cycles = {self.seconds * 1e6:.3f} us; "
                 f"{self.tflops:.3f} TFLOP/s, DRAM {self.dram_gb_per_s:.1f} GB/s, NoC0 {self.noc_bytes[0]} B, "
                 f"NoC1 {self.noc_bytes[1]} B, FPU utilization {self.fpu_utilization * 100:.1f}%"]
        lines.append(f"{'core':>9} {'riscv':7} {'end':>10} {'busy':>10} " + " ".join(f"{s:>10}" for s in STATS))
        for r in self.riscs:
            lines.append(f"{str(r.core):>9} {r.riscv:7} {r.end_cycle:>10} {r.busy:>10} " +
                         " ".join(f"{getattr(r, s):>10}" for s in STATS))
        return "\n".join(lines)

    # ---- Chrome / Perfetto trace --------------------------------------------------------------
    def chrome_trace(self) -> dict:
        """Trace Event Format: one process per core, one thread per RISC-V, slices for waits, NoC
        transfers and tile ops, instants for kernel prints. Times in microseconds of device time."""
        if not self.traced:
            raise ValueError("this run was not traced: enqueue(program, trace=path) or set TENSIX_TRACE=path")
        gx = self.arch.compute_grid[0]
        us = 1e6 / self.arch.aiclk_hz
        tids = {"BRISC": 0, "NCRISC": 1, "TRISC": 2}
        stage_names = {3: "TRISC1 math", 4: "TRISC2 pack"}
        ev: list[dict] = []
        seen = set()
        for r in self.riscs:
            pid = r.core[1] * gx + r.core[0]
            if pid not in seen:
                seen.add(pid)
                ev.append({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": f"core {r.core}"}})
                ev.append({"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0, "args": {"sort_index": pid}})
            ev.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tids[r.riscv],
                       "args": {"name": "TRISC0 unpack" if r.riscv == "TRISC" else r.riscv}})
            if r.riscv == "TRISC":
                for tid, label in stage_names.items():
                    ev.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": label}})
        e = self.events.astype(np.uint64)
        async_id = 0
        for row in e:
            core, slot = int(row[0] & 0xFFFF), int(row[0] >> 16)
            start = int(row[2]) | (int(row[3]) << 32)
            dur = int(row[4]) | (int(row[5]) << 32)
            name = self.names[int(row[1])]
            args = {"cycle": start, "cycles": dur, "arg": int(row[6])}
            # asynchronous NoC transfers overlap each other and later calls: async slices (b/e pairs)
            if name.startswith("noc_") and not any(w in name for w in ("barrier", "wait", "flushed")):
                async_id += 1
                ev.append({"ph": "b", "cat": "noc", "id": async_id, "name": name, "pid": core, "tid": slot,
                           "ts": start * us, "args": args})
                ev.append({"ph": "e", "cat": "noc", "id": async_id, "name": name, "pid": core, "tid": slot,
                           "ts": (start + dur) * us})
            else:
                ev.append({"ph": "X", "name": name, "pid": core, "tid": slot, "ts": start * us, "dur": dur * us,
                           "args": args})
        for p in self.prints:
            ev.append({"ph": "i", "s": "t", "name": p.text[:80], "pid": p.core[1] * gx + p.core[0],
                       "tid": tids[p.riscv], "ts": p.cycle * us, "args": {"cycle": p.cycle, "text": p.text}})
        return {"traceEvents": ev, "displayTimeUnit": "ns",
                "otherData": {"arch": self.arch.board, "aiclk_hz": self.arch.aiclk_hz, "cycles": self.cycles}}

    def save_trace(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.chrome_trace()))
        return path

    # ---- core-grid picture ----------------------------------------------------------------------
    def svg(self) -> str:
        """The chip's NoC grid: worker cores coloured by utilization (busiest RISC-V busy share),
        DRAM tiles labelled with the bytes their channel moved, other tiles grey."""
        a = self.arch
        X, Y = a.noc_grid
        cell, pad = 46, 30
        util = self.core_utilization()
        workers = {a.noc0_xy(x, y): (x, y) for y in range(a.compute_grid[1]) for x in range(a.compute_grid[0])}
        dram_tiles: dict[tuple[int, int], int] = {}
        for b in a.dram_banks:
            dram_tiles.setdefault(b.noc0_xy, b.controller)
        per_ctrl = [r + w for r, w in zip(self.dram_read, self.dram_written)]
        top = max(per_ctrl, default=0) or 1

        def colour(u: float) -> str:   # white -> deep blue
            u = min(max(u, 0.0), 1.0)
            r, g, b = int(255 - 205 * u), int(255 - 155 * u), int(255 - 40 * u)
            return f"rgb({r},{g},{b})"

        w, h = X * cell + 2 * pad, Y * cell + 2 * pad + 60
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="10">',
               f'<rect width="{w}" height="{h}" fill="white"/>',
               f'<text x="{pad}" y="18" font-size="13">{html.escape(a.board)} ({a.name}): {self.seconds * 1e6:.2f} us, '
               f'{self.tflops:.2f} TFLOP/s, DRAM {self.dram_gb_per_s:.1f} GB/s</text>']
        for py in range(Y):
            for px in range(X):
                x0, y0 = pad + px * cell, pad + py * cell
                if (px, py) in workers:
                    lc = workers[(px, py)]
                    u = util.get(lc)
                    fill = colour(u) if u is not None else "#f4f4f4"
                    out.append(f'<rect x="{x0}" y="{y0}" width="{cell - 4}" height="{cell - 4}" fill="{fill}" stroke="#333"/>')
                    label = f"{lc[0]},{lc[1]}" + (f" {u * 100:.0f}%" if u is not None else "")
                    out.append(f'<text x="{x0 + 3}" y="{y0 + 14}">{label}</text>')
                elif (px, py) in dram_tiles:
                    c = dram_tiles[(px, py)]
                    moved = per_ctrl[c] if c < len(per_ctrl) else 0
                    shade = int(230 - 130 * moved / top)
                    out.append(f'<rect x="{x0}" y="{y0}" width="{cell - 4}" height="{cell - 4}" fill="rgb(255,{shade},{shade - 40 if shade > 40 else 0})" stroke="#933"/>')
                    out.append(f'<text x="{x0 + 3}" y="{y0 + 14}">D{c}</text>')
                    out.append(f'<text x="{x0 + 3}" y="{y0 + 28}">{moved / 1e6:.1f}MB</text>')
                else:
                    out.append(f'<rect x="{x0}" y="{y0}" width="{cell - 4}" height="{cell - 4}" fill="#ddd" stroke="#bbb"/>')
        ly = pad + Y * cell + 20
        out.append(f'<text x="{pad}" y="{ly}">worker cores: share of the run the busiest RISC-V was busy (white 0% .. blue 100%); '
                   f'D = DRAM channel, MB moved (darker = more); grey = other tiles</text>')
        out.append("</svg>")
        return "\n".join(out)

    def save_svg(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.svg())
        return path
