"""A backend that runs nothing and records the program plans it is given (as tinygrad's null device).

Tests use it to check what a program lowers to without starting a device process; a backend for a
real card is tested against the plans it records. Memory is kept (sparse, in host arrays) so buffer
writes read back; runs take zero cycles."""
from __future__ import annotations

import numpy as np

from .arch import Arch
from .buffer import Allocator
from .errors import TensixError
from .plan import ProgramPlan
from .profile import DeviceTime


class RecordingDone(TensixError):
    """Raised by a RecordBackend after `stop_after` runs (so a script that checks results stops there)."""


class RecordBackend:
    name = "record"
    stop_after: int | None = None        # class-wide default: tests set it to stop scripts after N runs

    def __init__(self, arch: Arch, timeout: float = 10.0, stop_after: int | None = None,
                 max_cycles: int | None = None) -> None:
        self.arch = arch
        a = arch
        self.dram = Allocator(a.dram_unreserved_base, a.dram_bank_size, a.dram_alignment, False, "DRAM (per bank)")
        self.l1 = Allocator(a.l1_unreserved_base, a.l1_size, max(a.l1_alignment, a.dram_alignment), True, "L1")
        self.plans: list[ProgramPlan] = []   # every plan run, in order, with its runtime args
        self.prepared: dict[str, ProgramPlan] = {}
        self.limit = stop_after if stop_after is not None else RecordBackend.stop_after
        self._mem: dict[tuple[str, int], np.ndarray] = {}
        self.closed = False

    def allocate(self, memory: str, bytes_per_bank: int) -> int:
        return (self.dram if memory == "dram" else self.l1).alloc(bytes_per_bank)

    def free(self, memory: str, address: int) -> None:
        (self.dram if memory == "dram" else self.l1).free(address)

    def _bank(self, memory: str, bank: int, end: int) -> np.ndarray:
        m = self._mem.get((memory, bank))
        if m is None or m.size < end:
            grown = np.zeros(max(end, 2 * (m.size if m is not None else 0)), np.uint8)
            if m is not None:
                grown[:m.size] = m
            m = self._mem[(memory, bank)] = grown
        return m

    def write_pages(self, memory: str, bank: int, address: int, stride: int, pages: np.ndarray) -> None:
        n, size = pages.shape
        m = self._bank(memory, bank, address + (n - 1) * stride + size)
        for i in range(n):
            m[address + i * stride:address + i * stride + size] = pages[i]

    def read_pages(self, memory: str, bank: int, address: int, stride: int, count: int, page_size: int) -> np.ndarray:
        m = self._bank(memory, bank, address + (count - 1) * stride + page_size)
        return np.stack([m[address + i * stride:address + i * stride + page_size] for i in range(count)])

    def prepare(self, plan: ProgramPlan) -> ProgramPlan:
        self.prepared.setdefault(plan.key, plan)
        return plan

    def run(self, prepared, plan: ProgramPlan, *, trace: bool = False, timing_only: bool = False,
            traced: bool = False) -> DeviceTime:
        self.plans.append(plan)
        if self.limit is not None and len(self.plans) >= self.limit:
            raise RecordingDone(f"recorded {len(self.plans)} program(s)")
        return DeviceTime(0, self.arch.aiclk_hz, 1, 0.0)

    def transfer_seconds(self, nbytes: int, page_size: int, to_device: bool) -> float:
        return 0.0

    def close(self) -> None:
        self.closed = True
        self._mem.clear()
