"""Closing never drops work silently: when the last autosave fails (a full disk, a
session no file can hold), the window asks before it closes.

``keep_work_before_close(window)`` writes the autosave one last time; if that fails it
asks whether to save the session under a name of the user's choosing, close without
keeping it, or not close. ``ask_keep_work`` is the question (tests answer it).
"""

from __future__ import annotations

from PySide6 import QtWidgets

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_keep_work(window: QtWidgets.QWidget, error: str) -> str:
    """SAVE, DISCARD or CANCEL, from the user."""
    box = QtWidgets.QMessageBox(window)
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle("Your work could not be kept")
    box.setText("The latest work could not be autosaved, so it would be lost on "
                "closing.")
    box.setInformativeText(f"{error}\n\nSave it as a file first?")
    save = box.addButton("Save as…", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    save.setToolTip("Choose a file to save the session to, then close")
    discard = box.addButton("Close without keeping it",
                            QtWidgets.QMessageBox.ButtonRole.DestructiveRole)
    discard.setToolTip("Close now: the work since the last autosave is lost")
    cancel = box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    cancel.setToolTip("Do not close: the window stays as it is")
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL


def keep_work_before_close(window) -> bool:
    """True: the window may close (the work is kept, or the user let it go)."""
    autosave = window.autosave
    error = None if autosave is None else autosave.keep_before_close()
    while error is not None:
        choice = ask_keep_work(window, error)
        if choice == CANCEL:
            return False
        if choice == DISCARD:
            break
        saved = window.actions_.files.save_asking(ask=True)
        if saved:
            break
        if saved is False:  # the dialog's file could not be written either
            error = f"{error}\n\nIt could not be saved as a file either (see the window)."
        # None: the file dialog was cancelled; the same question again
    if error is not None:
        autosave.skip_last_write()  # closing writes nothing more (it failed, or is kept)
    return True
