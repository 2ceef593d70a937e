"""Draw the figures of generated problems over all cores, into a cache keyed by what their pixels
depend on, and report a draw function that raised as the user's error."""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import figures as look
from .figures import DPI, render_png
from .diagnostics import display_path
from .practice import PACKAGE, open_package, raised_at
from .problem import Figure
from .progress import Progress
from .sandbox import run_fenced


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


def drawings(figures: list[Figure], limits: list[float] | None = None) -> list[Drawing]:
    """The Drawing of each generator Figure; its key changes with the args, the size, the source of
    the generator module and its private helpers, the figure look (figures.py), and matplotlib's version."""
    shared = hashlib.sha256(f"{DPI} {importlib.metadata.version('matplotlib')}".encode())
    shared.update(Path(look.__file__).read_bytes())
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
                              limits[len(result)] if limits else 5.0))
    return result


def draw_all(drawings: list[Drawing], cache: Path, generators: Path, cwd: Path, draw: bool = True,
             progress: bool = False) -> dict[str, Path | DrawFailure]:
    """Each drawing's PNG in `cache` (or why drawing it failed), by drawing key, drawing only those
    not there yet (if `draw`; `check` draws nothing), over all cores."""
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
    jobs = [(item, cache, cwd) for item in missing.values()]
    workers = min(_cores(), len(jobs) // IN_PROCESS_BELOW + 1)
    outcomes = []
    with Progress("drawing figures", len(jobs), progress) as bar, ExitStack() as stack:
        drawn = map(_draw, jobs)
        if workers > 1:
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                  else "spawn")
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                                           initargs=(generators,)))
            drawn = pool.map(_draw, jobs, chunksize=max(1, len(jobs) // (workers * 16)))
        for outcome in drawn:
            outcomes.append(outcome)
            bar.advance()
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


def _draw(job: tuple[Drawing, Path, Path]) -> Path | DrawFailure:
    """Draw one figure, fenced (see sandbox.py): whatever the draw function does is a DrawFailure,
    never a crash or a hang of the build. What it prints is dropped."""
    item, cache, cwd = job
    import matplotlib.figure  # noqa: F401 - loaded (and its font cache written) outside the fence
    import matplotlib.font_manager  # noqa: F401
    function = getattr(importlib.import_module(item.module), item.function)
    outcome = run_fenced(render_png, function, item.args, item.size, limit=item.time_limit)
    module_file = Path(sys.modules[item.module].__file__)
    if outcome.forbidden:
        return DrawFailure(display_path(module_file, cwd), 0, f"tried to {outcome.forbidden[0]}, "
                           "which a draw function may not (see README, 'Writing a generator')")
    if outcome.failure:
        where = raised_at(outcome.error, module_file, cwd) if not outcome.failure.startswith("timed out") \
            else (display_path(module_file, cwd), 0)
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
