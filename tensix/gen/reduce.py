"""Reductions (sum / mean / max / min over rows, columns or both) and transpose, lowered to programs.

Row reduction (axis=-1) of a (..., H, W) tensor gives (..., H, 1): one output tile per tile row, made
by reduce_tile over the Wt tiles of that row; column reduction (axis=-2) gives (..., 1, W). axis=None
is a row reduction followed by a column reduction (two programs). Mean scales by 1/n of the real
(unpadded) count, so zero padding does not bias it. Max/min start DST from a tile holding -inf/+inf
where the result goes (0 elsewhere, so the result's padding is 0) and, when the reduced dim is
padded, the reader sends the edge tile first and the compute kernel adds a 0/-inf (+inf) mask to it
before reducing it. Reductions accumulate in fp32 DST.
"""
from __future__ import annotations

import numpy as np

from .. import CircularBuffer, Kernel, Program, TensorAccessorArgs
from .kernels import COMPUTE_INCLUDES, core_counts, core_list, l1_budget, split, writer_source
from .op import Built, Op, run
from .tensor import TILE, Tensor, fmt, tile_bytes, tolerance

POOLS = {"sum": "SUM", "mean": "AVG", "max": "MAX", "min": "MIN"}


class Reduce(Op):
    name = "reduce"

    def __init__(self, x: Tensor, op: str, axis: int) -> None:
        if op not in POOLS:
            raise ValueError(f"reduction {op!r} is not one of {sorted(POOLS)}")
        if axis not in (-1, -2):
            raise ValueError(f"reduce axis {axis} must be -1 (rows), -2 (columns) or None (both)")
        if x.layout != "tiled":
            raise ValueError(f"{x!r}: reductions take tiled tensors")
        if x.dtype == "int32":
            raise ValueError("reductions of int32 tensors are not available (reduce_tile works on floats)")
        self.x, self.op, self.axis = x, op, axis
        self.inputs = [x]
        self.dtype = "bf16" if x.dtype == "bfp8_b" else x.dtype
        B, Ht, Wt = x.batch, x.Ht, x.Wt
        if axis == -1:
            self.shape = (*x.shape[:-1], 1)
            self.units, self.count, self.step = B * Ht, Wt, 1
            self.padded_dim = x.W % TILE != 0
        else:
            self.shape = (*x.shape[:-2], 1, x.W)
            self.units, self.count, self.step = B * Wt, Ht, Wt
            self.padded_dim = x.H % TILE != 0
        self.masked = self.padded_dim and op in ("max", "min")
        self._consts = None

    def key(self) -> dict:
        return dict(super().key(), op=self.op, axis=self.axis)

    def out_spec(self):
        return self.shape, self.dtype

    def space(self) -> dict:
        """block: input tiles per CB push; depth: CB capacity in blocks; inflight: blocks of reads in
        flight, each under its own transaction id (1: a plain barrier per block); other_noc: every k-th
        read request goes over the other NoC (0: none), so a read-only op is not bound by one NoC's
        links out of the DRAM tiles; pages: consecutive pages of one bank per request."""
        pages = [1]
        if self.axis == -1 and not self.masked and self.x.buffer.banks and \
                self.x.buffer.aligned_page_size == self.x.buffer.page_size:
            fit = self.device.arch.noc_max_packet // tile_bytes(self.x.dtype)
            pages = sorted({p for p in (1, 2, 4, 8) if p <= fit} | {fit})
        return {"cores": core_counts(self.device, self.units), "block": sorted({1, 2, 4, 8, 16, self.count}),
                "depth": [2, 3, 4], "inflight": [1, 2, 3, 4], "pages": pages, "other_noc": [0, 2, 3, 4, 5, 6, 8],
                "reader_noc": [0, 1], "writer_noc": [1, 0]}

    def check(self, cfg):
        if cfg["cores"] > min(self.units, self.device.grid.x * self.device.grid.y):
            return f"{cfg['cores']} cores for {self.units} output tiles"
        need = tile_bytes(self.x.dtype) * cfg["block"] * cfg["depth"] + 8 * tile_bytes("fp32")
        if need > l1_budget(self.device, self.inputs):
            return f"CBs need {need} B of L1"
        if cfg["inflight"] > cfg["depth"]:
            return f"{cfg['inflight']} blocks in flight > CB depth {cfg['depth']}"
        if cfg["pages"] > 1 and (cfg["block"] != self.count or cfg["pages"] not in self.space()["pages"]):
            return (f"{cfg['pages']} pages per request read a whole row per block (block {self.count}), of an "
                    "unpadded interleaved input, up to one NoC packet")
        if self.count % cfg["block"] and not self.masked:          # (a padded max/min reads one tile at a time)
            return f"block {cfg['block']} does not divide the {self.count} tiles each output tile reduces"
        return None

    def default(self):
        block = max(b for b in (1, 2, 4) if self.count % b == 0)
        return {"cores": max(core_counts(self.device, self.units)), "block": block, "depth": 3, "inflight": 2,
                "pages": 1, "other_noc": 0, "reader_noc": 0, "writer_noc": 1}

    def seeds(self):
        d = self.default()
        out = [dict(d, block=b, depth=dp, inflight=f) for b in (2, 8) for dp, f in ((2, 1), (3, 2), (4, 3))]
        out += [dict(d, pages=max(self.space()["pages"]), block=self.count, depth=2, inflight=f) for f in (1, 2)]
        # both NoCs (every 2nd / 4th read on the other), deep
        return out + [dict(d, other_noc=e, block=b, depth=4, inflight=4) for b in (1, 2) for e in (2, 4)]

    def reference(self, x):
        fn = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min}[self.op]
        return fn(x.astype(np.float64), axis=self.axis, keepdims=True)

    def tolerance(self, cfg):
        rel, _ = tolerance(self.dtype, ops=1)            # fp32 DST accumulation, one rounding to the output
        _, ab = tolerance("fp32", terms=self.count * TILE)
        return rel, ab + rel

    # -- constants: scaler, DST start value, edge mask -------------------------------------------------
    def _constants(self) -> Tensor:
        if self._consts is None:
            n = self.x.W if self.axis == -1 else self.x.H
            scale = 1.0 / n if self.op == "mean" else 1.0
            big = {"max": -np.inf, "min": np.inf}.get(self.op, 0.0)
            start = np.zeros((TILE, TILE), np.float32)
            if self.axis == -1:
                start[:, 0] = big
            else:
                start[0, :] = big
            mask = np.zeros((TILE, TILE), np.float32)
            rem = (self.x.W if self.axis == -1 else self.x.H) % TILE
            if self.axis == -1:
                mask[:, rem:] = big
            else:
                mask[rem:, :] = big
            tiles = np.concatenate([np.full((TILE, TILE), scale, np.float32), start, mask])
            # one copy per DRAM bank, tile t of copy r at page t * banks + r (so in bank r): core i reads
            # copy i % banks, and the cores' first reads spread over every bank instead of queueing on one
            banks = self.device.arch.num_dram_banks
            copies = tiles.reshape(3, 1, TILE, TILE).repeat(banks, 1).reshape(3 * banks * TILE, TILE)
            self._consts = Tensor.from_numpy(self.device, copies, "fp32")
        return self._consts

    def sources(self) -> dict[str, str]:
        pool, dim = POOLS[self.op], "REDUCE_ROW" if self.axis == -1 else "REDUCE_COL"
        maxmin = self.op in ("max", "min")
        edge = "count - 1" if self.masked else "rot"
        ncon = 3 if self.masked else 2 if maxmin else 1      # the constant tiles the compute kernel reads
        reader = f"""// generated by tensix.gen: reduce reader: for each output tile, the `count` input tiles it
// reduces ({'the padded edge tile first' if self.masked else 'in order'}), `block` at a time, up to `inflight` blocks in flight (block i
// under transaction id i % inflight); the {ncon} constant tile(s) once, from this core's copy of them (the
// copies lie in different banks), handed over with the first block.
// Runtime args: first output tile, count, block, input address, constants address, tiles per output
// (count), their step, Ht, Wt of the input, depth (blocks per CB), inflight, this core's copy of the
// constants, the offset its units' tiles start at, other (> 0: every other-th read request goes over the
// other NoC, so a read-only op uses both NoCs' links out of the DRAM tiles), pages
// (> 1: a block is a whole row, read bank by bank, up to `pages` consecutive pages of one bank per
// request; the order of a sum or max does not matter), banks of the input.
void kernel_main() {{
    const uint32_t start = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1), block = get_arg_val<uint32_t>(2);
    const uint32_t count = get_arg_val<uint32_t>(5), step = get_arg_val<uint32_t>(6);
    const uint32_t Ht = get_arg_val<uint32_t>(7), Wt = get_arg_val<uint32_t>(8);
    const uint32_t depth = get_arg_val<uint32_t>(9), inflight = get_arg_val<uint32_t>(10), kp = get_arg_val<uint32_t>(11);
    const uint32_t rot = get_arg_val<uint32_t>(12);
    const uint32_t other = get_arg_val<uint32_t>(13);
    uint32_t req = 0;              // read requests issued: with `other`, every other-th one uses the other NoC
    auto next_noc = [&]() {{ return uint8_t(other && req++ % other == other - 1 ? 1 - noc_index : noc_index); }};
    auto land = [&](uint32_t b) {{  // block b's reads (on one or both NoCs) have landed
        for (uint8_t c = 0; c < (other ? 2 : 1); c++) {{
            const uint8_t nc = c ? 1 - noc_index : noc_index;
            if (inflight > 1) noc_async_read_barrier_with_trid(b % inflight, nc); else noc_async_read_barrier(nc);
        }}
    }};
    const uint32_t pages = get_arg_val<uint32_t>(14), banks = get_arg_val<uint32_t>(15);
    (void)Ht;
    constexpr auto x_args = TensorAccessorArgs<0>();
    constexpr auto k_args = TensorAccessorArgs<x_args.next_compile_time_args_offset()>();
    const auto x = TensorAccessor(x_args, get_arg_val<uint32_t>(3), get_tile_size(0));
    const auto k = TensorAccessor(k_args, get_arg_val<uint32_t>(4), get_tile_size(2));
    cb_reserve_back(2, 3);
    // on the NoC and transaction id of block 0, whose barrier hands them over
    for (uint32_t t = 0; t < {ncon}; t++)
        noc_async_read_page(kp + t * {self.device.arch.num_dram_banks}, k, get_write_ptr(2) + t * get_tile_size(2), 0, noc_index);
    const uint32_t base0 = get_write_ptr(0), ts = get_tile_size(0), per_unit = count / block, nb = n * per_unit;
    uint32_t pushed = 0;
    for (uint32_t ib = 0; ib < nb; ib++) {{
        const uint32_t u = start + ib / per_unit, i = (ib % per_unit) * block;
        const uint32_t base = {"u * Wt" if self.axis == -1 else "(u / Wt) * Ht * Wt + u % Wt"};
        const uint32_t ahead = ib - pushed + 1, l1 = base0 + (ib % depth) * block * ts;
        cb_reserve_back(0, ahead * block);
        if (inflight > 1) {{
            noc_async_read_set_trid(ib % inflight, noc_index);
            if (other) noc_async_read_set_trid(ib % inflight, 1 - noc_index);
        }}
        if (pages > 1) {{                          // the whole row: each bank's pages of it, `pages` per request
            for (uint32_t kk = 0, off = 0; kk < banks; kk++) {{
                const uint32_t first = (kk + rot) % banks, j0 = (first + banks - base % banks) % banks;
                for (uint32_t j = j0; j < count; j += pages * banks) {{
                    const uint32_t m = (count - j + banks - 1) / banks < pages ? (count - j + banks - 1) / banks : pages;
                    const uint8_t noc = next_noc();
                    noc_async_read(x.get_noc_addr(base + j, 0, noc), l1 + off * ts, m * ts, noc);
                    off += m;
                }}
            }}
        }} else {{
            for (uint32_t j = 0; j < block; j++) {{
                const uint32_t e = (i + j + {edge}) % count;         // reading order
                noc_async_read_page(base + e * step, x, l1 + j * ts, 0, next_noc());
            }}
        }}
        if (ahead == inflight) {{                 // the oldest block in flight has landed: hand it over
            land(pushed);
            if (pushed == 0) cb_push_back(2, 3);
            cb_push_back(0, block);
            pushed++;
        }}
    }}
    for (; pushed < nb; pushed++) {{
        land(pushed);
        if (pushed == 0) cb_push_back(2, 3);
        cb_push_back(0, block);
    }}
}}
"""
        masked = ""
        if self.masked:
            masked = """
        {   // the edge tile (first in): + mask (0 / -+inf on the padding), through CB 3
            cb_wait_front(cb_in, 1);
            tile_regs_acquire();
            reconfig_data_format_srca(cb_in); copy_tile_to_dst_init_short(cb_in); copy_tile(cb_in, 0, 0);
            reconfig_data_format_srca(cb_k); copy_tile_to_dst_init_short(cb_k); copy_tile(cb_k, 2, 1);
            add_binary_tile_init(); add_binary_tile(0, 1, 0);
            tile_regs_commit();
            cb_pop_front(cb_in, 1);
            cb_reserve_back(cb_tmp, 1);
            tile_regs_wait(); pack_tile(0, cb_tmp); tile_regs_release();
            cb_push_back(cb_tmp, 1);
        }"""
        start_dst = ("reconfig_data_format_srca(cb_k); copy_tile_to_dst_init_short(cb_k); copy_tile(cb_k, 1, 0);   // -+inf where the result goes"
                     if maxmin else "")
        first = f"""
        cb_wait_front(cb_tmp, 1);
        reconfig_data_format_srca(cb_tmp);
        reduce_tile<{pool}, {dim}>(cb_tmp, cb_k, 0, 0, 0);
        cb_pop_front(cb_tmp, 1);
        reconfig_data_format_srca(cb_in);""" if self.masked else ""
        compute = f"""// generated by tensix.gen: {self.op} over {'rows' if self.axis == -1 else 'columns'}: each output tile
// reduces `count` input tiles into DST tile 0 (fp32) with reduce_tile<{pool}, {dim}>.
// Runtime args: output tiles, block, input tiles per output tile.
{COMPUTE_INCLUDES}
constexpr uint32_t cb_in = 0, cb_k = 2, cb_tmp = 3, cb_out = 16;

void kernel_main() {{
    const uint32_t n = get_arg_val<uint32_t>(0), block = get_arg_val<uint32_t>(1), count = get_arg_val<uint32_t>(2);
    reduce_init<{pool}, {dim}>(cb_in, cb_k, cb_out);
    cb_wait_front(cb_k, 3);                   // 0: scaler, 1: DST start, 2: edge mask
    for (uint32_t u = 0; u < n; u++) {{{masked}
        tile_regs_acquire();
        {start_dst}
        reduce_init<{pool}, {dim}>(cb_in, cb_k, cb_out);{first}
        for (uint32_t i = {1 if self.masked else 0}; i < count; ) {{
            const uint32_t m = count - i < block ? count - i : block;
            cb_wait_front(cb_in, m);
            for (uint32_t j = 0; j < m; j++) reduce_tile<{pool}, {dim}>(cb_in, cb_k, j, 0, 0);
            cb_pop_front(cb_in, m);
            i += m;
        }}
        tile_regs_commit();
        cb_reserve_back(cb_out, 1);
        tile_regs_wait(); pack_tile(0, cb_out); tile_regs_release();
        cb_push_back(cb_out, 1);
    }}
}}
"""
        return {"reader": reader, "compute": compute, "writer": writer_source()}

    def build(self, cfg, out):
        dev = self.device
        cores = core_list(dev, cfg["cores"])
        parts = dict(zip(cores, split(self.units, cfg["cores"])))
        k = self._constants()
        srcs = self.sources()
        blk = cfg["block"]
        # the masked edge tile is consumed alone, so the reader's chunks must not straddle it
        rblk = 1 if self.masked else blk
        banks = self.device.arch.num_dram_banks
        # each core starts its units' tiles at its own offset (not for a padded max/min: the edge tile
        # goes first), so cores working in step do not all read the same few banks at once
        rot = (lambda i: 0) if self.masked else (lambda i: i % self.count)  # noqa: E731
        reader = Kernel(srcs["reader"], on="reader", noc=cfg["reader_noc"], name="gen_reduce_reader.cpp",
                        compile_args=[TensorAccessorArgs(self.x.buffer), TensorAccessorArgs(k.buffer)],
                        runtime_args={c: [s, n, rblk, self.x.buffer, k.buffer, self.count, self.step, self.x.Ht,
                                         self.x.Wt, cfg["depth"], cfg["inflight"], i % banks, rot(i),
                                         cfg["other_noc"], cfg["pages"], self.x.buffer.banks or 1]
                                      for i, (c, (s, n)) in enumerate(parts.items())})
        compute = Kernel(srcs["compute"], on="compute", name="gen_reduce_compute.cpp", fp32_dest_acc_en=True,
                         runtime_args={c: [n, rblk, self.count] for c, (s, n) in parts.items()})
        writer = Kernel(srcs["writer"], on="writer", noc=cfg["writer_noc"], name="gen_reduce_writer.cpp",
                        compile_args=[TensorAccessorArgs(out.buffer)],
                        runtime_args={c: [s, n, 1, 1, out.buffer] for c, (s, n) in parts.items()})
        tmp_fmt = self.dtype
        cbs = [CircularBuffer(0, self.x.format, tile_bytes(self.x.dtype), rblk * cfg["depth"]),
               CircularBuffer(2, fmt("fp32"), tile_bytes("fp32"), 3),
               CircularBuffer(16, out.format, tile_bytes(out.dtype), 2)]
        if self.masked:
            cbs.append(CircularBuffer(3, fmt(tmp_fmt), tile_bytes(tmp_fmt), 1))
        return Built(Program(cores, [reader, compute, writer], cbs), srcs, [k])


def reduce(x: Tensor, op: str = "sum", axis: int | None = -1, *, config=None, beam=None) -> Tensor:
    """sum / mean / max / min of x over its last dim (axis=-1), second-to-last (-2) or both (None),
    keeping the reduced dims as size 1."""
    if axis is None:
        rows = run(Reduce(x, op, -1), config, beam)
        out = run(Reduce(rows, op, -2), config, beam)
        rows.free()
        return out
    return run(Reduce(x, op, axis), config, beam)


# ---- transpose ---------------------------------------------------------------------------------------
class Transpose(Op):
    name = "transpose"

    def __init__(self, x: Tensor) -> None:
        if x.layout != "tiled":
            raise ValueError(f"{x!r}: transpose takes tiled tensors")
        self.x, self.inputs = x, [x]
        self.shape = (*x.shape[:-2], x.W, x.H)
        self.units = x.num_tiles

    def out_spec(self):
        return self.shape, self.x.dtype

    def space(self):
        return {"cores": core_counts(self.device, self.units), "block": [1, 2, 4, 8], "depth": [2, 3],
                "reader_noc": [0, 1], "writer_noc": [1, 0]}

    def check(self, cfg):
        if cfg["block"] > (4 if self.x.dtype in ("fp32", "int32") else 8):
            return "block > DST capacity"
        if cfg["cores"] > min(self.units, self.device.grid.x * self.device.grid.y):
            return "more cores than tiles"
        return None

    def default(self):
        return {"cores": max(core_counts(self.device, self.units)), "block": 2, "depth": 2, "reader_noc": 0,
                "writer_noc": 1}

    def reference(self, x):
        return np.swapaxes(x, -1, -2)

    def tolerance(self, cfg):
        return 0.0, 0.0

    def sources(self):
        x = self.x
        reader = f"""// generated by tensix.gen: transpose reader: output tile (b, c, r) is input tile (b, r, c).
// Runtime args: first output tile, count, block, input address, Ht, Wt of the input.
void kernel_main() {{
    const uint32_t start = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1), block = get_arg_val<uint32_t>(2);
    const uint32_t Ht = get_arg_val<uint32_t>(4), Wt = get_arg_val<uint32_t>(5);
    constexpr auto x_args = TensorAccessorArgs<0>();
    const auto x = TensorAccessor(x_args, get_arg_val<uint32_t>(3), get_tile_size(0));
    for (uint32_t id = start; id < start + n; id += block) {{
        const uint32_t m = start + n - id < block ? start + n - id : block;
        cb_reserve_back(0, m);
        for (uint32_t j = 0, l1 = get_write_ptr(0); j < m; j++, l1 += get_tile_size(0)) {{
            const uint32_t t = id + j, b = t / (Ht * Wt), c = (t / Ht) % Wt, r = t % Ht;   // output (b, c, r)
            noc_async_read_page(b * Ht * Wt + r * Wt + c, x, l1);
        }}
        noc_async_read_barrier();
        cb_push_back(0, m);
    }}
}}
"""
        compute = f"""// generated by tensix.gen: transpose compute: transpose_wh_tile, `block` tiles per DST round.
// Runtime args: tiles, block.
{COMPUTE_INCLUDES}
void kernel_main() {{
    const uint32_t n = get_arg_val<uint32_t>(0), block = get_arg_val<uint32_t>(1);
    transpose_wh_init(0, 16);
    for (uint32_t done = 0; done < n; done += block) {{
        const uint32_t m = n - done < block ? n - done : block;
        cb_wait_front(0, m);
        tile_regs_acquire();
        for (uint32_t j = 0; j < m; j++) transpose_wh_tile(0, j, j);
        tile_regs_commit();
        cb_pop_front(0, m);
        cb_reserve_back(16, m);
        tile_regs_wait();
        for (uint32_t j = 0; j < m; j++) pack_tile(j, 16);
        tile_regs_release();
        cb_push_back(16, m);
    }}
}}
"""
        return {"reader": reader, "compute": compute, "writer": writer_source()}

    def build(self, cfg, out):
        cores = core_list(self.device, cfg["cores"])
        parts = dict(zip(cores, split(self.units, cfg["cores"])))
        srcs, blk = self.sources(), cfg["block"]
        fp32 = self.x.dtype in ("fp32", "int32")
        reader = Kernel(srcs["reader"], on="reader", noc=cfg["reader_noc"], name="gen_transpose_reader.cpp",
                        compile_args=[TensorAccessorArgs(self.x.buffer)],
                        runtime_args={c: [s, n, blk, self.x.buffer, self.x.Ht, self.x.Wt] for c, (s, n) in parts.items()})
        compute = Kernel(srcs["compute"], on="compute", name="gen_transpose_compute.cpp", fp32_dest_acc_en=fp32,
                         runtime_args={c: [n, blk] for c, (s, n) in parts.items()})
        writer = Kernel(srcs["writer"], on="writer", noc=cfg["writer_noc"], name="gen_transpose_writer.cpp",
                        compile_args=[TensorAccessorArgs(out.buffer)],
                        runtime_args={c: [s, n, blk, 1, out.buffer] for c, (s, n) in parts.items()})
        pages = blk * cfg["depth"]
        cbs = [CircularBuffer(0, self.x.format, tile_bytes(self.x.dtype), pages),
               CircularBuffer(16, out.format, tile_bytes(out.dtype), pages)]
        return Built(Program(cores, [reader, compute, writer], cbs), srcs)


def transpose(x: Tensor, *, config=None, beam=None) -> Tensor:
    """x with its last two dims swapped."""
    return run(Transpose(x), config, beam)
