"""FPU compute kernels on the simulated chip:
eltwise add of 64 bf16 tiles bit-exact vs numpy, the sharded vector add with globally allocated CBs,
and the errors bad compute kernels raise."""
from __future__ import annotations


import numpy as np
import pytest

from conftest import EXAMPLES, load_example
from tensix import CircularBuffer, CompileError, DataFormat, DeviceError, Kernel, Program
from tensix.formats import round_to_bf16



eltwise_add = load_example("eltwise_add")
vecadd_sharding = load_example("vecadd_sharding")



# ---- eltwise add -------------------------------------------------------------------------------------
def test_eltwise_add_64_tiles_bit_exact(dev):
    r = eltwise_add.run(dev, num_tiles=64)
    assert r["output"].shape == (64 * 32, 32)
    ref = round_to_bf16(round_to_bf16(r["a"]) + round_to_bf16(r["b"]))
    assert (r["output"].view(np.uint32) == ref.view(np.uint32)).all()
    assert r["ok"] and r["mismatches"] == 0
    assert r["time"].cycles > 0


def test_eltwise_add_main_p150a(capsys):
    eltwise_add.main("p150a")
    assert "bit-exact" in capsys.readouterr().out


# ---- sharded vector add --------------------------------------------------------------------------------
# tt-metal's vecadd_sharding kernel reads its pre-filled shards without cb_wait_front: legal, reported once
@pytest.mark.filterwarnings("ignore::tensix.errors.RaceWarning")
@pytest.mark.parametrize("sharding", vecadd_sharding.SHARDINGS)
def test_vecadd_sharding(dev, sharding):
    r = vecadd_sharding.run(dev, sharding)
    assert r["tiles_per_core"] == 4
    assert r["ok"], f"{r['mismatches']} values differ"
    assert (r["output"].view(np.uint32) == round_to_bf16(r["a"] + r["b"]).view(np.uint32)).all()


@pytest.mark.filterwarnings("ignore::tensix.errors.RaceWarning")
def test_vecadd_sharding_is_compute_only(dev):
    r = vecadd_sharding.run(dev, "block")
    assert r["processors"] == ["compute"]          # no reader, no writer: the CBs sit on the shards
    src = (EXAMPLES / "kernels" / "compute" / "add_sharded.cpp").read_text().split("void kernel_main")[1]
    assert "cb_wait_front" not in src


# ---- bad compute kernels ---------------------------------------------------------------------------------
FEED = r"""
// pushes n (uninitialised) pages into CBs 0, 1 and 2 so the compute kernel has tiles to wait for
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    cb_reserve_back(0, n); cb_push_back(0, n);
    cb_reserve_back(1, n); cb_push_back(1, n);
    cb_reserve_back(2, n); cb_push_back(2, n);
}
"""
HEAD = """#include "api/compute/common.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/tile_move_copy.h"
void kernel_main() {
"""


def _run_compute(dev, body: str, name: str, pushed: int = 1):
    """Run a compute kernel (HEAD + body) on core (0, 0) with `pushed` pages in CBs 0, 1 (bf16) and
    2 (Float32); CB 16 is a bf16 output."""
    cbs = [CircularBuffer(i, DataFormat.Float16_b, 2048, 2) for i in (0, 1, 16)]
    cbs.append(CircularBuffer(2, DataFormat.Float32, 4096, 2))
    kernels = [Kernel(FEED, on="riscv_1", runtime_args=[pushed]),
               Kernel(HEAD + body + "\n}\n", on="compute", name=name)]
    return dev.queue.enqueue(Program((0, 0), kernels, cbs))


def test_dst_index_beyond_capacity(dev):
    body = """    binary_op_init_common(0, 1, 16);
    add_tiles_init(0, 1);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    add_tiles(0, 1, 0, 0, 8);      // half-sync bf16 DST holds 8 tiles: 0..7"""
    with pytest.raises(DeviceError) as e:
        _run_compute(dev, body, "bad_dst_index.cpp")
    msg = str(e.value)
    assert "bad_dst_index.cpp" in msg and "add_tiles" in msg
    assert "DST index 8" in msg and "capacity of 8" in msg


def test_dst_capacity_is_4_with_fp32_dest_acc(dev):
    src = HEAD + """    binary_op_init_common(0, 1, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    add_tiles(0, 1, 0, 0, 4);
}
"""
    cbs = [CircularBuffer(i, DataFormat.Float16_b, 2048, 2) for i in (0, 1, 16)]
    cbs.append(CircularBuffer(2, DataFormat.Float32, 4096, 2))
    kernels = [Kernel(FEED, on="riscv_1", runtime_args=[1]),
               Kernel(src, on="compute", name="fp32_dst_index.cpp", fp32_dest_acc_en=True)]
    with pytest.raises(DeviceError, match=r"DST index 4 is beyond the DST capacity of 4"):
        dev.queue.enqueue(Program((0, 0), kernels, cbs))


def test_pack_without_commit_and_wait(dev):
    body = """    binary_op_init_common(0, 1, 16);
    add_tiles_init(0, 1);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    add_tiles(0, 1, 0, 0, 0);
    cb_reserve_back(16, 1);
    pack_tile(0, 16);              // no tile_regs_commit() / tile_regs_wait()"""
    with pytest.raises(DeviceError) as e:
        _run_compute(dev, body, "pack_no_commit.cpp")
    msg = str(e.value)
    assert "pack_no_commit.cpp" in msg and "pack_tile" in msg
    assert "tile_regs_commit" in msg and "tile_regs_wait" in msg


def test_wait_without_commit(dev):
    with pytest.raises(DeviceError, match=r"tile_regs_wait: nothing was committed"):
        _run_compute(dev, "    tile_regs_acquire();\n    tile_regs_wait();", "wait_no_commit.cpp")


def test_cb_pop_front_more_than_waited(dev):
    body = """    binary_op_init_common(0, 1, 16);
    cb_wait_front(0, 1);
    cb_pop_front(0, 2);            // only one page arrived and was waited for"""
    with pytest.raises(DeviceError) as e:
        _run_compute(dev, body, "pop_too_many.cpp", pushed=1)
    msg = str(e.value)
    assert "pop_too_many.cpp" in msg and "cb_pop_front(cb 0, 2)" in msg and "only 1 page" in msg


def test_unknown_op_is_a_compile_error_naming_it(dev):
    body = """    init_sfpu(0, 16);
    tile_regs_acquire();
    frobnicate_tile_init();
    frobnicate_tile(0);"""
    with pytest.raises(CompileError) as e:
        _run_compute(dev, body, "unknown_op.cpp")
    msg = str(e.value)
    assert "unknown_op.cpp" in msg and "frobnicate_tile_init" in msg


def test_data_format_mismatch_needs_reconfig(dev):
    body = """    binary_op_init_common(0, 1, 16);   // unpackers set up for bf16
    add_tiles_init(0, 2);
    cb_wait_front(0, 1); cb_wait_front(2, 1);
    tile_regs_acquire();
    add_tiles(0, 2, 0, 0, 0);          // CB 2 is Float32: no reconfig_data_format"""
    with pytest.raises(DeviceError) as e:
        _run_compute(dev, body, "format_mismatch.cpp")
    msg = str(e.value)
    assert "format_mismatch.cpp" in msg and "add_tiles" in msg
    assert "Float32" in msg and "Float16_b" in msg and "reconfig_data_format" in msg


def test_data_format_reconfig_is_accepted(dev):
    body = """    binary_op_init_common(0, 1, 16);
    reconfig_data_format_srcb(2);      // SrcB now unpacks Float32
    add_tiles_init(0, 2);
    cb_wait_front(0, 1); cb_wait_front(2, 1);
    tile_regs_acquire();
    add_tiles(0, 2, 0, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile(0, 16);
    tile_regs_release();
    cb_push_back(16, 1);"""
    assert _run_compute(dev, body, "format_reconfig.cpp").cycles > 0


def test_acquire_twice(dev):
    with pytest.raises(DeviceError) as e:
        _run_compute(dev, "    tile_regs_acquire();\n    tile_regs_acquire();", "acquire_twice.cpp")
    msg = str(e.value)
    assert "acquire_twice.cpp" in msg and "tile_regs_acquire" in msg and "already acquired" in msg


def test_device_usable_after_compute_errors(dev):
    with pytest.raises(DeviceError):
        _run_compute(dev, "    tile_regs_acquire();\n    tile_regs_acquire();", "acquire_twice_again.cpp")
    assert eltwise_add.run(dev, num_tiles=4)["ok"]


def test_compute_misuse_names_the_kernel_line(dev):
    body = """    binary_op_init_common(0, 1, 16);
    cb_wait_front(0, 1); cb_wait_front(1, 1);
    tile_regs_acquire();
    add_tiles(0, 1, 0, 0, 9);"""                 # line 8 of the kernel file
    with pytest.raises(DeviceError) as e:
        _run_compute(dev, body, "dst_index_line.cpp")
    assert "dst_index_line.cpp:8" in str(e.value)
