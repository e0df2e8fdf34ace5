"""A cheaper answer to the question PySide6 asks of every module imported after it.

Once PySide6 is imported, its import hook (``shibokensupport.feature``) asks of each new
module whether it "uses PySide": whether its source contains the text ``PySide6``
(``_mod_uses_pyside``). It reads the source with ``inspect.getsource``, which first
looks for the module among all loaded ones (``inspect.getmodule`` walks ``sys.modules``
at every call) and keeps every file's lines in ``linecache``. For the ~310 modules the
app imports after Qt (pyqtgraph's and ours) that took 60-77 ms of each launch.

``speed_up_feature_hook`` gives the hook a test with the same answer that reads the
module's file and searches its bytes (~18 ms for the same modules). A module without a
readable ``.py`` file (a compiled extension, a zip) goes to PySide6's own test, as does
everything when PySide6 has no such hook (another version): then nothing changes.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

#: what PySide6's test looks for in a module's source
MARKER = b"PySide6"


def source_mentions_pyside(module: types.ModuleType,
                           fallback: Callable[[types.ModuleType], bool]) -> bool:
    """Whether ``module``'s source file contains ``PySide6``; ``fallback(module)`` where
    there is no ``.py`` file to read."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)
    try:
        with open(path, "rb") as source:
            return MARKER in source.read()
    except OSError:
        return fallback(module)


def speed_up_feature_hook() -> bool:
    """Give PySide6's import hook the faster test; True if it was given (once is
    enough: a second call changes nothing)."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "__wrapped__", None) is not None:
        return True  # given already

    def mod_uses_pyside(module: types.ModuleType) -> bool:
        return source_mentions_pyside(module, original)

    mod_uses_pyside.__wrapped__ = original
    feature._mod_uses_pyside = mod_uses_pyside
    return True
