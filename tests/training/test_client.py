"""The training process as the window drives it: background runs, snapshots, steps,
stops, live parameters, and a process that never outlives its window."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from nnplayground.core.base import ModelError
from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron
from nnplayground.training.client import running_processes
from tests.training.conftest import X_XOR, Y_XOR


def weights_equal(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))


def test_play_trains_in_another_process_and_pause_stops(qtbot, controller):
    model = MLP([2, 4, 1], activation="tanh", learning_rate=0.5, seed=3)
    controller.set_model(model)
    seen = []
    controller.snapshot_ready.connect(lambda snap, view: seen.append(snap))
    assert controller.play()
    assert controller.is_running()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=20000)
    assert controller in running_processes() and controller.process_alive()
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        controller.pause()
    result = blocker.args[0]
    assert result.reason == "paused" and not controller.is_running()
    # Every epoch's error reached the window exactly once, in order.
    errors = np.concatenate([s.new_train_errors for s in seen])
    assert len(errors) == model.epoch == seen[-1].epoch == result.epoch
    # The window's copy holds the process's result: the same as training right here.
    reference = MLP([2, 4, 1], activation="tanh", learning_rate=0.5, seed=3)
    for _ in range(model.epoch):
        reference.partial_fit(X_XOR, Y_XOR)
    assert weights_equal(model, reference)


def test_step_runs_exactly_one_epoch(qtbot, controller):
    model = Perceptron(2, bias=True, seed=0)
    controller.set_model(model)
    snapshots = []
    controller.snapshot_ready.connect(lambda snap, view: snapshots.append(snap))
    for expected in (1, 2, 3):
        with qtbot.waitSignal(controller.finished, timeout=20000) as blocker:
            assert controller.step()
        assert model.epoch == expected
        # A step is not "the set maximum", and one epoch started by hand is no speed.
        assert blocker.args[0].message == f"Stepped to epoch {expected}."
    assert [s.epoch for s in snapshots] == [1, 2, 3]
    assert [s.epochs_per_second for s in snapshots] == [0.0, 0.0, 0.0]
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        assert controller.play(max_epochs=6)  # a run with a maximum still says so
    assert blocker.args[0].message == "Reached epoch 6, the set maximum."
    reference = Perceptron(2, bias=True, seed=0)
    for _ in range(6):
        reference.partial_fit(X_XOR, Y_XOR)
    np.testing.assert_array_equal(model.weights, reference.weights)


def test_stop_and_wait_ends_a_long_run_and_the_copy_holds_its_result(qtbot, controller):
    model = MLP([2, 8, 8, 1], optimizer="adam", seed=1)
    controller.set_model(model)
    controller.play()
    qtbot.waitUntil(lambda: model.epoch > 5, timeout=20000)
    controller.stop_and_wait()
    assert not controller.is_running()
    epoch = model.epoch
    qtbot.wait(50)
    assert model.epoch == epoch
    reference = MLP([2, 8, 8, 1], optimizer="adam", seed=1)
    for _ in range(epoch):
        reference.partial_fit(X_XOR, Y_XOR)
    assert weights_equal(model, reference)
    # The full training state came back too: continuing here equals never stopping.
    model.partial_fit(X_XOR, Y_XOR)
    reference.partial_fit(X_XOR, Y_XOR)
    assert weights_equal(model, reference)


def test_a_live_learning_rate_applies_without_a_restart(qtbot, controller):
    model = MLP([2, 4, 1], learning_rate=0.1, seed=2)
    controller.set_model(model)
    runs = []
    controller.running_changed.connect(runs.append)
    controller.play()
    qtbot.waitUntil(lambda: model.epoch > 2, timeout=20000)
    controller.set_param("learning_rate", 0.7)
    at_change = model.epoch
    qtbot.waitUntil(lambda: model.epoch > at_change + 3, timeout=10000)
    with qtbot.waitSignal(controller.finished, timeout=10000):
        controller.pause()
    assert model.learning_rate == 0.7 and runs == [True, False]


def test_a_param_sent_just_before_the_model_changes_never_reaches_the_next_model(qtbot, controller):
    """Issue 8 item 6: "Training stopped by an error: MLP has no setting 'conscience'"."""
    old = CompetitiveLayer(n_inputs=2, conscience=True, seed=0)
    controller.set_model(old)
    failures = []
    controller.failed.connect(failures.append)
    controller.play()
    qtbot.waitUntil(lambda: old.epoch > 2, timeout=20000)
    controller.set_param("conscience", False)  # sent to a running epoch...
    new = MLP([2, 4, 1], learning_rate=0.1, seed=0)
    controller.set_model(new)  # ...and the model is replaced at once
    with qtbot.waitSignal(controller.finished, timeout=10000) as blocker:
        assert controller.step()
    assert failures == [] and blocker.args[0].reason == "max_epochs" and new.epoch == 1
    assert new.learning_rate == 0.1


def test_set_param_refuses_what_the_model_does_not_take(qtbot, controller):
    model = MLP([2, 4, 1], learning_rate=0.1, seed=0)
    controller.set_model(model)
    with pytest.raises(ModelError, match="cannot change 'conscience'"):
        controller.set_param("conscience", False)
    with pytest.raises(ModelError, match="learning rate must be"):
        controller.set_param("learning_rate", -1.0)
    controller.set_param("batch_size", 2)  # idle: applies at once to the copy
    assert (model.learning_rate, model.batch_size) == (0.1, 2)
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.step(3)
    assert model.batch_size == 2  # the process trained (and returned) with it
    reference = MLP([2, 4, 1], learning_rate=0.1, batch_size=2, seed=0)
    for _ in range(3):
        reference.partial_fit(X_XOR, Y_XOR)
    assert weights_equal(model, reference)


def test_the_trainer_entry_imports_no_qt():
    script = textwrap.dedent("""
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "OpenGL"):
                    raise ImportError(name + " is blocked")
        sys.meta_path.insert(0, Block())
        import nnplayground.training.process
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


@pytest.mark.timeout(120)
def test_the_trainer_ends_when_the_app_dies():
    """A killed app (SIGKILL, a crash) leaves no trainer behind: the trainer sees its pipe
    close and ends."""
    script = textwrap.dedent("""
        import os, sys
        from PySide6.QtCore import QCoreApplication
        app = QCoreApplication([])
        from nnplayground.core.mlp import MLP
        from nnplayground.training.client import TrainingController
        import numpy as np
        c = TrainingController()
        c.set_arrays(np.random.default_rng(0).normal(size=(200, 2)), np.arange(200) % 2)
        c.set_model(MLP([2, 16, 16, 1], seed=0))
        c.play()
        while not c.process_alive():
            app.processEvents()
        print(c._process.pid, flush=True)
        for _ in range(50):
            app.processEvents()
        os._exit(9)  # no cleanup at all, as after SIGKILL
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, env=env)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid), "the trainer outlived the app"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (not yet reaped by init) is as good as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return True


def test_scrubbing_back_shows_a_recorded_epoch_and_play_from_there_is_exact(qtbot, controller):
    model = MLP([2, 4, 1], optimizer="momentum", learning_rate=0.3, seed=5)
    controller.set_model(model)
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.step(10)
    reference = MLP([2, 4, 1], optimizer="momentum", learning_rate=0.3, seed=5)
    states = {}
    for _ in range(10):
        reference.partial_fit(X_XOR, Y_XOR)
        states[reference.epoch] = [w.copy() for w in reference.weights]
    epoch, params = controller.state_at(4)
    assert epoch == 4 and model.epoch == 10  # looking back changes nothing
    for a, b in zip(params["weights"], states[4]):
        np.testing.assert_array_equal(a, b)
    assert controller.seek(4) == 4 and model.epoch == 4
    for a, b in zip(model.weights, states[4]):
        np.testing.assert_array_equal(a, b)
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.step(6)  # play on from epoch 4: the same as never having gone back
    assert model.epoch == 10 and weights_equal(model, reference)
    table = controller.recording(budget=10**8)
    assert table["epochs"].tolist() == list(range(11))


def test_a_new_model_starts_a_new_recording_and_an_edited_one_goes_on(qtbot, controller):
    model = Perceptron(2, bias=True, seed=0)
    controller.set_model(model)
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.step(3)
    controller.set_param("learning_rate", 0.5)  # idle: the same model, changed
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.step(2)
    assert controller.recording(10**8)["epochs"].tolist() == [0, 1, 2, 3, 4, 5]
    controller.set_model(Perceptron(2, bias=True, seed=1))
    assert controller.recording(10**8)["epochs"].tolist() == [0]
    assert controller.state_at(3)[0] == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills a process the Linux way")
def test_a_lost_trainer_is_replaced_with_its_data_and_model(qtbot, controller):
    import signal

    model = MLP([2, 4, 1], seed=4)
    controller.set_model(model)
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.step(2)
    os.kill(controller.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while controller.process_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    # The next Step starts a new process that gets the data again, and the window's
    # copy of the model: training goes on exactly.
    with qtbot.waitSignal(controller.finished, timeout=30000) as blocker:
        assert controller.step(3)
    assert blocker.args[0].reason == "max_epochs" and model.epoch == 5
    reference = MLP([2, 4, 1], seed=4)
    for _ in range(5):
        reference.partial_fit(X_XOR, Y_XOR)
    assert weights_equal(model, reference)
