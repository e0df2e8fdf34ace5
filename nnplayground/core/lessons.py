"""Lessons: the classic demos as data, one JSON file each in ``nnplayground/resources/lessons``.

A lesson file (UTF-8 JSON, at most ``MAX_FILE_BYTES``) holds ``id`` (the file's name
without ``.json``: lower-case words joined by hyphens), ``title``, ``group`` (the Lessons
menu's sub-menu), ``order`` (a whole number: place in teaching order), ``summary`` (a short
explanation) and ``steps``, a non-empty list of ``{"text": ..., "setup": {...}}``; only the
first step must have a setup, later ones may leave it out.

Setup fields (each optional in a step; see "Merging" below):

``data``
    One of ``{"preset": name, "seed": 0, "noise": 0.0}`` (a name of ``datasets.PRESETS``),
    ``{"generator": name, "seed": 0, "params": {...}}`` (a name of
    ``datasets.LESSON_GENERATORS``, its keyword arguments in ``params``) or
    ``{"points": [[x, y, ...], ...], "labels": [0, 1, ...], "class_names": [...],
    "name": "..."}`` (the points written out).
``model``
    ``{"kind": registry kind, "config": constructor keyword arguments}``.
``weights``
    Fixed initial weights as plain lists, keyed like the model's ``get_state()`` (any
    subset of its entries, e.g. ``{"weights": [0.5, 0.5], "bias": -0.5000001}`` for a
    perceptron, ``{"weights": [W0, W1], "biases": null}`` for an MLP without biases);
    their shapes are checked against the model. Without weights a model starts from its
    seed. Numbers are written with all their digits (Python's ``repr``), so they are exact.
``epochs``
    How many epochs the step trains (0: nothing to train, the weights are the lesson).
``test_share``
    Share of the points held out as a test set, in [0, 1); 0 by default.
``locked`` / ``hidden``
    Lists of control ids (``"model.model_type"``, ``"model.mlp.mlp_learning_rate"``, ...:
    the window's widgets carry them as objectNames). Here they are opaque strings, checked
    only for their form: dot-separated parts of lower-case letters, digits and ``_``, the
    first starting with a letter, at least two parts.
``printout``
    What ``nnplayground --lesson ID --headless`` prints instead of the final error and
    accuracy: ``{"rule": "classic", "error_every": 10000, "output_title": "..."}`` (the
    classic tutorials' printout, see ``core.headless``) or ``{"rule": "forward"}`` (every
    neuron's value for each point of the data). Both need an MLP.
``constant_input``
    ``{"column": 2, "label": "...", "value": 1}``: that input column is constant (the
    classic networks' third input of 1, which plays the part of a bias); the canvas shows
    the other inputs and names this one. Every point must have ``value`` there.
``view``
    ``{"hidden_lines": bool, "axes": [i, j], "log_scale": bool}`` (``state.ViewSpec``).
``digit_pad``
    ``{"task": "classic" | "digits", "seed": 0}``: the step runs on the digit pad with
    that task of ``core.digits`` (its model, training set and epochs); it takes the place
    of ``data``, ``model`` and ``weights``.

Merging: the setup in force at step i is step 0's setup, updated by the setup of each
later step up to i, field by field: a field a step names replaces the previous value
whole (lists and tables are not merged inside), a field it leaves out is kept. Three
fields belong to others and are dropped with them: a step that gives a ``model`` without
``weights`` starts from that model's own initialisation; one that gives ``data`` without
``constant_input`` has no constant input; one that gives ``digit_pad`` drops ``data``,
``model`` and ``weights``, and one that gives ``data`` or ``model`` drops ``digit_pad``.
``null`` clears the optional fields (``weights``, ``printout``, ``constant_input``,
``digit_pad``). A step without a setup, or whose setup names nothing, keeps the previous
step's setup, and the window keeps its trained model (``Step.changes`` is empty).

Everything is checked when a lesson is loaded (data built, model built, weights set):
any problem is a ``LessonError`` (a ValueError) whose message names the file, the step
and the field. Nothing in a file is executed.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from . import datasets
from .base import Model, ModelError
from .datasets import Dataset
from .registry import MODEL_CLASSES, model_from_config

__all__ = [
    "LessonError", "LessonInfo", "Lesson", "Step", "Setup", "Printout", "ConstantInput",
    "ViewSettings", "DigitPad", "list_lessons", "grouped_lessons", "load_lesson",
    "load_lesson_file", "MAX_FILE_BYTES",
]

#: Lesson files larger than this are refused before they are read.
MAX_FILE_BYTES = 1_000_000
_LESSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_CONTROL_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")
_TOP_FIELDS = ("id", "title", "group", "order", "summary", "steps")
_SETUP_FIELDS = ("data", "model", "weights", "epochs", "test_share", "locked", "hidden",
                 "printout", "constant_input", "view", "digit_pad")
_NULLABLE = ("weights", "printout", "constant_input", "digit_pad")
_MAX_STEPS = 50
_MAX_TEXT = 2000
_MAX_EPOCHS = 10_000_000
_MAX_PARAMETERS = 1_000_000
_MAX_POINTS = 100_000


class LessonError(ValueError):
    """An unknown lesson, or a lesson file that cannot be used; the message says why."""


# --------------------------------------------------------------------- values
@dataclass(frozen=True)
class LessonInfo:
    """What the Lessons menu needs: read from a file's first fields only."""

    id: str
    title: str
    group: str
    order: int
    summary: str


@dataclass(frozen=True)
class Step:
    """``number`` counts from 1; ``changes`` are the setup fields this step names (empty:
    the previous step's setup, and the trained model, carry on)."""

    number: int
    text: str
    changes: frozenset[str] = frozenset()

    @property
    def has_setup(self) -> bool:
        return bool(self.changes)


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

        return _digit_tasks(digits)[self.digit_pad.task]

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


@dataclass(frozen=True, eq=False)
class Lesson:
    id: str
    title: str
    group: str
    order: int
    summary: str
    steps: tuple[Step, ...]
    _setups: tuple[Setup, ...]

    def setup(self, i: int = 0) -> Setup:
        """The setup in force at step ``i`` (0-based), merged from steps 0..i."""
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < len(self.steps):
            raise IndexError(f"The lesson {self.id!r} has steps 0 to {len(self.steps) - 1}, not {i!r}.")
        return self._setups[int(i)]

    @property
    def info(self) -> LessonInfo:
        return LessonInfo(self.id, self.title, self.group, self.order, self.summary)


# ------------------------------------------------------------------- entries
def _lessons_dir():
    # Through the package root, not nnplayground.resources: core imports no layer above it.
    return importlib.resources.files("nnplayground").joinpath("resources", "lessons")


def _lesson_files() -> list:
    folder = _lessons_dir()
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def list_lessons() -> list[LessonInfo]:
    """Every packaged lesson in teaching order (``order``, then ``id``); reads only each
    file's first fields (``load_lesson`` checks a lesson whole)."""
    infos = []
    for f in _lesson_files():
        obj = _parse(_read_limited(f, f.name), f.name)
        infos.append(_info(obj, f.name, expected_id=f.name[: -len(".json")]))
    return sorted(infos, key=lambda info: (info.order, info.id))


def grouped_lessons() -> list[tuple[str, list[LessonInfo]]]:
    """``list_lessons()`` grouped for a menu: groups in the order their first lesson comes."""
    groups: dict[str, list[LessonInfo]] = {}
    for info in list_lessons():
        groups.setdefault(info.group, []).append(info)
    return list(groups.items())


def load_lesson(lesson_id: str) -> Lesson:
    """The packaged lesson ``lesson_id``, checked whole; ``LessonError`` when there is none
    or its file is broken."""
    if not isinstance(lesson_id, str) or not _LESSON_ID.match(lesson_id):
        raise LessonError(f"{lesson_id!r} is not a lesson id (lower-case words joined by "
                          f"hyphens, e.g. 'xor-classic').")
    f = _lessons_dir().joinpath(f"{lesson_id}.json")
    if not f.is_file():
        known = ", ".join(info.id for info in list_lessons()) or "none"
        raise LessonError(f"There is no lesson called {lesson_id!r}. The lessons are: {known}.")
    return _lesson(_parse(_read_limited(f, f.name), f.name), f.name, expected_id=lesson_id)


def load_lesson_file(path: str | PathLike) -> Lesson:
    """A lesson from any file (a teacher's own, a test's broken one), checked whole."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise LessonError(f"Cannot read the lesson file {p.name!r}: {exc.strerror or exc}.") from exc
    if size > MAX_FILE_BYTES:
        raise LessonError(f"The lesson file {p.name!r} is {size:,} bytes; a lesson may have "
                          f"at most {MAX_FILE_BYTES:,}.")
    return _lesson(_parse(_read_limited(p, p.name), p.name), p.name)


# ------------------------------------------------------------------- reading
def _read_limited(f, source: str) -> bytes:
    try:
        with f.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LessonError(f"Cannot read the lesson file {source!r}: {exc.strerror or exc}.") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise LessonError(f"The lesson file {source!r} is larger than {MAX_FILE_BYTES:,} bytes.")
    return raw


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"the name {key!r} appears twice in one table")
        obj[key] = value
    return obj


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a lesson may hold")


def _parse(raw: bytes, source: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LessonError(f"The lesson file {source!r} is not UTF-8 text ({exc.reason} at "
                          f"byte {exc.start}).") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise LessonError(f"The lesson file {source!r} is not valid JSON: {exc.msg} "
                          f"(line {exc.lineno}, column {exc.colno}).") from None
    except (ValueError, RecursionError) as exc:
        raise LessonError(f"The lesson file {source!r} is not valid JSON: {exc}.") from None


class _Where:
    """Where in a file a check is: builds the error messages."""

    def __init__(self, source: str, path: str = "") -> None:
        self.source, self.path = source, path

    def at(self, part: str) -> _Where:
        return _Where(self.source, f"{self.path}.{part}" if self.path and not part.startswith("[")
                      else f"{self.path}{part}")

    def fail(self, problem: str) -> LessonError:
        where = f" at {self.path}" if self.path else ""
        return LessonError(f"The lesson file {self.source!r} is broken{where}: {problem}")


def _table(value: Any, w: _Where, required: tuple[str, ...] = (), allowed: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise w.fail(f"expected a table {{...}}, found {_kind(value)}.")
    missing = [k for k in required if k not in value]
    if missing:
        raise w.fail(f"missing {', '.join(repr(k) for k in missing)}.")
    unknown = sorted(set(value) - set(required) - set(allowed))
    if unknown:
        raise w.fail(f"unknown field {', '.join(repr(k) for k in unknown)} (allowed: "
                     f"{', '.join(required + allowed)}).")
    return value


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


def _text(value: Any, w: _Where, limit: int = _MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise w.fail(f"expected non-empty text, found {_kind(value)}.")
    if len(value) > limit:
        raise w.fail(f"text of {len(value)} characters; at most {limit}.")
    return value


def _int(value: Any, w: _Where, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise w.fail(f"expected a whole number, found {_kind(value)} {value!r}.")
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise w.fail(f"expected a whole number {bounds}, found {value}.")
    return value


def _number(value: Any, w: _Where) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise w.fail(f"expected a number, found {_kind(value)} {value!r}.")
    try:
        number = float(value)  # an int beyond float's range: OverflowError
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise w.fail(f"expected a number, found {_short(value)}.")
    return number


def _short(value: Any) -> str:
    """``repr(value)``, cut short: a 400-digit number is not repeated in full."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else (
        f"a whole number of {len(str(abs(value)))} digits")
    return text if len(text) <= 60 else text[:57] + "..."


def _bool(value: Any, w: _Where) -> bool:
    if not isinstance(value, bool):
        raise w.fail(f"expected true or false, found {_kind(value)} {value!r}.")
    return value


# ------------------------------------------------------------------ lessons
def _info(obj: Any, source: str, expected_id: str | None = None) -> LessonInfo:
    w = _Where(source)
    _table(obj, w, required=_TOP_FIELDS)
    lesson_id = obj["id"]
    if not isinstance(lesson_id, str) or not _LESSON_ID.match(lesson_id):
        raise w.at("id").fail(f"{lesson_id!r} is not a lesson id (lower-case words joined by hyphens).")
    if expected_id is not None and lesson_id != expected_id:
        raise w.at("id").fail(f"the file {source!r} must hold the lesson {expected_id!r}, "
                              f"not {lesson_id!r}.")
    return LessonInfo(lesson_id, _text(obj["title"], w.at("title"), 100),
                      _text(obj["group"], w.at("group"), 60),
                      _int(obj["order"], w.at("order"), 0, 10**6),
                      _text(obj["summary"], w.at("summary")))


def _lesson(obj: Any, source: str, expected_id: str | None = None) -> Lesson:
    info = _info(obj, source, expected_id)
    w = _Where(source)
    steps_value = obj["steps"]
    if not isinstance(steps_value, list) or not 1 <= len(steps_value) <= _MAX_STEPS:
        found = f"{len(steps_value)} steps" if isinstance(steps_value, list) else _kind(steps_value)
        raise w.at("steps").fail(f"expected a list of 1 to {_MAX_STEPS} steps, found {found}.")
    steps, setups = [], []
    merged: dict[str, Any] = {}
    for i, step_value in enumerate(steps_value):
        sw = w.at(f"steps[{i}]")
        _table(step_value, sw, required=("text",), allowed=("setup",))
        text = _text(step_value["text"], sw.at("text"))
        given = _step_fields(step_value.get("setup", {}), sw.at("setup"))
        if i == 0 and not given:
            raise sw.at("setup").fail("the first step must set the lesson up (data, model, epochs).")
        merged = _merge(merged, given, sw.at("setup"))
        steps.append(Step(i + 1, text, frozenset(given)))
        # A step that changes nothing shares the previous setup object.
        setups.append(_build(merged, sw.at("setup")) if given else setups[-1])
    return Lesson(info.id, info.title, info.group, info.order, info.summary, tuple(steps),
                  tuple(setups))


# -------------------------------------------------------------- step fields
def _step_fields(value: Any, w: _Where) -> dict[str, Any]:
    """The fields one step names, each checked on its own (checks that need the data and
    the model together happen in ``_build``)."""
    _table(value, w, allowed=_SETUP_FIELDS)
    out: dict[str, Any] = {}
    for name, v in value.items():
        fw = w.at(name)
        if v is None:
            if name not in _NULLABLE:
                raise fw.fail(f"{name} cannot be null (only {', '.join(_NULLABLE)} can).")
            out[name] = None
            continue
        out[name] = _FIELD_READERS[name](v, fw)
    return out


def _named_source(v: dict, w: _Where, key: str, known, allowed: tuple) -> None:
    """Data made by a named preset or generator (``key``) with a seed: the table holds
    only what it allows, the name is one of ``known``, the seed fits 32 bits."""
    _table(v, w, required=(key,), allowed=allowed)
    name = v[key]
    if not isinstance(name, str) or name not in known:
        raise w.at(key).fail(f"unknown {key} {name!r}; the {key}s are {', '.join(known)}.")
    _int(v.get("seed", 0), w.at("seed"), 0, 2**32 - 1)


def _read_data(v: Any, w: _Where) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise w.fail(f"expected a table, found {_kind(v)}.")
    sources = [k for k in ("preset", "generator", "points") if k in v]
    if len(sources) != 1:
        raise w.fail("give exactly one of 'preset', 'generator' or 'points'.")
    if sources[0] == "preset":
        _named_source(v, w, "preset", datasets.PRESETS, allowed=("seed", "noise"))
        noise = _number(v.get("noise", 0.0), w.at("noise"))
        if not 0.0 <= noise <= 0.5:
            raise w.at("noise").fail(f"the noise must lie between 0 and 0.5, not {noise}.")
    elif sources[0] == "generator":
        _named_source(v, w, "generator", datasets.LESSON_GENERATORS, allowed=("seed", "params"))
        params = v.get("params", {})
        _table(params, w.at("params"), allowed=tuple(params) if isinstance(params, dict) else ())
        if "seed" in params:
            raise w.at("params").fail("the seed goes beside the params, not inside them.")
    else:
        _table(v, w, required=("points", "labels", "class_names"), allowed=("name",))
        points, labels, names = v["points"], v["labels"], v["class_names"]
        if not isinstance(points, list) or not 1 <= len(points) <= _MAX_POINTS:
            raise w.at("points").fail(f"expected a list of 1 to {_MAX_POINTS} points.")
        width = len(points[0]) if isinstance(points[0], list) else -1
        for j, row in enumerate(points):
            if not isinstance(row, list) or len(row) != width or not 1 <= width <= 100:
                raise w.at(f"points[{j}]").fail("every point must be a list of the same 1 to "
                                                "100 coordinates.")
            for c, x in enumerate(row):
                _number(x, w.at(f"points[{j}][{c}]"))
        if not isinstance(names, list) or not 1 <= len(names) <= 20:
            raise w.at("class_names").fail("expected a list of 1 to 20 class names.")
        for j, n in enumerate(names):
            _text(n, w.at(f"class_names[{j}]"), 60)
        if not isinstance(labels, list) or len(labels) != len(points):
            raise w.at("labels").fail(f"expected one label per point ({len(points)}).")
        for j, label in enumerate(labels):
            _int(label, w.at(f"labels[{j}]"), 0, len(names) - 1)
        if "name" in v:
            _text(v["name"], w.at("name"), 100)
    return copy.deepcopy(v)


def _read_model(v: Any, w: _Where) -> dict[str, Any]:
    _table(v, w, required=("kind",), allowed=("config",))
    kind = v["kind"]
    if not isinstance(kind, str) or kind not in MODEL_CLASSES:
        raise w.at("kind").fail(f"unknown model kind {kind!r}; the kinds are "
                                f"{', '.join(MODEL_CLASSES)}.")
    config = v.get("config", {})
    _table(config, w.at("config"), allowed=tuple(config) if isinstance(config, dict) else ())
    _check_model_size(config, w.at("config"))
    return {"kind": kind, "config": copy.deepcopy(config)}


def _check_model_size(config: dict, w: _Where) -> None:
    """Refuse models too big to build before building them (a file is outside data)."""
    sizes = config.get("layer_sizes")
    if sizes is not None:
        if not isinstance(sizes, list) or not 2 <= len(sizes) <= 20:
            raise w.at("layer_sizes").fail("expected a list of 2 to 20 layer sizes.")
        for j, s in enumerate(sizes):
            _int(s, w.at(f"layer_sizes[{j}]"), 1, 100_000)
        if sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) > _MAX_PARAMETERS:
            raise w.at("layer_sizes").fail(f"more than {_MAX_PARAMETERS:,} weights.")
    for name in ("n_inputs", "n_neurons"):
        if name in config:
            _int(config[name], w.at(name), 1, 10_000)


def _read_weights(v: Any, w: _Where) -> dict[str, Any]:
    if not isinstance(v, dict) or not v:
        raise w.fail("expected a table of the model's weights, e.g. {\"weights\": [...]}.")
    return copy.deepcopy(v)


def _read_epochs(v: Any, w: _Where) -> int:
    return _int(v, w, 0, _MAX_EPOCHS)


def _read_test_share(v: Any, w: _Where) -> float:
    share = _number(v, w)
    if not 0.0 <= share < 1.0:
        raise w.fail(f"the test share must be at least 0 and below 1, not {share}.")
    return share


def _read_controls(v: Any, w: _Where) -> tuple[str, ...]:
    if not isinstance(v, list) or len(v) > 200:
        raise w.fail(f"expected a list of control ids, found {_kind(v)}.")
    for j, cid in enumerate(v):
        if not isinstance(cid, str) or len(cid) > 100 or not _CONTROL_ID.match(cid):
            raise w.at(f"[{j}]").fail(f"{cid!r} is not a control id (dot-separated lower-case "
                                      f"parts, e.g. 'model.mlp.mlp_learning_rate').")
    if len(set(v)) != len(v):
        raise w.fail("a control id appears twice.")
    return tuple(v)


def _read_printout(v: Any, w: _Where) -> Printout:
    if not isinstance(v, dict) or v.get("rule") not in ("classic", "forward"):
        raise w.fail("expected {\"rule\": \"classic\", ...} or {\"rule\": \"forward\"}.")
    if v["rule"] == "forward":
        _table(v, w, required=("rule",))
        return Printout("forward")
    _table(v, w, required=("rule", "output_title"), allowed=("error_every",))
    every = v.get("error_every")
    if every is not None:
        every = _int(every, w.at("error_every"), 1)
    return Printout("classic", every, _text(v["output_title"], w.at("output_title"), 200))


def _read_constant_input(v: Any, w: _Where) -> ConstantInput:
    _table(v, w, required=("column", "label"), allowed=("value",))
    return ConstantInput(_int(v["column"], w.at("column"), 0, 99), _text(v["label"], w.at("label"), 60),
                         _number(v.get("value", 1.0), w.at("value")))


def _read_view(v: Any, w: _Where) -> ViewSettings:
    _table(v, w, allowed=("axes", "hidden_lines", "log_scale"))
    axes = v.get("axes", [0, 1])
    if not isinstance(axes, list) or len(axes) != 2:
        raise w.at("axes").fail("expected two axis numbers, e.g. [0, 1].")
    a, b = (_int(x, w.at(f"axes[{j}]"), 0, 99) for j, x in enumerate(axes))
    if a == b:
        raise w.at("axes").fail("the two axes must differ.")
    return ViewSettings((a, b), _bool(v.get("hidden_lines", False), w.at("hidden_lines")),
                        _bool(v.get("log_scale", False), w.at("log_scale")))


def _read_digit_pad(v: Any, w: _Where) -> DigitPad:
    from . import digits

    _table(v, w, required=("task",), allowed=("seed",))
    tasks = _digit_tasks(digits)
    if not isinstance(v["task"], str) or v["task"] not in tasks:
        raise w.at("task").fail(f"unknown digit task {v['task']!r}; the tasks are {', '.join(tasks)}.")
    return DigitPad(v["task"], _int(v.get("seed", 0), w.at("seed"), 0, 2**32 - 1))


def _digit_tasks(digits_module) -> dict[str, Any]:
    return {task.key: task for task in digits_module.TASKS}


_FIELD_READERS = {
    "data": _read_data, "model": _read_model, "weights": _read_weights, "epochs": _read_epochs,
    "test_share": _read_test_share, "locked": _read_controls, "hidden": _read_controls,
    "printout": _read_printout, "constant_input": _read_constant_input, "view": _read_view,
    "digit_pad": _read_digit_pad,
}


# ---------------------------------------------------------------- merging
def _merge(previous: dict[str, Any], given: dict[str, Any], w: _Where) -> dict[str, Any]:
    """The setup after a step (see "Merging" in the module docstring)."""
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
def _build(s: dict[str, Any], w: _Where) -> Setup:
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


def _dataset(data: dict[str, Any], w: _Where) -> Dataset:
    try:
        if "preset" in data:
            return datasets.PRESETS[data["preset"]](seed=data.get("seed", 0),
                                                     noise=data.get("noise", 0.0))
        if "generator" in data:
            return datasets.LESSON_GENERATORS[data["generator"]](seed=data.get("seed", 0),
                                                                 **data.get("params", {}))
    except (TypeError, ValueError, OverflowError) as exc:
        raise w.fail(f"the data cannot be made: {exc}.") from None
    names = list(data["class_names"])
    return Dataset(np.array(data["points"], dtype=np.float64), np.array(data["labels"], dtype=np.int64),
                   names, data.get("name", "Lesson points"))


def _model(kind: str, config: dict[str, Any], dataset: Dataset, w: _Where) -> Model:
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


def _apply_weights(model: Model, given: dict[str, Any], w: _Where) -> dict[str, Any]:
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


def _like(value: Any, reference: Any, w: _Where) -> Any:
    """A JSON value in the shape of a ``get_state()`` entry: lists of numbers become
    float64 arrays of the reference's shape; None stays None."""
    if value is None:
        return None
    if isinstance(reference, list):
        if not isinstance(value, list) or len(value) != len(reference):
            raise w.fail(f"expected a list of {len(reference)} arrays.")
        return [_like(v, r, w.at(f"[{j}]")) for j, (v, r) in enumerate(zip(value, reference))]
    if isinstance(reference, float) and not isinstance(reference, np.ndarray):
        return _number(value, w)
    arr = _numbers(value, w)
    if reference is not None and arr.shape != np.shape(reference):
        raise w.fail(f"expected shape {np.shape(reference)}, found {arr.shape}.")
    return arr


def _numbers(value: Any, w: _Where) -> np.ndarray:
    def check(v: Any, depth: int) -> None:
        if depth > 4:
            raise w.fail("nested too deeply for weights.")
        if isinstance(v, list):
            for x in v:
                check(x, depth + 1)
        else:
            _number(v, w)

    check(value, 0)
    try:
        return np.array(value, dtype=np.float64)
    except ValueError:
        raise w.fail("rows of different lengths.") from None


def _check_printout(printout: Printout | None, kind: str, w: _Where) -> None:
    if printout is not None and kind != "mlp":
        raise w.fail(f"the {printout.rule!r} printout needs an MLP, not a {kind} model.")


def _digit_pad_parts(pad: DigitPad) -> tuple[Dataset, str, dict[str, Any], None]:
    from . import digits

    task = _digit_tasks(digits)[pad.task]
    X, targets = task.training_set(seed=pad.seed)
    labels = np.rint(np.asarray(targets, dtype=np.float64) * (3.0 if task is digits.CLASSIC else 1.0))
    dataset = Dataset(X, labels.astype(np.int64), [str(d) for d in range(task.digits)], task.title,
                      seed=pad.seed)
    model = task.model(pad.seed)
    return dataset, model.kind, model.get_config(), None
