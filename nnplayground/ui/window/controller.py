"""The one owner of the playground's state (STYLE.md 1b, napari's Dims and QtDims).

``PlaygroundController`` owns the ``PlaygroundState`` (data set, split, model, view
specs), the editable points and the trainer. Panels, canvas, views and the file commands
read it and send intents; nothing reads a widget to learn what the playground is.

A preset, an opened file, an imported CSV (and next, a lesson) all go through one
transaction, :meth:`apply`: everything is checked and the model is built *before*
anything changes; then the points are swapped in, the model set, and ``applied`` is
emitted exactly once, so the window builds the model once and draws its views once.
Undo and redo of a data set (Ctrl+Z after a preset) end in the same place.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
from PySide6 import QtCore, QtGui

from nnplayground.core.base import Model
from nnplayground.core.points import PointSet
from nnplayground.core.state import (
    DatasetSpec,
    ModelSpec,
    PlaygroundState,
    SplitSpec,
    ViewSpec,
    fit_model_spec,
)
from nnplayground.training.data import TrainingData, held_out_mask
from nnplayground.training.client import TrainingController
from nnplayground.ui.canvas.points_model import PointsModel


@dataclass(frozen=True)
class Applied:
    """What one transaction changed, for the window to redraw once.

    ``data``: the points were replaced (axes, bounds and 3-D view to set up again);
    ``history``: the error history that comes with the model (None: start empty);
    ``text``: a status message."""

    data: bool
    history: dict | None = None
    text: str = ""


class PointsRefused(ValueError):
    """``apply`` was given points the point set does not take (nothing changed)."""


class _KeepModel(QtGui.QUndoCommand):
    """The trained models kept across undo and redo of a step that rebuilds the model
    (a new data set, a class edit): ``PlaygroundController.keeping_model`` puts one on
    each side of the step. Each takes note of the model (its error curve and timeline
    too) on its own side as the step leaves it, and gives it back when the step returns
    there: the first before the step is made or redone, back when it is undone; the
    last before the step is undone, back when it is redone. The one that runs before the points'
    step says whether its pair will give a model back (``expect_kept_model``), so that
    the data coming back builds no fresh model to throw away. A model that is still the
    current one (the step kept it) is left alone."""

    def __init__(self, controller: PlaygroundController, last: bool = False):
        super().__init__("Keep the model")
        self._controller, self._last = controller, last
        self._kept = None if last else controller.model_and_history()
        self._pushed = False
        self.pair: _KeepModel | None = None  # the one on the other side of the step

    def undo(self):
        if self._last:
            self._leave()  # the undo replaces the model: note it, say if one comes back
        else:
            self._give_back()

    def redo(self):
        if not self._pushed:  # push() runs redo when the step is made
            self._pushed = True
        elif self._last:
            self._give_back()
        else:
            self._leave()  # trained on since

    def _gives_back(self) -> bool:
        return self._kept is not None and self._kept[0] is not self._controller.model

    def _leave(self):
        self._kept = self._controller.model_and_history()
        self._controller.expect_kept_model(self.pair is not None and self.pair._gives_back())

    def _give_back(self):
        if self._gives_back():
            self._controller.restore_model(*self._kept)
        self._controller.expect_kept_model(False)


class PlaygroundController(QtCore.QObject):
    """See the module docstring. ``points``, ``trainer`` and ``data`` are the objects the
    window's widgets show and drive; ``state`` is the truth about everything else."""

    #: after a transaction: an ``Applied``.
    applied = QtCore.Signal(object)
    #: the state changed (any spec); carries the new ``PlaygroundState``.
    state_changed = QtCore.Signal(object)
    #: a line for the status bar.
    message = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None, *, snapshot_interval: float = 1 / 30,
                 model: ModelSpec | None = None) -> None:
        super().__init__(parent)
        self.points = PointsModel(PointSet(2, ["Class 1", "Class 2"]), self)
        self.data = TrainingData()
        self.trainer = TrainingController(self, snapshot_interval=snapshot_interval)
        self._state = PlaygroundState(model=model or ModelSpec())
        self._in_transaction = False
        #: ``check(spec)`` raises ``ValueError`` for a model the window cannot show (the
        #: model panel's ranges); asked before a transaction changes anything.
        self.spec_check = None
        # Undo/redo of a step kept by _KeepModel: a kept model comes right after the
        # points' own step (no fresh one to build), and the data it brought waits for it.
        self._kept_model_coming = False
        self._data_waiting = False
        #: () -> {"train": errors, "test": errors} of the curve shown (set by the window):
        #: an undo that gives a trained model back gives back its curve too
        self.history_source = None
        self.points.changed.connect(self._on_points_changed)
        self.points.classes_changed.connect(self._on_points_classes_changed)
        self.points.dataset_replaced.connect(self._on_points_dataset_replaced)
        self._send_points()

    # ------------------------------------------------------------------ reading
    @property
    def state(self) -> PlaygroundState:
        return self._state

    @property
    def model(self) -> Model | None:
        return self.trainer.model

    def held_out(self, ids: np.ndarray) -> np.ndarray:
        """Mask of the points with ``ids`` that the split holds out for testing."""
        split = self._state.split
        return held_out_mask(ids, split.test_ratio, split.seed)

    # ------------------------------------------------------------------ the transaction
    def apply(self, *, points: tuple | None = None, dataset: DatasetSpec | None = None,
              split: SplitSpec | None = None, model: ModelSpec | Model | None = None,
              history: dict | None = None, undo_text: str = "", undoable: bool = True,
              text: str = "", point_ids=None) -> None:
        """Change any of data, split and model at once, as one step.

        ``points`` = (X, labels, class_names) with their ``dataset`` spec (and their
        ``point_ids``, an opened session's: they decide the train/test split); ``model`` a
        spec to build, or a ready model (an opened file's, with its weights and epoch),
        fitted to the new data either way. Raises ``ValueError`` (nothing changed) when
        the model cannot be built for that data.
        """
        if points is not None:
            X, labels, names = points
            n_inputs, n_classes = np.shape(X)[1], len(names)
        else:
            n_inputs, n_classes = self.points.n_dims, self.points.n_classes
        built = self._build(model, n_inputs, n_classes)  # may raise: nothing changed yet
        if self.spec_check is not None:
            self.spec_check(built[0])
        # The run's last epochs reach the curve: an undo gives it back with the model.
        self.trainer.stop_and_wait(show_last=True)
        new_state = self._state.but(model=built[0], split=split or self._state.split)
        self._in_transaction = True
        try:
            if points is not None:
                self._replace_points(X, labels, names, undo_text, dataset or DatasetSpec(),
                                     point_ids, undoable)
            self._state = new_state.but(dataset=self.points.dataset)
            self._set_model(built[1])
        finally:
            self._in_transaction = False
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(points is not None, history, text))

    def _replace_points(self, X, labels, names, undo_text: str, dataset: DatasetSpec,
                        point_ids, undoable: bool) -> None:
        """The new points as one undo step that also gives back the model trained on
        the old ones (and, redone, the one trained on the new ones since).
        ``PointsRefused`` (nothing changed) when the point set does not take them."""
        try:
            if not undoable:
                self.points.replace_all(X, labels, names, name=undo_text or None,
                                        dataset=dataset, ids=point_ids)
                self.points.undo_stack.clear()
                return
            with self.keeping_model(self.points.replace_text(undo_text or None, dataset)):
                self.points.replace_all(X, labels, names, name=undo_text or None,
                                        dataset=dataset, ids=point_ids)
        except ValueError as exc:
            raise PointsRefused(str(exc)) from exc

    @contextmanager
    def keeping_model(self, text: str):
        """One undo step named ``text`` of the points' edits made in the block, with the
        trained models kept across its undo and redo (``_KeepModel``): the points' own
        undo and redo may build a fresh model for the data they bring back."""
        stack = self.points.undo_stack
        stack.beginMacro(text)
        try:
            first = _KeepModel(self)
            stack.push(first)
            yield
            first.pair = last = _KeepModel(self, last=True)
            last.pair = first
            stack.push(last)
        except BaseException:
            # An edit refused (ValueError) leaves no step behind: what the block made
            # is undone and the step dropped (an obsolete command goes when undone).
            stack.endMacro()
            stack.command(stack.index() - 1).setObsolete(True)
            stack.undo()
            raise
        stack.endMacro()

    def _build(self, model, n_inputs: int, n_classes: int) -> tuple[ModelSpec, Model]:
        """(spec, model) for data of that shape; ``ValueError`` when it cannot be built."""
        if isinstance(model, Model):
            if model.n_inputs != n_inputs:
                raise ValueError(f"The model takes {model.n_inputs} inputs, the data has {n_inputs}.")
            config = model.get_config()
            panel = model.kind if model.kind != "perceptron" else (
                "perceptron_bias" if config.get("bias", True) else "perceptron")
            return ModelSpec(model.kind, config, panel=panel), model
        spec = fit_model_spec(model or self._state.model, n_inputs, n_classes)
        try:
            return spec, spec.build()
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(str(exc)) from exc

    # ------------------------------------------------------------------ intents
    def reset_text(self) -> str:
        """What Reset (a fresh model from the current spec) says it did."""
        spec = self._state.model
        if spec.initial_state is not None:
            return "Model reset to its starting weights"
        return f"Model reset from seed {spec.config.get('seed', 0)}"

    def set_live_param(self, name: str, value) -> None:
        """A setting the model takes while training (learning rate, ...): applied to the
        model at its next epoch, and kept in the model spec, so Reset and a saved file
        keep it. ``ValueError`` (ModelError) for a value the model does not take."""
        self.trainer.set_param(name, value)  # checks first
        spec = self._state.model
        self._state = self._state.but(model=replace(spec, config={**spec.config, name: value}))

    def set_split(self, split: SplitSpec) -> None:
        if split != self._state.split:
            self._state = self._state.but(split=split)
            self._configure_data()
            self.state_changed.emit(self._state)

    def set_view(self, view: ViewSpec) -> None:
        if view != self._state.view:
            self._state = self._state.but(view=view)
            self.state_changed.emit(self._state)

    def add_class(self, name: str | None = None) -> None:
        self._class_edit(lambda: self.points.add_class(name), f"Add class {name or ''}".strip())

    def remove_class(self, label: int) -> None:
        self._class_edit(lambda: self.points.remove_class(label),
                         f"Remove class {self.points.class_names[label]}")

    def _class_edit(self, edit, text: str) -> None:
        """A class edit and, where the network's outputs must change, its rebuild, as one
        undo step; the status bar says what happened to the network."""
        with self.keeping_model(text):
            self._in_transaction = True
            try:
                edit()
            finally:
                self._in_transaction = False
            after = self._refit_after_class_change()
        if after is not None:
            n = self.points.n_classes
            self.message.emit(f"The network was rebuilt for {n} classes (Ctrl+Z brings the "
                              "trained one back).")

    # ------------------------------------------------------------------ internals
    def _refit_after_class_change(self) -> Model | None:
        """The class count changed: a new model where its outputs no longer fit (returned),
        else only the data's targets follow."""
        spec = fit_model_spec(self._state.model, self.points.n_dims, self.points.n_classes)
        model = self.trainer.model
        if model is not None and spec == self._state.model:
            self._configure_data()
            self.state_changed.emit(self._state)
            return None
        self.trainer.stop_and_wait()
        new = spec.build()
        self._state = self._state.but(model=spec)
        self._set_model(new)
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(False))
        return new

    def model_and_history(self) -> tuple[Model, dict | None, int] | None:
        """The model now (its training ended, its last epochs on the curve), the error
        curve it drew (``history_source``) and its generation (the training process
        keeps its timeline for a while after the next model came); None without one."""
        self.trainer.stop_and_wait(show_last=True)
        model = self.trainer.model
        if model is None:
            return None
        history = None if self.history_source is None else self.history_source()
        return model, history, self.trainer.generation

    def expect_kept_model(self, coming: bool) -> None:
        """A ``_KeepModel`` gives a model back right after the points' undo or redo step
        (True), or none does (False)."""
        self._kept_model_coming = coming
        if not coming and self._data_waiting:  # no model came for the data: build one
            self._data_waiting = False
            self._on_points_dataset_replaced()

    def restore_model(self, model: Model, history: dict | None = None,
                      generation: int | None = None) -> None:
        """Undo/redo of a rebuild (a class edit, a new data set): that model back, as it
        was, with its error curve ``history`` when known and the timeline it had as
        ``generation`` (and the data it fits, when it came with it)."""
        self.trainer.stop_and_wait()
        spec, _ = self._build(model, model.n_inputs, self.points.n_classes)
        self._state = self._state.but(model=spec)
        self._set_model(model, earlier=generation)
        data, self._data_waiting, self._kept_model_coming = self._data_waiting, False, False
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(data, history))

    def _set_model(self, model: Model, earlier: int | None = None) -> None:
        self.trainer.set_model(model, earlier)
        self._configure_data()
        if getattr(model, "centroids", False) is None:
            # A competitive layer places its neurons on the data it first sees; do it now,
            # exactly as the first epoch would, so the neurons are drawn from epoch 0.
            X = self.data()[0]
            if len(X):
                model.initialize(X)

    def _configure_data(self) -> None:
        setup = (self._state.model.kind, self.points.n_classes, self._state.split)
        self.data.configure(*setup)
        self.trainer.configure(*setup)

    def _send_points(self) -> None:
        # One copy serves the window's views and the trainer (it is never changed).
        points = self.points.point_set.state()
        self.data.set_points(points)
        self.trainer.set_points(points)

    def _on_points_changed(self) -> None:
        if self.points.replacing:
            # A whole data set (perhaps of another dimension) is coming in: the run of
            # the model that fits the old one ends before the trainer sees the new data.
            self.trainer.stop_and_wait()
        self._send_points()

    def _on_points_classes_changed(self) -> None:
        if self._in_transaction or self.points.replacing:
            return  # the transaction (or dataset_replaced) sets the model up
        # A rename keeps the model; undo/redo of a class edit swaps the model itself.
        self._configure_data()

    def _on_points_dataset_replaced(self) -> None:
        if self._in_transaction:
            return
        if self._kept_model_coming:
            # A kept model follows (restore_model): it sets up the data with it.
            self._state = self._state.but(dataset=self.points.dataset)
            self._data_waiting = True
            return
        # Undo or redo of a data set: its spec came back with it; the model follows.
        try:
            spec, model = self._build(None, self.points.n_dims, self.points.n_classes)
        except ValueError as exc:
            self.message.emit(f"Cannot build this model for that data: {exc}")
            return
        self.trainer.stop_and_wait()
        self._state = self._state.but(dataset=self.points.dataset, model=spec)
        self._set_model(model)
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(True))
