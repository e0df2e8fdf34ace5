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
    ``lesson_generators.LESSON_GENERATORS``, its keyword arguments in ``params``) or
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

import importlib.resources
import re
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from .lesson_checks import (MAX_FILE_BYTES, LessonError, Where, kind_of, parse, read_limited, table,
                            text_value, whole)
from .lesson_fields import step_fields
from .lesson_setup import ConstantInput, DigitPad, Printout, Setup, ViewSettings, build_setup, merge

__all__ = [
    "LessonError", "LessonInfo", "Lesson", "Step", "Setup", "Printout", "ConstantInput",
    "ViewSettings", "DigitPad", "list_lessons", "grouped_lessons", "load_lesson",
    "load_lesson_file", "MAX_FILE_BYTES",
]

_LESSON_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_TOP_FIELDS = ("id", "title", "group", "order", "summary", "steps")
_MAX_STEPS = 50


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
        obj = parse(read_limited(f, f.name), f.name)
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
    return _lesson(parse(read_limited(f, f.name), f.name), f.name, expected_id=lesson_id)


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
    return _lesson(parse(read_limited(p, p.name), p.name), p.name)


# ------------------------------------------------------------------ lessons
def _info(obj: Any, source: str, expected_id: str | None = None) -> LessonInfo:
    w = Where(source)
    table(obj, w, required=_TOP_FIELDS)
    lesson_id = obj["id"]
    if not isinstance(lesson_id, str) or not _LESSON_ID.match(lesson_id):
        raise w.at("id").fail(f"{lesson_id!r} is not a lesson id (lower-case words joined by hyphens).")
    if expected_id is not None and lesson_id != expected_id:
        raise w.at("id").fail(f"the file {source!r} must hold the lesson {expected_id!r}, "
                              f"not {lesson_id!r}.")
    return LessonInfo(lesson_id, text_value(obj["title"], w.at("title"), 100),
                      text_value(obj["group"], w.at("group"), 60),
                      whole(obj["order"], w.at("order"), 0, 10**6),
                      text_value(obj["summary"], w.at("summary")))


def _lesson(obj: Any, source: str, expected_id: str | None = None) -> Lesson:
    info = _info(obj, source, expected_id)
    w = Where(source)
    steps_value = obj["steps"]
    if not isinstance(steps_value, list) or not 1 <= len(steps_value) <= _MAX_STEPS:
        found = f"{len(steps_value)} steps" if isinstance(steps_value, list) else kind_of(steps_value)
        raise w.at("steps").fail(f"expected a list of 1 to {_MAX_STEPS} steps, found {found}.")
    steps, setups = [], []
    merged: dict[str, Any] = {}
    for i, step_value in enumerate(steps_value):
        sw = w.at(f"steps[{i}]")
        table(step_value, sw, required=("text",), allowed=("setup",))
        text = text_value(step_value["text"], sw.at("text"))
        given = step_fields(step_value.get("setup", {}), sw.at("setup"))
        if i == 0 and not given:
            raise sw.at("setup").fail("the first step must set the lesson up (data, model, epochs).")
        merged = merge(merged, given, sw.at("setup"))
        steps.append(Step(i + 1, text, frozenset(given)))
        # A step that changes nothing shares the previous setup object.
        setups.append(build_setup(merged, sw.at("setup")) if given else setups[-1])
    return Lesson(info.id, info.title, info.group, info.order, info.summary, tuple(steps),
                  tuple(setups))
