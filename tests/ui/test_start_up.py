"""What make_application does for the launch (ui/app.py), in a fresh interpreter: the
cycle collector waits until the window is built, then freezes what start-up made and
resumes; the source text PySide6's import hook read into linecache is let go."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import gc, linecache
    from nnplayground.ui.app import make_application
    app = make_application()
    from nnplayground.ui.window.main_window import MainWindow
    window = MainWindow(restore_settings=False)
    window.show()
    read = sum("pyqtgraph" in name for name in linecache.cache)
    print("while starting:", gc.isenabled(), read > 50)
    import time
    deadline = time.monotonic() + 30
    while not gc.isenabled() and time.monotonic() < deadline:
        app.processEvents()
    read = sum("pyqtgraph" in name for name in linecache.cache)
    print("started:", gc.isenabled(), gc.get_freeze_count() > 10000, read)
    window.close()
""")


def test_collection_waits_for_the_window_and_the_read_sources_are_let_go(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "while starting: False True" in result.stdout, result.stdout
    assert "started: True True 0" in result.stdout, result.stdout
