"""Build the simulated chip: the device executable and each kernel as a shared library, with a cache.

Cache key of a kernel = hash of its build wrapper (which embeds defines, compile args and the program's
CB formats), the kernel source, the compiler flags, the compiler version, the arch and the tensix
version. The entry also records every header the compiler read (from its -MD output) with a content
hash, and is rebuilt when any of them changed. Entries are written atomically (temp dir + rename),
one builder per key at a time (a flock shared by threads and processes), and end with a manifest of the
library's size and hash: an entry whose library was truncated or overwritten is rebuilt, as is a runtime
binary that does not match its recorded hash. The cache (entries and kernel sources) is capped in size
with least-recently-used eviction. Every kernel pre-includes a prelude of the standard headers the
kernel API uses; with GCC it is precompiled once per compiler and flags (cache dir pch/), which takes
about a third off each kernel's build. Location: $TENSIX_CACHE, else $XDG_CACHE_HOME/tensix, else
~/.cache/tensix.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import platform
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..checks import kernel_name
from ..errors import CompileError
from . import protocol

VERSION = "0.1.0"
HERE = Path(__file__).resolve().parent
INCLUDE = HERE / "include"
RUNTIME = HERE / "runtime"
CXX = os.environ.get("CXX", "g++")
DEFAULT_CAP_BYTES = 2 << 30

_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0, "evictions": 0}
_compiler_id: str | None = None
_file_hash_memo: dict[tuple[str, int, int], str] = {}


@dataclass
class CacheStats:
    hits: int
    misses: int
    evictions: int
    entries: int
    bytes: int
    path: str
    cap_bytes: int
    prelude: str = ""      # whether the standard-header prelude is precompiled here, or why not


def _prelude_state(root: Path) -> str:
    gch = list((root / "pch").glob("*/tx_prelude_*.h.gch"))
    notes = list((root / "pch").glob("*/no-pch.txt"))
    if gch:
        return f"standard headers precompiled ({len(gch)} forms, {sum(f.stat().st_size for f in gch) / 1e6:.0f} MB)"
    if notes:
        return "standard headers not precompiled: " + notes[0].read_text().splitlines()[0][:200]
    return "standard headers not precompiled yet (the first kernel build does it)"


def cache_dir() -> Path:
    env = os.environ.get("TENSIX_CACHE")
    if env:
        d = Path(env).expanduser()
        what = f"TENSIX_CACHE={env!r}"
    else:
        d = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tensix"
        what = f"the kernel cache {str(d)!r}"
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CompileError(f"{what} cannot be used as the kernel cache directory ({e.strerror}); point "
                           f"TENSIX_CACHE at a writable directory (or unset it for ~/.cache/tensix)") from None
    if not d.is_dir() or not os.access(d, os.W_OK | os.X_OK):
        kind = "is not a directory" if not d.is_dir() else "is not writable"
        raise CompileError(f"{what} {kind}; the kernel cache must be a writable directory: point TENSIX_CACHE "
                           f"at one (or unset it for ~/.cache/tensix)")
    return d


def cap_bytes() -> int:
    v = os.environ.get("TENSIX_CACHE_MAX_BYTES")
    if not v:
        return DEFAULT_CAP_BYTES
    try:
        n = int(v)
    except ValueError:
        n = -1
    if n < 0:
        raise ValueError(f"TENSIX_CACHE_MAX_BYTES={v!r} is not a byte count; set a whole number >= 0 "
                         f"(default {DEFAULT_CAP_BYTES})")
    return n


def compiler_id() -> str:
    global _compiler_id
    if _compiler_id is None:
        try:
            out = subprocess.run([CXX, "--version"], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise CompileError(f"the C++ compiler {CXX!r} is not usable ({e}); install g++ "
                               f"(Debian/Ubuntu: apt-get install g++) or set CXX") from None
        _compiler_id = out.splitlines()[0]
    return _compiler_id


def _file_hash(path: str) -> str:
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    h = _file_hash_memo.get(key)
    if h is None:
        h = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if len(_file_hash_memo) >= 4096:      # bounded: a long session sees many distinct kernels
            _file_hash_memo.clear()
        _file_hash_memo[key] = h
    return h


def _deps_ok(entry: Path) -> bool:
    try:
        lines = (entry / "deps.txt").read_text().splitlines()
    except OSError:
        return False
    for line in lines:
        digest, _, path = line.partition(" ")
        try:
            if _file_hash(path) != digest:
                return False
        except OSError:
            return False
    return True


def _parse_depfile(text: str) -> list[str]:
    body = text.split(":", 1)[1] if ":" in text else ""
    body = body.replace("\\\n", " ")
    return [p.replace("\\ ", " ") for p in re.split(r"(?<!\\)\s+", body) if p]


def _write_deps(depfile: Path, out: Path, skip: Path) -> None:
    """deps.txt from a compiler's -MD output: a content hash and the path of every file it read but
    `skip` (checked by _deps_ok); the depfile is removed."""
    deps = [os.path.abspath(d) for d in _parse_depfile(depfile.read_text())]
    out.write_text("".join(f"{_file_hash(d)} {d}\n" for d in deps if d != str(skip)))
    depfile.unlink()


def _touch(entry: Path) -> None:
    try:
        os.utime(entry)
    except OSError:
        pass


def _evict(keep: Path) -> int:
    """Least-recently-used eviction over kernel entries and kernel sources until the cache fits its cap;
    returns the bytes left."""
    d = cache_dir()
    entries = [(mtime, size, e) for root in (d / "kernels", d / "src") for e, size, mtime in _entries(root)]
    total = sum(size for _, size, _ in entries)
    cap = cap_bytes()
    for _, size, e in sorted(entries):
        if total <= cap:
            break
        if e == keep:
            continue
        _remove(e)
        total -= size
        with _lock:
            _stats["evictions"] += 1
    return total


# this process's estimate of each cache's size: (bytes, builds since the last scan, time of that scan)
_sizes: dict[str, tuple[int, int, float]] = {}
RESCAN_BUILDS, RESCAN_SECONDS = 32, 30.0


def _evict_after_build(entry: Path) -> None:
    """Eviction after a build. A scan stats every entry (0.24 s at 5 000 entries), so it runs when this
    process's estimate (the last scan's total plus what it built since) would pass the cap, and at least
    every RESCAN_BUILDS builds or RESCAN_SECONDS, which bounds what other processes add unseen."""
    root, now = str(cache_dir()), time.monotonic()
    try:
        added = sum(f.stat().st_size for f in entry.iterdir())
    except OSError:
        added = 0
    with _lock:
        total, builds, at = _sizes.get(root, (-1, 0, 0.0))
    if total < 0 or total + added > cap_bytes() or builds + 1 >= RESCAN_BUILDS or now - at > RESCAN_SECONDS:
        total, builds, at = _evict(keep=entry), 0, now
    else:
        total, builds = total + added, builds + 1
    with _lock:
        _sizes[root] = (total, builds, at)


def _remove(e: Path) -> None:
    """Remove a cache directory without ever exposing a half-deleted one under its real name."""
    trash = e.parent / f".trash-{e.name}-{os.getpid()}-{threading.get_ident()}"
    try:
        os.rename(e, trash)
    except OSError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def _entries(root: Path):
    """(entry, bytes, mtime) of every finished cache entry; tolerant of entries other processes are
    writing or evicting right now (their temp dirs start with a dot)."""
    if not root.exists():
        return
    for e in root.iterdir():
        if e.name.startswith("."):
            continue
        try:
            yield e, sum(f.stat().st_size for f in e.iterdir()), e.stat().st_mtime
        except OSError:
            continue


def stats() -> CacheStats:
    n = b = 0
    for _, size, _ in _entries(cache_dir() / "kernels"):
        n += 1
        b += size
    return CacheStats(_stats["hits"], _stats["misses"], _stats["evictions"], n, b, str(cache_dir()), cap_bytes(),
                      _prelude_state(cache_dir()))


def clear() -> None:
    _prelude.cache_clear()
    for sub in ("kernels", "src", "pch"):
        shutil.rmtree(cache_dir() / sub, ignore_errors=True)


def source_file(name: str, text: str) -> Path:
    """The cache file holding a kernel given as source text (compiler messages name it)."""
    kernel_name(name)
    d = cache_dir() / "src" / hashlib.sha256(text.encode()).hexdigest()[:16]
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    try:
        same = p.read_text() == text
    except (OSError, UnicodeDecodeError):
        same = False
    if not same:
        tmp = d / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(text)
        tmp.replace(p)
    _touch(d)
    return p


class _KeyLock:
    """An exclusive lock for building one cache key, between threads and processes (flock on one of 256
    lock files, so their number stays bounded)."""

    def __init__(self, root: Path, key: str) -> None:
        self.path = root / f".lock-{key[:2]}"

    def __enter__(self) -> "_KeyLock":
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _entry_so(entry: Path) -> Path | None:
    """The library of a finished, intact entry: its manifest (written last) names it with its size and
    hash, so a truncated or overwritten library, or one whose headers changed, is rebuilt."""
    try:
        so_name, digest, size = (entry / "ok.txt").read_text().split()
        so = entry / so_name
        if so.stat().st_size != int(size) or _file_hash(str(so)) != digest:
            return None
    except (OSError, ValueError):
        return None
    return so if _deps_ok(entry) else None


def invalidate(so: Path) -> None:
    """Drop the cache entry holding `so` (the device could not load it): the next build rebuilds it."""
    entry = Path(so).parent
    if entry.parent == cache_dir() / "kernels":
        _remove(entry)


def _context(src_text: str, path: Path | None, line: int, radius: int = 3) -> str:
    lines = src_text.splitlines()
    lo, hi = max(1, line - radius), min(len(lines), line + radius)
    return "\n".join(f"{'>' if i == line else ' '} {i:4d} | {lines[i - 1]}" for i in range(lo, hi + 1))


_ERR = re.compile(r"^(.*?):(\d+):(\d+): (?:fatal )?error: (.*)$", re.M)


def _explain(msg: str) -> str:
    """A compiler message about something tensix does not have, said as such."""
    m = re.match(r"(\S+): No such file or directory", msg)
    if m:
        return (f"header {m.group(1)} is not provided by tensix yet (nor found on the include path; a header of "
                f"your own goes beside the kernel or in Kernel(..., include_dirs=[...]))")
    m = re.match(r"[‘'](\S+?)[’'] (?:was not declared in this scope|is not a member of [‘'](\S+)[’'])", msg)
    if m:
        where = f" in {m.group(2)}" if m.group(2) else ""
        return f"{m.group(1)}{where} is not provided by tensix yet (or misspelt): {msg}"
    return msg


def _compile_error(name: str, source_path: Path, stderr: str) -> CompileError:
    # the one-line summary names every error; then the first error in the kernel file itself with the
    # lines around it, then the compiler output
    src = source_path.read_text(errors="replace")
    errors = []
    for m in _ERR.finditer(stderr):
        where = "kernel line" if m.group(1) == str(source_path) else m.group(1)
        item = f"{_explain(m.group(4))} ({where}:{m.group(2)})"
        if item not in errors:
            errors.append(item)
    pat = re.compile(rf"^{re.escape(str(source_path))}:(\d+):(\d+): (?:fatal )?error: (.*)$", re.M)
    m = pat.search(stderr)
    if len(errors) == 1:
        head = f"kernel {name} failed to compile: {errors[0]}"
    elif errors:
        head = f"kernel {name} failed to compile with {len(errors)} errors: " + "; ".join(
            f"({i}) {e}" for i, e in enumerate(errors, 1))
    else:
        head = f"kernel {name} failed to compile"
    if m:
        line = int(m.group(1))
        head += f"\nfirst error at {source_path}:{line}: {m.group(3)}\n{_context(src, source_path, line)}"
    tail = stderr.strip()
    if len(tail) > 6000:
        tail = tail[:6000] + "\n[... compiler output truncated ...]"
    return CompileError(f"{head}\n\ncompiler output:\n{tail}")


def build_kernel(name: str, source_path: Path, wrapper: str, flags: list[str]) -> Path:
    """Compile one kernel (wrapper source including the user's file) to a shared library; cached.
    Safe to call from several threads and processes at once: one of them builds, the others wait for it
    and use its entry."""
    h = hashlib.sha256()
    for part in (VERSION, compiler_id(), " ".join(flags), wrapper, source_path.read_bytes().decode("latin-1")):
        h.update(part.encode("latin-1", "replace"))
        h.update(b"\0")
    key = h.hexdigest()[:32]
    root = cache_dir() / "kernels"
    entry = root / key
    so = _entry_so(entry)
    if so is None:
        root.mkdir(parents=True, exist_ok=True)
        with _KeyLock(root, key):
            so = _entry_so(entry)          # built by someone else while we waited
            if so is None:
                so = _build_entry(name, source_path, wrapper, flags, root, entry)
                with _lock:
                    _stats["misses"] += 1
                _evict_after_build(entry)
                return so
    with _lock:
        _stats["hits"] += 1
    _touch(entry)
    return so


def _build_entry(name: str, source_path: Path, wrapper: str, flags: list[str], root: Path, entry: Path) -> Path:
    """Build into a temp dir and rename it into place (the caller holds the key's lock)."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=root))
    try:
        # a fresh file name per build: a device process that loaded an older build of this key
        # must not be handed the old library again by the dynamic loader
        so_name = f"kernel-{tmp.name.rsplit('.', 1)[-1]}.so"
        wsrc = tmp / "wrapper.cpp"
        wsrc.write_text(wrapper)
        cmd = [CXX, *flags, "-MD", "-MF", str(tmp / "deps.d"), "-o", str(tmp / so_name), str(wsrc)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 and _drop_pch(r.stderr):
            r = subprocess.run(cmd, capture_output=True, text=True)      # GCC now reads the prelude's text
        if r.returncode != 0:
            raise _compile_error(name, source_path, r.stderr.replace(str(wsrc), "<tensix build wrapper>"))
        _write_deps(tmp / "deps.d", tmp / "deps.txt", skip=wsrc)
        (tmp / "name.txt").write_text(name + "\n")
        so = tmp / so_name
        (tmp / "ok.txt").write_text(f"{so_name} {_file_hash(str(so))} {so.stat().st_size}\n")
        if entry.exists():                 # a broken entry: move it out of the way, then install ours
            _remove(entry)
        os.rename(tmp, entry)
        tmp = None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return entry / so_name


def generated_include() -> Path:
    """The directory holding tx_protocol.h, generated from tensix/sim/protocol.py (one per content)."""
    text = protocol.header()
    d = cache_dir() / "generated" / hashlib.sha256(text.encode()).hexdigest()[:16]
    h = d / "tx_protocol.h"
    if not h.exists():
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".tx_protocol.h.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(text)
        os.replace(tmp, h)
    return d


# how kernels are compiled (a precompiled prelude is only valid for the same code-generation flags)
CODEGEN_FLAGS = ["-std=c++20", "-O2", "-gdwarf-4", "-fPIC", "-fvisibility=hidden", "-fno-exceptions", "-fno-rtti"]
# -z now: the loader's tables become read-only, so a kernel's writable data is just its globals
LINK_FLAGS = ["-shared", "-Wl,-z,now"]
WARNING_FLAGS = ["-Wall", "-Wno-unknown-pragmas", "-Wno-deprecated-declarations", "-Wno-unused-variable",
                 "-Wno-unused-function", "-Wno-int-to-pointer-cast", "-Wno-unused-but-set-variable",
                 "-Wno-multistatement-macros"]
# The C++ standard headers tensix's kernel headers include anyway (data-movement; compute adds <cmath>).
# Parsing them was about 40 % of a kernel's build, so they are pre-included and, with GCC, precompiled.
PRELUDE = {"dm": ("cstddef", "cstdint", "cstdio", "cstring", "array", "string_view", "tuple", "type_traits", "utility")}
PRELUDE["compute"] = PRELUDE["dm"] + ("cmath",)


def kernel_flags(extra: list[str], source_dir: Path, prelude: str = "dm") -> list[str]:
    return [*CODEGEN_FLAGS, *LINK_FLAGS, *WARNING_FLAGS, "-include", str(prelude_header(prelude)),
            f"-I{INCLUDE}", f"-I{generated_include()}", f"-I{source_dir}", f"-I{source_dir.parent}", *extra]


def prelude_header(kind: str) -> Path:
    """The prelude header of `kind` ("dm" or "compute"), with its precompiled form beside it where the
    compiler is GCC. GCC takes NAME.gch in place of NAME only when it was built with the same flags and
    no macro defined before it changes what it means (else it reads the header's text: same meaning,
    slower), so the precompiled form never changes what a kernel compiles to."""
    p = _prelude(str(cache_dir()), kind)
    if not p.exists():                 # the cache was removed under this process: make it again
        _prelude.cache_clear()
        p = _prelude(str(cache_dir()), kind)
    return p


@functools.lru_cache(maxsize=None)
def _prelude(root: str, kind: str) -> Path:
    text = f"// tensix kernel prelude ({kind}): standard headers, precompiled once per compiler and flags\n"
    text += "".join(f"#include <{h}>\n" for h in PRELUDE[kind])
    h = hashlib.sha256("\0".join([VERSION, compiler_id(), *CODEGEN_FLAGS, text]).encode()).hexdigest()[:16]
    d = Path(root) / "pch" / h
    header, pch = d / f"tx_prelude_{kind}.h", d / f"tx_prelude_{kind}.h.gch"
    def ready() -> bool:               # the header, and either an intact precompiled form or a note why none
        if not header.exists():
            return False
        if (d / "no-pch.txt").exists():
            return True
        try:                           # ok.txt (written last) holds the size: a truncated .gch is fatal to GCC
            return int((d / "ok.txt").read_text()) == pch.stat().st_size and _deps_ok(d)
        except (OSError, ValueError):
            return False

    if ready():
        return header
    d.mkdir(parents=True, exist_ok=True)
    with _KeyLock(d.parent, h):
        if not header.exists():
            tmp = d / f".{header.name}.{os.getpid()}.{threading.get_ident()}"
            tmp.write_text(text)
            os.replace(tmp, header)
        if ready():
            return header
        if not re.search(r"\bg\+\+|\bGCC\b|\bgcc\b", compiler_id()):
            (d / "no-pch.txt").write_text(f"{compiler_id()}: precompiled headers are only built with GCC\n")
            return header
        tmp = d / f".{pch.name}.{os.getpid()}.{threading.get_ident()}"
        cmd = [CXX, *CODEGEN_FLAGS, "-x", "c++-header", str(header), "-MD", "-MF", str(tmp) + ".d", "-o", str(tmp)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:          # kernels still compile: the header's text is read instead
            (d / "no-pch.txt").write_text(f"{' '.join(cmd)}\n{r.stderr[-4000:]}")
            return header
        _write_deps(Path(str(tmp) + ".d"), d / "deps.txt", skip=header)
        os.replace(tmp, pch)
        (d / "ok.txt").write_text(f"{pch.stat().st_size}\n")
    return header


def _drop_pch(stderr: str) -> bool:
    """A kernel build that GCC stopped at a precompiled prelude (a damaged .gch: GCC does not say which):
    remove the precompiled forms, so the retry reads the headers' text and the next process rebuilds
    them. True if there was one to remove."""
    if not re.search(r"PCH|precompiled header", stderr, re.I):
        return False
    gch = list((cache_dir() / "pch").glob("*/tx_prelude_*.h.gch"))
    for pch in gch:
        (pch.parent / "ok.txt").unlink(missing_ok=True)
        pch.unlink(missing_ok=True)
    return bool(gch)


@functools.lru_cache(maxsize=1)
def _cpu_id() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.machine()
    for key in ("flags", "Features"):
        m = re.search(rf"^{key}\s*:(.*)$", text, re.M)
        if m:
            return platform.machine() + m.group(1)
    return platform.machine()


def _runtime_root() -> Path:
    """Where device executables live: one per tensix version and compiler, shared by every kernel cache
    (TENSIX_CACHE picks where kernels go; a fresh kernel cache must not cost a runtime build)."""
    d = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tensix" / "runtime"
    try:
        d.mkdir(parents=True, exist_ok=True)
        if os.access(d, os.W_OK | os.X_OK):
            return d
    except OSError:
        pass
    return cache_dir() / "runtime"


def runtime_executable(rebuild: bool = False) -> Path:
    """The device process executable, built from tensix/sim/runtime on first use and cached. A binary
    whose size or hash differs from the one recorded at build time (truncated, overwritten) is rebuilt;
    `rebuild=True` forces it (the host could not start the cached one)."""
    # the runtime's sources and the ABI headers it shares with kernels (hashes memoised by mtime/size)
    sources = sorted(RUNTIME.glob("*.cpp")) + sorted(RUNTIME.glob("*.h")) + sorted(INCLUDE.glob("tensix_*abi.h"))
    gen = generated_include()
    h = hashlib.sha256(VERSION.encode() + compiler_id().encode() + _cpu_id().encode())
    h.update(protocol.header().encode())
    for s in sources:
        h.update(s.name.encode() + _file_hash(str(s)).encode())
    d = _runtime_root() / h.hexdigest()[:24]
    exe = d / "tensix-sim"
    ok = d / "tensix-sim.ok"
    if not rebuild:
        try:
            digest, size = ok.read_text().split()
            if exe.stat().st_size == int(size) and _file_hash(str(exe)) == digest and os.access(exe, os.X_OK):
                return exe
        except (OSError, ValueError):
            pass
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / f"tensix-sim.{os.getpid()}.{threading.get_ident()}.tmp"
    # tuned for this machine's CPU (the cache key holds the CPU); no fused multiply-adds, so results
    # do not depend on the CPU
    arch = ["-march=native"] if platform.machine() in ("x86_64", "AMD64") else []
    cmd = [CXX, "-std=c++20", "-O3", *arch, "-ffp-contract=off", "-g", "-rdynamic", f"-I{gen}", "-o", str(tmp),
           *[str(s) for s in sorted(RUNTIME.glob("*.cpp"))], "-ldl"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise CompileError(f"building the simulator runtime failed:\n{r.stderr[-6000:]}")
    line = f"{_file_hash(str(tmp))} {tmp.stat().st_size}\n"
    os.replace(tmp, exe)
    okt = d / f"tensix-sim.ok.{os.getpid()}.{threading.get_ident()}.tmp"
    okt.write_text(line)
    os.replace(okt, ok)
    return exe
