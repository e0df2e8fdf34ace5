"""Perceptron: Rosenblatt's rule, the bias lesson, XOR, the decision line."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.base import ModelError
from nnplayground.core.explain import step_sample
from nnplayground.core.perceptron import Perceptron, line_in_box

TRUTH_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def off_origin_clusters(seed: int = 0, n: int = 40):
    """Two uniform squares on the diagonal, [1, 2]^2 (class 0) and [3, 4]^2 (class 1).

    (1.5, 1.5) and (3.5, 3.5) lie on the same ray from the origin, so w . x has the same
    sign for both whatever w is: no line through the origin separates the classes.
    """
    rng = np.random.default_rng(seed)
    a = np.vstack([rng.uniform(1.0, 2.0, size=(n - 1, 2)), [[1.5, 1.5]]])
    b = np.vstack([rng.uniform(3.0, 4.0, size=(n - 1, 2)), [[3.5, 3.5]]])
    return np.vstack([a, b]), np.repeat([0, 1], n)


def test_bias_perceptron_separates_off_origin_clusters_and_no_bias_cannot():
    X, y = off_origin_clusters()
    with_bias = Perceptron(bias=True, learning_rate=0.1, seed=1)
    errors = with_bias.fit(X, y, epochs=500)
    assert with_bias.converged
    assert errors[-1] == 0.0
    np.testing.assert_array_equal(with_bias.predict(X), y)

    no_bias = Perceptron(bias=False, learning_rate=0.1, seed=1)
    errors = no_bias.fit(X, y, epochs=200)
    assert no_bias.bias is None
    assert min(errors) > 0.0
    assert not no_bias.converged
    assert no_bias.error(X, y) > 0.0
    # Its line always goes through the origin: the end points are collinear with (0, 0).
    (x0, y0), (x1, y1) = no_bias.decision_line((-5.0, 5.0, -5.0, 5.0))
    assert abs(x0 * y1 - x1 * y0) < 1e-9


@pytest.mark.parametrize("labels", [[0, 0, 0, 1], [0, 1, 1, 1]], ids=["AND", "OR"])
def test_bias_perceptron_learns_and_or(labels):
    p = Perceptron(learning_rate=0.1, seed=3)
    p.fit(TRUTH_X, labels, epochs=100)
    assert p.converged
    np.testing.assert_array_equal(p.predict(TRUTH_X), labels)
    assert p.error(TRUTH_X, labels) == 0.0


def test_perceptron_cannot_learn_xor():
    y = [0, 1, 1, 0]
    p = Perceptron(learning_rate=0.1, seed=0)
    errors = p.fit(TRUTH_X, y, epochs=100)
    assert min(errors) > 0.0
    assert not p.converged
    assert p.epoch == 100


def test_one_sample_step_numbers_and_tie_rule():
    p = Perceptron(n_inputs=2, bias=True, learning_rate=0.5, init="zeros", shuffle=False)
    X, y = [[1.0, 2.0], [1.0, 2.0], [-4.0, 0.0]], [0, 0, 0]
    d = step_sample(p, X, y)
    # net = 0 counts as class 1 (the tie rule), so the target 0 is a mistake.
    assert d.net == 0.0 and d.output == 1.0 and d.predicted == 1 and d.mistake
    assert d.target == 0.0 and d.error == -1.0 and d.learning_rate == 0.5
    np.testing.assert_array_equal(d.x, [1.0, 2.0])
    np.testing.assert_array_equal(d.w, [0.0, 0.0])
    assert d.b == 0.0
    np.testing.assert_array_equal(d.delta_w, [-0.5, -1.0])
    assert d.delta_b == -0.5
    np.testing.assert_array_equal(d.new_w, [-0.5, -1.0])
    assert d.new_b == -0.5
    np.testing.assert_array_equal(d.deltas["weights"], [-0.5, -1.0])
    assert d.deltas["bias"] == -0.5
    np.testing.assert_array_equal(p.weights, [-0.5, -1.0])
    assert p.bias == -0.5
    assert (d.sample_index, d.position, d.n_samples, d.epoch) == (0, 0, 3, 0)
    assert d.batch_closed and not d.epoch_closed and d.epoch_error is None
    # A correct answer changes nothing.
    d2 = step_sample(p, X, y)
    assert d2.net == -3.0 and d2.error == 0.0 and not d2.mistake
    np.testing.assert_array_equal(d2.new_w, d2.w)
    assert d2.new_b == d2.b
    # The third sample closes the epoch: one mistake out of three, as partial_fit says.
    d3 = step_sample(p, X, y)
    assert d3.net == 1.5 and d3.mistake and d3.new_b == -1.0
    assert d3.epoch_closed and d3.epoch_error == 2 / 3 and p.epoch == 1 and not p.converged


def test_partial_fit_is_the_rule_sample_by_sample():
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [2.0, -1.0]])
    y = np.array([0, 1, 1])
    p = Perceptron(learning_rate=0.25, shuffle=False, seed=5)
    w, b = p.weights.copy(), p.bias
    for x, t in zip(X, y):
        out = 1.0 if x @ w + b >= 0 else 0.0
        w = w + 0.25 * (t - out) * x
        b = b + 0.25 * (t - out)
    p.partial_fit(X, y)
    np.testing.assert_array_equal(p.weights, w)
    assert p.bias == b


def test_sigmoid_perceptron_learns_and_reports_half_squared_error():
    p = Perceptron(activation="sigmoid", learning_rate=1.0, seed=0)
    errors = p.fit(TRUTH_X, [0, 0, 0, 1], epochs=300)
    np.testing.assert_array_equal(p.predict(TRUTH_X), [0, 0, 0, 1])
    assert errors[-1] < errors[0]
    out = p.output(TRUTH_X)
    assert p.error(TRUTH_X, [0, 0, 0, 1]) == pytest.approx(np.mean(0.5 * (np.array([0, 0, 0, 1]) - out) ** 2))
    assert not p.converged  # a sigmoid unit never stops moving


def test_reproducible_and_reset():
    X, y = off_origin_clusters(seed=2)
    a, b = Perceptron(seed=7), Perceptron(seed=7)
    a.fit(X, y, epochs=5)
    b.fit(X, y, epochs=5)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.bias == b.bias
    w, bias = a.weights.copy(), a.bias
    a.reset()
    assert a.epoch == 0
    a.fit(X, y, epochs=5)
    np.testing.assert_array_equal(a.weights, w)
    assert a.bias == bias
    a.reset(seed=8)
    a.fit(X, y, epochs=5)
    assert not np.array_equal(a.weights, w)


def test_state_round_trip_and_shape_checks():
    p = Perceptron(n_inputs=3, seed=4)
    p.partial_fit(np.eye(3), [0, 1, 1])
    q = Perceptron(**p.get_config())
    q.set_state(p.get_state())
    np.testing.assert_array_equal(q.weights, p.weights)
    assert q.bias == p.bias
    state = p.get_state()
    state["weights"][0] = 99.0  # a copy: the model is untouched
    assert p.weights[0] != 99.0
    with pytest.raises(ModelError):
        p.set_state({"weights": np.zeros(2), "bias": 0.0})
    with pytest.raises(ModelError):
        p.set_state({"weights": np.zeros(3), "bias": None})
    with pytest.raises(ModelError):
        Perceptron(bias=False).set_state({"weights": np.zeros(2), "bias": 1.0})
    with pytest.raises(ModelError):
        p.partial_fit(np.zeros((4, 2)), [0, 1, 0, 1])
    with pytest.raises(ModelError):
        p.partial_fit(np.zeros((4, 3)), [0, 1])
    with pytest.raises(ModelError):
        Perceptron(activation="relu")


def test_line_in_box():
    box = (-1.0, 1.0, -1.0, 1.0)
    assert line_in_box([1.0, 1.0], 0.0, box) == ((-1.0, 1.0), (1.0, -1.0))
    assert line_in_box([0.0, 2.0], -1.0, box) == ((-1.0, 0.5), (1.0, 0.5))
    assert line_in_box([4.0, 0.0], None, box) == ((0.0, -1.0), (0.0, 1.0))
    # The diagonal through two corners: four edge hits, two distinct end points.
    assert line_in_box([1.0, -1.0], 0.0, box) == ((-1.0, -1.0), (1.0, 1.0))
    assert line_in_box([1.0, 0.0], -5.0, box) is None  # x = 5 misses the box
    assert line_in_box([1.0, 1.0], -2.0, box) is None  # touches one corner only
    assert line_in_box([0.0, 0.0], 1.0, box) is None  # no line at all
    # Scale invariance: the line w . x + b = 0 is the same for (w, b) and (k w, k b).
    assert line_in_box([1e-9, 2e-9], -1e-9, box) == line_in_box([1.0, 2.0], -1.0, box)
    p = Perceptron(init="zeros")
    p.weights = np.array([1.0, -2.0])
    p.bias = 0.5
    (x0, y0), (x1, y1) = p.decision_line((-3.0, 3.0, -3.0, 3.0))
    assert x0 * 1.0 - 2.0 * y0 + 0.5 == pytest.approx(0.0, abs=1e-12)
    assert x1 * 1.0 - 2.0 * y1 + 0.5 == pytest.approx(0.0, abs=1e-12)
    assert (x0, x1) == (-3.0, 3.0)
    with pytest.raises(ModelError):
        Perceptron(n_inputs=3).decision_line(box)
