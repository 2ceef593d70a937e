"""One Lloyd iteration of k-means by hand: assign each point to its nearest centroid, move each
centroid to the mean of its points; with the tie and empty-cluster conventions made explicit."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ankibuild.figures import INK, PALETTE
from ankibuild.problem import Figure, Problem

from ._numbers import RULE, exact, short, value
from ._figure import FONT, Plot, label_points

TITLE = "k-means step"
GRID = 9  # coordinates are integers 0..8
PLACES = 2
MARKERS = ("o", "s", "^")  # cluster shapes, so clusters differ without colour (night mode inverts it)
MARGINS = (24, 22, 8, 8)  # pixels around the axes (left, bottom, right, top): room for the coordinates
FAR = 2 * GRID ** 2  # more than any squared distance on the grid


def lloyd_step(points: list[list[int]], centroids: list[list[int]]) -> dict[str, Any]:
    """Squared distances, assignment (0-based; the first minimum, so a tie goes to the
    lower-numbered centroid) and the new centroids as exact means (an empty cluster's centroid stays)."""
    d2 = [[(px - cx) ** 2 + (py - cy) ** 2 for cx, cy in centroids] for px, py in points]
    assign = [row.index(min(row)) for row in d2]
    new = []
    for j, old in enumerate(centroids):
        members = [q for q, a in zip(points, assign) if a == j]
        new.append([Fraction(sum(q[d] for q in members), len(members)) for d in (0, 1)] if members
                   else [Fraction(v) for v in old])
    return {"d2": d2, "assign": assign, "centroids": new}


def _tie_centroid(rng: np.random.Generator, point: np.ndarray, centroid: np.ndarray,
                  taken: set[tuple[int, int]]) -> tuple[int, int] | None:
    """A free grid cell exactly as far from `point` as `centroid` is (rotated or reflected)."""
    dx, dy = centroid - point
    candidates = [point + d for d in ((-dy, dx), (dy, -dx), (-dx, -dy), (dx, -dy), (-dx, dy))]
    free = [tuple(int(v) for v in q) for q in candidates
            if 0 <= q[0] < GRID and 0 <= q[1] < GRID and tuple(int(v) for v in q) not in taken]
    return free[int(rng.integers(len(free)))] if free else None


def _empty_centroid(rng: np.random.Generator, points: np.ndarray, centroids: np.ndarray, j: int,
                    taken: set[tuple[int, int]]) -> tuple[int, int] | None:
    """A free grid cell where centroid j would win no point (ties count against it if lower-numbered)."""
    cells = np.array([(x, y) for x in range(GRID) for y in range(GRID) if (x, y) not in taken])
    d_cells = ((points[:, None, :] - cells[None, :, :]) ** 2).sum(axis=2)  # points × cells
    d_others = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)  # points × centroids
    low = d_others[:, :j].min(axis=1, initial=FAR)[:, None]
    high = d_others[:, j + 1:].min(axis=1, initial=FAR)[:, None]
    empty = ((low <= d_cells) | (high < d_cells)).all(axis=0)
    options = cells[empty]
    return tuple(int(v) for v in options[int(rng.integers(len(options)))]) if len(options) else None


def generate(rng: np.random.Generator) -> Problem:
    n = int(rng.integers(6, 11))
    k = int(rng.choice([2, 3]))
    cells = rng.choice(GRID * GRID, size=n + k, replace=False)
    points = np.stack([cells[:n] // GRID, cells[:n] % GRID], axis=1)
    centroids = np.stack([cells[n:] // GRID, cells[n:] % GRID], axis=1)
    taken = {tuple(int(v) for v in q) for q in np.concatenate([points, centroids])}
    case = rng.random()
    if case < 0.3:  # make a tie: some point equally far from its nearest centroid and another one
        i = int(rng.integers(n))
        nearest = int(((centroids - points[i]) ** 2).sum(axis=1).argmin())
        other = int(rng.choice([j for j in range(k) if j != nearest]))
        cell = _tie_centroid(rng, points[i], centroids[nearest], taken)
    elif case < 0.45:  # make an empty cluster
        other = int(rng.integers(k))
        cell = _empty_centroid(rng, points, centroids, other, taken)
    else:
        cell = None
    if cell is not None:
        taken.discard(tuple(int(v) for v in centroids[other]))
        centroids[other] = cell
    pts = points.tolist()
    cents = centroids.tolist()
    result = lloyd_step(pts, cents)
    new = [[value(v, PLACES) for v in q] for q in result["centroids"]]
    assign = [j + 1 for j in result["assign"]]

    question = (
        "Run one k-means (Lloyd) iteration: assign each point to its nearest centroid, then move "
        "each centroid to the mean of its points.\n\n"
        f"Points: {', '.join(f'$P_{{{i}}} = {_pair(q)}$' for i, q in enumerate(pts, 1))}.\n\n"
        f"Centroids: {', '.join(f'$C_{{{j}}} = {_pair(q)}$' for j, q in enumerate(cents, 1))}.\n\n"
        "Conventions: squared Euclidean distance; a tie goes to the lower-numbered centroid; a "
        f"centroid with no points stays where it is. Give each point's cluster and the new "
        f"centroids ({PLACES} decimals, {RULE})."
    )
    solution = _solution(pts, cents, result["d2"], assign, new)
    return Problem(
        inputs={"points": pts, "centroids": cents},
        answer={"assignment": assign, "centroids": new},
        question=question,
        solution=solution,
        question_figure=Figure(
            draw_question, {"points": pts, "centroids": cents},
            f"Points {', '.join(f'P{i} {_pair(q)}' for i, q in enumerate(pts, 1))}; "
            f"centroids {', '.join(f'C{j} {_pair(q)}' for j, q in enumerate(cents, 1))}",
            size=(4.0, 3.8)),
        answer_figure=Figure(
            draw_answer, {"points": pts, "old": cents, "new": new, "assign": assign},
            "Points coloured by cluster with arrows from each old centroid to its new position "
            + ", ".join(f"C{j} {_pair(q)}" for j, q in enumerate(new, 1)),
            size=(4.0, 3.8)),
    )


def _pair(q: list[int | float]) -> str:
    """A point as the card writes it; floats are the rounded decimals of `value`."""
    return "({}, {})".format(*(short(exact(v) if isinstance(v, float) else v, PLACES) for v in q))


def _solution(points: list[list[int]], old: list[list[int]], d2: list[list[float]],
              assign: list[int], new: list[list[float]]) -> str:
    """Bold result, the distance table with each row's minimum marked, then each mean."""
    k = len(old)
    members = [[i for i, a in enumerate(assign) if a == j] for j in range(1, k + 1)]
    head = "; ".join(f"$C_{j} \\to {_pair(q)}$" for j, q in enumerate(new, 1))
    clusters = "; ".join(f"$C_{j}$: {', '.join(f'$P_{{{i + 1}}}$' for i in m) or 'none'}"
                         for j, m in enumerate(members, 1))
    rows = ["| | " + " | ".join(f"$d^2(C_{j})$" for j in range(1, k + 1)) + " | cluster |",
            "|---" * (k + 2) + "|"]
    for i, (row, a) in enumerate(zip(d2, assign), 1):
        cells = [f"**{int(d)}**" if j == a else str(int(d)) for j, d in enumerate(row, 1)]
        tie = " (tie)" if sum(d == min(row) for d in row) > 1 else ""
        rows.append(f"| $P_{{{i}}}$ | " + " | ".join(cells) + f" | $C_{a}${tie} |")
    means = []
    for j, m in enumerate(members, 1):
        if not m:
            means.append(f"- $C_{j}$ has no points: stays at ${_pair(old[j - 1])}$")
            continue
        if len(m) == 1:
            means.append(f"- $C_{j} = P_{{{m[0] + 1}}} = {_pair(new[j - 1])}$, its only point")
            continue
        xs = "+".join(str(points[i][0]) for i in m)
        ys = "+".join(str(points[i][1]) for i in m)
        means.append(f"- $C_{j} = \\tfrac{{1}}{{{len(m)}}}({xs},\\ {ys}) = {_pair(new[j - 1])}$")
    return (f"**{head}**\n\nClusters: {clusters}.\n\n" + "\n".join(rows) + "\n\n" + "\n".join(means))


def _grid(fig: Any) -> Plot:
    """The 0..8 grid with a line at every unit and the even coordinates written (the card gives
    every coordinate; the grid is there to see the geometry): two line collections, ten texts."""
    lo, hi = -0.6, GRID - 0.4
    plot = Plot(fig, MARGINS, (lo, hi), (lo, hi))
    plot.lines([[(v, lo), (v, hi)] for v in range(GRID)] + [[(lo, v), (hi, v)] for v in range(GRID)],
               colors="#999999", linewidths=0.6, alpha=0.5, zorder=0)
    plot.lines([[(lo, lo), (hi, lo), (hi, hi), (lo, hi), (lo, lo)]], colors=INK, linewidths=0.8, zorder=0.5)
    for v in range(0, GRID, 2):
        plot.text(v, lo - 4 * plot.per_y, str(v), ha="center", va="top", fontsize=FONT)
        plot.text(lo - 5 * plot.per_x, v, str(v), ha="right", va="center", fontsize=FONT)
    return plot


def draw_question(fig: Any, points: list[list[int]], centroids: list[list[int]]) -> None:
    """Points as dots labelled P1…, initial centroids as coloured crosses labelled C1…"""
    plot = _grid(fig)
    plot.scatter(*zip(*points), 30, color=INK, zorder=3)
    plot.scatter(*zip(*centroids), 110, marker="X", color=PALETTE[:len(centroids)], zorder=4)
    label_points(plot, [tuple(q) for q in points] + [tuple(q) for q in centroids],
                 [f"P{i}" for i in range(1, len(points) + 1)] + [f"C{j}" for j in range(1, len(centroids) + 1)],
                 colours=[INK] * len(points) + list(PALETTE[:len(centroids)]))


def draw_answer(fig: Any, points: list[list[int]], old: list[list[int]], new: list[list[float]],
                assign: list[int]) -> None:
    """Points coloured and shaped by cluster; an arrow from each old centroid (faint) to its new one."""
    from matplotlib.colors import to_rgba

    plot = _grid(fig)
    for a in sorted(set(assign)):
        members = [q for q, b in zip(points, assign) if b == a]
        plot.scatter(*zip(*members), 34, marker=MARKERS[a - 1], color=PALETTE[a - 1], zorder=3)
    k = len(old)
    plot.scatter(*zip(*old, *new), [110] * k + [130] * k, marker="X", zorder=4,  # old ones faint
                 facecolors=[to_rgba(c, 0.35) for c in PALETTE[:k]] + list(PALETTE[:k]),
                 edgecolors=["none"] * k + [INK] * k, linewidths=0.6)
    obstacles = []
    for j, ((x0, y0), (x1, y1)) in enumerate(zip(old, new)):
        if (x0, y0) != (x1, y1):
            plot.arrow((x0, y0), (x1, y1), PALETTE[j], 1.4, 5, 7)
            samples = int(4 * max(abs(x1 - x0), abs(y1 - y0))) + 2  # every quarter unit along the arrow
            obstacles += [(x0 + (x1 - x0) * s / samples, y0 + (y1 - y0) * s / samples) for s in range(1, samples)]
        obstacles.append((x0, y0))
    # a centroid that lands on a point (a one-point cluster) shares that point's label
    landed = {tuple(q): f"C{j} = " for j, q in enumerate(new, 1)}
    labels = [(tuple(q), f"{landed.get(tuple(map(float, q)), '')}P{i}", PALETTE[a - 1])
              for i, (q, a) in enumerate(zip(points, assign), 1)]
    taken = {tuple(map(float, q)) for q in points}
    labels += [(tuple(q), f"C{j}", PALETTE[j - 1]) for j, q in enumerate(new, 1) if tuple(q) not in taken]
    label_points(plot, [at for at, _, _ in labels], [text for _, text, _ in labels], obstacles=obstacles,
                 colours=[colour for _, _, colour in labels])
