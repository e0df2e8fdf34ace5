"""A dense network's lines kept as a picture, drawn again in short steps (GUI thread).

[2, 32 x 6, 1]'s 5,216 lines take 7-8 ms to draw, and with both cores busy a paint of
the network drawing took 14-30 ms: while the panel's largest network trained, every
tick of a 10 ms GUI timer more than 20 ms late fell within one (``benchmarks/ui.py``).
``LinesPicture`` keeps the lines as an image in device pixels, which a paint draws at
once. New weights draw a new image a few buckets at a time: a step stops once
``STEP_SECONDS`` have passed (a bucket is drawn whole, so a step can run a bucket over),
and the event loop runs between steps. The old image shows until the new one is
complete. A picture draws the lines as they were when it started (their pens and paths,
shared copies), so it always completes, and the next starts from the newest lines; an
image of another place, size or pixel ratio is never shown (the item draws its lines
itself until one is ready). Qt's own item cache would not do: it draws its whole picture
again in the one paint that finds it stale.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPen

#: the longest one step of drawing may take, in seconds (then the event loop runs)
STEP_SECONDS = 0.003


def device_rect(rect: QRectF, ratio: float) -> QRectF:
    """``rect`` grown to whole device pixels at pixel ratio ``ratio``, so that an image of
    it lands on the pixel grid exactly as the lines drawn directly would."""
    left, top = math.floor(rect.left() * ratio), math.floor(rect.top() * ratio)
    right, bottom = math.ceil(rect.right() * ratio), math.ceil(rect.bottom() * ratio)
    return QRectF(left / ratio, top / ratio, (right - left) / ratio, (bottom - top) / ratio)


@dataclass
class _Job:
    """An image being drawn: what it is of, the lines left, and its image and painter
    (made by the first step)."""

    drawn_for: tuple  # (the item's rect, pixel ratio, generation of the lines)
    area: QRectF  # the rect on whole device pixels
    draws: list  # (pen, path) left to draw, in order
    image: QImage | None = None
    painter: QPainter | None = field(default=None, repr=False)


class LinesPicture:
    """The image of the lines. ``on_ready()`` is called when a new image is complete and
    ``on_work(seconds)`` after each step (the view counts it towards its redraw's cost)."""

    def __init__(self, on_ready: Callable[[], None],
                 on_work: Callable[[float], None] | None = None) -> None:
        self._on_ready = on_ready
        self._on_work = on_work
        self.image: QImage | None = None
        #: what ``image`` shows: (the item's rect, pixel ratio, generation of the lines)
        self.drawn_for: tuple | None = None
        self._job: _Job | None = None
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.steps = 0  # steps taken for the last complete image (tests)
        self._steps = 0

    @property
    def pending(self) -> bool:
        """An image is being drawn."""
        return self._job is not None

    def usable(self, rect: QRectF, ratio: float) -> QImage | None:
        """The image, if it is of ``rect`` at ``ratio`` (its lines may be a step behind)."""
        if self.image is None or self.drawn_for is None:
            return None
        return self.image if self.drawn_for[:2] == (_key(rect), ratio) else None

    def wanted(self, rect: QRectF, ratio: float, generation: int) -> bool:
        """No image is being drawn, and the last is not of these lines there (the next
        starts when the one being drawn is complete)."""
        return self._job is None and self.drawn_for != (_key(rect), ratio, generation)

    def redraw(self, rect: QRectF, ratio: float, generation: int,
               draws: Sequence[tuple[QPen, QPainterPath]]) -> None:
        """Start an image of the lines ``draws`` (each a pen and its path, in the order
        they are drawn) for ``rect``; one being drawn is dropped."""
        self.cancel()
        area = device_rect(rect, ratio)
        if round(area.width() * ratio) <= 0 or round(area.height() * ratio) <= 0:
            return
        self._job = _Job((_key(rect), ratio, generation), area, list(draws))
        self._steps = 0
        self._timer.start(0)

    def cancel(self) -> None:
        """Drop an image being drawn; the complete one stays."""
        self._timer.stop()
        if self._job is not None and self._job.painter is not None:
            self._job.painter.end()
        self._job = None

    def forget(self) -> None:
        """No image at all (the lines moved)."""
        self.cancel()
        self.image = self.drawn_for = None

    def origin(self, rect: QRectF, ratio: float):
        """Where the image of ``rect`` goes, in the item's coordinates."""
        return device_rect(rect, ratio).topLeft()

    def _on_timer_timeout(self) -> None:
        if self._job is None:
            return
        start = time.perf_counter()
        self._steps += 1
        job = self._job
        if job.image is None:  # the first step makes the image (not the paint that asked)
            ratio = job.drawn_for[1]
            job.image = QImage(round(job.area.width() * ratio), round(job.area.height() * ratio),
                               QImage.Format.Format_ARGB32_Premultiplied)
            job.image.setDevicePixelRatio(ratio)
            job.image.fill(Qt.GlobalColor.transparent)
            job.painter = QPainter(job.image)
            job.painter.translate(-job.area.topLeft())
        while job.draws:  # at least one bucket a step, then as many as fit in the step
            pen, path = job.draws.pop(0)
            job.painter.setPen(pen)
            job.painter.drawPath(path)
            if time.perf_counter() - start >= STEP_SECONDS:
                break
        if self._on_work is not None:
            self._on_work(time.perf_counter() - start)
        if job.draws:
            self._timer.start(0)
            return
        job.painter.end()
        self._job = None
        self.image, self.drawn_for, self.steps = job.image, job.drawn_for, self._steps
        self._on_ready()


def _key(rect: QRectF) -> tuple[float, float, float, float]:
    return (rect.x(), rect.y(), rect.width(), rect.height())
