"""Shared test settings and fixtures.

Every device the tests open runs the clock's conservation check: no NoC link, core NoC port or DRAM
channel may be booked above its rate in any window. `dev` is one n150 per test module; `devices(arch)`
opens (once per module) a device of any arch; `load_example(name)` imports examples/NAME.py."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TENSIX_CHECK", "1")

from tensix import Device  # noqa: E402  (after TENSIX_CHECK is set)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_examples: dict[str, object] = {}


def load_example(name: str):
    """The example module examples/NAME.py (each exposes run(dev) and main(arch))."""
    if name not in _examples:
        if str(EXAMPLES) not in sys.path:
            sys.path.insert(0, str(EXAMPLES))    # examples import each other (loop.py imports loopback)
        spec = importlib.util.spec_from_file_location(f"tensix_example_{name}", EXAMPLES / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _examples[name] = mod
    return _examples[name]


@pytest.fixture(scope="module")
def dev():
    with Device("n150") as d:
        yield d


@pytest.fixture(scope="module")
def devices():
    opened: dict[str, Device] = {}

    def get(arch: str) -> Device:
        if arch not in opened:
            opened[arch] = Device(arch)
        return opened[arch]

    yield get
    for d in opened.values():
        d.close()
