"""The core is NumPy only: it imports and trains every model with Qt impossible to import."""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys

    class Block(importlib.abc.MetaPathFinder):
        BLOCKED = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "pyqtgraph", "OpenGL")

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.BLOCKED:
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, Block())
    """
)

SCRIPT = BLOCKER + textwrap.dedent(
    """
    import numpy as np
    import pkgutil, importlib
    import nnplayground.core as core
    import nnplayground.training.loop as loop
    # Every module of the core must import.
    for info in pkgutil.iter_modules(core.__path__):
        importlib.import_module("nnplayground.core." + info.name)
    from nnplayground.core import Perceptron, MLP, CompetitiveLayer, Autoencoder
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    errors = {
        "perceptron": Perceptron(2, seed=1).fit(X, y, epochs=3),
        "mlp": MLP([2, 3, 1], seed=1).fit(X, y, epochs=3),
        "competitive": CompetitiveLayer(2, 3, seed=1).fit(X, epochs=3),
        "autoencoder": Autoencoder([2, 3, 2, 3, 2], seed=1).fit(X, epochs=3),
    }
    for name, errs in errors.items():
        assert len(errs) == 3 and all(np.isfinite(errs)), (name, errs)
    leaked = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")]
    assert not leaked, leaked
    print("core ok without Qt")
    """
)


def test_core_trains_every_model_without_qt():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "core ok without Qt" in result.stdout
