"""tensix: Tenstorrent Tensix chips from Python. A low-level host API (Device, Buffer, CircularBuffer,
Kernel, Semaphore, Program, Queue) and a simulated chip that compiles and runs real TT-Metalium kernels."""
from .arch import ARCHS, Arch, get_arch
from .buffer import Buffer, ShardSpec
from .core import (CoreCoord, CoreRange, CoreRangeSet, corerange_to_cores, grid_to_cores, num_cores_to_corerangeset,
                   split_work_to_cores)
from . import cache
from .device import Device
from .profile import DeviceTime
from .queue import Queue
from .errors import AllocationError, CompileError, DeviceError, DeviceHang, RaceWarning, TensixError
from .formats import DataFormat, tile_size
from .program import CircularBuffer, Kernel, Program, Semaphore, TensorAccessorArgs

__version__ = "0.1.0"
__all__ = ["ARCHS", "Arch", "get_arch", "Buffer", "ShardSpec", "CoreCoord", "CoreRange", "CoreRangeSet",
           "corerange_to_cores", "grid_to_cores", "num_cores_to_corerangeset", "split_work_to_cores", "Device",
           "DeviceTime", "Queue", "AllocationError", "CompileError", "DeviceError", "DeviceHang", "RaceWarning", "TensixError",
           "DataFormat", "tile_size", "CircularBuffer", "Kernel", "Program", "Semaphore", "TensorAccessorArgs",
           "cache"]
