"""pyqtgraph's package without the modules the window does not use at launch.

``import pyqtgraph`` imports every module of the library (its ``__init__`` star-imports
them all): parameter trees, remote views, data trees, colour-map widgets, plot items
the window never draws. ``import_deferring`` imports it with the modules of
``DEFERRED`` as placeholders that give no names (~65 ms of a launch, measured in fresh
processes); afterwards they are gone again, and the first look-up of a name the package
lacks (``pg.ColorBarItem``) imports them for real and adds their names as the star
imports would have (the same names and objects as a plain import: a test compares them).

Only for the release the list was worked out for (``DEFERRED_FOR``, from its import
graph: modules that only the package, or one another, imports at module level, less what
the window builds at launch). If a module of pyqtgraph still took a name from a
placeholder, or the import failed with them, pyqtgraph is imported again whole.
``pyqtgraph_import.import_pyqtgraph`` calls this with its lazy Qt mirrors in place.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import re
import sys
import threading
import types
from pathlib import Path

#: the pyqtgraph releases (a version prefix) ``DEFERRED`` was worked out for
DEFERRED_FOR = "0.14."

#: modules that only pyqtgraph's package (or one another) imports at module level in
#: ``DEFERRED_FOR``, for names the app does not use at launch; not ArrowItem and
#: GridItem (the window builds them) nor the colour palettes (their import is mostly
#: pyqtgraph's Qt shim, needed anyway)
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


def applies(package: Path) -> bool:
    """The pyqtgraph in ``package`` (its folder) is a release ``DEFERRED`` is for (its
    ``__version__`` line read from the file: pyqtgraph is not imported yet)."""
    try:
        text = (package / "__init__.py").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    found = re.search(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", text, re.MULTILINE)
    return found is not None and found.group(1).startswith(DEFERRED_FOR)


class _Placeholder(types.ModuleType):
    """A deferred module while pyqtgraph imports: a star import takes nothing from it,
    ``from … import name`` takes ``_MARK``."""

    __all__: tuple = ()

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return _MARK


_MARK = object()


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves placeholders for ``names``; ``served`` lists them in the order imported."""

    def __init__(self, names) -> None:
        self.names = frozenset(names)
        self.served: list[str] = []

    def find_spec(self, name, path=None, target=None):
        return importlib.machinery.ModuleSpec(name, self) if name in self.names else None

    def create_module(self, spec):
        self.served.append(spec.name)
        return _Placeholder(spec.name)

    def exec_module(self, module) -> None:
        pass


def import_deferring() -> None:
    """Import pyqtgraph with ``DEFERRED`` as placeholders, then take them out (or import
    it again whole, see the module docstring)."""
    finder = _Finder(DEFERRED)
    sys.meta_path.insert(0, finder)
    try:
        import pyqtgraph
    except Exception:  # noqa: BLE001 - a module used a placeholder: the plain import
        pyqtgraph = None
    finally:
        sys.meta_path.remove(finder)
        _take_out(finder.served)
    if pyqtgraph is not None:  # the package's own imports of them: the loader's to do
        names = vars(pyqtgraph)
        for key in [k for k, v in names.items() if v is _MARK or isinstance(v, _Placeholder)]:
            del names[key]
    if pyqtgraph is None or any(_took_a_placeholder(module) for name, module
                                in list(sys.modules.items())
                                if name.split(".")[0] == "pyqtgraph"):
        _import_whole()
        return
    pyqtgraph.__getattr__ = _Loader(pyqtgraph, finder.served)


def _take_out(served) -> None:
    for name in served:
        if isinstance(sys.modules.get(name), _Placeholder):
            del sys.modules[name]
        parent, _, child = name.rpartition(".")
        package = sys.modules.get(parent)
        if isinstance(getattr(package, child, None), _Placeholder):
            delattr(package, child)


def _import_whole() -> None:
    """pyqtgraph again, every module for real (the lazy Qt mirrors stay)."""
    for name in [m for m in sys.modules if m.split(".")[0] == "pyqtgraph"
                 and not m.startswith("pyqtgraph.Qt.Qt")]:
        del sys.modules[name]
    import pyqtgraph  # noqa: F401


def _took_a_placeholder(module) -> bool:
    return any(v is _MARK or isinstance(v, _Placeholder)
               for v in list(getattr(module, "__dict__", {}).values()))


class _Loader:
    """pyqtgraph's module ``__getattr__``: on the first public name it lacks, the
    deferred modules are imported (in the order pyqtgraph imported their placeholders)
    and their names added where the package has none of its own; then it goes. One
    thread loads while others wait; a module that fails to import is left out."""

    def __init__(self, package: types.ModuleType, served) -> None:
        self.package = package
        self.pending = list(served)
        self.lock = threading.RLock()
        self.loading = False

    def __call__(self, name: str):
        names = vars(self.package)
        if not name.startswith("_"):
            with self.lock:
                # A module being loaded that asks the package for a name (``from ..
                # import parametertree``) gets what is there: loading the others from
                # inside it imported one that needed it half made.
                if not self.loading:
                    self.loading = True
                    try:
                        for module_name in self.pending:
                            self._load(module_name, names)
                    finally:
                        self.pending, self.loading = [], False
                        if names.get("__getattr__") is self:
                            del names["__getattr__"]
            if name in names:
                return names[name]
        raise AttributeError(f"module {self.package.__name__!r} has no attribute {name!r}")

    @staticmethod
    def _load(module_name: str, names: dict) -> None:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return
        public = getattr(module, "__all__", None)
        if public is None:
            public = [n for n in vars(module) if not n.startswith("_")]
        for key in public:
            if hasattr(module, key):
                names.setdefault(key, getattr(module, key))
