"""Box geometry and drawing shared by the IoU and NMS families: exact arithmetic, one look.

Boxes have integer corners, so areas are integers and an IoU is an exact Fraction: a comparison
with a threshold (NMS) or a rounding boundary is never decided by float noise. Figures use an axes
placed at a fixed rectangle of a fixed-size figure, so text sizes convert to data units without a
renderer: labels are placed by the pure `place_labels`, which the tests can check for overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ankibuild.figures import INK

Box = tuple[int, int, int, int]  # (x1, y1, x2, y2): x right, y up, x1 < x2 and y1 < y2
Rect = tuple[float, float, float, float]  # (left, bottom, right, top) in data units
FONT_PT = 10.0


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

_EM_WIDTH = {**dict.fromkeys("0123456789", 0.70), **dict.fromkeys("(),.-", 0.46), " ": 0.35}


def text_extent(text: str, scale: float) -> tuple[float, float]:
    """Width and height in data units of a one-line FONT_PT label (bold-safe upper bounds of the
    DejaVu Sans advances), where `scale` is data units per point."""
    width = sum(_EM_WIDTH.get(c, 0.85) for c in text) * FONT_PT
    return width * scale, 1.2 * FONT_PT * scale


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
        """Data units per typographic point (72 pt per inch)."""
        return (self.xlim[1] - self.xlim[0]) / (self.rect[2] * self.size[0] * 72)

    def bounds(self) -> Rect:
        return (self.xlim[0], self.ylim[0], self.xlim[1], self.ylim[1])

    def axes(self, fig: Any, grid: int | None = None) -> Any:
        """Frameless axes at `rect` (outside constrained layout, so the scale is exactly as
        computed); with `grid`, unit grid lines over 0..grid numbered every 2 in the margins.

        The numbers are plain texts, not matplotlib ticks: tick machinery costs ~60 ms a figure."""
        from matplotlib.collections import LineCollection

        fig.set_layout_engine("none")
        ax = fig.add_axes(self.rect)
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.axis("off")
        if grid is not None:
            lines = [[(v, 0), (v, grid)] for v in range(grid + 1)] + [[(0, v), (grid, v)] for v in range(grid + 1)]
            ax.add_collection(LineCollection(lines, colors="#999999", linewidths=0.6, zorder=0))
            for v in range(0, grid + 1, 2):
                ax.text(v, self.ylim[0], str(v), ha="center", va="top", fontsize=FONT_PT, color=INK, clip_on=False)
                ax.text(self.xlim[0], v, f"{v} ", ha="right", va="center", fontsize=FONT_PT, color=INK, clip_on=False)
        return ax


def draw_box(ax: Any, box: Box, color: str, *, dashed: bool = False, fill_alpha: float = 0.10,
             linewidth: float = 2.0, zorder: float = 2) -> None:
    """A box outline in `color` with a faint fill of the same colour (meaning survives inversion)."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    x1, y1, x2, y2 = box
    ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, facecolor=to_rgba(color, fill_alpha), edgecolor=color,
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


def _overlap(a: Rect, b: Rect) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _crossings(r: Rect, boxes: list[Box]) -> tuple[int, int]:
    """How many box edges pass through the rectangle (text on a line is hard to read), and in
    how many boxes it lies entirely (a label there could belong to any of them)."""
    count = inside = 0
    for x1, y1, x2, y2 in boxes:
        for x in (x1, x2):
            count += r[0] < x < r[2] and y1 < r[3] and r[1] < y2
        for y in (y1, y2):
            count += r[1] < y < r[3] and x1 < r[2] and r[0] < x2
        inside += x1 <= r[0] and r[2] <= x2 and y1 <= r[1] and r[3] <= y2
    return count, inside


@dataclass(frozen=True)
class Placed:
    """A label and the rectangle it was given (text drawn centred in it)."""

    text: str
    rect: Rect


HARD = 1e6  # cost of a spot that leaves the canvas or covers another label (per unit of area) or a point


def _greedy(labels: list[tuple[str, list[Spot]]], order: list[int], canvas: Canvas, boxes: list[Box],
            points: list[tuple[float, float]]) -> tuple[dict[int, Placed], int | None]:
    """Labels placed one by one in `order`, each at its cheapest spot; also the first label that
    only had hard-cost spots left (None if there was none)."""
    scale = canvas.scale
    pad = PAD_PT * scale
    left, bottom, right, top = canvas.bounds()
    placed: dict[int, Placed] = {}
    stuck = None
    for i in order:
        text, spots = labels[i]
        width, height = text_extent(text, scale)
        costs = []
        for rank, spot in enumerate(spots):
            r = _rect_at(spot, width, height, pad)
            outside = max(0.0, left - r[0]) + max(0.0, r[2] - right) + max(0.0, bottom - r[1]) + max(0.0, r[3] - top)
            clash = sum(_overlap(r, p.rect) for p in placed.values())
            covered = sum(r[0] - pad < px < r[2] + pad and r[1] - pad < py < r[3] + pad for px, py in points)
            crossings, inside = _crossings(r, boxes)
            costs.append((HARD * (outside + clash + covered) + 100 * crossings + 30 * inside + rank, r))
        cost, r = min(costs)
        if cost >= HARD and stuck is None:
            stuck = i
        placed[i] = Placed(text, r)
    return placed, stuck


def place_labels(labels: list[tuple[str, list[Spot]]], canvas: Canvas, boxes: list[Box],
                 points: list[tuple[float, float]] = ()) -> list[Placed]:
    """Give each label (text, candidate spots) the first spot that stays on the canvas, covers no
    other label and no marked point, and crosses the fewest box edges (then lies inside the fewest
    boxes: a label inside its own box counts too, so outside spots win when free).

    Greedy in the given order; a label left with no clean spot moves to the front and the greedy
    pass runs again. A pure function of plain data (no renderer): tests can check any figure."""
    order = list(range(len(labels)))
    for _ in range(len(labels)):
        placed, stuck = _greedy(labels, order, canvas, boxes, points)
        if stuck is None:
            break
        order.remove(stuck)
        order.insert(0, stuck)
    return [placed[i] for i in range(len(labels))]


def draw_labels(ax: Any, labels: list[tuple[Placed, str, bool]]) -> None:
    """Placed labels, each with its colour and boldness."""
    for p, color, heavy in labels:
        ax.text((p.rect[0] + p.rect[2]) / 2, (p.rect[1] + p.rect[3]) / 2, p.text, ha="center", va="center",
                fontsize=FONT_PT, color=color, fontweight="bold" if heavy else "normal", zorder=5)


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
