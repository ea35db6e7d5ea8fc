"""Matmul on the simulated chip's FPU: single-core 640x640x640 bf16 (HiFi4 and
LoFi), multi-core with the output tiles split over the grid, block matmul with in0/in1 reuse and the
c_16 + c_24 shared CB region, and the 2-D multicast matmul on an 8x8 grid. Each against numpy fp32 of the
bf16-rounded inputs: PCC >= 0.9999 at HiFi4; LoFi's larger error is measured and bounded."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import load_example



single = load_example("matmul_single_core")
multi = load_example("matmul_multi_core")
reuse = load_example("matmul_reuse")
mcast = load_example("matmul_mcast")

PCC_HIFI4 = 0.9999



@pytest.fixture(scope="module")
def single_hifi4(dev):
    return single.run(dev, fidelity="HiFi4")


def _check(r, M=640, K=640, N=640):
    assert r["output"].shape == (M, N)
    assert np.isfinite(r["output"]).all()
    assert r["pcc"] >= PCC_HIFI4, f"PCC {r['pcc']}"
    assert r["time"].cycles > 0


def test_single_core_640_hifi4(single_hifi4):
    r = single_hifi4
    _check(r)
    # bf16 output of bf16-accumulated sums: errors of a few bf16 ulps of the result scale
    assert r["max_rel_err"] < 0.02


def test_single_core_lofi_error_is_larger(dev, single_hifi4):
    lofi = single.run(dev, fidelity="LoFi")
    hi = single_hifi4
    assert lofi["pcc"] > 0.99
    assert lofi["pcc"] < hi["pcc"]
    assert lofi["max_rel_err"] > hi["max_rel_err"]
    assert lofi["mean_rel_err"] > 2 * hi["mean_rel_err"]
    assert not np.array_equal(lofi["output"], hi["output"])


def test_multi_core_split(dev, single_hifi4):
    r = multi.run(dev)
    _check(r)
    assert r["num_cores"] == 64 and r["tiles_per_core"] == (7, 6)    # 400 tiles over 8x8 cores
    # same per-tile accumulation order as the single-core kernel: identical bits
    assert np.array_equal(r["output"], single_hifi4["output"])


def test_block_reuse_shared_cb(dev, single_hifi4):
    r = reuse.run(dev)
    _check(r)
    cfg = r["config"]
    assert r["num_cores"] == 25 and cfg["num_blocks"] == 10         # partials spilled 9 times
    # spilling a bf16 DST to a bf16 CB and reloading it loses nothing: identical to single core
    assert np.array_equal(r["output"], single_hifi4["output"])
    shared = [cb for cb in reuse.block_cbs(cfg) if 16 in cb.indices]
    assert len(shared) == 1 and shared[0].indices == [16, 24]


def test_block_reuse_legacy_kernel(dev, single_hifi4):
    # the hand-written bmm_large_block_zm loop (mm_init, acquire_dst) beside the kernel_lib helper
    r = reuse.run(dev, compute="legacy")
    _check(r)
    assert np.array_equal(r["output"], single_hifi4["output"])


def test_mcast_8x8(dev):
    r = mcast.run(dev)
    _check(r, 512, 128, 512)
    assert r["num_cores"] == 64


def test_mcast_blackhole(capsys):
    # Blackhole compiles the ARCH_BLACKHOLE noc_async_writes_flushed() path
    results = mcast.main("p150a")
    assert all(r["pcc"] >= PCC_HIFI4 for r in results[:1])
    assert "8x8 grid" in capsys.readouterr().out
