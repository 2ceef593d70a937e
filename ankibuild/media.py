"""Resolve the images a card shows into flat, content-addressed media files.

Anki rejects media names with folders, keeps stale files when a name is reused with new bytes,
and syncs no empty files. Naming each file by the hash of its bytes solves all three: a changed
picture gets a new name and reaches the phone, and identical files are stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .diagnostics import Reporter
from .imagetype import sniff

if TYPE_CHECKING:
    from .fetch import RemoteCache

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "avif"}
MAX_MEDIA_BYTES = 100 * 2**20  # AnkiWeb media sync skips larger files
HEAD = 64  # enough bytes to tell the formats of HEAD_FORMATS by their magic numbers
HEAD_FORMATS = {"png", "jpg", "gif", "webp", "bmp"}
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
# What makes an SVG more than a picture: scripts, event handlers, embedded documents, entity tricks.
SVG_ACTIVE = re.compile(rb"<\s*(?:script|foreignobject|iframe|embed|object)\b|\son[a-z]+\s*=|javascript:|<!entity",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Where:
    """The source location a reference came from, for diagnostics and relative paths."""

    display: str
    file: Path
    line: int


@dataclass(frozen=True, slots=True)
class Lookup:
    """One image a card asked for and the answer (a packed name, a URL, or None): `key` is set for
    a file the build made itself."""

    display: str
    file: str
    line: int
    src: str
    key: str | None
    name: str | None


@dataclass
class MediaStore:
    """Maps every image the deck uses to its packed name; `files` is what goes into the package."""

    reporter: Reporter
    roots: tuple[Path, ...]
    media_dir: Path | None = None
    remote: RemoteCache | None = None
    files: dict[str, Path] = field(default_factory=dict)
    lookups: list[Lookup] = field(default_factory=list)  # every question asked, with its answer

    def image(self, src: str, where: Where) -> str | None:
        """The media name to use as `src`, the URL itself for a remote image that stays remote,
        or None when the image cannot be shown (already reported)."""
        name = self._image(src, where)
        self.lookups.append(Lookup(where.display, str(where.file), where.line, src, None, name))
        return name

    def replays(self, lookups: list[Lookup]) -> bool:
        """Whether asking `lookups` again gives the same answers (then `files` holds their media)."""
        for lookup in lookups:
            where = Where(lookup.display, Path(lookup.file), lookup.line)
            name = (self.add(Path(lookup.src), where, lookup.key) if lookup.key is not None
                    else self.image(lookup.src, where))
            if name != lookup.name:
                return False
        return True

    def _image(self, src: str, where: Where) -> str | None:
        scheme = urlsplit(src).scheme.lower()
        if scheme in ("http", "https"):
            return self._remote(src, where)
        if scheme == "file":
            self.reporter.error(where.display, where.line, f"image '{src[:60]}': file: URLs are not allowed (a card "
                                                           "cannot read your disk, and nothing was read); write the "
                                                           "path relative to the note, e.g. ![plot](images/plot.png)")
            return None
        if scheme and len(scheme) > 1:
            self.reporter.error(where.display, where.line, f"image '{src[:60]}' uses the unsupported scheme "
                                                           f"'{scheme}:'; save the image as a file next to the note")
            return None
        return self._local(src, where)

    def _remote(self, url: str, where: Where) -> str:
        if self.remote is None:
            return url
        from .fetch import FetchError  # network code only for a remote image

        try:
            fetched = self.remote.fetch(url)
        except FetchError as reason:
            self.reporter.warning(where.display, where.line,
                                  f"remote image {url} was not embedded ({reason}); the card loads it from the web")
            return url
        return self._add(fetched.path, fetched.extension, where)

    def add(self, path: Path, where: Where, key: str) -> str | None:
        """The media name of a file the build made itself (a drawn figure), from the `key` of what
        it was made from: its bytes may differ in the last bits between CPUs, its name must not."""
        name = self._add(path, path.suffix.lstrip(".").lower(), where, key)
        self.lookups.append(Lookup(where.display, str(where.file), where.line, str(path), key, name))
        return name

    def _local(self, src: str, where: Where) -> str | None:
        reference = unquote(urlsplit(src).path)
        if os.path.isabs(reference) or reference.startswith(("/", "\\")) or WINDOWS_DRIVE.match(reference):
            self.reporter.error(where.display, where.line,
                                f"image '{src}' is an absolute path; write it relative to the note")
            return None
        beside_note = where.file.parent / reference
        if not self._inside_roots(Path(os.path.normpath(beside_note)), where.file):
            self.reporter.error(where.display, where.line,
                                f"image '{src}' points outside the project and the note's folder; "
                                "move the image next to the note or into media/")
            return None
        candidates = [beside_note]
        if self.media_dir is not None and ".." not in Path(reference).parts:
            candidates.append(self.media_dir / reference)
        for candidate in candidates:
            if candidate.is_file():
                if not self._inside_roots(candidate.resolve(), where.file):
                    self.reporter.error(where.display, where.line,
                                        f"image '{src}' is a link to a file outside the project; copy the file in")
                    return None
                return self._add(candidate, candidate.suffix.lstrip(".").lower(), where)
        looked = " or ".join(str(c) for c in candidates)
        self.reporter.warning(where.display, where.line, f"image '{src}' not found (looked for {looked}); "
                                                         "the card shows its alt text")
        return None

    def _inside_roots(self, path: Path, note: Path) -> bool:
        roots = (note.parent.resolve(), *(root.resolve() for root in self.roots))
        absolute = Path(os.path.abspath(path))
        return any(absolute == root or root in absolute.parents for root in roots)

    def _add(self, path: Path, extension: str, where: Where, key: str | None = None) -> str | None:
        try:
            size = path.stat().st_size
            data = _contents(path, key is not None) if 0 < size <= MAX_MEDIA_BYTES else b""
        except OSError as err:
            self.reporter.error(where.display, where.line, f"image '{path.name}' cannot be read ({err.strerror or err})")
            return None
        if size == 0:
            self.reporter.error(where.display, where.line, f"image '{path.name}' is empty; Anki never syncs empty files")
            return None
        if size > MAX_MEDIA_BYTES:
            self.reporter.error(where.display, where.line,
                                f"image '{path.name}' is over 100 MiB; AnkiWeb will not sync it to a phone")
            return None
        kind = sniff(data)
        if extension not in IMAGE_EXTENSIONS or kind is None:
            what = (f"is not an image type Anki shows ({', '.join(sorted(IMAGE_EXTENSIONS))})"
                    if extension not in IMAGE_EXTENSIONS else
                    f"is not an image: its bytes are no {extension.upper()} (nor PNG, JPEG, GIF, WebP, BMP, AVIF, SVG)")
            self.reporter.warning(where.display, where.line, f"'{path.name}' {what}; it is not packed, "
                                                             "and the card shows its alt text")
            return None
        active = SVG_ACTIVE.search(data) if kind == "svg" else None
        if active:
            self.reporter.warning(where.display, where.line,
                                  f"SVG '{path.name}' holds '{active.group(0).decode(errors='replace').strip()}', which "
                                  "could run in a card; it is not packed, and the card shows its alt text. Remove "
                                  "scripts and on... attributes from the SVG")
            return None
        digest = key or hashlib.sha256(data).hexdigest()
        name = f"{digest[:20]}.{kind}"  # named by what the bytes are: a PNG saved as .jpg is packed as .png
        self.files[name] = path
        return name


def _contents(path: Path, named: bool) -> bytes:
    """The bytes the checks of `_add` need: for a file named by its key (a drawn figure) and of a
    format known by its first bytes, just those (a rebuild checks hundreds of figures); else all."""
    with path.open("rb") as file:
        head = file.read(HEAD)
        if named and sniff(head) in HEAD_FORMATS:
            return head
        return head + file.read()
