"""The network drawing: one line per weight, sign as colour, magnitude as width, values
on hover, and items that survive weight updates; the panel's largest network drawn in
batches, readable, each weight found on hover."""

from __future__ import annotations


import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QRectF
from PySide6.QtGui import QHelpEvent, QImage, QPainter
from PySide6.QtWidgets import (QApplication, QStyleOptionGraphicsItem,
                               QToolTip)

from nnplayground.ui.views.network_connections import SMOOTH_LINES, ConnectionsItem
from nnplayground.ui.views.network_items import NEGATIVE, POSITIVE
from nnplayground.ui.views.network_view import MIN_WIDTH, NetworkView
from tests.ui.window_helpers import assert_readable


def random_net(sizes, seed=0):
    rng = np.random.default_rng(seed)
    W = [rng.normal(0.0, 1.0, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    B = [rng.normal(0.0, 0.5, b) for b in sizes[1:]]
    return W, B


@pytest.fixture
def view(shown):
    return shown(NetworkView(), 800, 500)


def rgb(item):
    c = item.pen().color()
    return (c.red(), c.green(), c.blue())


def test_one_line_per_weight_and_one_circle_per_neuron(view):
    sizes = [3, 5, 4, 2]
    W, B = random_net(sizes)
    view.set_network(sizes, W, B)
    assert len(view.connection_items()) == 3 * 5 + 5 * 4 + 4 * 2
    assert len(view.neuron_items()) == sum(sizes)
    assert view.layer_sizes == tuple(sizes)
    # Input on the left, output on the right; each line joins its two neurons' centres.
    line = view.connection_item(1, 2, 3).line()
    assert line.p1() == view.neuron_item(1, 2).rect().center()
    assert line.p2() == view.neuron_item(2, 3).rect().center()
    assert view.neuron_item(0, 0).rect().center().x() < view.neuron_item(3, 0).rect().center().x()


def test_sign_is_colour_and_magnitude_is_width(view):
    W = [np.array([[0.5, -2.0, 0.0, 1.0, -0.25]])]  # one input, five outputs
    view.set_network([1, 5], W)
    items = [view.connection_item(0, 0, j) for j in range(5)]
    blue, vermillion = (POSITIVE.red(), POSITIVE.green(), POSITIVE.blue()), (
        NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue())
    assert rgb(items[0]) == blue and rgb(items[3]) == blue
    assert rgb(items[1]) == vermillion and rgb(items[4]) == vermillion
    assert rgb(items[2]) not in (blue, vermillion)
    widths = [it.pen().widthF() for it in items]
    order = np.argsort(np.abs(W[0][0]))
    assert np.all(np.diff(np.array(widths)[order]) > 0)  # strictly wider as |w| grows
    assert widths[2] == MIN_WIDTH  # a zero weight is still drawn, at the minimum width
    assert max(widths) == widths[1]  # the largest |w| gets the widest line


def test_tooltips_give_the_numbers(view):
    sizes = [2, 3, 1]
    W, B = random_net(sizes, seed=3)
    W[1][2, 0] = -0.734
    acts = [np.array([0.5, -1.0]), np.array([[0.1, 0.2, 0.9]]), np.array([0.25])]
    view.set_network(sizes, W, B, acts)
    assert view.connection_item(1, 2, 0).toolTip() == "w[1][2→0] = -0.734"
    tip = view.neuron_item(1, 2).toolTip()
    assert "hidden 1, neuron 3" in tip  # neurons count from 1, as layers do
    assert f"b[0][2] = {B[0][2]:.3f}" in tip and "activation = 0.900" in tip
    assert "bias" not in view.neuron_item(0, 0).toolTip()  # inputs have no bias
    assert view.value_item(1, 2).text() == "0.90" and view.value_item(1, 2).isVisible()


def test_hovering_a_thin_line_shows_its_weight(view, qtbot):
    W = [np.array([[5.0], [0.01]])]  # the second line is drawn at the minimum width
    view.set_network([2, 1], W)
    item = view.connection_item(0, 1, 0)
    line = item.line()
    # A few pixels beside the line still counts as on it (found by geometry: the lines
    # are drawn in batches, not one graphics item each).
    mid = view.mapFromScene(line.pointAt(0.5)) + QPoint(0, 3)
    assert view.connection_at(mid) is item
    event = QHelpEvent(QEvent.Type.ToolTip, mid, view.viewport().mapToGlobal(mid))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert "0.010" in QToolTip.text()
    QToolTip.hideText()


def test_same_architecture_keeps_items_new_architecture_rebuilds(view):
    sizes = [2, 4, 1]
    W, B = random_net(sizes, seed=1)
    view.set_network(sizes, W, B)
    lines, circles = view.connection_items(), view.neuron_items()
    W2 = [-w for w in W]
    view.set_network(sizes, W2, B)
    assert all(a is b for a, b in zip(view.connection_items(), lines))
    assert all(a is b for a, b in zip(view.neuron_items(), circles))
    assert view.connection_item(0, 1, 2).toolTip() == f"w[0][1→2] = {W2[0][1, 2]:.3f}"

    W3, B3 = random_net([2, 3, 1], seed=2)
    view.set_network([2, 3, 1], W3, B3)
    assert len(view.connection_items()) == 2 * 3 + 3
    assert not any(a is b for a in view.connection_items() for b in lines)
    assert all(item.scene() is None for item in lines + circles)  # old ones are gone


def test_perceptron_and_competitive_layer(view):
    view.set_perceptron(np.array([0.8, -0.4]), 0.3)
    assert view.layer_sizes == (2, 1)
    assert view.connection_item(0, 1, 0).toolTip() == "w[0][1→0] = -0.400"
    assert "b[0][0] = 0.300" in view.neuron_item(1, 0).toolTip()
    view.set_perceptron(np.array([0.8, -0.4]))  # no bias: no bias square
    assert "no bias" in view.neuron_item(1, 0).toolTip()

    C = np.array([[1.0, 2.0, 1.0], [2.0, 5.0, 2.0], [-3.0, 3.0, 0.0], [5.0, -1.0, -1.0]])
    view.set_competitive(C)
    assert view.layer_sizes == (3, 4)
    assert len(view.connection_items()) == 12
    tip = view.connection_item(0, 1, 3).toolTip()  # input 1 -> neuron 3: C[3, 1]
    assert "centroid 4, y: -1.000" in tip  # numbered and named as on the canvas
    assert "neurons" in view.neuron_item(1, 0).toolTip()


def test_wide_layer_fits_without_overlap(view):
    sizes = [20, 10, 10]
    W, B = random_net(sizes)
    view.set_network(sizes, W, B)
    rects = [view.neuron_item(0, i).rect() for i in range(20)]
    assert all(not a.intersects(b) for a, b in zip(rects[:-1], rects[1:]))
    area = view.viewport().rect()
    for item in view.neuron_items():
        assert area.contains(view.mapFromScene(item.rect().center()))
    r_before = rects[0].width()
    view.resize(800, 900)  # more room: circles grow, items stay the same objects
    QApplication.processEvents()
    assert view.neuron_item(0, 0).rect().width() > r_before


def test_bad_shapes_are_rejected(view):
    with pytest.raises(ValueError):
        view.set_network([2, 3], [np.zeros((3, 2))])
    with pytest.raises(ValueError):
        view.set_network([2, 3, 1], [np.zeros((2, 3))])
    with pytest.raises(ValueError):
        view.set_network([2, 3], [np.zeros((2, 3))], biases=[np.zeros(2)])


def test_non_finite_weights_do_not_break_the_drawing(view):
    W = [np.array([[np.nan, 1.0], [np.inf, -1.0]])]
    view.set_network([2, 2], W, activations=[np.array([np.nan, 1.0]), None])
    assert view.connection_item(0, 0, 0).pen().widthF() == MIN_WIDTH
    assert "nan" in view.connection_item(0, 0, 0).toolTip()


# ------------------------------------------------------------ the panel's largest network
BIG = [2, *[32] * 6, 1]  # 5,216 connections


def big_net():
    W, B = random_net(BIG, seed=4)
    W = [0.1 * w for w in W]
    W[3][31, 7] = 5.0  # the strongest weight, drawn on top of every other line
    return W, B


def show_tooltip_at(view, qtbot, pos: QPoint) -> str:
    """Rest the mouse at ``pos`` (viewport pixels) until Qt asks for a tooltip."""
    qtbot.mouseMove(view.viewport(), pos)
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos,
                                                       view.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def test_the_largest_network_is_drawn_in_batches_that_survive_training(view):
    W, B = big_net()
    view.set_network(BIG, W, B)
    assert len(view.connection_items()) == 2 * 32 + 5 * 32 * 32 + 32 == 5216
    line = view.connection_item(3, 31, 7).line()
    assert line.p1() == view.neuron_item(3, 31).rect().center()
    assert line.p2() == view.neuron_item(4, 7).rect().center()
    assert view.connection_item(6, 12, 0).toolTip() == f"w[6][12→0] = {W[6][12, 0]:.3f}"
    items = view.scene().items()
    assert len(items) < 1000  # not one graphics item per line
    # What the user sees: the strongest weight's line, blue, on top of the mesh.
    image = view.viewport().grab().toImage()
    at = view.mapFromScene(line.pointAt(0.5))
    seen = image.pixelColor(at)
    assert abs(seen.red() - POSITIVE.red()) + abs(seen.green() - POSITIVE.green()) \
        + abs(seen.blue() - POSITIVE.blue()) < 60
    widths = [view.connection_item(3, 31, j).pen().widthF() for j in range(32)]
    assert max(widths) == widths[7] and min(widths) >= MIN_WIDTH

    # A frame of training: new weights restyle the same items.
    W2 = [w + 0.05 for w in W]
    view.set_network(BIG, W2, B)
    assert view.connection_item(1, 0, 31).toolTip() == f"w[1][0→31] = {W2[1][0, 31]:.3f}"
    assert all(a is b for a, b in zip(view.scene().items(), items))
    assert len(view.scene().items()) == len(items)


def test_hover_in_the_largest_network_tells_each_weight(view, qtbot):
    W, B = big_net()
    view.set_network(BIG, W, B)
    on_line = view.mapFromScene(view.connection_item(3, 31, 7).line().pointAt(0.3))
    assert view.connection_at(on_line) is view.connection_item(3, 31, 7)
    assert show_tooltip_at(view, qtbot, on_line) == "w[3][31→7] = 5.000"

    out = view.connection_item(0, 1, 20)  # a weak one, in the fan of the input layer
    near_end = view.mapFromScene(out.line().pointAt(0.85))
    found = view.connection_at(near_end)
    assert found is not None and found.layer == 0
    assert show_tooltip_at(view, qtbot, near_end) == found.toolTip()

    neuron = view.mapFromScene(view.neuron_item(2, 5).rect().center())
    assert view.connection_at(neuron) is None  # the neuron tells its own values
    tip = show_tooltip_at(view, qtbot, neuron)
    assert "hidden 2, neuron 6" in tip and f"b[1][5] = {B[1][5]:.3f}" in tip


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_largest_network_stays_readable_in_the_windows_tab(shown, scale):
    view = shown(NetworkView(), 400, 330)  # the window's network tab at 1280x800
    view.set_text_scale(scale)  # 1.5: presentation mode
    view.set_network(BIG, *big_net())
    texts = assert_readable(view)
    titles = {item.text() for item in texts}
    assert {"in\n2", "h1\n32", "h6\n32", "out\n1"} <= titles  # short where "hidden 1" won't fit
    area = QRectF(view.viewport().rect())
    for layer in range(1, 7):
        rects = [view.neuron_item(layer, i).rect() for i in range(32)]
        assert all(not a.intersects(b) for a, b in zip(rects, rects[1:]))
        assert all(area.contains(r) for r in rects)


class _PaintSpy(QPainter):
    """A painter that notes whether each line bucket was drawn smoothed."""

    def __init__(self, image):
        super().__init__(image)
        self.smoothed = []

    def drawPath(self, path):  # noqa: N802 (Qt's name)
        self.smoothed.append(self.testRenderHint(QPainter.RenderHint.Antialiasing))
        super().drawPath(path)


@pytest.mark.parametrize("sizes, on_screen_smooth", [([2, 8, 8, 8, 1], True),
                                                      ([2, 32, 32, 32, 1], False)])
def test_dense_meshes_are_drawn_unsmoothed_on_screen_and_smooth_in_exports(view, sizes,
                                                                            on_screen_smooth):
    """Smoothing 2,000 lines made each paint of the drawing 3-4 times dearer (the canvas
    stuttered); a few hundred lines stay smooth, and so does every export."""
    view.set_network(sizes, *random_net(sizes))
    lines = [i for i in view.scene().items() if isinstance(i, ConnectionsItem)]
    assert len(lines) == 1 and (len(lines[0]) > SMOOTH_LINES) != on_screen_smooth
    image = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    for widget, expected in ((view.viewport(), on_screen_smooth), (None, True)):
        painter = _PaintSpy(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            lines[0].paint(painter, QStyleOptionGraphicsItem(), widget)
            smoothed = painter.smoothed
            # what the scene paints next (the neurons, the labels) is smooth again
            restored = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        finally:
            painter.end()
        assert smoothed and set(smoothed) == {expected}
        assert restored


def test_weight_labels_are_drawn_over_the_neurons(shown):
    """Where no free spot is left, a label over a neuron stays readable: the ReLU lesson's
    -5 lay half under its input neuron and read 5 (its spot: test_lessons_window)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

    view = shown(NetworkView(), 265, 380)
    view.set_network([2, 2, 1], [np.array([[2.0, 4.0], [4.0, -5.0]]), np.array([[2.0], [7.0]])])
    scene = view.scene()
    labels = [it for it in scene.items() if isinstance(it, QGraphicsSimpleTextItem)
              and it.text() in ("2.00", "4.00", "-5.00", "7.00")]
    assert sorted(label.text() for label in labels) == ["-5.00", "2.00", "2.00", "4.00",
                                                       "4.00", "7.00"]
    order = scene.items(Qt.SortOrder.DescendingOrder)  # the top-most first
    neurons = view.neuron_items()
    assert max(order.index(label) for label in labels) < min(order.index(n) for n in neurons)
    assert all(label.isVisible() for label in labels)
    view.set_network([2, 3, 1], [np.ones((2, 3)), np.ones((3, 1))])  # rebuilt: old labels go
    texts = [it.text() for it in scene.items() if isinstance(it, QGraphicsSimpleTextItem)
             and it.text() in ("-5.00", "7.00")]
    assert texts == []


def test_column_titles_stand_apart_in_a_narrow_view_and_keep_their_size_in_a_wide_one(shown):
    """Six layers of 32 in a 292-px view read "h6out" over "32 321" even with the short
    titles: they now take smaller type where the columns stand too close."""
    sizes = [2, 32, 32, 32, 32, 32, 32, 1]
    W, B = random_net(sizes)
    view = shown(NetworkView(), 292, 330)
    view.set_network(sizes, W, B)
    titles = view.column_titles()
    rects = [t.sceneBoundingRect() for t in titles]
    assert [t.text().split("\n")[0] for t in titles] == ["in", "h1", "h2", "h3", "h4", "h5",
                                                          "h6", "out"]
    assert all(a.right() < b.left() for a, b in zip(rects, rects[1:]))
    assert all(t.font().pointSizeF() >= 7.0 for t in titles)
    wide = shown(NetworkView(), 1200, 500)
    wide.set_network([2, 4, 1], *random_net([2, 4, 1]))
    assert {t.font().pointSizeF() for t in wide.column_titles()} == {11.0}
