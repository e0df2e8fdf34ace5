"""The student's work from before a lesson, kept while it runs and given back on Leave.

The session (points, model, its training state, the canvas's pair of axes) is what a
file holds; the rest is what the window shows beside it and a lesson changes: the page,
the hidden-neuron lines and the error curve's log scale, the digit pad's task and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nnplayground.core.session import Session
    from nnplayground.ui.window.main_window import MainWindow


@dataclass(frozen=True)
class KeptWork:
    session: Session
    name: str
    path: str | None
    page: int
    hidden_lines: bool
    log_scale: bool
    digit_pad: tuple[str, int] | None  # (task, seed); None: the pad was not built yet

    @classmethod
    def of(cls, w: MainWindow) -> KeptWork:
        pad = w.digit_panel
        # The timeline too, as Save keeps it: without it, after Leave the timeline
        # could not look back at any epoch of the run from before the lesson.
        session, _ = w.actions_.files.session_with_timeline()
        return cls(session, w.session_name, w.session_path,
                   w.pages.currentIndex(), w.model_panel.mlp_hidden_lines.isChecked(),
                   w.error_view.is_log_scale(), None if pad is None else (pad.mode, pad.seed))

    def give_back(self, w: MainWindow) -> bool:
        """Everything as it was; False when the session could not be applied (the
        window said why)."""
        w.model_panel.mlp_hidden_lines.setChecked(self.hidden_lines)
        w.error_view.set_log_scale(self.log_scale)
        w.pages.setCurrentIndex(self.page)
        applied = w.actions_.files.apply_session(self.session, "Before the lesson")
        if applied:
            w.session_name, w.session_path = self.name, self.path
            w.update_title()
        self._give_back_digit_pad(w)
        return applied

    def _give_back_digit_pad(self, w: MainWindow) -> None:
        """The pad's task and seed (its defaults if the lesson built it), its network
        trained again when the lesson changed them."""
        pad = w.digit_panel
        if pad is None:
            return
        # The pad exists, so its module is loaded: no import at launch.
        from nnplayground.ui.digits.digit_panel import DEFAULT_TASK

        mode, seed = self.digit_pad or (DEFAULT_TASK.key, w.model_panel.seed())
        if (pad.mode, pad.seed) != (mode, seed):
            pad.set_task(mode, seed)
