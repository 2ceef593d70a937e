"""IoU, Dice and mean IoU of a predicted segmentation mask against the ground truth, on a small grid
of pixels: the counts a semantic-segmentation benchmark makes, done by hand."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed, value
from ._figure import FONT, Plot

TITLE = "Segmentation metrics"
SIZE = 6  # the masks are SIZE × SIZE pixels
CLASSES = (0, 1, 2)  # 0 is the background
PLACES = 3
COLOURS = {1: PALETTE[0], 2: PALETTE[1]}


def class_counts(truth: list[list[int]], pred: list[list[int]], c: int) -> tuple[int, int, int]:
    """Pixels of class c in the ground truth, in the prediction, and in both."""
    pairs = [(t, p) for rt, rp in zip(truth, pred) for t, p in zip(rt, rp)]
    return sum(t == c for t, _ in pairs), sum(p == c for _, p in pairs), sum(t == p == c for t, p in pairs)


def metrics(truth: list[list[int]], pred: list[list[int]]) -> dict[str, Any]:
    """Per-class IoU |T∩P|/|T∪P| and Dice 2|T∩P|/(|T|+|P|), and mIoU over the classes present in
    either mask."""
    per = {}
    for c in CLASSES:
        t, p, both = class_counts(truth, pred, c)
        if t + p:
            per[c] = {"truth": t, "pred": p, "both": both, "iou": Fraction(both, t + p - both),
                      "dice": Fraction(2 * both, t + p)}
    return {"per_class": per, "miou": sum(m["iou"] for m in per.values()) / len(per)}


def _mask(rng: np.random.Generator, rects: list[tuple[int, int, int, int]]) -> list[list[int]]:
    mask = [[0] * SIZE for _ in range(SIZE)]
    for c, (r0, c0, r1, c1) in enumerate(rects, 1):
        for r in range(r0, r1):
            for col in range(c0, c1):
                mask[r][col] = c
    return mask


def _rect(rng: np.random.Generator) -> tuple[int, int, int, int]:
    h, w = (int(v) for v in rng.integers(2, 5, size=2))
    r0, c0 = int(rng.integers(0, SIZE - h + 1)), int(rng.integers(0, SIZE - w + 1))
    return r0, c0, r0 + h, c0 + w


def _jitter(rng: np.random.Generator, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    r0, c0, r1, c1 = (v + int(rng.integers(-1, 2)) for v in rect)
    r0, c0 = max(0, min(r0, SIZE - 1)), max(0, min(c0, SIZE - 1))
    return r0, c0, max(r0 + 1, min(r1, SIZE)), max(c0 + 1, min(c1, SIZE))


def generate(rng: np.random.Generator) -> Problem:
    while True:
        rects = [_rect(rng), _rect(rng)]
        truth = _mask(rng, rects)
        pred = _mask(rng, [_jitter(rng, r) for r in rects])
        if all(any(c in row for row in truth) for c in (1, 2)) and truth != pred:
            break
    m = metrics(truth, pred)
    one = m["per_class"][1]
    question = (
        f"A segmentation model labels each pixel of a {SIZE} × {SIZE} image as background (0), class 1 or "
        "class 2 (shown as in the figure, row by row):\n\n"
        "| ground truth | prediction |\n|:---:|:---:|\n"
        + "\n".join(f"| `{' '.join(map(str, t))}` | `{' '.join(map(str, q))}` |" for t, q in zip(truth, pred))
        + "\n\n"
        "Compute the IoU and the Dice coefficient of class 1, and the mean IoU over the three classes "
        f"(background included), to {PLACES} decimals ({RULE})."
    )
    rows = ["| class | truth | predicted | both | IoU |", "|---|---|---|---|---|"]
    for c, r in m["per_class"].items():
        rows.append(f"| {c} | {r['truth']} | {r['pred']} | {r['both']} | "
                    f"{r['both']}/{r['truth'] + r['pred'] - r['both']} = {fixed(r['iou'], PLACES)} |")
    solution = (
        f"**IoU₁ = {fixed(one['iou'], PLACES)}, Dice₁ = {fixed(one['dice'], PLACES)}, "
        f"mIoU = {fixed(m['miou'], PLACES)}**\n\n"
        "Count the pixels of each class; union = truth + predicted − both:\n\n" + "\n".join(rows) + "\n\n"
        f"Dice₁ = 2 · {one['both']}/({one['truth']} + {one['pred']}) = {fixed(one['dice'], PLACES)}; "
        f"mIoU = mean of the three IoUs = {fixed(m['miou'], PLACES)}."
    )
    return Problem(
        inputs={"truth": truth, "pred": pred},
        answer={"iou_1": value(one["iou"], PLACES), "dice_1": value(one["dice"], PLACES),
                "miou": value(m["miou"], PLACES)},
        question=question, solution=solution,
        question_figure=Figure(draw_masks, {"truth": truth, "pred": pred, "roles": False},
                               "Two 6 by 6 masks, ground truth and prediction, each pixel marked 1 or 2 or left "
                               "blank for the background", size=(4.0, 2.4)),
        answer_figure=Figure(draw_masks, {"truth": truth, "pred": pred, "roles": True},
                             f"The prediction with each class-1 pixel marked: {one['both']} true positives, "
                             f"{one['pred'] - one['both']} false positives, {one['truth'] - one['both']} false "
                             "negatives", size=(4.0, 2.4)),
    )


def draw_masks(fig: Any, truth: list[list[int]], pred: list[list[int]], roles: bool) -> None:
    """Ground truth (left) and prediction (right), pixels shaded by class with the class digit; with
    `roles`, the right grid marks class 1's pixels TP (both), FP (predicted only), FN (missed)."""
    from matplotlib.colors import to_rgba

    plot = Plot(fig, (8, 6, 8, 24), (-0.2, 2 * SIZE + 1.2), (SIZE + 0.1, -0.1))  # row 0 at the top
    for k, (name, mask) in enumerate((("ground truth", truth), ("class 1 in the prediction" if roles else "prediction", pred))):
        x0 = k * (SIZE + 1)
        cells, faces = [], []
        for r in range(SIZE):
            for c in range(SIZE):
                cells.append([(x0 + c, r), (x0 + c + 1, r), (x0 + c + 1, r + 1), (x0 + c, r + 1)])
                faces.append(to_rgba(COLOURS[mask[r][c]], 0.45) if mask[r][c] else "none")
                text = _role(truth[r][c], pred[r][c]) if roles and k == 1 else (str(mask[r][c]) if mask[r][c] else "")
                if text:
                    plot.text(x0 + c + 0.5, r + 0.5, text, ha="center", va="center", fontsize=FONT, color=INK)
        plot.polygons(cells, facecolors=faces, edgecolors="#999999", linewidths=0.6)
        plot.text(x0 + SIZE / 2, -0.1 + 4 * plot.per_y, name, ha="center", va="bottom", fontsize=FONT + 1)


def _role(t: int, p: int) -> str:
    return "TP" if t == p == 1 else "FP" if p == 1 else "FN" if t == 1 else ""
