"""A Device under interrupts, threads, deaths of its device process and close() with live buffers."""
from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from tensix import AllocationError, Device, DeviceHang, Kernel, Program

ECHO = r"""
void kernel_main() {
    uint32_t v = get_arg_val<uint32_t>(0), spin = get_arg_val<uint32_t>(1);
    for (uint32_t i = 0; i < spin; i++) noc_semaphore_set((volatile uint32_t*)get_semaphore(0), i);
    *(volatile uint32_t*)get_arg_val<uint32_t>(2) = v;
    DPRINT << v << ENDL();
}"""


def _echo(dev: Device, value: int, spin: int = 0, out=None):
    from tensix import Semaphore
    out = out if out is not None else dev.l1_buffer(16, cores=(0, 0))
    k = Kernel(ECHO, on="riscv_0", runtime_args=[value, spin, out])
    dev.queue.enqueue(Program((0, 0), [k], semaphores=[Semaphore(0)]))
    return int(out.read(np.uint32)[0]), [p.text for p in dev.queue.prints]


def test_interrupt_during_enqueue_leaves_the_device_consistent():
    with Device("n150") as dev:
        assert _echo(dev, 1) == (1, ["1"])

        def interrupt(*_):
            raise KeyboardInterrupt
        old = signal.signal(signal.SIGALRM, interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(KeyboardInterrupt):
                _echo(dev, 2, spin=2_000_000_000)          # runs for minutes unless interrupted
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        for v in (3, 4, 5):                                # every later call gets its own reply
            assert _echo(dev, v) == (v, [str(v)])


def test_one_device_shared_by_threads():
    errors: list[BaseException] = []
    with Device("n150") as dev:
        def work(base: int) -> None:
            try:
                out = dev.l1_buffer(16, cores=(0, 0))
                src = dev.dram_buffer(4096, 1024)
                for i in range(15):
                    data = np.full(1024, base + i, np.uint32)
                    src.write(data)
                    assert np.array_equal(src.read(np.uint32), data)
                    assert _echo(dev, base + i, out=out)[0] == base + i
            except BaseException as e:      # noqa: BLE001 - reported below
                errors.append(e)
        threads = [threading.Thread(target=work, args=(1000 * (t + 1),)) for t in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not any(t.is_alive() for t in threads)
    assert not errors, errors


def test_device_process_killed_while_idle_is_replaced_silently():
    with Device("n150") as dev:
        out = dev.l1_buffer(16, cores=(0, 0))
        assert _echo(dev, 7, out=out)[0] == 7
        pid = dev.backend.pid
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
        assert _echo(dev, 8, out=out) == (8, ["8"])       # no error: nothing was running
        assert dev.backend.pid != pid


def test_device_process_killed_mid_run_is_an_error_then_recovers():
    with Device("n150", timeout=30) as dev:
        out = dev.l1_buffer(16, cores=(0, 0))
        threading.Timer(0.5, lambda: os.kill(dev.backend.pid, signal.SIGKILL)).start()
        with pytest.raises(Exception, match="died|exited"):
            _echo(dev, 1, spin=2_000_000_000, out=out)
        assert _echo(dev, 9, out=out)[0] == 9


def test_close_gives_memory_back_while_buffers_are_referenced():
    def mappings() -> int:
        with open("/proc/self/maps") as f:
            return sum("tensix-l1" in line or "tensix-dram" in line for line in f)
    before = mappings()
    kept = []
    for _ in range(5):
        dev = Device("n150")
        b = dev.l1_buffer(512 * 1024, cores=(0, 0))
        b.write(np.ones(512 * 1024, np.uint8))
        kept.append(b)
        dev.close()
    assert mappings() == before
    with pytest.raises(Exception, match="closed|freed"):
        kept[0].read()


def test_l1_buffer_over_a_built_programs_cbs_is_refused_at_enqueue():
    from tensix import CircularBuffer
    with Device("n150") as dev:
        k = Kernel("void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); }", on="riscv_0")
        p = Program((0, 0), [k], cbs=[CircularBuffer(0, page_size=2048, num_pages=200)])
        dev.queue.enqueue(p)
        big = dev.l1_buffer(dev.arch.l1_size - dev.arch.l1_unreserved_base - 300 * 1024, cores=(0, 0))
        with pytest.raises(AllocationError, match="circular buffers need L1"):
            dev.queue.enqueue(p)
        big.free()
        dev.queue.enqueue(p)


def test_deadlock_is_a_hang_by_its_fault_code():
    with Device("n150") as dev:
        k = Kernel("void kernel_main() { cb_wait_front(0, 1); }", on="riscv_0")
        from tensix import CircularBuffer
        with pytest.raises(DeviceHang, match="DEADLOCK"):
            dev.queue.enqueue(Program((0, 0), [k], cbs=[CircularBuffer(0)]))
        assert _echo(dev, 3)[0] == 3
