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

Each network is wrapped in a task object (``TEN_DIGITS``, ``CLASSIC``; ``TASKS`` in the
order the pad offers them): its model, training and test sets, epochs, how its outputs
read as an answer (``Reading``) and what "look inside" explains. The panel asks the
current task and never which one it is.

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


# --------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class Reading:
    """What the pad shows for one drawing (``DigitTask.read``).

    text      the big answer: a digit, or "?"
    sentence  the answer in words
    outputs   the network's outputs, float64 (n_out,)
    bars      (10,) bar heights: each digit's probability, zeros when there are none
    winner    the bar drawn highlighted, or None
    marker    where the number line's marker stands (output x 3), or None
    target    the output whose pixel push "look inside" shows
    towards   what that output's push is towards, in words
    """

    text: str
    sentence: str
    outputs: np.ndarray
    bars: np.ndarray
    winner: int | None
    marker: float | None
    target: int
    towards: str


class DigitTask:
    """One network of the pad and what it is for.

    key       "digits" or "classic" (``DigitPanel.mode``)
    title     its name in the pad's network chooser
    epochs    what "Retrain" runs
    teachable whether the user's drawings join its training set
    digits    how many digits it knows (templates 0 .. digits - 1)
    x_range, y_range, plot_title   the answer plot's frame
    probabilities   the outputs are the digits' probabilities (bars, the 50 % line and a
                    probability axis) rather than one output on a number line
    """

    key: str
    title: str
    epochs: int
    teachable: bool
    digits: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    plot_title: str | None
    probabilities: bool

    def templates(self) -> np.ndarray:
        """The templates of the digits it knows: (digits, 20)."""
        return digit_patterns()[:self.digits]

    def model(self, seed: int) -> MLP:
        raise NotImplementedError

    def training_set(self, seed: int = 0, extra_examples: Sequence = ()
                     ) -> tuple[np.ndarray, np.ndarray]:
        """(X (n, 20), targets (n,))."""
        raise NotImplementedError

    def test_set(self, X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The one-pixel slips of its templates that are not in ``X_train``: (X, targets)."""
        raise NotImplementedError

    def predict(self, model: MLP, X: np.ndarray) -> np.ndarray:
        """Patterns (m, 20) -> the digits ``model`` reads (m,) int64."""
        raise NotImplementedError

    def read(self, outputs: Iterable[float]) -> Reading:
        """The model's outputs for one pattern -> what the pad shows."""
        raise NotImplementedError

    def robustness(self, model: MLP) -> Robustness:
        """How ``model`` reads every unambiguous one-pixel slip of the templates."""
        return robustness(lambda X: self.predict(model, X), self.templates())


class TenDigitsTask(DigitTask):
    """All ten digits: ``digit_model``, softmax probabilities, "not sure" below 50 %."""

    key = "digits"
    title = "Ten digits (softmax network)"
    epochs = DIGIT_EPOCHS
    teachable = True
    digits = N_DIGITS
    x_range = (-0.6, 9.6)
    y_range = (0.0, 1.02)
    plot_title = None
    probabilities = True

    def model(self, seed: int) -> MLP:
        return digit_model(seed=seed)

    def training_set(self, seed: int = 0, extra_examples: Sequence = ()
                     ) -> tuple[np.ndarray, np.ndarray]:
        return training_set(seed=seed, extra_examples=extra_examples)

    def test_set(self, X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return held_out_flips(X_train, self.templates())

    def predict(self, model: MLP, X: np.ndarray) -> np.ndarray:
        return model.predict(X)

    def read(self, outputs: Iterable[float]) -> Reading:
        p = np.asarray(outputs, dtype=np.float64).reshape(-1)
        text, sentence = describe_prediction(p)
        best = int(np.argmax(p))
        return Reading(text, sentence, p, p, best, None, best, f"the answer {best}")


class ClassicTask(DigitTask):
    """The lesson: ``classic_model`` on the patterns 0-3, answer round(output x 3)."""

    key = "classic"
    title = "Classic 0-3 network (lesson)"
    epochs = CLASSIC_EPOCHS
    teachable = False
    digits = CLASSIC_DIGITS
    x_range = (-0.5, 3.5)
    y_range = (0.0, 1.0)
    plot_title = "network output \N{MULTIPLICATION SIGN} 3 (orange line)"
    probabilities = False

    def model(self, seed: int) -> MLP:
        return classic_model(seed)

    def training_set(self, seed: int = 0, extra_examples: Sequence = ()
                     ) -> tuple[np.ndarray, np.ndarray]:
        return classic_training_set()  # the lesson's four patterns, whatever was drawn

    def test_set(self, X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X, y = held_out_flips(X_train, self.templates())
        return X, classic_targets(y)

    def predict(self, model: MLP, X: np.ndarray) -> np.ndarray:
        return classic_predict(model.predict_proba(X))

    def read(self, outputs: Iterable[float]) -> Reading:
        out = np.asarray(outputs, dtype=np.float64).reshape(-1)
        text, sentence = describe_classic(float(out[0]))
        marker = 3 * float(out[0]) if np.isfinite(out[0]) else 0.0
        # One output: look inside shows what makes it bigger, whatever digit it reads.
        return Reading(text, sentence, out, np.zeros(N_DIGITS), None, marker, 0,
                       "a bigger output")


TEN_DIGITS = TenDigitsTask()
CLASSIC = ClassicTask()
TASKS: tuple[DigitTask, ...] = (TEN_DIGITS, CLASSIC)
