"""The training process: owns the model, runs the pure loop, computes the view data and
sends snapshots to the window. Imports no Qt (a layering test checks), so it starts the
same way on Windows, macOS and Linux (``multiprocessing``, ``spawn``).

Two threads, no Qt among them, and a process of its own for the decision view:

* the **reader** receives every command as it arrives: stop, pause, live parameters,
  new points and the view request take effect at once, during a run (the loop reads them
  between epochs); model changes, runs and "quit" go to the main thread's queue;
* the **main thread** waits for the next queued command and runs the loop;
* the **view process** (``view_process.py``, started with the first view asked for)
  draws each frame's decision surface from the frame's weights on another core, and the
  trainer passes its answer on to the window; without it the trainer draws them itself.

When the window's end of the pipe closes (the window quit, or the app died), the reader
sees it and the process ends: no orphan keeps a laptop's fan running.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from nnplayground.core.base import error_or_none
from nnplayground.core.explain import step_sample
from nnplayground.core.recording import Recording
from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.core.view_model import TrailBuffer
from nnplayground.training import protocol as P
from nnplayground.training.data import TrainingData
from nnplayground.training.hints import RunWatch, model_outputs, watched_rows
from nnplayground.training.loop import Snapshot, TrainingControl, TrainResult, copy_state, train
from nnplayground.training.view_process import ViewBudget, ViewerLink, compute_view

#: seconds between two looks at the network's outputs for the "dead" hint during a run:
#: a forward pass over 256 points at every snapshot (~40 a second) was 2 % of a
#: [2, 32, 32, 1] run; the rule counts epochs, so fewer looks find the same thing
OUTPUTS_EVERY = 0.2

#: recordings of earlier models kept for an undo that gives one back, and the bytes of
#: each (thinned; a session file's is 8 MB): at most 16 MB
KEPT_RECORDINGS = 8
KEPT_BUDGET = 2 * 2**20

#: BLAS libraries read these when NumPy loads: one thread each, so that training and the
#: window share two cores sensibly. ``start_environment`` is set before the process starts.
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


class _Control(TrainingControl):
    """Live parameters tagged with the model they were meant for: one sent just before
    the model was replaced never reaches the next model."""

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0

    def set_tagged_param(self, generation: int, name: str, value: Any) -> None:
        with self._lock:
            self._params[(generation, name)] = value

    def take_params(self) -> dict[str, Any]:
        with self._lock:
            params, self._params = self._params, {}
        return {name: value for (gen, name), value in params.items() if gen == self.generation}


class _ArraySource:
    """Fixed data (the digit pad's patterns) in the shape the loop asks for."""

    def __init__(self) -> None:
        self.data: tuple = (np.zeros((0, 2)), None, None, None)

    def __call__(self) -> tuple:
        return self.data


class Trainer:
    """The process's state; ``serve`` runs it. Also usable in-process by tests."""

    def __init__(self, conn, snapshot_interval: float = 1 / 30,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.conn = conn
        self.interval = snapshot_interval
        self.clock = clock  # the loop's clock (a test gives one that epochs advance)
        self.control = _Control()
        self.points = TrainingData()
        self.arrays = _ArraySource()
        self.source: Any = self.points
        self.view_request = None  # a ViewRequest, replaced whole by the reader
        self.view_budget = ViewBudget()  # when the trainer draws a view itself
        self.viewer: ViewerLink | None = None
        self._viewer_failed = False
        self._model_key = 0  # changes whenever the model or its trails start afresh
        self._clear_trails = False
        self.trails = TrailBuffer(maxlen=40)
        self.model = None
        self.generation = -1
        self.recording = Recording()
        self._kept_recordings: dict[int, Recording] = {}  # by generation, oldest first
        self.commands: queue.Queue = queue.Queue()
        self._credit = threading.Event()  # set: the window may take a snapshot now
        self._credit.set()
        self._send_lock = threading.Lock()
        self._pending: Snapshot | None = None  # errors not yet sent (the window was busy)
        self._model_wanted = threading.Event()  # WANT_MODEL: the next snapshot brings it
        self.watch = RunWatch(rate=False, dead=False)  # hints.py: rate too large, dead
        self._watch_stale = threading.Event()  # data or a setting changed: watch afresh
        self._outputs_due = 0.0  # perf_counter time of the next look at the outputs

    # ------------------------------------------------------------------ plumbing
    def send(self, *message) -> None:
        with self._send_lock:
            self.conn.send(message)

    def read_commands(self) -> None:
        """The reader thread: until the window's end closes."""
        try:
            while True:
                message = self.conn.recv()
                if message[0] in P.IMMEDIATE:
                    self.handle_immediate(message)
                    continue
                if message[0] == P.PLAY:
                    # Cleared here, in the order the window sent things: a Pause sent
                    # right after Play must end that run, not be forgotten by it.
                    self.control.reset()
                self.commands.put(message)
        except (EOFError, OSError):
            pass
        self.control.request_stop()
        self.commands.put((P.QUIT,))

    def handle_immediate(self, message: tuple) -> None:
        name, *args = message
        if name in (P.SET_POINTS, P.CONFIGURE, P.SET_ARRAYS, P.SET_PARAM):
            self._watch_stale.set()
        if name == P.SET_POINTS:
            self.points.set_points(args[0])
        elif name == P.CONFIGURE:
            self.points.configure(*args)
            self.source = self.points
        elif name == P.SET_ARRAYS:
            self.arrays.data = tuple(args)
            self.source = self.arrays
        elif name == P.SET_VIEW:
            self.view_request = args[0]
        elif name == P.SET_PARAM:
            self.control.set_tagged_param(*args)
        elif name == P.PAUSE:
            self.control.request_pause()
        elif name == P.STOP:
            self.control.request_stop()
        elif name == P.ACK:
            self._credit.set()
        elif name == P.SET_SPEED:
            self.control.set_speed(args[0])
        elif name == P.WANT_MODEL:
            self._model_wanted.set()

    # ------------------------------------------------------------------ main loop
    def serve(self) -> None:
        self.send(P.READY)
        while True:
            name, *args = self.commands.get()
            if name == P.QUIT:
                return
            if name == P.SET_MODEL:
                self.set_model(*args)
            elif name == P.GET_MODEL:
                self.send(P.MODEL, None if self.model is None else model_to_dict(self.model))
            elif name == P.PLAY:
                self.run(*args)
            elif name == P.STATE_AT:
                found = self.recording.at(args[0])
                epoch, state = found if found is not None else (None, None)
                self.send(P.STATE, args[0], epoch, None if state is None else state["params"])
            elif name == P.SEEK:
                self.seek(args[0])
            elif name == P.STEP_SAMPLE:
                self.step_sample()
            elif name == P.GET_RECORDING:
                self.send(P.RECORDING, self.recording.thinned(args[0]).to_dict())
            elif name == P.SET_RECORDING:
                try:
                    self.recording = Recording.from_dict(args[0])
                except ValueError:
                    self.recording = Recording()
                if self.model is not None:
                    self.recording.record(self.model.epoch, self.model.get_training_state())

    def set_model(self, generation: int, model: dict, earlier: int | None = None) -> None:
        """A new model (a new generation: a new recording), or the same one changed in
        place while idle (weights typed in, a setting): the recording goes on from it,
        its later epochs dropped. A new generation keeps the old one's recording, thinned,
        for a while (``KEPT_RECORDINGS``); ``earlier``, a generation this model had
        before (an undo gave it back), takes its recording back."""
        self.control.generation = generation
        self.model = model_from_dict(model)
        self._model_key += 1
        if generation != self.generation:
            if earlier is None or earlier != self.generation:
                # (earlier == ours: the models in between never came; the recording
                # goes on, whole, from this model's epoch)
                self._keep_recording()
                kept = self._kept_recordings.pop(earlier, None) if earlier is not None else None
                if kept is not None:
                    kept.budget = self.recording.budget
                    self.recording = kept  # record() below cuts it back to the model's epoch
                else:
                    self.recording = Recording(budget=self.recording.budget)
            self.trails.clear()
            self._clear_trails = True
            self.generation = generation
        self._pending = None
        self.watch = RunWatch.for_model(self.model)
        self.recording.record(self.model.epoch, self.model.get_training_state())

    def _keep_recording(self) -> None:
        """The recording of the model being replaced, thinned, kept for an undo that
        gives that model back (the oldest of ``KEPT_RECORDINGS`` goes)."""
        if len(self.recording) > 1 and self.generation >= 0:
            self._kept_recordings[self.generation] = self.recording.thinned(KEPT_BUDGET)
            while len(self._kept_recordings) > KEPT_RECORDINGS:
                del self._kept_recordings[next(iter(self._kept_recordings))]

    def seek(self, epoch: int) -> None:
        """Back to the recorded epoch at or before ``epoch``, as if the run had stopped
        there; what was recorded after it is dropped."""
        found = self.recording.at(epoch) if self.model is not None else None
        if found is not None:
            recorded, state = found
            self.model.set_training_state(state)
            self.recording.truncate_after(recorded)
            self.trails.clear()
            self._clear_trails = True
            self.watch.reset()
        self.send(P.MODEL, None if self.model is None else model_to_dict(self.model))

    def step_sample(self) -> None:
        """One sample of the epoch in progress (``core.explain.step_sample``), answered
        with ``SAMPLE``; an epoch it closes is recorded and its errors ride on the
        snapshot, as a run's would."""
        model = self.model
        if model is None:
            self.send(P.SAMPLE, None, "There is no model to train.", None, None, None)
            return
        X, y, X_test, y_test = self.source()
        if X is None or len(X) == 0:
            self.send(P.SAMPLE, None, "There are no training points: add some first.",
                      None, None, None)
            return
        try:
            self.control.apply_params(model)
            with np.errstate(all="ignore"):
                trace = step_sample(model, X, y)
                test_error = (float(model.error(X_test, y_test))
                              if trace.epoch_closed and X_test is not None and len(X_test)
                              else float("nan"))
        except Exception as exc:  # a step that cannot be taken changes nothing we keep
            self.send(P.SAMPLE, None, f"Could not step one sample: {exc}", None, None, None)
            return
        errors = ([float(trace.epoch_error)], [test_error]) if trace.epoch_closed else ([], [])
        if trace.epoch_closed:
            self._record(model)
        snapshot = Snapshot(
            epoch=model.epoch, train_error=errors[0][0] if errors[0] else float("nan"),
            test_error=test_error, state=copy_state(model.get_state()),
            new_train_errors=np.array(errors[0], dtype=np.float64),
            new_test_errors=np.array(errors[1], dtype=np.float64),
            epochs_per_second=0.0, wall_time=0.0, n_train=len(X))
        self._send_with_view((P.SAMPLE, trace, None, model_to_dict(model), snapshot),
                             snapshot.state, wait=True)

    def run(self, max_epochs: int | None, stepping: bool) -> None:
        model = self.model
        if model is None:  # nothing to train: the run ends at once
            self.send(P.FINISHED, TrainResult("stopped", 0, "There is no model to train."), None)
            return
        self._credit.set()
        self._pending = None
        self._stepping = stepping
        self._outputs_due = 0.0  # a run's first snapshot looks at once
        if self._watch_stale.is_set() or self.watch.wants_reference:
            self._watch_stale.clear()  # what changed before the run: this run's start
            if self.watch.watch_rate or self.watch.watch_dead:
                self.watch.reset(self._current_error())  # the error before training
        try:
            result = train(model, self.source, self.control, self._on_snapshot,
                           snapshot_interval=self.interval, max_epochs=max_epochs,
                           clock=self.clock, on_epoch=self._record, ready=self._held_may_go)
        except Exception as exc:  # never let an exception end the process silently
            self.send(P.FAILED, f"Training stopped by an error: {exc}\n\n{traceback.format_exc()}")
            result = TrainResult("stopped", model.epoch, f"Error: {exc}")
        try:  # parameters sent during the last epoch: the model takes them now
            self.control.apply_params(model)
        except ValueError:
            pass  # checked by the window before sending; nothing better to do here
        if stepping and result.reason == "max_epochs":
            result = replace(result, message=f"Stepped to epoch {result.epoch}.")
        # The last snapshot is sent whatever the window's credit: it closes the run.
        self._flush(force=True)
        if self.viewer is not None:
            self.viewer.wait_idle()  # a frame still being drawn goes before FINISHED
        self.send(P.FINISHED, result, model_to_dict(model))

    def _record(self, model, params=None) -> None:
        # ``params``: the loop's own copy of this epoch's weights (never changed after).
        self.recording.record(model.epoch, model.get_training_state(params))

    def _held_may_go(self) -> bool:
        """A snapshot is held back and the window and the view process are free again:
        the loop sends a fresh one at this epoch's end (the held errors ride on it), not
        at the next due time. The round trip (view process, window, ACK) takes about one
        interval when the cores are busy, so many due times came just before the ACK:
        [2, 32 x 6, 1] on 500 points drew 26-28 frames a second, now 30."""
        return self._pending is not None and self._may_send()

    def _may_send(self) -> bool:
        """The window took the last snapshot and the view process is not drawing one."""
        if not self._credit.is_set():
            return False
        viewer = self.viewer
        return viewer is None or not viewer.alive or not viewer.busy()

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self._watch_run(snapshot)
        if self._stepping:
            snapshot = replace(snapshot, epochs_per_second=0.0)
        previous = self._pending
        if previous is not None:  # the window has not taken the last one: merge
            snapshot = replace(
                snapshot,
                new_train_errors=np.concatenate([previous.new_train_errors, snapshot.new_train_errors]),
                new_test_errors=np.concatenate([previous.new_test_errors, snapshot.new_test_errors]))
        self._pending = snapshot
        self._flush(force=False)

    def _flush(self, force: bool) -> None:
        """Send the pending snapshot with its view if the window took the last one (or
        ``force``: it closes a run, and the view is waited for)."""
        snapshot = self._pending
        if snapshot is None or not (force or self._may_send()):
            return  # the window has the last one, or the view process is drawing it
        after = []
        if self._model_wanted.is_set() and self.model is not None:
            # Between epochs, so the model is at the snapshot's epoch: the window gets
            # the state it would have if the run had stopped here.
            self._model_wanted.clear()
            after = [(P.LIVE_MODEL, model_to_dict(self.model))]
        self._credit.clear()  # first: the view process's answer may be taken at once
        self._pending = None
        self._send_with_view((P.SNAPSHOT, snapshot), snapshot.state, wait=force, after=after)

    def _send_with_view(self, message: tuple, state, wait: bool, after=()) -> None:
        """Send ``message`` with the view of the weights ``state`` appended: through the
        view process (``wait``: until it answered; the caller made sure it is idle
        otherwise), or drawn here when there is none."""
        viewer = self._viewer()
        if viewer is not None:
            if wait:
                viewer.wait_idle()
            key = self._model_key
            model = model_to_dict(self.model) if viewer.wants_model(key) else None
            if viewer.submit(message, state, (key, model), self._view_points(),
                             self.view_request, self._clear_trails, list(after)):
                self._clear_trails = False
                self._follow_trails(state)
                if wait:
                    viewer.wait_idle()
                return
        elif self.viewer is not None:
            self.viewer.wait_idle()  # a frame it is drawing goes first
        self.send(*message, self._view())
        for extra in after:
            self.send(*extra)

    def _follow_trails(self, state) -> None:
        """The trails the view process draws, pushed here too (as ``view_data`` pushes
        them there), so that if it dies the trainer's own drawing goes on from them."""
        centroids = state.get("centroids") if isinstance(state, dict) else None
        if centroids is not None:
            self.trails.push(centroids)

    def _viewer(self) -> ViewerLink | None:
        """The view process, started with the first view asked for (None: no view wanted,
        or it could not start or died: the trainer draws)."""
        if self.view_request is None or self._view_points() is None or self._viewer_failed:
            return None
        if self.viewer is None or not self.viewer.alive:
            if self.viewer is not None:  # it died: draw here from now on
                self._viewer_failed = True
                return None
            try:
                self.viewer = ViewerLink(self._forward, self._send_without_view)
            except Exception:  # e.g. no processes allowed: draw here
                self._viewer_failed = True
                return None
            self._clear_trails = True  # both start their trails afresh
            self.trails.clear()
        return self.viewer

    def _forward(self, raw: bytes, after: list) -> None:
        with self._send_lock:
            self.conn.send_bytes(raw)
        for extra in after:
            self.send(*extra)

    def _send_without_view(self, message: tuple, after: list) -> None:
        """A frame the view process will not draw (it died or hung): sent as it is."""
        self.send(*message, None)
        for extra in after:
            self.send(*extra)

    def _current_error(self) -> float | None:
        """The model's error on the training data now (None: none to measure)."""
        X, y = self.source()[:2]
        return error_or_none(self.model, X, y)

    def _watch_run(self, snapshot: Snapshot) -> None:
        """Hints (``hints.py``) from the run's errors and outputs; between epochs."""
        watch = self.watch
        if not (watch.watch_rate or watch.watch_dead):
            return
        try:
            if self._watch_stale.is_set():
                self._watch_stale.clear()
                watch.reset(self._current_error())
            outputs = None
            now = time.perf_counter()
            if watch.watch_dead and now >= self._outputs_due:
                self._outputs_due = now + OUTPUTS_EVERY
                outputs = model_outputs(self.model, watched_rows(self.source()[0]))
            hint = watch.observe(snapshot.epoch, snapshot.new_train_errors, outputs,
                                 getattr(self.model, "learning_rate", None))
        except Exception:  # a hint must never stop training
            return
        if hint is not None:
            self.send(P.HINT, hint)

    def _view_points(self):
        """The points a view is drawn over (None: none, e.g. the digit pad's data)."""
        if self.source is not self.points:
            return None
        points = self.points.points
        return points if len(points.X) else None

    def _view(self):
        """The view of the trainer's model now, drawn here (None: none asked for)."""
        request, points = self.view_request, self._view_points()
        if request is None or points is None:
            return None
        try:
            return compute_view(self.model, request, points, self.trails, self.view_budget)
        except Exception:  # a view that cannot be computed must not stop training
            return None


def serve(conn, snapshot_interval: float = 1 / 30) -> None:
    """The process's entry point (the target ``multiprocessing`` starts)."""
    trainer = Trainer(conn, snapshot_interval)
    reader = threading.Thread(target=trainer.read_commands, name="commands", daemon=True)
    reader.start()
    try:
        trainer.serve()
    except (EOFError, OSError, BrokenPipeError):
        pass  # the window went away while we were sending
    finally:
        if trainer.viewer is not None:
            trainer.viewer.close()
        conn.close()


def start_environment() -> dict[str, str]:
    """Environment changes for the child (BLAS threads): apply before ``start()``,
    restore after (the window's own NumPy has loaded already)."""
    return {k: v for k, v in BLAS_THREADS.items() if os.environ.get(k) != v}

