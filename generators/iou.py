"""Intersection over union of two integer boxes on a 0..10 grid, worked from the corner coordinates.

The case kind is drawn first with fixed odds, so the deck keeps the edge cases a student must get
right (no overlap, a shared edge with zero-area intersection, one box inside the other) next to
ordinary partial overlaps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed
from ._boxes import (
    Box,
    Canvas,
    Placed,
    area,
    corner_spots,
    draw_box,
    draw_labels,
    intersection_area,
    iou,
    overlap_sides,
    place_labels,
)

TITLE = "IoU"

GRID = 10
KINDS = ("partial", "nested", "touching", "disjoint")
ODDS = (0.4, 0.2, 0.2, 0.2)
COLORS = (PALETTE[0], PALETTE[1])
SHADE = PALETTE[2]
CANVAS = Canvas(size=(4.0, 3.9), rect=(0.065, 0.06, 0.925, 0.925 * 4.0 / 3.9), xlim=(-0.7, 10.7), ylim=(-0.7, 10.7))


def kind_of(a: Box, b: Box) -> str:
    """How two boxes meet: 'partial', 'nested' (one contains the other), 'touching' (a shared
    edge of positive length), 'corner' (one shared point) or 'disjoint'."""
    w, h = overlap_sides(a, b)
    if w > 0 and h > 0:
        inside = intersection_area(a, b) in (area(a), area(b))
        return "nested" if inside else "partial"
    if (w == 0 and h > 0) or (h == 0 and w > 0):
        return "touching"
    return "corner" if w == 0 and h == 0 else "disjoint"


def _box(rng: np.random.Generator, low: int, high: int) -> Box:
    """A box with sides in [low, high] anywhere on the grid."""
    w, h = (int(v) for v in rng.integers(low, high + 1, size=2))
    x, y = int(rng.integers(0, GRID - w + 1)), int(rng.integers(0, GRID - h + 1))
    return (x, y, x + w, y + h)


def _candidate(rng: np.random.Generator, kind: str) -> tuple[Box, Box]:
    """Two boxes that often (not always: the caller checks) meet as `kind`."""
    if kind == "nested":
        outer = _box(rng, 3, 9)
        w = int(rng.integers(1, outer[2] - outer[0] + 1))
        h = int(rng.integers(1, outer[3] - outer[1] + 1))
        x = int(rng.integers(outer[0], outer[2] - w + 1))
        y = int(rng.integers(outer[1], outer[3] - h + 1))
        return outer, (x, y, x + w, y + h)
    a, b = _box(rng, 2, 6), _box(rng, 2, 6)
    if kind == "touching":  # slide b so that its left (bottom) edge lies on a's right (top) edge
        if rng.random() < 0.5:
            b = (a[2], b[1], a[2] + b[2] - b[0], b[3])
        else:
            b = (b[0], a[3], b[2], a[3] + b[3] - b[1])
    return a, b


def _boxes(rng: np.random.Generator, kind: str) -> tuple[Box, Box]:
    while True:
        a, b = _candidate(rng, kind)
        if max(a[2], b[2], a[3], b[3]) <= GRID and a != b and kind_of(a, b) == kind:
            return (a, b) if rng.random() < 0.5 else (b, a)


def _tuple(box: Box) -> str:
    return f"({', '.join(str(v) for v in box)})"


def _side(name: str, u: int, v: int, a0: int, b0: int) -> str:
    """One overlap side worked out: min of the far edges minus max of the near edges."""
    d = min(u, v) - max(a0, b0)
    tail = " (negative: apart)" if d < 0 else ""
    return f"overlap {name} $\\min({u}, {v}) - \\max({a0}, {b0}) = {d}${tail}"


def generate(rng: np.random.Generator) -> Problem:
    kind = KINDS[int(rng.choice(len(KINDS), p=ODDS))]
    a, b = _boxes(rng, kind)
    value = iou(a, b)
    inter = intersection_area(a, b)
    union = area(a) + area(b) - inter
    shown = fixed(value, 2)
    args = {"a": list(a), "b": list(b)}
    question = (
        "Boxes $A$ and $B$ lie on a grid ($x$ to the right, $y$ up). A box $(x_1, y_1, x_2, y_2)$ has "
        "bottom-left corner $(x_1, y_1)$ and top-right corner $(x_2, y_2)$, so its area is "
        "$(x_2 - x_1)(y_2 - y_1)$.\n\n"
        f"$A = {_tuple(a)}$, $B = {_tuple(b)}$\n\n"
        f"What is their IoU (intersection over union), rounded to 2 decimals ({RULE})?"
    )
    w, h = overlap_sides(a, b)
    if w > 0 and h > 0:
        inter_line = f"$|A \\cap B| = {w} \\cdot {h} = {inter}$"
    elif w == 0 or h == 0:
        inter_line = "$|A \\cap B| = 0$: the boxes only share an edge"
    else:
        inter_line = "$|A \\cap B| = 0$: a negative side means the boxes do not overlap"
    note = ""
    if kind == "nested":
        small, large = sorted((area(a), area(b)))
        note = f"\n\nOne box lies inside the other, so IoU = small / large area = {small}/{large}."
    solution = (
        f"**IoU = {shown}**\n\n"
        f"- $|A| = ({a[2]} - {a[0]})({a[3]} - {a[1]}) = {area(a)}$, "
        f"$|B| = ({b[2]} - {b[0]})({b[3]} - {b[1]}) = {area(b)}$\n"
        f"- {_side('width', a[2], b[2], a[0], b[0])}, {_side('height', a[3], b[3], a[1], b[1])}\n"
        f"- {inter_line}\n"
        f"- $|A \\cup B| = {area(a)} + {area(b)} - {inter} = {union}$\n"
        f"- $\\text{{IoU}} = {inter}/{union} = {shown}$"
        f"{note}"
    )
    return Problem(
        inputs={"a": list(a), "b": list(b), "kind": kind},
        answer={"iou": float(shown), "intersection": inter, "union": union},
        question=question,
        solution=solution,
        question_figure=Figure(draw_boxes, {**args, "shade": False},
                               f"Grid with box A {_tuple(a)} and box B {_tuple(b)}, corners labelled",
                               CANVAS.size),
        answer_figure=Figure(draw_boxes, {**args, "shade": True},
                             f"Boxes A and B with their intersection ({inter} cells) shaded", CANVAS.size),
    )


def layout(a: list[int], b: list[int]) -> list[tuple[Placed, str, bool]]:
    """Each labelled corner once (a corner the boxes share in ink), outward from its box, then the
    box names inside a corner: (placed label, colour, bold)."""
    boxes = [tuple(a), tuple(b)]
    corners: dict[tuple[int, int], tuple[tuple[int, int], str]] = {}
    for (x1, y1, x2, y2), color in zip(boxes, COLORS):
        for point, outward in (((x1, y1), (-1, -1)), ((x2, y2), (1, 1))):
            corners[point] = (outward, INK if point in corners else color)
    labels = [(f"({x}, {y})", corner_spots(x, y, outward)) for (x, y), (outward, _) in corners.items()]
    for name, (x1, y1, x2, y2) in zip("AB", boxes):
        inside = [(x1, y2, 1, -1), (x2, y2, -1, -1), (x1, y1, 1, 1), (x2, y1, -1, 1)]
        outside = [(x1, y2, 1, 1), (x2, y2, -1, 1), (x1, y1, 1, -1), (x2, y1, -1, -1),
                   (x1, y2, -1, -1), (x2, y2, 1, -1), (x1, y1, -1, 1), (x2, y1, 1, 1)]
        labels.append((name, inside + outside))
    placed = place_labels(labels, CANVAS, boxes, list(corners))
    styles = [(color, False) for _, color in corners.values()] + [(c, True) for c in COLORS]
    return [(p, color, bold) for p, (color, bold) in zip(placed, styles)]


def draw_boxes(fig: Any, a: list[int], b: list[int], shade: bool) -> None:
    """The grid, both boxes with labelled corners; with `shade`, the intersection (or the shared
    edge of touching boxes) in a third colour."""
    from matplotlib.patches import Rectangle

    plot = CANVAS.plot(fig, GRID)
    for box, color in zip((a, b), COLORS):
        draw_box(plot, tuple(box), color)
        plot.curve([box[0], box[2]], [box[1], box[3]], linestyle="none", marker="o", markersize=4, color=color,
                zorder=4)
    w, h = overlap_sides(tuple(a), tuple(b))
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    if shade and w > 0 and h > 0:
        plot.add(Rectangle((x0, y0), w, h, facecolor=SHADE, alpha=0.5, edgecolor="none", zorder=3))
        plot.add(Rectangle((x0, y0), w, h, facecolor="none", edgecolor=INK, linewidth=1.0, zorder=3))
    elif shade and (w == 0 or h == 0) and min(w, h) >= 0:
        plot.curve([x0, x0 + w], [y0, y0 + h], color=SHADE, linewidth=5, solid_capstyle="butt", zorder=3)
    draw_labels(plot, layout(a, b))
