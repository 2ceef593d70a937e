"""The one place where the build meets the preview: build the decks (writing no deck and no lock),
and turn the results into preview records: which notes differ from the lock, and which diagnostics
belong to which card."""

from __future__ import annotations

import bisect
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .build import BuildOptions, DeckResult, build
from .config import DeckSpec
from .diagnostics import Diagnostic, Reporter, UsageError
from .lock import Lock, load_lock
from .memory import BuildMemory, Memo
from .preview import NoteHtml, Page, PreviewDeck, PreviewNote, Site, note_element, page, site_files


def preview_site(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, cwd: Path) -> Site:
    """Build every deck for the preview, then render the site. Figures are drawn and caches kept; no deck,
    manifest or lock is written."""
    return site_files(*preview_page(specs, options, reporter, cwd))


def preview_page(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, cwd: Path, live: bool = False,
                 memory: BuildMemory | None = None,
                 note_html: Callable[[PreviewNote], NoteHtml] | None = None) -> tuple[list[PreviewDeck], Page]:
    """The decks' preview records and their page; `memory` and `note_html` are serve's, kept between builds."""
    lock = load_lock(options.lock_path, Reporter())  # the build reports a damaged lock itself
    results = build(specs, replace(options, write=True, outputs=False), reporter, memory)
    decks, loose = preview_decks(results, lock, reporter.items, options.root, cwd)
    return decks, page(decks, [str(diagnostic) for diagnostic in loose], live, note_html)


class LiveSite:
    """What `serve` calls on every change: plan again (decks.toml may have changed), build, render;
    keeping what the builds and the page made for the next (ankibuild.memory). A bad decks.toml does
    not stop the server: the page shows the message until it is fixed."""

    def __init__(self, plan: Callable[[], tuple[list[DeckSpec], BuildOptions]], strict: bool, cwd: Path) -> None:
        self.plan, self.strict, self.cwd = plan, strict, cwd
        self.memory = BuildMemory()
        self.elements = Memo(note_element)
        self.unbuilt: set[Path] | None = None  # changed since the last build (None: anything may have)
        self.shown: tuple[Site, Page] | None = None  # the last build's site and page

    def __call__(self, changed: set[Path] | None) -> tuple[Site, Page]:
        """The site and page after the files `changed` (None: unknown); the last ones when no build
        could see those changes (no rebuild loop when the server's output goes to a file it watches)."""
        if changed is not None and self.shown is not None and not self.memory.may_matter(changed):
            return self.shown
        started, reporter = time.perf_counter(), Reporter(strict=self.strict)
        self.unbuilt = None if self.unbuilt is None or changed is None else self.unbuilt | changed
        try:
            specs, options = self.plan()
            self.memory.next_build(specs, options, self.unbuilt)
            self.elements.next_build()
            decks, shown = preview_page(specs, options, reporter, self.cwd, True, self.memory, self.elements)
        except UsageError as err:
            print(err, file=sys.stderr)
            shown = page([], [str(err)], live=True)
            self.shown = None  # whatever changes next is built
            return site_files([], shown), shown
        self.unbuilt = set()
        reporter.print()
        warnings = len(reporter.items) - len(reporter.errors)
        print(f"built the preview in {time.perf_counter() - started:.2f} s: {len(reporter.errors)} error(s), "
              f"{warnings} warning(s)", file=sys.stderr)
        self.shown = site_files(decks, shown), shown
        return self.shown


def preview_decks(results: list[DeckResult], lock: Lock, diagnostics: list[Diagnostic], root: Path,
                  cwd: Path) -> tuple[list[PreviewDeck], list[Diagnostic]]:
    """Preview records of the built decks, and the diagnostics that belong to no card.

    A diagnostic belongs to the notes whose rendering found it (a practice problem's too: its text, its
    figures); else to the card of its file whose heading is the last one at or above its line.
    Diagnostics name files as seen from `cwd`, cards as seen from the project `root`."""
    locked = {note.guid: note.fields_hash for notes in lock.decks.values() for note in notes.values()}
    found: dict[tuple[str, int, str], list[str]] = {}  # what rendering found (severity aside: --strict) -> guids
    by_file: dict[str, list[tuple[int, str]]] = {}  # file -> (line, guid) of each card
    for result in results:
        for note in result.packed:
            for diagnostic in result.diagnostics.get(note.key, ()):
                found.setdefault((diagnostic.path, diagnostic.line, diagnostic.message), []).append(note.guid)
            file, _, line = note.source.rpartition(":")
            if file and line.isdigit():
                by_file.setdefault(file, []).append((int(line), note.guid))
    starts = {(root / file).resolve(): sorted(cards) for file, cards in by_file.items()}  # in line order
    owned: dict[str, list[Diagnostic]] = {}
    loose = []
    for diagnostic in diagnostics:
        cards = starts.get((cwd / diagnostic.path).resolve(), [])
        index = bisect.bisect_right(cards, (diagnostic.line, "\uffff")) - 1
        notes = found.get((diagnostic.path, diagnostic.line, diagnostic.message)) or (
            [cards[index][1]] if diagnostic.line and index >= 0 else [])
        for guid in notes:
            owned.setdefault(guid, []).append(diagnostic)
        if not notes:
            loose.append(diagnostic)

    def status(guid: str, fields_hash: str) -> str:
        return "new" if guid not in locked else "changed" if locked[guid] != fields_hash else ""

    decks = [PreviewDeck(result.spec.name,
                         tuple(PreviewNote(note, status(note.guid, note.fields_hash), tuple(owned.get(note.guid, ())))
                               for note in result.packed), result.media_files) for result in results]
    return decks, loose
