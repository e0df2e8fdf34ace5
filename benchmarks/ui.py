"""The window while it trains at full speed, against the engine alone (run by hand).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/ui.py \
        [--network 2,32,32,32,1] [--points 10000] [--seconds 8] [--rounds 4] [--profile FILE]

Opens the real ``MainWindow(restore_settings=False)`` on the Circle preset's generator
with ``--points`` points (seed 0; default 500, the preset itself) and an MLP with the
layer sizes ``--network`` (input and output included; default the model panel's
[2, 4, 2, 1]); everything else is the panel's default (tanh, cross-entropy, SGD, lr 0.03,
batch 10). It measures in one run:

1. **app epochs/s**: Play (the toolbar action), then the epoch counter over the measured
   time (after a warm-up), read in the GUI thread.
2. **engine alone**: the same pure loop (``training.loop.train``), same data and network,
   in this process with no window running, snapshots discarded: no view data is
   computed, so the baseline is the training alone. (The app's trainer computes the view
   data for every snapshot it sends, about 30 a second, in its own process: that cost is
   on the app's side of the ratio.) Engine and app alternate in ``--rounds`` rounds, so a
   change in the shared machine's load hits both alike.
3. **frames/s**: paint events of the canvas that show a decision surface the previous
   paint had not shown ("fresh frames"; a snapshot without view data is not one).
4. **stalls**: a 10 ms ``QTimer`` (PreciseTimer) in the GUI thread: its worst lateness,
   and the ticks received against the measured seconds / 10 ms.

The last line is ``worst stall N ms, ticks M %, app/engine R %, frames F/s``.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
# The source tree, not an installed copy (which may be older).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# No Qt here: the window's training process starts with ``spawn``, which imports this
# script again in it (and in its view process). The window's side is in ui_window.py,
# imported by ``main``, so those processes are the app's: numpy and no Qt.
TARGETS = {"ratio": 0.90, "fps": 30.0}


def parse_network(text: str | None, n_inputs: int, n_outputs: int) -> list[int] | None:
    if text is None:
        return None
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise SystemExit(f"--network: whole numbers separated by commas, not {text!r}")
    if len(sizes) < 2 or min(sizes) < 1:
        raise SystemExit("--network: at least an input and an output layer, each >= 1")
    if sizes[0] != n_inputs or sizes[-1] != n_outputs:
        raise SystemExit(f"--network {text}: the data needs {n_inputs} inputs and "
                         f"{n_outputs} output(s), so it must start with {n_inputs} and end "
                         f"with {n_outputs}")
    return sizes


def engine_loop(config: dict, data, seconds: float) -> tuple[int, float, float]:
    """Epochs, seconds and the thread's CPU seconds of ``training.loop.train`` alone (a
    timer thread stops it)."""
    from nnplayground.core.mlp import MLP
    from nnplayground.training.loop import TrainingControl, train

    model = MLP(**config)
    control = TrainingControl()
    stopper = threading.Timer(seconds, control.request_stop)
    t0, c0 = time.perf_counter(), time.thread_time()
    stopper.start()
    train(model, lambda: data, control, lambda snapshot: None, snapshot_interval=1 / 30)
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    stopper.cancel()
    return model.epoch, dt, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--network", default=None,
                        help="layer sizes, input and output included, e.g. 2,32,32,32,1 "
                             "(default: the model panel's MLP)")
    parser.add_argument("--points", type=int, default=500,
                        help="points from the Circle preset's generator, seed 0 (default 500)")
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="measured app time in total (the engine gets as much)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="engine/app alternations the time is split into")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="training before each app segment's measurement starts")
    parser.add_argument("--profile", default=None, help="write a cProfile of the GUI thread here")
    args = parser.parse_args(argv)
    if args.points < 10:
        raise SystemExit("--points: at least 10")

    from ui_window import AppRun, process_events, view_ms

    from nnplayground.core.datasets import circle
    from nnplayground.core.state import DatasetSpec, ModelSpec
    from nnplayground.ui.app import make_application

    app = make_application()  # noqa: F841 (the QApplication lives while this reference does)
    from nnplayground.ui.window.main_window import MainWindow

    window = MainWindow(restore_settings=False)
    window.show()
    process_events(0.3)
    if hasattr(window, "start_background_work"):
        window.start_background_work()
    data = circle(n=args.points, seed=0)
    window.model_panel.kind_combo.setCurrentIndex(window.model_panel.kind_combo.findData("mlp"))
    kind, config = window.model_panel.model_config(2, 2)
    sizes = parse_network(args.network, 2, 1)
    if sizes is not None:
        config = {**config, "layer_sizes": sizes}
    ok = window.apply(points=(data.X, data.y, data.class_names),
                      dataset=DatasetSpec.from_preset("Circle"), model=ModelSpec(kind, config),
                      undoable=False)
    if not ok:
        raise SystemExit(f"the window would not take this network: {window.banner.text()}")
    process_events(0.5)
    train_data = window.data()

    rounds = max(1, args.rounds)
    part = args.seconds / rounds
    runner = AppRun(window, args.profile)
    loops, round_ratios = [engine_loop(config, train_data, part)], []
    for _ in range(rounds):
        app_eps = runner.segment(part, args.warmup)
        loops.append(engine_loop(config, train_data, part))
        around = (loops[-2][0] + loops[-1][0]) / (loops[-2][1] + loops[-1][1])  # epochs/s
        round_ratios.append(app_eps / around)
    result = runner.finish()
    frame_ms = view_ms(window)
    window.close()
    process_events(0.1)

    loop_eps = sum(e for e, _, _ in loops) / sum(t for _, t, _ in loops)
    loop_cpu_ms = 1000 * sum(c for _, _, c in loops) / max(sum(e for e, _, _ in loops), 1)
    ratio = result["eps"] / loop_eps
    fps_target = min(TARGETS["fps"], loop_eps)
    print(f"Circle: {args.points} points ({len(train_data[0])} training); {kind} {config}")
    print(f"{args.seconds:g} s of app in {rounds} rounds; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("engine (loop.train) per segment, epochs/s: "
          + " ".join(f"{e / t:.0f}" for e, t, _ in loops))
    print("app / engine around it, per round: "
          + " ".join(f"{100 * r:.0f} %" for r in round_ratios))
    rows = [
        ("engine alone, loop.train (no view data)", f"{loop_eps:8.1f} epochs/s", "", ""),
        ("app, training at full speed", f"{result['eps']:8.1f} epochs/s", "", ""),
        ("app / engine", f"{100 * ratio:8.1f} %", f">= {100 * TARGETS['ratio']:.0f} %",
         "PASS" if ratio >= TARGETS["ratio"] else "FAIL"),
        ("fresh frames drawn (canvas)", f"{result['fps']:8.1f} /s", f">= {fps_target:.0f}",
         "PASS" if result["fps"] >= fps_target * 0.95 else "FAIL"),
        ("  all canvas paint events", f"{result['paints']:8.1f} /s", "", ""),
        ("  snapshots handled", f"{result['snapshots']:8.1f} /s", "", ""),
        ("worst lateness of a 10 ms timer", f"{result['stall_ms']:8.1f} ms", "", ""),
        ("  median / 99th percentile", f"{result['stall_median']:.1f} / {result['stall_p99']:.1f} ms",
         "", ""),
        ("  ticks received", f"{100 * result['ticks']:8.1f} %", ">= 90 %",
         "PASS" if result["ticks"] >= 0.9 else "FAIL"),
        ("  snapshot slot (GUI thread)", f"{result['slot_ms']:8.2f} ms", "", ""),
        ("  view data per frame (trainer side)", f"{frame_ms:8.2f} ms", "", ""),
        ("CPU per epoch: engine alone", f"{loop_cpu_ms:8.3f} ms", "", ""),
    ]
    if result["cpu_ms"] is not None:
        # CPU time is not taken by the other processes on a shared machine: the cost of
        # what the trainer does besides training (view data, snapshots, recording)
        # shows without the wall clock's noise.
        rows += [("CPU per epoch: training process", f"{result['cpu_ms']:8.3f} ms", "", ""),
                 ("  engine / training process (CPU)",
                  f"{100 * loop_cpu_ms / result['cpu_ms']:8.1f} %", "", "")]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>17}  {'target':>9}  result")
    for name, value, target, verdict in rows:
        print(f"{name:<{width}}  {value:>17}  {target:>9}  {verdict}")
    print(f"worst stall {result['stall_ms']:.0f} ms, ticks {100 * result['ticks']:.0f} %, "
          f"app/engine {100 * ratio:.0f} %, frames {result['fps']:.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
