"""The three-way merge of a build into a collection, decided note by note before anything is written.

The base is the stamp each note carries (stamp.py): what the collection last received from us. With
it, a note's Markdown version, its version in Anki and the base say who changed what:

| Markdown changed | Anki changed | outcome                                                    |
|------------------|--------------|------------------------------------------------------------|
| yes              | no           | updated in place (scheduling and history kept)             |
| no               | yes          | Anki's edit kept, and reported so the user can carry it back |
| yes              | yes          | a conflict, nothing overwritten, unless `prefer` settles it |
| no               | no           | untouched                                                  |

This module is pure: a snapshot of the collection and the built notes in, a Plan out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .notetype import NOTE_TYPE
from .package import PackedNote
from .stamp import STAMP_FIELD, content_hash, read_stamp

RETIRED_TAG = "ankibuild::retired"
Prefer = Literal["markdown", "anki"] | None


@dataclass(frozen=True)
class CollectionCard:
    id: int
    deck: str  # its home deck (a card in a filtered deck: the deck it returns to)
    filtered: bool  # in a filtered deck now: left where it is
    suspended: bool


@dataclass(frozen=True)
class CollectionNote:
    id: int
    guid: str
    fields: dict[str, str]
    tags: tuple[str, ...]
    cards: tuple[CollectionCard, ...]
    ours: bool = True  # of our note type; a note whose type was changed in Anki is left alone


@dataclass(frozen=True)
class Write:
    """New field values and tags for an existing note (None: leave as they are)."""

    note: CollectionNote
    fields: dict[str, str] | None
    tags: tuple[str, ...] | None


@dataclass(frozen=True)
class Pair:
    """A built note and its note in the collection."""

    built: PackedNote
    existing: CollectionNote


@dataclass(frozen=True)
class Move:
    built: PackedNote
    existing: CollectionNote
    cards: tuple[CollectionCard, ...]


@dataclass
class Plan:
    new: list[PackedNote] = field(default_factory=list)
    updated: list[Pair] = field(default_factory=list)  # Markdown edits to apply
    overridden: list[Pair] = field(default_factory=list)  # conflicts settled for Markdown (--prefer markdown)
    kept: list[Pair] = field(default_factory=list)  # Anki edits kept (and conflicts settled for Anki)
    conflicts: list[Pair] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    retire: list[tuple[CollectionNote, str]] = field(default_factory=list)  # note, the key it had
    still_retired: list[CollectionNote] = field(default_factory=list)  # retired by an earlier push
    unretire: list[Pair] = field(default_factory=list)
    unknown: list[CollectionNote] = field(default_factory=list)  # in our decks, never built by us
    foreign: list[Pair] = field(default_factory=list)  # built, but its note type was changed in Anki
    writes: list[Write] = field(default_factory=list)  # every field and tag change, one per note
    note_type: bool = False  # our note type is missing, or its CSS or templates differ from ours

    @property
    def settled(self) -> bool:
        """Once applied, nothing of it needs the user again (no edit kept in Anki, no conflict, no
        note to look at): the next push with the same build and an unchanged collection has nothing to say."""
        return not (self.kept or self.conflicts or self.unknown or self.foreign)

    @property
    def changes_collection(self) -> bool:
        return bool(self.new or self.writes or self.moved or self.retire or self.unretire or self.note_type)


def plan(built: list[PackedNote], notes: dict[str, CollectionNote], retired: dict[str, str],
         managed: tuple[str, ...], prefer: Prefer = None) -> Plan:
    """What a push does. `notes`: the collection's notes by GUID; `retired`: GUIDs of notes that
    left the sources, with the key they had; `managed`: the build's top-level decks, inside which
    cards follow their notes (a card the user moved elsewhere stays there)."""
    result = Plan()
    built_guids = {note.guid for note in built}
    for note in built:
        existing = notes.get(note.guid)
        if existing is None:
            result.new.append(note)
        elif not existing.ours:
            result.foreign.append(Pair(note, existing))
        else:
            _merge(note, existing, managed, prefer, result)
    for guid, existing in sorted(notes.items()):
        if guid in built_guids or not existing.ours:
            continue
        if guid in retired:
            done = RETIRED_TAG in existing.tags and all(card.suspended for card in existing.cards)
            (result.still_retired.append(existing) if done else result.retire.append((existing, retired[guid])))
        elif read_stamp(existing.fields.get(STAMP_FIELD, "")) is not None and _inside(existing, managed):
            result.retire.append((existing, ""))  # ours (stamped) and in our decks, but the lock forgot it
        elif _inside(existing, managed):
            result.unknown.append(existing)
    return result


def _merge(note: PackedNote, existing: CollectionNote, managed: tuple[str, ...], prefer: Prefer,
           result: Plan) -> None:
    shipped = dict(zip(NOTE_TYPE.fields, note.fields))
    base = read_stamp(existing.fields.get(STAMP_FIELD, ""))
    ours, theirs = content_hash(shipped), content_hash(existing.fields)
    pair = Pair(note, existing)
    stamp_only = {STAMP_FIELD: shipped[STAMP_FIELD]}
    if ours == theirs:
        fields = stamp_only if existing.fields.get(STAMP_FIELD) != shipped[STAMP_FIELD] else None
    elif base is not None and base.content == theirs:
        fields = shipped
        result.updated.append(pair)
    elif base is not None and base.content == ours:
        fields = stamp_only if existing.fields.get(STAMP_FIELD) != shipped[STAMP_FIELD] else None
        result.kept.append(pair)
    elif prefer == "markdown":
        fields = shipped
        result.overridden.append(pair)
    elif prefer == "anki":
        fields = stamp_only  # the base becomes this build: the next push sees an Anki edit, kept
        result.kept.append(pair)
    else:
        result.conflicts.append(pair)
        return  # nothing of a conflicting note is touched
    owned = set(base.tags) if base is not None else set(note.tags)
    tags = tuple(sorted((set(existing.tags) - owned - {RETIRED_TAG}) | set(note.tags)))
    retagged = tags != tuple(sorted(existing.tags))
    if fields is not None or retagged:
        result.writes.append(Write(existing, fields, tags if retagged else None))
    if RETIRED_TAG in existing.tags:
        result.unretire.append(pair)
    away = tuple(card for card in existing.cards
                 if card.deck != note.deck and not card.filtered and _managed(card.deck, managed))
    if away:
        result.moved.append(Move(note, existing, away))


def _managed(deck: str, managed: tuple[str, ...]) -> bool:
    return any(deck == top or deck.startswith(top + "::") for top in managed)


def _inside(note: CollectionNote, managed: tuple[str, ...]) -> bool:
    return any(_managed(card.deck, managed) for card in note.cards)
