"""STEP_SAMPLE through the training process: the window's copy follows the trainer's
model sample by sample, an epoch closed by samples is one epoch, Play goes on from the
cursor."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.competitive import CompetitiveLayer
from nnplayground.core.explain import step_sample
from nnplayground.core.mlp import MLP
from nnplayground.core.perceptron import Perceptron
from nnplayground.training.client import TrainingController
from tests.training.conftest import X_XOR, Y_XOR


def test_sample_steps_make_one_epoch_and_the_copy_follows(qtbot, controller):
    model = Perceptron(2, bias=True, seed=0, shuffle=True)
    reference = Perceptron(2, bias=True, seed=0, shuffle=True)
    controller.set_model(model)
    seen = []
    controller.sample_stepped.connect(lambda trace, snap, view: seen.append((trace, snap)))
    for i in range(4):
        trace = controller.step_sample()
        expected = step_sample(reference, X_XOR, Y_XOR)
        assert trace.sample_index == expected.sample_index and trace.position == i
        np.testing.assert_array_equal(trace.delta_w, expected.delta_w)
        np.testing.assert_array_equal(model.weights, reference.weights)  # the copy follows
    assert model.epoch == 1 and trace.epoch_closed
    snaps = [s for _, s in seen]
    assert [len(s.new_train_errors) for s in snaps] == [0, 0, 0, 1]
    assert snaps[-1].new_train_errors[0] == trace.epoch_error
    one_epoch = Perceptron(2, bias=True, seed=0, shuffle=True)
    one_epoch.partial_fit(X_XOR, Y_XOR)
    np.testing.assert_array_equal(model.weights, one_epoch.weights)


@pytest.mark.parametrize("make", [
    lambda: MLP([2, 3, 1], activation="tanh", learning_rate=0.3, seed=2, batch_size=1,
                optimizer="adam"),
    lambda: MLP([2, 3, 1], activation="tanh", learning_rate=0.3, seed=2, batch_size=2,
                optimizer="momentum"),
    lambda: CompetitiveLayer(2, 2, seed=1),
])
def test_play_in_mid_epoch_goes_on_from_the_cursor(qtbot, controller, make):
    model, reference = make(), make()
    controller.set_model(model)
    for _ in range(3):
        controller.step_sample()
        step_sample(reference, X_XOR, Y_XOR)
    assert model.epoch_position == reference.epoch_position == 3
    with qtbot.waitSignal(controller.finished, timeout=20000):
        assert controller.step()  # finishes the epoch in progress, then one more
    reference.partial_fit(X_XOR, Y_XOR)
    for a, b in zip(model.get_state().values(), reference.get_state().values()):
        for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
            if x is not None:
                np.testing.assert_allclose(x, y, rtol=1e-12, atol=0)
    assert model.epoch == reference.epoch == 1


def test_no_points_is_a_message_and_nothing_changes(qtbot):
    c = TrainingController()
    try:
        c.set_arrays(np.zeros((0, 2)), np.zeros(0))
        model = Perceptron(2, seed=0)
        c.set_model(model)
        with pytest.raises(ValueError, match="no training points"):
            c.step_sample()
        assert model.epoch == 0 and model.epoch_position == 0
    finally:
        c.shutdown()
