"""Building blocks shared by the networks: activations, losses and optimizers.

Activations work in place on the net input ``z`` (shape (n, units)) because the MLP's
inner loop runs them once per mini-batch and a fresh temporary each time is measurable
overhead. Derivatives are written in terms of the layer's *output* ``a`` (the textbook
form: sigmoid' = a * (1 - a), tanh' = 1 - a^2), which is all backpropagation keeps.

Losses, for outputs ``out`` and targets ``t`` of shape (n, n_out):

* ``sse``: 1/2 * sum of squared errors over the whole batch (not averaged), the
  classic textbook measure; its gradient is ``out - t``.
* ``mse``: mean of the squared errors over every entry, ``mean((out - t)**2)``.
* ``cross_entropy``: mean over samples of ``-sum(t * log(out))`` for softmax, or of the
  binary cross-entropy summed over sigmoid outputs. Paired with its output activation,
  the gradient with respect to the net input is simply ``(out - t) / n``.

Callers wrap the maths in ``np.errstate(all="ignore")``: overflow is a result (NaN/inf
error) that the training loop checks, never a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .base import ModelError

Array = np.ndarray

ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "tanh", "linear", "relu")
LOSSES = ("sse", "mse", "cross_entropy")
OPTIMIZERS = ("sgd", "momentum", "adam")

# Keeps log() finite for saturated probabilities; same order as float64 resolution.
_EPS = 1e-15


# --------------------------------------------------------------------- activations
def sigmoid(z: Array, out: Array | None = None) -> Array:
    """Logistic function 1 / (1 + exp(-z)); with ``out=z`` it overwrites ``z``."""
    out = np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def tanh(z: Array, out: Array | None = None) -> Array:
    return np.tanh(z, out=out)


def relu(z: Array, out: Array | None = None) -> Array:
    return np.maximum(z, 0.0, out=out)


def linear(z: Array, out: Array | None = None) -> Array:
    if out is None or out is z:
        return z
    out[...] = z
    return out


def softmax(z: Array, out: Array | None = None) -> Array:
    """Row-wise softmax of (n, k); subtracting the row maximum keeps exp() finite."""
    out = np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def step(z: Array) -> Array:
    """Heaviside step with the perceptron's tie rule: 1.0 where z >= 0, else 0.0."""
    return (np.asarray(z) >= 0.0).astype(np.float64)


def d_sigmoid(a: Array) -> Array:
    return a * (1.0 - a)


def d_tanh(a: Array) -> Array:
    return 1.0 - a * a


def d_relu(a: Array) -> Array:
    return (a > 0.0).astype(np.float64)


def d_linear(a: Array) -> Array:
    return np.ones_like(a)


ACTIVATION_FUNCS: dict[str, Callable[..., Array]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "linear": linear,
    "softmax": softmax,
}
#: Derivative as a function of the output; softmax has a full Jacobian, handled apart.
DERIVATIVES: dict[str, Callable[[Array], Array]] = {
    "sigmoid": d_sigmoid,
    "tanh": d_tanh,
    "relu": d_relu,
    "linear": d_linear,
}


# -------------------------------------------------------------------------- losses
def loss_value(loss: str, out: Array, t: Array, output_activation: str) -> float:
    """The loss of outputs ``out`` (n, k) against targets ``t`` (n, k), see module doc."""
    n = out.shape[0]
    if n == 0:
        return 0.0
    if loss == "sse":
        diff = out - t
        return 0.5 * float(np.sum(diff * diff))
    if loss == "mse":
        diff = out - t
        return float(np.mean(diff * diff))
    if loss == "cross_entropy":
        p = np.clip(out, _EPS, 1.0 - _EPS)
        if output_activation == "softmax":
            return float(-np.sum(t * np.log(p)) / n)
        return float(-np.sum(t * np.log(p) + (1.0 - t) * np.log(1.0 - p)) / n)
    raise ModelError(f"Unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")


def output_delta(loss: str, out: Array, t: Array, output_activation: str,
                 batch_rows: int | None = None) -> Array:
    """d loss / d (net input of the output layer), shape (n, k).

    ``batch_rows`` (default n) is the number of samples the mean losses divide by: a
    part of a batch (one sample of it) gets its exact share of the batch's gradient."""
    n, k = out.shape
    if batch_rows is not None:
        n = batch_rows
    if loss == "cross_entropy":
        # The combined gradient: log's 1/p cancels the sigmoid/softmax derivative.
        delta = out - t
        delta *= 1.0 / n
        return delta
    grad = out - t
    if loss == "mse":
        grad *= 2.0 / (n * k)
    if output_activation == "softmax":
        # Jacobian-vector product of softmax: a * (g - sum(g * a)).
        grad -= np.sum(grad * out, axis=1, keepdims=True)
        grad *= out
        return grad
    if output_activation == "linear":
        return grad
    grad *= DERIVATIVES[output_activation](out)
    return grad


# ---------------------------------------------------------------------- optimizers
class Optimizer:
    """Updates a list of parameter arrays in place from their gradients.

    ``update(i, param, grad, trace=None)`` handles parameter number ``i`` (its slot in
    the optimizer's own state); ``grad`` may be overwritten. Given a dict ``trace``, it
    also records copies of what it did: ``"delta"`` (what was added to ``param``: the
    new value is exactly ``old + delta``) and its memory before and after.
    ``hyperparameters()`` names the numbers of its rule. ``reset()`` forgets the state
    (velocities, moments), e.g. after weights were typed in by hand.

    ``get_state()`` / ``set_state()`` carry that memory exactly, so training can go on
    elsewhere: ``memories`` names the per-parameter arrays (each a dict slot -> array,
    slots without an entry yet are simply absent), ``counters`` the whole numbers.
    ``set_state`` trusts its input: the network that owns the slots checks the shapes.
    """

    name = ""
    #: Names of the per-parameter memories, each a dict slot -> array.
    memories: tuple[str, ...] = ()
    #: Names of the whole-number counters (Adam's step count).
    counters: tuple[str, ...] = ()

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = float(learning_rate)

    def reset(self) -> None:
        """Forget accumulated state."""

    def get_state(self) -> dict[str, Any]:
        """Copies: ``{memory: {slot: array}, counter: int}`` for this optimizer's names."""
        state: dict[str, Any] = {c: int(getattr(self, c)) for c in self.counters}
        for m in self.memories:
            state[m] = {i: a.copy() for i, a in getattr(self, "_" + m).items()}
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Take a ``get_state()`` (arrays copied as float64)."""
        for c in self.counters:
            setattr(self, c, int(state[c]))
        for m in self.memories:
            setattr(self, "_" + m, {int(i): np.array(a, dtype=np.float64)
                                    for i, a in state[m].items()})

    def begin_step(self) -> None:
        """Called once per mini-batch before the parameters' updates."""

    def hyperparameters(self) -> dict[str, Any]:
        """The numbers of the rule besides the learning rate (for a trace)."""
        return {}

    def update(self, i: int, param: Array, grad: Array, trace: dict | None = None) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Plain gradient descent: ``param -= lr * grad``."""

    name = "sgd"

    def update(self, i: int, param: Array, grad: Array, trace: dict | None = None) -> None:
        grad *= self.learning_rate
        param -= grad
        if trace is not None:
            trace["delta"] = np.negative(grad)


class Momentum(Optimizer):
    """Heavy ball: ``v = mu * v - lr * grad``; ``param += v``."""

    name = "momentum"
    memories = ("velocity",)

    def __init__(self, learning_rate: float, momentum: float = 0.9) -> None:
        super().__init__(learning_rate)
        self.momentum = float(momentum)
        self._velocity: dict[int, Array] = {}

    def reset(self) -> None:
        self._velocity = {}

    def hyperparameters(self) -> dict[str, Any]:
        return {"momentum": self.momentum}

    def update(self, i: int, param: Array, grad: Array, trace: dict | None = None) -> None:
        v = self._velocity.get(i)
        if v is None or v.shape != param.shape:
            v = self._velocity[i] = np.zeros_like(param)
        if trace is not None:
            trace["velocity_before"] = v.copy()
        v *= self.momentum
        grad *= self.learning_rate
        v -= grad
        param += v
        if trace is not None:
            trace["velocity"] = v.copy()
            trace["delta"] = v.copy()


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) with bias-corrected first and second moments."""

    name = "adam"
    #: m: first moments, s: second moments, t: mini-batches seen (the bias correction).
    memories = ("m", "s")
    counters = ("t",)

    def __init__(
        self, learning_rate: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(learning_rate)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.reset()

    def reset(self) -> None:
        self.t = 0
        self._m: dict[int, Array] = {}
        self._s: dict[int, Array] = {}
        self._lr_t = 0.0

    def begin_step(self) -> None:
        self.t += 1
        self._lr_t = (
            self.learning_rate
            * np.sqrt(1.0 - self.beta2**self.t)
            / (1.0 - self.beta1**self.t)
        )

    def hyperparameters(self) -> dict[str, Any]:
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps, "t": self.t,
                "lr_t": float(self._lr_t)}

    def update(self, i: int, param: Array, grad: Array, trace: dict | None = None) -> None:
        m = self._m.get(i)
        if m is None or m.shape != param.shape:
            m = self._m[i] = np.zeros_like(param)
            self._s[i] = np.zeros_like(param)
        s = self._s[i]
        if trace is not None:
            trace["m_before"], trace["s_before"] = m.copy(), s.copy()
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        s *= self.beta2
        grad *= grad
        grad *= 1.0 - self.beta2
        s += grad
        step_ = np.sqrt(s)
        step_ += self.eps
        np.divide(m, step_, out=step_)
        step_ *= self._lr_t
        param -= step_
        if trace is not None:
            trace["m"], trace["s"] = m.copy(), s.copy()
            # Bias-corrected moments, for the explanation (the step uses lr_t instead).
            trace["m_hat"] = m / (1.0 - self.beta1**self.t)
            trace["s_hat"] = s / (1.0 - self.beta2**self.t)
            trace["delta"] = np.negative(step_)


# ------------------------------------------------------ optimizer memory in a file
#: Where a network keeps each optimizer slot, laid out like its state: for "weights"
#: and "biases" (None without biases) a list of (slot, shape, name) per layer.
SlotLayout = dict[str, list[tuple[int, tuple[int, ...], str]] | None]


def optimizer_state(opt: Optimizer, layout: SlotLayout) -> dict[str, Any]:
    """``opt``'s memory as copies laid out like the network's state::

        {"name": "sgd"} | {"name": "momentum", "velocity": M}
        | {"name": "adam", "t": int, "m": M, "s": M}

    each M None before the first update, else ``{"weights": [array or None, ...],
    "biases": [...] or None}`` (None: a slot not updated yet)."""
    raw = opt.get_state()
    state: dict[str, Any] = {"name": opt.name}
    for c in opt.counters:
        state[c] = raw[c]
    for m in opt.memories:
        slots = raw[m]
        state[m] = None if not slots else {
            part: None if entries is None else [slots.get(slot) for slot, _, _ in entries]
            for part, entries in layout.items()
        }
    return state


def prepare_optimizer_state(opt: Optimizer, value: Any, layout: SlotLayout) -> Callable[[], None]:
    """Check an ``optimizer_state`` for ``opt`` (``ModelError``, nothing changed) and
    return what assigns it."""
    if not isinstance(value, Mapping):
        raise ModelError("The optimizer's state must be a table.")
    expected = {"name", *opt.counters, *opt.memories}
    if value.get("name") != opt.name or set(value) != expected:
        raise ModelError(
            f"The optimizer's state does not fit this network's {opt.name!r} optimizer "
            f"(it needs {', '.join(sorted(expected))}).")
    raw: dict[str, Any] = {}
    for c in opt.counters:
        n = value[c]
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ModelError(f"The optimizer's {c} must be a whole number >= 0, not {n!r}.")
        raw[c] = int(n)
    for m in opt.memories:
        raw[m] = _memory_slots(value[m], m, layout)
    if any(set(raw[m]) != set(raw[opt.memories[0]]) for m in opt.memories):
        raise ModelError(f"The optimizer's {' and '.join(opt.memories)} must cover the same "
                         "weights.")
    return lambda: opt.set_state(raw)


def _memory_slots(value: Any, what: str, layout: SlotLayout) -> dict[int, Array]:
    """Slot -> float64 array from one M of ``optimizer_state``, every shape checked."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or set(value) != set(layout):
        raise ModelError(f"The optimizer's {what} must be None or a table of "
                         f"{' and '.join(layout)}.")
    slots: dict[int, Array] = {}
    for part, entries in layout.items():
        arrays = value[part]
        if entries is None:
            if arrays is not None:
                raise ModelError(f"This network has no {part}, so the optimizer's {what} has none.")
            continue
        if not isinstance(arrays, (list, tuple)) or len(arrays) != len(entries):
            raise ModelError(f"The optimizer's {what} needs {len(entries)} entries for the {part}.")
        for arr, (slot, shape, name) in zip(arrays, entries):
            if arr is None:
                continue
            try:
                arr = np.asarray(arr, dtype=np.float64)
            except (TypeError, ValueError):
                raise ModelError(f"The optimizer's {what} for {name} must be numbers.") from None
            if arr.shape != shape:
                raise ModelError(f"The optimizer's {what} for {name} must have shape {shape}, "
                                 f"got {arr.shape}.")
            # Not checked for NaN/inf: a copy is faithful (an overflowed second moment
            # leaves its weight finite), and a restore must not fail.
            slots[slot] = arr
    return slots


def make_optimizer(name: str, learning_rate: float) -> Optimizer:
    if name == "sgd":
        return SGD(learning_rate)
    if name == "momentum":
        return Momentum(learning_rate)
    if name == "adam":
        return Adam(learning_rate)
    raise ModelError(f"Unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}.")
