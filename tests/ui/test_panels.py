"""The data and model side panels, driven like a user (pytest-qt, run under Xvfb)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QSpinBox,
)

from nnplayground.core import datasets
from nnplayground.core.registry import MODEL_CLASSES
from nnplayground.ui.panels.panel_widgets import SEED_MAX, LearningRateEdit
from nnplayground.ui.panels.data_panel import (
    MAX_CLASSES,
    DataPanel,
    preset_group,
    preset_names,
)
from nnplayground.ui.panels.model_panel import ModelPanel


@pytest.fixture
def model_panel(shown):
    return shown(ModelPanel(), 260, 760)


@pytest.fixture
def data_panel(shown):
    return shown(DataPanel(), 260, 760)


def record(signal) -> list:
    """Every emission of ``signal`` as a tuple of its arguments."""
    seen: list = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Open the combo's list and click the entry whose text is ``text`` (stripped)."""
    index = next(i for i in range(combo.count()) if combo.itemText(i).strip() == text)
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    view.scrollTo(view.model().index(index, 0))
    rect = view.visualRect(view.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentIndex() == index


def type_into(qtbot, line_edit: QLineEdit, text: str) -> None:
    """Select everything in ``line_edit``, type ``text`` and press Enter."""
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


# ------------------------------------------------------------------ model panel
def test_mlp_layer_and_neuron_buttons_shape_the_network(qtbot, model_panel):
    choose(qtbot, model_panel.kind_combo, "Perceptron")
    assert model_panel.model_config(2, 2)[0] == "perceptron"
    choose(qtbot, model_panel.kind_combo, "MLP")
    layers = model_panel.mlp_layers
    assert layers.isVisible()
    qtbot.mouseClick(layers.add_layer_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(layers.add_layer_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(layers.rows[0][3], Qt.MouseButton.LeftButton)  # "+" on layer 1
    kind, kwargs = model_panel.model_config(2, 2)
    assert kind == "mlp"
    assert kwargs["layer_sizes"] == [2, 5, 2, 2, 2, 1]  # defaults [4, 2], new layers get 2
    assert model_panel.model_config(3, 4)[1]["layer_sizes"] == [3, 5, 2, 2, 2, 4]
    assert [row[2].isVisible() for row in layers.rows] == [True] * 4 + [False] * 2

    qtbot.mouseClick(layers.rows[1][1], Qt.MouseButton.LeftButton)  # "-" on layer 2
    assert model_panel.model_config(2, 2)[1]["layer_sizes"] == [2, 5, 1, 2, 2, 1]
    assert not layers.rows[1][1].isEnabled()  # a layer keeps at least one neuron
    for _ in range(4):
        qtbot.mouseClick(layers.remove_layer_button, Qt.MouseButton.LeftButton)
    assert model_panel.model_config(2, 2)[1]["layer_sizes"] == [2, 1]  # 0 hidden layers
    assert not layers.remove_layer_button.isEnabled()
    assert layers.count_label.text() == "no hidden layer"


def test_nonsense_learning_rate_shows_message_and_keeps_last_valid(qtbot, model_panel):
    lr = model_panel.mlp_lr
    type_into(qtbot, lr.combo.lineEdit(), "0.3")
    assert model_panel.model_config(2, 2)[1]["learning_rate"] == 0.3
    assert not lr.message.isVisible()

    type_into(qtbot, lr.combo.lineEdit(), "fast please")
    assert lr.message.isVisible()
    assert "fast please" in lr.message.text() and "0.3" in lr.message.text()
    assert model_panel.model_config(2, 2)[1]["learning_rate"] == 0.3
    assert lr.combo.currentText() == "0.3"

    type_into(qtbot, lr.combo.lineEdit(), "-1")  # a number, but not a learning rate
    assert lr.message.isVisible()
    assert model_panel.model_config(2, 2)[1]["learning_rate"] == 0.3

    type_into(qtbot, lr.combo.lineEdit(), "0,001")  # decimal comma accepted
    assert not lr.message.isVisible()
    assert model_panel.model_config(2, 2)[1]["learning_rate"] == 0.001


def test_learning_rate_is_live_not_a_new_config(qtbot, model_panel):
    configs, lives = record(model_panel.config_changed), record(model_panel.live_param_changed)
    choose(qtbot, model_panel.mlp_lr.combo, "0.00001")
    type_into(qtbot, model_panel.mlp_lr.combo.lineEdit(), "0.05")
    qtbot.mouseClick(model_panel.mlp_batch, Qt.MouseButton.LeftButton)
    type_into(qtbot, model_panel.mlp_batch.findChild(QLineEdit), "0")
    choose(qtbot, model_panel.mlp_l2, "0.01")
    assert lives == [("learning_rate", 0.00001), ("learning_rate", 0.05),
                     ("batch_size", None), ("l2", 0.01)]
    assert configs == []
    assert model_panel.mlp_batch.text() == "Full batch"
    assert model_panel.model_config(2, 2)[1]["batch_size"] is None


def test_structural_changes_emit_config_changed_only(qtbot, model_panel):
    configs, lives = record(model_panel.config_changed), record(model_panel.live_param_changed)
    choose(qtbot, model_panel.mlp_activation, "ReLU")
    assert len(configs) == 1 and lives == []
    assert model_panel.model_config(2, 2)[1]["activation"] == "relu"
    qtbot.mouseClick(model_panel.seed_box.dice, Qt.MouseButton.LeftButton)
    assert len(configs) == 2
    assert model_panel.model_config(2, 2)[1]["seed"] == int(model_panel.seed_box.spin.text())
    choose(qtbot, model_panel.kind_combo, "Competitive layer")
    assert len(configs) == 3
    choose(qtbot, model_panel.competitive_mode, "batch (fast)")
    assert len(configs) == 4 and lives == []
    qtbot.mouseClick(model_panel.competitive_conscience, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, model_panel.competitive_conscience.height() // 2))
    assert len(configs) == 4 and lives == [("conscience", False)]  # live: watch it change
    assert model_panel.model_config(3, 5) == ("competitive", {
        "n_inputs": 3, "n_neurons": 3, "learning_rate": 0.5, "conscience": False,
        "init": "data", "mode": "batch", "lr_decay": 0.95, "seed": model_panel.seed()})


def test_competitive_start_and_rate_decay_reach_the_model(qtbot, model_panel):
    """The panel's first offer converges (PANEL_DEFAULTS); the start and the decay are
    choices whose change rebuilds the model."""
    from nnplayground.core.competitive import CompetitiveLayer
    from nnplayground.core.registry import MODEL_CLASSES
    choose(qtbot, model_panel.kind_combo, "Competitive layer")
    kind, kwargs = model_panel.model_config(2, 3)
    assert kwargs["learning_rate"] == CompetitiveLayer.PANEL_DEFAULTS["learning_rate"]
    assert kwargs["lr_decay"] == CompetitiveLayer.PANEL_DEFAULTS["lr_decay"]
    configs = record(model_panel.config_changed)
    for widget in (model_panel.competitive_init, model_panel.competitive_decay):
        assert widget.toolTip() and widget.accessibleName()
    choose(qtbot, model_panel.competitive_init, "all in one corner")
    choose(qtbot, model_panel.competitive_decay, "none (constant rate)")
    assert len(configs) == 2
    kind, kwargs = model_panel.model_config(2, 3)
    assert kwargs["init"] == "corner" and kwargs["lr_decay"] == 1.0
    model = MODEL_CLASSES[kind](**kwargs)
    assert model.init == "corner" and model.lr_decay == 1.0
    # A configuration without lr_decay (older files, lessons) shows the constant rate.
    model_panel.set_config("competitive", {"n_inputs": 2, "n_neurons": 3, "init": "random"})
    assert model_panel.model_config(2, 3)[1]["lr_decay"] == 1.0
    assert model_panel.model_config(2, 3)[1]["init"] == "random"
    model_panel.set_config("competitive", {"n_inputs": 2, "lr_decay": 0.97})  # joins the list
    assert model_panel.model_config(2, 3)[1]["lr_decay"] == 0.97
    for bad in ({"lr_decay": 0.0}, {"lr_decay": 1.5}, {"init": "middle"}):
        with pytest.raises(ValueError, match="cannot show"):
            model_panel.check_config("competitive", {"n_inputs": 2, **bad})


@pytest.mark.parametrize("kind, kwargs", [
    ("perceptron", {"n_inputs": 2, "bias": False, "activation": "sigmoid",
                    "learning_rate": 0.5, "seed": 7}),
    ("perceptron", {"n_inputs": 2, "bias": True, "activation": "step",
                    "learning_rate": 1.0, "seed": 0}),
    ("mlp", {"layer_sizes": [2, 8, 3, 1], "bias": True, "activation": "sigmoid",
             "loss": "sse", "optimizer": "adam", "learning_rate": 0.003, "batch_size": None,
             "l2": 0.001, "seed": 42}),
    ("mlp", {"layer_sizes": [2, *[32] * 6, 1], "bias": False, "activation": "sigmoid",
             "loss": "sse", "optimizer": "sgd", "learning_rate": 1.0, "batch_size": None,
             "l2": 0.05, "seed": 1}),  # an L2 not on offer joins the list: shown as it is
    ("competitive", {"n_inputs": 2, "n_neurons": 5, "learning_rate": 0.2,
                     "conscience": False, "init": "corner", "mode": "batch",
                     "lr_decay": 0.9, "seed": 3}),
    ("autoencoder", {"layer_sizes": [2, 6, 3, 6, 2], "activation": "relu",
                     "learning_rate": 0.01, "batch_size": 64, "seed": 11}),
    ("autoencoder", {"layer_sizes": [2, 1, 2], "activation": "tanh",
                     "learning_rate": 0.1, "batch_size": None, "seed": 2**31 - 1}),
])
def test_set_config_round_trips_silently(model_panel, kind, kwargs):
    signals = record(model_panel.config_changed) + record(model_panel.live_param_changed)
    model_panel.set_config(kind, kwargs)
    n_classes = 2 if kind != "mlp" else kwargs["layer_sizes"][-1]
    assert model_panel.model_config(kwargs.get("n_inputs", 2), n_classes) == (kind, kwargs)
    assert signals == []


def test_every_model_type_builds_a_registry_model_and_restores(qtbot, model_panel):
    X = np.random.default_rng(0).normal(size=(12, 3))
    y = (X[:, 0] > 0).astype(np.int64)
    for i in range(model_panel.kind_combo.count()):
        choose(qtbot, model_panel.kind_combo, model_panel.kind_combo.itemText(i))
        kind, kwargs = model_panel.model_config(3, 2)
        model = MODEL_CLASSES[kind](**kwargs)
        assert np.isfinite(model.partial_fit(X, y))
        saved = model.get_config()
        assert {k: saved[k] for k in kwargs} == kwargs
        other = ModelPanel()
        qtbot.addWidget(other)
        other.set_config(kind, saved)
        assert other.kind_key() == model_panel.kind_key()
        assert other.model_config(3, 2) == (kind, kwargs)


def test_set_config_rejects_unknown_kind(model_panel):
    with pytest.raises(ValueError, match="unknown model kind"):
        model_panel.set_config("svm", {})


def test_the_layer_editor_goes_to_six_layers_of_32_neurons(qtbot, model_panel):
    layers = model_panel.mlp_layers
    configs = record(model_panel.config_changed)
    for _ in range(4):
        qtbot.mouseClick(layers.add_layer_button, Qt.MouseButton.LeftButton)
    assert not layers.add_layer_button.isEnabled()  # six is the most
    assert layers.count_label.text() == "6 hidden layers"
    for label, minus, spin, plus in layers.rows:
        type_into(qtbot, spin.findChild(QLineEdit), "31")  # typed: one change, not 3 and 31
        qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)  # and one more with +
        assert spin.text() == "32 neurons"
        assert not plus.isEnabled() and minus.isEnabled()
    assert len(configs) == 4 + 2 * 6
    kind, kwargs = model_panel.model_config(2, 2)
    assert kwargs["layer_sizes"] == [2, *[32] * 6, 1]
    model = MODEL_CLASSES[kind](**kwargs)
    assert [W.shape for W in model.weights] == [(2, 32), *[(32, 32)] * 5, (32, 1)]
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert np.isfinite(model.partial_fit(X, (X[:, 0] > 0).astype(np.int64)))
    qtbot.mouseClick(layers.rows[2][1], Qt.MouseButton.LeftButton)  # "-" on layer 3
    assert model_panel.model_config(2, 2)[1]["layer_sizes"][3] == 31
    assert "1-32" in layers.rows[0][2].toolTip()


def test_the_bias_switch_builds_an_mlp_without_biases(qtbot, model_panel):
    box = model_panel.mlp_bias
    assert box.isVisible() and box.isChecked()  # on by default: the usual network
    assert box.objectName() == "model.mlp.mlp_biases"
    assert box.toolTip() and box.accessibleName() == "MLP biases"
    configs, lives = record(model_panel.config_changed), record(model_panel.live_param_changed)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert not box.isChecked()
    assert len(configs) == 1 and lives == []  # a new network, not a live setting
    kind, kwargs = model_panel.model_config(3, 2)
    assert kwargs["bias"] is False
    model = MODEL_CLASSES[kind](**kwargs)
    assert model.biases is None  # the classic 3-4-1 network can be built now

    other = ModelPanel()
    qtbot.addWidget(other)
    other.set_config(kind, model.get_config())
    assert not other.mlp_bias.isChecked()
    assert other.model_config(3, 2) == (kind, kwargs)
    other.set_config("mlp", {"layer_sizes": [3, 4, 1]})  # a lesson may leave settings out:
    shown = other.model_config(3, 2)[1]                   # they show the model's defaults
    built = MODEL_CLASSES["mlp"](layer_sizes=[3, 4, 1]).get_config()
    assert {k: built[k] for k in shown if k != "seed"} == {
        k: v for k, v in shown.items() if k != "seed"}
    assert other.mlp_bias.isChecked()


@pytest.mark.parametrize("kind, kwargs, words", [
    ("mlp", {"layer_sizes": [2, *[4] * 7, 1]}, "7 hidden layers; the model panel shows at most 6"),
    ("mlp", {"layer_sizes": [2, 8, 33, 1]}, "33 neurons in hidden layer 2"),
    ("mlp", {"layer_sizes": [2, 4, 1], "activation": "softplus"}, "activation 'softplus'"),
    ("mlp", {"layer_sizes": [2, 4, 1], "batch_size": 300}, "batch size 300"),
    ("mlp", {"layer_sizes": [2, 4, 1], "bias": "yes"}, "biases 'yes'"),
    ("mlp", {"layer_sizes": [2, 4, 1], "seed": -1}, "seed -1"),
    ("competitive", {"n_inputs": 2, "n_neurons": 11}, "competitive neurons 11"),
    ("autoencoder", {"layer_sizes": [2, 40, 2, 40, 2]}, "autoencoder hidden neurons 40"),
    ("autoencoder", {"layer_sizes": [2, 16, 9, 16, 2]}, "code layer size 9"),
    ("autoencoder", {"layer_sizes": [2, 16, 8, 2, 8, 16, 2]}, "autoencoder layers"),
    ("perceptron", {"n_inputs": 2, "learning_rate": 0.0}, "learning rate"),
])
def test_set_config_refuses_what_the_panel_cannot_show(model_panel, kind, kwargs, words):
    """A valid file may hold more than the panel offers; the panel never shows it as
    another model (it used to clamp 40 neurons to 8 silently): ValueError, nothing changed."""
    before = model_panel.model_config(2, 2), model_panel.kind_key()
    signals = record(model_panel.config_changed) + record(model_panel.live_param_changed)
    with pytest.raises(ValueError, match="cannot show this model") as caught:
        model_panel.check_config(kind, kwargs)
    assert words in str(caught.value)
    with pytest.raises(ValueError, match="cannot show this model"):
        model_panel.set_config(kind, kwargs)
    assert (model_panel.model_config(2, 2), model_panel.kind_key()) == before
    assert signals == []


def test_the_panels_ranges_are_the_loaders_ranges(model_panel):
    from nnplayground.core import limits
    from nnplayground.ui.panels import panel_widgets

    assert panel_widgets.SEED_MAX == limits.SEED_MAX
    assert model_panel.seed_box.spin.maximum() == limits.SEED_MAX
    assert model_panel.mlp_batch.maximum() == model_panel.ae_batch.maximum() \
        == limits.MAX_BATCH_SIZE
    # The largest network the panel builds is one a session file may hold.
    model_panel.set_config("mlp", {"layer_sizes": [2, *[panel_widgets.MAX_NEURONS] *
                                                   panel_widgets.MAX_HIDDEN_LAYERS, 1]})
    sizes = model_panel.model_config(limits.MAX_POINT_DIMS, limits.MAX_CLASSES)[1]["layer_sizes"]
    assert len(sizes) <= limits.MAX_LAYERS and max(sizes) <= limits.MAX_NEURONS
    assert sum(a * b for a, b in zip(sizes, sizes[1:])) <= limits.MAX_WEIGHTS


def test_only_the_chosen_models_settings_are_visible(qtbot, model_panel):
    choose(qtbot, model_panel.kind_combo, "Autoencoder")
    assert model_panel.ae_latent.isVisible() and not model_panel.mlp_loss.isVisible()
    assert model_panel.model_config(2, 2)[1]["layer_sizes"] == [2, 8, 2, 8, 2]
    choose(qtbot, model_panel.kind_combo, "Perceptron with bias")
    assert model_panel.perceptron_activation.isVisible()
    assert not model_panel.ae_latent.isVisible()
    assert model_panel.model_config(2, 2)[1]["bias"] is True


@pytest.mark.parametrize("label, kind, live", [
    ("Perceptron", "perceptron", {"learning_rate"}),
    ("MLP", "mlp", {"learning_rate", "batch_size", "l2"}),
    ("Competitive layer", "competitive", {"learning_rate", "conscience"}),
    ("Autoencoder", "autoencoder", {"learning_rate", "batch_size"}),  # L2 not shown
])
def test_every_setting_on_a_page_is_live_exactly_when_the_model_declares_it(
        qtbot, model_panel, label, kind, live):
    choose(qtbot, model_panel.kind_combo, label)
    page = model_panel.pages.currentWidget()
    configs, lives = record(model_panel.config_changed), record(model_panel.live_param_changed)
    changed = 0
    for edit in page.findChildren(LearningRateEdit):
        type_into(qtbot, edit.combo.lineEdit(), "0.07")  # a rate no page starts with
    rates = {edit.combo for edit in page.findChildren(LearningRateEdit)}
    for combo in page.findChildren(QComboBox):
        if combo not in rates and combo.isVisible():
            combo.setCurrentIndex((combo.currentIndex() + 1) % combo.count())
            changed += 1
    for spin in page.findChildren(QSpinBox):
        if spin.isVisible():
            spin.setValue(spin.value() + 1 if spin.value() < spin.maximum() else spin.value() - 1)
            changed += 1
    for box in page.findChildren(QCheckBox):
        if box.isVisible() and box is not model_panel.mlp_hidden_lines:
            box.toggle()
            changed += 1
    assert {name for name, _ in lives} == live
    assert live <= set(MODEL_CLASSES[kind].live_params)
    for name, value in lives:  # every value sent is one the model takes
        MODEL_CLASSES[kind].check_live_param(name, value)
    assert len(lives) + len(configs) == changed + 1  # one signal per change, never both


# ------------------------------------------------------------------ data panel
def test_regenerate_sends_the_seed_shown(qtbot, data_panel):
    requests = record(data_panel.preset_requested)
    name = next(n for n in preset_names() if "spiral" in n.lower())
    choose(qtbot, data_panel.preset_combo, name)
    assert requests[-1][0] == name  # choosing a preset loads it at once
    type_into(qtbot, data_panel.seed_box.spin.findChild(QLineEdit), "1234")
    data_panel.noise_slider.setFocus()
    qtbot.keyClick(data_panel.noise_slider, Qt.Key.Key_PageUp)
    qtbot.keyClick(data_panel.noise_slider, Qt.Key.Key_PageUp)
    assert data_panel.noise_label.text() == "10 %"
    requests.clear()
    qtbot.mouseClick(data_panel.regenerate_button, Qt.MouseButton.LeftButton)
    assert requests == [(name, 1234, 0.1)]
    assert data_panel.seed_box.spin.text() == "1234"
    type_into(qtbot, data_panel.seed_box.spin.findChild(QLineEdit), "1234")
    assert len(requests) == 1  # finishing an unchanged seed does not wipe the points
    type_into(qtbot, data_panel.seed_box.spin.findChild(QLineEdit), "77")
    assert requests[-1] == (name, 77, 0.1)  # a new seed applies on Enter


def test_presets_are_grouped_under_headings(qtbot, data_panel):
    combo = data_panel.preset_combo
    model = combo.model()
    listed = [i for i in range(combo.count()) if not combo.view().isRowHidden(i)]
    shown = [combo.itemData(i) for i in listed if combo.itemData(i)]
    headings = [combo.itemText(i) for i in listed if not combo.itemData(i)]
    assert sorted(shown) == sorted(datasets.PRESETS)
    assert headings == ["Classic demos", "TensorFlow Playground", "Clusters & autoencoder"]
    assert all(not model.item(i).isEnabled() for i in range(combo.count())
               if not combo.itemData(i))
    assert [preset_group(n) for n in ("AND", "XOR", "Spiral", "Five 3-D clusters")] == [
        "Classic demos", "TensorFlow Playground", "TensorFlow Playground",
        "Clusters & autoencoder"]
    choose(qtbot, combo, "AND")
    assert not data_panel.noise_slider.isEnabled()  # the truth table has no noise
    choose(qtbot, combo, "Circle")
    assert data_panel.noise_slider.isEnabled()


def test_dice_shows_a_new_seed_and_regenerates(qtbot, data_panel):
    requests = record(data_panel.preset_requested)
    before = data_panel.seed_box.spin.text()
    qtbot.mouseClick(data_panel.seed_box.dice, Qt.MouseButton.LeftButton)
    shown = data_panel.seed_box.spin.text()
    assert shown != before and 0 <= int(shown) <= SEED_MAX
    assert requests == [(data_panel.preset(), int(shown), 0.0)]


def test_test_share_slider(qtbot, data_panel):
    ratios = record(data_panel.test_ratio_changed)
    data_panel.test_slider.setFocus()
    qtbot.keyClick(data_panel.test_slider, Qt.Key.Key_PageUp)
    qtbot.keyClick(data_panel.test_slider, Qt.Key.Key_Right)
    assert ratios == [(0.05,), (0.06,)]
    assert data_panel.test_label.text() == "6 %"


def test_add_and_rename_classes(qtbot, data_panel):
    names, currents = record(data_panel.classes_changed), record(data_panel.current_class_changed)
    qtbot.mouseClick(data_panel.add_class_button, Qt.MouseButton.LeftButton)
    assert names == [(["Class 1", "Class 2", "Class 3"],)]
    assert currents == [(2,)] and data_panel.current_class() == 2

    item_rect = data_panel.class_list.visualItemRect(data_panel.class_list.item(0))
    qtbot.mouseClick(data_panel.class_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=item_rect.center())
    assert currents[-1] == (0,)
    qtbot.keyClick(data_panel.class_list, Qt.Key.Key_F2)
    editor = data_panel.class_list.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "Class 1"
    type_into(qtbot, editor, "Cats")
    qtbot.waitUntil(lambda: len(names) == 2)  # the delegate commits in a queued call
    assert names[-1] == (["Cats", "Class 2", "Class 3"],)
    qtbot.waitUntil(lambda: data_panel.class_list.viewport().findChild(QLineEdit) is None)

    qtbot.keyClick(data_panel.class_list, Qt.Key.Key_F2)  # renaming to a taken name
    type_into(qtbot, data_panel.class_list.viewport().findChild(QLineEdit), "Class 2")
    qtbot.waitUntil(data_panel.class_message.isVisible)
    assert len(names) == 2 and data_panel.class_list.item(0).text() == "Cats"
    assert "already" in data_panel.class_message.text()

    for _ in range(10):
        qtbot.mouseClick(data_panel.add_class_button, Qt.MouseButton.LeftButton)
    assert len(data_panel.class_names()) == MAX_CLASSES
    assert not data_panel.add_class_button.isEnabled()


def test_a_class_name_no_file_can_hold_is_refused_with_a_word(qtbot, data_panel):
    """A 1,500-character name was taken; Save and autosave then refused the session."""
    from nnplayground.core import limits

    names = record(data_panel.classes_changed)
    data_panel.set_current_class(0)
    qtbot.keyClick(data_panel.class_list, Qt.Key.Key_F2)
    editor = data_panel.class_list.viewport().findChild(QLineEdit)
    editor.setText("x" * (limits.MAX_NAME_CHARS + 1))  # pasted
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(data_panel.class_message.isVisible)
    assert data_panel.class_message.text() == "A class name has at most 1,000 characters."
    assert names == [] and data_panel.class_names()[0] == "Class 1"


def test_every_class_a_file_brings_is_listed_and_a_rename_keeps_them_all(qtbot, data_panel):
    """A CSV of the ten digits: the list showed 8, and renaming one sent 8 names back."""
    names = record(data_panel.classes_changed)
    ten = [f"digit {d}" for d in range(10)]
    data_panel.set_classes(ten)
    assert data_panel.class_list.count() == 10 and data_panel.class_names() == ten
    assert not data_panel.add_class_button.isEnabled()  # Add class makes up to 8
    assert "key" not in data_panel.class_list.item(9).toolTip()  # keys 1-9 only
    assert "(key 9)" in data_panel.class_list.item(8).toolTip()
    data_panel.set_current_class(9)
    qtbot.keyClick(data_panel.class_list, Qt.Key.Key_F2)
    type_into(qtbot, data_panel.class_list.viewport().findChild(QLineEdit), "nine")
    qtbot.waitUntil(lambda: len(names) == 1)
    assert names[0] == (ten[:9] + ["nine"],)


def test_remove_and_clear_only_ask(qtbot, data_panel):
    removes, clears = record(data_panel.remove_class_requested), record(data_panel.clear_requested)
    data_panel.set_current_class(1)
    qtbot.mouseClick(data_panel.remove_class_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(data_panel.clear_button, Qt.MouseButton.LeftButton)
    assert removes == [(1,)] and clears == [()]
    assert data_panel.class_names() == ["Class 1", "Class 2"]  # the main window decides


def test_setters_do_not_echo(data_panel):
    signals = [record(s) for s in (data_panel.preset_requested, data_panel.test_ratio_changed,
                                   data_panel.classes_changed, data_panel.current_class_changed)]
    data_panel.set_classes(["a", "b", "c"])
    data_panel.set_current_class(2)
    data_panel.set_seed(99)
    data_panel.set_noise(0.25)
    data_panel.set_test_ratio(0.3)
    data_panel.set_preset(preset_names()[0])
    assert signals == [[], [], [], []]
    assert (data_panel.class_names(), data_panel.current_class()) == (["a", "b", "c"], 2)
    assert (data_panel.seed(), data_panel.noise(), data_panel.test_ratio()) == (99, 0.25, 0.3)
    assert data_panel.noise_label.text() == "25 %" and data_panel.test_label.text() == "30 %"
    assert data_panel.preset() == preset_names()[0]


# ------------------------------------------------------------------ both
@pytest.mark.parametrize("panel_class", [DataPanel, ModelPanel])
def test_every_control_has_tooltip_and_accessible_name(qtbot, panel_class):
    panel = panel_class()
    qtbot.addWidget(panel)
    controls = [w for cls in (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider, QLineEdit)
                for w in panel.findChildren(cls)]
    assert len(controls) >= 10
    missing = [f"{type(w).__name__} {w.text() if hasattr(w, 'text') else ''!r}"
               for w in controls if not (w.toolTip() and w.accessibleName())]
    assert missing == []


@pytest.mark.parametrize("panel_class", [DataPanel, ModelPanel])
def test_panel_fits_a_side_bar(qtbot, panel_class):
    panel = panel_class()
    qtbot.addWidget(panel)
    assert panel.minimumSizeHint().width() <= 270
    assert panel.sizeHint().height() <= 700  # leaves room in a 1280x800 window


def test_the_model_panels_fields_keep_their_width_after_a_change(qtbot, shown):
    """Changing the MLP's activation narrowed every field from 175 to 138 px (the page
    was shrunk to its size hint), leaving an empty strip on the panel's right."""
    panel = shown(ModelPanel(), 300, 700)
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("mlp"))
    combos = [c for c in panel.findChildren(QComboBox) if c.isVisible()]
    before = [c.width() for c in combos]
    activation = next(c for c in combos if c.accessibleName() == "MLP activation")
    activation.setCurrentIndex((activation.currentIndex() + 1) % activation.count())
    qtbot.wait(50)
    assert [c.width() for c in combos] == before
    tall = panel.pages.height()
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("perceptron"))
    qtbot.waitUntil(lambda: panel.pages.height() < tall)  # a short page takes less room
    assert panel.pages.width() >= max(before)


def test_a_class_list_of_digits_names_the_keys_the_canvas_uses(data_panel):
    """Classes named "0".."9" are chosen by their own digit on the canvas; the list's
    tooltips said key 1 for "0" and no key for "9"."""
    data_panel.set_classes([str(d) for d in range(10)])
    tips = [data_panel.class_list.item(i).toolTip() for i in range(10)]
    assert tips[0].startswith("0 (key 0);") and tips[9].startswith("9 (key 9);")
