"""What a session (``core.session``) may hold: the sizes and numbers of ``core/limits.py``
(``check_model_limits`` for a saved model, before it is built) and the whole session's
consistency (``validate_session``). Every problem is a ``SessionError`` whose message
says what is wrong in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from . import limits
from .base import ModelError
from .limits import shown
from .points import check_within_canvas
from .registry import MODEL_CLASSES, model_from_dict

if TYPE_CHECKING:
    from .session import Session


class SessionError(ValueError):
    """Anything wrong with a session file; the message is meant for a teacher."""


#: What building a model from checked settings may still raise (the model classes are
#: not ours to bound; their messages still say what is wrong).
BUILD_ERRORS = (ModelError, ArithmeticError, LookupError, TypeError, ValueError)


def _whole_number(value: Any, what: str, low: int, high: int) -> int:
    """``value`` when it is a whole number in ``[low, high]``; ``SessionError`` naming
    ``what`` otherwise (bool is not a number here)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise SessionError(f"The {what} must be a whole number, not {shown(value)}.")
    if not low <= value <= high:
        raise SessionError(f"The {what} must be from {low:,} to {high:,}, not {shown(value)}.")
    return int(value)


def check_model_limits(model: Any) -> None:
    """``SessionError`` when a saved model's settings exceed ``core/limits.py`` or no
    widget could show them: seed, learning rate and the other live settings, batch size,
    layer sizes, inputs, neurons, total weights, epoch. Checked before the model is
    built, so nothing is allocated for a rejected file. Settings of the wrong type are
    left to the model, which names them."""
    if not isinstance(model, Mapping):
        return
    config, kind = model.get("config"), model.get("kind")
    epoch = model.get("epoch")
    if isinstance(epoch, (int, np.integer)) and epoch > limits.MAX_EPOCH:
        raise SessionError(f"The model's epoch {shown(epoch)} is more than "
                           f"{limits.MAX_EPOCH:,}.")  # the rest is the registry's check
    if not isinstance(config, Mapping):
        return
    if "seed" in config:
        _whole_number(config["seed"], "model's seed", 0, limits.SEED_MAX)
    for name in ("n_inputs", "n_neurons"):
        if name in config:
            _whole_number(config[name], f"model's number of {name[2:]}", 1, limits.MAX_NEURONS)
    if config.get("batch_size") is not None:
        _whole_number(config["batch_size"], "model's batch size", 1, limits.MAX_BATCH_SIZE)
    for name, value in config.items():
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool) \
                and abs(int(value)) > 2**63:
            raise SessionError(f"The model's setting {name} is too large ({shown(value)}).")
    live = {"learning_rate": limits.LEARNING_RATE}
    if isinstance(kind, str) and kind in MODEL_CLASSES:
        live.update(MODEL_CLASSES[kind].live_params)
    for name, param in live.items():
        if name in config:
            try:
                param.check(name, config[name])
            except ModelError as exc:
                raise SessionError(f"The model's settings are out of range: {exc}") from None
    sizes = config.get("layer_sizes")
    if isinstance(sizes, (list, tuple)):
        if not 2 <= len(sizes) <= limits.MAX_LAYERS:
            raise SessionError(
                f"The model has {len(sizes)} layers; from 2 to {limits.MAX_LAYERS} "
                f"(input, hidden layers, output) are allowed.")
        for size in sizes:
            _whole_number(size, "number of neurons in a layer", 1, limits.MAX_NEURONS)
        weights = sum(a * b for a, b in pairwise(sizes))
        if weights > limits.MAX_WEIGHTS:
            raise SessionError(
                f"The model's layers {list(sizes)} need {weights:,} weights; at most "
                f"{limits.MAX_WEIGHTS:,} are allowed.")


def _check_limits(s: Session) -> None:
    """The sizes and numbers of ``core/limits.py`` that do not concern the model."""
    if len(s.class_names) > limits.MAX_CLASSES:
        raise SessionError(
            f"There are {len(s.class_names):,} classes; at most {limits.MAX_CLASSES} "
            f"are allowed.")
    names = [c for c in (s.name, *s.class_names) if isinstance(c, str)]
    if any(len(c) > limits.MAX_NAME_CHARS for c in names):
        raise SessionError(
            f"A name is longer than {limits.MAX_NAME_CHARS:,} characters.")
    if s.points.ndim == 2 and (len(s.points) > limits.MAX_POINTS
                               or not limits.MIN_POINT_DIMS <= s.points.shape[1]
                               <= limits.MAX_POINT_DIMS):
        raise SessionError(
            f"The points have shape {s.points.shape}; at most {limits.MAX_POINTS:,} points "
            f"of {limits.MIN_POINT_DIMS} to {limits.MAX_POINT_DIMS} coordinates are allowed.")
    if len(s.history["train"]) > limits.MAX_HISTORY:
        raise SessionError(
            f"The error history has {len(s.history['train']):,} epochs; at most "
            f"{limits.MAX_HISTORY:,} are allowed.")
    _whole_number(s.seed, "seed", 0, limits.SEED_MAX)
    if isinstance(s.dataset, dict):
        for key in ("seed", "split_seed"):
            if s.dataset.get(key) is not None:
                _whole_number(s.dataset[key], f"data's {key.replace('_', ' ')}", 0,
                              limits.SEED_MAX)


# ---------------------------------------------------------------------- validation
def validate_session(s: Session) -> None:
    """``SessionError`` for anything a file could not faithfully hold (``Session.validate``)."""
    if not isinstance(s.class_names, list) or not all(isinstance(c, str) for c in s.class_names):
        raise SessionError("The class names must be a list of texts.")
    _check_limits(s)
    if s.class_colors is not None and (
        len(s.class_colors) != len(s.class_names)
        or not all(isinstance(c, str) for c in s.class_colors)
    ):
        raise SessionError(
            f"There are {len(s.class_names)} classes but the colour list does not give "
            f"one colour text for each."
        )
    if s.points.dtype != np.float64 or s.points.ndim != 2:  # (its width: _check_limits)
        raise SessionError(
            f"The points must be a float64 table (rows x coordinates), not "
            f"{s.points.dtype} of shape {s.points.shape}."
        )
    if s.labels.dtype != np.int64 or s.labels.ndim != 1:
        raise SessionError(f"The labels must be one int64 per point, not {s.labels.dtype} "
                           f"of shape {s.labels.shape}.")
    if len(s.labels) != len(s.points):
        raise SessionError(
            f"There are {len(s.points)} points but {len(s.labels)} labels; "
            f"every point needs exactly one label."
        )
    if not np.all(np.isfinite(s.points)):
        raise SessionError("Some points have coordinates that are NaN or infinite.")
    try:
        check_within_canvas(s.points)  # the same limit every edit of the points keeps
    except ValueError:
        raise SessionError(
            f"Some points have coordinates beyond ±{limits.MAX_COORDINATE:g}, the largest "
            f"the canvas draws.") from None
    if s.labels.size and (s.labels.min() < 0 or s.labels.max() >= len(s.class_names)):
        bad = int(s.labels[(s.labels < 0) | (s.labels >= len(s.class_names))][0])
        raise SessionError(
            f"A point has label {bad} but there are only {len(s.class_names)} classes "
            f"(labels 0 to {len(s.class_names) - 1})."
        )
    if not isinstance(s.name, str):
        raise SessionError("The session name must be a text.")
    for stamp in (s.created, s.modified):
        if stamp is not None and not isinstance(stamp, str):
            raise SessionError("The creation and modification times must be texts.")
    if not isinstance(s.dataset, dict) or not isinstance(s.extras, dict):
        raise SessionError("The dataset settings and the extras must be tables.")
    train, test = s.history["train"], s.history["test"]
    if train.ndim != 1 or test.ndim != 1 or len(train) != len(test):
        raise SessionError(
            "The error history must hold one training and one test error per epoch "
            f"(found {train.shape} and {test.shape})."
        )
    if not np.all(np.isfinite(train)):
        raise SessionError("The training error history contains NaN or infinite values.")
    if np.any(np.isinf(test)):
        raise SessionError("The test error history contains infinite values.")
    if s.model is not None:
        check_model_limits(s.model)
        try:
            model_from_dict(s.model)
        except BUILD_ERRORS as exc:
            raise SessionError(f"The model cannot be rebuilt: {exc}") from exc
