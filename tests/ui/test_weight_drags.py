"""Weights dragged on the canvas as a user does: the perceptron's line and weight arrow,
the competitive layer's centroids; one undo step per drag; point editing unchanged."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.ui.window.weight_drags import LINE_TIP_NO_BIAS
from tests.ui.conftest_canvas_helpers import click, drag, pixel_tolerance, points_near, to_widget
from tests.ui.window_helpers import focus_canvas, key, load, wait_idle

Qt = QtCore.Qt


def set_perceptron(w, values):
    """A known start (one undo step, as typing it into the drawing would be)."""
    model = w.trainer.model
    paths = [("w", 0, i, 0) for i in range(model.n_inputs)]
    if model.bias is not None:
        paths.append(("b", 0, 0))
    assert w.weight_edits.edit(paths, values, "start")
    assert w.overlay.line_item.isVisible()


def free_spot_on_line(w, fractions=np.linspace(0.2, 0.45, 11)):
    """A point on the drawn line with no data point nearby (so the line is grabbed)."""
    x, y = w.overlay.line_item.getData()
    a, b = np.array([x[0], y[0]]), np.array([x[-1], y[-1]])
    for f in fractions:
        q = a + f * (b - a)
        if not len(points_near(w.canvas, *q, tol=20 * pixel_tolerance(w.canvas))[0]):
            return q
    raise AssertionError("no free spot on the line")


def drawn_line_distance(w, q) -> float:
    """Distance (data units) from q to the line drawn on the canvas."""
    x, y = w.overlay.line_item.getData()
    a, b = np.array([x[0], y[0]]), np.array([x[-1], y[-1]])
    d = b - a
    return abs(d[0] * (q[1] - a[1]) - d[1] * (q[0] - a[0])) / math.hypot(*d)


def hover_near(qtbot, canvas, x, y, seen):
    """Move the mouse to data point (x, y), one pixel to and fro (Qt sends no move to
    the same place twice, and pyqtgraph drops moves within 10 ms), until ``seen()``."""
    # A move event sent to the viewport: QTest's mouseMove also moves the X server's
    # cursor, whose global position is off by the window frame without a window manager.
    vp = canvas.viewport()
    p = to_widget(canvas, x, y)
    steps = iter(range(10**6))

    def moved():
        local = QtCore.QPointF(p + QtCore.QPoint(next(steps) % 2, 0))
        QtWidgets.QApplication.sendEvent(vp, QtGui.QMouseEvent(
            QtCore.QEvent.Type.MouseMove, local, vp.mapToGlobal(local),
            Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
        return seen()

    qtbot.waitUntil(moved, timeout=2000)


def undo(qtbot, w):
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_dragging_the_line_moves_it_parallel_and_ctrl_z_restores(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    set_perceptron(w, [1.0, 1.0, 0.0])
    w.actions_.show_errors_now()
    errors_before = w.error_label.text()
    count = w.points.undo_stack.count()
    n_points = len(w.points)
    q0 = free_spot_on_line(w)
    q1 = q0 + np.array([1.5, 0.5])
    drag(qtbot, w.canvas, q0, q1)
    model = w.trainer.model
    assert w.error_label.text() != errors_before  # the dropped line's errors, once
    assert list(model.weights) == [1.0, 1.0]  # parallel: w kept
    assert model.bias != 0.0
    tol = pixel_tolerance(w.canvas)
    # where it was dropped: the model's line and the drawn one pass through q1
    assert abs(model.weights @ q1 + model.bias) / math.hypot(*model.weights) <= 1.5 * tol
    assert drawn_line_distance(w, q1) <= 1.5 * tol
    assert len(w.points) == n_points  # no point added, none moved
    assert w.points.undo_stack.count() == count + 1  # one step for the whole drag
    assert w.weight_edits.edit_commands() == 2
    undo(qtbot, w)
    assert list(w.trainer.model.weights) == [1.0, 1.0] and w.trainer.model.bias == 0.0
    assert drawn_line_distance(w, q0) <= 1e-9
    assert w.error_label.text() == errors_before


def test_dragging_the_arrow_tip_turns_and_scales_w(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    set_perceptron(w, [1.0, 0.0, -1.0])  # the vertical line x = 1, w pointing right
    arrow = w.overlay.shown.weight_arrow
    foot, tip = arrow[0], arrow[1]
    length = math.hypot(*(tip - foot))
    target = foot + np.array([0.0, 2 * length])  # straight up, twice as far
    drag(qtbot, w.canvas, tip, target)
    model = w.trainer.model
    angle = math.degrees(math.atan2(model.weights[1], model.weights[0]))
    assert abs(angle - 90) < 2
    assert math.hypot(*model.weights) == np.float64(math.hypot(*model.weights))
    assert 1.9 < math.hypot(*model.weights) < 2.1
    # the line pivots about the arrow's foot
    assert abs(model.weights @ foot + model.bias) / math.hypot(*model.weights) \
        <= pixel_tolerance(w.canvas)
    undo(qtbot, w)
    assert list(w.trainer.model.weights) == [1.0, 0.0] and w.trainer.model.bias == -1.0


def test_without_a_bias_the_line_turns_about_the_origin(qtbot, window):
    w = window
    load(qtbot, w, "AND", "Perceptron")
    assert w.trainer.model.bias is None
    set_perceptron(w, [1.0, 1.0])
    q0 = free_spot_on_line(w, np.linspace(0.05, 0.3, 11))
    q1 = np.array([q0[0], -q0[1]]) if abs(q0[1]) > 0.3 else q0 + np.array([0.0, 0.8])
    drag(qtbot, w.canvas, q0, q1)
    model = w.trainer.model
    assert math.isclose(math.hypot(*model.weights), math.sqrt(2), rel_tol=1e-9)  # |w| kept
    assert drawn_line_distance(w, (0.0, 0.0)) <= 1e-9  # still through the origin
    assert drawn_line_distance(w, q1) <= 2 * pixel_tolerance(w.canvas)
    # the hand and the tooltip that says why it turns
    hover_near(qtbot, w.canvas, *(q1 / 2), lambda: w.canvas.view_box.toolTip() == LINE_TIP_NO_BIAS)
    assert w.canvas.cursor_shape == Qt.CursorShape.OpenHandCursor


def test_clicks_and_point_drags_still_edit_points(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    set_perceptron(w, [1.0, 1.0, 0.0])
    x0, x1, y0, y1 = w.canvas.bounds
    spot = np.array([x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0)])  # far from the line
    assert not len(points_near(w.canvas, *spot)[0])
    n = len(w.points)
    click(qtbot, w.canvas, *spot)
    assert len(w.points) == n + 1
    assert len(points_near(w.canvas, *spot)[0]) == 1
    drag(qtbot, w.canvas, spot, spot + np.array([0.5, 0.0]))
    assert len(points_near(w.canvas, *(spot + [0.5, 0.0]))[0]) == 1
    assert list(w.trainer.model.weights) == [1.0, 1.0] and w.trainer.model.bias == 0.0


def test_training_after_a_drag_trains_from_the_dragged_weights(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    set_perceptron(w, [1.0, 1.0, 0.0])
    q0 = free_spot_on_line(w)
    drag(qtbot, w.canvas, q0, q0 + np.array([-1.0, 0.0]))
    dragged = model_from_dict(model_to_dict(w.trainer.model))
    assert dragged.bias != 0.0
    X, y = w.data()[:2]
    button = w.actions_.toolbar.widgetForAction(w.actions_.step)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, w)
    dragged.partial_fit(X, y)
    got = w.trainer.model
    np.testing.assert_array_equal(got.weights, dragged.weights)
    assert got.bias == dragged.bias
    assert w.weight_edits.edit_commands() == 0


def test_dragging_a_centroid_moves_it_and_undo_restores(qtbot, window):
    w = window
    load(qtbot, w, "Gaussian", "Competitive layer")
    assert not w.canvas.cluster_mode
    before = w.trainer.model.centroids.copy()
    C = w.overlay.shown.centroids
    j = 0
    start = C[j, :2].copy()
    target = start + np.array([1.0, -0.75])
    drag(qtbot, w.canvas, start, target)
    after = w.trainer.model.centroids
    assert np.abs(after[j] - target).max() <= 1.5 * pixel_tolerance(w.canvas)
    np.testing.assert_array_equal(np.delete(after, j, 0), np.delete(before, j, 0))
    x, y = w.overlay.centroid_item.getData()
    assert abs(x[j] - after[j, 0]) < 1e-12 and abs(y[j] - after[j, 1]) < 1e-12  # drawn there
    undo(qtbot, w)
    np.testing.assert_array_equal(w.trainer.model.centroids, before)
