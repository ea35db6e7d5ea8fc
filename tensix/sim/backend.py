"""The simulated chip as a Backend: memory and placement, kernel builds, and runs on the device process."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..arch import Arch
from ..buffer import Allocator
from ..core import CoreCoord
from ..errors import DeviceError
from ..plan import ProgramPlan
from ..profile import DeviceTime, LazyProfile, Profile
from . import compiler, dispatch, lower
from .chip import SimChip
from .protocol import L1_STRIDE


@dataclass
class Prepared:
    generation: int               # the device process the kernels were loaded into
    kernel_ids: list[int]
    static: list[int]             # CB and semaphore part of the RUN message
    cb_top: int                   # end of the CB region in L1
    regions: list


class SimBackend:
    """Memory lives in shared memory owned by this object (SimChip); the device process runs programs.
    A device process that died (crash, kill, reset) is replaced and the prepared programs reloaded."""

    name = "sim"

    def __init__(self, arch: Arch, timeout: float = 10.0, max_cycles: int | None = None) -> None:
        self.arch = arch
        # the clock's conservation check (TENSIX_CHECK=1, or Device(check=True)): every run verifies that
        # no link, core NoC port or DRAM channel is booked above its rate in any window
        self.check = os.environ.get("TENSIX_CHECK", "0") not in ("", "0")
        self.check_fault = False          # the check's own test: count every booking twice
        self.profiler = False             # Device(profiler=True): charge tt-metal's device profiler per program
        a = arch
        self.dram = Allocator(a.dram_unreserved_base, a.dram_bank_size, a.dram_alignment, False, "DRAM (per bank)")
        self.l1 = Allocator(a.l1_unreserved_base, a.l1_size, max(a.l1_alignment, a.dram_alignment), True, "L1")
        self.chip = SimChip(arch, timeout, max_cycles)
        self._dispatch_costs: dict = {}
        # the previous program's kernel time: the next dispatch's config path overlaps it (NoC §9)
        self.last_kernel_s = 0.0
        self._parts: dict = {}               # the last dispatch breakdown (equal ones are shared, see run)

    # ---- memory -------------------------------------------------------------------------------
    def _allocator(self, memory: str) -> Allocator:
        return self.dram if memory == "dram" else self.l1

    def allocate(self, memory: str, bytes_per_bank: int) -> int:
        return self._allocator(memory).alloc(bytes_per_bank)

    def free(self, memory: str, address: int) -> None:
        self._allocator(memory).free(address)

    def _offset(self, memory: str, bank: int, address: int) -> tuple[np.ndarray, int]:
        """The shared-memory array and byte offset of `address` in bank `bank`."""
        if memory == "dram":
            b = self.arch.dram_banks[bank]
            return self.chip.dram, b.controller * self.arch.dram_controller_size + b.offset + address
        return self.chip.l1, bank * L1_STRIDE + address

    def write_pages(self, memory: str, bank: int, address: int, stride: int, pages: np.ndarray) -> None:
        mem, off = self._offset(memory, bank, address)
        n, size = pages.shape
        if n == 1 or stride == size:
            mem[off:off + n * size] = pages.reshape(-1)
        else:
            mem[off:off + n * stride].reshape(n, stride)[:, :size] = pages

    def read_pages(self, memory: str, bank: int, address: int, stride: int, count: int, page_size: int) -> np.ndarray:
        mem, off = self._offset(memory, bank, address)
        if count == 1 or stride == page_size:
            return mem[off:off + count * page_size].reshape(count, page_size).copy()
        return mem[off:off + count * stride].reshape(count, stride)[:, :page_size].copy()

    def l1_base(self, core: CoreCoord) -> int:
        """Where the kernels on `core` see byte 0 of its L1 (the device process maps the pool there)."""
        return self.chip.l1_pool_addr + self.arch.core_index(core) * L1_STRIDE

    # ---- programs -----------------------------------------------------------------------------
    def prepare(self, plan: ProgramPlan, into: Prepared | None = None) -> Prepared:
        """Build (through the kernel cache, which checks every header) and load the plan's kernels."""
        self.chip.alive()                    # starts (or replaces) the device process when needed
        cb_words, formats, top, regions = lower.cb_layout(plan, self.arch)
        lower.check_cb_space(top, regions, self.arch, self.l1.lowest(), bool(self.l1.blocks))
        jobs = []
        for k in plan.kernels:
            src = lower.source_file(k)
            jobs.append((k, src, lower.wrapper(k, src, lower.kernel_formats(k, formats))))
        if len(jobs) == 1:
            libs = [compiler.build_kernel(jobs[0][0].name, jobs[0][1], jobs[0][2], lower.flags(jobs[0][0], self.arch, jobs[0][1]))]
        else:
            with ThreadPoolExecutor(max_workers=4) as ex:
                futures = [ex.submit(compiler.build_kernel, k.name, src, w, lower.flags(k, self.arch, src))
                           for k, src, w in jobs]
                libs = [f.result() for f in futures]
        self.chip.reserve(len(jobs))         # a process with many kernels loaded is replaced first (bounded maps)
        self.chip.alive()
        ids = []
        for i, ((k, src, w), so) in enumerate(zip(jobs, libs)):
            try:
                ids.append(self.chip.load(so, k.processor, k.noc, k.name))
            except DeviceError as e:
                if "cannot load kernel" not in str(e):
                    raise
                # a cache entry the loader rejects (corrupted, or evicted by another process): rebuild it once
                compiler.invalidate(so)
                libs[i] = compiler.build_kernel(k.name, src, w, lower.flags(k, self.arch, src))
                ids.append(self.chip.load(libs[i], k.processor, k.noc, k.name))
        p = Prepared(self.chip.generation, ids, cb_words + lower.sem_words(plan, self.arch), top, regions)
        if into is None:
            return p
        into.__dict__.update(p.__dict__)
        return into

    def run(self, prepared: Prepared, plan: ProgramPlan, *, trace: bool = False, timing_only: bool = False,
            traced: bool = False) -> DeviceTime:
        if not self.chip.alive() or prepared.generation != self.chip.generation:
            self.prepare(plan, into=prepared)   # the device process was replaced since: load the kernels again
        else:                                   # L1 buffers come and go: the CBs must still fit below them
            lower.check_cb_space(prepared.cb_top, prepared.regions, self.arch, self.l1.lowest(), bool(self.l1.blocks))
        msg = lower.run_message(plan, self.arch, prepared.static, prepared.kernel_ids, self.l1_base, trace, timing_only,
                                self.check, self.check_fault)
        cycles, prints, raw_profile = self.chip.run(msg)
        arch, cores = self.arch, self.chip.cores
        run = LazyProfile(lambda: Profile.from_raw(arch, cores, cycles, raw_profile(), prints, trace))
        cost = self._dispatch_cost(plan, traced)
        overhead = cost.overhead_seconds(arch, self.last_kernel_s)
        self.last_kernel_s = cycles / arch.aiclk_hz
        parts = {f"gap: {k}": v / arch.aiclk_hz for k, v in cost.gap.items()}
        parts.update({f"config: {k}": v / arch.aiclk_hz for k, v in cost.config.items()})
        if cost.host_s:
            parts["config: host"] = cost.host_s
        # a program run again has the same breakdown: share one dict, so the queue's history of the
        # last commands does not hold thousands of equal copies
        parts = self._parts if parts == self._parts else parts
        self._parts = parts
        return DeviceTime(cycles, arch.aiclk_hz, 1, overhead, [run], prints, parts)

    def _dispatch_cost(self, plan: ProgramPlan, traced: bool) -> "dispatch.DispatchCost":
        """The dispatch model's cost of `plan`: it depends on the static plan and on how many runtime-arg
        words each core gets, so repeated enqueues of one program look it up instead of re-deriving it."""
        sig = (plan.key, traced, self.profiler, tuple((len(k.common_args), *(len(a.words) for a in k.runtime_args)) for k in plan.kernels))
        cost = self._dispatch_costs.get(sig)
        if cost is None:
            if len(self._dispatch_costs) > 1024:
                self._dispatch_costs.clear()
            cost = self._dispatch_costs[sig] = dispatch.program_cost(self.arch, dispatch.describe(plan, self.arch, traced, self.profiler))
        return cost

    def transfer_seconds(self, nbytes: int, page_size: int, to_device: bool) -> float:
        return dispatch.pcie_seconds(self.arch, nbytes, page_size, write=to_device)

    # ---- the device process -------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The device process's pid, if one is running."""
        return self.chip.proc.pid if self.chip.proc is not None else None

    def reset(self) -> None:
        """Stop the device process; the next call starts a fresh one (memory is kept)."""
        self.chip._stop()

    def close(self) -> None:
        self.chip.close()

    # ---- the kernel cache (tensix.cache) ------------------------------------------------------
    cache_stats = staticmethod(compiler.stats)
    cache_clear = staticmethod(compiler.clear)

    @staticmethod
    def cache_counters() -> dict:
        """This process's kernel-cache hits, misses and evictions and the cache's path, without the
        directory scan of cache_stats() (status records are written while programs run)."""
        return {"path": str(compiler.cache_dir()), **compiler._stats}
