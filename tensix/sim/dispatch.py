"""The cost of getting a program onto the chip and data over PCIe: pure functions of the arch, of what a
program dispatches and of the transfer size (no simulator involved).

Program dispatch (NoC mechanics §9) runs on two paths. The config path (dispatch_d) writes each core's
unique runtime args with one unicast per core, then per kernel-group rectangle one linked multicast
chain with the config block (common runtime args, semaphores, CB configs), the binaries and the launch
message, behind a full write barrier (§9.4); it overlaps the previous program's kernels. The gap path
(dispatch_s) runs from the previous program's completion (one 4-byte write per core, §8.2) through the
go-signal multicast to the workers' start (NCRISC's IRAM copy on WH, CB setup, §9.5). A program adds
max(gap, config path - the previous program's kernels' time) to the queue. Without a trace the host also builds the
commands and the prefetcher pulls them over PCIe (on the config path). The constants the docs do not
give are in arch.Timing (`dispatch_*`), fitted to HW §11d or marked tensix choice.

PCIe (HW §11f): a transfer is a sequence of pages; each page costs max(floor, fixed + bytes / rate),
so small pages are bound by a per-transaction time and large ones by the link's streaming rate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..arch import Arch
from ..errors import TensixError

if TYPE_CHECKING:
    from ..plan import ProgramPlan


@dataclass(frozen=True)
class KernelGroup:
    """Cores that run the same kernel per processor (NoC §9.2): one launch message, one set of multicasts."""
    cores: int
    rectangles: tuple[tuple[int, int], ...]   # (width, height) in cores of each multicast rectangle
    rta_words: int = 0         # unique runtime-arg words per core: Σ over its kernels of the max count
    crta_words: int = 0        # common runtime-arg words, Σ over its kernels
    cb_configs: int = 0        # highest local CB index + 1
    semaphores: int = 0        # highest semaphore id + 1
    binary_bytes: int = 0      # Σ of its RISC-V binaries
    ncrisc_bytes: int = 0      # of which NCRISC's (copied into IRAM on WH)


@dataclass(frozen=True)
class Dispatch:
    """What one program dispatch writes (NoC §9.1-9.3)."""
    groups: tuple[KernelGroup, ...]
    grid: tuple[int, int]      # the worker grid the go signal covers
    traced: bool = False
    profiler: bool = False     # tt-metal's device profiler is on (arch.Timing.dispatch_profiler_cycles)


@dataclass(frozen=True)
class DispatchCost:
    """A dispatch's two paths (NoC §9): `config` (dispatch_d writing runtime args, configs, binaries and
    launch messages; it overlaps the previous program's run) and `gap` (completion -> go signal ->
    worker start, from the end of one program's kernels to the start of the next one's), each by
    component in aiclk cycles, and `host_s`, the host's part of an untraced dispatch (on the config path)."""
    config: dict = field(default_factory=dict)
    gap: dict = field(default_factory=dict)
    host_s: float = 0.0

    def config_seconds(self, arch: Arch) -> float:
        return sum(self.config.values()) / arch.aiclk_hz + self.host_s

    def gap_seconds(self, arch: Arch) -> float:
        return sum(self.gap.values()) / arch.aiclk_hz

    def overhead_seconds(self, arch: Arch, kernel_s: float = 0.0) -> float:
        """What the program adds to a queue besides its kernels' time: the gap, or the config path
        where that is longer than the gap plus the kernels it overlaps."""
        return max(self.gap_seconds(arch), self.config_seconds(arch) - kernel_s)


def _flits(arch: Arch, nbytes: int) -> int:
    packets = max(1, math.ceil(nbytes / arch.noc_max_packet))
    return math.ceil(nbytes / arch.noc_link_bytes_per_cycle) + packets * (1 + arch.timing.noc_packet_cycles)


def _unicast(arch: Arch, nbytes: int) -> float:
    """The dispatcher issuing one unicast sub-command: a command-buffer poll (>= 7 cycles) and about 7
    register stores (NoC §6.2), then its flits through the dispatcher's port."""
    return arch.timing.dispatch_issue_cycles + _flits(arch, nbytes)


def _multicast(arch: Arch, nbytes: int, rect: tuple[int, int]) -> float:
    """One dispatcher multicast chain to a rectangle (NoC §3.3, §3.4, §9.4): the barrier before it
    and its path reservation (a round trip to the farthest router), its data, the last ack's return
    (waited for by the next barrier), one ack flit per destination through the dispatcher's ejection
    link. The farthest router is width + height - 1 hops away (tensix choice: the dispatcher sits next
    to the grid, as the dispatch row / column does)."""
    w, h = rect
    reach = (w + h - 1) * arch.noc_hop_cycles + 2 * arch.noc_niu_cycles
    return arch.timing.dispatch_issue_cycles + 2 * reach + _flits(arch, nbytes) + reach + w * h


def _aligned(nbytes: int, a: int = 16) -> int:
    return -(-nbytes // a) * a


def program_cost(arch: Arch, d: Dispatch) -> DispatchCost:
    """Modelled cost of one program dispatch, by path and component."""
    t = arch.timing
    cfg = {"runtime args": 0.0, "config, binaries, launch": 0.0}
    nbytes = 0
    start = 0.0
    for g in d.groups:
        if g.rta_words:                   # one unicast per core (NoC §9.2 step 3)
            cfg["runtime args"] += g.cores * _unicast(arch, _aligned(4 * g.rta_words))
            nbytes += g.cores * _aligned(4 * g.rta_words)
        # per rectangle: config block, binaries and launch message, consecutive writes to one
        # rectangle, linked into one chain (NoC §9.2 steps 4-6, §9.4)
        block = _aligned(4 * g.crta_words) + 16 * g.semaphores + 16 * g.cb_configs + g.binary_bytes + t.dispatch_launch_msg_bytes
        for rect in g.rectangles:
            cfg["config, binaries, launch"] += _multicast(arch, block, rect)
            nbytes += block
        # the groups' workers start in parallel: NCRISC's IRAM copy (WH), then its CB setup (NoC §9.5)
        start = max(start, g.ncrisc_bytes / t.dispatch_iram_bytes_per_cycle + g.cb_configs * t.dispatch_cb_setup_cycles)
    cores = sum(g.cores for g in d.groups)
    gap = {"completion": cores + arch.noc_hop_cycles * (d.grid[0] + d.grid[1]) + 2 * arch.noc_niu_cycles,
           "go signal": _multicast(arch, 4, d.grid), "worker start": start, "fixed": float(t.dispatch_fixed_cycles)}
    if d.profiler:
        gap["profiler"] = float(t.dispatch_profiler_cycles)
    host = 0.0
    if not d.traced:        # the host assembles the commands; the prefetcher pulls them over PCIe
        host = t.dispatch_host_us * 1e-6 + pcie_seconds(arch, nbytes, 4096, write=False)
    return DispatchCost(cfg, gap, host)


def overhead_seconds(arch: Arch, d: Dispatch, kernel_s: float = 0.0) -> float:
    return program_cost(arch, d).overhead_seconds(arch, kernel_s)


# ---- from a Program ---------------------------------------------------------------------------

def _rectangles(cells: set[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """(width, height) of the rectangles that cover a set of cores: greedily, the widest run of the
    top-left free core extended down while whole rows stay in the set (WH needs one multicast each)."""
    left, out = set(cells), []
    while left:
        x0, y0 = min(left, key=lambda c: (c[1], c[0]))
        x1 = x0
        while (x1 + 1, y0) in left:
            x1 += 1
        y1 = y0
        while all((x, y1 + 1) in left for x in range(x0, x1 + 1)):
            y1 += 1
        left -= {(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
        out.append((x1 - x0 + 1, y1 - y0 + 1))
    return tuple(out)


def describe(plan: "ProgramPlan", arch: Arch, traced: bool = False, profiler: bool = False) -> Dispatch:
    """What a program (its backend-neutral plan, tensix/plan.py) dispatches on `arch`."""
    binary = arch.timing.dispatch_binary_bytes
    per_core: dict = {}
    for i, k in enumerate(plan.kernels):
        for c in k.cores:
            per_core.setdefault((c.x, c.y), [None, None, None])[k.processor] = i
    groups: dict[tuple, set] = {}
    for xy, ks in per_core.items():
        groups.setdefault(tuple(ks), set()).add(xy)
    cb_top: dict[tuple[int, int], int] = {}
    for cb in plan.cbs:
        for c in cb.cores:
            cb_top[(c.x, c.y)] = max(cb_top.get((c.x, c.y), 0), max(cb.indices) + 1)
    sem_top: dict[tuple[int, int], int] = {}
    for s in plan.semaphores:
        for c in s.cores:
            sem_top[(c.x, c.y)] = max(sem_top.get((c.x, c.y), 0), s.id + 1)
    rta = [{(a.core.x, a.core.y): len(a.words) for a in k.runtime_args} for k in plan.kernels]
    out = []
    for ks, cells in groups.items():
        kernels = [i for i in ks if i is not None]
        words = sum(max((rta[i].get(xy, 0) for xy in cells), default=0) for i in kernels)
        crta = sum(len(plan.kernels[i].common_args) for i in kernels)
        binaries = sum(binary * (3 if plan.kernels[i].processor == 2 else 1) for i in kernels)
        ncrisc = binary * sum(1 for i in kernels if plan.kernels[i].processor == 1)
        out.append(KernelGroup(len(cells), _rectangles(cells), words, crta, max(cb_top.get(xy, 0) for xy in cells),
                               max(sem_top.get(xy, 0) for xy in cells), binaries, ncrisc))
    return Dispatch(tuple(out), arch.compute_grid, traced, profiler)


# ---- PCIe -------------------------------------------------------------------------------------

def pcie_page_seconds(arch: Arch, page_bytes: int, write: bool, pinned: bool = False) -> float:
    """One page over PCIe (HW §11f): max(per-transaction floor, fixed + bytes / streaming rate)."""
    t = arch.timing
    if write:
        rate, fixed, floor = (t.host_write_pinned_gbps if pinned else t.host_write_gbps), t.pcie_write_fixed_ns, t.pcie_write_floor_ns
    else:
        rate, fixed, floor = (t.host_read_pinned_gbps if pinned else t.host_read_gbps), t.pcie_read_fixed_ns, t.pcie_read_floor_ns
    return max(floor * 1e-9, fixed * 1e-9 + page_bytes / (rate * 1e9))


def pcie_seconds(arch: Arch, nbytes: int, page_bytes: int, write: bool, pinned: bool = False) -> float:
    """A host <-> device transfer of `nbytes` in pages of `page_bytes`."""
    if nbytes <= 0:
        return 0.0
    page = max(1, min(page_bytes, nbytes))
    full, rest = divmod(nbytes, page)
    s = full * pcie_page_seconds(arch, page, write, pinned)
    s += pcie_page_seconds(arch, rest, write, pinned) if rest else 0.0
    if nbytes / s > pcie_link_gbps(arch) * 1e9:      # the conservation check for the host link
        raise TensixError(f"PCIe model moved {nbytes} B in {s * 1e9:.1f} ns, above the link's "
                          f"{pcie_link_gbps(arch):.1f} GB/s; this is a bug in tensix's timing model")
    return s


def pcie_link_gbps(arch: Arch) -> float:
    """The link's physical rate per direction: x16 lanes at 16 GT/s (Gen4, GS/WH) or 32 GT/s (Gen5, BH),
    128b/130b coding (HW §3 host interface)."""
    gts = 32.0 if arch.family == "blackhole" else 16.0
    return gts * 16 * 128 / 130 / 8
