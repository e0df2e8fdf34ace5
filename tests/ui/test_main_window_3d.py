"""The window with 3-D data: the OpenGL view renders, and switching data dimensions with
any model type never draws a stale model. Needs a real OpenGL context (Xvfb + Mesa)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore

from nnplayground.core.palette import OKABE_ITO
from tests.ui.window_helpers import (
    choose,
    epoch_shown,
    key,
    load,
    play_until,
    unlabelled_controls,
)

Qt = QtCore.Qt
pytestmark = pytest.mark.gl


def colour_counts(image) -> dict[tuple[int, int, int], int]:
    """Pixels per exact RGB colour of a QImage."""
    image = image.convertToFormat(image.Format.Format_RGB32)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rgb = raw.reshape(h, image.bytesPerLine() // 4, 4)[:, :w, 2::-1].reshape(-1, 3)
    colours, counts = np.unique(rgb, axis=0, return_counts=True)
    return {tuple(int(v) for v in c): int(n) for c, n in zip(colours, counts)}


def near(counts: dict, hex_colour: str, tol: int = 24) -> int:
    """Pixels within ``tol`` (per channel) of ``hex_colour``."""
    target = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return sum(n for c, n in counts.items() if np.abs(np.array(c) - target).max() <= tol)


def test_five_3d_clusters_with_a_competitive_layer_render_in_the_3d_view(qtbot, window):
    w = window
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    w.model_panel.competitive_neurons.setValue(5)
    view = w.view3d
    assert view is not None and w.tabs.currentWidget() is view
    assert w.axes_row.isVisible() and w.points.n_dims == 3
    play_until(qtbot, w, 5)
    model = w.trainer.model
    assert model.kind == "competitive" and model.centroids.shape == (5, 3)
    assert view.learned_centroids.visible() and view.true_centroids.visible()
    assert np.allclose(view.learned_centroids.pos, model.centroids, atol=1e-5)  # GL: float32

    image = view.grab_image()
    assert image.width() > 200 and image.height() > 150
    counts = colour_counts(image)
    background, n_background = max(counts.items(), key=lambda kv: kv[1])
    total = image.width() * image.height()
    assert n_background < 0.97 * total  # something is drawn
    # several real colours, each on a fair number of pixels (not just anti-aliasing)
    assert sum(1 for c, n in counts.items() if c != background and n >= 30) >= 5
    for k in range(5):  # every class's Okabe-Ito colour is on screen
        assert near(counts, OKABE_ITO[k]) >= 20, OKABE_ITO[k]

    # The 2-D canvas shows the chosen projection of the same points.
    choose(qtbot, w.axes_combo, "y – z")
    assert w.canvas.projection_axes == (1, 2)
    assert unlabelled_controls(view) == []


@pytest.mark.parametrize("model", ["Perceptron with bias", "MLP", "Competitive layer",
                                   "Autoencoder"])
def test_switching_between_2d_and_3d_data_rebuilds_the_model(qtbot, window, model):
    w = window
    load(qtbot, w, "Spiral", model)
    play_until(qtbot, w, 2)
    load(qtbot, w, "Five 3-D clusters")
    assert w.trainer.model.get_config().get("n_inputs", None) in (None, 3)
    assert w.tabs.isTabVisible(w.tabs.indexOf(w.view3d))
    play_until(qtbot, w, 2)
    choose(qtbot, w.axes_combo, "y – z")
    load(qtbot, w, "Circle")
    assert epoch_shown(w) == 0 and not w.axes_row.isVisible()
    assert not w.tabs.isTabVisible(w.tabs.indexOf(w.view3d))  # no stale 3-D picture
    key(qtbot, w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: not w.trainer.is_running() and epoch_shown(w) == 1)
    load(qtbot, w, "Five 3-D clusters")
    # the projection chooser says what the canvas shows
    assert w.axes_combo.currentData() == tuple(w.canvas.projection_axes)
    # the autoencoder's own view is its latent space; every other model's is the 3-D one
    assert w.tabs.currentWidget() is (w.latent_view if model == "Autoencoder" else w.view3d)


def test_a_saved_3d_session_opens_on_the_pair_of_axes_it_was_saved_with(qtbot, window,
                                                                          tmp_path):
    w = window
    load(qtbot, w, "Five 3-D clusters")
    choose(qtbot, w.axes_combo, "x – z")
    path = tmp_path / "clusters.nnp"
    assert w.actions_.save_to(str(path))
    choose(qtbot, w.axes_combo, "y – z")
    assert w.open_session(str(path)) is not None
    assert tuple(w.canvas.projection_axes) == (0, 2)
    assert w.axes_combo.currentData() == (0, 2)
    assert w.controller.state.view.axes == (0, 2)


def test_back_to_2d_data_the_canvas_is_as_wide_as_before_the_3d_view(qtbot, window):
    """The views' tabs are as narrow as their widest page, hidden tabs included: the 3-D
    view's bar (button, combo and key on one row, ~500 px) kept the column that wide
    after its tab was hidden, and the canvas shrank from 555 px to 459 (to ~100 in a
    lesson's layout)."""
    w = window
    before = (w.canvas.width(), w.tabs.minimumSizeHint().width())
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    assert w.view3d is not None and w.view3d.isVisible()
    load(qtbot, w, "Circle", "MLP")
    qtbot.waitUntil(lambda: not w.view3d.isVisible())
    assert w.tabs.minimumSizeHint().width() <= before[1]
    qtbot.waitUntil(lambda: w.canvas.width() == before[0])


def test_the_3d_key_names_only_the_centres_the_view_draws(qtbot, window):
    w = window
    load(qtbot, w, "Five 3-D clusters", "Perceptron with bias")
    legend = w.view3d.legend
    assert legend.shown_entries() == ["true"]  # the clusters' centres, nothing learned
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    qtbot.waitUntil(lambda: legend.shown_entries() == ["true", "learned"])
    assert legend.isVisible()
    w.view3d.set_true_centroids(None)  # data without true centres (a 3-D class task)
    w.view3d.set_learned_centroids(None)
    assert legend.shown_entries() == [] and not legend.isVisible()


def test_a_perceptron_on_3d_data_draws_its_plane_in_the_3d_view(qtbot, window):
    """The lesson "Two classes in 3-D: a plane" said the perceptron finds a plane; the 3-D
    view never drew one."""
    from nnplayground.ui.views.scatter3d_view import BACKGROUND, PLANE_COLOR

    w = window
    load(qtbot, w, "Five 3-D clusters", "Perceptron with bias")
    play_until(qtbot, w, 3)
    view = w.view3d
    polygon = view.plane_polygon()
    model = w.trainer.model
    assert polygon is not None and 3 <= len(polygon) <= 6
    np.testing.assert_allclose(polygon @ model.weights + model.bias, 0.0, atol=1e-9)
    # On screen: the sheet over the background, blended as drawn.
    alpha = PLANE_COLOR[3]
    sheet = "#" + "".join(f"{round(bg * (1 - alpha) + 255 * c * alpha):02x}"
                          for bg, c in zip(BACKGROUND[:3], PLANE_COLOR[:3]))
    assert near(colour_counts(view.grab_image()), sheet, tol=6) > 500
    # Frame after frame the points are still drawn: the sheet writes no depth, and
    # depth writing is back on for the next frame's clearing.
    for _ in range(3):
        assert near(colour_counts(view.grab_image()), OKABE_ITO[0]) > 100
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")  # no plane: centroids
    qtbot.waitUntil(lambda: view.plane_polygon() is None)
    assert near(colour_counts(view.grab_image()), sheet, tol=6) < 50
