"""Draw generator figures as PNG: one shared look, deterministic bytes, themed for day and night.

Figures are drawn in dark ink on a transparent background; the note type's CSS inverts them in
night mode (`img.figure`), so one file serves both themes. matplotlib is imported only here, and
only when a figure must actually be drawn: a warm rebuild never pays for it.
"""

from __future__ import annotations

import io
from typing import Any, Callable

DPI = 100  # a 4-inch figure is 400 px: the width of a phone screen in CSS pixels
INK = "#222222"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")  # Okabe–Ito
STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.prop_cycle": None,  # set below, needs cycler
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


def render_png(draw: Callable[..., None], args: dict[str, Any], size: tuple[float, float]) -> bytes:
    """The PNG bytes of `draw(fig, **args)` on a blank figure of `size` inches."""
    import matplotlib
    matplotlib.use("Agg")
    from cycler import cycler
    from matplotlib.figure import Figure

    style = {**STYLE, "axes.prop_cycle": cycler(color=PALETTE)}
    with matplotlib.rc_context(style):
        fig = Figure(figsize=size, dpi=DPI, layout="constrained")
        draw(fig, **args)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
