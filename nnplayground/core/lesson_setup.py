"""The setup in force at one step of a lesson (``core.lessons``): its values (``Setup``
and the fields' own: ``Printout``, ``ConstantInput``, ``ViewSettings``, ``DigitPad``),
``merge`` (a step's fields over the previous setup, see "Merging" in ``core.lessons``) and
``build_setup`` (a merged setup checked as a whole: data and model built, weights set)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import datasets
from .base import Model, ModelError
from .datasets import Dataset
from .lesson_checks import Where, finite_number
from .lesson_generators import LESSON_GENERATORS
from .points import check_within_canvas
from .registry import model_from_config


@dataclass(frozen=True)
class Printout:
    """``rule`` "classic": ``error_every`` (None: no error lines) and ``output_title``;
    "forward": every neuron's value for each point."""

    rule: str
    error_every: int | None = None
    output_title: str = ""


@dataclass(frozen=True)
class ConstantInput:
    """Input ``column`` always holds ``value``; ``label`` is what the canvas calls it."""

    column: int
    label: str
    value: float = 1.0


@dataclass(frozen=True)
class ViewSettings:
    axes: tuple[int, int] = (0, 1)
    hidden_lines: bool = False
    log_scale: bool = False


@dataclass(frozen=True)
class DigitPad:
    """The digit pad with ``core.digits`` task ``task`` ("classic" or "digits")."""

    task: str
    seed: int = 0


@dataclass(frozen=True, eq=False)
class Setup:
    """The setup in force at one step (already merged). Getters hand out copies."""

    _data: Mapping[str, Any] | None
    _dataset: Dataset
    model_kind: str
    _model_config: Mapping[str, Any]
    _initial_state: Mapping[str, Any] | None
    epochs: int
    test_share: float = 0.0
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    printout: Printout | None = None
    constant_input: ConstantInput | None = None
    view: ViewSettings = field(default_factory=ViewSettings)
    digit_pad: DigitPad | None = None

    @property
    def data(self) -> dict[str, Any] | None:
        """The ``data`` field as written in the file (None on the digit pad)."""
        return copy.deepcopy(dict(self._data)) if self._data is not None else None

    @property
    def dataset(self) -> Dataset:
        """A fresh copy of the step's points (the digit pad: its training patterns)."""
        d = self._dataset
        return Dataset(d.X.copy(), d.y.copy(), list(d.class_names), d.name,
                       None if d.centroids is None else d.centroids.copy(), d.seed)

    @property
    def model_config(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self._model_config))

    @property
    def weights(self) -> dict[str, Any] | None:
        """The fixed initial state (the model's whole ``get_state()`` with the lesson's
        weights in it), or None when the model starts from its seed."""
        return copy.deepcopy(dict(self._initial_state)) if self._initial_state is not None else None

    @property
    def digit_task(self):
        """The ``core.digits`` task object of a digit-pad step, else None."""
        if self.digit_pad is None:
            return None
        from . import digits

        return digit_tasks(digits)[self.digit_pad.task]

    def build_model(self) -> Model:
        """A fresh model from the registry with the step's fixed initial weights."""
        model = model_from_config(self.model_kind, self.model_config)
        if self._initial_state is not None:
            model.set_state(self.weights)
        return model

    def model_spec(self):
        """The same model as a ``state.ModelSpec`` (Reset returns to ``initial_state``)."""
        from .state import ModelSpec

        return ModelSpec(self.model_kind, self.model_config, self.weights)


def digit_tasks(digits_module) -> dict[str, Any]:
    """``core.digits``' tasks by their key ("classic", "digits")."""
    return {task.key: task for task in digits_module.TASKS}


# ---------------------------------------------------------------- merging
def merge(previous: dict[str, Any], given: dict[str, Any], w: Where) -> dict[str, Any]:
    """The setup after a step (see "Merging" in ``core.lessons``)."""
    merged = dict(previous)
    if given.get("digit_pad") is not None:
        clash = [k for k in ("data", "model", "weights") if given.get(k) is not None]
        if clash:
            raise w.fail(f"digit_pad replaces data, model and weights; this step also gives "
                         f"{', '.join(clash)}.")
        for k in ("data", "model", "weights", "constant_input"):
            merged.pop(k, None)
    if "data" in given or "model" in given:
        merged.pop("digit_pad", None)
    if "model" in given and "weights" not in given:
        merged.pop("weights", None)
    if "data" in given and "constant_input" not in given:
        merged.pop("constant_input", None)
    merged.update(given)
    return merged


# ---------------------------------------------------------------- building
def build_setup(s: dict[str, Any], w: Where) -> Setup:
    """A merged setup checked as a whole: data and model built, weights set."""
    if "epochs" not in s:
        raise w.fail("no 'epochs' in force at this step.")
    pad = s.get("digit_pad")
    if pad is not None:
        dataset, kind, config, state = _digit_pad_parts(pad)
    else:
        missing = [k for k in ("data", "model") if k not in s]
        if missing:
            raise w.fail(f"no {' or '.join(repr(k) for k in missing)} in force at this step.")
        dataset = _dataset(s["data"], w.at("data"))
        kind, config = s["model"]["kind"], s["model"]["config"]
        model = _model(kind, config, dataset, w.at("model"))
        state = None
        if s.get("weights") is not None:
            state = _apply_weights(model, s["weights"], w.at("weights"))
        _check_printout(s.get("printout"), kind, w.at("printout"))
    d = dataset.X.shape[1]
    ci = s.get("constant_input")
    if ci is not None:
        if ci.column >= d:
            raise w.at("constant_input").fail(f"column {ci.column} does not exist: the data has "
                                              f"{d} columns (0 to {d - 1}).")
        if not np.all(dataset.X[:, ci.column] == ci.value):
            raise w.at("constant_input").fail(f"column {ci.column} is not {ci.value:g} in every point.")
    view = s.get("view", ViewSettings())
    if max(view.axes) >= d:
        raise w.at("view").fail(f"axes {list(view.axes)} do not exist: the data has {d} columns.")
    return Setup(
        None if pad is not None else copy.deepcopy(s["data"]), dataset, kind, config,
        state, s["epochs"], s.get("test_share", 0.0), s.get("locked", ()), s.get("hidden", ()),
        s.get("printout"), ci, view, pad,
    )


def _dataset(data: dict[str, Any], w: Where) -> Dataset:
    try:
        if "preset" in data:
            dataset = datasets.PRESETS[data["preset"]](seed=data.get("seed", 0),
                                                       noise=data.get("noise", 0.0))
        elif "generator" in data:
            dataset = LESSON_GENERATORS[data["generator"]](seed=data.get("seed", 0),
                                                           **data.get("params", {}))
        else:
            dataset = Dataset(np.array(data["points"], dtype=np.float64),
                              np.array(data["labels"], dtype=np.int64),
                              list(data["class_names"]), data.get("name", "Lesson points"))
        # The same limit as every other way points arrive (a generator's parameters can
        # put them anywhere).
        check_within_canvas(dataset.X)
    except (TypeError, ValueError, OverflowError) as exc:
        raise w.fail(f"the data cannot be made: {str(exc).rstrip('.')}.") from None
    return dataset


def _model(kind: str, config: dict[str, Any], dataset: Dataset, w: Where) -> Model:
    try:
        model = model_from_config(kind, copy.deepcopy(config))
    except (ModelError, OverflowError) as exc:  # OverflowError: float(10**400)
        raise w.fail(f"the settings of the {kind} model are not valid: {exc}"
                     if isinstance(exc, OverflowError) else str(exc)) from None
    d = dataset.X.shape[1]
    if model.n_inputs != d:
        raise w.fail(f"the {kind} model takes {model.n_inputs} inputs but the data has {d} columns.")
    if kind == "mlp" and model.task == "classification":
        k = len(dataset.class_names)
        need = 1 if k <= 2 else k
        if model.n_outputs != need:
            raise w.fail(f"{k} classes need {need} output(s), the network has {model.n_outputs}.")
    return model


def _apply_weights(model: Model, given: dict[str, Any], w: Where) -> dict[str, Any]:
    fresh = model.get_state()
    unknown = sorted(set(given) - set(fresh))
    if unknown:
        raise w.fail(f"the {model.kind} model has no {', '.join(repr(k) for k in unknown)} "
                     f"(its entries: {', '.join(fresh)}).")
    state = dict(fresh)
    for name, value in given.items():
        state[name] = _like(value, fresh[name], w.at(name))
    try:
        model.set_state(state)
    except ModelError as exc:
        raise w.fail(str(exc)) from None
    return model.get_state()


def _like(value: Any, reference: Any, w: Where) -> Any:
    """A JSON value in the shape of a ``get_state()`` entry: lists of numbers become
    float64 arrays of the reference's shape; None stays None."""
    if value is None:
        return None
    if isinstance(reference, list):
        if not isinstance(value, list) or len(value) != len(reference):
            raise w.fail(f"expected a list of {len(reference)} arrays.")
        return [_like(v, r, w.at(f"[{j}]")) for j, (v, r) in enumerate(zip(value, reference))]
    if isinstance(reference, float) and not isinstance(reference, np.ndarray):
        return finite_number(value, w)
    arr = _numbers(value, w)
    if reference is not None and arr.shape != np.shape(reference):
        raise w.fail(f"expected shape {np.shape(reference)}, found {arr.shape}.")
    return arr


def _numbers(value: Any, w: Where) -> np.ndarray:
    def check(v: Any, depth: int) -> None:
        if depth > 4:
            raise w.fail("nested too deeply for weights.")
        if isinstance(v, list):
            for x in v:
                check(x, depth + 1)
        else:
            finite_number(v, w)

    check(value, 0)
    try:
        return np.array(value, dtype=np.float64)
    except ValueError:
        raise w.fail("rows of different lengths.") from None


def _check_printout(printout: Printout | None, kind: str, w: Where) -> None:
    if printout is not None and kind != "mlp":
        raise w.fail(f"the {printout.rule!r} printout needs an MLP, not a {kind} model.")


def _digit_pad_parts(pad: DigitPad) -> tuple[Dataset, str, dict[str, Any], None]:
    from . import digits

    task = digit_tasks(digits)[pad.task]
    X, targets = task.training_set(seed=pad.seed)
    labels = np.rint(np.asarray(targets, dtype=np.float64) * (3.0 if task is digits.CLASSIC else 1.0))
    dataset = Dataset(X, labels.astype(np.int64), [str(d) for d in range(task.digits)], task.title,
                      seed=pad.seed)
    model = task.model(pad.seed)
    return dataset, model.kind, model.get_config(), None
