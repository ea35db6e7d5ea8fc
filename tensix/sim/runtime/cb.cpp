// tensix simulated chip: circular buffers, kernel prints and the small kernel-API services.
#include "sim.h"

#include <cstdarg>
#include <cstdio>
#include <set>

using namespace sim;

extern "C" {
tx_risc_view* tx_cur = nullptr;
uint16_t tx_dram_bank_to_noc_xy[2][64];
int32_t tx_bank_to_dram_offset[64];
uint16_t tx_l1_bank_to_noc_xy[2][256];
int32_t tx_bank_to_l1_offset[256];
}

namespace {


CB& cb_of(int32_t id, const char* call) {
    Risc& r = *running;
    r.call = call;
    if (id < 0 || uint32_t(id) >= chip.p.num_cbs)
        fail(fmt("%s: CB index %d is out of range; this chip has %u circular buffers (0..%u)",
                 call, id, chip.p.num_cbs, chip.p.num_cbs - 1));
    CB& cb = r.core->cb[id];
    if (!cb.on)
        fail(fmt("%s: CB %d is not configured on core (%d, %d); add a CircularBuffer with index %d on this "
                 "core to the Program", call, id, r.core->lx, r.core->ly, id));
    return cb;
}

void check_count(const CB& cb, int32_t id, int32_t n, const char* call) {
    if (n < 0) fail(fmt("%s(cb %d, %d): the page count must not be negative", call, id, n));
    if (uint32_t(n) > cb.num_pages)
        fail(fmt("DEADLOCK: %s(cb %d, %d pages) can never succeed: the CB holds only %u pages of %u B; "
                 "make the CB at least %d pages (num_pages) or ask for fewer pages",
                 call, id, n, cb.num_pages, cb.page_size, n), tx_protocol::Fault::DEADLOCK);
}

void advance(uint32_t& ptr, const CB& cb, int32_t n) {
    ptr += uint32_t(n) * cb.page_size;
    if (ptr >= cb.base + cb.size) ptr -= cb.size;
}

}  // namespace

namespace sim {

void print_line(Risc& r, const std::string& text);   // main.cpp

void kernel_frame();                     // sched.cpp
std::set<std::pair<int, uint64_t>> warned;   // (core, kernel code offset) warned about in this run

void race_warning(const std::string& msg) {
    Risc& r = *running;
    std::string so = error_so;
    uint64_t off = error_offset;
    kernel_frame();                      // the kernel line that made the call
    if (warned.insert({r.core->index, error_offset}).second)
        print_line(r, std::string(tx_protocol::WARNING_MARK) + where(r) + ": " + msg + "\x1f" + error_so + "\x1f" +
                          std::to_string(error_offset));
    error_so = so;
    error_offset = off;
}

void race_warnings_reset(int core) {
    for (auto it = warned.begin(); it != warned.end();) it = it->first == core ? warned.erase(it) : std::next(it);
}

}  // namespace sim

extern "C" {

void tx_cb_reserve_back(int32_t id, int32_t n) {
    const char* call = "cb_reserve_back";
    CB& cb = cb_of(id, call);
    check_count(cb, id, n, call);
    sync_point();
    Risc& r = *running;
    bool waited = false;
    while (int32_t(cb.num_pages) - int32_t(cb.used()) < n) {
        r.wait_cb = id;
        r.wait_n = n;
        block(Wait::CbBack);
        waited = true;
    }
    if (r.proc == 2) {           // the pack stage reserves: it waited if space freed only now
        if (waited) compute_pack_waited(r, r.clock);
        return;
    }
    r.clock += chip.p.cost_cb;
}

void tx_cb_push_back(int32_t id, int32_t n) {
    const char* call = "cb_push_back";
    CB& cb = cb_of(id, call);
    sync_point();
    uint32_t used = cb.used();
    if (n < 0 || used + uint32_t(n) > cb.num_pages)
        fail(fmt("cb_push_back(cb %d, %d): only %u of the CB's %u pages are free; cb_reserve_back the pages "
                 "before pushing them", id, n, cb.num_pages - used, cb.num_pages));
    advance(cb.wr, cb, n);
    cb.wr_tile_ptr = 0;
    Risc& r = *running;
    uint64_t at = r.proc == 2 ? compute_pack_clock(r) + chip.p.cost_cb : 0;
    if (at > r.clock) {          // the pack stage is behind the unpacker: the pages appear when it gets there
        cb.pending += uint32_t(n);
        post_event(Event{at, 0, EvKind::CbPush, r.core->index, uint32_t(id), uint32_t(n)});
        return;
    }
    cb.received += uint32_t(n);
    if (r.proc != 2) r.clock += chip.p.cost_cb;
    wake_core(r.core->index);
    progress();
}

void tx_cb_wait_front(int32_t id, int32_t n) {
    const char* call = "cb_wait_front";
    CB& cb = cb_of(id, call);
    check_count(cb, id, n, call);
    sync_point();
    Risc& r = *running;
    while (int32_t(cb.received - cb.acked) < n) {
        r.wait_cb = id;
        r.wait_n = n;
        block(Wait::CbFront);
    }
    r.clock += chip.p.cost_cb;
}

void tx_cb_pop_front(int32_t id, int32_t n) {
    const char* call = "cb_pop_front";
    CB& cb = cb_of(id, call);
    sync_point();
    uint32_t avail = cb.received - cb.acked;
    if (n >= 0 && uint32_t(n) > avail && cb.global)   // legal on silicon for a CB on a pre-filled L1 buffer
        race_warning(fmt("cb_pop_front(cb %d, %d) pops %d page(s) that were not waited for (%u at the front); the CB "
                         "sits on an L1 buffer, so silicon just moves its read pointer (a race if a producer pushes)", id, n,
                         n, avail));
    else if (n < 0 || uint32_t(n) > avail)
        fail(fmt("cb_pop_front(cb %d, %d): only %u page(s) are at the front of the CB; cb_wait_front for "
                 "the pages before popping them", id, n, avail));
    cb.acked += uint32_t(n);
    advance(cb.rd, cb, n);
    running->clock += chip.p.cost_cb;
    wake_core(running->core->index);
    progress();
}

int tx_cb_pages_reservable_at_back(int32_t id, int32_t n) {
    CB& cb = cb_of(id, "cb_pages_reservable_at_back");
    sync_point();
    running->clock += chip.p.cost_cb;
    return int32_t(cb.num_pages) - int32_t(cb.used()) >= n;
}

int tx_cb_pages_available_at_front(int32_t id, int32_t n) {
    CB& cb = cb_of(id, "cb_pages_available_at_front");
    sync_point();
    running->clock += chip.p.cost_cb;
    return int32_t(cb.received - cb.acked) >= n;
}

uint32_t tx_cb_write_ptr(int32_t id) { return running->core->l1_kaddr + cb_of(id, "get_write_ptr").wr; }
uint32_t tx_cb_read_ptr(int32_t id) { return running->core->l1_kaddr + cb_of(id, "get_read_ptr").rd; }
uint32_t tx_cb_page_size(int32_t id) { return cb_of(id, "get_page_size").page_size; }
uint32_t tx_cb_tile_size(int32_t id) { return cb_of(id, "get_tile_size").tile_size; }
uint32_t tx_cb_data_format(int32_t id) { return cb_of(id, "get_dataformat").format; }
void tx_cb_state(int32_t id, uint32_t* out) {
    const CB& cb = cb_of(id, "get_local_cb_interface");
    uint32_t k = running->core->l1_kaddr;
    out[0] = k + cb.base; out[1] = cb.size; out[2] = cb.page_size; out[3] = cb.num_pages;
    out[4] = k + cb.rd; out[5] = k + cb.wr; out[6] = (cb.acked & 0xFFFF) | (cb.received << 16); out[7] = cb.wr_tile_ptr;
}

void tx_delay(uint32_t cycles) {
    running->clock += cycles;
    sync_point();
}
uint64_t tx_cycle(void) { return running->clock; }

void tx_print(const char* s, size_t n) {
    Risc& r = *running;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') { print_line(r, r.line); r.line.clear(); }
        else r.line.push_back(s[i]);
    }
}

void tx_fail(const char* f, ...) {
    char b[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof b, f, ap);
    va_end(ap);
    fail(b);
}

}  // extern "C"
