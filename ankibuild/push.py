"""`push` and `status`: the decks written straight into the user's Anki collection, or compared with it.

An .apkg import cannot merge, move, retire or keep the user's tags; writing through Anki's own
backend can. `push` builds, plans the three-way merge (merge.py), prints the plan, backs the
collection up and applies the plan in one transaction; with `--sync` it then syncs. `status` only
reads: it plans against a private copy of the collection and reports what differs.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .diagnostics import Reporter, UsageError
from .files import write_atomic
from .profiles import check_collection, collection_path

if TYPE_CHECKING:  # the rest loads only when a push has something to do (see PushMemo)
    from .config import DeckSpec
    from .merge import CollectionNote, Pair, Plan, Prefer
    from .options import BuildOptions, DeckResult
    from .sync import FullSync

T = TypeVar("T")
LISTED = 12  # notes named per category before "and N more"


@dataclass(frozen=True)
class Target:
    collection: Path | None
    profile: str | None
    dry_run: bool = False
    prefer: Prefer = None
    delete_retired: bool = False
    sync: bool = False
    endpoint: str | None = None
    full_sync: FullSync = None


def push(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, target: Target) -> int:
    """Build, then merge into the collection; exit code 1 when a conflict is left unsettled."""
    path = collection_path(target.collection, target.profile)
    modified = check_collection(path)  # refuse before building, not after
    memo = PushMemo(options.cache_dir / "push-state.json", path)
    recorded = Reporter(strict=reporter.strict)  # the unchanged build's diagnostics, shown if it is used
    if not (target.dry_run or target.sync) and memo.unchanged(_unchanged_build(specs, options, recorded, target),
                                                              modified):
        recorded.print()
        print(f"push to {path}\n  everything is up to date\nthe collection is up to date: nothing written")
        return 0
    retired, decks, results = _build(specs, options, reporter)
    if results is None:
        return 1
    from .collection import apply, backup, check_note_type, opened
    from .sync import sync

    with opened(path, copy=target.dry_run) as col:
        check_note_type(col, path)
        if target.sync and not target.dry_run:  # first take in what the phone changed, to merge it
            print(f"synced before the push ({sync(col, target.endpoint, target.full_sync)})")
        work = _plan(col, results, retired, decks, target.prefer)
        print(f"{'plan for' if target.dry_run else 'push to'} {path}")
        print("\n".join(describe(work)))
        if target.dry_run:
            print("dry run: nothing was written")
            return 1 if work.conflicts else 0
        if work.changes_collection:
            saved = _refused_by_anki(path, "the backup failed, nothing was pushed", lambda: backup(col, path))
            _refused_by_anki(path, "the push was rolled back, the collection is as it was", lambda: apply(
                col, work, {n: p for r in results for n, p in r.media_files.items()},
                {d: h for r in results for d, h in r.descriptions.items()}, target.delete_retired))
            print(f"pushed; backup before the push: {saved}" if saved else "pushed")
        else:
            print("the collection is up to date: nothing written")
        if target.sync and work.changes_collection:
            print(f"synced ({sync(col, target.endpoint, target.full_sync)})")
    if not target.dry_run and work.settled:  # nothing left to report: the next push may skip Anki
        memo.record(_build_key(specs, options, reporter, target), check_collection(path))
    return 1 if work.conflicts else 0


@dataclass(frozen=True)
class PushMemo:
    """What the last push left behind, so that a push with nothing to do need neither build nor
    load Anki's backend: the key of the build it pushed (a hash of every input, see unchanged.py)
    and the collection's modification time right after, which Anki moves with every change (a
    review, an edit, a sync). Local to this machine, in the cache."""

    file: Path
    collection: Path

    def unchanged(self, build: str | None, modified: int) -> bool:
        try:
            state = json.loads(self.file.read_text(encoding="utf-8")).get(str(self.collection.resolve()))
        except (OSError, ValueError, AttributeError):
            return False
        return build is not None and state == {"build": build, "modified": modified}

    def record(self, build: str, modified: int) -> None:
        try:
            states = json.loads(self.file.read_text(encoding="utf-8"))
            states = states if isinstance(states, dict) else {}
        except (OSError, ValueError):
            states = {}
        states[str(self.collection.resolve())] = {"build": build, "modified": modified}
        try:
            write_atomic(self.file, json.dumps(states, indent=1, sort_keys=True).encode())
        except OSError:
            pass  # only a shortcut: the next push builds and reads the collection instead


def _build_key(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, target: Target) -> str:
    """Everything a push plans from on the build's side: the build's inputs and the push's options."""
    from .cache import NoteCache
    from .unchanged import inputs_key

    cache = NoteCache.for_project(options.cache_dir, options.root, writable=False)
    return hashlib.sha256(json.dumps([inputs_key(specs, options, reporter.strict, cache), target.prefer,
                                      target.delete_retired]).encode()).hexdigest()


def _unchanged_build(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, target: Target) -> str | None:
    """The build's key when a build now would change nothing (inputs, image lookups and outputs as
    recorded: its diagnostics are then reported); None otherwise."""
    from .unchanged import replay

    if replay(specs, options, reporter) is None:
        return None
    return _build_key(specs, options, reporter, target)


def _refused_by_anki(path: Path, outcome: str, step: Callable[[], T]) -> T:
    """Run a step that writes through Anki's backend; its refusal (a read-only file, a full disk)
    becomes a message, not a traceback."""
    from anki.errors import BackendError

    try:
        return step()
    except (BackendError, OSError) as err:
        raise UsageError(f"{path}: error: {outcome}: {err}") from None


def status(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, target: Target) -> int:
    """What differs between the sources and the collection, read-only."""
    path = collection_path(target.collection, target.profile)
    retired, decks, results = _build(specs, options, reporter)
    if results is None:
        return 1
    from .collection import opened

    with opened(path, copy=True) as col:
        work = _plan(col, results, retired, decks, None)
    print(f"status of {path}")
    print("\n".join(describe(work, status=True)))
    return 0


def _build(specs: list[DeckSpec], options: BuildOptions,
           reporter: Reporter) -> tuple[dict[str, str], tuple[str, ...], list[DeckResult] | None]:
    """The notes that left the sources (retired ones the lock lists, and this build's decks' notes
    that are no longer built), the decks we build and built before (read before the build rewrites
    the lock: a renamed deck's cards follow their notes into its new name), and the build's results."""
    from .build import build
    from .lock import load_lock

    old = load_lock(options.lock_path, Reporter())
    results = build(specs, options, reporter)
    reporter.print()
    if reporter.errors:
        print(f"{len(reporter.errors)} error(s): nothing was pushed")
        return {}, (), None
    retired = dict(old.retired)
    for spec in specs:
        retired.update({note.guid: key for key, note in old.decks.get(spec.name, {}).items()})
    return retired, tuple(sorted({*old.decks, *(spec.name for spec in specs)})), results


def _plan(col, results: list[DeckResult], retired: dict[str, str], decks: tuple[str, ...], prefer: Prefer) -> Plan:
    """Plan against the collection, whose cards follow their notes between `decks`."""
    from .collection import note_type_outdated, snapshot
    from .merge import plan

    built = [note for result in results for note in result.packed]
    guids = {note.guid for note in built}
    work = plan(built, snapshot(col, guids), {g: k for g, k in retired.items() if g not in guids}, decks, prefer)
    work.note_type = note_type_outdated(col)
    return work


def describe(work: Plan, status: bool = False) -> list[str]:
    """The plan as a person reads it: counts first, then each note by heading and path:line."""
    lines = []
    new_by_deck: dict[str, int] = {}
    for note in work.new:
        new_by_deck[note.deck] = new_by_deck.get(note.deck, 0) + 1
    sections = [
        ("not in Anki yet" if status else "new", len(work.new),
         [f"{count:4} in {deck}" for deck, count in sorted(new_by_deck.items())], True),
        ("Markdown edits not in Anki yet" if status else "updated", len(work.updated),
         [_built(pair) for pair in work.updated], False),
        ("moved to another deck", len(work.moved),
         [f"{_name(m.built.key)}  ({m.built.source}): {m.cards[0].deck} -> {m.built.deck}" for m in work.moved], False),
        ("overwritten Anki edits (--prefer markdown)", len(work.overridden), [_built(p) for p in work.overridden], False),
        ("edits made in Anki (carry them back to the source)" if status else
         "edits made in Anki, kept (carry them back to the source)", len(work.kept),
         [line for pair in work.kept for line in [_built(pair), *_diff(pair)]], True),
        ("conflicts: edited in both, nothing overwritten (--prefer markdown|anki settles them)", len(work.conflicts),
         [line for pair in work.conflicts for line in [_built(pair), *_diff(pair)]], True),
        ("retired (left the sources)" if status else "retired: suspended and tagged ankibuild::retired",
         len(work.retire), [_gone(note, key) for note, key in work.retire], False),
        ("retired earlier, still in the collection", len(work.still_retired),
         [_gone(note, "") for note in work.still_retired], False),
        ("back in the sources: unsuspended", len(work.unretire), [_built(pair) for pair in work.unretire], False),
        ("in our decks but not from these sources (left alone)", len(work.unknown),
         [_gone(note, "") for note in work.unknown], False),
        ("skipped: note type changed in Anki", len(work.foreign), [_built(pair) for pair in work.foreign], False),
    ]
    for title, count, details, complete in sections:  # complete: every line shown, however many
        if not count:
            continue
        lines.append(f"  {count:5}  {title}")
        shown = details if complete else details[:LISTED]
        lines.extend(f"         {line}" for line in shown)
        if len(details) > len(shown):
            lines.append(f"         ... and {len(details) - len(shown)} more")
    if work.note_type:
        lines.append("  note type 'ankibuild note v1': created, or its CSS and templates brought up to date")
    gone = [note for note, _ in work.retire] + work.still_retired
    if gone:
        lines.append(f"  find them in Anki: nid:{','.join(str(note.id) for note in gone)}  (or tag:ankibuild::retired)")
    return lines or ["  everything is up to date"]


def _name(key: str) -> str:
    return key.replace("practice::", "practice ").replace("::", " ")


def _built(pair: Pair) -> str:
    return f"{_name(pair.built.key)}  ({pair.built.source})"


def _gone(note: CollectionNote, key: str) -> str:
    question = _text(note.fields.get("Question", ""))[:70]
    where = _text(note.fields.get("Source", ""))
    return f"{_name(key) if key else question}  ({where or 'no source'}, nid:{note.id})"


def _diff(pair: Pair) -> list[str]:
    """Anki's version against the Markdown version, field by field, as text."""
    from .notetype import NOTE_TYPE

    shipped = dict(zip(NOTE_TYPE.fields, pair.built.fields))
    lines = []
    for name in ("Question", "Answer", "Context", "Extra"):
        anki, ours = _text(pair.existing.fields.get(name, "")), _text(shipped.get(name, ""))
        if anki != ours:
            lines.extend(line.rstrip("\n") for line in difflib.unified_diff(
                anki.splitlines(), ours.splitlines(), f"{name} in Anki", f"{name} in Markdown", lineterm="", n=1))
    return lines


def _text(value: str) -> str:
    """A field's HTML as readable text: one line per block, tags dropped, entities decoded."""
    value = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d|pre|blockquote)>", "\n", value)
    value = re.sub(r"<[^>]+>", "", value)
    return "\n".join(line.strip() for line in html.unescape(value).splitlines() if line.strip())
