"""Undoable editing of a ``core.points.PointSet`` for the GUI.

Every edit is a ``QUndoCommand`` pushed on ``undo_stack``; commands name points by their
stable ids and keep exactly what their undo needs (records, old positions, full states),
so undo restores bit-for-bit. ``changed`` is emitted after every edit, undo and redo;
``classes_changed`` as well when the class names changed.

Moves merge: consecutive ``move_point`` calls for the same point (and ``move_cluster``
calls for the same class) merge into one undo step until ``end_drag()``, which the canvas
calls when the mouse is released.

The training worker reads ``point_set`` (thread-safe); only the GUI thread edits it.
A preset with another dimension (2-D <-> 3-D) swaps in a new ``PointSet`` (a set's
dimension is fixed): ``dim_changed`` tells readers to fetch ``point_set`` again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6 import QtCore, QtGui

from nnplayground.core.points import PointSet, PointState
from nnplayground.core.state import DatasetSpec

_MERGE_MOVE = 1
_MERGE_CLUSTER = 2


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Command(QtGui.QUndoCommand):
    """An edit: ``make()`` applies it to the point set before the command is pushed
    (``PointsModel._push``), so an edit the set refuses changes nothing; the ``redo()``
    that ``push`` runs then only tells the listeners (``_made``), later ones apply it
    again."""

    def __init__(self, model: PointsModel, text: str, classes: bool = False):
        super().__init__(text)
        self._model = model
        self._classes = classes
        self._made = False

    def make(self) -> None:
        raise NotImplementedError

    def make_first(self) -> None:
        """Apply the edit before ``push``: the ``redo()`` that ``push`` runs then only
        tells the listeners."""
        self.make()
        self._made = True

    def _just_made(self) -> bool:
        """True at the ``redo()`` that ``push`` runs right after ``make()``."""
        made, self._made = self._made, False
        return made

    def _notify(self) -> None:
        self._model._notify(classes=self._classes)


class _AddCommand(_Command):
    def __init__(self, model, x: np.ndarray, label: int):
        super().__init__(model, "Add point")
        self._x, self._label = x, label
        self._records = None
        self.point_id: int | None = None

    def make(self):
        self.point_id = self._model.point_set.add(self._x, self._label)

    def redo(self):
        if not self._just_made():
            self._model.point_set.insert(self._records)
        self._notify()

    def undo(self):
        self._records = self._model.point_set.remove([self.point_id])
        self._notify()


class _RemoveCommand(_Command):
    def __init__(self, model, ids: list[int]):
        n = len(ids)
        super().__init__(model, "Delete point" if n == 1 else f"Delete {n} points")
        self._ids = ids
        self._records = None

    def make(self):
        self._records = self._model.point_set.remove(self._ids)

    def redo(self):
        if not self._just_made():
            self.make()
        self._notify()

    def undo(self):
        self._model.point_set.insert(self._records)
        self._notify()


class _MoveCommand(_Command):
    """Moves ``ids`` (k,); ``old``/``new`` are their full positions (k, dim), which
    ``apply(point_set)`` returns as it moves them."""

    def __init__(self, model, text: str, merge_id: int, key, apply):
        super().__init__(model, text)
        self._merge_id, self.key, self._apply = merge_id, key, apply
        self.ids = self.old = self.new = None

    def id(self) -> int:
        return self._merge_id

    def make(self):
        self.ids, self.old, self.new = self._apply(self._model.point_set)
        self._apply = None

    def redo(self):
        if not self._just_made():
            self._model.point_set.set_positions(self.ids, self.new)
        self._notify()

    def undo(self):
        self._model.point_set.set_positions(self.ids, self.old)
        self._notify()

    def mergeWith(self, other) -> bool:
        if (not isinstance(other, _MoveCommand) or other.key != self.key
                or not np.array_equal(other.ids, self.ids)):
            return False
        self.new = other.new  # `other` has already been applied by push()
        return True


class _StateCommand(_Command):
    """Replaces the whole set (or swaps in another set when the dimension changes)."""

    def __init__(self, model, text: str, X, labels, class_names, ids=None,
                 current_after: int | None = None, dataset: DatasetSpec | None = None):
        super().__init__(model, text, classes=True)
        self._new = (X, labels, class_names, ids)
        self._dataset = (model.dataset, model.dataset if dataset is None else dataset)
        self._before_set: PointSet | None = None
        self._before: PointState | None = None
        self._after_set: PointSet | None = None
        self._after: PointState | None = None
        self._current = (model.current_class, current_after)

    def make(self):
        before = self._model.point_set
        X, labels, names, ids = self._new
        if X.shape[1] == before.dim:
            self._before = before.replace_all(X, labels, names, ids)
            self._after_set = before
        else:
            self._after_set = PointSet(X.shape[1], names)
            self._after_set.replace_all(X, labels, names, ids)
        self._before_set, self._new = before, None
        self._after = self._after_set.state()

    def redo(self):
        if not self._just_made() and self._after_set is self._before_set:
            self._after_set.restore(self._after)
        # The meta data first: handlers of the signals below read it.
        self._swap_in(self._after_set, self._dataset[1], self._current[1])

    def undo(self):
        if self._after_set is self._before_set:
            self._before_set.restore(self._before)
        self._current = (self._current[0], self._model.current_class)
        self._swap_in(self._before_set, self._dataset[0], self._current[0])

    def _swap_in(self, point_set, dataset, current) -> None:
        model = self._model
        # The data set's description first: handlers of the signals below read it.
        model.dataset = dataset
        model.replacing = True  # listeners may wait for dataset_replaced instead
        try:
            model._set_point_set(point_set)
            model._clamp_current_class(current)
            self._notify()
        finally:
            model.replacing = False
        model.dataset_replaced.emit()


class _NamesCommand(_Command):
    def __init__(self, model, text: str, names: list[str]):
        super().__init__(model, text, classes=True)
        self._new, self._old = names, model.class_names

    def make(self):
        self._model.point_set.set_class_names(self._new)

    def redo(self):
        if not self._just_made():
            self.make()
        self._model._clamp_current_class()
        self._notify()

    def undo(self):
        self._model.point_set.set_class_names(self._old)
        self._notify()


class PointsModel(QtCore.QObject):
    """Undoable edits of a PointSet; see the module docstring.

    ``point_set``: the set to edit (default: an empty 2-D set with classes
    "Class 1" and "Class 2"). Labels always lie in ``range(n_classes)``.
    """

    changed = QtCore.Signal()
    classes_changed = QtCore.Signal()
    current_class_changed = QtCore.Signal(int)
    dim_changed = QtCore.Signal(int)
    #: after a whole data set was swapped in or back (preset, undo of a preset, session):
    #: ``dataset`` (where it came from, true centres, ...) has come with it.
    dataset_replaced = QtCore.Signal()

    def __init__(self, point_set: PointSet | None = None, parent=None):
        super().__init__(parent)
        if point_set is None:
            point_set = PointSet(2, ["Class 1", "Class 2"])
        if point_set.class_names is None:
            _, y = point_set.arrays()
            n = max(2, int(y.max()) + 1 if y.size else 0)
            point_set.set_class_names([f"Class {i + 1}" for i in range(n)])
        self._ps = point_set
        self._current = 0
        self._drag_serial = 0
        #: where the points came from (preset, seed, noise, true centres, file name);
        #: travels with whole data sets through undo and redo.
        self.dataset = DatasetSpec()
        #: True while a whole data set is being swapped in: ``changed`` and
        #: ``classes_changed`` are then followed by ``dataset_replaced``.
        self.replacing = False
        self.undo_stack = QtGui.QUndoStack(self)

    # ------------------------------------------------------------------ reading
    @property
    def point_set(self) -> PointSet:
        return self._ps

    @property
    def n_dims(self) -> int:
        return self._ps.dim

    @property
    def class_names(self) -> list[str]:
        return list(self._ps.class_names or [])

    @property
    def n_classes(self) -> int:
        return len(self._ps.class_names or [])

    def __len__(self) -> int:
        return len(self._ps)

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies (ids (n,) int64, X (n, dim) float64, labels (n,) int64), consistent."""
        state = self._ps.state()
        return state.ids, state.X, state.labels

    def count_in_class(self, label: int) -> int:
        _, y = self._ps.arrays()
        return int(np.count_nonzero(y == label))

    @property
    def current_class(self) -> int:
        """The class new points get (an index into ``class_names``)."""
        return self._current

    @current_class.setter
    def current_class(self, label: int) -> None:
        label = int(label)
        self._check_label(label)
        if label != self._current:
            self._current = label
            self.current_class_changed.emit(label)

    # ------------------------------------------------------------------ point edits
    def add_point(self, x: Sequence[float], label: int | None = None) -> int:
        """Add a point x (dim,) of class ``label`` (default: the current class); its id."""
        label = self._current if label is None else int(label)
        self._check_label(label)
        x = np.asarray(x, dtype=np.float64).ravel()
        if x.shape != (self.n_dims,) or not np.all(np.isfinite(x)):
            raise ValueError(f"A point needs {self.n_dims} finite coordinates, got {x}.")
        cmd = _AddCommand(self, x, label)
        self._push(cmd)
        return cmd.point_id

    def remove_points(self, ids: Sequence[int]) -> None:
        ids = sorted({int(i) for i in ids})  # (an unknown id: KeyError, nothing changed)
        if ids:
            self._push(_RemoveCommand(self, ids))

    def move_point(self, point_id: int, values: Sequence[float],
                   axes: Sequence[int] | None = None) -> None:
        """Set coordinates ``axes`` (default: the first len(values)) of one point.

        Merges with the previous move of the same point until ``end_drag()``.
        """
        pid = int(point_id)
        values = np.asarray(values, dtype=np.float64).ravel()
        axes = self._check_axes(axes, values)

        def apply(ps):
            old = ps.move(pid, values, axes)
            new = old.copy()
            new[list(axes)] = values
            return np.array([pid]), old[None, :], new[None, :]

        self._push(_MoveCommand(
            self, "Move point", _MERGE_MOVE, (pid, self._drag_serial), apply))

    def move_cluster(self, label: int, delta: Sequence[float],
                     axes: Sequence[int] | None = None) -> None:
        """Shift every point of class ``label`` by ``delta`` along ``axes``.

        Merges with the previous shift of the same class until ``end_drag()``.
        """
        label = int(label)
        delta = np.asarray(delta, dtype=np.float64).ravel()
        axes = self._check_axes(axes, delta)
        self._push(_MoveCommand(
            self, f"Move cluster {self._name(label)}", _MERGE_CLUSTER,
            (label, self._drag_serial), lambda ps: ps.move_cluster(label, delta, axes)))

    def end_drag(self) -> None:
        """Close the current merged move: the next move is a new undo step."""
        self._drag_serial += 1

    def replace_all(self, X, labels, class_names: Sequence[str] | None = None,
                    name: str | None = None, dataset: DatasetSpec | None = None,
                    ids=None) -> None:
        """Swap in a whole data set X (n, d), labels (n,) (a preset), undoably.

        ``class_names`` None keeps the current names. ``name`` makes the undo text
        "Load <name>"; ``dataset`` says where the points came from (None: the user's
        own). A different ``d`` swaps in a new PointSet. ``ids`` (n,): the points' own
        (an opened session's, which decide its train/test split); None: fresh ones.
        """
        X = np.array(X, dtype=np.float64, ndmin=2)
        labels = np.asarray(labels).ravel()
        if class_names is None:
            class_names = self.class_names
        names = [str(c) for c in class_names]
        if (X.ndim != 2 or X.shape[1] < 1 or len(labels) != len(X) or not names
                or not np.all(np.isfinite(X))):
            raise ValueError(f"Need X (n, d) finite and n labels, got {X.shape}, {labels.shape}.")
        if labels.size and (labels.min() < 0 or labels.max() >= len(names)):
            raise ValueError(f"Labels must lie in 0..{len(names) - 1}.")
        self._push(_StateCommand(self, self.replace_text(name, dataset), X, labels,
                                           names, ids=ids, dataset=dataset or DatasetSpec()))

    @staticmethod
    def replace_text(name: str | None, dataset: DatasetSpec | None) -> str:
        """The undo text of ``replace_all`` with that ``name`` and ``dataset``."""
        what = "preset " if dataset is None or dataset.is_preset else ""
        return f"Load {what}{name}" if name else "Replace points"

    def clear(self) -> None:
        """Remove every point (one undo step); the classes stay, and what is placed next
        is the user's own data (no preset, seed or cluster centres any more)."""
        if len(self._ps):
            empty = np.zeros((0, self.n_dims))
            self._push(_StateCommand(
                self, "Clear points", empty, np.zeros(0, dtype=np.int64), self.class_names,
                dataset=DatasetSpec()))

    # ------------------------------------------------------------------ classes
    def add_class(self, name: str | None = None) -> int:
        """Append a class (undoable); returns its label."""
        names = self.class_names
        name = name or f"Class {len(names) + 1}"
        self._push(_NamesCommand(self, f"Add class {name}", [*names, name]))
        return len(names)

    def rename_class(self, label: int, name: str) -> None:
        names = self.class_names
        old = names[label]
        names[label] = str(name)
        self._push(_NamesCommand(self, f"Rename class {old} to {name}", names))

    def remove_class(self, label: int) -> None:
        """Remove a class with its points; later classes move down by one (undoable).

        Asks nothing: callers decide (``count_in_class``) whether to confirm first.
        """
        label = int(label)
        names = self.class_names
        if not 0 <= label < len(names) or len(names) <= 1:
            raise ValueError(f"Cannot remove class {label} of {len(names)}.")
        ids, X, y = self.snapshot()
        keep = y != label
        y_new = y[keep] - (y[keep] > label)
        del_names = names[:label] + names[label + 1:]
        current = self._current - 1 if self._current > label else self._current
        self._push(_StateCommand(
            self, f"Remove class {names[label]}", X[keep], y_new, del_names, ids[keep],
            current_after=current))

    # ------------------------------------------------------------------ internals
    def _push(self, command: _Command) -> None:
        """Make the edit, then push it: a ``ValueError`` from the point set (a coordinate
        beyond the canvas, a bad label) leaves the points and the undo stack as they
        were (a command whose first ``redo()`` raises inside ``push`` stays on the
        stack, broken)."""
        command.make_first()
        self.undo_stack.push(command)

    def _check_label(self, label: int) -> None:
        if not 0 <= label < self.n_classes:
            raise ValueError(f"No class {label}; there are {self.n_classes}.")

    def _check_axes(self, axes, values: np.ndarray) -> tuple[int, ...]:
        axes = tuple(range(len(values))) if axes is None else tuple(int(a) for a in axes)
        if (len(axes) != len(values) or len(set(axes)) != len(axes)
                or not all(0 <= a < self.n_dims for a in axes)):
            raise ValueError(f"Axes {axes} do not fit {len(values)} values in {self.n_dims}-D.")
        if not np.all(np.isfinite(values)):
            raise ValueError("Coordinates must be finite numbers.")
        return axes

    def _name(self, label: int) -> str:
        names = self.class_names
        return names[label] if 0 <= label < len(names) else str(label + 1)

    def _notify(self, classes: bool = False) -> None:
        if classes:
            self.classes_changed.emit()
        self.changed.emit()

    def _set_point_set(self, ps: PointSet) -> None:
        if ps is not self._ps:
            self._ps = ps
            self.dim_changed.emit(ps.dim)

    def _clamp_current_class(self, preferred: int | None = None) -> None:
        want = self._current if preferred is None else preferred
        self.current_class = min(max(want, 0), max(self.n_classes - 1, 0))
