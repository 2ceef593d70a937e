"""Box geometry and drawing shared by the IoU and NMS families: exact arithmetic, one look.

Boxes have integer corners, so areas are integers and an IoU is an exact Fraction: a comparison
with a threshold (NMS) or a rounding boundary is never decided by float noise. Figures use a Plot
placed at a fixed rectangle of a fixed-size figure, so text sizes convert to data units without a
renderer: labels are placed by the pure `place_labels`, which the tests can check for overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ankibuild.figures import INK

from ._figure import DPI, FONT, PX_PER_PT, Plot, Rect, place, text_size

Box = tuple[int, int, int, int]  # (x1, y1, x2, y2): x right, y up, x1 < x2 and y1 < y2


def area(b: Box) -> int:
    return (b[2] - b[0]) * (b[3] - b[1])


def overlap_sides(a: Box, b: Box) -> tuple[int, int]:
    """Width and height of the overlap of the two boxes' extents; negative when they are apart."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def intersection_area(a: Box, b: Box) -> int:
    w, h = overlap_sides(a, b)
    return max(w, 0) * max(h, 0)


def iou(a: Box, b: Box) -> Fraction:
    """Intersection over union, exactly (the union of two boxes with positive area is never 0)."""
    inter = intersection_area(a, b)
    return Fraction(inter, area(a) + area(b) - inter)


# --- drawing -----------------------------------------------------------------------------------

def text_extent(text: str, scale: float) -> tuple[float, float]:
    """Width and height in data units of a one-line label (see _figure.text_size), where `scale` is
    data units per point."""
    width, height = text_size(text)
    return width / PX_PER_PT * scale, height / PX_PER_PT * scale


@dataclass(frozen=True)
class Canvas:
    """Where the data rectangle `xlim` × `ylim` sits in a figure of `size` inches: `rect` is the
    axes rectangle in figure fractions, chosen with the same aspect as the limits (1 unit = 1 unit)."""

    size: tuple[float, float]
    rect: tuple[float, float, float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    @property
    def scale(self) -> float:
        """Data units per typographic point."""
        return (self.xlim[1] - self.xlim[0]) / (self.rect[2] * self.size[0] * DPI) * PX_PER_PT

    def bounds(self) -> Rect:
        return (self.xlim[0], self.ylim[0], self.xlim[1], self.ylim[1])

    def plot(self, fig: Any, grid: int | None = None) -> Plot:
        """The Plot at `rect` (no Axes, no layout engine, so the scale is exactly as computed); with
        `grid`, unit grid lines over 0..grid numbered every 2 in the margins, as plain texts."""
        width, height = self.size[0] * DPI, self.size[1] * DPI
        left, bottom, w, h = self.rect
        plot = Plot(fig, (left * width, bottom * height, (1 - left - w) * width, (1 - bottom - h) * height),
                    self.xlim, self.ylim)
        if grid is not None:
            lines = [[(v, 0), (v, grid)] for v in range(grid + 1)] + [[(0, v), (grid, v)] for v in range(grid + 1)]
            plot.lines(lines, colors="#999999", linewidths=0.6, zorder=0)
            for v in range(0, grid + 1, 2):
                plot.text(v, self.ylim[0], str(v), ha="center", va="top", fontsize=FONT, color=INK)
                plot.text(self.xlim[0], v, f"{v} ", ha="right", va="center", fontsize=FONT, color=INK)
        return plot


def draw_box(plot: Plot, box: Box, color: str, *, dashed: bool = False, fill_alpha: float = 0.10,
             linewidth: float = 2.0, zorder: float = 2) -> None:
    """A box outline in `color` with a faint fill of the same colour (meaning survives inversion)."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    x1, y1, x2, y2 = box
    plot.add(Rectangle((x1, y1), x2 - x1, y2 - y1, facecolor=to_rgba(color, fill_alpha), edgecolor=color,
                       linewidth=linewidth, linestyle=(0, (4, 2.5)) if dashed else "-", zorder=zorder))


# A candidate label position: anchor point and which side of it the text goes, (dx, dy) in
# {-1, 0, 1}: -1 = text to the left of / below the anchor, 0 = centred, 1 = right / above.
Spot = tuple[float, float, int, int]
PAD_PT = 2.5


def _rect_at(spot: Spot, width: float, height: float, pad: float) -> Rect:
    x, y, dx, dy = spot
    left = {1: x + pad, 0: x - width / 2, -1: x - pad - width}[dx]
    bottom = {1: y + pad, 0: y - height / 2, -1: y - pad - height}[dy]
    return (left, bottom, left + width, bottom + height)


@dataclass(frozen=True)
class Placed:
    """A label and the rectangle it was given (text drawn centred in it)."""

    text: str
    rect: Rect


def place_labels(labels: list[tuple[str, list[Spot]]], canvas: Canvas, boxes: list[Box],
                 points: list[tuple[float, float]] = ()) -> list[Placed]:
    """Give each label (text, candidate spots) the first spot that stays on the canvas, covers no
    other label and no marked point, and crosses the fewest box edges (then lies inside the fewest
    boxes: a label inside its own box counts too, so outside spots win when free): _figure.place in
    data units. A pure function of plain data (no renderer): tests can check any figure."""
    pad = PAD_PT * canvas.scale
    candidates = []
    for text, spots in labels:
        width, height = text_extent(text, canvas.scale)
        candidates.append([_rect_at(spot, width, height, pad) for spot in spots])
    marks = [(x - pad, y - pad, x + pad, y + pad) for x, y in points]
    chosen = place(candidates, canvas.bounds(), marks, [tuple(map(float, b)) for b in boxes])
    return [Placed(text, rects[k]) for (text, _), rects, k in zip(labels, candidates, chosen)]


def draw_labels(plot: Plot, labels: list[tuple[Placed, str, bool]]) -> None:
    """Placed labels, each with its colour and boldness."""
    for p, color, heavy in labels:
        plot.text((p.rect[0] + p.rect[2]) / 2, (p.rect[1] + p.rect[3]) / 2, p.text, ha="center", va="center",
                fontsize=FONT, color=color, fontweight="bold" if heavy else "normal", zorder=5)


def corner_spots(x: float, y: float, outward: tuple[int, int]) -> list[Spot]:
    """Spots around a corner point: the `outward` diagonal one (away from its box) first, then the
    two other diagonals that run along an edge, then straight out along each axis, inward last."""
    ox, oy = outward
    return [(x, y, ox, oy), (x, y, -ox, oy), (x, y, ox, -oy), (x, y, 0, oy), (x, y, ox, 0),
            (x, y, 0, -oy), (x, y, -ox, 0), (x, y, -ox, -oy)]


def box_spots(box: Box, line: float) -> list[Spot]:
    """Spots for a box's own label: above or below it, then beside a corner, a line further out,
    and at last inside a corner (`line` is the height of a text line in data units)."""
    x1, y1, x2, y2 = box
    xm, ym = (x1 + x2) / 2, (y1 + y2) / 2
    outside = [(x, y, dx, dy) for y, dy in ((y2, 1), (y1, -1)) for x, dx in ((x1, 1), (x2, -1), (xm, 0), (x1, 0), (x2, 0))]
    beside = [(x1, y2, -1, -1), (x2, y2, 1, -1), (x1, y1, -1, 1), (x2, y1, 1, 1), (x1, ym, -1, 0), (x2, ym, 1, 0)]
    far = [(x, y + dy * line, dx, dy) for x, y, dx, dy in outside]
    inside = [(x1, y2, 1, -1), (x2, y2, -1, -1), (x1, y1, 1, 1), (x2, y1, -1, 1)]
    return outside + beside + far + inside
