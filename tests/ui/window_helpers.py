"""Helpers for tests that drive the whole window as a user does (the ``window`` fixture
is in ``conftest.py``): choosing in combos, loading presets, keys, waiting for training;
and what a user can read in the network drawing."""

from __future__ import annotations

import itertools

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from nnplayground.ui.window.main_window import MainWindow

Qt = QtCore.Qt


def rgb_pixels(image: QtGui.QImage) -> np.ndarray:
    """(h, w, 3) uint8 RGB of a QImage (a grab, a rendered picture)."""
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    a = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    return a[..., 2::-1].copy()  # BGRA in memory on little-endian -> RGB


def choose(qtbot, combo: QtWidgets.QComboBox, text: str) -> None:
    """Pick the item showing ``text`` (leading spaces ignored) from the open popup."""
    index = next((i for i in range(combo.count()) if combo.itemText(i).strip() == text), -1)
    assert index >= 0, f"{text!r} not offered by {combo.accessibleName()!r}"
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    model_index = combo.model().index(index, 0)
    view.scrollTo(model_index)
    rect = view.visualRect(model_index)
    # The item's rect can be wider than a narrow combo's popup: click where it shows.
    pos = QtCore.QPoint(min(rect.center().x(), view.viewport().width() // 2), rect.center().y())
    with qtbot.waitSignal(combo.activated, timeout=2000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentIndex() == index


def load(qtbot, w: MainWindow, preset: str, model: str | None = None) -> None:
    """Choose a preset and a model type in the side panels, as a user does."""
    choose(qtbot, w.data_panel.preset_combo, preset)
    if model is not None:
        choose(qtbot, w.model_panel.kind_combo, model)
    focus_canvas(qtbot, w)


def focus_canvas(qtbot, w: MainWindow) -> None:
    w.canvas.setFocus()
    qtbot.waitUntil(w.canvas.hasFocus)


def key(qtbot, w: MainWindow, k, modifier=Qt.KeyboardModifier.NoModifier, widget=None):
    qtbot.keyClick(widget or QtWidgets.QApplication.focusWidget() or w, k, modifier)


def epoch_shown(w: MainWindow) -> int:
    text = w.epoch_label.text()
    assert text.startswith("Epoch "), text
    return int(text.split()[1])


def wait_idle(qtbot, w: MainWindow, timeout=5000) -> None:
    qtbot.waitUntil(lambda: not w.trainer.is_running(), timeout=timeout)


def play_until(qtbot, w: MainWindow, epochs: int, timeout=8000) -> None:
    """Space to play, wait for ``epochs`` epochs on the counter, Space to pause."""
    key(qtbot, w, Qt.Key.Key_Space)
    assert w.trainer.is_running()
    qtbot.waitUntil(lambda: epoch_shown(w) >= epochs, timeout=timeout)
    key(qtbot, w, Qt.Key.Key_Space)
    wait_idle(qtbot, w)


def type_learning_rate(qtbot, edit, text: str) -> None:
    line = edit.combo.lineEdit()
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def state_equal(a: dict, b: dict) -> bool:
    """Bit-for-bit equality of two get_state() dicts (arrays, lists of arrays, scalars)."""
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, (list, tuple)):
            if len(x) != len(y) or not all(
                    (u is None and v is None) or (u is not None and v is not None and
                                                  np.asarray(u).tobytes() == np.asarray(v).tobytes())
                    for u, v in zip(x, y)):
                return False
        elif x is None or y is None:
            if x is not y:
                return False
        elif np.asarray(x).tobytes() != np.asarray(y).tobytes():
            return False
    return True


CONTROL_TYPES = (QtWidgets.QAbstractButton, QtWidgets.QComboBox, QtWidgets.QAbstractSpinBox,
                 QtWidgets.QSlider, QtWidgets.QLineEdit)


#: Qt's own overflow arrows (tab bar, tool bar, menu bar): Qt makes and names them.
QT_INTERNAL = ("ScrollLeftButton", "ScrollRightButton", "qt_toolbar_ext_button",
               "qt_menubar_ext_button")


def unlabelled_controls(root: QtWidgets.QWidget) -> list[str]:
    """Every control under ``root`` without a tooltip or an accessible name."""
    missing = []
    for cls in CONTROL_TYPES:
        for widget in root.findChildren(cls):
            if widget.objectName() in QT_INTERNAL:
                continue
            if not widget.toolTip().strip() or not widget.accessibleName().strip():
                missing.append(f"{type(widget).__name__} {widget.objectName()!r} "
                               f"text={getattr(widget, 'text', lambda: '')()!r} "
                               f"tip={widget.toolTip()!r} name={widget.accessibleName()!r}")
    return missing


def visible_texts(view) -> list:
    """The texts a ``NetworkView`` shows now (its waiting restyle applied first)."""
    view.flush()
    return [item for item in view.scene().items()
            if isinstance(item, QtWidgets.QGraphicsSimpleTextItem) and item.isVisible()
            and item.text()]


def assert_readable(view) -> list:
    """Every text of the drawing inside the view, at least 7 pt, none on another;
    returns the texts."""
    texts = visible_texts(view)
    area = QtCore.QRectF(view.viewport().rect())
    for item in texts:
        assert area.contains(item.sceneBoundingRect()), f"{item.text()!r} is cut off"
        assert item.font().pointSizeF() >= 7.0, f"{item.text()!r} too small to read"
    for a, b in itertools.combinations(texts, 2):
        assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect()), \
            f"{a.text()!r} and {b.text()!r} overlap"
    return texts
