"""Framing points in pyqtgraph's orbit camera (pure NumPy, so it is tested without GL)."""

from __future__ import annotations

import numpy as np


def fit_camera(points: np.ndarray, elevation: float, azimuth: float, fov: float,
               aspect: float, margin: float = 0.0) -> tuple[np.ndarray, float]:
    """Centre (3,) and distance of pyqtgraph's orbit camera (angles in degrees, ``fov``
    horizontal, ``aspect`` = height / width) that frames all ``points`` (m, 3) as tightly
    as the perspective allows, leaving ``margin`` of each half of the view free.

    With r, u, w the camera's right, up and backward axes and x, y, z the points' offsets
    along them, a point is in view when |x - s| <= t (d - z) (t the half-view tangent, s
    the centre's shift along r). The smallest such d is (max(x + tz) - min(x - tz)) / 2t,
    reached at s = (max(x + tz) + min(x - tz)) / 2; likewise vertically. The axis that
    needs less distance is centred at the tangent that would just fill it at the chosen
    d (found by bisection). So the picture is centred as drawn, which the middle of the
    bounding box is not under perspective.
    """
    P = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    e, a = np.radians(elevation), np.radians(azimuth)
    w = np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    r = np.array([-np.sin(a), np.cos(a), 0.0])
    u = np.cross(w, r)
    q0 = (P.min(axis=0) + P.max(axis=0)) / 2
    rel = P - q0
    z = rel @ w
    t_x = np.tan(np.radians(fov) / 2) * (1.0 - margin)
    def fit(c, t):  # (distance that just fits, shift) for offsets c at tangent t
        hi, lo = float((c + t * z).max()), float((c - t * z).min())
        return (hi - lo) / (2 * t), (hi + lo) / 2

    along = [(axis, rel @ axis, t) for axis, t in ((r, t_x), (u, t_x * aspect))]
    distance = max(fit(c, t)[0] for _, c, t in along)
    centre = q0
    for axis, c, t in along:
        lo, hi = 0.0, t
        for _ in range(60):  # fit()'s distance falls as the tangent grows
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if fit(c, mid)[0] > distance else (lo, mid)
        centre = centre + axis * fit(c, hi)[1]
    return centre, max(distance, 1e-6)
