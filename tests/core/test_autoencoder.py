"""Autoencoder: reconstructs two blobs with its defaults, and its 2-D code separates them."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.autoencoder import Autoencoder
from nnplayground.core.base import ModelError


def two_blobs(n=200, seed=0):
    """Two 4-D Gaussian blobs (sd 0.5) in raw units far from 0 and 1, labels 0/1."""
    rng = np.random.default_rng(seed)
    centres = np.array([[-3.0, 2.0, -1.0, 8.0], [3.0, -2.0, 1.0, 10.0]])
    labels = np.repeat([0, 1], n // 2)
    return centres[labels] + rng.normal(0.0, 0.5, size=(n, 4)), labels


@pytest.fixture(scope="module")
def trained():
    X, labels = two_blobs()
    ae = Autoencoder([4, 8, 2, 8, 4], seed=0)  # defaults otherwise: tanh, Adam, batch 32
    errors = ae.fit(X, epochs=200)
    return ae, X, labels, errors


def test_defaults_reconstruct_two_blobs(trained):
    ae, X, _, errors = trained
    assert ae.get_config()["optimizer"] == "adam" and ae.batch_size == 32
    # Standardised MSE < 0.05 means more than 95 % of each feature's variance is rebuilt.
    assert errors[-1] < 0.05
    assert errors[-1] < 0.1 * errors[0]
    assert ae.error(X) == errors[-1]
    recon = ae.predict(X)
    assert recon.shape == X.shape
    # In the input's own units: the error is about the blobs' noise, not their offset.
    assert np.mean(np.abs(recon - X)) < 0.35
    np.testing.assert_allclose(ae.mean_, X.mean(axis=0))
    np.testing.assert_allclose(ae.scale_, X.std(axis=0))


def test_code_separates_the_blobs(trained):
    ae, X, labels, _ = trained
    Z = ae.encode(X)
    assert Z.shape == (200, 2) and ae.n_latent == 2
    centroids = np.array([Z[labels == k].mean(axis=0) for k in (0, 1)])
    nearest = np.argmin(((Z[:, None, :] - centroids) ** 2).sum(axis=-1), axis=1)
    assert np.mean(nearest == labels) >= 0.95


def test_encode_decode_compose_to_predict(trained):
    ae, X, _, _ = trained
    np.testing.assert_allclose(ae.decode(ae.encode(X)), ae.predict(X), rtol=1e-12, atol=1e-12)
    acts = ae.forward(X)
    assert [a.shape[1] for a in acts] == [4, 8, 2, 8, 4]
    np.testing.assert_allclose(acts[2], ae.encode(X), rtol=0, atol=0)
    assert ae.weights is ae.mlp.weights and ae.biases is ae.mlp.biases
    with pytest.raises(ModelError):
        ae.decode(np.zeros((3, 4)))


def test_state_round_trip_reproducibility_and_reset():
    X, _ = two_blobs(n=64, seed=1)
    a, b = Autoencoder([4, 6, 2, 6, 4], seed=3), Autoencoder([4, 6, 2, 6, 4], seed=3)
    assert a.fit(X, epochs=3) == b.fit(X, epochs=3)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    copy = Autoencoder(**a.get_config())
    copy.set_state(a.get_state())
    np.testing.assert_array_equal(copy.predict(X), a.predict(X))
    np.testing.assert_array_equal(copy.mean_, a.mean_)
    errors = a.fit(X, epochs=2)
    a.reset()
    assert a.epoch == 0 and a.mean_ is None
    a.fit(X, epochs=3)
    assert a.fit(X, epochs=2) == errors
    # Training settings reach the inner network (the training loop sets them by name).
    a.learning_rate = 0.5
    assert a.mlp.learning_rate == 0.5


def test_model_errors():
    with pytest.raises(ModelError):
        Autoencoder([4, 2, 3])
    with pytest.raises(ModelError):
        Autoencoder([4, 4])
    ae = Autoencoder([3, 2, 3])
    with pytest.raises(ModelError):
        ae.partial_fit(np.zeros((5, 4)))
    state = ae.get_state()
    state["mean_"], state["scale_"] = np.zeros(2), np.ones(2)
    with pytest.raises(ModelError):
        ae.set_state(state)
    state["mean_"], state["scale_"] = np.zeros(3), np.zeros(3)
    with pytest.raises(ModelError):
        ae.set_state(state)
    state["scale_"] = np.ones(3)
    state["weights"] = [np.zeros((3, 3)), np.zeros((2, 3))]
    with pytest.raises(ModelError):
        ae.set_state(state)
