"""The full training state: training goes on after a copy (or a session file) exactly as
it would have without one (issue 10)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from nnplayground.core.base import ModelError, rng_from_state, rng_state
from nnplayground.core.explain import step_sample
from nnplayground.core.registry import MODEL_CLASSES, model_from_dict, model_to_dict
from nnplayground.core.session import Session, load_session, save_session
from tests.core.model_cases import LABELS, X, build, targets

DATA = Path(__file__).resolve().parents[1] / "data"


#: (id, kind, config): every model, every optimizer, shuffled mini-batches.
CASES = [
    ("perceptron-step", "perceptron", {"activation": "step"}),
    ("perceptron-sigmoid", "perceptron", {"activation": "sigmoid", "learning_rate": 0.3}),
    *[(f"mlp-{opt}", "mlp", {"layer_sizes": [2, 5, 3, 1], "activation": "tanh",
                             "optimizer": opt, "learning_rate": 0.05, "batch_size": 8})
      for opt in ("sgd", "momentum", "adam")],
    ("mlp-softmax-nobias", "mlp", {"layer_sizes": [2, 4, 3], "bias": False,
                                   "loss": "cross_entropy", "optimizer": "adam",
                                   "learning_rate": 0.02, "batch_size": 7}),
    *[(f"autoencoder-{opt}", "autoencoder", {"layer_sizes": [2, 6, 2, 6, 2], "optimizer": opt,
                                             "learning_rate": 0.01, "batch_size": 8})
      for opt in ("sgd", "momentum", "adam")],
    *[(f"competitive-{mode}", "competitive", {"n_neurons": 4, "mode": mode, "conscience": True,
                                              "learning_rate": 0.05})
      for mode in ("online", "batch")],
]
IDS = [case[0] for case in CASES]




def assert_same(a, b, where="state"):
    """Bit-for-bit equality of nested dicts / lists of arrays, numbers, texts, None."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), where
        assert (a.dtype, a.shape, a.tobytes()) == (b.dtype, b.shape, b.tobytes()), where
    else:
        assert type(a) is type(b) and a == b, where


def same_arrays(a, b) -> bool:
    try:
        assert_same(a, b)
    except AssertionError:
        return False
    return True


def trained_ten(kind, config):
    """The reference: 10 epochs in one go, with the errors of epochs 6-10."""
    model = build(kind, config, seed=3)
    errors = model.fit(X, targets(model), epochs=10)
    return model, errors[5:]


@pytest.mark.parametrize("kind, config", [c[1:] for c in CASES], ids=IDS)
def test_five_copied_five_equals_ten(kind, config):
    reference, reference_errors = trained_ten(kind, config)
    first = build(kind, config, seed=3)
    first.fit(X, targets(first), epochs=5)
    # A fresh model with another seed: only the copied state can make it agree.
    second = build(kind, config, seed=99)
    second.set_training_state(first.get_training_state())
    assert second.epoch == 5
    errors = second.fit(X, targets(second), epochs=5)
    assert errors == reference_errors
    assert_same(second.get_state(), reference.get_state())
    assert_same(second.get_training_state(), reference.get_training_state())


@pytest.mark.parametrize("kind, config", [c[1:] for c in CASES], ids=IDS)
def test_the_weights_alone_do_not_continue_the_same_run(kind, config):
    """The control: without the generator (and optimizer memory) the runs part."""
    reference, _ = trained_ten(kind, config)
    first = build(kind, config, seed=3)
    first.fit(X, targets(first), epochs=5)
    second = build(kind, config, seed=99)
    second.set_state(first.get_state())
    second.fit(X, targets(second), epochs=5)
    assert not same_arrays(second.get_state(), reference.get_state())


@pytest.mark.parametrize("kind, config", [c[1:] for c in CASES], ids=IDS)
def test_a_session_file_carries_the_training_state(tmp_path, kind, config):
    reference, reference_errors = trained_ten(kind, config)
    first = build(kind, config, seed=3)
    first.fit(X, targets(first), epochs=5)
    session = Session(points=X, labels=LABELS, class_names=["a", "b", "c"])
    session.set_model(first)
    path = save_session(session, tmp_path / f"{kind}.nnp")
    # The generator's 128-bit numbers are stored as uint64 words: no JSON integer in
    # the file needs more than the 53 bits every JSON reader keeps exactly.
    doc = json.loads(path.read_text(encoding="utf-8"))
    training = doc["model"]["state"]["training"]
    assert training["rng"]["state"]["dtype"] == "uint64"
    assert training["rng"]["state"]["shape"] == [2]

    def ints(value):
        if isinstance(value, dict):
            return [i for v in value.values() for i in ints(v)]
        if isinstance(value, list):
            return [i for v in value for i in ints(v)]
        return [value] if isinstance(value, int) and not isinstance(value, bool) else []
    assert max(abs(i) for i in ints(doc)) < 2**53

    second = load_session(path).build_model()
    assert_same(second.get_training_state(), first.get_training_state())
    errors = second.fit(X, targets(second), epochs=5)
    assert errors == reference_errors
    assert_same(second.get_training_state(), reference.get_training_state())


@pytest.mark.parametrize("kind, config", [c[1:] for c in CASES], ids=IDS)
def test_model_to_dict_keeps_the_state_layout_and_adds_training(kind, config):
    model = build(kind, config, seed=3)
    model.fit(X, targets(model), epochs=2)
    d = model_to_dict(model)
    assert set(d["state"]) == set(model.get_state()) | {"training"}
    assert "params" not in d["state"]["training"] and "epoch" not in d["state"]["training"]
    assert d["epoch"] == 2
    assert_same(model_from_dict(d).get_training_state(), model.get_training_state())


def test_a_fresh_competitive_layer_copies_before_it_has_seen_data():
    config = {"n_neurons": 3, "conscience": True}
    fresh = build("competitive", config, seed=3)
    assert fresh.get_state()["centroids"] is None
    twin = build("competitive", config, seed=8)
    twin.set_training_state(fresh.get_training_state())
    fresh.fit(X, epochs=3)
    twin.fit(X, epochs=3)
    assert_same(twin.get_training_state(), fresh.get_training_state())


def test_the_conscience_frequencies_and_win_counts_travel():
    layer = build("competitive", {"n_neurons": 5, "conscience": True}, seed=1)
    layer.fit(X, epochs=4)
    state = layer.get_training_state()
    p = state["params"]["win_frequency"]
    assert not np.array_equal(p, np.full(5, 0.2))  # the conscience moved them
    twin = build("competitive", {"n_neurons": 5, "conscience": True}, seed=2)
    twin.set_training_state(state)
    assert_same(twin.get_state()["win_frequency"], p)
    assert_same(twin.get_state()["win_counts"], layer.win_counts)
    # A sample step goes on identically (conscience, frequencies, order).
    assert_same(asdict(step_sample(twin, X)), asdict(step_sample(layer, X)))


# ------------------------------------------------- set_state: new weights, no memory
@pytest.mark.parametrize("optimizer, empty", [
    ("momentum", {"name": "momentum", "velocity": None}),
    ("adam", {"name": "adam", "t": 0, "m": None, "s": None}),
])
def test_set_state_forgets_the_optimizer_memory_and_keeps_rng_and_epoch(optimizer, empty):
    """The documented distinction: set_state means "these are the weights now" (a lesson,
    typed weights, the loop's restore after divergence, where the memory is NaN or
    huge); set_training_state continues a run, memory and all."""
    config = {"layer_sizes": [2, 4, 1], "optimizer": optimizer, "batch_size": 8}
    model = build("mlp", config, seed=0)
    model.fit(X, targets(model), epochs=3)
    trained = model.get_training_state()
    assert trained["optimizer"]["name"] == optimizer
    memory = "velocity" if optimizer == "momentum" else "m"
    assert [w.shape for w in trained["optimizer"][memory]["weights"]] == [(2, 4), (4, 1)]
    if optimizer == "adam":
        assert trained["optimizer"]["t"] == 3 * 8  # 60 points in mini-batches of 8

    model.set_state(model.get_state())
    after = model.get_training_state()
    assert after["optimizer"] == empty
    assert_same(after["params"], trained["params"])
    assert_same(after["rng"], trained["rng"])
    assert after["epoch"] == 3

    model.set_training_state(trained)
    assert_same(model.get_training_state(), trained)


def test_an_adam_autoencoder_keeps_its_memory_through_the_training_state():
    config = {"layer_sizes": [2, 6, 2, 6, 2], "optimizer": "adam", "batch_size": 8}
    model = build("autoencoder", config, seed=0)
    model.fit(X, epochs=2)
    state = model.get_training_state()
    assert state["optimizer"]["t"] == 2 * 8
    assert not same_arrays(state["rng"], state["network_rng"])
    model.set_state(model.get_state())
    assert model.get_training_state()["optimizer"]["m"] is None


# ------------------------------------------------------------------- checking
def good_mlp():
    model = build("mlp", {"layer_sizes": [2, 3, 1], "optimizer": "momentum", "batch_size": 8}, 0)
    model.fit(X, targets(model), epochs=2)
    return model


def rng_with(**change):
    return {**rng_state(np.random.default_rng(0)), **change}


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("rng"), "lacks: rng"),
    (lambda s: s.update(momentum=1), "unknown entries: momentum"),
    (lambda s: s.update(epoch=-1), "whole number >= 0"),
    (lambda s: s.update(epoch=2.0), "whole number >= 0"),
    (lambda s: s.update(rng=rng_with(bit_generator="MT19937")), "Unknown random generator"),
    (lambda s: s.update(rng=rng_with(state=np.zeros(3, np.uint64))), "two 64-bit words"),
    (lambda s: s.update(rng=rng_with(inc=np.array([0.5, 1.0]))), "two 64-bit words"),
    (lambda s: s.update(rng=rng_with(has_uint32=2)), "has_uint32 must be a whole number"),
    (lambda s: s.update(rng={"state": 1}), "random generator's state must be a table"),
    (lambda s: s.update(optimizer={"name": "adam", "t": 0, "m": None, "s": None}),
     "does not fit this network's 'momentum' optimizer"),
    (lambda s: s["optimizer"]["velocity"]["weights"].pop(), "needs 2 entries for the weights"),
    (lambda s: s["optimizer"]["velocity"]["weights"].__setitem__(0, np.zeros((3, 2))),
     r"velocity for weights\[0\] must have shape \(2, 3\)"),
    (lambda s: s["optimizer"]["velocity"].update(biases=None), "needs 2 entries for the biases"),
    (lambda s: s["params"]["weights"].pop(), "Expected 2 weight matrices"),
])
def test_a_bad_training_state_is_refused_and_changes_nothing(change, message):
    model = good_mlp()
    before = model.get_training_state()
    bad = model.get_training_state()
    change(bad)
    other = build("mlp", model.get_config(), seed=5)
    other_before = other.get_training_state()
    with pytest.raises(ModelError, match=message):
        other.set_training_state(bad)
    assert_same(other.get_training_state(), other_before)
    assert_same(model.get_training_state(), before)


def test_adam_moments_must_cover_the_same_weights():
    model = build("mlp", {"layer_sizes": [2, 3, 1], "optimizer": "adam", "batch_size": 8}, 0)
    model.fit(X, targets(model), epochs=1)
    bad = model.get_training_state()
    bad["optimizer"]["s"] = None
    with pytest.raises(ModelError, match="m and s must cover the same weights"):
        model.set_training_state(bad)


def test_a_saved_model_with_a_damaged_training_state_is_refused():
    d = model_to_dict(good_mlp())
    d["state"]["training"]["rng"]["uinteger"] = 2**40
    with pytest.raises(ModelError, match="uinteger"):
        model_from_dict(d)
    d = model_to_dict(good_mlp())
    d["state"]["training"] = [1, 2]
    with pytest.raises(ModelError, match="training state of the mlp model is not valid"):
        model_from_dict(d)


def test_the_generator_state_round_trips_mid_word():
    rng = np.random.default_rng(1)
    rng.integers(0, 100, dtype=np.uint32)  # leaves half a 64-bit draw buffered
    stored = rng_state(rng)
    assert stored["has_uint32"] == 1
    copy = rng_from_state(stored)
    assert copy.bit_generator.state == rng.bit_generator.state
    assert np.array_equal(copy.integers(0, 2**31, 50, dtype=np.uint32),
                          rng.integers(0, 2**31, 50, dtype=np.uint32))
    with pytest.raises(ModelError, match="MT19937 random generator cannot be saved"):
        rng_state(np.random.Generator(np.random.MT19937(0)))


def test_a_file_written_before_training_states_still_loads():
    """Version 0.1 saved the weights and the epoch only: they load as before, with the
    generator of a model just built from the settings and an empty optimizer memory."""
    saved = load_session(DATA / "spiral_saved_by_0.1.nnp")
    assert "training" not in saved.model["state"]
    model = saved.build_model()
    state = model.get_training_state()
    assert state["epoch"] == 5
    assert_same(state["params"], {k: saved.model["state"][k] for k in ("weights", "biases")})
    built = MODEL_CLASSES["mlp"](**saved.model["config"])
    assert_same(state["rng"], rng_state(built.rng))
    assert state["optimizer"] == {"name": "sgd"}


def test_the_public_training_extras_and_epoch_cursor_round_trip_on_an_mlp():
    # The autoencoder drives its inner MLP through these (no private calls across classes).
    import inspect

    from nnplayground.core.autoencoder import Autoencoder
    from nnplayground.core.mlp import MLP

    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(10, 2)), rng.integers(0, 2, 10)
    a = MLP(layer_sizes=[2, 3, 1], optimizer="adam", batch_size=2, seed=3)
    a.fit(X, y, epochs=2)
    b = MLP(layer_sizes=[2, 3, 1], optimizer="adam", batch_size=2, seed=9)
    b.set_state(a.get_state())
    b.prepare_training_extras(a.get_training_extras())()
    b.prepare_epoch_cursor(a.get_epoch_cursor())()
    assert b.get_training_extras().keys() == a.get_training_extras().keys() == {"optimizer"}
    assert a.get_epoch_cursor() == b.get_epoch_cursor()
    assert "self.mlp._" not in inspect.getsource(Autoencoder)
