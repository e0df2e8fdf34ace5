"""Winner-take-all competitive learning with DeSieno's conscience.

A layer of ``n_neurons`` neurons, each a centroid (a point in the data's own units). For a
sample x the *winner* is the neuron closest to x, and learning moves only the winner towards
the sample::

    w_winner += learning_rate * (x - w_winner)

(neurolab's WTA rule multiplies this step by the winner's distance as well; ours does not,
so the step is a fixed fraction of the way and the learning rate means the same for any
data scale.) The learning rate stays constant: with the online rule a centroid keeps
jittering around its cluster's mean by about sd * sqrt(lr / (2 - lr)) per axis, which a
small learning rate (0.01 to 0.05) makes negligible.

Conscience (DeSieno 1988, "Adding a conscience to competitive learning")
-------------------------------------------------------------------------
With plain competition a neuron that starts far from every sample never wins and never
moves: a *dead* neuron. The conscience keeps a running estimate ``win_frequency[i]`` (p_i,
starting at 1/N) of how often neuron i wins, and during training the winner is the neuron
with the smallest *score*::

    score_i = ||x - w_i||^2 - bias_i,   bias_i = C * s2 * (1/N - p_i)

so a neuron that wins more than its fair share 1/N is handicapped and one that never wins
gets a growing head start. ``C = CONSCIENCE_BIAS`` (10, DeSieno's value) and ``s2`` is the
data's total variance (mean squared distance of the samples to their mean, ``data_scale``),
which makes the bias work in the data's own units. After each sample (online) the
frequencies follow ``p_i += b * (z_i - p_i)`` with z_i = 1 for the winner, 0 otherwise, and
``b = CONSCIENCE_RATE / n_samples`` (CONSCIENCE_RATE = 0.1), so that p adapts at the same
speed per *epoch* whatever the data size. ``predict`` and the reported error ignore the
conscience: they use plain nearest-centroid distances. ``conscience=False`` turns the bias
off (scores = squared distances) to show dead neurons.

Modes
-----
* ``mode="online"``: the textbook rule, one sample at a time, in a seeded shuffled order
  (``shuffle=True``) or in the given order.
* ``mode="batch"``: the fast variant, one centroid update per epoch. The squared distances
  of all samples are computed at once; the samples are assigned to winners in a seeded
  shuffled order with the conscience frequencies updated after every sample exactly as in
  online mode (a bias frozen for a whole epoch hands a whole cluster back and forth
  between two neurons sitting on it, so they never split); then each neuron that won
  samples moves towards their mean ``m_i`` by ``w_i += learning_rate * (m_i - w_i)``.
  Without the conscience the assignment is a single vectorised argmin.

``partial_fit`` returns the quantisation error after the epoch: the mean Euclidean
distance of each sample to its nearest centroid (same as ``error(X)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from math import dist
from types import MappingProxyType
from typing import Any

import numpy as np

from .base import LEARNING_RATE, LiveParam, Model, ModelError, State, as_2d_float

__all__ = ["CompetitiveLayer"]


class CompetitiveLayer(Model):
    """Competitive (winner-take-all) layer. ``centroids`` (n_neurons, n_inputs) or None
    until initialised; ``win_counts`` (n_neurons,) int64 wins in the current/last epoch;
    ``win_frequency`` (n_neurons,) float64 the conscience's running win frequencies;
    ``data_scale`` float, the total variance s2 of the last data seen (0.0 before)."""

    kind = "competitive"
    unsupervised = True
    #: Both read at every epoch: a class can switch the conscience on mid-training and
    #: watch the dead neurons come alive.
    live_params = MappingProxyType({"learning_rate": LEARNING_RATE,
                                    "conscience": LiveParam(bool)})
    #: The size of the last data seen, which sets the conscience's per-sample rate of
    #: ``step_details`` (the frequencies and win counts are in the state itself). The
    #: data a reset() re-initialises from is not carried: it is the caller's data.
    training_extras = ("epoch_size",)

    #: DeSieno's bias factor C (see module docstring).
    CONSCIENCE_BIAS = 10.0
    #: Fraction of the way the win frequencies move towards the observed ones per epoch.
    CONSCIENCE_RATE = 0.1

    def __init__(self, n_inputs: int = 2, n_neurons: int = 3, learning_rate: float = 0.1,
                 conscience: bool = True, init: str = "data", mode: str = "online",
                 shuffle: bool = True, seed: int = 0) -> None:
        if int(n_inputs) < 1 or int(n_neurons) < 1:
            raise ModelError("A competitive layer needs at least one input and one neuron.")
        if init not in ("data", "random"):
            raise ModelError(f"init must be 'data' or 'random', not {init!r}.")
        if mode not in ("online", "batch"):
            raise ModelError(f"mode must be 'online' or 'batch', not {mode!r}.")
        if not np.isfinite(learning_rate) or learning_rate <= 0:
            raise ModelError(f"The learning rate must be a positive number, not {learning_rate}.")
        super().__init__(seed)
        self.n_inputs = int(n_inputs)
        self.n_neurons = int(n_neurons)
        self.learning_rate = float(learning_rate)
        self.conscience = bool(conscience)
        self.init = init
        self.mode = mode
        self.shuffle = bool(shuffle)
        self._init_data: np.ndarray | None = None
        self._epoch_size = 1  # samples in the last data seen: sets the conscience's per-sample rate
        self._initialize()

    # ----------------------------------------------------------------- lifecycle
    def _initialize(self) -> None:
        self.centroids: np.ndarray | None = None
        self.win_counts = np.zeros(self.n_neurons, dtype=np.int64)
        self.win_frequency = np.full(self.n_neurons, 1.0 / self.n_neurons)
        self.data_scale = 0.0
        if self._init_data is not None:
            # After reset(), start again from the data seen first, so the layer is visible
            # at once and reset-then-train repeats a run exactly.
            self.initialize(self._init_data)

    def initialize(self, X: np.ndarray) -> None:
        """Place the centroids from X (n, n_inputs): ``init="data"`` picks distinct samples
        at random (repeating only when X has fewer distinct points than neurons);
        ``init="random"`` draws uniformly inside X's bounding box."""
        X = self._check(X)
        self._init_data = X.copy()
        if self.init == "data":
            distinct = np.unique(X, axis=0)
            order = self.rng.permutation(len(distinct))
            if len(distinct) >= self.n_neurons:
                picks = distinct[order[: self.n_neurons]]
            else:
                extra = self.rng.integers(0, len(distinct), self.n_neurons - len(distinct))
                picks = np.vstack([distinct[order], distinct[extra]])
            self.centroids = picks.astype(np.float64)
        else:
            lo, hi = X.min(axis=0), X.max(axis=0)
            self.centroids = lo + self.rng.random((self.n_neurons, self.n_inputs)) * (hi - lo)
        self.win_counts = np.zeros(self.n_neurons, dtype=np.int64)
        self.win_frequency = np.full(self.n_neurons, 1.0 / self.n_neurons)
        self.data_scale = self._scale(X)
        self._epoch_size = len(X)

    def _check(self, X: Any) -> np.ndarray:
        X = as_2d_float(X, self.n_inputs)
        if len(X) == 0:
            raise ModelError("There are no points to learn from.")
        return X

    @staticmethod
    def _scale(X: np.ndarray) -> float:
        return float(np.mean(np.sum((X - X.mean(axis=0)) ** 2, axis=1)))

    def _ensure_ready(self, X: np.ndarray) -> None:
        self._epoch_size = len(X)
        if self.centroids is None:
            self.initialize(X)
        else:
            self.data_scale = self._scale(X)

    def _require_centroids(self) -> np.ndarray:
        if self.centroids is None:
            raise ModelError("The competitive layer has not seen any data yet.")
        return self.centroids

    # ------------------------------------------------------------------ scoring
    def _bias(self) -> np.ndarray:
        if not self.conscience:
            return np.zeros(self.n_neurons)
        return self.CONSCIENCE_BIAS * self.data_scale * (1.0 / self.n_neurons - self.win_frequency)

    def _sq_distances(self, X: np.ndarray) -> np.ndarray:
        """(n, n_neurons) squared distances."""
        C = self._require_centroids()
        diff = X[:, None, :] - C[None, :, :]
        return np.einsum("nkd,nkd->nk", diff, diff)

    # ------------------------------------------------------------------ training
    def partial_fit(self, X: np.ndarray, y: np.ndarray | None = None) -> float:
        """One epoch over X (n, n_inputs); ``y`` is ignored. Returns the quantisation
        error after the epoch (mean distance of each sample to its nearest centroid)."""
        X = self._check(X)
        self._ensure_ready(X)
        with np.errstate(all="ignore"):
            if self.mode == "online":
                self._online_epoch(X)
            else:
                self._batch_epoch(X)
        self.epoch += 1
        return self.error(X)

    def _online_epoch(self, X: np.ndarray) -> None:
        # Plain Python floats with math.dist: for a handful of neurons this is 3-4x faster
        # than NumPy calls on tiny arrays, and the loop is inherently sequential.
        n, k_all = len(X), self.n_neurons
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        rows = X.tolist()
        C = self.centroids.tolist()
        p = self.win_frequency.tolist()
        lr, use_conscience = self.learning_rate, self.conscience
        rate = self.CONSCIENCE_RATE / n
        keep = 1.0 - rate
        factor = self.CONSCIENCE_BIAS * self.data_scale if use_conscience else 0.0
        # p_j = scale * q_j: the decay of every frequency becomes one multiplication, and
        # the constant -factor/N of the bias is dropped (it cannot change the winner).
        scale, q = 1.0, p
        counts = [0] * k_all
        for i in order.tolist():
            x = rows[i]
            fs = factor * scale
            # d * d, not d ** 2: float ** raises OverflowError where * gives inf, and inf
            # is what the training loop recognises as divergence.
            scores = [d * d + fs * qj for d, qj in zip([dist(x, c) for c in C], q)]
            k = scores.index(min(scores))
            C[k] = [w + lr * (a - w) for a, w in zip(x, C[k])]
            counts[k] += 1
            if use_conscience:
                scale *= keep
                q[k] += rate / scale
        p = [scale * qj for qj in q]
        self.centroids = np.array(C, dtype=np.float64).reshape(k_all, self.n_inputs)
        self.win_frequency = np.array(p, dtype=np.float64)
        self.win_counts = np.array(counts, dtype=np.int64)

    def _batch_epoch(self, X: np.ndarray) -> None:
        n = len(X)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        sq = self._sq_distances(X[order])
        if self.conscience:
            winners = self._conscience_winners(sq)
        else:
            winners = np.argmin(sq, axis=1)
        counts = np.bincount(winners, minlength=self.n_neurons)
        Xo = X[order]
        sums = np.column_stack([np.bincount(winners, weights=Xo[:, j], minlength=self.n_neurons)
                                for j in range(self.n_inputs)])
        won = counts > 0
        means = sums[won] / counts[won, None]
        self.centroids[won] += self.learning_rate * (means - self.centroids[won])
        self.win_counts = counts.astype(np.int64)

    def _conscience_winners(self, sq: np.ndarray) -> np.ndarray:
        """Winners of the rows of ``sq`` (n, n_neurons) squared distances, in order, with
        the frequencies updated after every sample exactly as in online mode. A bias held
        fixed for a whole epoch would hand a whole cluster back and forth between two
        neurons sitting on it (they never split); per-sample updates let them share it."""
        n, k_all = sq.shape
        rate = self.CONSCIENCE_RATE / n
        keep = 1.0 - rate
        factor = self.CONSCIENCE_BIAS * self.data_scale
        q = self.win_frequency.tolist()
        scale = 1.0  # p_j = scale * q_j, as in _online_epoch
        winners = []
        for row in sq.tolist():
            fs = factor * scale
            scores = [d + fs * qj for d, qj in zip(row, q)]
            k = scores.index(min(scores))
            winners.append(k)
            scale *= keep
            q[k] += rate / scale
        p = [scale * qj for qj in q]
        self.win_frequency = np.array(p, dtype=np.float64)
        return np.array(winners, dtype=np.int64)

    def step_details(self, x: np.ndarray, apply: bool = True) -> dict[str, Any]:
        """One online step on the single sample ``x`` (n_inputs,), for the classroom.

        Returns ``{"x", "distances" (n_neurons,) Euclidean, "bias" (n_neurons,) conscience
        head start (zeros when off), "scores" (n_neurons,) squared distance minus bias,
        "winner" int, "old_centroid", "new_centroid" (n_inputs,), "learning_rate",
        "win_frequency_before", "win_frequency_after" (n_neurons,)}``. With ``apply=True``
        the step is taken (centroid moved, win counted, frequencies updated as one online
        sample of an epoch of the last data seen); with False nothing changes."""
        x = as_2d_float(np.reshape(x, (1, -1)), self.n_inputs, name="x")
        if self.centroids is None:
            self.initialize(x)
        x = x[0]
        C = self.centroids
        sq = np.sum((x - C) ** 2, axis=1)
        bias = self._bias()
        scores = sq - bias
        k = int(np.argmin(scores))
        old = C[k].copy()
        new = old + self.learning_rate * (x - old)
        p_before = self.win_frequency.copy()
        p_after = p_before.copy()
        if self.conscience:
            n = self._epoch_size
            rate = self.CONSCIENCE_RATE / n
            p_after *= 1.0 - rate
            p_after[k] += rate
        if apply:
            C[k] = new
            self.win_counts[k] += 1
            self.win_frequency = p_after.copy()
        return {"x": x.copy(), "distances": np.sqrt(sq), "bias": bias, "scores": scores,
                "winner": k, "old_centroid": old, "new_centroid": new.copy(),
                "learning_rate": self.learning_rate, "win_frequency_before": p_before,
                "win_frequency_after": p_after}

    # ---------------------------------------------------------------- inference
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Index of the nearest centroid for each row of X (n, n_inputs) -> (n,) int64
        (no conscience; ties go to the lower index)."""
        X = as_2d_float(X, self.n_inputs)
        return np.argmin(self._sq_distances(X), axis=1).astype(np.int64)

    def error(self, X: np.ndarray, y: np.ndarray | None = None) -> float:
        """Mean Euclidean distance of each sample to its nearest centroid."""
        X = self._check(X)
        with np.errstate(all="ignore"):
            return float(np.mean(np.sqrt(np.min(self._sq_distances(X), axis=1))))

    # --------------------------------------------------------------------- state
    def get_config(self) -> dict[str, Any]:
        return {"n_inputs": self.n_inputs, "n_neurons": self.n_neurons,
                "learning_rate": self.learning_rate, "conscience": self.conscience,
                "init": self.init, "mode": self.mode, "shuffle": self.shuffle, "seed": self.seed}

    def get_state(self) -> State:
        return {"centroids": None if self.centroids is None else self.centroids.copy(),
                "win_counts": self.win_counts.copy(),
                "win_frequency": self.win_frequency.copy(),
                "data_scale": float(self.data_scale)}

    def set_state(self, state: State) -> None:
        """Assign ``state`` (keys as ``get_state``); a missing key keeps its current value,
        so a lesson can set just the centroids. Raises ModelError on wrong shapes/values."""
        k, d = self.n_neurons, self.n_inputs
        centroids = state.get("centroids", self.centroids)
        if centroids is not None:
            centroids = np.array(centroids, dtype=np.float64)
            if centroids.shape != (k, d):
                raise ModelError(f"centroids must have shape ({k}, {d}), got {centroids.shape}.")
        counts = np.array(state.get("win_counts", self.win_counts), dtype=np.float64)
        freq = np.array(state.get("win_frequency", self.win_frequency), dtype=np.float64)
        for name, arr in (("win_counts", counts), ("win_frequency", freq)):
            if arr.shape != (k,):
                raise ModelError(f"{name} must have shape ({k},), got {arr.shape}.")
        if not np.all(np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
            raise ModelError("win_counts must be whole numbers of at least 0.")
        scale = float(state.get("data_scale", self.data_scale))
        if not np.isfinite(scale) or scale < 0:
            raise ModelError(f"data_scale must be a finite number of at least 0, got {scale}.")
        self.centroids = centroids
        self.win_counts = counts.astype(np.int64)
        self.win_frequency = freq
        self.data_scale = scale

    def _get_training_extras(self) -> State:
        return {"epoch_size": int(self._epoch_size)}

    def _prepare_training_extras(self, extras: Mapping[str, Any]) -> Callable[[], None]:
        size = extras["epoch_size"]
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ModelError(f"epoch_size must be a whole number of at least 1, not {size!r}.")

        def apply() -> None:
            self._epoch_size = int(size)
        return apply
