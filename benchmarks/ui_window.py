"""The window's side of ``ui.py``: its event loop, the probes in the GUI thread and the
app's segments of training (Qt; ``ui.py`` imports this only in its main process).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PySide6 import QtCore

TIMER_MS = 10


def process_events(seconds: float) -> None:
    """Run a real event loop (blocking in the GUI's wait, as app.exec() does)."""
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(max(int(seconds * 1000), 0), loop.quit)
    loop.exec()


class FrameCounter(QtCore.QObject):
    """Counts paint events on a widget; 'fresh' ones follow a new snapshot."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.paints = self.fresh = 0
        self.pending = False
        widget.installEventFilter(self)

    def on_snapshot(self, snapshot, view) -> None:
        if view is not None:  # a new decision surface to draw
            self.pending = True

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            self.paints += 1
            if self.pending:
                self.fresh += 1
                self.pending = False
        return False


class StallProbe(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.timer = QtCore.QTimer(self)
        self.timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TIMER_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.last = 0.0
        self.lateness: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.lateness.append((now - self.last) * 1000.0 - TIMER_MS)
        self.last = now


def process_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) the process has used so far; None where /proc is not."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return None


class AppRun:
    """The window training at full speed, measured in segments (Play ... Pause)."""

    def __init__(self, window, profile: str | None) -> None:
        self.window = window
        self.trainer = trainer = window.trainer
        self.epochs, self.seconds = 0, 0.0
        self.cpu: float | None = 0.0  # the training process's CPU seconds while measured
        self.ticks, self.lateness = 0, []
        self.fresh = self.paints = self.snapshots = 0
        self.slot_times: list[float] = []
        self.frames = FrameCounter(window.canvas.viewport())
        stamp = {"t": 0.0}

        def before(*_):
            stamp["t"] = time.perf_counter()

        def after(*_):
            self.slot_times.append(time.perf_counter() - stamp["t"])

        # Qt calls slots in connection order: ours wrap the window's own.
        trainer.snapshot_ready.disconnect()
        trainer.snapshot_ready.connect(before)
        trainer.snapshot_ready.connect(window.live.on_snapshot)
        trainer.snapshot_ready.connect(after)
        trainer.snapshot_ready.connect(self.frames.on_snapshot)
        self.profiler = None
        if profile:
            import cProfile

            self.profiler = cProfile.Profile()
        self.profile = profile

    def segment(self, seconds: float, warmup: float) -> float:
        """Play, warm up, measure ``seconds``, pause; returns this segment's epochs/s."""
        trainer, frames = self.trainer, self.frames
        self.window.actions_.play.trigger()
        if not trainer.is_running():
            raise SystemExit("Play did not start training")
        process_events(warmup)
        probe = StallProbe()
        frames.paints = frames.fresh = 0
        if self.profiler is not None:
            self.profiler.enable()
        c0 = process_cpu(trainer.pid)
        n0 = len(self.slot_times)
        e0, t0 = trainer.model.epoch, time.perf_counter()
        probe.start()
        process_events(seconds)
        probe.stop()
        e1, t1 = trainer.model.epoch, time.perf_counter()
        c1 = process_cpu(trainer.pid)
        self.snapshots += len(self.slot_times) - n0
        if self.cpu is not None and c0 is not None and c1 is not None:
            self.cpu += c1 - c0
        else:
            self.cpu = None
        if self.profiler is not None:
            self.profiler.disable()
        self.window.actions_.play.trigger()  # pause
        deadline = time.perf_counter() + 30
        while trainer.is_running() and time.perf_counter() < deadline:
            process_events(0.05)
        self.epochs += e1 - e0
        self.seconds += t1 - t0
        self.fresh += frames.fresh
        self.paints += frames.paints
        self.ticks += len(probe.lateness)
        self.lateness += probe.lateness
        return (e1 - e0) / (t1 - t0)

    def finish(self) -> dict:
        if self.profiler is not None:
            self.profiler.dump_stats(self.profile)
        dt = self.seconds
        lat = np.array(self.lateness) if self.lateness else np.zeros(1)
        return {
            "eps": self.epochs / dt, "fps": self.fresh / dt, "paints": self.paints / dt,
            "stall_ms": float(lat.max()), "stall_p99": float(np.percentile(lat, 99)),
            "stall_median": float(np.median(lat)),
            "ticks": self.ticks / (dt * 1000.0 / TIMER_MS),
            "slot_ms": 1000 * float(np.mean(self.slot_times or [np.nan])),
            "snapshots": self.snapshots / dt,  # while measured (not in the warm-ups)
            "cpu_ms": None if self.cpu is None else 1000 * self.cpu / max(self.epochs, 1),
        }


def view_ms(window, repeats: int = 20) -> float:
    """Mean time of one frame's view data for the current model, as the trainer computes it."""
    model = window.trainer.model
    t0 = time.perf_counter()
    for _ in range(repeats):
        window.live.compute_view(model)
    return 1000 * (time.perf_counter() - t0) / repeats
