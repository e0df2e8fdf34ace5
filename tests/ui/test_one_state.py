"""Issue 8: the playground's state has one owner, so no view shows a data set or a model
that is gone. Each test drives the window as a user does and failed before the change."""

from __future__ import annotations

import numpy as np
from PySide6 import QtWidgets
from PySide6.QtCore import Qt

from nnplayground.core.csv_io import write_points_csv
from tests.ui.window_helpers import choose, key, load, state_equal, wait_idle


def write_csv(tmp_path, name="my points.csv", n=30, dims=2, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dims))
    y = (X[:, 0] > 0).astype(int)
    path = tmp_path / name
    write_points_csv(path, X, y, ["left", "right"])
    return str(path), X


def preset_box_says(w) -> str:
    return w.data_panel.preset_combo.currentText().strip()


def count(signal) -> list:
    calls = []
    signal.connect(lambda *args: calls.append(args))
    return calls


def test_a_csv_import_is_named_as_imported_and_stays_so_after_save_and_open(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "Spiral")
    path, X = write_csv(tmp_path)
    assert w.actions_.import_csv_file(path)
    assert preset_box_says(w) == "Imported: my points.csv"
    # Seed, noise and Regenerate belong to a preset: they no longer seem to apply.
    dp = w.data_panel
    assert not dp.seed_box.isEnabled() and not dp.regenerate_button.isEnabled()
    assert not dp.noise_slider.isEnabled()
    assert len(w.points) == len(X) and w.trainer.model.n_inputs == 2

    session = tmp_path / "imported.nnp"
    assert w.actions_.save_to(str(session))
    load(qtbot, w, "Circle")
    assert preset_box_says(w) == "Circle" and dp.regenerate_button.isEnabled()
    assert w.open_session(str(session)) is not None
    assert preset_box_says(w) == "Imported: my points.csv"
    assert not dp.regenerate_button.isEnabled()
    np.testing.assert_array_equal(w.points.point_set.arrays()[0], X)


def test_clear_points_makes_the_data_your_own_and_undo_brings_the_preset_back(qtbot, window):
    w = window
    load(qtbot, w, "Gaussian")
    w.data_panel.clear_button.click()
    assert len(w.points) == 0
    assert preset_box_says(w) == "Your own points"
    assert not w.data_panel.regenerate_button.isEnabled()
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, widget=w.canvas)
    assert len(w.points) > 0
    assert preset_box_says(w) == "Gaussian" and w.data_panel.regenerate_button.isEnabled()


def test_opening_a_session_builds_the_model_once_and_draws_once(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "XOR", "MLP")
    w.trainer.step(3)
    wait_idle(qtbot, w)
    path = tmp_path / "xor.nnp"
    assert w.actions_.save_to(str(path))
    load(qtbot, w, "Circle")
    rebuilt, drawn = count(w.model_rebuilt), count(w.views_updated)
    assert w.open_session(str(path)) is not None
    assert len(rebuilt) == 1 and len(drawn) == 1
    assert w.trainer.model.epoch == 3


def test_the_competitive_network_follows_a_switch_of_data_at_once(qtbot, window):
    w = window
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    assert w.network_view.layer_sizes[0] == 3
    load(qtbot, w, "Circle")
    # Before any Step: the drawing shows the new network (2 inputs), not the old one.
    assert w.trainer.model.n_inputs == 2
    assert w.network_view.layer_sizes[0] == 2


def test_the_latent_space_is_the_autoencoders_and_never_stale(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "Two blobs (autoencoder)", "Autoencoder")
    tabs = w.tabs
    latent = tabs.indexOf(w.latent_view)
    assert tabs.isTabVisible(latent)
    w.trainer.step(2)
    wait_idle(qtbot, w)
    n_codes = len(w.latent_view.scatter.data)
    assert n_codes == len(w.points)

    path, X = write_csv(tmp_path, n=17)
    assert w.actions_.import_csv_file(path)
    assert len(w.latent_view.scatter.data) == 0  # the old model's 200 codes are gone
    w.trainer.step(1)
    wait_idle(qtbot, w)
    assert len(w.latent_view.scatter.data) == len(X)  # the new model's codes

    choose(qtbot, w.model_panel.kind_combo, "MLP")
    assert w.trainer.model.kind == "mlp"
    assert not tabs.isTabVisible(latent)
    assert len(w.latent_view.scatter.data) == 0


def test_adding_a_class_says_the_network_was_rebuilt_and_undo_brings_it_back(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    w.trainer.step(4)
    wait_idle(qtbot, w)
    trained = w.trainer.model.get_state()
    assert w.trainer.model.epoch == 4

    w.data_panel.add_class_button.click()
    model = w.trainer.model
    assert w.points.n_classes == 3 and model.layer_sizes[-1] == 3 and model.epoch == 0
    assert "rebuilt for 3 classes" in w.statusBar().currentMessage()

    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, widget=w.canvas)
    model = w.trainer.model
    assert w.points.n_classes == 2 and model.layer_sizes[-1] == 1
    assert model.epoch == 4 and state_equal(model.get_state(), trained)
    assert w.network_view.layer_sizes[-1] == 1
    assert list(w.error_view.data()[0]) == [1, 2, 3, 4]  # its error curve came back too

    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        widget=w.canvas)
    assert w.points.n_classes == 3 and w.trainer.model.layer_sizes[-1] == 3


def test_a_file_that_cannot_be_applied_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    w = window
    load(qtbot, w, "Spiral", "MLP")
    before = w.points.point_set.arrays()[0].copy()
    monkeypatch.setattr(QtWidgets.QMessageBox, "question",
                        lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes)
    path = tmp_path / "bad.csv"
    path.write_text("x,y,label\n1,2,0\n1,oops,1\n", encoding="utf-8")
    assert not w.actions_.import_csv_file(str(path))
    np.testing.assert_array_equal(w.points.point_set.arrays()[0], before)
    assert preset_box_says(w) == "Spiral"


DATA = __import__("pathlib").Path(__file__).resolve().parent.parent / "data"


def test_a_session_saved_by_the_previous_version_still_opens_as_it_was(qtbot, window):
    """Written by nnplayground 0.1 before the state had one owner (Spiral, seed 3, noise
    10 %, test share 20 %, the default MLP after five Steps): teachers' prepared files and
    autosaves of that version open with everything in place."""
    from nnplayground.core.session import load_session

    w = window
    path = DATA / "spiral_saved_by_0.1.nnp"
    saved = load_session(path)
    assert w.open_session(str(path)) is not None
    assert preset_box_says(w) == "Spiral"
    dp = w.data_panel
    assert (dp.seed(), dp.noise(), dp.test_ratio()) == (3, 0.1, 0.2)
    assert dp.regenerate_button.isEnabled()
    model = w.trainer.model
    assert model.epoch == 5 and model.layer_sizes == [2, 4, 2, 1]
    assert state_equal(model.get_state(), saved.model["state"])
    assert len(w.error_view) == 5
    assert w.controller.state.split.test_ratio == 0.2
    assert w.windowTitle().startswith("Spiral, five epochs")


def test_every_control_a_lesson_may_lock_has_a_stable_unique_id(qtbot, window):
    w = window
    ids = [c.objectName() for c in w.findChildren(QtWidgets.QWidget)
           if c.objectName().startswith(("data.", "model."))]
    assert len(ids) == len(set(ids))
    for expected in ("data.preset_dataset", "data.regenerate_data", "data.test_share",
                     "model.model_type", "model.mlp.mlp_learning_rate",
                     "model.perceptron.perceptron_learning_rate", "model.competitive.conscience"):
        assert expected in ids
        assert w.findChild(QtWidgets.QWidget, expected).accessibleName()


def test_save_as_names_the_session_after_its_new_file(qtbot, window, tmp_path, monkeypatch):
    from nnplayground.ui.window import recent_files

    w = window
    assert w.actions_.save_to(str(tmp_path / "first.nnp"))
    assert w.windowTitle().startswith("first")
    monkeypatch.setattr(recent_files, "ask_save_path",
                        lambda *args, **kwargs: (str(tmp_path / "second"), ""))
    w.actions_.save_as.trigger()
    assert (tmp_path / "second.nnp").exists()
    assert w.windowTitle().startswith("second") and w.session_path.endswith("second.nnp")


def test_a_session_whose_model_the_panel_cannot_show_is_refused_and_nothing_changes(
        qtbot, window, tmp_path):
    from nnplayground.core.mlp import MLP
    from nnplayground.core.session import Session, save_session

    w = window
    load(qtbot, w, "Spiral", "MLP")
    before = w.trainer.model
    big = MLP([2, 40, 1], seed=0)  # 40 neurons in a layer: the panel shows up to 32
    session = Session(points=np.zeros((3, 2)) + [[0], [1], [2]], labels=[0, 1, 0],
                      class_names=["a", "b"])
    session.set_model(big)
    path = tmp_path / "too_big.nnp"
    save_session(session, path)
    assert w.open_session(str(path)) is None
    assert w.trainer.model is before and preset_box_says(w) == "Spiral"
    assert "40 neurons" in w.banner.text()


def test_undo_of_a_data_set_of_another_dimension_while_training_raises_no_error(qtbot, window):
    w = window
    load(qtbot, w, "Five 3-D clusters", "MLP")
    load(qtbot, w, "Circle")
    failures = []
    w.trainer.failed.connect(failures.append)
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: w.trainer.model.epoch >= 2, timeout=20000)
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, widget=w.canvas)
    assert w.points.n_dims == 3 and w.trainer.model.n_inputs == 3
    assert not w.trainer.is_running()
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.trainer.step(1)
    assert failures == [] and w.trainer.model.epoch == 1


def test_points_a_csv_cannot_hold_are_said_so_before_a_file_is_asked_for(
        qtbot, window, tmp_path, monkeypatch):
    """A class renamed '#1' (the panel allows it) and a 5-D session raised an uncaught
    ValueError from Export points (CSV): a traceback, no file, no message."""
    from nnplayground.core.session import Session, save_session
    from nnplayground.ui.window import recent_files

    asked = []
    monkeypatch.setattr(recent_files, "ask_save_path",
                        lambda *args, **kwargs: asked.append(args) or (str(tmp_path / "p.csv"), ""))
    w = window
    w.points.rename_class(0, "#1")
    w.actions_.export_csv.trigger()
    assert "cannot be exported as CSV: the class name '#1' cannot be written" in w.banner.text()
    assert not asked and not (tmp_path / "p.csv").exists()
    path = tmp_path / "five.nnp"
    save_session(Session(points=np.arange(15.0).reshape(3, 5), labels=[0, 1, 0],
                         class_names=["a", "b"]), path)
    assert w.actions_.open_session(str(path)) is not None
    w.actions_.export_csv.trigger()
    assert "holds points of 2 or 3 coordinates; these have 5" in w.banner.text()
    assert not asked
    w.points.rename_class(0, "first")
    load(qtbot, w, "XOR")
    w.actions_.export_csv.trigger()
    assert asked and (tmp_path / "p.csv").exists()


def test_a_saved_session_opens_with_the_same_points_held_out(qtbot, window, tmp_path):
    """Open gave the points new ids, and the ids decide the split: 17 of Circle's 500
    points changed sides at a test share of 25 % (374/126 became 375/125)."""
    w = window
    w.load_preset("Circle", 0, 0.0)
    w.data_panel.test_slider.setValue(25)
    qtbot.waitUntil(lambda: w.controller.data()[2] is not None)
    w.points.clear()  # ids that are not 0..n-1 any more (as after edits)
    w.points.undo_stack.undo()
    _, _, X_test, _ = w.controller.data()
    counts = w.actions_.counts_label.text()
    path = tmp_path / "split.nnp"
    assert w.actions_.save_to(str(path))
    w.load_preset("Spiral", 0, 0.0)
    assert w.actions_.open_session(str(path)) is not None
    assert w.actions_.counts_label.text() == counts
    assert np.array_equal(w.controller.data()[2], X_test)
    from nnplayground.core.session import load_session, save_session

    damaged = load_session(path)
    damaged.extras["point_ids"] = np.zeros(len(damaged.points), dtype=np.int64)
    save_session(damaged, path)
    assert w.actions_.open_session(str(path)) is None
    assert "the points' ids are not one distinct whole number each" in w.banner.text()


def test_a_class_added_while_training_gives_back_every_epoch_of_the_curve(qtbot, window):
    """The network rebuilt for a new class while it trained: Ctrl+Z gives it back at
    its epoch with a curve as long (the rebuild stopped the run without its last
    snapshots, so the curve noted for it fell short of its epoch)."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    w.trainer.set_speed(60.0)
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: w.live.last_epoch >= 5, timeout=20000)
    w.data_panel.add_class_button.click()
    assert w.points.n_classes == 3 and w.trainer.model.epoch == 0
    w.canvas.setFocus()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, widget=w.canvas)
    model = w.trainer.model
    assert w.points.n_classes == 2 and model.epoch >= 5
    assert list(w.error_view.data()[0]) == list(range(1, model.epoch + 1))
