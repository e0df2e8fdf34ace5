"""What make_application does for the launch (ui/app.py), in a fresh interpreter: the
cycle collector waits until the window is built and its first frame drawn, then
freezes what start-up made and resumes; the source text PySide6's import hook read into
linecache is let go."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import gc, linecache, time
    from nnplayground.ui.app import make_application
    app = make_application()
    from PySide6 import QtCore
    from nnplayground.ui.window.main_window import MainWindow
    window = MainWindow(restore_settings=False)

    class Exposed(QtCore.QObject):
        seen = False
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Type.Expose and obj.isExposed():
                self.seen = True
            return False

    probe = Exposed()
    window.create()
    window.windowHandle().installEventFilter(probe)
    window.show()
    deadline = time.monotonic() + 30
    while not probe.seen and time.monotonic() < deadline:
        app.processEvents()  # the first frame is painted while its Expose is handled
    read = sum("pyqtgraph" in name for name in linecache.cache)
    print("drawn:", probe.seen, gc.isenabled(), read > 50)
    while not gc.isenabled() and time.monotonic() < deadline:
        app.processEvents()
    read = sum("pyqtgraph" in name for name in linecache.cache)
    print("started:", gc.isenabled(), gc.get_freeze_count() > 10000, read)
    window.close()
""")


def test_collection_waits_for_the_drawn_window_and_the_read_sources_are_let_go(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120, env=env, cwd=ROOT)  # this tree, not an installed copy
    assert result.returncode == 0, result.stderr
    assert "drawn: True False True" in result.stdout, result.stdout
    assert "started: True True 0" in result.stdout, result.stdout
