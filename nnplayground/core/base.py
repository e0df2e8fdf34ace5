"""The contract every model in nnplayground keeps.

The window, the training loop and the session files only ever talk to a model through
this interface, so a new model needs nothing outside ``core``.

Conventions
-----------
* ``X`` is a float array of shape (n_samples, n_inputs); ``y`` is what the model's
  ``partial_fit`` documents (class labels as ints, or targets as floats), or ``None`` for
  unsupervised models.
* Everything random draws from ``self.rng``, a ``numpy.random.Generator`` built from
  ``seed``; ``reset()`` rebuilds it, so ``reset()`` then the same calls give bit-identical
  results.
* Trainable arrays are plain public attributes (a teacher types in weights, a lesson
  sets them). ``get_state()`` returns copies of them keyed by attribute name;
  ``set_state()`` assigns them back after checking shapes.
* ``get_config()`` returns JSON-able constructor keyword arguments, so
  ``type(m)(**m.get_config())`` builds an equivalent untrained model.
* Training never emits NumPy floating-point warnings: overflow and NaN are a result the
  caller checks for (see ``nnplayground.training.loop``), not a warning.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

#: A model's state: attribute name -> array, list of arrays, float, or None.
State = dict[str, Any]


class ModelError(ValueError):
    """Raised for input a model cannot work with; the message is meant for a teacher."""


class Model(ABC):
    """Base class of every trainable model."""

    #: Short identifier used in session files and the UI ("perceptron", "mlp", ...).
    kind: str = ""
    #: True for models trained without labels (competitive layer, autoencoder).
    unsupervised: bool = False
    #: Columns of X the model takes (an attribute or a property in every model).
    n_inputs: int

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0

    # ----------------------------------------------------------------- lifecycle
    def reset(self, seed: int | None = None) -> None:
        """Fresh initialisation from ``seed`` (or the current seed); epoch back to 0."""
        if seed is not None:
            self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self._initialize()

    @abstractmethod
    def _initialize(self) -> None:
        """(Re)create the trainable arrays from ``self.rng``."""

    # ------------------------------------------------------------------ training
    @abstractmethod
    def partial_fit(self, X: np.ndarray, y: np.ndarray | None = None) -> float:
        """Run exactly one epoch over ``X`` and return that epoch's training error."""

    def fit(self, X: np.ndarray, y: np.ndarray | None = None, epochs: int = 1) -> list[float]:
        """Run ``epochs`` epochs; returns the error of each."""
        return [self.partial_fit(X, y) for _ in range(int(epochs))]

    @abstractmethod
    def predict(self, X: np.ndarray) -> np.ndarray:
        """The model's answer for each row of ``X``."""

    @abstractmethod
    def error(self, X: np.ndarray, y: np.ndarray | None = None) -> float:
        """The error ``partial_fit`` reports, measured on ``X`` without training."""

    @property
    def converged(self) -> bool:
        """True when further epochs cannot change anything (e.g. a perceptron with no
        mistakes left). Most models never say so."""
        return False

    # --------------------------------------------------------------------- state
    @abstractmethod
    def get_config(self) -> dict[str, Any]:
        """JSON-able constructor keyword arguments (including ``seed``)."""

    @abstractmethod
    def get_state(self) -> State:
        """Copies of the trainable arrays (and fitted statistics) by attribute name."""

    @abstractmethod
    def set_state(self, state: State) -> None:
        """Assign a state from ``get_state()``; raises ``ModelError`` on wrong shapes."""

    def params_finite(self) -> bool:
        """True when no trainable number is NaN or infinite."""
        return state_finite(self.get_state())


def state_finite(state: State) -> bool:
    """True when no number in a ``get_state()`` dict is NaN or infinite."""
    return all(np.all(np.isfinite(arr)) for value in state.values() for arr in _arrays(value))


def _arrays(value: Any):
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _arrays(item)
    else:
        yield np.asarray(value, dtype=float)


def as_2d_float(X: Any, n_inputs: int | None = None, name: str = "X") -> np.ndarray:
    """Validate and convert input data to a float64 (n, d) array."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1) if n_inputs is not None and arr.size == n_inputs else arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ModelError(f"{name} must be a table of points (rows x features), got shape {arr.shape}.")
    if n_inputs is not None and arr.shape[1] != n_inputs:
        raise ModelError(
            f"The model expects {n_inputs} input(s) per point but the data has {arr.shape[1]}."
        )
    if not np.all(np.isfinite(arr)):
        raise ModelError(f"{name} contains NaN or infinite values.")
    return arr
