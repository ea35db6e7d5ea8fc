"""An import finder that answers `tinygrad.runtime.ops_tt` with `tensix.tinygrad.ops_tt`, without
importing tinygrad itself. A one-line .pth file (install_pth) runs install_finder at interpreter start."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import sysconfig
from pathlib import Path

TARGET = "tinygrad.runtime.ops_tt"
PTH_NAME = "tensix_tinygrad.pth"


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return importlib.import_module("tensix.tinygrad.ops_tt")

    def exec_module(self, module) -> None:
        sys.modules[TARGET] = module


class TTFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == TARGET:
            return importlib.util.spec_from_loader(fullname, _Loader())
        return None


def install_finder() -> None:
    if not any(isinstance(f, TTFinder) for f in sys.meta_path):
        sys.meta_path.append(TTFinder())


def install_pth(site_dir: str | None = None) -> Path:
    """Write the .pth file into site-packages (default: this interpreter's purelib); returns its path."""
    d = Path(site_dir or sysconfig.get_paths()["purelib"])
    p = d / PTH_NAME
    # one line, and harmless where this tensix has no tinygrad package (other checkouts, uninstalled tensix)
    p.write_text("import sys; exec('try:\\n import tensix.tinygrad.finder as f\\n f.install_finder()\\nexcept ImportError: pass')\n")
    return p


def uninstall_pth(site_dir: str | None = None) -> Path | None:
    p = Path(site_dir or sysconfig.get_paths()["purelib"]) / PTH_NAME
    if p.exists():
        p.unlink()
        return p
    return None
