"""The Qt adapter of the training loop: background thread, snapshots, stop, step."""

from __future__ import annotations

import numpy as np
import pytest

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
    for expected in (1, 2, 3):
        with qtbot.waitSignal(controller.finished, timeout=10000):
            assert controller.step()
        assert model.epoch == expected


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
