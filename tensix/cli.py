"""The `tensix` command: `tensix demo` runs the examples on the simulated chip; `tensix smi` shows the
simulated archs, the open devices and real cards; `tensix run SCRIPT.py` runs a script with every program's
trace, picture and command-queue history captured; `tensix profile TRACE.json` summarises a trace;
`tensix cache` shows or clears the kernel cache."""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

DEMOS = ("add_integers", "loopback", "noc_tile_transfer", "multicast", "shard_sticks", "eltwise_add", "eltwise_sfpu",
         "sfpu_chain", "custom_sfpi", "matmul_multi_core", "matmul_mcast", "vecadd_sharding")
EXAMPLES = Path(__file__).resolve().parent / "examples"      # shipped in the package (and ./examples)


def _load(name: str):
    path = EXAMPLES / f"{name}.py"
    if not path.exists():
        raise SystemExit(f"tensix demo: example {name!r} not found in {EXAMPLES}; the examples are "
                         f"{', '.join(DEMOS)}")
    spec = importlib.util.spec_from_file_location(f"tensix_example_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def demo(archs: list[str], only: list[str] | None = None) -> int:
    from . import cache
    failed = 0
    for arch in archs:
        print(f"=== simulated {arch} ===")
        for name in only or DEMOS:
            t = time.perf_counter()
            try:
                _load(name).main(arch)
            except SystemExit as e:
                if e.code not in (0, None):
                    failed += 1
                    print(f"{name}: FAILED ({e.code})")
            except Exception as e:  # show every failing example, not just the first
                failed += 1
                print(f"{name}: FAILED: {type(e).__name__}: {e}")
            print(f"    ({time.perf_counter() - t:.2f} s of host time)")
    s = cache.stats()
    print(f"kernel cache: {s.hits} hits, {s.misses} misses this run ({s.path})")
    return 1 if failed else 0


RUN_USAGE = "tensix run [--arch A] [--trace out.json] [--svg out.svg] [--queue] SCRIPT.py [script args]"


def _run_options(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--arch", help="the arch of every Device() the script opens without naming one (default n150)")
    ap.add_argument("--trace", metavar="OUT.json", help="write one Perfetto trace of every program and command queue")
    ap.add_argument("--svg", metavar="OUT.svg", help="write the grid picture of every program (OUT-1.svg, ... if several)")
    ap.add_argument("--queue", action="store_true", help="print every command queue's history when the script ends")


def run_script(args) -> int:
    """Run a user's script unchanged, as `python SCRIPT.py args` would, with the captures asked for."""
    import runpy
    import traceback
    from . import capture, device
    from .arch import get_arch
    # tensix options may also follow the script name (up to a `--`); everything else is the script's
    rest, tail = list(args.args), []
    if "--" in rest:
        i = rest.index("--")
        rest, tail = rest[:i], rest[i + 1:]
    late = argparse.ArgumentParser(prog="tensix run", add_help=False, allow_abbrev=False)
    _run_options(late)
    more, script_args = late.parse_known_args(rest)
    for k in ("arch", "trace", "svg"):
        if getattr(more, k) is not None:
            setattr(args, k, getattr(more, k))
    args.queue = args.queue or more.queue
    script = Path(args.script)
    if not script.is_file():
        print(f"tensix run: script {script} not found\nusage: {RUN_USAGE}", file=sys.stderr)
        return 2
    for out in (args.trace, args.svg):          # before the run, so a typo cannot lose its captures
        if out and not Path(out).parent.is_dir():
            print(f"tensix run: the directory of {out} does not exist; create it or give another path", file=sys.stderr)
            return 2
    defaults = dict(device.DEFAULTS)
    if args.arch:
        try:
            device.DEFAULTS["arch"] = get_arch(args.arch).board
        except ValueError as e:
            print(f"tensix run: {e}", file=sys.stderr)
            return 2
    session = capture.Session()
    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [str(script), *script_args, *tail]
    sys.path.insert(0, str(script.resolve().parent))
    code = 0
    try:
        with session:
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as e:
        if isinstance(e.code, int) or e.code is None:
            code = e.code or 0
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:  # the script's own error: show it as python would, then still write the captures
        traceback.print_exc()
        code = 1
    finally:
        sys.argv, sys.path[:] = old_argv, old_path
        device.DEFAULTS.update(defaults)
    sys.stdout.flush()
    if args.queue:
        print("\n--- command queues (tensix run --queue) ---")
        print(session.queue_report())
    if args.trace:
        session.save_trace(args.trace)
        n = len(session.traced)
        print(f"tensix run: trace of {n} programs and {len(session.commands)} queue commands written to {args.trace} "
              f"(open it at ui.perfetto.dev; `tensix profile {args.trace}` summarises it)")
    if args.svg:
        paths = session.save_svgs(args.svg)
        for p, name in zip(paths, session.picture_names()):
            print(f"tensix run: grid picture of {name} written to {p}")
        if not paths:
            print("tensix run: no program ran, no picture written")
    return code


def profile_summary(path: str) -> int:
    import json
    from . import capture
    try:
        trace = json.loads(Path(path).read_text())
        print(capture.summarize(trace))
    except (OSError, ValueError) as e:
        print(f"tensix profile: cannot read {path}: {e}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tensix", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sm = sub.add_parser("smi", help="simulated archs, open tensix devices, real cards; `smi reset [pid|all]`")
    sm.add_argument("action", nargs="?", choices=("show", "reset"), help="reset: restart simulated devices' simulators")
    sm.add_argument("target", nargs="?", help="for reset: a pid, or 'all' (default)")
    sm.add_argument("--json", action="store_true", help="a snapshot in tt-smi's JSON shape, every metric with its unit")
    sm.add_argument("--watch", nargs="?", type=float, const=1.0, metavar="S", help="refresh every S seconds (default 1)")
    sm.add_argument("--count", type=int, default=0, help="with --watch: stop after this many refreshes")
    r = sub.add_parser("run", help="run a Python script with every program captured", usage=RUN_USAGE)
    _run_options(r)
    r.add_argument("script")
    r.add_argument("args", nargs=argparse.REMAINDER)
    pr = sub.add_parser("profile", help="text summary of a trace: programs, cores, top waits, busiest links")
    pr.add_argument("trace")
    d = sub.add_parser("demo", help="run the examples on the simulated chip, with modelled device time")
    d.add_argument("--arch", default="all", help="n150, n300, p150a, e150, or 'all' (default: n150, p150a, e150)")
    d.add_argument("--only", metavar="NAME[,NAME]", help="run only these examples")
    c = sub.add_parser("cache", help="show kernel-cache statistics")
    c.add_argument("--clear", action="store_true", help="delete every cached kernel")
    args = ap.parse_args(argv)
    if args.cmd == "demo":
        archs = ["n150", "p150a", "e150"] if args.arch == "all" else [args.arch]
        return demo(archs, args.only.split(",") if args.only else None)
    if args.cmd == "smi":
        from . import smi
        return smi.main(args)
    if args.cmd == "run":
        return run_script(args)
    if args.cmd == "profile":
        return profile_summary(args.trace)
    from . import cache
    if args.clear:
        cache.clear()
    s = cache.stats()
    print(f"{s.path}: {s.entries} kernels, {s.bytes / 1e6:.1f} MB (cap {s.cap_bytes / 1e6:.0f} MB); {s.prelude}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
