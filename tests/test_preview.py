"""`python build.py preview --out DIR` on the shipped decks, opened from file:// in a real headless
Chromium: every note's cards as Anki renders them, every formula typeset offline, the switches,
the sidebar, the search box and the filters; screenshots at phone width to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser import OUTPUT, open_tab, wait_for_math
from test_shipped_decks import formulas_in, shipped  # noqa: F401 (a fixture: the shipped decks, built and imported)

from ankibuild.cli import main


@pytest.fixture(scope="module")
def preview(shipped, chromium):  # noqa: F811
    """The shipped decks' preview, opened from file:// with every formula typeset; and the collection."""
    root, code, anki = shipped
    assert code == 0
    previous = Path.cwd()
    try:
        os.chdir(root)
        assert main(["preview", "--out", "site", "--cache-dir", str(root / "cache")]) == 0
    finally:
        os.chdir(previous)
    tab = open_tab(chromium, (root / "site" / "index.html").as_uri())
    wait_for_math(tab)
    yield tab, anki, (root / "site" / "index.html").read_text(encoding="utf-8")
    tab.page.close()


def cards(anki):
    """(note, question HTML, answer HTML) of every card, as the real Anki backend renders them."""
    for note in anki.notes():
        for card in note.cards():
            output = card.render_output()
            yield note, output.question_text, output.answer_text


def show_only(tab, **filters: str | bool) -> list[str]:
    """Set the search box and filters (everything else cleared); the ids of the notes left."""
    page = tab.page
    page.fill("#pv-search", filters.get("search", ""))
    for name in ("changed", "flagged"):
        page.set_checked(f"#pv-{name}", bool(filters.get(name)))
    page.select_option("#pv-tag", value=filters.get("tag", ""))
    page.select_option("#pv-family", value=filters.get("family", ""))
    return sorted(tab.shown())


def ids(anki, search: str) -> list[str]:
    return sorted(f"note-{anki.col.get_note(nid).guid}" for nid in anki.col.find_notes(search))


def test_every_note_is_on_the_page_with_its_cards_as_anki_renders_them(preview):
    tab, anki, page_html = preview
    on_page = tab.page.eval_on_selector_all(".pv-note", "notes => notes.map(n => n.id)")
    assert sorted(on_page) == ids(anki, "") and len(on_page) > 400
    for note, question, answer in cards(anki):
        assert f'<div class="card card1">{question}</div>' in page_html, note["Source"]
        assert f'<div class="card card1">{answer}</div>' in page_html, note["Source"]


def test_every_formula_is_typeset_offline_without_an_error_or_a_console_error(preview):
    tab, anki, _ = preview
    expected = sum(closed for _, question, answer in cards(anki)
                   for _, _, closed in [*formulas_in(question), *formulas_in(answer)])
    typeset = tab.page.eval_on_selector_all(".card mjx-container", "math => math.length")
    assert expected > 4000 and typeset == expected
    assert tab.page.eval_on_selector_all(".pv-formula-errors li", "errors => errors.map(e => e.textContent)") == []
    assert tab.problems == []
    images = tab.page.eval_on_selector_all(".card img", "imgs => imgs.map(i => [i.src, i.naturalWidth])")
    assert images and all(src.startswith("file://") and width > 0 for src, width in images)


def colours(tab) -> tuple[str, str, list[str]]:
    return tab.page.eval_on_selector(".pv-screen > .card", "c => [getComputedStyle(c).color, "
                                                           "getComputedStyle(c).backgroundColor, Array.from(c.classList)]")


def luminance(colour: str) -> float:
    red, green, blue = (int(x) for x in re.findall(r"\d+", colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_night_mode_uses_ankis_classes_and_changes_the_colours(preview):
    tab = preview[0]
    text, background, classes = colours(tab)
    assert "nightMode" not in classes and luminance(background) > luminance(text)
    tab.page.check("#pv-night")
    try:
        night_text, night_background, classes = colours(tab)
        assert {"card", "card1", "nightMode", "night_mode"} <= set(classes)
        assert luminance(night_background) < luminance(night_text)
        assert (night_text, night_background) != (text, background)
    finally:
        tab.page.uncheck("#pv-night")


def test_the_phone_switch_shows_cards_400_px_wide(preview):
    page = preview[0].page
    width = ".pv-screen > .card", "card => card.getBoundingClientRect().width"  # the card fills its screen
    assert page.eval_on_selector(*width) == 400
    page.uncheck("#pv-phone")
    try:
        assert page.eval_on_selector(*width) > 600
    finally:
        page.check("#pv-phone")


def test_the_sidebar_counts_the_notes_of_each_deck_and_subdeck(preview):
    tab, anki, _ = preview
    listed = tab.page.eval_on_selector_all(".pv-decks a", "links => links.map(a => [a.dataset.deck, "
                                                          "a.querySelector('.pv-count').textContent])")
    decks = {name for name in anki.col.decks.all_names() if name != "Default"}
    assert {deck for deck, _ in listed} == decks
    for deck, count in listed:
        assert int(count) == len(anki.col.find_notes(f'"deck:{deck}"')), deck
    show_only(tab)
    tab.page.click('.pv-decks a[data-deck="Deep Learning Flashcards::Practice"]')
    try:
        assert sorted(tab.shown()) == ids(anki, '"deck:Deep Learning Flashcards::Practice"')
    finally:
        tab.page.click('.pv-decks a[data-deck="Deep Learning Flashcards::Practice"]')  # a second click clears it
    assert sorted(tab.shown()) == ids(anki, "")


def test_search_tag_and_practice_family_narrow_the_notes(preview):
    tab, anki, _ = preview
    assert show_only(tab, family="iou") == ids(anki, "tag:practice::iou") and len(ids(anki, "tag:practice::iou")) == 20
    assert show_only(tab, tag="ml-interview") == ids(anki, "tag:ml-interview")
    nested = show_only(tab, tag="neural_network_basics")  # a chapter's tag shows its topics' notes, as in Anki
    assert nested == ids(anki, "tag:neural_network_basics") and len(nested) > 1
    # the search reads the cards' text, deck and tags, as Anki's search of text, decks and tags would
    assert show_only(tab, search="Momentum") == ids(anki, "momentum or deck:*momentum* or tag:*momentum*")
    assert show_only(tab, search="momentum adam", tag="ml-interview") == ids(anki, "momentum adam tag:ml-interview")
    assert show_only(tab, changed=True) == []  # the lock is up to date: nothing would ship as changed
    assert show_only(tab) == ids(anki, "")


@pytest.mark.parametrize("search", ["tag:practice::iou", "Huber", "segmentation instance panoptic"])
def test_screenshots_at_phone_width_in_light_and_night(preview, search):
    """Saved for a person to look at (test-output/preview/): a practice card with its figures, a note
    with math, a note with an image."""
    tab, anki, _ = preview
    show_only(tab)
    guid = anki.col.get_note(sorted(anki.col.find_notes(search))[0]).guid
    note = tab.page.locator(f'[id="note-{guid}"]')  # GUIDs hold characters a CSS id selector would need escaped
    name = re.sub(r"\W+", "-", search).strip("-")
    OUTPUT.joinpath("preview").mkdir(parents=True, exist_ok=True)
    for night in (False, True):
        tab.page.set_checked("#pv-night", night)
        path = OUTPUT / "preview" / f"{name}-{'night' if night else 'light'}.png"
        note.scroll_into_view_if_needed()  # notes above it are laid out as they come into view: let them settle
        tab.page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        note.screenshot(path=str(path))
        assert path.stat().st_size > 5000
        assert note.locator(".pv-screen > .card").first.bounding_box()["width"] == 400
    tab.page.uncheck("#pv-night")
