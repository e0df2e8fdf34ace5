"""Presentation mode's scaling: everything a class at the back of a room has to read.

The application font reaches Qt widgets that inherit it, but not what was given a size
of its own: widgets with an explicit font, pyqtgraph's axis titles (HTML with the font of
their creation), tick fonts, legends and titles, scatter symbols and pens in pixels, the
network drawing's texts. ``apply_scale(window, factor)`` scales all of these from the
sizes they had before the first scaling, which it keeps, so ``apply_scale(window, 1.0)``
gives back exactly the previous sizes (not a division that rounds).
"""

from __future__ import annotations

import re
import weakref

from PySide6 import QtCore, QtGui, QtWidgets  # before pyqtgraph: it picks the binding
from PySide6.QtCore import Qt

import pyqtgraph as pg  # isort: skip

#: Fonts at least this large (the digit pad's answer) are read from anywhere already.
LARGE_POINTS = 40.0
#: QFont::SizeResolved: the font sets its size (PySide6 does not export the enum).
_SIZE_RESOLVED = 0x0002
_SIZE_RE = re.compile(r"^\s*([0-9.]+)\s*(pt|px)\s*$")


class _ScaleState:
    """What was changed, with the value to put back: ``restore[key] = (undo, payload)``."""

    def __init__(self, factor: float, app_points: float) -> None:
        self.factor = factor
        #: the unscaled application font's size: what unsized pyqtgraph texts are drawn at
        self.app_points = app_points
        self.restore: dict = {}


#: window -> its _ScaleState while it is scaled (kept here, not on the window).
_SCALED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def current_scale(window) -> float:
    """The factor ``apply_scale`` last applied to ``window`` (1.0 when none)."""
    state = _SCALED.get(window)
    return 1.0 if state is None else state.factor


def apply_scale(window: QtWidgets.QWidget, factor: float) -> None:
    """Scale ``window``'s texts, symbols and pens to ``factor`` times their normal size.

    Idempotent for one factor: calling it again (after a page was built, say) scales only
    what is new. Widgets built while scaled took the scaled application font already, so
    only their pyqtgraph parts are scaled. ``factor`` 1.0 restores every recorded size.
    """
    factor = float(factor)
    state = _SCALED.get(window)
    if state is not None and state.factor != factor:
        _restore(state)
        del _SCALED[window]
        state = None
    if factor == 1.0:
        return
    first = state is None
    if first:
        app = QtWidgets.QApplication.instance()
        state = _SCALED[window] = _ScaleState(factor, _points(app.font()))
        _record(state, ("app",), lambda f: app.setFont(f), QtGui.QFont(app.font()))
        _scale_widget_fonts(window, state)
    for plot in window.findChildren(pg.PlotWidget):
        _scale_plot(plot, state)
    canvas = getattr(window, "canvas", None)
    if canvas is not None and ("canvas", id(canvas)) not in state.restore:
        _scale_canvas(canvas, state)
    for view in window.findChildren(QtWidgets.QGraphicsView):
        if hasattr(view, "set_text_scale") and ("text_scale", id(view)) not in state.restore:
            _record(state, ("text_scale", id(view)), view.set_text_scale, 1.0)
            view.set_text_scale(factor)
    if first:
        app = QtWidgets.QApplication.instance()
        font = QtGui.QFont(app.font())
        _scale_font(font, factor)
        app.setFont(font)


def _restore(state: _ScaleState) -> None:
    # Newest first: the application font goes back last, after what was sized from it.
    for undo, payload in reversed(list(state.restore.values())):
        try:
            undo(payload)
        except RuntimeError:
            pass  # the C++ object is gone (a view rebuilt meanwhile): nothing to restore


def _record(state: _ScaleState, key, undo, payload) -> bool:
    """Remember how to undo one change; False when ``key`` was scaled already."""
    if key in state.restore:
        return False
    state.restore[key] = (undo, payload)
    return True


def _scale_font(font: QtGui.QFont, factor: float) -> None:
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))


def _points(font: QtGui.QFont) -> float:
    if font.pointSizeF() > 0:
        return font.pointSizeF()
    return font.pixelSize() * 72.0 / 96.0


def _scale_widget_fonts(window: QtWidgets.QWidget, state: _ScaleState) -> None:
    """Widgets whose own font fixes a size do not follow the application font."""
    for widget in [window, *window.findChildren(QtWidgets.QWidget)]:
        if not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        font = widget.font()
        if not font.resolveMask() & _SIZE_RESOLVED or _points(font) >= LARGE_POINTS:
            continue
        _record(state, ("font", id(widget)), _setter(widget), QtGui.QFont(font))
        scaled = QtGui.QFont(font)
        _scale_font(scaled, state.factor)
        widget.setFont(scaled)


def _setter(widget):
    def undo(font):
        widget.setFont(font)
    return undo


def _css_size(text, base_points: float, factor: float) -> str:
    """A CSS font size ``factor`` times ``text`` ("9pt", "12px"; None: ``base_points``)."""
    match = _SIZE_RE.match(text or "")
    if match:
        return f"{float(match.group(1)) * factor:.1f}{match.group(2)}"
    return f"{base_points * factor:.1f}pt"


def _scale_plot(plot: pg.PlotWidget, state: _ScaleState) -> None:
    """Axes, legend, title, symbols and pens of one plot. Texts without a size of their
    own take the unscaled application font's (the plot may have been built while
    scaled, from the larger font)."""
    item = plot.getPlotItem()
    f, base = state.factor, state.app_points
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if not _record(state, ("axis", id(axis)), _axis_undo(axis),
                       (axis.style["tickFont"], dict(axis.labelStyle))):
            continue
        # No tick font draws in the view's font: fixing it here makes the size explicit.
        tick = QtGui.QFont(axis.style["tickFont"] or plot.font())
        if axis.style["tickFont"] is None:
            tick.setPointSizeF(base)
        _scale_font(tick, f)
        axis.setTickFont(tick)
        style = dict(axis.labelStyle)
        style["font-size"] = _css_size(style.get("font-size"), base, f)
        _set_label_style(axis, style)
    legend = item.legend
    if legend is not None and _record(state, ("legend", id(legend)), lambda size: _set_legend_size(legend, size),
                                      legend.opts["labelTextSize"]):
        _set_legend_size(legend, _css_size(legend.opts["labelTextSize"], base, f))
    title = item.titleLabel
    if _record(state, ("title", id(title)), _title_undo(title), title.opts.get("size")):
        title.opts["size"] = _css_size(title.opts.get("size"), base, f)
        if title.isVisible():  # a hidden title keeps no room: setText would make some
            title.setText(title.text)
    for child in item.items:
        if isinstance(child, pg.ScatterPlotItem):
            size = child.opts["size"]
            if _record(state, ("scatter", id(child)), child.setSize, size):
                child.setSize(size * f)
        elif isinstance(child, pg.PlotDataItem):
            pen = child.opts["pen"]
            if pen is not None and _record(state, ("pen", id(child)), child.setPen, pen):
                wide = QtGui.QPen(pg.mkPen(pen))
                wide.setWidthF(max(wide.widthF(), 1.0) * f)
                child.setPen(wide)
        elif isinstance(child, pg.TextItem):
            font = child.textItem.font()
            if _record(state, ("text", id(child)), child.setFont, QtGui.QFont(font)):
                scaled = QtGui.QFont(font)
                _scale_font(scaled, f)
                child.setFont(scaled)


def _set_legend_size(legend, size: str) -> None:
    legend.setLabelTextSize(size)
    for _, label in legend.items:
        label.setText(label.text)  # setAttr alone does not redraw the label
        # Its layout lets a label grow to a larger text but never shrinks it back: the
        # legend came back from F11 wider than before. Give each its own size again.
        label.resize(label.effectiveSizeHint(Qt.SizeHint.PreferredSize))
    legend.updateSize()


def _axis_undo(axis):
    def undo(saved):
        tick_font, label_style = saved
        axis.setTickFont(tick_font)
        _set_label_style(axis, label_style)
    return undo


def _set_label_style(axis, style: dict) -> None:
    # setLabel() keeps the old style when given none: assign it, then let setLabel redraw.
    axis.labelStyle = dict(style)
    visible = axis.label.isVisible()
    axis.setLabel(axis.labelText or None, axis.labelUnits or None, axis.labelUnitPrefix or None,
                  siPrefixEnableRanges=getattr(axis, "_siPrefixEnableRanges", None),
                  unitPower=getattr(axis, "unitPower", 1))
    axis.showLabel(visible)


def _title_undo(title):
    def undo(size):
        if size is None:
            title.opts.pop("size", None)
        else:
            title.opts["size"] = size
        if title.isVisible():
            title.setText(title.text)
    return undo


def _scale_canvas(canvas, state: _ScaleState) -> None:
    """The editable canvas passes its point size on every redraw (its scatter itself was
    scaled with the plot's): scale the attributes on the instance, and the hit radius
    with them so that a click still finds a point."""
    names = ("POINT_SIZE", "HANDLE_SIZE", "HIT_RADIUS_PX")
    own = {n: canvas.__dict__[n] for n in names if n in canvas.__dict__}
    values = {n: getattr(canvas, n) for n in names}

    def undo(saved):
        for n in names:
            if n in saved:
                setattr(canvas, n, saved[n])
            else:
                canvas.__dict__.pop(n, None)  # the class's value again

    _record(state, ("canvas", id(canvas)), undo, own)
    for n in names:
        setattr(canvas, n, values[n] * state.factor)


# ---------------------------------------------------------------------- window layout
def splitter_length(splitter: QtWidgets.QSplitter) -> int:
    horizontal = splitter.orientation() == Qt.Orientation.Horizontal
    return splitter.width() if horizontal else splitter.height()


def fit_side_panel(splitter: QtWidgets.QSplitter) -> None:
    """Widen the splitter's first widget (a scroll area) to its contents' size hint
    (spin boxes with their suffixes, combo boxes with their longest entry); the next
    widgets give up the difference, in order, down to their minimum size hints."""
    # A new application font reaches the widgets through posted events: deliver them
    # now, so that the size hints below are those of the new font.
    for kind in (QtCore.QEvent.Type.ApplicationFontChange, QtCore.QEvent.Type.LayoutRequest):
        QtWidgets.QApplication.sendPostedEvents(None, kind.value)
    scroll = splitter.widget(0)
    inner = scroll.widget() if isinstance(scroll, QtWidgets.QScrollArea) else scroll
    if inner.layout() is not None:
        inner.layout().activate()
    needed = inner.sizeHint().width() + 2 * scroll.frameWidth() + 4
    if isinstance(scroll, QtWidgets.QScrollArea):
        needed += scroll.verticalScrollBar().sizeHint().width()
    sizes = splitter.sizes()
    extra = needed - sizes[0]
    if extra <= 0:
        return
    # The canvas (second) gives the room first: the views beside it are the narrowest
    # column already, and the network drawing's labels need their width.
    sizes[0] = needed
    for i in range(1, len(sizes)):
        floor = splitter.widget(i).minimumSizeHint().width()
        take = min(extra, max(sizes[i] - floor, 0))
        sizes[i] -= take
        extra -= take
    splitter.setSizes(sizes)


class SplitterSizesKeeper(QtCore.QObject):
    """Sets splitters back to saved sizes as soon as each has its saved length again:
    sizes set at another length are redistributed by Qt when the window resizes, and
    leaving full screen resizes the window later (when the window manager says so)."""

    def __init__(self, parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self._pending: dict = {}

    def save(self, splitters) -> list:
        """``[(splitter, sizes, length), ...]`` for ``restore``; forgets a pending one."""
        self.forget()
        return [(s, s.sizes(), splitter_length(s)) for s in splitters]

    def restore(self, saved) -> None:
        self.forget()
        for splitter, sizes, length in saved:
            self._pending[splitter] = (sizes, length)
            splitter.installEventFilter(self)
            self._try(splitter)

    def forget(self) -> None:
        for splitter in self._pending:
            splitter.removeEventFilter(self)
        self._pending.clear()

    def _try(self, splitter) -> None:
        sizes, length = self._pending[splitter]
        if splitter_length(splitter) == length:
            splitter.setSizes(sizes)
            if splitter.sizes() == sizes:
                splitter.removeEventFilter(self)
                del self._pending[splitter]

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QtCore.QEvent.Type.Resize and obj in self._pending:
            self._try(obj)
        return False
