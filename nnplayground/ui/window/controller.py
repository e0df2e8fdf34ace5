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

import weakref
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
    """The trained models kept across undo and redo of a step that may rebuild the model
    (a new data set, a class edit, Clear points): ``PlaygroundController.keeping_model``
    puts one on each side of the step. The first holds the model from before the step,
    the last the one the step's undo takes away; each gives its model back when the step
    returns to its side (``PlaygroundController.give_back``), with the curve and timeline
    noted when that model stopped being the current one. The one that runs before the
    points' step says a model follows (``expect_kept_model``), so that data coming back
    builds no fresh model to throw away."""

    def __init__(self, controller: PlaygroundController, last: bool = False):
        super().__init__("Keep the model")
        self._controller, self._last = controller, last
        self.model = None if last else controller.model
        self._pushed = False
        self.pair: _KeepModel | None = None  # the one on the other side of the step

    def undo(self):
        if self._last:
            self._leave()
        else:
            self._controller.give_back(self.model)

    def redo(self):
        if not self._pushed:  # push() runs redo when the step is made
            self._pushed = True
        elif self._last:
            self._controller.give_back(self.model)
        else:
            self._leave()

    def _leave(self):
        self.model = self._controller.model
        self._controller.expect_kept_model(self.pair is not None and self.pair.model is not None)


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
        #: each model's error curve and timeline (the generation the training process
        #: keeps its recording under) as they were when it stopped being the current one
        self._notes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        #: () -> {"train": errors, "test": errors} of the curve shown (set by the window):
        #: an undo that gives a trained model back gives back its curve too
        self.history_source = None
        self.points.undo_stack.indexChanged.connect(self._settle_kept_model)
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
        ``PointsRefused`` when the point set does not take them: the points and the undo
        steps stay (the redo steps go, as with any new step)."""
        def replace():
            self.points.replace_all(X, labels, names, name=undo_text or None,
                                    dataset=dataset, ids=point_ids)
        try:
            if undoable:
                with self.keeping_model(self.points.replace_text(undo_text or None, dataset)):
                    replace()
            else:
                replace()
                self.points.undo_stack.clear()
        except ValueError as exc:
            raise PointsRefused(str(exc)) from exc

    @contextmanager
    def keeping_model(self, text: str):
        """One undo step named ``text`` of the points' edits made in the block, with the
        trained models kept across its undo and redo (``_KeepModel``). A block that
        raises leaves no step: what it made is undone."""
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
            stack.endMacro()
            # What the block made is undone (its data builds no model: the one from
            # before is given back), then the step is redone as an obsolete command,
            # which QUndoStack deletes instead.
            self._in_transaction, was = True, self._in_transaction
            try:
                stack.undo()
            finally:
                self._in_transaction = was
            stack.command(stack.index()).setObsolete(True)
            stack.redo()
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

    def clear_points(self) -> None:
        """Remove every point: one undo step whose undo gives back the points and the
        network trained on them."""
        if len(self.points):
            with self.keeping_model("Clear points"):
                self.points.clear()

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
        new = spec.build()  # (_set_model stops the run, its last epochs on the curve)
        self._state = self._state.but(model=spec)
        self._set_model(new)
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(False))
        return new

    def expect_kept_model(self, coming: bool) -> None:
        """A ``_KeepModel`` gives a model back right after the points' undo or redo step."""
        self._kept_model_coming = coming

    def give_back(self, model: Model | None) -> None:
        """The end of an undo or redo kept by ``_KeepModel``: ``model`` (None: none was
        kept) is the current one again, set up with the data that came back."""
        data = self._data_waiting
        self._kept_model_coming = self._data_waiting = False
        if model is None:
            if data:  # nothing kept for the data that came back: a fresh model
                self._on_points_dataset_replaced()
        elif model is not self.trainer.model or data:
            self.restore_model(model, data)

    def _settle_kept_model(self) -> None:
        """After every undo or redo: a kept model that did not come (a step raised on
        the way) leaves nothing waiting for it."""
        if self._kept_model_coming or self._data_waiting:
            self.give_back(None)

    def restore_model(self, model: Model, data: bool = False) -> None:
        """Undo/redo of a rebuild: that model back as it was, with the error curve and
        timeline it had (``data``: the points it fits came back with it)."""
        spec, _ = self._build(model, model.n_inputs, self.points.n_classes)
        self._state = self._state.but(model=spec)
        history = self._set_model(model, given_back=True)
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(data, history))

    def _set_model(self, model: Model, given_back: bool = False) -> dict | None:
        """``model`` the current one. The one it replaces has its curve and timeline
        noted first; a model ``given_back`` takes its own back (its curve is returned)."""
        self._note_current()
        history, earlier = self._notes.get(model, (None, None)) if given_back else (None, None)
        self.trainer.set_model(model, earlier)
        self._configure_data()
        if getattr(model, "centroids", False) is None:
            # A competitive layer places its neurons on the data it first sees; do it now,
            # exactly as the first epoch would, so the neurons are drawn from epoch 0.
            X = self.data()[0]
            if len(X):
                model.initialize(X)
        return history

    def _note_current(self) -> None:
        """The current model's curve and timeline, noted as it stops being current (its
        run ended with its last epochs on the curve)."""
        current = self.trainer.model
        if current is None or self.history_source is None:
            return
        self.trainer.stop_and_wait(show_last=True)
        self._notes[current] = (self.history_source(), self.trainer.timeline_generation)

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
        self._state = self._state.but(dataset=self.points.dataset, model=spec)
        self._set_model(model)
        self.state_changed.emit(self._state)
        self.applied.emit(Applied(True))
