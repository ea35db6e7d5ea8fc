"""Programs: kernels, circular buffers and semaphores placed on cores, plus their runtime args."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

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

    @property
    def indices(self) -> list[int]:
        return [int(self.index)] if isinstance(self.index, int) else [int(i) for i in self.index]

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
        if self.on not in PROCESSORS:
            raise ValueError(f"Kernel on={self.on!r} is not one of {sorted(PROCESSORS)}")
        self.processor, default_noc = PROCESSORS[self.on]
        if self.noc is None:
            self.noc = default_noc
        if self.noc not in (0, 1):
            raise ValueError(f"Kernel noc={self.noc!r}: a Tensix core has NoC 0 and NoC 1")
        if self.math_fidelity not in MATH_FIDELITIES:
            raise ValueError(f"math_fidelity {self.math_fidelity!r} is not one of {MATH_FIDELITIES}")
        src = self.source
        is_path = isinstance(src, Path) or ("\n" not in src and src.strip().endswith((".cpp", ".cc", ".cxx", ".h")))
        if is_path:
            p = Path(src).expanduser()
            if not p.is_absolute():
                p = Path.cwd() / p
            if not p.is_file():
                raise FileNotFoundError(f"kernel source file {src} not found (looked for {p})")
            self.path = p.resolve()
            self.text = None
            if self.name is None:
                self.name = self.path.name
        else:
            self.path = None
            self.text = src
            if self.name is None:
                self.name = f"kernel_{hashlib.sha256(src.encode()).hexdigest()[:8]}.cpp"
        self.accessor_buffers = [a.buffer for a in self.compile_args if isinstance(a, TensorAccessorArgs)]
        self.compile_args = _flatten(self.compile_args)
        self.include_dirs = [Path(d).expanduser().resolve() for d in self.include_dirs]
        for d in self.include_dirs:
            if not d.is_dir():
                raise FileNotFoundError(f"kernel {self.name}: include directory {d} does not exist")

    def source_text(self) -> str:
        return self.text if self.path is None else self.path.read_text()


@dataclass
class Semaphore:
    initial: int = 0
    cores: Any = None


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
        self.include_dirs = [Path(d).expanduser().resolve() for d in include_dirs]   # for every kernel
        self.kernels = list(kernels)
        self.cbs = list(cbs)
        self.semaphores = list(semaphores)
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
        return device.queue.enqueue(self, trace=trace, timing_only=timing_only)
