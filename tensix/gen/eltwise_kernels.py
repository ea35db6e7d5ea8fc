"""The C++ of a fused element-wise program, generated from its expression: the compute kernel that
evaluates the whole expression in DST (FPU for a leaf add/sub/mul when the config allows, SFPU for the
rest; the slots of DST are allocated as the tree is walked) and the reader that brings one tile of
every input per output tile (broadcast inputs by their own index, small ones kept resident in L1).
Mixed into tensix.gen.eltwise.Eltwise, whose fields (expr, operands, dtypes, shape) it reads."""
from __future__ import annotations

import numpy as np

from .expr import BINARY, INT_BINARY, INT_UNARY, SCALAR, UNARY, Sym
from .kernels import COMPUTE_INCLUDES, f32_bits
from .runs import ARGS, RUN_ARGS_DOC, RUNS_CPP
from .tensor import TILE, fmt


class EltwiseSource:
    """Code generation of Eltwise (see the module docstring)."""
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
