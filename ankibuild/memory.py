"""What `serve`, one long-lived process, keeps between builds, so that a rebuild after an edit redoes only
what the edit touched: each source file's cards, the note cache's entries (rendered notes, generated
practice families, by content) held decoded, and the renders whose images are known unchanged.

A build with a memory gives what a build without one gives (a test holds them equal after a series of
edits). Only one thing is taken on trust: that an image a card looked up is as it was, which holds
while the watcher reports no change but to the files the build reads itself (sources, decks.toml, the
lock, generators) and none of those is an image a card asked for; any other change checks every image
again, as a build without memory does.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar
from urllib.parse import unquote, urlsplit

from .cache import NoteCache, project_cache
from .collect import FileCards, file_cards
from .config import DeckSpec
from .media import IMAGE_EXTENSIONS
from .notes import Rendered
from .options import BuildOptions

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """A pure function's results, kept from one build to the next: those the last build asked for."""

    def __init__(self, function: Callable[..., Value]) -> None:
        self.function = function
        self.kept: dict[tuple[Hashable, ...], Value] = {}
        self.used: dict[tuple[Hashable, ...], Value] = {}

    def __call__(self, *args: Hashable) -> Value:
        if args not in self.used:
            self.used[args] = self.kept[args] if args in self.kept else self.function(*args)
        return self.used[args]

    def next_build(self) -> None:
        """Forget what the last build did not ask for (an edit leaves no garbage behind)."""
        self.kept, self.used = self.used, {}


class MemoryCache(NoteCache):
    """The note cache with its entries held decoded in memory: a rebuild reads the disk only for
    what it has not seen. Entries are held as the disk gives them back (through JSON)."""

    def __init__(self, path: Path, writable: bool) -> None:
        super().__init__(path, writable)
        self.entries: dict[str, Any] = {}

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        unread = [key for key in keys if key not in self.entries]
        if unread:
            self.entries.update(super().get_many(unread))
        return {key: self.entries[key] for key in keys if key in self.entries}

    def put(self, key: str, value: Any) -> None:
        super().put(key, value)
        self.entries[key] = json.loads(json.dumps(value, ensure_ascii=False))

    def next_build(self) -> None:
        self.entries = {key: value for key, value in self.entries.items() if key in self.used}
        self.used = set()


@dataclass
class BuildMemory:
    """Passed to `build` by a process that builds again and again."""

    caches: dict[tuple[Path, bool], MemoryCache] = field(default_factory=dict)
    file_cards: Memo[FileCards] = field(default_factory=lambda: Memo(file_cards))
    renders: dict[str, Rendered] = field(default_factory=dict)  # the last build's, by cache key
    known: dict[str, Rendered] = field(default_factory=dict)  # those the next build may take as they are
    read: set[Path] = field(default_factory=set)  # the files the last build read itself (sources, decks.toml, lock)
    folders: tuple[Path, ...] = ()  # the folders whose every file a build may read (generators, media)

    def cache(self, options: BuildOptions) -> MemoryCache:
        path = project_cache(options.cache_dir, options.root)
        if (path, options.write) not in self.caches:
            self.caches[path, options.write] = MemoryCache(path, options.write)
        return self.caches[path, options.write]

    def next_build(self, specs: list[DeckSpec], options: BuildOptions, changed: set[Path] | None) -> None:
        """Ready for the next build, after the files `changed` (None: unknown, so anything may have)."""
        for cache in self.caches.values():
            cache.next_build()
        self.file_cards.next_build()
        read = {path.resolve() for spec in specs for path in spec.sources} | {
            (options.root / "decks.toml").resolve(), options.lock_path.resolve()}
        generators = (options.root / "generators").resolve()
        asked = self._asked()
        trusted = changed is not None and all(
            (path.resolve() in read or (path.suffix == ".py" and path.resolve().parent == generators))
            and path.name not in asked for path in changed)
        self.read, self.folders = read, (generators, (options.root / "media").resolve())
        self.known = {key: rendered for key, rendered in self.renders.items()
                      if not any(urlsplit(lookup.src).scheme for lookup in rendered.lookups)} if trusted else {}
        self.renders = {}

    def may_matter(self, changed: set[Path]) -> bool:
        """Whether a build could see any of the files `changed`: one the last build read, a file in
        generators/ or media/, an image or a file a card asked for (wherever it is), or a Markdown
        file (a new note file in a folder served). A log written into the project does not."""
        asked = self._asked()
        for path in changed:
            resolved = path.resolve()
            if (resolved in self.read or any(folder in resolved.parents for folder in self.folders)
                    or path.suffix.lower().lstrip(".") in IMAGE_EXTENSIONS | {"md"} or path.name in asked):
                return True
        return False

    def _asked(self) -> set[str]:
        """The names of the files the cards of the last build asked for."""
        return {_file_name(lookup.src) for rendered in self.renders.values() for lookup in rendered.lookups}


@functools.lru_cache(maxsize=4096)  # the same references, build after build
def _file_name(src: str) -> str:
    """The name of the file an image reference names (`../img/a%20b.png` -> `a b.png`)."""
    return PurePosixPath(unquote(urlsplit(src).path)).name
