"""The main window's actions: toolbar (Play/Pause, Step, Reset), readout, menus,
shortcuts and remembered settings. The file commands live in ``session_actions``."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.core import limits
from nnplayground.core.base import error_or_none
from nnplayground.ui.panels.panel_widgets import Readout
from nnplayground.ui.window import presentation
from nnplayground.ui.window.exports import TARGETS, Exports
from nnplayground.ui.window.session_actions import SessionActions
from nnplayground.ui.window.space_key import SPACE_NOTE, SpaceToPlay

#: How much larger presentation mode (F11) draws texts, symbols and lines.
PRESENTATION_SCALE = 1.5


def _format_error(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    if value == 0:
        return "0"  # a perceptron's perfect epoch, not "0.00e+00"
    if value >= 1e4:
        return f"{value:.3e}"  # a diverging run: a readable size, not 130 digits
    return f"{value:.4f}" if value >= 1e-3 else f"{value:.2e}"


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
        self.files = files = SessionActions(window)
        # The file commands keep their names here: window.actions_.save_to(path), ...
        self.session, self.save_to, self.open_session = files.session, files.save_to, files.open_session
        self.save_asking, self.open_dialog, self.new_session = (
            files.save_asking, files.open_dialog, files.new_session)
        self.import_csv_file = files.import_csv_file
        self.import_csv_dialog, self.export_csv_dialog = files.import_csv_dialog, files.export_csv_dialog
        self.recent = files.recent
        self.exports = Exports(window)
        # export_figure_*: the canvas, as before File > Export offered the other views
        self.export_figure_to = lambda path: self.exports.export_to("canvas", path)
        self.export_figure_dialog = lambda: self.exports.export_dialog("canvas")
        #: A lesson's rule for training, when set: ``play_limit(epoch) -> (max_epochs or
        #: None, note)``. Play trains to max_epochs; when that is not above the model's
        #: epoch, nothing trains (Play, Step, Run N, the sample steps, through
        #: ``Replay.ready_to_train`` and ``may_train``) and the status bar shows the note.
        self.play_limit = None
        style = window.style()
        SP = QtWidgets.QStyle.StandardPixmap
        self.play = _action(window, "&Play", "Train the model, or pause it", ["Space"], self.toggle_play)
        self.play.setToolTip(f"{self.play.toolTip()}.\n{SPACE_NOTE}")
        self.play.setStatusTip(f"{self.play.statusTip()}. {SPACE_NOTE}")
        self.play.setIcon(style.standardIcon(SP.SP_MediaPlay))
        self.step = _action(window, "&Step", "Train exactly one epoch", ["S", "Right"], self.step_once)
        self.step.setIcon(style.standardIcon(SP.SP_MediaSeekForward))
        self.reset = _action(window, "&Reset", "A fresh initialisation of the model from its seed",
                             ["R"], self.reset_model)
        self.reset.setIcon(style.standardIcon(SP.SP_BrowserReload))
        self.new = _action(window, "&New session", "Start again with the default data", ["Ctrl+N"], self.new_session)
        self.open = _action(window, "&Open…", "Open a saved session", [QtGui.QKeySequence.StandardKey.Open], self.open_dialog)
        self.save = _action(window, "&Save", "Save the session", [QtGui.QKeySequence.StandardKey.Save], self.save_asking)
        self.save_as = _action(window, "Save &as…", "Save the session under a new name",
                               ["Ctrl+Shift+S"], lambda: self.save_asking(ask=True))
        self.import_csv = _action(window, "&Import points (CSV)…", "Replace the points with a CSV file", [], self.import_csv_dialog)
        self.export_csv = _action(window, "&Export points (CSV)…", "Write the points to a CSV file", [], self.export_csv_dialog)
        self.export_actions = {}
        for target in TARGETS:
            action = _action(window, target.menu_text, target.tip,
                             ["Ctrl+E"] if target.key == "canvas" else [],
                             lambda _=False, key=target.key: self.exports.export_dialog(key))
            action.setObjectName(f"export_{target.key}")
            self.export_actions[target.key] = action
        self.export_figure = self.export_actions["canvas"]
        self.export_history = _action(
            window, "Error &history (CSV)…", "Write the error of every epoch (train, test) "
            "to a CSV file", [], self.exports.export_history_dialog)
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
        self.space_to_play = SpaceToPlay(window)
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
        self.speed_label = Readout("", "00,000 epochs/s", "Training speed")
        self.speed_label.setToolTip("Epochs trained per second")
        for label in (self.w.epoch_label, self.w.error_label, self.counts_label,
                      self.speed_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addWidget(label)
        bar.addSeparator()
        bar.addAction(self.log_scale)
        bar.widgetForAction(self.log_scale).setAccessibleName("Logarithmic error axis")
        self.toolbar = bar

    def _build_menus(self) -> None:
        menu = self.w.menuBar()
        file_menu = menu.addMenu("&File")
        for a in (self.new, self.open, self.recent.menu, self.save, self.save_as, None,
                  self.import_csv, self.export_csv, "export", None, self.quit):
            if a is None:
                file_menu.addSeparator()
            elif isinstance(a, str):
                self.export_menu = self._build_export_menu(file_menu)
            elif isinstance(a, QtWidgets.QMenu):
                file_menu.addMenu(a)
            else:
                file_menu.addAction(a)
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

    def _build_export_menu(self, file_menu: QtWidgets.QMenu) -> QtWidgets.QMenu:
        menu = file_menu.addMenu("E&xport")
        menu.setObjectName("export_menu")
        menu.setToolTipsVisible(True)
        tip = "Save a view as PNG or SVG, the whole window as PNG, the error history as CSV"
        menu.menuAction().setToolTip(tip)
        menu.menuAction().setStatusTip(tip)
        for action in self.export_actions.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.export_history)

        def enable() -> None:  # the 3-D view exists for 3-D data only
            for key, action in self.export_actions.items():
                action.setEnabled(self.exports.available(key))

        menu.aboutToShow.connect(enable)
        enable()
        return menu

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
        # What a step undid or redid, said in the status bar: more than the points may
        # change (the network, its curve, the data panel), and the step's own message
        # ("Loaded …") was still shown there.
        self._undo_stack = stack = canvas.model.undo_stack
        self._stack_before = self._stack_now = self._stack_state()
        stack.indexChanged.connect(self._on_undo_stack_moved)
        # (connected after the stack's own slots: the stack has moved when these run)
        canvas.undo_action.triggered.connect(lambda: self._say_step("Undone"))
        canvas.redo_action.triggered.connect(lambda: self._say_step("Redone"))

    def _stack_state(self) -> tuple[int, int, str, str]:
        s = self._undo_stack
        return s.index(), s.count(), s.undoText(), s.redoText()

    def _on_undo_stack_moved(self, _index: int) -> None:
        try:
            now = self._stack_state()
        except RuntimeError:  # the stack clears itself while it is destroyed
            return
        self._stack_before, self._stack_now = self._stack_now, now

    def _say_step(self, done: str) -> None:
        """Name the step Undo or Redo just took. A step that no longer applies (a weight
        typed before training went on) is dropped by the stack, not undone: the count
        falls, and that is said instead."""
        (index, count, undo_text, redo_text), now = self._stack_before, self._stack_now
        if now[1] < count:
            text = f"“{undo_text}” no longer applies (training went on since): nothing undone"
        elif now[0] != index:
            text = f"{done}: {undo_text if now[0] < index else redo_text}"
        else:
            return
        self.w.statusBar().showMessage(text, 4000)

    # ------------------------------------------------------------------ training
    def toggle_play(self) -> None:
        trainer = self.w.trainer
        if self.w.replay.handles_play():  # a sample speed: Play steps sample by sample
            return
        if trainer.is_running():
            trainer.pause()
        else:
            self.w.hide_banner()
            if not self.w.replay.ready_to_train():  # looking back: go on from that epoch
                return
            limit, note = self.training_limit()
            if not trainer.play(max_epochs=limit):
                self.w.statusBar().showMessage("Nothing to train: add points first.", 4000)
                return
            if note:
                self.w.statusBar().showMessage(note, 4000)
            lonely = self._one_class()
            if lonely:
                self.w.show_banner(lonely, warning=False)

    def _one_class(self) -> str:
        """What to say when a classifier trains on points of one class only (its error
        falls to 0 and the canvas turns one colour, which looked like success)."""
        model = self.w.trainer.model
        if model is None or model.kind not in ("perceptron", "mlp"):
            return ""
        _, y = self.w.points.point_set.arrays()
        if len(y) == 0 or np.any(y != y[0]):
            return ""
        names = self.w.points.class_names
        name = names[int(y[0])] if int(y[0]) < len(names) else "one class"
        how = ("choose another class with its number key, then click" if len(names) > 1
               else "Add class in the data panel, then click")
        return (f"Every point is \u201c{name}\u201d: there is nothing to separate, so the "
                f"error falls to 0 at once. Add points of another class ({how}).")

    def step_once(self) -> None:
        if self.w.trainer.is_running():
            self.w.trainer.pause()
            return
        if self.w.replay.ready_to_train():
            self.w.trainer.step(1)

    def may_train(self) -> bool:
        """False, with a note in the status bar, when no training may go on now
        (``training_limit``: a lesson's step whose weights are the lesson, or an error
        history as long as a session keeps). Play, Step, Run N epochs and the sample
        steps all ask."""
        limit, note = self.training_limit()
        model = self.w.trainer.model
        if limit is not None and model is not None and limit <= model.epoch:
            self.w.statusBar().showMessage(note, 6000)
            return False
        return True

    def training_limit(self) -> tuple[int | None, str]:
        """(the epoch training may go to, or None; what to say when it is reached): a
        lesson's rule, and the errors a session keeps (``limits.MAX_HISTORY`` epochs, ~16
        minutes of a small network at full speed: past it no Save or autosave could keep
        the work)."""
        model = self.w.trainer.model
        if model is None:
            return None, ""
        limit, note = (None, "") if self.play_limit is None else self.play_limit(model.epoch)
        room = max(limits.MAX_HISTORY - len(self.w.error_view), 0)
        if limit is None or model.epoch + room < limit:
            limit = model.epoch + room
            note = "" if room else self.history_full_note()
        return limit, note

    @staticmethod
    def history_full_note() -> str:
        return (f"Training stopped at {limits.MAX_HISTORY:,} epochs of errors, the most a "
                f"session keeps: Reset to train again (save first to keep this run).")

    def reset_model(self) -> None:
        self.w.rebuild_model()

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

    def show_errors_now(self) -> None:
        """The readout for the idle model as it is (weights typed or set by a lesson, a
        fresh start): its errors on the data now, as TensorFlow Playground shows them at
        epoch 0. Without this it said "Train error –" whatever weights were typed."""
        trainer = self.w.trainer
        model = trainer.model
        if model is None or trainer.is_running():
            return
        X, y, X_test, y_test = self.w.controller.data()
        self.update_readout(model.epoch, error_or_none(model, X, y),
                            error_or_none(model, X_test, y_test))

    def update_readout(self, epoch: int, train, test, speed: float | None = None) -> None:
        self.w.epoch_label.setText(f"Epoch {epoch}")
        self.w.error_label.setText(f"Train error {_format_error(train)}   Test error {_format_error(test)}")
        self.speed_label.setText(f"{speed:,.0f} epochs/s" if speed else "")

    def set_counts(self, n_train: int, n_test: int) -> None:
        self.counts_label.setText(f"{n_train} train · {n_test} test")

    def toggle_presentation(self, on: bool) -> None:
        """Full screen with everything ``PRESENTATION_SCALE`` times larger and a side
        panel wide enough for its larger texts; off gives back the previous sizes."""
        w = self.w
        if not hasattr(self, "_sizes_keeper"):
            self._sizes_keeper = presentation.SplitterSizesKeeper(self)
            # The digit page is built on its first visit: scale it when it appears.
            w.pages.currentChanged.connect(self._on_pages_current_changed)
        if on:
            if presentation.current_scale(w) != 1.0:
                return
            self._normal_sizes = self._sizes_keeper.save(
                [w.splitter, *w.splitter.findChildren(QtWidgets.QSplitter)])
            presentation.apply_scale(w, PRESENTATION_SCALE)
            presentation.fit_side_panel(w.splitter)
            # The class watches the numbers: on a 1024-pixel projector the buttons' names
            # left the errors no room (Play, Step and Reset keep their icons, tooltips
            # and keys).
            self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            w.showFullScreen()
        else:
            presentation.apply_scale(w, 1.0)
            self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            w.showNormal()
            self._sizes_keeper.restore(getattr(self, "_normal_sizes", []))

    def _on_pages_current_changed(self, index: int) -> None:
        factor = presentation.current_scale(self.w)
        if factor != 1.0:
            presentation.apply_scale(self.w, factor)

    # ------------------------------------------------------------------ settings
    def save_settings(self) -> None:
        s = QtCore.QSettings()
        s.setValue("window/geometry", self.w.saveGeometry())
        s.setValue("window/splitter", self.w.splitter.saveState())
        state = self.w.controller.state
        if state.dataset.is_preset:
            s.setValue("data/preset", state.dataset.preset)
            s.setValue("data/seed", state.dataset.seed)
            s.setValue("data/noise", state.dataset.noise)
        s.setValue("model/panel", state.model.panel)
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
