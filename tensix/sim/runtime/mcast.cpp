// tensix simulated chip: NoC multicast (NoC mechanics §3).
//
// A multicast packet follows an X-major tree (§3.2): along X to the rectangle's first column in the
// NoC's direction of flow (unless the sender's column is inside it), along Y through every row of
// the rectangle (a trunk that wraps round the torus when the sender's row is inside but not first),
// and in every row along X through every column (a branch that wraps likewise). Every link of the
// tree carries every flit once. Before the first data flit the tree is reserved (§3.3: a round trip to
// its farthest router), unless the packet continues a linked chain to the same rectangle (§3.5).
// Each destination acknowledges on its own (§3.4): N one-flit acks return to the sender by their own
// route and cross its ejection link. Multicasts use their own static VC (4, §4.2).
#include "sim.h"

#include <algorithm>
#include <cstring>

namespace sim {

namespace {

struct Rect { int x0, y0, x1, y1; };

Rect mcast_rect(uint64_t a) {
    int xe = int((a >> 36) & 0x3f), ye = int((a >> 42) & 0x3f), xs = int((a >> 48) & 0x3f), ys = int((a >> 54) & 0x3f);
    // NoC0 expects start = top-left, NoC1 the reverse; examples pass either, so normalise (API §3.4).
    return {std::min(xs, xe), std::min(ys, ye), std::max(xs, xe), std::max(ys, ye)};
}

struct Dests { std::vector<int> cores; bool self_inside = false; };

// Every worker core inside a multicast rectangle, checked against num_dests.
Dests mcast_cores(uint64_t a, uint8_t noc, uint32_t num_dests, bool loopback, const char* call) {
    Rect rc = mcast_rect(a);
    Dests out;
    for (int y = rc.y0; y <= rc.y1; y++)
        for (int x = rc.x0; x <= rc.x1; x++) {
            if (x >= MAX_GRID || y >= MAX_GRID) continue;
            int c = chip.tile[noc][y][x];
            if (c < 0) continue;
            if (c == running->core->index) { out.self_inside = true; if (!loopback) continue; }
            out.cores.push_back(c);
        }
    if (out.cores.size() != num_dests)
        fail(fmt("%s: num_dests is %u but the rectangle (%d,%d)-(%d,%d) on NoC %u reaches %zu core(s)%s; "
                 "on silicon the sender would wait forever for the missing acknowledgements",
                 call, num_dests, rc.x0, rc.y0, rc.x1, rc.y1, noc, out.cores.size(),
                 out.self_inside && !loopback ? " besides the sender (a non-loopback multicast never writes the sender)" : ""));
    return out;
}

// distance from a to b in the NoC's direction of flow on a ring of n
int flow_dist(int a, int b, int n, int noc) { return noc == 0 ? ((b - a) % n + n) % n : ((a - b) % n + n) % n; }

// hops from s until every coordinate of [lo, hi] has been visited, moving in the direction of flow
int span_hops(int s, int lo, int hi, int n, int noc) {
    int last;
    if (s >= lo && s <= hi) last = noc == 0 ? (s > lo ? s - 1 : hi) : (s < hi ? s + 1 : lo);
    else last = noc == 0 ? hi : lo;
    return flow_dist(s, last, n, noc);
}

struct Delivery { int core; uint64_t landed; };

// One multicast packet of `size` bytes from the running RISC-V's core to `dests`: returns each
// destination's landing cycle; `pk` gets the packet's start, tail departure and last ack.
std::vector<Delivery> mcast_packet(const Dests& d, uint32_t size, int noc, bool reserve, Packet& pk) {
    Risc& r = *running;
    Core& me = *r.core;
    const Params& p = chip.p;
    const int X = int(p.noc_grid_x), Y = int(p.noc_grid_y);
    // the tree spans the physical rectangle of the destinations (and the sender, when inside it)
    int x0 = me.px, x1 = me.px, y0 = me.py, y1 = me.py;
    bool first = !d.self_inside;
    std::vector<int16_t> at(size_t(X) * size_t(Y), -1);
    for (int c : d.cores) {
        const Core& k = chip.cores[c];
        if (first) { x0 = x1 = k.px; y0 = y1 = k.py; first = false; }
        x0 = std::min(x0, int(k.px)); x1 = std::max(x1, int(k.px));
        y0 = std::min(y0, int(k.py)); y1 = std::max(y1, int(k.py));
        at[size_t(k.py) * size_t(X) + k.px] = int16_t(c);
    }
    auto in_x = [&](int x) { return x >= x0 && x <= x1; };
    auto in_y = [&](int y) { return y >= y0 && y <= y1; };
    int fx = noc == 0 ? x0 : x1;                  // first column of the span in the direction of flow
    int cx = in_x(me.px) ? me.px : fx;            // the trunk's column
    int to_span = in_x(me.px) ? 0 : flow_dist(me.px, fx, X, noc);
    int depth = to_span + span_hops(me.py, y0, y1, Y, noc) + span_hops(cx, x0, x1, X, noc);
    uint64_t f = packet_flits(size);
    uint64_t ready = std::max(r.clock + p.noc_cmd_cycles, me.vc_free[noc][1]);
    if (reserve) ready += 2 * (uint64_t(depth) * p.noc_hop_cycles + p.noc_niu_cycles);   // path reservation round trip
    uint64_t begin = me.port_out[noc].take(ready, f) - f;
    Calendar* xl = link_calendars(noc, 0);
    Calendar* yl = link_calendars(noc, 1);
    const uint64_t hop = p.noc_hop_cycles;
    auto cross = [&](Calendar& l, uint64_t t) {
        chip.link_bytes[size_t(&l - chip.links)] += size;
        return l.take(t, f) - f + hop;
    };
    std::vector<Delivery> out;
    uint64_t ack = begin + f, last_land = begin + f;
    auto branch = [&](int y, uint64_t t) {       // along X through every column of row y
        int cols = x1 - x0 + 1;
        for (int x = cx;; x = step(x, X, noc)) {
            if (in_x(x)) {
                int c = at[size_t(y) * size_t(X) + size_t(x)];
                if (c >= 0) {
                    uint64_t landed = chip.cores[c].port_in[noc].take(t + p.noc_niu_cycles, f);
                    out.push_back({c, landed});
                    last_land = std::max(last_land, landed);
                }
                if (--cols == 0) return;
            }
            t = cross(xl[size_t(y) * size_t(X) + size_t(x)], t);
        }
    };
    uint64_t t = begin + p.noc_niu_cycles;
    for (int x = me.px; x != cx; x = step(x, X, noc)) t = cross(xl[size_t(me.py) * size_t(X) + size_t(x)], t);
    int rows = y1 - y0 + 1;
    for (int y = me.py;; y = step(y, Y, noc)) {
        if (in_y(y)) { branch(y, t); if (--rows == 0) break; }
        t = cross(yl[size_t(y) * size_t(X) + size_t(cx)], t);
    }
    for (const Delivery& dl : out) {            // one ack per destination, by its own route
        const Core& k = chip.cores[dl.core];
        uint64_t a = route(noc, k.px, k.py, me.px, me.py, dl.landed + p.noc_niu_cycles, 1, 0);
        ack = std::max(ack, me.port_in[noc].squeeze(a) + p.noc_niu_cycles);
    }
    me.vc_free[noc][1] = begin + f;
    r.mc_granted[noc] = begin;
    pk = Packet{begin, begin + f, last_land, ack};
    return out;
}

}  // namespace

}  // namespace sim

using namespace sim;

extern "C" {

void tx_noc_write_multicast_linked(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, int loopback,
                                   int linked, uint8_t noc) {
    const char* call = loopback ? "noc_async_write_multicast_loopback_src" : "noc_async_write_multicast";
    running->call = call;
    check_noc(noc, call);
    niu_request(*running, noc, BUF_WRITE, call);
    Risc& me = *running;
    uint64_t rect = dst & ~((1ull << 36) - 1);
    if (me.mc_linked[noc] && me.mc_rect[noc] != rect)
        fail(fmt("%s: the open linked chain on NoC %u goes to another rectangle; every packet of a linked "
                 "transaction must go to the same destination (NoC §3.5); close the chain first", call, noc));
    for (uint32_t done = 0; done < size || (size == 0 && done == 0);) {
        uint32_t n = std::min(size - done, chip.p.noc_max_packet);
        stall(me, me.mc_granted[noc], "noc_async_write_multicast (write command buffer busy)");
        sync_point();
        Risc& r = *running;
        uint32_t src = l1_offset(src_l1 + done, n, "multicast source");
        Dests d = mcast_cores(dst, noc, num_dests, loopback, call);
        uint64_t off = (dst & ((1ull << 36) - 1)) + done;
        for (int c : d.cores) {
            uint64_t a = (uint64_t(chip.cores[c].ky[noc]) << 42) | (uint64_t(chip.cores[c].kx[noc]) << 36) | off;
            Target t = decode(a, noc, n, true, call);
            check_align(src, t, false, call);
            if (!chip.timing_only) std::memmove(t.ptr, r.core->l1 + src, n);
        }
        bool reserve = !(r.mc_linked[noc] && r.mc_rect[noc] == rect);   // a linked chain keeps its reservation
        Packet pk;
        mcast_packet(d, n, noc, reserve, pk);
        if (r.mc_linked[noc] && !linked) wake_core(r.core->index);   // the other RISC-V may wait for the chain
        r.mc_linked[noc] = linked != 0;
        r.mc_rect[noc] = rect;
        r.writes_flushed[noc] = std::max(r.writes_flushed[noc], pk.begin);
        r.writes_acked[noc] = std::max(r.writes_acked[noc], pk.ack);
        uint64_t& tag = r.trid_done[noc][r.trid[noc][1]];   // its write trid, as a unicast write's
        tag = std::max(tag, pk.ack);
        r.posted_done[noc] = std::max(r.posted_done[noc], pk.ack);
        chip.noc_bytes[noc] += uint64_t(n) * d.cores.size();
        trace_event(r, call, r.clock, pk.ack, n);
        r.clock += chip.p.cost_noc_issue;
        for (int c : d.cores) wake_core(c);
        done += n;
        if (size == 0) break;
    }
    progress();
}

void tx_noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, int loopback, uint8_t noc) {
    tx_noc_write_multicast_linked(src_l1, dst, size, num_dests, loopback, 0, noc);
}

// a semaphore multicast: one 4-byte packet down the tree, landing at each core as an event
static void sem_multicast(uint64_t a, uint8_t noc, uint32_t num_dests, bool loopback, EvKind kind, uint32_t value,
                          bool atomic, const char* call) {
    running->call = call;
    check_noc(noc, call);
    niu_request(*running, noc, atomic ? BUF_ATOMIC : BUF_SMALL, call);
    if (running->mc_linked[noc] && running->mc_rect[noc] != (a & ~((1ull << 36) - 1)))
        fail(fmt("%s: the open linked chain on NoC %u goes to another rectangle; every packet of a linked "
                 "transaction must go to the same destination (NoC §3.5); close the chain first", call, noc));
    stall(*running, running->mc_granted[noc], "semaphore multicast (command buffer busy)");
    sync_point();
    Risc& r = *running;
    Dests d = mcast_cores(a, noc, num_dests, loopback, call);
    uint64_t off = a & ((1ull << 36) - 1);
    std::vector<uint32_t> l1_off(chip.cores.size());
    for (int c : d.cores) {
        uint64_t u = (uint64_t(chip.cores[c].ky[noc]) << 42) | (uint64_t(chip.cores[c].kx[noc]) << 36) | off;
        Target t = decode(u, noc, 4, true, call);
        if (t.offset & 3) fail(fmt("%s: semaphore address %s is not 4-byte aligned", call, hex(t.offset)));
        l1_off[size_t(c)] = uint32_t(t.offset);
    }
    Packet pk;
    for (const Delivery& dl : mcast_packet(d, 4, noc, true, pk))
        post_event(Event{dl.landed, 0, kind, dl.core, l1_off[size_t(dl.core)], value});
    if (r.mc_linked[noc]) wake_core(r.core->index);
    r.mc_linked[noc] = false;
    uint64_t& done = atomic ? r.atomics_done[noc] : r.writes_acked[noc];
    done = std::max(done, pk.ack);
    r.posted_done[noc] = std::max(r.posted_done[noc], pk.ack);
    r.clock += chip.p.cost_noc_issue;
    progress();
}

void tx_sem_inc_multicast(uint64_t a, uint32_t incr, uint32_t num_dests, uint8_t noc) {
    sem_multicast(a, noc, num_dests, false, EvKind::SemInc, incr, true, "noc_semaphore_inc_multicast");
}

void tx_sem_set_multicast(uint32_t src_l1, uint64_t a, uint32_t num_dests, int loopback, uint8_t noc) {
    const char* call = loopback ? "noc_semaphore_set_multicast_loopback_src" : "noc_semaphore_set_multicast";
    running->call = call;
    uint32_t v = *reinterpret_cast<volatile uint32_t*>(running->core->l1 + l1_offset(src_l1, 4, call));
    sem_multicast(a, noc, num_dests, loopback, EvKind::SemSet, v, false, call);
}

}  // extern "C"
