"""The whole-note cache: what rendering a card produced, kept between builds, keyed by content.

Rendering is a pure function of the card's text, its place (file, lines, link definitions) and the
renderer's code, except for the media it looks up; so an entry is keyed by the first and records
the second: every media lookup with its answer. An entry is used only when asking the same questions
again gives the same answers (same files, same bytes), so a rebuild with nothing changed renders
nothing and still reports every diagnostic. One SQLite file per project; safe to delete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from pathlib import Path
from typing import Any

RENDERER = ("render.py", "mathtex.py", "commonmark.py", "lexing.py", "sanitize.py", "media.py", "imagetype.py",
            "notes.py", "cache.py")
LIBRARIES = ("markdown_it", "pygments", "nh3")
BATCH = 1000  # new entries kept in memory before they are stored


class NoteCache:
    """Entries by key; new ones are stored as they come, in batches (a build of 50,000 cards does
    not hold them all); `save` forgets those this build did not use. Without a `path`, or not
    `writable` (`check`), nothing is stored."""

    def __init__(self, path: Path | None, writable: bool = True) -> None:
        self.path = path if writable else None
        self.readable = path
        self.salt = code_digest(RENDERER, LIBRARIES)
        self.used: set[str] = set()
        self.new: dict[str, str] = {}

    @classmethod
    def for_project(cls, cache_dir: Path, root: Path, writable: bool) -> NoteCache:
        return cls(project_cache(cache_dir, root), writable)

    def key(self, parts: Any) -> str:
        return hashlib.sha256((self.salt + json.dumps(parts, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The stored entries among `keys`."""
        if self.readable is None or not self.readable.is_file():
            return {}
        found: dict[str, Any] = {}
        try:
            with _connect(self.readable) as db:
                for start in range(0, len(keys), 500):
                    chunk = keys[start:start + 500]
                    rows = db.execute(f"SELECT key, value FROM notes WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                    found.update((key, json.loads(value)) for key, value in rows)
        except (sqlite3.Error, ValueError):  # a damaged cache is an empty one
            return {}
        return found

    def use(self, key: str) -> None:
        self.used.add(key)

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        if self.path is not None:
            self.new[key] = json.dumps(value, ensure_ascii=False)
            if len(self.new) >= BATCH:
                self._store(stale=False)

    def save(self) -> None:
        """Store the new entries and forget those this build did not use (the file does not grow
        forever); write nothing when nothing changed."""
        self._store(stale=True)

    def _store(self, stale: bool) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with _connect(self.path) as db:
                if stale:
                    unused = [(key,) for (key,) in db.execute("SELECT key FROM notes") if key not in self.used]
                    db.executemany("DELETE FROM notes WHERE key = ?", unused)
                db.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?)", self.new.items())
        except sqlite3.Error:
            pass  # a cache that cannot be written costs the next build time, nothing else
        self.new = {}


def project_cache(cache_dir: Path, root: Path) -> Path:
    """The cache file of the project at `root`."""
    return cache_dir / "notes" / f"{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]}.sqlite3"


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA synchronous = OFF")  # a cache lost in a crash costs one slower build, nothing else
    db.execute("CREATE TABLE IF NOT EXISTS notes (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    return db


def code_digest(modules: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    """A hash of ankibuild's `modules` (their source) and of the installed `libraries` (where and
    when they were installed, found without importing them): an upgrade never serves stale results."""
    digest = hashlib.sha256()
    for name in modules:
        digest.update((Path(__file__).parent / name).read_bytes())
    for library in libraries:
        spec = importlib.util.find_spec(library)
        stat = Path(spec.origin).stat() if spec and spec.origin else None
        digest.update(f"{library} {spec and spec.origin} {stat and (stat.st_size, stat.st_mtime_ns)}".encode())
    return digest.hexdigest()
