"""The digit pad tab: draw on the 5x4 pad, watch the network read it, teach it, look inside.

Two networks share the panel, each a task object of ``core.digits`` (``TASKS``): the
ten-class softmax network and the classic 0-3 lesson network. The panel asks the current
task for its model, data, epochs and how to read the outputs. Training runs through the one
``TrainingController``; the GUI thread never touches the model being trained. It keeps
its own ``predictor`` (same architecture) whose state is set from every snapshot, so a
pixel change gives an answer at once (one forward pass on a 20-vector).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnplayground.core import digits as dg
from nnplayground.core.palette import OKABE_ITO
from nnplayground.training.client import TrainingController
from nnplayground.ui.digits.answer_view import DigitAnswerView, big_axes
from nnplayground.ui.digits.digit_pad import DigitPadWidget
from nnplayground.ui.views.error_view import ErrorCurveView

#: Diverging and colour-blind safe: blue pushes away, white nothing, vermillion towards.
PUSH_MAP = pg.ColorMap([0.0, 0.5, 1.0], [OKABE_ITO[4], "#FFFFFF", OKABE_ITO[5]])


#: the task a new panel starts with
DEFAULT_TASK = dg.TEN_DIGITS


class DigitPanel(QWidget):
    """Pad + answer + probabilities + training + teaching + look inside.

    Signals: ``training_finished(str)`` (the TrainResult's reason) after every run.
    """

    training_finished = Signal(str)

    def __init__(self, parent: QWidget | None = None, seed: int = 0,
                 auto_train: bool = True) -> None:
        super().__init__(parent)
        self.seed = int(seed)
        self._task: dg.DigitTask = DEFAULT_TASK
        self._extra: list[tuple[list[float], int]] = []
        self._data: tuple = (None, None, None, None)  # what the trainer was sent
        self.predictor = self._task.model(self.seed)
        # A run lasts well under a second: 15 frames a second show the curve falling and
        # leave the GIL to the training thread (every repaint holds it).
        self.controller = TrainingController(self, snapshot_interval=1 / 15)
        self.controller.snapshot_ready.connect(self._on_controller_snapshot_ready)
        self.controller.finished.connect(self._on_controller_finished)
        self.controller.failed.connect(self._on_controller_failed)

        # Read from the back of a classroom. From the system font, not the application's:
        # presentation mode scales the application font and then this panel's own font
        # (and restores both), so a panel first built during presentation mode must not
        # start from the already-scaled size.
        font = self.font()
        base = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF()
        font.setPointSizeF(max(12.0, base * 1.2))
        self.setFont(font)
        self.pad = DigitPadWidget(self)
        self.pad.pattern_changed.connect(self._on_pad_pattern_changed)
        self._build_answer()
        self._build_training()
        self._build_inside()

        middle = QVBoxLayout()
        middle.addWidget(self.answer_box, 3)
        middle.addWidget(self.inside_box, 2)
        right = QVBoxLayout()
        right.addWidget(self.training_box, 3)
        right.addWidget(self.teach_box)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pad, 3)
        layout.addLayout(middle, 4)
        layout.addLayout(right, 3)

        self._show_task()
        self._update_prediction()
        if auto_train:
            self.retrain()

    # ------------------------------------------------------------------ build
    def _build_answer(self) -> None:
        self.answer_box = QGroupBox("The network reads", self)
        self.prediction_label = QLabel("?", self.answer_box)
        font = QFont()
        font.setPointSize(72)
        font.setBold(True)
        self.prediction_label.setFont(font)
        self.prediction_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prediction_label.setMinimumWidth(110)
        self.prediction_label.setAccessibleName("Predicted digit")
        self.prediction_label.setToolTip(
            "The digit the network reads on the pad (? when it is not sure)")
        self.message_label = QLabel("", self.answer_box)
        font = QFont()
        font.setPointSize(16)
        self.message_label.setFont(font)
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setAccessibleName("How sure the network is")
        self.message_label.setToolTip(
            "The answer in words; below 50 % the network says it is not sure")

        self.bar_plot = DigitAnswerView(self.answer_box)
        # Room for its ticks and title under the 72-point answer: the layout gave it
        # ~68 px, where 0.2-0.8 overlapped and "probability" was cut.
        self.bar_plot.setMinimumHeight(130)
        self.bar_item = self.bar_plot.bar_item
        self.threshold_line = self.bar_plot.threshold_line
        self.classic_line = self.bar_plot.classic_line

        top = QHBoxLayout()
        top.addWidget(self.prediction_label, 1)
        top.addWidget(self.message_label, 2)
        box = QVBoxLayout(self.answer_box)
        box.addLayout(top)
        box.addWidget(self.bar_plot, 1)

    def _build_training(self) -> None:
        self.training_box = QGroupBox("The network", self)
        self.mode_combo = QComboBox(self.training_box)
        # May elide its text: the page beside a lesson's panel fits a 1280-px screen (at
        # its full width the page needed 969 px and the window grew past the screen).
        self.mode_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode_combo.setMinimumContentsLength(14)
        for task in dg.TASKS:
            self.mode_combo.addItem(task.title, task.key)
        self.mode_combo.setToolTip(
            "Ten digits: 20 pixels -> 16 hidden neurons -> 10 outputs (softmax).\n"
            "Classic lesson: 20 -> 20 -> 1 sigmoid output; output x 3 rounded gives 0-3,\n"
            "trained on the four patterns 0-3 alone.")
        self.mode_combo.setAccessibleName("Which network")
        self.mode_combo.currentIndexChanged.connect(self._on_mode_combo_changed)
        self.retrain_button = QPushButton("Retrain", self.training_box)
        self.retrain_button.setToolTip(
            "Train the network again from its seed, with every added drawing")
        self.retrain_button.setAccessibleName("Retrain the network")
        self.retrain_button.clicked.connect(self.retrain)
        self.status_label = QLabel("", self.training_box)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Training status")
        self.error_view = ErrorCurveView(self.training_box)
        self.error_view.setMinimumHeight(160)
        self.error_view.setToolTip(
            "Error after each epoch. train: the templates, their noisy copies and your drawings; "
            "test: one-pixel slips of the templates that are not in the training set")
        big_axes(self.error_view.getPlotItem(), 11)
        row = QHBoxLayout()
        row.addWidget(self.mode_combo, 1)
        row.addWidget(self.retrain_button)
        box = QVBoxLayout(self.training_box)
        box.addLayout(row)
        box.addWidget(self.status_label)
        box.addWidget(self.error_view, 1)

        self.teach_box = QGroupBox("Teach it", self)
        self.teach_spin = QSpinBox(self.teach_box)
        self.teach_spin.setRange(0, 9)
        self.teach_spin.setToolTip("The digit your drawing shows")
        self.teach_spin.setAccessibleName("Digit of the drawing to add")
        self.teach_button = QPushButton("Add this drawing as digit 0", self.teach_box)
        self.teach_button.setToolTip(
            "Put the drawing on the pad into the training set and retrain")
        self.teach_button.setAccessibleName("Add this drawing to the training set")
        self.teach_spin.valueChanged.connect(
            lambda d: self.teach_button.setText(f"Add this drawing as digit {d}"))
        self.teach_button.clicked.connect(self._on_teach_button_clicked)
        # A placed template shows that digit, so "Teach it" offers it (the 0 left there
        # taught a placed 7 as a 0).
        self.pad.template_placed.connect(self.teach_spin.setValue)
        self.teach_label = QLabel("No drawings added yet.", self.teach_box)
        self.teach_label.setAccessibleName("Added drawings")
        row = QHBoxLayout()
        row.addWidget(self.teach_spin)
        row.addWidget(self.teach_button, 1)
        box = QVBoxLayout(self.teach_box)
        box.addLayout(row)
        box.addWidget(self.teach_label)

    def _build_inside(self) -> None:
        self.inside_box = QGroupBox("Look inside: which pixels pushed", self)
        self.inside_view = pg.GraphicsLayoutWidget()
        self.inside_view.setBackground("w")
        self.inside_view.setAccessibleName("Pixels that pushed towards the answer")
        self.inside_view.setToolTip(
            "Input x gradient for the digit the network reads: vermillion pixels pushed towards "
            "that answer, blue ones away from it; white did nothing (an off pixel never pushes).")
        plot = self.inside_view.addPlot()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setAspectLocked(True)
        plot.invertY(True)  # row 0 at the top, as on the pad
        self.inside_image = pg.ImageItem(np.zeros((dg.COLS, dg.ROWS)))
        plot.addItem(self.inside_image)
        # Cell outlines, so that the picture reads as the pad even where nothing pushed.
        xs, ys = [], []
        for c in range(dg.COLS + 1):
            xs += [c, c]
            ys += [0, dg.ROWS]
        for r in range(dg.ROWS + 1):
            xs += [0, dg.COLS]
            ys += [r, r]
        plot.addItem(pg.PlotCurveItem(np.array(xs, float), np.array(ys, float), connect="pairs",
                                      pen=pg.mkPen("#b0b0b0", width=1)))
        plot.setRange(xRange=(0, dg.COLS), yRange=(0, dg.ROWS), padding=0.02)
        # The ends of the bar say what they mean (a rotated title was cut off at any size).
        self.inside_bar = pg.ColorBarItem(values=(-1, 1), colorMap=PUSH_MAP, interactive=False)
        axis = self.inside_bar.axis
        axis.setTicks([[(-0.85, "away"), (0, "0"), (0.85, "towards")]])
        axis.setWidth(64)  # room for the words
        self.inside_bar.setImageItem(self.inside_image, insert_in=plot)
        self.inside_caption = QLabel("", self.inside_box)
        self.inside_caption.setWordWrap(True)
        self.inside_caption.setAccessibleName("What the picture shows")
        box = QVBoxLayout(self.inside_box)
        box.addWidget(self.inside_view, 1)
        box.addWidget(self.inside_caption)

    # -------------------------------------------------------------------- API
    @property
    def mode(self) -> str:
        """The current task's key (``core.digits.TASKS``)."""
        return self._task.key

    def set_task(self, mode: str, seed: int) -> None:
        """The task whose key is ``mode`` with its network from ``seed``, trained."""
        self.seed = int(seed)
        if self.mode != mode:
            self.set_mode(mode)  # trains that network
        else:
            self.retrain()

    def set_mode(self, mode: str) -> None:
        """Switch to the task whose key is ``mode`` (retrains it)."""
        self.mode_combo.setCurrentIndex([task.key for task in dg.TASKS].index(mode))

    @property
    def extra_examples(self) -> list[tuple[list[float], int]]:
        """The drawings the user added: [(20 pixel values, digit)], for the session file."""
        return [(list(p), d) for p, d in self._extra]

    def set_extra_examples(self, examples, retrain: bool = True) -> None:
        """The drawings taught to the network; it is trained again only when they are
        not the ones it has (a session or Leave lesson giving back the same ones)."""
        extra = [([float(v) for v in dg.as_pattern(p)], int(d)) for p, d in examples]
        changed = extra != self._extra
        self._extra = extra
        self._after_teaching(retrain and changed)

    def add_example(self, pattern, digit: int, retrain: bool = True) -> None:
        self._extra.append(([float(v) for v in dg.as_pattern(pattern)], int(digit)))
        self._after_teaching(retrain)

    def training_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(X (n, 20), targets (n,)) of the current task's training set."""
        return self._task.training_set(self.seed, self._extra)

    def robustness(self) -> dg.Robustness:
        """How the current predictor reads every one-pixel slip of the templates."""
        return self._task.robustness(self.predictor)

    def is_training(self) -> bool:
        return self.controller.is_running()

    def retrain(self) -> None:
        """Fresh network from the seed, trained in the background on the current data."""
        self.controller.stop_and_wait()
        model = self._task.model(self.seed)
        self.predictor = self._task.model(self.seed)
        X, y = self.training_data()
        self._data = (X, y, *self._task.test_set(X))
        self.controller.set_model(model)
        self.controller.set_arrays(*self._data)
        self.error_view.clear()
        self.status_label.setText(f"Training on {len(X)} patterns\N{HORIZONTAL ELLIPSIS}")
        self._update_prediction()
        self.controller.play(max_epochs=self._task.epochs)

    def shutdown(self) -> None:
        """Stop the training thread and wait for it (window closing)."""
        self.controller.shutdown()

    def probabilities(self) -> np.ndarray:
        """What the bars show now: (10,) probabilities, or (1,) the classic output."""
        return self._outputs.copy()

    # ------------------------------------------------------------------ slots
    def _on_pad_pattern_changed(self, _pattern) -> None:
        self._update_prediction()

    def _on_controller_snapshot_ready(self, snapshot, _view) -> None:
        self.predictor.set_state(snapshot.state)
        self.predictor.epoch = snapshot.epoch
        self.error_view.append(snapshot.new_train_errors, snapshot.new_test_errors)
        self._update_prediction()

    def _on_controller_finished(self, result) -> None:
        _, train = self.error_view.data()[:2]
        error = f", error {train[-1]:.3g}" if len(train) else ""
        r = self.robustness()
        text = (f"Trained {result.epoch} epochs{error}. One-pixel slips read right: "
                f"{r.correct} of {r.counted} ({100 * r.share:.0f} %).")
        if result.reason == "diverged":
            text += " " + result.message
        self.status_label.setText(text)
        self.training_finished.emit(result.reason)

    def _on_controller_failed(self, message: str) -> None:
        self.status_label.setText(message.split("\n", 1)[0])

    def _on_mode_combo_changed(self, index: int) -> None:
        self._task = dg.TASKS[index]
        self._show_task()
        self.retrain()

    def _on_teach_button_clicked(self) -> None:
        self.add_example(self.pad.pattern(), self.teach_spin.value())

    # -------------------------------------------------------------- internals
    def _show_task(self) -> None:
        self.teach_box.setEnabled(self._task.teachable)
        self.bar_plot.set_task(self._task)

    def _after_teaching(self, retrain: bool) -> None:
        n = len(self._extra)
        counts = np.bincount([d for _, d in self._extra], minlength=10)
        listed = ", ".join(f"{c}\N{MULTIPLICATION SIGN} {d}" for d, c in enumerate(counts) if c)
        self.teach_label.setText(f"{n} drawing{'s' if n != 1 else ''} added: {listed}." if n
                                 else "No drawings added yet.")
        if retrain and self._task.teachable:
            self.retrain()

    def _update_prediction(self) -> None:
        p = self.pad.pattern()
        reading = self._task.read(self.predictor.predict_proba(p[None, :])[0])
        self._outputs = reading.outputs
        self.bar_plot.show_reading(reading)
        if not p.any():  # a big "1" for an empty pad read as the network's own answer
            self.prediction_label.setText("?")
            self.message_label.setText("The pad is empty: draw a digit, or place one.")
        else:
            self.prediction_label.setText(reading.text)
            self.message_label.setText(reading.sentence)

        push = dg.pixel_push(self.predictor, p, reading.target)
        # Scaled to the strongest pixel: the picture compares pixels, the units mean little.
        limit = float(np.max(np.abs(push)))
        scaled = push / (limit if limit > 1e-12 else 1.0)
        self.inside_image.setImage(scaled.reshape(dg.ROWS, dg.COLS).T, autoLevels=False)
        self.inside_caption.setText(
            f"Input \N{MULTIPLICATION SIGN} gradient: vermillion pixels pushed towards "
            f"{reading.towards}, blue pixels away from it (an off pixel never pushes).")
