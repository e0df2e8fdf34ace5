"""The network drawing: neurons in columns, connections coloured by sign, sized by magnitude.

Graphics items are created only when the architecture (``layer_sizes``) changes; new
weights only restyle them, so the drawing can follow training live. The connections
(5,216 of them for [2, 32 x 6, 1]) are one item drawing a few batched paths
(``network_connections``); hovering finds the line under the mouse by geometry. The
neurons and their bias squares are ``network_neurons``; where everything stands, and the
titles, caption, legend, side texts and rings around the neurons, ``network_layout``.
This module owns the numbers shown: it checks them, restyles the items when they change
(throttled), writes the tooltips, answers item lookups and hit tests, and finds what a
click points at; what that click edits and the editor it opens are ``network_edits``.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from nnplayground.core.state import axis_names
from nnplayground.ui.views.network_connections import (
    MIN_WIDTH,
    Connection,
    ConnectionsItem,
)
from nnplayground.ui.views.network_edits import ValueEdits
from nnplayground.ui.views.network_items import set_text, set_tip
from nnplayground.ui.views.network_layout import NetworkLayout, default_layer_names
from nnplayground.ui.views.network_neurons import NeuronColumns
from nnplayground.ui.views.redraw_throttle import RedrawThrottle

__all__ = ["MIN_WIDTH", "NetworkView", "default_layer_names"]

#: Up to this many connections (a perceptron, a tiny MLP) each weight is written on its line.
MAX_LABELLED_CONNECTIONS = 10


class NetworkView(QGraphicsView):
    """Draws a feed-forward network: one column of neurons per layer, input on the left.

    Hover a connection for its weight, a neuron for its bias and activation. Where the
    columns stand too close for "hidden 1 / 32 neurons", their titles are short ("h1" over
    "32").

    While training, new weights arrive up to 30 times a second; restyling is merged to at
    most ``max_rate`` per second (the last weights always win, through a single-shot
    timer) and put off while the view is hidden (another tab), because the GUI thread's
    Python time is taken from training through the GIL. The item accessors
    (``connection_item`` ...) apply a pending restyle first, so what they return is
    always up to date.
    """

    #: restyles per second at most (None: every ``set_network`` restyles at once)
    max_rate: float | None = 10.0
    #: the share of the GUI thread's time restyling and painting may take while training:
    #: the 2,000 lines of [2, 32, 32, 32, 1] cost ~25 ms a frame, and at 10 frames a
    #: second they took a quarter of it, so the canvas stuttered
    time_budget = 0.05

    #: A value typed into the inline editor: (layer, i, j, value) sets ``weights[layer][i, j]``;
    #: (layer, j, None, value) sets bias ``biases[layer][j]``.
    weight_edit_requested = Signal(int, int, object, float)
    #: Every number of one neuron typed at once: (layer, index, values) — a perceptron's
    #: weights then its bias, a competitive neuron's centroid.
    neuron_edit_requested = Signal(int, int, object)
    #: A message for the status bar (a refused edit, a value that is not a number).
    edit_message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumSize(240, 180)
        self.setAccessibleName("Network drawing")
        # Connections and neurons carry their own tooltips (the values); this one is for
        # the frame and for screen readers.
        self.setToolTip("The network: hover a connection or a neuron to read its value")
        self._sizes: tuple[int, ...] = ()
        self._weights: list[np.ndarray] = []
        self._biases: list[np.ndarray | None] = []
        self._activations: list[np.ndarray | None] = []
        self._names: list[str] = []
        self._caption_text = ""
        self._centroid_mode = False
        self._built_centroid_mode = False
        self._input_names: list[str] = []  # a competitive layer's, written beside the inputs
        self._columns = NeuronColumns()
        self._lines: ConnectionsItem | None = None
        self._records: dict[int, Connection] = {}  # handed out by the accessors
        self._drawing_layout = NetworkLayout(self.scene())
        self._text_scale = 1.0
        self._throttle = RedrawThrottle(self, self._restyle, lambda: self.max_rate,
                                        budget=self.time_budget)
        #: Non-empty while typing values is refused (training runs): the reason shown.
        self.edit_block = ""
        self._edits = ValueEdits(self.viewport(), self.weight_edit_requested.emit,
                                 self.neuron_edit_requested.emit, self.edit_message.emit)
        self.editor = self._edits.editor

    # ------------------------------------------------------------------ public API
    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self._sizes

    def set_network(self, layer_sizes, weights, biases=None, activations=None, *,
                    layer_names=None, caption: str = "", centroid_weights: bool = False,
                    ) -> None:
        """Show a network.

        ``layer_sizes`` [n_0, ..., n_L]; ``weights`` L arrays (n_l, n_{l+1}) used as
        ``X @ W``; ``biases`` None or L entries, each (n_{l+1},) or None; ``activations``
        None or L+1 entries (n_l,) (or (1, n_l)) for one input, input layer first.
        ``centroid_weights``: tooltips call weights centroid coordinates.
        Items are rebuilt only when ``layer_sizes`` differ from the current ones.
        """
        sizes = tuple(int(n) for n in layer_sizes)
        if any(n < 1 for n in sizes):
            raise ValueError(f"layer sizes must be positive, got {sizes}")
        weights = [np.asarray(W, dtype=np.float64) for W in weights]
        if len(weights) != max(len(sizes) - 1, 0):
            raise ValueError(f"{len(sizes)} layers need {len(sizes) - 1} weight arrays, "
                             f"got {len(weights)}")
        for l, W in enumerate(weights):
            if W.shape != (sizes[l], sizes[l + 1]):
                raise ValueError(f"weights[{l}] has shape {W.shape}, expected "
                                 f"{(sizes[l], sizes[l + 1])}")
        biases = _per_layer(biases, sizes[1:], "biases")
        activations = _per_layer(activations, sizes, "activations")
        names = list(layer_names) if layer_names else default_layer_names(len(sizes))
        if len(names) != len(sizes):
            raise ValueError(f"{len(sizes)} layers need {len(sizes)} names")
        self._weights, self._biases, self._activations = weights, biases, activations
        self._names, self._caption_text = names, caption
        self._centroid_mode = centroid_weights
        self._edits.whole_neuron = centroid_weights
        if sizes != self._sizes or centroid_weights != self._built_centroid_mode:
            self._rebuild(sizes)
            self._throttle.redraw_now()
        else:
            self._throttle.request()

    def set_perceptron(self, weights, bias=None) -> None:
        """A perceptron: ``weights`` (n_inputs,), ``bias`` float or None."""
        w = np.asarray(weights, dtype=np.float64).reshape(-1, 1)
        b = None if bias is None else [np.array([float(bias)])]
        self.set_network([len(w), 1], [w], b, layer_names=["input", "output"])
        self._edits.whole_neuron = True

    def set_competitive(self, centroids) -> None:
        """A competitive layer: ``centroids`` (n_neurons, n_inputs); neuron j's incoming
        weights are its centroid's coordinates, written beside it; the inputs are named
        by the data's axis names (x, y, z, x4, ...)."""
        C = np.asarray(centroids, dtype=np.float64)
        if C.ndim != 2:
            raise ValueError(f"centroids must be (n_neurons, n_inputs), got shape {C.shape}")
        self._input_names = axis_names(C.shape[1])
        self.set_network([C.shape[1], C.shape[0]], [C.T], None, layer_names=["input", "neurons"],
                         caption="weights = centroid coordinates", centroid_weights=True)

    def set_highlight(self, cells=()) -> None:
        """Ring the neurons ``cells`` ((layer, index) pairs): what the one-sample panel
        refers to (issue 11); () removes the rings."""
        self.flush()
        self._drawing_layout.set_highlight(self.scene(), cells, self._columns.neurons)

    def highlighted(self) -> list[tuple[int, int]]:
        """The ringed neurons shown (after a rebuild: those that still exist)."""
        return self._drawing_layout.highlighted()

    def set_text_scale(self, factor: float) -> None:
        """Draw every label, caption and the legend ``factor`` times their normal size
        (presentation mode on a projector); 1.0 gives back the normal sizes."""
        self._text_scale = float(factor)
        self._drawing_layout.set_text_scale(self._text_scale, self._columns, self._lines)
        self._drawing_layout.remeasure()  # the side texts in the new size
        self._layout()

    def neuron_item(self, layer: int, index: int) -> QGraphicsEllipseItem:
        self.flush()
        neuron = self._columns.neurons[layer][index]
        self._write_tips([neuron])
        return neuron

    def value_item(self, layer: int, index: int) -> QGraphicsSimpleTextItem:
        """The text written inside neuron ``index`` of ``layer`` (its activation, when
        the drawing was given activations and the circle is large enough to hold it)."""
        self.flush()
        return self._columns.values[layer][index]

    def connection_item(self, layer: int, i: int, j: int) -> Connection:
        """The line of ``weights[layer][i, j]`` (from neuron i to neuron j): a record with
        ``line()``, ``pen()``, ``toolTip()``, the same object while the architecture stays."""
        self.flush()
        return self._record(self._lines.index(layer, i, j))

    def connection_items(self) -> list[Connection]:
        self.flush()
        return [self._record(k) for k in range(len(self._lines or ()))]

    def connection_at(self, pos: QPoint) -> Connection | None:
        """The connection a user points at with the mouse at ``pos`` (viewport pixels):
        the nearest line within a few pixels; None over a neuron or nothing."""
        self.flush()
        k = self._connection_index_at(pos)
        return None if k is None else self._record(k)

    def column_titles(self) -> list[QGraphicsSimpleTextItem]:
        """Each column's title ("h1" over "32"), left to right."""
        return list(self._drawing_layout.titles)

    def neuron_items(self) -> list[QGraphicsEllipseItem]:
        self.flush()
        neurons = [n for layer in self._columns.neurons for n in layer]
        self._write_tips(neurons)
        return neurons

    def _record(self, k: int) -> Connection:
        record = self._records.get(k)
        if record is None:
            record = self._records[k] = Connection(self._lines, k)
        return record

    def _connection_index_at(self, pos: QPoint) -> int | None:
        if self._lines is None:
            return None
        if any(item in self._columns.tip_items for item in self.items(pos)):
            return None  # a neuron or a bias mark: they tell their own values
        at = self.mapToScene(pos)
        return self._lines.nearest(at.x(), at.y())

    # ------------------------------------------------------------ typing values
    def edit_target_at(self, pos: QPoint) -> tuple | None:
        """What a click at ``pos`` (viewport pixels) edits: ("weight", l, i, j),
        ("bias", l, j) (``biases[l][j]``), ("neuron", layer, index) or None."""
        self.flush()
        return self._edits.target(self.items(pos), self._columns.tip_items,
                                  lambda: self.connection_at(pos), self._biases)

    def start_edit(self, pos: QPoint) -> bool:
        """Open the inline editor on what is at ``pos``; False when there is nothing
        (or typing is refused: ``edit_message`` says why)."""
        return self._edits.start(pos, self.edit_target_at(pos), self.edit_block, self._weights,
                                 self._biases, self._centroid_mode, self._input_names)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.start_edit(event.position().toPoint()):
            event.accept()
            return
        super().mousePressEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            t0 = time.perf_counter()
            handled = super().viewportEvent(event)
            self._throttle.painted(time.perf_counter() - t0)
            return handled
        if event.type() == QEvent.Type.ToolTip:
            self.flush()
            self._write_tips(self.items(event.pos()))  # Qt shows a neuron's own tooltip
            k = self._connection_index_at(event.pos())
            if k is not None:
                QToolTip.showText(event.globalPos(), self._lines.tooltip(k), self.viewport())
                return True
        return super().viewportEvent(event)

    def flush(self) -> None:
        """Apply a restyle that is waiting (throttled or hidden) now."""
        self._throttle.flush()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.flush()

    # ------------------------------------------------------------------- internals
    def _rebuild(self, sizes: tuple[int, ...]) -> None:
        scene = self.scene()
        if self._lines is not None:
            scene.removeItem(self._lines)  # its weight labels go with it
        self._columns.remove(scene)
        self._sizes = sizes
        self._built_centroid_mode = self._centroid_mode
        self._records = {}
        n_connections = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        labelled = n_connections <= MAX_LABELLED_CONNECTIONS and not self._centroid_mode
        self._columns = NeuronColumns(scene, sizes, labelled)
        self._drawing_layout.rebuild(scene, sizes, side_texts=self._centroid_mode)
        self._lines = ConnectionsItem(sizes, labelled, self._centroid_mode,
                                      on_work=self._throttle.spent)
        scene.addItem(self._lines)
        if self._text_scale != 1.0:
            self._drawing_layout.set_text_scale(self._text_scale, self._columns, self._lines)
        self._layout()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._drawing_layout.remeasure()  # the side texts for the new width
        self._layout()

    def _layout(self) -> None:
        w, h = float(self.viewport().width()), float(self.viewport().height())
        self.setSceneRect(0, 0, w, h)
        if not self._sizes:
            return
        self._drawing_layout.place(w, h, self._text_scale, self._columns, self._lines)
        self._drawing_layout.set_titles(self._names, self._columns.neurons, self._text_scale)
        self._place_texts()

    def _place_texts(self) -> None:
        """Texts whose size depends on their content are placed after every restyle."""
        w, h = float(self.viewport().width()), float(self.viewport().height())
        layout = self._drawing_layout
        if not layout.place_texts(w, h, self._text_scale, self._columns, self._lines):
            self._layout()  # the neurons make room for the caption's row; places the texts

    def _restyle(self) -> None:
        """Lines, brushes and texts from the current numbers; Qt calls are made only for
        what changed (a frame of training moves a few lines to another bucket and changes
        the bias colours a little). Tooltips are written when asked for (``_tip``)."""
        texts_changed = False
        if self._weights:
            self._lines.show(np.concatenate([W.reshape(-1) for W in self._weights]))
        b_all = [np.abs(b[np.isfinite(b)]) for b in self._biases if b is not None]
        b_max = max((float(a.max()) for a in b_all if a.size), default=0.0)
        columns, layout = self._columns, self._drawing_layout
        for l in range(len(self._sizes)):
            texts_changed |= columns.style_activations(l, self._activations[l])
            if l > 0:
                texts_changed |= columns.style_biases(l, self._biases[l - 1], b_max)
        texts_changed |= layout.set_side_texts(self._input_names, self._weights)
        texts_changed |= layout.set_titles(self._names, columns.neurons, self._text_scale)
        texts_changed |= set_text(layout.caption, self._caption_text)
        if layout.side_texts_grew():
            # Room for the widest centroid yet (it only grows, so the drawing stays still).
            self._layout()
        elif texts_changed:
            self._place_texts()

    def _tip(self, item) -> str:
        """The tooltip of a neuron or a bias square (written when it is shown: hundreds
        of them per frame cost the GUI thread milliseconds for nothing)."""
        kind, l, i = self._columns.tip_items[item]
        bias = self._biases[l - 1] if l > 0 else None
        if kind == "bias":
            return f"bias b[{l - 1}][{i}] = {float(bias[i]):.3f}" if bias is not None else ""
        lines = [f"{self._names[l]}, neuron {i + 1}"]  # as layers count: from 1
        acts = self._activations[l]
        if acts is not None and np.isfinite(acts[i]):
            lines.append(f"activation = {acts[i]:.3f}")
        if bias is not None:
            lines.append(f"bias b[{l - 1}][{i}] = {float(bias[i]):.3f}")
        elif l > 0 and not self._centroid_mode:
            lines.append("no bias")
        if self._drawing_layout.side_texts:
            side = self._drawing_layout.side_text(l, i)
            lines.append(f"centroid = {side}" if l > 0 else f"coordinate {side}")
        return "\n".join(lines)

    def _write_tips(self, items) -> None:
        tip_items = self._columns.tip_items
        for item in items:
            if item in tip_items:
                set_tip(item, self._tip(item))


def _per_layer(values, sizes, name: str) -> list[np.ndarray | None]:
    """None or one entry per layer -> list of flat (n,) float arrays or None."""
    if values is None:
        return [None] * len(sizes)
    values = list(values)
    if len(values) != len(sizes):
        raise ValueError(f"{name} needs {len(sizes)} entries, got {len(values)}")
    out: list[np.ndarray | None] = []
    for k, (v, n) in enumerate(zip(values, sizes)):
        if v is None:
            out.append(None)
            continue
        a = np.asarray(v, dtype=np.float64)
        a = a[0] if a.ndim == 2 else a.reshape(-1)  # a (1, n) batch of one input
        if a.shape != (n,):
            raise ValueError(f"{name}[{k}] has {a.shape[0]} values for {n} neurons")
        out.append(a)
    return out


#END
