"""The window's file commands: session save/open and CSV import/export (figure exports:
``exports``; remembered folder and recent files: ``recent_files``; autosave: ``autosave``).
On any problem the current work stays as it was and a message says why.

Save writes only where the user chose: a path given on the command line, picked in the
Open or Save dialog or from Open recent. Nothing read from inside a file (an autosave
once named the file it came from) ever becomes ``session_path``; Save without one asks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore

from nnplayground.core.csv_io import (
    CSVFormatError,
    csv_problem,
    read_points_csv,
    write_points_csv,
)
from nnplayground.core.datasets import PRESETS
from nnplayground.core.points import ids_fit
from nnplayground.core.recording import SESSION_BUDGET, Recording
from nnplayground.core.registry import model_to_dict
from nnplayground.core.session import (
    SUFFIX,
    Session,
    SessionError,
    load_session,
    save_session_fitting,
)
from nnplayground.core.state import OWN, PRESET, DatasetSpec, SplitSpec
from nnplayground.training.client import TrainerLost
from nnplayground.ui.window import recent_files

SESSION_FILTER = f"nnplayground sessions (*{SUFFIX})"


class SessionActions(QtCore.QObject):
    """What the File menu does; the window's ``actions_`` forwards these by name."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        #: What the autosave writes instead of the window's state, when set: a lesson keeps
        #: the work from before it there, so closing during a lesson loses none of it.
        self.autosave_source = None
        self.recent = recent_files.RecentFiles(  # File > Open recent
            window, self.open_session, lambda text: window.statusBar().showMessage(text, 6000))

    # ------------------------------------------------------------------ sessions
    def _error(self, title: str, text: str) -> None:
        self.w.show_banner(f"{title}: {text}")
        self.w.statusBar().showMessage(text, 10000)

    def session(self) -> Session:
        """The window's state as a session (while training, the model as of its last
        snapshot)."""
        return Session(**self.session_parts())

    def session_with_timeline(self) -> tuple[Session, str | None]:
        """``session()`` with the timeline, thinned, in ``extras["recording"]`` (while
        training it is not asked for: that would stop the run), and why it is not there
        when the training process could not give it (None: nothing to say)."""
        session = self.session()
        if self.w.trainer.is_running() or session.model is None:
            return session, None
        try:
            table = self.w.trainer.recording(SESSION_BUDGET)
        except TrainerLost as exc:
            return session, str(exc)
        if table is not None:
            session.extras["recording"] = table
        return session, None

    def session_parts(self, model: dict | None = None) -> dict:
        """``Session(**parts)``: copies of what the window's session holds, quick to take
        (the autosave builds, checks and encodes the session on a thread of its own).
        ``model``: a ``model_to_dict`` to store (the trainer's own, mid-run); None: the
        window's copy (while training, its weights as of the last snapshot)."""
        w = self.w
        state = w.controller.state
        ds, split = state.dataset, state.split
        ids, X, y = w.points.snapshot()
        epochs, train, test = w.error_view.data()
        centres = ds.true_centroids
        parts = dict(points=X, labels=y, class_names=list(w.points.class_names),
                     dataset={"source": ds.source, "preset": ds.preset, "seed": ds.seed,
                              "noise": ds.noise, "file_name": ds.file_name,
                              "lesson_name": ds.lesson_name,
                              "test_ratio": split.test_ratio, "split_seed": split.seed,
                              "bounds": list(w.canvas.bounds)},
                     seed=int(state.model.config.get("seed", 0)),
                     history={"train": train, "test": test}, name=w.session_name,
                     extras={"model_panel": state.model.panel,
                             "axes": list(state.view.axes),
                             "true_centroids": None if centres is None else centres.tolist(),
                             "digit_examples": [[list(map(float, p)), int(d)]
                                                for p, d in w.digit_examples()],
                             # they decide which points are held out for testing
                             "point_ids": ids})
        if model is None and w.trainer.model is not None:
            copy = w.trainer.model
            if w.trainer.is_running():
                # The training process owns the model: take the last snapshot instead,
                # which matches the error history shown. Training goes on.
                model = {"kind": copy.kind, "config": copy.get_config(),
                         "state": w.live.last_state, "epoch": w.live.last_epoch}
            else:
                model = model_to_dict(copy)
        parts["model"] = model
        return parts

    def save_to(self, path: str) -> bool:
        w = self.w
        if not w.session_name:
            w.session_name = Path(path).stem
        try:
            session, lost = self.session_with_timeline()
            if lost is not None:  # the work is saved all the same
                w.statusBar().showMessage(f"{lost} The timeline was not saved.", 8000)
            said = f"Saved {path}"
            if not save_session_fitting(session, path):
                said = (f"Saved {path} without the timeline: with it the file would be too "
                        f"large to open again.")
        except SessionError as exc:
            self._error("Could not save", str(exc))
            return False
        w.session_path = path
        w.update_title()
        w.statusBar().showMessage(said, 8000)
        return True

    def save_asking(self, ask: bool = False) -> bool | None:
        """Save, asking for a file name when ``ask`` or when the session has none: True
        saved, False not (the window says why), None the user cancelled the dialog."""
        path = self.w.session_path
        if ask or not path:
            name = f"{self.w.session_name or 'session'}{SUFFIX}"
            path, _ = recent_files.ask_save_path(self.w, "Save session", name, SESSION_FILTER)
            if not path:
                return None
            if not path.endswith(SUFFIX):
                path += SUFFIX
            if ask:
                self.w.session_name = Path(path).stem  # "Save as" names the session anew
        if not self.save_to(path):
            return False
        self.recent.add(path)
        return True

    def open_dialog(self) -> None:
        path = recent_files.ask_open_path(self.w, "Open session", SESSION_FILTER)
        if path and self.open_session(path) is not None:
            self.recent.add(path)

    def open_session(self, path: str) -> Session | None:
        """Load a session and return it; on any problem a message, the current work stays
        as it was, and None."""
        w = self.w
        try:
            s = load_session(path)
        except SessionError as exc:
            self._error("Could not open the session", str(exc))
            return None
        except OSError as exc:
            self._error("Could not open the session", f"{path}: {exc.strerror or exc}")
            return None
        if not self.apply_session(s, Path(path).stem):
            return None
        w.session_name = s.name or Path(path).stem
        w.session_path = path
        w.update_title()
        w.statusBar().showMessage(f"Opened {path}", 4000)
        autosave = getattr(w, "autosave", None)
        if autosave is not None:
            autosave.mark_clean()  # a file opened at start is no work to autosave yet
        return s

    def apply_session(self, s: Session, undo_text: str) -> bool:
        """Show a session (an opened file's, or the work a lesson kept) in one transaction:
        the model is built once and the views drawn once. False, with a message and the
        current work unchanged, when it cannot be shown."""
        w = self.w
        try:
            model = s.build_model()
            ui = _ui_settings(s)
            recording = _recording(s, model)
        except SessionError as exc:
            self._error("Could not open the session", str(exc))
            return False
        if not w.apply(points=(s.points, s.labels, s.class_names), dataset=ui["dataset"],
                       point_ids=ui["point_ids"], split=ui["split"], model=model,
                       history=s.history if model is not None else None,
                       undo_text=undo_text):
            return False
        w.set_digit_examples(ui["digit_examples"])
        if ui["axes"] is not None:
            w.show_axes(ui["axes"])
        if recording is not None:
            w.trainer.set_recording(recording)
            w.replay.timeline.show_live(model.epoch)
        return True

    def new_session(self) -> None:
        w = self.w
        w.session_name, w.session_path = "", None
        w.update_title()
        data = w.controller.state.dataset
        if data.is_preset:
            w.load_preset(data.preset, data.seed, data.noise)
        else:
            w.load_preset("Circle")

    # ------------------------------------------------------------------ CSV
    def import_csv_dialog(self) -> None:
        path = recent_files.ask_open_path(self.w, "Import points", "CSV files (*.csv)")
        if path:
            self.import_csv_file(path)

    def import_csv_file(self, path: str) -> bool:
        try:
            X, y, names = read_points_csv(path)
        except (CSVFormatError, OSError, UnicodeDecodeError) as exc:
            self._error("Could not import the CSV file", str(exc))
            return False
        names = names or [f"Class {i + 1}" for i in range(int(y.max()) + 1 if len(y) else 2)]
        name = Path(path).name  # shown only: the file is never read again
        return self.w.apply(points=(X, y, names), dataset=DatasetSpec.imported(name),
                            undo_text=name, text=f"Imported {len(X)} points from {name}")

    def export_csv_dialog(self) -> None:
        X, y = self.w.points.point_set.arrays()
        problem = csv_problem(X, y, self.w.points.class_names)
        if problem is not None:  # said before a file is chosen
            self._error("These points cannot be exported as CSV", f"{problem}.")
            return
        path, _ = recent_files.ask_save_path(self.w, "Export points", "points.csv", "CSV files (*.csv)")
        if path:
            try:
                write_points_csv(path, X, y, self.w.points.class_names)
            except OSError as exc:
                self._error("Could not write the CSV file", str(exc))
                return
            self.w.statusBar().showMessage(f"Exported {len(X)} points to {path}", 8000)


def _recording(s: Session, model) -> dict | None:
    """The session's recorded run (the timeline), checked; None when it has none."""
    table = s.extras.get("recording")
    if table is None or model is None:
        return None
    try:
        recording = Recording.from_dict(table)
    except ValueError as exc:
        raise SessionError(f"The session's recorded run is damaged: {exc}.") from exc
    if recording.last_epoch is not None and recording.last_epoch > model.epoch:
        raise SessionError("The session's recorded run goes past its model's epoch.")
    try:
        recording.check_fits(model)
    except ValueError as exc:
        raise SessionError(f"The session's recorded run is damaged: {exc}") from None
    return table


def _ui_settings(s: Session) -> dict:
    """The window's settings from a session's ``dataset`` and ``extras``, checked before
    anything is changed: a hand-edited file gets a message, never a half-loaded window."""
    ds, ex = s.dataset, s.extras
    try:
        bounds = ds.get("bounds")
        if bounds is not None:
            bounds = tuple(float(b) for b in bounds)
            if len(bounds) != 4 or not (bounds[1] > bounds[0] and bounds[3] > bounds[2]) \
                    or not all(np.isfinite(bounds)):
                raise ValueError("the canvas bounds are not (xmin, xmax, ymin, ymax)")
        true_c = ex.get("true_centroids")
        if true_c is not None:
            true_c = np.asarray(true_c, dtype=float)
            if true_c.ndim != 2 or true_c.shape[1] != s.points.shape[1] or not np.all(np.isfinite(true_c)):
                raise ValueError("the cluster centres do not match the points")
        examples = []
        for pattern, digit in ex.get("digit_examples") or []:
            pattern = [float(v) for v in pattern]
            if len(pattern) != 20 or not all(v in (0.0, 1.0) for v in pattern) or not 0 <= int(digit) <= 9:
                raise ValueError("a taught digit drawing is not 20 pixels of 0/1 with a digit 0-9")
            examples.append((pattern, int(digit)))
        ratio = float(ds.get("test_ratio", 0.0))
        noise = float(ds.get("noise", 0.0))
        if not (0.0 <= ratio < 1.0 and 0.0 <= noise <= 1.0):
            raise ValueError("the test share or the noise is out of range")
        seed, preset = int(ds.get("seed", 0)), str(ds.get("preset") or "")
        # Files written before the data's source was saved: a preset name meant a preset.
        source = str(ds.get("source") or (PRESET if preset else OWN))
        if source == PRESET and preset not in PRESETS:
            source = OWN  # a preset this version does not know: the points are all there
        dataset = DatasetSpec(source, preset=preset if source == PRESET else "", seed=seed,
                              noise=noise, file_name=str(ds.get("file_name") or ""),
                              true_centroids=true_c, bounds=bounds,
                              lesson_name=str(ds.get("lesson_name") or ""))
        split = SplitSpec(ratio, int(ds.get("split_seed", seed)))
        axes = ex.get("axes")
        if axes is not None:
            axes = tuple(int(a) for a in axes)
            if len(axes) != 2 or axes[0] == axes[1] \
                    or not all(0 <= a < s.points.shape[1] for a in axes):
                raise ValueError("the canvas's axes are not two of the data's columns")
        ids = ex.get("point_ids")
        if ids is not None:  # files from before they were kept: fresh ids, another split
            ids = np.asarray(ids)
            if not ids_fit(ids, len(s.points)):
                raise ValueError("the points' ids are not one distinct whole number each")
            ids = ids.astype(np.int64)
        return {"dataset": dataset, "split": split, "digit_examples": examples, "axes": axes,
                "point_ids": ids}
    except (TypeError, ValueError, AttributeError) as exc:
        raise SessionError(f"The session's window settings are damaged: {exc}.") from exc
