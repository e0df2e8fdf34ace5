"""The wheel holds every package of the source tree: pytest imports the source tree, so
a sub-package that package discovery missed would pass every other test and still be
absent for a user who installed the app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_wheel_contains_and_imports_every_package(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "nnplayground", src / "nnplayground",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels),
                    str(src)], check=True, timeout=540)
    (wheel,) = wheels.glob("nnplayground-*.whl")
    unpacked = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)

    packages = sorted(".".join(p.parent.relative_to(ROOT).parts)
                      for p in (ROOT / "nnplayground").rglob("__init__.py"))
    assert "nnplayground.ui.window" in packages  # the walk found the sub-folders
    data_files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "nnplayground").rglob("*.json"))
    for name in data_files:
        assert (unpacked / name).is_file(), f"{name} is missing from the wheel"

    # Import each package from the unpacked wheel only (first on the path, and the
    # source tree not on it at all), without a display.
    script = (
        "import importlib, sys\n"
        f"sys.path.insert(0, {str(unpacked)!r})\n"
        f"for name in {packages!r}:\n"
        "    module = importlib.import_module(name)\n"
        f"    assert module.__file__.startswith({str(unpacked)!r}), (name, module.__file__)\n"
        "print('ok', len(sys.argv))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
