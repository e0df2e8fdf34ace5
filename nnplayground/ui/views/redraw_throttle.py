"""Merging frequent redraw requests: at most a few a second, the last one wins.

Training sends snapshots up to 30 times a second. A live view redraws at most
``max_rate()`` times a second, not at all while hidden (another tab: ``flush()`` from its
``showEvent`` catches up), and, given a ``budget``, no more often than keeps its share of
the GUI thread within that budget: a view that costs 25 ms to restyle and paint (the
network drawing of [2, 32, 32, 32, 1]) with a budget of 5 % redraws twice a second, while
a cheap one (the default net, about 2 ms) keeps ``max_rate``. Every millisecond a view
spends in the GUI thread is a millisecond the canvas and the user's clicks wait.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

#: how much of the newest cost the running estimate takes (the rest is the old estimate)
COST_WEIGHT = 0.5
#: seconds between two redraws at most, whatever the budget says
MAX_GAP = 1.0


class RedrawThrottle(QObject):
    """Calls ``redraw()`` for ``widget`` when asked, at most ``max_rate()`` times a second.

    ``max_rate()`` is read at every request (None: redraw at once, every time), so the
    widget can keep it as a plain attribute. A request that comes too soon is put off to
    a single-shot timer; requests meanwhile merge into that one redraw.

    ``budget`` (a fraction of wall time, e.g. 0.05) also spaces redraws by their cost: the
    time ``redraw()`` takes plus that of the first paint after it, which the widget
    reports through ``painted()`` (other paints, of a resize or a drag, are not the
    redraw's), and work it reports through ``spent()`` (a picture drawn in steps after
    the paint), as a running estimate (``cost``); never more than ``MAX_GAP`` apart.
    ``clock`` is for tests.
    """

    def __init__(self, widget: QWidget, redraw: Callable[[], None],
                 max_rate: Callable[[], float | None], budget: float | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        super().__init__(widget)
        if budget is not None and not 0.0 < budget <= 1.0:
            raise ValueError(f"budget is a fraction of the time in (0, 1], not {budget}")
        self._widget = widget
        self._redraw = redraw
        self._max_rate = max_rate
        self._budget = budget
        self._clock = clock
        self.pending = False
        self._last = -math.inf
        self._spent = 0.0  # the last redraw's time and that of the paint after it
        self._paint_due = False  # the next paint shows the last redraw
        self.cost = 0.0  # running estimate of one redraw with its paints, in seconds
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def interval(self) -> float | None:
        """Seconds between two redraws at least (None: no limit)."""
        rate = self._max_rate()
        if rate is None:
            return None
        gap = 1.0 / rate
        if self._budget is not None:
            gap = max(gap, min(self.cost / self._budget, MAX_GAP))
        return gap

    def request(self) -> None:
        """Redraw now, or once the rate allows it and the widget is shown."""
        gap = self.interval()
        if gap is None:
            self.redraw_now()
            return
        self.pending = True
        if not self._widget.isVisible():
            return  # the widget's showEvent flushes
        wait = self._last + gap - self._clock()
        if wait <= 0:
            self.redraw_now()
        elif not self._timer.isActive():
            self._timer.start(max(1, math.ceil(wait * 1000)))

    def painted(self, seconds: float) -> None:
        """The widget spent ``seconds`` painting: the first paint after a redraw counts
        towards its cost."""
        if self._paint_due:
            self._paint_due = False
            self._spent += max(seconds, 0.0)

    def spent(self, seconds: float) -> None:
        """Work the last redraw caused after its paint (a picture drawn in steps) counts
        towards its cost, as its paint does."""
        self._spent += max(seconds, 0.0)

    def redraw_now(self) -> None:
        self._timer.stop()
        self.pending = False
        if math.isfinite(self._last):  # the previous redraw's cost is complete now
            self.cost += COST_WEIGHT * (self._spent - self.cost)
        t0 = self._last = self._clock()
        self._redraw()
        self._spent = self._clock() - t0
        self._paint_due = True

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
