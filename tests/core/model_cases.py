"""Data and helpers shared by the tests of training states and of sample steps: three
Gaussian clusters (60 points), a model of any kind by config, its targets."""

from __future__ import annotations

import numpy as np

from nnplayground.core.registry import MODEL_CLASSES

_rng = np.random.default_rng(11)
X = np.vstack([_rng.normal(loc, 0.7, size=(20, 2)) for loc in ((-2, 0), (2, 0), (0, 2.5))])
LABELS = np.repeat(np.arange(3), 20)


def build(kind: str, config: dict, seed: int = 3):
    return MODEL_CLASSES[kind](**{**config, "seed": seed})


def targets(model):
    """What ``model`` trains on: nothing (unsupervised), class 2 against the rest (one
    output), or the class index."""
    if model.unsupervised:
        return None
    if model.kind == "perceptron" or model.n_outputs == 1:
        return (LABELS == 1).astype(np.int64)
    return LABELS
