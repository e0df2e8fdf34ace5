"""A rotatable 3-D scatter view (pyqtgraph.opengl) for three-dimensional data.

Shows the points (coloured by class or by winning neuron), the true cluster centres and
the centroids a competitive layer has learned, with optional trails of where those
centroids have been. Every GL item is created once; updates only call ``setData``.

A true centre is a large class-coloured disk with a black rim, a learned centroid a small
black-and-white target drawn over it, so a converged neuron shows as a target inside its
disk (the toolbar's legend says which is which). By winning neuron, a neuron and its
points wear ``geometry.neuron_colors`` (its majority class), as on the 2-D canvas.
The camera frames the data tightly (``geometry.fit_camera``) and keeps following it
(new data, a resized view) until the user rotates or zooms; "Reset view" frames again.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph picks its binding at import

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QImage, QVector3D
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnplayground.core.camera import fit_camera
from nnplayground.core.plane import plane_in_box
from nnplayground.core.palette import HIGHLIGHT, neuron_colors
from nnplayground.ui.views.gl_items import (
    CentroidLegend,
    SheetItem,
    _ON_TOP_OPTS,
    _POINTS_OPTS,
    _View,
    _as_points,
    _nice_step,
    _trail_segments,
    hex_to_rgba,
    labels_to_rgba,
    neuron_rgba,
)

#: The perceptron's plane: translucent grey-blue, its edge darker.
PLANE_COLOR = (0.35, 0.45, 0.6, 0.28)
PLANE_EDGE = (0.2, 0.28, 0.4, 0.9)
#: Blended and depth-tested (the sheet writes no depth: SheetItem).
_PLANE_OPTS = {**_ON_TOP_OPTS, GL.GL_DEPTH_TEST: True}

#: Light grey rather than white: the grid and white centroid rings stay visible on it.
BACKGROUND = (245, 245, 245, 255)
POINT_SIZE = 9.0  # pixels: big enough to read from the back of a classroom
# A true centre clearly larger than a learned centroid: the target sits inside the disk.
TRUE_CENTROID_SIZE = 36.0
LEARNED_CENTROID_SIZE = 20.0
ELEVATION, AZIMUTH = 22.0, -60.0  # the default view: from the front left, a bit above
_FRAME_MARGIN = 0.08  # of each half of the view, for point sprites and axis labels
_OUTLINE = (0.15, 0.15, 0.15, 1.0)
_NEUTRAL = (0.6, 0.6, 0.6, 1.0)

COLOR_MODES = ("class", "winner")


class Scatter3DView(QWidget):
    """Points, true centroids and learned centroids in a mouse-rotatable 3-D view.

    Drag with the left button to rotate, wheel to zoom, Ctrl+drag or middle drag to pan.
    """

    color_mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._X = np.zeros((0, 3))
        self._labels: np.ndarray | None = None
        self._winners: np.ndarray | None = None
        self._explicit_colors: np.ndarray | None = None
        self._true_C: np.ndarray | None = None
        self._learned_C: np.ndarray | None = None
        self._neuron_colors: list[str] | None = None
        self._color_mode = "class"
        self._follow = True  # the camera frames the data until the user moves it
        self._framed_on = None  # (data extent, aspect) the camera was last fitted to
        self._box = (np.full(3, -5.0), np.full(3, 5.0))

        self._gl = _View()
        self._gl.camera_taken.connect(self._on_gl_camera_taken)
        self._gl.resized.connect(self._on_gl_resized)
        self._gl.setBackgroundColor(BACKGROUND)
        self._gl.setMinimumSize(240, 200)
        self._gl.setAccessibleName("3-D view")
        self._gl.setToolTip("Drag to rotate, mouse wheel to zoom, Ctrl+drag to pan")

        self.grid = gl.GLGridItem(color=(0, 0, 0, 45))
        self.axes = gl.GLLinePlotItem(mode="lines", width=2.0, antialias=True,
                                      glOptions="translucent")
        font = QFont()
        font.setPointSize(14)
        font.setBold(True)
        self.axis_labels = [gl.GLTextItem(text=name, color=(40, 40, 40, 255), font=font)
                            for name in ("x", "y", "z")]
        self.points_rim = gl.GLScatterPlotItem(size=POINT_SIZE + 2.5, color=_OUTLINE,
                                               pxMode=True, glOptions=_POINTS_OPTS)
        self.points = gl.GLScatterPlotItem(size=POINT_SIZE, pxMode=True, glOptions=_POINTS_OPTS)
        self.trails = gl.GLLinePlotItem(mode="lines", width=2.0, antialias=True,
                                        color=(0.2, 0.2, 0.2, 0.55), glOptions=_ON_TOP_OPTS)
        # A true centre: a class-coloured disk with a black ring.
        self.true_rim = gl.GLScatterPlotItem(size=TRUE_CENTROID_SIZE, color=(0, 0, 0, 1),
                                             pxMode=True, glOptions=_ON_TOP_OPTS)
        self.true_centroids = gl.GLScatterPlotItem(size=TRUE_CENTROID_SIZE - 8, pxMode=True,
                                                   glOptions=_ON_TOP_OPTS)
        # A learned centroid: a target (black ring, light ring, black centre).
        self.learned_rim = gl.GLScatterPlotItem(size=LEARNED_CENTROID_SIZE, color=(0, 0, 0, 1),
                                                pxMode=True, glOptions=_ON_TOP_OPTS)
        self.learned_ring = gl.GLScatterPlotItem(size=LEARNED_CENTROID_SIZE - 6, pxMode=True,
                                                 glOptions=_ON_TOP_OPTS)
        self.learned_centroids = gl.GLScatterPlotItem(size=6.0, color=(0, 0, 0, 1),
                                                      pxMode=True, glOptions=_ON_TOP_OPTS)
        # A perceptron's boundary with three inputs (set_plane): a translucent sheet
        # with a dark edge, drawn after the points (SheetItem), so that those behind it
        # are seen through it.
        self.plane = SheetItem(smooth=False, drawEdges=False, color=PLANE_COLOR,
                               glOptions=_PLANE_OPTS)
        self.plane_edge = gl.GLLinePlotItem(mode="line_strip", width=2.0, antialias=True,
                                            color=PLANE_EDGE, glOptions=_PLANE_OPTS)
        order = [self.grid, self.axes, *self.axis_labels, self.points_rim, self.points,
                 self.plane, self.plane_edge,
                 self.trails, self.true_rim, self.true_centroids, self.learned_rim,
                 self.learned_ring, self.learned_centroids]
        for depth, item in enumerate(order):
            item.setDepthValue(depth)  # the draw order, whatever the camera
            self._gl.addItem(item)
        for item in order[5:]:
            item.setVisible(False)
        self._plane: tuple[np.ndarray, float] | None = None  # (w, b) of set_plane
        self._polygon: np.ndarray | None = None  # its corners as drawn

        self.reset_button = QPushButton("Reset view")
        self.reset_button.setToolTip("Frame all the data again from the default angle")
        self.reset_button.setAccessibleName("Reset 3-D view")
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.color_combo = QComboBox()
        self.color_combo.addItem("Colour by class", "class")
        self.color_combo.addItem("Colour by winning neuron", "winner")
        self.color_combo.setToolTip("Colour each point by its true class or by the "
                                    "neuron that wins it")
        self.color_combo.setAccessibleName("Colour points by")
        self.color_combo.currentIndexChanged.connect(self._on_color_combo_changed)
        # The view shares its column with the other views' tabs, whose narrowest width
        # is the widest page's, hidden tabs included: the combo may elide its text and
        # the key has a row of its own, so this view never widens the column.
        self.color_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.color_combo.setMinimumContentsLength(12)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.reset_button)
        bar.addWidget(self.color_combo, 1)
        self.legend = CentroidLegend()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self._gl, 1)
        self._update_winner_choice()
        self._update_frame_items()

    # ------------------------------------------------------------------ public API
    @property
    def gl_widget(self) -> gl.GLViewWidget:
        return self._gl

    @property
    def color_mode(self) -> str:
        return self._color_mode

    def set_points(self, X, colors=None, *, labels=None, winners=None,
                   neuron_colors=None) -> None:
        """Show points ``X`` (n, 3).

        ``colors`` (n, 4) float RGBA in [0, 1] overrides everything; otherwise the colour
        mode picks ``labels`` (n,) true classes (Okabe-Ito) or ``winners`` (n,) winning
        neurons, neuron i in ``neuron_colors[i]`` (hex strings, as on the 2-D canvas;
        by default ``geometry.neuron_colors(winners, labels, k)``). With neither, grey.
        """
        X = _as_points(X, "X")
        n = len(X)
        for name, arr in (("colors", colors), ("labels", labels), ("winners", winners)):
            if arr is not None and len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} rows for {n} points")
        self._X = X
        self._explicit_colors = (None if colors is None
                                 else np.asarray(colors, dtype=np.float32).reshape(n, 4))
        self._labels = None if labels is None else np.asarray(labels, dtype=np.int64)
        self._winners = None if winners is None else np.asarray(winners, dtype=np.int64)
        self._neuron_colors = None if neuron_colors is None else list(neuron_colors)
        self._update_winner_choice()
        self.points.setData(pos=X)
        self.points_rim.setData(pos=X)
        self.points.setVisible(n > 0)
        self.points_rim.setVisible(n > 0)
        self._apply_colors()
        self._update_frame_items()

    def set_winners(self, winners, neuron_colors=None) -> None:
        """The winning neuron of each current point (n,) ints, or None (after training);
        ``neuron_colors`` as in ``set_points``."""
        if winners is not None and len(winners) != len(self._X):
            raise ValueError(f"winners has {len(winners)} rows for {len(self._X)} points")
        self._winners = None if winners is None else np.asarray(winners, dtype=np.int64)
        self._neuron_colors = None if neuron_colors is None else list(neuron_colors)
        self._update_winner_choice()
        self._apply_colors()

    def set_true_centroids(self, C) -> None:
        """The clusters' true centres (k, 3) (centre i in class i's colour), or None."""
        self._true_C = None if C is None else _as_points(C, "C")
        visible = self._true_C is not None and len(self._true_C) > 0
        if visible:
            self.true_rim.setData(pos=self._true_C)
            self.true_centroids.setData(pos=self._true_C)
        self.true_rim.setVisible(visible)
        self.true_centroids.setVisible(visible)
        self._update_legend()
        self._apply_colors()
        self._update_frame_items()

    def set_highlight(self, x) -> None:
        """One highlighted point (3,): the sample a one-sample step presents; None: none."""
        item = getattr(self, "highlight", None)
        if item is None:
            item = self.highlight = gl.GLScatterPlotItem(size=POINT_SIZE + 14, pxMode=True,
                                                         color=hex_to_rgba(HIGHLIGHT),
                                                         glOptions=_ON_TOP_OPTS)
            item.setDepthValue(-1)  # under the point it rings
            self._gl.addItem(item)
        if x is None:
            item.setVisible(False)
            return
        item.setData(pos=np.asarray(x, dtype=np.float64).reshape(1, 3))
        item.setVisible(True)

    def set_learned_centroids(self, C, trails=None) -> None:
        """The learned centroids (k, 3), or None; ``trails`` their recent positions.

        ``trails`` is a (T, k, 3) history (oldest first) or a list of k arrays (T_i, 3).
        """
        self._learned_C = None if C is None else _as_points(C, "C")
        visible = self._learned_C is not None and len(self._learned_C) > 0
        if visible:
            for item in (self.learned_rim, self.learned_ring, self.learned_centroids):
                item.setData(pos=self._learned_C)
        for item in (self.learned_rim, self.learned_ring, self.learned_centroids):
            item.setVisible(visible)
        segments = _trail_segments(trails) if visible else None
        if segments is not None and len(segments) > 0:
            self.trails.setData(pos=segments)
            self.trails.setVisible(True)
        else:
            self.trails.setVisible(False)
        self._update_legend()
        self._apply_colors()

    def set_plane(self, w, b: float | None) -> None:
        """The plane ``w . x + b = 0`` (w (3,)), cut to the box under the floor grid; None
        (or a zero ``w``, or a plane that misses the box): no plane."""
        plane = None if w is None else (np.asarray(w, dtype=np.float64).reshape(3),
                                         0.0 if b is None else float(b))
        old = self._plane
        if (plane is None and old is None) or (plane is not None and old is not None and (
                np.array_equal(plane[0], old[0]) and plane[1] == old[1])):
            return  # every snapshot asks: the same plane is not cut and uploaded again
        self._plane = plane
        self._draw_plane()

    def plane_polygon(self) -> np.ndarray | None:
        """The corners (k, 3) of the plane as drawn, None when none is."""
        return self._polygon if self.plane.visible() else None

    def _draw_plane(self) -> None:
        polygon = None if self._plane is None else plane_in_box(*self._plane, *self._box)
        self._polygon = polygon
        if polygon is not None:
            faces = np.array([[0, i, i + 1] for i in range(1, len(polygon) - 1)])
            self.plane.setMeshData(vertexes=polygon, faces=faces)
            self.plane_edge.setData(pos=np.vstack([polygon, polygon[:1]]))
        self.plane.setVisible(polygon is not None)
        self.plane_edge.setVisible(polygon is not None)

    def color_by(self, mode: str) -> None:
        """Colour points by "class" (true labels) or "winner" (winning neuron)."""
        if mode not in COLOR_MODES:
            raise ValueError(f"colour mode must be one of {COLOR_MODES}, got {mode!r}")
        index = self.color_combo.findData(mode)
        if self.color_combo.currentIndex() != index:
            self.color_combo.setCurrentIndex(index)  # re-enters through the slot
            return
        changed = mode != self._color_mode
        self._color_mode = mode
        self._apply_colors()
        if changed:
            self.color_mode_changed.emit(mode)

    def reset_camera(self) -> None:
        """Look from the default angle, framing the data tightly, and keep framing it
        (new data, a resized view) until the user moves the camera."""
        self._follow = True
        self._frame()

    def frame_points(self) -> np.ndarray:
        """(m, 3) what the camera frames: the points and true centres (the box under the
        floor grid when there are none). Not the grid and axes: their corner sits far
        below and left of data that lies along a diagonal, and framing it too left a
        third of the view empty; the floor still shows where up is."""
        P = self._all_positions()
        if len(P):
            return P
        lo, hi = self._box
        return np.array([[(lo, hi)[(i >> a) & 1][a] for a in range(3)] for i in range(8)])

    def camera(self) -> dict:
        """Copy of the camera parameters: center, distance, fov, elevation, azimuth."""
        return dict(self._gl.cameraParams())

    def grab_image(self) -> QImage:
        """The rendered 3-D scene (without the toolbar) as a QImage."""
        return self._gl.grabFramebuffer()

    # ------------------------------------------------------------------- internals
    def _on_reset_button_clicked(self) -> None:
        self.reset_camera()

    def _on_gl_camera_taken(self) -> None:
        self._follow = False

    def _on_gl_resized(self) -> None:
        # The first frame often arrives before the layout gives the view its real size.
        if self._follow:
            self._frame()

    def _frame_key(self, P: np.ndarray) -> tuple:
        aspect = max(self._gl.height(), 1) / max(self._gl.width(), 1)
        return (tuple(P.min(axis=0)), tuple(P.max(axis=0)), aspect)

    def _frame(self) -> None:
        P = self.frame_points()
        key = self._frame_key(P)
        centre, distance = fit_camera(P, ELEVATION, AZIMUTH, float(self._gl.opts["fov"]),
                                      key[2], _FRAME_MARGIN)
        self._gl.setCameraPosition(pos=QVector3D(*centre), distance=float(distance),
                                   elevation=ELEVATION, azimuth=AZIMUTH)
        self._framed_on = key

    def _on_color_combo_changed(self, index: int) -> None:
        self.color_by(self.color_combo.itemData(index))

    def _update_legend(self) -> None:
        self.legend.show_entries(true=self.true_centroids.visible(),
                                 learned=self.learned_centroids.visible())

    def _update_winner_choice(self) -> None:
        # "By winning neuron" means nothing until a model has assigned winners.
        item = self.color_combo.model().item(1)
        item.setEnabled(self._winners is not None)

    def _point_colors(self) -> np.ndarray:
        n = len(self._X)
        if self._explicit_colors is not None:
            return self._explicit_colors
        if self._winners is not None and (self._color_mode == "winner" or self._labels is None):
            return neuron_rgba(self._winners, self._neuron_palette())
        if self._labels is None:
            return np.tile(np.array(_NEUTRAL, dtype=np.float32), (n, 1))
        return labels_to_rgba(self._labels)

    def _neuron_palette(self) -> list[str]:
        """One hex colour per neuron: as given, or by majority class like the canvas."""
        k = max(0 if self._learned_C is None else len(self._learned_C),
                int(self._winners.max()) + 1 if self._winners is not None and len(self._winners) else 0)
        given = self._neuron_colors
        if given is not None and len(given) >= k:
            return given
        return neuron_colors(self._winners, self._labels, max(k, 1))

    def _apply_colors(self) -> None:
        if len(self._X):
            self.points.setData(color=self._point_colors())
        by_winner = self._color_mode == "winner" and self._winners is not None
        if self._true_C is not None and len(self._true_C):
            # Neuron colours are class colours too, so centre i keeps class i's in both modes.
            self.true_centroids.setData(color=labels_to_rgba(np.arange(len(self._true_C))))
        if self._learned_C is not None and len(self._learned_C):
            k = len(self._learned_C)
            # In winner mode neuron i wears the colour of the points it wins.
            colors = (neuron_rgba(np.arange(k), self._neuron_palette()) if by_winner
                      else np.tile(np.array((1, 1, 1, 1), dtype=np.float32), (k, 1)))
            self.learned_ring.setData(color=colors)

    def _all_positions(self) -> np.ndarray:
        # Learned centroids are left out: they move every frame, the frame should not.
        parts = [self._X] + ([self._true_C] if self._true_C is not None else [])
        return np.concatenate(parts, axis=0)

    def _update_frame_items(self) -> None:
        """Floor grid under the data and x/y/z axes from its lowest corner; the camera
        follows a changed box unless the user has taken it over."""
        P = self._all_positions()
        if len(P) == 0:
            lo, hi = np.full(3, -5.0), np.full(3, 5.0)
        else:
            lo, hi = P.min(axis=0), P.max(axis=0)
        span = max(float((hi - lo).max()), 1.0)
        step = _nice_step(span)
        lo = np.floor(lo / step) * step
        hi = np.ceil(hi / step) * step
        hi = np.where(hi - lo < step, lo + step, hi)
        box_changed = not (np.array_equal(lo, self._box[0]) and np.array_equal(hi, self._box[1]))
        self._box = (lo, hi)
        if box_changed and self._plane is not None:
            self._draw_plane()
        size = hi - lo
        self.grid.setSize(x=size[0], y=size[1])
        self.grid.setSpacing(x=step, y=step)
        self.grid.resetTransform()
        self.grid.translate(*(lo[:2] + size[:2] / 2), lo[2])
        ends = [lo.copy() for _ in range(3)]
        for axis in range(3):
            ends[axis][axis] = hi[axis] + 0.08 * span
        segs = np.array([lo, ends[0], lo, ends[1], lo, ends[2]], dtype=np.float64)
        dark = (0.25, 0.25, 0.25, 1.0)
        self.axes.setData(pos=segs, color=dark)
        for label, end in zip(self.axis_labels, ends):
            label.setData(pos=end)
        if self._follow and len(P) and self._framed_on != self._frame_key(P):
            self._frame()
