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
from .expr import BINARY, INT_BINARY, INT_UNARY, SCALAR, UNARY, Sym, evaluate, simplify, where  # noqa: F401
from .kernels import COMPUTE_INCLUDES, core_counts, core_list, f32_bits, l1_budget, work
from .kernels import writer_source  # noqa: F401  (its home was here: programs.py, bench_compute.py import it from here)
from .op import Built, Op, run
from .runs import ARGS, RUN_ARGS_DOC, RUNS_CPP, run_groups, runs_writer_source
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


class Eltwise(Op):
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

    # -- code generation ------------------------------------------------------------------------------
    def _emit(self, e: Sym, free: list[int], lines: list[str], fpu: bool) -> int:
        """Code evaluating `e` into a DST slot (returned, relative to `base`)."""
        def slot():
            return free.pop(0)
        if e.op == "in":
            s, op = slot(), self.operands[e.value]
            cb, ix = e.value, self._index(e.value)
            if op.bcast == "none":
                lines.append(f"reconfig_data_format_srca(cb_in{cb}); copy_tile_to_dst_init_short(cb_in{cb}); copy_tile(cb_in{cb}, {ix}, base + {s});")
            else:
                B = {"row": "ROW", "col": "COL", "scalar": "SCALAR"}[op.bcast]
                lines.append(f"reconfig_data_format_srca(cb_in{cb}); unary_bcast_init<BroadcastType::{B}>(cb_in{cb}, cb_out); "
                             f"unary_bcast<BroadcastType::{B}>(cb_in{cb}, {ix}, base + {s});")
            return s
        if e.op == "const":
            s = slot()
            lines.append(f"fill_tile_init(); fill_tile(base + {s}, {e.value!r}f);")
            return s
        if fpu and e.op in ("add", "sub", "mul") and all(a.op == "in" and self.operands[a.value].bcast == "none"
                                                         for a in e.args):
            s = slot()
            a, b = (x.value for x in e.args)
            lines.append(f"reconfig_data_format(cb_in{a}, cb_in{b}); {e.op}_tiles_init(cb_in{a}, cb_in{b}); {BINARY[e.op][1]}(cb_in{a}, cb_in{b}, {self._index(a)}, {self._index(b)}, base + {s});"
                         f"   // FPU")
            return s
        if e.op.startswith("scalar_"):
            s = self._emit(e.args[0], free, lines, fpu)
            call, tr = SCALAR[e.op[7:]]
            if self.integer:
                raise ValueError(f"{e.op} with a constant is not available for int32 tensors")
            lines.append(f"binop_with_scalar_tile_init(); {call}(base + {s}, {f32_bits(tr(e.value))});")
            return s
        if e.op in UNARY:
            s = self._emit(e.args[0], free, lines, fpu)
            if self.integer:
                if e.op not in INT_UNARY:
                    raise ValueError(f"{e.op} is not available for int32 tensors (int32 has {sorted(INT_UNARY)})")
                lines.append(f"{INT_UNARY[e.op]}(base + {s});")
            else:
                call, init, _ = UNARY[e.op]
                lines.append(f"{init}(); {call}(base + {s});")
            return s
        if e.op == "cast":
            s = self._emit(e.args[0], free, lines, fpu)
            src = self._dtype_of(e.args[0])
            if (src == "int32") != (e.value == "int32"):
                a, b = int(fmt(src)), int(fmt(e.value))
                lines.append(f"typecast_tile_init<{a}u, {b}u>(); typecast_tile<{a}u, {b}u>(base + {s});"
                             f"   // {src} -> {e.value}")
            return s
        if e.op in BINARY:
            a = self._emit(e.args[0], free, lines, fpu)
            b = self._emit(e.args[1], free, lines, fpu)
            if self.integer:
                if e.op not in INT_BINARY:
                    raise ValueError(f"{e.op} is not available for int32 tensors (int32 has {sorted(INT_BINARY)})")
                lines.append(f"{INT_BINARY[e.op]}_init(); {INT_BINARY[e.op]}(base + {a}, base + {b}, base + {a});")
            else:
                call = BINARY[e.op][0]
                lines.append(f"{call}_init(); {call}(base + {a}, base + {b}, base + {a});")
            free.insert(0, b)
            free.sort()
            return a
        if e.op == "where":
            c, t, f = (self._emit(x, free, lines, fpu) for x in e.args)
            lines.append(f"where_tile_init(); where_tile(base + {c}, base + {t}, base + {f}, base + {c});")
            free.extend([t, f])
            free.sort()
            return c
        raise ValueError(f"element-wise op {e.op} has no lowering")

    def _bitmap_offsets(self) -> dict[int, int]:
        """Reader runtime-arg index of each resident input's bitmap (one bit per tile of it)."""
        at, out = len(ARGS) + 2 + 4 * len(self.inputs) + 1, {}
        for i, t in enumerate(self.inputs):
            if self.resident[i]:
                out[i] = at
                at += -(-t.num_tiles // 32)
        return out

    def _bitmaps(self, u0: int, nr: int, step: int, banks: int, P: int) -> list[int]:
        """The bitmap words of every resident input: which of its tiles this core's runs use."""
        u = u0 + step * np.arange(nr)
        t = (u % banks)[:, None] + banks * ((u // banks)[:, None] * P + np.arange(P)[None, :])
        t = t[t < self.tiles]
        b, r, c = t // (self.Ht * self.Wt), (t // self.Wt) % self.Ht, t % self.Wt
        words = []
        for i, (x, op) in enumerate(zip(self.inputs, self.operands)):
            if self.resident[i]:
                bits = np.zeros(-(-x.num_tiles // 32) * 32, np.uint8)
                sb, sr, sc = op.strides
                bits[np.unique(b * sb + r * sr + c * sc)] = 1
                words += [int(w) for w in (bits.reshape(-1, 32).astype(np.uint64) << np.arange(32, dtype=np.uint64)).sum(1)]
        return words

    def _index(self, i: int) -> str:
        """The CB tile index of input i for the tile being computed: its place in the block, or for a
        resident input its own tile index."""
        return f"ix{i}" if self.resident[i] else "p"

    def _dtype_of(self, e: Sym) -> str:
        if e.op == "in":
            return self.inputs[e.value].dtype
        if e.op == "cast":
            return e.value
        return self._dtype_of(e.args[0]) if e.args else "bf16"

    def compute_source(self, fpu: bool) -> str:
        lines: list[str] = []
        res = self._emit(self.expr, list(range(self.slots)), lines, fpu)
        n = len(self.inputs)
        body = "\n".join("                " + ln for ln in lines)
        mask = ""
        if self.mask:
            spare = self.slots - 2
            wm, hm = int(self.shape[-1] % TILE != 0), int(self.shape[-2] % TILE != 0)
            mask = f"""
                // the padding must stay zero (even where the expression gave inf or nan there): on edge tiles
                // keep the value where the 0/1 mask (0: cols, 1: rows, 2: both) is 1, else 0
                const uint32_t m = (({wm} && c == Wt - 1) ? 1 : 0) | (({hm} && r == Ht - 1) ? 2 : 0);
                if (m) {{
                    reconfig_data_format_srca(cb_mask); copy_tile_to_dst_init_short(cb_mask); copy_tile(cb_mask, m - 1, base + {spare});
                    fill_tile_init(); fill_tile(base + {spare + 1}, 0.0f);
                    where_tile_init(); where_tile(base + {spare}, base + {res}, base + {spare + 1}, base + {res});
                }}"""
        streamed = [i for i in range(n) if not self.resident[i]]
        cbs = "\n".join(f"constexpr uint32_t cb_in{i} = {i};" for i in range(n))
        waits = " ".join(f"cb_wait_front(cb_in{i}, block);" for i in streamed)
        pops = " ".join(f"cb_pop_front(cb_in{i}, block);" for i in streamed)
        res_wait = " ".join(f"cb_wait_front(cb_in{i}, {self.inputs[i].num_tiles});" for i in range(n) if self.resident[i])
        ixs = "\n".join(f"                const uint32_t ix{i} = b * get_arg_val<uint32_t>({len(ARGS) + 1 + 3 * i}) + "
                        f"r * get_arg_val<uint32_t>({len(ARGS) + 2 + 3 * i}) + c * get_arg_val<uint32_t>({len(ARGS) + 3 + 3 * i});"
                        for i in range(n) if self.resident[i])
        return f"""// generated by tensix.gen: out = {self.expr!r}
// {self.tiles} tiles of {self.shape}; each DST round holds `dst` tiles of {self.slots} slots each.
// Runtime args: {RUN_ARGS_DOC}; tiles per DST round, per input its tile strides.
{COMPUTE_INCLUDES}
{cbs}
constexpr uint32_t cb_mask = 8, cb_out = 16;
constexpr uint32_t SLOTS = {self.slots};
{RUNS_CPP}
void kernel_main() {{
    const Runs w = runs_from_args();
    const uint32_t dst = get_arg_val<uint32_t>({len(ARGS)}), block = w.rb * w.P, Ht = w.Ht, Wt = w.Wt;
    (void)Ht; (void)Wt;
    init_sfpu(cb_in0, cb_out);
    {"cb_wait_front(cb_mask, 3);" if self.mask else ""}
    {res_wait}
    for (uint32_t ib = 0; ib < w.blocks(); ib++) {{
        {waits}
        cb_reserve_back(cb_out, block);
        uint32_t k = 0, q = 0;                    // the next tile: run k of the block, its tile q
        while (true) {{
            uint32_t m = 0, pos[8], tid[8];        // up to `dst` tiles of the block, their places and tile ids
            while (m < dst && k < w.rb && w.has(ib, k)) {{
                const uint32_t u = w.run(ib, k);
                if (q < w.tiles_in(u)) {{ pos[m] = k * w.P + q; tid[m] = w.tile(u, q); m++; q++; }}
                else {{ k++; q = 0; }}
            }}
            if (!m) break;
            tile_regs_acquire();
            for (uint32_t j = 0; j < m; j++) {{
                const uint32_t base = j * SLOTS, p = pos[j], id = tid[j];
                const uint32_t b = id / (Ht * Wt), r = (id / Wt) % Ht, c = id % Wt;
                (void)p; (void)b; (void)r; (void)c;
{ixs}
{body}{mask}
            }}
            tile_regs_commit();
            tile_regs_wait();
            for (uint32_t j = 0; j < m; j++) pack_tile<true>(j * SLOTS + {res}, cb_out, pos[j]);
            tile_regs_release();
        }}
        {pops}
        cb_push_back(cb_out, block);
    }}
}}
"""

    def reader_source(self, contiguous: list[bool]) -> str:
        """contiguous[i]: input i's tiles are the output's and lie in the output's banks, so a run of
        P tiles is P consecutive pages of one bank: one request."""
        n = len(self.inputs)
        acc, reads, ctas, res = [], [], [], []
        off = "0"
        A = len(ARGS) + 2          # after the run args: depth, inflight
        bitmap_at = self._bitmap_offsets()
        for i, op in enumerate(self.operands):
            acc.append(f"    constexpr auto a{i}_args = TensorAccessorArgs<{off}>();\n"
                       f"    const auto a{i} = TensorAccessor(a{i}_args, get_arg_val<uint32_t>({A + i}), get_tile_size({i}));")
            off = f"a{i}_args.next_compile_time_args_offset()"
            acc.append(f"    const uint32_t sb{i} = get_arg_val<uint32_t>({A + n + 3 * i}), sr{i} = get_arg_val<uint32_t>({A + 1 + n + 3 * i}), "
                       f"sc{i} = get_arg_val<uint32_t>({A + 2 + n + 3 * i});\n    (void)sb{i}; (void)sr{i}; (void)sc{i};")
            if self.resident[i]:
                nt, at = self.inputs[i].num_tiles, bitmap_at[i]
                res.append(f"        cb_reserve_back({i}, {nt});   // input {i}: the tiles of it this core uses (a bitmap), once\n"
                           f"        for (uint32_t t = 0; t < {nt}; t++)\n"
                           f"            if ((get_arg_val<uint32_t>({at} + t / 32) >> (t % 32)) & 1)\n"
                           f"                noc_async_read_page(t, a{i}, get_write_ptr({i}) + t * get_tile_size({i}));")
            elif contiguous[i]:
                reads.append(f"                noc_async_read(a{i}.get_noc_addr(w.tile(u, 0)), at{i} + k * w.P * get_tile_size({i}), v * get_tile_size({i}));")
            else:
                reads.append(f"                for (uint32_t q = 0; q < v; q++) {{\n"
                             f"                    const uint32_t t = w.tile(u, q), b = t / (w.Ht * w.Wt), r = (t / w.Wt) % w.Ht, c = t % w.Wt;\n"
                             f"                    noc_async_read_page(b * sb{i} + r * sr{i} + c * sc{i}, a{i}, at{i} + (k * w.P + q) * get_tile_size({i}));\n"
                             f"                }}")
        streamed = [i for i in range(n) if not self.resident[i]]
        pushes = " ".join(f"cb_push_back({i}, block);" for i in streamed)
        reserves = " ".join(f"cb_reserve_back({i}, ahead * block);" for i in streamed)
        bases = "\n".join(f"    const uint32_t base{i} = get_write_ptr({i});" for i in streamed)
        ats = " ".join(f"const uint32_t at{i} = base{i} + slot * block * get_tile_size({i});" for i in streamed)
        # the tiles read once (resident inputs, the masks) go out right after block 0's reads, under its
        # transaction id, and are handed over with it: their latency overlaps the first block's
        once, once_push = list(res), [f"cb_push_back({i}, {self.inputs[i].num_tiles});" for i in range(n) if self.resident[i]]
        if self.mask:
            acc.append(f"    constexpr auto m_args = TensorAccessorArgs<{off}>();\n"
                       f"    const auto mk = TensorAccessor(m_args, get_arg_val<uint32_t>({A + 4 * n}), get_tile_size(8));")
            once.append("        cb_reserve_back(8, 3);   // the three 0/1 mask tiles\n"
                        "        for (uint32_t t = 0; t < 3; t++) noc_async_read_page(t, mk, get_write_ptr(8) + t * get_tile_size(8));")
            once_push.append("cb_push_back(8, 3);")
        once_src = ("        if (ib == 0) {\n" + "\n".join("    " + ln for ln in "\n".join(once).split("\n")) + "\n        }\n") if once else ""
        pushes = (f"if (pushed == 0) {{ {' '.join(once_push)} }} " if once_push else "") + pushes
        body = "\n".join(reads)
        accs = "\n".join(acc)
        return f"""// generated by tensix.gen: element-wise reader, {n} input(s). Each block of the CBs holds `rb` runs of
// P tiles (run k at tile k * P); a run of an input whose pages are the output's is one request (P
// consecutive pages of one bank), other inputs are read tile by tile, small broadcast inputs once.
// Up to `inflight` blocks of reads are in flight, block i tagged with transaction id i % inflight.
// Runtime args: {RUN_ARGS_DOC}; depth (blocks per CB), inflight; the input addresses, per input
// its tile strides (batch, row, column; 0 where it is broadcast), the mask address (or 0), per
// resident input a bitmap of the tiles this core uses.
{RUNS_CPP}
void kernel_main() {{
    const Runs w = runs_from_args();
    const uint32_t depth = get_arg_val<uint32_t>({A - 2}), inflight = get_arg_val<uint32_t>({A - 1}), block = w.rb * w.P;
    (void)depth;
{accs}
{bases}
    uint32_t pushed = 0;
    const uint32_t nb = w.blocks();
    for (uint32_t ib = 0; ib < nb; ib++) {{
        const uint32_t ahead = ib - pushed + 1, slot = ib % depth;   // blocks reserved past the write pointer
        {reserves}
        {ats}
        if (inflight > 1) noc_async_read_set_trid(ib % inflight);
        for (uint32_t k = 0; k < w.rb && w.has(ib, k); k++) {{
            const uint32_t u = w.run(ib, k), v = w.tiles_in(u);
            if (v) {{
{body}
            }}
        }}
{once_src}        if (ahead == inflight) {{                 // the oldest block in flight has landed: hand it over
            if (inflight > 1) noc_async_read_barrier_with_trid(pushed % inflight); else noc_async_read_barrier();
            {pushes}
            pushed++;
        }}
    }}
    for (; pushed < nb; pushed++) {{
        noc_async_read_barrier_with_trid(pushed % inflight);
        {pushes}
    }}
}}
"""

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
