"""Small widgets and helpers the side panels share.

``SeedBox`` (a visible seed with a dice), ``LearningRateEdit`` (an editable learning-rate
combo that refuses nonsense in words), ``HiddenLayersEditor`` (TensorFlow Playground's
+/- layer editor, up to 6 layers of 32 neurons), and ``describe`` / ``color_swatch`` /
``message_label`` / ``tool_button`` for accessible names, class colours and inline
messages. The ranges a file may hold come from ``core.limits`` (seeds, batch size).
"""

from __future__ import annotations

import secrets

import numpy as np
from PySide6.QtCore import QSignalBlocker, QSize, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnplayground.core.limits import LEARNING_RATE, SEED_MAX
from nnplayground.core.palette import class_color

#: TensorFlow Playground's learning rates.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: The layer editor's own limits (issue 10: 6 hidden layers of up to 32 neurons; the network
#: drawing and the training process are measured at that size). They lie well inside what
#: a file may hold (``core.limits``: 12 layers of 256 neurons, 200,000 weights); a test
#: keeps them there.
MAX_HIDDEN_LAYERS, MAX_NEURONS = 6, 32


def describe(widget: QWidget, name: str, tip: str) -> QWidget:
    """Give ``widget`` an accessible name and a tooltip (and to its inner line edit)."""
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    # Spin boxes and editable combos hold a QLineEdit that screen readers reach too.
    for inner in widget.findChildren(QLineEdit):
        inner.setAccessibleName(name)
        inner.setToolTip(tip)
    return widget


#: Widgets a user operates; each gets a stable id (its objectName) from its panel.
_CONTROL_TYPES = ("QAbstractButton", "QComboBox", "QAbstractSpinBox", "QAbstractSlider",
                  "QListWidget", "QLineEdit")


def assign_control_ids(root: QWidget, prefix: str) -> None:
    """Name every control under ``root`` ``<prefix>.<accessible name as snake_case>``
    (e.g. ``model.mlp.learning_rate``): a stable id by which a lesson locks or hides it
    and a test finds it. Controls that already have an id, or have no accessible name
    (the line edit inside a spin box), are left as they are."""
    for widget in root.findChildren(QWidget):
        if widget.objectName() or not widget.accessibleName():
            continue
        if not any(widget.inherits(kind) for kind in _CONTROL_TYPES):
            continue
        if widget.inherits("QLineEdit") and widget.parentWidget() is not None and (
                widget.parentWidget().inherits("QAbstractSpinBox")
                or widget.parentWidget().inherits("QComboBox")):
            continue
        slug = "".join(c if c.isalnum() else "_" for c in widget.accessibleName().lower())
        widget.setObjectName(f"{prefix}.{'_'.join(filter(None, slug.split('_')))}")


def color_swatch(index: int, size: int = 14) -> QIcon:
    """A filled square in class ``index``'s Okabe-Ito colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(class_color(index)))
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # keep the true colour when highlighted
    return icon


class Readout(QLabel):
    """A number the toolbar shows (the epoch, the errors): room for its longest text
    ``widest`` in its font of the moment, so the toolbar does not jump while the numbers
    change and presentation mode's larger font gets larger room (a width fixed once from
    the normal font cut "Epoch 156" to "Epoch 15" on a projector)."""

    def __init__(self, text: str, widest: str, accessible_name: str) -> None:
        super().__init__(text)
        self.widest = widest
        self.setAccessibleName(accessible_name)

    def sizeHint(self) -> QSize:
        return self._room(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._room(super().minimumSizeHint())

    def _room(self, hint: QSize) -> QSize:
        margins = self.contentsMargins()
        width = (self.fontMetrics().horizontalAdvance(self.widest) + margins.left()
                 + margins.right() + 16)
        return QSize(max(hint.width(), width), hint.height())


def message_label() -> QLabel:
    """A hidden, word-wrapped label in vermillion for telling the user what went wrong."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #D55E00;")
    label.hide()
    return label


def tool_button(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    return describe(button, name, tip)


def format_number(value: float, digits: int | None = None) -> str:
    """Positional notation a teacher reads (0.00001, not 1e-05); ``digits``: at most
    that many significant digits (a trained weight read -0.40000009999999997)."""
    if digits is None:
        return np.format_float_positional(float(value), trim="-")
    return np.format_float_positional(float(value), precision=digits, unique=True,
                                      fractional=False, trim="-")


class SeedBox(QWidget):
    """A visible seed (0 .. 2**31-1) with a dice button that draws a new one.

    ``seed_changed(int)`` fires for every new value (typed or rolled), ``rolled(int)`` for
    dice rolls, ``committed(int)`` when a typed seed is finished (Enter or leaving the box)
    and differs from the last one committed, so that merely clicking through the box
    never regenerates anything.
    """

    seed_changed = Signal(int)
    rolled = Signal(int)
    committed = Signal(int)

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.spin = QSpinBox()
        self.spin.setRange(0, SEED_MAX)
        self.spin.setKeyboardTracking(False)  # one signal per finished edit, not per digit
        describe(self.spin, f"{what} seed",
                 f"Seed of the random numbers for the {what}: the same seed gives the same "
                 "result every time. Type a number and press Enter.")
        self.dice = QToolButton()
        self.dice.setText("\u2684")  # die face five; DejaVu Sans has it
        describe(self.dice, f"New {what} seed", f"Roll the dice: pick a new random {what} seed")
        layout.addWidget(self.spin, 1)
        layout.addWidget(self.dice)
        self.spin.valueChanged.connect(self.seed_changed)
        self._last_committed = self.spin.value()
        self.spin.editingFinished.connect(self._on_spin_editing_finished)
        self.dice.clicked.connect(self._on_dice_clicked)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, seed: int) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(int(seed))
        self._last_committed = self.spin.value()

    def _on_spin_editing_finished(self) -> None:
        if self.spin.value() != self._last_committed:
            self._last_committed = self.spin.value()
            self.committed.emit(self._last_committed)

    def _on_dice_clicked(self) -> None:
        # A fresh OS-random seed on purpose: the point of the dice is a seed nobody chose.
        new = self.spin.value()
        while new == self.spin.value():
            new = secrets.randbelow(SEED_MAX + 1)
        self.spin.setValue(new)
        self._last_committed = new
        self.rolled.emit(new)


class LearningRateEdit(QWidget):
    """Editable learning-rate combo; nonsense shows a message and keeps the last value."""

    value_changed = Signal(float)

    def __init__(self, value: float, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = float(value)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for rate in LEARNING_RATES:
            self.combo.addItem(format_number(rate))
        self.combo.setEditText(format_number(self._value))
        describe(self.combo, f"{what} learning rate",
                 "Step size of each weight update: pick one or type a number above 0 "
                 "and press Enter. Applies at once, even while training.")
        self.message = message_label()
        layout.addWidget(self.combo)
        layout.addWidget(self.message)
        self.combo.lineEdit().editingFinished.connect(
            lambda: self._commit(self.combo.currentText()))
        self.combo.textActivated.connect(self._commit)
        self.combo.lineEdit().textEdited.connect(self.message.hide)  # the user is fixing it

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        self._value = float(value)
        self.message.hide()
        self.combo.setEditText(format_number(self._value))

    def _commit(self, text: str) -> None:
        try:  # decimal comma is common in class; the range is the models' own
            value = LEARNING_RATE.check("learning_rate", float(text.strip().replace(",", ".")))
        except ValueError:  # not a number, or out of range (ModelError is a ValueError)
            self.message.setText(f"\u201c{text.strip()}\u201d is not a learning rate: type a "
                                 f"number {LEARNING_RATE.describe_range()}, e.g. 0.03. Still "
                                 f"using {format_number(self._value)}.")
            self.message.show()
            self.combo.setEditText(format_number(self._value))
            return
        self.combo.setEditText(format_number(value))
        if value == self._value:
            # Enter fires editingFinished and then textActivated with the text we just put
            # back: that second, unchanged commit must not hide the message.
            return
        self.message.hide()
        self._value = value
        self.value_changed.emit(value)


def check_hidden_sizes(sizes) -> str:
    """Why the layer editor cannot show hidden layers ``sizes``, or "" when it can."""
    sizes = list(sizes)
    if len(sizes) > MAX_HIDDEN_LAYERS:
        return (f"{len(sizes)} hidden layers; the model panel shows at most "
                f"{MAX_HIDDEN_LAYERS}")
    for k, size in enumerate(sizes, start=1):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) \
                or not 1 <= size <= MAX_NEURONS:
            return (f"{size!r} neurons in hidden layer {k}; the model panel shows 1 to "
                    f"{MAX_NEURONS}")
    return ""


class HiddenLayersEditor(QWidget):
    """TensorFlow Playground's layer editor: +/- layer, and +/- neurons per layer."""

    changed = Signal()

    def __init__(self, sizes: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.remove_layer_button = tool_button("\u2212 layer", "Remove hidden layer",
                                               "Remove the last hidden layer")
        self.add_layer_button = tool_button("+ layer", "Add hidden layer",
                                            f"Add a hidden layer (at most {MAX_HIDDEN_LAYERS})")
        self.count_label = QLabel()
        top.addWidget(self.remove_layer_button)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.add_layer_button)
        layout.addLayout(top)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(1)
        self.rows: list[tuple[QLabel, QToolButton, QSpinBox, QToolButton]] = []
        for i in range(MAX_HIDDEN_LAYERS):  # built once, shown as needed
            n = i + 1
            label = QLabel(f"Layer {n}")
            minus = tool_button("\u2212", f"Fewer neurons in hidden layer {n}",
                                f"One neuron less in hidden layer {n}")
            spin = QSpinBox()
            spin.setRange(1, MAX_NEURONS)
            spin.setSuffix(" neurons")
            spin.setKeyboardTracking(False)  # typing 24 must not build a layer of 2 first
            describe(spin, f"Neurons in hidden layer {n}",
                     f"Number of neurons in hidden layer {n} (1-{MAX_NEURONS}): type a "
                     "number and press Enter, or use \u2212 and +")
            plus = tool_button("+", f"More neurons in hidden layer {n}",
                               f"One neuron more in hidden layer {n}")
            for col, widget in enumerate((label, minus, spin, plus)):
                grid.addWidget(widget, i, col)
            minus.clicked.connect(spin.stepDown)
            plus.clicked.connect(spin.stepUp)
            spin.valueChanged.connect(self._on_spin_changed)
            self.rows.append((label, minus, spin, plus))
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self._count = 0
        self.add_layer_button.clicked.connect(self._on_add_layer_clicked)
        self.remove_layer_button.clicked.connect(self._on_remove_layer_clicked)
        self.set_sizes(sizes)

    def sizes(self) -> list[int]:
        return [row[2].value() for row in self.rows[:self._count]]

    def set_sizes(self, sizes: list[int]) -> None:
        """Show these hidden layers (emits nothing); ``ValueError`` for more than
        ``MAX_HIDDEN_LAYERS`` layers or a size outside 1..``MAX_NEURONS`` (nothing changed:
        a file's network is never shown as another one)."""
        problem = check_hidden_sizes(sizes)
        if problem:
            raise ValueError(problem)
        sizes = [int(s) for s in sizes]
        for row, size in zip(self.rows, sizes):
            with QSignalBlocker(row[2]):
                row[2].setValue(size)
        self._set_count(len(sizes))

    def _set_count(self, count: int) -> None:
        self._count = count
        for i, row in enumerate(self.rows):
            for widget in row:
                widget.setVisible(i < count)
            row[1].setEnabled(row[2].value() > 1)
            row[3].setEnabled(row[2].value() < MAX_NEURONS)
        self.count_label.setText("no hidden layer" if count == 0 else
                                 f"{count} hidden layer{'s' if count > 1 else ''}")
        self.add_layer_button.setEnabled(count < MAX_HIDDEN_LAYERS)
        self.remove_layer_button.setEnabled(count > 0)

    def _on_add_layer_clicked(self) -> None:
        if self._count < MAX_HIDDEN_LAYERS:
            with QSignalBlocker(self.rows[self._count][2]):
                self.rows[self._count][2].setValue(2)  # TensorFlow Playground's new layer
            self._set_count(self._count + 1)
            self.changed.emit()

    def _on_remove_layer_clicked(self) -> None:
        if self._count > 0:
            self._set_count(self._count - 1)
            self.changed.emit()

    def _on_spin_changed(self) -> None:
        self._set_count(self._count)  # refresh the +/- enabled states
        self.changed.emit()
