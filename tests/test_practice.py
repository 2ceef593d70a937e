"""The user adds practice-problem generators to a deck, studies the problems, edits a generator,
raises the count, and makes mistakes in generator code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SQUARES = '''\
"""Squares of whole numbers: a generator as a user would write one."""
from ankibuild.problem import Figure, Problem

TITLE = "Squares"


def generate(rng):
    x = int(rng.integers(2, 1000))
    return Problem(inputs={"x": x}, answer={"square": x * x},
                   question=f"What is ${x}^2$?",
                   solution=f"**{x * x}**, since ${x} \\\\times {x} = {x * x}$.",
                   question_figure=Figure(draw_bar, {"x": x}, alt=f"a bar of height {x}"))


def draw_bar(fig, x):
    ax = fig.add_subplot()
    ax.bar([0], [x])
    ax.set_title(f"x = {x}")
'''

NOTES = """\
# Algebra

## Binomial square
$(a + b)^2 = a^2 + 2ab + b^2$
"""


def deck_toml(count: int = 12, seed: int = 7, generator: str = "squares") -> str:
    return f"""\
[[deck]]
name = "Algebra"
version = "1.0.0"
sources = ["algebra.md"]

[[deck.practice]]
generator = "{generator}"
count = {count}
seed = {seed}
"""


@pytest.fixture
def practice(project):
    """A project whose deck has notes and 12 generated problems."""
    project.write("algebra.md", NOTES)
    project.write("generators/squares.py", SQUARES)
    project.write("decks.toml", deck_toml())
    return project


def build(project, *extra: str) -> Path:
    result = project.run(*extra)
    assert result.code == 0, result.err
    return project.root / "dist" / "algebra-1.0.0.apkg"


def problem_guids(anki) -> dict[str, str]:
    return {note["Source"]: note.guid for note in anki.notes("tag:practice::squares")}


def test_problems_arrive_in_their_own_subdeck_with_figures_and_worked_answers(practice, anki):
    anki.import_deck(build(practice))

    assert len(anki.notes()) == 13
    problems = anki.notes('"deck:Algebra::Practice::Squares"')
    assert len(problems) == 12
    assert len(anki.notes('deck:Algebra -deck:Algebra::Practice::*')) == 1
    note = problems[0]
    x = int(re.search(r"\\\((\d+)\^2\\\)", note["Question"]).group(1))
    question, answer = note.cards()[0].question(), note.cards()[0].answer()
    assert f"What is \\({x}^2\\)?" in question
    assert note["Question"].startswith('<div class="problem">')  # a problem statement reads as body text
    assert f"<strong>{x * x}</strong>" in answer
    assert "Practice › Squares" in question
    [image] = re.findall(r'<img class="figure" src="([^"]+)"', note["Question"])
    assert anki.media_bytes(image).startswith(b"\x89PNG")
    assert ".nightMode img.figure { filter: invert(1) hue-rotate(180deg); }" in note.note_type()["css"]
    assert set(note.tags) == {"practice::squares"}
    assert note["Source"].startswith("generators/squares.py · seed 7 · problem ")


def test_the_same_inputs_give_the_same_deck_cold_or_warm(practice, tmp_path):
    first = build(practice).read_bytes()
    warm = build(practice).read_bytes()
    cold = build(practice, "--cache-dir", str(tmp_path / "empty-cache")).read_bytes()
    assert first == warm == cold


def test_a_warm_rebuild_draws_nothing_and_does_not_import_matplotlib(practice):
    build(practice)
    script = ("import sys; from ankibuild.cli import main; code = main([]); "
              "print('matplotlib' in sys.modules); sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", script], cwd=practice.root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "False"


def test_a_changed_count_adds_or_retires_problems_and_keeps_the_others(practice, anki):
    anki.import_deck(build(practice))
    before = problem_guids(anki)
    anki.review(anki.notes("tag:practice::squares")[0]["Question"])

    practice.write("decks.toml", deck_toml(count=15))
    log = anki.import_deck(build(practice))
    after = problem_guids(anki)
    assert len(after) == 15 and len(log.new) == 3 and not log.updated
    assert {source: after[source] for source in before} == before

    practice.write("decks.toml", deck_toml(count=5))
    result = practice.run()
    assert "10 note(s) left the sources" in result.out
    manifest = json.loads((practice.root / "dist" / "algebra-1.0.0.manifest.json").read_text())
    kept = {note["guid"] for note in manifest["notes"] if note["deck"] != "Algebra"}
    assert kept == {guid for source, guid in before.items() if int(source.rsplit(" ", 1)[1]) <= 5}


def test_an_edited_generator_updates_the_same_notes_in_place(practice, anki):
    anki.import_deck(build(practice))
    before = problem_guids(anki)
    studied = anki.notes("tag:practice::squares")[0]
    anki.review(studied["Question"])

    practice.write("generators/squares.py", SQUARES.replace("**{x * x}**, since", "**{x * x}**, because"))
    log = anki.import_deck(build(practice))

    assert len(log.updated) == 12 and not log.new
    assert problem_guids(anki) == before
    assert "because" in anki.col.get_note(studied.id)["Answer"]
    assert anki.col.get_note(studied.id).cards()[0].reps == 1


def test_a_new_seed_keeps_the_notes_but_changes_the_problems(practice, anki):
    anki.import_deck(build(practice))
    before = {note.guid: note["Question"] for note in anki.notes("tag:practice::squares")}
    practice.write("decks.toml", deck_toml(seed=8))
    anki.import_deck(build(practice))
    after = {note.guid: note["Question"] for note in anki.notes("tag:practice::squares")}
    assert after.keys() == before.keys()
    assert sum(after[guid] != before[guid] for guid in before) >= 10


def test_figures_are_drawn_in_parallel_for_many_problems(practice, anki):
    practice.write("decks.toml", deck_toml(count=40))
    anki.import_deck(build(practice))
    images = {re.search(r'src="([^"]+)"', note["Question"]).group(1) for note in anki.notes("tag:practice::squares")}
    assert len(images) >= 35
    assert all(anki.media_bytes(name).startswith(b"\x89PNG") for name in images)


BROKEN = {
    "raises": ("    x = int(rng.integers(2, 1000))\n",
               "    x = int(rng.integers(2, 1000))\n    if x > 0:\n        raise ValueError('no square today')\n",
               r"generators/squares\.py:10: error: generator 'squares' problem 1 \(seed 7\) raised "
               r"ValueError: no square today"),
    "returns bad data": ('answer={"square": x * x}', 'answer={"square": {1, 2}}',
                         r"generators/squares\.py: error: generator 'squares' problem 1 \(seed 7\) returned "
                         r"answer\['square'\] of type set"),
    "is not deterministic": ("    x = int(rng.integers(2, 1000))\n",
                             "    import random\n    x = random.randint(2, 10**9)\n",
                             r"generators/squares\.py: error: generator 'squares' problem 1 \(seed 7\) is not "
                             r"deterministic"),
    "fails to draw": ("    ax.bar([0], [x])\n", "    ax.bar([0], [x])\n    1 / 0\n",
                      r"generators/squares\.py:18: error: generator 'squares' problem 1 \(and 11 more\) \(seed 7\): "
                      r"drawing a figure raised ZeroDivisionError: division by zero"),
    "does not compile": ('TITLE = "Squares"', 'TITLE = "Squares', r"generators/squares\.py:4: error: loading "
                                                                  r"generator 'squares' raised SyntaxError"),
    "has no title": ('TITLE = "Squares"', 'NAME = "Squares"',
                     r"generators/squares\.py: error: generator 'squares' needs TITLE"),
}


@pytest.mark.parametrize("mistake", BROKEN)
def test_a_broken_generator_is_a_clear_error_and_the_previous_deck_stays(practice, mistake):
    apkg = build(practice)
    deck, lock = apkg.read_bytes(), (practice.root / "decks.lock.json").read_bytes()
    old, new, message = BROKEN[mistake]
    assert old in SQUARES
    practice.write("generators/squares.py", SQUARES.replace(old, new))

    result = practice.run()

    assert result.code == 1
    assert re.search(message, result.err), result.err
    assert "Traceback" not in result.err + result.out
    assert apkg.read_bytes() == deck and (practice.root / "decks.lock.json").read_bytes() == lock


@pytest.mark.parametrize("entry, message", [
    ('generator = "cubes"\ncount = 3\nseed = 1', "generator 'cubes' not found: no generators/cubes.py"),
    ('generator = "squares"\ncount = -1\nseed = 1', "count must be a whole number from 0 to 10000"),
    ('generator = "squares"\ncount = 3\nseed = 1.5', "seed must be a whole number"),
    ('generator = "squares"\ncount = 3', "seed must be a whole number"),
    ('generator = "squares"\ncount = 3\nseed = 1\nsize = 2', "unknown practice key(s) size"),
])
def test_a_mistake_in_the_practice_table_names_the_deck_and_what_to_write(practice, entry, message):
    practice.write("decks.toml", deck_toml().split("[[deck.practice]]")[0] + "[[deck.practice]]\n" + entry + "\n")
    result = practice.run()
    assert result.code == 2
    assert "decks.toml: [[deck]] #1: error:" in result.err and message in result.err


def test_check_runs_the_generators_without_drawing(practice, tmp_path):
    result = practice.run("check")
    assert result.code == 0, result.err
    assert not (tmp_path / "cache" / "ankibuild" / "figures").exists()
    build(practice)
    result = practice.run("check")  # with the figures cached, nothing looks changed
    assert "12 of them practice problems (0 new, 0 changed)" in result.out, result.out
    practice.write("generators/squares.py", SQUARES.replace('answer={"square": x * x}', 'answer=[x]'))
    result = practice.run("check")
    assert result.code == 1 and "returned answer as list, not a dict" in result.err


def test_families_share_private_helpers(practice, anki):
    practice.write("generators/_numbers.py", "def double(x):\n    return 2 * x\n")
    practice.write("generators/doubles.py", textwrap.dedent('''\
        from ankibuild.problem import Problem
        from ._numbers import double

        TITLE = "Doubles"


        def generate(rng):
            x = int(rng.integers(1, 50))
            return Problem({"x": x}, {"double": double(x)}, f"Double {x}?", f"**{double(x)}**")
        '''))
    practice.write("decks.toml", deck_toml() + '\n[[deck.practice]]\ngenerator = "doubles"\ncount = 4\nseed = 1\n')
    anki.import_deck(build(practice))
    doubles = anki.notes('"deck:Algebra::Practice::Doubles"')
    assert len(doubles) == 4
    for note in doubles:
        x = int(re.search(r"Double (\d+)\?", note["Question"]).group(1))
        assert f"<strong>{2 * x}</strong>" in note["Answer"]


def test_the_readme_example_generator_works_as_documented(practice, anki):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing a generator", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    practice.write("generators/squares.py", example)
    anki.import_deck(build(practice))
    for note in anki.notes('"deck:Algebra::Practice::Squares"'):
        x = int(re.search(r"What is \\\((\d+)\^2\\\)\?", note["Question"]).group(1))
        assert f"<strong>{x * x}</strong>" in note["Answer"]
        assert re.search(r'<img class="figure" src="\w+\.png" alt="a (\d+) by \1 square">', note["Question"])


def test_an_edited_draw_function_redraws_its_figures(practice, anki):
    practice.write("generators/_unused.py", "UNUSED = 1\n")
    anki.import_deck(build(practice))
    before = {note.guid: re.search(r'src="([^"]+)"', note["Question"]).group(1)
              for note in anki.notes("tag:practice::squares")}

    practice.write("generators/squares.py", SQUARES.replace('ax.set_title(f"x = {x}")', 'ax.set_title(f"{x}")'))
    log = anki.import_deck(build(practice))

    after = {note.guid: re.search(r'src="([^"]+)"', note["Question"]).group(1)
             for note in anki.notes("tag:practice::squares")}
    assert after.keys() == before.keys() and len(log.updated) == 12
    assert not set(after.values()) & set(before.values())
    assert all(anki.media_bytes(name).startswith(b"\x89PNG") for name in after.values())


def test_a_warning_in_generated_text_is_reported_on_every_build(practice):
    practice.write("generators/squares.py", SQUARES.replace('question=f"What is ${x}^2$?"',
                                                            'question=f"What is ${{{{{x}^2$?"'))
    for _ in range(2):  # the second build finds the other problems' text in the render cache
        result = practice.run()
        assert result.code == 0
        assert re.search(r"generators/squares\.py \(generator 'squares' problem 1 \(seed 7\)\):1: warning: .*brace",
                         result.err), result.err


FEW = '''\
"""Only three different problems."""
from ankibuild.problem import Figure, Problem

TITLE = "Few"


def generate(rng):
    x = int(rng.integers(1, 4))
    return Problem(inputs={"x": x}, answer={"double": 2 * x}, question=f"What is $2 \\\\cdot {x}$?",
                   solution=f"**{2 * x}**", question_figure=Figure(draw, {"x": x}, alt=f"{x} dots"))


def draw(fig, x):
    fig.add_subplot().plot(range(x), range(x), "o")
'''


def test_no_two_problems_of_a_family_in_a_deck_are_the_same(practice, anki):
    practice.write("generators/few.py", FEW)
    practice.write("decks.toml", deck_toml(count=3, generator="few"))
    anki.import_deck(build(practice))
    questions = sorted(note["Question"] for note in anki.notes("tag:practice::few"))
    assert len(questions) == 3 and len(set(questions)) == 3, "each of the three possible problems once"

    practice.write("decks.toml", deck_toml(count=4, generator="few"))
    result = practice.run()
    assert result.code == 1
    assert "generators/few.py: error: generator 'few' problem 4 (seed 7) repeats an earlier problem" in result.err
    assert "lower the count" in result.err
