"""The digit pad's pure side: training sets, the two networks, robustness, wording.

A pattern is a flat float64 vector of 20 pixels (0 or 1), row by row on the 5x4 grid
(pixel ``r * 4 + c``), as ``datasets.digit_patterns()`` gives them.

Two networks are offered:

* the ten-class network: ``digit_model()``, MLP 20 -> hidden -> 10, softmax output and
  cross-entropy, trained on the ten templates, seeded noisy copies of them and any
  drawings the user added (``training_set()``);
* the classic lesson network: ``classic_model()``, MLP 20 -> 20 -> 1 without bias, a
  single sigmoid output trained with the textbook sum of squared errors and plain
  gradient descent on the four patterns 0-3 alone, the targets being digit / 3
  (``classic_targets``); its answer is ``round(output * 3)`` (``classic_predict``).

Nothing here imports Qt; every random choice comes from a seeded ``default_rng``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .datasets import digit_patterns, noisy_digits
from .mlp import MLP

ROWS, COLS = 5, 4
N_PIXELS = ROWS * COLS
N_DIGITS = 10
CLASSIC_DIGITS = 4  # the lesson network knows 0, 1, 2 and 3
#: Below this winning probability the pad says it is not sure instead of pretending.
CONFIDENT = 0.5

#: Training settings of the two networks (epochs are what "Retrain" runs).
DIGIT_EPOCHS = 300
CLASSIC_EPOCHS = 1000


# ------------------------------------------------------------------ patterns
def as_pattern(values: Iterable[float]) -> np.ndarray:
    """Any 20 numbers (or a (5, 4) array) as a float64 (20,) vector of exact 0/1."""
    p = np.asarray(values, dtype=np.float64).ravel()
    if p.shape != (N_PIXELS,):
        raise ValueError(f"a digit pattern has {N_PIXELS} pixels, got {p.size}")
    return (p > 0.5).astype(np.float64)


def flip_pixels(pattern: Iterable[float], k: int, seed: int = 0) -> np.ndarray:
    """A copy of ``pattern`` (20,) with exactly ``k`` distinct pixels inverted, chosen by
    ``default_rng(seed)``; the same seed always flips the same pixels."""
    p = as_pattern(pattern)
    if not 0 <= int(k) <= N_PIXELS:
        raise ValueError(f"can flip 0 to {N_PIXELS} pixels, not {k}")
    idx = np.random.default_rng(seed).choice(N_PIXELS, size=int(k), replace=False)
    p[idx] = 1.0 - p[idx]
    return p


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pixel differences between rows of a (n, 20) and rows of b (m, 20): (n, m) ints."""
    a = np.atleast_2d(a) > 0.5
    b = np.atleast_2d(b) > 0.5
    return (a[:, None, :] != b[None, :, :]).sum(axis=2)


# -------------------------------------------------------------- training set
def training_set(
    n_copies: int = 10,
    max_flips: int = 2,
    seed: int = 0,
    extra_examples: Sequence[tuple[Sequence[float], int]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """The ten-class network's training data: X (n, 20) float64, y (n,) int64.

    Rows: the ten templates, then for each ``flips`` in 1..``max_flips`` ``n_copies``
    noisy copies of every digit (``noisy_digits(n_copies, flips, seed + flips)``), then
    the user's ``extra_examples`` as (pattern of 20 values, digit) pairs in their order.
    n = 10 + 10 * n_copies * max_flips + len(extra_examples).
    """
    parts_X = [digit_patterns()]
    parts_y = [np.arange(N_DIGITS, dtype=np.int64)]
    for flips in range(1, int(max_flips) + 1):
        X, y = noisy_digits(int(n_copies), flips, seed=int(seed) + flips)
        parts_X.append(X)
        parts_y.append(y)
    if len(extra_examples):
        parts_X.append(np.array([as_pattern(p) for p, _ in extra_examples]))
        digits = [int(d) for _, d in extra_examples]
        if min(digits) < 0 or max(digits) >= N_DIGITS:
            raise ValueError(f"digits must be 0 to {N_DIGITS - 1}")
        parts_y.append(np.array(digits, dtype=np.int64))
    return np.concatenate(parts_X), np.concatenate(parts_y)


def digit_model(hidden: int = 16, activation: str = "tanh", seed: int = 0) -> MLP:
    """The ten-class network: MLP [20, hidden, 10], softmax + cross-entropy, Adam.

    Full batch and no shuffling, so a seed gives the same weights after the same number
    of epochs whatever thread runs them.
    """
    return MLP(
        [N_PIXELS, int(hidden), N_DIGITS], activation=activation, loss="cross_entropy",
        optimizer="adam", learning_rate=0.02, batch_size=None, shuffle=False, seed=seed,
    )


# ------------------------------------------------------------ classic lesson
def classic_training_set() -> tuple[np.ndarray, np.ndarray]:
    """The lesson's data: X (4, 20) the templates of 0-3, y (4,) their targets d / 3."""
    digits = np.arange(CLASSIC_DIGITS)
    return digit_patterns()[:CLASSIC_DIGITS], classic_targets(digits)


def classic_targets(digits: Iterable[int]) -> np.ndarray:
    """Digits 0..3 (n,) -> float64 sigmoid targets digit / 3 (n,)."""
    d = np.asarray(digits, dtype=np.float64)
    return d / 3.0


def classic_predict(outputs: Iterable[float]) -> np.ndarray:
    """Sigmoid outputs (n,) or (n, 1) -> digits round(output * 3) (n,) int64 in 0..3."""
    out = np.asarray(outputs, dtype=np.float64).reshape(-1)
    with np.errstate(invalid="ignore"):
        return np.clip(np.rint(out * 3.0), 0, CLASSIC_DIGITS - 1).astype(np.int64)


def classic_model(seed: int = 0) -> MLP:
    """The textbook 20-20-1 network: sigmoid, no bias, SSE, plain SGD, lr 1, full batch
    (one ``partial_fit`` = one pass of the classic hand-written loop)."""
    return MLP(
        [N_PIXELS, 20, 1], activation="sigmoid", bias=False, loss="sse", optimizer="sgd",
        learning_rate=1.0, batch_size=None, task="regression", output_activation="sigmoid",
        init="xavier", shuffle=False, seed=seed,
    )


# ---------------------------------------------------------------- robustness
@dataclass(frozen=True)
class Robustness:
    """How a classifier copes with every unambiguous single-pixel flip of the templates.

    share       correct / counted (NaN when nothing was counted)
    correct     flips still read as the original digit
    counted     flips strictly closer (Hamming) to their own template than to any other
    failures    (digit, pixel, predicted) for each counted flip read wrongly
    """

    share: float
    correct: int
    counted: int
    failures: tuple[tuple[int, int, int], ...]


def single_flips(templates: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unambiguous single-pixel flip of ``templates`` (k, 20) (default: the ten
    digits): X (m, 20), their digit y (m,), the flipped pixel (m,). A flip is kept only
    when it is strictly closer to its own template than to every other template."""
    T = digit_patterns() if templates is None else np.asarray(templates, dtype=np.float64)
    k = T.shape[0]
    X = np.repeat(T, N_PIXELS, axis=0)
    pixel = np.tile(np.arange(N_PIXELS), k)
    X[np.arange(len(X)), pixel] = 1.0 - X[np.arange(len(X)), pixel]
    y = np.repeat(np.arange(k, dtype=np.int64), N_PIXELS)
    d = hamming(X, T)
    own = d[np.arange(len(X)), y]
    d[np.arange(len(X)), y] = N_PIXELS + 1
    keep = own < d.min(axis=1)
    return X[keep], y[keep], pixel[keep]


def held_out_flips(X_train: np.ndarray, templates: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The unambiguous single flips (``single_flips``) that are not rows of ``X_train``
    (n, 20): a test set the network never saw. X (m, 20), y (m,) digits."""
    X, y, _ = single_flips(templates)
    seen = {row.tobytes() for row in (np.asarray(X_train) > 0.5)}
    keep = np.array([row.tobytes() not in seen for row in X > 0.5], dtype=bool)
    return X[keep], y[keep]


def robustness(predict: Callable[[np.ndarray], np.ndarray],
               templates: np.ndarray | None = None) -> Robustness:
    """Share of the unambiguous single flips (``single_flips``) that ``predict``
    ((m, 20) -> (m,) digits) reads as the original digit."""
    X, y, pixel = single_flips(templates)
    pred = np.asarray(predict(X)).reshape(-1).astype(np.int64)
    ok = pred == y
    counted = len(y)
    failures = tuple((int(d), int(p), int(q)) for d, p, q in zip(y[~ok], pixel[~ok], pred[~ok]))
    share = float(ok.sum()) / counted if counted else float("nan")
    return Robustness(share, int(ok.sum()), counted, failures)


def pixel_push(model: MLP, pattern: np.ndarray, target: int) -> np.ndarray:
    """Input x gradient (20,) for one pattern (20,): how much each lit pixel pushed the
    output ``target`` up (> 0) or down (< 0). For a softmax network the gradient is that
    of log p[target], which does not vanish once the network is sure (p near 1)."""
    x = as_pattern(pattern)[None, :]
    grad = model.input_gradient(x, int(target))[0]
    with np.errstate(all="ignore"):
        if model.resolved_output_activation == "softmax":
            grad = grad / float(model.predict_proba(x)[0, int(target)])
        push = grad * x[0]
    return np.where(np.isfinite(push), push, 0.0)


# --------------------------------------------------------------------- words
def describe_prediction(probabilities: Sequence[float]) -> tuple[str, str]:
    """What the pad shows for ten class probabilities (10,): (big text, sentence).

    Confident (max >= 0.5): ("3", "It reads 3 (94 % sure)."). Otherwise the big text is
    "?" and the sentence names the two likeliest digits: "Not sure — maybe 3 or 8?".
    """
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    if p.size == 0 or not np.all(np.isfinite(p)):
        return "?", "No answer: the network is not trained."
    order = np.argsort(-p, kind="stable")
    best = int(order[0])
    if p[best] >= CONFIDENT:
        return str(best), f"It reads {best} ({100 * p[best]:.0f} % sure)."
    second = int(order[1]) if p.size > 1 else best
    return "?", f"Not sure \N{EM DASH} maybe {best} or {second}?"


def describe_classic(output: float) -> tuple[str, str]:
    """The lesson network's sigmoid output -> (big text, sentence with output x 3)."""
    if not np.isfinite(output):
        return "?", "No answer: the network is not trained."
    digit = int(classic_predict([output])[0])
    return str(digit), f"Output \N{MULTIPLICATION SIGN} 3 = {3 * output:.2f}, rounded: {digit}."
