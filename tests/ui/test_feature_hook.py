"""PySide6's import hook with the faster test (ui/feature_hook.py): the same answer as
PySide6's own for every module, and no source text kept in linecache."""

from __future__ import annotations

import linecache
import sys
import types

import shibokensupport.feature as feature

from nnplayground.ui.feature_hook import source_mentions_pyside, speed_up_feature_hook


def _pysides_own_test():
    return feature._mod_uses_pyside.__wrapped__


def test_the_suite_runs_with_the_faster_test():
    # tests/conftest.py gives it as ui/app.py does
    assert getattr(feature._mod_uses_pyside, "__wrapped__", None) is not None
    first = feature._mod_uses_pyside
    assert speed_up_feature_hook() is True
    assert speed_up_feature_hook() is True
    assert feature._mod_uses_pyside is first  # a second call wraps nothing again


def test_the_same_answer_as_pysides_own_for_every_loaded_module():
    own = _pysides_own_test()
    modules = [m for m in list(sys.modules.values())
               if isinstance(getattr(m, "__file__", None), str)]
    with_source = [m for m in modules if m.__file__.endswith(".py")]
    assert len(with_source) > 300  # numpy's, Qt's support, pyqtgraph's, ours
    try:
        answers = {m.__name__: source_mentions_pyside(m, own) for m in modules}
        assert answers == {m.__name__: own(m) for m in modules}
    finally:
        linecache.clearcache()  # PySide6's own test read every file into it
    assert answers["nnplayground.ui.pyqtgraph_import"] and answers["tests.ui.test_feature_hook"]
    assert not answers["nnplayground"] and not answers["numpy.linalg"]


def test_a_module_imported_now_is_sorted_by_its_source(tmp_path, monkeypatch):
    (tmp_path / "nnp_hook_uses_qt.py").write_text("from PySide6 import QtCore\nX = 1\n")
    (tmp_path / "nnp_hook_plain.py").write_text("X = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        exec("import nnp_hook_uses_qt, nnp_hook_plain", {})  # through PySide6's __import__
        assert feature.pyside_feature_dict["nnp_hook_uses_qt"] == 0  # uses PySide6
        assert feature.pyside_feature_dict["nnp_hook_plain"] == -1  # ignored
        assert not [name for name in linecache.cache if "nnp_hook_" in name]
    finally:
        for name in ("nnp_hook_uses_qt", "nnp_hook_plain"):
            sys.modules.pop(name, None)
            feature.pyside_feature_dict.pop(name, None)


def test_a_module_without_a_source_file_asks_the_fallback(tmp_path):
    asked = []

    def fallback(module):
        asked.append(module.__name__)
        return True

    built = types.ModuleType("built_in_the_air")
    gone = types.ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")  # never written
    compiled = types.ModuleType("compiled")
    compiled.__file__ = str(tmp_path / "compiled.so")
    assert all(source_mentions_pyside(m, fallback) for m in (built, gone, compiled))
    assert asked == ["built_in_the_air", "gone", "compiled"]
