"""Train/test split as the user sees it: held-out points are drawn hollow, counts agree,
and editing points never moves other points between the two sets."""

from __future__ import annotations




def hollow_count(canvas) -> int:
    brushes = canvas._scatter.data["brush"]
    return sum(1 for b in brushes if b.color().getRgb()[:3] == (255, 255, 255))


def test_test_share_draws_held_out_points_hollow(qtbot, window):
    w = window
    w.load_preset("Circle", 0, 0.0)
    assert hollow_count(w.canvas) == 0
    w.data_panel.test_slider.setValue(30)  # the user drags the slider to 30 %
    n_train, n_test = w.data.split_counts()
    assert w.actions_.counts_label.text() == f"{n_train} train · {n_test} test"
    assert n_test > 0 and abs(n_test / (n_train + n_test) - 0.3) < 0.06
    assert hollow_count(w.canvas) == n_test


def test_adding_a_point_keeps_every_other_point_in_its_set(qtbot, window):
    w = window
    w.load_preset("Gaussian", 0, 0.0)
    w.data_panel.test_slider.setValue(25)
    _, _, X_test, _ = w.data()
    before = {tuple(x) for x in X_test}
    w.points.add_point((0.25, 0.75))
    _, _, X_test, _ = w.data()
    after = {tuple(x) for x in X_test}
    assert before <= after and len(after - before) <= 1


def test_a_perceptron_on_many_classes_says_what_it_learns(qtbot, window):
    w = window
    w.load_preset("Five 3-D clusters", 0, 0.0)
    combo = w.model_panel.kind_combo
    combo.setCurrentIndex(combo.findData("perceptron_bias"))
    assert w.trainer.model.kind == "perceptron"
    assert w.banner.isVisible()
    assert "“cluster 2” against all the other classes" in w.banner.text()
    combo.setCurrentIndex(combo.findData("mlp"))
    assert not w.banner.isVisible()
