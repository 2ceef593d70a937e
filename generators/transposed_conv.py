"""Output size of a transposed convolution (ConvTranspose2d), and why: kernels stamped s cells apart."""

from __future__ import annotations

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._training import paren
from ._grids import (
    CAPTION_PT,
    CELL_ALPHA,
    PADDING,
    bracket,
    caption,
    cell_plot,
    cells,
    compressed_slots,
    draw_row,
    slot_positions,
)

TITLE = "Transposed convolution output size"

SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 10, 14, 16, 28, 32)
FULL_ROW = 24  # a stamped row this long or shorter is drawn whole


def transposed_out(n: int, k: int, s: int, p: int, o: int, d: int) -> int:
    """Output length along one axis: (n - 1)s - 2p + d(k - 1) + o + 1 (PyTorch's ConvTranspose)."""
    return (n - 1) * s - 2 * p + d * (k - 1) + o + 1


def _layer(rng: np.random.Generator) -> dict[str, int]:
    """Usually an upsampling layer of a decoder (stride 2), sometimes an odd one; PyTorch requires
    output_padding < stride or < dilation."""
    k = int(rng.choice([2, 3, 3, 4, 4, 5]))
    s = int(rng.choice([1, 2, 2, 2, 3]))
    d = int(rng.choice([1, 1, 1, 1, 2]))
    p = int(rng.integers(0, k // 2 + 1))
    o = int(rng.integers(0, max(s, d))) if rng.random() < 0.5 else 0
    return {"k": k, "s": s, "p": p, "o": o, "d": d}


def generate(rng: np.random.Generator) -> Problem:
    while True:  # redraw the rare layer whose padding eats the whole output
        h = int(rng.choice(SIZES))
        w = h if rng.random() < 0.6 else int(rng.choice(SIZES))
        layer = _layer(rng)
        h_out, w_out = (transposed_out(n, **layer) for n in (h, w))
        if min(h_out, w_out) >= 1:
            break
    k, s, p, o, d = (layer[key] for key in "kspod")

    question = (f"A transposed convolution (PyTorch `ConvTranspose2d`) with kernel $k = {k}$, stride $s = {s}$, "
                f"padding $p = {p}$, output padding $o = {o}$ and dilation $d = {d}$ (same on both axes) "
                f"takes an input of height × width ${h} \\times {w}$.\n\n"
                r"What is the output size $H_{out} \times W_{out}$?")
    steps = "\n".join(rf"- ${axis}_{{out}} = ({n} - 1) \cdot {s} - 2 \cdot {p} + {d} \cdot ({k} - 1) + {o} + 1 = {out}$"
                      for axis, n, out in (("H", h, h_out), ("W", w, w_out)))
    inverse = (f"Check: a `Conv2d` with the same $k, s, p, d$ maps ${h_out}$ back to ${h}$ (as $o < s$)."
               if o < s else f"Here $o \\ge s$ (allowed as $o < d$), so a `Conv2d` would not map ${h_out}$ back to ${h}$.")
    stamped = (w - 1) * s + d * (k - 1) + 1
    crop = (f"Along $W$: the stamps cover ${stamped}$ cells; $p = {p}$ is cropped at the start and "
            f"$p - o = {p - o}$ at the end" + (f" (negative: {o - p} cell{'s' if o - p > 1 else ''} added)" if o > p else "")
            + f": ${stamped} - {p} - {paren(str(p - o))} = {w_out}$.\n\n") if o else ""
    solution = (f"**${h_out} \\times {w_out}$**\n\n"
                f"Each input cell stamps a kernel of span $d(k-1)+1 = {d * (k - 1) + 1}$, $s$ cells after the previous one; "
                "padding crops $p$ cells from each end, output padding adds $o$ at the end:\n\n"
                r"$n_{out} = (n-1)s - 2p + d(k-1) + o + 1$" "\n\n"
                f"{steps}\n\n{crop}{inverse}")
    figure = Figure(draw_stamps, {"n": w, **layer, "out": w_out},
                    alt=f"One input row of {w} cells stamping kernel copies {s} apart into an output row; "
                        f"{p} cells cropped at each end, {o} added: {w_out} cells.",
                    size=(4.0, 1.8))
    return Problem(inputs={"h": h, "w": w, **layer}, answer={"size": [h_out, w_out]},
                   question=question, solution=solution, answer_figure=figure)


def draw_stamps(fig, n: int, k: int, s: int, p: int, o: int, d: int, out: int) -> None:
    """Input cells on top, the stamped row below with a line per kernel tap; hatched cells are
    cropped by the padding, dashed ones are added by the output padding."""
    span = d * (k - 1)
    stamped = (n - 1) * s + span + 1
    length = max(stamped, p + out)  # output padding beyond the stamped row adds zero cells
    if length <= FULL_ROW:
        inputs, shown = list(range(n)), range(length)
    else:  # the first inputs that fit in ~10 cells, and the last one
        first = max(1, min(n - 1, (10 - span) // s + 1))
        inputs = [*range(first), n - 1]
        shown = {*range((first - 1) * s + span + 1), *range(min((n - 1) * s, p + out - 1), length)}
    slots = compressed_slots(shown)
    x = slot_positions(slots)
    plot = cell_plot(fig, len(slots), -0.3, 3.8, f"W = {n}, k = {k}, s = {s}, p = {p}, o = {o}, d = {d}",
                   below=CAPTION_PT)
    style = {i: PADDING for i in (*range(p), *range(p + out, length))}
    style.update({i: {"linestyle": "--", "facecolor": "none"} for i in range(stamped, p + out)})
    draw_row(plot, slots, 0.0, style, {"facecolor": (PALETTE[0], CELL_ALPHA)})


    y_in, corners, fills, lines, colors = 2.8, [], [], [], []
    centres = {}
    for rank, i in enumerate(inputs):  # each input cell, and a line to every cell its kernel copy stamps
        color = PALETTE[rank % 6]
        taps = [x[i * s + j * d] + 0.5 for j in range(k)]
        centres[i] = sum(taps) / k
        corners.append((centres[i] - 0.5, y_in))
        fills.append((color, 0.45))
        lines += [[(centres[i], y_in), (tap, 1.0)] for tap in taps]
        colors += [color] * k
    plot.lines(lines, colors=colors, linewidths=1.0)
    cells(plot, corners, facecolor=fills)
    if len(inputs) < n:
        plot.text((centres[inputs[-2]] + centres[n - 1]) / 2, y_in + 0.5, "⋯", ha="center", va="center",
                fontsize=11, color=INK)
    bracket(plot, x[p] + 0.05, x[p + out - 1] + 0.95, -0.3, -0.25, INK, f"W_out = {out}", len(slots))
    if 0 < p < o:  # the right crop undone, and more
        undo = ["right: o undoes it, adds dashed"]
    elif o and p:
        undo = [f"o puts back {o} at the right"]
    else:
        undo = ["dashed: added by o"] if p + out > stamped else []
    legend = (["hatched: cropped by p"] if p else []) + undo
    caption(plot, len(slots) / 2, -0.3, legend)
