"""Draws a :class:`~nnplayground.core.geometry.ViewData` on a plot (the canvas).

Every item is created once in ``__init__`` and added to the plot; ``update`` only calls
``setData`` / ``setImage`` / ``setVisible``, so a frame costs no item churn. All heavy
maths (grid predictions, RGBA image, contour, clipping) was done by ``core.geometry`` in
the worker thread.

Stacking (z values): heatmap -10 < contour -5 < (the canvas's points, z 0..) < hidden
lines 2 < decision line / weight arrow 5 < reconstructions 15 < trails 18 < centroids 20
< neuron numbers 21.

Competitive layer: each region and centroid star wears its neuron's colour from
``ViewData.neuron_colors`` (the majority class of the points it wins, grey without one),
so two neurons may share a colour; the thin dark region boundaries (``contour``) and the
number beside each star ("1", "2", ...) keep them apart.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

from nnplayground.core.palette import class_color
from nnplayground.core.view_model import ViewData

_EMPTY = np.empty(0)
_LINE_COLOR = (30, 30, 30)
_HIDDEN_COLOR = (90, 90, 90, 170)


class DecisionOverlay:
    """The decision view's items on ``plot_item`` (a ``pg.PlotItem``).

    Attributes (what the user sees, for tests): ``image_item``, ``contour_item``,
    ``line_item``, ``weight_item`` (arrow shaft) + ``weight_head`` (ArrowItem),
    ``hidden_item`` (all first-layer neuron lines, ``connect="pairs"``),
    ``centroid_item``, ``trail_item``, ``recon_item``, ``recon_link_item``,
    ``number_items`` (one ``TextItem`` per neuron, the visible ones first).
    """

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        self._show_hidden = False
        self._show_links = True
        self._last: ViewData | None = None
        self._image_bounds = None
        self._hidden_pts: np.ndarray | None = None

        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)
        self.contour_item = SegmentsItem(pg.mkPen((60, 60, 60, 200), width=1.5))
        self.contour_item.setZValue(-5)
        self.hidden_item = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen(_HIDDEN_COLOR, width=1, style=Qt.PenStyle.DashLine))
        self.hidden_item.setZValue(2)
        self.line_item = pg.PlotDataItem(pen=pg.mkPen(_LINE_COLOR, width=3))
        self.line_item.setZValue(5)
        self.weight_item = pg.PlotDataItem(pen=pg.mkPen(_LINE_COLOR, width=2))
        self.weight_item.setZValue(5)
        self.weight_head = pg.ArrowItem(
            angle=0, headLen=14, tipAngle=35, tailLen=None,
            pen=pg.mkPen(_LINE_COLOR), brush=pg.mkBrush(_LINE_COLOR))
        self.weight_head.setZValue(5)
        self.recon_link_item = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen((120, 120, 120, 150), width=1))
        self.recon_link_item.setZValue(14)
        self.recon_item = pg.ScatterPlotItem(size=9, brush=None, pxMode=True)
        self.recon_item.setZValue(15)
        self.trail_item = pg.PlotDataItem(
            connect="finite", pen=pg.mkPen((40, 40, 40, 160), width=1.5))
        self.trail_item.setZValue(18)
        self.centroid_item = pg.ScatterPlotItem(
            size=22, symbol="star", pen=pg.mkPen("k", width=1.5), pxMode=True)
        self.centroid_item.setZValue(20)
        # TextItems cannot share one item, so a pool grows to the most neurons ever shown
        # and is reused; a frame only moves and shows/hides them.
        self.number_items: list[pg.TextItem] = []

        self.items = [
            self.image_item, self.contour_item, self.hidden_item, self.line_item,
            self.weight_item, self.weight_head, self.recon_link_item, self.recon_item,
            self.trail_item, self.centroid_item,
        ]
        for item in self.items:
            # ignoreBounds: the overlay must never change the canvas's fixed axes
            plot_item.addItem(item, ignoreBounds=True)
        self.clear()

    # ------------------------------------------------------------------ public API
    @property
    def shown(self) -> ViewData | None:
        """The view data drawn now (None: nothing), e.g. for the canvas's hit tests."""
        return self._last

    def set_show_hidden_lines(self, show: bool) -> None:
        """Show or hide the first-hidden-layer neurons' lines (MLPs with 2 inputs)."""
        self._show_hidden = bool(show)
        self._apply_hidden()

    def set_show_reconstruction_links(self, show: bool) -> None:
        """Thin lines from each original point to its reconstruction."""
        self._show_links = bool(show)
        self.recon_link_item.setVisible(self._show_links and self._recon_data)

    def clear(self) -> None:
        """Hide everything (e.g. on model change, before the first snapshot)."""
        self._last = None
        self._hidden_data = False
        self._hidden_pts = None
        self._recon_data = False
        for item in self.items + self.number_items:
            item.setVisible(False)

    def update(self, vd: ViewData | None) -> None:
        """Show ``vd`` (None behaves like ``clear``)."""
        if vd is None:
            self.clear()
            return
        self._last = vd
        ax, ay = vd.axes
        self._update_image(vd)
        self._set_segments(self.contour_item, vd.contour)
        self._update_line(vd)
        # hidden lines: one (2, 2) per neuron, missing ones skipped
        segs = [s for s in (vd.hidden_lines or []) if s is not None]
        self._hidden_data = bool(segs)
        self._hidden_pts = np.concatenate(segs) if segs else None
        self._apply_hidden()
        self._update_centroids(vd, ax, ay)
        self._update_reconstructions(vd, ax, ay)

    # ------------------------------------------------------------------ internals
    def _apply_hidden(self) -> None:
        # Lines nobody sees are not handed to pyqtgraph: the toggle applies the latest.
        show = self._show_hidden and self._hidden_data
        if show:
            self.hidden_item.setData(self._hidden_pts[:, 0], self._hidden_pts[:, 1])
        self.hidden_item.setVisible(show)

    def _update_image(self, vd: ViewData) -> None:
        if vd.image is None or vd.bounds is None:
            self.image_item.setVisible(False)
            return
        xmin, xmax, ymin, ymax = vd.bounds
        reshaped = self.image_item.image is None or self.image_item.image.shape != vd.image.shape
        self.image_item.setImage(vd.image, autoLevels=False)
        if reshaped or vd.bounds != self._image_bounds:  # same rect: no new transform
            self.image_item.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
            self._image_bounds = vd.bounds
        self.image_item.setVisible(True)

    @staticmethod
    def _set_segments(item, pts: np.ndarray | None) -> None:
        if pts is None or len(pts) == 0:
            if item.isVisible() or (item.xData is not None and len(item.xData)):
                item.setData(_EMPTY, _EMPTY)  # (hidden and emptied already: nothing to do)
                item.setVisible(False)
            return
        item.setData(pts[:, 0], pts[:, 1])
        item.setVisible(True)

    def _update_line(self, vd: ViewData) -> None:
        if vd.line is None:
            self.line_item.setVisible(False)
        else:
            self.line_item.setData(vd.line[:, 0], vd.line[:, 1])
            self.line_item.setVisible(True)
        arrow = vd.weight_arrow
        if arrow is None:
            self.weight_item.setVisible(False)
            self.weight_head.setVisible(False)
            return
        self.weight_item.setData(arrow[:, 0], arrow[:, 1])
        self.weight_head.setPos(float(arrow[1, 0]), float(arrow[1, 1]))
        self.weight_head.setStyle(angle=self._screen_angle(arrow[0], arrow[1]))
        self.weight_item.setVisible(True)
        self.weight_head.setVisible(True)

    def _screen_angle(self, start: np.ndarray, tip: np.ndarray) -> float:
        """ArrowItem's angle (degrees; 0 points left, clockwise on screen) for a data-space
        direction, through the view's current scaling so unequal axes do not skew it."""
        vb = self.plot_item.getViewBox()
        p0 = vb.mapViewToScene(pg.Point(float(start[0]), float(start[1])))
        p1 = vb.mapViewToScene(pg.Point(float(tip[0]), float(tip[1])))
        sx, sy = p1.x() - p0.x(), p1.y() - p0.y()
        if not (math.isfinite(sx) and math.isfinite(sy)) or (sx == 0 and sy == 0):
            sx, sy = float(tip[0] - start[0]), -float(tip[1] - start[1])  # y up in data
        return math.degrees(math.atan2(-sy, -sx))

    def _update_centroids(self, vd: ViewData, ax: int, ay: int) -> None:
        C = vd.centroids
        if C is None or len(C) == 0:
            self.centroid_item.setVisible(False)
            self.trail_item.setVisible(False)
            self._update_numbers(None, ax, ay)
            return
        colors = vd.neuron_colors or [class_color(k) for k in range(len(C))]
        self.centroid_item.setData(x=C[:, ax], y=C[:, ay], brush=[pg.mkBrush(c) for c in colors])
        self.centroid_item.setVisible(True)
        self._update_numbers(C, ax, ay)
        T = vd.trails
        if T is None or len(T) < 2:
            self.trail_item.setVisible(False)
            return
        # (m, k, d) -> one polyline per neuron, separated by NaN (connect="finite")
        m, k = T.shape[0], T.shape[1]
        xs = np.full((k, m + 1), np.nan)
        ys = np.full((k, m + 1), np.nan)
        xs[:, :m] = T[:, :, ax].T
        ys[:, :m] = T[:, :, ay].T
        self.trail_item.setData(xs.ravel(), ys.ravel())
        self.trail_item.setVisible(True)

    def _update_numbers(self, C: np.ndarray | None, ax: int, ay: int) -> None:
        n = 0 if C is None else len(C)
        while len(self.number_items) < n:
            # anchor beyond the text's own bottom-left corner: up and right of the star,
            # clear of its 22 px, whatever the zoom
            item = pg.TextItem(str(len(self.number_items) + 1), color=(20, 20, 20),
                               anchor=(-0.45, 1.05), fill=pg.mkBrush(255, 255, 255, 190))
            font = QFont()
            font.setBold(True)
            item.setFont(font)
            item.setZValue(21)
            self.plot_item.addItem(item, ignoreBounds=True)
            self.number_items.append(item)
        for k, item in enumerate(self.number_items):
            if k < n:
                item.setPos(float(C[k, ax]), float(C[k, ay]))
            item.setVisible(k < n)

    def _update_reconstructions(self, vd: ViewData, ax: int, ay: int) -> None:
        R, X = vd.reconstructions, vd.originals
        self._recon_data = R is not None and len(R) > 0
        if not self._recon_data:
            self.recon_item.setVisible(False)
            self.recon_link_item.setVisible(False)
            return
        self.recon_item.setData(
            x=R[:, ax], y=R[:, ay], pen=pg.mkPen((40, 40, 40), width=1.5), brush=None,
            symbol="o")
        self.recon_item.setVisible(True)
        if X is not None and len(X) == len(R):
            pairs = np.empty((2 * len(R), 2))
            pairs[0::2] = X[:, [ax, ay]]
            pairs[1::2] = R[:, [ax, ay]]
            self.recon_link_item.setData(pairs[:, 0], pairs[:, 1])
        else:
            self._recon_data = False
        self.recon_link_item.setVisible(self._show_links and self._recon_data)


class SegmentsItem(QGraphicsPathItem):
    """Line segments (point pairs) drawn by Qt itself.

    The 0.5 contour changes every frame; pyqtgraph's PlotDataItem spends about a
    millisecond of Python per update and per paint on it, time taken from training (the
    GIL is shared). A plain path item is built once per update and painted in C++.
    Same ``setData(x, y)`` / ``getData()`` as PlotDataItem with ``connect="pairs"``.
    """

    def __init__(self, pen) -> None:
        super().__init__()
        pen.setCosmetic(True)
        self.setPen(pen)
        self.xData = self.yData = None

    def setData(self, x, y) -> None:
        self.xData, self.yData = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.setPath(pg.arrayToQPath(self.xData, self.yData, connect="pairs")
                     if len(self.xData) else QPainterPath())

    def getData(self):
        return self.xData, self.yData
