"""The window's end of the training process (Qt, GUI thread).

``TrainingController`` starts one process (``multiprocessing``, ``spawn``;
``training/process.py``) and talks to it with the commands of ``training/protocol.py``.
The GUI thread never waits on training: a 10 ms timer picks up what the process sent
(one ``poll`` when nothing came) and acknowledges each snapshot after it was drawn, so
the process sends the next one only then; when the window is behind, snapshots are
dropped there and their errors merged into the next (the error curve misses no epoch).

``model`` is the window's copy of the model. The process owns the model being trained;
the copy follows its epoch with every snapshot and takes its weights and full training
state when a run ends, so between runs the two are the same. Changes made to the copy
while idle (a new model, a live parameter) are sent before the next run.

Why a process and not a thread: Python runs one thread at a time (the GIL), and every
millisecond the training thread held it was a millisecond the window could not paint;
the view data (many small NumPy calls) made the stalls last up to a second with large
networks. A process has its own interpreter: the window paints whatever the trainer does.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.util  # noqa: F401 (its exit handler first: see atexit below)
import os
import weakref
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from nnplayground.core.base import Model
from nnplayground.core.registry import model_to_dict
from nnplayground.training import protocol as P
from nnplayground.training.loop import TrainResult

#: Every controller with a live process (for the test guard and for shutting down).
_LIVE: weakref.WeakSet = weakref.WeakSet()
#: How long to wait for a run to end (one epoch) or the process to quit, in seconds.
_STOP_TIMEOUT = 60.0
_QUIT_TIMEOUT = 5.0


def running_processes() -> list:
    """Controllers whose training process is alive."""
    return [c for c in list(_LIVE) if c.process_alive()]


def shutdown_all() -> None:
    for controller in list(_LIVE):
        controller.shutdown()


# multiprocessing's own exit handler (registered when multiprocessing.util is imported,
# above) joins the processes it started, with no time limit, and the trainer is not a
# daemon; handlers run last registered first, so ours ends the trainer before it.
atexit.register(shutdown_all)


class TrainingController(QObject):
    """Trains a model in a process of its own; see the module docstring."""

    snapshot_ready = Signal(object, object)  # Snapshot, view data (or None)
    finished = Signal(object)  # TrainResult
    failed = Signal(str)
    running_changed = Signal(bool)
    #: The model being trained (``model_to_dict``, full training state) as of the snapshot
    #: just emitted; the answer to ``request_model``.
    live_model = Signal(object)
    #: A ``training.hints.Hint``: a rate too large, a network that died.
    hint = Signal(object)
    #: One sample was learned (``step_sample``): its trace (``core.explain``), a
    #: ``Snapshot`` (the epoch's errors when it closed one) and the view data.
    sample_stepped = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None, snapshot_interval: float = 1 / 30) -> None:
        super().__init__(parent)
        self.snapshot_interval = snapshot_interval
        self._model: Model | None = None
        self._generation = 0  # of the model; live parameters are tagged with it
        self._earlier: int | None = None  # the generation the model had before (undo)
        self._model_sent = True
        self._running = False
        self._run: tuple[int | None, bool] | None = None  # (max_epochs, stepping) of it
        self._pausing = False  # a pause was asked for the run going on
        #: how the last run ended (a ``TrainResult``; None before the first)
        self.last_result: TrainResult | None = None
        self._stopping = False
        self._process = None
        self._conn = None
        self._outbox: list[tuple] = []  # commands sent before the process started
        #: The latest command of each setting (points, data, view, speed): a new process
        #: (after one was lost) gets them all again before anything else.
        self._settings: dict[str, tuple] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._ready = False  # the process said READY: commands go straight to it
        self._sent_params: dict[str, Any] = {}  # during this run
        self._show_last = False  # stop_and_wait(show_last=True)

    # ----------------------------------------------------------------- process
    def start(self) -> None:
        """Start the process now (the window does it after its first paint; any command
        that needs it starts it too)."""
        if self._process is not None:
            return
        # Imported here, after the window's first paint (the model classes and the loop
        # the process needs; ~13 ms of the launch otherwise).
        from nnplayground.training import process as trainer_process

        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe()
        process = context.Process(target=trainer_process.serve,
                                  args=(child_end, self.snapshot_interval),
                                  name="nnplayground-trainer",
                                  # not a daemon: it starts its view process (shutdown
                                  # and the pipe it watches end it)
                                  daemon=False)
        changes = trainer_process.start_environment()
        saved = {k: os.environ.get(k) for k in changes}
        os.environ.update(changes)
        try:
            process.start()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        child_end.close()
        self._process, self._conn = process, parent_end
        self._ready = False  # the outbox goes out when the process says READY
        model = []  # a new process after a lost one: the window's copy goes first
        if self._model is not None and not self._model_sent and not any(
                m[0] == P.SET_MODEL for m in self._outbox):
            model = [self._model_message()]  # a new process keeps no recording to take back
        self._outbox = list(self._settings.values()) + model + [
            m for m in self._outbox if m[0] not in _REPLAYED]
        _LIVE.add(self)
        self._timer.start()

    def process_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        """The training process's id (None before it started)."""
        return None if self._process is None else self._process.pid

    def shutdown(self) -> None:
        """End the run and the process (window closing); waits at most a few seconds."""
        if self._process is None:
            return
        try:
            self.stop_and_wait()
            if self._ready:
                self._conn.send((P.QUIT,))
                self._process.join(_QUIT_TIMEOUT)
        except (OSError, EOFError, BrokenPipeError):
            pass
        if self._process.is_alive():  # a process (not a thread) can be ended safely
            self._process.terminate()
            self._process.join(_QUIT_TIMEOUT)
        self._conn.close()
        self._timer.stop()
        self._process = self._conn = None
        self._ready = False
        _LIVE.discard(self)

    def _send(self, *message) -> None:
        if message[0] in _REPLAYED:
            self._settings.pop(message[0], None)  # the newest last: it wins on replay
            self._settings[message[0]] = message
        if self._ready:
            try:
                self._conn.send(message)
                return
            except OSError:  # the process is gone: a new one gets the settings again
                self._lost("The training process ended unexpectedly.")
                if message[0] in _REPLAYED:
                    return
        # Until the process is up, commands wait here (a large one sent into the pipe now
        # would block the window until the new process reads it); set-up commands do not
        # start the process, a run does.
        self._outbox = [m for m in self._outbox if not _replaces(message, m)]
        self._outbox.append(message)
        if message[0] not in _SETUP:
            self.start()

    # ----------------------------------------------------------------- set-up
    @property
    def model(self) -> Model | None:
        """The window's copy of the model (see the module docstring)."""
        return self._model

    @property
    def timeline_generation(self) -> int:
        """The generation under which the process records the copy's timeline (or
        takes it back: the earlier one, until the copy is sent), for ``set_model``'s
        ``earlier`` when this model is given back."""
        if not self._model_sent and self._earlier is not None:
            return self._earlier
        return self._generation

    def set_model(self, model: Model, earlier: int | None = None) -> None:
        """Replace the model; stops a running training first. Parameters still queued
        were meant for the old model, so they never reach this one. ``earlier``: the
        generation this model had before (an undo gives it back): its timeline, which
        the process keeps for a while after the next model came, comes back with it."""
        self.stop_and_wait()
        self._model = model
        self._generation += 1
        self._earlier = earlier
        self._model_sent = False

    def model_changed(self) -> None:
        """The copy was changed in place while idle (weights typed in, say): it is sent
        again before the next run."""
        self._model_sent = False

    def set_points(self, points) -> None:
        self._send(P.SET_POINTS, points)

    def configure(self, kind: str, n_classes: int, split) -> None:
        self._send(P.CONFIGURE, kind, n_classes, split)

    def set_arrays(self, X, y, X_test=None, y_test=None) -> None:
        """Fixed training data (instead of points)."""
        self._send(P.SET_ARRAYS, X, y, X_test, y_test)

    def set_view_request(self, request) -> None:
        """What each snapshot's view data covers (a ``ViewRequest``), None for none."""
        self._send(P.SET_VIEW, request)

    def is_running(self) -> bool:
        return self._running

    def current_run(self) -> tuple[int | None, bool] | None:
        """(max_epochs, stepping) of the run going on, as ``play``/``step`` started it;
        None when idle or asked to pause or stop (a window that stops a run for a
        moment can start it again)."""
        return self._run if self._running and not (self._pausing or self._stopping) else None

    # ----------------------------------------------------------------- commands
    def play(self, max_epochs: int | None = None) -> bool:
        """Start training; False when already running or there is no model."""
        return self._play(max_epochs, stepping=False)

    def step(self, epochs: int = 1) -> bool:
        """Train exactly ``epochs`` more epochs (only while not running). A step is no
        measure of speed (its snapshots carry 0) and ends with "Stepped to epoch N."."""
        if self._model is None:
            return False
        return self._play(self._model.epoch + int(epochs), stepping=True)

    def _play(self, max_epochs: int | None, stepping: bool) -> bool:
        if self._running or self._model is None:
            return False
        self._sync_model()
        self._send(P.PLAY, max_epochs, stepping)
        self._run, self._pausing = (max_epochs, stepping), False
        self._sent_params = {}
        self._running, self._stopping = True, False
        self.running_changed.emit(True)
        return True

    def pause(self) -> None:
        if self._running:
            self._pausing = True
            self._send(P.PAUSE)

    def request_model(self) -> bool:
        """Ask for the model being trained, with its full training state, as of the next
        snapshot (``live_model``; at most one snapshot away). False when no run is going:
        ``model``, the copy, is exact then."""
        if not self._running or self._stopping:
            return False
        self._send(P.WANT_MODEL)
        return True

    def set_param(self, name: str, value: Any) -> None:
        """Change one of the model's ``live_params``: at the next epoch while training,
        at once (on the copy, and in the process before its next run) when idle.
        Checked now: ``ModelError`` means nothing was changed or sent."""
        if self._model is None:
            return
        value = self._model.check_live_param(name, value)
        if self._running:
            self._send(P.SET_PARAM, self._generation, name, value)
            self._sent_params[name] = value
        else:
            self._model.set_live_param(name, value)
            self._model_sent = False

    # ----------------------------------------------------------------- the recording
    def set_speed(self, epochs_per_second: float | None) -> None:
        """Slow motion: at most this many epochs a second (None: full speed), at once."""
        self._send(P.SET_SPEED, epochs_per_second)

    def state_at(self, epoch: int) -> tuple[int, dict] | None:
        """(recorded epoch, weights) at or before ``epoch``, for scrubbing back (stops a
        run first); None when nothing is recorded that early."""
        self.stop_and_wait()
        if not self._sync_model():
            return None
        asked, recorded, params = self._request((P.STATE_AT, int(epoch)), P.STATE)
        return None if recorded is None else (recorded, params)

    def seek(self, epoch: int) -> int | None:
        """Go back to the recorded epoch at or before ``epoch`` (stops a run first): the
        copy takes that epoch's full training state, the later recording is dropped.
        Returns the epoch gone back to (None: no model)."""
        self.stop_and_wait()
        if not self._sync_model():
            return None
        (model,) = self._request((P.SEEK, int(epoch)), P.MODEL)
        if model is not None:
            self._take(model)
        return None if self._model is None else self._model.epoch

    def recording(self, budget: int) -> dict | None:
        """The recording thinned to ``budget`` bytes (for a session); stops a run first."""
        self.stop_and_wait()
        if not self._sync_model():
            return None
        (table,) = self._request((P.GET_RECORDING, int(budget)), P.RECORDING)
        return table

    def step_sample(self):
        """Learn the next sample of the epoch in progress in the process (stops a run
        first) and return its trace (``core.explain``); the copy takes the model, epoch
        cursor included, and ``sample_stepped`` is emitted. None: no model.
        ``ValueError``: the step could not be taken (no points, say), nothing changed."""
        self.stop_and_wait()
        if not self._sync_model():
            return None
        trace, message, model, snapshot, view = self._request((P.STEP_SAMPLE,), P.SAMPLE)
        if trace is None:
            raise ValueError(message)
        self._take(model)
        self.sample_stepped.emit(trace, snapshot, view)
        return trace

    def set_recording(self, table: dict) -> None:
        """Take a recording (an opened session's) for the current model."""
        self._sync_model()
        self._send(P.SET_RECORDING, table)

    def _model_message(self) -> tuple:
        """``SET_MODEL`` for the window's copy; it counts as sent from here on."""
        message = (P.SET_MODEL, self._generation, model_to_dict(self._model), self._earlier)
        self._model_sent, self._earlier = True, None
        return message

    def _sync_model(self) -> bool:
        """The process has the window's copy of the model (False: there is none)."""
        if self._model is None:
            return False
        if not self._model_sent:
            self._send(*self._model_message())
        return True

    def _request(self, message: tuple, reply: str) -> list:
        """Send ``message`` and wait for the event ``reply`` (events meanwhile are handled
        as usual); the process answers between runs, at once. ``TrainerLost`` when it
        died or did not answer (it is then restarted from the window's copy)."""
        self._send(*message)
        deadline = _STOP_TIMEOUT
        try:
            while deadline > 0:
                if self._conn is not None and self._conn.poll(0.05):
                    name, *args = self._conn.recv()
                    if name == reply:
                        return args
                    self._dispatch(name, args)
                elif self._process is not None and not self._process.is_alive():
                    break
                deadline -= 0.05
        except (EOFError, OSError):
            pass
        self._lost("The training process did not answer.")
        raise TrainerLost("The training process did not answer; it was restarted. "
                          "Try again.")

    def _take(self, model: dict) -> None:
        """The copy takes a model table's weights and full training state."""
        state = dict(model["state"])
        training = dict(state.pop("training"))
        training.update(params=state, epoch=model["epoch"])
        self._model.set_training_state(training)

    def stop_and_wait(self, show_last: bool = False) -> None:
        """End a run and wait until the copy holds its result (at most one epoch).
        ``show_last``: the run's last snapshots are still emitted, so the window's error
        history covers every epoch the copy has (closing: the autosave keeps both)."""
        if not self._running:
            return
        self._stopping = True
        self._show_last = show_last
        self._send(P.STOP)
        deadline = _STOP_TIMEOUT
        try:
            while self._running and deadline > 0:
                if self._conn.poll(0.05):
                    self._receive()
                elif not self._process.is_alive():
                    self._lost("The training process ended unexpectedly.")
                deadline -= 0.05
        except (EOFError, OSError):
            self._lost("The training process ended unexpectedly.")
        if self._running:  # an epoch longer than a minute, or a hung process: restart it
            self._lost("Training did not stop within a minute; the trainer was restarted.")

    # ----------------------------------------------------------------- events
    def _on_timer_timeout(self) -> None:
        conn = self._conn
        try:
            while conn is not None and conn.poll():
                self._receive()
                conn = self._conn
        except (EOFError, OSError):
            self._lost("The training process ended unexpectedly.")

    def _receive(self) -> None:
        name, *args = self._conn.recv()
        self._dispatch(name, args)

    def _dispatch(self, name: str, args: list) -> None:
        if name == P.READY:
            self._ready = True
            outbox, self._outbox = self._outbox, []
            for message in outbox:
                self._conn.send(message)
        elif name == P.SNAPSHOT:
            snapshot, view = args
            if self._model is not None:
                self._model.epoch = snapshot.epoch
            if not self._stopping or self._show_last:
                self.snapshot_ready.emit(snapshot, view)
            if self._conn is not None:
                self._send(P.ACK)
        elif name == P.FINISHED:
            result, model = args
            if self._model is not None and model is not None:
                self._take(model)
                # The process applied these, at an epoch or as the run ended.
                for param, value in self._sent_params.items():
                    self._model.set_live_param(param, value)
            self._sent_params = {}
            self._end_run(result)
        elif name == P.FAILED:
            if not self._stopping:  # a run being stopped on purpose is not news
                self.failed.emit(args[0])
        elif name == P.LIVE_MODEL:
            if self._running and not self._stopping:
                self.live_model.emit(args[0])
        elif name == P.HINT:
            if not self._stopping:
                self.hint.emit(args[0])

    def _end_run(self, result: TrainResult) -> None:
        stopping = self._stopping
        self._running = self._stopping = self._show_last = self._pausing = False
        self.last_result = result
        self.running_changed.emit(False)
        if not stopping:
            self.finished.emit(result)

    def _lost(self, message: str) -> None:
        """The process died or hung: start afresh from the window's copy of the model."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._ready = False
        if process is not None and process.is_alive():
            process.terminate()
        if conn is not None:
            conn.close()
        _LIVE.discard(self)
        self._timer.stop()
        self._model_sent = False
        if self._running:
            self.failed.emit(message)
            self._end_run(TrainResult("stopped", self._model.epoch if self._model else 0, message))


class TrainerLost(RuntimeError):
    """The training process died or did not answer a request; it has been restarted from
    the window's copy of the model (the message says so, for the status bar)."""


#: Settings a new process is given again (the latest of each).
_REPLAYED = (P.SET_POINTS, P.CONFIGURE, P.SET_ARRAYS, P.SET_VIEW, P.SET_SPEED)

#: Commands that only set something up: queued until the process is up, not starting it.
_SETUP = frozenset({P.SET_MODEL, P.SET_POINTS, P.CONFIGURE, P.SET_ARRAYS, P.SET_VIEW, P.SET_PARAM,
                    P.ACK, P.SET_SPEED, P.SET_RECORDING})


def _replaces(new: tuple, old: tuple) -> bool:
    """A queued command that ``new`` makes pointless (the same kind of setting)."""
    return new[0] == old[0] and new[0] in (P.SET_MODEL, P.SET_POINTS, P.CONFIGURE,
                                           P.SET_ARRAYS, P.SET_VIEW, P.SET_SPEED)

