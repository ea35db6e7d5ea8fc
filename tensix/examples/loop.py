"""The same program enqueued many times: the loopback (TensorAccessor variant) runs N times, switching
between two pairs of buffers through new runtime args only (no rebuild). Every run must give the
identical output and modelled device time; resident memory, open files and threads of this process
and of the device process must stay flat.

    python examples/loop.py [N] [arch]      # N default 10000; arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import TILE_BYTES, Loopback, bf16_tiles  # noqa: E402

from tensix import Device, cache  # noqa: E402

NUM_TILES = 50


def proc_stats(pid: int | str = "self") -> dict:
    """Resident memory (kB), open file descriptors and threads of process `pid`, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, val = line.partition(":")
            fields[key] = val.strip()
    return {"rss_kb": int(fields["VmRSS"].split()[0]), "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "threads": int(fields["Threads"])}


def snapshot(dev: Device) -> dict:
    gc.collect()
    return {"host": proc_stats(), "device": proc_stats(dev.backend.pid)}


def run(dev: Device, n: int = 10000, num_tiles: int = NUM_TILES, warmup: int | None = None) -> dict:
    """Enqueue the loopback `n` times; even runs copy a0 -> b0, odd runs a1 -> b1. Returns the resource
    snapshots after the warm-up and at the end, the failures and timings."""
    warmup = max(1, min(n // 10, 200)) if warmup is None else warmup
    inputs = [bf16_tiles(num_tiles, seed) for seed in (1, 2)]
    size = num_tiles * TILE_BYTES
    srcs = [dev.dram_buffer(size, TILE_BYTES) for _ in range(2)]
    dsts = [dev.dram_buffer(size, TILE_BYTES) for _ in range(2)]
    zeros = np.zeros_like(inputs[0])
    for s, d in zip(srcs, inputs):
        s.write(d)
    lb = Loopback(dev, srcs[0], dsts[0], num_tiles)
    failures, times = [], (set(), set())
    before = pid0 = None
    start = time.perf_counter()
    try:
        for i in range(n):
            if i == warmup:
                before, pid0, cache0 = snapshot(dev), dev.backend.pid, cache.stats()
                t_warm = time.perf_counter()
            j = i % 2
            lb.retarget(srcs[j], dsts[j])
            dsts[j].write(zeros)                 # a run that did nothing cannot pass
            t = lb.run()
            times[j].add(t.cycles)
            if dsts[j].read(np.uint16).tobytes() != inputs[j].tobytes():
                failures.append(i)
        total = dev.queue.finish()
        end = time.perf_counter()
        after = snapshot(dev)
        cache1 = cache.stats()
    finally:
        lb.free()
        for b in srcs + dsts:
            b.free()
    measured = n - warmup
    return {"n": n, "warmup": warmup, "failures": failures, "cycles_per_run": [sorted(ts) for ts in times],
            "total": total, "before": before, "after": after, "wall_s": end - start,
            "us_per_run": (end - t_warm) / max(measured, 1) * 1e6,
            "same_device_process": pid0 == dev.backend.pid,
            "compiles_during_loop": (cache1.hits + cache1.misses) - (cache0.hits + cache0.misses)}


def report(r: dict) -> str:
    lines = [f"{r['n']} runs, {len(r['failures'])} wrong outputs, modelled device time per run "
             f"{' / '.join(map(str, r['cycles_per_run']))} cycles (buffer pair 0 / 1), total {r['total']}",
             f"wall {r['wall_s']:.2f} s ({r['us_per_run']:.1f} us per run after warm-up, incl. host write+read+check); "
             f"rebuilds during the loop: {r['compiles_during_loop']}; device process restarted: "
             f"{not r['same_device_process']}",
             f"{'':8} {'after ' + str(r['warmup']) + ' runs':>24} {'after ' + str(r['n']) + ' runs':>24}"]
    for who in ("host", "device"):
        for key, label in (("rss_kb", "RSS kB"), ("fds", "open fds"), ("threads", "threads")):
            lines.append(f"{who:6} {label:9} {r['before'][who][key]:>16} {r['after'][who][key]:>24}")
    return "\n".join(lines)


def flat(r: dict, rss_slack_kb: int = 16 * 1024) -> list[str]:
    """What grew (empty when resource use stayed flat)."""
    grew = []
    for who in ("host", "device"):
        b, a = r["before"][who], r["after"][who]
        if a["rss_kb"] - b["rss_kb"] > rss_slack_kb:
            grew.append(f"{who} RSS {b['rss_kb']} -> {a['rss_kb']} kB")
        if a["fds"] > b["fds"]:
            grew.append(f"{who} fds {b['fds']} -> {a['fds']}")
        if a["threads"] > b["threads"]:
            grew.append(f"{who} threads {b['threads']} -> {a['threads']}")
    return grew


def main(n: int | str = 10000, arch: str = "n150") -> dict:
    n = int(n)
    with Device(arch) as dev:
        r = run(dev, n)
    print(f"loop on {arch}: loopback of {NUM_TILES} bf16 tiles, enqueued {n} times, alternating two buffer pairs")
    print(report(r))
    grew = flat(r)
    ok = not r["failures"] and not grew and all(len(ts) == 1 for ts in r["cycles_per_run"]) and r["compiles_during_loop"] == 0
    print("OK: identical results, resources flat" if ok else f"PROBLEM: failures {r['failures'][:10]}, grew {grew}")
    if not ok:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
