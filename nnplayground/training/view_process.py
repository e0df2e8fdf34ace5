"""The decision view drawn beside training, in a process of its own.

A decision surface runs the network on every cell of a grid: for [2, 32, 32, 1] on
64 x 64 cells 3-5 ms, 30 times a second, a tenth of the training process's time. A
thread cannot take it off the training loop (measured: the two threads' Python took
turns on the GIL and training ran at 56 % of the loop alone), so the training process
hands each frame's weights to this process and goes on training; training and drawing
use two cores.

* ``serve_views`` is the view process: it keeps the model (rebuilt from its dict when the
  trainer sends a new one), the points, the view request and the competitive layer's
  trails, and for each job computes ``view_data`` for the job's weights and sends back
  the job's message with the view appended, pickled.
* ``ViewerLink`` is the training process's end: one job at a time (``submit``; a frame
  that comes while one is drawn waits in the trainer, its errors merged), a forwarding
  thread that passes each answer to the window as it is, bytes untouched, and
  ``wait_idle`` so that a run's last snapshot and ``FINISHED`` keep their order. If the
  view process cannot start or dies, ``alive`` turns False and the trainer draws its
  views itself, as before.

The process runs below normal priority (``yield_to_others``) and ends when its pipe
closes (the trainer ended, or died). Imports no Qt.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

from nnplayground.core.registry import model_from_dict
from nnplayground.core.view_model import TrailBuffer, view_data, without_cells

#: the share of its core the view process may use for the surface (it shares a laptop's
#: cores with the window and the trainer)
VIEW_SHARE = 0.25
#: seconds a job may take before the view process is given up on (the trainer draws);
#: the first job waits for the process to start (imports, a cold disk, a virus scan)
JOB_TIMEOUT = 10.0
FIRST_JOB_TIMEOUT = 60.0
#: how much the view process yields (``os.nice``; on Windows, below normal priority)
VIEW_NICENESS = 5
BELOW_NORMAL_PRIORITY_CLASS = 0x4000


class ViewBudget:
    """Keeps the decision surface's cost to a ``share`` of its thread's time: about 30
    frames a second at up to ``share`` / 30 seconds each. A surface that costs more (a
    large network) is computed on a coarser grid while training runs (never below
    ``floor`` cells a side); when it costs less, the grid grows back to the one asked
    for. The window draws the idle model at full resolution itself."""

    def __init__(self, share: float = 0.1, frames: float = 30.0, floor: int = 64) -> None:
        self.per_frame = share / frames
        self.floor = floor
        self.current: int | None = None
        self.cost = 0.0  # smoothed seconds per frame at the current resolution

    def resolution(self, asked: int) -> int:
        if self.current is None or self.current > asked:
            self.current = asked
        return self.current

    def spent(self, seconds: float, resolution: int) -> None:
        self.cost = seconds if self.cost == 0.0 else 0.7 * self.cost + 0.3 * seconds
        if self.cost > self.per_frame and resolution > self.floor:
            # The cost grows with the number of cells: shrink the side by the square root.
            scale = (self.per_frame / self.cost) ** 0.5
            self.current = max(self.floor, int(resolution * max(scale, 0.7)))
            self.cost *= (self.current / resolution) ** 2
        elif self.cost < 0.5 * self.per_frame:
            self.current = resolution + max(1, resolution // 8)  # capped at the asked size
            self.cost *= (self.current / resolution) ** 2


def compute_view(model, request, points, trails: TrailBuffer | None, budget: ViewBudget):
    """``view_data`` for ``model`` over ``points`` as ``request`` asks, on the grid the
    budget allows, as the window gets it (``without_cells``)."""
    resolution = budget.resolution(request.resolution)
    start = time.perf_counter()
    view = view_data(model, points.X, request.bounds, resolution,
                     axes=request.axes, trails=trails, labels=points.labels)
    budget.spent(time.perf_counter() - start, resolution)
    return without_cells(view)


def yield_to_others() -> None:
    """Run below normal priority: when the window, the trainer and this process all
    want a core (two cores, three processes), the trainer and the window go first."""
    try:
        if hasattr(os, "nice"):
            os.nice(VIEW_NICENESS)
        else:  # Windows: the handle's type said, or a 64-bit one arrives cut to 32 bits
            import ctypes
            from ctypes import wintypes

            kernel32 = ctypes.WinDLL("kernel32")
            kernel32.GetCurrentProcess.restype = wintypes.HANDLE
            kernel32.SetPriorityClass.argtypes = (wintypes.HANDLE, wintypes.DWORD)
            kernel32.SetPriorityClass.restype = wintypes.BOOL
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS)
    except Exception:  # noqa: BLE001 - a priority is a wish: the views work without it
        pass


def serve_views(conn) -> None:
    """The view process's entry point. A job is ``(message, state, model, points,
    request, clear_trails)``: ``model``, ``points``, ``request`` None when unchanged."""
    yield_to_others()
    model = points = request = None
    trails = TrailBuffer(maxlen=40)
    budget = ViewBudget(share=VIEW_SHARE)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        message, state, new_model, new_points, new_request, clear_trails = job
        view = None
        try:
            if new_model is not None:
                model = model_from_dict(new_model)
            if new_points is not None:
                points = new_points
            if new_request is not None:
                request = new_request
            if clear_trails:
                trails.clear()
            if model is not None and points is not None and request is not None:
                model.set_state(state)
                view = compute_view(model, request, points, trails, budget)
        except Exception:  # a frame that cannot be drawn is sent without its view
            view = None
        try:
            conn.send_bytes(pickle.dumps(message + (view,), protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, EOFError):
            return


class ViewerLink:
    """The training process's end of its view process (see the module docstring)."""

    def __init__(self, forward: Callable[[bytes, list], None],
                 fallback: Callable[[tuple, list], None]) -> None:
        """``forward(raw, after)`` sends the pickled answer ``raw`` to the window, then
        the messages ``after`` (a live model asked for with the snapshot);
        ``fallback(message, after)`` sends a job's message without its view, for a job
        the view process will not answer (it died or hung): no frame is ever lost."""
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve_views, args=(child,),
                                        name="nnplayground-views", daemon=True)
        self._process.start()
        child.close()
        self._forward = forward
        self._fallback = fallback
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._job: tuple | None = None  # (message, after) being drawn
        self._since = 0.0  # monotonic time the job in hand was sent
        self._answered = False  # the view process has answered once (it is up)
        self.alive = True
        self._sent: dict[str, Any] = {}  # what the view process holds: model, points, request
        self._thread = threading.Thread(target=self._forward_answers, name="views", daemon=True)
        self._thread.start()

    def wants_model(self, key) -> bool:
        """Whether the view process needs the model's dict for ``key`` (a new model)."""
        return self._sent.get("model") != key

    def submit(self, message: tuple, state, model: tuple[Any, dict], points, request,
               clear_trails: bool, after: list) -> bool:
        """Send a job unless one is being drawn (False: nothing sent). ``model`` is
        (a key that changes with the model, its dict); the dict, the points and the
        request travel only when they differ from the last sent (the caller builds the
        dict only when ``wants_model``)."""
        if not self.alive or self.busy():
            return False
        key, new_model = model  # the dict only when ``wants_model(key)`` said so
        new_points = points if self._sent.get("points") is not points else None
        new_request = request if self._sent.get("request") != request else None
        with self._lock:
            self._job, self._since = (message, list(after)), time.monotonic()
            self._idle.clear()
        try:
            self._conn.send((message, state, new_model, new_points, new_request, clear_trails))
        except (OSError, EOFError, ValueError):
            self.give_up()
            return True  # give_up sent the message without its view
        self._sent.update(model=key, points=points, request=request)
        return True

    def busy(self) -> bool:
        """A job is being drawn; one that takes too long gives the view process up."""
        if self._idle.is_set():
            return False
        if time.monotonic() - self._since > self._timeout():
            self.give_up()
            return False
        return True

    def wait_idle(self) -> bool:
        """Wait until the job in hand is answered; False (and the link given up, the job
        sent without its view) if the view process died or took too long."""
        if self._idle.wait(max(self._since + self._timeout() - time.monotonic(), 0.0)) \
                and self.alive:
            return True
        self.give_up()
        return False

    def give_up(self) -> None:
        """Stop using the view process; a job it had is sent without its view."""
        with self._lock:
            job, self._job = self._job, None
            self.alive = False
        if self._process.is_alive():  # hung: a process (not a thread) can be ended
            self._process.terminate()
        try:
            if job is not None:
                self._fallback(*job)
        finally:
            self._idle.set()

    def close(self) -> None:
        self.alive = False
        try:
            self._conn.send(None)
        except (OSError, EOFError, ValueError):
            pass
        self._process.join(2.0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(2.0)
        self._thread.join(2.0)  # it reads the end of the pipe and stops
        self._conn.close()

    def _timeout(self) -> float:
        return JOB_TIMEOUT if self._answered else FIRST_JOB_TIMEOUT

    def _forward_answers(self) -> None:
        while True:
            try:
                raw = self._conn.recv_bytes()
            except (EOFError, OSError):
                if self.alive:
                    self.give_up()  # died: the job in hand goes without its view
                return
            with self._lock:
                job, self._job = self._job, None
                self._answered = True
            if job is None:
                continue  # the answer to a job given up on: it was sent already
            try:
                self._forward(raw, job[1])
            except (OSError, EOFError):
                pass  # the window went away: the trainer's reader ends the process
            finally:
                self._idle.set()
