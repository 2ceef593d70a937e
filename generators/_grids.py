"""Rows of cells on a phone-wide axis, shared by the conv_shape and transposed_conv figures.

A row of a feature map can be hundreds of cells long, far too many to draw at 400 px, so a row is
drawn *compressed*: only the cells a figure talks about are shown, and each run of two or more
hidden cells becomes one "⋯" slot. A run of one hidden cell is simply shown (a gap marker would
take the same room).
"""

from __future__ import annotations

from typing import Any, Iterable

from ankibuild.figures import INK

CELL_ALPHA = 0.22  # light palette fills: meaning survives the night-mode inversion
PADDING = {"facecolor": "none", "hatch": "///", "edgecolor": "#666666"}  # zeros added around an input


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


def draw_row(ax: Any, slots: list[int | None], y: float, style: dict[int, dict[str, Any]],
             default: dict[str, Any]) -> None:
    """One row of unit cells at height `y`; `style[index]` overrides `default` Rectangle kwargs."""
    from matplotlib.patches import Rectangle

    for k, index in enumerate(slots):
        if index is None:
            ax.text(k + 0.5, y + 0.5, "⋯", ha="center", va="center", fontsize=11, color=INK)
            continue
        kwargs = {"edgecolor": INK, "linewidth": 0.8, **default, **style.get(index, {})}
        ax.add_patch(Rectangle((k, y), 1.0, 1.0, **kwargs))


def bracket(ax: Any, x0: float, x1: float, y: float, depth: float, color: str, label: str,
            width: float, ticks: Iterable[float] = ()) -> None:
    """A bracket from x0 to x1 at height y with legs of `depth` (negative: legs point up) and a label
    on its far side; `ticks` mark single cells under it (the taps of a dilated kernel). Near either
    end of a row of `width` the label is aligned to the bracket's outer end, so it stays inside."""
    ax.plot([x0, x0, x1, x1], [y - depth, y, y, y - depth], color=color, linewidth=1.6,
            solid_capstyle="butt")
    for x in ticks:
        ax.plot([x, x], [y, y - depth], color=color, linewidth=1.6)
    middle = (x0 + x1) / 2
    x, ha = (x0, "left") if middle < 0.3 * width else (x1, "right") if middle > 0.7 * width else (middle, "center")
    above = depth > 0
    ax.annotate(label, (x, y), xytext=(0, 3 if above else -3), textcoords="offset points", ha=ha,
                va="bottom" if above else "top", fontsize=10, color=color)


def caption(ax: Any, x: float, y: float, parts: list[str]) -> None:
    """A legend line centred at x, a fixed 17 pt below y (below a bracket label whatever the cell size)."""
    if parts:
        ax.annotate(", ".join(parts), (x, y), xytext=(0, -17), textcoords="offset points", ha="center",
                    va="top", fontsize=10, color=INK)


def cell_axes(fig: Any, width: float, bottom: float, top: float, min_width: float = 16.0) -> Any:
    """One frameless axes with square cells, x covering [-0.3, width + 0.3] and y [bottom, top]; a
    short row is centred in at least `min_width` cells so its cells keep a sensible size."""
    ax = fig.add_subplot()
    margin = max(0.0, min_width - width) / 2 + 0.3
    ax.set_xlim(-margin, width + margin)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    return ax

