"""A lesson's locked and hidden controls, found by their ids (``objectName``s such as
``model.model_type``, given by ``panels.panel_widgets.assign_control_ids``).

Locked: disabled, with a tooltip saying that the lesson locks it. Hidden: gone, together
with its form row's label when nothing else in that row is left to show. ``release()``
gives every control back as it was. The panels set some of these controls' enabled and
visible states themselves when they show a new state, so the window calls ``reapply()``
after each one.
"""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import Qt


def _control_ids(widget: QtWidgets.QWidget) -> set[str]:
    """The ids of ``widget`` and of every control inside it."""
    found = [widget, *widget.findChildren(QtWidgets.QWidget)]
    return {w.objectName() for w in found if "." in w.objectName()}


def _form_holding(layout: QtWidgets.QLayout | None, widget: QtWidgets.QWidget):
    """The form layout in ``layout`` (or nested in it) that holds ``widget`` directly."""
    if layout is None:
        return None
    if isinstance(layout, QtWidgets.QFormLayout) and layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        found = _form_holding(layout.itemAt(i).layout(), widget)
        if found is not None:
            return found
    return None


def _form_row(widget: QtWidgets.QWidget) -> tuple[QtWidgets.QWidget, QtWidgets.QFormLayout] | None:
    """The field of the nearest form layout that holds ``widget`` (itself or one of its
    containers), with that form; None when it is in no form."""
    field = widget
    for _ in range(4):
        parent = field.parentWidget()
        if parent is None:
            return None
        form = _form_holding(parent.layout(), field)
        if form is not None:
            return field, form
        field = parent
    return None


class ControlLocks:
    """Locks and hides controls under ``root`` by id; see the module docstring."""

    def __init__(self, root: QtWidgets.QWidget) -> None:
        self.root = root
        self.locked: tuple[str, ...] = ()
        self.hidden: tuple[str, ...] = ()
        self._why = ""
        self._tips: dict[QtWidgets.QWidget, str] = {}       # locked -> its own tooltip
        self._disabled: dict[QtWidgets.QWidget, bool] = {}  # locked -> disabled before
        self._hid: dict[QtWidgets.QWidget, bool] = {}       # hidden -> hidden before

    def widget(self, control_id: str) -> QtWidgets.QWidget | None:
        return self.root.findChild(QtWidgets.QWidget, control_id)

    def set(self, locked, hidden, why: str) -> None:
        """Lock ``locked`` and hide ``hidden`` (ids); ``why`` ends each locked tooltip.
        Controls no longer named are given back."""
        self.release()
        self.locked, self.hidden, self._why = tuple(locked), tuple(hidden), why
        self.reapply()

    def reapply(self) -> None:
        """Lock and hide again what a panel may have enabled or shown meanwhile."""
        for cid in self.locked:
            w = self.widget(cid)
            if w is None:
                continue
            if w not in self._disabled:
                self._disabled[w] = w.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
                self._tips[w] = w.toolTip()
            elif not w.toolTip().endswith(self._why):
                self._tips[w] = w.toolTip()  # the panel wrote a new tooltip meanwhile
            w.setEnabled(False)
            own = self._tips[w]
            w.setToolTip(f"{own}\n\n{self._why}" if own else self._why)
        hidden = set(self.hidden)
        for cid in self.hidden:
            w = self.widget(cid)
            if w is None:
                continue
            for part in self._parts(w, hidden):
                self._hide(part)
        if hidden:
            for box in self.root.findChildren(QtWidgets.QGroupBox):
                ids = _control_ids(box)
                if ids and ids <= hidden:  # nothing left in it: no empty frame either
                    self._hide(box)

    def _hide(self, widget: QtWidgets.QWidget) -> None:
        if widget not in self._hid:
            self._hid[widget] = widget.isHidden()
        widget.setVisible(False)

    def release(self) -> None:
        """Every locked and hidden control back as it was."""
        for w, was_disabled in self._disabled.items():
            w.setEnabled(not was_disabled)
            w.setToolTip(self._tips.get(w, ""))
        for w, was_hidden in self._hid.items():
            w.setHidden(was_hidden)
        self._disabled.clear()
        self._tips.clear()
        self._hid.clear()
        self.locked, self.hidden = (), ()

    @staticmethod
    def _parts(widget: QtWidgets.QWidget, hidden: set[str]) -> list[QtWidgets.QWidget]:
        """What hiding ``widget`` hides: its whole form row (label too) when every
        control in that row is hidden, else the widget alone."""
        row = _form_row(widget)
        if row is None:
            return [widget]
        field, form = row
        if not _control_ids(field) <= hidden:
            return [widget]
        label = form.labelForField(field)
        return [field] + ([label] if label is not None else [])
