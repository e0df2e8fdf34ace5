"""The model panel's fields (``model_panel.ModelPanel``): each constructor keyword shown on
a page is a ``Field`` (its widget's change signal, read, write, and why the widget
cannot show a value), with the widgets they are made of and the checks of what a widget
can show."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from nnplayground.core.limits import MAX_BATCH_SIZE
from nnplayground.core.registry import MODEL_CLASSES
from nnplayground.ui.panels.panel_widgets import describe, format_number


def combo_box(items, name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return describe(combo, name, tip)


def select(combo: QComboBox, data) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def decay_problem(value) -> str:
    """A rate decay the competitive page can show: a number in (0, 1] (one not on offer
    joins the list, as an L2 does)."""
    ok = (isinstance(value, numbers.Real) and not isinstance(value, bool)
          and 0.0 < float(value) <= 1.0)
    return "" if ok else f"rate decay {value!r} (the panel shows numbers above 0 up to 1)"


def select_number(combo: QComboBox, value: float) -> None:
    """Select ``value``; a value not on offer (a file's L2 of 0.05) joins the list in its
    place, so the panel shows it and the next model keeps it."""
    values = [combo.itemData(i) for i in range(combo.count())]
    if value not in values:
        at = sum(v < value for v in values)
        combo.insertItem(at, format_number(value), value)
    select(combo, value)


class Field(NamedTuple):
    """One constructor keyword shown on a page: its widget's change signal, read, write,
    and ``check(value)``: why the widget cannot show ``value`` ("" when it can)."""

    changed: SignalInstance
    read: Callable[[], Any]
    write: Callable[[Any], None]
    check: Callable[[Any], str]


def whole_problem(value, what: str, low: int, high: int) -> str:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not low <= value <= high:
        return f"{what} {value!r} (the panel shows {low} to {high})"
    return ""


def flag_problem(what: str) -> Callable[[Any], str]:
    return lambda v: "" if isinstance(v, bool) else f"{what} {v!r} (on or off)"


def live_problem(kind: str, name: str) -> Callable[[Any], str]:
    """Why model ``kind`` would not take ``value`` as its live setting ``name``."""
    param = MODEL_CLASSES[kind].live_params[name]

    def check(value) -> str:
        try:
            param.check(name, value)
        except ValueError as exc:  # ModelError
            return str(exc).rstrip(".")
        return ""
    return check


def batch_spin(what: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_BATCH_SIZE)  # what a file may hold, too
    spin.setSpecialValueText("Full batch")  # shown at 0
    spin.setKeyboardTracking(False)  # typing 128 must not apply 1 and 12 on the way
    return describe(spin, f"{what} batch size",
                    "Samples per weight update; 'Full batch' (0) uses all training points")


def combo_field(c: QComboBox, what: str) -> Field:
    """A choice among what ``c`` offers."""
    def check(v) -> str:
        offered = [c.itemData(i) for i in range(c.count())]
        return "" if v in offered else (
            f"{what} {v!r} (the panel offers {', '.join(map(str, offered))})")
    return Field(c.currentIndexChanged, c.currentData, lambda v: select(c, v), check)


def rate_field(edit, kind: str) -> Field:
    """A learning rate (a ``LearningRateEdit``), checked as model ``kind`` takes it live."""
    return Field(edit.value_changed, edit.value, edit.set_value,
                 live_problem(kind, "learning_rate"))


def batch_field(spin: QSpinBox) -> Field:
    """A batch size: 0 on screen is "Full batch", None for the model."""
    return Field(spin.valueChanged, lambda: spin.value() or None,
                 lambda v: spin.setValue(int(v or 0)),
                 lambda v: "" if v is None else whole_problem(v, "batch size", 1, spin.maximum()))


def flag_field(box: QCheckBox, what: str) -> Field:
    return Field(box.toggled, box.isChecked, lambda v: box.setChecked(bool(v)),
                 flag_problem(what))


def count_field(spin: QSpinBox, what: str) -> Field:
    """A whole number from 1 to what ``spin`` offers."""
    return Field(spin.valueChanged, spin.value, lambda v: spin.setValue(int(v)),
                 lambda v: whole_problem(v, what, 1, spin.maximum()))


def number_field(c: QComboBox, check: Callable[[Any], str]) -> Field:
    """A number chosen from ``c``; one not on offer joins the list (``select_number``)."""
    return Field(c.currentIndexChanged, lambda: float(c.currentData()),
                 lambda v: select_number(c, float(v)), check)
