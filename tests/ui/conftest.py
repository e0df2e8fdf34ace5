"""Fixtures shared by the widget tests."""

from __future__ import annotations

import pytest


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
