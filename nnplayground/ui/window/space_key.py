"""Space plays and pauses from anywhere in the playground window.

Qt hands a focused field every key that types text, Space included, before a window
shortcut sees it: Space typed a space into the learning-rate box instead of playing.
``SpaceToPlay`` takes Space back from the fields where a space is never text (numbers:
spin boxes, the learning rate, the table of centres) and leaves it where it is text (class
names: a widget, or an ancestor of it, with the property ``SPACE_IS_TEXT``).

Buttons and check boxes keep Space, as in every Qt program, but only when reached with
the keyboard (Tab): a click no longer leaves the keyboard focus on them, so Space after
clicking "Add class" plays instead of adding another class.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

#: Set this property (True) on a widget whose fields take Space as text (class names).
SPACE_IS_TEXT = "space_is_text"

#: One line for the Play action's tooltip and status tip (until there is a Help menu).
SPACE_NOTE = ("Space plays and pauses anywhere in the playground, except while typing a "
              "class name, and on a button or check box reached with Tab, which Space "
              "presses as in any Qt program.")

_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
#: Widgets that would take Space for themselves (as text) unless told otherwise.
_FIELDS = (QtWidgets.QLineEdit, QtWidgets.QAbstractSpinBox, QtWidgets.QComboBox)


def space_is_text(widget: QtWidgets.QWidget) -> bool:
    """True when Space types a space in ``widget`` (it or an ancestor says so)."""
    while widget is not None:
        if widget.property(SPACE_IS_TEXT):
            return True
        widget = widget.parentWidget()
    return False


class SpaceToPlay(QtCore.QObject):
    """Watches the widget that has the keyboard focus in ``window`` (see the module
    docstring); ``window``'s Space shortcut (Play) does the rest."""

    def __init__(self, window: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self._window = window
        for button in window.findChildren(QtWidgets.QAbstractButton):
            if button.focusPolicy() == Qt.FocusPolicy.StrongFocus:
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        app = QtWidgets.QApplication.instance()
        # The focused widget is the one Qt asks whether it wants a key (ShortcutOverride).
        app.focusChanged.connect(self._on_app_focus_changed)
        self._on_app_focus_changed(None, app.focusWidget())

    def _on_app_focus_changed(self, old, now) -> None:
        if now is not None and now.window() is self._window:
            now.installEventFilter(self)  # once: installing again only moves it first

    def eventFilter(self, obj, event) -> bool:
        if (event.type() != QtCore.QEvent.Type.ShortcutOverride
                or event.key() != Qt.Key.Key_Space or event.modifiers() not in _PLAIN):
            return False
        if isinstance(obj, QtWidgets.QAbstractButton):
            event.accept()  # the button's own Space (it has the focus from Tab)
            return True
        if isinstance(obj, _FIELDS) and not space_is_text(obj):
            event.ignore()  # not offered to the field: the Space shortcut plays
            return True
        return False
