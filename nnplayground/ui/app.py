"""Build the QApplication and the main window."""

from __future__ import annotations

import gc
import sys

from nnplayground.ui.feature_hook import speed_up_feature_hook
from nnplayground.ui.pyqtgraph_import import import_pyqtgraph


#: the cycle collector resumes this long after events are first processed
COLLECT_AFTER_MS = 1000


def make_application(argv: list[str] | None = None):
    """The QApplication. Creating it pauses Python's cycle collector until the window is
    built and drawn (``_collect_after_start_up``)."""
    collecting = gc.isenabled()
    # Start-up (Qt's and pyqtgraph's modules, the Qt classes and enums they use, the window)
    # creates some 10^5 objects that live as long as the app, and almost no garbage: the
    # collector went over them ~180 times before the first paint (0.1-0.15 s of the
    # launch) and found ~900 objects to free.
    gc.disable()
    # numpy before Qt: once imported, PySide6 reads the source of every module imported
    # after it (its __feature__ import hook looks for "PySide6" in it; ~0.06 ms a module
    # with ``speed_up_feature_hook``, 0.2 ms without). numpy's ~70 modules (with
    # numpy.random, which the first data set needs) are then never looked at: nothing
    # imports them by name after Qt.
    import numpy.random  # noqa: F401
    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    speed_up_feature_hook()  # before pyqtgraph's and our ~310 modules are imported
    app = QApplication.instance()
    if app is None:
        # One GL context family for every 3-D view: pyqtgraph caches its shader
        # programs per class, which breaks a second GLViewWidget otherwise.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        if collecting:
            # A second after events are first processed (the window is shown then): the
            # window is drawn. Run at once, this was inside the first frame's event
            # processing.
            QTimer.singleShot(0, lambda: QTimer.singleShot(COLLECT_AFTER_MS,
                                                           _collect_after_start_up))
    elif collecting:
        gc.enable()  # not a start-up
    app.setOrganizationName("nnplayground")
    app.setApplicationName("nnplayground")
    enlarge_pixmap_cache()
    pg = import_pyqtgraph()
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return app


#: room for Qt's cached pictures, KB (Qt's default: 10 MB)
PIXMAP_CACHE_KB = 64 * 1024


def enlarge_pixmap_cache() -> None:
    """The canvas keeps its points as a picture of their own (``build_layers``), in Qt's
    pixmap cache. A full-screen canvas on a 2x screen needs more than Qt's 10 MB: the
    picture no longer fit and the points were drawn twice every frame (a 2400 x 1500
    window at 2x: 49-52 ms a frame, 42-46 with the room)."""
    from PySide6.QtGui import QPixmapCache

    QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))


def _collect_after_start_up() -> None:
    """The window is built and drawn. What exists now lives as long as the app,
    so it is frozen out of all later collections (none of the collector's passes while
    training goes over it again), and collecting resumes. (Not collected first: a full
    collection here takes ~120 ms of the GUI thread, to free ~450 objects.)"""
    gc.freeze()
    gc.enable()


def run(args) -> int:
    app = make_application()
    if getattr(args, "digits", False):
        from nnplayground.ui.digits.digit_window import DigitWindow

        window = DigitWindow()
    else:
        from nnplayground.ui.window.main_window import MainWindow

        window = MainWindow()
        if getattr(args, "session", None):
            window.open_session(args.session)
        elif getattr(args, "lesson", None):
            window.start_lesson(args.lesson)
    window.show()
    # The trainer's process starts once the window is on screen, so launching is not
    # slowed by it (a run started before then starts it at once).
    app.processEvents()
    if not window.isVisible():
        # Closed before the event loop ran (a close sent as the window appeared): Qt
        # quits on the last window only from inside exec(), which would wait for ever.
        return 0
    window.start_background_work()
    return int(app.exec())
