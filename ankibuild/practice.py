"""Run the project's problem generators: load each family, make problem i from (seed, family, i),
and check what comes back, so a broken generator is an error naming the family and the problem.

Problem i depends only on (seed, family name, i), never on the count: raising the count adds
problems and lowering it retires the last ones, and every other problem stays exactly as it was.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import math
import sys
import traceback
import zlib
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from types import ModuleType


from .diagnostics import Diagnostic, Reporter, display_path
from .problem import Figure, Problem
from .sandbox import Outcome, clip, run_fenced

if TYPE_CHECKING:
    import numpy as np

PACKAGE = "ankibuild_generators"  # the name `generators/` is imported under: never shadows a user's package
MAX_FIGURE_INCHES = 12.0


@dataclass(frozen=True)
class Family:
    """A loaded generator module."""

    name: str
    title: str
    path: Path
    module: ModuleType


@dataclass(frozen=True)
class Generated:
    """Problem `index` (0-based) of a family, with the seed that made it."""

    family: Family
    seed: int
    index: int
    problem: Problem
    time_limit: float  # seconds, for drawing its figures too
    diagnostics: tuple[Diagnostic, ...] = ()  # what its runs printed: shown on its card


MAX_REDRAWS = 50  # a problem that repeats an earlier one is drawn again, at most this many times


def rng_for(seed: int, family: str, index: int, redraw: int = 0) -> np.random.Generator:
    """The problem's own random stream: independent of the count and of the other families; a
    redraw (the problem repeated an earlier one) gets a stream of its own."""
    import numpy as np

    key = [seed, zlib.crc32(family.encode()), index]
    return np.random.default_rng(key + [redraw] if redraw else key)


def load_family(directory: Path, name: str, cwd: Path, reporter: Reporter, time_limit: float = 5.0) -> Family | None:
    """Import `directory/name.py` from the package opened by open_package; report why it cannot be used."""
    path = directory / f"{name}.py"
    display = display_path(path, cwd)
    loaded = run_fenced(importlib.import_module, f"{PACKAGE}.{name}", limit=time_limit)
    if not _fine(loaded, path, f"loading generator '{name}'", cwd, reporter):
        return None
    module = loaded.value
    title, generate = getattr(module, "TITLE", None), getattr(module, "generate", None)
    if not isinstance(title, str) or not title.strip() or "::" in title:
        reporter.error(display, 0, f"generator '{name}' needs TITLE = \"...\": the subdeck name (no '::')")
        return None
    if not callable(generate):
        reporter.error(display, 0, f"generator '{name}' needs a function generate(rng) -> Problem")
        return None
    return Family(name, title.strip(), path, module)


def generate_all(family: Family, seed: int, count: int, cwd: Path, reporter: Reporter,
                 time_limit: float = 5.0) -> list[Generated]:
    """Problems 0..count-1, each made twice, the second time in another world (clock, global random
    state) to catch hidden randomness; each run fenced and within the time limit. Stops at the first
    failure.

    A problem whose question repeats an earlier one's is drawn again from its next stream, so no two
    problems of a deck's family are the same; problem i still depends only on (seed, family, i)
    and the problems before it, never on the count."""
    problems: list[Generated] = []
    questions: set[str] = set()
    for index in range(count):
        printed = Reporter()  # a warning on the problem's card; on no card if the problem fails
        problem = _draw(family, seed, index, count, questions, cwd, reporter, printed, time_limit)
        if problem is None:
            for diagnostic in printed.items:
                reporter.report(diagnostic)
            return problems
        questions.add(problem.question)
        problems.append(Generated(family, seed, index, problem, time_limit, tuple(printed.items)))
    return problems


def _draw(family: Family, seed: int, index: int, count: int, questions: set[str], cwd: Path, reporter: Reporter,
          printed: Reporter, time_limit: float) -> Problem | None:
    """Problem `index`, drawn again while its question repeats one of `questions`; None (reported) if it fails."""
    display = display_path(family.path, cwd)
    where = f"generator '{family.name}' problem {index + 1} (seed {seed})"
    for redraw in range(MAX_REDRAWS + 1):
        runs: list[Outcome] = []
        for world in (0, 1):  # the second run only after a good first: one report, one time limit to wait
            runs.append(run_fenced(family.module.generate, rng_for(seed, family.name, index, redraw),
                                   limit=time_limit, world=world))
            if not _fine(runs[-1], family.path, where, cwd, reporter, printed, index + 1):
                return None
        first, second = (run.value for run in runs)
        try:
            _check_problem(first)
            if _fingerprint(first) != _fingerprint(second):
                raise ValueError("is not deterministic: two runs with the same seed differ; take every random "
                                 "choice from the rng argument, and no global state or time")
        except ValueError as err:
            reporter.error(display, 0, f"{where} {err}")
            return None
        if first.question not in questions:
            return first
    reporter.error(display, 0, f"{where} repeats an earlier problem's question in {MAX_REDRAWS + 1} draws: "
                               f"the family has too few distinct problems for count = {count}; lower the count "
                               "or vary the problems more")
    return None


def _fine(outcome: Outcome, path: Path, where: str, cwd: Path, reporter: Reporter, printed: Reporter | None = None,
          number: int = 0) -> bool:
    """Whether fenced user code ran well; report what went wrong (errors), and what it printed (a warning,
    to `printed` when given)."""
    display = display_path(path, cwd)
    if outcome.forbidden:
        reporter.error(display, 0, f"{where} tried to {outcome.forbidden[0]}: a generator computes and reads, "
                                   "it writes no files and runs no programs (see README, 'Writing a generator')")
        return False
    if outcome.failure and outcome.failure.startswith("timed out"):  # where it was stopped is no news
        name = path.stem
        what = f"generator '{name}' problem {number}" if number else where
        reporter.error(display, 0, f"{what} {outcome.failure}; make it faster, or raise time_limit "
                                   "in its [[deck.practice]] table")
        return False
    if outcome.failure:
        reporter.error(*raised_at(outcome.error, path, cwd), f"{where} {outcome.failure}")
        return False
    if outcome.printed.strip():
        (printed or reporter).warning(display, 0, f"{where} printed {clip(outcome.printed)!r}; what a generator prints is "
                                     "not shown anywhere: put text for the student in the Problem")
    return True


def _check_problem(problem: object) -> None:
    """Raise ValueError saying what is wrong with a generator's return value."""
    if not isinstance(problem, Problem):
        raise ValueError(f"returned {type(problem).__name__}, not ankibuild.problem.Problem")
    for name in ("question", "solution"):
        if not isinstance(getattr(problem, name), str) or not getattr(problem, name).strip():
            raise ValueError(f"returned an empty {name}: it must be Markdown text")
    for name in ("inputs", "answer"):
        value = getattr(problem, name)
        if not isinstance(value, dict):
            raise ValueError(f"returned {name} as {type(value).__name__}, not a dict")
        _check_plain(value, name)
    for name in ("question_figure", "answer_figure"):
        figure = getattr(problem, name)
        if figure is not None:
            _check_figure(figure, name)


def _check_figure(figure: object, name: str) -> None:
    if not isinstance(figure, Figure):
        raise ValueError(f"{name} is {type(figure).__name__}, not ankibuild.problem.Figure")
    draw = figure.draw
    module = sys.modules.get(getattr(draw, "__module__", "") or "")
    if (module is None or not module.__name__.startswith(PACKAGE + ".")
            or getattr(module, getattr(draw, "__qualname__", ""), None) is not draw):
        raise ValueError(f"{name}.draw must be a module-level function of a module in generators/ "
                         "(figures are drawn in other processes)")
    if not isinstance(figure.args, dict):
        raise ValueError(f"{name}.args must be a dict of plain data")
    _check_plain(figure.args, f"{name}.args")
    if not isinstance(figure.alt, str):
        raise ValueError(f"{name}.alt must be a string")
    size = figure.size
    if not (isinstance(size, tuple) and len(size) == 2
            and all(isinstance(s, (int, float)) and 0 < s <= MAX_FIGURE_INCHES for s in size)):
        raise ValueError(f"{name}.size must be (width, height) in inches, each above 0 and at most "
                         f"{MAX_FIGURE_INCHES:g}")


def _check_plain(value: object, where: str) -> None:
    """Plain data only (what JSON holds, finite numbers): it goes into hashes and other processes."""
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"returned {where} = {value}: numbers must be finite")
        return
    if isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            _check_plain(item, f"{where}[{position}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"returned {where} with the key {key!r}: keys must be strings")
            _check_plain(item, f"{where}[{key!r}]")
        return
    raise ValueError(f"returned {where} of type {type(value).__name__}: use plain int, float, str, bool, "
                     "None, lists and dicts (convert numpy values with int() / float() / .tolist())")


def _fingerprint(problem: Problem) -> str:
    def figure(f: Figure | None) -> object:
        return None if f is None else [f.draw.__qualname__, f.args, f.alt, list(f.size)]
    return json.dumps([problem.inputs, problem.answer, problem.question, problem.solution,
                       figure(problem.question_figure), figure(problem.answer_figure)], sort_keys=True)


class _SourceOnly(importlib.machinery.SourceFileLoader):
    """Compiles from source every time: an edit within the same second must never run stale bytecode."""

    def path_stats(self, path: str) -> dict:
        raise OSError("bytecode caching is off for generators")


class _Finder(importlib.abc.MetaPathFinder):
    """Finds `generators/<name>.py` as `ankibuild_generators.<name>`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        file = self.directory / f"{name}.py"
        if package != PACKAGE or not file.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, file, loader=_SourceOnly(fullname, str(file)))


@contextmanager
def generators_loaded(directory: Path) -> Iterator[None]:
    """generators/ imported afresh (open_package) for the duration of the block; afterwards
    sys.meta_path and the package's sys.modules entries are as they were before."""
    finders = list(sys.meta_path)
    before = {name: module for name, module in sys.modules.items() if name == PACKAGE or name.startswith(PACKAGE + ".")}
    open_package(directory)
    try:
        yield
    finally:
        sys.meta_path[:] = finders
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        sys.modules.update(before)


def open_package(directory: Path) -> None:
    """Import `generators/` afresh as a package, so families see their current code and can share
    private `_helper` modules through relative imports."""
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _Finder)]
    sys.meta_path.insert(0, _Finder(directory))
    spec = ModuleSpec(PACKAGE, None, is_package=True)
    spec.submodule_search_locations = [str(directory)]
    sys.modules[PACKAGE] = importlib.util.module_from_spec(spec)


def raised_at(err: BaseException, module_path: Path, cwd: Path) -> tuple[str, int]:
    """Where in the user's generators an exception came from: the innermost frame in generators/
    (or the syntax error), else the family's module without a line."""
    directory = module_path.parent
    frames = [(Path(frame.filename), frame.lineno or 0) for frame in traceback.extract_tb(err.__traceback__)
              if Path(frame.filename).parent == directory]
    if isinstance(err, SyntaxError) and err.filename and Path(err.filename).parent == directory:
        frames.append((Path(err.filename), err.lineno or 0))
    path, line = frames[-1] if frames else (module_path, 0)
    return display_path(path, cwd), line


