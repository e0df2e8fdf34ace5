"""Step one sample (issue 11) in the window: the action beside Step, the one-sample
panel as a tab beside the network, and the highlights of the presented sample (canvas,
3-D view, network drawing). The trainer does the step (``TrainingController.step_sample``,
the process's model); this only shows it."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.training.client import TrainerLost
from nnplayground.ui.explain.sample_panel import SamplePanel

SHORTCUTS = ("Shift+S", "Shift+Right")


class SampleSteps(QtCore.QObject):
    """Owns the "Step one sample" action and the panel; ``window.sample_steps``."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.panel = SamplePanel()
        tabs = window.tabs
        index = tabs.addTab(self.panel, "One sample")
        tabs.setTabToolTip(index, "Every number of the last sample step (Step one sample)")
        keys = [QtGui.QKeySequence(k) for k in SHORTCUTS]
        tip = (f"Learn the next sample of the epoch and show every number of that step "
               f"({', '.join(k.toString() for k in keys)})")
        action = self.action = QtGui.QAction("Step one &sample", window)
        action.setObjectName("step_one_sample")
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setIcon(window.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_ArrowRight))
        action.triggered.connect(self.step_sample)
        window.addAction(action)
        actions = window.actions_
        bar = actions.toolbar
        bar.insertAction(actions.reset, action)  # Play, Step, Step one sample, Reset
        bar.widgetForAction(action).setAccessibleName("Step one sample")
        for menu_action in window.menuBar().actions():
            if menu_action.menu() is not None and menu_action.text() == "&Training":
                menu_action.menu().insertAction(actions.reset, action)
        trainer = window.trainer
        trainer.sample_stepped.connect(self._on_trainer_sample_stepped)
        trainer.running_changed.connect(self._on_trainer_running_changed)
        trainer.snapshot_ready.connect(self._on_trainer_snapshot_ready)
        window.controller.applied.connect(self._on_controller_applied)

    # ------------------------------------------------------------------ the action
    def step_sample(self):
        """One sample step of the trainer's model (pauses a run first); the trace."""
        w = self.w
        if not (self.action.isEnabled() and not w.actions_.toolbar.isHidden()):
            return None  # during a run, or on the digit pad's page
        if not w.replay.ready_to_train():  # looking back: go on from that epoch
            return None  # a lesson's step whose weights are the lesson
        try:
            return w.trainer.step_sample()
        except (ValueError, TrainerLost) as exc:
            w.statusBar().showMessage(str(exc), 5000)
            return None

    # ------------------------------------------------------------------ showing it
    def _on_trainer_sample_stepped(self, trace, snapshot, view) -> None:
        w = self.w
        model = w.trainer.model
        w.live.take(snapshot, view)
        if trace.epoch_closed:
            w.actions_.update_readout(snapshot.epoch, snapshot.train_error, snapshot.test_error)
        else:
            w.epoch_label.setText(f"Epoch {snapshot.epoch}")
        self.panel.show_trace(trace, model)
        self._highlight(trace, model, snapshot.state)
        w.tabs.setCurrentWidget(self.panel)
        where = f"sample {trace.position + 1} of {trace.n_samples}"
        w.statusBar().showMessage(
            f"Epoch {snapshot.epoch} done." if trace.epoch_closed
            else f"Learned {where} of epoch {trace.epoch + 1}.", 4000)

    def _highlight(self, trace, model, state) -> None:
        w = self.w
        x = getattr(trace, "x_data", trace.x)  # the autoencoder's, in the data's units
        w.canvas.set_highlight(x)
        if w.view3d is not None and len(x) == 3:
            w.view3d.set_highlight(x)
        net = w.network_view
        if trace.kind == "competitive":
            net.set_highlight([(1, trace.winner)])
        elif trace.kind == "perceptron":
            net.set_highlight([(1, 0)])
        else:
            # The forward pass the panel shows (the weights before the step).
            try:
                net.set_network(model.layer_sizes, state["weights"], state.get("biases"),
                                [np.asarray(a) for a in trace.activations])
            except (KeyError, ValueError, AttributeError):
                pass
            out = len(trace.activations) - 1
            net.set_highlight([(out, j) for j in range(len(trace.activations[-1]))])

    def clear(self) -> None:
        """No sample is presented any more (a run, a new model)."""
        self.w.canvas.set_highlight(None)
        if self.w.view3d is not None:
            self.w.view3d.set_highlight(None)
        self.w.network_view.set_highlight(())

    def _on_trainer_running_changed(self, running: bool) -> None:
        self.action.setEnabled(not running)
        if running:
            self.clear()

    def _on_trainer_snapshot_ready(self, *_args) -> None:
        if self.w.canvas.highlight() is not None:
            self.clear()

    def _on_controller_applied(self, *_args) -> None:
        self.clear()
        self.panel.clear_trace()
