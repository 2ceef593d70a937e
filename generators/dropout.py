"""Inverted dropout: what a layer outputs in training for a given mask, what it outputs on average,
and why nothing is rescaled at test time (unlike the original paper's dropout)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, short, value
from ._training import draw_bars, num, sub

TITLE = "Dropout scaling"
PLACES = 3
DROP = (0.1, 0.2, 0.25, 0.4, 0.5)


def inverted_dropout(x: list[Fraction], mask: list[int], p: Fraction) -> list[Fraction]:
    """Training output: kept units (mask 1) divided by the keep probability 1 − p, dropped ones 0."""
    return [xi * m / (1 - p) for xi, m in zip(x, mask)]


def generate(rng: np.random.Generator) -> Problem:
    n = int(rng.integers(4, 7))
    p = float(rng.choice(DROP))
    x = [int(v) / 10 for v in rng.integers(1, 40, size=n)]
    while True:
        mask = [int(v) for v in rng.random(n) >= p]
        if 0 < sum(mask) < n:
            break
    ex, px = [exact(v) for v in x], exact(p)
    train = inverted_dropout(ex, mask, px)
    classic = [(1 - px) * v for v in ex]
    names = [f"x{sub(i)}" for i in range(1, n + 1)]
    question = (
        f"A layer's activations are $x = ({', '.join(num(v) for v in x)})$. It applies **inverted dropout** "
        f"with drop probability $p = {num(p)}$, and this step's mask keeps units "
        f"{', '.join(str(i) for i, m in enumerate(mask, 1) if m)} and drops the others.\n\n"
        "1. The layer's outputs in this training step?\n"
        "2. The expected value of the sum of the outputs in training, over all masks?\n"
        "3. The outputs at test time, and what they would be with the original (non-inverted) dropout, which "
        "does not scale in training?\n\n"
        f"Give {PLACES} decimals ({RULE})."
    )
    scale = 1 / (1 - px)
    solution = (
        f"**Training: $({', '.join(short(v, PLACES) for v in train)})$; expected sum ${short(sum(ex), PLACES)}$; "
        f"test: $x$ itself (original dropout: $({', '.join(short(v, PLACES) for v in classic)})$)**\n\n"
        f"- Kept units are divided by the keep probability $1 - p = {num(1 - px)}$, i.e. multiplied by "
        f"${short(scale, 4)}$; dropped units output 0.\n"
        f"- Each output is $x_i / (1-p)$ with probability $1 - p$ and 0 otherwise, so its expected value is "
        f"$x_i$: the expected sum is $\\sum x_i = {short(sum(ex), PLACES)}$.\n"
        "- As training already keeps the expected activation equal to $x$, the test pass uses every unit "
        f"unscaled. The original dropout does not scale in training, so at test it multiplies by "
        f"$1 - p = {num(1 - px)}$ instead."
    )
    figure = Figure(draw_dropout, {"x": x, "train": [value(v, PLACES) for v in train], "mask": mask},
                    f"Bars of the activations {', '.join(num(v) for v in x)} and of the training outputs; "
                    f"dropped units {', '.join(str(i) for i, m in enumerate(mask, 1) if not m)} marked with a cross",
                    size=(4.0, 2.6))
    return Problem(
        inputs={"x": x, "p": p, "mask": mask},
        answer={"train": [value(v, PLACES) for v in train], "expected_sum": value(sum(ex), PLACES),
                "test": x, "classic_test": [value(v, PLACES) for v in classic]},
        question=question, solution=solution, answer_figure=figure,
    )


def draw_dropout(fig: Any, x: list[float], train: list[float], mask: list[int]) -> None:
    """Each unit's activation (hollow) beside its training output (filled); dropped units crossed."""
    draw_bars(fig, [f"x{sub(i)}" for i in range(1, len(x) + 1)],
              [{"name": "activation x", "values": x, "colour": PALETTE[0], "hollow": True},
               {"name": "training output", "values": train, "colour": PALETTE[1]}],
              marks=["" if m else "×" for m in mask])
