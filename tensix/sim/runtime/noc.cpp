// tensix simulated chip: NoC addresses, transfers, semaphores and their modelled cycles.
//
// Data moves when the transfer is issued (the scheduler guarantees every earlier cycle of every
// RISC-V has run by then); the issuing RISC-V records when the transfer lands / is acknowledged,
// and barriers advance its clock to that cycle. Semaphore updates travel as events that land at
// their arrival cycle, so a waiter wakes exactly when the update reaches its core.
//
// Timing (SOURCES.md (NoC)): software splits a transfer into max-size packets, each a
// request of its own that waits for its command buffer (§6.2) and for the injection link's static VC
// (§4.1). A packet books its flits on every link of its route (NoC0 +x then +y, NoC1 -y then -x, §2.2)
// and on the NoC ports at both ends; responses and acks return by their own route (§2.3). Each DRAM
// bank is reached at its own endpoint tile and has its own channel queue; a read waits for the writes
// that reached the channel before it (§7.3). A slow sink back-pressures the writer (§4.3). Transaction
// ids (16 per NIU) have their own barriers (§5). Multicast is in mcast.cpp.
#include "sim.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace sim {


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

// flits of one packet on the wire: its payload at the link width, the header flit and the NIU gap
uint64_t packet_flits(uint32_t bytes) {
    return (bytes + chip.p.noc_bytes_per_cycle - 1) / chip.p.noc_bytes_per_cycle + 1 + chip.p.noc_packet_cycles;
}

Calendar* link_calendars(int noc, int dim) {
    size_t XY = size_t(chip.p.noc_grid_x) * chip.p.noc_grid_y;
    return chip.links + (size_t(noc) * 2 + size_t(dim)) * XY;
}

int step(int v, int n, int noc) { return noc == 0 ? (v + 1 == n ? 0 : v + 1) : (v == 0 ? n - 1 : v - 1); }

// One packet of `nflits` along its route (NoC §2.2): NoC0 goes +x then +y around the torus, NoC1 -y
// then -x (physical NoC0 coordinates). The head takes noc_hop_cycles per router and waits for each
// link to have room; every link carries every flit. Returns when the tail reaches the destination router.
uint64_t route(int noc, int sx, int sy, int dx, int dy, uint64_t t, uint64_t nflits, uint32_t bytes) {
    const int X = int(chip.p.noc_grid_x), Y = int(chip.p.noc_grid_y);
    Calendar* xl = link_calendars(noc, 0);
    Calendar* yl = link_calendars(noc, 1);
    const uint64_t hop = chip.p.noc_hop_cycles;
    auto cross = [&](Calendar& l) {
        t = (nflits == 1 ? l.squeeze(t) : l.take(t, nflits)) - nflits + hop;
        if (bytes) chip.link_bytes[size_t(&l - chip.links)] += bytes;
    };
    if (noc == 0) {
        for (int x = sx; x != dx; x = step(x, X, 0)) cross(xl[size_t(sy) * size_t(X) + size_t(x)]);
        for (int y = sy; y != dy; y = step(y, Y, 0)) cross(yl[size_t(y) * size_t(X) + size_t(dx)]);
    } else {
        for (int y = sy; y != dy; y = step(y, Y, 1)) cross(yl[size_t(y) * size_t(X) + size_t(sx)]);
        for (int x = sx; x != dx; x = step(x, X, 1)) cross(xl[size_t(dy) * size_t(X) + size_t(x)]);
    }
    return t + nflits;
}

// The transaction limit: a RISC-V may have noc_max_outstanding reads in flight per NoC.
uint64_t free_trid(Risc& r, int noc) {
    uint32_t n = chip.p.noc_max_outstanding;
    return n ? r.inflight[noc][r.issued[noc] % n] : 0;
}
void issued(Risc& r, int noc, uint64_t done) {
    uint32_t n = chip.p.noc_max_outstanding;
    if (n) r.inflight[noc][r.issued[noc]++ % n] = done;
}

// the RISC-V spins until `until` (a command buffer or transaction id it needs is busy)
void stall(Risc& r, uint64_t until, const char* what) {
    if (until <= r.clock) return;
    r.waited[WAIT_NOC] += until - r.clock;
    trace_event(r, what, r.clock, until);
    r.clock = until;
}

// A data-movement RISC-V's request enters the NIU of `noc` through command buffer `buf`.
// 1. A linked chain holds its NIU: nothing leaves it on another VC until the chain's last packet (NoC
//    §3.5), so a request while the other RISC-V's chain is open waits for that packet (forever, if the
//    chain's owner waits for this RISC-V: a hang the deadlock check names).
// 2. Dedicated-NoC mode, the one tt-metal runs by default and the only one tensix models: each RISC-V
//    drives the NIU of its kernel's NoC through 4 command buffers (0 writes, 1 reads, 2 small writes,
//    3 atomics); a call that names the other NoC uses that NIU's buffer of the same number (NoC §6.1).
//    If the other RISC-V of the core issues through it too, the two program one buffer's registers with
//    no lock between them, and one request can carry the other's fields: a race, warned about once per
//    call site.
static const char* const BUF_NAMES[4] = {"write", "read", "small-write (semaphore / inline)", "atomic"};
void niu_request(Risc& r, uint8_t noc, Buf buf, const char* call) {
    if (r.proc > 1) return;
    const Risc& o = r.core->risc[1 - r.proc];
    while (o.kernel && o.mc_linked[noc & 1]) {
        r.wait_cb = noc & 1;
        block(Wait::Chain);
    }
    int8_t& u = r.core->buf_user[noc & 1][buf];
    if (u < 0) { u = int8_t(r.proc); return; }
    if (u == r.proc) return;
    const char* other = u == 0 ? "BRISC" : "NCRISC";
    race_warning(fmt("%s on NoC %u goes through that NIU's %s command buffer, which %s on this core also uses "
                     "in this program; in dedicated-NoC mode the two RISC-Vs would program one buffer's registers "
                     "at once (NoC §6.1). Fix: issue this stream on the other NoC, or move it to the RISC-V that "
                     "already uses NoC %u", call, noc, BUF_NAMES[buf], other, noc));
}

uint8_t check_noc(uint8_t noc, const char* call) {
    if (noc > 1) fail(fmt("%s: noc %u does not exist; a Tensix core has NoC 0 and NoC 1", call, noc));
    return noc;
}

// A linked multicast chain keeps its VCs reserved: until its last (unlinked) packet the NIU cannot
// issue on any other VC, so on silicon the request never leaves (NoC §3.5)
void check_chain(const Risc& r, uint8_t noc, const char* call) {
    if (r.mc_linked[noc & 1])
        fail(fmt("%s on NoC %u while a linked multicast chain is open on it: the NIU cannot issue on another VC "
                 "until the chain's last packet, so on silicon this request would never leave; close the chain "
                 "with an unlinked multicast (linked = false) to the same rectangle first", call, noc));
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

// One read packet of `size` bytes issued now by the running RISC-V: when it lands in its L1. The
// one-flit request waits for the injection link's static VC (shared with unicast writes, NoC §4.2),
// travels to the target; DRAM serves it after its access latency at the channel's rate, queueing
// behind earlier requests to the channel and after writes that reached the channel first (NoC §7.3);
// the response returns on the same NoC by its own route (NoC §2.3) and through this core's NoC port.
uint64_t read_lands(const Target& t, uint32_t size, int noc) {
    Risc& r = *running;
    Core& me = *r.core;
    const Params& p = chip.p;
    uint64_t f = packet_flits(size);
    uint64_t ready = std::max(r.clock + p.noc_cmd_cycles, me.vc_free[noc][0]);
    uint64_t req = me.port_out[noc].squeeze(ready) - 1;
    me.vc_free[noc][0] = req + 1;
    r.rd_granted[noc] = req;
    uint64_t at_target = route(noc, me.px, me.py, t.px, t.py, req + p.noc_niu_cycles, 1, 0) + p.noc_niu_cycles;
    uint64_t inject, floor = 0;
    if (t.ctrl >= 0) {
        Ctrl& c = chip.ctrls[t.ctrl];
        size_t ch = c.channel(t.offset);
        uint64_t start = c.wr_arrive[ch] <= at_target ? std::max(at_target, c.wr_done[ch]) : at_target;
        uint64_t busy = uint64_t(std::ceil(size / p.dram_bytes_per_cycle));   // never faster than the channel
        uint64_t served = c.channels[ch].take(start, busy);
        inject = served - busy + p.dram_latency;
        floor = served + p.dram_latency;            // the channel's rate bounds the stream
    } else {
        Core& src = chip.cores[t.core];
        inject = src.port_out[noc].take(at_target + p.l1_latency, f) - f;
    }
    uint64_t land = std::max(route(noc, t.px, t.py, me.px, me.py, inject + p.noc_niu_cycles, f, size), floor);
    uint64_t done = me.port_in[noc].take(land - f, f);
    issued(r, noc, done);
    return done;
}

// One write packet: it waits for the injection link's static VC (free once the previous packet on it
// has left, so writes through one NIU never interleave there), streams out of this core's NoC port
// along the route; DRAM absorbs it at the channel's rate, another core through its NoC port. A slow
// sink back-pressures the writer (NoC §4.3): the tail cannot leave before the sink has taken all but
// what the path's router buffers hold for this VC. Returns when the packet started to leave
// (`*_WR_REQ_SENT`, what writes_flushed waits for), when its tail left, when the destination has it
// and when the acknowledgement is back.
Packet write_packet(const Target& t, uint32_t size, int noc) {
    Risc& r = *running;
    Core& me = *r.core;
    const Params& p = chip.p;
    uint64_t f = packet_flits(size);
    uint64_t ready = std::max(r.clock + p.noc_cmd_cycles, me.vc_free[noc][0]);
    uint64_t begin = me.port_out[noc].take(ready, f) - f;
    uint64_t arrive = route(noc, me.px, me.py, t.px, t.py, begin + p.noc_niu_cycles, f, size) + p.noc_niu_cycles;
    uint64_t sunk;
    double sink_rate;
    if (t.ctrl >= 0) {
        Ctrl& c = chip.ctrls[t.ctrl];
        size_t ch = c.channel(t.offset);
        uint64_t busy = uint64_t(std::ceil(size / p.dram_bytes_per_cycle));   // never faster than the channel
        sunk = std::max(arrive, c.channels[ch].take(arrive - f, busy));
        c.wr_arrive[ch] = std::max(c.wr_arrive[ch], arrive - f);
        c.wr_done[ch] = std::max(c.wr_done[ch], sunk);
        sink_rate = p.dram_bytes_per_cycle;
    } else {
        sunk = chip.cores[t.core].port_in[noc].take(arrive - f, f);
        sink_rate = p.noc_bytes_per_cycle;
    }
    // the tail reaches the sink `wire` cycles after it leaves, and the path's buffers hold `buffered`
    // cycles of the sink's work: the tail cannot leave earlier than that before the sink is done
    uint32_t h = hops(me.px, me.py, t.px, t.py, noc);
    uint64_t slack = uint64_t(h) * p.noc_hop_cycles + 2 * p.noc_niu_cycles +
                     uint64_t(double(h + 1) * p.noc_vc_buffer / sink_rate);
    uint64_t left = std::max(begin + f, sunk > slack ? sunk - slack : 0);
    me.vc_free[noc][0] = left;
    r.wr_granted[noc] = begin;
    uint64_t ack = route(noc, t.px, t.py, me.px, me.py, sunk + p.noc_niu_cycles, 1, 0);
    ack = me.port_in[noc].squeeze(ack) + p.noc_niu_cycles;
    return Packet{begin, left, sunk, ack};
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
        if (local >= pool && local < pool + uint64_t(chip.cores.size()) * L1_STRIDE) off = (local - pool) % L1_STRIDE;
        if (off + size > chip.p.l1_size)
            fail(fmt("%s: %s %u B at L1 address %s of core (%d, %d) runs past the end of its %u B L1",
                     call, write ? "writing" : "reading", size, hex(off), chip.cores[t].lx, chip.cores[t].ly,
                     chip.p.l1_size));
        out.core = t;
        out.offset = off;
        out.ptr = chip.cores[t].l1 + off;
        out.px = chip.cores[t].px;
        out.py = chip.cores[t].py;
    } else {
        int c = -2 - t;
        if (local + size > chip.p.ctrl_size)
            fail(fmt("%s: %s %u B at DRAM address %s through tile (%d, %d) runs past the end of that DRAM "
                     "channel (%llu B)", call, write ? "writing" : "reading", size, hex(local), x, y,
                     (unsigned long long)chip.p.ctrl_size));
        out.ctrl = c;
        out.offset = local;
        out.ptr = chip.ctrls[c].mem + local;
        out.px = uint8_t(chip.phys[noc][y][x] & 63);      // every DRAM bank has its own endpoint tile (HW §15)
        out.py = uint8_t(chip.phys[noc][y][x] >> 6);
    }
    return out;
}

std::string resource_name(const Calendar* c) {
    const size_t X = chip.p.noc_grid_x, Y = chip.p.noc_grid_y;
    if (c >= chip.links && c < chip.links + 4 * X * Y) {
        size_t i = size_t(c - chip.links);
        int noc = int(i / (2 * X * Y)), dim = int(i / (X * Y) % 2);
        int x = int(i % X), y = int(i / X % Y);
        int nx = dim == 0 ? step(x, int(X), noc) : x, ny = dim == 1 ? step(y, int(Y), noc) : y;
        return fmt("NoC%d link (%d,%d)->(%d,%d)", noc, x, y, nx, ny);
    }
    for (const Core& k : chip.cores)
        for (int n = 0; n < 2; n++) {
            if (c == k.port_in + n) return fmt("core (%d,%d) NoC%d port in", k.lx, k.ly, n);
            if (c == k.port_out + n) return fmt("core (%d,%d) NoC%d port out", k.lx, k.ly, n);
        }
    for (const Ctrl& k : chip.ctrls)
        for (size_t ch = 0; ch < k.bank_ids.size(); ch++)
            if (c == k.channels + ch) return fmt("DRAM bank %u channel", k.bank_ids[ch]);
    return "an unknown resource";
}

uint32_t l1_offset(uint32_t kaddr, uint32_t size, const char* what) {
    Core& me = *running->core;
    uint64_t off = kaddr;
    if (kaddr >= me.l1_kaddr && kaddr < me.l1_kaddr + L1_STRIDE) off = kaddr - me.l1_kaddr;
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
    niu_request(*running, noc, BUF_READ, call);
    check_chain(*running, noc, call);
    Risc& me = *running;
    // software splits a long read into max-size packets, each a request of its own (NoC §6.3)
    for (uint32_t done = 0; done < size || (size == 0 && done == 0);) {
        uint32_t n = std::min(size - done, chip.p.noc_max_packet);
        stall(me, free_trid(me, noc), "noc_async_read (waiting for a free transaction id)");
        stall(me, me.rd_granted[noc], "noc_async_read (read command buffer busy)");
        sync_point();
        Target t = decode(src + done, noc, n, false, call);
        uint32_t dst = l1_offset(dst_l1 + done, n, "noc_async_read: destination");
        check_align(dst, t, true, call);
        Risc& r = *running;
        uint64_t land = read_lands(t, n, noc);
        if (!chip.timing_only) r.pending.push_back({r.core->l1 + dst, t.ptr, n, land});
        r.reads_done[noc] = std::max(r.reads_done[noc], land);
        uint64_t& tag = r.trid_done[noc][r.trid[noc][0]];
        tag = std::max(tag, land);
        account(r, t, n, noc, false, land);
        r.clock += chip.p.cost_noc_issue;
        done += n;
        if (size == 0) break;
    }
    progress();
}

void tx_noc_write(uint32_t src_l1, uint64_t dst, uint32_t size, uint8_t noc, int posted) {
    const char* call = "noc_async_write";
    running->call = call;
    check_noc(noc, call);
    niu_request(*running, noc, BUF_WRITE, call);
    check_chain(*running, noc, call);
    Risc& me = *running;
    for (uint32_t done = 0; done < size || (size == 0 && done == 0);) {
        uint32_t n = std::min(size - done, chip.p.noc_max_packet);
        stall(me, me.wr_granted[noc], "noc_async_write (write command buffer busy)");
        sync_point();
        uint32_t src = l1_offset(src_l1 + done, n, "noc_async_write: source");
        Target t = decode(dst + done, noc, n, true, call);
        check_align(src, t, false, call);
        if (!chip.timing_only) std::memmove(t.ptr, running->core->l1 + src, n);
        Packet pk = write_packet(t, n, noc);
        uint64_t ack = pk.ack;
        Risc& r = *running;
        r.writes_flushed[noc] = std::max(r.writes_flushed[noc], pk.begin);
        if (!posted) {
            r.writes_acked[noc] = std::max(r.writes_acked[noc], ack);
            uint64_t& tag = r.trid_done[noc][r.trid[noc][1]];
            tag = std::max(tag, ack);
        }
        r.posted_done[noc] = std::max(r.posted_done[noc], ack);
        account(r, t, n, noc, true, ack);
        r.clock += chip.p.cost_noc_issue;
        if (t.core >= 0) wake_core(t.core);   // a waiter may poll the bytes just written
        done += n;
        if (size == 0) break;
    }
    progress();
}

void tx_noc_inline_write(uint64_t dst, uint32_t value, uint8_t be, uint8_t noc) {
    const char* call = "noc_inline_dw_write";
    running->call = call;
    check_noc(noc, call);
    niu_request(*running, noc, BUF_SMALL, call);
    check_chain(*running, noc, call);
    sync_point();
    Target t = decode(dst, noc, 4, true, call);
    if (t.offset & 3) fail(fmt("%s: address %s is not 4-byte aligned", call, hex(t.offset)));
    Packet pk = write_packet(t, 4, noc);
    uint64_t ack = pk.ack;
    running->posted_done[noc] = std::max(running->posted_done[noc], ack);
    if (t.core >= 0 && be == 0xF) {
        post_event(Event{pk.sunk, 0, EvKind::SemSet, t.core, uint32_t(t.offset), value});
    } else {
        for (int i = 0; i < 4; i++) if (be & (1 << i)) t.ptr[i] = uint8_t(value >> (8 * i));
    }
    running->writes_acked[noc] = std::max(running->writes_acked[noc], ack);
    running->clock += chip.p.cost_noc_issue;
    progress();
}

void tx_noc_set_trid(uint32_t trid, uint8_t noc, int write) {
    const char* call = write ? "noc_async_write_set_trid" : "noc_async_read_set_trid";
    running->call = call;
    check_noc(noc, call);
    if (trid >= 16)
        fail(fmt("%s: transaction id %u does not exist; a NoC interface has 16 (0..15)", call, trid));
    niu_request(*running, noc, write ? BUF_WRITE : BUF_READ, call);
    running->trid[noc][write ? 1 : 0] = uint8_t(trid);
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
void tx_noc_trid_barrier(uint32_t trid, uint8_t noc, int write) {
    const char* call = write ? "noc_async_write_barrier_with_trid" : "noc_async_read_barrier_with_trid";
    if (trid >= 16)
        fail(fmt("%s: transaction id %u does not exist; a NoC interface has 16 (0..15)", call, trid));
    barrier(call, noc, running->trid_done[noc & 1][trid], running->dram_done[noc & 1]);
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
    check_chain(*running, noc, call);
    sync_point();
}
static void end_call() {
    running->clock += chip.p.cost_noc_issue;
    progress();
}

// a 4-byte semaphore update travelling to one core: it lands there as an event at its arrival cycle
static void sem_send(const Target& t, EvKind kind, uint32_t value, uint8_t noc, bool atomic) {
    niu_request(*running, noc, atomic ? BUF_ATOMIC : BUF_SMALL, running->call);
    stall(*running, running->wr_granted[noc], "semaphore update (command buffer busy)");
    Packet pk = write_packet(t, 4, noc);
    post_event(Event{pk.sunk, 0, kind, t.core, uint32_t(t.offset), value});
    uint64_t& done = atomic ? running->atomics_done[noc] : running->writes_acked[noc];
    done = std::max(done, pk.ack);
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

void tx_sem_set_remote(uint32_t src_l1, uint64_t a, uint8_t noc) {
    const char* call = "noc_semaphore_set_remote";
    begin_call(call, noc);
    sem_send(sem_target(a, noc, call), EvKind::SemSet, local_value(src_l1, call), noc, false);
    end_call();
}

}  // extern "C"
