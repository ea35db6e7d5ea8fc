"""Fused element-wise ops: any expression of unary, binary and ternary element-wise functions over
tensors (with row / column / scalar / batch broadcasting) becomes ONE program: a reader that brings
one tile of every input per output tile, a compute kernel that evaluates the whole expression in DST
(FPU for a leaf add/sub/mul when the config allows, SFPU for the rest) and a writer.

    y = fuse(lambda a, b, c: (a * b + c).exp(), a, b, c)        # exp(a*b+c): one compute kernel

Padding stays zero: when the expression is not zero on the padding (exp, x - mean, ...) the edge
tiles are multiplied by 0/1 mask tiles before they are packed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import CircularBuffer, Kernel, Program, TensorAccessorArgs
from .eltwise_kernels import EltwiseSource
from .expr import Sym, evaluate, simplify
from .kernels import core_counts, core_list, l1_budget, work
from .op import Built, Op, run
from .runs import ARGS, run_groups, runs_writer_source
from .tensor import TILE, Tensor, as_dtype, fmt, tile_bytes, tolerance

# ---- the op -------------------------------------------------------------------------------------------
@dataclass
class Operand:
    """How input i maps onto the output: tile strides (0 = broadcast) and the broadcast inside a tile."""
    strides: tuple[int, int, int]        # tile index = b*sb + r*sr + c*sc
    bcast: str                           # "none" | "row" | "col" | "scalar"


def _operand(t: Tensor, shape: tuple) -> Operand:
    oshape = (1,) * (len(shape) - len(t.shape)) + tuple(t.shape)
    for d, (i, o) in enumerate(zip(oshape, shape)):
        if i not in (1, o):
            raise ValueError(f"cannot broadcast input of shape {t.shape} to {shape} (dim {d}: {i} vs {o})")
    if len(shape) > 2 and oshape[:-2] != tuple(shape[:-2]) and math.prod(oshape[:-2]) != 1:
        raise ValueError(f"batch broadcasting of {t.shape} to {shape}: the leading dims must all match or all be 1")
    H1, W1 = oshape[-2] == 1 and shape[-2] != 1, oshape[-1] == 1 and shape[-1] != 1
    Ht, Wt = t.Ht, t.Wt
    sb = 0 if (len(shape) > 2 and math.prod(oshape[:-2]) == 1 and math.prod(shape[:-2]) > 1) else Ht * Wt
    bcast = "scalar" if H1 and W1 else "row" if H1 else "col" if W1 else "none"
    return Operand((sb, 0 if H1 else Wt, 0 if W1 else 1), bcast)


RESIDENT_BYTES = 256 * 1024        # a broadcast input up to this size is kept in L1 (tensix choice)


class Eltwise(EltwiseSource, Op):
    name = "eltwise"

    def __init__(self, fn, tensors: list[Tensor], out_dtype: str | None = None) -> None:
        ts = [t for t in tensors if isinstance(t, Tensor)]
        if not ts:
            raise ValueError("fuse needs at least one Tensor argument")
        for t in ts:
            if t.layout != "tiled":
                raise ValueError(f"{t!r}: element-wise ops take tiled tensors; make it with layout='tiled'")
            if t.device is not ts[0].device:
                raise ValueError("all inputs of an op must be on one device")
        self.inputs = ts
        syms, k = [], 0
        for t in tensors:
            if isinstance(t, Tensor):
                syms.append(Sym("in", value=k))
                k += 1
            else:
                syms.append(Sym.lift(t))
        self.expr = simplify(Sym.lift(fn(*syms)))
        shape = np.broadcast_shapes(*[t.shape for t in ts])
        self.shape = tuple(int(s) for s in shape)
        self.operands = [_operand(t, self.shape) for t in ts]
        dts = {t.dtype for t in ts}
        self.dtype = out_dtype and as_dtype(out_dtype) or (self.expr.value if self.expr.op == "cast" else
                                                            ("fp32" if "fp32" in dts else ts[0].dtype))
        self.integer = all(t.dtype == "int32" for t in ts) and self.dtype == "int32" and self.expr.op != "cast"
        self.fp32 = any(t.dtype in ("fp32", "int32") for t in ts) or self.dtype in ("fp32", "int32")
        Hp, Wp = -(-self.shape[-2] // TILE), -(-self.shape[-1] // TILE)
        self.Ht, self.Wt = Hp, Wp
        self.batch = math.prod(self.shape[:-2]) if len(self.shape) > 2 else 1
        self.tiles = self.batch * Hp * Wp
        self.mask = (self.shape[-2] % TILE or self.shape[-1] % TILE) and not self._keeps_zero_padding()
        self.slots = self._pressure(self.expr) + (2 if self.mask else 0)
        # an input whose tiles are not the output's (a broadcast) is read once into L1 and kept there
        # when it is small, instead of once per output tile
        full = (self.Ht * self.Wt, self.Wt, 1)
        self.resident = [not (op.bcast == "none" and (op.strides == full or self.batch == 1)) and
                         t.num_tiles * tile_bytes(t.dtype) <= RESIDENT_BYTES for t, op in zip(ts, self.operands)]
        self._masks = None

    def _keeps_zero_padding(self) -> bool:
        """True when every padding element of the output stays 0. In the padded rows an input is 0
        unless it is broadcast along rows (then it holds its real values there), in the padded columns
        unless broadcast along columns, in the corner unless it is a scalar; the expression is tried
        with independent values for the inputs that are not 0 (so x - y of two broadcasts is caught)."""
        regions = [r for r, padded in (("row", self.shape[-2] % TILE), ("col", self.shape[-1] % TILE)) if padded]
        if len(regions) == 2:
            regions.append("corner")
        live = {"row": ("row", "scalar"), "col": ("col", "scalar"), "corner": ("scalar",)}
        values = np.random.default_rng(0).uniform(-2, 2, (4, len(self.operands)))
        for region in regions:
            for vals in [*values, np.zeros(len(self.operands))]:
                xs = [np.float64(v) if op.bcast in live[region] else np.float64(0.0) for v, op in zip(vals, self.operands)]
                if not np.all(np.asarray(evaluate(self.expr, xs)) == 0):
                    return False
        return True

    def _pressure(self, e: Sym) -> int:
        """DST slots the evaluation needs (children left to right, result in the first child's slot)."""
        if e.op in ("in", "const"):
            return 1
        need = [self._pressure(a) + i for i, a in enumerate(e.args)]
        return max(need)

    # -- Op interface ---------------------------------------------------------------------------------
    def key(self) -> dict:
        return dict(super().key(), expr=repr(self.expr), out=self.dtype)

    def out_spec(self):
        return self.shape, self.dtype

    def dst_capacity(self) -> int:
        return 4 if self.fp32 else 8

    def fpu_leaf(self) -> bool:
        e = self.expr
        def find(x):
            if x.op in ("add", "sub", "mul") and all(a.op == "in" and self.operands[a.value].bcast == "none"
                                                   for a in x.args):
                return True
            return any(find(a) for a in x.args)
        return not self.integer and find(e)

    def space(self) -> dict:
        """cores and split: how the runs are dealt out (a core count that is a multiple of the DRAM banks
        gives each core one bank under the strided split); pages: tiles per run = pages of one bank per
        NoC request, up to one packet; runs: runs per CB block; dst: tiles per DST acquire; depth: CB
        capacity in blocks; inflight: blocks of reads in flight, each tagged by its own transaction id
        and waited for by a trid barrier (1: one plain barrier per block)."""
        cores = core_counts(self.device, self.tiles, self.device.arch.num_dram_banks)
        return {"cores": cores, "split": ["strided", "contiguous"], "pages": self._page_counts(),
                "runs": [1, 2, 4], "dst": [1, 2, 4, 8], "depth": [2, 3, 4], "inflight": [1, 2, 3, 4],
                "fpu": [1, 0] if self.fpu_leaf() else [0], "reader_noc": [0, 1], "writer_noc": [1, 0]}

    def _page_counts(self) -> list[int]:
        """Pages per request: powers of two and the most that fill one NoC packet."""
        fit = self.device.arch.noc_max_packet // max(tile_bytes(d) for d in self._streamed_dtypes())
        return sorted({p for p in (1, 2, 4, 8, 16) if p <= fit} | {max(1, fit)})

    def _streamed_dtypes(self) -> list[str]:
        return [t.dtype for t, res in zip(self.inputs, self.resident) if not res] + [self.dtype]

    def block(self, cfg: dict) -> int:
        """Tiles per CB block."""
        return cfg["runs"] * cfg["pages"]

    def cb_bytes(self, cfg: dict) -> int:
        n = self.block(cfg) * cfg["depth"]
        streamed = sum(tile_bytes(t.dtype) * (t.num_tiles if res else n) for t, res in zip(self.inputs, self.resident))
        return streamed + tile_bytes(self.dtype) * n + (3 * tile_bytes("bf16") if self.mask else 0)

    def check(self, cfg: dict) -> str | None:
        cap, arch = self.dst_capacity(), self.device.arch
        if cfg["dst"] * self.slots > cap:
            return f"dst {cfg['dst']} tiles x {self.slots} DST slots > {cap} DST tiles"
        if cfg["dst"] > self.block(cfg):
            return f"dst {cfg['dst']} tiles per DST round > {self.block(cfg)} tiles per block"
        if cfg["inflight"] > cfg["depth"] or cfg["inflight"] > 16:
            return f"{cfg['inflight']} blocks in flight > CB depth {cfg['depth']} (or > the 16 transaction ids)"
        biggest = cfg["pages"] * max(tile_bytes(d) for d in self._streamed_dtypes())
        if biggest > arch.noc_max_packet:
            return f"{cfg['pages']} pages per request = {biggest} B > one NoC packet ({arch.noc_max_packet} B)"
        if cfg["cores"] > self.device.grid.x * self.device.grid.y or cfg["cores"] > self.tiles:
            return f"{cfg['cores']} cores for {self.tiles} tiles"
        if self.cb_bytes(cfg) > l1_budget(self.device, self.inputs):
            return f"CBs need {self.cb_bytes(cfg)} B > {l1_budget(self.device, self.inputs)} B of L1"
        if len(self.inputs) > 7:
            return "at most 7 inputs (CBs 0..6)"
        nargs = len(ARGS) + 3 + 4 * len(self.inputs) + sum(-(-t.num_tiles // 32) for t, res in zip(self.inputs, self.resident) if res)                     # the reader's runtime args
        if nargs > arch.max_runtime_args:
            return f"the reader takes {nargs} runtime args > {arch.max_runtime_args}"
        return None

    def default(self) -> dict:
        """Runs dealt out like cards over the whole grid (every bank busy at once), or, with broadcast
        inputs kept in L1, over the core count among the whole grid / a multiple of the DRAM banks / a
        power of two whose cores read the fewest broadcast tiles (a core re-reads each one it uses);
        runs of up to 4 pages (fewer when that would leave cores idle), the largest DST round,
        triple-buffered CBs with two blocks of reads in flight."""
        cap = self.dst_capacity()
        dst = max([d for d in (1, 2, 4) if d * self.slots <= cap] or [1])
        counts, banks = core_counts(self.device, self.tiles), self.device.arch.num_dram_banks
        pages = max([p for p in self._page_counts() if p <= 4 and p * max(counts) <= self.tiles] or [1])
        cfg = {"cores": max(counts), "split": "strided", "pages": pages, "runs": max(1, -(-dst // pages)), "dst": dst,
               "depth": 3, "inflight": 2, "fpu": 1 if self.fpu_leaf() else 0, "reader_noc": 0, "writer_noc": 1}
        if any(self.resident):
            options = {max(counts), max(counts) // banks * banks or max(counts), 2 ** (max(counts).bit_length() - 1)}
            cfg["cores"] = min(options, key=lambda n: (self.resident_reads(dict(cfg, cores=n)), -n))
        return cfg if self.valid(cfg) else dict(cfg, depth=2, inflight=1, pages=1, runs=dst)

    def resident_reads(self, cfg: dict) -> int:
        """Tiles of the resident inputs all cores read together under `cfg`."""
        banks = self.device.arch.num_dram_banks
        units = run_groups(self.tiles, banks, cfg["pages"]) * banks
        cores = core_list(self.device, min(cfg["cores"], units))
        return sum(bin(w).count("1") for u0, nr, step in work(cores, units, cfg["split"]).values()
                   for w in self._bitmaps(u0, nr, step, banks, cfg["pages"]))

    def seeds(self) -> list[dict]:
        d = self.default()
        fit = max(self._page_counts())
        return [dict(d, pages=fit, runs=1), dict(d, pages=fit, runs=2), dict(d, split="contiguous"),
                dict(d, cores=max(core_counts(self.device, self.tiles))), dict(d, inflight=3, depth=4),
                dict(d, cores=max(core_counts(self.device, self.tiles)) // self.device.arch.num_dram_banks *
                     self.device.arch.num_dram_banks or d["cores"])]

    def reference(self, *arrays):
        r = evaluate(self.expr, [a.astype(np.float64) for a in arrays])
        return np.broadcast_to(r, self.shape)

    def tolerance(self, cfg):
        """Each op rounds its result in DST (bf16, or fp32 when any operand is fp32 / int32), the packer
        rounds once more to the output format; SFPU functions add their own error (API §4.7)."""
        ops = self._count(self.expr)
        dst = "fp32" if self.fp32 else "bf16"
        if self.integer:
            return 0.0, 0.0
        rel = tolerance(dst, ops=ops)[0] + tolerance(self.dtype, ops=0)[0]
        ab = tolerance(self.dtype, ops=0)[1] + tolerance(dst, ops=ops)[1]
        if any(op in repr(self.expr) for op in ("exp", "log", "sigmoid", "silu", "gelu", "tanh", "div", "recip",
                                                 "sqrt", "sin", "cos", "erf")):
            rel += 2.0 ** -9        # SFPU function accuracy
        return rel, ab

    def _count(self, e: Sym) -> int:
        return 0 if e.op in ("in", "const") else 1 + sum(self._count(a) for a in e.args)

    def _mask_tensor(self) -> Tensor:
        if self._masks is None:
            wr, hr = self.shape[-1] % TILE or TILE, self.shape[-2] % TILE or TILE
            cols = (np.arange(TILE) < wr)[None, :].repeat(TILE, 0)
            rows = (np.arange(TILE) < hr)[:, None].repeat(TILE, 1)
            m = np.stack([cols, rows, cols & rows]).astype(np.float32).reshape(3 * TILE, TILE)
            self._masks = Tensor.from_numpy(self.device, m, "bf16")
        return self._masks

    def build(self, cfg: dict, out: Tensor) -> Built:
        dev = self.device
        P = cfg["pages"]
        # runs are numbered bank-major over the output's banks: run u = P consecutive pages of bank u % B
        banks = out.buffer.banks or 1
        units = run_groups(self.tiles, banks, P) * banks
        cores = core_list(dev, min(cfg["cores"], units))
        parts = work(cores, units, cfg["split"])
        same = lambda b: b.banks == banks and b.aligned_page_size == b.page_size and b.kind == out.buffer.kind  # noqa: E731
        full = (self.Ht * self.Wt, self.Wt, 1)
        contiguous = [not res and op.bcast == "none" and (op.strides == full or self.batch == 1) and same(t.buffer)
                      for t, op, res in zip(self.inputs, self.operands, self.resident)]
        addrs = [t.buffer for t in self.inputs]
        keep, extra_ct, extra_rt = [], [], []
        if self.mask:
            mt = self._mask_tensor()
            keep.append(mt)
            extra_ct, extra_rt = [TensorAccessorArgs(mt.buffer)], [mt.buffer]
        rsrc, csrc = self.reader_source(contiguous), self.compute_source(bool(cfg["fpu"]))
        wsrc = runs_writer_source()
        rb = cfg["runs"]
        parts = {c: [u0, nr, step, self.tiles, banks, P, rb, self.Ht, self.Wt] for c, (u0, nr, step) in parts.items()}
        strides = [v for op in self.operands for v in op.strides]
        reader = Kernel(rsrc, on="reader", noc=cfg["reader_noc"], name="gen_eltwise_reader.cpp",
                        compile_args=[*[TensorAccessorArgs(b) for b in addrs], *extra_ct],
                        runtime_args={c: [*p, cfg["depth"], cfg["inflight"], *addrs, *strides, *(extra_rt or [0]),
                                          *self._bitmaps(p[0], p[1], p[2], banks, P)] for c, p in parts.items()})
        compute = Kernel(csrc, on="compute", name="gen_eltwise_compute.cpp", fp32_dest_acc_en=self.fp32,
                         runtime_args={c: [*p, cfg["dst"], *strides] for c, p in parts.items()})
        wc = int(same(out.buffer) and out.buffer.shard is None)
        writer = Kernel(wsrc, on="writer", noc=cfg["writer_noc"], name="gen_eltwise_writer.cpp",
                        compile_args=[TensorAccessorArgs(out.buffer)],
                        runtime_args={c: [*p, out.buffer, wc] for c, p in parts.items()})
        pages = self.block(cfg) * cfg["depth"]
        cbs = [CircularBuffer(i, t.format, tile_bytes(t.dtype), t.num_tiles if res else pages)
               for i, (t, res) in enumerate(zip(self.inputs, self.resident))]
        cbs.append(CircularBuffer(16, out.format, tile_bytes(out.dtype), pages))
        if self.mask:
            cbs.append(CircularBuffer(8, fmt("bf16"), tile_bytes("bf16"), 3))
        prog = Program(cores, [reader, compute, writer], cbs)
        return Built(prog, {"reader": rsrc, "compute": csrc, "writer": wsrc}, keep)


# ---- the public functions -------------------------------------------------------------------------------
def fuse(fn, *tensors, out_dtype: str | None = None, config: dict | None = None, beam: int | None = None,
         out: Tensor | None = None) -> Tensor:
    """One program computing fn(*tensors) element-wise. Arguments may be Tensors or numbers; fn sees
    symbolic values with + - * /, .exp() .log() .sqrt() .rsqrt() .recip() .relu() .gelu() .sigmoid()
    .silu() .tanh() .abs() .square() .sin() .cos() .erf() .maximum() .minimum() .cast(), and where()."""
    return run(Eltwise(fn, list(tensors), out_dtype), config, beam, out)


def _unary(name):
    def f(x: Tensor, **kw) -> Tensor:
        return fuse(lambda a: getattr(a, name)(), x, **kw)
    f.__name__ = name
    f.__doc__ = f"{name}(x), element-wise, one program."
    return f


exp, log, sqrt, rsqrt, recip, relu, gelu, sigmoid, silu, tanh = (_unary(n) for n in (
    "exp", "log", "sqrt", "rsqrt", "recip", "relu", "gelu", "sigmoid", "silu", "tanh"))


def add(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x + y, a, b, **kw)


def sub(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x - y, a, b, **kw)


def mul(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x * y, a, b, **kw)


def div(a, b, **kw) -> Tensor:
    return fuse(lambda x, y: x / y, a, b, **kw)


def neg(a, **kw) -> Tensor:
    return fuse(lambda x: -x, a, **kw)


def typecast(x: Tensor, dtype: str, **kw) -> Tensor:
    """x in another dtype (float formats convert in the packer; int32 <-> float with typecast_tile)."""
    return fuse(lambda a: a.cast(dtype), x, out_dtype=dtype, **kw)
