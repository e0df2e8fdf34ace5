"""A training process fed the XOR truth table, for the tests that drive one."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.training.client import TrainingController

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y_XOR = np.array([0, 1, 1, 0])


@pytest.fixture
def controller(qtbot):
    c = TrainingController()
    c.set_arrays(X_XOR, Y_XOR)
    yield c
    c.shutdown()
