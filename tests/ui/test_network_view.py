"""The network drawing: one line per weight, sign as colour, magnitude as width, values
on hover, and items that survive weight updates."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from nnplayground.ui.views.network_items import NEGATIVE, POSITIVE
from nnplayground.ui.views.network_view import MIN_WIDTH, NetworkView


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
    assert "hidden 1, neuron 2" in tip
    assert f"b[0][2] = {B[0][2]:.3f}" in tip and "activation = 0.900" in tip
    assert "bias" not in view.neuron_item(0, 0).toolTip()  # inputs have no bias


def test_hovering_a_thin_line_shows_its_weight(view, qtbot):
    W = [np.array([[5.0], [0.01]])]  # the second line is drawn at the minimum width
    view.set_network([2, 1], W)
    item = view.connection_item(0, 1, 0)
    line = item.line()
    # A few pixels beside the line still counts as on it.
    mid = view.mapFromScene(line.pointAt(0.5)) + QPoint(0, 3)
    assert view.itemAt(mid) is item
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
    assert "centroid 3, coordinate 1: -1.000" in tip
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
