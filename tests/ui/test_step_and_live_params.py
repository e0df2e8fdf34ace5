"""Step and live settings in the whole window, driven like a user (issue 8, items 6 and 8)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from tests.ui.window_helpers import epoch_shown, focus_canvas, key, load, wait_idle, choose


def test_one_step_draws_one_dot_and_says_it_stepped(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    key(qtbot, w, Qt.Key.Key_S)
    wait_idle(qtbot, w)
    assert epoch_shown(w) == 1 == len(w.error_view)
    for curve in (w.error_view.train_curve, w.error_view.test_curve):
        x, y = curve.getData()
        if curve is w.error_view.test_curve and (x is None or len(x) == 0):
            continue  # no test points
        # One point makes no line: it is drawn as a dot.
        assert len(x) == 1 and np.isfinite(y[0])
        assert curve.opts["symbol"] is not None and curve.scatter.isVisible()
        assert len(curve.scatter.data) == 1
    message = w.statusBar().currentMessage()
    assert message == "Stepped to epoch 1.", message
    assert w.actions_.speed_label.text() == ""  # one epoch by hand is not a speed

    key(qtbot, w, Qt.Key.Key_S)
    wait_idle(qtbot, w)
    assert w.statusBar().currentMessage() == "Stepped to epoch 2."
    assert len(w.error_view.train_curve.getData()[0]) == 2


def test_conscience_switched_while_training_reaches_the_model_and_not_the_next(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "Competitive layer")
    model = w.trainer.model
    failures = []
    w.trainer.failed.connect(failures.append)
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: epoch_shown(w) >= 3, timeout=5000)
    box = w.model_panel.competitive_conscience
    assert box.isChecked() and model.conscience
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    # The training process takes it at its next epoch, the window's copy when the run ends.
    assert w.controller.state.model.config["conscience"] is False
    assert w.trainer.model is model and w.trainer.is_running()

    choose(qtbot, w.model_panel.kind_combo, "MLP")  # while training: a new model
    assert w.trainer.model is not model
    assert model.conscience is False  # the model it was meant for took it
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_S)
    wait_idle(qtbot, w)
    assert failures == [] and w.trainer.model.epoch == 1
    assert w.statusBar().currentMessage() == "Stepped to epoch 1."
