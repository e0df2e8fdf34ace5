"""Launch time and memory of the app, against a bare PySide6 window (run by hand, Linux).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/launch.py [--runs 5]

1. **Launch to a drawn window**: a new Python process is started and the clock stops
   when the window's first frame is painted (the probe reports it on stdout).
   The app (``MainWindow`` as ``nnplayground`` builds it, with empty settings), a bare
   ``QMainWindow`` and, for reference, a window with one empty pyqtgraph plot (numpy and
   pyqtgraph imported as the app does: the floor of any window drawn with pyqtgraph)
   alternate ``--runs`` times each; the medians and differences are printed. Target:
   app <= bare + 0.8 s.
2. **Peak memory, all our processes together**: the app with the five 3-D clusters in the
   3-D view (competitive layer) training for 3 s; the peak resident size (VmHWM) of the
   window's process plus those of every process below it (the trainer, its view process,
   multiprocessing's resource tracker). Target < 350 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# "Drawn" is the end of the window's first frame. The probe watches the window's QWindow
# for its first Expose event: Qt paints the whole frame while it handles that event, so
# when the processEvents() call that delivered it returns, the frame is painted. (The
# first version stopped at the first Paint event, when the frame had only begun: the
# app's first frame takes ~75 ms more to paint, a bare window's ~1 ms. It filtered every
# object of the window, ~1,500 Python calls in the app before that first paint.) The
# pyqtgraph windows repaint once or twice more within ~25 ms (their scenes' own updates);
# those frames are not counted.
FIRST_FRAME = textwrap.dedent("""
    import time
    from PySide6 import QtCore
    class FirstFrame(QtCore.QObject):
        def __init__(self, window):
            super().__init__()
            self.exposed = False
            window.create()  # its QWindow, as show() would make it
            window.windowHandle().installEventFilter(self)
            self.tick = QtCore.QTimer(self)  # wakes the wait below now and then
            self.tick.start(100)
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Type.Expose and obj.isExposed():
                self.exposed = True
            return False
        def wait(self, app):
            deadline = time.monotonic() + 60
            while not self.exposed and time.monotonic() < deadline:
                app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            if self.exposed:
                print("drawn", flush=True)
    def show_drawn(window, app):
        probe = FirstFrame(window)
        window.show()
        probe.wait(app)
""")

BARE = FIRST_FRAME + textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.resize(1280, 800)
    show_drawn(window, app)
""")

# As ``nnplayground`` starts: make_application() first (it imports numpy before Qt, which
# PySide6's import hook then has fewer modules to read), the probe's Qt import after it.
START = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from nnplayground.ui.app import make_application
    app = make_application()
""")

# The floor of any pyqtgraph window: the bare window with one empty plot, numpy and
# pyqtgraph imported as the app imports them. The app's own part is app - plot window.
PLOT = START + FIRST_FRAME + textwrap.dedent("""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QMainWindow
    window = QMainWindow()
    window.setCentralWidget(pg.PlotWidget())
    window.resize(1280, 800)
    show_drawn(window, app)
""")

APP = START + FIRST_FRAME + textwrap.dedent("""
    from nnplayground.ui.window.main_window import MainWindow
    window = MainWindow()
    show_drawn(window, app)
    window.start_background_work()
    {after}
    window.close()
""")

MEMORY = textwrap.dedent("""
    import multiprocessing, time
    from PySide6.QtCore import QEventLoop, QTimer
    def run(seconds):
        loop = QEventLoop(); QTimer.singleShot(int(seconds * 1000), loop.quit); loop.exec()
    window.load_preset("Five 3-D clusters")
    combo = window.model_panel.kind_combo
    combo.setCurrentIndex(combo.findData("competitive"))
    run(0.5)
    window.actions_.play.trigger()
    run(3.0)
    def hwm(pid):
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import os
    from pathlib import Path
    def children(pid):
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                    found.append(int(stat.parent.name))
            except OSError:
                pass
        return found
    # the window, its trainer and the trainer's view process
    pids = [os.getpid()]
    for pid in pids:
        pids += children(pid)
    print("memory", " ".join(f"{hwm(p):.1f}" for p in pids), flush=True)
    window.actions_.play.trigger()
    run(0.3)
""")


def timed_launch(source: str, env: dict) -> float:
    """Seconds from starting the process to its 'drawn' line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", source], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    watchdog = threading.Timer(120, proc.kill)  # a launch that hangs ends the benchmark
    watchdog.start()
    try:
        for line in proc.stdout:
            if line.startswith("drawn"):
                elapsed = time.perf_counter() - t0
                break
        else:
            raise SystemExit("the window never drew")
        proc.wait(60)
    finally:
        watchdog.cancel()
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    settings = tempfile.mkdtemp(prefix="nnp-launch-")
    # Empty settings and autosave: a first start, as a new student has it.
    env = {**os.environ, "XDG_CONFIG_HOME": settings, "XDG_DATA_HOME": settings,
           "HOME": settings}
    # As an installed app runs: with byte code cached (the first, warming launch writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    app_launch = APP.format(root=str(ROOT), after="")
    plot_launch = PLOT.format(root=str(ROOT))
    bare, plot, app = [], [], []
    for source in (BARE, plot_launch, app_launch):  # warm the disk cache for each
        timed_launch(source, env)
    for _ in range(args.runs):
        bare.append(timed_launch(BARE, env))
        plot.append(timed_launch(plot_launch, env))
        app.append(timed_launch(app_launch, env))
    out = subprocess.run([sys.executable, "-c", APP.format(root=str(ROOT), after=MEMORY)],
                         capture_output=True, text=True, env=env, timeout=120)
    memory = [line for line in out.stdout.splitlines() if line.startswith("memory")]
    if not memory:
        raise SystemExit(f"the memory run failed:\n{out.stderr[-2000:]}")
    peaks = [float(v) for v in memory[0].split()[1:]]
    b, p, a = statistics.median(bare), statistics.median(plot), statistics.median(app)
    print(f"{args.runs} launches each, alternating; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("bare window, s: " + " ".join(f"{t:.2f}" for t in bare))
    print("one-plot pyqtgraph window, s: " + " ".join(f"{t:.2f}" for t in plot))
    print("nnplayground, s: " + " ".join(f"{t:.2f}" for t in app))
    print(f"of which numpy, pyqtgraph and one plot: {p - b:+.2f} s; the app's own part: "
          f"{a - p:+.2f} s")
    print(f"launch to a drawn window: bare {b:.2f} s, app {a:.2f} s, "
          f"app - bare {a - b:+.2f} s (target <= +0.80 s) {'PASS' if a - b <= 0.8 else 'FAIL'}")
    # The shared machine runs at about half speed for hours at a time, and every launch
    # with it: this share of the bare window's own launch stays put when the seconds
    # double (session 9, ten runs: 2.1-3.3, median 2.7, with bare 0.16-0.18 s and with
    # bare 0.30-0.36 s alike, while app - bare was +0.39-0.56 s and +0.74-0.92 s).
    print(f"  the difference in bare windows' launches: {(a - b) / b:.1f}")
    print("peak memory (VmHWM), MB: window " + f"{peaks[0]:.0f}" + ", its processes "
          + " ".join(f"{p:.0f}" for p in peaks[1:]) + f"; all together {sum(peaks):.0f} MB "
          f"(target < 350) {'PASS' if sum(peaks) < 350 else 'FAIL'}")
    print(f"launch +{a - b:.2f} s over a bare window, memory {sum(peaks):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
