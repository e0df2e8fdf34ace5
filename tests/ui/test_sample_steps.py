"""Step one sample in the window (issue 11): the panel shows every number of the step
the trainer applied, n sample steps are one epoch, Play goes on from the cursor."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6 import QtCore

from nnplayground.core.explain import step_sample
from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.ui.explain.sample_html import PRECISION
from tests.ui.window_helpers import epoch_shown, key, load, state_equal, wait_idle

Qt = QtCore.Qt


def step_one_sample(qtbot, w) -> None:
    """Shift+S, as a user presses it; waits for the panel to show the new step."""
    before = w.sample_steps.panel.trace
    key(qtbot, w, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.sample_steps.panel.trace is not before, timeout=10000)


def shown_vector(text: str, name: str) -> np.ndarray:
    """The last bracketed vector on the panel's line that starts with ``name =``."""
    line = next(l for l in text.splitlines() if l.strip().startswith(f"{name} ="))
    inside = re.findall(r"\[([^\]]*)\]", line)[-1]
    return np.array([float(v.replace("−", "-")) for v in inside.split(",")])


def same_at_precision(shown: np.ndarray, exact: np.ndarray) -> bool:
    return all(float(f"{e:.{PRECISION}g}") == s for s, e in zip(shown, np.ravel(exact)))


def copy_of(model):
    return model_from_dict(model_to_dict(model))


def test_one_sample_shows_the_perceptrons_delta_w(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    before = w.trainer.model.weights.copy()
    for _ in range(12):  # until a mistake moves the weights
        step_one_sample(qtbot, w)
        if w.sample_steps.panel.trace.mistake:
            break
    trace = w.sample_steps.panel.trace
    assert trace.mistake
    text = w.sample_steps.panel.toPlainText()
    change = w.trainer.model.weights - trace.w
    shown = shown_vector(text, "Δw")
    assert same_at_precision(shown, change) and np.any(shown != 0)
    assert same_at_precision(shown_vector(text, "new w"), w.trainer.model.weights)
    assert w.tabs.currentWidget() is w.sample_steps.panel
    # The presented sample is ringed on the canvas.
    assert w.canvas.highlight() == pytest.approx(tuple(trace.x[:2]))
    assert not np.array_equal(before, w.trainer.model.weights)
    # Tooltip and accessible name on the new button.
    button = w.actions_.toolbar.widgetForAction(w.sample_steps.action)
    assert button.accessibleName() == "Step one sample" and "Shift+S" in button.toolTip()


def test_n_sample_steps_are_one_epoch(qtbot, window):
    w = window
    load(qtbot, w, "XOR (truth table)", "MLP")  # 4 steps
    start = copy_of(w.trainer.model)
    X, y = w.controller.data()[:2]
    for i in range(len(X)):
        assert epoch_shown(w) == 0 and len(w.error_view) == 0
        step_one_sample(qtbot, w)
    assert epoch_shown(w) == 1 == w.trainer.model.epoch and len(w.error_view) == 1
    assert w.sample_steps.panel.trace.epoch_closed
    assert "epoch 1 is done" in w.sample_steps.panel.toPlainText()
    start.partial_fit(X, y)  # one Step from the same start
    assert state_equal(start.get_state(), w.trainer.model.get_state()) or all(
        np.allclose(a, b, rtol=1e-12) for a, b in zip(start.weights, w.trainer.model.weights))
    # The network drawing rings the output neurons the panel's loss refers to.
    assert w.network_view.highlighted() == [(len(w.trainer.model.layer_sizes) - 1, 0)]
    text = w.sample_steps.panel.toPlainText()
    for part in ("Forward pass", "hidden layer 1", "output layer", "Loss", "Gradients"):
        assert part in text


def test_play_after_sample_steps_goes_on_from_the_cursor(qtbot, window):
    w = window
    load(qtbot, w, "XOR", "MLP")
    reference = copy_of(w.trainer.model)
    X, y = w.controller.data()[:2]
    for _ in range(3):
        step_one_sample(qtbot, w)
        step_sample(reference, X, y)
    assert w.trainer.model.epoch_position == 3
    key(qtbot, w, Qt.Key.Key_S)  # Step: the epoch in progress is finished
    wait_idle(qtbot, w)
    reference.partial_fit(X, y)
    assert epoch_shown(w) == 1 == w.trainer.model.epoch
    for a, b in zip(reference.weights, w.trainer.model.weights):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert w.canvas.highlight() is None  # a run presents no single sample


def test_competitive_panel_shows_the_winner(qtbot, window):
    w = window
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    step_one_sample(qtbot, w)
    trace = w.sample_steps.panel.trace
    text = w.sample_steps.panel.toPlainText()
    assert f"Winner: neuron {trace.winner + 1}" in text
    assert w.network_view.highlighted() == [(1, trace.winner)]
    assert w.view3d is not None and w.view3d.highlight.visible()
    np.testing.assert_allclose(w.view3d.highlight.pos[0], trace.x, rtol=1e-6)


def test_epochs_closed_by_sample_steps_are_on_the_timeline_and_can_be_rewound(qtbot, window):
    """After two epochs of single steps the readout said Epoch 2 and the timeline Epoch 0
    (range 0..0): those epochs could not be looked back at."""
    from tests.ui.test_replay import drag_timeline_to

    w = window
    load(qtbot, w, "XOR (truth table)", "MLP")
    n = len(w.controller.data()[0])
    after_one = None
    for i in range(2 * n):
        step_one_sample(qtbot, w)
        if i == n - 1:
            after_one = copy_of(w.trainer.model).get_state()
    slider = w.replay.timeline.slider
    assert epoch_shown(w) == 2 and slider.maximum() == 2 and slider.value() == 2
    assert w.replay.timeline.label.text() == "Epoch 2"
    drag_timeline_to(qtbot, w, 1)
    assert w.replay.timeline.label.text() == "Epoch 1 of 2 (looking back)"
    assert state_equal(w.live.shown_state, after_one)
