"""Graphics items and drawing helpers of the network view.

Neurons, bias marks, texts and the legend; ``sign_color`` is the colour code every part
of the drawing shares. The connections are drawn in batches by ``network_connections``.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
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
_POSITIVE_RGB, _NEGATIVE_RGB, _ZERO_RGB = (
    (c.redF(), c.greenF(), c.blueF()) for c in (POSITIVE, NEGATIVE, ZERO))


def sign_color(value: float, strength: float = 1.0) -> QColor:
    """Blue for positive, vermillion for negative, blended towards white by ``1-strength``."""
    # Plain floats, not NumPy scalars: this runs for every neuron of every frame.
    value, strength = float(value), float(strength)
    if not math.isfinite(value) or value == 0:
        base = _ZERO_RGB
    else:
        base = _POSITIVE_RGB if value > 0 else _NEGATIVE_RGB
    s = min(max(strength, 0.0), 1.0) if math.isfinite(strength) else 0.0
    return QColor.fromRgbF(*(1 - s + s * c for c in base))


def sign_rgba(values, strengths) -> np.ndarray:
    """``sign_color`` for arrays: one 0xAARRGGBB integer per value (``QColor.fromRgba``)."""
    values = np.asarray(values, dtype=np.float64)
    s = np.clip(np.nan_to_num(np.asarray(strengths, dtype=np.float64), nan=0.0), 0.0, 1.0)
    base = np.where((values > 0)[:, None], _POSITIVE_RGB,
                    np.where((values < 0)[:, None], _NEGATIVE_RGB, _ZERO_RGB))
    rgb = np.rint((1.0 - s[:, None] + s[:, None] * base) * 255.0).astype(np.uint32)
    return 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


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
