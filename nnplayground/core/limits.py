"""The limits every loader checks before it allocates anything or changes a widget.

A file (session, CSV) is untrusted input: a few bytes can declare a billion classes or a
30000 x 30000 weight matrix. The loaders compare what a file declares with these
numbers first and reject it with their one error type (``SessionError``,
``CSVFormatError``) and a plain message; nothing is clamped, so what loads is exactly
what was saved. They are generous: everything the model panel, the lessons and the digit
pad build fits well inside them (the panel: up to 6 hidden layers of a few neurons, at
most 10 competitive neurons, batch size 0-256; the digit pad: 20-16-10 and 20-20-1).

This is the one place the limits live; the widgets that show these values must offer
the same ranges (``ui/panels``: ``SEED_MAX``, the batch-size spin box).
"""

from __future__ import annotations

from typing import Any

from .base import LEARNING_RATE

__all__ = [
    "LEARNING_RATE", "MAX_ARRAY_DIMS", "MAX_ARRAY_ITEMS", "MAX_BATCH_SIZE", "MAX_CLASSES",
    "MAX_COORDINATE", "MAX_CSV_BYTES", "MAX_EPOCH", "MAX_HISTORY", "MAX_JSON_DEPTH", "MAX_JSON_VALUES",
    "MAX_LAYERS", "MAX_NAME_CHARS", "MAX_NEURONS", "MAX_POINTS", "MAX_POINT_DIMS",
    "MIN_POINT_DIMS",
    "MAX_SESSION_BYTES", "MAX_WEIGHTS", "SEED_MAX", "shown",
]

# ----------------------------------------------------------------- files as a whole
#: A session file is read up to this many bytes; a larger one is refused unread.
MAX_SESSION_BYTES = 64 * 2**20
#: The same for a CSV of points (100,000 points of three repr'd floats fit in ~7 MB).
MAX_CSV_BYTES = 32 * 2**20
#: Nesting of a session's JSON (a real one nests about 6 deep).
MAX_JSON_DEPTH = 32
#: Brackets and commas in a session's text: an upper bound on the JSON values it holds,
#: counted before parsing so that "[[],[],...]" cannot become millions of Python lists.
#: (Bulk data is base64 text, which holds neither.)
MAX_JSON_VALUES = 2_000_000

# ----------------------------------------------------------------------------- arrays
#: Dimensions of a stored array (points, weights: 2; NumPy's own limit is 64).
MAX_ARRAY_DIMS = 4
#: Numbers in one stored array, and the length of any of its axes.
MAX_ARRAY_ITEMS = 8_000_000

# ---------------------------------------------------------------------- data and model
#: Points in a session or a CSV.
MAX_POINTS = 100_000
#: Coordinates per point (the digit pad's patterns have 20) and at least (the canvas
#: draws two of them).
MAX_POINT_DIMS = 256
MIN_POINT_DIMS = 2
#: The largest coordinate, either sign: the canvas's bounds, ticks and grid work in
#: float64 well inside it (at 1e308 its range overflowed; at 1e300 every point was in
#: one place), and a spread of a millionth still shows at its edge.
MAX_COORDINATE = 1e9
#: Classes (the panel and the digit pad use at most 10; colours repeat after 8).
MAX_CLASSES = 100
#: Characters in a class name or a session name.
MAX_NAME_CHARS = 1000
#: Entries of ``layer_sizes``: input, up to 10 hidden layers, output.
MAX_LAYERS = 12
#: Neurons in one layer, inputs of a model, neurons of a competitive layer.
MAX_NEURONS = 256
#: Weights of a network (sum of fan-in x fan-out); the panel's largest is under 10,000.
MAX_WEIGHTS = 200_000
#: Batch size (None is the full batch); the model panel's spin box offers 1-256.
MAX_BATCH_SIZE = 256
#: Seeds: what the seed boxes (``SeedBox``, a QSpinBox) can show.
SEED_MAX = 2**31 - 1
#: Epochs in an error history.
MAX_HISTORY = 2_000_000
#: A model's epoch counter (exact as a float, so the error curve can place it).
MAX_EPOCH = 2**53


def shown(value: Any) -> str:
    """``value`` for a loader's message: its repr, short, even for a 4000-digit number."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
