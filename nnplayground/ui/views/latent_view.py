"""The autoencoder's latent space: each point's 2-D code, coloured by its class."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnplayground.core.palette import class_color
from nnplayground.ui.views.tick_grid import TickGrid


class LatentView(pg.PlotWidget):
    """Scatter of codes ``Z`` (n, latent); the first two latent units are the axes.

    Equal aspect (distances in the code are what the autoencoder learned) and auto-range
    on every update, because codes drift while training.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background="w")
        self.setAccessibleName("Latent space")
        self.setToolTip("Where the autoencoder puts each point in its 2-D code (bottleneck)")
        pi = self.getPlotItem()
        pi.setLabel("bottom", "code unit 1")
        pi.setLabel("left", "code unit 2")
        self.grid = TickGrid(pi, alpha=0.2)  # not showGrid: see tick_grid.py
        pi.setAspectLocked(True)
        for side in ("left", "bottom"):  # "(x0.001)" next to the axis confuses students
            pi.getAxis(side).enableAutoSIPrefix(False)
        self.scatter = pg.ScatterPlotItem(size=8, pen=pg.mkPen((255, 255, 255, 200), width=1))
        pi.addItem(self.scatter)
        self._brushes: dict[int, object] = {}

    def set_codes(self, Z: np.ndarray | None, labels: np.ndarray | None = None) -> None:
        """Show codes ``Z`` (n, latent >= 1) coloured by ``labels`` (n,) int (None: class 0)."""
        if Z is None or len(Z) == 0:
            self.scatter.setData(x=np.empty(0), y=np.empty(0))
            return
        Z = np.asarray(Z, dtype=np.float64).reshape(len(Z), -1)
        x = Z[:, 0]
        y = Z[:, 1] if Z.shape[1] > 1 else np.zeros(len(Z))  # 1-D code: a number line
        # ... without a "code unit 2" axis (and its grid) that a one-number code has not
        self.getPlotItem().showAxis("left", Z.shape[1] > 1)
        labels = np.zeros(len(Z), dtype=int) if labels is None else np.asarray(labels, dtype=int)
        brushes = [self._brush(int(k)) for k in labels]
        finite = np.isfinite(x) & np.isfinite(y)
        self.scatter.setData(x=x[finite], y=y[finite],
                             brush=[b for b, f in zip(brushes, finite) if f])
        self.getPlotItem().getViewBox().autoRange(padding=0.1)

    def clear_codes(self) -> None:
        """No codes: a new model has not encoded anything yet. (Not ``clear``: PlotWidget
        forwards that name to its PlotItem, which would remove the scatter itself.)"""
        self.set_codes(None)

    def _brush(self, k: int):
        # mkBrush per point per frame is the slow part of a scatter; cache by class
        if k not in self._brushes:
            self._brushes[k] = pg.mkBrush(class_color(k))
        return self._brushes[k]
