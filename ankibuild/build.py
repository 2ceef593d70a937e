"""The build, as a straight pipeline: sources → cards → notes (HTML, media) → identities → packages,
with generators → problems → figures (drawn over all cores) → notes beside the sources.

Every stage reports problems to one Reporter instead of stopping; only when the whole build is
free of errors are the decks, manifests and lock written, all at once and atomically.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .changelog import changes_since_release
from .config import DeckSpec, build_time
from .diagnostics import Reporter, display_path
from .fetch import RemoteCache
from .figures import DrawFailure, draw_figures
from .files import journal_for, recover, replace_all
from .identity import Draft, assign_identities
from .lock import Lock, LockedNote, LockedNoteType, load_lock
from .manifest import Manifest, shipped_manifest
from .media import MediaStore, Where
from .notetype import NOTE_TYPE
from .outline import SourceCard, split_cards
from .package import PackedNote, package_bytes
from .practice import Generated, run_generators
from .problem import Figure
from .render import CardSource, link_definitions, render_inline, render_markdown
from .rendercache import RenderCache
from .stamp import STAMP_FIELD, stamp_text


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    lock_path: Path
    out_dir: Path
    cache_dir: Path
    offline: bool = False
    write: bool = True  # draw figures and keep caches (`check` does neither)
    outputs: bool = True  # write decks, manifests and lock (`status` and `push --dry-run` only compare)
    release: bool = False  # write each deck's .apkg and manifest to out_dir/<version>/
    extra_files: tuple[tuple[Path, bytes], ...] = ()  # written with the decks and the lock, all at once


@dataclass(frozen=True)
class Note:
    """A card compiled to Anki fields, before it has an identity."""

    key: str
    heading: tuple[str, ...]  # the heading path (a problem's: Practice › family title › number)
    file: str  # the source file relative to the project root: stable wherever the build runs from
    source: str  # where it comes from, for the manifest: `file:line`, or the generator, seed and number
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    body_hash: str
    text: str = ""  # the answer as written, for the manifest's text diffs

    @property
    def fields_hash(self) -> str:
        """Hash of what the note shows, except the source line: a card that only moved down the
        file is not re-sent to the collection (its Source line updates with its next real edit)."""
        shown = [value for name, value in zip(NOTE_TYPE.fields, self.fields) if name != "Source"]
        return _digest("\x1f".join([*shown, self.file]) + "\x1e" + " ".join(self.tags))


@dataclass(frozen=True)
class DeckResult:
    spec: DeckSpec
    apkg_path: Path
    manifest_path: Path
    notes: int
    problems: int
    media: int
    warnings: int
    new: int
    changed: int
    retired: tuple[int, ...]  # note ids (as the lock numbered them) of the notes that left the sources
    packed: tuple[PackedNote, ...] = ()  # the notes as shipped, for writers other than the .apkg (push)
    media_files: dict[str, Path] = field(default_factory=dict)  # packed name -> file
    descriptions: dict[str, str] = field(default_factory=dict)  # deck or subdeck name -> description HTML


def build(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter) -> list[DeckResult]:
    """Compile every deck; write decks, manifests and lock only if no deck has an error."""
    if options.write and options.outputs:
        recover(journal_for(options.lock_path))  # an earlier build killed mid-commit: all old or all new
    lock = load_lock(options.lock_path, reporter)
    epoch = build_time(os.environ)
    now = int(time.time()) if epoch is None else epoch
    note_type = _note_type_entry(lock.note_type, now, options.lock_path, reporter)
    remote = RemoteCache(options.cache_dir / "remote", offline=options.offline)
    outputs: dict[Path, bytes] = {}
    results: list[DeckResult] = []
    new_lock = Lock(note_type, dict(lock.decks), dict(lock.retired))
    next_id = max([now * 1000] + [note.note_id + 1 for notes in lock.decks.values() for note in notes.values()])
    generators = options.root / "generators"
    problems = run_generators(specs, generators, reporter)
    limits = {id(figure): item.time_limit for items in problems.values() for item in items
              for figure in item.problem.figures}
    figures = [figure for items in problems.values() for item in items for figure in item.problem.figures]
    drawn = draw_figures(figures, options.cache_dir / "figures", generators, draw=options.write, limits=limits)
    texts = RenderCache.load(options.cache_dir / "practice-html.json")
    for spec in specs:
        mark = len(reporter.items)
        media = MediaStore(reporter, roots=(options.root,), media_dir=_media_dir(options.root), remote=remote)
        notes = compile_notes(spec, options.root, media, reporter)
        notes += practice_notes(spec, problems[spec.name], drawn, texts, options.root, media, reporter)
        previous = _previous_notes(spec, specs, lock, new_lock, notes, options.lock_path, reporter)
        identities = assign_identities(spec.name, [Draft(n.key, n.heading, n.fields_hash, n.body_hash)
                                                   for n in notes], previous, now, next_id,
                                       new_lock.taken_guids(spec.name))
        next_id = max([next_id] + [identity.note_id + 1 for identity in identities])
        new_lock.record(spec.name, {note.key: identity for note, identity in zip(notes, identities)}, previous)
        packed = [PackedNote(i.guid, i.note_id, i.mtime, n.deck, n.fields, n.tags, n.key, n.source, i.fields_hash,
                             n.heading, n.text) for n, i in zip(notes, identities)]
        manifest = shipped_manifest(spec, packed, list(media.files), NOTE_TYPE)
        descriptions = _descriptions(spec, notes, media, changes_since_release(options.out_dir, manifest))
        apkg_path, manifest_path = _package(spec, packed, descriptions, manifest, media, note_type.mtime, options,
                                            outputs)
        warnings = sum(1 for d in reporter.items[mark:] if d.severity == "warning")
        results.append(DeckResult(spec, apkg_path, manifest_path, len(notes), len(problems[spec.name]),
                                  len(media.files), warnings, *_changes(previous, identities),
                                  tuple(packed), dict(media.files), descriptions))
    if options.write:
        texts.save()
    if options.write and options.outputs and not reporter.errors:
        outputs[options.lock_path] = new_lock.to_json().encode()
        outputs.update(options.extra_files)
        replace_all(outputs, journal_for(options.lock_path))
    return results


def compile_notes(spec: DeckSpec, root: Path, media: MediaStore, reporter: Reporter) -> list[Note]:
    """Sources → cards → notes with HTML fields; duplicate keys are errors naming both places."""
    notes: list[Note] = []
    first_seen: dict[str, SourceCard] = {}
    for path in spec.sources:
        display = display_path(path, Path.cwd())  # diagnostics name files as the user's shell sees them
        text = _read(path, display, reporter)
        if text is None:
            continue
        source = CardSource(display, path, media, reporter, link_definitions(text))
        for card in split_cards(text, display, reporter):
            key = f"#{card.explicit_id}" if card.explicit_id else " › ".join(card.heading_path)
            if key in first_seen:
                other = first_seen[key]
                reporter.error(display, card.line,
                               f"two cards have the key '{key}' (the other is at {other.path}:{other.line}); "
                               "rename one heading or give it an explicit id: ## Heading {#some-id}")
                continue
            first_seen[key] = card
            notes.append(_note(card, key, display_path(path, root), spec, source))
    if not notes and spec.sources:
        reporter.warning(display_path(spec.sources[0], Path.cwd()), 0,
                         f"deck '{spec.name}' has no cards: a card is a heading with text below it")
    return notes


def practice_notes(spec: DeckSpec, problems: list[Generated], drawn: dict[int, Path | DrawFailure],
                   texts: RenderCache, root: Path, media: MediaStore, reporter: Reporter) -> list[Note]:
    """Problems with their drawn figures → notes, each in the subdeck `Deck::Practice::Title`, keyed
    by (generator, number) so that a problem keeps its GUID whatever its content."""
    failures: dict[DrawFailure, list[Generated]] = {}

    def figure_html(figure: Figure | None, item: Generated) -> str:
        """The figure's <img> (nothing when not drawn: `check`, or a draw function that failed)."""
        outcome = drawn.get(id(figure)) if figure is not None else None
        if isinstance(outcome, DrawFailure):
            failures.setdefault(outcome, []).append(item)
        name = (media.add(outcome, Where(item.family.name, outcome, 0), key=outcome.stem)  # the drawing's key
                if isinstance(outcome, Path) else None)
        return f'<p><img class="figure" src="{name}" alt="{html.escape(figure.alt)}"></p>' if name else ""

    def note(item: Generated) -> Note:
        family, number = item.family, item.index + 1
        file, display = display_path(family.path, root), display_path(family.path, Path.cwd())
        source = CardSource(f"{display} (generator '{family.name}' problem {number} (seed {item.seed}))",
                            family.path, media, reporter)
        origin = f"{file} · seed {item.seed} · problem {number}"
        problem = item.problem
        question = texts.render(problem.question, source) + figure_html(problem.question_figure, item)
        values = {"Question": f'<div class="problem">{question}</div>',
                  "Answer": texts.render(problem.solution, source) + figure_html(problem.answer_figure, item),
                  "Context": f"Practice › {html.escape(family.title)}", "Source": origin}
        key = f"practice::{family.name}::{number}"
        tags = tuple(sorted({*spec.tags, f"practice::{family.name}"}))
        return Note(key, ("Practice", family.title, str(number)), file, origin,
                    f"{spec.name}::Practice::{family.title}", _fields(values, tags), tags, _digest(key))

    notes = [note(item) for item in problems]
    for failure, items in failures.items():  # one report per fault, not one per problem
        numbers = sorted({item.index + 1 for item in items})
        more = f" (and {len(numbers) - 1} more)" if len(numbers) > 1 else ""
        reporter.error(failure.path, failure.line, f"generator '{items[0].family.name}' problem {numbers[0]}{more} "
                                                   f"(seed {items[0].seed}): drawing a figure {failure.message}")
    return notes


def _note(card: SourceCard, key: str, file: str, spec: DeckSpec, source: CardSource) -> Note:
    headings = [render_inline(title, line, source) for title, line in zip(card.heading_path, card.heading_lines)]
    answer = render_markdown(card.body, card.body_line, source)
    origin = f"{file}:{card.line}"
    values = {"Question": headings[-1], "Answer": answer, "Context": " › ".join(headings[:-1]), "Source": origin}
    tags = tuple(sorted({*spec.tags, "::".join(_tag(heading) for heading in headings)}))
    text = card.body.strip()
    return Note(key, card.heading_path, file, origin, spec.name, _fields(values, tags), tags, _digest(text), text)


def _fields(values: dict[str, str], tags: tuple[str, ...]) -> tuple[str, ...]:
    """The note type's fields in order, with the merge base stamped into its reserved field."""
    filled = {name: values.get(name, "") for name in NOTE_TYPE.fields}
    filled[STAMP_FIELD] = stamp_text(filled, tags)
    return tuple(filled.values())


def _descriptions(spec: DeckSpec, notes: list[Note], media: MediaStore, changes: str) -> dict[str, str]:
    """The description HTML of the deck (with the changes since the previous release, plain text)
    and of each of its subdecks."""
    descriptions = {note.deck: f"<p>Practice problems of {spec.name}: work each one out on paper "
                               "before you turn the card.</p>"
                    for note in notes if note.deck != spec.name}
    descriptions[spec.name] = (f"<p>Version {spec.version} · {len(notes)} notes · {len(media.files)} images</p>"
                               + (f"<p>{html.escape(changes)}</p>" if changes else "")
                               + f"<p>Built by ankibuild {__version__} from {len(spec.sources)} source file(s).</p>")
    return descriptions


def _package(spec: DeckSpec, packed: list[PackedNote], descriptions: dict[str, str], manifest: Manifest,
             media: MediaStore, note_type_mtime: int, options: BuildOptions,
             outputs: dict[Path, bytes]) -> tuple[Path, Path]:
    """Add the deck's .apkg and manifest to `outputs`; return where they go."""
    base = (options.out_dir / spec.version if options.release else options.out_dir) / f"{spec.slug}-{spec.version}"
    apkg_path, manifest_path = base.with_name(base.name + ".apkg"), base.with_name(base.name + ".manifest.json")
    if not (options.write and options.outputs):
        return apkg_path, manifest_path
    outputs[apkg_path] = package_bytes(packed, descriptions, media.files, NOTE_TYPE, note_type_mtime)
    outputs[manifest_path] = manifest.to_json().encode()
    return apkg_path, manifest_path


def _previous_notes(spec: DeckSpec, specs: list[DeckSpec], lock: Lock, new_lock: Lock, notes: list[Note],
                    lock_path: Path, reporter: Reporter) -> dict[str, LockedNote]:
    """The lock's notes for this deck; for a deck the lock does not know, those of the one deck that
    is no longer built and shares its keys, i.e. a renamed deck, whose notes then keep their identities."""
    if spec.name in lock.decks:
        return lock.decks[spec.name]
    built = {other.name for other in specs}
    cards = {(note.key, note.body_hash) for note in notes}
    renamed = [name for name, locked in lock.decks.items() if name not in built and name in new_lock.decks
               and _mostly_same(cards, {(key, note.body_hash) for key, note in locked.items()})]
    if len(renamed) != 1:
        return {}
    reporter.warning(lock_path, 0, f"deck '{renamed[0]}' is now called '{spec.name}'; its notes keep their "
                                   "identities. Rename the deck in Anki too: imported cards do not change decks")
    del new_lock.decks[renamed[0]]
    return lock.decks[renamed[0]]


def _mostly_same(cards: set[tuple[str, str]], other: set[tuple[str, str]]) -> bool:
    """Whether two decks share enough cards, same key and same text (80% of each), to be one deck
    under a new name rather than two decks that happen to have the same headings."""
    common = len(cards & other)
    return bool(common) and common >= 0.8 * len(cards) and common >= 0.8 * len(other)


def _changes(previous: dict[str, LockedNote],
             identities: list[LockedNote]) -> tuple[int, int, tuple[int, ...]]:
    """How many notes are new and changed (newer mtime), and which left, compared with the lock."""
    before = {note.guid: note.mtime for note in previous.values()}
    now = {identity.guid for identity in identities}
    new = sum(1 for identity in identities if identity.guid not in before)
    changed = sum(1 for identity in identities if identity.guid in before and identity.mtime != before[identity.guid])
    return new, changed, tuple(sorted(note.note_id for note in previous.values() if note.guid not in now))


def _note_type_entry(locked: LockedNoteType | None, now: int, lock_path: Path, reporter: Reporter) -> LockedNoteType:
    """The note type's lock entry; refuses a changed field list under an unchanged note-type id."""
    design = NOTE_TYPE.design
    if locked is not None and locked.id != NOTE_TYPE.id:
        reporter.warning(lock_path, 0,
                         f"the note type is now '{NOTE_TYPE.name}' ({NOTE_TYPE.id}), was '{locked.name}' ({locked.id}): "
                         "notes already in a collection keep the old type and no longer update; in Anki, select "
                         "them in the browser and use Notes > Change Note Type")
    if locked is None or locked.id != NOTE_TYPE.id:
        return LockedNoteType(NOTE_TYPE.id, NOTE_TYPE.name, NOTE_TYPE.fields, design, now)
    if locked.fields != NOTE_TYPE.fields:
        reporter.error(lock_path, 0,
                       f"the fields of note type {NOTE_TYPE.id} changed from {list(locked.fields)} to "
                       f"{list(NOTE_TYPE.fields)}; Anki would fork the note type and stop updating every note. "
                       "Give the note type a new id and name in ankibuild/notetype.py (or restore the fields)")
    mtime = locked.mtime if locked.design == design else max(now, locked.mtime + 1)
    return LockedNoteType(NOTE_TYPE.id, NOTE_TYPE.name, NOTE_TYPE.fields, design, mtime)


def _media_dir(root: Path) -> Path | None:
    return root / "media" if (root / "media").is_dir() else None


def _read(path: Path, display: str, reporter: Reporter) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b"\n") + 1
        reporter.error(display, line, f"not UTF-8 text (byte 0x{err.object[err.start]:02x}); save the file as UTF-8")
    except OSError as err:
        reporter.error(display, 0, f"cannot read the file: {err.strerror}")
    return None


def _tag(heading: str) -> str:
    """One level of a hierarchical tag, from the heading's visible text (its HTML without tags):
    Anki tags cannot hold spaces, and `::` separates levels."""
    visible = html.unescape(re.sub(r"<[^>]+>", "", heading)).replace("+", " plus ").replace("#", " sharp ")
    return re.sub(r"[^\w-]+", "_", visible.lower()).strip("_") or "_"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]
