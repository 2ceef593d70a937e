"""The lock file: what the previous build shipped, so the next one keeps identities and mtimes.

Anki's importer matches notes by GUID and applies an update only when the note's mtime is newer
than the collection's. The lock, committed beside the sources, remembers per note its GUID, note id,
content hash and mtime: unchanged notes keep their mtime (the import skips them), changed notes
get a newer one (the import applies them), and a renamed heading is recognised by its unchanged text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .diagnostics import Reporter

FORMAT = 1


@dataclass(frozen=True)
class LockedNote:
    guid: str
    note_id: int
    mtime: int
    fields_hash: str
    body_hash: str
    heading: tuple[str, ...] = ()  # the heading path, to tell a renamed chapter from a moved card


@dataclass(frozen=True)
class LockedNoteType:
    id: int
    name: str
    fields: tuple[str, ...]
    design: str
    mtime: int


@dataclass
class Lock:
    note_type: LockedNoteType | None = None
    decks: dict[str, dict[str, LockedNote]] = field(default_factory=dict)
    # GUIDs of notes that left the sources (they stay in collections) -> the key they had last
    retired: dict[str, str] = field(default_factory=dict)

    def taken_guids(self, deck: str) -> dict[str, str | None]:
        """GUIDs a new note of `deck` must not take: other decks' notes (None), and notes that left
        the sources (with the key they had, so that the same card coming back may take its own)."""
        others = {note.guid: None for name, notes in self.decks.items() if name != deck for note in notes.values()}
        return {**self.retired, **others}

    def record(self, deck: str, notes: dict[str, LockedNote], previous: dict[str, LockedNote]) -> None:
        """Store the deck's notes, and retire the GUIDs of its previous notes that left the sources."""
        self.decks[deck] = notes
        kept = {note.guid for note in notes.values()}
        self.retired.update({note.guid: key for key, note in previous.items() if note.guid not in kept})
        for guid in kept:
            self.retired.pop(guid, None)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "note_type": asdict(self.note_type) if self.note_type else None,
            "decks": {deck: {key: asdict(note) for key, note in sorted(notes.items())}
                      for deck, notes in sorted(self.decks.items())},
            "retired": dict(sorted(self.retired.items())),
        }
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def load_lock(path: Path, reporter: Reporter) -> Lock:
    """The lock at `path`; an empty one when the file does not exist yet."""
    if not path.exists():
        return Lock()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        note_type = data.get("note_type")
        return Lock(
            note_type=LockedNoteType(**{**note_type, "fields": tuple(note_type["fields"])}) if note_type else None,
            decks={deck: {key: _locked_note(note) for key, note in notes.items()}
                   for deck, notes in data.get("decks", {}).items()},
            retired={str(guid): str(key) for guid, key in data.get("retired", {}).items()},
        )
    except json.JSONDecodeError as err:
        reporter.error(path, err.lineno, f"lock file is not valid JSON ({err.msg}); restore it from version control")
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        reporter.error(path, 0, f"lock file is damaged ({err}); restore it from version control")
    return Lock()


def _locked_note(data: dict) -> LockedNote:
    """One note's entry, checked: a hand-edited lock must fail with a message, not deep in the build."""
    note = LockedNote(**{**data, "heading": tuple(data.get("heading", ()))})
    for name, kind in (("guid", str), ("note_id", int), ("mtime", int), ("fields_hash", str), ("body_hash", str)):
        if not isinstance(getattr(note, name), kind):
            raise ValueError(f"{name} {getattr(note, name)!r} is not a{'n' if kind is int else ''} {kind.__name__}")
    if not all(isinstance(part, str) for part in note.heading):
        raise ValueError(f"heading {note.heading!r} is not a list of strings")
    return note
