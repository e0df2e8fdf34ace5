"""Pure maths the views need (grids, decision surfaces, region maps, colours).

Computed in the worker thread, drawn by the GUI thread; no Qt here. The GUI thread only
hands the arrays of a :class:`ViewData` to ``setData``/``setImage``.

Conventions
-----------
* ``bounds`` / ``box`` is ``(xmin, xmax, ymin, ymax)`` in data units of the two shown axes.
* A grid of resolution ``r`` samples the *centres* of ``r x r`` equal cells, so an image
  of shape (r, r) stretched over ``bounds`` puts every pixel exactly over its sample.
* Images are row-major: ``surface[j, i]`` is the value at ``(xs[i], ys[j])``; row 0 is
  ``ymin`` (draw with ``ImageItem(axisOrder="row-major")`` and ``setRect``).
* Data with more than two inputs (3-D clusters) is shown on the plane of ``axes``; the
  hidden coordinates of every grid point are set to the mean of ``X`` along them, so the
  map is the slice of the model through the middle of the data.
* Colours live in :mod:`nnplayground.core.palette`, the 3-D camera framing in
  :mod:`nnplayground.core.camera`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

import numpy as np

from nnplayground.core.palette import (
    classes_rgba,
    neuron_colors,
    surface_rgba,
)
from nnplayground.core.perceptron import line_in_box

#: Length of the perceptron's weight arrow as a fraction of the smaller box side.
ARROW_FRACTION = 0.15


# --------------------------------------------------------------------------- grids
def grid(bounds: Sequence[float], resolution: int = 100):
    """Cell-centre sample grid over ``bounds``.

    Returns ``xs`` (r,), ``ys`` (r,) and ``points`` (r*r, 2) ordered so that
    ``values.reshape(r, r)[j, i]`` belongs to ``(xs[i], ys[j])``.
    """
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    r = int(resolution)
    if r < 1:
        raise ValueError("resolution must be at least 1")
    xs = xmin + (np.arange(r) + 0.5) * ((xmax - xmin) / r)
    ys = ymin + (np.arange(r) + 0.5) * ((ymax - ymin) / r)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


@lru_cache(maxsize=8)
def _shared_grid(bounds: tuple[float, ...], resolution: int):
    """``grid`` for ``view_data``: the same canvas box comes back 30 times a second, so
    the arrays are built once and shared (read-only, so no caller can spoil the cache)."""
    out = grid(bounds, resolution)
    for a in out:
        a.setflags(write=False)
    return out


def lift(points2: np.ndarray, n_inputs: int, axes=(0, 1), X: np.ndarray | None = None) -> np.ndarray:
    """Embed (m, 2) plane points into (m, n_inputs): the shown ``axes`` take the points,
    the hidden coordinates the mean of ``X`` (0 when there is no data)."""
    fill = np.zeros(n_inputs)
    if X is not None and len(X) and X.shape[1] == n_inputs:
        fill = X.mean(axis=0)
    full = np.tile(fill, (len(points2), 1))
    full[:, axes[0]] = points2[:, 0]
    full[:, axes[1]] = points2[:, 1]
    return full


# --------------------------------------------------------------------------- lines
def weight_arrow(w2: np.ndarray, line, box) -> np.ndarray | None:
    """(2, 2) [start, tip] of the weight-vector arrow.

    Drawn from the midpoint of the visible decision line, pointing along ``w`` (towards
    the side classified 1), with a fixed length. The midpoint keeps the arrow on screen
    even when the origin is not, and shows that ``w`` is perpendicular to the line; the
    fixed length avoids suggesting that ``|w|`` moves the line (only ``b/|w|`` does).
    """
    norm = float(np.hypot(w2[0], w2[1]))
    if line is None or not np.isfinite(norm) or norm == 0:
        return None
    start = (np.asarray(line[0], float) + np.asarray(line[1], float)) / 2
    length = ARROW_FRACTION * min(box[1] - box[0], box[3] - box[2])
    return np.array([start, start + length * np.asarray(w2, float) / norm])


def contour_segments(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Marching squares: (2m, 2) end points of m segments (consecutive pairs) where the
    grid values ``Z`` (len(ys), len(xs)) cross ``level``; draw with ``connect="pairs"``.

    Only the cells the level passes through are interpolated (a few hundred of a 100 x 100
    grid), which keeps this cheap enough to run for every snapshot.
    """
    Z = np.asarray(Z, dtype=np.float64)
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    high = Z >= level  # NaN counts as low, as a comparison with NaN is False
    k_b = high[:-1, :-1] != high[:-1, 1:]
    k_r = high[:-1, 1:] != high[1:, 1:]
    k_t = high[1:, :-1] != high[1:, 1:]
    k_l = high[:-1, :-1] != high[1:, :-1]
    j, i = np.nonzero(k_b | k_r | k_t | k_l)  # row-major, like boolean-mask indexing
    if len(j) == 0:
        return np.empty((0, 2))
    a, b, c, d = Z[j, i], Z[j, i + 1], Z[j + 1, i + 1], Z[j + 1, i]  # bl, br, tr, tl
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[j], ys[j + 1]
    cross = np.stack([k_b[j, i], k_r[j, i], k_t[j, i], k_l[j, i]], axis=1)  # (m, 4)

    def edge(v1, v2, k, p1, p2):
        with np.errstate(all="ignore"):
            t = np.where(k, (level - v1) / np.where(k, v2 - v1, 1.0), np.nan)
        return np.stack([p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])], axis=-1)

    edges = np.stack([
        edge(a, b, cross[:, 0], (x0, y0), (x1, y0)),
        edge(b, c, cross[:, 1], (x1, y0), (x1, y1)),
        edge(d, c, cross[:, 2], (x0, y1), (x1, y1)),
        edge(a, d, cross[:, 3], (x0, y0), (x0, y1)),
    ], axis=1)  # (m, 4, 2)
    count = cross.sum(axis=1)

    segs = []
    two = count == 2
    if two.any():
        idx = np.argsort(~cross[two], axis=1, kind="stable")[:, :2]
        e = edges[two]
        segs.append(np.stack([e[np.arange(len(e)), idx[:, 0]], e[np.arange(len(e)), idx[:, 1]]], 1))
    four = count == 4
    if four.any():  # saddle: the centre value decides which corners are joined
        e = edges[four]
        centre_high = ((a + b + c + d)[four] / 4) >= level
        a_high = a[four] >= level
        join_a = (centre_high == a_high)[:, None, None]  # a's side passes through the centre
        s1 = np.where(join_a, e[:, [0, 1]], e[:, [0, 3]])
        s2 = np.where(join_a, e[:, [2, 3]], e[:, [1, 2]])
        segs += [s1, s2]
    if not segs:
        return np.empty((0, 2))
    return np.concatenate(segs).reshape(-1, 2)


# --------------------------------------------------------------------------- regions
def region_boundaries(xs: np.ndarray, ys: np.ndarray, sq_dist: np.ndarray) -> np.ndarray:
    """(2m, 2) end points (``connect="pairs"``) of the boundaries between the regions
    the neurons win, from ``sq_dist`` (len(ys), len(xs), k): each grid point's squared
    distance to each centroid. Neuron c's margin, the nearest other neuron's distance
    minus its own, is 0 exactly on its boundary and linear in x between two neurons, so
    its 0 contour is the true straight edge, not the grid's staircase. The last neuron
    is skipped: each of its edges is also another neuron's."""
    D = np.asarray(sq_dist, dtype=np.float64)
    k = D.shape[-1]
    if k < 2:
        return np.empty((0, 2))
    nearest = D.argmin(axis=-1)
    two = np.partition(D, 1, axis=-1)  # [..., 0] the nearest distance, [..., 1] the next
    segs = [contour_segments(xs, ys, np.where(nearest == c, two[..., 1], two[..., 0]) - D[..., c], 0.0)
            for c in range(k - 1)]
    return np.concatenate(segs)


# --------------------------------------------------------------------------- trails
class TrailBuffer:
    """The last ``maxlen`` positions of a set of centroids (for the competitive view)."""

    def __init__(self, maxlen: int = 50) -> None:
        self.maxlen = int(maxlen)
        self._items: deque[np.ndarray] = deque(maxlen=self.maxlen)

    def push(self, centroids: np.ndarray) -> None:
        """Record a copy of ``centroids`` (k, d); a repeat of the last one, or a change of
        shape (neurons added or removed), is handled so the trail stays meaningful."""
        c = np.array(centroids, dtype=np.float64, copy=True)
        if self._items and self._items[-1].shape != c.shape:
            self._items.clear()
        if self._items and np.array_equal(self._items[-1], c):
            return
        self._items.append(c)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def array(self) -> np.ndarray | None:
        """(m, k, d), oldest first, or None when empty."""
        return np.stack(list(self._items)) if self._items else None


# --------------------------------------------------------------------------- view data
@dataclass
class ViewData:
    """Everything a decision view draws for one snapshot; fields not used by ``kind`` are None.

    Shapes (r = resolution, n samples, d inputs, k neurons/classes, m trail length):
    ``surface`` (r, r) float in [0, 1]: P(class 1), or the winning class's confidence;
    ``classes`` (r, r) int winning class (multi-class MLP); ``image`` (r, r, 4) uint8
    RGBA heatmap; ``contour`` (2s, 2) segment end points at ``contour_level``; ``line``
    (2, 2) decision-line end points; ``weight_arrow`` (2, 2) [start, tip];
    ``hidden_lines`` list (one per first-layer neuron) of (2, 2) or None; ``regions``
    (r, r) int winner per cell; ``centroids`` (k, d); ``trails`` (m, k, d);
    ``originals``/``reconstructions`` (n, d); ``codes`` (n, latent); ``neuron_colors``
    k hex strings (``neuron_colors()``); ``winners`` (n,) the winning neuron of each row
    of X. For the competitive layer ``contour`` holds the boundaries between the
    neurons' regions.

    ``surface``, ``classes`` and ``regions`` are the numbers the image and the contour
    are made from; no view draws them, so what the training process sends leaves them
    out (``without_cells``).
    """

    kind: str
    bounds: tuple[float, float, float, float] | None = None
    axes: tuple[int, int] = (0, 1)
    resolution: int = 0
    surface: np.ndarray | None = None
    classes: np.ndarray | None = None
    image: np.ndarray | None = None
    contour_level: float = 0.5
    contour: np.ndarray | None = None
    line: np.ndarray | None = None
    weight_arrow: np.ndarray | None = None
    hidden_lines: list | None = None
    regions: np.ndarray | None = None
    centroids: np.ndarray | None = None
    trails: np.ndarray | None = None
    originals: np.ndarray | None = None
    reconstructions: np.ndarray | None = None
    codes: np.ndarray | None = None
    neuron_colors: list | None = None
    winners: np.ndarray | None = None


def without_cells(vd: ViewData) -> ViewData:
    """``vd`` without its per-cell numbers (``surface``, ``classes``, ``regions``): what
    a frame sent to the window needs. On a 64 x 64 grid they are two thirds of a
    frame's bytes (float64 and int64 per cell), which the training process would
    otherwise pickle and pass on 30 times a second and the window unpickle."""
    return replace(vd, surface=None, classes=None, regions=None)


def _plane_line(w: np.ndarray, b: float, axes, X, box):
    """The line ``w . x + b = 0`` restricted to the shown plane (hidden coords at their
    mean), clipped to ``box``; returns ((2, 2) array or None, the 2-D weight vector)."""
    w = np.asarray(w, dtype=np.float64)
    hidden = [i for i in range(len(w)) if i not in axes]
    b_eff = float(b)
    if hidden:
        fill = X.mean(axis=0) if X is not None and len(X) and X.shape[1] == len(w) else np.zeros(len(w))
        b_eff += float(w[hidden] @ fill[hidden])
    w2 = np.array([w[axes[0]], w[axes[1]]])
    ends = line_in_box(w2, b_eff, tuple(box))
    return (None if ends is None else np.array(ends, dtype=np.float64)), w2


def view_data(model, X: np.ndarray | None, bounds: Sequence[float], resolution: int = 100,
              axes: Sequence[int] = (0, 1), trails: TrailBuffer | None = None,
              labels: np.ndarray | None = None) -> ViewData:
    """Compute what the decision view shows for ``model`` (dispatch on ``model.kind``).

    ``X`` (n, d) is the current data (for the hidden-coordinate mean and the autoencoder's
    reconstructions). ``trails``, if given, receives the competitive layer's current
    centroids and its history is returned in ``ViewData.trails``. ``labels`` (n,), the
    true classes of ``X``, colour the competitive neurons by majority vote.
    """
    X = None if X is None else np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    box = tuple(float(v) for v in bounds)
    axes = (int(axes[0]), int(axes[1]))
    r = int(resolution)
    vd = ViewData(kind=model.kind, bounds=box, axes=axes, resolution=r)
    xs, ys, pts = _shared_grid(box, r)
    d = int(model.n_inputs)
    full = lift(pts, d, axes, X) if d != 2 or axes != (0, 1) else pts
    kind = model.kind
    with np.errstate(all="ignore"):
        if kind == "perceptron":
            _perceptron(vd, model, X, box, full, xs, ys)
        elif kind == "mlp":
            _mlp(vd, model, X, box, full, xs, ys, d)
        elif kind == "competitive":
            _competitive(vd, model, full, trails, X, labels, xs, ys)
        elif kind == "autoencoder":
            if X is not None and len(X) and getattr(model, "mean_", None) is not None:
                vd.originals = X.copy()
                vd.reconstructions = np.asarray(model.predict(X), dtype=np.float64)
                vd.codes = np.asarray(model.encode(X), dtype=np.float64)
    return vd


def _perceptron(vd, model, X, box, full, xs, ys):
    w = np.asarray(model.weights, dtype=np.float64)
    b = 0.0 if model.bias is None else float(model.bias)
    vd.line, w2 = _plane_line(w, b, vd.axes, X, box)
    vd.weight_arrow = weight_arrow(w2, vd.line, box)
    p = model.output(full)  # the model's own tie rule at net = 0
    vd.surface = p.reshape(vd.resolution, vd.resolution)
    vd.image = surface_rgba(vd.surface)


def _mlp(vd, model, X, box, full, xs, ys, d):
    r = vd.resolution
    # float32 where the model offers it: the surface is only looked at (see MLP).
    proba = getattr(model, "predict_proba_float32", model.predict_proba)
    out = np.asarray(proba(full), dtype=np.float64).reshape(len(full), -1)
    if out.shape[1] == 1:
        p = out[:, 0]
        if getattr(model, "task", "classification") == "regression":
            lo, hi = np.nanmin(p), np.nanmax(p)  # show the shape of the function
            p = (p - lo) / (hi - lo) if hi > lo else np.full_like(p, 0.5)
        vd.surface = np.clip(p, 0.0, 1.0).reshape(r, r)
        vd.image = surface_rgba(vd.surface)
        vd.contour = contour_segments(xs, ys, vd.surface, vd.contour_level)
    else:
        k = out.shape[1]
        cls = np.argmax(np.nan_to_num(out, nan=-np.inf), axis=1)
        pmax = np.clip(out[np.arange(len(out)), cls], 0.0, 1.0)
        vd.classes = cls.reshape(r, r)
        vd.surface = pmax.reshape(r, r)
        # chance level (1/k) is "no idea": white; certainty is the full (soft) colour
        conf = np.clip((vd.surface - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
        vd.image = classes_rgba(vd.classes, conf)
        vd.contour = np.concatenate(
            [contour_segments(xs, ys, (vd.classes == c).astype(float), 0.5) for c in range(k)]
        )
    if d == 2 and model.weights:
        W0 = np.asarray(model.weights[0], dtype=np.float64)
        biases = getattr(model, "biases", None)
        b0 = biases[0] if biases else None
        b0 = np.zeros(W0.shape[1]) if b0 is None else np.asarray(b0, dtype=np.float64)
        vd.hidden_lines = [_plane_line(W0[:, j], b0[j], vd.axes, X, box)[0] for j in range(W0.shape[1])]


def _competitive(vd, model, full, trails, X, labels, xs, ys):
    if model.centroids is None:
        return
    vd.centroids = np.array(model.centroids, dtype=np.float64, copy=True)
    r, k = vd.resolution, len(vd.centroids)
    # One distance pass gives both the regions (nearest centroid, first on a tie, as
    # the model's predict) and the exact edges between them.
    C = vd.centroids
    D = ((full ** 2).sum(axis=1)[:, None] - 2 * full @ C.T + (C ** 2).sum(axis=1)).reshape(r, r, k)
    vd.regions = D.argmin(axis=2)
    if X is not None and len(X) and X.shape[1] == vd.centroids.shape[1]:
        vd.winners = model.predict(X)  # also colours the 3-D view: computed once, here
    vd.neuron_colors = neuron_colors(vd.winners, labels, k)
    vd.image = classes_rgba(vd.regions, colors=vd.neuron_colors, strength=0.35)
    vd.contour = region_boundaries(xs, ys, D)
    if trails is not None:
        trails.push(vd.centroids)
        vd.trails = trails.array()
