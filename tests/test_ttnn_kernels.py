"""Kernels written the way current ttnn operation kernels are (current §4, §5, §12):
kernel_lib helpers with their exact CB protocol, Device 2.0 objects, a Metal 2.0 kernel with binding
tokens launched through tensix.metal2, and the SFPU dispatch macros with an experimental llk_sfpu face
function. Each result is checked against numpy."""
from __future__ import annotations

import numpy as np
import pytest

from tensix import CircularBuffer, CompileError, DataFormat, Device, Kernel, Program, ShardSpec, TensorAccessorArgs
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, tilize, untilize
from tensix.metal2 import DataflowBufferSpec, KernelSpec, ProgramSpec, TensorBinding, make_program

TILE = 2048
BF16 = DataFormat.Float16_b


def _bf16(x):
    return bf16_bits_to_float(float_to_bf16_bits(np.asarray(x, np.float32)))


def _tiles(m: np.ndarray) -> np.ndarray:
    """(R*32, C*32) -> tiles in row-major tile order, each in face order (bf16 bits)."""
    R, C = m.shape[0] // 32, m.shape[1] // 32
    return np.concatenate([float_to_bf16_bits(tilize(m[r * 32:(r + 1) * 32, c * 32:(c + 1) * 32]))
                           for r in range(R) for c in range(C)])


def _untiles(bits: np.ndarray, R: int, C: int) -> np.ndarray:
    t = bf16_bits_to_float(bits).reshape(R * C, 1024)
    return np.block([[untilize(t[r * C + c], (32, 32)) for c in range(C)] for r in range(R)])


# a reader streaming tiles of one or two DRAM tensors into CB 0 / CB 1 in a given order, and a writer
# draining CB 16 (all Device 2.0)
READER = r"""
#include "api/dataflow/noc.h"
#include "api/dataflow/circular_buffer.h"
void kernel_main() {
    uint32_t a = get_arg_val<uint32_t>(0), na = get_arg_val<uint32_t>(1);
    uint32_t b = get_arg_val<uint32_t>(2), nb = get_arg_val<uint32_t>(3);
    constexpr auto aa = TensorAccessorArgs<0>();
    constexpr auto ba = TensorAccessorArgs<aa.next_compile_time_args_offset()>();
    const auto sa = TensorAccessor(aa, a), sb = TensorAccessor(ba, b);
    Noc noc;
    CircularBuffer c0(0), c1(1);
    for (uint32_t i = 0; i < na; i++) {   // page order comes as runtime args after the counts
        c0.reserve_back(1);
        noc.async_read(sa, c0, c0.get_tile_size(), {.page_id = get_arg_val<uint32_t>(4 + i)}, {});
        noc.async_read_barrier();
        c0.push_back(1);
    }
    for (uint32_t i = 0; i < nb; i++) {
        c1.reserve_back(1);
        noc.async_read(sb, c1, c1.get_tile_size(), {.page_id = get_arg_val<uint32_t>(4 + na + i)}, {});
        noc.async_read_barrier();
        c1.push_back(1);
    }
}
"""
WRITER = r"""
#include "api/dataflow/noc.h"
#include "api/dataflow/circular_buffer.h"
void kernel_main() {
    uint32_t out = get_arg_val<uint32_t>(0), n = get_arg_val<uint32_t>(1);
    const auto so = TensorAccessor(TensorAccessorArgs<0>(), out);
    Noc noc;
    CircularBuffer cb(16);
    for (uint32_t i = 0; i < n; i++) {
        cb.wait_front(1);
        noc.async_write(cb, so, cb.get_tile_size(), {}, {.page_id = i});
        noc.async_write_barrier();
        cb.pop_front(1);
    }
}
"""


def _run(dev, compute: Kernel, a_tiles, a_order, b_tiles=None, b_order=(), n_out=1, cbs=None, extra=()):
    sa = dev.dram_buffer(len(a_tiles) * 2, TILE)
    sa.write(a_tiles)
    sb = dev.dram_buffer(max(len(b_tiles) * 2, TILE) if b_tiles is not None else TILE, TILE)
    if b_tiles is not None:
        sb.write(b_tiles)
    so = dev.dram_buffer(n_out * TILE, TILE)
    reader = Kernel(READER, on="reader", compile_args=[TensorAccessorArgs(sa), TensorAccessorArgs(sb)],
                    runtime_args=[sa, len(a_order), sb, len(b_order), *a_order, *b_order])
    writer = Kernel(WRITER, on="writer", compile_args=[TensorAccessorArgs(so)], runtime_args=[so, n_out])
    cbs = cbs or [CircularBuffer(0, BF16, TILE, 4), CircularBuffer(1, BF16, TILE, 4), CircularBuffer(16, BF16, TILE, 4)]
    t = dev.queue.enqueue(Program((0, 0), [reader, writer, compute, *extra], cbs))
    out = so.read(np.uint16)
    for b in (sa, sb, so):
        b.free()
    return out, t


@pytest.fixture(scope="module", params=["e150", "n150", "p150a"])
def dev(request):
    with Device(request.param) as d:
        yield d


# ---- matmul_block (kernel_lib, newest form) with packer L1 accumulation and tile-row-major output ----
MATMUL_BLOCK = r"""
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/matmul.h"
#include "api/dataflow/circular_buffer.h"
#include "ttnn/cpp/ttnn/kernel_lib/matmul_block_helpers.hpp"
namespace ckl = compute_kernel_lib;
void kernel_main() {
    CircularBuffer in0(0), in1(1), out(16), interm(24);
    compute_kernel_hw_startup<SrcOrder::Reverse>(0, 1, 16);
    matmul_block_init(0, 1, 0, 2, 1, 1);
    // M = 2 x 1 tiles, N = 1 x 2 tiles, K = 2 blocks of 1 tile
    ckl::matmul_block<false, PACKER_L1_ACC, ckl::LastBlockTarget::Out, LAYOUT>(
        in0, in1, out, interm, ckl::MatmulBlockShape::of(2, 1, 1, 2, 1, 2));
}
"""


@pytest.mark.parametrize("l1_acc, layout", [(False, "SubblockMajor"), (True, "TileRowMajor")])
def test_kernel_lib_matmul_block(dev, l1_acc, layout):
    if dev.arch.board != "n150" and l1_acc:
        pytest.skip("arch-independent helper code: covered on n150")
    rng = np.random.default_rng(1)
    A, B = _bf16(rng.uniform(-1, 1, (64, 64))), _bf16(rng.uniform(-1, 1, (64, 64)))
    # per K-block b: in0 = A[:, b] (2 tiles, rows), in1 = B[b, :] (2 tiles, columns)
    at, bt = _tiles(A), _tiles(B)      # tile (r, c) at r*2 + c
    a_order = [0, 2, 1, 3]
    b_order = [0, 1, 2, 3]
    compute = Kernel(MATMUL_BLOCK, on="compute", defines={"PACKER_L1_ACC": str(l1_acc).lower(),
                                                          "LAYOUT": f"ckl::OutputCBLayout::{layout}"})
    cbs = [CircularBuffer(0, BF16, TILE, 4), CircularBuffer(1, BF16, TILE, 4), CircularBuffer(16, BF16, TILE, 4),
           CircularBuffer(24, BF16, TILE, 4)]
    out, _ = _run(dev, compute, at, a_order, bt, b_order, n_out=4, cbs=cbs)
    # subblocks are 1 x 2 tiles: subblock-major and tile-row-major orders coincide here
    np.testing.assert_allclose(_untiles(out, 2, 2), A @ B, rtol=0.03, atol=0.03)


MATMUL_TILE = r"""
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/matmul.h"
#include "ttnn/cpp/ttnn/kernel_lib/matmul_tile_helpers.hpp"
void kernel_main() {
    compute_kernel_hw_startup<SrcOrder::Reverse>(0, 1, 16);
    matmul_init(0, 1);
    compute_kernel_lib::matmul_tile<0, 1, 16>(2, 1, 2);     // Mt = 2, Nt = 1, Kt = 2
}
"""


def test_kernel_lib_matmul_tile(dev):
    rng = np.random.default_rng(2)
    A, B = _bf16(rng.uniform(-1, 1, (64, 64))), _bf16(rng.uniform(-1, 1, (64, 32)))
    # per output tile m: k = 0, 1 -> in0 A(m, k), in1 B(k, 0)
    out, _ = _run(dev, Kernel(MATMUL_TILE, on="compute"), _tiles(A), [0, 1, 2, 3], _tiles(B), [0, 1, 0, 1], n_out=2)
    np.testing.assert_allclose(_untiles(out, 2, 1), A @ B, rtol=0.03, atol=0.03)


# ---- reduce (kernel_lib) with the dataflow scaler helper; MAX on all-negative data ------------------
SCALER_AND_WRITER = r"""
#include "ttnn/cpp/ttnn/kernel_lib/reduce_helpers_dataflow.hpp"
void kernel_main() {      // the scaler tile(s) first, then the writer loop
#if PARTIAL
    dataflow_kernel_lib::prepare_partial_reduce_scalers<2, PoolType::POOL, ReduceDim::DIM, 20>(1.0f);
#else
    dataflow_kernel_lib::calculate_and_prepare_reduce_scaler<2, PoolType::POOL, ReduceDim::DIM>();
#endif
    writer_main();
}
"""
REDUCE = r"""
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/reduce.h"
#include "ttnn/cpp/ttnn/kernel_lib/reduce_helpers_compute.hpp"
namespace ckl = compute_kernel_lib;
void kernel_main() {
    compute_kernel_hw_startup(0, 2, 16);
    ckl::reduce<POOL, DIM, 0, 2, 16>(ckl::ReduceInputBlockShape::of(1, 2),
                                     ckl::ReduceInputMemoryLayout::contiguous(), ckl::NoAccumulation{}, ckl::NoOp{},
                                     PARTIAL ? ckl::ReducePartialScaler::with_partial() : ckl::ReducePartialScaler::none());
}
"""


@pytest.mark.parametrize("pool, dim, partial", [("MAX", "REDUCE_ROW", False), ("SUM", "REDUCE_ROW", False),
                                                ("AVG", "REDUCE_COL", False), ("MAX", "REDUCE_COL", True)])
def test_kernel_lib_reduce(dev, pool, dim, partial):
    # one row of two tiles; all negative, so a MAX that started from a zeroed DST would return 0.
    # The helpers have no arch-specific code: every case on n150, the first on the other archs.
    if dev.arch.board != "n150" and (pool, dim) != ("MAX", "REDUCE_ROW"):
        pytest.skip("arch-independent helper code: covered on n150")
    rng = np.random.default_rng(3)
    X = _bf16(-rng.uniform(1, 9, (32, 64)))
    defines = {"POOL": pool, "DIM": dim, "PARTIAL": str(int(partial))}
    n_out = 1 if dim == "REDUCE_ROW" else 2
    sa, so = dev.dram_buffer(X.size * 2, TILE), dev.dram_buffer(n_out * TILE, TILE)
    sa.write(_tiles(X))
    feed = Kernel(READER, on="reader", compile_args=[TensorAccessorArgs(sa), TensorAccessorArgs(sa)],
                  runtime_args=[sa, 2, sa, 0, 0, 1])
    writer = Kernel(WRITER.replace("void kernel_main() {", "void writer_main() {") + SCALER_AND_WRITER, on="writer",
                    compile_args=[TensorAccessorArgs(so)], runtime_args=[so, n_out], defines=defines)
    cbs = [CircularBuffer(0, BF16, TILE, 4), CircularBuffer(1, BF16, TILE, 4), CircularBuffer(2, BF16, TILE, 2),
           CircularBuffer(16, BF16, TILE, 4)]
    dev.queue.enqueue(Program((0, 0), [feed, writer, Kernel(REDUCE, on="compute", defines=defines)], cbs))
    out = _untiles(so.read(np.uint16), 1, n_out)
    sa.free()
    so.free()
    if dim == "REDUCE_ROW":                        # column 0 holds the result, the rest is 0
        np.testing.assert_allclose(out[:, 0], {"MAX": X.max(axis=1), "SUM": X.sum(axis=1)}[pool], rtol=0.01)
        assert (out[:, 1:] == 0).all()
    else:                                          # row 0; the partial scaler masks rows >= 20
        ref = X.mean(axis=0) if pool == "AVG" else X[:20].max(axis=0)
        np.testing.assert_allclose(out[0], ref, rtol=0.01)
        assert (out[1:] == 0).all()


# ---- tilize / untilize helpers ---------------------------------------------------------------------
TILIZE = r"""
#include "api/compute/tilize.h"
#include "api/compute/untilize.h"
#include "ttnn/cpp/ttnn/kernel_lib/tilize_helpers.hpp"
#include "ttnn/cpp/ttnn/kernel_lib/untilize_helpers.hpp"
void kernel_main() {
    compute_kernel_hw_startup(0, 16);
    compute_kernel_lib::tilize<2, 0, 24>(1);        // 2 row-major pages of a 32x64 block -> 2 tiles in CB 24
    compute_kernel_lib::untilize<2, 24, 16>(1);     // and back to row-major pages in CB 16
}
"""


def test_kernel_lib_tilize_untilize(dev):
    rng = np.random.default_rng(4)
    X = _bf16(rng.uniform(-4, 4, (32, 64)))
    rows = float_to_bf16_bits(X).reshape(-1)       # row-major: 2 pages of 2048 B = 32 rows x 64 values
    cbs = [CircularBuffer(0, BF16, TILE, 2), CircularBuffer(1, BF16, TILE, 2), CircularBuffer(16, BF16, TILE, 2),
           CircularBuffer(24, BF16, TILE, 2)]
    out, _ = _run(dev, Kernel(TILIZE, on="compute"), rows, [0, 1], n_out=2, cbs=cbs)
    np.testing.assert_array_equal(bf16_bits_to_float(out).reshape(32, 64), X)


# ---- the eltwise chain (newest form) and the convenience wrappers ------------------------------------
CHAIN = r"""
#include "api/compute/compute_kernel_hw_startup.h"
#include "ttnn/cpp/ttnn/kernel_lib/eltwise_chain.hpp"
#include "ttnn/cpp/ttnn/kernel_lib/eltwise_convenience.hpp"
namespace ckl = compute_kernel_lib;
using namespace ckl;
void kernel_main() {
#if CASE == 0      // exp(a) streamed, exact
    compute_kernel_hw_startup(0, 16);
    eltwise_chain(EltwiseShape::tiles(2), CopyTile<0, Dst::D0, input(InputLifecycle::Streaming)>{},
                  Exp<Approx::Exact, Approx::Exact>{}, PackTile<16, output(OutputLifecycle::Streaming)>{});
#elif CASE == 1    // a (2 x 1 tiles, streamed) + b broadcast along rows: b is one [1, Wt] row, held for the whole loop
    compute_kernel_hw_startup(0, 1, 16);
    eltwise_chain(EltwiseShape::grid(2, 1),
                  BinaryFpu<0, 1, BinaryFpuOp::Add, BroadcastDim::Row, input(InputLifecycle::Streaming),
                            input(InputLifecycle::Bulk, OperandKind::Row)>{},
                  Negative<>{}, PackTile<16, output(OutputLifecycle::Bulk)>{});
#else              // the convenience wrappers: a * b, then -(a * b) through unary_op
    ckl::binary_mul<0, 1, 24>(2);
    ckl::unary_op<Negative<>, 24, 16>(2);
#endif
}
"""


@pytest.mark.parametrize("case", [0, 1, 2])
def test_kernel_lib_eltwise_chain(dev, case):
    if dev.arch.board != "n150" and case:
        pytest.skip("arch-independent helper code: covered on n150")
    rng = np.random.default_rng(8)
    A, B = _bf16(rng.uniform(-2, 2, (64, 32))), _bf16(rng.uniform(-2, 2, (64, 32)))
    cbs = [CircularBuffer(0, BF16, TILE, 4), CircularBuffer(1, BF16, TILE, 4), CircularBuffer(16, BF16, TILE, 4),
           CircularBuffer(24, BF16, TILE, 2)]
    b_order = {0: [], 1: [0], 2: [0, 1]}[case]
    out, _ = _run(dev, Kernel(CHAIN, on="compute", defines={"CASE": str(case)}), _tiles(A), [0, 1], _tiles(B), b_order,
                  n_out=2, cbs=cbs)
    got = _untiles(out, 2, 1)
    if case == 0:
        np.testing.assert_allclose(got, np.exp(A), rtol=0.01)
    elif case == 1:
        np.testing.assert_array_equal(got, -_bf16(A + B[0:1, :]))    # row 0 of b's tile, added to every row
    else:
        np.testing.assert_array_equal(got, -_bf16(A * B))


# ---- a Metal 2.0 kernel: binding tokens and get_arg(args::x), launched from Python ---------------------
M2_READER = r"""
void kernel_main() {
    DataflowBuffer in(dfb::in);
    auto src = TensorAccessor(tensor::src);
    const uint32_t n = get_arg(args::num_tiles);
    constexpr uint32_t first = get_arg(args::first_page);      // a named compile-time arg: constexpr
    const uint32_t stride = get_arg(args::stride);              // a named common runtime arg
    for (uint32_t i = 0; i < n; i++) {
        in.reserve_back(1);
        noc_async_read_page(first + i * stride, src, in.get_write_ptr());
        noc_async_read_barrier();
        in.push_back(1);
    }
    DPRINT("varargs {} {}\n", get_vararg(0), get_common_vararg(0));
}
"""
M2_COMPUTE = r"""
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "api/compute/eltwise_unary/negative.h"
void kernel_main() {
    const uint32_t n = get_arg(args::num_tiles);
    compute_kernel_hw_startup(dfb::in, dfb::out);
    copy_init(dfb::in);
    negative_tile_init();
    for (uint32_t i = 0; i < n; i++) {
        cb_wait_front(dfb::in, 1);
        tile_regs_acquire();
        copy_tile(dfb::in, 0, 0);
        negative_tile(0);
        tile_regs_commit(); tile_regs_wait();
        cb_reserve_back(dfb::out, 1);
        pack_tile(0, dfb::out);
        cb_push_back(dfb::out, 1);
        tile_regs_release();
        cb_pop_front(dfb::in, 1);
    }
}
"""
M2_WRITER = r"""
void kernel_main() {
    DataflowBuffer out(dfb::out);
    auto dst = TensorAccessor(ta::dst);                          // the older `ta::` spelling
    for (uint32_t i = 0; i < get_arg(args::num_tiles); i++) {
        out.wait_front(1);
        noc_async_write_page(i, dst, out.get_read_ptr());
        noc_async_write_barrier();
        out.pop_front(1);
    }
}
"""


def test_metal2_kernel_with_binding_tokens(dev):
    rng = np.random.default_rng(5)
    X = _bf16(rng.uniform(-2, 2, (4 * 32, 32)))
    src, dst = dev.dram_buffer(4 * TILE, TILE), dev.dram_buffer(2 * TILE, TILE)
    src.write(_tiles(X))
    spec = ProgramSpec(
        cores=(0, 0),
        dataflow_buffers=[DataflowBufferSpec("input", TILE, 2), DataflowBufferSpec("result", TILE, 2)],
        tensors=[TensorBinding("src", src), TensorBinding("dst", dst)],
        kernels=[KernelSpec("reader", M2_READER, on="reader", dfb_bindings={"in": "input"}, tensor_bindings={"src": "src"},
                            named_runtime_args=["num_tiles"], named_common_runtime_args=["stride"],
                            compile_time_args={"first_page": 1}),
                 KernelSpec("compute", M2_COMPUTE, on="compute", dfb_bindings={"in": "input", "out": "result"},
                            named_runtime_args=["num_tiles"]),
                 KernelSpec("writer", M2_WRITER, on="writer", dfb_bindings={"out": "result"}, tensor_bindings={"dst": "dst"},
                            named_runtime_args=["num_tiles"])])
    program = make_program(spec, runtime_args={"reader": {"num_tiles": 2, "varargs": [77]}, "compute": {"num_tiles": 2},
                                               "writer": {"num_tiles": 2}},
                           common_runtime_args={"reader": {"stride": 2, "varargs": [88]}})
    dev.queue.enqueue(program)
    assert [p.text for p in dev.queue.prints] == ["varargs 77 88"]
    out = _untiles(dst.read(np.uint16), 2, 1)
    np.testing.assert_array_equal(out, -np.concatenate([X[32:64], X[96:128]]))    # pages 1 and 3
    src.free()
    dst.free()


def test_metal2_missing_binding_is_named():
    spec = ProgramSpec((0, 0), [KernelSpec("k", M2_WRITER, dfb_bindings={"out": "nope"})])
    with pytest.raises(ValueError, match="DataflowBufferSpec 'nope'"):
        make_program(spec)


# ---- SFPU dispatch macros (both arities) with an experimental llk_sfpu face function ------------------
SFPU_MACROS = r"""
#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "llk_math_eltwise_unary_sfpu_macros.h"
#include "llk_math_eltwise_binary_sfpu_macros.h"
#include "experimental/llk_sfpu/ckernel_sfpu_smoothstep.h"
#include "experimental/llk_sfpu/ckernel_sfpu_custom_add.h"
namespace ckernel::sfpu {
template <bool APPROX_MODE>
inline void tx_twice() { for (int i = 0; i < 8; i++) sfpi::dst_reg[i] = sfpi::dst_reg[i] * 2.0f; }
}
void kernel_main() {
    compute_kernel_hw_startup(0, 16);
    copy_init(0);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    copy_tile(0, 0, 1);
    copy_tile(0, 0, 2);
    // form A (with the accumulate mode) and form B (without)
    SFPU_UNARY_CALL_NO_TEMPLATE_ARGS(DST_SYNC_MODE, DST_ACCUM_MODE, smoothstep_tile_face, 0, (int)VectorMode::RC,
                                     -1.0f, 1.0f, 0.5f);
    SFPU_UNARY_CALL(DST_SYNC_MODE, tx_twice, (APPROX), 1, (int)VectorMode::RC);
    SFPU_BINARY_CALL_NO_TEMPLATE_ARGS(DST_SYNC_MODE, DST_ACCUM_MODE, my_add_tile_face, 0, 1, 2, (int)VectorMode::RC);
    tile_regs_commit(); tile_regs_wait();
    cb_reserve_back(16, 3);
    pack_tile(0, 16); pack_tile(1, 16); pack_tile(2, 16);
    cb_push_back(16, 3);
    tile_regs_release();
}
"""


def test_sfpu_macros_and_llk_sfpu_headers(dev):
    rng = np.random.default_rng(6)
    X = _bf16(rng.uniform(-2, 2, (32, 32)))
    out, _ = _run(dev, Kernel(SFPU_MACROS, on="compute"), _tiles(X), [0], n_out=3)
    got = bf16_bits_to_float(out).reshape(3, 1024)
    t = np.clip((X + 1) * 0.5, 0, 1)
    smooth = t * t * (3 - 2 * t)
    np.testing.assert_allclose(untilize(got[0], (32, 32)), smooth, atol=0.01)
    np.testing.assert_array_equal(untilize(got[1], (32, 32)), 2 * X)
    np.testing.assert_allclose(untilize(got[2], (32, 32)), smooth + 2 * X, atol=0.02)


def test_not_provided_helper_names_itself():
    k = Kernel('#include "ttnn/cpp/ttnn/kernel_lib/bias_add_helpers.hpp"\n#include "no/such/header.h"\n'
               "void kernel_main() { not_a_tensix_function(1); }", on="compute")
    with Device("n150") as d:
        with pytest.raises(CompileError) as e:
            d.queue.enqueue(Program((0, 0), [k]))
    summary = str(e.value).splitlines()[0]
    assert "bias_add_helpers.hpp is not provided by tensix yet" in summary
    assert "header no/such/header.h is not provided by tensix yet" in summary
    # a function tensix lacks, and a second, unrelated error: the summary names both
    k = Kernel("void kernel_main() { not_a_tensix_function(1); int x = ; }", on="riscv_0")
    with Device("n150") as d:
        with pytest.raises(CompileError) as e:
            d.queue.enqueue(Program((0, 0), [k]))
    summary = str(e.value).splitlines()[0]
    assert "2 errors" in summary and "not_a_tensix_function is not provided by tensix yet" in summary
    assert "expected primary-expression" in summary


M2_LOCAL = r"""
void kernel_main() {      // the node-local slice of an L1 tensor, through its token and as a raw address
    LocalTensorAccessor<uint32_t> t(tensor::buf);
    LocalTensorAccessor<uint32_t> raw(t.get_bank_base_address());
    t[1] = t[0] + get_arg(args::add);
    DPRINT("{} {}\n", raw[0], raw[1]);
}
"""


def test_metal2_local_tensor_accessor():
    with Device("n150") as d:
        buf = d.l1_buffer(16, 16, shard=ShardSpec((1, 1), (1, 1), [(0, 0)]))
        buf.write(np.array([40, 0, 0, 0], np.uint32))
        spec = ProgramSpec((0, 0), [KernelSpec("local", M2_LOCAL, on="riscv_0", tensor_bindings={"buf": "b"},
                                               named_runtime_args=["add"])], tensors=[TensorBinding("b", buf)])
        d.queue.enqueue(make_program(spec, runtime_args={"local": {"add": 2}}))
        assert [p.text for p in d.queue.prints] == ["40 42"]
        assert buf.read(np.uint32)[1] == 42
