"""Which anchors train the RPN: Faster R-CNN's rules turn the IoU matrix of anchors and ground-truth
boxes into positive, negative and ignored anchors (thresholds 0.7 and 0.3, and every ground truth
keeps its best anchor)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._figure import FONT
from ._boxes import Box, Canvas, box_spots, draw_box, draw_labels, iou, place_labels
from ._numbers import RULE, fixed

TITLE = "Anchor assignment"
GRID = 16
HIGH, LOW = Fraction(7, 10), Fraction(3, 10)
MARGIN = Fraction(1, 50)  # an IoU that is not exactly a threshold stays this far from it
SHAPES = ((4, 4), (6, 6), (8, 8), (4, 8), (8, 4), (6, 4), (4, 6))
CANVAS = Canvas(size=(4.0, 4.2), rect=(0.07, 0.06, 0.9, 0.9 * 4.0 / 4.2), xlim=(-0.8, 16.8), ylim=(-0.8, 16.8))
LEGEND = 16.8 + 0.9
STYLE = {"positive": (PALETTE[2], False), "negative": ("#888888", True), "ignored": (PALETTE[1], True)}


def assign(anchors: list[Box], truths: list[Box]) -> dict[str, Any]:
    """Each anchor's label: positive if its best IoU is ≥ 0.7, negative if < 0.3, else ignored;
    then every anchor that ties for a ground truth's highest IoU (when that is above 0) is positive."""
    matrix = [[iou(a, g) for g in truths] for a in anchors]
    labels = []
    for row in matrix:
        best = max(row)
        labels.append("positive" if best >= HIGH else "negative" if best < LOW else "ignored")
    best_anchor = []
    for j in range(len(truths)):
        top = max(row[j] for row in matrix)
        winners = [i for i, row in enumerate(matrix) if row[j] == top and top > 0]
        best_anchor.append(winners)
        for i in winners:
            labels[i] = "positive"
    return {"iou": matrix, "labels": labels, "best": best_anchor}


def _near(rng: np.random.Generator, truth: Box) -> Box:
    w, h = SHAPES[int(rng.integers(len(SHAPES)))]
    cx, cy = (truth[0] + truth[2]) // 2 + int(rng.integers(-3, 4)), (truth[1] + truth[3]) // 2 + int(rng.integers(-3, 4))
    x, y = min(max(cx - w // 2, 0), GRID - w), min(max(cy - h // 2, 0), GRID - h)
    return (x, y, x + w, y + h)


def _clear_best(anchors: list[Box], truth: Box) -> bool:
    """The ground truth's best anchors can be read off the 2-decimal table: exact ties, or a lead."""
    values = [iou(a, truth) for a in anchors]
    top = max(values)
    return all(v == top or fixed(v, 2) != fixed(top, 2) for v in values)


def _scene(rng: np.random.Generator) -> tuple[list[Box], list[Box]]:
    while True:
        truths = []
        for _ in range(int(rng.integers(1, 3))):
            w, h = (int(v) for v in rng.integers(4, 9, size=2))
            x, y = int(rng.integers(0, GRID - w + 1)), int(rng.integers(0, GRID - h + 1))
            truths.append((x, y, x + w, y + h))
        anchors = [_near(rng, truths[int(rng.integers(len(truths)))]) for _ in range(int(rng.integers(4, 7)))]
        values = [iou(a, g) for a in anchors for g in truths]
        if (len(set(anchors)) == len(anchors) and not set(anchors) & set(truths)
                and all(max(iou(a, g) for a in anchors) > 0 for g in truths)
                and not any(v not in (HIGH, LOW) and abs(v - t) < MARGIN for v in values for t in (HIGH, LOW))
                and (len(truths) == 1 or iou(*truths) == 0) and all(_clear_best(anchors, g) for g in truths)):
            return anchors, truths


def generate(rng: np.random.Generator) -> Problem:
    anchors, truths = _scene(rng)
    result = assign(anchors, truths)
    names = [f"A{i}" for i in range(1, len(anchors) + 1)]
    gts = [f"G{j}" for j in range(1, len(truths) + 1)]
    table = ["| anchor | " + " | ".join(gts) + " |", "|---" + "|---:" * len(gts) + "|"]
    table += [f"| {n} | " + " | ".join(fixed(v, 2) for v in row) + " |" for n, row in zip(names, result["iou"])]
    question = (
        f"Anchors and ground-truth boxes on a grid, with their IoUs (2 decimals, {RULE}; "
        "one shown as 0.70 or 0.30 is exactly that):\n\n" + "\n".join(table) + "\n\n"
        "Label each anchor for training the RPN with Faster R-CNN's rules: positive if its highest IoU with any "
        "ground truth is $\\ge 0.7$; negative if it is $< 0.3$; otherwise ignored. Then, for each ground "
        "truth, the anchor(s) with the highest IoU with it are positive too, whatever that IoU (if above 0)."
    )
    groups = {kind: [n for n, label in zip(names, result["labels"]) if label == kind] for kind in STYLE}
    lines = []
    for n, row, label in zip(names, result["iou"], result["labels"]):
        best = max(row)
        rule = "≥ 0.7" if best >= HIGH else "< 0.3" if best < LOW else "in [0.3, 0.7)"
        saved = [gts[j] for j, winners in enumerate(result["best"]) if names.index(n) in winners]
        why = f"best IoU {fixed(best, 2)} {rule}" + (f", but it is {', '.join(saved)}'s best anchor" if saved and best < HIGH else "")
        lines.append(f"- {n}: {label} ({why})")
    solution = (f"**Positive: {', '.join(groups['positive']) or 'none'}; negative: {', '.join(groups['negative']) or 'none'}; "
                f"ignored: {', '.join(groups['ignored']) or 'none'}**\n\n" + "\n".join(lines))
    args = {"anchors": [list(a) for a in anchors], "truths": [list(g) for g in truths]}
    return Problem(
        inputs=args, answer=groups, question=question, solution=solution,
        question_figure=Figure(draw_anchors, {**args, "labels": None},
                               f"Ground truths {', '.join(f'{g} {t}' for g, t in zip(gts, truths))} solid; anchors "
                               f"{', '.join(f'{n} {a}' for n, a in zip(names, anchors))} dashed", CANVAS.size),
        answer_figure=Figure(draw_anchors, {**args, "labels": result["labels"]},
                             "Anchors coloured by label: " + "; ".join(f"{k} {', '.join(v)}" for k, v in groups.items() if v),
                             CANVAS.size),
    )


def draw_anchors(fig: Any, anchors: list[list[int]], truths: list[list[int]], labels: list[str] | None) -> None:
    """Ground truths thick in ink, anchors dashed (in the answer: coloured by label, positives solid),
    each box named beside it; the answer's key on top."""
    plot = CANVAS.plot(fig, GRID)
    for g in truths:
        draw_box(plot, tuple(g), INK, fill_alpha=0.08, linewidth=2.6)
    colours = []
    for i, a in enumerate(anchors):
        colour, dashed = STYLE[labels[i]] if labels else (PALETTE[0], True)
        colours.append(colour)
        draw_box(plot, tuple(a), colour, dashed=dashed, fill_alpha=0.04, linewidth=1.6, zorder=3)
    boxes = [tuple(b) for b in truths + anchors]
    line = 1.2 * FONT * CANVAS.scale
    texts = [f"G{j}" for j in range(1, len(truths) + 1)] + [f"A{i}" for i in range(1, len(anchors) + 1)]
    placed = place_labels([(t, box_spots(b, line)) for t, b in zip(texts, boxes)], CANVAS, boxes)
    draw_labels(plot, [(p, c, True) for p, c in zip(placed, [INK] * len(truths) + colours)])
    if labels:
        for k, kind in enumerate(STYLE):
            plot.text(CANVAS.xlim[0] + (k + 0.5) * (CANVAS.xlim[1] - CANVAS.xlim[0]) / 3, LEGEND, kind, ha="center",
                    va="center", fontsize=10, color=STYLE[kind][0])
