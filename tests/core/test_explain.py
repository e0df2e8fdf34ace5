"""Watch one update (issue 11): ``explain.step_sample`` learns one sample with the same
kernel and the same seeded order as ``partial_fit``; its deltas are the change applied,
bit for bit; the epoch cursor travels with the training state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnplayground.core import nn
from nnplayground.core.base import ModelError
from nnplayground.core.explain import (
    AutoencoderTrace,
    CompetitiveTrace,
    MLPTrace,
    PerceptronTrace,
    step_sample,
)
from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.core.session import Session, load_session, save_session
from tests.core.model_cases import LABELS, X, build, targets

N = len(X)  # 60: batches of 8 end with a short one of 4

MLP_BASE = {"layer_sizes": [2, 5, 3, 1], "activation": "tanh", "learning_rate": 0.05,
            "l2": 0.01}
AE_BASE = {"layer_sizes": [2, 6, 2, 6, 2], "learning_rate": 0.01}

#: (id, kind, config, exact): exact where every batch is one sample; batched models sum
#: their batch's gradient in another order (to 1e-12 relative). Shuffling on throughout.
CASES = [
    ("perceptron-step", "perceptron", {"activation": "step"}, True),
    ("perceptron-sigmoid", "perceptron", {"activation": "sigmoid", "learning_rate": 0.3}, True),
    *[(f"mlp-{opt}-1", "mlp", {**MLP_BASE, "optimizer": opt, "batch_size": 1}, True)
      for opt in ("sgd", "momentum", "adam")],
    *[(f"mlp-{opt}-8", "mlp", {**MLP_BASE, "optimizer": opt, "batch_size": 8}, False)
      for opt in ("sgd", "momentum", "adam")],
    ("mlp-sgd-full", "mlp", {**MLP_BASE, "optimizer": "sgd", "batch_size": None}, False),
    ("mlp-softmax-nobias", "mlp", {"layer_sizes": [2, 4, 3], "bias": False,
                                   "loss": "cross_entropy", "optimizer": "adam",
                                   "learning_rate": 0.02, "batch_size": 7}, False),
    ("mlp-mse-sigmoid", "mlp", {"layer_sizes": [2, 4, 3], "loss": "mse", "optimizer": "momentum",
                                "batch_size": 6}, False),
    *[(f"autoencoder-{opt}-1", "autoencoder", {**AE_BASE, "optimizer": opt, "batch_size": 1},
       True) for opt in ("sgd", "momentum", "adam")],
    ("autoencoder-adam-8", "autoencoder", {**AE_BASE, "optimizer": "adam", "batch_size": 8}, False),
    ("autoencoder-sgd-full", "autoencoder", {**AE_BASE, "optimizer": "sgd", "batch_size": None},
     False),
    *[(f"competitive-online-{c}", "competitive",
       {"n_neurons": 4, "mode": "online", "conscience": c, "lr_decay": 0.9}, True)
      for c in (True, False)],
    *[(f"competitive-batch-{c}", "competitive",
       {"n_neurons": 4, "mode": "batch", "conscience": c, "lr_decay": 0.9}, False)
      for c in (True, False)],
]
IDS = [case[0] for case in CASES]
PARAMS = [case[1:] for case in CASES]
TRAINABLE = {"perceptron": {"weights", "bias"}, "mlp": {"weights", "biases"},
             "autoencoder": {"weights", "biases"}, "competitive": {"centroids"}}




def trained_pair(kind, config, epochs=2):
    """Two models in the same state after ``epochs`` epochs."""
    a, b = build(kind, config), build(kind, config)
    a.fit(X, targets(a), epochs)
    b.fit(X, targets(b), epochs)
    return a, b


def assert_same(a, b, exact=True, where="state"):
    """Nested dicts / lists of arrays and numbers: bit for bit, or (``exact=False``)
    floats to 1e-12 relative; integers, texts and None always exactly."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], exact, f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, exact, f"{where}[{i}]")
    elif isinstance(a, (np.ndarray, float)) and not isinstance(a, bool):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        assert a_arr.dtype == b_arr.dtype and a_arr.shape == b_arr.shape, where
        if exact or a_arr.dtype.kind != "f":
            assert a_arr.tobytes() == b_arr.tobytes(), where
        else:
            np.testing.assert_allclose(a_arr, b_arr, rtol=1e-12, atol=0, err_msg=where)
    else:
        assert type(a) is type(b) and a == b, where


def assert_deltas_reproduce(before, after, deltas, kind):
    """Every trainable entry after the step is its value before plus the delta, bit for
    bit."""
    assert set(deltas) == TRAINABLE[kind]
    for key, delta in deltas.items():
        old, new = before[key], after[key]
        if old is None:
            assert delta is None and new is None, key
        elif isinstance(old, list):
            assert isinstance(delta, list) and len(delta) == len(old), key
            for o, d, n in zip(old, delta, new):
                assert d.shape == o.shape and (o + d).tobytes() == n.tobytes(), key
        else:
            total = np.asarray(old) + delta
            assert np.shape(delta) == np.shape(old) and total.tobytes() == np.asarray(new).tobytes(), key


# ----------------------------------------------- n sample steps = one partial_fit
@pytest.mark.parametrize("kind, config, exact", PARAMS, ids=IDS)
def test_n_sample_steps_are_one_partial_fit_and_training_goes_on_the_same(kind, config, exact):
    fitted, stepped = trained_pair(kind, config)
    y = targets(fitted)
    error = fitted.partial_fit(X, y)
    seen = []
    for i in range(N):
        before = stepped.get_state()
        trace = step_sample(stepped, X, y)
        assert_deltas_reproduce(before, stepped.get_state(), trace.deltas, kind)
        assert (trace.position, trace.epoch, trace.n_samples) == (i, 2, N)
        assert trace.epoch_closed == (i == N - 1)
        assert stepped.epoch == (3 if i == N - 1 else 2)
        seen.append(trace.sample_index)
    assert sorted(seen) == list(range(N))
    assert trace.epoch_error is not None
    assert_same(trace.epoch_error, error, exact, "the epoch's error")
    assert_same(stepped.get_training_state(), fitted.get_training_state(), exact)
    assert stepped.get_training_state()["cursor"] is None
    # The generators were used alike: training goes on in step.
    errors = fitted.fit(X, y, 2), stepped.fit(X, y, 2)
    assert_same(errors[1], errors[0], exact, "errors")
    assert_same(stepped.get_training_state(), fitted.get_training_state(), exact)


@pytest.mark.parametrize("kind, config, exact", PARAMS, ids=IDS)
def test_partial_fit_in_mid_epoch_finishes_the_epoch_from_the_cursor(kind, config, exact):
    whole, split = trained_pair(kind, config, epochs=1)
    y = targets(whole)
    for _ in range(13):  # mid-batch for every batch size here
        step_sample(split, X, y)
    assert split.epoch_position == 13 and split.epoch == 1
    error = split.partial_fit(X, y)
    assert split.epoch_position == 0 and split.epoch == 2
    assert_same(error, whole.partial_fit(X, y), exact, "the epoch's error")
    assert_same(split.get_training_state(), whole.get_training_state(), exact)


@pytest.mark.parametrize("kind, config, exact", PARAMS, ids=IDS)
def test_the_cursor_travels_in_the_training_state_and_a_session_file(tmp_path, kind, config,
                                                                     exact):
    original = build(kind, config)
    y = targets(original)
    original.fit(X, y, 1)
    for _ in range(13):
        step_sample(original, X, y)
    state = original.get_training_state()
    assert state["cursor"]["position"] == 13
    copy = build(kind, config, seed=99)  # only the copied state can make it agree
    copy.set_training_state(state)
    session = Session(points=X, labels=LABELS, class_names=["a", "b", "c"])
    session.set_model(original)
    loaded = load_session(save_session(session, tmp_path / "mid_epoch.nnp")).build_model()
    via_dict = model_from_dict(model_to_dict(original))
    for twin in (copy, loaded, via_dict):
        assert_same(twin.get_training_state(), state)
    traces = [step_sample(m, X, y) for m in (original, copy, loaded, via_dict)]
    assert len({t.sample_index for t in traces}) == 1
    for m in (copy, loaded, via_dict):
        m.fit(X, y, 2)
    original.fit(X, y, 2)
    for twin in (copy, loaded, via_dict):
        assert_same(twin.get_training_state(), original.get_training_state())


# ------------------------------------------------------------------------ perceptron
def test_perceptron_trace_is_the_rule_with_every_number():
    p = build("perceptron", {"learning_rate": 0.2})
    y = targets(p)
    for _ in range(N):
        w, b = p.weights.copy(), p.bias
        t = step_sample(p, X, y)
        assert isinstance(t, PerceptronTrace)
        x, target = X[t.sample_index], float(y[t.sample_index])
        np.testing.assert_array_equal(t.x, x)
        np.testing.assert_array_equal(t.w, w)
        assert t.b == b and t.target == target
        assert t.net == float(x @ w) + b
        assert t.output == (1.0 if t.net >= 0 else 0.0)
        assert t.error == target - t.output
        np.testing.assert_array_equal(t.delta_w, 0.2 * t.error * x)
        assert t.delta_b == 0.2 * t.error
        np.testing.assert_array_equal(t.new_w, p.weights)
        assert t.new_b == p.bias
        assert t.mistake == (t.predicted != target)


def test_perceptron_without_bias_has_no_bias_delta():
    p = build("perceptron", {"bias": False})
    t = step_sample(p, X, targets(p))
    assert t.b is None and t.delta_b is None and t.new_b is None and t.deltas["bias"] is None


# ------------------------------------------------------------------------------ MLP
def test_mlp_trace_forward_pass_loss_deltas_and_gradients():
    model = build("mlp", {**MLP_BASE, "optimizer": "sgd", "batch_size": 1})
    y = targets(model)
    W = [w.copy() for w in model.weights]
    B = [b.copy() for b in model.biases]
    t = step_sample(model, X, y)
    assert isinstance(t, MLPTrace)
    x = X[t.sample_index]
    np.testing.assert_array_equal(t.x, x)
    acts = [x]
    for i, (w, b) in enumerate(zip(W, B)):
        net = acts[-1] @ w + b
        np.testing.assert_allclose(t.nets[i], net, rtol=1e-14, atol=1e-15)
        acts.append(np.tanh(net) if i < 2 else 1.0 / (1.0 + np.exp(-net)))
    for got, want in zip(t.activations, acts):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    out, target = t.activations[-1], t.target
    assert t.loss_name == "sse" and t.loss == pytest.approx(0.5 * np.sum((out - target) ** 2))
    # the textbook deltas: (out - t) f'(net) at the top, then back through W
    delta = (out - target) * out * (1 - out)
    for i in (2, 1, 0):
        np.testing.assert_allclose(t.layer_deltas[i], delta, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(t.gradients["weights"][i], np.outer(t.activations[i], delta),
                                   rtol=1e-13, atol=1e-16)
        np.testing.assert_array_equal(t.gradients["biases"][i], t.layer_deltas[i])
        delta = (W[i] @ delta) * (1 - t.activations[i] ** 2)
    # batch of one: the weights changed now, by -lr * (g + l2 W)
    assert t.batch_closed and (t.batch_index, t.batch_position, t.batch_rows) == (0, 0, 1)
    step = t.update
    assert step.name == "sgd" and step.learning_rate == 0.05 and step.l2 == 0.01
    for i in range(3):
        g = t.batch_gradients["weights"][i] + 0.01 * W[i]
        np.testing.assert_array_equal(step.gradients["weights"][i], g)
        np.testing.assert_array_equal(step.delta["weights"][i], -(g * 0.05))
        np.testing.assert_array_equal(t.deltas["weights"][i], step.delta["weights"][i])
        np.testing.assert_array_equal(step.gradients["biases"][i], t.gradients["biases"][i])


def test_mlp_trace_matches_a_numeric_gradient():
    model = build("mlp", {"layer_sizes": [2, 3, 3], "loss": "mse", "batch_size": 1})
    y = targets(model)
    probe = build("mlp", {"layer_sizes": [2, 3, 3], "loss": "mse", "batch_size": 1})
    t = step_sample(model, X, y)
    i = t.sample_index
    h = 1e-6
    for layer in range(2):
        numeric = np.zeros_like(probe.weights[layer])
        for idx in np.ndindex(numeric.shape):
            for sign in (1, -1):
                probe.weights[layer][idx] += sign * h
                numeric[idx] += sign * probe.error(X[[i]], y[[i]]) / (2 * h)
                probe.weights[layer][idx] -= sign * h
        np.testing.assert_allclose(t.gradients["weights"][layer], numeric, rtol=1e-6, atol=1e-9)


def test_a_mini_batch_accumulates_its_samples_and_steps_at_its_last():
    model = build("mlp", {**MLP_BASE, "optimizer": "adam", "batch_size": 8})
    y = targets(model)
    reference = build("mlp", {**MLP_BASE, "optimizer": "adam", "batch_size": 8})
    state = model.get_state()
    total = None
    for position in range(N):
        t = step_sample(model, X, y)
        batch, within = divmod(position, 8)
        rows = 8 if batch < 7 else 4
        assert (t.batch_index, t.batch_position, t.batch_rows) == (batch, within, rows)
        if within == 0:
            total = None
        g = t.gradients
        total = g if total is None else {k: [a + b for a, b in zip(total[k], g[k])] for k in g}
        assert_same(t.batch_gradients, total)
        closes = within == rows - 1
        assert t.batch_closed == closes and (t.update is not None) == closes
        if not closes:  # accumulating: zero deltas, weights unchanged
            assert all(not d.any() for d in t.deltas["weights"] + t.deltas["biases"])
            assert_same(model.get_state(), state)
            continue
        state = model.get_state()
    # every sample's share adds up to the batch gradient of backprop on the whole batch
    reference.partial_fit(X, y)
    assert_same(model.get_state(), reference.get_state(), exact=False)


def test_the_batch_gradient_is_the_sum_of_the_samples_shares():
    model = build("mlp", {"layer_sizes": [2, 4, 3], "loss": "cross_entropy",
                          "batch_size": None, "shuffle": False})
    y = targets(model)
    whole = model.backprop(X, model._targets(y, N))["gradients"]
    traces = [step_sample(model, X, y) for _ in range(N)]
    assert [t.sample_index for t in traces] == list(range(N))  # no shuffle, one batch
    assert_same(traces[-1].batch_gradients, whole, exact=False)
    assert traces[-1].batch_closed and not any(t.batch_closed for t in traces[:-1])
    # cross-entropy's share of sample i: (out - t) / batch_rows at the output
    t0 = traces[0]
    target = np.eye(3)[y[0]]
    np.testing.assert_allclose(t0.layer_deltas[-1], (t0.activations[-1] - target) / N,
                               rtol=1e-14)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_optimizer_step_is_explained_by_its_state(optimizer):
    model = build("mlp", {**MLP_BASE, "optimizer": optimizer, "batch_size": 1})
    y = targets(model)
    for _ in range(3):
        before = model.get_training_state()["optimizer"]
        t = step_sample(model, X, y)
        s = t.update
        after = model.get_training_state()["optimizer"]
        for part in ("weights", "biases"):
            for i in range(3):
                g = s.gradients[part][i]
                if optimizer == "momentum":
                    v0 = s.velocity_before[part][i]
                    if before["velocity"] is not None:
                        np.testing.assert_array_equal(v0, before["velocity"][part][i])
                    np.testing.assert_array_equal(s.velocity[part][i], 0.9 * v0 - 0.05 * g)
                    np.testing.assert_array_equal(s.velocity[part][i], after["velocity"][part][i])
                    np.testing.assert_array_equal(s.delta[part][i], s.velocity[part][i])
                else:
                    m = 0.9 * s.m_before[part][i] + 0.1 * g
                    v = 0.999 * s.s_before[part][i] + 0.001 * g * g
                    np.testing.assert_allclose(s.m[part][i], m, rtol=1e-12, atol=1e-20)
                    np.testing.assert_allclose(s.s[part][i], v, rtol=1e-12, atol=1e-30)
                    np.testing.assert_array_equal(s.m[part][i], after["m"][part][i])
                    np.testing.assert_array_equal(s.m_hat[part][i], s.m[part][i] / (1 - 0.9**s.t))
                    np.testing.assert_array_equal(s.s_hat[part][i], s.s[part][i] / (1 - 0.999**s.t))
                    want = -s.lr_t * s.m[part][i] / (np.sqrt(s.s[part][i]) + 1e-8)
                    np.testing.assert_allclose(s.delta[part][i], want, rtol=1e-14)
                    textbook = -0.05 * s.m_hat[part][i] / (np.sqrt(s.s_hat[part][i])
                                                          + 1e-8 / math.sqrt(1 - 0.999**s.t))
                    np.testing.assert_allclose(s.delta[part][i], textbook, rtol=1e-12)
        if optimizer == "adam":
            assert s.t == after["t"] and (s.beta1, s.beta2, s.eps) == (0.9, 0.999, 1e-8)
            assert s.lr_t == 0.05 * math.sqrt(1 - 0.999**s.t) / (1 - 0.9**s.t)
        else:
            assert s.momentum == 0.9


def test_a_live_batch_size_change_applies_at_the_next_epoch():
    model = build("mlp", {**MLP_BASE, "batch_size": 8})
    y = targets(model)
    step_sample(model, X, y)
    model.set_live_param("batch_size", 5)
    assert [step_sample(model, X, y).batch_rows for _ in range(N - 1)][-1] == 4  # 8s still
    assert step_sample(model, X, y).batch_rows == 5


# ---------------------------------------------------------------------- autoencoder
def test_autoencoder_steps_on_the_standardised_sample_after_fitting_the_scaler():
    model = build("autoencoder", {**AE_BASE, "optimizer": "adam", "batch_size": 4})
    assert model.mean_ is None
    t = step_sample(model, X)
    assert isinstance(t, AutoencoderTrace) and t.kind == "autoencoder"
    np.testing.assert_array_equal(t.mean, X.mean(axis=0))
    np.testing.assert_array_equal(t.scale, X.std(axis=0))
    np.testing.assert_array_equal(t.x_data, X[t.sample_index])
    np.testing.assert_array_equal(t.x, (X[t.sample_index] - t.mean) / t.scale)
    np.testing.assert_array_equal(t.target, t.x)
    assert t.loss_name == "mse" and len(t.activations) == 5
    for _ in range(N - 1):
        t = step_sample(model, X)
    assert t.epoch_closed and model.epoch == model.mlp.epoch == 1
    assert t.epoch_error == model.error(X)


# ------------------------------------------------------------------ competitive layer
def test_competitive_batch_mode_shows_winners_and_moves_at_the_epochs_end():
    model = build("competitive", {"n_neurons": 3, "mode": "batch", "conscience": False})
    for position in range(N):
        centroids = None if model.centroids is None else model.centroids.copy()
        t = step_sample(model, X)
        assert isinstance(t, CompetitiveTrace)
        sq = np.sum((X[t.sample_index] - t.old_centroid) ** 2)
        assert t.winner == int(np.argmin(t.distances))
        assert t.distances[t.winner] == pytest.approx(math.sqrt(sq))
        assert t.batch_counts.sum() == position + 1
        if position < N - 1:
            assert t.batch_means is None and not t.deltas["centroids"].any()
            if centroids is not None:
                np.testing.assert_array_equal(model.centroids, centroids)
    sums, counts = t.batch_sums, t.batch_counts
    won = counts > 0
    np.testing.assert_array_equal(t.batch_means[won], sums[won] / counts[won, None])
    np.testing.assert_array_equal(t.deltas["centroids"][won],
                                  t.learning_rate * (t.batch_means[won] - centroids[won]))
    assert t.epoch_closed and t.batch_closed


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_competitive_scores_are_the_squared_distances_minus_the_bias_exactly(mode):
    model = build("competitive", {"n_neurons": 4, "mode": mode, "conscience": True})
    model.fit(X, epochs=1)
    for _ in range(N):
        p, C = model.win_frequency.copy(), model.centroids.copy()
        t = step_sample(model, X)
        np.testing.assert_array_equal(t.win_frequency_before, p)
        np.testing.assert_array_equal(t.bias, 10.0 * model.data_scale * (0.25 - p))
        np.testing.assert_array_equal(t.scores, t.squared_distances - t.bias)
        np.testing.assert_array_equal(t.distances, np.sqrt(t.squared_distances))
        np.testing.assert_allclose(t.squared_distances,
                                   np.sum((X[t.sample_index] - C) ** 2, axis=1), rtol=1e-13)
        assert t.winner == int(np.argmin(t.scores))
        rate = 0.1 / N
        after = p * (1 - rate)
        after[t.winner] += rate
        np.testing.assert_array_equal(t.win_frequency_after, after)


# ----------------------------------------------------------------- the cursor's rules
def test_data_of_another_size_starts_a_new_epoch():
    model = build("perceptron", {})
    y = targets(model)
    for _ in range(5):
        step_sample(model, X, y)
    t = step_sample(model, X[:30], y[:30])
    assert t.position == 0 and t.n_samples == 30 and model.epoch == 0
    assert model.partial_fit(X[:30], y[:30]) >= 0 and model.epoch == 1


def test_set_state_abandons_the_epoch_in_progress():
    model = build("mlp", {**MLP_BASE, "batch_size": 8})
    y = targets(model)
    for _ in range(3):
        step_sample(model, X, y)
    model.set_state(model.get_state())
    assert model.epoch_position == 0 and model.get_training_state()["cursor"] is None
    assert step_sample(model, X, y).position == 0


def test_a_training_state_written_before_the_cursor_existed_still_loads():
    model = build("competitive", {"n_neurons": 3})
    model.fit(X, epochs=2)
    state = model.get_training_state()
    del state["cursor"]
    state["epoch_size"] = N  # what the version before kept
    twin = build("competitive", {"n_neurons": 3}, seed=8)
    twin.set_training_state(state)
    assert twin.epoch_position == 0
    assert_same(twin.get_training_state(), model.get_training_state())


def _mid_epoch_mlp():
    model = build("mlp", {**MLP_BASE, "batch_size": 8})
    for _ in range(3):
        step_sample(model, X, targets(model))
    return model


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(order=np.arange(1, N + 1)), "order must be each sample number once"),
    (lambda c: c.update(order=np.zeros(N, dtype=np.int64)), "order must be each sample"),
    (lambda c: c.update(order=np.arange(N) + 0.5), "order must be each sample"),
    (lambda c: c.update(position=N), "position must be a whole number from 0"),
    (lambda c: c.update(position=True), "position must be a whole number"),
    (lambda c: c.update(batch_size=0), "batch size must be a whole number"),
    (lambda c: c["gradients"]["weights"].pop(), "need 3 weight arrays"),
    (lambda c: c["gradients"]["weights"].__setitem__(0, np.zeros((3, 2))),
     r"gradient of weights\[0\] must have shape \(2, 5\)"),
    (lambda c: c.update(sums=None), "holds batch_size and gradients only"),
    (lambda c: c.pop("order"), "table with order and position"),
])
def test_a_bad_cursor_is_refused_and_changes_nothing(change, message):
    model = _mid_epoch_mlp()
    bad = model.get_training_state()
    change(bad["cursor"])
    other = build("mlp", model.get_config(), seed=5)
    before = other.get_training_state()
    with pytest.raises(ModelError, match=message):
        other.set_training_state(bad)
    assert_same(other.get_training_state(), before)


def test_an_online_layers_cursor_has_no_sums():
    model = build("competitive", {"n_neurons": 3, "mode": "batch"})
    step_sample(model, X)
    state = model.get_training_state()
    online = build("competitive", {"n_neurons": 3, "mode": "online"})
    with pytest.raises(ModelError, match="online competitive layer's epoch cursor has no sums"):
        online.set_training_state(state)


def test_stepping_needs_points_and_a_model_that_steps():
    with pytest.raises(ModelError, match="no points"):
        step_sample(build("perceptron", {}), np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ModelError, match="cannot be stepped"):
        step_sample(object(), X)


def test_the_trace_keeps_its_numbers_when_training_goes_on():
    model = build("mlp", {**MLP_BASE, "batch_size": 1})
    y = targets(model)
    t = step_sample(model, X, y)
    kept = [a.copy() for a in t.activations], [d.copy() for d in t.deltas["weights"]]
    model.fit(X, y, 2)
    assert_same([list(t.activations), list(t.deltas["weights"])], [kept[0], kept[1]])
    assert nn.loss_value("sse", t.activations[-1][None], t.target[None], "sigmoid") == t.loss
