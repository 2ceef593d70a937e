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


@dataclass(frozen=True)
class Draft:
    """What identity needs to know about a note before it has one."""

    key: str
    fields_hash: str
    body_hash: str


def assign_identities(deck: str, drafts: list[Draft], locked: dict[str, LockedNote], now: int,
                      next_id: int) -> list[LockedNote]:
    """Identities for `drafts`, in order: kept by key, then by unchanged text (a renamed heading), else
    new, numbered from `next_id` (note ids must not collide across the decks of one lock)."""
    keys = {draft.key for draft in drafts}
    result: dict[int, LockedNote] = {}
    for index, draft in enumerate(drafts):
        if draft.key in locked:
            result[index] = _carry(locked[draft.key], draft, now)

    vanished = {key: note for key, note in locked.items() if key not in keys}
    renamed: dict[str, str] = {}  # old key -> new key
    for index, draft in enumerate(drafts):
        if index in result:
            continue
        matches = [key for key, note in vanished.items() if note.body_hash == draft.body_hash]
        if len(matches) > 1:  # several cards with the same text: the one whose own heading is unchanged
            matches = [key for key in matches if _leaf(key) == _leaf(draft.key)]
        if len(matches) == 1:
            renamed[matches[0]] = draft.key
            result[index] = _carry(vanished.pop(matches[0]), draft, now)

    # A card whose own heading is unchanged follows a renamed ancestor, edited or not: the renames
    # found above say which heading paths became which.
    moves = _path_moves(renamed)
    for index, draft in enumerate(drafts):
        if index in result:
            continue
        path = draft.key.split(" › ")
        for new_prefix, old_prefix in moves:
            if path[:len(new_prefix)] == new_prefix:
                old_key = " › ".join(old_prefix + path[len(new_prefix):])
                if old_key in vanished:
                    result[index] = _carry(vanished.pop(old_key), draft, now)
                    break

    used_guids = {note.guid for note in result.values()}
    for index, draft in enumerate(drafts):
        if index in result:
            continue
        guid = _fresh_guid(deck, draft.key, used_guids)
        used_guids.add(guid)
        result[index] = LockedNote(guid, next_id, now, draft.fields_hash, draft.body_hash)
        next_id += 1
    return [result[index] for index in range(len(drafts))]


def _path_moves(renamed: dict[str, str]) -> list[tuple[list[str], list[str]]]:
    """(new heading path prefix, old prefix) pairs, longest first: `A › B › C` renamed to `A › X › C`
    means the subtree `A › X` was `A › B`."""
    moves = []
    for old, new in renamed.items():
        old_path, new_path = old.split(" › "), new.split(" › ")
        while len(old_path) > 1 and len(new_path) > 1 and old_path[-1] == new_path[-1]:
            old_path, new_path = old_path[:-1], new_path[:-1]
        moves.append((new_path, old_path))
    return sorted(moves, key=lambda move: -len(move[0]))


def _leaf(key: str) -> str:
    """The card's own heading in a key such as `Basics › Losses › Huber`."""
    return key.rsplit(" › ", 1)[-1]


def _carry(previous: LockedNote, draft: Draft, now: int) -> LockedNote:
    mtime = previous.mtime if previous.fields_hash == draft.fields_hash else max(now, previous.mtime + 1)
    return LockedNote(previous.guid, previous.note_id, mtime, draft.fields_hash, draft.body_hash)


def _fresh_guid(deck: str, key: str, used: set[str]) -> str:
    """genanki's GUID of (deck, key); salted only if a renamed note already carries that GUID."""
    guid = genanki.guid_for(deck, key)
    salt = 1
    while guid in used:
        guid = genanki.guid_for(deck, key, salt)
        salt += 1
    return guid
