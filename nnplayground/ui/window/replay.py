"""Slow motion and rewind: the speed control, "Run N epochs" and the timeline under the
error curve.

The training process records the full training state of every epoch
(``core.recording``). Dragging the timeline back stops a run and shows the views as
they were at that epoch (weights asked of the process, views computed here); nothing
changes until Play or Step: then the run goes on from that epoch exactly, as if it had
been stopped there, and the later history (recording and error curve) is dropped, as
an edit after undo drops redo. Back at the timeline's end, the views are live again.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.core.registry import model_from_config
from nnplayground.training.client import TrainerLost
from nnplayground.ui.panels.panel_widgets import describe

#: (label, epochs per second); None is as fast as the machine goes.
SPEEDS = (("Full speed", None), ("30 epochs/s", 30.0), ("10 epochs/s", 10.0),
          ("3 epochs/s", 3.0), ("1 epoch/s", 1.0), ("1 epoch / 3 s", 1 / 3))
#: (label, samples per second): Play steps one sample at a time, every number shown.
SAMPLE_SPEEDS = (("10 samples/s", 10.0), ("3 samples/s", 3.0), ("1 sample/s", 1.0))
#: Largest "Run N epochs".
MAX_RUN = 1_000_000


class TimelineWidget(QtWidgets.QWidget):
    """A slider over the recorded epochs and a label saying where it stands."""

    scrubbed = QtCore.Signal(int)  # the user moved it to this epoch

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QtWidgets.QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline")
        self.slider.setAccessibleName("Timeline")
        self.slider.setToolTip("Drag back to see the network as it was at an earlier epoch; "
                               "Play or Step then go on from there (the later history is "
                               "dropped). Drag to the end to be live again.")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(10)
        self.label = QtWidgets.QLabel()
        self.label.setAccessibleName("Timeline position")
        # The slider gets the whole width (the right column can be narrow); where it
        # stands is written under its right end.
        layout = QtWidgets.QGridLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setVerticalSpacing(0)
        layout.addWidget(QtWidgets.QLabel("Timeline"), 0, 0)
        layout.addWidget(self.slider, 0, 1)
        layout.addWidget(self.label, 1, 1, Qt.AlignmentFlag.AlignRight)
        layout.setColumnStretch(1, 1)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.show_live(0)

    def show_live(self, epoch: int) -> None:
        """The end of the timeline is epoch ``epoch``, and the slider stands there."""
        with QtCore.QSignalBlocker(self.slider):
            self.slider.setRange(0, max(int(epoch), 0))
            self.slider.setValue(self.slider.maximum())
        self.label.setText(f"Epoch {int(epoch)}")

    def show_past(self, epoch: int, last: int) -> None:
        with QtCore.QSignalBlocker(self.slider):
            self.slider.setValue(int(epoch))
        self.label.setText(f"Epoch {epoch} of {last} (looking back)")

    def _on_slider_value_changed(self, value: int) -> None:
        self.scrubbed.emit(int(value))


class Replay(QtCore.QObject):
    """Speed, Run N epochs and the timeline, for one window (see the module docstring)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.trainer = window.trainer
        self.timeline = TimelineWidget()
        self.scrub_epoch: int | None = None  # the epoch shown while looking back
        self._pending: int | None = None  # the latest slider position not yet shown
        self._timer = QtCore.QTimer(self)  # coalesces a fast drag into ~30 views a second
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._show_pending)
        self.timeline.scrubbed.connect(self._on_timeline_scrubbed)
        self.trainer.snapshot_ready.connect(self._on_trainer_snapshot_ready)
        # An epoch closed by Step one sample is recorded as a run's is: the timeline
        # reaches it too.
        self.trainer.sample_stepped.connect(
            lambda trace, snapshot, view: self._on_trainer_snapshot_ready(snapshot, view))
        self.trainer.finished.connect(lambda *_: self._follow())
        self.trainer.running_changed.connect(lambda running: None if running else self._follow())
        window.model_rebuilt.connect(self._on_window_model_rebuilt)
        self._build_controls()

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        self.speed_combo = QtWidgets.QComboBox()
        for label, eps in SPEEDS:
            self.speed_combo.addItem(label, eps)
        for label, rate in SAMPLE_SPEEDS:  # as data: ("sample", rate)
            self.speed_combo.addItem(label, ("sample", rate))
        # Sample speeds: Play steps one sample at a time (the one-sample panel and the
        # highlight follow), from this window, a few times a second.
        self._sample_timer = QtCore.QTimer(self)
        self._sample_timer.timeout.connect(self._on_sample_timer_timeout)
        self.sample_playing = False
        self.speed_combo.setObjectName("speed")
        self.speed_combo.setAccessibleName("Training speed")
        self.speed_combo.setToolTip("How fast training goes: slow it down to watch every "
                                    "epoch (applies at once, also while training) ([ slower, "
                                    "] faster)")
        self.speed_combo.currentIndexChanged.connect(self._on_speed_combo_changed)
        self.run_spin = QtWidgets.QSpinBox()
        self.run_spin.setObjectName("run_epochs")
        self.run_spin.setRange(1, MAX_RUN)
        self.run_spin.setValue(100)
        self.run_spin.setSuffix(" epochs")
        describe(self.run_spin, "Epochs to run", "How many epochs Run (Ctrl+R) trains, then stops")
        self.run_action = QtGui.QAction("Run", self.w)
        self.run_action.setObjectName("run_n_epochs")
        self.run_action.setShortcut(QtGui.QKeySequence("Ctrl+R"))
        self.run_action.setToolTip("Train the number of epochs set beside it, then stop (Ctrl+R)")
        self.run_action.setStatusTip(self.run_action.toolTip())
        self.run_action.triggered.connect(self.run_n_epochs)
        self.slower = QtGui.QAction("Slower", self.w)
        self.slower.setShortcut(QtGui.QKeySequence("["))
        self.slower.triggered.connect(lambda: self._step_speed(+1))
        self.faster = QtGui.QAction("Faster", self.w)
        self.faster.setShortcut(QtGui.QKeySequence("]"))
        self.faster.triggered.connect(lambda: self._step_speed(-1))
        for action in (self.run_action, self.slower, self.faster):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.w.addAction(action)
        self.slower.setToolTip("Train more slowly ([)")
        self.faster.setToolTip("Train faster (])")

    def add_toolbar(self, window) -> QtWidgets.QToolBar:
        """The speed and Run N epochs, on a toolbar row of their own under the training
        toolbar (one row overflowed at 1280 pixels), shown with the playground page."""
        window.addToolBarBreak()
        bar = window.addToolBar("Speed")
        bar.setObjectName("speed_toolbar")
        bar.setMovable(False)
        bar.addWidget(QtWidgets.QLabel(" Speed "))
        bar.addWidget(self.speed_combo)
        bar.addSeparator()
        bar.addWidget(self.run_spin)
        bar.addAction(self.run_action)
        bar.widgetForAction(self.run_action).setAccessibleName("Run N epochs")
        window.pages.currentChanged.connect(lambda index: bar.setVisible(index == 0))
        self.toolbar = bar
        return bar

    def speed(self) -> float | None:
        """Epochs per second (None: full speed, or a sample speed)."""
        data = self.speed_combo.currentData()
        return None if isinstance(data, tuple) else data

    def sample_rate(self) -> float | None:
        """Samples per second when a sample speed is chosen, else None."""
        data = self.speed_combo.currentData()
        return data[1] if isinstance(data, tuple) else None

    def _on_speed_combo_changed(self, index: int) -> None:
        rate = self.sample_rate()
        self.trainer.set_speed(self.speed())
        self.w.statusBar().showMessage(f"Speed: {self.speed_combo.itemText(index)}", 3000)
        if rate is not None and self.trainer.is_running():
            self.trainer.stop_and_wait()  # from epochs to samples: go on sample by sample
            self.start_sample_play()
        elif rate is not None and self.sample_playing:
            self._sample_timer.setInterval(int(1000 / rate))
        elif rate is None and self.sample_playing:
            self.stop_sample_play()  # from samples to epochs: go on epoch by epoch
            self.w.actions_.toggle_play()

    # ------------------------------------------------------------------ sample speeds
    def handles_play(self) -> bool:
        """Play/Pause at a sample speed: start or stop stepping samples; True when this
        took the press (the window's Play then does nothing more)."""
        if self.sample_playing:
            self.stop_sample_play()
            return True
        if self.sample_rate() is None or self.trainer.is_running():
            return False
        self.start_sample_play()
        return True

    def start_sample_play(self) -> None:
        rate = self.sample_rate()
        if rate is None or self.trainer.model is None:
            return
        if not self.ready_to_train():
            return
        self.sample_playing = True
        self._sample_timer.start(int(1000 / rate))
        self.w.actions_.set_running(True)
        self._on_sample_timer_timeout()  # the first sample now, not after a wait

    def stop_sample_play(self) -> None:
        if not self.sample_playing:
            return
        self.sample_playing = False
        self._sample_timer.stop()
        self.w.actions_.set_running(False)

    def _on_sample_timer_timeout(self) -> None:
        if self.w.sample_steps.step_sample() is None:
            self.stop_sample_play()  # nothing to step (no points, another page): stop

    def _step_speed(self, direction: int) -> None:
        index = min(max(self.speed_combo.currentIndex() + direction, 0), self.speed_combo.count() - 1)
        self.speed_combo.setCurrentIndex(index)

    def run_n_epochs(self) -> None:
        model = self.trainer.model
        if model is None or self.trainer.is_running():
            return
        if not self.ready_to_train():
            return
        model = self.trainer.model
        self.w.hide_banner()
        limit, _ = self.w.actions_.training_limit()
        target = model.epoch + self.run_spin.value()
        if not self.trainer.play(max_epochs=target if limit is None else min(target, limit)):
            self.w.statusBar().showMessage("Nothing to train: add points first.", 4000)

    # ------------------------------------------------------------------ the timeline
    def ready_to_train(self) -> bool:
        """Before Play, Step, Run N epochs or a sample step: when looking back, go back to
        that epoch for real; then whether training may go on now (``may_train``: not on a
        lesson's step whose weights are the lesson, whose note is shown)."""
        self._go_back_for_real()
        return self.w.actions_.may_train()

    def _go_back_for_real(self) -> None:
        epoch = self.scrub_epoch
        if epoch is None:
            return
        self.scrub_epoch = None
        self.w.error_view.set_marker(None)
        try:
            reached = self.trainer.seek(epoch)
        except TrainerLost as exc:
            self.w.statusBar().showMessage(str(exc), 6000)
            reached = None
        if reached is not None:
            self.w.error_view.truncate(reached)
            self.w.live.reset(self.trainer.model)
            self.w.refresh_views()
            self.w.actions_.update_readout(reached, None, None)
            self.w.statusBar().showMessage(
                f"Went back to epoch {reached}: the later history is gone.", 5000)
        self._follow()

    def _on_timeline_scrubbed(self, epoch: int) -> None:
        self._pending = epoch
        if not self._timer.isActive():
            self._timer.start()

    def _show_pending(self) -> None:
        epoch, self._pending = self._pending, None
        model = self.trainer.model
        if epoch is None or model is None:
            return
        self.stop_sample_play()
        if self.trainer.is_running():
            self.trainer.stop_and_wait()  # looking back pauses the run
        if epoch >= model.epoch:
            self._go_live()
            return
        try:
            found = self.trainer.state_at(epoch)
        except TrainerLost as exc:
            self.w.statusBar().showMessage(str(exc), 6000)
            return
        if found is None:
            self.timeline.show_live(model.epoch)
            self.w.statusBar().showMessage(
                f"No epoch is recorded as early as {epoch}: the timeline starts with this "
                f"run.", 5000)
            return
        recorded, params = found
        self.scrub_epoch = recorded
        past = model_from_config(model.kind, model.get_config())
        past.set_state(params)
        past.epoch = recorded
        self.w.live.draw_past(past)
        self.w.error_view.set_marker(recorded)
        self.timeline.show_past(recorded, model.epoch)
        self.w.actions_.update_readout(recorded, *self._errors_at(recorded))

    def _errors_at(self, epoch: int) -> tuple:
        epochs, train, test = self.w.error_view.data()
        i = int(epoch) - 1
        if 0 <= i < len(train) and epochs[i] == epoch:
            return train[i], test[i]
        return None, None

    def _go_live(self) -> None:
        self.scrub_epoch = None
        self.w.error_view.set_marker(None)
        self.w.refresh_views()
        self._follow()
        model = self.trainer.model
        if model is not None:  # the readout showed the epoch looked back at
            self.w.actions_.update_readout(model.epoch, *self._errors_at(model.epoch))

    def _follow(self) -> None:
        """The timeline's end follows the model's epoch (unless looking back)."""
        model = self.trainer.model
        if self.scrub_epoch is None and model is not None:
            self.timeline.show_live(model.epoch)

    def _on_trainer_snapshot_ready(self, snapshot, view) -> None:
        self.timeline.show_live(snapshot.epoch)

    def _on_window_model_rebuilt(self) -> None:
        self.stop_sample_play()
        self.scrub_epoch = None
        self.w.error_view.set_marker(None)
        self._follow()
