"""The playground window: data panel, canvas, model panel, controls and live views.

The window lays out the widgets and wires them to the ``PlaygroundController``, which
owns what the playground shows (``PlaygroundState``): panels send it intents, and the
window shows every state it reports. One ``applied`` per transaction, one redraw."""

from __future__ import annotations

import traceback
from dataclasses import replace

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.core import limits
from nnplayground.core.datasets import PRESETS
from nnplayground.core.state import DatasetSpec, ModelSpec, SplitSpec
from nnplayground.training.data import bounds_for
from nnplayground.ui.canvas.canvas_area import CanvasAreaWidget
from nnplayground.ui.digits.digit_page import DigitPage
from nnplayground.ui.lessons.lesson_controller import LessonController
from nnplayground.ui.panels.data_panel import DataPanel
from nnplayground.ui.panels.model_panel import ModelPanel
from nnplayground.ui.panels.panel_widgets import Readout
from nnplayground.ui.views.decision_overlay import DecisionOverlay
from nnplayground.ui.views.error_view import ErrorCurveView
from nnplayground.ui.explain.sample_steps import SampleSteps
from nnplayground.ui.views.latent_view import LatentView
from nnplayground.ui.views.network_view import NetworkView
from nnplayground.ui.window.autosave import Autosave
from nnplayground.ui.window.controller import Applied, PlaygroundController, PointsRefused
from nnplayground.ui.window.help import HelpMenu
from nnplayground.ui.window.hint_banner import HintBanner
from nnplayground.ui.window import close_guard, presentation
from nnplayground.ui.window.live_views import LiveViews
from nnplayground.ui.window.replay import Replay
from nnplayground.ui.window.weight_drags import WeightDrags
from nnplayground.ui.window.weight_edits import WeightEdits
from nnplayground.ui.window.window_actions import WindowActions

DEFAULT_PRESET = "Circle"


class MainWindow(QtWidgets.QMainWindow):
    """One window in which students place data, pick a model, press Play and watch."""

    model_rebuilt = QtCore.Signal()
    views_updated = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, restore_settings: bool = True):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.session_name = ""
        self.session_path: str | None = None

        # The loop waits >= interval plus part of an epoch between snapshots: 1/30 s gives
        # ~29 a second; 1/32 s gives ~30.5, so the views can draw 30 frames a second.
        self.controller = PlaygroundController(self, snapshot_interval=1 / 32)
        # The controller's parts, by their short names (the canvas, the views and the file
        # commands are handed these).
        self.points, self.data, self.trainer = (
            self.controller.points, self.controller.data, self.controller.trainer)

        self._build_widgets()
        self.controller.spec_check = lambda spec: self.model_panel.check_config(
            spec.kind, spec.config, spec.panel)
        self.controller.history_source = lambda: dict(
            zip(("train", "test"), self.error_view.data()[1:]))
        self.actions_ = WindowActions(self)
        self.replay = Replay(self)  # speed, Run N epochs, the timeline
        self.curve_box.layout().addWidget(self.replay.timeline)
        self.replay.add_toolbar(self)
        self.sample_steps = SampleSteps(self)  # Step one sample, its panel (issue 11)
        self._connect()
        self.weight_edits = WeightEdits(self)  # typed and dragged weights, undoable
        self.weight_drags = WeightDrags(self)  # the line, arrow and centroids on the canvas
        self.hint_banner = HintBanner(self)  # a rate too large, a network that died
        # After _connect: the lessons see each state once the panels have shown it.
        self.lessons = LessonController(self)
        self.help = HelpMenu(self)
        self.resize(1280, 800)
        self.update_title()
        restored = self.actions_.restore_settings() if restore_settings else False
        self._persist = restore_settings  # tests build windows that leave no trace
        self.autosave: Autosave | None = None
        if self.trainer.model is None:
            # The data panel shows its first preset (AND); a first start opens the demo.
            preset = (self.data_panel.preset() if restored else "") or DEFAULT_PRESET
            self.load_preset(preset, self.data_panel.seed(), self.data_panel.noise(),
                             undoable=False)
        if restore_settings:
            # Work a previous run left behind is offered, never restored silently.
            self.autosave = Autosave(self, self.actions_.files)
            self.autosave.start()
            self._show_autosave_offer()

    # ------------------------------------------------------------------ layout
    def _build_widgets(self) -> None:
        self.data_panel = DataPanel()
        self.model_panel = ModelPanel()
        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.data_panel)
        left_layout.addWidget(self.model_panel)
        left_layout.addStretch(1)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(300)

        self.centre = centre = CanvasAreaWidget(self.points)
        self.canvas, self.banner = centre.canvas, centre.banner
        self.axes_combo, self.axes_row = centre.axes_combo, centre.axes_row
        self.centroid_table = centre.centroid_table
        self.overlay = DecisionOverlay(self.canvas.plot_item)
        self.live = LiveViews(self, self.controller)

        self.error_view = ErrorCurveView()
        self.error_view.setMinimumHeight(160)
        self.network_view = NetworkView()
        self.latent_view: LatentView | None = None  # built for the first autoencoder
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self.network_view, "Network")
        self.tabs.setTabToolTip(0, "The network: blue weights are positive, vermillion "
                                   "negative; thicker means larger")
        self.curve_box = QtWidgets.QWidget()  # the error curve and, under it, the timeline
        QtWidgets.QVBoxLayout(self.curve_box).setContentsMargins(0, 0, 0, 0)
        self.curve_box.layout().addWidget(self.error_view, 1)
        right = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.curve_box)
        right.addWidget(self.tabs)
        right.setSizes([260, 440])

        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(centre)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([310, 560, 410])
        self.splitter = split
        # Pages: the playground, and the digit pad (built on first visit: it trains a
        # network as soon as it exists).
        self.pages = QtWidgets.QTabWidget()
        self.pages.setAccessibleName("Pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(split, "Playground")
        self.pages.setTabToolTip(0, "Place points, pick a model, press Play (Ctrl+1)")
        self.digit_page = DigitPage(self, self.pages)
        self.setCentralWidget(self.pages)

        self.epoch_label = Readout("Epoch 0", "Epoch 000000", "Epoch counter")
        self.error_label = Readout("Train error –   Test error –",
                                   "Train error 0.0000   Test error 0.0000", "Error readout")
        self.statusBar().setAccessibleName("Status")

    @property
    def view3d(self):
        """The OpenGL view of 3-D data, None until some data needs it."""
        return self.live.view3d

    def ensure_3d_view(self):
        return self.live.ensure_3d_view()

    def ensure_latent_view(self) -> LatentView:
        """The autoencoder's latent space, its tab added (hidden) on first need."""
        if self.latent_view is None:
            self.latent_view = view = LatentView()
            index = self.tabs.addTab(view, "Latent space")
            self.tabs.setTabToolTip(index, "The autoencoder's 2-D code of every point")
            self.tabs.setTabVisible(index, False)
            factor = presentation.current_scale(self)
            if factor != 1.0:  # built in presentation mode: its axes' texts scaled too
                presentation.apply_scale(self, factor)
        return self.latent_view

    def _connect(self) -> None:
        dp, mp, c = self.data_panel, self.model_panel, self.controller
        dp.preset_requested.connect(self._on_data_panel_preset_requested)
        dp.test_ratio_changed.connect(self._on_data_panel_test_ratio_changed)
        dp.classes_changed.connect(self._on_data_panel_classes_changed)
        dp.current_class_changed.connect(self._on_data_panel_current_class_changed)
        dp.clear_requested.connect(self.controller.clear_points)
        dp.remove_class_requested.connect(self._on_data_panel_remove_class_requested)
        mp.config_changed.connect(self._on_model_panel_config_changed)
        mp.live_param_changed.connect(self._on_model_panel_live_param_changed)
        mp.hidden_lines_toggled.connect(self.overlay.set_show_hidden_lines)
        c.applied.connect(self._on_controller_applied)
        c.state_changed.connect(self._on_controller_state_changed)
        c.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.points.changed.connect(self._on_points_changed)
        self.points.classes_changed.connect(self._on_points_classes_changed)
        self.points.current_class_changed.connect(dp.set_current_class)
        self.axes_combo.currentIndexChanged.connect(self._on_axes_combo_changed)
        self.canvas.status_message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.trainer.snapshot_ready.connect(self.live.on_snapshot)
        self.trainer.finished.connect(self._on_trainer_finished)
        self.trainer.failed.connect(self._on_trainer_failed)
        self.trainer.running_changed.connect(self.actions_.set_running)

    # ------------------------------------------------------------------ intents
    def load_preset(self, name: str, seed: int = 0, noise: float = 0.0, undoable: bool = True) -> None:
        """Replace the points with a preset data set (undoable from the canvas: undo brings
        back the previous points together with their preset, seed and cluster centres)."""
        dataset = PRESETS[name](seed=seed, noise=noise)
        spec = self._suggest_model(dataset)
        self._apply(points=(dataset.X, dataset.y, dataset.class_names),
                    dataset=DatasetSpec.from_preset(name, seed, noise, dataset.centroids),
                    model=spec, undo_text=name, undoable=undoable,
                    text=f"Loaded “{name}” with seed {seed}")

    def _suggest_model(self, dataset) -> ModelSpec:
        """Data with true clusters gets one competitive neuron per cluster, so choosing
        "Competitive layer" shows the clustering demo as the textbook does. The model type
        itself stays the teacher's choice."""
        spec = self.controller.state.model
        if self.trainer.model is None:  # the first data set: the panel's settings
            spec = self._panel_model_spec(dataset.X.shape[1], len(dataset.class_names))
        if dataset.centroids is not None:
            k = len(dataset.centroids)
            self.model_panel.suggest_neurons(k)
            if spec.kind == "competitive":
                spec = ModelSpec(spec.kind, {**spec.config, "n_neurons": k}, panel=spec.panel)
        return spec

    def _panel_model_spec(self, n_inputs: int | None = None, n_classes: int | None = None) -> ModelSpec:
        kind, kwargs = self.model_panel.model_config(
            self.points.n_dims if n_inputs is None else n_inputs,
            self.points.n_classes if n_classes is None else n_classes)
        return ModelSpec(kind, kwargs, panel=self.model_panel.kind_key())

    def apply(self, **changes) -> bool:
        """The controller's transaction with a message instead of an exception; True when
        it was applied."""
        return self._apply(**changes)

    def _apply(self, **changes) -> bool:
        try:
            self.controller.apply(**changes)
        except PointsRefused as exc:
            self.show_banner(f"Cannot use these points: {exc}")
            return False
        except ValueError as exc:
            self.show_banner(f"Cannot build this model: {exc}")
            return False
        return True

    def rebuild_model(self) -> None:
        """A fresh model from the model's settings and seed (Reset)."""
        self.hide_banner()
        self._apply(model=self.controller.state.model, text=self.controller.reset_text())

    def _on_model_panel_config_changed(self) -> None:
        if self.trainer.model is None:
            return  # the settings being restored: the first data set builds this model
        self.hide_banner()
        self._apply(model=self._panel_model_spec())

    def _on_data_panel_preset_requested(self, name: str, seed: int, noise: float) -> None:
        self.load_preset(name, seed, noise)

    def _on_data_panel_test_ratio_changed(self, ratio: float) -> None:
        self.controller.set_split(SplitSpec(ratio, self.data_panel.seed()))

    def _on_data_panel_classes_changed(self, names: list) -> None:
        current = self.points.class_names
        for i, name in enumerate(names):
            if i < len(current) and current[i] != name:
                self.points.rename_class(i, name)
        for name in names[len(current):]:
            self.controller.add_class(name)

    def _on_data_panel_current_class_changed(self, index: int) -> None:
        if 0 <= index < self.points.n_classes:
            self.points.current_class = index

    def _on_data_panel_remove_class_requested(self, index: int) -> None:
        count = self.points.count_in_class(index)
        if count and QtWidgets.QMessageBox.question(
                self, "Remove class",
                f"Class “{self.points.class_names[index]}” has {count} point(s). Remove the "
                "class and its points? (Ctrl+Z brings them back.)") != QtWidgets.QMessageBox.StandardButton.Yes:
            return
        self.controller.remove_class(index)

    def show_axes(self, axes) -> None:
        """The canvas shows the data's pair ``axes`` (as choosing it in the projection
        menu does); a pair the data does not have is left alone."""
        index = self.centre.axes_index(axes)
        if index >= 0:
            self.axes_combo.setCurrentIndex(index)  # _on_axes_combo_changed, if another

    def _on_axes_combo_changed(self, index: int) -> None:
        axes = tuple(self.axes_combo.itemData(index))
        self.canvas.projection_axes = axes
        X, _ = self.points.point_set.arrays()
        self.canvas.set_bounds(*bounds_for(X, axes))
        self.controller.set_view(replace(self.controller.state.view, axes=axes))
        self.live.update_request()
        self.refresh_views()

    def _on_model_panel_live_param_changed(self, name: str, value) -> None:
        model = self.trainer.model
        if model is None or name not in model.live_params:
            return  # not this model's setting: the panel is about to build another model
        try:
            self.controller.set_live_param(name, value)
        except ValueError as exc:  # ModelError: a value the model does not take
            self.statusBar().showMessage(str(exc), 6000)
            return
        self.statusBar().showMessage(f"{name.replace('_', ' ')} set to {value}", 3000)

    # ------------------------------------------------------------------ showing the state
    def _on_controller_applied(self, applied: Applied) -> None:
        """After one transaction: set the canvas up for new data, then draw once."""
        model = self.trainer.model
        if applied.data:
            self._show_new_data()
        self.live.reset(model)
        self.error_view.clear()
        history = applied.history
        if history is not None:
            self.error_view.append(history["train"], history["test"])
        names = self.points.class_names
        if model.kind == "perceptron" and len(names) > 2:
            # Not silently: one perceptron draws one line, so it learns one class at a time.
            self.show_banner(f"A perceptron separates two groups: it learns “{names[1]}” "
                             "against all the other classes.", warning=False)
        elif not self.banner.text().startswith("Could not"):
            self.hide_banner()
        self._show_model_tabs(model)
        self.refresh_views()
        if history is not None and len(history["train"]):
            self.actions_.update_readout(model.epoch, history["train"][-1],
                                         history["test"][-1])
        else:
            self.actions_.show_errors_now()  # the model as it is, before any training
        self._update_counts()
        if applied.text:
            self.statusBar().showMessage(applied.text, 4000)
        self.model_rebuilt.emit()

    def _show_new_data(self) -> None:
        dataset = self.controller.state.dataset
        n_dims = self.points.n_dims
        self.centre.set_projection_choices(n_dims)
        axes = self.canvas.projection_axes
        X, _ = self.points.point_set.arrays()
        bounds = dataset.bounds
        self.canvas.set_bounds(*(bounds if bounds is not None else bounds_for(X, axes)))
        clusters = dataset.true_centroids is not None
        self.canvas.set_cluster_mode(clusters)
        self.centroid_table.setVisible(clusters)
        self.data_panel.set_classes(self.points.class_names)
        if n_dims == 3:
            view = self.ensure_3d_view()
            self.tabs.setCurrentWidget(view)
            view.reset_camera()
        elif self.view3d is not None:
            self.tabs.setTabVisible(self.tabs.indexOf(self.view3d), False)

    def _show_model_tabs(self, model) -> None:
        """The latent space is the autoencoder's: shown (and emptied) for it only."""
        autoencoder = model.kind == "autoencoder"
        latent = self.ensure_latent_view() if autoencoder else self.latent_view
        if latent is not None:
            latent.clear_codes()
            self.tabs.setTabVisible(self.tabs.indexOf(latent), autoencoder)
        if self.view3d is not None:
            self.tabs.setTabVisible(self.tabs.indexOf(self.view3d), self.points.n_dims == 3)
        if autoencoder:
            self.tabs.setCurrentWidget(latent)
        elif self.points.n_dims != 3:
            self.tabs.setCurrentWidget(self.network_view)

    def _on_controller_state_changed(self, state) -> None:
        """Every panel shows the state; none of them is asked what it is."""
        self.data_panel.show_dataset(state.dataset)
        self.data_panel.set_test_ratio(state.split.test_ratio)
        self.model_panel.set_config(state.model.kind, state.model.config, panel=state.model.panel)
        self.canvas.set_held_out(self.controller.held_out)
        self._update_counts()

    def _on_points_changed(self) -> None:
        if self.points.replacing:
            return  # the transaction that replaces the points redraws, once
        if not self.trainer.is_running():
            self.refresh_views()
        self._update_counts()

    def _on_points_classes_changed(self) -> None:
        if not self.points.replacing:
            self.data_panel.set_classes(self.points.class_names)

    # ------------------------------------------------------------------ views
    def refresh_views(self) -> None:
        """Redraw every view from the (idle) model (from the window's first show on:
        ``LiveViews.first_show``)."""
        self.live.refresh()

    # ------------------------------------------------------------------ training
    def _on_trainer_finished(self, result) -> None:
        if result.reason == "diverged":
            self.show_banner(result.message)
        elif result.reason == "converged":
            self.show_banner(result.message, warning=False)
        self.statusBar().showMessage(result.message, 8000)
        if len(self.error_view) >= limits.MAX_HISTORY:  # stopped at the errors a session keeps
            self.show_banner(self.actions_.history_full_note(), warning=False)
        self.actions_.speed_label.setText("")  # a paused run has no speed
        self.refresh_views()

    def _on_trainer_failed(self, message: str) -> None:
        self.show_banner(message.split("\n\n")[0])

    def show_banner(self, text: str, warning: bool = True, actions=()) -> None:
        """``actions``: a button for each ``(text, tooltip, callback)``."""
        self.centre.show_banner(text, warning, actions)

    def hide_banner(self) -> None:
        self.centre.hide_banner()

    def _update_counts(self) -> None:
        n_train, n_test = self.data.split_counts()
        self.actions_.set_counts(n_train, n_test)

    def update_title(self) -> None:
        name = self.session_name
        self.setWindowTitle(f"{name} — nnplayground" if name else "nnplayground")

    # ------------------------------------------------------------------ session
    def start_lesson(self, lesson_id: str) -> bool:
        """Open a lesson at its first step (``nnplayground --lesson ID``)."""
        return self.lessons.start(lesson_id)

    def open_session(self, path: str):
        """The opened Session, or None (with a message) when it cannot be opened."""
        return self.actions_.open_session(path)

    # ------------------------------------------------------------------ digit pad
    @property
    def digit_panel(self):
        """The digit pad's panel, None until the page is first shown."""
        return self.digit_page.panel

    def digit_examples(self) -> list:
        """Drawings taught to the digit network: [(pattern (20,), digit), ...]."""
        return self.digit_page.examples()

    def set_digit_examples(self, examples) -> None:
        self.digit_page.set_examples(examples)

    def start_background_work(self) -> None:
        """Start the training process (called once the window has been drawn)."""
        self.trainer.start()

    def _show_autosave_offer(self) -> None:
        autosave = self.autosave
        if autosave.restore_error:
            self.show_banner(autosave.restore_error)
        if autosave.offer is not None:
            self.centre.show_offer(autosave.offer_text(), [
                ("Restore", "Bring that work back in place of what is shown now",
                 autosave.restore),
                ("Start fresh", "Delete that work and go on with what is shown now",
                 autosave.discard)])

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.live.first_show()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        # Whatever fails on the way, the close goes through, the work is autosaved and the
        # trainer ends: each step is tried on its own. Only the user may keep the window
        # open: when the last autosave fails, they are asked (close_guard).
        # The copy takes the run's full training state, the history its last errors.
        run = self.trainer.current_run()
        _each([lambda: self.trainer.stop_and_wait(show_last=True)])
        try:
            keep = close_guard.keep_work_before_close(self)
        except Exception:  # noqa: BLE001 - closing must never be refused by a fault
            traceback.print_exc()
            keep = True
        if not keep:
            event.ignore()
            self._train_on(run)  # "the window stays as it is": training went on
            return
        steps = [self.digit_page.shutdown]
        if self.autosave is not None:
            steps.append(self.autosave.close)  # the last changes, then the file is let go
        if self._persist:
            steps.append(self.actions_.save_settings)
        steps.append(self.trainer.shutdown)
        _each(steps)
        super().closeEvent(event)

    def _train_on(self, run: tuple[int | None, bool] | None) -> None:
        """Start again the run (``trainer.current_run()``) that closing stopped, to the
        same epoch: not one that ended meanwhile (diverged, converged, reached its
        epoch), nor a step (it has finished its epoch)."""
        model, ended = self.trainer.model, self.trainer.last_result
        if run is None or run[1] or model is None or ended is None or ended.reason != "stopped":
            return
        if run[0] is None or model.epoch < run[0]:
            self.trainer.play(max_epochs=run[0])


def _each(steps) -> None:
    """Run every step, whatever the others do (a failed one is printed)."""
    for step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - closing must never be refused
            traceback.print_exc()
