"""The collection inside an .apkg: Anki's schema 11 with one note type, our decks and our notes.

These are the rows genanki writes (tests/test_package.py checks them against genanki itself), put
straight into SQLite: genanki's import (asyncio included) and its per-note objects took most of a
one-note rebuild. Anki reads only a few of the values; the rest are the defaults genanki ships.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from .notetype import BACK, FRONT, NoteType, css

SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
    ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
    models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
    usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
    flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
    mod integer not null, usn integer not null, type integer not null, queue integer not null,
    due integer not null, ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null, odid integer not null,
    flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
    ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
    type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
"""
CREATED, MODIFIED, SCHEMA_TIME = 1_411_124_400, 1_425_279_151_694, 1_425_279_151_690  # genanki's fixed times
CONF = {"activeDecks": [1], "addToCur": True, "collapseTime": 1200, "curDeck": 1, "curModel": "1425279151691",
        "dueCounts": True, "estTimes": True, "newBury": True, "newSpread": 0, "nextPos": 1, "sortBackwards": False,
        "sortType": "noteFld", "timeLim": 0}
DEFAULT_DECK = {"collapsed": False, "conf": 1, "desc": "", "dyn": 0, "extendNew": 10, "extendRev": 50, "id": 1,
                "lrnToday": [0, 0], "mod": 1_425_279_151, "name": "Default", "newToday": [0, 0], "revToday": [0, 0],
                "timeToday": [0, 0], "usn": 0}
DECK_OPTIONS = {"1": {"autoplay": True, "id": 1, "lapse": {"delays": [10], "leechAction": 0, "leechFails": 8,
                                                           "minInt": 1, "mult": 0},
                      "maxTaken": 60, "mod": 0, "name": "Default",
                      "new": {"bury": True, "delays": [1, 10], "initialFactor": 2500, "ints": [1, 4, 7], "order": 1,
                              "perDay": 20, "separate": True},
                      "replayq": True, "rev": {"bury": True, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1,
                                               "maxIvl": 36500, "minSpace": 1, "perDay": 100},
                      "timer": 0, "usn": 0}}
LATEX_PRE = ("\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n"
             "\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n")
FIELD_OPTIONS = {"font": "Liberation Sans", "media": [], "rtl": False, "size": 20, "sticky": False}


def write_collection(path: Path, notes: Sequence, decks: Mapping[str, tuple[int, str]], note_type: NoteType,
                     note_type_mtime: int) -> None:
    """A new collection file at `path`: the decks (name -> id and description HTML, in name order),
    the note type and one card per note whose front shows something. `notes` are package.PackedNote."""
    front = _front_fields(note_type)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = OFF")  # a throwaway file: no journal, no syncs
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(SCHEMA)
    connection.execute("INSERT INTO col VALUES (null, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
                       (CREATED, MODIFIED, SCHEMA_TIME, json.dumps(CONF),
                        json.dumps(_models(note_type, note_type_mtime, front, _last(decks))),
                        json.dumps(_decks(decks)), json.dumps(DECK_OPTIONS)))
    # generators, not lists: 50,000 notes' joined fields would otherwise be held all at once
    connection.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')",
                           ((note.note_id, note.guid, note_type.id, note.mtime, " " + " ".join(note.tags) + " ",
                             "\x1f".join(note.fields), note.fields[0]) for note in notes))
    connection.executemany("INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                           ((note.note_id, note.note_id, decks[note.deck][0], note.mtime) for note in notes
                            if any(note.fields[index] for index in front)))
    connection.commit()
    connection.close()


def _front_fields(note_type: NoteType) -> list[int]:
    """The fields the front template shows: a card exists when one of them is not empty (the
    note type's "req", as Anki computes it for a front/back type)."""
    names = set(re.findall(r"{{[#^/]?([^}#^/]+)}}", FRONT))
    return [index for index, name in enumerate(note_type.fields) if name in names]


def _models(note_type: NoteType, mtime: int, front: list[int], deck: int) -> dict[str, dict]:
    template = {"name": "Card 1", "qfmt": FRONT, "afmt": BACK, "ord": 0, "bafmt": "", "bqfmt": "", "bfont": "",
                "bsize": 0, "did": None}
    return {str(note_type.id): {
        "css": css(), "did": deck, "flds": [{"name": name, "ord": index, **FIELD_OPTIONS}
                                            for index, name in enumerate(note_type.fields)],
        "id": str(note_type.id), "latexPost": "\\end{document}", "latexPre": LATEX_PRE, "latexsvg": False,
        "mod": mtime, "name": note_type.name, "req": [[0, "any", front]], "sortf": 0, "tags": [],
        "tmpls": [template], "type": 0, "usn": -1, "vers": []}}


def _last(decks: Mapping[str, tuple[int, str]]) -> int:
    """The note type's deck: genanki's, the last deck it wrote (the default deck if none)."""
    return next(reversed(decks.values()))[0] if decks else 1


def _decks(decks: Mapping[str, tuple[int, str]]) -> dict[str, dict]:
    found = {"1": DEFAULT_DECK}
    for name, (number, description) in decks.items():
        found[str(number)] = {"collapsed": False, "conf": 1, "desc": description, "dyn": 0, "extendNew": 0,
                              "extendRev": 50, "id": number, "lrnToday": [163, 2], "mod": 1_425_278_051,
                              "name": name, "newToday": [163, 2], "revToday": [163, 0], "timeToday": [163, 23598],
                              "usn": -1}
    return found
