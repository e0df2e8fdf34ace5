"""A perceptron's boundary with three inputs: the plane ``w . x + b = 0`` cut to a box,
as the 3-D view draws it (pure NumPy; ``perceptron.line_in_box`` is its 2-D analogue)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: The box's 12 edges as pairs of corner indices (corner k has bit i set for the high
#: end of axis i).
_EDGES = [(a, a | (1 << axis)) for a in range(8) for axis in range(3) if not a & (1 << axis)]


def plane_in_box(w: Any, b: float | None, lo: Any, hi: Any) -> np.ndarray | None:
    """The polygon (k, 3), 3 <= k <= 6 corners in order around it, where the plane
    ``w[0]*x + w[1]*y + w[2]*z + b = 0`` cuts the box from ``lo`` (3,) to ``hi`` (3,);
    None when it misses the box, touches it only at a corner or along an edge, or ``w``
    is zero (no plane at all); a plane lying on a face gives that face."""
    w = np.asarray(w, dtype=np.float64).reshape(3)
    b = 0.0 if b is None else float(b)
    lo, hi = (np.asarray(v, dtype=np.float64).reshape(3) for v in (lo, hi))
    scale = float(np.max(np.abs(w)))
    if not np.isfinite(scale) or scale == 0.0 or not np.isfinite(b) or np.any(hi <= lo):
        return None
    w, b = w / scale, b / scale  # a tolerance that means the same whatever the weights
    # Worked out around the box's centre: far from the origin (1e8, within the canvas's
    # limit) absolute positions lost the digits the corners differ by.
    centre = (lo + hi) / 2
    b = b + float(w @ centre)
    corners = np.array([[(hi if k & (1 << i) else lo)[i] for i in range(3)]
                        for k in range(8)]) - centre
    side = corners @ w + b
    tol = 1e-12 * max(1.0, float(np.max(np.abs(corners))))
    hits = []
    for a, c in _EDGES:
        sa, sc = side[a], side[c]
        if abs(sa) <= tol:
            hits.append(corners[a])
        if (sa < -tol and sc > tol) or (sa > tol and sc < -tol):
            t = sa / (sa - sc)
            hits.append(corners[a] + t * (corners[c] - corners[a]))
    if abs(side[7]) <= tol:  # the one corner no edge starts from
        hits.append(corners[7])
    if not hits:
        return None
    points = _distinct(np.array(hits), tol)
    if len(points) < 3:
        return None
    # Around their middle, by angle in two directions of the plane.
    middle = points.mean(axis=0)
    normal = w / np.linalg.norm(w)
    u = np.cross(normal, np.eye(3)[int(np.argmin(np.abs(normal)))])
    u /= np.linalg.norm(u)
    v = np.cross(normal, u)
    rel = points - middle
    order = np.argsort(np.arctan2(rel @ v, rel @ u))
    polygon = rel[order]
    area = np.linalg.norm(sum(np.cross(polygon[i], polygon[(i + 1) % len(polygon)])
                              for i in range(len(polygon))))
    return polygon + middle + centre if area > tol * tol else None


def _distinct(points: np.ndarray, tol: float) -> np.ndarray:
    kept: list[np.ndarray] = []
    for p in points:
        if all(np.max(np.abs(p - q)) > tol for q in kept):
            kept.append(p)
    return np.array(kept)

