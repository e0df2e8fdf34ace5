"""Slow motion and the recording's cost (run by hand).

    .venv/bin/python benchmarks/speed.py [--seconds 6] [--rounds 4]

1. **1 epoch/s**: the real training process (``TrainingController``) set to 1 epoch a
   second trains the default MLP on Circle for ``--seconds``; epochs / seconds measured
   in the window's process (target about 1.00).
2. **Recording overhead**: the same pure loop at full speed, with the recording of every
   epoch's full training state (as the training process does it) and without, in
   alternating rounds so the shared machine's load hits both alike. Measured for the
   default MLP on Circle (the last line), and for the perceptron on AND (the fastest
   epochs, so the largest relative cost) and the panel's largest MLP (the largest
   states) for the record.

The last line is ``1 epoch/s setting: R epochs/s measured; recording overhead P %``.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the source tree


def one_epoch_per_second(seconds: float) -> float:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from nnplayground.core.datasets import circle
    from nnplayground.core.mlp import MLP
    from nnplayground.training.client import TrainingController

    app = QCoreApplication.instance() or QCoreApplication([])
    data = circle(n=500, seed=0)
    controller = TrainingController()
    controller.set_arrays(data.X, data.y)
    model = MLP([2, 4, 2, 1], activation="tanh", loss="cross_entropy", learning_rate=0.03,
                batch_size=10, seed=0)
    controller.set_model(model)
    controller.set_speed(1.0)
    controller.start()

    def run(s):
        loop = QEventLoop()
        QTimer.singleShot(int(s * 1000), loop.quit)
        loop.exec()

    arrivals: list[tuple[float, int]] = []  # (time, epoch) of each snapshot, as it came
    controller.snapshot_ready.connect(
        lambda snapshot, view: arrivals.append((time.perf_counter(), snapshot.epoch)))
    controller.play()
    run(1.5)  # the process is up and the first epochs are behind it
    arrivals.clear()
    run(seconds)
    controller.shutdown()
    del app
    (t0, e0), (t1, e1) = arrivals[0], arrivals[-1]
    return (e1 - e0) / (t1 - t0)  # from the first epoch seen to the last, no rounding


def full_speed(make, data, seconds: float, record: bool) -> float:
    from nnplayground.core.recording import Recording
    from nnplayground.training.loop import TrainingControl, train

    model = make()
    recording = Recording()
    control = TrainingControl()
    stopper = threading.Timer(seconds, control.request_stop)
    on_epoch = (lambda m, params: recording.record(m.epoch, m.get_training_state(params))
                if record else None)
    t0 = time.perf_counter()
    stopper.start()
    train(model, lambda: data, control, lambda snapshot: None, on_epoch=on_epoch)
    dt = time.perf_counter() - t0
    stopper.cancel()
    return model.epoch / dt


def overhead(make, data, seconds: float, rounds: int) -> tuple[float, float, float]:
    """(epochs/s without, with recording, overhead in %) over alternating rounds."""
    without, with_ = [], []
    for _ in range(rounds):
        without.append(full_speed(make, data, seconds / rounds, record=False))
        with_.append(full_speed(make, data, seconds / rounds, record=True))
    a, b = sum(without) / rounds, sum(with_) / rounds
    return a, b, 100.0 * (a - b) / a


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)

    from nnplayground.core.datasets import and_gate, circle
    from nnplayground.core.mlp import MLP
    from nnplayground.core.perceptron import Perceptron

    rate = one_epoch_per_second(args.seconds)
    circle_data = circle(n=500, seed=0)
    circle_xy = (circle_data.X, circle_data.y, None, None)
    gate = and_gate()
    cases = [
        ("MLP [2, 4, 2, 1] on Circle (default)", lambda: MLP(
            [2, 4, 2, 1], activation="tanh", loss="cross_entropy", learning_rate=0.03,
            batch_size=10, seed=0), circle_xy),
        ("perceptron on AND (fastest epochs)", lambda: Perceptron(2, seed=0, learning_rate=0.0001),
         (gate.X, gate.y, None, None)),
        ("MLP [2, 32 x 6, 1] Adam on Circle (largest state)", lambda: MLP(
            [2] + [32] * 6 + [1], activation="tanh", loss="cross_entropy", optimizer="adam",
            learning_rate=0.001, batch_size=10, seed=0), circle_xy),
    ]
    print(f"1 epoch/s setting, {args.seconds:g} s in the training process: {rate:.2f} epochs/s")
    print(f"{'recording overhead at full speed':<52} {'without':>10} {'with':>10} {'cost':>7}")
    results = []
    for name, make, data in cases:
        a, b, p = overhead(make, data, args.seconds, args.rounds)
        results.append(p)
        print(f"{name:<52} {a:8.1f}/s {b:8.1f}/s {p:6.1f} %")
    print(f"1 epoch/s setting: {rate:.2f} epochs/s measured; recording overhead {results[0]:.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
