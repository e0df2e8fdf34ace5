"""The playground's centre column: the projection chooser, the canvas with message
banners laid over its top, and the table of cluster centres."""

from __future__ import annotations

import itertools

from PySide6 import QtCore, QtWidgets

from nnplayground.core.state import axis_name
from nnplayground.ui.canvas.canvas import CanvasWidget
from nnplayground.ui.canvas.centroid_table import CentroidTable


#: Background (translucent, so the points under it still show) and border of a banner.
_BANNER_COLOURS = {True: ("rgba(255, 243, 196, 235)", "#E69F00"),
                   False: ("rgba(227, 244, 236, 235)", "#009E73")}
#: Pixels between the banner and the canvas's edges.
_BANNER_INSET = 8


class _Banner(QtWidgets.QFrame):
    """A message laid over the top of the canvas, with buttons when it offers something
    to do; a click on the text hides it, a button does its thing and hides it."""

    def __init__(self, parent: QtWidgets.QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = QtWidgets.QLabel()
        self.label.setWordWrap(True)
        self._buttons = QtWidgets.QHBoxLayout()
        self._buttons.setContentsMargins(0, 0, 0, 0)
        self._buttons.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addLayout(self._buttons)
        self.buttons: list[QtWidgets.QPushButton] = []

    def text(self) -> str:
        return self.label.text()

    def show_message(self, text: str, warning: bool, actions=()) -> None:
        """``actions``: ``(text, tooltip, callback)`` for each button, in order."""
        background, border = _BANNER_COLOURS[bool(warning)]
        self.setStyleSheet(f"QFrame#{self.objectName()} {{ background: {background}; "
                           f"border: 1px solid {border}; }}")
        self.label.setText(text)
        for button in self.buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for label, tip, callback in actions:
            button = QtWidgets.QPushButton(label)
            button.setToolTip(tip)
            button.setAccessibleName(label)
            button.setObjectName(f"{self.objectName()}.{label}")
            button.clicked.connect(lambda _=False, f=callback: self._on_button_clicked(f))
            self._buttons.addWidget(button)
            self.buttons.append(button)
        self.show()

    def button(self, text: str) -> QtWidgets.QPushButton | None:
        return next((b for b in self.buttons if b.text() == text), None)

    def _on_button_clicked(self, callback) -> None:
        self.hide()
        callback()

    def mousePressEvent(self, ev) -> None:
        ev.accept()
        self.hide()


class CanvasAreaWidget(QtWidgets.QWidget):
    """The canvas of ``points`` with what belongs above and below it.

    The banner is not in the layout: it floats over the top of the canvas, so showing or
    hiding it never moves or rescales the canvas (the point under the mouse stays put)."""

    def __init__(self, points, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = CanvasWidget(points)
        self.banner = _Banner(self, "banner")
        self.banner.setAccessibleName("Training message")
        self.banner.setToolTip("Click to hide this message")
        self.banner.hide()
        # An offer that waits (the last run's work): other messages come and go below it.
        self.offer = _Banner(self, "offer")
        self.offer.setAccessibleName("Offer")
        self.offer.setToolTip("Choose a button, or click to hide this offer")
        self.offer.hide()
        self.offer.installEventFilter(self)  # hidden by a click: the message moves up
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
        layout.addWidget(self.axes_row)
        layout.addWidget(self.canvas, 1)
        self.centroid_table = CentroidTable(points)
        self.centroid_table.setMaximumHeight(170)
        self.centroid_table.hide()
        layout.addWidget(self.centroid_table)
        self.canvas.installEventFilter(self)  # the banner follows the canvas's geometry

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
        index = self.axes_index(self.canvas.projection_axes)
        with QtCore.QSignalBlocker(self.axes_combo):  # the canvas may have reset its axes
            self.axes_combo.setCurrentIndex(max(index, 0))

    def axes_index(self, axes) -> int:
        """The projection menu's entry for the pair ``axes``; -1 when it has none."""
        combo = self.axes_combo
        return next((i for i in range(combo.count())
                     if tuple(combo.itemData(i)) == tuple(axes)), -1)

    def show_banner(self, text: str, warning: bool = True, actions=()) -> None:
        """``text`` over the top of the canvas (amber for a warning, green otherwise),
        with a button for each ``(text, tooltip, callback)`` in ``actions``."""
        self.banner.show_message(text, warning, actions)
        self._place_banner()

    def show_offer(self, text: str, actions) -> None:
        """An offer with its buttons, above any message; it stays until answered."""
        self.offer.show_message(text, False, actions)
        self._place_banner()

    def hide_offer(self) -> None:
        self.offer.hide()
        self._place_banner()

    def _place_banner(self) -> None:
        g = self.canvas.geometry()
        width = max(g.width() - 2 * _BANNER_INSET, 60)
        y = g.y() + _BANNER_INSET
        for banner in (self.offer, self.banner):
            if banner.isVisibleTo(self):
                height = banner.heightForWidth(width)
                banner.setGeometry(g.x() + _BANNER_INSET, y, width, height)
                banner.raise_()
                y += height + _BANNER_INSET // 2

    def eventFilter(self, obj, event) -> bool:
        if obj is self.canvas and event.type() in (QtCore.QEvent.Type.Resize,
                                                    QtCore.QEvent.Type.Move):
            self._place_banner()
        elif obj is self.offer and event.type() == QtCore.QEvent.Type.Hide:
            self._place_banner()  # the message moves up
        return super().eventFilter(obj, event)

    def hide_banner(self) -> None:
        self.banner.hide()
        self._place_banner()
