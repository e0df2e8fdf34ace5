"""Merging frequent redraw requests: at most a few a second, the last one wins.

Training sends snapshots up to 30 times a second, and the GUI thread's Python time is
taken from training through the GIL, so a live view redraws at most ``max_rate()`` times
a second and not at all while hidden (another tab): ``flush()`` from its ``showEvent``
catches up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget


class RedrawThrottle(QObject):
    """Calls ``redraw()`` for ``widget`` when asked, at most ``max_rate()`` times a second.

    ``max_rate()`` is read at every request (None: redraw at once, every time), so the
    widget can keep it as a plain attribute. A request that comes too soon is put off to
    a single-shot timer; requests meanwhile merge into that one redraw.
    """

    def __init__(self, widget: QWidget, redraw: Callable[[], None],
                 max_rate: Callable[[], float | None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._redraw = redraw
        self._max_rate = max_rate
        self.pending = False
        self._last = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def request(self) -> None:
        """Redraw now, or once the rate allows it and the widget is shown."""
        rate = self._max_rate()
        if rate is None:
            self.redraw_now()
            return
        self.pending = True
        if not self._widget.isVisible():
            return  # the widget's showEvent flushes
        wait = self._last + 1.0 / rate - time.perf_counter()
        if wait <= 0:
            self.redraw_now()
        elif not self._timer.isActive():
            self._timer.start(max(1, math.ceil(wait * 1000)))

    def redraw_now(self) -> None:
        self._timer.stop()
        self.pending = False
        self._last = time.perf_counter()
        self._redraw()

    def flush(self) -> None:
        """Apply a redraw that is waiting (throttled or hidden) now."""
        if self.pending:
            self.redraw_now()

    def cancel(self) -> None:
        """Forget a waiting redraw (what it would draw is gone)."""
        self._timer.stop()
        self.pending = False

    def _on_timer_timeout(self) -> None:
        if self.pending and self._widget.isVisible():
            self.redraw_now()
