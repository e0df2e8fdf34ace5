"""The trainer's hints (``training/hints.py``) in the canvas's banner, each with the button
that applies its fix: a learning rate too large gets "Lower the rate" (divided by 10,
applied at the next epoch, the model panel showing it), a network that died gets
"Re-initialise" (Reset). Divergence to NaN pauses the run as before (``loop.py``)."""

from __future__ import annotations

from PySide6 import QtCore

from nnplayground.training.hints import DEAD, RATE

#: "Lower the rate" divides it by this.
RATE_DIVISOR = 10.0


class HintBanner(QtCore.QObject):
    """Shows ``window.trainer``'s hints; ``window.hint_banner``."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        window.trainer.hint.connect(self._on_trainer_hint)

    def lower_rate_to(self, rate: float | None) -> float | None:
        """The rate "Lower the rate" sets (None: the model has none to lower)."""
        model = self.w.trainer.model
        spec = None if model is None else model.live_params.get("learning_rate")
        if rate is None or spec is None:
            return None
        lower = float(f"{rate / RATE_DIVISOR:.3g}")
        return lower if spec.min is None or lower >= spec.min else None

    def _on_trainer_hint(self, hint) -> None:
        w = self.w
        actions = []
        if hint.kind == RATE:
            lower = self.lower_rate_to(hint.learning_rate)
            if lower is not None:
                tip = (f"Set the learning rate to {lower:g}; training goes on from here "
                       "with smaller steps")
                actions.append((f"Lower the rate to {lower:g}", tip,
                                lambda: self.set_rate(lower)))
            actions.append(("Re-initialise", "Start again from fresh weights (Reset)",
                            w.actions_.reset.trigger))
        elif hint.kind == DEAD:
            actions.append(("Re-initialise", "Start again from fresh weights (Reset)",
                            w.actions_.reset.trigger))
        w.show_banner(hint.message, actions=actions)
        w.statusBar().showMessage(hint.message, 8000)

    def set_rate(self, rate: float) -> None:
        w = self.w
        try:
            w.controller.set_live_param("learning_rate", rate)
        except ValueError as exc:  # ModelError: not this model's any more
            w.statusBar().showMessage(str(exc), 6000)
            return
        spec = w.controller.state.model
        w.model_panel.set_config(spec.kind, spec.config, panel=spec.panel)
        w.statusBar().showMessage(f"learning rate set to {rate:g}", 4000)
