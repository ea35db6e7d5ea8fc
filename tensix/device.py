"""Device: a Tensix chip behind a backend (the simulated chip by default), its memory and its queue."""
from __future__ import annotations

import itertools
import math
import os
import threading
import weakref

from . import checks
from .arch import Arch, get_arch
from .backend import Backend, open_backend
from .buffer import Buffer
from .core import CoreCoord, as_coord
from .errors import DeviceError
from .queue import Queue, make_queues
from .status import StatusRecord

# What Device() opens when arch / backend are not given (`tensix run --arch` sets the arch).
DEFAULTS = {"arch": "n150", "backend": "sim"}
_serials = itertools.count()
DEFAULT_MAX_CYCLES = 1 << 32       # about 4 s of device time: far beyond any program the simulator runs in minutes


class Device:
    """A Tensix chip. `backend="sim"` (the default) is the simulated chip; `"record"` runs nothing and
    records the program plans (tensix/record.py).

    Use as a context manager, or call close() (idempotent). `timeout` is how long a host wait lasts
    without the chip making progress before the run is stopped as hung. `print_kernel_output` shows
    kernel DPRINT/DEVICE_PRINT lines on stderr (default: the TENSIX_DEBUG environment variable).
    `max_cycles` stops a run that passes that many simulated cycles (a kernel calling the API forever
    makes progress, so only this limit stops it); None for no limit.
    `queues` are the device's two command queues; `queue` is queue 0.
    `check` turns on the simulated clock's conservation check: every run verifies that no NoC link, core
    NoC port or DRAM channel is booked above its rate in any window (default: TENSIX_CHECK=1); a
    violation fails the run, and profiles list each resource's use.
    `profiler` models tt-metal's device profiler being on (TT_METAL_DEVICE_PROFILER): its per-program
    firmware work lengthens the gap between programs (arch.Timing.dispatch_profiler_cycles, fitted to the
    published op-to-op gap, HW §11d). Off by default, as in tt-metal; compare with profiled runs with it on.

    A Device may be shared by threads: every call into the backend holds the device's lock, so calls
    from several threads run one after another."""

    def __init__(self, arch: str | Arch | None = None, backend: str | None = None, *, timeout: float = 10.0,
                 print_kernel_output: bool | None = None, max_cycles: int | None = DEFAULT_MAX_CYCLES,
                 check: bool | None = None, profiler: bool = False) -> None:
        self.closed = True
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
                or timeout <= 0:
            raise ValueError(f"Device timeout={timeout!r}: give the seconds a run may go without progress "
                             f"before it is stopped as hung, a finite number > 0 (e.g. 10.0)")
        if max_cycles is not None:
            if isinstance(max_cycles, bool) or not isinstance(max_cycles, int) or not 0 < max_cycles < 2**63:
                raise ValueError(f"Device max_cycles={max_cycles!r}: give the simulated cycles a run may take, a whole "
                                 f"number in 1..2**63-1 (e.g. 10**9), or None for no limit")
        if print_kernel_output is not None:
            checks.flag(print_kernel_output, "Device print_kernel_output")
        profiler = checks.flag(profiler, "Device profiler")
        self.arch = get_arch(DEFAULTS["arch"] if arch is None else arch)
        self.grid = CoreCoord(*self.arch.compute_grid)
        self.serial = next(_serials)         # unique in this process (id() of a closed device is reused)
        self.timeout = float(timeout)
        self._lock = threading.RLock()
        self._buffers: weakref.WeakSet[Buffer] = weakref.WeakSet()
        self._pending_frees: list[tuple[str, int]] = []   # from collected Buffers (see Buffer.__del__)
        self.backend_name = DEFAULTS["backend"] if backend is None else backend
        self.backend: Backend = open_backend(self.backend_name, self.arch, timeout=self.timeout,
                                             max_cycles=max_cycles)
        if check is not None and hasattr(self.backend, "check"):
            self.backend.check = bool(check)
        if hasattr(self.backend, "profiler"):
            self.backend.profiler = profiler
        self.closed = False
        if print_kernel_output is None:
            print_kernel_output = bool(os.environ.get("TENSIX_DEBUG"))
        self.print_kernel_output = print_kernel_output
        self.queues: list[Queue] = make_queues(self, 2)   # two command queues, as fast dispatch has
        self.queue = self.queues[0]
        self._status = StatusRecord(self)                  # what `tensix smi` shows of this device

    def __repr__(self) -> str:
        return f"Device({self.arch.board}, {self.arch.name}, grid {self.grid.x}x{self.grid.y}, {self.backend_name})"

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the device and give back its memory; buffers of a closed device can no longer be used."""
        with self._lock:
            if not self.closed:
                self.closed = True
                for b in list(self._buffers):
                    b.freed = True
                self._buffers.clear()
                self._status.close()
                self.backend.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def _release_later(self, memory: str, address: int) -> None:
        self._pending_frees.append((memory, address))     # list.append: safe from any thread

    def _release_pending(self) -> None:
        """Free the memory of collected Buffers; the caller holds the lock."""
        while self._pending_frees:
            memory, address = self._pending_frees.pop()
            if not self.closed:
                self.backend.free(memory, address)

    def _check_open(self) -> None:
        if self.closed:
            raise DeviceError("the device is closed; open a new Device")

    # ---- coordinates --------------------------------------------------------------------------
    def worker_core(self, core, noc: int = 0) -> CoreCoord:
        """NoC coordinates a kernel uses to reach logical worker `core` (worker_core_from_logical_core)."""
        c = as_coord(core)
        self.arch.check_logical(c.x, c.y)
        if isinstance(noc, bool) or noc not in (0, 1):
            raise ValueError(f"noc={noc!r}: a Tensix core has NoC 0 and NoC 1")
        return CoreCoord(*self.arch.kernel_xy(c.x, c.y, noc))

    # ---- memory -------------------------------------------------------------------------------
    def dram_buffer(self, size: int, page_size: int | None = None, dtype=None, shard=None) -> Buffer:
        return Buffer(self, size, page_size, "dram", dtype=dtype, shard=shard)

    def l1_buffer(self, size: int, page_size: int | None = None, cores=None, dtype=None, shard=None) -> Buffer:
        return Buffer(self, size, page_size, "l1", cores=cores, dtype=dtype, shard=shard)
