"""Session files: exact round trips, atomic saves, and a clear error for every bad file."""

from __future__ import annotations

import base64
import json
import os
import tracemalloc

import numpy as np
import pytest

from nnplayground.core import limits
from nnplayground.core import session as session_mod
from nnplayground.core.base import Model, ModelError
from nnplayground.core.registry import MODEL_CLASSES, register_model, unregister_model
from nnplayground.core.session import Session, SessionError, load_session, save_session

TRICKY = np.array([[-0.0, 5e-324], [1e9, -999999999.9999999], [2.2250738585072014e-308, 0.1],
                   [np.pi, -2.5e-320]])


class Line(Model):
    """One weight w; enough of a model to be stored."""

    kind = "test_line"

    def __init__(self, learning_rate: float = 0.1, seed: int = 0) -> None:
        super().__init__(seed)
        self.learning_rate = float(learning_rate)
        self._initialize()

    def _initialize(self) -> None:
        self.w = np.array([0.5])
        self.bias = 0.25

    def partial_fit(self, X, y=None):
        self.epoch += 1
        return 0.0

    def predict(self, X):
        return np.asarray(X, float)[:, 0] * self.w[0] + self.bias

    def error(self, X, y=None):
        return 0.0

    def get_config(self):
        return {"learning_rate": self.learning_rate, "seed": self.seed}

    def get_state(self):
        return {"w": self.w.copy(), "bias": self.bias}

    def set_state(self, state):
        w = np.array(state["w"], dtype=float)
        if w.shape != (1,):
            raise ModelError(f"w must have shape (1,), got {w.shape}")
        self.w, self.bias = w, float(state["bias"])


@pytest.fixture(autouse=True)
def line_kind():
    register_model(Line)
    yield
    unregister_model(Line.kind)


def make_session() -> Session:
    model = Line(learning_rate=0.5, seed=3)
    model.w = np.array([-0.0])
    model.bias = 1e-310
    model.epoch = 4
    s = Session(
        points=TRICKY.copy(), labels=np.array([0, 1, 1, 0]), class_names=["Äpfel", "Birnen"],
        class_colors=["#E69F00", "#56B4E9"],
        dataset={"name": "custom", "seed": 11, "noise": 0.25, "test_ratio": 0.2},
        seed=42, name="Stunde 3 – XOR",
        history={"train": [0.5, 0.25, 1e-300, 0.0], "test": [np.nan, 0.3, np.nan, -0.0]},
        extras={"view": {"range": [-6.0, 6.0]}, "grid": np.arange(6, dtype=np.int32).reshape(2, 3),
                "mask": np.array([True, False]), "tab": "error", "n": 3, "on": True, "none": None},
    )
    s.set_model(model)
    return s


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_round_trip_is_bit_for_bit(tmp_path):
    s = make_session()
    path = save_session(s, tmp_path / "lesson.nnp")
    back = load_session(path)
    assert same(back.points, s.points) and np.array_equal(back.points, TRICKY)
    assert np.signbit(back.points[0, 0]) and back.points[0, 1] == 5e-324
    assert same(back.labels, s.labels) and back.labels.dtype == np.int64
    for key in ("train", "test"):
        assert same(back.history[key], s.history[key])
    assert back.class_names == ["Äpfel", "Birnen"] and back.class_colors == s.class_colors
    assert back.dataset == s.dataset and back.seed == 42 and back.name == s.name
    assert back.created == s.created and back.modified == s.modified and s.modified is not None
    assert same(back.extras["grid"], s.extras["grid"]) and same(back.extras["mask"], s.extras["mask"])
    assert back.extras["view"] == {"range": [-6.0, 6.0]} and back.extras["tab"] == "error"
    assert (back.extras["n"], back.extras["on"], back.extras["none"]) == (3, True, None)
    assert back.model["kind"] == "test_line" and back.model["epoch"] == 4
    assert same(back.model["state"]["w"], np.array([-0.0])) and back.model["state"]["bias"] == 1e-310
    model = back.build_model()
    assert isinstance(model, Line) and model.epoch == 4 and model.learning_rate == 0.5
    # A second save of what was loaded writes the same document.
    save_session(back, tmp_path / "again.nnp", touch=False)
    assert (tmp_path / "again.nnp").read_bytes() == path.read_bytes()


def test_file_layout(tmp_path):
    path = save_session(make_session(), tmp_path / "lesson.nnp")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "nnplayground-session" and doc["version"] == 1
    assert "Äpfel" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    pts = doc["points"]
    assert pts["dtype"] == "float64" and pts["shape"] == [4, 2]
    assert base64.b64decode(pts["data"]) == TRICKY.astype("<f8").tobytes()
    assert doc["labels"]["dtype"] == "int64"


def test_empty_session_round_trips(tmp_path):
    back = load_session(save_session(Session(), tmp_path / "empty.nnp"))
    assert back.points.shape == (0, 2) and back.labels.shape == (0,) and back.model is None


def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = save_session(make_session(), tmp_path / "lesson.nnp")
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_mod.os, "fsync", disk_full)
    changed = make_session()
    changed.name = "changed"
    with pytest.raises(SessionError, match="could not be saved.*No space left"):
        save_session(changed, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.nnp"]  # no temp file left


def test_an_unsaveable_session_never_touches_the_file(tmp_path):
    path = save_session(make_session(), tmp_path / "lesson.nnp")
    before = path.read_bytes()
    bad = make_session()
    bad.points[0, 0] = np.nan
    with pytest.raises(SessionError, match="NaN or infinite"):
        save_session(bad, path)
    bad = make_session()
    bad.extras["f"] = float("inf")
    with pytest.raises(SessionError, match="extras.f is inf"):
        save_session(bad, path)
    assert path.read_bytes() == before


# ------------------------------------------------------------------ bad files
@pytest.fixture
def good_doc(tmp_path):
    path = save_session(make_session(), tmp_path / "good.nnp")
    return json.loads(path.read_text(encoding="utf-8"))


def arr(a: np.ndarray) -> dict:
    return session_mod._encode_array(np.asarray(a))


def load_doc(tmp_path, doc) -> Session:
    path = tmp_path / "bad.nnp"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return load_session(path)


def test_truncated_file(tmp_path):
    text = (tmp_path / "t.nnp")
    full = json.dumps(session_mod.session_to_dict(make_session()), indent=1)
    text.write_text(full[: len(full) // 2], encoding="utf-8")
    with pytest.raises(SessionError) as info:
        load_session(text)
    assert str(info.value) == 'The file "t.nnp" is incomplete or damaged (it ends unexpectedly).'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", 'The file "bad.nnp" is empty'),
        (b"hello world", 'The file "bad.nnp" is not an nnplayground session.'),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "is not an nnplayground session (it is not text)"),
        (b"[1, 2, 3]", "is not an nnplayground session."),
        (b'{"format": "something-else", "version": 1}', "is not an nnplayground session."),
        (b'{"version": 1}', "is not an nnplayground session."),
        (b'{"format": "nnplayground-session", "version": 1,, "x": 1}', "is damaged (unreadable at line 1, column 49)"),
        (b'{"format": "nnplayground-session", "version": 2}',
         'The file "bad.nnp" was saved by a newer version of nnplayground (format 2); '
         "this nnplayground reads format 1."),
        (b'{"format": "nnplayground-session", "version": "1"}', "format version '1' is not valid"),
        (b'{"format": "nnplayground-session", "version": 0}', "format version 0 is not valid"),
        (b'{"format": "nnplayground-session", "version": 1}', "it has no points"),
        (b'{"format": "nnplayground-session", "version": 1, "seed": NaN}', "value NaN is not allowed"),
        (b'{"format": "nnplayground-session", "version": 1, "seed": 1e999}', "number 1e999 is too large"),
    ],
)
def test_not_a_session(tmp_path, content, message):
    path = tmp_path / "bad.nnp"
    path.write_bytes(content)
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_file(tmp_path):
    with pytest.raises(SessionError, match='"nope.nnp" could not be opened'):
        load_session(tmp_path / "nope.nnp")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(labels=arr(np.array([0, 1, 1]))), "4 points but 3 labels"),
        (lambda d: d.update(points=arr(np.zeros(8))), "the points should have 2 dimension"),
        (lambda d: d.update(points=arr(np.array([[0.0, np.nan]] * 4))), "NaN or infinite values in the points"),
        (lambda d: d.update(points=arr(np.array([[0.0, -np.inf]] * 4))), "NaN or infinite values in the points"),
        (lambda d: d.update(points=arr(np.zeros((4, 2), dtype=np.int64))), "the points should be float64 numbers, not int64"),
        (lambda d: d.update(labels=arr(np.array([0.0, 1, 1, 0]))), "the labels should be int64"),
        (lambda d: d["points"].update(dtype="object"), "unsupported number type 'object'"),
        (lambda d: d["points"].update(dtype="<f8"), "unsupported number type '<f8'"),
        (lambda d: d["points"].update(data="gASVCgAAAAAAAACMBnBvc2l4lC4="), "should hold 8 numbers"),
        (lambda d: d["points"].update(data="not base64!"), "not valid base64"),
        (lambda d: d["points"].update(shape=[4, -2]), "invalid shape"),
        (lambda d: d["points"].update(pickle="x"), "the points is not a stored array"),
        (lambda d: d.update(labels=arr(np.array([0, 1, 2, 0]))), "label 2 but there are only 2 classes"),
        (lambda d: d.update(labels=arr(np.array([0, -1, 1, 0]))), "label -1 but there are only 2 classes"),
        (lambda d: d.update(class_names="ab"), "class names are not a list"),
        (lambda d: d.update(class_colors=["#000000"]), "2 classes but the colour list"),
        (lambda d: d["model"].update(kind="hopfield"), "model of kind 'hopfield', which this version"),
        (lambda d: d["model"]["state"].update(w=arr(np.zeros(2))), r"w has shape \(2,\) but its settings need \(1,\)"),
        (lambda d: d["model"]["state"].update(w=arr(np.array([np.nan]))), "NaN or infinite"),
        (lambda d: d["model"]["state"].pop("bias"), "lacks the entries: bias"),
        (lambda d: d["model"]["config"].update(momentum=0.9), "settings of the test_line model are not valid"),
        (lambda d: d["model"].update(epoch=-3), "whole number >= 0"),
        (lambda d: d["model"].pop("state"), "model entry lacks kind, config or state"),
        (lambda d: d["history"].update(train=arr(np.array([0.1, np.nan, 0.2, 0.3]))), "training error history contains NaN"),
        (lambda d: d["history"].update(test=arr(np.array([0.1, np.inf, 0.2, 0.3]))), "test error history contains infinite"),
        (lambda d: d["history"].update(test=arr(np.zeros(3))), "one training and one test error per epoch"),
        (lambda d: d.update(seed="42"), "seed must be a whole number"),
        (lambda d: d.update(extras=[1, 2]), "extras entry is not a table"),
        (lambda d: d["extras"].update(grid={"dtype": "int32", "shape": [2], "data": "AAAA"}), "should hold 2 numbers"),
    ],
)
def test_bad_content(tmp_path, good_doc, change, message):
    load_doc(tmp_path, good_doc)  # the unchanged document loads
    change(good_doc)
    with pytest.raises(SessionError, match=message) as info:
        load_doc(tmp_path, good_doc)
    assert str(info.value).startswith('The file "bad.nnp" ')


REAL = {
    "perceptron": {},
    "mlp": {"layer_sizes": [2, 5, 3], "optimizer": "adam"},
    "competitive": {"n_neurons": 4},
    "autoencoder": {"layer_sizes": [2, 6, 2, 6, 2]},
}


@pytest.mark.parametrize("kind", sorted(REAL))
def test_round_trip_with_each_real_model(tmp_path, kind):
    pytest.importorskip(f"nnplayground.core.{kind}")
    rng = np.random.default_rng(8)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > X[:, 1]).astype(np.int64) + (X[:, 0] > 1)
    model = MODEL_CLASSES[kind](seed=2, **REAL[kind])
    target = (y > 0).astype(np.int64) if kind == "perceptron" else y
    model.fit(X, None if model.unsupervised else target, epochs=4)
    s = Session(points=X, labels=y, class_names=["a", "b", "c"])
    s.set_model(model)
    back = load_session(save_session(s, tmp_path / f"{kind}.nnp")).build_model()
    assert type(back) is type(model) and back.epoch == 4
    assert back.get_config() == model.get_config()
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    flat = lambda st: [np.asarray(a) for v in st.values() if v is not None  # noqa: E731
                       for a in (v if isinstance(v, list) else [v])]
    for a, b in zip(flat(model.get_state()), flat(back.get_state()), strict=True):
        assert same(a, b)


def test_real_model_weights_must_match_its_settings(tmp_path):
    pytest.importorskip("nnplayground.core.mlp")
    s = Session()
    s.set_model(MODEL_CLASSES["mlp"](layer_sizes=[2, 3, 1]))
    doc = session_mod.session_to_dict(s)
    doc["model"]["config"]["layer_sizes"] = [2, 4, 1]
    with pytest.raises(SessionError, match='"bad.nnp" cannot be used: The model cannot be rebuilt'):
        load_doc(tmp_path, doc)


def test_saving_creates_readable_permissions(tmp_path):
    path = save_session(Session(), tmp_path / "p.nnp")
    assert os.stat(path).st_mode & 0o644 == 0o644


def test_history_without_test_errors_means_no_test_set(tmp_path, good_doc):
    s = Session(history={"train": [0.5, 0.25]})
    assert s.history["test"].shape == (2,) and np.isnan(s.history["test"]).all()
    del good_doc["history"]["test"]
    back = load_doc(tmp_path, good_doc)
    assert back.history["train"].shape == (4,) and np.isnan(back.history["test"]).all()


# ------------------------------------------------------------- limits (issue 13)
# A file either loads or raises SessionError, quickly, whatever it declares; every
# limit is checked before anything is decoded, built or allocated (core/limits.py).
# The measured cases took 24 s and 6.7 GiB before the limits. No test here times the
# loader (shared machines are slow at random): a hang guard stops one that runs away,
# and ``rejected`` bounds what the loader allocated on its way to the error.
hang_guard = pytest.mark.timeout(60)
#: Allocation allowed for rejecting a file: the loader's read buffer (it reads at most
#: ``limits.MAX_SESSION_BYTES`` + 1 bytes in one call), some working room, and a little
#: per byte of the file (it is parsed whole), never anything in proportion to what the
#: file declares (a million classes, 30000 x 30000 weights, 10**30 epochs).
REJECT_BASE_BYTES = limits.MAX_SESSION_BYTES + 16 * 2**20
REJECT_BYTES_PER_FILE_BYTE = 4


def rejected(tmp_path, doc_or_text, match: str) -> SessionError:
    path = tmp_path / "bad.nnp"
    if isinstance(doc_or_text, bytes):
        path.write_bytes(doc_or_text)
    else:
        path.write_text(doc_or_text if isinstance(doc_or_text, str) else json.dumps(doc_or_text),
                        encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(SessionError, match=match) as info:
            load_session(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    bound = REJECT_BASE_BYTES + REJECT_BYTES_PER_FILE_BYTE * path.stat().st_size
    assert peak < bound, f"rejecting a {path.stat().st_size:,}-byte file allocated {peak:,} bytes"
    assert str(info.value).startswith('The file "bad.nnp" ')
    return info.value


def mlp_doc(**config) -> dict:
    """A saved session holding a real MLP, its config then changed by ``config``."""
    s = Session(points=np.zeros((2, 2)), labels=np.array([0, 1]), class_names=["a", "b"])
    s.set_model(MODEL_CLASSES["mlp"](layer_sizes=[2, 3, 1]))
    doc = session_mod.session_to_dict(s)
    doc["model"]["config"].update(config)
    return doc


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@hang_guard
@pytest.mark.parametrize("depth", [33, 500, 999, 5000])
@pytest.mark.parametrize("where", ["extras", "dataset", "config"])
def test_deep_nesting_is_rejected(tmp_path, good_doc, depth, where):
    marker = "__deep__"
    (good_doc["model"]["config"] if where == "config" else good_doc[where])["deep"] = marker
    text = json.dumps(good_doc).replace(f'"{marker}"', nested(depth))
    rejected(tmp_path, text, "nests deeper than 32 levels")


def test_nesting_within_the_limit_loads(tmp_path, good_doc):
    good_doc["extras"]["deep"] = "__deep__"
    text = json.dumps(good_doc).replace('"__deep__"', nested(limits.MAX_JSON_DEPTH - 3))
    path = tmp_path / "ok.nnp"
    path.write_text(text, encoding="utf-8")
    assert load_session(path).extras["deep"] == json.loads(nested(limits.MAX_JSON_DEPTH - 3))


@hang_guard
@pytest.mark.parametrize("ndim", [5, 65, 100, 10_000])
def test_arrays_with_too_many_dimensions(tmp_path, good_doc, ndim):
    good_doc["extras"]["a"] = {"dtype": "float64", "shape": [1] * ndim, "data": "AAAAAAAAAAA="}
    rejected(tmp_path, good_doc, f"has {ndim} dimensions; at most 4 are allowed")


@hang_guard
@pytest.mark.parametrize(("shape", "message"), [
    ([10**6, 10**6], "more than the 8,000,000 numbers"),
    ([0, 10**30], "more than the 8,000,000 numbers"),
    ([2**63, 2**63, 0], "more than the 8,000,000 numbers"),
    # Every axis within the limit, no numbers at all: NumPy still refuses the shape.
    ([0, 8_000_000, 8_000_000, 8_000_000], "more than the 8,000,000 numbers"),
    ([8_000_000, 0, 2], "more than the 8,000,000 numbers"),
    ([3], "should hold 3 numbers of shape"),
])
def test_declared_size_is_checked_against_the_data_before_decoding(tmp_path, good_doc, shape, message):
    good_doc["extras"]["a"] = {"dtype": "float64", "shape": shape, "data": "AAAAAAAAAAA="}
    rejected(tmp_path, good_doc, message)


@hang_guard
def test_too_many_points_or_epochs_are_refused_from_their_declared_shape(tmp_path, good_doc):
    good_doc["points"]["shape"] = [limits.MAX_POINTS + 1, 2]
    rejected(tmp_path, good_doc, "the points declares 100,001 along axis 0; at most 100,000")
    good_doc["points"]["shape"] = [4, limits.MAX_POINT_DIMS + 1]
    rejected(tmp_path, good_doc, "along axis 1; at most 256")


def test_points_the_canvas_cannot_draw_are_refused(tmp_path, good_doc):
    """One coordinate (the canvas draws two) and coordinates of 1e300 opened, then failed
    half-way through the window's showing them: new points, the old classes and curve."""
    good_doc["points"] = arr(np.array([[0.5], [1.5], [2.5], [3.5]]))
    rejected(tmp_path, good_doc, r"shape \(4, 1\); at most 100,000 points of 2 to 256 "
                                 r"coordinates are allowed")
    good_doc["points"] = arr(np.array([[0.0, 1e300], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]))
    rejected(tmp_path, good_doc, "coordinates beyond ±1e\\+09, the largest the canvas draws")
    good_doc["points"] = arr(np.array([[0.0, -1e9], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]))
    assert load_doc(tmp_path, good_doc).points[0, 1] == -1e9
    doc = mlp_doc()
    doc["history"]["train"]["shape"] = [limits.MAX_HISTORY + 1]
    rejected(tmp_path, doc, "2,000,001 along axis 0; at most 2,000,000")


@hang_guard
def test_layer_sizes_from_the_issue_are_rejected_before_allocating(tmp_path):
    # Before: 24.7 s and 6.7 GiB, then MemoryError.
    rejected(tmp_path, mlp_doc(layer_sizes=[2, 30000, 30000, 1]),
             "number of neurons in a layer must be from 1 to 256, not 30000")


@hang_guard
@pytest.mark.parametrize(("sizes", "message"), [
    ([2] + [4] * 11 + [1], "The model has 13 layers; from 2 to 12"),
    ([256, 256, 256, 256, 256], "need 262,144 weights; at most 200,000"),
    ([2, 0, 1], "must be from 1 to 256, not 0"),
    ([2, 257, 1], "not 257"),
    ([2, 10**30, 1], "not 1000000000000000000000000000000"),
    ([2, True, 1], "must be a whole number, not True"),
    ([2, 4.5, 1], "must be a whole number, not 4.5"),
])
def test_layer_limits(tmp_path, sizes, message):
    rejected(tmp_path, mlp_doc(layer_sizes=sizes), message)


@pytest.mark.parametrize("sizes", [[3, 32, 32, 32, 32, 32, 32, 10], [20, 16, 10], [20, 20, 1],
                                   [2, 8, 8, 8, 8, 8, 8, 1]])
def test_every_network_the_panel_lessons_and_digit_pad_build_loads(tmp_path, sizes):
    model = MODEL_CLASSES["mlp"](layer_sizes=sizes, batch_size=limits.MAX_BATCH_SIZE,
                                 seed=limits.SEED_MAX, learning_rate=limits.LEARNING_RATE.max)
    s = Session(points=np.zeros((1, sizes[0])), labels=np.array([0]), class_names=["a"],
                seed=limits.SEED_MAX, dataset={"seed": limits.SEED_MAX, "split_seed": 0})
    s.set_model(model)
    back = load_session(save_session(s, tmp_path / "ok.nnp"))
    assert back.build_model().layer_sizes == sizes


@hang_guard
def test_a_million_class_names_are_rejected_within_the_memory_bound(tmp_path, good_doc):
    good_doc["class_names"] = [str(i) for i in range(1_000_000)]
    rejected(tmp_path, good_doc, "it has 1,000,000 classes; at most 100 are allowed")


def test_the_class_limit_is_exact(tmp_path):
    names = [f"c{i}" for i in range(limits.MAX_CLASSES)]
    s = Session(points=np.zeros((1, 2)), labels=np.array([99]), class_names=names)
    assert load_session(save_session(s, tmp_path / "ok.nnp")).class_names == names
    s.class_names = names + ["one more"]
    with pytest.raises(SessionError, match="101 classes; at most 100"):  # never written
        save_session(s, tmp_path / "no.nnp")
    assert not (tmp_path / "no.nnp").exists()


@hang_guard
@pytest.mark.parametrize("value", [2**31, -1, 10**30, -(10**30),
                                   pytest.param(10**4000, id="4001-digits"), 1.5, True, None])
@pytest.mark.parametrize("where", ["seed", "model seed", "data seed", "split seed"])
def test_seeds_must_fit_the_seed_box(tmp_path, value, where):
    doc = mlp_doc()
    if where == "seed":
        doc["seed"] = value
    elif where == "model seed":
        doc["model"]["config"]["seed"] = value
    else:
        doc["dataset"]["split_seed" if where == "split seed" else "seed"] = value
        if value is None:
            return  # a data seed may be absent
    rejected(tmp_path, doc, "seed must be (a whole number|from 0 to 2,147,483,647)")


@hang_guard
@pytest.mark.parametrize(("batch", "message"), [
    (257, "batch size must be from 1 to 256, not 257"),
    (0, "batch size must be from 1 to 256, not 0"),
    (10**30, "from 1 to 256, not 1000000000000000000000000000000"),
    pytest.param(10**4000, "not a number of about 4000 digits", id="4001-digits"),
    (2.0, "batch size must be a whole number, not 2.0"),
    ("10", "whole number, not '10'"),
])
def test_batch_size_must_fit_the_panel(tmp_path, batch, message):
    rejected(tmp_path, mlp_doc(batch_size=batch), message)


@hang_guard
@pytest.mark.parametrize(("config", "message"), [
    ({"learning_rate": 1e-9}, "learning rate must be from 0.00000001 to 100, not 1e-09"),
    ({"learning_rate": 101}, "learning rate must be from 0.00000001 to 100"),
    ({"learning_rate": 10**400}, "setting learning_rate is too large"),
    ({"learning_rate": -1e308}, "learning rate must be from"),
    ({"l2": 10**400}, "setting l2 is too large"),
    ({"l2": 2.0}, "l2 must be from 0 to 1"),
])
def test_numbers_in_the_model_settings_must_be_in_range(tmp_path, config, message):
    rejected(tmp_path, mlp_doc(**config), message)


@hang_guard
def test_other_models_numbers_are_checked_too(tmp_path):
    s = Session()
    s.set_model(MODEL_CLASSES["competitive"](n_neurons=3))
    doc = session_mod.session_to_dict(s)
    doc["model"]["config"]["n_neurons"] = 10**9
    rejected(tmp_path, doc, "number of neurons must be from 1 to 256, not 1000000000")
    doc["model"]["config"].update(n_neurons=3, n_inputs=-2)
    rejected(tmp_path, doc, "number of inputs must be from 1 to 256, not -2")
    doc["model"]["config"].update(n_inputs=2)
    doc["model"]["epoch"] = 2**60
    rejected(tmp_path, doc, "epoch 1152921504606846976 is more than")


@hang_guard
def test_huge_numbers_in_the_text_are_rejected(tmp_path):
    text = json.dumps(mlp_doc()).replace('"seed": 0', '"seed": 1' + "0" * 5000, 1)
    rejected(tmp_path, text, "is damaged: Exceeds the limit")


@hang_guard
def test_files_larger_than_any_session_are_not_read(tmp_path, good_doc, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SESSION_BYTES", 2000)
    good_doc["extras"]["padding"] = "x" * 2000
    rejected(tmp_path, good_doc, "is larger than 0 MB, more than any nnplayground session")


@hang_guard
def test_documents_with_millions_of_values_are_refused_before_parsing(tmp_path, good_doc):
    good_doc["extras"]["many"] = "__many__"
    many = "[" + ",".join(["[]"] * limits.MAX_JSON_VALUES) + "]"
    rejected(tmp_path, json.dumps(good_doc).replace('"__many__"', many),
             r"holds about [\d,]+ values, more than the 2,000,000")


@hang_guard
def test_names_are_bounded(tmp_path, good_doc):
    good_doc["name"] = "x" * (limits.MAX_NAME_CHARS + 1)
    rejected(tmp_path, good_doc, "A name is longer than 1,000 characters")


def test_half_a_surrogate_pair_is_refused_at_open_and_a_whole_one_opens(tmp_path, good_doc):
    """JSON may write half of a surrogate pair ("\\ud800"): it parsed into a class name no
    UTF-8 file can hold, so the opened session could never be saved or autosaved."""
    for where in ("class_names", "name", "extras"):
        doc = json.loads(json.dumps(good_doc))
        if where == "class_names":
            doc["class_names"][0] = "\ud800"
        elif where == "name":
            doc["name"] = "lesson \udfff"
        else:
            doc["extras"]["note"] = {"\ud83d": 1}  # a key
        rejected(tmp_path, json.dumps(doc), "is damaged: it holds text that is not Unicode")
    good_doc["class_names"][0] = "\U0001F600 smile"  # a pair: json.dumps writes it escaped
    text = json.dumps(good_doc)
    assert "\\ud83d\\ude00" in text
    assert load_doc_text(tmp_path, text).class_names[0] == "\U0001F600 smile"


def load_doc_text(tmp_path, text: str) -> Session:
    path = tmp_path / "pair.nnp"
    path.write_text(text, encoding="utf-8")
    return load_session(path)


def test_a_session_holding_half_a_surrogate_pair_is_not_saved(tmp_path):
    path = tmp_path / "s.nnp"
    save_session(make_session(), path)
    before = path.read_bytes()
    session = make_session()
    session.class_names[0] = "\ud800"  # only code can make one: files refuse it
    with pytest.raises(SessionError,
                       match=r"text that is not Unicode \('\\ud800'\); nothing was saved"):
        save_session(session, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.nnp"]  # no temporary file left


def test_a_file_that_would_not_open_again_is_not_written(tmp_path, monkeypatch):
    """1.9 million epochs of errors and a timeline made a 65.9 MB file that Save reported
    saved and Open then refused (the limit is 64 MB). Here the limit is 4 KB."""
    path = tmp_path / "s.nnp"
    save_session(make_session(), path)
    before = path.read_bytes()
    monkeypatch.setattr(limits, "MAX_SESSION_BYTES", 4096)
    big = make_session()
    big.history = {"train": np.linspace(1.0, 0.0, 400), "test": np.full(400, np.nan)}
    for compact in (False, True):
        with pytest.raises(session_mod.SessionTooLarge,
                           match=r"would take \d+\.\d KB, more than the 4\.0 KB a session "):
            save_session(big, path, compact=compact)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["s.nnp"]
    save_session(make_session(), path, compact=True)  # within the limit: written, opens
    assert len(load_session(path).points) == 4


def test_a_whole_surrogate_pair_written_as_escapes_opens(tmp_path, good_doc):
    """The check for half pairs looks only where an escape could make one."""
    good_doc["name"] = "caf\u00e9 \U0001F600"
    text = json.dumps(good_doc, ensure_ascii=True)  # "\\ud83d\\ude00" in the file
    assert load_doc_text(tmp_path, text).name == "caf\u00e9 \U0001F600"


def test_a_session_too_large_with_its_timeline_is_saved_without_it(tmp_path, monkeypatch):
    """save_session_fitting: the timeline gives way to the work; the session object keeps
    it (a lesson's kept work is written by the autosave again and again)."""
    s = make_session()
    whole = tmp_path / "whole.nnp"
    assert session_mod.save_session_fitting(s, whole)
    s.extras["recording"] = {"epochs": np.arange(5000, dtype=np.int64)}
    monkeypatch.setattr(limits, "MAX_SESSION_BYTES", whole.stat().st_size + 2000)
    path = tmp_path / "fitting.nnp"
    assert not session_mod.save_session_fitting(s, path, compact=True)
    assert "recording" not in load_session(path).extras
    assert "recording" in s.extras and s.modified is not None
    del s.extras["recording"]
    s.extras["padding"] = "x" * 10000  # too large without a timeline: refused as before
    with pytest.raises(session_mod.SessionTooLarge):
        session_mod.save_session_fitting(s, tmp_path / "refused.nnp")
    assert not (tmp_path / "refused.nnp").exists()
