"""Rows of cells on a phone-wide axis, shared by the conv_shape and transposed_conv figures.

A row of a feature map can be hundreds of cells long, far too many to draw at 400 px, so a row is
drawn *compressed*: only the cells a figure talks about are shown, and each run of two or more
hidden cells becomes one "⋯" slot. A run of one hidden cell is simply shown (a gap marker would
take the same room).

The figures have no layout engine: `cell_plot` places one Plot by hand, with square
cells as large as the figure allows, and leaves room in points for the title and the labels that
hang above and below the cells. Cells and lines are drawn as one collection per style, and titles
and labels are plain text (no mathtext), which keeps a figure to a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ankibuild.figures import INK

from ._figure import FONT, PX_PER_PT, Plot

CELL_ALPHA = 0.22  # light palette fills: meaning survives the night-mode inversion
PADDING = {"facecolor": "none", "hatch": "///", "edgecolor": "#666666"}  # zeros added around an input
TITLE_PT = 19.0  # the title line at the top of the figure, its 3 pt margin included
LABEL_PT = 16.0  # a bracket label: 3 pt from its bracket, one 10 pt line
CAPTION_PT = 31.0  # a bracket label and, under it, a caption line (see `caption`)


def compressed_slots(shown: Iterable[int]) -> list[int | None]:
    """The sorted `shown` indices, with `None` standing for each hidden run of two or more cells."""
    slots: list[int | None] = []
    for index in sorted(set(shown)):
        last = slots[-1] if slots else None
        if last is not None and index - last == 2:
            slots.append(last + 1)
        elif last is not None and index - last > 2:
            slots.append(None)
        slots.append(index)
    return slots


def slot_positions(slots: list[int | None]) -> dict[int, float]:
    """Where each shown index is drawn: slot k's cell spans [k, k + 1)."""
    return {index: float(k) for k, index in enumerate(slots) if index is not None}


def cells(plot: Plot, corners: list[tuple[float, float]], **style: Any) -> None:
    """Unit squares with these lower-left corners, as one collection; `style` as for a Rectangle,
    `facecolor` also a list (one colour per square)."""
    verts = [[(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)] for x, y in corners]
    plot.polygons(verts, **{"edgecolor": INK, "linewidth": 0.8, **style})


def draw_row(plot: Plot, slots: list[int | None], y: float, style: dict[int, dict[str, Any]],
             default: dict[str, Any]) -> None:
    """One row of unit cells at height `y`; `style[index]` overrides `default` Rectangle kwargs.
    Cells of one style are one collection."""
    groups: dict[str, tuple[dict[str, Any], list[tuple[float, float]]]] = {}
    for k, index in enumerate(slots):
        if index is None:
            plot.text(k + 0.5, y + 0.5, "⋯", ha="center", va="center", fontsize=FONT + 1, color=INK)
            continue
        kwargs = style.get(index, {})
        groups.setdefault(repr(sorted(kwargs.items())), (kwargs, []))[1].append((float(k), y))
    for kwargs, corners in groups.values():
        cells(plot, corners, **{**default, **kwargs})


def bracket(plot: Plot, x0: float, x1: float, y: float, depth: float, color: str, label: str,
            width: float, ticks: Iterable[float] = ()) -> None:
    """A bracket from x0 to x1 at height y with legs of `depth` (negative: legs point up) and a label
    on its far side; `ticks` mark single cells under it (the taps of a dilated kernel). Near either
    end of a row of `width` the label is aligned to the bracket's outer end, so it stays inside."""
    nan = float("nan")
    xs, ys = [x0, x0, x1, x1], [y - depth, y, y, y - depth]
    for x in ticks:  # one line, broken by NaNs: a single artist however many taps
        xs += [nan, x, x]
        ys += [nan, y, y - depth]
    plot.curve(xs, ys, color=color, linewidth=1.6, solid_capstyle="butt")
    middle = (x0 + x1) / 2
    x, ha = (x0, "left") if middle < 0.3 * width else (x1, "right") if middle > 0.7 * width else (middle, "center")
    above = depth > 0
    plot.text(x, y + (3 if above else -3) * PX_PER_PT * plot.per_y, label, ha=ha, va="bottom" if above else "top",
              fontsize=FONT, color=color)


def caption(plot: Plot, x: float, y: float, parts: list[str]) -> None:
    """A legend line centred at x, a fixed 17 pt below y (below a bracket label whatever the cell size)."""
    if parts:
        plot.text(x, y - 17 * PX_PER_PT * plot.per_y, ", ".join(parts), ha="center", va="top", fontsize=FONT,
                  color=INK)


def cell_plot(fig: Any, width: float, bottom: float, top: float, title: str, above: float = 0.0,
              below: float = 0.0, min_width: float = 16.0) -> Plot:
    """One Plot with square cells, x covering [-0.3, width + 0.3] and y [bottom, top],
    placed by hand under a `title` line: `above` and `below` points are kept free over and under it
    for labels. A short row is centred in at least `min_width` cells so its cells keep a sensible
    size; the cells are as large as the figure's width and height allow."""
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    margin = max(0.0, min_width - width) / 2 + 0.3
    x_range, y_range = width + 2 * margin, top - bottom
    free = fig_h - (TITLE_PT + above + below) * PX_PER_PT - 2  # pixels left for the cells
    cell = min(fig_w / x_range, free / y_range)
    ax_w, ax_h = x_range * cell, y_range * cell
    low = (free - ax_h) / 2 + below * PX_PER_PT + 1  # the block of labels and cells, centred
    left = (fig_w - ax_w) / 2
    plot = Plot(fig, (left, low, fig_w - left - ax_w, fig_h - low - ax_h), (-margin, width + margin), (bottom, top))
    fig.text(0.5, 1 - 3 * PX_PER_PT / fig_h, title, ha="center", va="top", fontsize=FONT + 1, color=INK)
    return plot
