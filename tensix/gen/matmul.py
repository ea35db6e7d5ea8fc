"""Matmul: C = A @ B (+ bias) (then an activation), batched, lowered to reader / compute / writer kernels.

The Mt x Nt output tiles are cut into per-core blocks of pm x pn tiles (the last block of a row or
column may be ragged: its tiles past the tensor are not moved, so any grid can be filled); K is
walked in blocks of in0_block_w (kb) tiles, each block product computed as DST sub-blocks of
sub_h x sub_w tiles with matmul_block. Between K steps the partial sums either stay in L1 and the
packer accumulates onto them (`l1_acc`, as the current matmul_block helper does: one reserve of the
whole block, K steps pack to absolute offsets) or go to CB 24 and come back with copy_tile. The last
K step spans `tail` K blocks, so the finished sub-blocks leave over a longer time; with a `head` the
first K block moves and is computed in two parts, its first `head` K tiles first, so the compute
starts after a smaller read (the start of a multicast matmul is a DRAM read plus a multicast).
Variants (the `variant` axis):
  blocked  every core reads its own A and B blocks from DRAM; jobs (batch, m block, n block) are
           spread over the cores;
  mcast1d  all cores share one m block (skinny M): one core of each grid row reads the A block
           and multicasts it along its row, every core reads its own B block;
  mcast2d  core (x, y) computes m block y, n block x: one core of each row reads A and multicasts
           it along the row, one core of each column reads B and multicasts it down the column (the
           batch loops inside). The senders are the first column / row (`senders` edge) or core y of
           row y and core x of column x (spread: their DRAM reads then use every column's links).
With split_dm the reader moves A and the writer moves B and the output, so both data-movement RISC-Vs
work (else the reader moves A and B); A, B and C each have their NoC (reader_noc, b_noc, writer_noc),
and with `cross` A and B are read from DRAM on the other NoC than the one they are multicast on.
With `pre` a reading stream issues the next K block's reads between the packets of this block's
multicast (or ahead of its barrier); with `link` a multicast that has nothing issued between its
packets links them, so the tree is reserved once per block instead of once per packet.
Block sizes, sub-blocks, CB depths, L1 accumulation and the tail are runtime args or CB sizes, so
the candidates of one variant and NoC choice share the compiled kernels. Bias (N,) and activation
are fused into the last K step (DST), unless the output has padding they would make non-zero: then
they run as one fused element-wise op after the matmul.
"""
from __future__ import annotations

import itertools

import numpy as np

from .. import CircularBuffer, Kernel, Program, Semaphore, TensorAccessorArgs
from .eltwise import fuse
from .expr import UNARY
from .kernels import COMPUTE_INCLUDES, l1_budget, split
from .matmul_kernels import COMPUTE, DM
from .op import Built, Op, RunInfo, run
from .tensor import ROUNDING, TILE, Tensor, as_dtype, fmt, tile_bytes, tolerance


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def block_sizes(n: int, parts: int) -> list[int]:
    """Block sizes for n tiles: the divisors, and ceil(n / p) for every p up to `parts` cores (the last
    block then holds fewer tiles: a ragged edge, so a grid that does not divide n is still filled)."""
    return sorted(set(divisors(n)) | {-(-n // p) for p in range(1, parts + 1)})


def blocks(n: int, size: int) -> int:
    return -(-n // size)


class Matmul(Op):
    name = "matmul"

    def __init__(self, a: Tensor, b: Tensor, bias: Tensor | None = None, activation: str | None = None,
                 fidelity: str | list[str] = "HiFi4", fp32_acc: bool = False, out_dtype: str | None = None) -> None:
        for t in (a, b) + ((bias,) if bias is not None else ()):
            if t.layout != "tiled":
                raise ValueError(f"{t!r}: matmul takes tiled tensors")
        if a.W != b.H:
            raise ValueError(f"matmul: A is {a.shape} and B is {b.shape}: A's last dim {a.W} must equal B's "
                             f"second-to-last {b.H}")
        if b.batch not in (1, a.batch):
            raise ValueError(f"matmul: B's batch {b.shape[:-2]} must be 1 or A's {a.shape[:-2]}")
        if activation is not None and activation not in UNARY:
            raise ValueError(f"activation {activation!r} is not one of {sorted(UNARY)}")
        if bias is not None and (bias.W != b.W or bias.H != 1 or bias.batch != 1):
            raise ValueError(f"bias {bias.shape} must be ({b.W},) or (1, {b.W})")
        if "int32" in (a.dtype, b.dtype):
            raise ValueError("matmul of int32 tensors is not available (the FPU multiplies floats)")
        self.a, self.b, self.bias, self.activation = a, b, bias, activation
        # a list of fidelities lets the search choose among them (the user accepts each one's error)
        self.fidelities = [fidelity] if isinstance(fidelity, str) else list(fidelity)
        for f in self.fidelities:
            if f not in ("LoFi", "HiFi2", "HiFi3", "HiFi4"):
                raise ValueError(f"fidelity {f!r} is not one of LoFi, HiFi2, HiFi3, HiFi4")
        self.fidelity = max(self.fidelities, key=["LoFi", "HiFi2", "HiFi3", "HiFi4"].index)   # the default
        self.fp32_acc = fp32_acc
        self.inputs = [a, b] + ([bias] if bias is not None else [])
        self.dtype = out_dtype or ("fp32" if "fp32" in (a.dtype, b.dtype) else a.dtype if a.dtype == "bf16" else "bf16")
        self.B = a.batch
        self.Mt, self.Kt, self.Nt = a.Ht, a.Wt, b.Wt
        self.shape = (*a.shape[:-1], b.W)
        # the epilogue is fused unless padding rows/cols would hold bias / act(0) values
        act0 = activation is not None and float(UNARY[activation][2](np.float64(0.0))) != 0.0
        self.fused_epilogue = not ((a.H % TILE and (bias is not None or act0)) or (b.W % TILE and act0))

    def key(self) -> dict:
        return dict(super().key(), act=self.activation, fid=self.fidelities, fp32=self.fp32_acc, out=self.dtype)

    def out_spec(self):
        return self.shape, self.dtype

    def dst_capacity(self) -> int:
        return 4 if self.fp32_acc else 8

    # -- the space ----------------------------------------------------------------------------------
    def space(self) -> dict:
        g = max(self.device.grid.x, self.device.grid.y)
        return {"variant": ["mcast2d", "mcast1d", "blocked"], "pm": block_sizes(self.Mt, g), "pn": block_sizes(self.Nt, g),
                "kb": divisors(self.Kt), "sub_h": [1, 2, 3, 4, 5, 6, 7, 8], "sub_w": [1, 2, 3, 4, 5, 6, 7, 8],
                "depth": [1, 2, 3], "split_dm": [0, 1], "reader_noc": [0, 1], "writer_noc": [1, 0], "b_noc": [0, 1], "cross": [0, 1],
                "l1_acc": [1, 0], "tail": [1, 2, 4, 8], "head": [0, 1, 2, 4], "pre": [0, 1], "link": [0, 1], "senders": ["spread", "edge"],
                "fidelity": sorted(self.fidelities, key=["HiFi4", "HiFi3", "HiFi2", "LoFi"].index)}

    def layout(self, cfg: dict) -> tuple[int, int, int]:
        """(grid columns, grid rows, cores) of a configuration."""
        MB, NB = blocks(self.Mt, cfg["pm"]), blocks(self.Nt, cfg["pn"])
        gx, gy = self.device.grid.x, self.device.grid.y
        if cfg["variant"] == "mcast2d":
            rows = max(d for d in divisors(MB) if d <= gy)    # m blocks y, y + rows, ... on grid row y
            return NB, rows, NB * rows
        if cfg["variant"] == "mcast1d":
            cols = min(NB, gx)
            return cols, -(-NB // cols), NB
        n = min(self.B * MB * NB, gx * gy)
        return min(n, gx), -(-n // gx), n

    def jobs_per_core(self, cfg: dict) -> int:
        MB, NB = blocks(self.Mt, cfg["pm"]), blocks(self.Nt, cfg["pn"])
        gx, gy, n = self.layout(cfg)
        if cfg["variant"] == "mcast2d":
            return self.B * MB // gy
        if cfg["variant"] == "mcast1d":
            return self.B
        return -(-self.B * MB * NB // n)

    def cb_pages(self, cfg: dict) -> dict[int, int]:
        """Pages of CB 0 (A), 1 (B), 16 (output), 24 (partial sums) and 2 (bias) of a configuration.
        With L1 accumulation straight into the output CB, that CB holds the whole block (two blocks
        when the core has several jobs and L1 allows, so the writer drains one while the next fills)."""
        pm, pn, kb, tail = cfg["pm"], cfg["pn"], cfg["kb"], cfg.get("tail", 1)
        d = self.slots(cfg)
        multi = self.Kt > kb * tail
        acc = bool(cfg.get("l1_acc", 0)) and multi
        pages = {0: pm * kb * d, 1: kb * pn * d, 16: 2 * cfg["sub_h"] * cfg["sub_w"],
                 24: pm * pn if multi and (not acc or self.reload_last) else 1}
        if self.bias is not None and self.fused_epilogue:
            pages[2] = pn
        if acc and not self.reload_last:
            pages[16] = pm * pn
            if self.jobs_per_core(cfg) > 1 and self._bytes({**pages, 16: 2 * pm * pn}) <= \
                    l1_budget(self.device, self.inputs):
                pages[16] = 2 * pm * pn
        return pages

    def slots(self, cfg: dict) -> int:
        """K blocks the A and B CBs hold: `depth` beyond the last step's `tail`, rounded up to a multiple
        of tail so that the last step's blocks never wrap round the end of the CB (kblocks % tail == 0)."""
        tail = cfg.get("tail", 1)
        return -(-(cfg["depth"] + tail - 1) // tail) * tail

    def _bytes(self, pages: dict[int, int]) -> int:
        size = {0: tile_bytes(self.a.dtype), 1: tile_bytes(self.b.dtype), 16: tile_bytes(self.dtype),
                24: tile_bytes(self.part_dtype), 2: tile_bytes(self.bias.dtype) if self.bias is not None else 0}
        return sum(n * size[cb] for cb, n in pages.items())

    def cb_bytes(self, cfg: dict) -> int:
        return self._bytes(self.cb_pages(cfg))

    @property
    def part_dtype(self) -> str:
        return "fp32" if self.fp32_acc else self.dtype

    @property
    def reload_last(self) -> bool:
        """With L1 accumulation: the last K block reloads the partial sums from CB 24 into DST (an
        activation needs the full sum there; fp32 partials of a narrower output must stay fp32 until
        the last pack), instead of accumulating straight into the output CB."""
        act = self.activation if self.fused_epilogue else None
        return act is not None or self.part_dtype != self.dtype

    def check(self, cfg: dict) -> str | None:
        pm, pn, kb, sh, sw = cfg["pm"], cfg["pn"], cfg["kb"], cfg["sub_h"], cfg["sub_w"]
        if self.Kt % kb or not (0 < pm <= self.Mt and 0 < pn <= self.Nt):
            return f"kb={kb} must divide Kt={self.Kt}, pm={pm} and pn={pn} be within Mt={self.Mt}, Nt={self.Nt}"
        tail = cfg.get("tail", 1)
        if tail > 1 and ((self.Kt // kb) % tail or self.Kt // kb == tail):
            return f"tail={tail} must divide the {self.Kt // kb} K blocks and be fewer"
        head = cfg.get("head", 0)
        if head and (head >= kb or self.Kt // kb <= tail):
            return f"head={head} must be below kb={kb}, with the first K block outside the last step (tail={tail})"
        if cfg.get("pre", 0) and self.slots(cfg) < tail + 1:
            # the compute holds `tail` blocks while the reader fills the next two slots
            return f"pre needs {tail + 1} K blocks of CB (depth={cfg['depth']}, tail={tail} gives {self.slots(cfg)})"
        if cfg.get("l1_acc", 0) and kb * tail == self.Kt:
            return f"l1_acc needs more than one K step (kb={kb} x tail={tail} = Kt)"
        if pm % sh or pn % sw:
            return f"sub-block {sh}x{sw} must divide the {pm}x{pn} block"
        cap = self.dst_capacity() - (1 if self.bias is not None and self.fused_epilogue else 0)
        if sh * sw > cap:
            return f"sub-block {sh}x{sw} > {cap} DST tiles"
        why = self._layout_problem(cfg["variant"], pm, pn) or self.shared_buffer(cfg["variant"], cfg)
        if why:
            return why
        if self.cb_bytes(cfg) > l1_budget(self.device, self.inputs):
            return f"CBs need {self.cb_bytes(cfg)} B > {l1_budget(self.device, self.inputs)} B of L1"
        return None

    def _layout_problem(self, v: str, pm: int, pn: int) -> str | None:
        gx, gy = self.device.grid.x, self.device.grid.y
        MB, NB = blocks(self.Mt, pm), blocks(self.Nt, pn)
        if v == "mcast2d":
            rows = max(d for d in divisors(MB) if d <= gy)
            if NB > gx or rows * NB < 2:
                return f"mcast2d needs the {NB} n blocks within {gx} columns and at least 2 cores"
            if self.B * MB // rows > 16:
                return f"mcast2d with {self.B * MB // rows} jobs per core (at most 16)"
        if v == "mcast1d":
            if MB != 1:
                return "mcast1d needs one m block (pm = Mt)"
            cols = min(NB, gx)
            if NB % cols or NB // cols > gy or cols < 2:
                return f"mcast1d needs the {NB} n blocks as full rows of at most {gx}"
        if v == "blocked" and self.B * MB * NB > 8 * gx * gy:
            return "more than 8 blocks per core"
        return None

    # axes that route data or pick the fidelity: they decide validity only through command-buffer sharing
    FREE = ("split_dm", "reader_noc", "writer_noc", "b_noc", "cross", "senders", "fidelity", "link")

    def shared_buffer(self, v: str, f: dict) -> str | None:
        """Why the reader and writer RISC-Vs would issue through one NIU command buffer (dedicated-NoC
        mode: each NoC's NIU has one write, read, small-write and atomic buffer, NoC §6.1), or None.
        A stream reads on its NoC (the other one when crossed); a multicast sender writes and sets flags
        on its NoC, a receiver increments the sender's counter there; the output is written on the
        writer's NoC."""
        a, b, c = f["reader_noc"], f.get("b_noc", f["writer_noc"] if f["split_dm"] else f["reader_noc"]), f["writer_noc"]
        a_modes = {0} if v == "blocked" else {1, 2}
        b_modes = {1, 2} if v == "mcast2d" else {0}
        x = f.get("cross", 0)

        def uses(noc, modes):
            return {(noc ^ x, "read")} | ({(noc, "write"), (noc, "small write")} if 1 in modes else set()) | \
                   ({(noc, "atomic")} if 2 in modes else set())
        reader = uses(a, a_modes) | (set() if f["split_dm"] else uses(b, b_modes))
        writer = {(c, "write")} | (uses(b, b_modes) if f["split_dm"] else set())
        both = sorted(reader & writer)
        if both:
            return (f"the reader and writer RISC-Vs would share NoC {both[0][0]}'s {both[0][1]} command buffer "
                    f"(A on NoC {a}, B on NoC {b}, C on NoC {c}, split_dm={f['split_dm']}, cross={x})")
        return None

    ROUTES = ("split_dm", "reader_noc", "writer_noc", "b_noc", "cross")

    def repairs(self, cfg: dict, moved: str) -> list[dict]:
        """For a move of one axis that made the RISC-Vs share a command buffer: the same move with the
        other routing axes re-assigned, fewest changes first (so the search can cross from one valid
        NoC assignment to another, which one-axis moves cannot)."""
        if moved not in self.ROUTES + ("variant",) or self.shared_buffer(cfg["variant"], cfg) is None:
            return []
        rest = [a for a in self.ROUTES if a != moved]
        out = []
        for vals in itertools.product(*(self.space()[a] for a in rest)):
            c = dict(cfg, **dict(zip(rest, vals)))
            if self.valid(c):
                out.append((sum(c[a] != cfg[a] for a in rest), c))
        fewest = min((n for n, _ in out), default=0)
        return [c for n, c in out if n == fewest]

    def configs(self):
        """Every valid configuration: the same set as Op.configs(), without checking each of the ~10^7
        points of the product: the axes that decide validity are walked as nested loops that prune
        early (layout, K blocks, sub-blocks that divide the block and fit DST, then L1), and every
        combination of the free axes is added to each valid point."""
        axes = self.space()
        free = [dict(zip(self.FREE, v)) for v in itertools.product(*(axes[a] for a in self.FREE))]
        cap = self.dst_capacity() - (1 if self.bias is not None and self.fused_epilogue else 0)
        for v in axes["variant"]:
            frees = [f for f in free if self.shared_buffer(v, f) is None]
            for pm in axes["pm"]:
                for pn in axes["pn"]:
                    if self._layout_problem(v, pm, pn):
                        continue
                    for kb, tail, l1_acc in itertools.product(axes["kb"], axes["tail"], axes["l1_acc"]):
                        for sh, sw in itertools.product(axes["sub_h"], axes["sub_w"]):
                            if pm % sh or pn % sw or sh * sw > cap:
                                continue
                            for depth, pre, head in itertools.product(axes["depth"], axes["pre"], axes["head"]):
                                c = dict(frees[0], variant=v, pm=pm, pn=pn, kb=kb, sub_h=sh, sub_w=sw, depth=depth,
                                         l1_acc=l1_acc, tail=tail, pre=pre, head=head)
                                if self.check(c) is None:
                                    for f in frees:
                                        yield {a: f[a] if a in f else c[a] for a in axes}

    def _sub(self, pm: int, pn: int) -> tuple[int, int]:
        """The largest sub-block that fits DST (wider first: each in0 tile serves sub_w outputs)."""
        cap = self.dst_capacity() - (1 if self.bias is not None and self.fused_epilogue else 0)
        return max(((h, w) for h in divisors(pm) for w in divisors(pn) if h * w <= cap), key=lambda t: (t[0] * t[1], t[1]))

    def default(self) -> dict:
        """A sound start without timing anything: the 2-D multicast over as many cores as divide the
        output, or the 1-D one (every core on one m block) when that occupies clearly more cores
        (skinny M); an in0 block of up to 4 tiles; the largest sub-block; double buffering; packer L1
        accumulation; multicast senders spread over the grid; the last step over up to 4 K blocks."""
        gx, gy = self.device.grid.x, self.device.grid.y
        kb = max(d for d in divisors(self.Kt) if d <= 4)
        base = {"kb": kb, "depth": 2, "pre": 0, "link": 0, "head": 0, "cross": 0, "split_dm": 1, "reader_noc": 0, "writer_noc": 1, "fidelity": self.fidelity,
                "b_noc": 1, "senders": "spread"}
        # the smallest blocks whose count fits the grid (ragged when the grid does not divide the tiles)
        pm = min(d for d in block_sizes(self.Mt, gy) if blocks(self.Mt, d) <= gy or d >= 8)
        pn = min(d for d in block_sizes(self.Nt, gx) if blocks(self.Nt, d) <= gx)
        cands = [dict(base, variant="mcast2d", pm=pm, pn=pn)]
        for pn1 in divisors(self.Nt):            # 1-D: the smallest n block whose count fills whole grid rows
            c = dict(base, variant="mcast1d", pm=self.Mt, pn=pn1)
            c["sub_h"], c["sub_w"] = self._sub(self.Mt, pn1)
            if self.valid(c):
                cands.append(c)
                break
        cands.append(dict(base, variant="blocked", pm=pm, pn=pn))
        ok = []
        for c in cands:
            c.setdefault("sub_h", self._sub(c["pm"], c["pn"])[0])
            c.setdefault("sub_w", self._sub(c["pm"], c["pn"])[1])
            # (L1 accumulation costs 5x the pack: with K blocks of 1 tile the packer would be the bottleneck)
            c1 = next((c1 for k in (kb, 1) for tail in (4, 2, 1)
                       if self.valid(c1 := dict(c, kb=k, tail=tail, l1_acc=int(self.Kt > k * tail and k > 1)))), None)
            if c1:
                ok.append(c1)
        if not ok:
            return next(self.configs())
        two = [c for c in ok if c["variant"] == "mcast2d"]
        one = [c for c in ok if c["variant"] == "mcast1d"]
        c = one[0] if one and (not two or self.layout(one[0])[2] > 1.5 * self.layout(two[0])[2]) else \
            two[0] if two else ok[0]
        # spread senders make the kernels' core sets scattered (one dispatch multicast per rectangle,
        # about 20 us more on 64 cores): worth it when the math per core is longer than that
        phases = ["LoFi", "HiFi2", "HiFi3", "HiFi4"].index(c["fidelity"]) + 1
        if c["pm"] * c["pn"] * self.Kt * 16 * phases * self.jobs_per_core(c) < 16384:
            c["senders"] = "edge"
        return c

    def seeds(self) -> list[dict]:
        d = self.default()
        out = []
        for k in divisors(self.Kt):              # each K block size with the longest last step that fits
            if 2 <= k <= 16:
                out += [c for c in (dict(d, kb=k, tail=t, l1_acc=int(self.Kt > k * t)) for t in (4, 2, 1))
                        if self.valid(c)][:1]
        out += [dict(d, sub_h=h, sub_w=w) for h, w in ((2, 4), (4, 2), (2, 2))]
        out += [dict(d, variant="blocked"), dict(d, depth=1), dict(d, l1_acc=0, tail=1)]
        if self.Mt <= 8:
            out.append(dict(d, variant="mcast1d", pm=self.Mt, sub_h=min(self.Mt, 4), sub_w=1))
        return out

    def reference(self, a, b, bias=None):
        # float32 products summed by BLAS: its error (~1e-6 relative) is far inside the bf16 bounds, and a
        # 4096^3 reference takes a few seconds instead of ten
        r = (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float64)
        if not self.fused_epilogue:          # bias and activation run as a separate element-wise op
            return r
        if bias is not None:
            r = r + bias.reshape(-1)
        if self.activation:
            r = UNARY[self.activation][2](r)
        return r

    def tolerance(self, cfg):
        # DST accumulates one tile product per K tile (Kt steps) in bf16, or fp32 with fp32_acc; between
        # K steps the running sums are rounded to the partials' format (CB 24, or the output CB with L1
        # accumulation, which adds in that format): one more rounding per step
        acc = "fp32" if self.fp32_acc else "bf16"
        rel, _ = tolerance(self.dtype, ops=1)
        _, ab = tolerance(acc, cfg.get("fidelity", self.fidelity), terms=self.Kt)
        kb = cfg.get("kb", self.Kt)
        steps = self.Kt // kb - cfg.get("tail", 1) + 1 + (cfg.get("head", 0) > 0) if self.Kt % kb == 0 else 1
        if steps > 1:
            ab += 2 * ROUNDING[as_dtype(self.part_dtype)] * steps ** 0.5
        return rel, ab + rel

    # -- the lowering ---------------------------------------------------------------------------------
    def _rect(self, lo, hi, noc):
        """The multicast rectangle over logical cores lo..hi as a host passes it: NoC0 coordinates, start
        at the top-left; for NoC 1 the start is the other corner. Wormhole and Blackhole kernels use
        translated coordinates (the same on both NoCs), so the host swaps the corners; on Grayskull the
        kernel API mirrors NoC0 coordinates for NoC 1, which swaps them itself."""
        dev = self.device
        pa, pb = dev.worker_core(lo), dev.worker_core(hi)
        a, b = (min(pa.x, pb.x), min(pa.y, pb.y)), (max(pa.x, pb.x), max(pa.y, pb.y))
        return [*b, *a] if noc == 1 and dev.arch.translated else [*a, *b]

    def sources(self) -> dict[str, str]:
        fused_bias = self.bias is not None and self.fused_epilogue
        act = self.activation if self.fused_epilogue else None
        act_code = f"{UNARY[act][1]}(); {UNARY[act][0]}(i)" if act else "(void)(i)"
        compute = (COMPUTE.replace("__INCLUDES__", COMPUTE_INCLUDES.rstrip()).replace("__BIAS__", str(int(fused_bias)))
                   .replace("__ACT__", act_code).replace("__HAS_ACT__", "true" if act else "false")
                   .replace("__RELOAD__", str(int(self.reload_last))))
        return {"data movement": DM, "compute": compute}

    def build(self, cfg: dict, out: Tensor) -> Built:
        dev = self.device
        v, pm, pn, kb = cfg["variant"], cfg["pm"], cfg["pn"], cfg["kb"]
        MB, NB = blocks(self.Mt, pm), blocks(self.Nt, pn)
        gx, gy, n = self.layout(cfg)
        split_dm = bool(cfg["split_dm"])
        spread = cfg.get("senders", "edge") == "spread"
        noc0 = cfg["reader_noc"]                              # the NoC that carries A
        noc1 = cfg.get("b_noc", cfg["writer_noc"] if split_dm else noc0)   # the NoC that carries B
        srcs = self.sources()
        fused_bias = self.bias is not None and self.fused_epilogue
        a_bs = self.Mt * self.Kt
        b_bs = self.Kt * self.Nt if self.b.batch > 1 else 0
        none = [0, 0, 0, 0, 0]
        roles: dict[tuple[int, int], tuple] = {}     # core -> (in0 mode, in1 mode, in0 link, in1 link, first, jobs, stride)
        if v == "blocked":
            jobs = self.B * MB * NB
            cores = [(i % gx, i // gx) for i in range(n)]
            for c, (first, cnt) in zip(cores, split(jobs, n)):
                roles[c] = (0, 0, none, none, first, cnt, 1)
        else:
            for i in range(n):
                if v == "mcast2d":
                    x, y = i % NB, i // NB
                    mb, nb, row_len, col_len = y, x, NB, gy
                else:
                    x, y = i % gx, i // gx
                    mb, nb, row_len, col_len = 0, i, gx, 1
                # the sender of a row's A block (a column's B block): the first core of the row (column),
                # or with spread senders core y of row y (core x of column x), so the senders' DRAM reads
                # arrive over as many NoC links as there are rows; a sender inside the rectangle is
                # skipped by the (non-loopback) multicast
                sx, sy = (y % row_len, x % col_len) if spread else (0, 0)
                if row_len > 1:
                    lo = 0 if spread else 1
                    in0 = (1, self._rect((lo, y), (row_len - 1, y), noc0) + [row_len - 1]) if x == sx else \
                          (2, [*dev.worker_core((sx, y)), 0, 0, 0])
                else:
                    in0 = (0, none)
                if col_len > 1:
                    lo = 0 if spread else 1
                    in1 = (1, self._rect((x, lo), (x, col_len - 1), noc1) + [col_len - 1]) if y == sy else \
                          (2, [*dev.worker_core((x, sy)), 0, 0, 0])
                else:
                    in1 = (0, none)
                if v == "mcast2d":     # m blocks y, y + gy, ... of every batch: stride gy * NB
                    roles[(x, y)] = (in0[0], in1[0], in0[1], in1[1], mb * NB + nb, self.B * MB // gy, gy * NB)
                else:
                    roles[(x, y)] = (in0[0], in1[0], in0[1], in1[1], mb * NB + nb, self.B, MB * NB)
        slots = self.slots(cfg)
        A, Bb, C = self.a.buffer, self.b.buffer, out.buffer
        ct = [TensorAccessorArgs(A), TensorAccessorArgs(Bb), TensorAccessorArgs(C)] + \
            ([TensorAccessorArgs(self.bias.buffer)] if fused_bias else [])

        def args(c):
            _, _, l0, l1, first, cnt, stride = roles[c]
            return [A, Bb, C, first, cnt, stride, MB, NB, self.Mt, self.Kt, self.Nt, pm, pn, kb, a_bs, b_bs,
                    cfg["sub_h"], cfg["sub_w"], cfg.get("pre", 0), slots, cfg.get("link", 0), cfg.get("head", 0), *l0, *l1, *([self.bias.buffer] if fused_bias else [])]

        # reader: A (and B unless split); writer: the output (and B when split)
        jobs_of = {"reader": (1, 0 if split_dm else 1, 0), "writer": (0, 1 if split_dm else 0, 1)}
        kernels = []
        for role, (do0, do1, do_out) in jobs_of.items():
            groups: dict[tuple[int, int], list] = {}
            for c, r in roles.items():
                groups.setdefault((r[0] if do0 else 0, r[1] if do1 else 0), []).append(c)
            for (m0, m1), cs in sorted(groups.items()):
                kernels.append(Kernel(
                    srcs["data movement"], on=role, noc=cfg[f"{role}_noc"], cores=cs,
                    name=f"gen_matmul_{role}{'_a' if do0 else ''}{'_b' if do1 else ''}{'_c' if do_out else ''}_{m0}{m1}.cpp",
                    defines={"DO_IN0": do0, "DO_IN1": do1, "DO_OUT": do_out, "IN0_MODE": m0, "IN1_MODE": m1,
                             "HAS_BIAS": int(fused_bias), "A_NOC": noc0, "B_NOC": noc1, "C_NOC": cfg["writer_noc"],
                             "A_READ_NOC": noc0 ^ cfg.get("cross", 0), "B_READ_NOC": noc1 ^ cfg.get("cross", 0)},
                    compile_args=ct, runtime_args={c: args(c) for c in cs}))
        allc = list(roles)
        kernels.append(Kernel(srcs["compute"], on="compute", name="gen_matmul_compute.cpp", math_fidelity=cfg["fidelity"],
                              fp32_dest_acc_en=self.fp32_acc,
                              runtime_args={c: [roles[c][5], pm, pn, kb, self.Kt // kb, cfg["sub_h"], cfg["sub_w"],
                                                cfg.get("l1_acc", 0), cfg.get("tail", 1), cfg.get("head", 0)] for c in allc}))
        # the output CB double-buffers one sub-block (the writer drains it while the next is computed),
        # or holds the whole block when it accumulates in L1; the partial sums of the whole block live in
        # CB 24 between K blocks (one page when unused: every candidate then has the same CB formats, so
        # they share one compile)
        pages = self.cb_pages(cfg)
        cbs = [CircularBuffer(0, self.a.format, tile_bytes(self.a.dtype), pages[0]),
               CircularBuffer(1, self.b.format, tile_bytes(self.b.dtype), pages[1]),
               CircularBuffer(16, out.format, tile_bytes(self.dtype), pages[16]),
               CircularBuffer(24, fmt(self.part_dtype), tile_bytes(self.part_dtype), pages[24])]
        if fused_bias:
            cbs.append(CircularBuffer(2, self.bias.format, tile_bytes(self.bias.dtype), pages[2]))
        sems = [Semaphore(0) for _ in range(4)]
        return Built(Program(allc, kernels, cbs, sems), srcs)


def matmul(a: Tensor, b: Tensor, bias: Tensor | None = None, activation: str | None = None, *,
           fidelity: str | list[str] = "HiFi4", fp32_acc: bool = False, out_dtype: str | None = None,
           config: dict | None = None, beam: int | None = None, out: Tensor | None = None) -> Tensor:
    """C = activation(A @ B + bias) on the device. A: (..., M, K), B: (K, N) or (..., K, N), bias: (N,).
    fidelity: one math fidelity, or a list of those the caller accepts (the search picks; the default
    config takes the most exact).
    config: a dict over Matmul.space() axes (merged over the default); beam=k searches (TENSIX_BEAM=k).
    The configuration, modelled time and generated C++ are on the result's `.run`."""
    op = Matmul(a, b, bias, activation, fidelity, fp32_acc, out_dtype)
    c = run(op, config, beam, out if op.fused_epilogue else None)
    if op.fused_epilogue:
        return c
    # bias / activation after the matmul, as one fused element-wise op that keeps the padding zero
    parts = [c] + ([bias] if bias is not None else [])

    def epi(x, *rest):
        y = x + rest[0] if rest else x
        return getattr(y, activation)() if activation else y
    y = fuse(epi, *parts, out=out)
    mm, ep = c.run, y.run
    y.run = RunInfo("matmul+epilogue", {"matmul": mm.config, "epilogue": ep.config}, ep.time,
                    {**{f"matmul {k}": v for k, v in mm.sources.items()}, **{f"epilogue {k}": v for k, v in ep.sources.items()}},
                    mm.searched, tuple(a + b for a, b in zip(mm.tolerance, ep.tolerance)), [mm, ep])
    c.free()
    return y
