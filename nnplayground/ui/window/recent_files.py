"""Remembered places: the folder of the last file dialog and File > Open recent, both kept
in QSettings.

Every file dialog of the window goes through ``ask_open_path`` / ``ask_save_path``: Qt's
own dialog (not the platform's, so that it looks the same in every classroom and tests can
drive it), opened in the folder last used, which it then remembers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

FOLDER_KEY = "files/last_folder"
RECENT_KEY = "files/recent"
MAX_RECENT = 8

_OPTIONS = QtWidgets.QFileDialog.Option.DontUseNativeDialog


# ---------------------------------------------------------------------------- last folder
def last_folder() -> str:
    """The folder of the last file chosen in any dialog (the home folder at first, or
    when that folder is gone)."""
    folder = QtCore.QSettings().value(FOLDER_KEY)
    if isinstance(folder, str) and folder and os.path.isdir(folder):
        return folder
    return str(Path.home())


def remember_folder(path: str) -> None:
    if path:
        QtCore.QSettings().setValue(FOLDER_KEY, str(Path(path).resolve().parent))


def ask_open_path(parent, caption: str, filters: str) -> str:
    """A file to open chosen in the last folder ("" when cancelled)."""
    path, _ = QtWidgets.QFileDialog.getOpenFileName(
        parent, caption, last_folder(), filters, options=_OPTIONS)
    remember_folder(path)
    return path


def ask_save_path(parent, caption: str, file_name: str, filters: str,
                  selected_filter: str = "") -> tuple[str, str]:
    """(path, chosen filter) of a file to write, proposed as ``file_name`` in the last
    folder; ("", "") when cancelled."""
    path, chosen = QtWidgets.QFileDialog.getSaveFileName(
        parent, caption, str(Path(last_folder()) / file_name), filters, selected_filter,
        options=_OPTIONS)
    remember_folder(path)
    return (path, chosen) if path else ("", "")


# ---------------------------------------------------------------------------- recent files
class RecentFiles(QtCore.QObject):
    """The sessions opened or saved, most recent first, at most ``MAX_RECENT``.

    ``menu`` (File > Open recent) is filled each time it opens; choosing a file that is no
    longer there removes it from the list and says so.
    """

    changed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget, open_path: Callable[[str], object],
                 say: Callable[[str], None]) -> None:
        super().__init__(parent)
        self._open_path = open_path
        self._say = say
        self.menu = QtWidgets.QMenu("Open &recent", parent)
        self.menu.setObjectName("recent_files_menu")
        self.menu.setToolTipsVisible(True)
        tip = "Sessions opened or saved lately, the most recent first"
        self.menu.menuAction().setToolTip(tip)
        self.menu.menuAction().setStatusTip(tip)
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.clear_action = QtGui.QAction("&Clear list", self)
        self.clear_action.setObjectName("clear_recent_files")
        self.clear_action.setToolTip("Forget the list of recent files (the files stay)")
        self.clear_action.setStatusTip(self.clear_action.toolTip())
        self.clear_action.triggered.connect(self.clear)
        self._fill_menu()

    # ------------------------------------------------------------------ the list
    def paths(self) -> list[str]:
        value = QtCore.QSettings().value(RECENT_KEY)
        if isinstance(value, str):  # QSettings gives a one-item list back as a string
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        return [str(p) for p in value if isinstance(p, str) and p][:MAX_RECENT]

    def add(self, path: str) -> None:
        path = str(Path(path).resolve())
        self._store([path] + [p for p in self.paths() if p != path])

    def remove(self, path: str) -> None:
        self._store([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._store([])
        self._say("The list of recent files is empty.")

    def _store(self, paths: list[str]) -> None:
        settings = QtCore.QSettings()
        if paths:
            settings.setValue(RECENT_KEY, paths[:MAX_RECENT])
        else:
            settings.remove(RECENT_KEY)
        self._fill_menu()
        self.changed.emit()

    # ------------------------------------------------------------------ the menu
    def open_recent(self, path: str) -> bool:
        if not os.path.isfile(path):
            self.remove(path)
            self._say(f"{path} is no longer there; it was taken off the recent files.")
            return False
        if self._open_path(path) is None:
            return False  # the opener said why
        self.add(path)
        return True

    def _on_menu_about_to_show(self) -> None:
        self._fill_menu()  # another window may have changed the list since

    def _fill_menu(self) -> None:
        self.menu.clear()
        paths = self.paths()
        for i, path in enumerate(paths, start=1):
            name = Path(path).name.replace("&", "&&")
            action = self.menu.addAction(f"&{i} {name}" if i < 10 else name)
            action.setToolTip(path)
            action.setStatusTip(f"Open {path}")
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_recent(p))
        if not paths:
            empty = self.menu.addAction("No recent files")
            empty.setToolTip("Sessions you open or save appear here")
            empty.setEnabled(False)
        self.menu.addSeparator()
        self.menu.addAction(self.clear_action)
        self.clear_action.setEnabled(bool(paths))
        self.menu.menuAction().setEnabled(True)

    def actions_for_paths(self) -> list[QtGui.QAction]:
        """The menu's file entries, most recent first."""
        return [a for a in self.menu.actions() if isinstance(a.data(), str) and a.data()]
