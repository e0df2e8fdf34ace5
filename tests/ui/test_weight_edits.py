"""Weights typed into the network drawing, as a user does: click a line, type, Enter;
Ctrl+Z restores; training after an edit forgets the edit's undo step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore

from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.ui.views.weight_editor import parse_values
from nnplayground.ui.window.weight_edits import PAUSE_FIRST
from tests.ui.window_helpers import focus_canvas, key, load, wait_idle

Qt = QtCore.Qt


def show_network(qtbot, w):
    w.tabs.setCurrentWidget(w.network_view)
    qtbot.waitUntil(w.network_view.isVisible)
    w.network_view.flush()


def line_middle(view, layer, i, j) -> QtCore.QPoint:
    line = view.connection_item(layer, i, j).line()
    return view.mapFromScene(line.pointAt(0.5))


def type_into_editor(qtbot, view, text):
    editor = view.editor
    qtbot.waitUntil(editor.isVisible)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def click_line(qtbot, view, layer, i, j):
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=line_middle(view, layer, i, j))


def test_parse_values_messages():
    assert parse_values(" -1.5 ", 1) == [-1.5]
    assert parse_values("1, 2 ,3", 3) == [1.0, 2.0, 3.0]
    for bad, said in (("abc", "not a number"), ("nan", "not a finite"), ("inf", "not a finite"),
                      ("2e6", "too large"), ("1, 2", "Type a number")):
        with pytest.raises(ValueError, match=said):
            parse_values(bad, 1)


def test_typing_a_weight_changes_the_model_and_ctrl_z_restores_it(qtbot, window):
    w = window
    view = w.network_view
    load(qtbot, w, "AND", "Perceptron")
    show_network(qtbot, w)
    assert w.trainer.model.kind == "perceptron"
    before = w.trainer.model.get_state()
    click_line(qtbot, view, 0, 1, 0)
    assert view.editor.isVisible()
    assert view.editor.text() == f"{before['weights'][1]:.4g}"
    type_into_editor(qtbot, view, "-2.5")
    qtbot.waitUntil(lambda: not view.editor.isVisible())
    model = w.trainer.model
    assert model.weights[1] == -2.5 and model.weights[0] == before["weights"][0]
    assert view.connection_item(0, 1, 0).value == -2.5  # the drawing at once
    assert "-2.5" in view.connection_item(0, 1, 0).toolTip()
    assert w.weight_edits.edit_commands() == 1
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.trainer.model.weights[1] == before["weights"][1]
    assert view.connection_item(0, 1, 0).value == before["weights"][1]
    qtbot.keyClick(view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.trainer.model.weights[1] == -2.5


def test_escape_cancels_and_a_bad_value_changes_nothing(qtbot, window):
    w = window
    view = w.network_view
    load(qtbot, w, "AND", "Perceptron")
    show_network(qtbot, w)
    before = w.trainer.model.get_state()
    count = w.points.undo_stack.count()
    click_line(qtbot, view, 0, 0, 0)
    qtbot.waitUntil(view.editor.isVisible)
    qtbot.keyClicks(view.editor, "7")
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
    assert not view.editor.isVisible()
    for bad, said in (("seven", "not a number"), ("1e9", "too large"), ("inf", "finite")):
        click_line(qtbot, view, 0, 0, 0)
        type_into_editor(qtbot, view, bad)
        assert view.editor.isVisible()  # still open, to be corrected
        assert said in w.statusBar().currentMessage()
        qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
    assert np.array_equal(w.trainer.model.weights, before["weights"])
    assert w.points.undo_stack.count() == count


def test_bias_square_and_perceptron_neuron(qtbot, window):
    w = window
    view = w.network_view
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    show_network(qtbot, w)
    assert w.trainer.model.bias is not None
    mark = view._columns.marks[1][0]
    pos = view.mapFromScene(mark.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    type_into_editor(qtbot, view, "0.75")
    assert w.trainer.model.bias == 0.75
    neuron = view.neuron_item(1, 0)
    pos = view.mapFromScene(neuron.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    type_into_editor(qtbot, view, "1,-1,0.25")  # Space plays, as in every number field
    m = w.trainer.model
    assert list(m.weights) == [1.0, -1.0] and m.bias == 0.25
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.trainer.model.bias == 0.75  # one step for all three numbers


def test_editing_while_training_says_to_pause(qtbot, window):
    w = window
    view = w.network_view
    load(qtbot, w, "Spiral", "MLP")
    show_network(qtbot, w)
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    assert w.trainer.is_running()
    click_line(qtbot, view, 0, 0, 0)
    assert not view.editor.isVisible()
    assert w.statusBar().currentMessage() == PAUSE_FIRST
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)


def test_training_after_an_edit_forgets_it_and_trains_from_it(qtbot, window):
    w = window
    view = w.network_view
    load(qtbot, w, "Spiral", "MLP")
    show_network(qtbot, w)
    count = w.points.undo_stack.count()
    click_line(qtbot, view, 0, 1, 3)
    type_into_editor(qtbot, view, "1.5")
    mark = view._columns.marks[1][0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(mark.sceneBoundingRect().center()))
    type_into_editor(qtbot, view, "-0.5")
    model = w.trainer.model
    assert model.weights[0][1, 3] == 1.5 and model.biases[0][0] == -0.5
    assert w.points.undo_stack.count() == count + 2
    edited = model_from_dict(model_to_dict(model))  # the same state, trained here
    X, y = w.data()[:2]
    button = w.actions_.toolbar.widgetForAction(w.actions_.step)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, w)
    assert w.points.undo_stack.count() == count  # the edits' steps are gone
    assert w.weight_edits.edit_commands() == 0
    edited.partial_fit(X, y)
    got = w.trainer.model.get_state()
    for a, b in zip(got["weights"], edited.get_state()["weights"]):
        np.testing.assert_array_equal(a, b)


def test_competitive_connection_edits_a_centroid_coordinate(qtbot, window):
    w = window
    view = w.network_view
    load(qtbot, w, "Gaussian", "Competitive layer")
    show_network(qtbot, w)
    click_line(qtbot, view, 0, 1, 0)  # input y -> the first neuron: centroid 1's y
    type_into_editor(qtbot, view, "3.25")
    assert w.trainer.model.centroids[0, 1] == 3.25
    # Named as the canvas numbers the centroids (from 1), not by the array's index.
    assert w.statusBar().currentMessage() == "centroid 1's y = 3.25"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.trainer.model.centroids[0, 1] != 3.25



def test_undo_of_an_edit_training_went_past_says_nothing_was_undone(qtbot, window):
    """A typed weight with a point placed after it, then a Step: the edit no longer
    applies, and the stack drops it at the next Ctrl+Z without undoing anything. The
    status bar named the step below it as undone a second time."""
    w = window
    view = w.network_view
    load(qtbot, w, "Spiral", "MLP")
    show_network(qtbot, w)
    click_line(qtbot, view, 0, 1, 3)
    type_into_editor(qtbot, view, "1.5")
    w.points.add_point([0.5, 0.5], 0)  # a step above the edit
    button = w.actions_.toolbar.widgetForAction(w.actions_.step)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, w)
    n = len(w.points)
    focus_canvas(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(w.points) == n - 1
    assert w.statusBar().currentMessage() == "Undone: Add point"
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(w.points) == n - 1 and w.trainer.model.weights[0][1, 3] != 0.0
    assert w.statusBar().currentMessage().endswith("no longer applies (training went on "
                                                   "since): nothing undone")
    assert w.statusBar().currentMessage().startswith("“Set weight w[0][1→3]”")
