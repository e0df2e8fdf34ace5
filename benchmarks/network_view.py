"""The network drawing's cost at the panel's sizes, against the default net (run by hand).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/network_view.py \
        [--repeats 30] [--size 800x500]

One ``NetworkView`` on screen (``--size``, default 800x500; the window's network tab is
about 400x330 at 1280x800), its throttle off (``max_rate = None``: every call restyles at
once). For the default net [2, 4, 2, 1] (the baseline), the panel's old largest
[2, 8 x 6, 1] and its new largest [2, 32 x 6, 1] it measures, in one run:

- **build**: ``set_network`` with a new architecture (items made and laid out);
- **update**: ``set_network`` with the same sizes and new weights and biases, as every
  frame of training does (a random walk, so the widths change a little each time); the
  graphics items must survive it (checked);
- **paint**: a repaint of the view on screen right after an update, what the GUI thread
  pays in one paint event (a dense mesh shows its last picture there and starts a new
  one: ``network_picture.py``);
- **steps**: for a dense mesh, the picture's steps that follow an update, in total and
  the longest (the event loop runs between two steps);
- **export**: the view rendered into an image of its size (``QGraphicsView.render``, as
  an export draws it: every line, smoothed);
- **hover**: a tooltip event over the middle of one connection, as the mouse gives it.

Figures are medians of ``--repeats`` in milliseconds, and ratios to the default net's in
the same run. Training sends about 30 frames a second and the view restyles at most 10
times a second (``redraw_throttle.py``), so one update plus one paint is the drawing's
share of a tenth of a second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtGui import QHelpEvent, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

STEPS: list[float] = []  # the picture's steps since the last update, in seconds

NETS = {"default [2, 4, 2, 1]": [2, 4, 2, 1],
        "old largest [2, 8x6, 1]": [2] + [8] * 6 + [1],
        "new largest [2, 32x6, 1]": [2] + [32] * 6 + [1]}


def weights_for(sizes, rng):
    W = [rng.normal(0.0, 1.0, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    B = [rng.normal(0.0, 0.5, b) for b in sizes[1:]]
    return W, B


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def measure(view, sizes, repeats: int) -> dict:
    rng = np.random.default_rng(0)
    W, B = weights_for(sizes, rng)
    app = QApplication.instance()

    def build():
        view.set_network([1, 1], [np.ones((1, 1))])  # another architecture first
        t0 = time.perf_counter()
        view.set_network(sizes, W, B)
        return time.perf_counter() - t0

    build_ms = 1000 * statistics.median(build() for _ in range(max(repeats // 3, 3)))
    app.processEvents()
    items = len(view.scene().items())
    frames = []
    Wt, Bt = [w.copy() for w in W], [b.copy() for b in B]
    for _ in range(repeats):  # training's drift: every weight and bias moves a little
        Wt = [w + rng.normal(0.0, 0.05, w.shape) for w in Wt]
        Bt = [b + rng.normal(0.0, 0.05, b.shape) for b in Bt]
        frames.append(([w.copy() for w in Wt], [b.copy() for b in Bt]))
    it = iter(frames)
    update_ms = median_ms(lambda: view.set_network(sizes, *next(it)), repeats)
    assert len(view.scene().items()) == items, "a weight update rebuilt items"

    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)

    def export():
        painter = QPainter(image)
        view.render(painter)
        painter.end()

    export()  # the first render warms caches up
    export_ms = median_ms(export, repeats)

    from nnplayground.ui.views.network_connections import ConnectionsItem

    lines = next(i for i in view.scene().items() if isinstance(i, ConnectionsItem))
    paints, steps, totals = [], [], []
    for frame in frames[: max(repeats // 3, 3)]:
        view.set_network(sizes, *frame)
        t0 = time.perf_counter()
        view.viewport().repaint()
        paints.append(time.perf_counter() - t0)
        STEPS.clear()
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:  # until the picture is complete
            app.processEvents()
            if lines.picture is None or not lines.picture.pending:
                break
        if STEPS:
            steps.append(max(STEPS))
            totals.append(sum(STEPS))
    paint_ms = 1000 * statistics.median(paints)

    layer = len(sizes) // 2 - 1
    i, j = sizes[layer] // 2, sizes[layer + 1] // 2
    at = view.mapFromScene(view.connection_item(layer, i, j).line().pointAt(0.3))

    def hover():
        event = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
        QApplication.sendEvent(view.viewport(), event)

    hover_ms = median_ms(hover, repeats)
    tip = QToolTip.text() if QToolTip.isVisible() else ""
    QToolTip.hideText()
    n_conn = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return dict(connections=n_conn, items=items, build=build_ms, update=update_ms,
                paint=paint_ms, export=export_ms, hover=hover_ms,
                step=1000 * statistics.median(steps) if steps else 0.0,
                steps=1000 * statistics.median(totals) if totals else 0.0,
                tip=tip.splitlines()[0] if tip else "-")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--size", default="800x500", help="the view's size in pixels")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))

    from nnplayground.ui.app import make_application
    from nnplayground.ui.views.network_view import NetworkView
    from nnplayground.ui.views.redraw_throttle import RedrawThrottle

    spent = RedrawThrottle.spent

    def record(self, seconds):  # each step of a picture reports its time here
        STEPS.append(seconds)
        spent(self, seconds)

    RedrawThrottle.spent = record

    app = make_application()
    view = NetworkView()
    view.max_rate = None
    view.resize(width, height)
    view.show()
    for _ in range(5):
        app.processEvents()

    results = {name: measure(view, sizes, args.repeats) for name, sizes in NETS.items()}
    base = results[next(iter(NETS))]
    print(f"NetworkView {width}x{height}, platform {app.platformName()}, median of "
          f"{args.repeats}; ms (x the default net's)")
    head = f"{'network':<26} {'lines':>5} {'items':>5}"
    for key in ("build", "update", "paint", "export", "hover"):
        head += f" {key:>15}"
    print(head + "  hover tip")
    for name, r in results.items():
        row = f"{name:<26} {r['connections']:>5} {r['items']:>5}"
        for key in ("build", "update", "paint", "export", "hover"):
            row += f" {r[key]:7.2f} ({r[key] / base[key]:4.1f}x)"
        print(row + f"  {r['tip']}")
    big = results[list(NETS)[-1]]
    work = big["update"] + big["paint"] + big["steps"]
    print(f"largest: update {big['update']:.1f} + paint {big['paint']:.1f} + the picture's steps "
          f"{big['steps']:.1f} ms (the longest {big['step']:.1f}) per redraw, {work / 100:.0%} of "
          f"the 100 ms between two redraws; the longest the GUI thread is held: "
          f"{max(big['update'], big['paint'], big['step']):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
