"""pyqtgraph imported with lazy Qt mirrors (ui/pyqtgraph_import.py): the same names as
pyqtgraph's own copy gives, without creating every PySide6 class at launch."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pyqtgraph as pg
import PySide6.QtCore
import PySide6.QtGui
import PySide6.QtOpenGLWidgets
import PySide6.QtWidgets

from nnplayground.ui import pyqtgraph_deferral, pyqtgraph_import

ROOT = Path(__file__).resolve().parents[2]

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


def test_a_mirror_is_a_module_of_its_own_not_pysides_file():
    mirror = pg.QtCore
    assert mirror.__spec__.name == "pyqtgraph.Qt.QtCore"
    assert importlib.util.find_spec("pyqtgraph.Qt.QtCore") is mirror.__spec__
    assert not hasattr(mirror, "__file__")  # PySide6's .so is not pyqtgraph's module
    assert mirror.__version__ == PySide6.QtCore.__version__  # pyqtgraph reads this
    public = [n for n in dir(PySide6.QtCore) if not n.startswith("_")]
    assert sorted(mirror.__all__) == sorted(public)  # a star import gets them all


def test_only_a_known_layout_gets_lazy_mirrors(monkeypatch, tmp_path):
    assert pyqtgraph_import._mirrors_are_empty()  # pyqtgraph as installed here
    for name in pyqtgraph_import.MIRRORED:
        (tmp_path / "Qt" / name).mkdir(parents=True)
        (tmp_path / "Qt" / name / "__init__.py").write_text("")
    assert pyqtgraph_import._mirrors_are_empty(tmp_path)
    (tmp_path / "Qt" / "QtGui" / "__init__.py").write_text("from PySide6.QtGui import *\n")
    assert not pyqtgraph_import._mirrors_are_empty(tmp_path)  # a pyqtgraph we do not know
    assert not pyqtgraph_import._mirrors_are_empty(tmp_path / "missing")
    monkeypatch.setenv("PYQTGRAPH_QT_LIB", "PyQt6")
    assert not pyqtgraph_import._mirrors_are_empty()


def _run(script: str) -> str:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=ROOT,  # this source tree, not an installed copy
                            env={**os.environ, "PYQTGRAPH_QT_LIB": "PySide6"})
    assert result.returncode == 0, result.stderr
    return result.stdout


RETRY = textwrap.dedent("""
    import importlib.abc, sys
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "pyqtgraph.colormap":
                raise ImportError("blocked once")
    sys.meta_path.insert(0, Block())
    from nnplayground.ui.pyqtgraph_import import import_pyqtgraph
    import PySide6.QtCore as QtCore
    try:
        import_pyqtgraph()
    except ImportError as exc:
        print("first:", exc)
    print("left:", [m for m in sys.modules if m.startswith("pyqtgraph")])
    print("dir restored:", "QCborMap" in dir(QtCore))
    sys.meta_path.pop(0)
    pg = import_pyqtgraph()
    mirror = sys.modules["pyqtgraph.Qt.QtCore"]
    print("second:", pg.QtCore is mirror, "__getattr__" in vars(mirror),
          pg.QtWidgets.QOpenGLWidget.__name__)
""")


def test_an_import_that_fails_leaves_nothing_half_done():
    out = _run(RETRY)
    assert "first: blocked once" in out
    assert "left: []" in out
    assert "dir restored: True" in out
    assert "second: True True QOpenGLWidget" in out


def test_pyqtgraph_already_imported_is_left_as_it_is():
    out = _run("import pyqtgraph.Qt, sys\n"
               "from nnplayground.ui.pyqtgraph_import import import_pyqtgraph\n"
               "import_pyqtgraph()\n"
               "print('lazy:', '__getattr__' in vars(sys.modules['pyqtgraph.Qt.QtCore']))")
    assert "lazy: False" in out


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
    return _run(LAUNCH.format(how=how))


def test_classes_nobody_uses_are_not_created_at_import():
    lazy = _launch("from nnplayground.ui.pyqtgraph_import import import_pyqtgraph; "
                   "import_pyqtgraph()")
    assert "created before use: 0" in lazy
    assert "in dir: 3" in lazy  # PySide6's own listing is given back after the import
    assert "same: True" in lazy
    plain = _launch("")  # pyqtgraph's own copy creates every class
    assert "created before use: 3" in plain


NAMES = textwrap.dedent("""
    import sys
    {how}
    import pyqtgraph as pg
    print("loaded:", sorted(m for m in sys.modules if m in {deferred!r}))
    print("hook:", "__getattr__" in vars(pg))
    pg.ColorBarItem  # a deferred name: every deferred module comes in
    print("names:", sorted((k, getattr(v, "__module__", None) or getattr(v, "__name__", ""))
                           for k, v in vars(pg).items()
                           if not k.startswith("_") and isinstance(v, type)))
""")


def test_deferred_modules_load_on_first_use_with_the_names_a_plain_import_gives():
    deferred = set(pyqtgraph_deferral.DEFERRED)
    lazy = _run(NAMES.format(how="from nnplayground.ui.pyqtgraph_import import "
                                  "import_pyqtgraph; import_pyqtgraph()", deferred=deferred))
    plain = _run(NAMES.format(how="", deferred=deferred))
    assert "loaded: []" in lazy and "hook: True" in lazy  # none of them at launch
    assert "hook: False" in plain
    names = [line for line in lazy.splitlines() if line.startswith("names:")]
    assert names and names == [line for line in plain.splitlines() if line.startswith("names:")]
    assert "'ColorBarItem', 'pyqtgraph.graphicsItems.ColorBarItem'" in names[0]


def test_a_name_pyqtgraph_lacks_is_still_an_attribute_error():
    out = _run("from nnplayground.ui.pyqtgraph_import import import_pyqtgraph\n"
               "pg = import_pyqtgraph()\n"
               "print('has:', hasattr(pg, 'NoSuchItem'), hasattr(pg, 'RemoteGraphicsView'))")
    assert "has: False True" in out


def test_a_deferred_module_another_module_imports_gets_the_plain_import():
    # GradientEditorItem imports ColorMapMenu while pyqtgraph imports: deferring it
    # would leave that module a placeholder's marker, so pyqtgraph is imported again.
    out = _run("from nnplayground.ui import pyqtgraph_deferral as d, pyqtgraph_import\n"
               "d.DEFERRED += ('pyqtgraph.widgets.ColorMapMenu',)\n"
               "pg = pyqtgraph_import.import_pyqtgraph()\n"
               "import pyqtgraph.graphicsItems.GradientEditorItem as g\n"
               "import pyqtgraph.widgets.ColorMapMenu as m\n"
               "print('real:', g.ColorMapMenu is m.ColorMapMenu is pg.ColorMapMenu)\n"
               "print('hook:', '__getattr__' in vars(pg))\n"
               "print('mirrors:', '__getattr__' in vars(pg.QtCore))")
    assert "real: True" in out and "hook: False" in out and "mirrors: True" in out



def test_a_deferred_module_another_one_needs_while_importing_gets_the_plain_import():
    # Every item subclasses GraphicsObject: deferred, pyqtgraph's import fails (a class
    # cannot derive from a placeholder's marker; pyqtgraph 0.13.7's MultiPlotItem did
    # that with GraphicsLayout), and pyqtgraph is imported whole instead.
    out = _run("from nnplayground.ui import pyqtgraph_deferral as d, pyqtgraph_import\n"
               "d.DEFERRED += ('pyqtgraph.graphicsItems.GraphicsObject',)\n"
               "pg = pyqtgraph_import.import_pyqtgraph()\n"
               "import pyqtgraph.graphicsItems.GraphicsObject as g\n"
               "print('real:', pg.GraphicsObject is g.GraphicsObject, issubclass(pg.ImageItem, g.GraphicsObject))\n"
               "print('hook:', '__getattr__' in vars(pg), 'mirrors:', '__getattr__' in vars(pg.QtCore))")
    assert "real: True True" in out and "hook: False mirrors: True" in out


def test_a_deferred_module_that_fails_to_import_is_left_out_and_the_rest_come():
    out = _run(textwrap.dedent("""
        import importlib.abc, sys
        from nnplayground.ui import pyqtgraph_deferral
        from nnplayground.ui.pyqtgraph_import import import_pyqtgraph
        pg = import_pyqtgraph()
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "pyqtgraph.graphicsItems.BoxplotItem":
                    raise ImportError("gone in this release")
        sys.meta_path.insert(0, Block())
        print("bar:", pg.ColorBarItem.__name__, hasattr(pg, "BoxplotItem"),
              hasattr(pg, "TargetItem"), "__getattr__" in vars(pg))
    """))
    assert "bar: ColorBarItem False True False" in out


def test_a_private_name_loads_nothing():
    # (IPython and pytest probe modules for names such as _repr_html_)
    out = _run("import sys\n"
               "from nnplayground.ui import pyqtgraph_deferral\n"
               "from nnplayground.ui.pyqtgraph_import import import_pyqtgraph\n"
               "pg = import_pyqtgraph()\n"
               "print('probe:', getattr(pg, '_repr_html_', None), '__getattr__' in vars(pg),\n"
               "      any(m in sys.modules for m in pyqtgraph_deferral.DEFERRED))")
    assert "probe: None True False" in out


def test_only_the_release_the_list_was_made_for_is_deferred(tmp_path):
    init = tmp_path / "__init__.py"
    assert pyqtgraph_deferral.applies(Path(pg.__file__).parent) == \
        pg.__version__.startswith(pyqtgraph_deferral.DEFERRED_FOR)
    init.write_text("import os\n__version__ = '0.14.1'\n")
    assert pyqtgraph_deferral.applies(tmp_path)
    init.write_text('__version__ = "0.13.7"\n')
    assert not pyqtgraph_deferral.applies(tmp_path)  # its import graph is another
    init.write_text("# no version\n")
    assert not pyqtgraph_deferral.applies(tmp_path)
    assert not pyqtgraph_deferral.applies(tmp_path / "missing")
