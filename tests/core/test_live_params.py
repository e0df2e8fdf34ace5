"""Settings a model takes while training: declared with type and range, checked, applied
(also to an optimiser's or an inner network's copy), and nothing changed when refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnplayground.core.autoencoder import Autoencoder
from nnplayground.core.base import LEARNING_RATE, LiveParam, ModelError
from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron
from nnplayground.core.registry import MODEL_CLASSES

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 2))
Y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def assert_same_arrays(a, b) -> None:
    """Bit-for-bit equality of two get_state() dicts."""
    assert a.keys() == b.keys()
    for key in a:
        left, right = a[key], b[key]
        if isinstance(left, list):
            assert len(left) == len(right)
            for x, y in zip(left, right):
                assert np.array_equal(x, y), key
        elif left is None:
            assert right is None, key
        else:
            assert np.array_equal(left, right), key


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 8])
def test_a_new_learning_rate_reaches_the_optimizer(optimizer, batch_size):
    kwargs = dict(layer_sizes=[2, 5, 1], activation="tanh", optimizer=optimizer,
                  batch_size=batch_size, seed=4)
    changed = MLP(learning_rate=0.3, **kwargs)
    changed.set_live_param("learning_rate", 0.007)
    fresh = MLP(learning_rate=0.007, **kwargs)
    for _ in range(4):
        assert changed.partial_fit(X, Y) == fresh.partial_fit(X, Y)
    assert_same_arrays(changed.get_state(), fresh.get_state())
    assert changed.get_config() == fresh.get_config()


def test_a_learning_rate_changed_mid_training_is_used_by_the_next_update():
    # Plain SGD keeps no memory, so a model given the trained weights is the reference.
    kwargs = dict(layer_sizes=[2, 5, 1], activation="tanh", optimizer="sgd", seed=4)
    model = MLP(learning_rate=0.3, **kwargs)
    model.fit(X, Y, epochs=3)
    reference = MLP(learning_rate=0.05, **kwargs)
    reference.set_state(model.get_state())
    model.set_live_param("learning_rate", 0.05)
    model.partial_fit(X, Y)
    reference.partial_fit(X, Y)
    assert_same_arrays(model.get_state(), reference.get_state())


@pytest.mark.parametrize("name, value", [("learning_rate", 0.05), ("batch_size", None),
                                         ("batch_size", 16), ("l2", 0.01)])
def test_the_autoencoder_passes_its_settings_to_its_inner_network(name, value):
    kwargs = dict(layer_sizes=[2, 4, 1, 4, 2], optimizer="adam", seed=1)
    changed = Autoencoder(**{"learning_rate": 0.01, "batch_size": 8, "l2": 0.0, **kwargs})
    changed.set_live_param(name, value)
    fresh = Autoencoder(**{"learning_rate": 0.01, "batch_size": 8, "l2": 0.0, **kwargs,
                           name: value})
    assert changed.mlp.get_config()[name] == value
    changed.fit(X, epochs=3)
    fresh.fit(X, epochs=3)
    assert_same_arrays(changed.get_state(), fresh.get_state())


def test_conscience_switched_off_is_used_from_the_next_epoch():
    changed = CompetitiveLayer(n_neurons=4, conscience=True, seed=2)
    changed.set_live_param("conscience", False)
    fresh = CompetitiveLayer(n_neurons=4, conscience=False, seed=2)
    changed.fit(X, epochs=3)
    fresh.fit(X, epochs=3)
    assert_same_arrays(changed.get_state(), fresh.get_state())


def make(kind: str):
    return {"perceptron": lambda: Perceptron(seed=0),
            "mlp": lambda: MLP([2, 3, 1], optimizer="momentum", batch_size=4, seed=0),
            "competitive": lambda: CompetitiveLayer(seed=0),
            "autoencoder": lambda: Autoencoder([2, 3, 1, 3, 2], seed=0)}[kind]()


@pytest.mark.parametrize("kind, name, value, message", [
    ("perceptron", "activation", "sigmoid", "cannot change 'activation' while training"),
    ("perceptron", "learning_rate", 0.0, "from 0.00000001 to 100"),
    ("mlp", "conscience", False, "MLP cannot change 'conscience'"),
    ("mlp", "optimizer", "adam", "cannot change 'optimizer'"),
    ("mlp", "learning_rate", math.nan, "learning rate must be"),
    ("mlp", "learning_rate", math.inf, "learning rate must be"),
    ("mlp", "learning_rate", 1000.0, "from 0.00000001 to 100"),
    ("mlp", "learning_rate", "0.1", "must be a number"),
    ("mlp", "learning_rate", True, "must be a number"),
    ("mlp", "learning_rate", None, "needs a value"),
    ("mlp", "batch_size", 0, "at least 1"),
    ("mlp", "batch_size", 2.5, "whole number"),
    ("mlp", "l2", -0.1, "from 0 to 1"),
    ("competitive", "conscience", 1, "on or off"),
    ("competitive", "mode", "batch", "cannot change 'mode'"),
    ("autoencoder", "learning_rate", -1.0, "from 0.00000001 to 100"),
    ("autoencoder", "activation", "relu", "cannot change 'activation'"),
])
def test_refused_settings_change_nothing(kind, name, value, message):
    model = make(kind)
    model.partial_fit(X, None if model.unsupervised else Y)
    config, state = model.get_config(), model.get_state()
    with pytest.raises(ModelError, match=message):
        model.set_live_param(name, value)
    with pytest.raises(ModelError, match=message):
        type(model).check_live_param(name, value)
    assert model.get_config() == config
    assert_same_arrays(model.get_state(), state)
    # ...and the next epoch is the one it would have been.
    twin = make(kind)
    twin.partial_fit(X, None if model.unsupervised else Y)
    fit = [m.partial_fit(X, None if m.unsupervised else Y) for m in (model, twin)]
    assert fit[0] == fit[1]


@pytest.mark.parametrize("kind", sorted(MODEL_CLASSES))
def test_every_declared_setting_applies_and_is_saved(kind):
    cls = MODEL_CLASSES[kind]
    assert cls.live_params["learning_rate"] == LEARNING_RATE
    for name, spec in cls.live_params.items():
        assert isinstance(spec, LiveParam) and spec.type in (bool, int, float)
        value = {bool: False, int: 7, float: 0.125}[spec.type]
        model = make(kind)
        model.set_live_param(name, value)
        assert model.get_config()[name] == value  # a session saved now keeps it
        assert type(model.get_config()[name]) is spec.type
    with pytest.raises(TypeError):  # the declaration is read-only
        cls.live_params["seed"] = LiveParam(int)


def test_numbers_are_converted_to_the_declared_type():
    model = MLP([2, 3, 1], seed=0)
    model.set_live_param("learning_rate", 1)  # an int is a fine learning rate
    model.set_live_param("batch_size", np.int64(5))
    model.set_live_param("l2", np.float32(0.5))
    config = model.get_config()
    assert (config["learning_rate"], config["batch_size"], config["l2"]) == (1.0, 5, 0.5)
    assert [type(config[k]) for k in ("learning_rate", "batch_size", "l2")] == [float, int, float]
