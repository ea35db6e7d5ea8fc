"""Scalar C++ for the data-movement RISC-Vs: tinygrad's index arithmetic and scalar ops rendered from
UOps, the DRAM access helpers (a page cache in L1 for loads, write-combining for stores), and the
RISC-V cycle charges. Used by the reader and writer of the tile path and by the scalar fallback."""
from __future__ import annotations

import math
import struct

from tinygrad.dtype import AddrSpace, dtypes
from tinygrad.uop.ops import Ops, UOp

PAGE = 1024                      # bytes per DRAM page of a tinygrad buffer (interleaved over the banks)

# RISC-V cost model (tensix choice): the data-movement RISC-Vs are in-order RV32IM cores without an FPU,
# about one instruction per cycle; an integer uop costs ~1.5 instructions, a float uop is a soft-float
# library call (~30 cycles), each gathered or scattered element adds loop, address and L1 access work.
CYC_INT, CYC_FLOAT, CYC_ELEM = 1.5, 30, 8


RID: dict = {}                   # RANGE uop -> its C name number (tinygrad's axis ids can repeat)


def rid(u: UOp) -> int:
    if u not in RID:
        RID[u] = len(RID)
    return RID[u]


def _is_weak(dt) -> bool:
    return "weak" in str(dt)


def ctype(dt) -> str:
    """C type of a value (half and bfloat16 values are held in a float)."""
    dt = dt
    if _is_weak(dt):
        return "double" if "float" in str(dt) else "int64_t"
    if dt == dtypes.bool:
        return "bool"
    if dtypes.is_float(dt):
        return "double" if dt == dtypes.float64 else "float"
    return f"{'u' if dtypes.is_unsigned(dt) else ''}int{dt.itemsize * 8}_t"


def stype(dt) -> str:
    """C type of a value in memory."""
    dt = dt
    if dt in (dtypes.float16, dtypes.bfloat16):
        return "uint16_t"
    return "uint8_t" if dt == dtypes.bool else ctype(dt)


def _utype(dt) -> str:
    return f"uint{dt.itemsize * 8}_t"


def cfloat(v: float, dt) -> str:
    if math.isnan(v):
        return "__builtin_nanf(\"\")" if ctype(dt) == "float" else "__builtin_nan(\"\")"
    if math.isinf(v):
        return ("-" if v < 0 else "") + ("__builtin_inff()" if ctype(dt) == "float" else "__builtin_inf()")
    if ctype(dt) == "float":
        v = struct.unpack("f", struct.pack("f", v))[0]
        return f"{float(v).hex()}f"
    return float(v).hex()


def const(v, dt) -> str:
    t = ctype(dt)
    if t == "bool":
        return "true" if v else "false"
    if t in ("float", "double"):
        return cfloat(float(v), dt)
    v = int(v)
    if t.startswith("u"):
        return f"(({t}){v & ((1 << (dt.itemsize * 8)) - 1) if not _is_weak(dt) else v}ull)"
    return f"(({t}){v}ll)"


def uop_cost(u: UOp) -> float:
    if u.op in (Ops.CONST, Ops.RANGE, Ops.PARAM, Ops.INDEX, Ops.AFTER, Ops.BUFFER, Ops.END, Ops.SINK, Ops.GROUP):
        return 0
    if u.op is Ops.LOAD or u.op is Ops.STORE:
        return 3
    return CYC_FLOAT if dtypes.is_float(u.dtype) and not _is_weak(u.dtype) else CYC_INT


class Scalar:
    """Renders UOps as C statements `T uN = ...;`; `names` maps a UOp to its C expression. Loads go
    through tx_ld_<slot>(index), stores through tx_st_<slot>(index, value)."""

    def __init__(self) -> None:
        self.names: dict[UOp, str] = {}
        self.n = 0

    def get(self, u: UOp) -> str:
        if u in self.names:
            return self.names[u]
        if u.op is Ops.RANGE:
            return f"r{rid(u)}"
        if u.op is Ops.PARAM and u.arg.addrspace == AddrSpace.ALU:
            return f"v_{u.arg.name}"
        if u.op is Ops.CONST:
            return const(u.arg, u.dtype)
        return ""

    def expr(self, u: UOp) -> str | None:
        """The C expression of one uop (its sources already named), or None for non-values."""
        s = [self.get(x) for x in u.src]
        dt, t = u.dtype, ctype(u.dtype)
        op = u.op
        if op is Ops.CONST:
            return const(u.arg, dt)
        if op is Ops.RANGE:
            return f"r{rid(u)}"
        if op is Ops.PARAM and u.arg.addrspace == AddrSpace.ALU:
            return f"v_{u.arg.name}"
        if op is Ops.CAST:
            d = dt
            if d == dtypes.bool:
                return f"({s[0]} != 0)"
            if d == dtypes.float16:
                return f"tx_rh((float){s[0]})"
            if d == dtypes.bfloat16:
                return f"tx_rbf((float){s[0]})"
            return f"(({t}){s[0]})"
        if op is Ops.BITCAST:
            return f"tx_bitcast<{stype(dt)}, {stype(u.src[0].dtype)}>({self._to_store(u.src[0].dtype, s[0])})" \
                if dt not in (dtypes.float16, dtypes.bfloat16) else \
                self._from_store(dt, f"tx_bitcast<uint16_t, {stype(u.src[0].dtype)}>({s[0]})")
        if op is Ops.LOAD:
            idx = u.src[0]
            if idx.op is not Ops.INDEX:
                return None
            base = idx.src[0]
            if base.op is Ops.PARAM and base.arg.addrspace == AddrSpace.GLOBAL:
                ld = f"tx_ld_{base.arg.slot}((int64_t){self.get(idx.src[1])})"
                gate = u.src[2] if len(u.src) > 2 else (idx.src[2] if len(idx.src) > 2 else None)
                if gate is not None:
                    alt = self.get(u.src[1]) if len(u.src) > 1 else const(0, dt)
                    return f"({self.get(gate)} ? {ld} : {alt})"
                return ld
            return f"{self.get(base)}[{self.get(idx.src[1])}]"
        if op in (Ops.ADD, Ops.SUB, Ops.MUL) and t not in ("float", "double", "bool"):
            o = {Ops.ADD: "+", Ops.SUB: "-", Ops.MUL: "*"}[op]
            return f"(({t})(({_utype(dt)}){s[0]} {o} ({_utype(dt)}){s[1]}))"
        binops = {Ops.ADD: "+", Ops.SUB: "-", Ops.MUL: "*", Ops.FDIV: "/", Ops.CMPLT: "<", Ops.CMPNE: "!=",
                  Ops.CMPEQ: "==", Ops.AND: "&", Ops.OR: "|", Ops.XOR: "^", Ops.SHR: ">>"}
        if op in binops:
            return f"(({t})({s[0]} {binops[op]} {s[1]}))"
        if op is Ops.SHL:
            return f"(({t})(({_utype(dt)}){s[0]} << {s[1]}))"
        if op in (Ops.CDIV, Ops.CMOD):
            o = "/" if op is Ops.CDIV else "%"
            return f"({s[1]} == 0 ? ({t})0 : ({t})({s[0]} {o} {s[1]}))"
        if op is Ops.MAX:
            return f"({s[0]} < {s[1]} ? {s[1]} : {s[0]})"
        if op is Ops.WHERE:
            return f"({s[0]} ? {s[1]} : {s[2]})"
        if op is Ops.NEG:
            if t == "bool":
                return f"(!{s[0]})"
            return f"(-{s[0]})" if t in ("float", "double") else f"(({t})(0 - ({_utype(dt)}){s[0]}))"
        f = "" if t == "double" else "f"
        unary = {Ops.EXP2: f"exp2{f}", Ops.LOG2: f"log2{f}", Ops.SIN: f"sin{f}", Ops.SQRT: f"sqrt{f}",
                 Ops.TRUNC: f"trunc{f}"}
        if op in unary:
            return f"{unary[op]}({s[0]})"
        if op is Ops.RECIPROCAL:
            return f"(({t})1 / {s[0]})"
        raise NotImplementedError(f"tensix tinygrad: no scalar C for {op}")

    @staticmethod
    def _to_store(dt, e: str) -> str:
        d = dt
        return f"tx_f2h({e})" if d == dtypes.float16 else f"tx_f2bf({e})" if d == dtypes.bfloat16 else e

    @staticmethod
    def _from_store(dt, e: str) -> str:
        d = dt
        return f"tx_h2f({e})" if d == dtypes.float16 else f"tx_bf2f({e})" if d == dtypes.bfloat16 else e

    def statements(self, uops: list) -> tuple[list[str], float]:
        """C statements for value uops in order (each named uN); returns the lines and their cycle cost."""
        lines, cost = [], 0.0
        for u in uops:
            if u in self.names:
                continue
            if u.op in (Ops.RANGE, Ops.CONST) or (u.op is Ops.PARAM and u.arg.addrspace == AddrSpace.ALU):
                self.names[u] = self.expr(u)
                continue
            if u.op in (Ops.INDEX, Ops.PARAM, Ops.STACK, Ops.SINK, Ops.GROUP, Ops.NOOP, Ops.BARRIER):
                continue
            e = self.expr(u)
            if e is None:
                continue
            nm = f"u{self.n}"
            self.n += 1
            lines.append(f"{ctype(u.dtype)} {nm} = {e};")
            self.names[u] = nm
            cost += uop_cost(u)
        return lines, cost


def subtree(u: UOp) -> list:
    """u and what it depends on, in dependency order (stopping at RANGEs)."""
    return list(u.toposort(lambda x: x.op is not Ops.RANGE))


PRELUDE = r"""
#include <cstdint>
#include <cstring>
#include <cmath>
#include <algorithm>
static constexpr uint32_t TX_PAGE = %(page)d;
static inline float tx_bf2f(uint16_t b) { uint32_t u = uint32_t(b) << 16; float f; std::memcpy(&f, &u, 4); return f; }
static inline uint16_t tx_f2bf(float f) {
    uint32_t u; std::memcpy(&u, &f, 4);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu)) return uint16_t((u >> 16) | 0x40);
    return uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
static inline float tx_h2f(uint16_t h) {
    uint32_t s = uint32_t(h & 0x8000u) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ffu, u;
    if (e == 0x1f) u = s | 0x7f800000u | (m << 13);
    else if (e) u = s | ((e + 112) << 23) | (m << 13);
    else if (!m) u = s;
    else { int k = 0; while (!(m & 0x400u)) { m <<= 1; k++; } u = s | (uint32_t(113 - k) << 23) | ((m & 0x3ffu) << 13); }
    float f; std::memcpy(&f, &u, 4); return f;
}
static inline uint16_t tx_f2h(float f) {
    uint32_t u; std::memcpy(&u, &f, 4);
    uint32_t s = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) return uint16_t(s | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0));
    if (a >= 0x477ff000u) return uint16_t(s | 0x7c00u);                  // rounds to inf
    if (a < 0x38800000u) {                                                 // subnormal half (or 0)
        if (a < 0x33000000u) return uint16_t(s);
        uint32_t e = a >> 23, m = (a & 0x7fffffu) | 0x800000u, sh = 126 - e;
        uint32_t r = m >> sh, rem = m & ((1u << sh) - 1), half = 1u << (sh - 1);
        if (rem > half || (rem == half && (r & 1))) r++;
        return uint16_t(s | r);
    }
    uint32_t r = ((a >> 13) - (112u << 10)), rem = a & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (r & 1))) r++;
    return uint16_t(s | r);
}
static inline float tx_rh(float f) { return tx_h2f(tx_f2h(f)); }
static inline float tx_rbf(float f) { return tx_bf2f(tx_f2bf(f)); }
template <class To, class From> static inline To tx_bitcast(From v) {
    static_assert(sizeof(To) == sizeof(From), "bitcast between sizes");
    To t; std::memcpy(&t, &v, sizeof t); return t;
}
static inline int32_t tx_as_i(float f) { int32_t i; std::memcpy(&i, &f, 4); return i; }

// a DRAM buffer read through a direct-mapped cache of pages in L1
struct TxIn { uint32_t addr, off, l1, tags, mask; };
static inline uint8_t* tx_page(TxIn& b, uint32_t page) {
    uint32_t line = page & b.mask;
    int32_t* tags = reinterpret_cast<int32_t*>(uintptr_t(b.tags));
    uint8_t* p = reinterpret_cast<uint8_t*>(uintptr_t(b.l1 + line * TX_PAGE));
    if (tags[line] != int32_t(page)) {
        InterleavedAddrGen<true> g{.bank_base_address = b.addr, .page_size = TX_PAGE};
        noc_async_read(get_noc_addr(page, g), uint32_t(uintptr_t(p)), TX_PAGE);
        noc_async_read_barrier();
        tags[line] = int32_t(page);
    }
    return p;
}
static inline void tx_in_init(TxIn& b, uint32_t pages) {
    int32_t* tags = reinterpret_cast<int32_t*>(uintptr_t(b.tags));
    for (uint32_t i = 0; i <= b.mask; i++) tags[i] = -1;
    if (pages <= b.mask + 1) {                       // the whole buffer fits: read it all, one barrier
        InterleavedAddrGen<true> g{.bank_base_address = b.addr, .page_size = TX_PAGE};
        for (uint32_t i = 0; i < pages; i++) noc_async_read(get_noc_addr(i, g), b.l1 + i * TX_PAGE, TX_PAGE);
        noc_async_read_barrier();
        for (uint32_t i = 0; i < pages; i++) tags[i] = int32_t(i);
    }
}
template <class T> static inline T tx_load(TxIn& b, int64_t idx) {
    uint32_t byte = b.off + uint32_t(idx) * sizeof(T), o = byte % TX_PAGE;
    T v;
    if (o + sizeof(T) <= TX_PAGE) std::memcpy(&v, tx_page(b, byte / TX_PAGE) + o, sizeof(T));
    else for (uint32_t i = 0; i < sizeof(T); i++) reinterpret_cast<uint8_t*>(&v)[i] = tx_page(b, (byte + i) / TX_PAGE)[(byte + i) % TX_PAGE];
    return v;
}
// a DRAM buffer written through a write-combining run in L1 (only the bytes stored are written)
struct TxOut { uint32_t addr, off, l1, start, len; };
static inline void tx_flush(TxOut& b) {
    if (!b.len) return;
    InterleavedAddrGen<true> g{.bank_base_address = b.addr, .page_size = TX_PAGE};
    uint32_t o = b.start % TX_PAGE;
    noc_async_write(b.l1 + o, get_noc_addr(b.start / TX_PAGE, g) + o, b.len);
    noc_async_write_barrier();
    b.len = 0;
}
template <class T> static inline void tx_store(TxOut& b, int64_t idx, T v) {
    uint32_t byte = b.off + uint32_t(idx) * sizeof(T);
    if (b.len && (byte != b.start + b.len || (byte + sizeof(T) - 1) / TX_PAGE != b.start / TX_PAGE)) tx_flush(b);
    if ((byte + sizeof(T) - 1) / TX_PAGE != byte / TX_PAGE) {     // straddles a page: byte by byte
        for (uint32_t i = 0; i < sizeof(T); i++) {
            uint32_t bi = byte + i;
            b.start = bi; b.len = 1;
            reinterpret_cast<uint8_t*>(uintptr_t(b.l1))[bi % TX_PAGE] = reinterpret_cast<uint8_t*>(&v)[i];
            tx_flush(b);
        }
        return;
    }
    if (!b.len) b.start = byte;
    std::memcpy(reinterpret_cast<uint8_t*>(uintptr_t(b.l1)) + byte % TX_PAGE, &v, sizeof(T));
    b.len += sizeof(T);
}
static uint64_t tx_cycles = 0;
static inline void tx_charge() { while (tx_cycles) { uint32_t c = tx_cycles > 0x40000000u ? 0x40000000u : uint32_t(tx_cycles); riscv_wait(c); tx_cycles -= c; } }
"""


def prelude() -> str:
    return PRELUDE.replace("%(page)d", str(PAGE))


def buffer_accessors(ir, loads: set, stores: set) -> list[str]:
    """tx_ld_<slot> / tx_st_<slot> for the kernel's buffers (TxIn / TxOut globals filled from args)."""
    out = []
    for slot, (dt, _) in sorted(ir.bufs.items()):
        st, vt = stype(dt), ctype(dt)
        conv_in = "tx_h2f" if dt == dtypes.float16 else "tx_bf2f" if dt == dtypes.bfloat16 else ""
        conv_out = "tx_f2h" if dt == dtypes.float16 else "tx_f2bf" if dt == dtypes.bfloat16 else ""
        if slot in loads:
            out.append(f"static TxIn tx_in_{slot};")
            ret = f"{conv_in}(tx_load<{st}>(tx_in_{slot}, i))" if conv_in else f"({vt})tx_load<{st}>(tx_in_{slot}, i)"
            out.append(f"static inline {vt} tx_ld_{slot}(int64_t i) {{ return {ret}; }}")
        if slot in stores:
            out.append(f"static TxOut tx_out_{slot};")
            val = f"{conv_out}((float)v)" if conv_out else f"({st})v"
            out.append(f"static inline void tx_st_{slot}(int64_t i, {vt} v) {{ tx_store<{st}>(tx_out_{slot}, i, {val}); }}")
    return out


def range_sizes(ir, sc: Scalar) -> tuple[list[str], list[str]]:
    """Globals holding each range's trip count (computed from the variables at kernel start)."""
    decl, init = [], []
    for r in ir.ranges:
        decl.append(f"static int32_t S{rid(r)}; static int32_t r{rid(r)};")
        lines, _ = sc.statements(subtree(r.src[0]))
        init += lines + [f"S{rid(r)} = (int32_t){sc.names[r.src[0]]};"]
    return decl, init


def decode(ranges: list, var: str) -> list[str]:
    """Set the range globals from a flat index `var` (the last range varies fastest)."""
    out = [f"{{ uint32_t q_ = {var};"]
    for r in reversed(ranges):
        out.append(f"r{rid(r)} = int32_t(q_ % uint32_t(S{rid(r)})); q_ /= uint32_t(S{rid(r)});")
    out.append("}")
    return out


def extent(ranges: list) -> str:
    return " * ".join(f"uint32_t(S{rid(r)})" for r in ranges) or "1u"
