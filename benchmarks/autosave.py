"""The autosave's cost while the window trains at full speed (run by hand; issue 13).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/autosave.py \
        [--network 2,32,32,32,1] [--points 10000] [--seconds 6] [--rounds 3] \
        [--interval-ms 500]

Opens the real ``MainWindow`` (settings and autosave in a temporary home) with the Circle
generator's ``--points`` points and an MLP of ``--network`` layer sizes (default: the
panel's [2, 4, 2, 1]), presses Play, and alternates in ``--rounds`` rounds, each
``--seconds`` long, the same in-process run with the autosave **off** (the baseline) and
**on**, writing every ``--interval-ms`` (the app writes every 5 s; more often here, so a
round holds many writes). The history grows all along, so both sides see the same sizes.

Measured in the GUI thread: a 10 ms ``QTimer`` (PreciseTimer)'s worst and 99th-percentile
lateness, per side; per autosave, the GUI thread's part (taking copies of the state,
``Autosave.last_gui_seconds``: the trainer's model arrives with a snapshot) and the
worker thread's part (build the Session, check, encode, write, fsync, replace); the file
size. Ratios are against the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIMER_MS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--network", default="", help="layer sizes, e.g. 2,32,32,32,1")
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--interval-ms", type=int, default=500)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="nnp-autosave-bench-")
    os.environ.update(HOME=home, XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data")
    from PySide6 import QtCore

    from nnplayground.core.datasets import circle
    from nnplayground.core.state import DatasetSpec, ModelSpec
    from nnplayground.ui.app import make_application
    from nnplayground.ui.window.main_window import MainWindow

    app = make_application([])

    def process_events(seconds: float) -> None:
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(max(int(seconds * 1000), 0), loop.quit)
        loop.exec()

    window = MainWindow()
    window.show()
    process_events(0.3)
    window.start_background_work()
    data = circle(n=args.points, seed=0)
    kind, config = window.model_panel.model_config(2, 2)
    if args.network:
        config = {**config, "layer_sizes": [int(v) for v in args.network.split(",")]}
    if not window.apply(points=(data.X, data.y, data.class_names),
                        dataset=DatasetSpec.from_preset("Circle"), model=ModelSpec(kind, config),
                        undoable=False):
        raise SystemExit(f"the window would not take this network: {window.banner.text()}")
    autosave = window.autosave
    gui_ms, worker_ms = [], []
    autosave._done.connect(lambda result: worker_ms.append(1000 * result[3]))
    autosave.written.connect(lambda path, epoch: gui_ms.append(1000 * autosave.last_gui_seconds))

    late = {"off": [], "on": []}
    current = {"side": None, "last": None}

    def on_tick() -> None:
        now = time.perf_counter()
        if current["last"] is not None and current["side"] is not None:
            late[current["side"]].append(max(0.0, (now - current["last"]) * 1000 - TIMER_MS))
        current["last"] = now

    timer = QtCore.QTimer()
    timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
    timer.setInterval(TIMER_MS)
    timer.timeout.connect(on_tick)
    timer.start()
    window.actions_.play.trigger()
    process_events(1.0)  # warm-up
    for _ in range(max(1, args.rounds)):
        for side in ("off", "on"):
            if side == "on":
                autosave.set_interval(args.interval_ms)
                autosave._timer.start()
            else:
                autosave._timer.stop()
            current["side"], current["last"] = side, None
            process_events(args.seconds)
            current["side"] = None
    autosave._timer.stop()
    epoch = window.trainer.model.epoch
    window.actions_.play.trigger()
    process_events(0.5)
    size = autosave.path.stat().st_size if autosave.path.exists() else 0
    window.close()
    process_events(0.1)

    def worst(side):
        return max(late[side]) if late[side] else float("nan")

    def p99(side):
        values = sorted(late[side])
        return values[int(0.99 * (len(values) - 1))] if values else float("nan")

    base_worst, base_p99 = worst("off"), p99("off")
    print(f"Circle: {args.points} points; {kind} {config['layer_sizes']}; "
          f"{args.rounds} rounds of {args.seconds:g} s per side; autosave every "
          f"{args.interval_ms} ms when on; {epoch:,} epochs trained; {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"autosaves written: {len(gui_ms)}; file {size / 1024:.0f} KiB")
    if gui_ms:
        print(f"GUI thread per autosave: median {statistics.median(gui_ms):.2f} ms, "
              f"max {max(gui_ms):.2f} ms")
        print(f"worker thread per autosave: median {statistics.median(worker_ms):.1f} ms, "
              f"max {max(worker_ms):.1f} ms")
    print(f"10 ms timer, autosave off (baseline): worst {base_worst:.1f} ms, "
          f"p99 {base_p99:.1f} ms, ticks {len(late['off'])}")
    print(f"10 ms timer, autosave on:             worst {worst('on'):.1f} ms, "
          f"p99 {p99('on'):.1f} ms, ticks {len(late['on'])}")
    print(f"on/off: worst lateness x{worst('on') / max(base_worst, 1e-9):.2f}, "
          f"p99 x{p99('on') / max(base_p99, 1e-9):.2f}, "
          f"ticks x{len(late['on']) / max(len(late['off']), 1):.2f}; GUI part per autosave "
          f"{statistics.median(gui_ms) if gui_ms else float('nan'):.2f} ms = "
          f"{(statistics.median(gui_ms) if gui_ms else float('nan')) / TIMER_MS:.2f} "
          f"of a 10 ms tick")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
