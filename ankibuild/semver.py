"""Semantic versions, as far as a deck release needs them: parse, order and bump MAJOR.MINOR.PATCH.

What each part means for a deck (decided in changes.py): a patch only edits notes, a minor adds
notes or practice problems, a major retires notes or changes the note type's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Part = Literal["major", "minor", "patch"]
PATTERN = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    def bump(self, part: Part) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def parse(text: str) -> Version | None:
    """The version `text` names, or None when it is not plain MAJOR.MINOR.PATCH (e.g. `2.0`, `1.0-beta`)."""
    match = PATTERN.match(text)
    return Version(*(int(part) for part in match.groups())) if match else None
