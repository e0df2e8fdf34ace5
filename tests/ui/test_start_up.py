"""What make_application does for the launch (ui/app.py), in a fresh interpreter: the
cycle collector waits until the window is built and its first frame drawn, then
freezes what start-up made and resumes; PySide6's import hook answers with the faster
test (ui/feature_hook.py), so no module's source text is read into linecache; what only
a sample step needs (core/explain.py) is not imported, nor pyqtgraph's modules for what
the window does not show."""

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
    import shibokensupport.feature as feature
    faster = getattr(feature._mod_uses_pyside, "__wrapped__", None) is not None
    read = sum("pyqtgraph" in name or "nnplayground" in name for name in linecache.cache)
    print("drawn:", probe.seen, gc.isenabled(), faster, read)
    import sys
    print("stepping loaded:", "nnplayground.core.explain" in sys.modules)
    from nnplayground.ui.pyqtgraph_deferral import DEFERRED
    print("deferred loaded:", [m for m in DEFERRED if m in sys.modules])
    while not gc.isenabled() and time.monotonic() < deadline:
        app.processEvents()
    print("started:", gc.isenabled(), gc.get_freeze_count() > 10000)
    window.close()
""")


def test_collection_waits_for_the_drawn_window_and_no_source_is_read(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120, env=env, cwd=ROOT)  # this tree, not an installed copy
    assert result.returncode == 0, result.stderr
    assert "drawn: True False True 0" in result.stdout, result.stdout
    assert "started: True True" in result.stdout, result.stdout
    # The one-sample traces (six dataclasses, ~11 ms) come with the first sample step.
    assert "stepping loaded: False" in result.stdout, result.stdout
    # pyqtgraph's modules for what the window does not show (pyqtgraph_deferral.py)
    assert "deferred loaded: []" in result.stdout, result.stdout
