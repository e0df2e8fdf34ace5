"""Runs that go wrong without NaN: a learning rate too large, a network that died. Pure.

The loop pauses on NaN or infinity (``loop.py``), but a rate of 10 or 100 on the spiral
rarely gets there: the error jumps up and stays high, for ever. A ReLU network whose
neurons all died (each outputs 0 for every point) gives the same output for every point,
epoch after epoch, and no error ever says so. ``RunWatch`` watches a run's errors and
outputs and gives one ``Hint`` for each, with the fix the window offers (lower the rate;
re-initialise).

The rules (numbers below; ``tests/training/test_hints.py`` holds them to real runs):

* **rate**: over the last ``RATE_WINDOW`` epochs the error stayed high: even its
  ``RATE_QUANTILE`` quantile (a few lucky epochs do not count) is above the error
  before training (``reset(reference_error)``; else the first epoch's) *and* above
  ``RATE_FACTOR`` times the best error before those epochs. Training made the network
  worse than untrained and it does not come back: the steps overshoot. (A run that
  converges has its recent errors below where it began, however they wobble.) Models
  whose error is no gradient step's (a perceptron counting mistakes, a competitive
  layer) are not watched for this: their rate is no cause.
* **dead**: the outputs over the training points (at most ``DEAD_ROWS`` of them,
  spread over the data: ``watched_rows``) have not
  differed between points by more than ``DEAD_SPREAD`` for ``DEAD_EPOCHS`` epochs: dead
  ReLUs (0 for every point) or saturated neurons (the same value for every point) pass
  no gradient back, so the network cannot learn any more.

A hint is given once; ``reset()`` (a new model, new data, a changed setting) starts the
watch afresh, so a rate lowered too little is hinted at again.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

RATE_WINDOW = 30
RATE_FACTOR = 1.5
RATE_QUANTILE = 0.2
DEAD_EPOCHS = 50
DEAD_SPREAD = 1e-6
#: rows looked at, a sample spread over the data: a dead network gives one output for
#: every point; one whose output changes only between the sampled rows could be taken
#: for dead (a quarter of 256 rows' cost, at every look during a run)
DEAD_ROWS = 64

RATE = "rate"
DEAD = "dead"


@dataclass(frozen=True)
class Hint:
    """``kind`` RATE or DEAD; ``epoch`` when it was seen; ``message`` for a teacher;
    ``learning_rate`` the rate at the time (None when the model has none)."""

    kind: str
    epoch: int
    message: str
    learning_rate: float | None = None


def model_outputs(model: Any, X: np.ndarray) -> np.ndarray | None:
    """What the network outputs for the rows ``X`` (an MLP's output activations, an
    autoencoder's reconstructions); None for models whose outputs may rightly be the
    same everywhere (a perceptron's step, a competitive layer's winner)."""
    if len(X) == 0:
        return None
    with np.errstate(all="ignore"):
        if hasattr(model, "predict_proba"):
            return np.asarray(model.predict_proba(X), dtype=np.float64)
        if getattr(model, "kind", "") == "autoencoder":
            return np.asarray(model.predict(X), dtype=np.float64)
    return None


def watched_rows(X: np.ndarray) -> np.ndarray:
    """At most ``DEAD_ROWS`` rows of ``X``, evenly spread over it (the points of a
    preset come class by class; the first rows could all be one class's)."""
    step = max(1, -(-len(X) // DEAD_ROWS))
    return X[::step]


def outputs_constant(outputs: np.ndarray | None) -> bool:
    """True when every row of ``outputs`` is the same (within ``DEAD_SPREAD``, relative
    to the outputs' size)."""
    if outputs is None or len(outputs) < 2 or not np.all(np.isfinite(outputs)):
        return False
    outputs = outputs.reshape(len(outputs), -1)
    spread = float(np.max(np.ptp(outputs, axis=0)))
    return spread <= DEAD_SPREAD * max(1.0, float(np.max(np.abs(outputs))))


class RunWatch:
    """Watches one model's run; ``observe`` after each snapshot. See the module docstring."""

    def __init__(self, *, rate: bool = True, dead: bool = True) -> None:
        self.watch_rate, self.watch_dead = rate, dead
        self.reset()

    @classmethod
    def for_model(cls, model: Any) -> RunWatch:
        """The checks that make sense for ``model``: the rate for gradient-trained
        networks, dead outputs for networks with continuous outputs."""
        kind = getattr(model, "kind", "")
        network = kind in ("mlp", "autoencoder")
        return cls(rate=network, dead=network)

    def reset(self, reference_error: float | None = None) -> None:
        """Start afresh (a new model, new data, a changed setting). ``reference_error``:
        the error before this stretch of training, when known."""
        self._recent: deque[float] = deque(maxlen=RATE_WINDOW)
        self._best_before = np.inf  # of the errors older than the window
        self._first = reference_error if reference_error is not None and np.isfinite(
            reference_error) else None
        self._constant_since: int | None = None
        self._given: set[str] = set()

    @property
    def wants_reference(self) -> bool:
        """True until an error is known to compare the run with (``reset(reference)``)."""
        return self._first is None

    def observe(self, epoch: int, new_errors: np.ndarray, outputs: np.ndarray | None = None,
                learning_rate: float | None = None) -> Hint | None:
        """The errors of the epochs up to ``epoch`` not seen yet and the outputs at
        ``epoch`` (None: not known); a hint the first time one is due, else None."""
        hint = None
        if self.watch_rate:
            hint = self._observe_errors(epoch, np.asarray(new_errors, dtype=np.float64),
                                        learning_rate)
        if self.watch_dead and outputs is not None:
            hint = self._observe_outputs(epoch, outputs, learning_rate) or hint
        return hint

    # ------------------------------------------------------------------ the rules
    def _observe_errors(self, epoch: int, errors: np.ndarray, lr: float | None) -> Hint | None:
        for err in errors:
            if not np.isfinite(err):
                continue  # divergence: the loop's own business
            if self._first is None:
                self._first = float(err)
            if len(self._recent) == RATE_WINDOW:
                self._best_before = min(self._best_before, self._recent[0])
            self._recent.append(float(err))
        if RATE in self._given or len(self._recent) < RATE_WINDOW:
            return None
        low = quantile(self._recent, RATE_QUANTILE)
        reference = self._first if self._first is not None else np.inf
        if low <= reference or low <= RATE_FACTOR * self._best_before:
            return None
        self._given.add(RATE)
        rate = "" if lr is None else f" ({lr:g})"
        return Hint(RATE, epoch,
                    f"The error jumped up and stays high (epoch {epoch:,}): the learning "
                    f"rate{rate} is probably too large, so every step overshoots.", lr)

    def _observe_outputs(self, epoch: int, outputs: np.ndarray, lr: float | None) -> Hint | None:
        if not outputs_constant(outputs):
            self._constant_since = None
            return None
        if self._constant_since is None:
            self._constant_since = epoch
        if DEAD in self._given or epoch - self._constant_since < DEAD_EPOCHS:
            return None
        self._given.add(DEAD)
        return Hint(DEAD, epoch,
                    f"The network gives the same output for every point since epoch "
                    f"{self._constant_since:,}: its neurons are stuck (a ReLU that outputs 0, "
                    f"or a saturated neuron, for every point passes nothing back), so it "
                    f"cannot learn any more. Re-initialise it to start again.",
                    lr)


def quantile(values, q: float) -> float:
    """``np.quantile(values, q)`` (linear interpolation) for a few dozen numbers, in plain
    Python: NumPy's took ~50 us, at every snapshot of a run (1-2 % of a training epoch's
    time for mid-sized networks)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = int(position)
    if below + 1 >= len(ordered):
        return float(ordered[-1])
    low, high = ordered[below], ordered[below + 1]
    return float(low + (high - low) * (position - below))
