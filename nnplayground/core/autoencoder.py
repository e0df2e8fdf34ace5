"""An autoencoder: an MLP trained to reproduce its own (standardised) input.

Inputs are standardised internally (``(X - mean_) / scale_``, fitted on the first
``partial_fit``) because squashing units fed raw data in the range +-10 saturate and
never reconstruct it; the output layer is linear so any standardised value can be
reached. ``encode`` reads the smallest hidden layer (the code, 2-D by default so it can be
plotted), ``decode`` runs the rest of the network and undoes the standardisation.

Shapes: X (n, n_in); code (n, latent) with latent = min(layer_sizes[1:-1]).

Epochs and sample steps are the inner MLP's (its kernels, its epoch cursor, its random
generator); the training state's ``"cursor"`` is the inner MLP's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import ModelError, State, as_2d_float, rng_from_state, rng_state
from .epoch_model import EpochModel
from .mlp import MLP

if TYPE_CHECKING:
    from .explain import AutoencoderTrace


class Autoencoder(EpochModel):
    """``layer_sizes`` must start and end with n_in and have at least one hidden layer."""

    kind = "autoencoder"
    unsupervised = True
    #: The inner MLP's own (it does the training).
    live_params = MLP.live_params
    #: The inner MLP's optimiser memory and its random generator (which shuffles the
    #: mini-batches; ``rng`` is the autoencoder's own).
    training_extras = ("optimizer", "network_rng")
    trace_type = "AutoencoderTrace"

    def __init__(
        self,
        layer_sizes=(4, 8, 2, 8, 4),
        activation: str = "tanh",
        optimizer: str = "adam",
        learning_rate: float = 0.01,
        batch_size: int | None = 32,
        l2: float = 0.0,
        standardize: bool = True,
        seed: int = 0,
    ) -> None:
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 3 or sizes[0] != sizes[-1]:
            raise ModelError(
                "An autoencoder needs at least one hidden layer and as many outputs as "
                f"inputs (e.g. [4, 8, 2, 8, 4]); got {list(layer_sizes)}."
            )
        self.layer_sizes = sizes
        self.standardize = bool(standardize)
        super().__init__(seed)
        self.mlp = MLP(
            sizes,
            activation=activation,
            bias=True,
            loss="mse",
            optimizer=optimizer,
            learning_rate=learning_rate,
            batch_size=batch_size,
            l2=l2,
            task="regression",
            output_activation="linear",
            seed=self.seed,
        )
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        #: Index of the code layer in ``forward`` order (0 is the input).
        self.code_layer = 1 + int(np.argmin(sizes[1:-1]))

    # Training settings live on the inner MLP; these make them look like our own (for
    # get_config and readers). Changes while training go through set_live_param.
    def _mlp_attr(name: str):  # noqa: N805 - a small property factory used in the class body
        return property(
            lambda self: getattr(self.mlp, name),
            lambda self, value: setattr(self.mlp, name, value),
        )

    activation = _mlp_attr("activation")
    optimizer = _mlp_attr("optimizer")
    learning_rate = _mlp_attr("learning_rate")
    batch_size = _mlp_attr("batch_size")
    l2 = _mlp_attr("l2")
    del _mlp_attr

    @property
    def weights(self) -> list[np.ndarray]:
        return self.mlp.weights

    @weights.setter
    def weights(self, value: list[np.ndarray]) -> None:
        self.mlp.weights = value

    @property
    def biases(self) -> list[np.ndarray] | None:
        return self.mlp.biases

    @biases.setter
    def biases(self, value: list[np.ndarray]) -> None:
        self.mlp.biases = value

    @property
    def n_inputs(self) -> int:
        return self.layer_sizes[0]

    @property
    def n_latent(self) -> int:
        return self.layer_sizes[self.code_layer]

    def _initialize(self) -> None:
        # Called by reset(): the inner network restarts from the same seed, and the
        # standardisation is fitted again on the next data seen.
        if hasattr(self, "mlp"):
            self.mlp.reset(self.seed)
        self.mean_ = None
        self.scale_ = None

    # ------------------------------------------------------------ standardising
    def _fit_scaler(self, X: np.ndarray) -> None:
        if self.standardize and X.shape[0] > 0:
            self.mean_ = X.mean(axis=0)
            std = X.std(axis=0)
            # A constant column has nothing to scale; dividing by 1 keeps it finite.
            self.scale_ = np.where(std > 0.0, std, 1.0)
        else:
            self.mean_ = np.zeros(X.shape[1])
            self.scale_ = np.ones(X.shape[1])

    def _to_std(self, X: np.ndarray) -> np.ndarray:
        if self.mean_ is None:
            return X
        return (X - self.mean_) / self.scale_

    def _from_std(self, Xs: np.ndarray) -> np.ndarray:
        if self.mean_ is None:
            return Xs
        return Xs * self.scale_ + self.mean_

    # ------------------------------------------------------------------ training
    def _prepare_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X = as_2d_float(X, self.n_inputs)
        if self.mean_ is None:
            self._fit_scaler(X)
        return X, self._to_std(X)

    def partial_fit(self, X: Any, y: Any = None) -> float:
        """One epoch on X (n, n_in), or the rest of the one in progress; ``y`` is
        ignored. Returns the reconstruction MSE in standardised units after the epoch."""
        X, Xs = self._prepare_data(X, y)
        err = self.mlp.partial_fit(Xs, Xs)
        self.epoch += 1
        return err

    def step_sample(self, X: Any, y: Any = None) -> AutoencoderTrace:
        """The inner network's sample step on the standardised X (``explain``)."""
        from .explain import AutoencoderTrace  # (see EpochModel.trace_type)

        X, Xs = self._prepare_data(X, y)
        trace = self.mlp.step_sample(Xs, Xs)
        if trace.epoch_closed:
            self.epoch += 1
        values = {f.name: getattr(trace, f.name) for f in fields(trace)}
        return AutoencoderTrace(**{**values, "kind": self.kind},
                                x_data=X[trace.sample_index].copy(),
                                mean=self.mean_.copy(), scale=self.scale_.copy())

    @property
    def epoch_position(self) -> int:
        return self.mlp.epoch_position

    def error(self, X: Any, y: Any = None) -> float:
        """Reconstruction MSE (mean over every entry) in standardised units."""
        X = as_2d_float(X, self.n_inputs)
        Xs = self._to_std(X)
        return self.mlp.error(Xs, Xs)

    # ---------------------------------------------------------------- prediction
    def encode(self, X: Any) -> np.ndarray:
        """The code layer's activations (n, n_latent)."""
        X = as_2d_float(X, self.n_inputs)
        return self.mlp.propagate(self._to_std(X), 0, self.code_layer)

    def decode(self, Z: Any) -> np.ndarray:
        """Reconstructions (n, n_in) in the input's units from codes Z (n, n_latent)."""
        Z = as_2d_float(Z, self.n_latent, name="Z")
        with np.errstate(all="ignore"):
            return self._from_std(self.mlp.propagate(Z, self.code_layer, None))

    def predict(self, X: Any) -> np.ndarray:
        """Reconstructions (n, n_in) in the input's units."""
        X = as_2d_float(X, self.n_inputs)
        with np.errstate(all="ignore"):
            return self._from_std(self.mlp.propagate(self._to_std(X)))

    def forward(self, X: Any) -> list[np.ndarray]:
        """Every layer's activations (standardised input first), for the network view."""
        X = as_2d_float(X, self.n_inputs)
        return self.mlp.forward(self._to_std(X))

    # --------------------------------------------------------------------- state
    def get_config(self) -> dict[str, Any]:
        return {
            "layer_sizes": list(self.layer_sizes),
            "activation": self.activation,
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "l2": self.l2,
            "standardize": self.standardize,
            "seed": self.seed,
        }

    def get_state(self) -> State:
        """The inner MLP's {"weights", "biases"} plus "mean_" and "scale_" ((n_in,) or None)."""
        state = self.mlp.get_state()
        state["mean_"] = None if self.mean_ is None else self.mean_.copy()
        state["scale_"] = None if self.scale_ is None else self.scale_.copy()
        return state

    def set_state(self, state: State) -> None:
        try:
            mean, scale = state.get("mean_"), state.get("scale_")
        except AttributeError:
            raise ModelError("An autoencoder state must be a dictionary.") from None
        if (mean is None) != (scale is None):
            raise ModelError("mean_ and scale_ must both be given or both be None.")
        if mean is not None:
            mean = np.array(mean, dtype=np.float64)
            scale = np.array(scale, dtype=np.float64)
            shape = (self.n_inputs,)
            if mean.shape != shape or scale.shape != shape:
                raise ModelError(f"mean_ and scale_ must have shape {shape}.")
            if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale)) and np.all(scale > 0)):
                raise ModelError("mean_ must be finite and scale_ finite and positive.")
        self.mlp.set_state(state)
        self.mean_, self.scale_ = mean, scale

    def _apply_live_param(self, name: str, value: Any) -> None:
        self.mlp.set_live_param(name, value)  # and so its optimiser's copy

    # ------------------------------------------------------------ training state
    def _get_training_extras(self) -> State:
        return {"optimizer": self.mlp.get_training_extras()["optimizer"],
                "network_rng": rng_state(self.mlp.rng)}

    def _prepare_training_extras(self, extras: Mapping[str, Any]) -> Callable[[], None]:
        apply_optimizer = self.mlp.prepare_training_extras({"optimizer": extras["optimizer"]})
        network_rng = rng_from_state(extras["network_rng"])

        def apply() -> None:
            apply_optimizer()
            self.mlp.rng = network_rng
        return apply

    def _cursor_copy(self) -> dict[str, Any] | None:
        return self.mlp.get_epoch_cursor()

    def _prepare_cursor(self, value: Any) -> Callable[[], None]:
        return self.mlp.prepare_epoch_cursor(value)

    def set_training_state(self, state: Mapping[str, Any]) -> None:
        super().set_training_state(state)
        self.mlp.epoch = self.epoch  # they count together
