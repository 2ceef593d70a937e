"""Shared by the training-practice families (Adam, momentum, k-means, confusion matrix): number
formatting that matches the rounding stated on the cards, and figure helpers (non-overlapping point
labels, a 1-D quadratic loss with iterates). matplotlib is imported only inside the draw helpers."""

from __future__ import annotations

import math
from typing import Any, Sequence

from ankibuild.figures import INK

FONT = 10  # pt: the smallest size readable on a phone
PX_PER_PT = 100 / 72  # figures are rendered at 100 dpi


def dec(x: float, places: int) -> str:
    """`x` rounded to `places` decimals; never '-0.000', which would read as a sign mistake."""
    text = f"{x:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def sig(x: float, figures: int = 4) -> str:
    """`x` to `figures` significant figures in plain decimal notation (no e-notation on a card)."""
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{figures - 1}e}".split("e")
    return dec(float(f"{mantissa}e{exponent}"), max(figures - 1 - int(exponent), 0))


def num(x: float, places: int = 10) -> str:
    """`x` rounded to `places` decimals without trailing zeros, as typed on a card: 2.0 → '2',
    0.25 → '0.25'; a power of ten below 1e-4 becomes LaTeX ('10^{-8}', for use inside math)."""
    if x != 0 and abs(x) < 1e-4:
        exponent = round(math.log10(abs(x)))
        if math.isclose(abs(x), 10.0 ** exponent):
            return f"{'-' if x < 0 else ''}10^{{{exponent}}}"
    text = dec(x, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def paren(text: str) -> str:
    """A number ready to follow a `\\cdot`: negative numbers in parentheses."""
    return f"({text})" if text.startswith("-") else text


def place_labels(ax: Any, points: Sequence[tuple[float, float]], texts: Sequence[str],
                 obstacles: Sequence[tuple[float, float]] = (), colours: Sequence[str] | None = None,
                 margins: tuple[float, float, float, float] = (62, 48, 12, 12), size: int = FONT) -> None:
    """Label each point (data coordinates) where its text overlaps no other label, marker or obstacle.

    Greedy over eight offsets around the point (above first), in pixels; a label that fits nowhere takes the
    offset with the least overlap. Running the layout engine to learn the axes' pixel box would
    double the drawing time, so the box is the figure less the usual `margins` (left, bottom,
    right, top, in pixels) that constrained layout leaves for ticks, axis labels and a legend."""
    fig = ax.get_figure()
    width_px, height_px = fig.get_size_inches() * fig.dpi
    box = (margins[0], margins[1], width_px - margins[2], height_px - margins[3])
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()

    def to_px(p: tuple[float, float]) -> tuple[float, float]:
        return (box[0] + (p[0] - x0) / (x1 - x0) * (box[2] - box[0]),
                box[1] + (p[1] - y0) / (y1 - y0) * (box[3] - box[1]))

    anchors = [to_px(p) for p in points]
    blocked = [(x - 5, y - 5, x + 5, y + 5) for x, y in anchors + [to_px(o) for o in obstacles]]
    height = size * PX_PER_PT * 1.15
    gap = 7  # beyond the 5 px marker plus the 2 px slack
    for (x, y), text, point, colour in zip(anchors, texts, points, colours or [INK] * len(texts)):
        width = _text_width(text, size)
        best, best_cost = None, math.inf
        for dx, dy, ha, va in _OFFSETS:
            left = x + dx * gap - (width / 2 if ha == "center" else width if ha == "right" else 0)
            bottom = y + dy * gap - (height / 2 if va == "center" else height if va == "top" else 0)
            rect = (left - 2, bottom - 2, left + width + 2, bottom + height + 2)  # 2 px slack for the estimates
            cost = sum(_overlap(rect, other) for other in blocked) + 1e3 * _outside(rect, box)
            if cost < best_cost:
                best, best_cost = (dx, dy, ha, va, rect), cost
            if cost == 0:
                break
        dx, dy, ha, va, rect = best
        blocked.append(rect)
        label = ax.annotate(text, point, xytext=(dx * gap, dy * gap), textcoords="offset pixels",
                            ha=ha, va=va, fontsize=size, color=colour)
        label.set_in_layout(False)


# (dx, dy) unit offsets with the alignment that puts the text on that side of the point
_OFFSETS = [(0, 1.2, "center", "bottom"), (1.2, 0, "left", "center"), (0, -1.2, "center", "top"),
            (-1.2, 0, "right", "center"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
            (1, -1, "left", "top"), (-1, -1, "right", "top")]


def _text_width(text: str, size: int) -> float:
    """Approximate pixel width of a label; mathtext markup and sub/superscripts count for less."""
    plain = text.replace("$", "").replace("\\", "").replace("{", "").replace("}", "")
    plain = plain.replace("theta", "θ").replace("_", "").replace("^", "")
    return 0.62 * size * PX_PER_PT * len(plain) + 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _outside(rect: tuple[float, ...], box: tuple[float, ...]) -> float:
    return max(box[0] - rect[0], 0) + max(rect[2] - box[2], 0) + max(box[1] - rect[1], 0) + max(rect[3] - box[3], 0)


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


def draw_quadratic_paths(fig: Any, a: float, c: float, var: str, paths: list[dict[str, Any]],
                         title: str | None = None, window: tuple[float, float] | None = None) -> None:
    """The loss a·(var − c)² with iterates on it: each path is {"ws", "colour", "name", "texts",
    "hollow", "arrows"}; consecutive iterates are joined by arrows unless arrows is False; named
    paths go in a legend above the axes. The x-range spans the iterates and the minimum c, or
    `window` when given."""
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    ax = fig.add_subplot()
    ax.xaxis.set_major_locator(MaxNLocator(5))  # tick labels like '-1.25' must not touch
    if window is None:
        ws = [w for path in paths for w in path["ws"]] + [c]
        pad = max(0.12 * (max(ws) - min(ws)), 0.3)
        window = (min(ws) - pad, max(ws) + pad)
    xs = np.linspace(*window, 200)
    ys = a * (xs - c) ** 2
    ax.plot(xs, ys, color=INK, linewidth=1.6, zorder=1)
    ax.set_xlim(*window)
    spread = ys.max() - ys.min()
    ax.set_ylim(ys.min() - 0.08 * spread, ys.max() + 0.18 * spread)
    ax.set_xlabel(f"${var}$")
    ax.set_ylabel("loss")
    ax.grid(True, alpha=0.5)
    labelled, texts = [], []
    for path in paths:
        pw = path["ws"]
        py = [a * (w - c) ** 2 for w in pw]
        face = "none" if path.get("hollow") else path["colour"]
        ax.scatter(pw, py, s=36, facecolor=face, edgecolor=path["colour"], linewidth=1.5,
                   zorder=3, label=path.get("name"))
        for (x0, y0, x1, y1) in zip(pw, py, pw[1:], py[1:]) if path.get("arrows", True) else ():
            ax.annotate("", (x1, y1), (x0, y0), zorder=2,
                        arrowprops={"arrowstyle": "->", "color": path["colour"], "linewidth": 1.2,
                                    "shrinkA": 4, "shrinkB": 4})
        for w, y, text in zip(pw, py, path.get("texts") or []):
            labelled.append((w, y))
            texts.append((text, path["colour"]))
    if any(path.get("name") for path in paths):  # above the axes: the curve fills the inside
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(paths), frameon=False,
                  fontsize=FONT, borderaxespad=0.2, handletextpad=0.3)
    if title:
        ax.set_title(title, fontsize=FONT + 1)
    named = any(path.get("name") for path in paths) or title
    place_labels(ax, labelled, [t for t, _ in texts], obstacles=list(zip(xs[::6], ys[::6])),
                 colours=[colour for _, colour in texts], margins=(62, 48, 12, 40 if named else 12))
