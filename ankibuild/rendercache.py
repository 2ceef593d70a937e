"""Rendered HTML of generated problem text, kept between builds.

A warm rebuild of hundreds of practice problems would otherwise spend most of its time turning the
same Markdown into the same HTML again. Entries are keyed by the text and by the code of the
renderer itself, so a new ankibuild or markdown-it never serves stale HTML; a render that reported
anything, or that refers to media, is never cached, so its diagnostics and media are not lost.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomic
from .render import CardSource, render_markdown

RENDERER = ("render.py", "mathtex.py", "commonmark.py", "sanitize.py", "rendercache.py")


@dataclass
class RenderCache:
    path: Path
    entries: dict[str, str] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)
    salt: bytes = b""

    @classmethod
    def load(cls, path: Path) -> RenderCache:
        salt = hashlib.sha256(importlib.metadata.version("markdown-it-py").encode())
        for name in RENDERER:
            salt.update((Path(__file__).parent / name).read_bytes())
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {}, {}, salt.digest())

    def render(self, text: str, source: CardSource) -> str:
        """render_markdown(text, 1, source), from the cache when this text was rendered before."""
        key = hashlib.sha256(self.salt + text.encode()).hexdigest()
        cached = self.entries.get(key)
        if isinstance(cached, str):
            self.used[key] = cached
            return cached
        mark = len(source.reporter.items)
        rendered = render_markdown(text, 1, source)
        if len(source.reporter.items) == mark and "<img" not in rendered:
            self.used[key] = rendered
        return rendered

    def save(self) -> None:
        """Keep the entries this build used (so the file does not grow forever), if they changed."""
        if self.used != self.entries:
            try:
                write_atomic(self.path, json.dumps(self.used, sort_keys=True).encode())
            except OSError:
                pass  # a cache: the next build renders again
