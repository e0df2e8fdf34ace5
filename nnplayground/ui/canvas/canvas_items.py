"""The canvas's building blocks: its pyqtgraph items and layers, its undo/redo actions
and the hit-testing arithmetic its mouse handling is made of.

Kept apart from :mod:`nnplayground.ui.canvas.canvas` so the widget itself holds only its state
and event handling. The hit tests are plain NumPy on the arrays the canvas draws.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Sequence

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets  # before pyqtgraph: it picks the binding

import pyqtgraph as pg  # isort: skip

from nnplayground.core.palette import class_color

Z_UNDERLAY = -10
Z_GRID = -5
Z_LINES = 5
Z_POINTS = 10
Z_SELECTION = 11
Z_HANDLES = 20

_DIGITS = tuple("0123456789")


def _digit_named(names: Sequence[str]) -> bool:
    """True when every class is named by a number key (the truth tables' "0" and "1")."""
    return bool(names) and all(n.strip() in _DIGITS for n in names)


def class_for_key(names: Sequence[str], digit: int) -> int | None:
    """The class a number key chooses, None for none. Where the classes are named by
    digits, key d chooses the class named "d" (key and name agree); otherwise keys 1-9
    choose the first to the ninth class."""
    if _digit_named(names):
        return next((i for i, n in enumerate(names) if int(n) == digit), None)
    return digit - 1 if 1 <= digit <= min(len(names), 9) else None


def key_for_class(names: Sequence[str], index: int) -> str | None:
    """The number key that chooses class ``index``, None when no key does."""
    if _digit_named(names):
        return str(int(names[index])) if 0 <= index < len(names) else None
    return str(index + 1) if 0 <= index < min(len(names), 9) else None


def class_keys_hint(names: Sequence[str]) -> str:
    """Which number keys choose a class: "Keys 0-1 choose the class", ..."""
    keys = sorted({int(k) for k in (key_for_class(names, i) for i in range(len(names)))
                   if k is not None})
    if not keys:
        return ""
    if len(keys) == 1:
        return f"Key {keys[0]} chooses the class"
    if keys == list(range(keys[0], keys[-1] + 1)):
        return f"Keys {keys[0]}-{keys[-1]} choose the class"
    return f"Keys {', '.join(map(str, keys))} choose the class"


class _PassiveScatter(pg.ScatterPlotItem):
    """A scatter that never claims clicks, so the canvas does all hit-testing itself."""

    def mouseClickEvent(self, ev):
        ev.ignore()

    def paint(self, p, option, widget=None):
        # Drawn into its cache picture, Qt passes no widget, and pyqtgraph then keeps the
        # symbols it drew for the screen it last saw: a window moved from a 1x screen to
        # a 2x one would show them enlarged and blurred. The view is the widget it is on.
        super().paint(p, option, widget if widget is not None else self.getViewWidget())


class _CanvasViewBox(pg.ViewBox):
    """ViewBox forwarding pyqtgraph's click and drag events to the canvas."""

    def __init__(self, on_click, on_drag):
        super().__init__(enableMenu=False)
        self._on_click = on_click
        self._on_drag = on_drag

    def mouseClickEvent(self, ev):
        self._on_click(ev)

    def mouseDragEvent(self, ev, axis=None):
        self._on_drag(ev)


class ClassPaint:
    """Class-coloured brushes (fills) and pens (rings of hollow points), made once per
    class: the canvas asks for one per point on every change."""

    def __init__(self) -> None:
        self._brushes: dict[int, QtGui.QBrush] = {}
        self._rings: dict[int, QtGui.QPen] = {}
        #: the fill of a held-out (test) point
        self.hollow = pg.mkBrush(255, 255, 255, 230)

    def ring(self, label: int) -> QtGui.QPen:
        pen = self._rings.get(label)
        if pen is None:
            pen = self._rings[label] = pg.mkPen(class_color(label), width=2.5)
        return pen

    def brush(self, label: int) -> QtGui.QBrush:
        brush = self._brushes.get(label)
        if brush is None:
            brush = self._brushes[label] = pg.mkBrush(class_color(label))
        return brush


def build_layers(item: pg.PlotItem, view_box: pg.ViewBox, point_size: float,
                 handle_size: float) -> SimpleNamespace:
    """Add the canvas's fixed layers to ``item`` and fix ``view_box`` for editing.

    Returns ``grid``, ``outline`` (the points' pen), ``scatter``, ``selection``,
    ``handles`` and ``band`` (the rubber band, hidden), z-ordered by the module's Z_*.
    """
    item.hideButtons()
    item.setMenuEnabled(False)
    # A grid item inside the view (not the axes' grid, which pyqtgraph draws on top
    # of everything) so that it sits above heatmaps but under lines and points.
    grid = pg.GridItem(pen=pg.mkPen(0, 0, 0, 45), textPen=None)
    grid.setTickSpacing(x=[1.0], y=[1.0])
    grid.setZValue(Z_GRID)
    item.addItem(grid, ignoreBounds=True)
    view_box.setMouseEnabled(x=False, y=False)
    view_box.setAspectLocked(True)

    outline = pg.mkPen("#202020", width=1.2)
    scatter = _PassiveScatter(pxMode=True, size=point_size, pen=outline)
    scatter.setZValue(Z_POINTS)
    ring = pg.mkPen("#000000", width=2.0, style=QtCore.Qt.PenStyle.DotLine)
    selection = _PassiveScatter(pxMode=True, size=point_size + 9, symbol="o",
                                pen=ring, brush=pg.mkBrush(None))
    selection.setZValue(Z_SELECTION)
    handles = _PassiveScatter(pxMode=True, size=handle_size, symbol="d",
                              pen=pg.mkPen("#000000", width=2.5))
    handles.setZValue(Z_HANDLES)
    band = QtWidgets.QGraphicsRectItem()
    band.setPen(pg.mkPen("#333333", width=1, style=QtCore.Qt.PenStyle.DashLine))
    band.setBrush(pg.mkBrush(80, 80, 80, 40))
    band.setZValue(Z_HANDLES + 1)
    band.hide()
    for it in (scatter, selection, handles):
        item.addItem(it)
    item.addItem(band, ignoreBounds=True)
    handles.hide()
    # While training, the surface under the points changes with every frame and the
    # points do not: they are kept as a picture of their own, drawn again only when they
    # change (a frame of the canvas with 10,000 points: 11-15 -> 4-5.7 ms; with 500 the
    # same within the noise). Not the grid and the axes: they gain nothing measurable,
    # and a PNG export renders through a cache picture of its own, which kept old ticks.
    scatter.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return SimpleNamespace(grid=grid, outline=outline, scatter=scatter, selection=selection,
                           handles=handles, band=band)


def install_undo_actions(widget: QtWidgets.QWidget, stack) -> tuple[QtGui.QAction, QtGui.QAction]:
    """Undo and redo actions of ``stack`` (a QUndoStack) with their usual keys (redo also
    Ctrl+Shift+Z and Ctrl+Y), added to ``widget``; returns (undo, redo)."""
    undo = stack.createUndoAction(widget, "Undo")
    undo.setShortcuts(QtGui.QKeySequence.keyBindings(QtGui.QKeySequence.StandardKey.Undo))
    redo_keys = list(QtGui.QKeySequence.keyBindings(QtGui.QKeySequence.StandardKey.Redo))
    for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
        seq = QtGui.QKeySequence(extra)
        if seq not in redo_keys:
            redo_keys.append(seq)
    redo = stack.createRedoAction(widget, "Redo")
    redo.setShortcuts(redo_keys)
    for action in (undo, redo):
        # Widget scope: a main window may also own these keys for its Edit menu
        # (it should reuse these two actions there to avoid ambiguous shortcuts).
        action.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        widget.addAction(action)
    return undo, redo


def nearest_hit(xy: np.ndarray, keys: np.ndarray, x: float, y: float,
                pixel_size: Sequence[float], radius_px: float):
    """Key of the row of ``xy`` (m, 2) nearest (x, y) in pixels (``pixel_size`` the data
    size (px, py) of one pixel), if within ``radius_px``; else None."""
    if len(xy) == 0:
        return None
    px, py = pixel_size
    if not (px > 0 and py > 0):
        return None
    d2 = ((xy[:, 0] - x) / px) ** 2 + ((xy[:, 1] - y) / py) ** 2
    # Later points are drawn on top: among equally near points prefer the last one.
    i = len(d2) - 1 - int(np.argmin(d2[::-1]))
    return int(keys[i]) if d2[i] <= radius_px ** 2 else None


def lift_point(x: float, y: float, label: int, X: np.ndarray, labels: np.ndarray,
               axes: tuple[int, int], n_dims: int) -> np.ndarray:
    """A (n_dims,) point at (x, y) on the shown ``axes``; hidden axes at the mean of the
    rows of ``X`` (n, n_dims) whose ``labels`` (n,) equal ``label`` (0 when none)."""
    point = np.zeros(n_dims)
    hidden = [a for a in range(n_dims) if a not in axes]
    members = X[labels == label]
    if hidden and len(members):
        point[hidden] = members[:, hidden].mean(axis=0)
    point[axes[0]], point[axes[1]] = x, y
    return point


def ids_in_band(xy: np.ndarray, ids: np.ndarray, x0: float, y0: float,
                x1: float, y1: float) -> set[int]:
    """Ids of the rows of ``xy`` (m, 2) inside the rectangle with corners (x0, y0) and
    (x1, y1), edges included."""
    inside = ((xy[:, 0] >= min(x0, x1)) & (xy[:, 0] <= max(x0, x1))
              & (xy[:, 1] >= min(y0, y1)) & (xy[:, 1] <= max(y0, y1)))
    return set(ids[inside].tolist())
