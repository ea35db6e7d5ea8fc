"""Tests for tensix.core: coordinates, core ranges, core-range sets and work splitting."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from tensix.core import (
    CoreCoord,
    CoreRange,
    CoreRangeSet,
    WorkSplit,
    as_coord,
    as_core_range_set,
    corerange_to_cores,
    grid_to_cores,
    grid_to_cores_range,
    num_cores_to_corerangeset,
    split_work_to_cores,
)

C = CoreCoord


def col_major(gx: int, gy: int) -> list[CoreCoord]:
    """Independent reference: y fastest."""
    out = []
    for x in range(gx):
        for y in range(gy):
            out.append(C(x, y))
    return out


def row_major(gx: int, gy: int) -> list[CoreCoord]:
    out = []
    for y in range(gy):
        for x in range(gx):
            out.append(C(x, y))
    return out


# --------------------------------------------------------------------------- CoreCoord


def test_corecoord_basics():
    c = C(3, 5)
    x, y = c
    assert (x, y) == (3, 5)
    assert tuple(c) == (3, 5)
    assert repr(c) == "(3, 5)"
    assert c == C(3, 5) and c != C(5, 3)
    assert len({C(1, 2), C(1, 2), C(2, 1)}) == 2


def test_corecoord_ordering_x_then_y():
    assert C(0, 9) < C(1, 0)
    assert C(1, 0) < C(1, 1)
    assert sorted([C(2, 0), C(0, 1), C(0, 0), C(1, 5)]) == [C(0, 0), C(0, 1), C(1, 5), C(2, 0)]


def test_corecoord_frozen_and_validated():
    c = C(1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.x = 2  # type: ignore[misc]
    with pytest.raises(ValueError, match="-1"):
        C(-1, 0)
    with pytest.raises(TypeError):
        C(1.5, 0)  # type: ignore[arg-type]


def test_as_coord():
    assert as_coord((1, 2)) == C(1, 2)
    assert as_coord([4, 0]) == C(4, 0)
    c = C(7, 7)
    assert as_coord(c) is c
    with pytest.raises(TypeError, match="CoreCoord"):
        as_coord((1, 2, 3))
    with pytest.raises(TypeError):
        as_coord("ab")


# --------------------------------------------------------------------------- CoreRange


def test_corerange_inclusive_size():
    r = CoreRange((0, 0), (7, 7))
    assert r.size == 64 and len(r) == 64
    assert r.grid_size() == C(8, 8)
    r2 = CoreRange(C(2, 1), C(4, 1))
    assert r2.size == 3 and r2.grid_size() == C(3, 1)
    assert r2.start == C(2, 1) and r2.end == C(4, 1)
    assert r2.start_coord == C(2, 1) and r2.end_coord == C(4, 1)


def test_corerange_single_point():
    r = CoreRange((3, 4))
    assert r.start == r.end == C(3, 4)
    assert r.size == 1
    assert list(r) == [C(3, 4)]
    assert r == CoreRange((3, 4), (3, 4))


@pytest.mark.parametrize("start,end", [((2, 0), (1, 5)), ((0, 3), (5, 2))])
def test_corerange_start_after_end_rejected(start, end):
    with pytest.raises(ValueError) as ei:
        CoreRange(start, end)
    msg = str(ei.value)
    assert repr(C(*start)) in msg and repr(C(*end)) in msg


def test_corerange_contains():
    r = CoreRange((1, 1), (3, 2))
    assert r.contains((1, 1)) and r.contains(C(3, 2)) and r.contains((2, 2))
    assert not r.contains((0, 1)) and not r.contains((4, 2)) and not r.contains((2, 3))
    assert (3, 2) in r and C(2, 1) in r
    assert (3, 3) not in r
    assert CoreRange((2, 1), (3, 2)) in r
    assert r.contains(r)
    assert not r.contains(CoreRange((2, 1), (4, 2)))
    assert "nonsense" not in r


def test_corerange_core_orders():
    r = CoreRange((1, 0), (2, 2))
    rw = [C(1, 0), C(2, 0), C(1, 1), C(2, 1), C(1, 2), C(2, 2)]
    cw = [C(1, 0), C(1, 1), C(1, 2), C(2, 0), C(2, 1), C(2, 2)]
    assert r.cores() == rw
    assert r.cores(row_wise=True) == rw
    assert r.cores(row_wise=False) == cw
    assert list(r) == rw


def test_corerange_intersects_and_intersection():
    a = CoreRange((0, 0), (3, 3))
    assert a.intersects(CoreRange((3, 3), (5, 5)))
    assert a.intersection(CoreRange((3, 3), (5, 5))) == CoreRange((3, 3))
    assert not a.intersects(CoreRange((4, 0), (5, 3)))
    assert a.intersection(CoreRange((4, 0), (5, 3))) is None
    assert a.intersection(CoreRange((1, 2), (9, 9))) == CoreRange((1, 2), (3, 3))


def test_corerange_merge():
    a = CoreRange((0, 0), (1, 3))
    assert a.merge(CoreRange((2, 0), (4, 3))) == CoreRange((0, 0), (4, 3))  # side by side
    assert a.merge(CoreRange((0, 4), (1, 4))) == CoreRange((0, 0), (1, 4))  # stacked
    assert a.merge(CoreRange((0, 1), (1, 2))) == a  # contained
    assert a.merge(CoreRange((0, 2), (1, 6))) == CoreRange((0, 0), (1, 6))  # overlapping
    assert a.merge(CoreRange((2, 0), (2, 2))) is None  # L-shape
    assert a.merge(CoreRange((3, 0), (4, 3))) is None  # gap
    assert a.merge(CoreRange((5, 5))) is None


def test_corerange_hashable_frozen_ordered():
    a = CoreRange((0, 0), (1, 1))
    assert hash(a) == hash(CoreRange((0, 0), (1, 1)))
    assert len({a, CoreRange((0, 0), (1, 1)), CoreRange((0, 0))}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.start = C(1, 1)  # type: ignore[misc]
    assert sorted([CoreRange((1, 0)), CoreRange((0, 0), (0, 3)), CoreRange((0, 0))]) == [
        CoreRange((0, 0)),
        CoreRange((0, 0), (0, 3)),
        CoreRange((1, 0)),
    ]
    assert repr(a) == "CoreRange((0, 0), (1, 1))"


# --------------------------------------------------------------------------- CoreRangeSet


def test_corerangeset_empty():
    s = CoreRangeSet([])
    assert s.ranges() == ()
    assert s.num_cores() == 0 and len(s) == 0
    assert list(s) == [] and s.cores() == []
    assert (0, 0) not in s
    assert not s
    assert CoreRangeSet() == s
    with pytest.raises(ValueError, match="empty"):
        s.bounding_box()


def test_corerangeset_constructors():
    r = CoreRange((0, 0), (1, 1))
    assert CoreRangeSet(r).ranges() == (r,)
    assert CoreRangeSet((2, 3)).ranges() == (CoreRange((2, 3)),)
    assert CoreRangeSet(C(2, 3)).ranges() == (CoreRange((2, 3)),)
    s = CoreRangeSet([CoreRange((5, 0), (5, 1)), (3, 3), C(0, 4), r])
    assert s.ranges() == (r, CoreRange((0, 4)), CoreRange((3, 3)), CoreRange((5, 0), (5, 1)))
    assert s.num_cores() == 4 + 1 + 1 + 2
    assert isinstance(s.ranges(), tuple)
    assert CoreRangeSet(s) == s
    assert CoreRangeSet({CoreRange((0, 0)), CoreRange((1, 0))}).num_cores() == 2


def test_corerangeset_overlap_rejected_naming_both():
    a = CoreRange((0, 0), (2, 2))
    b = CoreRange((2, 2), (4, 4))
    with pytest.raises(ValueError) as ei:
        CoreRangeSet([a, b])
    assert repr(a) in str(ei.value) and repr(b) in str(ei.value)
    with pytest.raises(ValueError, match="overlap"):
        CoreRangeSet([a, (1, 1)])
    with pytest.raises(ValueError, match="overlap"):
        CoreRangeSet([(1, 1), (1, 1)])
    # touching but not overlapping is fine
    assert CoreRangeSet([a, CoreRange((3, 0), (3, 2))]).num_cores() == 12


def test_corerangeset_bad_types():
    with pytest.raises(TypeError, match="str"):
        CoreRangeSet("0,0")
    with pytest.raises(TypeError, match="CoreRange"):
        CoreRangeSet([CoreRange((0, 0)), 5])
    with pytest.raises(TypeError):
        CoreRangeSet(3.0)


def test_corerangeset_bounding_box():
    s = CoreRangeSet([CoreRange((1, 2), (2, 3)), CoreRange((5, 0)), CoreRange((3, 6), (4, 6))])
    assert s.bounding_box() == CoreRange((1, 0), (5, 6))
    assert CoreRangeSet(CoreRange((2, 2), (3, 3))).bounding_box() == CoreRange((2, 2), (3, 3))


def test_corerangeset_contains():
    s = CoreRangeSet([CoreRange((0, 0), (1, 3)), CoreRange((2, 0), (3, 1))])
    assert s.contains((0, 3)) and s.contains(C(3, 1))
    assert not s.contains((3, 2)) and not s.contains((4, 0))
    assert (2, 1) in s and (2, 2) not in s
    # a range spanning both member ranges is contained
    assert s.contains(CoreRange((0, 0), (3, 1)))
    assert CoreRange((1, 1), (2, 1)) in s
    assert not s.contains(CoreRange((0, 0), (3, 2)))
    assert s.contains(CoreRangeSet([(0, 0), (3, 0)]))
    assert not s.contains(CoreRangeSet([(0, 0), (3, 3)]))
    assert s.contains(CoreRangeSet([]))
    assert 3.5 not in s


def test_corerangeset_cores_order_and_iter():
    s = CoreRangeSet([CoreRange((4, 0), (4, 1)), CoreRange((0, 0), (1, 1))])
    assert s.cores() == [C(0, 0), C(1, 0), C(0, 1), C(1, 1), C(4, 0), C(4, 1)]
    assert s.cores(row_wise=False) == [C(0, 0), C(0, 1), C(1, 0), C(1, 1), C(4, 0), C(4, 1)]
    assert list(s) == s.cores()
    assert len(s) == 6


def test_corerangeset_merge():
    a = CoreRangeSet(CoreRange((0, 0), (1, 1)))
    merged = a.merge(CoreRange((2, 0), (2, 1)))
    assert merged.ranges() == (CoreRange((0, 0), (2, 1)),)
    assert a.ranges() == (CoreRange((0, 0), (1, 1)),)  # original untouched
    # overlap allowed in merge
    m2 = a.merge(CoreRangeSet(CoreRange((1, 1), (2, 2))))
    assert m2.num_cores() == 4 + 4 - 1
    assert set(m2.cores()) == set(CoreRange((0, 0), (1, 1)).cores()) | set(CoreRange((1, 1), (2, 2)).cores())
    # result ranges are disjoint
    rs = m2.ranges()
    assert not any(x.intersects(y) for x, y in itertools.combinations(rs, 2))
    # merge with coords and lists
    m3 = CoreRangeSet([]).merge([(0, 0), (0, 1), CoreRange((1, 0), (1, 1))])
    assert m3.ranges() == (CoreRange((0, 0), (1, 1)),)
    assert a.merge(a) == a
    # same-extent runs separated by a gap must not be fused into one rectangle
    gap = CoreRangeSet([CoreRange((0, 0), (2, 0)), CoreRange((0, 2), (2, 2))]).merge([])
    assert gap.num_cores() == 6 and (1, 1) not in gap
    assert gap.ranges() == (CoreRange((0, 0), (2, 0)), CoreRange((0, 2), (2, 2)))


def test_corerangeset_equality_by_cores():
    a = CoreRangeSet(CoreRange((0, 0), (1, 0)))
    b = CoreRangeSet([(0, 0), (1, 0)])
    assert a == b and hash(a) == hash(b)
    assert a != CoreRangeSet([(0, 0)])
    assert a != CoreRangeSet([(0, 0), (2, 0)])
    assert a != "not a set"
    assert CoreRangeSet([(1, 0), (0, 0)]) == b


def test_corerangeset_repr():
    s = CoreRangeSet([CoreRange((0, 0), (1, 1))])
    assert repr(s) == "CoreRangeSet([CoreRange((0, 0), (1, 1))])"


# --------------------------------------------------------------------------- as_core_range_set


def test_as_core_range_set_accepts_all_forms():
    r = CoreRange((0, 0), (1, 1))
    s = CoreRangeSet(r)
    assert as_core_range_set(s) is s
    assert as_core_range_set(r) == s
    assert as_core_range_set(C(2, 2)).ranges() == (CoreRange((2, 2)),)
    assert as_core_range_set((2, 2)).ranges() == (CoreRange((2, 2)),)
    mixed = as_core_range_set([r, (3, 3), C(4, 4), CoreRangeSet(CoreRange((5, 0), (5, 1)))])
    assert mixed.num_cores() == 4 + 1 + 1 + 2
    assert (5, 1) in mixed and (2, 2) not in mixed
    assert as_core_range_set([]) == CoreRangeSet([])


@pytest.mark.parametrize("bad", ["0,0", 7, 1.5, None, {"x": 1}, (1, 2, 3), [CoreRange((0, 0)), "x"]])
def test_as_core_range_set_rejects(bad):
    with pytest.raises(TypeError) as ei:
        as_core_range_set(bad)
    msg = str(ei.value)
    assert "CoreRangeSet" in msg and "CoreCoord" in msg  # says what is accepted


def test_as_core_range_set_message_names_given_type():
    with pytest.raises(TypeError, match="str"):
        as_core_range_set("abc")
    with pytest.raises(TypeError, match="float"):
        as_core_range_set(2.5)


def test_as_core_range_set_overlap_in_list():
    with pytest.raises(ValueError, match="overlap"):
        as_core_range_set([CoreRange((0, 0), (2, 2)), (1, 1)])


# --------------------------------------------------------------------------- grid helpers


def test_grid_to_cores_column_major_default():
    assert grid_to_cores(5, 2, 3) == [C(0, 0), C(0, 1), C(0, 2), C(1, 0), C(1, 1)]
    assert grid_to_cores(64, 8, 8) == col_major(8, 8)


def test_grid_to_cores_row_wise():
    assert grid_to_cores(5, 2, 3, row_wise=True) == [C(0, 0), C(1, 0), C(0, 1), C(1, 1), C(0, 2)]
    assert grid_to_cores(12, 3, 4, row_wise=True) == row_major(3, 4)
    assert grid_to_cores(0, 3, 4) == []


def test_grid_to_cores_too_many():
    with pytest.raises(ValueError, match="65"):
        grid_to_cores(65, 8, 8)


def test_grid_to_cores_range():
    assert grid_to_cores_range((1, 1), (2, 2)) == [C(1, 1), C(1, 2), C(2, 1), C(2, 2)]
    assert grid_to_cores_range(C(1, 1), C(2, 2), row_wise=True) == [C(1, 1), C(2, 1), C(1, 2), C(2, 2)]
    with pytest.raises(ValueError):
        grid_to_cores_range((2, 2), (1, 1))


def test_corerange_to_cores():
    s = CoreRangeSet([CoreRange((3, 0), (3, 1)), CoreRange((0, 0), (1, 1))])
    assert corerange_to_cores(s) == [C(0, 0), C(0, 1), C(1, 0), C(1, 1), C(3, 0), C(3, 1)]
    assert corerange_to_cores(s, row_wise=True) == [C(0, 0), C(1, 0), C(0, 1), C(1, 1), C(3, 0), C(3, 1)]
    assert corerange_to_cores(s, max_cores=3) == [C(0, 0), C(0, 1), C(1, 0)]
    assert corerange_to_cores(s, max_cores=100) == corerange_to_cores(s)
    assert corerange_to_cores(CoreRange((0, 0), (0, 1))) == [C(0, 0), C(0, 1)]


def test_num_cores_to_corerangeset_column_major():
    s = num_cores_to_corerangeset(20, (8, 8))
    assert s.num_cores() == 20
    assert set(s.cores()) == set(col_major(8, 8)[:20])
    assert s.ranges() == (CoreRange((0, 0), (1, 7)), CoreRange((2, 0), (2, 3)))
    assert num_cores_to_corerangeset(64, C(8, 8)).ranges() == (CoreRange((0, 0), (7, 7)),)


def test_num_cores_to_corerangeset_row_wise():
    s = num_cores_to_corerangeset(20, (8, 8), row_wise=True)
    assert set(s.cores()) == set(row_major(8, 8)[:20])
    assert set(s.ranges()) == {CoreRange((0, 0), (7, 1)), CoreRange((0, 2), (3, 2))}


def test_num_cores_to_corerangeset_with_start():
    s = num_cores_to_corerangeset(8, (4, 4), start=(1, 2))
    order = col_major(4, 4)
    first = order.index(C(1, 2))
    assert set(s.cores()) == set(order[first:first + 8])
    assert s.ranges() == (CoreRange((1, 2), (1, 3)), CoreRange((2, 0), (2, 3)), CoreRange((3, 0), (3, 1)))
    s2 = num_cores_to_corerangeset(6, (4, 4), row_wise=True, start=(2, 1))
    assert set(s2.cores()) == {C(2, 1), C(3, 1), C(0, 2), C(1, 2), C(2, 2), C(3, 2)}


def test_num_cores_to_corerangeset_errors():
    with pytest.raises(ValueError, match="65"):
        num_cores_to_corerangeset(65, (8, 8))
    with pytest.raises(ValueError, match="exceeds"):
        num_cores_to_corerangeset(15, (4, 4), start=(0, 2))  # only 14 left
    assert num_cores_to_corerangeset(14, (4, 4), start=(0, 2)).num_cores() == 14
    with pytest.raises(ValueError, match="outside"):
        num_cores_to_corerangeset(1, (4, 4), start=(4, 0))
    assert num_cores_to_corerangeset(0, (4, 4)) == CoreRangeSet([])


# --------------------------------------------------------------------------- split_work_to_cores


def total_units(ws: WorkSplit) -> int:
    return ws.core_group_1.num_cores() * ws.units_per_core_group_1 + ws.core_group_2.num_cores() * ws.units_per_core_group_2


def test_split_8x8_100_units():
    ws = split_work_to_cores((8, 8), 100)
    # rule: n = 64 <= 100 -> all 64 cores; 100 // 64 = 1, 100 % 64 = 36
    assert ws.num_cores == 64
    assert ws.all_cores == CoreRangeSet(CoreRange((0, 0), (7, 7)))
    assert ws.core_group_1.num_cores() == 36 and ws.units_per_core_group_1 == 2
    assert ws.core_group_2.num_cores() == 28 and ws.units_per_core_group_2 == 1
    assert total_units(ws) == 100
    # column-major: group 1 is the first 36 cores with y fastest
    order = col_major(8, 8)
    assert set(ws.core_group_1.cores()) == set(order[:36])
    assert set(ws.core_group_2.cores()) == set(order[36:])
    assert ws.core_group_1.ranges() == (CoreRange((0, 0), (3, 7)), CoreRange((4, 0), (4, 3)))
    assert ws.core_group_2.ranges() == (CoreRange((4, 4), (4, 7)), CoreRange((5, 0), (7, 7)))
    assert C(4, 3) in ws.core_group_1 and C(4, 4) in ws.core_group_2


def test_split_is_unpackable_6_tuple():
    result = split_work_to_cores(C(8, 8), 100)
    num_cores, all_cores, g1, g2, u1, u2 = result
    assert (num_cores, u1, u2) == (64, 2, 1)
    assert isinstance(all_cores, CoreRangeSet) and isinstance(g1, CoreRangeSet) and isinstance(g2, CoreRangeSet)
    assert len(tuple(result)) == 6
    assert result.core_group_1 is g1


def test_split_row_wise():
    ws = split_work_to_cores((8, 8), 100, row_wise=True)
    order = row_major(8, 8)
    assert ws.num_cores == 64
    assert set(ws.core_group_1.cores()) == set(order[:36])
    assert set(ws.core_group_2.cores()) == set(order[36:])
    assert set(ws.core_group_1.ranges()) == {CoreRange((0, 0), (7, 3)), CoreRange((0, 4), (3, 4))}
    assert (ws.units_per_core_group_1, ws.units_per_core_group_2) == (2, 1)
    assert total_units(ws) == 100


def test_split_fewer_units_than_cores():
    ws = split_work_to_cores((8, 8), 10)
    assert ws.num_cores == 10
    assert set(ws.all_cores.cores()) == set(col_major(8, 8)[:10])
    assert ws.all_cores.ranges() == (CoreRange((0, 0), (0, 7)), CoreRange((1, 0), (1, 1)))
    assert ws.core_group_1 == ws.all_cores and ws.units_per_core_group_1 == 1
    assert len(ws.core_group_2) == 0 and ws.units_per_core_group_2 == 0
    wr = split_work_to_cores((8, 8), 10, row_wise=True)
    assert set(wr.all_cores.cores()) == set(row_major(8, 8)[:10])


def test_split_zero_units():
    ws = split_work_to_cores((8, 8), 0)
    assert ws.num_cores == 0
    for s in (ws.all_cores, ws.core_group_1, ws.core_group_2):
        assert isinstance(s, CoreRangeSet) and s.num_cores() == 0
    assert ws.units_per_core_group_1 == 0 and ws.units_per_core_group_2 == 0


def test_split_evenly_divisible():
    ws = split_work_to_cores((8, 8), 128)
    assert ws.num_cores == 64
    assert ws.core_group_1 == ws.all_cores == CoreRangeSet(CoreRange((0, 0), (7, 7)))
    assert ws.units_per_core_group_1 == 2
    assert ws.core_group_2 == CoreRangeSet([]) and ws.units_per_core_group_2 == 0
    ws1 = split_work_to_cores((8, 7), 56)
    assert ws1.num_cores == 56 and ws1.units_per_core_group_1 == 1 and len(ws1.core_group_2) == 0


def test_split_corerangeset_input():
    crs = CoreRangeSet([CoreRange((4, 4), (4, 5)), CoreRange((0, 0), (1, 1))])
    ws = split_work_to_cores(crs, 9)
    # 6 cores, 9 // 6 = 1, 9 % 6 = 3: first 3 cores (ranges in order, column-major) get 2
    assert ws.num_cores == 6
    assert ws.all_cores == crs
    assert set(ws.core_group_1.cores()) == {C(0, 0), C(0, 1), C(1, 0)}
    assert set(ws.core_group_2.cores()) == {C(1, 1), C(4, 4), C(4, 5)}
    assert (ws.units_per_core_group_1, ws.units_per_core_group_2) == (2, 1)
    wr = split_work_to_cores(crs, 9, row_wise=True)
    assert set(wr.core_group_1.cores()) == {C(0, 0), C(1, 0), C(0, 1)}
    small = split_work_to_cores(crs, 5)
    assert small.num_cores == 5 and set(small.all_cores.cores()) == {C(0, 0), C(0, 1), C(1, 0), C(1, 1), C(4, 4)}
    assert split_work_to_cores(CoreRange((0, 0), (1, 1)), 4).units_per_core_group_1 == 1


@pytest.mark.parametrize("row_wise", [False, True])
@pytest.mark.parametrize("grid", [(1, 1), (3, 2), (8, 8), (8, 7), (13, 10)])
@pytest.mark.parametrize("units", [1, 2, 5, 7, 55, 56, 64, 100, 131, 1000])
def test_split_invariants_against_reference(grid, units, row_wise):
    gx, gy = grid
    ws = split_work_to_cores(grid, units, row_wise=row_wise)
    order = (row_major if row_wise else col_major)(gx, gy)
    n = min(units, len(order))
    extra = units % n
    per = units // n
    assert ws.num_cores == n
    assert set(ws.all_cores.cores()) == set(order[:n])
    if extra == 0:
        assert set(ws.core_group_1.cores()) == set(order[:n])
        assert ws.units_per_core_group_1 == per
        assert ws.core_group_2.num_cores() == 0 and ws.units_per_core_group_2 == 0
    else:
        assert set(ws.core_group_1.cores()) == set(order[:extra])
        assert set(ws.core_group_2.cores()) == set(order[extra:n])
        assert (ws.units_per_core_group_1, ws.units_per_core_group_2) == (per + 1, per)
    assert total_units(ws) == units
    assert not set(ws.core_group_1.cores()) & set(ws.core_group_2.cores())


def test_split_bad_inputs():
    with pytest.raises(ValueError, match="units"):
        split_work_to_cores((8, 8), -1)
    with pytest.raises(TypeError, match="grid_size"):
        split_work_to_cores("8x8", 10)
    with pytest.raises(TypeError, match="units"):
        split_work_to_cores((8, 8), 2.5)
    with pytest.raises(ValueError, match="empty"):
        split_work_to_cores(CoreRangeSet([]), 3)
    assert split_work_to_cores(CoreRangeSet([]), 0).num_cores == 0
