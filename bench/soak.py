"""Soak: N runs of one program, then K distinct kernels, on one Device. Samples
RSS, open fds and memory mappings of this process and of the device process, the kernel libraries the
device has mapped, and the kernel cache's size, and checks every result. Ends with a table and a
verdict: flat or bounded (exit status 1 if anything grew without bound).

    python bench/soak.py                       # 10 000 runs + 1 000 distinct kernels
    python bench/soak.py --runs 2000 --kernels 200 --json soak.json

The cache is a private temp directory capped at --cache-cap bytes (default 16 MiB), so eviction runs."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# one distinct kernel per value of K: it stores K into its core's word of an L1 buffer
STAMP = "void kernel_main() {{ *(volatile uint32_t*)get_arg_val<uint32_t>(0) = {k}u; }}\n"


def proc(pid: int) -> dict:
    out = {"rss_kb": 0, "fds": len(os.listdir(f"/proc/{pid}/fd")), "maps": 0, "kernel_maps": 0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            out["rss_kb"] = int(line.split()[1])
    lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    out["maps"] = len(lines)
    out["kernel_maps"] = sum(1 for m in lines if "/kernels/" in m)
    return out


def dir_bytes(d: Path) -> int:
    total = 0
    for root, _, files in os.walk(d):
        for f in files:
            try:
                total += os.stat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def sample(dev, phase: str, done: int, t0: float) -> dict:
    from tensix.sim import compiler
    chip = dev.backend.chip
    s = {"phase": phase, "done": done, "s": round(time.perf_counter() - t0, 1), "host": proc(os.getpid()),
         "device": proc(chip.proc.pid) if chip.proc else None, "restarts": chip.generation - 1,
         "cache_bytes": dir_bytes(compiler.cache_dir() / "kernels") + dir_bytes(compiler.cache_dir() / "src"),
         "cache_entries": compiler.stats().entries}
    return s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--kernels", type=int, default=1_000)
    ap.add_argument("--cache-cap", type=int, default=16 << 20, help="TENSIX_CACHE_MAX_BYTES for the private cache")
    ap.add_argument("--cache", help="use this cache directory instead of a private temp one")
    ap.add_argument("--json", help="write the samples and the verdict here")
    a = ap.parse_args()
    tmp = None
    if a.cache:
        os.environ["TENSIX_CACHE"] = a.cache
    else:
        tmp = tempfile.TemporaryDirectory(prefix="tensix-soak-")
        os.environ["TENSIX_CACHE"] = tmp.name
    os.environ["TENSIX_CACHE_MAX_BYTES"] = str(a.cache_cap)

    from tensix import Device, Kernel, Program
    from tensix.gen import programs
    samples, bad = [], 0
    t0 = time.perf_counter()
    with Device("n150") as dev:
        # ---- phase 1: one program, many runs
        src, dst = dev.dram_buffer(4 * 2048, 2048), dev.dram_buffer(4 * 2048, 2048)
        p = programs.copy(src, dst, name="soak_copy.cpp")     # tensix.gen's page copy, 4 pages
        rng = np.random.default_rng(0)
        dev.queue.enqueue(p)
        samples.append(sample(dev, "runs", 0, t0))
        every = max(1, a.runs // 10)
        for i in range(1, a.runs + 1):
            if i % 50 == 0 or i == 1:                # new data now and then; every run is checked
                data = rng.integers(0, 2**16, 4 * 1024, dtype=np.uint16)
                src.write(data)
            dst.write(bytes(4 * 2048))
            dev.queue.enqueue(p)
            bad += not np.array_equal(dst.read(np.uint16), data)
            if i % every == 0:
                samples.append(sample(dev, "runs", i, t0))
                dev.queue.finish()
        # ---- phase 2: distinct kernels, four per program (one per core) so builds run in parallel
        cores = [(x, 0) for x in range(4)]
        out = dev.l1_buffer(64, cores=cores)
        every = max(4, a.kernels // 10 // 4 * 4)
        for base in range(0, a.kernels, 4):
            ks = [Kernel(STAMP.format(k=base + j + 1), on="riscv_0", cores=c, runtime_args=[out],
                         name=f"stamp_{base + j}.cpp") for j, c in enumerate(cores) if base + j < a.kernels]
            dev.queue.enqueue(Program(cores[:len(ks)], ks))
            for j in range(len(ks)):
                bad += int(out.read(np.uint32, core=cores[j])[0]) != base + j + 1
            done = base + len(ks)
            if done % every == 0 or done == a.kernels:
                samples.append(sample(dev, "kernels", done, t0))
        dev.queue.finish()
    if tmp:
        tmp.cleanup()

    # ---- verdict: runs flat (the last sample vs the one after warm-up), kernels bounded
    runs = [s for s in samples if s["phase"] == "runs"]
    kern = [s for s in samples if s["phase"] == "kernels"]
    checks = []

    def grew(series, key, who, slack):
        first, last = series[min(1, len(series) - 1)], series[-1]
        a_, b_ = first[who][key], last[who][key]
        return b_ - a_ <= slack, f"{who} {key}: {a_} -> {b_} (allowed +{slack})"

    checks.append(grew(runs, "rss_kb", "host", 16 << 10))
    checks.append(grew(runs, "fds", "host", 0))
    checks.append(grew(runs, "maps", "host", 8))
    checks.append(grew(runs, "rss_kb", "device", 16 << 10))
    checks.append(grew(runs, "fds", "device", 0))
    checks.append(grew(runs, "maps", "device", 0))
    if kern:
        from tensix.sim import chip as simchip
        kmax = max(s["device"]["kernel_maps"] for s in kern if s["device"])
        per_lib = max(1, runs[-1]["device"]["kernel_maps"])          # mappings of one loaded library
        checks.append((kmax <= (simchip.MAX_LOADED + 1) * per_lib,
                       f"device kernel mappings: at most {kmax} (bound {(simchip.MAX_LOADED + 1) * per_lib}: "
                       f"{simchip.MAX_LOADED} loaded libraries x {per_lib})"))
        checks.append(grew(kern, "fds", "host", 0))
        checks.append(grew(kern, "rss_kb", "host", 4096 + 8 * a.kernels))   # kB: caps, not per-kernel growth
        cmax = max(s["cache_bytes"] for s in kern)
        checks.append((cmax <= a.cache_cap + (4 << 20), f"cache size: at most {cmax} B (cap {a.cache_cap} B)"))
    ok = bad == 0 and all(c for c, _ in checks)

    print(f"soak: {a.runs} runs of one program, then {a.kernels} distinct kernels, n150, {samples[-1]['s']} s")
    print(f"{'phase':8s} {'done':>6s} {'s':>7s} | {'host RSS kB':>11s} {'fds':>4s} {'maps':>5s} | "
          f"{'dev RSS kB':>10s} {'fds':>4s} {'maps':>5s} {'kmaps':>5s} {'restarts':>8s} | {'cache B':>10s} {'entries':>7s}")
    for s in samples:
        h, d = s["host"], s["device"] or {"rss_kb": 0, "fds": 0, "maps": 0, "kernel_maps": 0}
        print(f"{s['phase']:8s} {s['done']:6d} {s['s']:7.1f} | {h['rss_kb']:11d} {h['fds']:4d} {h['maps']:5d} | "
              f"{d['rss_kb']:10d} {d['fds']:4d} {d['maps']:5d} {d['kernel_maps']:5d} {s['restarts']:8d} | "
              f"{s['cache_bytes']:10d} {s['cache_entries']:7d}")
    print(f"wrong results: {bad}")
    for c, text in checks:
        print(f"  {'ok  ' if c else 'GREW'} {text}")
    print("verdict:", "flat or bounded" if ok else "NOT bounded")
    if a.json:
        Path(a.json).write_text(json.dumps({"samples": samples, "wrong": bad, "checks": [[bool(c), t] for c, t in checks],
                                            "ok": ok}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
