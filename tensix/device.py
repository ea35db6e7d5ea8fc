"""Device and Queue: the entry points of the host API."""
from __future__ import annotations

import os
import numpy as np

from .arch import Arch, get_arch
from .buffer import Allocator, Buffer
from .core import CoreCoord, as_coord
from .errors import DeviceError
from .queue import Queue
from .sim.chip import SLOT, SimChip


class Device:
    """A Tensix chip. `backend="sim"` (the default, and the only backend today) is the simulated chip.

    Use as a context manager, or call close() (idempotent). `timeout` is how long a host wait lasts
    without the chip making progress before the run is stopped as hung. `print_kernel_output` shows
    kernel DPRINT/DEVICE_PRINT lines on stderr (default: the TENSIX_DEBUG environment variable)."""

    def __init__(self, arch: str | Arch = "n150", backend: str = "sim", *, timeout: float = 10.0,
                 print_kernel_output: bool | None = None) -> None:
        if backend != "sim":
            raise ValueError(f"backend {backend!r} is not available; tensix runs on backend='sim' (the simulated chip)")
        self.arch = get_arch(arch)
        self.grid = CoreCoord(*self.arch.compute_grid)
        self.closed = True
        self._chip = SimChip(self.arch, timeout)
        self.closed = False
        a = self.arch
        self._dram = Allocator(a.dram_unreserved_base, a.dram_bank_size, a.dram_alignment, False, "DRAM (per bank)")
        self._l1 = Allocator(a.l1_unreserved_base, a.l1_size, max(a.l1_alignment, a.dram_alignment), True, "L1")
        if print_kernel_output is None:
            print_kernel_output = bool(os.environ.get("TENSIX_DEBUG"))
        self.print_kernel_output = print_kernel_output
        self.queue = Queue(self)

    def __repr__(self) -> str:
        return f"Device({self.arch.board}, {self.arch.name}, grid {self.grid.x}x{self.grid.y}, simulated)"

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._chip.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def _check_open(self) -> None:
        if self.closed:
            raise DeviceError("the device is closed; open a new Device")

    # ---- coordinates --------------------------------------------------------------------------
    def _core_index(self, core) -> int:
        c = as_coord(core)
        self.arch.check_logical(c.x, c.y)
        return c.y * self.grid.x + c.x

    def worker_core(self, core, noc: int = 0) -> CoreCoord:
        """NoC coordinates a kernel uses to reach logical worker `core` (worker_core_from_logical_core)."""
        c = as_coord(core)
        self.arch.check_logical(c.x, c.y)
        return CoreCoord(*self.arch.kernel_xy(c.x, c.y, noc))

    def _l1_kernel_base(self, core) -> int:
        if self._chip.proc is None:
            self._chip._start()
        return self._chip.l1_pool_addr + self._core_index(core) * SLOT

    # ---- memory -------------------------------------------------------------------------------
    def dram_buffer(self, size: int, page_size: int | None = None, dtype=None, shard=None) -> Buffer:
        return Buffer(self, size, page_size, "dram", dtype=dtype, shard=shard)

    def l1_buffer(self, size: int, page_size: int | None = None, cores=None, dtype=None, shard=None) -> Buffer:
        return Buffer(self, size, page_size, "l1", cores=cores, dtype=dtype, shard=shard)
