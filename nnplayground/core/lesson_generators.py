"""The data generators a lesson file may name (``LESSON_GENERATORS``), with the checks of
their parameters.

A lesson file comes from outside the program, so every generator checks each parameter
(ValueError or TypeError with the parameter's name) and refuses to make more than
``MAX_LESSON_VALUES`` numbers before it allocates anything. ``make_blobs_compatible``
gives scikit-learn's ``make_blobs`` points bit for bit, without scikit-learn.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .datasets import Dataset, blobs, grouped_labels

#: The most numbers (points x coordinates) a lesson may ask a generator for: a lesson file
#: comes from outside the program and must not be able to exhaust the memory.
MAX_LESSON_VALUES = 1_000_000


def _whole(value, name: str, low: int = 1) -> int:
    """``value`` as an int >= ``low``; ValueError for bools, fractions and smaller numbers."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, not {value}")
    return int(value)


def _positive(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, not {value}")
    return float(value)


def _check_budget(n_points: int, n_dims: int) -> None:
    if n_points * n_dims > MAX_LESSON_VALUES:
        raise ValueError(f"{n_points} points of {n_dims} coordinates are too many for a lesson "
                         f"(at most {MAX_LESSON_VALUES:,} numbers)")


def make_blobs_compatible(n_samples: int = 100, centers: int = 2, n_features: int = 2,
                          cluster_std: float = 1.0, center_box=(-10.0, 10.0),
                          shuffle: bool = True, random_state: int = 0) -> Dataset:
    """Gaussian blobs, bit for bit the points and labels of scikit-learn's ``make_blobs``
    called with whole numbers for ``n_samples`` and ``centers`` (no scikit-learn needed).

    It makes the same calls on a legacy ``numpy.random.RandomState(random_state)`` in the
    same order: the centres, uniform in ``center_box`` (``centers`` x ``n_features``);
    then one block of N(centre, cluster_std^2) points per centre, in centre order, each
    centre getting ``n_samples // centers`` points and the first ``n_samples % centers``
    centres one more; then, with ``shuffle``, the rows in the order of
    ``RandomState.shuffle(arange(n_samples))``. ``Dataset.centroids`` holds the centres.
    """
    n = _whole(n_samples, "n_samples")
    k = _whole(centers, "centers")
    d = _whole(n_features, "n_features")
    std = _positive(cluster_std, "cluster_std")
    low, high = (float(v) for v in center_box)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"center_box must be (low, high) with low < high, not {center_box!r}")
    _check_budget(n + k, d)
    rs = np.random.RandomState(_whole(random_state, "random_state", 0))
    C = rs.uniform(low, high, size=(k, d))
    counts = [n // k + (1 if i < n % k else 0) for i in range(k)]
    X = np.concatenate([rs.normal(loc=C[i], scale=std, size=(m, d)) for i, m in enumerate(counts)])
    y = grouped_labels(counts)
    if shuffle:
        order = np.arange(n)
        rs.shuffle(order)
        X, y = X[order], y[order]
    return Dataset(X, y, [f"blob {i + 1}" for i in range(k)], "make_blobs", centroids=C,
                   seed=int(random_state))


def integer_points_above_line(n: int = 100, low: int = 1, high: int = 99, slope: float = 1.0,
                              intercept: float = 4.0, seed: int = 0) -> Dataset:
    """``n`` points with whole-number coordinates, each uniform in ``low..high`` (both
    included, ``default_rng(seed).integers``), labelled 1 when the point lies strictly above
    the line y = slope * x + intercept (a point on the line is class 0)."""
    n = _whole(n, "n")
    lo, hi = _whole(low, "low", -10**6), _whole(high, "high", -10**6)
    if hi < lo or hi > 10**6:
        raise ValueError(f"need low <= high <= 1000000, got {lo} and {hi}")
    a, b = float(slope), float(intercept)
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValueError("the line's slope and intercept must be finite numbers")
    _check_budget(n, 2)
    X = np.random.default_rng(seed).integers(lo, hi + 1, size=(n, 2)).astype(np.float64)
    y = (X[:, 1] > a * X[:, 0] + b).astype(np.int64)
    return Dataset(X, y, ["on or below the line", "above the line"],
                   f"Points above y = {a:g} x + {b:g}", seed=seed)


def uniform_boxes(boxes, n_per_box: int = 50, seed: int = 0, class_names=None) -> Dataset:
    """Class i uniform in box i: ``boxes`` is a list of boxes, each a list of (low, high)
    per axis (all boxes with the same number of axes); ``n_per_box`` points each, grouped by
    box, drawn box after box with ``default_rng(seed).uniform``."""
    n = _whole(n_per_box, "n_per_box")
    B = np.asarray(boxes, dtype=np.float64)
    if B.ndim != 3 or B.shape[0] < 1 or B.shape[2] != 2:
        raise ValueError("boxes must be a list of boxes, each a list of [low, high] per axis")
    if not np.all(np.isfinite(B)) or not np.all(B[:, :, 0] < B[:, :, 1]):
        raise ValueError("every box needs finite limits with low < high on each axis")
    k, d = B.shape[:2]
    _check_budget(k * n, d)
    names = [f"box {i + 1}" for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(f"{k} boxes need {k} class names, got {len(names)}")
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.uniform(B[i, :, 0], B[i, :, 1], size=(n, d)) for i in range(k)])
    return Dataset(X, grouped_labels([n] * k), names, "Uniform boxes", seed=seed)


def _lesson_blobs(centroids, n_per_cluster: int = 100, sd: float = 0.8, seed: int = 0) -> Dataset:
    C = np.asarray(centroids, dtype=np.float64)
    if C.ndim != 2 or len(C) == 0 or not np.all(np.isfinite(C)):
        raise ValueError("centroids must be a non-empty table of finite numbers, one row a centre")
    n = _whole(n_per_cluster, "n_per_cluster")
    _check_budget(len(C) * n, C.shape[1])
    return blobs(C, n, _positive(sd, "sd"), seed, name="Gaussian clusters")


#: Generators a lesson may name: name -> callable(seed=..., **params) -> Dataset. Each
#: checks its parameters (ValueError/TypeError) and refuses more than MAX_LESSON_VALUES.
LESSON_GENERATORS: dict[str, Callable[..., Dataset]] = {
    "blobs": _lesson_blobs,
    "make_blobs": lambda seed=0, **params: make_blobs_compatible(random_state=seed, **params),
    "points_above_line": integer_points_above_line,
    "uniform_boxes": uniform_boxes,
}
