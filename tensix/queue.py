"""The command queue: programs, buffer writes and reads in order, with their modelled device time."""
from __future__ import annotations

import os
import sys
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .buffer import Buffer
from .plan import plan_program, with_runtime_args
from .profile import DeviceTime, Profile
from .program import Program

if TYPE_CHECKING:
    from .device import Device


def _trace_path(trace) -> Path | None:
    """Where a trace goes, checked before the run so a bad path cannot lose the run's result."""
    trace = trace or os.environ.get("TENSIX_TRACE") or None
    if trace is None:
        return None
    p = Path(trace)
    if not p.parent.is_dir():
        raise ValueError(f"trace={str(trace)!r}: the directory {str(p.parent)!r} does not exist; create it or "
                         f"give another path")
    return p


class Queue:
    """The device's command queue. Programs run in order; finish() returns the modelled device time
    of everything enqueued since the last finish()."""

    def __init__(self, device: "Device") -> None:
        self.device = device
        self.cycles = 0
        self.programs = 0
        self.overhead_s = 0.0
        self.prints: list = []
        self._runs: deque = deque(maxlen=64)   # profiles since the last finish()

    def write(self, buffer: Buffer, data) -> None:
        """Copy host data into `buffer`; the modelled time includes the PCIe transfer (HW §11f)."""
        self._check_buffer(buffer)
        buffer.write(data)
        self.overhead_s += self.device.backend.transfer_seconds(buffer.size, buffer.page_size, True)

    def read(self, buffer: Buffer, dtype=None) -> np.ndarray:
        self._check_buffer(buffer)
        out = buffer.read(dtype)
        self.overhead_s += self.device.backend.transfer_seconds(buffer.size, buffer.page_size, False)
        return out

    def _check_buffer(self, buffer) -> None:
        if not isinstance(buffer, Buffer):
            raise TypeError(f"expected a Buffer, got a {type(buffer).__name__} ({buffer!r})")
        if buffer.device is not self.device:
            raise ValueError(f"{buffer!r} belongs to another device ({buffer.device!r}); use that device's queue")

    def enqueue(self, program: Program, trace: str | os.PathLike | None = None, timing_only: bool = False) -> DeviceTime:
        """Run `program` on the device; returns its modelled device time and profile.

        trace: write a Chrome/Perfetto timeline of the run to this path (also: TENSIX_TRACE=path).
        timing_only: skip tile arithmetic and data copies but keep every event and the modelled
        time (for kernels whose control flow does not depend on the data)."""
        if not isinstance(program, Program):
            raise TypeError(f"enqueue takes a Program, got a {type(program).__name__} ({program!r})")
        dev = self.device
        path = _trace_path(trace)
        with dev._lock:
            dev._check_open()
            dev._release_pending()          # before placement: CBs check against live L1 buffers
            cached = program._plans.get(dev.serial)
            if cached is None:
                static = plan_program(program, dev)
                plan = with_runtime_args(static, program, dev)
                cached = program._plans[dev.serial] = (static, dev.backend.prepare(plan))
            else:
                plan = with_runtime_args(cached[0], program, dev)
            t = dev.backend.run(cached[1], plan, trace=path is not None, timing_only=bool(timing_only))
            self.prints = t.prints
            self.cycles += t.cycles
            self.programs += 1
            self.overhead_s += t.overhead_s
            self._runs.extend(t._runs)
        if t.prints and dev.print_kernel_output:
            for p in t.prints:
                print(p, file=sys.stderr)
        if path is not None and t.profile is not None:
            t.profile.save_trace(path)
        return t

    @property
    def profile(self) -> Profile | None:
        """The profile of the last program run."""
        return self._runs[-1].get() if self._runs else None

    def finish(self) -> DeviceTime:
        """Modelled time of everything since the last finish(); `profile` is the last program's,
        `profiles` every program's."""
        t = DeviceTime(self.cycles, self.device.arch.aiclk_hz, self.programs, self.overhead_s, list(self._runs))
        self.cycles = 0
        self.programs = 0
        self.overhead_s = 0.0
        self._runs.clear()
        return t
