"""The close request always closes (issue 13, item 4).

A window manager's close (WM_DELETE_WINDOW, the title bar's x) during training ends the
app, with its work autosaved, every time; and a close that arrives before the event loop
runs no longer leaves a process without a window behind. The app runs in a subprocess,
started as ``nnplayground`` starts it; ``benchmarks/close.py`` does the first 30 times.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.ui.wm_close import ROOT, app_env, close_during_training

x11 = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not os.environ.get("DISPLAY")
    or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb",
    reason="a window manager's close is an X11 client message: needs an X server (Xvfb)")


@x11
@pytest.mark.timeout(600)
@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_a_window_manager_close_during_training_ends_the_app(tmp_path, delay):
    pytest.importorskip("Xlib")
    run = close_during_training(tmp_path, delay=delay, exit_timeout=120)  # a hang guard only
    assert run.stdout.startswith("running "), (run.stdout, run.stderr)
    assert run.returncode == 0, f"exit {run.returncode} (None: still open after 120 s)\n{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr
    assert run.trainer_children == 1  # the view process, which must end with it too
    assert not run.trainer_left, "the training process or its view process outlived the app"
    # It closed as a close should: the work was autosaved on the way out.
    assert list((tmp_path / "data" / "nnplayground" / "autosave").glob("autosave-*.nnp"))


CLOSED_WHILE_STARTING = textwrap.dedent("""
    import sys
    from types import SimpleNamespace

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from nnplayground.ui.app import make_application, run

    def close():  # as a close that arrives while the window first appears
        for w in QApplication.topLevelWidgets():
            if w.isVisible():
                w.close()


    if __name__ == "__main__":
        make_application([])
        QTimer.singleShot(0, close)  # runs in the start-up's processEvents(), before exec()
        sys.exit(run(SimpleNamespace()))  # no command-line options
""")


def test_a_close_before_the_event_loop_runs_still_ends_the_app(tmp_path):
    script = tmp_path / "closed_while_starting.py"
    script.write_text(CLOSED_WHILE_STARTING, encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=app_env(tmp_path),
                              capture_output=True, text=True, timeout=120)  # a hang guard
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the app did not end after its window closed: {exc.stderr}")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
