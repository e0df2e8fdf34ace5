"""The recording of a run: the full training state at every epoch while memory allows,
older epochs thinned when it does not, so a teacher can scrub back and play on from any
recorded epoch exactly as if the run had been stopped there. No Qt here.

Thinning keeps the recent past dense and the distant past sparse: when the recording is
over its budget, every second entry of its older half goes (epoch 0 and the newest entry
always stay), again until it fits. After k thinnings an epoch t steps back is kept at a
spacing of roughly 2^k near the start and 1 near the end, and the memory stays within
the budget whatever the run's length.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .base import ModelError
from .registry import model_from_config

#: Memory a recording may use (the issue's figure).
DEFAULT_BUDGET = 64 * 2**20
#: What a saved session may hold of it (a file must stay quick to open and small to mail).
SESSION_BUDGET = 8 * 2**20


def state_nbytes(value: Any) -> int:
    """Bytes of the arrays in a (nested) training state, plus a little per number."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(state_nbytes(v) for v in value.values()) + 8 * len(value)
    if isinstance(value, (list, tuple)):
        return sum(state_nbytes(v) for v in value) + 8 * len(value)
    return 8


@dataclass
class Recording:
    """``record(epoch, state)`` as training goes; ``at(epoch)`` gives the latest recorded
    state at or before an epoch. States are stored as given: pass copies."""

    budget: int = DEFAULT_BUDGET
    _epochs: list[int] = field(default_factory=list)
    _states: list[Any] = field(default_factory=list)
    _nbytes: int = 0
    _sizes: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self._epochs)

    @property
    def epochs(self) -> np.ndarray:
        return np.asarray(self._epochs, dtype=np.int64)

    @property
    def nbytes(self) -> int:
        return self._nbytes

    @property
    def last_epoch(self) -> int | None:
        return self._epochs[-1] if self._epochs else None

    def record(self, epoch: int, state: Any) -> None:
        """Add the state of ``epoch``; an epoch at or before the last one first cuts the
        recording back (the run went on from an earlier epoch, as an edit drops redo)."""
        epoch = int(epoch)
        if self._epochs and epoch <= self._epochs[-1]:
            self.truncate_after(epoch - 1)
        size = state_nbytes(state)
        self._epochs.append(epoch)
        self._states.append(state)
        self._sizes.append(size)
        self._nbytes += size
        while self._nbytes > self.budget and len(self._epochs) > 2:
            self._thin()

    def at(self, epoch: int) -> tuple[int, Any] | None:
        """(recorded epoch, state) of the latest entry at or before ``epoch``; None when
        nothing is recorded that early."""
        i = bisect.bisect_right(self._epochs, int(epoch)) - 1
        if i < 0:
            return None
        return self._epochs[i], self._states[i]

    def truncate_after(self, epoch: int) -> None:
        """Forget every entry after ``epoch``."""
        i = bisect.bisect_right(self._epochs, int(epoch))
        self._nbytes -= sum(self._sizes[i:])
        del self._epochs[i:], self._states[i:], self._sizes[i:]

    def check_fits(self, model: Any) -> None:
        """``ValueError`` unless every recorded state fits ``model``: each is taken by a
        scratch model with ``model``'s settings, as the timeline would take it (a state
        of other shapes opened from a file, then looking back at it failed and playing
        on from it ended the training process)."""
        scratch = model_from_config(model.kind, model.get_config())
        for epoch, state in zip(self._epochs, self._states):
            try:
                scratch.set_training_state(state)
            except (ModelError, ValueError, TypeError) as exc:
                raise ValueError(f"the state of epoch {epoch} does not fit its model "
                                 f"({exc})") from None

    def thinned(self, budget: int) -> Recording:
        """A copy within ``budget`` bytes (for a session file), thinned the same way."""
        copy = Recording(budget, list(self._epochs), list(self._states), self._nbytes,
                         list(self._sizes))
        while copy.nbytes > budget and len(copy) > 2:
            copy._thin()
        return copy

    def _thin(self) -> None:
        """Drop every second entry of the older half (never the first or the last)."""
        n = len(self._epochs)
        older = max(n // 2, 2)
        drop = set(range(1, min(older, n - 1), 2))
        if not drop:  # two or three entries over budget: keep only the first and last
            drop = set(range(1, n - 1))
        keep = [i for i in range(n) if i not in drop]
        self._nbytes -= sum(self._sizes[i] for i in drop)
        self._epochs = [self._epochs[i] for i in keep]
        self._states = [self._states[i] for i in keep]
        self._sizes = [self._sizes[i] for i in keep]

    # ------------------------------------------------------------------ files
    def to_dict(self) -> dict:
        """``{"epochs": int64 (m,), "states": [state, ...]}`` for a session's extras."""
        return {"epochs": self.epochs, "states": list(self._states)}

    @classmethod
    def from_dict(cls, d: Any, budget: int = DEFAULT_BUDGET) -> Recording:
        """The inverse of ``to_dict``; ``ValueError`` for anything malformed."""
        if not isinstance(d, dict) or set(d) != {"epochs", "states"}:
            raise ValueError("a recording is a table of epochs and states")
        epochs = np.asarray(d["epochs"])
        states = d["states"]
        if epochs.ndim != 1 or not isinstance(states, list) or len(states) != len(epochs):
            raise ValueError("a recording needs one state per epoch")
        if len(epochs) and (epochs.dtype.kind not in "iu" or epochs[0] < 0
                            or np.any(np.diff(epochs) <= 0)):
            raise ValueError("a recording's epochs must be whole numbers, increasing")
        recording = cls(budget=budget)
        for epoch, state in zip(epochs.tolist(), states):
            if not isinstance(state, dict):
                raise ValueError("each recorded state must be a table")
            recording.record(epoch, state)
        return recording
