"""The collection we write is the one genanki would write: genanki is the independent oracle.

ankibuild writes genanki's rows with its own SQL (genanki's import and objects cost most of a one-note
rebuild); every table must read back the same as genanki's, JSON compared as parsed (genanki's
text repeats the note type's key once per deck, and the last one wins, as in any JSON reader).
"""

from __future__ import annotations

import io
import json
import random
import re
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from ankibuild import ziparchive
from ankibuild.anki2 import write_collection
from ankibuild.identity import guid_for
from ankibuild.notetype import BACK, FRONT, NOTE_TYPE, css
from ankibuild.package import PackedNote, deck_id, package_bytes

DECKS = {"Deep Learning": "<p>Version 1.2.0 · 3 notes</p>", "Deep Learning::Practice: IoU": "<p>Work it out</p>",
         "Deep Learning::Practice: NMS": ""}


def notes() -> list[PackedNote]:
    """Notes across the decks, with tags, empty fields, a front with only context, one with none
    (no card), and text genanki's HTML check would frown at."""
    fields = [("What is IoU?", "<p>overlap / union</p>", "", "deck.md:3", "", "", "", "ankibuild:v1:x"),
              ("", "<p>an answer</p>", "Context only", "", "", "", "", ""),
              ("", "<p>no front at all</p>", "", "", "", "", "", ""),
              ("12", "<annotation-xml encoding=\"x\">a</annotation-xml>", "", "", "extra", "", "", "")]
    decks = sorted(DECKS)
    return [PackedNote(f"g{index}`{{", 1_700_000_000_000 + index, 1_700_000_000 + index, decks[index % len(decks)],
                       values, tuple(["deep-learning", f"tag{index}"][: index % 3]))
            for index, values in enumerate(fields)]


def genanki_collection(path: Path, packed: list[PackedNote], mtime: int) -> None:
    """What genanki writes for these notes, its objects used as its README shows."""
    model = genanki.Model(NOTE_TYPE.id, NOTE_TYPE.name, fields=[{"name": name} for name in NOTE_TYPE.fields],
                          templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK}], css=css())
    decks = [genanki.Deck(deck_id(name), name, description) for name, description in sorted(DECKS.items())]
    for deck in decks:
        deck.add_model(model)
    connection = sqlite3.connect(path)
    cursor = connection.cursor()
    genanki.Package(decks).write_to_db(cursor, mtime, iter(()))
    for note in packed:
        genanki.Note(model=model, fields=list(note.fields), tags=list(note.tags), guid=note.guid).write_to_db(
            cursor, note.mtime, deck_id(note.deck), iter((note.note_id, note.note_id)))
    connection.commit()
    connection.close()


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, JSON columns parsed, plus the schema."""
    connection = sqlite3.connect(path)
    found = {name: sorted(connection.execute(f"SELECT * FROM {name}").fetchall())
             for name in ("notes", "cards", "revlog", "graves")}
    row = connection.execute("SELECT * FROM col").fetchone()
    found["col"] = [row[:8] + tuple(json.loads(text) for text in row[8:])]
    found["schema"] = sorted(" ".join(re.sub(r"/\*.*?\*/", "", sql).split()).replace("( ", "(").replace(" )", ")")
                             .replace(" ,", ",") for (sql,) in connection.execute("SELECT sql FROM sqlite_master"))
    connection.close()
    return found


@pytest.mark.filterwarnings("ignore:Field contained the following invalid HTML tags")
def test_the_collection_reads_back_as_genankis(tmp_path):
    ours, theirs = tmp_path / "ours.anki2", tmp_path / "genanki.anki2"
    write_collection(ours, notes(), {name: (deck_id(name), text) for name, text in sorted(DECKS.items())},
                     NOTE_TYPE, 1_700_000_123)
    genanki_collection(theirs, notes(), 1_700_000_123)
    expected = tables(theirs)
    assert len(expected["cards"]) == 3  # the note with nothing on its front has no card, in both
    assert tables(ours) == expected


def test_guids_are_genankis():
    rng = random.Random(7)
    for _ in range(2000):
        values = ["".join(rng.choice("ab_ ›é\x1f`") for _ in range(rng.randrange(12))) for _ in range(rng.randrange(1, 4))]
        assert guid_for(*values) == genanki.guid_for(*values)
    assert guid_for("Deck", "Key", 3) == genanki.guid_for("Deck", "Key", 3)


def test_the_package_holds_the_collection_and_the_media_in_name_order(tmp_path):
    (tmp_path / "b.svg").write_text("<svg/>")
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    data = package_bytes(notes(), DECKS, {"b.svg": tmp_path / "b.svg", "a.png": tmp_path / "a.png"}, NOTE_TYPE, 5)
    (tmp_path / "deck.apkg").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "deck.apkg") as archive:
        assert json.loads(archive.read("media")) == {"0": "a.png", "1": "b.svg"}
        assert archive.read("1") == b"<svg/>"
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    assert len(tables(tmp_path / "collection.anki2")["notes"]) == 4
    assert package_bytes(notes(), DECKS, {"b.svg": tmp_path / "b.svg", "a.png": tmp_path / "a.png"}, NOTE_TYPE,
                         5) == data


def zipfile_bytes(entries: list[tuple[str, bytes | Path, bool]]) -> bytes:
    """The same archive written by the standard library, entry dates fixed as ours are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, deflate in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.create_system, info.external_attr = (
                zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED, 3, 0o644 << 16)
            archive.writestr(info, data if isinstance(data, bytes) else data.read_bytes(),
                             compresslevel=ziparchive.LEVEL)
    return buffer.getvalue()


def test_the_zip_is_byte_for_byte_the_standard_librarys(tmp_path, monkeypatch):
    monkeypatch.setattr(ziparchive, "CHUNK", 1000)  # files read in many pieces
    rng = random.Random(3)
    entries = []
    for index in range(40):
        size = rng.choice([0, 1, 999, 1000, 1001, 5000, 70_000])
        data = bytes(rng.choice(b"ab\0\xff") for _ in range(size)) if index % 3 else rng.randbytes(size)
        if index % 2:
            (tmp_path / str(index)).write_bytes(data)
        entries.append((f"{index}{rng.choice(['.anki2', '', '.png', 'é.svg'])}", tmp_path / str(index)
                        if index % 2 else data, bool(index % 4)))
    assert ziparchive.zip_bytes(entries) == zipfile_bytes(entries)
    with zipfile.ZipFile(io.BytesIO(ziparchive.zip_bytes(entries))) as archive:
        assert archive.testzip() is None


def test_a_deck_past_what_a_zip_holds_is_refused_and_nothing_is_written(project, monkeypatch):
    project.write("notes.md", "# Deck\n\n## IoU\nOverlap over union.\n")
    project.build("notes.md")
    before = {path: path.read_bytes() for path in project.root.rglob("*") if path.is_file()}
    project.write("notes.md", "# Deck\n\n## IoU\nIntersection over union.\n")
    monkeypatch.setattr(ziparchive, "LIMIT", 1000)  # what 4 GiB would do, scaled down
    run = project.run("build", "notes.md", "--deck", "Notes", "--offline")
    assert run.code == 2 and "error: the deck would be over 4 GiB" in run.err and "Traceback" not in run.err
    assert {path: path.read_bytes() for path in before if path.name != "notes.md"} == {
        path: data for path, data in before.items() if path.name != "notes.md"}
