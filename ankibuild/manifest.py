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
