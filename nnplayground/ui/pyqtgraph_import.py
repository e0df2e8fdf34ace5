"""Import pyqtgraph without creating every PySide6 class at launch.

pyqtgraph keeps its own mirrors of QtCore, QtGui and QtWidgets (the empty packages
``pyqtgraph/Qt/QtCore`` and so on) and fills them at import by copying every name of
PySide6's modules into them (``_copy_attrs`` in ``pyqtgraph/Qt/__init__.py``). PySide6
creates its classes lazily, on first access; the copy asks for all of them, about 1,000
classes with their enums: some 0.2 s of every launch, for classes the app never uses.

``import_pyqtgraph`` puts mirrors in place before pyqtgraph imports, modules that look a
name up in PySide6 on first use (PEP 562 ``__getattr__``) and keep it, and lets
pyqtgraph's copy see no names while it imports. What pyqtgraph then sets on its mirrors
(``QtWidgets.QOpenGLWidget``, ``QtGui.QFileSystemModel``) lands on ours as before, and
every other name resolves to PySide6's own object, as the copy would have made it.

It does this only where it knows the layout: PySide6 is the binding, pyqtgraph is not
imported yet and its three mirror packages are the empty files they are in 0.13.7-0.14.
Anything else gets pyqtgraph's plain import. The test suite imports pyqtgraph the same
way (``tests/conftest.py``), so every test runs on the app's path.

With the mirrors, pyqtgraph's package also leaves out the modules it imports for names
the app does not use at launch (``DEFERRED``: parameter trees, remote views, data trees,
colour-map and other widgets, plot items the window does not draw; ~65 ms of a launch,
measured in fresh processes: 54 ms for the first seven, 14 for the rest). While it
imports, those modules are placeholders that give no names, and the first look-up of a
name pyqtgraph lacks (``pg.ColorBarItem``) imports them for real and adds their names
as the package's own imports would have. If any other module of pyqtgraph took a name
from a placeholder (a pyqtgraph we do not know), pyqtgraph is imported again without
placeholders.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph picks its binding at import

MIRRORED = ("QtCore", "QtGui", "QtWidgets")

#: modules that only pyqtgraph's package (or one another) imports while pyqtgraph
#: imports, for names the app does not use at launch; loaded on first use of a name.
#: Found from pyqtgraph 0.14's import graph (the module-level imports of each module),
#: less what the window builds at launch (ArrowItem, GridItem) and the colour palettes
#: (their import is mostly pyqtgraph's Qt shim, needed anyway).
DEFERRED = tuple(f"pyqtgraph.{name}" for name in (
    "widgets.RemoteGraphicsView", "widgets.ColorMapWidget", "widgets.DataFilterWidget",
    "widgets.ScatterPlotWidget", "widgets.DiffTreeWidget", "widgets.DataTreeWidget",
    "widgets.TreeWidget", "widgets.GraphicsLayoutWidget", "widgets.GradientWidget",
    "widgets.BusyCursor", "widgets.CheckTable", "widgets.ColorButton", "widgets.ComboBox",
    "widgets.FeedbackButton", "widgets.GroupBox", "widgets.JoystickButton",
    "widgets.LayoutWidget", "widgets.PathButton", "widgets.ProgressDialog",
    "widgets.RawImageWidget", "widgets.TableWidget", "widgets.ValueLabel",
    "widgets.VerticalLabel", "graphicsItems.ColorBarItem", "graphicsItems.BoxplotItem",
    "graphicsItems.CurvePoint", "graphicsItems.DateAxisItem", "graphicsItems.ErrorBarItem",
    "graphicsItems.FillBetweenItem", "graphicsItems.GradientLegend",
    "graphicsItems.GraphItem", "graphicsItems.GraphicsLayout", "graphicsItems.IsocurveItem",
    "graphicsItems.PColorMeshItem", "graphicsItems.ScaleBar", "graphicsItems.TargetItem"))


def import_pyqtgraph() -> types.ModuleType:
    """pyqtgraph, imported with lazy Qt mirrors where that is known to be safe."""
    if not any(name.split(".")[0] == "pyqtgraph" for name in sys.modules) \
            and _mirrors_are_empty():
        _import_with_lazy_mirrors()
    import pyqtgraph

    return pyqtgraph


def _mirrors_are_empty(package: Path | None = None) -> bool:
    """PySide6 is the binding and pyqtgraph's mirror packages (under ``package``: the
    installed pyqtgraph's folder by default) are the empty files we know."""
    if os.environ.get("PYQTGRAPH_QT_LIB") != "PySide6":
        return False
    if package is None:
        spec = importlib.util.find_spec("pyqtgraph")  # finds, does not import
        if spec is None or spec.origin is None:
            return False
        package = Path(spec.origin).parent
    try:
        return all((package / "Qt" / name / "__init__.py").stat().st_size == 0
                   for name in MIRRORED)
    except OSError:
        return False


#: module attributes a mirror has of its own, never PySide6's
OWN = frozenset({"__file__", "__path__", "__cached__", "__loader__", "__package__"})


def _lazy_mirror(name: str, source: types.ModuleType) -> types.ModuleType:
    full = f"pyqtgraph.Qt.{name}"
    mirror = types.ModuleType(full)
    mirror.__spec__ = importlib.machinery.ModuleSpec(full, None)

    def __getattr__(attr: str):
        if attr in OWN:
            raise AttributeError(f"module {full!r} has no attribute {attr!r}")
        if attr == "__all__":  # a star import: every public name, as the copy gave
            value = [n for n in dir(source) if not n.startswith("_")]
        else:
            value = getattr(source, attr)  # AttributeError for a name Qt does not have
        setattr(mirror, attr, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(dir(source)) | set(vars(mirror)))

    mirror.__getattr__ = __getattr__
    mirror.__dir__ = __dir__
    return mirror


def _import_with_lazy_mirrors() -> None:
    sources = {name: importlib.import_module(f"PySide6.{name}") for name in MIRRORED}
    saved = {name: source.__dict__.get("__dir__") for name, source in sources.items()}
    try:
        for name, source in sources.items():
            sys.modules[f"pyqtgraph.Qt.{name}"] = _lazy_mirror(name, source)
            # PySide6 lists its lazily created classes through a module __dir__; while
            # pyqtgraph imports, its copy loop sees none of them.
            source.__dir__ = list
        _import_deferring()
    except BaseException:
        # Nothing half-imported stays behind: a second try starts from scratch.
        for module in [m for m in sys.modules if m.split(".")[0] == "pyqtgraph"]:
            del sys.modules[module]
        raise
    finally:
        for name, source in sources.items():
            if saved[name] is None:
                source.__dict__.pop("__dir__", None)
            else:
                source.__dir__ = saved[name]


class _Placeholder(types.ModuleType):
    """A deferred module while pyqtgraph imports: a star import takes nothing from it,
    ``from … import name`` takes ``_MARK``."""

    __all__: tuple = ()

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _MARK


_MARK = object()


class _Deferrer(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.machinery.ModuleSpec(name, self) if name in DEFERRED else None

    def create_module(self, spec):
        return _Placeholder(spec.name)

    def exec_module(self, module) -> None:
        pass


def _import_deferring() -> None:
    """Import pyqtgraph with ``DEFERRED`` as placeholders, then take them out."""
    finder = _Deferrer()
    sys.meta_path.insert(0, finder)
    try:
        import pyqtgraph
    finally:
        sys.meta_path.remove(finder)
        for name in DEFERRED:
            if isinstance(sys.modules.get(name), _Placeholder):
                del sys.modules[name]
            parent, _, child = name.rpartition(".")
            package = sys.modules.get(parent)
            if isinstance(getattr(package, child, None), _Placeholder):
                delattr(package, child)
    names = vars(pyqtgraph)
    for key in [k for k, v in names.items() if v is _MARK or isinstance(v, _Placeholder)]:
        del names[key]
    if any(_took_a_placeholder(module) for name, module in list(sys.modules.items())
           if name.split(".")[0] == "pyqtgraph"):
        for name in [m for m in sys.modules if m.split(".")[0] == "pyqtgraph"
                     and not m.startswith("pyqtgraph.Qt.Qt")]:
            del sys.modules[name]
        import pyqtgraph  # noqa: F811 - again, whole (the mirrors stay)
        return
    pyqtgraph.__getattr__ = _deferred_name


def _took_a_placeholder(module) -> bool:
    return any(v is _MARK or isinstance(v, _Placeholder)
               for v in list(getattr(module, "__dict__", {}).values()))


def _deferred_name(name: str):
    """pyqtgraph's module ``__getattr__``: a name it lacks, after the deferred modules
    are imported and their names added (as its star imports add them: what it has
    already stays)."""
    pyqtgraph = sys.modules["pyqtgraph"]
    names = vars(pyqtgraph)
    if not name.startswith("__") and names.get("__getattr__") is _deferred_name:
        del names["__getattr__"]  # once, and a name found missing while it runs is missing
        for module_name in DEFERRED:
            module = importlib.import_module(module_name)
            public = getattr(module, "__all__", None)
            if public is None:
                public = [n for n in vars(module) if not n.startswith("_")]
            for key in public:
                names.setdefault(key, getattr(module, key))
        if name in names:
            return names[name]
    raise AttributeError(f"module 'pyqtgraph' has no attribute {name!r}")
