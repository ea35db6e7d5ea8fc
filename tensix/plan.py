"""A program as a backend sees it: what runs where, with which arguments and buffers, and no L1 placement.

Shaped like tt-metal's ProgramDescriptor: kernels (source, RISC-V and NoC, cores, compile-time args, named
args, defines, compute config, per-core runtime-arg words, common args), circular buffers (indices,
formats, page sizes, cores, backing buffer) and semaphores. `plan_program` makes one from a Program and
checks everything that does not depend on a backend; placement (where CBs and args live in L1) is the
backend's. A runtime-arg word that holds a per-core L1 buffer's address is listed in `l1_args`, so a backend
whose kernels see L1 at another base (the simulator's) can relocate it."""
from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .buffer import Buffer
from .core import CoreCoord, as_coord
from .errors import AllocationError
from .formats import DataFormat
from .program import PROCESSOR_NAMES, CircularBuffer, Kernel, Program

if TYPE_CHECKING:
    from .device import Device


@dataclass(frozen=True)
class ComputeConfig:
    math_fidelity: str = "HiFi4"
    fp32_dest_acc_en: bool = False
    math_approx_mode: bool = False
    dst_full_sync_en: bool = False


@dataclass(frozen=True)
class CoreArgs:
    core: CoreCoord
    words: tuple[int, ...]
    l1_args: tuple[int, ...] = ()       # indices of words that are per-core L1 buffer addresses


@dataclass(frozen=True)
class KernelPlan:
    name: str
    source: str                          # the kernel's C++ text
    path: Path | None                    # its file, when it came from one (includes resolve beside it)
    processor: int                       # 0 RISCV_0 (BRISC), 1 RISCV_1 (NCRISC), 2 compute
    noc: int
    cores: tuple[CoreCoord, ...]
    compile_args: tuple[int, ...]
    named_compile_args: tuple[tuple[str, int], ...]
    defines: tuple[tuple[str, str], ...]
    compute: ComputeConfig | None
    runtime_args: tuple[CoreArgs, ...] = ()   # one per core, in `cores` order
    common_args: tuple[int, ...] = ()
    common_l1_args: tuple[int, ...] = ()
    include_dirs: tuple[Path, ...] = ()  # the kernel's and the program's include directories
    preincludes: tuple[str, ...] = ()    # headers included before the source (generated Metal 2.0 bindings)
    generated_headers: tuple[tuple[str, str], ...] = ()   # (file name, text): headers made for this kernel

    def with_args(self, runtime_args: tuple[CoreArgs, ...], common: tuple[int, ...], common_l1: tuple[int, ...]):
        """This kernel with other runtime args (on every enqueue: cheaper than dataclasses.replace)."""
        k = object.__new__(KernelPlan)
        k.__dict__.update(self.__dict__, runtime_args=runtime_args, common_args=common, common_l1_args=common_l1)
        return k


@dataclass(frozen=True)
class CBPlan:
    indices: tuple[int, ...]
    formats: tuple[DataFormat, ...]      # per index
    page_sizes: tuple[int, ...]          # per index
    total_size: int
    cores: tuple[CoreCoord, ...]
    buffer_address: int | None = None    # globally allocated: the L1 buffer it sits on


@dataclass(frozen=True)
class SemaphorePlan:
    id: int
    initial: int
    cores: tuple[CoreCoord, ...]


@dataclass(frozen=True)
class ProgramPlan:
    kernels: tuple[KernelPlan, ...]
    cbs: tuple[CBPlan, ...]
    semaphores: tuple[SemaphorePlan, ...]
    key: str                             # hash of everything but the runtime args: what a build depends on
    buffers: tuple[Buffer, ...] = ()     # buffers the static part refers to (accessor args, CB placement)
    arg_buffers: tuple[Buffer, ...] = ()  # buffers the runtime args refer to

    def with_args(self, kernels: tuple[KernelPlan, ...], arg_buffers: tuple[Buffer, ...] = ()) -> "ProgramPlan":
        return dataclasses.replace(self, kernels=kernels, arg_buffers=arg_buffers)

    def check_buffers(self, device: "Device") -> None:
        """Every buffer the plan refers to is still alive and on `device` (a replayed trace reuses plans)."""
        for b in self.buffers + self.arg_buffers:
            check_buffer(b, device, "the program")


def _u32(v, what: str) -> int:
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if not isinstance(v, (int, np.integer)):
        raise TypeError(f"{what} is a {type(v).__name__} ({v!r}); it must be an integer (a uint32 word)")
    v = int(v)
    if not -(1 << 31) <= v < (1 << 32):
        raise ValueError(f"{what} = {v} does not fit in 32 bits (range -2**31 .. 2**32-1); pass it in two words "
                         f"or through a buffer")
    return v & 0xFFFFFFFF


def check_buffer(b: Buffer, device: "Device", what: str) -> None:
    """A buffer a program refers to must be alive and on the device it runs on."""
    if b.device is not device:
        raise ValueError(f"{what}: {b!r} belongs to another device ({b.device!r}); a program may only use "
                         f"buffers of the device it runs on")
    if b.freed:
        raise ValueError(f"{what}: {b!r} was freed; its memory may now hold another buffer. Keep the buffer "
                         f"alive while programs use it")


def _cb_plan(cb: CircularBuffer, cores: tuple[CoreCoord, ...], device: "Device") -> CBPlan:
    arch = device.arch
    pages = list(cb.page_size.values()) if isinstance(cb.page_size, dict) else [cb.page_size]
    for v, what in [*((p, "page_size") for p in pages), (cb.num_pages, "num_pages")]:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError(f"CircularBuffer {cb.index!r}: {what} = {v!r} must be a positive integer")
    indices = cb.indices
    if len(set(indices)) != len(indices):
        raise ValueError(f"CircularBuffer {indices}: an index appears twice")
    for i in indices:
        if not 0 <= i < arch.num_circular_buffers:
            raise ValueError(f"CB index {i} is out of range: {arch.board} has {arch.num_circular_buffers} "
                             f"circular buffers per core (0..{arch.num_circular_buffers - 1})")
    sizes = tuple(cb.page_size_of(i) for i in indices)
    if cb.total_size % math.lcm(*sizes):
        raise ValueError(f"CircularBuffer {indices}: total size {cb.total_size} B is not a whole number of pages "
                         f"of every index ({dict(zip(indices, sizes))})")
    address = None
    if cb.buffer is not None:
        b = cb.buffer
        check_buffer(b, device, f"CircularBuffer {indices} buffer=")
        if b.is_dram:
            raise ValueError(f"CircularBuffer {indices}: a globally allocated CB must sit on an L1 buffer, not {b!r}")
        if cb.total_size > b.bytes_per_bank:
            raise AllocationError(f"CircularBuffer {indices}: {cb.total_size} B do not fit on {b!r} "
                                  f"({b.bytes_per_bank} B per core); use fewer pages or a larger buffer")
        address = b.address
    return CBPlan(tuple(indices), tuple(cb.format_of(i) for i in indices), sizes, cb.total_size, cores, address)


def _static_key(kernels, cbs, sems, arch_name: str) -> str:
    h = hashlib.sha256(arch_name.encode())
    for k in kernels:
        h.update(repr((k.name, k.processor, k.noc, k.cores, k.compile_args, k.named_compile_args, k.defines,
                       k.compute, str(k.path), k.include_dirs, k.preincludes, k.generated_headers)).encode())
        h.update(k.source.encode(errors="replace"))
    h.update(repr((cbs, sems)).encode())
    return h.hexdigest()[:32]


def plan_program(program: Program, device: "Device") -> ProgramPlan:
    """The static part of a program's plan (no runtime args), checked against the device's arch."""
    arch = device.arch
    if not program.kernels:
        raise ValueError("a Program needs at least one kernel")
    taken: dict[tuple[int, int, int], str] = {}
    kernels, buffers = [], []
    for k in program.kernels:
        cores = tuple(program.kernel_cores(k).cores())
        if not cores:
            raise ValueError(f"kernel {k.name} runs on no core; give the Program or the Kernel cores")
        for c in cores:
            arch.check_logical(c.x, c.y)
            key = (c.x, c.y, k.processor)
            if key in taken:
                raise ValueError(f"kernels {taken[key]} and {k.name} both run on {PROCESSOR_NAMES[k.processor]} "
                                 f"of core ({c.x}, {c.y}); a RISC-V runs one kernel per program")
            taken[key] = k.name
        for b in k.accessor_buffers:
            check_buffer(b, device, f"kernel {k.name} TensorAccessorArgs")
            buffers.append(b)
        compute = ComputeConfig(k.math_fidelity, bool(k.fp32_dest_acc_en), bool(k.math_approx_mode),
                                bool(k.dst_full_sync_en)) if k.processor == 2 else None
        kernels.append(KernelPlan(
            k.name, k.source_text(), k.path, k.processor, k.noc, cores,
            tuple(_u32(v, f"kernel {k.name} compile-time arg {i}") for i, v in enumerate(k.compile_args)),
            tuple((str(n), _u32(v, f"kernel {k.name} named compile-time arg {n!r}"))
                  for n, v in k.named_compile_args.items()),
            tuple((str(n), str(v)) for n, v in k.defines.items()), compute,
            include_dirs=(*k.include_dirs, *program.include_dirs), preincludes=tuple(k.preincludes),
            generated_headers=tuple(sorted((str(n), str(t)) for n, t in k.generated_headers.items()))))
    cbs, seen = [], {}
    for cb in program.cbs:
        if not isinstance(cb, CircularBuffer):
            raise TypeError(f"Program cbs= holds a {type(cb).__name__} ({cb!r}); pass CircularBuffer objects")
        cores = tuple(program.cb_cores(cb).cores())
        for c in cores:
            arch.check_logical(c.x, c.y)
            for i in cb.indices:
                if (c, i) in seen:
                    raise ValueError(f"CB index {i} is configured twice on core ({c.x}, {c.y}); each index may "
                                     f"appear in one CircularBuffer per core")
                seen[(c, i)] = cb
        cbs.append(_cb_plan(cb, cores, device))
        if cb.buffer is not None:
            buffers.append(cb.buffer)
    if len(program.semaphores) > arch.num_semaphores:
        raise ValueError(f"the program has {len(program.semaphores)} semaphores; a core has {arch.num_semaphores}")
    sems = []
    for i, s in enumerate(program.semaphores):
        cores = tuple(program.sem_cores(s).cores())
        for c in cores:
            arch.check_logical(c.x, c.y)
        sems.append(SemaphorePlan(i, _u32(s.initial, f"Semaphore {i} initial value"), cores))
    kernels, cbs, sems = tuple(kernels), tuple(cbs), tuple(sems)
    return ProgramPlan(kernels, cbs, sems, _static_key(kernels, cbs, sems, arch.board), tuple(buffers))


def _arg(v, core: CoreCoord, k: Kernel, i: int, device: "Device", l1: list[int], used: dict,
         common: bool = False) -> int:
    if type(v) is int and -(1 << 31) <= v < (1 << 32):     # the common case, as _u32 would give it
        return v & 0xFFFFFFFF
    if isinstance(v, Buffer):
        if v not in used:                  # once per buffer and enqueue
            check_buffer(v, device, f"kernel {k.name} on core ({core.x}, {core.y}): runtime arg {i}")
            used[v] = None
        if v.per_core:
            if core not in v.core_set:
                raise ValueError(f"kernel {k.name} on core ({core.x}, {core.y}): runtime arg {i} is {v!r}, which "
                                 f"has no copy on this core")
            l1.append(i)
        elif not v.is_dram and not common:
            # an interleaved or sharded L1 buffer sits at one offset in every core's L1, so its address is
            # a valid local pointer on every worker core (API-current §9): a relocation like a per-core
            # buffer's. A common arg is one word for all cores: the bank offset (fine in NoC addresses).
            l1.append(i)
        return v.address
    return _u32(v, f"kernel {k.name} on core ({core.x}, {core.y}): runtime arg {i}")


def _core_args(k: Kernel, cores: tuple[CoreCoord, ...]) -> list[list]:
    ra = k.runtime_args
    n = len(cores)
    if ra is None:
        return [[] for _ in cores]
    if callable(ra):
        out = []
        for i, c in enumerate(cores):
            args = ra(i, (c.x, c.y), n)
            if isinstance(args, (str, bytes)) or not hasattr(args, "__iter__"):
                raise TypeError(f"kernel {k.name}: runtime_args({i}, ({c.x}, {c.y}), {n}) returned {args!r:.60}, a "
                                f"{type(args).__name__}; the callable must return a list of ints and Buffers")
            out.append(list(args))
        return out
    if isinstance(ra, dict):
        keyed = {as_coord(key): v for key, v in ra.items()}
        for key, v in keyed.items():
            if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
                raise TypeError(f"kernel {k.name}: runtime_args[{tuple(key)}] = {v!r:.60} is a {type(v).__name__}, "
                                f"not a list of ints and Buffers")
        known = set(cores)
        unknown = [key for key in keyed if key not in known]
        if unknown:
            raise ValueError(f"kernel {k.name}: runtime args given for core(s) {unknown} where the kernel does not run")
        return [list(keyed.get(c, [])) for c in cores]
    if isinstance(ra, (str, bytes)) or not hasattr(ra, "__iter__"):
        raise TypeError(f"kernel {k.name}: runtime_args is a {type(ra).__name__}; give a list of words, a dict "
                        f"{{core: list}} or a callable (index, (x, y), num_cores) -> list")
    return [list(ra) for _ in cores]


def with_runtime_args(plan: ProgramPlan, program: Program, device: "Device") -> ProgramPlan:
    """`plan` with the program's current runtime args, checked (word size, arg limit, live buffers)."""
    for b in plan.buffers:
        check_buffer(b, device, "the program")
    limit = device.arch.max_runtime_args
    kernels: list = []
    used: dict = {}                        # the buffers the args refer to, in order, each checked once
    for kp, k in zip(plan.kernels, program.kernels):
        cl1: list[int] = []
        common = tuple(_arg(v, kp.cores[0], k, i, device, cl1, used, common=True)
                       for i, v in enumerate(k.common_runtime_args))
        per_core = []
        for c, args in zip(kp.cores, _core_args(k, kp.cores)):
            if len(args) + len(common) > limit:
                raise ValueError(f"kernel {k.name} on core ({c.x}, {c.y}) has {len(args)} runtime args + "
                                 f"{len(common)} common args = {len(args) + len(common)}; the limit is {limit} "
                                 f"per core; pass the rest through a buffer")
            l1: list[int] = []
            per_core.append(CoreArgs(c, tuple(_arg(v, c, k, i, device, l1, used) for i, v in enumerate(args)), tuple(l1)))
        kernels.append(kp.with_args(tuple(per_core), common, tuple(cl1)))
    return plan.with_args(tuple(kernels), tuple(used))
