"""A plot's grid at its axes' ticks, drawn as an item of its own under the data.

pyqtgraph draws a grid as part of each axis (``PlotItem.showGrid``): the axis then covers
the whole plot, so every change of a live curve draws both axes again, their labels and
their translucent grid lines with it (the error curve: 5 of the 8 ms each of its frames
took). ``TickGrid`` draws the same lines, at the axes' tick values with pyqtgraph's
opacity for each tick level, once blended over the background into opaque colours,
thin and unsmoothed. The lines are worked out again only when the view's range or size
changes or an axis is shown or hidden (a hidden axis has no grid, as with ``showGrid``).
A change of log mode is seen at the next of those (the error curve sets a new range).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from nnplayground.core.palette import over

#: the axis whose ticks each family of lines follows: vertical lines at the bottom
#: axis's, horizontal ones at the left axis's
SIDES = ("bottom", "left")


def level_alpha(level: int, ticks: int, pixels: float, alpha: float) -> float:
    """Opacity (0-1) of the grid lines of tick level ``level`` (0: the major ticks) when
    ``ticks`` such ticks share ``pixels`` of the axis, as pyqtgraph's axis grid has it:
    fainter for finer levels and where the lines crowd; in whole steps of 1/255, worked
    out in pyqtgraph's order (``setGrid`` and ``QColor.setAlpha`` each truncate)."""
    grid = min(max(int(alpha * 255), 0), 255)
    line = 255 / (level + 1)
    line *= grid / 255.0 * float(np.clip(0.05 * pixels / (ticks + 1), 0.0, 1.0))
    return int(line) / 255


def blended(color: QColor, alpha: float, background: QColor) -> QColor:
    """``color`` at opacity ``alpha`` painted over ``background``, as one opaque colour."""
    return QColor.fromRgbF(*over(color.getRgbF()[:3], alpha, background.getRgbF()[:3]))


class TickGrid(pg.GraphicsObject):
    """The grid of ``plot_item`` at opacity ``alpha`` (as ``showGrid``'s), over a plain
    ``background``: vertical lines at the bottom axis's ticks (``x``), horizontal ones at
    the left axis's (``y``). It follows the axes' automatic ticks, not ticks fixed with
    ``setTicks``. Use it in place of ``showGrid``; it adds itself to the plot."""

    def __init__(self, plot_item: pg.PlotItem, alpha: float = 0.25, x: bool = True,
                 y: bool = True, background=(255, 255, 255), z: float = -100) -> None:
        super().__init__()
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha is an opacity in [0, 1], not {alpha}")
        self.alpha = float(alpha)
        self._sides = [side for side, shown in zip(SIDES, (x, y)) if shown]
        self._plot = plot_item
        self._background = pg.mkColor(background)
        self._rect = QRectF()
        self._drawn_for: tuple | None = None  # what the lines were worked out for
        #: (pen, lines) per tick level and axis, in the view's coordinates
        self.lines: list[tuple[QPen, list[QLineF]]] = []
        self.setZValue(z)
        view = plot_item.getViewBox()
        view.sigRangeChanged.connect(self._on_view_changed)
        view.sigResized.connect(self._on_view_changed)
        for side in self._sides:
            axis = plot_item.getAxis(side)
            axis.visibleChanged.connect(self._on_view_changed)
            # An axis with pyqtgraph's grid keeps its labels within the plot's length; so
            # does this one (else a label at the very end, an error curve's 1.0, is cut
            # in half at the window's edge).
            axis.setStyle(hideOverlappingLabels=True)
        plot_item.addItem(self, ignoreBounds=True)
        # The plot's context menu has pyqtgraph's grid controls, unticked while this grid
        # shows; ticking one would draw pyqtgraph's grid over it, on the slow path.
        plot_item.setContextMenuActionVisible("Grid", False)
        self.rebuild()

    def _on_view_changed(self, *args) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Work the lines out again for the view's range and size and the axes shown."""
        view = self._plot.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        axes = [self._plot.getAxis(side) for side in self._sides]
        drawn_for = (x0, x1, y0, y1, *((a.isVisible(), a.geometry().getRect(), a.logMode)
                                       for a in axes))
        if drawn_for == self._drawn_for:
            return  # a resize signals twice; the latent space ranges itself every frame
        self._drawn_for = drawn_for
        self.prepareGeometryChange()
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        families = []  # (opacity, pen, lines)
        for side in self._sides:
            axis = self._plot.getAxis(side)
            lo, hi = (x0, x1) if side == "bottom" else (y0, y1)
            # The axis's length as pyqtgraph measures it for its ticks: 1 px more each end.
            length = axis.geometry().width() if side == "bottom" else axis.geometry().height()
            pixels = length + 2
            if not axis.isVisible() or length <= 0 or hi <= lo:
                continue
            # A value of two levels (a log axis's decades) is drawn twice by pyqtgraph,
            # its translucent lines blended one over the other: one line here, as opaque.
            clear: dict[float, tuple[float, float]] = {}  # key: (value, 1 - opacity)
            for level, (_, values) in enumerate(axis.tickValues(lo, hi, pixels)):
                alpha = level_alpha(level, len(values), pixels, self.alpha)
                for v in values:
                    if lo <= v <= hi and alpha > 0.0:
                        key = round((v - lo) / (hi - lo), 9)
                        value, through = clear.get(key, (v, 1.0))
                        clear[key] = (value, through * (1.0 - alpha))
            foreground = axis.tickPen().color()
            by_opacity: dict[float, list[float]] = {}
            for value, through in clear.values():
                by_opacity.setdefault(round(1.0 - through, 6), []).append(value)
            for opacity, values in by_opacity.items():
                pen = QPen(blended(foreground, opacity, self._background), 0)  # cosmetic 1 px
                if side == "bottom":
                    lines = [QLineF(v, y0, v, y1) for v in values]
                else:
                    lines = [QLineF(x0, v, x1, v) for v in values]
                families.append((opacity, pen, lines))
        # Fainter lines first: where two cross, the stronger shows.
        families.sort(key=lambda family: family[0])
        self.lines = [(pen, lines) for _, pen, lines in families]
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for pen, lines in self.lines:
            painter.setPen(pen)
            painter.drawLines(lines)
