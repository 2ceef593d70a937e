"""What a practice-problem generator returns: plain data, worked text and figures to draw.

A generator is a module in the project's `generators/` folder with a `TITLE` (the subdeck name) and
a pure function `generate(rng: numpy.random.Generator) -> Problem`, in the manner of
scikit-learn's `make_*` functions. Everything random comes from `rng`, so a seed and an index give
the same problem on every machine, and a figure is a pure function of its `args`, so it can be
drawn in another process and cached by content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .figures import INK, PALETTE

__all__ = ["Figure", "INK", "PALETTE", "Plain", "Problem"]  # what generator authors use; the rest is internal

Plain = Any  # None, bool, int, float, str, and lists / dicts (str keys) of those: what JSON holds


@dataclass(frozen=True)
class Figure:
    """A figure to draw: `draw(fig, **args)` on a blank matplotlib Figure of `size` inches.

    `draw` must be a module-level function of the generator's module (it runs in worker
    processes); `args` must be plain data. Draw in dark ink on the transparent background (see
    ankibuild.figures.INK and PALETTE): the card inverts the picture in night mode."""

    draw: Callable[..., None]
    args: dict[str, Plain]
    alt: str
    size: tuple[float, float] = (4.0, 3.2)


@dataclass(frozen=True)
class Problem:
    """One exercise. `question` and `solution` are Markdown with `$` math, like the notes; the
    question's numbers must be the ones in the figures."""

    inputs: dict[str, Plain]
    answer: dict[str, Plain]
    question: str
    solution: str
    question_figure: Figure | None = None
    answer_figure: Figure | None = None

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(figure for figure in (self.question_figure, self.answer_figure) if figure is not None)
