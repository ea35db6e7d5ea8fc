"""The examples run today's tt-metal forms by default (tests/test_compute.py, test_examples_compute.py,
test_matmul.py run them); their baseline kernels stay tested here: the same results from the old forms."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from tensix import Device

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str):
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"tensix_example_{name}_forms", EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def dev():
    with Device("n150") as d:
        yield d


def test_eltwise_add_both_forms(dev):
    ex = _load("eltwise_add")
    cur, old = ex.run(dev, num_tiles=4, compute="current"), ex.run(dev, num_tiles=4, compute="legacy")
    assert cur["ok"] and old["ok"]
    assert np.array_equal(cur["output"], old["output"])


def test_eltwise_add_ez_host(dev):
    from tensix.ez import DeviceContext
    ex = _load("eltwise_add")
    r = ex.run_ez(DeviceContext(dev), num_tiles=4)
    assert r["ok"]
    assert np.array_equal(r["output"], ex.run(dev, num_tiles=4)["output"])


def test_eltwise_sfpu_both_forms(dev):
    ex = _load("eltwise_sfpu")
    cur, old = ex.run(dev, num_tiles=4, compute="current"), ex.run(dev, num_tiles=4, compute="legacy")
    assert cur["ok"] and old["ok"]
    assert np.array_equal(cur["output"], old["output"])


def test_custom_sfpi_smoothstep_both_forms(dev):
    ex = _load("custom_sfpi")
    cur, old = ex.run(dev, compute="current"), ex.run(dev, compute="legacy")
    assert cur["ok"] and old["ok"]
    assert np.array_equal(cur["smoothstep"]["output"], old["smoothstep"]["output"])
