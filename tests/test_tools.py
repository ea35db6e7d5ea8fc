"""`tensix smi`, `tensix run`, `tensix profile` as subprocesses against live Devices in other
processes; the smi JSON validated against a schema; stale status records ignored; an honest reset."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tensix import smi, status

ROOT = Path(__file__).resolve().parent.parent

# a process holding an open Device: runs one program (tensix.gen's page copy on core (0, 0)), says "ready",
# then runs one more per "run" line
LIVE = r"""
import sys
import time
import numpy as np
from tensix import Device
from tensix.gen import programs
from tensix.status import PUBLISH_EVERY_S
dev = Device(sys.argv[1])
pages = int(sys.argv[2])
src, dst = dev.dram_buffer(pages * 2048, 2048), dev.dram_buffer(pages * 2048, 2048)
scratch = dev.l1_buffer(2048, cores=(0, 0))
p = programs.copy(src, dst, pages, cores=(0, 0), scratch=scratch)     # one RISC-V on core (0, 0)
data = np.arange(pages * 1024, dtype=np.uint16)
def settle():   # records are written at most every PUBLISH_EVERY_S: one more call after that publishes
    time.sleep(PUBLISH_EVERY_S + 0.02)
    dev.queue.finish()
dev.queue.write(src, data)
dev.queue.enqueue(p)
settle()
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() != "run":
        break
    try:
        dev.queue.enqueue(p)
        ok = bool((dev.queue.read(dst, np.uint16) == data).all())
        settle()
        print(f"ran {ok} starts {dev.backend.chip.generation}", flush=True)
    except Exception as e:
        print(f"error {type(e).__name__}: {e}", flush=True)
dev.close()
print("closed", flush=True)
"""


@pytest.fixture
def rt(tmp_path, monkeypatch):
    """A private status directory, so devices of other test runs on this machine do not show up."""
    d = tmp_path / "rt"
    monkeypatch.setenv("TENSIX_RUNTIME_DIR", str(d))
    return d


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


class Live:
    def __init__(self, tmp_path, arch="n150", pages=8):
        script = tmp_path / "live.py"
        script.write_text(LIVE)
        self.p = subprocess.Popen([sys.executable, str(script), arch, str(pages)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
        line = self.p.stdout.readline()
        assert line.strip() == "ready", line + self.p.stderr.read()
        self.pid = self.p.pid

    def ask(self, line="run") -> str:
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        if self.p.poll() is None:
            try:
                self.ask("exit")
            except (BrokenPipeError, OSError):
                pass
            self.p.wait(timeout=30)
        for f in (self.p.stdin, self.p.stdout, self.p.stderr):
            try:
                f.close()
            except OSError:
                pass


@pytest.fixture
def live(tmp_path, rt):
    started = []

    def start(arch="n150", pages=8):
        d = Live(tmp_path, arch, pages)
        started.append(d)
        return d
    yield start
    for d in started:
        d.close()


def tensix(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "tensix.cli", *args], capture_output=True, text=True, env=env(),
                          timeout=timeout, cwd=ROOT)


# ---- the JSON schema of `tensix smi --json` -------------------------------------------------------
METRIC = {"type": "object", "required": ["value", "unit"], "properties": {
    "value": {"type": ["integer", "number", "null"]}, "unit": {"type": "string"}}, "additionalProperties": False}
STR = {"type": "string"}
ARCH = {"type": "object", "required": ["board_type", "arch", "grid", "worker_cores", "l1_per_core", "dram_banks",
                                        "dram_per_bank", "aiclk", "pcie_write", "pcie_read"],
        "properties": {"board_type": STR, "arch": STR, "grid": STR, "worker_cores": METRIC, "l1_per_core": METRIC,
                       "dram_banks": METRIC, "dram_per_bank": METRIC, "aiclk": METRIC, "pcie_write": METRIC,
                       "pcie_read": METRIC}}
MEM = {"type": "object", "required": ["banks", "allocated_per_bank", "size_per_bank", "allocated_total"],
       "properties": {"banks": METRIC, "allocated_per_bank": METRIC, "size_per_bank": METRIC,
                      "allocated_total": METRIC, "note": STR}}
SIM_DEVICE = {"type": "object",
              "required": ["board_info", "telemetry", "core_utilization", "memory", "queues", "kernel_cache", "simulator"],
              "properties": {
                  "board_info": {"type": "object", "required": ["bus_id", "board_type", "arch", "simulated", "grid", "pid"],
                                 "properties": {"bus_id": STR, "board_type": STR, "arch": STR, "simulated": {"const": True},
                                                "grid": STR, "pid": {"type": "integer"}}},
                  "telemetry": {"type": "object", "required": ["aiclk", "programs_run", "busy_time", "kernel_cycles",
                                                               "transfer_time", "host_to_device", "device_to_host"],
                                "additionalProperties": METRIC},
                  "last_program": {"type": ["object", "null"], "additionalProperties": METRIC},
                  "core_utilization": {"type": "array", "items": {"type": "object", "required": ["core", "busy"],
                                                                   "properties": {"core": STR, "busy": METRIC}}},
                  "memory": {"type": "object", "required": ["l1", "dram"], "properties": {"l1": MEM, "dram": MEM}},
                  "queues": {"type": "array", "items": {"type": "object", "required": ["id", "commands", "clock"],
                                                         "properties": {"id": {"type": "integer"}, "commands": METRIC,
                                                                        "clock": METRIC}}},
                  "kernel_cache": {"type": "object", "required": ["path", "hits", "misses", "entries", "size"],
                                   "properties": {"path": STR, "hits": METRIC, "misses": METRIC, "entries": METRIC,
                                                  "size": METRIC}},
                  "simulator": {"type": "object", "required": ["sim_pid", "starts"],
                                "properties": {"sim_pid": {"type": ["integer", "null"]}, "starts": METRIC}}}}
REAL_DEVICE = {"type": "object", "required": ["board_info", "telemetry", "reset"], "properties": {
    "board_info": {"type": "object", "required": ["bus_id", "arch", "simulated"], "properties": {"simulated": {"const": False}}},
    "telemetry": {"type": "object", "additionalProperties": METRIC}, "reset": STR}}
SNAPSHOT = {"type": "object", "required": ["time", "host_info", "host_sw_vers", "device_info", "processes"],
            "properties": {
                "time": STR,
                "host_info": {"type": "object", "required": ["OS", "Distro", "Kernel", "Hostname", "Platform", "Python",
                                                             "Memory", "Driver", "simulated_archs"],
                              "properties": {"Memory": METRIC, "simulated_archs": {"type": "array", "items": ARCH}}},
                "host_sw_vers": {"type": "object", "required": ["tensix", "numpy"], "additionalProperties": STR},
                "device_info": {"type": "array", "items": {"anyOf": [SIM_DEVICE, REAL_DEVICE]}},
                "processes": {"type": "array", "items": {"type": "object", "required": ["pid", "command", "devices", "sim_pids"],
                                                          "properties": {"pid": {"type": "integer"}, "command": STR}}}}}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def errors(value, schema, where="$") -> list[str]:
    """The JSON-Schema subset the snapshot schema uses: type, const, required, properties,
    additionalProperties, items, anyOf."""
    out = []
    if "anyOf" in schema:
        alts = [errors(value, s, where) for s in schema["anyOf"]]
        return [] if any(not a for a in alts) else [f"{where}: matches no alternative: {min(alts, key=len)}"]
    if "const" in schema and value != schema["const"]:
        return [f"{where}: {value!r} != {schema['const']!r}"]
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        def fits(t):
            if t == "integer":
                return isinstance(value, int) and not isinstance(value, bool)
            if t == "number":
                return isinstance(value, (int, float)) and not isinstance(value, bool)
            return isinstance(value, TYPES[t])
        if not any(fits(t) for t in types):
            return [f"{where}: {value!r} is not {types}"]
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                out.append(f"{where}: missing {k!r}")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                out += errors(v, props[k], f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{where}: unexpected {k!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += errors(v, schema["additionalProperties"], f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += errors(v, schema["items"], f"{where}[{i}]")
    return out


def bare_numbers(value, where="$") -> list[str]:
    """Numbers that are not the value of a {value, unit} metric (ids excepted)."""
    if isinstance(value, dict):
        if set(value) == {"value", "unit"}:
            return []
        return [p for k, v in value.items() if k not in ("pid", "sim_pid", "id") for p in bare_numbers(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in bare_numbers(v, f"{where}[{i}]")
                if not where.endswith("sim_pids")]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [where]
    return []


def test_schema_checker_catches_mistakes():
    good = {"value": 1, "unit": "B"}
    assert errors(good, METRIC) == []
    assert errors({"value": "1", "unit": "B"}, METRIC)
    assert errors({"value": 1}, METRIC)
    assert errors({"value": 1, "unit": "B", "x": 2}, METRIC)
    assert bare_numbers({"a": {"b": 3}}) == ["$.a.b"]


# ---- smi ----------------------------------------------------------------------------------------
def test_smi_json_lists_live_devices_of_other_processes(live, rt):
    a, b = live("n150", pages=24), live("p150a", pages=8)
    r = tensix("smi", "--json")
    assert r.returncode == 0, r.stderr
    snap = json.loads(r.stdout)
    assert errors(snap, SNAPSHOT) == []
    assert bare_numbers(snap) == []
    sims = {d["board_info"]["pid"]: d for d in snap["device_info"] if d["board_info"]["simulated"]}
    assert set(sims) == {a.pid, b.pid}
    assert {p["pid"] for p in snap["processes"]} == {a.pid, b.pid}
    n150, p150 = sims[a.pid], sims[b.pid]
    assert n150["board_info"]["board_type"] == "n150" and p150["board_info"]["board_type"] == "p150a"
    for d in (n150, p150):
        t = d["telemetry"]
        assert t["programs_run"]["value"] == 1
        assert t["busy_time"]["value"] > 0 and t["busy_time"]["unit"] == "us"
        assert d["simulator"]["sim_pid"] and d["simulator"]["starts"]["value"] == 1
        assert [c["core"] for c in d["core_utilization"]] == ["0,0"]    # the one core that ran
        assert 0 < d["core_utilization"][0]["busy"]["value"] <= 100
        assert d["memory"]["l1"]["allocated_per_bank"]["value"] == 2048     # the scratch buffer
    # 24 pages of 2 KB interleaved over 12 n150 banks: 2 pages per bank, two buffers
    assert n150["memory"]["dram"]["allocated_per_bank"]["value"] == 2 * 2 * 2048
    assert n150["memory"]["dram"]["banks"]["value"] == 12
    # 8 pages over 8 p150a banks: one page per bank, DRAM alignment 64 B
    assert p150["memory"]["dram"]["allocated_per_bank"]["value"] == 2 * 2048
    assert n150["telemetry"]["host_to_device"]["value"] == 24 * 2048


def test_smi_text_and_watch(live, rt):
    a = live("e150")
    r = tensix("smi")
    assert r.returncode == 0, r.stderr
    assert "Open tensix devices: 1" in r.stdout and f"pid {a.pid}" in r.stdout
    for board in ("n150", "n300", "p150a", "e150"):
        assert f"  {board} " in r.stdout
    assert "Real Tenstorrent cards" in r.stdout
    w = tensix("smi", "--watch", "0.05", "--count", "3")
    assert w.returncode == 0 and w.stdout.count("Open tensix devices: 1") == 3


def test_closed_devices_leave_no_record_and_killed_ones_are_ignored(live, rt):
    a, b = live(), live()
    assert len(list(rt.glob("device-*.json"))) == 2
    assert a.ask("exit") == "closed"
    a.p.wait(timeout=30)
    b.p.send_signal(signal.SIGKILL)           # dies without closing: its record stays behind, stale
    b.p.wait(timeout=30)
    assert len(list(rt.glob("device-*.json"))) == 1
    r = tensix("smi", "--json")
    snap = json.loads(r.stdout)
    assert [d for d in snap["device_info"] if d["board_info"]["simulated"]] == []
    assert snap["processes"] == []
    assert list(rt.glob("device-*.json")) == []     # smi removed the stale record


def test_a_record_whose_pid_was_reused_is_stale(rt):
    rt.mkdir(parents=True, exist_ok=True)
    rec = {"version": status.VERSION, "pid": os.getpid(), "pid_start": status.process_start(os.getpid()) + 1}
    (rt / "device-1-0.json").write_text(json.dumps(rec))
    (rt / "device-2-0.json").write_text("{not json")           # half written: skipped, kept
    assert status.read_records() == []
    assert not (rt / "device-1-0.json").exists() and (rt / "device-2-0.json").exists()


def test_smi_reset_restarts_the_simulator_and_says_so(live, rt):
    a = live()
    sim = json.loads(tensix("smi", "--json").stdout)["device_info"][0]["simulator"]["sim_pid"]
    r = tensix("smi", "reset", str(a.pid))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"stopped its simulator process {sim}" in r.stdout
    assert not Path(f"/proc/{sim}").exists() or smi._gone(sim)
    assert a.ask("run") == "ran True starts 2"      # the next program started a fresh simulator
    snap = json.loads(tensix("smi", "--json").stdout)
    d = snap["device_info"][0]
    assert d["simulator"]["starts"]["value"] == 2 and d["simulator"]["sim_pid"] not in (None, sim)
    assert d["telemetry"]["programs_run"]["value"] == 2
    # nothing to reset: a plain message and a failing exit code
    gone = tensix("smi", "reset", "999999999")
    assert gone.returncode == 1 and "no open tensix device in process 999999999" in gone.stdout
    bad = tensix("smi", "reset", "bogus")
    assert bad.returncode == 1 and "not a pid" in bad.stdout
    every = tensix("smi", "reset", "all")
    assert every.returncode == 0 and f"pid {a.pid}" in every.stdout
    assert a.ask("run") == "ran True starts 3"


def test_reset_all_without_devices_fails_honestly(rt):
    r = tensix("smi", "reset", "all")
    assert r.returncode == 1 and "nothing was reset" in r.stdout


def test_real_cards_from_sysfs_and_dev_nodes(tmp_path, rt):
    sys_root, dev_root = tmp_path / "sys", tmp_path / "dev"
    pci = sys_root / "bus" / "pci" / "devices"
    for bus, vendor, device in (("0000:03:00.0", "0x1e52", "0x401e"), ("0000:04:00.0", "0x1e52", "0xb140"),
                                ("0000:05:00.0", "0x8086", "0x1234")):
        d = pci / bus
        d.mkdir(parents=True)
        (d / "vendor").write_text(vendor + "\n")
        (d / "device").write_text(device + "\n")
    (pci / "0000:03:00.0" / "current_link_speed").write_text("16.0 GT/s PCIe\n")
    (pci / "0000:03:00.0" / "current_link_width").write_text("16\n")
    (dev_root / "tenstorrent").mkdir(parents=True)
    (dev_root / "tenstorrent" / "0").write_text("")
    cls = sys_root / "class" / "tenstorrent" / "tenstorrent!0"
    cls.mkdir(parents=True)
    (cls / "device").symlink_to(pci / "0000:03:00.0")
    cards = smi.real_cards(sys_root, dev_root)
    assert [(c["bus_id"], c["arch"]) for c in cards] == [("0000:03:00.0", "wormhole"), ("0000:04:00.0", "blackhole")]
    assert cards[0]["dev_node"] == str(dev_root / "tenstorrent" / "0")
    assert cards[0]["pcie_link_speed"] == {"value": 16.0, "unit": "GT/s"}
    snap = smi.snapshot(sys_root, dev_root)
    assert errors(snap, SNAPSHOT) == [] and bare_numbers(snap) == []
    assert [d["board_info"]["bus_id"] for d in snap["device_info"]] == ["0000:03:00.0", "0000:04:00.0"]
    assert "0000:03:00.0" in smi.render(snap) and "16.0 GT/s x16" in smi.render(snap)
    assert smi.reset("0000:03:00.0", sys_root, dev_root) == 1       # tensix does not reset real cards ...
    assert smi.real_cards(tmp_path / "none", tmp_path / "none") == []


def test_reset_of_a_real_card_names_the_tool(tmp_path, rt, capsys):
    pci = tmp_path / "sys" / "bus" / "pci" / "devices" / "0000:03:00.0"
    pci.mkdir(parents=True)
    (pci / "vendor").write_text("0x1e52")
    (pci / "device").write_text("0x401e")
    assert smi.reset("0000:03:00.0", tmp_path / "sys", tmp_path / "dev") == 1
    assert "tt-smi -r" in capsys.readouterr().out      # ... and says which tool does


# ---- tensix run / tensix profile ----------------------------------------------------------------
def test_run_queue_trace_svg_of_matmul_mcast(tmp_path, rt):
    trace, svg = tmp_path / "mm.json", tmp_path / "mm.svg"
    r = tensix("run", "--queue", "--trace", str(trace), "--svg", str(svg), "examples/matmul_mcast.py")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("PCC") == 2                          # the script's own output, unchanged
    rows = [line for line in r.stdout.splitlines() if " cq0 program " in line]
    assert len(rows) == 2 and all(" us (gap " in row and "config: " not in row and "kernel_groups 4" in row for row in rows)
    t = json.loads(trace.read_text())
    ev = t["traceEvents"]
    queue = [e for e in ev if e.get("cat") == "queue"]
    assert [e["name"].split(":")[0] for e in queue] == ["program", "program"]
    assert queue[1]["ts"] == pytest.approx(queue[0]["ts"] + queue[0]["dur"])     # in order on one track
    cores = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
    assert "command queues" in cores and len(cores) == 1 + 64
    # the second program's RISC-V events sit after the first program on the timeline
    second = [e for e in ev if e["ph"] == "X" and e.get("cat") != "queue" and e["ts"] >= queue[1]["ts"]]
    assert second and min(e["ts"] for e in second) >= queue[1]["ts"] + 1.05 - 1e-6
    assert len(t["otherData"]["programs"]) == 2 and t["otherData"]["programs"][0]["links"]
    assert (tmp_path / "mm-1.svg").read_text().startswith("<svg") and (tmp_path / "mm-2.svg").exists()
    p = tensix("profile", str(trace))
    assert p.returncode == 0, p.stderr
    assert "program             2 commands" in p.stdout and "2 runs" in p.stdout
    assert "top 10 waits (all programs):" in p.stdout and "    top waits: " in p.stdout and "busiest NoC links" in p.stdout and "DRAM bytes per channel" in p.stdout


def test_run_sets_the_default_arch_and_passes_exit_codes(tmp_path, rt):
    script = tmp_path / "s.py"
    script.write_text("import sys\nfrom tensix import Device\nwith Device() as d:\n    print('arch', d.arch.board, sys.argv[1:])\n"
                      "sys.exit(int(sys.argv[1]))\n")
    r = tensix("run", "--arch", "p150a", str(script), "3", "--queue")
    assert r.returncode == 3 and "arch p150a ['3']" in r.stdout and "no commands were enqueued" in r.stdout
    r = tensix("run", str(script), "0")
    assert r.returncode == 0 and "arch n150" in r.stdout
    boom = tmp_path / "boom.py"
    boom.write_text("raise RuntimeError('boom')\n")
    r = tensix("run", str(boom))
    assert r.returncode == 1 and "RuntimeError: boom" in r.stderr
    assert tensix("run", str(tmp_path / "missing.py")).returncode == 2
    assert tensix("run", "--trace", str(tmp_path / "no" / "t.json"), str(script), "0").returncode == 2
    r = tensix("run", str(script), "0", "--", "--queue")      # after `--` everything is the script's
    assert "['0', '--queue']" in r.stdout and "command queues" not in r.stdout
    assert tensix("run", "--arch", "x999", str(script), "0").returncode == 2


def test_profile_of_a_single_program_trace(tmp_path):
    trace = tmp_path / "one.json"
    r = subprocess.run([sys.executable, "examples/multicast.py"], capture_output=True, text=True, cwd=ROOT,
                       env={**env(), "TENSIX_TRACE": str(trace)}, timeout=120)
    assert r.returncode == 0, r.stderr
    p = tensix("profile", str(trace))
    assert p.returncode == 0 and "programs with RISC-V events: 1" in p.stdout and "busiest NoC links" in p.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert tensix("profile", str(bad)).returncode == 2


def test_two_devices_in_one_process_have_one_record_each(rt):
    from tensix import Device
    a, b = Device("n150"), Device("e150")
    try:
        recs = status.read_records()
        assert [(r["pid"], r["board"]) for r in recs] == [(os.getpid(), "n150"), (os.getpid(), "e150")]
        assert recs[0]["serial"] != recs[1]["serial"]
        snap = smi.snapshot()
        assert len(snap["processes"]) == 1 and len(snap["processes"][0]["devices"]) == 2
        a.close()
        assert [r["board"] for r in status.read_records()] == ["e150"]
    finally:
        a.close()
        b.close()
    assert status.read_records() == [] and list(rt.glob("*.json")) == []


def test_records_are_written_a_few_times_per_second_not_per_program(rt):
    import numpy as np
    from tensix import Device, Kernel, Program
    nop = "void kernel_main() { uint32_t v = get_arg_val<uint32_t>(0); (void)v; }"
    with Device("n150") as dev:
        p = Program((0, 0), [Kernel(nop, on="riscv_0", runtime_args=[1])])
        dev.queue.enqueue(p)
        before, t = dev._status.writes, time.monotonic()
        for _ in range(300):
            dev.queue.enqueue(p)
            dev.queue.finish()
        elapsed = time.monotonic() - t
        assert dev._status.writes - before <= 1 + elapsed / status.PUBLISH_EVERY_S
        assert status.read_records()[0]["programs"] >= 1
