"""Issue 8, items 7, 9, 10 and 11 as a newcomer met them, driven like a user: the 4th
axis's name, banners that moved the canvas, Space in a number field, the competitive
layer's drawing, the error plot's right end, the Play tooltip, the status bar after a
drag, the error legend after F11, and number keys against the classes' names."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from nnplayground.ui.views.network_view import NetworkView
from tests.ui.conftest_canvas_helpers import drag, hover, to_widget
from tests.ui.test_main_window import (  # noqa: F401 (fixtures)
    choose,
    focus_canvas,
    isolated_settings,
    key,
    load,
    wait_idle,
    window,
)

Qt = QtCore.Qt


# ------------------------------------------------------------------ item 7: axis names
def test_the_4th_axis_has_one_name_in_the_menu_the_table_and_on_the_canvas(qtbot, window):
    w = window
    load(qtbot, w, "Two blobs (autoencoder)")
    combo, table = w.centre.axes_combo, w.centre.centroid_table
    assert combo.isVisible() and table.isVisible()
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["x – y", "x – z", "x – x4", "y – z", "y – x4", "z – x4"]
    headers = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert headers == ["x", "y", "z", "x4"]
    assert table.item(0, 3).toolTip().endswith(", x4")

    choose(qtbot, combo, "y – x4")
    plot = w.canvas.plot_item
    qtbot.waitUntil(lambda: plot.getAxis("left").labelText == "x4")
    assert plot.getAxis("bottom").labelText == "y"

