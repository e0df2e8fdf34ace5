"""Autosave: the work of each running instance, kept every few seconds while it changes,
and the offer, at the next start, to bring back work an instance left behind (closed,
crashed, killed).

Files (``autosave_folder()``: ``<generic data folder>/nnplayground/autosave``):

* ``autosave-<id>.nnp``, one per running instance (``id`` random), guarded by a
  ``QLockFile`` ``autosave-<id>.lock`` that the instance holds while it runs. Two
  instances never write the same file; a lock whose process is gone (a crash, a kill) is
  stale, so the next start can take it: that is how left-behind work is found.
* At start, the newest ``.nnp`` whose lock can be taken (also the ``autosave.nnp`` of
  versions before this one, beside the settings) is loaded and **offered** in a banner
  ("Restore the work from 14:32?"; Restore / Start fresh), never restored silently: on a
  classroom PC the next person starts on the demo, a file or a lesson (opened as usual,
  the offer waiting above it) unless they ask for the work back. The lock is held while
  the offer waits, so a second instance does not offer the same work. A file that cannot
  be loaded is kept as ``autosave-damaged-<time>.nnp`` and named in a message.

Writing: a 5 s timer compares a cheap key of the state (points and their version, the
model and its epoch or a digest of its weights, the state specs, the history's length)
with the one last written, so nothing is written while nothing changes. On the GUI thread
only copies are taken (``SessionActions.session_parts``); building the ``Session``,
checking and encoding it (compact JSON: the C encoder) and writing (temporary file,
fsync, ``os.replace``) happen on one worker thread, in order. While training,
the window's copy of the model lags behind the trainer's, so the trainer is asked for its
model (``TrainingController.request_model``): it comes with the next snapshot, with the
full training state (optimiser memory, random generator), matching the error history
drawn so far. Restoring it and training on equals never having stopped. Closing writes
once more, from the model the finished run handed back.
"""

from __future__ import annotations

import copy
import os
import time
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6 import QtCore

from nnplayground.core.session import (
    SUFFIX,
    Session,
    SessionError,
    load_session,
    save_session_fitting,
)

if TYPE_CHECKING:
    import concurrent.futures

AUTOSAVE_INTERVAL_MS = 5000
PREFIX = "autosave-"
_KIND_NAMES = {"mlp": "MLP", "perceptron": "perceptron", "competitive": "competitive layer",
               "autoencoder": "autoencoder"}


def autosave_folder() -> Path:
    """Where every instance keeps its autosave (the same for every app name: tests and
    the app agree on it)."""
    base = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base) / "nnplayground" / "autosave"


def _legacy_path() -> Path | None:
    """``autosave.nnp`` beside the settings file, as versions before this one wrote it."""
    name = QtCore.QSettings().fileName()
    path = Path(name).parent / f"autosave{SUFFIX}" if name else None
    return path if path is not None and path.is_file() else None


def _lock(path: Path) -> QtCore.QLockFile:
    lock = QtCore.QLockFile(str(path.with_suffix(".lock")))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    return lock


@dataclass
class Offer:
    """Work an instance left behind, loaded and locked, waiting for an answer."""

    path: Path
    session: Session
    lock: QtCore.QLockFile
    when: str  # "14:32", or "Tue 3 Dec, 14:32" when not today


def _when(session: Session, path: Path) -> str:
    try:
        stamp = datetime.fromisoformat(session.modified).astimezone() if session.modified \
            else datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except (TypeError, ValueError, OSError):
        return "the last run"
    if stamp.date() == datetime.now().astimezone().date():
        return stamp.strftime("%H:%M")
    return f"{stamp.strftime('%a')} {stamp.day} {stamp.strftime('%b')}, {stamp.strftime('%H:%M')}"


def _write(parts, path: Path) -> tuple[Path, int, str | None, float]:
    """The worker's job: (path, epoch, error message or None, seconds taken)."""
    start = time.perf_counter()
    try:
        session = copy.copy(parts) if isinstance(parts, Session) else Session(**parts)
        save_session_fitting(session, path, compact=True)  # without the timeline if need be
    except Exception as exc:  # noqa: BLE001 - reported to the window, never lost in a thread
        return path, -1, str(exc) or type(exc).__name__, time.perf_counter() - start
    epoch = int(session.model.get("epoch", 0)) if session.model else 0
    return path, epoch, None, time.perf_counter() - start


def _same(a: tuple | None, b: tuple | None) -> bool:
    if a is None or b is None or len(a) != len(b):
        return False
    return all(x is y or (isinstance(x, (int, str)) and type(x) is type(y) and x == y)
               for x, y in zip(a, b))


class Autosave(QtCore.QObject):
    """The window's autosave and restore offer; see the module docstring."""

    #: a file was written: its path and the epoch of the model in it.
    written = QtCore.Signal(str, int)
    _done = QtCore.Signal(object)  # from the worker thread: _write's result

    def __init__(self, window, files, interval_ms: int = AUTOSAVE_INTERVAL_MS) -> None:
        super().__init__(window)
        self.w, self.files = window, files
        self.folder = autosave_folder()
        self.path = self.folder / f"{PREFIX}{os.urandom(6).hex()}{SUFFIX}"
        self._lock = _lock(self.path)
        self._active = False
        self.offer: Offer | None = None
        self.restore_error: str | None = None  # why left-behind work could not be offered
        self._saved_key: tuple | None = None  # what the file holds (or the start's state)
        self._written = False
        self._waiting_live = False  # asked the trainer for its model
        self._executor = None  # the writer thread's, made for the first write
        self._future: concurrent.futures.Future | None = None
        self._error_shown: str | None = None
        #: GUI-thread seconds of the last autosave (taking copies), for benchmarks/autosave.py
        self.last_gui_seconds = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        self._done.connect(self._on_done)
        window.trainer.live_model.connect(self._on_trainer_live_model)
        window.trainer.running_changed.connect(self._on_trainer_running_changed)

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        """Claim this instance's file, look for work left behind, start the timer."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.w.statusBar().showMessage(f"Autosave is off: {exc}", 10000)
            return
        if not self._lock.tryLock(0):
            self.w.statusBar().showMessage("Autosave is off: its file is locked.", 10000)
            return
        self._active = True
        self.offer = self._find_offer()
        self._saved_key = self._key()  # the start's state is no work to keep
        self._timer.start()

    def set_interval(self, ms: int) -> None:
        self._timer.setInterval(int(ms))

    def mark_clean(self) -> None:
        """What the window shows now needs no autosave (a file just opened, before any
        work): only changes from here on are written."""
        if not self._written:
            self._saved_key = self._key()

    def close(self) -> None:
        """The window closes: write what changed (from the idle model), then let go of
        the file (kept for the next start's offer) and of an unanswered offer."""
        if not self._active:
            return
        self._timer.stop()
        self.save_now()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        if self.offer is not None:
            self.offer.lock.unlock()  # not answered: offered again next time
            self.offer = None
        self._lock.unlock()
        self._active = False

    # ------------------------------------------------------------------ writing
    def _key(self) -> tuple:
        """What decides whether the file is up to date; cheap (GUI thread, every tick)."""
        w, files = self.w, self.files
        source = files.autosave_source
        if source is not None:  # a lesson: the work from before it
            return ("lesson", source())
        points = w.points.point_set
        model = w.trainer.model
        digest = 0
        if model is not None and not w.trainer.is_running():
            # Weights typed in, a seek back, a step: the epoch alone does not tell.
            for value in model.get_state().values():
                for array in value if isinstance(value, list) else [value]:
                    if isinstance(array, np.ndarray):
                        digest = zlib.crc32(np.ascontiguousarray(array).view(np.uint8), digest)
        return (points, points.version, model, -1 if model is None else model.epoch, digest,
                w.controller.state, len(w.error_view), w.session_name, len(w.digit_examples()))

    def changed(self) -> bool:
        return not _same(self._key(), self._saved_key)

    def tick(self) -> None:
        """The timer: write when something changed and no write is under way."""
        if not self._active or (self._future is not None and not self._future.done()):
            return
        start = time.perf_counter()
        if self._waiting_live:  # asked last tick and not answered: ask again
            self._waiting_live = False
        key = self._key()
        if _same(key, self._saved_key):
            return
        if key[0] == "lesson" and not self._written:
            # Started into a lesson (or one began before any work): the work from before
            # it is the start's, nothing to keep.
            self._saved_key = key
            return
        if key[0] != "lesson" and self.w.trainer.is_running() and self.w.trainer.request_model():
            self._waiting_live = True  # the model comes with the next snapshot
            return
        self._submit(key, None, start)

    def _on_trainer_live_model(self, model: dict) -> None:
        if self._waiting_live and self._active:
            start = time.perf_counter()
            self._waiting_live = False
            self._submit(self._key(), model, start)

    def _on_trainer_running_changed(self, running: bool) -> None:
        if not running and self._waiting_live:  # the copy is exact now
            self._waiting_live = False
            self.tick()

    def _parts(self, model: dict | None):
        source = self.files.autosave_source
        if source is not None:
            return source()
        return self.files.session_parts(model)

    def _submit(self, key: tuple, model: dict | None, start: float) -> None:
        parts = self._parts(model)
        self._saved_key = key
        if self._executor is None:
            import concurrent.futures  # here, not while the app starts (~5 ms)

            self._executor = concurrent.futures.ThreadPoolExecutor(
                1, thread_name_prefix="autosave")
        self._future = self._executor.submit(_write, parts, self.path)
        self._future.add_done_callback(lambda f: self._done.emit(f.result()))
        self.last_gui_seconds = time.perf_counter() - start  # the key, the copies, the hand-off

    def save_now(self) -> bool:
        """Write now, on this thread, if anything changed since the last write (waits for
        a write under way). False when writing failed."""
        return self._active and self._write_now() is None

    def _write_now(self) -> str | None:
        """``save_now``'s work: why the write failed, or None (written, or nothing new)."""
        if self._future is not None and self._future.result()[2] is not None:
            self._saved_key = None  # the write under way failed (its report may wait): again
        self._waiting_live = False
        key = self._key()
        if _same(key, self._saved_key) or (key[0] == "lesson" and not self._written):
            return None
        self._saved_key = key
        result = _write(self._parts(None), self.path)
        self._on_done(result)
        return result[2]

    def skip_last_write(self) -> None:
        """The user kept the work another way, or let it go: ``close`` writes nothing
        more (the last good autosave stays for the next start's offer)."""
        self._saved_key = self._key()

    def keep_before_close(self) -> str | None:
        """Write what changed before the window closes: why the work could not be kept
        (the write failed), or None (written, nothing new, or autosave off)."""
        if not self._active:
            return None
        try:
            return self._write_now()
        except Exception as exc:  # noqa: BLE001 - said to the user, who decides
            return str(exc) or type(exc).__name__

    def _on_done(self, result) -> None:
        path, epoch, error, _seconds = result
        if error is not None:
            self._saved_key = None  # try again at the next tick
            if error != self._error_shown:
                self._error_shown = error
                self.w.statusBar().showMessage(f"Could not autosave: {error}", 8000)
            return
        self._written = True
        self.written.emit(str(path), epoch)

    # ------------------------------------------------------------------ the offer
    def _candidates(self) -> list[Path]:
        found = [p for p in self.folder.glob(f"{PREFIX}*{SUFFIX}")
                 if p != self.path and not p.name.startswith(f"{PREFIX}damaged")]
        legacy = _legacy_path()
        if legacy is not None:
            found.append(legacy)
        for lock_path in self.folder.glob(f"{PREFIX}*.lock"):  # instances that never wrote
            if lock_path.with_suffix(SUFFIX).exists() or lock_path == self.path.with_suffix(".lock"):
                continue
            lock = _lock(lock_path)
            if lock.tryLock(0):
                lock.unlock()  # removes it
        try:
            return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return found

    def _find_offer(self) -> Offer | None:
        """The newest work left behind that loads (locked for this instance)."""
        for path in self._candidates():
            lock = _lock(path)
            if not lock.tryLock(0):
                continue  # a running instance's
            try:
                session = load_session(path)
                session.build_model()
            except Exception as exc:  # noqa: BLE001 - a file left behind never stops a start
                if not isinstance(exc, (SessionError, OSError)):
                    exc = f"{type(exc).__name__}: {exc}"  # a fault of ours the file found
                kept = path.with_name(
                    f"{PREFIX}damaged-{QtCore.QDateTime.currentSecsSinceEpoch()}-{path.name}")
                try:
                    path.replace(kept)
                    note = f" (kept as {kept})"
                except OSError:
                    note = ""
                lock.unlock()
                self.restore_error = f"Could not open the autosaved work: {exc}{note}"
                continue
            return Offer(path, session, lock, _when(session, path))
        return None

    def offer_text(self) -> str:
        offer = self.offer
        s = offer.session
        what = [f"{len(s.points):,} points"]
        if s.model is not None:
            kind = _KIND_NAMES.get(s.model["kind"], s.model["kind"])
            what.append(f"{kind} at epoch {int(s.model.get('epoch', 0)):,}")
        name = f"“{s.name}”, " if s.name else ""
        return f"Restore the work from {offer.when}? ({name}{', '.join(what)})"

    def restore(self) -> bool:
        """Bring the offered work back (the window's work until then is one Ctrl+Z away
        for its points); it becomes this instance's autosave. False with a message when
        it cannot be shown (the offer stays)."""
        offer, w = self.offer, self.w
        if offer is None:
            return False
        lessons = getattr(w, "lessons", None)
        if lessons is not None and getattr(lessons, "lesson", None) is not None:
            lessons.leave()
        w.trainer.stop_and_wait()
        if not self.files.apply_session(offer.session, f"Work from {offer.when}"):
            return False
        # A path read from a file is never a place to save to: Save will ask.
        w.session_name, w.session_path = offer.session.name, None
        w.update_title()
        self._take_over(offer)
        w.statusBar().showMessage(f"The work from {offer.when} is back.", 6000)
        return True

    def _take_over(self, offer: Offer) -> None:
        if self._future is not None:
            self._future.result()
        try:
            offer.path.replace(self.path)  # this instance's file holds it now
            self._written = True
            self._saved_key = self._key()
        except OSError:
            self._saved_key = None  # written at the next tick instead
        offer.lock.unlock()
        self.offer = None

    def discard(self) -> None:
        """Start fresh: the offered work is deleted."""
        offer = self.offer
        if offer is None:
            return
        try:
            offer.path.unlink()
        except OSError:
            pass
        offer.lock.unlock()
        self.offer = None
        self.w.statusBar().showMessage(f"Started fresh; the work from {offer.when} was deleted.",
                                       6000)
