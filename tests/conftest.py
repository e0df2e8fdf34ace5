"""Test-wide guards.

* A display: pytest-xvfb starts Xvfb when it is installed; without it (and without a
  DISPLAY) Qt falls back to the offscreen platform, where OpenGL tests cannot run.
* OpenGL tests (marker ``gl``) skip on a machine that cannot give them a context, but
  when ``CI`` is set such a skip is an error: CI must really render them.
* No test may leave a training run going; every training process is ended after each
  test.
"""

from __future__ import annotations

import os
import sys

import pytest

# numpy, PySide6's import hook and pyqtgraph as the app has them (ui/app.py: numpy
# first, the hook's faster test, lazy Qt mirrors), before any test module imports them,
# so every test runs on the app's path.
import numpy.random  # noqa: F401
import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook)

from nnplayground.ui.feature_hook import speed_up_feature_hook
from nnplayground.ui.pyqtgraph_import import import_pyqtgraph  # sets PYQTGRAPH_QT_LIB

speed_up_feature_hook()
import_pyqtgraph()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # trylast: pytest-xvfb has set DISPLAY by now when it started a server.
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get(
        "WAYLAND_DISPLAY"
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # As the app does (ui/app.py): must be set before pytest-qt creates the QApplication.
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


def pytest_report_header(config: pytest.Config) -> list[str]:
    # The resolved versions, in every CI log: a release that breaks us shows up here.
    from importlib.metadata import PackageNotFoundError, version

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    def _version(*dists: str) -> str:
        for dist in dists:
            try:
                return version(dist)
            except PackageNotFoundError:
                pass
        return "not installed"

    platform = os.environ.get("QT_QPA_PLATFORM") or (
        f"xcb (DISPLAY={os.environ['DISPLAY']})" if os.environ.get("DISPLAY") else "default"
    )
    return [
        f"versions: Python {sys.version.split()[0]}, PySide6 {pyside_version} (Qt runtime "
        f"{qVersion()}), pyqtgraph {_version('pyqtgraph')}, numpy {_version('numpy')}, "
        f"PyOpenGL {_version('PyOpenGL')}",
        f"Qt platform: {platform}",
    ]


_gl_problem: str | None | bool = False  # False: not probed yet


def _probe_gl() -> str | None:
    """None when an OpenGL context can be made, else the reason why not."""
    global _gl_problem
    if _gl_problem is not False:
        return _gl_problem
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    app = QGuiApplication.instance()
    if app is None:
        _gl_problem = "no QApplication"
        return _gl_problem
    platform = QGuiApplication.platformName()
    if platform in ("offscreen", "minimal"):
        _gl_problem = f"the Qt platform '{platform}' has no OpenGL (install Xvfb)"
        return _gl_problem
    ctx = QOpenGLContext()
    if not ctx.create():
        _gl_problem = "QOpenGLContext.create() failed"
        return _gl_problem
    surface = QOffscreenSurface()
    surface.create()
    if not ctx.makeCurrent(surface):
        _gl_problem = "could not make an OpenGL context current"
    else:
        ctx.doneCurrent()
        _gl_problem = None
    return _gl_problem


@pytest.fixture(autouse=True)
def _require_gl(request: pytest.FixtureRequest):
    if request.node.get_closest_marker("gl") is None:
        yield
        return
    request.getfixturevalue("qapp")
    problem = _probe_gl()
    if problem is not None:
        if _in_ci():
            pytest.fail(f"OpenGL test cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"no OpenGL here: {problem}")
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    # Belt and braces: whatever skipped a GL test (a skipif, an importorskip), CI fails it.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _in_ci() and item.get_closest_marker("gl") is not None:
        report.outcome = "failed"
        report.longrepr = f"GL test skipped under CI ({report.longrepr}); CI must run it."


@pytest.fixture(autouse=True)
def _no_leaked_trainers(request: pytest.FixtureRequest):
    """Every training process is ended after each test (some widgets under test are never
    closed, and 2 cores must not run a hundred idle processes); a test that leaves one
    still training fails."""
    yield
    module = sys.modules.get("nnplayground.training.client")
    if module is None:
        return
    training = [c for c in module.running_processes() if c.is_running()]
    module.shutdown_all()
    if training:
        pytest.fail(f"{request.node.nodeid} left {len(training)} training run(s) going",
                    pytrace=False)
