"""The seam between the host API and what runs programs: a Backend. Device, Buffer and Queue call only this.

A backend owns a chip's memory and placement: it allocates buffers (addresses per bank), moves pages in and
out, turns a ProgramPlan (tensix/plan.py) into something it can run (`prepare`, cached by the plan's key),
runs it and returns the modelled DeviceTime. Backends are picked by name and imported only when used, as
tinygrad picks its devices: "sim" is the simulated chip (tensix/sim), "record" runs nothing and keeps the
plans (tensix/record.py). A new backend (a real card through ttnn, say) is one module with one class
listed in BACKENDS."""
from __future__ import annotations

import importlib
from typing import Any, Protocol

import numpy as np

from .arch import Arch
from .plan import ProgramPlan
from .profile import DeviceTime

BACKENDS = {
    "sim": "tensix.sim.backend:SimBackend",
    "record": "tensix.record:RecordBackend",
}


class Backend(Protocol):
    arch: Arch

    def allocate(self, memory: str, bytes_per_bank: int) -> int:
        """Reserve `bytes_per_bank` at one address in every bank of `memory` ("dram" or "l1"); the address.
        Raises AllocationError (used / free / limit) when it does not fit."""

    def free(self, memory: str, address: int) -> None: ...

    def write_pages(self, memory: str, bank: int, address: int, stride: int, pages: np.ndarray) -> None:
        """Write rows of `pages` (n x page bytes, uint8) to bank `bank` at address + i * stride. An L1 bank is
        a worker core (arch.core_index)."""

    def read_pages(self, memory: str, bank: int, address: int, stride: int, count: int, page_size: int) -> np.ndarray:
        """`count` pages of `page_size` bytes from address + i * stride: a new (count, page_size) array."""

    def prepare(self, plan: ProgramPlan) -> Any:
        """Compile and load what `plan` needs (cached by plan.key); an opaque handle for run()."""

    def run(self, prepared: Any, plan: ProgramPlan, *, trace: bool = False, timing_only: bool = False,
            traced: bool = False) -> DeviceTime:
        """Run a prepared program with `plan`'s runtime args: its modelled time, profile and prints, and
        in `dispatch` the dispatch cost by part. `traced`: replayed from a trace (no host-side dispatch)."""

    def transfer_seconds(self, nbytes: int, page_size: int, to_device: bool) -> float:
        """Modelled time of a host <-> device copy (PCIe)."""

    def close(self) -> None: ...


def open_backend(name: str, arch: Arch, **options) -> Backend:
    """The backend called `name` for a chip of `arch`; `options` are its own (e.g. the sim's timeout)."""
    if name not in BACKENDS:
        raise ValueError(f"backend {name!r} is not known; the backends are {sorted(BACKENDS)}")
    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), cls)(arch, **options)


def backend_class(name: str) -> type:
    if name not in BACKENDS:
        raise ValueError(f"backend {name!r} is not known; the backends are {sorted(BACKENDS)}")
    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), cls)
