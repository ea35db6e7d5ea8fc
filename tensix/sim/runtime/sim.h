// tensix simulated chip: the state of one chip, shared by the runtime's source files.
// One device process holds every worker core of the chip. Each RISC-V with a kernel is a coroutine;
// the scheduler always resumes the RISC-V (or NoC event) with the earliest simulated cycle, so every
// wait resolves at the simulated time its condition became true, and runs are deterministic.
#pragma once
#include "../include/tensix_abi.h"
#include "tx_protocol.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>
#include <ucontext.h>

namespace sim {

// the host <-> runtime contract and the L1 memory map: generated from tensix/sim/protocol.py
using tx_protocol::Params;
constexpr uint32_t L1_STRIDE = tx_protocol::L1_STRIDE;          // distance between two cores' L1 in the device process
constexpr uint64_t L1_POOL_ADDR = tx_protocol::L1_POOL_ADDR;   // where the L1 pool is mapped (below 4 GiB)
constexpr int MAX_CB = tx_protocol::MAX_CB;
constexpr int NUM_RISCS = tx_protocol::NUM_RISCS;     // BRISC, NCRISC, compute (the three TRISCs run as one)
constexpr int MAX_GRID = 64;             // NoC coordinates are 6 bits

struct CB {
    uint32_t base = 0, size = 0, page_size = 0, num_pages = 0;   // L1 offsets / bytes
    uint32_t rd = 0, wr = 0, received = 0, acked = 0, wr_tile_ptr = 0;
    uint32_t format = 255, tile_size = 0;
    bool on = false;
    bool global = false;                 // placed on an L1 buffer: its data is already there
    uint32_t pending = 0;                // pushed by the packer but not yet visible (lands at the pack cycle)
    uint32_t used() const { return received + pending - acked; }
};

// The compute engine of a core: DST and the unpacker/packer configuration (compute.cpp).
struct Compute {
    std::vector<uint32_t> dst;           // 16 tiles x 1024 words, each tile in face order
    uint32_t fidelity = 4, fp32 = 0, full_sync = 0;
    bool acquired = false, math_held = false, committed = false, pack_held = false;
    uint32_t fmt[3] = {255, 255, 255};   // unpacker A, unpacker B, packer
    // the three TRISC stages as a pipeline: the coroutine's clock is the unpacker's; the math and
    // pack stages keep their own clocks (API §4.2 sync points connect them)
    uint64_t unpacked = 0, math = 0, pack = 0, commit_at = 0;
    uint64_t src_free[2]{};              // SrcA/SrcB banks: free once math is done with them
    uint64_t half_free[2]{};             // DST halves: free once the packer released them
    uint32_t src_bank = 0, half = 0;
    uint32_t dirty = 0;                  // DST tiles written since the last release
    uint32_t l1_acc = 0;                 // packer L1 accumulation (pack_reconfig_l1_acc)
    uint32_t relu = 0;                   // packer ReLU mode (llk_pack_relu_config)
};

struct Risc;

struct Kernel {
    std::string name, path;
    void (*entry)() = nullptr;
    int processor = 0;    // 0 BRISC (RISCV_0), 1 NCRISC (RISCV_1), 2 compute
    int noc = 0;
    // The library's writable data (kernel globals): one library serves every core, but on silicon
    // each core has its own copy, initialised at each launch. The scheduler swaps copies in and out.
    uint8_t* data = nullptr;
    size_t data_size = 0;
    std::vector<uint8_t> pristine;       // the data as loaded
    Risc* owner = nullptr;               // whose copy is in the library right now
};

enum class State : uint8_t { Idle, Ready, Running, Blocked, Done };
// where a RISC-V's cycles went (profile): busy = everything else
enum Stat : uint8_t { WAIT_CB = 0, WAIT_SEM, WAIT_NOC, WAIT_DRAM, NUM_STATS };
static_assert(NUM_STATS == tx_protocol::NUM_STATS, "profile rows: protocol.STATS");
enum class Wait : uint8_t { None, CbFront, CbBack, SemEq, SemMin, Chain };   // Chain: wait_cb holds the NoC

// Occupancy of a shared resource (a NoC link, a core's NoC port, a DRAM channel) over time, in
// buckets of W cycles. Transfers reserve capacity in the order the simulation issues them, which is
// not the order they use the resource (a response is reserved when its read is issued), so a plain
// "busy until" would serialise transfers that do not overlap; buckets let them interleave. Slots are
// tagged with the run, so a new run needs no clearing, and memory is touched only where used.
// The cells are a cache of the buckets: a bucket whose cell holds another bucket that is still live
// (at or after the scheduler's `now`; nothing is ever booked before it) lives in an exact side table,
// so a long run never books a bucket twice (the calendars used to alias after N * W cycles).
extern uint32_t run_epoch;
extern uint64_t sched_now;              // the scheduler's time: no reservation starts before it
struct Calendar {
    static constexpr uint32_t N = 4096;          // buckets cached: N * W cycles
    static constexpr uint64_t W = 256;
    // used: packets fill a bucket from its start in the order they are booked (a high-water mark);
    // extra: single flits (requests, acks) that interleave with them anywhere in the bucket
    struct Use { uint32_t used, extra; };
    struct Cell { uint32_t epoch; Use u; uint64_t bucket; };
    uint32_t side_epoch;                          // == run_epoch: some buckets of this run are in the side table
    // calendars lie back to back; without this the same bucket of every calendar would sit at the same
    // offset modulo 32 KiB and all the links of one route would compete for one cache set
    char stagger[120];
    Cell cells[N];
    Use& use(uint64_t b) {                        // the bucket's use: its cell if the cell holds it
        Cell& s = cells[b % N];
        return s.epoch == run_epoch && s.bucket == b ? s.u : use_slow(b);
    }
    Use& use_slow(uint64_t b);                    // sched.cpp: claim the cell or use the side table
    // occupy `cycles` of the resource from cycle `t` on; returns when the last of them is done
    uint64_t take(uint64_t t, uint64_t cycles) {
        if (!cycles) return t;
        uint64_t b = t / W;
        for (;;) {
            Use& u = use(b);
            uint64_t from = std::max<uint64_t>(u.used, b == t / W ? t % W : 0);
            uint64_t room = W - std::min<uint64_t>(W, from + u.extra);
            uint64_t n = std::min<uint64_t>(room, cycles);
            if (n) { u.used = uint32_t(from + n); cycles -= n; if (check_on) check_booking(this, b, n); }
            if (!cycles) return b * W + u.used;
            b++;
        }
    }
    // one flit at `t`: it interleaves with the packets crossing then (another VC, NoC §2.4), so it is
    // not delayed; its cycle of capacity is taken from the first bucket from `t` on that has room
    uint64_t squeeze(uint64_t t) {
        for (uint64_t b = t / W;; b++) {
            Use& u = use(b);
            if (u.used + u.extra < W) {
                u.extra++;
                if (check_on) check_booking(this, b, 1);
                return t + 1;
            }
        }
    }
    static bool check_on;                                           // TENSIX_CHECK / Device(check=True)
    static uint32_t check_scale;   // 1; 2 counts every booking twice (the check's own test: it must fire)
    static void check_booking(const Calendar* c, uint64_t bucket, uint64_t n);   // sched.cpp
};
Calendar* new_calendars(size_t n);   // zeroed, lazily backed memory (sched.cpp)
// the conservation check's account of one resource: cycles booked in the run and in its fullest bucket
struct ResourceUse { const Calendar* cal = nullptr; uint64_t cycles = 0; uint32_t peak = 0; };
std::vector<ResourceUse> resource_use();         // sched.cpp, every calendar booked in this run (check mode)
std::string resource_name(const Calendar* c);    // noc.cpp: "NoC0 link (3,4)->(4,4)", "core (1,2) NoC1 port in", ...

struct Core;

// A NoC read in flight: its data reaches L1 when it lands (at the reader's first API call at or after
// that cycle), so a kernel that uses the data before its barrier sees what silicon would: old bytes.
struct PendingRead {
    uint8_t* dst;
    const uint8_t* src;
    uint32_t size;
    uint64_t land;
};

struct Risc {
    tx_risc_view view{};
    Core* core = nullptr;
    int proc = 0;                    // 0 BRISC, 1 NCRISC, 2 compute (TRISC)
    Kernel* kernel = nullptr;
    uint64_t clock = 0;
    uint32_t order = 0;               // tie-break between equal clocks: deterministic
    State state = State::Idle;
    Wait wait = Wait::None;
    int32_t wait_cb = 0, wait_n = 0;
    volatile uint32_t* wait_addr = nullptr;
    uint32_t wait_val = 0;
    uint64_t wait_since = 0;
    const char* call = "";           // kernel-API call in flight
    uint64_t reads_done[2]{}, writes_acked[2]{}, writes_flushed[2]{}, atomics_done[2]{};
    uint64_t posted_done[2]{};        // when every write (posted ones too) has reached its destination
    uint64_t dram_done[2]{};
    uint64_t inflight[2][32]{};       // completion cycles of the last reads per NoC (transaction limit)
    uint32_t issued[2]{};          // when the last DRAM transfer per NoC completes (wait attribution)
    // command buffers (NoC §6.2): a request leaves its buffer when it gets its first-hop VC; the next
    // request through the same buffer waits for that
    uint64_t wr_granted[2]{}, rd_granted[2]{}, mc_granted[2]{};
    uint8_t trid[2][2]{};             // sticky transaction id of the read [0] and write [1] buffer, per NoC
    uint64_t trid_done[2][16]{};      // when every request tagged with an id is answered, per NoC
    bool mc_linked[2]{};              // the last multicast on this NoC left its chain open (linked)
    uint64_t mc_rect[2]{};            // ... to this rectangle (its NoC address bits)
    uint64_t waited[NUM_STATS]{};
    void* sp = nullptr;               // saved stack pointer (x86-64 context switch)
    ucontext_t ctx;                   // elsewhere
    char* stack = nullptr;
    std::string line;                 // partial print line
    std::vector<uint8_t> globals;     // this RISC-V's copy of its kernel's globals (see Kernel)
    std::vector<PendingRead> pending; // reads issued, data not yet landed
};

struct Core {
    int index = 0;
    uint8_t lx = 0, ly = 0, px = 0, py = 0;   // logical and physical NoC0 coordinates
    uint8_t kx[2]{}, ky[2]{};                  // kernel coordinates per NoC
    uint8_t* l1 = nullptr;                     // host pointer to L1 byte 0
    uint32_t l1_kaddr = 0;                     // kernel address of L1 byte 0
    CB cb[MAX_CB];
    Risc risc[NUM_RISCS];
    Compute compute;
    Calendar* port_in = nullptr;               // the core's NoC <-> L1 ports, per NoC (2 each)
    Calendar* port_out = nullptr;
    // per NIU (NoC): when the static VC of the injection link is free again (a packet on a static VC
    // holds it until its tail has crossed, NoC §4.1): [0] VC 1 (unicast writes, read requests), [1] VC 4 (multicast)
    uint64_t vc_free[2][2]{};
    // the data-movement RISC-V (0 BRISC, 1 NCRISC; -1 none yet) that issued through each NIU's command
    // buffers this run: [noc][0 writes, 1 reads, 2 small writes, 3 atomics] (NoC §6.1)
    int8_t buf_user[2][4] = {{-1, -1, -1, -1}, {-1, -1, -1, -1}};
};

struct Ctrl {                                  // a DRAM controller
    uint8_t* mem = nullptr;
    uint8_t px = 0, py = 0;
    std::vector<uint64_t> bank_offsets;       // start of each channel (bank view) in this memory
    std::vector<uint32_t> bank_ids;           // the allocator bank id of each channel
    Calendar* channels = nullptr;             // per channel (bank view) of this memory
    // per channel: the last write's arrival and when the controller has it (a read arriving after a
    // write on the same VC waits for the write's completion, NoC §7.3)
    std::vector<uint64_t> wr_arrive, wr_done;
    size_t channel(uint64_t offset) const {
        size_t c = 0;
        while (c + 1 < bank_offsets.size() && offset >= bank_offsets[c + 1]) c++;
        return c;
    }
};

enum class EvKind : uint8_t { SemInc, SemSet, CbPush };
struct Event {
    uint64_t time, seq;
    EvKind kind;
    int core;
    uint32_t offset, value;
};

struct Chip;
extern Chip chip;

struct TraceEvent {
    uint16_t core;
    uint8_t proc;
    const char* name;
    uint64_t start, end;
    uint32_t arg;
};

struct Chip {
    Params p{};
    std::vector<Core> cores;
    std::vector<Ctrl> ctrls;
    int16_t tile[2][MAX_GRID][MAX_GRID];      // kernel (x,y) per NoC -> core index, -2-ctrl for DRAM, -1 none
    uint16_t phys[2][MAX_GRID][MAX_GRID];     // kernel (x,y) per NoC -> physical NoC0 (y << 6 | x) of that tile
    uint8_t* l1_pool = nullptr;
    uint8_t* dram = nullptr;
    // shared with the host: [0] progress counter, [1] who runs: (kernel id + 1) << 32 | core << 8 | RISC-V,
    // [2] cycle limit of a run (0: none); bytes from STATUS_TEXT: the device's last words before it died
    volatile uint64_t* status = nullptr;
    uint64_t max_cycles = 0;
    // per run
    bool trace = false, timing_only = false, check = false;
    std::vector<TraceEvent> events;
    uint64_t noc_bytes[2]{}, flops = 0;
    std::vector<uint64_t> dram_read, dram_written;   // bytes per DRAM bank (channel)
    std::vector<uint64_t> math_cycles;               // FPU/SFPU busy cycles per core
    Calendar* links = nullptr;                       // per NoC, direction and router
    std::vector<uint64_t> link_bytes;                // bytes that crossed each link
};

constexpr size_t TRACE_LIMIT = 4000000;
inline void trace_event(const Risc& r, const char* name, uint64_t start, uint64_t end, uint32_t arg = 0) {
    if (chip.trace && end > start && chip.events.size() < TRACE_LIMIT)
        chip.events.push_back({uint16_t(r.core->index), uint8_t(r.proc), name, start, end, arg});
}

extern Chip chip;
extern Risc* running;
extern std::string error_so;      // kernel library and code offset of the call that failed a run
extern uint64_t error_offset;

// scheduler (sched.cpp)
void sched_reset();
void sched_start(Risc& r);
void sync_point();                        // let earlier RISC-Vs/events run first; land due reads
void land_reads(Risc& r, bool all);       // deliver the data of reads that have landed (or all)
void block(Wait w);                       // park the running RISC-V until woken
void wake_core(int core);                 // re-check the waits of every RISC-V on a core
void post_event(const Event& e);
bool run_all(std::string& err);           // run until every RISC-V is done; false + err on failure
uint64_t finish_time();
const std::vector<Risc*>& active_riscs();
[[noreturn]] void fail(const std::string& msg, tx_protocol::Fault fault = tx_protocol::Fault::KERNEL);
extern tx_protocol::Fault run_fault;       // why the last run failed
std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
void progress();
void note_running(const Risc* r);         // publish the running RISC-V in the status page (main.cpp)
std::string risc_name(const Risc& r);
std::string where(const Risc& r);
// a race silicon allows (e.g. reading a pre-filled CB without waiting): reported to the host once per
// kernel line and run, with that line
void race_warning(const std::string& msg);   // cb.cpp
enum Buf { BUF_WRITE = 0, BUF_READ = 1, BUF_SMALL = 2, BUF_ATOMIC = 3 };
void niu_request(Risc& r, uint8_t noc, Buf buf, const char* call);   // noc.cpp: chain wait, buffer owner
void race_warnings_reset(int core);          // at a run's start on that core

// NoC and memory (noc.cpp)
// px, py: the physical NoC0 tile addressed (a core, or the DRAM endpoint tile the address names)
struct Target { int core = -1; int ctrl = -1; uint64_t offset = 0; uint8_t* ptr = nullptr; uint8_t px = 0, py = 0; };
Target decode(uint64_t noc_addr, uint8_t noc, uint32_t size, bool write, const char* call);
uint32_t l1_offset(uint32_t kaddr, uint32_t size, const char* what);
void apply_event(const Event& e);
// the NoC's pieces, shared by noc.cpp (unicast) and mcast.cpp (multicast)
struct Packet { uint64_t begin, left, sunk, ack; };   // started to leave, tail left, at the destination, acked
const char* hex(uint64_t v);
uint32_t hops(int sx, int sy, int dx, int dy, int noc);
uint64_t packet_flits(uint32_t bytes);
Calendar* link_calendars(int noc, int dim);            // [y * X + x]: the link leaving router (x, y) along dim
int step(int v, int n, int noc);                       // next coordinate in the NoC's direction of flow
uint64_t route(int noc, int sx, int sy, int dx, int dy, uint64_t t, uint64_t nflits, uint32_t bytes);
void stall(Risc& r, uint64_t until, const char* what);
uint8_t check_noc(uint8_t noc, const char* call);
void check_chain(const Risc& r, uint8_t noc, const char* call);
void check_align(uint32_t l1_off, const Target& t, bool read, const char* call);
Packet write_packet(const Target& t, uint32_t size, int noc);

// compute engine (compute.cpp)
void compute_reset(Core& c);
uint64_t compute_pack_clock(Risc& r);                  // the pack stage's cycle (cb_reserve_back/push_back)
void compute_pack_waited(Risc& r, uint64_t until);     // the pack stage waited for CB space until `until`
void compute_finish(Risc& r);                          // kernel end: the pipeline drains

// prints (main.cpp)
void print_line(Risc& r, const std::string& text);

}  // namespace sim
