"""The JSON manifest written beside each .apkg: every note's identity and content hash, so two
versions of a deck can be compared (`python build.py diff OLD NEW`)."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class ManifestNote:
    guid: str
    key: str
    hash: str
    source: str
    deck: str


def manifest_json(deck: str, version: str, notes: list[ManifestNote], media: list[str]) -> str:
    data = {
        "deck": deck,
        "version": version,
        "notes": [note.__dict__ for note in notes],
        "media": sorted(media),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class ManifestDiff:
    """What changed between two versions of a deck, note by note (matched by GUID)."""

    added: list[ManifestNote]
    removed: list[ManifestNote]
    changed: list[ManifestNote]
    renamed: list[tuple[ManifestNote, ManifestNote]]
    unchanged: int

    def lines(self) -> list[str]:
        return ([f"+ {note.key}  ({note.source})" for note in self.added]
                + [f"- {note.key}" for note in self.removed]
                + [f"~ {note.key}  ({note.source})" for note in self.changed]
                + [f"> {old.key} -> {new.key}  ({new.source})" for old, new in self.renamed]
                + [f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed, "
                   f"{len(self.renamed)} renamed, {self.unchanged} unchanged"])


def read_manifest(text: str) -> tuple[str, list[ManifestNote]]:
    """The version and notes of a manifest; raises ValueError when it is not one."""
    data = json.loads(text)
    return str(data["version"]), [ManifestNote(**note) for note in data["notes"]]


def compare(old: list[ManifestNote], new: list[ManifestNote]) -> ManifestDiff:
    before = {note.guid: note for note in old}
    after = {note.guid: note for note in new}
    changed, renamed, unchanged = [], [], 0
    for guid, note in after.items():
        previous = before.get(guid)
        if previous is None:
            continue
        if previous.key != note.key:
            renamed.append((previous, note))
        elif previous.hash != note.hash:
            changed.append(note)
        else:
            unchanged += 1
    return ManifestDiff(added=[n for g, n in after.items() if g not in before],
                        removed=[n for g, n in before.items() if g not in after],
                        changed=changed, renamed=renamed, unchanged=unchanged)
