"""Faster R-CNN's box regression targets: encode a ground-truth box against an anchor as
(tx, ty, tw, th), and decode predicted deltas back into a box."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import PALETTE
from ankibuild.problem import Figure, Problem

from ._boxes import Canvas, draw_box
from ._numbers import RULE, exp, fixed, ln, short, value
from ._training import paren

TITLE = "Box regression targets"
GRID = 16
CANVAS = Canvas(size=(4.0, 4.2), rect=(0.07, 0.06, 0.9, 0.9 * 4.0 / 4.2), xlim=(-0.8, 16.8), ylim=(-0.8, 16.8))
LEGEND = 16.8 + 0.9  # height of the legend line, above the grid


def centre_form(box: list[int]) -> tuple[Fraction, Fraction, int, int]:
    x1, y1, x2, y2 = box
    return Fraction(x1 + x2, 2), Fraction(y1 + y2, 2), x2 - x1, y2 - y1


def encode(anchor: list[int], truth: list[int]) -> list[Fraction]:
    """(tx, ty, tw, th) = ((x − xa)/wa, (y − ya)/ha, ln(w/wa), ln(h/ha)), centres and sizes."""
    xa, ya, wa, ha = centre_form(anchor)
    x, y, w, h = centre_form(truth)
    return [(x - xa) / wa, (y - ya) / ha, ln(Fraction(w, wa)), ln(Fraction(h, ha))]


def decode(anchor: list[int], deltas: list[Fraction]) -> list[Fraction]:
    """The box (x1, y1, x2, y2) that deltas (dx, dy, dw, dh) describe relative to the anchor."""
    xa, ya, wa, ha = centre_form(anchor)
    dx, dy, dw, dh = deltas
    x, y, w, h = xa + dx * wa, ya + dy * ha, wa * exp(dw), ha * exp(dh)
    return [x - w / 2, y - h / 2, x + w / 2, y + h / 2]


def _box(rng: np.random.Generator, sizes: list[int]) -> list[int]:
    w, h = int(rng.choice(sizes)), int(rng.choice(sizes))
    x, y = int(rng.integers(1, GRID - w)), int(rng.integers(1, GRID - h))
    return [x, y, x + w, y + h]


def generate(rng: np.random.Generator) -> Problem:
    anchor = _box(rng, [4, 6, 8])
    while True:
        truth = _box(rng, list(range(3, 12)))
        if truth != anchor and abs(sum(truth) - sum(anchor)) < 14:
            break
    while True:
        deltas = [Fraction(int(v), 100) for v in (*rng.integers(-40, 41, size=2), *rng.integers(-60, 61, size=2))]
        decoded = decode(anchor, deltas)
        if all(0 <= v <= GRID for v in decoded):
            break
    targets = encode(anchor, truth)
    xa, ya, wa, ha = centre_form(anchor)
    x, y, w, h = centre_form(truth)
    corners = "$(x_1, y_1, x_2, y_2)$"
    question = (
        f"An anchor box $A = {tuple(anchor)}$ and a ground-truth box $G = {tuple(truth)}$, as {corners} "
        "($y$ up).\n\n"
        "1. Faster R-CNN's regression targets of $G$ for $A$: $t_x = (x - x_a)/w_a$, $t_y = (y - y_a)/h_a$, "
        "$t_w = \\ln(w/w_a)$, $t_h = \\ln(h/h_a)$, with $(x, y)$ the box centre and $w, h$ its size "
        f"(3 decimals)?\n"
        f"2. The network predicts deltas $({', '.join(short(d, 2) for d in deltas)})$ for $A$. Which box "
        f"{corners} do they decode to (2 decimals)?\n\n"
        f"Rounding: {RULE}. (No target weights: torchvision's BoxCoder would multiply by (10, 10, 5, 5).)"
    )
    cx, cy = xa + deltas[0] * wa, ya + deltas[1] * ha
    solution = (
        f"**$t = ({', '.join(fixed(t, 3) for t in targets)})$; decoded box $({', '.join(fixed(v, 2) for v in decoded)})$**\n\n"
        f"- $A$: centre $({short(xa, 1)}, {short(ya, 1)})$, size ${wa} \\times {ha}$; $G$: centre "
        f"$({short(x, 1)}, {short(y, 1)})$, size ${w} \\times {h}$\n"
        f"- $t_x = {short(x - xa, 1)}/{wa}$, $t_y = {short(y - ya, 1)}/{ha}$, $t_w = \\ln({w}/{wa})$, "
        f"$t_h = \\ln({h}/{ha})$\n"
        f"- decoding inverts it: centre $({short(xa, 1)} + {paren(short(deltas[0], 2))} \\cdot {wa}, {short(ya, 1)} + "
        f"{paren(short(deltas[1], 2))} \\cdot {ha}) = ({short(cx, 2)}, {short(cy, 2)})$, size "
        f"${wa} e^{{{short(deltas[2], 2)}}} \\times {ha} e^{{{short(deltas[3], 2)}}} = "
        f"{fixed(decoded[2] - decoded[0], 3)} \\times {fixed(decoded[3] - decoded[1], 3)}$, corners = centre ∓ half the size"
    )
    args = {"anchor": anchor, "truth": truth}
    shown = [value(v, 2) for v in decoded]
    return Problem(
        inputs={"anchor": anchor, "truth": truth, "deltas": [float(d) for d in deltas]},
        answer={"targets": [value(t, 3) for t in targets], "decoded": shown},
        question=question, solution=solution,
        question_figure=Figure(draw_regression, {**args, "decoded": None},
                               f"Grid with the anchor {tuple(anchor)} dashed and the ground truth {tuple(truth)} solid",
                               CANVAS.size),
        answer_figure=Figure(draw_regression, {**args, "decoded": shown},
                             f"The anchor, the ground truth and the decoded box {tuple(shown)} dotted", CANVAS.size),
    )


def draw_regression(fig: Any, anchor: list[int], truth: list[int], decoded: list[float] | None) -> None:
    """The grid with the anchor (dashed), the ground truth (solid) and their centres; with `decoded`,
    the decoded box dotted and an arrow from the anchor's centre to its centre. A key on top."""
    plot = CANVAS.plot(fig, GRID)
    boxes = [(anchor, PALETTE[0], "dashed: anchor"), (truth, PALETTE[1], "solid: truth")]
    draw_box(plot, tuple(anchor), PALETTE[0], dashed=True, fill_alpha=0.05)
    draw_box(plot, tuple(truth), PALETTE[1])
    if decoded is not None:
        boxes.append((decoded, PALETTE[2], "dotted: decoded"))
        x1, y1, x2, y2 = decoded
        from matplotlib.patches import Rectangle

        plot.add(Rectangle((x1, y1), x2 - x1, y2 - y1, facecolor="none", edgecolor=PALETTE[2], linewidth=2.2,
                               linestyle=(0, (1, 1.5)), zorder=3))
    for k, (box, colour, text) in enumerate(boxes):
        plot.curve([(box[0] + box[2]) / 2], [(box[1] + box[3]) / 2], marker="o", markersize=4, color=colour, zorder=4)
        plot.text(CANVAS.xlim[0] + (k + 0.5) * (CANVAS.xlim[1] - CANVAS.xlim[0]) / len(boxes), LEGEND, text,
                ha="center", va="center", fontsize=10, color=colour)
