"""tinygrad on the TT device against numpy: the op families tinygrad users reach for, the path each
kernel takes (tile vs RISC-V fallback), dtypes, exact mode, and a training step."""
import math

import numpy as np
import pytest

tinygrad = pytest.importorskip("tinygrad")

import tensix.tinygrad  # noqa: E402,F401  registers the TT device
from tensix.tinygrad import stats  # noqa: E402
from tinygrad import Context, Tensor, dtypes, nn  # noqa: E402

DEV = "TT"
RNG = np.random.default_rng(0)


def t(x, dtype=None):
    return Tensor(np.asarray(x), device=DEV, dtype=dtype)


def paths(fn):
    """Run fn, return (result, Counter of kernel paths it ran)."""
    stats.reset()
    out = fn()
    return out, stats.STATS.paths


def close(got, want, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64), rtol=rtol, atol=atol)


A = RNG.uniform(-2, 2, (37, 45)).astype(np.float32)
B = RNG.uniform(-2, 2, (45,)).astype(np.float32)
P = RNG.uniform(0.1, 3, (37, 45)).astype(np.float32)


@pytest.mark.parametrize("name, fn, ref", [
    ("exp", lambda a: a.exp(), np.exp),
    ("log", lambda a: a.abs().log(), lambda a: np.log(np.abs(a))),
    ("sqrt_recip", lambda a: a.abs().sqrt().reciprocal(), lambda a: 1 / np.sqrt(np.abs(a))),
    ("sin", lambda a: a.sin(), np.sin),
    ("relu_neg", lambda a: (-a).relu(), lambda a: np.maximum(-a, 0)),
    ("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + np.exp(-a))),
    ("trunc_div", lambda a: (a * 3.5).trunc() / 2.0, lambda a: np.trunc(a * np.float32(3.5)) / 2),
    # a value used twice with an in-place op between (DST slot sharing)
    ("mod_float", lambda a: a % 1.5, lambda a: np.mod(a, np.float32(1.5))),
    ("erf", lambda a: a.erf(), lambda a: np.vectorize(math.erf)(a.astype(np.float64))),
])
def test_unary(name, fn, ref):
    out, p = paths(lambda: fn(t(A)).numpy())
    close(out, ref(A), rtol=2e-6, atol=2e-6 if name != "erf" else 2e-4)     # tinygrad's erf: a polynomial
    assert p["tile"] >= 1 and p["fallback"] == 0


def test_binary_broadcast_ternary():
    a, b, c = t(A), t(B), t(P)
    out, p = paths(lambda: ((a + b) * c - a / c).maximum(b).numpy())
    close(out, np.maximum((A + B) * P - A / P, B), rtol=1e-6)
    w, _ = paths(lambda: (a < b).where(a, c * 2).numpy())
    close(w, np.where(A < B, A, P * 2))
    assert p["fallback"] == 0


def test_reductions():
    a = t(A)
    close(a.sum(axis=1).numpy(), A.sum(1), rtol=1e-5, atol=1e-5)
    close(a.max(axis=0).numpy(), A.max(0))
    close(a.mean().item(), A.mean(), rtol=1e-5)
    out, p = paths(lambda: a.softmax(axis=1).numpy())
    e = np.exp(A - A.max(1, keepdims=True))
    close(out, e / e.sum(1, keepdims=True), rtol=1e-5)
    assert p["fallback"] == 0 and p["tile"] >= 2


def test_matmul_paths_and_exact_mode():
    x = RNG.uniform(-1, 1, (70, 50)).astype(np.float32)
    w = RNG.uniform(-1, 1, (50, 40)).astype(np.float32)
    out, p = paths(lambda: (t(x) @ t(w)).numpy())
    close(out, x @ w, rtol=3e-3, atol=3e-3)          # FPU matmul: TF32 inputs
    assert p["matmul"] == 1
    ex, p2 = paths(lambda: (Tensor(x, device="TT:exact") @ Tensor(w, device="TT:exact")).numpy())
    close(ex, x @ w, rtol=1e-5, atol=1e-5)           # exact mode: SFPU fp32 multiply-add
    assert p2["matmul"] == 0 and p2["tile"] >= 1
    v = RNG.uniform(-1, 1, (1, 50)).astype(np.float32)
    close((t(v) @ t(w)).numpy(), v @ w, rtol=3e-3, atol=3e-3)     # gemv
    bt = RNG.uniform(-1, 1, (3, 20, 30)).astype(np.float32)
    bw = RNG.uniform(-1, 1, (3, 30, 10)).astype(np.float32)
    close((t(bt) @ t(bw)).numpy(), bt @ bw, rtol=3e-3, atol=3e-3)  # batched


def test_conv_pool():
    x = RNG.uniform(-1, 1, (2, 3, 9, 9)).astype(np.float32)
    w = RNG.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32)
    out, p = paths(lambda: t(x).conv2d(t(w), padding=1).numpy())
    ref = np.zeros((2, 4, 9, 9), np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for i in range(3):
        for j in range(3):
            ref += np.einsum("bchw,oc->bohw", xp[:, :, i:i + 9, j:j + 9], w[:, :, i, j])
    close(out, ref, rtol=3e-3, atol=3e-3)
    assert p["matmul"] == 1
    close(t(x).max_pool2d().numpy(), x[:, :, :8, :8].reshape(2, 3, 4, 2, 4, 2).max((3, 5)))
    close(t(x).avg_pool2d().numpy(), x[:, :, :8, :8].reshape(2, 3, 4, 2, 4, 2).mean((3, 5)), rtol=1e-5)


def test_cumsum_indexing_gather():
    close(t(B).cumsum().numpy(), np.cumsum(B), rtol=1e-5, atol=1e-5)
    idx = np.array([3, 0, 44, 7, 7], np.int32)
    close(t(B)[t(idx)].numpy(), B[idx])
    close(t(A)[3:20:2, ::-3].numpy(), A[3:20:2, ::-3])
    g = np.array([[1, 0], [2, 2]], np.int32)
    close(t(A[:2, :3]).gather(1, t(g)).numpy(), np.take_along_axis(A[:2, :3], g, 1))


def test_dtypes_and_casts():
    ints = np.array([1, -7, 300, 2 ** 30], np.int32)
    close((t(ints) + t(ints)).numpy(), ints + ints)
    assert (t(ints).maximum(5) == t(np.maximum(ints, 5))).numpy().all()
    close(t(A).cast(dtypes.int32).numpy(), A.astype(np.int32))
    close(t(ints).cast(dtypes.float32).numpy(), ints.astype(np.float32))
    h = t(A, dtypes.half)
    close((h * 2 + 1).numpy(), (A.astype(np.float16) * 2 + 1).astype(np.float16), rtol=1e-3)
    bf = t(A).cast(dtypes.bfloat16)
    close((bf + 1).cast(dtypes.float32).numpy(), A + 1, rtol=1e-2, atol=1e-2)
    u8 = np.array([0, 5, 255], np.uint8)
    close((t(u8).cast(dtypes.float32) / 5).numpy(), u8 / 5.0, rtol=1e-6)
    bo = (t(A) > 0).numpy()
    assert bo.dtype == np.bool_ and (bo == (A > 0)).all()


def test_random_uses_the_fallback():
    Tensor.manual_seed(1)
    r, p = paths(lambda: Tensor.rand(2000, device=DEV).numpy())
    assert r.min() >= 0 and r.max() < 1 and 0.45 < r.mean() < 0.55
    assert p["fallback"] >= 1                         # threefry's bitwise integer math has no tile ops


def test_training_step():
    Tensor.manual_seed(0)
    x = t(RNG.uniform(-1, 1, (16, 8)).astype(np.float32))
    y = t(RNG.integers(0, 3, 16).astype(np.int32))
    l1, l2 = nn.Linear(8, 16), nn.Linear(16, 3)
    for p in nn.state.get_parameters([l1, l2]):
        p.replace(p.to(DEV).realize())
    opt = nn.optim.SGD(nn.state.get_parameters([l1, l2]), lr=0.5)
    losses = []
    with Context(TRAINING=1):
        for _ in range(4):
            opt.zero_grad()
            loss = l2(l1(x).relu()).sparse_categorical_crossentropy(y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_arch_selection_index_and_modelled_time(capfd):
    from tinygrad import Device
    from tinygrad.helpers import Context as C, GlobalCounters
    x = Tensor([1.0, 2.0], device="TT:p150a").realize()
    GlobalCounters.reset()
    stats.reset()
    with C(DEBUG=2):
        out = (x * 3).tolist()
    assert out == [3.0, 6.0]
    assert Device["TT:p150a"].chip.arch.name != Device["TT"].chip.arch.name
    # tinygrad's own kernel timing (DEBUG>=2 runs with wait=True) is the modelled device time
    assert GlobalCounters.time_sum_s == pytest.approx(stats.STATS.seconds, rel=1e-9) and stats.STATS.seconds > 0
    line = [x for x in capfd.readouterr().out.splitlines() if x.startswith("TT ")][-1]
    assert "path tile" in line and "cores" in line and "modelled" in line
    assert (Tensor([5.0], device="TT:1") + 1).tolist() == [6.0]          # a second chip
    assert Device["TT:1"].chip is not Device["TT"].chip


def test_dev_tt_via_pth_finder(tmp_path):
    """The .pth finder alone (no import of tensix in the script) makes DEV=TT work."""
    import os
    import subprocess
    import sys
    from tensix.tinygrad.finder import install_pth
    install_pth(str(tmp_path))
    code = ("import site, sys; site.addsitedir(sys.argv[1]); from tinygrad import Tensor, Device; "
            "print(Device.DEFAULT, (Tensor([1.0, 2.0]) + 1).tolist())")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env={**os.environ, "DEV": "TT"},
                       capture_output=True, text=True, timeout=300)
    assert "TT [2.0, 3.0]" in r.stdout, r.stderr[-2000:]


def test_mlp_example_trains_on_the_tile_engines():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
    import tinygrad_mlp
    r = tinygrad_mlp.main("n150", 4)
    assert r["losses"][-1] < 0.7 * r["losses"][0]
    assert min(r["shares"]) >= 0.95 and all(t > 0 for t in r["times"])


def test_beam_runs_tensix_gen_matmul(capfd):
    from tinygrad.helpers import Context as C
    x = RNG.uniform(-1, 1, (20, 24)).astype(np.float32)
    w = RNG.uniform(-1, 1, (24, 16)).astype(np.float32)
    with C(BEAM=1, DEBUG=2, IGNORE_BEAM_CACHE=1):
        out = (t(x) @ t(w)).relu().numpy()
    close(out, np.maximum(x @ w, 0), rtol=3e-3, atol=3e-3)
    assert any("tensix.gen matmul" in ln for ln in capfd.readouterr().out.splitlines() if ln.startswith("TT "))
