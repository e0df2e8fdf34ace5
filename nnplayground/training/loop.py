"""The pure training loop: runs any model epoch by epoch. No Qt here.

Design
------
``train()`` runs in the worker thread and *returns* whenever training should not go on:
stop requested, pause requested, converged, diverged, or ``max_epochs`` reached. The Qt
worker simply calls it again on Play. Nothing blocks waiting for a flag, so stopping is
always prompt (within one epoch) and there is no second wait loop to get wrong.

* Play: ``control.reset()`` then ``train(...)``.
* Pause: ``control.request_pause()``; the running ``train()`` returns "paused" after the
  current epoch.
* Step: ``train(..., max_epochs=model.epoch + n)`` runs ``n`` epochs.
* Stop (Reset, window closing): ``control.request_stop()``; ``control.reset()`` before
  the next run.
* Parameters: ``control.set_param("learning_rate", 0.05)`` queues a change that
  ``model.set_live_param`` applies before the next epoch (only settings the model
  declares in ``live_params``; the caller checks the value against the model when it
  queues it). ``control.apply_params(model)`` applies them at once when no training
  runs; ``control.discard_params()`` forgets them when the model is replaced, since
  they were meant for that model.

Snapshots are throttled by time (the injected ``clock``): at most one every
``snapshot_interval`` seconds, and always one at the end of each call whose state is the
model's state when ``train()`` returns. Each carries the errors of every epoch since the
previous snapshot, so an error curve misses none. All arrays in a snapshot are copies.

Divergence: after every epoch, a NaN/inf training or test error, or non-finite weights,
restores the last finite state (``set_state`` + ``epoch``) and returns "diverged"; the
failed epoch's errors are not reported.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnplayground.core.base import Model, state_finite

#: get_data() -> (X_train, y_train, X_test, y_test); the test pair may be None or empty.
DataSource = Callable[[], tuple[Any, Any, Any, Any]]


class TrainingControl:
    """Flags shared between the GUI thread (writer) and the training thread (reader)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._wake = threading.Event()  # set by stop and pause: ends a paced wait at once
        self._lock = threading.Lock()
        self._params: dict[str, Any] = {}
        self.pace: float | None = None  # seconds per epoch; None: as fast as possible

    # --- GUI side
    def request_stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def request_pause(self) -> None:
        self._pause.set()
        self._wake.set()

    def reset(self) -> None:
        """Clear stop and pause for a new run; pending parameters are kept."""
        self._stop.clear()
        self._pause.clear()
        self._wake.clear()

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Slow motion: at most this many epochs a second (None: full speed); applies
        from the next epoch, also during a run."""
        self.pace = None if not epochs_per_second else 1.0 / float(epochs_per_second)
        self._wake.set()  # a long wait for the old pace ends now
        if not (self._stop.is_set() or self._pause.is_set()):
            self._wake.clear()

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``; a stop, a pause or a new speed ends it early."""
        if seconds > 0:
            self._wake.wait(seconds)

    def set_param(self, name: str, value: Any) -> None:
        """Queue ``model.set_live_param(name, value)`` for the next epoch boundary."""
        with self._lock:
            self._params[name] = value

    def discard_params(self) -> None:
        """Forget queued parameters (the model they were meant for is gone)."""
        with self._lock:
            self._params = {}

    # --- training side
    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return self._pause.is_set()

    def take_params(self) -> dict[str, Any]:
        with self._lock:
            params, self._params = self._params, {}
            return params

    def apply_params(self, model: Model) -> dict[str, Any]:
        """Apply queued parameters to ``model`` now; returns what was applied.

        All are checked first: a ``ModelError`` (a setting the model does not take, a
        bad value) leaves the model unchanged.
        """
        params = self.take_params()
        for name, value in params.items():
            model.check_live_param(name, value)
        for name, value in params.items():
            model.set_live_param(name, value)
        return params


@dataclass(frozen=True)
class Snapshot:
    """What the views need after some epochs; every array is a private copy.

    epoch             model.epoch when taken
    train_error       error of the last epoch (NaN if this call ran none)
    test_error        test error of the last epoch (NaN without a test set)
    state             deep copy of model.get_state()
    new_train_errors  float64 (k,): errors of epochs epoch-k+1 .. epoch, all since the
                      previous snapshot
    new_test_errors   float64 (k,): same epochs, NaN where there was no test set
    epochs_per_second epochs since the previous snapshot / time since it (0 if no time)
    wall_time         seconds since this train() call began (by its clock)
    n_train           training rows of the last epoch (point edits reach the trainer
                      between epochs; this says which data it has)
    """

    epoch: int
    train_error: float
    test_error: float
    state: dict[str, Any]
    new_train_errors: np.ndarray
    new_test_errors: np.ndarray
    epochs_per_second: float
    wall_time: float
    n_train: int = 0

    @property
    def history(self) -> dict[str, np.ndarray]:
        return {"train": self.new_train_errors, "test": self.new_test_errors}

    @property
    def new_epochs(self) -> np.ndarray:
        """Epoch numbers (k,) of ``new_train_errors``."""
        k = len(self.new_train_errors)
        return np.arange(self.epoch - k + 1, self.epoch + 1)


@dataclass(frozen=True)
class TrainResult:
    reason: str  # "stopped" | "paused" | "converged" | "diverged" | "max_epochs"
    epoch: int
    message: str


def copy_state(value: Any) -> Any:
    """Deep copy of a model state: arrays copied, containers rebuilt."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: copy_state(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_state(v) for v in value]
    if isinstance(value, tuple):
        return tuple(copy_state(v) for v in value)
    return value


def _has_rows(X: Any) -> bool:
    return X is not None and len(X) > 0


def train(model: Model, get_data: DataSource, control: TrainingControl,
          on_snapshot: Callable[[Snapshot], None], snapshot_interval: float = 1 / 30,
          max_epochs: int | None = None, clock: Callable[[], float] = time.perf_counter,
          on_epoch: Callable[[Model, Any], None] | None = None,
          ready: Callable[[], bool] | None = None) -> TrainResult:
    """Train ``model`` until something says stop; see the module docstring.

    ``on_epoch(model, state)`` runs after every good epoch with the copy of
    ``model.get_state()`` the loop took anyway (the recording of a run). ``ready()``,
    asked at an epoch's end between due times, True: a snapshot goes now (the receiver
    took the last one after holding one back), the rhythm unchanged. With a
    ``control.pace`` (slow motion) each epoch is followed by a snapshot and a wait until
    the next epoch is due.

    ``max_epochs`` is an absolute epoch number: training ends once ``model.epoch``
    reaches it. Exceptions from the model or ``get_data`` propagate after the model is
    put back to its last finite state.
    """
    start = last_emit = clock()
    # Snapshots keep a rhythm: one is due every ``snapshot_interval`` from the start, sent
    # at the first epoch's end after that. (An interval from the last one, as before, lost
    # a part of an epoch each time: 12 ms epochs gave 28 a second, not 30.)
    next_due = start + snapshot_interval
    # One private copy per epoch serves the divergence check, the restore point and the
    # snapshots alike (nothing here mutates it). copy_state, not trust: a model's
    # get_state() may hand out views of arrays it keeps training. set_state() gets a
    # copy of its own, since training mutates what it is given.
    good_state = copy_state(model.get_state())
    good_epoch = model.epoch
    train_errs: list[float] = []
    test_errs: list[float] = []
    last_train = last_test = math.nan
    emitted_epoch = None  # epoch of the latest snapshot sent by this call
    n_train = 0

    def emit(now: float) -> None:
        nonlocal last_emit, emitted_epoch
        dt = now - last_emit
        on_snapshot(Snapshot(
            epoch=model.epoch, train_error=last_train, test_error=last_test,
            state=good_state,
            new_train_errors=np.array(train_errs, dtype=np.float64),
            new_test_errors=np.array(test_errs, dtype=np.float64),
            epochs_per_second=len(train_errs) / dt if dt > 0 else 0.0,
            wall_time=now - start, n_train=n_train,
        ))
        train_errs.clear()
        test_errs.clear()
        last_emit, emitted_epoch = now, model.epoch

    if not model.params_finite():
        reason, message = "diverged", (
            "The weights contain NaN or infinite values; reset the model before training."
        )
        emit(clock())
        return TrainResult(reason, model.epoch, message)

    forced_final = False
    try:
        while True:
            if control.stop_requested:
                reason, message = "stopped", f"Stopped at epoch {model.epoch}."
                break
            if max_epochs is not None and model.epoch >= max_epochs:
                reason, message = "max_epochs", f"Reached epoch {model.epoch}, the set maximum."
                break
            if control.paused:
                reason, message = "paused", f"Paused at epoch {model.epoch}."
                break
            control.apply_params(model)
            epoch_start = clock()
            X, y, X_test, y_test = get_data()
            if not _has_rows(X):
                reason, message = "paused", "There are no training points: add some first."
                break
            with np.errstate(all="ignore"):
                err = float(model.partial_fit(X, y))
                test_err = float(model.error(X_test, y_test)) if _has_rows(X_test) else math.nan
            finite_test = math.isfinite(test_err) or not _has_rows(X_test)
            state = copy_state(model.get_state())
            if not (math.isfinite(err) and finite_test and state_finite(state)):
                bad_epoch = model.epoch
                model.set_state(copy_state(good_state))
                model.epoch = good_epoch
                reason, message = "diverged", _diverged_message(model, bad_epoch, good_epoch)
                forced_final = True
                break
            good_state = state
            good_epoch = model.epoch
            n_train = len(X)
            last_train, last_test = err, test_err
            train_errs.append(err)
            test_errs.append(test_err)
            if on_epoch is not None:
                on_epoch(model, state)
            if model.converged:
                reason, message = "converged", (
                    f"Converged at epoch {model.epoch}: more epochs would not change the weights."
                )
                break
            now = clock()
            pace = control.pace
            if pace is not None and pace >= snapshot_interval:
                emit(now)  # slow motion: every epoch is seen
                control.wait(epoch_start + pace - clock())
            elif now >= next_due:
                emit(now)
                next_due += snapshot_interval
                if next_due <= now:  # an epoch longer than the interval: no catching up
                    next_due = now + snapshot_interval
            elif ready is not None and ready():
                emit(now)
                if pace is not None:
                    control.wait(epoch_start + pace - now)
            elif pace is not None:
                control.wait(epoch_start + pace - now)
    except BaseException:
        model.set_state(copy_state(good_state))
        model.epoch = good_epoch
        raise
    if forced_final or train_errs or emitted_epoch != model.epoch:
        emit(clock())
    return TrainResult(reason, model.epoch, message)


def _diverged_message(model: Model, bad_epoch: int, good_epoch: int) -> str:
    lr = getattr(model, "learning_rate", None)
    hint = "Try a smaller learning rate"
    if isinstance(lr, (int, float)) and not isinstance(lr, bool):
        hint += f" (it is now {lr:g})"
    return (
        f"Training diverged at epoch {bad_epoch}: the error or the weights became too large "
        f"to compute (infinite or not a number). The weights are back to epoch {good_epoch}, "
        f"the last good ones. {hint}."
    )
