"""What a build is asked to do, and the state from outside it (clock, working folder), passed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
