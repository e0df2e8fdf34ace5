"""File > Export, the remembered folder and File > Open recent, driven like a user: menu
entries, Qt's own file dialog (typed into, its filters chosen), the status bar."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from nnplayground.core.datasets import PRESETS
from nnplayground.core.session import SUFFIX
from nnplayground.ui.window import recent_files
from tests.ui.window_helpers import load, play_until

Qt = QtCore.Qt
SVG_NS = "{http://www.w3.org/2000/svg}"

#: a model per preset that draws that preset's lesson on the canvas: the perceptron's
#: line and weight arrow, the MLP's heatmap and 0.5 contour, the competitive layer's
#: regions, centroids and trails, the autoencoder's reconstructions
MODEL_FOR = {"AND": "Perceptron with bias", "OR": "Perceptron with bias",
             "XOR (truth table)": "MLP", "Line": "Perceptron with bias",
             "Needs a bias": "Perceptron", "Circle": "MLP", "XOR": "MLP",
             "Gaussian": "Competitive layer", "Spiral": "MLP",
             "Five 3-D clusters": "Competitive layer",
             "Two blobs (autoencoder)": "Autoencoder"}


# ---------------------------------------------------------------------------- helpers
def menu_action(w, *path: str) -> QtGui.QAction:
    """The action at ``path`` in the menu bar ("File", "Export", "Canvas"), found as a
    user reads the menus (mnemonics and dots ignored)."""
    actions = w.menuBar().actions()
    for i, text in enumerate(path):
        found = [a for a in actions if a.text().replace("&", "").rstrip("…") == text]
        assert found, f"no {text!r} in {[a.text() for a in actions]}"
        action = found[0]
        if i < len(path) - 1:
            menu = action.menu()
            menu.aboutToShow.emit()  # as when it opens: entries enabled, lists filled
            actions = menu.actions()
    return action


def answer_file_dialog(qtbot, path: str | None, name_filter: str | None = None) -> dict:
    """Answer the next file dialog as a user: note what it offers, go to ``path``'s folder,
    pick ``name_filter``, type the file name and click Save/Open (None: press Escape).
    Returns what the dialog showed."""
    seen: dict = {}
    tries = [0]

    def poll() -> None:
        dialog = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(dialog, QtWidgets.QFileDialog) or not dialog.isVisible():
            tries[0] += 1
            if tries[0] < 250:
                QtCore.QTimer.singleShot(20, poll)
            return
        seen.update(title=dialog.windowTitle(), filters=dialog.nameFilters(),
                    folder=str(Path(dialog.directory().absolutePath()).resolve()),
                    proposed=[Path(f).name for f in dialog.selectedFiles()],
                    native=not dialog.testOption(QtWidgets.QFileDialog.Option.DontUseNativeDialog))
        if path is None:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            return
        # Going to the folder stands for clicking through the folder list: typing a whole
        # path makes Qt's completer select every folder on the way.
        dialog.setDirectory(str(Path(path).parent))
        if name_filter is not None:
            dialog.selectNameFilter(name_filter)
        edit = dialog.findChild(QtWidgets.QLineEdit, "fileNameEdit")
        edit.selectAll()
        qtbot.keyClicks(edit, Path(path).name)
        edit.completer().popup().hide()  # it would take the click
        buttons = dialog.findChild(QtWidgets.QDialogButtonBox, "buttonBox")
        accept = next(b for b in buttons.buttons()
                      if buttons.buttonRole(b) == QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
        seen["accepted"] = not dialog.isVisible()
        if dialog.isVisible():  # never hang the run on a dialog that kept the answer
            dialog.reject()

    QtCore.QTimer.singleShot(0, poll)
    return seen


def export_via_menu(qtbot, w, entry: str, path: str | None, name_filter=None) -> dict:
    action = menu_action(w, "File", "Export", entry)
    assert action.isEnabled(), entry
    seen = answer_file_dialog(qtbot, path, name_filter)
    action.trigger()
    assert seen, "no file dialog opened"
    assert not seen["native"]
    return seen


def svg_root(path: Path) -> ET.Element:
    assert path.exists() and path.stat().st_size > 500, path
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    return root


def drawn_ids(root: ET.Element) -> set[str]:
    """pyqtgraph names each item's group <class>_<n>: the classes in the drawing."""
    return {e.get("id").rsplit("_", 1)[0] for e in root.iter() if e.get("id")}


def image_colours(path: Path) -> tuple[QtGui.QImage, int]:
    image = QtGui.QImage(str(path))
    assert not image.isNull(), path
    small = image.scaled(200, 200).convertToFormat(QtGui.QImage.Format.Format_RGB32)
    raw = np.frombuffer(small.constBits(), dtype=np.uint8,
                        count=small.sizeInBytes()).reshape(-1, 4)[:, :3]
    return image, len(np.unique(raw, axis=0))


def recent_entries(w) -> list[str]:
    menu = menu_action(w, "File", "Open recent").menu()
    menu.aboutToShow.emit()
    return [a.data() for a in menu.actions() if isinstance(a.data(), str) and a.data()]


# ---------------------------------------------------------------------------- SVG (issue 8.1)
def test_the_canvas_exports_as_svg_for_every_preset_with_its_model_drawn(
        qtbot, window, tmp_path):
    # Qt 6.10+ ends closed paths with "Z", which pyqtgraph 0.14.0's SVG exporter could
    # not read: no SVG was ever written, and nothing was said.
    w = window
    assert set(MODEL_FOR) == set(PRESETS)
    for preset, model in MODEL_FOR.items():
        load(qtbot, w, preset, model)
        play_until(qtbot, w, 3)
        path = tmp_path / f"{preset.replace(' ', '_')}.svg"
        assert w.actions_.export_figure_to(str(path)), (preset, w.banner.text())
        root = svg_root(path)
        ids = drawn_ids(root)
        shown = [item for item in vars(w.overlay).values()
                 if isinstance(item, QtWidgets.QGraphicsItem) and item.isVisible()]
        assert shown, preset
        for item in shown:  # everything the model draws is in the file
            assert type(item).__name__ in ids, (preset, type(item).__name__, sorted(ids))
        assert "_PassiveScatter" in ids  # and the points
        assert len([e for e in root.iter(f"{SVG_NS}path")]) >= len(w.points)
        assert str(path) in w.statusBar().currentMessage()


def test_svg_through_the_dialog_names_the_file_in_the_status_bar(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "Circle", "MLP")
    play_until(qtbot, w, 3)
    seen = export_via_menu(qtbot, w, "Canvas", str(tmp_path / "circle"), "SVG drawing (*.svg)")
    assert seen["filters"] == ["PNG image (*.png)", "SVG drawing (*.svg)"]
    assert seen["proposed"] == ["canvas.png"]
    root = svg_root(tmp_path / "circle.svg")
    assert {"ImageItem", "SegmentsItem"} <= drawn_ids(root)  # heatmap and contour
    assert w.statusBar().currentMessage() == f"Exported the canvas to {tmp_path / 'circle.svg'}"


def test_an_export_that_fails_says_why(qtbot, window, tmp_path, monkeypatch):
    w = window
    load(qtbot, w, "XOR", "MLP")
    assert not w.actions_.export_figure_to(str(tmp_path / "missing" / "canvas.png"))
    assert w.banner.isVisible() and "Could not export the canvas" in w.banner.text()
    assert "missing" in w.statusBar().currentMessage()

    import pyqtgraph.exporters as exporters

    def broken(self, *args, **kwargs):
        raise ValueError("not enough values to unpack (expected 2, got 1)")

    monkeypatch.setattr(exporters.SVGExporter, "export", broken)
    assert not w.actions_.export_figure_to(str(tmp_path / "canvas.svg"))
    assert "Could not export the canvas as SVG: ValueError" in w.banner.text()
    assert not (tmp_path / "canvas.svg").exists()


# ---------------------------------------------------------------------------- every view
def test_every_2d_view_and_the_window_export_as_png_and_svg(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "Two blobs (autoencoder)", "Autoencoder")
    play_until(qtbot, w, 3)
    for entry, key in (("Canvas", "canvas"), ("Error curve", "error"),
                       ("Network drawing", "network"), ("Latent space", "latent")):
        seen = export_via_menu(qtbot, w, entry, str(tmp_path / f"{key}.png"))
        assert seen["filters"] == ["PNG image (*.png)", "SVG drawing (*.svg)"], entry
        image, colours = image_colours(tmp_path / f"{key}.png")
        view = {"canvas": w.canvas, "error": w.error_view, "network": w.network_view,
                "latent": w.latent_view}[key]
        assert image.width() >= view.width() and image.height() >= 0.8 * view.height(), entry
        assert colours >= 8, entry  # a picture, not a blank
        assert str(tmp_path / f"{key}.png") in w.statusBar().currentMessage()

        export_via_menu(qtbot, w, entry, str(tmp_path / f"{key}.svg"), "SVG drawing (*.svg)")
        svg_root(tmp_path / f"{key}.svg")

    # the network drawing (a plain QGraphicsView) holds every neuron and connection
    root = svg_root(tmp_path / "network.svg")
    sizes = w.trainer.model.get_config()["layer_sizes"]
    assert len(list(root.iter(f"{SVG_NS}circle"))) == sum(sizes)
    assert len(list(root.iter(f"{SVG_NS}polyline"))) >= sum(
        a * b for a, b in zip(sizes, sizes[1:]))

    seen = export_via_menu(qtbot, w, "Whole window", str(tmp_path / "window.png"))
    assert seen["filters"] == ["PNG image (*.png)"]  # an OpenGL picture: no SVG offered
    image, colours = image_colours(tmp_path / "window.png")
    ratio = w.devicePixelRatio()
    assert (image.width(), image.height()) == (round(w.width() * ratio), round(w.height() * ratio))
    assert colours >= 8


def test_the_3d_view_is_offered_only_with_3d_data(qtbot, window):
    w = window
    load(qtbot, w, "Circle", "MLP")
    assert not menu_action(w, "File", "Export", "3-D view").isEnabled()


@pytest.mark.gl
def test_the_3d_view_exports_as_png_only(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "Five 3-D clusters", "Competitive layer")
    play_until(qtbot, w, 3)
    seen = export_via_menu(qtbot, w, "3-D view", str(tmp_path / "cube.svg"))
    assert seen["filters"] == ["PNG image (*.png)"]  # SVG not offered
    assert not (tmp_path / "cube.svg").exists()  # typed anyway: refused with a reason
    assert "as PNG" in w.banner.text()

    export_via_menu(qtbot, w, "3-D view", str(tmp_path / "cube"))
    image, colours = image_colours(tmp_path / "cube.png")
    gl_widget = w.view3d.gl_widget
    assert image.width() >= gl_widget.width() and image.height() >= gl_widget.height()
    assert colours >= 8  # the clusters, not a black or empty frame
    assert w.statusBar().currentMessage() == f"Exported the 3-D view to {tmp_path / 'cube.png'}"

    # the whole window holds the 3-D picture too
    export_via_menu(qtbot, w, "Whole window", str(tmp_path / "window.png"))
    window_image = QtGui.QImage(str(tmp_path / "window.png"))
    corner = gl_widget.mapTo(w, QtCore.QPoint(0, 0))
    region = window_image.copy(QtCore.QRect(corner, gl_widget.size())).convertToFormat(
        QtGui.QImage.Format.Format_RGB32)
    pixels = np.frombuffer(region.constBits(), dtype=np.uint8,
                           count=region.sizeInBytes()).reshape(-1, 4)[:, :3]
    assert len(np.unique(pixels, axis=0)) >= 8


# ---------------------------------------------------------------------------- CSV
def test_the_error_history_exports_as_csv_equal_to_the_error_view(qtbot, window, tmp_path):
    w = window
    load(qtbot, w, "XOR", "MLP")
    w.data_panel.test_slider.setValue(20)
    play_until(qtbot, w, 12)
    seen = export_via_menu(qtbot, w, "Error history (CSV)", str(tmp_path / "errors"))
    assert seen["filters"] == ["CSV files (*.csv)"]
    with open(tmp_path / "errors.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    epochs, train, test = w.error_view.data()
    assert rows[0] == ["epoch", "train", "test"] and len(rows) == len(epochs) + 1 >= 13
    got = np.array([[float(v) for v in row] for row in rows[1:]])
    assert got[:, 0].tolist() == epochs.tolist()
    assert got[:, 1].tobytes() == train.tobytes() and got[:, 2].tobytes() == test.tobytes()
    assert f"{len(epochs)} epochs" in w.statusBar().currentMessage()
    assert str(tmp_path / "errors.csv") in w.statusBar().currentMessage()


# ---------------------------------------------------------------------------- folders
def test_every_file_dialog_opens_in_the_last_folder_used(qtbot, window, tmp_path):
    w = window
    first, second = tmp_path / "pictures", tmp_path / "lessons"
    first.mkdir()
    second.mkdir()
    export_via_menu(qtbot, w, "Canvas", str(first / "canvas.png"))
    for entry in (("File", "Open"), ("File", "Import points (CSV)"),
                  ("File", "Export points (CSV)"), ("File", "Export", "Error curve")):
        seen = answer_file_dialog(qtbot, None)
        menu_action(w, *entry).trigger()
        assert seen["folder"] == str(first.resolve()), entry

    seen = answer_file_dialog(qtbot, str(second / "lesson"))
    menu_action(w, "File", "Save as").trigger()
    assert seen["proposed"] == [f"session{SUFFIX}"]
    assert (second / f"lesson{SUFFIX}").exists()
    seen = answer_file_dialog(qtbot, None)
    menu_action(w, "File", "Export", "Canvas").trigger()
    assert seen["folder"] == str(second.resolve())
    # remembered in the settings, for the next start
    assert recent_files.last_folder() == str(second.resolve())


# ---------------------------------------------------------------------------- recent files
def test_recent_files_list_sessions_and_reopen_them(qtbot, window, tmp_path):
    w = window
    assert recent_entries(w) == []
    load(qtbot, w, "Needs a bias", "Perceptron with bias")
    X_one, _ = w.points.point_set.arrays()
    one, two = tmp_path / f"one{SUFFIX}", tmp_path / f"two{SUFFIX}"
    answer_file_dialog(qtbot, str(one))
    menu_action(w, "File", "Save as").trigger()
    load(qtbot, w, "Spiral", "MLP")
    answer_file_dialog(qtbot, str(two))
    menu_action(w, "File", "Save as").trigger()
    assert recent_entries(w) == [str(two), str(one)]  # most recent first

    # Reopen "one" from the menu, as a user: open File > Open recent, click the entry.
    load(qtbot, w, "Circle", "MLP")
    menu = menu_action(w, "File", "Open recent").menu()
    menu.popup(w.mapToGlobal(QtCore.QPoint(40, 40)))
    qtbot.waitUntil(menu.isVisible)
    entry = next(a for a in menu.actions() if a.data() == str(one))
    assert entry.text() == f"&2 one{SUFFIX}" and entry.toolTip() == str(one)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(entry).center())
    qtbot.waitUntil(lambda: w.windowTitle() == "one — nnplayground")
    X, _ = w.points.point_set.arrays()
    assert X.tobytes() == X_one.tobytes()
    assert recent_entries(w) == [str(one), str(two)]

    # Opened through File > Open: on the list too.
    answer_file_dialog(qtbot, str(two))
    menu_action(w, "File", "Open").trigger()
    assert recent_entries(w) == [str(two), str(one)]

    # A file gone since: taken off the list, with a message; the work stays as it was.
    X_two, _ = w.points.point_set.arrays()
    two.unlink()
    menu_action(w, "File", "Open recent", f"1 two{SUFFIX}").trigger()
    assert "no longer there" in w.statusBar().currentMessage()
    assert recent_entries(w) == [str(one)]
    assert w.points.point_set.arrays()[0].tobytes() == X_two.tobytes()

    # At most eight, kept in the settings for the next start.
    for i in range(10):
        path = tmp_path / f"s{i}{SUFFIX}"
        answer_file_dialog(qtbot, str(path))
        menu_action(w, "File", "Save as").trigger()
    assert recent_entries(w) == [str(tmp_path / f"s{i}{SUFFIX}") for i in range(9, 1, -1)]
    assert QtCore.QSettings().value(recent_files.RECENT_KEY) == recent_entries(w)

    menu_action(w, "File", "Open recent", "Clear list").trigger()
    assert recent_entries(w) == []
    menu = menu_action(w, "File", "Open recent").menu()
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "No recent files", "&Clear list"]
    assert not any(a.isEnabled() for a in menu.actions() if not a.isSeparator())
