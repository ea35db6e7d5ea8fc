"""tensix.gen.programs: the page copies tests and benchmarks use as their workload (copy, stream), and
the reader/writer around a compute kernel under test (feed; test_sfpu.py and test_sfpi.py run it)."""
import numpy as np
import pytest

from tensix import DataFormat, Device, Kernel
from tensix.gen import from_numpy, programs


@pytest.fixture(scope="module")
def dev():
    with Device("n150") as d:
        yield d


def pages_of(buf, n):
    return buf.read(np.uint16).reshape(n, -1)


def test_copy_splits_pages_over_cores_and_leaves_the_rest(dev):
    n = 20
    src, dst = dev.dram_buffer(n * 2048, 2048), dev.dram_buffer(n * 2048, 2048)
    x = np.random.default_rng(0).integers(0, 1 << 16, n * 1024, dtype=np.uint16)
    src.write(x)
    cores = [(0, 0), (1, 0), (2, 0)]
    scratch = dev.l1_buffer(2048, cores=cores)
    p = programs.copy(src, dst, 13, first=4, cores=cores, scratch=scratch)
    k = p.kernels[0]
    # contiguous runs, the first cores one page more: 5, 4, 4 pages from page 4 on
    assert [k.runtime_args[c][2:4] for c in cores] == [[5, 4], [4, 9], [4, 13]]
    assert not p.cbs                                   # staged in the scratch buffer, no CB
    dev.queue.enqueue(p)
    got, want = pages_of(dst, n), x.reshape(n, -1)
    assert (got[4:17] == want[4:17]).all() and not got[:4].any() and not got[17:].any()
    # all pages, one core, staged in CB 0; the kernel text is one for every buffer and page count
    dst2 = dev.dram_buffer(n * 2048, 2048)
    q = programs.copy(src, dst2)
    assert [cb.index for cb in q.cbs] == [0] and q.kernels[0].runtime_args[(0, 0)][2:4] == [n, 0]
    assert q.kernels[0].source == programs.copy_source() != k.source == programs.copy_source(scratch=True)
    dev.queue.enqueue(q)
    assert (dst2.read(np.uint16) == x).all()


def test_stream_moves_tiled_tensors_over_the_grid(dev):
    a = np.random.default_rng(1).standard_normal((96, 320)).astype(np.float32)
    t, u = from_numpy(dev, a), from_numpy(dev, np.zeros_like(a))
    grid = [(x, y) for y in range(8) for x in range(8)]
    p = programs.stream(t, u, cores=grid, depth=2)
    assert len(p.cores.cores()) == 30 and [k.on for k in p.kernels] == ["reader", "writer"]   # 30 tiles
    dev.queue.enqueue(p)
    assert (u.numpy() == t.numpy()).all() and u.numpy().any()


def test_copy_refuses_what_it_cannot_copy(dev):
    a, b = dev.dram_buffer(4 * 2048, 2048), dev.dram_buffer(4 * 1024, 1024)
    with pytest.raises(ValueError, match="2048 B and dst pages 1024 B"):
        programs.copy(a, b)
    c = dev.dram_buffer(2 * 2048, 2048)
    with pytest.raises(ValueError, match=r"pages \[1, 4\) do not fit the buffers' 2 pages"):
        programs.copy(a, c, 3, first=1)
    with pytest.raises(ValueError, match="per-core L1 buffer"):
        programs.copy(a, c, scratch=dev.dram_buffer(2048, 2048))
    with pytest.raises(TypeError, match="not a Buffer"):
        programs.stream("a", c)


def test_feed_takes_formats_from_tensors_and_checks_counts(dev):
    a = from_numpy(dev, np.ones((64, 32), np.float32), "fp32")
    out = from_numpy(dev, np.zeros((64, 32), np.float32), "bfp8_b")
    k = Kernel("void kernel_main() {}", on="compute")
    p = programs.feed(k, [a, a], out)
    assert [(cb.index, cb.data_format, cb.page_size) for cb in p.cbs] == [
        (0, DataFormat.Float32, 4096), (1, DataFormat.Float32, 4096), (16, DataFormat.Bfp8_b, 1088)]
    assert p.kernels[0].runtime_args[0] == 2 and p.kernels[2].runtime_args[1] == 2   # 2 tiles in, 2 out
    assert "tile i of input k -> CB k, 2 input(s)" in p.kernels[0].source
    with pytest.raises(ValueError, match=r"3 tiles per input and 2 output tiles, but input\(s\) \[0, 1\]"):
        programs.feed(k, [a, a], out, tiles=3)
    with pytest.raises(ValueError, match="1 formats for 2 inputs"):
        programs.feed(k, [a, a], out, formats=["float16_b"])
