"""Identity matching in linear time gives the same identities as the straightforward quadratic
matching it replaced (kept here as the reference), on random decks of renamed, moved, edited,
duplicated and new cards."""

from __future__ import annotations

import genanki
from hypothesis import given, settings
from hypothesis import strategies as st

from ankibuild.identity import Draft, identify
from ankibuild.lock import Lock, LockedNote

NOW = 1_800_000_000
DECK = "Deck"


def reference(drafts: list[Draft], locked: dict[str, LockedNote]) -> list[tuple[str, int, int]]:
    """The matching as first written: every open card compared with every other (O(n²))."""
    def heading(key, note):
        return note.heading or tuple(key.split(" › "))

    def carry(previous, draft):
        mtime = previous.mtime if previous.fields_hash == draft.fields_hash else max(NOW, previous.mtime + 1)
        return (previous.guid, previous.note_id, mtime)

    keys = {draft.key for draft in drafts}
    result, renames = {}, []
    for index, draft in enumerate(drafts):
        if draft.key in locked:
            result[index] = carry(locked[draft.key], draft)
            renames.append((heading(draft.key, locked[draft.key]), draft.heading))
    vanished = {key: note for key, note in locked.items() if key not in keys}

    def match_text(same_heading):
        open_drafts = [i for i in range(len(drafts)) if i not in result]
        for index in open_drafts:
            draft = drafts[index]
            matches = [key for key, note in vanished.items() if note.body_hash == draft.body_hash
                       and (heading(key, note)[-1] == draft.heading[-1]) == same_heading]
            rivals = [i for i in open_drafts if i not in result and drafts[i].body_hash == draft.body_hash
                      and (not same_heading or drafts[i].heading[-1] == draft.heading[-1])]
            if len(matches) == 1 and len(rivals) == 1:
                previous = vanished.pop(matches[0])
                result[index] = carry(previous, draft)
                renames.append((heading(matches[0], previous), draft.heading))

    def follow():
        before = {heading(k, n)[:size] for k, n in locked.items() for size in range(len(heading(k, n)) + 1)}
        now = {d.heading[:size] for d in drafts for size in range(len(d.heading) + 1)}
        found = set()
        for old, new in renames:
            while old and new and old[-1] == new[-1]:
                old, new = old[:-1], new[:-1]
            if old != new and old not in now and new not in before:
                found.add((new, old))
        by_heading = {heading(key, note): key for key, note in vanished.items()}
        for new_prefix, old_prefix in sorted(found, key=lambda rename: (-len(rename[0]), rename)):
            for index, draft in enumerate(drafts):
                if index not in result and draft.heading[:len(new_prefix)] == new_prefix:
                    old_key = by_heading.get(old_prefix + draft.heading[len(new_prefix):])
                    if old_key in vanished:
                        result[index] = carry(vanished.pop(old_key), draft)

    match_text(True)
    follow()
    match_text(False)
    follow()
    next_id = max([NOW * 1000] + [note.note_id + 1 for note in locked.values()])
    used = {guid for guid, _, _ in result.values()}
    for index, draft in enumerate(drafts):
        if index not in result:
            guid, salt = genanki.guid_for(DECK, draft.key), 1
            while guid in used:
                guid, salt = genanki.guid_for(DECK, draft.key, salt), salt + 1
            used.add(guid)
            result[index] = (guid, next_id, NOW)
            next_id += 1
    return [result[index] for index in range(len(drafts))]


WORDS = st.sampled_from(["A", "B", "C"])
HEADINGS = st.lists(WORDS, min_size=1, max_size=3).map(tuple)
TEXTS = st.sampled_from(["t1", "t2", "t3", "t4"])


@st.composite
def builds(draw):
    """A locked deck, and the next build of it: some cards kept, renamed, edited or new."""
    old = draw(st.dictionaries(HEADINGS, TEXTS, max_size=8))
    locked = {" › ".join(h): LockedNote(genanki.guid_for(DECK, " › ".join(h)), NOW * 1000 - 100 + i, NOW - 10,
                                        f"f-{text}", text, h)
              for i, (h, text) in enumerate(old.items())}
    new = draw(st.dictionaries(HEADINGS, TEXTS, max_size=8))
    drafts = [Draft(" › ".join(h), h, f"f-{text}{draw(st.sampled_from(['', '-edited']))}", text)
              for h, text in new.items()]
    return drafts, locked


@settings(max_examples=400, deadline=None)
@given(builds())
def test_linear_matching_agrees_with_the_quadratic_reference(case):
    drafts, locked = case
    ours = identify({DECK: drafts}, {DECK: locked}, Lock(None, {DECK: locked}, {}), NOW)[DECK]
    assert [(i.guid, i.note_id, i.mtime) for i in ours] == reference(drafts, locked)
