"""Write an .apkg whose bytes depend only on its contents.

genanki stamps every note and card with the build time, numbers ids from the clock, packs media in
`set` order and dates zip entries with the wall clock, so two genanki builds always differ. We use
genanki for the collection schema, the deck and the note type, and write each note with its own
id and mtime from the lock; the zip gets fixed entry dates and media in sorted order.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki

from .notetype import NoteType, genanki_model

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SQLITE_WRITER_VERSION_OFFSET = 96  # header field naming the SQLite library that wrote the file


@dataclass(frozen=True)
class PackedNote:
    guid: str
    note_id: int
    mtime: int
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    key: str = ""  # the note's stable key in the sources
    source: str = ""  # where it comes from: `file:line`, or the generator, seed and number
    fields_hash: str = ""  # what the lock compares to decide whether the note changed
    heading: tuple[str, ...] = ()  # the heading path, for the manifest and the changelog
    text: str = ""  # the answer as written in the sources, for a text diff between versions


def deck_id(name: str) -> int:
    """A stable deck id (Anki matches decks by name on import; the id only has to be valid)."""
    return 1 << 40 | int(hashlib.sha256(name.encode()).hexdigest()[:9], 16)


def package_bytes(notes: list[PackedNote], descriptions: dict[str, str], media: dict[str, Path],
                  note_type: NoteType, note_type_mtime: int) -> bytes:
    """The .apkg file: decks (by name, with descriptions), notes, and media files by packed name."""
    model = genanki_model(note_type)
    decks = [genanki.Deck(deck_id(name), name, description) for name, description in sorted(descriptions.items())]
    for deck in decks:
        deck.add_model(model)
    connection = sqlite3.connect(":memory:")
    cursor = connection.cursor()
    genanki.Package(decks).write_to_db(cursor, note_type_mtime, iter(()))
    with warnings.catch_warnings():
        # Fields are sanitized HTML (nh3 escapes all text); genanki's tag pattern misreads valid tags
        # with a hyphen (MathML's <annotation-xml>) or a line break after the name.
        warnings.filterwarnings("ignore", message="Field contained the following invalid HTML tags", module="genanki")
        for note in notes:
            genanki_note = genanki.Note(model=model, fields=list(note.fields), tags=list(note.tags), guid=note.guid)
            genanki_note.write_to_db(cursor, note.mtime, deck_id(note.deck), iter((note.note_id, note.note_id)))
    connection.commit()
    collection = bytearray(connection.serialize())
    connection.close()
    collection[SQLITE_WRITER_VERSION_OFFSET:SQLITE_WRITER_VERSION_OFFSET + 4] = (3_040_000).to_bytes(4, "big")

    names = sorted(media)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_entry(archive, "collection.anki2", bytes(collection))
        _write_entry(archive, "media", json.dumps({str(i): name for i, name in enumerate(names)}).encode())
        for index, name in enumerate(names):
            _write_entry(archive, str(index), media[name].read_bytes())
    return buffer.getvalue()


def _write_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)

