"""Command queues: programs, buffer writes and reads, events and traces in order, each with its modelled
start, end and dispatch cost (`queue.history`).

A Device has two queues (`dev.queues[0]`, `dev.queues[1]`; `dev.queue` is queue 0), as tt-metal's fast
dispatch has two hardware command queues (HW §10). The simulator runs every command when it is enqueued;
the modelled timeline is kept per queue: commands of one queue run in order, programs of both queues share
the worker grid (one program at a time), writes and reads of both queues share the PCIe link, and
`wait_for_event` holds a queue until another queue's event. A trace records a queue's programs once and
replays them with the trace dispatch floor (HW §11d)."""
from __future__ import annotations

import collections
import itertools
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .buffer import Buffer
from .errors import DeviceError
from .profile import Profile
from .program import Program
from .sim import lower as launch
from .sim.chip import PrintLine

if TYPE_CHECKING:
    from .device import Device


class _Lazy:
    """A program's profile, parsed from the device's reply the first time it is asked for."""

    def __init__(self, make) -> None:
        self._make, self._value = make, None

    def get(self) -> Profile:
        if self._value is None:
            self._value, self._make = self._make(), None
        return self._value


@dataclass
class DeviceTime:
    """Modelled device time of what ran on the device: cycles of the AI clock and seconds, with the
    profile of the run (per-RISC-V waits, bytes moved, FPU use): `profile` is the last program's,
    `profiles` every program's (finish() keeps the last 64)."""
    cycles: int                          # kernel cycles (first RISC-V start to last RISC-V end)
    aiclk_hz: float
    programs: int = 1
    overhead_s: float = 0.0              # program dispatch and host <-> device transfers (HW §11d, §11f)
    _runs: list = field(default_factory=list, repr=False)

    @property
    def profile(self) -> Profile | None:
        return self._runs[-1].get() if self._runs else None

    @property
    def profiles(self) -> list[Profile]:
        return [r.get() for r in self._runs]

    @property
    def seconds(self) -> float:
        """Modelled wall time on the device: kernels plus dispatch and host transfers."""
        return self.cycles / self.aiclk_hz + self.overhead_s

    @property
    def us(self) -> float:
        return self.seconds * 1e6

    def __float__(self) -> float:
        return self.seconds

    def __str__(self) -> str:
        extra = f" + {self.overhead_s * 1e6:.2f} us dispatch/transfers" if self.overhead_s else ""
        return f"{self.us:.3f} us ({self.cycles} cycles at {self.aiclk_hz / 1e9:g} GHz{extra})"


HISTORY_LEN = 4096        # commands kept in each queue's `history`; `totals` counts every command


def dispatch_parts(arch, counts: dict[str, int], traced: bool) -> dict[str, float]:
    """Modelled dispatch cost of one program, by part, in seconds.

    Today this is one floor per program, `arch.timing.dispatch_us` (HW §11d: the trace-replay floor,
    1.05 us WH / 0.92 us BH), for traced and normal launches alike; a per-part model (kernel groups,
    runtime-arg words, CBs, semaphores: the sizes in `counts`) replaces this one function."""
    return {"trace floor" if traced else "dispatch floor": arch.timing.dispatch_us * 1e-6}


def _static_counts(program: Program) -> dict[str, int]:
    """The parts of a program the dispatcher sends that do not change between runs."""
    per_core: dict[tuple[int, int], list[int]] = {}
    for i, k in enumerate(program.kernels):
        for c in program.kernel_cores(k):
            per_core.setdefault((c.x, c.y), []).append(i)
    return {"kernel_groups": len({tuple(v) for v in per_core.values()}), "kernels": len(program.kernels),
            "cores": len(per_core), "cbs": len(program.cbs), "semaphores": len(program.semaphores)}


def _runtime_arg_words(words: list[int], static_len: int) -> int:
    """Runtime-arg words in a run message (sim/lower.py run_message: per kernel its id, its common
    args, then per core its index and args): unique args per core plus common ones (sent once)."""
    i = 1 + static_len
    kernels, i, n = words[i], i + 1, 0
    for _ in range(kernels):
        common = words[i + 1]
        n += common
        i += 2 + common                  # now at the kernel's core count
        cores, i = words[i], i + 1
        for _ in range(cores):
            args = words[i + 1]
            n += args
            i += 2 + args
    return n


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
    dispatch: dict | None = None     # dispatch cost by part, seconds
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
        return sum((self.dispatch or {}).values()) * 1e6

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v * 1e6:.2f} us" for k, v in (self.dispatch or {}).items())
        extra = f"  dispatch: {parts}" if parts else ""
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

    def __init__(self, queue: "Queue", id: int, generation: int) -> None:
        self.queue, self.id, self.generation = queue, id, generation
        self.entries: list[tuple[str, object, dict]] = []     # (program name, run message, counts)
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

    def __init__(self, device: Device, id: int = 0, timeline: _Timeline | None = None) -> None:
        self.device = device
        self.id = id
        self.cycles = 0
        self.programs = 0
        self.overhead_s = 0.0
        self.prints: list[PrintLine] = []
        self._runs: collections.deque = collections.deque(maxlen=64)   # profiles since the last finish()
        self._timeline = timeline or _Timeline()
        self.clock_s = 0.0                    # modelled end of this queue's last command
        self.commands_run = 0
        self.history: collections.deque[Command] = collections.deque(maxlen=HISTORY_LEN)
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
        self._not_capturing("a buffer write")
        buffer.write(data)
        s = buffer.size / (self.device.arch.timing.host_write_gbps * 1e9)
        self.overhead_s += s
        cmd = self._push("write", _buffer_name(buffer), buffer.size, s, "pcie_free_s")
        self.device._status.transferred(buffer.size, s, True)
        if _session is not None:
            _session.on_command(self, cmd)

    def read(self, buffer: Buffer, dtype=None) -> np.ndarray:
        """Copy `buffer` to the host (a blocking read); the modelled time includes the PCIe transfer."""
        self._not_capturing("a buffer read")
        out = buffer.read(dtype)
        s = buffer.size / (self.device.arch.timing.host_read_gbps * 1e9)
        self.overhead_s += s
        cmd = self._push("read", _buffer_name(buffer), buffer.size, s, "pcie_free_s")
        self.device._status.transferred(buffer.size, s, False)
        self.device._status.publish(force=True)
        if _session is not None:
            _session.on_command(self, cmd)
        return out

    # ---- programs ------------------------------------------------------------------------------
    def _notice_reset(self) -> None:
        """A simulator stopped while idle (`tensix smi reset`) is forgotten here, so the next command
        starts a fresh one and loads its kernels again instead of failing on a dead pipe."""
        chip = self.device._chip
        if chip.proc is not None and chip.proc.poll() is not None:
            chip._died()

    def _lower(self, program: Program, events: bool, timing_only: bool):
        dev = self.device
        dev._check_open()
        self._notice_reset()
        key = dev._chip.serial
        built = program._built.get(key)
        if built is None or built.generation != dev._chip.generation or dev._chip.proc is None:
            built = launch.build(program, dev)
            built.counts = _static_counts(program)
            program._built[key] = built
        msg = launch.run_message(program, dev, built, trace=events, timing_only=timing_only)
        words = _runtime_arg_words(msg.words, len(built.static))
        if built.counts.get("runtime_arg_words") != words:   # one dict per distinct launch, shared by the history
            built.counts = {**built.counts, "runtime_arg_words": words}
        return built, msg, built.counts

    def _run(self, program: Program | None, msg, traced: bool):
        """Run one lowered program on the chip: (cycles, prints, lazy profile)."""
        dev = self.device
        key = dev._chip.serial
        try:
            cycles, prints, raw_profile = dev._chip.run(msg)
        finally:
            if dev._chip.proc is None and program is not None:   # the device was reset: rebuild next time
                program._built.pop(key, None)
        self.prints = prints
        if prints and dev.print_kernel_output:
            for p in prints:
                print(p, file=sys.stderr)
        cores = dev._chip.cores
        run = _Lazy(lambda: Profile.from_raw(dev.arch, cores, cycles, raw_profile(), prints, traced))
        self._runs.append(run)
        return cycles, run

    def enqueue(self, program: Program, trace: str | os.PathLike | None = None, timing_only: bool = False) -> DeviceTime:
        """Run `program` on the device; returns its modelled device time and profile.

        trace: write a Chrome/Perfetto timeline of the run to this path (also: TENSIX_TRACE=path).
        timing_only: skip tile arithmetic and data copies but keep every event and the modelled
        time (for kernels whose control flow does not depend on the data).
        While a trace is being captured on this queue (begin_trace), the program is recorded, not
        run: the result is a DeviceTime of 0 programs."""
        dev = self.device
        if self._capturing is not None:
            if trace:
                raise ValueError(f"enqueue(trace={str(trace)!r}) while trace {self._capturing.id} is being captured: "
                                 f"nothing runs during a capture, so there is no timeline to write; replays inside "
                                 f"`tensix run --trace` (or a tensix.capture.Session) are traced")
            built, msg, counts = self._lower(program, False, timing_only)
            t = self._capturing
            if t.entries and t.generation != built.generation:
                t.generation = -2             # the device was reset during the capture: unusable
            elif not t.entries:
                t.generation = built.generation
            t.entries.append((program_name(program), msg, counts))
            return DeviceTime(0, dev.arch.aiclk_hz, 0, 0.0, [])
        trace = trace or os.environ.get("TENSIX_TRACE") or None
        events = bool(trace) or (_session is not None and _session.wants_events())
        built, msg, counts = self._lower(program, events, timing_only)
        cycles, run = self._run(program, msg, events)
        parts = dispatch_parts(dev.arch, counts, traced=False)
        dispatch = sum(parts.values())
        self.cycles += cycles
        self.programs += 1
        self.overhead_s += dispatch
        cmd = self._push("program", program_name(program), 0, dispatch + cycles / dev.arch.aiclk_hz, "workers_free_s",
                         cycles=cycles, dispatch=parts, counts=counts)
        dev._status.ran(cycles, dispatch, run)
        if _session is not None:
            _session.on_command(self, cmd, [(program, cmd.start_s + dispatch, run)])
        if trace:
            run.get().save_trace(trace)
        return DeviceTime(cycles, dev.arch.aiclk_hz, 1, dispatch, [run])

    # ---- traces --------------------------------------------------------------------------------
    def begin_trace(self) -> Trace:
        """Start recording this queue's programs (BeginTraceCapture): until end_trace(), enqueue()
        records instead of running. Buffer writes, reads and events are refused meanwhile."""
        self.device._check_open()
        self._not_capturing("begin_trace")
        self._capturing = Trace(self, next(self._timeline.trace_ids), -1)
        return self._capturing

    def end_trace(self, trace: Trace) -> Trace:
        """Stop recording (EndTraceCapture); the trace can now be replayed."""
        if trace is not self._capturing:
            raise ValueError(f"{trace!r} is not being captured on cq{self.id}")
        self._capturing = None
        trace.state = "ready"
        return trace

    def replay_trace(self, trace: Trace, blocking: bool = False) -> DeviceTime:
        """Run the recorded programs again (ReplayTrace), each with the trace dispatch floor (HW §11d)
        instead of a normal launch; returns the replay's modelled time (all its programs' profiles)."""
        dev = self.device
        dev._check_open()
        self._not_capturing("replay_trace")
        if trace.queue.device is not dev:
            raise ValueError(f"{trace!r} was captured on another device")
        if trace.state != "ready":
            raise DeviceError(f"{trace!r} cannot be replayed: it is {trace.state}"
                              + (" (call end_trace first)" if trace.state == "capturing" else ""))
        chip = dev._chip
        self._notice_reset()
        if trace.entries and (chip.proc is None or chip.generation != trace.generation):
            raise DeviceError(f"{trace!r}: the device was reset after the trace was captured, so its kernels are no "
                              f"longer loaded; capture the trace again")
        events = _session is not None and _session.wants_events()
        tl, hz = self._timeline, dev.arch.aiclk_hz
        at = max(self.clock_s, tl.workers_free_s)
        start, total_cycles, floors, runs, done = at, 0, {}, [], []
        for name, msg, counts in trace.entries:
            if events:
                msg = type(msg)().extend([msg.words[0] | 1, *msg.words[1:]])
            cycles, run = self._run(None, msg, events)
            parts = dispatch_parts(dev.arch, counts, traced=True)
            d = sum(parts.values())
            for k, v in parts.items():
                floors[k] = floors.get(k, 0.0) + v
            runs.append((name, at + d, run))
            done.append((name, at, at + d + cycles / hz, cycles))
            at += d + cycles / hz
            total_cycles += cycles
            dev._status.ran(cycles, d, run)
        trace.replays += 1
        dispatch = sum(floors.values())
        self.cycles += total_cycles
        self.programs += len(trace.entries)
        self.overhead_s += dispatch
        self._push("trace", f"trace {trace.id} replay {trace.replays} ({len(trace.entries)} programs)", 0,
                   at - start, "workers_free_s", cycles=total_cycles, dispatch=floors,
                   counts={"programs": len(trace.entries)}, programs=tuple(done))
        cmd = self.history[-1]
        if _session is not None:
            _session.on_command(self, cmd, runs)
        return DeviceTime(total_cycles, hz, len(trace.entries), dispatch, [r for _, _, r in runs])

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
        self.device._status.publish(force=True)
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


def make_queues(device: Device, n: int = 2) -> list[Queue]:
    """The device's command queues, sharing one timeline."""
    tl = _Timeline()
    return [Queue(device, i, tl) for i in range(n)]
