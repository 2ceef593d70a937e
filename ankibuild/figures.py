"""The look of generator figures: one shared style, deterministic PNG bytes, themed for day and night.

Figures are drawn in dark ink on a transparent background; the note type's CSS inverts them in
night mode (`img.figure`), so one file serves both themes. matplotlib is imported only when a
figure must actually be drawn: a warm rebuild never pays for it. This module's source is part of
every figure's cache key (drawing.py), so it holds only what changes pixels.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Any, Callable, Iterator

__all__ = ["DPI", "INK", "PALETTE", "drawn", "render_png"]


DPI = 100  # a 4-inch figure is 400 px: the width of a phone screen in CSS pixels
INK = "#222222"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")  # Okabe–Ito
STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "grid.color": "#999999",
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "savefig.transparent": True,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
}


@contextmanager
def drawn(draw: Callable[..., Any], args: dict[str, Any], size: tuple[float, float]) -> Iterator[Any]:
    """The matplotlib Figure after `draw(fig, **args)`, inside the house style (tests inspect it
    here). There is no layout engine: a constrained layout pass doubles the cost of a figure, so
    draw functions place their axes (fig.add_axes) or opt in with fig.set_layout_engine."""
    import matplotlib
    matplotlib.use("Agg")
    from cycler import cycler
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**STYLE, "axes.prop_cycle": cycler(color=PALETTE)}):
        fig = Figure(figsize=size, dpi=DPI)
        draw(fig, **args)
        yield fig


def render_png(draw: Callable[..., Any], args: dict[str, Any], size: tuple[float, float]) -> bytes:
    """The PNG bytes of `draw(fig, **args)` on a blank figure of `size` inches."""
    with drawn(draw, args, size) as fig:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
