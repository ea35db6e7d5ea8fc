"""tt-metal's `experimental::ez` convenience (DeviceContext + ProgramBuilder + KernelRef,
current §6) as a thin layer over tensix's host API.

    with DeviceContext("n150") as ctx:
        a, out = ctx.dram_tile_buffer(8), ctx.dram_tile_buffer(8)
        ctx.write(a, data)
        b = ProgramBuilder((0, 0))
        b.cb(0).cb(16)
        b.reader("reader.cpp", [a]).runtime_args([a, 8])
        b.compute("compute.cpp").writer("writer.cpp", [out]).runtime_args([out, 8])
        ctx.run(b.build())

Kept exactly as tt-metal's: reader = RISCV_1 (NoC 0 default), writer = RISCV_0 (NoC 1 default); a
reader's/writer's compile-time args are `compile_args` first, then the TensorAccessorArgs of each of
`buffers` in order (sharded buffers are rejected); `on()`, `defines()` and `named_args()` apply to the
next CB or kernel only; `semaphore()` returns the semaphore id; `build()` may be called once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .buffer import Buffer, ShardSpec
from .core import CoreCoord, as_core_range_set
from .device import Device
from .formats import DataFormat, as_format, tile_size
from .program import CircularBuffer, Kernel, Program, Semaphore, TensorAccessorArgs


@dataclass
class ShardConfig:
    """A sharded L1 buffer: `tensor2d_shape_in_pages` pages cut into `shard_shape` (pages) shards
    over `cores`; `page_shape` elements per page."""
    cores: Any
    shard_shape: tuple
    tensor2d_shape_in_pages: tuple
    layout: str = "height"
    orientation: str = "row_major"
    page_shape: tuple = (32, 32)
    fmt: DataFormat = DataFormat.Float16_b


class DeviceContext:
    """Owns a Device (or wraps one it does not own) and runs programs on its queue."""

    def __init__(self, arch: str | Device = "n150", **device_kw) -> None:
        self._owned = not isinstance(arch, Device)
        self._dev = Device(arch, **device_kw) if self._owned else arch

    def __enter__(self) -> "DeviceContext":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            self._dev.close()

    def device(self) -> Device:
        return self._dev

    def cq(self):
        return self._dev.queue

    def full_range(self):
        gx, gy = self._dev.grid
        return as_core_range_set([((0, 0), (gx - 1, gy - 1))])

    def physical_core(self, logical) -> CoreCoord:
        return self._dev.worker_core(logical)

    # ---- buffers ----------------------------------------------------------------------------------
    def dram_buffer(self, size: int, page_size: int) -> Buffer:
        return self._dev.dram_buffer(size, page_size)

    def l1_buffer(self, size: int, page_size: int) -> Buffer:
        return self._dev.l1_buffer(size, page_size)

    def dram_tile_buffer(self, n_tiles: int, fmt=DataFormat.Float16_b) -> Buffer:
        t = tile_size(as_format(fmt))
        return self._dev.dram_buffer(n_tiles * t, t)

    def sharded_l1_buffer(self, cfg: ShardConfig) -> Buffer:
        fmt = as_format(cfg.fmt)
        # a tile page in the format's tile size; a row-major page of page_shape elements otherwise
        page = tile_size(fmt) if tuple(cfg.page_shape) == (32, 32) else int(np.prod(cfg.page_shape)) * tile_size(fmt) // 1024
        spec = ShardSpec(tuple(cfg.tensor2d_shape_in_pages), tuple(cfg.shard_shape), cfg.cores, cfg.orientation)
        n = int(np.prod(cfg.tensor2d_shape_in_pages))
        return self._dev.l1_buffer(n * page, page, shard=spec)

    # ---- data and execution ------------------------------------------------------------------------
    def write(self, buf: Buffer, data, blocking: bool = False) -> None:
        self._dev.queue.write(buf, data)

    def read(self, buf: Buffer, dtype=None, blocking: bool = True) -> np.ndarray:
        return self._dev.queue.read(buf, dtype)

    def launch(self, program: Program):
        return self._dev.queue.enqueue(program)

    def run(self, program: Program):
        """launch + finish; returns the program's modelled device time."""
        t = self.launch(program)
        self.finish()
        return t

    def finish(self):
        return self._dev.queue.finish()


class KernelRef:
    """A kernel being built: its own modifiers, plus the builder's methods for chaining."""

    def __init__(self, builder: "ProgramBuilder", kernel: Kernel, cores) -> None:
        self._b, self.kernel, self._cores = builder, kernel, cores
        self._by_core: dict = {}
        self._fn: Callable | None = None

    def defines(self, d: dict) -> "KernelRef":
        self.kernel.defines.update(d)
        return self

    def named_args(self, d: dict) -> "KernelRef":
        self.kernel.named_compile_args.update(d)
        return self

    def runtime_args(self, args) -> "KernelRef":
        """The same list for every core of the kernel, or a function core -> list."""
        if callable(args):
            self._fn = args
        else:
            self._fn = None
            self.kernel.runtime_args = list(args)
        return self

    def runtime_args_at(self, core, args: Sequence) -> "KernelRef":
        self._by_core[tuple(CoreCoord(*core))] = list(args)
        return self

    def _finish(self) -> None:
        if self._fn is not None:
            self.kernel.runtime_args = lambda i, xy, n, f=self._fn: list(f(CoreCoord(*xy)))
        if self._by_core:
            base = self.kernel.runtime_args
            cores = as_core_range_set(self._cores).cores()

            def per_core(i, xy, n, base=base, at=self._by_core):
                if xy in at:
                    return at[xy]
                if callable(base):
                    return list(base(i, xy, n))
                return list(base or [])
            self.kernel.runtime_args = {(c.x, c.y): per_core(i, (c.x, c.y), len(cores)) for i, c in enumerate(cores)}

    # chaining: the builder's methods
    def __getattr__(self, name: str):
        if name in ("cb", "reader", "writer", "compute", "kernel", "on", "semaphore", "build"):
            return getattr(self._b, name)
        if name in ("defines_next", "named_args_next"):
            return getattr(self._b, name.removesuffix("_next"))
        raise AttributeError(name)


class ProgramBuilder:
    """Builds one Program over `default_cores` (a core, a CoreRange or a CoreRangeSet)."""

    def __init__(self, default_cores) -> None:
        self._cores = default_cores
        self._cbs: list[CircularBuffer] = []
        self._kernels: list[KernelRef] = []
        self._sems: list[Semaphore] = []
        self._next_cores = None
        self._next_defines: dict = {}
        self._next_named: dict = {}
        self._built = False

    # ---- modifiers for the next call -------------------------------------------------------------
    def on(self, cores) -> "ProgramBuilder":
        self._next_cores = cores
        return self

    def defines(self, d: dict) -> "ProgramBuilder":
        self._next_defines.update(d)
        return self

    def named_args(self, d: dict) -> "ProgramBuilder":
        self._next_named.update(d)
        return self

    def _take_cores(self):
        c, self._next_cores = self._next_cores, None
        return c if c is not None else self._cores

    # ---- circular buffers --------------------------------------------------------------------------
    def cb(self, index, *args, **kw) -> "ProgramBuilder":
        """cb(index, num_tiles=2, fmt=Float16_b) | cb(index, fmt, num_tiles, page_size) |
        cb(index, l1_buffer, num_tiles=0, fmt=Float16_b) | cb(CircularBuffer) (shared indices)."""
        cores = self._take_cores()
        if isinstance(index, CircularBuffer):
            if index.cores is None:
                index.cores = cores
            self._cbs.append(index)
            return self
        if args and isinstance(args[0], Buffer):
            buf, num_tiles = args[0], (args[1] if len(args) > 1 else kw.get("num_tiles", 0))
            fmt = as_format(args[2] if len(args) > 2 else kw.get("fmt", DataFormat.Float16_b))
            t = tile_size(fmt)
            n = num_tiles or buf.bytes_per_bank // t
            self._cbs.append(CircularBuffer(int(index), fmt, t, n, cores=cores, buffer=buf))
        elif args and not isinstance(args[0], int):
            fmt, num_tiles, page = as_format(args[0]), args[1], args[2]
            self._cbs.append(CircularBuffer(int(index), fmt, page, num_tiles, cores=cores))
        else:
            num_tiles = args[0] if args else kw.get("num_tiles", 2)
            fmt = as_format(args[1] if len(args) > 1 else kw.get("fmt", DataFormat.Float16_b))
            self._cbs.append(CircularBuffer(int(index), fmt, tile_size(fmt), num_tiles, cores=cores))
        return self

    # ---- kernels ---------------------------------------------------------------------------------------
    def _add(self, path, on: str, compile_args: Sequence = (), **kw) -> KernelRef:
        cores = self._take_cores()
        k = Kernel(path, on=on, cores=cores, compile_args=list(compile_args), defines=dict(self._next_defines),
                   named_compile_args=dict(self._next_named), **kw)
        self._next_defines, self._next_named = {}, {}
        ref = KernelRef(self, k, cores)
        self._kernels.append(ref)
        return ref

    @staticmethod
    def _accessor_args(buffers: Sequence[Buffer]) -> list:
        for b in buffers:
            if b.sharded:
                raise ValueError(f"ProgramBuilder reader/writer: {b!r} is sharded; ez passes interleaved buffers only "
                                 f"(build the kernel with kernel() and TensorAccessorArgs yourself)")
        return [TensorAccessorArgs(b) for b in buffers]

    def reader(self, path, buffers: Sequence[Buffer] = (), compile_args: Sequence[int] = ()) -> KernelRef:
        """ReaderDataMovementConfig (RISCV_1): compile args = compile_args, then each buffer's accessor args."""
        return self._add(path, "reader", [*compile_args, *self._accessor_args(buffers)])

    def writer(self, path, buffers: Sequence[Buffer] = (), compile_args: Sequence[int] = ()) -> KernelRef:
        """WriterDataMovementConfig (RISCV_0): compile args = compile_args, then each buffer's accessor args."""
        return self._add(path, "writer", [*compile_args, *self._accessor_args(buffers)])

    def compute(self, path, math_fidelity: str | dict = "HiFi4", compile_args: Sequence[int] = ()) -> KernelRef:
        """compute(path, fidelity, compile_args) or compute(path, {ComputeConfig fields})."""
        if isinstance(math_fidelity, dict):
            cfg = dict(math_fidelity)
            args = cfg.pop("compile_args", compile_args)
            self._next_defines.update(cfg.pop("defines", {}))
            self._next_named.update(cfg.pop("named_compile_args", {}))
            return self._add(path, "compute", args, **cfg)
        return self._add(path, "compute", compile_args, math_fidelity=math_fidelity)

    def kernel(self, path, on: str = "riscv_0", compile_args: Sequence[int] = (), **config) -> KernelRef:
        return self._add(path, on, compile_args, **config)

    def semaphore(self, *args) -> int:
        """semaphore(initial=0) or semaphore(cores, initial): its id (get_semaphore(id) in kernels)."""
        cores, initial = (args[0], args[1]) if len(args) == 2 else (None, args[0] if args else 0)
        self._sems.append(Semaphore(initial, cores if cores is not None else self._take_cores()))
        return len(self._sems) - 1

    def build(self) -> Program:
        if self._built:
            raise RuntimeError("ProgramBuilder.build() may be called once")
        self._built = True
        for ref in self._kernels:
            ref._finish()
        all_cores = as_core_range_set(self._cores)
        for c in [*[r._cores for r in self._kernels], *[c.cores for c in self._cbs], *[s.cores for s in self._sems]]:
            if c is not None:
                all_cores = all_cores.merge(as_core_range_set(c))
        return Program(all_cores, [r.kernel for r in self._kernels], self._cbs, self._sems)
