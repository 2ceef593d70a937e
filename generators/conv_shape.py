"""Output shape of a 2-D convolution or pooling layer, PyTorch's floor convention."""

from __future__ import annotations

import numpy as np

from ankibuild.figures import PALETTE
from ankibuild.problem import Figure, Problem

from ._grids import (
    CAPTION_PT,
    CELL_ALPHA,
    LABEL_PT,
    PADDING,
    bracket,
    caption,
    cell_plot,
    compressed_slots,
    draw_row,
    slot_positions,
)

TITLE = "Conv and pooling output shape"

SIZES = (5, 6, 7, 9, 12, 13, 14, 15, 17, 28, 31, 32, 56, 64, 96, 112, 127, 224, 227)
CHANNELS = (1, 3, 16, 32, 48, 64, 96, 128, 256)
FULL_ROW = 26  # a padded row this long or shorter is drawn whole


def conv_out(n: int, k: int, s: int, p: int, d: int) -> int:
    """Output length along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1 (PyTorch, ceil_mode off)."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _layer(rng: np.random.Generator) -> dict[str, int | str | None]:
    """A layer as real networks use them: conv kernels 1-11 with padding up to k//2 (dilated
    only when small), max/avg pooling 2-3 with padding at most k//2 (PyTorch refuses more)."""
    kind = str(rng.choice(["conv", "conv", "conv", "max", "average"]))
    if kind == "conv":
        k = int(rng.choice([1, 3, 3, 5, 7, 11]))
        d = int(rng.choice([1, 1, 1, 2, 3])) if k in (3, 5) else 1
        c_out = int(rng.choice(CHANNELS[2:]))
    else:
        k = int(rng.choice([2, 3]))
        d, c_out = 1, None
    s = int(rng.choice([1, 2, 2, 3, 4])) if k > 1 else int(rng.choice([1, 2]))
    p = int(rng.integers(0, k // 2 + 1))
    return {"kind": kind, "k": k, "s": s, "p": p, "d": d, "c_out": c_out}


def generate(rng: np.random.Generator) -> Problem:
    while True:  # redraw the rare input too small for its kernel
        c, h = int(rng.choice(CHANNELS[:6])), int(rng.choice(SIZES))
        w = h if rng.random() < 0.5 else int(rng.choice(SIZES))
        layer = _layer(rng)
        k, s, p, d = layer["k"], layer["s"], layer["p"], layer["d"]
        h_out, w_out = conv_out(h, k, s, p, d), conv_out(w, k, s, p, d)
        if min(h_out, w_out) >= 1:
            break
    kind = layer["kind"]
    c_out = layer["c_out"] if kind == "conv" else c
    shape = [c_out, h_out, w_out]

    what = f"a convolution with {c_out} output channels" if kind == "conv" else f"{kind} pooling"
    question = (f"An input of shape $[C, H, W] = [{c}, {h}, {w}]$ goes through {what}: kernel "
                f"$k = {k}$, stride $s = {s}$, padding $p = {p}$, dilation $d = {d}$ (same on both axes).\n\n"
                "What is the output shape $[C_{out}, H_{out}, W_{out}]$? As in PyTorch, only windows that fit "
                "entirely inside the padded input count (floor rounding).")
    span = d * (k - 1)
    steps = "\n".join(
        rf"- ${axis}_{{out}} = \lfloor ({n} + {2 * p} - {span} - 1)/{s} \rfloor + 1 = "
        rf"\lfloor {n + 2 * p - span - 1}/{s} \rfloor + 1 = {out}$"
        for axis, n, out in (("H", h, h_out), ("W", w, w_out)))
    channels = (f"a conv has one channel per filter: $C_{{out}} = {c_out}$" if kind == "conv"
                else f"pooling works per channel: $C_{{out}} = C = {c}$")
    solution = (f"**$[{c_out}, {h_out}, {w_out}]$**\n\n"
                r"$n_{out} = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$, with $d(k-1) = " f"{span}$:\n\n"
                f"{steps}\n- {channels}.")
    figure = Figure(draw_windows, {"n": w, "k": k, "s": s, "p": p, "d": d, "out": w_out},
                    alt=f"One input row of width {w}, padded by {p} on each side, with the first and "
                        f"the last of its {w_out} kernel windows.",
                    size=(4.0, 1.4))
    return Problem(inputs={"c": c, "h": h, "w": w, **layer}, answer={"shape": shape},
                   question=question, solution=solution, answer_figure=figure)


def draw_windows(fig, n: int, k: int, s: int, p: int, d: int, out: int) -> None:
    """One padded row, the first window's taps above it and the last window's below; cells right of
    the last window are the ones the floor drops."""
    total, span, last = n + 2 * p, d * (k - 1), (out - 1) * s
    shown = range(total) if total <= FULL_ROW else (
        {*range(max(span, s, p) + 1), *range(min(last, total - p - 1), total), p, p + n - 1})
    slots = compressed_slots(shown)
    x = slot_positions(slots)
    plot = cell_plot(fig, len(slots), -0.35, 1.35, f"W = {n}, k = {k}, s = {s}, p = {p}, d = {d}",
                   above=LABEL_PT, below=CAPTION_PT)
    dropped = range(last + span + 1, total)
    style = {i: PADDING for i in (*range(p), *range(p + n, total))}
    style.update({i: {"facecolor": ("#888888", 0.5)} for i in dropped})
    draw_row(plot, slots, 0.0, style, {"facecolor": (PALETTE[0], CELL_ALPHA)})
    windows = [(0, 1.35, 0.3, PALETTE[1], "window 1" if out > 1 else "window 1, the only one")]
    if out > 1:
        windows.append((last, -0.35, -0.3, PALETTE[2], f"window {out}, the last"))
    for start, y, depth, color, label in windows:
        taps = [x[start + j * d] + 0.5 for j in range(k)]
        bracket(plot, taps[0] - 0.35, taps[-1] + 0.35, y, depth, color, label, len(slots), ticks=taps)
    legend = (["hatched: padding"] if p else []) + (["grey: dropped by the floor"] if len(dropped) else [])
    caption(plot, len(slots) / 2, -0.35, legend)
