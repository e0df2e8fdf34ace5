"""The grid as an item of its own (ui/views/tick_grid.py): it looks as pyqtgraph's axis
grid does, follows the range, and a live curve no longer draws it with the axes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter

from nnplayground.ui.views.error_view import ErrorCurveView
from nnplayground.ui.views.tick_grid import TickGrid, blended, level_alpha
from tests.ui.window_helpers import rgb_pixels


def _plot(shown, ours: bool, x_range, y_range, log_y=False, alpha=0.25) -> pg.PlotWidget:
    widget = pg.PlotWidget(background="w")
    plot = widget.getPlotItem()
    plot.setLogMode(x=False, y=log_y)
    if ours:
        TickGrid(plot, alpha=alpha)
    else:
        plot.showGrid(x=True, y=True, alpha=alpha)
    for side in ("left", "bottom"):  # no tick marks in the view, in either
        plot.getAxis(side).setStyle(tickLength=0)
    plot.setRange(xRange=x_range, yRange=y_range, padding=0)
    return shown(widget, 460, 320)


def _view_pixels(widget: pg.PlotWidget, inset: int = 2) -> np.ndarray:
    """RGB of the plot's view area, ``inset`` px in from its edges (where the axes' lines
    and tick marks are)."""
    view = widget.getPlotItem().getViewBox()
    rect = widget.mapFromScene(view.sceneBoundingRect()).boundingRect()
    rect = QRect(rect.left() + inset, rect.top() + inset, rect.width() - 2 * inset,
                 rect.height() - 2 * inset)
    return rgb_pixels(widget.grab(rect).toImage()).astype(int)


@pytest.mark.parametrize("foreground", ["k", "d"])  # the app's, pyqtgraph's default
@pytest.mark.parametrize("x_range, y_range, log_y", [
    ((0, 2000), (0, 0.8), False),  # an error curve's first minutes
    ((-3.7, 4.2), (-1.5, 2.5), False),  # a latent space
    ((0, 300), (-3, 0), True),  # errors from 0.001 to 1 on a log axis
])
def test_the_grid_looks_as_pyqtgraphs_axis_grid(shown, x_range, y_range, log_y, foreground):
    before = pg.getConfigOption("foreground")
    pg.setConfigOptions(foreground=foreground)
    try:
        theirs = _view_pixels(_plot(shown, False, x_range, y_range, log_y))
        ours = _view_pixels(_plot(shown, True, x_range, y_range, log_y))
    finally:
        pg.setConfigOptions(foreground=before)
    assert ours.shape == theirs.shape
    lines = (theirs < 250).any(axis=2)
    assert lines.mean() > 0.02  # there is a grid to compare: lines of both directions
    assert lines.any(axis=0).sum() > 5 and lines.any(axis=1).sum() > 5
    assert _differ_but_where_lines_cross(ours, theirs) < 0.001


def _differ_but_where_lines_cross(ours: np.ndarray, theirs: np.ndarray) -> float:
    """The share of pixels that differ, not counting those where a vertical and a
    horizontal line cross: pyqtgraph's translucent lines are blended twice there, ours
    are opaque (never darker than theirs, to 3 colour levels)."""
    drawn = (ours < 255).any(axis=2)
    columns, rows = drawn.mean(axis=0) > 0.8, drawn.mean(axis=1) > 0.8
    crossings = rows[:, None] & columns[None, :]
    differ = (np.abs(ours - theirs) > 3).any(axis=2)
    assert (ours[crossings] >= theirs[crossings] - 3).all()
    return float(differ[~crossings].mean())


def test_the_grid_follows_the_range(shown, qtbot):
    widget = _plot(shown, True, (0, 10), (0, 10))
    grid = next(item for item in widget.getPlotItem().items if isinstance(item, TickGrid))
    before = sorted({line.x1() for _, lines in grid.lines for line in lines if line.dx() == 0})
    widget.getPlotItem().setRange(xRange=(0, 1000), yRange=(0, 10), padding=0)
    qtbot.waitUntil(lambda: max(line.x1() for _, lines in grid.lines for line in lines
                                if line.dx() == 0) > 10)
    after = sorted({line.x1() for _, lines in grid.lines for line in lines if line.dx() == 0})
    assert max(before) <= 10 < max(after) <= 1000
    theirs = _view_pixels(_plot(shown, False, (0, 1000), (0, 10)))
    assert _differ_but_where_lines_cross(_view_pixels(widget), theirs) < 0.001


def test_the_opacity_of_each_level_is_pyqtgraphs():
    # pyqtgraph: alpha 0.25 is 63 of 255; a level's lines int(255 / (level + 1) * 63 / 255
    # * clip(0.05 * pixels / (ticks + 1), 0, 1)) of 255
    assert level_alpha(0, 4, 400, 0.25) == 63 / 255  # few ticks: the full opacity
    assert level_alpha(1, 4, 400, 0.25) == 31 / 255
    assert level_alpha(0, 39, 400, 0.25) == 31 / 255  # crowded: half as strong
    assert level_alpha(0, 4, 400, 1.0) == 1.0
    grey = blended(pg.mkColor("k"), 63 / 255, pg.mkColor("w"))
    assert grey.getRgb()[:3] == (192, 192, 192)  # 255 * 192 / 255


def test_the_error_views_only_grid_is_its_tick_grid(shown):
    # pyqtgraph's axis grid is off (each frame drew it with both axes again); the grid
    # seen is the TickGrid, under the curves.
    view = shown(ErrorCurveView(), 420, 260)
    view.append([0.7, 0.5, 0.4, 0.35], None)
    view.flush()
    view.train_curve.hide()
    view.getPlotItem().legend.hide()
    ticks = 8  # the axes' tick marks reach 5 px into the view, from where they start
    assert (_view_pixels(view, ticks) < 250).any(axis=2).mean() > 0.02  # the grid is drawn
    view.grid.hide()
    assert not (_view_pixels(view, ticks) < 250).any()  # and nothing else draws one
    # The context menu offers no pyqtgraph grid to draw over it.
    menu = view.getPlotItem().ctrlMenu
    assert [a for a in menu.actions() if a.text() == "Grid" and not a.isVisible()]
    assert not [a for a in menu.actions() if a.text() == "Grid" and a.isVisible()]


def test_no_label_is_cut_at_the_plots_end(shown):
    # As with pyqtgraph's grid, an axis keeps its labels within the plot's length: the
    # error axis's top label (1.0 here) was drawn half above the view, cut by the edge.
    view = shown(ErrorCurveView(), 420, 260)
    view.append([0.8, 0.5, 0.4, 0.35], None)  # the axis ends at 1.25 x 0.8
    view.flush()
    plot = view.getPlotItem()
    assert plot.getViewBox().viewRange()[1][1] == pytest.approx(1.0)  # a tick at the top
    axis = plot.getAxis("left")
    image = QImage(8, 8, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        _, _, labels = axis.generateDrawSpecs(painter)  # what the axis draws: (rect, flags, text)
    finally:
        painter.end()
    length = axis.geometry().height()
    assert len(labels) >= 4
    assert all(0 <= rect.top() and rect.bottom() <= length for rect, _, _ in labels), \
        [(text, rect.top(), rect.bottom()) for rect, _, text in labels]


def test_a_hidden_axis_has_no_grid(shown, qtbot):
    # The digit pad's classic task hides the probability axis: no lines across its bars.
    from nnplayground.core import digits as dg
    from nnplayground.ui.digits.answer_view import DigitAnswerView

    view = shown(DigitAnswerView(), 420, 260)
    tasks = {task.probabilities: task for task in dg.TASKS}
    view.set_task(tasks[True])
    qtbot.waitUntil(lambda: bool(view.grid.lines))
    view.set_task(tasks[False])
    qtbot.waitUntil(lambda: not view.grid.lines)
    view.set_task(tasks[True])
    qtbot.waitUntil(lambda: bool(view.grid.lines))
    assert all(line.dy() == 0 for _, lines in view.grid.lines for line in lines)  # y only
