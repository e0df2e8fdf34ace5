"""The decision view drawn in a process of its own, beside training: each view is the
surface of the weights it arrives with, no error and no frame is lost or comes after the
run's end, and training goes on (drawn by the trainer) if that process dies."""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pytest

from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.datasets import blobs, circle
from nnplayground.core.mlp import MLP
from nnplayground.core.points import PointState
from nnplayground.core.state import SplitSpec, ViewRequest
from nnplayground.core.view_model import view_data
from nnplayground.training.view_process import VIEW_NICENESS
from tests.ui.wm_close import children

CONFIG = dict(activation="tanh", learning_rate=0.03, batch_size=10, seed=0)
SIZES = [2, 16, 16, 1]


@pytest.fixture
def circle_controller(controller):
    data = circle(n=200, seed=0)
    controller.set_points(PointState(data.X, data.y, np.arange(len(data.y)), None, len(data.y)))
    controller.configure("mlp", 2, SplitSpec(0.0, 0))
    controller.set_view_request(ViewRequest(bounds=(-6.0, 6.0, -6.0, 6.0), resolution=40))
    controller.set_model(MLP(SIZES, **CONFIG))
    controller.data = data
    return controller


def collect(controller):
    frames = []
    controller.snapshot_ready.connect(lambda snap, view: frames.append((snap, view)))
    return frames


def test_each_view_is_the_surface_of_the_weights_it_arrives_with(qtbot, circle_controller):
    c = circle_controller
    frames = collect(c)
    assert c.play()
    qtbot.waitUntil(lambda: sum(v is not None for _, v in frames) >= 5, timeout=30000)
    with qtbot.waitSignal(c.finished, timeout=20000):
        c.pause()
    shown = [(s, v) for s, v in frames if v is not None]
    epochs = [s.epoch for s, _ in shown]
    assert len(shown) >= 5 and epochs == sorted(epochs) and epochs[-1] > epochs[0]
    for snapshot, view in shown:
        model = MLP(SIZES, **CONFIG)
        model.set_state(snapshot.state)
        again = view_data(model, c.data.X, view.bounds, view.resolution, axes=view.axes)
        assert np.array_equal(view.image, again.image), f"epoch {snapshot.epoch}"
        assert np.array_equal(view.contour, again.contour), f"epoch {snapshot.epoch}"
        # What travels is what the window draws: not the numbers of every cell.
        assert view.surface is None and again.surface is not None


def test_every_error_arrives_before_the_run_ends(qtbot, circle_controller):
    """The run's last frame may still be drawn when it stops: it comes before FINISHED,
    so a window that stops (closing, autosaving) has the error of every epoch."""
    c = circle_controller
    frames = collect(c)
    c.set_speed(60.0)
    for _ in range(3):
        start = c.model.epoch
        assert c.play()
        qtbot.waitUntil(lambda: bool(frames) and frames[-1][0].epoch >= start + 3,
                        timeout=20000)
        c.stop_and_wait(show_last=True)
        errors = sum(len(s.new_train_errors) for s, _ in frames)
        assert errors == c.model.epoch
        assert frames[-1][0].epoch == c.model.epoch and frames[-1][1] is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the process in /proc")
@pytest.mark.parametrize("speed", [None, 40.0])
def test_if_the_view_process_dies_the_trainer_draws_and_no_frame_is_lost(qtbot,
                                                                         circle_controller,
                                                                         speed):
    """Killed between two frames or while it draws one (full speed: nearly always busy),
    the frame in hand goes without its view, later ones are drawn by the trainer, and
    the window gets every epoch's error."""
    c = circle_controller
    frames = collect(c)
    c.set_speed(speed)
    assert c.play()
    qtbot.waitUntil(lambda: len(frames) >= 3, timeout=30000)
    (viewer,) = children(c.pid)
    os.kill(viewer, signal.SIGKILL)
    count = len(frames)
    qtbot.waitUntil(lambda: len(frames) >= count + 5, timeout=30000)
    c.stop_and_wait(show_last=True)
    assert c.process_alive() and not children(c.pid)
    late = frames[count + 2:]
    assert late and all(view is not None for _, view in late)  # drawn by the trainer now
    assert frames[-1][0].epoch == c.model.epoch
    assert sum(len(s.new_train_errors) for s, _ in frames) == c.model.epoch


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the process in /proc")
def test_after_the_view_process_dies_the_trails_go_on_from_its_last_frame(qtbot, controller):
    """The competitive layer's trails: the trainer's own drawing, after the view process
    died, continues the trail that process drew (it started afresh before)."""
    data = blobs([(-3.0, -3.0), (3.0, -3.0), (0.0, 3.0)], n_per_cluster=60, seed=1)
    controller.set_points(PointState(data.X, data.y, np.arange(len(data.y)), None,
                                     len(data.y)))
    controller.configure("competitive", 3, SplitSpec(0.0, 0))
    controller.set_view_request(ViewRequest(bounds=(-6.0, 6.0, -6.0, 6.0), resolution=40))
    controller.set_model(CompetitiveLayer(2, 3, learning_rate=0.02, init="corner", seed=0))
    frames = collect(controller)
    controller.set_speed(30.0)
    assert controller.play()
    qtbot.waitUntil(lambda: sum(v is not None and v.trails is not None and len(v.trails) >= 5
                                for _, v in frames) >= 1, timeout=30000)
    (viewer,) = children(controller.pid)
    os.kill(viewer, signal.SIGKILL)
    count = len(frames)
    qtbot.waitUntil(lambda: len(frames) >= count + 5, timeout=30000)
    controller.stop_and_wait(show_last=True)
    before = [v.trails for _, v in frames[:count] if v is not None]
    after = [v.trails for _, v in frames[count + 2:] if v is not None]  # the trainer's
    assert before and after
    last, first = before[-1], after[0]
    # The viewer's last trail, whole, is where the trainer's first trail begins.
    at = [j for j in range(len(first)) if np.array_equal(first[j], last[-1])]
    assert at, "the trainer's trail does not contain the view process's last position"
    j = at[0]
    assert np.array_equal(first[:j + 1], last[-(j + 1):])
    assert j >= 4


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the process in /proc")
def test_the_view_process_yields_to_the_trainer_and_the_window(qtbot, circle_controller):
    """Three processes on a laptop's two cores: at the same priority the view process
    took turns with the trainer, which was preempted some 50 times a second (the
    largest network trained at a median 88 % of the loop alone; with the view process
    yielding, 92 %, in runs alternating with the code before)."""
    c = circle_controller
    frames = collect(c)
    assert c.play()
    qtbot.waitUntil(lambda: sum(v is not None for _, v in frames) >= 2, timeout=30000)
    (viewer,) = children(c.pid)
    trainer = os.getpriority(os.PRIO_PROCESS, c.pid)
    assert os.getpriority(os.PRIO_PROCESS, viewer) == min(trainer + VIEW_NICENESS, 19)
    assert trainer == os.getpriority(os.PRIO_PROCESS, os.getpid())  # the trainer does not
    with qtbot.waitSignal(c.finished, timeout=20000):
        c.pause()
