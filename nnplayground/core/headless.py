"""A lesson trained without a window: what ``nnplayground --lesson ID --headless`` prints.

Pure (NumPy and the core). ``run_lesson`` trains every step that changes the data, the
model, its weights or the epochs, each from a fresh model built by ``Setup.build_model()``,
on every point of the step's data (the test share is the window's business), and returns
the lines to print. A lesson with one such step prints that step's lines alone; with
several, each step's lines follow a "Step N of M" heading, separated by blank lines.

A step's lines:

* printout rule "classic" (the tutorials' hand-written loops): for j = 0 .. epochs - 1
  the network's forward pass, then one full-batch update (``partial_fit``). Every
  ``error_every`` iterations, starting at j = 0, ``Error: `` and the mean absolute error of
  that iteration's forward pass, taken before its update, with 12 significant digits
  (``%.12g``, what Python 2's ``str(float)`` printed); at the end ``output_title`` and the
  last iteration's forward pass (again before its update) as NumPy prints an array with
  its default options. The MLP's ``partial_fit`` with bias off, sigmoid, loss "sse",
  optimizer "sgd", learning rate 1 and the full batch does exactly the tutorial's update
  (same operations on the same numbers, so the same bits; ``tests/core/test_lessons.py``
  compares the weights with the hand-written loop), hence the same printed digits.
* printout rule "forward": for each point of the data, its inputs, every hidden layer's
  values and the outputs, no training.
* otherwise: how many epochs ran (a perceptron stops early once it makes no mistakes),
  the final error (the model's own measure, named) and the accuracy (for a competitive
  layer each neuron counts as the class it wins most; an autoencoder learns no classes;
  the digit pad adds its one-pixel slips).
"""

from __future__ import annotations

import math

import numpy as np

from .base import Model
from .lessons import Lesson, Setup, load_lesson

__all__ = ["run_lesson", "run_setup", "classic_printout", "forward_printout", "format_array"]

#: Setup fields whose change makes a step worth training again on its own.
_TRAINED_FIELDS = frozenset({"data", "model", "weights", "epochs", "digit_pad", "printout"})


def run_lesson(lesson: Lesson | str) -> list[str]:
    """The headless printout of ``lesson`` (a ``Lesson`` or a lesson id)."""
    if isinstance(lesson, str):
        lesson = load_lesson(lesson)
    trained = [i for i, step in enumerate(lesson.steps) if step.changes & _TRAINED_FIELDS]
    if len(trained) == 1:
        return run_setup(lesson.setup(trained[0]))
    lines: list[str] = []
    for i in trained:
        if lines:
            lines.append("")
        lines.append(f"Step {i + 1} of {len(lesson.steps)}")
        lines.extend(run_setup(lesson.setup(i)))
    return lines


def run_setup(setup: Setup) -> list[str]:
    """Train a fresh model of ``setup`` for its epochs; the lines to print."""
    model = setup.build_model()
    data = setup.dataset
    if setup.printout is not None and setup.printout.rule == "classic":
        return classic_printout(model, data.X, data.y, setup.epochs, setup.printout.error_every,
                                setup.printout.output_title)
    if setup.printout is not None and setup.printout.rule == "forward":
        return forward_printout(model, data.X)
    if setup.digit_task is not None:
        return _digit_pad_lines(setup, model)
    targets = None if model.unsupervised else data.y
    ran, why = _train(model, data.X, targets, setup.epochs)
    lines = [_epochs_line(ran, setup.epochs, why)]
    lines.append(f"Final error: {model.error(data.X, targets):.6g} ({_error_name(model)})")
    lines.append(_accuracy_line(model, data))
    if model.kind == "competitive" and data.centroids is not None and model.centroids is not None:
        gap = np.linalg.norm(data.centroids[:, None, :] - model.centroids[None], axis=2).min(axis=1)
        lines.append(f"Farthest true centre from its nearest neuron: {gap.max():.3g}")
    return lines


# ------------------------------------------------------------------ the rules
def classic_printout(model: Model, X: np.ndarray, y: np.ndarray, iterations: int,
                     error_every: int | None, output_title: str) -> list[str]:
    """The classic tutorials' printout (see the module docstring); trains ``model``."""
    X = np.asarray(X, dtype=np.float64)
    targets = _target_table(model, y)
    lines = []
    out = model.predict_proba(X)
    for j in range(int(iterations)):
        report = error_every is not None and j % error_every == 0
        if report or j == iterations - 1:
            out = model.predict_proba(X)
        if report:
            lines.append("Error: %.12g" % np.mean(np.abs(targets - out)))
        model.partial_fit(X, y)
    lines.append(output_title)
    lines.extend(format_array(out).splitlines())
    return lines


def forward_printout(model: Model, X: np.ndarray) -> list[str]:
    """Each point's inputs, hidden layers and outputs (no training)."""
    lines = []
    for row in np.asarray(X, dtype=np.float64):
        acts = model.forward(row[None, :])
        lines.append("Inputs: " + _values(acts[0][0]))
        for k, hidden in enumerate(acts[1:-1], start=1):
            lines.append(f"Hidden layer {k}: " + _values(hidden[0]))
        lines.append("Output: " + _values(acts[-1][0]))
    return lines


def format_array(a: np.ndarray) -> str:
    """``a`` as ``print(a)`` shows it with NumPy's default print options, whatever options
    the calling program has set."""
    return np.array2string(np.asarray(a), max_line_width=75, precision=8, suppress_small=False,
                           separator=" ", threshold=1000, edgeitems=3, sign="-",
                           floatmode="maxprec", legacy=False)


# -------------------------------------------------------------------- helpers
def _values(v: np.ndarray) -> str:
    return ", ".join("%.12g" % x for x in v)


def _target_table(model: Model, y: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if model.n_outputs == 1:
        return y.reshape(-1, 1).astype(np.float64)
    table = np.zeros((len(y), model.n_outputs))
    table[np.arange(len(y)), y.astype(np.int64)] = 1.0
    return table


def _train(model: Model, X: np.ndarray, targets, epochs: int) -> tuple[int, str]:
    for e in range(int(epochs)):
        err = model.partial_fit(X, targets)
        if model.converged:
            return e + 1, "converged"
        if not math.isfinite(err):
            return e + 1, "diverged"
    return int(epochs), ""


def _epochs_line(ran: int, epochs: int, why: str) -> str:
    if epochs == 0:
        return "Epochs: 0 (nothing to train: the weights are the lesson)"
    if why == "converged":
        return f"Epochs: {ran} of {epochs} (no mistakes left)"
    if why == "diverged":
        return f"Epochs: {ran} of {epochs} (stopped: the error is no longer a number)"
    return f"Epochs: {ran}"


def _error_name(model: Model) -> str:
    if model.kind == "perceptron":
        return ("share of points misclassified" if model.activation == "step"
                else "mean of 1/2 (target - output)^2")
    if model.kind == "competitive":
        return "mean distance of a point to its nearest neuron"
    if model.kind == "autoencoder":
        return "reconstruction error, mean squared, in standardised units"
    return {"sse": "sum of squared errors / 2", "mse": "mean squared error",
            "cross_entropy": "cross-entropy"}[model.loss]


def _share(correct: int, n: int, what: str = "points") -> str:
    pct = 100.0 * correct / n if n else float("nan")
    return f"{round(pct, 1):g} % ({correct} of {n} {what})"


def _accuracy_line(model: Model, data) -> str:
    if model.kind == "autoencoder":
        return "Accuracy: none (an autoencoder learns no classes)"
    y = data.y
    if model.kind == "competitive":
        winners = model.predict(data.X)
        correct = sum(int(np.bincount(y[winners == k]).max()) for k in np.unique(winners))
        return f"Accuracy: {_share(correct, len(y))}, each neuron read as the class it wins most"
    if model.kind == "mlp" and model.task == "regression":
        return "Accuracy: none (the network computes values, not classes)"
    return f"Accuracy: {_share(int(np.sum(model.predict(data.X) == y)), len(y))}"


def _digit_pad_lines(setup: Setup, model: Model) -> list[str]:
    task = setup.digit_task
    X, targets = task.training_set(seed=setup.digit_pad.seed)
    digits = setup.dataset.y
    ran, why = _train(model, X, targets, setup.epochs)
    correct = int(np.sum(task.predict(model, X) == digits))
    slips = task.robustness(model)
    return [
        f"{task.title}",
        _epochs_line(ran, setup.epochs, why),
        f"Final error: {model.error(X, targets):.6g} ({_error_name(model)})",
        f"Accuracy: {_share(correct, len(digits), 'patterns')}",
        f"One-pixel slips read right: {_share(slips.correct, slips.counted, 'slips')}",
    ]
