"""The user pushes the decks straight into their Anki collection: edits merge, nothing is lost.

Each test is a step of the user's loop against a real collection of Anki's own backend, opened only
between the pushes (as Anki desktop is closed while `push` runs).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer

from test_updates import TWO_DECKS

from ankibuild.stamp import read_stamp

NOTES = """\
## What does IoU measure?
Overlap over union of two boxes.

## What does NMS keep?
The highest-scoring box of each cluster.

## What is a stride?
The step of the sliding window.
"""


class Desktop:
    """The user's Anki profile: a collection file, opened by a step and closed before the next push."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.path = folder / "collection.anki2"
        Collection(str(self.path)).close()

    @contextmanager
    def open(self) -> Iterator[Collection]:
        col = Collection(str(self.path))
        try:
            yield col
        finally:
            col.close()

    def note(self, question: str) -> dict:
        """What Anki holds for the note: fields, tags, ids, decks, suspension, reviews."""
        with self.open() as col:
            [nid] = [nid for nid in col.find_notes("") if col.get_note(nid)["Question"] == question]
            note = col.get_note(nid)
            cards = note.cards()
            return {"id": nid, "fields": dict(note.items()), "tags": set(note.tags), "mod": note.mod,
                    "card": cards[0].id, "deck": col.decks.name(cards[0].did), "reps": cards[0].reps,
                    "suspended": cards[0].queue == -1,
                    "reviews": col.db.scalar("select count() from revlog where cid = ?", cards[0].id)}

    def questions(self) -> set[str]:
        with self.open() as col:
            return {col.get_note(nid)["Question"] for nid in col.find_notes("")}

    def edit(self, question: str, **fields: str) -> None:
        """The user edits the note in Anki's editor."""
        with self.open() as col:
            [nid] = [nid for nid in col.find_notes("") if col.get_note(nid)["Question"] == question]
            note = col.get_note(nid)
            for name, value in fields.items():
                note[name] = value
            col.update_note(note)

    def tag(self, question: str, *tags: str) -> None:
        with self.open() as col:
            [nid] = [nid for nid in col.find_notes("") if col.get_note(nid)["Question"] == question]
            note = col.get_note(nid)
            note.tags += list(tags)
            col.update_note(note)

    def review(self, question: str) -> None:
        with self.open() as col:
            [nid] = [nid for nid in col.find_notes("") if col.get_note(nid)["Question"] == question]
            card = col.get_note(nid).cards()[0]
            card.start_timer()
            states = col._backend.get_scheduling_states(card.id)
            col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))

    def fingerprint(self) -> str:
        """Every byte of the profile folder: the collection and its media."""
        digest = hashlib.sha256()
        for path in sorted(self.path.parent.rglob("*")):
            digest.update(str(path).encode())
            if path.is_file():
                digest.update(path.read_bytes())
        return digest.hexdigest()


@pytest.fixture
def desktop(tmp_path: Path) -> Desktop:
    return Desktop(tmp_path / "Anki2" / "User 1")


def push(project, desktop: Desktop, *extra: str, deck: str = "Vision"):
    return project.run("push", "notes.md", "--deck", deck, "--offline", "--collection", str(desktop.path), *extra)


def pushed(project, desktop: Desktop, *extra: str, deck: str = "Vision"):
    result = push(project, desktop, *extra, deck=deck)
    assert result.code == 0, result.out + result.err
    return result


# --- the first push ------------------------------------------------------------------------------


def test_a_first_push_adds_every_note_to_its_deck_with_a_backup_made_before(project, desktop):
    project.write("notes.md", NOTES)
    result = pushed(project, desktop)
    assert "3  new" in result.out and "3 in Vision" in result.out
    assert desktop.questions() == {"What does IoU measure?", "What does NMS keep?", "What is a stride?"}
    note = desktop.note("What does IoU measure?")
    assert note["deck"] == "Vision" and "Overlap over union" in note["fields"]["Answer"]
    [backup] = (desktop.path.parent / "backups").glob("*.colpkg")
    assert zipfile.is_zipfile(backup) and str(backup) in result.out


def test_pushed_notes_and_an_imported_package_share_one_note_type(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    apkg = project.build("notes.md", deck="Vision")
    with desktop.open() as col:
        from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg),
                                                               options=ImportAnkiPackageOptions())).log
        assert not log.new and not log.conflicting  # the same notes, not copies
        assert [m["name"] for m in col.models.all()].count("ankibuild note v1") == 1
        assert len(col.find_notes("")) == 3


def test_a_push_with_nothing_changed_writes_nothing(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    before = desktop.fingerprint()
    result = pushed(project, desktop)
    assert "everything is up to date" in result.out and "nothing written" in result.out
    assert desktop.fingerprint() == before


# --- the merge table -----------------------------------------------------------------------------


def test_a_markdown_edit_updates_the_note_in_place_with_its_history(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.review("What is a stride?")
    before = desktop.note("What is a stride?")
    project.write("notes.md", NOTES.replace("The step of the sliding window.", "How far the window moves."))
    result = pushed(project, desktop)
    assert "1  updated" in result.out and "notes.md:7" in result.out
    after = desktop.note("What is a stride?")
    assert "How far the window moves." in after["fields"]["Answer"]
    assert (after["id"], after["card"], after["reps"], after["reviews"]) == (before["id"], before["card"], 1, 1)
    assert desktop.note("What does IoU measure?")["mod"] == desktop.note("What does IoU measure?")["mod"]


def test_only_the_edited_note_changes_in_the_collection(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    mods = {q: desktop.note(q)["mod"] for q in desktop.questions()}
    time.sleep(1.1)  # note mtimes have one-second resolution
    project.write("notes.md", NOTES.replace("The step of the sliding window.", "How far the window moves."))
    pushed(project, desktop)
    changed = {q for q in mods if desktop.note(q)["mod"] != mods[q]}
    assert changed == {"What is a stride?"}


def test_a_markdown_edit_lands_on_a_note_the_phone_touched(project, desktop):
    """Loss 1: a note re-saved in Anki is newer than the package, so an import skips our edit."""
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.edit("What is a stride?", Extra="x")
    desktop.edit("What is a stride?", Extra="")  # touched: newer mtime, same text
    project.write("notes.md", NOTES.replace("The step of the sliding window.", "How far the window moves."))
    pushed(project, desktop)
    assert "How far the window moves." in desktop.note("What is a stride?")["fields"]["Answer"]


def test_an_edit_made_in_anki_is_kept_and_reported_with_the_source_line(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.edit("What does NMS keep?", Answer="The best box per cluster; others above the IoU threshold go.")
    project.write("notes.md", NOTES.replace("Overlap over union", "Intersection over union"))
    result = pushed(project, desktop)
    assert "edits made in Anki, kept" in result.out and "notes.md:4" in result.out
    assert "+The highest-scoring box of each cluster." in result.out  # what the source says, to carry it back
    assert desktop.note("What does NMS keep?")["fields"]["Answer"].startswith("The best box per cluster")
    assert "Intersection over union" in desktop.note("What does IoU measure?")["fields"]["Answer"]


@pytest.fixture
def conflict(project, desktop):
    """The note 'What does NMS keep?' edited in Anki and in the Markdown since the last push."""
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.edit("What does NMS keep?", Answer="Anki's wording.")
    project.write("notes.md", NOTES.replace("The highest-scoring box of each cluster.", "Markdown's wording."))


def test_an_edit_on_both_sides_is_a_conflict_that_overwrites_nothing(project, desktop, conflict):
    """Loss 2: a newer package overwrote an edit made in Anki without a word."""
    result = push(project, desktop)
    assert result.code == 1
    assert "1  conflicts" in result.out and "-Anki's wording." in result.out and "+Markdown's wording." in result.out
    assert desktop.note("What does NMS keep?")["fields"]["Answer"] == "Anki's wording."

    pushed(project, desktop, "--prefer", "markdown")
    assert "Markdown's wording." in desktop.note("What does NMS keep?")["fields"]["Answer"]


def test_prefer_anki_keeps_the_anki_edit_and_settles_the_conflict_for_good(project, desktop, conflict):
    pushed(project, desktop, "--prefer", "anki")
    assert desktop.note("What does NMS keep?")["fields"]["Answer"] == "Anki's wording."
    result = pushed(project, desktop)  # no longer a conflict: an Anki edit, kept
    assert "conflicts" not in result.out and "edits made in Anki, kept" in result.out


def test_tags_the_user_added_survive_an_update(project, desktop):
    """Loss 3: an update replaced the note's tags with the package's."""
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.tag("What is a stride?", "marked", "my::own-tag")
    project.write("notes.md", NOTES.replace("The step of the sliding window.", "How far the window moves."))
    pushed(project, desktop)
    tags = desktop.note("What is a stride?")["tags"]
    assert {"marked", "my::own-tag", "what_is_a_stride"} <= tags


def test_a_renamed_heading_drops_its_old_tag_and_keeps_the_users(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.tag("What is a stride?", "marked")
    project.write("notes.md", NOTES.replace("## What is a stride?", "## What is the stride of a convolution?"))
    pushed(project, desktop)
    tags = desktop.note("What is the stride of a convolution?")["tags"]
    assert tags == {"marked", "what_is_the_stride_of_a_convolution"}


# --- notes that move or leave --------------------------------------------------------------------


def test_a_renamed_deck_takes_its_cards_along_with_their_history(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop, deck="Vision")
    desktop.review("What does IoU measure?")
    result = pushed(project, desktop, deck="Computer Vision")
    assert "3  moved to another deck" in result.out
    note = desktop.note("What does IoU measure?")
    assert note["deck"] == "Computer Vision" and note["reps"] == 1


def test_a_card_the_user_moved_to_a_deck_of_their_own_stays_there(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    with desktop.open() as col:
        nid = next(n for n in col.find_notes("") if col.get_note(n)["Question"] == "What is a stride?")
        col.set_deck([card.id for card in col.get_note(nid).cards()], col.decks.id("Hard ones"))
    pushed(project, desktop)
    assert desktop.note("What is a stride?")["deck"] == "Hard ones"


def test_a_note_that_left_the_sources_is_retired_and_comes_back_with_its_history(project, desktop):
    """Loss 5: a deleted card kept coming up for review."""
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.review("What is a stride?")
    gone = desktop.note("What is a stride?")
    project.write("notes.md", NOTES.split("## What is a stride?")[0])
    result = pushed(project, desktop)
    assert "1  retired" in result.out and f"nid:{gone['id']}" in result.out and "What is a stride?" in result.out
    retired = desktop.note("What is a stride?")
    assert retired["suspended"] and "ankibuild::retired" in retired["tags"]

    project.write("notes.md", NOTES)
    result = pushed(project, desktop)
    assert "unsuspended" in result.out
    back = desktop.note("What is a stride?")
    assert not back["suspended"] and "ankibuild::retired" not in back["tags"]
    assert (back["id"], back["reps"]) == (gone["id"], 1)


def test_delete_retired_removes_notes_that_left_the_sources(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    project.write("notes.md", NOTES.split("## What is a stride?")[0])
    pushed(project, desktop, "--delete-retired")
    assert desktop.questions() == {"What does IoU measure?", "What does NMS keep?"}


def test_a_note_the_user_added_to_our_deck_is_left_alone(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    with desktop.open() as col:
        note = col.new_note(col.models.by_name("ankibuild note v1"))
        note["Question"] = "My own card"
        col.add_note(note, col.decks.id("Vision"))
    result = project.run("status", "notes.md", "--deck", "Vision", "--offline", "--collection", str(desktop.path))
    assert "in our decks but not from these sources" in result.out and "My own card" in result.out
    pushed(project, desktop)
    assert not desktop.note("My own card")["suspended"]


# --- reading without writing ---------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_leaves_the_collection_byte_identical(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.edit("What does NMS keep?", Answer="Anki's wording.")
    project.write("notes.md", NOTES.replace("Overlap over union", "Intersection over union")
                  .split("## What is a stride?")[0] + "## What is padding?\nZeros around the input.\n")
    before = desktop.fingerprint()
    result = push(project, desktop, "--dry-run")
    assert result.code == 0, result.err
    for line in ("1  new", "1  updated", "edits made in Anki, kept", "1  retired", "nothing was written"):
        assert line in result.out
    assert desktop.fingerprint() == before


def test_status_names_edits_not_landed_anki_edits_and_retired_notes(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    desktop.edit("What does NMS keep?", Answer="Anki's wording.")
    project.write("notes.md", NOTES.replace("Overlap over union", "Intersection over union")
                  .split("## What is a stride?")[0])
    before = desktop.fingerprint()
    result = project.run("status", "notes.md", "--deck", "Vision", "--offline", "--collection", str(desktop.path))
    assert result.code == 0, result.err
    assert "Markdown edits not in Anki yet" in result.out and "What does IoU measure?  (notes.md:1)" in result.out
    assert "edits made in Anki" in result.out and "retired (left the sources)" in result.out
    assert desktop.fingerprint() == before


# --- refusals ------------------------------------------------------------------------------------


def test_a_collection_open_in_anki_is_refused(project, desktop):
    project.write("notes.md", NOTES)
    holder = subprocess.Popen([sys.executable, "-c", f"from anki.collection import Collection\n"
                               f"col = Collection({str(desktop.path)!r})\nprint('open', flush=True)\n"
                               "import time; time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = push(project, desktop)
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 2 and "open in Anki" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("content", [None, b"just text", "sqlite"])
def test_a_path_that_is_not_a_collection_is_refused_and_left_as_it_was(project, tmp_path, content):
    project.write("notes.md", NOTES)
    path = tmp_path / "other.db"
    if content == "sqlite":
        with sqlite3.connect(path) as db:
            db.execute("create table t(x)")
    elif content is not None:
        path.write_bytes(content)
    before = path.read_bytes() if path.exists() else None
    result = project.run("push", "notes.md", "--offline", "--collection", str(path))
    assert result.code == 2 and "error:" in result.err and "Traceback" not in result.err
    assert (path.read_bytes() if path.exists() else None) == before


def test_a_profile_is_found_the_way_anki_finds_it(project, desktop, monkeypatch):
    project.write("notes.md", NOTES)
    monkeypatch.setenv("ANKI_BASE", str(desktop.path.parent.parent))
    result = project.run("push", "notes.md", "--offline", "--profile", "User 1")
    assert result.code == 0, result.err
    result = project.run("push", "notes.md", "--offline")  # the only profile there is
    assert result.code == 0 and "up to date" in result.out
    Desktop(desktop.path.parent.parent / "User 2")
    result = project.run("push", "notes.md", "--offline")
    assert result.code == 2 and "User 1, User 2" in result.err and "--profile" in result.err


# --- a crash at any moment -----------------------------------------------------------------------


KILLER = """\
import os, signal, sys
import anki.collection, anki.scheduler.v3, anki.tags
from ankibuild.cli import main

owner, name = os.environ["KILL_AFTER"].split(".")
cls = {"Collection": anki.collection.Collection, "Scheduler": anki.scheduler.v3.Scheduler,
       "TagManager": anki.tags.TagManager}[owner]
original = getattr(cls, name)

def killed(*args, **kwargs):
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9, right after this step wrote into the database

setattr(cls, name, killed)
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("step", ["Collection.add_notes", "Collection.update_notes", "Scheduler.suspend_cards",
                                  "TagManager.bulk_add"])
def test_kill_9_during_a_push_leaves_the_collection_as_it_was(project, desktop, tmp_path, step):
    cards = "".join(f"## Card {i}\nAnswer {i}, with some text to write.\n\n" for i in range(60))
    project.write("notes.md", cards)
    pushed(project, desktop, deck="Big")
    # one push that adds, updates and retires notes: every kind of write
    project.write("notes.md", cards.replace("with some text", "with other text").split("## Card 55")[0]
                  + "## A new card\nNew.\n")
    killer = tmp_path / "killer.py"
    killer.write_text(KILLER)
    command = [sys.executable, str(killer), "push", "notes.md", "--deck", "Big", "--offline",
               "--collection", str(desktop.path)]
    done = subprocess.run(command, cwd=project.root, env={**os.environ, "KILL_AFTER": step}, capture_output=True)
    assert done.returncode == -9, done.stderr.decode()[-2000:]

    with desktop.open() as col:
        assert col.db.scalar("pragma integrity_check") == "ok"
        assert col.note_count() == 60 and not col.find_cards("is:suspended") and not col.find_notes("New")
        assert not col.find_notes('"Answer:*other text*"')
    assert "backup" in " ".join(path.name for path in (desktop.path.parent / "backups").iterdir())

    result = pushed(project, desktop, deck="Big")  # the next push does it all
    assert "1  new" in result.out and "55  updated" in result.out and "5  retired" in result.out


# --- the stamp: the base of the merge -------------------------------------------------------------


def test_every_imported_note_carries_the_base_of_the_merge(project, anki):
    project.write("notes.md", NOTES)
    anki.import_deck(project.build("notes.md", deck="Vision"))
    for note in anki.notes():
        assert read_stamp(note["Spare3"]) is not None


def test_anki_keeps_its_profiles_in_each_platforms_data_folder():
    from ankibuild.profiles import anki_base

    assert anki_base({"APPDATA": "/c/Users/me/AppData/Roaming"}, "win32") == Path("/c/Users/me/AppData/Roaming/Anki2")
    assert anki_base({}, "darwin") == Path.home() / "Library" / "Application Support" / "Anki2"
    assert anki_base({"XDG_DATA_HOME": "/data"}, "linux") == Path("/data/Anki2")
    assert anki_base({}, "linux") == Path.home() / ".local" / "share" / "Anki2"
    assert anki_base({"ANKI_BASE": "/portable/anki", "XDG_DATA_HOME": "/data"}, "linux") == Path("/portable/anki")


def test_status_helps_a_user_who_imports_packages_by_hand(project, desktop):
    """Loss 1 made visible: the phone touched a note, so the import skipped the Markdown edit."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    def import_deck(apkg: Path) -> None:
        with desktop.open() as col:
            col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))

    project.write("notes.md", NOTES)
    import_deck(project.build("notes.md", deck="Vision"))
    desktop.edit("What does NMS keep?", Answer="Anki's wording.")
    project.write("notes.md", NOTES.replace("The step of the sliding window.", "How far the window moves."))
    apkg = project.build("notes.md", deck="Vision")
    time.sleep(1.1)  # the phone touches the note after the build: its mtime (in seconds) is newer
    desktop.edit("What is a stride?", Extra="x")
    desktop.edit("What is a stride?", Extra="")
    import_deck(apkg)  # skipped as a "duplicate", without a word
    assert "How far the window moves." not in desktop.note("What is a stride?")["fields"]["Answer"]

    result = project.run("status", "notes.md", "--deck", "Vision", "--offline", "--collection", str(desktop.path))
    assert "Markdown edits not in Anki yet" in result.out and "What is a stride?  (notes.md:7)" in result.out
    assert "edits made in Anki (carry" in result.out and "What does NMS keep?  (notes.md:4)" in result.out


def test_the_note_type_is_updated_in_place_never_forked(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    with desktop.open() as col:
        model = col.models.by_name("ankibuild note v1")
        model["css"] = ".card { color: red; }"
        col.models.update_dict(model)
    result = pushed(project, desktop)
    assert "up to date" in result.out  # the notes did not change
    with desktop.open() as col:
        from ankibuild.notetype import NOTE_TYPE, css
        assert [m["id"] for m in col.models.all() if m["name"].startswith("ankibuild")] == [NOTE_TYPE.id]
        assert col.models.get(NOTE_TYPE.id)["css"] == css()


def test_a_note_type_whose_fields_were_changed_in_anki_is_refused(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    with desktop.open() as col:
        model = col.models.by_name("ankibuild note v1")
        col.models.add_field(model, col.models.new_field("My notes"))
        col.models.update_dict(model)
    before = desktop.fingerprint()
    result = push(project, desktop)
    assert result.code == 2 and "'My notes'" in result.err and "Manage Note Types" in result.err
    assert desktop.fingerprint() == before



def test_no_push_without_a_backup(project, desktop):
    project.write("notes.md", NOTES)
    (desktop.path.parent / "backups").write_text("a file where Anki keeps its backups folder")
    before = desktop.fingerprint()
    result = push(project, desktop)
    assert result.code == 2 and "the backup failed, nothing was pushed" in result.err and "Traceback" not in result.err
    assert desktop.fingerprint() == before


def test_a_note_whose_type_the_user_changed_is_left_alone(project, desktop):
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    with desktop.open() as col:
        nid = next(n for n in col.find_notes("") if col.get_note(n)["Question"] == "What is a stride?")
        basic = col.models.by_name("Basic")
        col.models.change(col.models.get(col.get_note(nid).mid), [nid], basic,
                          {0: 0, 1: 1}, None)
    project.write("notes.md", NOTES.replace("The step of the sliding window.", "How far the window moves."))
    result = pushed(project, desktop)
    assert "skipped: note type changed in Anki" in result.out and "What is a stride?" in result.out
    with desktop.open() as col:
        assert len(col.find_notes("")) == 3  # not added again




def test_a_card_moved_to_another_decks_file_moves_in_anki_with_its_history(project, desktop):
    """Loss 4: the card became a new note; its history stayed on the old copy."""
    project.write("decks.toml", TWO_DECKS)
    project.write("vision.md", NOTES)
    project.write("losses.md", "## What is the Huber loss?\nQuadratic near zero, linear beyond delta.\n")
    assert project.run("push", "--offline", "--collection", str(desktop.path)).code == 0
    desktop.review("What is a stride?")
    before = desktop.note("What is a stride?")

    stride = "## What is a stride?\nThe step of the sliding window.\n"
    project.write("vision.md", NOTES.replace(stride, ""))
    project.write("losses.md", "## What is the Huber loss?\nQuadratic near zero, linear beyond delta.\n\n" + stride)
    result = project.run("push", "--offline", "--collection", str(desktop.path))
    assert result.code == 0, result.err
    assert "1  moved to another deck" in result.out and "Vision -> Losses" in result.out
    assert "new" not in result.out and "retired" not in result.out
    after = desktop.note("What is a stride?")
    assert (after["id"], after["card"], after["reps"], after["deck"]) == (before["id"], before["card"], 1, "Losses")
    assert len(desktop.questions()) == 4


def test_a_push_after_an_up_to_date_one_still_sees_what_changed_in_anki(project, desktop):
    """A push with nothing to do skips Anki's backend, but only while the collection is unchanged."""
    project.write("notes.md", NOTES)
    pushed(project, desktop)
    assert "up to date" in pushed(project, desktop).out
    assert "up to date" in pushed(project, desktop).out
    desktop.edit("What does NMS keep?", Answer="Anki's wording.")
    result = pushed(project, desktop)
    assert "edits made in Anki, kept" in result.out
    assert "edits made in Anki, kept" in pushed(project, desktop).out  # still reported until carried back
    with desktop.open() as col:  # the user deletes one of our notes
        col.remove_notes([next(n for n in col.find_notes("") if col.get_note(n)["Question"] == "What is a stride?")])
    assert "1  new" in pushed(project, desktop).out
