"""The JSON manifest written beside each .apkg: what the deck holds, note by note, so that two
versions can be compared (`python build.py diff`, `release`, the changelog) without the sources.

Format 2 adds each note's heading path and text (for a readable diff), the note type and the
practice families. Older manifests still read: a note's heading then comes from its key, its text
is unknown and changes show without a text diff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .config import DeckSpec
from .jsontext import encode
from .notetype import NoteType
from .package import PackedNote

FORMAT = 2
PRACTICE = "practice::"  # the key prefix of a practice problem: practice::<generator>::<number>


@dataclass(frozen=True)
class ManifestNote:
    guid: str
    key: str
    hash: str  # the content hash the lock compares (what the note shows)
    source: str  # `file:line`, or for a practice problem `generators/x.py · seed 1 · problem 3`
    deck: str
    heading: tuple[str, ...] = ()
    text: str = ""  # the answer as written in the sources, for a text diff (empty for practice problems)

    @property
    def family(self) -> str | None:
        """The generator of a practice problem; None for a note."""
        return self.key.split("::")[1] if self.key.startswith(PRACTICE) else None

    @property
    def file(self) -> str:
        return self.source.rsplit(":", 1)[0] if self.family is None else self.source.split(" · ")[0]


@dataclass(frozen=True)
class ManifestFamily:
    """A practice family as shipped: its generator, subdeck title, problem count and seed."""

    generator: str
    title: str
    count: int
    seed: int | None = None  # unknown in format-1 manifests


@dataclass(frozen=True)
class ManifestNoteType:
    id: int
    name: str
    fields: tuple[str, ...]
    design: str  # hash of templates and CSS: a change updates in place (not a schema change)


@dataclass(frozen=True)
class Manifest:
    deck: str
    version: str
    notes: tuple[ManifestNote, ...]
    media: tuple[str, ...] = ()
    note_type: ManifestNoteType | None = None  # unknown in format-1 manifests
    practice: tuple[ManifestFamily, ...] = ()

    def to_json(self) -> bytes:
        """The manifest file's bytes: json.dumps(data, indent=1) and a newline, in UTF-8."""
        data = {
            "deck": self.deck,
            "version": self.version,
            "format": FORMAT,
            "note_type": self.note_type and self.note_type.__dict__,
            "practice": [family.__dict__ for family in self.practice],
            "notes": [note.__dict__ for note in self.notes],
            "media": sorted(self.media),
        }
        return encode(data)


def shipped_manifest(spec: DeckSpec, packed: list[PackedNote], media: list[str], note_type: NoteType) -> Manifest:
    """The manifest of a deck as built."""
    notes = tuple(ManifestNote(n.guid, n.key, n.fields_hash, n.source, n.deck, n.heading, n.text) for n in packed)
    titles = {note.family: note.heading[1] for note in notes if note.family and len(note.heading) > 1}
    practice = tuple(ManifestFamily(p.generator, titles.get(p.generator, p.generator), p.count, p.seed)
                     for p in spec.practice)
    shipped_type = ManifestNoteType(note_type.id, note_type.name, note_type.fields, note_type.design)
    return Manifest(spec.name, spec.version, notes, tuple(media), shipped_type, practice)


def read_manifest(text: str) -> Manifest:
    """A manifest of any format; raises ValueError (or KeyError, TypeError) saying what is wrong when it
    is not one: a hand-edited manifest must give a message, not a crash in the comparison."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("version"), str) or not isinstance(data.get("notes"), list):
        raise ValueError("expected an object with a version (a string) and notes (a list)")
    deck = str(data["deck"])
    notes = tuple(_note(_checked(note, position), deck) for position, note in enumerate(data["notes"], start=1))
    seen: set[str] = set()
    for position, note in enumerate(notes, start=1):
        if note.guid in seen:
            raise ValueError(f"note {position}: guid {note.guid} is listed twice")
        seen.add(note.guid)
    note_type = data.get("note_type")
    practice = data.get("practice")
    if practice is None:  # format 1: the families from the problems' keys
        counts: dict[str, list[ManifestNote]] = {}
        for note in notes:
            if note.family:
                counts.setdefault(note.family, []).append(note)
        practice = [{"generator": name, "title": problems[0].heading[1], "count": len(problems)}
                    for name, problems in counts.items()]
    return Manifest(deck, str(data["version"]), notes, tuple(data.get("media", ())),
                    note_type and ManifestNoteType(int(note_type["id"]), str(note_type["name"]),
                                                   tuple(note_type["fields"]), str(note_type["design"])),
                    tuple(ManifestFamily(**family) for family in practice))


def _checked(data: object, position: int) -> dict:
    """One note's entry, with the fields a manifest has and each of the right type."""
    required, optional = {"guid", "key", "hash", "source", "deck"}, {"heading", "text"}
    if not isinstance(data, dict) or not required <= set(data) <= required | optional:
        raise ValueError(f"note {position} must have {', '.join(sorted(required))} (and may have heading, text)")
    wrong = [name for name in sorted(required) if not isinstance(data[name], str)]
    if "text" in data and not isinstance(data["text"], str):
        wrong.append("text")
    if wrong:
        raise ValueError(f"note {position}: {wrong[0]} must be a string, not {type(data[wrong[0]]).__name__}")
    heading = data.get("heading", [])
    if not isinstance(heading, list) or not all(isinstance(part, str) for part in heading):
        raise ValueError(f"note {position}: heading must be a list of strings")
    return data


def _note(data: dict, deck: str) -> ManifestNote:
    note = ManifestNote(**{**data, "heading": tuple(data.get("heading", ()))})
    if note.heading:
        return note
    if note.family:  # format 1: Practice › subdeck title › number
        return ManifestNote(**{**note.__dict__, "heading": ("Practice", note.deck.split("::")[-1],
                                                            note.key.split("::")[-1])})
    return ManifestNote(**{**note.__dict__, "heading": tuple(note.key.split(" › "))})
