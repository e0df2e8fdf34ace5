"""When the training process sends its snapshots (``Trainer``, run in this process)."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core.mlp import MLP
from nnplayground.core.registry import model_to_dict
from nnplayground.training import protocol as P
from nnplayground.training.process import Trainer
from tests.training.conftest import X_XOR, Y_XOR

EPOCH_SECONDS = 0.010  # each epoch takes 10 ms on the trainer's clock
# Snapshots are due every 1/32 s: at the ends of epochs 4, 7 and 10 of a 12-epoch run.


def new_model() -> MLP:
    return MLP(layer_sizes=[2, 3, 1], seed=0)


class Wire:
    """The window's end of the pipe: what the trainer sent, and its model's epoch then."""

    def __init__(self) -> None:
        self.trainer: Trainer | None = None
        self.sent: list[tuple[tuple, int]] = []

    def send(self, message: tuple) -> None:
        self.sent.append((message, self.trainer.model.epoch))

    def snapshots(self) -> list[tuple[object, int]]:
        return [(message[1], at) for message, at in self.sent if message[0] == P.SNAPSHOT]


def run_with_window(acks_during: int, *extra) -> Wire:
    """A 12-epoch run whose window takes the first snapshot (sent at epoch 4) while epoch
    ``acks_during`` trains, sending ``extra`` commands with its ACK."""
    wire = Wire()
    trainer = Trainer(wire, snapshot_interval=1 / 32,
                      clock=lambda: trainer.model.epoch * EPOCH_SECONDS)
    wire.trainer = trainer
    trainer.handle_immediate((P.SET_ARRAYS, X_XOR, Y_XOR, None, None))
    trainer.set_model(1, model_to_dict(new_model()))
    apply_params = trainer.control.apply_params

    def window(model):
        if model.epoch == acks_during - 1:
            for command in extra:
                trainer.handle_immediate(command)
            trainer.handle_immediate((P.ACK,))
        apply_params(model)

    trainer.control.apply_params = window
    trainer.run(max_epochs=12, stepping=False)
    return wire


def reference_errors() -> list[float]:
    model = new_model()
    return [float(model.partial_fit(X_XOR, Y_XOR)) for _ in range(12)]


@pytest.mark.parametrize("acks_during, sent", [
    # Between due times: a fresh snapshot goes when that epoch ends (the one held back at
    # epoch 7 rides on it), not with the one due at epoch 10.
    (8, [(4, 4), (8, 8), (12, 12)]),
    # In an epoch that is due anyway: that epoch's snapshot, not the older one held back.
    (10, [(4, 4), (10, 10), (12, 12)]),
])
def test_once_the_window_took_the_last_snapshot_a_fresh_one_goes_at_the_next_epoch_end(
        acks_during, sent):
    snapshots = run_with_window(acks_during).snapshots()
    assert [(snapshot.epoch, at) for snapshot, at in snapshots] == sent
    errors = np.concatenate([snapshot.new_train_errors for snapshot, _ in snapshots])
    assert errors.tolist() == reference_errors()  # every epoch's error once, in order


def test_a_model_asked_for_comes_at_the_epoch_of_the_snapshot_it_follows():
    wire = run_with_window(8, (P.WANT_MODEL,))
    names = [message[0] for message, _ in wire.sent]
    i = names.index(P.LIVE_MODEL)
    assert names[i - 1] == P.SNAPSHOT
    snapshot, model = wire.sent[i - 1][0][1], wire.sent[i][0][1]
    assert snapshot.epoch == model["epoch"] == 8
