"""The Qt adapter of the training loop: background thread, snapshots, stop, step."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from nnplayground.core.base import ModelError
from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron
from nnplayground.training.worker import TrainingController, running_threads


def _xor_data():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    return lambda: (X, y, None, None)


@pytest.fixture
def controller(qtbot):
    c = TrainingController()
    yield c
    c.stop_and_wait()


def test_play_trains_in_background_and_pause_stops(qtbot, controller):
    model = MLP([2, 4, 1], activation="tanh", learning_rate=0.5, seed=3)
    controller.set_model(model)
    controller.set_data_source(_xor_data())
    seen = []
    controller.snapshot_ready.connect(lambda snap, view: seen.append(snap))
    assert controller.play()
    assert controller.is_running() and running_threads()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=10000)
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        controller.pause()
    result = blocker.args[0]
    assert result.reason == "paused"
    assert not controller.is_running() and not running_threads()
    # Every epoch's error reached the GUI exactly once, in order.
    errors = np.concatenate([s.new_train_errors for s in seen])
    assert len(errors) == model.epoch
    assert seen[-1].epoch == model.epoch


def test_step_runs_exactly_one_epoch(qtbot, controller):
    model = Perceptron(2, bias=True, seed=0)
    controller.set_model(model)
    controller.set_data_source(_xor_data())
    snapshots = []
    controller.snapshot_ready.connect(lambda snap, view: snapshots.append(snap))
    for expected in (1, 2, 3):
        with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
            assert controller.step()
        assert model.epoch == expected
        # A step is not "the set maximum", and one epoch started by hand is no speed.
        assert blocker.args[0].message == f"Stepped to epoch {expected}."
    assert [s.epoch for s in snapshots] == [1, 2, 3]
    assert [s.epochs_per_second for s in snapshots] == [0.0, 0.0, 0.0]
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        assert controller.play(max_epochs=6)  # a run with a maximum still says so
    assert blocker.args[0].message == "Reached epoch 6, the set maximum."
    assert snapshots[-1].epochs_per_second > 0


def test_stop_and_wait_ends_a_long_run(qtbot, controller):
    model = MLP([2, 8, 8, 1], seed=1)
    controller.set_model(model)
    controller.set_data_source(_xor_data())
    controller.play()
    qtbot.waitUntil(lambda: model.epoch > 5, timeout=10000)
    controller.stop_and_wait()
    assert not running_threads()
    epoch = model.epoch
    qtbot.wait(50)
    assert model.epoch == epoch


def test_live_learning_rate_change_applies_without_restart(qtbot, controller):
    model = MLP([2, 4, 1], learning_rate=0.1, seed=2)
    controller.set_model(model)
    controller.set_data_source(_xor_data())
    controller.play()
    qtbot.waitUntil(lambda: model.epoch > 2, timeout=10000)
    controller.set_param("learning_rate", 0.7)
    qtbot.waitUntil(lambda: model.learning_rate == 0.7, timeout=10000)
    assert controller.is_running()


class HeldCompetitiveLayer(CompetitiveLayer):
    """Each epoch waits for ``release``, so a test knows an epoch is under way."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.started, self.release = threading.Event(), threading.Event()

    def partial_fit(self, X, y=None):
        self.started.set()
        assert self.release.wait(10)
        return super().partial_fit(X, y)


def test_a_param_changed_in_a_steps_last_epoch_never_reaches_the_next_model(qtbot, controller):
    """Issue 8 item 6: "Training stopped by an error: MLP has no setting 'conscience'"."""
    old = HeldCompetitiveLayer(n_inputs=2, conscience=True, seed=0)
    controller.set_model(old)
    controller.set_data_source(_xor_data())
    failures = []
    controller.failed.connect(failures.append)
    assert controller.step()
    assert old.started.wait(10)
    controller.set_param("conscience", False)  # the step's one epoch is running
    assert old.conscience
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        old.release.set()
    assert blocker.args[0].reason == "max_epochs" and old.epoch == 1
    assert old.conscience is False  # the model it was meant for took it when the run ended

    new = MLP([2, 4, 1], learning_rate=0.1, seed=0)
    controller.set_model(new)
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        assert controller.step()
    assert failures == [] and blocker.args[0].reason == "max_epochs" and new.epoch == 1


def test_replacing_the_model_drops_queued_params(qtbot, controller):
    old = MLP([2, 4, 1], learning_rate=0.1, seed=0)
    controller.set_model(old)
    controller.set_data_source(_xor_data())
    controller.control.set_param("learning_rate", 0.9)  # queued, never applied
    new = MLP([2, 4, 1], learning_rate=0.1, seed=0)
    controller.set_model(new)
    with qtbot.waitSignal(controller.finished, timeout=10000):
        assert controller.step()
    assert new.learning_rate == 0.1


def test_set_param_refuses_what_the_model_does_not_take(qtbot, controller):
    model = MLP([2, 4, 1], learning_rate=0.1, seed=0)
    controller.set_model(model)
    controller.set_data_source(_xor_data())
    with pytest.raises(ModelError, match="cannot change 'conscience'"):
        controller.set_param("conscience", False)
    with pytest.raises(ModelError, match="learning rate must be"):
        controller.set_param("learning_rate", -1.0)
    controller.set_param("batch_size", 2)  # idle: applies at once
    assert (model.learning_rate, model.batch_size) == (0.1, 2)

    failures = []
    controller.failed.connect(failures.append)
    controller.play()
    qtbot.waitUntil(lambda: model.epoch > 2, timeout=10000)
    with pytest.raises(ModelError):  # refused now, so never queued for the training thread
        controller.set_param("learning_rate", 1e9)
    controller.set_param("learning_rate", 0.2)
    qtbot.waitUntil(lambda: model.learning_rate == 0.2, timeout=10000)
    at_change = model.epoch
    qtbot.waitUntil(lambda: model.epoch > at_change + 2, timeout=10000)
    assert controller.is_running() and failures == []


def test_garbage_is_collected_only_in_the_gui_thread_while_training(qtbot, controller):
    import gc

    assert gc.isenabled()
    model = MLP([2, 4, 1], seed=0)
    controller.set_model(model)
    controller.set_data_source(_xor_data())
    controller.play()
    # Automatic collection (which would run in the training thread) is off...
    assert not gc.isenabled()
    gc_calls = []
    original = gc.collect
    gc.collect = lambda *a: gc_calls.append(a) or original(*a)
    try:
        # ...and the GUI thread collects on a timer instead, once garbage builds up.
        for _ in range(2000):
            a, b = [], []
            a.append(b), b.append(a)  # cyclic garbage only the collector can free
        qtbot.waitUntil(lambda: len(gc_calls) > 0, timeout=5000)
    finally:
        gc.collect = original
    controller.stop_and_wait()
    assert gc.isenabled()
