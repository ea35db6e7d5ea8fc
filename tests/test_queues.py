"""Two command queues per Device with an
event between them, trace capture and replay with the trace dispatch floor (HW §11d) compared with the
same programs enqueued normally, and `queue.history`."""
import numpy as np
import pytest

from tensix import Device, DeviceError, Kernel, Program
from tensix.gen import programs
from tensix.capture import Session
from tensix.queue import Command, Event, Trace

PAGES = 16


def copy_program(dev, src, dst, core=(0, 0), pages=PAGES):
    """tensix.gen's page copy on one core, staged in a per-core L1 scratch buffer (p.scratch)."""
    scratch = dev.l1_buffer(2048, cores=core)
    p = programs.copy(src, dst, pages, cores=core, scratch=scratch)
    p.scratch = scratch
    return p, p.kernels[0]


@pytest.fixture
def dev():
    with Device("n150") as d:
        yield d


def data(seed):
    return np.random.default_rng(seed).integers(0, 1 << 16, PAGES * 1024, dtype=np.uint16)


def test_two_queues_with_an_event_between_them(dev):
    q0, q1 = dev.queues
    assert dev.queue is q0 and (q0.id, q1.id) == (0, 1)
    a, b = dev.dram_buffer(PAGES * 2048, 2048), dev.dram_buffer(PAGES * 2048, 2048)
    x = data(1)
    p, _ = copy_program(dev, a, b)
    q1.write(a, x)                                     # the upload on queue 1 ...
    ev = q1.record_event()
    assert isinstance(ev, Event) and ev.query()
    write = q1.history[0]
    assert write.kind == "write" and write.nbytes == PAGES * 2048
    assert write.duration_us == pytest.approx(PAGES * 2048 / (dev.arch.timing.host_write_gbps * 1e3))
    assert ev.time_s == write.end_s == ev.synchronize()
    q0.wait_for_event(ev)                              # ... and queue 0 waits for it before the program
    q0.enqueue(p)
    wait, prog = q0.history[0], q0.history[1]
    assert wait.kind == "wait_event" and wait.start_s == 0 and wait.end_s == ev.time_s
    assert prog.kind == "program" and prog.start_s == ev.time_s
    assert prog.end_s == pytest.approx(prog.start_s + prog.dispatch_s + prog.cycles / dev.arch.aiclk_hz)
    assert prog.dispatch_s > 0 and prog.dispatch["config: host"] > 0
    assert (q0.read(b, np.uint16) == x).all()

    # without an event the queues overlap: a program on queue 0 runs while queue 1 uploads
    y = data(2)
    c = dev.dram_buffer(PAGES * 2048, 2048)
    q1.write(c, y)
    q0.enqueue(p)
    up, run = q1.history[-1], q0.history[-1]
    assert run.start_s < up.end_s and up.start_s < run.end_s
    # both queues share the PCIe link: transfers never overlap each other
    q0.write(a, y)
    q1.write(c, x)
    assert q1.history[-1].start_s >= q0.history[-1].end_s
    transfers = sorted((cmd for q in dev.queues for cmd in q.history if cmd.kind in ("write", "read")),
                       key=lambda cmd: cmd.start_s)
    assert all(t1.start_s >= t0.end_s - 1e-15 for t0, t1 in zip(transfers, transfers[1:]))
    # and the worker grid: programs of both queues never overlap
    q1.enqueue(p)
    programs = sorted((cmd for q in dev.queues for cmd in q.history if cmd.kind == "program"), key=lambda c: c.start_s)
    assert len(programs) == 3
    assert all(p1.start_s >= p0.end_s - 1e-15 for p0, p1 in zip(programs, programs[1:]))
    # the order of all commands of the device
    seqs = sorted(cmd.seq for q in dev.queues for cmd in q.history)
    assert seqs == list(range(len(seqs)))
    with pytest.raises(TypeError):
        q0.wait_for_event("not an event")
    with Device("n150") as other:
        with pytest.raises(ValueError, match="another device"):
            other.queue.wait_for_event(ev)


def test_trace_replayed_100_times_against_the_same_programs_enqueued_normally(dev):
    """Two short programs (one-page copies: kernels shorter than a dispatch), as in tt-metal's traced
    dispatch benchmarks: replayed, each costs the trace floor (HW §11d: 1.05 us on WH) instead of a
    launch with its host part."""
    q = dev.queue
    a, b, c, d = (dev.dram_buffer(2048, 2048) for _ in range(4))
    x = data(3)[:1024]
    p1, k1 = copy_program(dev, a, b, (0, 0), pages=1)
    p2, k2 = copy_program(dev, b, c, (1, 0), pages=1)
    q.write(a, x)
    q.finish()
    for _ in range(100):
        q.enqueue(p1)
        q.enqueue(p2)
    normal = q.finish()
    normal_cmds = list(q.history)[-200:]
    assert (c.read(np.uint16) == x).all()

    c.write(np.zeros(1024, np.uint16))
    with q.begin_trace() as trace:
        r = q.enqueue(p1)
        assert r.programs == 0 and r.cycles == 0        # recorded, not run
        q.enqueue(p2)
    assert isinstance(trace, Trace) and len(trace) == 2 and trace.state == "ready"
    assert (c.read(np.uint16) == 0).all()              # nothing ran during the capture
    k2.runtime_args = programs.copy_args(b, d, 1, scratch=p2.scratch)   # a trace keeps the args it was captured with
    for _ in range(100):
        t = q.replay_trace(trace)
        assert t.programs == 2
    replay = q.finish()
    assert (c.read(np.uint16) == x).all() and not d.read(np.uint16).any()

    replays = [cmd for cmd in q.history if cmd.kind == "trace"]
    assert len(replays) == 100 and replay.programs == normal.programs == 200
    assert replay.cycles == normal.cycles                         # the same kernels ran, cycle for cycle
    assert replay.overhead_s == pytest.approx(sum(cmd.dispatch_s for cmd in replays))
    assert normal.overhead_s == pytest.approx(sum(cmd.dispatch_s for cmd in normal_cmds))
    per_replayed = replay.overhead_s / 200 * 1e6
    per_launched = normal.overhead_s / 200 * 1e6
    assert 0.9 < per_replayed / 1.05 < 1.1                        # the §11d trace floor (WH n300)
    assert per_launched > per_replayed * 1.3 and replay.seconds < normal.seconds
    for cmd in normal_cmds:
        assert cmd.dispatch["config: host"] > 0                   # the host builds and sends the commands ...
    for cmd in replays:
        assert not any("host" in k for k in cmd.dispatch)         # ... a replay does not
        assert len(cmd.programs) == 2
        assert cmd.duration_us == pytest.approx((cmd.dispatch_s + cmd.cycles / dev.arch.aiclk_hz) * 1e6)
        (n1, s1, e1, c1), (n2, s2, e2, c2) = cmd.programs
        assert s1 == cmd.start_s and s2 == e1 and e2 == pytest.approx(cmd.end_s) and c1 + c2 == cmd.cycles
    assert all(r1.start_s >= r0.end_s - 1e-15 for r0, r1 in zip(replays, replays[1:]))
    assert sum(cmd.cycles for cmd in normal_cmds) == sum(cmd.cycles for cmd in replays)
    # after the replays the programs run with their new args again
    q.enqueue(p2)
    assert (d.read(np.uint16) == x).all()


def test_trace_rules(dev):
    q0, q1 = dev.queues
    a, b = dev.dram_buffer(PAGES * 2048, 2048), dev.dram_buffer(PAGES * 2048, 2048)
    p, _ = copy_program(dev, a, b)
    t = q0.begin_trace()
    for refused in (lambda: q0.write(a, data(4)), lambda: q0.read(a), q0.record_event, q0.begin_trace,
                    lambda: q0.replay_trace(t)):
        with pytest.raises(DeviceError, match="being captured"):
            refused()
    with pytest.raises(ValueError, match="nothing runs during a capture"):
        q0.enqueue(p, trace="x.json")
    assert len(t) == 0
    q1.write(a, data(4))                               # the other queue is free meanwhile
    q1.enqueue(p)
    q0.enqueue(p)
    with pytest.raises(ValueError):
        q1.end_trace(t)
    q0.end_trace(t)
    q0.replay_trace(t)
    with Device("n150") as other:
        with pytest.raises(ValueError, match="another device"):
            other.queue.replay_trace(t)
    b.write(np.zeros(PAGES * 1024, np.uint16))
    pid = dev.backend.pid
    dev.backend.chip.proc.kill()                        # the simulator goes away (as `tensix smi reset` does)
    dev.backend.chip.proc.wait()
    q0.replay_trace(t)                                  # a fresh one starts and loads the trace's kernels again
    assert dev.backend.pid != pid and (b.read(np.uint16) == a.read(np.uint16)).all()
    q0.release_trace(t)
    with pytest.raises(DeviceError, match="released"):
        q0.replay_trace(t)
    with pytest.raises(TypeError):
        q0.replay_trace("not a trace")


def test_history_and_dispatch_parts(dev):
    q = dev.queue
    a, b = dev.dram_buffer(PAGES * 2048, 2048), dev.dram_buffer(PAGES * 2048, 2048)
    p, _ = copy_program(dev, a, b)
    q.write(a, data(5))
    q.enqueue(p)
    q.read(b)
    total = q.finish()
    kinds = [(c.kind, c.nbytes) for c in q.history]
    assert kinds == [("write", PAGES * 2048), ("program", 0), ("read", PAGES * 2048)]
    assert all(isinstance(c, Command) for c in q.history)
    h = list(q.history)
    assert h[0].start_s == 0 and all(c1.start_s == c0.end_s for c0, c1 in zip(h, h[1:]))
    assert h[-1].end_s == pytest.approx(total.seconds)     # one queue: its timeline is finish()'s total
    assert h[1].counts == {"kernel_groups": 1, "kernels": 1, "cores": 1, "cbs": 0, "semaphores": 0,
                            "runtime_arg_words": 5}     # the copy's src, dst, count, first page, scratch
    assert q.totals["write"][:2] == [1, PAGES * 2048]
    text = q.history_table()
    assert "cq0: 3 commands" in text and f"dispatch {h[1].dispatch_us:.3f} us (gap " in text and "host" in text

    # kernel groups and runtime-arg words of a bigger program
    nop = "void kernel_main() { uint32_t v = get_arg_val<uint32_t>(0); (void)v; }"
    cores = [(0, 0), (1, 0), (2, 0), (3, 0)]
    ka = Kernel(nop, on="riscv_0", cores=cores, runtime_args=[1, 2, 3], common_runtime_args=[7])
    kb = Kernel(nop, on="riscv_1", cores=cores[:2], runtime_args=lambda i, xy, n: [i] * (i + 1))
    q.enqueue(Program(cores, [ka, kb]))
    c = q.history[-1]
    assert c.counts["kernel_groups"] == 2 and c.counts["cores"] == 4
    assert c.counts["runtime_arg_words"] == 4 * 3 + 1 + (1 + 2)


def test_queue_track_of_two_queues_in_the_perfetto_trace(dev):
    q0, q1 = dev.queues
    a, b = dev.dram_buffer(PAGES * 2048, 2048), dev.dram_buffer(PAGES * 2048, 2048)
    p, _ = copy_program(dev, a, b)
    with Session() as s:
        q1.write(a, data(6))
        q0.wait_for_event(q1.record_event())
        q0.enqueue(p)
        with q0.begin_trace() as t:
            q0.enqueue(p)
        q0.replay_trace(t)
    q0.enqueue(p)                                     # after the session: not captured
    trace = s.chrome_trace()
    ev = trace["traceEvents"]
    queue = [e for e in ev if e.get("cat") == "queue" and "kind" in e["args"]]
    assert [(e["tid"], e["args"]["kind"]) for e in queue] == [(1, "write"), (1, "record_event"), (0, "wait_event"),
                                                               (0, "program"), (0, "trace")]
    names = {(e["tid"], e["args"]["name"]) for e in ev if e["ph"] == "M" and e["name"] == "thread_name" and e["pid"] == 100000}
    assert names == {(0, "cq0"), (1, "cq1")}
    assert len(trace["otherData"]["programs"]) == 2      # the program and the replayed one, with RISC-V events
    sub = [e for e in ev if e.get("cat") == "queue" and "kind" not in e["args"]]
    assert len(sub) == 1 and sub[0]["ts"] >= queue[-1]["ts"]    # the replayed program inside the trace slice
    assert "cq1: 2 commands" in s.queue_report()


def test_trace_replay_refuses_a_buffer_freed_since_the_capture(dev):
    a, b = dev.dram_buffer(PAGES * 2048, 2048), dev.dram_buffer(PAGES * 2048, 2048)
    p, _ = copy_program(dev, a, b)
    q = dev.queue
    t = q.begin_trace()
    q.enqueue(p)
    q.end_trace(t)
    q.replay_trace(t)
    b.free()                                            # its memory may now hold another buffer
    with pytest.raises(ValueError, match="was freed"):
        q.replay_trace(t)
