"""Everything a script did on the chip, captured without changing the script (`tensix run`), and the
text summary of a trace file (`tensix profile`).

`with Session() as s: ...` sees every command of every queue of every Device while it is active. It writes
one Chrome/Perfetto trace (`s.save_trace(path)`): per device a "command queues" process with one track per
queue (each command a slice with its bytes and dispatch parts; a trace replay holds one slice per
program), and per core the RISC-V tracks of every traced program placed at its modelled start. The first
`max_traced` programs carry their RISC-V events (tracing every run of a 10 000-run loop would cost more
than the loop); later ones appear on the queue track only. `s.save_svgs(path)` draws the grid picture of
every distinct program (its last run) and `s.queue_report()` lists every queue's history.
"""
from __future__ import annotations

import bisect
import collections
import json
from pathlib import Path

from . import queue as _queue

WAIT_WORDS = ("wait", "barrier", "flushed", "reserve")


class Session:
    def __init__(self, max_traced: int = 100) -> None:
        self.max_traced = max_traced
        self.devices: dict[int, dict] = {}                 # chip serial -> {label, arch, queues}
        self.commands: list[tuple[int, _queue.Command]] = []
        self.traced: list[tuple[int, str, float, object]] = []   # (device, program name, kernel start s, run)
        self.pictures: dict[object, list] = {}             # program -> [name, device, last run, runs]
        self._previous = None

    # ---- the hook the queues call ------------------------------------------------------------
    def __enter__(self) -> "Session":
        self._previous, _queue._session = _queue._session, self
        return self

    def __exit__(self, *exc) -> None:
        _queue._session = self._previous

    def wants_events(self) -> bool:
        return len(self.traced) < self.max_traced

    def on_command(self, q: "_queue.Queue", cmd: "_queue.Command", runs=()) -> None:
        dev = q.device
        key = dev.serial
        if key not in self.devices:
            self.devices[key] = {"label": f"{dev.arch.board} #{len(self.devices)}", "arch": dev.arch,
                                 "queues": dev.queues}
        self.commands.append((key, cmd))
        for who, start_s, run in runs:         # who: the Program, or a replayed program's name
            name = who if isinstance(who, str) else _queue.program_name(who)
            if len(self.traced) < self.max_traced + len(runs) and run_traced(run):
                self.traced.append((key, name, start_s, run))
            pic = self.pictures.setdefault(who, [name, key, run, 0])
            pic[2] = run
            pic[3] += 1

    # ---- outputs --------------------------------------------------------------------------------
    def chrome_trace(self) -> dict:
        ev: list[dict] = []
        index = {key: i for i, key in enumerate(self.devices)}
        several = len(self.devices) > 1
        for key, d in self.devices.items():
            base = (index[key] + 1) * 100000
            label = d["label"]
            ev.append({"ph": "M", "name": "process_name", "pid": base, "tid": 0,
                       "args": {"name": f"{label}: command queues" if several else "command queues"}})
            ev.append({"ph": "M", "name": "process_sort_index", "pid": base, "tid": 0, "args": {"sort_index": -1}})
            for q in d["queues"]:
                ev.append({"ph": "M", "name": "thread_name", "pid": base, "tid": q.id, "args": {"name": f"cq{q.id}"}})
        for key, c in self.commands:
            base = (index[key] + 1) * 100000
            args = {"seq": c.seq, "kind": c.kind, "bytes": c.nbytes, "cycles": c.cycles,
                    "dispatch_charged_us": round(c.dispatch_us, 4),
                    "dispatch_us": {k: round(v * 1e6, 4) for k, v in (c.dispatch or {}).items()}, **(c.counts or {})}
            ev.append({"ph": "X", "cat": "queue", "name": f"{c.kind}: {c.name}", "pid": base, "tid": c.queue,
                       "ts": c.start_us, "dur": c.duration_us, "args": args})
            for name, s, e, cycles in c.programs:
                ev.append({"ph": "X", "cat": "queue", "name": name, "pid": base, "tid": c.queue, "ts": s * 1e6,
                           "dur": (e - s) * 1e6, "args": {"cycles": cycles}})
        programs = []
        named = set()
        for key, name, start_s, run in self.traced:
            base = (index[key] + 1) * 100000
            prof = run.get()
            t = prof.chrome_trace()
            for e in t["traceEvents"]:
                e = dict(e)
                e["pid"] = base + 1 + e["pid"]
                if e["ph"] == "M":
                    if (e["pid"], e["tid"], e["name"]) in named:
                        continue
                    named.add((e["pid"], e["tid"], e["name"]))
                    if e["name"] == "process_name" and several:
                        e["args"] = {"name": f"{self.devices[key]['label']}: {e['args']['name']}"}
                else:
                    e["ts"] = e["ts"] + start_s * 1e6
                ev.append(e)
            programs.append({"device": self.devices[key]["label"], "name": name, "start_us": start_s * 1e6,
                             "cycles": prof.cycles, "us": prof.seconds * 1e6, **prof.traffic()})
        return {"traceEvents": ev, "displayTimeUnit": "ns",
                "otherData": {"written_by": "tensix run", "devices": [d["label"] for d in self.devices.values()],
                              "programs": programs, "programs_not_traced": self.untraced_programs()}}

    def untraced_programs(self) -> int:
        n = sum(1 if c.kind == "program" else len(c.programs) for _, c in self.commands if c.kind in ("program", "trace"))
        return n - len(self.traced)

    def save_trace(self, path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.chrome_trace()))
        return path

    def save_svgs(self, path) -> list[Path]:
        """The grid picture of every distinct program's last run: `path` for one program, else
        path-1.svg, path-2.svg, ... in the order they first ran."""
        path = Path(path)
        pics = list(self.pictures.values())
        out = []
        for i, (name, key, run, runs) in enumerate(pics, 1):
            p = path if len(pics) == 1 else path.with_name(f"{path.stem}-{i}{path.suffix or '.svg'}")
            run.get().save_svg(p)
            out.append(p)
        return out

    def picture_names(self) -> list[str]:
        return [f"{name} ({self.devices[key]['label']}, {runs} runs)" for name, key, _, runs in self.pictures.values()]

    def queue_report(self, last: int = 40) -> str:
        lines = []
        for key, d in self.devices.items():
            for q in d["queues"]:
                if not q.commands_run:
                    continue
                lines.append(f"== {d['label']} {q.history_table(last)}")
                totals = ", ".join(f"{kind} {n} ({b} B, {s * 1e6:.3f} us)" for kind, (n, b, s) in q.totals.items())
                lines.append(f"   totals: {totals}")
        return "\n".join(lines) if lines else "no commands were enqueued"


def run_traced(run) -> bool:
    try:
        return bool(run.get().traced)
    except Exception:
        return False


# ---- tensix profile ---------------------------------------------------------------------------------
def summarize(trace: dict, top: int = 10) -> str:
    """Per program, per core, the top waits and the busiest links of a trace file written by
    `enqueue(trace=...)`, TENSIX_TRACE or `tensix run --trace`."""
    if not isinstance(trace, dict) or not isinstance(trace.get("traceEvents"), list):
        raise ValueError("not a Chrome/Perfetto trace: no traceEvents list")
    ev = trace["traceEvents"]
    other = trace.get("otherData", {})
    procs = {e["pid"]: e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "process_name"}
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
    out = []
    programs = other.get("programs")
    if programs is None and "cycles" in other:       # a single program's trace
        programs = [{"device": other.get("arch", "?"), "name": "program", "start_us": 0.0, "cycles": other["cycles"],
                     "us": other["cycles"] / other.get("aiclk_hz", 1e9) * 1e6, **other}]
    queue_cmds = [e for e in ev if e.get("ph") == "X" and e.get("cat") == "queue" and "kind" in e.get("args", {})]
    if queue_cmds:
        kinds = collections.defaultdict(lambda: [0, 0, 0.0])
        for e in queue_cmds:
            k = kinds[e["args"]["kind"]]
            k[0] += 1
            k[1] += e["args"].get("bytes", 0)
            k[2] += e["dur"]
        end = max(e["ts"] + e["dur"] for e in queue_cmds)
        out.append(f"command queues: {len(queue_cmds)} commands, last ends at {end:.3f} us")
        for kind, (n, b, us) in sorted(kinds.items(), key=lambda kv: -kv[1][2]):
            out.append(f"  {kind:14} {n:6} commands {us:12.3f} us {b:>12} B")
    # which program each event belongs to (programs are laid end to end on the timeline)
    spans = sorted((p["start_us"], p["start_us"] + p["us"], (p["device"], p["name"])) for p in programs or [])
    starts = [sp[0] for sp in spans]
    per_core = collections.defaultdict(lambda: collections.defaultdict(float))
    waits = collections.defaultdict(lambda: [0.0, 0])
    prog_waits = collections.defaultdict(lambda: collections.defaultdict(lambda: [0.0, 0]))
    for e in ev:
        if e.get("ph") != "X" or e.get("cat") == "queue" or e["pid"] not in procs:
            continue
        core = procs[e["pid"]]
        is_wait = any(w in e["name"] for w in WAIT_WORDS)
        per_core[core]["wait" if is_wait else "ops"] += e["dur"]
        if is_wait:
            who = (core, threads.get((e["pid"], e["tid"]), str(e["tid"])), e["name"])
            w = waits[who]
            w[0] += e["dur"]
            w[1] += 1
            i = bisect.bisect_right(starts, e["ts"] + 1e-9) - 1
            if i >= 0:
                pw = prog_waits[spans[i][2]][who]
                pw[0] += e["dur"]
                pw[1] += 1
    if programs:
        by_name = collections.defaultdict(list)
        for p in programs:
            by_name[(p["device"], p["name"])].append(p)
        out.append(f"programs with RISC-V events: {len(programs)}" +
                   (f" ({other['programs_not_traced']} more on the queue track only)" if other.get("programs_not_traced") else ""))
        for key, ps in by_name.items():
            us = [p["us"] for p in ps]
            out.append(f"  {key[1]} on {key[0]}: {len(ps)} runs, {sum(us):.3f} us total, {sum(us) / len(us):.3f} us each "
                       f"({sum(p['cycles'] for p in ps) // len(ps)} cycles)")
            top3 = sorted(prog_waits[key].items(), key=lambda kv: -kv[1][0])[:3]
            if top3:
                out.append("    top waits: " + "; ".join(f"{name} on {core} {riscv} {t:.3f} us"
                                                        for (core, riscv, name), (t, n) in top3))
            links = collections.Counter()
            for p in ps:
                for noc, dim, x, y, b in p.get("links", []):
                    links[(noc, dim, x, y)] += b
            if links:
                out.append("    busiest links: " + "; ".join(f"NoC{noc} {dim} from ({x}, {y}) {b} B"
                                                            for (noc, dim, x, y), b in links.most_common(3)))
    if per_core:
        out.append(f"cores: {len(per_core)}; most time waiting (us in wait slices / in op slices, all RISC-Vs):")
        for core, t in sorted(per_core.items(), key=lambda kv: -kv[1]["wait"])[:top]:
            out.append(f"  {core:30} waiting {t['wait']:10.3f} us   in ops {t['ops']:10.3f} us")
        out.append(f"top {min(top, len(waits))} waits (all programs):")
        for (core, riscv, name), (us, n) in sorted(waits.items(), key=lambda kv: -kv[1][0])[:top]:
            out.append(f"  {us:10.3f} us {n:6}x  {name:28} {riscv:14} {core}")
    links = collections.Counter()
    dram = None
    for p in programs or []:
        for noc, dim, x, y, b in p.get("links", []):
            links[(noc, dim, x, y)] += b
        if p.get("dram_read") is not None:
            moved = [r + w for r, w in zip(p["dram_read"], p["dram_written"])]
            dram = moved if dram is None else [a + b for a, b in zip(dram, moved)]
    if links:
        out.append("busiest NoC links (all programs):")
        for (noc, dim, x, y), b in links.most_common(top):
            out.append(f"  NoC{noc} {dim}-link leaving router ({x}, {y}): {b} B")
    elif programs:
        out.append("busiest NoC links: not in this trace (written by an older tensix)")
    if dram:
        out.append("DRAM bytes per channel: " + " ".join(f"D{i} {b}" for i, b in enumerate(dram)))
    return "\n".join(out) if out else "the trace holds no events"
