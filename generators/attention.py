"""Scaled dot-product attention on two or three tokens, by hand: scores QKᵀ/√d, a softmax per
query row, the weighted sum of the values; in the causal (masked) variant a token sees no later ones."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exp, fixed, short, value
from ._figure import FONT, Plot

TITLE = "Scaled dot-product attention"
D = 4  # key dimension: √d = 2 keeps the scores exact
PLACES = 3


def attention_row(q: list[int], keys: list[list[int]], values: list[list[int]], visible: int) -> dict[str, Any]:
    """One query's scores q·k/√d over the first `visible` keys (the rest masked), softmax weights
    (masked ones 0) and output Σ w·v, exact but for e."""
    scores = [Fraction(sum(a * b for a, b in zip(q, k)), 2) for k in keys[:visible]]
    top = max(scores)
    exps = [exp(s - top) for s in scores]
    weights = [e / sum(exps) for e in exps] + [Fraction(0)] * (len(keys) - visible)
    output = [sum(w * v[c] for w, v in zip(weights, values)) for c in range(len(values[0]))]
    return {"scores": scores, "weights": weights, "output": output}


def _matrix(rows: list[list[int]]) -> str:
    return "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(str(v) for v in row) for row in rows) + "\\end{pmatrix}"


def generate(rng: np.random.Generator) -> Problem:
    n = int(rng.choice([2, 3]))
    masked = n == 3 and rng.random() < 0.4
    q, k = (rng.integers(-2, 3, size=(n, D)).tolist() for _ in range(2))
    v = rng.integers(-3, 4, size=(n, 2)).tolist()
    row = 1 if masked else int(rng.integers(n))  # 0-based: the query asked about
    visible = [i + 1 if masked else n for i in range(n)]
    rows = [attention_row(q[i], k, v, visible[i]) for i in range(n)]
    asked = rows[row]
    mask = ("Causal mask: token $i$ attends only to tokens $1..i$ (later scores are set to $-\\infty$). "
            if masked else "")
    question = (
        f"Self-attention over {n} tokens, one row per token, key dimension $d = {D}$:\n\n"
        f"$Q = {_matrix(q)}$, $K = {_matrix(k)}$, $V = {_matrix(v)}$\n\n"
        f"{mask}For token {row + 1}, compute the scores $q \\cdot k_j/\\sqrt{{d}}$, the attention weights "
        f"(softmax over $j$) and the output $\\sum_j w_j v_j$, to {PLACES} decimals ({RULE})."
    )
    seen = visible[row]
    dots = ", ".join(f"$q_{row + 1} \\cdot k_{j + 1} = {2 * s}$" for j, s in enumerate(asked["scores"]))
    solution = (
        f"**weights $({', '.join(fixed(w, PLACES) for w in asked['weights'])})$, output "
        f"$({', '.join(fixed(o, PLACES) for o in asked['output'])})$**\n\n"
        f"- {dots}; divided by $\\sqrt{{{D}}} = 2$: scores "
        f"$({', '.join(short(s, 1) for s in asked['scores'])})$"
        + (f"; tokens after {row + 1} are masked (weight 0)" if seen < n else "") + "\n"
        f"- softmax: $w_j = e^{{s_j}} / \\sum_i e^{{s_i}}$ over the {seen} visible scores\n"
        f"- output: $\\sum_j w_j v_j$, each of the 2 columns of $V$ weighted by $w$"
    )
    figure = Figure(draw_weights, {"weights": [[value(w, 2) for w in r["weights"]] for r in rows],
                                   "visible": visible, "row": row},
                    f"Attention weight matrix, query tokens as rows: "
                    + "; ".join(", ".join(fixed(w, 2) for w in r["weights"]) for r in rows)
                    + (", masked cells hatched" if masked else ""), size=(4.0, 2.2 + 0.5 * n))
    return Problem(
        inputs={"q": q, "k": k, "v": v, "masked": masked, "token": row + 1},
        answer={"weights": [value(w, PLACES) for w in asked["weights"]],
                "output": [value(o, PLACES) for o in asked["output"]]},
        question=question, solution=solution, answer_figure=figure,
    )


def draw_weights(fig: Any, weights: list[list[float]], visible: list[int], row: int) -> None:
    """The n × n weights (2 decimals) shaded by size, masked cells hatched, the asked row outlined."""
    from matplotlib.colors import to_rgba

    n = len(weights)
    plot = Plot(fig, (90, 10, 90, 44), (0, n), (n, 0))  # row 0 at the top
    cells = [[(j, i), (j + 1, i), (j + 1, i + 1), (j, i + 1)] for i in range(n) for j in range(n)]
    faces = [to_rgba(PALETTE[0], 0.1 + 0.6 * weights[i][j]) if j < visible[i] else "none"
             for i in range(n) for j in range(n)]
    plot.polygons(cells, facecolors=faces, edgecolors=INK, linewidths=0.8)
    masked = [[(j, i), (j + 1, i), (j + 1, i + 1), (j, i + 1)] for i in range(n) for j in range(visible[i], n)]
    if masked:
        plot.polygons(masked, facecolors="none", edgecolors="#666666", linewidths=0.8, hatch="///")
    plot.lines([[(0, row), (n, row), (n, row + 1), (0, row + 1), (0, row)]], colors=PALETTE[1], linewidths=2.5)
    for i in range(n):
        plot.text(-6 * plot.per_x, i + 0.5, f"query {i + 1}", ha="right", va="center", fontsize=FONT,
                  color=PALETTE[1] if i == row else INK)
        plot.text(i + 0.5, -4 * abs(plot.per_y), f"key {i + 1}", ha="center", va="bottom", fontsize=FONT)
        for j in range(visible[i]):
            plot.text(j + 0.5, i + 0.5, f"{weights[i][j]:.2f}", ha="center", va="center", fontsize=FONT + 1)
