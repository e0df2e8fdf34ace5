"""A dense network's lines kept as a picture, drawn again in short steps (GUI thread).

[2, 32 x 6, 1]'s 5,216 lines take 7-8 ms to draw, and with both cores busy a paint of
the network drawing took 14-30 ms: while the panel's largest network trained, every
tick of a 10 ms GUI timer more than 20 ms late fell within one (``benchmarks/ui.py``).
``LinesPicture`` keeps the lines as an image in device pixels, which a paint draws at
once. New weights draw a new image a few buckets at a time, each step within
``STEP_SECONDS``, with the event loop running between the steps; the old image shows
until the new one is complete. An image of another place, size or pixel ratio is never
shown: the item draws its lines itself until one is ready.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter

#: the longest one step of drawing may take, in seconds (then the event loop runs)
STEP_SECONDS = 0.003


def device_rect(rect: QRectF, ratio: float) -> QRectF:
    """``rect`` grown to whole device pixels at pixel ratio ``ratio``, so that an image of
    it lands on the pixel grid exactly as the lines drawn directly would."""
    left, top = math.floor(rect.left() * ratio), math.floor(rect.top() * ratio)
    right, bottom = math.ceil(rect.right() * ratio), math.ceil(rect.bottom() * ratio)
    return QRectF(left / ratio, top / ratio, (right - left) / ratio, (bottom - top) / ratio)


class LinesPicture:
    """The image of the lines; ``draw_bucket(painter, bucket)`` draws one bucket's lines
    with its pen, ``on_ready()`` is called when a new image is complete and
    ``on_work(seconds)`` after each step (the view counts it towards its redraw's cost)."""

    def __init__(self, draw_bucket: Callable[[QPainter, int], None],
                 on_ready: Callable[[], None],
                 on_work: Callable[[float], None] | None = None) -> None:
        self._draw_bucket = draw_bucket
        self._on_ready = on_ready
        self._on_work = on_work
        self.image: QImage | None = None
        #: what ``image`` shows: (the item's rect, pixel ratio, generation of the lines)
        self.drawn_for: tuple | None = None
        self._job: tuple | None = None  # (image, painter, buckets left, drawn_for)
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
        """Neither the image nor the one being drawn is of these lines there."""
        want = (_key(rect), ratio, generation)
        return self.drawn_for != want and (self._job is None or self._job[3] != want)

    def redraw(self, rect: QRectF, ratio: float, generation: int,
               buckets: Sequence[int]) -> None:
        """Start an image of ``buckets`` (in the order they are drawn) for ``rect``; one
        being drawn is dropped."""
        self.cancel()
        area = device_rect(rect, ratio)
        width, height = round(area.width() * ratio), round(area.height() * ratio)
        if width <= 0 or height <= 0:
            return
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.translate(-area.topLeft())
        self._job = (image, painter, list(buckets), (_key(rect), ratio, generation))
        self._steps = 0
        self._timer.start(0)

    def cancel(self) -> None:
        """Drop an image being drawn; the complete one stays."""
        self._timer.stop()
        if self._job is not None:
            self._job[1].end()
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
        image, painter, buckets, drawn_for = self._job
        start = time.perf_counter()
        self._steps += 1
        while buckets:  # at least one bucket a step, then as many as fit in the step
            self._draw_bucket(painter, buckets.pop(0))
            if time.perf_counter() - start >= STEP_SECONDS:
                break
        if self._on_work is not None:
            self._on_work(time.perf_counter() - start)
        if buckets:
            self._timer.start(0)
            return
        painter.end()
        self._job = None
        self.image, self.drawn_for, self.steps = image, drawn_for, self._steps
        self._on_ready()


def _key(rect: QRectF) -> tuple[float, float, float, float]:
    return (rect.x(), rect.y(), rect.width(), rect.height())
