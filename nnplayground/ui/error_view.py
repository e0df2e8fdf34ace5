"""The error curve: training and test error per epoch, live while training."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from nnplayground.core.geometry import OKABE_ITO

#: In log mode errors are clipped up to this floor: a perceptron's error reaches exactly 0
#: and log10(0) would drop the point (and the curve's most important moment).
LOG_FLOOR = 1e-6
TRAIN_COLOR = OKABE_ITO[4]  # blue: neither of the first two class colours
TEST_COLOR = OKABE_ITO[5]  # vermillion


class ErrorCurveView(pg.PlotWidget):
    """Train (solid) and test (dashed) error against epoch.

    ``append(train, test)`` takes all errors since the last call (a snapshot's history);
    data lives in growing NumPy buffers (capacity doubles), so appending is amortised O(1)
    and the curves get views of the filled part.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w")
        # PlotWidget binds plotItem.clear onto the instance (removing our curves); ours wins
        del self.clear
        self.setAccessibleName("Error curve")
        self.setToolTip("Training error (solid) and test error (dashed) after each epoch")
        pi = self.getPlotItem()
        pi.setLabel("bottom", "epoch")
        pi.setLabel("left", "error")
        pi.showGrid(x=True, y=True, alpha=0.25)
        pi.addLegend(offset=(-10, 10))
        pi.setDownsampling(auto=True, mode="peak")
        pi.setClipToView(True)
        self.train_curve = pi.plot(name="train", pen=pg.mkPen(TRAIN_COLOR, width=2))
        self.test_curve = pi.plot(
            name="test", pen=pg.mkPen(TEST_COLOR, width=2, style=Qt.PenStyle.DashLine))
        self._cap = 0
        self._n = 0
        self._train = np.empty(0)
        self._test = np.empty(0)
        self._epochs = np.empty(0)
        self._log = False

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
        self._refresh()

    def clear(self) -> None:
        """Forget every point (Reset / new model)."""
        self._n = 0
        self._refresh()

    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of (epochs (n,), train (n,), test (n,)) as appended (not clipped)."""
        n = self._n
        return self._epochs[:n].copy(), self._train[:n].copy(), self._test[:n].copy()

    def __len__(self) -> int:
        return self._n

    # ------------------------------------------------------------------ log scale
    def set_log_scale(self, on: bool) -> None:
        """Logarithmic y axis; errors below ``LOG_FLOOR`` (zeros) are drawn at the floor."""
        on = bool(on)
        if self.log_scale_action.isChecked() != on:
            self.log_scale_action.setChecked(on)  # re-enters through the toggled slot
            return
        self._log = on
        self.getPlotItem().setLogMode(x=False, y=on)
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

    def _refresh(self) -> None:
        n = self._n
        x = self._epochs[:n]
        train = self._shown(self._train[:n])
        test = self._shown(self._test[:n])
        self.train_curve.setData(x, train, connect="finite")  # a diverged epoch is a gap
        has_test = bool(n) and bool(np.isfinite(test).any())
        # connect="finite" leaves gaps where an epoch had no test error
        self.test_curve.setData(x if has_test else np.empty(0), test if has_test else np.empty(0),
                                connect="finite")
