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
the app does not use at launch (``pyqtgraph_deferral.py``).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import types
from pathlib import Path

from nnplayground.ui import pyqtgraph_deferral

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph picks its binding at import

MIRRORED = ("QtCore", "QtGui", "QtWidgets")

def import_pyqtgraph() -> types.ModuleType:
    """pyqtgraph, imported with lazy Qt mirrors where that is known to be safe."""
    if not any(name.split(".")[0] == "pyqtgraph" for name in sys.modules) \
            and _mirrors_are_empty():
        _import_with_lazy_mirrors(_installed_folder())
    import pyqtgraph

    return pyqtgraph


def _mirrors_are_empty(package: Path | None = None) -> bool:
    """PySide6 is the binding and pyqtgraph's mirror packages (under ``package``: the
    installed pyqtgraph's folder by default) are the empty files we know."""
    if os.environ.get("PYQTGRAPH_QT_LIB") != "PySide6":
        return False
    if package is None:
        package = _installed_folder()
        if package is None:
            return False
    try:
        return all((package / "Qt" / name / "__init__.py").stat().st_size == 0
                   for name in MIRRORED)
    except OSError:
        return False


def _installed_folder() -> Path | None:
    """The installed pyqtgraph's folder (found, not imported)."""
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


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


def _import_with_lazy_mirrors(package: Path | None) -> None:
    sources = {name: importlib.import_module(f"PySide6.{name}") for name in MIRRORED}
    saved = {name: source.__dict__.get("__dir__") for name, source in sources.items()}
    try:
        for name, source in sources.items():
            sys.modules[f"pyqtgraph.Qt.{name}"] = _lazy_mirror(name, source)
            # PySide6 lists its lazily created classes through a module __dir__; while
            # pyqtgraph imports, its copy loop sees none of them.
            source.__dir__ = list
        if package is not None and pyqtgraph_deferral.applies(package):
            pyqtgraph_deferral.import_deferring()
        else:
            import pyqtgraph  # noqa: F401
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

