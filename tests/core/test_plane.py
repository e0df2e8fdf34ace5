"""The plane a perceptron with three inputs draws, cut to a box: exact corners."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.plane import plane_in_box

CUBE = ([-1.0, -1.0, -1.0], [1.0, 1.0, 1.0])


def as_set(polygon) -> set[tuple[float, ...]]:
    return {tuple(float(v) for v in p) for p in polygon}


def convex_in_order(polygon: np.ndarray) -> bool:
    """Consecutive edges turn the same way all round (the corners go around)."""
    n = len(polygon)
    turns = [np.cross(polygon[(i + 1) % n] - polygon[i], polygon[(i + 2) % n] - polygon[(i + 1) % n])
             for i in range(n)]
    return all(np.dot(turns[0], t) > 0 for t in turns)


def test_a_plane_through_the_middle_of_a_cube_is_its_cross_section():
    square = plane_in_box([2.0, 0.0, 0.0], 0.0, *CUBE)  # x = 0
    assert as_set(square) == {(0.0, y, z) for y in (-1.0, 1.0) for z in (-1.0, 1.0)}
    assert convex_in_order(square)
    hexagon = plane_in_box([1.0, 1.0, 1.0], 0.0, *CUBE)
    assert as_set(hexagon) == {p for p in [(1.0, -1.0, 0.0), (1.0, 0.0, -1.0), (0.0, 1.0, -1.0),
                                           (-1.0, 1.0, 0.0), (-1.0, 0.0, 1.0), (0.0, -1.0, 1.0)]}
    assert convex_in_order(hexagon)


def test_near_a_corner_a_triangle_whose_corners_lie_on_the_plane():
    w, b = np.array([1.0, 1.0, 1.0]), -2.5
    triangle = plane_in_box(w, b, *CUBE)
    assert as_set(triangle) == {(1.0, 1.0, 0.5), (1.0, 0.5, 1.0), (0.5, 1.0, 1.0)}
    assert np.all(triangle @ w + b == 0.0)


def test_the_weights_scale_does_not_move_the_plane():
    a = plane_in_box([1e-9, 2e-9, -1e-9], 5e-10, [0, 0, 0], [4, 5, 6])
    b = plane_in_box([1e9, 2e9, -1e9], 5e8, [0, 0, 0], [4, 5, 6])
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("w", "b"), [
    ([0.0, 0.0, 0.0], 1.0),        # no plane at all
    ([1.0, 0.0, 0.0], -5.0),       # misses the box
    ([1.0, 1.0, 1.0], -3.0),       # only touches a corner
    ([1.0, 1.0, 0.0], -2.0),       # only touches an edge
    ([np.nan, 1.0, 0.0], 0.0),
    ([1.0, 0.0, 0.0], np.inf),
])
def test_no_polygon_when_there_is_nothing_to_draw(w, b):
    assert plane_in_box(w, b, *CUBE) is None


def test_a_box_face_is_drawn_whole():
    face = plane_in_box([1.0, 0.0, 0.0], -1.0, *CUBE)  # x = 1
    assert as_set(face) == {(1.0, y, z) for y in (-1.0, 1.0) for z in (-1.0, 1.0)}


@pytest.mark.parametrize("offset", [1e7, 1e8, 1e9])
def test_far_from_the_origin_every_plane_through_the_box_is_drawn(offset):
    """A unit box at 1e8 (inside the canvas's limit): 27 % of the planes through its
    middle came back None, the corners' digits lost in absolute positions."""
    rng = np.random.default_rng(0)
    lo, hi = np.full(3, offset), np.full(3, offset + 1.0)
    middle = (lo + hi) / 2
    for _ in range(200):
        w = rng.normal(size=3)
        polygon = plane_in_box(w, -float(w @ middle), lo, hi)
        assert polygon is not None and 3 <= len(polygon) <= 6
        assert np.all(polygon >= lo - 1e-6) and np.all(polygon <= hi + 1e-6)
        assert convex_in_order(polygon - middle)
