"""Hardware descriptions of the Tensix chips tensix can simulate: data, not code.

Every number cites its source as HW §n or API §n (see SOURCES.md: the sections and their public sources).
Where the reference is silent, the value is tensix's own choice and says so ("tensix choice").

Coordinates:
- *logical* (x, y): the worker grid as the host sees it, (0, 0) top-left.
- *noc0* (x, y): physical NoC0 tile coordinates (HW §15), used for hop distances.
- *kernel* (x, y): what kernels put in NoC addresses. Wormhole and Blackhole use translated
  coordinates, identical for both NoCs (HW §15 "Translated coordinates"); Grayskull uses physical
  coordinates per NoC, NoC1 mirrored (x1 = X-1-x0, y1 = Y-1-y0).
"""
from __future__ import annotations

from dataclasses import dataclass, field

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30


@dataclass(frozen=True)
class DramBank:
    """One allocator DRAM bank (a channel on GS, a DRAM view on WH/BH; HW §15 "DRAM bank")."""
    id: int
    controller: int                      # index of the DRAM controller (memory) it lives in
    offset: int                          # address_offset of the view inside its controller
    kernel_xy: tuple[tuple[int, int], tuple[int, int]]   # worker endpoint per NoC, kernel coordinates
    noc0_xy: tuple[int, int]             # worker endpoint for NoC0, physical (for hop distances)


@dataclass(frozen=True)
class Timing:
    """The clock's constants. Each says which published number (HW §11) it reproduces; the check is
    bench/calibrate.py, which runs the microbenchmarks and prints model vs published."""
    noc_issue_cycles: int = 38          # RISC-V cycles to issue a NoC command (HW §11c: 38 per read issue)
    cb_call_cycles: int = 10            # cb_* call on a RISC-V (tensix choice: a few loads/stores of CB state)
    sem_call_cycles: int = 10           # semaphore call (tensix choice)
    barrier_cycles: int = 10            # HW §11c: barrier tail 10
    # NIU latency from a request's issue to its first flit (it does not occupy the port); with the
    # per-packet gap it fits HW §11b: 29.13 B/cycle for 16 x 8 KB and 31.15 at 256 x 64 KB
    noc_cmd_cycles: int = 18
    noc_packet_cycles: int = 6          # link cycles per packet besides its header flit (HW §11b, as above)
    # reads in flight per RISC-V and NoC. tensix choice: the docs give no hardware limit besides the
    # 8-bit per-id counters (NoC §6.4); read headers fill router buffers (32 B each, NoC §4.3), and 16
    # keeps one core's DRAM stream at the channel's rate (HW §11a) while bounding it per core
    noc_max_outstanding: int = 16
    l1_latency_cycles: int = 8          # L1 read latency seen by a NoC read (tensix choice)
    noc_vc_buffer_bytes: int = 480      # router buffer one static VC may hold per hop (HW §9, NoC §4.3): back-pressure
    # DRAM access latency. BH: HW §11c Tdram 375 cycles at 1.35 GHz. WH: GDDR6 latency is unknown
    # (NoC §7.4); tensix choice: the same GDDR6 access time in ns, 375 / 1.35 = 278 cycles at 1 GHz
    dram_latency_cycles: int = 278
    dram_bytes_per_cycle: float = 22.2  # achieved per channel; WH: HW §11a 22.2 GB/s at 1 GHz
    # Program dispatch (tensix/sim/dispatch.py). Documented: NCRISC's IRAM copy ≈10 B/cycle on WH (BH
    # has none), CB setup ≈25 cycles per CB on WH, ≈20 on BH (NoC §9.5). Fitted to HW §11d: the fixed
    # part of a dispatch (dispatcher and firmware work the docs do not itemise) to the trace floor, the
    # host part of an untraced dispatch to the non-trace row.
    dispatch_fixed_cycles: int = 337    # WH: 1.05 us trace floor (n300) less its modelled 713 cycles
    dispatch_host_us: float = 2.02      # WH: 2.70 us non-trace (n300) less its modelled device part (0.68 us)
    dispatch_iram_bytes_per_cycle: float = 10.0
    dispatch_cb_setup_cycles: int = 25
    dispatch_issue_cycles: int = 14     # derived, NoC §6.2: one >= 7-cycle ready poll and ~7 stores per request
    dispatch_launch_msg_bytes: int = 96 # tensix choice: sizeof(launch_msg_t) is not in the docs (a few dozen words)
    dispatch_binary_bytes: int = 2048   # tensix choice: bytes of one RISC-V binary (the docs: kernels up to ~8 KB)
    # With tt-metal's device profiler on (Device(profiler=True)) the firmware records and flushes its
    # markers around every program; the docs do not itemise that work. tensix choice: one lump per program
    # on the gap path, fitted to HW §11d's op-to-op row (the only published run with the profiler on):
    # WH n300 2.05 us less its modelled 1.658 us without the profiler
    dispatch_profiler_cycles: int = 392
    # PCIe per page: max(floor, fixed + bytes / rate) (tensix/sim/dispatch.py), fitted to HW §11f
    host_write_gbps: float = 10.3       # host -> device streaming rate (WH n300: 10.3 at 1 KB, 10.4 at 2 KB pages)
    host_read_gbps: float = 10.7        # device -> host: 8.49 GB/s at 1 KB and 9.47 at 2 KB pages give
    pcie_read_fixed_ns: float = 25.0    # 10.7 GB/s and 25 ns per page
    pcie_write_fixed_ns: float = 0.0
    host_write_pinned_gbps: float = 18.9   # pinned host memory (WH: 19.08 / 18.70 / 18.86)
    host_read_pinned_gbps: float = 15.9    # 11.61 at 1 KB and 13.43 at 2 KB pages: 15.9 GB/s, 24 ns per page
    # per-page floors: tensix choice for WH (no small-page rows): BH's, below
    pcie_write_floor_ns: float = 23.7
    pcie_read_floor_ns: float = 19.0


WH_TIMING = Timing()
# BH: the per-bank peak (HW §7: 47.4 B/cycle) at the efficiency WH reaches (22.2 of 24): tensix choice
# BH PCIe (HW §11f, p150): 32 B pages 1.35 GB/s write / 1.68 read give the per-page floors 23.7 / 19.0 ns;
# 1 KB pages 21.47 / 14.47 GB/s the streaming rates. Pinned rates are not published for BH: tensix choice, unpinned.
BH_TIMING = Timing(dram_bytes_per_cycle=47.4 * 22.2 / 24, dram_latency_cycles=375, host_write_gbps=21.47,
                   host_read_gbps=14.47, pcie_read_fixed_ns=0.0, host_write_pinned_gbps=21.47,
                   host_read_pinned_gbps=14.47, dispatch_iram_bytes_per_cycle=float("inf"), dispatch_cb_setup_cycles=20,
                   dispatch_fixed_cycles=231,   # 0.92 us trace floor (p150) less its modelled 1011 cycles; host part: WH's (tensix choice)
                   dispatch_profiler_cycles=1214)   # op-to-op 2.069 us (p150) less its modelled 1.17 us, at 1.35 GHz
# GS: no calibration data in the reference; WH constants with the GS channel rate (HW §7, same efficiency)
GS_TIMING = Timing(dram_bytes_per_cycle=118e9 / 8 / 1.2e9 * 22.2 / 24, dram_latency_cycles=375)


@dataclass(frozen=True)
class Arch:
    name: str                            # "wormhole_b0", "blackhole", "grayskull"
    board: str                           # "n150", "n300", "p150a", "e150"
    noc_grid: tuple[int, int]            # (X, Y) NoC tiles
    worker_cols_noc0: tuple[int, ...]    # NoC0 x of logical columns 0.. (harvested ones removed)
    worker_rows_noc0: tuple[int, ...]    # NoC0 y of logical rows 0..
    compute_grid: tuple[int, int]        # logical worker grid tt-metal computes on
    translated: bool                     # kernels use translated coordinates (WH, BH)
    translated_cols: tuple[int, ...]     # translated x per logical column (WH/BH)
    translated_rows: tuple[int, ...]     # translated y per logical row (WH/BH)
    l1_size: int                         # bytes of L1 per worker core
    l1_unreserved_base: int              # first byte CBs and L1 buffers may use
    dram_controller_size: int            # bytes behind one DRAM controller
    dram_controller_tiles: tuple[tuple[tuple[int, int], ...], ...]  # kernel coords (NoC0 numbering) per controller
    dram_banks: tuple[DramBank, ...]
    dram_bank_size: int                  # allocatable bytes per bank
    dram_unreserved_base: int
    l1_alignment: int
    dram_alignment: int
    noc_read_alignment: dict = field(default_factory=dict)   # endpoint kind -> bytes
    noc_write_alignment: dict = field(default_factory=dict)
    aiclk_hz: float = 1e9
    noc_link_bytes_per_cycle: int = 32
    noc_max_packet: int = 8192
    noc_hop_cycles: int = 9
    noc_niu_cycles: int = 5
    dram_bank_bytes_per_cycle: float = 24.0
    num_circular_buffers: int = 32
    max_runtime_args: int = 341
    num_semaphores: int = 16
    timing: Timing = WH_TIMING
    dram_controller_tiles_noc0: tuple = ()   # physical tiles per controller where kernel coords differ (BH)
    sources: dict = field(default_factory=dict)

    # ---- derived helpers -------------------------------------------------------------------
    @property
    def family(self) -> str:
        return self.name.split("_")[0]

    @property
    def num_dram_banks(self) -> int:
        return len(self.dram_banks)

    @property
    def num_l1_banks(self) -> int:
        """L1 interleaved buffers spread over every worker core: bank i is core index i."""
        return self.compute_grid[0] * self.compute_grid[1]

    def core_index(self, core) -> int:
        """Row-major index of logical worker `core` (its L1 bank number)."""
        x, y = (core.x, core.y) if hasattr(core, "x") else (int(core[0]), int(core[1]))
        self.check_logical(x, y)
        return y * self.compute_grid[0] + x

    def check_logical(self, x: int, y: int) -> None:
        gx, gy = self.compute_grid
        if not (0 <= x < gx and 0 <= y < gy):
            raise ValueError(f"core ({x}, {y}) is outside the {gx}x{gy} compute grid of {self.board} "
                             f"({self.name}); use x in 0..{gx - 1} and y in 0..{gy - 1}")

    def noc0_xy(self, x: int, y: int) -> tuple[int, int]:
        """Physical NoC0 coordinates of logical worker (x, y)."""
        return self.worker_cols_noc0[x], self.worker_rows_noc0[y]

    def kernel_xy(self, x: int, y: int, noc: int = 0) -> tuple[int, int]:
        """Coordinates a kernel on `noc` uses to reach logical worker (x, y)."""
        if self.translated:
            return self.translated_cols[x], self.translated_rows[y]
        return self.mirror(self.noc0_xy(x, y), noc)

    def mirror(self, xy: tuple[int, int], noc: int) -> tuple[int, int]:
        if noc == 0:
            return xy
        X, Y = self.noc_grid
        return X - 1 - xy[0], Y - 1 - xy[1]

    def dram_kernel_tiles(self, noc: int) -> dict[tuple[int, int], int]:
        """Kernel coordinates of every DRAM tile reachable on `noc` -> controller index."""
        out = {}
        for c, tiles in enumerate(self.dram_controller_tiles):
            for xy in tiles:
                out[xy if self.translated else self.mirror(xy, noc)] = c
        return out

    def dram_tile_noc0(self, xy: tuple[int, int], noc: int) -> tuple[int, int]:
        """Physical NoC0 coordinates of the DRAM tile a kernel on `noc` addresses as `xy`."""
        for c, tiles in enumerate(self.dram_controller_tiles):
            for p, t in enumerate(tiles):
                if (t if self.translated else self.mirror(t, noc)) == xy:
                    return self.dram_controller_tiles_noc0[c][p] if self.dram_controller_tiles_noc0 else t
        raise ValueError(f"{xy} is not a DRAM tile of {self.board} on NoC {noc}")

    def hops(self, src: tuple[int, int], dst: tuple[int, int], noc: int) -> int:
        """Router hops on the unidirectional torus: NoC0 runs +x then +y, NoC1 the opposite way."""
        X, Y = self.noc_grid
        dx, dy = dst[0] - src[0], dst[1] - src[1]
        if noc == 1:
            dx, dy = -dx, -dy
        return dx % X + dy % Y


def _wh_banks(translated_tiles: bool = True) -> tuple[DramBank, ...]:
    # HW §15(b): DRAM views 0-11 = tt-metal banks; worker endpoint per view, same tile for both NoCs.
    endpoints = [(0, 11), (0, 1), (0, 5), (0, 7), (5, 1), (5, 11), (5, 2), (5, 9), (5, 8), (5, 3), (5, 5), (5, 7)]
    return tuple(DramBank(id=b, controller=b // 2, offset=(b % 2) * GiB, kernel_xy=(xy, xy), noc0_xy=xy)
                 for b, xy in enumerate(endpoints))


_WH_CONTROLLERS = (((0, 0), (0, 1), (0, 11)), ((0, 5), (0, 6), (0, 7)), ((5, 0), (5, 1), (5, 11)),
                   ((5, 2), (5, 9), (5, 10)), ((5, 3), (5, 4), (5, 8)), ((5, 5), (5, 6), (5, 7)))

_WH_COMMON = dict(
    name="wormhole_b0", noc_grid=(10, 12), worker_cols_noc0=(1, 2, 3, 4, 6, 7, 8, 9), translated=True,
    translated_cols=tuple(range(18, 26)), l1_size=1464 * KiB, l1_unreserved_base=96 * KiB,
    dram_controller_size=2 * GiB, dram_controller_tiles=_WH_CONTROLLERS, dram_banks=_wh_banks(),
    dram_bank_size=1 * GiB, dram_unreserved_base=32, l1_alignment=16, dram_alignment=32,
    noc_read_alignment={"l1": 16, "dram": 32, "pcie": 32}, noc_write_alignment={"l1": 16, "dram": 16, "pcie": 16},
    aiclk_hz=1.0e9, noc_link_bytes_per_cycle=32, noc_max_packet=8192, noc_hop_cycles=9, noc_niu_cycles=5,
    dram_bank_bytes_per_cycle=24.0, num_circular_buffers=32,
    sources={
        "noc_grid": "HW §5, §15(b)", "worker_cols_noc0": "HW §15(b) Logical -> NoC0",
        "worker_rows_noc0": "HW §15(b); simulated board has NoC0 row 11 harvested (tensix choice)",
        "compute_grid": "HW §5 / API §2.11: n150 8x8, n300 8x7 (Tensix dispatch on a row)",
        "translated": "HW §15(b) Translated coordinates: Tensix (18+lx, 18+ly), DRAM = NoC0",
        "l1_size": "HW §6 / API §2.2 MEM_L1_SIZE 1464*1024",
        "l1_unreserved_base": "tensix choice: low 96 KiB hold firmware, runtime args and semaphores",
        "dram": "HW §15(b): 6 controllers x 2 GiB, 12 views of 1 GiB, address_offset 0 / 1 GiB",
        "dram_unreserved_base": "tensix choice (GS uses 32 B, HW §15(a); WH value not in the reference)",
        "alignment": "API §2.2 / HW §8: L1 16/16, DRAM 32/16, PCIe 32/16",
        "aiclk_hz": "HW §4: 1.0 GHz", "noc": "HW §9: 32 B/cycle, 8 KB packets, 9 cycles/hop, NIU 5",
        "dram_bank_bytes_per_cycle": "HW §7: 24 GB/s per channel at 1 GHz",
        "dram_latency_cycles": "tensix choice: WH GDDR6 latency is unknown (NoC §7.4); BH's Tdram (HW §11(c), 375 "
                               "cycles at 1.35 GHz) as the same time in ns, 278 cycles at 1 GHz",
        "dram_endpoints": "HW §15(b), NoC §7.2: every bank has its own endpoint tile, the same for both NoCs",
        "num_circular_buffers": "API §2.4: WH 32",
        "max_runtime_args": "API §2.3: 341", "num_semaphores": "API §2.3: 16",
    })

WORMHOLE_N150 = Arch(board="n150", worker_rows_noc0=(1, 2, 3, 4, 5, 7, 8, 9, 10), compute_grid=(8, 8),
                     translated_rows=tuple(range(18, 27)), **_WH_COMMON)
WORMHOLE_N300 = Arch(board="n300", worker_rows_noc0=(2, 3, 4, 5, 7, 8, 9, 10), compute_grid=(8, 7),
                     translated_rows=tuple(range(18, 26)), **_WH_COMMON)


def _bh_banks() -> tuple[DramBank, ...]:
    # HW §15(c): bank tile lists (port order) and worker endpoints per NoC; translated DRAM coords
    # for bank b, port p = (17 + [b >= 4], 12 + 3*(b mod 4) + p).
    tiles = _BH_CONTROLLERS_NOC0
    ep0 = [(0, 11), (0, 2), (0, 9), (0, 5), (9, 11), (9, 3), (9, 8), (9, 6)]
    ep1 = [(0, 1), (0, 10), (0, 4), (0, 7), (9, 1), (9, 10), (9, 4), (9, 7)]
    banks = []
    for b in range(8):
        def tr(xy, b=b):
            p = tiles[b].index(xy)
            return 17 + (b >= 4), 12 + 3 * (b % 4) + p
        banks.append(DramBank(id=b, controller=b, offset=0, kernel_xy=(tr(ep0[b]), tr(ep1[b])), noc0_xy=ep0[b]))
    return tuple(banks)


_BH_CONTROLLERS_NOC0 = (((0, 0), (0, 1), (0, 11)), ((0, 2), (0, 10), (0, 3)), ((0, 9), (0, 4), (0, 8)),
                        ((0, 5), (0, 7), (0, 6)), ((9, 0), (9, 1), (9, 11)), ((9, 2), (9, 10), (9, 3)),
                        ((9, 9), (9, 4), (9, 8)), ((9, 5), (9, 7), (9, 6)))
_BH_CONTROLLERS_TRANSLATED = tuple(tuple((17 + (b >= 4), 12 + 3 * (b % 4) + p) for p in range(3)) for b in range(8))

# p150a on firmware >= 19.5.0: 12 enabled columns (two harvested; tensix simulates NoC0 columns 15
# and 16 as the harvested ones), logical column 11 dispatches, compute grid 11x10 (HW §5, §15(c)).
BLACKHOLE_P150A = Arch(
    name="blackhole", board="p150a", noc_grid=(17, 12),
    worker_cols_noc0=(1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14), worker_rows_noc0=tuple(range(2, 12)),
    compute_grid=(11, 10), translated=True,
    translated_cols=(1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14), translated_rows=tuple(range(2, 12)),
    l1_size=1536 * KiB, l1_unreserved_base=96 * KiB,
    dram_controller_size=4_278_190_080, dram_controller_tiles=_BH_CONTROLLERS_TRANSLATED, dram_banks=_bh_banks(),
    dram_bank_size=4_278_190_080, dram_unreserved_base=64, l1_alignment=16, dram_alignment=64,
    noc_read_alignment={"l1": 16, "dram": 64, "pcie": 64}, noc_write_alignment={"l1": 16, "dram": 16, "pcie": 16},
    aiclk_hz=1.35e9, noc_link_bytes_per_cycle=64, noc_max_packet=16384, noc_hop_cycles=9, noc_niu_cycles=5,
    dram_bank_bytes_per_cycle=64e9 / 1.35e9, num_circular_buffers=64, timing=BH_TIMING,
    dram_controller_tiles_noc0=_BH_CONTROLLERS_NOC0,
    sources={
        "noc_grid": "HW §5, §15(c)", "compute_grid": "HW §5: p150a on FW >= 19.5.0, 11x10 = 110",
        "translated": "HW §15(c): Tensix translated = NoC0 when unharvested columns are kept; DRAM (17|18, 12+3(b%4)+p)",
        "l1_size": "HW §6: 1,572,864 B (SoC descriptor; bring-up guide conflict noted in HW §12)",
        "dram": "HW §7, §15(c): 8 banks of 4,278,190,080 B, address_offset 0",
        "alignment": "API §2.2 / HW §8: L1 16/16, DRAM 64/16, PCIe 64/16",
        "aiclk_hz": "HW §4: up to 1.35 GHz", "noc": "HW §9: 64 B/cycle, 16 KB packets, 9 cycles/hop",
        "dram_bank_bytes_per_cycle": "HW §7: 64 GB/s per bank = 47.4 B/cycle at 1.35 GHz",
        "dram_latency_cycles": "HW §11(c) Tdram 375", "num_circular_buffers": "API §2.4: BH 64",
    })

# Grayskull e150: no translation, kernels use physical coordinates per NoC (HW §15(a)).
GRAYSKULL_E150 = Arch(
    name="grayskull", board="e150", noc_grid=(13, 12),
    worker_cols_noc0=tuple(range(1, 13)), worker_rows_noc0=(1, 2, 3, 4, 5, 7, 8, 9, 10, 11),
    compute_grid=(12, 9), translated=False, translated_cols=(), translated_rows=(),
    l1_size=1 * MiB, l1_unreserved_base=96 * KiB,
    dram_controller_size=1 * GiB,
    dram_controller_tiles=tuple(((x, y),) for x, y in [(1, 0), (1, 6), (4, 0), (4, 6), (7, 0), (7, 6), (10, 0), (10, 6)]),
    dram_banks=tuple(DramBank(id=b, controller=b, offset=0, kernel_xy=(xy, (12 - xy[0], 11 - xy[1])), noc0_xy=xy)
                     for b, xy in enumerate([(1, 0), (1, 6), (4, 0), (4, 6), (7, 0), (7, 6), (10, 0), (10, 6)])),
    dram_bank_size=1 * GiB - 32, dram_unreserved_base=32, l1_alignment=16, dram_alignment=32,
    noc_read_alignment={"l1": 16, "dram": 32, "pcie": 32}, noc_write_alignment={"l1": 16, "dram": 16, "pcie": 16},
    aiclk_hz=1.2e9, noc_link_bytes_per_cycle=32, noc_max_packet=8192, noc_hop_cycles=9, noc_niu_cycles=5,
    dram_bank_bytes_per_cycle=118e9 / 8 / 1.2e9, num_circular_buffers=32, timing=GS_TIMING,
    sources={
        "noc_grid": "HW §15(a): 13x12", "compute_grid": "HW §5, §15(a): 12x9 = 108",
        "worker_rows_noc0": "HW §15(a): y0 = ly+1 for ly <= 4, ly+2 above",
        "l1_size": "HW §6: 1 MiB", "dram": "HW §15(a): 8 channels x 1 GiB, unreserved base 32 B",
        "alignment": "HW §8: L1 16/16, DRAM 32/16", "aiclk_hz": "HW §4: 1.2 GHz",
        "noc": "HW §9: 32 B/cycle, 8 KB packets; hop latency unknown for GS, WH value used (tensix choice)",
        "dram_bank_bytes_per_cycle": "HW §7: ~14.8 GB/s per channel (118/8) at 1.2 GHz",
        "dram_latency_cycles": "unknown for GS; HW §11(c) value used (tensix choice)",
        "num_circular_buffers": "unknown for GS; WH value 32 used (tensix choice)",
    })

ARCHS: dict[str, Arch] = {
    "n150": WORMHOLE_N150, "wormhole": WORMHOLE_N150, "wormhole_b0": WORMHOLE_N150,
    "n300": WORMHOLE_N300,
    "p150a": BLACKHOLE_P150A, "p150": BLACKHOLE_P150A, "blackhole": BLACKHOLE_P150A,
    "e150": GRAYSKULL_E150, "grayskull": GRAYSKULL_E150,
}


def get_arch(arch: str | Arch) -> Arch:
    if isinstance(arch, Arch):
        return arch
    key = str(arch).lower()
    if key not in ARCHS:
        raise ValueError(f"unknown arch {arch!r}; choose one of {sorted(set(ARCHS))}")
    return ARCHS[key]
