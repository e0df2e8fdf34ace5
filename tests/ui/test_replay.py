"""Issue 12: slow motion and rewind, driven as a teacher does: Run N epochs, drag the
timeline back, play on from there, save and reopen."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from nnplayground.core.registry import model_from_config
from tests.ui.window_helpers import load, state_equal, wait_idle


def run_epochs(qtbot, w, n: int) -> None:
    w.replay.run_spin.setValue(n)
    w.replay.run_action.trigger()
    qtbot.waitUntil(lambda: not w.trainer.is_running(), timeout=20000)


def reference_states(w, epochs: int) -> dict:
    """The model trained here, epoch by epoch, from the same start and data."""
    spec = w.controller.state.model
    model = model_from_config(spec.kind, spec.config)
    X, y, _, _ = w.data()
    states = {0: model.get_state()}
    for _ in range(epochs):
        model.partial_fit(X, y)
        states[model.epoch] = model.get_state()
    return states


def drag_timeline_to(qtbot, w, epoch: int) -> None:
    slider = w.replay.timeline.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    for _ in range(slider.value() - epoch):
        qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: w.replay.scrub_epoch == epoch or (epoch == slider.maximum()),
                    timeout=5000)


def test_scrubbing_back_shows_that_epochs_weights_and_play_goes_on_exactly(qtbot, window):
    w = window
    load(qtbot, w, "XOR", "MLP")
    run_epochs(qtbot, w, 10)
    assert w.trainer.model.epoch == 10 and w.replay.timeline.slider.maximum() == 10
    states = reference_states(w, 10)
    assert state_equal(w.trainer.model.get_state(), states[10])

    drag_timeline_to(qtbot, w, 4)
    # The network drawing and the other views show epoch 4; nothing changed yet.
    assert state_equal(w.live.shown_state, states[4])
    w.network_view.flush()
    shown = w.network_view.connection_item(0, 1, 0).value  # input 2 -> hidden neuron 1
    assert shown == states[4]["weights"][0][1, 0] != states[10]["weights"][0][1, 0]
    assert w.trainer.model.epoch == 10 and len(w.error_view) == 10
    assert "Epoch 4" in w.epoch_label.text()
    assert w.error_view._marker is not None and w.error_view._marker.value() == 4
    assert "looking back" in w.replay.timeline.label.text()

    run_epochs(qtbot, w, 6)  # play on from epoch 4
    model = w.trainer.model
    assert model.epoch == 10 and state_equal(model.get_state(), states[10])
    epochs, train, _ = w.error_view.data()
    assert epochs.tolist() == list(range(1, 11))  # cut back to 4, then 6 new epochs
    assert not w.error_view._marker.isVisible()
    assert w.replay.timeline.slider.value() == w.replay.timeline.slider.maximum() == 10


def test_back_at_the_end_of_the_timeline_the_views_are_live_again(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    run_epochs(qtbot, w, 5)
    states = reference_states(w, 5)
    drag_timeline_to(qtbot, w, 2)
    assert state_equal(w.live.shown_state, states[2])
    qtbot.keyClick(w.replay.timeline.slider, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: w.replay.scrub_epoch is None, timeout=5000)
    assert state_equal(w.live.shown_state, states[5])
    assert len(w.error_view) == 5  # looking back and forth changed nothing


def test_a_saved_session_keeps_its_timeline(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "Gaussian", "MLP")
    run_epochs(qtbot, w, 8)
    states = reference_states(w, 8)
    path = tmp_path / "run.nnp"
    assert w.actions_.save_to(str(path))
    load(qtbot, w, "Spiral", "MLP")
    assert w.replay.timeline.slider.maximum() == 0
    assert w.open_session(str(path)) is not None
    assert w.replay.timeline.slider.maximum() == 8
    drag_timeline_to(qtbot, w, 3)
    assert state_equal(w.live.shown_state, states[3])


def test_the_speed_control_applies_while_training(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    combo = w.replay.speed_combo
    assert combo.currentData() is None  # full speed by default
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: w.trainer.model.epoch >= 2, timeout=10000)
    combo.setCurrentIndex(combo.findData(1.0))  # 1 epoch/s, while training
    assert "1 epoch/s" in w.statusBar().currentMessage()
    qtbot.keyClick(w.canvas, Qt.Key.Key_BracketRight)  # ] faster
    assert combo.currentData() == 3.0
    w.actions_.play.trigger()
    wait_idle(qtbot, w)
    assert np.all(np.isfinite(w.error_view.data()[1]))


def test_at_a_sample_speed_play_steps_sample_by_sample_with_every_number(qtbot, window):
    w = window
    load(qtbot, w, "AND", "Perceptron with bias")
    combo = w.replay.speed_combo
    combo.setCurrentIndex(combo.findText("10 samples/s"))
    assert w.replay.sample_rate() == 10.0 and w.replay.speed() is None
    n = len(w.points)
    w.actions_.play.trigger()
    assert w.replay.sample_playing and w.actions_.play.text() == "&Pause"
    # The one-sample panel follows: it shows each sample stepped; an epoch closes after n.
    qtbot.waitUntil(lambda: w.trainer.model.epoch >= 1, timeout=20000)
    assert w.tabs.currentWidget() is w.sample_steps.panel
    w.actions_.play.trigger()  # pause
    assert not w.replay.sample_playing and w.actions_.play.text() == "&Play"
    assert len(w.error_view) == w.trainer.model.epoch  # each closed epoch on the curve
    assert 0 <= w.trainer.model.epoch_position < n


def test_a_recorded_state_that_does_not_fit_its_model_is_refused_at_open(qtbot, window,
                                                                         tmp_path):
    """Weights of another shape in the timeline opened; looking back at them raised, and
    playing on from them ended the training process."""
    from nnplayground.core import datasets
    from nnplayground.core.session import Session, save_session

    w = window
    d = datasets.PRESETS["Circle"](seed=0, noise=0.0)
    model = model_from_config("mlp", {"layer_sizes": [2, 4, 1]})
    states = [model.get_training_state()]
    for _ in range(3):
        model.partial_fit(d.X, d.y)
        states.append(model.get_training_state())
    states[0]["params"]["weights"][0] = np.zeros((3, 4))
    session = Session(points=d.X, labels=d.y, class_names=list(d.class_names),
                      history={"train": np.ones(3), "test": np.full(3, np.nan)},
                      extras={"recording": {"epochs": np.arange(4), "states": states}})
    session.set_model(model)
    path = tmp_path / "bad_recording.nnp"
    save_session(session, path)
    before = w.trainer.model.get_state()
    assert w.actions_.open_session(str(path)) is None
    assert ("recorded run is damaged: the state of epoch 0 does not fit its model "
            "(weights[0] must have shape (2, 4), got (3, 4)") in w.banner.text()
    assert state_equal(w.trainer.model.get_state(), before)  # nothing changed
    states[0]["params"]["weights"][0] = np.zeros((2, 4))  # the same file, mended, opens
    save_session(session, path)
    assert w.actions_.open_session(str(path)) is not None and w.trainer.model.epoch == 3


def test_training_stops_at_the_errors_a_session_keeps_and_the_work_saves(
        qtbot, window, tmp_path, monkeypatch):
    """A small network at full speed passed 2,000,000 epochs in ~16 minutes; from then on
    every Save and autosave refused the session ("the error history has 2,000,001
    epochs"). Here the limit is 40 epochs, to reach it quickly."""
    from nnplayground.core import limits
    from nnplayground.core.session import load_session

    monkeypatch.setattr(limits, "MAX_HISTORY", 40)
    w = window
    load(qtbot, w, "XOR", "MLP")
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: not w.trainer.is_running() and w.trainer.model.epoch > 0,
                    timeout=20000)
    assert w.trainer.model.epoch == 40 == len(w.error_view)
    assert "Training stopped at 40 epochs of errors" in w.banner.text()
    w.actions_.play.trigger()  # nothing more
    assert not w.trainer.is_running() and w.trainer.model.epoch == 40
    w.replay.run_spin.setValue(10)
    w.replay.run_action.trigger()
    assert not w.trainer.is_running() and w.trainer.model.epoch == 40
    assert w.actions_.save_to(str(tmp_path / "kept.nnp"))
    assert len(load_session(tmp_path / "kept.nnp").history["train"]) == 40
    w.actions_.reset.trigger()  # a fresh start trains again
    w.replay.run_action.trigger()
    qtbot.waitUntil(lambda: not w.trainer.is_running() and w.trainer.model.epoch == 10,
                    timeout=20000)


def test_a_timeline_too_large_for_the_file_is_left_out_and_the_rest_saved(
        qtbot, window, tmp_path, monkeypatch):
    from nnplayground.core import limits
    from nnplayground.core.session import load_session

    w = window
    load(qtbot, w, "XOR", "MLP")
    run_epochs(qtbot, w, 20)
    with_timeline = tmp_path / "with.nnp"
    assert w.actions_.save_to(str(with_timeline))
    assert "recording" in load_session(with_timeline).extras
    monkeypatch.setattr(limits, "MAX_SESSION_BYTES", with_timeline.stat().st_size - 1)
    path = tmp_path / "without.nnp"
    assert w.actions_.save_to(str(path))
    assert "without the timeline" in w.statusBar().currentMessage()
    saved = load_session(path)  # it opens again
    assert "recording" not in saved.extras and len(saved.history["train"]) == 20


def test_back_at_the_live_end_the_readout_shows_the_live_epoch(qtbot, window):
    """Scrubbing back to 5 of 12 and then to the end left "Epoch 5" and epoch 5's errors
    in the toolbar while the views showed epoch 12."""
    from tests.ui.window_helpers import epoch_shown

    w = window
    load(qtbot, w, "XOR", "MLP")
    run_epochs(qtbot, w, 12)
    live = w.error_label.text()
    drag_timeline_to(qtbot, w, 5)
    assert epoch_shown(w) == 5 and w.error_label.text() != live
    drag_timeline_to(qtbot, w, 12)
    qtbot.waitUntil(lambda: w.replay.scrub_epoch is None)
    assert epoch_shown(w) == 12 and w.error_label.text() == live


def test_the_error_axis_never_rescales_its_numbers(qtbot, window):
    """After going back and playing on, the axis read "error (x0.001)" over ticks
    200-800 while the readout said 0.1014."""
    from nnplayground.ui.views.error_view import ErrorCurveView

    view = ErrorCurveView()
    qtbot.addWidget(view)
    view.append([0.0012, 0.0008, 0.0005], [float("nan")] * 3)
    for side in ("left", "bottom"):
        axis = view.getPlotItem().getAxis(side)
        axis.setRange(0.0, 0.0015)
        assert axis.labelString().find("x0.001") < 0 and "(" not in axis.labelString()
