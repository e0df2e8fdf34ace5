"""The lessons: every file loads, every step sets up what its text promises, broken files
are refused with a LessonError, and the headless printouts follow the tutorials' rules."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from nnplayground.core import lesson_generators as lg
from nnplayground.core import digits
from nnplayground.core.datasets import _origin_inside_hull
from nnplayground.core.headless import classic_printout, format_array, forward_printout, run_lesson
from nnplayground.core.lessons import (MAX_FILE_BYTES, LessonError, grouped_lessons, list_lessons,
                                       load_lesson, load_lesson_file)

IDS = ["and-or", "line", "bias", "3d-classes", "xor", "xor-classic", "single-layer",
       "forward-relu", "clusters-3d", "autoencoder", "digits"]
XOR_INPUTS = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]


def accuracy(model, data) -> float:
    return float(np.mean(model.predict(data.X) == data.y))


def train(model, data, epochs):
    for _ in range(epochs):
        model.partial_fit(data.X, data.y)
        if model.converged:
            break
    return model


# ------------------------------------------------------------------ catalogue
def test_lessons_in_teaching_order_with_titles_and_groups():
    infos = list_lessons()
    assert [i.id for i in infos] == IDS
    assert all(i.title and i.summary for i in infos)
    assert [g for g, _ in grouped_lessons()] == ["Perceptrons", "Multi-layer networks",
                                                 "Unsupervised", "Digits"]


@pytest.mark.parametrize("lesson_id", IDS)
def test_every_lesson_loads_and_every_step_has_a_setup_in_force(lesson_id):
    lesson = load_lesson(lesson_id)
    assert (lesson.id, lesson.title) == (lesson_id, lesson.info.title)
    assert lesson.steps[0].has_setup and len(lesson.steps) >= 2
    for i, step in enumerate(lesson.steps):
        assert step.number == i + 1 and 20 < len(step.text) < 700
        s = lesson.setup(i)
        model = s.build_model()
        data = s.dataset
        assert model.n_inputs == data.X.shape[1]
        assert s.model_spec().build().get_state().keys() == model.get_state().keys()
        for cid in s.locked + s.hidden:
            assert cid.startswith(("data.", "model."))
        if not step.has_setup:
            assert s is lesson.setup(i - 1)  # the previous step's setup carries on
    with pytest.raises(IndexError):
        lesson.setup(len(lesson.steps))


def test_setup_hands_out_copies():
    s = load_lesson("xor-classic").setup(0)
    s.dataset.X[:] = 7
    s.weights["weights"][0][:] = 7
    s.model_config["layer_sizes"].append(9)
    assert s.dataset.X[0].tolist() == [0, 0, 1]
    assert s.model_config["layer_sizes"] == [3, 4, 1]
    assert s.build_model().weights[0][0, 0] == -0.165955990594852


# --------------------------------------------------------------------- and-or
def test_and_or_threshold_as_a_bias():
    lesson = load_lesson("and-or")
    s = lesson.setup(0)
    assert s.epochs == 0 and s.dataset.y.tolist() == [0, 0, 0, 1]
    p = s.build_model()
    assert p.weights.tolist() == [0.5, 0.5] and p.bias == -0.5000001
    assert p.predict(s.dataset.X).tolist() == [0, 0, 0, 1]  # AND
    p.bias = -0.5  # exactly minus the threshold: the ties at 0.5 fire
    assert p.predict(s.dataset.X).tolist() == [0, 1, 1, 1]  # OR
    assert "-0.5000001" in lesson.steps[1].text and "-0.5" in lesson.steps[2].text
    s3 = lesson.setup(3)  # OR is the target; the hand-set AND weights are kept
    assert s3.dataset.y.tolist() == [0, 1, 1, 1] and s3.epochs == 100
    p = s3.build_model()
    assert p.bias == -0.5000001
    assert accuracy(p, s3.dataset) == 0.5
    assert accuracy(train(p, s3.dataset, s3.epochs), s3.dataset) == 1.0


# ----------------------------------------------------------------------- line
def separable_through_origin(data) -> bool:
    """Points in the first quadrant: a line through (0, 0) separates the classes exactly
    when every class-1 point is at a steeper angle than every class-0 point."""
    angle = np.arctan2(data.X[:, 1], data.X[:, 0])
    return bool(angle[data.y == 0].max() < angle[data.y == 1].min())


def test_line_stated_seed_is_separable_through_the_origin():
    lesson = load_lesson("line")
    s = lesson.setup(0)
    data = s.dataset
    assert s.data["seed"] == 17 and "seed 17" in lesson.steps[0].text
    assert data.X.shape == (100, 2) and np.all(data.X == np.round(data.X))
    assert data.X.min() >= 1 and data.X.max() <= 99
    assert np.array_equal(data.y, (data.X[:, 1] > data.X[:, 0] + 4).astype(int))
    assert separable_through_origin(data)
    p = s.build_model()
    assert p.bias is None
    train(p, data, s.epochs)
    assert p.converged and p.error(data.X, data.y) == 0.0


def test_line_second_draw_is_not_separable_and_the_text_says_why():
    lesson = load_lesson("line")
    data = lesson.setup(2).dataset
    assert lesson.setup(2).data["seed"] == 0
    assert not separable_through_origin(data)
    rows = {tuple(r): int(c) for r, c in zip(data.X.tolist(), data.y)}
    assert rows[(5.0, 9.0)] == 0 and rows[(79.0, 87.0)] == 1  # the pair the text names
    p = train(lesson.setup(2).build_model(), data, 100)
    assert not p.converged
    # "about three draws in ten"
    share = np.mean([separable_through_origin(lg.integer_points_above_line(seed=k))
                     for k in range(200)])
    assert 0.2 < share < 0.4


# ----------------------------------------------------------------------- bias
def test_bias_without_it_stuck_with_it_separated():
    lesson = load_lesson("bias")
    s0, s2 = lesson.setup(0), lesson.setup(2)
    data = s0.dataset
    assert np.bincount(data.y).tolist() == [50, 50]
    near, far = data.X[data.y == 0], data.X[data.y == 1]
    assert near.min(0).tolist() >= [-2.5, -1.7] and near.max(0).tolist() <= [2.3, 2.8]
    assert far.min(0).tolist() >= [-7.2, 3.0] and far.max(0).tolist() <= [-4.4, 6.5]
    # The origin inside the first cluster's hull: no line through (0, 0) can separate.
    assert _origin_inside_hull(near)
    p = train(s0.build_model(), data, s0.epochs)
    assert p.bias is None and not p.converged and accuracy(p, data) < 1.0
    assert np.array_equal(s2.dataset.X, data.X)  # same points, now a bias
    q = train(s2.build_model(), s2.dataset, s2.epochs)
    assert q.bias is not None and q.converged and accuracy(q, data) == 1.0


# ----------------------------------------------------------------- 3d-classes
def test_3d_classes_are_the_tutorials_and_a_plane_separates_them():
    s = load_lesson("3d-classes").setup(0)
    data = s.dataset
    assert data.X.shape == (24, 3) and data.y.tolist() == [0] * 12 + [1] * 12
    assert data.X[0].tolist() == [3, 4, 3] and data.X[11].tolist() == [4.3, 4.3, 3.8]
    assert data.X[12].tolist() == [-3, -4, 7.6] and data.X[23].tolist() == [-3.7, -5.8, 8.7]
    p = train(s.build_model(), data, s.epochs)
    assert p.n_inputs == 3 and p.converged and accuracy(p, data) == 1.0


# ------------------------------------------------------------------------ xor
def test_xor_perceptron_fails_hand_set_network_solves():
    lesson = load_lesson("xor")
    s0, s2 = lesson.setup(0), lesson.setup(2)
    p = s0.build_model()
    errors = [p.partial_fit(s0.dataset.X, s0.dataset.y) for _ in range(s0.epochs)]
    assert min(errors) > 0 and accuracy(p, s0.dataset) < 1.0
    net = s2.build_model()
    assert net.kind == "mlp" and net.layer_sizes == [2, 2, 1] and s2.epochs == 0
    assert s2.view.hidden_lines
    X = s2.dataset.X
    assert accuracy(net, s2.dataset) == 1.0
    assert np.all(np.abs(net.predict_proba(X)[:, 0] - [0, 1, 1, 0]) < 1e-4)  # steep sigmoids
    hidden = net.forward(X)[1] > 0.5
    assert hidden[:, 0].tolist() == [False, True, True, True]   # OR
    assert hidden[:, 1].tolist() == [False, False, False, True]  # AND


# ------------------------------------------------------- classic tutorial nets
def legacy_weights(*shapes):
    rs = np.random.RandomState(1)  # what np.random.seed(1) then np.random.random gives
    return [2 * rs.random_sample(shape) - 1 for shape in shapes]


@pytest.mark.parametrize("lesson_id, sizes, targets, epochs", [
    ("xor-classic", [3, 4, 1], [0, 1, 1, 0], 60000),
    ("single-layer", [3, 1], [0, 0, 1, 1], 10000),
])
def test_classic_networks_are_the_tutorials(lesson_id, sizes, targets, epochs):
    s = load_lesson(lesson_id).setup(0)
    assert s.dataset.X.tolist() == XOR_INPUTS and s.dataset.y.tolist() == targets
    assert s.epochs == epochs and s.test_share == 0.0
    assert (s.constant_input.column, s.constant_input.value) == (2, 1.0)
    assert "1" in s.constant_input.label
    m = s.build_model()
    assert m.layer_sizes == sizes and m.biases is None and m.activation == "sigmoid"
    assert (m.loss, m.optimizer, m.learning_rate, m.batch_size) == ("sse", "sgd", 1.0, None)
    expected = legacy_weights(*zip(sizes[:-1], sizes[1:]))
    assert all(np.array_equal(w, e) for w, e in zip(m.weights, expected))  # bit for bit
    assert s.printout.rule == "classic"


def test_mlp_update_is_the_hand_written_loop_bit_for_bit():
    """What makes the headless printout the tutorial's to the last printed digit."""
    s = load_lesson("xor-classic").setup(0)
    m = s.build_model()
    X = np.array(XOR_INPUTS, dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    W0, W1 = legacy_weights((3, 4), (4, 1))
    for _ in range(300):
        l1 = 1 / (1 + np.exp(-(X @ W0)))
        l2 = 1 / (1 + np.exp(-(l1 @ W1)))
        assert np.array_equal(m.predict_proba(X), l2)
        l2_delta = (y - l2) * (l2 * (1 - l2))
        l1_delta = l2_delta.dot(W1.T) * (l1 * (1 - l1))
        W1 += l1.T.dot(l2_delta)
        W0 += X.T.dot(l1_delta)
        m.partial_fit(X, s.dataset.y)
    assert np.array_equal(m.weights[0], W0) and np.array_equal(m.weights[1], W1)


def test_classic_printout_format():
    s = load_lesson("xor-classic").setup(0)
    lines = classic_printout(s.build_model(), s.dataset.X, s.dataset.y, 3, 2, "Done")
    assert lines[0] == "Error: 0.496410031903" and lines[1].startswith("Error: 0.49")
    assert lines[2] == "Done" and len(lines) == 7
    assert lines[3].startswith("[[0.") and lines[6].endswith("]]")


def test_format_array_ignores_the_callers_print_options():
    a = np.array([[0.0026057176], [0.99672209]])
    with np.printoptions(precision=3, floatmode="fixed"):
        assert format_array(a) == "[[0.00260572]\n [0.99672209]]"


# --------------------------------------------------------------- forward-relu
def test_forward_relu_gives_32_for_2_and_3():
    s = load_lesson("forward-relu").setup(0)
    net = s.build_model()
    assert s.epochs == 0 and net.biases is None and net.resolved_output_activation == "linear"
    assert s.dataset.X.tolist() == [[2, 3]]
    acts = net.forward([[2.0, 3.0]])
    assert acts[1].tolist() == [[16.0, 0.0]] and acts[2].tolist() == [[32.0]]
    assert net.forward([[1.0, 0.0]])[2].tolist() == [[2 * 2 + 7 * 4]]
    assert forward_printout(net, s.dataset.X) == ["Inputs: 2, 3", "Hidden layer 1: 16, 0", "Output: 32"]
    assert run_lesson("forward-relu") == ["Inputs: 2, 3", "Hidden layer 1: 16, 0", "Output: 32"]


# ---------------------------------------------------------------- clusters-3d
def test_clusters_3d_100_then_1000_epochs():
    lesson = load_lesson("clusters-3d")
    s0, s2 = lesson.setup(0), lesson.setup(2)
    data = s0.dataset
    assert data.X.shape == (500, 3) and np.bincount(data.y).tolist() == [100] * 5
    assert data.centroids.tolist() == [[1, 2, 1], [2, 5, 2], [-3, 3, 0], [5, -1, -1], [-2, -2, -2]]
    spread = np.concatenate([data.X[data.y == k] - data.centroids[k] for k in range(5)])
    assert 0.7 < spread.std() < 0.9
    layer = s0.build_model()
    assert (layer.kind, layer.n_inputs, layer.n_neurons) == ("competitive", 3, 5)
    assert (s0.epochs, s2.epochs) == (100, 1000)
    assert s2.model_config == s0.model_config and s2.data == s0.data

    def farthest(centroids):
        gaps = np.linalg.norm(data.centroids[:, None] - centroids[None], axis=2)
        assert sorted(gaps.argmin(axis=1).tolist()) == list(range(5))  # a neuron each
        return gaps.min(axis=1).max()

    # Step 2 starts again from the same seed, so its first 100 epochs are step 1's.
    layer.fit(data.X, epochs=100)
    after_100 = farthest(layer.centroids)
    layer.fit(data.X, epochs=900)
    after_1000 = farthest(layer.centroids)
    assert after_100 > 1.0 and after_1000 < 0.3  # what the step texts say


# ---------------------------------------------------------------- autoencoder
#: Computed once with scikit-learn 1.9.1:
#: make_blobs(n_samples=1000, centers=2, n_features=2, random_state=42, return_centers=True)
SKLEARN_CENTERS = [[-2.50919762305275, 9.014286128198322], [4.639878836228101, 1.973169683940732]]
SKLEARN_POINTS = {0: ([-1.6735055109876082, 7.884579273540703], 0),
                  1: ([6.317579650304542, 1.4195814422327375], 1),
                  2: ([3.5436037493329, 0.5331188013464376], 1),
                  499: ([6.030086385245415, 2.530979990292594], 1),
                  998: ([5.76592908700027, 1.9217759603522457], 1),
                  999: ([-0.3193946898350779, 8.20598784284317], 0)}


def test_make_blobs_reproduction_matches_scikit_learn():
    data = lg.make_blobs_compatible(n_samples=1000, centers=2, n_features=2, random_state=42)
    assert data.X.shape == (1000, 2) and np.bincount(data.y).tolist() == [500, 500]
    assert np.allclose(data.centroids, SKLEARN_CENTERS, rtol=0, atol=1e-12)
    for i, (point, label) in SKLEARN_POINTS.items():
        assert np.allclose(data.X[i], point, rtol=0, atol=1e-12) and data.y[i] == label
    # An odd count: the first centre gets the extra point (before shuffling).
    odd = lg.make_blobs_compatible(n_samples=7, centers=3, shuffle=False, random_state=5)
    assert odd.y.tolist() == [0, 0, 0, 1, 1, 2, 2]


def test_autoencoder_2d_code_then_1d_bottleneck():
    lesson = load_lesson("autoencoder")
    s0, s2 = lesson.setup(0), lesson.setup(2)
    assert s0.data == {"generator": "make_blobs", "seed": 42,
                       "params": {"n_samples": 1000, "centers": 2, "n_features": 2}}
    assert np.allclose(s0.dataset.X[0], SKLEARN_POINTS[0][0], rtol=0, atol=1e-12)
    assert "(-5, 0)" in lesson.steps[0].text and "(-2.5, 9.0)" in lesson.steps[0].text
    assert "compressed" in lesson.steps[1].text
    ae = s0.build_model()
    assert ae.layer_sizes == [2, 8, 2, 8, 2] and ae.n_latent == 2 and s0.epochs == 50
    errors = ae.fit(s0.dataset.X, epochs=s0.epochs)
    assert errors[-1] < 0.01  # 2 numbers through 2: nothing to lose
    bottleneck = s2.build_model()
    assert bottleneck.n_latent == 1 and s2.epochs == 100


# --------------------------------------------------------------------- digits
def test_digits_classic_network_beside_the_ten_digit_network():
    lesson = load_lesson("digits")
    s0, s2 = lesson.setup(0), lesson.setup(2)
    assert s0.digit_task is digits.CLASSIC and s2.digit_task is digits.TEN_DIGITS
    assert s0.data is None and s0.epochs == digits.CLASSIC.epochs
    assert s0.model_config == digits.CLASSIC.model(0).get_config()
    assert s0.build_model().layer_sizes == [20, 20, 1]
    assert s0.dataset.X.shape == (4, 20) and s0.dataset.y.tolist() == [0, 1, 2, 3]
    assert s2.build_model().layer_sizes[-1] == 10 and s2.epochs == digits.TEN_DIGITS.epochs


# ------------------------------------------------------------- tutorial errors
def test_lesson_texts_say_where_the_tutorials_are_wrong():
    text = lambda lid: " ".join(s.text for s in load_lesson(lid).steps)  # noqa: E731
    assert "two hidden layers" in text("xor-classic") and "0.35" in text("xor-classic")
    assert "no hidden layer" in text("single-layer")
    assert "12 right and 12 wrong" in text("3d-classes")
    assert "90 right and 10 wrong" in text("bias")
    assert "16 numbers" in text("autoencoder")


# ------------------------------------------------------------------- merging
def lesson_dict(**first_setup):
    setup = {"data": {"preset": "AND"},
             "model": {"kind": "perceptron", "config": {"n_inputs": 2}},
             "weights": {"weights": [0.5, 0.5], "bias": -0.5000001},
             "epochs": 10}
    setup.update(first_setup)
    return {"id": "test-lesson", "title": "T", "group": "G", "order": 1, "summary": "S",
            "steps": [{"text": "first", "setup": setup}]}


def write(tmp_path, obj, name="test-lesson.json"):
    path = tmp_path / name
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def test_merging_rules(tmp_path):
    d = lesson_dict(locked=["model.model_type"],
                    printout=None)
    d["steps"] += [
        {"text": "keeps everything"},
        {"text": "new data drops the constant input", "setup": {"data": {"preset": "OR"}}},
        {"text": "new model drops the weights", "setup": {"model": {"kind": "perceptron",
                                                                    "config": {"n_inputs": 2, "seed": 3}}}},
        {"text": "lists replace", "setup": {"locked": [], "hidden": ["data.noise"], "epochs": 5}},
    ]
    lesson = load_lesson_file(write(tmp_path, d))
    s = [lesson.setup(i) for i in range(5)]
    assert s[1] is s[0] and not lesson.steps[1].has_setup
    assert s[2].dataset.y.tolist() == [0, 1, 1, 1] and s[2].weights["bias"] == -0.5000001
    assert s[3].weights is None and s[3].build_model().seed == 3
    assert s[4].locked == () and s[4].hidden == ("data.noise",) and s[4].epochs == 5
    assert s[4].dataset.name == "OR" and s[4].model_config["seed"] == 3


def test_new_data_drops_its_constant_input(tmp_path):
    d = lesson_dict(data={"points": XOR_INPUTS, "labels": [0, 1, 1, 0], "class_names": ["0", "1"]},
                    model={"kind": "perceptron", "config": {"n_inputs": 3}},
                    weights=None, constant_input={"column": 2, "label": "one"})
    d["steps"].append({"text": "other points", "setup": {"data": {"points": [[1, 2, 3]], "labels": [0],
                                                                  "class_names": ["a"]}}})
    lesson = load_lesson_file(write(tmp_path, d))
    assert lesson.setup(0).constant_input.label == "one"
    assert lesson.setup(1).constant_input is None


# -------------------------------------------------------------- broken files
def broken(mutate):
    d = lesson_dict()
    mutate(d)
    return d


def s0(d):
    return d["steps"][0]["setup"]


BROKEN = {
    "missing field": (lambda d: d.pop("summary"), "missing 'summary'"),
    "unknown field": (lambda d: d.update(colour="red"), "unknown field 'colour'"),
    "wrong type": (lambda d: d.update(order="first"), "at order: expected a whole number"),
    "no steps": (lambda d: d.update(steps=[]), "list of 1 to"),
    "first step without setup": (lambda d: d["steps"][0].pop("setup"), "first step must set"),
    "step text not text": (lambda d: d["steps"][0].update(text=3), "steps[0].text"),
    "unknown setup field": (lambda d: s0(d).update(epoch=3), "unknown field 'epoch'"),
    "bad control id": (lambda d: s0(d).update(locked=["Model Type"]), "not a control id"),
    "control id with one part": (lambda d: s0(d).update(hidden=["model"]), "not a control id"),
    "unknown preset": (lambda d: s0(d).update(data={"preset": "NAND"}), "unknown preset 'NAND'"),
    "unknown generator": (lambda d: s0(d).update(data={"generator": "moons"}), "unknown generator"),
    "bad generator params": (lambda d: s0(d).update(data={"generator": "points_above_line",
                                                          "params": {"n": -3}}), "cannot be made"),
    "points beyond the canvas": (lambda d: s0(d).update(data={"points": [[0, 0], [2e9, 0]],
                                                               "labels": [0, 1],
                                                               "class_names": ["a", "b"]}),
                                 "within \u00b11e+09"),
    "generated beyond the canvas": (lambda d: s0(d).update(data={
        "generator": "blobs", "params": {"centroids": [[5e9, 0], [0, 0]]}}), "within"),
    "too many points": (lambda d: s0(d).update(data={"generator": "make_blobs",
                                                     "params": {"n_samples": 10**9}}), "too many"),
    "labels out of range": (lambda d: s0(d).update(data={"points": [[0, 0]], "labels": [2],
                                                         "class_names": ["a", "b"]}), "labels[0]"),
    "unknown model kind": (lambda d: s0(d).update(model={"kind": "svm"}), "unknown model kind"),
    "bad model config": (lambda d: s0(d).update(model={"kind": "perceptron",
                                                       "config": {"n_inputs": 2, "colour": 1}}),
                         "not valid"),
    "model too big": (lambda d: s0(d).update(model={"kind": "mlp", "config": {
        "layer_sizes": [2, 100000, 100000, 1]}}), "more than"),
    "inputs do not match data": (lambda d: s0(d).update(model={"kind": "perceptron",
                                                               "config": {"n_inputs": 3}}),
                                 "takes 3 inputs but the data has 2"),
    "weights of the wrong shape": (lambda d: s0(d).update(weights={"weights": [1, 2, 3]}),
                                   "expected shape (2,), found (3,)"),
    "weights not numbers": (lambda d: s0(d).update(weights={"weights": ["a", 1]}), "expected a number"),
    "weights for an unknown entry": (lambda d: s0(d).update(weights={"biases": [1]}), "no 'biases'"),
    "mlp weights of the wrong shape": (lambda d: s0(d).update(
        model={"kind": "mlp", "config": {"layer_sizes": [2, 2, 1], "bias": False}},
        weights={"weights": [[[1, 2], [3, 4]], [[1, 2]]], "biases": None}),
        "weights[1]: expected shape (2, 1), found (1, 2)"),
    "negative epochs": (lambda d: s0(d).update(epochs=-1), "from 0 to 10000000, found -1"),
    "no epochs": (lambda d: s0(d).pop("epochs"), "no 'epochs'"),
    "constant column not constant": (lambda d: s0(d).update(constant_input={"column": 0, "label": "x"}),
                                     "not 1 in every point"),
    "printout on a perceptron": (lambda d: s0(d).update(printout={"rule": "forward"}), "needs an MLP"),
    "unknown printout rule": (lambda d: s0(d).update(printout={"rule": "fancy"}), "rule"),
    "null where not allowed": (lambda d: s0(d).update(epochs=None), "cannot be null"),
    "digit pad and data together": (lambda d: s0(d).update(digit_pad={"task": "classic"}),
                                    "digit_pad replaces"),
    "unknown digit task": (lambda d: s0(d).update(digit_pad={"task": "letters"}), "unknown digit task"),
    "view axis missing": (lambda d: s0(d).update(view={"axes": [0, 2]}), "do not exist"),
    "bad lesson id": (lambda d: d.update(id="Test Lesson"), "not a lesson id"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_lesson_files_raise_lesson_error(tmp_path, case):
    mutate, message = BROKEN[case]
    path = write(tmp_path, broken(mutate))
    with pytest.raises(LessonError) as info:
        load_lesson_file(path)
    assert message in str(info.value)
    assert "test-lesson.json" in str(info.value)


@pytest.mark.parametrize("raw, message", [
    (b'{"id": "x",', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"id": "a", "id": "b"}', "appears twice"),
    (b'{"id": NaN}', "not a number a lesson may hold"),
    (b"[1, 2]", "expected a table"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    # Deep enough for the checks' recursion, shallow enough for the JSON parser's: it
    # raised a RecursionError (found by the property tests).
    (b'{"id": "x", "steps": [{"text": "t", "setup": {"data": ' + b"[" * 400 + b"]" * 400
     + b"}}]}", "nests deeper than 32 levels"),
])
def test_unreadable_files_raise_lesson_error(tmp_path, raw, message):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(LessonError) as info:
        load_lesson_file(path)
    assert message in str(info.value)


def test_large_and_missing_files_are_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(LessonError, match="at most"):
        load_lesson_file(path)
    with pytest.raises(LessonError, match="Cannot read"):
        load_lesson_file(tmp_path / "absent.json")


def test_unknown_lesson_id():
    assert issubclass(LessonError, ValueError)
    with pytest.raises(LessonError, match="no lesson called 'nope'.*xor-classic"):
        load_lesson("nope")
    with pytest.raises(LessonError, match="not a lesson id"):
        load_lesson("../and-or")


def test_every_packaged_file_survives_a_round_trip_of_its_first_setup(tmp_path):
    """The packaged lessons are valid through load_lesson_file too (the same checks)."""
    for lesson_id in IDS:
        lesson = load_lesson(lesson_id)
        from nnplayground.core.lessons import _lessons_dir

        obj = json.loads(_lessons_dir().joinpath(f"{lesson_id}.json").read_text(encoding="utf-8"))
        again = load_lesson_file(write(tmp_path, copy.deepcopy(obj), f"{lesson_id}.json"))
        assert [s.text for s in again.steps] == [s.text for s in lesson.steps]
