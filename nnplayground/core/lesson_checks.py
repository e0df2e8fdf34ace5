"""Checked reading of a lesson file (``core.lessons``): its bytes (``read_limited``: at
most ``MAX_FILE_BYTES``), its JSON (``parse``: UTF-8, no name twice in one table, no NaN
or Infinity) and each kind of value in it (``table``, ``text_value``, ``whole``,
``finite_number``, ``boolean``). ``Where`` is a place in the file; every check that fails
raises a ``LessonError`` that names the file and that place."""

from __future__ import annotations

import json
import math
from typing import Any

from .jsonarrays import nesting_depth
from .limits import MAX_JSON_DEPTH, shown

#: Lesson files larger than this are refused before they are read.
MAX_FILE_BYTES = 1_000_000
#: the longest text a lesson may hold in one field
MAX_TEXT = 2000


class LessonError(ValueError):
    """An unknown lesson, or a lesson file that cannot be used; the message says why."""


def read_limited(f, source: str) -> bytes:
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


def parse(raw: bytes, source: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LessonError(f"The lesson file {source!r} is not UTF-8 text ({exc.reason} at "
                          f"byte {exc.start}).") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise LessonError(f"The lesson file {source!r} is not valid JSON: {exc.msg} "
                          f"(line {exc.lineno}, column {exc.colno}).") from None
    except (ValueError, RecursionError) as exc:
        raise LessonError(f"The lesson file {source!r} is not valid JSON: {exc}.") from None
    # Checked here: the checks and copies below recurse, and a few hundred levels of
    # lists ended in a RecursionError instead of this message.
    if nesting_depth(doc) > MAX_JSON_DEPTH:
        raise LessonError(f"The lesson file {source!r} nests deeper than "
                          f"{MAX_JSON_DEPTH} levels.")
    return doc


class Where:
    """Where in a file a check is: builds the error messages."""

    def __init__(self, source: str, path: str = "") -> None:
        self.source, self.path = source, path

    def at(self, part: str) -> Where:
        return Where(self.source, f"{self.path}.{part}" if self.path and not part.startswith("[")
                      else f"{self.path}{part}")

    def fail(self, problem: str) -> LessonError:
        where = f" at {self.path}" if self.path else ""
        return LessonError(f"The lesson file {self.source!r} is broken{where}: {problem}")


def table(value: Any, w: Where, required: tuple[str, ...] = (), allowed: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise w.fail(f"expected a table {{...}}, found {kind_of(value)}.")
    missing = [k for k in required if k not in value]
    if missing:
        raise w.fail(f"missing {', '.join(repr(k) for k in missing)}.")
    unknown = sorted(set(value) - set(required) - set(allowed))
    if unknown:
        raise w.fail(f"unknown field {', '.join(repr(k) for k in unknown)} (allowed: "
                     f"{', '.join(required + allowed)}).")
    return value


def kind_of(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


def text_value(value: Any, w: Where, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise w.fail(f"expected non-empty text, found {kind_of(value)}.")
    if len(value) > limit:
        raise w.fail(f"text of {len(value)} characters; at most {limit}.")
    return value


def whole(value: Any, w: Where, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise w.fail(f"expected a whole number, found {kind_of(value)} {value!r}.")
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise w.fail(f"expected a whole number {bounds}, found {value}.")
    return value


def finite_number(value: Any, w: Where) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise w.fail(f"expected a number, found {kind_of(value)} {value!r}.")
    try:
        number = float(value)  # an int beyond float's range: OverflowError
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise w.fail(f"expected a number, found {shown(value)}.")
    return number




def boolean(value: Any, w: Where) -> bool:
    if not isinstance(value, bool):
        raise w.fail(f"expected true or false, found {kind_of(value)} {value!r}.")
    return value
