"""Shared by the training-practice families (Adam, momentum, k-means, confusion matrix): numbers
written as a person types them, and figure helpers (a `Plot` drawn straight
on the figure with no Axes and no layout engine, non-overlapping point labels, a 1-D quadratic loss
with iterates). matplotlib is imported only inside the draw helpers."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

from ankibuild.figures import INK

from ._figure import FONT, Plot, label_points
from ._numbers import Number, exact, fixed, short



def num(x: Number | float) -> str:
    """`x` exactly, without trailing zeros, as typed on a card: 2.0 → '2', 0.25 → '0.25'; a power of
    ten below 1e-4 becomes LaTeX ('10^{-8}', for use inside math). For inputs, which are short
    decimals: a computed value is shown with `short` or `sig` instead."""
    x = exact(x) if isinstance(x, float) else Fraction(x)
    if x != 0 and abs(x) < Fraction(1, 10**4):
        exponent = round(math.log10(abs(x)))
        if abs(x) == Fraction(10) ** exponent:
            return f"{'-' if x < 0 else ''}10^{{{exponent}}}"
    return short(x, 12)


def sub(n: int) -> str:
    """`n` in Unicode subscript digits: 'θ₂' in a figure needs no mathtext parser."""
    return str(n).translate(_SUBSCRIPTS)


_SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


def paren(text: str) -> str:
    """A number ready to follow a `\\cdot`: negative numbers in parentheses."""
    return f"({text})" if text.startswith("-") else text


def quadratic_text(a: float, c: float, var: str) -> str:
    """LaTeX for a·(var − c)², written the way a person would ('(w + 2)^2', no '1\\cdot')."""
    coefficient = "" if a == 1 else num(a)
    return f"{coefficient}{var}^2" if c == 0 else f"{coefficient}{_shifted(var, c, True)}^2"


def linear_text(k: float, c: float, var: str) -> str:
    """LaTeX for k·(var − c), the derivative of a quadratic_text."""
    coefficient = "" if k == 1 else num(k)
    return f"{coefficient}{var}" if c == 0 else f"{coefficient}{_shifted(var, c, bool(coefficient))}"


def _shifted(var: str, c: float, brackets: bool) -> str:
    inner = f"{var} - {num(c)}" if c > 0 else f"{var} + {num(-c)}"
    return f"({inner})" if brackets else inner


def tick_values(lo: float, hi: float, most: int = 5) -> list[float]:
    """At most `most` round tick positions inside [lo, hi]."""
    from matplotlib.ticker import MaxNLocator

    return [float(t) for t in MaxNLocator(most).tick_values(lo, hi) if lo <= t <= hi]


def tick_texts(values: Sequence[float]) -> list[str]:
    """Tick labels with the fewest decimals that show every value exactly, a true minus sign."""
    places = next((p for p in range(5) if all(abs(round(v, p) - v) < 1e-9 for v in values)), 4)
    return [fixed(exact(v), places).replace("-", "\N{MINUS SIGN}") for v in values]


def frame(plot: Plot, xticks: Sequence[float], xlabel: str, ylabel: str, italic: bool = False) -> None:
    """Left and bottom axis lines, x ticks with labels and light vertical grid lines, and the two
    axis labels: two line collections and a few texts."""
    (x0, x1), (y0, y1) = plot.xlim, plot.ylim
    tick = 4 * plot.per_y
    plot.lines([[(x, y0), (x, y1)] for x in xticks], colors="#999999", linewidths=0.6, alpha=0.5, zorder=0)
    plot.lines([[(x0, y1), (x0, y0), (x1, y0)]] + [[(x, y0 - tick), (x, y0)] for x in xticks],
               colors=INK, linewidths=0.8, zorder=1.5)
    for x, text in zip(xticks, tick_texts(xticks)):
        plot.text(x, y0 - tick - 3 * plot.per_y, text, ha="center", va="top", fontsize=FONT + 1)
    plot.text((x0 + x1) / 2, y0 - tick - 21 * plot.per_y, xlabel, ha="center", va="top", fontsize=FONT + 1,
              fontstyle="italic" if italic else "normal")
    plot.text(x0 - 5 * plot.per_x, (y0 + y1) / 2, ylabel, ha="right", va="center", rotation=90, fontsize=FONT + 1)


def draw_quadratic_paths(fig: Any, a: float, c: float, var: str, paths: list[dict[str, Any]],
                         title: str | None = None, window: tuple[float, float] | None = None) -> None:
    """The loss a·(var − c)² with iterates on it: each path is {"ws", "colour", "name", "texts",
    "hollow", "arrows", "size" (pt², default 36), "zorder"}; consecutive iterates are joined by arrows unless arrows is False; named
    paths are keyed above the axes, where `title` also goes. The x-range spans the iterates and
    the minimum c, or `window` when given. The loss axis has no numbers: only the shape matters."""
    import numpy as np

    named = [path for path in paths if path.get("name")]
    if window is None:
        ws = [w for path in paths for w in path["ws"]] + [c]
        pad = max(0.12 * (max(ws) - min(ws)), 0.3)
        window = (min(ws) - pad, max(ws) + pad)
    xs = np.linspace(*window, 100)
    ys = a * (xs - c) ** 2
    spread = ys.max() - ys.min()
    plot = Plot(fig, (30, 48, 26, 30 if named or title else 10), window,
                (ys.min() - 0.08 * spread, ys.max() + 0.18 * spread))
    frame(plot, tick_values(*window), var, "loss", italic=True)
    plot.curve(xs, ys, color=INK, linewidth=1.6, zorder=1)
    labelled, texts = [], []
    for path in paths:
        pw = path["ws"]
        py = [a * (w - c) ** 2 for w in pw]
        face = "none" if path.get("hollow") else path["colour"]
        plot.scatter(pw, py, path.get("size", 36), facecolors=face, edgecolors=path["colour"], linewidths=1.5,
                     zorder=path.get("zorder", 3))
        for (x0, y0, x1, y1) in zip(pw, py, pw[1:], py[1:]) if path.get("arrows", True) else ():
            plot.arrow((x0, y0), (x1, y1), path["colour"], 1.2, 4, 4)
        for w, y, text in zip(pw, py, path.get("texts") or []):
            labelled.append((w, y))
            texts.append((text, path["colour"]))
    for k, path in enumerate(named):  # a key above the axes: the curve fills the inside
        mark = "\N{WHITE CIRCLE}" if path.get("hollow") else "\N{BLACK CIRCLE}"
        fig.text((k + 0.5) / len(named), 1 - 8 / (fig.get_size_inches()[1] * fig.dpi), f"{mark} {path['name']}",
                 ha="center", va="top", fontsize=FONT + 1, color=path["colour"])
    if title:
        fig.text(0.5, 1 - 8 / (fig.get_size_inches()[1] * fig.dpi), title, ha="center", va="top", fontsize=FONT + 1)
    label_points(plot, labelled, [t for t, _ in texts], obstacles=list(zip(xs[::3], ys[::3])),
                 colours=[colour for _, colour in texts], size=FONT + 1)


def draw_bars(fig: Any, names: Sequence[str], series: Sequence[dict[str, Any]], marks: Sequence[str] = ()) -> None:
    """Grouped bars, one group per name: each series is {"name", "values", "colour", "hollow"}; a key
    of the series above the plot and, under each group, its name and its `marks` entry (e.g. '×').
    No value axis: the card gives the numbers, the bars show their sizes and signs."""
    values = [v for s in series for v in s["values"]]
    low, high = min(0.0, *values), max(0.0, *values)
    pad = 0.08 * ((high - low) or 1.0)
    k = len(series)
    plot = Plot(fig, (8, 40 if marks else 26, 8, 30), (-0.5, len(names) - 0.5), (low - pad, high + pad))
    width = 0.8 / k
    boxes, faces, edges = [], [], []
    for s_index, s in enumerate(series):
        for i, v in enumerate(s["values"]):
            x0 = i - 0.4 + s_index * width
            boxes.append([(x0, 0), (x0 + width * 0.9, 0), (x0 + width * 0.9, v), (x0, v)])
            faces.append("none" if s.get("hollow") else s["colour"])
            edges.append(s["colour"])
    plot.polygons(boxes, facecolors=faces, edgecolors=edges, linewidths=1.4, alpha=0.9)
    plot.lines([[(-0.5, 0), (len(names) - 0.5, 0)]], colors=INK, linewidths=0.8)
    y0 = low - pad
    for i, name in enumerate(names):
        plot.text(i, y0 - 4 * plot.per_y, name, ha="center", va="top", fontsize=FONT + 1)
        if marks and marks[i]:
            plot.text(i, y0 - 20 * plot.per_y, marks[i], ha="center", va="top", fontsize=FONT + 1)
    height = fig.get_size_inches()[1] * fig.dpi
    for s_index, s in enumerate(series):
        mark = "\N{WHITE SQUARE}" if s.get("hollow") else "\N{BLACK SQUARE}"
        fig.text((s_index + 0.5) / k, 1 - 8 / height, f"{mark} {s['name']}", ha="center", va="top",
                 fontsize=FONT + 1, color=s["colour"])
