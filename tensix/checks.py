"""Checks of host input: every bad value raises TypeError or ValueError naming the value, the limit and
the fix, before anything reaches the device (nothing is truncated or wrapped silently)."""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

U32 = (1 << 32) - 1


def whole(value: Any, what: str, lo: int, hi: int, fix: str = "") -> int:
    """`value` as an int in lo..hi: ints and numpy integers, or floats holding a whole number. bool,
    str and fractional or non-finite numbers are refused."""
    hint = f"; {fix}" if fix else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise TypeError(f"{what} = {value!r} ({type(value).__name__}) is not an integer; pass an int in "
                        f"{lo}..{hi}{hint}")
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{what} = {value!r} is not a whole number; pass an int in {lo}..{hi}{hint}")
    v = int(value)
    if not lo <= v <= hi:
        shown = repr(value) if isinstance(value, (float, np.floating)) else str(v)
        raise ValueError(f"{what} = {shown} is outside {lo}..{hi}{hint}")
    return v


def word(value: Any, what: str) -> int:
    """A 32-bit word a kernel reads as uint32_t (or int32_t): -2**31..2**32-1, never truncated (a bool is
    0 or 1)."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    return whole(value, what, -(1 << 31), U32, "kernel arguments are 32-bit words; pass larger values "
                 "as several words") & U32


def flag(value: Any, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} = {value!r} ({type(value).__name__}) is not a bool; pass True or False")
    return bool(value)


def instance(value: Any, cls: type | tuple, what: str, fix: str) -> Any:
    if not isinstance(value, cls):
        names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
        raise TypeError(f"{what} = {value!r} is a {type(value).__name__}, not a {names}; {fix}")
    return value


def items(value: Any, cls: type, what: str, fix: str) -> list:
    """A list/tuple whose items are all `cls`."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{what} = {value!r} is a {type(value).__name__}, not a list of {cls.__name__}; {fix}")
    for i, v in enumerate(value):
        instance(v, cls, f"{what}[{i}]", fix)
    return list(value)


def real(value: Any, what: str) -> float:
    """A real number (int or float, not bool or str)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} = {value!r} ({type(value).__name__}) is not a number; pass an int or float")
    return float(value)


def dtype(value: Any, what: str) -> np.dtype:
    try:
        dt = np.dtype(value)
    except (TypeError, ValueError):
        raise TypeError(f"{what} = {value!r} is not a numpy dtype; pass e.g. np.uint16, np.float32 or "
                        f"'bfloat16 bits' as np.uint16") from None
    if dt.itemsize == 0 or dt.hasobject:
        raise TypeError(f"{what} = {value!r} has no fixed size in bytes; pass a numeric dtype such as np.uint32")
    return dt


def trace_path(value: Any) -> Path | None:
    """A trace file path that can be written, checked before the run (so a bad path never costs a run
    and its result); None or '' for no trace."""
    if value is None or value == "":
        return None
    return out_path(value, "trace", "run.json")


def out_path(value: Any, what: str, example: str) -> Path:
    """A file path that can be written: its directory exists and is writable, and it is not a directory."""
    if not isinstance(value, (str, os.PathLike)) or value == "":
        raise TypeError(f"{what} = {value!r} is a {type(value).__name__}, not a path; pass a file name such "
                        f"as {example!r}")
    p = Path(value).expanduser()
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise ValueError(f"{what} = {str(value)!r} is a directory; pass a file name inside it, e.g. "
                         f"{str(p / example)!r}")
    if not parent.is_dir():
        raise ValueError(f"{what} = {str(value)!r}: the directory {str(parent)!r} does not exist; create it or "
                         f"write the file elsewhere")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"{what} = {str(value)!r}: the directory {str(parent)!r} is not writable; write the "
                         f"file elsewhere")
    return p


def kernel_name(name: Any) -> str:
    """A kernel name becomes a file name inside the kernel cache: a plain name only (no directory part, not
    hidden, printable, 1..128 characters)."""
    if (not isinstance(name, str) or not 0 < len(name) <= 128 or name.startswith(".")
            or any(ch in name for ch in "/\\") or not name.isprintable()):
        raise ValueError(f"Kernel name={name!r} is not a plain file name: use 1..128 printable characters without "
                         f"'/' or '\\', not starting with '.', e.g. name='reader.cpp'")
    return name


def directories(value: Any, what: str) -> list[Path]:
    """A list of existing directories (include paths)."""
    if isinstance(value, (str, bytes, os.PathLike)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{what} = {value!r} is a {type(value).__name__}, not a list of directories; pass e.g. "
                        f"[\"/path/to/include\"]")
    out = []
    for d in value:
        if not isinstance(d, (str, os.PathLike)) or d == "":
            raise TypeError(f"{what} entry {d!r} is a {type(d).__name__}, not a directory path")
        p = Path(d).expanduser().resolve()
        if not p.is_dir():
            raise FileNotFoundError(f"{what}: include directory {str(d)!r} does not exist ({p}); pass directories "
                                    f"that exist")
        out.append(p)
    return out
