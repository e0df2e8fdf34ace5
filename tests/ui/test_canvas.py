"""The canvas driven like a user (mouse at data coordinates, keys) and its undo model."""

from __future__ import annotations

import numpy as np
import pytest
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from nnplayground.core.palette import class_color
from nnplayground.core.points import PointSet
from nnplayground.ui.canvas.canvas import CanvasWidget
from nnplayground.ui.canvas.points_model import PointsModel
from tests.ui.conftest_canvas_helpers import (
    click, drag, hover, pixel_tolerance, points_near, to_widget,
)

Qt = QtCore.Qt


def make_canvas(qtbot, point_set=None):
    model = PointsModel(point_set)
    canvas = CanvasWidget(model)
    qtbot.addWidget(canvas)
    canvas.resize(520, 480)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.activateWindow()
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    return canvas, model


def press(qtbot, canvas, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(canvas, key, modifier)


def undo(qtbot, canvas):
    press(qtbot, canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo(qtbot, canvas):
    press(qtbot, canvas, Qt.Key.Key_Z,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def blobs(rng, centres, n=10, sd=0.4):
    X = np.concatenate([c + sd * rng.standard_normal((n, len(c))) for c in centres])
    y = np.repeat(np.arange(len(centres)), n)
    return X, y


def test_click_adds_a_point_of_the_current_class_where_clicked(qtbot):
    canvas, model = make_canvas(qtbot)
    with qtbot.waitSignal(model.changed):
        click(qtbot, canvas, 1.5, -2.0)
    X, y = points_near(canvas, 1.5, -2.0)
    assert len(model) == 1 and len(X) == 1 and y.tolist() == [0]
    assert model.undo_stack.undoText() == "Add point"

    press(qtbot, canvas, Qt.Key.Key_2)
    assert model.current_class == 1
    click(qtbot, canvas, -3.0, 4.0)
    X, y = points_near(canvas, -3.0, 4.0)
    assert y.tolist() == [1]
    # Far from the clicks: nothing there (the tolerance is a pixel, not a region).
    assert len(points_near(canvas, 0.0, 0.0)[0]) == 0


def test_number_key_without_such_class_keeps_the_current_class(qtbot):
    canvas, model = make_canvas(qtbot)
    messages = []
    canvas.status_message.connect(messages.append)
    press(qtbot, canvas, Qt.Key.Key_5)
    assert model.current_class == 0
    assert messages[-1] == "There is no class 5"
    model.add_class("C")
    press(qtbot, canvas, Qt.Key.Key_3)
    assert model.current_class == 2


def test_drag_moves_a_point_and_one_ctrl_z_puts_it_back(qtbot):
    canvas, model = make_canvas(qtbot)
    click(qtbot, canvas, 0.0, 0.0)
    (pid,), X0, _ = model.snapshot()
    drag(qtbot, canvas, tuple(X0[0]), (3.0, -1.0))
    tol = pixel_tolerance(canvas)
    _, X1, _ = model.snapshot()
    np.testing.assert_allclose(X1[0], [3.0, -1.0], atol=tol)
    # One undo step for the whole drag, however many move events it had.
    assert model.undo_stack.count() == 2
    assert model.undo_stack.undoText() == "Move point"
    undo(qtbot, canvas)
    ids, X2, _ = model.snapshot()
    assert ids.tolist() == [pid]
    np.testing.assert_array_equal(X2, X0)
    redo(qtbot, canvas)
    np.testing.assert_array_equal(model.snapshot()[1], X1)


def test_right_click_removes_the_point_and_undo_brings_it_back(qtbot):
    canvas, model = make_canvas(qtbot)
    click(qtbot, canvas, 2.0, 2.0)
    click(qtbot, canvas, -2.0, -2.0)
    ids, X, _ = model.snapshot()
    click(qtbot, canvas, *X[0], button=Qt.MouseButton.RightButton)
    assert model.snapshot()[0].tolist() == [ids[1]]
    assert model.undo_stack.undoText() == "Delete point"
    # A right click on empty space deletes nothing.
    click(qtbot, canvas, 5.0, -5.0, button=Qt.MouseButton.RightButton)
    assert len(model) == 1
    undo(qtbot, canvas)
    ids2, X2, _ = model.snapshot()
    np.testing.assert_array_equal(ids2, ids)
    np.testing.assert_array_equal(X2, X)


def test_ctrl_z_removes_the_last_point_and_ctrl_shift_z_redoes(qtbot):
    canvas, model = make_canvas(qtbot)
    click(qtbot, canvas, 1.0, 1.0)
    click(qtbot, canvas, -1.0, 3.0)
    undo(qtbot, canvas)
    assert len(model) == 1 and len(points_near(canvas, -1.0, 3.0)[0]) == 0
    assert len(points_near(canvas, 1.0, 1.0)[0]) == 1
    redo(qtbot, canvas)
    assert len(model) == 2 and len(points_near(canvas, -1.0, 3.0)[0]) == 1


def test_click_selects_and_delete_removes_the_selection(qtbot):
    canvas, model = make_canvas(qtbot)
    for x, y in [(-4.0, -4.0), (-3.5, -3.0), (-3.0, -4.5), (3.0, 3.0)]:
        click(qtbot, canvas, x, y)
    ids, X, _ = model.snapshot()
    click(qtbot, canvas, *X[3])  # on a point: selects, adds nothing
    assert len(model) == 4 and canvas.selected_ids == [ids[3]]
    press(qtbot, canvas, Qt.Key.Key_Delete)
    assert model.snapshot()[0].tolist() == ids[:3].tolist()
    # Rubber band around the three remaining points.
    drag(qtbot, canvas, (-5.0, -5.5), (-2.0, -2.0))
    assert canvas.selected_ids == ids[:3].tolist()
    press(qtbot, canvas, Qt.Key.Key_Delete)
    assert len(model) == 0
    assert model.undo_stack.undoText() == "Delete 3 points"
    undo(qtbot, canvas)
    np.testing.assert_array_equal(model.snapshot()[1], X[:3])


def test_preset_replace_is_undoable(qtbot):
    canvas, model = make_canvas(qtbot)
    click(qtbot, canvas, 1.0, 2.0)
    before = model.snapshot()
    rng = np.random.default_rng(0)
    X, y = blobs(rng, [(-2, -2), (2, 2), (2, -2)])
    model.replace_all(X, y, ["a", "b", "c"], name="Spiral")
    assert model.undo_stack.undoText() == "Load preset Spiral"
    assert model.class_names == ["a", "b", "c"]
    np.testing.assert_array_equal(model.snapshot()[1], X)
    undo(qtbot, canvas)
    after = model.snapshot()
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert model.class_names == ["Class 1", "Class 2"]
    # The add under the preset is still undoable: ids survived the round trip.
    undo(qtbot, canvas)
    assert len(model) == 0


def test_a_data_set_the_point_set_refuses_leaves_points_and_undo_as_they_were(qtbot):
    """A point beyond the canvas (+-1e9) in a whole data set: a clear ValueError, and no
    broken step on the undo stack (a command whose first redo failed stayed there)."""
    canvas, model = make_canvas(qtbot)
    click(qtbot, canvas, 1.0, 2.0)
    before, depth = model.snapshot(), model.undo_stack.count()
    with pytest.raises(ValueError, match="within"):
        model.replace_all(np.array([[2e9, 0.0], [0.0, 1.0]]), [0, 1], ["a", "b"], name="far")
    assert model.undo_stack.count() == depth and model.undo_stack.undoText() == "Add point"
    for a, b in zip(before, model.snapshot()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="within"):
        model.add_point([0.0, -3e9])
    assert model.undo_stack.count() == depth and len(model) == 1


def test_dragging_a_centroid_handle_moves_its_whole_cluster(qtbot):
    rng = np.random.default_rng(1)
    X, y = blobs(rng, [(-3, -2), (2, 3)])
    canvas, model = make_canvas(qtbot, PointSet(2, ["A", "B"], X, y))
    canvas.set_cluster_mode(True)
    centre = X[y == 1].mean(axis=0)
    drag(qtbot, canvas, tuple(centre), (centre[0] - 2.0, centre[1] - 1.0))
    _, X1, _ = model.snapshot()
    shift = X1 - X
    np.testing.assert_array_equal(shift[y == 0], 0.0)  # the other class did not move
    # Every point of the cluster moved by the same delta, about the mouse's (-2, -1).
    np.testing.assert_allclose(shift[y == 1] - shift[y == 1][0], 0.0, atol=1e-12)
    np.testing.assert_allclose(shift[y == 1][0], [-2.0, -1.0], atol=2 * pixel_tolerance(canvas))
    assert model.undo_stack.count() == 1
    assert model.undo_stack.undoText() == "Move cluster B"
    undo(qtbot, canvas)
    np.testing.assert_array_equal(model.snapshot()[1], X)


def test_3d_projection_edits_leave_the_hidden_axis_untouched(qtbot):
    rng = np.random.default_rng(2)
    X, y = blobs(rng, [(1, 2, 1), (-3, 3, 0)], n=8)
    canvas, model = make_canvas(qtbot, PointSet(3, ["A", "B"], X, y))
    canvas.projection_axes = (0, 2)
    assert canvas.plot_item.getAxis("bottom").labelText == "x"
    assert canvas.plot_item.getAxis("left").labelText == "z"
    press(qtbot, canvas, Qt.Key.Key_2)
    click(qtbot, canvas, 4.0, -4.0)
    ids, X1, y1 = model.snapshot()
    new = X1[-1]
    assert y1[-1] == 1
    np.testing.assert_allclose(new[[0, 2]], [4.0, -4.0], atol=pixel_tolerance(canvas))
    assert new[1] == pytest.approx(X[y == 1, 1].mean(), abs=1e-12)

    drag(qtbot, canvas, (X[0, 0], X[0, 2]), (-1.0, 5.0))
    X2 = model.snapshot()[1]
    assert X2[0, 1] == X[0, 1]  # y, not shown, exactly unchanged
    np.testing.assert_allclose(X2[0, [0, 2]], [-1.0, 5.0], atol=pixel_tolerance(canvas))
    np.testing.assert_array_equal(X2[1:], X1[1:])


def test_points_are_drawn_in_their_class_colour(qtbot):
    canvas, model = make_canvas(qtbot)
    model.add_point((0.0, 0.0), 0)
    model.add_point((3.0, 3.0), 1)
    image = canvas.grab().toImage()
    for (x, y), label in [((0.0, 0.0), 0), ((3.0, 3.0), 1)]:
        p = to_widget(canvas, x, y)
        got = image.pixelColor(p.x(), p.y())
        want = QtGui.QColor(class_color(label))
        assert abs(got.red() - want.red()) + abs(got.green() - want.green()) \
            + abs(got.blue() - want.blue()) < 40


def test_a_point_dragged_after_the_canvas_was_drawn_is_drawn_at_its_new_place(qtbot):
    # The points are kept as a picture of their own, drawn again only when they change.
    canvas, model = make_canvas(qtbot)
    model.add_point((0.0, 0.0), 1)
    want = QtGui.QColor(class_color(1))

    def shows_point(image, x, y) -> bool:
        p = to_widget(canvas, x, y)
        got = image.pixelColor(p.x(), p.y())
        return abs(got.red() - want.red()) + abs(got.green() - want.green()) \
            + abs(got.blue() - want.blue()) < 40

    assert shows_point(canvas.grab().toImage(), 0.0, 0.0)
    drag(qtbot, canvas, (0.0, 0.0), (3.0, -2.0))
    image = canvas.grab().toImage()
    assert shows_point(image, 3.0, -2.0) and not shows_point(image, 0.0, 0.0)


def test_a_point_that_comes_into_view_is_drawn(qtbot):
    # The points are kept as a picture of their own; one that was out of view is drawn.
    canvas, model = make_canvas(qtbot)
    model.add_point((12.0, 0.0), 1)  # outside the view of -6..6
    canvas.view_box.setRange(xRange=(-6, 6), yRange=(-6, 6), padding=0)
    canvas.grab()
    canvas.view_box.setRange(xRange=(6, 18), yRange=(-6, 6), padding=0)
    p = to_widget(canvas, 12.0, 0.0)
    got = canvas.grab().toImage().pixelColor(p.x(), p.y())
    want = QtGui.QColor(class_color(1))
    assert abs(got.red() - want.red()) + abs(got.green() - want.green()) \
        + abs(got.blue() - want.blue()) < 40


def test_points_moved_to_a_screen_of_another_pixel_ratio_are_drawn_for_it(qtbot):
    # Symbols drawn for a 2x screen, then the window is on a 1x one (this screen): they
    # are drawn again for it, also when Qt paints the points' cache picture.
    canvas, model = make_canvas(qtbot)
    model.add_point((0.0, 0.0), 1)
    scatter = next(item for item in canvas.plot_item.items
                   if isinstance(item, pg.ScatterPlotItem) and len(item.data))
    scatter.fragmentAtlas.setDevicePixelRatio(2.0)
    scatter.fragmentAtlas.clear()
    scatter.update()
    canvas.grab()
    assert scatter.fragmentAtlas.devicePixelRatio() == canvas.devicePixelRatioF() == 1.0


def test_the_points_picture_of_a_full_screen_canvas_on_a_2x_screen_fits_in_the_cache():
    from PySide6.QtGui import QPixmapCache

    from nnplayground.ui.app import enlarge_pixmap_cache

    enlarge_pixmap_cache()  # as make_application does
    # The whole of a 1920 x 1200 screen at 2x (a laptop's Retina screen, a projector):
    # 4 bytes a pixel, and room for Qt's own pictures beside it.
    picture_kb = (2 * 1920) * (2 * 1200) * 4 / 1024
    assert QPixmapCache.cacheLimit() >= 1.5 * picture_kb


def test_hover_reports_the_point_under_the_mouse(qtbot):
    canvas, model = make_canvas(qtbot)
    model.add_point((1.25, -0.5), 1)
    messages = []
    canvas.status_message.connect(messages.append)
    hover(qtbot, canvas, 1.25, -0.5, lambda: bool(messages))
    assert messages[-1] == "Class 2 point at (1.25, -0.50)"
    assert canvas.view_box.toolTip() == messages[-1]


# ---------------------------------------------------------------- the model alone
def test_moves_merge_until_end_drag():
    model = PointsModel()
    pid = model.add_point((0.0, 0.0))
    for v in (0.5, 1.0, 1.5):
        model.move_point(pid, (v, v))
    model.end_drag()
    model.move_point(pid, (9.0, 9.0))
    assert model.undo_stack.count() == 3  # add, one merged drag, one more move
    model.undo_stack.undo()
    np.testing.assert_array_equal(model.snapshot()[1], [[1.5, 1.5]])
    model.undo_stack.undo()
    np.testing.assert_array_equal(model.snapshot()[1], [[0.0, 0.0]])


def test_remove_class_relabels_and_undo_restores_everything():
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0, 1, 2, 1, 2, 0])
    model = PointsModel(PointSet(2, ["A", "B", "C"], X, y))
    model.current_class = 2
    assert model.count_in_class(1) == 2
    model.remove_class(1)
    ids, X1, y1 = model.snapshot()
    assert model.class_names == ["A", "C"] and model.current_class == 1
    np.testing.assert_array_equal(X1, X[[0, 2, 4, 5]])
    np.testing.assert_array_equal(y1, [0, 1, 1, 0])
    model.undo_stack.undo()
    ids2, X2, y2 = model.snapshot()
    np.testing.assert_array_equal(ids2, np.arange(6))
    np.testing.assert_array_equal(y2, y)
    assert model.class_names == ["A", "B", "C"] and model.current_class == 2


def test_preset_of_another_dimension_swaps_the_set_and_undo_swaps_back():
    model = PointsModel()
    model.add_point((1.0, 1.0))
    old = model.point_set
    dims = []
    model.dim_changed.connect(dims.append)
    model.replace_all(np.ones((4, 3)), [0, 1, 2, 3], list("abcd"), name="Five clusters")
    assert model.n_dims == 3 and model.point_set is not old and dims == [3]
    model.undo_stack.undo()
    assert model.point_set is old and dims == [3, 2]
    np.testing.assert_array_equal(model.snapshot()[1], [[1.0, 1.0]])
    model.undo_stack.redo()
    assert model.n_dims == 3 and len(model) == 4


def test_clear_and_bad_edits():
    model = PointsModel()
    model.add_point((1.0, 2.0))
    model.clear()
    assert len(model) == 0 and model.undo_stack.undoText() == "Clear points"
    model.undo_stack.undo()
    assert len(model) == 1
    count = model.undo_stack.count()
    with pytest.raises(ValueError):
        model.add_point((1.0, 2.0), label=5)
    with pytest.raises(KeyError):
        model.move_point(99, (0.0, 0.0))
    with pytest.raises(ValueError):
        model.add_point((np.nan, 0.0))
    assert model.undo_stack.count() == count  # nothing half-done on the stack


def test_the_sample_ring_stands_out_on_points_of_the_class_colours(qtbot, window):
    """The ring was the orange of class 1: on an orange cluster it vanished."""
    from nnplayground.core.palette import HIGHLIGHT
    from tests.ui.window_helpers import rgb_pixels

    w = window
    w.load_preset("XOR", 0, 0.0)
    X, y = w.points.point_set.arrays()
    x = X[y == 0][0]  # an orange point among orange points
    canvas = w.canvas
    centre = canvas.plot_item.vb.mapViewToScene(QtCore.QPointF(float(x[0]), float(x[1])))
    at = canvas.mapFromScene(centre)
    box = QtCore.QRect(at.x() - 20, at.y() - 20, 40, 40)
    ink = np.array([int(HIGHLIGHT[i:i + 2], 16) for i in (1, 3, 5)])

    def dark():
        pixels = rgb_pixels(canvas.grab(box).toImage()).reshape(-1, 3).astype(int)
        return int((np.abs(pixels - ink).max(axis=1) <= 30).sum())

    without = dark()
    canvas.set_highlight(x)
    qtbot.waitUntil(lambda: dark() > without + 80)
