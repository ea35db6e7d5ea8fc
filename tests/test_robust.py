"""Robust under misuse. One test per reproducer (items 3, 5, 7, 10-17); after each failure the
device still runs a correct program."""
import math
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
import uuid
import warnings
from pathlib import Path

import numpy as np
import pytest

from tensix import (CircularBuffer, CompileError, Device, DeviceError, DeviceHang, Kernel, Program, RaceWarning,
                    Semaphore, TensorAccessorArgs, formats)
from tensix.gen import programs
from tensix.sim import chip as simchip
from tensix.sim import compiler

ROOT = Path(__file__).resolve().parent.parent

# tensix.gen's page copy kernel (staged in CB 0): the program whose right bytes say the device works
COPY = programs.copy_source()


@pytest.fixture(scope="module")
def dev():
    with Device("n150", timeout=2.0) as d:
        yield d


def copy_works(dev, source=COPY, n=4):
    """A copy program gives the right bytes: the device is usable and correct."""
    src, dst = dev.dram_buffer(n * 2048, 2048), dev.dram_buffer(n * 2048, 2048)
    data = np.random.default_rng(n).integers(0, 2**16, n * 1024, dtype=np.uint16)
    src.write(data)
    k = Kernel(source, on="riscv_0", compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)],
               runtime_args=programs.copy_args(src, dst, n))
    dev.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 1)]))
    ok = np.array_equal(dst.read(np.uint16), data)
    src.free()
    dst.free()
    assert ok
    return True


def one(src, on="riscv_0", **kw):
    return Program((0, 0), [Kernel(src, on=on, **kw)], [CircularBuffer(0, "float16_b", 2048, 1)])


def fresh_copy_source() -> str:
    """COPY with a unique comment: a kernel no cache has seen."""
    return f"// {uuid.uuid4().hex}\n" + COPY


# ---- 3: concurrent builds, corrupted entries, a cache path that is a file -------------------------

def _build_args(tmp: Path, tag: str):
    """One new kernel (source, wrapper, flags): the same cache key for every builder."""
    src = tmp / f"conc_{tag}.cpp"
    src.write_text(f"// {tag}\nextern \"C\" int conc_{tag}() {{ return 42; }}\n")
    wrapper = f'// wrapper {tag}\n#include "{src}"\n'
    return src.name, src, wrapper, compiler.kernel_flags([], tmp)


def test_threads_build_one_new_kernel_into_one_cache(tmp_path):
    args = _build_args(tmp_path, uuid.uuid4().hex[:12])
    paths, errors = [], []

    def worker():
        try:
            paths.append(compiler.build_kernel(*args))
        except Exception as e:          # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # every builder got the one installed library (none returned a file another builder deleted)
    assert errors == [] and len(paths) == 12
    assert all(p.is_file() for p in paths) and len(set(paths)) == 1
    with Device("n150") as d:           # and the cache still serves real kernels
        assert copy_works(d, fresh_copy_source())


PROC_SCRIPT = r"""
import sys
from pathlib import Path
from tensix.sim import compiler
tmp, tag = Path(sys.argv[1]), sys.argv[2]
src = tmp / f"conc_{tag}.cpp"
wrapper = f'// wrapper {tag}\n#include "{src}"\n'
print(compiler.build_kernel(src.name, src, wrapper, compiler.kernel_flags([], tmp)))
"""


def test_processes_build_one_new_kernel_into_one_cache(tmp_path):
    tag = uuid.uuid4().hex[:12]
    _build_args(tmp_path, tag)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", PROC_SCRIPT, str(tmp_path), tag], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(8)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, "\n".join(outs)
    paths = {Path(o.strip().splitlines()[-1]) for o in outs}
    assert len(paths) == 1 and all(p.is_file() for p in paths), outs


def _entry_of(name: str) -> Path:
    for e in (compiler.cache_dir() / "kernels").iterdir():
        if (e / "name.txt").exists() and (e / "name.txt").read_text().strip() == name:
            return e
    raise AssertionError(f"no cache entry for {name}")


def _copy_program(d, source, name, data):
    src, dst = d.dram_buffer(2048, 2048), d.dram_buffer(2048, 2048)
    src.write(data)
    k = Kernel(source, on="riscv_0", name=name, compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)],
               runtime_args=programs.copy_args(src, dst, 1))
    return Program((0, 0), [k], [CircularBuffer(0, "float16_b", 2048, 1)]), dst


def test_truncated_kernel_library_is_rebuilt():
    name, source, data = f"trunc_{uuid.uuid4().hex[:8]}.cpp", fresh_copy_source(), np.arange(1024, dtype=np.uint16)
    with Device("n150") as d:
        p, _ = _copy_program(d, source, name, data)
        d.queue.enqueue(p)
    so = next(_entry_of(name).glob("*.so"))
    so.write_bytes(so.read_bytes()[:1000])          # truncated, as by a full disk or a killed copy
    with Device("n150") as d:
        p, dst = _copy_program(d, source, name, data)
        misses = compiler.stats().misses
        d.queue.enqueue(p)
        assert compiler.stats().misses == misses + 1          # rebuilt, not loaded broken
        assert np.array_equal(dst.read(np.uint16), data)


def test_library_the_loader_rejects_is_rebuilt():
    """A library replaced behind the cache's back together with its manifest (so only the loader can
    tell) is dropped and rebuilt when the device fails to load it."""
    name, source, data = f"garbage_{uuid.uuid4().hex[:8]}.cpp", fresh_copy_source(), np.arange(1024, dtype=np.uint16)
    with Device("n150") as d:
        p, _ = _copy_program(d, source, name, data)
        d.queue.enqueue(p)
    entry = _entry_of(name)
    so = next(entry.glob("*.so"))
    so.write_bytes(b"\x7fELF garbage" + b"\0" * 100)
    (entry / "ok.txt").write_text(f"{so.name} {compiler._file_hash(str(so))} {so.stat().st_size}\n")
    with Device("n150") as d:
        p, dst = _copy_program(d, source, name, data)
        d.queue.enqueue(p)
        assert np.array_equal(dst.read(np.uint16), data)
    assert next(_entry_of(name).glob("*.so")).stat().st_size > 1000


@pytest.fixture
def private_runtime(monkeypatch, tmp_path):
    """A copy of the device executable in a runtime root of the test's own, so breaking it cannot hit
    other processes running the shared one (an in-place write fails with ETXTBSY, or they start a broken
    binary); the kernel cache stays where it is."""
    shared = compiler.runtime_executable()
    monkeypatch.setenv("TENSIX_CACHE", str(compiler.cache_dir()))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shutil.copytree(shared.parent, compiler._runtime_root() / shared.parent.name)
    exe = compiler.runtime_executable()
    assert exe != shared and exe.read_bytes() == shared.read_bytes()
    return exe


def test_broken_runtime_binary_is_rebuilt(private_runtime):
    exe = private_runtime
    good = exe.read_bytes()
    exe.write_bytes(good[:4096])               # truncated device executable
    try:
        with Device("n150") as d:
            assert copy_works(d)
        exe = compiler.runtime_executable()
        assert exe.stat().st_size > 4096
    finally:
        if exe.stat().st_size <= 4096:
            exe.write_bytes(good)


def test_runtime_binary_that_cannot_start_is_rebuilt(monkeypatch, private_runtime):
    """A device executable replaced together with its manifest (only exec can tell it is broken): the host
    asks for a rebuild when it cannot start it. (The rebuild itself is the one the test above runs for
    real; here it puts the good binary back, to keep the suite fast.)"""
    exe = private_runtime
    good, manifest = exe.read_bytes(), (exe.parent / "tensix-sim.ok").read_text()
    real, rebuilds = compiler.runtime_executable, []

    def runtime_executable(rebuild=False):
        if rebuild:
            rebuilds.append(True)
            exe.write_bytes(good)
            (exe.parent / "tensix-sim.ok").write_text(manifest)
        return real()

    exe.write_bytes(b"\x7fELF not really" + b"\0" * 64)
    (exe.parent / "tensix-sim.ok").write_text(f"{compiler._file_hash(str(exe))} {exe.stat().st_size}\n")
    monkeypatch.setattr(compiler, "runtime_executable", runtime_executable)
    try:
        with Device("n150") as d:
            assert copy_works(d)
        assert rebuilds == [True]
    finally:
        if exe.read_bytes() != good:
            exe.write_bytes(good)
            (exe.parent / "tensix-sim.ok").write_text(manifest)


GCC = "g++" in compiler.compiler_id() or "GCC" in compiler.compiler_id()


@pytest.mark.skipif(not GCC, reason="the prelude is precompiled only with GCC")
def test_kernels_are_built_against_the_precompiled_prelude(tmp_path, monkeypatch, capsys):
    """GCC takes the precompiled standard headers for a real kernel build, with all of that kernel's
    defines on the command line (it would silently parse the text if any of them changed their meaning);
    `tensix cache` says whether they are precompiled."""
    from tensix import cli
    monkeypatch.setenv("TENSIX_CACHE", str(tmp_path))
    assert "not precompiled yet" in compiler.stats().prelude
    builds = []
    run = subprocess.run

    def spy(cmd, *a, **kw):
        if "-MD" in cmd and str(tmp_path / "kernels") in " ".join(map(str, cmd)):
            builds.append(list(cmd))
        return run(cmd, *a, **kw)

    monkeypatch.setattr(compiler.subprocess, "run", spy)
    with Device("n150") as d:
        assert copy_works(d, fresh_copy_source())
        k = Kernel("#include \"api/compute/compute_kernel_api.h\"\nvoid kernel_main() {}\n", on="compute")
        d.queue.enqueue(Program((0, 0), [k]))
    monkeypatch.setattr(compiler.subprocess, "run", run)
    assert len(builds) == 2
    for cmd, kind in zip(builds, ("dm", "compute")):
        pch = compiler.prelude_header(kind).with_suffix(".h.gch")
        assert pch.is_file() and pch.stat().st_size > 1 << 20
        assert any(c.startswith("-DKERNEL_COMPILE_TIME_ARGS") for c in cmd)
        entry = next(e for e in (tmp_path / "kernels").iterdir() if e.name in cmd[-1])
        flags = cmd[1:cmd.index("-MD")]
        r = run([compiler.CXX, *flags, "-fsyntax-only", "-H", str(entry / "wrapper.cpp")], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert f"! {pch}" in r.stderr.splitlines(), "GCC did not use the precompiled prelude"
    assert cli.main(["cache"]) == 0
    assert "2 kernels" in capsys.readouterr().out and "standard headers precompiled (2 forms" in compiler.stats().prelude


@pytest.mark.skipif(not GCC, reason="the prelude is precompiled only with GCC")
def test_damaged_precompiled_prelude_is_dropped_then_rebuilt(tmp_path, monkeypatch):
    """A truncated .gch stops GCC with a fatal error: the build in flight retries on the headers' text,
    and the next process (its check sees the size differ) builds the precompiled form again."""
    monkeypatch.setenv("TENSIX_CACHE", str(tmp_path))
    with Device("n150") as d:
        assert copy_works(d, fresh_copy_source())
        pch = compiler.prelude_header("dm").with_suffix(".h.gch")
        intact = lambda: pch.stat().st_size > 1 << 20 and int((pch.parent / "ok.txt").read_text()) == pch.stat().st_size
        assert intact()
        pch.write_bytes(pch.read_bytes()[:100_000])          # as by a full disk or a killed build
        assert copy_works(d, fresh_copy_source())            # this process: dropped, text parsed
        assert not pch.exists()
        compiler._prelude.cache_clear()                      # a new process
        assert copy_works(d, fresh_copy_source())
        assert intact()
        pch.write_bytes(pch.read_bytes()[:100_000])
        compiler._prelude.cache_clear()                      # a new process finds the size differ
        assert copy_works(d, fresh_copy_source())
        assert intact()


def test_cache_path_that_is_a_file_is_a_clear_error(tmp_path, monkeypatch):
    f = tmp_path / "not-a-dir"
    f.write_text("x")
    monkeypatch.setenv("TENSIX_CACHE", str(f))
    with pytest.raises(CompileError, match=r"TENSIX_CACHE=.*not-a-dir.*(not a directory|cannot be used).*point TENSIX_CACHE"):
        compiler.cache_dir()
    monkeypatch.setenv("TENSIX_CACHE", str(f / "sub"))
    with pytest.raises(CompileError, match="TENSIX_CACHE"):
        compiler.cache_dir()


# ---- 5: a kernel name is never a path -------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../escape.cpp", "/tmp/abs.cpp", "a/b.cpp", ".hidden.cpp", "", "x\0.cpp",
                                  "..", "k" * 200])
def test_kernel_name_is_never_a_path(name, tmp_path):
    with pytest.raises(ValueError, match="not a plain file name"):
        Kernel("void kernel_main() {}", name=name)
    with pytest.raises(ValueError, match="not a plain file name"):
        compiler.source_file(name, "void kernel_main() {}")


def test_kernel_sources_stay_inside_the_cache(dev):
    p = one("void kernel_main() {}", name="plain-name_1.cpp")
    dev.queue.enqueue(p)
    path = compiler.source_file("plain-name_1.cpp", "void kernel_main() {}")
    assert compiler.cache_dir() / "src" in path.parents


# ---- 7: a run limit; Device limits checked at construction ----------------------------------------

@pytest.mark.parametrize("timeout", [math.nan, math.inf, "2", None, 0, -1, True])
def test_device_timeout_rejected_at_construction(timeout):
    with pytest.raises((ValueError, TypeError), match="timeout"):
        Device("n150", timeout=timeout)


@pytest.mark.parametrize("max_cycles", [0, -5, 1.5, "9", 2**64, True])
def test_device_max_cycles_rejected_at_construction(max_cycles):
    with pytest.raises(ValueError, match="max_cycles"):
        Device("n150", max_cycles=max_cycles)


def test_kernel_calling_the_api_forever_is_stopped():
    forever = ("void kernel_main() { volatile uint32_t* s = (volatile uint32_t*)get_semaphore(0); "
               "for (uint32_t i = 0;; i++) noc_semaphore_set(s, i); }")
    with Device("n150", timeout=2.0, max_cycles=2_000_000) as d:
        p = Program((0, 0), [Kernel(forever, on="riscv_0", name="forever.cpp")], semaphores=[Semaphore(0)])
        with pytest.raises(DeviceError, match=r"core \(0, 0\) BRISC.*forever\.cpp.*limit of 2000000 cycles.*"
                                              r"noc_semaphore_set") as e:
            d.queue.enqueue(p)
        assert "forever.cpp:1" in str(e.value)
        assert copy_works(d)


def test_loop_of_calls_that_advance_nothing_is_named():
    src = ('#include "api/compute/compute_kernel_api.h"\nvoid kernel_main() { while (true) { tile_regs_acquire(); '
           'tile_regs_commit(); tile_regs_wait(); tile_regs_release(); } }\n')
    with Device("n150", timeout=1.0) as d:
        with pytest.raises(DeviceHang, match=r"(?s)core \(0, 0\) TRISC \(compute\), kernel dst_loop\.cpp.*last kernel-API "
                                             r"call: tile_regs_\w+.*neither move data nor advance the clock") as e:
            d.queue.enqueue(Program((0, 0), [Kernel(src, on="compute", name="dst_loop.cpp")]))
        assert "never calls the kernel API" not in str(e.value)
        assert copy_works(d)


# ---- 10: deaths with context ----------------------------------------------------------------------

def test_exit_in_a_kernel_names_core_riscv_and_kernel(dev):
    src = "#include <cstdlib>\nvoid kernel_main() { exit(7); }\n"
    with pytest.raises(DeviceError, match=r"exited with status 7: core \(0, 0\) BRISC \(RISCV_0\), kernel quits\.cpp "
                                          r"called exit\(7\)"):
        dev.queue.enqueue(one(src, name="quits.cpp"))
    assert copy_works(dev)


def test_sigkill_in_a_kernel_names_core_riscv_and_kernel(dev):
    src = "#include <csignal>\nvoid kernel_main() { raise(SIGKILL); }\n"
    p = Program((1, 2), [Kernel(src, on="riscv_1", name="killer.cpp")])
    with pytest.raises(DeviceError, match=r"died \(killed by SIGKILL\) while core \(1, 2\) NCRISC \(RISCV_1\) was running "
                                          r"kernel killer\.cpp"):
        dev.queue.enqueue(p)
    assert copy_works(dev)


def test_closed_fds_name_the_kernel(dev):
    src = "#include <unistd.h>\nvoid kernel_main() { for (int fd = 0; fd < 1024; fd++) close(fd); }\n"
    with pytest.raises(DeviceError, match=r"lost its (reply|command) pipe.*closefds\.cpp.*file descriptors it does not own"):
        dev.queue.enqueue(one(src, name="closefds.cpp"))
    assert copy_works(dev)


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"), reason="the seccomp filter covers x86_64 and aarch64")
def test_kernel_cannot_signal_other_processes(dev):
    """kill(getppid()) or kill(-1) from a kernel would kill the user's Python: it is refused and reported."""
    # harmless signals (SIGCONT, and 0 which sends nothing), so a broken filter fails this test, not the session
    for target, sig in (("getppid()", "SIGCONT"), ("-1", "0")):
        src = "#include <csignal>\n#include <unistd.h>\nvoid kernel_main() { kill(%s, %s); }\n" % (target, sig)
        with pytest.raises(DeviceError, match=r"core \(0, 0\) BRISC \(RISCV_0\), kernel killer_\w+\.cpp: refused system "
                                              r"call: a kernel may not signal or trace other processes"):
            dev.queue.enqueue(one(src, name=f"killer_{'parent' if 'pp' in target else 'all'}.cpp"))
        assert copy_works(dev)             # and this process is still here to check


def test_sigstopped_device_is_not_called_spinning():
    src = "#include <csignal>\nvoid kernel_main() { raise(SIGSTOP); }\n"
    with Device("n150", timeout=1.0) as d:
        with pytest.raises(DeviceHang, match=r"was stopped \(SIGSTOP.*core \(0, 0\) BRISC.*stopper\.cpp") as e:
            d.queue.enqueue(one(src, name="stopper.cpp"))
        assert "spinning" not in str(e.value)
        assert copy_works(d)


# ---- 11: raw pointers past the end of L1 ----------------------------------------------------------

@pytest.mark.parametrize("offset", ["(2u << 20)", "TX_L1_SIZE + 64 - 0x18000", "(1u << 20) + 0x70000"])
def test_raw_pointer_past_l1_faults(dev, offset):
    src = ("void kernel_main() { volatile uint32_t* p = (volatile uint32_t*)(get_write_ptr(0) + %s); *p = 1; }"
           % offset)
    p = Program((2, 1), [Kernel(src, on="riscv_0", name="wild.cpp")], [CircularBuffer(0, "float16_b", 2048, 1)])
    with pytest.raises(DeviceError, match=r"core \(2, 1\) BRISC.*wild\.cpp: segmentation fault.*past the end of "
                                          r"(this core's|L1)") as e:
        dev.queue.enqueue(p)
    assert "wild.cpp:1" in str(e.value)
    assert copy_works(dev)


def test_raw_pointer_below_first_core_faults(dev):
    src = "void kernel_main() { volatile uint32_t* p = (volatile uint32_t*)(get_write_ptr(0) - 0x200000); *p = 1; }"
    with pytest.raises(DeviceError, match=r"segmentation fault.*(below the first core's L1|past the end of)"):
        dev.queue.enqueue(one(src, name="below.cpp"))
    assert copy_works(dev)


# ---- 12: no silent truncation ---------------------------------------------------------------------

def test_no_silent_truncation(dev):
    with pytest.raises(ValueError, match=r"compile arg 0 = 4294967303 is outside -2147483648\.\.4294967295"):
        Kernel("void kernel_main() {}", compile_args=[2**32 + 7])
    with pytest.raises(ValueError, match=r"Semaphore initial = 1099511627781 is outside -2147483648\.\.4294967295"):
        Semaphore(2**40 + 5)
    with pytest.raises(ValueError, match=r"Buffer size = 2048\.9 is not a whole number"):
        dev.dram_buffer(2048.9, 1.5)
    with pytest.raises(ValueError, match=r"Buffer page_size = 1\.5 is not a whole number"):
        dev.dram_buffer(2048, 1.5)
    with pytest.raises(TypeError, match=r"CircularBuffer\(index='12'\): index must be an int"):
        CircularBuffer("12")
    b = dev.l1_buffer(64, cores=(0, 0))
    with pytest.raises(ValueError, match=r"has no copy on core \(1, 1\); use one of"):
        b.write(np.zeros(64, np.uint8), core=(1, 1))
    with pytest.raises(ValueError, match=r"has no copy on core \(1, 1\)"):
        b.read(core=(1, 1))
    b.free()
    s = Semaphore(3)
    s.initial = 2**33                              # changed after construction: checked at build time
    with pytest.raises(ValueError, match="Semaphore 0 initial value = 8589934592 does not fit in 32 bits"):
        dev.queue.enqueue(Program((0, 0), [Kernel("void kernel_main() {}", on="riscv_0")], semaphores=[s]))
    assert copy_works(dev)


# ---- 13: documented exception types; trace path checked before the run -----------------------------

def test_documented_exceptions_only(dev, tmp_path):
    k = Kernel("void kernel_main() {}", on="riscv_0")
    with pytest.raises(ValueError, match=r"Program cores = \[\] holds no core"):
        Program([], [k])
    with pytest.raises(TypeError, match=r"enqueue takes a Program, got a NoneType \(None\)"):
        dev.queue.enqueue(None)
    with pytest.raises(TypeError, match=r"Program cbs\[0\] = None is a NoneType, not a CircularBuffer"):
        Program((0, 0), [k], cbs=[None])
    with pytest.raises(TypeError, match=r"expected a Buffer, got a int \(5\)"):
        dev.queue.read(5)
    with pytest.raises(ValueError, match=r"Buffer size = inf is not a whole number"):
        dev.dram_buffer(math.inf)
    with pytest.raises(ValueError, match=r"Buffer page_size = 0 is outside 1\.\.2048"):
        dev.dram_buffer(2048, 0)
    runs = dev.queue.programs
    with pytest.raises(ValueError, match=r"trace = '/no/dir/x\.json': the directory '/no/dir' does not exist"):
        dev.queue.enqueue(Program((0, 0), [k]), trace="/no/dir/x.json")
    assert dev.queue.programs == runs              # refused before the run, not after it
    assert copy_works(dev)


# ---- 14: a compute kernel without includes --------------------------------------------------------

def test_compute_kernel_without_includes(dev):
    dev.queue.enqueue(Program((0, 0), [Kernel("void kernel_main() {}", on="compute", name="bare_compute.cpp")]))
    assert copy_works(dev)


# ---- 15: read() without a dtype uses the last dtype written ----------------------------------------

def test_read_uses_last_dtype_written(dev):
    b = dev.dram_buffer(4096, 2048)
    b.write(np.arange(2048, dtype=np.uint16))
    assert b.read().dtype == np.uint16
    f = np.linspace(-1, 1, 1024, dtype=np.float32)
    b.write(f)
    out = b.read()
    assert out.dtype == np.float32 and np.array_equal(out, f)
    b.free()


# ---- 16: bfp8_b NaN, float64 rounded once ---------------------------------------------------------

def test_bfp_nan_is_kept_and_inf_stays_inf():
    for fmt in ("bfp8_b", "bfp4_b"):
        v = np.zeros(1024, np.float32)
        v[0], v[16], v[32], v[48], v[64] = np.nan, np.inf, -np.inf, -np.nan, 1.5
        out = formats.unpack(formats.pack(v, fmt), fmt)
        assert np.isnan(out[0]) and np.isnan(out[48]), fmt
        assert out[16] == np.inf and out[32] == -np.inf and out[64] == 1.5, fmt


def test_float64_rounds_once_to_bf16():
    # 1 + 2**-8 is halfway between two bf16 values; the 2**-30 above it must round up. Going through
    # float32 first drops 2**-30 and the halfway case then rounds to even (down).
    x = np.array([1 + 2**-8 + 2**-30, -(1 + 2**-8 + 2**-30), 1 + 2**-8, 3.0, 1e39, 1e-50], dtype=np.float64)
    r = formats.round_to_bf16(x)
    assert r[0] == np.float32(1 + 2**-7) and r[1] == -np.float32(1 + 2**-7)
    assert r[2] == 1.0 and r[3] == 3.0 and r[4] == np.inf and r[5] == 0.0
    # random float64 values against an exact reference: 8 significant bits, ties to even
    rng = np.random.default_rng(1)
    v = rng.standard_normal(20000) * 10.0 ** rng.integers(-30, 30, 20000)
    v[::7] = (1 + (rng.integers(0, 256, v[::7].size) * 2 + 1) * 2.0**-9) * 2.0 ** rng.integers(-20, 20, v[::7].size)
    ref = np.array([math.ldexp(round(math.ldexp(m, 8)), e - 8) for m, e in map(math.frexp, v)])
    assert np.array_equal(formats.round_to_bf16(v).astype(np.float64), ref)
    assert np.array_equal(formats.unpack(formats.pack(v[:1024 * 19], "float16_b"), "float16_b"), ref[:1024 * 19])
    # bfp8_b from float64: a face row of 1.0 and 1 + 2**-7 + 2**-30 (just above a tie of the 7-bit mantissa)
    t = np.full(1024, 1.0)
    t[1] = 1 + 2**-7 + 2**-30
    assert formats.unpack(formats.pack(t, "bfp8_b"), "bfp8_b")[1] == 1 + 2**-6


# ---- 17: kernels unloaded, cache src/ evicted, forks reaped ---------------------------------------

def _maps(pid: int) -> int:
    return sum(1 for line in Path(f"/proc/{pid}/maps").read_text().splitlines() if "/kernels/" in line)


def test_loaded_kernels_are_bounded(monkeypatch):
    monkeypatch.setattr(simchip, "MAX_LOADED", 3)
    with Device("n150") as d:
        programs = [one(f"void kernel_main() {{ volatile int x = {i}; (void)x; }}", name=f"many_{i}.cpp")
                    for i in range(8)]
        pids, maps = set(), []
        for p in programs + programs[:2]:
            d.queue.enqueue(p)
            pids.add(d.backend.pid)
            maps.append(_maps(d.backend.pid))
        assert len(d.backend.chip._loaded) <= 3 and len(pids) >= 3
        assert max(maps) <= 3 * max(1, maps[0])           # mappings do not grow with distinct kernels
        assert copy_works(d)


def test_cache_src_is_evicted(monkeypatch, tmp_path):
    monkeypatch.setenv("TENSIX_CACHE", str(tmp_path))
    dirs = []
    for i in range(5):
        text = f"// source {i}\nvoid kernel_main() {{}}\n"
        dirs.append(compiler.source_file(f"evict_{i}.cpp", text).parent)
        os.utime(dirs[-1], (1000 + i, 1000 + i))          # oldest first
    size = len("// source 0\nvoid kernel_main() {}\n")
    monkeypatch.setenv("TENSIX_CACHE_MAX_BYTES", str(2 * size))
    compiler._evict(keep=tmp_path / "kernels" / "none")
    assert [d.exists() for d in dirs] == [False, False, False, True, True]


def test_eviction_scans_are_amortised_and_the_cap_still_holds(monkeypatch, tmp_path):
    """A scan stats every cache entry, so a build scans only every RESCAN_BUILDS builds (other processes'
    additions are seen then) or when its own estimate would pass the cap: then at once."""
    monkeypatch.setenv("TENSIX_CACHE", str(tmp_path))
    monkeypatch.setattr(compiler, "RESCAN_BUILDS", 4)
    scans = []
    evict = compiler._evict
    monkeypatch.setattr(compiler, "_evict", lambda keep: scans.append(keep) or evict(keep))
    libs = [compiler.build_kernel(*_build_args(tmp_path, f"amort{i}_{uuid.uuid4().hex[:6]}")) for i in range(9)]
    assert len(scans) == 3                          # the first build (no estimate yet), the 4th, the 8th
    assert compiler.stats().entries == 9
    monkeypatch.setenv("TENSIX_CACHE_MAX_BYTES", str(sum(f.stat().st_size for f in libs[-1].parent.iterdir()) * 2))
    compiler.build_kernel(*_build_args(tmp_path, f"amort_last_{uuid.uuid4().hex[:6]}"))
    assert len(scans) == 4 and compiler.stats().entries <= 2      # past the cap: scanned and evicted at once


def test_forking_kernel_leaves_no_zombie(dev):
    src = ("#include <unistd.h>\nvoid kernel_main() { for (int i = 0; i < 4; i++) if (fork() == 0) { "
           "DPRINT << \"child\" << ENDL(); } DPRINT << \"parent\" << ENDL(); }\n")
    dev.queue.enqueue(one(src, name="forker.cpp"))
    assert [p.text for p in dev.queue.prints] == ["parent"]       # the copies never ran the kernel
    pid = dev.backend.pid

    def children():
        out = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    out.append((d.name, fields[0]))
        return out

    deadline = time.monotonic() + 5
    while children() and time.monotonic() < deadline:    # the copies exit at once; none is left unreaped
        time.sleep(0.01)
    assert children() == []
    assert copy_works(dev)


# ---- two RISC-Vs on one NIU command buffer ------------------------------------------------------------
READ_ON = r"""
void kernel_main() {
    const uint32_t src = get_arg_val<uint32_t>(0), l1 = get_arg_val<uint32_t>(1), noc = get_arg_val<uint32_t>(2);
    constexpr auto sa = TensorAccessorArgs<0>();
    const auto s = TensorAccessor(sa, src);
    noc_async_read_page(0, s, l1, 0, noc == 2 ? noc_index : uint8_t(noc));
    noc_async_read_barrier(noc == 2 ? noc_index : uint8_t(noc));
}
"""


def test_two_riscs_reading_through_one_niu_warn(dev):
    """Dedicated-NoC mode: each NIU has one read command buffer. A BRISC kernel that reads on NoC 1
    while the NCRISC kernel reads on NoC 1 too programs the same buffer: a RaceWarning naming the call,
    the buffer and the other RISC-V. Each on its own NoC (noc_index): no warning."""
    cores = [(0, 0), (1, 0)]
    src = dev.dram_buffer(2048, 2048)
    l1 = dev.l1_buffer(4096, cores=cores)

    def run(nocs):
        ks = [Kernel(READ_ON, on=role, noc=own, cores=cores, compile_args=[TensorAccessorArgs(src)],
                     runtime_args=[src, l1.address + 2048 * i, n])
              for i, (role, own, n) in enumerate(zip(("riscv_0", "riscv_1"), (0, 1), nocs))]
        return dev.queue.enqueue(Program(cores, ks))

    with pytest.warns(RaceWarning, match=r"noc_async_read on NoC 1 goes through that NIU's read command buffer, "
                                         r"which (BRISC|NCRISC) on this core also uses") as rec:
        t = run((1, 1))
    # shown once for both cores (with a count), kept per core in the profile
    assert any("[and 1 more core(s) in this run]" in str(w.message) for w in rec)
    assert {w.split(")")[0] for w in t.profile.warnings if "noc_async_read on NoC 1" in w} == {"core (0, 0", "core (1, 0"}
    assert any("kernel_" in w and "cpp:" in w for w in t.profile.warnings)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RaceWarning)
        assert not run((2, 2)).profile.warnings       # each RISC-V on its own NoC
    src.free()
    l1.free()


CHAIN_OWNER = r"""
void kernel_main() {     // BRISC: a linked multicast chain on NoC 0; with wait, held open until NCRISC is done
    const uint32_t l1 = get_arg_val<uint32_t>(0), x = get_arg_val<uint32_t>(1), y = get_arg_val<uint32_t>(2);
    const uint32_t wait = get_arg_val<uint32_t>(3);
    volatile tt_l1_ptr uint32_t* done = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(0));
    for (uint32_t i = 0; i < 8; i++)
        noc_async_write_multicast(l1, get_noc_multicast_addr(x, y, x, y, l1, 0), 8192, 1, true, 0);
    if (wait) noc_semaphore_wait(done, 1);
    noc_async_write_multicast(l1, get_noc_multicast_addr(x, y, x, y, l1, 0), 64, 1, false, 0);
    noc_async_write_barrier(0);
}
"""
READER_ON_0 = r"""
void kernel_main() {     // NCRISC: a read through the NIU the chain holds
    const uint32_t l1 = get_arg_val<uint32_t>(0);
    noc_async_read(get_noc_addr(l1 + 1024, 0), l1 + 9216, 64, 0);
    noc_async_read_barrier(0);
    noc_semaphore_set(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(0)), 1);
}
"""


def test_request_behind_the_other_riscs_linked_chain_waits(dev):
    """A linked multicast chain keeps its NIU from issuing on any other VC until its last packet (NoC
    §3.5): the other RISC-V's read on that NoC waits for the chain to close; if the chain's owner waits
    for that read, it is the hang silicon would have, named as such."""
    l1 = dev.l1_buffer(16384, cores=[(0, 0), (1, 0)])
    far = dev.worker_core((1, 0))

    def run(wait):
        ks = [Kernel(CHAIN_OWNER, on="riscv_0", noc=0, runtime_args=[l1.address, far.x, far.y, wait]),
              Kernel(READER_ON_0, on="riscv_1", noc=1, runtime_args=[l1.address])]
        return dev.queue.enqueue(Program([(0, 0)], ks, semaphores=[Semaphore(0)]))

    t = run(0)
    nc = next(r for r in t.profile.riscs if r.core == (0, 0) and r.riscv == "NCRISC")
    br = next(r for r in t.profile.riscs if r.core == (0, 0) and r.riscv == "BRISC")
    assert nc.wait_noc > 8 * 8192 // 32 // 2       # it waited for most of the 64 KB chain to go out
    assert nc.end_cycle < br.end_cycle + 2000
    with pytest.raises(DeviceHang, match=r"waiting for BRISC's linked multicast chain on that NIU to close"):
        run(1)
    l1.free()
    assert copy_works(dev)
