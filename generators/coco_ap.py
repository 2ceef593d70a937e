"""COCO's AP@[.5:.95]: match the detections at ten IoU thresholds, average the 101-point
interpolated precision at each, then over the thresholds; against PASCAL VOC's 11-point AP at 0.5."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed, value
from ._figure import FONT, Plot

TITLE = "COCO AP"
THRESHOLDS = [Fraction(50 + 5 * i, 100) for i in range(10)]
PLACES = 3


def matches(detections: list[dict[str, Any]], threshold: Fraction) -> list[bool]:
    """TP/FP of each detection, best score first: a TP has IoU ≥ threshold with its ground truth and
    that ground truth was not matched by a better-scoring detection."""
    taken, result = set(), []
    for d in detections:
        hit = d["gt"] is not None and d["iou"] >= threshold and d["gt"] not in taken
        if hit:
            taken.add(d["gt"])
        result.append(hit)
    return result


def interpolated_ap(hits: list[bool], n_gt: int, levels: int) -> Fraction:
    """Mean over recall levels r = 0, 1/(levels−1), …, 1 of the best precision at any rank whose recall
    is ≥ r (0 when no rank reaches r); levels = 101 for COCO, 11 for PASCAL VOC 2007. The levels are
    counted per step of the recall: those up to a recall R (i ≤ R·(levels − 1), exactly) that no
    lower recall reached take the best precision at recall ≥ R."""
    points, tp = [], 0
    for k, hit in enumerate(hits, 1):
        tp += hit
        points.append((Fraction(tp, k), Fraction(tp, n_gt)))
    total, counted = Fraction(0), 0
    for recall in sorted({r for _, r in points}):
        reached = math.floor(recall * (levels - 1)) + 1  # levels 0..reached-1 lie at or below this recall
        total += max(p for p, r in points if r >= recall) * (reached - counted)
        counted = max(counted, reached)
    return total / levels


def _name(gt: int | None) -> str:
    return f"$G_{gt}$" if gt else "–"


def _detections(rng: np.random.Generator, n_gt: int) -> list[dict[str, Any]]:
    n = int(rng.integers(n_gt + 1, n_gt + 4))
    scores = sorted((int(v) for v in rng.choice(np.arange(30, 100), size=n, replace=False)), reverse=True)
    result = []
    for s in scores:
        gt = None if rng.random() < 0.15 else int(rng.integers(1, n_gt + 1))
        exact = rng.random() < 0.3  # on a threshold: an IoU of exactly t counts at t
        overlap = (5 * int(rng.integers(10, 20)) if exact else int(rng.integers(45, 98))) if gt else 0
        result.append({"score": s / 100, "gt": gt, "iou": Fraction(overlap, 100)})
    return result


def generate(rng: np.random.Generator) -> Problem:
    n_gt = int(rng.integers(2, 5))
    while True:
        detections = _detections(rng, n_gt)
        if any(matches(detections, THRESHOLDS[0])):
            break
    table = [matches(detections, t) for t in THRESHOLDS]
    aps = [interpolated_ap(hits, n_gt, 101) for hits in table]
    ap = sum(aps) / len(aps)
    voc = interpolated_ap(table[0], n_gt, 11)
    rows = "\n".join(f"| {k} | {d['score']:.2f} | {_name(d['gt'])} | {fixed(d['iou'], 2) if d['gt'] else '–'} |"
                     for k, d in enumerate(detections, 1))
    question = (
        f"An image holds {n_gt} ground-truth objects $G_1..G_{n_gt}$ of one class. A detector returns, ranked by "
        "score (each detection overlaps at most the one ground truth named):\n\n"
        f"| rank | score | overlaps | IoU |\n|---|---|---|---|\n{rows}\n\n"
        "At each IoU threshold $t = 0.50, 0.55, \\dots, 0.95$ a detection is a TP if its IoU is $\\ge t$ and its "
        "ground truth is not yet matched by a higher-ranked detection. Compute COCO's AP@[.5:.95] (the mean over "
        "$t$ of the 101-point interpolated AP, recall levels $0, 0.01, \\dots, 1$, a recall exactly at a level "
        "counting), AP₅₀, AP₇₅, and PASCAL VOC 2007's 11-point AP at $t = 0.5$, to "
        f"{PLACES} decimals ({RULE})."
    )
    lines = [f"| {fixed(t, 2)} | {' '.join('T' if h else 'F' for h in hits)} | {fixed(a, PLACES)} |"
             for t, hits, a in zip(THRESHOLDS, table, aps)]
    solution = (
        f"**AP@[.5:.95] = {fixed(ap, PLACES)}, AP₅₀ = {fixed(aps[0], PLACES)}, AP₇₅ = {fixed(aps[5], PLACES)}, "
        f"VOC AP₅₀ = {fixed(voc, PLACES)}**\n\n"
        "| $t$ | TP/FP by rank | AP$_t$ |\n|---|---|---|\n" + "\n".join(lines) + "\n\n"
        f"AP$_t$ averages the best precision at recall $\\ge r$ over 101 levels; AP@[.5:.95] is the mean of the "
        f"ten. At 0.5 the 11 VOC levels sample the same curve more coarsely: "
        + (f"{fixed(voc, PLACES)} instead of {fixed(aps[0], PLACES)}." if fixed(voc, PLACES) != fixed(aps[0], PLACES)
           else "the same value here, as the curve's steps fall on both grids.")
    )
    figure = Figure(draw_matches, {"hits": table, "aps": [value(a, PLACES) for a in aps]},
                    "Grid of the true positives by rank (columns) at each IoU threshold 0.50 to 0.95 (rows), the "
                    "other cells empty, with the AP at each threshold", size=(4.0, 3.6))
    return Problem(
        inputs={"n_gt": n_gt, "detections": [{**d, "iou": float(d["iou"])} for d in detections]},
        answer={"ap": value(ap, PLACES), "ap50": value(aps[0], PLACES), "ap75": value(aps[5], PLACES),
                "voc_ap50": value(voc, PLACES)},
        question=question, solution=solution, answer_figure=figure,
    )


def draw_matches(fig: Any, hits: list[list[bool]], aps: list[float]) -> None:
    """Rows are thresholds (0.50 at the top), columns ranks; a TP cell filled and marked TP, an FP cell
    left empty; each row's AP (3 decimals) on the right."""
    from matplotlib.colors import to_rgba

    n = len(hits[0])
    plot = Plot(fig, (60, 8, 50, 26), (0, n), (len(hits), 0))  # row 0 at the top
    cells = [[(j, i), (j + 1, i), (j + 1, i + 1), (j, i + 1)] for i in range(len(hits)) for j in range(n)]
    faces = [to_rgba(PALETTE[2], 0.55) if hits[i][j] else "none" for i in range(len(hits)) for j in range(n)]
    plot.polygons(cells, facecolors=faces, edgecolors=INK, linewidths=0.6)
    for i, row in enumerate(hits):
        plot.text(-6 * plot.per_x, i + 0.5, f"{0.5 + 0.05 * i:.2f}", ha="right", va="center", fontsize=FONT)
        plot.text(n + 6 * plot.per_x, i + 0.5, f"{aps[i]:.3f}", ha="left", va="center", fontsize=FONT)
        for j in (j for j, hit in enumerate(row) if hit):
            plot.text(j + 0.5, i + 0.5, "TP", ha="center", va="center", fontsize=FONT, color=INK)
    for j in range(n):
        plot.text(j + 0.5, 4 * plot.per_y, str(j + 1), ha="center", va="bottom", fontsize=FONT)
    plot.text(-6 * plot.per_x, 4 * plot.per_y, "t \\ rank", ha="right", va="bottom", fontsize=FONT)
    plot.text(n + 6 * plot.per_x, 4 * plot.per_y, "AP", ha="left", va="bottom", fontsize=FONT)
