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
* ``live_params`` declares the few settings that may change while training (between two
  epochs), each with its type and range (a ``LiveParam``); ``set_live_param(name,
  value)`` checks and applies one, also where the model keeps a second copy (an
  optimiser, an inner network). Everything else is structural and needs a new model.
* Training never emits NumPy floating-point warnings: overflow and NaN are a result the
  caller checks for (see ``nnplayground.training.loop``), not a warning.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

#: A model's state: attribute name -> array, list of arrays, float, or None.
State = dict[str, Any]


class ModelError(ValueError):
    """Raised for input a model cannot work with; the message is meant for a teacher."""


@dataclass(frozen=True)
class LiveParam:
    """A setting a model takes between two epochs without being rebuilt.

    ``type`` is ``float``, ``int`` or ``bool``; a number must lie in ``[min, max]``
    (None: no bound); ``optional`` allows None (the MLP's batch size: None is the full
    batch). ``check`` is the one place these rules are enforced.
    """

    type: type
    min: float | None = None
    max: float | None = None
    optional: bool = False

    def check(self, name: str, value: Any) -> Any:
        """``value`` as ``type``; ``ModelError`` naming the setting when it is not one."""
        what = name.replace("_", " ")
        if value is None:
            if self.optional:
                return None
            raise ModelError(f"The {what} needs a value.")
        if self.type is bool:
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            raise ModelError(f"The {what} is on or off (True or False), not {value!r}.")
        # bool is an int to Python, never a number to a teacher.
        is_bool = isinstance(value, (bool, np.bool_))
        if self.type is int and (is_bool or not isinstance(value, numbers.Integral)):
            raise ModelError(f"The {what} must be a whole number, not {value!r}.")
        if is_bool or not isinstance(value, numbers.Real):
            raise ModelError(f"The {what} must be a number, not {value!r}.")
        number = self.type(value)
        low = -math.inf if self.min is None else self.min
        high = math.inf if self.max is None else self.max
        if not (math.isfinite(number) and low <= number <= high):
            raise ModelError(f"The {what} must be {self.describe_range()}, not {value}.")
        return number

    def describe_range(self) -> str:
        """The allowed range in words, e.g. "from 0.00000001 to 100" or "at least 1"."""
        low, high = (None if v is None else np.format_float_positional(v, trim="-")
                     for v in (self.min, self.max))
        if low is not None and high is not None:
            return f"from {low} to {high}"
        if low is not None:
            return f"at least {low}"
        if high is not None:
            return f"at most {high}"
        return "a finite number"


#: Every model's learning rate (the panel's learning-rate field offers the same range).
LEARNING_RATE = LiveParam(float, min=1e-8, max=100.0)


class Model(ABC):
    """Base class of every trainable model."""

    #: Short identifier used in session files and the UI ("perceptron", "mlp", ...).
    kind: str = ""
    #: True for models trained without labels (competitive layer, autoencoder).
    unsupervised: bool = False
    #: Columns of X the model takes (an attribute or a property in every model).
    n_inputs: int
    #: Settings that may change while training: name -> LiveParam (see the module
    #: docstring). Read-only; a subclass declares its own.
    live_params: ClassVar[Mapping[str, LiveParam]] = MappingProxyType({})

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

    # ------------------------------------------------------ settings while training
    @classmethod
    def check_live_param(cls, name: str, value: Any) -> Any:
        """``value`` converted for ``set_live_param``, or ``ModelError`` when this kind of
        model cannot take ``name`` while training or ``value`` is not a valid one."""
        spec = cls.live_params.get(name)
        if spec is None:
            allowed = ", ".join(cls.live_params) or "nothing"
            raise ModelError(f"{cls.__name__} cannot change {name!r} while training "
                             f"(it can change: {allowed}).")
        return spec.check(name, value)

    def set_live_param(self, name: str, value: Any) -> None:
        """Change a setting declared in ``live_params``; it applies from the next update.

        Checked before anything changes: ``ModelError`` leaves the model as it was.
        """
        self._apply_live_param(name, self.check_live_param(name, value))

    def _apply_live_param(self, name: str, value: Any) -> None:
        """Assign a checked value; models that keep a second copy also update that."""
        setattr(self, name, value)

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
