"""Host API behaviour: devices, buffers, programs, runtime args, cache, prints, clock, determinism."""
import os
import subprocess
import sys

import numpy as np
import pytest

import tensix
from tensix import CircularBuffer, Device, Kernel, Program, Semaphore, TensorAccessorArgs
from tensix.gen import programs

def test_device_basics():
    d = Device("n150")
    assert d.grid == tensix.CoreCoord(8, 8) and d.arch.board == "n150"
    assert d.worker_core((0, 0)) == tensix.CoreCoord(18, 18) and d.worker_core((7, 7)) == tensix.CoreCoord(25, 25)
    d.close()
    d.close()  # idempotent
    with pytest.raises(tensix.DeviceError, match="closed"):
        d.dram_buffer(64).write(b"\0" * 64)


def test_several_devices_at_once():
    with Device("n150") as a, Device("p150a") as b, Device("e150") as c:
        assert (a.grid.x, a.grid.y, b.grid.x, b.grid.y, c.grid.x, c.grid.y) == (8, 8, 11, 10, 12, 9)
        bufs = []
        for d in (a, b, c):
            src, dst = d.dram_buffer(4 * 2048, 2048), d.dram_buffer(4 * 2048, 2048)
            data = np.arange(4 * 1024, dtype=np.uint16) * (1 + len(bufs))
            src.write(data)
            d.queue.enqueue(programs.copy(src, dst, 4))
            bufs.append((dst, data))
        for dst, data in bufs:
            assert np.array_equal(dst.read(np.uint16), data)


def test_interleaved_placement_matches_tt_metal(dev):
    # page i lives in bank i % 12 at address + (i // 12) * aligned_page (WH: 12 banks, 32 B alignment)
    b = dev.dram_buffer(30 * 100, 100)
    data = np.arange(3000, dtype=np.uint8)
    b.write(data)
    assert b.aligned_page_size == 128
    for i in (0, 5, 12, 29):
        page = dev.backend.read_pages("dram", i % 12, b.address + (i // 12) * 128, 128, 1, 100)[0]
        assert np.array_equal(page, data[i * 100:(i + 1) * 100])
    assert np.array_equal(b.read(), data)
    b.free()


def test_l1_interleaved_buffer_and_tensor_accessor_args(dev):
    src = dev.l1_buffer(16 * 2048, 2048)
    dst = dev.dram_buffer(16 * 2048, 2048)
    assert TensorAccessorArgs(src).compile_time_args() == [0, 2048]
    assert TensorAccessorArgs(dst).compile_time_args() == [2, 2048]
    data = np.random.default_rng(1).integers(0, 2**16, 16 * 1024, dtype=np.uint16)
    src.write(data)
    dev.queue.enqueue(programs.copy(src, dst, 16, cores=(3, 2)))
    assert np.array_equal(dst.read(np.uint16), data)
    src.free()
    dst.free()


def test_runtime_args_forms_and_reenqueue_without_recompile(dev):
    n = 24
    dev.queue.finish()
    src, dst = dev.dram_buffer(n * 2048, 2048), dev.dram_buffer(n * 2048, 2048)
    data = np.random.default_rng(2).integers(0, 2**16, n * 1024, dtype=np.uint16)
    src.write(data)
    cores = tensix.CoreRangeSet(tensix.CoreRange((0, 0), (3, 1)))   # 8 cores, 3 tiles each
    k = Kernel(programs.copy_source(), on="riscv_0", compile_args=[TensorAccessorArgs(src), TensorAccessorArgs(dst)],
               runtime_args=lambda i, xy, num: programs.copy_args(src, dst, n // num, i * (n // num)))
    p = Program(cores, [k], [CircularBuffer(0, "float16_b", 2048, 1)])
    dev.queue.enqueue(p)
    assert np.array_equal(dst.read(np.uint16), data)
    before = tensix.cache.stats()
    dst2 = dev.dram_buffer(n * 2048, 2048)
    k.runtime_args = {c: programs.copy_args(src, dst2, 3, 3 * i) for i, c in enumerate(cores.cores())}
    dev.queue.enqueue(p)
    assert np.array_equal(dst2.read(np.uint16), data)
    after = tensix.cache.stats()
    assert after.misses == before.misses and after.hits == before.hits   # nothing rebuilt or even looked up
    t = dev.queue.finish()
    assert t.programs == 2 and t.cycles > 0


def test_named_args_defines_and_legacy_includes(dev):
    src = r"""
#include "dataflow_api.h"
#include "debug/dprint.h"
#include "hostdevcommon/common_values.hpp"
void kernel_main() {
    constexpr uint32_t a = get_named_compile_time_arg_val("alpha");
    constexpr uint32_t b = get_compile_time_arg_val(1);
    DPRINT << "a=" << a << " b=" << b << " k=" << kernel_compile_time_args[0] << " def=" << MY_DEFINE
           << " valid=" << VALID << " cb=" << (uint32_t)tt::CBIndex::c_16 << ENDL();
    DEVICE_PRINT("hex {:#x} float {:.2f} xy {} {}\n", 255u, 1.5f, get_absolute_logical_x(), get_absolute_logical_y());
}
"""
    k = Kernel(src, on="riscv_1", compile_args=[11, 22], named_compile_args={"alpha": 7}, defines={"MY_DEFINE": "42"})
    dev.queue.enqueue(Program((2, 3), [k]))
    texts = [p.text for p in dev.queue.prints]
    assert texts == ["a=7 b=22 k=11 def=42 valid=1 cb=16", "hex 0xff float 1.50 xy 2 3"]
    p0 = dev.queue.prints[0]
    assert p0.core == (2, 3) and p0.riscv == "NCRISC" and p0.cycle >= 0
    assert str(p0).startswith("[core (2, 3) NCRISC @ ")


def test_prints_shown_with_tensix_debug(tmp_path):
    script = tmp_path / "p.py"
    script.write_text("from tensix import *\nwith Device() as d:\n"
                      "    d.queue.enqueue(Program((1, 0), [Kernel('void kernel_main() { DPRINT << 5 << ENDL(); }')]))\n")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       env={**os.environ, "TENSIX_DEBUG": "1"}, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "[core (1, 0) NCRISC @ " in r.stderr and "] 5" in r.stderr


def test_deterministic_results_and_cycles(dev):
    n = 12
    src, dst = dev.dram_buffer(n * 2048, 2048), dev.dram_buffer(n * 2048, 2048)
    src.write(np.arange(n * 1024, dtype=np.uint16))
    p = programs.copy(src, dst, n)
    times = {dev.queue.enqueue(p).cycles for _ in range(5)}
    assert len(times) == 1


def test_clock_charges_bytes_and_distance(dev):
    def cycles(nbytes, core):
        src, dst = dev.dram_buffer(nbytes * 8, nbytes), dev.dram_buffer(nbytes * 8, nbytes)
        t = dev.queue.enqueue(programs.copy(src, dst, 8, cores=core)).cycles
        src.free()
        dst.free()
        return t
    small, big = cycles(2048, (0, 0)), cycles(8192, (0, 0))
    assert big > small * 1.5          # bandwidth: 4x the bytes costs clearly more
    assert small > 2 * 8 * dev.arch.timing.dram_latency_cycles   # every read pays the DRAM latency


def test_semaphores_and_two_cores(dev):
    # core A waits for B's increment, then sets a value B waits for: a ping-pong through NoC atomics
    a, b = dev.worker_core((0, 0)), dev.worker_core((1, 0))
    src = r"""
void kernel_main() {
    uint32_t peer_x = get_arg_val<uint32_t>(0), peer_y = get_arg_val<uint32_t>(1), first = get_arg_val<uint32_t>(2);
    volatile uint32_t* mine = (volatile uint32_t*)get_semaphore(0);
    uint64_t theirs = get_noc_addr(peer_x, peer_y, get_semaphore(0));
    for (uint32_t round = 1; round <= 5; round++) {
        if (first) { noc_semaphore_inc(theirs, 1); noc_semaphore_wait(mine, round); }
        else { noc_semaphore_wait(mine, round); noc_semaphore_inc(theirs, 1); }
    }
    noc_async_atomic_barrier();
    DPRINT << "done " << *mine << ENDL();
}
"""
    k = Kernel(src, on="riscv_0", cores=[(0, 0), (1, 0)],
               runtime_args={(0, 0): [b.x, b.y, 1], (1, 0): [a.x, a.y, 0]})
    dev.queue.enqueue(Program([(0, 0), (1, 0)], [k], semaphores=[Semaphore(0)]))
    assert sorted(p.text for p in dev.queue.prints) == ["done 5", "done 5"]


def test_cache_hits_and_eviction(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSIX_CACHE", str(tmp_path / "cache"))
    from tensix.sim import compiler
    src = "void kernel_main() { DPRINT << %d << ENDL(); }"
    with Device() as d:
        s0 = compiler.stats()
        assert s0.path == str(tmp_path / "cache") and s0.entries == 0
        d.queue.enqueue(Program((0, 0), [Kernel(src % 1)]))
        d.queue.enqueue(Program((0, 0), [Kernel(src % 1)]))   # a new Program, same kernel: cache hit
        s1 = compiler.stats()
        assert s1.misses - s0.misses == 1 and s1.hits - s0.hits == 1 and s1.entries == 1
        # a header the kernel includes changes -> rebuilt
        hdr = tmp_path / "val.h"
        hdr.write_text("#define VAL 1\n")
        kfile = tmp_path / "k.cpp"
        kfile.write_text('#include "val.h"\nvoid kernel_main() { DPRINT << VAL << ENDL(); }\n')
        d.queue.enqueue(Program((0, 0), [Kernel(str(kfile))]))
        hdr.write_text("#define VAL 2\n")
        os.utime(hdr, ns=(1, 1))
        d.queue.enqueue(Program((0, 0), [Kernel(str(kfile))]))
        assert d.queue.prints[0].text == "2"
        # size cap: least recently used entries go
        monkeypatch.setenv("TENSIX_CACHE_MAX_BYTES", "1")
        d.queue.enqueue(Program((0, 0), [Kernel(src % 3)]))
        s2 = compiler.stats()
        assert s2.evictions > s1.evictions and s2.entries <= 1


def test_finish_sums_programs_dispatch_and_transfers(dev):
    dev.queue.finish()
    buf = dev.dram_buffer(1 << 20, 2048)
    dev.queue.write(buf, np.zeros(1 << 19, np.uint16))
    a = dev.queue.enqueue(Program((0, 0), [Kernel("void kernel_main() { riscv_wait(1000); }")]))
    b = dev.queue.enqueue(Program((1, 0), [Kernel("void kernel_main() { riscv_wait(3000); }")]))
    t = dev.queue.finish()
    arch = dev.arch
    assert (a.cycles, b.cycles) == (1000, 3000) and t.cycles == 4000 and t.programs == 2
    assert len(t.profiles) == 2 and t.profile is t.profiles[-1]
    host_write = 512 * (2048 / (arch.timing.host_write_gbps * 1e9))     # 512 pages of 2 KB (HW §11f)
    assert t.overhead_s > host_write + 2 * 1.0e-6       # two dispatches, each at least the trace floor (HW §11d)
    assert t.seconds == pytest.approx(4000 / arch.aiclk_hz + t.overhead_s)
    assert t.overhead_s == pytest.approx(a.overhead_s + b.overhead_s + host_write)
    assert dev.queue.finish().cycles == 0
    buf.free()


GLOBALS = r"""
uint32_t counter = 0;                       // kernel globals: each core has its own, fresh at each launch
static uint32_t calls;
void bump() { counter += get_arg_val<uint32_t>(0); calls++; }
void kernel_main() {
    for (int i = 0; i < 3; i++) { bump(); cb_reserve_back(0, 1); cb_push_back(0, 1); cb_wait_front(0, 1); cb_pop_front(0, 1); }
    DPRINT << "counter " << counter << " calls " << calls << ENDL();
}
"""


def test_kernel_globals_are_per_core_and_fresh_each_launch(dev):
    cores = [(0, 0), (1, 0), (2, 0)]
    k = Kernel(GLOBALS, on="riscv_0", cores=cores, runtime_args=lambda i, xy, n: [i + 1])
    p = Program(cores, [k], [CircularBuffer(0, "float16_b", 2048, 1)])
    for _ in range(2):
        dev.queue.enqueue(p)
        assert sorted(x.text for x in dev.queue.prints) == ["counter 3 calls 3", "counter 6 calls 3", "counter 9 calls 3"]


def test_tile_slice_prints_cb_values(dev):
    from tensix.formats import float_to_bf16_bits, tilize
    src = dev.dram_buffer(2048, 2048)
    x = (np.arange(1024, dtype=np.float32).reshape(32, 32) / 4)
    src.write(float_to_bf16_bits(tilize(x)))
    k = r"""
void kernel_main() {
    uint32_t src = get_arg_val<uint32_t>(0);
    InterleavedAddrGenFast<true> s{.bank_base_address = src, .page_size = 2048, .data_format = DataFormat::Float16_b};
    cb_reserve_back(0, 1);
    noc_async_read_tile(0, s, get_write_ptr(0));
    noc_async_read_barrier();
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    DPRINT << TileSlice(0, 0, SliceRange{.h0 = 0, .h1 = 2, .hs = 1, .w0 = 15, .w1 = 18, .ws = 1});
    DEVICE_PRINT("{}", TSLICE(0, 0, SliceRange{.h0 = 16, .h1 = 32, .hs = 8, .w0 = 0, .w1 = 32, .ws = 31}));
    cb_pop_front(0, 1);
}"""
    dev.queue.enqueue(Program((0, 0), [Kernel(k, on="riscv_0", runtime_args=[src])], [CircularBuffer(0, "float16_b", 2048, 1)]))
    assert [p.text for p in dev.queue.prints] == ["3.75 4 4.25", "11.75 12 12.25", "128 136", "192 200"]   # bf16: 135.75 -> 136
    src.free()


MISSING_BARRIER = r"""
void kernel_main() {   // reads a page and copies it with plain loads: with or without the barrier
    uint32_t src = get_arg_val<uint32_t>(0), scratch = get_arg_val<uint32_t>(1), wait = get_arg_val<uint32_t>(2);
    InterleavedAddrGen<true> s{.bank_base_address = src, .page_size = 64};
    volatile uint32_t* buf = (volatile uint32_t*)scratch;
    noc_async_read(get_noc_addr(0, s), scratch, 64);
    if (wait) noc_async_read_barrier();
    for (int i = 0; i < 16; i++) buf[16 + i] = buf[i];
    noc_async_read_barrier();
}
"""


def test_data_read_over_the_noc_lands_only_after_its_latency(dev):
    src = dev.dram_buffer(64, 64)
    src.write(np.arange(1, 17, dtype=np.uint32))
    for wait, expect in ((1, np.arange(1, 17)), (0, np.zeros(16))):
        scratch = dev.l1_buffer(128, cores=(0, 0))
        scratch.write(np.zeros(32, np.uint32))
        dev.queue.enqueue(Program((0, 0), [Kernel(MISSING_BARRIER, on="riscv_0", runtime_args=[src, scratch, wait])]))
        out = scratch.read(np.uint32)
        assert np.array_equal(out[16:], expect)          # without the barrier the copy saw the old bytes
        assert np.array_equal(out[:16], np.arange(1, 17))  # the read itself landed in the end
        scratch.free()
    src.free()
