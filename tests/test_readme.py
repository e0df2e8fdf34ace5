"""The README's two commands are the contract with new users: keep CI running exactly
the second one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_opens_with_install_and_test_commands():
    commands = _readme_commands()
    assert len(commands) >= 2
    install, test = commands[0], commands[1]
    assert "pip install ." in install and install.endswith("nnplayground")
    assert '".[test]"' in test and "pytest" in test
    # The two commands come before anything else the README explains.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index(install) < text.index("## What it is")


def test_ci_runs_exactly_the_readme_test_command():
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[-1] == _readme_commands()[1]
