"""The backend seam: the import graph, the record backend, and the host <-> device-process protocol."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tensix
from conftest import load_example
from tensix import Buffer, Device, DeviceError, Kernel, Program
from tensix.record import RecordBackend, RecordingDone

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "tensix"
EXAMPLES = ROOT / "examples"


# ---- 1. the import graph -----------------------------------------------------------------------
def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """tensix modules `path` imports at module level or in functions (relative imports resolved)."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out = set()
    nodes = list(ast.parse(path.read_text()).body)
    while nodes:                     # every statement, nested ones too, except `if TYPE_CHECKING:` blocks
        node = nodes.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            nodes.extend(node.orelse)
            continue
        nodes.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt))
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.add(name)
            out |= {f"{name}.{a.name}" for a in node.names}
    return {m for m in out if m == "tensix" or m.startswith("tensix.")}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph = {}
    for name, p in files.items():
        deps = set()
        for m in _imports(p):
            while m and m not in files:          # "tensix.sim.chip.SimChip" -> module "tensix.sim.chip"
                m = m.rpartition(".")[0]
            if m and m != name:
                deps.add(m)
        graph[name] = deps
    return graph


def test_nothing_outside_sim_imports_the_simulator():
    bad = {m: sorted(d for d in deps if d.startswith("tensix.sim")) for m, deps in _graph().items()
           if not m.startswith("tensix.sim")}
    assert not {m: d for m, d in bad.items() if d}, bad


def test_no_import_cycle_among_tensix_modules():
    graph = _graph()
    # package __init__ files re-export their children: an edge child -> package is not a cycle of code
    for m in graph:
        graph[m] = {d for d in graph[m] if not m.startswith(d + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(d):] + [d]))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_import_tensix_imports_no_framework_and_no_simulator():
    code = ("import sys, tensix; bad = [m for m in sys.modules if m.split('.')[0] in ('tinygrad', 'ttnn') "
            "or m.startswith('tensix.sim')]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="backend 'cuda' is not known.*record.*sim"):
        Device("n150", backend="cuda")


# ---- 2. the record backend ---------------------------------------------------------------------


EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.py") if "def run(" in p.read_text())


@pytest.fixture
def no_simulator(monkeypatch):
    """Fail the test if anything starts the simulated chip."""
    from tensix.sim import chip

    def refuse(*a, **k):
        raise AssertionError("the simulator was started")
    monkeypatch.setattr(chip.SimChip, "__init__", refuse)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_record_backend_plans_every_example(name, no_simulator, monkeypatch):
    monkeypatch.setattr(RecordBackend, "stop_after", 1)
    mod = load_example(name)
    with Device("n150", backend="record") as dev:
        with pytest.raises(RecordingDone):
            mod.run(dev)
        (plan,) = dev.backend.plans
    arch = dev.arch
    assert plan.kernels
    used = set()
    for k in plan.kernels:
        assert k.source and k.processor in (0, 1, 2) and k.noc in (0, 1)
        assert (k.compute is not None) == (k.processor == 2)
        assert len(k.runtime_args) == len(k.cores) and [a.core for a in k.runtime_args] == list(k.cores)
        for c in k.cores:
            assert 0 <= c.x < arch.compute_grid[0] and 0 <= c.y < arch.compute_grid[1]
            assert (c, k.processor) not in used
            used.add((c, k.processor))
        for a in k.runtime_args:
            assert all(0 <= w < 1 << 32 for w in a.words)
            assert len(a.words) + len(k.common_args) <= arch.max_runtime_args
        assert all(0 <= w < 1 << 32 for w in k.compile_args)
    for cb in plan.cbs:
        assert all(0 <= i < arch.num_circular_buffers for i in cb.indices)
        assert cb.total_size % max(cb.page_sizes) == 0 and cb.cores
    assert len(plan.key) == 32


def test_record_backend_loopback_plan_in_detail(no_simulator, monkeypatch):
    monkeypatch.setattr(RecordBackend, "stop_after", 1)
    loopback = load_example("loopback")
    with Device("n150", backend="record") as dev:
        with pytest.raises(RecordingDone):
            loopback.run(dev)
        (plan,) = dev.backend.plans
        (k,) = plan.kernels
        assert k.processor == 0 and [tuple(c) for c in k.cores] == [(0, 0)]
        src, dst, scratch, n = k.runtime_args[0].words[:4]
        assert n == 50 and src != dst
        # the DRAM buffers' accessor args are the interleaved form [config 2, aligned page]
        assert list(k.compile_args[:2]) == [2, 2048]
        assert k.runtime_args[0].l1_args == (2,)       # the per-core scratch buffer is relocated, DRAM ones not


def test_record_backend_keeps_memory_and_refuses_freed_buffers(no_simulator):
    with Device("p150a", backend="record") as dev:
        b = dev.dram_buffer(8 * 2048, 2048)
        data = np.arange(8 * 1024, dtype=np.uint16)
        b.write(data)
        assert np.array_equal(b.read(), data)
        k = Kernel("void kernel_main() {}", on="riscv_0", runtime_args=[b])
        p = Program((0, 0), [k])
        dev.queue.enqueue(p)
        assert dev.backend.plans[-1].kernels[0].runtime_args[0].words == (b.address,)
        b.free()
        with pytest.raises(ValueError, match="was freed"):
            dev.queue.enqueue(p)
        with Device("p150a", backend="record") as other:
            ob = other.dram_buffer(2048, 2048)
            with pytest.raises(ValueError, match="another device"):
                dev.queue.enqueue(Program((0, 0), [Kernel("void kernel_main() {}", runtime_args=[ob])]))


def test_per_core_l1_buffer_args_are_relocations(no_simulator):
    with Device("n150", backend="record") as dev:
        b = dev.l1_buffer(2048, cores=[(0, 0), (1, 0)])
        k = Kernel("void kernel_main() {}", on="riscv_0", runtime_args=[7, b])
        dev.queue.enqueue(Program([(0, 0), (1, 0)], [k]))
        for a in dev.backend.plans[-1].kernels[0].runtime_args:
            assert a.words == (7, b.address) and a.l1_args == (1,)
        with pytest.raises(ValueError, match="no copy on this core"):
            dev.queue.enqueue(Program((2, 0), [Kernel("void kernel_main() {}", runtime_args=[b])]))


# ---- 3. the protocol -----------------------------------------------------------------------------
def test_generated_header_matches_the_python_definition():
    from tensix.formats import DataFormat, tile_size
    from tensix.sim import compiler, protocol
    text = (compiler.generated_include() / "tx_protocol.h").read_text()
    assert text == protocol.header()
    assert f"VERSION = {protocol.VERSION};" in text
    for e in (protocol.Command, protocol.ReplyKind, protocol.Fault):
        for m in e:
            assert f"{m.name} = {int(m)}" in text
    for name, kind, _ in protocol.PARAMS:
        assert f"p.{name} = m.{kind}();" in text
    assert f"SEM_OFFSET = {protocol.SEM_OFFSET:#x}" in text and f"L1_STRIDE = {protocol.L1_STRIDE};" in text
    tiles = text.split("FORMAT_TILE_BYTES[256] = {")[1].split("}")[0].split(", ")
    for f in (DataFormat.Float32, DataFormat.Float16_b, DataFormat.Bfp8_b, DataFormat.UInt8):
        assert int(tiles[int(f)]) == tile_size(f)


def test_every_message_kind_round_trips_through_the_device_process():
    from tensix.sim import protocol
    with Device("n150") as dev:
        chip = dev.backend.chip
        assert chip.alive() is False and chip.alive() is True          # CONFIG accepted on start
        words = [0, 1, 0xFFFFFFFF, 12345, protocol.VERSION]
        assert chip.echo(words) == words                               # ECHO
        b = dev.l1_buffer(64, cores=(0, 0))
        k = Kernel("void kernel_main() { *(volatile uint32_t*)get_arg_val<uint32_t>(0) = 0xC0FFEE; }",
                   on="riscv_0", runtime_args=[b])
        dev.queue.enqueue(Program((0, 0), [k]))                       # LOAD + RUN
        assert b.read(np.uint32)[0] == 0xC0FFEE
        pid = dev.backend.pid
    assert pid is not None and dev.backend.pid is None                 # QUIT on close


def test_protocol_version_mismatch_is_a_clear_error(monkeypatch):
    from tensix.sim import protocol
    dev = Device("n150")
    try:
        monkeypatch.setattr(protocol, "VERSION", protocol.VERSION + 100)   # the host speaks another version
        with pytest.raises(DeviceError, match=r"VERSION.*protocol version mismatch.*host speaks version "
                                              rf"{protocol.VERSION}.*built for version {protocol.VERSION - 100}"):
            dev.backend.chip.alive()
        monkeypatch.undo()
        assert dev.backend.chip.alive() is False                      # the matching host starts fine
    finally:
        dev.close()


def test_bad_messages_are_refused_not_trusted():
    from tensix.sim.chip import Msg
    from tensix.sim.protocol import Command
    with Device("n150") as dev:
        chip = dev.backend.chip
        chip.alive()
        # a RUN naming a CB index far out of range, then a kernel id that was never loaded
        for words in ([0, 1, 200, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 77]):
            rep = chip._request(Command.RUN, Msg().u32(*words))
            fault, text = chip._fault(rep)
            assert fault.name == "HOST" and "out of range" in text, text
        assert chip.echo([5]) == [5]                                   # the process is still in step


def test_device_module_needs_no_simulator_for_a_record_device(no_simulator):
    with Device("e150", backend="record") as dev:
        assert isinstance(dev.backend, RecordBackend)
        assert tensix.Buffer is Buffer
