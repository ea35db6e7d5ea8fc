"""The kernel cache of the simulated chip: `stats()` and `clear()` (also `tensix cache [--clear]`)."""
from __future__ import annotations

from .backend import backend_class


def stats():
    """Hits, misses and evictions in this process; entries, bytes, path and size cap on disk."""
    return backend_class("sim").cache_stats()


def clear() -> None:
    """Delete every cached kernel build (the next builds compile again)."""
    backend_class("sim").cache_clear()
