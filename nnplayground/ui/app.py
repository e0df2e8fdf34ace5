"""Build the QApplication and the main window."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph picks its binding at import


def make_application(argv: list[str] | None = None):
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # One GL context family for every 3-D view: pyqtgraph caches its shader
        # programs per class, which breaks a second GLViewWidget otherwise.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("nnplayground")
    app.setApplicationName("nnplayground")
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return app


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
