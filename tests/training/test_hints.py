"""Runs that go wrong without NaN get a hint: a learning rate too large (the error jumps up
and stays high) and a network that died (the same output for every point). The rules are
pure (``training/hints.py``); the training process sends them (``HINT``) and, asked,
its model mid-run (``WANT_MODEL`` -> ``LIVE_MODEL``)."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.datasets import PRESETS
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron
from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.training import hints
from nnplayground.training.client import TrainingController
from nnplayground.training.hints import (
    DEAD,
    RATE,
    RunWatch,
    model_outputs,
    outputs_constant,
)

SPIRAL = PRESETS["Spiral"](seed=0, noise=0.1)


def same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


def run(model, epochs: int, X=SPIRAL.X, y=SPIRAL.y, chunk: int = 7) -> list:
    """Train in this process as the trainer does, observing every ``chunk`` epochs (a
    snapshot); the hints given, in order."""
    watch = RunWatch.for_model(model)
    with np.errstate(all="ignore"):
        watch.reset(float(model.error(X, y)))
        given, errors = [], []
        for _ in range(epochs):
            errors.append(model.partial_fit(X, y))
            if len(errors) == chunk:
                hint = watch.observe(model.epoch, np.array(errors), model_outputs(model, X[:256]),
                                     getattr(model, "learning_rate", None))
                errors = []
                if hint is not None:
                    given.append(hint)
    return given


# ---------------------------------------------------------------------------- pure rules
def test_an_error_that_jumps_above_the_start_and_stays_gives_one_rate_hint():
    watch = RunWatch(dead=False)
    watch.reset(reference_error=0.7)
    falling = 0.7 * np.exp(-np.arange(100) / 30)
    assert watch.observe(100, falling) is None
    high = 2.0 + np.sin(np.arange(hints.RATE_WINDOW))  # 1.0 .. 3.0: above 0.7
    high[::7] = 0.3  # a few lucky epochs do not hide it
    hint = watch.observe(100 + len(high), high, learning_rate=10.0)
    assert hint is not None and hint.kind == RATE and hint.learning_rate == 10.0
    assert "learning rate (10) is probably too large" in hint.message
    assert watch.observe(200, high) is None  # once
    watch.reset(reference_error=2.0)  # the rate was lowered: watched afresh
    assert watch.observe(300, np.r_[np.full(30, 1.0), np.full(40, 5.0)]) is not None


def test_a_converging_run_that_wobbles_gets_no_hint():
    watch = RunWatch(dead=False)
    watch.reset(reference_error=0.75)
    rng = np.random.default_rng(0)
    errors = 0.005 + 0.004 * rng.random(2000)  # tiny, but 1.8x its best now and then
    errors[::50] = 0.0001
    assert watch.observe(2000, errors) is None


def test_nan_is_left_to_the_loop():
    watch = RunWatch(dead=False)
    assert watch.observe(60, np.full(60, np.nan)) is None


def test_outputs_the_same_for_every_point_for_many_epochs_give_one_dead_hint():
    watch = RunWatch(rate=False)
    same = np.full((50, 1), 0.4237)
    varied = np.linspace(0, 1, 50)[:, None]
    assert watch.observe(10, [], varied) is None
    assert watch.observe(20, [], same) is None
    assert watch.observe(20 + hints.DEAD_EPOCHS - 1, [], same) is None
    assert watch.observe(25, [], varied) is None  # it moved again: counted afresh
    assert watch.observe(30, [], same) is None
    hint = watch.observe(30 + hints.DEAD_EPOCHS, [], same)
    assert hint is not None and hint.kind == DEAD and "since epoch 30" in hint.message
    assert watch.observe(30 + 2 * hints.DEAD_EPOCHS, [], same) is None


def test_outputs_constant_is_relative_and_needs_two_finite_rows():
    assert outputs_constant(np.full((4, 2), 1e6) + [[0.0, 0.0], [0.1, 0.0], [0, 0], [0, 0]])
    assert not outputs_constant(np.array([[0.5], [0.5001]]))
    assert not outputs_constant(np.array([[0.5]])) and not outputs_constant(None)
    assert not outputs_constant(np.array([[np.nan], [np.nan]]))


def test_perceptrons_and_competitive_layers_are_not_watched():
    for model in (Perceptron(seed=0), CompetitiveLayer(seed=0)):
        watch = RunWatch.for_model(model)
        assert not watch.watch_rate and not watch.watch_dead
        assert model_outputs(model, SPIRAL.X[:10]) is None


# ---------------------------------------------------------------------------- real runs
@pytest.mark.parametrize("rate", [10.0, 100.0])
def test_a_rate_of_10_or_100_on_the_spiral_gets_the_rate_hint(rate):
    """Issue 13, item 7: these never give NaN, so "diverging runs pause" was never seen."""
    model = MLP([2, 4, 2, 1], activation="tanh", loss="cross_entropy", learning_rate=rate,
                batch_size=10, seed=0)
    given = run(model, 400)
    assert [h.kind for h in given][:1] == [RATE], given
    assert given[0].learning_rate == rate


@pytest.mark.parametrize("activation,optimizer,rate", [
    ("tanh", "sgd", 0.03), ("tanh", "adam", 0.01), ("sigmoid", "momentum", 0.1),
    ("relu", "sgd", 0.1), ("tanh", "sgd", 0.3)])
def test_sensible_rates_get_no_hint(activation, optimizer, rate):
    for preset in ("Spiral", "Circle", "Gaussian", "XOR"):
        data = PRESETS[preset](seed=1, noise=0.1)
        model = MLP([2, 6, 1], activation=activation, optimizer=optimizer, learning_rate=rate,
                    loss="cross_entropy", batch_size=10, seed=1)
        assert run(model, 250, data.X, data.y) == [], (preset, activation, optimizer, rate)


def test_a_relu_network_that_died_gets_the_dead_hint():
    model = MLP([2, 4, 2, 1], activation="relu", loss="cross_entropy", learning_rate=1.0,
                batch_size=10, seed=0)
    given = run(model, 400)
    assert DEAD in [h.kind for h in given]
    assert np.ptp(model.predict_proba(SPIRAL.X)) == 0.0  # it is dead indeed


# ---------------------------------------------------------------------------- the process
def test_the_trainer_sends_the_hint_and_its_model_mid_run(qtbot):
    controller = TrainingController()
    try:
        controller.set_arrays(SPIRAL.X, SPIRAL.y)
        model = MLP([2, 4, 2, 1], activation="tanh", loss="cross_entropy", learning_rate=100.0,
                    batch_size=10, seed=0)
        initial = model_to_dict(model)
        controller.set_model(model)
        snapshots, live = [], []
        controller.snapshot_ready.connect(lambda snap, view: snapshots.append(snap.epoch))
        controller.live_model.connect(lambda m: live.append((snapshots[-1], m)))
        with qtbot.waitSignal(controller.hint, timeout=60000) as blocker:
            controller.play()
        assert blocker.args[0].kind == RATE
        assert controller.request_model()
        qtbot.waitUntil(lambda: len(live) > 0, timeout=20000)
        with qtbot.waitSignal(controller.finished, timeout=20000):
            controller.pause()
    finally:
        controller.shutdown()
    epoch, table = live[0]
    assert table["epoch"] == epoch > 0  # the model as of the snapshot it came with
    reference = model_from_dict(initial)
    with np.errstate(all="ignore"):
        for _ in range(epoch):
            reference.partial_fit(SPIRAL.X, SPIRAL.y)
    # Weights, optimiser memory and random generator: training on from it equals never
    # having stopped.
    assert same(model_from_dict(table).get_training_state(), reference.get_training_state())


def test_request_model_when_idle_says_the_copy_is_exact(qtbot):
    controller = TrainingController()
    try:
        controller.set_model(MLP([2, 3, 1], seed=0))
        assert not controller.request_model()
    finally:
        controller.shutdown()


def test_the_quantile_is_numpys_linear_one():
    rng = np.random.default_rng(0)
    for n in (1, 2, 5, hints.RATE_WINDOW):
        for _ in range(50):
            values = list(rng.normal(size=n) * rng.choice([1e-3, 1.0, 1e3]))
            for q in (0.0, hints.RATE_QUANTILE, 0.5, 0.9, 1.0):
                assert hints.quantile(values, q) == pytest.approx(
                    float(np.quantile(values, q)), rel=1e-12, abs=1e-15)


def test_the_dead_watch_looks_at_rows_spread_over_the_data():
    X = np.arange(1000.0).reshape(500, 2)  # a preset's points come class by class
    rows = hints.watched_rows(X)
    assert len(rows) == 63 and len(rows) <= hints.DEAD_ROWS  # every 8th of 500
    assert rows[0, 0] == 0.0 and rows[-1, 0] == X[496, 0]  # from the first to the last
    few = X[:40]
    assert np.array_equal(hints.watched_rows(few), few)  # a few points: all of them
