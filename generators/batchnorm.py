"""BatchNorm forward for one channel, in training (batch statistics, running-statistics update with
PyTorch's momentum and unbiased variance) and in evaluation (running statistics)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, short, sqrt, value
from ._figure import FONT, Plot
from ._training import num

TITLE = "BatchNorm forward"
PLACES = 3
MOMENTUM = Fraction(1, 10)  # PyTorch's default
EPS = Fraction(1, 10**5)


def batchnorm(x: list[Fraction], gamma: Fraction, beta: Fraction, mean: Fraction, var: Fraction,
              x_eval: Fraction) -> dict[str, Any]:
    """Training output (biased batch variance), the running statistics after the step (unbiased
    variance, PyTorch's update r ← (1 − m) r + m·batch) and the evaluation output of `x_eval` with them."""
    n = len(x)
    mu = sum(x) / n
    biased = sum((v - mu) ** 2 for v in x) / n
    scale = gamma / sqrt(biased + EPS)
    running_mean = (1 - MOMENTUM) * mean + MOMENTUM * mu
    running_var = (1 - MOMENTUM) * var + MOMENTUM * biased * n / (n - 1)
    y_eval = gamma * (x_eval - running_mean) / sqrt(running_var + EPS) + beta
    return {"mu": mu, "var": biased, "y": [(v - mu) * scale + beta for v in x], "running_mean": running_mean,
            "running_var": running_var, "y_eval": y_eval}


def generate(rng: np.random.Generator) -> Problem:
    while True:
        x = [int(v) for v in rng.integers(-6, 10, size=4)]
        if len(set(x)) > 1:
            break
    gamma, beta = int(rng.integers(5, 21)) / 10, int(rng.integers(-10, 11)) / 10
    mean, var = int(rng.integers(-10, 21)) / 10, int(rng.integers(5, 40)) / 10
    x_eval = int(rng.integers(-5, 10))
    r = batchnorm([Fraction(v) for v in x], exact(gamma), exact(beta), exact(mean), exact(var), Fraction(x_eval))
    question = (
        f"A BatchNorm layer (one channel) gets the batch $x = ({', '.join(map(str, x))})$ in training mode, "
        f"with $\\gamma = {num(gamma)}$, $\\beta = {num(beta)}$, $\\epsilon = 10^{{-5}}$, momentum "
        f"${num(MOMENTUM)}$, and running statistics $\\hat\\mu = {num(mean)}$, $\\hat\\sigma^2 = {num(var)}$.\n\n"
        "1. The four outputs (normalised with the batch mean and the biased batch variance)?\n"
        "2. The running mean and variance after the step (PyTorch: $r \\leftarrow (1 - m)\\,r + m \\cdot$ batch "
        "value, the variance taken unbiased, $/(N-1)$)?\n"
        f"3. The output for $x = {x_eval}$ afterwards in evaluation mode?\n\n"
        f"Give {PLACES} decimals ({RULE})."
    )
    n = len(x)
    plus_beta = f"+ {num(beta)}" if beta >= 0 else f"- {num(-beta)}"
    solution = (
        f"**$y = ({', '.join(short(v, PLACES) for v in r['y'])})$; running $\\hat\\mu = "
        f"{short(r['running_mean'], PLACES)}$, $\\hat\\sigma^2 = {short(r['running_var'], PLACES)}$; eval "
        f"$y = {short(r['y_eval'], PLACES)}$**\n\n"
        f"- $\\mu_B = {short(r['mu'], 4)}$, $\\sigma_B^2 = {short(r['var'], 4)}$ (divide by $N = {n}$)\n"
        f"- $y_i = {num(gamma)}\\,(x_i - \\mu_B)/\\sqrt{{\\sigma_B^2 + \\epsilon}} {plus_beta}$\n"
        f"- $\\hat\\mu = {num(1 - MOMENTUM)} \\cdot {num(mean)} + {num(MOMENTUM)} \\cdot {short(r['mu'], 4)}$, "
        f"$\\hat\\sigma^2 = {num(1 - MOMENTUM)} \\cdot {num(var)} + {num(MOMENTUM)} \\cdot "
        f"{short(r['var'] * n / (n - 1), 4)}$ (unbiased: $\\sigma_B^2 \\cdot {n}/{n - 1}$)\n"
        f"- eval: ${num(gamma)}\\,({x_eval} - {short(r['running_mean'], 4)})/\\sqrt{{{short(r['running_var'], 4)} "
        f"+ \\epsilon}} {plus_beta} = {short(r['y_eval'], PLACES)}$: no batch statistics at test time"
    )
    figure = Figure(draw_batchnorm, {"x": x, "y": [value(v, PLACES) for v in r["y"]],
                                     "mu": value(r["mu"], PLACES), "beta": beta},
                    f"Number lines: the batch {', '.join(map(str, x))} with its mean, and the outputs "
                    f"{', '.join(short(v, PLACES) for v in r['y'])}", size=(4.0, 2.2))
    return Problem(
        inputs={"x": x, "gamma": gamma, "beta": beta, "running_mean": mean, "running_var": var, "x_eval": x_eval},
        answer={"y": [value(v, PLACES) for v in r["y"]], "running_mean": value(r["running_mean"], PLACES),
                "running_var": value(r["running_var"], PLACES), "y_eval": value(r["y_eval"], PLACES)},
        question=question, solution=solution, answer_figure=figure,
    )


def draw_batchnorm(fig: Any, x: list[int], y: list[float], mu: float, beta: float) -> None:
    """Two number lines, each spanning its own values: the batch with its mean μ (top) and the outputs
    with β (bottom). Normalising is an affine map, so each input sits straight above its output and
    μ above β; the lines' end values are written under them."""
    plot = Plot(fig, (70, 10, 14, 10), (-0.08, 1.08), (-0.75, 1.75))
    lo_x, hi_x, lo_y, hi_y = min(x), max(x), min(y), max(y)
    top = [(v - lo_x) / (hi_x - lo_x) for v in x]
    plot.lines([[(-0.08, level), (1.08, level)] for level in (0, 1.2)], colors=INK, linewidths=0.8)
    plot.lines([[(t, 1.2), (t, 0)] for t in top], colors="#999999", linewidths=0.8, zorder=1)
    plot.scatter(top, [1.2] * len(x), 40, color=PALETTE[0], zorder=3)
    plot.scatter(top, [0] * len(y), 40, color=PALETTE[1], zorder=3)
    centre = (mu - lo_x) / (hi_x - lo_x)
    plot.lines([[(centre, 1.05), (centre, 1.35)], [(centre, -0.15), (centre, 0.15)]], colors=INK, linewidths=2)
    left = plot.xlim[0] - 6 * plot.per_x
    below = 10 * abs(plot.per_y)
    for level, name, colour, ends, mark in ((1.2, "batch x", PALETTE[0], (lo_x, hi_x), "μ"),
                                            (0, "output y", PALETTE[1], (lo_y, hi_y), "β")):
        plot.text(left, level, name, ha="right", va="center", fontsize=FONT, color=colour)
        plot.text(centre, level + 0.15 + 2 * abs(plot.per_y), mark, ha="center", va="bottom", fontsize=FONT + 1)
        for t, v, ha in ((0, ends[0], "left"), (1, ends[1], "right")):
            plot.text(t, level - below, num(v).replace("-", "\N{MINUS SIGN}"), ha=ha, va="top", fontsize=FONT)
