"""The digit pad's answer as a picture, framed by the current task (``core.digits``).

Ten bars, one per digit: the probabilities, the winner orange, a dashed line at 50 %; or,
for a task without probabilities (the classic lesson), the network's output x 3 as an
orange line on the 0-3 number line above empty bars.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from nnplayground.core import digits as dg
from nnplayground.core.palette import OKABE_ITO
from nnplayground.ui.views.tick_grid import TickGrid

BAR = pg.mkBrush(OKABE_ITO[1])  # sky blue
WINNER = pg.mkBrush(OKABE_ITO[0])  # orange


def big_axes(plot: pg.PlotItem, size: int = 13) -> None:
    """Tick labels of ``size`` points in black on the left and bottom axes."""
    font = QFont()
    font.setPointSize(size)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(font)
        axis.setTextPen("k")


class DigitAnswerView(pg.PlotWidget):
    """``set_task(task)`` once per task change, ``show_reading(reading)`` per drawing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.setAccessibleName("Probability of each digit")
        self.setToolTip("Bar chart: how likely the network finds each digit 0-9")
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMenuEnabled(False)
        plot = self.getPlotItem()
        big_axes(plot)
        plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(dg.N_DIGITS)]])
        plot.setLabel("left", "probability")
        self.grid = TickGrid(plot, alpha=0.3, x=False)  # not showGrid: see tick_grid.py
        self.bar_item = pg.BarGraphItem(
            x=np.arange(dg.N_DIGITS), height=np.zeros(dg.N_DIGITS), width=0.75,
            brushes=[BAR] * dg.N_DIGITS, pen=pg.mkPen("k", width=1))
        plot.addItem(self.bar_item)
        dashed = pg.mkPen("#777777", width=1, style=Qt.PenStyle.DashLine)
        self.threshold_line = pg.InfiniteLine(pos=dg.CONFIDENT, angle=0, pen=dashed)
        plot.addItem(self.threshold_line)
        self.classic_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(OKABE_ITO[0], width=6))
        plot.addItem(self.classic_line)

    def set_task(self, task: dg.DigitTask) -> None:
        # Once per task change: axis labels and titles re-layout the plot, slow per frame.
        plot = self.getPlotItem()
        self.classic_line.setVisible(not task.probabilities)
        self.threshold_line.setVisible(task.probabilities)
        self.bar_item.setOpts(height=np.zeros(dg.N_DIGITS))
        plot.setRange(xRange=task.x_range, yRange=task.y_range, padding=0)
        plot.showAxis("left", task.probabilities)  # no probability axis on a number line
        plot.setTitle(task.plot_title)

    def show_reading(self, reading: dg.Reading) -> None:
        brushes = [BAR] * dg.N_DIGITS
        if reading.winner is not None:
            brushes[reading.winner] = WINNER
        self.bar_item.setOpts(height=reading.bars, brushes=brushes)
        if reading.marker is not None:
            self.classic_line.setValue(reading.marker)
