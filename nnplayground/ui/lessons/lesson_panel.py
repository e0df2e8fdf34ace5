"""The lesson side panel: title, summary, the step's text, Back / Next, the "predict, then
reveal" prompt, the forward pass a student types inputs into, the weights set by hand, and
Leave lesson.

The panel only shows and asks (signals); ``LessonController`` decides what a step is and
answers by calling the ``show_*`` / ``set_*`` methods, which emit nothing.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnplayground.ui.panels.panel_widgets import (
    assign_control_ids,
    describe,
    format_number,
    message_label,
)
from nnplayground.ui.views.weight_editor import MAX_ABS_VALUE
from nnplayground.ui.window.space_key import SPACE_IS_TEXT


def _wrapped(text: str = "", name: str = "", tip: str = "", rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        describe(label, name, tip)
    return label


def _coloured(widget: QWidget, colour: str, role=QPalette.ColorRole.WindowText) -> None:
    # A palette, not a style sheet: a style sheet keeps the font from following the
    # application font, which presentation mode (F11) scales.
    palette = widget.palette()
    palette.setColor(role, QColor(colour))
    widget.setPalette(palette)


def _shown(value: float) -> str:
    """A field's number with at most 7 significant digits (10.38040700835853 -> 10.38041)."""
    return format_number(value, 7)


def _number(text: str) -> float | str:
    """The number typed, or why it is not taken (in words)."""
    try:  # a decimal comma is common in class
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # words, and "nan" or "inf" too
        return f"\u201c{text.strip()}\u201d is not a number: type one such as 0.5 or -2."
    if abs(value) > MAX_ABS_VALUE:  # the weight editor's limit: the same weights
        return (f"{text.strip()} is too large: a number here stays between "
                f"-{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}.")
    return value


class _NumberFields(QWidget):
    """A grid of labelled number fields; ``edited(index, value)`` when one is finished
    (Enter or leaving it) with a new number. Nonsense puts the last number back and says
    why under the fields (``message``) until a number is taken."""

    edited = Signal(int, float)

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._grid = QGridLayout()
        outer.addLayout(self._grid)
        self.message = message_label()
        self.message.setAccessibleName(f"{what} field message")
        outer.addWidget(self.message)
        self.fields: list[QLineEdit] = []
        self.labels: list[str] = []
        self._values: list[float] = []

    def show_fields(self, labels: list[str], values: list[float], columns: int) -> None:
        for field in self.fields:
            field.deleteLater()
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fields, self._values = [], [float(v) for v in values]
        self.labels = list(labels)
        self.message.hide()
        for i, (label, value) in enumerate(zip(labels, values)):
            field = QLineEdit(_shown(value))
            field.setMinimumWidth(field.fontMetrics().horizontalAdvance("-0.000") + 12)
            describe(field, f"{self._what} {label}",
                     f"{self._what} {label}: type a number and press Enter")
            field.setObjectName(f"lesson.{self._what.lower().replace(' ', '_')}_{i}")
            field.editingFinished.connect(lambda i=i: self._on_field_finished(i))
            row, col = divmod(i, columns)
            self._grid.addWidget(QLabel(label), row, 2 * col)
            self._grid.addWidget(field, row, 2 * col + 1)
            self.fields.append(field)

    def set_values(self, values: list[float]) -> None:
        self._values = [float(v) for v in values]
        for field, value in zip(self.fields, self._values):
            if not field.hasFocus():
                with QSignalBlocker(field):
                    field.setText(_shown(value))

    def values(self) -> list[float]:
        return list(self._values)

    def _on_field_finished(self, i: int) -> None:
        if self.fields[i].text().strip() == _shown(self._values[i]):
            self.message.hide()  # left as shown (rounded): the exact value stays
            return
        value = _number(self.fields[i].text())
        if isinstance(value, str):
            self.message.setText(f"{value} {self.labels[i]} stays "
                                 f"{_shown(self._values[i])}.")
            self.message.show()
            self.fields[i].setText(_shown(self._values[i]))
            return
        self.message.hide()
        self.fields[i].setText(_shown(value))
        if value != self._values[i]:
            self._values[i] = value
            self.edited.emit(i, value)


class LessonPanel(QScrollArea):
    """See the module docstring. About 300 px wide; it scrolls when a step is long."""

    next_requested = Signal()
    back_requested = Signal()
    leave_requested = Signal()
    reveal_requested = Signal()
    #: a forward-pass input (index, value) typed
    input_edited = Signal(int, float)
    #: a weight (index into the entries last shown, value) typed
    weight_edited = Signal(int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(330)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.title_label = _wrapped(name="Lesson title", tip="The lesson you are in", rich=True)
        self.summary_label = _wrapped(name="Lesson summary", tip="What the lesson is about",
                                      rich=True)
        _coloured(self.summary_label, "#444444")
        self.progress_label = QLabel()
        describe(self.progress_label, "Lesson progress", "Which step of the lesson this is")
        self.step_label = _wrapped(name="Step text", tip="What to do and what to notice")
        self.step_frame = QFrame()
        self.step_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.step_frame.setAutoFillBackground(True)
        _coloured(self.step_frame, "#EEF6FB", QPalette.ColorRole.Window)
        QVBoxLayout(self.step_frame).addWidget(self.step_label)
        self.note_label = _wrapped(name="Training note", tip="What Play does in this step")
        _coloured(self.note_label, "#0072B2")
        for w in (self.title_label, self.summary_label, self.progress_label, self.step_frame,
                  self.note_label):
            layout.addWidget(w)

        self.prompt_box = QGroupBox("Predict, then reveal")
        prompt = QVBoxLayout(self.prompt_box)
        self.prediction_edit = describe(
            QLineEdit(), "Your prediction",
            "Write down what you expect before you reveal it (for yourself: nothing checks it)")
        self.prediction_edit.setPlaceholderText("Your prediction…")
        self.prediction_edit.setProperty(SPACE_IS_TEXT, True)  # words, not numbers
        self.reveal_button = describe(QPushButton("Reveal"), "Reveal",
                                      "Show the answer: the model's output, or train it")
        self.revealed_label = _wrapped(name="Revealed", tip="What the reveal showed")
        for w in (self.prediction_edit, self.reveal_button, self.revealed_label):
            prompt.addWidget(w)
        layout.addWidget(self.prompt_box)

        self.forward_box = QGroupBox("Forward pass")
        forward = QVBoxLayout(self.forward_box)
        self.input_fields = _NumberFields("Input")
        self.readout_label = _wrapped(name="Forward pass readout",
                                      tip="Every neuron's value for the inputs above")
        forward.addWidget(self.input_fields)
        forward.addWidget(self.readout_label)
        layout.addWidget(self.forward_box)

        self.weights_box = QGroupBox("Weights set by hand")
        weights = QVBoxLayout(self.weights_box)
        self.weight_fields = _NumberFields("Weight")
        self.weights_note = _wrapped(
            "Type a number and press Enter: the model starts again from these weights "
            "(Reset, R, comes back to them).")
        _coloured(self.weights_note, "#555555")
        weights.addWidget(self.weight_fields)
        weights.addWidget(self.weights_note)
        layout.addWidget(self.weights_box)

        nav = QHBoxLayout()
        self.back_button = describe(QPushButton("◂ Back"), "Previous step",
                                    "The step before (Ctrl+Left or Page Up)")
        self.next_button = describe(QPushButton("Next ▸"), "Next step",
                                    "The next step (Ctrl+Right or Page Down)")
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        self.leave_button = describe(QPushButton("Leave lesson"), "Leave lesson",
                                     "End the lesson: your own points and model come back")
        layout.addWidget(self.leave_button)
        layout.addStretch(1)
        self.setWidget(inner)
        self.prompt_box.hide()
        self.forward_box.hide()
        self.weights_box.hide()
        assign_control_ids(self, "lesson")

        self.back_button.clicked.connect(self.back_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.leave_button.clicked.connect(self.leave_requested)
        self.reveal_button.clicked.connect(self.reveal_requested)
        self.input_fields.edited.connect(self.input_edited)
        self.weight_fields.edited.connect(self.weight_edited)

    # ---------------------------------------------------------------- showing
    def show_lesson(self, title: str, summary: str) -> None:
        self.title_label.setText(f"<span style='font-size: x-large; font-weight: 600;'>"
                                 f"{_escape(title)}</span>")
        self.summary_label.setText(f"<i>{_escape(summary)}</i>")

    def show_step(self, number: int, count: int, text: str, note: str) -> None:
        self.progress_label.setText(f"<b>Step {number} of {count}</b>")
        self.step_label.setText(text)
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self.back_button.setEnabled(number > 1)
        self.next_button.setEnabled(number < count)
        self.prediction_edit.clear()
        self.verticalScrollBar().setValue(0)

    def show_prompt(self, button_text: str | None) -> None:
        """A "predict, then reveal" prompt whose button says ``button_text``; None: none."""
        self.prompt_box.setVisible(button_text is not None)
        if button_text is not None:
            self.reveal_button.setText(button_text)
            self.reveal_button.setEnabled(True)
            self.revealed_label.hide()

    def set_revealed(self, text: str) -> None:
        self.reveal_button.setEnabled(False)
        guess = self.prediction_edit.text().strip()
        self.revealed_label.setText(f"{text} You predicted: “{guess}”." if guess else text)
        self.revealed_label.show()

    def show_inputs(self, names: list[str] | None, values: list[float] = ()) -> None:
        """Fields for the forward pass's inputs (None hides the forward pass)."""
        self.forward_box.setVisible(names is not None)
        if names is not None:
            self.input_fields.show_fields(names, list(values), columns=len(names))

    def set_inputs(self, values: list[float]) -> None:
        self.input_fields.set_values(values)

    def set_readout(self, text: str) -> None:
        self.readout_label.setText(text)

    def show_weights(self, labels: list[str] | None, values: list[float] = ()) -> None:
        """Fields for the weights set by hand (None hides them)."""
        self.weights_box.setVisible(labels is not None)
        if labels is not None:
            self.weight_fields.show_fields(labels, list(values), columns=2 if len(labels) > 4 else 1)

    def set_weights(self, values: list[float]) -> None:
        self.weight_fields.set_values(values)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
