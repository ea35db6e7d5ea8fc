"""Command queues: programs, buffer writes and reads, events and traces in order, each with its modelled
start, end and dispatch cost (`queue.history`).

A Device has two queues (`dev.queues[0]`, `dev.queues[1]`; `dev.queue` is queue 0), as tt-metal's fast
dispatch has two hardware command queues (HW §10). The simulator runs every command when it is enqueued;
the modelled timeline is kept per queue: commands of one queue run in order, programs of both queues share
the worker grid (one program at a time), writes and reads of both queues share the PCIe link, and
`wait_for_event` holds a queue until another queue's event. A trace records a queue's programs once and
replays them with the dispatch cost of a traced launch (no host part: the §11d trace floor against the
non-trace cost, from the backend's dispatch model)."""
from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import checks
from .buffer import Buffer
from .errors import DeviceError
from .plan import ProgramPlan, plan_program, with_runtime_args
from .profile import DeviceTime, Profile
from .program import Program

if TYPE_CHECKING:
    from .device import Device

HISTORY_LEN = 4096        # commands kept in each queue's `history`; `totals` counts every command


def _trace_path(trace) -> Path | None:
    """Where a trace goes, checked before the run so a bad path cannot lose the run's result."""
    return checks.trace_path(trace or os.environ.get("TENSIX_TRACE") or None)


def plan_counts(plan: ProgramPlan) -> dict[str, int]:
    """The sizes of what the dispatcher sends for a program: kernel groups (sets of cores running the
    same kernels), kernels, cores, CBs, semaphores and runtime-arg words (per core, plus common ones
    sent once per kernel)."""
    per_core: dict = {}
    for i, k in enumerate(plan.kernels):
        for c in k.cores:
            per_core.setdefault(c, []).append(i)
    return {"kernel_groups": len({tuple(v) for v in per_core.values()}), "kernels": len(plan.kernels),
            "cores": len(per_core), "cbs": len(plan.cbs), "semaphores": len(plan.semaphores),
            "runtime_arg_words": _arg_words(plan)}


def _arg_words(plan: ProgramPlan) -> int:
    return sum(len(a.words) for k in plan.kernels for a in k.runtime_args) + sum(len(k.common_args) for k in plan.kernels)


@dataclass(slots=True)
class Command:
    """One command of a queue, on the modelled timeline (seconds since the device was opened)."""
    seq: int                  # order among all commands of the device
    queue: int
    kind: str                 # "write", "read", "program", "trace", "record_event", "wait_event"
    name: str
    nbytes: int
    start_s: float
    end_s: float
    cycles: int = 0           # kernel cycles (programs, traces)
    dispatch_s: float = 0.0   # what dispatch added to the queue (the longer of its gap and config paths)
    dispatch: dict | None = None     # dispatch cost by part ("gap: ...", "config: ..."), seconds
    counts: dict | None = None       # sizes of what was dispatched (kernel groups, runtime-arg words, ...)
    programs: tuple = ()      # a trace replay: (name, start_s, end_s, cycles) of each program

    @property
    def start_us(self) -> float:
        return self.start_s * 1e6

    @property
    def end_us(self) -> float:
        return self.end_s * 1e6

    @property
    def duration_us(self) -> float:
        return (self.end_s - self.start_s) * 1e6

    @property
    def dispatch_us(self) -> float:
        return self.dispatch_s * 1e6

    def dispatch_text(self) -> str:
        """'1.050 us (gap 1.050: completion 0.09, ...; config 2.70: ...)': what was charged, then each path."""
        paths: dict[str, list] = {}
        for k, v in (self.dispatch or {}).items():
            path, _, part = k.partition(": ")
            paths.setdefault(path, []).append((part or path, v))
        inner = "; ".join(f"{path} {sum(v for _, v in ps) * 1e6:.3f}: " + ", ".join(f"{n} {v * 1e6:.3f}" for n, v in ps)
                          for path, ps in paths.items())
        return f"{self.dispatch_us:.3f} us" + (f" ({inner})" if inner else "")

    def __str__(self) -> str:
        extra = f"  dispatch {self.dispatch_text()}" if self.kind in ("program", "trace") else ""
        if self.counts:
            extra += "  (" + ", ".join(f"{k} {v}" for k, v in self.counts.items()) + ")"
        size = f"{self.nbytes} B" if self.nbytes else ""
        return (f"#{self.seq:<5} cq{self.queue} {self.kind:12} {self.start_us:11.3f} -> {self.end_us:11.3f} us "
                f"{self.duration_us:9.3f} us {size:>10}  {self.name}{extra}")


class Event:
    """A point in a queue's command stream (tt-metal's enqueue_record_event). It completes when every
    command enqueued before it on its queue has; `time_s` is that modelled time."""

    def __init__(self, queue: "Queue", seq: int, time_s: float) -> None:
        self.queue, self.seq, self.time_s = queue, seq, time_s

    @property
    def device(self):
        return self.queue.device

    def query(self) -> bool:
        """Has the event completed? Always, once it is enqueued: the simulator runs every command
        before enqueue returns (the modelled time is what is asynchronous)."""
        return True

    def synchronize(self) -> float:
        """Host wait for the event (EventSynchronize); returns its modelled completion time in seconds."""
        return self.time_s

    def __repr__(self) -> str:
        return f"Event(cq{self.queue.id} #{self.seq} at {self.time_s * 1e6:.3f} us)"


class Trace:
    """Programs recorded on one queue between begin_trace() and end_trace(), replayed by
    replay_trace() with their runtime args as they were at capture. Usable as a context manager
    (`with q.begin_trace() as t: q.enqueue(p)`)."""

    def __init__(self, queue: "Queue", id: int) -> None:
        self.queue, self.id = queue, id
        self.entries: list[tuple] = []       # (program name, prepared, plan, counts, timing_only)
        self.state = "capturing"
        self.replays = 0

    def __len__(self) -> int:
        return len(self.entries)

    def __enter__(self) -> "Trace":
        return self

    def __exit__(self, *exc) -> None:
        if self.state == "capturing":
            self.queue.end_trace(self)

    def __repr__(self) -> str:
        return f"Trace({self.id} on cq{self.queue.id}, {len(self.entries)} programs, {self.state})"


class _Timeline:
    """What the queues of one device share: the worker grid, the PCIe link, the command order."""

    def __init__(self) -> None:
        self.workers_free_s = 0.0
        self.pcie_free_s = 0.0
        self.seq = itertools.count()
        self.trace_ids = itertools.count()
        self.event_ids = itertools.count()


# set by tensix.capture.Session: sees every command (tensix run --trace/--svg/--queue)
_session = None


def program_name(program: Program) -> str:
    """A short label: its kernels' names (the first one and a count when they are many)."""
    names = list(dict.fromkeys(str(k.name).rsplit(".", 1)[0] for k in program.kernels))
    if not names:
        return "empty program"
    text = "+".join(names)
    return text if len(text) <= 60 else f"{names[0]} +{len(names) - 1} kernels"


class Queue:
    """A command queue of the device. Commands run in order; finish() returns the modelled device time
    of everything enqueued on this queue since the last finish(). `history` lists the last
    HISTORY_LEN commands (Command: kind, bytes, modelled start/end, dispatch cost by part)."""

    def __init__(self, device: "Device", id: int = 0, timeline: _Timeline | None = None) -> None:
        self.device = device
        self.id = id
        self.cycles = 0
        self.programs = 0
        self.overhead_s = 0.0
        self.prints: list = []
        self._runs: deque = deque(maxlen=64)   # profiles since the last finish()
        self._timeline = timeline or _Timeline()
        self.clock_s = 0.0                    # modelled end of this queue's last command
        self.commands_run = 0
        self.history: deque[Command] = deque(maxlen=HISTORY_LEN)
        self.totals: dict[str, list] = {}     # kind -> [commands, bytes, modelled seconds], every command
        self._capturing: Trace | None = None

    def __repr__(self) -> str:
        return f"Queue(cq{self.id} of {self.device!r}, {self.commands_run} commands, at {self.clock_s * 1e6:.3f} us)"

    # ---- the timeline ----------------------------------------------------------------------------
    def _push(self, kind: str, name: str, nbytes: int, duration_s: float, engine: str | None, **kw) -> Command:
        tl = self._timeline
        start = self.clock_s if engine is None else max(self.clock_s, getattr(tl, engine))
        end = start + duration_s
        if engine is not None:
            setattr(tl, engine, end)
        self.clock_s = end
        cmd = Command(next(tl.seq), self.id, kind, name, nbytes, start, end, **kw)
        self.history.append(cmd)
        self.commands_run += 1
        t = self.totals.setdefault(kind, [0, 0, 0.0])
        t[0] += 1
        t[1] += nbytes
        t[2] += duration_s
        return cmd

    def _not_capturing(self, what: str) -> None:
        if self._capturing is not None:
            raise DeviceError(f"cq{self.id}: {what} while trace {self._capturing.id} is being captured on this queue; "
                              f"a trace holds programs only (as in tt-metal): end_trace() first, or use the other queue")

    # ---- buffers -------------------------------------------------------------------------------
    def write(self, buffer: Buffer, data) -> None:
        """Copy host data into `buffer`; the modelled time includes the PCIe transfer (HW §11f)."""
        self._check_buffer(buffer)
        self._not_capturing("a buffer write")
        dev = self.device
        buffer.write(data)
        s = dev.backend.transfer_seconds(buffer.size, buffer.page_size, True)
        with dev._lock:
            self.overhead_s += s
            cmd = self._push("write", _buffer_name(buffer), buffer.size, s, "pcie_free_s")
            dev._status.transferred(buffer.size, s, True)
        if _session is not None:
            _session.on_command(self, cmd)

    def read(self, buffer: Buffer, dtype=None) -> np.ndarray:
        """Copy `buffer` to the host (a blocking read); the modelled time includes the PCIe transfer."""
        self._check_buffer(buffer)
        self._not_capturing("a buffer read")
        dev = self.device
        out = buffer.read(dtype)
        s = dev.backend.transfer_seconds(buffer.size, buffer.page_size, False)
        with dev._lock:
            self.overhead_s += s
            cmd = self._push("read", _buffer_name(buffer), buffer.size, s, "pcie_free_s")
            dev._status.transferred(buffer.size, s, False)
        if _session is not None:
            _session.on_command(self, cmd)
        return out

    def _check_buffer(self, buffer) -> None:
        if not isinstance(buffer, Buffer):
            raise TypeError(f"expected a Buffer, got a {type(buffer).__name__} ({buffer!r})")
        if buffer.device is not self.device:
            raise ValueError(f"{buffer!r} belongs to another device ({buffer.device!r}); use that device's queue")

    # ---- programs ------------------------------------------------------------------------------
    def _plan(self, program: Program):
        """(prepared handle, plan with the current runtime args); the caller holds the device's lock."""
        dev = self.device
        dev._check_open()
        dev._release_pending()          # before placement: CBs check against live L1 buffers
        cached = program._plans.get(dev.serial)
        if cached is None:
            static = plan_program(program, dev)
            plan = with_runtime_args(static, program, dev)
            cached = program._plans[dev.serial] = (static, dev.backend.prepare(plan), plan_counts(plan))
        else:
            plan = with_runtime_args(cached[0], program, dev)
        counts = cached[2]
        words = _arg_words(plan)
        if words != counts["runtime_arg_words"]:   # args changed size: a new dict (the history shares them)
            counts = {**counts, "runtime_arg_words": words}
            program._plans[dev.serial] = (cached[0], cached[1], counts)
        return cached[1], plan, counts

    def _note(self, t: DeviceTime) -> None:
        self.prints = t.prints
        if t.prints and self.device.print_kernel_output:
            for p in t.prints:
                print(p, file=sys.stderr)

    def enqueue(self, program: Program, trace: str | os.PathLike | None = None, timing_only: bool = False) -> DeviceTime:
        """Run `program` on the device; returns its modelled device time and profile.

        trace: write a Chrome/Perfetto timeline of the run to this path (also: TENSIX_TRACE=path).
        timing_only: skip tile arithmetic and data copies but keep every event and the modelled
        time (for kernels whose control flow does not depend on the data).
        While a trace is being captured on this queue (begin_trace), the program is recorded, not
        run: the result is a DeviceTime of 0 programs."""
        if not isinstance(program, Program):
            raise TypeError(f"enqueue takes a Program, got a {type(program).__name__} ({program!r})")
        dev = self.device
        checks.flag(timing_only, "enqueue timing_only")
        if self._capturing is not None:
            if trace:
                raise ValueError(f"enqueue(trace={str(trace)!r}) while trace {self._capturing.id} is being captured: "
                                 f"nothing runs during a capture, so there is no timeline to write; replays inside "
                                 f"`tensix run --trace` (or a tensix.capture.Session) are traced")
            with dev._lock:
                prepared, plan, counts = self._plan(program)
                self._capturing.entries.append((program_name(program), prepared, plan, counts, bool(timing_only)))
            return DeviceTime(0, dev.arch.aiclk_hz, 0, 0.0, [])
        path = _trace_path(trace)
        with dev._lock:
            events = path is not None or (_session is not None and _session.wants_events())
            prepared, plan, counts = self._plan(program)
            t = dev.backend.run(prepared, plan, trace=events, timing_only=bool(timing_only))
            self.cycles += t.cycles
            self.programs += 1
            self.overhead_s += t.overhead_s
            self._runs.extend(t._runs)
            cmd = self._push("program", program_name(program), 0, t.overhead_s + t.cycles / dev.arch.aiclk_hz,
                             "workers_free_s", cycles=t.cycles, dispatch_s=t.overhead_s,
                             dispatch=t.dispatch or {"dispatch": t.overhead_s}, counts=counts)
            dev._status.ran(t.cycles, t.overhead_s, t._runs[-1] if t._runs else None)
        self._note(t)
        if _session is not None:
            _session.on_command(self, cmd, [(program, cmd.start_s + t.overhead_s, r) for r in t._runs[-1:]])
        if path is not None and t.profile is not None:
            t.profile.save_trace(path)
        return t

    # ---- traces --------------------------------------------------------------------------------
    def begin_trace(self) -> Trace:
        """Start recording this queue's programs (BeginTraceCapture): until end_trace(), enqueue()
        records instead of running. Buffer writes, reads and events are refused meanwhile."""
        self.device._check_open()
        self._not_capturing("begin_trace")
        self._capturing = Trace(self, next(self._timeline.trace_ids))
        return self._capturing

    def end_trace(self, trace: Trace) -> Trace:
        """Stop recording (EndTraceCapture); the trace can now be replayed."""
        if trace is not self._capturing:
            raise ValueError(f"{trace!r} is not being captured on cq{self.id}")
        self._capturing = None
        trace.state = "ready"
        return trace

    def replay_trace(self, trace: Trace, blocking: bool = False) -> DeviceTime:
        """Run the recorded programs again (ReplayTrace) with the runtime args they had at capture, each
        dispatched as a traced launch (no host part, HW §11d) instead of a normal one; returns the
        replay's modelled time (all its programs' profiles). After a device reset the backend loads the
        kernels again."""
        dev = self.device
        self._not_capturing("replay_trace")
        if not isinstance(trace, Trace):
            raise TypeError(f"replay_trace needs a Trace from begin_trace(), got {type(trace).__name__}")
        if trace.queue.device is not dev:
            raise ValueError(f"{trace!r} was captured on another device")
        if trace.state != "ready":
            raise DeviceError(f"{trace!r} cannot be replayed: it is {trace.state}"
                              + (" (call end_trace first)" if trace.state == "capturing" else ""))
        hz = dev.arch.aiclk_hz
        with dev._lock:
            dev._check_open()
            events = _session is not None and _session.wants_events()
            tl = self._timeline
            start = at = max(self.clock_s, tl.workers_free_s)
            total_cycles, floors, runs, done = 0, {}, [], []
            for _, _, plan, _, _ in trace.entries:
                plan.check_buffers(dev)          # a buffer freed since the capture would be overwritten
            for name, prepared, plan, counts, timing_only in trace.entries:
                t = dev.backend.run(prepared, plan, trace=events, timing_only=timing_only, traced=True)
                self._note(t)
                d = t.overhead_s
                for k, v in (t.dispatch or {"dispatch": d}).items():
                    floors[k] = floors.get(k, 0.0) + v
                runs += [(name, at + d, r) for r in t._runs[-1:]]
                self._runs.extend(t._runs)
                end = at + d + t.cycles / hz
                done.append((name, at, end, t.cycles))
                at = end
                total_cycles += t.cycles
                dev._status.ran(t.cycles, d, t._runs[-1] if t._runs else None)
            trace.replays += 1
            dispatch = at - start - total_cycles / hz
            self.cycles += total_cycles
            self.programs += len(trace.entries)
            self.overhead_s += dispatch
            cmd = self._push("trace", f"trace {trace.id} replay {trace.replays} ({len(trace.entries)} programs)", 0,
                             at - start, "workers_free_s", cycles=total_cycles, dispatch_s=dispatch, dispatch=floors,
                             counts={"programs": len(trace.entries)}, programs=tuple(done))
        if _session is not None:
            _session.on_command(self, cmd, runs)
        return DeviceTime(total_cycles, hz, len(trace.entries), dispatch, [r for _, _, r in runs] or [], self.prints)

    def release_trace(self, trace: Trace) -> None:
        """Free a trace (ReleaseTrace); it cannot be replayed afterwards."""
        if trace is self._capturing:
            self._capturing = None
        trace.state = "released"
        trace.entries = []

    # ---- events --------------------------------------------------------------------------------
    def record_event(self) -> Event:
        """Mark this point of the queue (enqueue_record_event); another queue can wait for it."""
        self._not_capturing("record_event")
        with self.device._lock:
            cmd = self._push("record_event", f"event {next(self._timeline.event_ids)}", 0, 0.0, None)
        if _session is not None:
            _session.on_command(self, cmd)
        return Event(self, cmd.seq, cmd.end_s)

    def wait_for_event(self, event: Event) -> None:
        """Hold this queue until `event` has completed (enqueue_wait_for_event)."""
        self._not_capturing("wait_for_event")
        if not isinstance(event, Event):
            raise TypeError(f"wait_for_event needs an Event from record_event(), got {type(event).__name__}")
        if event.device is not self.device:
            raise ValueError(f"{event!r} belongs to another device")
        with self.device._lock:
            cmd = self._push("wait_event", f"wait for cq{event.queue.id} #{event.seq}", 0,
                             max(0.0, event.time_s - self.clock_s), None)
        if _session is not None:
            _session.on_command(self, cmd)

    # ---- results -------------------------------------------------------------------------------
    @property
    def profile(self) -> Profile | None:
        """The profile of the last program run."""
        return self._runs[-1].get() if self._runs else None

    def finish(self) -> DeviceTime:
        """Modelled time of everything since the last finish(); `profile` is the last program's,
        `profiles` every program's."""
        t = DeviceTime(self.cycles, self.device.arch.aiclk_hz, self.programs, self.overhead_s, list(self._runs))
        self.cycles = 0
        self.programs = 0
        self.overhead_s = 0.0
        self._runs.clear()
        self.device._status.publish()
        return t

    def history_table(self, last: int | None = None) -> str:
        """The history as text, one command a line (the last `last` commands)."""
        cmds = list(self.history)[-last:] if last else list(self.history)
        head = (f"cq{self.id}: {self.commands_run} commands, ends at {self.clock_s * 1e6:.3f} us"
                + (f" (showing the last {len(cmds)})" if len(cmds) < self.commands_run else ""))
        return "\n".join([head, *map(str, cmds)])


def _buffer_name(b: Buffer) -> str:
    where = "DRAM" if b.is_dram else "L1"
    return f"{where} buffer 0x{b.address:x}"


def make_queues(device: "Device", n: int = 2) -> list[Queue]:
    """The device's command queues, sharing one timeline."""
    tl = _Timeline()
    return [Queue(device, i, tl) for i in range(n)]
