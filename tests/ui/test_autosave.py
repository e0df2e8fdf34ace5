"""Sessions are never lost: closing the window keeps the work, the next start brings it
back; a damaged autosave gets a message and the demo instead."""

from __future__ import annotations

import numpy as np

from nnplayground.ui.window.main_window import MainWindow
from tests.ui.test_main_window import isolated_settings  # noqa: F401 (fixture)


def start(qtbot) -> MainWindow:
    w = MainWindow(restore_settings=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_closing_keeps_points_model_and_history_for_the_next_start(qtbot, isolated_settings):
    w = start(qtbot)
    w.load_preset("XOR", 3, 0.0)
    w.points.add_point((1.25, -2.5), label=1)
    for _ in range(3):
        with qtbot.waitSignal(w.trainer.finished, timeout=10000):
            w.actions_.step.trigger()
    X, y = w.points.point_set.arrays()
    state = w.trainer.model.get_state()
    w.actions_.play.trigger()  # closing mid-training must keep the work too
    qtbot.waitUntil(lambda: w.live.last_epoch > 3, timeout=10000)
    w.close()
    assert w.actions_.autosave_path().exists()

    again = start(qtbot)
    try:
        X2, y2 = again.points.point_set.arrays()
        assert np.array_equal(X, X2) and np.array_equal(y, y2)
        model = again.trainer.model
        assert model.kind == "mlp" and model.epoch > 3 and model.epoch == len(again.error_view)
        assert again.epoch_label.text() == f"Epoch {model.epoch}"
        assert not np.array_equal(model.get_state()["weights"][0], state["weights"][0])
        assert again.data_panel.seed() == 3
        assert again.windowTitle() == "nnplayground"
        assert not again.points.undo_stack.canUndo()
    finally:
        again.close()


def test_a_damaged_autosave_says_so_and_opens_the_demo(qtbot, isolated_settings):
    w = start(qtbot)
    path = w.actions_.autosave_path()
    w.close()
    path.write_text('{"format": "nnplayground-session", "version": 1, "points": ', encoding="utf-8")
    again = start(qtbot)
    try:
        assert again.banner.isVisible() and "Could not open" in again.banner.text()
        assert len(again.points) > 0  # the demo data, not an empty canvas
        kept = list(path.parent.glob("autosave-damaged-*.nnp"))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").endswith('"points": ')
    finally:
        again.close()
