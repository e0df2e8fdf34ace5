"""The model side panel: model type, its hyper-parameters and the model seed.

``config_changed()`` means "the next model must be built anew" (architecture, activation,
loss, optimizer, seed, ...); the main window then asks ``model_config(n_inputs,
n_classes)`` for the registry kind and constructor kwargs. ``live_param_changed(name,
value)`` carries a change the running model takes as it is, between two epochs, without
restarting training.

Which is which is not decided here: a setting is live exactly when the model class
declares it in ``live_params`` (``core/base.py``: learning rate everywhere; batch size
and L2 for the MLP and the autoencoder; the competitive layer's conscience), and every
other setting shown is structural (the MLP's bias switch among them).

``set_config`` shows a model exactly or not at all: what the panel cannot show (more
hidden layers or neurons than it offers, an unknown choice) is a ``ValueError`` naming
it, raised before anything changed; ``check_config`` is that check alone, for the window
to ask before it accepts a file or a lesson step. Ranges shared with the file loaders
come from ``core.limits``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.limits import SEED_MAX
from nnplayground.core.registry import MODEL_CLASSES
from nnplayground.ui.panels.model_fields import (Field, batch_field, batch_spin, combo_box,
                                                  combo_field, count_field, decay_problem,
                                                  flag_field, live_problem, number_field,
                                                  rate_field, select, whole_problem)
from nnplayground.ui.panels.panel_widgets import (
    MAX_NEURONS,
    HiddenLayersEditor,
    LearningRateEdit,
    SeedBox,
    assign_control_ids,
    check_hidden_sizes,
    describe,
    format_number,
)

#: (label shown, panel key); both perceptron entries build the registry kind "perceptron".
MODEL_TYPES = (("Perceptron", "perceptron"), ("Perceptron with bias", "perceptron_bias"),
               ("MLP", "mlp"), ("Competitive layer", "competitive"),
               ("Autoencoder", "autoencoder"))
#: The registry kinds the panel builds; each is also the key of its page.
KINDS = ("perceptron", "mlp", "competitive", "autoencoder")
#: The competitive page's rate decays (per epoch); 1.0 is a constant rate.
_DECAYS = (("none (constant rate)", 1.0), ("0.99 per epoch", 0.99),
           ("0.95 per epoch", 0.95), ("0.9 per epoch", 0.9))
L2_VALUES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
ACTIVATIONS = (("tanh", "tanh"), ("sigmoid", "sigmoid"), ("ReLU", "relu"))
#: The other spin boxes' ranges: competitive neurons, the autoencoder's code layer.
MAX_COMPETITIVE_NEURONS, MAX_LATENT = 10, 8


class ModelPanel(QWidget):
    """Model type chooser with one page of hyper-parameters per type, and the model seed.

    ``model_config(n_inputs, n_classes) -> (kind, kwargs)`` for
    ``nnplayground.core.registry.MODEL_CLASSES[kind](**kwargs)``; ``set_config(kind,
    kwargs)`` restores the panel from a model's ``get_config()`` without emitting anything.
    """

    config_changed = Signal()
    live_param_changed = Signal(str, object)
    hidden_lines_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QGroupBox("Model")
        top = QVBoxLayout(self)
        top.setContentsMargins(4, 4, 4, 4)
        top.addWidget(box)
        top.addStretch(1)
        outer = QVBoxLayout(box)
        head = QFormLayout()
        self.kind_combo = combo_box(MODEL_TYPES, "Model type",
                                    "Which network to train; each type shows its own settings")
        head.addRow("Type", self.kind_combo)
        outer.addLayout(head)

        self.pages = QStackedWidget()
        self._page_of = {}
        for keys, build in ((("perceptron", "perceptron_bias"), self._build_perceptron_page),
                            (("mlp",), self._build_mlp_page),
                            (("competitive",), self._build_competitive_page),
                            (("autoencoder",), self._build_autoencoder_page)):
            page = QWidget()
            form = QFormLayout(page)
            form.setContentsMargins(0, 0, 0, 0)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            build(form)
            assign_control_ids(page, f"model.{keys[0]}")
            index = self.pages.addWidget(page)
            self._page_of.update({key: index for key in keys})
        outer.addWidget(self.pages)

        seed_form = QFormLayout()
        self.seed_box = SeedBox("model")
        self.seed_box.seed_changed.connect(self.config_changed)
        seed_form.addRow("Seed", self.seed_box)
        outer.addLayout(seed_form)

        for spin in self.findChildren(QSpinBox):
            spin.setKeyboardTracking(False)  # typing 10 must not build a model with 1 first
        for kind in KINDS:
            live = MODEL_CLASSES[kind].live_params  # the model says what it takes live
            for name, field in self._fields(kind).items():
                if name in live:
                    field.changed.connect(partial(self._emit_live, name, field.read))
                else:
                    field.changed.connect(self.config_changed)
        assign_control_ids(self, "model")
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        select(self.kind_combo, "mlp")
        self._show_page()
        self.setMinimumWidth(240)

    # ---------------------------------------------------------------- pages
    def _emit_live(self, name: str, read: Callable[[], Any], *_) -> None:
        self.live_param_changed.emit(name, read())

    def _build_perceptron_page(self, form: QFormLayout) -> None:
        self.perceptron_activation = combo_box(
            (("step", "step"), ("sigmoid", "sigmoid")), "Perceptron activation",
            "Step: Rosenblatt's hard threshold; sigmoid: a smooth output between 0 and 1")
        self.perceptron_lr = LearningRateEdit(0.1, "Perceptron")
        form.addRow("Activation", self.perceptron_activation)
        form.addRow("Learning rate", self.perceptron_lr)

    def _build_mlp_page(self, form: QFormLayout) -> None:
        self.mlp_layers = HiddenLayersEditor([4, 2])
        self.mlp_bias = describe(QCheckBox("Biases"), "MLP biases",
                                 "Give every hidden and output neuron a bias (a weight from an "
                                 "input that is always 1). The classic networks have none. "
                                 "Changing it builds a new network.")
        self.mlp_bias.setChecked(True)
        self.mlp_activation = combo_box(ACTIVATIONS, "MLP activation",
                                        "Activation of the hidden neurons")
        self.mlp_loss = combo_box((("cross-entropy", "cross_entropy"), ("SSE", "sse"),
                                   ("MSE", "mse")), "MLP loss",
                                  "Error measure minimised: cross-entropy, sum or mean of "
                                  "squared errors")
        self.mlp_optimizer = combo_box((("SGD", "sgd"), ("momentum", "momentum"),
                                        ("Adam", "adam")), "MLP optimizer",
                                       "How gradients turn into weight updates")
        self.mlp_lr = LearningRateEdit(0.03, "MLP")
        self.mlp_batch = batch_spin("MLP")
        self.mlp_batch.setValue(10)
        self.mlp_l2 = combo_box([(format_number(v), v) for v in L2_VALUES], "MLP L2",
                                "L2 regularisation: pulls weights towards 0 (applies at once)")
        self.mlp_hidden_lines = describe(QCheckBox("Show hidden-neuron lines"),
                                         "Show hidden-neuron lines",
                                         "Draw the line each first-layer neuron draws")
        form.addRow(self.mlp_layers)
        form.addRow(self.mlp_bias)
        for label, widget in (("Activation", self.mlp_activation), ("Loss", self.mlp_loss),
                              ("Optimizer", self.mlp_optimizer),
                              ("Learning rate", self.mlp_lr), ("Batch size", self.mlp_batch),
                              ("L2", self.mlp_l2)):
            form.addRow(label, widget)
        form.addRow(self.mlp_hidden_lines)
        self.mlp_layers.changed.connect(self.config_changed)
        self.mlp_hidden_lines.toggled.connect(self.hidden_lines_toggled)

    def _build_competitive_page(self, form: QFormLayout) -> None:
        self.competitive_neurons = describe(
            QSpinBox(), "Number of competitive neurons",
            f"How many neurons compete for the points (1-{MAX_COMPETITIVE_NEURONS})")
        self.competitive_neurons.setRange(1, MAX_COMPETITIVE_NEURONS)
        self.competitive_neurons.setValue(3)
        self.competitive_conscience = describe(
            QCheckBox("Conscience"), "Conscience",
            "Neurons that win too often step back so that every neuron gets points")
        self.competitive_conscience.setChecked(True)
        self.competitive_mode = combo_box((("online (textbook)", "online"),
                                           ("batch (fast)", "batch")), "Competitive mode",
                                          "Online: one point at a time, as in the textbook; "
                                          "batch: all points at once, much faster")
        # The panel's first offer converges (core: CompetitiveLayer.PANEL_DEFAULTS); a
        # configuration without lr_decay shows the constructor's constant rate.
        offer = CompetitiveLayer.PANEL_DEFAULTS
        self.competitive_lr = LearningRateEdit(offer["learning_rate"], "Competitive layer")
        self.competitive_init = combo_box((("from the data", "data"),
                                           ("random in the data's box", "random"),
                                           ("all in one corner", "corner")),
                                          "Competitive initialisation",
                                          "Where the neurons start: on distinct points, at random "
                                          "in the data's box, or all in its lowest corner (without "
                                          "a conscience, one neuron then wins every point)")
        self.competitive_decay = combo_box(tuple((label, d) for label, d in _DECAYS),
                                           "Competitive rate decay",
                                           "Each epoch the learning rate is multiplied by this: "
                                           "a decaying rate lets the neurons settle instead of "
                                           "jitter")
        select(self.competitive_decay, offer["lr_decay"])
        form.addRow("Neurons", self.competitive_neurons)
        form.addRow(self.competitive_conscience)
        form.addRow("Start", self.competitive_init)
        form.addRow("Mode", self.competitive_mode)
        form.addRow("Learning rate", self.competitive_lr)
        form.addRow("Rate decay", self.competitive_decay)

    def _build_autoencoder_page(self, form: QFormLayout) -> None:
        self.ae_hidden = describe(QSpinBox(), "Autoencoder hidden neurons",
                                  "Neurons in the layer before and after the code layer "
                                  f"(none: input connects straight to the code; at most "
                                  f"{MAX_NEURONS})")
        self.ae_hidden.setRange(0, MAX_NEURONS)
        self.ae_hidden.setSpecialValueText("none")
        self.ae_hidden.setValue(8)
        self.ae_latent = describe(QSpinBox(), "Autoencoder latent size",
                                  f"Size of the code (bottleneck) layer, 1-{MAX_LATENT}; 2 "
                                  "can be plotted")
        self.ae_latent.setRange(1, MAX_LATENT)
        self.ae_latent.setValue(2)
        self.ae_activation = combo_box(ACTIVATIONS, "Autoencoder activation",
                                       "Activation of the hidden and code neurons")
        self.ae_lr = LearningRateEdit(0.01, "Autoencoder")
        self.ae_batch = batch_spin("Autoencoder")
        self.ae_batch.setValue(32)
        for label, widget in (("Hidden", self.ae_hidden), ("Latent", self.ae_latent),
                              ("Activation", self.ae_activation),
                              ("Learning rate", self.ae_lr), ("Batch size", self.ae_batch)):
            form.addRow(label, widget)
        for spin in (self.ae_hidden, self.ae_latent):
            spin.valueChanged.connect(self.config_changed)

    # ---------------------------------------------------------------- state
    def kind_key(self) -> str:
        """The panel's key: one of MODEL_TYPES' keys (e.g. "perceptron_bias")."""
        return self.kind_combo.currentData()

    def hidden_lines_shown(self) -> bool:
        return self.mlp_hidden_lines.isChecked()

    def seed(self) -> int:
        return self.seed_box.value()

    def _fields(self, key: str) -> dict[str, Field]:
        """Plain kwargs of page ``key``: name -> its widget's change signal, read, write,
        check."""
        kind = "perceptron" if key == "perceptron_bias" else key
        if key in ("perceptron", "perceptron_bias"):
            return {"activation": combo_field(self.perceptron_activation, "activation"),
                    "learning_rate": rate_field(self.perceptron_lr, kind)}
        if key == "mlp":
            return {"bias": flag_field(self.mlp_bias, "biases"),
                    "activation": combo_field(self.mlp_activation, "activation"),
                    "loss": combo_field(self.mlp_loss, "loss"),
                    "optimizer": combo_field(self.mlp_optimizer, "optimizer"),
                    "learning_rate": rate_field(self.mlp_lr, kind),
                    "batch_size": batch_field(self.mlp_batch),
                    "l2": number_field(self.mlp_l2, live_problem("mlp", "l2"))}
        if key == "competitive":
            return {"n_neurons": count_field(self.competitive_neurons, "competitive neurons"),
                    "learning_rate": rate_field(self.competitive_lr, kind),
                    "conscience": flag_field(self.competitive_conscience, "conscience"),
                    "init": combo_field(self.competitive_init, "initialisation"),
                    "mode": combo_field(self.competitive_mode, "mode"),
                    "lr_decay": number_field(self.competitive_decay, decay_problem)}
        return {"activation": combo_field(self.ae_activation, "activation"),
                "learning_rate": rate_field(self.ae_lr, kind),
                "batch_size": batch_field(self.ae_batch)}

    def model_config(self, n_inputs: int, n_classes: int) -> tuple[str, dict]:
        """Registry kind and constructor kwargs for data with ``n_inputs`` columns.

        MLP: ``layer_sizes = [n_inputs, *hidden, 1 if n_classes <= 2 else n_classes]``;
        autoencoder: ``[n_inputs, h, latent, h, n_inputs]`` (``[n_inputs, latent,
        n_inputs]`` without a hidden layer).
        """
        key = self.kind_key()
        kwargs = {name: field.read() for name, field in self._fields(key).items()}
        kwargs["seed"] = self.seed()
        if key in ("perceptron", "perceptron_bias"):
            return "perceptron", {"n_inputs": n_inputs, "bias": key == "perceptron_bias",
                                  **kwargs}
        if key == "mlp":
            n_out = 1 if n_classes <= 2 else n_classes
            return "mlp", {"layer_sizes": [n_inputs, *self.mlp_layers.sizes(), n_out],
                           **kwargs}
        if key == "competitive":
            return "competitive", {"n_inputs": n_inputs, **kwargs}
        hidden = [self.ae_hidden.value()] if self.ae_hidden.value() else []
        sizes = [n_inputs, *hidden, self.ae_latent.value(), *hidden, n_inputs]
        return "autoencoder", {"layer_sizes": sizes, **kwargs}

    def suggest_neurons(self, n: int) -> None:
        """Data with ``n`` true clusters: the competitive page offers one neuron per
        cluster (shown, not applied: the model type stays the teacher's choice)."""
        with QSignalBlocker(self.competitive_neurons):
            self.competitive_neurons.setValue(int(n))

    def set_config(self, kind: str, kwargs: dict, panel: str = "") -> None:
        """Show a configuration (registry ``kind`` and kwargs, ``panel`` the page when
        known); emits nothing.

        Shown exactly or not at all: ``ValueError`` (see ``check_config``), with nothing
        changed, for a value the panel cannot show; nothing is clamped or rounded (an L2
        not on offer joins the list). A setting the page shows but ``kwargs`` lacks shows
        the model's default, which is what a model built from ``kwargs`` has. Keys the
        panel does not show (``shuffle``...) are ignored, so the next
        ``model_config`` leaves them to the model's defaults.
        """
        key = self._page_key(kind, kwargs, panel)
        self.check_config(kind, kwargs, panel)
        defaults = {name: p.default for name, p in
                    inspect.signature(MODEL_CLASSES[kind]).parameters.items()
                    if p.default is not inspect.Parameter.empty}
        with QSignalBlocker(self):  # the panel's own signals only; its widgets stay in sync
            select(self.kind_combo, key)
            if "seed" in kwargs:
                self.seed_box.set_value(int(kwargs["seed"]))
            for name, field in self._fields(key).items():
                if name in kwargs:
                    field.write(kwargs[name])
                elif name in defaults:
                    field.write(defaults[name])
            inner = [int(n) for n in list(kwargs.get("layer_sizes", []))[1:-1]]
            if kind == "mlp" and "layer_sizes" in kwargs:
                self.mlp_layers.set_sizes(inner)
            elif kind == "autoencoder" and inner:  # [n, h, latent, h, n] or [n, latent, n]
                self.ae_latent.setValue(inner[len(inner) // 2])
                self.ae_hidden.setValue(inner[0] if len(inner) > 1 else 0)
        self._show_page()

    def check_config(self, kind: str, kwargs: dict, panel: str = "") -> None:
        """``ValueError`` when ``set_config`` could not show this configuration exactly:
        an unknown kind, more hidden layers or neurons than the panel offers, a choice it
        does not list, a number out of its range. The message says what, e.g. "The model
        panel cannot show this model: 40 neurons in hidden layer 2; the model panel shows
        1 to 32." Nothing changes."""
        key = self._page_key(kind, kwargs, panel)
        problems = []
        if "seed" in kwargs:
            problems.append(whole_problem(kwargs["seed"], "seed", 0, SEED_MAX))
        for name, field in self._fields(key).items():
            if name in kwargs:
                problems.append(field.check(kwargs[name]))
        if "layer_sizes" in kwargs:
            problems.append(self._layers_problem(kind, kwargs["layer_sizes"]))
        problems = [p for p in problems if p]
        if problems:
            raise ValueError(f"The model panel cannot show this model: {'; '.join(problems)}.")

    def _page_key(self, kind: str, kwargs: dict, panel: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown model kind {kind!r}")
        if kind == "perceptron" and not panel:
            return "perceptron_bias" if kwargs.get("bias", True) else "perceptron"
        key = panel or kind
        if (key in ("perceptron", "perceptron_bias")) != (kind == "perceptron") or (
                kind != "perceptron" and key != kind):
            raise ValueError(f"a {kind} model cannot be shown on the {key!r} page")
        return key

    @staticmethod
    def _layers_problem(kind: str, layer_sizes) -> str:
        try:
            sizes = list(layer_sizes)
        except TypeError:
            return f"layer sizes {layer_sizes!r}"
        inner = sizes[1:-1]
        if kind == "mlp":
            return check_hidden_sizes(inner)
        if kind != "autoencoder":
            return ""
        shape_ok = len(inner) == 1 or (len(inner) == 3 and inner[0] == inner[2])
        if not shape_ok:
            return (f"autoencoder layers {sizes} (the panel builds [n, hidden, code, hidden, "
                    "n] or [n, code, n])")
        return (whole_problem(inner[len(inner) // 2], "code layer size", 1, MAX_LATENT)
                or (whole_problem(inner[0], "autoencoder hidden neurons", 1, MAX_NEURONS)
                    if len(inner) == 3 else ""))

    # ---------------------------------------------------------------- slots
    def _on_kind_combo_changed(self) -> None:
        self._show_page()
        self.config_changed.emit()

    def _show_page(self) -> None:
        index = self._page_of[self.kind_key()]
        # Hidden pages must not claim space, or the panel is as tall as the MLP page always.
        for i in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.setCurrentIndex(index)
        self.pages.updateGeometry()  # the layout sizes it again (adjustSize shrank it to its hint)
