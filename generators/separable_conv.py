"""Weights and multiply-adds of a standard convolution against a depthwise-separable one (MobileNet)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, fixed, sig, value

TITLE = "Depthwise-separable convolution cost"


def separable_costs(d_f: int, m: int, n: int, d_k: int) -> dict[str, int]:
    """Weights (no biases) and multiply-adds of each layer; stride 1 and 'same' padding give
    D_F² output positions, and every kernel tap counts, zero padding included."""
    positions = d_f * d_f
    weights = {"standard": d_k * d_k * m * n, "depthwise": d_k * d_k * m, "pointwise": m * n}
    costs = {f"{layer}_weights": w for layer, w in weights.items()}
    costs.update({f"{layer}_madds": w * positions for layer, w in weights.items()})
    for kind in ("weights", "madds"):
        costs[f"separable_{kind}"] = costs[f"depthwise_{kind}"] + costs[f"pointwise_{kind}"]
    return costs


def group(n: int) -> str:
    """An integer with thousands separators for LaTeX math: 1{,}179{,}648."""
    return f"{n:,}".replace(",", "{,}")


def compact(n: int) -> str:
    """3 significant digits and a unit, for bar labels: 1.18M."""
    for unit, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= size:
            text = sig(Fraction(n, size), 3)
            return f"{text.rstrip('0').rstrip('.') if '.' in text else text}{unit}"
    return str(n)


def generate(rng: np.random.Generator) -> Problem:
    if rng.random() < 0.8:  # a layer of a real network
        d_f = int(rng.choice([7, 14, 28, 56, 112]))
        m, n = (int(c) for c in rng.choice([16, 32, 64, 96, 128, 256, 512], size=2))
    else:  # a toy layer small enough to count by hand
        d_f, m, n = int(rng.integers(3, 9)), int(rng.integers(2, 9)), int(rng.integers(2, 9))
    d_k = int(rng.choice([3, 3, 3, 5, 7]))
    c = separable_costs(d_f, m, n, d_k)
    ratio = Fraction(c["separable_weights"], c["standard_weights"])

    question = (f"A convolution maps a ${d_f} \\times {d_f} \\times {m}$ feature map ($D_F = {d_f}$, $M = {m}$) to "
                f"${d_f} \\times {d_f} \\times {n}$ ($N = {n}$) with ${d_k} \\times {d_k}$ kernels ($D_K = {d_k}$), "
                "stride 1, 'same' padding.\n\n"
                "Count the weights (no biases) and the multiply-adds (every kernel tap, zero padding included) of "
                "a standard convolution and of a depthwise-separable one: a depthwise $D_K \\times D_K$ "
                "convolution (one filter per input channel) then a pointwise $1 \\times 1$ convolution "
                f"($M \\to N$ channels). What is the ratio separable / standard of the multiply-adds (4 decimals, {RULE})?")
    rows = "\n".join(f"| {name} | ${group(c[key + '_weights'])}$ | ${group(c[key + '_madds'])}$ |"
                     for name, key in (("standard $D_K^2 M N$", "standard"), ("depthwise $D_K^2 M$", "depthwise"),
                                       ("pointwise $M N$", "pointwise"), ("separable (sum)", "separable")))
    solution = (f"**Standard ${group(c['standard_weights'])}$ weights, ${group(c['standard_madds'])}$ mult-adds; "
                f"separable ${group(c['separable_weights'])}$ weights, ${group(c['separable_madds'])}$ mult-adds; "
                f"ratio ${fixed(ratio, 4)}$**\n\n"
                f"Each weight is used once per output position, so mult-adds $=$ weights $\\times D_F^2$ "
                f"$=$ weights $\\times {group(d_f * d_f)}$ (the ratio is the same for weights).\n\n"
                "| layer | weights | mult-adds |\n|---|---|---|\n" f"{rows}\n\n"
                r"$\dfrac{D_K^2 M + M N}{D_K^2 M N} = \dfrac{1}{N} + \dfrac{1}{D_K^2} = "
                f"\\dfrac{{1}}{{{n}}} + \\dfrac{{1}}{{{d_k * d_k}}} = {fixed(ratio, 4)}$")
    figure = Figure(draw_costs, {kind: [c[f"{layer}_{kind}"] for layer in ("standard", "depthwise", "pointwise")]
                                 for kind in ("weights", "madds")},
                    alt="Bars of the weights and multiply-adds of the standard layer and of the separable one, "
                        "split into depthwise and pointwise.",
                    size=(4.0, 2.4))
    return Problem(inputs={"d_f": d_f, "m": m, "n": n, "d_k": d_k},
                   answer={**{key: c[key] for key in ("standard_weights", "separable_weights",
                                                      "standard_madds", "separable_madds")},
                           "ratio": value(ratio, 4)},
                   question=question, solution=solution, answer_figure=figure)


def draw_costs(fig, weights: list[int], madds: list[int]) -> None:
    """The two layers' costs as bars, the separable one split into its depthwise and pointwise
    parts; one axis serves both counts, as mult-adds are weights times the same D_F².

    Laid out by hand in pixels, without axes (an Axes costs more to set up than three bars take to
    draw): the counts are written on the bars, so no y-axis is needed."""
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D

    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    standard, depthwise, pointwise = weights
    base, scale = 24.0, (fig_h - 24.0 - 46.0) / standard  # zero line above the bar names; 2 label lines on top
    half = 40.0  # half a bar's width, in pixels

    def box(x: float, y0: float, y1: float) -> list[tuple[float, float]]:
        return [((x - half) / fig_w, y0 / fig_h), ((x + half) / fig_w, y0 / fig_h),
                ((x + half) / fig_w, y1 / fig_h), ((x - half) / fig_w, y1 / fig_h)]

    split = base + depthwise * scale
    bars = [(box(95, base, base + standard * scale), PALETTE[0]), (box(235, base, split), PALETTE[2]),
            (box(235, split, split + pointwise * scale), PALETTE[1])]
    key_top = fig_h - 8.0  # the key of the separable bar's two parts, top right
    for row, (name, color) in enumerate((("pointwise", PALETTE[1]), ("depthwise", PALETTE[2]))):
        y = key_top - 18 * row - 6
        bars.append(([((298 + dx) / fig_w, (y + dy) / fig_h) for dx, dy in ((0, -6), (12, -6), (12, 6), (0, 6))],
                     color))
        fig.text(316 / fig_w, y / fig_h, name, ha="left", va="center", fontsize=10, color=INK)
    fig.add_artist(PolyCollection([v for v, _ in bars], facecolors=[(c, 0.75) for _, c in bars], edgecolors=INK,
                                  linewidths=0.8))
    fig.add_artist(Line2D([20 / fig_w, 310 / fig_w], [base / fig_h] * 2, color=INK, linewidth=0.8))
    for x, name, height, w, m in ((95, "standard", standard, standard, madds[0]),
                                  (235, "separable", depthwise + pointwise, depthwise + pointwise,
                                   madds[1] + madds[2])):
        fig.text(x / fig_w, (base + height * scale + 4) / fig_h, f"{compact(w)} weights\n{compact(m)} mult-adds",
                 ha="center", va="bottom", fontsize=10, color=INK)
        fig.text(x / fig_w, (base - 4) / fig_h, name, ha="center", va="top", fontsize=10, color=INK)
