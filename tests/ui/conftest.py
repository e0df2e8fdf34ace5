"""Fixtures shared by the widget tests."""

from __future__ import annotations

import os

import pytest
from PySide6 import QtCore

from nnplayground.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_close_question(monkeypatch):
    """A window whose last autosave fails asks before closing (close_guard), in a modal
    dialog nobody would answer here: a test that gets there fails at once instead of
    hanging. Tests that answer it patch ask_keep_work themselves."""
    from nnplayground.ui.window import close_guard

    def unanswered(window, error):
        pytest.fail(f"closing asked whether to keep the work: {error}")

    monkeypatch.setattr(close_guard, "ask_keep_work", unanswered)


@pytest.fixture
def shown(qtbot):
    """``shown(widget, width, height)``: the widget on screen as a user sees it (closed by
    qtbot at the end of the test)."""

    def show(widget, width: int, height: int):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return show


@pytest.fixture
def isolated_settings(tmp_path):
    """QSettings() in the window reads and writes an INI file under tmp_path only, and
    the autosaves (the generic data folder: XDG_DATA_HOME) go there too."""
    Fmt, Scope = QtCore.QSettings.Format, QtCore.QSettings.Scope
    old_format = QtCore.QSettings.defaultFormat()
    old_data = os.environ.get("XDG_DATA_HOME")
    QtCore.QSettings.setDefaultFormat(Fmt.IniFormat)
    QtCore.QSettings.setPath(Fmt.IniFormat, Scope.UserScope, str(tmp_path / "user"))
    QtCore.QSettings.setPath(Fmt.IniFormat, Scope.SystemScope, str(tmp_path / "system"))
    os.environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    yield tmp_path
    QtCore.QSettings.setDefaultFormat(old_format)
    if old_data is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = old_data


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(restore_settings=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    w.close()
