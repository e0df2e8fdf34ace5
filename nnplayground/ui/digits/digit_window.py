"""``nnplayground --digits``: the digit pad on its own, in a window of its own."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget

from nnplayground.ui.digits.digit_panel import DigitPanel


class DigitWindow(QMainWindow):
    """A ``DigitPanel`` as the central widget; closing stops its training thread."""

    def __init__(self, parent: QWidget | None = None, seed: int = 0,
                 auto_train: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnplayground \N{EM DASH} digit pad")
        self.panel = DigitPanel(self, seed=seed, auto_train=auto_train)
        self.setCentralWidget(self.panel)
        self.resize(1280, 760)

    def closeEvent(self, event) -> None:
        # Before Qt destroys the QThread: "Destroyed while thread is still running" aborts.
        self.panel.shutdown()
        super().closeEvent(event)
