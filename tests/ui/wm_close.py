"""Closing the app as a window manager does, for ``test_close.py`` and
``benchmarks/close.py``: the app starts as ``nnplayground`` starts it (``ui.app.run``,
settings and autosave in a private home), trains, and is sent a real ``WM_DELETE_WINDOW``
client message with python-xlib. (Bare Xvfb has no window manager, and Debian's xdotool
cannot send this message.) X11 only: the parent needs a ``DISPLAY``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The app, started as the command line starts it, with Play pressed once the window is
#: up; it prints its X window id once the first snapshot of the run has been drawn.
CHILD = textwrap.dedent("""
    import sys
    from types import SimpleNamespace

    from nnplayground.ui.app import make_application, run
    app = make_application([])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def window():
        from nnplayground.ui.window.main_window import MainWindow
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.isVisible()), None)

    def on_snapshot(*_):
        w = window()
        w.trainer.snapshot_ready.disconnect(on_snapshot)
        print("running", int(w.winId()), w.trainer.pid, flush=True)

    def play():
        w = window()
        if w is None:
            QTimer.singleShot(20, play)
            return
        w.load_preset("Spiral", 0, 0.1)
        w.trainer.snapshot_ready.connect(on_snapshot)
        w.actions_.play.trigger()

    QTimer.singleShot(0, play)

    sys.exit(run(SimpleNamespace()))  # no command-line options
""")


@dataclass
class CloseRun:
    returncode: int | None  # None: still running when the hang guard fired (then killed)
    seconds: float  # from the message sent to the process's exit
    stdout: str
    stderr: str
    trainer_left: bool = False  # the training process (or its view process) outlived the app
    trainer_children: int = 0  # processes the trainer had started (its view process)


def send_wm_delete(window_id: int, sync: bool = True) -> None:
    """What a window manager sends when the user clicks the title bar's close button.

    ``sync``: a round trip before hanging up, as a window manager (which stays connected)
    never needs. Without it, Xvfb sometimes drops the message of a client that hangs up
    at once while it is busy drawing for another (a training window): Qt never sees it
    (its own event log, ``QT_LOGGING_RULES=qt.qpa.events=true``, has no ClientMessage).
    That, not the app, was issue 13's "close ignored in 7 of 85 runs".
    """
    from Xlib import X, display, protocol

    d = display.Display()
    try:
        window = d.create_resource_object("window", window_id)
        protocols = d.intern_atom("WM_PROTOCOLS")
        delete = d.intern_atom("WM_DELETE_WINDOW")
        event = protocol.event.ClientMessage(
            window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
        window.send_event(event, event_mask=X.NoEventMask)
        if sync:
            d.sync()  # the server has handled the event before we hang up
        else:
            d.flush()
    finally:
        d.close()


def app_env(home: Path) -> dict[str, str]:
    """The environment of an app whose settings and autosaves stay under ``home``."""
    return dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
                PYTHONPATH=str(ROOT))


def close_during_training(home: Path, delay: float = 0.0, extra_env: dict | None = None,
                          start_timeout: float = 120.0, exit_timeout: float = 120.0,
                          sync: bool = True) -> CloseRun:
    """Start the app, wait until it trains, wait ``delay`` seconds more, send
    WM_DELETE_WINDOW and wait for the exit (at most ``exit_timeout``: a hang guard)."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT,
                            env={**app_env(home), **(extra_env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _read_line(proc, start_timeout)
        if not line.startswith("running "):
            proc.kill()
            out, err = proc.communicate()
            return CloseRun(proc.returncode, 0.0, line + out, err)
        parts = line.split()
        # The trainer's own processes (the view process), known while they run.
        watched = children(int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else []
        if delay:
            time.sleep(delay)
        send_wm_delete(int(parts[1]), sync=sync)
        sent = time.perf_counter()
        try:
            out, err = proc.communicate(timeout=exit_timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            code = None
        seconds = time.perf_counter() - sent
        left = False
        if len(parts) > 2 and parts[2].isdigit():
            left = any(_alive(pid) for pid in [int(parts[2])] + watched)
        return CloseRun(code, seconds, line + out, err, left, len(watched))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux: /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int, grace: float = 5.0) -> bool:
    """Whether process ``pid`` still runs ``grace`` seconds after its app ended (a zombie
    counts as gone: only its entry is left)."""
    deadline = time.monotonic() + grace
    while True:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split()[2] == "Z":
                    return False
        except OSError:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.05)


def _read_line(proc: subprocess.Popen, timeout: float) -> str:
    """The child's first line, or "" when it printed none within ``timeout``."""
    import threading

    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0].strip() if lines else ""
