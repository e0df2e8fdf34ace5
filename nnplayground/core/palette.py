"""Class and neuron colours, and the RGBA images the decision views show.

Pure NumPy (the worker thread builds the images; the GUI thread only draws them).

A competitive neuron wears the colour of the class most of the points it wins belong to
(``neuron_colors``), not class k's colour for neuron k: neuron k usually settles on some
other class's cluster, and a mismatched colour reads as a mistake. Neurons with no class
to speak for are grey; neurons that agree are told apart by the region boundaries and
their numbers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

#: Okabe & Ito's colour-blind-safe palette (2008), black moved last so that class 0 and 1
#: are orange and sky blue, the pair most people tell apart.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: The ring around the sample a one-sample step presents, in every view: near black (the
#: canvas adds a white halo, for black class 8): the orange ring vanished on orange points.
HIGHLIGHT = "#111111"

#: The near-white a probability heatmap passes through at p = 0.5 (as in TF Playground).
MID_RGB: tuple[int, int, int] = (246, 246, 246)
#: How much of a class colour the heatmap reaches at full certainty: soft, so that the
#: points drawn on top in full colour stay clearly visible.
HEATMAP_STRENGTH = 0.45
#: Greys for neurons without a class (no labels, or no points won): no class wears them,
#: and the palette's black is darker than all of them.
NEUTRAL_COLORS: tuple[str, ...] = ("#9A9A9A", "#C4C4C4", "#767676", "#B0B0B0")


def class_color(index: int) -> str:
    """Hex colour of class ``index`` (the palette repeats after eight classes)."""
    return OKABE_ITO[int(index) % len(OKABE_ITO)]


def over(rgb, alpha: float, background=(1.0, 1.0, 1.0)) -> tuple[float, float, float]:
    """``rgb`` (channels 0-1) at opacity ``alpha`` painted over ``background`` (white by
    default), as one opaque colour: what the screen shows of a translucent colour."""
    return tuple(alpha * c + (1.0 - alpha) * b for c, b in zip(rgb, background))


def hex_to_rgb(color: str) -> np.ndarray:
    """``"#RRGGBB"`` -> float array (3,) of 0..255."""
    h = color.lstrip("#")
    return np.array([int(h[k:k + 2], 16) for k in (0, 2, 4)], dtype=np.float64)

def rgba_lut(colors: Sequence[str], n: int = 257, strength: float = HEATMAP_STRENGTH,
             mid: Sequence[float] = MID_RGB) -> np.ndarray:
    """(n, 4) uint8 lookup table for p = k/(n-1): ``colors[0]`` at p=0 through ``mid`` at
    p=0.5 to ``colors[1]`` at p=1. ``strength`` (0..1) is how far the ends go from
    ``mid`` towards the class colours. Odd ``n`` puts p=0.5 exactly on an entry."""
    p = np.linspace(0.0, 1.0, int(n))
    mid = np.asarray(mid, dtype=np.float64)
    c0, c1 = hex_to_rgb(colors[0]), hex_to_rgb(colors[1])
    t = strength * np.abs(2 * p - 1)[:, None]
    target = np.where((p < 0.5)[:, None], c0, c1)
    rgb = mid + t * (target - mid)
    out = np.empty((len(p), 4), dtype=np.uint8)
    out[:, :3] = np.clip(np.rint(rgb), 0, 255)
    out[:, 3] = 255
    return out


@lru_cache(maxsize=16)
def _shared_lut(colors: tuple[str, ...]) -> np.ndarray:
    lut = rgba_lut(colors)
    lut.setflags(write=False)
    return lut


def surface_rgba(surface: np.ndarray, colors: Sequence[str] = OKABE_ITO[:2],
                 lut: np.ndarray | None = None) -> np.ndarray:
    """Probability surface (r, r) in [0, 1] -> RGBA image (r, r, 4) uint8 via ``rgba_lut``."""
    lut = _shared_lut(tuple(colors)) if lut is None else lut
    with np.errstate(invalid="ignore"):
        p = np.nan_to_num(np.clip(surface, 0.0, 1.0), nan=0.5)
    return lut[np.rint(p * (len(lut) - 1)).astype(np.intp)]


def classes_rgba(classes: np.ndarray, confidence: np.ndarray | None = None,
                 colors: Sequence[str] | None = None, strength: float = HEATMAP_STRENGTH,
                 mid: Sequence[float] = MID_RGB) -> np.ndarray:
    """Class map (r, r) int -> RGBA (r, r, 4) uint8: each cell its class colour, blended
    from ``mid`` by ``strength * confidence`` (confidence (r, r) in [0, 1], default 1)."""
    classes = np.asarray(classes, dtype=np.intp)
    k = int(classes.max()) + 1 if classes.size else 1
    palette = np.array([hex_to_rgb(colors[i] if colors else class_color(i)) for i in range(k)])
    conf = np.ones(classes.shape) if confidence is None else np.clip(np.nan_to_num(confidence), 0, 1)
    mid = np.asarray(mid, dtype=np.float64)
    rgb = mid + (strength * conf)[..., None] * (palette[classes] - mid)
    out = np.empty(classes.shape + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(rgb), 0, 255)
    out[..., 3] = 255
    return out


def neuron_colors(winners, labels, n_neurons: int) -> list[str]:
    """Hex colour of each of ``n_neurons`` neurons: the class colour of the majority of
    ``labels`` (n,) among the points whose ``winners`` (n,) entry is that neuron (a tie goes
    to the lower class). Neurons that win nothing, and all of them when ``labels`` is None
    or does not match ``winners``, get ``NEUTRAL_COLORS[k % 4]``."""
    k = int(n_neurons)
    out = [NEUTRAL_COLORS[i % len(NEUTRAL_COLORS)] for i in range(k)]
    if winners is None or labels is None or k == 0:
        return out
    w = np.asarray(winners, dtype=np.intp).reshape(-1)
    y = np.asarray(labels, dtype=np.intp).reshape(-1)
    if len(w) != len(y):
        return out
    keep = (w >= 0) & (w < k) & (y >= 0)
    w, y = w[keep], y[keep]
    if len(w) == 0:
        return out
    votes = np.zeros((k, int(y.max()) + 1), dtype=np.intp)
    np.add.at(votes, (w, y), 1)
    for i in np.flatnonzero(votes.sum(axis=1)):
        out[i] = class_color(int(votes[i].argmax()))
    return out
