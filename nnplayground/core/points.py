"""The editable point set shared by the canvas (GUI thread) and the training worker.

Pure Python/NumPy. Every point has a stable integer id, never reused within a set, so
undo commands can name points even after others were added or removed. All methods take
one lock, so the worker's ``arrays()`` / ``snapshot()`` always sees a consistent set
while the GUI edits; ``version`` grows by one with every change, so a reader can tell
cheaply whether anything changed since its last look.

Every edit returns what its undo needs: ``remove`` and ``clear`` return ``PointRecord``s
for ``insert``; ``move`` and ``set_label`` return the old value; ``move_cluster`` returns
the ids and their old coordinates for ``set_positions``; ``state()`` / ``restore()``
cover ``replace_all``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .limits import MAX_COORDINATE


@dataclass(frozen=True)
class PointRecord:
    """A removed point: its id, its position (row index) when removed, x (d,), label."""

    id: int
    index: int
    x: np.ndarray
    label: int


@dataclass(frozen=True)
class PointState:
    """A full copy of a set: X (n, d), labels (n,), ids (n,), class names, next id."""

    X: np.ndarray
    labels: np.ndarray
    ids: np.ndarray
    class_names: list[str] | None
    next_id: int


class PointSet:
    """Points X (n, dim) float64 with labels (n,) int64 and ids (n,) int64.

    ``dim`` (usually 2 or 3) is fixed for the life of the set. When ``class_names`` is
    given, labels must lie in ``range(len(class_names))``; otherwise any label >= 0.
    """

    def __init__(self, dim: int = 2, class_names: Sequence[str] | None = None,
                 X: Any = None, labels: Any = None) -> None:
        if int(dim) < 1:
            raise ValueError(f"A point set needs at least one coordinate, not {dim}.")
        self._dim = int(dim)
        self._lock = threading.RLock()
        self._X = np.zeros((0, self._dim))
        self._y = np.zeros(0, dtype=np.int64)
        self._ids = np.zeros(0, dtype=np.int64)
        self._class_names = None if class_names is None else [str(c) for c in class_names]
        self._next_id = 0
        self._version = 0
        if X is not None:
            self.add_many(X, labels)

    # ------------------------------------------------------------------- reading
    @property
    def dim(self) -> int:
        return self._dim

    @property
    def version(self) -> int:
        """Incremented by every change."""
        return self._version

    @property
    def class_names(self) -> list[str] | None:
        with self._lock:
            return None if self._class_names is None else list(self._class_names)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> np.ndarray:
        """Copy of the ids (n,), in row order."""
        with self._lock:
            return self._ids.copy()

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies (X (n, dim) float64, labels (n,) int64), taken under the lock."""
        with self._lock:
            return self._X.copy(), self._y.copy()

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, int]:
        """Like ``arrays()`` plus the version they belong to, all taken atomically."""
        with self._lock:
            return self._X.copy(), self._y.copy(), self._version

    def get(self, point_id: int) -> tuple[np.ndarray, int]:
        """(x (dim,) copy, label) of one point; KeyError for an unknown id."""
        with self._lock:
            i = self._index(point_id)
            return self._X[i].copy(), int(self._y[i])

    def centroid(self, label: int) -> np.ndarray | None:
        """Mean (dim,) of the points with ``label``, or None when there are none."""
        with self._lock:
            mask = self._y == label
            return self._X[mask].mean(axis=0) if mask.any() else None

    def nearest(self, point: Sequence[float], max_dist: float = np.inf,
                scale: Sequence[float] | float = 1.0, axes: Sequence[int] | None = None
                ) -> int | None:
        """Id of the point closest to ``point``, or None if none is within ``max_dist``.

        ``axes`` picks the coordinates compared (default: the first ``len(point)``), so
        a click on a 2-D projection of 3-D data passes ``axes=(0, 2)`` and two values.
        Distances are measured in units of ``scale`` per axis: pass the data size of one
        pixel along each screen axis and ``max_dist`` in pixels for hit-testing in a view
        whose x and y scales differ. Ties go to the later point, the one drawn on top.
        """
        p = np.asarray(point, dtype=np.float64).ravel()
        axes = self._axes(axes, len(p))
        s = np.broadcast_to(np.asarray(scale, dtype=np.float64), p.shape)
        if np.any(s <= 0):
            raise ValueError("The scale of every axis must be positive.")
        with self._lock:
            if not len(self._ids):
                return None
            d2 = np.sum(((self._X[:, axes] - p) / s) ** 2, axis=1)
            i = len(d2) - 1 - int(np.argmin(d2[::-1]))
            if d2[i] > float(max_dist) ** 2:
                return None
            return int(self._ids[i])

    # ------------------------------------------------------------------- editing
    def add(self, x: Sequence[float], label: int) -> int:
        """Append one point (x (dim,)); returns its new id."""
        return int(self.add_many(np.asarray(x, dtype=np.float64).reshape(1, -1), [label])[0])

    def add_many(self, X: Any, labels: Any) -> np.ndarray:
        """Append points X (k, dim) with labels (k,); returns their ids (k,)."""
        X = self._check_X(X)
        y = self._check_labels(labels, len(X))
        with self._lock:
            self._check_label_range(y)
            new_ids = np.arange(self._next_id, self._next_id + len(X), dtype=np.int64)
            self._next_id += len(X)
            self._X = np.concatenate([self._X, X])
            self._y = np.concatenate([self._y, y])
            self._ids = np.concatenate([self._ids, new_ids])
            self._version += 1
            return new_ids

    def remove(self, ids: Iterable[int]) -> list[PointRecord]:
        """Remove points by id; returns their records sorted by row index (ascending),
        which is the order ``insert`` needs to put them back where they were."""
        with self._lock:
            idx = sorted({self._index(i) for i in ids})
            records = [PointRecord(int(self._ids[i]), i, self._X[i].copy(), int(self._y[i]))
                       for i in idx]
            if idx:
                keep = np.ones(len(self._ids), dtype=bool)
                keep[idx] = False
                self._X, self._y, self._ids = self._X[keep], self._y[keep], self._ids[keep]
                self._version += 1
            return records

    def insert(self, records: Iterable[PointRecord]) -> None:
        """Put removed points back with their ids at their old row indices (undo of
        ``remove``/``clear``). Records must come in ascending index order."""
        records = list(records)
        with self._lock:
            for rec in records:
                if np.any(self._ids == rec.id):
                    raise ValueError(f"Point {rec.id} is already in the set.")
                x = self._check_X(np.asarray(rec.x).reshape(1, -1))
                y = self._check_labels([rec.label], 1)
                self._check_label_range(y)
                i = min(max(int(rec.index), 0), len(self._ids))
                self._X = np.insert(self._X, i, x[0], axis=0)
                self._y = np.insert(self._y, i, y[0])
                self._ids = np.insert(self._ids, i, rec.id)
                self._next_id = max(self._next_id, rec.id + 1)
            if records:
                self._version += 1

    def move(self, point_id: int, values: Sequence[float],
             axes: Sequence[int] | None = None) -> np.ndarray:
        """Set the coordinates ``axes`` (default: the first ``len(values)``) of one point;
        the others stay (editing 3-D data in a 2-D projection). Returns the old x (dim,)."""
        v = np.asarray(values, dtype=np.float64).ravel()
        axes = self._axes(axes, len(v))
        if not np.all(np.isfinite(v)):
            raise ValueError("Coordinates must be finite numbers.")
        check_within_canvas(v)
        with self._lock:
            i = self._index(point_id)
            old = self._X[i].copy()
            self._X[i, axes] = v
            self._version += 1
            return old

    def set_positions(self, ids: Sequence[int], X: Any) -> None:
        """Set full coordinates X (k, dim) of the points ``ids`` (undo of moves)."""
        X = self._check_X(X)
        with self._lock:
            idx = [self._index(i) for i in ids]
            if len(idx) != len(X):
                raise ValueError(f"{len(idx)} ids but {len(X)} positions.")
            self._X[idx] = X
            self._version += 1

    def move_cluster(self, label: int, delta: Sequence[float],
                     axes: Sequence[int] | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Shift every point of class ``label`` by ``delta`` along ``axes``.

        Returns (ids (k,), old X (k, dim), new X (k, dim)) so an undo restores the exact
        old positions with ``set_positions`` (x + d - d is not always x in floating
        point), and a redo the new ones.
        """
        d = np.asarray(delta, dtype=np.float64).ravel()
        axes = self._axes(axes, len(d))
        if not np.all(np.isfinite(d)):
            raise ValueError("The shift must be finite numbers.")
        with self._lock:
            mask = self._y == label
            ids, old = self._ids[mask].copy(), self._X[mask].copy()
            rows = np.flatnonzero(mask)
            moved = self._X[np.ix_(rows, axes)] + d
            check_within_canvas(moved)
            self._X[np.ix_(rows, axes)] = moved
            self._version += 1
            return ids, old, self._X[rows]

    def set_label(self, point_id: int, label: int) -> int:
        """Change one point's class; returns the old label."""
        y = self._check_labels([label], 1)
        with self._lock:
            self._check_label_range(y)
            i = self._index(point_id)
            old = int(self._y[i])
            self._y[i] = y[0]
            self._version += 1
            return old

    def clear(self) -> list[PointRecord]:
        """Remove every point; returns the records for ``insert``."""
        with self._lock:
            return self.remove(self._ids.tolist())

    def replace_all(self, X: Any, labels: Any, class_names: Sequence[str] | None = None,
                    ids: Any = None) -> PointState:
        """Swap in a whole new data set (a preset); returns the previous ``state()``.

        New points get fresh ids unless ``ids`` (k,) is given. ``class_names`` None keeps
        the current names.
        """
        X = self._check_X(X)
        y = self._check_labels(labels, len(X))
        with self._lock:
            previous = self.state()
            names = self._class_names if class_names is None else [str(c) for c in class_names]
            if names is not None and y.size and (y.max() >= len(names)):
                raise ValueError(f"Label {int(y.max())} but only {len(names)} classes.")
            if ids is None:
                ids = np.arange(self._next_id, self._next_id + len(X), dtype=np.int64)
            ids = np.asarray(ids, dtype=np.int64).ravel()
            if not ids_fit(ids, len(X)):
                raise ValueError("Need one distinct id per point.")
            self._X, self._y, self._ids = X, y, ids.copy()
            self._class_names = names
            self._next_id = max(self._next_id, int(ids.max()) + 1 if len(ids) else 0)
            self._version += 1
            return previous

    def state(self) -> PointState:
        """A full copy of the set (for undoing ``replace_all``)."""
        with self._lock:
            return PointState(self._X.copy(), self._y.copy(), self._ids.copy(),
                              self.class_names, self._next_id)

    def restore(self, state: PointState) -> None:
        """Return exactly to ``state`` (ids included)."""
        with self._lock:
            self.replace_all(state.X, state.labels, state.class_names, state.ids)
            self._next_id = max(self._next_id, state.next_id)

    # ------------------------------------------------------------------- classes
    def set_class_names(self, names: Sequence[str] | None) -> None:
        """Rename/extend/shrink the classes; every current label must stay in range."""
        with self._lock:
            names = None if names is None else [str(c) for c in names]
            if names is not None and self._y.size and self._y.max() >= len(names):
                raise ValueError(
                    f"Points use label {int(self._y.max())}; {len(names)} classes are too few."
                )
            self._class_names = names
            self._version += 1

    def add_class(self, name: str) -> int:
        """Append a class; returns its label."""
        with self._lock:
            names = self._class_names or []
            self.set_class_names([*names, name])
            return len(names)

    # ------------------------------------------------------------------- helpers
    def _index(self, point_id: int) -> int:
        hits = np.flatnonzero(self._ids == int(point_id))
        if not len(hits):
            raise KeyError(f"No point with id {point_id}.")
        return int(hits[0])

    def _axes(self, axes: Sequence[int] | None, n: int) -> list[int]:
        axes = list(range(n)) if axes is None else [int(a) for a in axes]
        if len(axes) != n or len(set(axes)) != n or any(a < 0 or a >= self._dim for a in axes):
            raise ValueError(
                f"Axes {axes} do not fit {n} value(s) on a set of dimension {self._dim}."
            )
        return axes

    def _check_X(self, X: Any) -> np.ndarray:
        X = np.array(X, dtype=np.float64, ndmin=2)
        if X.size == 0:
            X = X.reshape(0, self._dim)
        if X.ndim != 2 or X.shape[1] != self._dim:
            raise ValueError(f"Points need {self._dim} coordinates each, got shape {X.shape}.")
        if not np.all(np.isfinite(X)):
            raise ValueError("Coordinates must be finite numbers.")
        check_within_canvas(X)
        return X

    def _check_labels(self, labels: Any, n: int) -> np.ndarray:
        y = np.asarray(labels if labels is not None else np.zeros(n), dtype=np.float64).ravel()
        if len(y) != n:
            raise ValueError(f"{n} points but {len(y)} labels.")
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)) or np.any(y < 0):
            raise ValueError("Labels must be whole numbers >= 0.")
        return y.astype(np.int64)

    def _check_label_range(self, y: np.ndarray) -> None:
        if self._class_names is not None and y.size and y.max() >= len(self._class_names):
            raise ValueError(
                f"Label {int(y.max())} but there are only {len(self._class_names)} classes."
            )


def ids_fit(ids: Any, n: int) -> bool:
    """``ids`` are one distinct whole number in [0, 2**53) for each of ``n`` points (a
    file's are checked with this before anything changes)."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or len(ids) != n or (len(ids) and ids.dtype.kind not in "iu"):
        return False
    ordered = np.sort(ids)  # (np.unique imports numpy.ma: 20-25 ms of the launch)
    return not len(ids) or (ordered[0] >= 0 and ordered[-1] < 2**53
                            and not bool((ordered[1:] == ordered[:-1]).any()))


def check_within_canvas(X: Any) -> None:
    """ValueError unless every coordinate is one a session can hold and the canvas draw
    (``limits.MAX_COORDINATE``): a cluster centre typed as 1e12 moved the points there,
    and no Save could keep them."""
    X = np.asarray(X, dtype=np.float64)
    if X.size and float(np.max(np.abs(X))) > MAX_COORDINATE:
        raise ValueError(f"Coordinates stay within \u00b1{MAX_COORDINATE:g}, the largest the "
                         f"canvas draws.")
