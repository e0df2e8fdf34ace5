"""The Help menu: the keyboard shortcuts (read from the window's own actions when the
dialog opens, so the list never goes stale) and a short "How to" page."""

from __future__ import annotations

import re

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.ui.window.space_key import SPACE_NOTE

#: Keys that are no window actions: the canvas's, the digit pad's, the fields'.
KEY_NOTES = (
    ("Space", SPACE_NOTE),
    ("1 – 9 (0 – 9)", ("On the canvas: choose the class of the next point you click (where "
                       "the classes are named 0, 1, …, the key is the name)")),
    ("Left click", "On the canvas: add a point of the current class, or select a point"),
    ("Drag", "On the canvas: move a point, or a whole cluster by its large handle"),
    ("Right click", "On the canvas: delete the point under the mouse"),
    ("Delete, Backspace", "On the canvas: delete the selected points"),
    ("Esc", "On the canvas: clear the selection"),
    ("Arrows, Space, Enter", "On the digit pad: move the orange frame and switch its cell"),
    ("0 – 9, I, Esc", "On the digit pad: draw that digit, invert, clear"),
    ("Enter", "In a number field: use the number typed"),
)

HOW_TO = """
<h3>Watch a network learn</h3>
<ol>
<li><b>Data.</b> Pick a ready-made data set under <i>Preset</i>, or click on the canvas to
place your own points. The number keys choose the class of the next point; right click
deletes one. <i>Clear points</i> starts from an empty canvas.</li>
<li><b>Model.</b> Choose the <i>Type</i> (perceptron, multi-layer network, competitive
layer, autoencoder) and its settings in the Model panel.</li>
<li><b>Train.</b> Press <b>Play</b> (Space) and watch the canvas colour in, the error curve
fall and the network's connections change. <b>Step</b> (S) trains one epoch; <b>Reset</b> (R)
starts the model again from its seed.</li>
<li><b>Test.</b> Move the <i>Test share</i> slider to hold some points back: they are drawn
hollow and the error curve shows how the model does on them.</li>
<li><b>Keep it.</b> File &gt; Save keeps points, model and error history; File &gt; Export
saves a picture of a view.</li>
</ol>
<h3>Lessons</h3>
<p>The <i>Lessons</i> menu opens a classic demonstration step by step. Read the step, make
your prediction, then reveal it or press Play. <i>Next</i> and <i>Back</i> (Ctrl+Right and
Ctrl+Left, or Page Down and Page Up, which most presentation clickers send) move through
the steps. Some settings are locked while a lesson needs them; <i>Leave lesson</i> unlocks
them and brings your own points and model back.</p>
<h3>In a classroom</h3>
<p><i>View &gt; Presentation mode</i> (F11) fills the screen and draws everything larger.</p>
"""


#: Keys of a classroom keyboard; keys such as F14 or a dedicated "Undo" key are left out.
_NAMED_KEYS = {"Space", "Right", "Left", "Up", "Down", "PgUp", "PgDown", "Del", "Backspace",
               "Esc", "Return", "Enter", "Tab", "Home", "End", "Ins", "/"}
_FUNCTION_KEY = re.compile(r"F([1-9]|1[0-2])\Z")


def _plain(text: str) -> str:
    return text.replace("&", "")


def _on_a_keyboard(keys: str) -> bool:
    last = keys.split("+")[-1] if not keys.endswith("+") else "+"
    return len(last) == 1 or last in _NAMED_KEYS or bool(_FUNCTION_KEY.match(last))


def shortcut_rows(window: QtWidgets.QWidget) -> list[tuple[str, str]]:
    """(keys, what they do) for every action of ``window`` that has a shortcut, in the
    order the actions were made; the first line of each tooltip, without its keys."""
    rows, seen = [], set()
    for action in window.findChildren(QtGui.QAction):
        keys = [k.toString() for k in action.shortcuts()]
        keys = [k for k in keys if _on_a_keyboard(k)]
        if not keys or not action.text():
            continue
        tip = (action.toolTip() or _plain(action.text())).split("\n")[0]
        tip = re.sub(r"\s*\([^()]*\)\s*$", "", tip.strip().removesuffix(".")) or _plain(action.text())
        row = (", ".join(keys), tip)
        if row not in seen:
            seen.add(row)
            rows.append(row)
    return rows


class HelpMenu(QtCore.QObject):
    """Adds Help to ``window``'s menu bar: Keyboard shortcuts and How to."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.dialog: QtWidgets.QDialog | None = None
        menu = window.menuBar().addMenu("&Help")
        menu.setObjectName("help_menu")
        self.menu = menu
        self.how_to = self._action("&How to…", "A short guide to the playground",
                                   [QtGui.QKeySequence.StandardKey.HelpContents], self.show_how_to)
        self.shortcuts = self._action("&Keyboard shortcuts…", "Every key the window answers to",
                                      ["Ctrl+/"], self.show_shortcuts)

    def _action(self, text: str, tip: str, keys, slot) -> QtGui.QAction:
        action = QtGui.QAction(text, self.w)
        action.setShortcuts([QtGui.QKeySequence(k) for k in keys])
        shown = ", ".join(k.toString() for k in action.shortcuts())
        action.setToolTip(f"{tip} ({shown})" if shown else tip)
        action.setStatusTip(action.toolTip())
        action.setObjectName("help_" + _plain(text).rstrip("…").replace(" ", "_").lower())
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.w.addAction(action)
        self.menu.addAction(action)
        return action

    def _show(self, title: str, body: QtWidgets.QWidget, name: str) -> QtWidgets.QDialog:
        if self.dialog is not None:
            self.dialog.close()
        dialog = QtWidgets.QDialog(self.w)
        dialog.setObjectName(name)
        dialog.setWindowTitle(title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QtWidgets.QVBoxLayout(dialog)
        layout.addWidget(body, 1)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close.setToolTip("Close this window (Esc)")
        close.setAccessibleName("Close")
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(720, 560)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _forget(self, dialog: QtWidgets.QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def show_shortcuts(self) -> QtWidgets.QDialog:
        rows = shortcut_rows(self.w)
        index = {keys: i for i, (keys, _) in enumerate(rows)}
        for keys, note in KEY_NOTES:  # a note on an action's key goes in its row
            if keys in index:
                i = index[keys]
                rows[i] = (keys, f"{rows[i][1]}. {note}")
            else:
                rows.append((keys, note))
        table = QtWidgets.QTableWidget(len(rows), 2)
        table.setObjectName("shortcuts_table")
        table.setAccessibleName("Keyboard shortcuts")
        table.setToolTip("Every key the window answers to, and what it does")
        table.setHorizontalHeaderLabels(["Keys", "What it does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for r, (keys, what) in enumerate(rows):
            table.setItem(r, 0, QtWidgets.QTableWidgetItem(keys))
            table.setItem(r, 1, QtWidgets.QTableWidgetItem(what))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        return self._show("Keyboard shortcuts", table, "shortcuts_dialog")

    def show_how_to(self) -> QtWidgets.QDialog:
        text = QtWidgets.QTextBrowser()
        text.setObjectName("how_to_text")
        text.setAccessibleName("How to")
        text.setToolTip("How to use the playground")
        text.setHtml(HOW_TO)
        return self._show("How to use nnplayground", text, "how_to_dialog")
