"""Softmax probabilities and cross-entropy loss of a small logit vector, worked the stable way."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, exp, fixed, ln, value

TITLE = "Softmax and cross-entropy"


def softmax_cross_entropy(logits: list[float], label: int) -> tuple[list[Fraction], Fraction]:
    """Softmax of `logits` and the natural-log cross-entropy of class `label` (0-based), exact but
    for e and ln (see _numbers). The max is subtracted first, as a stable implementation does: the
    softmax is unchanged and e^(z - m) ≤ 1."""
    z = [exact(v) for v in logits]
    m = max(z)
    exps = [exp(v - m) for v in z]
    total = sum(exps)
    return [e / total for e in exps], ln(total) - (z[label] - m)


def _logits(rng: np.random.Generator) -> list[float]:
    """Logits rounded to 1 decimal: usually moderate, sometimes tied, huge or all negative."""
    k = int(rng.integers(3, 6))
    kind = rng.choice(["moderate", "moderate", "moderate", "tied", "large", "negative"])
    if kind == "tied":
        value = rng.integers(-30, 31) / 10
        z = np.full(k, value)
        if rng.random() < 0.5:  # all tied, or all tied but one
            z[rng.integers(k)] += rng.integers(5, 25) / 10
    elif kind == "large":
        z = rng.integers(-30, 31, size=k) / 10 + rng.choice([-1, 1]) * rng.integers(50, 120)
    elif kind == "negative":
        z = -rng.integers(1, 60, size=k) / 10
    else:
        z = rng.integers(-30, 41, size=k) / 10
    return [round(float(v), 1) for v in z]


def generate(rng: np.random.Generator) -> Problem:
    logits = _logits(rng)
    label = int(rng.integers(len(logits)))
    probs, loss = softmax_cross_entropy(logits, label)
    k, y = len(logits), label + 1  # classes are numbered from 1 on the card
    m = max(logits)
    exps = [exp(exact(z) - exact(m)) for z in logits]
    shown = [fixed(p, 3) for p in probs]

    question = (f"A {k}-class classifier outputs the logits $z = ({', '.join(f'{v:.1f}' for v in logits)})$ "
                f"for an example whose true class is $y = {y}$ (classes numbered from 1).\n\n"
                "Compute the softmax probabilities (3 decimals) and the cross-entropy loss "
                r"$-\ln p_y$ (natural log), each to 3 decimals " f"({RULE}), keeping full precision in between.")
    rows = "\n".join(f"| {i + 1} | ${z:.1f}$ | {fixed(e, 4)} | {s} |"
                     for i, (z, e, s) in enumerate(zip(logits, exps, shown)))
    solution = (f"**$p = ({', '.join(shown)})$, loss $= {fixed(loss, 3)}$**\n\n"
                f"Subtract the max $m = {m:.1f}$ (same softmax, no overflow), exponentiate, divide by the sum.\n\n"
                r"| $i$ | $z_i$ | $e^{z_i - m}$ | $p_i$ |" "\n|---|---|---|---|\n" f"{rows}\n\n"
                f"$S = \\sum_i e^{{z_i - m}} = {fixed(sum(exps), 4)}$\n\n"
                f"As $p_{y} = e^{{z_{y} - m}}/S$: $-\\ln p_{y} = \\ln S - (z_{y} - m) = {fixed(ln(sum(exps)), 3)} + {fixed(exact(m) - exact(logits[label]), 1)}"
                f" = {fixed(loss, 3)}$")
    figure = Figure(draw_softmax, {"logits": logits, "probs": [value(p, 3) for p in probs], "label": label},
                    alt=f"Bar charts of the logits and of the softmax probabilities; true class {y} highlighted.",
                    size=(4.0, 3.3))
    return Problem(inputs={"logits": logits, "label": label},
                   answer={"probs": [value(p, 3) for p in probs], "loss": value(loss, 3)},
                   question=question, solution=solution, answer_figure=figure)


def draw_softmax(fig, logits: list[float], probs: list[float], label: int) -> None:
    """Logits above, probabilities below, one bar per class; the true class in the accent colour.

    Laid out by hand in pixels, without axes (an Axes costs more to set up than these bars take to
    draw): each panel has a heading, bars from a zero line, and the values written at the bar tips,
    so no y-axis is needed."""
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D

    k, fig_w, fig_h = len(logits), fig.bbox.width, fig.bbox.height
    heading, tip, below = 20.0, 19.0, 40.0  # pixels: a heading line, a value label, class numbers + axis label
    bars = sum(tip * (1 + (min(v) < 0)) for v in (logits, probs))
    height = (fig_h - 2 * heading - bars - below - 12) / 2  # the bars of each panel
    step, left = (fig_w - 12) / k, 6.0  # each class's slot, the bars 0.6 of it wide
    centres = [left + step * (i + 0.5) for i in range(k)]
    colors = [(PALETTE[1] if i == label else PALETTE[0], 0.75) for i in range(k)]
    verts, lines, top = [], [], fig_h - 3
    m = max(logits)
    top_panel = ("logits z", logits)
    if max(abs(v) for v in logits) > 20:  # bars of -98.1 and -95.3 from 0 look alike: show z - m
        top_panel = (f"z − m, with m = max z = {m:.1f}".replace("-", "\N{MINUS SIGN}"),
                     [round(v - m, 1) for v in logits])
    for name, values, texts in ((*top_panel, [f"{v:.1f}".replace("-", "\N{MINUS SIGN}") for v in top_panel[1]]),
                                ("softmax probabilities p", probs, [f"{p:.3f}" for p in probs])):
        fig.text(left / fig_w, top / fig_h, name, ha="left", va="top", fontsize=10, color=INK)
        low, high = min(0.0, *values), max(0.0, *values)
        scale = height / ((high - low) or 1.0)
        zero = top - heading - tip - high * scale
        for x, value, text in zip(centres, values, texts):
            y = zero + value * scale
            verts.append([(x - 0.3 * step, zero), (x + 0.3 * step, zero), (x + 0.3 * step, y), (x - 0.3 * step, y)])
            fig.text(x / fig_w, (y + (4 if value >= 0 else -4)) / fig_h, text, ha="center",
                     va="bottom" if value >= 0 else "top", fontsize=10, color=INK)
        lines.append(Line2D([left / fig_w, 1 - left / fig_w], [zero / fig_h] * 2, color=INK, linewidth=0.8))
        top = zero + low * scale - (tip if low < 0 else 0) - 12
    fig.add_artist(PolyCollection([[(x / fig_w, y / fig_h) for x, y in v] for v in verts], facecolors=colors * 2,
                                  edgecolors=INK, linewidths=0.8))
    for line in lines:
        fig.add_artist(line)
    for i, x in enumerate(centres):  # class numbers under the last zero line (probabilities are >= 0)
        fig.text(x / fig_w, (zero - 4) / fig_h, str(i + 1), ha="center", va="top", fontsize=10, color=INK)
    fig.text(0.5, 3 / fig_h, f"class (true class y = {label + 1})", ha="center", va="bottom", fontsize=10,
             color=INK)
