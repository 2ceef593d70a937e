"""Identify: give each note its identity (GUID, note id) and mtime from a stable key and the lock.

The GUID comes from deck + heading path (or an explicit `{#id}`), never from content, so edits
update the existing note. Content decides only the mtime: Anki applies an incoming note only when
its mtime is newer, so a note whose content did not change keeps its mtime and one that did gets
a newer one. Matching is done with hash maps, in time linear in the number of notes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from .lock import Lock, LockedNote

Heading = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Draft:
    """What identity needs to know about a note before it has one."""

    key: str
    heading: Heading
    fields_hash: str
    body_hash: str


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a note is in the user's collection: the GUID Anki matches on, its note id, and the
    mtime that decides whether an import applies it."""

    guid: str
    note_id: int
    mtime: int

    def locked(self, draft: Draft) -> LockedNote:
        """The lock's entry for the note `draft` that has this identity."""
        return LockedNote(self.guid, self.note_id, self.mtime, draft.fields_hash, draft.body_hash, draft.heading)


def identify(decks: dict[str, list[Draft]], previous: dict[str, dict[str, LockedNote]], lock: Lock,
             now: int) -> dict[str, list[Identity]]:
    """Identities for each deck's drafts, in order. A draft keeps the identity of the locked note
    (of its deck, or of the renamed deck it continues: `previous`) with:
    1. the same key;
    2. else the same text and own heading, a card moved (the text unique among the open cards);
    3. else the same heading below a renamed chapter or topic (edited or not): a rename found in 1
       or 2 whose old heading is gone and whose new one did not exist before;
    4. else the same text under another own heading, a renamed card (the text unique both ways);
    5. else the same text in another deck of this build, a card moved between decks (the text
       unique among all cards of the build and among all notes that left their decks).
    A draft that matches none is a new note: at worst a duplicate, never another card's history.
    New notes are numbered after every note id of the lock, so ids never collide across decks."""
    matchings = {deck: _Matching(drafts, previous.get(deck, {}), now) for deck, drafts in decks.items()}
    for matching in matchings.values():
        matching.run()
    _match_across_decks(matchings)
    next_id = max([now * 1000] + [note.note_id + 1 for notes in lock.decks.values() for note in notes.values()])
    used = {identity.guid for matching in matchings.values() for identity in matching.result.values()}
    taken = {**lock.retired, **{note.guid: None for notes in lock.decks.values() for note in notes.values()}}
    result: dict[str, list[Identity]] = {}
    for deck, matching in matchings.items():
        for index, draft in enumerate(matching.drafts):
            if index not in matching.result:
                guid = _fresh_guid(deck, draft.key, used, taken)
                used.add(guid)
                matching.result[index] = Identity(guid, next_id, now)
                next_id += 1
        result[deck] = [matching.result[index] for index in range(len(matching.drafts))]
    return result


class _Matching:
    """Steps 1 to 4 of `identify` for one deck."""

    def __init__(self, drafts: list[Draft], locked: dict[str, LockedNote], now: int) -> None:
        self.drafts, self.locked, self.now = drafts, locked, now
        self.result: dict[int, Identity] = {}
        self.renames: list[tuple[Heading, Heading]] = []
        keys = {draft.key for draft in drafts}
        self.vanished = {key: note for key, note in locked.items() if key not in keys}

    def run(self) -> None:
        for index, draft in enumerate(self.drafts):
            if draft.key in self.locked:
                self.carry(index, draft.key, self.locked[draft.key])
        self.match_text(same_heading=True)
        self.follow_renamed_ancestors()
        self.match_text(same_heading=False)
        self.follow_renamed_ancestors()  # again, for the cards below a renamed card

    def carry(self, index: int, key: str, previous: LockedNote) -> None:
        draft = self.drafts[index]
        self.result[index] = carried(previous, draft, self.now)
        self.renames.append((_heading(key, previous), draft.heading))

    def match_text(self, same_heading: bool) -> None:
        """Same text, unique both ways: a card moved (same own heading) or renamed (another one)."""
        def group(body: str, heading: Heading) -> tuple[str, str | None]:
            return (body, heading[-1] if same_heading else None)

        open_drafts = [index for index in range(len(self.drafts)) if index not in self.result]
        drafts = Counter(group(self.drafts[i].body_hash, self.drafts[i].heading) for i in open_drafts)
        by_body: dict[str, dict[str, None]] = {}
        by_own_heading: dict[tuple[str, str], dict[str, None]] = {}
        for key, note in self.vanished.items():
            by_body.setdefault(note.body_hash, {})[key] = None
            by_own_heading.setdefault((note.body_hash, _heading(key, note)[-1]), {})[key] = None
        for index in open_drafts:
            draft = self.drafts[index]
            own = (draft.body_hash, draft.heading[-1])
            if drafts[group(draft.body_hash, draft.heading)] != 1:
                continue
            same = len(by_own_heading.get(own, ()))
            if (same if same_heading else len(by_body.get(draft.body_hash, ())) - same) != 1:
                continue
            key = next(iter(by_own_heading[own])) if same_heading else next(
                key for key in by_body[draft.body_hash] if key not in by_own_heading.get(own, ()))
            note = self.vanished.pop(key)
            del by_body[note.body_hash][key]
            del by_own_heading[(note.body_hash, _heading(key, note)[-1])][key]
            self.carry(index, key, note)

    def follow_renamed_ancestors(self) -> None:
        by_heading = {_heading(key, note): key for key, note in self.vanished.items()}
        below: dict[Heading, list[int]] = {}
        for index, draft in enumerate(self.drafts):
            if index not in self.result:
                for size in range(len(draft.heading) + 1):
                    below.setdefault(draft.heading[:size], []).append(index)
        for new_prefix, old_prefix in _ancestor_renames(self.renames, self.locked, self.drafts):
            for index in below.get(new_prefix, ()):
                draft = self.drafts[index]
                old_key = by_heading.get(old_prefix + draft.heading[len(new_prefix):])
                if index not in self.result and old_key in self.vanished:
                    self.result[index] = carried(self.vanished.pop(old_key), draft, self.now)


def _match_across_decks(matchings: dict[str, _Matching]) -> None:
    """Step 5: a card whose text is unique in the whole build and among the notes that left their
    decks keeps its identity when it moves to another deck's file."""
    texts = Counter(draft.body_hash for matching in matchings.values() for draft in matching.drafts)
    gone: dict[str, list[tuple[str, str]]] = {}
    for deck, matching in matchings.items():
        for key, note in matching.vanished.items():
            gone.setdefault(note.body_hash, []).append((deck, key))
    for deck, matching in matchings.items():
        for index, draft in enumerate(matching.drafts):
            left = gone.get(draft.body_hash, [])
            if index in matching.result or texts[draft.body_hash] != 1 or len(left) != 1 or left[0][0] == deck:
                continue
            old_deck, key = left.pop()
            matching.result[index] = carried(matchings[old_deck].vanished.pop(key), draft, matching.now)


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


def carried(previous: LockedNote, draft: Draft, now: int) -> Identity:
    """The previous note's identity; a newer mtime when what it shows changed."""
    mtime = previous.mtime if previous.fields_hash == draft.fields_hash else max(now, previous.mtime + 1)
    return Identity(previous.guid, previous.note_id, mtime)


BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def guid_for(*values: object) -> str:
    """genanki's GUID of some values (the first 64 bits of a SHA-256, in Anki's base 91), computed
    here: importing genanki costs more than a one-note rebuild may."""
    number = int.from_bytes(hashlib.sha256("__".join(map(str, values)).encode()).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, len(BASE91))
        digits.append(BASE91[digit])
    return "".join(reversed(digits))


def _fresh_guid(deck: str, key: str, used: set[str], taken: dict[str, str | None]) -> str:
    """genanki's GUID of (deck, key); salted if another note carries or carried that GUID (a retired
    note of this very key is the same card coming back, and gets its history back)."""
    guid = guid_for(deck, key)
    salt = 1
    while guid in used or (guid in taken and taken[guid] != key):
        guid = guid_for(deck, key, salt)
        salt += 1
    return guid
