"""Tensix data formats: enum, tile sizes, bfloat16, tile layout and byte packing.

Every rule below comes from docs/tt-metalium-api.md sections 4.8 ("Data formats
and DST precision") and 5 ("Tile layout and data formats").  Rules the doc does
not spell out are marked "(inferred)".
"""
from __future__ import annotations

import enum
from typing import Any

import numpy as np

from . import checks

__all__ = [
    "DataFormat", "as_format", "tile_size", "element_size", "is_block_float",
    "is_integer", "float_to_bf16_bits", "bf16_bits_to_float", "round_to_bf16",
    "tilize", "untilize", "pack", "unpack", "quantize",
    "TILE_HEIGHT", "TILE_WIDTH", "TILE_HW", "FACE_HEIGHT", "FACE_WIDTH", "FACE_HW",
]

# Section 5: tile = 32x32 made of 4 faces of 16x16.
TILE_HEIGHT = TILE_WIDTH = 32
TILE_HW = 1024
FACE_HEIGHT = FACE_WIDTH = 16
FACE_HW = 256
L1_ALIGNMENT = 16  # section 5: exponent section rounded up to L1_ALIGNMENT

Tile = tuple[int, int]


class DataFormat(enum.IntEnum):
    """`tt::DataFormat` (section 4.8); same values on host and device."""
    Float32 = 0
    Float16 = 1
    Bfp8 = 2
    Bfp4 = 3
    Tf32 = 4
    Float16_b = 5
    Bfp8_b = 6
    Bfp4_b = 7
    Int32 = 8
    UInt16 = 9
    Lf8 = 10
    Bfp2 = 11
    Int16 = 13  # host-only value (remapped to 9 on Quasar), section 4.8
    Int8 = 14
    Bfp2_b = 15
    UInt32 = 24
    Fp8_e4m3 = 26
    UInt8 = 30
    RawUInt8 = 240
    RawUInt16 = 241
    RawUInt32 = 242
    Invalid = 255


F = DataFormat

_ALIASES: dict[str, DataFormat] = {
    "bfloat16": F.Float16_b, "bf16": F.Float16_b, "float16b": F.Float16_b,
    "fp32": F.Float32, "f32": F.Float32,
    "fp16": F.Float16, "f16": F.Float16, "half": F.Float16,
    "bfloat8_b": F.Bfp8_b, "bfloat4_b": F.Bfp4_b, "bfloat2_b": F.Bfp2_b,
    "fp8": F.Fp8_e4m3,
}
_NAMES: dict[str, DataFormat] = {m.name.lower(): m for m in DataFormat}
_NAMES.update(_ALIASES)

_DTYPE_TO_FORMAT: dict[np.dtype, DataFormat] = {
    np.dtype(np.float32): F.Float32, np.dtype(np.float16): F.Float16,
    np.dtype(np.uint32): F.UInt32, np.dtype(np.int32): F.Int32,
    np.dtype(np.uint16): F.UInt16, np.dtype(np.int16): F.Int16,
    np.dtype(np.uint8): F.UInt8, np.dtype(np.int8): F.Int8,
}


def as_format(x: Any) -> DataFormat:
    """Coerce a DataFormat, int value, case-insensitive name or numpy dtype."""
    if isinstance(x, DataFormat):
        return x
    if isinstance(x, str):
        key = x.strip().lower()
        if key.startswith("dataformat."):
            key = key[len("dataformat."):]
        if key in _NAMES:
            return _NAMES[key]
        raise ValueError(
            f"unknown data format name {x!r}; accepted names: "
            + ", ".join(sorted(_NAMES)))
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        try:
            return DataFormat(int(x))
        except ValueError:
            raise ValueError(
                f"unknown data format value {int(x)}; accepted values: "
                + ", ".join(f"{m.name}={m.value}" for m in DataFormat)) from None
    try:
        dt = np.dtype(x)
    except (TypeError, ValueError):
        dt = None
    if dt is not None and dt.newbyteorder("=") in _DTYPE_TO_FORMAT:
        return _DTYPE_TO_FORMAT[dt.newbyteorder("=")]
    raise ValueError(
        f"cannot interpret {x!r} as a DataFormat; accepted: a DataFormat, an int "
        f"value, a name ({', '.join(sorted(_NAMES))}) or a numpy dtype "
        f"({', '.join(str(d) for d in _DTYPE_TO_FORMAT)})")


# Block-float formats: format -> magnitude bits.  Section 5: Bfp8 -> 7-bit
# magnitude + sign; Bfp4 / Bfp2 -> 3-bit / 1-bit magnitudes.
_BFP_MAG_BITS: dict[DataFormat, int] = {
    F.Bfp8: 7, F.Bfp8_b: 7, F.Bfp4: 3, F.Bfp4_b: 3, F.Bfp2: 1, F.Bfp2_b: 1,
}

# Bytes per element, non-block formats (section 5 tile-size table / 1024).
# Tf32 is not in the table: stored in a 32-bit container (inferred).
_ELEMENT_SIZE: dict[DataFormat, int] = {
    F.Float32: 4, F.Int32: 4, F.UInt32: 4, F.Tf32: 4, F.RawUInt32: 4,
    F.Float16: 2, F.Float16_b: 2, F.UInt16: 2, F.Int16: 2, F.RawUInt16: 2,
    F.Int8: 1, F.UInt8: 1, F.Fp8_e4m3: 1, F.Lf8: 1, F.RawUInt8: 1,
}

# numpy storage for plain formats (little-endian on device).
_PLAIN_DTYPE: dict[DataFormat, str] = {
    F.Float32: "<f4", F.Int32: "<i4", F.UInt32: "<u4", F.RawUInt32: "<u4",
    F.UInt16: "<u2", F.Int16: "<i2", F.RawUInt16: "<u2",
    F.UInt8: "u1", F.Int8: "i1", F.RawUInt8: "u1",
}

_STORAGE_DTYPE: dict[DataFormat, str] = {
    **_PLAIN_DTYPE, F.Float16_b: "<u2", F.Float16: "<f2", F.Tf32: "<f4"}

_INTEGER = {F.Int32, F.UInt32, F.UInt16, F.Int16, F.Int8, F.UInt8,
            F.RawUInt8, F.RawUInt16, F.RawUInt32}


def is_block_float(fmt: Any) -> bool:
    """True for Bfp8/4/2 and their _b variants."""
    return as_format(fmt) in _BFP_MAG_BITS


def is_integer(fmt: Any) -> bool:
    """True for integer (and raw) formats."""
    return as_format(fmt) in _INTEGER


def element_size(fmt: Any) -> int:
    """Bytes per element of a non-block format."""
    f = as_format(fmt)
    if f in _BFP_MAG_BITS:
        raise ValueError(f"{f.name} is a block-float format: it has no per-element "
                         "size, use tile_size()")
    if f not in _ELEMENT_SIZE:
        raise ValueError(f"{f.name} has no element size")
    return _ELEMENT_SIZE[f]


def _check_tile(tile: Tile) -> tuple[int, int]:
    h, w = (int(v) for v in tile)
    if h <= 0 or w <= 0 or h > TILE_HEIGHT or w > TILE_WIDTH or (h * w) % 16:
        raise ValueError(f"unsupported tile shape {tuple(tile)}: need 0 < h, w <= 32 "
                         "and h*w a multiple of 16")
    return h, w


def _bfp_exp_bytes(hw: int) -> int:
    # Section 5: exponent section = round_up(16 rows x num_faces, L1_ALIGNMENT);
    # i.e. one byte per 16-element face row, rounded up to 16 bytes.
    rows = hw // 16
    return -(-rows // L1_ALIGNMENT) * L1_ALIGNMENT


def tile_size(fmt: Any, tile: Tile = (TILE_HEIGHT, TILE_WIDTH)) -> int:
    """Bytes per tile (section 5 table; tiny tiles scaled by element count)."""
    f = as_format(fmt)
    h, w = _check_tile(tile)
    hw = h * w
    if f in _BFP_MAG_BITS:
        bits = _BFP_MAG_BITS[f] + 1  # sign + magnitude
        return _bfp_exp_bytes(hw) + hw * bits // 8
    return hw * element_size(f)


# ---------------------------------------------------------------- bfloat16 --
def float_to_bf16_bits(a: Any) -> np.ndarray:
    """float -> bf16 bits, round-to-nearest-even (section 5, `bfloat16.hpp`):
    `(U32 + 0x7FFF + ((U32 >> 16) & 1)) >> 16`.  NaN stays a (quiet) NaN."""
    f = _to_f32_round_to_odd(a)
    u = f.view(np.uint32)
    r = ((u + np.uint32(0x7FFF) + ((u >> 16) & np.uint32(1))) >> 16).astype(np.uint16)
    nan = np.isnan(f)
    if nan.any():  # the formula could turn a NaN into Inf: keep sign, force quiet bit
        r = np.where(nan, ((u >> 16) | np.uint32(0x0040)).astype(np.uint16), r)
    return r


def _to_f32_round_to_odd(a: Any) -> np.ndarray:
    """float32 as is; wider floats (float64, Python floats) narrowed to float32 with round-to-odd, so the
    bf16 rounding that follows rounds the original value once (narrowing with RNE and then rounding
    again to bf16 gets halfway cases wrong)."""
    x = np.asarray(a)
    if x.dtype.kind != "f" or x.dtype.itemsize <= 4:
        return np.asarray(x, dtype=np.float32)
    x = x.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        f = x.astype(np.float32)
        back = f.astype(np.float64)
        inexact = (back != x) & ~np.isnan(x)
        f = np.where(inexact & (np.abs(back) > np.abs(x)), np.nextafter(f, np.float32(0)), f).astype(np.float32)
    u = f.view(np.uint32) | inexact.astype(np.uint32)       # sticky bit: the value was not exact
    return u.view(np.float32)


def bf16_bits_to_float(u16: Any) -> np.ndarray:
    """bf16 bits -> float32 (`operator float()` = `bits << 16`, section 5)."""
    u = np.asarray(u16, dtype=np.uint16).astype(np.uint32) << 16
    return u.view(np.float32)


def round_to_bf16(a: Any) -> np.ndarray:
    """Round to the nearest bf16 value (RNE); result is float32."""
    return bf16_bits_to_float(float_to_bf16_bits(a))


def _round_to_tf32(a: Any) -> np.ndarray:
    # (inferred) Tf32 = fp32 with the mantissa rounded (RNE) to 10 bits,
    # stored in a 32-bit container.
    f = np.asarray(a, dtype=np.float32)
    u = f.view(np.uint32)
    r = (u + np.uint32(0xFFF) + ((u >> 13) & np.uint32(1))) & np.uint32(0xFFFFE000)
    r = np.where(np.isnan(f), u | np.uint32(0x00400000), r)
    return r.astype(np.uint32).view(np.float32)


# ------------------------------------------------------------- tile layout --
def _face_shape(th: int, tw: int) -> tuple[int, int]:
    # Tiny tiles (section 5) have 1 or 2 faces; faces are at most 16x16.
    return min(th, FACE_HEIGHT), min(tw, FACE_WIDTH)


def tilize(a: Any, tile: Tile = (TILE_HEIGHT, TILE_WIDTH)) -> np.ndarray:
    """Row-major (..., R, C) array -> flat TILED_NFACES order (section 5).

    Tiles in row-major tile order per matrix (tile (tr, tc) at tr*(C/tw)+tc),
    each tile = faces F0 F1 F2 F3, each face row-major: element (r, c) of a
    tile at face*256 + (r%16)*16 + (c%16), face = (r//16)*2 + (c//16)."""
    x = np.asarray(a)
    th, tw = _check_tile(tile)
    if x.ndim < 2 or x.shape[-2] % th or x.shape[-1] % tw:
        raise ValueError(f"cannot tilize shape {x.shape}: last two dims must be "
                         f"multiples of the tile shape {(th, tw)}")
    fh, fw = _face_shape(th, tw)
    R, C = x.shape[-2:]
    b = x.shape[:-2]
    y = x.reshape(*b, R // th, th // fh, fh, C // tw, tw // fw, fw)
    n = len(b)
    order = list(range(n)) + [n + i for i in (0, 3, 1, 4, 2, 5)]
    return np.ascontiguousarray(y.transpose(order)).reshape(-1)


def untilize(flat: Any, shape: tuple[int, ...],
             tile: Tile = (TILE_HEIGHT, TILE_WIDTH)) -> np.ndarray:
    """Inverse of `tilize`: flat TILED_NFACES data -> row-major array of `shape`."""
    x = np.asarray(flat).reshape(-1)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"untilize shape = {shape!r} is a {type(shape).__name__}, not a tuple of ints, e.g. (32, 64)")
    shape = tuple(checks.whole(s, f"untilize shape {shape!r} entry", 0, 1 << 40) for s in shape)
    th, tw = _check_tile(tile)
    if len(shape) < 2 or shape[-2] % th or shape[-1] % tw:
        raise ValueError(f"cannot untilize to shape {shape}: last two dims must be "
                         f"multiples of the tile shape {(th, tw)}")
    if x.size != int(np.prod(shape)):
        raise ValueError(f"untilize: {x.size} elements do not fit shape {shape}")
    fh, fw = _face_shape(th, tw)
    R, C = shape[-2:]
    b = shape[:-2]
    y = x.reshape(*b, R // th, C // tw, th // fh, tw // fw, fh, fw)
    n = len(b)
    order = list(range(n)) + [n + i for i in (0, 2, 4, 1, 3, 5)]
    return np.ascontiguousarray(y.transpose(order)).reshape(shape)


# ---------------------------------------------------------- block floats --
def _bfp_pack(values: Any, f: DataFormat, tile: Tile) -> np.ndarray:
    """Section 5, Bfp8_b layout (`pack_as_bfp_tiles`), generalised to Bfp4_b/Bfp2_b.

    Per tile: [exponent bytes][mantissa bytes].  One shared exponent per
    16-element face row (bytes 0-15 = face 0 rows 0-15, 16-31 face 1, ...),
    = max 8-bit biased fp32 exponent of the 16 values."""
    if f not in (F.Bfp8_b, F.Bfp4_b, F.Bfp2_b):
        # Section 5 only says A-type exponents are rebiased (exp-127+15, clamped);
        # how mantissas interact with the clamp is not documented.
        raise ValueError(f"packing {f.name} is not supported (only Bfp8_b, Bfp4_b, "
                         "Bfp2_b)")
    th, tw = _check_tile(tile)
    hw = th * tw
    v = np.ascontiguousarray(_to_f32_round_to_odd(values)).reshape(-1)     # float64 is rounded once
    if v.size % hw:
        raise ValueError(f"{f.name} packing needs whole tiles in tile order: got "
                         f"{v.size} values, not a multiple of {hw}")
    nt = v.size // hw
    mb = _BFP_MAG_BITS[f]
    u = v.view(np.uint32).reshape(nt, hw // 16, 16)
    exp = (u >> 23) & np.uint32(0xFF)
    shared = exp.max(axis=2)
    # m = top `mb` bits of (1<<23 | mantissa23) >> (shared_exp - exp) (explicit
    # hidden bit), rounded to nearest even, saturating at 2**mb - 1.
    # (inferred) the rounding decision uses only the bits left after the
    # alignment shift, as the doc's wording reads (shift first, then round).
    full = (u & np.uint32(0x7FFFFF)) | np.uint32(0x800000)
    y = full >> np.minimum(shared[..., None] - exp, np.uint32(31))
    drop = 24 - mb
    q = y >> np.uint32(drop)
    rem = y & np.uint32((1 << drop) - 1)
    half = np.uint32(1 << (drop - 1))
    q = q + ((rem > half) | ((rem == half) & ((q & np.uint32(1)) == 1)))
    q = np.minimum(q, np.uint32((1 << mb) - 1))
    q[exp == 0] = 0  # zero / denormal -> 0
    # (inferred) Inf/NaN carry exponent 255: they decode as +-Inf and flush
    # the rest of their face row to 0.
    sign = (u >> 31) & (q != 0).astype(np.uint32)  # sign cleared when m == 0
    code = ((sign << np.uint32(mb)) | q).reshape(nt, hw)
    bits = mb + 1
    if bits == 8:
        mant = code.astype(np.uint8)
    else:
        # (inferred) the doc only says "8 / 16 values per uint32" for Bfp4 / Bfp2:
        # codes are packed LSB-first, i.e. low nibble (low bit pair) first.
        k = 8 // bits
        shifts = (np.arange(k, dtype=np.uint32) * np.uint32(bits))
        mant = (code.reshape(nt, hw // k, k) << shifts).sum(axis=2).astype(np.uint8)
    eb = _bfp_exp_bytes(hw)
    exps = np.zeros((nt, eb), dtype=np.uint8)
    exps[:, : hw // 16] = shared
    return np.concatenate([exps, mant], axis=1).reshape(-1)


def _bfp_unpack(data: np.ndarray, f: DataFormat, tile: Tile) -> np.ndarray:
    """Decode: value = (-1)^s * m * 2^(shared_exp - 127 - (mb - 1)) (section 5;
    mb = 7 for Bfp8_b gives the doc's 2^(shared_exp - 127 - 6))."""
    if f not in (F.Bfp8_b, F.Bfp4_b, F.Bfp2_b):
        raise ValueError(f"unpacking {f.name} is not supported (only Bfp8_b, "
                         "Bfp4_b, Bfp2_b)")
    th, tw = _check_tile(tile)
    hw = th * tw
    tb = tile_size(f, (th, tw))
    if data.size % tb:
        raise ValueError(f"{f.name} data must be whole tiles of {tb} bytes: got "
                         f"{data.size} bytes")
    nt = data.size // tb
    d = data.reshape(nt, tb)
    eb = _bfp_exp_bytes(hw)
    shared = d[:, : hw // 16].astype(np.int32)
    mant = d[:, eb:]
    mb = _BFP_MAG_BITS[f]
    bits = mb + 1
    if bits == 8:
        code = mant
    else:
        k = 8 // bits
        shifts = np.arange(k, dtype=np.uint8) * np.uint8(bits)
        code = (mant[..., None] >> shifts) & np.uint8((1 << bits) - 1)
    code = code.reshape(nt, hw // 16, 16)
    mag = (code & np.uint8((1 << mb) - 1)).astype(np.float32)
    with np.errstate(over="ignore"):
        val = np.ldexp(mag, (shared - 127 - (mb - 1))[..., None])
    # shared exponent 255 (a face row holding Inf or NaN): a magnitude with its hidden bit set keeps
    # exponent 255 when normalised, so it decodes as Inf if no other bit is set and as NaN otherwise,
    # as tt-metal's decoder does
    val = np.where((shared[..., None] == 255) & (mag > (1 << (mb - 1))), np.float32(np.nan), val)
    val = np.where((code >> np.uint8(mb)) != 0, -val, val).astype(np.float32)
    return val.reshape(-1)


# ----------------------------------------------------------------- packing --
def _as_u8(data: Any) -> np.ndarray:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return np.frombuffer(data, dtype=np.uint8)
    arr = np.ascontiguousarray(data)
    if arr.dtype != np.uint8:
        arr = arr.reshape(-1).view(np.uint8)
    return arr.reshape(-1)


def pack(values: Any, fmt: Any, tile: Tile = (TILE_HEIGHT, TILE_WIDTH)) -> np.ndarray:
    """Encode values (flattened, C order) into device bytes (uint8 array).

    Block-float formats expect values already in tile order (whole tiles)."""
    f = as_format(fmt)
    if f in _BFP_MAG_BITS:
        return _bfp_pack(values, f, tile)
    if f == F.Float16_b:  # RNE bf16, little-endian uint16 (section 5)
        b = float_to_bf16_bits(values).astype("<u2")
    elif f == F.Float16:  # IEEE half; numpy's float->half conversion is RNE
        b = np.asarray(values).astype("<f2")
    elif f == F.Tf32:
        b = _round_to_tf32(values).astype("<f4")
    elif f in _PLAIN_DTYPE:  # plain little-endian (integers: C-style cast)
        b = np.asarray(values).astype(_PLAIN_DTYPE[f])
    else:
        raise ValueError(f"packing {f.name} is not supported")
    return np.ascontiguousarray(b).reshape(-1).view(np.uint8)


def unpack(data: Any, fmt: Any, count: int | None = None,
           tile: Tile = (TILE_HEIGHT, TILE_WIDTH)) -> np.ndarray:
    """Decode device bytes: float32 for float formats (incl. block floats),
    the matching integer dtype for integer formats.  `count` keeps the first
    `count` elements."""
    f = as_format(fmt)
    u8 = _as_u8(data)
    if f in _BFP_MAG_BITS:
        out = _bfp_unpack(u8, f, tile)
    else:
        dt = _STORAGE_DTYPE.get(f)
        if dt is None:
            raise ValueError(f"unpacking {f.name} is not supported")
        size = np.dtype(dt).itemsize
        if u8.size % size:
            raise ValueError(f"{f.name} data length {u8.size} is not a multiple of "
                             f"{size} bytes")
        raw = u8.view(dt)
        if f == F.Float16_b:
            out = bf16_bits_to_float(raw)
        elif f in (F.Float16, F.Tf32):
            out = raw.astype(np.float32)
        else:
            out = raw.astype(np.dtype(dt).newbyteorder("="))
    if count is not None:
        count = int(count)
        if count < 0 or count > out.size:
            raise ValueError(f"count {count} out of range: data holds {out.size} "
                             f"{f.name} elements")
        out = out[:count]
    return np.array(out, copy=True)


def quantize(values: Any, fmt: Any, tile: Tile = (TILE_HEIGHT, TILE_WIDTH)) -> np.ndarray:
    """unpack(pack(values)) reshaped to the input shape: float32 for float
    formats, the format's integer dtype for integer formats."""
    a = np.asarray(values)
    return unpack(pack(a, fmt, tile), fmt, count=a.size, tile=tile).reshape(a.shape)


# ---- tt-metal host helpers (bfloat16.hpp, tilize_utils.hpp), for code ported from C++ hosts ----------
tilize_nfaces = tilize
untilize_nfaces = untilize


def pack_two_bfloat16_into_uint32(lo: float, hi: float) -> int:
    """Two values as bf16 (round to nearest even) in one uint32, the first in the low half."""
    b = float_to_bf16_bits(np.array([checks.real(lo, "lo"), checks.real(hi, "hi")], np.float32))
    return int(b[0]) | (int(b[1]) << 16)


def create_random_vector_of_bfloat16(num_bytes: int, rand_max_float: float, seed: int, offset: float = 0.0) -> np.ndarray:
    """num_bytes of bf16 values uniform in [offset, offset + rand_max_float), packed two per uint32.
    (numpy's generator, not tt-metal's: the same call gives different numbers there.)"""
    num_bytes = checks.whole(num_bytes, "num_bytes", 0, 1 << 40, "a whole number of uint32 (4 B)")
    if num_bytes % 4:
        raise ValueError(f"num_bytes {num_bytes} is not a whole number of uint32 (4 B); pass a multiple of 4")
    vals = np.random.default_rng(seed).uniform(0, rand_max_float, num_bytes // 2).astype(np.float32) + np.float32(offset)
    return float_to_bf16_bits(vals).view(np.uint32).copy()


def create_constant_vector_of_bfloat16(num_bytes: int, value: float) -> np.ndarray:
    """num_bytes of one bf16 value, packed two per uint32."""
    num_bytes = checks.whole(num_bytes, "num_bytes", 0, 1 << 40, "a whole number of uint32 (4 B)")
    if num_bytes % 4:
        raise ValueError(f"num_bytes {num_bytes} is not a whole number of uint32 (4 B); pass a multiple of 4")
    return float_to_bf16_bits(np.full(num_bytes // 2, value, np.float32)).view(np.uint32).copy()
