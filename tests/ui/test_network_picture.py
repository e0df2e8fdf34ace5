"""A dense network's lines shown from a picture drawn in steps (ui/views/network_picture.py):
the same pixels as the lines drawn directly, new weights shown once their picture is
complete, the old picture until then, and the steps' time counted as the drawing's."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

from nnplayground.ui.views import network_picture
from nnplayground.ui.views.network_connections import ConnectionsItem
from nnplayground.ui.views.network_items import NEGATIVE, POSITIVE
from nnplayground.ui.views.network_picture import device_rect
from nnplayground.ui.views.network_view import NetworkView
from tests.ui.window_helpers import rgb_pixels

BIG = [2, *[32] * 6, 1]  # 5,216 connections


def _weights(seed=0):
    rng = np.random.default_rng(seed)
    W = [0.1 * rng.normal(0.0, 1.0, (a, b)) for a, b in zip(BIG[:-1], BIG[1:])]
    B = [rng.normal(0.0, 0.5, b) for b in BIG[1:]]
    W[3][31, 7] = 5.0  # the strongest weight: its line lies on top of every other
    return W, B


def _lines(view) -> ConnectionsItem:
    return next(i for i in view.scene().items() if isinstance(i, ConnectionsItem))


def _pixels(view) -> np.ndarray:
    return rgb_pixels(view.viewport().grab().toImage())


def _colour_at(view, line) -> tuple[int, int, int]:
    at = view.mapFromScene(line.pointAt(0.5))
    c = view.viewport().grab().toImage().pixelColor(at)
    return c.red(), c.green(), c.blue()


def _near(rgb, color) -> bool:
    return sum(abs(a - b) for a, b in zip(rgb, (color.red(), color.green(), color.blue()))) < 60


def test_the_picture_shows_the_same_pixels_as_the_lines_drawn_directly(shown, qtbot):
    view = shown(NetworkView(), 420, 330)
    view.set_network(BIG, *_weights())
    picture = _lines(view).picture
    view.viewport().update()
    qtbot.waitUntil(lambda: picture.image is not None)
    ratio = view.viewport().devicePixelRatioF()
    assert picture.usable(_lines(view).boundingRect(), ratio) is not None  # shown from it
    from_picture = _pixels(view)
    picture.forget()  # the next paint draws the lines itself (and starts a new picture)
    drawn = _pixels(view)
    assert (from_picture != 255).any()  # a drawing to compare
    assert np.array_equal(from_picture, drawn)


def test_new_weights_show_once_their_picture_is_complete(shown, qtbot, monkeypatch):
    monkeypatch.setattr(network_picture, "STEP_SECONDS", 0.0)  # one bucket a step
    view = shown(NetworkView(), 420, 330)
    view.max_rate = None  # every set_network restyles at once
    W, B = _weights()
    view.set_network(BIG, W, B)
    picture = _lines(view).picture
    view.viewport().update()
    qtbot.waitUntil(lambda: picture.image is not None)
    line = view.connection_item(3, 31, 7).line()
    assert _near(_colour_at(view, line), POSITIVE)
    old = picture.image
    W[3][31, 7] = -5.0  # the strongest line turns negative
    view.set_network(BIG, W, B)
    assert _near(_colour_at(view, line), POSITIVE)  # the old picture, until the new one
    assert picture.image is old
    qtbot.waitUntil(lambda: picture.image is not old)
    assert picture.steps > 1  # drawn in steps (a bucket each here), the event loop between
    qtbot.waitUntil(lambda: _near(_colour_at(view, line), NEGATIVE))


def test_a_picture_of_lines_that_moved_is_never_shown(shown, qtbot):
    # The neurons of a hidden layer change places (the lines' bounding box stays the
    # same): what shows at once is already the lines at their new places.
    view = shown(NetworkView(), 420, 330)
    view.set_network(BIG, *_weights())
    lines = _lines(view)
    view.viewport().update()
    qtbot.waitUntil(lambda: lines.picture.image is not None)
    centres = [np.array([[view.neuron_item(layer, i).rect().center().x(),
                          view.neuron_item(layer, i).rect().center().y()]
                         for i in range(n)]) for layer, n in enumerate(BIG)]
    centres[3] = centres[3][::-1]  # hidden layer 3 upside down
    lines.place(centres)
    at_once = _pixels(view)
    qtbot.waitUntil(lambda: lines.picture.image is not None and not lines.picture.pending)
    view.viewport().update()
    assert np.array_equal(at_once, _pixels(view))


def test_the_steps_count_towards_the_drawings_cost(shown, qtbot):
    # The view's time budget spaces its redraws by what they cost, the picture's steps
    # included: a cheap first paint does not let a dense drawing redraw ten times a second.
    view = shown(NetworkView(), 420, 330)
    spent = []
    view.set_network([1, 1], [np.ones((1, 1))])
    throttle_spent = type(view._throttle).spent

    def spy(self, seconds):
        spent.append(seconds)
        throttle_spent(self, seconds)

    type(view._throttle).spent = spy
    try:
        view.set_network(BIG, *_weights())
        picture = _lines(view).picture
        view.viewport().update()
        qtbot.waitUntil(lambda: picture.image is not None)
    finally:
        type(view._throttle).spent = throttle_spent
    assert len(spent) == picture.steps and sum(spent) > 0


def test_a_picture_lies_on_whole_device_pixels():
    # 1x and a 2x screen: the picture's corner on the pixel grid, the rect inside it
    assert device_rect(QRectF(10.3, 5.7, 100.2, 50.1), 1.0) == QRectF(10, 5, 101, 51)
    assert device_rect(QRectF(10.3, 5.7, 100.2, 50.1), 2.0) == QRectF(10.0, 5.5, 100.5, 50.5)
