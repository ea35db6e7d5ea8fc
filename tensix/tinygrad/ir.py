"""What a tinygrad kernel computes, read from its linearized UOps: the buffers, the loops, and for each
global store the index it writes and a value tree whose leaves the reader can gather (loads and
loop-index arithmetic), whose inner nodes are ALU ops for the tile engines and whose reductions are
explicit. `analyze` also decides the kernel's path: "matmul", "tile" or "fallback" (scalar RISC-V)."""
from __future__ import annotations

from dataclasses import dataclass, field

from tinygrad.dtype import AddrSpace, dtypes
from tinygrad.uop.ops import GroupOp, Ops, UOp

# value dtypes the tile engines hold: floats (and bools as 0.0/1.0) in fp32 DST words, integers as int32
FLOAT_KIND = {dtypes.float32, dtypes.float16, dtypes.bfloat16, dtypes.bool}
INT_KIND = {dtypes.int32, dtypes.uint32, dtypes.int8, dtypes.uint8, dtypes.int16, dtypes.uint16}
# ALU ops the SFPU runs on float tiles, and on int32 tiles
TILE_FLOAT_OPS = {Ops.ADD, Ops.SUB, Ops.MUL, Ops.NEG, Ops.MAX, Ops.CMPLT, Ops.CMPNE, Ops.CMPEQ, Ops.WHERE,
                  Ops.EXP2, Ops.LOG2, Ops.SIN, Ops.SQRT, Ops.RECIPROCAL, Ops.TRUNC, Ops.FDIV, Ops.AND, Ops.OR,
                  Ops.XOR}
TILE_INT_OPS = {Ops.ADD, Ops.SUB, Ops.NEG, Ops.MAX, Ops.CMPLT, Ops.CMPNE, Ops.CMPEQ, Ops.WHERE}


def kind(dt) -> str | None:
    """'f' (fp32 DST word), 'i' (int32 DST word) or None (no tile representation, e.g. 64-bit)."""
    dt = dt
    return "f" if dt in FLOAT_KIND else "i" if dt in INT_KIND else None


@dataclass(eq=False)
class Node:
    """A value of the tile computation. op: 'leaf' (a tile the reader gathers: `uop` is evaluated per
    element), 'const', 'alu' (`alu` is the tinygrad op), 'cast', 'reduce', 'acc' (inside a reduce body:
    the accumulator, never produced by analyze)."""
    op: str
    dtype: object
    src: tuple = ()
    uop: UOp | None = None
    alu: Ops | None = None
    value: object = None
    reduce: "Reduce | None" = None
    leaf: int = -1                      # index into KernelIR.leaves


@dataclass(eq=False)
class Reduce:
    op: Ops                             # ADD, MAX or MUL (the accumulate op)
    body: Node
    ranges: list                        # RANGE uops it loops over, outer first
    identity: float


@dataclass(eq=False)
class Leaf:
    uop: UOp                            # evaluated per element by the reader (a LOAD or index math)
    dtype: object
    ranges: set                         # RANGE uops it depends on
    in_reduce: Reduce | None            # gathered once per reduce step when inside a reduce body


@dataclass
class Store:
    slot: int
    index: UOp
    gate: UOp | None
    value: Node
    ranges: list                        # enclosing (output) RANGE uops, outer first


@dataclass
class KernelIR:
    name: str
    uops: list
    bufs: dict = field(default_factory=dict)        # slot -> (dtype, size uop/int)
    vars: list = field(default_factory=list)        # (slot, name) in slot order
    ranges: list = field(default_factory=list)      # every RANGE uop, linear order
    stores: list = field(default_factory=list)
    leaves: list = field(default_factory=list)
    reduces: list = field(default_factory=list)
    path: str = "fallback"
    why: str = ""                                   # why the kernel is not on the tile path
    matmul: dict | None = None                      # a_leaf, b_leaf, M/N/K/batch ranges

    @property
    def out_ranges(self) -> list:
        return self.stores[0].ranges if self.stores else []


class NoTile(Exception):
    """The kernel has no tile mapping (the message says why)."""


def _const(u: UOp):
    if u.op is Ops.CONST:
        return u.arg
    if u.op is Ops.CAST and u.src[0].op is Ops.CONST:
        return u.src[0].arg
    return None


def _is_global(u: UOp) -> bool:
    return u.op is Ops.PARAM and u.arg.addrspace == AddrSpace.GLOBAL


def ranges_of(u: UOp) -> set:
    """RANGE uops u depends on (a RANGE's own sources only order loops; they are not dependencies)."""
    out, seen, todo = set(), set(), [u]
    while todo:
        x = todo.pop()
        if x in seen:
            continue
        seen.add(x)
        if x.op is Ops.RANGE:
            out.add(x)
            continue
        todo.extend(x.src)
    return out


def _has_load(u: UOp) -> bool:
    return any(x.op is Ops.LOAD for x in u.toposort())


class _Builder:
    def __init__(self, ir: KernelIR) -> None:
        self.ir = ir
        self.memo: dict[UOp, Node] = {}
        self.leaf_of: dict[UOp, int] = {}
        self.reduce_stack: list[Reduce] = []
        self.acc_in_body: dict[UOp, Node] = {}

    def leaf(self, u: UOp) -> Node:
        red = self.reduce_stack[-1] if self.reduce_stack else None
        key = u
        if key not in self.leaf_of:
            self.leaf_of[key] = len(self.ir.leaves)
            self.ir.leaves.append(Leaf(u, u.dtype, ranges_of(u), red))
        return Node("leaf", u.dtype, uop=u, leaf=self.leaf_of[key])

    def node(self, u: UOp) -> Node:
        if u in self.memo:
            return self.memo[u]
        n = self._node(u)
        self.memo[u] = n
        return n

    def _node(self, u: UOp) -> Node:
        c = _const(u)
        if c is not None:
            return Node("const", u.dtype, uop=u, value=c)
        if u.op is Ops.LOAD:
            idx = u.src[0]
            base = idx.src[0] if idx.op is Ops.INDEX else idx
            if _is_global(base):
                return self.leaf(u)
            if base.op in (Ops.AFTER, Ops.BUFFER) and base.buf_uop.op is Ops.BUFFER:
                return self.acc_load(u, base)
            raise NoTile(f"load from {base.op}")
        if not _has_load(u) and u.op is not Ops.AFTER:
            if u.op in (Ops.RANGE, Ops.PARAM) or u.op in GroupOp.ALU or u.op in (Ops.CAST, Ops.BITCAST):
                return self.leaf(u)
        if u.op in GroupOp.ALU:
            return Node("alu", u.dtype, tuple(self.node(s) for s in u.src), uop=u, alu=u.op)
        if u.op is Ops.CAST:
            return Node("cast", u.dtype, (self.node(u.src[0]),), uop=u)
        raise NoTile(f"{u.op} in the value")

    def acc_load(self, u: UOp, base: UOp) -> Node:
        acc = base.buf_uop
        deps = base.src[1:] if base.op is Ops.AFTER else ()
        ends = [d for d in deps if d.op is Ops.END]
        if not ends:                                 # the accumulator inside its own loop
            if acc in self.acc_in_body:
                return self.acc_in_body[acc]
            raise NoTile("accumulator read outside its reduce")
        if len(self.reduce_stack) >= 1:
            raise NoTile("a reduce inside a reduce body")
        end = ends[0]
        ranges, s = [], end
        while s.op is Ops.END:
            ranges = list(s.src[1:]) + ranges
            s = s.src[0]
        stores = [s] if s.op is Ops.STORE else [x for x in s.src if x.op is Ops.STORE] if s.op is Ops.GROUP else []
        upd = next((st for st in stores if st.src[0].src[0].buf_uop is acc), None)
        if upd is None:
            raise NoTile("reduce update not found")
        val = upd.src[1]
        if val.op not in (Ops.ADD, Ops.MAX, Ops.MUL) or (val.op is Ops.MUL and kind(val.dtype) != "f"):
            raise NoTile(f"reduce with {val.op} on {val.dtype}")
        accs = [i for i, x in enumerate(val.src) if x.op is Ops.LOAD and x.src[0].src[0].buf_uop is acc]
        if len(accs) != 1:
            raise NoTile("reduce update does not read the accumulator once")
        body_u = val.src[1 - accs[0]]
        init_after = upd.src[0].src[0]
        inits = [d for d in init_after.src[1:] if d.op is Ops.STORE]
        ident = _const(inits[0].src[1]) if inits else None
        if ident is None:
            raise NoTile("reduce without a constant initial value")
        red = Reduce(val.op, None, ranges, float(ident))
        self.reduce_stack.append(red)
        self.acc_in_body[acc] = Node("acc", val.dtype)
        try:
            red.body = self.node(body_u)
        finally:
            self.reduce_stack.pop()
            del self.acc_in_body[acc]
        self.ir.reduces.append(red)
        return Node("reduce", val.dtype, (red.body,), uop=u, reduce=red)


def _walk_types(n: Node, seen: set) -> None:
    if id(n) in seen:
        return
    seen.add(id(n))
    if kind(n.dtype) is None:
        raise NoTile(f"{n.dtype} values have no tile format")
    if n.op == "alu":
        ks = {kind(s.dtype) for s in n.src[1:]} if n.alu is Ops.WHERE else {kind(s.dtype) for s in n.src}
        ok = TILE_INT_OPS if ks == {"i"} else TILE_FLOAT_OPS if ks == {"f"} else set()
        if ks == {"i"} and n.alu is Ops.XOR and any(s.op == "const" and int(s.value) == -1 for s in n.src):
            ok = {Ops.XOR}                                   # ~x = -x - 1
        if n.alu not in ok:
            raise NoTile(f"{n.alu.name} on {n.src[0].dtype} tiles")
        if n.alu in (Ops.AND, Ops.OR, Ops.XOR) and n.dtype != dtypes.bool and ks != {"i"}:
            raise NoTile(f"bitwise {n.alu.name} on {n.dtype}")
    for s in n.src:
        _walk_types(s, seen)


def analyze(uops: list, name: str) -> KernelIR:
    ir = KernelIR(name, uops)
    from . import cgen
    cgen.RID.clear()
    stack: list[UOp] = []
    for u in uops:
        if u.op is Ops.PARAM and u.arg.addrspace == AddrSpace.GLOBAL:
            ir.bufs[u.arg.slot] = (u.dtype, u.src[0] if u.src else None)
        elif u.op is Ops.PARAM and u.arg.addrspace == AddrSpace.ALU:
            ir.vars.append((u.arg.slot, u.arg.name))
        elif u.op is Ops.RANGE:
            ir.ranges.append(u)
            cgen.rid(u)
            stack.append(u)
        elif u.op is Ops.END:
            for r in u.src[1:]:
                if r in stack:
                    stack.remove(r)
        elif u.op is Ops.STORE and u.src[0].op is Ops.INDEX and _is_global(u.src[0].src[0]):
            idx = u.src[0]
            gate = idx.src[2] if len(idx.src) > 2 else (u.src[2] if len(u.src) > 2 else None)
            ir.stores.append(Store(idx.src[0].arg.slot, idx.src[1], gate, None, list(stack)))
    ir.vars.sort()
    try:
        if any(u.op in (Ops.SPECIAL, Ops.IF, Ops.WMMA, Ops.BARRIER) for u in uops):
            raise NoTile("GPU-style launch dims, IF blocks or WMMA")
        if not ir.stores:
            raise NoTile("no global store")
        if any(s.ranges != ir.stores[0].ranges for s in ir.stores):
            raise NoTile("stores in different loop nests")
        b = _Builder(ir)
        stores = [u for u in uops if u.op is Ops.STORE and u.src[0].op is Ops.INDEX and _is_global(u.src[0].src[0])]
        for st, u in zip(ir.stores, stores):
            st.value = b.node(u.src[1])
            _walk_types(st.value, set())
        for lf in ir.leaves:
            if kind(lf.dtype) is None:
                raise NoTile(f"a {lf.dtype} leaf")
        ir.path = "tile"
        ir.matmul = _matmul_shape(ir)
        if ir.matmul is not None:
            ir.path = "matmul"
    except NoTile as e:
        ir.path, ir.why = "fallback", str(e)
        ir.leaves, ir.reduces = [], []
    return ir


def _load_only(n: Node) -> bool:
    return n.op == "leaf" and n.uop.op is Ops.LOAD or n.op == "cast" and _load_only(n.src[0])


def _leaves_in(n: Node, out: list, seen: set) -> list:
    if id(n) not in seen:
        seen.add(id(n))
        if n.op == "leaf":
            if n.leaf not in out:
                out.append(n.leaf)
        elif n.op != "reduce":
            for s in n.src:
                _leaves_in(s, out, seen)
    return out


def _matmul_shape(ir: KernelIR) -> dict | None:
    """A single output whose value is post(sum over K of a * b), a depending on (batch, M, K) ranges
    and b on (batch, N, K): FPU matmul tiles. a and b may be ALU trees (computed on the SFPU into tiles
    before the matmul); 'a'/'b' name the leaf when a side is a plain load."""
    if len(ir.stores) != 1 or len(ir.reduces) != 1:
        return None
    red = ir.reduces[0]
    body = red.body
    while body.op == "cast" and body.dtype in (dtypes.float32, dtypes.float16, dtypes.bfloat16):
        body = body.src[0]
    if red.op is not Ops.ADD or body.op != "alu" or body.alu is not Ops.MUL or \
            body.dtype not in (dtypes.float32, dtypes.float16, dtypes.bfloat16):
        return None
    a, b = body.src
    la, lb = _leaves_in(a, [], set()), _leaves_in(b, [], set())
    if not la or not lb or set(la) & set(lb):
        return None
    ra = set().union(*[ir.leaves[i].ranges for i in la])
    rb = set().union(*[ir.leaves[i].ranges for i in lb])
    out, red_r = ir.out_ranges, red.ranges
    if set(red_r) & set(out) or not set(red_r) <= (ra | rb):
        return None
    batch = [r for r in out if r in ra and r in rb]
    m = [r for r in out if r in ra and r not in rb]
    n = [r for r in out if r in rb and r not in ra]
    if (ra | rb) - set(out) - set(red_r):
        return None
    return {"a": _leaf_of(a) if _load_only(a) else None, "b": _leaf_of(b) if _load_only(b) else None,
            "a_node": a, "b_node": b, "a_leaves": la, "b_leaves": lb,
            "batch": batch, "m": m, "n": n, "k": list(red_r)}


def _leaf_of(n: Node) -> int:
    while n.op == "cast":
        n = n.src[0]
    return n.leaf
