"""A small table of the clusters' centres: type a coordinate and the whole cluster moves.

For 3-D data the canvas shows only two coordinates; the table is how a teacher puts a
cluster exactly at (5, -1, -1). Each edit is one undoable "Move cluster" step.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from nnplayground.core.palette import class_color
from nnplayground.core.state import axis_name
from nnplayground.ui.canvas.points_model import PointsModel


class CentroidTable(QtWidgets.QTableWidget):
    """One row per class: its centre (the mean of its points), editable."""

    def __init__(self, model: PointsModel, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._updating = False
        self.setAccessibleName("Cluster centres")
        self.setToolTip("The centre of each cluster. Type a new coordinate and press Enter: "
                        "the whole cluster moves there (Ctrl+Z undoes it).")
        self.verticalHeader().setVisible(True)
        self.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.DoubleClicked
                             | QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed
                             | QtWidgets.QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.itemChanged.connect(self._on_item_changed)
        corner = self.findChild(QtWidgets.QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:
            corner.setToolTip("Select the whole table")
            corner.setAccessibleName("Select all cluster centres")
        self.set_model(model)

    def set_model(self, model: PointsModel) -> None:
        if model is not self._model:
            self._model.changed.disconnect(self.refresh)
            self._model.classes_changed.disconnect(self.refresh)
            self._model = model
        model.changed.connect(self.refresh)
        model.classes_changed.connect(self.refresh)
        self.refresh()

    def centres(self) -> np.ndarray:
        """(n_classes, dim) means; NaN rows for classes without points."""
        _, X, y = self._model.snapshot()
        out = np.full((self._model.n_classes, self._model.n_dims), np.nan)
        for k in range(self._model.n_classes):
            if np.any(y == k):
                out[k] = X[y == k].mean(axis=0)
        return out

    def refresh(self) -> None:
        centres = self.centres()
        self._updating = True
        try:
            self.setColumnCount(centres.shape[1])
            self.setHorizontalHeaderLabels([axis_name(i) for i in range(centres.shape[1])])
            self.setRowCount(len(centres))
            self.setVerticalHeaderLabels(self._model.class_names)
            for k, row in enumerate(centres):
                header = self.verticalHeaderItem(k)
                if header is not None:
                    header.setIcon(_swatch(k))
                for j, value in enumerate(row):
                    item = self.item(k, j)
                    if item is None:
                        item = QtWidgets.QTableWidgetItem()
                        item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight
                                              | QtCore.Qt.AlignmentFlag.AlignVCenter)
                        self.setItem(k, j, item)
                    empty = not np.isfinite(value)
                    item.setText("–" if empty else f"{value:.2f}")
                    flags = item.flags()
                    editable = QtCore.Qt.ItemFlag.ItemIsEditable
                    item.setFlags(flags & ~editable if empty else flags | editable)
                    item.setToolTip("No points in this class" if empty
                                    else f"Centre of {self._model.class_names[k]}, {axis_name(j)}")
        finally:
            self._updating = False

    def _on_item_changed(self, item: QtWidgets.QTableWidgetItem) -> None:
        if self._updating:
            return
        k, j = item.row(), item.column()
        centre = self.centres()[k]
        try:
            value = float(item.text().replace(",", "."))
            if not np.isfinite(value):
                raise ValueError
        except ValueError:
            self._say(f"“{item.text()}” is not a number; the cluster stays where it was.")
            self.refresh()
            return
        delta = np.zeros(len(centre))
        delta[j] = value - centre[j]
        if delta[j] != 0:
            try:
                self._model.move_cluster(k, delta)
            except ValueError as exc:  # beyond the canvas (limits.MAX_COORDINATE)
                self._say(f"{exc} The cluster stays where it was.")
            else:
                self._model.end_drag()  # one typed value = one undo step
        self.refresh()

    def _say(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QtWidgets.QMainWindow):
            window.statusBar().showMessage(text, 6000)


def _swatch(index: int) -> QtGui.QIcon:
    pixmap = QtGui.QPixmap(12, 12)
    pixmap.fill(QtGui.QColor(class_color(index)))
    return QtGui.QIcon(pixmap)
