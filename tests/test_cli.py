"""``--help``, ``--version`` and ``--lesson ID --headless`` must work on a machine without
a display; the lesson options refuse what cannot be combined."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nnplayground import __version__

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    # From the source tree: ``-m`` puts the working directory first on the path.
    return subprocess.run(
        [sys.executable, "-m", "nnplayground", *args],
        capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT,
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


XOR_CLASSIC = """\
Error: 0.496410031903
Error: 0.00858452565325
Error: 0.00578945986251
Error: 0.00462917677677
Error: 0.00395876528027
Error: 0.00351012256786
Output after training
[[0.00260572]
 [0.99672209]
 [0.99701711]
 [0.00386759]]
"""

SINGLE_LAYER = """\
Output After Training:
[[0.00966449]
 [0.00786506]
 [0.99358898]
 [0.99211957]]
"""


def test_headless_xor_classic_prints_the_tutorials_table():
    result = _run("--lesson", "xor-classic", "--headless", timeout=180)  # 60,000 updates
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == XOR_CLASSIC.splitlines()


def test_headless_single_layer_prints_the_tutorials_output():
    result = _run("--lesson", "single-layer", "--headless")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == SINGLE_LAYER.splitlines()


def test_headless_never_imports_qt():
    code = (
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'OpenGL'):\n"
        "            raise ImportError(name + ' is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from nnplayground.__main__ import main\n"
        "assert main(['--lesson', 'forward-relu', '--headless']) == 0\n"
        "assert main(['--list-lessons']) == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["Inputs: 2, 3", "Hidden layer 1: 16, 0", "Output: 32"]
    assert lines[3].split()[0] == "and-or" and lines[-1].split()[0] == "digits"


def test_lesson_without_headless_reaches_the_window_with_the_lesson_id(monkeypatch):
    import nnplayground.__main__ as cli
    import nnplayground.ui.app as app

    seen = []
    monkeypatch.setattr(app, "run", lambda args: seen.append(args) or 0)
    assert cli.main(["--lesson", "xor"]) == 0
    assert seen[0].lesson == "xor" and seen[0].session is None
    assert cli.main([]) == 0 and seen[1].lesson is None


def test_unknown_lesson_is_a_clear_error():
    result = _run("--lesson", "no-such-lesson", "--headless")
    assert result.returncode == 2
    assert "no lesson called 'no-such-lesson'" in result.stderr
    assert "xor-classic" in result.stderr  # it says which lessons there are
    assert result.stdout == ""


def test_lesson_with_a_session_file_is_refused():
    result = _run("--lesson", "xor", "class.nnp")
    assert result.returncode == 2
    assert "cannot open the session file 'class.nnp'" in result.stderr


def test_headless_without_a_lesson_is_refused():
    result = _run("--headless")
    assert result.returncode == 2
    assert "--headless needs a lesson" in result.stderr
