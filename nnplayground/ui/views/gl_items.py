"""The 3-D view's building blocks: colour helpers, the GL render options, the
camera-reporting GL widget, the legend and the trail geometry.

Kept apart from :mod:`nnplayground.ui.views.scatter3d_view` (which re-exports the public
helpers) so the view itself holds only its state and update logic.
"""

from __future__ import annotations

import math
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph picks its binding at import

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from nnplayground.core.palette import class_color

# pyqtgraph compiles each GL item class's shader program once and caches it on the class,
# but a program belongs to the context that made it; a second GLViewWidget (or this one
# reparented into another window) then fails with "glUseProgram: invalid value"
# (pyqtgraph issues #1822, #3455). Sharing all contexts fixes it; it must be set before the
# QApplication exists, so the application should set it too (see _View for the fallback).
if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


# Points are opaque disks with a dark rim: the rim is a slightly larger sprite drawn
# first at the same depth, so the fill must pass the depth test at *equal* depth.
_POINTS_OPTS = {
    GL.GL_DEPTH_TEST: True,
    GL.GL_BLEND: False,
    GL.GL_CULL_FACE: False,
    "glDepthFunc": (GL.GL_LEQUAL,),
}
# Centroids are what the lesson is about, so they are never hidden behind points.
_ON_TOP_OPTS = {
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    GL.GL_CULL_FACE: False,
    "glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                            GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA),
}


def hex_to_rgba(hex_color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """'#RRGGBB' -> (r, g, b, a) floats in [0, 1]."""
    c = QColor(hex_color)
    return (c.redF(), c.greenF(), c.blueF(), float(alpha))


def labels_to_rgba(labels: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Int labels (n,) -> Okabe-Ito colours (n, 4) float32 RGBA (label i gets class_color(i))."""
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    palette = np.array([hex_to_rgba(class_color(i), alpha) for i in range(8)], dtype=np.float32)
    return palette[labels % len(palette)]


def _as_points(X, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.size == 0:
        return np.zeros((0, 3))
    if X.ndim != 2 or X.shape[1] != 3:
        raise ValueError(f"{name} must have shape (n, 3), got {X.shape}")
    return X


def neuron_rgba(winners, colors) -> np.ndarray:
    """Winner indices (n,) -> (n, 4) float32 RGBA from ``colors`` (one hex per neuron)."""
    palette = np.array([hex_to_rgba(c) for c in colors], dtype=np.float32).reshape(-1, 4)
    return palette[np.asarray(winners, dtype=np.int64) % len(palette)]


def _legend_icon(kind: str, size: int = 18) -> QPixmap:
    """The legend's picture of a true centre ("true") or a learned centroid ("learned"),
    drawn like the sprites (a disk with a black rim; a black / white / black target)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    rings = ([(1.0, "#000000"), (0.78, class_color(0))] if kind == "true"
             else [(0.8, "#000000"), (0.55, "#FFFFFF"), (0.25, "#000000")])
    for frac, color in rings:
        d = size * frac
        p.setBrush(QColor(color))
        p.drawEllipse((size - d) / 2, (size - d) / 2, d, d)
    p.end()
    return pix


def _nice_step(span: float) -> float:
    """A 1, 2 or 5 times a power of ten giving about ten grid cells across ``span``."""
    raw = max(span, 1e-9) / 10.0
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if raw <= m * power:
            return m * power
    return 10.0 * power


class _View(gl.GLViewWidget):
    """GLViewWidget that reports the user moving the camera and its own resizing."""

    camera_taken = Signal()  # the user dragged, wheeled or used the arrow keys
    resized = Signal()

    def mouseMoveEvent(self, ev) -> None:
        if ev.buttons() != Qt.MouseButton.NoButton:
            self.camera_taken.emit()
        super().mouseMoveEvent(ev)

    def wheelEvent(self, ev) -> None:
        self.camera_taken.emit()
        super().wheelEvent(ev)

    def keyPressEvent(self, ev) -> None:
        self.camera_taken.emit()  # pyqtgraph orbits with the arrow keys
        super().keyPressEvent(ev)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.resized.emit()

    def initializeGL(self) -> None:
        super().initializeGL()
        if not QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts):
            # Unshared contexts: programs cached by an earlier view are invalid here.
            gl.GLScatterPlotItem._shaderProgram = None
            gl.GLLinePlotItem._shaderProgram = None


def _trail_segments(trails) -> np.ndarray | None:
    """Trails -> (2*m, 3) line segments for GLLinePlotItem(mode="lines")."""
    if trails is None:
        return None
    if isinstance(trails, np.ndarray) and trails.ndim == 3:
        paths = [trails[:, j, :] for j in range(trails.shape[1])]
    else:
        paths = [np.asarray(t, dtype=np.float64).reshape(-1, 3) for t in trails]
    segs = [np.stack([p[:-1], p[1:]], axis=1).reshape(-1, 3) for p in paths if len(p) > 1]
    if not segs:
        return np.zeros((0, 3))
    return np.concatenate(segs, axis=0).astype(np.float64)


class SheetItem(gl.GLMeshItem):
    """A translucent sheet seen through, drawn after the opaque items: depth-tested but
    writing no depth (a point in front stays as it is, one behind is seen through it).
    Depth writing is switched back on after its paint, whatever happens in it: left off,
    the next frame's clearing would keep the old depths and points would vanish."""

    def paint(self) -> None:
        try:
            GL.glDepthMask(False)
            super().paint()
        finally:
            GL.glDepthMask(True)


class CentroidLegend(QWidget):
    """The key to the centres the view shows: a true centre's and a learned centroid's
    picture, each named. An entry shows only while its kind is drawn (a 3-D class task
    has neither: no key then)."""

    def __init__(self) -> None:
        super().__init__()
        self.setToolTip("Large disk: a cluster's true centre. Small target: a "
                        "centroid the network has learned. Drag to rotate, "
                        "wheel to zoom.")
        self.setAccessibleName("3-D view legend")
        legend = QHBoxLayout(self)
        legend.setContentsMargins(0, 0, 0, 0)
        legend.setSpacing(3)
        self.entries: dict[str, tuple[QLabel, QLabel]] = {}
        for kind, text in (("true", "true centre"), ("learned", "learned centroid")):
            icon = QLabel()
            icon.setPixmap(_legend_icon(kind))
            label = QLabel(text)
            label.setStyleSheet("color: #333")
            legend.addWidget(icon)
            legend.addWidget(label)
            legend.addSpacing(6)
            self.entries[kind] = (icon, label)
        legend.addStretch(1)
        self.show_entries(true=False, learned=False)

    def show_entries(self, *, true: bool, learned: bool) -> None:
        for kind, shown in (("true", true), ("learned", learned)):
            for widget in self.entries[kind]:
                widget.setVisible(shown)
        self.setVisible(true or learned)

    def shown_entries(self) -> list[str]:
        """The kinds the key names now (``isHidden``: true even before the view is shown)."""
        if self.isHidden():
            return []
        return [kind for kind, (icon, _) in self.entries.items() if not icon.isHidden()]
