"""The JSON codec of session files: NumPy arrays as base64 objects inside plain JSON.

An array is stored as ``{"dtype": "float64", "shape": [n, d], "data": <base64 of the
little-endian bytes>}``, so encoding then decoding gives back bit-for-bit the same
numbers (-0.0, subnormals and the largest doubles included). Only the dtypes in
``DTYPES`` are accepted, and nothing is ever executed: decoding reads the fields and
checks each one.

``loads_strict`` parses the text itself, refusing the NaN, Infinity and huge numbers
that ``json`` lets through, and half surrogate pairs (``"\\ud800"``), which no file can
be written back with (``ValueError``). Every other problem raises
``ArrayCodecError`` (a ``ValueError``): encoding messages are whole sentences for a
teacher; decoding messages complete "The file X is damaged: ...", so that the session
reader can name the file.

Decoding is bounded whatever the input (``core/limits.py``): a stored array has at most
``MAX_ARRAY_DIMS`` dimensions and ``MAX_ARRAY_ITEMS`` numbers, and its declared size must
match the length of its text before anything is decoded; ``decode_value`` refuses
nesting deeper than ``MAX_JSON_DEPTH`` instead of recursing without end.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from .limits import MAX_ARRAY_DIMS, MAX_ARRAY_ITEMS, MAX_JSON_DEPTH

#: The only dtypes a file may name (stored little-endian).
DTYPES = {name: np.dtype(name) for name in (
    "float64", "float32", "int64", "int32", "int16", "int8",
    "uint64", "uint32", "uint16", "uint8", "bool",
)}
ARRAY_KEYS = frozenset(("dtype", "shape", "data"))
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class ArrayCodecError(ValueError):
    """An array or value that cannot be stored, or a stored one that is damaged."""


def encode_array(arr: np.ndarray) -> dict[str, Any]:
    """``{"dtype", "shape", "data"}`` for ``arr`` (any shape, a dtype in ``DTYPES``)."""
    name = arr.dtype.name
    if name not in DTYPES:
        raise ArrayCodecError(f"Arrays of type {arr.dtype} cannot be saved in a session.")
    little = np.ascontiguousarray(arr, dtype=DTYPES[name].newbyteorder("<"))
    return {
        "dtype": name,
        "shape": list(arr.shape),
        "data": base64.b64encode(little.tobytes()).decode("ascii"),
    }


def encode_value(value: Any, where: str) -> Any:
    """JSON-able form of ``value``: arrays become array objects, NumPy scalars plain.

    ``where`` names the value in error messages ("the extras"); non-finite floats, keys
    that are not text and types JSON cannot hold are refused.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ArrayCodecError(f"Cannot save: {where} is {value}, not a finite number.")
        return float(value)
    if isinstance(value, np.ndarray):
        return encode_array(value)
    if isinstance(value, (list, tuple)):
        return [encode_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise ArrayCodecError(f"Cannot save: {where} has a non-text key {key!r}.")
            out[key] = encode_value(v, f"{where}.{key}")
        return out
    raise ArrayCodecError(f"Cannot save: {where} is a {type(value).__name__}.")


def decode_array(obj: Any, what: str, dtype: str | None = None,
                 ndim: int | None = None,
                 max_shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """The array stored in ``obj``, checked against ``dtype`` and ``ndim`` when given.

    ``what`` names the array in error messages ("the points"); ``max_shape`` (one bound
    or None per axis) caps the declared shape, checked before anything is decoded.
    """
    if not isinstance(obj, Mapping) or set(obj) != ARRAY_KEYS:
        raise ArrayCodecError(f"{what} is not a stored array.")
    name, shape, data = obj["dtype"], obj["shape"], obj["data"]
    if not isinstance(name, str) or name not in DTYPES:
        raise ArrayCodecError(f"{what} has an unsupported number type {name!r}.")
    if dtype is not None and name != dtype:
        raise ArrayCodecError(f"{what} should be {dtype} numbers, not {name}.")
    if isinstance(shape, list) and len(shape) > MAX_ARRAY_DIMS:
        raise ArrayCodecError(
            f"{what} has {len(shape)} dimensions; at most {MAX_ARRAY_DIMS} are allowed.")
    if not isinstance(shape, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ArrayCodecError(f"{what} has an invalid shape {shape!r}.")
    if ndim is not None and len(shape) != ndim:
        raise ArrayCodecError(f"{what} should have {ndim} dimension(s), not {len(shape)}.")
    # The axes that are not 0, multiplied: (0, 10**30) and (0, 8e6, 8e6, 8e6) hold no
    # numbers, but NumPy has no array of either shape (it refuses a shape whose other
    # axes overflow, empty or not).
    if math.prod(n for n in shape if n) > MAX_ARRAY_ITEMS:
        raise ArrayCodecError(
            f"{what} declares shape {tuple(shape)}, more than the {MAX_ARRAY_ITEMS:,} "
            f"numbers an array may hold.")
    for axis, (n, most) in enumerate(zip(shape, max_shape or ())):
        if most is not None and n > most:
            raise ArrayCodecError(
                f"{what} declares {n:,} along axis {axis}; at most {most:,} are allowed.")
    if not isinstance(data, str):
        raise ArrayCodecError(f"the data of {what} is not text.")
    dt = DTYPES[name]
    n_bytes = math.prod(shape) * dt.itemsize
    # Declared size against the text present, before decoding: valid padded base64 of
    # n bytes is exactly 4 * ceil(n / 3) characters long.
    if len(data) != 4 * -(-n_bytes // 3):
        if not _BASE64.fullmatch(data):
            raise ArrayCodecError(f"the data of {what} is not valid base64.")
        present = (len(data) // 4 * 3 - (len(data) - len(data[-2:].rstrip("=")))) // dt.itemsize
        raise ArrayCodecError(
            f"{what} should hold {math.prod(shape)} numbers of shape "
            f"{tuple(shape)} but its data has {max(present, 0)}."
        )
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ArrayCodecError(f"the data of {what} is not valid base64.") from None
    if len(raw) != n_bytes:
        raise ArrayCodecError(
            f"{what} should hold {math.prod(shape)} numbers of shape "
            f"{tuple(shape)} but its data has {len(raw) // dt.itemsize}."
        )
    arr = np.frombuffer(raw, dtype=dt.newbyteorder("<")).astype(dt).reshape(shape)
    if name == "bool" and raw.strip(b"\x00\x01"):
        raise ArrayCodecError(f"{what} holds true/false values other than 0 and 1.")
    return arr


def decode_value(obj: Any, _depth: int = 0) -> Any:
    """Generic decode: array objects become arrays, everything else stays JSON.

    Nesting deeper than ``MAX_JSON_DEPTH`` raises ``ArrayCodecError`` (the recursion
    here is bounded by it, not by the input)."""
    if isinstance(obj, (dict, list)) and _depth >= MAX_JSON_DEPTH:
        raise ArrayCodecError(f"it nests deeper than {MAX_JSON_DEPTH} levels.")
    if isinstance(obj, dict):
        if set(obj) == ARRAY_KEYS:
            return decode_array(obj, "a stored array")
        return {k: decode_value(v, _depth + 1) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode_value(v, _depth + 1) for v in obj]
    return obj


def nesting_depth(obj: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep lists and dicts nest in ``obj`` (a scalar is 0, ``[]`` is 1), found
    without recursion; stops counting at ``limit + 1``."""
    if not isinstance(obj, (dict, list)):
        return 0
    deepest = 0
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        items = value.values() if isinstance(value, dict) else value
        stack.extend((v, depth + 1) for v in items if isinstance(v, (dict, list)))
    return deepest


def _reject_constant(name: str) -> Any:
    raise ValueError(f"the value {name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is too large")
    return value


#: A JSON escape of a surrogate (\ud800-\udfff), whole pairs included.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads_strict(text: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and numbers beyond float64 with a
    ``ValueError`` (a malformed text still raises ``json.JSONDecodeError``), and text
    that is not Unicode: JSON may write half of a surrogate pair (``"\\ud800"``), which
    no UTF-8 file can hold, so a session holding one could never be saved again."""
    doc = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    if not _SURROGATE_ESCAPE.search(text):
        return doc  # only an escape makes one (a UTF-8 text cannot hold a lone one)
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise ValueError(f"it holds text that is not Unicode ({value[:40]!a})") \
                        from None
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return doc
