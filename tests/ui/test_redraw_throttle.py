"""The redraw throttle: a view's redraws merge to ``max_rate`` a second, and a costly view
keeps its share of the GUI thread within its time budget (a fake clock: no timing here)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from nnplayground.ui.views.redraw_throttle import RedrawThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def widget(shown):
    return shown(QWidget(), 50, 50)


def make(widget, clock, cost=0.0, rate=10.0, budget=None):
    """A throttle whose redraw takes ``cost`` seconds on the fake clock; returns it and the
    list of clock times the redraws started at."""
    drawn = []

    def redraw():
        drawn.append(clock.now)
        clock.now += cost

    return RedrawThrottle(widget, redraw, lambda: rate, budget=budget, clock=clock), drawn


def test_requests_within_the_rate_merge_into_one_waiting_redraw(widget):
    clock = FakeClock()
    throttle, drawn = make(widget, clock)
    throttle.request()
    assert drawn == [100.0] and not throttle.pending
    clock.now += 0.03
    throttle.request()
    throttle.request()
    assert drawn == [100.0] and throttle.pending  # put off, not lost
    clock.now = 100.1
    throttle.request()
    assert drawn == [100.0, 100.1] and not throttle.pending


def test_a_cheap_view_keeps_the_rate_within_its_budget(widget):
    clock = FakeClock()
    throttle, drawn = make(widget, clock, cost=0.002, budget=0.05)
    for k in range(5):
        clock.now = 100.0 + 0.1 * k
        throttle.request()
    assert len(drawn) == 5  # 2 ms a redraw at 10 a second is 2 %: under 5 %
    assert throttle.interval() == pytest.approx(0.1)


def test_a_costly_view_is_spaced_by_its_cost_over_the_budget(widget):
    clock = FakeClock()
    throttle, drawn = make(widget, clock, cost=0.010, budget=0.05)
    for _ in range(12):  # a redraw's cost is known once its paint is done: a running mean
        throttle.request()
        throttle.painted(0.015)  # the paint that followed: 25 ms in all
        clock.now += 1.0
    assert throttle.cost == pytest.approx(0.025, rel=1e-3)
    assert throttle.interval() == pytest.approx(0.5, rel=1e-3)  # 2 a second, not 10
    throttle.request()
    start = drawn[-1]
    clock.now = start + 0.2  # a frame at 10 a second would be due: this one is not
    throttle.request()
    assert drawn[-1] == start and throttle.pending
    clock.now = start + 0.5
    throttle.request()
    assert drawn[-1] == start + 0.5 and not throttle.pending


def test_paints_that_are_not_a_redraws_do_not_count_and_the_gap_is_capped(widget):
    """A resize or a splitter drag repaints many times: only the paint that shows a
    redraw is its cost, and however dear a redraw, the next comes within a second."""
    clock = FakeClock()
    throttle, drawn = make(widget, clock, cost=0.004, budget=0.05)
    for _ in range(12):
        throttle.request()
        for _ in range(40):  # a drag: 40 paints of 25 ms
            throttle.painted(0.025)
        clock.now += 1.0
    throttle.request()
    assert throttle.cost == pytest.approx(0.029, rel=1e-3)  # 4 + one paint of 25 ms
    throttle.painted(10.0)  # the paint of the redraw just made: a very slow one
    clock.now += 1.0
    throttle.request()
    assert throttle.cost > 1.0 and throttle.interval() == pytest.approx(1.0)


def test_without_a_budget_the_cost_does_not_slow_the_rate(widget):
    clock = FakeClock()
    throttle, drawn = make(widget, clock, cost=0.050)
    throttle.request()
    throttle.painted(0.05)
    clock.now += 0.1
    throttle.request()
    assert len(drawn) == 2
    assert throttle.interval() == pytest.approx(0.1)


def test_a_waiting_redraw_is_applied_by_its_timer(widget, qtbot):
    throttle, drawn = make(widget, FakeClock(), cost=0.0)
    throttle.request()
    throttle.request()  # too soon on the fake clock: a single-shot timer takes it
    assert throttle.pending
    qtbot.waitUntil(lambda: not throttle.pending, timeout=2000)
    assert len(drawn) == 2


def test_the_budget_is_a_fraction(widget):
    with pytest.raises(ValueError, match="fraction"):
        RedrawThrottle(widget, lambda: None, lambda: 10.0, budget=5)
