"""Import layering: ``ui`` may use ``training`` and ``core``; ``training`` only ``core``;
``core`` nothing of ours above it. An upward import is how a Qt object ends up in the
training process, or a widget in a file loader."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "nnplayground"
#: What each layer may import from nnplayground (besides itself and the package root).
ALLOWED = {"core": set(), "training": {"core"}, "resources": set(), "ui": {"core", "training", "resources"}}


def _our_imports(path: Path):
    """(line, layer) for every import of one of our layers in the file at ``path``."""
    return _our_imports_of(path.read_text(encoding="utf-8"), path)


def _our_imports_of(source: str, path: Path):
    tree = ast.parse(source, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the module's own package
                package = ("nnplayground",) + path.relative_to(PACKAGE).parts[:-1]
                base = package[:len(package) - (node.level - 1)]
                module = ".".join(base + ((module,) if module else ()))
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "nnplayground" and len(parts) > 1:
                yield node.lineno, parts[1]


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_import(path: Path):
    layer = path.relative_to(PACKAGE).parts[0]
    allowed = ALLOWED[layer] | {layer}
    wrong = [(line, target) for line, target in _our_imports(path)
             if target in ALLOWED and target not in allowed]
    assert not wrong, f"{layer} must not import {sorted({t for _, t in wrong})} (lines {[l for l, _ in wrong]})"


def test_every_layer_is_known():
    layers = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert layers == set(ALLOWED)


def test_the_checker_sees_an_upward_import():
    bad = PACKAGE / "core" / "_not_a_module.py"  # only parsed, never written
    source = "from nnplayground.ui.app import run\nimport nnplayground.training.loop\nfrom ..ui import app\n"
    found = [t for _, t in _our_imports_of(source, bad)]
    assert found == ["ui", "ui", "training", "ui", "ui"]
