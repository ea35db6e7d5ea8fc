"""The SFPU examples of examples/, each run on the
simulated chip and checked here against numpy independently of the example's own verdict:

  * eltwise_sfpu: exp of 64 bf16 tiles, exact (within 1 bf16 ulp) and math_approx_mode (documented
    bound, really a different and cheaper computation);
  * sfpu_chain: softplus = log(exp(x) + 1) with a ones tile built by the reader in L1;
  * custom_sfpi: an SFPI add through the binary llk wrapper and an SFPI smoothstep (v_if / v_elseif /
    v_else) through the unary one, both bit-exact.
"""
from __future__ import annotations


import numpy as np
import pytest

from conftest import load_example
from tensix.formats import round_to_bf16



eltwise_sfpu = load_example("eltwise_sfpu")
sfpu_chain = load_example("sfpu_chain")
custom_sfpi = load_example("custom_sfpi")



def bf(a) -> np.ndarray:
    return round_to_bf16(np.asarray(a, dtype=np.float32))


def max_ulps(y: np.ndarray, ref: np.ndarray) -> float:
    """Largest |y - ref| in bf16 ulps at |ref| (ref bf16-representable)."""
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64) * 65536
    return float(np.max(np.abs(y.astype(np.float64) - ref) / ulp))


def test_max_ulps_detects_errors():
    ref = bf(np.linspace(0.1, 50, 1024))
    assert max_ulps(ref, ref) == 0
    off = ref.copy()
    off[7] = np.nextafter(np.nextafter(off[7], np.inf, dtype=np.float32), np.inf, dtype=np.float32)
    assert max_ulps(off, ref) == pytest.approx(2 ** -15, rel=0.01)   # two fp32 ulps = 2^-15 bf16 ulp
    off[7] = bf(ref[7] * np.float32(1 + 2 ** -6))                     # ~2 bf16 ulps
    assert max_ulps(off, ref) >= 1.5


# ---- 1. eltwise SFPU: exp of 64 tiles ---------------------------------------------------------------
@pytest.fixture(scope="module")
def exp_runs(dev):
    return eltwise_sfpu.run(dev), eltwise_sfpu.run(dev, approx=True)


def test_eltwise_sfpu_exp_64_tiles(exp_runs):
    r, _ = exp_runs
    x, y = r["x"], r["output"]
    assert y.shape == (64 * 32, 32) and x.shape == y.shape
    assert x.min() < -3.5 and x.max() > 3.5                  # the input spans the documented range
    ref = bf(np.exp(x.astype(np.float64)))
    assert max_ulps(y, ref) <= 1, "exp beyond 1 bf16 ulp of numpy"
    assert (y == ref).mean() > 0.999                          # nearly all correctly rounded
    assert r["ok"] and r["max_bf16_ulps"] <= 1
    assert r["time"].cycles > 0


def test_eltwise_sfpu_exp_approx_mode(exp_runs):
    r, a = exp_runs
    assert (a["x"] == r["x"]).all()
    e = np.exp(a["x"].astype(np.float64))
    rel = np.abs(a["output"] - e) / e
    assert rel.max() <= 2e-4 + 2.0 ** -8 * (1 + 2e-4), f"approx exp rel. error {rel.max():.3e}"
    assert a["max_rel_err"] == pytest.approx(rel.max())
    assert a["ok"]
    assert (a["output"] != r["output"]).any(), "math_approx_mode=True gave the exact results"
    assert a["time"].cycles < r["time"].cycles, "the approximate exp is not cheaper"


# ---- 2. SFPU chain: softplus ------------------------------------------------------------------------
def test_sfpu_chain_softplus(dev):
    r = sfpu_chain.run(dev)
    x, y = r["x"], r["output"]
    assert y.shape == (32, 32)
    e = bf(np.exp(x.astype(np.float64)))                      # bf16 DST after every op
    s = bf(e + np.float32(1))
    assert max_ulps(y, bf(np.log(s.astype(np.float64)))) <= 1
    sp = np.log1p(np.exp(x.astype(np.float64)))
    assert (np.abs(y - sp) <= 1e-2 * sp + 4e-3).all()
    assert (y >= 0).all() and np.abs(y - x).max() > 1.0       # the ones were added: not log(exp(x)) = x
    assert r["ok"] and r["max_step_ulps"] <= 1
    assert r["time"].cycles > 0


def test_sfpu_chain_main_p150a(capsys):
    r = sfpu_chain.main("p150a")
    out = capsys.readouterr().out
    assert "on p150a" in out and "OK" in out and "device time" in out
    assert r["ok"] and r["time"].aiclk_hz == pytest.approx(1.35e9)


# ---- 6. custom SFPI: add and smoothstep -------------------------------------------------------------
def test_custom_sfpi_add_and_smoothstep(dev):
    r = custom_sfpi.run(dev)
    add, ss = r["add"], r["smoothstep"]
    assert add["output"].shape == (4 * 32, 32)
    ref = bf(add["a"] + add["b"])
    assert np.array_equal(add["output"].view(np.uint32), ref.view(np.uint32)), "SFPI add differs from numpy"

    x, y = ss["x"], ss["output"]
    e0, e1 = np.float32(-1.0), np.float32(1.5)
    t = (x - e0) * (np.float32(1) / (e1 - e0))
    mid = (t * t) * (np.float32(3) - np.float32(2) * t)
    ref = bf(np.where(x < e0, 0, np.where(x > e1, 1, mid)))
    assert np.array_equal(y.view(np.uint32), ref.view(np.uint32)), "SFPI smoothstep differs from numpy"
    assert (y[x < e0] == 0).all() and (y[x > e1] == 1).all()  # v_if and v_elseif branches
    inside = (x > e0) & (x < e1)
    assert inside.sum() > 1000 and ((y[inside] >= 0) & (y[inside] <= 1)).all()   # v_else branch (values
    assert ((y[inside] > 0) & (y[inside] < 1)).mean() > 0.95                   # near an edge round to 0 / 1)
    assert y[0, 0] == 0 and y[0, 1] == 1                      # smoothstep(edge0) = 0, smoothstep(edge1) = 1
    assert ss["max_abs_err_vs_float64"] < 4e-3
    assert r["ok"] and add["time"].cycles > 0 and ss["time"].cycles > 0
