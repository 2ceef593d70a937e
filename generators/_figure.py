"""Figure helpers every family shares: the typographic constants, one text-size estimate, one
label placer, and `Plot`, a data rectangle drawn straight on the figure.

The figures have no layout engine and no renderer pass: every text's size is estimated up front
(`text_size`, bold-safe upper bounds of the DejaVu Sans advances), so labels are placed by the pure
function `place`, which the tests can check for overlaps without drawing. matplotlib is imported
only inside the drawing code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ankibuild.figures import INK

FONT = 10  # pt: the smallest size readable on a phone
DPI = 100  # the engine renders every figure at 100 dpi
PX_PER_PT = DPI / 72  # 72 points to the inch
Rect = tuple[float, float, float, float]  # (left, bottom, right, top)

_EM_WIDTH = {**dict.fromkeys("0123456789", 0.70), **dict.fromkeys("(),.-", 0.46), " ": 0.35}


def text_size(text: str, size: float = FONT) -> tuple[float, float]:
    """Width and height in pixels of a one-line label at `size` points: upper bounds of the DejaVu
    Sans advances (bold included), so a label placed by them never overlaps another."""
    width = sum(_EM_WIDTH.get(c, 0.85) for c in text) * size
    return width * PX_PER_PT, 1.2 * size * PX_PER_PT


def overlap(a: Rect, b: Rect) -> float:
    """The area two rectangles share (0 when apart)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _outside(r: Rect, bounds: Rect) -> float:
    return max(0.0, bounds[0] - r[0]) + max(0.0, r[2] - bounds[2]) + max(0.0, bounds[1] - r[1]) + max(0.0, r[3] - bounds[3])


def _crossings(r: Rect, boxes: Sequence[Rect]) -> tuple[int, int]:
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


def _greedy(candidates: Sequence[Sequence[Rect]], order: list[int], bounds: Rect, blocked: Sequence[Rect],
            boxes: Sequence[Rect]) -> tuple[dict[int, int], int | None]:
    """Labels placed one by one in `order`, each at its cheapest candidate; also the first label that
    only had candidates breaking a hard rule (None if there was none)."""
    chosen: dict[int, int] = {}
    taken: list[Rect] = []
    stuck = None
    for i in order:
        costs = []
        for rank, r in enumerate(candidates[i]):
            covered = sum(overlap(r, o) for o in taken) + sum(overlap(r, o) for o in blocked)
            crossings, inside = _crossings(r, boxes)
            costs.append((_outside(r, bounds), covered, 100 * crossings + 30 * inside + rank, rank))
        outside, covered, _, rank = min(costs)
        if outside + covered > 0 and stuck is None:
            stuck = i
        chosen[i] = rank
        taken.append(candidates[i][rank])
    return chosen, stuck


def place(candidates: Sequence[Sequence[Rect]], bounds: Rect, blocked: Sequence[Rect] = (),
          boxes: Sequence[Rect] = (), order: Sequence[int] | None = None) -> list[int]:
    """For each label (its candidate rectangles, best first), the index of the one it gets: in order
    of importance, the least outside `bounds`, the least over other labels and `blocked` rectangles
    (markers), crossing the fewest edges of `boxes` and inside the fewest of them, the earliest.

    Greedy in `order` (default: as given); a label left with no clean candidate moves to the front
    and the pass runs again. A pure function of rectangles in any one unit (pixels or data)."""
    order = list(order if order is not None else range(len(candidates)))
    for _ in range(len(candidates)):
        chosen, stuck = _greedy(candidates, order, bounds, blocked, boxes)
        if stuck is None:
            break
        order.remove(stuck)
        order.insert(0, stuck)
    return [chosen[i] for i in range(len(candidates))]


def label_points(plot: Plot, points: Sequence[tuple[float, float]], texts: Sequence[str],
                 obstacles: Sequence[tuple[float, float]] = (), colours: Sequence[str] | None = None,
                 size: int = FONT) -> None:
    """Label each point (data coordinates) where its text overlaps no other label, marker or obstacle:
    eight offsets around the point (above first), longest label first (see _figure.place)."""
    anchors = [plot.px(*p) for p in points]
    blocked = [(x - 5, y - 5, x + 5, y + 5) for x, y in anchors + [plot.px(*o) for o in obstacles]]
    gap = 7  # beyond the 5 px marker plus the 2 px slack
    candidates = []
    for (x, y), text in zip(anchors, texts):
        width, height = text_size(text, size)
        rects = []
        for dx, dy, ha, va in _OFFSETS:
            left = x + dx * gap - (width / 2 if ha == "center" else width if ha == "right" else 0)
            bottom = y + dy * gap - (height / 2 if va == "center" else height if va == "top" else 0)
            rects.append((left - 2, bottom - 2, left + width + 2, bottom + height + 2))  # 2 px slack
        candidates.append(rects)
    longest_first = sorted(range(len(texts)), key=lambda i: -text_size(texts[i], size)[0])
    colours = colours or [INK] * len(texts)
    for i, k in enumerate(place(candidates, plot.box, blocked, order=longest_first)):
        dx, dy, ha, va = _OFFSETS[k]
        plot.text(points[i][0] + dx * gap * plot.per_x, points[i][1] + dy * gap * plot.per_y, texts[i], ha=ha,
                  va=va, fontsize=size, color=colours[i])


# (dx, dy) unit offsets with the alignment that puts the text on that side of the point
_OFFSETS = [(0, 1.2, "center", "bottom"), (1.2, 0, "left", "center"), (0, -1.2, "center", "top"),
            (-1.2, 0, "right", "center"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
            (1, -1, "left", "top"), (-1, -1, "right", "top")]


class Plot:
    """A data rectangle on the figure, `margins` (left, bottom, right, top) pixels from its edges.

    Not a matplotlib Axes: creating one (tick machinery, spines, autoscaling) is a fifth of the
    cost of these small figures. The artists go straight on the figure with a data transform, and
    every pixel position is known without a layout pass (there is no layout engine: each figure
    leaves the room its own texts need). Limits are fixed when the Plot is made."""

    def __init__(self, fig: Any, margins: tuple[float, float, float, float],
                 xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        from matplotlib.transforms import Affine2D

        self.fig = fig
        width, height = fig.get_size_inches() * fig.dpi
        self.box = (margins[0], margins[1], width - margins[2], height - margins[3])  # in pixels
        self.xlim, self.ylim = xlim, ylim
        self.per_x = (xlim[1] - xlim[0]) / (self.box[2] - self.box[0])  # data units per pixel
        self.per_y = (ylim[1] - ylim[0]) / (self.box[3] - self.box[1])  # negative if y points down
        self.transform = (Affine2D().translate(-xlim[0], -ylim[0]).scale(1 / self.per_x, 1 / self.per_y)
                          .translate(margins[0], margins[1]).scale(1 / width, 1 / height) + fig.transFigure)

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (self.box[0] + (x - self.xlim[0]) / self.per_x, self.box[1] + (y - self.ylim[0]) / self.per_y)

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Any:
        return self.fig.text(x, y, text, transform=self.transform, **kwargs)

    def add(self, artist: Any) -> Any:
        if not artist.is_transform_set():
            artist.set_transform(self.transform)
        return self.fig.add_artist(artist)

    def curve(self, xs: Sequence[float], ys: Sequence[float], **kwargs: Any) -> None:
        from matplotlib.lines import Line2D

        self.add(Line2D(xs, ys, **kwargs))

    def lines(self, segments: Sequence[Sequence[tuple[float, float]]], **kwargs: Any) -> None:
        from matplotlib.collections import LineCollection

        self.add(LineCollection(segments, **kwargs))

    def polygons(self, polygons: Sequence[Sequence[tuple[float, float]]], **kwargs: Any) -> None:
        from matplotlib.collections import PolyCollection

        self.add(PolyCollection(polygons, **kwargs))

    def scatter(self, xs: Sequence[float], ys: Sequence[float], size: float | Sequence[float],
                marker: str = "o", **kwargs: Any) -> None:
        """Markers of `size` pt² (as Axes.scatter) at the points, in one collection."""
        import numpy as np
        from matplotlib.collections import PathCollection
        from matplotlib.markers import MarkerStyle
        from matplotlib.transforms import IdentityTransform

        style = MarkerStyle(marker)
        path = style.get_path().transformed(style.get_transform())
        collection = PathCollection((path,), np.broadcast_to(size, (len(xs),)), offsets=np.column_stack([xs, ys]),
                                    offset_transform=self.transform, **kwargs)
        collection.set_transform(IdentityTransform())
        self.add(collection)

    def arrow(self, start: tuple[float, float], end: tuple[float, float], colour: str, width: float,
              shrink_start: float, shrink_end: float) -> None:
        """An arrow between two data points, shortened by the given points at either end."""
        from matplotlib.patches import FancyArrowPatch

        self.add(FancyArrowPatch(start, end, arrowstyle="->", mutation_scale=FONT + 1, color=colour,
                                 linewidth=width, shrinkA=shrink_start, shrinkB=shrink_end, zorder=2))
