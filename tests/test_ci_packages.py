""".ci/system-packages.sh (the package part of .ci/run, issue 7) against fake apt-cache,
dpkg-query, apt-get, id and python3: nothing is installed for real.

The fakes print hundreds of kilobytes, so a `... | grep -q` under pipefail would die of
SIGPIPE (the bug of issue 7); apt-get "installs" by writing names into a state file that
dpkg-query reads. PATH holds only the fakes and links to the few real tools the script
needs (bash, env, mktemp, rm), so there is no sudo and no real apt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "system-packages.sh"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(
    BASH is None or not sys.platform.startswith("linux"), reason="needs bash on Linux"
)

# Lines of noise each fake prints: ~800 kB, far more than a pipe holds.
_NOISE = 4000

_COMMON = r"""
has() {  # has NAME "LIST": is NAME a word of LIST
    [[ " ${2//$'\n'/ } " == *" $1 "* ]]
}
state() { if [[ -f $FAKE_STATE ]]; then printf '%s' "$(<"$FAKE_STATE")"; fi; }
noise() {
    local pad
    printf -v pad '%*s' 190 ''
    printf "  noise %d${pad}\\n" {1..NOISE}
}
"""

_FAKES = {
    "dpkg-query": r"""
name=${!#}
if has "$name" "${FAKE_INSTALLED:-} $(state)"; then
    echo "install ok installed"
    noise
    exit 0
fi
echo "dpkg-query: no packages found matching $name" >&2
exit 1
""",
    "apt-cache": r"""
[[ $1 == policy ]] || exit 100
name=$2
if has "$name" "${FAKE_UNKNOWN:-}"; then
    echo "N: Unable to locate package $name" >&2
    exit 0
fi
installed="(none)"
if has "$name" "${FAKE_INSTALLED:-} $(state)"; then installed="1.0-1"; fi
candidate="1.0-1"
if has "$name" "${FAKE_NO_CANDIDATE:-}"; then candidate="(none)"; fi
printf '%s:\n  Installed: %s\n  Candidate: %s\n  Version table:\n' "$name" "$installed" "$candidate"
noise
""",
    "apt-get": r"""
printf '%s\n' "$*" >> "$FAKE_STATE.apt-get"
case " $* " in
    *" update "*) noise; exit 0 ;;
    *" install "*) ;;
    *) exit 100 ;;
esac
names=()
for arg in "$@"; do
    [[ $arg == -* || $arg == install ]] || names+=("$arg")
done
noise
for name in "${names[@]}"; do
    if has "$name" "${FAKE_BROKEN:-}"; then
        echo "E: Sub-process /usr/bin/dpkg returned an error code (1) for $name" >&2
        exit 100
    fi
done
printf '%s\n' "${names[@]}" >> "$FAKE_STATE"
""",
    "id": r"""
[[ $1 == -u ]] && echo "${FAKE_UID:-0}"
""",
    "python3": r"""
if [[ $1 == -c ]]; then echo "${FAKE_PY_VERSION:-3.12}"; exit 0; fi
if [[ $1 == -m && $2 == venv ]]; then
    if [[ -n ${FAKE_VENV_BROKEN:-} ]] && ! has "python${FAKE_PY_VERSION:-3.12}-venv" "$(state)" \
            && ! has python3-venv "$(state)"; then
        echo "The virtual environment was not created successfully because ensurepip is not"
        echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv package"
        noise
        exit 1
    fi
    exit 0
fi
exit 1
""",
}


def _wanted() -> list[str]:
    """The script's own list: one group ("a" or "a|b") a line."""
    out = subprocess.run(
        [BASH, str(SCRIPT), "--list"], capture_output=True, text=True, check=True
    ).stdout
    return out.split()


class Machine:
    """A tmp dir of fakes; run() runs the script on it."""

    def __init__(self, tmp_path: Path):
        self.bin = tmp_path / "fakebin"
        self.tools = tmp_path / "tools"
        self.state = tmp_path / "state"
        self.bin.mkdir()
        self.tools.mkdir()
        for name, body in _FAKES.items():
            path = self.bin / name
            common = _COMMON.replace("NOISE", str(_NOISE))
            path.write_text(f"#!{BASH}\n{common}\n{body}", encoding="utf-8")
            path.chmod(0o755)
        for tool in ("bash", "env", "mktemp", "rm"):
            (self.tools / tool).symlink_to(shutil.which(tool))
        self.env = {
            "PATH": f"{self.bin}:{self.tools}",
            "HOME": str(tmp_path),
            "TMPDIR": str(tmp_path),
            "FAKE_STATE": str(self.state),
            "FAKE_UID": "0",
        }
        # Everything installed: the first name of each group.
        self.installed = {group.split("|")[0] for group in _wanted()} - {"python3-venv"}

    def run(self, *args: str, **fake: str) -> subprocess.CompletedProcess[str]:
        env = dict(self.env, FAKE_INSTALLED=" ".join(sorted(self.installed)))
        env.update({f"FAKE_{key.upper()}": value for key, value in fake.items()})
        return subprocess.run(
            [BASH, str(SCRIPT), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def installed_by_apt(self) -> list[str]:
        return self.state.read_text().split() if self.state.exists() else []

    def apt_get_calls(self) -> list[str]:
        calls = Path(f"{self.state}.apt-get")
        return calls.read_text().splitlines() if calls.exists() else []


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_the_fakes_are_loud_enough_to_break_grep_q_under_pipefail(machine: Machine):
    # The pattern of issue 7 fails against these fakes although the package is there,
    # so the tests below would catch it coming back.
    env = dict(machine.env, FAKE_INSTALLED="xauth")
    result = subprocess.run(
        [BASH, "-c", "set -o pipefail; dpkg-query -W -f='${Status}' xauth | grep -q 'ok installed'"],
        env=dict(env, PATH=f"{env['PATH']}:{os.environ['PATH']}"),
    )
    assert result.returncode == 141


def test_nothing_missing_installs_nothing(machine: Machine):
    result = machine.run()
    assert result.returncode == 0, _output(result)
    groups = len(_wanted()) - 1  # python3-venv is wanted only where a venv cannot be made
    assert f"all {groups} system packages present" in result.stdout
    assert machine.apt_get_calls() == []


def test_a_missing_package_is_detected_and_installed(machine: Machine):
    machine.installed -= {"xvfb", "libxcb-icccm4"}

    check = machine.run("--check")
    assert check.returncode == 1, _output(check)
    assert "missing: xvfb" in check.stdout and "missing: libxcb-icccm4" in check.stdout
    assert machine.apt_get_calls() == []  # --check installs nothing

    result = machine.run()
    assert result.returncode == 0, _output(result)
    assert sorted(machine.installed_by_apt()) == ["libxcb-icccm4", "xvfb"]
    calls = machine.apt_get_calls()
    assert calls[0].startswith("update") and calls[1].startswith("install -y")
    assert "installed and verified: xvfb libxcb-icccm4" in result.stdout

    assert machine.run("--check").returncode == 0  # now nothing is missing


def test_an_alternative_name_is_used_where_the_first_does_not_exist(machine: Machine):
    # Debian 12: no libglib2.0-0t64, the old name is installed instead.
    glib = next(group for group in _wanted() if "|" in group)
    new, old = glib.split("|")
    machine.installed.discard(new)
    result = machine.run(unknown=new)
    assert result.returncode == 0, _output(result)
    assert machine.installed_by_apt() == [old]


def test_a_package_without_install_candidate_fails_the_run_naming_it(machine: Machine):
    machine.installed -= {"xvfb", "libxcb-cursor0"}
    result = machine.run(no_candidate="libxcb-cursor0")
    assert result.returncode == 1
    assert "no install candidate for: libxcb-cursor0" in result.stderr
    assert machine.installed_by_apt() == []  # fails before installing anything


def test_a_package_that_fails_to_install_fails_the_run_naming_it(machine: Machine):
    machine.installed -= {"xvfb", "xauth"}
    result = machine.run(broken="xvfb")
    assert result.returncode == 1
    assert "not installed after apt-get install" in result.stderr
    assert "xvfb" in result.stderr.split("not installed after apt-get install")[1]


def test_not_root_without_sudo_says_what_to_run_as_root(machine: Machine):
    machine.installed -= {"xvfb", "libfontconfig1"}
    result = machine.run(uid="1000")
    assert result.returncode == 1
    assert (
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        "--no-install-recommends xvfb libfontconfig1" in result.stderr
    )
    assert machine.apt_get_calls() == []


def test_python_that_cannot_make_a_venv_gets_python_venv(machine: Machine):
    # Debian without python3-venv: `-m venv --help` works, making one does not.
    result = machine.run("--check", venv_broken="1")
    assert result.returncode == 1
    assert "missing: python3.12-venv|python3-venv" in result.stdout
    assert "ensurepip is not" in result.stdout

    result = machine.run(venv_broken="1")
    assert result.returncode == 0, _output(result)
    assert machine.installed_by_apt() == ["python3.12-venv"]


def test_too_old_python_fails_first_with_a_clear_message(machine: Machine):
    machine.installed -= {"xvfb"}
    result = machine.run(py_version="3.10")
    assert result.returncode == 2
    assert "Python 3.10" in result.stderr and "3.11 or newer" in result.stderr
    assert machine.apt_get_calls() == []


def test_no_python3_fails_with_a_clear_message(machine: Machine):
    (machine.bin / "python3").unlink()
    result = machine.run()
    assert result.returncode == 2
    assert "python3 not found" in result.stderr


def test_no_quitting_grep_in_ci_scripts():
    for script in (ROOT / ".ci").iterdir():
        assert "grep -q" not in script.read_text(encoding="utf-8"), script


def test_readme_bare_machine_line_names_the_packages_the_script_installs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"`(?:sudo )?apt-get install ([^`]+)`", text)
    assert len(lines) == 1, "README.md should have one apt-get install line"
    named = [word for word in lines[0].split() if not word.startswith("-")]
    assert len(named) == len(set(named))
    wanted = _wanted()
    # Each group ("a" or "a|b" for renamed libraries) is named once, by one of its names.
    chosen = []
    for group in wanted:
        hits = [name for name in group.split("|") if name in named]
        assert len(hits) == 1, f"README.md's apt-get line should name one of {group}"
        chosen += hits
    assert sorted(chosen) == sorted(named), "README.md names packages .ci/ does not install"
