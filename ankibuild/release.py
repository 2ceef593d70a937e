"""`python build.py release`: compare each deck with its last release, raise its version as the
changes call for (changes.py says which part and why), and write it all at once: decks.toml (only
the version lines change), CHANGELOG.md (a section per deck, newest first), the lock and, under
`dist/<version>/`, the .apkg, its manifest and the deck's changelog section. A deck with nothing new
keeps its version; when no deck changed, nothing is released.

The sources are built twice: once to compare (nothing written), then at the new versions, whose
deck descriptions name the changes since the previous release.
"""

from __future__ import annotations

import re
import sys
import time
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from .build import BuildOptions, build
from .changelog import markdown_section
from .changes import DeckChanges, compare
from .config import DeckSpec
from .diagnostics import Reporter, UsageError, display_path
from .dist import load, release_file, releases, stale_builds
from .manifest import Manifest, shipped_manifest
from .notetype import NOTE_TYPE
from .semver import parse

CHANGELOG_HEAD = ("# Changelog\n\nWritten by `python build.py release`: a section per deck and version, newest first. "
                  "Notes are named by heading, with `file:line` in that version.\n\n")


@dataclass(frozen=True)
class Plan:
    """One deck's release: its spec and manifest at the new version, and what changed since the last."""

    spec: DeckSpec
    manifest: Manifest
    changes: DeckChanges | None  # None: the deck's first release

    @property
    def due(self) -> bool:
        return self.changes is None or self.changes.bump() is not None

    def __str__(self) -> str:
        if self.changes is None:
            return f"{self.spec.name}: {self.spec.version} (first release)"
        bump = self.changes.bump()
        if bump is None:
            return f"{self.spec.name}: {self.spec.version}, nothing changed since its release"
        return f"{self.spec.name}: {self.changes.old.version} -> {self.spec.version} ({bump[0]}: {bump[1]})"


def release(specs: list[DeckSpec], options: BuildOptions, reporter: Reporter, dry_run: bool, now: int) -> int:
    """Release every deck that changed; print the plan. Exit code 0 released, 1 errors or nothing to release."""
    results = build(specs, replace(options, outputs=False), reporter)
    reporter.print()
    if reporter.errors:
        print(f"{len(reporter.errors)} error(s): nothing was released", file=sys.stderr)
        return 1
    plans = [_plan(result.spec, shipped_manifest(result.spec, list(result.packed), list(result.media_files),
                                                 NOTE_TYPE), options.out_dir) for result in results]
    print("\n".join(map(str, plans)))
    due = [plan for plan in plans if plan.due]
    if not due:
        print(f"error: nothing changed since the last release ({', '.join(f'{p.spec.name} {p.spec.version}' for p in plans)})"
              ": nothing to release", file=sys.stderr)
        return 1
    date = time.strftime("%Y-%m-%d", time.gmtime(now))
    sections = {plan.spec: markdown_section(plan.changes, plan.manifest, date) for plan in due}
    if dry_run:
        print("\n" + "\n".join(sections.values()) + "\ndry run: nothing was written")
        return 0
    return _write(due, sections, options)


def _plan(spec: DeckSpec, manifest: Manifest, out: Path) -> Plan:
    """The deck's next version: its decks.toml version at its first release, else the last release
    raised by what changed since (kept when nothing did)."""
    released = releases(out, spec.slug)
    if not released:
        if parse(spec.version) is None:
            raise UsageError(f"decks.toml: error: deck '{spec.name}' has version '{spec.version}'; a release needs "
                             "MAJOR.MINOR.PATCH, e.g. version = \"0.1.0\"")
        return Plan(spec, manifest, None)
    last, path = list(released.items())[-1]
    changes = compare(load(path), manifest)
    bump = changes.bump()
    manifest = replace(manifest, version=str(last.bump(bump[0]) if bump else last))
    return Plan(replace(spec, version=manifest.version), manifest, replace(changes, new=manifest))


def _write(plans: list[Plan], sections: dict[DeckSpec, str], options: BuildOptions) -> int:
    toml_path = options.root / "decks.toml"
    changelog = options.root / "CHANGELOG.md"
    old_log = changelog.read_text(encoding="utf-8") if changelog.is_file() else CHANGELOG_HEAD
    extra = {toml_path: set_versions(toml_path.read_text(encoding="utf-8"), toml_path,
                                     {plan.spec.name: plan.spec.version for plan in plans}).encode(),
             changelog: add_sections(old_log, list(sections.values())).encode()}
    for plan in plans:
        extra[release_file(options.out_dir, plan.spec.slug, plan.spec.version, ".changes.md")] = \
            sections[plan.spec].encode()
    reporter = Reporter()
    results = build([plan.spec for plan in plans], replace(options, release=True, extra_files=tuple(extra.items())),
                    reporter)
    if reporter.errors:  # the first build passed: only a change made in between gets here
        reporter.print()
        print(f"{len(reporter.errors)} error(s): nothing was released", file=sys.stderr)
        return 1
    cwd = Path.cwd()
    for result in results:
        for path in (result.apkg_path, result.manifest_path):
            print(f"wrote {display_path(path, cwd)}")
    for path in extra:
        print(f"wrote {display_path(path, cwd)}")
    print(f"wrote {display_path(options.lock_path, cwd)}")
    for plan in plans:
        for path in stale_builds(options.out_dir, plan.spec.slug):
            path.unlink()
            print(f"removed {display_path(path, cwd)}, an earlier build")
    print("Commit decks.toml, CHANGELOG.md, the lock and the release manifests, and tag the commit.")
    return 0


def set_versions(text: str, path: Path, versions: dict[str, str]) -> str:
    """decks.toml with the `version` of the named decks replaced, every other byte kept."""
    lines = text.splitlines(keepends=True)
    data = tomllib.loads(text)
    starts = [i for i, line in enumerate(lines) if re.match(r"\s*\[\[\s*deck\s*\]\]", line)] + [len(lines)]
    for deck, start, end in zip(data.get("deck", []), starts, starts[1:]):
        version = versions.get(str(deck.get("name", "")).strip())
        for index in range(start + 1, end) if version else ():
            if re.match(r"\s*\[", lines[index]):  # a sub-table such as [[deck.practice]]: no version there
                break
            line = re.sub(r"""^(\s*version\s*=\s*)(["'])[^"'\n]*\2""", rf"\g<1>\g<2>{version}\g<2>", lines[index])
            if line != lines[index]:
                lines[index] = line
                break
    result = "".join(lines)
    expected = {**data, "deck": [{**deck, "version": versions.get(deck["name"].strip(), deck["version"])}
                                 for deck in data["deck"]]}
    if tomllib.loads(result) != expected:
        decks = ", ".join(f"'{name}' ({version})" for name, version in versions.items())
        raise UsageError(f"{display_path(path, Path.cwd())}: error: cannot write the new version of {decks}; "
                         "write each deck's version = \"X.Y.Z\" on a line of its own in its [[deck]] table")
    return result


def add_sections(changelog: str, sections: list[str]) -> str:
    """The changelog with `sections` above the earlier ones (after its title and introduction)."""
    first = re.search(r"^## ", changelog, re.MULTILINE)
    at = first.start() if first else len(changelog)
    return changelog[:at].rstrip("\n") + "\n\n" + "\n".join(sections) + ("\n" + changelog[at:] if first else "")
