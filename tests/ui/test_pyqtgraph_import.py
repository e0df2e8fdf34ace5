"""pyqtgraph imported with lazy Qt mirrors (ui/pyqtgraph_import.py): the same names as
pyqtgraph's own copy gives, without creating every PySide6 class at launch."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types

import PySide6.QtCore
import PySide6.QtGui
import PySide6.QtOpenGLWidgets
import PySide6.QtWidgets
import pyqtgraph as pg

from nnplayground.ui import pyqtgraph_import

SOURCES = {"QtCore": PySide6.QtCore, "QtGui": PySide6.QtGui, "QtWidgets": PySide6.QtWidgets}


def test_the_suite_runs_on_the_apps_path():
    # tests/conftest.py imports pyqtgraph as the app does; were it imported plainly, the
    # mirrors would be pyqtgraph's own packages, without a module __getattr__.
    for name in SOURCES:
        mirror = sys.modules[f"pyqtgraph.Qt.{name}"]
        assert isinstance(vars(mirror).get("__getattr__"), types.FunctionType), name
        assert getattr(pg, name) is mirror


def test_every_qt_name_resolves_to_pysides_own_object():
    for name, source in SOURCES.items():
        mirror = getattr(pg, name)
        public = [n for n in dir(source) if not n.startswith("__")]
        assert len(public) > 150, (name, len(public))  # PySide6's full list, not a cut one
        for attr in public:
            assert getattr(mirror, attr) is getattr(source, attr), f"{name}.{attr}"
        assert set(public) <= set(dir(mirror))


def test_pyqtgraphs_own_additions_are_kept():
    # pyqtgraph sets these on its mirrors while it imports (its Qt 6 shim).
    assert pg.QtWidgets.QOpenGLWidget is PySide6.QtOpenGLWidgets.QOpenGLWidget
    assert pg.QtGui.QFileSystemModel is PySide6.QtWidgets.QFileSystemModel
    assert not hasattr(PySide6.QtGui, "QFileSystemModel")  # only on pyqtgraph's mirror


def test_a_name_qt_does_not_have_is_an_attribute_error():
    assert not hasattr(pg.QtCore, "QNoSuchClass")
    try:
        pg.QtCore.QNoSuchClass  # noqa: B018
    except AttributeError as exc:
        assert "QNoSuchClass" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_only_a_known_layout_gets_lazy_mirrors(monkeypatch, tmp_path):
    assert pyqtgraph_import._mirrors_are_empty()  # pyqtgraph as installed here
    monkeypatch.setenv("PYQTGRAPH_QT_LIB", "PyQt6")
    assert not pyqtgraph_import._mirrors_are_empty()


LAUNCH = textwrap.dedent("""
    import sys
    import PySide6.QtCore as QtCore
    {how}
    import pyqtgraph as pg
    unused = ("QCborMap", "QJsonDocument", "QXmlStreamReader")
    print("created before use:", sum(n in vars(QtCore) for n in unused))
    print("in dir:", sum(n in dir(QtCore) for n in unused))
    print("same:", all(getattr(pg.QtCore, n) is getattr(QtCore, n) for n in unused))
""")


def _launch(how: str) -> str:
    result = subprocess.run([sys.executable, "-c", LAUNCH.format(how=how)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYQTGRAPH_QT_LIB": "PySide6"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_classes_nobody_uses_are_not_created_at_import():
    lazy = _launch("from nnplayground.ui.pyqtgraph_import import import_pyqtgraph; "
                   "import_pyqtgraph()")
    assert "created before use: 0" in lazy
    assert "in dir: 3" in lazy  # PySide6's own listing is given back after the import
    assert "same: True" in lazy
    plain = _launch("")  # pyqtgraph's own copy creates every class
    assert "created before use: 3" in plain
