"""Receptive field of a stack of convolution and pooling layers: how many input pixels one unit of
the last layer sees, and how far apart in the input its neighbours are (the jump)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._figure import FONT, Plot

TITLE = "Receptive field"


def receptive_field(layers: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(receptive field, jump) after each layer, from (1, 1) at the input: a layer adds (k − 1)·d
    steps of the current jump to the field, and multiplies the jump by its stride."""
    r, j, out = 1, 1, []
    for layer in layers:
        r += (layer["k"] - 1) * layer["d"] * j
        j *= layer["s"]
        out.append((r, j))
    return out


def _layer(rng: np.random.Generator) -> dict[str, Any]:
    if rng.random() < 0.7:
        k = int(rng.choice([1, 3, 3, 3, 5, 7]))
        d = int(rng.choice([1, 1, 2, 3])) if k == 3 else 1
        return {"kind": "conv", "k": k, "s": int(rng.choice([1, 1, 2])), "d": d}
    k = int(rng.choice([2, 3]))
    return {"kind": str(rng.choice(["max pool", "avg pool"])), "k": k, "s": 2, "d": 1}


def name(layer: dict[str, Any]) -> str:
    dilation = f", d{layer['d']}" if layer["d"] > 1 else ""
    return f"{layer['kind']} {layer['k']}×{layer['k']}, s{layer['s']}{dilation}"


def generate(rng: np.random.Generator) -> Problem:
    layers = [_layer(rng) for _ in range(int(rng.integers(3, 6)))]
    steps = receptive_field(layers)
    r, j = steps[-1]
    listing = "\n".join(f"{i}. {name(layer)}" for i, layer in enumerate(layers, 1))
    question = (
        f"A stack of layers, input first (k kernel, s stride, d dilation):\n\n{listing}\n\n"
        "What is the receptive field of one unit of the last layer (input pixels along one axis, padding "
        "ignored), and its jump (the distance in input pixels between neighbouring units of the last layer)?"
    )
    rows = ["| layer | $k$ | $s$ | $d$ | $r = r + (k-1)\\,d\\,j$ | $j = j\\,s$ |", "|---|---|---|---|---|---|",
            "| input | | | | 1 | 1 |"]
    previous = 1, 1
    for i, (layer, (ri, ji)) in enumerate(zip(layers, steps), 1):
        rows.append(f"| {i} | {layer['k']} | {layer['s']} | {layer['d']} | "
                    f"${previous[0]} + {layer['k'] - 1} \\cdot {layer['d']} \\cdot {previous[1]} = {ri}$ | {ji} |")
        previous = ri, ji
    solution = (f"**Receptive field {r} pixels, jump {j}**\n\n"
                "Each layer widens the field by $k - 1$ taps, $d$ units of its input apart, and a unit of its "
                "input is $j$ input pixels wide (the product of the strides so far):\n\n" + "\n".join(rows))
    figure = Figure(draw_fields, {"names": ["input"] + [name(layer) for layer in layers],
                                  "fields": [1] + [ri for ri, _ in steps]},
                    f"One bar per layer, input at the bottom, as wide as the receptive field of one unit: "
                    f"{', '.join(str(ri) for ri, _ in steps)} pixels", size=(4.0, 0.9 + 0.34 * len(layers)))
    return Problem(inputs={"layers": layers}, answer={"receptive_field": r, "jump": j, "fields": [ri for ri, _ in steps]},
                   question=question, solution=solution, answer_figure=figure)


def draw_fields(fig: Any, names: list[str], fields: list[int]) -> None:
    """The input pixels one unit of each layer sees, as a bar centred on the same input pixel:
    the field grows up the stack. Layer names on the left, field sizes on the right."""
    widest = max(fields)
    plot = Plot(fig, (150, 8, 36, 8), (-widest / 2 - 0.5, widest / 2 + 0.5), (-0.5, len(fields) - 0.5))
    plot.polygons([[(-r / 2, i - 0.3), (r / 2, i - 0.3), (r / 2, i + 0.3), (-r / 2, i + 0.3)]
                   for i, r in enumerate(fields)],
                  facecolors=[PALETTE[0] if i else PALETTE[2] for i in range(len(fields))], edgecolors=INK,
                  linewidths=0.8, alpha=0.6)
    left, right = plot.xlim
    for i, (text, r) in enumerate(zip(names, fields)):
        plot.text(left - 6 * plot.per_x, i, text, ha="right", va="center", fontsize=FONT)
        plot.text(right + 6 * plot.per_x, i, str(r), ha="left", va="center", fontsize=FONT + 1)
