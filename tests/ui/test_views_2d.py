"""The 2-D views as the user sees them: decision overlay, error curve, latent scatter."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from nnplayground.core import palette, view_model as g
from nnplayground.core.autoencoder import Autoencoder
from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron
from nnplayground.ui.views.decision_overlay import DecisionOverlay
from nnplayground.ui.views.error_view import LOG_FLOOR, ErrorCurveView
from nnplayground.ui.views.latent_view import LatentView

BOX = (-2.0, 2.0, -2.0, 2.0)


@pytest.fixture
def plot(qtbot):
    w = pg.PlotWidget(background="w")
    qtbot.addWidget(w)
    w.resize(400, 400)
    w.getPlotItem().setRange(xRange=BOX[:2], yRange=BOX[2:], padding=0)
    w.show()
    qtbot.waitExposed(w)
    return w


def _perceptron(w, b):
    p = Perceptron(n_inputs=2, bias=True, seed=0)
    p.weights = np.array(w, dtype=float)
    p.bias = float(b)
    return p


def _pixel(widget, x, y) -> QColor:
    """Colour the user sees at data coordinates (x, y)."""
    vb = widget.getPlotItem().getViewBox()
    pos = widget.mapFromScene(vb.mapViewToScene(pg.Point(x, y)))
    return widget.grab().toImage().pixelColor(pos)


def _close(color: QColor, rgb, tol=3) -> bool:
    return all(abs(a - int(b)) <= tol for a, b in zip((color.red(), color.green(), color.blue()), rgb))


def test_perceptron_line_and_arrow_match_the_model(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    p = _perceptron([1.0, -1.0], 0.5)  # y = x + 0.5
    overlay.update(g.view_data(p, None, BOX, resolution=20))
    xs, ys = overlay.line_item.getData()
    (x0, y0), (x1, y1) = p.decision_line(BOX)
    assert np.allclose(xs, [x0, x1]) and np.allclose(ys, [y0, y1])
    assert overlay.line_item.isVisible()
    assert overlay.weight_item.isVisible() and overlay.weight_head.isVisible()
    ax, ay = overlay.weight_item.getData()
    assert np.isclose(ax[0], (x0 + x1) / 2) and np.isclose(ay[0], (y0 + y1) / 2)
    assert ax[1] > ax[0] and ay[1] < ay[0]  # along w = (1, -1): towards class 1
    assert not overlay.centroid_item.isVisible() and not overlay.recon_item.isVisible()


def test_heatmap_shape_and_colours_on_screen(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    p = _perceptron([0.0, 1.0], 0.0)  # class 1 above y = 0
    vd = g.view_data(p, None, BOX, resolution=100)
    overlay.update(vd)
    img = overlay.image_item.image
    assert img.shape == (100, 100, 4) and img.dtype == np.uint8
    lut = palette.rgba_lut(palette.OKABE_ITO[:2])
    assert np.array_equal(img[0, 0], lut[0]) and np.array_equal(img[99, 50], lut[-1])
    # on screen: row 0 (ymin) really is drawn at the bottom, spanning the bounds
    rect = overlay.image_item.mapRectToView(overlay.image_item.boundingRect())
    assert np.allclose([rect.left(), rect.right(), rect.top(), rect.bottom()], [-2, 2, -2, 2])
    assert _close(_pixel(plot, 1.0, -1.0), lut[0][:3])
    assert _close(_pixel(plot, -1.0, 1.0), lut[-1][:3])


def test_update_reuses_items_and_clear_hides_everything(plot, qtbot):
    pi = plot.getPlotItem()
    overlay = DecisionOverlay(pi)
    n_items = len(pi.items)
    image = overlay.image_item
    m = MLP(layer_sizes=[2, 1, 1], seed=0)
    m.weights[0] = np.array([[1.0], [0.0]])
    m.weights[1] = np.array([[2.0]])
    m.biases[1] = np.array([-1.0])  # p = 0.5 where the hidden unit is 0.5
    for shift in (0.0, 0.3, 0.6):
        m.biases[0] = np.array([shift])
        overlay.update(g.view_data(m, None, BOX, resolution=30))
    assert len(pi.items) == n_items and overlay.image_item is image
    assert overlay.image_item.isVisible() and overlay.contour_item.isVisible()
    assert not overlay.line_item.isVisible()  # MLPs have no single line
    overlay.clear()
    assert not any(item.isVisible() for item in overlay.items)


def test_contour_follows_the_half_probability_level(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    m = MLP(layer_sizes=[2, 1, 1], seed=0)
    m.weights[0] = np.array([[4.0], [0.0]])
    m.biases[0] = np.array([-2.0])  # hidden unit switches at x = 0.5
    m.weights[1] = np.array([[4.0]])
    m.biases[1] = np.array([-4.0 * float(1 / (1 + np.exp(0)))])  # p = 0.5 exactly there
    overlay.update(g.view_data(m, None, BOX, resolution=40))
    xs, _ = overlay.contour_item.getData()
    assert len(xs) > 0 and np.allclose(xs, 0.5, atol=1e-9)


def test_hidden_neuron_lines_toggle(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    m = MLP(layer_sizes=[2, 2, 1], seed=0)
    m.weights[0] = np.array([[1.0, 0.0], [0.0, 1.0]])
    m.biases[0] = np.array([0.0, -1.0])
    overlay.update(g.view_data(m, None, BOX, resolution=10))
    assert not overlay.hidden_item.isVisible()  # off by default
    overlay.set_show_hidden_lines(True)
    assert overlay.hidden_item.isVisible()
    xs, ys = overlay.hidden_item.getData()
    assert np.allclose(np.column_stack([xs, ys]), [[0, -2], [0, 2], [-2, 1], [2, 1]])
    overlay.set_show_hidden_lines(False)
    assert not overlay.hidden_item.isVisible()


def test_competitive_centroids_and_trails(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-1, 0.2, (20, 2)), rng.normal(1, 0.2, (20, 2))])
    c = CompetitiveLayer(n_inputs=2, n_neurons=2, seed=0)
    trails = g.TrailBuffer(20)
    for _ in range(4):
        c.partial_fit(X)
        vd = g.view_data(c, X, BOX, resolution=20, trails=trails)
        overlay.update(vd)
    pts = overlay.centroid_item.data
    assert len(pts) == 2 and overlay.centroid_item.isVisible()
    assert np.allclose(np.column_stack([pts["x"], pts["y"]]), c.centroids)
    assert overlay.trail_item.isVisible()
    tx, _ = overlay.trail_item.getData()
    assert np.isfinite(tx).sum() == 2 * len(vd.trails)
    assert overlay.image_item.image.shape == (20, 20, 4)


def test_competitive_neurons_wear_their_clusters_class_with_edges_and_numbers(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    centres = np.array([[-1.0, -1.0], [1.0, -1.0], [0.0, 1.0]])
    rng = np.random.default_rng(1)
    X = np.repeat(centres, 15, axis=0) + rng.normal(0.0, 0.1, (45, 2))
    y = np.repeat(np.arange(3), 15)
    c = CompetitiveLayer(n_inputs=2, n_neurons=3, seed=0)
    c.initialize(X)
    c.centroids = centres[[1, 2, 0]].copy()  # neuron 0 sits on class 1's cluster, ...
    overlay.update(g.view_data(c, X, BOX, resolution=100, labels=y))
    brushes = [b.color().name().upper() for b in overlay.centroid_item.data["brush"]]
    assert brushes == [palette.class_color(1), palette.class_color(2), palette.class_color(0)]
    # on screen, the region around class 1's cluster is class 1's colour (softened)
    mid = np.array(palette.MID_RGB, float)
    assert _close(_pixel(plot, 1.4, -1.4), np.rint(mid + 0.35 * (palette.hex_to_rgb(palette.class_color(1)) - mid)))
    # thin dark edges between the regions, and a number beside each star
    assert overlay.contour_item.isVisible() and len(overlay.contour_item.getData()[0]) > 50
    shown = [t for t in overlay.number_items if t.isVisible()]
    assert [t.textItem.toPlainText() for t in shown] == ["1", "2", "3"]
    assert np.allclose([[t.pos().x(), t.pos().y()] for t in shown], c.centroids)
    c2 = CompetitiveLayer(n_inputs=2, n_neurons=2, seed=0)
    c2.initialize(X)
    overlay.update(g.view_data(c2, X, BOX, resolution=20))  # fewer neurons, no labels
    assert sum(t.isVisible() for t in overlay.number_items) == 2 and len(overlay.number_items) == 3
    assert [b.color().name().upper() for b in overlay.centroid_item.data["brush"]] == [
        c.upper() for c in palette.NEUTRAL_COLORS[:2]]
    overlay.clear()
    assert not any(t.isVisible() for t in overlay.number_items)


def test_autoencoder_reconstructions_with_links(plot, qtbot):
    overlay = DecisionOverlay(plot.getPlotItem())
    X = np.random.default_rng(1).normal(size=(15, 2))
    a = Autoencoder(layer_sizes=[2, 4, 1, 4, 2], seed=0)
    a.partial_fit(X)
    overlay.update(g.view_data(a, X, BOX, resolution=10))
    assert len(overlay.recon_item.data) == 15 and overlay.recon_item.isVisible()
    assert not overlay.image_item.isVisible()
    lx, ly = overlay.recon_link_item.getData()
    assert np.allclose(lx[0::2], X[:, 0]) and np.allclose(lx[1::2], a.predict(X)[:, 0])
    overlay.set_show_reconstruction_links(False)
    assert not overlay.recon_link_item.isVisible()


def test_trained_mlp_heatmap_under_its_points(plot, qtbot):
    """XOR quadrants: a trained MLP colours each quadrant like its class."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    m = MLP(layer_sizes=[2, 6, 1], activation="tanh", optimizer="adam", learning_rate=0.05,
            loss="cross_entropy", seed=0)
    m.fit(X, y, 150)
    overlay = DecisionOverlay(plot.getPlotItem())
    overlay.update(g.view_data(m, X, BOX, resolution=100))
    plot.getPlotItem().addItem(pg.ScatterPlotItem(
        X[:, 0], X[:, 1], size=7, pen=pg.mkPen("w"), brush=[pg.mkBrush(palette.class_color(k)) for k in y]))
    qtbot.wait(10)
    assert m.error(X, y) < 0.3
    # the quadrants take their class's (soft) colour on screen
    px = _pixel(plot, 1.7, 1.3)  # class 1 quadrant, away from points' exact spots
    assert px.blue() > px.red()
    px = _pixel(plot, -1.3, 1.7)
    assert px.red() > px.blue()


# ------------------------------------------------------------------ error curve
def test_error_view_holds_exactly_the_appended_data(qtbot):
    view = ErrorCurveView()
    qtbot.addWidget(view)
    view.append([0.5, 0.25], [0.6, 0.3])
    view.append([0.125], [None])  # no test error that epoch
    epochs, train, test = view.data()
    assert np.array_equal(epochs, [1, 2, 3]) and np.array_equal(train, [0.5, 0.25, 0.125])
    assert np.array_equal(test[:2], [0.6, 0.3]) and np.isnan(test[2])
    x, yv = view.train_curve.getData()
    assert np.array_equal(x, [1, 2, 3]) and np.array_equal(yv, [0.5, 0.25, 0.125])
    # beyond the initial capacity, chunk by chunk (as snapshots arrive)
    rng = np.random.default_rng(0)
    chunks = [rng.random(int(k)) for k in rng.integers(1, 400, 12)]
    for ch in chunks:
        view.append(ch, ch + 1)
    _, train, test = view.data()
    expected = np.concatenate([[0.5, 0.25, 0.125], *chunks])
    assert np.array_equal(train, expected) and len(view) == len(expected)
    assert np.array_equal(test[3:], expected[3:] + 1)
    view.clear()
    assert len(view) == 0 and len(view.train_curve.getData()[0] or []) == 0


def test_error_view_log_scale_handles_zero_error(qtbot):
    view = ErrorCurveView()
    qtbot.addWidget(view)
    view.append([0.5, 0.1, 0.0], [0.4, 0.2, 0.0])  # a perceptron that converged
    assert view.log_scale_action.isCheckable() and view.log_scale_action.toolTip()
    view.log_scale_action.trigger()
    assert view.is_log_scale() and view.getPlotItem().ctrl.logYCheck.isChecked()
    _, yv = view.train_curve.getData()  # displayed values are log10 in log mode
    assert np.allclose(yv, np.log10([0.5, 0.1, LOG_FLOOR]))
    assert np.array_equal(view.data()[1], [0.5, 0.1, 0.0])  # stored data untouched
    view.set_log_scale(False)
    assert not view.log_scale_action.isChecked()
    assert np.array_equal(view.train_curve.getData()[1], [0.5, 0.1, 0.0])


# ------------------------------------------------------------------ latent view
def test_latent_view_shows_one_point_per_code(qtbot):
    view = LatentView()
    qtbot.addWidget(view)
    Z = np.random.default_rng(0).normal(size=(30, 2)) * 10
    labels = np.repeat([0, 1, 2], 10)
    view.set_codes(Z, labels)
    pts = view.scatter.data
    assert len(pts) == 30
    assert np.allclose(pts["x"], Z[:, 0]) and np.allclose(pts["y"], Z[:, 1])
    assert pts["brush"][25].color().name().upper() == palette.class_color(2)
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    assert x0 <= Z[:, 0].min() and x1 >= Z[:, 0].max() and y0 <= Z[:, 1].min()
    view.set_codes(np.empty((0, 2)), None)
    assert len(view.scatter.data) == 0


def test_a_curve_through_the_legend_does_not_cross_its_names(shown, qtbot):
    """A noisy run drew its curve straight through "train" and "test"."""
    from nnplayground.ui.views.error_view import TRAIN_COLOR
    from tests.ui.window_helpers import rgb_pixels

    view = shown(ErrorCurveView(), 500, 300)
    legend = view.getPlotItem().legend
    # A run at a learning rate of 100: the errors jump about. The axis grows to 1.25 x
    # the largest error so far, so later errors up to that top run through the legend.
    view.append(np.tile([0.0, 16.0], 50), np.full(100, np.nan))
    qtbot.wait(50)
    view.append(np.tile([0.0, 19.9], 200), np.full(400, np.nan))  # 500 epochs of 512
    qtbot.wait(50)
    label = legend.items[0][1]  # "train"
    rect = view.mapFromScene(label.sceneBoundingRect()).boundingRect()
    pixels = rgb_pixels(view.grab(rect).toImage()).reshape(-1, 3).astype(int)
    blue = np.array([int(TRAIN_COLOR[i:i + 2], 16) for i in (1, 3, 5)])
    assert not (np.abs(pixels - blue).max(axis=1) <= 40).any()
    whole = rgb_pixels(view.grab().toImage()).reshape(-1, 3).astype(int)
    assert (np.abs(whole - blue).max(axis=1) <= 40).sum() > 1000  # the curve is drawn
    # ... and shows through the legend's box (a curve that stays up there is not hidden)
    box = view.mapFromScene(legend.sceneBoundingRect()).boundingRect()
    inside = rgb_pixels(view.grab(box).toImage()).reshape(-1, 3).astype(int)
    brush = legend.opts["brush"].color()
    a = brush.alphaF()
    tinted = np.round(a * np.array([brush.red(), brush.green(), brush.blue()]) + (1 - a) * blue)
    assert (np.abs(inside - tinted).max(axis=1) <= 12).sum() > 100


def test_a_one_number_code_is_a_number_line_without_a_second_axis(shown, qtbot):
    """A code of one number showed a "code unit 2" axis at 0 for every point."""
    view = shown(LatentView(), 400, 300)
    axis = view.getPlotItem().getAxis("left")
    view.set_codes(np.array([[0.5], [1.5], [-1.0]]), np.array([0, 1, 0]))
    assert not axis.isVisible() and len(view.scatter.data) == 3
    view.set_codes(np.array([[0.5, 1.0], [1.5, -1.0]]), np.array([0, 1]))
    assert axis.isVisible() and axis.labelText == "code unit 2"
