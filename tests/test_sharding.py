"""Sharded buffers and the sharded TensorAccessor (API §2.2, §2.6, §3.5): the host places pages as the
doc's sharded mapping says, kernels reach them through TensorAccessor, and a core finds its own shard
in its L1 (globally allocated CBs)."""
import numpy as np
import pytest

from tensix import (Buffer, CircularBuffer, CoreRange, Device, Kernel, Program, RaceWarning, ShardSpec,
                    TensorAccessorArgs)
from tensix.formats import bf16_bits_to_float, float_to_bf16_bits, round_to_bf16, tilize
from tensix.gen import programs

SHARD_READ = r"""
void kernel_main() {   // whole shards with noc_async_read_shard, written out page by page
    uint32_t src = get_arg_val<uint32_t>(0), dst = get_arg_val<uint32_t>(1), shards = get_arg_val<uint32_t>(2);
    constexpr auto sa = TensorAccessorArgs<0>();
    constexpr auto da = TensorAccessorArgs<sa.next_compile_time_args_offset()>();
    const auto s = TensorAccessor(sa, src);
    const auto d = TensorAccessor(da, dst);
    uint32_t l1 = get_write_ptr(0), vol = s.shard_volume();
    for (uint32_t k = 0; k < shards; k++) {
        noc_async_read_shard(k, s, l1);
        noc_async_read_barrier();
        for (uint32_t p = 0; p < vol; p++) noc_async_write_page(k * vol + p, d, l1 + p * s.get_aligned_page_size());
        noc_async_write_barrier();
    }
}
"""
ADD_SHARDS = r"""
#include "api/compute/eltwise_binary.h"
void kernel_main() {   // a + b on the tiles of this core's shards, already in L1
    uint32_t n = get_arg_val<uint32_t>(0);
    binary_op_init_common(0, 1, 16);
    add_tiles_init(0, 1);
    cb_reserve_back(16, n);
    for (uint32_t i = 0; i < n; i++) {
        tile_regs_acquire();
        add_tiles(0, 1, i, i, 0);
        tile_regs_commit();
        tile_regs_wait();
        pack_tile(0, 16);
        tile_regs_release();
    }
    cb_push_back(16, n);
}
"""
CASES = [((8, 4), (2, 4)), ((8, 4), (8, 1)), ((8, 4), (4, 2)), ((5, 3), (2, 2)), ((2, 3, 4), (1, 2, 4))]


@pytest.fixture(scope="module")
def dev():
    with Device("n150") as d:
        yield d


def test_spec_layouts_and_mapping():
    assert ShardSpec((8, 4), (2, 4)).layout == "height"
    assert ShardSpec((8, 4), (8, 1)).layout == "width"
    assert ShardSpec((8, 4), (4, 2)).layout == "block"
    spec = ShardSpec((5, 3), (2, 2))           # 3 x 2 shards of 4 pages, edges padded
    assert spec.grid == (3, 2) and spec.num_shards == 6 and spec.shard_volume == 4
    bank, off = spec.locate(4)
    # page (2, 1) = id 7: shard (1, 0) = flat 2 -> bank 2, offset 0 * 4 + (0 * 2 + 1)
    assert (bank[7], off[7]) == (2, 1)
    # page (4, 2) = id 14: shard (2, 1) = flat 5 -> bank 1, offset (5 // 4) * 4 + 0
    assert (bank[14], off[14]) == (1, 4)
    with pytest.raises(ValueError, match="same rank"):
        ShardSpec((4, 4), (2,))
    with pytest.raises(ValueError, match="orientation"):
        ShardSpec((4, 4), (2, 2), orientation="diagonal")


def test_host_places_height_shards_on_their_cores(dev):
    spec = ShardSpec((8, 4), (2, 4), cores=CoreRange((0, 0), (3, 0)))    # core k holds rows 2k, 2k+1
    buf = Buffer(dev, 32 * 64, 64, "l1", shard=spec)
    data = np.arange(32 * 16, dtype=np.uint32)
    buf.write(data)
    for k in range(4):
        shard = dev.backend.read_pages("l1", dev.arch.core_index((k, 0)), buf.address, 64, 8, 64).view(np.uint32)
        shard = shard.reshape(-1)
        assert np.array_equal(shard, data[k * 128:(k + 1) * 128])
    assert TensorAccessorArgs(buf).compile_time_args()[:8] == [1, 64, 2, 4, 8, 4, 2, 4]
    buf.free()


@pytest.mark.parametrize("kind", ["l1", "dram"])
@pytest.mark.parametrize("tshape,sshape", CASES)
def test_tensor_accessor_reads_sharded_pages(dev, kind, tshape, sshape):
    n = int(np.prod(tshape))
    spec = ShardSpec(tshape, sshape, cores=CoreRange((0, 0), (1, 1)) if kind == "l1" else None,
                     orientation="col_major")
    src, dst = Buffer(dev, n * 64, 64, kind, shard=spec), dev.dram_buffer(n * 64, 64)
    data = np.random.default_rng(n).integers(0, 2**32, n * 16, dtype=np.uint32)
    src.write(data)
    assert np.array_equal(src.read(np.uint32), data)
    dev.queue.enqueue(programs.copy(src, dst, n, cores=(3, 3)))     # page by page through the (sharded) accessor
    assert np.array_equal(dst.read(np.uint32), data)
    src.free()
    dst.free()


def test_read_whole_shards(dev):
    spec = ShardSpec((8, 4), (2, 4))                     # height-sharded over the DRAM banks, 4 shards
    src, dst = dev.dram_buffer(32 * 64, 64, shard=spec), dev.dram_buffer(32 * 64, 64)
    data = np.arange(32 * 16, dtype=np.uint32)
    src.write(data)
    k = Kernel(SHARD_READ, on="riscv_0", compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)], runtime_args=[src, dst, 4])
    dev.queue.enqueue(Program((0, 0), [k], [CircularBuffer(0, "float16_b", 64 * 8, 1)]))
    assert np.array_equal(dst.read(np.uint32), data)


def test_sharded_add_on_globally_allocated_cbs(dev):
    """vecadd_sharding's pattern: height-sharded L1 tensors, CBs placed on them, a compute kernel only."""
    cores = CoreRange((0, 0), (3, 0))
    rows, tiles = 4 * 32, 4                                 # 4 x 4 tiles, one tile row per core
    spec = ShardSpec((4, 4), (1, 4), cores=cores)
    a, b, c = (dev.l1_buffer(16 * 2048, 2048, shard=spec) for _ in range(3))
    x = np.random.default_rng(1).standard_normal((rows, 128)).astype(np.float32)
    y = np.random.default_rng(2).standard_normal((rows, 128)).astype(np.float32)
    a.write(float_to_bf16_bits(tilize(x)))
    b.write(float_to_bf16_bits(tilize(y)))
    cbs = [CircularBuffer(0, "float16_b", 2048, tiles, buffer=a), CircularBuffer(1, "float16_b", 2048, tiles, buffer=b),
           CircularBuffer(16, "float16_b", 2048, tiles, buffer=c)]
    # the kernel reads the pre-filled CBs without cb_wait_front: silicon reads what is in L1, tensix warns
    with pytest.warns(RaceWarning, match="without cb_wait_front"):
        dev.queue.enqueue(Program(cores, [Kernel(ADD_SHARDS, on="compute", runtime_args=[tiles])], cbs))
    out = bf16_bits_to_float(c.read(np.uint16))
    ref = round_to_bf16(round_to_bf16(x) + round_to_bf16(y))
    assert np.array_equal(out, tilize(ref))


def test_bad_shard_specs(dev):
    with pytest.raises(ValueError, match="holds 32 pages but the buffer has 16"):
        Buffer(dev, 16 * 64, 64, "l1", shard=ShardSpec((8, 4), (2, 4), cores=(0, 0)))
    with pytest.raises(ValueError, match="needs cores="):
        Buffer(dev, 32 * 64, 64, "l1", shard=ShardSpec((8, 4), (2, 4)))
    with pytest.raises(ValueError, match="outside the 8x8 compute grid"):
        Buffer(dev, 32 * 64, 64, "l1", shard=ShardSpec((8, 4), (2, 4), cores=CoreRange((7, 7), (8, 7))))
