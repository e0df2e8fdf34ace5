"""The training process keeps earlier models' recordings for a while, so that an undo
which gives a trained model back (``SET_MODEL``'s ``earlier``) gives its timeline too."""

from __future__ import annotations

from nnplayground.core.mlp import MLP
from nnplayground.core.registry import model_to_dict
from nnplayground.training import process
from nnplayground.training import protocol as P
from nnplayground.training.process import Trainer
from tests.training.conftest import X_XOR, Y_XOR


class Wire:
    def send(self, message: tuple) -> None:
        pass


def trained(trainer: Trainer, generation: int, epochs: int, **extra) -> MLP:
    model = MLP(layer_sizes=[2, 3, 1], seed=generation)
    trainer.set_model(generation, model_to_dict(model), **extra)
    trainer.run(max_epochs=epochs, stepping=True)
    return trainer.model


def test_a_model_given_back_takes_its_recording_back():
    trainer = Trainer(Wire(), clock=lambda: 0.0)
    trainer.handle_immediate((P.SET_ARRAYS, X_XOR, Y_XOR, None, None))
    first = trained(trainer, 1, 6)
    assert list(trainer.recording.epochs) == [0, 1, 2, 3, 4, 5, 6]
    trained(trainer, 2, 3)
    assert list(trainer.recording.epochs) == [0, 1, 2, 3]  # a new model: its own
    # The undo: generation 1's model again, as generation 3, trained on from there.
    trainer.set_model(3, model_to_dict(first), earlier=1)
    assert list(trainer.recording.epochs) == [0, 1, 2, 3, 4, 5, 6]
    trainer.run(max_epochs=8, stepping=True)
    assert list(trainer.recording.epochs) == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    # Generation 2's is kept in turn; one never kept (or long gone) gives a fresh one.
    trainer.set_model(4, model_to_dict(first), earlier=99)
    assert list(trainer.recording.epochs) == [6]


def test_only_the_last_few_recordings_are_kept(monkeypatch):
    monkeypatch.setattr(process, "KEPT_RECORDINGS", 2)
    trainer = Trainer(Wire(), clock=lambda: 0.0)
    trainer.handle_immediate((P.SET_ARRAYS, X_XOR, Y_XOR, None, None))
    models = [trained(trainer, g, 2) for g in (1, 2, 3, 4)]
    trainer.set_model(5, model_to_dict(models[0]), earlier=1)  # the oldest: gone
    assert list(trainer.recording.epochs) == [2]
    trainer.set_model(6, model_to_dict(models[2]), earlier=3)
    assert list(trainer.recording.epochs) == [0, 1, 2]


def test_a_model_given_back_before_the_next_came_keeps_its_recording_whole(monkeypatch):
    """The model in between never reached the process (it was not trained): the one
    given back goes on with its own recording, not a copy thinned for keeping."""
    monkeypatch.setattr(process, "KEPT_BUDGET", 1)  # a kept copy: first and last only
    trainer = Trainer(Wire(), clock=lambda: 0.0)
    trainer.handle_immediate((P.SET_ARRAYS, X_XOR, Y_XOR, None, None))
    first = trained(trainer, 1, 6)
    trainer.set_model(3, model_to_dict(first), earlier=1)  # generation 2 was never sent
    assert list(trainer.recording.epochs) == [0, 1, 2, 3, 4, 5, 6]
