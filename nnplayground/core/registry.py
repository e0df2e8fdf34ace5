"""Model kinds by name, and models to and from plain dictionaries.

Session files and the UI refer to a model by its ``kind`` string. ``MODEL_CLASSES`` maps
each kind to its class; the model modules are imported on first lookup, so importing the
registry costs nothing and never fails because one model module is broken or missing.

``model_to_dict`` / ``model_from_dict`` are the one place that turns a model into data
and back; ``nnplayground.core.session`` turns that data into JSON.

A saved model carries its whole training state (``Model.get_training_state``), so that
training goes on after loading exactly as it would have: ``"state"`` holds the
``get_state()`` entries as before plus one more, ``"training"``, with the rest (random
generator, optimiser memory, ...; the epoch is ``"epoch"`` beside it). Files written
before have no ``"training"`` entry and load as they always did: the weights and the
epoch, with the generator of a model just built from its settings and an empty optimiser
memory.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .base import Model, ModelError

#: kind -> (module inside nnplayground.core, class name)
_BUILTIN: dict[str, tuple[str, str]] = {
    "perceptron": ("perceptron", "Perceptron"),
    "mlp": ("mlp", "MLP"),
    "competitive": ("competitive", "CompetitiveLayer"),
    "autoencoder": ("autoencoder", "Autoencoder"),
}

#: Kinds added at run time with ``register_model`` (plug-ins, test doubles).
_EXTRA: dict[str, type[Model]] = {}

#: The entry of a saved state holding the training state beyond the weights and epoch.
TRAINING_KEY = "training"


class _ModelClasses(Mapping):
    """Read-only mapping kind -> model class that imports model modules lazily.

    ``"mlp" in MODEL_CLASSES`` only looks at the names; ``MODEL_CLASSES["mlp"]`` imports
    ``nnplayground.core.mlp`` (an ImportError there is a bug, so it propagates).
    """

    def __getitem__(self, kind: str) -> type[Model]:
        if kind in _EXTRA:
            return _EXTRA[kind]
        if kind not in _BUILTIN:
            raise KeyError(kind)
        module_name, class_name = _BUILTIN[kind]
        module = importlib.import_module(f"{__package__}.{module_name}")
        return getattr(module, class_name)

    def __contains__(self, kind: object) -> bool:
        return kind in _BUILTIN or kind in _EXTRA

    def __iter__(self) -> Iterator[str]:
        yield from _BUILTIN
        yield from (k for k in _EXTRA if k not in _BUILTIN)

    def __len__(self) -> int:
        return len(_BUILTIN) + sum(1 for k in _EXTRA if k not in _BUILTIN)

    def __repr__(self) -> str:
        return f"MODEL_CLASSES({list(self)})"


MODEL_CLASSES: Mapping[str, type[Model]] = _ModelClasses()


def register_model(cls: type[Model]) -> type[Model]:
    """Make ``cls`` loadable under ``cls.kind`` (usable as a class decorator)."""
    kind = getattr(cls, "kind", "")
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"{cls.__name__} needs a non-empty 'kind' to be registered.")
    if kind in _BUILTIN:
        raise ValueError(f"The model kind {kind!r} is built in and cannot be replaced.")
    _EXTRA[kind] = cls
    return cls


def unregister_model(kind: str) -> None:
    """Forget a kind added with ``register_model`` (no error if it is not there)."""
    _EXTRA.pop(kind, None)


def model_class(kind: Any) -> type[Model]:
    """The class for ``kind``; ``ModelError`` for a kind this version does not know."""
    if not isinstance(kind, str) or kind not in MODEL_CLASSES:
        known = ", ".join(sorted(MODEL_CLASSES))
        raise ModelError(
            f"Unknown model kind {kind!r}: this version of nnplayground knows {known}."
        )
    return MODEL_CLASSES[kind]


def model_from_config(kind: str, config: Mapping[str, Any] | None = None) -> Model:
    """A fresh, untrained model of ``kind`` built from constructor keyword arguments."""
    cls = model_class(kind)
    if config is None:
        config = {}
    if not isinstance(config, Mapping) or not all(isinstance(k, str) for k in config):
        raise ModelError(f"The settings of the {kind} model must be a table of named values.")
    try:
        return cls(**config)
    except ModelError:
        raise
    # A constructor rejects bad settings with TypeError (unknown name) or ValueError.
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise ModelError(f"The settings of the {kind} model are not valid: {exc}") from exc


def model_to_dict(model: Model) -> dict[str, Any]:
    """``{"kind", "config", "state", "epoch"}``; state values are copies (arrays stay
    NumPy arrays; ``nnplayground.core.session`` encodes them). ``state`` is
    ``get_state()`` plus ``"training"``: the training state without params and epoch."""
    training = model.get_training_state()
    state = dict(training.pop("params"))
    if TRAINING_KEY in state:
        raise ModelError(f"A {model.kind} model's state may not use the name {TRAINING_KEY!r}.")
    epoch = training.pop("epoch")
    state[TRAINING_KEY] = training
    return {"kind": model.kind, "config": model.get_config(), "state": state, "epoch": epoch}


def model_from_dict(d: Mapping[str, Any]) -> Model:
    """Rebuild a model saved with ``model_to_dict``.

    Checks, each raising ``ModelError`` with a plain message: the kind is known, the
    config builds a model, the state has exactly the entries of that model with the
    shapes its config implies, every number is finite, the epoch is a whole number >= 0.
    """
    if not isinstance(d, Mapping):
        raise ModelError("A saved model must be a table with kind, config, state and epoch.")
    missing = [key for key in ("kind", "config", "state") if key not in d]
    if missing:
        raise ModelError(f"The saved model lacks: {', '.join(missing)}.")
    kind = d["kind"]
    model = model_from_config(kind, d["config"])
    epoch = d.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
        raise ModelError(f"The saved epoch must be a whole number >= 0, not {epoch!r}.")
    state = d["state"]
    if not isinstance(state, Mapping):
        raise ModelError(f"The saved weights of the {kind} model must be a table of arrays.")
    state = dict(state)
    training = state.pop(TRAINING_KEY, None)
    _check_state_matches(kind, state, model.get_state())
    if not _all_finite(state):
        raise ModelError(f"The saved weights of the {kind} model contain NaN or infinite values.")
    if training is not None and (not isinstance(training, Mapping)
                                 or {"params", "epoch"} & set(training)):
        raise ModelError(f"The saved training state of the {kind} model is not valid.")
    try:
        if training is None:  # written before training states were saved
            model.set_state(state)
            model.epoch = int(epoch)
        else:
            model.set_training_state({**training, "params": state, "epoch": int(epoch)})
    except ModelError:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise ModelError(f"The saved weights do not fit the {kind} model: {exc}") from exc
    return model


def _check_state_matches(kind: str, state: Mapping[str, Any], fresh: Mapping[str, Any]) -> None:
    """Compare a saved state with a freshly built model's: same entries, and the same
    shapes wherever the fresh model already has a value (entries that are None until
    the first epoch, such as data-initialised centroids, are left to ``set_state``)."""
    missing = sorted(set(fresh) - set(state))
    extra = sorted(set(state) - set(fresh))
    if missing:
        raise ModelError(f"The saved {kind} model lacks the entries: {', '.join(missing)}.")
    if extra:
        raise ModelError(f"The saved {kind} model has unknown entries: {', '.join(extra)}.")
    for name, reference in fresh.items():
        _check_value(kind, name, state[name], reference)


def _check_value(kind: str, name: str, value: Any, reference: Any) -> None:
    if reference is None:
        return
    if isinstance(reference, Mapping):
        if not isinstance(value, Mapping):
            raise ModelError(f"The saved {kind} model's {name} should be a table.")
        for key, ref in reference.items():
            if key not in value:
                raise ModelError(f"The saved {kind} model's {name} lacks {key!r}.")
            _check_value(kind, f"{name}[{key!r}]", value[key], ref)
        return
    if isinstance(reference, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(reference):
            raise ModelError(
                f"The saved {kind} model's {name} should hold {len(reference)} arrays "
                f"for its settings."
            )
        for i, (v, r) in enumerate(zip(value, reference)):
            _check_value(kind, f"{name}[{i}]", v, r)
        return
    if value is None:
        raise ModelError(f"The saved {kind} model's {name} is empty.")
    if isinstance(value, (list, tuple, dict, str)):
        raise ModelError(f"The saved {kind} model's {name} should be numbers.")
    if np.shape(value) != np.shape(reference):
        raise ModelError(
            f"The saved {kind} model's {name} has shape {np.shape(value)} but its settings "
            f"need {np.shape(reference)}."
        )


def _all_finite(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, Mapping):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_all_finite(v) for v in value)
    arr = np.asarray(value)
    if arr.dtype.kind not in "fc":
        return True
    return bool(np.all(np.isfinite(arr)))
