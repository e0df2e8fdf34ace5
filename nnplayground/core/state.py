"""What the playground shows, as plain values: the one state the window's panels, canvas,
views and session files read, and that intents change.

``PlaygroundState`` = ``DatasetSpec`` (where the points came from) + ``SplitSpec`` (which
points are held out) + ``ModelSpec`` (the model to build) + ``ViewSpec`` (how the data is
looked at). Every spec is frozen: a change is a new value (``dataclasses.replace``), so a
state handed to another thread or saved in an undo step can never change under it.

The points themselves are not here: they are edited point by point (``core.points``)
and travel to the trainer as copies. Everything derivable from the state and the points
(output size, axis names, what the Preset box says) is computed here, once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

#: Where the points came from.
PRESET, OWN, IMPORTED, LESSON = "preset", "own", "imported", "lesson"

#: The names of the first axes; further axes are x4, x5, ... (1-based, like these).
_AXIS_NAMES = ("x", "y", "z")


def axis_name(axis: int) -> str:
    """The name of data axis ``axis`` (0-based): x, y, z, then x4, x5, ..."""
    axis = int(axis)
    if axis < 0:
        raise ValueError(f"No axis {axis}.")
    return _AXIS_NAMES[axis] if axis < len(_AXIS_NAMES) else f"x{axis + 1}"


def axis_names(n_dims: int) -> list[str]:
    return [axis_name(a) for a in range(int(n_dims))]


def output_size(n_classes: int) -> int:
    """Outputs a classifier needs: one (0/1) for two classes, one per class above that."""
    return 1 if int(n_classes) <= 2 else int(n_classes)


@dataclass(frozen=True, eq=False)
class DatasetSpec:
    """Where the points came from.

    ``source`` PRESET: ``preset`` generated with ``seed`` and ``noise`` (Regenerate can
    make it again); OWN: points placed by hand, or a preset's points after Clear;
    IMPORTED: read from a file called ``file_name`` (for display only: the file is never
    read again); LESSON: a lesson step's data, called ``lesson_name``. ``true_centroids``
    (k, d) are the clusters' real centres when the data was generated around them;
    ``bounds`` the canvas box a file asked for.
    """

    source: str = OWN
    preset: str = ""
    seed: int = 0
    noise: float = 0.0
    file_name: str = ""
    true_centroids: np.ndarray | None = None
    bounds: tuple[float, float, float, float] | None = None
    lesson_name: str = ""

    def __post_init__(self) -> None:
        if self.source not in (PRESET, OWN, IMPORTED, LESSON):
            raise ValueError(f"Unknown data source {self.source!r}.")
        if self.source == PRESET and not self.preset:
            raise ValueError("A preset data set needs the preset's name.")
        if self.true_centroids is not None:
            c = np.array(self.true_centroids, dtype=np.float64, ndmin=2)
            c.setflags(write=False)
            object.__setattr__(self, "true_centroids", c)
        if self.bounds is not None:
            object.__setattr__(self, "bounds", tuple(float(b) for b in self.bounds))

    @classmethod
    def from_preset(cls, name: str, seed: int = 0, noise: float = 0.0,
                    true_centroids=None) -> DatasetSpec:
        return cls(PRESET, preset=str(name), seed=int(seed), noise=float(noise),
                   true_centroids=true_centroids)

    @classmethod
    def imported(cls, file_name: str) -> DatasetSpec:
        return cls(IMPORTED, file_name=str(file_name))

    @classmethod
    def lesson(cls, name: str, true_centroids=None) -> DatasetSpec:
        """A lesson step's data, ``name`` as the lesson calls it (``Dataset.name``)."""
        return cls(LESSON, lesson_name=str(name), true_centroids=true_centroids)

    @property
    def is_preset(self) -> bool:
        return self.source == PRESET

    def describe(self) -> str:
        """What the Preset box says the data is."""
        if self.source == PRESET:
            return self.preset
        if self.source == IMPORTED:
            return f"Imported: {self.file_name}" if self.file_name else "Imported points"
        if self.source == LESSON:
            return f"Lesson: {self.lesson_name}" if self.lesson_name else "Lesson points"
        return "Your own points"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatasetSpec):
            return NotImplemented
        same = lambda a, b: (a is None and b is None) or (  # noqa: E731
            a is not None and b is not None and np.array_equal(a, b))
        return ((self.source, self.preset, self.seed, self.noise, self.file_name, self.bounds,
                 self.lesson_name)
                == (other.source, other.preset, other.seed, other.noise, other.file_name,
                    other.bounds, other.lesson_name)
                and same(self.true_centroids, other.true_centroids))

    __hash__ = None  # type: ignore[assignment]  # holds an array


@dataclass(frozen=True)
class SplitSpec:
    """``test_ratio`` of the points (chosen per point id with ``seed``) are held out."""

    test_ratio: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        ratio = float(self.test_ratio)
        if not (0.0 <= ratio < 1.0) or math.isnan(ratio):
            raise ValueError(f"The test share must lie in [0, 1), got {self.test_ratio}.")
        object.__setattr__(self, "test_ratio", ratio)
        object.__setattr__(self, "seed", int(self.seed))


@dataclass(frozen=True, eq=False)
class ModelSpec:
    """The model to build: registry ``kind`` with ``config`` (its keyword arguments).

    ``initial_state``: weights a lesson or a file fixes (``get_state()`` layout); Reset
    then returns to them instead of a fresh draw from the seed. ``panel`` is the model
    panel's page (both perceptron pages build kind "perceptron").
    """

    kind: str = "mlp"
    config: dict[str, Any] = field(default_factory=dict)
    initial_state: dict[str, Any] | None = None
    panel: str = ""

    def build(self):
        """A fresh model: the config's seed, then the fixed weights when there are any."""
        from nnplayground.core.registry import MODEL_CLASSES  # registry imports models

        if self.kind not in MODEL_CLASSES:
            raise ValueError(f"Unknown model kind {self.kind!r}.")
        model = MODEL_CLASSES[self.kind](**self.config)
        if self.initial_state is not None:
            model.set_state(self.initial_state)
        return model

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModelSpec):
            return NotImplemented
        return (self.kind, self.config, self.panel) == (other.kind, other.config, other.panel) \
            and _states_equal(self.initial_state, other.initial_state)

    __hash__ = None  # type: ignore[assignment]


def fit_model_spec(spec: ModelSpec, n_inputs: int, n_classes: int) -> ModelSpec:
    """``spec`` for data with ``n_inputs`` columns and ``n_classes`` classes: the input
    size (and a classifier's output size) follow the data, every other setting stays.
    Fixed weights stay only where the sizes did not change."""
    config = dict(spec.config)
    n_inputs = int(n_inputs)
    if spec.kind in ("perceptron", "competitive"):
        config["n_inputs"] = n_inputs
    elif spec.kind == "mlp":
        sizes = list(config.get("layer_sizes", [n_inputs, 4, 1]))
        sizes[0] = n_inputs
        if config.get("task", "classification") == "classification":
            sizes[-1] = output_size(n_classes)
        config["layer_sizes"] = sizes
    elif spec.kind == "autoencoder":
        sizes = list(config.get("layer_sizes", [n_inputs, 2, n_inputs]))
        sizes[0] = sizes[-1] = n_inputs
        config["layer_sizes"] = sizes
    if config == spec.config:
        return spec
    return replace(spec, config=config, initial_state=None)


@dataclass(frozen=True)
class ViewSpec:
    """How the data is looked at: the two ``axes`` the canvas shows, the decision
    surface's ``resolution``, hidden-neuron lines, the error curve's log scale."""

    axes: tuple[int, int] = (0, 1)
    resolution: int = 100
    hidden_lines: bool = False
    log_scale: bool = False

    def __post_init__(self) -> None:
        axes = tuple(int(a) for a in self.axes)
        if len(axes) != 2 or axes[0] == axes[1] or min(axes) < 0:
            raise ValueError(f"Two different axes are needed, got {self.axes}.")
        object.__setattr__(self, "axes", axes)


@dataclass(frozen=True)
class ViewRequest:
    """What the training side needs to compute a frame: the shown ``axes``, the canvas's
    visible ``bounds`` and the surface ``resolution``. One frozen value, swapped whole."""

    axes: tuple[int, int] = (0, 1)
    bounds: tuple[float, float, float, float] = (-6.0, 6.0, -6.0, 6.0)
    resolution: int = 100


@dataclass(frozen=True)
class PlaygroundState:
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    split: SplitSpec = field(default_factory=SplitSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    view: ViewSpec = field(default_factory=ViewSpec)

    def but(self, **changes) -> PlaygroundState:
        """A copy with some specs replaced: ``state.but(split=SplitSpec(0.2, 1))``."""
        return replace(self, **changes)

    def changed_fields(self, other: PlaygroundState) -> set[str]:
        """The specs in which ``other`` differs from this state."""
        return {name for name in ("dataset", "split", "model", "view")
                if getattr(self, name) != getattr(other, name)}


def _states_equal(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_states_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_states_equal(x, y) for x, y in zip(a, b))
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))
