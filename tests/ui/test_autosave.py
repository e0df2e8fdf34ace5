"""Sessions are never lost, and never forced on anyone: every running window autosaves its
own file while its work changes (off the GUI thread, with the full training state), and
the next start offers what a closed, crashed or killed window left behind (Restore /
Start fresh) instead of restoring it silently. Saving goes only where the user chose."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore

from nnplayground.core.registry import model_from_dict, model_to_dict
from nnplayground.core.session import Session, load_session, save_session
from nnplayground.ui.window import autosave as autosave_module
from nnplayground.ui.window import recent_files
from nnplayground.ui.window.main_window import MainWindow
from tests.ui.wm_close import ROOT, app_env

Qt = QtCore.Qt


def start(qtbot, interval_ms: int | None = None) -> MainWindow:
    """The window as the app starts it: settings, autosave, the offer."""
    w = MainWindow(restore_settings=True)
    qtbot.addWidget(w)
    if interval_ms is not None:
        w.autosave.set_interval(interval_ms)
    w.show()
    qtbot.waitExposed(w)
    return w


def folder() -> Path:
    return autosave_module.autosave_folder()


def saved_files() -> list[Path]:
    return sorted(p for p in folder().glob("autosave-*.nnp") if "damaged" not in p.name)


def click(qtbot, button) -> None:
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def training_state_equal(a, b) -> bool:
    def same(x, y):
        if isinstance(x, dict):
            return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
        if isinstance(x, (list, tuple)):
            return len(x) == len(y) and all(same(u, v) for u, v in zip(x, y))
        if isinstance(x, np.ndarray):
            return np.array_equal(x, y)
        return x == y

    return same(a.get_training_state(), b.get_training_state())


def train_mid_run(qtbot, w, epochs_per_second: float = 60.0) -> None:
    """Play in slow motion (a few epochs a second), as a class watches."""
    first = w.trainer.model.epoch
    w.trainer.set_speed(epochs_per_second)
    w.actions_.play.trigger()
    qtbot.waitUntil(lambda: w.live.last_epoch >= first + 3, timeout=20000)


# ---------------------------------------------------------------------------- the offer
def test_closing_offers_the_work_at_the_next_start_and_restore_brings_it_back(
        qtbot, isolated_settings):
    w = start(qtbot)
    w.load_preset("XOR", 3, 0.0)
    w.points.add_point((1.25, -2.5), label=1)
    for _ in range(3):
        with qtbot.waitSignal(w.trainer.finished, timeout=10000):
            w.actions_.step.trigger()
    X, y = w.points.point_set.arrays()
    train_mid_run(qtbot, w)  # closing mid-training keeps the work too
    w.close()
    (path,) = saved_files()
    kept = load_session(path)
    assert kept.model["epoch"] > 3 and np.array_equal(kept.points, X)

    again = start(qtbot)
    try:
        # The demo, not the last person's work: that is offered, not forced.
        assert not np.array_equal(again.points.point_set.arrays()[0], X)
        offer = again.centre.offer
        assert offer.isVisible() and offer.text().startswith("Restore the work from ")
        assert f"epoch {kept.model['epoch']:,}" in offer.text()
        click(qtbot, offer.button("Restore"))
        qtbot.waitUntil(lambda: not offer.isVisible())
        X2, y2 = again.points.point_set.arrays()
        assert np.array_equal(X, X2) and np.array_equal(y, y2)
        model = again.trainer.model
        # Weights, optimiser memory, random generator: as the file held them.
        assert training_state_equal(model, kept.build_model())
        assert model.epoch == kept.model["epoch"] == len(again.error_view)
        assert again.epoch_label.text() == f"Epoch {model.epoch}"
        assert again.data_panel.seed() == 3
        assert again.session_path is None and again.windowTitle() == "nnplayground"
        # The work is this window's autosave now: offered once, not twice.
        assert saved_files() == [again.autosave.path]
    finally:
        again.close()


def test_start_fresh_deletes_the_work_and_keeps_the_demo(qtbot, isolated_settings):
    w = start(qtbot)
    w.load_preset("Spiral", 1, 0.2)
    w.close()
    (path,) = saved_files()
    again = start(qtbot)
    try:
        demo = again.points.point_set.arrays()[0]
        click(qtbot, again.centre.offer.button("Start fresh"))
        qtbot.waitUntil(lambda: not again.centre.offer.isVisible())
        assert not path.exists() and np.array_equal(again.points.point_set.arrays()[0], demo)
    finally:
        again.close()
    third = start(qtbot)  # nothing changed since the start: nothing written, nothing offered
    try:
        assert not third.centre.offer.isVisible() and saved_files() == []
    finally:
        third.close()


def test_a_file_opened_at_start_opens_and_the_offer_waits(qtbot, isolated_settings, tmp_path):
    w = start(qtbot)
    w.load_preset("Gaussian", 2, 0.0)
    w.close()
    (left_behind,) = saved_files()
    teacher = tmp_path / "prepared.nnp"
    prepared = start(qtbot)
    prepared.centre.offer.button("Start fresh").click()
    prepared.load_preset("XOR", 5, 0.0)
    prepared.actions_.save_to(str(teacher))
    prepared.close()
    assert not left_behind.exists()

    w = start(qtbot)  # work left behind again
    w.load_preset("Circle", 4, 0.1)
    w.close()
    teacher_bytes = teacher.read_bytes()

    again = start(qtbot)  # as `nnplayground prepared.nnp` starts: the file opens
    try:
        assert again.open_session(str(teacher)) is not None
        assert again.centre.offer.isVisible()  # the offer waits above the teacher's file
        X, _ = again.points.point_set.arrays()
        assert np.array_equal(X, load_session(teacher).points)
        again.autosave.tick()  # opening a file is no work of its own to autosave
        assert again.autosave.save_now() and not again.autosave.path.exists()
    finally:
        again.close()
    assert teacher.read_bytes() == teacher_bytes  # never replaced, never written


def test_a_damaged_autosave_says_so_is_kept_and_the_demo_opens(qtbot, isolated_settings):
    folder().mkdir(parents=True, exist_ok=True)
    damaged = folder() / "autosave-0123456789ab.nnp"
    damaged.write_text('{"format": "nnplayground-session", "version": 1, "points": ',
                       encoding="utf-8")
    w = start(qtbot)
    try:
        assert w.banner.isVisible() and "Could not open the autosaved work" in w.banner.text()
        assert not w.centre.offer.isVisible() and len(w.points) > 0  # the demo
        (kept,) = folder().glob("autosave-damaged-*.nnp")
        assert kept.read_text(encoding="utf-8").endswith('"points": ')
    finally:
        w.close()


def test_an_autosave_no_array_can_hold_is_kept_aside_and_the_window_starts(
        qtbot, isolated_settings):
    """A stored array of shape (0, 8e6, 8e6, 8e6) passed every check (each axis within
    the limit, no numbers) and NumPy's refusal escaped: the window failed at every start."""
    folder().mkdir(parents=True, exist_ok=True)
    path = folder() / "autosave-0123456789ab.nnp"
    save_session(two_point_session(), path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["extras"]["x"] = {"dtype": "float64", "shape": [0, 8_000_000, 8_000_000, 8_000_000],
                          "data": ""}
    path.write_text(json.dumps(doc), encoding="utf-8")
    w = start(qtbot)
    try:
        assert "Could not open the autosaved work" in w.banner.text()
        assert "more than the 8,000,000 numbers" in w.banner.text()
        assert len(list(folder().glob("autosave-damaged-*.nnp"))) == 1
    finally:
        w.close()


def test_a_fault_of_ours_in_reading_an_autosave_never_stops_the_window_starting(
        qtbot, isolated_settings, monkeypatch):
    folder().mkdir(parents=True, exist_ok=True)
    save_session(two_point_session(), folder() / "autosave-0123456789ab.nnp")

    def faulty(path):  # stands for any error the checks have not foreseen
        raise IndexError("tuple index out of range")

    monkeypatch.setattr(autosave_module, "load_session", faulty)
    w = start(qtbot)
    try:
        assert "IndexError: tuple index out of range" in w.banner.text()
        assert len(w.points) > 0 and not w.centre.offer.isVisible()  # the demo
    finally:
        w.close()


def two_point_session() -> Session:
    return Session(points=[[0.0, 0.0], [1.0, 1.0]], labels=[0, 1], class_names=["a", "b"])


# ---------------------------------------------------------------------------- saving
def test_save_after_a_restore_asks_where_and_never_writes_a_path_read_from_a_file(
        qtbot, isolated_settings, tmp_path, monkeypatch):
    other = tmp_path / "someone_elses.nnp"
    other.write_text("not ours", encoding="utf-8")
    w = start(qtbot)
    w.load_preset("XOR", 1, 0.0)
    session = w.actions_.session()
    w.close()
    # An autosave (or a hand-edited file) that names another file to save to.
    session.extras["saved_as"] = str(other)
    for path in saved_files():
        path.unlink()
    save_session(session, folder() / "autosave-feedfacecafe.nnp")

    asked = []
    monkeypatch.setattr(recent_files, "ask_save_path",
                        lambda *args, **kwargs: asked.append(args) or ("", ""))
    again = start(qtbot)
    try:
        click(qtbot, again.centre.offer.button("Restore"))
        qtbot.waitUntil(lambda: again.trainer.model is not None and len(again.points) == len(session.points))
        again.activateWindow()
        qtbot.waitUntil(again.isActiveWindow)
        qtbot.keyClick(again, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert len(asked) == 1  # Save asked where, as for work never saved
        assert other.read_text(encoding="utf-8") == "not ours"
    finally:
        again.close()


# ---------------------------------------------------------------------------- writing
def test_autosave_writes_on_change_only_and_off_the_gui_thread(qtbot, isolated_settings,
                                                                monkeypatch):
    threads = []
    real = autosave_module.save_session_fitting
    monkeypatch.setattr(autosave_module, "save_session_fitting",
                        lambda *a, **k: threads.append(threading.current_thread()) or real(*a, **k))
    w = start(qtbot, interval_ms=60000)  # ticks by hand below
    try:
        w.autosave.tick()
        assert threads == [] and not w.autosave.path.exists()  # the start: nothing to keep
        w.points.add_point((0.5, 0.5), label=0)
        with qtbot.waitSignal(w.autosave.written, timeout=10000):
            w.autosave.tick()
        assert len(threads) == 1 and threads[0] is not threading.main_thread()
        assert len(load_session(w.autosave.path).points) == len(w.points)
        w.autosave.tick()
        w.autosave.tick()
        assert len(threads) == 1  # nothing changed: nothing written
    finally:
        w.close()


def test_two_windows_never_share_a_file_and_a_running_ones_work_is_not_offered(
        qtbot, isolated_settings):
    a, b = start(qtbot), start(qtbot)
    try:
        assert a.autosave.path != b.autosave.path
        a.load_preset("XOR", 1, 0.0)
        b.load_preset("Spiral", 2, 0.0)
        assert a.autosave.save_now() and b.autosave.save_now()
        assert load_session(a.autosave.path).dataset["preset"] == "XOR"
        assert load_session(b.autosave.path).dataset["preset"] == "Spiral"
        a.close()
        c = start(qtbot)  # a's work is left behind; b's belongs to a running window
        try:
            assert c.autosave.offer is not None and c.autosave.offer.path == a.autosave.path
            d = start(qtbot)  # c holds a's offer: d offers nothing
            try:
                assert d.autosave.offer is None
            finally:
                d.close()
        finally:
            c.close()
    finally:
        b.close()


def test_an_autosave_during_training_holds_the_full_training_state_of_its_epoch(
        qtbot, isolated_settings):
    """Restoring it and training on equals never having stopped: the file holds the
    trainer's model at a snapshot's epoch (not the window's lagging copy), with the
    optimiser's memory and the random generator, matching the history drawn."""
    w = start(qtbot, interval_ms=200)
    try:
        w.load_preset("XOR", 0, 0.0)
        initial = model_to_dict(w.trainer.model)
        X, y = w.data()[:2]
        written = []
        w.autosave.written.connect(lambda path, epoch: written.append((epoch, w.trainer.is_running())))
        train_mid_run(qtbot, w)
        qtbot.waitUntil(lambda: any(epoch >= 3 and running for epoch, running in written),
                        timeout=20000)
        with qtbot.waitSignal(w.trainer.finished, timeout=10000):
            w.actions_.play.trigger()  # pause
        w.autosave.set_interval(60000)
        qtbot.waitUntil(lambda: w.autosave._future is None or w.autosave._future.done())
        saved = load_session(w.autosave.path)
    finally:
        w.close()
    epoch = saved.model["epoch"]
    assert epoch >= 3 and len(saved.history["train"]) == epoch
    reference = model_from_dict(initial)
    for _ in range(epoch):
        reference.partial_fit(X, y)
    assert training_state_equal(saved.build_model(), reference)


# ---------------------------------------------------------------------------- a crash
KILLED_CHILD = textwrap.dedent("""
    import sys
    from types import SimpleNamespace

    from nnplayground.ui.app import make_application, run
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def window():
        from nnplayground.ui.window.main_window import MainWindow
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.isVisible()), None)

    def play():
        w = window()
        if w is None:
            QTimer.singleShot(20, play)
            return
        w.autosave.set_interval(200)
        w.load_preset("XOR", 0, 0.0)
        w.autosave.written.connect(
            lambda path, epoch: print("autosaved", epoch, w.trainer.is_running(), flush=True))
        w.trainer.set_speed(60)
        w.actions_.play.trigger()


    if __name__ == "__main__":
        make_application([])
        QTimer.singleShot(0, play)
        sys.exit(run(SimpleNamespace()))  # no command-line options
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and XDG paths")
def test_after_sigkill_during_training_the_next_start_offers_and_restores_the_work(
        qtbot, isolated_settings, tmp_path):
    home = tmp_path / "home"
    script = tmp_path / "killed_app.py"
    script.write_text(KILLED_CHILD, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=app_env(home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while True:  # until an autosave written mid-run, at epoch 3 or later
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            _, epoch, running = line.split()
            if running == "True" and int(epoch) >= 3:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    os.environ["XDG_DATA_HOME"] = str(home / "data")  # the killed app's folder
    (path,) = saved_files()
    saved = load_session(path)  # as of the last autosave before the kill
    assert saved.model["epoch"] >= int(epoch) and "training" in saved.model["state"]
    again = start(qtbot)
    try:
        offer = again.centre.offer
        assert offer.isVisible() and f"epoch {saved.model['epoch']:,}" in offer.text()
        click(qtbot, offer.button("Restore"))
        qtbot.waitUntil(lambda: not offer.isVisible())
        assert np.array_equal(again.points.point_set.arrays()[0], saved.points)
        assert np.array_equal(again.points.point_set.arrays()[1], saved.labels)
        model = again.trainer.model
        assert model.epoch == saved.model["epoch"] == len(again.error_view)
        assert training_state_equal(model, saved.build_model())
        # The state of that epoch exactly: the same as training the start's model so far
        # (so training on equals never having stopped).
        X, y = again.data()[:2]
        fresh = type(model)(**model.get_config())
        for _ in range(model.epoch):
            fresh.partial_fit(X, y)
        assert training_state_equal(model, fresh)
    finally:
        again.close()


def test_closing_when_the_last_autosave_fails_asks_and_never_drops_the_work(
        qtbot, isolated_settings, tmp_path, monkeypatch):
    """A full disk (or a session no file can hold): the window used to close without a
    word, and the work since the last good autosave was gone."""
    from nnplayground.ui.window import close_guard, recent_files

    w = start(qtbot)
    w.load_preset("XOR", 1, 0.0)
    w.points.add_point([0.5, 0.5], 0)
    n = len(w.points)
    monkeypatch.setattr(autosave_module, "_write",
                        lambda parts, path: (path, 0, "No space left on device", 0.0))
    answers, asked = [close_guard.CANCEL, close_guard.SAVE, close_guard.DISCARD], []

    def answer(window, error):
        asked.append(error)
        return answers.pop(0)

    monkeypatch.setattr(close_guard, "ask_keep_work", answer)
    target = tmp_path / "kept.nnp"
    monkeypatch.setattr(recent_files, "ask_save_path", lambda *args, **kwargs: (str(target), ""))
    assert not w.close() and w.isVisible()  # Cancel: the window stays, the work with it
    assert asked == ["No space left on device"]
    assert w.close() and not w.isVisible()  # Save as: written, then closed
    assert len(load_session(target).points) == n
    assert len(asked) == 2 and answers == [close_guard.DISCARD]


def test_a_cancelled_or_failed_save_as_asks_again_and_discard_closes(
        qtbot, isolated_settings, tmp_path, monkeypatch):
    from nnplayground.ui.window import close_guard, recent_files

    w = start(qtbot)
    w.points.add_point([0.5, 0.5], 0)
    writes = []
    monkeypatch.setattr(autosave_module, "_write", lambda parts, path: writes.append(path)
                        or (path, 0, "No space left on device", 0.0))
    answers = [close_guard.SAVE, close_guard.SAVE, close_guard.DISCARD]
    asked = []
    monkeypatch.setattr(close_guard, "ask_keep_work",
                        lambda window, error: asked.append(error) or answers.pop(0))
    paths = ["", str(tmp_path / "no_such_folder" / "x.nnp")]  # cancelled, then unwritable
    monkeypatch.setattr(recent_files, "ask_save_path",
                        lambda *args, **kwargs: (paths.pop(0), ""))
    assert w.close() and not w.isVisible()
    assert asked[0] == asked[1] == "No space left on device"  # the dialog was cancelled
    assert asked[2].endswith("It could not be saved as a file either (see the window).")
    assert len(writes) == 1  # the close wrote no second time after Discard


def test_closing_after_a_good_last_autosave_asks_nothing(qtbot, isolated_settings,
                                                         monkeypatch):
    from nnplayground.ui.window import close_guard

    w = start(qtbot)
    w.points.add_point([0.5, 0.5], 0)
    monkeypatch.setattr(close_guard, "ask_keep_work",
                        lambda *args: pytest.fail("asked although the work was kept"))
    assert w.close()
    (written,) = saved_files()
    assert len(load_session(written).points) == len(w.points)


def test_the_autosave_keeps_the_work_when_the_timeline_would_make_it_too_large(
        tmp_path, monkeypatch):
    """During a lesson the autosave writes the kept work with its timeline: a long run
    made every write fail (too large) and closing ask; it writes the work without it."""
    from nnplayground.core import limits
    from nnplayground.core.mlp import MLP

    model = MLP([2, 3, 1], seed=0)
    session = Session(points=np.zeros((4, 2)), labels=np.array([0, 1, 0, 1]),
                      class_names=["a", "b"], model=model_to_dict(model))
    session.extras["recording"] = {"epochs": np.arange(20000, dtype=np.int64)}
    monkeypatch.setattr(limits, "MAX_SESSION_BYTES", 20000)
    path, epoch, error, _ = autosave_module._write(session, tmp_path / "autosave.nnp")
    assert error is None and "recording" not in load_session(path).extras
    assert "recording" in session.extras  # the kept work keeps it for Leave


def test_closing_right_after_a_failed_background_write_writes_again_and_says_why(
        qtbot, isolated_settings, monkeypatch):
    """The window closed as if the work were kept when the write under way had failed
    and its report had not arrived yet."""
    w = start(qtbot, interval_ms=60000)
    try:
        real = autosave_module._write

        def full_disk(parts, path):
            time.sleep(0.3)  # a slow disk: the write ends after the window asked to close
            return path, -1, "the disk is full", 0.3

        monkeypatch.setattr(autosave_module, "_write", full_disk)
        w.points.add_point((0.5, 0.5), label=0)
        w.autosave.tick()  # a background write that fails; its report not yet delivered
        assert w.autosave.keep_before_close() == "the disk is full"
        monkeypatch.setattr(autosave_module, "_write", real)
        assert w.autosave.keep_before_close() is None and w.autosave.path.exists()
    finally:
        w.autosave.skip_last_write()
        w.close()


def test_a_cancelled_close_lets_the_run_go_on(qtbot, isolated_settings, monkeypatch):
    """Cancel says "the window stays as it is": closing had stopped the run for the last
    autosave, and Cancel left it stopped."""
    from nnplayground.ui.window import close_guard

    w = start(qtbot)
    monkeypatch.setattr(autosave_module, "_write",
                        lambda parts, path: (path, 0, "No space left on device", 0.0))
    answers = [close_guard.CANCEL, close_guard.CANCEL, close_guard.DISCARD]
    monkeypatch.setattr(close_guard, "ask_keep_work", lambda window, error: answers.pop(0))
    w.replay.run_spin.setValue(100_000)
    target = w.trainer.model.epoch + 100_000
    w.trainer.set_speed(60.0)  # slow enough that the run is still going at the close
    w.replay.run_n_epochs()
    qtbot.waitUntil(lambda: w.live.last_epoch >= 2, timeout=20000)
    assert not w.close() and w.isVisible()
    assert w.trainer.is_running() and w.actions_.play.text() == "&Pause"
    assert w.trainer.current_run() == (target, False)  # Run N epochs: the same end
    epoch = w.trainer.model.epoch
    qtbot.waitUntil(lambda: w.live.last_epoch > epoch, timeout=20000)
    # Paused and closed at once (before the pause arrived): the run stays paused.
    w.actions_.play.trigger()
    assert not w.close() and w.isVisible()
    assert not w.trainer.is_running() and w.actions_.play.text() == "&Play"
    assert w.close() and not w.trainer.is_running()  # Close without keeping it: it ends
