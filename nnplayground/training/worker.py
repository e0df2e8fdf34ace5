"""Run the pure training loop in a QThread (STYLE.md section 2).

One run = one QThread + one ``TrainingWorker`` moved onto it: ``thread.started ->
worker.run``, ``worker.finished -> thread.quit``, both ``deleteLater``. Stop, pause and
live parameter changes travel through ``TrainingControl`` (a ``threading.Event`` and a
lock), set directly from the GUI thread: a queued slot would never run while ``run()``
holds the worker's thread.

Snapshots go through a one-slot mailbox: the worker leaves the newest snapshot there and
signals only when the slot was empty, so a slow GUI never builds up a queue; the error
values of snapshots the GUI did not pick up are merged into the next, so the error curve
misses no epoch.
"""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from nnplayground.core.base import Model
from nnplayground.training.loop import Snapshot, TrainingControl, TrainResult, train

#: Controllers with a thread that has not finished yet (for the test guard and for
#: shutting down on exit).
_ACTIVE: set[TrainingController] = set()


class _GuiThreadGarbageCollector:
    """While a training thread runs, Python's cyclic garbage collector runs only in the
    GUI thread.

    Automatic collection runs in whichever thread happens to allocate: in the training
    thread it can finalise a garbage Qt object (a closed widget's wrapper in a reference
    cycle), whose C++ destructor then waits for a Qt lock the GUI thread holds while
    the GUI thread waits for the GIL: the whole app freezes (seen in the test suite).
    pyqtgraph's GarbageCollector does the same for the same reason.
    """

    INTERVAL_MS = 250

    def __init__(self) -> None:
        self._timer: QTimer | None = None
        self._was_enabled = True

    def start(self) -> None:
        if self._timer is not None:
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(QCoreApplication.instance())
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    def stop(self) -> None:
        if self._timer is None:
            return
        self._timer.stop()
        self._timer.deleteLater()
        self._timer = None
        if self._was_enabled:
            gc.enable()

    @staticmethod
    def collect() -> None:
        """The generational schedule automatic collection would have followed."""
        t0, t1, t2 = gc.get_threshold()
        c0, c1, c2 = gc.get_count()
        if c0 > t0:
            gc.collect(2 if c1 > t1 and c2 > t2 else 1 if c1 > t1 else 0)


_GC = _GuiThreadGarbageCollector()


def running_threads() -> list[QThread]:
    """QThreads started by a controller that have not finished."""
    return [c._thread for c in list(_ACTIVE) if c._thread is not None and c._thread.isRunning()]


def stop_all_threads() -> None:
    for controller in list(_ACTIVE):
        controller.stop_and_wait()


class TrainingWorker(QObject):
    """Adapts ``training.loop.train`` to Qt signals. Lives in the training thread."""

    snapshot_ready = Signal()
    finished = Signal(int, object)  # run id, TrainResult
    failed = Signal(str)

    def __init__(
        self,
        model: Model,
        get_data: Callable[[], tuple],
        control: TrainingControl,
        view_function: Callable[[Model], Any] | None,
        max_epochs: int | None,
        snapshot_interval: float,
        run_id: int = 0,
    ) -> None:
        super().__init__()
        self.run_id = run_id
        self._model = model
        self._get_data = get_data
        self._control = control
        self._view_function = view_function
        self._max_epochs = max_epochs
        self._interval = snapshot_interval
        self._lock = threading.Lock()
        self._latest: tuple[Snapshot, Any] | None = None

    @Slot()
    def run(self) -> None:
        try:
            result = train(
                self._model,
                self._get_data,
                self._control,
                self._on_snapshot,
                snapshot_interval=self._interval,
                max_epochs=self._max_epochs,
            )
        except Exception as exc:  # never let an exception kill the thread silently
            self.failed.emit(f"Training stopped by an error: {exc}\n\n{traceback.format_exc()}")
            result = TrainResult(reason="stopped", epoch=self._model.epoch, message=f"Error: {exc}")
        self.finished.emit(self.run_id, result)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        view = None
        if self._view_function is not None:
            try:
                view = self._view_function(self._model)
            except Exception:  # a view that cannot be computed must not stop training
                view = None
        with self._lock:
            previous = self._latest
            if previous is not None:
                old = previous[0]
                snapshot = replace(
                    snapshot,
                    new_train_errors=np.concatenate([old.new_train_errors, snapshot.new_train_errors]),
                    new_test_errors=np.concatenate([old.new_test_errors, snapshot.new_test_errors]),
                )
            self._latest = (snapshot, view)
        if previous is None:
            self.snapshot_ready.emit()

    def take_latest(self) -> tuple[Snapshot, Any] | None:
        with self._lock:
            latest, self._latest = self._latest, None
        return latest


class TrainingController(QObject):
    """Owns at most one training thread at a time; lives in the GUI thread."""

    snapshot_ready = Signal(object, object)  # Snapshot, view data (or None)
    finished = Signal(object)  # TrainResult
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, snapshot_interval: float = 1 / 30) -> None:
        super().__init__(parent)
        self.snapshot_interval = snapshot_interval
        self.control = TrainingControl()
        self._model: Model | None = None
        self._get_data: Callable[[], tuple] | None = None
        self._view_function: Callable[[Model], Any] | None = None
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._run_id = 0
        self._stepping = False

    # ----------------------------------------------------------------- set-up
    @property
    def model(self) -> Model | None:
        return self._model

    def set_model(self, model: Model) -> None:
        """Replace the model; stops a running training first.

        Parameter changes still queued were meant for the old model (a new model may not
        even have those settings), so they are dropped.
        """
        self.stop_and_wait()
        self.control.discard_params()
        self._model = model

    def set_data_source(self, get_data: Callable[[], tuple]) -> None:
        self._get_data = get_data

    def set_view_function(self, view_function: Callable[[Model], Any] | None) -> None:
        self._view_function = view_function

    def is_running(self) -> bool:
        return self._thread is not None

    # --------------------------------------------------------------- commands
    def play(self, max_epochs: int | None = None) -> bool:
        """Start training in the background; False when already running or unset."""
        return self._play(max_epochs, stepping=False)

    def step(self, epochs: int = 1) -> bool:
        """Train exactly ``epochs`` more epochs (only while not running).

        A step is not a measure of speed: its snapshots carry ``epochs_per_second`` 0
        (unknown), and it ends with "Stepped to epoch N.", not with a maximum reached.
        """
        if self._model is None:
            return False
        return self._play(self._model.epoch + int(epochs), stepping=True)

    def _play(self, max_epochs: int | None, stepping: bool) -> bool:
        if self._thread is not None or self._model is None or self._get_data is None:
            return False
        self.control.reset()
        self._stepping = stepping
        self._start(max_epochs)
        return True

    def pause(self) -> None:
        self.control.request_pause()

    def set_param(self, name: str, value: Any) -> None:
        """Change one of the model's ``live_params`` at the next epoch (at once when idle).

        Checked now, against the model: ``ModelError`` (a setting this model does not
        take, a bad value) means nothing was changed or queued.
        """
        if self._model is None:
            return
        value = self._model.check_live_param(name, value)
        if self._thread is None:
            self._model.set_live_param(name, value)
        else:
            self.control.set_param(name, value)

    def stop_and_wait(self) -> None:
        """Ask the worker to stop and block until its thread has ended."""
        thread = self._thread
        if thread is None:
            return
        self.control.request_stop()
        thread.quit()
        # No terminate(): killing a thread that holds the GIL (or a lock) hangs the whole
        # process. The stop flag is read between epochs, so waiting ends after at most
        # one epoch, however long that epoch is.
        thread.wait()
        self._on_thread_done()

    # --------------------------------------------------------------- plumbing
    def _start(self, max_epochs: int | None) -> None:
        # Python owns both objects (no deleteLater): they are dropped in _on_thread_done
        # after thread.wait(), so no queued signal can reach a deleted C++ object.
        self._run_id += 1
        thread = QThread()
        thread.setObjectName("nnplayground-training")
        worker = TrainingWorker(
            self._model, self._get_data, self.control, self._view_function, max_epochs,
            self.snapshot_interval, self._run_id,
        )
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.snapshot_ready.connect(self._on_worker_snapshot_ready)
        worker.failed.connect(self.failed)
        worker.finished.connect(self._on_worker_finished)
        worker.finished.connect(thread.quit)
        self._thread, self._worker = thread, worker
        _ACTIVE.add(self)
        _GC.start()
        thread.start()
        self.running_changed.emit(True)

    @Slot()
    def _on_worker_snapshot_ready(self) -> None:
        worker = self._worker
        if worker is None:
            return
        latest = worker.take_latest()
        if latest is not None:
            snapshot, view = latest
            if self._stepping:
                snapshot = replace(snapshot, epochs_per_second=0.0)
            self.snapshot_ready.emit(snapshot, view)

    @Slot(int, object)
    def _on_worker_finished(self, run_id: int, result: TrainResult) -> None:
        if self._worker is None or run_id != self._run_id:
            return  # a run that stop_and_wait() already ended and cleaned up
        self._on_worker_snapshot_ready()  # the final snapshot, if the GUI has not had it
        self._thread.quit()
        self._thread.wait()
        self._on_thread_done()
        if self._stepping and result.reason == "max_epochs":
            result = replace(result, message=f"Stepped to epoch {result.epoch}.")
        self.finished.emit(result)

    def _on_thread_done(self) -> None:
        was_running = self._thread is not None
        self._thread = None
        self._worker = None
        _ACTIVE.discard(self)
        if not _ACTIVE:
            _GC.stop()
        if self._model is not None:
            # Changed during the run's last epoch: the model (the run's one) takes them
            # now, as it would have when idle. Checked when queued, so this cannot fail.
            self.control.apply_params(self._model)
        if was_running:
            self.running_changed.emit(False)
