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
"""

from __future__ import annotations

import csv
import io
import math
import os
from typing import IO, Sequence

import numpy as np

__all__ = ["CSVFormatError", "read_points_csv", "write_points_csv"]

_MAX_REPORTED = 10
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
def write_points_csv(path_or_file, X, y, class_names: Sequence[str] | None = None) -> None:
    """Write points ``X`` (n, 2) or (n, 3) with int labels ``y`` (n,).

    With ``class_names`` the labels are written as names and a ``# classes:`` line records
    their order; otherwise as integers. Raises ValueError for non-finite coordinates,
    labels out of range or a class name that is empty or starts with '#'."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] not in (2, 3):
        raise ValueError(f"points must be (n, 2) or (n, 3), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"need one label per point: {X.shape[0]} points, labels of shape {y.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("cannot save points with NaN or infinite coordinates")
    labels = [int(v) for v in y]
    if class_names is not None:
        names = [str(c) for c in class_names]
        for name in names:
            if not name.strip() or name.lstrip().startswith("#"):
                raise ValueError(f"class name {name!r} cannot be saved (empty or starting with '#')")
        bad = [v for v in labels if not 0 <= v < len(names)]
        if bad:
            raise ValueError(f"label {bad[0]} has no class name (there are {len(names)} names)")
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


def _int_label(text: str) -> int | None:
    value = _number(text)
    if value is None or not math.isfinite(value) or value != int(value):
        return None
    return int(value)


def read_points_csv(path_or_text_stream: str | os.PathLike | IO[str]
                    ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read points: returns X (n, d) float64 with d = 2 or 3, y (n,) int64 and the class
    names (index = label). Raises ``CSVFormatError`` listing every malformed line, and for
    a file without points; OSError passes through when the file cannot be opened."""
    if isinstance(path_or_text_stream, (str, os.PathLike)):
        with open(path_or_text_stream, "rb") as fh:
            text = _decode(fh.read())
    else:
        text = path_or_text_stream.read()
        if isinstance(text, bytes):
            text = _decode(text)
    text = text.lstrip("\ufeff")

    problems: list[tuple[int | None, str]] = []
    header: list[str] | None = None
    declared: list[str] | None = None
    n_cols: int | None = None
    coords: list[list[float]] = []
    raw_labels: list[tuple[int, str]] = []

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if stripped.lower().startswith(_CLASSES_PREFIX) and declared is None:
                declared = [n for n in _split(stripped[len(_CLASSES_PREFIX):]) if n]
            continue
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
    y, class_names = _decode_labels([lab for _, lab in raw_labels], declared)
    return np.array(coords, dtype=np.float64), y, class_names


def _decode_labels(labels: list[str], declared: list[str] | None) -> tuple[np.ndarray, list[str]]:
    if declared is not None:
        names = list(declared)
        index = {name: i for i, name in enumerate(names)}
        out = []
        for lab in labels:
            if lab in index:
                out.append(index[lab])
                continue
            as_int = _int_label(lab)
            if as_int is not None and 0 <= as_int < len(names):
                out.append(as_int)
                continue
            index[lab] = len(names)
            names.append(lab)
            out.append(index[lab])
        return np.array(out, dtype=np.int64), names
    ints = [_int_label(lab) for lab in labels]
    if all(v is not None for v in ints):
        values = np.array(ints, dtype=np.int64)
        if values.min() >= 0:
            return values, [str(i) for i in range(int(values.max()) + 1)]
        distinct = np.unique(values)
        return np.searchsorted(distinct, values).astype(np.int64), [str(v) for v in distinct]
    names = list(dict.fromkeys(labels))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[lab] for lab in labels], dtype=np.int64), names
