"""Pure maths the views need (grids, decision surfaces, region maps, colours).

Computed in the worker thread, drawn by the GUI thread; no Qt here.
"""

from __future__ import annotations

#: Okabe & Ito's colour-blind-safe palette (2008), black moved last so that class 0 and 1
#: are orange and sky blue, the pair most people tell apart.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)


def class_color(index: int) -> str:
    """Hex colour of class ``index`` (the palette repeats after eight classes)."""
    return OKABE_ITO[int(index) % len(OKABE_ITO)]
