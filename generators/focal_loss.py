"""Focal loss against cross-entropy for a few binary predictions: the factor α_t(1 − p_t)^γ that
shrinks the loss of easy, well-classified examples (RetinaNet)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, ln, sig, short
from ._figure import FONT, Plot, label_points
from ._training import frame, num, tick_values

TITLE = "Focal loss"
FIGURES = 4
ALPHA = Fraction(1, 4)


def focal(y: int, p: Fraction, gamma: int) -> dict[str, Fraction]:
    """p_t, α_t, the modulating factor α_t(1 − p_t)^γ, cross-entropy −ln p_t and the focal loss."""
    p_t = p if y == 1 else 1 - p
    alpha_t = ALPHA if y == 1 else 1 - ALPHA
    factor = alpha_t * (1 - p_t) ** gamma
    ce = -ln(p_t)
    return {"p_t": p_t, "alpha_t": alpha_t, "factor": factor, "ce": ce, "fl": factor * ce}


def generate(rng: np.random.Generator) -> Problem:
    gamma = int(rng.choice([1, 2, 2, 3, 5]))
    p_ts = [int(rng.integers(80, 100)), int(rng.integers(5, 31)), int(rng.integers(35, 75))]
    order = rng.permutation(3)
    ys = [int(v) for v in rng.integers(0, 2, size=3)]
    cases = []
    for i in order:
        y = ys[len(cases)]
        p_t = Fraction(p_ts[int(i)], 100)
        cases.append((y, p_t if y == 1 else 1 - p_t))
    results = [focal(y, p, gamma) for y, p in cases]
    rows = "\n".join(f"| {i} | {y} | {short(p, 2)} |" for i, (y, p) in enumerate(cases, 1))
    question = (
        "A binary classifier outputs $p$, the predicted probability of class 1, for three examples:\n\n"
        f"| example | label $y$ | $p$ |\n|---|---|---|\n{rows}\n\n"
        f"With $p_t = p$ if $y = 1$ else $1 - p$, and $\\alpha_t = {num(ALPHA)}$ if $y = 1$ else "
        f"${num(1 - ALPHA)}$: compute each example's cross-entropy $-\\ln p_t$ and focal loss "
        f"$-\\alpha_t (1 - p_t)^{{\\gamma}} \\ln p_t$ with $\\gamma = {gamma}$, to {FIGURES} significant figures "
        f"({RULE})."
    )
    lines = [f"| {i} | {short(r['p_t'], 2)} | {sig(r['ce'], FIGURES)} | ${num(r['alpha_t'])} \\cdot "
             f"{short(1 - r['p_t'], 2)}^{{{gamma}}} = {sig(r['factor'], FIGURES)}$ | {sig(r['fl'], FIGURES)} |"
             for i, r in enumerate(results, 1)]
    easy = max(range(3), key=lambda i: results[i]["p_t"])
    hard = min(range(3), key=lambda i: results[i]["p_t"])
    solution = (
        f"**CE: {', '.join(sig(r['ce'], FIGURES) for r in results)}; focal: "
        f"{', '.join(sig(r['fl'], FIGURES) for r in results)}**\n\n"
        "| ex. | $p_t$ | CE | $\\alpha_t (1-p_t)^\\gamma$ | focal |\n|---|---|---|---|---|\n" + "\n".join(lines)
        + f"\n\nThe focal loss is CE times the factor: the easy example {easy + 1} keeps "
        f"{sig(results[easy]['factor'] * 100, 2)}% of its CE, the hard example {hard + 1} "
        f"{sig(results[hard]['factor'] * 100, 2)}%."
    )
    figure = Figure(draw_focal, {"gamma": gamma, "p_t": [float(r["p_t"]) for r in results]},
                    f"Cross-entropy and focal loss (γ = {gamma}, without α) against p_t, with the three examples "
                    f"at p_t = {', '.join(short(r['p_t'], 2) for r in results)}", size=(4.0, 3.0))
    return Problem(
        inputs={"gamma": gamma, "labels": [y for y, _ in cases], "p": [float(p) for _, p in cases]},
        answer={"ce": [float(sig(r["ce"], FIGURES)) for r in results],
                "focal": [float(sig(r["fl"], FIGURES)) for r in results]},
        question=question, solution=solution, answer_figure=figure,
    )


def draw_focal(fig: Any, gamma: int, p_t: list[float]) -> None:
    """−ln p_t and −(1 − p_t)^γ ln p_t over p_t in [0.03, 1], the examples marked on both curves."""
    xs = np.linspace(0.03, 1.0, 120)
    ce = -np.log(xs)
    plot = Plot(fig, (30, 48, 12, 30), (0.0, 1.02), (-0.15, float(ce.max()) * 1.05))
    frame(plot, tick_values(0, 1), "p_t (probability of the true class)", "loss")
    curves = [(ce, PALETTE[0], "cross-entropy"), ((1 - xs) ** gamma * ce, PALETTE[1], f"focal, γ = {gamma}")]
    height = fig.get_size_inches()[1] * fig.dpi
    for k, (ys, colour, label) in enumerate(curves):
        plot.curve(xs, ys, color=colour, linewidth=1.8, zorder=2)
        fig.text((k + 0.5) / 2, 1 - 8 / height, f"— {label}", ha="center", va="top", fontsize=FONT + 1, color=colour)
    points, texts = [], []
    for i, p in enumerate(p_t, 1):
        for k, y in enumerate((-np.log(p), -(1 - p) ** gamma * np.log(p))):
            plot.scatter([p], [y], 30, facecolors="none" if k == 0 else curves[1][1], edgecolors=curves[k][1],
                         linewidths=1.4, zorder=3)
            points.append((p, float(y)))
            texts.append(str(i))
    label_points(plot, points, texts, obstacles=list(zip(xs[::4], ce[::4])), colours=[INK] * len(points))
