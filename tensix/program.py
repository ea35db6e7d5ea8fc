"""Programs: kernels, circular buffers and semaphores placed on cores, plus their runtime args."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from . import checks
from .buffer import Buffer
from .core import CoreRangeSet, as_core_range_set
from .formats import DataFormat, as_format

if TYPE_CHECKING:
    from .device import Device

# on= value -> (processor, default NoC). Reader/Writer defaults as tt-metal's Reader/WriterDataMovementConfig.
PROCESSORS = {
    "reader": (1, 0), "writer": (0, 1), "riscv_0": (0, 0), "brisc": (0, 0), "riscv_1": (1, 1), "ncrisc": (1, 1),
    "compute": (2, 0),
}
MATH_FIDELITIES = ("LoFi", "HiFi2", "HiFi3", "HiFi4")
PROCESSOR_NAMES = ("RISCV_0 (BRISC)", "RISCV_1 (NCRISC)", "compute (TRISC)")


class TensorAccessorArgs:
    """Host-side TensorAccessorArgs: the compile-time words an unmodified kernel's
    `TensorAccessorArgs<N>()` reads (API §2.6). Interleaved buffers give exactly [args_config,
    aligned_page_size] (DRAM: config 2, L1: 0); sharded ones [config | 1, aligned page, rank, banks,
    tensor shape, shard shape, bank coordinates two per word as (x2<<24)|(y2<<16)|(x1<<8)|y1], with
    DRAM banks as (bank id, 0) and L1 banks as NoC coordinates."""

    def __init__(self, buffer: Buffer) -> None:
        checks.instance(buffer, Buffer, "TensorAccessorArgs(buffer)", "pass a Buffer from dev.dram_buffer/l1_buffer")
        if not (buffer.interleaved or buffer.sharded):
            raise ValueError(f"TensorAccessorArgs needs an interleaved or sharded buffer; {buffer!r} is a per-core "
                             f"L1 buffer")
        self.buffer = buffer

    def compile_time_args(self) -> list[int]:
        b = self.buffer
        config = 2 if b.is_dram else 0
        if not b.sharded:
            return [config, b.aligned_page_size]
        spec = b.shard
        if b.is_dram:
            coords = [(i, 0) for i in range(b.num_banks)]
        else:
            coords = [tuple(b.device.worker_core(c)) for c in b.bank_cores]
        words = []
        for i in range(0, len(coords), 2):
            (x1, y1), (x2, y2) = coords[i], coords[i + 1] if i + 1 < len(coords) else (0, 0)
            words.append((x2 << 24) | (y2 << 16) | (x1 << 8) | y1)
        return [config | 1, b.aligned_page_size, len(spec.tensor_shape), b.num_banks, *spec.tensor_shape,
                *spec.shard_shape, *words]

    get_compile_time_args = compile_time_args

    def __iter__(self):
        return iter(self.compile_time_args())


@dataclass
class CircularBuffer:
    """A circular buffer on `cores`. `index` may list several CB indices that share one L1 region
    (each keeps its own pointers); `data_format` and `page_size` may be one value or a dict per index
    (API-current §10: one region, one total size, each index its own page size; the region is
    `size` bytes, by default num_pages pages of the largest page size, and must hold a whole number of
    pages of every index). With `buffer=` the CB is placed on that L1 buffer (a globally allocated CB)."""
    index: int | Sequence[int]
    data_format: Any = DataFormat.Float16_b
    page_size: int | dict = 2048
    num_pages: int = 2
    cores: Any = None
    buffer: Buffer | None = None
    size: int | None = None

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> list[int]:
        """Validate every field (also after they were changed); returns the CB indices."""
        what = f"CircularBuffer(index={self.index!r})"
        if isinstance(self.index, (str, bytes)) or not isinstance(self.index, (int, np.integer, list, tuple, range)):
            raise TypeError(f"{what}: index must be an int CB index or a list of them, not a "
                            f"{type(self.index).__name__}; e.g. CircularBuffer(0, ...) or CircularBuffer([16, 24], ...)")
        idx = [self.index] if isinstance(self.index, (int, np.integer)) else list(self.index)
        if not idx:
            raise ValueError(f"{what}: give at least one CB index")
        # the arch's CB count is checked when the program is built; 64 is the most any arch has
        indices = [checks.whole(i, f"{what} index", 0, 63, "CB indices are 0..num_circular_buffers-1") for i in idx]
        if len(set(indices)) != len(indices):
            raise ValueError(f"{what}: index {indices} lists an index twice; list each CB index once")
        if isinstance(self.page_size, dict):
            for i in indices:
                if i not in self.page_size:
                    raise ValueError(f"{what}: page_size={self.page_size!r} gives no page size for index {i}; give "
                                     f"one for every index")
            self.page_size = {i: checks.whole(v, f"{what} page_size[{i}]", 1, 1 << 24, "a CB page is a few KiB")
                              for i, v in self.page_size.items()}
        else:
            self.page_size = checks.whole(self.page_size, f"{what} page_size", 1, 1 << 24, "a CB page is a few KiB")
        self.num_pages = checks.whole(self.num_pages, f"{what} num_pages", 1, 1 << 24)
        if self.size is not None:
            self.size = checks.whole(self.size, f"{what} size", 1, 1 << 30, "the CB region's bytes")
        if self.cores is not None:
            as_core_range_set(self.cores)
        if self.buffer is not None:
            checks.instance(self.buffer, Buffer, f"{what} buffer", "pass an L1 Buffer (dev.l1_buffer) or None")
        for i in indices:
            try:
                self.format_of(i)
            except (KeyError, IndexError):
                raise ValueError(f"{what}: data_format={self.data_format!r} gives no format for CB index {i}; "
                                 f"map every index to a DataFormat") from None
        return indices

    @property
    def indices(self) -> list[int]:
        return self._check()

    def format_of(self, index: int) -> DataFormat:
        f = self.data_format[index] if isinstance(self.data_format, dict) else self.data_format
        return as_format(f)

    def page_size_of(self, index: int) -> int:
        if not isinstance(self.page_size, dict):
            return int(self.page_size)
        if index not in self.page_size:
            raise ValueError(f"CircularBuffer {self.indices}: no page size for index {index} in page_size="
                             f"{self.page_size}; give one for every index")
        return int(self.page_size[index])

    @property
    def total_size(self) -> int:
        if self.size is not None:
            return int(self.size)
        pages = self.page_size.values() if isinstance(self.page_size, dict) else [self.page_size]
        return max(int(p) for p in pages) * int(self.num_pages)


@dataclass
class Kernel:
    """A kernel: C++ source text or a path, run on `on` = "reader" | "writer" | "compute" | "riscv_0" |
    "riscv_1". `runtime_args`: one list for every core, a dict {core: list}, or a callable
    (index, (x, y), num_cores) -> list. Buffer objects in args become the address a kernel expects."""
    source: str | Path
    on: str = "reader"
    cores: Any = None
    noc: int | None = None
    defines: dict = field(default_factory=dict)
    compile_args: Sequence[int] = ()
    named_compile_args: dict = field(default_factory=dict)
    runtime_args: Any = None
    common_runtime_args: Sequence[Any] = ()
    name: str | None = None
    # extra include directories (a tt-metal checkout root also gives its ttnn/ and ttnn/cpp/, as
    # tt-metal's JIT does); files beside the kernel source are found as well
    include_dirs: Sequence[Any] = ()
    preincludes: Sequence[str] = ()      # headers included before the source (generated bindings)
    generated_headers: dict = field(default_factory=dict)   # {file name: text} the kernel can include
    # compute configuration (used by compute kernels)
    math_fidelity: str = "HiFi4"
    fp32_dest_acc_en: bool = False
    math_approx_mode: bool = False
    dst_full_sync_en: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.source, (str, Path)):
            raise TypeError(f"Kernel source = {self.source!r} is a {type(self.source).__name__}; pass the kernel's C++ "
                            f"source text or the path of a .cpp file")
        if self.name is not None:
            checks.kernel_name(self.name)
        if not isinstance(self.on, str) or self.on not in PROCESSORS:
            raise ValueError(f"Kernel on={self.on!r} is not one of {sorted(PROCESSORS)}")
        self.processor, default_noc = PROCESSORS[self.on]
        if self.noc is None:
            self.noc = default_noc
        if isinstance(self.noc, bool) or self.noc not in (0, 1):
            raise ValueError(f"Kernel noc={self.noc!r}: a Tensix core has NoC 0 and NoC 1")
        if not isinstance(self.math_fidelity, str) or self.math_fidelity not in MATH_FIDELITIES:
            raise ValueError(f"math_fidelity {self.math_fidelity!r} is not one of {MATH_FIDELITIES}")
        src = self.source
        is_path = isinstance(src, Path) or ("\n" not in src and src.strip().endswith((".cpp", ".cc", ".cxx", ".h")))
        if is_path:
            p = Path(src).expanduser()
            if not p.is_absolute():
                p = Path.cwd() / p
            if not p.is_file():
                raise FileNotFoundError(f"kernel source file {src} not found (looked for {p}); pass the path of an "
                                        f"existing .cpp file, or the kernel's source text")
            self.path = p.resolve()
            self.text = None
            if self.name is None:
                self.name = self.path.name
        else:
            self.path = None
            self.text = src
            if self.name is None:
                self.name = f"kernel_{hashlib.sha256(src.encode()).hexdigest()[:8]}.cpp"
        for f in ("fp32_dest_acc_en", "math_approx_mode", "dst_full_sync_en"):
            checks.flag(getattr(self, f), f"Kernel {f}")
        if self.cores is not None:
            as_core_range_set(self.cores)
        if isinstance(self.compile_args, (str, bytes)) or not isinstance(self.compile_args, (list, tuple, range, np.ndarray)):
            raise TypeError(f"Kernel compile_args = {self.compile_args!r} is a {type(self.compile_args).__name__}, "
                            f"not a list of ints (or TensorAccessorArgs)")
        self.accessor_buffers = [a.buffer for a in self.compile_args if isinstance(a, TensorAccessorArgs)]
        self.compile_args = [checks.word(v, f"kernel {self.name}: compile arg {i}")
                             for i, v in enumerate(_flatten(self.compile_args))]
        for what, d in (("defines", self.defines), ("named_compile_args", self.named_compile_args)):
            if not isinstance(d, dict):
                raise TypeError(f"Kernel {what} = {d!r} is a {type(d).__name__}, not a dict of name -> value")
            for n, v in d.items():
                if not isinstance(n, str) or not _IDENT.match(n):
                    raise ValueError(f"kernel {self.name}: {what} name {n!r} is not a C++ identifier; use letters, "
                                     f"digits and '_' (not starting with a digit)")
                if what == "defines" and (not isinstance(v, (str, int, float)) or isinstance(v, bool)
                                          or "\n" in str(v)):
                    raise ValueError(f"kernel {self.name}: define {n} = {v!r} must be a one-line str, int or float")
        self.named_compile_args = {n: checks.word(v, f"kernel {self.name}: named compile arg {n!r}")
                                   for n, v in self.named_compile_args.items()}
        ra = self.runtime_args
        if ra is not None and not callable(ra) and not isinstance(ra, (list, tuple, dict, np.ndarray)):
            raise TypeError(f"kernel {self.name}: runtime_args = {ra!r} is a {type(ra).__name__}; pass a list, a dict "
                            f"{{(x, y): list}} or a callable (index, (x, y), num_cores) -> list")
        cra = self.common_runtime_args
        if not isinstance(cra, (list, tuple, np.ndarray)):
            raise TypeError(f"kernel {self.name}: common_runtime_args = {cra!r} is a {type(cra).__name__}, not a list")
        self.include_dirs = checks.directories(self.include_dirs, f"kernel {self.name}: include_dirs")

    def source_text(self) -> str:
        return self.text if self.path is None else self.path.read_text()


@dataclass
class Semaphore:
    initial: int = 0
    cores: Any = None

    def __post_init__(self) -> None:
        self.initial = checks.whole(self.initial, "Semaphore initial", -(1 << 31), checks.U32,
                                    "a semaphore is a 32-bit word in L1")
        if self.cores is not None:
            as_core_range_set(self.cores)


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _flatten(args) -> list:
    out = []
    for a in args:
        if isinstance(a, TensorAccessorArgs):
            out.extend(a.compile_time_args())
        else:
            out.append(a)
    return out


class Program:
    """Kernels, CBs and semaphores on a set of cores. Enqueue it any number of times; change runtime
    args between runs (kernel.runtime_args = ...) without recompiling."""

    def __init__(self, cores, kernels: Sequence[Kernel], cbs: Sequence[CircularBuffer] = (),
                 semaphores: Sequence[Semaphore] = (), include_dirs: Sequence[Any] = ()) -> None:
        self.cores = as_core_range_set(cores)
        self.include_dirs = checks.directories(include_dirs, "Program include_dirs")   # for every kernel
        if not self.cores.cores():
            raise ValueError(f"Program cores = {cores!r} holds no core; give at least one, e.g. Program((0, 0), ...)")
        self.kernels = checks.items(kernels, Kernel, "Program kernels", "pass a list of Kernel objects")
        self.cbs = checks.items(cbs, CircularBuffer, "Program cbs", "pass a list of CircularBuffer objects")
        self.semaphores = checks.items(semaphores, Semaphore, "Program semaphores", "pass a list of Semaphore objects")
        for k in self.kernels:
            if not self.kernel_cores(k).cores():
                raise ValueError(f"kernel {k.name}: cores = {k.cores!r} holds no core")
        self._plans: dict[int, Any] = {}     # device serial -> (static ProgramPlan, the backend's prepared handle, dispatch counts)

    def kernel_cores(self, k: Kernel) -> CoreRangeSet:
        return self.cores if k.cores is None else as_core_range_set(k.cores)

    def cb_cores(self, cb: CircularBuffer) -> CoreRangeSet:
        return self.cores if cb.cores is None else as_core_range_set(cb.cores)

    def sem_cores(self, s: Semaphore) -> CoreRangeSet:
        return self.cores if s.cores is None else as_core_range_set(s.cores)

    def semaphore_id(self, s: Semaphore) -> int:
        return self.semaphores.index(s)

    def run(self, device: "Device", trace=None, timing_only: bool = False):
        """Enqueue on `device`'s queue; returns the modelled DeviceTime with its profile."""
        if not callable(getattr(getattr(device, "queue", None), "enqueue", None)):
            raise TypeError(f"program.run(device) = {device!r:.60} is a {type(device).__name__}, not a Device; pass "
                            f"an open Device")
        return device.queue.enqueue(self, trace=trace, timing_only=timing_only)
