"""Graphics items and drawing helpers of the network view.

``ConnectionItem`` is one weight's line, with a hover area that stays wide when the line
is drawn thin; ``sign_color`` is the colour code every part of the drawing shares.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

#: Okabe-Ito blue and vermillion: a sign pair that colour-blind viewers tell apart.
POSITIVE = QColor("#0072B2")
NEGATIVE = QColor("#D55E00")
ZERO = QColor("#B0B0B0")
INK = QColor("#303030")
WHITE = QColor("white")
HIT_WIDTH = 8.0  # pixels: hover area of a connection, however thin it is drawn


def sign_color(value: float, strength: float = 1.0) -> QColor:
    """Blue for positive, vermillion for negative, blended towards white by ``1-strength``."""
    if not np.isfinite(value) or value == 0:
        base = ZERO
    else:
        base = POSITIVE if value > 0 else NEGATIVE
    s = float(np.clip(strength, 0.0, 1.0))
    return QColor.fromRgbF(1 - s + s * base.redF(), 1 - s + s * base.greenF(),
                           1 - s + s * base.blueF())


def make_font(point_size: int, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def make_text(point_size: int, *, bold: bool = False, italic: bool = False,
              color: QColor | None = None,
              parent: QGraphicsItem | None = None) -> QGraphicsSimpleTextItem:
    """An empty text item in that font (and colour, when given)."""
    item = QGraphicsSimpleTextItem(parent)
    item.setFont(make_font(point_size, bold=bold, italic=italic))
    if color is not None:
        item.setBrush(QBrush(color))
    return item


def fit_font(items, width: float, min_points: float, max_points: float,
             gap: float = 0.0) -> None:
    """One font size for ``items`` between ``min_points`` and ``max_points``, the largest
    with which the widest item (``gap`` > 0: all of them in a row, ``gap`` pixels apart)
    fits in ``width`` pixels. Text width grows in proportion to the size, so one step."""
    if not items or max_points <= min_points:
        return
    widths = [item.boundingRect().width() for item in items]
    spacing = gap * (len(items) - 1) if gap > 0 else 0.0
    text = sum(widths) if gap > 0 else max(widths)
    points = items[0].font().pointSizeF()
    if text <= 0 or points <= 0:
        return
    wanted = float(np.clip(points * (width - spacing) / text, min_points, max_points))
    if abs(wanted - points) > 0.25:
        for item in items:
            font = item.font()
            font.setPointSizeF(wanted)
            item.setFont(font)


def make_legend() -> list[QGraphicsSimpleTextItem]:
    """The key of the colours and widths, hidden until there is a network to explain."""
    items = []
    for text, color in (("positive", POSITIVE), ("negative", NEGATIVE),
                        ("thicker = larger |weight|", INK)):
        item = make_text(10, bold=color is not INK, color=color)
        item.setText(text)
        item.setVisible(False)
        items.append(item)
    return items


def make_neuron() -> QGraphicsEllipseItem:
    neuron = QGraphicsEllipseItem()
    neuron.setZValue(2)
    neuron.setPen(QPen(INK, 1.5))
    return neuron


def make_bias_mark() -> QGraphicsRectItem:
    """The small square on a neuron's rim that carries its bias."""
    mark = QGraphicsRectItem()
    mark.setZValue(3)
    mark.setPen(QPen(INK, 1.0))
    return mark


def set_tip(item, tip: str) -> None:
    if item.toolTip() != tip:
        item.setToolTip(tip)


def set_text(item: QGraphicsSimpleTextItem, text: str) -> bool:
    """Set ``text``; True when it changed (its item then needs centring again)."""
    if item.text() == text:
        return False
    item.setText(text)
    return True


class ConnectionItem(QGraphicsLineItem):
    """A line whose hover area stays ``HIT_WIDTH`` wide even when it is drawn thin.

    The hover shape (a stroked path) is built lazily, only when Qt asks for it (hover,
    tooltips) and only again after the line or its extent changed: building it on every
    restyle was a large share of the GUI thread's time while training.
    """

    def __init__(self, labelled: bool = False) -> None:
        super().__init__()
        self._shape: QPainterPath | None = None
        self._rect = QRectF()
        self._extent = HIT_WIDTH
        self._style_key: tuple | None = None
        self.value = 0.0
        self.label: QGraphicsSimpleTextItem | None = None
        if labelled:
            self.label = QGraphicsSimpleTextItem(self)
            self.label.setFont(make_font(11, bold=True))

    def place(self, p1: QPointF, p2: QPointF) -> None:
        self.prepareGeometryChange()
        self.setLine(QLineF(p1, p2))
        self._update_geometry()
        self._place_label()

    def show_weight(self, value: float, frac: float, width: float, tip: str) -> None:
        """Colour by the sign of ``value``, opacity by ``frac`` (|value| over the largest
        |weight|, 0..1), ``width`` in pixels."""
        color = sign_color(value)
        color.setAlphaF(0.45 + 0.55 * frac)  # weak links recede
        pen = QPen(color, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.value = value
        self.restyle(pen)
        set_tip(self, tip)

    def restyle(self, pen: QPen) -> None:
        """Apply ``pen``; nothing is done when it draws the same as the current one."""
        color = pen.color()
        key = (round(pen.widthF(), 2), color.rgba())
        if key != self._style_key:
            self._style_key = key
            extent = max(pen.widthF(), HIT_WIDTH)
            if extent != self._extent:
                self.prepareGeometryChange()
                self._extent = extent
                self.setPen(pen)
                self._update_geometry()
            else:
                self.setPen(pen)
        if self.label is not None:
            text = f"{self.value:.2f}"
            if text != self.label.text():
                self.label.setText(text)
                self.label.setBrush(QBrush(sign_color(self.value).darker(130)))
            self._place_label()

    def _place_label(self) -> None:
        if self.label is None:
            return
        # A third of the way along, just above the line: lines fan out from their source,
        # so labels of neighbouring lines do not sit on top of each other.
        line = self.line()
        at = line.pointAt(0.3)
        br = self.label.boundingRect()
        lift = br.height() + 2.0 + self.pen().widthF() / 2
        self.label.setPos(at.x() - br.width() / 2, at.y() - lift)

    def _update_geometry(self) -> None:
        line = self.line()
        half = self._extent / 2
        self._rect = QRectF(line.p1(), line.p2()).normalized().adjusted(-half, -half, half, half)
        self._shape = None

    def shape(self) -> QPainterPath:
        if self._shape is None:
            line = self.line()
            path = QPainterPath(line.p1())
            path.lineTo(line.p2())
            stroker = QPainterPathStroker()
            stroker.setWidth(self._extent)
            self._shape = stroker.createStroke(path)
        return self._shape

    def boundingRect(self) -> QRectF:
        return self._rect
