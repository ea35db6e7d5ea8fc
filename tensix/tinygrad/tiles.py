"""The tile path: a tinygrad kernel as a reader / compute / writer program joined by circular buffers.

Layouts. "flat" (elementwise and reductions): output tile t holds outputs t*1024 .. t*1024+1023 in tile
memory order; a reduction loops over its reduce index r, the reader sending one tile of the body's
leaves per (t, r) and the compute kernel accumulating them in a DST tile. "matmul": output tile
(b, mt, nt) is the 32x32 block of rows M and columns N in face order; the reader assembles A tiles
(M x K) and B tiles (K x N) and the FPU's matmul_tiles accumulates over K.

The reader evaluates each leaf (a load with tinygrad's index arithmetic, gates for padding, or pure
index math) per element and packs dense tiles; the compute kernel runs the ALU tree on DST tiles
(SFPU ops; matmul on the FPU); the writer evaluates the store index per element and writes through a
write-combining run."""
from __future__ import annotations

import struct

from tinygrad.dtype import dtypes
from tinygrad.uop.ops import Ops

from . import affine, cgen
from .ir import KernelIR, Node, NoTile, kind

DST_TILES = 8                 # fp32 DST in full-sync mode
OUT_CB0 = 16
CB_A, CB_B, CB_ACC = 24, 25, 26   # matmul sides computed on the SFPU, and the running sum between K steps
DF = {"f": 0, "i": 8}          # DataFormat Float32 / Int32 (the CB formats of leaves and outputs)
DF_NAME = {"f": "Float32", "i": "Int32"}


def fbits(v: float) -> str:
    return f"0x{struct.unpack('<I', struct.pack('<f', float(v)))[0]:08x}u"


def ibits(v: int) -> str:
    return f"0x{int(v) & 0xffffffff:08x}u"


class Compute:
    """Emits the SFPU/FPU calls of a value tree on DST tiles; `cb_of(leaf)` is the leaf's CB."""

    def __init__(self, cb_of, exact: bool) -> None:
        self.cb_of, self.exact = cb_of, exact
        self.lines: list[str] = []
        self.free = list(range(DST_TILES))
        self.uses: dict[int, int] = {}
        self.slot: dict[int, int] = {}
        self.ops = 0                      # tile ops issued per evaluation (for the FLOP accounting)
        self.pinned: dict[int, int] = {}  # slots an operator is holding as an operand while it evaluates the rest
        self.deferred: set[int] = set()   # pinned slots whose value is dead once the operator is done

    def pin(self, s: int) -> None:
        self.pinned[s] = self.pinned.get(s, 0) + 1

    def unpin(self, s: int) -> None:
        self.pinned[s] -= 1
        if not self.pinned[s] and s in self.deferred:
            self.deferred.discard(s)
            self.release(s)

    def alloc(self) -> int:
        if not self.free:
            raise NoTile(f"the ALU tree needs more than {DST_TILES} DST tiles")
        return self.free.pop(0)

    def release(self, s: int) -> None:
        if s not in self.free:
            self.free.append(s)
            self.free.sort()

    def count(self, n: Node) -> None:
        self.uses[id(n)] = self.uses.get(id(n), 0) + 1
        if self.uses[id(n)] > 1 or n.op in ("reduce", "leaf", "const"):
            return
        for s in n.src:
            self.count(s)

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def take(self, n: Node) -> tuple[int, bool]:
        """DST slot holding n, and whether the caller may overwrite it (its last use)."""
        if n.op == "reduce":
            return self.slot[id(n)], False
        if id(n) in self.slot:
            self.uses[id(n)] -= 1
            s = self.slot[id(n)]
            if self.uses[id(n)] == 0:
                del self.slot[id(n)]
                if self.pinned.get(s):           # an operator still reads it: no in-place reuse
                    self.deferred.add(s)
                    return s, False
                return s, True
            return s, False
        s = self.value(n)
        if n.op not in ("leaf", "const") and self.uses.get(id(n), 1) > 1:
            self.uses[id(n)] -= 1
            self.slot[id(n)] = s
            return s, False
        return s, True

    def writable(self, n: Node) -> int:
        s, own = self.take(n)
        if own:
            return s
        d = self.alloc()                                      # copy: d = 0 + s
        self.emit(f"fill_tile({d}, 0.0f); add_binary_tile({s}, {d}, {d});" if kind(n.dtype) == "f"
                  else f"fill_tile_int({d}, 0u); add_int32_tile({s}, {d}, {d});")
        return d

    def done(self, s: int, own: bool) -> None:
        if own:
            self.release(s)

    def value(self, n: Node) -> int:
        k = kind(n.dtype)
        if n.op == "leaf":
            s = self.alloc()
            cb = self.cb_of(n.leaf)
            self.emit(f"reconfig_data_format_srca({cb}); copy_tile_init({cb}); copy_tile({cb}, 0, {s});")
            return s
        if n.op == "const":
            s = self.alloc()
            v = n.value
            if k == "i":
                self.emit(f"fill_tile_int({s}, {ibits(int(v))});")
            else:
                self.emit(f"fill_tile_bitcast({s}, {fbits(float(v))});")
            return s
        if n.op == "cast":
            return self.cast(n)
        if n.op == "alu":
            self.ops += 1
            return self.alu(n)
        raise NoTile(f"cannot evaluate {n.op} on tiles")

    def cast(self, n: Node) -> int:
        src = n.src[0]
        s = self.writable(src)
        fk, tk = kind(src.dtype), kind(n.dtype)
        to, fr = n.dtype, src.dtype
        if fk == "i" and tk == "f":
            self.emit(f"typecast_tile<{24 if fr == dtypes.uint32 else 8}u, 0u>({s});")
            fr = dtypes.float32
        if fk == "f" and tk == "i":
            if fr != dtypes.bool:
                self.emit(f"trunc_tile({s});")
            self.emit(f"typecast_tile<0u, {24 if to == dtypes.uint32 else 8}u>({s});")
            return s
        if tk == "f":
            if to == dtypes.bool and fr != dtypes.bool:
                self.emit(f"unary_ne_tile({s}, 0u);")
            elif to == dtypes.float16:
                self.emit(f"typecast_tile<0u, 1u>({s});")
            elif to == dtypes.bfloat16:
                self.emit(f"typecast_tile<0u, 5u>({s});")
        return s

    def alu(self, n: Node) -> int:
        op, k = n.alu, kind(n.src[-1].dtype)
        if op is Ops.WHERE:
            c, cown = self.take(n.src[0])
            self.pin(c)
            t, town = self.take(n.src[1])
            self.pin(t)
            f, fown = self.take(n.src[2])
            o = c if cown else t if town else f if fown else self.alloc()
            self.emit(f"where_tile<{DF[k]}u>({c}, {t}, {f}, {o});")
            self.unpin(c)
            self.unpin(t)
            for s, own in ((c, cown), (t, town), (f, fown)):
                if s != o:
                    self.done(s, own)
            return o
        if len(n.src) == 1:
            s = self.writable(n.src[0])
            if op is Ops.NEG:
                self.emit(f"negative_tile_int32({s});" if k == "i" else
                          f"unary_eq_tile({s}, 0u);" if n.dtype == dtypes.bool else f"negative_tile({s});")
            else:
                self.emit({Ops.EXP2: f"exp2_tile({s});", Ops.LOG2: f"log_with_base_tile({s}, {fbits(1.4426950408889634)});",
                           Ops.SIN: f"sin_tile({s});", Ops.SQRT: f"sqrt_tile({s});", Ops.RECIPROCAL: f"recip_tile({s});",
                           Ops.TRUNC: f"trunc_tile({s});"}[op])
            return s
        a, b = n.src
        if k == "i" and op is Ops.XOR:                       # x ^ -1 (bitwise not) = -x - 1
            s = self.writable(b if a.op == "const" else a)
            t = self.alloc()
            self.emit(f"negative_tile_int32({s}); fill_tile_int({t}, 0xffffffffu); add_int32_tile({s}, {t}, {s});")
            self.release(t)
            return s
        if k == "f" and b.op == "const" and op in SCALAR_R:
            s = self.writable(a)
            self.emit(f"{SCALAR_R[op]}({s}, {fbits(float(b.value))});")
            return s
        if k == "f" and a.op == "const" and op in SCALAR_L:
            s = self.writable(b)
            self.emit(f"{SCALAR_L[op]}({s}, {fbits(float(a.value))});")
            return s
        x, xown = self.take(a)
        self.pin(x)
        y, yown = self.take(b)
        self.unpin(x)
        o = x if xown else y if yown else self.alloc()
        if k == "i":
            if op in (Ops.CMPLT, Ops.CMPNE, Ops.CMPEQ):
                z = {Ops.CMPLT: "ltz", Ops.CMPNE: "nez", Ops.CMPEQ: "eqz"}[op]
                self.emit(f"sub_int32_tile({x}, {y}, {o}); {z}_tile_int32({o}); typecast_tile<8u, 0u>({o});")
            else:
                self.emit({Ops.ADD: f"add_int32_tile({x}, {y}, {o});", Ops.SUB: f"sub_int32_tile({x}, {y}, {o});",
                           Ops.MAX: f"binary_max_int32_tile({x}, {y}, {o});"}[op])
        else:
            fn = {Ops.ADD: "add", Ops.SUB: "sub", Ops.MUL: "mul", Ops.FDIV: "div", Ops.MAX: "max", Ops.CMPLT: "lt",
                  Ops.CMPNE: "ne", Ops.CMPEQ: "eq", Ops.AND: "mul", Ops.OR: "max", Ops.XOR: "ne"}[op]
            self.emit(f"{fn}_binary_tile({x}, {y}, {o});")
        for s, own in ((x, xown), (y, yown)):
            if s != o:
                self.done(s, own)
        return o


# x op c and c op x with a scalar constant (SFPU *_unary_tile forms)
SCALAR_R = {Ops.ADD: "add_unary_tile", Ops.MUL: "mul_unary_tile", Ops.SUB: "sub_unary_tile",
            Ops.FDIV: "div_unary_tile", Ops.MAX: "unary_max_tile", Ops.CMPLT: "unary_lt_tile",
            Ops.CMPNE: "unary_ne_tile", Ops.CMPEQ: "unary_eq_tile"}
SCALAR_L = {Ops.ADD: "add_unary_tile", Ops.MUL: "mul_unary_tile", Ops.SUB: "rsub_unary_tile",
            Ops.MAX: "unary_max_tile", Ops.CMPLT: "unary_gt_tile", Ops.CMPNE: "unary_ne_tile",
            Ops.CMPEQ: "unary_eq_tile"}


def _leaves_of(n: Node, out: list, seen: set) -> None:
    if id(n) in seen:
        return
    seen.add(id(n))
    if n.op == "leaf":
        if n.leaf not in out:
            out.append(n.leaf)
        return
    if n.op == "reduce":
        return
    for s in n.src:
        _leaves_of(s, out, seen)


def _reduces_of(n: Node, out: list, seen: set) -> None:
    if id(n) in seen:
        return
    seen.add(id(n))
    if n.op == "reduce":
        if n not in out:
            out.append(n)
        return
    for s in n.src:
        _reduces_of(s, out, seen)


def build(ir: KernelIR, exact: bool) -> dict:
    """Sources and CB plan of the tile program for `ir` (raises NoTile where there is no mapping)."""
    matmul = ir.matmul if not exact else None
    if len(ir.leaves) > 16:
        raise NoTile(f"{len(ir.leaves)} leaves (at most 16 input CBs)")
    if len(ir.stores) > 8:
        raise NoTile("more than 8 stores")
    cb_of = {i: i for i in range(len(ir.leaves))}
    reds: list[Node] = []
    seen: set = set()
    for st in ir.stores:
        _reduces_of(st.value, reds, seen)
    # compute kernel
    comp = Compute(cb_of.__getitem__, exact)
    for st in ir.stores:
        comp.count(st.value)
    steps = []        # (reduce node or None, leaves used) in the order the reader sends them
    body_ops, prep_ops = [], []
    if matmul:
        red = reds[0]
        acc = comp.alloc()
        comp.slot[id(red)] = acc
        prep = matmul["a"] is None or matmul["b"] is None
        a = cb_of[matmul["a"]] if matmul["a"] is not None else CB_A
        b = cb_of[matmul["b"]] if matmul["b"] is not None else CB_B
        comp.emit("mm_init_short(%d, %d);" % (a, b))
        comp.emit("for (uint32_t k = 0; k < Kt; k++) {")
        if prep:
            # the sides that are ALU trees: computed on the SFPU in slots 1.., packed to CB_A / CB_B with the
            # running sum (slot 0, packed to CB_ACC), then unpacked again for the FPU matmul
            pc = Compute(cb_of.__getitem__, exact)
            pc.free = [s_ for s_ in range(DST_TILES) if s_ != acc]
            side = [L for key in ("a", "b") if matmul[key] is None for L in matmul[key + "_leaves"]]
            for L in side:
                pc.emit(f"cb_wait_front({cb_of[L]}, 1);")
            packs = []
            for key, cbx in (("a", CB_A), ("b", CB_B)):
                if matmul[key] is None:
                    pc.count(matmul[key + "_node"])
                    sx = pc.value(matmul[key + "_node"])
                    packs.append((sx, cbx))
            for L in side:
                pc.emit(f"cb_pop_front({cb_of[L]}, 1);")
            comp.lines += pc.lines
            prep_ops.append(pc.ops)
            comp.emit("tile_regs_commit(); tile_regs_wait();")
            comp.emit(f"if (k > 0) {{ cb_reserve_back({CB_ACC}, 1); pack_reconfig_data_format({CB_ACC}); pack_tile({acc}, {CB_ACC}); cb_push_back({CB_ACC}, 1); }}")
            for sx, cbx in packs:
                comp.emit(f"cb_reserve_back({cbx}, 1); pack_reconfig_data_format({cbx}); pack_tile({sx}, {cbx}); cb_push_back({cbx}, 1);")
            comp.emit("tile_regs_release(); tile_regs_acquire();")
            comp.emit(f"if (k > 0) {{ cb_wait_front({CB_ACC}, 1); reconfig_data_format_srca({CB_ACC}); copy_tile_init({CB_ACC}); "
                      f"copy_tile({CB_ACC}, 0, {acc}); cb_pop_front({CB_ACC}, 1); }}")
        comp.emit(f"cb_wait_front({a}, 1); cb_wait_front({b}, 1); mm_init_short({a}, {b});")
        comp.emit(f"reconfig_data_format({b}, {a}); matmul_tiles({a}, {b}, 0, 0, {acc}); cb_pop_front({a}, 1); cb_pop_front({b}, 1); }}")
        steps.append(("matmul", matmul["a_leaves"] + matmul["b_leaves"]))
        mm_end = len(comp.lines)
    else:
        for ri, red in enumerate(reds):
            acc = comp.alloc()
            comp.slot[id(red)] = acc
            ident = red.reduce.identity
            kk = kind(red.dtype)
            comp.emit(f"fill_tile_int({acc}, {ibits(int(ident))});" if kk == "i" else f"fill_tile_bitcast({acc}, {fbits(ident)});")
            lv: list = []
            _leaves_of(red.reduce.body, lv, set())
            comp.emit(f"for (uint32_t r = 0; r < R{ri}; r++) {{")
            for L in lv:
                comp.emit(f"cb_wait_front({cb_of[L]}, 1);")
            body = Compute(cb_of.__getitem__, exact)
            body.free = [s for s in comp.free]
            body.count(red.reduce.body)
            s = body.value(red.reduce.body) if red.reduce.body.op != "reduce" else None
            if s is None:
                raise NoTile("reduce of a reduce")
            op = red.reduce.op
            if kk == "i":
                body.emit(f"{'add_int32_tile' if op is Ops.ADD else 'binary_max_int32_tile'}({acc}, {s}, {acc});")
            else:
                body.emit(f"{'add' if op is Ops.ADD else 'max' if op is Ops.MAX else 'mul'}_binary_tile({acc}, {s}, {acc});")
            comp.lines += body.lines
            body_ops.append(body.ops + 1)
            for L in lv:
                comp.emit(f"cb_pop_front({cb_of[L]}, 1);")
            comp.emit("}")
            steps.append((ri, lv))
    post: list = []
    seen = set()
    for st in ir.stores:
        _leaves_of(st.value, post, seen)
    for L in post:
        comp.emit(f"cb_wait_front({cb_of[L]}, 1);")
    out_slots = []
    for st in ir.stores:
        s, own = comp.take(st.value)
        out_slots.append(s)
    for L in post:
        comp.emit(f"cb_pop_front({cb_of[L]}, 1);")
    steps.append(("post", post))
    outs = [(OUT_CB0 + i, kind(st.value.dtype)) for i, st in enumerate(ir.stores)]
    pack = [f"cb_reserve_back({cb}, 1); pack_reconfig_data_format({cb}); pack_tile({s}, {cb}); cb_push_back({cb}, 1);"
            for s, (cb, _) in zip(out_slots, outs)]
    red_args = "".join(f"    const uint32_t R{i} = get_arg_val<uint32_t>({1 + i});\n" for i in range(len(reds)))
    init = ('mm_init(%d, %d, %d)' % (cb_of[matmul['a']] if matmul['a'] is not None else CB_A,
                                      cb_of[matmul['b']] if matmul['b'] is not None else CB_B, OUT_CB0)
            if matmul else 'init_sfpu(%d, %d)' % (0 if ir.leaves else OUT_CB0, OUT_CB0))

    def source(lines: list, init: str) -> str:
        return ('#include "api/compute/common.h"\n#include "api/compute/tile_move_copy.h"\n#include "api/compute/matmul.h"\n'
                '#include "api/compute/eltwise_binary_sfpu.h"\n#include "api/compute/compute_kernel_api.h"\n'
                '#include "api/compute/eltwise_unary/eltwise_unary.h"\n#include "api/compute/eltwise_unary/typecast.h"\n'
                "void kernel_main() {\n    const uint32_t ntiles = get_arg_val<uint32_t>(0);\n" + red_args +
                ("    const uint32_t Kt = get_arg_val<uint32_t>(1); (void)Kt;\n" if matmul else "") +
                f"    {init};\n"
                "    for (uint32_t t = 0; t < ntiles; t++) {\n        tile_regs_acquire();\n" +
                "".join(f"        {ln}\n" for ln in lines) +
                "        tile_regs_commit();\n        tile_regs_wait();\n" + "".join(f"        {p}\n" for p in pack) +
                "        tile_regs_release();\n    }\n}\n")
    compute_src = source(comp.lines, init)
    loads = _load_slots(ir)
    reader = _reader(ir, steps, cb_of, matmul, reds, loads)
    writer = _writer(ir, outs, matmul)
    gen = None
    if matmul and matmul["a"] is not None and matmul["b"] is not None and not exact:
        # BEAM: the matmul itself runs as tensix.gen's searched matmul on tiles packed in its layout
        unpack_compute = source([f"cb_wait_front({CB_C}, 1); reconfig_data_format_srca({CB_C}); copy_tile_init({CB_C}); "
                                 f"copy_tile({CB_C}, 0, {comp.slot[id(reds[0])]}); cb_pop_front({CB_C}, 1);"]
                                + comp.lines[mm_end:], f"init_sfpu({CB_C}, {OUT_CB0})")
        gen = {"pack_a": _reader(ir, steps, cb_of, matmul, reds, loads, "pack_a"),
               "pack_b": _reader(ir, steps, cb_of, matmul, reds, loads, "pack_b"),
               "unpack": _reader(ir, steps, cb_of, matmul, reds, loads, "unpack"),
               "unpack_compute": unpack_compute, "page_writer": PAGE_WRITER,
               "cb_a": cb_of[matmul["a"]], "cb_b": cb_of[matmul["b"]]}
    # FLOPs per output element that run on the tile engines: the value ALU ops (reduce bodies per step)
    return {"reader": reader, "writer": writer, "compute": compute_src, "matmul": matmul is not None,
            "leaf_kinds": [kind(lf.dtype) for lf in ir.leaves], "outs": outs, "nreduce": len(reds),
            "loads": sorted(loads), "stores": sorted({st.slot for st in ir.stores}),
            "post_ops": comp.ops, "body_ops": body_ops, "prep_ops": prep_ops, "gen": gen,
            "extra_cbs": ([CB_A] if matmul and matmul["a"] is None else []) + ([CB_B] if matmul and matmul["b"] is None else [])
            + ([CB_ACC] if matmul and (matmul["a"] is None or matmul["b"] is None) else [])}


def _load_slots(ir: KernelIR) -> set:
    out = set()
    for lf in ir.leaves:
        for x in lf.uop.toposort():
            if x.op is Ops.LOAD and x.src[0].op is Ops.INDEX and x.src[0].src[0].op is Ops.PARAM:
                out.add(x.src[0].src[0].arg.slot)
    return out


def _common(ir: KernelIR, loads: set, stores: set) -> tuple[list[str], list[str], cgen.Scalar]:
    """Globals, accessors and the kernel-start code shared by reader and writer: args are 7 words per
    buffer slot (addr, byte offset, cache l1 offset, tags offset, line mask, pages, write-run offset), then the variables,
    then start tile, tile count, the L1 scratch address."""
    sc = cgen.Scalar()
    slots = sorted(ir.bufs)
    top = [cgen.prelude()]
    for _, nm in ir.vars:
        top.append(f"static int32_t v_{nm};")
    decl, init = cgen.range_sizes(ir, sc)
    top += decl + cgen.buffer_accessors(ir, loads, stores)
    nv = len(ir.vars)
    body = [f"const uint32_t tx_base = {7 * len(slots) + nv};",
            "const uint32_t t0 = get_arg_val<uint32_t>(tx_base), nt = get_arg_val<uint32_t>(tx_base + 1);",
            "const uint32_t scratch = get_arg_val<uint32_t>(tx_base + 2); (void)t0; (void)nt; (void)scratch;"]
    for i, (_, nm) in enumerate(ir.vars):
        body.append(f"v_{nm} = (int32_t)get_arg_val<uint32_t>({7 * len(slots) + i});")
    body += init
    for i, slot in enumerate(slots):
        a = 7 * i
        if slot in loads:
            body.append(f"tx_in_{slot} = TxIn{{get_arg_val<uint32_t>({a}), get_arg_val<uint32_t>({a + 1}), "
                        f"scratch + get_arg_val<uint32_t>({a + 2}), scratch + get_arg_val<uint32_t>({a + 3}), "
                        f"get_arg_val<uint32_t>({a + 4})}}; tx_in_init(tx_in_{slot}, get_arg_val<uint32_t>({a + 5}));")
        if slot in stores:
            body.append(f"tx_out_{slot} = TxOut{{get_arg_val<uint32_t>({a}), get_arg_val<uint32_t>({a + 1}), "
                        f"scratch + get_arg_val<uint32_t>({a + 6}), 0, 0}};")
    return top, body, sc


CYC_AFFINE = 3        # a strided copy out of the L1 page cache: load, store, address add per element
CYC_CONVERT = 4       # half / bfloat16 <-> fp32 conversion in integer ops


def _strided_cost(u, axes, free, dt) -> float | None:
    """Per-element RISC-V cycles when u is a plain load (or a cast of one) with constant strides."""
    while u.op is Ops.CAST:
        u = u.src[0]
    if u.op is not Ops.LOAD or u.src[0].op is not Ops.INDEX or len(u.src) > 1 or len(u.src[0].src) > 2:
        return None
    if affine.strides(u.src[0].src[1], axes, free) is None:
        return None
    return CYC_AFFINE + (CYC_CONVERT if u.dtype in (dtypes.float16, dtypes.bfloat16) else 0)


def _charge(cost: float, valid: str) -> str:
    """Cycles for one tile: `valid` elements at `cost`, the padding at 1 cycle each."""
    return f"tx_cycles += uint64_t({valid}) * {int(round(cost))}u + (1024u - uint32_t({valid})); tx_charge();"


POS = "static inline uint32_t tx_pos(uint32_t i, uint32_t j) { return ((i >> 4) * 2 + (j >> 4)) * 256 + (i & 15) * 16 + (j & 15); }"


def _leaf_fn(ir: KernelIR, sc: cgen.Scalar, L: int) -> tuple[list[str], float]:
    lf = ir.leaves[L]
    sc2 = cgen.Scalar()
    sc2.names = {k: v for k, v in sc.names.items() if k.op in (Ops.RANGE,)}
    lines, cost = sc2.statements(cgen.subtree(lf.uop))
    k = kind(lf.dtype)
    t = "float" if k == "f" else "int32_t"
    res = sc2.get(lf.uop)
    return [f"static inline {t} leaf{L}() {{"] + [f"    {x}" for x in lines] + [f"    return ({t}){res};", "}"], cost


CB_C = 27            # tensix.gen's matmul result tile, read back for the post expression (BEAM path)

PAGE_WRITER = r"""
// writes CB 0's tiles to pages t0 .. t0+nt-1 of an interleaved DRAM buffer (a tensix.gen tiled tensor)
void kernel_main() {
    const uint32_t dst = get_arg_val<uint32_t>(0), t0 = get_arg_val<uint32_t>(1), nt = get_arg_val<uint32_t>(2);
    const uint32_t cb = get_arg_val<uint32_t>(3), page = get_tile_size(cb);
    InterleavedAddrGen<true> g{.bank_base_address = dst, .page_size = page};
    for (uint32_t t = t0; t < t0 + nt; t++) {
        cb_wait_front(cb, 1);
        noc_async_write(get_read_ptr(cb), get_noc_addr(t, g), page);
        noc_async_write_barrier();
        cb_pop_front(cb, 1);
    }
}
"""


def _reader(ir: KernelIR, steps, cb_of, matmul, reds, loads, mode: str = "run") -> str:
    """mode: "run" (the tile program), "pack_a" / "pack_b" (gather one matmul side's tiles in tensix.gen's
    tiled order), "unpack" (read tensix.gen's result tiles into CB_C with the post leaves)."""
    top, body, sc = _common(ir, loads, set())
    top.append(POS)
    costs = {}
    out = ir.out_ranges
    for L in range(len(ir.leaves)):
        fn, c = _leaf_fn(ir, sc, L)
        top += fn
        lf = ir.leaves[L]
        if matmul:
            ax = ([matmul["batch"], matmul["m"], matmul["k"]] if L in matmul["a_leaves"] else
                  [matmul["batch"], matmul["k"], matmul["n"]] if L in matmul["b_leaves"] else
                  [matmul["batch"], matmul["m"], matmul["n"]])
            fast = _strided_cost(lf.uop, ax, [1, 2], lf.dtype)
        else:
            fast = _strided_cost(lf.uop, [out, lf.in_reduce.ranges if lf.in_reduce else []], [0], lf.dtype)
        costs[L] = fast if fast is not None else cgen.CYC_ELEM + c
    lines = []
    if matmul:
        b_r, m_r, n_r, k_r = matmul["batch"], matmul["m"], matmul["n"], matmul["k"]
        top.append(f"static inline void set_b(uint32_t b) {{ {' '.join(cgen.decode(b_r, 'b'))} }}")
        top.append(f"static inline void set_m(uint32_t m) {{ {' '.join(cgen.decode(m_r, 'm'))} }}")
        top.append(f"static inline void set_n(uint32_t n) {{ {' '.join(cgen.decode(n_r, 'n'))} }}")
        top.append(f"static inline void set_k(uint32_t k) {{ {' '.join(cgen.decode(k_r, 'k'))} }}")
        lines += [f"const uint32_t M = {cgen.extent(m_r)}, N = {cgen.extent(n_r)}, K = {cgen.extent(k_r)};",
                  "const uint32_t Mt = (M + 31) / 32, Nt = (N + 31) / 32, Kt = (K + 31) / 32; (void)Kt;",
                  "for (uint32_t t = t0; t < t0 + nt; t++) {"]
        if mode == "pack_a":
            lines += ["  const uint32_t kt = t % Kt, mt = (t / Kt) % Mt, b = t / (Kt * Mt), nt_ = 0; set_b(b); {"]
        elif mode == "pack_b":
            lines += ["  const uint32_t nt_ = t % Nt, kt = (t / Nt) % Kt, b = t / (Nt * Kt), mt = 0; set_b(b); {"]
        else:
            lines.append("  const uint32_t nt_ = t % Nt, mt = (t / Nt) % Mt, b = t / (Nt * Mt); set_b(b);")
        if mode == "unpack":
            lines += ["  { InterleavedAddrGen<true> g{.bank_base_address = get_arg_val<uint32_t>(tx_base + 3), .page_size = 4096};",
                      f"    cb_reserve_back({CB_C}, 1); noc_async_read(get_noc_addr(t, g), get_write_ptr({CB_C}), 4096);",
                      f"    noc_async_read_barrier(); cb_push_back({CB_C}, 1);"]
        elif mode == "run":
            lines.append("  for (uint32_t kt = 0; kt < Kt; kt++) {")
        for la in (matmul["a_leaves"] if mode in ("run", "pack_a") else []):
            t = "float" if kind(ir.leaves[la].dtype) == "f" else "int32_t"
            lines += [f"    cb_reserve_back({cb_of[la]}, 1); {{ {t}* d = ({t}*)get_write_ptr({cb_of[la]});",
                      "      for (uint32_t i = 0; i < 32; i++) { uint32_t m = mt * 32 + i; if (m < M) set_m(m);",
                      "        for (uint32_t j = 0; j < 32; j++) { uint32_t k = kt * 32 + j;",
                      f"          if (m < M && k < K) {{ set_k(k); d[tx_pos(i, j)] = leaf{la}(); }} else d[tx_pos(i, j)] = 0; }} }} }}",
                      f"    {_charge(costs[la], 'std::min(32u, M - std::min(M, mt * 32)) * std::min(32u, K - kt * 32)')} cb_push_back({cb_of[la]}, 1);"]
        for lb in (matmul["b_leaves"] if mode in ("run", "pack_b") else []):
            t = "float" if kind(ir.leaves[lb].dtype) == "f" else "int32_t"
            lines += [f"    cb_reserve_back({cb_of[lb]}, 1); {{ {t}* d = ({t}*)get_write_ptr({cb_of[lb]});",
                      "      for (uint32_t i = 0; i < 32; i++) { uint32_t k = kt * 32 + i; if (k < K) set_k(k);",
                      "        for (uint32_t j = 0; j < 32; j++) { uint32_t n = nt_ * 32 + j;",
                      f"          if (n < N && k < K) {{ set_n(n); d[tx_pos(i, j)] = leaf{lb}(); }} else d[tx_pos(i, j)] = 0; }} }} }}",
                      f"    {_charge(costs[lb], 'std::min(32u, N - std::min(N, nt_ * 32)) * std::min(32u, K - kt * 32)')} cb_push_back({cb_of[lb]}, 1);"]
        lines.append("  }")
        post = steps[-1][1] if mode in ("run", "unpack") else []
        for L in post:
            t = "float" if kind(ir.leaves[L].dtype) == "f" else "int32_t"
            lines += [f"  cb_reserve_back({cb_of[L]}, 1); {{ {t}* d = ({t}*)get_write_ptr({cb_of[L]});",
                      "    for (uint32_t i = 0; i < 32; i++) { uint32_t m = mt * 32 + i; if (m < M) set_m(m);",
                      "      for (uint32_t j = 0; j < 32; j++) { uint32_t n = nt_ * 32 + j;",
                      f"        if (m < M && n < N) {{ set_n(n); d[tx_pos(i, j)] = leaf{L}(); }} else d[tx_pos(i, j)] = 0; }} }} }}",
                      f"  {_charge(costs[L], 'std::min(32u, M - mt * 32) * std::min(32u, N - nt_ * 32)')} cb_push_back({cb_of[L]}, 1);"]
        lines.append("}")
    else:
        top.append(f"static inline void set_o(uint32_t o) {{ {' '.join(cgen.decode(out, 'o'))} }}")
        lines += [f"const uint32_t O = {cgen.extent(out)};"]
        for ri, red in enumerate(reds):
            top.append(f"static inline void set_r{ri}(uint32_t r) {{ {' '.join(cgen.decode(red.reduce.ranges, 'r'))} }}")
            lines.append(f"const uint32_t R{ri} = {cgen.extent(red.reduce.ranges)};")
        lines.append("for (uint32_t t = t0; t < t0 + nt; t++) {")

        def push(L: int, extra: str) -> list[str]:
            t = "float" if kind(ir.leaves[L].dtype) == "f" else "int32_t"
            return [f"  cb_reserve_back({cb_of[L]}, 1); {{ {t}* d = ({t}*)get_write_ptr({cb_of[L]});",
                    "    for (uint32_t p = 0; p < 1024; p++) { uint32_t o = t * 1024 + p;",
                    f"      if (o < O) {{ set_o(o); {extra} d[p] = leaf{L}(); }} else d[p] = 0; }} }}",
                    f"  {_charge(costs[L], 'std::min(1024u, O - t * 1024)')} cb_push_back({cb_of[L]}, 1);"]
        for key, lv in steps:
            if key == "post":
                for L in lv:
                    lines += push(L, "")
            else:
                lines.append(f"for (uint32_t r = 0; r < R{key}; r++) {{")
                for L in lv:
                    lines += push(L, f"set_r{key}(r);")
                lines.append("}")
        lines.append("}")
    return "\n".join(top) + "\nvoid kernel_main() {\n" + "\n".join("    " + x for x in body + lines) + "\n}\n"


def _writer(ir: KernelIR, outs, matmul) -> str:
    stores = {st.slot for st in ir.stores}
    top, body, sc = _common(ir, set(), stores)
    top.append(POS)
    out = ir.out_ranges
    fns = []
    cost = 0.0
    for i, st in enumerate(ir.stores):
        sc2 = cgen.Scalar()
        sc2.names = {k: v for k, v in sc.names.items() if k.op is Ops.RANGE}
        roots = [st.index] + ([st.gate] if st.gate is not None else [])
        lines, c = sc2.statements([x for r in roots for x in cgen.subtree(r)])
        axes, free = ([matmul["batch"], matmul["m"], matmul["n"]], [1, 2]) if matmul else ([out], [0])
        dt = ir.bufs[st.slot][0]
        strided = st.gate is None and affine.strides(st.index, axes, free) is not None
        cost = max(cost, CYC_AFFINE + (CYC_CONVERT if dt in (dtypes.float16, dtypes.bfloat16) else 0) if strided
                   else cgen.CYC_ELEM + c)
        vt = cgen.ctype(ir.bufs[st.slot][0])
        k = outs[i][1]
        t = "float" if k == "f" else "int32_t"
        gate = sc2.get(st.gate) if st.gate is not None else "true"
        fns += [f"static inline void store{i}({t} v) {{"] + [f"    {x}" for x in lines] + \
               [f"    if ({gate}) tx_st_{st.slot}((int64_t){sc2.get(st.index)}, ({vt})v);", "}"]
    top += fns
    lines = []
    if matmul:
        top.append(f"static inline void set_b(uint32_t b) {{ {' '.join(cgen.decode(matmul['batch'], 'b'))} }}")
        top.append(f"static inline void set_m(uint32_t m) {{ {' '.join(cgen.decode(matmul['m'], 'm'))} }}")
        top.append(f"static inline void set_n(uint32_t n) {{ {' '.join(cgen.decode(matmul['n'], 'n'))} }}")
        lines += [f"const uint32_t M = {cgen.extent(matmul['m'])}, N = {cgen.extent(matmul['n'])};",
                  "const uint32_t Mt = (M + 31) / 32, Nt = (N + 31) / 32;",
                  "for (uint32_t t = t0; t < t0 + nt; t++) {",
                  "  const uint32_t nt_ = t % Nt, mt = (t / Nt) % Mt, b = t / (Nt * Mt); set_b(b);"]
        for i, (cb, k) in enumerate(outs):
            t = "float" if k == "f" else "int32_t"
            lines += [f"  cb_wait_front({cb}, 1); {{ const {t}* d = (const {t}*)get_read_ptr({cb});",
                      "    for (uint32_t i = 0; i < 32 && mt * 32 + i < M; i++) { set_m(mt * 32 + i);",
                      f"      for (uint32_t j = 0; j < 32 && nt_ * 32 + j < N; j++) {{ set_n(nt_ * 32 + j); store{i}(d[tx_pos(i, j)]); }} }} }}",
                      f"  {_charge(cost, 'std::min(32u, M - mt * 32) * std::min(32u, N - nt_ * 32)')} cb_pop_front({cb}, 1);"]
    else:
        top.append(f"static inline void set_o(uint32_t o) {{ {' '.join(cgen.decode(out, 'o'))} }}")
        lines += [f"const uint32_t O = {cgen.extent(out)};", "for (uint32_t t = t0; t < t0 + nt; t++) {"]
        for i, (cb, k) in enumerate(outs):
            t = "float" if k == "f" else "int32_t"
            lines += [f"  cb_wait_front({cb}, 1); {{ const {t}* d = (const {t}*)get_read_ptr({cb});",
                      "    for (uint32_t p = 0; p < 1024 && t * 1024 + p < O; p++) { set_o(t * 1024 + p);"
                      f" store{i}(d[p]); }} }}",
                      f"  {_charge(cost, 'std::min(1024u, O - t * 1024)')} cb_pop_front({cb}, 1);"]
    lines.append("}")
    lines += [f"tx_flush(tx_out_{s});" for s in sorted(stores)]
    return "\n".join(top) + "\nvoid kernel_main() {\n" + "\n".join("    " + x for x in body + lines) + "\n}\n"
