"""The inline editor of the network drawing: a line edit placed over what was clicked.

Enter applies (when every number is acceptable), Esc or a click elsewhere cancels. A
value that is not a number, not finite or beyond ``MAX_ABS_VALUE`` keeps the editor open
and says why (``invalid``): nothing reaches the model.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

#: Typed values beyond this size are refused: no lesson needs them, and they overflow
#: the activations at once.
MAX_ABS_VALUE = 1e6


def parse_values(text: str, n: int) -> list[float]:
    """``n`` numbers separated by commas or spaces, each finite and at most
    ``MAX_ABS_VALUE`` in size; ValueError with a message for a student otherwise."""
    parts = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
    if len(parts) != n:
        raise ValueError(f"Type {n} number{'s' if n != 1 else ''}, separated by commas"
                         if n > 1 else "Type a number, such as 0.5 or -1.2")
    values = []
    for part in parts:
        try:
            v = float(part)
        except ValueError:
            raise ValueError(f"'{part}' is not a number: type one such as 0.5 or -1.2") from None
        if not math.isfinite(v):
            raise ValueError(f"'{part}' is not a finite number")
        if abs(v) > MAX_ABS_VALUE:
            raise ValueError(f"{part} is too large: values from {-MAX_ABS_VALUE:g} "
                             f"to {MAX_ABS_VALUE:g} only")
        values.append(v)
    return values


class InlineValueEditor(QLineEdit):
    """A line edit over ``parent`` (the drawing's viewport); hidden until ``open_at``."""

    #: the numbers typed, when Enter was pressed and all of them are acceptable
    submitted = Signal(list)
    #: why Enter was refused
    invalid = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Value editor")
        self.setToolTip("Type the value; Enter applies it, Esc cancels")
        self.setMinimumWidth(90)
        self.hide()
        self._n = 1
        self.returnPressed.connect(self._on_return_pressed)

    def open_at(self, pos: QPoint, values: list[float], what: str) -> None:
        self._n = len(values)
        self.setText(", ".join(f"{v:.4g}" for v in values))
        self.setToolTip(f"{what}: type the value{'s' if self._n > 1 else ''}; "
                        "Enter applies, Esc cancels")
        self.setAccessibleDescription(what)
        self.setPlaceholderText(what)
        self.setStyleSheet("")
        width = max(90, 70 * self._n)
        self.resize(width, self.sizeHint().height())
        parent = self.parentWidget()
        x = min(max(pos.x() - width // 2, 0), max(parent.width() - width, 0))
        y = min(max(pos.y() - self.height() - 6, 0), max(parent.height() - self.height(), 0))
        self.move(x, y)
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.selectAll()

    def cancel(self) -> None:
        self.hide()

    def _on_return_pressed(self) -> None:
        try:
            values = parse_values(self.text(), self._n)
        except ValueError as exc:
            self.setStyleSheet("border: 2px solid #D55E00;")
            self.setToolTip(str(exc))
            self.invalid.emit(str(exc))
            return
        self.hide()
        self.submitted.emit(values)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            event.accept()  # the editor's keys, not the window's shortcuts (Enter: Play)
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # QLineEdit passes Enter on: the window would start training

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.hide()  # a click elsewhere cancels, as Esc does
