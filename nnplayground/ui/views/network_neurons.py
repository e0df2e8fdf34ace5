"""The neurons of the network drawing: one column of circles per layer, each (but the
inputs) with a small square on its rim that carries its bias.

Made once per architecture; new numbers restyle them, and only what changed is handed
to Qt: the bias colours are computed for a whole layer at once and a square is repainted
only when its colour changed (193 of them per frame at [2, 32 x 6, 1]). Tooltips are not
written here: ``tip_items`` says which item is which, and the view writes a tooltip when
it is about to be shown.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from nnplayground.ui.views.network_items import (
    INK,
    WHITE,
    make_bias_mark,
    make_font,
    make_neuron,
    make_text,
    set_text,
    sign_color,
    sign_rgba,
)


class NeuronColumns:
    """The circles, bias squares and in-circle values of layers ``sizes`` (none for
    ``()``). ``labelled``: each bias is also written under its square (a few neurons)."""

    def __init__(self, scene: QGraphicsScene | None = None, sizes=(), labelled: bool = False):
        self.sizes = tuple(sizes)
        self.neurons: list[list[QGraphicsEllipseItem]] = []
        self.values: list[list[QGraphicsSimpleTextItem]] = []
        self.marks: list[list[QGraphicsRectItem | None]] = []
        self.bias_labels: dict[QGraphicsRectItem, QGraphicsSimpleTextItem] = {}
        #: neuron or bias square -> ("neuron" | "bias", layer, index), for their tooltips
        self.tip_items: dict = {}
        self.radius = 10.0
        # What the last restyle did per layer, so the next one touches only changes.
        self._filled = [False] * len(self.sizes)
        self._marks_shown: list[bool | None] = [None] * len(self.sizes)
        self._mark_rgba: list[np.ndarray | None] = [None] * len(self.sizes)
        for l, n in enumerate(self.sizes):
            column, values, marks = [], [], []
            for i in range(n):
                neuron, value, mark = make_neuron(), QGraphicsSimpleTextItem(), None
                value.setZValue(3)
                self.tip_items[neuron] = ("neuron", l, i)
                if l > 0:
                    mark = make_bias_mark()
                    self.tip_items[mark] = ("bias", l, i)
                    if labelled:
                        self.bias_labels[mark] = make_text(11, bold=True, parent=mark)
                for item in (neuron, value, mark):  # added in this order, they stack so
                    if item is not None:
                        scene.addItem(item)
                column.append(neuron)
                values.append(value)
                marks.append(mark)
            self.neurons.append(column)
            self.values.append(values)
            self.marks.append(marks)

    def remove(self, scene: QGraphicsScene) -> None:
        """Take every item out of ``scene`` (a bias label goes with its square)."""
        for layer in (*self.neurons, *self.values, *self.marks):
            for item in layer:
                if item is not None:
                    scene.removeItem(item)

    def place(self, xs: list[float], middle: float, spacing: float, r: float) -> list[np.ndarray]:
        """Column l at x ``xs[l]``, centred on y ``middle``, neurons ``spacing`` apart, of
        radius ``r``; returns each layer's (n, 2) centres, as Qt computes a rect's centre
        (left + width / 2), so that a line meets its neurons exactly."""
        self.radius = r
        # Small circles (32 to a column) get thin outlines, or they are all outline.
        outline = QPen(INK, float(np.clip(0.3 * r, 0.75, 1.5)))
        mark_outline = QPen(INK, float(np.clip(0.2 * r, 0.5, 1.0)))
        s = max(0.6 * r, min(5.0, 1.4 * r))  # a bias square's side
        centres = []
        for l, (column, n) in enumerate(zip(self.neurons, self.sizes)):
            ys = middle + (np.arange(n) - (n - 1) / 2) * spacing
            for neuron, y in zip(column, ys.tolist()):
                neuron.setRect(QRectF(xs[l] - r, y - r, 2 * r, 2 * r))
                neuron.setPen(outline)
            rects = [neuron.rect() for neuron in column]
            centres.append(np.array([[q.left() + q.width() / 2, q.top() + q.height() / 2]
                                     for q in rects]))
            for mark, q in zip(self.marks[l], rects):
                if mark is not None:
                    c = q.center()
                    mark.setPen(mark_outline)
                    mark.setRect(QRectF(c.x() - r - 0.25 * s, c.y() + r - 0.75 * s, s, s))
        return centres

    def place_texts(self) -> None:
        """The biases under their squares; the values inside the circles where they fit
        (the tooltip always has them)."""
        for mark, label in self.bias_labels.items():
            r = mark.rect()
            label.setPos(r.center().x() - label.boundingRect().width() / 3, r.bottom() + 2)
        font = make_font(int(np.clip(self.radius * 0.5, 7, 11)))
        for column, values in zip(self.neurons, self.values):
            for neuron, text in zip(column, values):
                text.setFont(font)
                text.setVisible(self.radius >= 15)
                c = neuron.rect().center()
                br = text.boundingRect()
                text.setPos(c.x() - br.width() / 2, c.y() - br.height() / 2)

    def style_activations(self, l: int, acts: np.ndarray | None) -> bool:
        """Layer l's circles filled by their activations (white without); True when a
        value written inside changed."""
        column, values = self.neurons[l], self.values[l]
        changed = False
        if acts is None:
            if self._filled[l]:
                self._filled[l] = False
                for neuron, text in zip(column, values):
                    neuron.setBrush(QBrush(WHITE))
                    changed |= set_text(text, "")
            return changed
        self._filled[l] = True
        finite_a = np.abs(acts[np.isfinite(acts)])
        a_scale = max(1.0, float(finite_a.max())) if finite_a.size else 1.0
        for neuron, text, a in zip(column, values, acts.tolist()):
            if math.isfinite(a):
                strength = abs(a) / a_scale
                neuron.setBrush(QBrush(sign_color(a, strength)))
                changed |= set_text(text, f"{a:.2f}")
                text.setBrush(QBrush(WHITE if strength > 0.6 else INK))
            else:
                neuron.setBrush(QBrush(WHITE))
                changed |= set_text(text, "")
        return changed

    def style_biases(self, l: int, bias: np.ndarray | None, b_max: float) -> bool:
        """Layer l's bias squares coloured by sign and size (|b| over ``b_max``; hidden
        without biases); True when a bias written under its square changed."""
        marks = self.marks[l]
        shown = bias is not None
        if self._marks_shown[l] != shown:
            self._marks_shown[l] = shown
            for mark in marks:
                mark.setVisible(shown)
        if not shown:
            return False
        with np.errstate(all="ignore"):
            strength = np.where(np.isfinite(bias), np.abs(bias) / b_max, 0.0) if b_max > 0 \
                else np.zeros(bias.shape)
        rgba = sign_rgba(bias, 0.15 + 0.85 * strength)
        last = self._mark_rgba[l]
        for i in (np.flatnonzero(rgba != last) if last is not None else range(len(marks))):
            marks[i].setBrush(QBrush(QColor.fromRgba(int(rgba[i]))))
        self._mark_rgba[l] = rgba
        changed = False
        if self.bias_labels:
            for mark, b in zip(marks, bias.tolist()):
                label = self.bias_labels[mark]
                changed |= set_text(label, f"b = {b:.2f}")
                label.setBrush(QBrush(sign_color(b).darker(130)))
        return changed
