"""Weights dragged on the canvas: the perceptron's decision line and weight arrow, and
the competitive layer's learned centroids (issue 11).

A grabber for ``CanvasWidget.add_grabber``: it hit-tests what the decision overlay
draws (``overlay.shown``, the last ``ViewData`` it drew), writes the values
live through ``WeightEdits.write`` while the mouse moves and pushes one undo step on
release (``WeightEdits.edit(..., old=..., applied=True)``). Only the two shown axes'
weights change; the hidden coordinates are at the data's mean, as the overlay draws them.

The perceptron (w, b; the line is w2 . p + c = 0 on the shown plane, c = b + the hidden
weights times the data's mean):
- the line, with a bias: moves parallel (w kept), following the mouse: b changes;
- the line, without a bias: it has to stay through the origin, so it rotates about the
  origin instead, by the angle the mouse turns about it: w's direction changes, |w| kept;
- the arrow's tip: w turns to point at the mouse and scales with the mouse's distance
  from the arrow's foot (the arrow is drawn at a fixed length: twice as far, twice |w|);
  with a bias, b follows so the line pivots about the arrow's foot (the point where the
  line crosses the arrow stays put); without one the line turns about the origin.
"""

from __future__ import annotations

import math

import numpy as np

from nnplayground.ui.window.weight_edits import PAUSE_FIRST, read_value

#: grab distances in screen pixels
LINE_PX = 5.0
TIP_PX = 10.0
CENTROID_PX = 12.0

LINE_TIP = ("Drag the line to move it parallel (changes the bias b); drag the arrow's "
            "tip to turn and scale w (the line pivots where the arrow starts)")
LINE_TIP_NO_BIAS = ("This perceptron has no bias: its line always goes through the origin. "
                    "Drag the line to turn it about the origin (changes w's direction); "
                    "drag the arrow's tip to turn and scale w")
ARROW_TIP = "Drag the arrow's tip to turn and scale the weight vector w"
CENTROID_TIP = "Drag centroid {n} to move it (one undo step; training moves it on)"


def _segment_px(q, a, b, px) -> float:
    """Distance in screen pixels from q to the segment a-b (data coordinates; ``px`` the
    size of a pixel in data units per axis)."""
    s = np.array([px[0], px[1]], dtype=float)
    q, a, b = np.asarray(q, float) / s, np.asarray(a, float) / s, np.asarray(b, float) / s
    d = b - a
    t = 0.0 if not d.any() else float(np.clip((q - a) @ d / (d @ d), 0.0, 1.0))
    return float(np.hypot(*(q - (a + t * d))))


def _point_px(q, p, px) -> float:
    return float(np.hypot((q[0] - p[0]) / px[0], (q[1] - p[1]) / px[1]))


class _NoDrag:
    """A drag refused (training runs): says why and moves nothing."""

    def __init__(self, text: str) -> None:
        self.text = text

    def move(self, x, y, finish) -> str:
        return self.text


class _Drag:
    """Common part: the paths, their values before the drag, one undo step at the end."""

    def __init__(self, drags: WeightDrags, paths, text: str) -> None:
        self.edits = drags.edits
        self.paths = paths
        self.text = text
        self.old = [read_value(self.edits.model, p) for p in paths]
        self.values = list(self.old)

    def move(self, x, y, finish) -> str:
        values = self.values_at(float(x), float(y))
        if values is not None and all(map(math.isfinite, values)):
            self.values = [float(v) for v in values]
            self.edits.write(self.paths, self.values)
        if not finish:
            return self.status()
        if self.values == self.old:
            return ""
        self.edits.edit(self.paths, self.values, self.text, old=self.old, applied=True)
        return self.status().replace("Dragging", "Dragged", 1)


class _PerceptronDrag(_Drag):
    def __init__(self, drags, what: str, q0, vd) -> None:
        model = drags.edits.model
        self.ax = ax = vd.axes
        self.has_bias = model.bias is not None
        paths = [("w", 0, ax[0], 0), ("w", 0, ax[1], 0)]
        if self.has_bias:
            paths.append(("b", 0, 0))
        super().__init__(drags, paths, "Drag the perceptron's line" if what == "line"
                         else "Drag the perceptron's weight arrow")
        self.what = what
        self.q0 = np.asarray(q0, float)
        self.w0 = np.array(self.old[:2])
        self.b0 = self.old[2] if self.has_bias else 0.0
        arrow = vd.weight_arrow
        self.foot = np.asarray(arrow[0], float) if arrow is not None else self.q0
        self.length = float(np.hypot(*(arrow[1] - arrow[0]))) if arrow is not None else 1.0

    def values_at(self, x, y):
        q = np.array([x, y])
        w0, b0 = self.w0, self.b0
        if self.what == "line" and self.has_bias:
            return [w0[0], w0[1], b0 - float(w0 @ (q - self.q0))]
        if self.what == "line":  # through the origin: turn by the mouse's angle about it
            if math.hypot(*q) < 1e-9 or math.hypot(*self.q0) < 1e-9:
                return None
            t = math.atan2(q[1], q[0]) - math.atan2(self.q0[1], self.q0[0])
            c, s = math.cos(t), math.sin(t)
            return [c * w0[0] - s * w0[1], s * w0[0] + c * w0[1]]
        v = q - self.foot
        r = math.hypot(*v)
        if r < 1e-12:
            return None
        w = (v / r) * (float(np.hypot(*w0)) * r / self.length)
        if not self.has_bias:
            return [w[0], w[1]]
        return [w[0], w[1], b0 - float((w - w0) @ self.foot)]

    def status(self) -> str:
        w = self.values[:2]
        names = [f"w{self.ax[0] + 1}", f"w{self.ax[1] + 1}"]
        text = f"Dragging the {self.what}: {names[0]} = {w[0]:.3g}, {names[1]} = {w[1]:.3g}"
        if self.has_bias:
            text += f", b = {self.values[2]:.3g}"
        return text


class _CentroidDrag(_Drag):
    def __init__(self, drags, j: int, q0, vd) -> None:
        self.ax = ax = vd.axes
        self.j = j
        super().__init__(drags, [("w", 0, ax[0], j), ("w", 0, ax[1], j)], f"Drag centroid {j + 1}")
        self.offset = np.array(self.old) - np.asarray(q0, float)

    def values_at(self, x, y):
        return list(np.array([x, y]) + self.offset)

    def status(self) -> str:
        return f"Dragging centroid {self.j + 1} to ({self.values[0]:.2f}, {self.values[1]:.2f})"


class WeightDrags:
    """The window's grabber on the canvas (``window.weight_drags``)."""

    def __init__(self, window) -> None:
        self.w = window
        self.edits = window.weight_edits
        window.canvas.add_grabber(self)

    def _target(self, x, y, px, over_point):
        """(what, index, view data) under (x, y): "tip", "line", "centroid" or None."""
        w = self.w
        vd = w.overlay.shown
        model = w.trainer.model
        if vd is None or model is None or vd.kind != model.kind:
            return None
        q = (x, y)
        if model.kind == "perceptron":
            arrow = vd.weight_arrow if w.overlay.weight_head.isVisible() else None
            if arrow is not None and _point_px(q, arrow[1], px) <= TIP_PX:
                return "tip", 0, vd
            if (vd.line is not None and w.overlay.line_item.isVisible() and not over_point
                    and _segment_px(q, vd.line[0], vd.line[1], px) <= LINE_PX):
                return "line", 0, vd
        elif model.kind == "competitive" and not w.canvas.cluster_mode:
            C = vd.centroids
            if C is None or not len(C) or not w.overlay.centroid_item.isVisible():
                return None
            ax = vd.axes
            d = np.hypot((C[:, ax[0]] - x) / px[0], (C[:, ax[1]] - y) / px[1])
            j = int(np.argmin(d))
            if d[j] <= CENTROID_PX:
                return "centroid", j, vd
        return None

    def hover(self, x, y, px, over_point):
        hit = self._target(x, y, px, over_point)
        if hit is None:
            return None
        what, j, _ = hit
        if what == "centroid":
            return CENTROID_TIP.format(n=j + 1)
        if what == "tip":
            return ARROW_TIP
        return LINE_TIP if self.edits.model.bias is not None else LINE_TIP_NO_BIAS

    def grab(self, x, y, px, over_point):
        hit = self._target(x, y, px, over_point)
        if hit is None:
            return None
        refusal = self.edits.refusal()
        if refusal:
            return _NoDrag(PAUSE_FIRST if refusal == PAUSE_FIRST else refusal)
        what, j, vd = hit
        if what == "centroid":
            return _CentroidDrag(self, j, (x, y), vd)
        return _PerceptronDrag(self, "line" if what == "line" else "arrow", (x, y), vd)


__all__ = ["WeightDrags"]
