"""Lessons in the window, driven like a teacher: the Lessons menu, the lesson panel's Next,
Back, Reveal and Leave, Play / Reset on the steps, the Help menu and the empty-canvas hint.

Run under Xvfb (the 3-D lessons need OpenGL: their cases are marked ``gl``).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from nnplayground.core.lessons import grouped_lessons, list_lessons, load_lesson
from nnplayground.core.state import LESSON
from nnplayground.ui.digits.digit_page import DIGIT_PAGE
from nnplayground.ui.lessons.lesson_controller import is_prompt
from tests.ui.conftest_canvas_helpers import click
from tests.ui.window_helpers import (
    assert_readable,
    focus_canvas,
    key,
    state_equal,
    unlabelled_controls,
    wait_idle,
)

Qt = QtCore.Qt
#: Lessons whose data has three columns: the window makes its OpenGL view for them.
THREE_D = {"3d-classes", "clusters-3d", "xor-classic", "single-layer"}


# ---------------------------------------------------------------------------- helpers
def open_lesson(qtbot, w, lesson_id: str) -> None:
    """Lessons menu > the lesson's title, with the mouse."""
    menu, action = w.lessons.menu, w.lessons.lesson_actions[lesson_id]
    w.menuBar().setActiveAction(menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    with qtbot.waitSignal(w.lessons.step_shown, timeout=20000):
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert w.lessons.lesson.id == lesson_id and w.lessons.index == 0
    assert w.lessons.dock.isVisible()


def press_next(qtbot, w) -> None:
    with qtbot.waitSignal(w.lessons.step_shown, timeout=20000):
        qtbot.mouseClick(w.lessons.panel.next_button, Qt.MouseButton.LeftButton)


def control(w, cid: str) -> QtWidgets.QWidget:
    found = w.findChild(QtWidgets.QWidget, cid)
    assert found is not None, cid
    return found


def controls_seen(w) -> dict:
    """Every panel control's (enabled, visible, tooltip)."""
    return {c.objectName(): (c.isEnabled(), c.isVisibleTo(w), c.toolTip())
            for c in w.findChildren(QtWidgets.QWidget)
            if c.objectName().startswith(("data.", "model."))}


def neuron_texts(w) -> list[list[str]]:
    """The value written in each neuron of the network drawing, layer by layer."""
    view = w.network_view
    return [[view.value_item(l, i).text() for i in range(n)]
            for l, n in enumerate(view.layer_sizes)]


def count_calls(obj, name: str, monkeypatch) -> list:
    """Every call of ``obj.name`` from now on (the call itself goes through)."""
    calls, original = [], getattr(obj, name)

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, spy)
    return calls


def accuracy(model, X, y) -> float:
    return float(np.mean(np.asarray(model.predict(X)).ravel() == y))


def play_step(qtbot, w, timeout=20000) -> None:
    """Space, as a student presses it, and wait until the step's epochs are trained."""
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    assert w.trainer.is_running()
    wait_idle(qtbot, w, timeout)


def check_step(w, lesson, i: int, before_model) -> None:
    """Step ``i`` shows what its setup promises: data, model, locks, hidden controls, views."""
    setup, step = lesson.setup(i), lesson.steps[i]
    panel = w.lessons.panel
    assert panel.step_label.text() == step.text
    assert f"Step {i + 1} of {len(lesson.steps)}" in panel.progress_label.text()
    assert panel.prompt_box.isVisibleTo(w) == (is_prompt(step.text) and setup.digit_pad is None)
    for cid in setup.locked:
        c = control(w, cid)
        assert not c.isEnabled() and "Locked by the lesson" in c.toolTip(), cid
    for cid in setup.hidden:
        assert not control(w, cid).isVisibleTo(w), cid
    if setup.digit_pad is not None:
        assert w.pages.currentIndex() == DIGIT_PAGE
        assert w.digit_panel.mode == setup.digit_task.key and w.digit_panel.seed == setup.digit_pad.seed
        return
    assert w.pages.currentIndex() == 0
    model = w.trainer.model
    if not step.changes:
        assert model is before_model  # the step carries on with the model as it is
    data = setup.dataset
    X, y = w.points.point_set.arrays()
    assert np.array_equal(X, data.X) and np.array_equal(y, data.y)
    assert w.points.class_names == data.class_names
    assert w.controller.state.dataset.source == LESSON
    assert w.data_panel.preset_combo.currentText() == f"Lesson: {data.name}"
    assert model.kind == setup.model_kind
    config = model.get_config()
    assert all(config[k] == v for k, v in setup.model_config.items() if k in config)
    if step.changes and setup.weights is not None:
        assert state_equal(model.get_state(), setup.weights)
    assert state_equal(w.controller.state.model.initial_state or {}, setup.weights or {})
    # views
    sizes = {"perceptron": lambda m: (m.n_inputs, 1), "competitive": lambda m: (m.n_inputs, m.n_neurons)}
    expected = sizes.get(model.kind, lambda m: tuple(m.layer_sizes))(model)
    w.network_view.flush()
    assert w.network_view.layer_sizes == expected
    veiled = is_prompt(step.text) and setup.epochs == 0
    assert w.overlay.image_item.opacity() == (0.0 if veiled else 1.0)
    if model.kind in ("perceptron", "mlp"):
        assert w.overlay.image_item.isVisible()  # the decision surface is drawn
    tabs = w.tabs
    assert tabs.isTabVisible(tabs.indexOf(w.latent_view)) == (model.kind == "autoencoder")
    ci = setup.constant_input
    if ci is not None:
        assert w.canvas.note.isVisible() and ci.label in w.canvas.note.toPlainText()
        assert w.canvas.projection_axes == (0, 1) and not w.axes_row.isVisibleTo(w)
        assert not tabs.isTabVisible(tabs.indexOf(w.view3d))
    else:
        assert not w.canvas.note.isVisible()
        if X.shape[1] == 3:
            assert tabs.isTabVisible(tabs.indexOf(w.view3d))
    assert w.model_panel.mlp_hidden_lines.isChecked() == setup.view.hidden_lines
    if setup.view.hidden_lines:
        assert w.overlay.hidden_item.isVisible()
    if data.centroids is not None:
        assert np.array_equal(w.controller.state.dataset.true_centroids, data.centroids)
    assert w.actions_.play_limit(model.epoch)[0] == (
        model.epoch if setup.epochs == 0 else setup.epochs if model.epoch < setup.epochs
        else model.epoch + setup.epochs)


# ---------------------------------------------------------------------------- every lesson
@pytest.mark.parametrize("lesson_id", [
    pytest.param(info.id, marks=[pytest.mark.gl] if info.id in THREE_D else [])
    for info in list_lessons()])
def test_every_lesson_opens_from_the_menu_and_keeps_each_steps_promise(qtbot, window, lesson_id):
    w = window
    before = w.actions_.session()
    seen = controls_seen(w)
    open_lesson(qtbot, w, lesson_id)
    lesson = load_lesson(lesson_id)
    assert "Lesson" in w.lessons.dock.windowTitle() and lesson.title in w.lessons.panel.title_label.text()
    model = w.trainer.model
    for i in range(len(lesson.steps)):
        if i:
            model = w.trainer.model
            press_next(qtbot, w)
        check_step(w, lesson, i, model)
    assert not w.lessons.panel.next_button.isEnabled()  # the last step
    qtbot.mouseClick(w.lessons.panel.leave_button, Qt.MouseButton.LeftButton)
    assert w.lessons.lesson is None and not w.lessons.dock.isVisible()
    assert w.pages.currentIndex() == 0
    X, y = w.points.point_set.arrays()
    assert np.array_equal(X, before.points) and np.array_equal(y, before.labels)
    assert w.data_panel.preset_combo.currentText().strip() == "Circle"
    assert controls_seen(w) == seen  # every control unlocked and shown as before


def test_the_lessons_menu_groups_every_lesson_under_its_heading(qtbot, window):
    w = window
    menu = w.lessons.menu
    w.menuBar().setActiveAction(menu.menuAction())  # opened: it reads the lessons now
    qtbot.waitUntil(menu.isVisible)
    texts = [a.text().strip() for a in menu.actions() if a.text()]
    menu.hide()
    for group, infos in grouped_lessons():
        assert group in texts
        start = texts.index(group)
        assert texts[start + 1:start + 1 + len(infos)] == [info.title for info in infos]
    for info in list_lessons():
        action = w.lessons.lesson_actions[info.id]
        assert action.toolTip() == info.summary
    assert not w.lessons.next_action.isEnabled() and not w.lessons.leave_action.isEnabled()


# ---------------------------------------------------------------------------- particular lessons
def test_xor_the_perceptron_stays_wrong_the_hand_set_network_is_right(qtbot, window):
    w = window
    open_lesson(qtbot, w, "xor")
    X, y = w.points.point_set.arrays()
    play_step(qtbot, w)
    model = w.trainer.model
    assert model.kind == "perceptron" and model.epoch == 100  # exactly the step's epochs
    assert accuracy(model, X, y) < 1.0
    assert "Train error 0 " not in w.error_label.text()
    press_next(qtbot, w)
    assert w.trainer.model is model  # the explanation keeps the trained perceptron
    press_next(qtbot, w)
    net = w.trainer.model
    assert net.kind == "mlp" and net.layer_sizes == [2, 2, 1]
    assert accuracy(net, X, y) == 1.0
    assert np.all(np.abs(net.predict_proba(X).ravel() - y) < 1e-4)
    assert w.overlay.hidden_item.isVisible()  # the OR and the AND neuron's lines
    # The hand-set numbers can be read in the drawing, beside the lesson's dock.
    shown = Counter(t.text() for t in assert_readable(w.network_view))
    weights = np.concatenate([W.ravel() for W in net.get_state()["weights"]])
    assert not Counter(f"{v:.2f}" for v in weights) - shown  # each weight, written once
    # Nothing to train: Space says so and trains nothing; so do one sample (Shift+S),
    # Run N epochs (Ctrl+R) and Play at a sample speed: the weights are the lesson.
    weights = [a.copy() for a in net.get_state()["weights"]]
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    assert not w.trainer.is_running() and net.epoch == 0
    assert "Nothing to train" in w.statusBar().currentMessage()
    combo = w.replay.speed_combo
    for keys, speed in ((("S", Qt.KeyboardModifier.ShiftModifier), None),
                        (("R", Qt.KeyboardModifier.ControlModifier), None),
                        (("Space", Qt.KeyboardModifier.NoModifier), "sample")):
        if speed is not None:
            combo.setCurrentIndex(next(i for i in range(combo.count())
                                       if isinstance(combo.itemData(i), tuple)))
        w.statusBar().clearMessage()
        focus_canvas(qtbot, w)
        key(qtbot, w, getattr(Qt.Key, f"Key_{keys[0]}"), keys[1])
        assert "Nothing to train" in w.statusBar().currentMessage(), keys
        assert not w.trainer.is_running() and not w.replay.sample_playing, keys
        assert w.trainer.model.epoch == 0, keys
        state = w.trainer.model.get_state()["weights"]
        assert all(np.array_equal(a, b) for a, b in zip(state, weights)), keys


def test_forward_relu_shows_32_for_inputs_2_and_3_after_the_reveal(qtbot, window):
    w = window
    open_lesson(qtbot, w, "forward-relu")
    panel = w.lessons.panel
    assert panel.forward_box.isVisible() and panel.prompt_box.isVisible()
    fields = panel.input_fields.fields
    assert [f.text() for f in fields] == ["2", "3"]
    assert "32" not in panel.readout_label.text()  # predict first
    assert neuron_texts(w) == [["", ""], ["", ""], [""]]  # no values in the drawing yet
    qtbot.keyClicks(panel.prediction_edit, "maybe 40")
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert panel.readout_label.text() == "hidden: 16, 0\noutput: 32"
    assert "maybe 40" in panel.revealed_label.text()
    assert neuron_texts(w) == [["2.00", "3.00"], ["16.00", "0.00"], ["32.00"]]

    press_next(qtbot, w)
    press_next(qtbot, w)  # "Try other inputs"
    assert unlabelled_controls(w.lessons.dock) == []  # the fields made for this step too
    ids = [f.objectName() for f in panel.input_fields.fields + panel.weight_fields.fields]
    assert all(i.startswith("lesson.") for i in ids) and len(set(ids)) == len(ids)
    for field, text in zip(panel.input_fields.fields, ("1", "-1")):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    # 2*1 + 4*(-1) = -2 -> 0; 4*1 - 5*(-1) = 9; output 7*9 = 63
    assert panel.readout_label.text() == "hidden: 0, 9\noutput: 63"
    X, _ = w.points.point_set.arrays()
    assert X.tolist() == [[1.0, -1.0]]  # the canvas's point moved with the inputs
    assert neuron_texts(w)[2] == ["63.00"]
    # Dragged on the canvas instead (here: the points model's move), the fields follow.
    ids, _, _ = w.points.snapshot()
    w.points.move_point(int(ids[0]), [2.0, 3.0])
    w.points.end_drag()
    assert [f.text() for f in panel.input_fields.fields] == ["2", "3"]
    assert panel.readout_label.text().endswith("output: 32")


def test_forward_relu_shows_every_weight_clear_of_the_neurons(qtbot, window):
    """The lesson's narrow drawing left the -5 (43 px wide between neurons 43 px apart)
    no spot beside its line: it lay half under its input neuron and read 5."""
    w = window
    open_lesson(qtbot, w, "forward-relu")
    qtbot.mouseClick(w.lessons.panel.reveal_button, Qt.MouseButton.LeftButton)
    view = w.network_view
    values = {view.value_item(layer, i) for layer, n in enumerate(view.layer_sizes)
              for i in range(n)}  # the neurons' own numbers (the input 2.00 among them)
    labels = [it for it in view.scene().items()
              if isinstance(it, QtWidgets.QGraphicsSimpleTextItem) and it not in values
              and it.text() in ("2.00", "4.00", "-5.00", "7.00")]
    assert sorted(label.text() for label in labels) == ["-5.00", "2.00", "2.00", "4.00",
                                                       "4.00", "7.00"]
    for label in labels:
        rect = label.sceneBoundingRect()
        assert not any(rect.intersects(n.sceneBoundingRect())
                       for n in w.network_view.neuron_items()), label.text()


@pytest.mark.gl
def test_clusters_3d_trains_100_then_1000_epochs(qtbot, window):
    w = window
    open_lesson(qtbot, w, "clusters-3d")
    assert w.view3d is not None and w.tabs.currentWidget() is w.view3d
    truth = w.controller.state.dataset.true_centroids

    def farthest(model) -> float:  # the true centre farthest from its nearest neuron
        gaps = np.linalg.norm(model.centroids[:, None, :] - truth[None, :, :], axis=2)
        return float(np.min(gaps, axis=0).max())

    play_step(qtbot, w)
    assert w.trainer.model.epoch == 100 and len(w.error_view) == 100
    first = w.trainer.model
    assert farthest(first) > 1.0  # step 2: "not arrived yet"
    press_next(qtbot, w)
    assert w.trainer.model is first and first.epoch == 100
    press_next(qtbot, w)  # the same start again, 1,000 epochs
    again = w.trainer.model
    assert again is not first and again.epoch == 0
    play_step(qtbot, w, timeout=60000)
    assert again.epoch == 1000 and len(w.error_view) == 1000
    assert farthest(again) < 0.5  # step 4: every neuron within about 0.3 of a centre


def test_reset_inside_a_lesson_returns_to_the_steps_weights(qtbot, window):
    w = window
    open_lesson(qtbot, w, "and-or")
    start = load_lesson("and-or").setup(3).weights
    for _ in range(3):
        press_next(qtbot, w)  # OR, starting from the AND weights, 100 epochs
    X, y = w.points.point_set.arrays()
    assert state_equal(w.trainer.model.get_state(), start)
    assert accuracy(w.trainer.model, X, y) == 0.5
    play_step(qtbot, w)
    assert accuracy(w.trainer.model, X, y) == 1.0
    assert not state_equal(w.trainer.model.get_state(), start)
    key(qtbot, w, Qt.Key.Key_R)
    assert state_equal(w.trainer.model.get_state(), start) and w.trainer.model.epoch == 0
    assert w.epoch_label.text() == "Epoch 0" and len(w.error_view) == 0


def test_a_student_types_the_bias_and_the_and_becomes_an_or(qtbot, window):
    w = window
    open_lesson(qtbot, w, "and-or")
    panel = w.lessons.panel
    press_next(qtbot, w)
    press_next(qtbot, w)  # "what would a bias of exactly -0.5 do?"
    assert panel.weights_box.isVisible()
    assert panel.weight_fields.labels == ["w1", "w2", "b"]
    assert [f.text() for f in panel.weight_fields.fields] == ["0.5", "0.5", "-0.5000001"]
    X, _ = w.points.point_set.arrays()
    assert w.trainer.model.predict(X).tolist() == [0, 0, 0, 1]
    assert w.error_label.text().startswith("Train error 0 ")  # the step's check: the AND
    field = panel.weight_fields.fields[2]
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "-0.5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    model = w.trainer.model
    assert model.bias == -0.5 and model.predict(X).tolist() == [0, 1, 1, 1]  # OR on the ties
    # ... which the readout shows at once (it said "Train error –" for typed weights)
    assert w.error_label.text().startswith("Train error ")
    assert not w.error_label.text().startswith(("Train error 0 ", "Train error –"))
    assert w.overlay.image_item.opacity() == 0.0  # still hidden: predict, then reveal
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert w.overlay.image_item.opacity() == 1.0 and w.overlay.line_item.isVisible()


def test_a_lesson_field_says_why_it_puts_the_last_number_back(qtbot, window):
    """Typing "half" or 5000000 into a weight silently brought the old value back; the
    learning-rate box says why for the same mistakes."""
    w = window
    open_lesson(qtbot, w, "and-or")
    panel = w.lessons.panel
    press_next(qtbot, w)
    press_next(qtbot, w)
    fields = panel.weight_fields
    field = fields.fields[2]

    def type_in(text):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    type_in("half")
    assert fields.message.isVisible() and field.text() == "-0.5000001"
    assert fields.message.text() == ("\u201chalf\u201d is not a number: type one such as 0.5 "
                                     "or -2. b stays -0.5000001.")
    type_in("5000000")
    assert fields.message.text().startswith("5000000 is too large: a number here stays "
                                            "between -1,000,000 and 1,000,000.")
    type_in("nan")
    assert fields.message.text().startswith("\u201cnan\u201d is not a number")
    assert w.trainer.model.bias == -0.5000001
    type_in("-0,5")  # a decimal comma is a number
    assert not fields.message.isVisible() and w.trainer.model.bias == -0.5


def test_predict_then_reveal_trains_the_step(qtbot, window):
    w = window
    open_lesson(qtbot, w, "line")
    panel = w.lessons.panel
    assert panel.prompt_box.isVisible() and "train 100 epochs" in panel.reveal_button.text()
    qtbot.keyClicks(panel.prediction_edit, "yes it will")  # Space types, it does not play
    assert not w.trainer.is_running()
    assert panel.prediction_edit.text() == "yes it will"
    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert w.trainer.is_running()
    wait_idle(qtbot, w, 20000)
    qtbot.waitUntil(lambda: "Trained to epoch" in panel.revealed_label.text())
    assert "yes it will" in panel.revealed_label.text()
    assert w.trainer.model.converged  # seed 17: a line through the origin separates them


def test_next_and_back_keys_move_through_the_steps(qtbot, window):
    w = window
    open_lesson(qtbot, w, "bias")
    focus_canvas(qtbot, w)
    for k, modifier, index in ((Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier, 1),
                               (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier, 2),
                               (Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier, 1),
                               (Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier, 0)):
        with qtbot.waitSignal(w.lessons.step_shown):
            key(qtbot, w, k, modifier)
        assert w.lessons.index == index
    assert w.trainer.model.bias is None  # step 1 again: the perceptron without a bias


# ---------------------------------------------------------------------------- leaving
def test_leave_gives_back_the_points_and_the_model_from_before(qtbot, window, tmp_path):
    w = window
    focus_canvas(qtbot, w)
    click(qtbot, w.canvas, 0.25, 0.25)
    key(qtbot, w, Qt.Key.Key_S)
    wait_idle(qtbot, w)
    X0, y0 = w.points.point_set.arrays()
    state0, kind0 = w.trainer.model.get_state(), w.trainer.model.kind
    seen = controls_seen(w)
    open_lesson(qtbot, w, "and-or")
    assert not control(w, "model.model_type").isEnabled()
    assert "Locked by the lesson" in control(w, "model.model_type").toolTip()
    for cid in ("data.noise", "data.test_share", "model.model_seed"):
        assert not control(w, cid).isVisibleTo(w), cid
    # Closing the window now would autosave the work from before the lesson.
    assert w.actions_.files.autosave_source() is not None
    assert np.array_equal(w.actions_.files.autosave_source().points, X0)
    open_lesson(qtbot, w, "xor")  # another lesson: the same work is kept
    qtbot.mouseClick(w.lessons.panel.leave_button, Qt.MouseButton.LeftButton)
    X, y = w.points.point_set.arrays()
    assert np.array_equal(X, X0) and np.array_equal(y, y0)
    assert w.trainer.model.kind == kind0 and state_equal(w.trainer.model.get_state(), state0)
    assert w.trainer.model.epoch == 1 and len(w.error_view) == 1
    assert controls_seen(w) == seen
    assert w.actions_.play_limit is None and w.actions_.files.autosave_source is None
    assert "left the lesson" in w.statusBar().currentMessage()
    # and Play trains freely again
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_S)
    wait_idle(qtbot, w)
    assert w.trainer.model.epoch == 2


# ---------------------------------------------------------------------------- starting
def test_nnplayground_lesson_id_starts_straight_into_it(qtbot, isolated_settings, monkeypatch):
    from nnplayground.__main__ import build_parser
    from nnplayground.ui import app as app_module

    monkeypatch.setattr(QtWidgets.QApplication, "exec", lambda *args: 0)
    started = []
    from nnplayground.ui.window.main_window import MainWindow

    original = MainWindow.start_lesson
    monkeypatch.setattr(MainWindow, "start_lesson",
                        lambda self, lid: started.append(self) or original(self, lid))
    assert app_module.run(build_parser().parse_args(["--lesson", "xor"])) == 0
    (w,) = started
    qtbot.addWidget(w)
    try:
        assert w.isVisible() and w.lessons.lesson.id == "xor" and w.lessons.dock.isVisible()
        assert w.data_panel.preset_combo.currentText() == "Lesson: XOR (truth table)"
    finally:
        w.close()


def test_an_unknown_lesson_is_a_message_not_a_crash(window):
    assert not window.start_lesson("no-such-lesson")
    assert "no lesson called 'no-such-lesson'" in window.banner.text()
    assert window.lessons.lesson is None


# ---------------------------------------------------------------------------- help
def test_help_lists_every_shortcut_of_the_window(qtbot, window):
    w = window
    w.help.shortcuts.trigger()
    dialog = w.help.dialog
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QtWidgets.QTableWidget, "shortcuts_table")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    for keys in ("Space", "S, Right", "R", "F11", "Ctrl+1", "Ctrl+2", "Ctrl+Right, PgDown",
                 "Ctrl+Left, PgUp", "Ctrl+Z", "F1"):
        assert keys in rows, keys
    assert rows["Ctrl+Right, PgDown"] == "The lesson's next step"
    assert rows["R"].startswith("A fresh initialisation")
    assert any("canvas" in what for what in rows.values())
    assert rows["Ctrl+Z"] == "Undo the last edit of the points"
    listed = {k for keys in rows for k in keys.split(", ")}
    for action in w.findChildren(QtGui.QAction):  # every action's first key is listed
        if action.shortcuts() and action.text():
            assert action.shortcuts()[0].toString() in listed, action.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.help.dialog is None)
    key(qtbot, w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: w.help.dialog is not None and w.help.dialog.isVisible())
    text = w.help.dialog.findChild(QtWidgets.QTextBrowser, "how_to_text").toPlainText()
    assert "Lessons" in text and "Play" in text
    w.help.dialog.close()


def test_no_two_actions_share_a_key(window):
    keys = {}
    for action in window.findChildren(QtGui.QAction):
        if action.shortcuts() and action.shortcutContext() == Qt.ShortcutContext.WindowShortcut:
            for k in action.shortcuts():
                assert k.toString() not in keys, (k.toString(), action.text(), keys.get(k.toString()))
                keys[k.toString()] = action.text()


# ---------------------------------------------------------------------------- empty canvas
def test_an_empty_canvas_says_how_to_add_a_point_until_there_is_one(qtbot, window):
    w = window
    hint = w.canvas.empty_hint
    assert not hint.isVisible()
    qtbot.mouseClick(w.data_panel.clear_button, Qt.MouseButton.LeftButton)
    assert hint.isVisible()
    first, second = w.points.class_names  # the Circle's "outside" and "inside"
    assert hint.toPlainText() == f"Click to add a point of {first}\nKeys 1-2 choose the class"
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_2)
    assert hint.toPlainText().startswith(f"Click to add a point of {second}")
    click(qtbot, w.canvas, 1.0, 1.0)
    assert len(w.points) == 1 and not hint.isVisible()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(w.points) == 0 and hint.isVisible()


@pytest.mark.gl
def test_leave_gives_back_the_projection_the_3d_view_and_the_digit_pad(qtbot, window,
                                                                       monkeypatch):
    """What a lesson changes beyond the session: the canvas's pair of axes, the 3-D view's
    tab (hidden by a lesson whose third input is constant) and the digit pad's task and
    seed. Leaving gives each back as the student had it."""
    w = window
    w.load_preset("Five 3-D clusters")
    combo = w.axes_combo
    combo.setCurrentIndex(next(i for i in range(combo.count())
                               if tuple(combo.itemData(i)) == (0, 2)))
    assert tuple(w.canvas.projection_axes) == (0, 2)
    spin = w.model_panel.seed_box.spin  # the pad takes the model's seed when first built
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    w.pages.setCurrentIndex(DIGIT_PAGE)  # the pad is built on its first visit
    qtbot.waitUntil(lambda: w.digit_panel is not None and not w.digit_panel.is_training(),
                    timeout=30000)
    pad = w.digit_panel
    pad_before = (pad.mode, pad.seed)
    assert pad.seed == 3
    w.pages.setCurrentIndex(0)
    open_lesson(qtbot, w, "single-layer")  # its third input is constant: no 3-D tab
    assert not w.tabs.isTabVisible(w.tabs.indexOf(w.view3d))
    open_lesson(qtbot, w, "digits")  # another task and seed on the pad
    assert (pad.mode, pad.seed) != pad_before
    while w.lessons.setup.digit_task.key != pad_before[0]:  # the student's task, seed 0
        press_next(qtbot, w)
    assert pad.mode == pad_before[0] and pad.seed != pad_before[1]
    trainings = count_calls(pad.controller, "set_model", monkeypatch)
    qtbot.mouseClick(w.lessons.panel.leave_button, Qt.MouseButton.LeftButton)
    assert len(trainings) == 1  # the student's network, trained once
    assert tuple(w.canvas.projection_axes) == (0, 2)
    assert tuple(combo.itemData(combo.currentIndex())) == (0, 2)
    assert w.axes_row.isVisibleTo(w)
    assert w.tabs.isTabVisible(w.tabs.indexOf(w.view3d))
    assert (pad.mode, pad.seed) == pad_before
    assert w.pages.currentIndex() == 0


def test_a_trained_weight_reads_in_7_digits_and_tabbing_through_changes_nothing(qtbot, shown):
    """A lesson's fields showed -0.40000009999999997 and 10.38040700835853."""
    from nnplayground.ui.lessons.lesson_panel import LessonPanel

    panel = shown(LessonPanel(), 330, 700)
    fields = panel.weight_fields
    fields.show_fields(["w1", "w2"], [-0.40000009999999997, 10.38040700835853], 2)
    assert [f.text() for f in fields.fields] == ["-0.4000001", "10.38041"]
    edited = []
    fields.edited.connect(lambda i, v: edited.append((i, v)))
    field = fields.fields[0]
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Return)  # as shown: the exact value stays
    assert edited == [] and fields.values()[0] == -0.40000009999999997
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "-0.4")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert edited == [(0, -0.4)]


def test_after_leave_the_timeline_still_looks_back_at_the_run_before_the_lesson(qtbot, window):
    """The work given back on Leave had no timeline: dragging it back did nothing."""
    from tests.ui.test_replay import drag_timeline_to, run_epochs
    from tests.ui.window_helpers import load

    w = window
    load(qtbot, w, "XOR", "MLP")
    run_epochs(qtbot, w, 20)
    open_lesson(qtbot, w, "and-or")
    qtbot.mouseClick(w.lessons.panel.leave_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.lessons.lesson is None)
    assert w.trainer.model.epoch == 20
    drag_timeline_to(qtbot, w, 10)
    assert w.replay.scrub_epoch == 10
    assert w.replay.timeline.label.text() == "Epoch 10 of 20 (looking back)"
