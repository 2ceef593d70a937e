"""SGD with momentum on a 1-D quadratic loss: a few steps by hand show how the velocity builds up
and overshoots the minimum where plain gradient descent would creep towards it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, short, value
from ._training import draw_quadratic_paths, linear_text, num, paren, quadratic_text, sub

TITLE = "SGD with momentum"
PLACES = 4
CURVATURES = (0.5, 1.0, 2.0)  # a in f(w) = a(w − c)²
LEARNING_RATES = (0.05, 0.1, 0.2, 0.25)
MOMENTA = (0.5, 0.8, 0.9)


def momentum_run(a: Fraction, c: Fraction, w0: Fraction, lr: Fraction, mu: Fraction,
                 steps: int) -> list[dict[str, Fraction]]:
    """The PyTorch heavy-ball recurrence on f(w) = a(w − c)², exactly: g = f'(w), v ← μv + g,
    w ← w − ηv, from v = 0; one row (g, v, w) per step. μ = 0 is plain gradient descent."""
    w, v, rows = Fraction(w0), Fraction(0), []
    for _ in range(steps):
        g = 2 * a * (w - c)
        v = mu * v + g
        w = w - lr * v
        rows.append({"g": g, "v": v, "w": w})
    return rows


def generate(rng: np.random.Generator) -> Problem:
    a = float(rng.choice(CURVATURES))
    lr = float(rng.choice([lr for lr in LEARNING_RATES if 2 * a * lr <= 1]))  # no GD divergence
    mu = float(rng.choice(MOMENTA))
    c = int(rng.integers(-3, 4))
    w0 = c + int(rng.choice([-1, 1])) * int(rng.integers(1, 5))
    steps = int(rng.integers(2, 4))
    exacts = (exact(a), Fraction(c), Fraction(w0), exact(lr))
    rows = momentum_run(*exacts, exact(mu), steps)
    plain = momentum_run(*exacts, Fraction(0), steps)

    f = quadratic_text(a, c, "w")
    grad = linear_text(2 * a, c, "w")
    question = (
        f"Minimise $f(w) = {f}$, whose gradient is $f'(w) = {grad}$, with SGD with momentum from "
        f"$w_0 = {w0}$: learning rate $\\eta = {num(lr)}$, momentum $\\mu = {num(mu)}$.\n\n"
        f"Convention (PyTorch): $g_k = f'(w_{{k-1}})$, $v_k = \\mu v_{{k-1}} + g_k$, "
        f"$w_k = w_{{k-1}} - \\eta v_k$, with $v_0 = 0$.\n\n"
        f"What is $w_{steps}$? Round to {PLACES} decimal places ({RULE}), keeping full precision in between."
    )
    table = ["| $k$ | $w_{k-1}$ | $g_k$ | $v_k$ | $w_k$ |", "|---|---|---|---|---|"]
    previous = w0
    for k, row in enumerate(rows, 1):
        table.append(f"| {k} | ${short(previous, PLACES)}$ | ${short(row['g'], PLACES)}$ | "
                     f"${short(row['v'], PLACES)}$ | ${short(row['w'], PLACES)}$ |")
        previous = row["w"]
    first = rows[0]
    solution = (
        f"**$w_{steps} = {short(rows[-1]['w'], PLACES)}$**\n\n"
        f"Step 1: $g_1 = f'({w0}) = {num(first['g'])}$, "
        f"$v_1 = {num(mu)}\\cdot 0 + {paren(num(first['g']))} = {num(first['v'])}$, "
        f"$w_1 = {w0} - {num(lr)}\\cdot {paren(num(first['v']))} = {short(first['w'], PLACES)}$. "
        f"Later steps likewise, the velocity keeps {num(mu)} of the previous one:\n\n"
        + "\n".join(table)
        + f"\n\nPlain gradient descent ($\\mu = 0$) would be at $w_{steps} = {short(plain[-1]['w'], PLACES)}$; "
        f"the minimum is $w = {c}$."
    )
    path = [w0] + [value(row["w"], PLACES) for row in rows]  # figure args: exact decimals, any CPU
    figure = Figure(
        draw_momentum,
        {"a": a, "c": c, "momentum": path, "plain": [w0] + [value(row["w"], PLACES) for row in plain]},
        f"Loss curve f(w) = {f.replace('^2', '²')} with the momentum iterates "
        + ", ".join(f"w{k} = {num(w)}" for k, w in enumerate(path))
        + " and the plain gradient-descent iterates for comparison",
    )
    return Problem(
        inputs={"a": a, "c": c, "w0": w0, "lr": lr, "mu": mu, "steps": steps},
        answer={"w": value(rows[-1]["w"], PLACES), "rows": [{k: value(x, PLACES) for k, x in row.items()} for row in rows]},
        question=question,
        solution=solution,
        answer_figure=figure,
    )


def draw_momentum(fig: Any, a: float, c: float, momentum: list[float], plain: list[float]) -> None:
    """Momentum iterates, numbered, and plain-GD iterates as larger rings drawn on top: where the two
    coincide (w₀ always, w₁ too as v₁ = g₁) the ring surrounds the dot instead of hiding under it."""
    draw_quadratic_paths(fig, a, c, "w", [
        {"ws": momentum, "colour": PALETTE[0], "name": "momentum",
         "texts": [f"w{sub(k)}" for k in range(len(momentum))]},
        {"ws": plain, "colour": PALETTE[1], "name": "plain GD", "hollow": True, "arrows": False, "size": 110,
         "zorder": 4},
    ])
