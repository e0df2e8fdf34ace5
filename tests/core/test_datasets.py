import itertools

import numpy as np
import pytest

from nnplayground.core import datasets as ds
from nnplayground.core.datasets import (DIGIT_FONT, PRESETS, Dataset, digit_patterns,
                                        noisy_digits, train_test_split)


def test_truth_tables_exact():
    inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    for fn, targets in [(ds.and_gate, [0, 0, 0, 1]), (ds.or_gate, [0, 1, 1, 1]),
                        (ds.xor_gate, [0, 1, 1, 0])]:
        d = fn()
        assert d.X.tolist() == inputs and d.X.dtype == np.float64
        assert d.y.tolist() == targets and d.y.dtype == np.int64
        assert len(d.class_names) == 2


def test_linear_split_labels_by_side_of_a_line():
    d = ds.linear_split(n=200, seed=3)
    assert d.X.shape == (200, 2) and set(d.y.tolist()) == {0, 1}
    # a line separates the labels: Rosenblatt's rule (written here) reaches zero mistakes
    A = np.column_stack([d.X, np.ones(200)])
    w = np.zeros(3)
    for _ in range(200):
        mistakes = 0
        for a, t in zip(A, d.y):
            out = int(a @ w >= 0)
            if out != t:
                w += (t - out) * a
                mistakes += 1
        if mistakes == 0:
            break
    assert np.all((A @ w >= 0) == (d.y == 1))
    assert np.all(np.abs(d.X) <= 5.0)


def test_bias_clusters_need_a_bias():
    for seed in range(5):
        d = ds.bias_clusters(n=50, seed=seed)
        assert d.X.shape == (100, 2)
        inner, outer = d.X[d.y == 0], d.X[d.y == 1]
        # exact: the origin is strictly inside class 0's convex hull (every angular gap
        # between its points, seen from the origin, is below pi), so class 0 has points
        # strictly on both sides of every line through the origin
        ang = np.sort(np.arctan2(inner[:, 1], inner[:, 0]))
        assert np.diff(np.concatenate([ang, ang[:1] + 2 * np.pi])).max() < np.pi
        # the same, seen directly: for every direction on a fine grid both sides are used
        for t in np.linspace(0, np.pi, 721):
            side = inner @ [np.cos(t), np.sin(t)]
            assert side.max() > 0 and side.min() < 0
        # with a bias, -x + y - 4 = 0 separates them with margin
        assert np.all(-outer[:, 0] + outer[:, 1] - 4 >= 2)
        assert np.all(-inner[:, 0] + inner[:, 1] - 4 <= -2)


def test_blobs_2d_and_3d():
    d2 = ds.blobs([[0, 0], [5, 5]], n_per_cluster=30, sd=0.5, seed=1)
    assert d2.X.shape == (60, 2) and d2.y.tolist() == [0] * 30 + [1] * 30
    np.testing.assert_array_equal(d2.centroids, [[0, 0], [5, 5]])
    d3 = ds.blobs([[0, 0, 0]], n_per_cluster=2000, sd=0.5, seed=1)
    assert d3.X.shape == (2000, 3)
    assert np.abs(d3.X.std(axis=0) - 0.5).max() < 0.03


def test_five_clusters_3d():
    d = ds.five_clusters_3d()
    assert d.X.shape == (500, 3) and d.y.dtype == np.int64
    np.testing.assert_array_equal(
        d.centroids, [[1, 2, 1], [2, 5, 2], [-3, 3, 0], [5, -1, -1], [-2, -2, -2]])
    means = np.array([d.X[d.y == k].mean(axis=0) for k in range(5)])
    assert np.linalg.norm(means - d.centroids, axis=1).max() < 0.35
    assert np.abs(d.X[d.y == 0].std(axis=0) - 0.8).max() < 0.2


def test_autoencoder_blobs_range():
    d = ds.autoencoder_blobs(n=201, seed=0)
    assert d.X.shape == (201, 4) and np.bincount(d.y).tolist() == [100, 101]
    assert 7 < np.abs(d.X).max() < 14


def test_playground_circle():
    d = ds.circle(n=500, noise=0.0, seed=0)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    assert np.all(r[d.y == 1] <= 2.5) and np.all((r[d.y == 0] >= 3.5) & (r[d.y == 0] <= 5))
    assert np.bincount(d.y).tolist() == [250, 250]
    noisy = ds.circle(n=500, noise=0.5, seed=0)
    rn = np.hypot(noisy.X[:, 0], noisy.X[:, 1])
    wrong = np.sum((rn < 2.5) != (noisy.y == 1))
    assert 20 < wrong < 250  # noise mislabels points, it does not move them


def test_playground_xor():
    d = ds.xor_quadrants(n=500, noise=0.0, seed=0)
    assert np.all(np.abs(d.X) >= 0.3) and np.all(np.abs(d.X) <= 5.3)
    assert np.all((d.X[:, 0] * d.X[:, 1] >= 0) == (d.y == 1))
    noisy = ds.xor_quadrants(n=500, noise=0.5, seed=0)
    assert np.any((noisy.X[:, 0] * noisy.X[:, 1] >= 0) != (noisy.y == 1))


def test_playground_gaussian():
    d = ds.gaussian(n=1000, noise=0.0, seed=0)
    np.testing.assert_allclose(d.X[d.y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(d.X[d.y == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert abs(d.X[d.y == 1].var() - 0.5) < 0.1
    assert abs(ds.gaussian(n=2000, noise=0.5, seed=0).X[:1000].var() - 4.0) < 0.5


def test_playground_spiral():
    d = ds.spiral(n=500, noise=0.0, seed=0)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    assert r.max() < 5.0 and r.min() == 0.0
    # the two arms are each other's point reflection through the origin
    np.testing.assert_allclose(d.X[d.y == 1], -d.X[d.y == 0], atol=1e-12)
    noisy = ds.spiral(n=500, noise=0.5, seed=0)
    shift = np.abs(noisy.X - d.X)
    assert shift.max() <= 0.5 and shift.max() > 0.45


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_are_seeded(name):
    a, b = PRESETS[name](seed=1, noise=0.1), PRESETS[name](seed=1, noise=0.1)
    assert isinstance(a, Dataset)
    assert a.X.dtype == np.float64 and a.y.dtype == np.int64 and a.X.ndim == 2
    assert a.y.shape == (len(a.X),) and a.y.max() < len(a.class_names)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    if name not in ("AND", "OR", "XOR (truth table)"):
        assert not np.array_equal(a.X, PRESETS[name](seed=2, noise=0.1).X)


def test_preset_names():
    assert {"AND", "OR", "XOR (truth table)", "Line", "Needs a bias", "Circle", "XOR",
            "Gaussian", "Spiral", "Five 3-D clusters", "Two blobs (autoencoder)"} == set(PRESETS)


def _rows(*rows):
    return [[int(c) for c in r] for r in rows]


def test_digit_font_classic_patterns_exact():
    assert DIGIT_FONT[0].tolist() == _rows("0110", "1001", "1001", "1001", "0110")
    assert DIGIT_FONT[1].tolist() == _rows("0010", "0010", "0010", "0010", "0010")
    assert DIGIT_FONT[2].tolist() == _rows("0110", "1001", "0010", "0100", "1111")
    assert DIGIT_FONT[3].tolist() == _rows("1111", "0001", "0111", "0001", "1111")


def test_digit_font_shapes_and_distances():
    assert sorted(DIGIT_FONT) == list(range(10))
    for glyph in DIGIT_FONT.values():
        assert glyph.shape == (5, 4) and set(np.unique(glyph)) <= {0, 1}
    P = digit_patterns()
    assert P.shape == (10, 20) and P.dtype == np.float64
    np.testing.assert_array_equal(P[2], DIGIT_FONT[2].ravel())
    dists = [int(np.sum(P[a] != P[b])) for a, b in itertools.combinations(range(10), 2)]
    assert min(dists) == 3  # the best we found; pairs (5,6), (6,8), (8,9)


def test_noisy_digits_flip_exactly_k_pixels():
    X, y = noisy_digits(n_copies=4, flips=2, seed=0)
    assert X.shape == (40, 20) and y.tolist() == sorted(list(range(10)) * 4)
    flipped = np.sum(X != digit_patterns()[y], axis=1)
    assert flipped.tolist() == [2] * 40
    X2, _ = noisy_digits(n_copies=4, flips=2, seed=0)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, noisy_digits(n_copies=4, flips=2, seed=1)[0])
    clean, _ = noisy_digits(n_copies=1, flips=0)
    np.testing.assert_array_equal(clean, digit_patterns())
    with pytest.raises(ValueError):
        noisy_digits(flips=21)


def test_train_test_split_sizes_partition_and_stratification():
    y = np.array([0] * 60 + [1] * 40)
    X = np.zeros((100, 2))
    train, test = train_test_split(X, y, test_ratio=0.25, seed=0)
    assert len(test) == 25 and len(train) == 75
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    assert np.bincount(y[test]).tolist() == [15, 10]
    again = train_test_split(X, y, test_ratio=0.25, seed=0)
    np.testing.assert_array_equal(again[1], test)
    assert not np.array_equal(train_test_split(X, y, 0.25, seed=1)[1], test)
    tr, te = train_test_split(np.zeros((7, 2)), None, test_ratio=0.3, seed=0)
    assert len(te) == 2 and len(tr) == 5
    tr, te = train_test_split(X, y, test_ratio=0.0)
    assert len(te) == 0 and len(tr) == 100
    # rounding per class may overshoot; the total is still round(ratio * n)
    tr, te = train_test_split(np.zeros((6, 1)), [0, 0, 0, 1, 1, 1], test_ratio=0.5, seed=0)
    assert len(te) == 3


@pytest.mark.parametrize("ratio", [1.0, -0.1, 1.5, float("nan")])
def test_train_test_split_bad_ratio(ratio):
    with pytest.raises(ValueError, match="test ratio"):
        train_test_split(np.zeros((10, 2)), None, test_ratio=ratio)
