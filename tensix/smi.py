"""`tensix smi`: the simulated archs, every tensix Device open on this machine (from the status records
of tensix/status.py), and real Tenstorrent cards (from sysfs and /dev/tenstorrent, no driver library).

`snapshot()` is the JSON of `tensix smi --json`, with tt-smi's top-level shape (time, host_info,
host_sw_vers, device_info[], processes[]); every metric in it is {"value": v, "unit": u}. The text
view is drawn from the same snapshot.
"""
from __future__ import annotations

import datetime
import os
import platform
import signal
import sys
import time
from pathlib import Path

from . import status
from .arch import ARCHS

TT_VENDOR = "0x1e52"
# PCI device ids of Tenstorrent chips (as the tt-kmd driver's id table lists them)
TT_DEVICES = {"0xfaca": "grayskull", "0x401e": "wormhole", "0xb140": "blackhole"}
RESET_TOOL = "tt-smi -r <device id>  (tenstorrent/tt-smi; the tt-kmd driver must be loaded)"


def m(value, unit: str) -> dict:
    """A metric: a number with its unit."""
    return {"value": value, "unit": unit}


# ---- real cards -------------------------------------------------------------------------------
def real_cards(sys_root: str | Path = "/sys", dev_root: str | Path = "/dev") -> list[dict]:
    """Tenstorrent PCI functions (vendor 0x1e52) and the /dev/tenstorrent/N nodes of the driver."""
    sys_root, dev_root = Path(sys_root), Path(dev_root)
    nodes = sorted((dev_root / "tenstorrent").glob("*")) if (dev_root / "tenstorrent").is_dir() else []
    node_of = {}
    for n in nodes:             # /sys/class/tenstorrent/tenstorrent!N/device -> the PCI function
        link = sys_root / "class" / "tenstorrent" / f"tenstorrent!{n.name}" / "device"
        try:
            node_of[Path(os.path.realpath(link)).name] = str(n)
        except OSError:
            pass
    cards = []
    for d in sorted((sys_root / "bus" / "pci" / "devices").glob("*")):
        try:
            if (d / "vendor").read_text().strip().lower() != TT_VENDOR:
                continue
            device = (d / "device").read_text().strip().lower()
        except OSError:
            continue
        card = {"bus_id": d.name, "vendor": TT_VENDOR, "device": device,
                "arch": TT_DEVICES.get(device, "unknown Tenstorrent device"), "dev_node": node_of.get(d.name)}
        for key, unit, name in (("current_link_speed", "GT/s", "pcie_link_speed"),
                                ("current_link_width", "lanes", "pcie_link_width")):
            try:
                text = (d / key).read_text().split()[0]
                card[name] = m(float(text) if "." in text else int(text), unit)
            except (OSError, ValueError, IndexError):
                pass
        cards.append(card)
    seen = {c["dev_node"] for c in cards}
    for n in nodes:             # a node whose PCI function we could not match
        if str(n) not in seen:
            cards.append({"bus_id": None, "vendor": TT_VENDOR, "device": None, "arch": "unknown", "dev_node": str(n)})
    return cards


# ---- the snapshot -----------------------------------------------------------------------------
def _distro() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 2)
    except OSError:
        pass
    return None


def _driver() -> str:
    try:
        return "tt-kmd " + Path("/sys/module/tenstorrent/version").read_text().strip()
    except OSError:
        return "none (no tt-kmd loaded)"


def _archs() -> list[dict]:
    out, seen = [], set()
    for a in ARCHS.values():
        if a.board in seen:
            continue
        seen.add(a.board)
        out.append({"board_type": a.board, "arch": a.name, "grid": f"{a.compute_grid[0]}x{a.compute_grid[1]}",
                    "worker_cores": m(a.compute_grid[0] * a.compute_grid[1], "cores"),
                    "l1_per_core": m(a.l1_size, "B"), "dram_banks": m(a.num_dram_banks, "banks"),
                    "dram_per_bank": m(a.dram_bank_size, "B"), "aiclk": m(a.aiclk_hz / 1e6, "MHz"),
                    "pcie_write": m(a.timing.host_write_gbps, "GB/s"), "pcie_read": m(a.timing.host_read_gbps, "GB/s")})
    return out


def _cache(path: str, sizes: dict) -> dict:
    """Entries and bytes of the kernel cache at `path` (scanned here, once per path)."""
    if path not in sizes:
        n = b = 0
        root = Path(path) / "kernels"
        for e in root.iterdir() if root.is_dir() else []:
            if e.name.startswith("."):
                continue
            try:
                b += sum(f.stat().st_size for f in e.iterdir())
                n += 1
            except OSError:
                continue
        sizes[path] = (n, b)
    return {"entries": m(sizes[path][0], "kernels"), "size": m(sizes[path][1], "B")}


def _sim_device(r: dict, now: float, sizes: dict) -> dict:
    us = 1e6
    util = [{"core": c, "busy": m(round(u * 100, 1), "%")} for c, u in r.get("core_utilization", {}).items()]
    mem = {}
    for kind in ("l1", "dram"):
        x = r[kind]
        mem[kind] = {"banks": m(x["banks"], "banks"), "allocated_per_bank": m(x["used_per_bank"], "B"),
                     "size_per_bank": m(x["bank_bytes"], "B"),
                     "allocated_total": m(x["used_per_bank"] * x["banks"], "B"),
                     "note": "buffers take the same address range in every bank"}
    kc = r["kernel_cache"]
    last = r.get("last_program")
    sim = r.get("sim_pid")
    return {
        "board_info": {"bus_id": f"sim:{r['pid']}.{r['serial']}", "board_type": r["board"], "arch": r["arch"],
                       "simulated": True, "grid": f"{r['grid'][0]}x{r['grid'][1]}", "pid": r["pid"]},
        "telemetry": {
            "aiclk": m(r["aiclk_hz"] / 1e6, "MHz"),
            "programs_run": m(r["programs"], "programs"),
            "busy_time": m(round(r["busy_s"] * us, 3), "us"),
            "kernel_cycles": m(r["kernel_cycles"], "cycles"),
            "transfer_time": m(round(r["transfer_s"] * us, 3), "us"),
            "host_to_device": m(r["bytes_written"], "B"),
            "device_to_host": m(r["bytes_read"], "B"),
            "open_for": m(round(now - r["opened"], 1), "s"),
            "record_age": m(round(now - r["updated"], 2), "s"),
        },
        "last_program": None if last is None else {
            "time": m(round(last["seconds"] * us, 3), "us"), "dram_traffic": m(last["dram_bytes"], "B"),
            "noc0_traffic": m(last["noc_bytes"][0], "B"), "noc1_traffic": m(last["noc_bytes"][1], "B"),
            "flops": m(last["flops"], "FLOP")},
        "core_utilization": util,
        "memory": mem,
        "queues": [{"id": q["id"], "commands": m(q["commands"], "commands"), "clock": m(round(q["clock_s"] * us, 3), "us")}
                   for q in r.get("queues", [])],
        "kernel_cache": {"path": kc.get("path", "-"), "hits": m(kc.get("hits", 0), "kernels"),
                         "misses": m(kc.get("misses", 0), "kernels"), **_cache(kc.get("path", "-"), sizes)},
        "simulator": {"sim_pid": sim if sim and not _gone(sim) else None, "starts": m(r.get("sim_starts", 0), "starts")},
    }


def _real_device(c: dict) -> dict:
    tel = {k: c[k] for k in ("pcie_link_speed", "pcie_link_width") if k in c}
    return {"board_info": {"bus_id": c["bus_id"], "board_type": c["arch"], "arch": c["arch"], "simulated": False,
                           "vendor": c["vendor"], "device": c["device"], "dev_node": c["dev_node"]},
            "telemetry": tel, "reset": RESET_TOOL}


def snapshot(sys_root="/sys", dev_root="/dev") -> dict:
    from . import __version__
    recs = status.read_records()
    now = time.time()
    procs: dict[int, dict] = {}
    sizes: dict = {}
    for r in recs:
        p = procs.setdefault(r["pid"], {"pid": r["pid"], "command": " ".join(r.get("argv", [])), "devices": [],
                                        "sim_pids": []})
        p["devices"].append(f"sim:{r['pid']}.{r['serial']}")
        if r.get("sim_pid"):
            p["sim_pids"].append(r["sim_pid"])
    try:
        import numpy
        npv = numpy.__version__
    except ImportError:
        npv = "missing"
    return {
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_info": {"OS": platform.system(), "Distro": _distro(), "Kernel": platform.release(),
                      "Hostname": platform.node(), "Platform": platform.machine(), "Python": platform.python_version(),
                      "Memory": m(_memory_gib(), "GiB"), "Driver": _driver(),
                      "status_dir": str(status.runtime_dir(create=False)), "simulated_archs": _archs()},
        "host_sw_vers": {"tensix": __version__, "numpy": npv},
        "device_info": [_sim_device(r, now, sizes) for r in recs] + [_real_device(c) for c in real_cards(sys_root, dev_root)],
        "processes": list(procs.values()),
    }


# ---- text ---------------------------------------------------------------------------------------
def _mib(b: int) -> str:
    return f"{b / 2**20:.2f} MiB" if b >= 2**20 else f"{b / 1024:.1f} KiB"


def _grid(d: dict) -> list[str]:
    """Per-core utilisation of the last program as a grid of percentages."""
    util = {c["core"]: c["busy"]["value"] for c in d["core_utilization"]}
    if not util:
        return ["    cores: no program has run yet"]
    gx, gy = (int(v) for v in d["board_info"]["grid"].split("x"))
    lines = ["    per-core busy % of the last program (x across, y down; . = idle):",
             "         " + "".join(f"{x:>5}" for x in range(gx))]
    for y in range(gy):
        row = "".join(f"{util[f'{x},{y}']:5.0f}" if f"{x},{y}" in util else "    ." for x in range(gx))
        lines.append(f"    {y:>4} {row}")
    return lines


def render(s: dict) -> str:
    h = s["host_info"]
    out = [f"tensix smi {s['host_sw_vers']['tensix']}   {s['time']}   {h['Hostname']} ({h['Distro']}, "
           f"Linux {h['Kernel']}, Python {h['Python']}, numpy {s['host_sw_vers']['numpy']})", "",
           "Simulated archs:"]
    for a in h["simulated_archs"]:
        out.append(f"  {a['board_type']:6} {a['arch']:12} {a['grid']:>5} cores  L1 {_mib(a['l1_per_core']['value'])}/core  "
                   f"DRAM {a['dram_banks']['value']} x {_mib(a['dram_per_bank']['value'])}  AICLK {a['aiclk']['value']:g} MHz  "
                   f"PCIe {a['pcie_write']['value']:g}/{a['pcie_read']['value']:g} GB/s")
    sims = [d for d in s["device_info"] if d["board_info"]["simulated"]]
    reals = [d for d in s["device_info"] if not d["board_info"]["simulated"]]
    out += ["", f"Open tensix devices: {len(sims)}" + ("" if sims else f" (status records in {h['status_dir']})")]
    for d in sims:
        b, t, mem = d["board_info"], d["telemetry"], d["memory"]
        sim = d["simulator"]
        simtxt = f"simulator pid {sim['sim_pid']}" if sim["sim_pid"] else "simulator not running (starts on the next command)"
        out.append(f"  {b['bus_id']:18} {b['board_type']:6} {b['arch']:12} pid {b['pid']}  {simtxt}, "
                   f"started {sim['starts']['value']}x")
        out.append(f"    programs {t['programs_run']['value']}   modelled busy {t['busy_time']['value']:.3f} us "
                   f"({t['kernel_cycles']['value']} kernel cycles + dispatch)   PCIe {t['transfer_time']['value']:.3f} us "
                   f"({_mib(t['host_to_device']['value'])} in, {_mib(t['device_to_host']['value'])} out)   "
                   f"open {t['open_for']['value']} s")
        for kind, label in (("l1", "L1  "), ("dram", "DRAM")):
            x = mem[kind]
            used, size = x["allocated_per_bank"]["value"], x["size_per_bank"]["value"]
            out.append(f"    {label} allocated {_mib(used)} of {_mib(size)} allocatable per bank ({100 * used / size:.1f}%) "
                       f"in each of {x['banks']['value']} banks")
        q = "   ".join(f"cq{x['id']}: {x['commands']['value']} commands, at {x['clock']['value']:.3f} us" for x in d["queues"])
        out.append(f"    queues: {q}")
        last = d["last_program"]
        if last:
            out.append(f"    last program: {last['time']['value']:.3f} us of kernels, DRAM {_mib(last['dram_traffic']['value'])}, "
                       f"NoC0 {_mib(last['noc0_traffic']['value'])}, NoC1 {_mib(last['noc1_traffic']['value'])}, "
                       f"{last['flops']['value'] / 1e6:.1f} MFLOP")
        kc = d["kernel_cache"]
        out.append(f"    kernel cache {kc['path']}: {kc['entries']['value']} kernels, {_mib(kc['size']['value'])}; "
                   f"this process {kc['hits']['value']} hits, {kc['misses']['value']} misses")
        out += _grid(d)
    out += ["", f"Real Tenstorrent cards: {len(reals)}" + ("" if reals else
            " (none: no PCI device with vendor 0x1e52 in /sys/bus/pci/devices, no /dev/tenstorrent)")]
    for d in reals:
        b, t = d["board_info"], d["telemetry"]
        link = ""
        if "pcie_link_speed" in t:
            link = f"  PCIe {t['pcie_link_speed']['value']} GT/s"
            if "pcie_link_width" in t:
                link += f" x{t['pcie_link_width']['value']}"
        out.append(f"  {b['bus_id'] or '?':14} {b['arch']:10} device {b['device']}  node {b['dev_node'] or '-'}{link}")
    if s["processes"]:
        out += ["", "Processes:"]
        for p in s["processes"]:
            out.append(f"  pid {p['pid']:<8} {', '.join(p['devices'])}  {p['command'][:70]}")
    return "\n".join(out)


# ---- reset ------------------------------------------------------------------------------------
def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")     # a zombie: dead, waiting for its parent to notice


def reset(target: str, sys_root="/sys", dev_root="/dev") -> int:
    """Restart the simulator process of the devices of one process (a pid) or of all. Exit code 0 when
    every chosen device was reset or had nothing running, 1 when none matched or one could not be reset."""
    recs = status.read_records()
    cards = real_cards(sys_root, dev_root)
    if target == "all":
        chosen = recs
    else:
        try:
            pid = int(target)
        except ValueError:
            if any(c["bus_id"] == target or c["dev_node"] == target for c in cards):
                print(f"tensix smi reset: {target} is a real Tenstorrent card; tensix does not reset real cards: "
                      f"use {RESET_TOOL}")
            else:
                print(f"tensix smi reset: {target!r} is not a pid or 'all'")
            return 1
        chosen = [r for r in recs if r["pid"] == pid]
    if not chosen:
        where = "on this machine" if target == "all" else f"in process {target}"
        print(f"tensix smi reset: no open tensix device {where}; nothing was reset")
    rc = 0 if chosen else 1
    for r in chosen:
        label = f"sim:{r['pid']}.{r['serial']} ({r['board']}, pid {r['pid']})"
        sp = r.get("sim_pid")
        if not sp or _gone(sp):
            print(f"{label}: no simulator process running; nothing to restart (a fresh one starts on its next command)")
            continue
        if status.parent_pid(sp) != r["pid"]:
            print(f"{label}: NOT reset: process {sp} is no longer this device's simulator (the record is older than "
                  f"the device's last restart); run tensix smi reset again")
            rc = 1
            continue
        try:
            os.kill(sp, signal.SIGKILL)
        except OSError as e:
            print(f"{label}: NOT reset: could not stop simulator process {sp}: {e}")
            rc = 1
            continue
        deadline = time.monotonic() + 5
        while not _gone(sp) and time.monotonic() < deadline:
            time.sleep(0.01)
        if not _gone(sp):
            print(f"{label}: NOT reset: simulator process {sp} is still running 5 s after SIGKILL")
            rc = 1
            continue
        print(f"{label}: reset: stopped its simulator process {sp}. Its next command starts a fresh simulator and "
              f"loads the kernels again; L1 and DRAM contents are kept (they belong to the host process); a program "
              f"running at this moment fails with DeviceError")
    if target == "all":
        for c in cards:
            print(f"real card {c['bus_id'] or c['dev_node']} ({c['arch']}): not reset by tensix; use {RESET_TOOL}")
    return rc


def main(args) -> int:
    """`tensix smi [--json] [--watch [S]] [--count N]` and `tensix smi reset [pid|all]`."""
    import json
    if args.action == "reset":
        return reset(args.target or "all")
    if args.action not in (None, "show"):
        print(f"tensix smi: unknown action {args.action!r}; use `tensix smi`, `tensix smi --json` or "
              f"`tensix smi reset [pid|all]`", file=sys.stderr)
        return 2
    frames = 0
    while True:
        s = snapshot()
        text = json.dumps(s, indent=2) if args.json else render(s)
        if args.watch is not None and sys.stdout.isatty():
            sys.stdout.write("\x1b[H\x1b[2J")
        print(text, flush=True)
        frames += 1
        if args.watch is None or (args.count and frames >= args.count):
            return 0
        try:
            time.sleep(args.watch)
        except KeyboardInterrupt:
            return 0
