"""Registry: kinds to classes, models to dictionaries and back."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from nnplayground.core.base import Model, ModelError
from nnplayground.core.registry import (
    MODEL_CLASSES,
    model_from_config,
    model_from_dict,
    model_to_dict,
    register_model,
    unregister_model,
)


class Line(Model):
    """One weight w; fits y ~ w * x."""

    kind = "test_line"

    def __init__(self, learning_rate: float = 0.1, w0: float = 0.5, seed: int = 0) -> None:
        super().__init__(seed)
        self.learning_rate = float(learning_rate)
        self.w0 = float(w0)
        self._initialize()

    def _initialize(self) -> None:
        self.w = np.array([self.w0])

    def partial_fit(self, X, y=None):
        self.epoch += 1
        return self.error(X, y)

    def predict(self, X):
        return np.asarray(X, float)[:, 0] * self.w[0]

    def error(self, X, y=None):
        return float(np.mean((self.predict(X) - y) ** 2))

    def get_config(self):
        return {"learning_rate": self.learning_rate, "w0": self.w0, "seed": self.seed}

    def get_state(self):
        return {"w": self.w.copy()}

    def set_state(self, state):
        w = np.array(state["w"], dtype=float)
        if w.shape != (1,):
            raise ModelError(f"w must have shape (1,), got {w.shape}")
        self.w = w


@pytest.fixture
def line_kind():
    register_model(Line)
    yield Line
    unregister_model(Line.kind)


def test_builtin_kinds_are_listed_without_importing_model_modules():
    code = (
        "import sys, nnplayground.core.registry as r;"
        "print(sorted(r.MODEL_CLASSES), 'mlp' in r.MODEL_CLASSES,"
        " any(m in sys.modules for m in ('nnplayground.core.mlp', 'nnplayground.core.perceptron')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['autoencoder', 'competitive', 'mlp', 'perceptron'] True False"


def test_lookup_returns_the_classes_named_in_the_architecture():
    names = {"perceptron": "Perceptron", "mlp": "MLP", "competitive": "CompetitiveLayer",
             "autoencoder": "Autoencoder"}
    for kind, cls_name in names.items():
        if importlib.util.find_spec(f"nnplayground.core.{kind}") is None:
            continue
        cls = MODEL_CLASSES[kind]
        assert cls.__name__ == cls_name and cls.kind == kind
    with pytest.raises(KeyError):
        MODEL_CLASSES["hopfield"]
    assert "hopfield" not in MODEL_CLASSES and len(MODEL_CLASSES) == 4


def test_round_trip_of_a_registered_model(line_kind):
    m = Line(learning_rate=0.25, w0=-0.0, seed=7)
    m.w = np.array([1.0000000000000002])
    m.epoch = 12
    d = model_to_dict(m)
    assert d["kind"] == "test_line" and d["epoch"] == 12
    assert d["config"] == {"learning_rate": 0.25, "w0": -0.0, "seed": 7}
    m.w[0] = 5.0  # the dict holds a copy
    assert d["state"]["w"][0] == 1.0000000000000002
    back = model_from_dict(d)
    assert isinstance(back, Line) and back.epoch == 12 and back.learning_rate == 0.25
    assert back.w.tobytes() == np.array([1.0000000000000002]).tobytes()
    assert "test_line" in MODEL_CLASSES and MODEL_CLASSES["test_line"] is Line


def test_builtin_kinds_cannot_be_replaced():
    class Fake(Line):
        kind = "mlp"

    with pytest.raises(ValueError, match="built in"):
        register_model(Fake)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "hopfield"}, "Unknown model kind 'hopfield'"),
        ({"kind": None}, "Unknown model kind None"),
        ({"config": {"learning_rate": 0.1, "colour": "red"}}, "settings of the test_line model are not valid"),
        ({"config": ["not", "a", "table"]}, "table of named values"),
        ({"state": {"w": np.zeros(2)}}, r"w has shape \(2,\) but its settings need \(1,\)"),
        ({"state": {}}, "lacks the entries: w"),
        ({"state": {"w": np.zeros(1), "v": np.zeros(1)}}, "unknown entries: v"),
        ({"state": {"w": np.array([np.nan])}}, "NaN or infinite"),
        ({"state": {"w": np.array([np.inf])}}, "NaN or infinite"),
        ({"state": {"w": None}}, "w is empty"),
        ({"state": {"w": "0.5"}}, "should be numbers"),
        ({"state": [1.0]}, "table of arrays"),
        ({"epoch": -1}, "whole number >= 0"),
        ({"epoch": 1.5}, "whole number >= 0"),
        ({"epoch": True}, "whole number >= 0"),
    ],
)
def test_bad_content_raises_model_error(line_kind, change, message):
    d = model_to_dict(Line())
    d.update(change)
    with pytest.raises(ModelError, match=message):
        model_from_dict(d)


def test_missing_keys_and_non_mapping(line_kind):
    with pytest.raises(ModelError, match="lacks: state"):
        model_from_dict({"kind": "test_line", "config": {}})
    with pytest.raises(ModelError, match="table with kind"):
        model_from_dict(["test_line"])


def test_model_from_config_builds_an_untrained_model(line_kind):
    m = model_from_config("test_line", {"w0": 3.0})
    assert m.w[0] == 3.0 and m.epoch == 0


REAL = ["perceptron", "mlp", "competitive", "autoencoder"]
#: Settings for 2-D data (the autoencoder's default expects 4 inputs).
CONFIGS = {"autoencoder": {"layer_sizes": [2, 8, 2, 8, 2]}}


@pytest.mark.parametrize("kind", REAL)
def test_real_models_round_trip(kind):
    pytest.importorskip(f"nnplayground.core.{kind}")
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    model = MODEL_CLASSES[kind](seed=5, **CONFIGS.get(kind, {}))
    model.fit(X, None if model.unsupervised else y, epochs=3)
    back = model_from_dict(model_to_dict(model))
    assert type(back) is type(model) and back.epoch == 3
    assert back.get_config() == model.get_config()
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    for name, value in model.get_state().items():
        got = back.get_state()[name]
        values = value if isinstance(value, list) else [value]
        gots = got if isinstance(got, list) else [got]
        for a, b in zip(values, gots, strict=True):
            assert np.asarray(a).tobytes() == np.asarray(b).tobytes(), name


def test_real_model_weights_not_matching_its_config_are_refused():
    pytest.importorskip("nnplayground.core.mlp")
    d = model_to_dict(MODEL_CLASSES["mlp"](layer_sizes=[2, 3, 1]))
    d["config"]["layer_sizes"] = [2, 4, 1]
    with pytest.raises(ModelError):
        model_from_dict(d)
