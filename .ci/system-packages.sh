#!/usr/bin/env bash
# The system side of a fresh Debian/Ubuntu machine: Python >= 3.11 that can make a venv,
# Xvfb, and the X/GL libraries and fonts Qt's xcb platform and pyqtgraph.opengl need.
#
#   bash .ci/system-packages.sh           check Python, install what is missing, verify
#   bash .ci/system-packages.sh --check   check only: list what is missing (exit 1 if any)
#   bash .ci/system-packages.sh --list    print the wanted packages, one group a line
#
# Exit status: 0 all present (or installed and verified), 1 something missing or not
# installable (the package is named), 2 no usable python3.
#
# Never pipe a command into a grep that quits early: under pipefail, grep exits at its
# first match, the writer dies of SIGPIPE and the pipeline fails although the text was
# there (issue 7). Output is captured into a variable and matched with [[ ]] instead.
set -euo pipefail

# "a|b" means a, or b where a does not exist (Debian 13 and Ubuntu 24.04 renamed some
# libraries with a t64 suffix). Xvfb and xauth are for the tests; the rest is what the
# window needs: the list pyqtgraph's own CI uses, plus what a slim image lacks, plus the
# fonts the UI and the layout tests rely on. README.md names the same packages
# (tests/test_ci_packages.py checks that).
wanted=(xvfb xauth libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
        libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-cursor0 libxcb-shape0
        libegl1 libopengl0 libgl1 libglx-mesa0 libgl1-mesa-dri libfontconfig1
        libdbus-1-3 "libglib2.0-0t64|libglib2.0-0" fonts-dejavu-core)
# Wanted only when python3 cannot create a venv; the versioned name for this python
# (python3.X-venv) is tried first.
venv_package=python3-venv

mode=install
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    --list)
        printf '%s\n' "${wanted[@]}" "$venv_package"
        exit 0 ;;
    *) echo "usage: $0 [--check|--list]" >&2; exit 2 ;;
esac

say() { printf 'system-packages: %s\n' "$*"; }
fail() { printf 'system-packages: ERROR: %s\n' "$*" >&2; exit 1; }

# --- Python ----------------------------------------------------------------------------
if ! command -v python3 >/dev/null 2>&1; then
    echo "system-packages: ERROR: python3 not found. nnplayground needs Python 3.11 or newer;" \
         "on Debian/Ubuntu, as root: apt-get install python3 python3-venv" >&2
    exit 2
fi
py_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>&1) || py_version=""
if [[ ! $py_version =~ ^([0-9]+)\.([0-9]+)$ ]]; then
    echo "system-packages: ERROR: could not get the version of $(command -v python3): $py_version" >&2
    exit 2
fi
if (( BASH_REMATCH[1] < 3 || (BASH_REMATCH[1] == 3 && BASH_REMATCH[2] < 11) )); then
    echo "system-packages: ERROR: $(command -v python3) is Python $py_version;" \
         "nnplayground needs Python 3.11 or newer. Install one and put it first on PATH" \
         "as python3." >&2
    exit 2
fi
say "python3 is $(command -v python3), Python $py_version"

# Debian's `python3 -m venv --help` works without python3-venv; making a venv then dies
# on "ensurepip is not available". So make one, with pip, and throw it away.
venv_works() {
    local tmp ok=0
    tmp=$(mktemp -d)
    python3 -m venv "$tmp/venv" >"$tmp/log" 2>&1 || ok=1
    if (( ok != 0 )); then
        venv_error=$(<"$tmp/log")
    fi
    rm -rf "$tmp"
    return "$ok"
}

# --- What is there ---------------------------------------------------------------------
installed() {
    local status
    status=$(LC_ALL=C dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null) || return 1
    [[ $status == *"ok installed"* ]]
}

# The version apt would install, or nothing when there is none.
candidate() {
    local policy
    policy=$(LC_ALL=C apt-cache policy "$1" 2>/dev/null) || return 0
    if [[ $policy =~ Candidate:\ *([^[:space:]]+) && ${BASH_REMATCH[1]} != "(none)" ]]; then
        printf '%s' "${BASH_REMATCH[1]}"
    fi
}

missing=()
for group in "${wanted[@]}"; do
    IFS='|' read -r -a names <<< "$group"
    found=""
    for name in "${names[@]}"; do
        if installed "$name"; then found=1; break; fi
    done
    if [[ -z $found ]]; then missing+=("$group"); fi
done
venv_error=""
need_venv=""
if ! venv_works; then
    need_venv=1
    missing+=("python$py_version-venv|$venv_package")
fi

if (( ${#missing[@]} == 0 )); then
    say "all ${#wanted[@]} system packages present, python3 can make a venv"
    exit 0
fi
for group in "${missing[@]}"; do say "missing: $group"; done
if [[ -n $need_venv ]]; then
    say "python3 -m venv fails: ${venv_error:-(no output)}"
fi
if [[ $mode == check ]]; then
    exit 1
fi

# --- Install ---------------------------------------------------------------------------
# Resolve each group to the first name apt has an install candidate for.
resolve() {
    to_install=()
    no_candidate=()
    local group name names
    for group in "${missing[@]}"; do
        IFS='|' read -r -a names <<< "$group"
        local chosen=""
        for name in "${names[@]}"; do
            if [[ -n $(candidate "$name") ]]; then chosen=$name; break; fi
        done
        if [[ -n $chosen ]]; then to_install+=("$chosen"); else no_candidate+=("$group"); fi
    done
}

apt_get=(apt-get)
uid=$(id -u)
if [[ $uid != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        # sudo resets the environment: pass DEBIAN_FRONTEND through env.
        apt_get=(sudo env DEBIAN_FRONTEND=noninteractive apt-get)
    else
        resolve   # with the package lists as they are: best effort, names from apt if it knows
        names=("${to_install[@]}")
        for group in "${no_candidate[@]}"; do names+=("${group%%|*}"); done
        fail "not root and no sudo to install the missing packages. As root, run:
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${names[*]}
then run this again."
    fi
fi
export DEBIAN_FRONTEND=noninteractive

say "apt-get update"
"${apt_get[@]}" update -qq || fail "apt-get update failed (see above); nothing was installed"

resolve
if (( ${#no_candidate[@]} > 0 )); then
    fail "no install candidate for: ${no_candidate[*]} (apt-cache policy shows none; check the apt sources of this machine). Nothing was installed."
fi

say "installing: ${to_install[*]}"
install_status=0
"${apt_get[@]}" install -y -q --no-install-recommends "${to_install[@]}" || install_status=$?

# Verify: each is installed now, and python3 can make a venv.
not_installed=()
for name in "${to_install[@]}"; do
    if ! installed "$name"; then not_installed+=("$name"); fi
done
if (( ${#not_installed[@]} > 0 )); then
    fail "not installed after apt-get install (exit status $install_status): ${not_installed[*]}"
fi
if (( install_status != 0 )); then
    fail "apt-get install exited with status $install_status (see above)"
fi
if [[ -n $need_venv ]] && ! venv_works; then
    fail "python3 ($(command -v python3)) still cannot make a venv after installing ${to_install[*]}: $venv_error"
fi
say "installed and verified: ${to_install[*]}"
