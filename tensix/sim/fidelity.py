"""The clock keeps the physics: long streams, many-to-one, one-to-many and
multicast, with and without barriers, on n150 and p150a, run with the conservation check on. For every
kind of resource (NoC links, core NoC ports, DRAM channels, PCIe) the table shows the busiest one's
achieved rate over the whole run and in its busiest 256-cycle window, as a fraction of the physical
rate (link and port: flits carried, payload and header flits and packet gaps, per cycle, of one flit
per cycle, HW §9; DRAM: bytes moved of 24 GB/s per WH channel, 64 GB/s per BH bank, HW §7; PCIe: of
the x16 link). No entry may exceed 1.00; the check would have failed the run first.

Run: python bench/fidelity.py [--quick] [--all] [--json]      (exits 1 if any fraction exceeds 1.00)
--all also prints every resource of every run (each link, core port and DRAM channel); --json has them too.
"""
from __future__ import annotations

import json
import sys

from ..device import Device
from ..program import CircularBuffer, Kernel, Program
from . import dispatch

WRITE_STREAM = r"""
void kernel_main() {   // n writes of `size` bytes to one destination (a core's L1, or DRAM bank `bank`)
    uint32_t n = get_arg_val<uint32_t>(0), size = get_arg_val<uint32_t>(1), x = get_arg_val<uint32_t>(2);
    uint32_t y = get_arg_val<uint32_t>(3), addr = get_arg_val<uint32_t>(4), dram = get_arg_val<uint32_t>(5);
    uint32_t barrier = get_arg_val<uint32_t>(6), span = get_arg_val<uint32_t>(7);
    uint32_t l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off = (i % span) * size;
        uint64_t dst = dram ? get_noc_addr_from_bank_id<true>(x, addr + off) : get_noc_addr(x, y, addr);
        noc_async_write(l1, dst, size);
    }
    if (barrier) noc_async_write_barrier();
}"""
READ_STREAM = r"""
void kernel_main() {   // n reads of `size` bytes from DRAM bank `bank` (or a core's L1), one barrier at the end
    uint32_t n = get_arg_val<uint32_t>(0), size = get_arg_val<uint32_t>(1), bank = get_arg_val<uint32_t>(2);
    uint32_t addr = get_arg_val<uint32_t>(3), span = get_arg_val<uint32_t>(4);
    uint32_t l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < n; i++)
        noc_async_read(get_noc_addr_from_bank_id<true>(bank, addr + (i % span) * size), l1 + (i % 4) * size, size);
    noc_async_read_barrier();
}"""
MCAST_STREAM = r"""
void kernel_main() {   // n multicasts of `size` bytes to a rectangle
    uint32_t n = get_arg_val<uint32_t>(0), size = get_arg_val<uint32_t>(1);
    uint32_t x0 = get_arg_val<uint32_t>(2), y0 = get_arg_val<uint32_t>(3), x1 = get_arg_val<uint32_t>(4), y1 = get_arg_val<uint32_t>(5);
    uint32_t dests = get_arg_val<uint32_t>(6), barrier = get_arg_val<uint32_t>(7), linked = get_arg_val<uint32_t>(8);
    uint32_t l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < n; i++)
        noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), size, dests, linked && i + 1 < n);
    if (barrier) noc_async_write_barrier();
}"""

KINDS = ("NoC link", "core NoC port", "DRAM channel", "PCIe")


def kind_of(name: str) -> str:
    return "NoC link" if " link " in name else "core NoC port" if " port " in name else "DRAM channel"


def use_table(dev: Device, t) -> dict[str, tuple[float, float, str]]:
    """Per resource kind: (busiest run-average fraction, busiest window fraction, which resource) of
    the physical rate, from a checked run's profile."""
    a = dev.arch
    dram_scale = a.timing.dram_bytes_per_cycle / a.dram_bank_bytes_per_cycle   # a booked DRAM cycle moves this much of the peak
    out: dict[str, tuple[float, float, str]] = {}
    for name, cycles, peak in t.profile.resources:
        k = kind_of(name)
        s = dram_scale if k == "DRAM channel" else 1.0
        avg, win = cycles * s / t.cycles, peak * s
        old = out.get(k, (0.0, 0.0, ""))
        out[k] = (max(old[0], avg), max(old[1], win), name if avg >= old[0] else old[2])
    return out


def every_resource(dev: Device, t) -> list[tuple[str, float, float]]:
    """(name, run-average fraction, busiest-window fraction) of the physical rate, for every resource used."""
    scale = dev.arch.timing.dram_bytes_per_cycle / dev.arch.dram_bank_bytes_per_cycle
    return [(n, c * (scale if kind_of(n) == "DRAM channel" else 1.0) / t.cycles, p * (scale if kind_of(n) == "DRAM channel" else 1.0))
            for n, c, p in t.profile.resources]


def run(dev: Device, program: Program):
    assert dev.backend.check, "the fidelity runs need the conservation check (Device(check=True))"
    return dev.queue.enqueue(program, timing_only=True)


def l1_stream(dev: Device, senders: list, dst: tuple[int, int], n: int, size: int, barrier: bool = True):
    x, y = dev.worker_core(dst)
    addr = dev.arch.l1_unreserved_base
    k = Kernel(WRITE_STREAM, on="riscv_0", cores=senders, runtime_args=[n, size, x, y, addr, 0, int(barrier), 1])
    return run(dev, Program([*senders, dst], [k], [CircularBuffer(0, "float16_b", size, 1)]))


def dram_stream(dev: Device, writers: list, bank: int, n: int, size: int, barrier: bool = True):
    buf = dev.dram_buffer(size * 64 * dev.arch.num_dram_banks * len(writers), size)
    # one kernel for every writer, per-core args (identical kernels built in parallel race in the cache)
    k = Kernel(WRITE_STREAM, on="riscv_0", cores=writers,
               runtime_args={c: [n, size, bank, 0, buf.address + i * 64 * size, 1, int(barrier), 64] for i, c in enumerate(writers)})
    t = run(dev, Program(writers, [k], [CircularBuffer(0, "float16_b", size, 1)]))
    buf.free()
    return t


def dram_readers(dev: Device, placement: list[tuple[tuple[int, int], int]], n: int, size: int):
    """Each (core, bank) pair streams reads of its own bank."""
    buf = dev.dram_buffer(size * 64 * dev.arch.num_dram_banks, size)
    k = Kernel(READ_STREAM, on="riscv_0", cores=[c for c, _ in placement],
               runtime_args={c: [n, size, b, buf.address, 64] for c, b in placement})
    t = run(dev, Program([c for c, _ in placement], [k], [CircularBuffer(0, "float16_b", size, 4)]))
    buf.free()
    return t


def one_to_many(dev: Device, src: tuple[int, int], dsts: list, n: int, size: int):
    addr = dev.arch.l1_unreserved_base
    k = Kernel(r"""
void kernel_main() {   // n rounds of one write to each destination core
    uint32_t n = get_arg_val<uint32_t>(0), size = get_arg_val<uint32_t>(1), m = get_arg_val<uint32_t>(2), addr = get_arg_val<uint32_t>(3);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t d = 0; d < m; d++)
            noc_async_write(get_write_ptr(0), get_noc_addr(get_arg_val<uint32_t>(4 + 2 * d), get_arg_val<uint32_t>(5 + 2 * d), addr), size);
    noc_async_write_barrier();
}""", on="riscv_0", cores=src, runtime_args=[n, size, len(dsts), addr, *[v for d in dsts for v in dev.worker_core(d)]])
    return run(dev, Program([src, *dsts], [k], [CircularBuffer(0, "float16_b", size, 1)]))


def multicast(dev: Device, src: tuple[int, int], rect: tuple[tuple[int, int], tuple[int, int]], n: int, size: int,
              barrier: bool = True, linked: bool = False):
    (lx0, ly0), (lx1, ly1) = rect
    cores = {(x, y) for x in range(lx0, lx1 + 1) for y in range(ly0, ly1 + 1)}
    (x0, y0), (x1, y1) = dev.worker_core((lx0, ly0)), dev.worker_core((lx1, ly1))
    dests = len(cores - {src})
    k = Kernel(MCAST_STREAM, on="riscv_0", cores=src, runtime_args=[n, size, x0, y0, x1, y1, dests, int(barrier), int(linked)])
    return run(dev, Program(sorted(cores | {src}), [k], [CircularBuffer(0, "float16_b", size, 1)]))


def best_readers(dev: Device) -> list[tuple[tuple[int, int], int]]:
    """One reader per DRAM bank, on the worker whose NoC0 response from the bank's endpoint has the
    fewest hops (NoC §2.3, §7.5: tt-metal places readers this way)."""
    a = dev.arch
    gx, gy = a.compute_grid
    free = [(x, y) for y in range(gy) for x in range(gx)]
    out = []
    for b in a.dram_banks:
        c = min(free, key=lambda c: (a.hops(b.noc0_xy, a.noc0_xy(*c), 0), a.hops(a.noc0_xy(*c), b.noc0_xy, 0)))
        free.remove(c)
        out.append((c, b.id))
    return out


def pcie(dev: Device, total: int = 16 << 20, page: int = 2048) -> dict[str, tuple[float, float, str]]:
    link = dispatch.pcie_link_gbps(dev.arch) * 1e9
    w = total / dispatch.pcie_seconds(dev.arch, total, page, write=True) / link
    r = total / dispatch.pcie_seconds(dev.arch, total, page, write=False) / link
    return {"PCIe": (max(w, r), max(w, r), f"host {'write' if w >= r else 'read'}, {page} B pages")}


def scenarios(dev: Device, quick: bool):
    """(name, run) for every scenario on this device; ≥ 10 M cycles for the long streams."""
    a = dev.arch
    gx, gy = a.compute_grid
    grid = [(x, y) for y in range(gy) for x in range(gx)]
    pkt = a.noc_max_packet
    long_n = 4000 if quick else (40000 if pkt == 8192 else 80000)       # 8 KB packets at 32 B/cycle: ~10.5 M cycles
    yield "long stream core -> core (L1)", lambda: l1_stream(dev, [(0, 0)], (gx - 1, gy - 1), long_n, 8192)
    dram_n = 120000 if a.family != "blackhole" else 250000                # 2 KB at the channel rate: > 10 M cycles
    yield "long stream core -> DRAM", lambda: dram_stream(dev, [(0, 0)], 0, long_n // 2 if quick else dram_n, 2048)
    for n in ((20, 200) if quick else (100, 1000, 10000)):    # the aggregate rate does not grow with the length
        yield f"16 cores -> one DRAM channel, {n} x 2 KB each", lambda n=n: dram_stream(dev, grid[1:17], 1, n, 2048)
    many = grid[1:] if a.family != "blackhole" else grid[1:65]
    yield f"{len(many)} cores -> one core (L1)", lambda: l1_stream(dev, many, (0, 0), 200 if quick else 2000, 8192)
    yield f"{len(many)} cores -> one DRAM channel", lambda: dram_stream(dev, many, 0, 100 if quick else 1000, 2048)
    yield f"{len(many)} cores -> one DRAM channel, no final barrier", lambda: dram_stream(dev, many, 0, 100 if quick else 1000, 2048, False)
    yield "one core -> 16 cores (unicast)", lambda: one_to_many(dev, (0, 0), grid[1:17], 100 if quick else 2000, 8192)
    yield f"multicast to the {gx}x{gy} grid", lambda: multicast(dev, (0, 0), ((0, 0), (gx - 1, gy - 1)), 400 if quick else 8000, pkt)
    yield f"multicast to the {gx}x{gy} grid, linked, no barrier", lambda: multicast(dev, (0, 0), ((0, 0), (gx - 1, gy - 1)), 400 if quick else 8000, pkt, False, True)
    yield f"{a.num_dram_banks} placed readers, one per bank", lambda: dram_readers(dev, best_readers(dev), 500 if quick else 20000, 2048)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick, as_json, every = "--quick" in argv, "--json" in argv, "--all" in argv
    report = []
    worst = 0.0
    for board in ("n150", "p150a"):
        with Device(board, check=True) as dev:
            for name, fn in scenarios(dev, quick):
                t = fn()
                table = use_table(dev, t)
                report.append({"board": board, "scenario": name, "cycles": t.cycles,
                               "use": {k: {"run": v[0], "window": v[1], "busiest": v[2]} for k, v in table.items()},
                               "resources": [{"name": n, "run": a, "window": w} for n, a, w in every_resource(dev, t)]})
            table = pcie(dev)
            report.append({"board": board, "scenario": "host write / read, 16 MiB", "cycles": 0,
                           "use": {k: {"run": v[0], "window": v[1], "busiest": v[2]} for k, v in table.items()}})
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        print("achieved / physical rate of the busiest resource of each kind: over the run | in its busiest 256-cycle window")
        head = f"{'board':6} {'scenario':48} {'cycles':>10}  " + "  ".join(f"{k:>15}" for k in KINDS)
        print(head)
        print("-" * len(head))
        for r in report:
            cells = []
            for k in KINDS:
                u = r["use"].get(k)
                cells.append(f"{u['run']:6.2f} | {u['window']:5.2f}" if u else f"{'-':>15}")
            print(f"{r['board']:6} {r['scenario']:48} {r['cycles']:>10}  " + "  ".join(f"{c:>15}" for c in cells))
            if every:
                for u in sorted(r.get("resources", []), key=lambda u: -u["run"]):
                    print(f"{'':8}{u['name']:46} {u['run']:6.3f} | {u['window']:5.3f}")
    for r in report:
        for u in [*r["use"].values(), *r.get("resources", [])]:
            worst = max(worst, u["run"], u["window"])
    n = sum(len(r.get("resources", [])) for r in report)
    if not as_json:
        print(f"highest fraction of a physical rate over {n} resource uses: {worst:.3f} (limit 1.00)")
    return 0 if worst <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
