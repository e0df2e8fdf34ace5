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
  ``set_state()`` assigns them back after checking shapes. It is cheap (the training
  loop snapshots it ~30 times a second for the views) and means "these are the
  weights now": memory that belonged to other weights (an optimiser's moments) is
  forgotten, while the random generator and the epoch are left alone.
* ``get_training_state()`` / ``set_training_state()`` carry *everything* training
  depends on: ``{"params": get_state(), "epoch": int, "rng": rng_state(rng), ...}``
  plus the entries a model names in ``training_extras`` (the MLP's optimiser memory,
  the perceptron's converged flag, ...). Training 10 epochs, or training 5, copying
  the training state into a fresh model of the same config (any seed) and training 5
  more, gives bit-identical weights. Every value is a copy and storable in a session
  file (arrays, finite numbers, texts, None; no integer beyond 64 bits).
* The four models are ``EpochModel``s (``core.epoch_model``): an epoch walks the
  samples in an order drawn at its start (the *epoch cursor*). ``partial_fit`` runs an
  epoch (or what is left of the one in progress); ``step_sample`` (see
  ``nnplayground.core.explain``) takes the next sample only. Both go through the
  model's one public kernel, so ``len(X)`` sample steps are one ``partial_fit``. The
  cursor is the training state's ``"cursor"``: None between epochs, else ``{"order":
  int64 (n,), "position": samples done, ...}`` plus what the model accumulates (batch
  gradient, winners' sums, error sums).
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

#: A model's state: attribute name -> array, list of arrays, float, or None.
State = dict[str, Any]

#: Entries every training state has (see ``Model.get_training_state``).
TRAINING_CORE = ("params", "epoch", "rng")


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
    #: Entries of the training state besides params, epoch and rng (see
    #: ``_get_training_extras``).
    training_extras: ClassVar[tuple[str, ...]] = ()

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

    # ------------------------------------------------------------ training state
    def get_training_state(self, params: State | None = None) -> State:
        """Everything the next epochs depend on, as copies: ``{"params": get_state(),
        "epoch": int, "rng": rng_state(self.rng)}`` plus ``training_extras``.
        ``params``: a copy of ``get_state()`` the caller already took (the training loop
        takes one each epoch), used instead of copying the weights again."""
        state: State = {"params": self.get_state() if params is None else params,
                        "epoch": int(self.epoch), "rng": rng_state(self.rng)}
        state.update(self._get_training_extras())
        return state

    def set_training_state(self, state: Mapping[str, Any]) -> None:
        """Continue exactly where ``get_training_state()`` was taken (on a model of the
        same config; its seed may differ). Everything is checked before anything
        changes: ``ModelError`` leaves the model as it was."""
        if not isinstance(state, Mapping):
            raise ModelError("A training state must be a table.")
        expected = set(TRAINING_CORE) | set(self.training_extras)
        missing, extra = sorted(expected - set(state)), sorted(set(state) - expected)
        if missing:
            raise ModelError(f"The training state lacks: {', '.join(missing)}.")
        if extra:
            raise ModelError(f"The training state has unknown entries: {', '.join(extra)}.")
        epoch = state["epoch"]
        if isinstance(epoch, (bool, np.bool_)) or not isinstance(epoch, numbers.Integral) or epoch < 0:
            raise ModelError(f"The epoch must be a whole number >= 0, not {epoch!r}.")
        rng = rng_from_state(state["rng"])
        apply_extras = self._prepare_training_extras(
            {name: state[name] for name in self.training_extras})
        self.set_state(state["params"])  # checks, then assigns: the last step that can fail
        apply_extras()
        self.rng = rng
        self.epoch = int(epoch)

    def get_training_extras(self) -> State:
        """Copies of the entries named in ``training_extras`` (the part of
        ``get_training_state()`` besides params, epoch and rng), e.g. an MLP's optimiser
        memory. For a model that delegates its training to another (the autoencoder's
        inner MLP). Subclasses override ``_get_training_extras``."""
        return self._get_training_extras()

    def prepare_training_extras(self, extras: Mapping[str, Any]) -> Callable[[], None]:
        """Check ``extras`` (one value per ``training_extras`` name, as
        ``get_training_extras()`` returns them) without changing anything (``ModelError``)
        and return a function that assigns them; call it after ``set_state``, which may
        forget an optimiser's memory. Subclasses override ``_prepare_training_extras``."""
        return self._prepare_training_extras(extras)

    # The hooks behind the two methods above.
    def _get_training_extras(self) -> State:
        """Copies of the entries named in ``training_extras``."""
        return {}

    def _prepare_training_extras(self, extras: Mapping[str, Any]) -> Callable[[], None]:
        """Check ``extras`` (one value per ``training_extras`` name) without changing
        anything (``ModelError``), and return what assigns them. It runs after
        ``set_state`` (which may forget an optimiser's memory)."""
        return lambda: None


#: Bit generators whose state is two 128-bit numbers (NumPy's default, PCG64, and its
#: DXSM variant), the only ones ``rng_state`` stores.
_RNG_KINDS = ("PCG64", "PCG64DXSM")
_RNG_KEYS = frozenset(("bit_generator", "state", "inc", "has_uint32", "uinteger"))
_WORD = 1 << 64


def rng_state(rng: np.random.Generator) -> dict[str, Any]:
    """The exact position of ``rng``, storable in a session file::

        {"bit_generator": "PCG64", "state": uint64 (2,), "inc": uint64 (2,),
         "has_uint32": 0 or 1, "uinteger": int < 2**32}

    NumPy's own ``bit_generator.state`` holds ``state`` and ``inc`` as 128-bit Python
    ints; here each is two uint64 words, most significant first, so that the session
    codec stores them bit for bit as an array (JSON numbers beyond 2**53 lose digits in
    many readers). ``ModelError`` for a generator other than PCG64 / PCG64DXSM.
    """
    raw = rng.bit_generator.state
    kind = raw.get("bit_generator")
    if kind not in _RNG_KINDS:
        raise ModelError(f"A {kind} random generator cannot be saved; models use PCG64.")

    def words(n: int) -> np.ndarray:
        return np.array([n >> 64, n & (_WORD - 1)], dtype=np.uint64)

    return {"bit_generator": kind, "state": words(raw["state"]["state"]),
            "inc": words(raw["state"]["inc"]), "has_uint32": int(raw["has_uint32"]),
            "uinteger": int(raw["uinteger"])}


def rng_from_state(value: Any) -> np.random.Generator:
    """A new Generator at the position ``rng_state`` recorded (``ModelError`` if it is
    not one)."""
    if not isinstance(value, Mapping) or set(value) != _RNG_KEYS:
        raise ModelError("The random generator's state must be a table with "
                         f"{', '.join(sorted(_RNG_KEYS))}.")
    kind = value["bit_generator"]
    if kind not in _RNG_KINDS:
        raise ModelError(f"Unknown random generator {kind!r}; expected {' or '.join(_RNG_KINDS)}.")

    def number(name: str) -> int:
        words = np.asarray(value[name])
        if words.shape != (2,) or words.dtype.kind not in "ui" or np.any(words < 0):
            raise ModelError(f"The random generator's {name} must be two 64-bit words.")
        high, low = (int(w) for w in words)
        return (high << 64) | low

    def small(name: str, limit: int) -> int:
        n = value[name]
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or not 0 <= n < limit:
            raise ModelError(f"The random generator's {name} must be a whole number "
                             f"from 0 to {limit - 1}, not {n!r}.")
        return int(n)

    bit_generator = getattr(np.random, kind)()
    bit_generator.state = {"bit_generator": kind,
                           "state": {"state": number("state"), "inc": number("inc")},
                           "has_uint32": small("has_uint32", 2),
                           "uinteger": small("uinteger", 1 << 32)}
    return np.random.Generator(bit_generator)


def error_or_none(model: Model, X: Any, y: Any = None) -> float | None:
    """``model``'s error on ``X`` (and ``y``) now, None when there is nothing to measure
    or it cannot be measured (the trainer's hints and the window's readout ask this)."""
    if X is None or len(X) == 0:
        return None
    try:
        with np.errstate(all="ignore"):
            return float(model.error(X, y))
    except Exception:  # noqa: BLE001 - a model that cannot be measured yet
        return None


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
