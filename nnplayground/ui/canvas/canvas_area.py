"""The playground's centre column: a message banner, the projection chooser, the canvas
and the table of cluster centres."""

from __future__ import annotations

import itertools

from PySide6 import QtCore, QtWidgets

from nnplayground.core.state import axis_name
from nnplayground.ui.canvas.canvas import CanvasWidget
from nnplayground.ui.canvas.centroid_table import CentroidTable


class CanvasAreaWidget(QtWidgets.QWidget):
    """The canvas of ``points`` with what belongs above and below it."""

    def __init__(self, points, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = CanvasWidget(points)
        self.banner = QtWidgets.QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Training message")
        self.banner.setStyleSheet(
            "QLabel { background: #FFF3C4; border: 1px solid #E69F00; padding: 6px; }")
        self.banner.hide()
        self.axes_combo = QtWidgets.QComboBox()
        self._set_axis_choices(3)
        self.axes_combo.setToolTip("Which two coordinates of the data the canvas shows")
        self.axes_combo.setAccessibleName("Canvas projection axes")
        self.axes_row = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.axes_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QtWidgets.QLabel("Projection:"))
        row.addWidget(self.axes_combo)
        row.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.axes_row)
        layout.addWidget(self.canvas, 1)
        self.centroid_table = CentroidTable(points)
        self.centroid_table.setMaximumHeight(170)
        self.centroid_table.hide()
        layout.addWidget(self.centroid_table)

    def _set_axis_choices(self, n_dims: int) -> None:
        names = [axis_name(a) for a in range(n_dims)]
        with QtCore.QSignalBlocker(self.axes_combo):
            self.axes_combo.clear()
            for a, b in itertools.combinations(range(n_dims), 2):
                self.axes_combo.addItem(f"{names[a]} – {names[b]}", (a, b))

    def set_projection_choices(self, n_dims: int) -> None:
        """Every pair of the data's ``n_dims`` axes, the canvas's current pair selected
        (without a signal: the canvas already shows it)."""
        # 4-D data too (the autoencoder's blobs): every pair of axes can be looked at.
        self.axes_row.setVisible(n_dims >= 3)
        self._set_axis_choices(max(n_dims, 2))
        axes = self.canvas.projection_axes
        with QtCore.QSignalBlocker(self.axes_combo):  # the canvas may have reset its axes
            self.axes_combo.setCurrentIndex(next(
                (i for i in range(self.axes_combo.count())
                 if tuple(self.axes_combo.itemData(i)) == tuple(axes)), 0))

    def show_banner(self, text: str, warning: bool = True) -> None:
        colour = ("#FFF3C4", "#E69F00") if warning else ("#E3F4EC", "#009E73")
        self.banner.setStyleSheet(
            f"QLabel {{ background: {colour[0]}; border: 1px solid {colour[1]}; padding: 6px; }}")
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
