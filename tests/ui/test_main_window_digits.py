"""The digit pad as a page of the main window (issue 4): reachable from the keyboard, its
keys win over the playground's shortcuts, and taught drawings travel in session files."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from nnplayground.core.datasets import digit_patterns
from tests.ui.window_helpers import key

LEFT = Qt.MouseButton.LeftButton


def open_digit_page(qtbot, w):
    key(qtbot, w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.digit_panel is not None and not w.digit_panel.is_training(),
                    timeout=15000)
    assert w.pages.currentWidget() is w.digit_panel
    qtbot.waitUntil(w.digit_panel.pad.grid.hasFocus)  # arrows and Space work at once
    return w.digit_panel


def test_digit_page_reads_a_drawn_three(qtbot, window):
    w = window
    panel = open_digit_page(qtbot, w)
    assert not w.actions_.toolbar.isVisible() and not w.actions_.play.isEnabled()
    grid = panel.pad.grid
    qtbot.mouseClick(panel.pad.clear_button, LEFT)
    for i in np.flatnonzero(digit_patterns()[3]):
        qtbot.mouseClick(grid, LEFT, pos=grid.cell_center(int(i)))
    assert panel.prediction_label.text() == "3"
    # Back to the playground: the toolbar returns.
    key(qtbot, w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.pages.currentIndex() == 0 and w.actions_.play.isEnabled()


def test_grid_keys_win_over_window_shortcuts(qtbot, window):
    w = window
    panel = open_digit_page(qtbot, w)
    grid = panel.pad.grid
    qtbot.mouseClick(panel.pad.clear_button, LEFT)
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    epoch = w.trainer.model.epoch
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # Step in the playground; here: move the focus
    qtbot.keyClick(grid, Qt.Key.Key_Space)  # Play in the playground; here: toggle the cell
    assert panel.pad.pattern()[1] == 1 and panel.pad.pattern().sum() == 1
    assert not w.trainer.is_running() and w.trainer.model.epoch == epoch


def test_taught_drawings_are_kept_in_the_session_file(qtbot, window, tmp_path):
    w = window
    panel = open_digit_page(qtbot, w)
    drawing = np.zeros(20)
    drawing[[0, 5, 10, 15]] = 1
    panel.add_example(drawing, 7)
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=15000)
    path = str(tmp_path / "taught.nnp")
    assert w.actions_.save_to(path)
    w.set_digit_examples([])
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=15000)
    assert w.digit_examples() == []
    assert w.actions_.open_session(path)
    qtbot.waitUntil(lambda: not panel.is_training(), timeout=15000)
    (pattern, digit), = w.digit_examples()
    assert digit == 7 and np.array_equal(pattern, drawing)


def test_damaged_window_settings_in_a_session_are_refused_and_nothing_changes(qtbot, window, tmp_path):
    w = window
    path = str(tmp_path / "s.nnp")
    assert w.actions_.save_to(path)
    import json

    doc = json.loads(open(path, encoding="utf-8").read())
    doc["extras"]["digit_examples"] = [[[0.5] * 3, 12]]
    doc["dataset"]["bounds"] = [1, 0, "a", None]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    before = w.points.point_set.arrays()[0].copy()
    w.points.add_point((0.5, 0.5))
    assert not w.actions_.open_session(path)
    assert w.banner.isVisible() and "damaged" in w.banner.text()
    assert len(w.points) == len(before) + 1


def test_the_answer_chart_has_room_and_the_digits_lesson_fits_a_1280_screen(qtbot, window):
    """At 1280 x 800 the probability chart got ~68 px (its ticks overlapped, its title was
    cut), and the digits lesson's panel beside the page (969 px at least) widened the
    window to 1309 px, past a 1280-px screen."""
    w = window
    panel = open_digit_page(qtbot, w)
    qtbot.mouseClick(panel.pad.template_buttons[7], LEFT)
    assert panel.bar_plot.height() >= 130
    assert w.width() == 1280
    w.lessons.lesson_actions["digits"].trigger()
    qtbot.waitUntil(w.lessons.dock.isVisible)
    qtbot.wait(50)
    assert w.width() == 1280 and w.lessons.dock.geometry().right() < w.width()
