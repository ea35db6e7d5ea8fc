"""Trace replay against normal enqueues: the same two programs (a DRAM copy of --pages pages on two
cores, one after the other: tensix.gen.programs.copy, staged in an L1 buffer) enqueued N times, then
captured once as a trace and replayed N times. Prints host µs per program and modelled µs per program
for both, measured in the same run. The modelled dispatch is the backend's model
(tensix/sim/dispatch.py): a replay has no host part, so short programs gain (HW §11d: 1.05 us trace
floor against about 2.7 us per untraced program on WH) and long ones, whose kernels hide the config
path, do not.
Run: python bench/bench_queue.py [--runs 200] [--pages 1] [--arch n150] [--json]
"""
from __future__ import annotations

import argparse
import json

import numpy as np

from timing import best_of
from tensix import Device
from tensix.gen import programs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--arch", default="n150")
    ap.add_argument("--pages", type=int, default=1, help="pages each program copies (1: a kernel shorter than a dispatch)")
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args()
    with Device(opts.arch) as dev:
        pages = opts.pages
        bufs = [dev.dram_buffer(pages * 2048, 2048) for _ in range(3)]
        progs = []
        for i, core in enumerate(((0, 0), (1, 0))):
            scratch = dev.l1_buffer(2048, cores=core)     # tensix.gen's page copy, staged in L1
            progs.append(programs.copy(bufs[i], bufs[i + 1], pages, cores=core, scratch=scratch))
        q = dev.queue
        q.write(bufs[0], np.arange(pages * 1024, dtype=np.uint16))
        for p in progs:                       # compile and load outside the timings
            q.enqueue(p)
        q.finish()

        def normal():
            for _ in range(opts.runs):
                for p in progs:
                    q.enqueue(p)
        host_normal = best_of(normal)
        q.finish()
        normal()
        t_normal = q.finish()
        with q.begin_trace() as trace:
            for p in progs:
                q.enqueue(p)

        def replay():
            for _ in range(opts.runs):
                q.replay_trace(trace)
        host_replay = best_of(replay)
        q.finish()
        replay()
        t_replay = q.finish()
        ok = bool((bufs[2].read(np.uint16) == np.arange(pages * 1024)).all())
    n = opts.runs * len(progs)
    rows = {
        "programs": n,
        "host_us_per_program_normal": host_normal / n * 1e6,
        "host_us_per_program_replay": host_replay / n * 1e6,
        "modelled_us_per_program_normal": t_normal.seconds / n * 1e6,
        "modelled_us_per_program_replay": t_replay.seconds / n * 1e6,
        "modelled_dispatch_us_per_program_normal": t_normal.overhead_s / n * 1e6,
        "modelled_dispatch_us_per_program_replay": t_replay.overhead_s / n * 1e6,
        "kernel_cycles_equal": t_normal.cycles == t_replay.cycles,
        "results_correct": ok,
    }
    if opts.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{opts.arch}: 2 programs ({opts.pages}-page copies) x {opts.runs}, enqueued normally vs one trace replayed "
          f"{opts.runs} times")
    print(f"{'':34}{'normal':>12}{'trace':>12}{'ratio':>8}")
    for label, key in (("host us per program", "host_us_per_program"), ("modelled us per program", "modelled_us_per_program"),
                       ("modelled dispatch us per program", "modelled_dispatch_us_per_program")):
        a, b = rows[key + "_normal"], rows[key + "_replay"]
        print(f"{label:34}{a:12.3f}{b:12.3f}{a / b:8.2f}")
    print(f"kernel cycles equal: {rows['kernel_cycles_equal']}, results correct: {ok}")


if __name__ == "__main__":
    main()
