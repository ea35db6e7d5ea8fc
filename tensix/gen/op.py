"""An op: inputs, a configuration space with its constraints, and a lowering of one configuration to an
ordinary Program. `run` picks the configuration (given, searched, or the op's default), builds the
program, runs it and records what ran on the output tensor (`out.run`).

Search (`beam=k`, or TENSIX_BEAM=k in the environment): beam search over the configuration space. Each
candidate is timed by one timing-only run on the modelled clock (deterministic, so never repeated);
candidates that differ only in runtime args reuse the compiled kernels. The winner is run once
functionally and checked against the op's numpy reference, then cached on disk by (op, shapes,
dtypes, attributes, arch, tensix version) so the next process skips the search.
"""
from __future__ import annotations

import itertools
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import Program
from .tensor import Tensor


@dataclass
class Built:
    """One lowered configuration: the program, its generated C++ by kernel role, and the constant
    buffers it reads (masks, scalers) that live as long as it."""
    program: Program
    sources: dict[str, str]
    keep: list = field(default_factory=list)


@dataclass
class RunInfo:
    """What produced a tensor: the op, the configuration, the modelled time and the generated C++."""
    op: str
    config: dict
    time: Any                       # DeviceTime of the functional run
    sources: dict[str, str]
    searched: dict | None = None    # search report: default_us, best_us, candidates, search_s, cached
    tolerance: tuple = (0.0, 0.0)   # (relative, fraction of the largest value) error bound vs exact math
    parts: list = field(default_factory=list)   # the RunInfo of each program when an op ran as several

    def __str__(self) -> str:
        if self.parts:
            return f"{self.op}: " + "; ".join(str(p) for p in self.parts)
        s = f"{self.op} {self.config}: {self.time}"
        if self.searched:
            r = self.searched
            s += (f"  [search: default {r['default_us']:.2f} us -> best {r['best_us']:.2f} us, "
                  f"{r['candidates']} candidates, {r['search_s']:.1f} s{', cached' if r['cached'] else ''}]")
        return s


class Op:
    """Base class. Subclasses set `name`, `inputs` and implement the methods below."""
    name = "op"
    inputs: list[Tensor]

    # -- what the subclasses provide --------------------------------------------------------------
    def key(self) -> dict:
        """Everything besides the config that decides the lowering (shapes, dtypes, attributes)."""
        return {"in": [(t.shape, t.dtype, t.layout, t.memory) for t in self.inputs]}

    def out_spec(self) -> tuple[tuple, str]:
        raise NotImplementedError

    def space(self) -> dict[str, list]:
        """Axis -> ordered list of values. A configuration takes one value per axis."""
        raise NotImplementedError

    def check(self, cfg: dict) -> str | None:
        """Why `cfg` cannot be built (L1, DST, arg limits, divisibility), or None."""
        return None

    def default(self) -> dict:
        raise NotImplementedError

    def build(self, cfg: dict, out: Tensor) -> Built:
        raise NotImplementedError

    def reference(self, *arrays: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def tolerance(self, cfg: dict) -> tuple[float, float]:
        """(relative, absolute-to-the-largest-reference-value) bound for verify()."""
        return 2.0 ** -6, 2.0 ** -6

    # -- shared -------------------------------------------------------------------------------------
    @property
    def device(self):
        return self.inputs[0].device

    def valid(self, cfg: dict) -> bool:
        return self.check(cfg) is None

    def configs(self):
        """Every valid configuration (the whole enumerated space, constraints applied)."""
        axes = self.space()
        for values in itertools.product(*axes.values()):
            cfg = dict(zip(axes, values))
            if self.valid(cfg):
                yield cfg

    def verify(self, out: Tensor, cfg: dict) -> tuple[bool, float]:
        ref = self.reference(*[t.numpy() for t in self.inputs]).astype(np.float64)
        got = out.numpy().astype(np.float64)
        rel, ab = self.tolerance(cfg)
        scale = float(np.abs(ref).max()) if ref.size else 0.0
        ok_mask = np.isclose(got, ref, rtol=rel, atol=ab * max(scale, 1e-30)) | (np.isnan(ref) & np.isnan(got))
        err = float(np.nanmax(np.abs(got - ref)) / max(scale, 1e-30)) if ref.size else 0.0
        return bool(ok_mask.all()), err


# ---- the winners' cache -------------------------------------------------------------------------------
def cache_path() -> Path:
    base = os.environ.get("TENSIX_CACHE") or str(Path.home() / ".cache" / "tensix")
    return Path(base) / "gen_winners.json"


def _cache_key(op: Op) -> str:
    from .. import __version__
    return json.dumps([op.name, op.key(), op.device.arch.board, __version__], sort_keys=True, default=str)


def _cache_load() -> dict:
    try:
        return json.loads(cache_path().read_text())
    except (OSError, ValueError):
        return {}


def _cache_store(key: str, value: dict) -> None:
    p = cache_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    data = _cache_load()
    data[key] = value
    tmp = p.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, p)


# ---- running ------------------------------------------------------------------------------------------
def _debug_level() -> int:
    try:
        return int(os.environ.get("TENSIX_DEBUG", "0") or 0)
    except ValueError:
        return 1


def beam_width(beam: int | None) -> int:
    if beam is not None:
        return int(beam)
    try:
        return int(os.environ.get("TENSIX_BEAM", "0") or 0)
    except ValueError:
        raise ValueError(f"TENSIX_BEAM={os.environ['TENSIX_BEAM']!r} is not an integer beam width") from None


def timed(op: Op, cfg: dict, out: Tensor) -> tuple[float, Built]:
    """Modelled seconds of one timing-only run of `cfg`."""
    built = op.build(cfg, out)
    t = op.device.queue.enqueue(built.program, timing_only=True)
    return t.seconds, built


def neighbours(op: Op, cfg: dict, reach: int = 1):
    """Configurations one axis away from `cfg` (up to `reach` steps along that axis's ordered values);
    where that move alone is invalid, the op's `repairs` (if it has them) that also change the axes
    tied to it by a constraint."""
    for axis, values in op.space().items():
        if cfg[axis] not in values:
            continue
        i = values.index(cfg[axis])
        for j in range(max(0, i - reach), min(len(values), i + reach + 1)):
            if j != i:
                c = dict(cfg, **{axis: values[j]})
                if op.valid(c):
                    yield c
                else:       # a move that breaks a constraint between axes: the op may re-route the rest
                    yield from getattr(op, "repairs", lambda c, axis: ())(c, axis)


def search(op: Op, out: Tensor, k: int, max_rounds: int = 16, max_candidates: int = 400, budget_s: float = 40.0,
           use_cache: bool = True) -> tuple[dict, dict]:
    """Beam search from the default (and the op's extra seeds): each round times every unseen
    neighbour (one axis moved by one or two steps) of the k best so far and keeps the k best; it stops
    when a round brings no improvement, or after max_candidates timings or budget_s seconds of host
    time. Returns (winner, report)."""
    key = _cache_key(op)
    hit = _cache_load().get(key) if use_cache else None
    if hit and set(hit["config"]) == set(op.space()) and op.valid(hit["config"]):   # (a winner of an older space: search)
        return hit["config"], dict(hit["report"], cached=True)
    t0 = time.perf_counter()
    seen: dict[str, float] = {}

    def spent() -> bool:
        return len(seen) >= max_candidates or time.perf_counter() - t0 > budget_s

    def cost(c: dict) -> float:
        h = json.dumps(c, sort_keys=True)
        if h not in seen:
            seen[h] = timed(op, c, out)[0]
        return seen[h]

    default = op.default()
    # one untimed run first: a device's first programs pay one-time costs in the model (kernel loads),
    # which would otherwise count against whichever candidate happens to run first
    timed(op, default, out)
    seeds = [default] + [s for s in getattr(op, "seeds", lambda: [])() if op.valid(s)]
    beam = sorted(seeds, key=cost)[:k]
    best, stale = cost(beam[0]), 0
    for _ in range(max_rounds):
        # the neighbours of every beam member, nearest first (the move along one axis), so a budget cut
        # keeps the most promising ones
        cands = sorted((c for b in beam for c in neighbours(op, b, reach=2)),
                       key=lambda c: sum(c[a] != beam[0][a] for a in c))
        for c in cands:
            if spent():
                break
            cost(c)
        pool = [json.loads(h) for h in seen]
        beam = sorted(pool, key=cost)[:k]
        if spent():
            break
        if cost(beam[0]) >= best:       # one round without improvement may still open a path: allow two
            stale += 1
            if stale >= 2:
                break
            beam = sorted(pool, key=cost)[k:2 * k] or beam       # widen: explore the next k
        else:
            stale = 0
        best = min(best, cost(beam[0]))
    ranked = sorted((json.loads(h) for h in seen), key=cost)
    report = {"default_us": cost(default) * 1e6, "candidates": len(seen), "search_s": 0.0}
    for cand in ranked[:3]:                   # the winner is verified functionally once
        built = op.build(cand, out)
        op.device.queue.enqueue(built.program)
        ok, err = op.verify(out, cand)
        if ok:
            report.update(best_us=cost(cand) * 1e6, search_s=time.perf_counter() - t0, verify_err=err)
            if use_cache:
                _cache_store(key, {"config": cand, "report": report})
            return cand, dict(report, cached=False)
        print(f"tensix.gen: {op.name} config {cand} failed verification (error {err:.3g}); trying the next",
              file=sys.stderr)
    raise RuntimeError(f"tensix.gen: the 3 fastest configurations of {op.name} failed verification against numpy; "
                       f"this is a lowering bug: run with config=... to bisect, and report the op key {key}")


def run(op: Op, config: dict | None = None, beam: int | None = None, out: Tensor | None = None) -> Tensor:
    """Run `op` with `config` (merged over the default), or the searched winner when beam > 0
    (argument, else TENSIX_BEAM), else the default. Returns the output tensor; `out.run` says what ran."""
    shape, dtype = op.out_spec()
    if out is None:
        out = Tensor.empty(op.device, shape, dtype)
    elif tuple(out.shape) != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{op.name}: out= is {out.shape} {out.dtype}, the op makes {shape} {dtype}")
    report = None
    k = beam_width(beam)
    if config is not None:
        cfg = dict(op.default(), **config)
        why = op.check(cfg)
        if why:
            raise ValueError(f"{op.name}: config {cfg} cannot be built: {why}")
    elif k > 0:
        cfg, report = search(op, out, k)
    else:
        cfg = op.default()
    built = op.build(cfg, out)
    t = op.device.queue.enqueue(built.program)
    out.run = RunInfo(op.name, cfg, t, built.sources, report, op.tolerance(cfg))
    if _debug_level() >= 2:
        print(f"---- tensix.gen {out.run}", file=sys.stderr)
        for role, src in built.sources.items():
            print(f"---- {op.name} {role} kernel ----\n{src}", file=sys.stderr)
    return out
