"""How much the modelled results lean on the clock's unsourced constants ("tensix choice" in
tensix/arch.py): each such constant that shapes data movement is halved and doubled, and a read-bound,
a stream-bound and two matmul workloads (tensix.gen's default and searched-style configs) are timed
again on n150 (modelled kernel time, relative to the shipped constants). A result that moves a lot with a constant the documents do not give is a result to
report with that caveat.

    python bench/sensitivity.py
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tensix import Device, gen  # noqa: E402
from tensix.arch import ARCHS  # noqa: E402
from tensix.gen.eltwise import Eltwise  # noqa: E402
from tensix.gen.matmul import Matmul  # noqa: E402
from tensix.gen.reduce import Reduce  # noqa: E402

CONSTANTS = ("noc_max_outstanding", "dram_latency_cycles", "l1_latency_cycles", "noc_cmd_cycles")


def workloads(dev, rng):
    def t(shape):
        return gen.from_numpy(dev, rng.uniform(-1, 1, shape).astype(np.float32))
    x = t((2048, 2048))
    yield "reduce sum 2048^2 (other_noc 4)", Reduce(x, "sum", -1), {"block": 4, "depth": 4, "inflight": 4, "other_noc": 4}
    yield "eltwise a+b 2048^2 (default)", Eltwise(lambda a, b: a + b, [x, t((2048, 2048))]), {}
    yield "matmul 32x4096x4096 (default)", Matmul(t((32, 4096)), t((4096, 4096))), {}
    yield "matmul 2048^3 HiFi4 (default)", Matmul(x, t((2048, 2048))), {}
    yield "matmul 2048^3 LoFi (pre, 2x4)", Matmul(x, t((2048, 2048)), fidelity="LoFi"), \
        {"pre": 1, "sub_h": 2, "sub_w": 4, "l1_acc": 0}


def measure(arch) -> list[tuple[str, float]]:
    out = []
    with Device(arch) as dev:
        for name, op, extra in workloads(dev, np.random.default_rng(0)):
            res = gen.empty(dev, *op.out_spec())
            prog = op.build({**op.default(), **extra}, res).program
            out.append((name, dev.queue.enqueue(prog, timing_only=True).cycles / dev.arch.aiclk_hz * 1e6))
    return out


def main() -> None:
    base = ARCHS["n150"]
    ref = measure(base)
    names = [n for n, _ in ref]
    print(f"{'constant (n150 value)':34} {'x':>4}  " + "  ".join(f"{n[:30]:>30}" for n in names))
    print(f"{'(as shipped)':34} {'1':>4}  " + "  ".join(f"{v:27.1f} us" for _, v in ref))
    for c in CONSTANTS:
        v0 = getattr(base.timing, c)
        for f in (0.5, 2.0):
            timing = dataclasses.replace(base.timing, **{c: max(1, int(round(v0 * f)))})
            got = measure(dataclasses.replace(base, timing=timing))
            cells = "  ".join(f"{g / r:29.2f}x" for (_, g), (_, r) in zip(got, ref))
            print(f"{c + f' ({v0})':34} {f:>4}  {cells}")


if __name__ == "__main__":
    main()
