"""Tests for tensix.formats (SOURCES.md (API) sections 4.8 and 5)."""
from __future__ import annotations

import re
import struct
import time

import numpy as np
import pytest

from tensix.formats import (
    DataFormat, as_format, bf16_bits_to_float, element_size, float_to_bf16_bits,
    is_block_float, pack, quantize, round_to_bf16, tile_size, tilize, unpack, untilize,
)


def f32(bits: int) -> np.float32:
    return np.array([bits], dtype=np.uint32).view(np.float32)[0]


def bits32(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


# ------------------------------------------------------------------ enum --
@pytest.mark.parametrize("name,value", [
    ("Float32", 0), ("Float16", 1), ("Bfp8", 2), ("Bfp4", 3), ("Tf32", 4),
    ("Float16_b", 5), ("Bfp8_b", 6), ("Bfp4_b", 7), ("Int32", 8), ("UInt16", 9),
    ("Lf8", 10), ("Bfp2", 11), ("Int16", 13), ("Int8", 14), ("Bfp2_b", 15),
    ("UInt32", 24), ("Fp8_e4m3", 26), ("UInt8", 30), ("RawUInt8", 240),
    ("RawUInt16", 241), ("RawUInt32", 242), ("Invalid", 255),
])
def test_enum_values(name: str, value: int) -> None:
    assert DataFormat[name] == value


def test_enum_has_exactly_doc_members() -> None:
    assert len(DataFormat) == 22
    assert 12 not in {m.value for m in DataFormat}


@pytest.mark.parametrize("x,expected", [
    (DataFormat.Bfp8_b, DataFormat.Bfp8_b), (5, DataFormat.Float16_b),
    (np.uint8(30), DataFormat.UInt8),
    ("float16_b", DataFormat.Float16_b), ("BFloat16", DataFormat.Float16_b),
    ("bf16", DataFormat.Float16_b), ("fp32", DataFormat.Float32),
    ("float32", DataFormat.Float32), ("BFP8_B", DataFormat.Bfp8_b),
    ("uint32", DataFormat.UInt32), ("Int8", DataFormat.Int8),
    (np.float32, DataFormat.Float32), (np.dtype(np.uint32), DataFormat.UInt32),
    (np.int32, DataFormat.Int32), (np.uint16, DataFormat.UInt16),
    (np.uint8, DataFormat.UInt8), (np.float16, DataFormat.Float16),
])
def test_as_format(x: object, expected: DataFormat) -> None:
    assert as_format(x) is expected


@pytest.mark.parametrize("bad", ["bfloat17", 12, 1000, np.float64, np.complex64, None, True])
def test_as_format_rejects(bad: object) -> None:
    with pytest.raises(ValueError) as ei:
        as_format(bad)
    if isinstance(bad, str):
        assert "bfloat16" in str(ei.value) and "float16_b" in str(ei.value)


# ------------------------------------------------------------ tile sizes --
@pytest.mark.parametrize("fmt,size", [
    ("Float32", 4096), ("Int32", 4096), ("UInt32", 4096),
    ("Float16", 2048), ("Float16_b", 2048), ("UInt16", 2048), ("Int16", 2048),
    ("Int8", 1024), ("UInt8", 1024), ("Fp8_e4m3", 1024), ("Lf8", 1024),
    ("Bfp8", 1088), ("Bfp8_b", 1088), ("Bfp4", 576), ("Bfp4_b", 576),
    ("Bfp2", 320), ("Bfp2_b", 320),
])
def test_tile_size_table(fmt: str, size: int) -> None:
    assert tile_size(DataFormat[fmt]) == size


def test_tile_size_tiny_tiles() -> None:
    # 2 faces: 32 exponent rows (already 16-aligned) + 512 mantissa bytes.
    assert tile_size("bfp8_b", (16, 32)) == 32 + 512
    assert tile_size("bfp8_b", (32, 16)) == 32 + 512
    assert tile_size("bfp8_b", (16, 16)) == 16 + 256
    assert tile_size("bfp4_b", (16, 16)) == 16 + 128
    assert tile_size("float16_b", (16, 32)) == 1024
    assert tile_size("float32", (16, 16)) == 1024
    with pytest.raises(ValueError, match="tile shape"):
        tile_size("float32", (33, 32))


def test_element_size_and_block_flag() -> None:
    assert element_size("float32") == 4
    assert element_size("bf16") == 2
    assert element_size("uint8") == 1
    assert is_block_float("bfp8_b") and is_block_float(DataFormat.Bfp2)
    assert not is_block_float("float16_b")
    with pytest.raises(ValueError, match="block-float"):
        element_size("bfp8_b")
    with pytest.raises(ValueError):
        tile_size(DataFormat.Invalid)


# -------------------------------------------------------------- bfloat16 --
@pytest.mark.parametrize("u32,expected", [
    (0x3F800000, 0x3F80),  # 1.0 exact
    (0x3F808000, 0x3F80),  # tie, lsb even -> stays (round down)
    (0x3F818000, 0x3F82),  # tie, lsb odd -> rounds up to even
    (0x3F808001, 0x3F81),  # just above tie -> up
    (0x3F807FFF, 0x3F80),  # just below tie -> down
    (0x3FFF8000, 0x4000),  # tie with odd lsb -> carry into the exponent (2.0)
    (0x7F7FFFFF, 0x7F80),  # FLT_MAX rounds to +inf
    (0xBF818000, 0xBF82),  # negative tie, odd -> up in magnitude
    (0x80000000, 0x8000),  # -0.0
    (0x7F800000, 0x7F80),  # +inf
])
def test_bf16_rne(u32: int, expected: int) -> None:
    assert int(float_to_bf16_bits(f32(u32))) == expected


@pytest.mark.parametrize("nan_bits", [0x7FC00000, 0x7F800001, 0xFFFFFFFF, 0x7FFFFFFF])
def test_bf16_nan_stays_nan(nan_bits: int) -> None:
    b = int(float_to_bf16_bits(f32(nan_bits)))
    assert (b & 0x7F80) == 0x7F80 and (b & 0x7F) != 0
    assert (b & 0x8000) == (nan_bits >> 16) & 0x8000
    assert np.isnan(bf16_bits_to_float(np.uint16(b)))


def test_bf16_roundtrip_and_shapes() -> None:
    a = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    r = round_to_bf16(a)
    assert r.dtype == np.float32 and r.shape == (3, 5)
    assert np.all((r.view(np.uint32) & 0xFFFF) == 0)
    assert np.all(np.abs(r - a) <= np.abs(a) * 2.0 ** -8)
    assert np.array_equal(round_to_bf16(r), r)
    assert bf16_bits_to_float(np.array([0x3F80, 0xC000], np.uint16)).tolist() == [1.0, -2.0]


# ------------------------------------------------------------ tile layout --
def test_tilize_explicit_indices() -> None:
    a = np.arange(32 * 32).reshape(32, 32)
    t = tilize(a)
    assert t.shape == (1024,)
    assert t[256] == a[0, 16]
    assert t[512] == a[16, 0]
    assert t[768 + 16 + 2] == a[17, 18]
    assert t[15] == a[0, 15] and t[16] == a[1, 0]
    for r in range(32):
        for c in range(32):
            face = (r // 16) * 2 + c // 16
            assert t[face * 256 + (r % 16) * 16 + c % 16] == a[r, c]


def test_tilize_tile_order_and_roundtrip() -> None:
    a = np.arange(64 * 96, dtype=np.float32).reshape(64, 96)
    t = tilize(a)
    # tile (tr=1, tc=2) starts at index (1*3 + 2) * 1024 with element (32, 64).
    assert t[5 * 1024] == a[32, 64]
    assert t[1024 + 256] == a[0, 48]
    assert np.array_equal(untilize(t, a.shape), a)
    b = np.arange(2 * 32 * 64).reshape(2, 32, 64)
    tb = tilize(b)
    assert np.array_equal(tb[: 2 * 1024], tilize(b[0]))
    assert np.array_equal(tb[2 * 1024:], tilize(b[1]))
    assert np.array_equal(untilize(tb, b.shape), b)


def test_tilize_tiny_tiles() -> None:
    a = np.arange(16 * 32).reshape(16, 32)
    t = tilize(a, tile=(16, 32))
    assert t[256] == a[0, 16] and t[17] == a[1, 1]
    assert np.array_equal(untilize(t, a.shape, tile=(16, 32)), a)


@pytest.mark.parametrize("shape", [(30, 32), (32, 48), (32,)])
def test_tilize_bad_shape(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=re.escape(str(shape))):
        tilize(np.zeros(shape))
    with pytest.raises(ValueError):
        untilize(np.zeros(int(np.prod(shape))), shape)


# ------------------------------------------------------ plain formats --
def test_pack_plain_formats() -> None:
    assert pack(np.array([1.0, -2.0], np.float32), "float32").tobytes() == struct.pack("<ff", 1.0, -2.0)
    assert pack([1.0, f32(0x3F818000)], "bf16").tobytes() == struct.pack("<HH", 0x3F80, 0x3F82)
    assert pack([1.0, 65504.0], "float16").tobytes() == np.array([1.0, 65504.0], "<f2").tobytes()
    assert pack([1, 0xDEADBEEF], "uint32").tobytes() == struct.pack("<II", 1, 0xDEADBEEF)
    assert pack([-1, 7], "int32").tobytes() == struct.pack("<ii", -1, 7)
    assert pack([0x1234], "uint16").tobytes() == b"\x34\x12"
    assert pack([-3, 5], "int8").tobytes() == b"\xfd\x05"
    assert pack([200], "uint8").tobytes() == b"\xc8"
    assert pack([1.0], "float32").dtype == np.uint8


@pytest.mark.parametrize("fmt,dtype", [
    ("float32", np.float32), ("float16_b", np.float32), ("float16", np.float32),
    ("int32", np.int32), ("uint32", np.uint32), ("uint16", np.uint16),
    ("uint8", np.uint8), ("int8", np.int8),
])
def test_plain_roundtrip(fmt: str, dtype: type) -> None:
    vals = np.array([0, 1, 2, 100, 7], dtype=dtype)
    out = unpack(pack(vals, fmt), fmt)
    assert out.dtype == dtype
    assert np.array_equal(out, vals)
    assert np.array_equal(unpack(bytes(pack(vals, fmt)), fmt, count=2), vals[:2])


def test_unpack_errors() -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        unpack(b"\x00" * 6, "float32")
    with pytest.raises(ValueError, match="count"):
        unpack(b"\x00" * 8, "float32", count=3)
    with pytest.raises(ValueError, match="1088"):
        unpack(b"\x00" * 1000, "bfp8_b")
    with pytest.raises(ValueError):
        pack([1.0], DataFormat.Invalid)


def test_quantize_bf16() -> None:
    a = np.array([[1.0, f32(0x3F818000)]], np.float32)
    q = quantize(a, "bfloat16")
    assert q.shape == (1, 2) and q.dtype == np.float32
    assert q[0, 1] == f32(0x3F820000)


# ------------------------------------------------------------ block float --
def ref_bfp(values: np.ndarray, mb: int) -> tuple[list[int], list[int]]:
    """Scalar reference of the doc's rule: per 16-value row -> (exps, codes)."""
    exps: list[int] = []
    codes: list[int] = []
    for row in values.reshape(-1, 16):
        bs = [bits32(float(v)) for v in row]
        shared = max((b >> 23) & 0xFF for b in bs)
        exps.append(shared)
        for b in bs:
            e = (b >> 23) & 0xFF
            if e == 0:
                codes.append(0)
                continue
            y = ((1 << 23) | (b & 0x7FFFFF)) >> (shared - e)
            drop = 24 - mb
            q, rem, half = y >> drop, y & ((1 << drop) - 1), 1 << (drop - 1)
            if rem > half or (rem == half and q & 1):
                q += 1
            q = min(q, (1 << mb) - 1)
            s = (b >> 31) if q else 0
            codes.append((s << mb) | q)
    return exps, codes


def test_bfp8_hand_example() -> None:
    vals = np.zeros(1024, np.float32)
    row = [1.0, 0.5, -0.25, 3.0, 1.0 + 2 ** -7, 1.0 + 3 * 2 ** -7, -2.0 ** -20,
           1.9999999, 0.0, -0.0, 2.0 ** -130, 0, 0, 0, 0, 0]
    # put the row at face 1, row 3 -> tile (r=3, c=16..31)
    start = 256 + 3 * 16
    vals[start:start + 16] = row
    data = pack(vals, "bfp8_b")
    assert data.dtype == np.uint8 and data.size == 1088
    exps = data[:64]
    # shared exponent = max biased exponent = that of 3.0 (128) ... but
    # 1.9999999 has exponent 127, so the max is 128.
    assert exps[16 + 3] == 128
    assert np.count_nonzero(exps) == 1
    mant = data[64 + start: 64 + start + 16]
    # shared 128: 1.0 -> 0x800000>>1>>17 = 32; 0.5 -> 16; -0.25 -> 0x80|8;
    # 3.0 -> 96; 1+2^-7: y=0x408000 -> q=32, rem=0x8000 < half -> 32;
    # 1+3*2^-7: y=0x418000 -> q=32, rem=0x18000 > half -> 33;
    # -2^-20 -> 0 with sign cleared; 1.9999999 -> y=0x7FFFFF -> 63 + round up = 64;
    # zeros / -0.0 / denormal -> 0.
    expected = [32, 16, 0x88, 96, 32, 33, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0]
    assert mant.tolist() == expected
    assert np.count_nonzero(data[64:]) == np.count_nonzero(expected)
    dec = unpack(data, "bfp8_b")
    assert dec.dtype == np.float32 and dec.size == 1024
    assert dec[start:start + 8].tolist() == [1.0, 0.5, -0.25, 3.0, 1.0, 1.03125, 0.0, 2.0]
    assert not np.signbit(dec[start + 6]) and not np.signbit(dec[start + 9])


def test_bfp8_ties_and_saturation_same_exponent() -> None:
    vals = np.zeros(1024, np.float32)
    # all exponents 127 = shared: q = top 7 bits of the 24-bit significand.
    vals[:4] = [1.0 + 2 ** -7, 1.0 + 3 * 2 ** -7, 1.9999999, -(1.0 + 2 ** -6)]
    data = pack(vals, "bfp8_b")
    assert data[0] == 127
    # 1+2^-7: q=64 even, tie -> 64; 1+3*2^-7: q=65 odd, tie -> 66;
    # 1.9999999: q=127 rounds to 128 -> saturates at 127; -(1+2^-6): exact 65.
    assert data[64:68].tolist() == [64, 66, 127, 0x80 | 65]
    assert unpack(data, "bfp8_b")[:4].tolist() == [1.0, 1.03125, 127 / 64, -65 / 64]


def test_bfp8_zeros() -> None:
    data = pack(np.zeros(2048, np.float32), "bfp8_b")
    assert data.size == 2 * 1088 and not data.any()
    assert not unpack(data, "bfp8_b").any()
    neg = pack(np.full(1024, -0.0, np.float32), "bfp8_b")
    assert not neg.any()


@pytest.mark.parametrize("fmt,mb", [("bfp8_b", 7), ("bfp4_b", 3), ("bfp2_b", 1)])
def test_bfp_matches_scalar_reference(fmt: str, mb: int) -> None:
    rng = np.random.default_rng(1)
    vals = (rng.standard_normal(1024) * np.exp2(rng.integers(-12, 12, 1024))).astype(np.float32)
    vals[::37] = 0.0
    vals[5::41] = -vals[5::41] * 2.0 ** -30
    data = pack(vals, fmt)
    exps, codes = ref_bfp(vals, mb)
    assert data[:64].tolist() == exps
    bits = mb + 1
    k = 8 // bits
    got = []
    for byte in data[64:].tolist():
        for i in range(k):
            got.append((byte >> (i * bits)) & ((1 << bits) - 1))
    assert got == codes
    dec = unpack(data, fmt)
    want = [(-1.0 if c >> mb else 1.0) * (c & ((1 << mb) - 1)) * 2.0 ** (exps[i // 16] - 127 - (mb - 1))
            for i, c in enumerate(codes)]
    assert dec.tolist() == want


@pytest.mark.parametrize("fmt,mb", [("bfp8_b", 7), ("bfp4_b", 3)])
def test_bfp_roundtrip_error_bound(fmt: str, mb: int) -> None:
    rng = np.random.default_rng(2)
    vals = (rng.standard_normal(4 * 1024) * 10).astype(np.float32)
    q = quantize(vals, fmt)
    assert q.dtype == np.float32 and q.shape == vals.shape
    rows_max = np.abs(vals).reshape(-1, 16).max(axis=1, keepdims=True)
    err = np.abs(q - vals).reshape(-1, 16)
    # one unit of the shared scale is <= row max * 2^-(mb-1)
    assert np.all(err <= rows_max * 2.0 ** -(mb - 1))
    assert np.all(np.sign(q) * np.sign(vals) >= 0)


def test_bfp4_layout() -> None:
    vals = np.zeros(1024, np.float32)
    vals[:4] = [1.0, -0.5, 1.5, 0.25]
    data = pack(vals, "bfp4_b")
    assert data.size == 576
    assert data[0] == 127
    # shared 127, 3-bit magnitudes: 1.0 -> 4, -0.5 -> 8|2, 1.5 -> 6, 0.25 -> 1;
    # low nibble first (inferred).
    assert data[64:66].tolist() == [0x4 | (0xA << 4), 0x6 | (0x1 << 4)]
    assert unpack(data, "bfp4_b")[:4].tolist() == [1.0, -0.5, 1.5, 0.25]
    assert pack(np.zeros(3 * 1024), "bfp4_b").size == 3 * 576
    assert pack(np.zeros(1024), "bfp2_b").size == 320


def test_bfp_count_and_bad_lengths() -> None:
    vals = np.ones(2048, np.float32)
    assert unpack(pack(vals, "bfp8_b"), "bfp8_b", count=1500).tolist() == [1.0] * 1500
    with pytest.raises(ValueError, match="1000"):
        pack(np.ones(1000), "bfp8_b")
    with pytest.raises(ValueError, match="not supported"):
        pack(np.ones(1024), "bfp8")


def test_bfp_pack_is_vectorized() -> None:
    vals = np.random.default_rng(3).standard_normal(64 * 1024).astype(np.float32)
    pack(vals, "bfp8_b")
    t = time.perf_counter()
    data = pack(vals, "bfp8_b")
    out = unpack(data, "bfp8_b")
    assert time.perf_counter() - t < 0.5
    assert data.size == 64 * 1088 and out.size == 64 * 1024


def test_tt_metal_host_helpers():
    from tensix import formats as F
    assert F.pack_two_bfloat16_into_uint32(1.0, 2.0) == (0x4000 << 16) | 0x3F80
    v = F.create_random_vector_of_bfloat16(64, 2.0, seed=3, offset=-1.0)
    assert v.dtype == np.uint32 and v.size == 16
    vals = F.bf16_bits_to_float(v.view(np.uint16))
    assert vals.min() >= -1.0 and vals.max() <= 1.0 and len(np.unique(vals)) > 8
    assert np.array_equal(v, F.create_random_vector_of_bfloat16(64, 2.0, seed=3, offset=-1.0))
    c = F.create_constant_vector_of_bfloat16(8, 1.5)
    assert c.tolist() == [0x3FC03FC0, 0x3FC03FC0]
    with pytest.raises(ValueError, match="whole number of uint32"):
        F.create_constant_vector_of_bfloat16(6, 1.0)
    assert F.tilize_nfaces is F.tilize and F.untilize_nfaces is F.untilize
