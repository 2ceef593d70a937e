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
from .jsontext import encode

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

    def updated(self, note_type: LockedNoteType, decks: dict[str, dict[str, LockedNote]],
                previous: dict[str, dict[str, LockedNote]], gone: set[str]) -> Lock:
        """The lock after a build: the built `decks` replace their entries, renamed decks (`gone`)
        leave, and the GUIDs of `previous` notes that no deck kept are retired (they stay in
        collections), so a later new card never takes one."""
        notes = {**{name: locked for name, locked in self.decks.items() if name not in gone}, **decks}
        kept = {note.guid for locked in notes.values() for note in locked.values()}
        retired = {**self.retired, **{note.guid: key for locked in previous.values()
                                      for key, note in locked.items() if note.guid not in kept}}
        return Lock(note_type, notes, {guid: key for guid, key in retired.items() if guid not in kept})

    def to_json(self) -> bytes:
        """The lock file's bytes: json.dumps(data, indent=1, sort_keys=True) and a newline, in UTF-8."""
        data = {
            "format": FORMAT,
            "note_type": asdict(self.note_type) if self.note_type else None,
            "decks": {deck: {key: note.__dict__ for key, note in sorted(notes.items())}  # its fields, not copied
                      for deck, notes in sorted(self.decks.items())},
            "retired": dict(sorted(self.retired.items())),
        }
        return encode(data, sort_keys=True)


def load_lock(path: Path, reporter: Reporter) -> Lock:
    """The lock at `path`, checked (an empty one when the file does not exist yet): a hand-edited or
    badly merged lock must fail with a message, never deep in the build or in a broken deck."""
    if not path.exists():
        return Lock()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format') if isinstance(data, dict) else None!r}, expected {FORMAT}")
        note_type = data.get("note_type")
        lock = Lock(
            note_type=_locked_note_type(note_type) if note_type is not None else None,
            decks={_text(deck, "deck name"): {_text(key, "note key"): _locked_note(note) for key, note in notes.items()}
                   for deck, notes in data.get("decks", {}).items()},
            retired={_text(guid, "retired GUID"): _text(key, "retired key")
                     for guid, key in data.get("retired", {}).items()},
        )
        _check_unique(lock)
        return lock
    except json.JSONDecodeError as err:
        reporter.error(path, err.lineno, f"lock file is not valid JSON ({err.msg}); restore it from version control")
    except UnicodeDecodeError:
        reporter.error(path, 0, "lock file is not UTF-8 text; restore it from version control")
    except OSError as err:
        reporter.error(path, 0, f"cannot read the lock file ({err.strerror or err})")
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        reporter.error(path, 0, f"lock file is damaged ({err}); restore it from version control")
    return Lock()


MAX_ID = 2**63 - 1  # Anki stores ids and mtimes as SQLite integers: signed 64 bits


def _locked_note_type(data: dict) -> LockedNoteType:
    note_type = LockedNoteType(**{**data, "fields": tuple(data["fields"])})
    _check_types(note_type, (("id", int), ("name", str), ("design", str), ("mtime", int)), "note_type")
    if not all(isinstance(name, str) for name in note_type.fields):
        raise ValueError(f"note_type fields {list(note_type.fields)!r} is not a list of strings")
    return note_type


def _locked_note(data: dict) -> LockedNote:
    """One note's entry, checked."""
    note = LockedNote(**{**data, "heading": tuple(data.get("heading", ()))})
    _check_types(note, (("guid", str), ("note_id", int), ("mtime", int), ("fields_hash", str), ("body_hash", str)))
    if not note.guid:
        raise ValueError("a guid is empty")
    if not all(isinstance(part, str) for part in note.heading):
        raise ValueError(f"heading {note.heading!r} is not a list of strings")
    return note


def _check_types(record: object, expected: tuple[tuple[str, type], ...], prefix: str = "") -> None:
    for name, kind in expected:
        value = getattr(record, name)
        label = f"{prefix} {name}".strip()
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{label} {value!r} is not a{'n' if kind is int else ''} {kind.__name__}")
        if kind is int and not 0 < value <= MAX_ID:
            raise ValueError(f"{label} {value} is out of range (1 to 2**63-1)")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} {value!r} is not a string")
    return value


def _check_unique(lock: Lock) -> None:
    """Two notes with one GUID or one note id would be one note in Anki: the import would merge them,
    or fail on the database's unique constraint."""
    seen: dict[tuple[str, object], str] = {}
    for deck, notes in sorted(lock.decks.items()):
        for key, note in sorted(notes.items()):
            for kind, value in (("guid", note.guid), ("note_id", note.note_id)):
                other = seen.setdefault((kind, value), f"'{key}' in deck '{deck}'")
                if other != f"'{key}' in deck '{deck}'":
                    raise ValueError(f"notes {other} and '{key}' in deck '{deck}' share the {kind} {value}")
