"""Typing values into the network drawing: what a click edits, and the editor it opens.

``ValueEdits`` decides what a click edits from what the view found under the mouse (a
neuron, a bias square, a line) and the network's biases: a weight, a bias, or all the
numbers of one neuron (a perceptron's weights and bias, a competitive neuron's centroid).
It owns the ``InlineValueEditor`` over the view's viewport and the target it is open on;
``edit_prompt`` gives the numbers the editor opens with and the words that name them.
What was typed, or why typing is refused, goes to the callbacks it was given, addressed
as the view's signals want it. The view keeps the hit tests, the numbers and the signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

from nnplayground.ui.views.network_connections import Connection
from nnplayground.ui.views.weight_editor import InlineValueEditor


def edit_prompt(target: tuple, weights: Sequence[np.ndarray],
                biases: Sequence[np.ndarray | None], centroid_mode: bool,
                input_names: Sequence[str]) -> tuple[list[float], str]:
    """The values the editor opens with on ``target`` (from ``ValueEdits.target``) and
    what it calls them; ``centroid_mode``: the weights are a competitive layer's
    centroids, whose coordinates are named ``input_names``."""
    kind = target[0]
    if kind == "weight":
        _, l, i, j = target
        what = f"centroid {j + 1}, {input_names[i]}" if centroid_mode else f"weight w[{l}][{i}→{j}]"
        return [float(weights[l][i, j])], what
    if kind == "bias":
        _, l, j = target
        return [float(biases[l][j])], f"bias b[{l}][{j}]"
    _, l, i = target
    values = list(weights[l - 1][:, i])
    if centroid_mode:
        return values, f"centroid {i + 1} (" + ", ".join(input_names) + ")"
    bias = biases[l - 1]
    if bias is None:
        return values, "weights"
    return values + [float(bias[i])], "weights, bias"


class ValueEdits:
    """What a click on the drawing edits, and the inline editor over ``viewport``.

    Enter with acceptable numbers calls ``on_weight(layer, i, j, value)`` for a weight,
    ``on_weight(layer, j, None, value)`` for a bias or ``on_neuron(layer, index, values)``
    for a whole neuron; a refused value or a refused edit calls ``on_message(why)``."""

    def __init__(self, viewport: QWidget, on_weight: Callable, on_neuron: Callable,
                 on_message: Callable[[str], object]) -> None:
        self.editor = InlineValueEditor(viewport)
        self.editor.submitted.connect(self._on_submitted)
        self.editor.invalid.connect(on_message)
        self._on_weight, self._on_neuron, self._on_message = on_weight, on_neuron, on_message
        #: A neuron click edits all its numbers (a perceptron, a competitive layer), not
        #: its bias.
        self.whole_neuron = False
        self._target: tuple | None = None

    def target(self, items: Iterable, hits: Mapping[object, tuple[str, int, int]],
               line_at: Callable[[], Connection | None],
               biases: Sequence[np.ndarray | None]) -> tuple | None:
        """What a click edits: ("weight", l, i, j), ("bias", l, j) (``biases[l][j]``),
        ("neuron", layer, index) or None. ``items``: the graphics items under the mouse,
        topmost first; ``hits``: (kind, layer, index) of each neuron ("neuron") and bias
        square ("bias"); ``line_at()``: the line under the mouse, asked when neither is."""
        for item in items:
            hit = hits.get(item)
            if hit is None:
                continue
            kind, l, i = hit
            if l == 0:
                return None  # an input has nothing to type
            if kind == "neuron" and self.whole_neuron:
                return ("neuron", l, i)
            return ("bias", l - 1, i) if biases[l - 1] is not None else None
        line = line_at()
        return None if line is None else ("weight", line.layer, line.source, line.target)

    def start(self, pos: QPoint, target: tuple | None, block: str,
              weights: Sequence[np.ndarray], biases: Sequence[np.ndarray | None],
              centroid_mode: bool, input_names: Sequence[str]) -> bool:
        """Open the editor at ``pos`` (viewport pixels) on ``target`` with its values
        (``edit_prompt``); False when there is no target, or when ``block`` says why
        typing is refused (told ``on_message``)."""
        if target is None:
            return False
        if block:
            self._on_message(block)
            return False
        self._target = target
        self.editor.open_at(pos, *edit_prompt(target, weights, biases, centroid_mode,
                                              input_names))
        return True

    def _on_submitted(self, values: list) -> None:
        target, self._target = self._target, None
        if target is None:
            return
        if target[0] == "weight":
            self._on_weight(target[1], target[2], target[3], values[0])
        elif target[0] == "bias":
            self._on_weight(target[1], target[2], None, values[0])
        else:
            self._on_neuron(target[1], target[2], list(values))
