"""What the main window trains on, kept apart from the widgets.

``TrainingData`` turns the editable points into what a model wants (train/test split,
targets per model kind) and is read from the training thread; ``bounds_for`` picks the
canvas's fixed axes for a data set. No widgets here.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import numpy as np

from nnplayground.core.points import PointSet

#: Knuth's multiplicative hash constant: spreads consecutive point ids over [0, 2^32).
_GOLDEN = 2654435761


def held_out_mask(ids: np.ndarray, test_ratio: float, seed: int) -> np.ndarray:
    """Boolean (n,) mask of the points held out for testing.

    Decided per point id from a hash, not by shuffling: adding or moving a point never
    moves another point between the training and the test set.
    """
    ids = np.asarray(ids, dtype=np.uint64)
    if test_ratio <= 0 or ids.size == 0:
        return np.zeros(ids.shape, dtype=bool)
    mixed = (ids * np.uint64(_GOLDEN) + np.uint64(seed % 2**32) * np.uint64(40503)) % np.uint64(2**32)
    return mixed.astype(np.float64) / 2**32 < test_ratio


def targets_for(kind: str, labels: np.ndarray, n_classes: int):
    """Targets a model of ``kind`` trains on: None for unsupervised models; for a
    perceptron class 2 (index 1) against the rest; class indices otherwise."""
    if kind in ("competitive", "autoencoder"):
        return None
    if kind == "perceptron":
        return (labels == 1).astype(np.int64)
    return labels


class TrainingData:
    """Thread-safe source of ``(X_train, y_train, X_test, y_test)`` for the loop.

    Arrays are rebuilt only when the points, the split or the model kind changed.
    """

    def __init__(self, points: Callable[[], PointSet]) -> None:
        # A getter, not the set: loading 3-D data swaps in a new PointSet.
        self._get_points = points
        self._lock = threading.Lock()
        self.kind = "mlp"
        self.n_classes = 2
        self.test_ratio = 0.0
        self.split_seed = 0
        self._key: tuple | None = None
        self._cached: tuple = (np.zeros((0, 2)), None, None, None)

    def configure(self, kind: str, n_classes: int, test_ratio: float, split_seed: int) -> None:
        with self._lock:
            self.kind, self.n_classes = kind, int(n_classes)
            self.test_ratio, self.split_seed = float(test_ratio), int(split_seed)

    def __call__(self) -> tuple:
        points = self._get_points()
        version = points.version  # read first: a stale key only costs a rebuild later
        with self._lock:
            key = (points, version, self.kind, self.n_classes, self.test_ratio, self.split_seed)
            if key != self._key:
                # Copied only when something changed: this runs before every epoch.
                state = points.state()
                mask = held_out_mask(state.ids, self.test_ratio, self.split_seed)
                y = targets_for(self.kind, state.labels, self.n_classes)
                train = ~mask
                self._cached = (
                    state.X[train], None if y is None else y[train],
                    state.X[mask] if mask.any() else None,
                    None if (y is None or not mask.any()) else y[mask],
                )
                self._key = key
            return self._cached

    def split_counts(self) -> tuple[int, int]:
        X, _, X_test, _ = self()
        return len(X), 0 if X_test is None else len(X_test)


def _nice(value: float, up: bool) -> float:
    step = 0.5 if abs(value) < 3 else 1.0
    return (math.ceil if up else math.floor)(value / step) * step


def bounds_for(X: np.ndarray, axes: tuple[int, int] = (0, 1)) -> tuple[float, float, float, float]:
    """Fixed canvas bounds that show every point with a margin, square, on round numbers.

    TensorFlow Playground's data (inside +-6) gets exactly (-6, 6, -6, 6).
    """
    if X is None or len(X) == 0:
        return (-6.0, 6.0, -6.0, 6.0)
    P = np.asarray(X, dtype=float)[:, list(axes)]
    lo, hi = P.min(axis=0), P.max(axis=0)
    # Playground-sized data gets a square centred on the origin (the perceptron lessons
    # are about lines through it), with room for a point's marker at the edge.
    if np.max(hi - lo) > 6:
        for half in (6.0, 7.0):
            if np.all(lo >= -(half - 0.5)) and np.all(hi <= half - 0.5):
                return (-half, half, -half, half)
    centre = (lo + hi) / 2
    half = max(float(np.max(hi - lo)) / 2 * 1.25, 0.75)
    xmin, xmax = _nice(centre[0] - half, False), _nice(centre[0] + half, True)
    ymin, ymax = _nice(centre[1] - half, False), _nice(centre[1] + half, True)
    return (xmin, xmax, ymin, ymax)
