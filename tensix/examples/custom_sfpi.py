"""Custom SFPU kernels written in SFPI: an add of two tiles and a smoothstep, 4 bf16 tiles each, on core (0, 0).

Instead of a library op such as add_binary_tile, the compute kernels carry their own per-face SFPI
functions (vFloat, dst_reg rows of 32 lanes, 8 rows per 16x16 face) and hand them to the llk wrappers,
which call them once per face of the DST tile:
  * add (kernels/sfpu/sfpi_add.cpp): a -> DST 0, b -> DST 1, then
    _llk_math_eltwise_binary_sfpu_params_(add_face, 0, 1, 0): DST[0] = DST[0] + DST[1];
  * smoothstep (kernels/sfpu/sfpi_smoothstep.cpp, today's form): x -> DST 0, then
    SFPU_UNARY_CALL_NO_TEMPLATE_ARGS(DST_SYNC_MODE, DST_ACCUM_MODE, smoothstep_tile_face, 0, VectorMode::RC,
    edge0, edge1, 1/(edge1-edge0)) with tt-metal's experimental/llk_sfpu/ckernel_sfpu_smoothstep.h face
    function (t = clamp(...), sfpi::clamp); the baseline form (sfpi_smoothstep_legacy.cpp) writes the face
    function itself with v_if (x < edge0) 0 / v_elseif (x > edge1) 1 / v_else t^2 (3 - 2t) / v_endif and
    calls _llk_math_eltwise_unary_sfpu_params_ (run(..., compute="legacy")).
The readers and writer are plain TensorAccessor tile loops.

Tolerance: vFloat arithmetic is IEEE fp32 and DST rounds to bf16 (nearest-even) after the call, so both
results are bit-exact against numpy doing the same fp32 operations, rounded to bf16. The smoothstep's
distance from the float64 formula is also reported.

    python examples/custom_sfpi.py [arch]      # arch: n150 (default), p150a, e150, ...
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from tensix import CircularBuffer, DataFormat, Device, Kernel, Program, TensorAccessorArgs, tile_size
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize, untilize

KERNELS = Path(__file__).resolve().parent / "kernels"
FMT = DataFormat.Float16_b
TILE_BYTES = tile_size(FMT)
CORE = (0, 0)
EDGE0, EDGE1 = np.float32(-1.0), np.float32(1.5)


def f32_bits(v: np.float32) -> int:
    return int(np.float32(v).view(np.uint32))


def _run(dev: Device, compute_file: str, inputs: list[np.ndarray], compute_args: list[int]):
    """Run reader -> compute kernel `compute_file` -> writer over the inputs ((n*32) x 32 each; input k
    in CB k); returns the output matrix and the device time."""
    shape = inputs[0].shape
    num_tiles = shape[0] // 32
    size = num_tiles * TILE_BYTES
    srcs = [dev.dram_buffer(size, TILE_BYTES) for _ in inputs]
    dst = dev.dram_buffer(size, TILE_BYTES)
    try:
        for buf, x in zip(srcs, inputs):
            buf.write(float_to_bf16_bits(tilize(x)))
        dst.write(np.zeros(size // 2, np.uint16))
        if len(inputs) == 2:       # tile i of a -> CB 0, of b -> CB 1
            reader = Kernel(KERNELS / "compute" / "eltwise_reader.cpp", on="reader",
                            compile_args=[TensorAccessorArgs(b) for b in srcs], runtime_args=[*srcs, num_tiles])
        else:
            reader = Kernel(KERNELS / "sfpu" / "reader_unary.cpp", on="reader",
                            compile_args=[TensorAccessorArgs(srcs[0])], runtime_args=[srcs[0], num_tiles])
        writer = Kernel(KERNELS / "compute" / "eltwise_writer.cpp", on="writer",
                        compile_args=[TensorAccessorArgs(dst)], runtime_args=[dst, num_tiles])
        compute = Kernel(KERNELS / "sfpu" / compute_file, on="compute", runtime_args=[num_tiles, *compute_args])
        cbs = [CircularBuffer(i, FMT, TILE_BYTES, 2) for i in range(len(inputs))]
        cbs.append(CircularBuffer(16, FMT, TILE_BYTES, 2))
        t = dev.queue.enqueue(Program(CORE, [reader, writer, compute], cbs))
        out = untilize(bf16_bits_to_float(dst.read(np.uint16)), shape)
        dev.queue.finish()
    finally:
        for buf in (*srcs, dst):
            buf.free()
    return out, t


def smoothstep_reference(x: np.ndarray, e0=EDGE0, e1=EDGE1) -> np.ndarray:
    """The kernel's fp32 operations in numpy: t = (x - e0) * inv; (t * t) * (3 - 2 t); then bf16."""
    inv = np.float32(1) / (e1 - e0)
    t = (x - e0) * inv
    mid = (t * t) * (np.float32(3) - np.float32(2) * t)
    return round_to_bf16(np.where(x < e0, np.float32(0), np.where(x > e1, np.float32(1), mid)).astype(np.float32))


def run(dev: Device, num_tiles: int = 4, seed: int = 0, compute: str = "current") -> dict:
    """Both custom kernels on random bf16 inputs; returns per-kernel output, reference, mismatches, time.
    compute="current": the smoothstep face function from experimental/llk_sfpu dispatched with
    SFPU_UNARY_CALL; "legacy": the v_if version written in the kernel."""
    rng = np.random.default_rng(seed)
    shape = (num_tiles * 32, 32)
    a = round_to_bf16((rng.standard_normal(shape) * 10).astype(np.float32))
    b = round_to_bf16(rng.standard_normal(shape).astype(np.float32))
    x = round_to_bf16(rng.uniform(-2.0, 3.0, shape).astype(np.float32))
    x[0, :4] = [EDGE0, EDGE1, 0.25, 0.0]        # the edges themselves take the v_else branch
    t0 = time.perf_counter()
    add_out, add_t = _run(dev, "sfpi_add.cpp", [a, b], [])
    inv = np.float32(1) / (EDGE1 - EDGE0)
    ss_file = {"current": "sfpi_smoothstep.cpp", "legacy": "sfpi_smoothstep_legacy.cpp"}[compute]
    ss_out, ss_t = _run(dev, ss_file, [x], [f32_bits(EDGE0), f32_bits(EDGE1), f32_bits(inv)])
    host_s = time.perf_counter() - t0

    add_ref = round_to_bf16(a + b)
    ss_ref = smoothstep_reference(x)
    xd = np.clip((x.astype(np.float64) - float(EDGE0)) / float(EDGE1 - EDGE0), 0, 1)
    ss_math = xd * xd * (3 - 2 * xd)
    add_bad = int((add_out.view(np.uint32) != add_ref.view(np.uint32)).sum())
    ss_bad = int((ss_out.view(np.uint32) != ss_ref.view(np.uint32)).sum())
    add = {"a": a, "b": b, "output": add_out, "reference": add_ref, "mismatches": add_bad, "ok": add_bad == 0,
           "time": add_t}
    smoothstep = {"x": x, "output": ss_out, "reference": ss_ref, "mismatches": ss_bad, "ok": ss_bad == 0,
                  "max_abs_err_vs_float64": float(np.max(np.abs(ss_out - ss_math))), "time": ss_t}
    return {"add": add, "smoothstep": smoothstep, "ok": add["ok"] and smoothstep["ok"], "host_s": host_s}


def main(arch: str = "n150") -> dict:
    with Device(arch) as dev:
        r = run(dev)
    n = r["add"]["output"].size
    for name, s in (("add a + b", r["add"]), ("smoothstep", r["smoothstep"])):
        status = "bit-exact vs numpy" if s["ok"] else f"{s['mismatches']} of {n} MISMATCHED values"
        extra = (f", max abs. err {s['max_abs_err_vs_float64']:.2e} vs float64 smoothstep"
                 if "max_abs_err_vs_float64" in s else "")
        print(f"custom SFPI {name} on {arch}: 4 bf16 tiles: {status}{extra}  device time {s['time']}")
    if not r["ok"]:
        raise SystemExit(1)
    return r


if __name__ == "__main__":
    main(*sys.argv[1:])
