"""Winner-take-all competitive learning with DeSieno's conscience.

A layer of ``n_neurons`` neurons, each a centroid (a point in the data's own units). For a
sample x the *winner* is the neuron closest to x, and learning moves only the winner towards
the sample::

    w_winner += learning_rate * (x - w_winner)

(neurolab's WTA rule multiplies this step by the winner's distance as well; ours does not,
so the step is a fixed fraction of the way and the learning rate means the same for any
data scale.) With a constant rate the online rule keeps a centroid jittering around its
cluster's mean by about sd * sqrt(lr / (2 - lr)) per axis; ``lr_decay`` multiplies the
rate by a factor per epoch (epoch e learns at ``learning_rate * lr_decay**e``,
``current_learning_rate``), so the centroids first travel fast and then settle on the
means.

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
frequencies follow ``p_i = (1 - b) p_i + b z_i`` with z_i = 1 for the winner, 0 otherwise,
and ``b = CONSCIENCE_RATE / n_samples`` (CONSCIENCE_RATE = 0.1), so that p adapts at the same
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

Both modes choose winners with one function, ``compete``, and online mode learns with one
kernel, ``online_step``: ``partial_fit`` loops them over the epoch's order and
``explain.step_sample`` calls them for one sample (in batch mode a step shows the
sample's winner; the centroids move when the epoch's last sample is stepped). The epoch
cursor (``epoch_model.EpochModel``) adds ``"sums"`` (batch mode: the sum of each neuron's
samples so far, else None); the wins so far are ``win_counts``.

Initialisation (``initialize(X)``, or the first data seen): ``init="data"`` picks
distinct samples, ``"random"`` draws uniformly in the data's bounding box, ``"corner"``
puts every neuron near the box's lowest corner (within 5 % of its size): without a
conscience the one nearest the data takes everything and the others stay dead.

``partial_fit`` returns the quantisation error after the epoch: the mean Euclidean
distance of each sample to its nearest centroid (same as ``error(X)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from math import dist
from types import MappingProxyType
from typing import Any

import numpy as np

from .base import LEARNING_RATE, LiveParam, ModelError, State, as_2d_float
from .epoch_model import EpochModel, cursor_entry

__all__ = ["CompetitiveLayer", "compete", "conscience_bias", "online_step"]

INITS = ("data", "random", "corner")
#: Share of the data's box the "corner" initialisation spreads the neurons over.
CORNER_SPREAD = 0.05


def conscience_bias(p: list[float], bias_factor: float) -> list[float]:
    """The conscience's head start of each neuron: ``bias_factor * (1/N - p_j)``."""
    share = 1.0 / len(p)
    return [bias_factor * (share - pj) for pj in p]


def compete(sq: list[float], p: list[float], bias_factor: float | None,
            conscience_rate: float) -> tuple[int, list[float]]:
    """The winner of one sample from its squared distances ``sq`` (one per neuron).

    Without a conscience (``bias_factor`` None) the scores are ``sq``. With one,
    ``score_j = sq_j - bias_j`` (``conscience_bias``, the same expression written out
    here, where each sample counts), and the win frequencies ``p`` (changed in place)
    move towards this win: ``p_j = (1 - rate) p_j``, then ``p_winner += rate``. The
    smallest score wins (the lower index on a tie). Returns ``(winner, scores)``."""
    if bias_factor is None:
        scores = sq
    else:
        share = 1.0 / len(p)
        scores = [d - bias_factor * (share - pj) for d, pj in zip(sq, p)]
    k = scores.index(min(scores))
    if bias_factor is not None:
        keep = 1.0 - conscience_rate
        p[:] = [pj * keep for pj in p]
        p[k] += conscience_rate
    return k, scores


def online_step(x: list[float], C: list[list[float]], p: list[float], learning_rate: float,
                bias_factor: float | None, conscience_rate: float
                ) -> tuple[int, list[float], list[float], list[float]]:
    """One online step on plain lists (for a handful of neurons 3-4x faster than NumPy
    calls on tiny arrays): the winner (``compete``) of sample ``x`` among the centroids
    ``C`` moves by ``move = learning_rate * (x - w)`` to the new list ``w + move``.
    Returns ``(winner, squared distances, scores, move)``."""
    # d * d, not d ** 2: float ** raises OverflowError where * gives inf, and inf is what
    # the training loop recognises as divergence.
    sq = [(d := dist(x, c)) * d for c in C]
    k, scores = compete(sq, p, bias_factor, conscience_rate)
    w = C[k]
    move = [learning_rate * (a - wj) for a, wj in zip(x, w)]
    C[k] = [wj + m for wj, m in zip(w, move)]
    return k, sq, scores, move


class CompetitiveLayer(EpochModel):
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
    #: The frequencies and win counts are in the state itself, the epoch in progress in
    #: the cursor. The data a reset() re-initialises from is not carried: it is the
    #: caller's data. (Earlier versions stored the size of the last data seen.)
    retired_training_extras = ("epoch_size",)
    trace_type = "CompetitiveTrace"

    #: DeSieno's bias factor C (see module docstring).
    CONSCIENCE_BIAS = 10.0
    #: Fraction of the way the win frequencies move towards the observed ones per epoch.
    CONSCIENCE_RATE = 0.1

    #: The settings a panel offers first, which converge in both modes: on five 3-D
    #: clusters (sd 0.8, 100 points each) after 100 epochs the centroids are as close to
    #: the true centres as the clusters' own sample means (within 10 % for data seeds
    #: 0-9), where a constant online rate keeps jittering (0.1 ends 1.6-3 times as far).
    #: The constructor's own defaults stay a constant 0.1, which configurations written
    #: before ``lr_decay`` existed (lessons, session files) rely on.
    PANEL_DEFAULTS = MappingProxyType({"learning_rate": 0.5, "lr_decay": 0.95})

    def __init__(self, n_inputs: int = 2, n_neurons: int = 3, learning_rate: float = 0.1,
                 conscience: bool = True, init: str = "data", mode: str = "online",
                 shuffle: bool = True, lr_decay: float = 1.0, seed: int = 0) -> None:
        if int(n_inputs) < 1 or int(n_neurons) < 1:
            raise ModelError("A competitive layer needs at least one input and one neuron.")
        if init not in INITS:
            raise ModelError(f"init must be one of {', '.join(INITS)}, not {init!r}.")
        if mode not in ("online", "batch"):
            raise ModelError(f"mode must be 'online' or 'batch', not {mode!r}.")
        if not np.isfinite(learning_rate) or learning_rate <= 0:
            raise ModelError(f"The learning rate must be a positive number, not {learning_rate}.")
        if isinstance(lr_decay, bool) or not np.isfinite(lr_decay) or not 0.0 < lr_decay <= 1.0:
            raise ModelError(f"The learning rate's decay per epoch must be a factor above 0 "
                             f"and at most 1 (1: no decay), not {lr_decay}.")
        super().__init__(seed)
        self.n_inputs = int(n_inputs)
        self.n_neurons = int(n_neurons)
        self.learning_rate = float(learning_rate)
        self.lr_decay = float(lr_decay)
        self.conscience = bool(conscience)
        self.init = init
        self.mode = mode
        self.shuffle = bool(shuffle)
        self._init_data: np.ndarray | None = None
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
        ``init="random"`` draws uniformly inside X's bounding box, ``"corner"`` inside
        its lowest corner (``CORNER_SPREAD`` of its size). Training then goes on from
        these centroids (an epoch in progress is abandoned)."""
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
            spread = (hi - lo) * (CORNER_SPREAD if self.init == "corner" else 1.0)
            self.centroids = lo + self.rng.random((self.n_neurons, self.n_inputs)) * spread
        self.win_counts = np.zeros(self.n_neurons, dtype=np.int64)
        self.win_frequency = np.full(self.n_neurons, 1.0 / self.n_neurons)
        self.data_scale = self._scale(X)
        self._cursor = None

    def _check(self, X: Any) -> np.ndarray:
        X = as_2d_float(X, self.n_inputs)
        if len(X) == 0:
            raise ModelError("There are no points to learn from.")
        return X

    @staticmethod
    def _scale(X: np.ndarray) -> float:
        return float(np.mean(np.sum((X - X.mean(axis=0)) ** 2, axis=1)))

    def _ensure_ready(self, X: np.ndarray) -> None:
        if self.centroids is None:
            self.initialize(X)
        else:
            self.data_scale = self._scale(X)

    def _require_centroids(self) -> np.ndarray:
        if self.centroids is None:
            raise ModelError("The competitive layer has not seen any data yet.")
        return self.centroids

    @property
    def current_learning_rate(self) -> float:
        """The rate of the epoch in progress: ``learning_rate * lr_decay ** epoch``."""
        return self.learning_rate * self.lr_decay ** self.epoch

    def _bias_factor(self) -> float | None:
        return self.CONSCIENCE_BIAS * self.data_scale if self.conscience else None

    def _sq_distances(self, X: np.ndarray) -> np.ndarray:
        """(n, n_neurons) squared distances."""
        C = self._require_centroids()
        diff = X[:, None, :] - C[None, :, :]
        return np.einsum("nkd,nkd->nk", diff, diff)

    # ------------------------------------------------------------------ the epoch
    def _prepare_data(self, X: Any, y: Any) -> tuple[np.ndarray, None]:
        X = self._check(X)
        self._ensure_ready(X)
        return X, None

    def _new_cursor(self, n: int) -> dict[str, Any]:
        self.win_counts = np.zeros(self.n_neurons, dtype=np.int64)  # the epoch's wins
        sums = np.zeros((self.n_neurons, self.n_inputs)) if self.mode == "batch" else None
        return {**super()._new_cursor(n), "sums": sums}

    def _learn_rest(self, X: np.ndarray, T: None, cursor: dict[str, Any]) -> None:
        order, n = cursor["order"][cursor["position"]:], len(X)
        factor, rate = self._bias_factor(), self.CONSCIENCE_RATE / n
        p = self.win_frequency.tolist()
        counts = self.win_counts.tolist()
        if self.mode == "online":
            rows, C, lr = X.tolist(), self.centroids.tolist(), self.current_learning_rate
            for i in order.tolist():
                counts[online_step(rows[i], C, p, lr, factor, rate)[0]] += 1
            self.centroids = np.array(C, dtype=np.float64).reshape(self.n_neurons, self.n_inputs)
        else:
            Xo = X[order]
            sq = self._sq_distances(Xo)
            if factor is None:
                winners = np.argmin(sq, axis=1)
            else:
                winners = np.fromiter((compete(row, p, factor, rate)[0] for row in sq.tolist()),
                                      dtype=np.int64, count=len(sq))
            counts = np.array(counts, dtype=np.int64) + np.bincount(winners,
                                                                    minlength=self.n_neurons)
            # Sample by sample onto the sums so far, in the epoch's order: the sums a
            # sample step makes, bit for bit.
            sums = cursor["sums"]
            np.add.at(sums, winners, Xo)
            self.win_counts = counts
            self._move_to_means(sums)
        self.win_frequency = np.array(p, dtype=np.float64)
        self.win_counts = np.array(counts, dtype=np.int64)

    def _move_to_means(self, sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Batch mode's update at the end of an epoch: each neuron that won samples moves
        ``learning_rate * (mean - w)`` towards their mean. Returns (move, means) with
        zero moves and the old centroid as "mean" where a neuron won nothing."""
        counts, C = self.win_counts, self.centroids
        won = counts > 0
        means = C.copy()
        means[won] = sums[won] / counts[won, None]
        move = np.zeros_like(C)
        move[won] = self.current_learning_rate * (means[won] - C[won])
        C[won] += move[won]
        return move, means

    def _learn_at(self, X: np.ndarray, T: None, cursor: dict[str, Any],
                  index: int) -> tuple[dict[str, Any], State, bool]:
        x, n = X[index].copy(), len(X)
        factor, rate, lr = self._bias_factor(), self.CONSCIENCE_RATE / n, self.current_learning_rate
        p_before = self.win_frequency.copy()
        p = p_before.tolist()
        move = np.zeros((self.n_neurons, self.n_inputs))
        batch: dict[str, Any] = {}
        closes = True
        if self.mode == "online":
            C = self.centroids.tolist()
            k, sq, scores, step = online_step(x.tolist(), C, p, lr, factor, rate)
            old = self.centroids[k].copy()
            self.centroids = np.array(C, dtype=np.float64).reshape(move.shape)
            move[k] = step
        else:
            sq = self._sq_distances(X[[index]])[0].tolist()
            k, scores = compete(sq, p, factor, rate)
            old = self.centroids[k].copy()
            cursor["sums"][k] += x
            closes = cursor["position"] == n - 1
            batch = {"batch_counts": None, "batch_sums": cursor["sums"].copy()}
        self.win_counts[k] += 1
        self.win_frequency = np.array(p, dtype=np.float64)
        if self.mode == "batch":
            batch["batch_counts"] = self.win_counts.copy()
            if closes:
                move, batch["batch_means"] = self._move_to_means(cursor["sums"])
        sq = np.array(sq, dtype=np.float64)
        bias = None if factor is None else np.array(conscience_bias(p_before.tolist(), factor))
        fields = {"x": x, "mode": self.mode, "learning_rate": lr, "conscience": self.conscience,
                  "squared_distances": sq, "distances": np.sqrt(sq), "bias": bias,
                  "scores": np.array(scores, dtype=np.float64), "winner": int(k),
                  "win_frequency_before": p_before, "win_frequency_after": self.win_frequency.copy(),
                  "old_centroid": old, "move": move[k].copy(),
                  "new_centroid": self.centroids[k].copy(), **batch}
        return fields, {"centroids": move}, closes

    def _end_epoch(self, X: np.ndarray, T: None, cursor: dict[str, Any]) -> float:
        return self.error(X)

    def _check_cursor_sums(self, value: Mapping[str, Any], n: int) -> dict[str, Any]:
        sums = cursor_entry(value, "sums")
        if set(value) != {"sums"}:
            raise ModelError("The competitive layer's epoch cursor holds sums only.")
        if self.mode == "online":
            if sums is not None:
                raise ModelError("An online competitive layer's epoch cursor has no sums.")
            return {"sums": None}
        try:
            sums = np.array(sums, dtype=np.float64)
        except (TypeError, ValueError):
            raise ModelError("The epoch's sums must be numbers.") from None
        if sums.shape != (self.n_neurons, self.n_inputs):
            raise ModelError(f"The epoch's sums must have shape ({self.n_neurons}, "
                             f"{self.n_inputs}), got {sums.shape}.")
        return {"sums": sums}

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
                "init": self.init, "mode": self.mode, "shuffle": self.shuffle,
                "lr_decay": self.lr_decay, "seed": self.seed}

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
        self._cursor = None  # the epoch in progress was learning other centroids
