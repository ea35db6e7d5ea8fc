"""Every kernel or host mistake raises a clear exception, and the device still
runs a correct program afterwards."""
import numpy as np
import pytest

from tensix import (AllocationError, CircularBuffer, CompileError, CoreRange, Device, DeviceError, DeviceHang,
                    Kernel, Program, Semaphore)
from tensix.gen import programs

PRODUCER = r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    for (uint32_t i = 0; i < n; i++) { cb_reserve_back(0, 1); cb_push_back(0, 1); }
}
"""
CONSUMER = r"""
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    cb_wait_front(0, n);
    cb_pop_front(0, n);
}
"""


@pytest.fixture(scope="module")
def dev():
    with Device("n150", timeout=1.5) as d:
        yield d


def loopback_still_works(dev):
    n = 8
    src, dst = dev.dram_buffer(n * 2048, 2048), dev.dram_buffer(n * 2048, 2048)
    data = np.random.default_rng(0).integers(0, 2**16, n * 1024, dtype=np.uint16)
    src.write(data)
    dev.queue.enqueue(programs.copy(src, dst))          # tensix.gen's page copy on core (0, 0)
    assert np.array_equal(dst.read(np.uint16), data)
    src.free()
    dst.free()


def one_core(src, on="reader", cbs=(), sems=(), **kw):
    return Program((0, 0), [Kernel(src, on=on, **kw)], list(cbs), list(sems))


def test_deadlock_names_blocked_call(dev):
    p = Program((0, 0), [Kernel(PRODUCER, on="reader", runtime_args=[3]), Kernel(CONSUMER, on="writer", runtime_args=[4])],
                [CircularBuffer(0, "float16_b", 2048, 4)])
    with pytest.raises(DeviceHang) as e:
        dev.queue.enqueue(p)
    msg = str(e.value)
    assert "core (0, 0) BRISC" in msg and "cb_wait_front(cb 0, 4 pages)" in msg and "3 of 4 pages" in msg
    loopback_still_works(dev)


def test_capacity_deadlock(dev):
    p = Program((0, 0), [Kernel(PRODUCER, on="reader", runtime_args=[2]), Kernel(CONSUMER, on="writer", runtime_args=[8])],
                [CircularBuffer(0, "float16_b", 2048, 4)])
    with pytest.raises(DeviceHang, match=r"cb_wait_front\(cb 0, 8 pages\) can never succeed: the CB holds only 4 pages"):
        dev.queue.enqueue(p)
    loopback_still_works(dev)


def test_semaphore_never_set(dev):
    src = "void kernel_main() { noc_semaphore_wait((volatile uint32_t*)get_semaphore(1), 7); }"
    with pytest.raises(DeviceHang, match=r"noc_semaphore_wait\(L1 0x\w+ = semaphore 1, == 7\): value is 3"):
        dev.queue.enqueue(one_core(src, sems=[Semaphore(0), Semaphore(3)]))
    loopback_still_works(dev)


def test_a_hang_on_many_cores_is_summarised_by_what_they_wait_for(dev):
    """64 cores whose readers all wait on one semaphore and whose writers wait on a CB: two lines, each
    naming how many cores wait there, the first four of them and the range of cycles they started at,
    instead of one line per RISC-V."""
    wait = "void kernel_main() { noc_semaphore_wait((volatile uint32_t*)get_semaphore(0), 1); }"
    take = "void kernel_main() { cb_wait_front(0, 1); }"
    p = Program(CoreRange((0, 0), (7, 7)), [Kernel(wait, on="reader", name="waiter.cpp"), Kernel(take, on="writer", name="taker.cpp")],
                [CircularBuffer(0, "float16_b", 2048, 2)], [Semaphore(0)])
    with pytest.raises(DeviceHang) as e:
        dev.queue.enqueue(p)
    lines = [line for line in str(e.value).splitlines() if "blocked in" in line]
    assert len(lines) == 2, str(e.value)
    assert "64 cores (0, 0), (1, 0), (2, 0), (3, 0) and 60 more: NCRISC (RISCV_1), kernel waiter.cpp" in lines[0]
    assert "noc_semaphore_wait(L1 0x" in lines[0] and "== 1): value is 0" in lines[0] and "since cycle" in lines[0]
    assert "64 cores" in lines[1] and "kernel taker.cpp" in lines[1] and "cb_wait_front(cb 0, 1 pages)" in lines[1]
    loopback_still_works(dev)


def test_segfault_names_kernel_and_line(dev):
    src = "void kernel_main() {\n    volatile uint32_t* p = (volatile uint32_t*)0x20000;\n    *p = 5;\n}\n"
    with pytest.raises(DeviceError) as e:
        dev.queue.enqueue(one_core(src, name="crasher.cpp"))
    msg = str(e.value)
    assert "segmentation fault at address 0x20000" in msg and "core (0, 0) NCRISC" in msg
    assert "crasher.cpp:3" in msg and "reset" in msg
    loopback_still_works(dev)


def test_infinite_loop_is_stopped(dev):
    src = "void kernel_main() {\n    volatile uint32_t x = 0;\n    while (true) { x++; }\n}\n"
    with pytest.raises(DeviceHang) as e:
        dev.queue.enqueue(one_core(src, on="writer", name="spinner.cpp"))
    msg = str(e.value)
    assert "no progress for 1.5 s" in msg and "core (0, 0) BRISC" in msg and "spinner.cpp:3" in msg
    loopback_still_works(dev)


def test_l1_overflow(dev):
    with pytest.raises(AllocationError, match=r"circular buffers need L1 up to 0x\w+ .* 1499136 B per core"):
        dev.queue.enqueue(one_core("void kernel_main() {}", cbs=[CircularBuffer(0, "float16_b", 2048, 1000)]))
    # L1 buffers and CBs may not overlap either
    big = dev.l1_buffer(1_300_000, cores=(0, 0))
    with pytest.raises(AllocationError, match="L1 buffers occupy"):
        dev.queue.enqueue(one_core("void kernel_main() {}", cbs=[CircularBuffer(0, "float16_b", 2048, 64)]))
    big.free()
    with pytest.raises(AllocationError, match=r"cannot allocate \d+ B of L1: .* limit"):
        dev.l1_buffer(2_000_000, cores=(0, 0))
    loopback_still_works(dev)


def test_out_of_bounds_noc_read(dev):
    wc = dev.worker_core((1, 1))
    src = ("void kernel_main() { noc_async_read(get_noc_addr(%d, %d, 0x200000), get_write_ptr(0), 64); "
           "noc_async_read_barrier(); }" % (wc.x, wc.y))
    with pytest.raises(DeviceError, match=r"noc_async_read: reading 64 B at L1 address 0x200000 of core \(1, 1\) runs past"):
        dev.queue.enqueue(one_core(src, cbs=[CircularBuffer(0, "float16_b", 2048, 2)]))
    bad_tile = "void kernel_main() { noc_async_read(get_noc_addr(63, 63, 0), get_write_ptr(0), 64); }"
    with pytest.raises(DeviceError, match=r"targets tile \(63, 63\) on NoC 0, which is neither a worker core nor a DRAM"):
        dev.queue.enqueue(one_core(bad_tile, cbs=[CircularBuffer(0, "float16_b", 2048, 2)]))
    loopback_still_works(dev)


def test_misaligned_noc_address(dev):
    bank = dev.arch.dram_banks[0].kernel_xy[0]
    src = ("void kernel_main() { noc_async_read(get_noc_addr(%d, %d, 0x104), get_write_ptr(0), 64); }" % bank)
    with pytest.raises(DeviceError, match=r"misaligned NoC transfer: local L1 address 0x\w+ and DRAM address 0x104 differ modulo 32"):
        dev.queue.enqueue(one_core(src, cbs=[CircularBuffer(0, "float16_b", 2048, 2)]))
    loopback_still_works(dev)


def test_compile_error_shows_kernel_lines(dev):
    src = "void kernel_main() {\n    uint32_t x = 1;\n    x = undefined_thing + 2;\n}\n"
    with pytest.raises(CompileError) as e:
        dev.queue.enqueue(one_core(src, name="broken.cpp"))
    msg = str(e.value)
    assert "broken.cpp:3" in msg and "undefined_thing" in msg and ">    3 |" in msg
    loopback_still_works(dev)


def test_too_many_runtime_args(dev):
    with pytest.raises(ValueError, match=r"400 runtime args \+ 0 common args = 400; the limit is 341"):
        dev.queue.enqueue(one_core("void kernel_main() {}", runtime_args=list(range(400))))
    with pytest.raises(DeviceError, match=r"get_arg_val\(2\): the host set 2 runtime arg"):
        dev.queue.enqueue(one_core("void kernel_main() { get_arg_val<uint32_t>(2); }", runtime_args=[1, 2]))
    loopback_still_works(dev)


def test_core_outside_grid(dev):
    with pytest.raises(ValueError, match=r"core \(8, 0\) is outside the 8x8 compute grid of n150"):
        dev.queue.enqueue(Program((8, 0), [Kernel("void kernel_main() {}")]))
    with pytest.raises(ValueError, match="outside the 8x8 compute grid"):
        dev.worker_core((0, 9))
    loopback_still_works(dev)


def test_api_misuse_errors(dev):
    pop_unwaited = "void kernel_main() { cb_pop_front(0, 1); }"
    with pytest.raises(DeviceError, match=r"cb_pop_front\(cb 0, 1\): only 0 page\(s\) are at the front"):
        dev.queue.enqueue(one_core(pop_unwaited, cbs=[CircularBuffer(0, "float16_b", 2048, 2)]))
    unconfigured = "void kernel_main() { cb_reserve_back(5, 1); }"
    with pytest.raises(DeviceError, match="CB 5 is not configured on core"):
        dev.queue.enqueue(one_core(unconfigured))
    wrong_dests = ("void kernel_main() { noc_async_write_multicast(get_write_ptr(0), "
                   "get_noc_multicast_addr(%d, %d, %d, %d, get_write_ptr(0)), 64, 3); }"
                   % (*dev.worker_core((1, 1)), *dev.worker_core((2, 2))))
    with pytest.raises(DeviceError, match=r"num_dests is 3 but the rectangle .* reaches 4 core"):
        dev.queue.enqueue(Program([(0, 0), (1, 1), (2, 2), (1, 2), (2, 1)],
                                  [Kernel(wrong_dests, cores=(0, 0))], [CircularBuffer(0, "float16_b", 2048, 2)]))
    loopback_still_works(dev)


def test_bad_host_input(dev):
    b = dev.dram_buffer(4096, 2048)
    with pytest.raises(ValueError, match="got 100 B of data, the buffer holds 4096 B"):
        b.write(b"x" * 100)
    with pytest.raises(TypeError, match="numpy array or bytes"):
        b.write([1, 2, 3])
    with pytest.raises(ValueError, match="not a whole number of 3000 B pages"):
        dev.dram_buffer(4096, 3000)
    with pytest.raises(ValueError, match="unknown arch"):
        Device("h100")
    with pytest.raises(ValueError, match="on='gpu' is not one of"):
        Kernel("void kernel_main() {}", on="gpu")
    with pytest.raises(TypeError, match="runtime arg 0 is a float"):
        dev.queue.enqueue(one_core("void kernel_main() {}", runtime_args=[1.5]))
    with pytest.raises(FileNotFoundError, match="no_such_kernel.cpp"):
        Kernel("no_such_kernel.cpp")
    with pytest.raises(ValueError, match="CB index 40 is out of range"):
        dev.queue.enqueue(one_core("void kernel_main() {}", cbs=[CircularBuffer(40, "float16_b", 2048, 2)]))
    b.free()
    loopback_still_works(dev)


def test_stack_overflow_and_exit_are_reported(dev):
    deep = ("int deep(int n) { volatile char buf[4096]; buf[0] = char(n); return n ? deep(n - 1) + buf[0] : 0; }\n"
            "void kernel_main() { DPRINT << deep(100000) << ENDL(); }\n")
    with pytest.raises(DeviceError, match=r"stack overflow .* keep large arrays in L1") as e:
        dev.queue.enqueue(one_core(deep, name="deep.cpp"))
    assert "deep.cpp:1" in str(e.value)
    loopback_still_works(dev)
    quits = "#include <cstdlib>\nvoid kernel_main() { exit(3); }\n"
    with pytest.raises(DeviceError, match=r"simulator process exited with status 3: core \(0, 0\) NCRISC \(RISCV_1\), kernel \S+ called exit\(3\).*the device was reset"):
        dev.queue.enqueue(one_core(quits))
    loopback_still_works(dev)
