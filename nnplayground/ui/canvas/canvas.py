"""The editable canvas: the points of a ``PointsModel`` drawn in data coordinates.

Mouse and keys (the ViewBox's own pan/zoom is off so that every click is an edit):

- left click on empty space adds a point of the current class; on a point selects it
  (Ctrl toggles it in the selection);
- left drag on a point moves it (one undo step per drag); on a centroid handle (cluster
  mode) moves the whole class; on what a *grabber* offers (``add_grabber``: the
  perceptron's line and weight arrow, learned centroids) drags that; on empty space
  draws a rubber band that selects;
- right click on a point removes it; Delete / Backspace removes the selection;
- number keys choose the current class (where the classes are named by digits, as the
  truth tables' "0" and "1", key d chooses the class named d; otherwise keys 1-9 choose
  the first to the ninth class); Ctrl+Z / Ctrl+Shift+Z undo and redo.

Z-order convention for items added to ``plot_item``: heatmaps and regions ``Z_UNDERLAY``
(-10), grid -5, lines and contours ``Z_LINES`` (5), points ``Z_POINTS`` (10), selection ring 11,
centroid handles ``Z_HANDLES`` (20).
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui  # before pyqtgraph: it picks the binding

import pyqtgraph as pg

from nnplayground.core.palette import HIGHLIGHT

# One name per axis (x, y, z, x4, ...): the canvas, the projection menu, the centre table
# and the network drawing all take it from the state's module.
from nnplayground.core.state import axis_name
from nnplayground.ui.canvas.canvas_items import (
    ClassPaint,
    _CanvasViewBox,
    build_layers,
    class_for_key,
    class_keys_hint,
    ids_in_band,
    install_undo_actions,
    lift_point,
    nearest_hit,
)
from nnplayground.ui.canvas.points_model import PointsModel

_HELP = (
    "Click to add a point of the current class, drag a point to move it, right-click a "
    "point to delete it. {keys}; Delete removes the selection."
)


def _help(class_names) -> str:
    """The canvas's tooltip, naming the keys that choose a class for these classes."""
    return _HELP.format(keys=class_keys_hint(class_names) or "Number keys choose the class")


class CanvasWidget(pg.PlotWidget):
    """Plot of the model's points with point editing; see the module docstring.

    ``model``: the ``PointsModel`` edited here. ``bounds``: ``(xmin, xmax, ymin, ymax)``
    of the fixed view in data units.
    """

    status_message = QtCore.Signal(str)

    #: how close (in screen pixels) a click must be to a point or handle to hit it
    HIT_RADIUS_PX = 8.0
    POINT_SIZE = 11
    HANDLE_SIZE = 24

    def __init__(self, model: PointsModel, parent=None, bounds=(-6.0, 6.0, -6.0, 6.0)):
        self._view_box = _CanvasViewBox(self._on_view_clicked, self._on_view_dragged)
        super().__init__(parent=parent, viewBox=self._view_box, background="w")
        self._model = model
        self._axes = (0, 1)
        self._cluster_mode = False
        self._selected: set[int] = set()
        self._drag: tuple | None = None
        self._bounds = tuple(float(b) for b in bounds)
        # Cached projection of the model, refreshed on `changed`, used for hit tests.
        self._ids = np.zeros(0, dtype=np.int64)
        self._xy = np.zeros((0, 2))
        self._X = np.zeros((0, 2))
        self._labels = np.zeros(0, dtype=np.int64)
        self._handle_labels = np.zeros(0, dtype=np.int64)
        self._handle_xy = np.zeros((0, 2))
        self._paint = ClassPaint()
        self._held_out = None
        self._grabbers: list = []
        self._grab_cursor = False

        layers = build_layers(self.plot_item, self._view_box, self.POINT_SIZE, self.HANDLE_SIZE)
        self._grid, self._outline = layers.grid, layers.outline
        self._scatter, self._selection = layers.scatter, layers.selection
        self._handles, self._band = layers.handles, layers.band
        # An empty canvas says how to start on the canvas itself (the status line is easy
        # to miss); the hint goes with the first point. ``note``: a line in the top left
        # corner, fixed on screen (a lesson names a constant input there).
        self.empty_hint = pg.TextItem(anchor=(0.5, 0.5), color=(80, 80, 80))
        self.empty_hint.setZValue(12)
        self.plot_item.addItem(self.empty_hint, ignoreBounds=True)
        self.note = pg.TextItem(anchor=(0, 0), color=(40, 40, 40), fill=(255, 255, 255, 215),
                                border=pg.mkPen((150, 150, 150)))
        # Added as a plot item (presentation mode scales those), then pinned to the view
        # box itself: its position is in pixels from the corner, not in data units.
        self.plot_item.addItem(self.note, ignoreBounds=True)
        self.note.setParentItem(self._view_box)
        self.note.setPos(6, 6)
        self.note.setZValue(30)
        self.note.hide()

        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._help = _help(model.class_names)
        self.setToolTip(self._help)
        self.setAccessibleName("Data canvas")
        self._view_box.setToolTip(self._help)
        self.undo_action, self.redo_action = install_undo_actions(self, model.undo_stack)

        # (classes_changed is always followed by changed: one redraw, on changed)
        model.changed.connect(self._on_model_changed)
        model.dim_changed.connect(self._on_model_dim_changed)
        model.current_class_changed.connect(self._on_model_current_class_changed)
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.set_bounds(*self._bounds)
        self._update_axis_labels()
        self._on_model_changed()

    # ------------------------------------------------------------------ public API
    @property
    def plot_item(self) -> pg.PlotItem:
        """The PlotItem; overlays add their items here (see the module's z-order)."""
        return self.getPlotItem()

    @property
    def view_box(self) -> pg.ViewBox:
        return self._view_box

    @property
    def model(self) -> PointsModel:
        return self._model

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self._bounds

    def set_bounds(self, xmin: float, xmax: float, ymin: float, ymax: float) -> None:
        """Show exactly this data box (padded by the locked aspect ratio if needed)."""
        if not (xmax > xmin and ymax > ymin):
            raise ValueError(f"empty bounds {(xmin, xmax, ymin, ymax)}")
        self._bounds = (float(xmin), float(xmax), float(ymin), float(ymax))
        self._view_box.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0.0)
        self.empty_hint.setPos((xmin + xmax) / 2, (ymin + ymax) / 2)

    def set_note(self, text: str) -> None:
        """A line in the canvas's top left corner (e.g. "x3 = 1 (constant)"); "" hides it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    @property
    def projection_axes(self) -> tuple[int, int]:
        """The two data axes shown (horizontal, vertical); (0, 1) for 2-D data."""
        return self._axes

    @projection_axes.setter
    def projection_axes(self, axes) -> None:
        a, b = (int(v) for v in axes)
        if a == b or min(a, b) < 0 or max(a, b) >= self._model.n_dims:
            raise ValueError(f"projection axes {axes} invalid for {self._model.n_dims}-D data")
        self._axes = (a, b)
        self._update_axis_labels()
        self._on_model_changed()
        if getattr(self, "_highlight", None) is not None:
            self._place_highlight()

    def set_highlight(self, x) -> None:
        """A ring around the data point ``x`` (all its coordinates; the shown axes are
        taken): the sample a one-sample step presents. None removes it."""
        item = getattr(self, "_highlight", None)
        if item is None:
            # A near-black ring on a white one: it stands out on every class colour and
            # on the surface's light ones.
            halo = self._highlight_halo = pg.ScatterPlotItem(
                size=26, symbol="o", pen=pg.mkPen("w", width=7.0), brush=None)
            item = self._highlight = pg.ScatterPlotItem(
                size=26, symbol="o", pen=pg.mkPen(HIGHLIGHT, width=3.0), brush=None)
            halo.setZValue(39)
            item.setZValue(40)
            self.plot_item.addItem(halo, ignoreBounds=True)
            self.plot_item.addItem(item, ignoreBounds=True)
        self._highlight_x = None if x is None else np.asarray(x, dtype=np.float64).ravel()
        self._place_highlight()

    def highlight(self) -> tuple[float, float] | None:
        """Where the ring is drawn (data coordinates of the shown axes), None: none."""
        item = getattr(self, "_highlight", None)
        if item is None or not item.isVisible() or not len(item.data):
            return None
        return float(item.data["x"][0]), float(item.data["y"][0])

    def _place_highlight(self) -> None:
        x = getattr(self, "_highlight_x", None)
        a, b = self._axes
        shown = x is not None and max(a, b) < len(x)
        for item in (self._highlight_halo, self._highlight):
            item.setData([x[a]], [x[b]]) if shown else item.setData([])
            item.setVisible(shown)

    @property
    def cluster_mode(self) -> bool:
        return self._cluster_mode

    def set_cluster_mode(self, on: bool) -> None:
        """Show a draggable handle at each class's mean (dragging it moves the class)."""
        self._cluster_mode = bool(on)
        self._handles.setVisible(self._cluster_mode)
        self._refresh_handles()

    def add_grabber(self, grabber) -> None:
        """Something else drawn on the canvas that a drag may take (the window's weight
        drags). ``grabber.grab(x, y, pixel_size, over_point)`` returns None or a drag
        whose ``move(x, y, finish) -> str`` follows the mouse (data coordinates; the
        text goes to the status bar); ``grabber.hover(x, y, pixel_size, over_point)``
        returns None or the tooltip shown with a grab hand. Grabbers are asked after
        the cluster handles and before the rubber band; ``over_point`` says a point is
        under the mouse too (a grabber may leave it to the point)."""
        self._grabbers.append(grabber)

    @property
    def dragging(self) -> bool:
        """True between the start of a mouse drag on the canvas and its release."""
        return self._drag is not None

    @property
    def selected_ids(self) -> list[int]:
        return sorted(self._selected)

    def clear_selection(self) -> None:
        self._selected.clear()
        self._refresh_selection()

    def delete_selection(self) -> None:
        """Remove the selected points (one undo step)."""
        if self._selected:
            ids = sorted(self._selected)
            self._selected.clear()
            self._model.remove_points(ids)

    def point_at(self, x: float, y: float) -> int | None:
        """Id of the point drawn nearest to view position (x, y) within the hit radius."""
        return self._hit(self._xy, self._ids, x, y)

    # ------------------------------------------------------------------ internals
    def _update_axis_labels(self) -> None:
        names = [axis_name(a) for a in self._axes]
        self.plot_item.setLabel("bottom", names[0])
        self.plot_item.setLabel("left", names[1])

    def set_held_out(self, mask_of_ids) -> None:
        """``mask_of_ids(ids) -> bool (n,)``: which points are held out for testing (drawn
        hollow); None draws every point filled."""
        self._held_out = mask_of_ids
        self._on_model_changed()

    def _on_model_changed(self) -> None:
        ids, X, y = self._model.snapshot()
        self._ids, self._X, self._labels = ids, X, y
        self._xy = X[:, list(self._axes)] if len(X) else np.zeros((0, 2))
        held = self._held_out(ids) if self._held_out is not None and len(ids) else None
        if held is None or not held.any():
            brush, pen = [self._paint.brush(int(c)) for c in y], self._outline
        else:
            # Held-out (test) points are drawn hollow in their class colour, as in
            # TensorFlow Playground's "show test data".
            brush = [self._paint.hollow if h else self._paint.brush(int(c)) for c, h in zip(y, held)]
            pen = [self._paint.ring(int(c)) if h else self._outline for c, h in zip(y, held)]
        self._scatter.setData(
            x=self._xy[:, 0], y=self._xy[:, 1], brush=brush, pen=pen, size=self.POINT_SIZE,
        )
        self._selected &= set(ids.tolist())
        self._refresh_selection()
        self._refresh_handles()
        help_text = _help(self._model.class_names)
        if help_text != self._help:  # the classes were renamed, added or replaced
            if self._view_box.toolTip() == self._help:
                self._view_box.setToolTip(help_text)
            self._help = help_text
            self.setToolTip(help_text)
        self._refresh_empty_hint()

    def _on_model_current_class_changed(self, _label: int) -> None:
        self._refresh_empty_hint()

    def _refresh_empty_hint(self) -> None:
        empty = len(self._ids) == 0
        if empty:
            keys = class_keys_hint(self._model.class_names)
            self.empty_hint.setText(
                f"Click to add a point of {self._class_name(self._model.current_class)}"
                + (f"\n{keys}" if keys else ""))
        self.empty_hint.setVisible(empty)

    def _on_model_dim_changed(self, dim: int) -> None:
        if max(self._axes) >= dim:
            self._axes = (0, 1)
            self._update_axis_labels()

    def _refresh_selection(self) -> None:
        if not self._selected:  # (np.isin's first call imported numpy.ma: 26 ms of launch)
            mask = np.zeros(len(self._ids), dtype=bool)
        else:
            mask = np.isin(self._ids, list(self._selected))
        self._selection.setData(x=self._xy[mask, 0], y=self._xy[mask, 1])

    def _refresh_handles(self) -> None:
        if not self._cluster_mode or len(self._labels) == 0:
            self._handle_labels = np.zeros(0, dtype=np.int64)
            self._handle_xy = np.zeros((0, 2))
        else:
            self._handle_labels = np.unique(self._labels)
            self._handle_xy = np.array(
                [self._xy[self._labels == c].mean(axis=0) for c in self._handle_labels])
        self._handles.setData(
            x=self._handle_xy[:, 0], y=self._handle_xy[:, 1],
            brush=[self._paint.brush(int(c)) for c in self._handle_labels],
        )

    def _hit(self, xy: np.ndarray, keys: np.ndarray, x: float, y: float):
        """Key of the row of ``xy`` (m, 2) nearest (x, y) in pixels, if within the radius.

        Tests the cached arrays (what is drawn), not the live PointSet, so a click hits
        what the user sees.
        """
        if len(xy) == 0:
            return None
        return nearest_hit(xy, keys, x, y, self._view_box.viewPixelSize(), self.HIT_RADIUS_PX)

    def _view_pos(self, scene_pos) -> tuple[float, float]:
        p = self._view_box.mapSceneToView(scene_pos)
        return float(p.x()), float(p.y())

    def _clamp(self, x: float, y: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        return min(max(x, x0), x1), min(max(y, y0), y1)

    def _on_view_clicked(self, ev) -> None:
        if ev.double():
            # The first click of a double click already acted; a second edit surprises.
            ev.accept()
            return
        x, y = self._view_pos(ev.scenePos())
        button = ev.button()
        hit = self.point_at(x, y)
        if button == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            ctrl = bool(ev.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
            if hit is not None:
                if ctrl:
                    self._selected ^= {hit}
                else:
                    self._selected = {hit}
                self._refresh_selection()
                self._emit_point_status(hit)
            elif self._cluster_mode and self._hit(
                    self._handle_xy, self._handle_labels, x, y) is not None:
                pass  # a click (no drag) on a handle does nothing
            else:
                self.clear_selection()
                label = self._model.current_class
                point = lift_point(x, y, label, self._X, self._labels, self._axes,
                                   self._model.n_dims)
                try:
                    self._model.add_point(point, label)
                except ValueError as exc:  # beyond the coordinates a session holds
                    self.status_message.emit(str(exc))
                    return
                self.status_message.emit(
                    f"Added a point of {self._class_name(label)} at {self._fmt(x, y)}")
        elif button == QtCore.Qt.MouseButton.RightButton:
            ev.accept()
            if hit is not None:
                self._selected.discard(hit)
                self._model.remove_points([hit])
                self.status_message.emit(f"Deleted the point at {self._fmt(x, y)}")
        else:
            ev.ignore()

    def _on_view_dragged(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        x, y = self._clamp(*self._view_pos(ev.scenePos()))
        if ev.isStart():
            self._drag = self._start_drag(*self._view_pos(ev.buttonDownScenePos()))
        if self._drag is None:
            return
        kind = self._drag[0]
        if kind == "grab":
            self.status_message.emit(self._drag[1].move(x, y, ev.isFinish()))
            if ev.isFinish():
                self._drag = None
                self._set_grab_cursor(None)
            return
        # The status bar follows the drag: coordinates from before it are stale.
        if kind == "point":
            _, pid, dx, dy = self._drag
            try:
                self._model.move_point(pid, (x + dx, y + dy), axes=self._axes)
            except ValueError as exc:  # beyond the coordinates a session holds: stays
                self.status_message.emit(str(exc))
            else:
                verb = "Moved" if ev.isFinish() else "Moving"
                self.status_message.emit(
                    f"{verb} a point of {self._class_name(self._label_of(pid))} to "
                    f"{self._fmt(x + dx, y + dy)}")
        elif kind == "cluster":
            _, label, lx, ly = self._drag
            delta = np.zeros(self._model.n_dims)
            delta[self._axes[0]], delta[self._axes[1]] = x - lx, y - ly
            try:
                if delta.any():
                    self._model.move_cluster(label, delta)
            except ValueError as exc:  # beyond the coordinates a session holds: stays
                self.status_message.emit(str(exc))
            else:
                self._drag = ("cluster", label, x, y)
                self.status_message.emit(f"Moving {self._class_name(label)}: {self._fmt(x, y)}")
        else:
            _, x0, y0 = self._drag
            self._band.setRect(QtCore.QRectF(
                min(x0, x), min(y0, y), abs(x - x0), abs(y - y0)))
            self._band.show()
            self.status_message.emit(self._fmt(x, y))
        if ev.isFinish():
            self._finish_drag(x, y)

    def _start_drag(self, x: float, y: float):
        if self._cluster_mode:
            label = self._hit(self._handle_xy, self._handle_labels, x, y)
            if label is not None:
                return ("cluster", label, x, y)
        pid = self.point_at(x, y)
        for grabber in self._grabbers:
            drag = grabber.grab(x, y, self._view_box.viewPixelSize(), pid is not None)
            if drag is not None:
                self._set_grab_cursor(QtCore.Qt.CursorShape.ClosedHandCursor)
                return ("grab", drag)
        if pid is not None:
            row = int(np.flatnonzero(self._ids == pid)[0])
            # Keep the grab offset so the point does not jump under the cursor.
            return ("point", pid, self._xy[row, 0] - x, self._xy[row, 1] - y)
        return ("band", x, y)

    def _finish_drag(self, x: float, y: float) -> None:
        kind = self._drag[0]
        if kind == "band":
            _, x0, y0 = self._drag
            self._band.hide()
            self._selected = ids_in_band(self._xy, self._ids, x0, y0, x, y)
            self._refresh_selection()
            n = len(self._selected)
            self.status_message.emit(
                f"{n} point{'s' if n != 1 else ''} selected (Delete removes them)")
        else:
            self._model.end_drag()
            if kind == "cluster":
                self.status_message.emit(f"Moved {self._class_name(self._drag[1])}")
        self._drag = None

    # pyqtgraph's scene answers presses with its own click/drag events and leaves the Qt
    # event unaccepted; every press on the canvas is ours, so do not let it propagate.
    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:
        super().mousePressEvent(ev)
        ev.accept()

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent) -> None:
        super().mouseReleaseEvent(ev)
        ev.accept()

    def keyPressEvent(self, ev: QtGui.QKeyEvent) -> None:
        key = ev.key()
        mods = ev.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier
        if QtCore.Qt.Key.Key_0 <= key <= QtCore.Qt.Key.Key_9 and not mods:
            digit = int(key) - int(QtCore.Qt.Key.Key_0)
            index = class_for_key(self._model.class_names, digit)
            if index is not None:
                self._model.current_class = index
                self.status_message.emit(f"Current class: {self._class_name(index)}")
            else:
                self.status_message.emit(f"There is no class {digit}")
            ev.accept()
        elif key in (QtCore.Qt.Key.Key_Delete, QtCore.Qt.Key.Key_Backspace):
            n = len(self._selected)
            self.delete_selection()
            if n:
                self.status_message.emit(f"Deleted {n} point{'s' if n != 1 else ''}")
            ev.accept()
        elif key == QtCore.Qt.Key.Key_Escape and self._selected:
            self.clear_selection()
            ev.accept()
        else:
            super().keyPressEvent(ev)

    def _set_grab_cursor(self, shape) -> None:
        """A hand over something a drag takes (None: the usual arrow)."""
        if shape is None:
            if self._grab_cursor:
                self.viewport().unsetCursor()
                self._grab_cursor = False
        else:
            self.viewport().setCursor(shape)
            self._grab_cursor = True

    @property
    def cursor_shape(self):
        """The viewport's cursor shape (a grab hand over the line, arrow, centroids)."""
        return self.viewport().cursor().shape()

    def _label_of(self, pid: int) -> int:
        return int(self._labels[np.flatnonzero(self._ids == pid)[0]])

    def _class_name(self, label: int) -> str:
        names = self._model.class_names
        return names[label] if 0 <= label < len(names) else f"class {label + 1}"

    def _fmt(self, x: float, y: float) -> str:
        a, b = (axis_name(i) for i in self._axes)
        return f"{a} = {x:.2f}, {b} = {y:.2f}"

    def _emit_point_status(self, pid: int) -> str:
        row = int(np.flatnonzero(self._ids == pid)[0])
        coords = ", ".join(f"{v:.2f}" for v in self._X[row])
        text = f"{self._class_name(int(self._labels[row]))} point at ({coords})"
        self.status_message.emit(text)
        return text

    def _on_scene_mouse_moved(self, scene_pos) -> None:
        if self._drag is not None or not self._view_box.sceneBoundingRect().contains(scene_pos):
            return
        x, y = self._view_pos(scene_pos)
        hit = self.point_at(x, y)
        grab = None
        if not self._cluster_mode or self._hit(self._handle_xy, self._handle_labels,
                                               x, y) is None:
            px = self._view_box.viewPixelSize()
            grab = next((t for g in self._grabbers
                         if (t := g.hover(x, y, px, hit is not None))), None)
        self._set_grab_cursor(QtCore.Qt.CursorShape.OpenHandCursor if grab else None)
        if grab:
            self._view_box.setToolTip(grab)
            self.status_message.emit(grab)
        elif hit is not None:
            self._view_box.setToolTip(self._emit_point_status(hit))
        else:
            self._view_box.setToolTip(self._help)
            text = self._fmt(x, y)
            if len(self._ids) == 0:  # an empty canvas: say how to start
                names = self._model.class_names
                hint = class_keys_hint(names)
                text += (f" — a click adds a point of {self._class_name(self._model.current_class)}"
                         + (f"; {hint.lower()}" if hint else ""))
            self.status_message.emit(text)
