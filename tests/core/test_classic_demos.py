"""Each model learns (or, where that is the lesson, fails to learn) its classic demo on the
data sets the window offers."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core import MLP, Autoencoder, CompetitiveLayer, Perceptron
from nnplayground.core import datasets as ds


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_needs_a_bias_preset(seed):
    data = ds.PRESETS["Needs a bias"](seed=seed)
    with_bias = Perceptron(2, bias=True, learning_rate=0.1, seed=seed)
    without = Perceptron(2, bias=False, learning_rate=0.1, seed=seed)
    with_bias.fit(data.X, data.y, epochs=200)
    without.fit(data.X, data.y, epochs=200)
    assert with_bias.converged
    assert np.array_equal(with_bias.predict(data.X), data.y)
    assert not without.converged
    assert np.mean(without.predict(data.X) == data.y) < 1.0
    # The no-bias line passes through the origin, always.
    line = without.decision_line((-7, 7, -7, 7))
    (x0, y0), (x1, y1) = line
    assert abs(x0 * y1 - x1 * y0) < 1e-9


def test_xor_truth_table_perceptron_fails_mlp_learns():
    data = ds.PRESETS["XOR (truth table)"]()
    p = Perceptron(2, bias=True, seed=0)
    errors = p.fit(data.X, data.y, epochs=100)
    assert min(errors) > 0 and not p.converged
    mlp = MLP([2, 4, 1], activation="tanh", loss="cross_entropy", optimizer="sgd",
              learning_rate=0.5, seed=0)
    mlp.fit(data.X, data.y, epochs=2000)
    assert np.array_equal(mlp.predict(data.X), data.y)


@pytest.mark.parametrize("name", ["AND", "OR"])
def test_bias_perceptron_learns_gates(name):
    data = ds.PRESETS[name]()
    p = Perceptron(2, bias=True, learning_rate=0.1, seed=0)
    p.fit(data.X, data.y, epochs=100)
    assert p.converged and np.array_equal(p.predict(data.X), data.y)


def test_competitive_layer_finds_the_five_3d_clusters():
    data = ds.PRESETS["Five 3-D clusters"](seed=0)
    layer = CompetitiveLayer(3, 5, mode="batch", seed=0)
    layer.fit(data.X, epochs=100)
    means = np.array([data.X[data.y == k].mean(axis=0) for k in range(5)])
    dist = np.linalg.norm(layer.centroids[:, None, :] - means[None], axis=2)
    # Every cluster has its own neuron, close to the cluster's sample mean.
    assert sorted(dist.argmin(axis=0).tolist()) == list(range(5))
    assert dist.min(axis=0).max() < 0.1


def test_autoencoder_on_two_blobs_preset():
    data = ds.PRESETS["Two blobs (autoencoder)"](seed=0)
    ae = Autoencoder([data.X.shape[1], 8, 2, 8, data.X.shape[1]], seed=0)
    errors = ae.fit(data.X, epochs=300)
    assert errors[-1] < 0.1 * errors[0]
    Z = ae.encode(data.X)
    centres = np.array([Z[data.y == k].mean(axis=0) for k in (0, 1)])
    nearest = np.linalg.norm(Z[:, None] - centres[None], axis=2).argmin(axis=1)
    assert np.mean(nearest == data.y) >= 0.95
