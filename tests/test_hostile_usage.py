"""A user (or an attacker) types anything: every mistake gets one line naming the place and the fix,
the right exit code, and never a traceback; the previous deck and lock stay as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTE = "## A\ntext\n"
UNWRITABLE = ["/dev/null/x"] + (["/proc"] if Path("/proc/self").exists() else [])  # root may write anywhere else


def one_line_error(result, code: int = 2) -> str:
    """The one message of a failed run (a content error is followed by the count of errors)."""
    assert result.code == code, (result.code, result.err)
    expected = ["1 error(s): nothing was written"] if code == 1 else []
    assert "Traceback" not in result.err and result.err.splitlines()[1:] == expected, result.err
    return result.err.splitlines()[0] + "\n"


@pytest.mark.parametrize("where", UNWRITABLE)
@pytest.mark.parametrize("option", ["--out", "--lock"])
def test_an_output_that_cannot_be_written_is_named_and_nothing_is_written(project, where, option):
    project.write("n.md", NOTE)
    target = where if option == "--out" else f"{where}/x.json"
    err = one_line_error(project.run("build", "n.md", option, target, "--offline"))
    assert err.startswith(f"{Path(target).parent if option == '--lock' else target}") and "cannot write here" in err
    assert not (project.root / "dist").exists() and not (project.root / "n.lock.json").exists()


@pytest.mark.parametrize("key", ["out", "lock"])
def test_an_unwritable_out_or_lock_in_decks_toml_is_named(project, key):
    project.write("n.md", NOTE)
    value = "n.md/sub" if key == "out" else "n.md/sub/x.json"
    project.write("decks.toml", f'{key} = "{value}"\n[[deck]]\nname = "A"\nversion = "1"\nsources = ["n.md"]\n')
    err = one_line_error(project.run("--offline"))
    assert "n.md/sub" in err and "cannot write here (Not a directory)" in err


def test_a_build_into_a_file_used_as_a_folder_leaves_the_previous_deck(project):
    project.write("n.md", NOTE)
    apkg = project.build("n.md")
    before = apkg.read_bytes(), (project.root / "n.lock.json").read_bytes()
    project.write("n.md", "## A\nedited\n")
    one_line_error(project.run("build", "n.md", "--deck", "Notes", "--out", "n.md/x", "--offline"))
    assert (apkg.read_bytes(), (project.root / "n.lock.json").read_bytes()) == before
    assert sorted(path.name for path in project.root.rglob("*") if path.is_file()) == [
        "n.lock.json", "n.md", "notes-0.1.0.apkg", "notes-0.1.0.manifest.json"]


@pytest.mark.parametrize("deck", ["x" * 5000, "é" * 130])
def test_a_deck_name_too_long_for_a_file_name_is_a_usage_error(project, deck):
    project.write("n.md", NOTE)
    err = one_line_error(project.run("build", "n.md", "--deck", deck, "--offline"))
    assert err.startswith("--deck: error: deck name") and "too long to name its files" in err


def test_an_unwritable_cache_folder_is_a_usage_error(project):
    project.write("n.md", NOTE)
    err = one_line_error(project.run("build", "n.md", "--cache-dir", "n.md/cache"))
    assert err.startswith("n.md/cache: error: the cache folder cannot be written")


def test_decks_toml_that_is_not_utf8_is_a_usage_error_at_its_line(project):
    project.write("n.md", NOTE)
    (project.root / "decks.toml").write_bytes(b'[[deck]]\nname = "Caf\xe9"\nversion = "1"\nsources = ["n.md"]\n')
    err = one_line_error(project.run())
    assert err.endswith("decks.toml:2: error: not UTF-8 text (byte 0xe9); save the file as UTF-8\n")


@pytest.mark.parametrize("args, message", [
    (("build", "n.md", "--version", ""), "argument --version: must not be empty"),
    (("build", "n.md", "--deck", " "), "argument --deck: must not be empty"),
    (("build", "n.md", "--out", ""), "argument --out: must not be empty"),
    (("bogus",), "bogus: error: no such command, file or folder; the commands are build, check, diff"),
    (("chek",), "(did you mean 'check'?)"),
    (("serve", "n.md", "--port", "99999"), "argument --port: '99999' is not a port; give a number from 1024 to 65535"),
    (("serve", "n.md", "--port", "-1"), "argument --port: '-1' is not a port"),
])
def test_empty_values_and_unknown_commands_are_usage_errors(project, args, message):
    project.write("n.md", NOTE)
    result = project.run(*args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert not (project.root / "dist").exists()


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999999999"])
def test_a_source_date_epoch_that_is_not_a_time_is_a_usage_error(project, monkeypatch, value):
    project.write("n.md", NOTE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    err = one_line_error(project.run("build", "n.md", "--offline"))
    assert err.startswith(f"SOURCE_DATE_EPOCH: error: '{value}' is not a time; set it to whole seconds")


def test_source_date_epoch_zero_is_a_time(project, monkeypatch):
    project.write("n.md", NOTE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    project.build("n.md")
    lock = json.loads((project.root / "n.lock.json").read_text())
    assert lock["decks"]["Notes"]["A"]["mtime"] == 0 and lock["note_type"]["mtime"] == 0


def damaged_lock(project, damage) -> str:
    """Build two notes, let `damage` edit the lock as a bad merge would, and build again."""
    project.write("n.md", "## A\ntext\n\n## B\nmore\n")
    apkg = project.build("n.md")
    before = apkg.read_bytes()
    lock = project.root / "n.lock.json"
    data = json.loads(lock.read_text())
    damage(data, data["decks"]["Notes"])
    lock.write_text(json.dumps(data))
    project.write("n.md", "## A\nedited\n\n## B\nmore\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert apkg.read_bytes() == before
    return one_line_error(result, code=1)


@pytest.mark.parametrize("damage, message", [
    (lambda data, notes: data["note_type"].update(mtime="1700000000"),
     "note_type mtime '1700000000' is not an int"),
    (lambda data, notes: notes["A"].update(note_id=2**70), f"note_id {2**70} is out of range (1 to 2**63-1)"),
    (lambda data, notes: notes["A"].update(note_id=-1), "note_id -1 is out of range"),
    (lambda data, notes: notes["A"].update(mtime=True), "mtime True is not an int"),
    (lambda data, notes: notes["B"].update(note_id=notes["A"]["note_id"]),
     "notes 'A' in deck 'Notes' and 'B' in deck 'Notes' share the note_id"),
    (lambda data, notes: notes["B"].update(guid=notes["A"]["guid"]),
     "notes 'A' in deck 'Notes' and 'B' in deck 'Notes' share the guid"),
    (lambda data, notes: data.update(retired=[]), "lock file is damaged"),
])
def test_a_damaged_lock_is_an_error_naming_the_damage(project, damage, message):
    err = damaged_lock(project, damage)
    assert err.startswith("n.lock.json: error: lock file is damaged (") and message in err


@pytest.mark.parametrize("edit, message", [
    (lambda note: note.update(guid=["a"]), "note 1: guid must be a string, not list"),
    (lambda note: note.pop("key"), "note 1 must have deck, guid, hash, key, source (and may have heading, text)"),
    (lambda note: note.update(hash=None), "note 1: hash must be a string, not NoneType"),
])
def test_diff_names_what_is_wrong_with_a_hand_edited_manifest(project, edit, message):
    project.write("n.md", NOTE)
    project.build("n.md")
    manifest = project.root / "dist/notes-0.1.0.manifest.json"
    data = json.loads(manifest.read_text())
    edit(data["notes"][0])
    project.write("bad.json", json.dumps(data))
    err = one_line_error(project.run("diff", "dist/notes-0.1.0.manifest.json", "bad.json"))
    assert err.startswith("bad.json: error: not a deck manifest (") and message in err


def test_diff_refuses_a_manifest_listing_a_note_twice(project):
    project.write("n.md", NOTE)
    project.build("n.md")
    data = json.loads((project.root / "dist/notes-0.1.0.manifest.json").read_text())
    data["notes"] *= 2
    project.write("twice.json", json.dumps(data))
    err = one_line_error(project.run("diff", "twice.json", "twice.json"))
    assert "note 2: guid" in err and "is listed twice" in err
