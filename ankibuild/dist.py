"""The output folder's layout. A build writes `dist/<slug>-<version>.apkg` and `.manifest.json`; a
release writes `dist/<version>/<slug>-<version>.apkg`, `.manifest.json` and `.changes.md`. The
release manifests are committed with the sources (the changelog and the deck description compare
against them); a release's .apkg is not, since its tag rebuilds it byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from .config import Project
from .diagnostics import UsageError
from .manifest import Manifest, read_manifest
from .semver import Version, parse


def release_file(out: Path, slug: str, version: str, suffix: str) -> Path:
    """A file of a release: dist/<version>/<slug>-<version><suffix>."""
    return out / version / f"{slug}-{version}{suffix}"


def releases(out: Path, slug: str) -> dict[Version, Path]:
    """The released manifests of a deck in `out`, oldest first."""
    found: dict[Version, Path] = {}
    for folder in out.iterdir() if out.is_dir() else ():
        version = parse(folder.name)
        manifest = release_file(out, slug, folder.name, ".manifest.json")
        if version is not None and manifest.is_file():
            found[version] = manifest
    return dict(sorted(found.items()))


def previous_release(out: Path, slug: str, version: str) -> Manifest | None:
    """The latest release of the deck before `version` (None if none, or `version` is not semver)."""
    current = parse(version)
    earlier = [path for released, path in releases(out, slug).items() if current and released < current]
    return load(earlier[-1]) if earlier else None


def load(path: Path) -> Manifest:
    try:
        return read_manifest(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise UsageError(f"{path}: error: not a deck manifest ({err})") from None


def stale_builds(out: Path, slug: str) -> list[Path]:
    """The deck's ordinary builds lying in `out` itself (`<slug>-<version>.apkg` and its manifest),
    which a release clears so that dist/ holds releases, not old builds beside them."""
    found = []
    for suffix in (".apkg", ".manifest.json"):
        for path in out.glob(f"{slug}-*{suffix}") if out.is_dir() else ():
            if parse(path.name[len(slug) + 1:-len(suffix)]) is not None:
                found.append(path)
    return sorted(found)


def manifests_to_compare(old: str, new: str, project: Project | None) -> list[tuple[Manifest, Manifest]]:
    """What `diff OLD NEW` compares: two manifest files, or two versions of each deck of the project
    (its releases in dist/<version>/, else its builds in dist/) that has both."""
    if not parse(old) or not parse(new) or (Path(old).is_file() and Path(new).is_file()):
        return [(load(Path(old)), load(Path(new)))]
    if project is None:
        raise UsageError(f"error: no decks.toml here to find versions {old} and {new} in; "
                         "run from the project folder, or give two manifest files")
    pairs = []
    for deck in project.decks:
        found = [_manifest_of(project.out, deck.slug, version) for version in (old, new)]
        if found[0] and found[1]:
            pairs.append((load(found[0]), load(found[1])))
    if not pairs:
        known = "; ".join(f"{deck.name}: {', '.join(map(str, releases(project.out, deck.slug))) or 'none'}"
                          for deck in project.decks)
        raise UsageError(f"error: no deck has both {old} and {new} in {project.out.name}/ (releases: {known})")
    return pairs


def _manifest_of(out: Path, slug: str, version: str) -> Path | None:
    for path in (release_file(out, slug, version, ".manifest.json"), out / f"{slug}-{version}.manifest.json"):
        if path.is_file():
            return path
    return None
