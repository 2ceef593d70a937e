"""Soft-NMS (Bodla et al. 2017), linear and Gaussian, against hard NMS on the same boxes: instead of
removing a box that overlaps a kept one, decay its score, then pick again."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import PALETTE
from ankibuild.problem import Figure, Problem

from ._figure import FONT
from ._boxes import Box, Canvas, box_spots, draw_box, draw_labels, iou, place_labels
from ._numbers import RULE, exp, fixed, value
from ._training import draw_bars

TITLE = "Soft-NMS"
GRID = 12
SIGMA = Fraction(1, 2)
THRESHOLDS = (Fraction(3, 10), Fraction(1, 2))
CANVAS = Canvas(size=(4.0, 3.6), rect=(0.02, 0.02, 0.96, 0.96), xlim=(-1.5, 13.5), ylim=(-1.0, 12.5))  # 15 × 13.5 units


def soft_nms(boxes: dict[str, Box], scores: dict[str, Fraction], method: str, nt: Fraction) -> list[tuple[str, Fraction]]:
    """(box, final score) in the order picked. Each round takes the highest current score (ties by
    name) and decays every remaining box by f(IoU with it): linear 1 − IoU when IoU > N_t (else 1),
    Gaussian e^(−IoU²/σ), hard 0 when IoU > N_t (else 1)."""
    current = dict(scores)
    picked = []
    while current:
        best = min(current, key=lambda k: (-current[k], k))
        picked.append((best, current.pop(best)))
        for k in current:
            overlap = iou(boxes[best], boxes[k])
            if method == "gaussian":
                current[k] *= exp(-overlap * overlap / SIGMA)
            elif overlap > nt:
                current[k] *= 1 - overlap if method == "linear" else 0
    return picked


def _ratio(v: Fraction) -> str:
    return f"${v.numerator}/{v.denominator}$" if v.denominator > 1 else str(v)


def _boxes(rng: np.random.Generator, n: int) -> list[Box]:
    while True:
        w, h = (int(v) for v in rng.integers(4, 7, size=2))
        base = (3, 3, 3 + w, 3 + h)
        boxes = [base]
        while len(boxes) < n:
            dx, dy = (int(v) for v in rng.integers(-2, 3, size=2))
            dw, dh = (int(v) for v in rng.integers(-1, 2, size=2))
            boxes.append((3 + dx, 3 + dy, 3 + dx + w + dw, 3 + dy + h + dh))
        if len(set(boxes)) == n:
            return boxes


def generate(rng: np.random.Generator) -> Problem:
    n = int(rng.integers(3, 5))
    names = "ABCD"[:n]
    boxes = dict(zip(names, _boxes(rng, n)))
    hundredths = rng.choice(np.arange(50, 100), size=n, replace=False)
    scores = {k: Fraction(int(v), 100) for k, v in zip(names, hundredths)}
    nt = THRESHOLDS[int(rng.integers(len(THRESHOLDS)))]
    runs = {method: dict(soft_nms(boxes, scores, method, nt)) for method in ("linear", "gaussian", "hard")}
    kept = sorted(k for k, s in runs["hard"].items() if s > 0)
    pairs = [(a, b, iou(boxes[a], boxes[b])) for i, a in enumerate(names) for b in names[i + 1:]]
    question = (
        f"Boxes {', '.join(f'{k} {tuple(b)}' for k, b in boxes.items())} with scores "
        f"{', '.join(f'{k} {fixed(s, 2)}' for k, s in scores.items())}. Their IoUs: "
        f"{', '.join(f'{a}–{b} {_ratio(v)}' for a, b, v in pairs)}.\n\n"
        "Run Soft-NMS: repeatedly take the box with the highest current score (ties alphabetically) and decay "
        f"the score of every remaining box by $f(\\text{{IoU}})$ with it, with $N_t = {fixed(nt, 1)}$:\n\n"
        "- linear: $f = 1 - \\text{IoU}$ if $\\text{IoU} > N_t$, else 1;\n"
        f"- Gaussian: $f = e^{{-\\text{{IoU}}^2/\\sigma}}$ with $\\sigma = {fixed(SIGMA, 1)}$.\n\n"
        f"Give each box's final score in both (3 decimals, {RULE}). Which boxes does hard NMS "
        "($f = 0$ if IoU $> N_t$) keep?"
    )
    rows = [f"| {k} | {fixed(scores[k], 2)} | {fixed(runs['linear'][k], 3)} | {fixed(runs['gaussian'][k], 3)} | "
            f"{'kept' if k in kept else 'removed'} |" for k in names]
    def final(method: str) -> str:
        return ", ".join(f"{k} {fixed(runs[method][k], 3)}" for k in names)

    orders = "; ".join(f"{method}: {' → '.join(runs[method.lower()])}" for method in ("linear", "Gaussian"))
    solution = (
        f"**Linear: {final('linear')}; Gaussian: {final('gaussian')}; hard NMS keeps {', '.join(kept)}**\n\n"
        "| box | score | linear | Gaussian | hard NMS |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Picking order ({orders}): a decayed box can fall behind one it was ahead of. Each remaining score is "
        "multiplied by $f$ of its IoU with every box picked before it; nothing is removed, so a strongly "
        "overlapping box keeps a low score instead of disappearing."
    )
    args = {"boxes": {k: list(b) for k, b in boxes.items()}, "scores": {k: float(s) for k, s in scores.items()}}
    return Problem(
        inputs={**args, "nt": float(nt)},
        answer={"linear": {k: value(runs["linear"][k], 3) for k in names},
                "gaussian": {k: value(runs["gaussian"][k], 3) for k in names}, "hard_kept": kept},
        question=question, solution=solution,
        question_figure=Figure(draw_boxes, args, f"{n} overlapping boxes labelled with their scores", CANVAS.size),
        answer_figure=Figure(draw_scores, {"names": list(names), "scores": [float(scores[k]) for k in names],
                                           "linear": [value(runs["linear"][k], 3) for k in names],
                                           "gaussian": [value(runs["gaussian"][k], 3) for k in names]},
                             "Bars of each box's score before and after linear and Gaussian Soft-NMS", size=(4.0, 2.6)),
    )


def draw_boxes(fig: Any, boxes: dict[str, list[int]], scores: dict[str, float]) -> None:
    """The boxes in their own colours, each labelled with its name and score."""
    plot = CANVAS.plot(fig)
    for (k, b), colour in zip(boxes.items(), PALETTE):
        draw_box(plot, tuple(b), colour, fill_alpha=0.06)
    line = 1.2 * FONT * CANVAS.scale
    rects = [tuple(b) for b in boxes.values()]
    placed = place_labels([(f"{k} {scores[k]:.2f}", box_spots(tuple(b), line)) for k, b in boxes.items()], CANVAS, rects)
    draw_labels(plot, [(p, c, True) for p, c in zip(placed, PALETTE)])


def draw_scores(fig: Any, names: list[str], scores: list[float], linear: list[float], gaussian: list[float]) -> None:
    """Each box's score before Soft-NMS and after each variant."""
    draw_bars(fig, names, [{"name": "score", "values": scores, "colour": PALETTE[0], "hollow": True},
                           {"name": "linear", "values": linear, "colour": PALETTE[1]},
                           {"name": "Gaussian", "values": gaussian, "colour": PALETTE[2]}])
