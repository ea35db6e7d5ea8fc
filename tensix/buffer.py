"""Device memory: DRAM interleaved buffers, L1 buffers, and the allocators behind them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import checks
from .core import CoreCoord, CoreRangeSet, as_coord, as_core_range_set
from .errors import AllocationError

if TYPE_CHECKING:
    from .device import Device


def round_up(v: int, a: int) -> int:
    return (v + a - 1) // a * a


class Allocator:
    """First-fit allocator over one address range [lo, hi); `top_down` places blocks at the top."""

    def __init__(self, lo: int, hi: int, align: int, top_down: bool, what: str) -> None:
        self.lo, self.hi, self.align, self.top_down, self.what = lo, hi, align, top_down, what
        self.blocks: dict[int, int] = {}   # address -> size

    @property
    def used(self) -> int:
        return sum(self.blocks.values())

    def lowest(self) -> int:
        return min(self.blocks, default=self.hi)

    def _gaps(self) -> list[tuple[int, int]]:
        gaps, at = [], self.lo
        for a in sorted(self.blocks):
            if a > at:
                gaps.append((at, a))
            at = max(at, a + self.blocks[a])
        if at < self.hi:
            gaps.append((at, self.hi))
        return gaps

    def alloc(self, size: int) -> int:
        size = round_up(max(size, 1), self.align)
        gaps = self._gaps()
        for lo, hi in (reversed(gaps) if self.top_down else gaps):
            a = (hi - size) // self.align * self.align if self.top_down else round_up(lo, self.align)
            if lo <= a and a + size <= hi:
                self.blocks[a] = size
                return a
        largest = max((hi - lo for lo, hi in gaps), default=0)
        raise AllocationError(
            f"cannot allocate {size} B of {self.what}: {self.used} B used, {self.hi - self.lo - self.used} B free "
            f"(largest free block {largest} B), limit {self.hi - self.lo} B ({self.what} spans "
            f"0x{self.lo:x}..0x{self.hi:x}); free buffers you no longer need or use smaller ones")

    def free(self, addr: int) -> None:
        self.blocks.pop(addr, None)


@dataclass(frozen=True)
class ShardSpec:
    """How a sharded buffer spreads its pages (API §2.2, §3.5 sharded TensorAccessor). The pages form a
    tensor of `tensor_shape` pages (row-major page ids), cut into shards of `shard_shape` pages (edge
    shards padded); shard k goes to bank k % banks at (k // banks) * shard volume pages into the bank,
    pages row-major inside a shard. In L1 the banks are `cores` (row-major order, or column-major with
    orientation="col_major"); in DRAM they are the DRAM banks.

    With `page_shape=` the shapes are in elements, as in the C++ host API (ShardSpec's shard shape in
    elements plus ShardSpecBuffer's page shape, e.g. (32, 32) for tiles or (1, W) for row-major
    sticks): the tensor shape rounds up to whole pages, the shard shape must be whole pages."""
    tensor_shape: tuple
    shard_shape: tuple
    cores: Any = None
    orientation: str = "row_major"
    page_shape: tuple | None = None

    def __post_init__(self) -> None:
        for what, v in (("tensor_shape", self.tensor_shape), ("shard_shape", self.shard_shape)):
            if not isinstance(v, (tuple, list)):
                raise TypeError(f"ShardSpec {what} = {v!r} is a {type(v).__name__}, not a tuple of page counts; "
                                f"e.g. ShardSpec((8, 4), (2, 4), cores=...)")
            for n in v:
                checks.whole(n, f"ShardSpec {what} {v!r} entry", 1, 1 << 31, "shapes count pages (or elements "
                             "with page_shape)")
        if self.page_shape is not None:
            ps = tuple(int(v) for v in self.page_shape)
            te, se = tuple(int(v) for v in self.tensor_shape), tuple(int(v) for v in self.shard_shape)
            if not (len(ps) == len(te) == len(se)) or min(ps + te + se, default=0) <= 0:
                raise ValueError(f"ShardSpec: tensor_shape {self.tensor_shape}, shard_shape {self.shard_shape} and "
                                 f"page_shape {self.page_shape} must be positive element counts of the same rank")
            bad = [i for i, (s_, p_) in enumerate(zip(se, ps)) if s_ % p_]
            if bad:
                raise ValueError(f"ShardSpec: shard_shape {se} (elements) is not a whole number of {ps} pages in "
                                 f"dimension {bad[0]}; make each shard dimension a multiple of the page dimension")
            object.__setattr__(self, "tensor_shape", tuple(-(-t_ // p_) for t_, p_ in zip(te, ps)))
            object.__setattr__(self, "shard_shape", tuple(s_ // p_ for s_, p_ in zip(se, ps)))
            object.__setattr__(self, "page_shape", ps)
        t, sh = tuple(int(v) for v in self.tensor_shape), tuple(int(v) for v in self.shard_shape)
        if len(t) != len(sh) or not t or min(t + sh) <= 0:
            raise ValueError(f"ShardSpec: tensor_shape {self.tensor_shape} and shard_shape {self.shard_shape} must be "
                             f"positive page counts of the same rank")
        if self.orientation not in ("row_major", "col_major"):
            raise ValueError(f"ShardSpec orientation {self.orientation!r} is not 'row_major' or 'col_major'")
        object.__setattr__(self, "tensor_shape", t)
        object.__setattr__(self, "shard_shape", sh)

    @property
    def grid(self) -> tuple:
        return tuple(-(-t // s) for t, s in zip(self.tensor_shape, self.shard_shape))

    @property
    def num_shards(self) -> int:
        return math.prod(self.grid)

    @property
    def shard_volume(self) -> int:
        return math.prod(self.shard_shape)

    @property
    def layout(self) -> str:
        """"height", "width" or "block" for 2-D specs (TensorMemoryLayout)."""
        if len(self.tensor_shape) != 2:
            return "nd"
        (H, W), (h, w) = self.tensor_shape, self.shard_shape
        return "height" if w >= W else "width" if h >= H else "block"

    def locate(self, banks: int) -> tuple[np.ndarray, np.ndarray]:
        """(bank, page offset in the bank) of every page id."""
        coords = np.indices(self.tensor_shape).reshape(len(self.tensor_shape), -1)
        shard = np.zeros(coords.shape[1], np.int64)
        within = np.zeros(coords.shape[1], np.int64)
        for c, s, g in zip(coords, self.shard_shape, self.grid):
            shard = shard * g + c // s
            within = within * s + c % s
        return shard % banks, (shard // banks) * self.shard_volume + within

    def bank_cores(self) -> list:
        return as_core_range_set(self.cores).cores(row_wise=self.orientation == "row_major")


class Buffer:
    """A buffer in device memory.

    - `Buffer(dev, size, page_size)`: DRAM, interleaved: page i lives in bank i % num_banks at
      `address + (i // num_banks) * aligned_page_size` (tt-metal's interleaved layout).
    - `Buffer(dev, size, page_size, kind="l1")`: L1 interleaved over the L1 banks (one per worker core).
    - `Buffer(dev, size, kind="l1", cores=range)`: one copy per core, at the same L1 address on each.
    - `Buffer(dev, size, page_size, kind="l1" | "dram", shard=ShardSpec(...))`: sharded (see ShardSpec).
    """

    def __init__(self, device: "Device", size: int, page_size: int | None = None, kind: str = "dram",
                 cores=None, dtype=None, shard: ShardSpec | None = None) -> None:
        if not isinstance(kind, str) or kind not in ("dram", "l1"):
            raise ValueError(f"Buffer kind {kind!r} is not one of 'dram', 'l1'")
        arch = device.arch
        # no buffer is larger than the memory it lives in (all DRAM banks, or every core's L1)
        limit = (arch.num_dram_banks * arch.dram_bank_size if kind == "dram"
                 else arch.compute_grid[0] * arch.compute_grid[1] * arch.l1_size)
        size = checks.whole(size, "Buffer size", 1, limit, f"{kind.upper()} of {arch.board} holds {limit} B")
        page_size = size if page_size is None else checks.whole(page_size, "Buffer page_size", 1, size,
                                                                "a page is at most the buffer's size")
        if size % page_size:
            raise ValueError(f"Buffer size {size} B is not a whole number of {page_size} B pages; "
                             f"make size a multiple of page_size")
        if shard is not None:
            checks.instance(shard, ShardSpec, "Buffer shard", "pass a ShardSpec(tensor_shape, shard_shape, cores)")
        self.device, self.size, self.page_size, self.kind = device, size, page_size, kind
        self.dtype = checks.dtype(dtype, "Buffer dtype") if dtype is not None else None
        self.num_pages = size // page_size
        self.cores: CoreRangeSet | None = None
        self.shard = shard
        self._runs = None
        self._core_set = None
        if shard is not None:
            if cores is not None:
                raise ValueError("a sharded Buffer takes its cores from its ShardSpec, not from cores=")
            if math.prod(shard.tensor_shape) != self.num_pages:
                raise ValueError(f"ShardSpec tensor_shape {shard.tensor_shape} holds {math.prod(shard.tensor_shape)} pages "
                                 f"but the buffer has {self.num_pages} pages of {page_size} B")
            if kind == "l1":
                if shard.cores is None:
                    raise ValueError("an L1 ShardSpec needs cores=: the cores that hold the shards")
                self.bank_cores = shard.bank_cores()
                for c in self.bank_cores:
                    arch.check_logical(c.x, c.y)
                self.cores = as_core_range_set(shard.cores)
            self.alignment = arch.dram_alignment if kind == "dram" else arch.l1_alignment
            nbanks = arch.num_dram_banks if kind == "dram" else len(self.bank_cores)
            self.aligned_page_size = round_up(page_size, self.alignment)
            self.banks = 0
            self.num_banks = nbanks
            per_bank = -(-shard.num_shards // nbanks) * shard.shard_volume * self.aligned_page_size
            self._allocate(per_bank)
            return
        if kind == "dram":
            self.alignment = arch.dram_alignment
            self.banks = arch.num_dram_banks
        elif cores is None:
            self.alignment = arch.l1_alignment
            self.banks = arch.num_l1_banks
        else:
            self.alignment = arch.l1_alignment
            self.banks = 0
            self.cores = as_core_range_set(cores)
            for c in self.cores:
                arch.check_logical(c.x, c.y)
        self.aligned_page_size = round_up(page_size, self.alignment)
        if self.banks:
            per_bank = -(-self.num_pages // self.banks) * self.aligned_page_size
        else:
            per_bank = size
        self._allocate(per_bank)

    def _allocate(self, per_bank: int) -> None:
        self.freed = True                  # until the allocation succeeds
        with self.device._lock:
            self.device._check_open()
            self.device._release_pending()
            self.address = self.device.backend.allocate(self.kind, per_bank)
        self.bytes_per_bank = per_bank
        self.freed = False
        self.device._buffers.add(self)

    @property
    def is_dram(self) -> bool:
        return self.kind == "dram"

    @property
    def interleaved(self) -> bool:
        return self.banks > 0

    @property
    def sharded(self) -> bool:
        return self.shard is not None

    @property
    def per_core(self) -> bool:
        """One copy per core at the same L1 address (cores=), not interleaved or sharded."""
        return not (self.is_dram or self.interleaved or self.sharded)

    @property
    def core_set(self) -> frozenset:
        if self._core_set is None:
            self._core_set = frozenset(self.cores.cores()) if self.cores is not None else frozenset()
        return self._core_set

    def _page_runs(self):
        """(bank, address, stride, page ids) covering every page: where each page lives. Interleaved: one
        run per bank; sharded: one run per page; per-core L1 is handled by the callers."""
        if self._runs is None:
            if self.sharded:
                bank, off = self.shard.locate(self.num_banks)
                if self.is_dram:
                    banks = [int(b) for b in bank]
                else:
                    idx = [self.device.arch.core_index(c) for c in self.bank_cores]
                    banks = [idx[int(b)] for b in bank]
                self._runs = [(b, self.address + int(o) * self.aligned_page_size, self.aligned_page_size, [p])
                              for p, (b, o) in enumerate(zip(banks, off))]
            else:
                self._runs = [(b, self.address, self.aligned_page_size, range(b, self.num_pages, self.banks))
                              for b in range(self.banks) if b < self.num_pages]
        return self._runs

    def __repr__(self) -> str:
        where = "DRAM" if self.is_dram else ("L1 interleaved" if self.interleaved else f"L1 on {self.cores}")
        if self.sharded:
            where += f" {self.shard.layout}-sharded {self.shard.tensor_shape} pages in {self.shard.shard_shape} shards"
        return f"Buffer({where}, {self.size} B, page {self.page_size} B, address 0x{self.address:x})"

    def free(self) -> None:
        """Give the memory back (idempotent). Programs that still refer to the buffer are refused."""
        dev = self.device
        with dev._lock:
            if not self.freed:
                self.freed = True
                dev._buffers.discard(self)
                if not dev.closed:
                    dev.backend.free(self.kind, self.address)

    def __del__(self) -> None:
        # The collector may run this in any thread, even one the device's lock holder waits for: never
        # block here. The memory goes back the next time the device is used.
        try:
            if not self.freed:
                self.freed = True
                self.device._release_later(self.kind, self.address)
        except Exception:
            pass

    def _check(self) -> None:
        if self.freed:
            raise ValueError(f"{self!r} was freed; allocate a new buffer")
        self.device._check_open()

    def _cores_for(self, core) -> list[CoreCoord]:
        if core is None:
            return self.cores.cores()
        c = as_coord(core)
        if c not in self.core_set:
            raise ValueError(f"{self!r} has no copy on core ({c.x}, {c.y}); use one of {self.cores}")
        return [c]

    # ---- host access --------------------------------------------------------------------------
    def write(self, data, core=None) -> None:
        """Copy `data` (ndarray or bytes, exactly `size` bytes) into the buffer. For a per-core L1 buffer
        the data goes to every core of the buffer, or only to `core`."""
        raw = _as_bytes(data)
        if raw.size != self.size:
            raise ValueError(f"{self!r}: got {raw.size} B of data, the buffer holds {self.size} B; "
                             f"pass exactly {self.size} B")
        if core is not None and not self.per_core:
            raise ValueError(f"{self!r}: core= is for per-core L1 buffers (cores=); this buffer spreads its pages "
                             f"over banks")
        dev = self.device
        with dev._lock:
            self._check()
            be = dev.backend
            if self.per_core:
                for c in self._cores_for(core):
                    be.write_pages(self.kind, dev.arch.core_index(c), self.address, self.size, raw[None, :])
            else:
                pages = raw.reshape(self.num_pages, self.page_size)
                for bank, addr, stride, ids in self._page_runs():
                    be.write_pages(self.kind, bank, addr, stride, pages[ids.start::ids.step] if isinstance(ids, range)
                                   else pages[ids])
        if isinstance(data, np.ndarray):
            self.dtype = data.dtype

    def read(self, dtype=None, core=None) -> np.ndarray:
        """The buffer's contents as a new array of `dtype` (default: the dtype last written, else uint8)."""
        dt = checks.dtype(dtype, f"{self!r}.read dtype") if dtype is not None else (self.dtype or np.dtype(np.uint8))
        if self.size % dt.itemsize:
            raise ValueError(f"{self!r}: {self.size} B is not a whole number of {dt} values ({dt.itemsize} B each)")
        if core is not None and not self.per_core:
            raise ValueError(f"{self!r}: core= is for per-core L1 buffers (cores=)")
        dev = self.device
        with dev._lock:
            self._check()
            be = dev.backend
            if self.per_core:
                c = self._cores_for(core)[0]
                raw = be.read_pages(self.kind, dev.arch.core_index(c), self.address, self.size, 1, self.size)
            else:
                raw = np.empty((self.num_pages, self.page_size), dtype=np.uint8)
                for bank, addr, stride, ids in self._page_runs():
                    n = len(ids)
                    got = be.read_pages(self.kind, bank, addr, stride, n, self.page_size)
                    if isinstance(ids, range):
                        raw[ids.start::ids.step] = got
                    else:
                        raw[ids] = got
        return raw.reshape(-1).view(dt)


def _as_bytes(data) -> np.ndarray:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return np.frombuffer(bytes(data), dtype=np.uint8)
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    raise TypeError(f"buffer data = {data!r:.60} is a {type(data).__name__}; pass a numpy array or bytes of exactly "
                    f"the buffer's size")
