"""Issue 8, items 7, 9, 10 and 11 as a newcomer met them, driven like a user: the 4th
axis's name, banners that moved the canvas, Space in a number field, the competitive
layer's drawing, the error plot's right end, the Play tooltip, the status bar after a
drag, the error legend after F11, and number keys against the classes' names."""

from __future__ import annotations


import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from nnplayground.ui.views.network_view import NetworkView
from tests.ui.conftest_canvas_helpers import drag, hover, to_widget
from tests.ui.window_helpers import (
    assert_readable,
    choose,
    focus_canvas,
    key,
    load,
    visible_texts,
    wait_idle,
)

Qt = QtCore.Qt


def status(w) -> str:
    return w.statusBar().currentMessage()


# ------------------------------------------------------------------ item 7: axis names
def test_the_4th_axis_has_one_name_in_the_menu_the_table_and_on_the_canvas(qtbot, window):
    w = window
    load(qtbot, w, "Two blobs (autoencoder)")
    combo, table = w.centre.axes_combo, w.centre.centroid_table
    assert combo.isVisible() and table.isVisible()
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["x – y", "x – z", "x – x4", "y – z", "y – x4", "z – x4"]
    headers = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert headers == ["x", "y", "z", "x4"]
    assert table.item(0, 3).toolTip().endswith(", x4")

    choose(qtbot, combo, "y – x4")
    plot = w.canvas.plot_item
    qtbot.waitUntil(lambda: plot.getAxis("left").labelText == "x4")
    assert plot.getAxis("bottom").labelText == "y"


# ------------------------------------------------------------------ item 9: banners
def _screen_pixels(canvas, points):
    return [canvas.viewport().mapToGlobal(to_widget(canvas, x, y)) for x, y in points]


def test_a_banner_leaves_the_point_under_the_mouse_where_it_was(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    canvas, banner = w.canvas, w.centre.banner
    points = [(0.0, 0.0), (2.0, -3.0), (-4.0, 4.0), (3.5, 3.5)]
    before = (_screen_pixels(canvas, points), canvas.geometry(), canvas.view_box.viewRange())

    key(qtbot, w, Qt.Key.Key_Space)  # Play: the perceptron converges and says so
    wait_idle(qtbot, w)
    qtbot.waitUntil(banner.isVisible)
    assert "Converged" in banner.text()
    QtWidgets.QApplication.processEvents()  # a layout would move the canvas by now
    after = (_screen_pixels(canvas, points), canvas.geometry(), canvas.view_box.viewRange())
    assert after == before
    # Over the top of the canvas, all of it readable.
    top_left = canvas.mapFromGlobal(banner.mapToGlobal(QtCore.QPoint(0, 0)))
    assert canvas.rect().contains(QtCore.QRect(top_left, banner.size()))
    assert top_left.y() < canvas.height() // 4
    assert banner.height() >= banner.heightForWidth(banner.width())
    assert banner.toolTip() and banner.accessibleName()

    qtbot.mouseClick(banner, Qt.MouseButton.LeftButton)  # a click puts it away
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert _screen_pixels(canvas, points) == before[0]


# ------------------------------------------------------------------ item 10: Space
def test_space_plays_from_number_fields_and_types_in_a_class_name(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    rate = w.model_panel.mlp_lr.combo
    for field in (rate, w.model_panel.seed_box.spin):
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        key(qtbot, w, Qt.Key.Key_Space)
        assert w.trainer.is_running(), field.accessibleName()
        key(qtbot, w, Qt.Key.Key_Space)
        wait_idle(qtbot, w)
    assert rate.currentText() == "0.03"  # no space typed into it
    assert w.model_panel.seed_box.spin.text() == "0"

    # A class name is text: Space types a space there.
    classes = w.data_panel.class_list
    classes.setFocus()
    classes.setCurrentRow(1)
    qtbot.keyClick(classes, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QtWidgets.QApplication.focusWidget(), QtWidgets.QLineEdit))
    editor = QtWidgets.QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "arm B")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.points.class_names[1] == "arm B")
    assert not w.trainer.is_running()


def test_a_button_keeps_space_only_when_reached_with_tab(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    lines = w.model_panel.mlp_hidden_lines
    qtbot.mouseClick(lines, Qt.MouseButton.LeftButton)
    assert lines.isChecked() and not lines.hasFocus()  # a click leaves the focus alone
    key(qtbot, w, Qt.Key.Key_Space)
    assert w.trainer.is_running() and lines.isChecked()
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)

    add = w.data_panel.add_class_button
    n = w.points.n_classes
    add.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(add.hasFocus)
    key(qtbot, w, Qt.Key.Key_Space)  # pressed, as in any Qt program
    qtbot.waitUntil(lambda: w.points.n_classes == n + 1)
    assert not w.trainer.is_running()


def test_the_play_tooltip_names_space_once_and_says_where_it_plays(window):
    play = window.actions_.play
    first, note = play.toolTip().split("\n")
    assert first == "Train the model, or pause it (Space)."
    assert "class name" in note and "Tab" in note and "(Space pauses)" not in note
    assert note in play.statusTip()


# ------------------------------------------------------------------ item 11
def test_the_competitive_layers_drawing_is_readable(qtbot, window):
    w = window
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_S)  # one epoch: the centroids exist
    wait_idle(qtbot, w)
    w.tabs.setCurrentWidget(w.network_view)
    view = w.network_view
    qtbot.waitUntil(lambda: view.layer_sizes == (3, 5))
    assert_readable(view)
    names = {item.text() for item in visible_texts(view)}
    assert {"x", "y", "z"} <= names  # the inputs are the data's axes
    centroids = w.trainer.model.centroids
    assert "(" + ", ".join(f"{v:.2f}" for v in centroids[4]) + ")" in names


@pytest.mark.parametrize("inputs, neurons", [(3, 5), (2, 5), (2, 3), (4, 2)])
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_competitive_drawing_has_no_overlapping_texts(shown, inputs, neurons, scale):
    view = shown(NetworkView(), 400, 330)  # the window's network tab at 1280x800
    view.set_text_scale(scale)  # 1.5: presentation mode
    view.set_competitive(np.random.default_rng(1).normal(0.0, 3.0, (neurons, inputs)))
    assert_readable(view)


def _tick_labels(axis):
    """(text, rect in the plot widget's pixels) of every label the axis draws."""
    image = QtGui.QImage(4, 4, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    view = axis.getViewWidget()
    return [(text, view.mapFromScene(axis.mapRectToScene(rect)).boundingRect())
            for rect, _, text in texts]


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_error_plot_ends_inside_the_window(qtbot, window, size):
    w = window
    w.resize(*size)
    plot = w.error_view
    qtbot.waitUntil(lambda: w.size() == QtCore.QSize(*size))
    QtWidgets.QApplication.processEvents()
    right = plot.mapTo(w, QtCore.QPoint(plot.width(), 0)).x()
    assert right <= w.width()
    axis = plot.getPlotItem().getAxis("bottom")
    last = axis.range[1]
    labels = dict(_tick_labels(axis))
    assert f"{last:g}" in labels, f"the last epoch ({last:g}) has no label: {sorted(labels)}"
    assert plot.rect().contains(labels[f"{last:g}"])
    legend = plot.getPlotItem().legend
    box = plot.getPlotItem().getViewBox()
    assert box.sceneBoundingRect().contains(legend.sceneBoundingRect())


def test_the_status_bar_follows_a_drag(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias")
    X, _ = w.points.point_set.arrays()
    start = tuple(X[0])
    hover(qtbot, w.canvas, *start, lambda: "point at" in status(w))
    drag(qtbot, w.canvas, start, (start[0] + 1.5, start[1] - 1.0))
    X, _ = w.points.point_set.arrays()
    x, y = X[0]
    assert abs(x - start[0] - 1.5) < 0.1  # it moved
    assert status(w).startswith("Moved a point of ")
    assert status(w).endswith(f"to x = {x:.2f}, y = {y:.2f}")


def test_after_f11_and_back_the_error_legend_is_as_wide_as_before(qtbot, window):
    w = window
    legend = w.error_view.getPlotItem().legend

    def size():
        return (legend.boundingRect().size(), [label.width() for _, label in legend.items],
                legend.sceneBoundingRect().topRight())

    before = size()
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen)
    qtbot.waitUntil(lambda: size()[0].width() > before[0].width())
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen())
    qtbot.waitUntil(lambda: w.size() == QtCore.QSize(1280, 800))
    assert size()[:2] == before[:2]


def test_number_keys_choose_the_class_of_that_name(qtbot, window):
    w = window
    load(qtbot, w, "AND")
    assert w.points.class_names == ["0", "1"]
    canvas = w.canvas
    assert "Keys 0-1 choose the class" in canvas.toolTip()
    key(qtbot, w, Qt.Key.Key_1)
    assert w.points.current_class == 1 and status(w) == "Current class: 1"
    key(qtbot, w, Qt.Key.Key_0)
    assert w.points.current_class == 0 and status(w) == "Current class: 0"
    key(qtbot, w, Qt.Key.Key_2)
    assert w.points.current_class == 0 and status(w) == "There is no class 2"

    # On an empty canvas the status bar says how to start, and which keys choose.
    qtbot.mouseClick(w.data_panel.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(w.points) == 0)
    hover(qtbot, canvas, 0.5, 0.5, lambda: "a click adds" in status(w))
    assert status(w).endswith("a click adds a point of 0; keys 0-1 choose the class")

    # Classes named by words: keys 1, 2, ... choose the first, the second, ...
    load(qtbot, w, "Circle")
    assert "Keys 1-2 choose the class" in w.canvas.toolTip()
    key(qtbot, w, Qt.Key.Key_2)
    assert w.points.current_class == 1
    assert status(w) == f"Current class: {w.points.class_names[1]}"
