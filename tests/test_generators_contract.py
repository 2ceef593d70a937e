"""The contract every problem family in generators/ keeps, checked for each one found there (a newly
added family is checked too): the engine generates its problems without a diagnostic, each problem
follows the house rules, importing and generating needs no matplotlib, and every figure, drawn
exactly as the engine draws it, keeps its texts on the canvas, apart and readable.

What each family computes is checked against independent solvers in the test_generators_*.py files.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from functools import cache
from typing import Any

import pytest
from conftest import FAMILIES, GENERATORS, generator_family, generators_imported

from ankibuild.diagnostics import Reporter
from ankibuild.figures import drawn, render_png
from ankibuild.mathtex import mask_math
from ankibuild.practice import Generated, generate_all

SEED, COUNT = 11, 200  # problems per family, each made twice by the engine to catch hidden randomness
LAYOUT_EVERY = 10  # the figures of every 10th problem are laid out and inspected: 20 per family


@cache
def generated(name: str) -> tuple[Generated, ...]:
    """The family's first COUNT problems, made by the engine as a build makes them; no diagnostics."""
    reporter = Reporter()
    with generators_imported():
        problems = generate_all(generator_family(name), SEED, COUNT, GENERATORS, reporter)
    assert not reporter.items, [str(d) for d in reporter.items]
    assert len(problems) == COUNT
    return tuple(problems)


def figures(problem: Any) -> list[Any]:
    return [f for f in (problem.question_figure, problem.answer_figure) if f is not None]


def is_plain(value: Any) -> bool:
    """What JSON holds, in exact built-in types: stricter than the engine, which lets tuples and
    numpy's float64 (a float subclass) through."""
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(is_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and is_plain(v) for k, v in value.items())
    return False


@pytest.mark.parametrize("name", FAMILIES)
def test_problems_pass_the_engine_and_the_house_rules(name: str) -> None:
    """The engine checks plain data, module-level draw functions and determinism; on top of that:
    exact plain types, a figure on every card, the result first and in bold, math that compiles."""
    family = generator_family(name)
    assert "/" not in family.title
    for generated_problem in generated(name):
        p, where = generated_problem.problem, f"problem {generated_problem.index + 1}"
        assert is_plain(p.inputs) and is_plain(p.answer), where
        assert figures(p), f"{where}: every problem has a figure"
        for figure in figures(p):
            assert getattr(family.module, figure.draw.__name__) is figure.draw, f"{where}: draw is in the family"
            assert is_plain(figure.args), where
            assert figure.alt.strip() and "\n" not in figure.alt, f"{where}: alt text is one line"
        assert p.solution.startswith("**"), f"{where}: the result comes first, in bold"
        for text in (p.question, p.solution):
            reporter = Reporter()
            mask_math(text, name, 1, reporter)
            assert not reporter.items, (where, [str(d) for d in reporter.items])
    questions = [g.problem.question for g in generated(name)]
    assert len(set(questions)) == len(questions), "no two problems of a family are the same"


IMPORT_WITHOUT_MATPLOTLIB = """
import json, sys
from pathlib import Path
sys.modules["matplotlib"] = None  # any import of it now fails, and the failure names the family
from ankibuild.diagnostics import Reporter
from ankibuild.practice import generate_all, load_family, open_package
directory = Path(sys.argv[1])
open_package(directory)
report = {}
for name in sys.argv[2:]:
    reporter = Reporter()
    family = load_family(directory, name, directory, reporter)
    if family is not None:
        generate_all(family, 0, 20, directory, reporter)
    report[name] = [str(d) for d in reporter.items]
print(json.dumps(report))
"""


@cache
def matplotlib_free() -> dict[str, list[str]]:
    """Each family imported and its problems generated in a process where matplotlib cannot be imported."""
    run = subprocess.run([sys.executable, "-c", IMPORT_WITHOUT_MATPLOTLIB, str(GENERATORS), *FAMILIES],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", FAMILIES)
def test_importing_and_generating_need_no_matplotlib(name: str) -> None:
    """A warm rebuild generates every problem but draws nothing: matplotlib only inside draw functions."""
    assert matplotlib_free()[name] == []


@pytest.mark.parametrize("name", FAMILIES)
def test_figures_render_as_png(name: str) -> None:
    for figure in figures(generated(name)[0].problem):
        assert render_png(figure.draw, figure.args, figure.size).startswith(b"\x89PNG")


def layout_problems(fig: Any) -> list[str]:
    """What is wrong with a figure as the engine renders it (`drawn`: no layout engine, so each figure
    places its own axes): a layout engine; a visible axes frame reaching off the canvas; a visible text smaller than
    10 pt, outside the canvas or overlapping another text; a text over a scatter marker."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.text import Text

    found = []
    if fig.get_layout_engine() is not None:
        found.append(f"a layout engine: {fig.get_layout_engine()}")
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        if not ax.axison:  # an invisible frame may reach past the canvas; its texts are checked below
            continue
        x0, y0, x1, y1 = ax.get_position().extents
        if x0 < -1e-9 or y0 < -1e-9 or x1 > 1 + 1e-9 or y1 > 1 + 1e-9:
            found.append(f"axes off the canvas: {(x0, y0, x1, y1)}")
    hidden = set()  # tick labels matplotlib did not draw: axis off, or outside the view limits
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks() + axis.get_minor_ticks()
            shown = set(axis._update_ticks()) if ax.axison else set()
            hidden |= {id(label) for tick in ticks if tick not in shown for label in (tick.label1, tick.label2)}
            if not ax.axison:
                hidden.add(id(axis.label))
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden]
    found += [f"{t.get_text()!r} is {t.get_fontsize()} pt" for t in texts if t.get_fontsize() < 10]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    width, height = fig.bbox.width, fig.bbox.height
    for text, box in boxes:
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            found.append(f"{text!r} outside the canvas: {box.extents.round(1)}")
    for k, (text, box) in enumerate(boxes):
        for other, other_box in boxes[k + 1:]:
            if min(box.x1, other_box.x1) - max(box.x0, other_box.x0) > 1 and \
                    min(box.y1, other_box.y1) - max(box.y0, other_box.y0) > 1:
                found.append(f"{text!r} overlaps {other!r}")
    for collection in fig.findobj(PathCollection):
        if not len(collection.get_offsets()) or not len(collection.get_sizes()):
            continue
        centres = collection.get_offset_transform().transform(collection.get_offsets())
        radius = 0.5 * math.sqrt(max(collection.get_sizes())) * fig.dpi / 72  # marker size is an area in pt²
        for x, y in centres:
            for text, box in boxes:  # the marker's inner disc (70 % of its radius) stays clear of every text
                nearest_x, nearest_y = min(max(x, box.x0), box.x1), min(max(y, box.y0), box.y1)
                if math.hypot(x - nearest_x, y - nearest_y) < 0.7 * radius - 1:
                    found.append(f"{text!r} covers a marker at ({x:.0f}, {y:.0f})")
    return found


@pytest.mark.parametrize("name", FAMILIES)
def test_figures_keep_their_texts_on_the_canvas_apart_and_readable(name: str) -> None:
    for generated_problem in generated(name)[::LAYOUT_EVERY]:
        for figure in figures(generated_problem.problem):
            with drawn(figure.draw, figure.args, figure.size) as fig:
                found = layout_problems(fig)
            assert not found, (f"problem {generated_problem.index + 1}", figure.draw.__name__, found)
