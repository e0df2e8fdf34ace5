"""The pure training loop: throttled snapshots, copies, divergence, control from a thread."""

from __future__ import annotations

import math
import threading
from types import MappingProxyType

import numpy as np
import pytest

from nnplayground.core.base import LiveParam, Model, ModelError
from nnplayground.core.points import PointSet
from nnplayground.training.loop import Snapshot, TrainingControl, train

X1 = np.array([[1.0], [2.0], [3.0]])
Y1 = np.array([2.0, 4.0, 6.0])  # y = 2x


class Line(Model):
    """One weight w fitted to y ~ w*x by gradient descent on the mean squared error.

    Records the learning rate, the number of points and the weight of every epoch.
    ``tick`` (a callable) runs at the start of each epoch, e.g. to advance a fake clock.
    """

    kind = "test_line"
    live_params = MappingProxyType({"learning_rate": LiveParam(float, min=0.0, max=1.0)})

    def __init__(self, learning_rate=0.05, w0=0.0, seed=0, tol=0.0, tick=None):
        super().__init__(seed)
        self.learning_rate, self.w0, self.tol, self.tick = learning_rate, w0, tol, tick
        self.lrs: list[float] = []
        self.sizes: list[int] = []
        self.ws: list[float] = []
        self.errors: list[float] = []
        self.fail_at = None
        self._initialize()

    def _initialize(self):
        self.w = np.array([float(self.w0)])

    def partial_fit(self, X, y=None):
        if self.tick:
            self.tick()
        if self.fail_at == self.epoch + 1:
            self.w[0] = 123.0  # a half-done update, then a crash
            raise ModelError("boom")
        x = np.asarray(X, float)[:, 0]
        with np.errstate(all="ignore"):
            err = float(np.mean((self.w[0] * x - y) ** 2))
            self.w -= self.learning_rate * 2 * np.mean((self.w[0] * x - y) * x)  # in place
        self.epoch += 1
        self.lrs.append(self.learning_rate)
        self.sizes.append(len(x))
        self.ws.append(float(self.w[0]))
        self.errors.append(err)
        return err

    def predict(self, X):
        return np.asarray(X, float)[:, 0] * self.w[0]

    def error(self, X, y=None):
        with np.errstate(all="ignore"):
            return float(np.mean((self.predict(X) - y) ** 2))

    @property
    def converged(self):
        return bool(self.errors) and self.errors[-1] < self.tol

    def get_config(self):
        return {"learning_rate": self.learning_rate, "w0": self.w0, "seed": self.seed}

    def get_state(self):
        return {"w": self.w}  # deliberately NOT a copy: the loop must copy

    def set_state(self, state):
        self.w = np.array(state["w"], dtype=float)


def fixed(X=X1, y=Y1, X_test=None, y_test=None):
    return lambda: (X, y, X_test, y_test)


def run(model, control=None, get_data=None, **kw):
    snaps: list[Snapshot] = []
    result = train(model, get_data or fixed(), control or TrainingControl(), snaps.append, **kw)
    return result, snaps


def test_snapshots_are_throttled_by_the_clock_and_miss_no_epoch():
    ms = [0]
    model = Line(tick=lambda: ms.__setitem__(0, ms[0] + 1))  # each epoch takes 1 ms
    result, snaps = run(model, max_epochs=100, clock=lambda: ms[0] / 1000)
    assert (result.reason, result.epoch) == ("max_epochs", 100)
    # 1/30 s = 33.3 ms: snapshots due at 33.3 and 66.7 ms go after epochs 34 and 67,
    # then the final one.
    assert [s.epoch for s in snaps] == [34, 67, 100]
    assert [len(s.new_train_errors) for s in snaps] == [34, 33, 33]
    np.testing.assert_array_equal(np.concatenate([s.new_train_errors for s in snaps]), model.errors)
    np.testing.assert_array_equal(snaps[1].new_epochs, np.arange(35, 68))
    assert all(np.isnan(s.new_test_errors).all() and math.isnan(s.test_error) for s in snaps)
    assert snaps[0].epochs_per_second == pytest.approx(1000.0)
    assert snaps[2].wall_time == pytest.approx(0.1)
    assert snaps[-1].train_error == model.errors[-1]


def test_snapshots_keep_their_rate_when_epochs_do_not_divide_the_interval():
    """Epochs of 12 ms for 1,008 ms: a snapshot is due every 33.3 ms and goes at the
    end of the epoch it falls in, so 30 are sent, the last with the last epoch (an
    interval counted from the last snapshot gave one every 36 ms: 28)."""
    ms = [0]
    model = Line(tick=lambda: ms.__setitem__(0, ms[0] + 12))
    _, snaps = run(model, max_epochs=84, clock=lambda: ms[0] / 1000)
    assert len(snaps) == 30 and snaps[-1].epoch == 84
    assert [s.epoch for s in snaps[:4]] == [3, 6, 9, 12]  # at 36, 72, 108, 144 ms
    assert sum(len(s.new_train_errors) for s in snaps) == 84


def test_an_epoch_longer_than_the_interval_sends_one_snapshot_each_and_no_burst():
    ms = [0]
    steps = iter([100] * 3 + [1] * 40)  # three slow epochs, then fast ones
    model = Line(tick=lambda: ms.__setitem__(0, ms[0] + next(steps)))
    _, snaps = run(model, max_epochs=43, clock=lambda: ms[0] / 1000)
    # After the slow epochs the next is due 33.3 ms after the third (at 333 ms), not at
    # once for each interval missed.
    assert [s.epoch for s in snaps] == [1, 2, 3, 37, 43]


@pytest.mark.parametrize(("interval", "count"), [(0.0, 100), (0.010, 10), (1.0, 1)])
def test_snapshot_count_follows_the_interval(interval, count):
    ms = [0]
    model = Line(tick=lambda: ms.__setitem__(0, ms[0] + 1))
    _, snaps = run(model, max_epochs=100, clock=lambda: ms[0] / 1000, snapshot_interval=interval)
    assert len(snaps) == count and snaps[-1].epoch == 100
    assert sum(len(s.new_train_errors) for s in snaps) == 100


def test_a_frozen_clock_gives_only_the_final_snapshot():
    _, snaps = run(Line(), max_epochs=50, clock=lambda: 5.0)
    assert len(snaps) == 1 and len(snaps[0].new_train_errors) == 50
    assert snaps[0].epochs_per_second == 0.0


def test_snapshot_state_is_a_copy():
    model = Line()
    _, snaps = run(model, max_epochs=3, snapshot_interval=0.0)
    assert [s.state["w"][0] for s in snaps] == model.ws
    model.w[0] = 99.0
    snaps[0].state["w"][0] = -5.0
    assert [s.state["w"][0] for s in snaps[1:]] == model.ws[1:] and model.w[0] == 99.0


def test_test_errors_are_reported_when_there_is_a_test_set():
    X_test, y_test = np.array([[4.0]]), np.array([8.0])
    model = Line()
    _, snaps = run(model, get_data=fixed(X_test=X_test, y_test=y_test), max_epochs=2,
                   snapshot_interval=0.0)
    assert [s.test_error for s in snaps] == [(w * 4 - 8) ** 2 for w in model.ws]
    _, snaps = run(Line(), get_data=fixed(X_test=np.zeros((0, 1)), y_test=np.zeros(0)), max_epochs=1)
    assert math.isnan(snaps[0].test_error)


def test_divergence_restores_the_last_finite_weights_exactly():
    model = Line(learning_rate=1e5)  # |1 - 2 lr mean(x^2)| >> 1: w explodes
    result, snaps = run(model, max_epochs=10_000, snapshot_interval=0.0)
    assert result.reason == "diverged"
    bad = next(i for i, (w, e) in enumerate(zip(model.ws, model.errors))
               if not (math.isfinite(w) and math.isfinite(e)))
    assert bad > 10 and result.epoch == bad == model.epoch
    assert model.w.tobytes() == np.array([model.ws[bad - 1]]).tobytes()
    assert f"diverged at epoch {bad + 1}" in result.message
    assert f"back to epoch {bad}" in result.message and "smaller learning rate" in result.message
    assert "100000" in result.message
    # The diverged epoch is not reported; the last snapshot shows the restored weights.
    assert snaps[-1].epoch == bad and snaps[-1].state["w"][0] == model.ws[bad - 1]
    assert sum(len(s.new_train_errors) for s in snaps) == bad
    assert all(np.isfinite(s.new_train_errors).all() for s in snaps)


def test_an_infinite_test_error_counts_as_divergence():
    model = Line()
    result, _ = run(model, get_data=fixed(X_test=np.array([[1e300]]), y_test=np.array([0.0])),
                    max_epochs=5)
    assert result.reason == "diverged" and result.epoch == 0 and model.w[0] == 0.0


def test_non_finite_weights_at_the_start_are_reported():
    model = Line(w0=np.nan)
    result, snaps = run(model, max_epochs=5)
    assert result.reason == "diverged" and model.epoch == 0 and len(snaps) == 1


def test_a_param_change_applies_at_the_next_epoch():
    control = TrainingControl()
    model = Line(learning_rate=0.05)

    def on_snapshot(s):
        if s.epoch == 3:
            control.set_param("learning_rate", 0.0)

    train(model, fixed(), control, on_snapshot, snapshot_interval=0.0, max_epochs=6)
    assert model.lrs == [0.05, 0.05, 0.05, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("name, value, message", [
    ("momentum", 0.9, "cannot change 'momentum' while training"),  # not declared
    ("learning_rate", 2.0, "from 0 to 1"),  # out of the declared range
    ("learning_rate", "fast", "must be a number"),
])
def test_queued_params_are_all_checked_before_any_is_applied(name, value, message):
    control = TrainingControl()
    model = Line(learning_rate=0.05)
    control.set_param("learning_rate", 0.5)  # valid, but must not apply beside a bad one
    control.set_param(name, value)
    with pytest.raises(ModelError, match=message):
        train(model, fixed(), control, lambda s: None, max_epochs=1)
    assert model.learning_rate == 0.05 and model.epoch == 0


def test_discarded_params_never_reach_a_model():
    control = TrainingControl()
    control.set_param("learning_rate", 0.5)
    control.discard_params()
    model = Line(learning_rate=0.05)
    train(model, fixed(), control, lambda s: None, max_epochs=2)
    assert model.lrs == [0.05, 0.05]


def test_edits_to_the_points_are_seen_at_the_next_epoch():
    ps = PointSet(dim=1)
    ps.add_many(X1, [2, 4, 6])

    def get_data():
        X, y = ps.arrays()
        return X, y.astype(float), None, None

    def on_snapshot(s):
        if s.epoch == 2:
            ps.add([4.0], 8)
        if s.epoch == 4:
            ps.remove(ps.ids[:2].tolist())

    model = Line()
    train(model, get_data, TrainingControl(), on_snapshot, snapshot_interval=0.0, max_epochs=6)
    assert model.sizes == [3, 3, 4, 4, 2, 2]


def test_converged_ends_training():
    model = Line(learning_rate=0.05, tol=1e-12)
    result, snaps = run(model, max_epochs=10_000)
    assert result.reason == "converged" and 10 < result.epoch < 10_000
    assert model.errors[-1] < 1e-12 <= model.errors[-2]
    assert "Converged at epoch" in result.message and snaps[-1].epoch == result.epoch


def test_pause_step_and_play_again():
    control = TrainingControl()
    model = Line()
    control.request_pause()
    result, snaps = run(model, control)
    assert (result.reason, result.epoch, len(snaps)) == ("paused", 0, 1)
    assert len(snaps[0].new_train_errors) == 0 and math.isnan(snaps[0].train_error)
    control.reset()
    assert run(model, control, max_epochs=model.epoch + 1)[0].epoch == 1  # a step
    assert run(model, control, max_epochs=model.epoch + 3)[0].epoch == 4
    assert run(model, control, max_epochs=10)[0].reason == "max_epochs"
    assert model.epoch == 10


def test_pause_from_the_snapshot_callback_and_stop_wins_over_pause():
    control = TrainingControl()
    model = Line()
    result = train(model, fixed(), control,
                   lambda s: control.request_pause() if s.epoch == 5 else None,
                   snapshot_interval=0.0)
    assert (result.reason, result.epoch) == ("paused", 5)
    control.request_stop()
    assert run(model, control)[0].reason == "stopped" and model.epoch == 5
    control.reset()
    assert run(model, control, max_epochs=7)[0].epoch == 7


def test_stop_from_another_thread_ends_training_promptly():
    control = TrainingControl()
    started = threading.Event()
    model = Line(learning_rate=0.0, tick=lambda: started.set())
    results = []
    thread = threading.Thread(
        target=lambda: results.append(train(model, fixed(), control, lambda s: None))
    )
    thread.start()
    assert started.wait(5)
    control.request_stop()
    thread.join(5)
    assert not thread.is_alive() and results[0].reason == "stopped"
    epochs_at_stop = results[0].epoch
    assert epochs_at_stop == model.epoch >= 1


def test_no_training_points_pauses_with_a_message():
    result, snaps = run(Line(), get_data=fixed(X=np.zeros((0, 1)), y=np.zeros(0)))
    assert result.reason == "paused" and "no training points" in result.message
    assert result.epoch == 0 and len(snaps) == 1


def test_an_exception_restores_the_last_good_state():
    model = Line()
    model.fail_at = 3
    with pytest.raises(ModelError, match="boom"):
        run(model, max_epochs=10)
    assert model.epoch == 2 and model.w[0] == model.ws[1]


def test_max_epochs_already_reached_runs_nothing():
    model = Line()
    model.epoch = 5
    result, snaps = run(model, max_epochs=5)
    assert (result.reason, model.lrs, len(snaps)) == ("max_epochs", [], 1)


# ------------------------------------------------------------- real models
def test_perceptron_converges_on_separable_clusters():
    perceptron = pytest.importorskip("nnplayground.core.perceptron")
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal([2, 2], 0.3, (20, 2)), rng.normal([-2, -2], 0.3, (20, 2))])
    y = np.repeat([1, 0], 20)
    model = perceptron.Perceptron(seed=1)
    result, snaps = run(model, get_data=fixed(X, y), max_epochs=200)
    assert result.reason == "converged" and np.array_equal(model.predict(X), y)
    assert snaps[-1].new_train_errors[-1] == 0.0


def test_mlp_with_a_huge_learning_rate_diverges_and_keeps_finite_weights():
    mlp = pytest.importorskip("nnplayground.core.mlp")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)) * 100
    y = X @ [3.0, -2.0]
    model = mlp.MLP(layer_sizes=[2, 4, 1], activation="relu", task="regression", loss="mse",
                    learning_rate=10.0, seed=0)
    result, snaps = run(model, get_data=fixed(X, y), max_epochs=500)
    assert result.reason == "diverged" and model.params_finite()
    assert snaps[-1].epoch == model.epoch and "smaller learning rate" in result.message


def test_competitive_layer_trains_until_max_epochs():
    competitive = pytest.importorskip("nnplayground.core.competitive")
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.2, (30, 2)) for c in ([0, 0], [5, 5], [0, 5])])
    model = competitive.CompetitiveLayer(n_neurons=3, seed=0)
    result, snaps = run(model, get_data=fixed(X, None), max_epochs=20)
    assert (result.reason, result.epoch) == ("max_epochs", 20)
    assert snaps[-1].state["centroids"].shape == (3, 2)
    assert snaps[-1].new_train_errors[-1] < 0.5
