"""The command queue: programs, buffer writes and reads in order, with their modelled device time."""
from __future__ import annotations

import collections
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .buffer import Buffer
from .profile import Profile
from .program import Program
from .sim import lower as launch
from .sim.chip import PrintLine

if TYPE_CHECKING:
    from .device import Device


class _Lazy:
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
    cycles: int                          # kernel cycles (first RISC-V start to last RISC-V end)
    aiclk_hz: float
    programs: int = 1
    overhead_s: float = 0.0              # program dispatch and host <-> device transfers (HW §11d, §11f)
    _runs: list = field(default_factory=list, repr=False)

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


class Queue:
    """The device's command queue. Programs run in order; finish() returns the modelled device time
    of everything enqueued since the last finish()."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self.cycles = 0
        self.programs = 0
        self.overhead_s = 0.0
        self.prints: list[PrintLine] = []
        self._runs: collections.deque = collections.deque(maxlen=64)   # profiles since the last finish()

    def write(self, buffer: Buffer, data) -> None:
        """Copy host data into `buffer`; the modelled time includes the PCIe transfer (HW §11f)."""
        buffer.write(data)
        self.overhead_s += buffer.size / (self.device.arch.timing.host_write_gbps * 1e9)

    def read(self, buffer: Buffer, dtype=None) -> np.ndarray:
        out = buffer.read(dtype)
        self.overhead_s += buffer.size / (self.device.arch.timing.host_read_gbps * 1e9)
        return out

    def enqueue(self, program: Program, trace: str | os.PathLike | None = None, timing_only: bool = False) -> DeviceTime:
        """Run `program` on the device; returns its modelled device time and profile.

        trace: write a Chrome/Perfetto timeline of the run to this path (also: TENSIX_TRACE=path).
        timing_only: skip tile arithmetic and data copies but keep every event and the modelled
        time (for kernels whose control flow does not depend on the data)."""
        dev = self.device
        trace = trace or os.environ.get("TENSIX_TRACE") or None
        dev._check_open()
        key = dev._chip.serial
        built = program._built.get(key)
        if built is None or built.generation != dev._chip.generation or dev._chip.proc is None:
            built = launch.build(program, dev)
            program._built[key] = built
        msg = launch.run_message(program, dev, built, trace=bool(trace), timing_only=timing_only)
        try:
            cycles, prints, raw_profile = dev._chip.run(msg)
        finally:
            if dev._chip.proc is None:            # the device was reset: rebuild state next time
                program._built.pop(key, None)
        self.prints = prints
        if prints and dev.print_kernel_output:
            for p in prints:
                print(p, file=sys.stderr)
        dispatch = dev.arch.timing.dispatch_us * 1e-6
        self.cycles += cycles
        self.programs += 1
        self.overhead_s += dispatch
        cores = dev._chip.cores
        run = _Lazy(lambda: Profile.from_raw(dev.arch, cores, cycles, raw_profile(), prints, bool(trace)))
        self._runs.append(run)
        if trace:
            run.get().save_trace(trace)
        return DeviceTime(cycles, dev.arch.aiclk_hz, 1, dispatch, [run])

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
