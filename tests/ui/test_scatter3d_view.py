"""The 3-D view renders the five-cluster demo, follows its data and rotates with the mouse."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QVector4D

from nnplayground.core.palette import NEUTRAL_COLORS, OKABE_ITO, class_color
from nnplayground.ui.views.gl_items import _trail_segments, hex_to_rgba
from nnplayground.ui.views.scatter3d_view import Scatter3DView, labels_to_rgba, neuron_rgba
from tests.ui.window_helpers import rgb_pixels

CENTROIDS = np.array([(1, 2, 1), (2, 5, 2), (-3, 3, 0), (5, -1, -1), (-2, -2, -2)], float)


def five_clusters(n_per: int = 60):
    rng = np.random.default_rng(7)
    X = np.repeat(CENTROIDS, n_per, axis=0) + rng.normal(0.0, 0.8, (5 * n_per, 3))
    return X, np.repeat(np.arange(5), n_per)


def count_near(rgb: np.ndarray, hex_color: str, tol: int = 12) -> int:
    target = np.array([round(c * 255) for c in hex_to_rgba(hex_color)[:3]])
    return int((np.abs(rgb.astype(int) - target).max(axis=-1) <= tol).sum())


@pytest.fixture
def view(shown):
    return shown(Scatter3DView(), 640, 520)


def test_labels_to_rgba_uses_okabe_ito_in_order():
    rgba = labels_to_rgba(np.array([0, 1, 9]))
    assert rgba.shape == (3, 4)
    np.testing.assert_allclose(rgba[0], [0xE6 / 255, 0x9F / 255, 0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(rgba[1], [0x56 / 255, 0xB4 / 255, 0xE9 / 255, 1.0], atol=1e-6)
    np.testing.assert_allclose(rgba[2], rgba[1], atol=0)  # the palette repeats after 8


def test_trails_become_line_segments():
    hist = np.arange(3 * 2 * 3, dtype=float).reshape(3, 2, 3)  # (T=3, k=2, 3)
    segs = _trail_segments(hist)
    # Each neuron's 3 positions make 2 segments of 2 end points: 2 neurons -> 8 vertices.
    assert segs.shape == (8, 3)
    np.testing.assert_array_equal(segs[:4], [hist[0, 0], hist[1, 0], hist[1, 0], hist[2, 0]])
    assert _trail_segments([np.zeros((1, 3))]).shape == (0, 3)


@pytest.mark.gl
def test_five_clusters_render_in_their_class_colours(view, qtbot):
    X, y = five_clusters()
    view.set_points(X, labels=y)
    view.set_true_centroids(CENTROIDS)
    qtbot.wait(30)
    rgb = rgb_pixels(view.grab_image())
    assert rgb.shape[:2] == (view.gl_widget.height(), view.gl_widget.width())
    background = (rgb == [245, 245, 245]).all(axis=-1).mean()
    assert 0.3 < background < 0.98  # something drawn, not a blank or flooded frame
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 50
    for hex_color in OKABE_ITO[:5]:
        assert count_near(rgb, hex_color) > 100, hex_color
    assert count_near(rgb, OKABE_ITO[5]) < 20  # vermillion is not one of the classes


@pytest.mark.gl
def test_items_hold_what_was_set_and_learned_centroids_change_the_image(view, qtbot):
    X, y = five_clusters()
    view.set_points(X, labels=y)
    view.set_true_centroids(CENTROIDS)
    np.testing.assert_allclose(view.points.pos, X.astype(np.float32))
    np.testing.assert_allclose(view.points.color, labels_to_rgba(y))
    np.testing.assert_allclose(view.true_centroids.pos, CENTROIDS)
    assert not view.learned_centroids.visible()
    qtbot.wait(30)
    before = rgb_pixels(view.grab_image())

    learned = CENTROIDS + 0.5
    hist = np.stack([learned - 1.0, learned - 0.5, learned])
    view.set_learned_centroids(learned, trails=hist)
    np.testing.assert_allclose(view.learned_centroids.pos, learned)
    assert view.learned_centroids.visible() and view.trails.visible()
    assert view.trails.pos.shape == (5 * 2 * 2, 3)
    qtbot.wait(30)
    after = rgb_pixels(view.grab_image())
    changed = (np.abs(after.astype(int) - before.astype(int)).max(axis=-1) > 40).sum()
    assert changed > 5 * 100  # five targets of ~24 px across appeared
    # A learned centroid is a black ring around a white ring: both now on screen.
    assert (after == 0).all(axis=-1).sum() > (before == 0).all(axis=-1).sum() + 200

    view.set_learned_centroids(None)
    assert not view.learned_centroids.visible() and not view.trails.visible()


@pytest.mark.gl
def test_colour_by_winner_uses_the_neurons_majority_class(view, qtbot):
    X, y = five_clusters()
    winners = (y + 1) % 5  # neuron j sits on class j-1's cluster...
    winners[:3] = 2  # ...and also wins three points of class 0
    view.set_points(X, labels=y)
    # No winners yet: the combo's winner entry is disabled, nothing else to colour by.
    assert not view.color_combo.model().item(1).isEnabled()
    view.set_true_centroids(CENTROIDS)
    view.set_learned_centroids(CENTROIDS[[4, 0, 1, 2, 3]])
    view.set_winners(winners)
    assert view.color_combo.model().item(1).isEnabled()
    with qtbot.waitSignal(view.color_mode_changed) as sig:
        view.color_combo.setCurrentIndex(1)
    assert sig.args == ["winner"] and view.color_mode == "winner"
    # as on the 2-D canvas: neuron j in class j-1's colour, so only the three points
    # won by the "wrong" neuron change colour (to class 1's)
    expected = labels_to_rgba(y)
    expected[:3] = hex_to_rgba(class_color(1))
    np.testing.assert_allclose(view.points.color, expected)
    np.testing.assert_allclose(view.learned_ring.color, labels_to_rgba((np.arange(5) - 1) % 5))
    np.testing.assert_allclose(view.true_centroids.color, labels_to_rgba(np.arange(5)))
    given = ["#112233", "#445566", "#778899", "#AABBCC", "#DDEEFF"]
    view.set_points(X, labels=y, winners=winners, neuron_colors=given)
    np.testing.assert_allclose(view.points.color, neuron_rgba(winners, given))
    view.set_points(X, winners=winners)  # no labels: neurons are grey
    np.testing.assert_allclose(view.points.color, neuron_rgba(winners, NEUTRAL_COLORS))
    view.set_points(X, labels=y, winners=winners)
    view.color_by("class")
    assert view.color_combo.currentIndex() == 0
    np.testing.assert_allclose(view.points.color, labels_to_rgba(y))
    with pytest.raises(ValueError):
        view.color_by("rainbow")


@pytest.mark.gl
def test_converged_centroids_show_inside_their_true_centres(view, qtbot):
    view.set_true_centroids(CENTROIDS)
    view.set_learned_centroids(CENTROIDS.copy())  # training converged exactly
    qtbot.wait(30)
    rgb = rgb_pixels(view.grab_image())
    # each true centre's colour still shows as a ring around its learned target
    for hex_color in OKABE_ITO[:5]:
        assert count_near(rgb, hex_color) > 60, hex_color
    assert (rgb == 255).all(axis=-1).sum() > 5 * 20  # the targets' white rings
    assert view.true_rim.size > view.learned_rim.size + 10


@pytest.mark.gl
def ndc(view, P: np.ndarray) -> np.ndarray:
    """(m, 2) where pyqtgraph's own camera puts points P (m, 3): -1..1 edge to edge."""
    glw = view.gl_widget
    region = (0, 0, glw.width(), glw.height())
    m = glw.projectionMatrix(region, region) * glw.viewMatrix()
    out = [m.map(QVector4D(*map(float, p), 1.0)) for p in P]
    return np.array([[v.x() / v.w(), v.y() / v.w()] for v in out])


def assert_tightly_framed(view, P):
    xy = ndc(view, P)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    assert (hi <= 1.0).all() and (lo >= -1.0).all()  # everything in view
    np.testing.assert_allclose(lo + hi, 0.0, atol=1e-3)  # centred both ways
    assert max(hi) == pytest.approx(0.92, abs=1e-3)  # and filling it, bar the margin


@pytest.mark.gl
def test_camera_frames_the_data_tightly_and_follows_until_the_user_moves_it(view, qtbot):
    X, y = five_clusters()
    view.set_points(X, labels=y)
    view.set_true_centroids(CENTROIDS)
    assert_tightly_framed(view, X)
    view.set_learned_centroids(CENTROIDS + 0.1)  # training frames: the camera stays put
    before = view.camera()
    view.set_points(X, labels=y)
    assert view.camera() == before
    view.resize(900, 400)  # a new shape of view is framed again
    qtbot.waitUntil(lambda: view.gl_widget.width() > 800)
    assert_tightly_framed(view, X)
    glw = view.gl_widget
    qtbot.mousePress(glw, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    qtbot.mouseMove(glw, QPoint(90, 50))
    qtbot.mouseRelease(glw, Qt.MouseButton.LeftButton, pos=QPoint(90, 50))
    moved = view.camera()
    view.set_points(X * 2, labels=y)  # the user's camera is left alone
    assert view.camera() == moved
    view.reset_camera()
    assert_tightly_framed(view, np.concatenate([X * 2, CENTROIDS]))


@pytest.mark.gl
def test_mouse_drag_rotates_and_reset_view_frames_the_data(view, qtbot):
    X, y = five_clusters()
    view.set_points(X, labels=y)
    framed = view.camera()

    glw = view.gl_widget
    start = QPoint(glw.width() // 2, glw.height() // 2)
    qtbot.mousePress(glw, Qt.MouseButton.LeftButton, pos=start)
    for dx in (20, 40, 60, 80):
        qtbot.mouseMove(glw, start + QPoint(dx, 0))
    qtbot.mouseRelease(glw, Qt.MouseButton.LeftButton, pos=start + QPoint(80, 0))
    # pyqtgraph orbits by -dx degrees per pixel dragged to the right.
    assert view.camera()["azimuth"] == pytest.approx(framed["azimuth"] - 80)

    qtbot.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
    assert view.camera()["azimuth"] == framed["azimuth"]
    assert view.camera()["distance"] == pytest.approx(framed["distance"])


@pytest.mark.gl
def test_empty_and_bad_input(view, qtbot):
    view.set_points(np.zeros((0, 3)))
    assert not view.points.visible()
    with pytest.raises(ValueError):
        view.set_points(np.zeros((4, 2)))
    with pytest.raises(ValueError):
        view.set_points(np.zeros((4, 3)), labels=[0, 1])
    for w in (view.reset_button, view.color_combo, view.legend):
        assert w.toolTip() and w.accessibleName()
