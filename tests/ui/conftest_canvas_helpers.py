"""Drive a CanvasWidget like a user: mouse events at data coordinates.

Positions go data -> scene (``ViewBox.mapViewToScene``) -> viewport widget pixels
(``QGraphicsView.mapFromScene``); events are sent to ``canvas.viewport()``, where a real
mouse's events arrive. pyqtgraph drops move events closer than 10 ms apart
(``mouseRateLimit``), so a drag here is press, moves (repeated until the canvas says it
is dragging) and the release: pyqtgraph reports the release position as the drag's final
position.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore

Qt = QtCore.Qt


def to_widget(canvas, x: float, y: float) -> QtCore.QPoint:
    """Viewport pixel of data point (x, y) on the canvas's shown axes."""
    scene = canvas.view_box.mapViewToScene(QtCore.QPointF(float(x), float(y)))
    return canvas.mapFromScene(scene)


def pixel_tolerance(canvas) -> float:
    """One screen pixel in data units (the larger of the two axes), plus rounding slack."""
    px, py = canvas.view_box.viewPixelSize()
    return 1.01 * max(px, py)


def click(qtbot, canvas, x, y, button=Qt.MouseButton.LeftButton,
          modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(canvas.viewport(), button, modifier, to_widget(canvas, x, y))


def drag(qtbot, canvas, start, end, button=Qt.MouseButton.LeftButton):
    """Press at data point ``start``, move until the canvas reports a drag, release at
    data point ``end`` (the drag's final position)."""
    a = to_widget(canvas, *start)
    b = to_widget(canvas, *end)
    vp = canvas.viewport()
    qtbot.mousePress(vp, button, Qt.KeyboardModifier.NoModifier, a)
    # At least pyqtgraph's 5 px move distance from the press, towards the end point.
    step = b - a
    first = a + QtCore.QPoint(int(np.sign(step.x()) * 10), int(np.sign(step.y()) * 10))
    first = first if first != a else a + QtCore.QPoint(10, 0)

    def moved():
        # Like a real hand, keep moving: a move within 10 ms of the last is dropped.
        qtbot.mouseMove(vp, first)
        return canvas.dragging

    qtbot.waitUntil(moved, timeout=2000)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, button, Qt.KeyboardModifier.NoModifier, b)
    assert not canvas.dragging


def hover(qtbot, canvas, x, y, seen):
    """Move the mouse to data point (x, y) until ``seen()`` is true."""
    p = to_widget(canvas, x, y)

    def moved():
        qtbot.mouseMove(canvas.viewport(), p)
        return seen()

    qtbot.waitUntil(moved, timeout=2000)


def points_near(canvas, x, y, tol=None):
    """Rows (X, y) of the model's points whose shown coordinates are within tol of (x, y)."""
    tol = pixel_tolerance(canvas) if tol is None else tol
    _, X, labels = canvas.model.snapshot()
    a, b = canvas.projection_axes
    near = (np.abs(X[:, a] - x) <= tol) & (np.abs(X[:, b] - y) <= tol)
    return X[near], labels[near]
