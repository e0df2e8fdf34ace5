"""The main window's actions: toolbar (Play/Pause, Step, Reset), menus, shortcuts,
session files, CSV, figure export and remembered settings."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.core.csv_io import CSVFormatError, read_points_csv, write_points_csv
from nnplayground.core.session import SUFFIX, Session, SessionError, load_session, save_session

SESSION_FILTER = f"nnplayground sessions (*{SUFFIX})"


def _action(parent, text: str, tip: str, shortcuts=(), slot=None, checkable=False) -> QtGui.QAction:
    action = QtGui.QAction(text, parent)
    keys = [QtGui.QKeySequence(k) for k in shortcuts]
    if keys:
        action.setShortcuts(keys)
        tip = f"{tip} ({', '.join(k.toString() for k in keys)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setObjectName(text.replace("&", "").replace(" ", "_").replace("…", "").lower())
    action.setCheckable(checkable)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if slot is not None:
        action.triggered.connect(slot)
    parent.addAction(action)
    return action


class WindowActions(QtCore.QObject):
    """Everything the window does on a command; owns the toolbar and the menus."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        style = window.style()
        SP = QtWidgets.QStyle.StandardPixmap
        self.play = _action(window, "&Play", "Train the model (Space pauses)", ["Space"], self.toggle_play)
        self.play.setIcon(style.standardIcon(SP.SP_MediaPlay))
        self.step = _action(window, "&Step", "Train exactly one epoch", ["S", "Right"], self.step_once)
        self.step.setIcon(style.standardIcon(SP.SP_MediaSeekForward))
        self.reset = _action(window, "&Reset", "A fresh initialisation of the model from its seed",
                             ["R"], self.reset_model)
        self.reset.setIcon(style.standardIcon(SP.SP_BrowserReload))
        self.new = _action(window, "&New session", "Start again with the default data", ["Ctrl+N"], self.new_session)
        self.open = _action(window, "&Open…", "Open a saved session", [QtGui.QKeySequence.StandardKey.Open], self.open_dialog)
        self.save = _action(window, "&Save", "Save the session", [QtGui.QKeySequence.StandardKey.Save], self.save_dialog)
        self.save_as = _action(window, "Save &as…", "Save the session under a new name",
                               ["Ctrl+Shift+S"], lambda: self.save_dialog(ask=True))
        self.import_csv = _action(window, "&Import points (CSV)…", "Replace the points with a CSV file", [], self.import_csv_dialog)
        self.export_csv = _action(window, "&Export points (CSV)…", "Write the points to a CSV file", [], self.export_csv_dialog)
        self.export_figure = _action(window, "Export &figure…", "Save the canvas as PNG or SVG",
                                     ["Ctrl+E"], self.export_figure_dialog)
        self.quit = _action(window, "&Quit", "Close nnplayground", [QtGui.QKeySequence.StandardKey.Quit], window.close)
        self.delete = _action(window, "&Delete selected points", "Remove the selected points",
                              [QtGui.QKeySequence.StandardKey.Delete], lambda: self.w.canvas.delete_selection())
        self.presentation = _action(window, "&Presentation mode", "Full screen with larger text, for a projector",
                                    ["F11"], self.toggle_presentation, checkable=True)
        self.show_playground = _action(window, "Play&ground", "Show the playground", ["Ctrl+1"],
                                       lambda: self.w.pages.setCurrentIndex(0))
        self.show_digits = _action(window, "&Digit pad", "Show the digit pad", ["Ctrl+2"],
                                   lambda: self.w.pages.setCurrentIndex(1))
        self.log_scale = window.error_view.log_scale_action
        self._build_toolbar()
        self._build_menus()
        self.attach_canvas(window.canvas)

    # ------------------------------------------------------------------ layout
    def _build_toolbar(self) -> None:
        bar = self.w.addToolBar("Training")
        bar.setObjectName("training_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.play, self.step, self.reset):
            bar.addAction(action)
            button = bar.widgetForAction(action)
            button.setAccessibleName(action.text().replace("&", ""))
        bar.addSeparator()
        self.counts_label = QtWidgets.QLabel()
        self.counts_label.setAccessibleName("Point counts")
        self.counts_label.setToolTip("Points used for training and held out for testing")
        self.speed_label = QtWidgets.QLabel()
        self.speed_label.setAccessibleName("Training speed")
        self.speed_label.setToolTip("Epochs trained per second")
        for label in (self.w.epoch_label, self.w.error_label, self.counts_label,
                      self.speed_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addWidget(label)
        # Room for the longest texts: the toolbar must not jump while the numbers change.
        metrics = self.w.epoch_label.fontMetrics()
        self.w.epoch_label.setMinimumWidth(metrics.horizontalAdvance("Epoch 000000") + 16)
        self.w.error_label.setMinimumWidth(
            metrics.horizontalAdvance("Train error 0.0000   Test error 0.0000") + 16)
        self.speed_label.setMinimumWidth(metrics.horizontalAdvance("00,000 epochs/s") + 16)
        bar.addSeparator()
        bar.addAction(self.log_scale)
        bar.widgetForAction(self.log_scale).setAccessibleName("Logarithmic error axis")
        self.toolbar = bar

    def _build_menus(self) -> None:
        menu = self.w.menuBar()
        file_menu = menu.addMenu("&File")
        for a in (self.new, self.open, self.save, self.save_as, None, self.import_csv,
                  self.export_csv, self.export_figure, None, self.quit):
            file_menu.addSeparator() if a is None else file_menu.addAction(a)
        self.edit_menu = menu.addMenu("&Edit")
        train_menu = menu.addMenu("&Training")
        for a in (self.play, self.step, self.reset):
            train_menu.addAction(a)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.show_playground)
        view_menu.addAction(self.show_digits)
        view_menu.addSeparator()
        view_menu.addAction(self.log_scale)
        view_menu.addAction(self.presentation)

    def attach_canvas(self, canvas) -> None:
        """Undo/redo of the canvas's points in the Edit menu, for the whole window."""
        self.edit_menu.clear()
        for action, what in ((canvas.undo_action, "Undo the last edit of the points"),
                             (canvas.redo_action, "Redo what was undone")):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            keys = ", ".join(k.toString() for k in action.shortcuts())
            action.setToolTip(f"{what} ({keys})")
            self.edit_menu.addAction(action)
        self.edit_menu.addAction(self.delete)

    # ------------------------------------------------------------------ training
    def toggle_play(self) -> None:
        trainer = self.w.trainer
        if trainer.is_running():
            trainer.pause()
        else:
            self.w.hide_banner()
            if not trainer.play():
                self.w.statusBar().showMessage("Nothing to train: add points first.", 4000)

    def step_once(self) -> None:
        if self.w.trainer.is_running():
            self.w.trainer.pause()
            return
        self.w.trainer.step(1)

    def reset_model(self) -> None:
        self.w.rebuild_model()
        self.w.statusBar().showMessage(f"Model reset from seed {self.w.model_panel.seed()}", 4000)

    def set_running(self, running: bool) -> None:
        SP = QtWidgets.QStyle.StandardPixmap
        icon = SP.SP_MediaPause if running else SP.SP_MediaPlay
        self.play.setIcon(self.w.style().standardIcon(icon))
        self.play.setText("&Pause" if running else "&Play")
        self.step.setEnabled(not running)

    def set_playground_active(self, active: bool) -> None:
        """The training toolbar and its keys act on the playground only."""
        self.toolbar.setVisible(active)
        for action in (self.play, self.reset):
            action.setEnabled(active)
        self.step.setEnabled(active and not self.w.trainer.is_running())

    def update_readout(self, epoch: int, train, test, speed: float | None = None) -> None:
        from nnplayground.ui.main_window import _format_error

        self.w.epoch_label.setText(f"Epoch {epoch}")
        self.w.error_label.setText(f"Train error {_format_error(train)}   Test error {_format_error(test)}")
        self.speed_label.setText(f"{speed:,.0f} epochs/s" if speed else "")

    def set_counts(self, n_train: int, n_test: int) -> None:
        self.counts_label.setText(f"{n_train} train · {n_test} test")

    def toggle_presentation(self, on: bool) -> None:
        app = QtWidgets.QApplication.instance()
        font = app.font()
        if on:
            self._normal_point_size = font.pointSizeF()
            font.setPointSizeF(self._normal_point_size * 1.5)
            self.w.showFullScreen()
        else:
            font.setPointSizeF(getattr(self, "_normal_point_size", font.pointSizeF()))
            self.w.showNormal()
        app.setFont(font)

    # ------------------------------------------------------------------ sessions
    def _error(self, title: str, text: str) -> None:
        self.w.show_banner(f"{title}: {text}")
        self.w.statusBar().showMessage(text, 10000)

    def session(self) -> Session:
        """The window's state as a session (the model as of its last snapshot)."""
        w = self.w
        X, y = w.points.point_set.arrays()
        epochs, train, test = w.error_view.data()
        s = Session(points=X, labels=y, class_names=w.points.class_names,
                    dataset={"preset": w.data_panel.preset(), "seed": w.data_panel.seed(),
                             "noise": w.data_panel.noise(), "test_ratio": w.data_panel.test_ratio(),
                             "bounds": list(w.canvas.bounds)},
                    seed=w.model_panel.seed(), history={"train": train, "test": test},
                    name=w.session_name,
                    extras={"model_panel": w.model_panel.kind_key(),
                            "true_centroids": None if w._true_centroids is None
                            else np.asarray(w._true_centroids).tolist(),
                            "digit_examples": [[list(map(float, p)), int(d)]
                                               for p, d in w.digit_examples()]})
        model = w.trainer.model
        if model is not None:
            if w.trainer.is_running():
                # The training thread owns the model: take the last snapshot instead, which
                # matches the error history shown. Training goes on.
                s.model = {"kind": model.kind, "config": model.get_config(),
                           "state": w._last_state, "epoch": w._last_epoch}
            else:
                s.set_model(model)
        return s

    def save_to(self, path: str) -> bool:
        w = self.w
        if not w.session_name:
            w.session_name = Path(path).stem
        try:
            save_session(self.session(), path)
        except SessionError as exc:
            self._error("Could not save", str(exc))
            return False
        w.session_path = path
        w._update_title()
        w.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def save_dialog(self, ask: bool = False) -> bool:
        path = self.w.session_path
        if ask or not path:
            path, _ = QtWidgets.QFileDialog.getSaveFileName(self.w, "Save session", "", SESSION_FILTER)
            if not path:
                return False
            if not path.endswith(SUFFIX):
                path += SUFFIX
        return self.save_to(path)

    def open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.w, "Open session", "", SESSION_FILTER)
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Load a session; on any problem the current work stays as it was."""
        w = self.w
        try:
            s = load_session(path)
            model = s.build_model()
            ui = _ui_settings(s)
        except SessionError as exc:
            self._error("Could not open the session", str(exc))
            return False
        except OSError as exc:
            self._error("Could not open the session", f"{path}: {exc.strerror or exc}")
            return False
        w.trainer.stop_and_wait()
        w.data_panel.set_test_ratio(ui["test_ratio"])
        if model is not None:
            w.model_panel.set_config(model.kind, model.get_config())
        w.session_name = s.name or Path(path).stem
        w.session_path = path
        w._update_title()
        meta = {"preset": ui["preset"], "seed": ui["seed"], "noise": ui["noise"],
                "true_centroids": ui["true_centroids"], "bounds": ui["bounds"]}
        w.points.replace_all(s.points, s.labels, s.class_names, name=Path(path).stem, meta=meta)
        if model is not None:
            w.set_model(model, history=s.history)
        w.set_digit_examples(ui["digit_examples"])
        w.statusBar().showMessage(f"Opened {path}", 4000)
        return True

    def new_session(self) -> None:
        w = self.w
        w.session_name, w.session_path = "", None
        w._update_title()
        w.load_preset(w.data_panel.preset() or "Circle", w.data_panel.seed(), w.data_panel.noise())

    # ------------------------------------------------------------------ CSV and figures
    def import_csv_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.w, "Import points", "", "CSV files (*.csv)")
        if path:
            self.import_csv_file(path)

    def import_csv_file(self, path: str) -> bool:
        try:
            X, y, names = read_points_csv(path)
        except (CSVFormatError, OSError, UnicodeDecodeError) as exc:
            self._error("Could not import the CSV file", str(exc))
            return False
        w = self.w
        names = names or [f"Class {i + 1}" for i in range(int(y.max()) + 1 if len(y) else 2)]
        w.points.replace_all(X, y, names, name=Path(path).name, meta={"source": path})
        return True

    def export_csv_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.w, "Export points", "points.csv", "CSV files (*.csv)")
        if path:
            X, y = self.w.points.point_set.arrays()
            try:
                write_points_csv(path, X, y, self.w.points.class_names)
            except OSError as exc:
                self._error("Could not write the CSV file", str(exc))

    def export_figure_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.w, "Export figure", "canvas.png", "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self.export_figure_to(path)

    def export_figure_to(self, path: str) -> bool:
        import pyqtgraph.exporters as exporters

        item = self.w.canvas.plot_item
        exporter = (exporters.SVGExporter if path.lower().endswith(".svg") else exporters.ImageExporter)(item)
        if isinstance(exporter, exporters.ImageExporter):
            exporter.parameters()["width"] = 1600
        try:
            exporter.export(path)
        except OSError as exc:
            self._error("Could not export the figure", str(exc))
            return False
        return os.path.exists(path)

    # ------------------------------------------------------------------ settings
    # ------------------------------------------------------------------ autosave
    @staticmethod
    def autosave_path() -> Path:
        """Beside the settings file: the work of the last run, saved on exit and every
        minute, so that closing the window (or a crash) never loses a class's points."""
        return Path(QtCore.QSettings().fileName()).parent / f"autosave{SUFFIX}"

    def autosave(self) -> bool:
        w = self.w
        key = (w.points.point_set.version, id(w.points.point_set), w._last_epoch, w.trainer.model)
        if key == getattr(self, "_autosaved_key", None):
            return True
        path = self.autosave_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            s = self.session()
            s.extras["saved_as"] = w.session_path
            save_session(s, path)
        except (SessionError, OSError) as exc:
            w.statusBar().showMessage(f"Could not autosave: {exc}", 6000)
            return False
        self._autosaved_key = key
        return True

    def restore_autosave(self) -> bool:
        """Open the last run's work; False (and a message) when there is none or it is damaged."""
        path = self.autosave_path()
        if not path.exists():
            return False
        w = self.w
        if not self.open_session(str(path)):
            # Keep the damaged file for whoever can mend it; the next autosave would
            # otherwise write over it.
            kept = path.with_name(f"autosave-damaged-{QtCore.QDateTime.currentSecsSinceEpoch()}{SUFFIX}")
            try:
                path.replace(kept)
                note = f" (kept as {kept})"
            except OSError:
                note = ""
            self.restore_error = w.banner.text() + note  # shown again once the demo is loaded
            return False
        w.points.undo_stack.clear()  # starting up is not an edit to undo
        try:
            saved_as = load_session(path).extras.get("saved_as")
        except SessionError:
            saved_as = None
        w.session_path = saved_as if isinstance(saved_as, str) and os.path.exists(saved_as) else None
        if w.session_path is None and w.session_name == path.stem:
            w.session_name = ""
        w._update_title()
        w.statusBar().showMessage("Your last session is back, as you left it.", 6000)
        return True

    def start_autosave_timer(self, interval_ms: int = 60000) -> None:
        self._autosave_timer = QtCore.QTimer(self)
        self._autosave_timer.setInterval(interval_ms)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

    def save_settings(self) -> None:
        self.autosave()
        s = QtCore.QSettings()
        s.setValue("window/geometry", self.w.saveGeometry())
        s.setValue("window/splitter", self.w.splitter.saveState())
        s.setValue("data/preset", self.w.data_panel.preset())
        s.setValue("data/seed", self.w.data_panel.seed())
        s.setValue("data/noise", self.w.data_panel.noise())
        s.setValue("model/panel", self.w.model_panel.kind_key())
        s.setValue("view/log_scale", self.log_scale.isChecked())

    def restore_settings(self) -> bool:
        """Window geometry, data preset and model type of the last run; True when a
        preset was remembered."""
        s = QtCore.QSettings()
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.w.restoreGeometry(geometry)
        splitter = s.value("window/splitter")
        if splitter is not None:
            self.w.splitter.restoreState(splitter)
        preset = s.value("data/preset")
        if preset:
            self.w.data_panel.set_preset(str(preset))
        try:
            self.w.data_panel.set_seed(int(s.value("data/seed", 0)))
            self.w.data_panel.set_noise(float(s.value("data/noise", 0.0)))
        except (TypeError, ValueError):
            pass  # a damaged settings file: keep the defaults
        self.log_scale.setChecked(str(s.value("view/log_scale", "false")).lower() == "true")
        combo = self.w.model_panel.kind_combo
        index = combo.findData(str(s.value("model/panel", "")))
        if index >= 0:
            combo.setCurrentIndex(index)  # builds that model once the data is loaded
        return bool(preset)


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
        return {"bounds": bounds, "true_centroids": true_c, "digit_examples": examples,
                "seed": int(ds.get("seed", 0)), "preset": str(ds.get("preset") or ""),
                "test_ratio": ratio, "noise": noise}
    except (TypeError, ValueError, AttributeError) as exc:
        raise SessionError(f"The session's window settings are damaged: {exc}.") from exc
