"""Every problem is reported as `path:line: severity: message`, with the line that caused it."""

from __future__ import annotations

import json
import os

import pytest

from ankibuild import build as build_module
from ankibuild import files
from ankibuild.notetype import NOTE_TYPE, NoteType

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
                    "0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")

CASES = {
    "empty heading": ("## Filled\ntext\n\n## Hinge\n## Next\nmore\n",
                      'n.md:4: warning: empty heading "Hinge" makes no card; write its answer below it'),
    "heading without text": ("## A\ntext\n##\nmore\n",
                             "n.md:3: warning: heading has no text; write a question after the #"),
    "text before the first heading": ("\nStray intro.\n## A\ntext\n",
                                      "n.md:2: warning: text before the first heading belongs to no card"),
    "unclosed fence": ("## A\n```python\nx = 1\n## B\ntext\n",
                       "n.md:2: warning: code fence is never closed, so everything after it is code; close it "
                       "with a matching fence line"),
    "toc block without end": ("<!-- markdown-toc start -->\n- [A](#a)\n## A\ntext\n",
                              "n.md:1: warning: table-of-contents block has no end marker; it is kept as text"),
    "extra closing brace": ("## A\nRecall\n$\\text{Recall}}$ here\n",
                            "n.md:3: warning: unbalanced braces in formula $\\text{Recall}}$: '}' without an "
                            "opening '{'; MathJax will show an error"),
    "unclosed brace in a display formula": ("## A\n$\nx = \\frac{a\n{b}\n$\n",
                                            "n.md:3: warning: unbalanced braces in formula $x = \\frac{a {b}$: "
                                            "1 '{' never closed; MathJax will show an error"),
    "lone dollar": ("## A\nThis costs $5 today.\n",
                    "n.md:2: warning: '$' has no closing '$' in its paragraph; write \\$ for a literal dollar sign"),
    "local code link": ("## A\nSee\n[kmeans](./kmeans/kmeans.py).\n",
                        "n.md:3: warning: link to local file './kmeans/kmeans.py' cannot be opened from Anki; "
                        "shown as text"),
    "missing image": ("## A\ntext\n\n![plot](assets/plot.png)\n",
                      "n.md:4: warning: image 'assets/plot.png' not found"),
    "absolute image path": ("## A\n![x](/etc/x.png)\n",
                            "n.md:2: error: image '/etc/x.png' is an absolute path; write it relative to the note"),
    "image outside the project": ("## A\n![x](../../x.png)\n",
                                  "n.md:2: error: image '../../x.png' points outside the project and the note's "
                                  "folder; move the image next to the note or into media/"),
    "data URI": ("## A\n![x](data:image/png;base64,iVBOR)\n",
                 "n.md:2: error: image 'data:image/png;base64,iVBOR' uses the unsupported scheme 'data:'"),
    "unsafe html": ("## A\ntext\n<img src=\"https://example.org/x.png\" onerror=\"steal()\">\n",
                    "n.md:3: warning: removed unsafe HTML 'onerror=': cards cannot run scripts"),
    "script element": ("## A\ntext\n\n<script>alert(1)</script>\n",
                       "n.md:4: warning: removed unsafe HTML '<script': cards cannot run scripts"),
    "unknown code language": ("## A\ntext\n\n```pyhton\nx = 1\n```\n",
                              "n.md:4: warning: unknown code language 'pyhton'; the code is shown without colours"),
    "duplicate heading": ("## Softmax\none\n\n## Softmax\ntwo\n",
                          "n.md:4: error: two cards have the key 'Softmax' (the other is at n.md:1); rename one "
                          "heading or give it an explicit id: ## Heading {#some-id}"),
    "duplicate explicit id": ("## A {#x}\none\n\n## B {#x}\ntwo\n",
                              "n.md:4: error: two cards have the key '#x' (the other is at n.md:1)"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_problem_is_reported_at_its_line(project, case):
    text, expected = CASES[case]
    project.write("n.md", text)
    result = project.run("check", "n.md")
    assert expected in result.err.splitlines()[0] or any(line.startswith(expected) for line in result.err.splitlines())
    assert "Traceback" not in result.err
    assert result.code == (1 if ": error:" in expected else 0)


def test_a_deck_without_cards_is_a_warning(project):
    project.write("n.md", "# Just a title\n\n1. TOC\n{:toc}\n## Empty\n")
    result = project.run("check", "n.md")
    assert "n.md: warning: deck 'n' has no cards: a card is a heading with text below it" in result.err


def test_an_empty_image_is_an_error(project):
    project.write("n.md", "## A\n![x](empty.png)\n")
    (project.root / "empty.png").write_bytes(b"")
    assert "n.md:2: error: image 'empty.png' is empty; Anki never syncs empty files" in project.run("check", "n.md").err


def test_an_image_too_large_to_sync_is_an_error(project):
    project.write("n.md", "## A\ntext\n\n![x](huge.png)\n")
    with open(project.root / "huge.png", "wb") as huge:
        huge.truncate(100 * 2**20 + 1)  # sparse: costs no disk and is never read
    result = project.run("check", "n.md")
    assert "n.md:4: error: image 'huge.png' is over 100 MiB; AnkiWeb will not sync it to a phone" in result.err


def test_a_file_that_is_not_an_image_is_a_warning(project):
    project.write("n.md", "## A\n![x](notes.txt)\n")
    (project.root / "notes.txt").write_text("hello")
    assert "n.md:2: warning: 'notes.txt' is not an image type Anki shows" in project.run("check", "n.md").err


def test_an_image_linked_to_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    os.symlink(outside, project.root / "inside.png")
    project.write("n.md", "## A\n![x](inside.png)\n")
    result = project.run("check", "n.md")
    assert "n.md:2: error: image 'inside.png' is a link to a file outside the project; copy the file in" in result.err


def test_a_file_that_is_not_utf8_is_reported_with_its_line(project):
    (project.root / "n.md").write_bytes(b"## A\nok\n## B\ncaf\xe9\n")
    result = project.run("check", "n.md")
    assert "n.md:4: error: not UTF-8 text (byte 0xe9); save the file as UTF-8" in result.err and result.code == 1


def test_strict_turns_warnings_into_errors_and_writes_nothing(project):
    project.write("n.md", "## A\ntext\n\n![plot](assets/plot.png)\n")
    result = project.run("build", "n.md", "--strict", "--offline")
    assert result.code == 1
    assert "n.md:4: error: image 'assets/plot.png' not found" in result.err
    assert "1 error(s): nothing was written" in result.err
    assert not (project.root / "dist").exists() and not (project.root / "n.lock.json").exists()


def test_without_strict_the_card_shows_the_alt_text(project, anki):
    project.write("n.md", "## A\ntext\n\n![plot of the loss](assets/plot.png)\n")
    anki.import_deck(project.build("n.md"))
    assert '<span class="missing-image">[plot of the loss]</span>' in anki.card_html("A")[1]


def test_a_failed_build_leaves_the_previous_deck_and_lock_untouched(project):
    project.write("n.md", "## A\ntext\n")
    apkg = project.build("n.md")
    lock = project.root / "n.lock.json"
    before = (apkg.read_bytes(), lock.read_bytes())
    project.write("n.md", "## A\nnew text\n\n## A\nduplicate\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 1
    assert (apkg.read_bytes(), lock.read_bytes()) == before
    assert sorted(p.name for p in apkg.parent.iterdir()) == ["notes-0.1.0.apkg", "notes-0.1.0.manifest.json"]


def test_an_interrupted_write_leaves_the_previous_deck_and_lock_untouched(project, monkeypatch):
    project.write("n.md", "## A\ntext\n")
    apkg = project.build("n.md")
    lock = project.root / "n.lock.json"
    before = (apkg.read_bytes(), lock.read_bytes())
    staged = []

    def stage_then_fail(path, data):
        if staged:
            raise KeyboardInterrupt
        staged.append(real_stage(path, data))
        return staged[-1]

    real_stage = files.stage
    monkeypatch.setattr(files, "stage", stage_then_fail)
    project.write("n.md", "## A\nedited\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 130 and result.err.startswith("interrupted: the previous decks and lock are as they were")
    assert (apkg.read_bytes(), lock.read_bytes()) == before
    assert not staged[0].exists()


def test_a_damaged_lock_file_is_an_error_not_a_crash(project):
    project.write("n.md", "## A\ntext\n")
    project.write("n.lock.json", '{"format": 1,\n "decks": [\n')
    result = project.run("build", "n.md", "--deck", "Notes", "--offline")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith("n.lock.json:3: error: lock file is not valid JSON")


def test_a_lock_file_of_another_format_is_an_error(project):
    project.write("n.md", "## A\ntext\n")
    project.write("n.lock.json", '{"format": 99, "decks": {}}')
    result = project.run("build", "n.md", "--deck", "Notes", "--offline")
    assert result.code == 1
    assert "n.lock.json: error: lock file is damaged (format 99, expected 1); restore it from version control" \
        in result.err


def test_a_lock_file_with_a_value_of_the_wrong_kind_is_an_error(project):
    project.write("n.md", "## A\ntext\n")
    project.build("n.md")
    lock = project.root / "n.lock.json"
    data = json.loads(lock.read_text())
    data["decks"]["Notes"]["A"]["note_id"] = "x"
    lock.write_text(json.dumps(data))
    result = project.run("build", "n.md", "--deck", "Notes", "--offline")
    assert result.code == 1 and "Traceback" not in result.err
    assert "n.lock.json: error: lock file is damaged (note_id 'x' is not an int); restore it from version control" \
        in result.err


def test_changing_the_note_type_fields_without_a_new_id_fails_the_build(project, monkeypatch):
    project.write("n.md", "## A\ntext\n")
    apkg = project.build("n.md")
    before = apkg.read_bytes()
    changed = NoteType(NOTE_TYPE.id, NOTE_TYPE.name, (*NOTE_TYPE.fields, "Hint"))
    monkeypatch.setattr(build_module, "NOTE_TYPE", changed)
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 1
    assert "error: the fields of note type 1764000000001 changed from" in result.err
    assert "Give the note type a new id and name" in result.err
    assert apkg.read_bytes() == before


def test_a_new_note_type_id_may_change_the_fields(project, monkeypatch):
    project.write("n.md", "## A\ntext\n")
    project.build("n.md")
    changed = NoteType(NOTE_TYPE.id + 1, "ankibuild note v2", (*NOTE_TYPE.fields, "Hint"))
    monkeypatch.setattr(build_module, "NOTE_TYPE", changed)
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 0, result.err
    assert result.err.startswith("n.lock.json: warning: the note type is now 'ankibuild note v2' "
                                 "(1764000000002), was 'ankibuild note v1' (1764000000001): notes already in a "
                                 "collection keep the old type and no longer update")
    lock = json.loads((project.root / "n.lock.json").read_text())
    assert lock["note_type"]["id"] == NOTE_TYPE.id + 1 and lock["note_type"]["fields"][-1] == "Hint"


def test_a_link_warning_points_at_the_line_with_the_link(project):
    project.write("n.md", "## A\nThe code in kmeans.py is short, and\nthe loop is shown here:\ncode [kmeans](kmeans.py)\n")
    assert "n.md:4: warning: link to local file 'kmeans.py'" in project.run("check", "n.md").err


def test_a_heading_with_only_link_definitions_makes_no_card(project):
    project.write("n.md", "## A\ntext [ref]\n\n## References\n[ref]: https://example.org \"costs $5\"\n")
    result = project.run("check", "n.md")
    assert result.err == 'n.md:4: warning: empty heading "References" makes no card; write its answer below it\n'
