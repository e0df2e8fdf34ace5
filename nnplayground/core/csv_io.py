"""Points as CSV: ``x,y,label`` (2-D) or ``x,y,z,label`` (3-D), one point per line.

File format (what ``write_points_csv`` writes and ``read_points_csv`` accepts)::

    x,y,label
    # classes: red,blue
    0.5,1.25,red
    -3.0,2.0,blue

* Comma separated, UTF-8 (a byte-order mark is ignored), quoting as Python's ``csv``.
* The header is optional. The first non-comment line is a header when its first field is
  not a number; its names are then used in error messages, and its column count fixes the
  dimension. Without a header the first data line fixes it. 3 columns = 2-D, 4 = 3-D.
* Blank lines and lines starting with ``#`` are skipped, except ``# classes: a,b,...``,
  which lists the class names in index order (so label indices survive a round trip even
  for classes that have no points, or whose first point is not the first line).
* Labels may be class names or integers. With a ``# classes`` line, a label is the index
  of its name (an unknown name becomes a new class at the end; an integer 0..k-1 that is
  not a name is used as an index). Without it: if every label is an integer (``1.0``
  counts as 1) and none is negative, the integer *is* the class and the names are
  ``"0"``, ``"1"``, ...; if some are negative, the distinct values in increasing order
  become classes 0, 1, ... named by their values; otherwise every label is a name and the
  classes are numbered in order of first appearance.
* Coordinates are written with ``repr`` so that reading back gives bit-identical floats.

Every malformed line is reported in one ``CSVFormatError`` (line numbers count from 1,
like a text editor), e.g. ``line 7: 'abc' is not a number (column x)``.

Bounded whatever the input (``core/limits.py``): at most ``MAX_CSV_BYTES`` are read,
``MAX_POINTS`` points and ``MAX_CLASSES`` classes are accepted (the error names the
line past the limit), nothing is allocated per label value (the label 100000000 is an
error, not 100,000,001 classes), and a label that is a number but not a class number
(NaN, infinity, 1e300, 2**63) is an error naming its line. Only ``CSVFormatError`` (and
``OSError`` when the file cannot be opened) ever leaves ``read_points_csv``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from typing import IO, Iterator, Sequence

import numpy as np

from .limits import MAX_CLASSES, MAX_COORDINATE, MAX_CSV_BYTES, MAX_NAME_CHARS, MAX_POINTS

__all__ = ["CSVFormatError", "read_points_csv", "write_points_csv"]

_MAX_REPORTED = 10
#: Problems collected before reading stops (a file of ",,\n" lines has three per line).
_MAX_PROBLEMS = 1000
_CLASSES_PREFIX = "# classes:"
_DEFAULT_NAMES = {3: ["x", "y", "label"], 4: ["x", "y", "z", "label"]}


class CSVFormatError(ValueError):
    """A CSV file that cannot be read as points. ``problems`` lists (line, reason) pairs
    (line is None for problems of the whole file); ``line`` is the first problem's line."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        self.problems = list(problems)
        self.line = problems[0][0]
        shown = [f"line {ln}: {why}" if ln is not None else why for ln, why in problems[:_MAX_REPORTED]]
        if len(problems) > _MAX_REPORTED:
            shown.append(f"(and {len(problems) - _MAX_REPORTED} more problems)")
        super().__init__("\n".join(shown))


def _decode(data: bytes) -> str:
    """UTF-8, or the Windows code page spreadsheets often export class names in; a
    binary file (NUL bytes) is refused with a message instead of garbage."""
    if b"\x00" in data:
        raise CSVFormatError([(None, "this is not a text file (it contains binary data); "
                                     "export the points as CSV text")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


# -------------------------------------------------------------------------- writing
def csv_problem(X, y, class_names: Sequence[str] | None = None) -> str | None:
    """Why ``write_points_csv`` cannot write these points, in a user's words (None: it
    can). The window asks before it asks for a file name."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] not in (2, 3):
        dims = X.shape[1] if X.ndim == 2 else X.ndim
        return (f"a CSV file holds points of 2 or 3 coordinates; these have {dims} "
                f"(a session file keeps them: File > Save)")
    if y.shape != (X.shape[0],):
        return f"there are {X.shape[0]} points but labels of shape {y.shape}"
    if not np.all(np.isfinite(X)):
        return "some points have NaN or infinite coordinates"
    if class_names is not None:
        names = [str(c) for c in class_names]
        for name in names:
            if not name.strip() or name.lstrip().startswith("#"):
                return (f"the class name {name!r} cannot be written (a CSV file skips lines "
                        f"starting with '#'): rename the class first")
        bad = y[(y < 0) | (y >= len(names))]  # at once: the writer asks again
        if bad.size:
            return f"label {int(bad[0])} has no class name (there are {len(names)} names)"
    return None


def write_points_csv(path_or_file, X, y, class_names: Sequence[str] | None = None) -> None:
    """Write points ``X`` (n, 2) or (n, 3) with int labels ``y`` (n,).

    With ``class_names`` the labels are written as names and a ``# classes:`` line records
    their order; otherwise as integers. Raises ValueError (``csv_problem``'s words) for
    other shapes, non-finite coordinates, labels out of range or a class name that is
    empty or starts with '#'."""
    problem = csv_problem(X, y, class_names)
    if problem is not None:
        raise ValueError(problem)
    X = np.asarray(X, dtype=np.float64)
    labels = [int(v) for v in np.asarray(y)]
    names = None if class_names is None else [str(c) for c in class_names]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_DEFAULT_NAMES[X.shape[1] + 1])
    if class_names is not None:
        row = io.StringIO()
        csv.writer(row, lineterminator="").writerow(names)
        buf.write(f"{_CLASSES_PREFIX} {row.getvalue()}\n")
    for point, label in zip(X, labels):
        writer.writerow([repr(float(v)) for v in point] + [names[label] if class_names is not None else label])
    text = buf.getvalue()
    if isinstance(path_or_file, (str, os.PathLike)):
        with open(path_or_file, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        path_or_file.write(text)


# -------------------------------------------------------------------------- reading
def _split(line: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([line]))]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _label_number(text: str) -> int | float | None:
    """The number a label spells, as an exact int when it is whole ("1.0" is 1), or
    None when it is a name."""
    try:
        return int(text)
    except ValueError:  # also for thousands of digits; float() then reads them as inf
        pass
    value = _number(text)
    if value is not None and math.isfinite(value) and value == int(value):
        return int(value)
    return value


def _shown(text: str) -> str:
    """A label for a message: its repr, cut short."""
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


def _label_problem(text: str, value: int | float | None) -> str | None:
    """Why a label that is a number cannot be one, or None when it can."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"the label {_shown(text)} is not a finite number"
    if isinstance(value, int) and abs(value) >= 2**63:
        return f"the label {_shown(text)} is too large to be a class number"
    return None


def _too_many_classes(line: int, label: str) -> CSVFormatError:
    return CSVFormatError([(line, f"the label {_shown(label)} makes more than {MAX_CLASSES} "
                                  f"classes; at most {MAX_CLASSES} are allowed "
                                  f"(class numbers 0 to {MAX_CLASSES - 1})")])


#: A line and its end: \n, \r\n or \r alone (old Mac files), mixed as they come.
_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time, without their ends: a list of every line
    first (``splitlines``) took ~800 MB for a 32 MB file of short lines that then failed
    at its first."""
    for match in _LINE.finditer(text):
        if match.end() == match.start() and match.start() == len(text):
            return  # the empty match at the very end
        yield match.group(1)


def read_points_csv(path_or_text_stream: str | os.PathLike | IO[str]
                    ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read points: returns X (n, d) float64 with d = 2 or 3, y (n,) int64 and the class
    names (index = label). Raises ``CSVFormatError`` listing every malformed line, and for
    a file without points; OSError passes through when the file cannot be opened."""
    if isinstance(path_or_text_stream, (str, os.PathLike)):
        with open(path_or_text_stream, "rb") as fh:
            text = fh.read(MAX_CSV_BYTES + 1)
    else:
        text = path_or_text_stream.read(MAX_CSV_BYTES + 1)
    if len(text) > MAX_CSV_BYTES:
        raise CSVFormatError([(None, f"the file is larger than {MAX_CSV_BYTES // 2**20} MB; "
                                     f"at most {MAX_POINTS:,} points can be read")])
    if isinstance(text, bytes):
        text = _decode(text)
    text = text.lstrip("\ufeff")

    problems: list[tuple[int | None, str]] = []
    header: list[str] | None = None
    declared: list[str] | None = None
    n_cols: int | None = None
    coords: list[list[float]] = []
    raw_labels: list[tuple[int, str]] = []

    for number, line in enumerate(_lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if stripped.lower().startswith(_CLASSES_PREFIX) and declared is None:
                try:
                    declared = [n for n in _split(stripped[len(_CLASSES_PREFIX):]) if n]
                except csv.Error as exc:
                    problems.append((number, f"the class names cannot be read as CSV ({exc})"))
                    declared = []
                if len(declared) > MAX_CLASSES:
                    problems.append((number, f"{len(declared):,} class names; at most "
                                             f"{MAX_CLASSES} classes are allowed"))
                    break
                if any(len(n) > MAX_NAME_CHARS for n in declared):
                    problems.append((number, f"a class name is longer than "
                                             f"{MAX_NAME_CHARS:,} characters"))
            continue
        if len(problems) >= _MAX_PROBLEMS:
            problems.append((number, "too many problems; reading stopped here"))
            break
        try:
            fields = _split(line)
        except csv.Error as exc:
            problems.append((number, f"cannot be read as CSV ({exc})"))
            continue
        if n_cols is None:
            if len(fields) == 1 and ";" in stripped:
                problems.append((number, "columns must be separated by commas, this line uses ';'"))
                break
            if len(fields) not in (3, 4):
                problems.append((number, f"expected 3 columns (x, y, label) or 4 (x, y, z, label) "
                                         f"but found {len(fields)}"))
                break
            n_cols = len(fields)
            if _number(fields[0]) is None:
                header = [f or f"column {i + 1}" for i, f in enumerate(fields)]
                continue
        if len(coords) == MAX_POINTS:
            problems.append((number, f"more than {MAX_POINTS:,} points; at most "
                                     f"{MAX_POINTS:,} can be read"))
            break
        names = header or _DEFAULT_NAMES[n_cols]
        if len(fields) != n_cols:
            problems.append((number, f"expected {n_cols} values ({', '.join(names)}) but found {len(fields)}"))
            continue
        row = []
        ok = True
        for name, field in zip(names[:-1], fields[:-1]):
            value = _number(field)
            if field == "":
                problems.append((number, f"the {name} value is empty"))
            elif value is None:
                problems.append((number, f"{field!r} is not a number (column {name})"))
            elif not math.isfinite(value):
                problems.append((number, f"{field!r} is not a finite number (column {name})"))
            elif abs(value) > MAX_COORDINATE:
                problems.append((number, f"{field!r} is beyond ±{MAX_COORDINATE:g}, the largest "
                                         f"coordinate the canvas draws (column {name})"))
            else:
                row.append(value)
                continue
            ok = False
        if fields[-1] == "":
            problems.append((number, f"the label is empty (column {names[-1]})"))
            ok = False
        if ok:
            coords.append(row)
            raw_labels.append((number, fields[-1]))

    if problems:
        raise CSVFormatError(problems)
    if not coords:
        raise CSVFormatError([(None, "the file contains no points" if text.strip()
                               else "the file is empty")])
    y, class_names = _decode_labels(raw_labels, declared)
    return np.array(coords, dtype=np.float64), y, class_names


def _decode_labels(labels: list[tuple[int, str]], declared: list[str] | None
                   ) -> tuple[np.ndarray, list[str]]:
    """Class indices and names for ``(line, label)`` pairs (see the module docstring);
    ``CSVFormatError`` naming the line of a label that is a bad number, a name too long
    or the first class past ``MAX_CLASSES``. Nothing here grows with a label's value."""
    known = set(declared or ())
    values = [None if lab in known else _label_number(lab) for _, lab in labels]
    problems = [(line, why) for (line, lab), v in zip(labels, values)
                if (why := _label_problem(lab, v)) is not None]
    if problems:
        raise CSVFormatError(problems)
    if declared is not None:
        names = list(declared)
        index = {name: i for i, name in enumerate(names)}
        out = []
        for (line, lab), value in zip(labels, values):
            if lab in index:
                out.append(index[lab])
            elif isinstance(value, int) and 0 <= value < len(names):
                out.append(value)
            else:
                out.append(_new_class(line, lab, index, names))
        return np.array(out, dtype=np.int64), names
    if all(isinstance(v, int) for v in values):
        if min(values) >= 0:
            for (line, lab), value in zip(labels, values):
                if value >= MAX_CLASSES:
                    raise _too_many_classes(line, lab)
            return np.array(values, dtype=np.int64), [str(i) for i in range(max(values) + 1)]
        # Negative labels: the distinct values in increasing order are the classes.
        first_seen: dict[int, int] = {}
        for (line, lab), value in zip(labels, values):
            if value not in first_seen and len(first_seen) == MAX_CLASSES:
                raise _too_many_classes(line, lab)
            first_seen.setdefault(value, line)
        distinct = sorted(first_seen)
        rank = {v: i for i, v in enumerate(distinct)}
        return np.array([rank[v] for v in values], dtype=np.int64), [str(v) for v in distinct]
    names: list[str] = []
    index: dict[str, int] = {}
    out = [index[lab] if lab in index else _new_class(line, lab, index, names)
           for line, lab in labels]
    return np.array(out, dtype=np.int64), names


def _new_class(line: int, label: str, index: dict[str, int], names: list[str]) -> int:
    """Add ``label`` as the next class (its index), checking the limits first."""
    if len(names) >= MAX_CLASSES:
        raise _too_many_classes(line, label)
    if len(label) > MAX_NAME_CHARS:
        raise CSVFormatError([(line, f"the label is longer than {MAX_NAME_CHARS:,} "
                                     f"characters")])
    index[label] = len(names)
    names.append(label)
    return index[label]
