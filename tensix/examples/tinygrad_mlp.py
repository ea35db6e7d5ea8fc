"""Train a small MLP with tinygrad on the simulated Tensix chip (the TT device).

The data is generated here: 3 interleaved spirals of 2-D points (192 points), lifted to 16 features with
fixed sin/cos projections. The model is 16 -> 32 -> 32 -> 3 with ReLU, trained with Adam on the full
batch and softmax cross-entropy. Each step prints the loss, the modelled device time of the step's
kernels (the chip's time, not the simulator's), and the share of the step's value FLOPs that ran on
the tile engines (FPU matmuls, SFPU elementwise and reductions) rather than as scalar code on a
data-movement RISC-V. Target: loss below 0.25 within the steps (it prints PASS/FAIL).

    python examples/tinygrad_mlp.py [arch] [steps]        # arch: n150 (default), p150a, e150, ...
    DEV=TT python examples/tinygrad_mlp.py                 # same, with tinygrad's default device
"""
from __future__ import annotations

import sys
import time

import numpy as np

import tensix.tinygrad  # noqa: F401  registers the TT device
from tensix.tinygrad import stats

LOSS_TARGET = 0.25
SHARE_TARGET = 0.95


def spirals(n_per_class: int = 64, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.1, 1.0, n_per_class)
        a = np.linspace(c * 2 * np.pi / classes, c * 2 * np.pi / classes + 3.0, n_per_class) + rng.normal(0, 0.08, n_per_class)
        xs.append(np.stack([r * np.cos(a), r * np.sin(a)], 1))
        ys.append(np.full(n_per_class, c))
    x = np.concatenate(xs).astype(np.float32)
    proj = rng.normal(0, 2.0, (2, 8)).astype(np.float32)
    feats = np.concatenate([np.sin(x @ proj), np.cos(x @ proj)], 1).astype(np.float32)
    return feats, np.concatenate(ys).astype(np.int32)


def main(arch: str = "n150", steps: int = 12) -> dict:
    from tinygrad import Context, Tensor, nn
    dev = f"TT:{arch}"
    x_np, y_np = spirals()
    x, y = Tensor(x_np, device=dev), Tensor(y_np, device=dev)
    Tensor.manual_seed(0)
    layers = [nn.Linear(16, 32), nn.Linear(32, 32), nn.Linear(32, 3)]
    params = nn.state.get_parameters(layers)
    for p in params:
        p.replace(p.to(dev).realize())
    opt = nn.optim.Adam(params, lr=0.03)

    def forward(t):
        return layers[2](layers[1](layers[0](t).relu()).relu())

    losses, shares, times, paths = [], [], [], []
    t0 = time.perf_counter()
    with Context(TRAINING=1):
        for step in range(int(steps)):
            stats.reset()
            opt.zero_grad()
            loss = forward(x).sparse_categorical_crossentropy(y)
            loss.backward()
            opt.step()
            value = loss.item()
            s = stats.STATS
            losses.append(value)
            shares.append(s.tile_share)
            times.append(s.seconds)
            paths.append(dict(s.paths))
            print(f"step {step:3d}  loss {value:.4f}  modelled device time {s.seconds * 1e6:9.1f} us  "
                  f"kernels {s.runs:3d} ({', '.join(f'{k} {v}' for k, v in sorted(s.paths.items()))})  "
                  f"FPU/SFPU FLOP share {s.tile_share * 100:5.1f}%")
    acc = float((forward(x).argmax(1).numpy() == y_np).mean())
    ok = losses[-1] < LOSS_TARGET and min(shares) >= SHARE_TARGET
    print(f"final loss {losses[-1]:.4f} (target < {LOSS_TARGET}), train accuracy {acc * 100:.1f}%, "
          f"min FLOP share {min(shares) * 100:.1f}% (target >= {SHARE_TARGET * 100:.0f}%), modelled "
          f"{sum(times) * 1e3:.2f} ms for {len(losses)} steps, host {time.perf_counter() - t0:.1f} s: "
          f"{'PASS' if ok else 'FAIL'}")
    return {"losses": losses, "shares": shares, "times": times, "paths": paths, "accuracy": acc, "ok": ok}


if __name__ == "__main__":
    r = main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
    if not r["ok"]:
        raise SystemExit(1)
