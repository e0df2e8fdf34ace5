"""The one-sample panel: every number of the last sample step (``sample_html``), in a
scrollable text view beside the network drawing."""

from __future__ import annotations

from PySide6 import QtWidgets

from nnplayground.ui.explain.sample_html import sample_html

_EMPTY = ("<p>Press <b>Step one sample</b> (Shift+S) to learn a single point and see every "
          "number of that step here: the forward pass, the error, and how each weight "
          "changes.</p>")


class SamplePanel(QtWidgets.QTextBrowser):
    """Shows a ``core.explain`` trace; ``trace`` is the one shown (None: none)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sample_panel")
        self.setAccessibleName("One sample step")
        self.setToolTip("Every number of the last sample step, as the formulas read "
                        "(4 significant digits)")
        self.setOpenLinks(False)
        self.trace = None
        self.clear_trace()

    def show_trace(self, trace, model=None) -> None:
        self.trace = trace
        bar = self.verticalScrollBar()
        keep = bar.value()  # stepping on: stay where the student reads
        self.setHtml(sample_html(trace, model))
        bar.setValue(keep)

    def clear_trace(self) -> None:
        self.trace = None
        self.setHtml(_EMPTY)
