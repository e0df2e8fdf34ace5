"""The trainer keeps the decision surface to about a tenth of its time (ViewBudget)."""

from __future__ import annotations

from nnplayground.training.view_process import ViewBudget


def test_a_costly_surface_gets_a_coarser_grid_and_a_cheap_one_grows_back():
    budget = ViewBudget(share=0.1, frames=30.0, floor=64)
    per_frame = 0.1 / 30
    cost_per_cell = 2 * per_frame / 100**2  # at 100 x 100 a frame costs 2 budgets
    sides = []
    for _ in range(30):
        side = budget.resolution(100)
        sides.append(side)
        budget.spent(cost_per_cell * side * side, side)
    assert sides[0] == 100 and min(sides) >= 64
    settled = sides[-1]
    assert settled < 100 and cost_per_cell * settled ** 2 <= 1.3 * per_frame
    # The network got cheaper (or the data smaller): the grid grows back, never past 100.
    for _ in range(60):
        side = budget.resolution(100)
        budget.spent(cost_per_cell / 100 * side * side, side)
    assert budget.resolution(100) == 100


def test_the_grid_never_goes_below_its_floor():
    budget = ViewBudget(floor=64)
    for _ in range(50):
        side = budget.resolution(100)
        budget.spent(1.0, side)  # a second a frame: far too dear
    assert budget.resolution(100) == 64
