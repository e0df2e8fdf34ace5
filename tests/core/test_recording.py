"""The recording of a run (core/recording.py): every epoch while it fits, thinned after."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.mlp import MLP
from nnplayground.core.recording import Recording, state_nbytes


def state(epoch: int, n: int = 100) -> dict:
    return {"params": {"w": np.full(n, float(epoch))}, "epoch": epoch}


def test_every_epoch_is_kept_while_it_fits():
    rec = Recording(budget=10**9)
    for e in range(50):
        rec.record(e, state(e))
    assert rec.epochs.tolist() == list(range(50))
    assert rec.at(17)[0] == 17 and rec.at(17)[1]["params"]["w"][0] == 17.0
    assert rec.at(1000)[0] == 49
    assert Recording().at(3) is None


def test_a_long_run_stays_within_its_budget_recent_epochs_dense():
    one = state_nbytes(state(0))
    rec = Recording(budget=200 * one)
    for e in range(30_000):
        rec.record(e, state(e))
        assert rec.nbytes <= 200 * one
    epochs = rec.epochs
    assert epochs[0] == 0 and epochs[-1] == 29_999  # the start and the end always stay
    gaps = np.diff(epochs)
    assert gaps[-1] < gaps[0]  # the recent past denser than the distant past
    assert len(epochs) > 50  # thinning halves the older half, never all of it
    # at() finds the latest recorded epoch at or before any epoch of the run.
    for probe in (0, 1, 12_345, 29_998, 29_999):
        got, st = rec.at(probe)
        assert got <= probe and st["epoch"] == got


def test_recording_again_from_an_earlier_epoch_drops_the_later_history():
    rec = Recording(budget=10**9)
    for e in range(10):
        rec.record(e, state(e))
    rec.record(4, state(4))  # Play from epoch 3's state: its next epoch is 4 again
    assert rec.epochs.tolist() == [0, 1, 2, 3, 4]
    rec.truncate_after(1)
    assert rec.epochs.tolist() == [0, 1] and rec.nbytes == 2 * state_nbytes(state(0))


def test_a_copy_for_a_session_is_thinned_to_its_own_budget_and_round_trips():
    one = state_nbytes(state(0))
    rec = Recording(budget=10**9)
    for e in range(1000):
        rec.record(e, state(e))
    small = rec.thinned(100 * one)
    assert small.nbytes <= 100 * one and len(rec) == 1000
    back = Recording.from_dict(small.to_dict())
    assert back.epochs.tolist() == small.epochs.tolist()
    for bad in ({"epochs": [3, 2], "states": [{}, {}]}, {"epochs": [0], "states": []},
                {"epochs": [0], "states": [1]}, [], {"epochs": [0.5], "states": [{}]}):
        with pytest.raises(ValueError):
            Recording.from_dict(bad)


def test_playing_on_from_a_recorded_state_equals_never_having_stopped():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = MLP([2, 4, 1], optimizer="adam", batch_size=8, seed=1)
    rec = Recording()
    for _ in range(10):
        model.partial_fit(X, y)
        rec.record(model.epoch, model.get_training_state())
    later = MLP([2, 4, 1], optimizer="adam", batch_size=8, seed=99)
    epoch, st = rec.at(5)
    later.set_training_state(st)
    for _ in range(5):
        later.partial_fit(X, y)
    for a, b in zip(later.weights, model.weights):
        np.testing.assert_array_equal(a, b)


def test_check_fits_names_the_first_state_that_does_not_fit_its_model():
    from nnplayground.core.registry import model_from_config

    model = model_from_config("mlp", {"layer_sizes": [2, 4, 1]})
    recording = Recording()
    for epoch in range(3):
        recording.record(epoch, model.get_training_state())
    recording.check_fits(model)  # every state fits: nothing said
    other = model_from_config("mlp", {"layer_sizes": [2, 5, 1]})
    recording.record(3, other.get_training_state())
    with pytest.raises(ValueError, match=r"the state of epoch 3 does not fit its model \(weights"):
        recording.check_fits(model)
