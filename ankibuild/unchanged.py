"""A rebuild with nothing changed: the record of the last build that had nothing to write, replayed.

A build that found its outputs already on disk records, under a hash of everything it read (its
options, decks.toml, the lock, the sources, the generators, earlier releases' manifests, the
engine's code and libraries), every image lookup it made with its answer, the hash of every output,
its diagnostics and its summary. A later build whose inputs hash the same, whose lookups give the
same answers and whose outputs on disk still hash as recorded reports the same and stops there: it
renders, identifies and packs nothing, and imports none of that code. Anything else builds in full.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from .cache import NoteCache, code_digest
from .config import DeckSpec
from .diagnostics import Diagnostic, Reporter
from .files import file_sha256, journal_for, recover
from .media import Lookup, MediaStore
from .options import BuildOptions, DeckResult

ENGINE = tuple(sorted(path.name for path in Path(__file__).parent.glob("*.py"))) + ("highlight.css",)  # in the note type
LIBRARIES = ("markdown_it", "pygments", "nh3", "numpy", "matplotlib")


def replayable(options: BuildOptions) -> bool:
    """Builds that write the decks and the lock, and nothing else (not a release)."""
    return options.write and options.outputs and not options.release and not options.extra_files


def inputs_key(specs: list[DeckSpec], options: BuildOptions, strict: bool, cache: NoteCache) -> str:
    """The cache key of a build's record: a hash of every file and setting its outputs depend on,
    besides the images it looks up (the record holds those) and the clock (a build with nothing to
    write gave no note a new time)."""
    root = options.root
    files = [root / "decks.toml", options.lock_path, *(path for spec in specs for path in spec.sources),
             *sorted((root / "generators").rglob("*.py")), *sorted(options.out_dir.glob("*/*.manifest.json"))]
    return cache.key(["unchanged build", repr(specs), repr(replace(options, now=0, progress=False)), strict,
                      sys.version, code_digest(ENGINE, LIBRARIES), [[str(path), file_sha256(path)] for path in files]])


def record(key: str, results: list[DeckResult], lookups: list[Lookup], lock_path: Path, reporter: Reporter,
           cache: NoteCache) -> None:
    """Keep what a build with nothing to write did; not when it looked up a remote image (its
    download may succeed next time) or reported an error."""
    if reporter.errors or any(urlsplit(lookup.src).scheme.lower() in ("http", "https") for lookup in lookups):
        return
    outputs = [path for result in results for path in (result.apkg_path, result.manifest_path)] + [lock_path]
    cache.put(key, {"lookups": [[item.display, item.file, item.line, item.src, item.key, item.name]
                                for item in dict.fromkeys(lookups)],
                    "outputs": [[str(path), file_sha256(path)] for path in outputs],
                    "diagnostics": [[d.path, d.line, d.severity, d.message] for d in reporter.items],
                    "results": [[str(r.apkg_path), str(r.manifest_path), r.notes, r.problems, r.media, r.warnings,
                                 r.new, r.changed, list(r.retired)] for r in results]})


def replay(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter) -> list[DeckResult] | None:
    """The results of the recorded build, its diagnostics reported; None when anything it read
    or wrote is not as it was."""
    if not replayable(options):
        return None
    recover(journal_for(options.lock_path))  # as a build does first
    cache = NoteCache.for_project(options.cache_dir, options.root, writable=False)
    key = inputs_key(specs, options, reporter.strict, cache)
    entry = cache.get_many([key]).get(key)
    if entry is None or any(file_sha256(Path(path)) != digest for path, digest in entry["outputs"]):
        return None
    media_dir = options.root / "media"
    media = MediaStore(Reporter(), roots=(options.root,), media_dir=media_dir if media_dir.is_dir() else None)
    if not media.replays([Lookup(*item) for item in entry["lookups"]]):
        return None
    for diagnostic in entry["diagnostics"]:
        reporter.report(Diagnostic(*diagnostic))
    return [DeckResult(spec, Path(apkg), Path(manifest), notes, problems, media_count, warnings, new, changed,
                       tuple(retired))
            for spec, (apkg, manifest, notes, problems, media_count, warnings, new, changed, retired)
            in zip(specs, entry["results"])]
