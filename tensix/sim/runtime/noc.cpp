// tensix simulated chip: NoC addresses, transfers, semaphores and their modelled cycles.
//
// Data moves when the transfer is issued (the scheduler guarantees every earlier cycle of every
// RISC-V has run by then); the issuing RISC-V records when the transfer lands / is acknowledged,
// and barriers advance its clock to that cycle. Semaphore updates travel as events that land at
// their arrival cycle, so a waiter wakes exactly when the update reaches its core.
//
// Timing (first-order; the calibrated model is tensix issue #4): a packetised transfer costs its
// flits (bytes / link width + one header flit per packet) on the link, router hops along the real
// unidirectional route of the chosen NoC, NIU latency at both ends, each core's NoC port is busy
// while data streams through it, and DRAM adds its access latency plus per-controller bandwidth.
#include "sim.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace sim {

namespace {

const char* hex(uint64_t v) {
    static char b[4][32];
    static int i = 0;
    i = (i + 1) & 3;
    snprintf(b[i], sizeof b[i], "0x%llx", (unsigned long long)v);
    return b[i];
}


uint32_t hops(int sx, int sy, int dx, int dy, int noc) {
    int X = int(chip.p.noc_grid_x), Y = int(chip.p.noc_grid_y);
    int ddx = dx - sx, ddy = dy - sy;
    if (noc == 1) { ddx = -ddx; ddy = -ddy; }
    return uint32_t(((ddx % X) + X) % X + ((ddy % Y) + Y) % Y);
}

// flits on the wire: payload at the link width, one header flit and the NIU gap per packet
uint64_t flits(uint32_t size) {
    uint64_t packets = std::max<uint64_t>((size + chip.p.noc_max_packet - 1) / chip.p.noc_max_packet, 1);
    return (size + chip.p.noc_bytes_per_cycle - 1) / chip.p.noc_bytes_per_cycle + packets * (1 + chip.p.noc_packet_cycles);
}

void where_of(const Target& t, int& x, int& y) {
    if (t.core >= 0) { x = chip.cores[t.core].px; y = chip.cores[t.core].py; }
    else { x = chip.ctrls[t.ctrl].px; y = chip.ctrls[t.ctrl].py; }
}

// Wormhole routing along the real route: NoC0 goes +x then +y around the torus, NoC1 -x then -y
// (physical NoC0 coordinates). The head takes noc_hop_cycles per router and waits for each link to
// be free; every link stays busy while the packet's flits cross it. Returns when the tail arrives.
// A multicast packet forks in the routers: the links it already crossed on the way to an earlier
// destination are not crossed again. Records each link and the cycle the head left it.
struct Tree {
    std::vector<std::pair<const Calendar*, uint64_t>> links;
};

uint64_t route(int noc, int sx, int sy, int dx, int dy, uint64_t t, uint64_t nflits, uint32_t bytes, Tree* tree = nullptr) {
    const int X = int(chip.p.noc_grid_x), Y = int(chip.p.noc_grid_y);
    if (nflits <= 1)      // a request or acknowledgement: one flit, too small to matter on the links
        return t + uint64_t(hops(sx, sy, dx, dy, noc)) * chip.p.noc_hop_cycles + nflits;
    const bool up = noc == 0;
    Calendar* xlinks = chip.links + size_t(noc) * 2 * size_t(X) * size_t(Y);
    Calendar* ylinks = xlinks + size_t(X) * size_t(Y);
    const uint64_t hop = chip.p.noc_hop_cycles;
    auto cross = [&](Calendar& l) {
        if (tree)
            for (const auto& [seen, left] : tree->links)
                if (seen == &l) { t = left; return; }
        t = l.take(t, nflits) - nflits + hop;
        chip.link_bytes[size_t(&l - chip.links)] += bytes;
        if (tree) tree->links.push_back({&l, t});
    };
    for (int x = sx; x != dx; x = up ? (x + 1 == X ? 0 : x + 1) : (x == 0 ? X - 1 : x - 1))
        cross(xlinks[size_t(sy) * size_t(X) + size_t(x)]);
    for (int y = sy; y != dy; y = up ? (y + 1 == Y ? 0 : y + 1) : (y == 0 ? Y - 1 : y - 1))
        cross(ylinks[size_t(y) * size_t(X) + size_t(dx)]);
    return t + nflits;
}

// The transaction limit: a RISC-V may have noc_max_outstanding reads in flight per NoC.
uint64_t issue_slot(Risc& r, int noc) {
    uint32_t n = chip.p.noc_max_outstanding;
    return n ? r.inflight[noc][r.issued[noc] % n] : 0;
}
void issued(Risc& r, int noc, uint64_t done) {
    uint32_t n = chip.p.noc_max_outstanding;
    if (n) r.inflight[noc][r.issued[noc]++ % n] = done;
}

uint8_t check_noc(uint8_t noc, const char* call) {
    if (noc > 1) fail(fmt("%s: noc %u does not exist; a Tensix core has NoC 0 and NoC 1", call, noc));
    return noc;
}

void check_align(uint32_t l1_off, const Target& t, bool read, const char* call) {
    uint32_t a = t.core >= 0 ? (read ? chip.p.read_align_l1 : chip.p.write_align_l1)
                             : (read ? chip.p.read_align_dram : chip.p.write_align_dram);
    if ((l1_off & (a - 1)) != (t.offset & (a - 1)))
        fail(fmt("%s: misaligned NoC transfer: local L1 address %s and %s address %s differ modulo %u "
                 "(%s %s alignment is %u B); align both addresses to %u B or give them the same offset",
                 call, hex(l1_off), t.core >= 0 ? "L1" : "DRAM", hex(t.offset), a, t.core >= 0 ? "L1" : "DRAM",
                 read ? "read" : "write", a, a));
}

// Time at which a read of `size` bytes issued now by the running RISC-V lands in its L1: the request
// travels to the target, DRAM serves it after its access latency at the channel's rate (queueing
// behind earlier requests to the channel), the response streams back along the return route and
// through this core's NoC port.
uint64_t read_lands(const Target& t, uint32_t size, int noc) {
    Risc& r = *running;
    Core& me = *r.core;
    int tx, ty;
    where_of(t, tx, ty);
    const Params& p = chip.p;
    uint64_t f = flits(size);
    uint64_t t0 = r.clock;
    uint64_t req = me.port_out[noc].take(t0, p.noc_cmd_cycles);
    uint64_t at_target = route(noc, me.px, me.py, tx, ty, req + p.noc_niu_cycles, 1, 0);
    uint64_t inject, floor = 0;
    if (t.ctrl >= 0) {
        Ctrl& c = chip.ctrls[t.ctrl];
        uint64_t busy = uint64_t(size / p.dram_bytes_per_cycle + 0.5);
        uint64_t served = c.channels[c.channel(t.offset)].take(at_target, busy);
        inject = served - busy + p.dram_latency;
        floor = served + p.dram_latency;            // the channel's rate bounds the stream
    } else {
        Core& src = chip.cores[t.core];
        inject = src.port_out[noc].take(at_target + p.l1_latency, f) - f;
    }
    uint64_t land = std::max(route(noc, tx, ty, me.px, me.py, inject + p.noc_niu_cycles, f, size), floor);
    uint64_t done = me.port_in[noc].take(land - f, f);
    issued(r, noc, done);
    return done;
}

// Writes: the data streams out of this core's NoC port along the route; DRAM absorbs it at the
// channel's rate, another core through its NoC port. Returns when the data has left the source;
// `ack` gets the cycle the acknowledgement is back.
uint64_t write_leaves(const Target& t, uint32_t size, int noc, uint64_t& ack) {
    Risc& r = *running;
    Core& me = *r.core;
    int tx, ty;
    where_of(t, tx, ty);
    const Params& p = chip.p;
    uint64_t f = flits(size);
    uint64_t begin = me.port_out[noc].take(r.clock, p.noc_cmd_cycles + f) - f;
    uint64_t arrive = route(noc, me.px, me.py, tx, ty, begin + p.noc_niu_cycles, f, size);
    if (t.ctrl >= 0) {
        Ctrl& c = chip.ctrls[t.ctrl];
        uint64_t busy = uint64_t(size / p.dram_bytes_per_cycle + 0.5);
        arrive = std::max(arrive, c.channels[c.channel(t.offset)].take(arrive - f, busy));
    } else {
        arrive = chip.cores[t.core].port_in[noc].take(arrive - f, f);
    }
    ack = route(noc, tx, ty, me.px, me.py, arrive + p.noc_niu_cycles, 1, 0) + p.noc_niu_cycles;
    return begin + f;
}

// bytes per NoC and DRAM channel, DRAM completion for wait attribution, a trace slice per transfer
void account(Risc& r, const Target& t, uint32_t size, int noc, bool write, uint64_t done) {
    chip.noc_bytes[noc] += size;
    if (t.ctrl >= 0) {
        const Ctrl& c = chip.ctrls[size_t(t.ctrl)];
        (write ? chip.dram_written : chip.dram_read)[c.bank_ids[c.channel(t.offset)]] += size;
        r.dram_done[noc] = std::max(r.dram_done[noc], done);
    }
    trace_event(r, r.call, r.clock, done, size);
}

struct Rect { int x0, y0, x1, y1; };

Rect mcast_rect(uint64_t a) {
    int xe = int((a >> 36) & 0x3f), ye = int((a >> 42) & 0x3f), xs = int((a >> 48) & 0x3f), ys = int((a >> 54) & 0x3f);
    // NoC0 expects start = top-left, NoC1 the reverse; examples pass either, so normalise (API §3.4).
    return {std::min(xs, xe), std::min(ys, ye), std::max(xs, xe), std::max(ys, ye)};
}

// Every worker core inside a multicast rectangle, checked against num_dests.
std::vector<int> mcast_cores(uint64_t a, uint8_t noc, uint32_t num_dests, bool loopback, const char* call) {
    Rect rc = mcast_rect(a);
    std::vector<int> out;
    bool self_inside = false;
    for (int y = rc.y0; y <= rc.y1; y++)
        for (int x = rc.x0; x <= rc.x1; x++) {
            if (x >= MAX_GRID || y >= MAX_GRID) continue;
            int c = chip.tile[noc][y][x];
            if (c < 0) continue;
            if (c == running->core->index) { self_inside = true; if (!loopback) continue; }
            out.push_back(c);
        }
    if (out.size() != num_dests)
        fail(fmt("%s: num_dests is %u but the rectangle (%d,%d)-(%d,%d) on NoC %u reaches %zu core(s)%s; "
                 "on silicon the sender would wait forever for the missing acknowledgements",
                 call, num_dests, rc.x0, rc.y0, rc.x1, rc.y1, noc, out.size(),
                 self_inside && !loopback ? " besides the sender (a non-loopback multicast never writes the sender)" : ""));
    return out;
}

}  // namespace

Target decode(uint64_t a, uint8_t noc, uint32_t size, bool write, const char* call) {
    int x = int((a >> 36) & 0x3f), y = int((a >> 42) & 0x3f);
    uint64_t local = a & ((1ull << 36) - 1);
    int t = chip.tile[noc][y][x];
    Target out;
    if (t == -1)
        fail(fmt("%s: NoC address %s targets tile (%d, %d) on NoC %u, which is neither a worker core nor a DRAM "
                 "tile of this chip; build NoC addresses with get_noc_addr from coordinates the host gave you "
                 "(Device.worker_core) or from an address generator", call, hex(a), x, y, noc));
    if (t >= 0) {
        uint64_t off = local;
        uint64_t pool = uint64_t(chip.cores[0].l1_kaddr);
        if (local >= pool && local < pool + uint64_t(chip.cores.size()) * SLOT) off = (local - pool) % SLOT;
        if (off + size > chip.p.l1_size)
            fail(fmt("%s: %s %u B at L1 address %s of core (%d, %d) runs past the end of its %u B L1",
                     call, write ? "writing" : "reading", size, hex(off), chip.cores[t].lx, chip.cores[t].ly,
                     chip.p.l1_size));
        out.core = t;
        out.offset = off;
        out.ptr = chip.cores[t].l1 + off;
    } else {
        int c = -2 - t;
        if (local + size > chip.p.ctrl_size)
            fail(fmt("%s: %s %u B at DRAM address %s through tile (%d, %d) runs past the end of that DRAM "
                     "channel (%llu B)", call, write ? "writing" : "reading", size, hex(local), x, y,
                     (unsigned long long)chip.p.ctrl_size));
        out.ctrl = c;
        out.offset = local;
        out.ptr = chip.ctrls[c].mem + local;
    }
    return out;
}

uint32_t l1_offset(uint32_t kaddr, uint32_t size, const char* what) {
    Core& me = *running->core;
    uint64_t off = kaddr;
    if (kaddr >= me.l1_kaddr && kaddr < me.l1_kaddr + SLOT) off = kaddr - me.l1_kaddr;
    else if (kaddr >= chip.p.l1_size)
        fail(fmt("%s 0x%x is not an address in this core's L1 (0..0x%x; in the simulator a kernel sees its L1 "
                 "at 0x%x..0x%x)", what, kaddr, chip.p.l1_size, me.l1_kaddr, me.l1_kaddr + chip.p.l1_size));
    if (off + size > chip.p.l1_size)
        fail(fmt("%s 0x%llx + %u B runs past the end of the %u B L1", what, (unsigned long long)off, size, chip.p.l1_size));
    return uint32_t(off);
}

void apply_event(const Event& e) {
    Core& c = chip.cores[e.core];
    if (e.kind == EvKind::CbPush) {               // pages the packer pushed land now
        CB& cb = c.cb[e.offset];
        cb.pending -= e.value;
        cb.received += e.value;
        progress();
        wake_core(e.core);
        return;
    }
    volatile uint32_t* w = reinterpret_cast<volatile uint32_t*>(c.l1 + e.offset);
    if (e.kind == EvKind::SemInc) *w = *w + e.value;
    else *w = e.value;
    progress();
    wake_core(e.core);
}

}  // namespace sim

using namespace sim;

extern "C" {

void tx_noc_read(uint64_t src, uint32_t dst_l1, uint32_t size, uint8_t noc) {
    const char* call = "noc_async_read";
    running->call = call;
    check_noc(noc, call);
    Risc& me = *running;
    uint64_t slot = issue_slot(me, noc);
    if (slot > me.clock) {            // every transaction id is in flight: the RISC-V waits for one
        me.waited[WAIT_NOC] += slot - me.clock;
        trace_event(me, "noc_async_read (waiting for a transaction id)", me.clock, slot);
        me.clock = slot;
    }
    sync_point();
    Target t = decode(src, noc, size, false, call);
    uint32_t dst = l1_offset(dst_l1, size, "noc_async_read: destination");
    check_align(dst, t, true, call);
    uint64_t land = read_lands(t, size, noc);
    Risc& r = *running;
    if (!chip.timing_only) r.pending.push_back({r.core->l1 + dst, t.ptr, size, land});
    r.reads_done[noc] = std::max(r.reads_done[noc], land);
    account(r, t, size, noc, false, land);
    r.clock += chip.p.cost_noc_issue;
    progress();
}

void tx_noc_write(uint32_t src_l1, uint64_t dst, uint32_t size, uint8_t noc, int posted) {
    const char* call = "noc_async_write";
    running->call = call;
    check_noc(noc, call);
    sync_point();
    uint32_t src = l1_offset(src_l1, size, "noc_async_write: source");
    Target t = decode(dst, noc, size, true, call);
    check_align(src, t, false, call);
    if (!chip.timing_only) std::memmove(t.ptr, running->core->l1 + src, size);
    uint64_t ack;
    uint64_t left = write_leaves(t, size, noc, ack);
    Risc& r = *running;
    r.writes_flushed[noc] = std::max(r.writes_flushed[noc], left);
    if (!posted) r.writes_acked[noc] = std::max(r.writes_acked[noc], ack);
    account(r, t, size, noc, true, ack);
    r.clock += chip.p.cost_noc_issue;
    if (t.core >= 0) wake_core(t.core);   // a waiter may poll the bytes just written
    progress();
}

void tx_noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, int loopback, uint8_t noc) {
    const char* call = loopback ? "noc_async_write_multicast_loopback_src" : "noc_async_write_multicast";
    running->call = call;
    check_noc(noc, call);
    sync_point();
    uint32_t src = l1_offset(src_l1, size, "multicast source");
    std::vector<int> dests = mcast_cores(dst, noc, num_dests, loopback, call);
    uint64_t off = dst & ((1ull << 36) - 1);
    Risc& r = *running;
    // one injection from this core's port; the routers fork the packet along the route tree, and
    // every destination takes it through its own NoC port
    const Params& p = chip.p;
    uint64_t f = flits(size);
    uint64_t begin = r.core->port_out[noc].take(r.clock, p.noc_cmd_cycles + f) - f;
    uint64_t left = begin + f, ack = left;
    Tree tree;
    for (int c : dests) {
        uint64_t a = (uint64_t(chip.cores[c].ky[noc]) << 42) | (uint64_t(chip.cores[c].kx[noc]) << 36) | off;
        Target t = decode(a, noc, size, true, call);
        check_align(src, t, false, call);
        if (!chip.timing_only) std::memmove(t.ptr, r.core->l1 + src, size);
        Core& d = chip.cores[c];
        uint64_t arrive = route(noc, r.core->px, r.core->py, d.px, d.py, begin + p.noc_niu_cycles, f, size, &tree);
        uint64_t landed = d.port_in[noc].take(arrive - f, f);
        ack = std::max(ack, landed + uint64_t(hops(d.px, d.py, r.core->px, r.core->py, noc)) * p.noc_hop_cycles + 2 * p.noc_niu_cycles);
        wake_core(c);
    }
    r.writes_flushed[noc] = std::max(r.writes_flushed[noc], left);
    r.writes_acked[noc] = std::max(r.writes_acked[noc], ack);
    chip.noc_bytes[noc] += uint64_t(size) * dests.size();
    trace_event(r, call, r.clock, ack, size);
    r.clock += chip.p.cost_noc_issue;
    progress();
}

void tx_noc_inline_write(uint64_t dst, uint32_t value, uint8_t be, uint8_t noc) {
    const char* call = "noc_inline_dw_write";
    running->call = call;
    check_noc(noc, call);
    sync_point();
    Target t = decode(dst, noc, 4, true, call);
    if (t.offset & 3) fail(fmt("%s: address %s is not 4-byte aligned", call, hex(t.offset)));
    uint64_t ack;
    write_leaves(t, 4, noc, ack);
    if (t.core >= 0 && be == 0xF) {
        post_event(Event{ack, 0, EvKind::SemSet, t.core, uint32_t(t.offset), value});
    } else {
        for (int i = 0; i < 4; i++) if (be & (1 << i)) t.ptr[i] = uint8_t(value >> (8 * i));
    }
    running->writes_acked[noc] = std::max(running->writes_acked[noc], ack);
    running->clock += chip.p.cost_noc_issue;
    progress();
}

static void barrier(const char* call, uint8_t noc, uint64_t until, uint64_t dram_until) {
    Risc& r = *running;
    r.call = call;
    check_noc(noc, call);
    uint64_t start = r.clock + chip.p.cost_barrier;
    if (until > start) {
        r.waited[dram_until >= until ? WAIT_DRAM : WAIT_NOC] += until - start;
        trace_event(r, call, start, until);
        r.clock = until;
    } else {
        r.clock = start;
    }
    sync_point();   // transfers that landed by now are visible to plain loads
}

void tx_noc_read_barrier(uint8_t noc) {
    barrier("noc_async_read_barrier", noc, running->reads_done[noc & 1], running->dram_done[noc & 1]);
}
void tx_noc_write_barrier(uint8_t noc) {
    barrier("noc_async_write_barrier", noc, running->writes_acked[noc & 1], running->dram_done[noc & 1]);
}
void tx_noc_writes_flushed(uint8_t noc) {
    barrier("noc_async_writes_flushed", noc, running->writes_flushed[noc & 1], 0);
}
void tx_noc_atomic_barrier(uint8_t noc) {
    barrier("noc_async_atomic_barrier", noc, running->atomics_done[noc & 1], 0);
}
void tx_noc_full_barrier(uint8_t noc) {
    Risc& r = *running;
    int n = noc & 1;
    barrier("noc_async_full_barrier", noc, std::max({r.reads_done[n], r.writes_acked[n], r.atomics_done[n]}), r.dram_done[n]);
}

// ---- semaphores ----------------------------------------------------------------------------

static volatile uint32_t* local_word(volatile uint32_t* addr, const char* call) {
    uint32_t k = uint32_t(reinterpret_cast<uintptr_t>(addr));
    if (reinterpret_cast<uintptr_t>(addr) >> 32) fail(fmt("%s: %p is not an L1 address", call, (void*)addr));
    uint32_t off = l1_offset(k, 4, call);
    if (off & 3) fail(fmt("%s: semaphore address 0x%x is not 4-byte aligned", call, k));
    return reinterpret_cast<volatile uint32_t*>(running->core->l1 + off);
}

void tx_sem_wait(volatile uint32_t* addr, uint32_t val, int at_least) {
    const char* call = at_least ? "noc_semaphore_wait_min" : "noc_semaphore_wait";
    Risc& r = *running;
    r.call = call;
    volatile uint32_t* w = local_word(addr, call);
    sync_point();
    while (at_least ? *w < val : *w != val) {
        r.wait_addr = w;
        r.wait_val = val;
        block(at_least ? Wait::SemMin : Wait::SemEq);
    }
    r.clock += chip.p.cost_sem;
}

void tx_sem_set(volatile uint32_t* addr, uint32_t val) {
    const char* call = "noc_semaphore_set";
    running->call = call;
    volatile uint32_t* w = local_word(addr, call);
    sync_point();
    *w = val;
    running->clock += chip.p.cost_sem;
    wake_core(running->core->index);
    progress();
}

static Target sem_target(uint64_t a, uint8_t noc, const char* call) {
    Target t = decode(a, noc, 4, true, call);
    if (t.core < 0) fail(fmt("%s: NoC address %s is in DRAM; semaphores live in a worker core's L1", call, hex(a)));
    if (t.offset & 3) fail(fmt("%s: semaphore address %s is not 4-byte aligned", call, hex(t.offset)));
    return t;
}

// the common start and end of a NoC semaphore call
static void begin_call(const char* call, uint8_t noc) {
    running->call = call;
    check_noc(noc, call);
    sync_point();
}
static void end_call() {
    running->clock += chip.p.cost_noc_issue;
    progress();
}

// a 4-byte semaphore update travelling to one core: it lands there as an event at its arrival cycle
static void sem_send(const Target& t, EvKind kind, uint32_t value, uint8_t noc, bool atomic) {
    uint64_t ack;
    write_leaves(t, 4, noc, ack);
    post_event(Event{ack, 0, kind, t.core, uint32_t(t.offset), value});
    uint64_t& done = atomic ? running->atomics_done[noc] : running->writes_acked[noc];
    done = std::max(done, ack);
}

static void sem_multicast(uint64_t a, uint8_t noc, uint32_t num_dests, bool loopback, EvKind kind, uint32_t value,
                          bool atomic, const char* call) {
    uint64_t off = a & ((1ull << 36) - 1);
    for (int c : mcast_cores(a, noc, num_dests, loopback, call)) {
        uint64_t u = (uint64_t(chip.cores[c].ky[noc]) << 42) | (uint64_t(chip.cores[c].kx[noc]) << 36) | off;
        sem_send(sem_target(u, noc, call), kind, value, noc, atomic);
    }
}

static uint32_t local_value(uint32_t src_l1, const char* call) {
    return *reinterpret_cast<volatile uint32_t*>(running->core->l1 + l1_offset(src_l1, 4, call));
}

void tx_sem_inc(uint64_t a, uint32_t incr, uint8_t noc) {
    const char* call = "noc_semaphore_inc";
    begin_call(call, noc);
    sem_send(sem_target(a, noc, call), EvKind::SemInc, incr, noc, true);
    end_call();
}

void tx_sem_inc_multicast(uint64_t a, uint32_t incr, uint32_t num_dests, uint8_t noc) {
    const char* call = "noc_semaphore_inc_multicast";
    begin_call(call, noc);
    sem_multicast(a, noc, num_dests, false, EvKind::SemInc, incr, true, call);
    end_call();
}

void tx_sem_set_multicast(uint32_t src_l1, uint64_t a, uint32_t num_dests, int loopback, uint8_t noc) {
    const char* call = loopback ? "noc_semaphore_set_multicast_loopback_src" : "noc_semaphore_set_multicast";
    begin_call(call, noc);
    sem_multicast(a, noc, num_dests, loopback, EvKind::SemSet, local_value(src_l1, call), false, call);
    end_call();
}

void tx_sem_set_remote(uint32_t src_l1, uint64_t a, uint8_t noc) {
    const char* call = "noc_semaphore_set_remote";
    begin_call(call, noc);
    sem_send(sem_target(a, noc, call), EvKind::SemSet, local_value(src_l1, call), noc, false);
    end_call();
}

}  // extern "C"
