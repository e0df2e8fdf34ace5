"""Presentation mode (F11): full screen, everything larger, nothing clipped, and F11
again gives back exactly the sizes of before."""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

import pyqtgraph as pg  # isort: skip

from nnplayground.ui.window.window_actions import PRESENTATION_SCALE


def sizes_of(w) -> dict:
    app = QtWidgets.QApplication.instance()
    axis = w.canvas.plot_item.getAxis("bottom")
    tick = axis.style["tickFont"]
    return {
        "app": app.font().pointSizeF(),
        "tick": None if tick is None else tick.pointSizeF(),
        "label": dict(axis.labelStyle),
        "points": w.canvas.POINT_SIZE,
        # the points' scatter: the first one the canvas adds
        "drawn": next(i for i in w.canvas.plot_item.items
                      if isinstance(i, pg.ScatterPlotItem)).opts["size"],
        "legend": w.error_view.getPlotItem().legend.opts["labelTextSize"],
        "network": w.network_view._text_scale,
        "splitters": [s.sizes() for s in [w.splitter, *w.splitter.findChildren(QtWidgets.QSplitter)]],
        "geometry": w.geometry(),
    }


def clipped_in_side_panel(w) -> list[str]:
    """Texts of the side panel's labels, buttons and spin boxes narrower than their size
    hint, or reaching past the panel's visible width."""
    scroll = w.splitter.widget(0)
    viewport = scroll.viewport()
    bad = []
    kinds = (QtWidgets.QLabel, QtWidgets.QAbstractButton, QtWidgets.QAbstractSpinBox,
             QtWidgets.QComboBox)
    for widget in scroll.widget().findChildren(QtWidgets.QWidget):
        if not isinstance(widget, kinds) or not widget.isVisibleTo(scroll):
            continue
        if isinstance(widget, QtWidgets.QLabel) and widget.wordWrap():
            continue  # wraps instead of clipping
        right = widget.mapTo(viewport, widget.rect().topRight()).x()
        if widget.sizeHint().width() > widget.width() or right > viewport.width():
            text = getattr(widget, "text", lambda: widget.accessibleName())()
            bad.append(f"{text!r}: hint {widget.sizeHint().width()}, width {widget.width()}, "
                       f"right edge {right} of {viewport.width()}")
    return bad


def test_f11_scales_up_without_clipping_and_back_exactly(qtbot, window):
    w = window
    w.load_preset("Spiral", 0, 0.0)
    w.model_panel.kind_combo.setCurrentIndex(w.model_panel.kind_combo.findData("mlp"))
    qtbot.waitUntil(lambda: w.trainer.model.kind == "mlp")
    qtbot.wait(50)
    before = sizes_of(w)
    assert before["tick"] is None  # the canvas's ticks follow the view's font normally

    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen)
    qtbot.wait(50)
    on = sizes_of(w)
    f = PRESENTATION_SCALE
    assert w.actions_.presentation.isChecked()
    assert on["app"] == before["app"] * f
    assert on["tick"] == before["app"] * f
    assert on["label"]["font-size"] == f"{before['app'] * f:.1f}pt"
    assert on["points"] == before["points"] * f and on["drawn"] == before["drawn"] * f
    assert on["legend"] == "13.5pt" and before["legend"] == "9pt"
    assert on["network"] == f and before["network"] == 1.0
    assert on["splitters"][0][0] > before["splitters"][0][0]  # the side panel widened
    assert clipped_in_side_panel(w) == []
    # A click still finds a (larger) point: the hit radius grew with it.
    assert w.canvas.HIT_RADIUS_PX == type(w.canvas).HIT_RADIUS_PX * f

    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen())
    qtbot.waitUntil(lambda: sizes_of(w)["splitters"] == before["splitters"], timeout=3000)
    assert not w.actions_.presentation.isChecked()
    assert sizes_of(w) == before
    assert "POINT_SIZE" not in vars(w.canvas)  # the class's value again, not a copy


def test_side_panel_is_clipped_without_the_widening(qtbot, window):
    """The check above can fail: larger fonts alone do clip the side panel."""
    from nnplayground.ui.window import presentation

    w = window
    w.load_preset("Spiral", 0, 0.0)
    w.model_panel.kind_combo.setCurrentIndex(w.model_panel.kind_combo.findData("mlp"))
    presentation.apply_scale(w, PRESENTATION_SCALE)
    try:
        qtbot.waitUntil(lambda: clipped_in_side_panel(w) != [], timeout=2000)
    finally:
        presentation.apply_scale(w, 1.0)
    assert presentation.current_scale(w) == 1.0


def test_digit_page_built_in_presentation_mode_gets_large_axes(qtbot, window):
    w = window
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen)
    app_points = QtWidgets.QApplication.instance().font().pointSizeF()
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.digit_panel is not None)
    plot = w.digit_panel.bar_plot.getPlotItem()
    # The pad's own 13 pt ticks, times the factor; not scaled twice.
    assert plot.getAxis("left").style["tickFont"].pointSizeF() == 13 * PRESENTATION_SCALE
    assert plot.getAxis("left").labelStyle["font-size"] == f"{app_points:.1f}pt"
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen())
    assert plot.getAxis("left").style["tickFont"].pointSizeF() == 13
    # Its own text size comes back too, although it was built while the app font was
    # scaled: the same as a digit page built outside presentation mode.
    from nnplayground.ui.digits.digit_panel import DigitPanel

    normal = DigitPanel(auto_train=False)
    try:
        assert w.digit_panel.font().pointSizeF() == normal.font().pointSizeF()
    finally:
        normal.shutdown()
        normal.deleteLater()


def test_latent_view_built_in_presentation_mode_gets_large_axes(qtbot, window):
    w = window
    assert w.latent_view is None  # built for the first autoencoder
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen)
    app_points = QtWidgets.QApplication.instance().font().pointSizeF()
    w.load_preset("Two blobs (autoencoder)")
    combo = w.model_panel.kind_combo
    combo.setCurrentIndex(combo.findData("autoencoder"))
    qtbot.waitUntil(lambda: w.trainer.model.kind == "autoencoder")
    axis = w.latent_view.getPlotItem().getAxis("bottom")
    assert w.tabs.currentWidget() is w.latent_view
    assert axis.style["tickFont"].pointSizeF() == app_points
    assert axis.labelStyle["font-size"] == f"{app_points:.1f}pt"
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen())
    assert axis.style["tickFont"] is None  # as a latent view built outside presentation mode


def test_f11_on_a_projector_leaves_the_toolbars_numbers_whole(qtbot, window):
    """At 1024 x 768 the readouts kept the width of the normal font: "Epoch 15(6)" and
    "Test e(rror)" were cut on the projector."""
    w = window
    w.actions_.update_readout(156, 0.0141, 0.25)
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen)
    w.resize(1024, 768)  # the projector's screen (the tests' screen is wider)
    qtbot.waitUntil(lambda: w.width() == 1024)
    qtbot.wait(50)
    for label in (w.epoch_label, w.error_label):
        needed = label.fontMetrics().horizontalAdvance(label.text())
        assert label.isVisible() and label.contentsRect().width() >= needed, label.text()
    play = w.actions_.toolbar.widgetForAction(w.actions_.play)
    assert play.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert play.toolTip() and not play.icon().isNull()
    qtbot.keyClick(w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen())
    assert play.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
