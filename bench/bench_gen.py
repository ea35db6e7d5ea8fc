"""tensix.gen: the default configuration against the beam-searched one, per op, on the modelled clock.

For each case: the op's default config and the search winner (beam search on timing-only runs, no
disk cache, so search_s is the real host cost), the winner verified against numpy, FPU utilization
of the winner against the grid's peak at the case's fidelity (matmul: 2*M*K*N / (time * cores *
4096/phases FLOP per cycle)), DRAM traffic against the nominal DRAM peak (banks x bytes/cycle x clock),
and the generated 2048^3 matmul next to the hand-written examples/matmul_mcast.py kernels.
All times are modelled device microseconds on this branch's clock: kernel cycles plus the program's
dispatch (what the search ranks by); FPU and DRAM fractions are of the kernel cycles alone.

    python bench/bench_gen.py [--json FILE] [--beam K] [--quick] [--only TEXT]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tensix import Device  # noqa: E402
from tensix import gen  # noqa: E402
from tensix.gen.eltwise import Eltwise  # noqa: E402
from tensix.gen.matmul import Matmul  # noqa: E402
from tensix.gen.op import search  # noqa: E402
from tensix.gen.reduce import Reduce  # noqa: E402

PHASES = {"LoFi": 1, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}


def cases(quick: bool) -> list[dict]:
    mm = lambda arch, M, K, N, fid="HiFi4", batch=1, dtype="bf16": dict(  # noqa: E731
        op="matmul", arch=arch, shape=(batch, M, K, N) if batch > 1 else (M, K, N), dtype=dtype, fidelity=fid)
    el = lambda arch, shape, expr, dtype="bf16": dict(op="eltwise", arch=arch, shape=shape, expr=expr,  # noqa: E731
                                                       dtype=dtype, fidelity="-")
    rd = lambda arch, shape, how, axis: dict(op=f"reduce_{how}", arch=arch, shape=shape, axis=axis,  # noqa: E731
                                             dtype="bf16", fidelity="-")
    out = [mm("n150", 512, 512, 512), mm("n150", 2048, 2048, 2048), mm("n150", 2048, 2048, 2048, "LoFi"),
           mm("n150", 32, 4096, 4096), mm("n150", 128, 2048, 2048), mm("n150", 256, 1024, 4096),
           mm("n150", 256, 256, 256, batch=8), mm("n150", 1024, 1024, 1024, dtype="bfp8_b"),
           el("n150", (2048, 2048), "exp(a*b+c)"), el("n150", (4096, 2048), "a+b"),
           el("n150", (2048, 2048), "gelu", "bfp8_b"),
           rd("n150", (2048, 2048), "sum", -1), rd("n150", (2048, 2048), "max", -2),
           mm("p150a", 2048, 2048, 2048), mm("p150a", 64, 2048, 2048),
           el("p150a", (2048, 2048), "exp(a*b+c)"), rd("p150a", (2048, 2048), "sum", -1)]
    if not quick:
        out.insert(2, mm("n150", 4096, 4096, 4096))
    return out


def make_op(dev, case, rng):
    def t(shape, dtype=case["dtype"]):
        return gen.from_numpy(dev, rng.uniform(-1, 1, shape).astype(np.float32), dtype)
    if case["op"] == "matmul":
        *b, M, K, N = case["shape"]
        return Matmul(t((*b, M, K)), t((K, N)), fidelity=case["fidelity"])
    if case["op"] == "eltwise":
        shape = case["shape"]
        if case["expr"] == "exp(a*b+c)":
            return Eltwise(lambda a, b, c: (a * b + c).exp(), [t(shape), t(shape), t((1, shape[1]))])
        if case["expr"] == "a+b":
            return Eltwise(lambda a, b: a + b, [t(shape), t(shape)])
        return Eltwise(lambda a: a.gelu(), [t(shape)])
    return Reduce(t(case["shape"]), case["op"].split("_")[1], case["axis"])


def measure(dev, case, beam: int, rng) -> dict:
    op = make_op(dev, case, rng)
    shape, dtype = op.out_spec()
    out = gen.empty(dev, shape, dtype)
    cfg, rep = search(op, out, beam, use_cache=False)
    best = op.build(cfg, out)
    t = dev.queue.enqueue(best.program, timing_only=True)
    p = t.profile
    secs = t.cycles / dev.arch.aiclk_hz
    cores = dev.grid.x * dev.grid.y
    if case["op"] == "matmul":
        *b, M, K, N = case["shape"]
        flops = 2 * M * K * N * (b[0] if b else 1)
        fpu = flops / (secs * cores * 4096 / PHASES[case["fidelity"]] * dev.arch.aiclk_hz)
    else:
        fpu = p.fpu_utilization
    dram_peak = dev.arch.num_dram_banks * dev.arch.dram_bank_bytes_per_cycle * dev.arch.aiclk_hz
    ok, err = op.verify(out, cfg)       # the search left the verified winner's result in `out`
    return {"op": case["op"] + (f" {case['expr']}" if "expr" in case else ""), "shape": list(case["shape"]),
            "dtype": case["dtype"], "fidelity": case["fidelity"], "arch": case["arch"],
            "default_us": round(rep["default_us"], 3), "best_us": round(rep["best_us"], 3),
            "speedup": round(rep["default_us"] / rep["best_us"], 3), "fpu_util": round(fpu, 4),
            "dram_fraction": round(p.dram_bytes / secs / dram_peak, 4), "search_s": round(rep["search_s"], 2),
            "candidates": rep["candidates"], "correct": bool(ok), "max_err": float(f"{err:.3g}"), "config": cfg}


def handwritten_2048(dev) -> float:
    """examples/matmul_mcast.py's kernels at 2048^3 (8x8 grid), timing-only, modelled seconds."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_model import mcast_matmul
    _, device_s, profiles = mcast_matmul(dev, 2048, 2048, 2048, passes=1)
    return profiles[0].cycles / dev.arch.aiclk_hz


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write one object per case to this file")
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--quick", action="store_true", help="skip the 4096^3 case")
    ap.add_argument("--only", help="run the cases whose 'arch op shape dtype fidelity' contains this text")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    rows, devs = [], {}
    t_all = time.perf_counter()
    hand = None
    try:
        for case in cases(args.quick):
            label = f"{case['arch']} {case['op']} {'x'.join(map(str, case['shape']))} {case['dtype']} {case['fidelity']}"
            if args.only and args.only not in label:
                continue
            dev = devs.get(case["arch"]) or devs.setdefault(case["arch"], Device(case["arch"]))
            r = measure(dev, case, args.beam, rng)
            rows.append(r)
            print(f"{r['arch']:6} {r['op']:18} {'x'.join(map(str, r['shape'])):18} {r['dtype']:7} {r['fidelity']:5} "
                  f"default {r['default_us']:9.1f} us  best {r['best_us']:9.1f} us  x{r['speedup']:.2f}  "
                  f"FPU {r['fpu_util'] * 100:5.1f}%  DRAM {r['dram_fraction'] * 100:5.1f}%  "
                  f"search {r['search_s']:5.1f} s / {r['candidates']:3} cand  {'ok' if r['correct'] else 'WRONG'}",
                  flush=True)
        if not args.only:
            hand = handwritten_2048(devs["n150"])
    finally:
        for d in devs.values():
            d.close()
    if not rows:
        sys.exit(f"no case matches --only {args.only!r}")
    if not args.only:           # the summary needs the whole set of cases
        summary(rows, hand)
    print(f"\nmedian speedup of search over the default: {statistics.median(r['speedup'] for r in rows):.2f}x over "
          f"{len(rows)} cases; max search time {max(r['search_s'] for r in rows):.1f} s; all correct: "
          f"{all(r['correct'] for r in rows)}; total {time.perf_counter() - t_all:.0f} s")
    if args.json:
        extra = [] if hand is None else [{"op": "matmul (examples/matmul_mcast.py, hand-written)",
                                          "shape": [2048, 2048, 2048], "dtype": "bf16", "fidelity": "HiFi4",
                                          "arch": "n150", "best_us": round(hand * 1e6, 3), "reference": True}]
        Path(args.json).write_text(json.dumps(rows + extra, indent=1))
        print(f"wrote {args.json}")


def summary(rows: list[dict], hand: float) -> None:
    """The generated 2048^3 matmul beside the hand-written one, and the FPU targets."""
    gen2048 = next(r for r in rows if r["op"] == "matmul" and r["arch"] == "n150" and r["shape"] == [2048] * 3
                   and r["fidelity"] == "HiFi4")
    print()
    print("2048^3 bf16 HiFi4 matmul on the n150 8x8 grid, modelled kernel time:")
    print(f"  examples/matmul_mcast.py (hand-written)   {hand * 1e6:9.1f} us")
    print(f"  tensix.gen default config                 {gen2048['default_us']:9.1f} us")
    print(f"  tensix.gen searched config                {gen2048['best_us']:9.1f} us   "
          f"({hand * 1e6 / gen2048['best_us']:.2f}x the hand-written kernels)")
    print("FPU utilization targets (searched config, n150 8x8 grid, bf16 HiFi4):")
    for n, goal in ((2048, 0.90), (4096, 0.92)):
        r = next((r for r in rows if r["op"] == "matmul" and r["arch"] == "n150" and r["shape"] == [n] * 3
                  and r["fidelity"] == "HiFi4" and r["dtype"] == "bf16"), None)
        verdict = "not run (--quick)" if r is None else f"{r['fpu_util'] * 100:5.1f}%  {'met' if r['fpu_util'] >= goal else 'MISSED'}"
        print(f"  {n}^3 >= {goal * 100:.0f}%: {verdict}")


if __name__ == "__main__":
    main()
