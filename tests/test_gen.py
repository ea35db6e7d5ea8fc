"""tensix.gen: every op against numpy on n150, p150a and e150 (n300 where its grid differs), with the
error bound each result carries (derived from its formats, DST precision and fidelity), odd shapes,
broadcasting, the configuration space and its constraints, and the search (same result as the
default config, cached winners, TENSIX_BEAM, TENSIX_DEBUG=2 printing the generated kernels)."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from tensix import Device
from tensix import gen
from tensix.gen.eltwise import Eltwise
from tensix.gen.matmul import Matmul
from tensix.gen.op import Op, neighbours, search

ARCHS = ("n150", "p150a", "e150")


@pytest.fixture(scope="module", params=ARCHS)
def dev(request):
    with Device(request.param) as d:
        yield d


@pytest.fixture(scope="module")
def n150():
    with Device("n150") as d:
        yield d


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def close(t: gen.Tensor, ref: np.ndarray, tol=None) -> None:
    """t matches ref within its error bound (t.run.tolerance unless given), and its padding is zero."""
    rel, ab = tol or t.run.tolerance
    got = t.numpy().astype(np.float64)
    ref = np.broadcast_to(np.asarray(ref, np.float64), got.shape)
    scale = max(float(np.abs(ref).max()), 1e-30)
    err = np.abs(got - ref)
    bound = rel * np.abs(ref) + ab * scale
    assert (err <= bound).all(), (f"{t.run.op} {t.run.config}: max error {err.max():.3g} (at {np.unravel_index(err.argmax(), err.shape)}); "
                                  f"bound rel {rel:.3g} + {ab:.3g} x {scale:.3g}")
    full = t.numpy(padded=True)
    assert not full[..., t.H:, :].any() and not full[..., :, t.W:].any(), "the padding is not zero"


def up(dev, rng, shape, dtype="bf16", lo=-1.0, hi=1.0, **kw):
    t = gen.from_numpy(dev, rng.uniform(lo, hi, shape).astype(np.float32), dtype, **kw)
    return t, t.numpy().astype(np.float64)      # the device values (after rounding to dtype)


# ---- tensors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["bf16", "fp32", "bfp8_b", "int32"])
def test_tensor_round_trip_pads_with_zeros(dtype, rng):
    with Device("n150") as d:
        x = rng.integers(-1000, 1000, (3, 40, 50)) if dtype == "int32" else rng.uniform(-4, 4, (3, 40, 50))
        t = gen.from_numpy(d, x, dtype)
        assert t.shape == (3, 40, 50) and (t.Ht, t.Wt, t.num_tiles) == (2, 2, 12)
        back = t.numpy()
        if dtype in ("int32", "fp32"):
            assert (back == x.astype(back.dtype)).all()
        else:
            assert np.abs(back - x).max() <= gen.tolerance(dtype)[0] * 4
        full = t.numpy(padded=True)
        assert full.shape == (3, 64, 64) and not full[:, 40:].any() and not full[:, :, 50:].any()


@pytest.mark.parametrize("memory", ["l1", "dram_sharded", "l1_sharded"])
def test_tensors_in_l1_and_sharded_feed_ops(memory, rng):
    with Device("n150") as d:
        a, A = up(d, rng, (96, 64), memory=memory)
        b, B = up(d, rng, (96, 64), memory=memory)
        assert a.buffer.sharded == memory.endswith("sharded")
        close(gen.fuse(lambda x, y: x * y + 1.0, a, b), A * B + 1)
        close(gen.matmul(a, gen.transpose(b)), A @ B.T)


def test_row_major_tensors_tilize_and_untilize_on_device(dev, rng):
    x = rng.uniform(-1, 1, (2, 37, 48)).astype(np.float32)
    t = gen.from_numpy(dev, x, "fp32", layout="row_major")
    assert t.buffer.page_size == 48 * 4 and (t.numpy() == x).all()
    with pytest.raises(ValueError, match="tiled"):
        gen.exp(t)
    tiled = gen.to_layout(t, "tiled")
    assert tiled.layout == "tiled" and "tilize_block" in tiled.run.sources["compute"]
    close(tiled, x, (0, 0))                                      # exact, padding zero
    back = gen.to_layout(gen.fuse(lambda u: u * 2.0, tiled), "row_major")
    assert back.layout == "row_major" and (back.numpy() == 2 * x).all()
    with pytest.raises(ValueError, match="multiple of"):
        gen.to_layout(gen.from_numpy(dev, x[..., :36], "bf16", layout="row_major"), "tiled")


# ---- element-wise -------------------------------------------------------------------------------------
def test_fused_chain_is_one_compute_kernel_with_broadcasts(dev, rng):
    a, A = up(dev, rng, (2, 50, 70))
    b, B = up(dev, rng, (2, 50, 70))
    c, C = up(dev, rng, (1, 70))                      # row broadcast
    y = gen.fuse(lambda x, w, z: (x * w + z).exp(), a, b, c)
    close(y, np.exp(A * B + C))
    src = y.run.sources["compute"]
    assert src.count("exp_tile(") == 1 and "unary_bcast<BroadcastType::ROW>" in src
    assert len(y.run.sources) == 3 and len(y.run.time.profile.riscs) > 0
    assert "mul_binary_tile" in src or "mul_tiles(" in src


@pytest.mark.parametrize("bshape,kind", [((50, 1), "COL"), ((1, 1), "SCALAR"), ((1, 50, 70), "none")])
def test_broadcast_column_scalar_and_batch(n150, rng, bshape, kind):
    a, A = up(n150, rng, (3, 50, 70))
    b, B = up(n150, rng, bshape)
    y = gen.fuse(lambda x, w: x - w, a, b)
    close(y, A - B)
    if kind != "none":
        assert f"BroadcastType::{kind}" in y.run.sources["compute"]


@pytest.mark.parametrize("fn,ref", [
    (lambda x: x.relu(), lambda x: np.maximum(x, 0)),
    (lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (lambda x: (x * 2.0 - 0.5).tanh(), lambda x: np.tanh(x * 2 - 0.5)),
    (lambda x: x.square().sqrt() + x.abs(), lambda x: 2 * np.abs(x)),
    (lambda x: gen.where(x, x.exp(), 3.0), lambda x: np.where(x != 0, np.exp(x), 3.0)),
    (lambda x: x.maximum(0.25).minimum(0.5) / 4.0, lambda x: np.clip(x, 0.25, 0.5) / 4),
])
def test_unary_scalar_and_ternary_ops(n150, rng, fn, ref):
    a, A = up(n150, rng, (40, 100))
    close(gen.fuse(fn, a), ref(A))


def test_tensor_operators_run_the_fused_and_matmul_lowerings(n150, rng):
    a, A = up(n150, rng, (40, 70))
    b, B = up(n150, rng, (40, 70), lo=0.5, hi=1.5)
    c, C = up(n150, rng, (70, 36))
    for got, ref in ((a + b, A + B), (a - b, A - B), (a / b, A / B), (-a, -A), (np.float32(1) - a, 1 - A)):
        close(got, ref)
    y = a @ c
    assert y.run.op == "matmul" and y.shape == (40, 36)
    close(y, A @ C)
    for bad in (lambda: a + A, lambda: A * a, lambda: a @ C, lambda: a - "1"):
        with pytest.raises(TypeError):
            bad()


def test_eltwise_runs_pages_per_request_trids_and_resident_broadcasts(n150, rng):
    """Every point of the data-movement axes gives the same numbers: runs of P pages of one bank per
    request, several blocks of reads in flight under transaction ids, a row-broadcast input kept in L1
    (each core reads only the tiles of it that it uses), odd tile counts that leave short runs."""
    a, A = up(n150, rng, (7 * 32, 13 * 32 - 5))
    b, B = up(n150, rng, (7 * 32, 13 * 32 - 5))
    c, C = up(n150, rng, (1, 13 * 32 - 5))
    op = Eltwise(lambda x, w, z: (x * w + z).exp(), [a, b, c])
    assert op.resident == [False, False, True]
    ref = np.exp(A * B + C)
    for cfg in ({"pages": 4, "runs": 2, "dst": 2, "depth": 3, "inflight": 3, "split": "strided", "cores": 12},
                {"pages": 3, "runs": 2, "dst": 2, "depth": 2, "inflight": 2, "split": "contiguous", "cores": 64},
                {"pages": 1, "runs": 1, "dst": 1, "depth": 2, "inflight": 1, "cores": 5}):
        y = gen.fuse(lambda x, w, z: (x * w + z).exp(), a, b, c, config=cfg)
        close(y, ref)
    src = y.run.sources
    assert "noc_async_read_set_trid" in src["reader"] and "noc_async_read_barrier_with_trid" in src["reader"]
    assert "pack_tile<true>" in src["compute"]
    assert "packet" in op.check(dict(op.default(), pages=8, runs=1, dst=2))     # 16 KB > one WH packet (8 KB)
    col, C1 = up(n150, rng, (100, 1))
    outer = gen.fuse(lambda x, w: x - w, col, c)          # both inputs broadcast: both kept in L1, none streamed
    close(outer, C1 - C)
    assert "transaction ids" in op.check(dict(op.default(), inflight=4, depth=3))


@pytest.mark.parametrize("dtype", ["fp32", "bfp8_b"])
def test_eltwise_formats(dtype, rng):
    with Device("n150") as d:
        a, A = up(d, rng, (64, 96), dtype)
        b, B = up(d, rng, (64, 96), dtype)
        y = gen.fuse(lambda x, w: (x + w) * x, a, b)
        assert y.dtype == dtype
        close(y, (A + B) * A)
        assert y.run.tolerance[0] == gen.fuse(lambda x, w: (x + w) * x, a, b).run.tolerance[0]


def test_int32_add_sub_and_typecasts(rng):
    with Device("n150") as d:
        x = rng.integers(-10 ** 6, 10 ** 6, (40, 40))
        y = rng.integers(-10 ** 6, 10 ** 6, (40, 40))
        a, b = gen.from_numpy(d, x, "int32"), gen.from_numpy(d, y, "int32")
        assert (gen.sub(gen.add(a, b), b).numpy() == x).all()
        f = gen.typecast(a, "fp32")
        assert f.dtype == "fp32" and (f.numpy() == x.astype(np.float32)).all()
        h, H = up(d, rng, (40, 40), "bf16", -100, 100)
        i = gen.typecast(h, "int32")
        assert i.dtype == "int32" and np.abs(i.numpy() - H).max() <= 1
        assert "typecast_tile" in i.run.sources["compute"]
        g = gen.typecast(h, "fp32")
        assert (g.numpy() == H).all()
        with pytest.raises(ValueError, match="int32"):
            gen.fuse(lambda u: u.exp(), a)


# ---- reductions, transpose, compositions -----------------------------------------------------------------
def _reduce(d, rng, op, axis):
    x, X = up(d, rng, (2, 45, 70), lo=-3, hi=-0.5)          # all negative: max must not see the zero padding
    y = gen.reduce(x, op, axis)
    ax = (-2, -1) if axis is None else axis
    close(y, getattr(np, op)(X, axis=ax, keepdims=True))


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("axis", [-1, -2, None])
def test_reductions_on_odd_shapes(n150, rng, op, axis):
    _reduce(n150, rng, op, axis)


def test_reduction_reads_in_flight_on_one_or_both_nocs(n150, rng):
    x, X = up(n150, rng, (256, 1024), lo=-3, hi=-0.5)     # big enough that an unwaited read shows
    both = {"block": 2, "depth": 4, "inflight": 4, "other_noc": 2, "reader_noc": 1, "writer_noc": 0}
    close(gen.reduce(x, "sum", -1, config=both), X.sum(-1, keepdims=True))
    rows = gen.reduce(x, "mean", -1, config={"pages": 4, "block": 32, "depth": 2, "inflight": 2, "cores": 5,
                                             "other_noc": 3})    # every third request on the other NoC
    close(rows, X.mean(-1, keepdims=True))               # each row read bank by bank, 4 pages per request
    y, Y = up(n150, rng, (50, 70), lo=-3, hi=-0.5)           # padded max: the edge tile first, one at a time
    m = gen.reduce(y, "max", -1, config=dict(both, block=1))
    close(m, Y.max(-1, keepdims=True))
    assert "noc_async_read_barrier_with_trid" in m.run.sources["reader"]
    close(gen.reduce(y, "min", -2, config={"block": 1, "depth": 2, "inflight": 1, "cores": 2}), Y.min(-2, keepdims=True))


def test_reductions_on_every_arch(dev, rng):
    for op, axis in (("sum", -1), ("max", -2), ("mean", None)):
        _reduce(dev, rng, op, axis)


def test_transpose(n150, rng):
    x, X = up(n150, rng, (2, 40, 70))
    y = gen.transpose(x)
    assert y.shape == (2, 70, 40)
    assert (y.numpy() == np.swapaxes(X, -1, -2)).all()


def test_softmax(dev, rng):
    x, X = up(dev, rng, (2, 33, 100), lo=-4, hi=4)
    s = gen.softmax(x)
    e = np.exp(X - X.max(-1, keepdims=True))
    close(s, e / e.sum(-1, keepdims=True), (2 ** -6, 2 ** -7))


def test_layernorm(n150, rng):
    x, X = up(n150, rng, (2, 33, 100), lo=-4, hi=4)
    g, G = up(n150, rng, (100,), lo=0.5, hi=1.5)
    b, B = up(n150, rng, (100,))
    y = gen.layernorm(x, g, b)
    mu = X.mean(-1, keepdims=True)
    ref = (X - mu) / np.sqrt(((X - mu) ** 2).mean(-1, keepdims=True) + 1e-5) * G.reshape(-1) + B.reshape(-1)
    close(y, ref, (2 ** -5, 2 ** -6))         # five programs, each rounding to bf16


# ---- matmul -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["mcast2d", "mcast1d", "blocked"])
def test_matmul_variants_odd_shapes(dev, rng, variant):
    M = 64 if variant == "mcast1d" else 150
    a, A = up(dev, rng, (M, 200))
    b, B = up(dev, rng, (200, 130))
    op = Matmul(a, b)
    cfg = next(c for c in op.configs() if c["variant"] == variant and c["kb"] > 1 and c["sub_h"] * c["sub_w"] > 1)
    c = gen.matmul(a, b, config=cfg)
    assert c.run.config["variant"] == variant
    close(c, A @ B)


@pytest.mark.parametrize("split_dm", [0, 1])
def test_matmul_multicast_on_either_noc(dev, rng, split_dm):
    a, A = up(dev, rng, (128, 512))
    b, B = up(dev, rng, (512, 128))
    cycles = []
    for link in (0, 1):      # linked: the packets of a block (2 x 8 tiles: 2 or 4 packets) share one reservation
        c = gen.matmul(a, b, config={"variant": "mcast2d", "pm": 2, "pn": 2, "kb": 8, "sub_h": 2, "sub_w": 2, "tail": 1,
                                     "l1_acc": 1, "split_dm": split_dm, "reader_noc": 1, "writer_noc": 0,
                                     "b_noc": 0 if split_dm else 1, "link": link})
        close(c, A @ B)
        cycles.append(c.run.time.cycles)
    assert cycles[1] < cycles[0]          # one path reservation per block instead of one per packet


def test_matmul_never_shares_a_command_buffer_between_riscs(n150, rng):
    """In dedicated-NoC mode each NIU has one read / write / small-write / atomic command buffer; a config
    whose reader and writer RISC-Vs would both issue through one is refused, and none is enumerated."""
    a, _ = up(n150, rng, (256, 256))
    b, _ = up(n150, rng, (256, 256))
    op = Matmul(a, b)
    d = op.default()
    assert op.check(d) is None
    why = op.check(dict(d, split_dm=1, reader_noc=0, b_noc=0))      # A and B both read on NoC 0
    assert "would share NoC 0's" in why and "command buffer" in why
    assert op.check(dict(d, variant="blocked", pm=1, pn=1, split_dm=1, reader_noc=0, b_noc=1, writer_noc=0)) is None
    # a one-axis move that would share a buffer comes re-routed (fewest other routing axes changed),
    # so the beam search can still cross from one NoC assignment to another
    moved = [c for c in neighbours(op, d) if c["b_noc"] != d["b_noc"]]
    assert moved and all(op.valid(c) for c in moved)
    assert all(sum(c[a] != d[a] for a in Matmul.ROUTES) <= 3 for c in moved)
    seen = 0
    for cfg in itertools.islice(op.configs(), 0, None, 97):
        assert op.shared_buffer(cfg["variant"], cfg) is None
        seen += 1
    assert seen > 50


@pytest.mark.parametrize("variant", ["mcast2d", "mcast1d", "blocked"])
def test_matmul_crossed_reads(n150, rng, variant):
    """cross=1: A and B are read from DRAM on the other NoC than the one they are multicast on, so a
    stream's reads and its multicast do not share links; the command-buffer rule then counts the reads
    on the crossed NoC (with A multicast on NoC 0, an output written there is refused)."""
    a, A = up(n150, rng, (2, 320, 256))
    b, B = up(n150, rng, (256, 224))
    pm, pn = {"mcast2d": (3, 2), "mcast1d": (10, 1), "blocked": (1, 1)}[variant]
    op = Matmul(a, b)
    cfg = dict(op.default(), variant=variant, pm=pm, pn=pn, kb=2, sub_h=1, sub_w=1, pre=1, depth=2, tail=2,
               split_dm=1, reader_noc=0, b_noc=1, writer_noc=1, cross=1)
    assert op.check(cfg) is None
    if variant == "mcast2d":      # NCRISC reads on NoC 1 and multicasts on NoC 0: C on NoC 0 would share a buffer
        assert "would share NoC 0's write command buffer" in op.check(dict(cfg, writer_noc=0))
    c = gen.matmul(a, b, config=cfg)
    assert c.run.config["cross"] == 1
    close(c, A @ B)
    src = c.run.sources["data movement"]
    assert "A_READ_NOC" in src and "B_READ_NOC" in src


@pytest.mark.parametrize("variant,pm,pn", [("mcast2d", 3, 2), ("blocked", 4, 3), ("mcast1d", 10, 3)])
def test_matmul_ragged_blocks(n150, rng, variant, pm, pn):
    """Blocks that do not divide the output (10 x 7 tiles in 3 x 2 blocks: the last row and column of
    blocks are ragged), so any grid can be filled: only the tiles inside the tensor move."""
    a, A = up(n150, rng, (300, 256))
    b, B = up(n150, rng, (256, 200))
    op = Matmul(a, b)
    assert pm in op.space()["pm"] and pn in op.space()["pn"] and op.Nt % pn and (op.Mt % pm or variant == "mcast1d")
    c = gen.matmul(a, b, config={"variant": variant, "pm": pm, "pn": pn, "sub_h": 1, "sub_w": 1, "kb": 2})
    close(c, A @ B)


@pytest.mark.parametrize("l1_acc,tail", [(0, 2), (1, 1), (1, 2)])
def test_matmul_l1_accumulation_and_last_step(n150, rng, l1_acc, tail):
    """Partial sums spilled and reloaded, or accumulated by the packer in L1 (straight into the output
    CB, or in CB 24 when the last step reloads them for an activation or for fp32 partials of a bf16
    output), with a last step over one or two K blocks, edge or spread multicast senders."""
    a, A = up(n150, rng, (128, 512))
    b, B = up(n150, rng, (512, 96))
    bias, Bias = up(n150, rng, (96,))
    cfg = {"variant": "mcast2d", "pm": 2, "pn": 1, "kb": 4, "sub_h": 2, "sub_w": 1, "l1_acc": l1_acc, "tail": tail,
           "senders": "edge" if tail == 1 else "spread", "b_noc": 1, "split_dm": 1}
    for act, with_bias, fp32 in ((None, False, False), ("relu", True, False), (None, True, True)):
        c = gen.matmul(a, b, bias if with_bias else None, act, fp32_acc=fp32, config=cfg)
        assert c.run.config["l1_acc"] == l1_acc and c.run.config["tail"] == tail
        ref = A @ B + (Bias.reshape(-1) if with_bias else 0)
        close(c, np.maximum(ref, 0) if act else ref)


@pytest.mark.parametrize("variant", ["mcast2d", "mcast1d", "blocked"])
@pytest.mark.parametrize("split_dm", [0, 1])
def test_matmul_prefetch(n150, rng, variant, split_dm):
    """pre=1: a reading stream issues the next K block's reads (the next job's first block after a job's
    last) while it multicasts or waits for this one, into the next CB slot; with ragged blocks, several
    jobs per core, a bias and a last step over two K blocks. A CB too shallow for it is refused."""
    a, A = up(n150, rng, (2, 320, 256))
    b, B = up(n150, rng, (256, 224))
    bias, Bias = up(n150, rng, (224,))
    pm, pn = {"mcast2d": (3, 2), "mcast1d": (10, 1), "blocked": (1, 1)}[variant]
    cfg = {"variant": variant, "pm": pm, "pn": pn, "kb": 2, "sub_h": 1, "sub_w": 1, "pre": 1, "depth": 2, "tail": 2,
           "split_dm": split_dm, "b_noc": 1 if split_dm else 0, "link": 1}   # (linked: the last step's multicast)
    op = Matmul(a, b, bias)
    cfg = dict(op.default(), **cfg)
    assert op.check(cfg) is None and op.jobs_per_core(cfg) > 1
    assert "pre needs 3 K blocks" in op.check(dict(cfg, depth=1))
    c = gen.matmul(a, b, bias, config=cfg)
    assert c.run.config["pre"] == 1
    close(c, A @ B + Bias.reshape(-1))


@pytest.mark.parametrize("variant", ["mcast2d", "mcast1d", "blocked"])
@pytest.mark.parametrize("pre,l1_acc,split_dm", [(0, 0, 1), (1, 1, 1), (1, 0, 0)])
def test_matmul_head(n150, rng, variant, pre, l1_acc, split_dm):
    """head=h: the first job's first K block moves and is computed in two parts, its first h K tiles
    (A part compact, pm x h) and then the rest, each part read, multicast (or received) and pushed
    alone; with ragged blocks, several jobs per core, a bias, prefetch, L1 accumulation or spilled
    partial sums. A head as wide as the block, or one inside the last step, is refused."""
    a, A = up(n150, rng, (2, 320, 512))
    b, B = up(n150, rng, (512, 224))
    bias, Bias = up(n150, rng, (224,))
    pm, pn = {"mcast2d": (3, 2), "mcast1d": (10, 1), "blocked": (1, 1)}[variant]
    op = Matmul(a, b, bias)
    cfg = dict(op.default(), variant=variant, pm=pm, pn=pn, kb=4, sub_h=1, sub_w=1, pre=pre, depth=2, tail=2,
               l1_acc=l1_acc, split_dm=split_dm, b_noc=1 if split_dm else 0, head=3)
    assert op.check(cfg) is None and op.jobs_per_core(cfg) > 1
    assert "head=4 must be below kb=4" in op.check(dict(cfg, head=4))
    assert "outside the last step" in op.check(dict(cfg, head=1, kb=16, tail=1, l1_acc=0))
    c = gen.matmul(a, b, bias, config=cfg)
    assert c.run.config["head"] == 3
    close(c, A @ B + Bias.reshape(-1))


def test_a_matmul_head_starts_the_compute_after_a_smaller_read(n150, rng, tmp_path):
    """In the modelled time, the first matmul_block of every core comes earlier with a head of 1 K
    tile than without (it waits for pm x 1 and 1 x pn tiles instead of the whole first block)."""
    a, _ = up(n150, rng, (256, 1024))
    b, _ = up(n150, rng, (1024, 256))
    op = Matmul(a, b)
    out = gen.empty(n150, *op.out_spec())
    first = {}
    for head in (0, 1):
        cfg = dict(op.default(), kb=8, tail=2, l1_acc=1, head=head)
        assert op.check(cfg) is None
        prof = n150.queue.enqueue(op.build(cfg, out).program, timing_only=True,
                                 trace=tmp_path / f"head{head}.json").profile
        starts = {}
        for row in prof.events:
            if prof.names[int(row[1])] == "matmul_block":
                core, start = int(row[0] & 0xFFFF), int(row[2]) | (int(row[3]) << 32)
                starts[core] = min(starts.get(core, start), start)
        first[head] = starts
    assert set(first[0]) == set(first[1]) and len(first[0]) > 1
    assert all(first[1][c] < first[0][c] for c in first[0]), (first[0], first[1])


def test_matmul_batched_bias_activation_fused(dev, rng):
    a, A = up(dev, rng, (3, 64, 96))
    b, B = up(dev, rng, (3, 96, 64))
    bias, Bias = up(dev, rng, (64,))
    c = gen.matmul(a, b, bias, "relu")
    assert c.run.op == "matmul" and "add_binary_tile" in c.run.sources["compute"]
    close(c, np.maximum(A @ B + Bias.reshape(-1), 0))
    shared = gen.matmul(a, gen.from_numpy(dev, B[0]), config={"variant": "blocked"})
    close(shared, A @ B[0])


def test_matmul_epilogue_runs_separately_when_padding_would_break(dev, rng):
    a, A = up(dev, rng, (50, 64))
    b, B = up(dev, rng, (64, 40))
    bias, Bias = up(dev, rng, (40,))
    c = gen.matmul(a, b, bias, "sigmoid")            # sigmoid(0) != 0: padding rows would hold 0.5
    assert c.run.op == "matmul+epilogue"
    close(c, 1 / (1 + np.exp(-(A @ B + Bias.reshape(-1)))))


@pytest.mark.parametrize("fidelity", ["LoFi", "HiFi2", "HiFi4"])
def test_matmul_fidelity_tolerance(rng, fidelity):
    with Device("n150") as d:
        a, A = up(d, rng, (128, 256))
        b, B = up(d, rng, (256, 128))
        c = gen.matmul(a, b, fidelity=fidelity)
        close(c, A @ B)
        err = np.abs(c.numpy() - A @ B).max() / np.abs(A @ B).max()
        if fidelity == "LoFi":
            assert err > 2 ** -9        # LoFi is visibly less exact than HiFi4
        exact = gen.matmul(a, b, fidelity=fidelity, fp32_acc=True)
        close(exact, A @ B)
        assert exact.run.tolerance[1] < c.run.tolerance[1]


def test_matmul_fidelity_chosen_by_search_when_allowed(rng, monkeypatch, tmp_path):
    monkeypatch.setattr("tensix.gen.op.cache_path", lambda: tmp_path / "winners.json")
    with Device("n150") as d:
        a, A = up(d, rng, (256, 512))
        b, B = up(d, rng, (512, 256))
        assert gen.matmul(a, b, fidelity=["LoFi", "HiFi4"]).run.config["fidelity"] == "HiFi4"   # default: exact
        op = Matmul(a, b, fidelity=["LoFi", "HiFi2", "HiFi4"])
        assert {c["fidelity"] for c in op.configs()} == {"LoFi", "HiFi2", "HiFi4"}
        cfg, rep = search(op, gen.empty(d, (256, 256)), 2, max_candidates=16, use_cache=False)
        c = gen.matmul(a, b, fidelity=["LoFi", "HiFi2", "HiFi4"], config=cfg)
        assert c.run.config["fidelity"] == cfg["fidelity"]
        close(c, A @ B)                  # within the bound of the fidelity it chose


@pytest.mark.parametrize("dtype", ["fp32", "bfp8_b"])
def test_matmul_formats(rng, dtype):
    with Device("n150") as d:
        a, A = up(d, rng, (96, 128), dtype)
        b, B = up(d, rng, (128, 64), dtype)
        close(gen.matmul(a, b, fp32_acc=dtype == "fp32"), A @ B)


def test_matmul_on_n300_grid(rng):
    with Device("n300") as d:          # 8x7 workers: the 2-D grid takes at most 7 rows
        a, A = up(d, rng, (7 * 64, 128))
        b, B = up(d, rng, (128, 8 * 64))
        c = gen.matmul(a, b)
        assert c.run.config["variant"] == "mcast2d"
        close(c, A @ B)


# ---- configuration space and search --------------------------------------------------------------------
def test_space_is_enumerated_with_its_constraints():
    with Device("n150") as d:
        a, b = gen.empty(d, (256, 512)), gen.empty(d, (512, 256))
        op = Matmul(a, b, fp32_acc=True)
        cfgs = list(op.configs())
        assert cfgs and all(c["sub_h"] * c["sub_w"] <= 4 for c in cfgs)         # fp32 DST: 4 tiles
        assert {c["variant"] for c in cfgs} == {"mcast2d", "mcast1d", "blocked"}
        bad = dict(op.default(), pm=4, pn=2, sub_h=4, sub_w=2)
        assert "DST" in op.check(bad)
        with pytest.raises(ValueError, match="DST"):
            gen.matmul(a, b, fp32_acc=True, config={"pm": 4, "pn": 2, "sub_h": 4, "sub_w": 2})
        big = Matmul(gen.empty(d, (8 * 32, 8192)), gen.empty(d, (8192, 8 * 32)))
        assert "L1" in big.check(dict(big.default(), variant="blocked", pm=8, pn=8, kb=256, tail=1, l1_acc=0))
        # Matmul.configs() prunes instead of checking every point: the same set as the plain enumeration
        # (the free axes, which never change validity, held to one value to keep the product small)
        small = Matmul(gen.empty(d, (64, 128)), gen.empty(d, (128, 96)), gen.empty(d, (96,)), "relu")
        full = small.space()
        small.space = lambda: {a: v[:1] if a in Matmul.FREE else v for a, v in full.items()}
        fast = {json.dumps(c, sort_keys=True) for c in small.configs()}
        assert fast and fast == {json.dumps(c, sort_keys=True) for c in Op.configs(small)}
        x = gen.empty(d, (64, 64))
        e = Eltwise(lambda u: (u * u + u).exp(), [x])
        cfgs = list(e.configs())
        assert cfgs and all(c["dst"] * e.slots <= 8 and c["dst"] <= c["runs"] * c["pages"] for c in cfgs)
        assert all(c["pages"] * 2048 <= d.arch.noc_max_packet and c["inflight"] <= c["depth"] for c in cfgs)


def test_search_matches_default_caches_winner_and_reads_tensix_beam(rng, monkeypatch, tmp_path):
    monkeypatch.setattr("tensix.gen.op.cache_path", lambda: tmp_path / "winners.json")
    with Device("n150") as d:
        a, A = up(d, rng, (128, 256))
        b, B = up(d, rng, (256, 192))
        plain = gen.matmul(a, b)
        found = gen.matmul(a, b, beam=2)
        r = found.run.searched
        assert r and not r["cached"] and r["candidates"] > 1 and r["best_us"] <= r["default_us"]
        close(found, A @ B)
        assert np.abs(found.numpy() - plain.numpy()).max() <= 2 * found.run.tolerance[1] * np.abs(A @ B).max()
        winners = json.loads((tmp_path / "winners.json").read_text())
        assert len(winners) == 1 and '"matmul"' in next(iter(winners)) and '"n150"' in next(iter(winners))
        monkeypatch.setenv("TENSIX_BEAM", "2")
        again = gen.matmul(a, b)
        assert again.run.searched["cached"] and again.run.config == found.run.config
        x, X = up(d, rng, (64, 1024))
        y = gen.fuse(lambda u: u * 3.0, x)               # TENSIX_BEAM applies to every op
        assert y.run.searched and not y.run.searched["cached"]
        close(y, X * 3)


def test_search_candidates_share_compiled_kernels(rng):
    with Device("n150") as d:
        a, b = gen.empty(d, (256, 256)), gen.empty(d, (256, 256))
        op = Matmul(a, b)
        out = gen.empty(d, (256, 256))
        srcs = {json.dumps(op.sources(), sort_keys=True)}
        cfg, rep = search(op, out, 2, max_candidates=12, use_cache=False)
        assert rep["candidates"] <= 12
        # every candidate of the op uses the same kernel sources: only runtime args differ
        assert srcs == {json.dumps(op.sources(), sort_keys=True)}


def test_example_gen_ops_runs(monkeypatch, tmp_path, capsys):
    import importlib.util
    from pathlib import Path
    monkeypatch.setattr("tensix.gen.op.cache_path", lambda: tmp_path / "winners.json")
    path = Path(__file__).resolve().parent.parent / "examples" / "gen_ops.py"
    spec = importlib.util.spec_from_file_location("gen_ops", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main("n150", beam=0)             # the search itself is tested above; this checks the example's flow
    out = capsys.readouterr().out
    assert "matmul {" in out and "generated compute kernel" in out and "exp_tile(" in out


def test_debug_2_prints_every_generated_kernel(rng, monkeypatch, capsys):
    monkeypatch.setenv("TENSIX_DEBUG", "2")
    with Device("n150", print_kernel_output=False) as d:
        x, _ = up(d, rng, (32, 32))
        gen.fuse(lambda u: u.exp(), x)
    err = capsys.readouterr().err
    for role in ("reader", "compute", "writer"):
        assert f"eltwise {role} kernel" in err
    assert "exp_tile(" in err and "modelled" not in err.lower() or "us (" in err
