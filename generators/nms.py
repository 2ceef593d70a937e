"""Greedy non-maximum suppression of one class's boxes, in clusters of overlapping detections.

The card gives the scores and the IoU of every overlapping pair, so the exercise is the procedure
itself: the processing order (ties broken alphabetically) and the strict `> threshold` test. Score
ties and pairs whose IoU is exactly the threshold are built on purpose; any other IoU is kept at
least 0.02 away from the threshold, so its 2-decimal rounding never hides which side it is on.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed
from ._figure import FONT
from ._boxes import (
    Box,
    Canvas,
    Placed,
    area,
    box_spots,
    draw_box,
    draw_labels,
    intersection_area,
    iou,
    place_labels,
)

TITLE = "NMS"

THRESHOLDS = (Fraction(3, 10), Fraction(2, 5), Fraction(1, 2), Fraction(3, 5), Fraction(7, 10))
MARGIN = Fraction(1, 50)  # a non-exact IoU is at least this far from the threshold
COLORS = PALETTE[:4]  # one per box of a cluster
WIDTH, HEIGHT = 26, 22  # data units of the canvas: 15 px each
LEGEND_ROOM = 1.6  # data units above the canvas for the answer figure's legend
CANVAS = Canvas(size=(4.0, 4.0 * HEIGHT / WIDTH), rect=(0.01, 0.01, 0.98, 0.98), xlim=(0, WIDTH), ylim=(0, HEIGHT))
ANSWER_CANVAS = Canvas(size=(4.0, 4.0 * (HEIGHT + LEGEND_ROOM) / WIDTH), rect=(0.01, 0.01, 0.98, 0.98),
                       xlim=(0, WIDTH), ylim=(0, HEIGHT + LEGEND_ROOM))
LABEL_ROOM = 1.3  # data units kept free above and below each cluster for its labels


def nms(boxes: dict[str, Box], scores: dict[str, float], threshold: Fraction) -> list[tuple[str, str | None]]:
    """Greedy NMS: (label, the kept box that suppressed it or None if kept) in processing order.

    Boxes go by descending score, ties by label; a box is suppressed by the first kept box whose
    IoU with it is strictly greater than `threshold` (compared exactly)."""
    kept: list[str] = []
    steps: list[tuple[str, str | None]] = []
    for label in sorted(boxes, key=lambda k: (-scores[k], k)):
        by = next((k for k in kept if iou(boxes[k], boxes[label]) > threshold), None)
        if by is None:
            kept.append(label)
        steps.append((label, by))
    return steps


def _near_miss(a: Box, b: Box, threshold: Fraction) -> bool:
    value = iou(a, b)
    return value != threshold and abs(value - threshold) < MARGIN


def _exact_pairs(threshold: Fraction) -> list[tuple[Box, Box]]:
    """Every (base at the origin with sides 4..7, partner with sides within ±1 shifted ≤ 2) pair
    whose IoU is exactly `threshold`; a constant table, built once at import."""
    p, q = threshold.numerator, threshold.denominator
    pairs = []
    for w, h, dw, dh, dx, dy in product(range(4, 8), range(4, 8), (-1, 0, 1), (-1, 0, 1), range(-2, 3), range(-2, 3)):
        base, partner = (0, 0, w, h), (dx, dy, dx + w + dw, dy + h + dh)
        inter = intersection_area(base, partner)
        if q * inter == p * (area(base) + area(partner) - inter) and partner != base:  # IoU = p/q in integers
            pairs.append((base, partner))
    return pairs


EXACT_PAIRS = {t: _exact_pairs(t) for t in THRESHOLDS}


def _cluster(rng: np.random.Generator, size: int, threshold: Fraction, exact: bool) -> list[Box]:
    """`size` overlapping boxes around a base box at the origin: jittered copies, the first of
    them at IoU exactly `threshold` with the base when `exact`."""
    while True:
        if exact:
            pairs = EXACT_PAIRS[threshold]
            boxes = list(pairs[int(rng.integers(len(pairs)))])
        else:
            boxes = [(0, 0, *(int(v) for v in rng.integers(4, 7, size=2)))]
        w, h = boxes[0][2:]
        while len(boxes) < size:
            dx, dy = (int(v) for v in rng.integers(-2, 3, size=2))
            dw, dh = (int(v) for v in rng.integers(-1, 2, size=2))
            boxes.append((dx, dy, dx + w + dw, dy + h + dh))
        if len(set(boxes)) == size and not any(_near_miss(a, b, threshold) for a, b in combinations(boxes, 2)):
            return boxes


def _sizes(rng: np.random.Generator, n: int) -> list[int]:
    """Split n boxes into 2 or 3 clusters of 1..4 boxes."""
    count = 3 if n > 8 else int(rng.integers(2, 4))
    sizes = [1] * count
    for _ in range(n - count):
        room = [i for i in range(count) if sizes[i] < 4]
        sizes[room[int(rng.integers(len(room)))]] += 1
    return sizes


def _extent(boxes: list[Box]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _place(rng: np.random.Generator, clusters: list[list[Box]]) -> list[list[Box]] | None:
    """The clusters, largest first, moved to random integer offsets where they fit on the canvas
    apart from each other with room for labels (None: no room left for one of them)."""
    taken: list[tuple[float, float, float, float]] = []
    moved = []
    for boxes in sorted(clusters, key=lambda c: -area(_extent(c))):
        x1, y1, x2, y2 = _extent(boxes)
        free = [(r, ox, oy) for ox in range(2 - x1, WIDTH - 1 - x2) for oy in range(2 - y1, HEIGHT - 1 - y2)
                for r in [(x1 + ox - 1, y1 + oy - LABEL_ROOM, x2 + ox + 1, y2 + oy + LABEL_ROOM)]
                if all(r[2] <= q[0] or q[2] <= r[0] or r[3] <= q[1] or q[3] <= r[1] for q in taken)]
        if not free:
            return None
        r, ox, oy = free[int(rng.integers(len(free)))]
        taken.append(r)
        moved.append([(a + ox, b + oy, c + ox, d + oy) for a, b, c, d in boxes])
    return moved


def _scene(rng: np.random.Generator, n: int, threshold: Fraction, exact: bool) -> list[list[Box]]:
    """Clusters of boxes on the canvas, left to right; with `exact`, the first multi-box cluster
    holds a pair at IoU exactly `threshold`."""
    while True:
        sizes = _sizes(rng, n)
        first_pair = next((i for i, s in enumerate(sizes) if s >= 2), None)
        clusters = [_cluster(rng, s, threshold, exact and i == first_pair) for i, s in enumerate(sizes)]
        for _ in range(3):
            scene = _place(rng, clusters)
            if scene is not None:
                return sorted(scene, key=lambda c: _extent(c)[0])


def _scores(rng: np.random.Generator, clusters: list[list[str]], boxes: dict[str, Box], tie: bool) -> dict[str, float]:
    """Distinct 2-decimal scores; with `tie`, the most overlapping pair of a cluster shares one."""
    labels = [k for c in clusters for k in c]
    hundredths = rng.choice(np.arange(30, 100), size=len(labels), replace=False)
    scores = {k: int(v) for k, v in zip(labels, hundredths)}
    pairs = [(a, b) for c in clusters for a, b in combinations(c, 2)]
    if tie and pairs:
        a, b = max(pairs, key=lambda p: iou(boxes[p[0]], boxes[p[1]]))
        scores[b] = scores[a]
    return {k: v / 100 for k, v in scores.items()}


def generate(rng: np.random.Generator) -> Problem:
    n = int(rng.integers(4, 11))
    threshold = THRESHOLDS[int(rng.integers(len(THRESHOLDS)))]
    exact, tie = bool(rng.random() < 0.4), bool(rng.random() < 0.35)
    scene = _scene(rng, n, threshold, exact)
    letters = iter("ABCDEFGHIJ")
    boxes: dict[str, Box] = {}
    clusters: list[list[str]] = []
    for cluster in scene:
        order = rng.permutation(len(cluster))
        names = [next(letters) for _ in cluster]
        clusters.append(names)
        for name, i in zip(names, order):
            boxes[name] = cluster[int(i)]
    scores = _scores(rng, clusters, boxes, tie)
    steps = nms(boxes, scores, threshold)
    t = fixed(threshold, 1)
    pairs = [(a, b, iou(boxes[a], boxes[b])) for a, b in combinations(sorted(boxes), 2)]
    overlapping = [(a, b, v) for a, b, v in pairs if v > 0]
    kept = sorted(k for k, by in steps if by is None)
    suppressed = sorted(k for k, by in steps if by is not None)
    question = (
        f"Greedy non-maximum suppression (one class) with IoU threshold $t = {t}$.\n\n"
        f"Scores: {', '.join(f'{k} {scores[k]:.2f}' for k in sorted(boxes))}.\n\n"
        f"IoU of the overlapping pairs: {', '.join(f'{a}–{b} {fixed(v, 2)}' for a, b, v in overlapping)}; "
        "all other pairs 0.\n\n"
        "Boxes are processed by descending score, ties in alphabetical order. A box is suppressed when "
        "its IoU with an already kept box is $> t$; an IoU exactly equal to $t$ survives (IoUs are "
        f"rounded to 2 decimals, {RULE}; one shown as {fixed(threshold, 2)} is exactly {t}).\n\n"
        "Which boxes are kept?"
    )
    solution = f"**Kept: {', '.join(kept)}**" + (f" (suppressed: {', '.join(suppressed)})" if suppressed else "")
    solution += "\n\n" + "\n".join(f"{i}. {_step(label, by, boxes, scores, steps[:i - 1], threshold)}"
                                   for i, (label, by) in enumerate(steps, 1))
    args = {"boxes": {k: list(v) for k, v in boxes.items()}, "scores": scores,
            "clusters": clusters}
    return Problem(
        inputs={"boxes": {k: list(v) for k, v in boxes.items()}, "scores": dict(scores),
                "threshold": float(t)},
        answer={"kept": kept, "suppressed": suppressed, "order": [k for k, _ in steps]},
        question=question,
        solution=solution,
        question_figure=Figure(draw_detections, {**args, "kept": None},
                               f"{n} labelled boxes with scores, in {len(clusters)} clusters", CANVAS.size),
        answer_figure=Figure(draw_detections, {**args, "kept": kept},
                             f"Kept boxes {', '.join(kept)} solid" + (", suppressed ones dashed" if suppressed else ""),
                             (ANSWER_CANVAS if suppressed else CANVAS).size),
    )


def _step(label: str, by: str | None, boxes: dict[str, Box], scores: dict[str, float],
          earlier: list[tuple[str, str | None]], threshold: Fraction) -> str:
    """One line of the worked answer: why `label` is suppressed or kept."""
    t = fixed(threshold, 1)
    tied = [k for k, _ in earlier if scores[k] == scores[label]]
    head = f"{label} ({scores[label]:.2f}" + (f"; tie, after {', '.join(tied)} alphabetically)" if tied else ")")
    if by is not None:
        return f"{head} suppressed by {by}: IoU {fixed(iou(boxes[by], boxes[label]), 2)} > {t}"
    overlaps = [(iou(boxes[k], boxes[label]), k) for k, b in earlier if b is None]
    worst = max(overlaps, default=(Fraction(0), ""))
    # a classic slip: an earlier box that was itself suppressed suppresses nothing
    ghost = max(((iou(boxes[k], boxes[label]), k) for k, b in earlier if b is not None), default=(Fraction(0), ""))
    aside = f"; IoU {fixed(ghost[0], 2)} with {ghost[1]} does not count: {ghost[1]} was suppressed" if ghost[0] > threshold else ""
    if worst[0] == 0:
        return f"{head} kept: {'highest score' if not earlier else 'no kept box overlaps it'}{aside}"
    relation = f"= {t}, not > {t}" if worst[0] == threshold else f"≤ {t}"
    return f"{head} kept: IoU with {worst[1]} {fixed(worst[0], 2)} {relation}{aside}"


def layout(boxes: dict[str, list[int]], scores: dict[str, float]) -> list[Placed]:
    """One 'A 0.92' label per box, beside its own box (see box_spots)."""
    line = 1.2 * FONT * CANVAS.scale
    labels = [(f"{label} {scores[label]:.2f}", box_spots(tuple(box), line)) for label, box in boxes.items()]
    return place_labels(labels, CANVAS, [tuple(b) for b in boxes.values()])


def draw_detections(fig: Any, boxes: dict[str, list[int]], scores: dict[str, float], clusters: list[list[str]],
                    kept: list[str] | None) -> None:
    """Every box in its cluster colour with its label and score; with `kept` (the answer), kept
    boxes solid and suppressed ones dashed and faint, drawn over the kept ones (a suppressed box
    inside a kept one stays visible), under a one-line legend when any box was suppressed."""
    suppressed = [k for k in boxes if kept is not None and k not in kept]
    plot = (ANSWER_CANVAS if suppressed else CANVAS).plot(fig)
    color = {k: COLORS[i] for names in clusters for i, k in enumerate(names)}
    for label, box in boxes.items():
        gone = label in suppressed
        draw_box(plot, tuple(box), color[label], dashed=gone, fill_alpha=0.03 if gone else 0.12,
                 linewidth=1.5 if gone else 2.2, zorder=2.5 if gone else 2)
    placed = layout(boxes, scores)
    draw_labels(plot, [(p, color[k], kept is None or k in kept) for p, k in zip(placed, boxes)])
    if suppressed:
        plot.text(CANVAS.xlim[1] / 2, CANVAS.ylim[1] + LEGEND_ROOM / 2, "solid: kept    dashed: suppressed",
                ha="center", va="center", fontsize=10, color=INK)
