"""The 5x4 drawing pad: 20 large cells plus Clear, Invert, templates and noise.

Mouse: a click toggles a cell; dragging paints, or erases when the drag started on a lit
cell (the first cell decides, as in every paint program).
Keyboard, while the grid has focus: arrows move the focus cell (drawn with a thick
orange frame), Space or Enter toggles it, 0-9 place that template digit, I inverts,
Escape / Delete / Backspace clear. Anywhere in the window: Ctrl+Delete clears, Ctrl+I
inverts. Plain digits are not window shortcuts because the main window uses 1-9 to
choose a class on its canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnplayground.core.datasets import digit_patterns
from nnplayground.core.digits import COLS, N_PIXELS, ROWS, as_pattern, flip_pixels
from nnplayground.core.palette import OKABE_ITO

LIT = QColor("#1b1b1b")  # near-black on white: the strongest contrast a projector keeps
UNLIT = QColor("#f2f2f2")
GRID_LINE = QColor("#9a9a9a")
FOCUS = QColor(OKABE_ITO[0])  # orange
GAP = 6  # pixels between cells


class PixelGridWidget(QWidget):
    """The 20 cells. ``pattern_changed(np.ndarray (20,))`` after every pixel change."""

    pattern_changed = Signal(object)
    template_placed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixels = np.zeros(N_PIXELS)
        self._focus_cell = 0
        self._paint_value: float | None = None  # set while a drag paints or erases
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(4 * 44, 5 * 44)
        self.setAccessibleName("Digit drawing pad, 5 rows of 4 pixels")
        self.setToolTip(
            "Click a cell to switch it on or off; drag to paint (or to erase when you start on "
            "a dark cell).\nKeys: arrows move the orange frame, Space toggles, 0-9 place a "
            "digit, I inverts, Esc clears."
        )
        self._update_description()

    # ------------------------------------------------------------------ data
    def pattern(self) -> np.ndarray:
        """A copy of the pixels, float64 (20,), row by row."""
        return self._pixels.copy()

    def place_template(self, digit: int) -> None:
        """The template of ``digit`` fills the grid (``template_placed(digit)`` after)."""
        self.set_pattern(digit_patterns()[int(digit)])
        self.template_placed.emit(int(digit))

    def set_pattern(self, values) -> None:
        p = as_pattern(values)
        if np.array_equal(p, self._pixels):
            return
        self._pixels = p
        self._changed()

    def set_pixel(self, index: int, value: float) -> None:
        if self._pixels[index] != value:
            self._pixels[index] = value
            self._changed()

    def toggle(self, index: int) -> None:
        self.set_pixel(index, 1.0 - self._pixels[index])

    @property
    def focus_cell(self) -> int:
        return self._focus_cell

    def set_focus_cell(self, index: int) -> None:
        self._focus_cell = int(np.clip(index, 0, N_PIXELS - 1))
        self._update_description()
        self.update()

    # -------------------------------------------------------------- geometry
    def cell_size(self) -> int:
        return max(8, min((self.width() - GAP) // COLS, (self.height() - GAP) // ROWS))

    def cell_rect(self, index: int) -> QRect:
        """The drawn square of cell ``index`` (row ``index // 4``, column ``index % 4``)."""
        size = self.cell_size()
        left = (self.width() - size * COLS) // 2
        top = (self.height() - size * ROWS) // 2
        r, c = divmod(int(index), COLS)
        return QRect(left + c * size + GAP // 2, top + r * size + GAP // 2, size - GAP, size - GAP)

    def cell_center(self, index: int) -> QPoint:
        return self.cell_rect(index).center()

    def cell_at(self, pos: QPoint) -> int | None:
        size = self.cell_size()
        x = pos.x() - (self.width() - size * COLS) // 2
        y = pos.y() - (self.height() - size * ROWS) // 2
        if x < 0 or y < 0 or x >= size * COLS or y >= size * ROWS:
            return None
        return (y // size) * COLS + x // size

    def sizeHint(self) -> QSize:
        return QSize(4 * 84, 5 * 84)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width * ROWS // COLS

    # ---------------------------------------------------------------- events
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        thin = QPen(GRID_LINE, 1)
        for i in range(N_PIXELS):
            rect = self.cell_rect(i)
            painter.setPen(thin)
            painter.setBrush(LIT if self._pixels[i] else UNLIT)
            painter.drawRoundedRect(rect, 4, 4)
        rect = self.cell_rect(self._focus_cell)
        width = 6 if self.hasFocus() else 2
        pen = QPen(FOCUS, width)
        if not self.hasFocus():
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = width // 2
        painter.drawRoundedRect(rect.adjusted(-half, -half, half, half), 6, 6)
        painter.end()

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        index = self.cell_at(event.position().toPoint())
        if index is None:
            return
        self._paint_value = 1.0 - self._pixels[index]
        self.set_focus_cell(index)
        self.set_pixel(index, self._paint_value)

    def mouseMoveEvent(self, event) -> None:
        # The drag state is ours, not event.buttons(): synthetic test moves carry no buttons.
        if self._paint_value is None:
            return
        index = self.cell_at(event.position().toPoint())
        if index is not None:
            self.set_focus_cell(index)
            self.set_pixel(index, self._paint_value)

    def mouseReleaseEvent(self, event) -> None:
        self._paint_value = None

    _OWN_KEYS = frozenset((
        Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Space,
        Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_I, Qt.Key.Key_Escape,
        Qt.Key.Key_Delete, Qt.Key.Key_Backspace, *(Qt.Key(int(Qt.Key.Key_0) + d) for d in range(10)),
    ))

    def event(self, event) -> bool:
        # Inside the main window Space is Play, Right is Step and 1-9 choose a class:
        # while the grid has the focus, its own keys win over those window shortcuts.
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() in self._OWN_KEYS
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        r, c = divmod(self._focus_cell, COLS)
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        moves = {
            Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0),
        }
        if key in moves:
            dr, dc = moves[key]
            r, c = min(max(r + dr, 0), ROWS - 1), min(max(c + dc, 0), COLS - 1)
            self.set_focus_cell(r * COLS + c)
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.toggle(self._focus_cell)
        elif int(Qt.Key.Key_0) <= int(key) <= int(Qt.Key.Key_9) and plain:
            self.place_template(int(key) - int(Qt.Key.Key_0))
        elif key == Qt.Key.Key_I and plain:
            self.set_pattern(1.0 - self._pixels)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_pattern(np.zeros(N_PIXELS))
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    # ------------------------------------------------------------- internals
    def _changed(self) -> None:
        self._update_description()
        self.update()
        self.pattern_changed.emit(self._pixels.copy())

    def _update_description(self) -> None:
        # A screen reader cannot see the picture: spell it out row by row.
        rows = [
            "".join("#" if v else "." for v in self._pixels[r * COLS:(r + 1) * COLS])
            for r in range(ROWS)
        ]
        r, c = divmod(self._focus_cell, COLS)
        self.setAccessibleDescription(
            f"Rows: {' '.join(rows)}. Focus on row {r + 1}, column {c + 1}, "
            f"{'on' if self._pixels[self._focus_cell] else 'off'}."
        )


def _button(text: str, tip: str, name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    button.setAccessibleName(name)
    return button


class DigitPadWidget(QWidget):
    """The grid with its controls. ``pattern_changed(np.ndarray (20,))``."""

    pattern_changed = Signal(object)
    template_placed = Signal(int)  # a template digit now fills the pad (button or key)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = PixelGridWidget(self)
        self.grid.pattern_changed.connect(self.pattern_changed)
        self.grid.template_placed.connect(self.template_placed)

        self.clear_button = _button("Clear", "Switch every pixel off (Esc on the pad, Ctrl+Delete)",
                                    "Clear the pad", self)
        self.clear_button.setShortcut(QKeySequence("Ctrl+Delete"))
        self.invert_button = _button("Invert", "Swap on and off pixels (I on the pad, Ctrl+I)",
                                     "Invert the pad", self)
        self.invert_button.setShortcut(QKeySequence("Ctrl+I"))
        self.clear_button.clicked.connect(self.clear)
        self.invert_button.clicked.connect(self.invert)

        self.template_buttons: list[QPushButton] = []
        templates = QGroupBox("Place a digit", self)
        t_layout = QGridLayout(templates)
        for d in range(10):
            b = _button(str(d), f"Put the template digit {d} on the pad (key {d} on the pad)",
                        f"Place template digit {d}", templates)
            b.setMinimumWidth(36)
            b.clicked.connect(lambda _=False, d=d: self.place_template(d))
            t_layout.addWidget(b, d // 5, d % 5)
            self.template_buttons.append(b)

        noise = QGroupBox("Noise", self)
        n_layout = QGridLayout(noise)
        self.flips_spin = QSpinBox(noise)
        self.flips_spin.setRange(1, N_PIXELS)
        self.flips_spin.setValue(2)
        self.flips_spin.setSuffix(" pixels")
        self.flips_spin.setToolTip("How many random pixels the Flip button switches")
        self.flips_spin.setAccessibleName("Number of pixels to flip")
        self.seed_spin = QSpinBox(noise)
        self.seed_spin.setRange(0, 999_999)
        self.seed_spin.setToolTip(
            "Seed of the random choice: the same seed flips the same pixels. It goes up by one "
            "after each flip so the next one differs.")
        self.seed_spin.setAccessibleName("Noise seed")
        self.noise_button = _button("Flip", "Switch the chosen number of random pixels",
                                    "Flip random pixels", noise)
        self.noise_button.clicked.connect(self.add_noise)
        self.noise_label = QLabel("", noise)
        self.noise_label.setAccessibleName("Last noise")
        self.noise_label.setWordWrap(True)
        flips_label, seed_label = QLabel("Flip", noise), QLabel("Seed", noise)
        flips_label.setBuddy(self.flips_spin)
        seed_label.setBuddy(self.seed_spin)
        n_layout.addWidget(flips_label, 0, 0)
        n_layout.addWidget(self.flips_spin, 0, 1)
        n_layout.addWidget(seed_label, 1, 0)
        n_layout.addWidget(self.seed_spin, 1, 1)
        n_layout.addWidget(self.noise_button, 0, 2, 2, 1)
        n_layout.addWidget(self.noise_label, 2, 0, 1, 3)

        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.invert_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.grid, 1)
        layout.addLayout(buttons)
        layout.addWidget(templates)
        layout.addWidget(noise)

    # ------------------------------------------------------------------- API
    def pattern(self) -> np.ndarray:
        return self.grid.pattern()

    def clear(self) -> None:
        self.grid.set_pattern(np.zeros(N_PIXELS))

    def invert(self) -> None:
        self.grid.set_pattern(1.0 - self.grid.pattern())

    def place_template(self, digit: int) -> None:
        self.grid.place_template(digit)

    def add_noise(self) -> np.ndarray:
        """Flip ``flips_spin`` pixels chosen by ``seed_spin`` (then seed + 1); returns the
        flipped pixel indices (sorted)."""
        seed, k = self.seed_spin.value(), self.flips_spin.value()
        before = self.grid.pattern()
        after = flip_pixels(before, k, seed)
        flipped = np.flatnonzero(before != after)
        cells = ", ".join(f"({i // COLS + 1},{i % COLS + 1})" for i in flipped)
        self.noise_label.setText(f"Seed {seed} flipped row,column {cells}")
        self.grid.set_pattern(after)
        if seed < self.seed_spin.maximum():
            self.seed_spin.setValue(seed + 1)
        return flipped
