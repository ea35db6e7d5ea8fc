"""The runnable examples of examples/, each checked on the simulated chip.

Every example exposes run(dev) -> dict; one Device per arch is shared by the tests of this module."""
from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import load_example



add_integers = load_example("add_integers")
loopback = load_example("loopback")
noc_tile_transfer = load_example("noc_tile_transfer")
multicast = load_example("multicast")
shard_sticks = load_example("shard_sticks")
loop = load_example("loop")

ARCHS = ["n150", "p150a", "e150"]




@pytest.fixture
def n150(devices):
    return devices("n150")


def _timed(t):
    assert t.cycles > 0 and t.us > 0


# ---- 1. 13 + 7 = 20 ----------------------------------------------------------------------------
def test_add_integers(n150):
    r = add_integers.run(n150)
    assert r["c"] == 20
    assert r["ok"]
    assert len(r["prints"]) == 1 and r["prints"][0].endswith("Adding 13 + 7 = 20")
    assert "core (0, 0) BRISC" in r["prints"][0]
    _timed(r["time"])
    assert r["total"].cycles == r["time"].cycles


def test_add_integers_wraps_like_uint32(n150):
    r = add_integers.run(n150, 0xFFFFFFFF, 3)
    assert r["c"] == 2 and r["ok"]
    assert r["prints"][0].endswith(f"Adding {0xFFFFFFFF} + 3 = 2")


# ---- 2. loopback --------------------------------------------------------------------------------
@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("variant", loopback.VARIANTS)
def test_loopback(devices, arch, variant):
    dev = devices(arch)
    r = loopback.run(dev, variant)
    assert r["input"].nbytes == 50 * 2048
    assert r["output"].tobytes() == r["input"].tobytes(), f"{r['mismatched_tiles']} tiles differ"
    assert r["ok"] and r["mismatched_tiles"] == 0
    _timed(r["time"])


def test_loopback_check_catches_a_short_copy(n150):
    """The comparison is real: a program that copies 49 of 50 tiles leaves the last tile zero."""
    data = loopback.bf16_tiles(50, seed=3)
    src = n150.dram_buffer(data.nbytes, loopback.TILE_BYTES)
    dst = n150.dram_buffer(data.nbytes, loopback.TILE_BYTES)
    lb = loopback.Loopback(n150, src, dst, 49)
    try:
        src.write(data)
        dst.write(np.zeros_like(data))
        lb.run()
        out = dst.read(np.uint16).reshape(50, -1)
    finally:
        lb.free()
        src.free()
        dst.free()
    ref = data.reshape(50, -1)
    assert (out[:49] == ref[:49]).all()
    assert not out[49].any() and ref[49].any()


# ---- 3. two cores, semaphore handshake ---------------------------------------------------------
@pytest.mark.parametrize("cores", [((0, 0), (1, 0)), ((5, 6), (2, 1))])
def test_noc_tile_transfer(n150, cores):
    r = noc_tile_transfer.run(n150, *cores, seed=cores[0][0])
    assert r["output"].tobytes() == r["input"].tobytes()
    assert r["ok"]
    b = cores[1]
    assert len(r["prints"]) == 1 and f"core ({b[0]}, {b[1]}) BRISC" in r["prints"][0]
    assert r["prints"][0].endswith(f"received a tile, first word {int(r['input'][:2].view(np.uint32)[0]):#x}")
    _timed(r["time"])


# ---- 4. multicast to a 4x4 range ---------------------------------------------------------------
@pytest.mark.parametrize("arch", ARCHS)
def test_multicast(devices, arch):
    r = multicast.run(devices(arch))
    assert len(r["receivers"]) == 16 and (0, 0) not in r["receivers"]
    assert r["copies"].shape == (16, 1024)
    for core, copy in zip(r["receivers"], r["copies"]):
        assert (copy == r["input"]).all(), f"receiver {core} has a wrong copy"
    assert r["ok"]
    assert any(p.endswith("sent the tile to 16 cores") for p in r["prints"])
    _timed(r["time"])


# ---- 5. row-major sticks over 4 cores ----------------------------------------------------------
def test_shard_sticks(n150):
    r = shard_sticks.run(n150)
    assert r["aligned_page_size"] == 32          # a 4-byte DRAM page takes 32 B on Wormhole
    assert r["ok"]
    assert (r["parts"] == r["expected"]).all()
    np.testing.assert_array_equal(r["part_values"].reshape(-1), r["values"])
    lines = sorted(r["prints"], key=lambda p: p.core)
    assert [p.core for p in lines] == r["cores"]
    for i, (p, vals) in enumerate(zip(lines, r["part_values"])):
        x, y = p.core
        s, e = i * r["sticks_per_core"], (i + 1) * r["sticks_per_core"] - 1
        text = f"core ({x}, {y}) sticks {s}..{e}: " + " ".join(f"{v:g}" for v in vals)
        assert p.text.rstrip("\n") == text
    _timed(r["time"])


def test_shard_sticks_other_values_and_cores(devices):
    dev = devices("p150a")                      # Blackhole: 64-byte aligned DRAM pages
    vals = -np.arange(16, dtype=np.float32) * 0.25 - 1
    r = shard_sticks.run(dev, cores=[(3, 2), (0, 1)], values=vals)
    assert r["aligned_page_size"] == 64
    assert r["ok"] and r["sticks_per_core"] == 4
    np.testing.assert_array_equal(r["part_values"].reshape(-1), vals)


# ---- 6. the same program 300 times --------------------------------------------------------------
def test_loop_flat_resources(n150):
    r = loop.run(n150, 300, warmup=50)
    assert r["failures"] == []
    assert all(len(ts) == 1 for ts in r["cycles_per_run"]), r["cycles_per_run"]
    assert r["compiles_during_loop"] == 0
    assert r["same_device_process"]
    assert r["total"].programs == 300
    assert loop.flat(r, rss_slack_kb=8 * 1024) == [], loop.report(r)


# ---- the scripts' main() -------------------------------------------------------------------------
@pytest.mark.parametrize("mod", [add_integers, loopback, noc_tile_transfer, multicast, shard_sticks])
def test_main_prints_result_and_time(mod, capsys):
    mod.main("n150")
    out = capsys.readouterr().out
    assert re.search(r"device time \d+\.\d+ us \(\d+ cycles", out), out
    assert "MISMATCH" not in out and "WRONG" not in out and "BAD" not in out


def test_loop_main(capsys):
    loop.main(120, "e150")
    out = capsys.readouterr().out
    assert "120 runs, 0 wrong outputs" in out and "OK: identical results, resources flat" in out
