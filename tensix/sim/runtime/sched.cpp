// tensix simulated chip: RISC-V coroutines and the earliest-first scheduler.
#include "sim.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <functional>
#include <queue>
#include <stdexcept>
#include <unordered_map>
#include <dlfcn.h>
#include <execinfo.h>
#include <sys/mman.h>

namespace sim {

Chip chip;
Risc* running = nullptr;
uint32_t run_epoch = 0;
uint64_t sched_now = 0;
bool Calendar::check_on = false;
uint32_t Calendar::check_scale = 1;

namespace {
// buckets whose cache cell is held by another live bucket (see Calendar), per calendar
std::unordered_map<const Calendar*, std::unordered_map<uint64_t, Calendar::Use>> side_table;
// the conservation check: every booking of every calendar counted exactly, per (calendar, bucket)
struct BucketKey {
    const Calendar* c; uint64_t b;
    bool operator==(const BucketKey& o) const { return c == o.c && b == o.b; }
};
struct BucketHash { size_t operator()(const BucketKey& k) const { return std::hash<uint64_t>()(uint64_t(uintptr_t(k.c)) * 0x9E3779B97F4A7C15ull ^ k.b); } };
std::unordered_map<BucketKey, uint32_t, BucketHash> booked;
}  // namespace

Calendar::Use& Calendar::use_slow(uint64_t b) {
    Cell& s = cells[b % N];
    if (s.epoch != run_epoch || s.bucket < sched_now / W) {     // the cell is free or its bucket is over
        Use u{0, 0};
        if (side_epoch == run_epoch) {
            auto& m = side_table[this];
            auto it = m.find(b);
            if (it != m.end()) { u = it->second; m.erase(it); }
        }
        s = Cell{run_epoch, u, b};
        return s.u;
    }
    if (side_epoch != run_epoch) { side_epoch = run_epoch; side_table[this].clear(); }
    return side_table[this][b];
}

void Calendar::check_booking(const Calendar* c, uint64_t bucket, uint64_t n) {
    uint32_t& total = booked[BucketKey{c, bucket}];
    total += uint32_t(n) * check_scale;
    if (total > W)
        fail(fmt("conservation check (TENSIX_CHECK): %s is booked for %u cycles in the %llu-cycle window starting at "
                 "cycle %llu, more than its rate allows; this is a bug in tensix's timing model, please report it",
                 resource_name(c).c_str(), total, (unsigned long long)W, (unsigned long long)(bucket * W)));
}

std::vector<ResourceUse> resource_use() {
    std::unordered_map<const Calendar*, ResourceUse> per;
    for (const auto& [k, cycles] : booked) {
        ResourceUse& u = per[k.c];
        u.cal = k.c;
        u.cycles += cycles;
        u.peak = std::max(u.peak, cycles);
    }
    std::vector<ResourceUse> out;
    for (auto& [c, u] : per) out.push_back(u);
    std::sort(out.begin(), out.end(), [](const ResourceUse& a, const ResourceUse& b) { return a.cal < b.cal; });
    return out;
}

Calendar* new_calendars(size_t n) {
    void* m = mmap(nullptr, n * sizeof(Calendar), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("cannot allocate the NoC model's calendars");
    return static_cast<Calendar*>(m);
}
std::string error_so;
uint64_t error_offset = 0;

namespace {

constexpr size_t STACK_BYTES = 512 * 1024;
constexpr size_t STACK_GUARD = 64 * 1024;   // below each stack: an overflow faults there and is reported as such

struct RiscLater {
    bool operator()(const Risc* a, const Risc* b) const {
        return a->clock != b->clock ? a->clock > b->clock : a->order > b->order;
    }
};
struct EventLater {
    bool operator()(const Event& a, const Event& b) const {
        return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
};

// ---- context switching ---------------------------------------------------------------------
// x86-64: a few instructions that save the callee-saved registers and swap stacks (ucontext's
// swapcontext makes two system calls per switch). Elsewhere: ucontext.
#if defined(__x86_64__)
extern "C" void tx_switch(void** save_sp, void* next_sp);
asm(R"(
.text
.globl tx_switch
.type tx_switch,@function
tx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
.size tx_switch, .-tx_switch
)");
void* main_sp = nullptr;
void to_main(Risc* r) { tx_switch(&r->sp, main_sp); }
void to_risc(Risc* r) { tx_switch(&main_sp, r->sp); }
void risc_to_risc(Risc* from, Risc* to) { tx_switch(&from->sp, to->sp); }
void make_context(Risc& r, void (*entry)()) {
    auto top = reinterpret_cast<uintptr_t>(r.stack + STACK_BYTES) & ~uintptr_t(15);
    auto* w = reinterpret_cast<uint64_t*>(top - 16);
    w[0] = reinterpret_cast<uint64_t>(entry);          // popped by ret: entry starts with rsp = 8 mod 16
    uint64_t* sp = w - 7;                               // 6 registers + the mxcsr / x87 control word slot
    for (int i = 1; i < 7; i++) sp[i] = 0;
    uint32_t csr[2] = {0x1f80, 0x037f};
    std::memcpy(sp, csr, 8);
    r.sp = sp;
}
#else
ucontext_t main_ctx;
void to_main(Risc* r) { swapcontext(&r->ctx, &main_ctx); }
void to_risc(Risc* r) { swapcontext(&main_ctx, &r->ctx); }
void risc_to_risc(Risc* from, Risc* to) { swapcontext(&from->ctx, &to->ctx); }
void make_context(Risc& r, void (*entry)()) {
    getcontext(&r.ctx);
    r.ctx.uc_stack.ss_sp = r.stack;
    r.ctx.uc_stack.ss_size = STACK_BYTES;
    r.ctx.uc_link = nullptr;
    makecontext(&r.ctx, entry, 0);
}
#endif
// The RISC-Vs that can run, earliest clock first. Each entry carries its RISC-V's (clock, order) as it
// was pushed (a queued RISC-V's clock does not change), so the heap compares without touching them.
struct ReadyQueue {
    struct Entry {
        uint64_t clock;
        uint32_t order;
        Risc* risc;
        bool operator>(const Entry& b) const { return clock != b.clock ? clock > b.clock : order > b.order; }
    };
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    bool empty() const { return heap.empty(); }
    Risc* top() const { return heap.top().risc; }
    void push(Risc* r) { heap.push({r->clock, r->order, r}); }
    void pop() { heap.pop(); }
};
ReadyQueue ready;
std::priority_queue<Event, std::vector<Event>, EventLater> events;
std::vector<Risc*> active;
uint64_t event_seq = 0;
uint64_t& now = sched_now;
bool failed = false;
std::string error;

struct RunFailure : std::runtime_error { using std::runtime_error::runtime_error; };

void trampoline() {
    Risc* r = running;
    r->kernel->entry();
    r->call = "";
    land_reads(*r, true);                 // a kernel must barrier before it returns; deliver regardless
    if (r->proc == 2) compute_finish(*r);
    if (!r->line.empty()) print_line(*r, r->line);
    r->state = State::Done;
    progress();
    to_main(r);
}

char* new_stack() {
    // a guard page below the stack turns a kernel stack overflow into a reported segfault
    void* m = mmap(nullptr, STACK_BYTES + STACK_GUARD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("cannot allocate a RISC-V stack");
    mprotect(m, STACK_GUARD, PROT_NONE);
    return static_cast<char*>(m) + STACK_GUARD;
}

bool satisfied(const Risc& r) {
    const Core& c = *r.core;
    switch (r.wait) {
        case Wait::CbFront: { const CB& cb = c.cb[r.wait_cb]; return int32_t(cb.received - cb.acked) >= r.wait_n; }
        case Wait::CbBack: { const CB& cb = c.cb[r.wait_cb];
            return int32_t(cb.num_pages) - int32_t(cb.used()) >= r.wait_n; }
        case Wait::SemEq: return *r.wait_addr == r.wait_val;
        case Wait::SemMin: return *r.wait_addr >= r.wait_val;
        case Wait::Chain: return !c.risc[1 - r.proc].mc_linked[r.wait_cb];
        case Wait::None: return true;
    }
    return true;
}

std::string describe_wait(const Risc& r) {
    char b[512];
    const Core& c = *r.core;
    switch (r.wait) {
        case Wait::CbFront: case Wait::CbBack: {
            const CB& cb = c.cb[r.wait_cb];
            uint32_t avail = cb.received - cb.acked;
            if (r.wait == Wait::CbFront)
                snprintf(b, sizeof b, "cb_wait_front(cb %d, %d pages): %u of %d pages available "
                         "(pushed %u, popped %u in total; CB holds %u pages of %u B)",
                         r.wait_cb, r.wait_n, avail, r.wait_n, cb.received, cb.acked, cb.num_pages, cb.page_size);
            else
                snprintf(b, sizeof b, "cb_reserve_back(cb %d, %d pages): %u of %d pages free "
                         "(pushed %u, popped %u in total; CB holds %u pages of %u B)",
                         r.wait_cb, r.wait_n, cb.num_pages - avail, r.wait_n, cb.received, cb.acked,
                         cb.num_pages, cb.page_size);
            return b;
        }
        case Wait::SemEq: case Wait::SemMin: {
            uint32_t off = uint32_t(reinterpret_cast<const volatile uint8_t*>(r.wait_addr) - c.l1);
            int id = off >= tx_protocol::SEM_OFFSET ? int((off - tx_protocol::SEM_OFFSET) / tx_protocol::SEM_STRIDE) : -1;
            snprintf(b, sizeof b, "noc_semaphore_wait%s(L1 0x%x%s, %s %u): value is %u",
                     r.wait == Wait::SemMin ? "_min" : "", off,
                     id >= 0 && id < 16 ? (std::string(" = semaphore ") + std::to_string(id)).c_str() : "",
                     r.wait == Wait::SemMin ? ">=" : "==", r.wait_val, *r.wait_addr);
            return b;
        }
        case Wait::Chain:
            snprintf(b, sizeof b, "%s on NoC %d: waiting for %s's linked multicast chain on that NIU to close (its "
                     "last packet unlinked, NoC §3.5)", r.call, r.wait_cb, r.proc == 0 ? "NCRISC" : "BRISC");
            return b;
        default: return r.call;
    }
}

}  // namespace

std::string risc_name(const Risc& r) {
    static const char* names[] = {"BRISC (RISCV_0)", "NCRISC (RISCV_1)", "TRISC (compute)"};
    return names[r.proc];
}

std::string where(const Risc& r) {
    char b[256];
    snprintf(b, sizeof b, "core (%d, %d) %s, kernel %s", r.core->lx, r.core->ly, risc_name(r).c_str(),
             r.kernel ? r.kernel->name.c_str() : "?");
    return b;
}

// One line per blocked RISC-V; RISC-Vs that wait in the same kernel on the same RISC-V for the same
// thing (a 64-core program often hangs as a few such groups) share a line naming up to 4 of their cores.
std::string blocked_summary(const std::vector<Risc*>& riscs) {
    struct Group { std::string risc, kernel, wait; std::vector<const Risc*> rs; };
    std::vector<Group> groups;
    for (Risc* r : riscs) {
        if (r->state != State::Blocked) continue;
        std::string risc = risc_name(*r), kernel = r->kernel ? r->kernel->name : "?", wait = describe_wait(*r);
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& x) { return x.risc == risc && x.kernel == kernel && x.wait == wait; });
        if (g == groups.end()) groups.push_back({risc, kernel, wait, {r}});
        else g->rs.push_back(r);
    }
    std::string msg;
    for (const Group& g : groups) {
        if (g.rs.size() == 1) {
            msg += "\n  " + where(*g.rs[0]) + " is blocked in " + g.wait + " since cycle " + std::to_string(g.rs[0]->wait_since);
            continue;
        }
        std::string cores;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (size_t i = 0; i < g.rs.size(); i++) {
            if (i < 4) cores += fmt("%s(%d, %d)", i ? ", " : "", g.rs[i]->core->lx, g.rs[i]->core->ly);
            lo = std::min(lo, g.rs[i]->wait_since);
            hi = std::max(hi, g.rs[i]->wait_since);
        }
        if (g.rs.size() > 4) cores += fmt(" and %zu more", g.rs.size() - 4);
        msg += fmt("\n  %zu cores %s: %s, kernel %s, are blocked in ", g.rs.size(), cores.c_str(), g.risc.c_str(), g.kernel.c_str()) +
               g.wait + (lo == hi ? " since cycle " + std::to_string(lo) : " since cycles " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return msg;
}

std::string fmt(const char* f, ...) {
    char b[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof b, f, ap);
    va_end(ap);
    return b;
}

void progress() {
    if (chip.status) chip.status[0] = chip.status[0] + 1;
    if (chip.max_cycles && running && running->clock > chip.max_cycles)
        fail(fmt("the run passed its limit of %llu cycles (Device(max_cycles=...)) at cycle %llu, in %s; a kernel "
                 "that loops forever calling the kernel API never finishes: give the loop an exit, or raise "
                 "max_cycles", (unsigned long long)chip.max_cycles, (unsigned long long)running->clock, running->call));
}

void sched_reset() {
    run_fault = tx_protocol::Fault::NONE;
    error_so.clear();
    error_offset = 0;
    chip.events.clear();
    chip.noc_bytes[0] = chip.noc_bytes[1] = chip.flops = 0;
    chip.dram_read.assign(chip.p.num_banks, 0);
    chip.dram_written.assign(chip.p.num_banks, 0);
    chip.math_cycles.assign(chip.cores.size(), 0);
    run_epoch++;                      // every Calendar cell of the previous run is now stale
    side_table.clear();
    for (Core& c : chip.cores) for (auto& v : c.vc_free) v[0] = v[1] = 0;
    for (Ctrl& c : chip.ctrls) { c.wr_arrive.assign(c.bank_offsets.size(), 0); c.wr_done.assign(c.bank_offsets.size(), 0); }
    booked.clear();
    sched_now = 0;
    chip.link_bytes.assign(size_t(4) * chip.p.noc_grid_x * chip.p.noc_grid_y, 0);
    while (!ready.empty()) ready.pop();
    while (!events.empty()) events.pop();
    active.clear();
    event_seq = 0;
    failed = false;
    error.clear();
}

void sched_start(Risc& r) {
    if (!r.stack) r.stack = new_stack();
    r.clock = 0;
    r.state = State::Ready;
    r.wait = Wait::None;
    r.call = "";
    r.line.clear();
    for (int n = 0; n < 2; n++) r.reads_done[n] = r.writes_acked[n] = r.writes_flushed[n] = r.atomics_done[n] = r.dram_done[n] = 0;
    for (uint64_t& w : r.waited) w = 0;
    for (int n = 0; n < 2; n++) { r.issued[n] = 0; for (uint64_t& f : r.inflight[n]) f = 0; }
    for (int n = 0; n < 2; n++) {
        r.posted_done[n] = r.wr_granted[n] = r.rd_granted[n] = r.mc_granted[n] = r.mc_rect[n] = 0;
        r.mc_linked[n] = false;
        r.trid[n][0] = r.trid[n][1] = 0;
        for (uint64_t& d : r.trid_done[n]) d = 0;
    }
    r.order = uint32_t(active.size());
    r.globals = r.kernel->pristine;              // fresh globals each launch, as the firmware does
    r.pending.clear();
    r.kernel->owner = nullptr;
    make_context(r, trampoline);
    active.push_back(&r);
    ready.push(&r);
}

void land_reads(Risc& r, bool all) {
    size_t keep = 0;
    for (size_t i = 0; i < r.pending.size(); i++) {
        PendingRead& p = r.pending[i];
        if (all || p.land <= r.clock) std::memmove(p.dst, p.src, p.size);
        else r.pending[keep++] = p;
    }
    r.pending.resize(keep);
}

// Make `r` the running RISC-V (what run_all does for the RISC-V it picks): scheduler time, the status
// page, the kernel API's view, and the kernel library's globals swapped in.
void enter(Risc* r) {
    now = std::max(now, r->clock);
    running = r;
    note_running(r);
    tx_cur = &r->view;
    Kernel* k = r->kernel;
    if (k->data_size && k->owner != r) {          // swap in this RISC-V's kernel globals
        if (k->owner) std::memcpy(k->owner->globals.data(), k->data, k->data_size);
        std::memcpy(k->data, r->globals.data(), k->data_size);
        k->owner = r;
    }
    r->state = State::Running;
}

// The running RISC-V `r` gives way (it is parked as Ready or Blocked). When the next thing to act is
// another RISC-V rather than an event, switch to it directly: run_all would pick the same one, and
// going through it costs a second context switch.
void give_way(Risc* r) {
    if (!ready.empty() && (events.empty() || events.top().time > ready.top()->clock)) {
        Risc* next = ready.top();
        if (next != r) {
            ready.pop();
            enter(next);
            risc_to_risc(r, next);
            return;
        }
    }
    to_main(r);
}

void sync_point() {
    Risc* r = running;
    if (!r->pending.empty()) land_reads(*r, false);
    bool earlier_event = !events.empty() && events.top().time <= r->clock;
    bool earlier_risc = !ready.empty() && RiscLater()(r, ready.top());
    if (!earlier_event && !earlier_risc) {
        // this RISC-V is the earliest thing that can still act: nothing will book a resource before its clock,
        // so calendar buckets before it are over (a long solo run would otherwise fill the exact side table)
        if (r->clock > now) now = r->clock;
        return;
    }
    r->state = State::Ready;
    ready.push(r);
    give_way(r);
}

void block(Wait w) {
    Risc* r = running;
    r->wait = w;
    r->wait_since = r->clock;
    r->state = State::Blocked;
    give_way(r);
    r->wait = Wait::None;
    r->waited[w == Wait::CbFront || w == Wait::CbBack ? WAIT_CB : w == Wait::Chain ? WAIT_NOC : WAIT_SEM] += r->clock - r->wait_since;
    trace_event(*r, r->call, r->wait_since, r->clock, uint32_t(w == Wait::CbFront || w == Wait::CbBack ? r->wait_cb : 0));
}

void wake_core(int core) {
    uint64_t t = running ? running->clock : now;
    for (Risc& r : chip.cores[core].risc) {
        if (r.state != State::Blocked) continue;
        r.state = State::Ready;
        if (r.clock < t) r.clock = t;
        ready.push(&r);
    }
}

void post_event(const Event& e) {
    Event x = e;
    x.seq = event_seq++;
    events.push(x);
}

// the innermost frame of the running RISC-V's stack that lies in a kernel library: the kernel line
// that made the failing call (the host turns it into file:line with addr2line)
void kernel_frame() {
    void* frames[48];
    int n = backtrace(frames, 48);
    error_so.clear();
    error_offset = 0;
    for (int i = 0; i < n; i++) {
        Dl_info di{};
        if (!dladdr(frames[i], &di) || !di.dli_fname) continue;
        std::string f = di.dli_fname;
        if (f.find("/kernels/") == std::string::npos || f.size() < 3 || f.compare(f.size() - 3, 3, ".so")) continue;
        error_so = f;
        error_offset = uint64_t(reinterpret_cast<uintptr_t>(frames[i]) - reinterpret_cast<uintptr_t>(di.dli_fbase)) - 1;
        return;
    }
}

tx_protocol::Fault run_fault = tx_protocol::Fault::NONE;

[[noreturn]] void fail(const std::string& msg, tx_protocol::Fault fault) {
    run_fault = fault;
    if (!running) throw RunFailure(msg);
    failed = true;
    error = where(*running) + ": " + msg;
    kernel_frame();
    Risc* r = running;
    r->state = State::Done;
    to_main(r);
    __builtin_unreachable();
}

const std::vector<Risc*>& active_riscs() { return active; }

// The program is complete when every RISC-V has returned and everything its cores put on the NoC has
// arrived: the firmware does not wait for outstanding traffic at kernel end (NoC §8), but whatever
// comes next (a host read of the data, the next program, its barriers) waits for it, so tensix charges
// in-flight data to the program that issued it.
uint64_t finish_time() {
    uint64_t t = 0;
    for (Risc* r : active) {
        t = std::max(t, r->clock);
        for (int n = 0; n < 2; n++)
            t = std::max({t, r->reads_done[n], r->writes_acked[n], r->atomics_done[n], r->posted_done[n]});
    }
    return t;
}

bool run_all(std::string& err) {
    try {
        for (;;) {
            if (ready.empty() && events.empty()) {
                // Nothing can move. A wait may still be satisfied by a plain store the kernel made
                // to L1 (not through the API): re-check every parked RISC-V before calling it a deadlock.
                bool woke = false;
                for (Risc* r : active)
                    if (r->state == State::Blocked && satisfied(*r)) {
                        r->state = State::Ready;
                        r->clock = std::max(r->clock, now);
                        ready.push(r);
                        woke = true;
                    }
                if (woke) continue;
                std::string msg = blocked_summary(active);
                if (msg.empty()) return true;
                err = "DEADLOCK: every unfinished RISC-V is waiting for something no one will provide" + msg;
                run_fault = tx_protocol::Fault::DEADLOCK;
                return false;
            }
            if (!events.empty() && (ready.empty() || events.top().time <= ready.top()->clock)) {
                Event e = events.top();
                events.pop();
                now = std::max(now, e.time);
                apply_event(e);
                continue;
            }
            Risc* r = ready.top();
            ready.pop();
            enter(r);
            to_risc(r);
            running = nullptr;
            note_running(nullptr);
            if (failed) { err = error; return false; }
        }
    } catch (const RunFailure& f) {
        running = nullptr;
        err = f.what();
        return false;
    }
}

}  // namespace sim
