"""The digit pad's pure side: training set, lesson network, robustness, wording."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.core import digits as dg
from nnplayground.core.datasets import DIGIT_FONT, digit_patterns


def test_training_set_is_templates_then_noisy_copies_then_extras():
    extra = [([1.0] * 20, 7), (DIGIT_FONT[1], 4)]
    X, y = dg.training_set(n_copies=3, max_flips=2, seed=5, extra_examples=extra)
    assert X.shape == (10 + 10 * 3 * 2 + 2, 20) and X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X[:10], digit_patterns())
    np.testing.assert_array_equal(y[:10], np.arange(10))
    # copies with one flip (seed 5 + 1), then two flips (seed 5 + 2), grouped by digit
    ones = np.abs(X[10:40] - np.repeat(digit_patterns(), 3, axis=0)).sum(axis=1)
    twos = np.abs(X[40:70] - np.repeat(digit_patterns(), 3, axis=0)).sum(axis=1)
    assert np.all(ones == 1) and np.all(twos == 2)
    np.testing.assert_array_equal(y[10:40], np.repeat(np.arange(10), 3))
    np.testing.assert_array_equal(X[-2], np.ones(20))
    np.testing.assert_array_equal(X[-1], DIGIT_FONT[1].ravel())
    np.testing.assert_array_equal(y[-2:], [7, 4])
    # same seed, same set; another seed, other copies
    X2, _ = dg.training_set(n_copies=3, max_flips=2, seed=5)
    np.testing.assert_array_equal(X2, X[:-2])
    X3, _ = dg.training_set(n_copies=3, max_flips=2, seed=6)
    assert not np.array_equal(X3, X2)


def test_training_set_rejects_bad_digits():
    with pytest.raises(ValueError):
        dg.training_set(extra_examples=[([0] * 20, 10)])
    with pytest.raises(ValueError):
        dg.as_pattern([1, 0, 1])


def test_flip_pixels_is_seeded_and_exact():
    p = DIGIT_FONT[8].ravel()
    a = dg.flip_pixels(p, 3, seed=11)
    b = dg.flip_pixels(p, 3, seed=11)
    np.testing.assert_array_equal(a, b)
    assert int(np.abs(a - p).sum()) == 3
    assert not np.array_equal(dg.flip_pixels(p, 3, seed=12), a)
    np.testing.assert_array_equal(dg.flip_pixels(p, 20, seed=0), 1 - p)
    np.testing.assert_array_equal(p, DIGIT_FONT[8].ravel())  # the font is untouched


def test_hamming_and_single_flips():
    T = digit_patterns()
    d = dg.hamming(T, T)
    assert np.all(np.diag(d) == 0)
    # The font keeps every pair of digits at least 3 pixels apart, so all 200 single
    # flips are unambiguous; with two templates 2 apart, every flip of a differing pixel
    # lands halfway and is left out.
    assert d[~np.eye(10, dtype=bool)].min() >= 3
    X, y, pixel = dg.single_flips()
    assert X.shape == (200, 20)
    np.testing.assert_array_equal(np.abs(X - T[y]).sum(axis=1), np.ones(200))
    near = np.array([[1, 1] + [0] * 18, [0, 0] + [0] * 18], dtype=float)
    Xn, yn, pn = dg.single_flips(near)
    assert len(Xn) == 2 * 18 and not set(pn) & {0, 1}


def test_robustness_counts_and_failures():
    T = digit_patterns()

    def nearest(X):
        return np.argmin(dg.hamming(X, T), axis=1)

    r = dg.robustness(nearest)
    assert (r.share, r.correct, r.counted, r.failures) == (1.0, 200, 200, ())

    def always_zero(X):
        return np.zeros(len(X), dtype=int)

    r = dg.robustness(always_zero)
    assert (r.correct, r.counted) == (20, 200) and r.share == pytest.approx(0.1)
    assert r.failures[0] == (1, 0, 0)  # digit 1, pixel 0 flipped, read as 0


def test_held_out_flips_leave_out_training_rows():
    X_train, _ = dg.training_set(n_copies=10, max_flips=1, seed=0)
    Xh, yh = dg.held_out_flips(X_train)
    seen = {r.tobytes() for r in X_train > 0.5}
    assert 0 < len(Xh) < 200
    assert not any(r.tobytes() in seen for r in Xh > 0.5)
    # every one-flip copy in the training set is one of the 200, so they add up
    assert len(Xh) + len({r.tobytes() for r in X_train[10:] > 0.5}) == 200


def test_ten_class_network_reads_templates_and_is_robust():
    X, y = dg.training_set()
    model = dg.digit_model(seed=0)
    for _ in range(dg.DIGIT_EPOCHS):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(model.predict(digit_patterns()), np.arange(10))
    r = dg.robustness(model.predict)
    # 198 of 200 (99.0 %): the two misses are 8 and 6 with the top-right pixel flipped
    # (they are then only 2 pixels from each other's template).
    assert r.counted == 200 and r.share >= 0.9
    assert (r.correct, r.failures) == (198, ((6, 3, 8), (8, 3, 6)))


def test_classic_targets_and_rounding():
    np.testing.assert_array_equal(dg.classic_targets([0, 1, 2, 3]), [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_array_equal(
        dg.classic_predict([0.0, 0.16, 0.17, 0.5, 0.84, 1.0, 2.0, -1.0]), [0, 0, 1, 2, 3, 3, 3, 0])
    assert dg.classic_predict(np.array([[1 / 3]])).tolist() == [1]


def test_classic_network_is_the_textbook_loop():
    X, t = dg.classic_training_set()
    model = dg.classic_model(seed=3)
    W0, W1 = (w.copy() for w in model.weights)
    for _ in range(5):
        model.partial_fit(X, t)
        l1 = 1 / (1 + np.exp(-X @ W0))
        l2 = 1 / (1 + np.exp(-l1 @ W1))
        l2_delta = (t[:, None] - l2) * l2 * (1 - l2)
        l1_delta = l2_delta @ W1.T * l1 * (1 - l1)
        W1 = W1 + l1.T @ l2_delta
        W0 = W0 + X.T @ l1_delta
    np.testing.assert_allclose(model.weights[0], W0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.weights[1], W1, rtol=1e-12, atol=1e-14)
    for _ in range(dg.CLASSIC_EPOCHS - 5):
        model.partial_fit(X, t)
    np.testing.assert_array_equal(dg.classic_predict(model.predict_proba(X)), [0, 1, 2, 3])


def test_pixel_push_is_input_times_gradient_of_log_probability():
    X, y = dg.training_set(n_copies=2, max_flips=1)
    model = dg.digit_model(seed=1)
    for _ in range(30):
        model.partial_fit(X, y)
    p = DIGIT_FONT[2].ravel().astype(float)
    push = dg.pixel_push(model, p, 2)
    assert np.all(push[p == 0] == 0)
    # numerically: d log p2 / d x_i for the lit pixels
    eps = 1e-6
    lit = np.flatnonzero(p)
    numeric = []
    for i in lit:
        up, down = p.copy(), p.copy()
        up[i] += eps
        down[i] -= eps
        numeric.append((np.log(model.predict_proba(up[None])[0, 2])
                        - np.log(model.predict_proba(down[None])[0, 2])) / (2 * eps))
    np.testing.assert_allclose(push[lit], numeric, rtol=1e-5, atol=1e-8)


def test_describe_prediction():
    probs = np.full(10, 0.01)
    probs[3] = 0.91
    assert dg.describe_prediction(probs) == ("3", "It reads 3 (91 % sure).")
    unsure = np.array([0, 0, 0, 0.4, 0, 0, 0, 0, 0.35, 0.25])
    assert dg.describe_prediction(unsure) == ("?", "Not sure \N{EM DASH} maybe 3 or 8?")
    at_half = np.zeros(10)
    at_half[[5, 6]] = 0.5
    assert dg.describe_prediction(at_half)[0] == "5"  # 0.5 counts as sure; ties go low
    assert dg.describe_prediction(np.full(10, np.nan))[0] == "?"
    assert dg.describe_classic(0.7) == ("2", "Output \N{MULTIPLICATION SIGN} 3 = 2.10, rounded: 2.")


# --------------------------------------------------------------------- tasks
def train(task, seed=0):
    X, y = task.training_set(seed)
    model = task.model(seed)
    for _ in range(task.epochs):
        model.partial_fit(X, y)
    return model


def test_tasks_in_the_order_the_pad_offers_them():
    assert dg.TASKS == (dg.TEN_DIGITS, dg.CLASSIC)
    assert [(t.key, t.title, t.epochs, t.teachable, t.digits, t.probabilities) for t in dg.TASKS] \
        == [("digits", "Ten digits (softmax network)", dg.DIGIT_EPOCHS, True, 10, True),
            ("classic", "Classic 0-3 network (lesson)", dg.CLASSIC_EPOCHS, False, 4, False)]
    np.testing.assert_array_equal(dg.CLASSIC.templates(), digit_patterns()[:4])
    np.testing.assert_array_equal(dg.TEN_DIGITS.templates(), digit_patterns())


def test_ten_digits_task_data_and_model():
    extra = [([1.0] * 20, 8)]
    X, y = dg.TEN_DIGITS.training_set(3, extra)
    X0, y0 = dg.training_set(seed=3, extra_examples=extra)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    Xt, yt = dg.TEN_DIGITS.test_set(X)
    Xh, yh = dg.held_out_flips(X)
    np.testing.assert_array_equal(Xt, Xh)
    np.testing.assert_array_equal(yt, yh)
    model = dg.TEN_DIGITS.model(3)
    assert model.layer_sizes == [20, 16, 10]
    for w, w0 in zip(model.weights, dg.digit_model(seed=3).weights):
        np.testing.assert_array_equal(w, w0)


def test_ten_digits_task_reads_templates_and_counts_slips():
    task = dg.TEN_DIGITS
    model = train(task)
    for d in range(10):
        reading = task.read(model.predict_proba(digit_patterns()[d][None])[0])
        assert (reading.text, reading.winner, reading.target) == (str(d), d, d)
        assert reading.sentence.startswith(f"It reads {d} (")
        assert reading.towards == f"the answer {d}" and reading.marker is None
    r = task.robustness(model)
    assert (r.correct, r.counted, r.failures) == (198, 200, ((6, 3, 8), (8, 3, 6)))


def test_ten_digits_task_not_sure_rule():
    sure = np.full(10, 0.01)
    sure[3] = 0.91
    r = dg.TEN_DIGITS.read(sure)
    assert (r.text, r.sentence, r.winner, r.target, r.marker, r.towards) \
        == ("3", "It reads 3 (91 % sure).", 3, 3, None, "the answer 3")
    np.testing.assert_array_equal(r.bars, sure)
    np.testing.assert_array_equal(r.outputs, sure)
    assert r.outputs.dtype == np.float64
    # Below 50 % it says so and names the two likeliest, while the bars still show the
    # likeliest in orange and look inside still explains it.
    unsure = np.array([0, 0, 0, 0.4, 0, 0, 0, 0, 0.35, 0.25])
    r = dg.TEN_DIGITS.read(unsure)
    assert (r.text, r.sentence, r.winner, r.target) \
        == ("?", "Not sure \N{EM DASH} maybe 3 or 8?", 3, 3)
    at_half = np.zeros(10)
    at_half[[5, 6]] = 0.5
    assert dg.TEN_DIGITS.read(at_half).text == "5"  # exactly 50 % is sure; ties go low
    r = dg.TEN_DIGITS.read(np.full(10, np.nan))
    assert (r.text, r.sentence) == ("?", "No answer: the network is not trained.")


def test_classic_task_data_and_model():
    task = dg.CLASSIC
    X, t = task.training_set(7, [([1.0] * 20, 8)])  # no seed, no drawings: the lesson's four
    np.testing.assert_array_equal(X, digit_patterns()[:4])
    np.testing.assert_array_equal(t, [0, 1 / 3, 2 / 3, 1])
    Xt, tt = task.test_set(X)
    # The four templates are 3 or more pixels apart: all 4 x 20 slips are unambiguous.
    assert Xt.shape == (80, 20)
    digit = np.argmin(dg.hamming(Xt, X), axis=1)
    np.testing.assert_array_equal(tt, digit / 3)
    np.testing.assert_array_equal(np.abs(Xt - X[digit]).sum(axis=1), np.ones(80))
    model = task.model(5)
    assert model.layer_sizes == [20, 20, 1] and model.loss == "sse"
    for w, w0 in zip(model.weights, dg.classic_model(5).weights):
        np.testing.assert_array_equal(w, w0)


def test_classic_task_reads_each_template_as_its_digit_after_training():
    task = dg.CLASSIC
    model = train(task)
    for d in range(4):
        out = model.predict_proba(digit_patterns()[d][None])[0]
        r = task.read(out)
        assert r.text == str(d)
        assert r.sentence == f"Output \N{MULTIPLICATION SIGN} 3 = {3 * out[0]:.2f}, rounded: {d}."
        assert r.marker == 3 * out[0] and r.outputs.tolist() == [out[0]]
        assert (r.winner, r.target, r.towards) == (None, 0, "a bigger output")
        np.testing.assert_array_equal(r.bars, np.zeros(10))
    rob = task.robustness(model)
    expected = dg.robustness(lambda X: dg.classic_predict(model.predict_proba(X)),
                             digit_patterns()[:4])
    assert rob == expected and rob.counted == 80
    np.testing.assert_array_equal(task.predict(model, digit_patterns()[:4]), [0, 1, 2, 3])


def test_classic_task_reading_rounds_output_times_three():
    assert dg.CLASSIC.read([0.7]).text == "2"
    assert dg.CLASSIC.read([0.7]).marker == pytest.approx(2.1)
    assert dg.CLASSIC.read([0.5]).sentence == "Output \N{MULTIPLICATION SIGN} 3 = 1.50, rounded: 2."
    r = dg.CLASSIC.read([np.nan])
    assert (r.text, r.sentence, r.marker) == ("?", "No answer: the network is not trained.", 0.0)
