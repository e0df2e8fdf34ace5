"""The whole playground window driven like a user: combos, canvas clicks, keys, files.

Run under Xvfb (``xvfb-run -a -s "-screen 0 1600x1000x24" python -m pytest ...``). Every
test builds ``MainWindow(restore_settings=False)`` with QSettings pointed at a temporary
folder, and closes it (which stops the training thread; conftest fails a test that
leaves one running).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from nnplayground.core.registry import MODEL_CLASSES
from nnplayground.core.session import SUFFIX
from nnplayground.ui.window.main_window import MainWindow
from tests.ui.conftest_canvas_helpers import click, points_near
from tests.ui.window_helpers import (
    choose,
    epoch_shown,
    focus_canvas,
    key,
    load,
    play_until,
    state_equal,
    type_learning_rate,
    unlabelled_controls,
    wait_idle,
)

Qt = QtCore.Qt
ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------- canvas
def test_clicks_at_data_coordinates_add_points_there_of_the_chosen_class(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias")
    n0 = len(w.points)
    assert w.actions_.counts_label.text() == f"{n0} train · 0 test"
    click(qtbot, w.canvas, 3.0, -4.0)
    key(qtbot, w, Qt.Key.Key_2)  # the second class, from the keyboard
    click(qtbot, w.canvas, -2.5, -1.5)
    X, y = points_near(w.canvas, 3.0, -4.0)
    assert len(X) == 1 and y.tolist() == [0]
    X, y = points_near(w.canvas, -2.5, -1.5)
    assert len(X) == 1 and y.tolist() == [1]
    assert len(w.points) == n0 + 2
    assert w.data.split_counts() == (n0 + 2, 0)
    assert w.actions_.counts_label.text() == f"{n0 + 2} train · 0 test"
    assert w.data_panel.current_class() == 1  # the class list follows the key


# ---------------------------------------------------------------------------- training
def separates(line_x, line_y, X, t) -> bool:
    """All points of class 0 strictly on one side of the drawn line, class 1 on the other."""
    (x0, x1), (y0, y1) = line_x[[0, -1]], line_y[[0, -1]]
    side = (x1 - x0) * (X[:, 1] - y0) - (y1 - y0) * (X[:, 0] - x0)
    a, b = side[t == 0], side[t == 1]
    return bool((a.max() < 0 < b.min()) or (b.max() < 0 < a.min()))


def test_perceptron_with_bias_learns_a_line_between_the_clusters(qtbot, window):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    model = w.trainer.model
    assert model.kind == "perceptron" and model.bias is not None
    assert w.model_panel.pages.currentWidget().isVisible()
    key(qtbot, w, Qt.Key.Key_Space)  # Play
    assert w.actions_.play.text() == "&Pause"
    wait_idle(qtbot, w)  # a perceptron on separable data converges and stops by itself
    assert model.converged
    assert "Converged" in w.banner.text() and w.banner.isVisible()
    assert w.actions_.play.text() == "&Play"

    assert w.overlay.line_item.isVisible()
    xs, ys = w.overlay.line_item.getData()
    X, labels = w.points.point_set.arrays()
    assert separates(np.asarray(xs), np.asarray(ys), X, labels)
    epochs, train, _ = w.error_view.data()
    assert len(epochs) == model.epoch == epoch_shown(w) >= 1
    assert epochs.tolist() == list(range(1, model.epoch + 1))
    assert np.all(np.isfinite(train)) and train[-1] == 0.0
    assert w.error_view.train_curve.getData()[0] is not None


def test_step_adds_exactly_one_epoch_and_reset_starts_again(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    fresh = w.trainer.model.get_state()
    focus_canvas(qtbot, w)
    for n in (1, 2):
        key(qtbot, w, Qt.Key.Key_S)
        wait_idle(qtbot, w)
        assert epoch_shown(w) == n == w.trainer.model.epoch == len(w.error_view)
    button = w.actions_.toolbar.widgetForAction(w.actions_.step)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, w)
    assert epoch_shown(w) == 3 == len(w.error_view)
    assert not state_equal(w.trainer.model.get_state(), fresh)

    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: epoch_shown(w) > 10, timeout=5000)
    key(qtbot, w, Qt.Key.Key_R)  # Reset while training
    assert not w.trainer.is_running()
    assert epoch_shown(w) == 0 and len(w.error_view) == 0
    assert w.trainer.model.epoch == 0
    assert state_equal(w.trainer.model.get_state(), fresh)  # the same seed, the same start
    assert w.actions_.play.text() == "&Play" and w.actions_.step.isEnabled()


def test_learning_rate_typed_while_training_applies_without_a_restart(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    model = w.trainer.model
    restarts = []
    w.trainer.running_changed.connect(restarts.append)
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: epoch_shown(w) >= 3, timeout=5000)
    type_learning_rate(qtbot, w.model_panel.mlp_lr, "0.3")
    # The training process takes it at its next epoch; the window's copy of the model
    # when the run ends (checked below).
    assert w.controller.state.model.config["learning_rate"] == 0.3
    at_change = epoch_shown(w)
    qtbot.waitUntil(lambda: epoch_shown(w) > at_change + 3, timeout=5000)
    assert w.trainer.model is model and w.trainer.is_running()
    assert restarts == [True]  # started once, never stopped in between
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)
    assert len(w.error_view) == model.epoch  # no epoch lost from the curve
    assert w.actions_.speed_label.text() == ""  # paused: no speed shown any more
    assert model.learning_rate == 0.3


def test_a_diverging_run_pauses_with_a_message_and_finite_weights(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    mp = w.model_panel
    choose(qtbot, mp.mlp_l2, "0.1")
    type_learning_rate(qtbot, mp.mlp_lr, "100")
    assert w.trainer.model.learning_rate == 100.0 and w.trainer.model.l2 == 0.1
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)
    model = w.trainer.model
    assert w.banner.isVisible()
    text = w.banner.text()
    assert "diverged" in text and "learning rate" in text, text
    assert model.params_finite()
    assert all(np.all(np.isfinite(np.asarray(v))) for v in model.weights)
    _, train, _ = w.error_view.data()
    assert len(train) == model.epoch == epoch_shown(w) and np.all(np.isfinite(train))
    assert w.actions_.play.text() == "&Play"


def test_a_diverging_competitive_layer_pauses_with_a_message(qtbot, window):
    w = window
    load(qtbot, w, "Spiral", "Competitive layer")
    type_learning_rate(qtbot, w.model_panel.competitive_lr, "100")
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)
    assert "diverged" in w.banner.text(), w.banner.text()
    assert w.trainer.model.params_finite()


def test_points_added_while_training_reach_the_next_epochs_once(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    seen: list[int] = []  # rows of X the trainer's latest epoch trained on, per snapshot
    w.trainer.snapshot_ready.connect(lambda snapshot, view: seen.append(snapshot.n_train))
    n0 = len(w.points)
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    corners = [(5.5, 5.5), (-5.5, 5.5), (5.5, -5.5)]
    for x, y in corners:
        click(qtbot, w.canvas, x, y)
    assert w.trainer.is_running()
    qtbot.waitUntil(lambda: seen[-1] == n0 + 3, timeout=5000)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo one, still training
    qtbot.waitUntil(lambda: seen[-1] == n0 + 2, timeout=5000)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)
    assert set(seen) <= {n0, n0 + 1, n0 + 2, n0 + 3} and max(seen) == n0 + 3
    X_train, y_train, X_test, _ = w.data()
    X, labels = w.points.point_set.arrays()
    assert len(X) == n0 + 2 and X_test is None
    assert np.array_equal(X_train, X) and np.array_equal(y_train, labels)
    for x, y in corners[:2]:
        assert len(points_near(w.canvas, x, y)[0]) == 1
    assert len(points_near(w.canvas, *corners[2])[0]) == 0
    assert len(np.unique(X, axis=0)) == len(X)  # nothing duplicated


# ---------------------------------------------------------------------------- undo
@pytest.mark.parametrize("focus", ["canvas", "class list", "play button"])
def test_ctrl_z_removes_the_last_point_added(qtbot, window, focus):
    w = window
    load(qtbot, w, "Needs a bias")
    n0 = len(w.points)
    click(qtbot, w.canvas, 4.0, -4.0)
    click(qtbot, w.canvas, 4.5, -3.0)
    assert len(w.points) == n0 + 2
    target = {"canvas": w.canvas, "class list": w.data_panel.class_list,
              "play button": w.actions_.toolbar.widgetForAction(w.actions_.play)}[focus]
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, widget=target)
    assert len(w.points) == n0 + 1
    assert len(points_near(w.canvas, 4.5, -3.0)[0]) == 0
    assert len(points_near(w.canvas, 4.0, -4.0)[0]) == 1
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier, widget=target)  # redo
    assert len(points_near(w.canvas, 4.5, -3.0)[0]) == 1


# ---------------------------------------------------------------------------- files
def test_save_then_open_restores_points_weights_and_history(qtbot, window, tmp_path, monkeypatch):
    w = window
    load(qtbot, w, "XOR", "MLP")
    w.data_panel.test_slider.setValue(20)
    assert w.data.split_counts()[1] > 0
    play_until(qtbot, w, 15)
    model = w.trainer.model
    X, labels = w.points.point_set.arrays()
    names, state, epoch = list(w.points.class_names), model.get_state(), model.epoch
    _, train, test = w.error_view.data()
    assert len(train) == epoch and np.isfinite(test).all()

    path = tmp_path / f"lesson{SUFFIX}"
    Dialog = QtWidgets.QFileDialog
    monkeypatch.setattr(Dialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(Dialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    key(qtbot, w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert path.exists() and w.windowTitle() == "lesson — nnplayground"

    # Change everything, then open the file again.
    key(qtbot, w, Qt.Key.Key_R)
    click(qtbot, w.canvas, 5.5, 5.5)
    load(qtbot, w, "Spiral", "Perceptron")
    key(qtbot, w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)

    X2, labels2 = w.points.point_set.arrays()
    assert X2.tobytes() == X.tobytes() and labels2.tolist() == labels.tolist()
    assert w.points.class_names == names
    loaded = w.trainer.model
    assert loaded.kind == "mlp" and loaded.epoch == epoch == epoch_shown(w)
    assert state_equal(loaded.get_state(), state)
    _, train2, test2 = w.error_view.data()
    assert train2.tobytes() == train.tobytes() and test2.tobytes() == test.tobytes()
    assert w.model_panel.kind_combo.currentText() == "MLP"
    assert w.data_panel.test_ratio() == 0.2 and w.data_panel.preset() == "XOR"
    assert w.windowTitle() == "lesson — nnplayground"
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_S)  # and it trains on from there
    wait_idle(qtbot, w)
    assert epoch_shown(w) == epoch + 1 == len(w.error_view)


@pytest.mark.parametrize("content", [b"{not json", b'{"format": "something else"}',
                                     b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_opening_a_corrupt_file_says_so_and_keeps_the_work(qtbot, window, tmp_path,
                                                           monkeypatch, content):
    w = window
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    click(qtbot, w.canvas, 4.0, -4.0)
    X, labels = w.points.point_set.arrays()
    model, title = w.trainer.model, w.windowTitle()
    bad = tmp_path / f"broken{SUFFIX}"
    bad.write_bytes(content)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    key(qtbot, w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert w.banner.isVisible() and "Could not open" in w.banner.text()
    assert len(w.banner.text()) < 400  # a message, not a traceback
    X2, labels2 = w.points.point_set.arrays()
    assert X2.tobytes() == X.tobytes() and labels2.tolist() == labels.tolist()
    assert w.trainer.model is model and w.windowTitle() == title
    assert w.points.undo_stack.undoText() == "Add point"


# ---------------------------------------------------------------------------- models
def test_autoencoder_shows_the_codes_in_the_latent_view(qtbot, window):
    w = window
    load(qtbot, w, "Two blobs (autoencoder)", "Autoencoder")
    assert w.tabs.currentWidget() is w.latent_view
    assert w.points.n_dims == 4 and w.axes_row.isVisible() and w.axes_combo.count() == 6
    choose(qtbot, w.axes_combo, "y – x4")  # any pair of the four axes on the canvas
    assert w.canvas.projection_axes == (1, 3)
    X, labels = w.points.point_set.arrays()
    key(qtbot, w, Qt.Key.Key_S)  # the scaling is fitted in the first epoch
    wait_idle(qtbot, w)
    before = np.column_stack(w.latent_view.scatter.getData())
    assert before.shape == (len(X), 2)
    play_until(qtbot, w, 30)
    Z = np.column_stack(w.latent_view.scatter.getData())
    assert Z.shape == (len(X), 2) and np.all(np.isfinite(Z))
    assert not np.array_equal(Z, before)  # the codes move while training
    assert np.allclose(Z, w.trainer.model.encode(X))
    # The two blobs land apart in the code: class means further apart than the spread.
    a, b = Z[labels == 0], Z[labels == 1]
    assert np.linalg.norm(a.mean(0) - b.mean(0)) > a.std(0).max() + b.std(0).max()
    assert w.overlay.recon_item.isVisible()


def test_model_type_combo_builds_each_model_kind(qtbot, window):
    w = window
    load(qtbot, w, "Circle")
    expected = {"Perceptron": ("perceptron", False), "Perceptron with bias": ("perceptron", True),
                "MLP": ("mlp", None), "Competitive layer": ("competitive", None),
                "Autoencoder": ("autoencoder", None)}
    for text, (kind, bias) in expected.items():
        choose(qtbot, w.model_panel.kind_combo, text)
        model = w.trainer.model
        assert isinstance(model, MODEL_CLASSES[kind])
        if bias is not None:
            assert (model.bias is not None) == bias
        assert epoch_shown(w) == 0 and not w.banner.isVisible()


# ---------------------------------------------------------------------------- polish
def test_every_control_has_a_tooltip_and_an_accessible_name(qtbot, window):
    w = window
    for text in ("MLP", "Competitive layer", "Autoencoder", "Perceptron"):
        choose(qtbot, w.model_panel.kind_combo, text)  # every page shown once
    assert unlabelled_controls(w) == []


def test_the_window_fits_1280x800_and_starts_on_a_sensible_demo(qtbot, window):
    w = window
    assert w.width() <= 1280 and w.height() <= 800
    assert w.windowTitle() == "nnplayground"
    assert len(w.points) > 0 and w.trainer.model is not None
    assert w.canvas.width() >= 400 and w.error_view.height() >= 150


def test_a_second_start_opens_the_remembered_preset_with_the_remembered_model(
        qtbot, isolated_settings):
    settings = QtCore.QSettings()
    settings.setValue("data/preset", "Spiral")
    settings.setValue("model/panel", "perceptron")
    settings.sync()
    w = MainWindow()  # restores the settings
    qtbot.addWidget(w)
    try:
        assert w.controller.state.dataset.preset == "Spiral" and len(w.points) > 0
        assert w.data_panel.preset() == "Spiral"
        assert w.trainer.model.kind == "perceptron" and w.model_panel.kind_key() == "perceptron"
    finally:
        w.close()


# ---------------------------------------------------------------------------- closing
CLOSE_WHILE_TRAINING = textwrap.dedent("""
    import sys
    from nnplayground.ui.app import make_application
    app = make_application([])
    from PySide6.QtCore import QTimer
    from nnplayground.ui.window.main_window import MainWindow
    w = MainWindow()  # as the app starts: settings and autosave (in a private HOME)
    w.load_preset("Spiral", 0, 0.1)
    w.show()
    QTimer.singleShot(50, w.actions_.play.trigger)
    def close():
        print("running" if w.trainer.is_running() else "idle", flush=True)
        w.close()
    QTimer.singleShot(1000, close)
    sys.exit(app.exec())
""")


def test_closing_the_window_while_training_exits_cleanly(tmp_path):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path),
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", CLOSE_WHILE_TRAINING], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "running"
    assert "QThread: Destroyed" not in proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    # Settings and the autosaved work went to the private config folder, not the user's.
    assert list(tmp_path.rglob("nnplayground*"))
    assert list(tmp_path.rglob("autosave-*.nnp"))


def test_training_a_classifier_on_one_class_says_there_is_nothing_to_separate(qtbot, window):
    """Five points of one class: the error fell to 0 and the canvas turned one colour
    without a word, which looked like success."""
    w = window
    load(qtbot, w, "XOR", "MLP")
    w.points.clear()
    for x in (-2.0, -1.0, 0.0, 1.0, 2.0):
        w.points.add_point([x, 0.5], 0)
    w.actions_.play.trigger()
    name = w.points.class_names[0]
    assert f"Every point is \u201c{name}\u201d: there is nothing to separate" in w.banner.text()
    assert "choose another class with its number key" in w.banner.text()
    w.actions_.play.trigger()  # pause
    qtbot.waitUntil(lambda: not w.trainer.is_running())
    w.points.remove_class(1)  # a list of one class: no key to choose another with
    w.actions_.play.trigger()
    assert "Add class in the data panel" in w.banner.text()
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: not w.trainer.is_running())
    w.points.undo_stack.undo()  # the second class back
    w.points.add_point([0.0, -2.0], 1)  # a second class: nothing to say
    w.hide_banner()
    w.actions_.play.trigger()
    assert not w.banner.isVisible() or "nothing to separate" not in w.banner.text()
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: not w.trainer.is_running())


def test_a_new_window_draws_its_views_when_it_shows_over_the_canvas_it_shows(
        qtbot, isolated_settings):
    """At launch the decision surface was computed three times before the first frame
    (at build, then for each size the canvas took as the window showed). A window not
    shown yet draws nothing; it draws when it shows, over the range then visible."""
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.load_preset("Spiral", 0, 0.1)  # a second data set before the first show
    assert w.overlay.shown is None and w.live.shown_state is None
    w.show()
    qtbot.waitExposed(w)
    vd = w.overlay.shown
    assert vd is not None and w.overlay.image_item.image.shape == (100, 100, 4)
    (x0, x1), (y0, y1) = w.canvas.view_box.viewRange()
    rect = w.overlay.image_item.mapRectToView(w.overlay.image_item.boundingRect())
    assert np.allclose([rect.left(), rect.right(), rect.top(), rect.bottom()],
                       [x0, x1, y0, y1])
    assert w.network_view.layer_sizes[0] == 2  # the network is drawn too
    w.close()
