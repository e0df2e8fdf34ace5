"""Close the training app 30 times as a window manager does; report every exit and the
slowest (run by hand, X11 only; issue 13, item 4).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/close.py \
        [--runs 30] [--hang-up-at-once]

Each run starts the app as ``nnplayground`` does (``tests/ui/wm_close.py``: settings and
autosave in a private home), presses Play, waits for the first snapshot and a random 0-1.5 s
more, and sends a real WM_DELETE_WINDOW client message (python-xlib); then it waits for the
process to end (a 120 s hang guard). The seconds from the message to the exit are the
close's cost: stopping the run (at most an epoch), the last autosave, the trainer's end.
As a baseline in the same run, a bare PySide6 ``QMainWindow`` is closed the same way.

``--hang-up-at-once`` sends as a short-lived client that hangs up without a round trip:
Xvfb then drops the message now and then (it never reaches Qt), which is what issue 13
counted as an ignored close. The last line: ``closed N/N, slowest S s, median M s,
bare window B s (slowest/bare R)``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.ui import wm_close

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.resize(1280, 800)
w.show()
QTimer.singleShot(300, lambda: print("running", int(w.winId()), flush=True))
sys.exit(app.exec())
"""


def close_runs(runs: int, sync: bool, child: str | None = None, seed: int = 0) -> list:
    rng = random.Random(seed)
    results = []
    original = wm_close.CHILD
    if child is not None:
        wm_close.CHILD = child
    try:
        for i in range(runs):
            with tempfile.TemporaryDirectory() as home:
                run = wm_close.close_during_training(Path(home), delay=rng.uniform(0, 1.5),
                                                     exit_timeout=120, sync=sync)
            results.append(run)
            if child is None:
                state = "exit 0" if run.returncode == 0 else (
                    "STILL OPEN after 120 s" if run.returncode is None else f"exit {run.returncode}")
                if run.trainer_left:
                    state += ", TRAINER LEFT BEHIND"
                print(f"run {i + 1:2d}: {state}, {run.seconds:.2f} s", flush=True)
    finally:
        wm_close.CHILD = original
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--hang-up-at-once", action="store_true",
                        help="send without a round trip before hanging up (issue 13's way)")
    args = parser.parse_args()
    sync = not args.hang_up_at_once
    bare = close_runs(3, sync, child=BARE, seed=1)
    results = close_runs(args.runs, sync)
    closed = [r for r in results if r.returncode == 0 and not r.trainer_left]
    seconds = [r.seconds for r in closed] or [float("nan")]
    bare_s = statistics.median(r.seconds for r in bare)
    slowest = max(seconds)
    left = sum(r.trainer_left for r in results)
    print(f"{left} of {len(results)} runs left a training process behind")
    print(f"closed {len(closed)}/{len(results)}, slowest {slowest:.2f} s, median "
          f"{statistics.median(seconds):.2f} s, bare window {bare_s:.2f} s "
          f"(slowest/bare {slowest / bare_s:.1f})")


if __name__ == "__main__":
    main()
