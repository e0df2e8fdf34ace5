"""The NumPy engine: models, datasets, session files. Never imports Qt.

Names are loaded on first use so that importing one part of the core does not pull in
the rest.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Model": "base",
    "ModelError": "base",
    "Perceptron": "perceptron",
    "MLP": "mlp",
    "Autoencoder": "autoencoder",
    "CompetitiveLayer": "competitive",
    "MODEL_CLASSES": "registry",
    "model_from_dict": "registry",
    "model_to_dict": "registry",
    "Dataset": "datasets",
    "Session": "session",
    "SessionError": "session",
    "load_session": "session",
    "save_session": "session",
    "PointSet": "points",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nnplayground.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
