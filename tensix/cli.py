"""The `tensix` command: `tensix demo` runs the examples on the simulated chip; `tensix cache` shows or
clears the kernel cache."""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

DEMOS = ("add_integers", "loopback", "noc_tile_transfer", "multicast", "shard_sticks", "eltwise_add", "eltwise_sfpu",
         "sfpu_chain", "custom_sfpi", "matmul_multi_core", "matmul_mcast", "vecadd_sharding")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str):
    path = EXAMPLES / f"{name}.py"
    if not path.exists():
        raise SystemExit(f"tensix demo: example {path} not found; the demo runs from a source checkout "
                         f"(git clone ... && pip install -e . && tensix demo)")
    spec = importlib.util.spec_from_file_location(f"tensix_example_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def demo(archs: list[str]) -> int:
    from . import cache
    failed = 0
    for arch in archs:
        print(f"=== simulated {arch} ===")
        for name in DEMOS:
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tensix", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("demo", help="run the examples on the simulated chip, with modelled device time")
    d.add_argument("--arch", default="all", help="n150, n300, p150a, e150, or 'all' (default: n150, p150a, e150)")
    c = sub.add_parser("cache", help="show kernel-cache statistics")
    c.add_argument("--clear", action="store_true", help="delete every cached kernel")
    args = ap.parse_args(argv)
    if args.cmd == "demo":
        archs = ["n150", "p150a", "e150"] if args.arch == "all" else [args.arch]
        return demo(archs)
    from . import cache
    if args.clear:
        cache.clear()
    s = cache.stats()
    print(f"{s.path}: {s.entries} kernels, {s.bytes / 1e6:.1f} MB (cap {s.cap_bytes / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
