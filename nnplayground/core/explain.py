"""Watch one update: step a single sample and get every number of that step.

``step_sample(model, X, y=None)`` learns the next sample of the epoch in progress on the
data (X, y), exactly as ``partial_fit`` would in its turn (same seeded order, same
kernel), and returns a trace: a frozen dataclass per model kind whose numbers are the
ones applied. Before the first step it fits what the model fits from data (the
autoencoder's standardisation, the competitive layer's first centroids).

Common fields (``StepTrace``):

* ``sample_index``: the row of X that was learned; ``position``: its place in the
  epoch's order (0 = first); ``n_samples``: the epoch's length;
* ``epoch``: the epoch this step belongs to, counted from 0 (``model.epoch`` before the
  step); ``epoch_closed``: this was its last sample (``model.epoch`` went up by one and
  ``epoch_error`` is the error ``partial_fit`` would have returned, else None);
* ``batch_closed``: the weights changed at this step (always for one-sample batches;
  for a mini-batch, full batch or batch-mode competitive layer only at its last sample);
* ``deltas``: the change applied, keyed like the trainable entries of
  ``model.get_state()`` (a list of arrays where the state holds a list; zero arrays
  while a batch is accumulating; None where the state holds None). Every weight after
  the step equals its value before plus its delta, exactly: the updates are written as
  ``old + delta`` (``param -= step`` is ``param + (-step)`` in IEEE arithmetic).

Per kind, vectors are 1-D arrays of this sample (no batch axis):

* ``PerceptronTrace``: ``x``, ``target``, ``w``, ``b`` (before), ``net = w.x + b``,
  ``activation``, ``output`` y, ``error = t - y``, ``learning_rate``,
  ``delta_w = lr (t - y) x``, ``delta_b = lr (t - y)`` (None without bias), ``new_w``,
  ``new_b``, ``predicted`` (0/1, net >= 0), ``mistake``.
* ``MLPTrace``: ``x``, ``target``; the forward pass ``nets`` (net input of every layer
  after the input) and ``activations`` (input first); ``loss_name`` and ``loss`` (this
  sample's loss on its own); ``layer_deltas`` (d batch loss / d net, this sample's
  share, per layer after the input); ``gradients`` (this sample's share of the batch
  gradient, ``{"weights", "biases"}``, L2 not included) and ``batch_gradients`` (the
  batch's so far, this sample included); ``batch_index``, ``batch_position``,
  ``batch_rows`` (samples in this sample's batch: the mean losses divide by it);
  ``update``: an ``OptimizerStep`` when the weights changed, else None.
* ``AutoencoderTrace``: an ``MLPTrace`` on the standardised sample (``x`` = target),
  plus ``x_data`` (the sample in the data's units), ``mean`` and ``scale``.
* ``CompetitiveTrace``: ``x``, ``mode``, ``learning_rate`` (this epoch's, after decay),
  ``squared_distances`` (to every neuron) and ``distances`` (their square roots),
  ``bias`` (the conscience's head start ``C s2 (1/N - p)``, None when off), ``scores``
  (``squared_distances - bias``, exactly: the smallest wins), ``winner``, ``win_frequency_before`` / ``_after``, the winner's
  ``old_centroid``, ``move`` and ``new_centroid`` (online: ``move = lr (x - w)``; batch
  mode: its row of the epoch's move, zero until the epoch closes); batch mode also
  ``batch_counts`` and ``batch_sums`` (wins and sums of the winners' samples so far) and,
  when the epoch closes, ``batch_means`` (the mean of each neuron's samples, its old
  centroid where it won none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Model, ModelError

__all__ = [
    "AutoencoderTrace",
    "CompetitiveTrace",
    "MLPTrace",
    "OptimizerStep",
    "PerceptronTrace",
    "StepTrace",
    "step_sample",
]

#: ``{"weights": [array per layer], "biases": [array per layer] or None}``
Layered = dict[str, Any]


@dataclass(frozen=True, kw_only=True, eq=False)
class StepTrace:
    """What every step reports (see the module docstring)."""

    kind: str
    sample_index: int
    epoch: int
    position: int
    n_samples: int
    epoch_closed: bool
    batch_closed: bool
    epoch_error: float | None
    deltas: dict[str, Any]


@dataclass(frozen=True, kw_only=True, eq=False)
class PerceptronTrace(StepTrace):
    x: np.ndarray
    target: float
    w: np.ndarray
    b: float | None
    net: float
    activation: str
    output: float
    error: float
    learning_rate: float
    delta_w: np.ndarray
    delta_b: float | None
    new_w: np.ndarray
    new_b: float | None
    predicted: int
    mistake: bool


@dataclass(frozen=True, kw_only=True, eq=False)
class OptimizerStep:
    """One optimizer step, laid out like the network's state (``Layered``).

    ``gradients`` are what the optimizer was given (the batch's gradient plus
    ``l2 * W`` on the weights), ``delta`` what it added to the weights. SGD:
    ``delta = -lr g``. Momentum: ``velocity = momentum * velocity_before - lr g``,
    ``delta = velocity``. Adam (step ``t``): ``m = beta1 m_before + (1 - beta1) g``,
    ``s = beta2 s_before + (1 - beta2) g^2``, ``m_hat = m / (1 - beta1^t)``,
    ``s_hat = s / (1 - beta2^t)``, ``delta = -lr_t m / (sqrt(s) + eps)`` with
    ``lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)`` (the same as
    ``-lr m_hat / (sqrt(s_hat) + eps / sqrt(1 - beta2^t))``)."""

    name: str
    learning_rate: float
    l2: float
    gradients: Layered
    delta: Layered
    momentum: float | None = None
    velocity_before: Layered | None = None
    velocity: Layered | None = None
    beta1: float | None = None
    beta2: float | None = None
    eps: float | None = None
    t: int | None = None
    lr_t: float | None = None
    m_before: Layered | None = None
    s_before: Layered | None = None
    m: Layered | None = None
    s: Layered | None = None
    m_hat: Layered | None = None
    s_hat: Layered | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class MLPTrace(StepTrace):
    x: np.ndarray
    target: np.ndarray
    nets: list[np.ndarray]
    activations: list[np.ndarray]
    loss_name: str
    loss: float
    layer_deltas: list[np.ndarray]
    gradients: Layered
    batch_gradients: Layered
    batch_index: int
    batch_position: int
    batch_rows: int
    update: OptimizerStep | None


@dataclass(frozen=True, kw_only=True, eq=False)
class AutoencoderTrace(MLPTrace):
    x_data: np.ndarray
    mean: np.ndarray
    scale: np.ndarray


@dataclass(frozen=True, kw_only=True, eq=False)
class CompetitiveTrace(StepTrace):
    x: np.ndarray
    mode: str
    learning_rate: float
    conscience: bool
    squared_distances: np.ndarray
    distances: np.ndarray
    bias: np.ndarray | None
    scores: np.ndarray
    winner: int
    win_frequency_before: np.ndarray
    win_frequency_after: np.ndarray
    old_centroid: np.ndarray
    move: np.ndarray
    new_centroid: np.ndarray
    batch_counts: np.ndarray | None = None
    batch_sums: np.ndarray | None = None
    batch_means: np.ndarray | None = None


def step_sample(model: Model, X: Any, y: Any = None) -> StepTrace:
    """Learn the next sample of ``model``'s epoch in progress on (X, y) and return every
    number of that step (see the module docstring). ``len(X)`` calls are one
    ``partial_fit(X, y)``; ``partial_fit`` in mid-epoch finishes the epoch from here."""
    step = getattr(model, "step_sample", None)
    if step is None:
        raise ModelError(f"A {type(model).__name__} cannot be stepped one sample at a time.")
    return step(X, y)
