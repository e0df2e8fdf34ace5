"""Lessons in the window: the Lessons menu, the lesson panel, and each step applied to the
playground through the controller's one transaction (``window.apply``).

A step that names a setup gets a fresh playground from it (data, model with its fixed
weights, split, view, locked and hidden controls); a step that names none keeps the
previous one and its trained model. Play trains the step's epochs. Reset returns to the
step's weights (they are the model spec's ``initial_state``). Leave lesson gives back the
work from before the lesson, kept as a session (also what the autosave writes meanwhile).

The lesson panel (and its dock) is built when the first lesson starts, and the lesson
files are read then or when the Lessons menu first opens: none of it delays the launch.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt

from nnplayground.core.state import DatasetSpec, SplitSpec, axis_name
from nnplayground.ui.digits.digit_page import DIGIT_PAGE
from nnplayground.ui.lessons import hand_weights
from nnplayground.ui.lessons.control_locks import ControlLocks
from nnplayground.ui.lessons.kept_work import KeptWork
from nnplayground.ui.lessons.lessons_menu import LessonsMenu

if TYPE_CHECKING:
    from nnplayground.core.lessons import Lesson
    from nnplayground.ui.lessons.lesson_panel import LessonPanel

#: Words by which a step asks for a prediction before its answer is shown.
_PROMPT_WORDS = ("predict", "decide")


def is_prompt(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _PROMPT_WORDS)


class LessonController(QtCore.QObject):
    """The window's lessons; ``window.lessons``. ``lesson`` and ``index`` say where the
    window is (None when it is in no lesson). ``panel`` and ``dock`` are None until the
    first lesson starts."""

    started = QtCore.Signal(str)
    step_shown = QtCore.Signal(int)
    left = QtCore.Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.lesson: Lesson | None = None
        self.index = 0
        self._anchor = -1  # the step whose setup the playground shows
        self._kept: KeptWork | None = None  # the work from before the lesson
        self._revealed = True
        self._training_reveal = False  # the reveal is the run going on
        self._weight_paths: list[tuple] = []
        self.locks = ControlLocks(window)
        self.panel: LessonPanel | None = None
        self.dock: QtWidgets.QDockWidget | None = None
        self.menus = LessonsMenu(window, self.start, self.next, self.back, self.leave)
        # Its parts by their short names (the tests and the Help menu's list use them).
        self.menu = self.menus.menu
        self.next_action, self.back_action = self.menus.next_action, self.menus.back_action
        self.leave_action = self.menus.leave_action
        self._enable_actions()
        c = window.controller
        # After the window's own slots: the panels have shown the new state by then.
        c.state_changed.connect(self._on_controller_state_changed)
        c.applied.connect(self._on_controller_applied)
        window.points.changed.connect(self._on_points_changed)
        window.trainer.finished.connect(self._on_trainer_finished)
        window.trainer.running_changed.connect(self._on_trainer_running_changed)

    @property
    def lesson_actions(self) -> dict:
        """Each lesson's entry in the Lessons menu, by lesson id."""
        return self.menus.lesson_actions

    def _build_panel(self) -> None:
        window = self.w
        from nnplayground.ui.lessons.lesson_panel import LessonPanel

        self.panel = p = LessonPanel()
        self.dock = QtWidgets.QDockWidget("Lesson", window)
        self.dock.setObjectName("lesson_dock")
        self.dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea
                                  | Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.setWidget(p)
        for button in self.dock.findChildren(QtWidgets.QAbstractButton):
            if not button.toolTip():  # the title bar's own float and close buttons
                name = button.accessibleName() or "Close"
                button.setToolTip(f"{name} the lesson panel")
                button.setAccessibleName(f"{name} the lesson panel")
        self.dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        p.next_requested.connect(self.next)
        p.back_requested.connect(self.back)
        p.leave_requested.connect(self.leave)
        p.reveal_requested.connect(self.reveal)
        p.input_edited.connect(self._on_panel_input_edited)
        p.weight_edited.connect(self._on_panel_weight_edited)

    def _enable_actions(self) -> None:
        on = self.lesson is not None
        self.menus.enable(on, self.index, len(self.lesson.steps) if on else 0)

    # ------------------------------------------------------------------ commands
    def start(self, lesson_id: str) -> bool:
        """Open lesson ``lesson_id`` at its first step; False (with a message) when it
        cannot be loaded."""
        from nnplayground.core.lessons import LessonError, load_lesson

        try:
            lesson = load_lesson(lesson_id)
        except LessonError as exc:
            self.w.show_banner(f"Could not open the lesson: {exc}")
            return False
        w = self.w
        if self.panel is None:
            self._build_panel()
        if self.lesson is None:
            w.trainer.stop_and_wait()
            self._kept = KeptWork.of(w)
            w.actions_.files.autosave_source = lambda: self._kept.session
            w.actions_.play_limit = self._play_limit
        self.lesson, self._anchor = lesson, -1
        self.panel.show_lesson(lesson.title, lesson.summary)
        self.dock.setWindowTitle(f"Lesson: {lesson.title}")
        self.dock.show()
        self.started.emit(lesson.id)
        self.go(0)
        return True

    def next(self) -> None:
        if self.lesson is not None and self.index < len(self.lesson.steps) - 1:
            self.go(self.index + 1)

    def back(self) -> None:
        if self.lesson is not None and self.index > 0:
            self.go(self.index - 1)

    def go(self, index: int) -> None:
        """Show step ``index`` (0-based): its setup when it differs from the one shown."""
        lesson, w = self.lesson, self.w
        anchor = max(i for i in range(index + 1) if lesson.steps[i].changes or i == 0)
        self.index = index
        setup = lesson.setup(index)
        step = lesson.steps[index]
        prompt = is_prompt(step.text) and setup.digit_pad is None
        self._revealed, self._training_reveal = not prompt, False
        w.trainer.stop_and_wait()
        if anchor != self._anchor:
            self._anchor = anchor
            if not self._apply(setup, index):
                return
        self.panel.show_step(step.number, len(lesson.steps), step.text, self._note(setup))
        self.panel.show_prompt(None if not prompt else "Reveal the answer" if setup.epochs == 0
                               else f"Reveal: train {setup.epochs:,} epochs")
        self._show_forward(setup)
        self._show_weights(setup)
        self._veil()
        self._enable_actions()
        self.step_shown.emit(index)

    def reveal(self) -> None:
        """The prompt's answer: the model's output shown, or the step's training run."""
        setup = self.setup
        if setup is None or self._revealed:
            return
        if setup.epochs > 0:
            if not self.w.trainer.is_running():
                self.w.actions_.toggle_play()  # running_changed marks the reveal
            return
        self.panel.set_revealed("Here it is: compare it with your prediction.")
        self._revealed = True
        self._veil()
        self._show_forward(setup)

    def leave(self) -> None:
        """End the lesson; the playground as it was before it."""
        if self.lesson is None:
            return
        w = self.w
        kept = self._kept
        self.lesson, self._kept, self._revealed = None, None, True
        w.trainer.stop_and_wait()
        self.locks.release()
        self._veil()
        w.live.probe = None
        w.canvas.set_note("")
        w.actions_.play_limit = None
        w.actions_.files.autosave_source = None
        self.dock.hide()
        if kept.give_back(w):
            w.statusBar().showMessage("You left the lesson: your work is back as it was.", 6000)
        self._enable_actions()
        self.left.emit()

    @property
    def setup(self):
        return None if self.lesson is None else self.lesson.setup(self.index)

    # ------------------------------------------------------------------ applying a step
    def _apply(self, setup, index: int) -> bool:
        w, lesson = self.w, self.lesson
        self.locks.set(setup.locked, setup.hidden,
                       f"Locked by the lesson “{lesson.title}” (Leave lesson unlocks it).")
        if setup.digit_pad is not None:
            self._show_digit_pad(setup)
            return True
        w.pages.setCurrentIndex(0)
        data = setup.dataset
        if not w.apply(points=(data.X, data.y, data.class_names),
                       dataset=DatasetSpec.lesson(data.name, data.centroids),
                       split=SplitSpec(setup.test_share, 0), model=setup.model_spec(),
                       undo_text=f"{lesson.title}, step {index + 1}",
                       text=f"Lesson “{lesson.title}”, step {index + 1}"):
            return False
        view = setup.view
        w.model_panel.mlp_hidden_lines.setChecked(view.hidden_lines)
        w.error_view.set_log_scale(view.log_scale)
        ci = setup.constant_input
        axes = view.axes
        if ci is not None:
            others = [a for a in range(data.X.shape[1]) if a != ci.column]
            axes = (others[0], others[1]) if ci.column in axes else axes
            w.canvas.set_note(f"Not shown: {axis_name(ci.column)} = {ci.value:g}, the {ci.label}")
        else:
            w.canvas.set_note("")
        w.show_axes(axes)
        w.controller.set_view(replace(w.controller.state.view, axes=tuple(axes),
                                      hidden_lines=view.hidden_lines, log_scale=view.log_scale))
        self._hide_flat_3d_view()
        return True

    def _hide_flat_3d_view(self) -> None:
        """Data with a constant input lies in one plane: the canvas shows all there is."""
        w, setup = self.w, self.setup
        if setup is None or setup.constant_input is None:
            return
        w.axes_row.hide()
        if w.view3d is not None:
            w.tabs.setTabVisible(w.tabs.indexOf(w.view3d), False)
            w.tabs.setCurrentWidget(w.network_view)

    def _show_digit_pad(self, setup) -> None:
        w = self.w
        w.pages.setCurrentIndex(DIGIT_PAGE)
        w.digit_panel.set_task(setup.digit_task.key, setup.digit_pad.seed)

    def _note(self, setup) -> str:
        if setup.digit_pad is not None:
            return (f"The digit pad trains this network itself ({setup.epochs:,} epochs); "
                    "draw on the pad and watch its answer.")
        if setup.epochs == 0:
            return "Nothing to train in this step: the weights are set by hand."
        return f"Play (Space) trains {setup.epochs:,} epochs; Reset (R) starts the step again."

    def _play_limit(self, epoch: int) -> tuple:
        setup = self.setup
        if setup is None or setup.digit_pad is not None:
            return None, ""
        n = setup.epochs
        if n == 0:
            return epoch, ("Nothing to train in this step: the weights are set by hand. "
                           "Next step (Ctrl+Right) goes on.")
        target = n if epoch < n else epoch + n
        return target, f"Training to epoch {target:,}, as this step of the lesson asks."

    # ------------------------------------------------------------------ what a step shows
    def _veil(self) -> None:
        """Before a reveal, a step without training hides the model's answer."""
        setup = self.setup
        veiled = not self._revealed and setup is not None and setup.epochs == 0
        overlay = self.w.overlay
        for item in overlay.items + overlay.number_items:
            item.setOpacity(0.0 if veiled else 1.0)

    def _show_forward(self, setup) -> None:
        """A step whose printout is the forward pass: input fields (the first point's
        coordinates) and every neuron's value, on the panel and in the network drawing."""
        w = self.w
        forward = setup is not None and setup.printout is not None \
            and setup.printout.rule == "forward" and len(w.points) > 0
        if not forward:
            self.panel.show_inputs(None)
            if w.live.probe is not None:
                w.live.set_probe(None)
            return
        X, _ = w.points.point_set.arrays()
        x = X[0]
        names = [axis_name(i) for i in range(len(x))]
        if len(self.panel.input_fields.fields) != len(x) or self.panel.forward_box.isHidden():
            self.panel.show_inputs(names, list(x))
        else:
            self.panel.set_inputs(list(x))
        model = w.trainer.model
        if not self._revealed or model is None or model.n_inputs != len(x):
            w.live.set_probe(None)
            self.panel.set_readout("Reveal the answer to see every neuron's value.")
            return
        w.live.set_probe(x)
        self.panel.set_readout(hand_weights.forward_text(model.forward(x[None, :])))

    def _show_weights(self, setup) -> None:
        model = self.w.trainer.model
        entries = None
        if setup is not None and setup.digit_pad is None and setup.weights is not None \
                and model is not None:
            entries = hand_weights.entries(model.kind, model.get_state())
        self._weight_paths = [path for _, path in entries] if entries else []
        if not entries:
            self.panel.show_weights(None)
            return
        values = hand_weights.read(model.get_state(), self._weight_paths)
        labels = [label for label, _ in entries]
        if self.panel.weights_box.isHidden() or self.panel.weight_fields.labels != labels:
            self.panel.show_weights(labels, values)
        else:
            self.panel.set_weights(values)  # the field being typed in keeps the focus

    # ------------------------------------------------------------------ slots
    def _on_controller_state_changed(self, _state) -> None:
        if self.lesson is not None:
            self.locks.reapply()

    def _on_controller_applied(self, _applied) -> None:
        if self.lesson is None:
            return
        self._veil()
        setup = self.setup
        self._hide_flat_3d_view()
        self._show_forward(setup)
        self._show_weights(setup)

    def _on_points_changed(self) -> None:
        if self.lesson is not None and not self.w.points.replacing and self._anchor >= 0:
            self._show_forward(self.setup)

    def _on_trainer_running_changed(self, running: bool) -> None:
        """Play pressed instead of Reveal: the run is the reveal all the same."""
        setup = self.setup
        if running and not self._revealed and setup is not None and setup.epochs > 0:
            self._revealed = self._training_reveal = True
            self.panel.set_revealed("Training… watch the canvas and the error curve.")

    def _on_trainer_finished(self, result) -> None:
        if self.lesson is None:
            return
        if self._training_reveal:
            self._training_reveal = False
            self.panel.set_revealed(f"Trained to epoch {result.epoch:,}: compare the canvas and "
                                    "the error curve with your prediction.")
        if self._weight_paths:
            model = self.w.trainer.model
            self.panel.set_weights(hand_weights.read(model.get_state(), self._weight_paths))

    def _on_panel_input_edited(self, index: int, value: float) -> None:
        points = self.w.points
        ids, X, _ = points.snapshot()
        if not len(ids):
            return
        x = X[0].copy()
        x[index] = value
        points.move_point(int(ids[0]), x)
        points.end_drag()

    def _on_panel_weight_edited(self, index: int, value: float) -> None:
        w = self.w
        model = w.trainer.model
        if model is None or not self._weight_paths:
            return
        values = hand_weights.read(model.get_state(), self._weight_paths)
        values[index] = value
        state = hand_weights.with_values(model.get_state(), self._weight_paths, values)
        spec = replace(w.controller.state.model, initial_state=state)
        label = self.panel.weight_fields.fields[index].accessibleName().removeprefix("Weight ")
        w.apply(model=spec, text=f"{label} set to {value:g}")
