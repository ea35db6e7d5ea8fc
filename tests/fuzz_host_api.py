"""Host-API fuzzer: generated bad inputs for every public call. Each must raise a documented
exception (TypeError, ValueError or a TensixError) whose message names the bad value and says what is
allowed; none may be accepted silently; after each one the device still runs a copy program correctly.

    python tests/fuzz_host_api.py            # the full run (every generated case, > 1 000)
    python tests/fuzz_host_api.py --every 7  # a slice

tests/test_robust_fuzz.py runs a slice of the same cases in the suite."""
from __future__ import annotations

import argparse
import math
import reprlib
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tensix import (CircularBuffer, CoreCoord, CoreRange, CoreRangeSet, Device, Kernel, Program,  # noqa: E402
                    Semaphore, ShardSpec, TensixError, TensorAccessorArgs, formats, num_cores_to_corerangeset,
                    split_work_to_cores)
from tensix.gen import programs  # noqa: E402

DOCUMENTED = (TypeError, ValueError, TensixError)
# words of a message that says what is allowed (the limit) or what to do (the fix)
LIMIT_WORDS = re.compile(r"\d|one of|must|not a|not an|is not|outside|expected|limit|only|pass|use|give|choose|"
                         r"at most|at least|positive|whole|holds|between|create|elsewhere|takes", re.I)

NOP = "void kernel_main() {}"


class Check:
    """The device's health check: a copy of 2 pages must give the bytes written."""

    def __init__(self, dev: Device) -> None:
        self.dev = dev
        self.src, self.dst = dev.dram_buffer(4096, 2048), dev.dram_buffer(4096, 2048)
        self.program = programs.copy(self.src, self.dst, name="fuzz_copy.cpp")     # tensix.gen's page copy
        self.n = 0

    def __call__(self) -> bool:
        self.n += 1
        data = np.random.default_rng(self.n).integers(0, 2**16, 2048, dtype=np.uint16)
        self.src.write(data)
        self.dst.write(np.zeros(2048, np.uint16))
        self.dev.queue.enqueue(self.program)
        return bool(np.array_equal(self.dst.read(np.uint16), data))


@dataclass
class Case:
    call: str                      # what is called, e.g. "dram_buffer(size=...)"
    value: Any                     # the bad value (its repr or str must be in the message)
    run: Callable[[Device], Any]   # performs the call on a device

    names: tuple = ()              # other acceptable names of the value in the message
    known: str = ""                # an open item owned elsewhere: reported, not counted as a problem

    def needle(self) -> list[str]:
        return [n.lower() for n in self._needle(self.value)] + [n.lower() for n in self.names]

    def _needle(self, v) -> list[str]:
        if isinstance(v, (list, tuple)) and v:      # a container is named by itself or by its bad element
            return [repr(v), str(v)] + [n for e in v for n in self._needle(e)]
        if isinstance(v, str):
            return [repr(v), v] if v else ["''", '""']
        if isinstance(v, float) and math.isnan(v):
            return ["nan"]
        if isinstance(v, (np.floating, np.integer)):
            return [str(v), repr(v)]
        if isinstance(v, np.ndarray):            # an array is named by its shape or size
            return [str(v.shape), f"{v.size} values", f"{v.nbytes} B", f"{v.nbytes} bytes", f"{v.size} B"]
        if isinstance(v, (bytes, bytearray)):
            return [repr(v), f"{len(v)} B", f"{len(v)} bytes"]
        return [repr(v), str(v)]


class Unprintable:
    def __repr__(self) -> str:
        return "<Unprintable>"


# pools of bad values by the kind of argument they are given to
NOT_INT = ["3", "", None, [1], (2,), b"\x01", 1.5, math.nan, math.inf, -math.inf, 2.5e300, True, False, 1j,
           np.float32(0.5), Unprintable(), {"a": 1}]
NOT_WORD = [2**32, 2**32 + 7, 2**40 + 5, 2**64, -(2**31) - 1, -(2**63), 1.5, math.nan, "7", None, [3], 1j,
            np.uint64(2**33), np.int64(-(2**40))]
NOT_POS = [0, -1, -(2**31), -(2**64)]
NOT_BOOL = [1, 0, "yes", None, 1.0, [True], "False"]
NOT_CORE = ["a", (1,), (1, 2, 3), ("x", 0), (0.5, 0), None, 3, [[0, 0], 1], (-1, 0), (99, 0), (0, 99),
            (2**40, 0), Unprintable()]
NOT_STR = [None, 3, 1.5, b"riscv_0", ["reader"], Unprintable()]
NOT_FORMAT = ["float17", "bfp9_b", 999, -1, None, 1.5, Unprintable(), "", "float16_bb"]
NOT_DTYPE = ["no_such_dtype", 1.5, Unprintable(), "float7", object]
NOT_LIST = [3, 1.5, "abc", b"abc", Unprintable(), {1, 2}]


def cases() -> list[Case]:
    out: list[Case] = []

    def add(call, values, fn, names=()):
        for v in values:
            out.append(Case(call, v, (lambda v: lambda dev: fn(dev, v))(v), tuple(names)))

    def no(pool, *valid):
        """`pool` without the values that are valid for this argument."""
        return [v for v in pool if not any(v is w or (type(v) is type(w) and v == w) for w in valid)]

    rng = np.random.default_rng(9)
    big = [int(x) for x in rng.integers(2**33, 2**62, 6)] + [int(-x) for x in rng.integers(1, 2**62, 6)]
    frac = [float(x) + 0.25 for x in rng.integers(1, 10**6, 6)]

    # ---- Device
    add("Device(arch=)", ["n151", "", "grayskull2", 3, Unprintable(), "N150 "], lambda d, v: Device(v))
    add("Device(backend=)", ["hw", "", 3, "SIM"], lambda d, v: Device("n150", v))
    add("Device(timeout=)", [math.nan, math.inf, -math.inf, "2", None, 0, -1, True, [1], 1j, -0.5],
        lambda d, v: Device("n150", timeout=v))
    add("Device(max_cycles=)", [0, -5, 1.5, "9", 2**64, True, math.nan, [1]],
        lambda d, v: Device("n150", max_cycles=v))
    add("Device(print_kernel_output=)", ["yes", 2, 1.5, [True]], lambda d, v: Device("n150", print_kernel_output=v))
    add("worker_core(core)", NOT_CORE, lambda d, v: d.worker_core(v))
    add("worker_core(noc=)", [2, -1, "0", None, 1.5, True], lambda d, v: d.worker_core((0, 0), noc=v))

    # ---- buffers
    for name, make in (("dram_buffer", lambda d, *a, **k: d.dram_buffer(*a, **k)),
                       ("l1_buffer", lambda d, *a, **k: d.l1_buffer(*a, **k))):
        add(f"{name}(size=)", NOT_INT + NOT_POS + big + frac + [2**45], lambda d, v, m=make: m(d, v))
        add(f"{name}(size, page_size=)", no(NOT_INT, None) + NOT_POS + big + frac + [4096, 3000, 1000],
            lambda d, v, m=make: m(d, 2048, v))
        add(f"{name}(dtype=)", NOT_DTYPE, lambda d, v, m=make: m(d, 2048, 2048, dtype=v))
        add(f"{name}(shard=)", [3, "height", (2, 2), Unprintable()], lambda d, v, m=make: m(d, 2048, 2048, shard=v))
    add("l1_buffer(cores=)", no(NOT_CORE, None), lambda d, v: d.l1_buffer(64, cores=v))
    add("Buffer(kind=)", ["hbm", "", None, 3, "DRAM"],
        lambda d, v: __import__("tensix").Buffer(d, 2048, 2048, kind=v))

    def buf_call(fn):
        def run(d, v):
            b = d.dram_buffer(4096, 2048)
            try:
                return fn(d, b, v)
            finally:
                b.free()
        return run

    def l1_call(fn):
        def run(d, v):
            b = d.l1_buffer(64, cores=(0, 0))
            try:
                return fn(d, b, v)
            finally:
                b.free()
        return run

    add("buffer.write(data)", ["text", None, 3, 1.5, [1, 2, 3], np.zeros(3, np.uint8), np.zeros(4097, np.uint8),
                               b"\x00" * 4095, np.zeros(1025, np.float32), Unprintable()],
        buf_call(lambda d, b, v: b.write(v)))
    add("buffer.write(core=) on interleaved", [(0, 0), (1, 1)], buf_call(lambda d, b, v: b.write(bytes(4096), core=v)))
    add("buffer.read(dtype=)", NOT_DTYPE + [np.dtype("V3")], buf_call(lambda d, b, v: b.read(v)))
    add("buffer.read(core=) on interleaved", [(0, 0)], buf_call(lambda d, b, v: b.read(core=v)))
    add("l1 buffer.write(core=)", no(NOT_CORE, None) + [(1, 1), (7, 7)], l1_call(lambda d, b, v: b.write(bytes(64), core=v)))
    add("l1 buffer.read(core=)", no(NOT_CORE, None) + [(1, 0)], l1_call(lambda d, b, v: b.read(core=v)))
    add("freed buffer.write", ["freed"], lambda d, v: (lambda b: (b.free(), b.write(bytes(2048))))(d.dram_buffer(2048)))
    add("queue.write(buffer)", [None, 5, "buf", Unprintable()], lambda d, v: d.queue.write(v, bytes(16)))
    add("queue.read(buffer)", [None, 5, "buf", Unprintable(), 1.5], lambda d, v: d.queue.read(v))
    add("ShardSpec(tensor_shape=)", [(0, 4), (-1, 4), (4,), "44", None, (1.5, 2)],
        lambda d, v: ShardSpec(v, (2, 2)))
    add("ShardSpec(orientation=)", ["diagonal", None, 3], lambda d, v: ShardSpec((4, 4), (2, 2), orientation=v))
    add("TensorAccessorArgs(buffer)", [None, 3, "buf", Unprintable()], lambda d, v: TensorAccessorArgs(v))

    # ---- circular buffers
    add("CircularBuffer(index=)", no(NOT_INT, [1], (2,)) + [-1, 64, 2**32, "12", ["1", 2], [], [1, 1], [0, 99]],
        lambda d, v: CircularBuffer(v))
    add("CircularBuffer(data_format=)", NOT_FORMAT, lambda d, v: CircularBuffer(0, v))
    add("CircularBuffer(page_size=)", NOT_INT + NOT_POS + frac + [2**30], lambda d, v: CircularBuffer(0, "float16_b", v))
    add("CircularBuffer(num_pages=)", NOT_INT + NOT_POS + frac + [2**30],
        lambda d, v: CircularBuffer(0, "float16_b", 2048, v))
    add("CircularBuffer(cores=)", no(NOT_CORE[:7], None), lambda d, v: CircularBuffer(0, "float16_b", 2048, 1, cores=v))
    add("CircularBuffer(buffer=)", [3, "l1", Unprintable(), 1.5], lambda d, v: CircularBuffer(0, buffer=v))
    add("CircularBuffer on the arch's CB limit", [32, 40, 63],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")], [CircularBuffer(v)])))
    add("CircularBuffer larger than L1", [2**21, 2**22],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")], [CircularBuffer(0, "float16_b", v, 1)])))

    # ---- kernels
    add("Kernel(source=)", [None, 3, 1.5, b"void kernel_main() {}", ["src"], Unprintable()], lambda d, v: Kernel(v))
    add("Kernel(source=missing path)", ["/no/such/kernel.cpp", "missing_kernel.cpp"], lambda d, v: Kernel(v))
    add("Kernel(on=)", NOT_STR + ["gpu", "", "RISCV_0", "trisc3"], lambda d, v: Kernel(NOP, on=v))
    add("Kernel(noc=)", [2, -1, "0", 1.5, True, [0]], lambda d, v: Kernel(NOP, noc=v))
    add("Kernel(name=)", ["../x.cpp", "/abs.cpp", "a/b", ".hidden", "", "x\0y", "..", "k" * 300, 3, Unprintable()],
        lambda d, v: Kernel(NOP, name=v))
    add("Kernel(compile_args=[...])", NOT_WORD + big, lambda d, v: Kernel(NOP, compile_args=[1, v]))
    add("Kernel(compile_args=)", NOT_LIST, lambda d, v: Kernel(NOP, compile_args=v))
    add("Kernel(named_compile_args=)", [3, [("a", 1)], "a=1"], lambda d, v: Kernel(NOP, named_compile_args=v))
    add("Kernel(named_compile_args value)", NOT_WORD, lambda d, v: Kernel(NOP, named_compile_args={"a": v}))
    add("Kernel(named_compile_args name)", ["1a", "a b", "", 3, None, "a-b"], lambda d, v: Kernel(NOP, named_compile_args={v: 1}))
    add("Kernel(defines=)", [3, ["A"], "A=1"], lambda d, v: Kernel(NOP, defines=v))
    add("Kernel(defines name)", ["1A", "A B", "", 3, "A;B"], lambda d, v: Kernel(NOP, defines={v: 1}))
    add("Kernel(defines value)", [None, [1], "1\n#error", True, Unprintable()], lambda d, v: Kernel(NOP, defines={"A": v}))
    add("Kernel(math_fidelity=)", ["HiFi5", "lofi", None, 4, ""], lambda d, v: Kernel(NOP, on="compute", math_fidelity=v))
    for flag in ("fp32_dest_acc_en", "math_approx_mode", "dst_full_sync_en"):
        add(f"Kernel({flag}=)", NOT_BOOL, lambda d, v, f=flag: Kernel(NOP, on="compute", **{f: v}))
    add("Kernel(include_dirs=)", ["/no/such/dir", 3, [3], ["/no/such/dir"], [None], Unprintable()],
        lambda d, v: Kernel(NOP, include_dirs=v))
    add("Program(include_dirs=)", ["/no/such/dir", 3, [3], ["/no/such/dir"]],
        lambda d, v: Program((0, 0), [Kernel(NOP)], include_dirs=v))
    add("CircularBuffer(page_size= per index)", [{0: 2048}, {16: "2048", 24: 1024}, {16: 0, 24: 1024}, {16: 1.5, 24: 2}],
        lambda d, v: CircularBuffer([16, 24], "float16_b", v), names=["16", "24", "'2048'", "0", "1.5"])
    add("CircularBuffer(size=)", [0, -1, 1.5, "4096", 2**40], lambda d, v: CircularBuffer(0, "float16_b", 2048, 2, size=v))
    add("Kernel(cores=)", no(NOT_CORE[:7], None), lambda d, v: Kernel(NOP, cores=v))
    add("Kernel(runtime_args=)", [3, "abc", 1.5, Unprintable()], lambda d, v: Kernel(NOP, runtime_args=v))
    add("Kernel(common_runtime_args=)", NOT_LIST + [None], lambda d, v: Kernel(NOP, common_runtime_args=v))

    def run_with_args(d, args=None, common=(), cores=(0, 0)):
        k = Kernel(NOP, on="riscv_0", runtime_args=args, common_runtime_args=list(common))
        return d.queue.enqueue(Program(cores, [k]))

    add("runtime arg", NOT_WORD + big + [Unprintable(), "0x10", b"\x01", 0.0], lambda d, v: run_with_args(d, [0, v]))
    add("Buffer runtime arg of a freed buffer", ["freed"],
        lambda d, v: (lambda b: (b.free(), run_with_args(d, [b])))(d.dram_buffer(2048)), names=["freed", "Buffer("])
    out[-1].known = "stale Buffer refusal (tests/test_seam.py, tests/test_lifecycle.py)"
    add("common runtime arg", NOT_WORD + [Unprintable()], lambda d, v: run_with_args(d, [], [v]))
    add("runtime args count", [342, 400, 1000], lambda d, v: run_with_args(d, list(range(v))))
    add("runtime_args callable result", [3, None, "abc", 1.5], lambda d, v: run_with_args(d, lambda i, c, n: v))
    add("runtime_args dict key", ["a", (1,), (99, 99), (1, 1)], lambda d, v: run_with_args(d, {v: [1]}))
    add("runtime_args dict value", [3, None, "abc"], lambda d, v: run_with_args(d, {(0, 0): v}))
    add("runtime_args changed after build", NOT_WORD[:8],
        lambda d, v: (lambda k: (d.queue.enqueue(Program((0, 0), [k])), setattr(k, "runtime_args", [v]),
                                 d.queue.enqueue(Program((0, 0), [k]))))(Kernel(NOP, on="riscv_0", runtime_args=[1])))

    # ---- semaphores, programs, queue
    add("Semaphore(initial=)", NOT_WORD + big, lambda d, v: Semaphore(v))
    add("Semaphore(cores=)", no(NOT_CORE[:7], None), lambda d, v: Semaphore(0, cores=v))
    add("Semaphore changed after construction", [2**33, -(2**31) - 1, 1.5, "1"],
        lambda d, v: (lambda s: (setattr(s, "initial", v),
                                 d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")], semaphores=[s]))))(Semaphore(0)))
    add("too many semaphores", [17, 20, 64],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")], semaphores=[Semaphore() for _ in range(v)])))
    add("Program(cores=)", NOT_CORE[:9] + [(-1, 0), [], (), CoreRangeSet([])], lambda d, v: Program(v, [Kernel(NOP)]))
    add("Program(cores= off the grid) enqueue", [(8, 0), (0, 8), (99, 0), (0, 99), (2**40, 0)],
        lambda d, v: d.queue.enqueue(Program(v, [Kernel(NOP, on="riscv_0")])))
    add("Program(cores= range off the grid) enqueue", [CoreRange((0, 0), (8, 8))],
        lambda d, v: d.queue.enqueue(Program(v, [Kernel(NOP, on="riscv_0")])), names=["(8, 0)", "(0, 8)"])
    add("Program(kernels=)", [None, 3, "k", [None], [3], Unprintable(), Kernel(NOP)], lambda d, v: Program((0, 0), v))
    add("Program(cbs=)", [None, 3, "cb", [None], [3], [Unprintable()]], lambda d, v: Program((0, 0), [], v))
    add("Program(semaphores=)", [None, 3, [None], [0], [Unprintable()]], lambda d, v: Program((0, 0), [], [], v))
    add("two kernels on one RISC-V", ["riscv_0", "riscv_1", "compute"],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on=v), Kernel(NOP, on=v, name="other.cpp")])))
    add("CB index twice on a core", [0, 5, 31],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")], [CircularBuffer(v), CircularBuffer(v)])))
    add("queue.enqueue(program)", [None, 3, "program", Kernel(NOP), [Kernel(NOP)], Unprintable()],
        lambda d, v: d.queue.enqueue(v))
    add("queue.enqueue(trace=)", ["/no/such/dir/x.json", "/", 3, 1.5, b"x.json", Unprintable(), "/proc/x/y.json"],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")]), trace=v))
    add("queue.enqueue(timing_only=)", NOT_BOOL, lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")]),
                                                                            timing_only=v))

    # ---- coordinates, work split, formats
    add("CoreCoord(x, y)", ["a", None, 1.5, -1, [1]], lambda d, v: CoreCoord(v, 0))
    add("CoreRange(start, end)", NOT_CORE[:6] + [(3, 3)], lambda d, v: CoreRange(v, (1, 1)) if v != (3, 3) else CoreRange((3, 3), (1, 1)))
    add("CoreRangeSet(ranges)", [3, "x", [3], [None], Unprintable()], lambda d, v: CoreRangeSet(v))
    add("split_work_to_cores(units=)", ["3", None, 1.5, -1], lambda d, v: split_work_to_cores((8, 8), v))
    add("split_work_to_cores(grid=)", ["a", None, (0, 8), (-1, 2), 3], lambda d, v: split_work_to_cores(v, 10))
    add("num_cores_to_corerangeset(n=)", ["3", None, 1.5, -1, 65, 1000], lambda d, v: num_cores_to_corerangeset(v, (8, 8)))
    add("formats.as_format", NOT_FORMAT, lambda d, v: formats.as_format(v))
    add("formats.tile_size", NOT_FORMAT, lambda d, v: formats.tile_size(v))
    add("formats.pack(fmt=)", NOT_FORMAT, lambda d, v: formats.pack(np.zeros(1024, np.float32), v))
    add("formats.pack(bfp8_b values)", [np.zeros(1000, np.float32), np.zeros(3, np.float32)],
        lambda d, v: formats.pack(v, "bfp8_b"))
    add("formats.unpack(bfp8_b bytes)", [np.zeros(1000, np.uint8), b"\x00" * 5], lambda d, v: formats.unpack(v, "bfp8_b"))
    # ---- random out-of-limit numbers for every numeric argument (seeded: the same cases every run)
    def rand_bad(lo, hi, n=20):
        vals = [int(v) for v in rng.integers(hi + 1, hi + 2**40, n // 2)]
        vals += [int(v) for v in rng.integers(lo - 2**40, lo, n - n // 2)]
        return vals + [float(v) + 0.5 for v in rng.integers(lo, hi, 4)]
    add("random Semaphore(initial=)", rand_bad(-(2**31), 2**32 - 1), lambda d, v: Semaphore(v))
    add("random compile arg", rand_bad(-(2**31), 2**32 - 1), lambda d, v: Kernel(NOP, compile_args=[v]))
    add("random runtime arg", rand_bad(-(2**31), 2**32 - 1), lambda d, v: run_with_args(d, [v]))
    add("random CB index", rand_bad(0, 63), lambda d, v: CircularBuffer(v))
    add("random CB page_size", rand_bad(1, 2**24), lambda d, v: CircularBuffer(0, "float16_b", v))
    add("random CB num_pages", rand_bad(1, 2**24), lambda d, v: CircularBuffer(0, "float16_b", 2048, v))
    add("random dram_buffer size", rand_bad(1, 12 * 2**30), lambda d, v: d.dram_buffer(v))
    add("random l1_buffer size", rand_bad(1, 64 * 1464 * 1024), lambda d, v: d.l1_buffer(v))
    add("random page_size", rand_bad(1, 4096), lambda d, v: d.dram_buffer(4096, v))
    add("random core", [(int(x), int(y)) for x, y in rng.integers(8, 2**20, (14, 2))],
        lambda d, v: d.worker_core(v))
    add("random Device(timeout=)", [float(-v) for v in rng.random(8)] + [0.0],
        lambda d, v: Device("n150", timeout=v))
    add("random Device(max_cycles=)", [int(-v) for v in rng.integers(0, 2**40, 8)] + [int(v) for v in rng.integers(2**63, 2**64, 4, dtype=np.uint64)],
        lambda d, v: Device("n150", max_cycles=v))
    # ---- the rest of the public surface: program.run, profiles, arch, core helpers, tt-metal host helpers
    add("program.run(device)", [None, 3, "n150", Unprintable()],
        lambda d, v: Program((0, 0), [Kernel(NOP, on="riscv_0")]).run(v))
    add("get_arch(arch)", ["n151", 3, None, "", Unprintable()], lambda d, v: __import__("tensix").get_arch(v))
    traced = Path(__import__("tempfile").gettempdir()) / "tensix-fuzz-trace.json"
    add("profile.save_trace(path)", ["/no/such/dir/t.json", None, 3, "/"],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")]), trace=traced).profile.save_trace(v))
    add("profile.save_svg(path)", ["/no/such/dir/g.svg", None, 3, "/"],
        lambda d, v: d.queue.enqueue(Program((0, 0), [Kernel(NOP, on="riscv_0")])).profile.save_svg(v))
    add("grid_to_cores(num_cores)", ["3", None, 1.5, -1, 65], lambda d, v: __import__("tensix").grid_to_cores(v, 8, 8))
    add("corerange_to_cores(crs)", [3, "x", None, Unprintable()], lambda d, v: __import__("tensix").corerange_to_cores(v))
    add("formats.untilize(shape)", [(31, 32), (32,), (1000,), "32x32", None], lambda d, v: formats.untilize(np.zeros(1024), v))
    add("formats.quantize(fmt=)", NOT_FORMAT[:5], lambda d, v: formats.quantize(np.zeros(1024, np.float32), v))
    add("pack_two_bfloat16_into_uint32", ["a", None, [1.0], Unprintable()], lambda d, v: formats.pack_two_bfloat16_into_uint32(v, 1.0))
    add("create_random_vector_of_bfloat16(num_bytes)", [3, -2, 1.5, "8", None],
        lambda d, v: formats.create_random_vector_of_bfloat16(v, 1.0, 0))
    add("create_constant_vector_of_bfloat16(num_bytes)", [3, -2, 1.5, "8", None],
        lambda d, v: formats.create_constant_vector_of_bfloat16(v, 1.0))
    add("formats.tilize(shape)", [np.zeros((31, 32)), np.zeros(1000), np.zeros((32, 33))], lambda d, v: formats.tilize(v))
    return out


def is_documented(e: BaseException) -> bool:
    return isinstance(e, DOCUMENTED) and not isinstance(e, (KeyError, IndexError, AttributeError, ZeroDivisionError,
                                                            OverflowError, UnicodeError, FileNotFoundError))


def run(selected: list[Case], dev: Device, check: Check, verbose: bool = False) -> list[str]:
    """Run the cases; returns the problems (empty when every case raised as it should)."""
    problems = []
    r = reprlib.Repr()
    r.maxstring = r.maxother = 40
    short = r.repr
    for c in selected:
        try:
            c.run(dev)
        except BaseException as e:          # noqa: BLE001 - every exception is judged below
            if isinstance(e, KeyboardInterrupt):
                raise
            msg = str(e)
            missing = isinstance(e, FileNotFoundError) and ("kernel source file" in msg or "include directory" in msg)
            if not is_documented(e) and not missing:
                problems.append(f"{c.call} with {short(c.value)}: undocumented {type(e).__name__}: {msg[:200]}")
            elif not any(n in msg.lower() for n in c.needle()):
                problems.append(f"{c.call} with {short(c.value)}: the message does not name the value: {msg[:200]}")
            elif not LIMIT_WORDS.search(msg) or len(msg) < 20:
                problems.append(f"{c.call} with {short(c.value)}: the message names no limit or fix: {msg[:200]}")
            elif verbose:
                print(f"ok  {c.call:45s} {c.value!r:.30}  {type(e).__name__}: {msg[:90]}")
        else:
            problems.append(f"{'KNOWN ' if c.known else ''}{c.call} with {short(c.value)}: accepted silently"
                            f"{' (' + c.known + ')' if c.known else ''}")
        if dev.closed:
            return problems + ["the device was closed by a case"]
        if not check():
            problems.append(f"after {c.call} with {short(c.value)}: the copy program gave wrong bytes")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=1, help="run every N-th case (default: all)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    all_cases = cases()
    selected = all_cases[::a.every]
    t = time.perf_counter()
    with Device("n150", timeout=5.0) as dev:
        check = Check(dev)
        assert check()
        problems = run(selected, dev, check, a.verbose)
    dt = time.perf_counter() - t
    calls = len({c.call for c in selected})
    known = [p for p in problems if p.startswith("KNOWN ")]
    real = [p for p in problems if not p.startswith("KNOWN ")]
    print(f"{len(selected)} bad inputs ({len(all_cases)} generated) over {calls} calls in {dt:.1f} s: "
          f"{len(selected) - len(problems)} raised a documented error naming the value, {len(real)} problems, "
          f"{len(known)} known open; device checked correct after each ({check.n} copy runs)")
    for p in real + known:
        print("  " + p)
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main())
