"""core.geometry: grids, lines, contours, colours, trails and view_data per model kind."""

import numpy as np
import pytest

from nnplayground.core import palette, camera, view_model as g
from nnplayground.core.autoencoder import Autoencoder
from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron

BOX = (-2.0, 2.0, -1.0, 1.0)


def test_palette_starts_orange_sky_blue_and_repeats():
    assert palette.class_color(0) == "#E69F00" and palette.class_color(1) == "#56B4E9"
    assert palette.class_color(8) == palette.class_color(0)
    assert list(palette.hex_to_rgb("#E69F00")) == [230, 159, 0]


def test_grid_samples_cell_centres_in_row_major_order():
    xs, ys, pts = g.grid((0.0, 4.0, 10.0, 12.0), resolution=4)
    assert np.array_equal(xs, [0.5, 1.5, 2.5, 3.5])
    assert np.array_equal(ys, [10.25, 10.75, 11.25, 11.75])
    assert pts.shape == (16, 2)
    # values.reshape(r, r)[j, i] belongs to (xs[i], ys[j])
    assert np.array_equal(pts.reshape(4, 4, 2)[2, 1], [1.5, 11.25])
    assert np.array_equal(pts[:4, 1], [10.25] * 4)


def test_lift_puts_the_hidden_coordinate_at_the_data_mean():
    X = np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 6.0]])
    full = g.lift(np.array([[7.0, 8.0]]), 3, axes=(0, 2), X=X)
    assert np.array_equal(full, [[7.0, 2.0, 8.0]])


def test_weight_arrow_starts_mid_line_perpendicular_with_fixed_length():
    line = ((0.0, -1.0), (0.0, 1.0))
    arrow = g.weight_arrow(np.array([3.0, 0.0]), line, BOX)
    assert np.allclose(arrow, [[0.0, 0.0], [g.ARROW_FRACTION * 2.0, 0.0]])
    assert g.weight_arrow(np.zeros(2), line, BOX) is None
    assert g.weight_arrow(np.array([1.0, 0.0]), None, BOX) is None


def test_contour_of_a_linear_field_is_the_exact_level_line():
    xs, ys, pts = g.grid((0.0, 1.0, 0.0, 1.0), 20)
    Z = pts[:, 0].reshape(20, 20)  # f(x, y) = x
    seg = g.contour_segments(xs, ys, Z, level=0.43)
    assert len(seg) == 2 * 19  # one segment per row of cells
    assert np.allclose(seg[:, 0], 0.43)
    assert np.isclose(seg[:, 1].min(), ys[0]) and np.isclose(seg[:, 1].max(), ys[-1])
    assert len(g.contour_segments(xs, ys, Z, level=5.0)) == 0


def test_contour_saddle_gives_two_segments():
    Z = np.array([[1.0, 0.0], [0.0, 1.0]])  # checkerboard cell, centre 0.5 < level: low
    seg = g.contour_segments(np.array([0.0, 1.0]), np.array([0.0, 1.0]), Z, 0.6)
    # the two high corners (0, 0) and (1, 1) are cut off separately
    assert np.allclose(seg, [[0.4, 0.0], [0.0, 0.4], [1.0, 0.6], [0.6, 1.0]])


def test_rgba_lut_ends_and_middle_are_exact():
    lut = palette.rgba_lut(palette.OKABE_ITO[:2], n=257, strength=1.0)
    assert lut.shape == (257, 4) and lut.dtype == np.uint8
    assert list(lut[0]) == [230, 159, 0, 255]  # orange at p = 0
    assert list(lut[128]) == [*palette.MID_RGB, 255]  # white-ish at p = 0.5
    assert list(lut[256]) == [86, 180, 233, 255]  # sky blue at p = 1
    soft = palette.rgba_lut(palette.OKABE_ITO[:2], strength=0.5)
    mid = np.array(palette.MID_RGB, float)
    assert np.array_equal(soft[0, :3], np.rint(mid + 0.5 * (palette.hex_to_rgb("#E69F00") - mid)))


def test_surface_rgba_maps_probabilities_and_nan_to_the_lut():
    lut = palette.rgba_lut(palette.OKABE_ITO[:2], strength=1.0)
    img = palette.surface_rgba(np.array([[0.0, 0.5], [1.0, np.nan]]), lut=lut)
    assert img.shape == (2, 2, 4) and img.dtype == np.uint8
    assert list(img[0, 0]) == list(lut[0])
    assert list(img[0, 1]) == list(lut[128])
    assert list(img[1, 0]) == list(lut[-1])
    assert list(img[1, 1]) == list(lut[128])  # undefined shows as "don't know"


def test_classes_rgba_colour_by_class_lightness_by_confidence():
    img = palette.classes_rgba(np.array([[2, 0]]), np.array([[1.0, 0.0]]), strength=1.0)
    assert list(img[0, 0, :3]) == list(palette.hex_to_rgb(palette.class_color(2)).astype(int))
    assert list(img[0, 1, :3]) == list(palette.MID_RGB)


def test_trail_buffer_keeps_last_positions_skips_repeats():
    t = g.TrailBuffer(maxlen=3)
    assert t.array() is None
    c = np.zeros((2, 2))
    for k in range(5):
        c[0, 0] = k
        t.push(c)
        t.push(c)  # the same snapshot twice adds nothing
    arr = t.array()
    assert arr.shape == (3, 2, 2)
    assert np.array_equal(arr[:, 0, 0], [2, 3, 4])
    c[0, 0] = 99  # pushed copies, not views
    assert arr[-1, 0, 0] == 4
    t.push(np.zeros((3, 2)))  # neurons added: the old trail no longer applies
    assert len(t) == 1


def test_view_data_perceptron_line_matches_model_and_surface_is_its_output():
    p = Perceptron(n_inputs=2, bias=True, seed=0)
    p.weights = np.array([1.0, 0.0])
    p.bias = -0.5  # the line x = 0.5
    vd = g.view_data(p, None, BOX, resolution=8)
    assert vd.kind == "perceptron"
    assert np.array_equal(vd.line, [[0.5, -1.0], [0.5, 1.0]])
    assert np.array_equal(vd.line, np.array(p.decision_line(BOX)))
    assert np.allclose(vd.weight_arrow, [[0.5, 0.0], [0.5 + g.ARROW_FRACTION * 2.0, 0.0]])
    xs, _, _ = g.grid(BOX, 8)
    assert np.array_equal(vd.surface, np.tile((xs >= 0.5).astype(float), (8, 1)))
    assert vd.image.shape == (8, 8, 4)


def test_view_data_perceptron_3d_projects_at_the_hidden_mean():
    p = Perceptron(n_inputs=3, bias=True, seed=0)
    p.weights = np.array([1.0, 0.0, 1.0])
    p.bias = 0.0
    X = np.array([[0.0, 5.0, 0.5], [0.0, 7.0, 0.5]])  # hidden axis 2 has mean 0.5
    vd = g.view_data(p, X, BOX, resolution=4, axes=(0, 1))
    assert np.allclose(vd.line, [[-0.5, -1.0], [-0.5, 1.0]])


def test_view_data_mlp_binary_surface_contour_and_hidden_lines():
    m = MLP(layer_sizes=[2, 3, 1], seed=0)
    m.weights[0] = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    m.biases[0] = np.array([0.0, -0.5, 0.0])
    vd = g.view_data(m, None, BOX, resolution=30)
    _, _, pts = g.grid(BOX, 30)
    assert np.allclose(vd.surface.ravel(), m.predict_proba(pts)[:, 0])
    assert vd.classes is None and vd.image.shape == (30, 30, 4)
    assert np.array_equal(vd.hidden_lines[0], [[0.0, -1.0], [0.0, 1.0]])
    assert np.array_equal(vd.hidden_lines[1], [[-2.0, 0.5], [2.0, 0.5]])
    assert np.allclose(vd.hidden_lines[2], [[-1.0, 1.0], [1.0, -1.0]])
    assert vd.contour is not None and vd.contour.shape[1] == 2


def test_view_data_mlp_multiclass_winner_and_confidence():
    m = MLP(layer_sizes=[2, 4, 3], loss="cross_entropy", seed=1)
    vd = g.view_data(m, None, BOX, resolution=10)
    _, _, pts = g.grid(BOX, 10)
    P = m.predict_proba(pts)
    assert np.array_equal(vd.classes.ravel(), P.argmax(axis=1))
    assert np.allclose(vd.surface.ravel(), P.max(axis=1))
    assert vd.hidden_lines is not None and len(vd.hidden_lines) == 4


def test_view_data_competitive_regions_centroids_and_trails():
    c = CompetitiveLayer(n_inputs=2, n_neurons=2, seed=0)
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    c.initialize(X)
    c.centroids = np.array([[-1.0, 0.0], [1.0, 0.0]])
    trails = g.TrailBuffer(10)
    vd = g.view_data(c, X, BOX, resolution=4, trails=trails)
    # cell centres x = -1.5, -0.5, 0.5, 1.5: left half nearest neuron 0
    assert np.array_equal(vd.regions, np.tile([0, 0, 1, 1], (4, 1)))
    assert np.array_equal(vd.centroids, c.centroids) and vd.centroids is not c.centroids
    c.centroids = c.centroids + 0.25
    vd = g.view_data(c, X, BOX, resolution=4, trails=trails)
    assert vd.trails.shape == (2, 2, 2)


def test_without_cells_keeps_what_is_drawn_and_drops_the_numbers_of_every_cell():
    m = MLP(layer_sizes=[2, 4, 3], loss="cross_entropy", seed=1)
    vd = g.view_data(m, None, BOX, resolution=10)
    c = CompetitiveLayer(n_inputs=2, n_neurons=2, seed=0)
    c.initialize(np.array([[-1.0, 0.0], [1.0, 0.0]]))
    regions = g.view_data(c, None, BOX, resolution=4)
    for full in (vd, regions):
        sent = g.without_cells(full)
        assert sent.surface is None and sent.classes is None and sent.regions is None
        assert sent.image is full.image and sent.contour is full.contour
        assert sent.centroids is full.centroids and sent.hidden_lines is full.hidden_lines
    assert vd.classes is not None and regions.regions is not None  # the original keeps them


def test_view_data_competitive_uninitialised_is_empty():
    vd = g.view_data(CompetitiveLayer(seed=0), None, BOX, resolution=4)
    assert vd.regions is None and vd.centroids is None and vd.image is None


def test_view_data_competitive_3d_region_map_on_the_projection_plane():
    c = CompetitiveLayer(n_inputs=3, n_neurons=2, seed=0)
    X = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]])
    c.initialize(X)
    c.centroids = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]])
    # shown axes (0, 2): regions split along the plot's y (data axis 2)
    vd = g.view_data(c, X, BOX, resolution=4, axes=(0, 2))
    assert np.array_equal(vd.regions[:, 0], [0, 0, 1, 1])
    assert np.array_equal(vd.regions[0], [0, 0, 0, 0])


def test_neuron_colors_majority_class_ties_low_and_grey_without_a_class():
    winners = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    labels = np.array([3, 3, 1, 0, 2, 1, 1, 5])
    # neuron 0: class 3 (2 of 3); neuron 1: a 1-1 tie goes to class 0; 2: class 1;
    # neuron 3 wins nothing
    assert palette.neuron_colors(winners, labels, 4) == [
        palette.class_color(3), palette.class_color(0), palette.class_color(1), palette.NEUTRAL_COLORS[3]]
    greys = list(palette.NEUTRAL_COLORS[:3])
    assert palette.neuron_colors(winners, None, 3) == greys
    assert palette.neuron_colors(winners, labels[:5], 3) == greys  # labels of other points
    assert not set(palette.NEUTRAL_COLORS) & set(palette.OKABE_ITO)


def _three_clusters():
    rng = np.random.default_rng(3)
    centres = np.array([[-1.2, -0.5], [1.2, -0.5], [0.0, 0.6]])
    X = np.repeat(centres, 10, axis=0) + rng.normal(0.0, 0.05, (30, 2))
    return centres, X, np.repeat(np.arange(3), 10)


def test_view_data_competitive_neuron_wears_the_class_of_the_cluster_it_sits_on():
    centres, X, y = _three_clusters()
    c = CompetitiveLayer(n_inputs=2, n_neurons=3, seed=0)
    c.initialize(X)
    c.centroids = centres[[2, 0, 1]].copy()  # neuron 0 on class 2's cluster, and so on
    vd = g.view_data(c, X, BOX, resolution=40, labels=y)
    assert vd.neuron_colors == [palette.class_color(2), palette.class_color(0), palette.class_color(1)]
    # the region around class 2's cluster is painted in class 2's colour, softly
    mid = np.array(palette.MID_RGB, float)
    want = np.rint(mid + 0.35 * (palette.hex_to_rgb(palette.class_color(2)) - mid))
    j, i = np.unravel_index(np.flatnonzero(vd.regions == 0)[0], vd.regions.shape)
    assert np.array_equal(vd.image[j, i, :3], want)
    unlabelled = g.view_data(c, X, BOX, resolution=40)
    assert unlabelled.neuron_colors == list(palette.NEUTRAL_COLORS[:3])


def test_competitive_region_boundaries_lie_between_neighbouring_neurons():
    c = CompetitiveLayer(n_inputs=2, n_neurons=2, seed=0)
    c.initialize(np.zeros((2, 2)))
    c.centroids = np.array([[-1.0, 0.3], [1.0, 0.3]])
    vd = g.view_data(c, None, BOX, resolution=20)
    # the bisector x = 0, exactly, one segment per row of cells
    assert vd.contour.shape == (2 * 19, 2)
    assert np.allclose(vd.contour[:, 0], 0.0, atol=1e-12)

    centres, X, y = _three_clusters()
    c3 = CompetitiveLayer(n_inputs=2, n_neurons=3, seed=0)
    c3.initialize(X)
    c3.centroids = centres.copy()
    edges = g.view_data(c3, X, BOX, resolution=50, labels=y).contour
    d = np.sqrt(((edges[:, None, :] - centres[None]) ** 2).sum(-1))  # (m, 3)
    two = np.sort(d, axis=1)[:, :2]
    # On a boundary two neurons tie: exactly (linear field) except within a cell of the
    # triple point (0, -0.6045), where the field bends inside the cell.
    near_junction = np.hypot(edges[:, 0], edges[:, 1] + 0.6045) < 0.1
    assert np.allclose(two[~near_junction, 0], two[~near_junction, 1], atol=1e-9)
    assert np.abs(two[:, 0] - two[:, 1]).max() < 0.08
    pairs = {tuple(sorted(p)) for p in np.argsort(d, axis=1)[:, :2]}
    assert pairs == {(0, 1), (0, 2), (1, 2)}  # every pair of neighbours has its edge
    one = CompetitiveLayer(n_inputs=2, n_neurons=1, seed=0)
    one.initialize(X)
    assert len(g.view_data(one, X, BOX, resolution=10).contour) == 0


def test_fit_camera_frames_exactly():
    square = np.array([[0.0, y, z] for y in (0.0, 2.0) for z in (-1.0, 1.0)])
    # from +x (elevation 0, azimuth 0) with a 90 degree view: right is +y, up is +z
    centre, dist = camera.fit_camera(square, 0.0, 0.0, 90.0, aspect=1.0)
    assert np.allclose(centre, [0.0, 1.0, 0.0]) and dist == pytest.approx(1.0)
    # a cube: the near face (1 closer) must fit, half-width 1 at depth 1 -> distance 2
    cube = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
    centre, dist = camera.fit_camera(cube, 0.0, 0.0, 90.0, aspect=1.0)
    assert np.allclose(centre, 0.0) and dist == pytest.approx(2.0)
    # a wide view (aspect 0.5): the height binds; a margin backs off
    _, wide = camera.fit_camera(square, 0.0, 0.0, 90.0, aspect=0.5)
    _, loose = camera.fit_camera(square, 0.0, 0.0, 90.0, aspect=1.0, margin=0.5)
    assert wide == pytest.approx(2.0) and loose == pytest.approx(2.0)


def test_view_data_autoencoder_reconstructions_and_codes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    a = Autoencoder(layer_sizes=[3, 4, 2, 4, 3], seed=0)
    assert g.view_data(a, X, BOX, resolution=4).reconstructions is None  # not fitted yet
    a.partial_fit(X)
    vd = g.view_data(a, X, BOX, resolution=4)
    assert vd.reconstructions.shape == (20, 3) and vd.codes.shape == (20, 2)
    assert np.allclose(vd.reconstructions, a.predict(X))
    assert np.array_equal(vd.originals, X)


def test_view_data_diverged_mlp_gives_neutral_image_not_warnings():
    m = MLP(layer_sizes=[2, 2, 1], seed=0)
    m.weights[0][:] = np.nan
    vd = g.view_data(m, None, BOX, resolution=5)
    assert vd.image.shape == (5, 5, 4)


@pytest.mark.parametrize("res", [1, 100])
def test_grid_resolution_shapes(res):
    xs, ys, pts = g.grid(BOX, res)
    assert xs.shape == (res,) and pts.shape == (res * res, 2)


def test_a_translucent_colour_over_a_background_is_one_opaque_colour():
    over = palette.over
    assert over((0.0, 0.0, 0.0), 0.25) == (0.75, 0.75, 0.75)  # black at 1/4 over white
    assert over((1.0, 0.0, 0.0), 0.5, (0.0, 0.0, 1.0)) == (0.5, 0.0, 0.5)
    assert over((0.2, 0.4, 0.6), 1.0) == (0.2, 0.4, 0.6)  # opaque: itself
    assert over((0.2, 0.4, 0.6), 0.0, (0.1, 0.1, 0.1)) == (0.1, 0.1, 0.1)  # clear: the ground
