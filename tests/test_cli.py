"""``--help`` and ``--version`` must work on a machine without a display."""

from __future__ import annotations

import os
import subprocess
import sys

from nnplayground import __version__


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "nnplayground", *args],
        capture_output=True, text=True, env=env, timeout=60,
    )


def test_version_without_display():
    result = _run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"nnplayground {__version__}"


def test_help_without_display():
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    assert "usage: nnplayground" in result.stdout
    assert "--digits" in result.stdout


def test_help_does_not_import_qt():
    code = (
        "import sys; from nnplayground.__main__ import build_parser; build_parser();"
        "print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False"
