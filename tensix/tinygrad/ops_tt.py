"""tinygrad's `TT` device: `DEV=TT` (or Tensor(..., device="TT:p150a")) runs tinygrad kernels on a
simulated Tensix chip through tensix's public host API.

Device strings: "TT" (n150), "TT:<arch>" (n150, n300, p150a, e150), "TT:<index>" or "TT:<arch>:<index>"
for more chips; DEV=TT:N150 (tinygrad's DEV=device:renderer syntax) also picks the arch.

Buffers are tensix DRAM buffers (1 KiB pages interleaved over the banks) holding tinygrad's row-major
bytes; the reader and writer kernels convert dtype and layout (row-major <-> 32x32 tiles, bf16/half/
bool/int <-> the Float32/Int32 CB formats the tile engines use) at the boundary.

Each kernel is rendered by TTRenderer into a tensix program (tiles.py: reader/compute/writer on as many
cores as it has tiles; fallback.py: scalar C on one RISC-V) and TTProgram.__call__ returns its modelled
device seconds. Exact mode (device "TT:exact" or "TT:<arch>:exact", or TT_EXACT=1 when the device
opens) keeps all math on the SFPU in fp32, so results match the CPU; by default matmul-shaped kernels use the FPU (matmul_tiles, HiFi4), whose Float32
inputs are truncated to TF32 in SrcA/SrcB as on silicon (relative error ~1e-3 per product)."""
from __future__ import annotations

import json
import math
import re

import tinygrad.codegen.opt.heuristic as tg_heuristic
import tinygrad.codegen.opt.search as tg_search
from tinygrad.device import Allocator, Compiled, Compiler, TinyELF
from tinygrad.helpers import BEAM, DEBUG, Target, getenv
from tinygrad.renderer import Estimates, Renderer
from tinygrad.dtype import dtypes
from tinygrad.uop.ops import GroupOp, Ops

import tensix
from tensix.arch import ARCHS

from . import cgen, fallback, ir as tir, stats, tiles

SCRATCH = {"e150": 384 * 1024}            # L1 scratch per core (read caches, write runs); default below
SCRATCH_DEFAULT = 640 * 1024
TILE_BYTES = 4096                          # Float32 / Int32 tile

# ---- hooks into tinygrad's pipeline (only for TT renderers) -----------------------------------------
# tinygrad's hand-coded optimizations and its BEAM actions (upcast, unroll, locals) are for GPUs and
# CPUs; tensix tiles the loops itself, so a TT kernel keeps its plain loop nest and BEAM=n searches the
# tile program's core split instead (TTProgram.search).
if not getattr(tg_heuristic, "_tt_hooked", False):
    _hand = tg_heuristic.hand_coded_optimizations
    _beam = tg_search.beam_search
    tg_heuristic.hand_coded_optimizations = lambda k: k if isinstance(k.ren, TTRenderer) else _hand(k)

    def _beam_search(s, rawbufs, var_vals, amt, *args, **kwargs):
        return s if isinstance(s.ren, TTRenderer) else _beam(s, rawbufs, var_vals, amt, *args, **kwargs)
    tg_search.beam_search = _beam_search
    tg_heuristic._tt_hooked = True


def _size_tree(u):
    """A range bound as nested tuples that plain Python evaluates with the variables (sizes.evaluate)."""
    if u.op is Ops.CONST:
        return ("c", int(u.arg))
    if u.op is Ops.CAST:
        return _size_tree(u.src[0])
    if u.op is Ops.PARAM:
        return ("v", u.arg.name)
    return (u.op.name, *[_size_tree(s) for s in u.src])


def _eval(t, vals: dict) -> int:
    op = t[0]
    if op == "c":
        return t[1]
    if op == "v":
        return vals[t[1]]
    a = [_eval(x, vals) for x in t[1:]]
    if op == "ADD":
        return a[0] + a[1]
    if op == "SUB":
        return a[0] - a[1]
    if op == "MUL":
        return a[0] * a[1]
    if op == "MAX":
        return max(a)
    if op == "CDIV":
        return int(a[0] / a[1]) if a[1] else 0
    if op == "CMOD":
        return int(math.fmod(a[0], a[1])) if a[1] else 0
    if op == "WHERE":
        return a[1] if a[0] else a[2]
    if op == "CMPLT":
        return int(a[0] < a[1])
    raise ValueError(f"tensix tinygrad: cannot evaluate range bound op {op}")


class TTRenderer(Renderer):
    """Turns one linearized tinygrad kernel into a tensix program description (pickled into the
    'binary'): the path, the kernel sources, the loop bounds and what the host needs to launch it."""
    device = "TT"
    has_local = False
    has_shared = False
    supports_float4 = False
    global_max = None
    local_max = None
    code_for_op = {op: (lambda *a, **k: "") for op in (
        Ops.ADD, Ops.SUB, Ops.MUL, Ops.NEG, Ops.MAX, Ops.CMPLT, Ops.CMPNE, Ops.CMPEQ, Ops.WHERE, Ops.EXP2,
        Ops.LOG2, Ops.SIN, Ops.SQRT, Ops.RECIPROCAL, Ops.TRUNC, Ops.FDIV, Ops.CDIV, Ops.CMOD, Ops.AND, Ops.OR,
        Ops.XOR, Ops.SHL, Ops.SHR)}
    compiler = Compiler()

    def render(self, uops: list) -> str:
        sink = uops[-1]
        name = getattr(sink.arg, "name", "kernel") if sink.op is Ops.SINK else "kernel"
        exact = self.target.arch == "exact"
        k = tir.analyze(uops, name)
        # tinygrad's display name carries terminal colours: kernel file names get the plain letters
        kname = re.sub(r"[^A-Za-z0-9_]", "_", re.sub(r"\x1b\[[0-9;]*m", "", name))[:80] or "kernel"
        plan = {"name": name, "kname": kname, "path": k.path, "why": k.why, "exact": exact,
                "slots": sorted(k.bufs), "vars": [n for _, n in k.vars],
                "beam": max(int(getattr(sink.arg, "beam", 0) or 0) if sink.op is Ops.SINK else 0, int(BEAM.value))}
        ranges = {cgen.rid(r): _size_tree(r.src[0]) for r in k.ranges}
        if k.path != "fallback":
            try:
                t = tiles.build(k, exact)
            except tir.NoTile as e:
                k.path, k.why, plan["path"], plan["why"] = "fallback", str(e), "fallback", str(e)
            else:
                plan.update(t)
                if exact and k.path == "matmul":
                    plan["path"] = "tile"
                if k.matmul and not exact:
                    mm = k.matmul
                    plan["mm"] = {key: [cgen.rid(r) for r in mm[key]] for key in ("batch", "m", "n", "k")}
                plan["out"] = [cgen.rid(r) for r in k.out_ranges]
                plan["reduce"] = [[cgen.rid(r) for r in red.ranges] for red in _reduces(k)]
                plan["flops_per_out"] = _flops(k)
        if plan["path"] == "fallback":
            plan["source"] = fallback.build(k)
            plan["loads"] = sorted(k.bufs)
            plan["stores"] = sorted({s.slot for s in k.stores})
            plan["flops_per_out"] = 0
            ops = Estimates.from_uops(tuple(uops), ignore_indexing=True).ops
            plan["riscv_ops"] = int(ops) if isinstance(ops, int) else 0
        plan["ranges"] = ranges
        return json.dumps(plan)


def _reduces(k) -> list:
    out = []
    for st in k.stores:
        tiles._reduces_of(st.value, out, set())
    return [n.reduce for n in out]


def _flops(k) -> dict:
    """Value ALU ops per output element outside reductions and per reduce step that run on the FPU/SFPU
    (post, body), and the float ALU ops the reader computes in scalar code for leaves made of index math
    (riscv_post, riscv_body: e.g. a fused arange * 0.5)."""
    def count(n, seen):
        if id(n) in seen or n.op in ("leaf", "const", "reduce"):
            return 0
        seen.add(id(n))
        return (1 if n.op == "alu" else 0) + sum(count(s, seen) for s in n.src)

    def leaf_ops(lf) -> int:
        return sum(1 for x in lf.uop.toposort() if x.op in GroupOp.ALU and dtypes.is_float(x.dtype))
    seen: set = set()
    post = sum(count(st.value, seen) for st in k.stores)
    reds = _reduces(k)
    body = [count(red.body, set()) + 1 for red in reds]
    riscv_post = sum(leaf_ops(lf) for lf in k.leaves if lf.in_reduce is None)
    riscv_body = [sum(leaf_ops(lf) for lf in k.leaves if lf.in_reduce is red) for red in reds]
    return {"post": post, "body": body, "riscv_post": riscv_post, "riscv_body": riscv_body}


def _arch_of(device: str) -> tuple[str, int, bool]:
    parts = device.split(":")[1:]
    arch, index, exact = None, 0, bool(getenv("TT_EXACT", 0))
    for p in parts:
        if p.isdigit():
            index = int(p)
        elif p.lower() == "exact":
            exact = True
        elif p.lower() in ARCHS:
            arch = p.lower()
        elif p:
            raise ValueError(f"TT device {device!r}: {p!r} is neither an arch ({', '.join(sorted(ARCHS))}) nor an index")
    if arch is None:
        from tinygrad.helpers import DEV
        r = DEV.target("TT").renderer.lower()
        arch = r if r in ARCHS else "n150"
    return arch, index, exact


class TTBuffer:
    """A tinygrad buffer on the chip: a tensix DRAM buffer and a byte offset into it (views)."""

    def __init__(self, buf: tensix.Buffer, offset: int, nbytes: int) -> None:
        self.buf, self.offset, self.nbytes = buf, offset, nbytes


class TTAllocator(Allocator):
    def _alloc(self, size: int, options) -> TTBuffer:
        pages = max(1, -(-size // cgen.PAGE))
        try:
            b = self.dev.chip.dram_buffer(pages * cgen.PAGE, cgen.PAGE)
        except tensix.AllocationError as e:
            raise MemoryError(str(e)) from e
        return TTBuffer(b, 0, size)

    def _free(self, opaque: TTBuffer, options) -> None:
        if opaque.offset == 0 and not self.dev.chip.closed:
            opaque.buf.free()

    def _offset(self, buf: TTBuffer, size: int, offset: int) -> TTBuffer:
        return TTBuffer(buf.buf, buf.offset + offset, size)

    def _copyin(self, dest: TTBuffer, src: memoryview) -> None:
        import numpy as np
        data = np.frombuffer(src, dtype=np.uint8)
        if dest.offset == 0 and dest.nbytes == dest.buf.size:
            dest.buf.write(data)
            return
        raw = dest.buf.read(np.uint8).copy()
        raw[dest.offset:dest.offset + len(data)] = data
        dest.buf.write(raw)

    def _copyout(self, dest: memoryview, src: TTBuffer) -> None:
        import numpy as np
        raw = src.buf.read(np.uint8)
        np.frombuffer(dest, dtype=np.uint8)[:] = raw[src.offset:src.offset + len(dest)]


class TTDevice(Compiled):
    def __init__(self, device: str) -> None:
        arch, index, exact = _arch_of(device)
        self.arch_name, self.index, self.exact = arch, index, exact
        self.chip = tensix.Device(arch, timeout=getenv("TT_TIMEOUT", 60.0))
        grid = self.chip.grid
        self.cores = [(x, y) for y in range(grid.y) for x in range(grid.x)]
        self.scratch_bytes = SCRATCH.get(arch, SCRATCH_DEFAULT)
        self.scratch = self.chip.l1_buffer(self.scratch_bytes, self.scratch_bytes, cores=self.cores)
        super().__init__(device, TTAllocator(self), RENDERERS, TTProgram)

    @property
    def renderer(self) -> Renderer:
        """One TT renderer per device; its target's arch field carries the exact mode (so exact and
        default kernels never share a compile cache entry)."""
        if getattr(self, "_renderer", None) is None:
            self._renderer = RENDERERS[0](Target("TT", "N150", "exact" if self.exact else ""))
        return self._renderer

    def finalize(self) -> None:
        self.chip.close()


class TTProgram:
    def __init__(self, dev: TTDevice, obj: TinyELF) -> None:
        self.dev, self.name = dev, obj.name
        self.plan = json.loads(obj.lib.decode())
        self.programs: dict = {}          # cores used -> (tensix Program, kernels)
        self.cores_choice: int | None = None

    # ---- launch geometry --------------------------------------------------------------------------
    def _sizes(self, vals: dict) -> dict:
        return {int(k): _eval(v, vals) for k, v in self.plan["ranges"].items()}

    def _ntiles(self, S: dict) -> tuple[int, int]:
        p = self.plan
        if p["path"] == "fallback":
            return 1, 0
        if p.get("mm"):
            ext = {key: math.prod(S[r] for r in p["mm"][key]) for key in ("batch", "m", "n", "k")}
            return ext["batch"] * -(-ext["m"] // 32) * -(-ext["n"] // 32), -(-ext["k"] // 32)
        return max(1, -(-math.prod(S[r] for r in p["out"]) // 1024)), 0

    def _words(self, bufs) -> list:
        """7 args per buffer slot: DRAM buffer, byte offset, L1 cache offset, tags offset, cache line mask,
        pages, write-run offset (all offsets into the device's L1 scratch). A loaded buffer gets a share
        of the scratch as a direct-mapped page cache (the whole buffer when it fits)."""
        p = self.plan
        loads, stores = set(p["loads"]), set(p["stores"])
        pages = {s: b.buf.size // cgen.PAGE for s, b in zip(p["slots"], bufs)}
        share = (self.dev.scratch_bytes - len(stores) * cgen.PAGE) // max(1, len(loads)) // (cgen.PAGE + 4)
        lines = {s: min(1 << max(0, share.bit_length() - 1), 1 << max(0, (pages[s] - 1).bit_length())) for s in loads}
        at, cache, stage, tags = 0, {}, {}, {}
        for s in p["slots"]:
            if s in loads:
                cache[s], at = at, at + lines[s] * cgen.PAGE
        for s in p["slots"]:
            if s in stores:
                stage[s], at = at, at + cgen.PAGE
        for s in p["slots"]:
            if s in loads:
                tags[s], at = at, at + 4 * lines[s]
        assert at <= self.dev.scratch_bytes, (at, self.dev.scratch_bytes)
        words = []
        for s, b in zip(p["slots"], bufs):
            words += [b.buf, b.offset, cache.get(s, 0), tags.get(s, 0), lines.get(s, 1) - 1, pages[s], stage.get(s, 0)]
        return words

    def _build(self, ncores: int, ntiles: int):
        p = self.plan
        cores = self.dev.cores[:ncores]
        if p["path"] == "fallback":
            k = tensix.Kernel(p["source"], on="riscv_0", name=f"{p['kname']}_fallback")
            return tensix.Program([(0, 0)], [k]), [k]
        cbs = [tensix.CircularBuffer(i, tensix.DataFormat.Float32 if kd == "f" else tensix.DataFormat.Int32,
                                     TILE_BYTES, 2) for i, kd in enumerate(p["leaf_kinds"])]
        cbs += [tensix.CircularBuffer(cb, tensix.DataFormat.Float32 if kd == "f" else tensix.DataFormat.Int32,
                                      TILE_BYTES, 2) for cb, kd in p["outs"]]
        cbs += [tensix.CircularBuffer(cb, tensix.DataFormat.Float32, TILE_BYTES, 2) for cb in p.get("extra_cbs", [])]
        reader = tensix.Kernel(p["reader"], on="reader", name=f"{p['kname']}_reader")
        writer = tensix.Kernel(p["writer"], on="writer", name=f"{p['kname']}_writer")
        compute = tensix.Kernel(p["compute"], on="compute", name=f"{p['kname']}_compute", fp32_dest_acc_en=True,
                                dst_full_sync_en=True, math_fidelity="HiFi4")
        return tensix.Program(cores, [reader, writer, compute], cbs), [reader, writer, compute]

    def _launch(self, bufs, vals, ncores: int | None = None):
        p = self.plan
        vd = dict(zip(p["vars"], vals))
        S = self._sizes(vd)
        ntiles, kt = self._ntiles(S)
        if ncores is None:
            ncores = self.cores_choice or len(self.dev.cores)
        ncores = max(1, min(ncores, ntiles, len(self.dev.cores)))
        if ncores not in self.programs:
            self.programs[ncores] = self._build(ncores, ntiles)
        prog, kernels = self.programs[ncores]
        words = self._words(bufs)
        varw = [int(v) & 0xFFFFFFFF for v in vals]
        if p["path"] == "fallback":
            kernels[0].runtime_args = words + varw + [0, 1, self.dev.scratch]
        else:
            per, extra = divmod(ntiles, ncores)
            starts, counts, at = [], [], 0
            for c in range(ncores):
                n = per + (1 if c < extra else 0)
                starts.append(at)
                counts.append(n)
                at += n
            cores = self.dev.cores[:ncores]
            red = [math.prod(S[r] for r in rr) for rr in p.get("reduce", [])]
            kernels[0].runtime_args = {c: words + varw + [starts[i], counts[i], self.dev.scratch] for i, c in enumerate(cores)}
            kernels[1].runtime_args = {c: words + varw + [starts[i], counts[i], self.dev.scratch] for i, c in enumerate(cores)}
            kernels[2].runtime_args = {c: [counts[i]] + ([kt] if p.get("mm") else red) for i, c in enumerate(cores)}
        t = self.dev.chip.queue.enqueue(prog)
        stats.record(self, S, ntiles, ncores, t)
        return t

    def _gen_program(self, key: str, ncores: int, reader_src: str, second: tensix.Kernel, cbs: list):
        if (key, ncores) not in self.programs:
            cores = self.dev.cores[:ncores]
            reader = tensix.Kernel(reader_src, on="reader", name=f"{self.plan['kname']}_{key}")
            self.programs[(key, ncores)] = (tensix.Program(cores, [reader, second], cbs), [reader, second])
        return self.programs[(key, ncores)]

    def _launch_gen(self, bufs, vals):
        """BEAM on a matmul whose sides are plain loads: the reader packs A and B tiles in tensix.gen's
        tiled layout, tensix.gen's matmul runs with its searched configuration (beam = BEAM), and the
        post expression and the store run on the result tiles. Returns the summed modelled time."""
        from tensix import gen as tgen
        p, g = self.plan, self.plan["gen"]
        vd = dict(zip(p["vars"], vals))
        S = self._sizes(vd)
        ext = {key: math.prod(S[r] for r in p["mm"][key]) for key in ("batch", "m", "n", "k")}
        nb, M, N, K = ext["batch"], ext["m"], ext["n"], ext["k"]
        Mt, Nt, Kt = -(-M // 32), -(-N // 32), -(-K // 32)
        chip = self.dev.chip
        lead = (nb,) if nb > 1 else ()
        A, B = tgen.empty(chip, lead + (M, K), "fp32"), tgen.empty(chip, lead + (K, N), "fp32")
        words, varw = self._words(bufs), [int(v) & 0xFFFFFFFF for v in vals]
        total, C = 0.0, None
        try:
            for key, tensor, ntiles, cb in (("pack_a", A, nb * Mt * Kt, g["cb_a"]), ("pack_b", B, nb * Kt * Nt, g["cb_b"])):
                n = max(1, min(ntiles, len(self.dev.cores)))
                writer = tensix.Kernel(g["page_writer"], on="writer", name=f"{p['kname']}_pages")
                cbs = [tensix.CircularBuffer(cb, tensix.DataFormat.Float32, TILE_BYTES, 2)]
                prog, ks = self._gen_program(key, n, g[key], writer, cbs)
                split = _split(ntiles, n)
                ks[0].runtime_args = {c: words + varw + [st, cnt, self.dev.scratch] for c, (st, cnt) in zip(self.dev.cores, split)}
                ks[1].runtime_args = {c: [tensor.buffer, st, cnt, cb] for c, (st, cnt) in zip(self.dev.cores, split)}
                total += chip.queue.enqueue(prog).seconds
            C = tgen.matmul(A, B, beam=p["beam"], fp32_acc=True, out_dtype="fp32")
            total += float(C.run.time)
            ntiles = nb * Mt * Nt
            n = max(1, min(ntiles, len(self.dev.cores)))
            if ("unpack", n) not in self.programs:
                cbs = [tensix.CircularBuffer(i, tensix.DataFormat.Float32 if kd == "f" else tensix.DataFormat.Int32,
                                             TILE_BYTES, 2) for i, kd in enumerate(p["leaf_kinds"])]
                cbs += [tensix.CircularBuffer(cb, tensix.DataFormat.Float32 if kd == "f" else tensix.DataFormat.Int32,
                                              TILE_BYTES, 2) for cb, kd in p["outs"]]
                cbs.append(tensix.CircularBuffer(tiles.CB_C, tensix.DataFormat.Float32, TILE_BYTES, 2))
                reader = tensix.Kernel(g["unpack"], on="reader", name=f"{p['kname']}_unpack")
                writer = tensix.Kernel(p["writer"], on="writer", name=f"{p['kname']}_writer")
                compute = tensix.Kernel(g["unpack_compute"], on="compute", name=f"{p['kname']}_post", fp32_dest_acc_en=True,
                                        dst_full_sync_en=True)
                self.programs[("unpack", n)] = (tensix.Program(self.dev.cores[:n], [reader, writer, compute], cbs),
                                                [reader, writer, compute])
            prog, ks = self.programs[("unpack", n)]
            split = _split(ntiles, n)
            ks[0].runtime_args = {c: words + varw + [st, cnt, self.dev.scratch, C.buffer] for c, (st, cnt) in zip(self.dev.cores, split)}
            ks[1].runtime_args = {c: words + varw + [st, cnt, self.dev.scratch] for c, (st, cnt) in zip(self.dev.cores, split)}
            ks[2].runtime_args = {c: [cnt, Kt] for c, (st, cnt) in zip(self.dev.cores, split)}
            total += chip.queue.enqueue(prog).seconds
        finally:
            for x in (A, B, C):
                if x is not None:
                    x.free()
        stats.record(self, S, ntiles, n, _Seconds(total), via="tensix.gen matmul")
        return total

    def search(self, bufs, vals) -> None:
        """BEAM: time the program on 1, 2, 4, ... cores on the modelled chip and keep the fastest."""
        cands, n = [], 1
        while n < len(self.dev.cores):
            cands.append(n)
            n *= 2
        cands.append(len(self.dev.cores))
        best = min(cands, key=lambda c: float(self._launch(bufs, vals, c)))
        self.cores_choice = best
        if DEBUG >= 2:
            print(f"TT BEAM {self.plan['name']}: {best} cores")

    def __call__(self, *bufs, global_size=(1, 1, 1), local_size=(1, 1, 1), vals=(), wait=False, timeout=None):
        if self.plan.get("beam") and self.plan.get("gen"):
            t = self._launch_gen(bufs, vals)
            return t if wait else None
        if self.plan.get("beam") and self.cores_choice is None and self.plan["path"] != "fallback":
            self.search(bufs, vals)
        t = self._launch(bufs, vals)
        return t.seconds if wait else None


class _Seconds:
    def __init__(self, s: float) -> None:
        self.seconds = s


def _split(ntiles: int, ncores: int) -> list[tuple[int, int]]:
    per, extra = divmod(ntiles, ncores)
    out, at = [], 0
    for c in range(ncores):
        n = per + (1 if c < extra else 0)
        out.append((at, n))
        at += n
    return out


def _make_renderer(arch: str):
    return type(f"TT{arch.upper()}Renderer", (TTRenderer,), {"__module__": __name__})


TTN150Renderer = _make_renderer("n150")
TTN300Renderer = _make_renderer("n300")
TTP150ARenderer = _make_renderer("p150a")
TTE150Renderer = _make_renderer("e150")
RENDERERS = [TTN150Renderer, TTN300Renderer, TTP150ARenderer, TTE150Renderer]
