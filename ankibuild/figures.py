"""Draw generator figures as PNG: one shared look, deterministic bytes, themed for day and night.

Figures are drawn in dark ink on a transparent background; the note type's CSS inverts them in
night mode (`img.figure`), so one file serves both themes. matplotlib is imported only here, and
only when a figure must actually be drawn: a warm rebuild never pays for it.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import io
import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .diagnostics import display_path
from .practice import PACKAGE, open_package, raised_at
from .problem import Figure
from .sandbox import run_fenced

DPI = 100  # a 4-inch figure is 400 px: the width of a phone screen in CSS pixels
INK = "#222222"
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")  # Okabe–Ito
STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "grid.color": "#999999",
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "savefig.transparent": True,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
}


@contextmanager
def drawn(draw: Callable[..., Any], args: dict[str, Any], size: tuple[float, float]) -> Iterator[Any]:
    """The matplotlib Figure after `draw(fig, **args)`, inside the house style (tests inspect it
    here). There is no layout engine: a constrained layout pass doubles the cost of a figure, so
    draw functions place their axes (fig.add_axes) or opt in with fig.set_layout_engine."""
    import matplotlib
    matplotlib.use("Agg")
    from cycler import cycler
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**STYLE, "axes.prop_cycle": cycler(color=PALETTE)}):
        fig = Figure(figsize=size, dpi=DPI)
        draw(fig, **args)
        yield fig


def render_png(draw: Callable[..., Any], args: dict[str, Any], size: tuple[float, float]) -> bytes:
    """The PNG bytes of `draw(fig, **args)` on a blank figure of `size` inches."""
    with drawn(draw, args, size) as fig:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class Drawing:
    """One figure to draw, named by a hash of everything its pixels depend on."""

    key: str
    module: str
    function: str
    args: dict[str, Any]
    size: tuple[float, float]
    time_limit: float = 5.0  # seconds; not part of the key: it changes no pixel


@dataclass(frozen=True)
class DrawFailure:
    """A draw function that raised: where in the user's code, and what."""

    path: str
    line: int
    message: str


def drawings(figures: list[Figure], limits: dict[int, float] | None = None) -> list[Drawing]:
    """The Drawing of each generator Figure (with its time limit, by id() of the figure); its key
    changes with the args, the size, the source of the generator module and its private helpers,
    this module, and matplotlib's version."""
    shared = hashlib.sha256(f"{DPI} {importlib.metadata.version('matplotlib')}".encode())
    shared.update(Path(__file__).read_bytes())
    digests: dict[str, bytes] = {}
    result = []
    for figure in figures:
        name = figure.draw.__module__
        if name not in digests:
            module_file = Path(sys.modules[name].__file__)
            digest = shared.copy()
            for source in [module_file, *sorted(module_file.parent.glob("_*.py"))]:
                digest.update(hashlib.sha256(source.read_bytes()).digest())
            digests[name] = digest.digest()
        content = json.dumps([figure.draw.__qualname__, figure.args, list(figure.size)], sort_keys=True)
        key = hashlib.sha256(digests[name] + content.encode()).hexdigest()[:32]
        result.append(Drawing(key, name, figure.draw.__qualname__, figure.args, figure.size,
                              (limits or {}).get(id(figure), 5.0)))
    return result


def draw_figures(figures: list[Figure], cache: Path, generators: Path, draw: bool = True,
                 limits: dict[int, float] | None = None) -> dict[int, Path | DrawFailure]:
    """Each figure's PNG file (or why it failed), by id() of the figure; with `draw` False, only
    those already in the cache (`check` draws nothing). Each drawing must finish within its time
    limit (`limits`, seconds by id() of the figure; 5 s if not given)."""
    items = drawings(figures, limits)
    outcomes = draw_all(items, cache, generators, draw)
    return {id(figure): outcomes[item.key] for figure, item in zip(figures, items) if item.key in outcomes}


def draw_all(drawings: list[Drawing], cache: Path, generators: Path,
             draw: bool = True) -> dict[str, Path | DrawFailure]:
    """Each drawing's PNG in `cache`, drawing only those not there yet (if `draw`), over all cores."""
    results: dict[str, Path | DrawFailure] = {}
    missing = {}
    for item in drawings:
        path = cache / f"{item.key}.png"
        if path.is_file() and path.stat().st_size:
            results[item.key] = path
        else:
            missing[item.key] = item
    if not draw or not missing:
        return results
    cache.mkdir(parents=True, exist_ok=True)
    jobs = [(item, cache) for item in missing.values()]
    workers = min(_cores(), len(jobs) // IN_PROCESS_BELOW + 1)
    if workers <= 1:
        outcomes = [_draw(job) for job in jobs]
    else:
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                              else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(generators,)) as pool:
            outcomes = list(pool.map(_draw, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    for item, outcome in zip(missing.values(), outcomes):
        results[item.key] = outcome
    return results


IN_PROCESS_BELOW = 8  # fewer figures than this are drawn in this process: starting workers costs more


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(generators: Path) -> None:
    """A spawned worker imports the generators itself; a forked one has them already."""
    if PACKAGE not in sys.modules:
        open_package(generators)


def _draw(job: tuple[Drawing, Path]) -> Path | DrawFailure:
    """Draw one figure, fenced (see sandbox.py): whatever the draw function does is a DrawFailure,
    never a crash or a hang of the build. What it prints is dropped."""
    item, cache = job
    import matplotlib.figure  # noqa: F401 - loaded (and its font cache written) outside the fence
    import matplotlib.font_manager  # noqa: F401
    function = getattr(importlib.import_module(item.module), item.function)
    outcome = run_fenced(render_png, function, item.args, item.size, limit=item.time_limit)
    module_file = Path(sys.modules[item.module].__file__)
    if outcome.forbidden:
        return DrawFailure(display_path(module_file, Path.cwd()), 0, f"tried to {outcome.forbidden[0]}, "
                           "which a draw function may not (see README, 'Writing a generator')")
    if outcome.failure:
        where = raised_at(outcome.error, module_file) if not outcome.failure.startswith("timed out") \
            else (display_path(module_file, Path.cwd()), 0)
        return DrawFailure(*where, outcome.failure)
    data = outcome.value
    path = cache / f"{item.key}.png"
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as err:  # a full disk: the figure is not lost for want of a cache
        return DrawFailure(str(cache), 0, f"could not be cached ({err.strerror or err}); free space, or choose "
                                          "another --cache-dir")
    return path
