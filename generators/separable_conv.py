"""Weights and multiply-adds of a standard convolution against a depthwise-separable one (MobileNet)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

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
            return f"{n / size:.3g}{unit}"
    return str(n)


def generate(rng: np.random.Generator) -> Problem:
    if rng.random() < 0.8:  # a layer of a real network
        d_f = int(rng.choice([7, 14, 28, 56, 112]))
        m, n = (int(c) for c in rng.choice([16, 32, 64, 96, 128, 256, 512], size=2))
    else:  # a toy layer small enough to count by hand
        d_f, m, n = int(rng.integers(3, 9)), int(rng.integers(2, 9)), int(rng.integers(2, 9))
    d_k = int(rng.choice([3, 3, 3, 5, 7]))
    c = separable_costs(d_f, m, n, d_k)
    ratio = c["separable_weights"] / c["standard_weights"]

    question = (f"A convolution maps a ${d_f} \\times {d_f} \\times {m}$ feature map ($D_F = {d_f}$, $M = {m}$) to "
                f"${d_f} \\times {d_f} \\times {n}$ ($N = {n}$) with ${d_k} \\times {d_k}$ kernels ($D_K = {d_k}$), "
                "stride 1, 'same' padding.\n\n"
                "Count the weights (no biases) and the multiply-adds (every kernel tap, zero padding included) of "
                "a standard convolution and of a depthwise-separable one (depthwise $D_K \\times D_K$, then "
                "pointwise $1 \\times 1$). What is the ratio separable / standard (4 decimals)?")
    rows = "\n".join(f"| {name} | ${group(c[key + '_weights'])}$ | ${group(c[key + '_madds'])}$ |"
                     for name, key in (("standard $D_K^2 M N$", "standard"), ("depthwise $D_K^2 M$", "depthwise"),
                                       ("pointwise $M N$", "pointwise"), ("separable (sum)", "separable")))
    solution = (f"**Standard ${group(c['standard_weights'])}$ weights, ${group(c['standard_madds'])}$ mult-adds; "
                f"separable ${group(c['separable_weights'])}$ and ${group(c['separable_madds'])}$; "
                f"ratio ${ratio:.4f}$**\n\n"
                f"Each weight is used once per output position: mult-adds $=$ weights $\\times D_F^2$ "
                f"$= \\times {group(d_f * d_f)}$.\n\n"
                "| layer | weights | mult-adds |\n|---|---|---|\n" f"{rows}\n\n"
                r"$\dfrac{D_K^2 M + M N}{D_K^2 M N} = \dfrac{1}{N} + \dfrac{1}{D_K^2} = "
                f"\\dfrac{{1}}{{{n}}} + \\dfrac{{1}}{{{d_k * d_k}}} = {ratio:.4f}$")
    figure = Figure(draw_costs, {kind: [c[f"{layer}_{kind}"] for layer in ("standard", "depthwise", "pointwise")]
                                 for kind in ("weights", "madds")},
                    alt="Bars of the weights and multiply-adds of the standard layer and of the separable one, "
                        "split into depthwise and pointwise.",
                    size=(4.0, 2.6))
    return Problem(inputs={"d_f": d_f, "m": m, "n": n, "d_k": d_k},
                   answer={**{key: c[key] for key in ("standard_weights", "separable_weights",
                                                      "standard_madds", "separable_madds")},
                           "ratio": round(ratio, 4)},
                   question=question, solution=solution, answer_figure=figure)


def draw_costs(fig, weights: list[int], madds: list[int]) -> None:
    """The two layers' costs as bars, the separable one split into its depthwise and pointwise
    parts; one axis serves both counts, as mult-adds are weights times the same D_F²."""
    ax = fig.add_subplot()
    standard, depthwise, pointwise = weights
    ax.bar(0, standard, width=0.55, color=(PALETTE[0], 0.75), edgecolor=INK, linewidth=0.8)
    ax.bar(1, depthwise, width=0.55, color=(PALETTE[2], 0.75), edgecolor=INK, linewidth=0.8, label="depthwise")
    ax.bar(1, pointwise, bottom=depthwise, width=0.55, color=(PALETTE[1], 0.75), edgecolor=INK, linewidth=0.8,
           label="pointwise")
    for x, height, w, m in ((0, standard, standard, madds[0]), (1, depthwise + pointwise, depthwise + pointwise,
                                                                 madds[1] + madds[2])):
        ax.annotate(f"{compact(w)} weights\n{compact(m)} mult-adds", (x, height), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10, color=INK)
    ax.set_xticks([0, 1], ["standard", "separable"])
    ax.set_xlim(-0.6, 1.9)
    ax.set_ylim(0, standard * 1.45)
    ax.set_yticks([])
    ax.tick_params(labelsize=10)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper right", fontsize=10, frameon=False)
