"""The window's second page, the digit pad: built on first visit (it trains a network as
soon as it exists), and the drawings a session taught it."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

DIGIT_PAGE = 1
DIGIT_TIP = "Draw a digit on a 5x4 grid and watch a network read it (Ctrl+2)"


class DigitPage(QtCore.QObject):
    """Adds the digit pad's tab to ``pages`` and builds the pad when it is first shown."""

    def __init__(self, window, pages: QtWidgets.QTabWidget) -> None:
        super().__init__(window)
        self.w = window
        self.pages = pages
        self.panel = None
        self._examples: list = []
        self._placeholder = QtWidgets.QWidget()
        pages.addTab(self._placeholder, "Digit pad")
        pages.setTabToolTip(DIGIT_PAGE, DIGIT_TIP)
        pages.currentChanged.connect(self._on_pages_current_changed)

    def _on_pages_current_changed(self, index: int) -> None:
        w, pages = self.w, self.pages
        on_digits = index == DIGIT_PAGE
        if on_digits and self.panel is None:
            from nnplayground.ui.digits.digit_panel import DigitPanel

            w.trainer.stop_and_wait()  # one training at a time on a 2-core laptop
            self.panel = DigitPanel(seed=w.model_panel.seed())
            if self._examples:
                self.panel.set_extra_examples(self._examples)
            pages.blockSignals(True)
            pages.removeTab(DIGIT_PAGE)
            pages.insertTab(DIGIT_PAGE, self.panel, "Digit pad")
            pages.setTabToolTip(DIGIT_PAGE, DIGIT_TIP)
            pages.setCurrentIndex(DIGIT_PAGE)
            pages.blockSignals(False)
            self._placeholder.deleteLater()
        if on_digits:
            w.trainer.pause()
            self.panel.pad.grid.setFocus()  # ready for the arrows and Space
        w.actions_.set_playground_active(not on_digits)

    def examples(self) -> list:
        """Drawings taught to the digit network: [(pattern (20,), digit), ...]."""
        if self.panel is not None:
            return list(self.panel.extra_examples)
        return list(self._examples)

    def set_examples(self, examples) -> None:
        self._examples = list(examples)
        if self.panel is not None:
            self.panel.set_extra_examples(self._examples)

    def shutdown(self) -> None:
        if self.panel is not None:
            self.panel.shutdown()
