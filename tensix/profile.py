"""Where the modelled time went: per-RISC-V busy / waiting cycles, bytes per NoC and DRAM channel, FPU
use, and two pictures of it: a Chrome/Perfetto timeline trace and an SVG of the core grid."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import checks
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
    dram_read: list[int]                 # bytes per DRAM bank (channel)
    dram_written: list[int]
    noc_bytes: tuple[int, int]
    flops: int
    math_cycles: dict[tuple[int, int], int]
    names: list[str] = field(default_factory=list)
    events: np.ndarray = field(default_factory=lambda: np.zeros((0, 7), np.uint32))
    prints: list = field(default_factory=list)
    traced: bool = False
    link_bytes: dict = field(default_factory=dict)   # (noc, "x"|"y", (x, y) NoC0 router) -> bytes
    # with the conservation check on (Device(check=True) or TENSIX_CHECK=1): every NoC link, core NoC
    # port and DRAM channel the run used: (name, cycles booked, busiest 256-cycle window's fraction)
    resources: list = field(default_factory=list)
    warnings: list = field(default_factory=list)     # race warnings of the run (RaceWarning texts)

    @classmethod
    def from_raw(cls, arch: Arch, cores: list[tuple[int, int]], cycles: int, raw: dict, prints, traced: bool) -> "Profile":
        riscs = [RiscProfile(c, name, end, *w) for c, name, end, w in raw["riscs"]]
        math = {cores[i]: v for i, v in enumerate(raw["math"]) if v}
        X, Y = arch.noc_grid
        links = {}
        for idx, nbytes in raw.get("links", {}).items():
            x, rest = idx % X, idx // X
            y, rest = rest % Y, rest // Y
            links[(rest // 2, "xy"[rest % 2], (x, y))] = nbytes
        return cls(arch, cycles, riscs, [r for r, _ in raw["dram"]], [w for _, w in raw["dram"]], raw["noc"],
                   raw["flops"], math, raw["names"], raw["events"], prints, traced, links, raw.get("resources", []),
                   raw.get("warnings", []))

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
        """Busy fraction of each core: its busiest RISC-V or its math engine, whichever is higher."""
        out: dict[tuple[int, int], float] = {}
        if not self.cycles:
            return out
        for r in self.riscs:
            out[r.core] = max(out.get(r.core, 0.0), r.busy / self.cycles)
        for core, m in self.math_cycles.items():
            out[core] = max(out.get(core, 0.0), m / self.cycles)
        return out

    def busiest_links(self, n: int = 8) -> list[tuple[tuple, int]]:
        return sorted(self.link_bytes.items(), key=lambda kv: -kv[1])[:n]

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
            core, proc = int(row[0] & 0xFFFF), int(row[0] >> 16)
            start = int(row[2]) | (int(row[3]) << 32)
            dur = int(row[4]) | (int(row[5]) << 32)
            name = self.names[int(row[1])]
            args = {"cycle": start, "cycles": dur, "arg": int(row[6])}
            # asynchronous NoC transfers overlap each other and later calls: async slices (b/e pairs)
            if name.startswith("noc_") and not any(w in name for w in ("barrier", "wait", "flushed")):
                async_id += 1
                ev.append({"ph": "b", "cat": "noc", "id": async_id, "name": name, "pid": core, "tid": proc,
                           "ts": start * us, "args": args})
                ev.append({"ph": "e", "cat": "noc", "id": async_id, "name": name, "pid": core, "tid": proc,
                           "ts": (start + dur) * us})
            else:
                ev.append({"ph": "X", "name": name, "pid": core, "tid": proc, "ts": start * us, "dur": dur * us,
                           "args": args})
        for p in self.prints:
            ev.append({"ph": "i", "s": "t", "name": p.text[:80], "pid": p.core[1] * gx + p.core[0],
                       "tid": tids[p.riscv], "ts": p.cycle * us, "args": {"cycle": p.cycle, "text": p.text}})
        return {"traceEvents": ev, "displayTimeUnit": "ns",
                "otherData": {"arch": self.arch.board, "aiclk_hz": self.arch.aiclk_hz, "cycles": self.cycles,
                              **self.traffic()}}

    def traffic(self, links: int = 16) -> dict:
        """Bytes per DRAM channel and the busiest NoC links, for trace files (`tensix profile` reads them)."""
        return {"dram_read": list(self.dram_read), "dram_written": list(self.dram_written),
                "noc_bytes": list(self.noc_bytes), "flops": self.flops,
                "links": [[noc, dim, x, y, b] for (noc, dim, (x, y)), b in self.busiest_links(links)]}

    def save_trace(self, path: str | Path) -> Path:
        path = checks.out_path(path, "save_trace path", "run.json")
        path.write_text(json.dumps(self.chrome_trace()))
        return path

    # ---- core-grid picture ----------------------------------------------------------------------
    def svg(self) -> str:
        """The chip's NoC grid: worker cores coloured by utilization (busiest RISC-V or math engine),
        DRAM bank endpoints labelled with the bytes their channel moved, the busiest NoC links drawn as
        arrows (width by traffic), other tiles grey."""
        a = self.arch
        X, Y = a.noc_grid
        cell, pad, top_pad = 48, 24, 44
        util = self.core_utilization()
        workers = {a.noc0_xy(x, y): (x, y) for y in range(a.compute_grid[1]) for x in range(a.compute_grid[0])}
        banks = {b.noc0_xy: b.id for b in a.dram_banks}
        ctrl_tiles = set()
        if not a.translated:
            ctrl_tiles = {xy for tiles in a.dram_controller_tiles for xy in tiles}
        else:
            ctrl_tiles = set(banks)
        moved = [r + w for r, w in zip(self.dram_read, self.dram_written)]
        top = max(moved, default=0) or 1

        def colour(u: float) -> str:   # white -> deep blue
            u = min(max(u, 0.0), 1.0)
            return f"rgb({int(255 - 205 * u)},{int(255 - 155 * u)},{int(255 - 40 * u)})"

        w, h = max(X * cell + 2 * pad, 520), Y * cell + top_pad + pad + 60
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="10">',
               f'<rect width="{w}" height="{h}" fill="white"/>',
               f'<text x="{pad}" y="16" font-size="13">{html.escape(a.board)} ({a.name}): {self.seconds * 1e6:.2f} us</text>',
               f'<text x="{pad}" y="32" font-size="11">{self.tflops:.2f} TFLOP/s, DRAM {self.dram_gb_per_s:.1f} GB/s, '
               f'FPU utilization {self.fpu_utilization * 100:.0f}%</text>']
        for py in range(Y):
            for px in range(X):
                x0, y0 = pad + px * cell, top_pad + py * cell
                box = f'<rect x="{x0}" y="{y0}" width="{cell - 4}" height="{cell - 4}"'
                if (px, py) in workers:
                    lc = workers[(px, py)]
                    u = util.get(lc)
                    out.append(f'{box} fill="{colour(u) if u is not None else "#f7f7f7"}" stroke="#333"/>')
                    out.append(f'<text x="{x0 + 3}" y="{y0 + 13}">{lc[0]},{lc[1]}</text>')
                    if u is not None:
                        out.append(f'<text x="{x0 + 3}" y="{y0 + 27}" fill="{"white" if u > 0.6 else "black"}">{u * 100:.0f}%</text>')
                elif (px, py) in banks:
                    b = banks[(px, py)]
                    mb = moved[b] if b < len(moved) else 0
                    g = int(225 - 150 * mb / top)
                    out.append(f'{box} fill="rgb(255,{g},{max(g - 40, 0)})" stroke="#933"/>')
                    out.append(f'<text x="{x0 + 3}" y="{y0 + 13}">DRAM{b}</text>')
                    out.append(f'<text x="{x0 + 3}" y="{y0 + 39}" font-size="9">{mb / 1e6:.2f}MB</text>')
                elif (px, py) in ctrl_tiles:
                    out.append(f'{box} fill="#f3d9d9" stroke="#c99"/>')
                else:
                    out.append(f'{box} fill="#ddd" stroke="#bbb"/>')
        links = self.busiest_links()
        most = links[0][1] if links else 1
        for (noc, dim, (x, y)), nbytes in links:
            step = 0.5 if noc == 0 else -0.5           # half a tile: also right for wrap-around links
            x2, y2 = (x + step, y) if dim == "x" else (x, y + step)
            cx, cy = pad + x * cell + cell / 2 - 2, top_pad + y * cell + cell / 2 - 2
            ex, ey = pad + x2 * cell + cell / 2 - 2, top_pad + y2 * cell + cell / 2 - 2
            width = 1.5 + 5 * nbytes / most
            colr = "#e07000" if noc == 0 else "#8a2be2"
            out.append(f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{ex:.0f}" y2="{ey:.0f}" stroke="{colr}" '
                       f'stroke-width="{width:.1f}" stroke-opacity="0.8"><title>NoC{noc} {dim}-link at ({x},{y}): '
                       f'{nbytes} B</title></line>')
            out.append(f'<circle cx="{ex:.0f}" cy="{ey:.0f}" r="{width:.1f}" fill="{colr}"/>')
        ly = top_pad + Y * cell + 14
        out.append(f'<text x="{pad}" y="{ly}">worker cores: busy share of the busiest RISC-V or the math engine, white 0% .. blue 100%</text>')
        out.append(f'<text x="{pad}" y="{ly + 14}">DRAMn: the endpoint of DRAM bank n and the MB its channel moved (darker = more)</text>')
        out.append(f'<text x="{pad}" y="{ly + 28}">arrows: the {len(links)} busiest NoC links (orange NoC0, purple NoC1), '
                   f'width by traffic</text>')
        out.append("</svg>")
        return "\n".join(out)

    def save_svg(self, path: str | Path) -> Path:
        path = checks.out_path(path, "save_svg path", "grid.svg")
        path.write_text(self.svg())
        return path


class LazyProfile:
    """A program's profile, parsed from the device's reply the first time it is asked for."""

    def __init__(self, make) -> None:
        self._make, self._value = make, None

    def get(self) -> Profile:
        if self._value is None:
            self._value, self._make = self._make(), None
        return self._value


@dataclass
class DeviceTime:
    """Modelled device time of what ran on the device: cycles of the AI clock and seconds, with the
    profile of the run (per-RISC-V waits, bytes moved, FPU use): `profile` is the last program's,
    `profiles` every program's (finish() keeps the last 64)."""
    cycles: int                          # kernel cycles: first RISC-V start to the last RISC-V end or the last byte still in flight
    aiclk_hz: float
    programs: int = 1
    overhead_s: float = 0.0              # program dispatch and host <-> device transfers (HW §11d, §11f)
    _runs: list = field(default_factory=list, repr=False)
    prints: list = field(default_factory=list, repr=False)   # kernel prints of the last program
    dispatch: dict = field(default_factory=dict, repr=False)  # a program's dispatch cost by part, seconds

    @property
    def profile(self) -> Profile | None:
        return self._runs[-1].get() if self._runs else None

    @property
    def profiles(self) -> list[Profile]:
        return [r.get() for r in self._runs]

    @property
    def seconds(self) -> float:
        """Modelled wall time on the device: kernels plus dispatch and host transfers."""
        return self.cycles / self.aiclk_hz + self.overhead_s

    @property
    def us(self) -> float:
        return self.seconds * 1e6

    def __float__(self) -> float:
        return self.seconds

    def __str__(self) -> str:
        extra = f" + {self.overhead_s * 1e6:.2f} us dispatch/transfers" if self.overhead_s else ""
        return f"{self.us:.3f} us ({self.cycles} cycles at {self.aiclk_hz / 1e9:g} GHz{extra})"
