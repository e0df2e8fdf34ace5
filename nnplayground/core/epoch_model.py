"""``EpochModel``: the models trained sample by sample (or batch by batch) through an
epoch cursor, between ``base.Model`` and the four models (see "Conventions" in
``core.base``); ``cursor_entry`` for the models' own cursor entries."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from .base import Model, ModelError, State


#: The training-state entry of the epoch in progress (``EpochModel``).
CURSOR = "cursor"


class EpochModel(Model):
    """A model trained sample by sample (or batch by batch) through an epoch cursor.

    An epoch's sample order is drawn from ``rng`` when it starts (``_new_cursor``); the
    cursor then records how far the epoch got and what it has accumulated. The one
    template of ``partial_fit`` and ``step_sample`` lives here; a model supplies:

    * ``_prepare_data(X, y) -> (X, T)``: checked arrays, after fitting what the model
      fits from data (initial centroids, standardisation);
    * ``_new_cursor(n)``: ``{"order", "position": 0, ...sums}`` (draws the order);
    * ``_learn_rest(X, T, cursor)``: the epoch from ``cursor["position"]`` to its end
      (the fast path of ``partial_fit``);
    * ``_learn_at(X, T, cursor, index) -> (fields, deltas, batch_closed)``: the sample
      at ``cursor["position"]`` (row ``index``), its trace's fields and the change it
      applied;
    * ``_end_epoch(X, T, cursor) -> float``: the epoch's error as ``partial_fit``
      reports it;
    * ``_check_cursor_sums(value, n) -> dict``: the model's cursor entries, checked.

    Data of another size than the epoch in progress abandons that epoch (its order
    refers to other rows) and starts a new one. ``set_state`` abandons it too: the
    weights it was accumulating for are gone.
    """

    #: The name of the trace dataclass ``step_sample`` returns, in
    #: ``nnplayground.core.explain`` (imported when a sample is stepped: its dataclasses
    #: cost ~11 ms of the app's launch otherwise).
    trace_type: ClassVar[str]
    #: Training-state entries of earlier versions that are accepted and ignored.
    retired_training_extras: ClassVar[tuple[str, ...]] = ()
    shuffle: bool

    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self._cursor: dict[str, Any] | None = None

    def reset(self, seed: int | None = None) -> None:
        self._cursor = None
        super().reset(seed)

    @property
    def epoch_position(self) -> int:
        """Samples of the epoch in progress already learned (0 between epochs)."""
        return 0 if self._cursor is None else int(self._cursor["position"])

    # ------------------------------------------------------------------ template
    def partial_fit(self, X: Any, y: Any = None) -> float:
        """One epoch, or the rest of the one in progress (from the cursor); returns the
        epoch's error and counts it in ``epoch``."""
        X, T = self._prepare_data(X, y)
        cursor = self._open_epoch(len(X))
        with np.errstate(all="ignore"):
            self._learn_rest(X, T, cursor)
            cursor["position"] = len(X)
            return self._close_epoch(X, T, cursor)

    def step_sample(self, X: Any, y: Any = None) -> Any:
        """Learn the next sample of the epoch in progress (drawing the epoch's order
        first when none is): ``nnplayground.core.explain.step_sample``."""
        from . import explain  # here, not at import (see trace_type); before any change

        X, T = self._prepare_data(X, y)
        n = len(X)
        if n == 0:
            raise ModelError("There are no points to step through.")
        cursor = self._open_epoch(n)
        position, epoch = int(cursor["position"]), self.epoch
        index = int(cursor["order"][position])
        with np.errstate(all="ignore"):
            fields, deltas, batch_closed = self._learn_at(X, T, cursor, index)
            cursor["position"] = position + 1
            closed = position + 1 == n
            error = self._close_epoch(X, T, cursor) if closed else None
        return getattr(explain, self.trace_type)(
            kind=self.kind, sample_index=index, epoch=epoch, position=position,
            n_samples=n, epoch_closed=closed, batch_closed=batch_closed or closed,
            epoch_error=error, deltas=deltas, **fields)

    def _open_epoch(self, n: int) -> dict[str, Any]:
        cursor = self._cursor
        if cursor is None or len(cursor["order"]) != n:
            cursor = self._cursor = self._new_cursor(n)
        return cursor

    def _close_epoch(self, X: np.ndarray, T: Any, cursor: dict[str, Any]) -> float:
        error = float(self._end_epoch(X, T, cursor))
        self._cursor = None
        self.epoch += 1
        return error

    def _new_cursor(self, n: int) -> dict[str, Any]:
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        return {"order": order.astype(np.int64, copy=False), "position": 0}

    # The hooks (a model that delegates its epochs, as the autoencoder, needs none).
    def _prepare_data(self, X: Any, y: Any) -> tuple[np.ndarray, Any]:
        """Checked (X, targets) after fitting what the model fits from data."""
        raise NotImplementedError

    def _learn_rest(self, X: np.ndarray, T: Any, cursor: dict[str, Any]) -> None:
        """Learn the samples from ``cursor["position"]`` to the end of the epoch."""
        raise NotImplementedError

    def _learn_at(self, X: np.ndarray, T: Any, cursor: dict[str, Any],
                  index: int) -> tuple[dict[str, Any], State, bool]:
        """Learn the one sample at ``cursor["position"]`` (row ``index``)."""
        raise NotImplementedError

    def _end_epoch(self, X: np.ndarray, T: Any, cursor: dict[str, Any]) -> float:
        """The finished epoch's error (as ``partial_fit`` returns it)."""
        raise NotImplementedError

    # ------------------------------------------------------------ training state
    def get_training_state(self, params: State | None = None) -> State:
        state = super().get_training_state(params)
        state[CURSOR] = self._cursor_copy()
        return state

    def set_training_state(self, state: Mapping[str, Any]) -> None:
        """As ``Model.set_training_state``, plus the epoch in progress (``"cursor"``;
        missing in states written before it existed: None)."""
        if not isinstance(state, Mapping):
            raise ModelError("A training state must be a table.")
        state = {k: v for k, v in state.items() if k not in self.retired_training_extras}
        apply_cursor = self._prepare_cursor(state.pop(CURSOR, None))
        super().set_training_state(state)
        apply_cursor()

    def get_epoch_cursor(self) -> dict[str, Any] | None:
        """A copy of the epoch in progress (the ``"cursor"`` entry of
        ``get_training_state()``: the epoch's sample order and the position reached), or
        None between epochs. For a model that delegates its epochs to another (the
        autoencoder's inner MLP). Subclasses override ``_cursor_copy``."""
        return self._cursor_copy()

    def prepare_epoch_cursor(self, value: Any) -> Callable[[], None]:
        """Check a cursor from ``get_epoch_cursor()`` (or None) without changing anything
        (``ModelError``) and return a function that sets it. Subclasses override
        ``_prepare_cursor``."""
        return self._prepare_cursor(value)

    # The hooks behind the two methods above.
    def _cursor_copy(self) -> dict[str, Any] | None:
        return _copy_nested(self._cursor)

    def _prepare_cursor(self, value: Any) -> Callable[[], None]:
        """Check a stored cursor (``ModelError``, nothing changed); return what sets it."""
        if value is None:
            cursor = None
        else:
            if not isinstance(value, Mapping) or not {"order", "position"} <= set(value):
                raise ModelError("The epoch cursor must be a table with order and position.")
            try:
                order = np.asarray(value["order"])
            except (TypeError, ValueError):
                order = np.zeros(0)
            n = order.size
            if (order.ndim != 1 or n == 0 or order.dtype.kind not in "ui"
                    or not np.array_equal(np.sort(order), np.arange(n))):
                raise ModelError("The epoch cursor's order must be each sample number once.")
            position = value["position"]
            if (isinstance(position, (bool, np.bool_)) or not isinstance(position, numbers.Integral)
                    or not 0 <= position < n):
                raise ModelError(f"The epoch cursor's position must be a whole number from 0 "
                                 f"to {n - 1}, not {position!r}.")
            rest = {k: v for k, v in value.items() if k not in ("order", "position")}
            cursor = {"order": order.astype(np.int64), "position": int(position),
                      **self._check_cursor_sums(rest, n)}

        def apply() -> None:
            self._cursor = cursor
        return apply

    def _check_cursor_sums(self, value: Mapping[str, Any], n: int) -> dict[str, Any]:
        """The model's own cursor entries, checked and copied (none by default)."""
        if value:
            raise ModelError(f"The epoch cursor has unknown entries: {', '.join(sorted(value))}.")
        return {}


def _copy_nested(value: Any) -> Any:
    """A copy of nested dicts / lists of arrays and numbers (arrays copied)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, Mapping):
        return {k: _copy_nested(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_nested(v) for v in value]
    return value


def cursor_entry(value: Mapping[str, Any], name: str) -> Any:
    """``value[name]``, or ``ModelError`` naming the missing cursor entry."""
    if name not in value:
        raise ModelError(f"The epoch cursor lacks {name!r}.")
    return value[name]
