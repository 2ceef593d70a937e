"""Collect (generators): each deck's practice problems and their figures' PNGs.

A family's problems depend only on its code (its module and the private helpers), ankibuild's
generator contract, numpy, the seed and the count; so they are kept in the cache by those, and a
rebuild with no generator changed neither imports numpy nor runs a generator. Figures are drawn
only when their PNG is not in the figure cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .cache import NoteCache, code_digest
from .config import DeckSpec, PracticeSpec
from .diagnostics import Diagnostic, Reporter
from .options import BuildOptions

FAMILY_CODE = ("practice.py", "problem.py", "figures.py", "drawing.py", "generate.py")


@dataclass(frozen=True)
class MadeFigure:
    slot: str  # "question" or "answer"
    key: str  # the drawing's key: its PNG is <figure cache>/<key>.png
    alt: str


@dataclass(frozen=True)
class Made:
    """A generated problem, as the notes need it."""

    family: str
    title: str
    path: Path
    seed: int
    index: int
    question: str
    solution: str
    figures: tuple[MadeFigure, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # what making it printed: on its card (a family that has any is not cached)


@dataclass(frozen=True)
class Problems:
    decks: dict[str, list[Made]]
    drawn: dict[str, object]  # drawing key -> PNG path, or the DrawFailure that says why not


def make_problems(specs: list[DeckSpec], options: BuildOptions, cache: NoteCache, reporter: Reporter) -> Problems:
    directory = options.root / "generators"
    figures = options.cache_dir / "figures"
    shared = _shared_digest(directory)
    wanted = [(spec.name, practice, cache.key(["family", shared, _source(directory / f"{practice.generator}.py"),
                                                practice.seed, practice.count]))
              for spec in specs for practice in spec.practice]
    stored = cache.get_many([key for _, _, key in wanted])
    decks: dict[str, list[Made]] = {spec.name: [] for spec in specs}
    missing: list[tuple[str, PracticeSpec, str]] = []
    drawn: dict[str, object] = {}
    for deck, practice, key in wanted:
        made = [_made(entry, directory) for entry in stored.get(key, [])]
        pngs = {figure.key: figures / f"{figure.key}.png" for item in made for figure in item.figures}
        if key in stored and all(path.is_file() for path in pngs.values()):
            cache.use(key)
            decks[deck] += made
            drawn.update(pngs)
        else:
            missing.append((deck, practice, key))
    if missing:
        drawn.update(_generate(missing, decks, options, cache, reporter))
    return Problems(decks, drawn)


def _generate(missing: list[tuple[str, PracticeSpec, str]], decks: dict[str, list[Made]], options: BuildOptions,
              cache: NoteCache, reporter: Reporter) -> dict[str, object]:
    """Run the families not in the cache and draw their figures (numpy and the generators load here)."""
    from .drawing import draw_all, drawings
    from .practice import generate_all, generators_loaded, load_family

    directory = options.root / "generators"
    with generators_loaded(directory):
        runs = []
        for deck, practice, key in missing:
            mark = len(reporter.items)
            family = load_family(directory, practice.generator, options.cwd, reporter, practice.time_limit)
            generated = (generate_all(family, practice.seed, practice.count, options.cwd, reporter, practice.time_limit)
                         if family else [])
            runs.append((deck, key, generated, len(reporter.items) == mark and not any(item.diagnostics
                                                                                   for item in generated)))
        planned = drawings([figure for *_, generated, _ in runs for item in generated for figure in item.problem.figures],
                           [item.time_limit for *_, generated, _ in runs for item in generated
                            for _ in item.problem.figures])
        keys = iter(planned)
        for deck, key, generated, clean in runs:
            made = []
            for item in generated:
                problem = item.problem
                slots = [slot for slot in ("question", "answer") if getattr(problem, f"{slot}_figure") is not None]
                made.append(Made(item.family.name, item.family.title, item.family.path, item.seed, item.index,
                                 problem.question, problem.solution,
                                 tuple(MadeFigure(slot, next(keys).key, getattr(problem, f"{slot}_figure").alt)
                                       for slot in slots), item.diagnostics))
            decks[deck] += made
            if clean:
                cache.put(key, [_entry(item) for item in made])
        return draw_all(planned, options.cache_dir / "figures", directory, options.cwd, draw=options.write,
                        progress=options.progress)


def _shared_digest(directory: Path) -> str:
    """What every family's problems and figures depend on besides its own module, seed and count:
    the private helpers, ankibuild's generator code, numpy and matplotlib."""
    helpers = "".join(_source(path) for path in sorted(directory.glob("_*.py")))
    return code_digest(FAMILY_CODE, ("numpy", "matplotlib")) + hashlib.sha256(helpers.encode()).hexdigest()


def _source(path: Path) -> str:
    """A hash of a generator file (of nothing, when it is missing: loading it reports that)."""
    return path.name + " " + hashlib.sha256(path.read_bytes() if path.is_file() else b"").hexdigest()


def _entry(item: Made) -> list:
    return [item.family, item.title, item.seed, item.index, item.question, item.solution,
            [[figure.slot, figure.key, figure.alt] for figure in item.figures]]


def _made(entry: list, directory: Path) -> Made:
    family, title, seed, index, question, solution, figures = entry
    return Made(family, title, directory / f"{family}.py", seed, index, question, solution,
                tuple(MadeFigure(*figure) for figure in figures))
