"""The classroom data sets, the 5x4 digit font and a train/test split (the generators a
lesson file may name are in :mod:`nnplayground.core.lesson_generators`).

Every generator is seeded (``numpy.random.default_rng(seed)``) so that the same seed always
gives the same points. Labels are int64 class indices 0..k-1, points are float64 (n, d).

TensorFlow Playground's four problems (``circle``, ``xor_quadrants``, ``gaussian``,
``spiral``) follow its ``dataset.ts`` generators: same shapes, same coordinate range (about
[-6, 6]) and the same meaning of ``noise`` in [0, 0.5]. Its label +1 is our 1, its -1 our 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "Dataset", "and_gate", "or_gate", "xor_gate", "linear_split", "bias_clusters", "blobs",
    "five_clusters_3d", "FIVE_CENTROIDS_3D", "autoencoder_blobs", "circle", "xor_quadrants",
    "gaussian", "spiral", "PRESETS", "DIGIT_FONT", "digit_patterns", "noisy_digits",
    "train_test_split", "grouped_labels",
]


@dataclass
class Dataset:
    """Points with labels. ``X`` float64 (n, d); ``y`` int64 (n,) indices into
    ``class_names``; ``centroids`` (k, d) the true cluster centres when known."""

    X: np.ndarray
    y: np.ndarray
    class_names: list[str]
    name: str
    centroids: np.ndarray | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        self.X = np.asarray(self.X, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.int64)
        if self.X.ndim != 2 or self.y.shape != (self.X.shape[0],):
            raise ValueError(f"X must be (n, d) and y (n,), got {self.X.shape} and {self.y.shape}")
        if self.centroids is not None:
            self.centroids = np.asarray(self.centroids, dtype=np.float64)


def grouped_labels(counts: list[int]) -> np.ndarray:
    """Labels of points grouped by class: ``counts[0]`` zeros, then ``counts[1]`` ones..."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


# ------------------------------------------------------------------ truth tables
_INPUTS_2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def _gate(targets: list[int], name: str, seed: int | None) -> Dataset:
    return Dataset(_INPUTS_2.copy(), np.array(targets, dtype=np.int64), ["0", "1"], name, seed=seed)


def and_gate(seed: int | None = None, noise: float = 0.0) -> Dataset:
    """AND truth table: rows (0,0), (0,1), (1,0), (1,1) -> 0, 0, 0, 1. Exact; seed unused."""
    return _gate([0, 0, 0, 1], "AND", seed)


def or_gate(seed: int | None = None, noise: float = 0.0) -> Dataset:
    """OR truth table: -> 0, 1, 1, 1."""
    return _gate([0, 1, 1, 1], "OR", seed)


def xor_gate(seed: int | None = None, noise: float = 0.0) -> Dataset:
    """XOR truth table: -> 0, 1, 1, 0 (no single line separates it)."""
    return _gate([0, 1, 1, 0], "XOR (truth table)", seed)


# ------------------------------------------------------------- perceptron demos
def linear_split(n: int = 100, seed: int = 0, noise: float = 0.0) -> Dataset:
    """``n`` points uniform in [-5, 5]^2 labelled by the side of a random line.

    The line passes within 2 of the origin at a random angle; label 1 when
    ``a*x + b*y + c >= 0``. Points closer than 0.25 to the line are redrawn so a perceptron
    converges in a handful of epochs. ``centroids`` is None; the line is in the name only."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-2.0, 2.0)
    X = np.empty((0, 2))
    while len(X) < n:
        cand = rng.uniform(-5.0, 5.0, size=(n, 2))
        keep = np.abs(cand @ normal + offset) >= 0.25
        X = np.vstack([X, cand[keep]])
    X = X[:n]
    y = (X @ normal + offset >= 0).astype(np.int64)
    return Dataset(X, y, ["below", "above"], "Line", seed=seed)


def bias_clusters(n: int = 50, seed: int = 0, noise: float = 0.0) -> Dataset:
    """The "you need a bias" data: ``n`` points per class (2n in all).

    Class 0 is uniform in the square [-1, 1]^2 around the origin, class 1 uniform in the
    square [-6, -3] x [3, 6] far up-left. The origin lies strictly inside the convex hull of
    class 0 (guaranteed: a draw where it does not is redrawn), so class 0 has points strictly
    on both sides of *every* line through the origin and no perceptron without a bias can
    separate the classes. With a bias, ``-x + y - 4 = 0`` separates them with margin 2/sqrt(2)
    (class 1 has ``-x + y - 4 >= 2``, class 0 ``<= -2``)."""
    rng = np.random.default_rng(seed)
    while True:
        inner = rng.uniform(-1.0, 1.0, size=(n, 2))
        if _origin_inside_hull(inner):
            break
    outer = rng.uniform([-6.0, 3.0], [-3.0, 6.0], size=(n, 2))
    return Dataset(np.vstack([inner, outer]), grouped_labels([n, n]), ["near origin", "up-left"],
                   "Needs a bias", seed=seed)


def _origin_inside_hull(P: np.ndarray) -> bool:
    """True when the origin is strictly inside the convex hull of the points (n, 2): the
    largest angular gap between the points, seen from the origin, is below pi."""
    if len(P) < 3 or np.any(np.all(P == 0.0, axis=1)):
        return False
    ang = np.sort(np.arctan2(P[:, 1], P[:, 0]))
    gaps = np.diff(np.concatenate([ang, ang[:1] + 2.0 * np.pi]))
    return bool(gaps.max() < np.pi)


# ------------------------------------------------------------------------ blobs
FIVE_CENTROIDS_3D = np.array(
    [[1, 2, 1], [2, 5, 2], [-3, 3, 0], [5, -1, -1], [-2, -2, -2]], dtype=np.float64
)


def blobs(centroids, n_per_cluster: int = 100, sd: float = 0.8, seed: int = 0,
          name: str = "Blobs") -> Dataset:
    """Gaussian blobs: ``n_per_cluster`` points N(centroid, sd^2 I) around each row of
    ``centroids`` (k, d), d = 2 or 3 (any d works). Points are grouped by cluster, label i for
    cluster i; ``Dataset.centroids`` holds the true centres."""
    C = np.asarray(centroids, dtype=np.float64)
    if C.ndim != 2 or len(C) == 0:
        raise ValueError(f"centroids must be a (k, d) table, got shape {C.shape}")
    rng = np.random.default_rng(seed)
    X = np.repeat(C, n_per_cluster, axis=0) + rng.normal(0.0, sd, size=(len(C) * n_per_cluster, C.shape[1]))
    return Dataset(X, grouped_labels([n_per_cluster] * len(C)), [f"cluster {i + 1}" for i in range(len(C))],
                   name, centroids=C.copy(), seed=seed)


def five_clusters_3d(n_per_cluster: int = 100, sd: float = 0.8, seed: int = 0,
                     noise: float = 0.0) -> Dataset:
    """The competitive-layer demo: blobs around ``FIVE_CENTROIDS_3D`` ((1,2,1), (2,5,2),
    (-3,3,0), (5,-1,-1), (-2,-2,-2)), 500 points by default."""
    return blobs(FIVE_CENTROIDS_3D, n_per_cluster, sd, seed, name="Five 3-D clusters")


def autoencoder_blobs(n: int = 200, seed: int = 0, noise: float = 0.0) -> Dataset:
    """Two Gaussian blobs in 4-D, ``n`` points in all (n // 2 per blob, the rest in blob 1).

    Centres (-6, 4, -8, 2) and (6, -4, 8, -2), sd 1.5 per axis: values range over roughly
    +-10, so a model that does not standardise its inputs is at a visible disadvantage, and a
    2-D code separates the blobs easily."""
    rng = np.random.default_rng(seed)
    C = np.array([[-6.0, 4.0, -8.0, 2.0], [6.0, -4.0, 8.0, -2.0]])
    counts = [n // 2, n - n // 2]
    X = np.repeat(C, counts, axis=0) + rng.normal(0.0, 1.5, size=(n, 4))
    return Dataset(X, grouped_labels(counts), ["blob A", "blob B"], "Two blobs (autoencoder)",
                   centroids=C, seed=seed)


# ------------------------------------------------------- TensorFlow Playground's four
def _halves(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def circle(n: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Class 1 inside radius 2.5, class 0 in the ring 3.5..5 (TF Playground "circle").

    As in TF Playground the noise does not move the points: it moves the point used to
    decide the label by uniform(-5, 5) * noise per axis, so noise mislabels points near the
    boundary."""
    rng = np.random.default_rng(seed)
    radius = 5.0
    n_in, n_out = _halves(n)
    r = np.concatenate([rng.uniform(0.0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)])
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    shifted = X + rng.uniform(-radius, radius, size=(n, 2)) * noise
    y = (np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5).astype(np.int64)
    return Dataset(X, y, ["outside", "inside"], "Circle", seed=seed)


def xor_quadrants(n: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Uniform points in [-5.3, 5.3]^2 kept 0.3 off the axes; label 1 where x*y >= 0 (TF
    Playground "xor"). Noise shifts the point used for the label by uniform(-5, 5) * noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5.0, 5.0, size=(n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    shifted = X + rng.uniform(-5.0, 5.0, size=(n, 2)) * noise
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)
    return Dataset(X, y, ["odd quadrants", "even quadrants"], "XOR", seed=seed)


def gaussian(n: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Two Gaussians around (2, 2) (class 1) and (-2, -2) (class 0) (TF Playground "gauss").
    Their variance grows linearly from 0.5 at noise 0 to 4 at noise 0.5."""
    rng = np.random.default_rng(seed)
    variance = 0.5 + (4.0 - 0.5) * (noise / 0.5)
    sd = np.sqrt(variance)
    n1, n0 = _halves(n)
    X = np.vstack([rng.normal(2.0, sd, size=(n1, 2)), rng.normal(-2.0, sd, size=(n0, 2))])
    y = np.concatenate([np.ones(n1, np.int64), np.zeros(n0, np.int64)])
    return Dataset(X, y, ["lower left", "upper right"], "Gaussian", seed=seed)


def spiral(n: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Two interleaved spiral arms of radius 0..5 turning 1.75 times (TF Playground
    "spiral"); class 1 starts at angle 0, class 0 at pi. Noise adds uniform(-1, 1) * noise
    to each coordinate."""
    rng = np.random.default_rng(seed)
    parts = []
    for count, delta in zip(_halves(n), (0.0, np.pi)):
        i = np.arange(count, dtype=np.float64)
        r = i / count * 5.0
        t = 1.75 * i / count * 2.0 * np.pi + delta
        pts = np.column_stack([r * np.sin(t), r * np.cos(t)])
        parts.append(pts + rng.uniform(-1.0, 1.0, size=(count, 2)) * noise)
    n1, n0 = _halves(n)
    y = np.concatenate([np.ones(n1, np.int64), np.zeros(n0, np.int64)])
    return Dataset(np.vstack(parts), y, ["arm A", "arm B"], "Spiral", seed=seed)


#: Human-readable name -> callable(seed=..., noise=...) -> Dataset (menu order).
PRESETS: dict[str, Callable[..., Dataset]] = {
    "AND": lambda seed=0, noise=0.0: and_gate(seed=seed),
    "OR": lambda seed=0, noise=0.0: or_gate(seed=seed),
    "XOR (truth table)": lambda seed=0, noise=0.0: xor_gate(seed=seed),
    "Line": lambda seed=0, noise=0.0: linear_split(seed=seed),
    "Needs a bias": lambda seed=0, noise=0.0: bias_clusters(seed=seed),
    "Circle": lambda seed=0, noise=0.0: circle(noise=noise, seed=seed),
    "XOR": lambda seed=0, noise=0.0: xor_quadrants(noise=noise, seed=seed),
    "Gaussian": lambda seed=0, noise=0.0: gaussian(noise=noise, seed=seed),
    "Spiral": lambda seed=0, noise=0.0: spiral(noise=noise, seed=seed),
    "Five 3-D clusters": lambda seed=0, noise=0.0: five_clusters_3d(seed=seed),
    "Two blobs (autoencoder)": lambda seed=0, noise=0.0: autoencoder_blobs(seed=seed),
}


# ------------------------------------------------------------------- digit font
def _glyph(rows: str) -> np.ndarray:
    return np.array([[int(c) for c in row] for row in rows.split()], dtype=np.int64)


#: Digit -> (5, 4) int array of 0/1, 5 rows of 4 pixels. 0 to 3 are the classic textbook
#: patterns; 4 to 9 are ours. Every pair differs in at least 3 pixels.
DIGIT_FONT: dict[int, np.ndarray] = {
    0: _glyph("0110 1001 1001 1001 0110"),
    1: _glyph("0010 0010 0010 0010 0010"),
    2: _glyph("0110 1001 0010 0100 1111"),
    3: _glyph("1111 0001 0111 0001 1111"),
    4: _glyph("1001 1001 1111 0001 0001"),
    5: _glyph("1111 1000 1110 0001 1110"),
    6: _glyph("0111 1000 1110 1001 0110"),
    7: _glyph("1111 0001 0010 0100 0100"),
    8: _glyph("0110 1001 0110 1001 0110"),
    9: _glyph("0110 1001 0111 0001 1110"),
}
for _g in DIGIT_FONT.values():
    _g.flags.writeable = False  # a shared constant: nobody may draw on it by accident


def digit_patterns() -> np.ndarray:
    """(10, 20) float64: row d is digit d's glyph flattened row by row (pixel r*4 + c)."""
    return np.array([DIGIT_FONT[d].ravel() for d in range(10)], dtype=np.float64)


def noisy_digits(n_copies: int = 10, flips: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n_copies`` copies of each digit with exactly ``flips`` distinct pixels inverted.

    Returns X (10 * n_copies, 20) float64 of 0/1 and y (10 * n_copies,) int64, grouped by
    digit (copies of 0 first)."""
    if not 0 <= flips <= 20:
        raise ValueError(f"flips must be between 0 and 20, got {flips}")
    rng = np.random.default_rng(seed)
    base = digit_patterns()
    X = np.repeat(base, n_copies, axis=0)
    for row in X:
        idx = rng.choice(20, size=flips, replace=False)
        row[idx] = 1.0 - row[idx]
    y = np.repeat(np.arange(10, dtype=np.int64), n_copies)
    return X, y


# ---------------------------------------------------------------- train/test split
def train_test_split(X, y=None, test_ratio: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train_idx, test_idx), both sorted int64 arrays, together a partition of
    range(n).

    With labels ``y`` the split is stratified: each class contributes round(ratio * count)
    test points, then the test set is topped up or trimmed at random to round(ratio * n).
    ``test_ratio`` must be in [0, 1); ratio 0 gives an empty test set."""
    ratio = float(test_ratio)
    if not np.isfinite(ratio) or not 0.0 <= ratio < 1.0:
        raise ValueError(f"test ratio must be at least 0 and below 1 (e.g. 0.2 for 20 %), got {test_ratio}")
    n = len(X)
    if y is not None and len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)} labels")
    rng = np.random.default_rng(seed)
    n_test = int(round(ratio * n))
    if y is None:
        test = rng.permutation(n)[:n_test]
    else:
        labels = np.asarray(y)
        chosen = []
        for cls in np.unique(labels):
            members = np.flatnonzero(labels == cls)
            chosen.append(rng.permutation(members)[: int(round(ratio * len(members)))])
        test = np.concatenate(chosen) if chosen else np.empty(0, np.int64)
        if len(test) > n_test:
            test = rng.permutation(test)[:n_test]
        elif len(test) < n_test:
            rest = np.setdiff1d(np.arange(n), test)
            test = np.concatenate([test, rng.permutation(rest)[: n_test - len(test)]])
    test = np.sort(test.astype(np.int64))
    mask = np.ones(n, dtype=bool)
    mask[test] = False
    return np.flatnonzero(mask).astype(np.int64), test
