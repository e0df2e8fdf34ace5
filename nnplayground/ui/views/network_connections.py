"""Every weight's line of the network drawing, kept in arrays and drawn in a few batches.

[2, 32 x 6, 1] has 5,216 weights. As one graphics item each they took about 280 ms to
restyle and as long to paint (``benchmarks/network_view.py``). Here a line is a row of
NumPy arrays, and one item draws them all, one path per bucket: sign (blue, vermillion,
grey for zero) x strength (``LEVELS`` steps of |w| over the largest |w|, which set the
width and how far the colour fades towards white), weakest first, so the strong weights
lie on top. New weights rebuild only the paths of buckets whose members changed, and
nothing else: no item is made or removed while training.

The colours are painted opaque, blended with the white background beforehand: Qt's
raster engine took about ten times longer to blend thousands of overlapping translucent
lines. A line alone looks as its translucent pen would; where lines cross, the stronger
one covers the weaker. Caps are flat (the ends lie under the neurons; round caps cost
many times more to fill).

Hover finds the nearest line by geometry (``nearest``), not by an item under the mouse.
``Connection`` is a light record of one line (``line()``, ``pen()``, ``toolTip()``,
``scene()``), what the view's accessors hand out.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPaintEngine, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem

from nnplayground.core.palette import over
from nnplayground.core.state import axis_name
from nnplayground.ui.views.network_items import HIT_WIDTH, make_font, sign_color
from nnplayground.ui.views.network_picture import LinesPicture

MIN_WIDTH = 1.0  # pixels: the weakest connection must still be visible
#: Strength steps: |w| / max |w| is rounded to one of these many levels (0 and 1 included).
LEVELS = 16
#: More lines than this are drawn without antialiasing on screen: the 2,144 of
#: [2, 32, 32, 32, 1] cost 33 ms a paint smoothed and 9 ms not, and at that density the
#: difference does not show (exports, which have no widget, stay smooth).
SMOOTH_LINES = 400
#: Opacity of the weakest line when two layers are joined by at most 64 lines; a denser
#: mesh fades its weak lines further, or it becomes one dark block (at least MIN_ALPHA).
WEAK_ALPHA, MIN_ALPHA = 0.45, 0.12
_ZERO, _POSITIVE, _NEGATIVE = 0, 1, 2  # sign codes; bucket = sign * LEVELS + level

#: where a weight's label may stand, in order of preference: (how far along its line,
#: above it, lifted off the line by this many label heights). A third of the way along
#: first: lines fan out from their source, so neighbouring lines' labels stand apart
#: there. Lifted spots come last: between two close neurons a level line has no room
#: beside it (the ReLU lesson's -5, 43 px wide between neurons 43 px apart, lay under
#: one of them), half a label higher it clears them.
LABEL_SPOTS = tuple((f, above, 0.0) for f in (0.3, 0.5, 0.7, 0.2, 0.4, 0.6, 0.8)
                    for above in (True, False)) + tuple(
    (f, above, lift) for lift in (0.6, 1.2) for f in (0.5, 0.3, 0.7) for above in (True, False))


def weak_alpha(sizes) -> float:
    """Opacity of the weakest lines for layers of ``sizes``."""
    densest = max((a * b for a, b in pairwise(sizes)), default=1)
    return float(np.clip(WEAK_ALPHA * np.sqrt(64.0 / densest), MIN_ALPHA, WEAK_ALPHA))


#: The weights' labels stack above the neurons (z 2) and their marks and values (z 3):
#: where no free spot is left (a narrow view), a label over a neuron stays readable (a
#: -5 under its input neuron read 5).
LABELS_Z = 4


class _LabelLayer(QGraphicsItem):
    """The weights' labels' parent: nothing of its own to draw, in the scene beside its
    ``ConnectionsItem`` (which stays under the neurons). Both stay at the scene's origin,
    so the labels are placed in the lines' coordinates."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(LABELS_Z)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, painter, option, widget=None) -> None:
        pass


class ConnectionsItem(QGraphicsItem):
    """All connections of one architecture ``sizes``; weight ``weights[l][i, j]`` is row
    ``index(l, i, j)``. ``place`` puts them between neuron centres, ``set_width`` sets the
    widest line's width, ``show`` takes the weights. ``labelled``: each weight is also
    written on its line (a few connections only)."""

    def __init__(self, sizes, labelled: bool = False, centroid_mode: bool = False,
                 on_work: Callable[[float], None] | None = None) -> None:
        super().__init__()
        self.setZValue(1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.sizes = tuple(int(n) for n in sizes)
        self.centroid_mode = centroid_mode
        pairs = list(pairwise(self.sizes))
        counts = [a * b for a, b in pairs]
        self.offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.intp)]).astype(np.intp)
        n = int(self.offsets[-1])
        self.layer = np.repeat(np.arange(len(counts)), counts)
        self.source = np.concatenate([np.repeat(np.arange(a), b) for a, b in pairs] or [[]])
        self.target = np.concatenate([np.tile(np.arange(b), a) for a, b in pairs] or [[]])
        self.source, self.target = self.source.astype(np.intp), self.target.astype(np.intp)
        self.ends = np.zeros((n, 4))  # x1, y1, x2, y2 in scene pixels
        self.values = np.zeros(n)
        self.buckets = np.zeros(n, dtype=np.intp)  # all zero, grey, until ``show``
        self.max_width = 6.0
        self.alpha = weak_alpha(self.sizes)
        self._paths: dict[int, QPainterPath] = {}
        self._pens: dict[int, QPen] = {}
        self._rect = QRectF()
        self._generation = 0  # of the lines' places, widths and colours
        #: A dense mesh is shown from a picture drawn in steps (network_picture.py);
        #: None for a few lines, drawn at once.
        self.picture = (LinesPicture(self._on_picture_ready, on_work)
                        if n > SMOOTH_LINES else None)
        self.labels: list[QGraphicsSimpleTextItem] = []
        self._spots: list[tuple[float, bool, float]] = []  # each label's (fit_labels)
        self._avoid: list[QRectF] = []
        self._area: QRectF | None = None
        #: the labels' parent, put in the scene with this item (``itemChange``)
        self.label_layer = _LabelLayer()
        if labelled:
            for _ in range(n):
                label = QGraphicsSimpleTextItem(self.label_layer)
                label.setFont(make_font(11, bold=True))
                self.labels.append(label)

    def __len__(self) -> int:
        return len(self.values)

    def index(self, layer: int, i: int, j: int) -> int:
        """Row of weight ``weights[layer][i, j]``; IndexError when there is none."""
        if not (0 <= layer < len(self.sizes) - 1 and 0 <= i < self.sizes[layer]
                and 0 <= j < self.sizes[layer + 1]):
            raise IndexError(f"no connection {layer}: {i} -> {j} in {list(self.sizes)}")
        return int(self.offsets[layer] + i * self.sizes[layer + 1] + j)

    # ------------------------------------------------------------------ geometry
    def place(self, centres: list[np.ndarray]) -> None:
        """Lines from neuron to neuron; ``centres[l]`` is layer l's (n_l, 2) centres."""
        if len(self):
            starts = np.concatenate([c[:, None, :].repeat(len(d), 1).reshape(-1, 2)
                                     for c, d in pairwise(centres)])
            ends = np.concatenate([np.tile(d, (len(c), 1)) for c, d in pairwise(centres)])
            self.ends = np.hstack([starts, ends])
        self._update_rect()
        self._paths = {}
        for bucket in _distinct(self.buckets):
            self._build_path(int(bucket))
        self._lines_changed(moved=True)
        self._place_labels()
        self.update()

    def set_width(self, max_width: float) -> None:
        """The widest (strongest) line's width in pixels."""
        if max_width != self.max_width:
            self.max_width = float(max_width)
            self._pens = {}
            self._update_rect()
            self._lines_changed(moved=True)
            self._place_labels()
            self.update()

    def _update_rect(self) -> None:
        self.prepareGeometryChange()
        if not len(self):
            self._rect = QRectF()
            return
        xs, ys = self.ends[:, 0::2], self.ends[:, 1::2]
        half = max(self.max_width, HIT_WIDTH) / 2
        self._rect = QRectF(float(xs.min()) - half, float(ys.min()) - half,
                            float(xs.max() - xs.min()) + 2 * half,
                            float(ys.max() - ys.min()) + 2 * half)

    # ------------------------------------------------------------------ weights
    def show(self, values: np.ndarray) -> None:
        """Take the weights, flat in row order (``np.concatenate([W.ravel() ...])``)."""
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if values.shape != self.values.shape:
            raise ValueError(f"{len(self)} connections, {values.size} weights")
        finite = np.isfinite(values)
        mags = np.where(finite, np.abs(values), 0.0)
        top = float(mags.max()) if mags.size else 0.0
        frac = mags / top if top > 0 else np.zeros_like(mags)
        levels = np.floor(frac * (LEVELS - 1) + 0.5).astype(np.intp)
        signs = np.where(~finite | (values == 0), _ZERO,
                         np.where(values > 0, _POSITIVE, _NEGATIVE))
        levels[signs == _ZERO] = 0
        buckets = signs * LEVELS + levels
        moved = buckets != self.buckets
        self.values = values.copy()
        if moved.any():
            touched = _distinct(np.concatenate([self.buckets[moved], buckets[moved]]))
            self.buckets = buckets
            for bucket in touched:
                self._build_path(int(bucket))
            self._lines_changed(moved=False)
            self.update()
        longer = False
        for label, value in zip(self.labels, values):
            text = f"{value:.2f}"
            if label.text() != text:
                longer |= len(text) != len(label.text())
                label.setText(text)
                label.setBrush(QBrush(sign_color(value).darker(130)))
        if longer and self._area is not None:
            self.fit_labels(self._avoid, self._area)  # a wider text may need another spot
        else:
            self._place_labels()

    def _lines_changed(self, moved: bool) -> None:
        """New colours, or (``moved``) places or widths: a picture of lines that moved is
        never shown again; one of old colours is, until the next is complete."""
        self._generation += 1
        if moved and self.picture is not None:
            self.picture.forget()

    def _on_picture_ready(self) -> None:
        if shiboken6.isValid(self):  # not deleted with its scene meanwhile
            self.update()

    def itemChange(self, change, value):
        Change = QGraphicsItem.GraphicsItemChange
        if change == Change.ItemSceneHasChanged:
            layer = self.label_layer
            if layer.scene() is not None and layer.scene() is not value:
                layer.scene().removeItem(layer)
            if value is not None and layer.scene() is None:
                value.addItem(layer)
            if value is None and self.picture is not None:
                self.picture.forget()  # taken out of the drawing: no more steps for it
        elif change == Change.ItemVisibleHasChanged:
            self.label_layer.setVisible(bool(value))
        return super().itemChange(change, value)

    def _paint_order(self) -> list[int]:
        """The buckets in the order they are drawn: weakest first, the strong on top."""
        return sorted(self._paths, key=lambda b: (b % LEVELS, b))

    def _draws(self) -> list[tuple[QPen, QPainterPath]]:
        """Each bucket's pen and path, in the order they are drawn."""
        return [(self._drawn_pen(b), self._paths[b]) for b in self._paint_order()]

    def _build_path(self, bucket: int) -> None:
        rows = np.flatnonzero(self.buckets == bucket)
        if rows.size == 0:
            self._paths.pop(bucket, None)
            return
        ends = self.ends[rows]
        self._paths[bucket] = pg.arrayToQPath(ends[:, 0::2].ravel(), ends[:, 1::2].ravel(),
                                              connect="pairs", finiteCheck=False)

    def _style(self, bucket: int) -> tuple[QColor, float]:
        """The colour (translucent) and width a bucket's lines have."""
        sign, level = divmod(bucket, LEVELS)
        frac = level / (LEVELS - 1)
        color = sign_color({_ZERO: 0.0, _POSITIVE: 1.0, _NEGATIVE: -1.0}[sign])
        color.setAlphaF(self.alpha + (1.0 - self.alpha) * frac)  # weak links recede
        return color, MIN_WIDTH + (self.max_width - MIN_WIDTH) * frac

    def _drawn_pen(self, bucket: int) -> QPen:
        """The bucket's pen as painted: opaque, its colour blended with white."""
        pen = self._pens.get(bucket)
        if pen is None:
            color, width = self._style(bucket)
            opaque = QColor.fromRgbF(*over(color.getRgbF()[:3], color.alphaF()))
            pen = self._pens[bucket] = QPen(opaque, width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    # ------------------------------------------------------------------ one line
    def pen(self, k: int) -> QPen:
        """Connection ``k``'s pen: its sign's colour, its strength's opacity and width."""
        color, width = self._style(int(self.buckets[k]))
        return QPen(color, width)

    def line(self, k: int) -> QLineF:
        return QLineF(*(float(v) for v in self.ends[k]))

    def tooltip(self, k: int) -> str:
        l, i, j, value = int(self.layer[k]), int(self.source[k]), int(self.target[k]), \
            float(self.values[k])
        if self.centroid_mode:
            # numbered and named as on the canvas
            return f"centroid {j + 1}, {axis_name(i)}: {value:.3f}\n(the weight w[{l}][{i}→{j}])"
        return f"w[{l}][{i}→{j}] = {value:.3f}"

    def nearest(self, x: float, y: float) -> int | None:
        """The connection drawn at scene point (x, y): the nearest line within reach
        (half its width, at least ``HIT_WIDTH`` / 2); where several are as near (to half a
        pixel), the strongest, which is drawn on top. None when no line is in reach."""
        if not len(self):
            return None
        p, d = self.ends[:, :2], self.ends[:, 2:] - self.ends[:, :2]
        length2 = np.maximum((d * d).sum(axis=1), 1e-12)
        t = np.clip(((x - p[:, 0]) * d[:, 0] + (y - p[:, 1]) * d[:, 1]) / length2, 0.0, 1.0)
        dist = np.hypot(p[:, 0] + t * d[:, 0] - x, p[:, 1] + t * d[:, 1] - y)
        levels = self.buckets % LEVELS
        reach = np.maximum(MIN_WIDTH + (self.max_width - MIN_WIDTH) * levels / (LEVELS - 1),
                           HIT_WIDTH) / 2
        near = np.flatnonzero(dist <= reach)
        if near.size == 0:
            return None
        order = np.lexsort((-levels[near], np.floor(dist[near] * 2)))
        return int(near[order[0]])

    # ------------------------------------------------------------------ QGraphicsItem
    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        # Nothing for Qt to hit-test: a stroked shape of thousands of lines took many
        # milliseconds per tooltip. The view asks ``nearest`` instead.
        return QPainterPath()

    def paint(self, painter, option, widget=None) -> None:
        engine = painter.paintEngine()
        vector = engine is not None and engine.type() == QPaintEngine.Type.SVG
        if widget is not None and self.picture is not None and not vector:
            ratio = widget.devicePixelRatioF()
            if self.picture.wanted(self._rect, ratio, self._generation):
                self.picture.redraw(self._rect, ratio, self._generation, self._draws())
            image = self.picture.usable(self._rect, ratio)
            if image is not None:
                painter.drawImage(self.picture.origin(self._rect, ratio), image)
                return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        if widget is not None and len(self) > SMOOTH_LINES:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for bucket in self._paint_order():
            painter.setPen(self._drawn_pen(bucket))
            if vector:  # one element per weight in an SVG file: each can be picked
                for row in np.flatnonzero(self.buckets == bucket):
                    painter.drawLine(self.line(int(row)))
            else:
                painter.drawPath(self._paths[bucket])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)

    def fit_labels(self, avoid: list[QRectF], area: QRectF) -> None:
        """Each weight's label where it covers no other text, neuron or label and stays in
        ``area``: its spot so far while that is free, else the first free spot along its
        line, above it or below; where none is free, the spot covering the fewest. The
        view runs this when its other texts moved (``moved_since_fit``); ``show`` runs it
        again when a label's length changes."""
        self._avoid, self._area = list(avoid), QRectF(area)
        before = self._spots if len(self._spots) == len(self.labels) else []
        placed: list[QRectF] = []
        spots = []
        for k, label in enumerate(self.labels):
            best, fewest = LABEL_SPOTS[0], None
            for spot in ([before[k]] if before else []) + list(LABEL_SPOTS):
                covered = self._covered(self._label_rect(k, label, spot), placed)
                if fewest is None or covered < fewest:
                    best, fewest = spot, covered
                if covered == 0:
                    break
            spots.append(best)
            placed.append(self._label_rect(k, label, best))
        self._spots = spots
        self._place_labels()

    def moved_since_fit(self, avoid: list[QRectF], area: QRectF, slack: float = 3.0) -> bool:
        """True unless ``avoid`` and ``area`` are those of the last fit, each rectangle
        within ``slack`` pixels (a frame of training changes a value's last digits)."""
        if self._area is None or area != self._area or len(avoid) != len(self._avoid):
            return True
        return any(abs(a.left() - b.left()) > slack or abs(a.top() - b.top()) > slack
                   or abs(a.right() - b.right()) > slack or abs(a.bottom() - b.bottom()) > slack
                   for a, b in zip(avoid, self._avoid))

    def _covered(self, rect: QRectF, placed: list[QRectF]) -> int:
        """How many texts, neurons and labels ``rect`` covers; outside the area counts as
        more than any of that."""
        hits = sum(rect.intersects(other) for other in (*self._avoid, *placed))
        return hits + (0 if self._area.contains(rect) else 1000)

    def _label_rect(self, k: int, label, spot) -> QRectF:
        fraction, above, lift = spot
        at = self.line(k).pointAt(fraction)
        br = label.boundingRect()
        gap = 2.0 + self._style(int(self.buckets[k]))[1] / 2 + lift * br.height()
        top = at.y() - gap - br.height() if above else at.y() + gap
        return QRectF(at.x() - br.width() / 2, top, br.width(), br.height())

    def _place_labels(self) -> None:
        spots = self._spots if len(self._spots) == len(self.labels) else None
        for k, label in enumerate(self.labels):
            rect = self._label_rect(k, label, spots[k] if spots else LABEL_SPOTS[0])
            label.setPos(rect.topLeft())


def _distinct(buckets: np.ndarray) -> np.ndarray:
    """The bucket numbers (small, >= 0) that occur, in order: np.unique without it (its
    first call imports numpy.ma, 20-25 ms of the launch)."""
    return np.flatnonzero(np.bincount(buckets))


class Connection:
    """One weight's line as the user sees it: where it runs, its pen, its tooltip.

    A record, not a graphics item: ``scene()`` is the drawing's scene while this
    architecture is shown and None once it was replaced."""

    __slots__ = ("_item", "_k", "layer", "source", "target")

    def __init__(self, item: ConnectionsItem, k: int) -> None:
        self._item, self._k = item, k
        self.layer, self.source, self.target = (int(item.layer[k]), int(item.source[k]),
                                                int(item.target[k]))

    @property
    def value(self) -> float:
        return float(self._item.values[self._k])

    def line(self) -> QLineF:
        return self._item.line(self._k)

    def pen(self) -> QPen:
        return self._item.pen(self._k)

    def toolTip(self) -> str:  # the name a graphics item's has
        return self._item.tooltip(self._k)

    def scene(self):
        return self._item.scene()

    def __repr__(self) -> str:
        return f"<Connection w[{self.layer}][{self.source}→{self.target}] = {self.value:.3f}>"
