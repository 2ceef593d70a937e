"""Write an .apkg whose bytes depend only on its contents.

genanki stamps every note and card with the build time, numbers ids from the clock, packs media in
`set` order and dates zip entries with the wall clock, so two genanki builds always differ. We write
genanki's rows ourselves (anki2.py), each note with its own id and mtime from the lock; the zip gets
fixed entry dates and media in sorted order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .notetype import NoteType

COMPRESSED = {"png", "jpg", "gif", "webp", "avif"}  # media stored as they are: deflating them gains nothing
CHANGE_COUNTER_OFFSET = 24  # header field counting the transactions, and the copy of it that
VERSION_VALID_FOR_OFFSET = 92  # says the header's page count is current
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
    """The .apkg file: decks (by name, with descriptions), notes, and media files by packed name.
    The collection is written to a temporary file, not memory: a deck of 50,000 notes would
    otherwise hold its database several times over."""
    import json
    import tempfile

    from .anki2 import write_collection
    from .ziparchive import zip_bytes

    decks = {name: (deck_id(name), description) for name, description in sorted(descriptions.items())}
    with tempfile.TemporaryDirectory(prefix="ankibuild-") as folder:
        path = Path(folder) / "collection.anki2"
        write_collection(path, notes, decks, note_type, note_type_mtime)
        with path.open("r+b") as collection:  # the header as an in-memory database has it: no counts
            for offset, value in ((CHANGE_COUNTER_OFFSET, 0), (VERSION_VALID_FOR_OFFSET, 0),
                                  (SQLITE_WRITER_VERSION_OFFSET, 3_040_000)):
                collection.seek(offset)
                collection.write(value.to_bytes(4, "big"))
        names = sorted(media)
        return zip_bytes([("collection.anki2", path, True),
                          ("media", json.dumps({str(i): name for i, name in enumerate(names)}).encode(), True),
                          *((str(index), media[name], name.rpartition(".")[2] not in COMPRESSED)
                            for index, name in enumerate(names))])
