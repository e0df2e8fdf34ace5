"""The fields of a step's setup in a lesson file (``core.lessons``), each read and checked
on its own (``step_fields``); checks that need the data and the model together are
``lesson_setup.build_setup``'s."""

from __future__ import annotations

import copy
import re
from typing import Any

from . import datasets
from .lesson_checks import Where, boolean, finite_number, kind_of, table, text_value, whole
from .lesson_generators import LESSON_GENERATORS
from .lesson_setup import ConstantInput, DigitPad, Printout, ViewSettings, digit_tasks
from .registry import MODEL_CLASSES

_CONTROL_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")
_SETUP_FIELDS = ("data", "model", "weights", "epochs", "test_share", "locked", "hidden",
                 "printout", "constant_input", "view", "digit_pad")
_NULLABLE = ("weights", "printout", "constant_input", "digit_pad")
_MAX_EPOCHS = 10_000_000
_MAX_PARAMETERS = 1_000_000
_MAX_POINTS = 100_000


def step_fields(value: Any, w: Where) -> dict[str, Any]:
    """The fields one step names, each checked on its own (checks that need the data and
    the model together happen in ``build_setup``)."""
    table(value, w, allowed=_SETUP_FIELDS)
    out: dict[str, Any] = {}
    for name, v in value.items():
        fw = w.at(name)
        if v is None:
            if name not in _NULLABLE:
                raise fw.fail(f"{name} cannot be null (only {', '.join(_NULLABLE)} can).")
            out[name] = None
            continue
        out[name] = _FIELD_READERS[name](v, fw)
    return out


def _named_source(v: dict, w: Where, key: str, known, allowed: tuple) -> None:
    """Data made by a named preset or generator (``key``) with a seed: the table holds
    only what it allows, the name is one of ``known``, the seed fits 32 bits."""
    table(v, w, required=(key,), allowed=allowed)
    name = v[key]
    if not isinstance(name, str) or name not in known:
        raise w.at(key).fail(f"unknown {key} {name!r}; the {key}s are {', '.join(known)}.")
    whole(v.get("seed", 0), w.at("seed"), 0, 2**32 - 1)


def _read_data(v: Any, w: Where) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise w.fail(f"expected a table, found {kind_of(v)}.")
    sources = [k for k in ("preset", "generator", "points") if k in v]
    if len(sources) != 1:
        raise w.fail("give exactly one of 'preset', 'generator' or 'points'.")
    if sources[0] == "preset":
        _named_source(v, w, "preset", datasets.PRESETS, allowed=("seed", "noise"))
        noise = finite_number(v.get("noise", 0.0), w.at("noise"))
        if not 0.0 <= noise <= 0.5:
            raise w.at("noise").fail(f"the noise must lie between 0 and 0.5, not {noise}.")
    elif sources[0] == "generator":
        _named_source(v, w, "generator", LESSON_GENERATORS, allowed=("seed", "params"))
        params = v.get("params", {})
        table(params, w.at("params"), allowed=tuple(params) if isinstance(params, dict) else ())
        if "seed" in params:
            raise w.at("params").fail("the seed goes beside the params, not inside them.")
    else:
        table(v, w, required=("points", "labels", "class_names"), allowed=("name",))
        points, labels, names = v["points"], v["labels"], v["class_names"]
        if not isinstance(points, list) or not 1 <= len(points) <= _MAX_POINTS:
            raise w.at("points").fail(f"expected a list of 1 to {_MAX_POINTS} points.")
        width = len(points[0]) if isinstance(points[0], list) else -1
        for j, row in enumerate(points):
            if not isinstance(row, list) or len(row) != width or not 1 <= width <= 100:
                raise w.at(f"points[{j}]").fail("every point must be a list of the same 1 to "
                                                "100 coordinates.")
            for c, x in enumerate(row):
                finite_number(x, w.at(f"points[{j}][{c}]"))
        if not isinstance(names, list) or not 1 <= len(names) <= 20:
            raise w.at("class_names").fail("expected a list of 1 to 20 class names.")
        for j, n in enumerate(names):
            text_value(n, w.at(f"class_names[{j}]"), 60)
        if not isinstance(labels, list) or len(labels) != len(points):
            raise w.at("labels").fail(f"expected one label per point ({len(points)}).")
        for j, label in enumerate(labels):
            whole(label, w.at(f"labels[{j}]"), 0, len(names) - 1)
        if "name" in v:
            text_value(v["name"], w.at("name"), 100)
    return copy.deepcopy(v)


def _read_model(v: Any, w: Where) -> dict[str, Any]:
    table(v, w, required=("kind",), allowed=("config",))
    kind = v["kind"]
    if not isinstance(kind, str) or kind not in MODEL_CLASSES:
        raise w.at("kind").fail(f"unknown model kind {kind!r}; the kinds are "
                                f"{', '.join(MODEL_CLASSES)}.")
    config = v.get("config", {})
    table(config, w.at("config"), allowed=tuple(config) if isinstance(config, dict) else ())
    _check_model_size(config, w.at("config"))
    return {"kind": kind, "config": copy.deepcopy(config)}


def _check_model_size(config: dict, w: Where) -> None:
    """Refuse models too big to build before building them (a file is outside data)."""
    sizes = config.get("layer_sizes")
    if sizes is not None:
        if not isinstance(sizes, list) or not 2 <= len(sizes) <= 20:
            raise w.at("layer_sizes").fail("expected a list of 2 to 20 layer sizes.")
        for j, s in enumerate(sizes):
            whole(s, w.at(f"layer_sizes[{j}]"), 1, 100_000)
        if sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) > _MAX_PARAMETERS:
            raise w.at("layer_sizes").fail(f"more than {_MAX_PARAMETERS:,} weights.")
    for name in ("n_inputs", "n_neurons"):
        if name in config:
            whole(config[name], w.at(name), 1, 10_000)


def _read_weights(v: Any, w: Where) -> dict[str, Any]:
    if not isinstance(v, dict) or not v:
        raise w.fail("expected a table of the model's weights, e.g. {\"weights\": [...]}.")
    return copy.deepcopy(v)


def _read_epochs(v: Any, w: Where) -> int:
    return whole(v, w, 0, _MAX_EPOCHS)


def _read_test_share(v: Any, w: Where) -> float:
    share = finite_number(v, w)
    if not 0.0 <= share < 1.0:
        raise w.fail(f"the test share must be at least 0 and below 1, not {share}.")
    return share


def _read_controls(v: Any, w: Where) -> tuple[str, ...]:
    if not isinstance(v, list) or len(v) > 200:
        raise w.fail(f"expected a list of control ids, found {kind_of(v)}.")
    for j, cid in enumerate(v):
        if not isinstance(cid, str) or len(cid) > 100 or not _CONTROL_ID.match(cid):
            raise w.at(f"[{j}]").fail(f"{cid!r} is not a control id (dot-separated lower-case "
                                      f"parts, e.g. 'model.mlp.mlp_learning_rate').")
    if len(set(v)) != len(v):
        raise w.fail("a control id appears twice.")
    return tuple(v)


def _read_printout(v: Any, w: Where) -> Printout:
    if not isinstance(v, dict) or v.get("rule") not in ("classic", "forward"):
        raise w.fail("expected {\"rule\": \"classic\", ...} or {\"rule\": \"forward\"}.")
    if v["rule"] == "forward":
        table(v, w, required=("rule",))
        return Printout("forward")
    table(v, w, required=("rule", "output_title"), allowed=("error_every",))
    every = v.get("error_every")
    if every is not None:
        every = whole(every, w.at("error_every"), 1)
    return Printout("classic", every, text_value(v["output_title"], w.at("output_title"), 200))


def _read_constant_input(v: Any, w: Where) -> ConstantInput:
    table(v, w, required=("column", "label"), allowed=("value",))
    return ConstantInput(whole(v["column"], w.at("column"), 0, 99), text_value(v["label"], w.at("label"), 60),
                         finite_number(v.get("value", 1.0), w.at("value")))


def _read_view(v: Any, w: Where) -> ViewSettings:
    table(v, w, allowed=("axes", "hidden_lines", "log_scale"))
    axes = v.get("axes", [0, 1])
    if not isinstance(axes, list) or len(axes) != 2:
        raise w.at("axes").fail("expected two axis numbers, e.g. [0, 1].")
    a, b = (whole(x, w.at(f"axes[{j}]"), 0, 99) for j, x in enumerate(axes))
    if a == b:
        raise w.at("axes").fail("the two axes must differ.")
    return ViewSettings((a, b), boolean(v.get("hidden_lines", False), w.at("hidden_lines")),
                        boolean(v.get("log_scale", False), w.at("log_scale")))


def _read_digit_pad(v: Any, w: Where) -> DigitPad:
    from . import digits

    table(v, w, required=("task",), allowed=("seed",))
    tasks = digit_tasks(digits)
    if not isinstance(v["task"], str) or v["task"] not in tasks:
        raise w.at("task").fail(f"unknown digit task {v['task']!r}; the tasks are {', '.join(tasks)}.")
    return DigitPad(v["task"], whole(v.get("seed", 0), w.at("seed"), 0, 2**32 - 1))


_FIELD_READERS = {
    "data": _read_data, "model": _read_model, "weights": _read_weights, "epochs": _read_epochs,
    "test_share": _read_test_share, "locked": _read_controls, "hidden": _read_controls,
    "printout": _read_printout, "constant_input": _read_constant_input, "view": _read_view,
    "digit_pad": _read_digit_pad,
}
