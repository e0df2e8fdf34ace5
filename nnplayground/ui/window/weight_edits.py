"""Weights typed into the network drawing or dragged on the canvas, applied to the
window's copy of the model (``trainer.model``) while training is idle.

Each edit is one ``QUndoCommand`` on the points' undo stack (the window's Edit > Undo),
so Ctrl+Z walks back through point and weight edits in the order they were made. When
training starts the weight edits' steps go: they would put back weights the training has
moved on from. Commands on top of the stack (edits, then Play: the usual case) and in its
redo part are removed; one buried under a later point edit is marked obsolete, which
QUndoStack drops unseen when undo reaches it.

A value is addressed by a path: ("w", l, i, j) is ``weights[l][i, j]`` as the network
drawing shows it (``X @ W``; a perceptron's weight i is ("w", 0, i, 0), a competitive
layer's centroid j coordinate i is ("w", 0, i, j)); ("b", l, j) is ``biases[l][j]`` (a
perceptron's bias ("b", 0, 0)). Values are written in place, so an MLP's optimizer
memory stays (``set_state`` would clear it).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand

from nnplayground.core.state import axis_name

PAUSE_FIRST = "Pause training first (Space), then type or drag the weights."


def read_value(model, path: tuple) -> float:
    kind = model.kind
    if kind == "perceptron":
        return float(model.weights[path[2]]) if path[0] == "w" else float(model.bias)
    if kind == "competitive":
        return float(model.centroids[path[3], path[2]])
    if path[0] == "w":
        return float(model.weights[path[1]][path[2], path[3]])
    return float(model.biases[path[1]][path[2]])


def write_value(model, path: tuple, value: float) -> None:
    kind = model.kind
    if kind == "perceptron":
        if path[0] == "w":
            model.weights[path[2]] = value
        else:
            model.bias = float(value)
    elif kind == "competitive":
        model.centroids[path[3], path[2]] = value
    elif path[0] == "w":
        model.weights[path[1]][path[2], path[3]] = value
    else:
        model.biases[path[1]][path[2]] = value


class _WeightCommand(QUndoCommand):
    """Sets ``paths`` to ``new`` (redo) or back to ``old`` (undo) on the trainer's copy."""

    def __init__(self, edits: WeightEdits, text: str, paths, old, new, applied: bool) -> None:
        super().__init__(text)
        self._edits, self.paths, self.old, self.new = edits, list(paths), list(old), list(new)
        self._skip_redo = applied  # a drag already shows its end

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
        else:
            self._edits.write(self.paths, self.new)
        self._edits.w.actions_.show_errors_now()  # once per step, not per drag move

    def undo(self) -> None:
        self._edits.write(self.paths, self.old)
        self._edits.w.actions_.show_errors_now()


class WeightEdits(QObject):
    """The window's side of typed and dragged weights (``window.weight_edits``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.stack = window.points.undo_stack
        self._commands: list[_WeightCommand] = []
        view = window.network_view
        view.weight_edit_requested.connect(self._on_view_weight_edit_requested)
        view.neuron_edit_requested.connect(self._on_view_neuron_edit_requested)
        view.edit_message.connect(lambda text: window.statusBar().showMessage(text, 6000))
        window.trainer.running_changed.connect(self._on_trainer_running_changed)

    # ------------------------------------------------------------------ applying
    @property
    def model(self):
        return self.w.trainer.model

    def refusal(self) -> str:
        """Why no weight can be edited now ("" when it can)."""
        if self.model is None or getattr(self.model, "centroids", 0) is None:
            return "There is no model to edit yet."
        if self.w.trainer.is_running():
            return PAUSE_FIRST
        return ""

    def write(self, paths, values) -> None:
        """Set the values on the copy, have it sent before the next run, redraw."""
        model = self.model
        for path, value in zip(paths, values):
            write_value(model, path, float(value))
        self.w.trainer.model_changed()
        self.w.refresh_views()

    def edit(self, paths, values, text: str, *, old=None, applied: bool = False) -> bool:
        """One undo step setting ``paths`` to ``values``. ``old``/``applied``: a drag
        that already moved the values live passes the values from before it."""
        refusal = self.refusal()
        if refusal:
            self.w.statusBar().showMessage(refusal, 6000)
            return False
        if old is None:
            old = [read_value(self.model, p) for p in paths]
        if not applied and all(o == float(v) for o, v in zip(old, values)):
            return False
        command = _WeightCommand(self, text, paths, old, values, applied)
        self._commands.append(command)
        self.stack.push(command)
        return True

    def _on_view_weight_edit_requested(self, layer: int, i: int, j, value: float) -> None:
        model = self.model
        if model is None:
            return
        if j is None:
            path, text = ("b", layer, i), f"Set bias b[{layer}][{i}]"
        elif model.kind == "competitive":
            path, text = ("w", layer, i, j), f"Set centroid {j + 1}'s {axis_name(i)}"
        else:
            path, text = ("w", layer, i, j), f"Set weight w[{layer}][{i}→{j}]"
        if self.edit([path], [value], text):
            self.w.statusBar().showMessage(f"{text[4:]} = {value:g}", 4000)

    def _on_view_neuron_edit_requested(self, layer: int, index: int, values) -> None:
        model = self.model
        if model is None:
            return
        n = model.n_inputs
        paths = [("w", layer - 1, i, index) for i in range(n)]
        if model.kind == "perceptron" and model.bias is not None:
            paths.append(("b", 0, 0))
        text = (f"Set centroid {index + 1}" if model.kind == "competitive"
                else "Set the perceptron's weights")
        self.edit(paths, values[:len(paths)], text)

    # ------------------------------------------------------------------ training
    def _on_trainer_running_changed(self, running: bool) -> None:
        self.w.network_view.edit_block = PAUSE_FIRST if running else ""
        if running:
            self.w.network_view.editor.cancel()
            self.forget()

    def forget(self) -> None:
        """Take the weight edits out of the undo history (training moved on from them)."""
        if not self._commands:
            return
        ours = set(map(id, self._commands))
        stack = self.stack
        for command in self._commands:
            command.setObsolete(True)
        # Obsolete commands are deleted by QUndoStack when undo/redo reaches them: do
        # that now for the ones at the top and in the redo part (no undo() runs).
        while stack.index() > 0 and id(stack.command(stack.index() - 1)) in ours:
            stack.undo()
        while stack.index() < stack.count() and id(stack.command(stack.index())) in ours:
            stack.redo()
        self._commands = []

    def edit_commands(self) -> int:
        """How many weight-edit steps the undo history holds (tests, status)."""
        return sum(1 for c in self._commands if not c.isObsolete())


__all__ = ["PAUSE_FIRST", "WeightEdits", "read_value", "write_value"]
