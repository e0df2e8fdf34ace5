"""Typing a cluster centre moves the whole cluster (3-D data: the axis the canvas hides)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit



def type_into(qtbot, table, row, col, text):
    table.setCurrentCell(row, col)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_F2)  # the editor opens on the current cell
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)


def test_typing_a_z_centre_moves_the_cluster_and_undo_puts_it_back(qtbot, window):
    w = window
    w.load_preset("Five 3-D clusters", 0, 0.0)
    table = w.centroid_table
    assert table.isVisible() and table.rowCount() == 5 and table.columnCount() == 3
    X0, y0 = w.points.point_set.arrays()
    mean0 = X0[y0 == 3].mean(axis=0)
    assert table.item(3, 2).text() == f"{mean0[2]:.2f}"
    type_into(qtbot, table, 3, 2, "4.5")
    X1, y1 = w.points.point_set.arrays()
    moved = X1[y1 == 3] - X0[y0 == 3]
    # Every point of cluster 4 moved by the same amount, along z only; the others stayed.
    np.testing.assert_allclose(moved[:, 2], 4.5 - mean0[2])
    assert np.all(moved[:, :2] == 0)
    assert np.array_equal(X1[y1 != 3], X0[y0 != 3])
    assert table.item(3, 2).text() == "4.50"
    w.points.undo_stack.undo()
    assert np.array_equal(w.points.point_set.arrays()[0], X0)


def test_nonsense_in_the_table_changes_nothing(qtbot, window):
    w = window
    w.load_preset("Five 3-D clusters", 0, 0.0)
    X0, _ = w.points.point_set.arrays()
    type_into(qtbot, w.centroid_table, 0, 0, "abc")
    assert np.array_equal(w.points.point_set.arrays()[0], X0)
    assert "not a number" in w.statusBar().currentMessage()


def test_table_hidden_for_data_without_clusters(qtbot, window):
    w = window
    w.load_preset("Spiral", 0, 0.0)
    assert not w.centroid_table.isVisible()



def test_a_centre_beyond_the_canvas_is_refused_and_the_work_stays_saveable(qtbot, window,
                                                                          tmp_path):
    """1e12 typed as a centre moved the points there; from then on no Save or autosave
    could keep the session (points beyond +-1e9)."""
    w = window
    w.load_preset("Five 3-D clusters", 0, 0.0)
    X0, _ = w.points.point_set.arrays()
    depth = w.points.undo_stack.count()
    type_into(qtbot, w.centroid_table, 0, 0, "1e12")
    assert np.array_equal(w.points.point_set.arrays()[0], X0)
    assert w.points.undo_stack.count() == depth  # nothing to undo either
    assert w.statusBar().currentMessage() == ("Coordinates stay within \u00b11e+09, the "
                                              "largest the canvas draws. The cluster stays "
                                              "where it was.")
    assert w.actions_.save_to(str(tmp_path / "kept.nnp"))
