"""MLP: textbook fidelity, gradients, optimizers, XOR, softmax, state and failure modes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnplayground.core.base import ModelError
from nnplayground.core.mlp import MLP

CLASSIC_X = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
CLASSIC_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_X = CLASSIC_X[:, :2]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def textbook(sizes, seed):
    rng = np.random.default_rng(seed)
    Ws = [2.0 * rng.random((a, b)) - 1.0 for a, b in zip(sizes[:-1], sizes[1:])]
    m = MLP(sizes, activation="sigmoid", bias=False, loss="sse", optimizer="sgd",
            learning_rate=1.0, batch_size=None, seed=123)
    m.weights = [W.copy() for W in Ws]
    return m, Ws


def textbook_iteration(X, y, W0, W1) -> None:
    """One iteration of the classic hand-written two-layer loop, updating W0, W1 in place."""
    l1 = sigmoid(X @ W0)
    l2 = sigmoid(l1 @ W1)
    l2_delta = (y - l2) * l2 * (1 - l2)
    l1_delta = l2_delta @ W1.T * l1 * (1 - l1)
    W1 += l1.T @ l2_delta
    W0 += X.T @ l1_delta


def test_textbook_fidelity_one_iteration():
    m, (W0, W1) = textbook([3, 4, 1], seed=1)
    m.partial_fit(CLASSIC_X, CLASSIC_Y)
    textbook_iteration(CLASSIC_X, CLASSIC_Y, W0, W1)
    assert not np.array_equal(m.weights[0], m.weights[0] * 0)  # something moved
    np.testing.assert_allclose(m.weights[0], W0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.weights[1], W1, rtol=0, atol=1e-12)
    assert m.biases is None


def test_textbook_fidelity_many_iterations_and_learns_the_classic_task():
    m, (W0, W1) = textbook([3, 4, 1], seed=2)
    X, y = CLASSIC_X, CLASSIC_Y
    for _ in range(1000):
        err = m.partial_fit(X, y)
        textbook_iteration(X, y, W0, W1)
    np.testing.assert_allclose(m.weights[0], W0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.weights[1], W1, rtol=0, atol=1e-12)
    out = sigmoid(sigmoid(X @ W0) @ W1)
    assert err == pytest.approx(0.5 * np.sum((out - y) ** 2), rel=1e-12)  # sse, not averaged
    np.testing.assert_array_equal(m.predict(X), [0, 1, 1, 0])


def test_textbook_fidelity_deeper_net():
    m, (W0, W1, W2) = textbook([3, 4, 3, 1], seed=3)
    X, y = CLASSIC_X, CLASSIC_Y
    for _ in range(25):
        m.partial_fit(X, y)
        l1 = sigmoid(X @ W0)
        l2 = sigmoid(l1 @ W1)
        l3 = sigmoid(l2 @ W2)
        l3_delta = (y - l3) * l3 * (1 - l3)
        l2_delta = l3_delta @ W2.T * l2 * (1 - l2)
        l1_delta = l2_delta @ W1.T * l1 * (1 - l1)
        W2 += l2.T @ l3_delta
        W1 += l1.T @ l2_delta
        W0 += X.T @ l1_delta
    for got, want in zip(m.weights, (W0, W1, W2)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def gradient_by_update(m, X, y):
    """The gradient training used: with full-batch SGD at lr 1, it is before - after."""
    state = m.get_state()
    m.partial_fit(X, y)
    after = m.get_state()
    m.set_state(state)
    grads = [b - a for b, a in zip(state["weights"], after["weights"])]
    if state["biases"] is not None:
        grads += [b - a for b, a in zip(state["biases"], after["biases"])]
    return grads


def numeric_gradient(m, X, y, h=1e-6):
    params = list(m.weights) + (list(m.biases) if m.biases is not None else [])
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = m.error(X, y)
            p[idx] = old - h
            down = m.error(X, y)
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


@pytest.mark.parametrize(
    "sizes, activation, loss, task, out",
    [
        ([2, 3, 1], "sigmoid", "sse", "classification", "auto"),
        ([2, 3, 1], "tanh", "cross_entropy", "classification", "auto"),
        ([2, 3, 3], "relu", "cross_entropy", "classification", "auto"),  # softmax
        ([2, 3, 3], "tanh", "sse", "classification", "softmax"),  # softmax Jacobian
        ([2, 3, 2], "tanh", "cross_entropy", "classification", "sigmoid"),
        ([2, 4, 3, 2], "tanh", "mse", "regression", "auto"),
        ([2, 2], "sigmoid", "mse", "classification", "tanh"),
    ],
)
def test_backprop_matches_numeric_gradient(sizes, activation, loss, task, out):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 2))
    if task == "regression" or out == "tanh":
        y = rng.uniform(0.0, 1.0, size=(7, sizes[-1]))
    else:
        y = rng.integers(0, sizes[-1] if sizes[-1] > 1 else 2, size=7)
    m = MLP(sizes, activation=activation, loss=loss, task=task, output_activation=out,
            optimizer="sgd", learning_rate=1.0, seed=4)
    for b in m.biases:
        b[:] = rng.normal(size=b.shape)
    for got, want in zip(gradient_by_update(m, X, y), numeric_gradient(m, X, y)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


def test_input_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 2))
    for sizes, loss in (([2, 4, 1], "sse"), ([2, 4, 3], "cross_entropy")):
        m = MLP(sizes, activation="tanh", loss=loss, seed=2)
        c = sizes[-1] - 1
        g = m.input_gradient(X, target_class=c)
        assert g.shape == X.shape
        h = 1e-6
        for j in range(2):
            e = np.zeros(2)
            e[j] = h
            num = (m.predict_proba(X + e)[:, c] - m.predict_proba(X - e)[:, c]) / (2 * h)
            np.testing.assert_allclose(g[:, j], num, rtol=1e-6, atol=1e-9)
    assert m.input_gradient(X[0], 0).shape == (2,)
    with pytest.raises(ModelError):
        m.input_gradient(X, target_class=3)


def test_mlp_with_one_hidden_layer_learns_xor():
    for activation, lr in (("tanh", 0.5), ("sigmoid", 2.0)):
        m = MLP([2, 4, 1], activation=activation, learning_rate=lr, seed=0)
        m.fit(XOR_X, [0, 1, 1, 0], epochs=1000)
        np.testing.assert_array_equal(m.predict(XOR_X), [0, 1, 1, 0])


def test_no_hidden_layer_is_allowed_and_learns_and():
    m = MLP([2, 1], learning_rate=1.0, seed=0)
    assert m.weights[0].shape == (2, 1) and m.biases[0].shape == (1,)
    m.fit(XOR_X, [0, 0, 0, 1], epochs=500)
    np.testing.assert_array_equal(m.predict(XOR_X), [0, 0, 0, 1])
    assert [w.shape for w in m.forward(XOR_X)] == [(4, 2), (4, 1)]


def test_softmax_three_blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    labels = np.repeat([0, 1, 2], 60)
    X = centres[labels] + rng.normal(0.0, 1.0, size=(180, 2))
    m = MLP([2, 8, 3], activation="tanh", loss="cross_entropy", optimizer="adam",
            learning_rate=0.05, batch_size=16, seed=0)
    assert m.resolved_output_activation == "softmax"
    m.fit(X, labels, epochs=30)
    proba = m.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.mean(m.predict(X) == labels) >= 0.95
    acts = m.forward(X)
    assert [a.shape for a in acts] == [(180, 2), (180, 8), (180, 3)]
    np.testing.assert_array_equal(acts[0], X)


def circle_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    r = np.sqrt(rng.uniform(0.0, 25.0, n))
    theta = rng.uniform(0.0, 2 * np.pi, n)
    return np.c_[r * np.cos(theta), r * np.sin(theta)], (r < 2.5).astype(int)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.1), ("momentum", 0.05), ("adam", 0.02)])
def test_each_optimizer_decreases_the_loss(optimizer, lr):
    X, y = circle_data()
    m = MLP([2, 6, 1], activation="tanh", loss="cross_entropy", optimizer=optimizer,
            learning_rate=lr, batch_size=20, seed=0)
    before = m.error(X, y)
    errors = m.fit(X, y, epochs=40)
    assert errors[-1] < 0.6 * before
    assert errors[-1] == m.error(X, y)  # partial_fit reports the error after the epoch


def test_l2_decays_weights_exactly_when_the_data_gradient_is_zero():
    # Zero inputs and zero targets with no bias: every data gradient vanishes, so one
    # SGD step only applies the decay, W <- W - lr * l2 * W.
    m = MLP([2, 3, 1], activation="tanh", bias=False, task="regression", loss="sse",
            learning_rate=0.5, l2=0.1, seed=1)
    before = [w.copy() for w in m.weights]
    m.partial_fit(np.zeros((4, 2)), np.zeros(4))
    for w, w0 in zip(m.weights, before):
        np.testing.assert_allclose(w, 0.95 * w0, rtol=1e-15, atol=0)


def test_l2_shrinks_trained_weights():
    X, y = circle_data(seed=1)
    norms = []
    for l2 in (0.0, 0.05):
        m = MLP([2, 6, 1], activation="tanh", loss="cross_entropy", learning_rate=0.1,
                batch_size=20, l2=l2, seed=0)
        m.fit(X, y, epochs=40)
        norms.append(sum(float(np.sum(w * w)) for w in m.weights))
    assert norms[1] < 0.7 * norms[0]


def test_reproducible_bit_for_bit_and_reset():
    X, y = circle_data(seed=2)
    kwargs = dict(layer_sizes=[2, 5, 3, 1], activation="relu", optimizer="adam",
                  learning_rate=0.01, batch_size=16, seed=11)
    a, b = MLP(**kwargs), MLP(**kwargs)
    ea, eb = a.fit(X, y, epochs=5), b.fit(X, y, epochs=5)
    assert ea == eb
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(wa, wb)
    trained = a.get_state()
    a.reset()
    assert a.epoch == 0
    assert a.fit(X, y, epochs=5) == ea
    for w, w0 in zip(a.weights, trained["weights"]):
        np.testing.assert_array_equal(w, w0)
    a.reset(seed=12)
    assert not np.array_equal(a.weights[0], trained["weights"][0])


def test_state_round_trip_and_config():
    X, y = circle_data(seed=3)
    m = MLP([2, 4, 1], activation="tanh", batch_size=10, seed=5)
    m.fit(X, y, epochs=3)
    copy = MLP(**m.get_config())
    assert copy.get_config() == m.get_config()
    copy.set_state(m.get_state())
    np.testing.assert_array_equal(copy.predict_proba(X), m.predict_proba(X))
    state = m.get_state()
    state["weights"][0][0, 0] = 42.0  # copies: the model is untouched
    assert m.weights[0][0, 0] != 42.0
    assert m.params_finite()


def test_model_errors_on_wrong_shapes():
    m = MLP([2, 4, 1], seed=0)
    with pytest.raises(ModelError):
        m.set_state({"weights": [np.zeros((2, 4)), np.zeros((3, 1))], "biases": [np.zeros(4), np.zeros(1)]})
    with pytest.raises(ModelError):
        m.set_state({"weights": [np.zeros((2, 4))], "biases": None})
    with pytest.raises(ModelError):
        m.set_state({"weights": [np.zeros((2, 4)), np.zeros((4, 1))], "biases": None})
    with pytest.raises(ModelError):
        m.partial_fit(np.zeros((3, 3)), [0, 1, 0])
    with pytest.raises(ModelError):
        m.partial_fit(np.zeros((3, 2)), [0, 1])
    m.weights[1] = np.zeros((5, 1))  # a teacher typed a matrix of the wrong size
    with pytest.raises(ModelError):
        m.partial_fit(np.zeros((3, 2)), [0, 1, 0])
    with pytest.raises(ModelError):
        MLP([2, 3], loss="cross_entropy").partial_fit(np.zeros((2, 2)), [0, 5])
    with pytest.raises(ModelError):
        MLP([2, 1], task="regression", loss="cross_entropy")
    with pytest.raises(ModelError):
        MLP([2], activation="sigmoid")
    with pytest.raises(ModelError):
        MLP([2, 1], optimizer="rmsprop")


def test_divergence_gives_non_finite_error_without_warnings():
    X, y = circle_data(seed=4)
    m = MLP([2, 8, 1], activation="relu", task="regression", loss="mse",
            learning_rate=1e3, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        errors = m.fit(X, 10.0 * X[:, 0], epochs=30)
        assert not np.isfinite(errors[-1])
        assert not m.params_finite()
        assert not np.all(np.isfinite(m.predict(X)))


def test_float32_surface_matches_float64_predictions():
    rng = np.random.default_rng(5)
    for sizes, act in (([2, 4, 2, 1], "tanh"), ([2, 6, 3], "relu"), ([3, 5, 1], "sigmoid")):
        m = MLP(sizes, activation=act, loss="cross_entropy", seed=1)
        X = rng.uniform(-6, 6, (500, sizes[0]))
        fast = m.predict_proba_float32(X)
        assert fast.dtype == np.float32 and fast.shape == (500, sizes[-1])
        np.testing.assert_allclose(fast, m.predict_proba(X), atol=1e-5)
