"""The data side panel: preset datasets, noise, seed, train/test split and the classes.

The panel only *asks* for things (signals); the main window owns the points and answers by
calling the ``set_*`` methods, which never echo a signal back (``QSignalBlocker``).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnplayground.core import datasets, limits
from nnplayground.ui.canvas.canvas_items import key_for_class

from nnplayground.ui.panels.panel_widgets import (
    SeedBox,
    assign_control_ids,
    color_swatch,
    describe,
    message_label,
)
from nnplayground.ui.window.space_key import SPACE_IS_TEXT

#: Classes the Add class button makes, at most (one colour each); a file may bring more
#: (``limits.MAX_CLASSES``), and the list shows every one of them.
MAX_CLASSES = 8

CLASSIC, PLAYGROUND, CLUSTERS, MORE = ("Classic demos", "TensorFlow Playground",
                                       "Clusters & autoencoder", "More")
#: Order of the headings in the preset chooser.
PRESET_GROUPS = (CLASSIC, PLAYGROUND, CLUSTERS, MORE)
#: Heading of each preset in ``datasets.PRESETS``; a preset missing here still shows,
#: under "More" (a test keeps this table complete).
_GROUP_OF = {"AND": CLASSIC, "OR": CLASSIC, "XOR (truth table)": CLASSIC, "Line": CLASSIC,
             "Needs a bias": CLASSIC, "Circle": PLAYGROUND, "XOR": PLAYGROUND,
             "Gaussian": PLAYGROUND, "Spiral": PLAYGROUND, "Five 3-D clusters": CLUSTERS,
             "Two blobs (autoencoder)": CLUSTERS}


def preset_names() -> list[str]:
    """Human names of the preset datasets, in ``datasets.PRESETS`` order."""
    return list(datasets.PRESETS)


def preset_group(name: str) -> str:
    """The heading of the preset chooser that ``name`` belongs under."""
    return _GROUP_OF.get(name, MORE)


def preset_uses_noise(name: str) -> bool:
    """Only TensorFlow Playground's generators take noise; the others ignore it."""
    return preset_group(name) == PLAYGROUND


def _class_tip(names: list[str], row: int) -> str:
    key = key_for_class(names, row)  # as the canvas maps them: digit names by their digit
    return f"{names[row]}{f' (key {key})' if key is not None else ''}; double click or F2 to rename"


class DataPanel(QWidget):
    """Preset chooser, noise, seed, test share and the class list (about 260 px wide).

    Choosing a preset, releasing the noise slider, rolling the dice, pressing Enter in the
    seed box or pressing "Regenerate" emits ``preset_requested(name, seed, noise)`` with
    noise as a fraction 0..0.5. The test share is emitted as a fraction 0..0.5 too.
    """

    preset_requested = Signal(str, int, float)
    test_ratio_changed = Signal(float)
    classes_changed = Signal(list)
    current_class_changed = Signal(int)
    clear_requested = Signal()
    remove_class_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self._build_data_group())
        outer.addWidget(self._build_class_group(), 1)
        self.set_classes(["Class 1", "Class 2"])
        self.setMinimumWidth(240)
        assign_control_ids(self, "data")

    # ---------------------------------------------------------------- construction
    def _build_data_group(self) -> QGroupBox:
        box = QGroupBox("Data")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.preset_combo = QComboBox()
        model = self.preset_combo.model()
        # Row 0 names data that is no preset (own points, an imported file); it is shown,
        # never chosen, and hidden from the list while the data is a preset.
        self.preset_combo.addItem("Your own points")
        model.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._view_of_combo = self.preset_combo.view()
        self._view_of_combo.setRowHidden(0, True)
        names = preset_names()
        for group in PRESET_GROUPS:
            members = [n for n in names if preset_group(n) == group]
            if not members:
                continue
            self.preset_combo.addItem(group)
            header = model.item(self.preset_combo.count() - 1)
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading, not a choice
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            for name in members:
                self.preset_combo.addItem("  " + name, name)
        describe(self.preset_combo, "Preset dataset",
                 "Load a ready-made dataset (replaces the points; Ctrl+Z brings them back)")
        self.preset_combo.setCurrentIndex(2)  # the first entry under the first heading
        form.addRow("Preset", self.preset_combo)

        self.noise_slider, self.noise_label = self._percent_slider(
            "Noise", "How much random scatter the generated data gets (0-50 %); "
                     "used by the TensorFlow Playground sets")
        form.addRow("Noise", self._with_label(self.noise_slider, self.noise_label))

        self.seed_box = SeedBox("data")
        form.addRow("Seed", self.seed_box)

        self.regenerate_button = QPushButton("Regenerate")
        describe(self.regenerate_button, "Regenerate data",
                 "Generate the chosen preset again with the seed and noise shown")
        form.addRow(self.regenerate_button)

        self.test_slider, self.test_label = self._percent_slider(
            "Test share", "Share of the points held out as test data (0-50 %); "
                          "test points are not trained on")
        form.addRow("Test", self._with_label(self.test_slider, self.test_label))

        self._update_noise_enabled()
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        self.noise_slider.valueChanged.connect(self._on_noise_slider_changed)
        self.noise_slider.sliderReleased.connect(self._request_preset)
        self.seed_box.rolled.connect(self._request_preset)
        self.seed_box.committed.connect(self._request_preset)
        self.regenerate_button.clicked.connect(self._request_preset)
        self.test_slider.valueChanged.connect(self._on_test_slider_changed)
        return box

    def _build_class_group(self) -> QGroupBox:
        box = QGroupBox("Classes")
        layout = QVBoxLayout(box)
        self.class_list = QListWidget()
        self.class_list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.class_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        describe(self.class_list, "Classes",
                 "Points you click get the highlighted class (number keys on the canvas "
                 "choose too: its tooltip says which). Double click or F2 renames.")
        self.class_list.setProperty(SPACE_IS_TEXT, True)  # a class name may hold a space
        layout.addWidget(self.class_list, 1)
        self.class_message = message_label()
        layout.addWidget(self.class_message)

        row = QHBoxLayout()
        self.add_class_button = QPushButton("Add class")
        describe(self.add_class_button, "Add class", f"Add a new class (at most {MAX_CLASSES})")
        self.remove_class_button = QPushButton("Remove class")
        describe(self.remove_class_button, "Remove class",
                 "Remove the highlighted class and its points")
        row.addWidget(self.add_class_button)
        row.addWidget(self.remove_class_button)
        layout.addLayout(row)
        self.clear_button = QPushButton("Clear points")
        describe(self.clear_button, "Clear points", "Remove every point (Ctrl+Z brings them back)")
        layout.addWidget(self.clear_button)

        self.class_list.currentRowChanged.connect(self._on_class_list_row_changed)
        self.class_list.itemChanged.connect(self._on_class_list_item_changed)
        self.add_class_button.clicked.connect(self._on_add_class_clicked)
        self.remove_class_button.clicked.connect(
            lambda: self.remove_class_requested.emit(self.current_class()))
        self.clear_button.clicked.connect(self.clear_requested)
        return box

    @staticmethod
    def _percent_slider(name: str, tip: str) -> tuple[QSlider, QLabel]:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, 50)
        slider.setPageStep(5)
        describe(slider, name, tip)
        label = QLabel("0 %")
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance("50 %") + 4)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return slider, label

    @staticmethod
    def _with_label(slider: QSlider, label: QLabel) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(slider, 1)
        row.addWidget(label)
        return holder

    # ---------------------------------------------------------------- state
    def preset(self) -> str:
        return self.preset_combo.currentData() or ""

    def noise(self) -> float:
        return self.noise_slider.value() / 100.0

    def seed(self) -> int:
        return self.seed_box.value()

    def test_ratio(self) -> float:
        return self.test_slider.value() / 100.0

    def class_names(self) -> list[str]:
        return list(self._names)

    def current_class(self) -> int:
        return max(self.class_list.currentRow(), 0)

    def set_preset(self, name: str) -> None:
        index = self.preset_combo.findData(name)
        if index >= 0:
            with QSignalBlocker(self.preset_combo):
                self.preset_combo.setCurrentIndex(index)
            self._update_noise_enabled()

    def show_dataset(self, dataset) -> None:
        """Say what the data is (a ``DatasetSpec``): a preset with its seed and noise, or
        the user's own or imported points, for which seed, noise and Regenerate do not
        apply and are disabled."""
        preset = dataset.is_preset
        if preset:
            self.set_preset(dataset.preset)
            self.set_seed(dataset.seed)
            self.set_noise(dataset.noise)
        else:
            self.preset_combo.setItemText(0, dataset.describe())
            with QSignalBlocker(self.preset_combo):
                self.preset_combo.setCurrentIndex(0)
        self.seed_box.setEnabled(preset)
        self.regenerate_button.setEnabled(preset)
        self._update_noise_enabled()

    def set_noise(self, noise: float) -> None:
        with QSignalBlocker(self.noise_slider):
            self.noise_slider.setValue(round(noise * 100))
        self.noise_label.setText(f"{self.noise_slider.value()} %")

    def set_seed(self, seed: int) -> None:
        self.seed_box.set_value(seed)

    def set_test_ratio(self, ratio: float) -> None:
        with QSignalBlocker(self.test_slider):
            self.test_slider.setValue(round(ratio * 100))
        self.test_label.setText(f"{self.test_slider.value()} %")

    def set_classes(self, names: list[str]) -> None:
        """Show every class of ``names`` (a file's may be more than Add class makes: a
        list of 8 hid the 9th and 10th of a CSV's digits, and a rename then sent 8 names
        back), keeping the current class where possible."""
        names = [str(n) for n in names][:limits.MAX_CLASSES]
        current = self.class_list.currentRow()
        self._names = names
        with QSignalBlocker(self.class_list):
            self.class_list.clear()
            for i, name in enumerate(names):
                item = QListWidgetItem(color_swatch(i), name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(_class_tip(names, i))
                self.class_list.addItem(item)
            if names:
                self.class_list.setCurrentRow(min(max(current, 0), len(names) - 1))
        self._mark_current()
        self._update_class_buttons()

    def set_current_class(self, index: int) -> None:
        if 0 <= index < self.class_list.count():
            with QSignalBlocker(self.class_list):
                self.class_list.setCurrentRow(index)
            self._mark_current()

    # ---------------------------------------------------------------- slots
    def _request_preset(self) -> None:
        if self.preset():
            self.preset_requested.emit(self.preset(), self.seed(), self.noise())

    def _on_preset_combo_activated(self, index: int) -> None:
        if self.preset_combo.itemData(index) is not None:
            self.seed_box.setEnabled(True)
            self.regenerate_button.setEnabled(True)
            self._update_noise_enabled()
            self._request_preset()

    def _on_noise_slider_changed(self, value: int) -> None:
        self.noise_label.setText(f"{value} %")
        if not self.noise_slider.isSliderDown():  # keyboard or click: no release follows
            self._request_preset()

    def _on_test_slider_changed(self, value: int) -> None:
        self.test_label.setText(f"{value} %")
        self.test_ratio_changed.emit(value / 100.0)

    def _mark_current(self) -> None:
        # Bold as well as selected: the selection colour fades when the list loses focus.
        with QSignalBlocker(self.class_list):
            for row in range(self.class_list.count()):
                item = self.class_list.item(row)
                font = item.font()
                font.setBold(row == self.class_list.currentRow())
                item.setFont(font)

    def _on_class_list_row_changed(self, row: int) -> None:
        self._mark_current()
        if row >= 0:
            self.current_class_changed.emit(row)

    def _on_class_list_item_changed(self, item: QListWidgetItem) -> None:
        row = self.class_list.row(item)
        new = item.text().strip()
        others = self._names[:row] + self._names[row + 1:]
        problem = ("A class needs a name." if not new
                   else f"A class name has at most {limits.MAX_NAME_CHARS:,} characters."
                   if len(new) > limits.MAX_NAME_CHARS
                   else f"There is already a class called \u201c{new}\u201d." if new in others
                   else "")
        self.class_message.setText(problem)
        self.class_message.setVisible(bool(problem))
        if problem or new == self._names[row]:
            with QSignalBlocker(self.class_list):
                item.setText(self._names[row])
            return
        self._names[row] = new
        with QSignalBlocker(self.class_list):
            item.setText(new)
            for i in range(self.class_list.count()):  # a name can change every key
                self.class_list.item(i).setToolTip(_class_tip(self._names, i))
        self.classes_changed.emit(self.class_names())

    def _on_add_class_clicked(self) -> None:
        if len(self._names) >= MAX_CLASSES:
            return
        n = len(self._names) + 1
        while f"Class {n}" in self._names:
            n += 1
        self.set_classes(self._names + [f"Class {n}"])
        self.classes_changed.emit(self.class_names())
        self.class_list.setCurrentRow(len(self._names) - 1)  # emits current_class_changed

    def _update_noise_enabled(self) -> None:
        self.noise_slider.setEnabled(bool(self.preset()) and preset_uses_noise(self.preset()))

    def _update_class_buttons(self) -> None:
        self.add_class_button.setEnabled(len(self._names) < MAX_CLASSES)
        self.remove_class_button.setEnabled(len(self._names) > 1)
