"""Draw the static figures of the study decks into media/*.png.

Every figure is computed from scratch (fixed seeds, explicit rcParams, no PNG timestamp), so a
re-run reproduces the committed PNGs byte for byte; tests/test_figures.py checks that.

    .venv/bin/python media/draw.py              # writes into media/
    .venv/bin/python media/draw.py --out DIR    # writes into DIR
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch, Rectangle
from matplotlib.typing import ColorType

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "mathtext.fontset": "dejavusans",
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
        "legend.fontsize": 11,
        "lines.linewidth": 2.5,
        "axes.linewidth": 1.2,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.06,
    }
)

DPI = 110
WIDTH = 6.0  # inches: 660 px before the tight crop

# Okabe–Ito colour-blind-safe palette.
BLUE, ORANGE, GREEN, SKY = "#0072B2", "#E69F00", "#009E73", "#56B4E9"
RED, PURPLE, YELLOW, GREY = "#D55E00", "#CC79A7", "#F0E442", "#999999"
BLACK_GREY = "#444444"


# ---------------------------------------------------------------- shared helpers


def _diagram(
    xlim: tuple[float, float], ylim: tuple[float, float], width: float = WIDTH
) -> tuple[Figure, Axes]:
    """A blank, axis-free canvas filling the figure, with equal data units in x and y."""
    height = width * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    _blank(ax, xlim, ylim)
    return fig, ax


def _blank(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def _box(
    ax: Axes,
    center: tuple[float, float],
    text: str,
    size: tuple[float, float],
    color: str,
    fontsize: float = 12,
) -> None:
    """A rounded box with centred text."""
    (x, y), (w, h) = center, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.15",
            facecolor=color, edgecolor="black", linewidth=1.5, zorder=3,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _node(ax: Axes, center: tuple[float, float], symbol: str, radius: float = 0.32) -> None:
    """A small circle holding an operator symbol such as + or ×."""
    ax.add_patch(Circle(center, radius, facecolor="white", edgecolor="black", linewidth=1.8, zorder=3))
    ax.text(*center, symbol, ha="center", va="center", fontsize=16, zorder=4)


def _path(ax: Axes, *points: tuple[float, float], color: str = "black", lw: float = 2.0, head: bool = True) -> None:
    """A polyline through the points, ending in an arrow head unless head is False."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, solid_capstyle="butt", zorder=2)
    ax.annotate(
        "", xy=points[-1], xytext=points[-2],
        arrowprops={
            "arrowstyle": "-|>" if head else "-", "color": color, "lw": lw,
            "mutation_scale": 16, "shrinkA": 0, "shrinkB": 0,
        },
        zorder=2,
    )


def _grid(
    ax: Axes,
    values: np.ndarray,
    origin: tuple[float, float],
    fmt: str,
    facecolors: Sequence[Sequence[ColorType]] | None = None,
    fontsize: float = 13,
) -> None:
    """Draw a matrix as unit cells with their numbers; origin is the lower-left corner."""
    rows, cols = values.shape
    for r, c in itertools.product(range(rows), range(cols)):
        x, y = origin[0] + c, origin[1] + rows - 1 - r
        face = "white" if facecolors is None else facecolors[r][c]
        ink = "white" if np.dot(to_rgb(face), (0.299, 0.587, 0.114)) < 0.5 else "black"
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor=face, edgecolor="black", linewidth=1.2))
        ax.text(x + 0.5, y + 0.5, fmt.format(values[r, c]), ha="center", va="center", fontsize=fontsize, color=ink)


def _no_ticks(ax: Axes) -> None:
    """A plain framed panel: no ticks, all four spines."""
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)


def _tint(color: str, amount: float) -> tuple[float, float, float]:
    """Mix a colour with white: amount 1 keeps the colour, 0 gives white."""
    return tuple(1 - amount * (1 - np.array(to_rgb(color))))


def _gaussian_blobs(rng: np.random.Generator, centers: Sequence[tuple[float, float]], n: int, sd: float) -> np.ndarray:
    """n points per centre, isotropic normal with standard deviation sd, stacked blob after blob."""
    return np.concatenate([np.asarray(c) + sd * rng.standard_normal((n, 2)) for c in centers])


# Closed forms for 2×2 matrices: LAPACK (cholesky, eigh) picks kernels per CPU, so its last bits, and
# with them a few pixels of the figure, would depend on the machine that draws it.


def _cholesky_2x2(m: np.ndarray) -> np.ndarray:
    """Lower-triangular L with L Lᵀ = m, for a symmetric positive-definite 2×2 m."""
    l11 = float(np.sqrt(m[0, 0]))
    l21 = float(m[1, 0]) / l11
    return np.array([[l11, 0.0], [l21, float(np.sqrt(m[1, 1] - l21 * l21))]])


def _covariance_2d(pts: np.ndarray) -> np.ndarray:
    """Sample covariance (n − 1) of 2-D points, with correctly rounded sums rather than BLAS."""
    xs, ys = pts[:, 0].tolist(), pts[:, 1].tolist()
    mx, my = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
    dx, dy = [x - mx for x in xs], [y - my for y in ys]
    n = len(xs) - 1
    sxy = math.fsum(a * b for a, b in zip(dx, dy)) / n
    return np.array([[math.fsum(a * a for a in dx) / n, sxy], [sxy, math.fsum(b * b for b in dy) / n]])


def _eigh_2x2(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and unit eigenvectors (columns) of a symmetric 2×2 m."""
    a, b, d = float(m[0, 0]), float(m[0, 1]), float(m[1, 1])
    mid, radius = (a + d) / 2, float(np.hypot((a - d) / 2, b))
    values = np.array([mid - radius, mid + radius])
    vectors = []
    for value in values:
        # (b, value - a) solves the first row; near b = 0 use the second row's (value - d, b)
        v = np.array([b, value - a]) if abs(value - a) >= abs(value - d) else np.array([value - d, b])
        vectors.append(v / np.hypot(*v) if np.hypot(*v) else np.array([1.0, 0.0]))
    return values, np.array(vectors).T


# ---------------------------------------------------------------- deck 1: deep learning


def pca_axes() -> Figure:
    rng = np.random.default_rng(1)
    cov = np.array([[3.0, 1.6], [1.6, 1.4]])
    z, chol = rng.standard_normal((300, 2)), _cholesky_2x2(cov)
    # z @ cholᵀ written out: a matrix product goes through BLAS, whose kernels differ per CPU
    pts = np.stack([chol[0, 0] * z[:, 0], chol[1, 0] * z[:, 0] + chol[1, 1] * z[:, 1]], axis=1) + np.array([2.0, 1.0])
    mean = pts.mean(axis=0)
    evals, evecs = _eigh_2x2(_covariance_2d(pts))  # ascending eigenvalues

    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    ax.scatter(*pts.T, s=14, color=GREY, alpha=0.55, linewidths=0)
    for rank, (idx, color) in enumerate(((1, BLUE), (0, RED)), start=1):
        vec = evecs[:, idx] if evecs[:, idx].sum() >= 0 else -evecs[:, idx]
        tip = mean + 2 * np.sqrt(evals[idx]) * vec
        ax.annotate(
            "", xy=tip, xytext=mean,
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 4, "mutation_scale": 24, "shrinkA": 0, "shrinkB": 0},
        )
        ax.text(
            *(tip + 0.35 * vec), f"PC{rank}\nλ = {evals[idx]:.2f}", color=color, fontsize=13, fontweight="bold",
            ha="left" if vec[0] > 0.3 else "right", va="center",
        )
    ax.plot(*mean, "o", color="black", ms=8)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("PCA: eigenvectors of the sample covariance\n(arrow length = 2√λ, from the mean)")
    return fig


def precision_recall_curve() -> Figure:
    # Ranked detections (highest score first): 1 = true positive, 0 = false positive; 8 objects.
    hits = np.array([1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0])
    n_objects = 8
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, hits.size + 1)
    recall = tp / n_objects
    envelope = np.maximum.accumulate(precision[::-1])[::-1]  # max precision from rank k downwards

    def p_interp(r: float) -> float:
        reached = recall >= r - 1e-12
        return float(envelope[np.argmax(reached)]) if reached.any() else 0.0

    levels = np.unique(recall)
    step_x = np.concatenate([[0.0], np.repeat(levels, 2)[:-1]])
    step_y = np.repeat([p_interp(r) for r in levels], 2)
    samples = np.linspace(0, 1, 11)
    sampled = np.array([p_interp(r) for r in samples])

    fig, ax = plt.subplots(figsize=(WIDTH, 4.4))
    ax.plot(recall, precision, "-o", color=BLUE, lw=2, ms=5, label="raw precision / recall")
    ax.plot(step_x, step_y, color=ORANGE, lw=3.5, alpha=0.9, label="interpolated: max precision at recall ≥ r")
    ax.plot(samples, sampled, "s", color="black", ms=8,
            label=f"11 points r = 0, 0.1, …, 1  →  AP = {sampled.mean():.3f}")
    ax.set_xlim(-0.02, 1.03)
    ax.set_ylim(0, 1.08)
    ax.set_xticks(samples[::2])
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title("Precision–recall of a ranked detection list")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), frameon=False)
    ax.grid(alpha=0.3)
    return fig


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


def _nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    """Greedy NMS: take the best remaining box, drop every box with IoU > threshold to a kept one."""
    kept: list[int] = []
    for i in np.argsort(-scores):
        if all(_iou(boxes[i], boxes[k]) <= threshold for k in kept):
            kept.append(int(i))
    return kept


def nms_before_after() -> Figure:
    boxes = np.array(
        [  # x1, y1, x2, y2
            [1.2, 6.0, 7.8, 8.8], [1.7, 5.7, 8.3, 8.4], [0.8, 6.3, 7.4, 9.1], [1.5, 5.5, 7.6, 8.6],
            [2.3, 0.2, 8.8, 3.0], [1.9, 0.5, 8.4, 3.4], [2.7, -0.1, 9.2, 2.8],
        ]
    )
    scores = np.array([0.92, 0.81, 0.67, 0.55, 0.88, 0.74, 0.60])
    cluster = np.array([0, 0, 0, 0, 1, 1, 1])
    kept = _nms(boxes, scores, 0.5)
    colors = (BLUE, RED)

    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 4.0))
    for ax, shown, title in (
        (axes[0], range(len(boxes)), f"before NMS:\n{len(boxes)} scored boxes"),
        (axes[1], kept, f"after NMS (IoU 0.5):\n{len(kept)} kept"),
    ):
        for center in ((4.5, 7.3), (5.5, 1.6)):  # the two objects
            ax.add_patch(Ellipse(center, 6.0, 2.4, facecolor="#E4E4E4", edgecolor="none"))
        for i in shown:
            x1, y1, x2, y2 = boxes[i]
            color = colors[cluster[i]]
            best = i in kept
            ax.add_patch(
                Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=color, linewidth=3.2 if best else 1.8,
                          linestyle="-" if best else (0, (4, 2)))
            )
            # Each box of a cluster labels a different corner, by score rank: TL, TR, BL, BR.
            rank = sum(1 for k in shown if cluster[k] == cluster[i] and scores[k] > scores[i])
            right, bottom = rank % 2 == 1, rank >= 2
            ax.text(
                x2 if right else x1, y1 if bottom else y2, f"{scores[i]:.2f}", fontsize=11,
                ha="right" if right else "left", va="top" if bottom else "bottom", zorder=5,
                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": color, "linewidth": 1.5},
            )
        _blank(ax, (0.3, 9.7), (-1.0, 9.9))
        ax.set_title(title, fontsize=12)
    fig.tight_layout(w_pad=1.0)
    return fig


def residual_block() -> Figure:
    fig, ax = _diagram((-0.5, 6.8), (1.5, 9.8), width=5.2)
    cx, layer, relu = 2.5, (3.0, 0.8), (1.7, 0.62)
    ax.text(cx, 9.5, "x", ha="center", va="center", fontsize=15, fontweight="bold")
    _box(ax, (cx, 8.2), "weight layer", layer, SKY, fontsize=13)
    _box(ax, (cx, 7.0), "ReLU", relu, YELLOW, fontsize=13)
    _box(ax, (cx, 5.8), "weight layer", layer, SKY, fontsize=13)
    _node(ax, (cx, 4.5), "+")
    _box(ax, (cx, 3.3), "ReLU", relu, YELLOW, fontsize=13)
    for top, bottom in ((9.25, 8.58), (7.82, 7.3), (6.7, 6.18), (5.42, 4.82), (4.18, 3.6), (3.0, 2.2)):
        _path(ax, (cx, top), (cx, bottom))
    ax.text(cx, 1.9, "ReLU(F(x) + x)", ha="center", va="center", fontsize=13)
    ax.text(cx - 0.25, 3.9, "F(x) + x", ha="right", va="center", fontsize=13, color=RED)
    # identity skip
    _path(ax, (cx, 9.0), (5.3, 9.0), (5.3, 4.5), (cx + 0.32, 4.5), color=GREEN, lw=2.6)
    ax.text(5.45, 6.75, "x\nidentity", ha="left", va="center", fontsize=13, color=GREEN)
    # bracket marking the residual branch F(x)
    ax.plot([0.8, 0.55, 0.55, 0.8], [8.6, 8.6, 5.4, 5.4], color=RED, lw=2)
    ax.text(0.4, 7.0, "F(x)", ha="right", va="center", fontsize=13, color=RED)
    ax.text(cx + 0.25, 5.0, "F(x)", ha="left", va="center", fontsize=12, color=RED)
    return fig


def transposed_conv() -> Figure:
    inp = np.array([[1, 2], [3, 4]])
    kernel = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    stride, k = 2, kernel.shape[0]
    out = np.zeros(((inp.shape[0] - 1) * stride + k,) * 2, dtype=int)
    for (i, j), value in np.ndenumerate(inp):
        out[i * stride : i * stride + k, j * stride : j * stride + k] += value * kernel

    colors = np.array([[BLUE, ORANGE], [GREEN, PURPLE]])
    fig, ax = _diagram((-0.2, 13.0), (-1.7, 5.8))
    _grid(ax, inp, (0, 1.5), "{}", facecolors=[[_tint(c, 0.45) for c in row] for row in colors])
    _grid(ax, kernel, (3.0, 1.0), "{}")
    out_x = 7.8
    _grid(ax, out, (out_x, 0.0), "{}")
    inset = 0.08
    for (i, j), color in np.ndenumerate(colors):
        x, y = out_x + stride * j, out.shape[0] - stride * i - k
        ax.add_patch(Rectangle((x, y), k, k, facecolor=color, alpha=0.13, edgecolor="none"))
        ax.add_patch(
            Rectangle((x + inset, y + inset), k - 2 * inset, k - 2 * inset, fill=False, edgecolor=color, linewidth=2.6)
        )
    for x, text in ((1.0, "input 2×2"), (4.5, "kernel 3×3"), (out_x + 2.5, "output 5×5")):
        ax.text(x, 5.35, text, ha="center", va="center", fontsize=12, fontweight="bold")
    ax.text(6.9, 2.5, "→", ha="center", va="center", fontsize=22)
    centre = out.shape[0] // 2  # the middle output cell, covered by all four footprints
    terms = [(v, kernel[centre - stride * i, centre - stride * j]) for (i, j), v in np.ndenumerate(inp)]
    assert sum(v * w for v, w in terms) == out[centre, centre]
    ax.text(
        6.4, -0.9,
        f"stride {stride}: input cell (i, j) adds value × kernel at output ({stride}i, {stride}j);\n"
        f"overlaps are summed, e.g. centre = {' + '.join(f'{v}·{w}' for v, w in terms)} = {out[centre, centre]}",
        ha="center", va="center", fontsize=11,
    )
    return fig


def _scene() -> tuple[np.ndarray, np.ndarray]:
    """A 90×250 street scene sampled at 2 px per unit: per-pixel class (0 sky, 1 road, 2 car, 3 person)
    and instance id (0 = none)."""
    rows, cols = np.mgrid[0:180, 0:500] / 2
    instance = np.zeros(rows.shape, dtype=int)
    for ident, left in ((1, 15), (2, 160)):  # two cars: body, cabin, wheels
        body = (rows >= 52) & (rows < 74) & (cols >= left) & (cols < left + 78)
        cabin = (rows >= 36) & (rows < 52) & (cols >= left + 16) & (cols < left + 58)
        wheels = ((rows - 74) ** 2 + (cols - left - 18) ** 2 < 81) | ((rows - 74) ** 2 + (cols - left - 60) ** 2 < 81)
        instance[body | cabin | wheels] = ident
    head = (rows - 38) ** 2 + (cols - 125.5) ** 2 < 30
    torso = (rows >= 46) & (rows < 84) & (cols >= 120) & (cols < 131)
    instance[head | torso] = 3
    semantic = np.where(rows < 42, 0, 1)
    semantic[np.isin(instance, (1, 2))] = 2
    semantic[instance == 3] = 3
    return semantic, instance


def segmentation_types() -> Figure:
    semantic, instance = _scene()
    class_colors = np.array([to_rgb(c) for c in (SKY, GREY, ORANGE, PURPLE)])
    instance_colors = np.array([to_rgb(c) for c in ("#E0E0E0", ORANGE, GREEN, PURPLE)])
    panoptic = np.where(instance[..., None] > 0, instance_colors[instance], class_colors[semantic])
    spots = {"sky": (230, 14), "road": (106, 84), "car1": (54, 62), "car2": (199, 62), "person": (125, 24)}
    panels = (
        ("semantic: a class for every pixel", class_colors[semantic],
         {"sky": "sky", "road": "road", "car1": "car", "car2": "car", "person": "person"}),
        ("instance: an id for each countable object", instance_colors[instance],
         {"sky": "(not labelled)", "car1": "car #1", "car2": "car #2", "person": "person #1"}),
        ("panoptic: every pixel a class, objects an id", panoptic,
         {"sky": "sky", "road": "road", "car1": "car #1", "car2": "car #2", "person": "person #1"}),
    )
    fig, axes = plt.subplots(3, 1, figsize=(WIDTH, 7.4))
    for ax, (title, image, labels) in zip(axes, panels, strict=True):
        ax.imshow(image, interpolation="nearest")
        for key, text in labels.items():
            x, y = spots[key]
            ax.text(2 * x, 2 * y, text, ha="right" if key == "sky" else "center", va="center", fontsize=11,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
        _no_ticks(ax)
        ax.set_title(title, fontsize=12.5)
    fig.tight_layout(h_pad=0.8)
    return fig


# ---------------------------------------------------------------- deck 2: ML interview notes

CLASS_STYLE = ((BLUE, "o"), (ORANGE, "^"), (GREEN, "s"))  # colour and marker per class / cluster


def _scatter_classes(ax: Axes, pts: np.ndarray, labels: np.ndarray, size: float = 30) -> None:
    for k, (color, marker) in enumerate(CLASS_STYLE[: labels.max() + 1]):
        ax.scatter(*pts[labels == k].T, s=size, color=color, marker=marker, edgecolors="black", linewidths=0.6,
                   zorder=3)


def _assign(pts: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return np.argmin(((pts[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1), axis=1)


def kmeans_iterations() -> Figure:
    rng = np.random.default_rng(3)
    pts = _gaussian_blobs(rng, ((0.0, 0.0), (4.0, 0.8), (1.6, 4.0)), 40, 0.75)
    history = [pts[[0, 1, 2]]]  # deliberately poor start: three points of the same blob
    while True:  # Lloyd's algorithm: assign to the nearest centroid, move centroids to the means
        labels = _assign(pts, history[-1])
        assert np.bincount(labels, minlength=3).min() > 0, "empty cluster"
        moved = np.array([pts[labels == k].mean(axis=0) for k in range(3)])
        if np.allclose(moved, history[-1]):
            break
        history.append(moved)

    fig, axes = plt.subplots(1, 3, figsize=(WIDTH, 3.0), sharex=True, sharey=True)
    everything = np.vstack([pts, *history])
    low, high = everything.min(axis=0) - 0.5, everything.max(axis=0) + 0.5
    for ax, step, title in (
        (axes[0], 0, "initial centroids"),
        (axes[1], 1, "after 1 iteration"),
        (axes[2], len(history) - 1, f"converged\n(after {len(history) - 1} iterations)"),
    ):
        _scatter_classes(ax, pts, _assign(pts, history[step]), size=22)
        trail = np.array(history[: step + 1])
        for k, (color, _) in enumerate(CLASS_STYLE):
            ax.plot(trail[:, k, 0], trail[:, k, 1], color="black", lw=1.5, zorder=4)
            ax.scatter(*history[step][k], s=260, marker="X", color=color, edgecolors="black", linewidths=1.8, zorder=5)
        ax.set_title(title if "\n" in title else title + "\n", fontsize=12)
        _no_ticks(ax)
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
    fig.tight_layout(w_pad=0.4)
    return fig


def knn_decision_regions() -> Figure:
    rng = np.random.default_rng(7)
    pts = _gaussian_blobs(rng, ((-0.8, -0.4), (0.8, 0.4)), 50, 1.15)
    labels = np.repeat([0, 1], 50)
    xs = np.linspace(pts[:, 0].min() - 0.5, pts[:, 0].max() + 0.5, 220)
    ys = np.linspace(pts[:, 1].min() - 0.5, pts[:, 1].max() + 0.5, 220)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    dist = ((grid[:, None, :] - pts[None, :, :]) ** 2).sum(axis=-1)  # brute force: every grid cell to every point

    tints = np.array([_tint(BLUE, 0.25), _tint(ORANGE, 0.3)])
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 3.3))
    for ax, k, title in ((axes[0], 1, "K = 1: jagged, overfits"), (axes[1], 15, "K = 15: smooth")):
        nearest = np.argpartition(dist, k - 1, axis=1)[:, :k]
        vote = (labels[nearest].mean(axis=1) > 0.5).astype(int).reshape(len(ys), len(xs))
        ax.imshow(tints[vote], origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), interpolation="nearest")
        ax.contour(xs, ys, vote, levels=[0.5], colors="black", linewidths=1.5)
        _scatter_classes(ax, pts, labels, size=24)
        ax.set_title(title, fontsize=12)
        _no_ticks(ax)
    fig.tight_layout(w_pad=0.6)
    return fig


def _closest_hull_points(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closest pair of points between the convex hulls of point sets a and b (disjoint hulls).

    In the plane the minimum is always reached between a point of one set and a segment joining
    two points of the other, so brute force over all such pairs is exact.
    """
    best: tuple[float, np.ndarray, np.ndarray] = (np.inf, a[0], b[0])
    for mine, other, swap in ((a, b, False), (b, a, True)):
        i, j = np.triu_indices(len(mine), k=1)
        start, direction = mine[i][:, None, :], (mine[j] - mine[i])[:, None, :]
        t = np.clip(((other[None] - start) * direction).sum(-1) / (direction**2).sum(-1), 0, 1)
        foot = start + t[..., None] * direction
        dist = np.linalg.norm(foot - other[None], axis=-1)
        s, q = np.unravel_index(np.argmin(dist), dist.shape)
        if dist[s, q] < best[0]:
            pair = (other[q], foot[s, q]) if swap else (foot[s, q], other[q])
            best = (dist[s, q], *pair)
    return best[1], best[2]


def svm_margin() -> Figure:
    rng = np.random.default_rng(5)
    pts = _gaussian_blobs(rng, ((6.4, 6.0), (3.0, 2.8)), 15, 0.85)
    y = np.repeat([1, -1], 15)
    # Hard-margin SVM = perpendicular bisector of the closest points of the two convex hulls,
    # scaled so that w·x + b = ±1 passes through those points.
    p, q = _closest_hull_points(pts[y == 1], pts[y == -1])
    w = 2 * (p - q) / np.dot(p - q, p - q)
    b = -np.dot(w, (p + q) / 2)
    functional = y * (pts @ w + b)
    assert functional.min() > 1 - 1e-9, "data not separated with margin 1"
    support = np.isclose(functional, 1, atol=1e-9)

    fig, ax = plt.subplots(figsize=(WIDTH, 5.6))
    xs = np.linspace(0.5, 9.0, 300)
    ys = np.linspace(0.5, 8.5, 300)
    gx, gy = np.meshgrid(xs, ys)
    ax.contour(xs, ys, w[0] * gx + w[1] * gy + b, levels=[-1, 0, 1], colors=["black"] * 3,
               linestyles=["--", "-", "--"], linewidths=[2, 3, 2])
    _scatter_classes(ax, pts, (y == 1).astype(int), size=55)
    ax.scatter(*pts[support].T, s=330, facecolors="none", edgecolors=RED, linewidths=2.5, zorder=4)
    along = np.array([w[1], -w[0]]) / np.linalg.norm(w)  # unit vector along the lines
    anchor = (p + q) / 2 + 2.3 * along * np.sign(along[0])
    half = w / np.dot(w, w)  # from the middle line to the +1 line
    ax.annotate("", xy=anchor + half, xytext=anchor - half,
                arrowprops={"arrowstyle": "<|-|>", "color": RED, "lw": 2.2, "mutation_scale": 16,
                            "shrinkA": 0, "shrinkB": 0})
    ax.text(0.97, 0.04, f"margin = 2/‖w‖ = {2 / np.linalg.norm(w):.2f}", transform=ax.transAxes, color=RED,
            fontsize=13, ha="right", va="bottom")
    angle = np.degrees(np.arctan2(along[1], along[0]))
    angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
    start = (p + q) / 2 - 3.6 * along * np.sign(along[0])
    for level, text in ((1, "w·x + b = +1"), (0, "w·x + b = 0"), (-1, "w·x + b = −1")):
        ax.text(*(start + level * half), text, rotation=angle, rotation_mode="anchor", ha="center", va="bottom",
                fontsize=11, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    ax.scatter([], [], s=200, facecolors="none", edgecolors=RED, linewidths=2.5, label="support vectors")
    ax.legend(loc="upper left", frameon=False)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_aspect("equal")
    _no_ticks(ax)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Hard-margin SVM: the widest street")
    return fig


def _draw_mlp(ax: Axes, sizes: Sequence[int], dropped: dict[int, set[int]]) -> None:
    """An MLP, layers left to right; dropped[layer] = units removed in this step (with their edges)."""
    spacing = 1.0
    pos = [[(3.2 * layer, spacing * (n - 1) / 2 - spacing * u) for u in range(n)] for layer, n in enumerate(sizes)]
    fills = [GREEN] + [SKY] * (len(sizes) - 2) + [ORANGE]
    for layer in range(len(sizes) - 1):
        for u, v in itertools.product(range(sizes[layer]), range(sizes[layer + 1])):
            if u not in dropped.get(layer, set()) and v not in dropped.get(layer + 1, set()):
                (x0, y0), (x1, y1) = pos[layer][u], pos[layer + 1][v]
                ax.plot([x0, x1], [y0, y1], color="#707070", lw=1.0, zorder=1)
    for layer, column in enumerate(pos):
        for u, (x, y) in enumerate(column):
            off = u in dropped.get(layer, set())
            ax.add_patch(Circle((x, y), 0.3, facecolor="#EEEEEE" if off else fills[layer],
                                edgecolor=GREY if off else "black", linewidth=1.8, linestyle="--" if off else "-",
                                zorder=3))
            if off:
                ax.plot([x - 0.3, x + 0.3], [y - 0.3, y + 0.3], color=RED, lw=2.5, zorder=4)
                ax.plot([x - 0.3, x + 0.3], [y + 0.3, y - 0.3], color=RED, lw=2.5, zorder=4)
    names = ["input"] + [f"hidden {i}" for i in range(1, len(sizes) - 1)] + ["output"]
    for layer, name in enumerate(names):
        ax.text(3.2 * layer, -spacing * max(sizes) / 2 - 0.25, name, ha="center", va="top", fontsize=12)
    _blank(ax, (-0.8, 3.2 * (len(sizes) - 1) + 0.8), (-3.25, 2.45))


def dropout() -> Figure:
    sizes = (4, 5, 5, 2)
    dropped = {1: {1, 3}, 2: {0, 2, 3}}
    fig, axes = plt.subplots(2, 1, figsize=(WIDTH, 5.9))
    _draw_mlp(axes[0], sizes, {})
    axes[0].set_title("full network (used at test time)")
    _draw_mlp(axes[1], sizes, dropped)
    n_off = sum(len(units) for units in dropped.values())
    axes[1].set_title(f"one training step, dropout p = 0.5\n({n_off} of {sum(sizes[1:-1])} hidden units dropped)")
    fig.tight_layout(h_pad=1.0)
    return fig


def depthwise_vs_standard_conv() -> Figure:
    size, k, m, n = 14, 3, 256, 256  # feature map D_F, kernel D_K, input channels M, output channels N
    standard = size * size * k * k * m * n
    depthwise = size * size * k * k * m
    pointwise = size * size * m * n
    ratio = (depthwise + pointwise) / standard
    assert np.isclose(ratio, 1 / n + 1 / k**2)

    fig, ax = plt.subplots(figsize=(WIDTH, 3.6))
    mil = 1e-6
    ax.barh([1], [standard * mil], color=GREY, edgecolor="black", height=0.55)
    ax.barh([0], [depthwise * mil], color=RED, edgecolor="black", height=0.55, label="depthwise 3×3")
    ax.barh([0], [pointwise * mil], left=[depthwise * mil], color=SKY, edgecolor="black", height=0.55,
            label="pointwise 1×1")
    ax.text(standard * mil / 2, 1, f"{k}·{k}·{m}·{n}·{size}·{size}\n= {standard:,}", ha="center", va="center")
    ax.text(
        (depthwise + pointwise) * mil + 2, 0,
        f"{k}·{k}·{m}·{size}·{size} = {depthwise:,}\n+ {m}·{n}·{size}·{size} = {pointwise:,}\n"
        f"= {depthwise + pointwise:,}",
        ha="left", va="center", fontsize=11,
    )
    ax.text(
        0.5, -0.22, f"ratio = 1/N + 1/$D_K^2$ = 1/{n} + 1/{k * k} = {ratio:.3f}   (≈ {1 / ratio:.1f}× fewer)",
        transform=ax.transAxes, ha="center", va="top", fontsize=12,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "#F3F3F3", "edgecolor": "black"},
    )
    ax.set_yticks([1, 0], ["standard\n3×3 conv", "depthwise\nseparable"])
    ax.set_xlabel("multiply-adds (millions)")
    ax.set_ylim(-0.5, 1.8)
    ax.set_xlim(0, standard * mil * 1.01)
    ax.legend(loc="upper right", frameon=False, ncol=2, bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"One layer: {size}×{size} map, {m} → {n} channels")
    return fig


def lstm_cell() -> Figure:
    fig, ax = _diagram((-0.4, 12.8), (-1.9, 6.6))
    top, bottom, gate_y, r = 5.4, 1.2, 2.3, 0.32
    ax.add_patch(FancyBboxPatch((1.3, 0.6), 9.0, 5.4, boxstyle="round,pad=0,rounding_size=0.4",
                                facecolor="#F2F2F2", edgecolor="black", linewidth=1.5, zorder=0))
    # cell state along the top
    _path(ax, (0.0, top), (12.4, top), lw=3.2)
    ax.text(0.0, top + 0.25, "$c_{t-1}$", ha="left", va="bottom", fontsize=14)
    ax.text(12.4, top + 0.25, "$c_t$", ha="right", va="bottom", fontsize=14)
    _node(ax, (2.8, top), "×")
    _node(ax, (5.8, top), "+")
    # inputs h_{t-1} and x_t, concatenated, feed all four gates
    gates = ((2.8, "σ", "$f_t$"), (4.3, "σ", "$i_t$"), (5.8, "tanh", r"$\tilde{c}_t$"), (7.3, "σ", "$o_t$"))
    ax.plot([0.0, 7.3], [bottom, bottom], color="black", lw=2)
    ax.text(0.0, bottom + 0.2, "$h_{t-1}$", ha="left", va="bottom", fontsize=14)
    _path(ax, (1.9, -0.5), (1.9, bottom), head=False)
    ax.plot(1.9, bottom, "o", color="black", ms=7)  # h_{t-1} and x_t are concatenated here
    ax.text(1.9, -0.6, "$x_t$", ha="center", va="top", fontsize=14)
    for x, symbol, _ in gates:
        _path(ax, (x, bottom), (x, gate_y - 0.3))
        _box(ax, (x, gate_y), symbol, (1.2 if symbol == "tanh" else 0.7, 0.6),
             ORANGE if symbol == "tanh" else YELLOW, fontsize=13)
    _path(ax, (2.8, gate_y + 0.3), (2.8, top - r))  # forget gate scales c_{t-1}
    _node(ax, (5.8, 3.8), "×")
    _path(ax, (4.3, gate_y + 0.3), (4.3, 3.8), (5.8 - r, 3.8))  # input gate scales the candidate
    _path(ax, (5.8, gate_y + 0.3), (5.8, 3.8 - r))
    _path(ax, (5.8, 3.8 + r), (5.8, top - r))
    _box(ax, (8.8, 4.3), "tanh", (1.2, 0.55), ORANGE, fontsize=13)  # output: o_t ⊙ tanh(c_t)
    _path(ax, (8.8, top), (8.8, 4.3 + 0.28))
    _node(ax, (8.8, 3.0), "×")
    _path(ax, (8.8, 4.3 - 0.28), (8.8, 3.0 + r))
    _path(ax, (7.3, gate_y + 0.3), (7.3, 3.0), (8.8 - r, 3.0))
    _path(ax, (8.8 + r, 3.0), (12.4, 3.0), lw=3.2)
    ax.text(12.4, 3.2, "$h_t$", ha="right", va="bottom", fontsize=14)
    for (x, _, label), (dx, y) in zip(gates, ((-0.15, 3.9), (-0.15, 3.1), (-0.15, 3.05), (0.7, 3.1)), strict=True):
        ax.text(x + dx, y, label, ha="right" if dx < 0 else "center", va="bottom" if dx > 0 else "center", fontsize=13)
    ax.text(6.2, -1.4, r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t$      $h_t = o_t \odot \tanh(c_t)$",
            ha="center", va="center", fontsize=13)
    return fig


def _adaboost(x: np.ndarray, y: np.ndarray, rounds: int) -> list[tuple[np.ndarray, float, float, int]]:
    """AdaBoost with threshold stumps h(x) = s·sign(x − θ): per round (weights used, θ, α, s)."""
    weights = np.full(len(x), 1 / len(x))
    thresholds = np.concatenate([[x[0] - 0.5], (x[:-1] + x[1:]) / 2, [x[-1] + 0.5]])
    steps = []
    for _ in range(rounds):
        candidates = [(weights[np.where(x > t, s, -s) != y].sum(), t, s) for t in thresholds for s in (1, -1)]
        error, theta, sign = min(candidates, key=lambda c: c[0])
        alpha = 0.5 * np.log((1 - error) / error)
        steps.append((weights, theta, alpha, sign))
        weights = weights * np.exp(-alpha * y * np.where(x > theta, sign, -sign))
        weights = weights / weights.sum()
    return steps


def _dots(ax: Axes, center: tuple[float, float], y: np.ndarray, weights: np.ndarray, width: float) -> None:
    """A row of data points inside a box: colour/marker = class, area ∝ weight."""
    xs = center[0] + np.linspace(-width / 2, width / 2, len(y))
    for (color, marker), label in zip(CLASS_STYLE[:2], (1, -1), strict=True):
        mask = y == label
        ax.scatter(xs[mask], np.full(mask.sum(), center[1]), s=1000 * weights[mask], color=color, marker=marker,
                   edgecolors="black", linewidths=0.6, zorder=5)


def bagging_vs_boosting() -> Figure:
    fig, (top, low) = plt.subplots(2, 1, figsize=(WIDTH, 6.6))
    cols = (2.0, 6.0, 10.0)

    rng = np.random.default_rng(11)
    _blank(top, (-0.1, 12.1), (-0.1, 5.3))
    top.set_title("Bagging: independent models in parallel", fontweight="bold")
    _box(top, (6, 4.7), "training set  {1, 2, 3, 4, 5, 6}", (6.2, 0.7), "#EEEEEE")
    _box(top, (6, 0.45), "vote (classes) / average (values)", (7.4, 0.7), YELLOW)
    for i, x in enumerate(cols, start=1):
        draw = ", ".join(str(v) for v in np.sort(rng.integers(1, 7, size=6)))
        _box(top, (x, 3.25), f"bootstrap {i}\n{{{draw}}}", (3.5, 1.0), "white", fontsize=11)
        _box(top, (x, 1.8), f"model {i}", (2.4, 0.6), SKY)
        _path(top, (6 + (x - 6) * 0.45, 4.35), (x, 3.75))
        _path(top, (x, 2.75), (x, 2.1))
        _path(top, (x, 1.5), (6 + (x - 6) * 0.55, 0.8))

    _blank(low, (-0.1, 12.1), (-0.9, 5.3))
    low.set_title("Boosting: models in sequence, reweighting the errors", fontweight="bold")
    x_data = np.arange(8.0)
    y_data = np.array([1, 1, -1, -1, 1, 1, 1, -1])
    steps = _adaboost(x_data, y_data, rounds=3)
    for i, (x, (weights, theta, alpha, _)) in enumerate(zip(cols, steps, strict=True), start=1):
        low.add_patch(FancyBboxPatch((x - 1.75, 3.85), 3.5, 1.3, boxstyle="round,pad=0,rounding_size=0.15",
                                     facecolor="white", edgecolor="black", linewidth=1.5))
        low.text(x, 4.85, f"data, weights $w^{{({i})}}$", ha="center", va="center", fontsize=11)
        _dots(low, (x, 4.25), y_data, weights, width=2.8)
        low.plot([x + 1.4 * (theta - 3.5) / 3.5] * 2, [3.95, 4.55], color="black", lw=1.5, ls="--", zorder=6)
        _box(low, (x, 2.45), f"stump {i}\n$\\alpha_{i}$ = {alpha:.2f}", (2.6, 0.9), SKY, fontsize=12)
        _path(low, (x, 3.85), (x, 2.9))
        _path(low, (x, 2.0), (6 + (x - 6) * 0.5, 0.8))
        if i < len(cols):
            _path(low, (x + 1.0, 2.9), (x + 2.3, 3.85), color=RED)
            low.text(x + 2.0, 3.25, "errors\n↑ weight", ha="left", va="center", fontsize=10.5, color=RED)
    _box(low, (6, 0.45), r"weighted vote  $\mathrm{sign}(\Sigma_m\, \alpha_m h_m(x))$", (7.4, 0.8), YELLOW)
    low.text(6, -0.25, "dot area ∝ weight,  dashed line = that stump's split", ha="center", va="top", fontsize=11)
    fig.tight_layout(h_pad=1.5)
    return fig


def activation_functions() -> Figure:
    x = np.linspace(-5, 5, 401)
    panels = (
        ("sigmoid: range (0, 1)", 1 / (1 + np.exp(-x)), (0, 1), (-0.25, 1.25)),
        ("tanh: range (−1, 1)", np.tanh(x), (-1, 1), (-1.35, 1.35)),
        ("ReLU: range [0, ∞)", np.maximum(0, x), (0,), (-1.2, 5.2)),
        ("leaky ReLU (α = 0.1): (−∞, ∞)", np.where(x > 0, x, 0.1 * x), (), (-1.2, 5.2)),
    )
    fig, axes = plt.subplots(2, 2, figsize=(WIDTH, 4.8), sharex=True)
    for ax, (title, fx, bounds, ylim), color in zip(axes.flat, panels, (BLUE, GREEN, ORANGE, RED), strict=True):
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(0, color="black", lw=0.8)
        for bound in bounds:
            ax.axhline(bound, color=GREY, lw=1.5, ls="--")
        ax.plot(x, fx, color=color, lw=3)
        ax.set_ylim(*ylim)
        ax.set_xlim(-5, 5)
        ax.set_title(title, fontsize=12)
        ax.grid(alpha=0.25)
    fig.tight_layout(h_pad=0.8, w_pad=0.8)
    return fig


def gaussian_kernel() -> Figure:
    box = np.full((5, 5), 1 / 25)
    offsets = np.arange(-2, 3)
    gauss = np.exp(-(offsets[:, None] ** 2 + offsets[None, :] ** 2) / (2 * 1.0**2))
    gauss = gauss / gauss.sum()
    cmap = plt.get_cmap("cividis")
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 3.3))
    for ax, kernel, title in ((axes[0], box, "box blur: all 1/25"), (axes[1], gauss, "Gaussian, σ = 1")):
        _grid(ax, kernel, (0, 0), "{:.3f}", facecolors=cmap(kernel / gauss.max()), fontsize=11)
        _blank(ax, (-0.05, 5.05), (-0.05, 5.05))
        ax.set_title(f"{title}\n(weights sum to {kernel.sum():.0f})", fontsize=12)
    fig.tight_layout(w_pad=1.0)
    return fig


def momentum() -> Figure:
    curvature = np.array([1.0, 50.0])  # f(x, y) = (x² + 50 y²) / 2
    start, steps = np.array([-4.5, 0.7]), 25

    def descend(eta: float, beta: float) -> np.ndarray:
        """Heavy-ball iterations v ← βv − η∇f, p ← p + v (β = 0 is plain gradient descent)."""
        point, velocity, path = start, np.zeros(2), [start]
        for _ in range(steps):
            velocity = beta * velocity - eta * curvature * point
            point = point + velocity
            path.append(point)
        return np.array(path)

    xs, ys = np.linspace(-5, 1.2, 300), np.linspace(-0.8, 0.85, 200)
    gx, gy = np.meshgrid(xs, ys)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.9))
    fig.subplots_adjust(left=0.02, right=0.98)
    ax.contour(xs, ys, 0.5 * (curvature[0] * gx**2 + curvature[1] * gy**2), levels=[0.1, 0.5, 1.5, 3, 5, 8, 12],
               colors=GREY, linewidths=1.2)
    for (eta, beta), color, marker, label in (
        ((0.037, 0.0), RED, "o", "gradient descent (η = 0.037)"),
        ((0.018, 0.8), BLUE, "s", "momentum (η = 0.018, β = 0.8)"),
    ):
        path = descend(eta, beta)
        final = 0.5 * (curvature[0] * path[-1][0] ** 2 + curvature[1] * path[-1][1] ** 2)  # no BLAS dot
        ax.plot(*path.T, color=color, marker=marker, ms=5, lw=2.2, label=f"{label}: f = {final:.3f}")
    ax.plot(0, 0, "*", color="black", ms=16, zorder=5)
    ax.plot(*start, "o", color="black", ms=9, zorder=5)
    ax.text(start[0] + 0.12, start[1] + 0.04, "start", ha="left", va="bottom", fontsize=11)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    _no_ticks(ax)
    ax.set_title(f"{steps} steps on an elongated bowl  f = (x² + 50y²)/2")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.03), frameon=False)
    return fig


# ---------------------------------------------------------------- the second half of the syllabus
# Plain Python sums and closed forms only: no matrix products, so every CPU draws the same data.


def focal_loss() -> Figure:
    p = np.linspace(0.005, 1.0, 400)
    fig, ax = plt.subplots(figsize=(WIDTH, 4.0))
    for gamma, color in ((0, BLACK_GREY), (0.5, SKY), (1, GREEN), (2, ORANGE), (5, RED)):
        label = "γ = 0 (cross-entropy)" if gamma == 0 else f"γ = {gamma}"
        ax.plot(p, -((1 - p) ** gamma) * np.log(p), color=color, label=label)
    easy = 0.9
    ce, fl = -math.log(easy), -((1 - easy) ** 2) * math.log(easy)
    ax.annotate(f"p_t = {easy}: CE {ce:.3f},\nγ = 2: {fl:.4f} ({ce / fl:.0f}× less)", xy=(easy, fl),
                xytext=(0.5, 1.6), fontsize=11, arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.2})
    ax.axvspan(0.6, 1.0, color=GREEN, alpha=0.08)
    ax.text(0.8, 3.7, "well classified", ha="center", va="center", fontsize=11, color=GREEN)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 4.2)
    ax.set_xlabel("probability of the true class  $p_t$")
    ax.set_ylabel("loss")
    ax.set_title("Focal loss  $-(1 - p_t)^\\gamma \\log p_t$")
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.88), frameon=False)
    ax.grid(alpha=0.3)
    return fig


def anchor_boxes() -> Figure:
    fig, ax = plt.subplots(figsize=(WIDTH, 4.9))
    scales, ratios = (128, 256, 512), (0.5, 1.0, 2.0)
    styles = {0.5: "-", 1.0: (0, (5, 2)), 2.0: (0, (1.5, 1.5))}
    for scale, color in zip(scales, (BLUE, ORANGE, RED), strict=True):
        for ratio in ratios:
            w, h = scale / math.sqrt(ratio), scale * math.sqrt(ratio)  # area scale², h / w = ratio
            ax.add_patch(Rectangle((-w / 2, -h / 2), w, h, fill=False, edgecolor=color, lw=2.2, ls=styles[ratio]))
        ax.plot([], [], color=color, lw=2.5, label=f"area {scale}²")
    for ratio in ratios:
        ax.plot([], [], color="black", lw=2, ls=styles[ratio], label=f"h : w = {ratio:g}")
    w, h = 128 / math.sqrt(2), 128 * math.sqrt(2)
    ax.annotate(f"{w:.1f} × {h:.1f}", xy=(w / 2, h / 2 - 10), xytext=(60, 260), fontsize=11, color=BLUE,
                arrowprops={"arrowstyle": "->", "color": BLUE, "lw": 1.2})
    ax.plot(0, 0, "o", color="black", ms=6)
    ax.set_xlim(-380, 620)
    ax.set_ylim(-380, 380)
    ax.set_aspect("equal")
    ax.set_xlabel("x (pixels from the anchor centre)")
    ax.set_ylabel("y (pixels)")
    ax.set_title("The 9 anchors at one position: 3 areas × 3 aspect ratios")
    ax.legend(loc="center right", frameon=False, handlelength=2.2)
    return fig


def atrous_conv() -> Figure:
    size, center = 9, 4
    fig, axes = plt.subplots(1, 3, figsize=(WIDTH, 2.9))
    for ax, rate in zip(axes, (1, 2, 3), strict=True):
        taps = {(center + rate * di, center + rate * dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)}
        span = 3 + 2 * (rate - 1)  # k + (k - 1)(r - 1)
        low = center - (span - 1) / 2
        ax.add_patch(Rectangle((low, low), span, span, facecolor=_tint(ORANGE, 0.25), edgecolor="none"))
        for i, j in itertools.product(range(size), range(size)):
            face = BLUE if (i, j) in taps else "none"
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=face, edgecolor=GREY, linewidth=0.8))
        _blank(ax, (-0.1, size + 0.1), (-0.1, size + 0.1))
        ax.set_title(f"rate {rate}: 9 taps\nspan {span}×{span}", fontsize=12)
    fig.tight_layout(w_pad=0.8)
    return fig


def norm_axes() -> Figure:
    samples, channels, groups = 4, 6, 3
    palette = (BLUE, ORANGE, GREEN, PURPLE, SKY, RED, YELLOW, GREY)
    schemes = (
        ("Batch\nNorm", lambda n, c: c),
        ("Layer\nNorm", lambda n, c: n),
        ("Instance\nNorm", lambda n, c: n * channels + c),
        (f"Group Norm\n({groups} groups)", lambda n, c: n * groups + c // (channels // groups)),
    )
    fig, axes = plt.subplots(1, 4, figsize=(WIDTH, 3.3))
    for ax, (title, group_of) in zip(axes, schemes, strict=True):
        for n, c in itertools.product(range(samples), range(channels)):
            group = group_of(n, c)
            color = palette[group % len(palette)]
            ax.add_patch(Rectangle((n, channels - 1 - c), 1, 1, facecolor=_tint(color, 0.75), edgecolor="white", lw=2))
        _blank(ax, (-0.05, samples + 0.05), (-0.05, channels + 0.05))
        ax.set_title(title, fontsize=11.5)
        ax.text(samples / 2, -0.35, "samples N →", ha="center", va="top", fontsize=11)
    axes[0].text(-0.35, channels / 2, "channels C →", rotation=90, ha="right", va="center", fontsize=11)
    fig.suptitle("One colour = one set of values sharing μ and σ\n(each square: a whole H×W map)", fontsize=12)
    fig.tight_layout(w_pad=0.6)
    return fig


def he_init() -> Figure:
    layers = np.arange(0, 31)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.9))
    for gain, color, label in ((1, BLUE, "Var(w) = 1/fan_in: ×0.5 a layer"), (2, GREEN, "He, 2/fan_in: ×1"),
                               (3, RED, "3/fan_in: ×1.5 a layer")):
        factor = gain / 2  # E[x²] of a ReLU layer's input = fan_in · Var(w) · E[x²] before / 2
        ax.plot(layers, [factor ** int(layer) for layer in layers], color=color, label=label, marker="o", ms=3.5)
    ax.set_yscale("log", base=10)
    ax.set_xlim(0, 30)
    ax.set_ylim(1e-10, 1e7)
    ax.set_xlabel("layer")
    ax.set_ylabel("mean square of activations")
    ax.set_title("ReLU layers: signal size with depth, by init variance")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return fig


def window_attention_cost() -> Figure:
    channels, window = 96, 7
    sides = list(range(14, 113, 7))
    full = [(4 * s * s * channels**2 + 2 * (s * s) ** 2 * channels) / 1e9 for s in sides]
    windowed = [(4 * s * s * channels**2 + 2 * window**2 * s * s * channels) / 1e9 for s in sides]
    fig, ax = plt.subplots(figsize=(WIDTH, 3.9))
    ax.plot(sides, full, color=RED, marker="o", ms=4, label="global self-attention: ∝ (hw)²")
    ax.plot(sides, windowed, color=BLUE, marker="s", ms=4, label=f"{window}×{window} windows: ∝ hw")
    at = sides.index(56)
    ax.annotate(f"56×56: {full[at]:.1f} vs {windowed[at]:.2f} GFLOPs", xy=(56, full[at]), xytext=(60, 0.012),
                fontsize=11, arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.set_yscale("log", base=10)
    ax.set_xlabel("feature map side h = w (tokens)")
    ax.set_ylabel("GFLOPs per layer")
    ax.set_title(f"One attention layer, C = {channels}")
    ax.legend(loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return fig


def diffusion_schedule() -> Figure:
    steps = 1000
    alpha_bar, product = [], 1.0
    for t in range(steps):
        beta = 1e-4 + (0.02 - 1e-4) * t / (steps - 1)  # DDPM's linear schedule
        product *= 1 - beta
        alpha_bar.append(product)
    t = np.arange(1, steps + 1)
    signal = np.sqrt(alpha_bar)
    noise = np.sqrt(1 - np.array(alpha_bar))
    cross = int(np.argmax(signal <= noise)) + 1
    fig, ax = plt.subplots(figsize=(WIDTH, 3.8))
    ax.plot(t, signal, color=BLUE, label=r"signal  $\sqrt{\bar\alpha_t}$")
    ax.plot(t, noise, color=RED, label=r"noise  $\sqrt{1 - \bar\alpha_t}$")
    ax.axvline(cross, color=GREY, ls="--", lw=1.5)
    ax.text(cross + 15, 0.5, f"equal near t = {cross}", va="center", fontsize=11)
    ax.text(steps, signal[-1] + 0.04, f"{signal[-1]:.4f}", ha="right", va="bottom", fontsize=11, color=BLUE)
    ax.set_xlim(0, steps)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("step t")
    ax.set_title(r"$x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1 - \bar\alpha_t}\,\epsilon$, linear β from $10^{-4}$ to 0.02")
    ax.legend(loc="center right", frameon=False)
    ax.grid(alpha=0.3)
    return fig


ROC_POSITIVES = (0.95, 0.9, 0.8, 0.75, 0.6, 0.55, 0.4, 0.3)
ROC_NEGATIVES = (0.85, 0.7, 0.5, 0.45, 0.35, 0.25, 0.2, 0.1)


def roc_curve() -> Figure:
    ranked = sorted([(s, 1) for s in ROC_POSITIVES] + [(s, 0) for s in ROC_NEGATIVES], reverse=True)
    tpr, fpr, tp, fp = [0.0], [0.0], 0, 0
    for _, label in ranked:
        tp, fp = tp + label, fp + 1 - label
        tpr.append(tp / len(ROC_POSITIVES))
        fpr.append(fp / len(ROC_NEGATIVES))
    wins = sum(p > n for p in ROC_POSITIVES for n in ROC_NEGATIVES)
    auc = Fraction(wins, len(ROC_POSITIVES) * len(ROC_NEGATIVES))
    fig, ax = plt.subplots(figsize=(WIDTH, 4.4))
    ax.fill_between(fpr, tpr, step="post", color=BLUE, alpha=0.15)
    ax.step(fpr, tpr, where="post", color=BLUE, lw=2.8, label=f"classifier: AUC = {auc.numerator}/{auc.denominator}"
            f" ≈ {float(auc):.3f}")
    ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1.8, label="random: AUC = 0.5")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("false positive rate  FP / (FP + TN)")
    ax.set_ylabel("true positive rate  TP / (TP + FN)")
    ax.set_title("ROC curve: 8 positives, 8 negatives")
    ax.legend(loc="lower right", frameon=False)
    ax.grid(alpha=0.3)
    return fig


def _normal_pdf(x: float, mean: float, sd: float) -> float:
    return math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def _em_1d(xs: list[float], means: list[float], sds: list[float], weights: list[float], rounds: int):
    """EM for a 1-D Gaussian mixture, in plain Python sums: (means, sds, weights) after `rounds`."""
    for _ in range(rounds):
        dens = [[w * _normal_pdf(x, m, s) for m, s, w in zip(means, sds, weights)] for x in xs]
        resp = [[d / math.fsum(row) for d in row] for row in dens]
        counts = [math.fsum(r[k] for r in resp) for k in range(len(means))]
        means = [math.fsum(r[k] * x for r, x in zip(resp, xs)) / counts[k] for k in range(len(means))]
        sds = [math.sqrt(math.fsum(r[k] * (x - means[k]) ** 2 for r, x in zip(resp, xs)) / counts[k])
               for k in range(len(means))]
        weights = [c / len(xs) for c in counts]
    return means, sds, weights


def gmm_em() -> Figure:
    rng = np.random.default_rng(5)
    xs = [float(v) for v in np.concatenate([rng.normal(-1.5, 0.8, 120), rng.normal(2.0, 1.2, 180)])]
    start = ([-0.5, 0.5], [1.0, 1.0], [0.5, 0.5])
    fitted = _em_1d(xs, *start, rounds=40)
    grid = np.linspace(-5, 6.5, 400)
    fig, axes = plt.subplots(2, 1, figsize=(WIDTH, 5.2), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    top, low = axes
    top.hist(xs, bins=30, range=(-5, 6.5), density=True, color="#DDDDDD", edgecolor="white")
    for title, (means, sds, weights), style in (("start", start, ":"), ("after 40 EM rounds", fitted, "-")):
        for k, color in enumerate((BLUE, ORANGE)):
            top.plot(grid, [weights[k] * _normal_pdf(g, means[k], sds[k]) for g in grid], color=color, ls=style,
                     lw=2.4 if style == "-" else 1.8)
        top.plot([], [], color="black", ls=style, label=title)
    means, sds, weights = fitted
    top.set_title(f"fit: μ = {means[0]:.2f}, {means[1]:.2f};  σ = {sds[0]:.2f}, {sds[1]:.2f};  "
                  f"π = {weights[0]:.2f}, {weights[1]:.2f}", fontsize=11.5)
    top.legend(loc="upper right", frameon=False)
    top.set_ylabel("density")
    dens = [[weights[k] * _normal_pdf(g, means[k], sds[k]) for k in range(2)] for g in grid]
    low.plot(grid, [d[0] / (d[0] + d[1]) for d in dens], color=BLUE, label="component 1")
    low.plot(grid, [d[1] / (d[0] + d[1]) for d in dens], color=ORANGE, label="component 2")
    low.set_ylabel("responsibility")
    low.set_ylim(-0.05, 1.05)
    low.set_xlabel("x")
    low.legend(loc="center right", frameon=False)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout(h_pad=0.6)
    return fig


def _correlate3(image: np.ndarray, kernel: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """3×3 correlation over the valid region, as shifted sums (no matrix product)."""
    h, w = image.shape
    out = np.zeros((h - 2, w - 2))
    for i, j in itertools.product(range(3), range(3)):
        if kernel[i][j]:
            out += kernel[i][j] * image[i:i + h - 2, j:j + w - 2]
    return out


def sobel_edges() -> Figure:
    rows, cols = np.mgrid[0:48, 0:48]
    image = np.full((48, 48), 0.15)
    image[(rows >= 8) & (rows < 30) & (cols >= 6) & (cols < 24)] = 0.85       # a bright square
    image[(rows - 30) ** 2 + (cols - 33) ** 2 < 100] = 0.55                   # a grey disc
    gx = _correlate3(image, ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)))
    gy = _correlate3(image, ((-1, -2, -1), (0, 0, 0), (1, 2, 1)))
    magnitude = np.hypot(gx, gy)
    panels = (("image", image[1:-1, 1:-1], "gray", (0, 1)), ("$G_x$ (vertical edges)", gx, "RdBu_r", (-3.4, 3.4)),
              ("$G_y$ (horizontal edges)", gy, "RdBu_r", (-3.4, 3.4)), ("magnitude", magnitude, "magma", (0, 3.4)))
    fig, axes = plt.subplots(2, 2, figsize=(WIDTH * 0.85, 5.6))
    for ax, (title, data, cmap, (low, high)) in zip(axes.flat, panels, strict=True):
        ax.imshow(data, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
        ax.set_title(title, fontsize=12)
        _no_ticks(ax)
    fig.tight_layout(h_pad=0.8, w_pad=0.6)
    return fig


FIGURES: dict[str, Callable[[], Figure]] = {
    "pca-axes.png": pca_axes,
    "precision-recall-curve.png": precision_recall_curve,
    "nms-before-after.png": nms_before_after,
    "residual-block.png": residual_block,
    "transposed-conv.png": transposed_conv,
    "segmentation-types.png": segmentation_types,
    "kmeans-iterations.png": kmeans_iterations,
    "knn-decision-regions.png": knn_decision_regions,
    "svm-margin.png": svm_margin,
    "dropout.png": dropout,
    "depthwise-vs-standard-conv.png": depthwise_vs_standard_conv,
    "lstm-cell.png": lstm_cell,
    "bagging-vs-boosting.png": bagging_vs_boosting,
    "activation-functions.png": activation_functions,
    "gaussian-kernel.png": gaussian_kernel,
    "momentum.png": momentum,
    "focal-loss.png": focal_loss,
    "anchor-boxes.png": anchor_boxes,
    "atrous-conv.png": atrous_conv,
    "norm-axes.png": norm_axes,
    "he-init.png": he_init,
    "window-attention-cost.png": window_attention_cost,
    "diffusion-schedule.png": diffusion_schedule,
    "roc-curve.png": roc_curve,
    "gmm-em.png": gmm_em,
    "sobel-edges.png": sobel_edges,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in FIGURES.items():
        fig = draw()
        fig.savefig(out / name, dpi=DPI, metadata={"Software": None})
        plt.close(fig)


if __name__ == "__main__":
    main()
