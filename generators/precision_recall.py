"""Precision and recall at a cutoff, and 11-point interpolated AP, from a ranked list of detections.

Everything is computed in Fractions: a recall of exactly 3/10 must count as reaching the 0.3
threshold of the AP sum, which a float 0.30000000000000004 vs 0.3 comparison can get wrong. Some
problems use 5 or 10 ground-truth objects on purpose, so recalls land exactly on the thresholds.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed

TITLE = "Precision and recall"

LEVELS = [Fraction(i, 10) for i in range(11)]  # the recall thresholds of PASCAL VOC 2007 AP


def pr_points(matches: list[bool], n_gt: int) -> list[tuple[Fraction, Fraction]]:
    """(precision, recall) after each rank of the score-sorted detections."""
    points, tp = [], 0
    for k, hit in enumerate(matches, 1):
        tp += hit
        points.append((Fraction(tp, k), Fraction(tp, n_gt)))
    return points


def ap11(matches: list[bool], n_gt: int) -> tuple[Fraction, list[Fraction]]:
    """11-point interpolated AP and its 11 terms: for r = 0, 0.1, …, 1 the highest precision at
    any rank with recall ≥ r (0 if no rank reaches r)."""
    points = pr_points(matches, n_gt)
    terms = [max((p for p, rec in points if rec >= r), default=Fraction(0)) for r in LEVELS]
    return sum(terms) / 11, terms


def _matches(rng: np.random.Generator) -> tuple[list[bool], int]:
    """6–12 TP/FP flags (at least one TP; sometimes an FP first) and a ground-truth count ≥ #TP,
    sometimes 5 or 10 so that recalls hit the AP thresholds exactly."""
    n = int(rng.integers(6, 13))
    matches = [bool(v) for v in rng.random(n) < rng.uniform(0.4, 0.85)]
    if rng.random() < 0.2:
        matches[0] = False
    if not any(matches):
        matches[int(rng.integers(1, n))] = True
    tp = sum(matches)
    n_gt = tp + int(rng.integers(0, 4))
    if rng.random() < 0.35:
        n_gt = next(g for g in (5, 10, 15) if g >= tp)
    return matches, n_gt


def _ranked_table(scores: list[float], matches: list[bool]) -> str:
    """The ranked detections as a Markdown table, folded into two column groups (phone height)."""
    half = (len(scores) + 1) // 2
    cells = [(str(i + 1), f"{s:.2f}", "TP" if m else "FP") for i, (s, m) in enumerate(zip(scores, matches))]
    rows = ["| rank | score | match | rank | score | match |", "|---:|---:|:---:|---:|---:|:---:|"]
    for i in range(half):
        right = cells[i + half] if i + half < len(cells) else ("", "", "")
        rows.append("| " + " | ".join([*cells[i], *right]) + " |")
    return "\n".join(rows)


def _counts(terms: list[Fraction]) -> list[tuple[Fraction, int]]:
    """Runs of equal consecutive terms: (value, how many)."""
    runs: list[tuple[Fraction, int]] = []
    for t in terms:
        if runs and runs[-1][0] == t:
            runs[-1] = (t, runs[-1][1] + 1)
        else:
            runs.append((t, 1))
    return runs


def _exact(x: Fraction) -> str:
    """A sum of terms as typed before dividing by 11: 2, or (36/7)."""
    return str(x.numerator) if x.denominator == 1 else f"({x.numerator}/{x.denominator})"


def _level(r: Fraction) -> str:
    return str(r.numerator) if r.denominator == 1 else fixed(r, 1)


def _term(value: Fraction, count: int) -> str:
    text = str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    return text if count == 1 else f"{count} \\cdot {text}"


def _runs(terms: list[Fraction]) -> str:
    """The 11 interpolated precisions grouped by runs of equal values: '$r = 0$ to $0.4$: 3/4'."""
    parts, start = [], 0
    for value, count in _counts(terms):
        lo, hi = (_level(LEVELS[i]) for i in (start, start + count - 1))
        where = f"$r = {lo}$" if count == 1 else f"$r = {lo}$ to ${hi}$"
        shown = "0" if value == 0 else f"${value.numerator}/{value.denominator}$" if value.denominator > 1 else "1"
        parts.append(f"{where}: {shown}")
        start += count
    return "; ".join(parts)


def generate(rng: np.random.Generator) -> Problem:
    matches, n_gt = _matches(rng)
    n = len(matches)
    scores = [int(v) / 100 for v in np.sort(rng.choice(np.arange(5, 100), size=n, replace=False))[::-1]]
    k = int(rng.integers(1, n + 1))
    points = pr_points(matches, n_gt)
    ap, terms = ap11(matches, n_gt)
    tp_k = sum(matches[:k])
    p_k, r_k = points[k - 1]
    shown = {"precision_at_k": fixed(p_k, 3), "recall_at_k": fixed(r_k, 3), "ap11": fixed(ap, 3)}
    question = (
        f"A detector's {n} detections of one class, ranked by score, each a true positive (TP) or a false "
        f"positive (FP). The images hold $G = {n_gt}$ ground-truth objects.\n\n"
        f"{_ranked_table(scores, matches)}\n\n"
        f"1. Precision and recall at cutoff $k = {k}$ ({f'the top {k} detections' if k > 1 else 'the top detection'})?\n"
        "2. The 11-point interpolated AP (PASCAL VOC 2007): the mean over $r = 0, 0.1, \\dots, 1$ of the "
        "highest precision at any rank whose recall is $\\ge r$ (0 if no rank reaches $r$)? A recall "
        "exactly at a threshold counts: $3/10$ reaches $r = 0.3$.\n\n"
        f"Round to 3 decimals ({RULE}), keeping full precision in between."
    )
    rows = ["| rank | match | TP | FP | P | R |", "|---:|:---:|---:|---:|---:|---:|"]
    tp = 0
    for rank, (hit, (p, rec)) in enumerate(zip(matches, points), 1):
        tp += hit
        rows.append(f"| {rank} | {'TP' if hit else 'FP'} | {tp} | {rank - tp} | {fixed(p, 3)} | {fixed(rec, 3)} |")
    solution = (
        f"**P@{k} = {shown['precision_at_k']}, R@{k} = {shown['recall_at_k']}, AP = {shown['ap11']}**\n\n"
        + "\n".join(rows) + "\n\n"
        f"$P@{k} = {tp_k}/{k} = {shown['precision_at_k']}$, $R@{k} = {tp_k}/{n_gt} = {shown['recall_at_k']}$\n\n"
        f"Interpolated precision (best P at recall $\\ge r$): {_runs(terms)}\n\n"
        f"$\\text{{AP}} = ({' + '.join(_term(t, n) for t, n in _counts(terms) if t) or '0'})/11 = "
        f"{_exact(sum(terms))}/11 = {shown['ap11']}$"
    )
    args = {"precision": [float(p) for p, _ in points], "recall": [float(r) for _, r in points],
            "terms": [float(t) for t in terms]}
    return Problem(
        inputs={"scores": scores, "matches": matches, "n_gt": n_gt, "k": k},
        answer={key: float(value) for key, value in shown.items()},
        question=question,
        solution=solution,
        answer_figure=Figure(draw_pr_curve, args,
                             "Precision-recall curve after each rank, its interpolated envelope and the 11 AP samples"),
    )


def draw_pr_curve(fig: Any, precision: list[float], recall: list[float], terms: list[float]) -> None:
    """Precision against recall after each rank (line), the interpolated precision (step: the best
    precision at this recall or beyond) and the 11 sampled values whose mean is the AP.

    Fixed axes and a hand-made legend row: constrained layout and fig.legend cost ~20 ms a figure."""
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.16, 0.15, 0.8, 0.7))
    levels = sorted(set(recall))
    envelope = [max(p for p, r in zip(precision, recall) if r >= u) for u in levels]
    styles = [
        ({"color": PALETTE[1], "linewidth": 2.0}, "interpolated"),
        ({"color": PALETTE[0], "linewidth": 1.2, "marker": "o", "markersize": 4}, "each rank"),
        ({"linestyle": "none", "marker": "s", "markersize": 6, "markerfacecolor": "none",
          "markeredgecolor": INK, "markeredgewidth": 1.3}, "11 samples"),
    ]
    ax.step([0.0, *levels], [*envelope, envelope[-1]], where="post", **styles[0][0])
    ax.plot(recall, precision, **styles[1][0])
    ax.plot([i / 10 for i in range(11)], terms, **styles[2][0])
    for (style, text), x in zip(styles, (-0.17, 0.3, 0.65)):  # legend row above the axes
        xs = [x + 0.04] if style.get("linestyle") == "none" else [x, x + 0.08]
        ax.plot(xs, [1.1] * len(xs), transform=ax.transAxes, clip_on=False, **style)
        ax.text(x + 0.11, 1.1, text, transform=ax.transAxes, va="center", fontsize=10, color=INK)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.08)
    ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
    ax.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
    ax.set_xlabel("recall", fontsize=10, labelpad=1)
    ax.set_ylabel("precision", fontsize=10, labelpad=1)
    ax.tick_params(labelsize=10)
    ax.grid(True)
