"""Property tests of the loaders (issue 13): every session file and every CSV, however
broken, either loads or raises the loader's one error (``SessionError``,
``CSVFormatError``), never another exception, and what loads is within
``core/limits.py`` and usable.

The inputs start from real files (sessions saved from every model kind, our own CSV
exports) and are mutated: bytes flipped, cut, inserted; JSON values replaced, nested
thousands deep, multiplied; array shapes, dtypes and data changed; numbers made huge,
negative, NaN. Fixed seed (``derandomize``), a bounded number of examples, no
per-example deadline (shared machines) and a hang guard (pytest-timeout).

Lesson files have their own loader (``core/lessons.py``) and their own error
(``LessonError``); the packaged lessons are mutated the same way (last section).
"""

from __future__ import annotations

import base64
import functools
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnplayground.core import limits
from nnplayground.core.csv_io import CSVFormatError, read_points_csv, write_points_csv
from nnplayground.core.jsonarrays import DTYPES
from nnplayground.core.lessons import Lesson, LessonError, load_lesson_file
from nnplayground.core.registry import MODEL_CLASSES
from nnplayground.core.session import (
    Session,
    SessionError,
    load_session,
    save_session,
    session_to_dict,
)

PROPERTIES = settings(
    derandomize=True,  # the same examples on every run and machine
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
hang_guard = pytest.mark.timeout(120)

DATA = Path(__file__).resolve().parents[1] / "data"

#: Numbers that have broken loaders: limits' edges, int64/float64 edges, huge, negative.
EXTREME_INTS = [0, 1, -1, 2, 3, 255, 256, 257, 100, 101, 2**31 - 1, 2**31, 2**53, 2**63 - 1,
                2**63, 2**64, -(2**63) - 1, 10**30, -(10**30), 10**400, 30000,
                limits.MAX_POINTS + 1, limits.MAX_HISTORY + 1]
EXTREME_FLOATS = [0.0, -0.0, 1e-9, 1e-320, 0.5, 100.0, 100.5, 1e300, -1e300, 1.7976931348623157e308,
                  float("nan"), float("inf"), float("-inf")]


# ----------------------------------------------------------------- real seed files
@functools.cache
def seed_sessions() -> tuple[bytes, ...]:
    """Sessions saved from every model kind (trained), an empty one, and the files in
    tests/data that earlier versions wrote."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    configs = {
        "perceptron": {},
        "mlp": {"layer_sizes": [2, 4, 3, 1], "optimizer": "adam", "batch_size": 4},
        "competitive": {"n_neurons": 3},
        "autoencoder": {"layer_sizes": [2, 3, 1, 3, 2], "batch_size": 8},
    }
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, config in configs.items():
            model = MODEL_CLASSES[kind](seed=5, **config)
            model.fit(X, None if model.unsupervised else y, epochs=3)
            s = Session(points=X, labels=y, class_names=["left", "right"],
                        class_colors=["#E69F00", "#56B4E9"], seed=7, name=f"{kind} lesson",
                        dataset={"source": "own", "seed": 3, "split_seed": 4, "noise": 0.1,
                                 "test_ratio": 0.2, "bounds": [-6.0, 6.0, -6.0, 6.0]},
                        history={"train": [0.5, 0.4, 0.3], "test": [np.nan, 0.45, 0.35]},
                        extras={"model_panel": kind, "axes": [0, 1], "true_centroids": None,
                                "digit_examples": [[[0.0, 1.0] * 10, 3]],
                                "grid": np.arange(6, dtype=np.int32).reshape(2, 3)})
            s.set_model(model)
            out.append(save_session(s, Path(folder) / f"{kind}.nnp").read_bytes())
        out.append(save_session(Session(), Path(folder) / "empty.nnp").read_bytes())
    out.extend(path.read_bytes() for path in sorted(DATA.glob("*.nnp")))
    return tuple(out)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mutated")


def load_or_reject(folder: Path, data: bytes) -> Session | None:
    """Load ``data`` as a session file: a Session or None for SessionError; any other
    exception fails the test. A loaded session is within the limits, builds its model
    (or says why with SessionError) and saves again."""
    path = folder / "mutated.nnp"
    path.write_bytes(data)
    try:
        s = load_session(path)
    except SessionError:
        return None
    assert len(s.class_names) <= limits.MAX_CLASSES
    assert s.points.ndim == 2 and len(s.points) <= limits.MAX_POINTS
    assert 0 <= s.seed <= limits.SEED_MAX
    assert len(s.history["train"]) <= limits.MAX_HISTORY
    try:
        s.build_model()
    except SessionError:
        pass
    session_to_dict(s)  # what was read can be written again
    return s


# ----------------------------------------------------------------- mutations
SPECIAL_BYTES = [b"[", b"]", b"{", b"}", b'"', b",", b":", b"\\", b"\\u0000", b"\xff\xfe",
                 b"9" * 40, b"-", b"e999", b"NaN", b"Infinity", b"null", b"[" * 1200,
                 b'{"dtype": "float64", "shape": [99999999], "data": ""}']


def _mutate(draw, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with 1-4 byte-level mutations (flip, delete, insert, truncate,
    duplicate), as a damaged or hand-edited file has them."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 200))]
        elif op == "insert":
            data[pos:pos] = draw(st.one_of(st.sampled_from(SPECIAL_BYTES),
                                           st.binary(min_size=1, max_size=12)))
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 400))] * draw(st.integers(1, 5))
    return bytes(data)


@st.composite
def mutated_bytes(draw) -> bytes:
    return _mutate(draw, seed_sessions())


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.sampled_from(EXTREME_INTS), st.integers(),
        st.sampled_from(EXTREME_FLOATS), st.floats(),
        st.text(alphabet=st.sampled_from('ab ,#"\\\n\u00e9\u2013'), max_size=20),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4),
                                st.dictionaries(st.sampled_from(
                                    ["dtype", "shape", "data", "a", "seed", "kind"]), inner,
                                    max_size=4)),
        max_leaves=8,
    )


def stored_arrays() -> st.SearchStrategy[dict]:
    """Array objects whose dtype, shape and data may disagree."""
    shapes = st.one_of(st.lists(st.integers(0, 5), max_size=3),
                       st.lists(st.sampled_from(EXTREME_INTS), max_size=5),
                       st.integers(5, 100).map(lambda n: [1] * n))
    return st.fixed_dictionaries({
        "dtype": st.one_of(st.sampled_from(sorted(DTYPES)),
                           st.sampled_from(["object", "<f8", "float128", "", "U10"])),
        "shape": shapes,
        "data": st.one_of(st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode()),
                          st.sampled_from(["", "=", "AAAA", "not base64!", "AAAAAAAAAAA=="])),
    })


def _paths(doc: Any) -> list[tuple]:
    """The path (keys and indices) of every value in ``doc``, found without recursion."""
    out, stack = [], [((), doc)]
    while stack:
        path, value = stack.pop()
        out.append(path)
        items = value.items() if isinstance(value, dict) else (
            enumerate(value) if isinstance(value, list) else ())
        stack.extend((path + (k,), v) for k, v in items)
    return out


def _get(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


MARK = "\u2603deep\u2603"
#: Where a changed value matters most: sizes, seeds, settings, the array fields.
HOT_KEYS = {"seed", "split_seed", "batch_size", "learning_rate", "layer_sizes", "n_neurons",
            "n_inputs", "l2", "epoch", "shape", "dtype", "data", "class_names", "class_colors",
            "version", "points", "labels", "train", "test", "config", "state", "kind", "name"}


def _hot_key(path: tuple) -> str | None:
    """The hot key a path ends in (or whose list it is an item of), else None."""
    keys = [key for key in path[-2:] if isinstance(key, str) and key in HOT_KEYS]
    return keys[-1] if keys else None


@st.composite
def mutated_documents(draw) -> bytes:
    """A real session with 1-3 of its values changed, returned as the file's bytes."""
    doc = json.loads(draw(st.sampled_from(seed_sessions())))
    nests: list[tuple[str, int]] = []
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)[1:]
        if not paths:
            break
        hot: dict[str, list[tuple]] = {}
        for p in paths:
            if (key := _hot_key(p)) is not None:
                hot.setdefault(key, []).append(p)
        if hot and draw(st.integers(0, 2)):  # mostly a hot key, each key as likely
            path = draw(st.sampled_from(hot[draw(st.sampled_from(sorted(hot)))]))
        else:
            path = draw(st.sampled_from(paths))
        parent, key = _get(doc, path[:-1]), path[-1]
        value = _get(doc, path)
        ops = ["replace", "array", "nest", "delete", "multiply", "number"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ops += ["number"] * 6  # sizes, seeds and settings are where loaders broke
        elif isinstance(value, list):
            ops += ["multiply", "nest"]
        op = draw(st.sampled_from(ops))
        if op == "replace":
            parent[key] = draw(json_values())
        elif op == "array":
            parent[key] = draw(stored_arrays())
        elif op == "nest":
            marker = f"{MARK}{len(nests)}"
            nests.append((json.dumps(value, allow_nan=True), draw(st.sampled_from(
                [1, 5, 31, 32, 33, 100, 500, 999, 1000, 3000]))))
            parent[key] = marker
        elif op == "delete":
            del parent[key]
        elif op == "multiply" and isinstance(value, list):
            value[:] = value * draw(st.sampled_from([2, 51, 101, 300]))
        elif op == "number":
            parent[key] = draw(st.one_of(st.sampled_from(EXTREME_INTS),
                                         st.sampled_from(EXTREME_FLOATS)))
    text = json.dumps(doc, allow_nan=True)
    for i, (inner, depth) in enumerate(nests):
        text = text.replace(json.dumps(f"{MARK}{i}"), "[" * depth + inner + "]" * depth)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def one_number_changed(draw) -> bytes:
    """A real session with one of its numbers (a seed, a setting, a layer size, an array
    dimension, the epoch...) replaced by an extreme one."""
    doc = json.loads(draw(st.sampled_from(seed_sessions())))
    paths = [p for p in _paths(doc)[1:]
             if isinstance(v := _get(doc, p), (int, float)) and not isinstance(v, bool)]
    if paths:
        path = draw(st.sampled_from(paths))
        _get(doc, path[:-1])[path[-1]] = draw(st.one_of(
            st.sampled_from(EXTREME_INTS), st.sampled_from(EXTREME_FLOATS), st.integers()))
    return json.dumps(doc, allow_nan=True).encode()


@st.composite
def random_documents(draw) -> bytes:
    """Documents with the session's keys (most of them) holding anything."""
    fields = st.sampled_from(["class_colors", "model", "history", "seed", "dataset", "extras",
                              "name", "created"])
    anything = st.one_of(json_values(), stored_arrays())
    doc = {"format": "nnplayground-session",
           "version": draw(st.sampled_from([1, 1, 1, 0, 2, "1", None, 10**30])),
           "points": draw(anything), "labels": draw(anything),
           "class_names": draw(st.one_of(st.lists(st.sampled_from(["a", "b", "", 1]), max_size=4),
                                         json_values()))}
    doc.update(draw(st.dictionaries(fields, anything, max_size=6)))
    return json.dumps(doc, allow_nan=True).encode()


# ----------------------------------------------------------------- session properties
@hang_guard
@PROPERTIES
@given(data=mutated_bytes())
def test_sessions_with_mutated_bytes_load_or_raise_session_error(folder, data):
    load_or_reject(folder, data)


@hang_guard
@PROPERTIES
@given(data=mutated_documents())
def test_sessions_with_mutated_values_load_or_raise_session_error(folder, data):
    load_or_reject(folder, data)


@hang_guard
@PROPERTIES
@given(data=one_number_changed())
def test_sessions_with_a_number_changed_load_or_raise_session_error(folder, data):
    load_or_reject(folder, data)


@hang_guard
@settings(PROPERTIES, max_examples=100)  # generating these is slow, and all are rejected
@given(data=random_documents())
def test_random_documents_load_or_raise_session_error(folder, data):
    load_or_reject(folder, data)


@st.composite
def sessions(draw) -> Session:
    """Valid sessions of random size within the limits, with a model or none."""
    n = draw(st.integers(0, 30))
    d = draw(st.integers(limits.MIN_POINT_DIMS, 4))
    k = draw(st.integers(1, 6))
    finite = st.floats(-limits.MAX_COORDINATE, limits.MAX_COORDINATE)
    X = np.array(draw(st.lists(st.lists(finite, min_size=d, max_size=d), min_size=n, max_size=n)),
                 dtype=np.float64).reshape(n, d)
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)), dtype=np.int64)
    s = Session(points=X, labels=y, class_names=[f"c{i}" for i in range(k)],
                seed=draw(st.integers(0, limits.SEED_MAX)))
    kind = draw(st.sampled_from([None, "perceptron", "mlp", "competitive"]))
    seed = draw(st.integers(0, limits.SEED_MAX))
    if kind == "perceptron":
        s.set_model(MODEL_CLASSES[kind](n_inputs=d, seed=seed))
    elif kind == "mlp":
        hidden = draw(st.lists(st.integers(1, 32), max_size=6))
        s.set_model(MODEL_CLASSES[kind](
            layer_sizes=[d, *hidden, k], seed=seed,
            batch_size=draw(st.one_of(st.none(), st.integers(1, limits.MAX_BATCH_SIZE))),
            learning_rate=draw(st.floats(limits.LEARNING_RATE.min, limits.LEARNING_RATE.max))))
    elif kind == "competitive":
        s.set_model(MODEL_CLASSES[kind](n_inputs=d, n_neurons=draw(st.integers(1, 10)), seed=seed))
    return s


@hang_guard
@PROPERTIES
@given(s=sessions())
def test_every_session_within_the_limits_round_trips(folder, s):
    back = load_session(save_session(s, folder / "valid.nnp"))
    assert back.points.tobytes() == s.points.tobytes() and back.points.shape == s.points.shape
    assert back.labels.tolist() == s.labels.tolist() and back.class_names == s.class_names
    assert (back.model is None) == (s.model is None)
    if back.model is not None:
        assert back.build_model().get_config() == s.build_model().get_config()


# ----------------------------------------------------------------- CSV properties
def check_points(result) -> None:
    X, y, names = result
    assert X.dtype == np.float64 and X.ndim == 2 and X.shape[1] in (2, 3)
    assert 0 < len(X) <= limits.MAX_POINTS and np.all(np.isfinite(X))
    assert y.dtype == np.int64 and y.shape == (len(X),)
    assert 0 < len(names) <= limits.MAX_CLASSES
    assert y.min() >= 0 and y.max() < len(names)
    assert all(isinstance(n, str) and len(n) <= limits.MAX_NAME_CHARS for n in names)


def read_or_reject(source) -> None:
    try:
        result = read_points_csv(source)
    except CSVFormatError:
        return
    check_points(result)


CSV_FIELDS = ["", " ", "0", "1", "-1", "99", "100", "1.0", "1.5", "1e8", "1e300", "-1e300",
              "1e400", "nan", "NaN", "inf", "-Infinity", "9223372036854775807",
              "9223372036854775808", "-9223372036854775809", "1" * 5000, "1_000", "0x10",
              "abc", "#x", '"', '"a,b"', "a;b", "\u0663", "\x00", "\u00e9"]
CSV_LINES = ["", "# comment", "# classes:", "# classes: a,b,c", "# classes: " + ",".join(
    f"c{i}" for i in range(101)), "x,y,label", "x,y,z,label", "1,2", "1,2,3,4,5", ",,", "a;b;c",
    '"unterminated,1,2']


@st.composite
def csv_exports(draw) -> str:
    """One of our own exports (names or integer labels, 2-D or 3-D)."""
    n = draw(st.integers(1, 12))
    d = draw(st.sampled_from([2, 3]))
    X = np.array(draw(st.lists(st.floats(allow_nan=False, allow_infinity=False),
                               min_size=n * d, max_size=n * d))).reshape(n, d)
    k = draw(st.integers(1, 5))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    buf = io.StringIO()
    names = [f"class {i}" for i in range(k)] if draw(st.booleans()) else None
    write_points_csv(buf, X, y, class_names=names)
    return buf.getvalue()


@st.composite
def mutated_csvs(draw) -> str:
    lines = draw(csv_exports()).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["field", "insert", "delete", "duplicate", "chars"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "field":
            fields = lines[i].split(",")
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.sampled_from(CSV_FIELDS))
            lines[i] = ",".join(fields)
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(CSV_LINES)))
        elif op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines[i:i] = [lines[i]] * draw(st.sampled_from([1, 2, 150]))
        else:
            text = lines[i]
            j = draw(st.integers(0, len(text)))
            lines[i] = text[:j] + draw(st.text(alphabet=st.sampled_from(
                '0123456789-+.eE,;#" \t\r\u00e9'), max_size=6)) + text[j + draw(st.integers(0, 3)):]
    return "\n".join(lines)


@hang_guard
@PROPERTIES
@given(text=mutated_csvs())
def test_mutated_csv_exports_load_or_raise_csv_format_error(text):
    read_or_reject(io.StringIO(text))


@hang_guard
@PROPERTIES
@given(text=st.text(alphabet=st.sampled_from(list('0123456789-+.eE,;#" \t\n\rnaifINFxyzbc_\x00\u00e9')),
                    max_size=300))
def test_random_csv_text_loads_or_raises_csv_format_error(text):
    read_or_reject(io.StringIO(text))


@hang_guard
@PROPERTIES
@given(data=st.one_of(st.binary(max_size=300), mutated_csvs().map(
    lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_csv_bytes_load_or_raise_csv_format_error(data):
    read_or_reject(io.BytesIO(data))


# ----------------------------------------------------------------- lesson properties
# Lesson files (core/lessons.py) have their own loader and their own one error,
# LessonError. The seeds are the packaged lessons; the same mutations apply, aimed at
# the fields a lesson reads (sizes of generated data, layer sizes, weights, epochs...).
LESSONS = Path(__file__).resolve().parents[2] / "nnplayground" / "resources" / "lessons"

LESSON_HOT_KEYS = {"id", "order", "steps", "setup", "data", "preset", "generator", "seed",
                   "noise", "params", "n", "n_points", "n_samples", "n_per_box",
                   "n_per_cluster", "centers", "centroids", "boxes", "n_features", "low",
                   "high", "points", "labels", "class_names", "model", "kind", "config",
                   "layer_sizes", "n_inputs", "n_neurons", "batch_size", "learning_rate",
                   "weights", "biases", "bias", "epochs", "test_share", "locked", "hidden",
                   "printout", "error_every", "constant_input", "column", "value", "view",
                   "axes", "digit_pad", "task"}


@functools.cache
def seed_lessons() -> tuple[bytes, ...]:
    """The packaged lesson files, as they are."""
    files = tuple(path.read_bytes() for path in sorted(LESSONS.glob("*.json")))
    assert files, f"no lesson files in {LESSONS}"
    return files


def load_or_reject_lesson(folder: Path, data: bytes) -> Lesson | None:
    """Load ``data`` as a lesson file: a Lesson or None for LessonError; any other
    exception fails the test. A loaded lesson builds the model of every step."""
    path = folder / "mutated-lesson.json"
    path.write_bytes(data)
    try:
        lesson = load_lesson_file(path)
    except LessonError:
        return None
    assert 1 <= len(lesson.steps) <= 50
    for i in range(len(lesson.steps)):
        setup = lesson.setup(i)
        assert setup.dataset.X.ndim == 2 and setup.epochs >= 0
        setup.build_model()
    return lesson


@st.composite
def mutated_lesson_bytes(draw) -> bytes:
    return _mutate(draw, seed_lessons())


def _lesson_hot_key(path: tuple) -> str | None:
    keys = [key for key in path[-2:] if isinstance(key, str) and key in LESSON_HOT_KEYS]
    return keys[-1] if keys else None


@st.composite
def mutated_lesson_documents(draw) -> bytes:
    """A packaged lesson with 1-3 of its values changed (types, numbers, shapes, deep
    nesting, lists multiplied), returned as the file's bytes."""
    doc = json.loads(draw(st.sampled_from(seed_lessons())))
    nests: list[tuple[str, int]] = []
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)[1:]
        if not paths:
            break
        hot: dict[str, list[tuple]] = {}
        for p in paths:
            if (key := _lesson_hot_key(p)) is not None:
                hot.setdefault(key, []).append(p)
        if hot and draw(st.integers(0, 2)):
            path = draw(st.sampled_from(hot[draw(st.sampled_from(sorted(hot)))]))
        else:
            path = draw(st.sampled_from(paths))
        parent, key = _get(doc, path[:-1]), path[-1]
        value = _get(doc, path)
        ops = ["replace", "nest", "delete", "multiply", "number", "wrap"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ops += ["number"] * 6
        elif isinstance(value, list):
            ops += ["multiply", "nest", "wrap"]
        op = draw(st.sampled_from(ops))
        if op == "replace":
            parent[key] = draw(json_values())
        elif op == "nest":
            marker = f"{MARK}{len(nests)}"
            nests.append((json.dumps(value, allow_nan=True), draw(st.sampled_from(
                [1, 2, 5, 31, 32, 33, 100, 500, 999, 1000, 3000]))))
            parent[key] = marker
        elif op == "delete":
            del parent[key]
        elif op == "multiply" and isinstance(value, list):
            value[:] = value * draw(st.sampled_from([2, 3, 51, 101, 300]))
        elif op == "wrap":  # a shape changed: one more or one fewer level of lists
            parent[key] = ([value] if not isinstance(value, list) or draw(st.booleans())
                           else (value[0] if value else None))
        elif op == "number":
            parent[key] = draw(st.one_of(st.sampled_from(EXTREME_INTS),
                                         st.sampled_from(EXTREME_FLOATS)))
    text = json.dumps(doc, allow_nan=True)
    for i, (inner, depth) in enumerate(nests):
        text = text.replace(json.dumps(f"{MARK}{i}"), "[" * depth + inner + "]" * depth)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def one_lesson_number_changed(draw) -> bytes:
    """A packaged lesson with one of its numbers (a seed, a size, a weight, the epochs...)
    replaced by an extreme one."""
    doc = json.loads(draw(st.sampled_from(seed_lessons())))
    paths = [p for p in _paths(doc)[1:]
             if isinstance(v := _get(doc, p), (int, float)) and not isinstance(v, bool)]
    if paths:
        path = draw(st.sampled_from(paths))
        _get(doc, path[:-1])[path[-1]] = draw(st.one_of(
            st.sampled_from(EXTREME_INTS), st.sampled_from(EXTREME_FLOATS), st.integers()))
    return json.dumps(doc, allow_nan=True).encode()


@st.composite
def random_lesson_documents(draw) -> bytes:
    """Documents with a lesson's keys holding anything, steps with setup fields holding
    anything."""
    anything = json_values()
    setup = draw(st.dictionaries(st.sampled_from(
        ["data", "model", "weights", "epochs", "test_share", "locked", "hidden", "printout",
         "constant_input", "view", "digit_pad", "other"]), anything, max_size=6))
    doc = {"id": draw(st.sampled_from(["xor", "a-b", "", "X", 1, None])),
           "title": draw(st.one_of(st.just("T"), anything)),
           "group": draw(st.one_of(st.just("G"), anything)),
           "order": draw(st.one_of(st.sampled_from(EXTREME_INTS), anything)),
           "summary": draw(st.one_of(st.just("S"), anything)),
           "steps": draw(st.one_of(st.just([{"text": "t", "setup": setup}]), anything))}
    for key in draw(st.lists(st.sampled_from(sorted(doc)), max_size=2)):
        doc.pop(key, None)
    return json.dumps(doc, allow_nan=True).encode()


@hang_guard
@settings(PROPERTIES, max_examples=150)
@given(data=mutated_lesson_bytes())
def test_lessons_with_mutated_bytes_load_or_raise_lesson_error(folder, data):
    load_or_reject_lesson(folder, data)


@hang_guard
@settings(PROPERTIES, max_examples=150)
@given(data=mutated_lesson_documents())
def test_lessons_with_mutated_values_load_or_raise_lesson_error(folder, data):
    load_or_reject_lesson(folder, data)


@hang_guard
@settings(PROPERTIES, max_examples=150)
@given(data=one_lesson_number_changed())
def test_lessons_with_a_number_changed_load_or_raise_lesson_error(folder, data):
    load_or_reject_lesson(folder, data)


@hang_guard
@settings(PROPERTIES, max_examples=100)
@given(data=random_lesson_documents())
def test_random_lesson_documents_load_or_raise_lesson_error(folder, data):
    load_or_reject_lesson(folder, data)


@hang_guard
@settings(PROPERTIES, max_examples=100)
@given(data=st.binary(max_size=300))
def test_random_bytes_as_a_lesson_load_or_raise_lesson_error(folder, data):
    load_or_reject_lesson(folder, data)


def _lesson_with(change) -> bytes:
    doc = json.loads(LESSONS.joinpath("and-or.json").read_bytes())
    change(doc["steps"][0]["setup"])
    return json.dumps(doc).encode()


@pytest.mark.parametrize("change", [
    # Found by the properties above: each escaped as TypeError or OverflowError.
    pytest.param(lambda s: s["data"].update(preset=["OR"]), id="preset-a-list"),
    pytest.param(lambda s: [s.pop(k, None) for k in ("data", "model", "weights")] and s.update(
        digit_pad={"task": {}}), id="task-a-table"),
    pytest.param(lambda s: s["model"]["config"].update(learning_rate=10**400), id="huge-int-setting"),
    pytest.param(lambda s: s["weights"].update(bias=10**400), id="huge-int-weight"),
    pytest.param(lambda s: s.update(test_share=-(10**400)), id="huge-int-share"),
])
def test_lesson_values_found_by_the_properties_raise_lesson_error(folder, change):
    with pytest.raises(LessonError):
        load_lesson_file(_write(folder, _lesson_with(change)))


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "found.json"
    path.write_bytes(data)
    return path
