"""Exceptions tensix raises. Every message names the value, the limit and the fix."""


class TensixError(Exception):
    """Base class of every tensix error."""


class AllocationError(TensixError, MemoryError):
    """A buffer or circular buffer does not fit in DRAM or L1."""


class CompileError(TensixError):
    """A kernel failed to compile; the message holds the compiler output and the kernel lines around it."""


class DeviceError(TensixError):
    """A kernel failed on the (simulated) device: bad NoC address, API misuse, crash. The device was reset."""


class DeviceHang(DeviceError):
    """A kernel deadlocked or stopped making progress. The message names each blocked RISC-V and call."""


class RaceWarning(UserWarning):
    """A kernel did something silicon allows but that may race (e.g. reading a pre-filled CB without
    waiting for it). Shown once per kernel line; also in DeviceTime.profile.warnings."""
