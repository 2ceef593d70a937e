"""Give each note its identity (GUID, note id) and mtime from a stable key and the lock.

The GUID comes from deck + heading path (or an explicit `{#id}`), never from content, so edits
update the existing note. Content decides only the mtime: Anki applies an incoming note only when
its mtime is newer, so a note whose content did not change keeps its mtime and one that did gets
a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass

import genanki

from .lock import LockedNote

Heading = tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """What identity needs to know about a note before it has one."""

    key: str
    heading: Heading
    fields_hash: str
    body_hash: str


def assign_identities(deck: str, drafts: list[Draft], locked: dict[str, LockedNote], now: int,
                      next_id: int, taken: dict[str, str | None]) -> list[LockedNote]:
    """Identities for `drafts`, in order, numbered from `next_id` for new notes (note ids must not
    collide across the decks of one lock). A draft keeps the identity of the locked note with:
    1. the same key;
    2. else the same text and own heading, a card moved (the text unique among the open cards);
    3. else the same heading below a renamed chapter or topic (edited or not): a rename found in 1
       or 2 whose old heading is gone and whose new one did not exist before;
    4. else the same text under another own heading, a renamed card (the text unique both ways).
    A draft that matches none is a new note: at worst a duplicate, never another card's history. Its
    GUID avoids `taken` ones (other decks' notes; notes that left the sources, unless with this key)."""
    keys = {draft.key for draft in drafts}
    result: dict[int, LockedNote] = {}
    renames: list[tuple[Heading, Heading]] = []
    for index, draft in enumerate(drafts):
        if draft.key in locked:
            previous = locked[draft.key]
            result[index] = _carry(previous, draft, now)
            renames.append((_heading(draft.key, previous), draft.heading))

    vanished = {key: note for key, note in locked.items() if key not in keys}

    def match_text(same_heading: bool) -> None:
        """Same text, unique both ways: a card moved (same own heading) or renamed (another one)."""
        open_drafts = [i for i in range(len(drafts)) if i not in result]
        for index in open_drafts:
            draft = drafts[index]
            def fits(heading: Heading) -> bool:
                return (heading[-1] == draft.heading[-1]) == same_heading
            matches = [key for key, note in vanished.items()
                       if note.body_hash == draft.body_hash and fits(_heading(key, note))]
            rivals = [i for i in open_drafts if i not in result and drafts[i].body_hash == draft.body_hash
                      and (not same_heading or drafts[i].heading[-1] == draft.heading[-1])]
            if len(matches) == 1 and len(rivals) == 1:
                previous = vanished.pop(matches[0])
                result[index] = _carry(previous, draft, now)
                renames.append((_heading(matches[0], previous), draft.heading))

    def follow_renamed_ancestors() -> None:
        by_heading = {_heading(key, note): key for key, note in vanished.items()}
        for new_prefix, old_prefix in _ancestor_renames(renames, locked, drafts):
            for index, draft in enumerate(drafts):
                if index not in result and draft.heading[:len(new_prefix)] == new_prefix:
                    old_key = by_heading.get(old_prefix + draft.heading[len(new_prefix):])
                    if old_key in vanished:
                        result[index] = _carry(vanished.pop(old_key), draft, now)

    match_text(same_heading=True)
    follow_renamed_ancestors()
    match_text(same_heading=False)
    follow_renamed_ancestors()  # again, for the cards below a renamed card

    used_guids = {note.guid for note in result.values()}
    taken = {**taken, **{note.guid: key for key, note in vanished.items()}}
    for index, draft in enumerate(drafts):
        if index in result:
            continue
        guid = _fresh_guid(deck, draft.key, used_guids, taken)
        used_guids.add(guid)
        result[index] = LockedNote(guid, next_id, now, draft.fields_hash, draft.body_hash, draft.heading)
        next_id += 1
    return [result[index] for index in range(len(drafts))]


def _ancestor_renames(renames: list[tuple[Heading, Heading]], locked: dict[str, LockedNote],
                      drafts: list[Draft]) -> list[tuple[Heading, Heading]]:
    """(new prefix, old prefix) of the heading paths that were renamed, longest first: `A › B › C`
    that became `A › X › C` means `A › B` became `A › X`, if `A › B` is gone and `A › X` is new."""
    before = {heading[:size] for key, note in locked.items()
              for heading in [_heading(key, note)] for size in range(len(heading) + 1)}
    now = {draft.heading[:size] for draft in drafts for size in range(len(draft.heading) + 1)}
    found = set()
    for old, new in renames:
        while old and new and old[-1] == new[-1]:
            old, new = old[:-1], new[:-1]
        if old != new and old not in now and new not in before:
            found.add((new, old))
    return sorted(found, key=lambda rename: (-len(rename[0]), rename))  # sorted fully: deterministic


def _heading(key: str, note: LockedNote) -> Heading:
    """A locked note's heading path (locks written before it was recorded: from the key)."""
    return note.heading or tuple(key.split(" › "))


def _carry(previous: LockedNote, draft: Draft, now: int) -> LockedNote:
    mtime = previous.mtime if previous.fields_hash == draft.fields_hash else max(now, previous.mtime + 1)
    return LockedNote(previous.guid, previous.note_id, mtime, draft.fields_hash, draft.body_hash, draft.heading)


def _fresh_guid(deck: str, key: str, used: set[str], taken: dict[str, str | None]) -> str:
    """genanki's GUID of (deck, key); salted if another note carries or carried that GUID (a retired
    note of this very key is the same card coming back, and gets its history back)."""
    guid = genanki.guid_for(deck, key)
    salt = 1
    while guid in used or (guid in taken and taken[guid] != key):
        guid = genanki.guid_for(deck, key, salt)
        salt += 1
    return guid
