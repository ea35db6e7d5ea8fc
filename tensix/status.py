"""Status records of the Devices open on this machine, for `tensix smi`.

Each open Device keeps one small JSON file in a per-user runtime directory ($TENSIX_RUNTIME_DIR, else
$XDG_RUNTIME_DIR/tensix, else /dev/shm/tensix-<uid>, else /tmp/tensix-<uid>): pid, arch, programs run,
modelled busy time, per-core utilisation of a recent program, L1 and DRAM allocated per bank, kernel-cache
counters, the simulator process. It is written when the device opens, then at most every PUBLISH_EVERY_S
seconds while it is used (so a loop of 10 000 programs pays for a handful of writes, and profiles are
parsed only for those), at once when its simulator restarts, and removed on close or when the process
exits. A process that stops using its device right after a burst shows the state of up to
PUBLISH_EVERY_S before. A record whose process is gone (or whose pid was reused) is stale and ignored.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .device import Device

PUBLISH_EVERY_S = 0.25
VERSION = 1                     # of the record layout


def runtime_dir(create: bool = True) -> Path:
    """Where status records live: private to this user (mode 0700)."""
    env = os.environ.get("TENSIX_RUNTIME_DIR")
    if env:
        d = Path(env)
    elif os.environ.get("XDG_RUNTIME_DIR") and os.access(os.environ["XDG_RUNTIME_DIR"], os.W_OK):
        d = Path(os.environ["XDG_RUNTIME_DIR"]) / "tensix"
    elif os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):    # memory, not a disk journal
        d = Path("/dev/shm") / f"tensix-{os.getuid()}"
    else:
        d = Path(tempfile.gettempdir()) / f"tensix-{os.getuid()}"
    if create:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), None if it is gone:
    with the pid it identifies a process even after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def parent_pid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def alive(record: dict) -> bool:
    """Is the process that wrote `record` still the one running under its pid?"""
    start = process_start(record.get("pid", -1))
    return start is not None and start == record.get("pid_start")


def read_records(clean: bool = True) -> list[dict]:
    """Every live status record, oldest device first. Stale records (their process died without
    closing its Device) are skipped and, with `clean`, deleted."""
    d = runtime_dir(create=False)
    out = []
    for p in sorted(d.glob("device-*.json")) if d.is_dir() else []:
        try:
            rec = json.loads(p.read_text())
        except (OSError, ValueError):
            continue                     # being replaced right now, or not ours
        if not isinstance(rec, dict) or rec.get("version") != VERSION:
            continue
        if not alive(rec):
            if clean:
                try:
                    p.unlink()
                except OSError:
                    pass
            continue
        rec["_path"] = str(p)
        out.append(rec)
    out.sort(key=lambda r: (r.get("opened", 0), r.get("pid", 0), r.get("serial", 0)))
    return out


def _remove(path: Path, pid: int) -> None:
    if os.getpid() != pid:         # a forked child exiting: the record is its parent's
        return
    try:
        path.unlink()
    except OSError:
        pass


class StatusRecord:
    """The record of one open Device; the Device and its queues call ran() and publish()."""

    def __init__(self, device: "Device") -> None:
        self._device = weakref.ref(device)
        self.pid = os.getpid()
        self.pid_start = process_start(self.pid)
        self.opened = time.time()
        self.programs = 0
        self.kernel_cycles = 0
        self.busy_s = 0.0                # kernels plus dispatch
        self.transfer_s = 0.0            # host <-> device over PCIe
        self.bytes_written = 0
        self.bytes_read = 0
        self._last_run = None            # the last program's lazily parsed profile
        self._last_published = 0.0
        self._published_pid = -1
        self.writes = 0                  # records written (the throttle's test counts them)
        self.path: Path | None = None
        try:
            self.path = runtime_dir() / f"device-{self.pid}-{device.serial}.json"
        except OSError:                   # no writable runtime dir: the device works, smi will not see it
            self.path = None
        if self.path is not None:
            self._finalizer = weakref.finalize(device, _remove, self.path, self.pid)
        self.publish(force=True)

    # ---- what the device did -------------------------------------------------------------------
    def ran(self, cycles: int, dispatch_s: float, run) -> None:
        self.programs += 1
        self.kernel_cycles += cycles
        self.busy_s += cycles / self._aiclk() + dispatch_s
        self._last_run = run
        self.publish()

    def transferred(self, nbytes: int, seconds: float, write: bool) -> None:
        self.transfer_s += seconds
        if write:
            self.bytes_written += nbytes
        else:
            self.bytes_read += nbytes
        self.publish()

    def _aiclk(self) -> float:
        dev = self._device()
        return dev.arch.aiclk_hz if dev is not None else 1e9

    # ---- the file --------------------------------------------------------------------------------
    def publish(self, force: bool = False) -> None:
        dev = self._device()
        if self.path is None or dev is None or dev.closed or os.getpid() != self.pid:
            return
        now = time.monotonic()
        sim_pid = getattr(dev.backend, "pid", None)     # a restarted device process is published at once
        if not force and sim_pid == self._published_pid and now - self._last_published < PUBLISH_EVERY_S:
            return
        self._last_published, self._published_pid = now, sim_pid
        self.writes += 1
        try:
            text = json.dumps(self.snapshot(dev))
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(text)
            os.replace(tmp, self.path)
        except Exception:                 # a full /tmp or an odd backend must not break a run; smi shows less
            pass

    def snapshot(self, dev: "Device") -> dict:
        a = dev.arch
        util = {}
        last = None
        if self._last_run is not None:
            try:
                prof = self._last_run.get()
                util = {f"{x},{y}": round(u, 4) for (x, y), u in sorted(prof.core_utilization().items())}
                last = {"cycles": prof.cycles, "seconds": prof.seconds, "dram_bytes": prof.dram_bytes,
                        "noc_bytes": list(prof.noc_bytes), "flops": prof.flops}
            except Exception:             # a profile that cannot be parsed must not break the run
                util = {}
        used = {"l1": 0, "dram": 0}
        for b in list(dev._buffers):      # buffers take one address range in every bank of their memory
            if not b.freed:
                used[b.kind] += b.bytes_per_bank
        chip = getattr(dev.backend, "chip", None)
        sim_pid = getattr(dev.backend, "pid", None)
        counters = getattr(dev.backend, "cache_counters", None)    # hits / misses / path, no directory scan
        return {
            "version": VERSION, "pid": self.pid, "pid_start": self.pid_start, "serial": dev.serial,
            "argv": sys.argv[:8], "opened": self.opened, "updated": time.time(),
            "arch": a.name, "board": a.board, "grid": list(a.compute_grid), "aiclk_hz": a.aiclk_hz,
            "backend": dev.backend_name, "sim_pid": sim_pid, "sim_starts": getattr(chip, "generation", 0),
            "programs": self.programs, "kernel_cycles": self.kernel_cycles, "busy_s": self.busy_s,
            "transfer_s": self.transfer_s, "bytes_written": self.bytes_written, "bytes_read": self.bytes_read,
            "queues": [{"id": q.id, "commands": q.commands_run, "clock_s": q.clock_s} for q in dev.queues],
            "last_program": last, "core_utilization": util,
            "l1": {"banks": a.compute_grid[0] * a.compute_grid[1], "used_per_bank": used["l1"],
                   "bank_bytes": a.l1_size - a.l1_unreserved_base},
            "dram": {"banks": a.num_dram_banks, "used_per_bank": used["dram"],
                     "bank_bytes": a.dram_bank_size - a.dram_unreserved_base},
            "kernel_cache": counters() if counters is not None else {},
        }

    def close(self) -> None:
        if self.path is not None:
            self._finalizer()
