"""Rosenblatt's perceptron, trained one sample at a time.

For a sample ``x`` (n_inputs,) with label ``t`` in {0, 1} (any label > 0 counts as 1):

    net = x @ weights + bias          (bias = 0 when bias=False)
    y   = step(net)  or  sigmoid(net)
    weights += learning_rate * (t - y) * x
    bias    += learning_rate * (t - y)          (the bias is the weight of a constant input 1)

Tie rule: the step output is **1 when net >= 0** (so a point exactly on the line counts
as class 1, and a zero-initialised perceptron answers 1 to everything until corrected).
With the sigmoid output the same tie gives y = 0.5 and the predicted class is 1 too.

Without a bias the decision line ``weights . x = 0`` always passes through the origin:
data that only an off-origin line separates can never be learned. That is the lesson.

Shapes: ``weights`` (n_inputs,), ``bias`` a float or None.

``learn_sample(x, t)`` is the rule, written once: ``partial_fit`` loops it over the
epoch's order and ``explain.step_sample`` calls it for one sample.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from .base import LEARNING_RATE, ModelError, State, as_2d_float
from .epoch_model import EpochModel, cursor_entry

Point = tuple[float, float]


def line_in_box(w: Any, b: float | None, box: tuple[float, float, float, float]) -> tuple[Point, Point] | None:
    """End points ``((x0, y0), (x1, y1))`` of the line ``w[0]*x + w[1]*y + b = 0`` inside
    ``box = (xmin, xmax, ymin, ymax)``, ordered by x (then y); None when the line misses
    the box, only touches a corner, or ``w`` is zero (no line at all)."""
    w0, w1 = (float(v) for v in np.asarray(w, dtype=np.float64).reshape(2))
    b = 0.0 if b is None else float(b)
    xmin, xmax, ymin, ymax = (float(v) for v in box)
    scale = max(abs(w0), abs(w1))
    if not np.isfinite(scale) or scale == 0.0 or not np.isfinite(b):
        return None
    # Normalising keeps the tolerance meaningful whatever the weights' magnitude.
    w0, w1, b = w0 / scale, w1 / scale, b / scale
    tol = 1e-12 * max(1.0, abs(xmin), abs(xmax), abs(ymin), abs(ymax))
    points: list[Point] = []
    if w1 != 0.0:
        for x in (xmin, xmax):
            y = -(w0 * x + b) / w1
            if ymin - tol <= y <= ymax + tol:
                points.append((x, min(max(y, ymin), ymax)))
    if w0 != 0.0:
        for y in (ymin, ymax):
            x = -(w1 * y + b) / w0
            if xmin - tol <= x <= xmax + tol:
                points.append((min(max(x, xmin), xmax), y))
    if len(points) < 2:
        return None
    # Up to four hits (a line through corners hits two edges there): keep the farthest pair.
    best, pair = -1.0, None
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            d = (points[i][0] - points[j][0]) ** 2 + (points[i][1] - points[j][1]) ** 2
            if d > best:
                best, pair = d, (points[i], points[j])
    if pair is None or best <= tol * tol:
        return None
    p, q = sorted(pair)
    return p, q


def _sigmoid(z: float) -> float:
    with np.errstate(all="ignore"):
        return float(1.0 / (1.0 + np.exp(-z)))


class Perceptron(EpochModel):
    """A single threshold (or sigmoid) unit; see the module docstring for the rule."""

    kind = "perceptron"
    live_params = MappingProxyType({"learning_rate": LEARNING_RATE})
    #: Whether the last epoch made no mistake (``converged``; set_state clears it).
    training_extras = ("converged",)
    trace_type = "PerceptronTrace"

    def __init__(
        self,
        n_inputs: int = 2,
        bias: bool = True,
        activation: str = "step",
        learning_rate: float = 0.1,
        init: str = "random",
        shuffle: bool = True,
        seed: int = 0,
    ) -> None:
        if int(n_inputs) < 1:
            raise ModelError("A perceptron needs at least one input.")
        if activation not in ("step", "sigmoid"):
            raise ModelError(f"Unknown activation {activation!r}; choose 'step' or 'sigmoid'.")
        if init not in ("random", "zeros"):
            raise ModelError(f"Unknown init {init!r}; choose 'random' or 'zeros'.")
        self.n_inputs = int(n_inputs)
        self.use_bias = bool(bias)
        self.activation = activation
        self.learning_rate = float(learning_rate)
        self.init = init
        self.shuffle = bool(shuffle)
        self._converged = False
        super().__init__(seed)
        self.weights = np.zeros(self.n_inputs)
        self.bias: float | None = 0.0 if self.use_bias else None
        self._initialize()

    def _initialize(self) -> None:
        if self.init == "zeros":
            self.weights = np.zeros(self.n_inputs)
            self.bias = 0.0 if self.use_bias else None
        else:
            self.weights = self.rng.uniform(-0.5, 0.5, size=self.n_inputs)
            self.bias = float(self.rng.uniform(-0.5, 0.5)) if self.use_bias else None
        self._converged = False

    # -------------------------------------------------------------------- maths
    def net_input(self, X: Any) -> np.ndarray:
        """``X @ weights + bias`` for X (n, n_inputs): shape (n,)."""
        X = as_2d_float(X, self.n_inputs)
        with np.errstate(all="ignore"):
            net = X @ self._w()
            if self.bias is not None:
                net = net + float(self.bias)
        return net

    def output(self, X: Any) -> np.ndarray:
        """The unit's output y (n,): 0/1 for step, in (0, 1) for sigmoid."""
        net = self.net_input(X)
        if self.activation == "step":
            return (net >= 0.0).astype(np.float64)
        with np.errstate(all="ignore"):
            return 1.0 / (1.0 + np.exp(-net))

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (n,) int: 1 where net >= 0 (the tie rule), else 0."""
        return (self.net_input(X) >= 0.0).astype(np.int64)

    def _w(self) -> np.ndarray:
        w = np.asarray(self.weights, dtype=np.float64)
        if w.shape != (self.n_inputs,):
            raise ModelError(f"weights must have shape ({self.n_inputs},), got {w.shape}.")
        self.weights = w
        return w

    def _targets(self, y: Any, n: int) -> np.ndarray:
        if y is None:
            raise ModelError("A perceptron learns from labels: y is missing.")
        t = np.asarray(y, dtype=np.float64).reshape(-1)
        if t.shape[0] != n:
            raise ModelError(f"Expected {n} labels, got {t.shape[0]}.")
        if not np.all(np.isfinite(t)):
            raise ModelError("The labels contain NaN or infinite values.")
        return (t > 0).astype(np.float64)

    # ------------------------------------------------------------------ training
    def learn_sample(self, x: np.ndarray, t: float) -> tuple[float, float, float, np.ndarray, float | None]:
        """One Rosenblatt update on sample ``x`` (n_inputs,) float64 with target ``t``
        (0.0 or 1.0): returns ``(net, y, t - y, delta_w, delta_b)`` with
        ``delta_w = lr (t - y) x`` and ``delta_b = lr (t - y)`` (None without bias). The
        weights become the new array ``w + delta_w`` and the bias ``b + delta_b`` (a
        correct answer adds zeros)."""
        w, b = self.weights, self.bias
        net = float(x @ w) + (0.0 if b is None else b)
        if self.activation == "step":
            y = 1.0 if net >= 0.0 else 0.0
        else:
            y = float(1.0 / (1.0 + np.exp(-net)))
        err = t - y
        step = self.learning_rate * err
        dw = step * x
        self.weights = w + dw
        db = None
        if b is not None:
            db = step
            self.bias = b + db
        return net, y, err, dw, db

    # The epoch (see EpochModel): partial_fit returns the fraction of samples
    # misclassified *during* the epoch (step), or the mean of 1/2 (t - y)^2 measured
    # before each update (sigmoid); the cursor keeps both sums.
    def _prepare_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X = as_2d_float(X, self.n_inputs)
        T = self._targets(y, X.shape[0])
        self._w()
        if self.bias is not None:
            self.bias = float(self.bias)
        return X, T

    def _new_cursor(self, n: int) -> dict[str, Any]:
        return {**super()._new_cursor(n), "mistakes": 0, "sq": 0.0}

    def _learn_rest(self, X: np.ndarray, T: np.ndarray, cursor: dict[str, Any]) -> None:
        mistakes, sq, learn = cursor["mistakes"], cursor["sq"], self.learn_sample
        for i in cursor["order"][cursor["position"]:].tolist():
            t = float(T[i])
            net, _, err, _, _ = learn(X[i], t)
            mistakes += (net >= 0.0) != (t > 0.5)
            sq += 0.5 * err * err
        cursor["mistakes"], cursor["sq"] = int(mistakes), float(sq)

    def _learn_at(self, X: np.ndarray, T: np.ndarray, cursor: dict[str, Any],
                  index: int) -> tuple[dict[str, Any], State, bool]:
        x, t = X[index].copy(), float(T[index])
        w, b = self.weights.copy(), self.bias
        net, y, err, dw, db = self.learn_sample(x, t)
        mistake = (net >= 0.0) != (t > 0.5)
        cursor["mistakes"] += int(mistake)
        cursor["sq"] = float(cursor["sq"] + 0.5 * err * err)
        fields = {"x": x, "target": t, "w": w, "b": b, "net": net,
                  "activation": self.activation, "output": y, "error": err,
                  "learning_rate": self.learning_rate, "delta_w": dw.copy(), "delta_b": db,
                  "new_w": self.weights.copy(), "new_b": self.bias,
                  "predicted": int(net >= 0.0), "mistake": bool(mistake)}
        return fields, {"weights": dw.copy(), "bias": db}, True

    def _end_epoch(self, X: np.ndarray, T: np.ndarray, cursor: dict[str, Any]) -> float:
        n, mistakes = len(X), cursor["mistakes"]
        self._converged = mistakes == 0 and n > 0
        if not n:
            return 0.0
        return mistakes / n if self.activation == "step" else float(cursor["sq"] / n)

    def _check_cursor_sums(self, value: Mapping[str, Any], n: int) -> dict[str, Any]:
        mistakes, sq = cursor_entry(value, "mistakes"), cursor_entry(value, "sq")
        if set(value) != {"mistakes", "sq"}:
            raise ModelError("The perceptron's epoch cursor holds mistakes and sq only.")
        if (isinstance(mistakes, (bool, np.bool_)) or not isinstance(mistakes, (int, np.integer))
                or not 0 <= mistakes <= n):
            raise ModelError(f"The epoch's mistakes must be a whole number from 0 to {n}.")
        if isinstance(sq, (bool, np.bool_)) or not isinstance(sq, (float, int, np.floating, np.integer)):
            raise ModelError("The epoch's squared-error sum must be a number.")
        return {"mistakes": int(mistakes), "sq": float(sq)}

    def error(self, X: Any, y: Any = None) -> float:
        """Fraction misclassified (step) or mean 1/2 (t - y)^2 (sigmoid), no training."""
        X = as_2d_float(X, self.n_inputs)
        T = self._targets(y, X.shape[0])
        if X.shape[0] == 0:
            return 0.0
        if self.activation == "step":
            return float(np.mean(self.predict(X) != T))
        with np.errstate(all="ignore"):
            return float(np.mean(0.5 * (T - self.output(X)) ** 2))

    @property
    def converged(self) -> bool:
        """True after a step-perceptron epoch without a mistake (nothing changes after
        that). A sigmoid unit keeps nudging its weights, so it never reports convergence."""
        return self._converged and self.activation == "step"

    def decision_line(self, box: tuple[float, float, float, float]) -> tuple[Point, Point] | None:
        """The line where net = 0 clipped to ``box`` (only for two inputs); see line_in_box."""
        if self.n_inputs != 2:
            raise ModelError("A decision line can only be drawn for a perceptron with two inputs.")
        return line_in_box(self._w(), self.bias, box)

    # --------------------------------------------------------------------- state
    def get_config(self) -> dict[str, Any]:
        return {
            "n_inputs": self.n_inputs,
            "bias": self.use_bias,
            "activation": self.activation,
            "learning_rate": self.learning_rate,
            "init": self.init,
            "shuffle": self.shuffle,
            "seed": self.seed,
        }

    def get_state(self) -> State:
        """{"weights": (n_inputs,) copy, "bias": float or None}."""
        return {
            "weights": np.array(self.weights, dtype=np.float64),
            "bias": None if self.bias is None else float(self.bias),
        }

    def set_state(self, state: State) -> None:
        try:
            weights, bias = state["weights"], state.get("bias")
        except (KeyError, TypeError, AttributeError):
            raise ModelError("A perceptron state needs 'weights' and 'bias'.") from None
        try:
            w = np.array(weights, dtype=np.float64)
        except (TypeError, ValueError):
            raise ModelError("weights must be an array of numbers.") from None
        if w.shape != (self.n_inputs,):
            raise ModelError(f"weights must have shape ({self.n_inputs},), got {w.shape}.")
        if self.use_bias:
            b_arr = np.asarray(bias, dtype=np.float64) if bias is not None else None
            if b_arr is None or b_arr.size != 1:
                raise ModelError("This perceptron has a bias: a single number is needed.")
            b: float | None = float(b_arr.reshape(()))
        else:
            if bias is not None:
                raise ModelError("This perceptron has no bias (bias=False), so bias must be None.")
            b = None
        self.weights, self.bias = w, b
        self._converged = False
        self._cursor = None  # the epoch in progress was learning other weights

    def _get_training_extras(self) -> State:
        return {"converged": bool(self._converged)}

    def _prepare_training_extras(self, extras: Mapping[str, Any]) -> Callable[[], None]:
        converged = extras["converged"]
        if not isinstance(converged, (bool, np.bool_)):
            raise ModelError(f"'converged' must be True or False, not {converged!r}.")

        def apply() -> None:
            self._converged = bool(converged)
        return apply
