"""The host side of the simulated chip: starts the device process, shares memory with it, talks to it.

L1 of every worker core, DRAM and a status page are memfds owned by this object, so their contents
survive a crash of the device process; the process is started again on the next request ("reset").
The messages are defined in protocol.py.
"""
from __future__ import annotations

import mmap
import os
import re
import select
import signal
import struct
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..arch import Arch
from ..errors import DeviceError, DeviceHang, RaceWarning
from . import compiler, protocol
from .protocol import L1_STRIDE, STATUS_MAX_CYCLES, STATUS_RUNNING, STATUS_TEXT, Command, Fault, ReplyKind

MAX_LOADED = 256               # kernels one device process keeps loaded before it is restarted (fresh mappings)


class Msg:
    """A message to the device process: 32-bit words."""

    def __init__(self) -> None:
        self.words: list[int] = []

    def u32(self, *vs: int) -> "Msg":
        self.words.extend(int(v) & 0xFFFFFFFF for v in vs)
        return self

    def u64(self, v: int) -> "Msg":
        return self.u32(v & 0xFFFFFFFF, v >> 32)

    def str(self, text: str) -> "Msg":
        b = text.encode()
        self.u32(len(b))
        self.words.extend(np.frombuffer(b + b"\0" * (-len(b) % 4), dtype="<u4").tolist())
        return self

    def extend(self, words) -> "Msg":
        self.words.extend(words)
        return self


class Reply:
    """A reply from the device process, read front to back."""

    def __init__(self, kind: int, words: np.ndarray) -> None:
        self.kind, self.words, self.at = kind, words, 0

    def u32(self) -> int:
        v = int(self.words[self.at])
        self.at += 1
        return v

    def u64(self) -> int:
        lo = self.u32()
        return lo | (self.u32() << 32)

    def str(self) -> str:
        n = self.u32()
        nw = (n + 3) // 4
        b = self.words[self.at:self.at + nw].tobytes()[:n]
        self.at += nw
        return b.decode(errors="replace")


@dataclass
class PrintLine:
    core: tuple[int, int]
    riscv: str
    cycle: int
    text: str

    def __str__(self) -> str:
        return f"[core ({self.core[0]}, {self.core[1]}) {self.riscv} @ {self.cycle}] {self.text}"


RISCV_NAMES = protocol.RISCV_NAMES


class SimChip:
    """The device process of one simulated chip and the memory it shares with it.

    Every request either completes or leaves no device process behind: an exception of any kind while a
    request is in flight (Ctrl-C, a hang, a crash) kills the process, so the next request starts a fresh
    one and can never read an earlier request's reply. A process that died while idle is replaced
    silently on the next request (nothing was lost: memory is owned by this object)."""

    def __init__(self, arch: Arch, timeout: float, max_cycles: int | None = None) -> None:
        self.arch = arch
        self.timeout = timeout
        self.max_cycles = max_cycles  # a run that passes this many simulated cycles is stopped (None: no limit)
        self._shown_warnings: set[str] = set()       # race warnings already shown (each once per device)
        gx, gy = arch.compute_grid
        self.cores = [(x, y) for y in range(gy) for x in range(gx)]        # core index = y * gx + x
        self.l1_fd = os.memfd_create("tensix-l1")
        os.ftruncate(self.l1_fd, len(self.cores) * L1_STRIDE)
        self.dram_fd = os.memfd_create("tensix-dram")
        self.dram_size = len(arch.dram_controller_tiles) * arch.dram_controller_size
        os.ftruncate(self.dram_fd, self.dram_size)
        self.status_fd = os.memfd_create("tensix-status")
        os.ftruncate(self.status_fd, 4096)
        self._l1_map = mmap.mmap(self.l1_fd, len(self.cores) * L1_STRIDE)
        self._dram_map = mmap.mmap(self.dram_fd, self.dram_size)
        self._status_map = mmap.mmap(self.status_fd, 4096)
        self.l1 = np.frombuffer(self._l1_map, dtype=np.uint8)
        self.dram = np.frombuffer(self._dram_map, dtype=np.uint8)
        self.status = np.frombuffer(self._status_map, dtype=np.uint64)
        self.proc: subprocess.Popen | None = None
        self.generation = 0           # bumps on every (re)start: kernels must be loaded again
        self.l1_pool_addr = 0
        self._loaded: dict[tuple[str, int, int], int] = {}
        self._names: dict[int, str] = {}
        self._closed = False

    # ---- process lifetime ---------------------------------------------------------------------
    def alive(self) -> bool:
        """Start the device process if there is none, or replace one that died while idle; True when the
        process (and every kernel loaded into it) is the one of the last call."""
        if self.proc is not None and self.proc.poll() is not None:
            self._died()
        if self.proc is None:
            self._start()
            return False
        return True

    def _start(self) -> None:
        try:
            self._spawn(compiler.runtime_executable())
        except (OSError, DeviceError) as e:
            # a cached runtime binary that cannot run (broken, truncated, not executable): rebuild it once
            self._died()
            try:
                self._spawn(compiler.runtime_executable(rebuild=True))
            except OSError as e2:
                self._died()
                raise DeviceError(f"cannot start the simulator runtime ({e2}; before its rebuild: {e}); check that "
                                  f"{compiler.cache_dir()} is on a file system that allows executables") from None

    def _spawn(self, exe: Path) -> None:
        self.status[:] = 0
        cmd_r, self._cmd_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        fds = (cmd_r, rep_w, self.l1_fd, self.dram_fd, self.status_fd)
        try:
            self.proc = subprocess.Popen([str(exe), *map(str, fds)], pass_fds=fds, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        finally:
            os.close(cmd_r)
            os.close(rep_w)
            if self.proc is None:
                os.close(self._cmd_w)
                os.close(self._rep_r)
        self.generation += 1
        self._loaded.clear()
        self._names.clear()
        rep = self._request(Command.CONFIG, self._config())
        if rep.kind != ReplyKind.OK:
            fault, text = self._fault(rep)
            self._died()
            raise DeviceError(f"the simulator did not accept the chip description ({fault.name}): {text}")
        self.l1_pool_addr = rep.u64()

    def reserve(self, n: int) -> None:
        """Room to load `n` more kernels: a device process with MAX_LOADED kernels is restarted first, so
        the libraries (and their mappings) of kernels no longer used go away. Nothing is lost: memory
        lives in this object, and prepared programs load their kernels again."""
        if self.proc is not None and len(self._loaded) + n > MAX_LOADED:
            self._stop()

    def _config(self) -> Msg:
        a, t = self.arch, self.arch.timing
        params = dict(
            l1_size=a.l1_size, l1_align=a.l1_alignment, num_cbs=a.num_circular_buffers, max_args=a.max_runtime_args,
            num_semaphores=a.num_semaphores, read_align_l1=a.noc_read_alignment["l1"],
            read_align_dram=a.noc_read_alignment["dram"], write_align_l1=a.noc_write_alignment["l1"],
            write_align_dram=a.noc_write_alignment["dram"], noc_grid_x=a.noc_grid[0], noc_grid_y=a.noc_grid[1],
            noc_bytes_per_cycle=a.noc_link_bytes_per_cycle, noc_max_packet=a.noc_max_packet,
            noc_hop_cycles=a.noc_hop_cycles, noc_niu_cycles=a.noc_niu_cycles, dram_latency=t.dram_latency_cycles,
            num_ctrl=len(a.dram_controller_tiles), num_banks=a.num_dram_banks, num_l1_banks=len(self.cores),
            dram_bytes_per_cycle=t.dram_bytes_per_cycle, ctrl_size=a.dram_controller_size,
            cost_cb=t.cb_call_cycles, cost_noc_issue=t.noc_issue_cycles, cost_sem=t.sem_call_cycles,
            cost_barrier=t.barrier_cycles, noc_cmd_cycles=t.noc_cmd_cycles, noc_packet_cycles=t.noc_packet_cycles,
            noc_max_outstanding=t.noc_max_outstanding, l1_latency=t.l1_latency_cycles,
            noc_vc_buffer=t.noc_vc_buffer_bytes)
        m = Msg().u32(protocol.VERSION).extend(protocol.params_words(params))
        m.u32(len(self.cores))
        for (x, y) in self.cores:
            m.u32(x, y, *a.noc0_xy(x, y), *a.kernel_xy(x, y, 0), *a.kernel_xy(x, y, 1))
        m.u32(len(a.dram_controller_tiles))
        for c, tiles in enumerate(a.dram_controller_tiles):
            bank = next(b for b in a.dram_banks if b.controller == c)
            m.u32(*bank.noc0_xy)
            per_noc = [(noc, xy) for noc in (0, 1) for xy, cc in a.dram_kernel_tiles(noc).items() if cc == c]
            m.u32(len(per_noc))
            for noc, (x, y) in per_noc:
                m.u32(noc, x, y, *a.dram_tile_noc0((x, y), noc))
        for b in a.dram_banks:
            m.u32(*b.kernel_xy[0], *b.kernel_xy[1], b.offset)
        for i in range(len(self.cores)):      # L1 bank i = core i
            m.u32(i)
        return m

    def close(self) -> None:
        """Stop the device process and give back the chip's memory (numpy views are dropped first, so the
        mappings really go away even while Buffers of this chip are still referenced)."""
        if self._closed:
            return
        self._closed = True
        self._stop()
        self.l1 = self.dram = self.status = None
        for mp in (self._l1_map, self._dram_map, self._status_map):
            try:
                mp.close()
            except BufferError:       # a view handed out elsewhere is still alive: it keeps the pages
                pass
        for fd in (self.l1_fd, self.dram_fd, self.status_fd):
            os.close(fd)

    def _stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.write(self._cmd_w, struct.pack("<II", Command.QUIT, 0))
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        self._died()

    def _died(self) -> None:
        """The device process is gone (crash, kill or quit) or must go: forget it; the next request
        starts a new one."""
        if self.proc is None:
            return
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        for fd in (self._cmd_w, self._rep_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc = None

    # ---- requests -----------------------------------------------------------------------------
    def _request(self, kind: Command, msg: Msg) -> Reply:
        if self._closed:
            raise DeviceError("the device is closed; open a new Device")
        if self.proc is None:
            self._start()
        payload = np.asarray(msg.words, dtype="<u4").tobytes()
        done = False
        try:
            try:
                view = memoryview(struct.pack("<II", kind, len(payload) // 4) + payload)
                while view:
                    n = os.write(self._cmd_w, view)
                    view = view[n:]
            except BrokenPipeError:
                code = self.proc.wait()
                raise DeviceError(f"the simulator process exited (status {code}) before it took the "
                                  f"{kind.name} request; the device was reset, call again") from None
            head = self._read(8)
            rkind, nwords = struct.unpack("<II", head)
            body = self._read(nwords * 4) if nwords else b""
            done = True
            return Reply(rkind, np.frombuffer(body, dtype="<u4"))
        finally:
            if not done:              # interrupted or failed mid-request: the pipe is out of step
                self._died()

    def _read(self, n: int) -> bytes:
        """Read n reply bytes. The wait restarts whenever the chip makes progress; after `timeout`
        seconds without progress the device is asked where it is stuck, then killed."""
        out = bytearray()
        last = int(self.status[0])
        deadline = time.monotonic() + self.timeout
        while len(out) < n:
            r, _, _ = select.select([self._rep_r], [], [], 0.05)
            if r:
                chunk = os.read(self._rep_r, n - len(out))
                if not chunk:
                    code = self.proc.wait() if self.proc else None
                    raise DeviceError(f"the simulator process {_exit_text(code)}{self._last_words()}; the device "
                                      f"was reset and runs the next program normally")
                out += chunk
                continue
            now = int(self.status[0])
            if now != last:
                last, deadline = now, time.monotonic() + self.timeout
            elif time.monotonic() > deadline:
                self._interrupt()
        return bytes(out)

    def _running(self) -> str:
        """' while core (x, y) RISC-V was running kernel K' from the status page, or ''."""
        v = int(self.status[STATUS_RUNNING])
        if not v:
            return ""
        kid, core, proc = (v >> 32) - 1, (v >> 8) & 0xFFFF, v & 0xFF
        x, y = self.cores[core] if core < len(self.cores) else ("?", "?")
        riscv = {0: "BRISC (RISCV_0)", 1: "NCRISC (RISCV_1)", 2: "TRISC (compute)"}.get(proc, f"RISC-V {proc}")
        return f" while core ({x}, {y}) {riscv} was running kernel {self._names.get(kid, '?')}"

    def _last_words(self) -> str:
        """What the device left in the status page before it died (exit() in a kernel, lost pipes), with
        the RISC-V that was running."""
        text = bytes(self._status_map[STATUS_TEXT:]).split(b"\0", 1)[0].decode(errors="replace")
        running = self._running()
        if text:
            return f": {text}" if running == "" or "core (" in text else f"{running}: {text}"
        return running or " (no kernel was running)"

    def _stopped(self) -> bool:
        """The device process is stopped (SIGSTOP, SIGTSTP, a debugger): it is not running at all."""
        try:
            stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[-1].split()[0] in ("T", "t")

    def _interrupt(self) -> None:
        """No progress for `timeout` s: SIGUSR1 makes the device report the running RISC-V and exit."""
        assert self.proc is not None
        if self._stopped():
            raise DeviceHang(f"the simulator process (pid {self.proc.pid}) was stopped (SIGSTOP/SIGTSTP or a "
                             f"debugger) for {self.timeout:g} s{self._running()}, so the run made no progress; it "
                             f"was killed and the device reset. Do not stop the device process, or raise "
                             f"Device(timeout=...)")
        try:
            self.proc.send_signal(signal.SIGUSR1)
        except OSError:
            pass
        text, so, off = "", "", 0
        r, _, _ = select.select([self._rep_r], [], [], 2.0)
        if r:
            try:
                head = os.read(self._rep_r, 8)
                kind, nwords = struct.unpack("<II", head)
                body = b""
                while len(body) < nwords * 4:
                    chunk = os.read(self._rep_r, nwords * 4 - len(body))
                    if not chunk:
                        break
                    body += chunk
                rep = Reply(kind, np.frombuffer(body, dtype="<u4"))
                _, text = self._fault(rep)
                so, off = rep.str(), rep.u64()
            except (OSError, struct.error, IndexError):
                pass
        if not text:
            raise DeviceHang(f"no progress for {self.timeout:g} s{self._running()}, and the simulator process did "
                             f"not answer the watchdog's SIGUSR1 within 2 s (blocked in a system call, or its "
                             f"signals are masked); it was killed and the device reset")
        if "last kernel-API call: none yet" in text or "last kernel-API call" not in text:
            why = "The kernel is probably spinning in a loop that never calls the kernel API."
        else:
            why = ("The kernel is looping through calls that neither move data nor advance the clock (the last one "
                   "is named above), so neither the watchdog's progress count nor Device(max_cycles=...) moves.")
        raise DeviceHang(f"no progress for {self.timeout:g} s: {text}{source_line(so, off)}\n{why} "
                         "The device was reset.")

    @staticmethod
    def _fault(rep: Reply) -> tuple[Fault, str]:
        code = rep.u32()
        try:
            fault = Fault(code)
        except ValueError:
            fault = Fault.HOST
        return fault, rep.str()

    # ---- operations ---------------------------------------------------------------------------
    def echo(self, words: list[int]) -> list[int]:
        """A round trip through the device process that touches nothing (protocol check)."""
        rep = self._request(Command.ECHO, Msg().u32(*words))
        return rep.words.tolist()

    def load(self, so: Path, processor: int, noc: int, name: str) -> int:
        key = (str(so), processor, noc)
        kid = self._loaded.get(key)
        if kid is None:
            kid = len(self._loaded)
            rep = self._request(Command.LOAD, Msg().u32(kid, processor, noc).str(name).str(str(so)))
            if rep.kind != ReplyKind.OK:
                raise DeviceError(self._fault(rep)[1])
            self._loaded[key] = kid
            self._names[kid] = name
        return kid

    def run(self, msg: Msg) -> tuple[int, list[PrintLine], Callable[[], dict]]:
        """Run a program: its cycles, its prints, and a function that parses its profile (on demand:
        most runs never look at it)."""
        if self.proc is None:
            self._start()
        self.status[STATUS_MAX_CYCLES] = self.max_cycles or 0
        rep = self._request(Command.RUN, msg)
        if rep.kind == ReplyKind.OK:
            cycles = rep.u64()
            prints, found = self._split_warnings(self._prints(rep))

            def profile() -> dict:
                raw = self._profile(rep)
                raw["warnings"] = found
                return raw
            return cycles, prints, profile
        fault, text = self._fault(rep)
        so, off = rep.str(), rep.u64()
        prints = self._prints(rep)
        tail = ""
        if prints:
            tail = "\nkernel prints before the failure:\n" + "\n".join(str(p) for p in prints[-20:])
        where = source_line(so, off)
        if rep.kind == ReplyKind.CRASH:
            self._died()
            hint = ""
            if fault == Fault.SIGNAL and "segmentation fault" in text and "stack overflow" not in text:
                hint = ("\nA kernel dereferenced an address that is not in its core's L1. In the simulator a "
                        f"kernel sees its L1 at 0x{self.l1_pool_addr:x} + core * 0x{L1_STRIDE:x}; use addresses "
                        "from get_write_ptr/get_read_ptr/get_semaphore or Buffer runtime args, not raw numbers. (An L1 "
                        "Buffer passed as a common runtime arg is its bank offset, the same on every core: fine in NoC "
                        "addresses; pass it as a per-core runtime arg to use it as a local pointer.)")
            exc = DeviceHang if fault == Fault.NO_PROGRESS else DeviceError
            raise exc(f"{text}{where}{hint}\nThe device was reset.{tail}")
        if fault == Fault.DEADLOCK:
            hint = ""
            if "semaphore" in text:
                hint = ("\nA semaphore no one updates is often a NoC-coordinate mix-up: pass the other core's "
                        "dev.worker_core(core) (NoC0 coordinates, as tt-metal hosts do; the kernel API translates them "
                        "for NoC 1) and build its address with get_noc_addr(x, y, addr).")
            raise DeviceHang(text + where + hint + tail)
        raise DeviceError(text + where + tail)

    def _profile(self, rep: Reply) -> dict:
        """The run's raw profile (runtime/main.cpp put_profile)."""
        riscs = []
        for _ in range(rep.u32()):
            core, proc, end = rep.u32(), rep.u32(), rep.u64()
            riscs.append((self.cores[core], RISCV_NAMES[proc], end, [rep.u64() for _ in protocol.STATS]))
        dram = [(rep.u64(), rep.u64()) for _ in range(rep.u32())]
        noc = (rep.u64(), rep.u64())
        flops = rep.u64()
        math = [rep.u64() for _ in range(rep.u32())]
        links = {}
        for _ in range(rep.u32()):
            idx = rep.u32()
            links[idx] = rep.u64()
        names = [rep.str() for _ in range(rep.u32())]
        n = rep.u32()
        w = protocol.TRACE_WORDS
        ev = rep.words[rep.at:rep.at + w * n].reshape(n, w)
        rep.at += w * n
        nres, window = rep.u32(), rep.u32()       # the conservation check's account (check mode)
        resources = [(rep.str(), rep.u64(), rep.u32() / window) for _ in range(nres)]
        return {"riscs": riscs, "dram": dram, "noc": noc, "flops": flops, "math": math, "links": links, "names": names,
                "events": ev, "resources": resources}

    def _split_warnings(self, prints: list[PrintLine]) -> tuple[list[PrintLine], list[str]]:
        """Race warnings come from the runtime as marked print lines: take them out, add the kernel
        line, show each text once per device and return them all for the profile."""
        out, found = [], []
        groups: dict[str, list[str]] = {}         # the same warning on many cores: shown once, with a count
        for p in prints:
            if not p.text.startswith(protocol.WARNING_MARK):
                out.append(p)
                continue
            _, text, so, off = p.text.split("\x1f")
            loc = source_line(so, int(off)).strip()
            text = f"{text} ({loc})" if loc else text
            found.append(text)
            groups.setdefault(re.sub(r"^core \(\d+, \d+\) ", "", text), []).append(text)
        for key, texts in groups.items():
            if key not in self._shown_warnings:       # printed once per device, whatever the caller's line
                self._shown_warnings.add(key)
                more = f" [and {len(texts) - 1} more core(s) in this run]" if len(texts) > 1 else ""
                warnings.warn(texts[0] + more, RaceWarning, stacklevel=5)
        return out, found

    def _prints(self, rep: Reply) -> list[PrintLine]:
        out = []
        for _ in range(rep.u32()):
            core, proc, cycle, text = rep.u32(), rep.u32(), rep.u64(), rep.str()
            out.append(PrintLine(self.cores[core], RISCV_NAMES[proc], cycle, text))
        return out


def _exit_text(code: int | None) -> str:
    if code is None:
        return "is gone"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"died (killed by {name})"
    return f"exited with status {code}"


def source_line(so: str, offset: int) -> str:
    """' at file:line (function)' for a code offset in a kernel library, via addr2line."""
    if not so or not offset or "kernels" not in so:
        return ""
    try:
        r = subprocess.run(["addr2line", "-e", so, "-f", "-C", "-i", hex(offset)], capture_output=True,
                           text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = r.stdout.split("\n")
    for fn, loc in zip(lines[0::2], lines[1::2]):
        if loc and not loc.startswith("??") and "/sim/include/" not in loc:
            return f"\n  at {loc.split(' (')[0]} (in {fn})"
    return ""
