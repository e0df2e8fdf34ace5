"""The playground's state as plain values (core/state.py): no Qt, exact."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnplayground.core.state import (
    IMPORTED,
    LESSON,
    OWN,
    PRESET,
    DatasetSpec,
    ModelSpec,
    PlaygroundState,
    SplitSpec,
    ViewRequest,
    ViewSpec,
    axis_name,
    axis_names,
    fit_model_spec,
    output_size,
)


def test_axis_names_are_one_based_past_z():
    assert axis_names(4) == ["x", "y", "z", "x4"]
    assert axis_name(5) == "x6"
    with pytest.raises(ValueError):
        axis_name(-1)


def test_output_size():
    assert [output_size(n) for n in (1, 2, 3, 10)] == [1, 1, 3, 10]


def test_dataset_spec_says_what_the_data_is():
    assert DatasetSpec.from_preset("Spiral", 3, 0.1).describe() == "Spiral"
    assert DatasetSpec.imported("my points.csv").describe() == "Imported: my points.csv"
    assert DatasetSpec().describe() == "Your own points"
    assert [DatasetSpec.from_preset("A").source, DatasetSpec().source,
            DatasetSpec.imported("f").source] == [PRESET, OWN, IMPORTED]
    with pytest.raises(ValueError):
        DatasetSpec(PRESET)  # a preset needs its name
    with pytest.raises(ValueError):
        DatasetSpec("downloaded")


def test_a_lesson_spec_says_which_lesson_data_it_is():
    spec = DatasetSpec.lesson("XOR (truth table)")
    assert spec.source == LESSON and not spec.is_preset
    assert spec.describe() == "Lesson: XOR (truth table)"
    assert DatasetSpec(LESSON).describe() == "Lesson points"
    assert spec == DatasetSpec.lesson("XOR (truth table)")
    assert spec != DatasetSpec.lesson("AND") and spec != DatasetSpec()
    centres = DatasetSpec.lesson("Gaussian clusters", true_centroids=[[1.0, 2.0, 1.0]])
    assert centres.true_centroids.shape == (1, 3) and not centres.true_centroids.flags.writeable


def test_dataset_spec_is_frozen_and_its_centres_cannot_change():
    centres = np.array([[1.0, 2.0], [3.0, 4.0]])
    spec = DatasetSpec.from_preset("Blobs", true_centroids=centres)
    centres[0, 0] = 99.0  # the caller's array, not the spec's
    assert spec.true_centroids[0, 0] == 1.0
    with pytest.raises(ValueError):
        spec.true_centroids[0, 0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.seed = 4
    assert spec == DatasetSpec.from_preset("Blobs", true_centroids=[[1, 2], [3, 4]])
    assert spec != DatasetSpec.from_preset("Blobs")


def test_split_spec_checks_its_range():
    assert SplitSpec(0.25, 7) == SplitSpec(0.25, 7)
    for bad in (-0.1, 1.0, float("nan")):
        with pytest.raises(ValueError):
            SplitSpec(bad)


def test_view_spec_needs_two_different_axes():
    assert ViewSpec((0, 2)).axes == (0, 2)
    with pytest.raises(ValueError):
        ViewSpec((1, 1))
    assert ViewRequest() == ViewRequest((0, 1), (-6.0, 6.0, -6.0, 6.0), 100)


def test_fit_model_spec_follows_the_data_and_keeps_every_other_setting():
    mlp = ModelSpec("mlp", {"layer_sizes": [2, 8, 4, 1], "learning_rate": 0.3, "seed": 5})
    fitted = fit_model_spec(mlp, 3, 5)
    assert fitted.config == {"layer_sizes": [3, 8, 4, 5], "learning_rate": 0.3, "seed": 5}
    assert mlp.config["layer_sizes"] == [2, 8, 4, 1]  # the old spec is unchanged
    assert fit_model_spec(mlp, 2, 2) is mlp
    regression = ModelSpec("mlp", {"layer_sizes": [2, 3, 2], "task": "regression"})
    assert fit_model_spec(regression, 4, 9).config["layer_sizes"] == [4, 3, 2]
    ae = ModelSpec("autoencoder", {"layer_sizes": [2, 8, 1, 8, 2]})
    assert fit_model_spec(ae, 4, 2).config["layer_sizes"] == [4, 8, 1, 8, 4]
    for kind in ("perceptron", "competitive"):
        assert fit_model_spec(ModelSpec(kind, {"n_inputs": 2}), 3, 2).config == {"n_inputs": 3}


def test_fixed_weights_survive_only_when_the_sizes_do():
    spec = ModelSpec("perceptron", {"n_inputs": 2, "bias": False},
                     initial_state={"weights": np.array([0.5, -0.25])})
    assert fit_model_spec(spec, 2, 2).initial_state is not None
    assert fit_model_spec(spec, 3, 2).initial_state is None
    built = spec.build()
    np.testing.assert_array_equal(built.weights, [0.5, -0.25])


def test_model_spec_builds_the_same_model_from_the_same_seed():
    spec = ModelSpec("mlp", {"layer_sizes": [2, 3, 1], "seed": 11})
    a, b = spec.build(), spec.build()
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    with pytest.raises(ValueError):
        ModelSpec("decision tree").build()


def test_state_changes_are_new_values():
    state = PlaygroundState()
    other = state.but(split=SplitSpec(0.2, 1))
    assert state.split == SplitSpec() and other.split == SplitSpec(0.2, 1)
    assert state.changed_fields(other) == {"split"}
    assert state.changed_fields(state.but(dataset=DatasetSpec.imported("f.csv"))) == {"dataset"}
