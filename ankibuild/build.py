"""The build, as stages in order over plain records:

    collect (sources → cards; generators → problems, figures drawn over all cores)
    → render (cards and problems → notes: HTML, diagnostics, media; from the whole-note cache)
    → identify (notes + lock → identities)
    → write (.apkg, manifest, lock)

Stages report problems to one Reporter instead of stopping; only when the whole build is free of
errors are the decks, manifests and lock written, all at once and atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .cache import NoteCache
from .collect import collect_cards, file_cards
from .config import DeckSpec
from .diagnostics import Reporter
from .files import journal_for, recover, replace_all
from .generate import make_problems
from .identity import Draft, Identity, identify
from .lock import Lock, LockedNote, LockedNoteType, load_lock
from .notes import Renderer, RenderedNote, render_cards, render_problems
from .notetype import NOTE_TYPE
from .options import BuildOptions, DeckResult
from .unchanged import inputs_key, record, replayable
from .write import deck_files, deck_output

if TYPE_CHECKING:
    from .memory import BuildMemory

__all__ = ["BuildOptions", "DeckResult", "build"]


def build(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter,
          memory: BuildMemory | None = None) -> list[DeckResult]:
    """Compile every deck; write decks, manifests and lock only if no deck has an error. `memory`
    (serve's) keeps what this build read and made for the next one."""
    if options.write and options.outputs:
        recover(journal_for(options.lock_path))  # an earlier build killed mid-commit: all old or all new
    cache = memory.cache(options) if memory else NoteCache.for_project(options.cache_dir, options.root, options.write)
    record_key = inputs_key(specs, options, reporter.strict, cache) if replayable(options) else None  # before reading
    lock = load_lock(options.lock_path, reporter)
    note_type = _note_type_entry(lock.note_type, options.now, options.lock_path, reporter)
    renderer = Renderer(cache, (options.root,), _media_dir(options.root),
                        _Downloads(options.cache_dir / "remote", options.offline), options.progress)
    if memory is not None:
        renderer.known, renderer.seen = memory.known, memory.renders
    problems = make_problems(specs, options, cache, reporter)
    notes: dict[str, list[RenderedNote]] = {}
    warnings: dict[str, int] = {}
    for spec in specs:
        mark = len(reporter.items)
        cards = collect_cards(spec, options.root, options.cwd, reporter, memory.file_cards if memory else file_cards)
        rendered = render_cards(cards, spec.tags, renderer)
        del cards  # the cards as written are done with: 50,000 of them are tens of MB
        notes[spec.name] = rendered + render_problems(
            spec.name, spec.tags, problems.decks.get(spec.name, []), problems.drawn, renderer,
            options.cwd, options.root)
        for note in notes[spec.name]:
            for diagnostic in note.diagnostics:
                reporter.report(diagnostic)
        warnings[spec.name] = sum(1 for d in reporter.items[mark:] if d.severity == "warning")
    previous, gone = _previous_notes(specs, lock, notes, options.lock_path, reporter)
    drafts = {name: [Draft(n.key, n.heading, n.fields_hash, n.body_hash) for n in deck] for name, deck in notes.items()}
    identities = identify(drafts, previous, lock, options.now)
    new_lock = lock.updated(note_type, {name: {d.key: i.locked(d) for d, i in zip(drafts[name], identities[name])}
                                        for name in notes}, previous, gone)
    outputs: dict[Path, bytes] = {}
    kept = {identity.guid for deck in identities.values() for identity in deck}
    results = []
    for spec in specs:
        deck = deck_output(spec, notes[spec.name], identities[spec.name], options)
        if options.write and options.outputs and not reporter.errors:
            outputs.update(deck_files(spec, deck, note_type, cache))
        results.append(DeckResult(spec, deck.apkg_path, deck.manifest_path, len(notes[spec.name]),
                                  len(problems.decks.get(spec.name, [])), len(deck.media_files), warnings[spec.name],
                                  *_changes(previous, spec.name, identities[spec.name], kept),
                                  deck.packed, deck.media_files, deck.descriptions,
                                  {note.key: note.diagnostics for note in notes[spec.name] if note.diagnostics}))
    changed: dict[Path, bytes] = {}
    if options.write and options.outputs and not reporter.errors:
        if new_lock != lock or not options.lock_path.is_file():
            outputs[options.lock_path] = new_lock.to_json()
        outputs.update(options.extra_files)
        changed = {path: data for path, data in outputs.items() if not _same(path, data)}
        if record_key is not None and not changed:
            record(record_key, results, renderer.lookups, options.lock_path, reporter, cache)
    cache.save()
    if changed:
        replace_all(changed, journal_for(options.lock_path))
    return results


def _previous_notes(specs: list[DeckSpec], lock: Lock, notes: dict[str, list[RenderedNote]], lock_path: Path,
                    reporter: Reporter) -> tuple[dict[str, dict[str, LockedNote]], set[str]]:
    """The lock's notes of each deck; for a deck the lock does not know, those of the one deck that
    is no longer built and shares its keys, i.e. a renamed deck, whose notes then keep their
    identities. Also the names of the decks renamed."""
    built = {spec.name for spec in specs}
    previous: dict[str, dict[str, LockedNote]] = {}
    gone: set[str] = set()
    for spec in specs:
        if spec.name in lock.decks:
            previous[spec.name] = lock.decks[spec.name]
            continue
        cards = {(note.key, note.body_hash) for note in notes[spec.name]}
        renamed = [name for name, locked in lock.decks.items() if name not in built and name not in gone
                   and _mostly_same(cards, {(key, note.body_hash) for key, note in locked.items()})]
        if len(renamed) == 1:
            reporter.warning(lock_path, 0, f"deck '{renamed[0]}' is now called '{spec.name}'; its notes keep "
                                           "their identities. Rename the deck in Anki too: imported cards do not "
                                           "change decks")
            gone.add(renamed[0])
            previous[spec.name] = lock.decks[renamed[0]]
    return previous, gone


def _mostly_same(cards: set[tuple[str, str]], other: set[tuple[str, str]]) -> bool:
    """Whether two decks share enough cards, same key and same text (80% of each), to be one deck
    under a new name rather than two decks that happen to have the same headings."""
    common = len(cards & other)
    return bool(common) and common >= 0.8 * len(cards) and common >= 0.8 * len(other)


def _changes(previous: dict[str, dict[str, LockedNote]], deck: str, identities: list[Identity],
             kept: set[str]) -> tuple[int, int, tuple[int, ...]]:
    """How many notes are new and changed (newer mtime), and which left the sources (their note
    ids), compared with the lock; a note that came from another deck counts as changed, and one that
    moved to another deck (its GUID is `kept`) has not left."""
    before = {note.guid: note.mtime for notes in previous.values() for note in notes.values()}
    new = sum(1 for identity in identities if identity.guid not in before)
    changed = sum(1 for identity in identities if identity.guid in before and identity.mtime != before[identity.guid])
    return new, changed, tuple(sorted(note.note_id for note in previous.get(deck, {}).values() if note.guid not in kept))


def _note_type_entry(locked: LockedNoteType | None, now: int, lock_path: Path, reporter: Reporter) -> LockedNoteType:
    """The note type's lock entry; refuses a changed field list under an unchanged note-type id."""
    if locked is not None and locked.id != NOTE_TYPE.id:
        reporter.warning(lock_path, 0,
                         f"the note type is now '{NOTE_TYPE.name}' ({NOTE_TYPE.id}), was '{locked.name}' ({locked.id}): "
                         "notes already in a collection keep the old type and no longer update; in Anki, select "
                         "them in the browser and use Notes > Change Note Type")
    if locked is None or locked.id != NOTE_TYPE.id:
        return LockedNoteType(NOTE_TYPE.id, NOTE_TYPE.name, NOTE_TYPE.fields, NOTE_TYPE.design, now)
    if locked.fields != NOTE_TYPE.fields:
        reporter.error(lock_path, 0,
                       f"the fields of note type {NOTE_TYPE.id} changed from {list(locked.fields)} to "
                       f"{list(NOTE_TYPE.fields)}; Anki would fork the note type and stop updating every note. "
                       "Give the note type a new id and name in ankibuild/notetype.py (or restore the fields)")
    design = NOTE_TYPE.design
    mtime = locked.mtime if locked.design == design else max(now, locked.mtime + 1)
    return LockedNoteType(NOTE_TYPE.id, NOTE_TYPE.name, NOTE_TYPE.fields, design, mtime)


def _same(path: Path, data: bytes) -> bool:
    """Whether the file already holds `data` (then it is not written again)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _media_dir(root: Path) -> Path | None:
    return root / "media" if (root / "media").is_dir() else None


class _Downloads:
    """The remote-image cache, opened on the first remote image: network code only when needed."""

    def __init__(self, directory: Path, offline: bool) -> None:
        self.directory, self.offline = directory, offline
        self.opened = None

    def fetch(self, url: str):  # -> fetch.RemoteImage
        if self.opened is None:
            from .fetch import RemoteCache

            self.opened = RemoteCache(self.directory, offline=self.offline)
        return self.opened.fetch(url)
