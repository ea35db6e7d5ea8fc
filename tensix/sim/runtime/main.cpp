// tensix simulated chip: the device process. It talks to the host (tensix/sim/chip.py) over two
// pipes with length-prefixed messages of little-endian 32-bit words (tx_protocol.h, generated from
// tensix/sim/protocol.py), and shares L1, DRAM and a status page with it through memfds. A crash inside a kernel is reported on the reply pipe by a signal
// handler before the process exits; the host then starts a fresh device process.
//
//   argv: tensix-sim CMD_FD REPLY_FD L1_FD DRAM_FD STATUS_FD
#include "sim.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdexcept>
#include <sys/mman.h>
#include <unistd.h>

using namespace sim;

namespace {

using tx_protocol::Command;
using tx_protocol::Fault;
using tx_protocol::ReplyKind;

int cmd_fd = -1, reply_fd = -1;
std::vector<Kernel> kernels;
std::vector<uint32_t> out;          // reply under construction
struct PrintRec { int core, proc; uint64_t cycle; std::string text; };
std::vector<PrintRec> prints;
size_t print_bytes = 0;
constexpr size_t PRINT_LIMIT = 4 << 20;
std::string run_kernels;            // names of the last run's kernels (for a death after the run)

// The device's last words, in the status page: the host reads them when the process is gone, so they
// survive a kernel that closed the pipes or called exit().
void last_words(const char* text) {
    if (!chip.status) return;
    char* t = reinterpret_cast<char*>(const_cast<uint64_t*>(chip.status)) + tx_protocol::STATUS_TEXT;
    size_t n = strnlen(text, 4096 - tx_protocol::STATUS_TEXT - 1);
    memcpy(t, text, n);
    t[n] = 0;
}

bool read_all(int fd, void* p, size_t n) {
    auto* b = static_cast<uint8_t*>(p);
    while (n) {
        ssize_t k = read(fd, b, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        b += k;
        n -= size_t(k);
    }
    return true;
}

void write_all(int fd, const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    while (n) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            char m[200];
            snprintf(m, sizeof m, "the device process lost its reply pipe (fd %d: %s) after a run of kernel(s) %s: a "
                     "kernel closed or replaced file descriptors it does not own", fd, k < 0 ? strerror(errno) : "closed",
                     run_kernels.c_str());
            last_words(m);
            _exit(2);
        }
        b += k;
        n -= size_t(k);
    }
}

struct HostError : std::runtime_error { using std::runtime_error::runtime_error; };
struct VersionError : std::runtime_error { using std::runtime_error::runtime_error; };

struct Reader {
    const uint32_t* words;
    size_t n, at = 0;
    uint32_t u32() {
        if (at >= n) throw HostError("truncated message from host");
        return words[at++];
    }
    uint64_t u64() { uint64_t lo = u32(); return lo | (uint64_t(u32()) << 32); }
    double f64() { uint64_t b = u64(); double d; memcpy(&d, &b, sizeof d); return d; }
    // a count or index the host sends: must be below `limit`
    uint32_t below(uint32_t limit, const char* what) {
        uint32_t v = u32();
        if (v >= limit) throw HostError(std::string(what) + " = " + std::to_string(v) + " is out of range (limit " + std::to_string(limit) + ")");
        return v;
    }
    std::string str() {
        uint32_t len = u32();
        size_t nw = (len + 3) / 4;
        if (at + nw > n) throw HostError("truncated string from host");
        std::string r(reinterpret_cast<const char*>(words + at), len);
        at += nw;
        return r;
    }
};

void put(uint32_t v) { out.push_back(v); }
void put64(uint64_t v) { put(uint32_t(v)); put(uint32_t(v >> 32)); }
void put_str(const std::string& s) {
    put(uint32_t(s.size()));
    size_t at = out.size();
    out.resize(at + (s.size() + 3) / 4, 0);
    memcpy(out.data() + at, s.data(), s.size());
}

void send(ReplyKind kind) {
    uint32_t head[2] = {uint32_t(kind), uint32_t(out.size())};
    write_all(reply_fd, head, sizeof head);
    write_all(reply_fd, out.data(), out.size() * 4);
    out.clear();
}

// an error reply: [fault, message, library, code offset, no prints]
void send_error(Fault fault, const std::string& s) {
    out.clear();
    put(uint32_t(fault));
    put_str(s);
    put_str("");
    put64(0);
    put(0);
    send(ReplyKind::ERROR);
}

void configure(Reader& m, uint8_t* l1_pool, size_t l1_len, uint8_t* dram, size_t dram_len) {
    uint32_t version = m.u32();
    if (version != tx_protocol::VERSION)
        throw VersionError("protocol version mismatch: the host speaks version " + std::to_string(version) +
                                 ", this device runtime was built for version " + std::to_string(tx_protocol::VERSION));
    Params& p = chip.p;
    tx_protocol::read_params(m, p);
    auto check = [](bool ok, const std::string& what) { if (!ok) throw HostError("chip description: " + what); };
    check(p.l1_size > 0 && p.l1_size <= L1_STRIDE, "l1_size " + std::to_string(p.l1_size) + " exceeds the L1 stride");
    check(p.num_cbs <= uint32_t(MAX_CB), "num_cbs " + std::to_string(p.num_cbs) + " > " + std::to_string(MAX_CB));
    check(p.noc_grid_x > 0 && p.noc_grid_x <= MAX_GRID && p.noc_grid_y > 0 && p.noc_grid_y <= MAX_GRID, "NoC grid out of range");
    check(p.num_banks <= 64 && p.num_l1_banks <= 256, "bank counts out of range");
    check(tx_protocol::SEM_OFFSET + p.num_semaphores * tx_protocol::SEM_STRIDE <= p.l1_size, "semaphores outside L1");
    check(p.max_args * 4 <= tx_protocol::RTA_STRIDE, "max_args exceeds the runtime-args area");
    check(p.noc_max_outstanding <= 32, "noc_max_outstanding > 32");
    memset(chip.tile, 0xff, sizeof chip.tile);   // -1 everywhere
    uint32_t ncores = m.below(uint32_t(l1_len / L1_STRIDE) + 1, "cores");
    chip.cores = std::vector<Core>(ncores);
    for (uint32_t i = 0; i < ncores; i++) {
        Core& c = chip.cores[i];
        c.index = int(i);
        c.lx = uint8_t(m.below(MAX_GRID, "logical x")); c.ly = uint8_t(m.below(MAX_GRID, "logical y"));
        c.px = uint8_t(m.below(p.noc_grid_x, "NoC0 x")); c.py = uint8_t(m.below(p.noc_grid_y, "NoC0 y"));
        for (int n = 0; n < 2; n++) {
            c.kx[n] = uint8_t(m.below(MAX_GRID, "kernel x")); c.ky[n] = uint8_t(m.below(MAX_GRID, "kernel y"));
            chip.tile[n][c.ky[n]][c.kx[n]] = int16_t(i);
        }
        c.l1 = l1_pool + size_t(i) * L1_STRIDE;
        c.l1_kaddr = uint32_t(reinterpret_cast<uintptr_t>(c.l1));
        for (int s = 0; s < NUM_RISCS; s++) { c.risc[s].core = &c; c.risc[s].proc = s; }
    }
    // everything of a core's L1 stride past the end of L1 faults (a raw pointer past L1, or 2 MiB into "another core")
    for (uint32_t i = 0; i < ncores; i++)
        if (p.l1_size < L1_STRIDE) mprotect(l1_pool + size_t(i) * L1_STRIDE + p.l1_size, L1_STRIDE - p.l1_size, PROT_NONE);
    Calendar* ports = new_calendars(size_t(ncores) * 4);
    for (uint32_t i = 0; i < ncores; i++) { chip.cores[i].port_in = ports + 4 * i; chip.cores[i].port_out = ports + 4 * i + 2; }
    chip.links = new_calendars(size_t(4) * p.noc_grid_x * p.noc_grid_y);
    check(p.num_ctrl > 0 && p.ctrl_size > 0 && p.num_ctrl * p.ctrl_size <= dram_len, "DRAM controllers exceed the DRAM mapping");
    uint32_t nctrl = m.below(p.num_ctrl + 1, "DRAM controllers");
    chip.ctrls = std::vector<Ctrl>(nctrl);
    for (uint32_t i = 0; i < nctrl; i++) {
        Ctrl& c = chip.ctrls[i];
        c.mem = dram + i * p.ctrl_size;
        c.px = uint8_t(m.below(p.noc_grid_x, "DRAM NoC0 x")); c.py = uint8_t(m.below(p.noc_grid_y, "DRAM NoC0 y"));
        uint32_t ntiles = m.below(2 * MAX_GRID * MAX_GRID, "DRAM endpoint tiles");
        for (uint32_t t = 0; t < ntiles; t++) {
            uint32_t noc = m.below(2, "NoC"), x = m.below(MAX_GRID, "DRAM tile x"), y = m.below(MAX_GRID, "DRAM tile y");
            uint32_t px = m.below(p.noc_grid_x, "DRAM tile NoC0 x"), py = m.below(p.noc_grid_y, "DRAM tile NoC0 y");
            chip.tile[noc][y][x] = int16_t(-2 - int(i));
            chip.phys[noc][y][x] = uint16_t((py << 6) | px);
        }
    }
    for (uint32_t b = 0; b < p.num_banks; b++) {
        for (int n = 0; n < 2; n++) {
            uint32_t x = m.below(MAX_GRID, "bank x"), y = m.below(MAX_GRID, "bank y");
            tx_dram_bank_to_noc_xy[n][b] = uint16_t((y << 6) | x);
        }
        tx_bank_to_dram_offset[b] = int32_t(m.below(uint32_t(std::min<uint64_t>(p.ctrl_size, 1ull << 31)), "bank offset"));
        // each bank is a channel of its controller with its own bandwidth (HW §7: WH 12 x 24 GB/s)
        uint16_t xy = tx_dram_bank_to_noc_xy[0][b];
        int t = chip.tile[0][xy >> 6][xy & 63];
        if (t <= -2) {
            Ctrl& c = chip.ctrls[size_t(-2 - t)];
            c.bank_offsets.push_back(uint32_t(tx_bank_to_dram_offset[b]));
            c.bank_ids.push_back(b);
        }
    }
    for (Ctrl& c : chip.ctrls) {
        // channels sorted by offset, each keeping its bank id
        std::vector<std::pair<uint64_t, uint32_t>> v;
        for (size_t i = 0; i < c.bank_offsets.size(); i++) v.push_back({c.bank_offsets[i], c.bank_ids[i]});
        std::sort(v.begin(), v.end());
        c.bank_offsets.clear();
        c.bank_ids.clear();
        for (auto& [o, id] : v) { c.bank_offsets.push_back(o); c.bank_ids.push_back(id); }
        if (c.bank_offsets.empty()) { c.bank_offsets.push_back(0); c.bank_ids.push_back(0); }
        c.channels = new_calendars(c.bank_offsets.size());
    }
    for (uint32_t b = 0; b < p.num_l1_banks; b++) {
        uint32_t core = m.below(ncores, "L1 bank core");
        for (int n = 0; n < 2; n++)
            tx_l1_bank_to_noc_xy[n][b] = uint16_t((chip.cores[core].ky[n] << 6) | chip.cores[core].kx[n]);
        tx_bank_to_l1_offset[b] = 0;
    }
}

// The writable data of a loaded kernel library that stays writable (after RELRO is protected).
void find_globals(void* handle, Kernel& k) {
    link_map* lm = nullptr;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm) return;
    struct Find { uintptr_t base; uintptr_t lo = 0, hi = 0, relro_end = 0; } f{uintptr_t(lm->l_addr)};
    dl_iterate_phdr([](dl_phdr_info* info, size_t, void* p) -> int {
        auto* f = static_cast<Find*>(p);
        if (uintptr_t(info->dlpi_addr) != f->base) return 0;
        uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
        for (int i = 0; i < info->dlpi_phnum; i++) {
            const auto& ph = info->dlpi_phdr[i];
            uintptr_t start = f->base + ph.p_vaddr, end = start + ph.p_memsz;
            if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W)) { f->lo = start; f->hi = end; }
            if (ph.p_type == PT_GNU_RELRO) f->relro_end = (start + ph.p_memsz) & ~(page - 1);
        }
        return 1;
    }, &f);
    uintptr_t lo = std::max(f.lo, f.relro_end);
    if (f.hi <= lo) return;
    k.data = reinterpret_cast<uint8_t*>(lo);
    k.data_size = f.hi - lo;
    k.pristine.assign(k.data, k.data + k.data_size);
}

void load(Reader& m) {
    uint32_t id = m.below(1u << 16, "kernel id");
    Kernel k;
    k.processor = int(m.below(NUM_RISCS, "processor"));
    k.noc = int(m.below(2, "NoC"));
    k.name = m.str();
    k.path = m.str();
    void* h = dlopen(k.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) { send_error(Fault::LOAD, std::string("cannot load kernel ") + k.name + ": " + dlerror()); return; }
    k.entry = reinterpret_cast<void (*)()>(dlsym(h, "tx_kernel_entry"));
    if (!k.entry) { send_error(Fault::LOAD, "kernel " + k.name + " has no entry point tx_kernel_entry"); return; }
    find_globals(h, k);
    if (kernels.size() <= id) kernels.resize(id + 1);
    kernels[id] = k;
    out.clear();
    send(ReplyKind::OK);
}

// per RISC-V: core, processor, end cycle, waits; per DRAM channel bytes; NoC bytes; flops; per-core math
// cycles; trace events with a table of their names
void put_profile() {
    const auto& rs = active_riscs();
    put(uint32_t(rs.size()));
    for (const Risc* r : rs) {
        put(uint32_t(r->core->index)); put(uint32_t(r->proc)); put64(r->clock);
        for (uint64_t w : r->waited) put64(w);
    }
    put(uint32_t(chip.dram_read.size()));
    for (size_t b = 0; b < chip.dram_read.size(); b++) { put64(chip.dram_read[b]); put64(chip.dram_written[b]); }
    put64(chip.noc_bytes[0]); put64(chip.noc_bytes[1]); put64(chip.flops);
    put(uint32_t(chip.cores.size()));
    for (uint64_t v : chip.math_cycles) put64(v);
    uint32_t used = 0;                         // links that carried data: index (noc, dim, y, x) and bytes
    for (uint64_t v : chip.link_bytes) used += v != 0;
    put(used);
    for (size_t l = 0; l < chip.link_bytes.size(); l++)
        if (chip.link_bytes[l]) { put(uint32_t(l)); put64(chip.link_bytes[l]); }
    std::vector<const char*> names;
    std::vector<uint32_t> ids(chip.events.size());
    for (size_t i = 0; i < chip.events.size(); i++) {
        const char* n = chip.events[i].name;
        size_t k = 0;
        while (k < names.size() && names[k] != n) k++;
        if (k == names.size()) names.push_back(n);
        ids[i] = uint32_t(k);
    }
    put(uint32_t(names.size()));
    for (const char* n : names) put_str(n ? n : "?");
    put(uint32_t(chip.events.size()));
    for (size_t i = 0; i < chip.events.size(); i++) {
        const TraceEvent& e = chip.events[i];
        put(uint32_t(e.core) | (uint32_t(e.proc) << 16)); put(ids[i]); put64(e.start); put64(e.end - e.start); put(e.arg);
    }
    // the conservation check's account (check mode): per resource, cycles booked and its fullest window
    std::vector<ResourceUse> use = chip.check ? resource_use() : std::vector<ResourceUse>{};
    put(uint32_t(use.size()));
    put(uint32_t(Calendar::W));
    for (const ResourceUse& u : use) { put_str(resource_name(u.cal)); put64(u.cycles); put(u.peak); }
}

void run(Reader& m) {
    uint32_t flags = m.u32();
    chip.trace = flags & tx_protocol::RUN_TRACE;
    chip.timing_only = flags & tx_protocol::RUN_TIMING_ONLY;
    chip.max_cycles = chip.status ? chip.status[tx_protocol::STATUS_MAX_CYCLES] : 0;
    chip.check = Calendar::check_on = flags & tx_protocol::RUN_CHECK;
    Calendar::check_scale = flags & tx_protocol::RUN_CHECK_FAULT ? 2 : 1;
    sched_reset();
    prints.clear();
    print_bytes = 0;
    for (Core& c : chip.cores) {
        for (CB& cb : c.cb) cb = CB{};
        for (Risc& r : c.risc) { r.kernel = nullptr; r.state = State::Idle; }
        for (auto& n : c.buf_user) for (int8_t& u : n) u = -1;
    }
    const uint32_t ncores = uint32_t(chip.cores.size()), l1 = chip.p.l1_size;
    uint32_t ncb = m.below(MAX_CB * ncores + 1, "CB configs");
    for (uint32_t i = 0; i < ncb; i++) {
        CB cb;
        uint32_t index = m.below(chip.p.num_cbs, "CB index");
        cb.base = m.below(l1, "CB base"); cb.size = m.below(l1 - cb.base + 1, "CB size");
        cb.page_size = m.below(cb.size + 1, "CB page size"); cb.format = m.below(256, "CB data format");
        cb.tile_size = m.u32();
        if (!cb.page_size) throw HostError("CB page size 0");
        cb.num_pages = cb.size / cb.page_size;
        cb.rd = cb.wr = cb.base;
        cb.on = true;
        cb.global = m.u32() & 1;        // globally allocated: placed on an L1 buffer
        uint32_t n = m.below(ncores + 1, "CB cores");
        for (uint32_t j = 0; j < n; j++) chip.cores[m.below(ncores, "core")].cb[index] = cb;
    }
    uint32_t nsem = m.below(chip.p.num_semaphores + 1, "semaphores");
    for (uint32_t i = 0; i < nsem; i++) {
        uint32_t id = m.below(chip.p.num_semaphores, "semaphore id"), value = m.u32(), n = m.below(ncores + 1, "semaphore cores");
        for (uint32_t j = 0; j < n; j++)
            *reinterpret_cast<uint32_t*>(chip.cores[m.below(ncores, "core")].l1 + tx_protocol::SEM_OFFSET + id * tx_protocol::SEM_STRIDE) = value;
    }
    uint32_t nk = m.below(NUM_RISCS * ncores + 1, "kernels");
    run_kernels.clear();
    for (uint32_t i = 0; i < nk; i++) {
        uint32_t kid = m.below(uint32_t(kernels.size()), "kernel id");
        Kernel* k = &kernels[kid];
        if (run_kernels.size() < 120) run_kernels += (i ? ", " : "") + k->name;
        uint32_t ncommon = m.below(chip.p.max_args + 1, "common runtime args");
        std::vector<uint32_t> common(ncommon);
        for (auto& v : common) v = m.u32();
        uint32_t n = m.below(ncores + 1, "kernel cores");
        for (uint32_t j = 0; j < n; j++) {
            Core& c = chip.cores[m.below(ncores, "core")];
            Risc& r = c.risc[k->processor];
            uint32_t nargs = m.below(chip.p.max_args - ncommon + 1, "runtime args");
            auto* rta = reinterpret_cast<uint32_t*>(c.l1 + tx_protocol::RTA_OFFSET + uint32_t(r.proc) * tx_protocol::RTA_STRIDE);
            auto* crta = reinterpret_cast<uint32_t*>(c.l1 + tx_protocol::CRTA_OFFSET + uint32_t(r.proc) * tx_protocol::RTA_STRIDE);
            for (uint32_t a = 0; a < nargs; a++) rta[a] = m.u32();
            memcpy(crta, common.data(), common.size() * 4);
            r.kernel = k;
            r.view.rta = rta;
            r.view.crta = crta;
            r.view.num_rta = nargs;
            r.view.num_crta = ncommon;
            r.view.l1_base = c.l1_kaddr;
            r.view.sem_base = c.l1_kaddr + tx_protocol::SEM_OFFSET;
            for (int no = 0; no < 2; no++) { r.view.my_x[no] = c.kx[no]; r.view.my_y[no] = c.ky[no]; }
            r.view.logical_x = c.lx;
            r.view.logical_y = c.ly;
            r.view.processor = uint8_t(k->processor);
            for (uint32_t& s : r.view.cstate) s = 0;
            if (k->processor == 2) compute_reset(c);
            sched_start(r);
        }
    }
    std::string err;
    bool ok = run_all(err);
    out.clear();
    if (!ok) {
        put(uint32_t(run_fault));
        put_str(err);
        put_str(error_so);
        put64(error_offset);
    } else {
        put64(finish_time());
    }
    put(uint32_t(prints.size()));
    for (auto& pr : prints) {
        put(uint32_t(pr.core)); put(uint32_t(pr.proc)); put64(pr.cycle); put_str(pr.text);
    }
    if (ok) put_profile();     // last: the host parses it only when asked
    send(ok ? ReplyKind::OK : ReplyKind::ERROR);
}

// ---- crash and hang reports ----------------------------------------------------------------

char alt_stack[64 * 1024];

void report_signal(int sig, siginfo_t* info, void* uctx) {
    auto* uc = static_cast<ucontext_t*>(uctx);
#if defined(__x86_64__)
    uintptr_t pc = uintptr_t(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    uintptr_t pc = uintptr_t(uc->uc_mcontext.pc);
#else
    uintptr_t pc = 0;
#endif
    char msg[1024];
    Risc* r = running;
    const char* what = sig == SIGSYS ? "refused system call: a kernel may not signal or trace other processes"
                     : sig == SIGSEGV ? "segmentation fault" : sig == SIGBUS ? "bus error" : sig == SIGFPE ? "arithmetic exception"
                     : sig == SIGILL ? "illegal instruction" : sig == SIGABRT ? "abort" : "stopped: no progress";
    int n;
    if (r)
        n = snprintf(msg, sizeof msg, "core (%d, %d) %s, kernel %s: %s", r->core->lx, r->core->ly,
                     r->proc == 0 ? "BRISC (RISCV_0)" : r->proc == 1 ? "NCRISC (RISCV_1)" : "TRISC (compute)",
                     r->kernel ? r->kernel->name.c_str() : "?", what);
    else
        n = snprintf(msg, sizeof msg, "simulator runtime (no kernel running): %s", what);
    if (sig == SIGSEGV || sig == SIGBUS)
        n += snprintf(msg + n, sizeof msg - size_t(n), " at address %p", info->si_addr);
    auto fa = reinterpret_cast<uintptr_t>(info->si_addr), pool = reinterpret_cast<uintptr_t>(chip.l1_pool);
    if ((sig == SIGSEGV || sig == SIGBUS) && pool && fa + L1_STRIDE >= pool && fa < pool + chip.cores.size() * L1_STRIDE) {
        if (fa < pool)
            n += snprintf(msg + n, sizeof msg - size_t(n), ": %zu B below the first core's L1 (not memory on silicon)",
                          size_t(pool - fa));
        else {
            size_t c = (fa - pool) / L1_STRIDE, off = (fa - pool) % L1_STRIDE;
            if (r && c == size_t(r->core->index))
                n += snprintf(msg + n, sizeof msg - size_t(n), ": L1 offset 0x%zx is past the end of this core's %u B L1",
                              off, chip.p.l1_size);
            else
                n += snprintf(msg + n, sizeof msg - size_t(n), ": past the end of L1 (offset 0x%zx of the simulator's "
                              "window of core (%d, %d)); a RISC-V reaches only its own L1 with a pointer, other cores "
                              "through the NoC (get_noc_addr + noc_async_write)", off, chip.cores[c].lx, chip.cores[c].ly);
        }
    }
    if ((sig == SIGSEGV || sig == SIGBUS) && r && r->stack) {
        auto a = reinterpret_cast<uintptr_t>(info->si_addr), s = reinterpret_cast<uintptr_t>(r->stack);
        if (a < s && a >= s - 64 * 1024)
            n += snprintf(msg + n, sizeof msg - size_t(n), ": stack overflow (the simulator gives each RISC-V 512 KiB of "
                          "stack; silicon has only a few KiB of local memory: keep large arrays in L1, not on the stack)");
    }
    if (sig == SIGUSR1 && r)
        n += snprintf(msg + n, sizeof msg - size_t(n), " (cycle %llu, last kernel-API call: %s)",
                      (unsigned long long)r->clock, r->call[0] ? r->call : "none yet");
    Dl_info di{};
    const char* so = "";
    uint64_t off = 0;
    if (pc && dladdr(reinterpret_cast<void*>(pc), &di) && di.dli_fname) {
        so = di.dli_fname;
        off = pc - uintptr_t(di.dli_fbase);
    }
    // hand-built reply: CRASH [fault][str msg][str so][u64 offset][u32 nprints=0]
    uint32_t buf[700];
    size_t w = 0;
    buf[w++] = uint32_t(sig == SIGUSR1 ? Fault::NO_PROGRESS : Fault::SIGNAL);
    auto ps = [&](const char* s, size_t len) {
        buf[w++] = uint32_t(len);
        memset(buf + w, 0, (len + 3) / 4 * 4);
        memcpy(buf + w, s, len);
        w += (len + 3) / 4;
    };
    ps(msg, size_t(n) < sizeof msg ? size_t(n) : sizeof msg - 1);
    ps(so, strnlen(so, 512));
    buf[w++] = uint32_t(off);
    buf[w++] = uint32_t(off >> 32);
    buf[w++] = 0;
    uint32_t head[2] = {uint32_t(ReplyKind::CRASH), uint32_t(w)};
    write_all(reply_fd, head, sizeof head);
    write_all(reply_fd, buf, w * 4);
    _exit(sig == SIGUSR1 ? 3 : 4);
}

// a kernel called exit(): name it (the host reads these words when the pipe closes)
void report_exit(int status, void*) {
    if (!running) return;
    const Risc* r = running;
    char m[400];
    snprintf(m, sizeof m, "core (%d, %d) %s, kernel %s called exit(%d); a kernel ends by returning from kernel_main",
             r->core->lx, r->core->ly, risc_name(*r).c_str(), r->kernel ? r->kernel->name.c_str() : "?", status);
    last_words(m);
}

// a kernel that forks: the copy exits at once (it must not run kernels or talk to the host), and with
// SIGCHLD ignored no child is left as a zombie
void forked_child() {
    if (running) _exit(0);
}

// Kernels run as the user, in this process: without a filter one could kill(-1, ...) or kill the host's
// Python. A seccomp filter lets kill/tkill/tgkill reach only this process (and its own group, which
// start_new_session makes private) and refuses ptrace and process_vm_writev; a refused call raises SIGSYS,
// reported like a crash with the kernel's line. Skipped where seccomp is unavailable.
void guard_other_processes() {
#if defined(__x86_64__)
    constexpr uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    constexpr uint32_t arch = AUDIT_ARCH_AARCH64;
#else
    return;
#endif
#if defined(__x86_64__) || defined(__aarch64__)
    uint32_t me = uint32_t(getpid());
    sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),                  // 0
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),                                   // 1
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                                       // 2
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),                     // 3
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kill, 4, 0),                               // 4 -> 9
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_tkill, 3, 0),                              // 5 -> 9
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_tgkill, 2, 0),                             // 6 -> 9
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 5, 0),                             // 7 -> 13
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_writev, 4, 5),                  // 8 -> 13 / 14
        // kill / tkill / tgkill: the first argument must be this process (or 0: its own group)
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),               // 9
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, me, 3, 0),                                     // 10 -> 14
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),                                      // 11 -> 14
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),                                        // 12
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),                                        // 13
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),                                       // 14
    };
    sock_fprog fp{uint16_t(sizeof prog / sizeof prog[0]), prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp);
#endif
}

void install_handlers() {
    on_exit(report_exit, nullptr);
    pthread_atfork(nullptr, nullptr, forked_child);
    signal(SIGCHLD, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    stack_t ss{};
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_sigaction = report_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGUSR1, SIGSYS}) sigaction(s, &sa, nullptr);
    guard_other_processes();
}

}  // namespace

namespace sim {
void note_running(const Risc* r) {
    if (!chip.status) return;
    chip.status[tx_protocol::STATUS_RUNNING] = r ? (uint64_t(r->kernel - kernels.data() + 1) << 32) | (uint64_t(r->core->index) << 8) | uint64_t(r->proc) : 0;
}

void print_line(Risc& r, const std::string& text) {
    if (print_bytes > PRINT_LIMIT) return;
    print_bytes += text.size() + 16;
    prints.push_back({r.core->index, r.proc, r.clock, print_bytes > PRINT_LIMIT ? "[tensix: print output limit reached]" : text});
}
}  // namespace sim

int main(int argc, char** argv) {
    if (argc != 6) { fprintf(stderr, "usage: tensix-sim CMD_FD REPLY_FD L1_FD DRAM_FD STATUS_FD\n"); return 2; }
    cmd_fd = atoi(argv[1]);
    reply_fd = atoi(argv[2]);
    int l1_fd = atoi(argv[3]), dram_fd = atoi(argv[4]), status_fd = atoi(argv[5]);
    install_handlers();
    off_t l1_len = lseek(l1_fd, 0, SEEK_END), dram_len = lseek(dram_fd, 0, SEEK_END);
    // the L1 pool must sit below 4 GiB: kernels hold L1 addresses in uint32_t
    uint8_t* l1 = nullptr;
    // one PROT_NONE stride below the pool: a pointer just below core 0's L1 faults too
    for (uint64_t at = L1_POOL_ADDR; at + L1_STRIDE + uint64_t(l1_len) <= (4ull << 30) && !l1; at += (256ull << 20)) {
        void* g = mmap(reinterpret_cast<void*>(at), L1_STRIDE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
                       MAP_FIXED_NOREPLACE, -1, 0);
        if (g == MAP_FAILED) continue;
        void* m = mmap(reinterpret_cast<void*>(at + L1_STRIDE), size_t(l1_len), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED_NOREPLACE, l1_fd, 0);
        if (m != MAP_FAILED) l1 = static_cast<uint8_t*>(m);
        else munmap(g, L1_STRIDE);
    }
    void* d = mmap(nullptr, size_t(dram_len), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, dram_fd, 0);
    void* st = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, status_fd, 0);
    if (!l1 || d == MAP_FAILED || st == MAP_FAILED) { fprintf(stderr, "tensix-sim: cannot map chip memory\n"); return 2; }
    chip.l1_pool = l1;
    chip.dram = static_cast<uint8_t*>(d);
    chip.status = static_cast<volatile uint64_t*>(st);
    std::vector<uint32_t> msg;
    for (;;) {
        uint32_t head[2];
        errno = 0;
        bool got = read_all(cmd_fd, head, sizeof head);
        if (got) {
            msg.resize(head[1]);
            got = read_all(cmd_fd, msg.data(), size_t(head[1]) * 4);
        }
        if (!got && errno == EBADF) {
            last_words(("the device process lost its command pipe (EBADF) after a run of kernel(s) " + run_kernels +
                        ": a kernel closed file descriptors it does not own").c_str());
            return 2;
        }
        if (!got) return 0;             // the host closed the pipe: quit
        Reader m{msg.data(), msg.size()};
        try {
            switch (Command(head[0])) {
                case Command::CONFIG:
                    configure(m, chip.l1_pool, size_t(l1_len), chip.dram, size_t(dram_len));
                    out.clear(); put64(uint64_t(uintptr_t(chip.l1_pool))); send(ReplyKind::OK); break;
                case Command::LOAD: load(m); break;
                case Command::RUN: run(m); break;
                case Command::ECHO: out.assign(msg.begin(), msg.end()); send(ReplyKind::OK); break;
                case Command::QUIT: return 0;
                default: send_error(Fault::HOST, "unknown command " + std::to_string(head[0]));
            }
        } catch (const HostError& e) {
            send_error(Fault::HOST, std::string("simulator: bad message from the host: ") + e.what());
        } catch (const VersionError& e) {
            send_error(Fault::VERSION, e.what());
        } catch (const std::exception& e) {
            send_error(Fault::HOST, std::string("simulator: ") + e.what());
        }
    }
}
