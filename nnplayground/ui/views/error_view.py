"""The error curve: training and test error per epoch, live while training."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction

from nnplayground.core.palette import OKABE_ITO
from nnplayground.ui.views.redraw_throttle import RedrawThrottle
from nnplayground.ui.views.tick_grid import TickGrid

#: Pixels kept free right of the plot: the epoch axis's last label (at the right end of
#: its range) is drawn there instead of being dropped at the window's edge.
RIGHT_ROOM = 16
#: In log mode errors are clipped up to this floor: a perceptron's error reaches exactly 0
#: and log10(0) would drop the point (and the curve's most important moment).
LOG_FLOOR = 1e-6
TRAIN_COLOR = OKABE_ITO[4]  # blue: neither of the first two class colours
TEST_COLOR = OKABE_ITO[5]  # vermillion
#: Histories up to this many epochs also mark each epoch with a dot: a line needs two
#: points, so the first Step would otherwise draw nothing, and while a class steps
#: through the first epochs each step is one dot.
DOTS_UP_TO = 30


class _Curve(pg.PlotDataItem):
    """A curve that applies its view's pending (throttled) data before being read."""

    def __init__(self, flush: Callable[[], None], **kwargs) -> None:
        super().__init__(**kwargs)
        self._flush = flush

    def getData(self):
        self._flush()
        return super().getData()


class _EpochAxis(pg.AxisItem):
    """The epoch axis, whose labels may reach ``RIGHT_ROOM`` pixels past its right end.

    pyqtgraph drops a label that reaches past its axis, so the label of the range's last
    epoch was never drawn."""

    def boundingRect(self):
        return super().boundingRect().adjusted(0, 0, RIGHT_ROOM, 0)


class ErrorCurveView(pg.PlotWidget):
    """Train (solid) and test (dashed) error against epoch.

    ``append(train, test)`` takes all errors since the last call (a snapshot's history);
    data lives in growing NumPy buffers (capacity doubles), so appending is amortised O(1)
    and the curves get views of the filled part.

    The axes are ranged here, not by pyqtgraph's auto-range: that recomputed the data
    bounds and regenerated both axes' ticks on every frame, the largest cost of drawing
    while training (and every millisecond of the GUI thread's Python is taken from the
    training thread, through the GIL). The epoch axis grows by doubling; the error axis
    changes only when a value leaves it, then with headroom. So the axes are redrawn a
    handful of times per run instead of 30 times a second.

    Drawing thousands of antialiased points is still the dearest part of a frame, so the
    curves follow the data at most ``max_rate`` times a second (a single-shot timer makes
    sure the last data are always shown) and not at all while the view is hidden. The
    stored data (``data()``, ``len``) are always complete, and reading a curve
    (``train_curve.getData()``) applies what is pending first.
    """

    #: curve updates per second at most (None: every ``append`` redraws at once)
    max_rate: float | None = 10.0
    #: the share of the GUI thread's time updating and painting the curves may take
    time_budget = 0.05

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w", axisItems={"bottom": _EpochAxis("bottom")})
        # PlotWidget binds plotItem.clear onto the instance (removing our curves); ours wins
        del self.clear
        self.setAccessibleName("Error curve")
        self.setToolTip("Training error (solid) and test error (dashed) after each epoch")
        pi = self.getPlotItem()
        pi.setLabel("bottom", "epoch")
        pi.setLabel("left", "error")
        for side in ("left", "bottom"):  # "error (x0.001)" over ticks 200-800 read wrong
            pi.getAxis(side).enableAutoSIPrefix(False)
        # The plot ran into the window's right edge and lost the last epoch label.
        left, top, _, bottom = pi.layout.getContentsMargins()
        pi.layout.setContentsMargins(left, top, RIGHT_ROOM, bottom)
        self.grid = TickGrid(pi, alpha=0.25)  # not showGrid: see tick_grid.py
        # On a light box of its own: a noisy curve ran through "train" and "test". Not
        # opaque: a curve that stays up there (a competitive layer's) shows through it.
        pi.addLegend(offset=(-10, 10), brush=(255, 255, 255, 170), pen=(200, 200, 200))
        pi.setDownsampling(auto=True, mode="peak")
        pi.setClipToView(True)
        self.train_curve = _Curve(self.flush, name="train", pen=pg.mkPen(TRAIN_COLOR, width=2))
        self.test_curve = _Curve(
            self.flush, name="test", pen=pg.mkPen(TEST_COLOR, width=2, style=Qt.PenStyle.DashLine))
        for curve, color in ((self.train_curve, TRAIN_COLOR), (self.test_curve, TEST_COLOR)):
            curve.setSymbolSize(6)
            curve.setSymbolBrush(color)
            curve.setSymbolPen(color)
            # Peak downsampling keeps a min and a max per bucket; one bucket per pixel
            # (pyqtgraph's default is five) draws the same picture from a fifth of the
            # points: an antialiased, dashed path of thousands of points cost ~10 ms.
            curve.opts["autoDownsampleFactor"] = 1.0
            pi.addItem(curve)
        self._throttle = RedrawThrottle(self, self._draw, lambda: self.max_rate,
                                        budget=self.time_budget)
        self._cap = 0
        self._n = 0
        self._train = np.empty(0)
        self._test = np.empty(0)
        self._epochs = np.empty(0)
        self._log = False
        self._lo = math.inf  # finite min / max of what is shown (log10 units in log mode)
        self._hi = -math.inf
        self._xr: float | None = None  # current epoch range [0, _xr]
        self._yr: tuple[float, float] | None = None
        self._marker: pg.InfiniteLine | None = None
        pi.getViewBox().disableAutoRange()

        self.log_scale_action = QAction("Logarithmic error axis", self)
        self.log_scale_action.setCheckable(True)
        self.log_scale_action.setToolTip(
            "Show the error on a log scale (small errors late in training become visible)")
        self.log_scale_action.setObjectName("log_scale_action")
        # QAction has no accessible name of its own; buttons made from it use the text
        self.log_scale_action.setStatusTip(self.log_scale_action.toolTip())
        self.log_scale_action.toggled.connect(self._on_log_scale_action_toggled)
        self.addAction(self.log_scale_action)
        pi.getViewBox().menu.addAction(self.log_scale_action)

    # ------------------------------------------------------------------ data
    def append(self, train_errors: Sequence[float], test_errors: Sequence[float] | None = None) -> None:
        """Add one point per epoch. ``test_errors`` may be None or hold None/NaN (no test
        set): those epochs leave a gap in the test curve."""
        train = np.asarray(train_errors, dtype=np.float64).ravel()
        k = len(train)
        if k == 0:
            return
        if test_errors is None:
            test = np.full(k, np.nan)
        else:
            test = np.array([np.nan if v is None else v for v in test_errors], dtype=np.float64)
            if len(test) != k:
                raise ValueError(f"{k} training errors but {len(test)} test errors")
        self._reserve(self._n + k)
        self._train[self._n:self._n + k] = train
        self._test[self._n:self._n + k] = test
        self._epochs[self._n:self._n + k] = np.arange(self._n + 1, self._n + k + 1)
        self._n += k
        self._extend_limits(self._train[self._n - k:self._n], self._test[self._n - k:self._n])
        self._throttle.request()

    def clear(self) -> None:
        """Forget every point (Reset / new model)."""
        self._n = 0
        self._lo, self._hi = math.inf, -math.inf
        self._xr = self._yr = None
        self._refresh()

    def truncate(self, epoch: int) -> None:
        """Keep the epochs up to ``epoch`` only (play went on from an earlier epoch: the
        later history is gone, as redo is after an edit)."""
        keep = int(np.searchsorted(self._epochs[:self._n], int(epoch), side="right"))
        if keep == self._n:
            return
        self._n = keep
        self._lo, self._hi = math.inf, -math.inf
        self._xr = self._yr = None
        if keep:
            self._extend_limits(self._train[:keep], self._test[:keep])
        self._refresh()

    def set_marker(self, epoch: float | None) -> None:
        """A vertical line at ``epoch`` (the epoch scrubbed back to); None removes it."""
        if self._marker is None:
            if epoch is None:
                return
            self._marker = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen("#555555", width=1.5,
                                                        style=Qt.PenStyle.DotLine))
            self.getPlotItem().addItem(self._marker, ignoreBounds=True)
        self._marker.setVisible(epoch is not None)
        if epoch is not None:
            self._marker.setValue(float(epoch))

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of (epochs (n,), train (n,), test (n,)) as appended (not clipped)."""
        n = self._n
        return self._epochs[:n].copy(), self._train[:n].copy(), self._test[:n].copy()

    def __len__(self) -> int:
        return self._n

    def flush(self) -> None:
        """Draw data that are waiting (throttled or hidden) now."""
        self._throttle.flush()

    def viewportEvent(self, event) -> bool:
        if event.type() != QEvent.Type.Paint:
            return super().viewportEvent(event)
        t0 = time.perf_counter()
        handled = super().viewportEvent(event)
        self._throttle.painted(time.perf_counter() - t0)
        return handled

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.flush()

    # ------------------------------------------------------------------ log scale
    def set_log_scale(self, on: bool) -> None:
        """Logarithmic y axis; errors below ``LOG_FLOOR`` (zeros) are drawn at the floor."""
        on = bool(on)
        if self.log_scale_action.isChecked() != on:
            self.log_scale_action.setChecked(on)  # re-enters through the toggled slot
            return
        self._log = on
        self.getPlotItem().setLogMode(x=False, y=on)
        self._lo, self._hi, self._yr = math.inf, -math.inf, None
        self._extend_limits(self._train[:self._n], self._test[:self._n])
        self._refresh()

    def is_log_scale(self) -> bool:
        return self._log

    def _on_log_scale_action_toggled(self, checked: bool) -> None:
        self.set_log_scale(checked)

    # ------------------------------------------------------------------ internals
    def _reserve(self, needed: int) -> None:
        if needed <= self._cap:
            return
        cap = max(1024, self._cap)
        while cap < needed:
            cap *= 2
        for name in ("_train", "_test", "_epochs"):
            old = getattr(self, name)
            new = np.empty(cap)
            new[:self._n] = old[:self._n]
            setattr(self, name, new)
        self._cap = cap

    def _shown(self, values: np.ndarray) -> np.ndarray:
        if not self._log:
            return values
        with np.errstate(invalid="ignore"):
            return np.where(np.isnan(values), np.nan, np.maximum(values, LOG_FLOOR))

    def _extend_limits(self, train: np.ndarray, test: np.ndarray) -> None:
        """Fold new values into the running finite min/max of the shown data."""
        values = np.concatenate([train, test])
        with np.errstate(all="ignore"):
            if self._log:
                values = np.log10(np.maximum(values, LOG_FLOOR))
        values = values[np.isfinite(values)]
        if values.size:
            self._lo = min(self._lo, float(values.min()))
            self._hi = max(self._hi, float(values.max()))

    def _update_range(self) -> None:
        """Set the view's range when the data need it (see the class docstring)."""
        x_needed = max(self._n, 1)
        xr = self._xr
        if xr is None or x_needed > xr:
            xr = 16.0
            while xr < x_needed:
                xr *= 2
        yr = self._yr
        lo, hi = self._lo, self._hi
        if not (math.isfinite(lo) and math.isfinite(hi)):
            yr = (math.log10(LOG_FLOOR), 0.0) if self._log else (0.0, 1.0)
        elif yr is None or lo < yr[0] or hi > yr[1]:
            if self._log:  # half a decade of room below: errors keep falling
                yr = (math.floor(2 * lo) / 2 - 0.5, math.ceil(2 * hi) / 2 + 0.1)
            else:
                span = max(hi - min(lo, 0.0), 1e-12)
                yr = (min(lo, 0.0), hi + 0.25 * span)
        if xr != self._xr or yr != self._yr:
            self._xr, self._yr = xr, yr
            self.getPlotItem().getViewBox().setRange(xRange=(0.0, xr), yRange=yr, padding=0.0)

    def _refresh(self) -> None:
        """Draw now, whatever the throttle (the data were replaced, not extended)."""
        self._throttle.redraw_now()

    def _draw(self) -> None:
        n = self._n
        x = self._epochs[:n]
        train = self._shown(self._train[:n])
        test = self._shown(self._test[:n])
        symbol = "o" if n <= DOTS_UP_TO else None
        for curve in (self.train_curve, self.test_curve):
            if curve.opts["symbol"] != symbol:
                curve.setSymbol(symbol)
        self.train_curve.setData(x, train, connect="finite")  # a diverged epoch is a gap
        has_test = bool(n) and bool(np.isfinite(test).any())
        # connect="finite" leaves gaps where an epoch had no test error
        self.test_curve.setData(x if has_test else np.empty(0), test if has_test else np.empty(0),
                                connect="finite")
        self._update_range()
