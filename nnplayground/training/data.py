"""What the main window trains on, kept apart from the widgets.

``TrainingData`` turns copies of the points into what a model wants (train/test split,
targets per model kind) and is read from the training thread; ``bounds_for`` picks the
canvas's fixed axes for a data set. No widgets here.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from nnplayground.core.points import PointState
from nnplayground.core.state import SplitSpec

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

    The GUI sends it data, it never reads the GUI's objects: ``set_points`` takes a copy
    of the points (a ``PointState`` nobody changes afterwards) and ``configure`` the model
    kind, class count and split. This is the seam a training process will sit behind:
    both calls are plain values that could as well travel through a pipe. Arrays are
    rebuilt only when one of them changed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._points = PointState(np.zeros((0, 2)), np.zeros(0, np.int64), np.zeros(0, np.int64),
                                  None, 0)
        self._setup: tuple = ("mlp", 2, SplitSpec())
        self._serial = 0  # grows with every change
        self._built_for = -1
        self._cached: tuple = (np.zeros((0, 2)), None, None, None)

    def set_points(self, points: PointState) -> None:
        with self._lock:
            self._points = points
            self._serial += 1

    def configure(self, kind: str, n_classes: int, split: SplitSpec) -> None:
        setup = (str(kind), int(n_classes), split)
        with self._lock:
            if setup != self._setup:
                self._setup = setup
                self._serial += 1

    @property
    def points(self) -> PointState:
        """The latest points sent (all of them, held-out ones included)."""
        with self._lock:
            return self._points

    def __call__(self) -> tuple:
        with self._lock:
            if self._built_for != self._serial:
                # Rebuilt only when something changed: this runs before every epoch.
                kind, n_classes, split = self._setup
                state = self._points
                mask = held_out_mask(state.ids, split.test_ratio, split.seed)
                y = targets_for(kind, state.labels, n_classes)
                train = ~mask
                self._cached = (
                    state.X[train], None if y is None else y[train],
                    state.X[mask] if mask.any() else None,
                    None if (y is None or not mask.any()) else y[mask],
                )
                self._built_for = self._serial
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
