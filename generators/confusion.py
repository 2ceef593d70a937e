"""Precision, recall, F1 and accuracy read off a confusion matrix: which cells are TP, FP and FN
depends on which axis is the actual class, and a 3-class matrix asks for macro averages."""

from __future__ import annotations

from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._training import FONT, dec

TITLE = "Confusion matrix metrics"
PLACES = 3
BINARY_NAMES = (("spam", "ham"), ("fraud", "legit"), ("sick", "healthy"), ("cat", "no cat"), ("1", "0"))
MULTI_NAMES = (("cat", "dog", "bird"), ("A", "B", "C"), ("car", "bus", "bike"), ("low", "mid", "high"))
ZERO_RULE = "a ratio with a zero denominator counts as 0, and F1 = 0 when P + R = 0"


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def class_metrics(matrix: list[list[int]]) -> list[dict[str, float]]:
    """Precision, recall and F1 of each class taken as the positive one; rows are the actual
    class, columns the predicted class, and 0/0 counts as 0."""
    m = np.asarray(matrix)
    result = []
    for c in range(len(m)):
        precision = _ratio(int(m[c, c]), int(m[:, c].sum()))
        recall = _ratio(int(m[c, c]), int(m[c, :].sum()))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.append({"precision": precision, "recall": recall, "f1": f1})
    return result


def scores(matrix: list[list[int]], positive: int | None) -> dict[str, float]:
    """The card's answer: the positive class's metrics (binary) or their macro averages (positive
    is None), plus accuracy."""
    per_class = class_metrics(matrix)
    chosen = [per_class[positive]] if positive is not None else per_class
    result = {key: sum(c[key] for c in chosen) / len(chosen) for key in ("precision", "recall", "f1")}
    result["accuracy"] = _ratio(int(np.trace(matrix)), int(np.sum(matrix)))
    return result


def generate(rng: np.random.Generator) -> Problem:
    if rng.random() < 0.7:
        names = list(BINARY_NAMES[int(rng.integers(len(BINARY_NAMES)))])
        tp, fn, fp, tn = (int(rng.integers(lo, hi)) for lo, hi in ((5, 80), (0, 30), (0, 30), (5, 100)))
        if rng.random() < 0.12:  # nothing predicted positive: precision is 0/0
            tp = fp = 0
        matrix, positive = [[tp, fn], [fp, tn]], 0
        if rng.random() < 0.5:  # negative class first, as sklearn orders labels 0, 1
            names.reverse()
            matrix, positive = [[tn, fp], [fn, tp]], 1
    else:
        names = list(MULTI_NAMES[int(rng.integers(len(MULTI_NAMES)))])
        m = rng.integers(0, 13, size=(3, 3))
        np.fill_diagonal(m, rng.integers(10, 61, size=3))
        if rng.random() < 0.15:  # a class that is never predicted
            m[:, int(rng.integers(3))] = 0
        matrix, positive = m.tolist(), None
    result = scores(matrix, positive)
    answer = {key: float(dec(value, PLACES)) for key, value in result.items()}

    layout = "rows are the actual class, columns the predicted class"
    if positive is None:
        ask = ("the macro-averaged precision, recall and F1 (unweighted means over the 3 classes, each "
               "taken in turn as positive; macro-F1 is the mean of the per-class F1 scores) and the accuracy")
    else:
        ask = f"precision, recall, F1 and accuracy, with **{names[positive]}** as the positive class"
    question = (f"In the confusion matrix shown, {layout}. Compute {ask}, to {PLACES} decimals "
                f"(keep full precision in between).\n\n"
                f"Convention: {ZERO_RULE}.")
    solution = _binary_solution(matrix, positive, answer) if positive is not None else \
        _macro_solution(matrix, names, answer)
    counts = "; ".join(f"actual {a}: " + ", ".join(f"predicted {p} {matrix[i][j]}" for j, p in enumerate(names))
                       for i, a in enumerate(names))
    return Problem(
        inputs={"matrix": matrix, "classes": names, "positive": positive},
        answer=answer,
        question=question,
        solution=solution,
        question_figure=Figure(draw_matrix, {"matrix": matrix, "classes": names, "positive": positive},
                               f"Confusion matrix, rows actual, columns predicted: {counts}"),
    )


def _head(answer: dict[str, float], prefix: str) -> str:
    return (f"**{prefix}P = {dec(answer['precision'], PLACES)}, {prefix}R = {dec(answer['recall'], PLACES)}, "
            f"{prefix}F1 = {dec(answer['f1'], PLACES)}, accuracy = {dec(answer['accuracy'], PLACES)}**")


def _fraction(numerator: int, denominator: int) -> str:
    value = dec(_ratio(numerator, denominator), PLACES)
    return f"{numerator}/{denominator} = {value}" if denominator else f"{numerator}/0, taken as 0"


def _binary_solution(matrix: list[list[int]], positive: int, answer: dict[str, float]) -> str:
    (tp, fn), (fp, tn) = (matrix[0], matrix[1]) if positive == 0 else (matrix[1][::-1], matrix[0][::-1])
    return (
        f"{_head(answer, '')}\n\n"
        f"TP = {tp}, FP = {fp} (predicted positive, actually negative), FN = {fn}, TN = {tn}.\n\n"
        f"- $P = TP/(TP+FP)$ = {_fraction(tp, tp + fp)}\n"
        f"- $R = TP/(TP+FN)$ = {_fraction(tp, tp + fn)}\n"
        f"- $F_1 = 2PR/(P+R) = 2TP/(2TP+FP+FN)$ = {_fraction(2 * tp, 2 * tp + fp + fn)}\n"
        f"- accuracy $= (TP+TN)/N$ = {_fraction(tp + tn, tp + tn + fp + fn)}"
        + ("\n\nNothing is predicted positive: all the accuracy comes from the negatives."
           if tp + fp == 0 else "")
    )


def _macro_solution(matrix: list[list[int]], names: list[str], answer: dict[str, float]) -> str:
    m = np.asarray(matrix)
    per_class = class_metrics(matrix)
    rows = ["| class | P (column) | R (row) | F1 |", "|---|---|---|---|"]
    for c, (name, metric) in enumerate(zip(names, per_class)):
        rows.append(f"| {name} | {_fraction(int(m[c, c]), int(m[:, c].sum()))} | "
                    f"{_fraction(int(m[c, c]), int(m[c, :].sum()))} | {dec(metric['f1'], PLACES)} |")
    return (
        f"{_head(answer, 'macro-')}\n\n"
        "Each class in turn is positive: P = diagonal / column sum, R = diagonal / row sum, "
        "F1 = 2PR/(P+R); macro = mean of the three.\n\n" + "\n".join(rows)
        + "\n\n" + "; ".join(
            f"macro-{label} = ({' + '.join(dec(c[key], PLACES) for c in per_class)})/3 = {dec(answer[key], PLACES)}"
            for label, key in (("P", "precision"), ("R", "recall"), ("F1", "f1")))
        + f".\n\nAccuracy = diagonal / total = {_fraction(int(np.trace(m)), int(m.sum()))}."
    )


def draw_matrix(fig: Any, matrix: list[list[int]], classes: list[str], positive: int | None) -> None:
    """The matrix as a heatmap (alpha ∝ count; correct cells blue, errors orange) with counts and,
    for a binary matrix, TP/FP/FN/TN in each cell and the positive class marked (+)."""
    from matplotlib.colors import to_rgb

    m = np.asarray(matrix, dtype=float)
    k = len(m)
    rgba = np.zeros((k, k, 4))
    for i in range(k):
        for j in range(k):
            rgba[i, j, :3] = to_rgb(PALETTE[0] if i == j else PALETTE[1])
    rgba[..., 3] = 0.08 + 0.5 * m / max(m.max(), 1)
    ax = fig.add_subplot()
    ax.imshow(rgba, interpolation="nearest")
    names = None
    if positive is not None:
        names = [["TP", "FN"], ["FP", "TN"]] if positive == 0 else [["TN", "FP"], ["FN", "TP"]]
    for i in range(k):
        for j in range(k):
            ax.text(j, i - (0.08 if names else 0), str(int(m[i, j])), ha="center", va="center",
                    fontsize=FONT + 4, color=INK)
            if names:
                ax.text(j, i + 0.25, names[i][j], ha="center", va="center", fontsize=FONT, color=INK)
    ticks = [f"{name} (+)" if c == positive else name for c, name in enumerate(classes)]
    ax.set_xticks(range(k), ticks)
    ax.set_yticks(range(k), ticks)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("predicted class", fontsize=FONT + 1)
    ax.set_ylabel("actual class", fontsize=FONT + 1)
    ax.tick_params(length=0, labelsize=FONT + 1)
    for side in ax.spines.values():
        side.set_visible(False)
    for edge in np.arange(k + 1) - 0.5:
        ax.axhline(edge, color=INK, linewidth=0.8, clip_on=False)
        ax.axvline(edge, color=INK, linewidth=0.8, clip_on=False)
