"""A run that goes wrong without NaN says so, with the fix one click away (issue 13, item
7): a rate of 10 on the spiral gets "Lower the rate", a network that died "Re-initialise"."""

from __future__ import annotations

from PySide6 import QtCore

from tests.ui.window_helpers import choose, focus_canvas, key, load, type_learning_rate, wait_idle

Qt = QtCore.Qt


def test_a_rate_too_large_is_hinted_and_the_button_lowers_it_while_training(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    type_learning_rate(qtbot, w.model_panel.mlp_lr, "10")
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    banner = w.centre.banner
    qtbot.waitUntil(lambda: banner.isVisible() and "too large" in banner.text(), timeout=30000)
    assert w.trainer.is_running()  # a hint, not a stop
    button = banner.button("Lower the rate to 1")
    assert button is not None and button.toolTip() and button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and w.trainer.is_running()
    assert w.model_panel.mlp_lr.value() == 1.0
    assert w.controller.state.model.config["learning_rate"] == 1.0
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)
    assert w.trainer.model.learning_rate == 1.0  # applied mid-run, kept by the copy


def test_a_dead_relu_network_is_hinted_and_reinitialised(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    choose(qtbot, w.model_panel.mlp_activation, "ReLU")
    type_learning_rate(qtbot, w.model_panel.mlp_lr, "1")  # big steps kill ReLUs
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    banner = w.centre.banner
    qtbot.waitUntil(lambda: banner.isVisible() and "same output for every point" in banner.text(),
                    timeout=30000)
    old = w.trainer.model
    with qtbot.waitSignal(w.model_rebuilt, timeout=10000):
        qtbot.mouseClick(banner.button("Re-initialise"), Qt.MouseButton.LeftButton)
    assert w.trainer.model is not old and w.trainer.model.epoch == 0
    assert not w.trainer.is_running()
