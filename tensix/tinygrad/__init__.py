"""tinygrad on tensix: the `TT` device. `import tensix.tinygrad` registers it (tinygrad then finds
`tinygrad.runtime.ops_tt`); `tensix tinygrad-install` adds a .pth finder so `DEV=TT python script.py`
works with no code change. tinygrad (the pinned `tensix[tinygrad]` extra) is imported only here, lazily."""
from __future__ import annotations

from .finder import install_finder, install_pth

__all__ = ["register", "install_finder", "install_pth", "stats"]


def register() -> None:
    """Make `tinygrad.runtime.ops_tt` importable (idempotent)."""
    install_finder()


def __getattr__(name: str):
    if name in ("stats", "ops_tt"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(name)


register()
