"""Precision, recall, F1 and accuracy read off a confusion matrix: which cells are TP, FP and FN
depends on which axis is the actual class, and a 3-class matrix asks for macro averages."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed, value
from ._figure import FONT, PX_PER_PT, Plot, text_size

TITLE = "Confusion matrix metrics"
PLACES = 3
BINARY_NAMES = (("spam", "ham"), ("fraud", "legit"), ("sick", "healthy"), ("cat", "no cat"), ("1", "0"))
MULTI_NAMES = (("cat", "dog", "bird"), ("A", "B", "C"), ("car", "bus", "bike"), ("low", "mid", "high"))
ZERO_RULE = "a ratio with a zero denominator counts as 0, and F1 = 0 when P + R = 0"


def _ratio(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator) if denominator else Fraction(0)


def class_metrics(matrix: list[list[int]]) -> list[dict[str, Fraction]]:
    """Precision, recall and F1 of each class taken as the positive one; rows are the actual
    class, columns the predicted class, and 0/0 counts as 0."""
    m = np.asarray(matrix)
    result = []
    for c in range(len(m)):
        precision = _ratio(int(m[c, c]), int(m[:, c].sum()))
        recall = _ratio(int(m[c, c]), int(m[c, :].sum()))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else Fraction(0)
        result.append({"precision": precision, "recall": recall, "f1": f1})
    return result


def scores(matrix: list[list[int]], positive: int | None) -> dict[str, Fraction]:
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
    answer = {key: value(x, PLACES) for key, x in result.items()}

    layout = "rows are the actual class, columns the predicted class"
    if positive is None:
        ask = ("the macro-averaged precision, recall and F1 (unweighted means over the 3 classes, each "
               "taken in turn as positive; macro-F1 is the mean of the per-class F1 scores) and the accuracy")
    else:
        ask = f"precision, recall, F1 and accuracy, with **{names[positive]}** as the positive class"
    question = (f"In this confusion matrix {layout}:\n\n{_table(matrix, names)}\n\n"
                f"Compute {ask}, to {PLACES} decimals ({RULE}), keeping full precision in between.\n\n"
                f"Convention: {ZERO_RULE}.")
    solution = _binary_solution(matrix, positive, result) if positive is not None else \
        _macro_solution(matrix, names, result)
    counts = "; ".join(f"actual {a}: " + ", ".join(f"predicted {p} {matrix[i][j]}" for j, p in enumerate(names))
                       for i, a in enumerate(names))
    return Problem(
        inputs={"matrix": matrix, "classes": names, "positive": positive},
        answer=answer,
        question=question,
        solution=solution,
        question_figure=Figure(draw_matrix, {"matrix": matrix, "classes": names, "positive": positive,
                                             "roles": False},
                               f"Confusion matrix, rows actual, columns predicted: {counts}"),
        answer_figure=None if positive is None else Figure(
            draw_matrix, {"matrix": matrix, "classes": names, "positive": positive, "roles": True},
            f"The same matrix with each cell named TP, FP, FN or TN for positive class {names[positive]}"),
    )


def _table(matrix: list[list[int]], names: list[str]) -> str:
    """The matrix as a Markdown table: its numbers are in the text, not only in the figure."""
    rows = ["| actual ╲ predicted | " + " | ".join(names) + " |", "|---" + "|---:" * len(names) + "|"]
    rows += [f"| {name} | " + " | ".join(str(n) for n in row) + " |" for name, row in zip(names, matrix)]
    return "\n".join(rows)


def _head(answer: dict[str, Fraction], prefix: str) -> str:
    return (f"**{prefix}P = {fixed(answer['precision'], PLACES)}, {prefix}R = {fixed(answer['recall'], PLACES)}, "
            f"{prefix}F1 = {fixed(answer['f1'], PLACES)}, accuracy = {fixed(answer['accuracy'], PLACES)}**")


def _fraction(numerator: int, denominator: int) -> str:
    shown = fixed(_ratio(numerator, denominator), PLACES)
    return f"{numerator}/{denominator} = {shown}" if denominator else f"{numerator}/0, taken as 0"


def _binary_solution(matrix: list[list[int]], positive: int, answer: dict[str, Fraction]) -> str:
    (tp, fn), (fp, tn) = (matrix[0], matrix[1]) if positive == 0 else (matrix[1][::-1], matrix[0][::-1])
    return (
        f"{_head(answer, '')}\n\n"
        f"TP = {tp}, FP = {fp} (predicted positive, actually negative), FN = {fn} (predicted negative, "
        f"actually positive), TN = {tn}.\n\n"
        f"- $P = TP/(TP+FP)$ = {_fraction(tp, tp + fp)}\n"
        f"- $R = TP/(TP+FN)$ = {_fraction(tp, tp + fn)}\n"
        f"- $F_1 = 2PR/(P+R) = 2TP/(2TP+FP+FN)$ = {_fraction(2 * tp, 2 * tp + fp + fn)}\n"
        f"- accuracy $= (TP+TN)/N$ = {_fraction(tp + tn, tp + tn + fp + fn)}"
        + ("\n\nNothing is predicted positive: all the accuracy comes from the negatives."
           if tp + fp == 0 else "")
    )


def _macro_solution(matrix: list[list[int]], names: list[str], answer: dict[str, Fraction]) -> str:
    m = np.asarray(matrix)
    per_class = class_metrics(matrix)
    rows = ["| class | P (column) | R (row) | F1 |", "|---|---|---|---|"]
    for c, (name, metric) in enumerate(zip(names, per_class)):
        rows.append(f"| {name} | {_fraction(int(m[c, c]), int(m[:, c].sum()))} | "
                    f"{_fraction(int(m[c, c]), int(m[c, :].sum()))} | {fixed(metric['f1'], PLACES)} |")
    return (
        f"{_head(answer, 'macro-')}\n\n"
        "Each class in turn is positive: P = diagonal / column sum, R = diagonal / row sum, "
        "F1 = 2PR/(P+R); macro = mean of the three.\n\n" + "\n".join(rows)
        + "\n\n" + "; ".join(
            f"macro-{label} = ({' + '.join(fixed(c[key], PLACES) for c in per_class)})/3 = {fixed(answer[key], PLACES)}"
            for label, key in (("P", "precision"), ("R", "recall"), ("F1", "f1")))
        + f".\n\nAccuracy = diagonal / total = {_fraction(int(np.trace(m)), int(m.sum()))}."
    )


def draw_matrix(fig: Any, matrix: list[list[int]], classes: list[str], positive: int | None,
                roles: bool) -> None:
    """The matrix as a heatmap (alpha ∝ count; correct cells blue, errors orange) with counts, the
    positive class of a binary matrix marked (+) and, with `roles` (the answer: finding them is the
    exercise), TP/FP/FN/TN in each cell. The axes are
    placed by hand: the left margin is as wide as the longest class name."""
    from matplotlib.colors import to_rgb

    m = np.asarray(matrix, dtype=float)
    k = len(m)
    ticks = [f"{name} (+)" if c == positive else name for c, name in enumerate(classes)]
    label = FONT + 1
    line = label * PX_PER_PT * 1.2  # the height of a line of labels, in pixels
    left = 6 + line + 6 + max(text_size(t, label)[0] for t in ticks) + 8
    top = 6 + line + 2 + line + 4
    plot = Plot(fig, (left, 6, 10, top), (-0.5, k - 0.5), (k - 0.5, -0.5))  # row 0 at the top
    alpha = 0.08 + 0.5 * m / max(m.max(), 1)
    plot.polygons([[(j - 0.5, i - 0.5), (j + 0.5, i - 0.5), (j + 0.5, i + 0.5), (j - 0.5, i + 0.5)]
                   for i in range(k) for j in range(k)],
                  facecolors=[(*to_rgb(PALETTE[0] if i == j else PALETTE[1]), alpha[i, j])
                              for i in range(k) for j in range(k)],
                  edgecolors=INK, linewidths=0.8)
    names = None
    if positive is not None and roles:
        names = [["TP", "FN"], ["FP", "TN"]] if positive == 0 else [["TN", "FP"], ["FN", "TP"]]
    for i in range(k):
        for j in range(k):
            plot.text(j, i - (0.08 if names else 0), str(int(m[i, j])), ha="center", va="center",
                      fontsize=FONT + 4, color=INK)
            if names:
                plot.text(j, i + 0.25, names[i][j], ha="center", va="center", fontsize=FONT, color=INK)
    per_x, per_y = plot.per_x, plot.per_y  # per_y < 0: y grows downwards
    for c, text in enumerate(ticks):
        plot.text(c, -0.5 + 4 * per_y, text, ha="center", va="bottom", fontsize=label)
        plot.text(-0.5 - 8 * per_x, c, text, ha="right", va="center", fontsize=label)
    plot.text((k - 1) / 2, -0.5 + (6 + line) * per_y, "predicted class", ha="center", va="bottom", fontsize=label)
    plot.text(-0.5 - (left - 6) * per_x, (k - 1) / 2, "actual class", ha="left", va="center", rotation=90,
              fontsize=label)
