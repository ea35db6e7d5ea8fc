"""tensix.gen in one minute: numpy in, ops whose kernels the framework writes, a searched config, numpy out.

    python examples/gen_ops.py [arch]      # arch: n150 (default), p150a, e150, ...

1. numpy arrays become device tensors (bf16 tiles in DRAM, odd shapes padded with zeros);
2. y = gelu(x @ w + b) is one generated matmul program (bias and gelu fused into its last K block);
3. z = exp(y * 0.5 - 1) * y is ONE fused element-wise program (one compute kernel for the whole chain);
4. the matmul config is found by beam search on the modelled clock (timing-only runs) and cached;
5. every result is checked against numpy, and the generated reader / compute / writer C++ is printed.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from tensix import Device
from tensix import gen


def main(arch: str = "n150", beam: int = 4) -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (256, 200)).astype(np.float32)     # K = 200, N = 300: not multiples of 32
    W = rng.uniform(-1, 1, (200, 300)).astype(np.float32) / 16
    B = rng.uniform(-1, 1, (300,)).astype(np.float32)
    with Device(arch) as dev:
        x, w, b = gen.from_numpy(dev, X), gen.from_numpy(dev, W), gen.from_numpy(dev, B)
        y = gen.matmul(x, w, b, "gelu", beam=beam)            # searched (TENSIX_BEAM=k does the same)
        z = gen.fuse(lambda v: (v * 0.5 - 1.0).exp() * v, y)
        print(f"matmul: {y.run}")
        print(f"fused:  {z.run}")

        xr, wr, br = x.numpy().astype(np.float64), w.numpy(), b.numpy().reshape(-1)   # the bf16 inputs
        h = xr @ wr + br
        ref_y = 0.5 * h * (1 + np.vectorize(math.erf)(h / math.sqrt(2)))
        ref_z = np.exp(ref_y * 0.5 - 1) * ref_y
        for name, t, ref in (("y", y, ref_y), ("z", z, ref_z)):
            err = np.abs(t.numpy() - ref).max() / np.abs(ref).max()
            rel, ab = t.run.tolerance
            print(f"{name} = {t.shape} {t.dtype}: max error {err:.2e} of the largest value (bound {rel + ab:.2e})")
            if err > rel + ab:
                raise SystemExit(f"{name} is wrong")

        for role, src in z.run.sources.items():              # what the framework wrote
            print(f"\n---- generated {role} kernel of z ----\n{src}")


if __name__ == "__main__":
    main(*sys.argv[1:])
