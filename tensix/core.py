"""Logical core coordinates, rectangular core ranges, core-range sets and work splitting.

Mirrors TT-Metalium's ``core_coord.hpp`` / ``work_split.hpp`` semantics:

* ``CoreRange(start, end)`` is inclusive at both ends.
* "Column-major" order (the default, ``row_wise=False``) walks y fastest:
  (0,0), (0,1), ..., (0,gy-1), (1,0), ...; ``row_wise=True`` walks x fastest.
* ``split_work_to_cores`` uses the first ``min(units, n)`` cores of the grid; the first
  ``units % n_used`` of them get one extra unit (group 1), the rest form group 2.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, NamedTuple, Optional, Union

__all__ = [
    "CoreCoord", "CoreRange", "CoreRangeSet", "WorkSplit", "as_coord", "as_core_range_set",
    "grid_to_cores", "grid_to_cores_range", "corerange_to_cores", "num_cores_to_corerangeset",
    "split_work_to_cores",
]


def _nonneg_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, got bool {value!r}")
    try:
        i = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an int, got {type(value).__name__} {value!r}") from None
    if i < 0:
        raise ValueError(f"{what} must be >= 0, got {i}")
    return i


@dataclass(frozen=True, order=True, repr=False)
class CoreCoord:
    """A logical (x, y) core coordinate. Ordered by x, then y (like ``tt_xy_pair``)."""

    x: int
    y: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _nonneg_int(self.x, "CoreCoord.x"))
        object.__setattr__(self, "y", _nonneg_int(self.y, "CoreCoord.y"))

    def __iter__(self) -> Iterator[int]:
        return iter((self.x, self.y))

    def __repr__(self) -> str:
        return f"({self.x}, {self.y})"


CoordLike = Union[CoreCoord, tuple, list]


def _is_coord_like(v: Any) -> bool:
    return isinstance(v, CoreCoord) or (
        isinstance(v, (tuple, list)) and len(v) == 2
        and all(not isinstance(i, bool) and hasattr(i, "__index__") for i in v)
    )


def as_coord(v: CoordLike) -> CoreCoord:
    """Return ``v`` as a CoreCoord; accepts a CoreCoord or a 2-tuple/list of ints."""
    if isinstance(v, CoreCoord):
        return v
    if _is_coord_like(v):
        return CoreCoord(v[0], v[1])
    raise TypeError(f"expected a CoreCoord or an (x, y) pair of ints, got {type(v).__name__} {v!r}")


@dataclass(frozen=True, order=True, init=False, repr=False)
class CoreRange:
    """An inclusive rectangle of cores ``[start.x..end.x] x [start.y..end.y]``."""

    start: CoreCoord
    end: CoreCoord

    def __init__(self, start: CoordLike, end: Optional[CoordLike] = None) -> None:
        s = as_coord(start)
        e = s if end is None else as_coord(end)
        if s.x > e.x or s.y > e.y:
            raise ValueError(f"CoreRange start {s!r} must be <= end {e!r} in both x and y")
        object.__setattr__(self, "start", s)
        object.__setattr__(self, "end", e)

    start_coord = property(lambda self: self.start, doc="Alias of ``start`` (C++ name).")
    end_coord = property(lambda self: self.end, doc="Alias of ``end`` (C++ name).")

    def __repr__(self) -> str:
        return f"CoreRange({self.start!r}, {self.end!r})"

    def grid_size(self) -> CoreCoord:
        """(width, height) of the rectangle."""
        return CoreCoord(self.end.x - self.start.x + 1, self.end.y - self.start.y + 1)

    @property
    def size(self) -> int:
        w, h = self.grid_size()
        return w * h

    def __len__(self) -> int:
        return self.size

    def contains(self, other: Union[CoordLike, "CoreRange"]) -> bool:
        if isinstance(other, CoreRange):
            return self.contains(other.start) and self.contains(other.end)
        c = as_coord(other)
        return self.start.x <= c.x <= self.end.x and self.start.y <= c.y <= self.end.y

    def __contains__(self, other: object) -> bool:
        if isinstance(other, CoreRange) or _is_coord_like(other):
            return self.contains(other)  # type: ignore[arg-type]
        return False

    def cores(self, row_wise: bool = True) -> list[CoreCoord]:
        """All cores; row_wise=True walks x fastest, row_wise=False walks y fastest."""
        xs = range(self.start.x, self.end.x + 1)
        ys = range(self.start.y, self.end.y + 1)
        if row_wise:
            return [CoreCoord(x, y) for y in ys for x in xs]
        return [CoreCoord(x, y) for x in xs for y in ys]

    def __iter__(self) -> Iterator[CoreCoord]:
        return iter(self.cores(row_wise=True))

    def intersection(self, other: "CoreRange") -> Optional["CoreRange"]:
        x0, y0 = max(self.start.x, other.start.x), max(self.start.y, other.start.y)
        x1, y1 = min(self.end.x, other.end.x), min(self.end.y, other.end.y)
        if x0 > x1 or y0 > y1:
            return None
        return CoreRange((x0, y0), (x1, y1))

    def intersects(self, other: "CoreRange") -> bool:
        return self.intersection(other) is not None

    def merge(self, other: "CoreRange") -> Optional["CoreRange"]:
        """The union as a CoreRange if it is exactly a rectangle, else None."""
        box = CoreRange(
            (min(self.start.x, other.start.x), min(self.start.y, other.start.y)),
            (max(self.end.x, other.end.x), max(self.end.y, other.end.y)),
        )
        inter = self.intersection(other)
        union = self.size + other.size - (inter.size if inter is not None else 0)
        return box if union == box.size else None


def _to_range(item: Any, who: str) -> CoreRange:
    if isinstance(item, CoreRange):
        return item
    if _is_coord_like(item):
        return CoreRange(item)
    raise TypeError(
        f"{who}: cannot use {type(item).__name__} {item!r} as a core range; "
        "expected a CoreRange, a CoreCoord or an (x, y) tuple of ints"
    )


def _ranges_from_cells(cells: Iterable[CoreCoord], row_wise: bool = True) -> list[CoreRange]:
    """Decompose a set of cores into disjoint rectangles.

    Maximal runs are found along the fast axis (x if row_wise, else y); runs with the same
    extent on consecutive lines are merged into one rectangle.
    """
    lines: dict[int, list[int]] = {}
    for c in set(cells):
        slow, fast = (c.y, c.x) if row_wise else (c.x, c.y)
        lines.setdefault(slow, []).append(fast)
    done: list[tuple[int, int, int, int]] = []  # (fast0, fast1, slow0, slow1)
    open_: dict[tuple[int, int], list[int]] = {}  # (fast0, fast1) -> [slow0, slow1]
    for slow in sorted(lines):
        fasts = sorted(lines[slow])
        runs, begin = [], fasts[0]
        for prev, cur in zip(fasts, fasts[1:]):
            if cur != prev + 1:
                runs.append((begin, prev))
                begin = cur
        runs.append((begin, fasts[-1]))
        still_open: dict[tuple[int, int], list[int]] = {}
        for run in runs:
            rect = open_.pop(run, None)
            if rect is not None and rect[1] == slow - 1:
                rect[1] = slow
            else:
                if rect is not None:
                    done.append((*run, *rect))
                rect = [slow, slow]
            still_open[run] = rect
        done.extend((*run, *rect) for run, rect in open_.items())
        open_ = still_open
    done.extend((*run, *rect) for run, rect in open_.items())
    if row_wise:
        return [CoreRange((f0, s0), (f1, s1)) for f0, f1, s0, s1 in done]
    return [CoreRange((s0, f0), (s1, f1)) for f0, f1, s0, s1 in done]


class CoreRangeSet:
    """An immutable set of non-overlapping CoreRanges. Equality compares the covered cores."""

    __slots__ = ("_ranges", "_cells")

    def __init__(self, ranges: Any = None) -> None:
        if ranges is None:
            items: list[Any] = []
        elif isinstance(ranges, CoreRangeSet):
            items = list(ranges.ranges())
        elif isinstance(ranges, CoreRange) or _is_coord_like(ranges):
            items = [ranges]
        elif isinstance(ranges, Iterable) and not isinstance(ranges, (str, bytes)):
            items = list(ranges)
        else:
            raise TypeError(
                f"CoreRangeSet: cannot build from {type(ranges).__name__} {ranges!r}; expected a "
                "CoreRange, a CoreCoord/(x, y) tuple, or an iterable of those"
            )
        rs = sorted(_to_range(i, "CoreRangeSet") for i in items)
        for i, a in enumerate(rs):
            for b in rs[i + 1:]:
                if a.intersects(b):
                    raise ValueError(f"CoreRangeSet: ranges {a!r} and {b!r} overlap")
        self._ranges: tuple[CoreRange, ...] = tuple(rs)
        self._cells: Optional[frozenset[CoreCoord]] = None

    def ranges(self) -> tuple[CoreRange, ...]:
        return self._ranges

    def num_cores(self) -> int:
        return sum(r.size for r in self._ranges)

    __len__ = num_cores

    def bounding_box(self) -> CoreRange:
        if not self._ranges:
            raise ValueError("bounding_box() of an empty CoreRangeSet")
        return CoreRange(
            (min(r.start.x for r in self._ranges), min(r.start.y for r in self._ranges)),
            (max(r.end.x for r in self._ranges), max(r.end.y for r in self._ranges)),
        )

    def contains(self, other: Any) -> bool:
        """True if every core of ``other`` (coord, range or set) is in this set."""
        if isinstance(other, CoreRangeSet):
            return all(self.contains(r) for r in other.ranges())
        if isinstance(other, CoreRange):
            inters = (r.intersection(other) for r in self._ranges)
            return sum(i.size for i in inters if i is not None) == other.size
        c = as_coord(other)
        return any(r.contains(c) for r in self._ranges)

    def __contains__(self, other: object) -> bool:
        if isinstance(other, (CoreRange, CoreRangeSet)) or _is_coord_like(other):
            return self.contains(other)
        return False

    def cores(self, row_wise: bool = True) -> list[CoreCoord]:
        """Cores of each range in ``ranges()`` order; within a range x fastest if row_wise."""
        return [c for r in self._ranges for c in r.cores(row_wise)]

    def __iter__(self) -> Iterator[CoreCoord]:
        return iter(self.cores(row_wise=True))

    def _cellset(self) -> frozenset[CoreCoord]:
        if self._cells is None:
            self._cells = frozenset(self.cores())
        return self._cells

    def merge(self, other: Any) -> "CoreRangeSet":
        """Union with anything ``as_core_range_set`` accepts; overlap is allowed."""
        cells = self._cellset() | as_core_range_set(other)._cellset()
        return CoreRangeSet(_ranges_from_cells(cells, row_wise=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CoreRangeSet):
            return NotImplemented
        return self._ranges == other._ranges or self._cellset() == other._cellset()

    def __hash__(self) -> int:
        return hash(self._cellset())

    def __repr__(self) -> str:
        return f"CoreRangeSet([{', '.join(map(repr, self._ranges))}])"


def as_core_range_set(spec: Any) -> CoreRangeSet:
    """Normalize a CoreCoord, (x, y) tuple, CoreRange, CoreRangeSet or a list of those."""
    accepted = "a CoreCoord, an (x, y) tuple of ints, a CoreRange, a CoreRangeSet, or a list/tuple of those"
    if isinstance(spec, CoreRangeSet):
        return spec
    if isinstance(spec, CoreRange) or _is_coord_like(spec):
        return CoreRangeSet(spec)
    if isinstance(spec, (list, tuple, set, frozenset)):
        items: list[CoreRange] = []
        for item in spec:
            if isinstance(item, CoreRangeSet):
                items.extend(item.ranges())
            elif isinstance(item, CoreRange) or _is_coord_like(item):
                items.append(_to_range(item, "as_core_range_set"))
            else:
                raise TypeError(f"as_core_range_set: got element {type(item).__name__} {item!r}; expected {accepted}")
        return CoreRangeSet(items)
    raise TypeError(f"as_core_range_set: got {type(spec).__name__} {spec!r}; expected {accepted}")


def grid_to_cores(num_cores: int, grid_x: int, grid_y: int, row_wise: bool = False) -> list[CoreCoord]:
    """The first ``num_cores`` cores of a grid_x x grid_y grid (y fastest unless row_wise)."""
    n = _nonneg_int(num_cores, "num_cores")
    gx, gy = _nonneg_int(grid_x, "grid_x"), _nonneg_int(grid_y, "grid_y")
    if n > gx * gy:
        raise ValueError(f"num_cores={n} exceeds the {gx}x{gy} grid ({gx * gy} cores)")
    if row_wise:
        return [CoreCoord(i % gx, i // gx) for i in range(n)]
    return [CoreCoord(i // gy, i % gy) for i in range(n)]


def grid_to_cores_range(start: CoordLike, end: CoordLike, row_wise: bool = False) -> list[CoreCoord]:
    """All cores of the inclusive rectangle start..end (y fastest unless row_wise)."""
    return CoreRange(start, end).cores(row_wise=row_wise)


def corerange_to_cores(crs: Any, max_cores: Optional[int] = None, row_wise: bool = False) -> list[CoreCoord]:
    """Cores of each range in order (each y fastest unless row_wise), at most ``max_cores``."""
    cores = as_core_range_set(crs).cores(row_wise=row_wise)
    return cores if max_cores is None else cores[: _nonneg_int(max_cores, "max_cores")]


def num_cores_to_corerangeset(
    num_cores: int, grid_size: CoordLike, row_wise: bool = False, start: CoordLike = (0, 0)
) -> CoreRangeSet:
    """The ``num_cores`` consecutive cores of the grid beginning at ``start``, as a set."""
    n = _nonneg_int(num_cores, "num_cores")
    gx, gy = as_coord(grid_size)
    s = as_coord(start)
    if s.x >= gx or s.y >= gy:
        raise ValueError(f"start core {s!r} is outside the {gx}x{gy} grid")
    first = s.y * gx + s.x if row_wise else s.x * gy + s.y
    available = gx * gy - first
    if n > available:
        raise ValueError(
            f"num_cores={n} exceeds the {available} cores available in the {gx}x{gy} grid from start {s!r}"
        )
    cores = grid_to_cores(first + n, gx, gy, row_wise)[first:]
    return CoreRangeSet(_ranges_from_cells(cores, row_wise=row_wise))


class WorkSplit(NamedTuple):
    """Result of split_work_to_cores; unpacks as the 6-tuple of the C++ API."""

    num_cores: int
    all_cores: CoreRangeSet
    core_group_1: CoreRangeSet
    core_group_2: CoreRangeSet
    units_per_core_group_1: int
    units_per_core_group_2: int


def split_work_to_cores(grid_size: Any, units: int, row_wise: bool = False) -> WorkSplit:
    """Split ``units`` of work over a grid (CoreCoord/(x, y) size) or over a CoreRange(Set)'s cores."""
    units = _nonneg_int(units, "units")
    if isinstance(grid_size, (CoreRange, CoreRangeSet)):
        ordered = corerange_to_cores(grid_size, row_wise=row_wise)
    elif _is_coord_like(grid_size):
        gx, gy = as_coord(grid_size)
        ordered = grid_to_cores(gx * gy, gx, gy, row_wise)
    else:
        raise TypeError(
            f"split_work_to_cores: grid_size must be a CoreCoord/(x, y) grid size or a "
            f"CoreRange/CoreRangeSet, got {type(grid_size).__name__} {grid_size!r}"
        )
    if units == 0:
        return WorkSplit(0, CoreRangeSet(), CoreRangeSet(), CoreRangeSet(), 0, 0)
    if not ordered:
        raise ValueError(f"split_work_to_cores: cannot split {units} units over an empty grid {grid_size!r}")

    def to_set(cells: list[CoreCoord]) -> CoreRangeSet:
        return CoreRangeSet(_ranges_from_cells(cells, row_wise=row_wise)) if cells else CoreRangeSet()

    used = ordered[: min(units, len(ordered))]
    n = len(used)
    base, extra = divmod(units, n)
    all_cores = to_set(used)
    if extra == 0:
        return WorkSplit(n, all_cores, all_cores, CoreRangeSet(), base, 0)
    return WorkSplit(n, all_cores, to_set(used[:extra]), to_set(used[extra:]), base + 1, base)
