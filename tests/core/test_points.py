"""PointSet: stable ids, exact undo data, hit-testing, and consistent snapshots."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

from nnplayground.core.points import PointSet


def five() -> PointSet:
    ps = PointSet(dim=2, class_names=["a", "b", "c"])
    ps.add_many([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]], [0, 1, 0, 1, 2])
    return ps


def test_add_gives_increasing_ids_and_bumps_the_version():
    ps = PointSet(dim=2)
    assert ps.version == 0 and len(ps) == 0
    assert ps.add([0.5, -1.0], 1) == 0
    assert ps.add((2, 3), 0) == 1
    assert list(ps.add_many(np.ones((3, 2)), [0, 0, 1])) == [2, 3, 4]
    assert ps.version == 3 and len(ps) == 5
    X, y = ps.arrays()
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X[:2], [[0.5, -1.0], [2, 3]])
    np.testing.assert_array_equal(y, [1, 0, 0, 0, 1])


def test_arrays_are_copies():
    ps = five()
    X, y = ps.arrays()
    X[:] = 99
    y[:] = 2
    X2, y2, version = ps.snapshot()
    np.testing.assert_array_equal(X2[:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(y2, [0, 1, 0, 1, 2])
    assert version == ps.version == 1


def test_remove_then_insert_restores_positions_and_ids():
    ps = five()
    before = ps.arrays(), ps.ids
    records = ps.remove([3, 0, 2])
    assert [(r.id, r.index, r.label) for r in records] == [(0, 0, 0), (2, 2, 0), (3, 3, 1)]
    np.testing.assert_array_equal(ps.ids, [1, 4])
    ps.insert(records)
    np.testing.assert_array_equal(ps.ids, before[1])
    np.testing.assert_array_equal(ps.arrays()[0], before[0][0])
    np.testing.assert_array_equal(ps.arrays()[1], before[0][1])
    assert ps.version == 3


def test_ids_are_never_reused():
    ps = five()
    ps.remove([4])
    assert ps.add([9, 9], 0) == 5
    with pytest.raises(KeyError):
        ps.remove([4])
    with pytest.raises(ValueError, match="already in the set"):
        ps.insert(ps.remove([5]) * 2)


def test_move_and_its_undo():
    ps = five()
    old = ps.move(2, [2.5, 7.0])
    np.testing.assert_array_equal(old, [2, 0])
    np.testing.assert_array_equal(ps.get(2)[0], [2.5, 7.0])
    ps.move(2, old)
    np.testing.assert_array_equal(ps.get(2)[0], [2, 0])


def test_moving_in_a_projection_of_3d_data_keeps_the_hidden_axis():
    ps = PointSet(dim=3)
    pid = ps.add([1.0, 2.0, 3.0], 0)
    old = ps.move(pid, [10.0, 30.0], axes=(0, 2))
    np.testing.assert_array_equal(old, [1, 2, 3])
    np.testing.assert_array_equal(ps.get(pid)[0], [10, 2, 30])
    ps.move(pid, [-1.0, -2.0])  # default axes: the first two
    np.testing.assert_array_equal(ps.get(pid)[0], [-1, -2, 30])
    with pytest.raises(ValueError, match="Axes"):
        ps.move(pid, [1.0, 2.0], axes=(0, 3))
    with pytest.raises(ValueError, match="Axes"):
        ps.move(pid, [1.0, 2.0], axes=(1, 1))


def test_nearest_with_anisotropic_scale():
    ps = PointSet(dim=2)
    a = ps.add([1.0, 0.0], 0)
    b = ps.add([0.0, 1.5], 0)
    assert ps.nearest([0, 0]) == a
    # The x axis shows 1 data unit per pixel, y 10 units per pixel: b is 0.15 px away.
    assert ps.nearest([0, 0], scale=(1, 10)) == b
    assert ps.nearest([0, 0], max_dist=0.2, scale=(1, 10)) == b
    assert ps.nearest([0, 0], max_dist=0.1, scale=(1, 10)) is None
    assert ps.nearest([0, 0], max_dist=0.99) is None
    assert ps.nearest([0, 0], max_dist=1.0) == a  # the boundary counts as a hit
    with pytest.raises(ValueError, match="positive"):
        ps.nearest([0, 0], scale=(1, 0))


def test_nearest_prefers_the_point_drawn_on_top_and_handles_projections():
    ps = PointSet(dim=3)
    assert ps.nearest([0, 0]) is None
    first = ps.add([1, 1, 5], 0)
    second = ps.add([1, 1, 5], 1)
    assert ps.nearest([1, 1]) == second
    third = ps.add([1, 9, 0], 0)
    assert ps.nearest([1, 0], axes=(0, 2)) == third
    assert ps.nearest([1, 1, 5]) == second and first == 0


def test_move_cluster_moves_one_class_and_undoes_exactly():
    ps = five()
    ps.add([0.1, 0.7], 0)
    X_before, _ = ps.arrays()
    ids, old, new = ps.move_cluster(0, [0.1, 0.2])
    np.testing.assert_array_equal(ids, [0, 2, 5])
    np.testing.assert_array_equal(old, X_before[[0, 2, 5]])
    X, _ = ps.arrays()
    np.testing.assert_array_equal(X[[1, 3, 4]], X_before[[1, 3, 4]])
    np.testing.assert_array_equal(X[[0, 2, 5]], X_before[[0, 2, 5]] + [0.1, 0.2])
    np.testing.assert_array_equal(ps.centroid(0), (X_before[[0, 2, 5]] + [0.1, 0.2]).mean(axis=0))
    np.testing.assert_array_equal(new, X[[0, 2, 5]])  # the moved rows, as they are now
    ps.set_positions(ids, old)
    assert ps.arrays()[0].tobytes() == X_before.tobytes()
    assert ps.centroid(7) is None


def test_move_cluster_in_3d_along_two_axes():
    ps = PointSet(dim=3)
    ps.add_many([[0, 0, 0], [1, 1, 1], [5, 5, 5]], [1, 1, 0])
    ps.move_cluster(1, [2.0, -1.0], axes=(1, 2))
    np.testing.assert_array_equal(ps.arrays()[0], [[0, 2, -1], [1, 3, 0], [5, 5, 5]])


def test_labels_are_checked_against_the_class_names():
    ps = five()
    assert ps.set_label(0, 2) == 0 and ps.get(0)[1] == 2
    version = ps.version
    for bad in (3, -1, 1.5):
        with pytest.raises(ValueError):
            ps.set_label(0, bad)
        with pytest.raises(ValueError):
            ps.add([0, 0], bad)
    assert ps.version == version and len(ps) == 5
    with pytest.raises(ValueError, match="too few"):
        ps.set_class_names(["a", "b"])
    assert ps.add_class("d") == 3
    assert ps.class_names == ["a", "b", "c", "d"]
    ps.add([0, 0], 3)


def test_bad_coordinates_are_refused():
    ps = PointSet(dim=2)
    for bad in ([np.nan, 0], [0, np.inf], [1, 2, 3], [1]):
        with pytest.raises(ValueError):
            ps.add(bad, 0)
    with pytest.raises(ValueError, match="3 points but 2 labels"):
        ps.add_many(np.zeros((3, 2)), [0, 1])
    assert len(ps) == 0 and ps.version == 0


def test_clear_and_replace_all_can_be_undone():
    ps = five()
    records = ps.clear()
    assert len(ps) == 0 and len(records) == 5
    ps.insert(records)
    np.testing.assert_array_equal(ps.ids, [0, 1, 2, 3, 4])
    previous = ps.replace_all(np.full((2, 2), 7.0), [1, 0], class_names=["x", "y"])
    np.testing.assert_array_equal(ps.ids, [5, 6])
    assert ps.class_names == ["x", "y"]
    ps.restore(previous)
    np.testing.assert_array_equal(ps.ids, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(ps.arrays()[1], [0, 1, 0, 1, 2])
    assert ps.class_names == ["a", "b", "c"]
    assert ps.add([0, 0], 0) == 7  # ids stay unique after the restore


def test_construct_from_arrays():
    ps = PointSet(3, ["a"], X=np.zeros((4, 3)), labels=np.zeros(4, dtype=int))
    assert len(ps) == 4 and ps.dim == 3 and ps.version == 1


def test_snapshots_stay_consistent_while_another_thread_edits():
    ps = PointSet(dim=2)
    stop = threading.Event()
    errors: list[str] = []

    def editor():
        rng = np.random.default_rng(1)
        while not stop.is_set():
            label = int(rng.integers(0, 5))
            pid = ps.add([label, label * 2.0], label)
            if rng.random() < 0.5:
                ps.move(pid, [label, label * 2.0])
            if len(ps) > 40:
                ps.remove(ps.ids[:20].tolist())

    thread = threading.Thread(target=editor)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so a missing lock would show
    thread.start()
    try:
        last_version, reads, deadline = -1, 0, time.monotonic() + 10
        while (last_version < 1500 or reads < 200) and time.monotonic() < deadline:
            reads += 1
            X, y, version = ps.snapshot()
            if len(X) != len(y) or not (np.array_equal(X[:, 0], y) and np.array_equal(X[:, 1], 2 * y)):
                errors.append(f"inconsistent snapshot at version {version}")
            if version < last_version:
                errors.append("version went backwards")
            last_version = version
    finally:
        stop.set()
        thread.join(5)
        sys.setswitchinterval(interval)
    assert not errors and last_version >= 1500 and reads >= 200


def test_replace_all_needs_one_distinct_id_per_point():
    ps = PointSet(dim=2)
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="distinct id"):
        ps.replace_all(X, [0, 0, 1, 1], ids=[3, 7, 3, 9])
    with pytest.raises(ValueError, match="distinct id"):
        ps.replace_all(X, [0, 0, 1, 1], ids=[3, 7, 9])
    ps.replace_all(X, [0, 0, 1, 1], ids=[9, 3, 7, 4])
    assert ps.state().ids.tolist() == [9, 3, 7, 4]


def test_no_coordinate_beyond_the_canvas_gets_in_by_any_edit():
    """Every way points change keeps them within limits.MAX_COORDINATE, as files do."""
    ps = PointSet(2)
    first = ps.add([1.0, 2.0], 0)
    ps.add([3.0, 4.0], 1)
    before = ps.arrays()[0].copy()
    with pytest.raises(ValueError, match=r"within \u00b11e\+09"):
        ps.add([2e9, 0.0], 0)
    with pytest.raises(ValueError, match=r"within \u00b11e\+09"):
        ps.move(first, [0.0, -1.5e9])
    with pytest.raises(ValueError, match=r"within \u00b11e\+09"):
        ps.move_cluster(0, [0.0, -1e9 - 3.0])  # 2 - 1e9 - 3 is past the edge
    assert np.array_equal(ps.arrays()[0], before)
    ps.move_cluster(0, [1e9 - 1.0, 0.0])  # to the edge itself
    assert ps.arrays()[0][0, 0] == 1e9
