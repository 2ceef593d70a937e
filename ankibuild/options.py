"""What a build is asked to do, the state from outside it (clock, working folder), passed in, and
what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import DeckSpec
    from .diagnostics import Diagnostic
    from .package import PackedNote


@dataclass(frozen=True)
class BuildOptions:
    root: Path  # the project: `Source` paths and media are relative to it
    lock_path: Path
    out_dir: Path
    cache_dir: Path
    cwd: Path  # diagnostics name files as the user's shell sees them from here
    now: int  # seconds since the epoch: the mtime of new and changed notes
    offline: bool = False
    write: bool = True  # draw figures and keep caches (`check` does neither)
    outputs: bool = True  # write decks, manifests and lock (`status` and `push --dry-run` only compare)
    release: bool = False  # write each deck's .apkg and manifest to out_dir/<version>/
    extra_files: tuple[tuple[Path, bytes], ...] = ()  # written with the decks and the lock, all at once
    progress: bool = False  # progress bars on stderr (a terminal, without --quiet)


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
    diagnostics: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)  # note key -> what rendering it found
