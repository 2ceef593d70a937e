"""The decks this repository ships: they build cleanly under --strict, import into a fresh Anki
collection with every card answered and every image present, and every answer fits a phone."""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import pytest

from ankibuild.cli import main
from conftest import Anki

REPO = Path(__file__).resolve().parent.parent
MAX_TEXT, MAX_TEXT_WITH_IMAGE, MAX_CODE_LINES = 600, 300, 12  # a note's answer: one phone screen
MAX_SOLUTION, MAX_TABLE_ROWS = 750, 13  # a worked practice solution may scroll a little below its figure


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):
    """A copy of the repository's project, built once with --strict into a fresh collection."""
    root = tmp_path_factory.mktemp("shipped")
    for name in ("decks.toml", "decks.lock.json"):
        shutil.copy(REPO / name, root / name)
    for name in ("source", "media", "generators"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    previous = Path.cwd()
    try:
        os.chdir(root)
        code = main(["--strict", "--cache-dir", str(root / "cache")])
    finally:
        os.chdir(previous)
    anki = Anki(root / "anki" / "collection.anki2")
    for apkg in sorted((root / "dist").glob("*.apkg")):
        anki.import_deck(apkg)
    yield root, code, anki
    anki.col.close()


def test_the_shipped_decks_build_without_a_single_diagnostic(shipped, capsys):
    root, code, _ = shipped
    assert code == 0
    assert (root / "decks.lock.json").read_bytes() == (REPO / "decks.lock.json").read_bytes(), \
        "decks.lock.json is out of date: run python build.py and commit the lock"


def notes_of(anki: Anki, deck: str):
    return anki.notes(f'"deck:{deck}" -"deck:{deck}::Practice::*"')


def test_both_decks_hold_at_least_150_cards_in_their_styles(shipped):
    _, _, anki = shipped
    flat, nested = notes_of(anki, "Deep Learning Flashcards"), notes_of(anki, "ML Interview Notes")
    assert len(flat) + len(nested) >= 150
    assert len(flat) >= 60 and len(nested) >= 80
    assert all(note["Context"] == "" for note in flat)          # style 1: flat ## cards
    assert sum(bool(note["Context"]) for note in nested) >= 0.8 * len(nested)  # style 2: heading paths


@pytest.mark.parametrize("deck", ["Deep Learning Flashcards", "ML Interview Notes"])
def test_each_deck_uses_the_constructs_real_notes_have(shipped, deck):
    _, _, anki = shipped
    answers = "\n".join(note["Answer"] for note in notes_of(anki, deck))
    for construct in (r"\(", r"\[", '<pre class="highlight">', "<ul>", "<ol>", "<table>", "<blockquote>",
                      "<img ", "<strong>", "<code>"):
        assert construct in answers, f"{deck} has no {construct}"


def test_every_card_has_an_answer_and_every_image_is_in_the_collection(shipped):
    _, _, anki = shipped
    media = anki.media_files()
    images = 0
    for note in anki.notes():
        assert visible_text(note["Answer"]) or re.search("<img|<pre", note["Answer"]), note["Question"]
        for name in re.findall(r'<img[^>]* src="([^"]+)"', note["Question"] + note["Answer"]):
            assert name in media, f"{note['Question']}: image {name} missing"
            images += 1
    assert len({p for p in (REPO / "media").glob("*.png")}) >= 10
    assert images >= 16


def test_every_answer_fits_a_phone_screen(shipped):
    _, _, anki = shipped
    too_long = []
    for note in anki.notes("-tag:practice::*"):
        answer = note["Answer"]
        limit = MAX_TEXT_WITH_IMAGE if "<img" in answer else MAX_TEXT
        text = len(visible_text(answer))
        blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", answer, re.DOTALL)
        code = sum(len(block.strip("\n").split("\n")) for block in blocks)
        if text > limit or code > MAX_CODE_LINES:
            too_long.append(f"{note['Question'][:60]}: {text} characters (limit {limit}), {code} code lines")
    assert not too_long, "\n".join(too_long)


def visible_text(answer: str) -> str:
    """What the student reads, code blocks aside: tags removed, formulas as their LaTeX source."""
    without_code = re.sub(r"<pre[^>]*>.*?</pre>", "", answer, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_code))).strip()


def test_every_worked_solution_is_short_enough_to_read_on_a_phone(shipped):
    _, _, anki = shipped
    problems = anki.notes("tag:practice::*")
    assert len(problems) >= 200
    too_long = []
    for note in problems:
        rows = max([table.count("<tr>") for table in re.findall(r"<table>.*?</table>", note["Answer"], re.DOTALL)],
                   default=0)
        if len(visible_text(note["Answer"])) > MAX_SOLUTION or rows > MAX_TABLE_ROWS:
            too_long.append(f"{note['Source']}: {len(visible_text(note['Answer']))} characters, {rows} table rows")
    assert not too_long, "\n".join(too_long)
