"""Where the network drawing's parts stand, and the texts and rings around its neurons.

``NetworkLayout`` lays the drawing out in pixels from the view's size (fonts stay
readable instead of shrinking with a scaled scene): the margins, one column of neurons
per layer (``NeuronColumns.place``) and the lines between them (``ConnectionsItem.place``).
It owns what stands around them: each column's title above it, the caption and the
colour key below, a competitive layer's side texts (the axis names left of the inputs,
each centroid right of its neuron) and the rings of highlighted neurons. It words the
titles and side texts from the names and numbers the view hands it, sizes every text for
the text scale and the room there is, and fits a small network's weight labels where
they cover nothing else. The neurons and lines stay the view's, passed to each call.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
)

from nnplayground.core.state import axis_name
from nnplayground.core.palette import HIGHLIGHT
from nnplayground.ui.views.network_connections import ConnectionsItem
from nnplayground.ui.views.network_items import INK, fit_font, make_legend, make_text, set_text
from nnplayground.ui.views.network_neurons import NeuronColumns

_MARGIN = dict(left=60.0, right=60.0, top=56.0, bottom=34.0)
_CAPTION_PT, _LABEL_PT = 10.0, 11.0  # point sizes at text scale 1 (the legend's too)
#: Gap in pixels between the legend's entries, and between the caption and the legend.
_LEGEND_GAP = 12.0
#: The smallest point size the caption and the legend shrink to in a narrow view.
_MIN_CAPTION_PT = 7.0


def default_layer_names(n_layers: int) -> list[str]:
    """["input", "hidden 1", ..., "output"] for ``n_layers`` columns."""
    if n_layers == 1:
        return ["input"]
    return ["input"] + [f"hidden {i}" for i in range(1, n_layers - 1)] + ["output"]


class NetworkLayout:
    """The titles, caption, legend, side texts and rings of the drawing, and where
    everything stands. ``rebuild`` makes the texts of layers ``sizes``, ``place`` lays
    the neurons, lines and rings out in a view of a given size, ``place_texts`` puts the
    texts around them (again after a restyle changed one: their size follows what they
    read)."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.sizes: tuple[int, ...] = ()
        self.titles: list[QGraphicsSimpleTextItem] = []  # one per column
        # A competitive layer writes its centroids beside its neurons (and the axis names
        # beside the inputs) instead of a number on every line, which piled up.
        self.side_texts: list[QGraphicsSimpleTextItem] = []
        self.caption = make_text(10, italic=True, color=INK)
        scene.addItem(self.caption)
        # A key in the corner: the colours mean nothing to a class until someone says so.
        self.legend = make_legend()
        for item in self.legend:
            scene.addItem(item)
        self._side_width = 0.0  # pixels kept free right of the last column for them
        self._stacked = False  # the caption on its own row above the legend
        self._short_titles: bool | None = False
        self._ringed: list[tuple[int, int]] = []  # (layer, index) of the highlighted neurons
        self._rings: list[QGraphicsEllipseItem] = []

    def rebuild(self, scene: QGraphicsScene, sizes: tuple[int, ...], side_texts: bool) -> None:
        """The titles of layers ``sizes`` (and with ``side_texts`` one text beside every
        input and neuron: the inputs' axis names first, then the centroids) in place of
        the old ones."""
        for item in self.titles + self.side_texts:
            scene.removeItem(item)
        self.sizes = sizes
        self._side_width = 0.0
        self.side_texts = [make_text(11, bold=True, color=INK)
                           for _ in range(sum(sizes) if side_texts else 0)]
        self.titles = [make_text(11, bold=True, color=INK) for _ in sizes]
        for item in self.side_texts + self.titles:
            scene.addItem(item)

    def set_text_scale(self, scale: float, columns: NeuronColumns,
                       lines: ConnectionsItem | None) -> None:
        """Its texts and the values written under bias squares and on lines drawn
        ``scale`` times their normal size."""
        labels = [*self.titles, *columns.bias_labels.values(), *self.side_texts,
                  *(lines.labels if lines else [])]
        items = [(self.caption, _CAPTION_PT)] + [(t, _CAPTION_PT) for t in self.legend]
        items += [(t, _LABEL_PT) for t in labels]
        for item, points in items:
            font = item.font()
            font.setPointSizeF(points * scale)
            item.setFont(font)

    def remeasure(self) -> None:
        """Measure the side texts' room again at the next ``place`` (a new view size or
        text scale); until then it only grows, so the drawing stays still."""
        self._side_width = 0.0

    def place(self, width: float, height: float, scale: float, columns: NeuronColumns,
              lines: ConnectionsItem) -> None:
        """The neurons and lines in a view of ``width`` x ``height`` pixels, its texts
        ``scale`` times their normal size: the columns evenly apart between the margins,
        each centred on the middle height."""
        sizes = self.sizes
        if self.side_texts:
            # The centroids take at most under half the width; smaller type beyond.
            fit_font(self.side_texts[sizes[0]:], max(0.45 * width, 60.0), _MIN_CAPTION_PT,
                     _LABEL_PT * scale)
            self._side_width = max(self._side_width, self._side_text_width())
        m = self._margin(scale)
        inner_h = max(height - m["top"] - m["bottom"], 10.0)
        inner_w = max(width - m["left"] - m["right"], 10.0)
        gap = inner_w / max(len(sizes) - 1, 1)
        spacing = inner_h / max(sizes)
        # Wide layers (the digit pad's 20 inputs, 32 hidden neurons) get smaller circles,
        # never overlapping.
        r = min(float(np.clip(min(0.38 * spacing, 0.18 * gap), 3.0, 24.0)), 0.45 * spacing)
        xs = [m["left"] + inner_w / 2] if len(sizes) == 1 else [
            m["left"] + gap * l for l in range(len(sizes))]
        centres = columns.place(xs, m["top"] + inner_h / 2, spacing, r)
        lines.set_width(float(np.clip(0.45 * r, 2.5, 9.0)))
        lines.place(centres)
        self._short_titles = None  # chosen again for the new column gap
        self._place_rings(columns.neurons)

    def place_texts(self, width: float, height: float, scale: float, columns: NeuronColumns,
                    lines: ConnectionsItem) -> bool:
        """Every text around and on the drawing placed for what it reads now; False (and
        nothing placed) when the caption and the legend change rows: the neurons must make
        room first (``place``, then this again)."""
        if self.titles:
            # Titles give way where the columns stand too close for them to stand apart:
            # larger texts first, then smaller type (6 layers of 32 in a narrow view read
            # "h6out" over "32 321" even with the short titles).
            room = _column_gap(columns.neurons, default=width) - 8.0
            fit_font(self.titles, room, _MIN_CAPTION_PT, _LABEL_PT * scale)
        if self.sizes:
            # The key and the caption shrink rather than run off a narrow view (with a
            # few pixels to spare: text width is not exactly proportional to its size).
            fit_font(self.legend, width - 24.0, _MIN_CAPTION_PT, _CAPTION_PT * scale,
                     gap=_LEGEND_GAP)
            if self.caption.text():
                fit_font([self.caption], width - 24.0, _MIN_CAPTION_PT, _CAPTION_PT * scale)
        if self._want_stacked(width) != self._stacked:
            self._stacked = not self._stacked
            return False
        for l, title in enumerate(self.titles):
            x_mid = columns.neurons[l][0].rect().center().x()
            br = title.boundingRect()
            x = float(np.clip(x_mid - br.width() / 2, 2.0, max(width - br.width() - 2.0, 2.0)))
            title.setPos(x, 6.0)
        m = self._margin(scale)
        y = height - m["bottom"] + 8.0
        caption_w = self.caption.boundingRect().width()
        self.caption.setPos(min(m["left"], max(width - 8.0 - caption_w, 8.0)), y)
        if self._stacked:  # the legend on the row below the caption
            y += self.caption.boundingRect().height() + 2.0
        x = max(width - 8.0, 8.0 + self._legend_width())
        for item in reversed(self.legend):
            item.setVisible(bool(self.sizes))
            x -= item.boundingRect().width()
            item.setPos(x, y)
            x -= _LEGEND_GAP
        self._place_side_texts(columns.neurons)
        columns.place_texts()
        _fit_weight_labels(lines, columns, QRectF(0.0, 0.0, width, height))
        return True

    def set_titles(self, names: list[str], neurons: list[list[QGraphicsEllipseItem]],
                   scale: float) -> bool:
        """Each column's title: "hidden 1" over "32 neurons", or "h1" over "32" where the
        columns (``neurons``) stand too close for the long one (chosen again after each
        ``place``); True when a text changed."""
        sizes = self.sizes
        if not self.titles or len(names) != len(sizes):
            return False
        long = [f"{name}\n{n} neuron{'s' if n != 1 else ''}" for name, n in zip(names, sizes)]
        if self._short_titles is None:
            room = _column_gap(neurons, default=float("inf")) - 8.0
            font = QFont(self.titles[0].font())  # at its full size, not as fitted last
            font.setPointSizeF(_LABEL_PT * scale)
            metrics = QFontMetricsF(font)
            widest = max(metrics.horizontalAdvance(line) for text in long
                         for line in text.split("\n"))
            self._short_titles = widest > room
        texts = [f"{_short_name(name)}\n{n}" for name, n in zip(names, sizes)] \
            if self._short_titles else long
        changed = False
        for title, text in zip(self.titles, texts):
            changed |= set_text(title, text)
        return changed

    def set_side_texts(self, input_names: list[str], weights: list[np.ndarray]) -> bool:
        """Beside each input its axis name (``input_names``, or x, y, ... when they are not
        one per input), beside each neuron its centroid (its incoming ``weights[0]``);
        True when a text changed."""
        changed = False
        for l, n in enumerate(self.sizes if self.side_texts else ()):
            for i in range(n):
                if l == 0:
                    text = input_names[i] if len(input_names) == n else axis_name(i)
                else:
                    text = "(" + ", ".join(f"{v:.2f}" for v in weights[0][:, i]) + ")"
                changed |= set_text(self.side_texts[self._side_index(l, i)], text)
        return changed

    def side_text(self, layer: int, index: int) -> str:
        return self.side_texts[self._side_index(layer, index)].text()

    def side_texts_grew(self) -> bool:
        """True when the widest centroid needs more room than kept for them (``place``
        makes it)."""
        return bool(self.side_texts) and self._side_text_width() > self._side_width

    def set_highlight(self, scene: QGraphicsScene, cells,
                      neurons: list[list[QGraphicsEllipseItem]]) -> None:
        """A ring around each of the ``neurons`` at ``cells`` ((layer, index) pairs), in
        place of the old rings."""
        for ring in self._rings:
            scene.removeItem(ring)
        self._ringed = [(int(l), int(i)) for l, i in cells]
        self._rings = []
        for _ in self._ringed:
            ring = QGraphicsEllipseItem()
            ring.setPen(QPen(QColor(HIGHLIGHT), 3.0))
            ring.setZValue(50)
            scene.addItem(ring)
            self._rings.append(ring)
        self._place_rings(neurons)

    def highlighted(self) -> list[tuple[int, int]]:
        """The ringed cells shown (after a rebuild: those that still exist)."""
        return [c for c, ring in zip(self._ringed, self._rings) if ring.isVisible()]

    def _place_rings(self, neurons: list[list[QGraphicsEllipseItem]]) -> None:
        for (l, i), ring in zip(self._ringed, self._rings):
            ok = l < len(neurons) and i < len(neurons[l])
            ring.setVisible(ok)
            if ok:
                ring.setRect(neurons[l][i].rect().adjusted(-5, -5, 5, 5))

    def _side_index(self, layer: int, index: int) -> int:
        return index if layer == 0 else self.sizes[0] + index

    def _margin(self, scale: float) -> dict:
        """Room above and below the neurons grows with the texts drawn there, and to
        the right with the centroids written beside a competitive layer's neurons."""
        bottom = _MARGIN["bottom"] * scale
        if self._stacked:
            bottom += self.caption.boundingRect().height() + 2.0
        right = max(_MARGIN["right"], 24.0 * scale + 10.0 + self._side_width)
        return dict(_MARGIN, top=_MARGIN["top"] * scale, bottom=bottom, right=right)

    def _legend_width(self) -> float:
        return (sum(item.boundingRect().width() for item in self.legend)
                + _LEGEND_GAP * (len(self.legend) - 1))

    def _want_stacked(self, width: float) -> bool:
        """True when the caption and the legend do not fit side by side."""
        caption_w = self.caption.boundingRect().width() if self.caption.text() else 0.0
        return caption_w > 0 and _MARGIN["left"] + caption_w + _LEGEND_GAP + self._legend_width() > width - 8.0

    def _side_text_width(self) -> float:
        """The widest centroid written beside a competitive layer's neurons."""
        n_in = self.sizes[0] if self.side_texts else 0
        return max((t.boundingRect().width() for t in self.side_texts[n_in:]), default=0.0)

    def _place_side_texts(self, neurons: list[list[QGraphicsEllipseItem]]) -> None:
        """Axis names left of the inputs, centroids right of the neurons; hidden where the
        circles stand too close for a line of text (the tooltips still have them)."""
        if not self.side_texts:
            return
        k = 0
        for l, column in enumerate(neurons):
            rects = [n.rect() for n in column]
            room = min((b.center().y() - a.center().y() for a, b in zip(rects, rects[1:])),
                       default=float("inf"))
            for rect in rects:
                text = self.side_texts[k]
                k += 1
                br = text.boundingRect()
                text.setVisible(br.height() <= room)
                x = rect.left() - 6.0 - br.width() if l == 0 else rect.right() + 6.0
                text.setPos(x, rect.center().y() - br.height() / 2)


def _column_gap(neurons: list[list[QGraphicsEllipseItem]], default: float) -> float:
    """Pixels between two neighbouring columns of ``neurons`` (``default`` for one)."""
    xs = [column[0].rect().center().x() for column in neurons]
    return min((b - a for a, b in pairwise(xs)), default=default)


def _fit_weight_labels(lines: ConnectionsItem, columns: NeuronColumns, area: QRectF) -> None:
    """A small network's weight labels where they cover no other text, neuron or bias
    square (a narrow view, the lesson dock beside it, put them on top of each other).
    Sought again only when those moved: fitting at every frame of training tripled
    the frame's cost (2 -> 6 ms for [2, 3, 1])."""
    if not lines.labels:
        return
    own = set(lines.labels)
    avoid = [item.sceneBoundingRect() for item in lines.scene().items()
             if item.isVisible() and item not in own and (
                 (isinstance(item, QGraphicsSimpleTextItem) and item.text())
                 or (isinstance(item, QGraphicsTextItem) and item.toPlainText()))]
    avoid += [n.sceneBoundingRect() for column in columns.neurons for n in column]
    avoid += [mark.sceneBoundingRect() for mark in columns.bias_labels]
    if not lines.moved_since_fit(avoid, area):
        return  # a frame of training: the same texts, within a few pixels
    lines.fit_labels(avoid, area)


def _short_name(name: str) -> str:
    """"hidden 3" -> "h3", "input" -> "in", "output" -> "out"."""
    if name.startswith("hidden "):
        return "h" + name[len("hidden "):]
    return {"input": "in", "output": "out"}.get(name, name)
