"""Device tensors: a shape, a dtype, a layout and a place in device memory, with numpy in and out.

A tiled tensor of shape (..., H, W) is stored as 32x32 tiles, one tile per page, in the order
(batch, tile row, tile column), batch = all leading dims flattened. H and W are padded up to multiples
of 32 with zeros; every op keeps the padding zero (ops whose result is not zero there mask it), so a
later matmul or sum reads the padding as zeros. A row-major tensor stores one row of W values per page.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .. import Buffer, CoreRange, CoreRangeSet, DataFormat, Device, ShardSpec, formats

DTYPES = {"bf16": DataFormat.Float16_b, "fp32": DataFormat.Float32, "bfp8_b": DataFormat.Bfp8_b,
          "int32": DataFormat.Int32}
ALIASES = {"bfloat16": "bf16", "float32": "fp32", "bfloat8_b": "bfp8_b", "float16_b": "bf16"}
LAYOUTS = ("tiled", "row_major")
MEMORIES = ("dram", "l1", "dram_sharded", "l1_sharded")
TILE = 32


def as_dtype(dtype) -> str:
    d = ALIASES.get(str(dtype).lower(), str(dtype).lower())
    if d not in DTYPES:
        raise ValueError(f"dtype {dtype!r} is not one of {sorted(DTYPES)}")
    return d


def fmt(dtype: str) -> DataFormat:
    return DTYPES[as_dtype(dtype)]


def tile_bytes(dtype: str) -> int:
    return formats.tile_size(fmt(dtype))


def pad32(n: int) -> int:
    return -(-n // TILE) * TILE


# one rounding of a value to the format, relative (half an ulp); bfp8_b: 7 magnitude bits against the
# largest value of its 16-value face row, so up to 2^-7 of that row's max; fp32 results pass SFPU/FPU
# paths with 19-bit (tf32-like) source registers
ROUNDING = {"bf16": 2.0 ** -8, "fp32": 2.0 ** -11, "bfp8_b": 2.0 ** -6, "int32": 0.0}
# LoFi multiplies the high 5 x 7 bits of each product; HiFi2 / HiFi3 add phases; HiFi4 is exact
FIDELITY = {"LoFi": 2.0 ** -4, "HiFi2": 2.0 ** -7, "HiFi3": 2.0 ** -9, "HiFi4": 0.0}


def tolerance(dtype: str, fidelity: str = "HiFi4", terms: int = 1, ops: int = 1) -> tuple[float, float]:
    """(relative, absolute as a fraction of the largest result) error bound of a result in `dtype`
    made by `ops` roundings (element-wise), or of a sum of `terms` products accumulated in a DST of
    this precision at `fidelity` (matmul, reductions): each accumulation step rounds the running sum,
    so the error walks like sqrt(terms) roundings (bound: 4 sigma), plus the fidelity error of the
    products, relative to the result's scale."""
    r = ROUNDING[as_dtype(dtype)]
    if terms <= 1:
        return r * (ops + 1), r * (ops + 1) / 4
    return r, 4 * r / 2 * math.sqrt(terms) + FIDELITY[fidelity] + r


# The operators of Tensor run ops defined in modules that import this one; tensix.gen's __init__ puts
# them here (so this module imports none of them: no import cycle). name -> function(a, b) / (a).
OPERATORS: dict[str, Callable] = {}


def _operator(name: str) -> Callable:
    try:
        return OPERATORS[name]
    except KeyError:
        raise RuntimeError(f"Tensor operator {name!r} is not registered: import tensix.gen (its __init__ "
                           "registers the element-wise and matmul lowerings)") from None


@dataclass
class Tensor:
    """A tensor on `device`. Use `from_numpy` / `empty` to make one and `numpy()` to read it back."""
    device: Device
    shape: tuple
    dtype: str
    buffer: Buffer
    layout: str = "tiled"
    memory: str = "dram"
    run: Any = field(default=None, repr=False, compare=False)   # RunInfo of the op that wrote it

    # ---- geometry -------------------------------------------------------------------------------
    @property
    def batch(self) -> int:
        return math.prod(self.shape[:-2]) if len(self.shape) > 2 else 1

    @property
    def H(self) -> int:
        return self.shape[-2] if len(self.shape) >= 2 else 1

    @property
    def W(self) -> int:
        return self.shape[-1] if self.shape else 1

    @property
    def Ht(self) -> int:
        return pad32(self.H) // TILE

    @property
    def Wt(self) -> int:
        return pad32(self.W) // TILE

    @property
    def num_tiles(self) -> int:
        return self.batch * self.Ht * self.Wt

    @property
    def format(self) -> DataFormat:
        return fmt(self.dtype)

    @property
    def padded(self) -> bool:
        return self.H % TILE != 0 or self.W % TILE != 0

    def __repr__(self) -> str:
        return f"Tensor({self.shape}, {self.dtype}, {self.layout}, {self.memory}, {self.device.arch.board})"

    # ---- operators: each runs one generated program (a + b * c runs two: fuse() makes one of them) ----
    __array_ufunc__ = None                # numpy defers to these (ndarray + Tensor is a TypeError, not a loop)

    def _binary(self, name: str, a, b):
        if not all(isinstance(x, (Tensor, numbers.Real)) for x in (a, b)):
            return NotImplemented
        return _operator(name)(a, b)

    def __add__(self, o): return self._binary("add", self, o)
    def __radd__(self, o): return self._binary("add", o, self)
    def __sub__(self, o): return self._binary("sub", self, o)
    def __rsub__(self, o): return self._binary("sub", o, self)
    def __mul__(self, o): return self._binary("mul", self, o)
    def __rmul__(self, o): return self._binary("mul", o, self)
    def __truediv__(self, o): return self._binary("div", self, o)
    def __rtruediv__(self, o): return self._binary("div", o, self)
    def __neg__(self): return _operator("neg")(self)
    def __matmul__(self, o): return _operator("matmul")(self, o) if isinstance(o, Tensor) else NotImplemented

    # ---- host <-> device ----------------------------------------------------------------------------
    @classmethod
    def empty(cls, device: Device, shape, dtype="bf16", layout: str = "tiled", memory: str = "dram",
              cores=None) -> "Tensor":
        """An uninitialised tensor. memory: "dram" / "l1" (interleaved), "dram_sharded" / "l1_sharded"
        (height-sharded by tile rows over the DRAM banks / over `cores`, default the whole grid)."""
        shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
        if not shape or min(shape) <= 0:
            raise ValueError(f"tensor shape {shape} must have positive dims")
        if len(shape) == 1:
            shape = (1, shape[0])
        dtype = as_dtype(dtype)
        if layout not in LAYOUTS:
            raise ValueError(f"layout {layout!r} is not one of {LAYOUTS}")
        if memory not in MEMORIES:
            raise ValueError(f"memory {memory!r} is not one of {MEMORIES}")
        f = fmt(dtype)
        if layout == "tiled":
            page = formats.tile_size(f)
            rows = math.prod(shape[:-2]) * (pad32(shape[-2]) // TILE)
            cols = pad32(shape[-1]) // TILE
        else:
            if formats.is_block_float(f):
                raise ValueError(f"{dtype} is a block-float format: it exists only in tiled layout")
            page = shape[-1] * formats.element_size(f)
            rows, cols = math.prod(shape[:-1]), 1
        kind = "dram" if memory.startswith("dram") else "l1"
        shard = None
        if memory.endswith("sharded"):
            if kind == "l1":
                core_range = cores or CoreRange((0, 0), (device.grid.x - 1, device.grid.y - 1))
                n = CoreRangeSet(core_range).num_cores()
            else:
                core_range, n = None, device.arch.num_dram_banks
            shard = ShardSpec((rows, cols), (-(-rows // n), cols), core_range)
        buf = Buffer(device, rows * cols * page, page, kind, shard=shard)
        return cls(device, shape, dtype, buf, layout, memory)

    @classmethod
    def from_numpy(cls, device: Device, array, dtype=None, layout: str = "tiled", memory: str = "dram",
                   cores=None) -> "Tensor":
        a = np.asarray(array)
        if dtype is None:
            dtype = "int32" if a.dtype.kind in "iu" else "bf16"
        t = cls.empty(device, a.shape if a.ndim else (1,), dtype, layout, memory, cores)
        t.write(a)
        return t

    def _host_bytes(self, a: np.ndarray) -> np.ndarray:
        f = self.format
        a = np.asarray(a, np.int32 if self.dtype == "int32" else np.float32).reshape(self.shape)
        if self.layout == "row_major":
            return formats.pack(a.reshape(-1), f)
        lead = self.shape[:-2]
        full = np.zeros((*lead, pad32(self.H), pad32(self.W)), a.dtype)
        full[..., :self.H, :self.W] = a
        return formats.pack(formats.tilize(full), f)

    def write(self, array) -> None:
        self.buffer.write(self._host_bytes(np.broadcast_to(np.asarray(array), self.shape)))

    def numpy(self, padded: bool = False) -> np.ndarray:
        """The values as float32 (int32 for int32 tensors); with padded=True the zero padding too."""
        raw = self.buffer.read(np.uint8)
        if self.layout == "row_major":
            return formats.unpack(raw, self.format).reshape(self.shape)
        lead = self.shape[:-2]
        full = formats.untilize(formats.unpack(raw, self.format), (*lead, pad32(self.H), pad32(self.W)))
        return full if padded else full[..., :self.H, :self.W]

    def free(self) -> None:
        self.buffer.free()


def from_numpy(device: Device, array, dtype=None, layout: str = "tiled", memory: str = "dram", cores=None) -> Tensor:
    """A device tensor holding `array` (padded to whole tiles in tiled layout)."""
    return Tensor.from_numpy(device, array, dtype, layout, memory, cores)


def empty(device: Device, shape, dtype="bf16", layout: str = "tiled", memory: str = "dram", cores=None) -> Tensor:
    return Tensor.empty(device, shape, dtype, layout, memory, cores)
