"""What changed between two versions of a deck, read from their manifests (notes matched by GUID),
and which part of the version number that calls for:

- major: notes (or practice problems) retired, or the note type's fields changed: a user's
  collection keeps the old notes, or the note type forks;
- minor: notes or practice problems added;
- patch: edits only (text, headings, place, images, formatting, card styling).
"""

from __future__ import annotations

from dataclasses import dataclass

from .manifest import Manifest, ManifestFamily, ManifestNote
from .semver import Part


@dataclass(frozen=True)
class Edit:
    """One note in both versions."""

    old: ManifestNote
    new: ManifestNote


@dataclass(frozen=True)
class FamilyChange:
    """A practice family whose problems changed: added, retired or changed in place (new generator
    code or seed)."""

    generator: str
    title: str
    old: ManifestFamily | None
    new: ManifestFamily | None
    added: int
    changed: int
    retired: int


@dataclass(frozen=True)
class DeckChanges:
    old: Manifest
    new: Manifest
    added: tuple[ManifestNote, ...]
    changed: tuple[Edit, ...]  # the text was edited
    rerendered: tuple[Edit, ...]  # same text, heading and place, shown differently: images, tags, formatting
    moved: tuple[Edit, ...]  # to another chapter or file
    renamed: tuple[Edit, ...]  # its own heading
    retired: tuple[ManifestNote, ...]
    unchanged: int
    practice: tuple[FamilyChange, ...]
    schema_changed: bool  # the note type's id or fields: Anki forks the type
    styling_changed: bool  # templates or CSS: updates in place

    def bump(self) -> tuple[Part, str] | None:
        """The part of the version to raise, and why; None when nothing changed."""
        problems = {kind: sum(getattr(family, kind) for family in self.practice)
                    for kind in ("added", "changed", "retired")}
        major = [count(len(self.retired), "note") + " retired" if self.retired else "",
                 count(problems["retired"], "practice problem") + " retired" if problems["retired"] else "",
                 "the note type's fields changed" if self.schema_changed else ""]
        minor = [count(len(self.added), "note") + " added" if self.added else "",
                 count(problems["added"], "practice problem") + " added" if problems["added"] else ""]
        patch = [count(len(self.changed), "note") + " edited" if self.changed else "",
                 count(len(self.rerendered), "note") + " re-rendered" if self.rerendered else "",
                 count(len(self.renamed), "note") + " renamed" if self.renamed else "",
                 count(len(self.moved), "note") + " moved" if self.moved else "",
                 count(problems["changed"], "practice problem") + " changed" if problems["changed"] else "",
                 "the card styling changed" if self.styling_changed else ""]
        levels = [(part, [reason for reason in reasons if reason])
                  for part, reasons in (("major", major), ("minor", minor), ("patch", patch))]
        found = [(part, reasons) for part, reasons in levels if reasons]
        if not found:
            return None
        also = [reason for _, reasons in found[1:] for reason in reasons]
        return found[0][0], ", ".join(found[0][1]) + (f"; also {', '.join(also)}" if also else "")  # type: ignore


def compare(old: Manifest, new: Manifest) -> DeckChanges:
    before = {note.guid: note for note in old.notes if note.family is None}
    after = {note.guid: note for note in new.notes if note.family is None}
    edits: dict[str, list[Edit]] = {"changed": [], "rerendered": [], "moved": [], "renamed": []}
    unchanged = 0
    for guid, note in after.items():
        previous = before.get(guid)
        if previous is None:
            continue
        if previous.hash == note.hash:
            unchanged += 1
            continue
        edit = Edit(previous, note)
        renamed = previous.heading[-1:] != note.heading[-1:]
        moved = previous.heading[:-1] != note.heading[:-1] or previous.file != note.file
        # an older manifest holds no text: then an edit is whatever is neither a rename nor a move
        edited = previous.text.split() != note.text.split() if previous.text else not (renamed or moved)
        for kind, happened in (("renamed", renamed), ("moved", moved), ("changed", edited)):
            if happened:
                edits[kind].append(edit)
        if not (renamed or moved or edited):
            edits["rerendered"].append(edit)
    schema = (old.note_type is not None and new.note_type is not None
              and (old.note_type.id, old.note_type.fields) != (new.note_type.id, new.note_type.fields))
    styling = (not schema and old.note_type is not None and new.note_type is not None
               and old.note_type.design != new.note_type.design)
    return DeckChanges(old, new, tuple(n for g, n in after.items() if g not in before),
                       *(tuple(edits[kind]) for kind in ("changed", "rerendered", "moved", "renamed")),
                       tuple(n for g, n in before.items() if g not in after), unchanged,
                       _practice(old, new), schema, styling)


def _practice(old: Manifest, new: Manifest) -> tuple[FamilyChange, ...]:
    """The families whose problems changed, in the order the new version lists them (then retired ones)."""
    families = {family.generator: [family, None] for family in old.practice}
    for family in new.practice:
        families.setdefault(family.generator, [None, None])[1] = family
    order = [family.generator for family in new.practice] + [f.generator for f in old.practice
                                                              if f.generator not in {n.generator for n in new.practice}]
    result = []
    for generator in order:
        before, after = ({n.guid: n.hash for n in manifest.notes if n.family == generator} for manifest in (old, new))
        first, second = families[generator]
        added = sum(1 for guid in after if guid not in before)
        retired = sum(1 for guid in before if guid not in after)
        changed = sum(1 for guid, digest in after.items() if guid in before and before[guid] != digest)
        if added or retired or changed or (first is None) != (second is None):
            title = (second or first).title  # type: ignore[union-attr]
            result.append(FamilyChange(generator, title, first, second, added, changed, retired))
    return tuple(result)


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
