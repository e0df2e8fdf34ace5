"""When the training process sends its snapshots (``Trainer``, run in this process)."""

from __future__ import annotations

import numpy as np

from nnplayground.core.mlp import MLP
from nnplayground.core.registry import model_to_dict
from nnplayground.training import protocol as P
from nnplayground.training.process import Trainer
from tests.training.conftest import X_XOR, Y_XOR

EPOCH_SECONDS = 0.010  # each epoch takes 10 ms on the trainer's clock


class Wire:
    """The window's end of the pipe: what the trainer sent, and its model's epoch then."""

    def __init__(self) -> None:
        self.trainer: Trainer | None = None
        self.sent: list[tuple[tuple, int]] = []

    def send(self, message: tuple) -> None:
        self.sent.append((message, self.trainer.model.epoch))

    def snapshots(self) -> list[tuple[object, int]]:
        return [(message[1], at) for message, at in self.sent if message[0] == P.SNAPSHOT]


def test_a_held_back_frame_goes_at_the_first_epoch_end_after_the_window_took_the_last():
    wire = Wire()
    trainer = Trainer(wire, snapshot_interval=1 / 32,
                      clock=lambda: trainer.model.epoch * EPOCH_SECONDS)
    wire.trainer = trainer
    trainer.handle_immediate((P.SET_ARRAYS, X_XOR, Y_XOR, None, None))
    trainer.set_model(1, model_to_dict(MLP(layer_sizes=[2, 3, 1], seed=0)))
    apply_params = trainer.control.apply_params

    def window_acks_during_epoch_8(model):
        # The window took the first snapshot (sent at epoch 4) while epoch 8 trains.
        if model.epoch == 7:
            trainer.handle_immediate((P.ACK,))
        apply_params(model)

    trainer.control.apply_params = window_acks_during_epoch_8
    trainer.run(max_epochs=12, stepping=False)

    sent = wire.snapshots()
    # Due every 31.25 ms: at the ends of epochs 4 (sent), 7 (the window still has the
    # first: held back) and 10. The held-back one goes when epoch 8 ends, not with the
    # one due at epoch 10.
    assert [(snapshot.epoch, at) for snapshot, at in sent] == [(4, 4), (7, 8), (12, 12)]
    errors = np.concatenate([snapshot.new_train_errors for snapshot, _ in sent])
    assert len(errors) == 12  # every epoch's error, once
