"""The trace of the 8x8 multicast matmul is valid Trace Event Format (what
Perfetto and chrome://tracing open), and the SVG shows the chip's grid."""
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
import matmul_mcast  # noqa: E402

from tensix import Device  # noqa: E402

PHASES = {"X": {"name", "ph", "ts", "dur", "pid", "tid"}, "M": {"name", "ph", "pid", "tid", "args"},
          "i": {"name", "ph", "ts", "pid", "tid", "s"}, "b": {"name", "ph", "ts", "pid", "tid", "id", "cat"},
          "e": {"name", "ph", "ts", "pid", "tid", "id", "cat"}}


def check_trace_schema(trace: dict) -> None:
    assert isinstance(trace, dict) and isinstance(trace["traceEvents"], list)
    assert trace.get("displayTimeUnit") in ("ms", "ns")
    for e in trace["traceEvents"]:
        assert e["ph"] in PHASES, e
        assert PHASES[e["ph"]] <= set(e), e
        assert isinstance(e["pid"], int) and isinstance(e["tid"], int) and isinstance(e["name"], str)
        if e["ph"] == "X":
            assert isinstance(e["ts"], (int, float)) and isinstance(e["dur"], (int, float)) and e["dur"] >= 0
        if e["ph"] == "M":
            assert e["name"] in ("process_name", "thread_name", "process_sort_index")


@pytest.fixture(scope="module")
def mcast(tmp_path_factory):
    path = tmp_path_factory.mktemp("trace") / "mcast.json"
    import os
    os.environ["TENSIX_TRACE"] = str(path)
    try:
        with Device("n150") as dev:
            r = matmul_mcast.run(dev)
    finally:
        del os.environ["TENSIX_TRACE"]
    return r, json.loads(path.read_text())


def test_mcast_matmul_trace_is_valid_trace_event_format(mcast):
    r, trace = mcast
    assert r["pcc"] > 0.9999
    check_trace_schema(trace)
    ev = trace["traceEvents"]
    procs = {e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
    assert len(procs) == 64 and "core (7, 7)" in procs
    names = {e["name"] for e in ev if e["ph"] in ("X", "b")}
    begins = {e["id"]: e["ts"] for e in ev if e["ph"] == "b"}
    ends = {e["id"]: e["ts"] for e in ev if e["ph"] == "e"}
    assert begins.keys() == ends.keys() and all(ends[i] >= begins[i] for i in begins)
    assert {"noc_async_write_multicast", "noc_semaphore_wait", "matmul_tiles", "pack_tile", "cb_wait_front"} <= names
    # slices on one track never overlap partially (Perfetto requires nesting)
    by_track = {}
    for e in ev:
        if e["ph"] == "X":
            by_track.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in by_track.values():
        spans.sort()
        stack = []
        for s, t in spans:
            while stack and stack[-1] <= s + 1e-9:
                stack.pop()
            assert not stack or t <= stack[-1] + 1e-9
            stack.append(t)


def test_grid_svg_shows_every_tile(mcast):
    r, _ = mcast
    prof = r["time"].profile
    svg = prof.svg()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    cores = re.findall(r">(\d),(\d)</text>", svg)
    percents = re.findall(r">(\d+)%</text>", svg)
    assert len(cores) == 64 and len(percents) == 64 and all(0 <= int(u) <= 100 for u in percents)
    assert sorted(int(b) for b in re.findall(r">DRAM(\d+)<", svg)) == list(range(12))
    assert len(re.findall(r"<line ", svg)) == 8 and "busiest NoC links" in svg
