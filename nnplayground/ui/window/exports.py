"""File > Export: a view as PNG or SVG, the whole window as PNG, the error history as CSV.

Every file is written here (the exporters hand back an image or bytes), so a failure is
always a message naming the file, and a success a status-bar message naming it too.
The 3-D view and the whole window hold an OpenGL picture, which has no vector form: they
are offered as PNG only.
"""

from __future__ import annotations

import csv
import importlib
import math
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

from nnplayground.ui.window import recent_files

PNG_FILTER = "PNG image (*.png)"
SVG_FILTER = "SVG drawing (*.svg)"
CSV_FILTER = "CSV files (*.csv)"
#: width in pixels of an exported plot (the canvas, the curves): sharp on a projector
PNG_WIDTH = 1600


@dataclass(frozen=True)
class Target:
    """One picture File > Export offers."""

    key: str
    noun: str  # for messages: "Exported the canvas to ..."
    menu_text: str
    tip: str
    file_stem: str
    vector: bool  # SVG offered


TARGETS = (
    Target("canvas", "the canvas", "&Canvas…",
           "Save the canvas (the points and what the model decides) as PNG or SVG",
           "canvas", True),
    Target("error", "the error curve", "&Error curve…",
           "Save the error curve as PNG or SVG", "error-curve", True),
    Target("network", "the network drawing", "&Network drawing…",
           "Save the drawing of the network as PNG or SVG", "network", True),
    Target("latent", "the latent space", "&Latent space…",
           "Save the autoencoder's latent space as PNG or SVG", "latent-space", True),
    Target("view3d", "the 3-D view", "&3-D view…",
           "Save the 3-D view as PNG (an OpenGL picture: no SVG)", "3d-view", False),
    Target("window", "the whole window", "&Whole window…",
           "Save a picture of the whole window as PNG (it holds OpenGL pictures: no SVG)",
           "window", False),
)
TARGET = {t.key: t for t in TARGETS}


class ExportError(Exception):
    """An export that wrote nothing; the message says why in plain words."""


#: Why a view may not be there yet (it is built on first need).
NOT_BUILT = {"view3d": "no 3-D data", "latent": "no autoencoder"}


def target_widget(window, key: str) -> QtWidgets.QWidget | None:
    """The widget ``key`` exports, None where there is none yet (``NOT_BUILT``)."""
    return {"canvas": lambda: window.canvas, "error": lambda: window.error_view,
            "network": lambda: window.network_view, "latent": lambda: window.latent_view,
            "view3d": lambda: window.view3d, "window": lambda: window}[key]()


# ---------------------------------------------------------------------------- rendering
def render_png(widget: QtWidgets.QWidget, key: str) -> QtGui.QImage:
    """The picture of ``widget`` (exported as target ``key``)."""
    _flush(widget)
    if key == "window":
        return widget.grab().toImage()  # Qt draws the OpenGL views into it too
    if key == "view3d":
        return widget.grab_image()
    plot_item = _plot_item(widget)
    if plot_item is not None:
        import pyqtgraph.exporters as exporters

        exporter = exporters.ImageExporter(plot_item)
        exporter.parameters()["width"] = PNG_WIDTH
        return exporter.export(toBytes=True)
    return _render_scene(widget, QtGui.QImage)


def render_svg(widget: QtWidgets.QWidget) -> bytes:
    """An SVG document of a 2-D view (a pyqtgraph plot or a plain QGraphicsView)."""
    _flush(widget)
    plot_item = _plot_item(widget)
    if plot_item is not None:
        import pyqtgraph.exporters as exporters

        install_svg_closepath_fix()
        return exporters.SVGExporter(plot_item).export(toBytes=True)
    return _render_scene(widget, QtSvg.QSvgGenerator)


def _flush(widget) -> None:
    # The error curve and the network drawing put redraws off (throttled, or hidden
    # behind another tab): draw what is pending, or the file shows an older picture.
    flush = getattr(widget, "flush", None)
    if callable(flush):
        flush()


def _plot_item(widget):
    import pyqtgraph as pg

    return widget.getPlotItem() if isinstance(widget, pg.PlotWidget) else None


def _render_scene(view: QtWidgets.QGraphicsView, kind):
    """A QGraphicsView's scene as shown (its scene rect) on the view's background, into a
    2x QImage or a QSvgGenerator's bytes."""
    source = view.sceneRect()
    if source.isEmpty():
        raise ExportError("there is nothing drawn yet")
    size = source.size().toSize()
    if kind is QtGui.QImage:
        device = QtGui.QImage(size * 2, QtGui.QImage.Format.Format_ARGB32)
        device.fill(QtCore.Qt.GlobalColor.white)
        target = QtCore.QRectF(0, 0, size.width() * 2, size.height() * 2)
    else:
        data = QtCore.QByteArray()
        buffer = QtCore.QBuffer(data)
        device = QtSvg.QSvgGenerator()
        device.setOutputDevice(buffer)
        device.setSize(size)
        device.setViewBox(QtCore.QRect(QtCore.QPoint(0, 0), size))
        device.setTitle(view.accessibleName())
        target = QtCore.QRectF(0, 0, size.width(), size.height())
    painter = QtGui.QPainter(device)
    try:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.fillRect(target, view.backgroundBrush())
        view.scene().render(painter, target, source)
    finally:
        painter.end()
    return device if kind is QtGui.QImage else bytes(data.data())


# ---------------------------------------------------------------------------- pyqtgraph fix
def install_svg_closepath_fix() -> None:
    """Let pyqtgraph's SVG exporter read closed paths.

    Qt 6.11's QSvgGenerator ends a closed subpath with a separate ``Z`` command
    (``d="M0,0 L10,0 L10,10 Z"``). pyqtgraph 0.14.0's ``correctCoordinates`` splits every
    token of a path on ``,`` and raises ``ValueError`` on that ``Z``, and every plot holds
    closed paths (the ViewBox's frame, its clip rectangle, round symbols), so no SVG could
    be written at all (pyqtgraph issue #3495, fixed after 0.14.0 by commit 1b84c2b2).
    The wrapper takes the ``Z`` tokens out, lets pyqtgraph move the coordinates and puts
    them back in place. Installed only when the installed pyqtgraph needs it.
    """
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates
    if getattr(original, "closepath_fixed", False) or _reads_closepath(original):
        return

    def correctCoordinates(node, defs, item, options):
        closes = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            marks = [i for i, token in enumerate(tokens) if token in ("Z", "z")]
            if marks:
                closes.append((path, marks))
                path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
        original(node, defs, item, options)
        for path, marks in closes:  # one coordinate token out for each one in
            tokens = path.getAttribute("d").split()
            for i in marks:
                tokens.insert(i, "Z")
            path.setAttribute("d", " ".join(tokens))

    correctCoordinates.closepath_fixed = True
    module.correctCoordinates = correctCoordinates


def _reads_closepath(correct) -> bool:
    from xml.dom import minidom

    doc = minidom.parseString('<svg><g><g><path d="M0,0 L1,0 L1,1 Z"/></g></g></svg>')
    try:
        correct(doc.documentElement.firstChild, [], None, {})
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------- files
def check_svg(data: bytes) -> None:
    """Raise ExportError unless ``data`` is a well-formed SVG document."""
    from xml.dom import minidom  # here, not while the app starts
    from xml.parsers.expat import ExpatError

    try:
        root = minidom.parseString(data).documentElement
    except ExpatError as exc:
        raise ExportError(f"the drawing came out malformed ({exc})") from exc
    if root.tagName != "svg":
        raise ExportError("the drawing came out without an <svg> element")


def write_figure(widget, key: str, path: str) -> None:
    """Write target ``key`` to ``path`` (.svg: SVG, anything else: PNG); ExportError or
    OSError on failure, with nothing or the previous file left at ``path``."""
    if path.lower().endswith(".svg"):
        if not TARGET[key].vector:
            raise ExportError(f"{TARGET[key].noun} holds an OpenGL picture; save it as PNG")
        data = render_svg(widget)
        check_svg(data)
        Path(path).write_bytes(data)
        return
    image = render_png(widget, key)
    if image is None or image.isNull() or image.width() == 0:
        raise ExportError("the picture came out empty")
    if not image.save(path, "PNG"):
        raise ExportError("the image could not be written there (is the folder writable?)")


def write_history_csv(path: str, epochs, train, test) -> None:
    """One row per epoch: epoch, train, test (empty where there is no test set)."""

    def cell(value) -> str:
        value = float(value)
        return repr(value) if math.isfinite(value) else ("" if math.isnan(value) else str(value))

    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["epoch", "train", "test"])
        for e, tr, te in zip(epochs, train, test):
            out.writerow([int(e), cell(tr), cell(te)])


# ---------------------------------------------------------------------------- commands
class Exports(QtCore.QObject):
    """What File > Export does. ``export_to(key, path)`` and ``export_history_to(path)``
    are the dialog-free commands (for tests and scripts)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window

    def available(self, key: str) -> bool:
        widget = target_widget(self.w, key)
        if widget is None:
            return False  # not built yet
        if key in ("network", "latent", "view3d"):  # offered while its tab is shown
            tabs = self.w.tabs
            return tabs.isTabVisible(tabs.indexOf(widget))
        return True

    def export_dialog(self, key: str) -> bool:
        target = TARGET[key]
        if not self.available(key):
            self._say(f"There is no {target.noun.removeprefix('the ')} to export now "
                      "(the 3-D view appears with 3-D data).")
            return False
        filters = f"{PNG_FILTER};;{SVG_FILTER}" if target.vector else PNG_FILTER
        path, chosen = recent_files.ask_save_path(
            self.w, f"Export {target.noun}", f"{target.file_stem}.png", filters)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".svg" if chosen == SVG_FILTER else ".png"
        return self.export_to(key, path)

    def export_to(self, key: str, path: str) -> bool:
        target = TARGET[key]
        what = "SVG" if path.lower().endswith(".svg") else "PNG"
        widget = target_widget(self.w, key)
        try:
            if widget is None:
                raise ExportError(f"{target.noun} is not there ({NOT_BUILT[key]})")
            write_figure(widget, key, path)
        except OSError as exc:
            return self._failed(f"Could not export {target.noun}", f"{path}: {exc.strerror or exc}")
        except ExportError as exc:
            return self._failed(f"Could not export {target.noun} as {what}", f"{exc} ({path})")
        except Exception as exc:  # a third-party exporter's bug: a message, never silence
            return self._failed(f"Could not export {target.noun} as {what}",
                                f"{type(exc).__name__}: {exc} ({path})")
        self._say(f"Exported {target.noun} to {path}")
        return True

    def export_history_dialog(self) -> bool:
        path, _ = recent_files.ask_save_path(
            self.w, "Export the error history", "error-history.csv", CSV_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".csv"
        return self.export_history_to(path)

    def export_history_to(self, path: str) -> bool:
        epochs, train, test = self.w.error_view.data()
        try:
            write_history_csv(path, epochs, train, test)
        except OSError as exc:
            return self._failed("Could not export the error history",
                                f"{path}: {exc.strerror or exc}")
        self._say(f"Exported the error history ({len(epochs)} epochs) to {path}")
        return True

    def _say(self, text: str) -> None:
        self.w.statusBar().showMessage(text, 8000)

    def _failed(self, title: str, text: str) -> bool:
        self.w.show_banner(f"{title}: {text}")
        self.w.statusBar().showMessage(f"{title}: {text}", 10000)
        return False
