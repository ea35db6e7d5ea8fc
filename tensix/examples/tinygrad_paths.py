"""Which path tinygrad's kernels take on the TT device, measured: for each op family a representative
op is run and its kernels counted by path (matmul = FPU matmul tiles, tile = SFPU/FPU tile program,
fallback = scalar C on one RISC-V); then the same counts over the MLP example and over the test suites
(tests/test_tinygrad.py and tinygrad's test_tiny.py when its path is given). Prints a markdown table.

    python examples/tinygrad_paths.py [path/to/tinygrad/test/test_tiny.py]
"""
from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import numpy as np

import tensix.tinygrad  # noqa: F401
from tensix.tinygrad import stats

HERE = Path(__file__).resolve().parent                 # tensix/examples
ROOT = HERE.parent.parent                               # the checkout (for tests/test_tinygrad.py)


def families():
    from tinygrad import Tensor, dtypes, nn
    r = np.random.default_rng(0)
    a = Tensor(r.uniform(-1, 1, (40, 50)).astype(np.float32), device="TT")
    b = Tensor(r.uniform(-1, 1, (50, 30)).astype(np.float32), device="TT")
    v = Tensor(r.uniform(-1, 1, (50,)).astype(np.float32), device="TT")
    img = Tensor(r.uniform(-1, 1, (2, 3, 10, 10)).astype(np.float32), device="TT")
    w = Tensor(r.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32), device="TT")
    idx = Tensor(np.array([1, 4, 2], np.int32), device="TT")
    return [
        ("unary (exp, log, sqrt, sin, relu, sigmoid)", lambda: (a.exp() + a.abs().log() + a.abs().sqrt() + a.sin() + a.relu() + a.sigmoid())),
        ("binary / ternary with broadcast", lambda: (a > 0).where((a + v[:40].reshape(40, 1)) * a - a / 3, a.maximum(0.5))),
        ("comparisons, where, casts", lambda: (a < 0).where(a.cast(dtypes.int32).cast(dtypes.float32), a.cast(dtypes.half).cast(dtypes.float32))),
        ("reductions (sum, max, mean)", lambda: [a.sum(1), a.max(1), a.mean(1), a.sum()]),
        ("softmax / log_softmax", lambda: [a.softmax(1), a.log_softmax(1)]),
        ("matmul / gemv / batched", lambda: [a @ b, v @ b, a.reshape(2, 20, 50) @ b]),
        ("conv2d", lambda: img.conv2d(w, padding=1)),
        ("pooling (max, avg)", lambda: [img.max_pool2d(), img.avg_pool2d()]),
        ("cumsum", lambda: v.cumsum()),
        ("indexing / gather", lambda: v[idx] + a[idx].sum(1)[:3]),
        ("random (threefry)", lambda: Tensor.rand(100, device="TT")),
        ("int32 / bool elementwise", lambda: (Tensor([1, 2, 3], device="TT") + 5).maximum(4) > 5),
        ("batchnorm (train)", lambda: nn.BatchNorm(3)(img)),
    ]


def count(fn) -> dict:
    stats.reset()
    fn()
    return dict(stats.STATS.paths)


def fmt(c: dict) -> str:
    return ", ".join(f"{k} {c[k]}" for k in ("matmul", "tile", "fallback") if c.get(k)) or "-"


def main(test_tiny: str | None = None) -> None:
    from tinygrad import Context, Tensor
    from tinygrad.helpers import DEV
    DEV.value = "TT"                     # parameters created by nn layers land on the TT device too
    rows = []
    for name, fn in families():
        stats.reset()
        with Context(TRAINING=1):
            out = fn()
            Tensor.realize(*(out if isinstance(out, list) else [out]))
        rows.append((name, dict(stats.STATS.paths)))
    sys.path.insert(0, str(HERE))
    import tinygrad_mlp
    with contextlib.redirect_stdout(io.StringIO()):
        ex = tinygrad_mlp.main("n150", 3)
    example = ex["paths"][-1]                      # the kernels of one training step
    import pytest

    class Collect:
        def __init__(self):
            self.total: dict = {}

        def pytest_runtest_setup(self, item):
            stats.reset()

        def pytest_runtest_teardown(self, item):
            for k, v in stats.STATS.paths.items():
                self.total[k] = self.total.get(k, 0) + v

    col = Collect()
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(["-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_tinygrad.py")], plugins=[col])
    suites = [("tests/test_tinygrad.py", col.total)]
    if test_tiny:
        import unittest
        sys.path.insert(0, str(Path(test_tiny).parent))
        import test_tiny as tt
        stats.reset()
        with contextlib.redirect_stderr(io.StringIO()):
            unittest.main(module=tt, exit=False, argv=["x"])
        suites.append(("tinygrad test_tiny.py (DEV=TT)", dict(stats.STATS.paths)))
    print("| op family | kernels by path |\n|---|---|")
    for name, c in rows:
        print(f"| {name} | {fmt(c)} |")
    print(f"| **MLP example, one training step** | {fmt(example)} |")
    for name, c in suites:
        print(f"| **{name}, all tests** | {fmt(c)} |")


if __name__ == "__main__":
    main(*sys.argv[1:2])
