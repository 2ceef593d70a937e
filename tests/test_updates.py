"""The user imports a deck, studies, edits the notes, rebuilds and imports again."""

from __future__ import annotations

import json
import re
import time

import pytest

from ankibuild import notetype

NOTES = """\
# Vision

## Anchor boxes
Fixed reference boxes; the detector predicts offsets.

## Focal loss
$FL(p_t) = -(1 - p_t)^\\gamma \\log(p_t)$ down-weights easy examples.

## Softmax
Exponentiate, then normalise.
"""


def guids(anki):
    return {note["Question"]: note.guid for note in anki.notes()}


def rebuild(project, text):
    project.write("vision.md", text)
    return project.build("vision.md")


@pytest.fixture
def studied(project, anki):
    """The deck built, imported, and one card reviewed."""
    apkg = rebuild(project, NOTES)
    anki.import_deck(apkg)
    anki.review("Focal loss")
    return project, anki


def test_an_edited_note_updates_in_place_and_keeps_its_review_history(studied):
    project, anki = studied
    before = guids(anki)
    log = anki.import_deck(rebuild(project, NOTES.replace("down-weights easy examples", "down-weights well-classified examples")))
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert "well-classified" in anki.note("Focal loss")["Answer"]
    assert guids(anki) == before
    assert anki.note("Focal loss").cards()[0].reps == 1


def test_an_unchanged_rebuild_changes_nothing(studied):
    project, anki = studied
    log = anki.import_deck(rebuild(project, NOTES))
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 3)


def test_inserting_a_card_at_the_top_adds_one_note_and_keeps_the_others(studied):
    project, anki = studied
    before = guids(anki)
    inserted = NOTES.replace("# Vision\n", "# Vision\n\n## IoU\nIntersection over union of two boxes.\n")
    log = anki.import_deck(rebuild(project, inserted))
    assert (len(log.new), len(log.updated)) == (1, 0)
    after = guids(anki)
    assert {q: after[q] for q in before} == before and "IoU" in after


def test_reordering_cards_changes_no_identity(studied):
    project, anki = studied
    before = guids(anki)
    anchor, focal, softmax = NOTES.split("\n## ")[1:]
    log = anki.import_deck(rebuild(project, "# Vision\n\n## " + "\n## ".join([softmax, focal, anchor]) + "\n"))
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert guids(anki) == before


def test_renaming_a_heading_keeps_the_note(studied):
    project, anki = studied
    before = guids(anki)["Focal loss"]
    log = anki.import_deck(rebuild(project, NOTES.replace("## Focal loss", "## Focal loss (RetinaNet)")))
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert anki.note("Focal loss (RetinaNet)").guid == before
    assert anki.note("Focal loss (RetinaNet)").cards()[0].reps == 1


def test_an_explicit_id_keeps_the_note_through_a_rename_and_an_edit(project, anki):
    anki.import_deck(rebuild(project, NOTES.replace("## Softmax", "## Softmax {#softmax}")))
    before = guids(anki)["Softmax"]
    edited = NOTES.replace("## Softmax", "## The softmax function {#softmax}").replace("Exponentiate", "Exponentiate each logit")
    log = anki.import_deck(rebuild(project, edited))
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert anki.note("The softmax function").guid == before


def test_a_removed_card_is_reported_and_the_others_stay(studied):
    project, anki = studied
    result_notes = NOTES.split("\n## Softmax")[0] + "\n"
    project.write("vision.md", result_notes)
    run = project.run("build", "vision.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert run.code == 0
    [search] = re.findall(r"1 note\(s\) left the sources; .* with (nid:[0-9,]+) ", run.out)
    log = anki.import_deck(project.root / "dist" / "notes-0.1.0.apkg")
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 2)
    assert [note["Question"] for note in anki.notes(search)] == ["Softmax"]  # the search finds the note that left


def test_the_lock_records_identity_hash_and_mtime(project):
    rebuild(project, NOTES)
    lock = json.loads((project.root / "vision.lock.json").read_text())
    focal = lock["decks"]["Notes"]["Focal loss"]
    assert set(focal) == {"guid", "note_id", "mtime", "fields_hash", "body_hash", "heading"}
    rebuild(project, NOTES.replace("easy", "easy, abundant"))
    edited = json.loads((project.root / "vision.lock.json").read_text())["decks"]["Notes"]
    assert edited["Focal loss"]["guid"] == focal["guid"] and edited["Focal loss"]["note_id"] == focal["note_id"]
    assert edited["Focal loss"]["mtime"] > focal["mtime"]
    assert edited["Softmax"] == lock["decks"]["Notes"]["Softmax"]


def test_a_css_change_updates_the_note_type_in_place(studied, monkeypatch):
    project, anki = studied
    monkeypatch.setattr(notetype, "BASE_CSS", notetype.BASE_CSS + ".question { color: teal; }\n")
    log = anki.import_deck(rebuild(project, NOTES))
    assert not log.conflicting and not log.new
    models = [m["name"] for m in anki.col.models.all()]
    assert models.count("ankibuild note v1") == 1 and "ankibuild note v1+" not in models
    assert "color: teal" in anki.col.models.get(notetype.NOTE_TYPE.id)["css"]


def test_two_builds_with_a_pause_are_byte_identical(project):
    first = rebuild(project, NOTES).read_bytes()
    time.sleep(1.2)
    assert rebuild(project, NOTES).read_bytes() == first


def test_the_same_sources_and_lock_build_identically_elsewhere_and_later(project, tmp_path, monkeypatch):
    first = rebuild(project, NOTES).read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("vision.md", "vision.lock.json"):
        (elsewhere / name).write_bytes((project.root / name).read_bytes())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) + 86_400 * 365))
    project.root = elsewhere
    assert project.build("vision.md").read_bytes() == first


def test_renaming_a_chapter_keeps_every_note_below_it(project, anki):
    nested = "# Basics\n## Losses\nHow wrong a prediction is.\n### Huber\nQuadratic, then linear.\n# Optimisation\n## Adam\nMoments.\n"
    project.write("notes.md", nested)
    anki.import_deck(project.build("notes.md"))
    before = guids(anki)
    project.write("notes.md", nested.replace("# Basics", "# Fundamentals"))
    log = anki.import_deck(project.build("notes.md"))
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 2, 1)
    assert guids(anki) == before
    assert anki.note("Huber")["Context"] == "Fundamentals › Losses"


def test_a_new_card_under_a_renamed_cards_old_heading_is_a_new_note(project, anki):
    anki.import_deck(rebuild(project, "## Softmax\nExponentiate, then normalise.\n"))
    original = guids(anki)["Softmax"]
    anki.import_deck(rebuild(project, "## Softmax function\nExponentiate, then normalise.\n"))
    log = anki.import_deck(rebuild(project, "## Softmax function\nExponentiate, then normalise.\n\n"
                                            "## Softmax\nA smooth arg max.\n"))
    assert (len(log.new), len(log.updated)) == (1, 0)
    after = guids(anki)
    assert after["Softmax function"] == original and after["Softmax"] != original


def test_windows_line_endings_build_the_same_deck(project):
    unix = rebuild(project, NOTES).read_bytes()
    (project.root / "vision.md").write_bytes(NOTES.replace("\n", "\r\n").encode())
    assert project.build("vision.md").read_bytes() == unix


def test_renaming_the_deck_keeps_every_note(studied):
    project, anki = studied
    before = guids(anki)
    result = project.run("build", "vision.md", "--deck", "Vision", "--out", "dist", "--offline")
    assert result.code == 0
    assert "vision.lock.json: warning: deck 'Notes' is now called 'Vision'; its notes keep their identities" \
        in result.err
    log = anki.import_deck(project.root / "dist" / "vision-0.1.0.apkg")
    assert not log.new and guids(anki) == before


def test_building_from_another_folder_changes_nothing(project):
    project.write("notes/vision.md", NOTES)
    first = project.run("build", "notes/vision.md", "--deck", "V", "--out", "dist", "--offline")
    assert first.code == 0
    before = (project.root / "dist/v-0.1.0.apkg").read_bytes()
    (project.root / "notes/dist").mkdir()
    project.root = project.root / "notes"
    again = project.run("build", "vision.md", "--deck", "V", "--out", "../dist", "--offline")
    assert again.code == 0 and "(0 new, 0 changed)" in again.out
    assert (project.root / "../dist/v-0.1.0.apkg").read_bytes() == before


def test_an_id_on_the_line_below_the_heading_is_the_key_too(project, anki):
    anki.import_deck(rebuild(project, "## Focal loss\n{: #focal}\nDown-weights easy examples.\n"))
    before = guids(anki)["Focal loss"]
    log = anki.import_deck(rebuild(project, "## Focal loss (RetinaNet)\n{: #focal}\nDown-weights easy ones.\n"))
    assert (len(log.new), len(log.updated)) == (0, 1) and guids(anki)["Focal loss (RetinaNet)"] == before


def test_children_follow_a_renamed_parent_even_with_identical_or_edited_answers(project, anki):
    notes = ("# Sorting\n## Merge sort\nSplit, sort halves, merge.\n### Complexity\n$O(n \\log n)$\n"
             "## Heap sort\nBuild a heap, pop the maximum.\n### Complexity\n$O(n \\log n)$\n"
             "# Optimisation\n## Optimizers\nUpdate rules.\n### Adam\nFirst and second moments.\n")
    project.write("algo.md", notes)
    anki.import_deck(project.build("algo.md"))
    before = sorted(note.guid for note in anki.notes())
    renamed = (notes.replace("# Sorting", "# Sorting algorithms").replace("## Optimizers", "## Optimisers")
               .replace("First and second moments.", "First and second moments, bias-corrected."))
    project.write("algo.md", renamed)
    log = anki.import_deck(project.build("algo.md"))
    assert (len(log.new), len(log.updated)) == (0, 6)
    assert sorted(note.guid for note in anki.notes()) == before


def test_a_card_moved_to_another_chapter_lends_its_history_to_no_one(project, anki):
    before = ("# Losses\n## Hinge\nMargin loss.\n## Huber\nQuadratic, then linear.\n"
              "## Example\nA worked example of the hinge loss.\n# Metrics\n## MAE\nMean absolute error.\n")
    project.write("m.md", before)
    anki.import_deck(project.build("m.md"))
    anki.review("Example")
    after = ("# Losses\n## Hinge\nMargin loss.\n# Metrics\n## MAE\nMean absolute error.\n"
             "## Huber\nQuadratic, then linear.\n## Example\nPrecision and recall on a toy set.\n")
    project.write("m.md", after)
    log = anki.import_deck(project.build("m.md"))
    assert (len(log.new), len(log.updated)) == (1, 1)  # the new example; Huber's breadcrumb
    examples = {note["Answer"]: note.cards()[0].reps for note in anki.notes('"Question:Example"')}
    assert examples == {"<p>A worked example of the hinge loss.</p>": 1, "<p>Precision and recall on a toy set.</p>": 0}


def test_children_of_a_chapter_with_an_explicit_id_follow_its_rename(project, anki):
    notes = "# Chapter {#ch}\nIntro.\n## One\nFirst.\n## Two\nSecond.\n# Other\n## Three\nThird.\n"
    project.write("c.md", notes)
    anki.import_deck(project.build("c.md"))
    before = sorted(note.guid for note in anki.notes())
    project.write("c.md", notes.replace("# Chapter", "# Renamed chapter").replace("First.", "First, edited.")
                  .replace("Second.", "Second, edited."))
    log = anki.import_deck(project.build("c.md"))
    assert (len(log.new), len(log.updated)) == (0, 3)
    assert sorted(note.guid for note in anki.notes()) == before


def test_adding_a_chapter_to_a_flat_file_with_a_toc_changes_no_card(project, anki):
    flat = "# Vision\n\n1. TOC\n{:toc}\n\n## Anchor boxes\nReference boxes.\n\n## NMS\nKeep the best box.\n"
    project.write("v.md", flat)
    anki.import_deck(project.build("v.md"))
    project.write("v.md", flat.replace("Reference boxes.", "Reference boxes, edited.")
                  + "\n# Appendix\n## Datasets\nCOCO.\n")
    log = anki.import_deck(project.build("v.md"))
    assert (len(log.new), len(log.updated)) == (1, 1)
    assert anki.note("NMS").tags == ["nms"] and anki.note("Datasets").tags == ["appendix::datasets"]


def test_a_new_card_with_the_same_text_never_takes_a_renamed_chapters_card(project, anki):
    notes = "# A\n## X\nTODO\n## P\nReal p.\n# Other\n## Q\nq.\n"
    project.write("a.md", notes)
    anki.import_deck(project.build("a.md"))
    anki.review("X")
    project.write("a.md", notes.replace("# A", "# B").replace("TODO", "Real x.") + "## N\nTODO\n")
    log = anki.import_deck(project.build("a.md"))
    assert (len(log.new), len(log.updated)) == (1, 2)
    assert anki.note("X").cards()[0].reps == 1 and anki.note("N").cards()[0].reps == 0


def test_a_new_card_never_reuses_the_guid_of_a_renamed_card_that_left(project, anki):
    anki.import_deck(rebuild(project, "## Backprop\nThe chain rule.\n"))
    anki.review("Backprop")
    anki.import_deck(rebuild(project, "## Backpropagation\nThe chain rule.\n"))
    log = anki.import_deck(rebuild(project, "## Backprop\nGradients flow backwards through the graph.\n"))
    assert (len(log.new), len(log.updated)) == (1, 0)
    assert anki.note("Backpropagation").cards()[0].reps == 1 and anki.note("Backprop").cards()[0].reps == 0


def test_a_deleted_card_that_comes_back_gets_its_note_back(project, anki, monkeypatch):
    anki.import_deck(rebuild(project, NOTES))
    anki.review("Softmax")
    rebuild(project, NOTES.split("\n## Softmax")[0] + "\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) + 60))  # a later day's build
    log = anki.import_deck(rebuild(project, NOTES.replace("Exponentiate", "Exponentiate each logit")))
    assert (len(log.new), len(log.updated)) == (0, 1) and anki.note("Softmax").cards()[0].reps == 1


def test_a_new_deck_under_a_renamed_decks_old_name_gets_guids_of_its_own(project):
    project.write("a.md", "## Convolution\nSliding dot products.\n\n## Pooling\nDownsampling.\n")
    project.write("b.md", "## Convolution\nA new course's answer.\n\n## Pooling\nAnother.\n")
    for deck, file in (("Vision", "a.md"), ("Vision 2023", "a.md"), ("Vision", "b.md")):
        assert project.run("build", file, "--deck", deck, "--lock", "l.json", "--offline").code == 0
    decks = json.loads((project.root / "l.json").read_text())["decks"]
    old, new = ({note["guid"] for note in decks[name].values()} for name in ("Vision 2023", "Vision"))
    assert len(old) == len(new) == 2 and not old & new


TWO_DECKS = """\
[[deck]]
name = "Vision"
version = "0.1.0"
sources = ["vision.md"]

[[deck]]
name = "Losses"
version = "0.1.0"
sources = ["losses.md"]
"""


def test_a_card_moved_to_another_decks_file_keeps_its_note_and_history(project, anki):
    project.write("decks.toml", TWO_DECKS)
    project.write("vision.md", NOTES)
    project.write("losses.md", "# Losses\n\n## Huber loss\nQuadratic near zero, linear beyond delta.\n")
    assert project.run("--offline").code == 0
    anki.import_deck(project.root / "dist" / "vision-0.1.0.apkg")
    anki.import_deck(project.root / "dist" / "losses-0.1.0.apkg")
    anki.review("Focal loss")
    focal = anki.note("Focal loss").guid

    focal_card = "\n## Focal loss\n$FL(p_t) = -(1 - p_t)^\\gamma \\log(p_t)$ down-weights easy examples.\n"
    project.write("vision.md", NOTES.replace(focal_card, "\n"))
    project.write("losses.md", "# Losses\n\n## Huber loss\nQuadratic near zero, linear beyond delta.\n" + focal_card)
    assert project.run("--offline").code == 0
    anki.import_deck(project.root / "dist" / "vision-0.1.0.apkg")
    log = anki.import_deck(project.root / "dist" / "losses-0.1.0.apkg")

    assert (len(log.new), len(log.updated)) == (0, 1)
    assert len(anki.notes()) == 4 and anki.note("Focal loss").guid == focal
    assert anki.note("Focal loss")["Source"].startswith("losses.md:")
    assert anki.note("Focal loss").cards()[0].reps == 1
    lock = json.loads((project.root / "decks.lock.json").read_text())
    assert "Focal loss" in lock["decks"]["Losses"] and "Focal loss" not in lock["decks"]["Vision"]
    assert focal not in lock["retired"]


def test_a_moved_card_whose_text_another_card_shares_becomes_a_new_note(project):
    project.write("decks.toml", TWO_DECKS)
    project.write("vision.md", NOTES)
    project.write("losses.md", "# Losses\n\n## Huber loss\nExponentiate, then normalise.\n")
    assert project.run("--offline").code == 0
    before = json.loads((project.root / "decks.lock.json").read_text())["decks"]["Vision"]["Softmax"]["guid"]
    project.write("vision.md", NOTES.replace("\n## Softmax\nExponentiate, then normalise.\n", ""))
    project.write("losses.md", "# Losses\n\n## Huber loss\nExponentiate, then normalise.\n\n"
                               "## Softmax\nExponentiate, then normalise.\n")
    assert project.run("--offline").code == 0
    after = json.loads((project.root / "decks.lock.json").read_text())
    assert after["decks"]["Losses"]["Softmax"]["guid"] != before and before in after["retired"]
