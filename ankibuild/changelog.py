"""What changed, written for people: a CHANGELOG.md section (Markdown), the `diff` report (plain
text) and the short, link-free summary the deck description shows in Anki.

The section and the report are one list of headed items rendered twice, so they never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .changes import DeckChanges, FamilyChange, compare, count
from .manifest import Manifest, ManifestNote

SHOWN_ADDED = 3  # headings of added notes named in the deck description
DIFF_HUNKS = 3  # changed passages shown per edited note
DIFF_CONTEXT = 4  # unchanged words around each
DIFF_WIDTH = 110  # characters per diff line at most


@dataclass(frozen=True)
class Item:
    line: str
    source: str = ""  # `path:line`
    diff: tuple[str, ...] = ()  # `- old words`, `+ new words` lines


def summary(changes: DeckChanges) -> str:
    """One plain sentence: counts, the first few added headings, the practice families touched."""
    added = ", ".join(_plain(note.heading[-1]) for note in changes.added[:SHOWN_ADDED])
    more = ", …" if len(changes.added) > SHOWN_ADDED else ""
    parts = [f"{count(len(changes.added), 'note')} added ({added}{more})" if changes.added else ""]
    parts += [f"{count(len(notes), 'note')} {verb}" for notes, verb in ((changes.changed, "edited"), (changes.renamed, "renamed"),
                                                         (changes.moved, "moved"), (changes.retired, "retired"),
                                                         (changes.rerendered, "shown differently")) if notes]
    problems = [f"{sum(getattr(family, kind) for family in changes.practice)} {kind}"
                for kind in ("added", "changed", "retired") if any(getattr(family, kind) for family in changes.practice)]
    families = ", ".join(_plain(family.title) for family in changes.practice[:SHOWN_ADDED])
    families += ", …" if len(changes.practice) > SHOWN_ADDED else ""
    text = "; ".join(filter(None, [", ".join(filter(None, parts)),
                                   f"practice problems: {', '.join(problems)} ({families})" if problems else "",
                                   "new card styling" if changes.styling_changed else "",
                                   "new note type" if changes.schema_changed else ""]))
    return f"Changes since {changes.old.version}: {text}." if text else f"No changes since {changes.old.version}."


def markdown_section(changes: DeckChanges | None, manifest: Manifest, date: str) -> str:
    """The CHANGELOG.md section of one deck's release (`changes` None: its first release)."""
    lines = [f"## {manifest.deck} {manifest.version} ({date})", "", _reason(changes, manifest), ""]
    for title, items in _sections(changes) if changes else ():
        lines += [f"### {title}", ""]
        for item in items:
            lines.append(f"- {item.line}" + (f" (`{item.source}`)" if item.source else ""))
            if item.diff:
                fence = "`" * max(3, 1 + max(len(run) for run in re.findall(r"`+", "".join(item.diff)) or [""]))
                lines += [f"  {fence}diff", *(f"  {line}" for line in item.diff), f"  {fence}"]
        lines.append("")
    return "\n".join(lines)


def report(changes: DeckChanges) -> list[str]:
    """The `diff` command's plain-text account of one deck between two versions."""
    old, new = changes.old, changes.new
    bump = changes.bump()
    lines = [f"{new.deck} {old.version} -> {new.version}: {_notes(old)} -> {_notes(new)}"
             + (f" ({bump[0]}: {bump[1]})" if bump else " (nothing changed)")]
    for title, items in _sections(changes):
        lines.append(f"  {title}")
        for item in items:
            lines.append(f"    {item.line}" + (f"  {item.source}" if item.source else ""))
            lines += [f"        {line}" for line in item.diff]
    lines.append(f"  {len(changes.added)} added, {len(changes.changed)} edited, {len(changes.rerendered)} "
                 f"re-rendered, {len(changes.moved)} moved, {len(changes.renamed)} renamed, "
                 f"{len(changes.retired)} retired, {changes.unchanged} unchanged")
    return lines


def _reason(changes: DeckChanges | None, manifest: Manifest) -> str:
    """Why this version: what changed since which, or what the first release holds."""
    if changes is None:
        families = ", ".join(f"{family.title} ({count(family.count, 'problem')})" for family in manifest.practice)
        return f"First release: {_notes(manifest)}" + (f"; practice: {families}." if families else ".")
    part, why = changes.bump() or ("no", "nothing changed")
    return (f"{part.capitalize()} version since {changes.old.version}: {why} "
            f"({_notes(changes.old)} then, {_notes(manifest)} now).")


def _sections(changes: DeckChanges) -> list[tuple[str, list[Item]]]:
    edited = [Item(_path(e.new), e.new.source, text_diff(e.old.text, e.new.text) if e.old.text else ())
              for e in changes.changed]  # an older manifest holds no text to compare
    if changes.rerendered:
        edited.append(Item(f"{count(len(changes.rerendered), 'note')} with the same text shown differently "
                           "(images, tags or formatting)"))
    sections = [
        ("Added", [Item(_path(note), note.source) for note in changes.added]),
        ("Changed", edited),
        ("Moved", [Item(f"{_path(e.new)}, from {_path(e.old) if e.old.heading[:-1] != e.new.heading[:-1] else e.old.file}",
                        e.new.source) for e in changes.moved]),
        ("Renamed", [Item(f"{_path(e.old)} → {e.new.heading[-1]}", e.new.source) for e in changes.renamed]),
        ("Retired", [Item(_path(note) + ", kept in collections until deleted there", f"was {note.source}")
                     for note in changes.retired]),
        ("Practice", [Item(f"{family.title}: {_family_status(family)}") for family in changes.practice]),
        ("Note type", [Item(text) for text, happened in (
            ("its fields changed: Anki keeps the old cards under the old note type", changes.schema_changed),
            ("new card styling (templates or CSS), updated in place", changes.styling_changed)) if happened]),
    ]
    return [(title, items) for title, items in sections if items]


def _family_status(family: FamilyChange) -> str:
    if family.old is None:
        return f"added, {count(family.added, 'problem')}" + (f" (seed {family.new.seed})" if family.new else "")
    if family.new is None:
        return f"retired, {count(family.retired, 'problem')}"
    parts = [f"{count(family.added, 'problem')} added" if family.added else "",
             f"{count(family.changed, 'problem')} changed" if family.changed else "",
             f"{count(family.retired, 'problem')} retired" if family.retired else ""]
    seeds = (f" (seed {family.old.seed} → {family.new.seed})"
             if family.old.seed is not None and family.old.seed != family.new.seed else "")
    return ", ".join(filter(None, parts)) + seeds


def text_diff(old: str, new: str) -> tuple[str, ...]:
    """A short word diff: each changed passage with a few words around it, old (`-`) then new (`+`)."""
    a, b = old.split(), new.split()
    groups = list(SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(DIFF_CONTEXT))
    lines: list[str] = []
    for group in groups[:DIFF_HUNKS]:
        before = group[0][1:3] if group[0][0] == "equal" else (group[0][1], group[0][1])
        after = group[-1][1:3] if group[-1][0] == "equal" else (group[-1][2], group[-1][2])
        lines.append("- " + _excerpt(a, before, (before[1], after[0]), after))
        shift = (group[0][3] - group[0][1], group[-1][4] - group[-1][2])  # the same context in `b`
        lines.append("+ " + _excerpt(b, tuple(i + shift[0] for i in before),
                                     (before[1] + shift[0], after[0] + shift[1]), tuple(i + shift[1] for i in after)))
    if len(groups) > DIFF_HUNKS:
        lines.append(f"  (and {len(groups) - DIFF_HUNKS} more)")
    return tuple(lines)


def _excerpt(words: list[str], left: tuple[int, int], middle: tuple[int, int], right: tuple[int, int]) -> str:
    """Changed words with some context on each side; the context gives way first when it is long."""
    room = max(0, (DIFF_WIDTH - len(" ".join(words[middle[0]:middle[1]]))) // 2)
    before, after = " ".join(words[left[0]:left[1]]), " ".join(words[right[0]:right[1]])
    before = before if len(before) <= room else "…" + before[len(before) - room:]
    after = after if len(after) <= room else after[:room] + "…"
    text = " ".join(filter(None, ["…" if left[0] > 0 and not before.startswith("…") else "", before,
                                  " ".join(words[middle[0]:middle[1]]), after,
                                  "…" if right[1] < len(words) and not after.endswith("…") else ""]))
    return text if len(text) <= DIFF_WIDTH + 2 else text[:DIFF_WIDTH] + "…"


def _path(note: ManifestNote) -> str:
    return " › ".join(note.heading)


def _notes(manifest: Manifest) -> str:
    problems = sum(1 for note in manifest.notes if note.family)
    return count(len(manifest.notes) - problems, "note") + (f" and {count(problems, 'practice problem')}"
                                                            if problems else "")


def _plain(heading: str) -> str:
    """A heading without link targets, for the description: `[text](url)` → text, `<url>` dropped."""
    return re.sub(r"<[a-z]+:[^>]*>", "", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)).strip()
