"""Session files (``.nnp``): everything needed to pick a lesson up where it was left.

A session file is UTF-8 JSON::

    {"format": "nnplayground-session", "version": 1,
     "name", "created", "modified", "seed", "class_names", "class_colors",
     "dataset", "points", "labels", "model", "history", "extras"}

Every NumPy array is stored as ``{"dtype": "float64", "shape": [n, d], "data": <base64
of the little-endian bytes>}`` (``jsonarrays``), so saving then loading gives back
bit-for-bit the same numbers (-0.0, subnormals and the largest doubles included). Only
the dtypes in ``jsonarrays.DTYPES`` are accepted. Nothing in a file is ever executed: it
is read with ``json`` (no pickle, no eval) and every field is checked before use.

Where NaN is allowed
--------------------
Only in ``history["test"]``, where NaN means "there was no test set at that epoch".
Points, the model's weights and ``history["train"]`` must be finite (the training loop
never records a diverged epoch), and infinity is never allowed. Plain JSON numbers
(settings, extras) must be finite too.

Every problem with a file, on loading or saving, raises ``SessionError`` (a
``ValueError``) whose message names the file and says what is wrong in plain words.

Bounded whatever the input
--------------------------
``load_session`` either returns a session or raises ``SessionError``, never another
exception, in bounded time and memory: it reads at most ``MAX_SESSION_BYTES``, counts
brackets and commas before parsing, checks the nesting depth without recursion, and
compares every declared size (array shapes, class count, points, layer sizes, weights)
and every number a widget must show (seeds, batch size, learning rate) with
``core/limits.py`` before anything is decoded, built or allocated. Values out of range
are rejected, never clamped. ``validate`` (and so ``save_session``) applies the same
limits, so a file this module writes always opens again.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from . import limits
from .base import Model
from .jsonarrays import (
    ArrayCodecError,
    decode_array,
    decode_value,
    encode_array,
    encode_value,
    loads_strict,
    nesting_depth,
)
from .limits import shown
from .registry import MODEL_CLASSES, model_from_dict, model_to_dict
from .session_checks import BUILD_ERRORS, SessionError, check_model_limits, validate_session

FORMAT = "nnplayground-session"
VERSION = 1
SUFFIX = ".nnp"


def _empty_history() -> dict[str, np.ndarray]:
    return {"train": np.zeros(0), "test": np.zeros(0)}


@dataclass(eq=False)
class Session:
    """One saved lesson.

    points        float64 (n, d)
    labels        int64 (n,), each in range(len(class_names))
    class_names   list of n_classes str
    class_colors  None or a list of n_classes colour strings ("#rrggbb")
    dataset       JSON-able settings of the data (name, seed, noise, test_ratio, ...)
    model         ``model_to_dict(model)`` or None (no model trained yet)
    seed          the session's seed (int)
    history       {"train": float64 (e,), "test": float64 (e,)}: error per epoch;
                  test is NaN at epochs without a test set
    name          shown in the window title
    extras        JSON-able UI state (view ranges, selected tab, ...); arrays allowed
    created, modified  ISO 8601 UTC strings or None
    """

    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    class_names: list[str] = field(default_factory=list)
    class_colors: list[str] | None = None
    dataset: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] | None = None
    seed: int = 0
    history: dict[str, np.ndarray] = field(default_factory=_empty_history)
    name: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    created: str | None = None
    modified: str | None = None

    def __post_init__(self) -> None:
        # Lenient on construction (lists are fine), strict in validate().
        points = np.asarray(self.points, dtype=np.float64)
        if points.ndim == 1 and points.size == 0:
            points = points.reshape(0, 2)
        self.points = points
        labels = np.asarray(self.labels)
        if labels.dtype != np.int64:
            converted = labels.astype(np.int64)
            if labels.size and not np.array_equal(converted, labels):
                raise SessionError("Labels must be whole numbers (class indices).")
            labels = converted
        self.labels = labels
        self.class_names = list(self.class_names)
        if self.class_colors is not None:
            self.class_colors = list(self.class_colors)
        train = np.asarray(self.history.get("train", np.zeros(0)), dtype=np.float64)
        # A history without test errors means there was no test set: NaN at every epoch.
        test = self.history.get("test")
        test = np.full(train.shape, np.nan) if test is None else np.asarray(test, np.float64)
        self.history = {"train": train, "test": test}

    # ------------------------------------------------------------------ helpers
    def set_model(self, model: Model | None) -> None:
        """Store ``model`` (its kind, settings, weights and epoch), or None."""
        self.model = None if model is None else model_to_dict(model)

    def build_model(self) -> Model | None:
        """A model rebuilt from ``self.model`` (None when there is none)."""
        if self.model is None:
            return None
        check_model_limits(self.model)
        try:
            return model_from_dict(self.model)
        except BUILD_ERRORS as exc:
            raise SessionError(f"The session's model cannot be rebuilt: {exc}") from exc

    def touch(self) -> None:
        """Stamp ``modified`` (and ``created`` the first time) with the current UTC time."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if self.created is None:
            self.created = now
        self.modified = now

    def validate(self) -> None:
        """Raise ``SessionError`` for anything a file could not faithfully hold."""
        validate_session(self)


# ------------------------------------------------------------------------ encoding
def _encode_array(arr: np.ndarray) -> dict[str, Any]:
    """The stored form of ``arr`` (see ``jsonarrays.encode_array``)."""
    try:
        return encode_array(arr)
    except ArrayCodecError as exc:
        raise SessionError(str(exc)) from None


def session_to_dict(session: Session) -> dict[str, Any]:
    """The JSON-able document ``save_session`` writes (validates first)."""
    session.validate()
    try:
        return _document(session)
    except ArrayCodecError as exc:
        raise SessionError(str(exc)) from None


def _document(session: Session) -> dict[str, Any]:
    model = None
    if session.model is not None:
        m = session.model
        model = {
            "kind": m["kind"],
            "config": encode_value(m["config"], "the model settings"),
            "state": encode_value(m["state"], "the model weights"),
            "epoch": int(m.get("epoch", 0)),
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": session.name,
        "created": session.created,
        "modified": session.modified,
        "seed": int(session.seed),
        "class_names": list(session.class_names),
        "class_colors": session.class_colors,
        "dataset": encode_value(session.dataset, "the dataset settings"),
        "points": encode_array(session.points),
        "labels": encode_array(session.labels),
        "model": model,
        "history": {k: encode_array(v) for k, v in session.history.items()},
        "extras": encode_value(session.extras, "the extras"),
    }


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.1f} KB"


class SessionTooLarge(SessionError):
    """The session's file would be larger than any file ``load_session`` opens."""


def save_session(session: Session, path: str | os.PathLike, *, touch: bool = True,
                 compact: bool = False) -> Path:
    """Write ``session`` to ``path`` atomically; returns the path written.

    ``touch=True`` first stamps ``session.modified`` (and ``created``) in place, so the
    object and the file agree. The document goes to a temporary file in the same folder
    that replaces the target only once complete: a crash or a full disk mid-save leaves
    the previous file as it was. ``compact``: no indentation (the json module's C encoder,
    several times less interpreter time; the autosave's). Raises ``SessionError`` for an
    unsaveable session or a file system error, ``SessionTooLarge`` for a file that would
    not open again (nothing is written then).
    """
    path = Path(path)
    if touch:
        session.touch()
    layout = {"separators": (",", ":")} if compact else {"indent": 1}
    text = json.dumps(session_to_dict(session), ensure_ascii=False, allow_nan=False, **layout)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # half of a surrogate pair, from code (files refuse it)
        raise SessionError(f"The session holds text that is not Unicode "
                           f"({text[exc.start:exc.end]!a}); nothing was saved.") from None
    if len(data) > limits.MAX_SESSION_BYTES:  # a file written must open again
        raise SessionTooLarge(
            f"The session would take {_size(len(data))}, more than the "
            f"{_size(limits.MAX_SESSION_BYTES)} a session file may hold; nothing was saved.")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file owner-only; keep the mode the user's file already had.
        os.chmod(tmp_name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise SessionError(f'The session could not be saved to "{path}": {exc.strerror or exc}.') from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return path


def save_session_fitting(session: Session, path: str | os.PathLike, **options) -> bool:
    """``save_session``, leaving out the timeline (``extras["recording"]``) when with it
    the file would be too large to open again: a long error history leaves it no room,
    and the work itself matters more. True when everything was saved; ``session`` itself
    keeps its timeline."""
    try:
        save_session(session, path, **options)
        return True
    except SessionTooLarge:
        if "recording" not in session.extras:
            raise
    lighter = replace(session, extras={k: v for k, v in session.extras.items()
                                       if k != "recording"})
    save_session(lighter, path, **options)
    session.modified, session.created = lighter.modified, lighter.created
    return False


# ------------------------------------------------------------------------ decoding
class _Reader:
    """Decodes one document, prefixing every error with the file's name."""

    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, message: str) -> SessionError:
        return SessionError(f"The file {self.label} {message}")

    def array(self, obj: Any, what: str, dtype: str | None = None, ndim: int | None = None,
              finite: bool = False, max_shape: tuple[int | None, ...] | None = None
              ) -> np.ndarray:
        try:
            arr = decode_array(obj, what, dtype, ndim, max_shape)
        except ArrayCodecError as exc:
            raise self.fail(f"is damaged: {exc}") from None
        if finite and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise self.fail(f"has NaN or infinite values in {what}, which are not allowed there.")
        return arr

    def value(self, obj: Any) -> Any:
        """Generic decode: array objects become arrays, everything else stays JSON."""
        try:
            return decode_value(obj)
        except ArrayCodecError as exc:
            raise self.fail(f"is damaged: {exc}") from None

    def model(self, obj: Any) -> dict[str, Any] | None:
        if obj is None:
            return None
        if not isinstance(obj, dict) or not {"kind", "config", "state"} <= set(obj):
            raise self.fail("is damaged: its model entry lacks kind, config or state.")
        kind = obj["kind"]
        if not isinstance(kind, str) or kind not in MODEL_CLASSES:
            raise self.fail(
                f"uses a model of kind {shown(kind)}, which this version of nnplayground "
                f"does not know (it knows {', '.join(sorted(MODEL_CLASSES))})."
            )
        try:
            check_model_limits(obj)  # before its weights are decoded
        except SessionError as exc:
            raise self.fail(f"cannot be used: {exc}") from None
        return {
            "kind": kind,
            "config": self.value(obj["config"]),
            "state": self.value(obj["state"]),
            "epoch": obj.get("epoch", 0),
        }


def session_from_dict(doc: Any, label: str = "(session)") -> Session:
    """Check and decode a document from ``session_to_dict``; ``label`` names the file in
    error messages."""
    r = _Reader(label)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise r.fail("is not an nnplayground session.")
    if nesting_depth(doc) > limits.MAX_JSON_DEPTH:
        raise r.fail(f"is damaged: it nests deeper than {limits.MAX_JSON_DEPTH} levels.")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise r.fail(f"is damaged: its format version {version!r} is not valid.")
    if version > VERSION:
        raise r.fail(
            f"was saved by a newer version of nnplayground (format {version}); "
            f"this nnplayground reads format {VERSION}. Please update nnplayground."
        )
    for key in ("points", "labels", "class_names"):
        if key not in doc:
            raise r.fail(f"is damaged: it has no {key.replace('_', ' ')}.")
    history = doc.get("history") or {}
    if not isinstance(history, dict):
        raise r.fail("is damaged: its error history is not a table.")
    if not isinstance(doc["class_names"], list):
        raise r.fail("is damaged: its class names are not a list.")
    if len(doc["class_names"]) > limits.MAX_CLASSES:
        raise r.fail(f"cannot be used: it has {len(doc['class_names']):,} classes; at most "
                     f"{limits.MAX_CLASSES} are allowed.")
    if not isinstance(doc.get("class_colors"), (list, type(None))):
        raise r.fail("is damaged: its class colours are not a list.")
    for key in ("dataset", "extras"):
        if not isinstance(doc.get(key, {}), dict):
            raise r.fail(f"is damaged: its {key} entry is not a table.")
    try:
        session = Session(
            points=r.array(doc["points"], "the points", "float64", 2, finite=True,
                           max_shape=(limits.MAX_POINTS, limits.MAX_POINT_DIMS)),
            labels=r.array(doc["labels"], "the labels", "int64", 1,
                           max_shape=(limits.MAX_POINTS,)),
            class_names=doc["class_names"],
            class_colors=doc.get("class_colors"),
            dataset=r.value(doc.get("dataset", {})),
            model=r.model(doc.get("model")),
            seed=doc.get("seed", 0),
            history={
                key: r.array(history[key], f"the {key} error history", "float64", 1,
                             max_shape=(limits.MAX_HISTORY,))
                for key in ("train", "test") if key in history
            },
            name=doc.get("name", ""),
            extras=r.value(doc.get("extras", {})),
            created=doc.get("created"),
            modified=doc.get("modified"),
        )
        session.validate()
    except SessionError as exc:
        if str(exc).startswith("The file "):
            raise
        raise r.fail(f"cannot be used: {exc}") from exc
    return session


def load_session(path: str | os.PathLike) -> Session:
    """Read a session file; raises ``SessionError`` for anything wrong with it (never
    another exception), in bounded time and memory (see the module docstring)."""
    path = Path(path)
    label = f'"{path.name}"'
    try:
        with path.open("rb") as fh:
            raw = fh.read(limits.MAX_SESSION_BYTES + 1)
    except OSError as exc:
        raise SessionError(f"The file {label} could not be opened: {exc.strerror or exc}.") from exc
    if len(raw) > limits.MAX_SESSION_BYTES:
        raise SessionError(
            f"The file {label} is larger than {limits.MAX_SESSION_BYTES // 2**20} MB, more "
            f"than any nnplayground session; it is not one or it is damaged.")
    # Each value of a JSON document but the first follows a comma or opens a bracket.
    values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    if values > limits.MAX_JSON_VALUES:
        raise SessionError(
            f"The file {label} holds about {values:,} values, more than the "
            f"{limits.MAX_JSON_VALUES:,} of any nnplayground session; it is damaged.")
    if not raw.strip():
        raise SessionError(f"The file {label} is empty: it is incomplete or damaged.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionError(f"The file {label} is not an nnplayground session (it is not text).") from None
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):
        raise SessionError(f"The file {label} is not an nnplayground session.")
    try:
        doc = loads_strict(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        if not text[exc.pos:].strip():
            raise SessionError(
                f"The file {label} is incomplete or damaged (it ends unexpectedly)."
            ) from None
        raise SessionError(
            f"The file {label} is damaged (unreadable at line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise SessionError(
            f"The file {label} is damaged: it nests deeper than "
            f"{limits.MAX_JSON_DEPTH} levels.") from None
    except ValueError as exc:  # NaN, Infinity, a number of thousands of digits
        raise SessionError(f"The file {label} is damaged: {exc}.") from None
    return session_from_dict(doc, label)
