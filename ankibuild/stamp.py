"""The base of the three-way merge, kept in the note itself: a stamp in the reserved field `Spare3`.

`push` must know what the collection last received from us, to tell a Markdown edit from an edit
made in Anki. Kept on this machine, that knowledge would be lost to a phone edit synced in, an
`.apkg` imported by hand or a second computer; kept in a field, it travels with the note through
every sync and import. The stamp holds a hash of the fields as shipped (the `Source` line aside, so
a card that only moved down its file is not re-sent) and the tags the build set, so that `push`
keeps the tags the user added and replaces only its own.
"""

from __future__ import annotations

import hashlib
import html
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

STAMP_FIELD = "Spare3"
PREFIX = "ankibuild:v1:"
UNSTAMPED = ("Source", STAMP_FIELD)  # fields whose text is not part of the content


@dataclass(frozen=True)
class Stamp:
    content: str  # content_hash() of the fields as shipped
    tags: tuple[str, ...]  # the tags the build set


def content_hash(fields: Mapping[str, str]) -> str:
    """What the note says, by field name, as Anki stores it (Anki normalises text to NFC)."""
    text = "\x1f".join(f"{name}\x1e{unicodedata.normalize('NFC', value)}"
                       for name, value in sorted(fields.items()) if name not in UNSTAMPED)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def stamp_text(fields: Mapping[str, str], tags: tuple[str, ...]) -> str:
    return " ".join([PREFIX + content_hash(fields), *sorted(tags)])


def read_stamp(text: str) -> Stamp | None:
    """The stamp in a field's text; None if there is none (a note from an older package, or a
    stamp an editor mangled)."""
    words = html.unescape(text).split()
    if not words or not words[0].startswith(PREFIX) or len(words[0]) != len(PREFIX) + 20:
        return None
    return Stamp(words[0][len(PREFIX):], tuple(words[1:]))
