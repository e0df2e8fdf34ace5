"""Multi-layer perceptron trained by backpropagation.

``MLP(layer_sizes=[n_in, ..., n_out])`` has ``len(layer_sizes) - 1`` weight layers;
``[3, 1]`` (no hidden layer) is allowed. ``weights[i]`` has shape
(layer_sizes[i], layer_sizes[i + 1]) and is used as ``A @ W`` (rows are samples);
``biases[i]`` has shape (layer_sizes[i + 1],), or ``biases`` is None when ``bias=False``.
Both are plain attributes, updated in place by training; a teacher may assign new arrays.

Textbook fidelity: with ``bias=False``, sigmoid, ``loss="sse"``, ``optimizer="sgd"``,
``learning_rate=1.0`` and ``batch_size=None``, one ``partial_fit`` is exactly one
iteration of the classic hand-written loop::

    l1 = sigmoid(X @ W0); l2 = sigmoid(l1 @ W1)
    l2_delta = (y - l2) * l2 * (1 - l2)
    l1_delta = l2_delta @ W1.T * l1 * (1 - l1)
    W1 += l1.T @ l2_delta; W0 += X.T @ l1_delta

(every delta is computed with the weights from before the update).

``partial_fit`` returns the error on the whole ``X`` measured *after* the epoch, so it
equals ``error(X, y)`` called right after. L2 adds ``l2 * W`` to each weight gradient
(biases are not decayed) and is not included in the reported error.

Training state: ``set_state`` gives the network new weights and so forgets the
optimiser's memory of the old ones (momentum's velocity, Adam's moments and step count);
``get_training_state`` / ``set_training_state`` carry it as ``"optimizer"``::

    {"name": "sgd"}
    {"name": "momentum", "velocity": M}
    {"name": "adam", "t": mini-batches seen, "m": M, "s": M}

where each M is None before the first update, else laid out like the state,
``{"weights": [array or None per layer], "biases": [...] or None}``.

The kernels, used by ``partial_fit`` and ``explain.step_sample`` alike: ``backprop(X, T,
batch_rows)`` (forward and backward pass of a batch or part of one: its share of the
batch's gradient) and ``apply_gradients(g)`` (L2, then one optimizer step). The epoch
cursor (``"cursor"`` in the training state, see ``epoch_model.EpochModel``) adds
``"batch_size"`` (fixed when the epoch starts; a live change applies to the next epoch)
and ``"gradients"`` (the batch's gradient so far, laid out like the state, or None).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import pairwise
from types import MappingProxyType
from typing import Any

import numpy as np

from . import nn
from .base import LEARNING_RATE, LiveParam, ModelError, State, as_2d_float
from .epoch_model import EpochModel, cursor_entry

TASKS = ("classification", "regression")
INITS = ("xavier", "he", "zeros")


class MLP(EpochModel):
    """A fully connected feed-forward network (see module docstring for shapes)."""

    kind = "mlp"
    #: Read at every epoch; batch_size None is the full batch.
    live_params = MappingProxyType({
        "learning_rate": LEARNING_RATE,
        "batch_size": LiveParam(int, min=1, optional=True),
        "l2": LiveParam(float, min=0.0, max=1.0),
    })
    training_extras = ("optimizer",)
    trace_type = "MLPTrace"

    def __init__(
        self,
        layer_sizes=(2, 4, 1),
        activation: str = "sigmoid",
        bias: bool = True,
        loss: str = "sse",
        optimizer: str = "sgd",
        learning_rate: float = 0.1,
        batch_size: int | None = None,
        l2: float = 0.0,
        task: str = "classification",
        output_activation: str = "auto",
        init: str = "xavier",
        shuffle: bool = True,
        seed: int = 0,
    ) -> None:
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ModelError(
                "An MLP needs at least an input and an output layer, each with at least "
                f"one neuron; got layer sizes {list(layer_sizes)}."
            )
        self.layer_sizes = sizes
        self.activation = activation
        self.bias = bool(bias)
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = float(learning_rate)
        self.batch_size = None if batch_size is None else int(batch_size)
        self.l2 = float(l2)
        self.task = task
        self.output_activation = output_activation
        self.init = init
        self.shuffle = bool(shuffle)
        self._opt: nn.Optimizer | None = None
        self._resolve()
        super().__init__(seed)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] | None = None
        self._initialize()

    # ------------------------------------------------------------- configuration
    @property
    def n_inputs(self) -> int:
        return self.layer_sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.layer_sizes[-1]

    @property
    def resolved_output_activation(self) -> str:
        """The output activation actually used ("auto" resolved)."""
        out = self.output_activation
        if out != "auto":
            return out
        if self.task == "regression":
            return "linear"
        if self.n_outputs > 1 and self.loss == "cross_entropy":
            return "softmax"
        return "sigmoid"

    def _resolve(self) -> None:
        """Check the settings and pick the per-layer functions (cheap; once per epoch, so
        settings changed between epochs take effect)."""
        for name, value, allowed in (
            ("activation", self.activation, nn.ACTIVATIONS),
            ("loss", self.loss, nn.LOSSES),
            ("optimizer", self.optimizer, nn.OPTIMIZERS),
            ("task", self.task, TASKS),
            ("init", self.init, INITS),
            ("output_activation", self.output_activation, ("auto",) + nn.OUTPUT_ACTIVATIONS),
        ):
            if value not in allowed:
                raise ModelError(f"Unknown {name} {value!r}; choose one of {', '.join(allowed)}.")
        if self.batch_size is not None and self.batch_size < 1:
            raise ModelError("The batch size must be at least 1 (or None for the full batch).")
        out = self.resolved_output_activation
        if self.loss == "cross_entropy" and out not in ("sigmoid", "softmax"):
            raise ModelError(
                "Cross-entropy needs probabilities at the output: use a sigmoid or softmax "
                f"output, not {out!r}."
            )
        if out == "softmax" and self.n_outputs < 2:
            raise ModelError("A softmax output needs at least two output neurons.")
        n_layers = len(self.layer_sizes) - 1
        self._out_act = out
        self._funcs = [nn.ACTIVATION_FUNCS[self.activation]] * (n_layers - 1)
        self._funcs.append(nn.ACTIVATION_FUNCS[out])
        self._deriv = nn.DERIVATIVES[self.activation]
        if self._opt is None or self._opt.name != self.optimizer:
            self._opt = nn.make_optimizer(self.optimizer, self.learning_rate)
        self._opt.learning_rate = self.learning_rate

    # ----------------------------------------------------------------- lifecycle
    def _initialize(self) -> None:
        sizes = self.layer_sizes
        he = self.init == "he" or (self.init == "xavier" and self.activation == "relu")
        self.weights = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            if self.init == "zeros":
                w = np.zeros((fan_in, fan_out))
            elif he:
                w = self.rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
            else:
                limit = np.sqrt(6.0 / (fan_in + fan_out))
                w = self.rng.uniform(-limit, limit, size=(fan_in, fan_out))
            self.weights.append(w)
        self.biases = [np.zeros(s) for s in sizes[1:]] if self.bias else None
        if self._opt is not None:
            self._opt.reset()

    def _check_params(self) -> None:
        """Validate (and convert to float64) arrays a user may have assigned."""
        sizes = self.layer_sizes
        n_layers = len(sizes) - 1
        if len(self.weights) != n_layers:
            raise ModelError(f"Expected {n_layers} weight matrices, got {len(self.weights)}.")
        for i in range(n_layers):
            self.weights[i] = _as_shape(self.weights[i], (sizes[i], sizes[i + 1]), f"weights[{i}]")
        if self.bias:
            if self.biases is None or len(self.biases) != n_layers:
                raise ModelError(f"Expected {n_layers} bias vectors.")
            for i in range(n_layers):
                self.biases[i] = _as_shape(self.biases[i], (sizes[i + 1],), f"biases[{i}]")
        elif self.biases is not None:
            raise ModelError("This network has no bias (bias=False), so biases must be None.")

    # ------------------------------------------------------------------ training
    def _targets(self, y: Any, n: int) -> np.ndarray:
        """Targets as a float (n, n_out) array (see the class contract for y)."""
        if y is None:
            raise ModelError("An MLP learns from targets: y is missing.")
        t = np.asarray(y)
        k = self.n_outputs
        if t.ndim == 2:
            if t.shape != (n, k):
                raise ModelError(f"Targets must have shape ({n}, {k}), got {t.shape}.")
            t = t.astype(np.float64)
        elif t.ndim == 1 and t.shape[0] == n:
            if k == 1:
                t = t.astype(np.float64).reshape(n, 1)
            elif self.task == "classification":
                labels = t.astype(np.int64)
                if np.any(labels != t) or labels.min(initial=0) < 0 or labels.max(initial=0) >= k:
                    raise ModelError(f"Class labels must be whole numbers 0..{k - 1}.")
                t = np.zeros((n, k))
                t[np.arange(n), labels] = 1.0
            else:
                raise ModelError(f"Regression with {k} outputs needs targets of shape ({n}, {k}).")
        else:
            raise ModelError(f"Expected {n} targets, got an array of shape {t.shape}.")
        if not np.all(np.isfinite(t)):
            raise ModelError("The targets contain NaN or infinite values.")
        return t

    # ------------------------------------------------------------------ kernels
    def backprop(self, X: np.ndarray, T: np.ndarray, batch_rows: int | None = None,
                 keep: bool = False) -> dict[str, Any]:
        """Forward and backward pass of the rows X (m, n_in), targets T (m, n_out), part
        of a batch of ``batch_rows`` samples (default m; the mean losses divide by it).

        Returns ``{"gradients": {"weights": [...], "biases": [...] or None}}`` (the rows'
        share of d loss / d weights with the current weights, L2 not included) and, with
        ``keep``, ``"nets"`` (net input per layer after the input), ``"activations"``
        (input first) and ``"deltas"`` (d loss / d net per layer after the input)."""
        Ws, Bs = self.weights, self.biases
        a, acts, nets = X, [X], []
        for i, f in enumerate(self._funcs):
            z = a @ Ws[i]
            if Bs is not None:
                z += Bs[i]
            if keep:
                nets.append(z.copy())
            a = f(z, z)
            acts.append(a)
        delta = nn.output_delta(self.loss, a, T, self._out_act, batch_rows)
        n_layers, deriv = len(Ws), self._deriv
        g_w: list[Any] = [None] * n_layers
        g_b: list[Any] | None = None if Bs is None else [None] * n_layers
        deltas: list[Any] = [None] * n_layers if keep else []
        for i in range(n_layers - 1, -1, -1):
            g_w[i] = acts[i].T @ delta
            if g_b is not None:
                g_b[i] = delta.sum(axis=0)
            if keep:
                deltas[i] = delta
            if i:  # every delta with the weights from before the update
                delta = delta @ Ws[i].T
                delta *= deriv(acts[i])
        return {"gradients": {"weights": g_w, "biases": g_b}, "nets": nets,
                "activations": acts, "deltas": deltas}

    def apply_gradients(self, gradients: State, trace: bool = False) -> dict[str, Any] | None:
        """One optimizer step from a batch's ``gradients`` (as ``backprop`` returns them;
        they are used up): ``l2 * W`` is added to each weight gradient, then every array
        is updated in place. With ``trace`` returns the ``OptimizerStep`` fields."""
        Ws, Bs, opt = self.weights, self.biases, self._opt
        g_w, g_b = gradients["weights"], gradients["biases"]
        if self.l2:
            for i, W in enumerate(Ws):
                g_w[i] += self.l2 * W
        given = _copy_layered(gradients) if trace else None
        w_rec = [{} for _ in Ws] if trace else None
        b_rec = [{} for _ in Ws] if trace else None
        opt.begin_step()
        update = opt.update
        for i in range(len(Ws) - 1, -1, -1):
            if Bs is not None:
                update(2 * i + 1, Bs[i], g_b[i], b_rec and b_rec[i])
            update(2 * i, Ws[i], g_w[i], w_rec and w_rec[i])
        if not trace:
            return None
        record: dict[str, Any] = {"name": opt.name, "learning_rate": opt.learning_rate,
                                  "l2": self.l2, "gradients": given, **opt.hyperparameters()}
        for key in w_rec[0]:
            record[key] = {"weights": [r[key] for r in w_rec],
                           "biases": None if Bs is None else [r[key] for r in b_rec]}
        return record

    # ------------------------------------------------------------------ the epoch
    # Mini-batches of batch_size rows (None: one batch of everything) in an order drawn
    # when the epoch starts (shuffled only when there is more than one batch).
    # partial_fit returns error(X, y) after the epoch.
    def _prepare_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X = np.ascontiguousarray(as_2d_float(X, self.n_inputs))
        T = self._targets(y, X.shape[0])
        self._resolve()
        self._check_params()
        return X, T

    def _new_cursor(self, n: int) -> dict[str, Any]:
        bs = n if self.batch_size is None else min(self.batch_size, n)
        order = self.rng.permutation(n) if self.shuffle and bs < n else np.arange(n)
        return {"order": order.astype(np.int64, copy=False), "position": 0,
                "batch_size": max(bs, 1), "gradients": None}

    def _learn_rest(self, X: np.ndarray, T: np.ndarray, cursor: dict[str, Any]) -> None:
        order, p, bs, n = cursor["order"], cursor["position"], cursor["batch_size"], len(X)
        if p % bs:  # finish the batch in progress
            start, end = p - p % bs, min(p - p % bs + bs, n)
            rows = order[p:end]
            g = self.backprop(X[rows], T[rows], batch_rows=end - start)["gradients"]
            acc = cursor["gradients"]
            cursor["gradients"] = None
            self.apply_gradients(g if acc is None else _add_layered(acc, g))
            p = end
        if p < n:
            rest = order[p:]
            Xs, Ts = X[rest], T[rest]
            for start in range(0, n - p, bs):
                b = self.backprop(Xs[start:start + bs], Ts[start:start + bs])
                self.apply_gradients(b["gradients"])

    def _learn_at(self, X: np.ndarray, T: np.ndarray, cursor: dict[str, Any],
                  index: int) -> tuple[dict[str, Any], State, bool]:
        from .explain import OptimizerStep  # (see EpochModel.trace_type)

        p, bs, n = cursor["position"], cursor["batch_size"], len(X)
        start = p - p % bs
        rows = min(bs, n - start)
        closes = p == start + rows - 1
        x, t = X[[index]], T[[index]]
        b = self.backprop(x, t, batch_rows=rows, keep=True)
        g = b["gradients"]
        acc = cursor["gradients"] if p > start else None
        acc = _copy_layered(g) if acc is None else _add_layered(acc, g)
        so_far = _copy_layered(acc)
        update = None
        if closes:
            cursor["gradients"] = None
            record = self.apply_gradients(acc, trace=True)
            update = OptimizerStep(**record)
            deltas = _copy_layered(record["delta"])
        else:
            cursor["gradients"] = acc
            deltas = _copy_layered(g, zeros=True)
        out = b["activations"][-1]
        fields = {"x": x[0], "target": t[0], "nets": [z[0] for z in b["nets"]],
                  "activations": [a[0].copy() for a in b["activations"]],
                  "loss_name": self.loss, "loss": nn.loss_value(self.loss, out, t, self._out_act),
                  "layer_deltas": [d[0].copy() for d in b["deltas"]], "gradients": g,
                  "batch_gradients": so_far, "batch_index": p // bs, "batch_position": p - start,
                  "batch_rows": rows, "update": update}
        return fields, deltas, closes

    def _end_epoch(self, X: np.ndarray, T: np.ndarray, cursor: dict[str, Any]) -> float:
        return self._loss(X, T)

    def _check_cursor_sums(self, value: Mapping[str, Any], n: int) -> dict[str, Any]:
        bs, grads = cursor_entry(value, "batch_size"), cursor_entry(value, "gradients")
        if set(value) != {"batch_size", "gradients"}:
            raise ModelError("The network's epoch cursor holds batch_size and gradients only.")
        if isinstance(bs, (bool, np.bool_)) or not isinstance(bs, (int, np.integer)) or not 1 <= bs <= n:
            raise ModelError(f"The epoch's batch size must be a whole number from 1 to {n}.")
        if grads is not None:
            if not isinstance(grads, Mapping) or set(grads) != {"weights", "biases"}:
                raise ModelError("The batch's gradients must be a table of weights and biases.")
            sizes = self.layer_sizes
            g_w, g_b = grads["weights"], grads["biases"]
            if not isinstance(g_w, (list, tuple)) or len(g_w) != len(sizes) - 1:
                raise ModelError(f"The batch's gradients need {len(sizes) - 1} weight arrays.")
            g_w = [_as_shape(g, (sizes[i], sizes[i + 1]), f"the gradient of weights[{i}]").copy()
                   for i, g in enumerate(g_w)]
            if self.bias:
                if not isinstance(g_b, (list, tuple)) or len(g_b) != len(sizes) - 1:
                    raise ModelError(f"The batch's gradients need {len(sizes) - 1} bias arrays.")
                g_b = [_as_shape(g, (sizes[i + 1],), f"the gradient of biases[{i}]").copy()
                       for i, g in enumerate(g_b)]
            elif g_b is not None:
                raise ModelError("This network has no bias, so its gradients have none.")
            grads = {"weights": g_w, "biases": g_b}
        return {"batch_size": int(bs), "gradients": grads}

    def error(self, X: Any, y: Any = None) -> float:
        """The loss (see ``nn``) of the current network on X (n, n_in) against y."""
        X = as_2d_float(X, self.n_inputs)
        return self._loss(X, self._targets(y, X.shape[0]))

    def _loss(self, X: np.ndarray, T: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            out = self._forward(X)[-1]
            return nn.loss_value(self.loss, out, T, self._out_act)

    # ---------------------------------------------------------------- prediction
    def _forward(self, X: np.ndarray, start: int = 0, stop: int | None = None) -> list[np.ndarray]:
        self._resolve()
        self._check_params()
        stop = len(self.weights) if stop is None else stop
        acts = [X]
        a = X
        for i in range(start, stop):
            z = a @ self.weights[i]
            if self.biases is not None:
                z += self.biases[i]
            a = self._funcs[i](z, z)
            acts.append(a)
        return acts

    def forward(self, X: Any) -> list[np.ndarray]:
        """Activations of every layer for X (n, n_in), input first: shapes (n, size_i)."""
        X = as_2d_float(X, self.n_inputs)
        with np.errstate(all="ignore"):
            return self._forward(X.copy())

    def propagate(self, A: Any, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Activations of layer ``stop`` given those of layer ``start`` (n, size_start).

        Layer 0 is the input; ``stop=None`` means the output layer. Used by the
        autoencoder to encode (input -> code) and decode (code -> output).
        """
        n_layers = len(self.layer_sizes) - 1
        stop = n_layers if stop is None else int(stop)
        if not 0 <= start <= stop <= n_layers:
            raise ModelError(f"Layers {start}..{stop} do not exist in this network.")
        A = as_2d_float(A, self.layer_sizes[start], name="A")
        with np.errstate(all="ignore"):
            return self._forward(A, start, stop)[-1]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Output activations (n, n_out)."""
        return self.forward(X)[-1]

    def predict_proba_float32(self, X: Any) -> np.ndarray:
        """Output activations (n, n_out) computed in float32.

        For drawing a decision surface: 10,000 grid points up to 30 times a second in the
        training thread, where float64's extra digits are invisible and cost about half
        the time. Training and every number a student reads use float64.
        """
        X = as_2d_float(X, self.n_inputs).astype(np.float32)
        self._resolve()
        self._check_params()
        a = X
        with np.errstate(all="ignore"):
            for i, W in enumerate(self.weights):
                z = a @ W.astype(np.float32)
                if self.biases is not None:
                    z += self.biases[i].astype(np.float32)
                a = self._funcs[i](z, z)
        return a

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (n,) int for classification (threshold 0.5 for one output, the
        largest output otherwise); the outputs (n, n_out) for regression."""
        out = self.predict_proba(X)
        if self.task == "regression":
            return out
        if self.n_outputs == 1:
            return (out[:, 0] >= 0.5).astype(np.int64)
        return np.argmax(out, axis=1).astype(np.int64)

    def input_gradient(self, X: Any, target_class: int = 0) -> np.ndarray:
        """d output[target_class] / d input for each row: same shape as X.

        For softmax outputs this is the gradient of that class's probability.
        """
        shape = np.shape(X)
        X = as_2d_float(X, self.n_inputs)
        k = self.n_outputs
        if not 0 <= int(target_class) < k:
            raise ModelError(f"target_class must be 0..{k - 1}, got {target_class}.")
        c = int(target_class)
        with np.errstate(all="ignore"):
            acts = self._forward(X)
            out = acts[-1]
            if self._out_act == "softmax":
                delta = -out[:, c : c + 1] * out
                delta[:, c] += out[:, c]
            else:
                delta = np.zeros_like(out)
                delta[:, c] = nn.DERIVATIVES[self._out_act](out[:, c])
            for i in range(len(self.weights) - 1, -1, -1):
                delta = delta @ self.weights[i].T
                if i:
                    delta *= self._deriv(acts[i])
        return delta.reshape(shape)

    # --------------------------------------------------------------------- state
    def get_config(self) -> dict[str, Any]:
        return {
            "layer_sizes": list(self.layer_sizes),
            "activation": self.activation,
            "bias": self.bias,
            "loss": self.loss,
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "l2": self.l2,
            "task": self.task,
            "output_activation": self.output_activation,
            "init": self.init,
            "shuffle": self.shuffle,
            "seed": self.seed,
        }

    def get_state(self) -> State:
        """{"weights": [copies], "biases": [copies] or None}."""
        return {
            "weights": [np.array(w, dtype=np.float64) for w in self.weights],
            "biases": None if self.biases is None else [np.array(b, dtype=np.float64) for b in self.biases],
        }

    def set_state(self, state: State) -> None:
        """Assign copies of ``state``'s arrays after checking every shape.

        The optimizer's memory (momentum, Adam moments) is cleared: it belonged to the
        old weights (and after a diverged epoch it is NaN or huge). To continue training
        exactly, use ``set_training_state``.
        """
        sizes = self.layer_sizes
        n_layers = len(sizes) - 1
        try:
            weights, biases = state["weights"], state.get("biases")
        except (KeyError, TypeError, AttributeError):
            raise ModelError("An MLP state needs 'weights' (and 'biases').") from None
        if weights is None or len(weights) != n_layers:
            raise ModelError(f"Expected {n_layers} weight matrices for layers {sizes}.")
        new_w = [
            _as_shape(w, (sizes[i], sizes[i + 1]), f"weights[{i}]").copy()
            for i, w in enumerate(weights)
        ]
        if self.bias:
            if biases is None or len(biases) != n_layers:
                raise ModelError(f"Expected {n_layers} bias vectors for layers {sizes}.")
            new_b = [_as_shape(b, (sizes[i + 1],), f"biases[{i}]").copy() for i, b in enumerate(biases)]
        else:
            if biases is not None:
                raise ModelError("This network has no bias (bias=False), so biases must be None.")
            new_b = None
        self.weights, self.biases = new_w, new_b
        self._cursor = None  # the epoch in progress was learning other weights
        if self._opt is not None:
            self._opt.reset()

    def _apply_live_param(self, name: str, value: Any) -> None:
        setattr(self, name, value)
        if name == "learning_rate" and self._opt is not None:
            self._opt.learning_rate = value  # the optimiser's own copy

    # ------------------------------------------------------------ training state
    def _get_training_extras(self) -> State:
        self._resolve()
        return {"optimizer": nn.optimizer_state(self._opt, self._slot_layout())}

    def _prepare_training_extras(self, extras: Mapping[str, Any]) -> Callable[[], None]:
        self._resolve()
        return nn.prepare_optimizer_state(self._opt, extras["optimizer"], self._slot_layout())

    def _slot_layout(self) -> nn.SlotLayout:
        """Which optimizer slot is which array (partial_fit: weights[i] is slot 2i,
        biases[i] slot 2i + 1), laid out like the state."""
        sizes = self.layer_sizes
        pairs = list(pairwise(sizes))
        return {
            "weights": [(2 * i, shape, f"weights[{i}]") for i, shape in enumerate(pairs)],
            "biases": [(2 * i + 1, (n_out,), f"biases[{i}]") for i, (_, n_out) in enumerate(pairs)]
            if self.bias else None,
        }


def _copy_layered(value: State, zeros: bool = False) -> State:
    """A copy (or zeros) of ``{"weights": [...], "biases": [...] or None}``."""
    make = np.zeros_like if zeros else np.copy
    return {key: None if arrays is None else [make(a) for a in arrays]
            for key, arrays in value.items()}


def _add_layered(total: State, part: State) -> State:
    """``total += part``, array by array, in place; returns ``total``."""
    for key, arrays in total.items():
        if arrays is not None:
            for a, b in zip(arrays, part[key]):
                a += b
    return total


def _as_shape(value: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelError(f"{name} must be an array of numbers.") from None
    if arr.shape != shape:
        raise ModelError(f"{name} must have shape {shape}, got {arr.shape}.")
    return arr
