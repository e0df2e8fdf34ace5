"""Undo and redo of a preset bring back the whole data set: points, preset, seed, noise,
cluster centres, dimension (3-D tab, projection, centre table) and axes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ui.window_helpers import Qt, epoch_shown, key, load


def shown_state(w):
    X, y = w.points.point_set.arrays()
    return {
        "X": X, "preset": w.data_panel.preset(), "seed": w.data_panel.seed(),
        "noise": w.data_panel.noise(), "bounds": w.canvas.bounds,
        "cluster_mode": w.canvas.cluster_mode, "table": w.centroid_table.isVisibleTo(w),
        "axes_row": w.axes_row.isVisibleTo(w),
        "tab3d": w.view3d is not None and w.tabs.isTabVisible(w.tabs.indexOf(w.view3d)),
        "inputs": w.trainer.model.get_config().get("n_inputs",
                                                    w.trainer.model.get_config().get("layer_sizes", [0])[0]),
    }


def same(a, b) -> bool:
    return a.keys() == b.keys() and all(
        np.array_equal(a[k], b[k]) if k == "X" else a[k] == b[k] for k in a)


def test_undo_and_redo_of_presets_restore_everything(qtbot, window):
    w = window
    w.load_preset("Spiral", 1, 0.2)
    spiral = shown_state(w)
    w.load_preset("Five 3-D clusters", 2, 0.0)
    clusters = shown_state(w)
    assert clusters["tab3d"] and clusters["table"] and clusters["axes_row"] and clusters["inputs"] == 3
    w.load_preset("Two blobs (autoencoder)", 3, 0.0)
    blobs = shown_state(w)
    stack = w.points.undo_stack
    stack.undo()
    assert same(shown_state(w), clusters)
    stack.undo()
    assert same(shown_state(w), spiral)
    assert not spiral["tab3d"] and not spiral["table"]
    stack.redo()
    assert same(shown_state(w), clusters)
    stack.redo()
    assert same(shown_state(w), blobs)
    # The views still follow training after all that: Step updates the readout.
    with qtbot.waitSignal(w.trainer.finished, timeout=10000):
        w.actions_.step.trigger()
    assert w.epoch_label.text() == "Epoch 1" and len(w.error_view) == 1


def test_the_five_cluster_demo_gets_one_neuron_per_cluster(qtbot, window):
    w = window
    w.load_preset("Five 3-D clusters", 0, 0.0)
    combo = w.model_panel.kind_combo
    combo.setCurrentIndex(combo.findData("competitive"))  # the user picks the model
    model = w.trainer.model
    assert model.kind == "competitive" and model.n_neurons == 5


def weights_of(model):
    return [w.copy() for w in model.get_state()["weights"]]


def test_undoing_a_preset_gives_back_the_network_trained_on_the_old_data(qtbot, window):
    """Choosing another preset by mistake and pressing Ctrl+Z brings back the points and
    the network trained on them, weights and epoch; Redo brings back the new data's
    network as it was trained before the undo."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.actions_.step.trigger()
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.actions_.step.trigger()
    trained = weights_of(w.trainer.model)
    circle_curve = w.error_view.data()[1]
    assert epoch_shown(w) == 2 and len(circle_curve) == 2
    load(qtbot, w, "Spiral")
    assert epoch_shown(w) == 0
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.actions_.step.trigger()
    spiral = weights_of(w.trainer.model)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.data_panel.preset() == "Circle" and epoch_shown(w) == 2
    assert all(np.array_equal(a, b) for a, b in zip(weights_of(w.trainer.model), trained))
    epochs, train, _ = w.error_view.data()  # its error curve came back with it
    assert list(epochs) == [1, 2] and np.array_equal(train, circle_curve)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.data_panel.preset() == "Spiral" and epoch_shown(w) == 1 and len(w.error_view) == 1
    assert all(np.array_equal(a, b) for a, b in zip(weights_of(w.trainer.model), spiral))
    # Trained on from there, the restored network goes on from its own weights.
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.actions_.step.trigger()
    assert epoch_shown(w) == 2


def test_a_preset_chosen_while_training_gives_back_every_epoch_of_the_curve(qtbot, window):
    """The run ends when another preset is chosen; its last epochs reach the curve, so
    Ctrl+Z gives back a curve as long as the network's epochs."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: epoch_shown(w) >= 30, timeout=20000)
    load(qtbot, w, "Spiral")  # training stops for the new data
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    model = w.trainer.model
    epochs = w.error_view.data()[0]
    assert model.epoch >= 30 and epoch_shown(w) == model.epoch
    assert list(epochs) == list(range(1, model.epoch + 1))


def test_undo_after_training_on_gives_back_the_network_as_it_was_trained_since(qtbot, window):
    """Undo, train on, redo, undo: the old data's network comes back with the epochs
    trained after the first undo, and its curve with them."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    for _ in range(2):
        with qtbot.waitSignal(w.trainer.finished, timeout=20000):
            w.actions_.step.trigger()
    load(qtbot, w, "Spiral")
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    for _ in range(3):
        with qtbot.waitSignal(w.trainer.finished, timeout=20000):
            w.actions_.step.trigger()
    trained = weights_of(w.trainer.model)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.data_panel.preset() == "Spiral" and epoch_shown(w) == 0
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.data_panel.preset() == "Circle" and epoch_shown(w) == 5
    assert all(np.array_equal(a, b) for a, b in zip(weights_of(w.trainer.model), trained))
    assert list(w.error_view.data()[0]) == [1, 2, 3, 4, 5]


def test_a_data_set_that_cannot_be_taken_leaves_no_undo_step(qtbot, window):
    """A data set the point set refuses (beyond ±1e9) changes nothing: the points, the
    trained network and the undo stack stay as they were, and the banner says why."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.actions_.step.trigger()
    stack, model = w.points.undo_stack, w.trainer.model
    depth, text = stack.count(), stack.undoText()
    far = np.array([[0.0, 0.0], [3e9, 1.0]])
    assert not w.apply(points=(far, np.array([0, 1]), ["a", "b"]), undo_text="far away")
    assert w.banner.text().startswith("Cannot use these points: Coordinates stay within")
    assert stack.count() == depth and stack.undoText() == text and not stack.canRedo()
    assert w.trainer.model is model and epoch_shown(w) == 1
    assert w.data_panel.preset() == "Circle" and len(w.points) == 500


def test_an_undo_of_a_data_set_sets_up_the_window_once_with_the_kept_network(qtbot, window):
    """Ctrl+Z of a preset gives back the kept network without first building, setting
    and drawing a fresh one for the old data (one ``applied``: the data and the model)."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    with qtbot.waitSignal(w.trainer.finished, timeout=20000):
        w.actions_.step.trigger()
    load(qtbot, w, "Five 3-D clusters")  # another dimension: the canvas is set up anew
    applied = []
    w.controller.applied.connect(applied.append)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [(a.data, a.history is not None) for a in applied] == [(True, True)]
    assert w.trainer.model.epoch == 1 and w.canvas.bounds == (-6.0, 6.0, -6.0, 6.0)
    assert w.points.n_dims == 2 and not w.axes_row.isVisibleTo(w)
    applied.clear()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [a.data for a in applied] == [True]  # the clusters' network given back, once
    assert w.points.n_dims == 3 and w.trainer.model.n_inputs == 3


def test_the_undone_network_comes_back_with_its_timeline(qtbot, window):
    """Ctrl+Z gives back the network with its timeline: the epochs it was trained
    through can be looked at again (it started afresh from the restored epoch)."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    for _ in range(3):
        with qtbot.waitSignal(w.trainer.finished, timeout=20000):
            w.actions_.step.trigger()
    first = w.trainer.state_at(1)
    assert first is not None and first[0] == 1
    load(qtbot, w, "Spiral")
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    again = w.trainer.state_at(1)
    assert again is not None and again[0] == 1
    assert all(np.array_equal(a, b) for a, b in zip(again[1]["weights"], first[1]["weights"]))


def step(qtbot, w, times=1):
    for _ in range(times):
        with qtbot.waitSignal(w.trainer.finished, timeout=20000):
            w.actions_.step.trigger()


def test_a_network_given_back_twice_keeps_its_whole_timeline(qtbot, window):
    """Circle trained, Spiral, Ctrl+Z, XOR, Ctrl+Z: the network given back the second
    time (never trained in between, so never sent to the training process again) still
    has the timeline of its epochs."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    step(qtbot, w, 3)
    for preset in ("Spiral", "XOR"):
        load(qtbot, w, preset)
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert w.data_panel.preset() == "Circle" and epoch_shown(w) == 3
    found = w.trainer.state_at(1)
    assert found is not None and found[0] == 1


def test_a_class_edit_that_keeps_the_network_gives_it_back_as_trained_since(qtbot, window):
    """Removing a class of two keeps the network (one output either way). Trained on,
    then Reset: Ctrl+Z of the removal gives back the network at its last epoch with its
    whole curve, set up once."""
    w = window
    load(qtbot, w, "Circle", "MLP")
    step(qtbot, w, 2)
    kept = w.trainer.model
    w.controller.remove_class(1)
    assert w.trainer.model is kept and w.points.n_classes == 1
    step(qtbot, w, 3)
    w.actions_.reset.trigger()
    assert epoch_shown(w) == 0
    applied = []
    w.controller.applied.connect(applied.append)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.points.n_classes == 2 and w.trainer.model is kept and epoch_shown(w) == 5
    assert list(w.error_view.data()[0]) == [1, 2, 3, 4, 5] and len(applied) == 1


def test_undoing_clear_points_gives_back_the_points_and_the_trained_network(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    step(qtbot, w, 2)
    trained = weights_of(w.trainer.model)
    w.data_panel.clear_button.click()
    assert len(w.points) == 0
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(w.points) == 500 and epoch_shown(w) == 2 and len(w.error_view) == 2
    assert all(np.array_equal(a, b) for a, b in zip(weights_of(w.trainer.model), trained))


def test_a_step_whose_block_fails_is_undone_and_leaves_no_undo_step(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    stack, before = w.points.undo_stack, w.points.snapshot()
    depth = stack.count()
    with pytest.raises(RuntimeError):
        with w.controller.keeping_model("Two edits"):
            w.points.add_point([1.0, 1.0], 0)
            raise RuntimeError("the second edit failed")
    assert stack.count() == depth and not stack.canRedo()
    for a, b in zip(before, w.points.snapshot()):
        np.testing.assert_array_equal(a, b)


def test_undo_and_redo_say_what_they_did(qtbot, window):
    """After Ctrl+Z the status bar kept the preset's "Loaded …" for seconds: it now says
    which step was undone, and which was redone."""
    w = window
    load(qtbot, w, "Circle")
    load(qtbot, w, "Spiral")
    assert w.statusBar().currentMessage().startswith("Loaded “Spiral”")
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.data_panel.preset() == "Circle"
    assert w.statusBar().currentMessage() == "Undone: Load preset Spiral"
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.statusBar().currentMessage() == "Redone: Load preset Spiral"
