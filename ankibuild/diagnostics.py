"""Diagnostics in the compiler style `path:line: severity: message`, collected instead of raised.

A build reports every problem it finds in one pass, so the user fixes them all at once; the
caller decides afterwards whether the build may write anything.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

Severity = Literal["warning", "error"]


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


class UsageError(Exception):
    """Bad command line or configuration: exit code 2, no traceback."""


@dataclass
class Reporter:
    """Collects diagnostics; with `strict`, every warning counts as an error."""

    strict: bool = False
    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)

    def warning(self, path: str | Path, line: int, message: str) -> None:
        self._add(path, line, "error" if self.strict else "warning", message)

    def error(self, path: str | Path, line: int, message: str) -> None:
        self._add(path, line, "error", message)

    def report(self, diagnostic: Diagnostic) -> None:
        """A diagnostic a stage returned (stages render with their own Reporter, never strict)."""
        (self.warning if diagnostic.severity == "warning" else self.error)(diagnostic.path, diagnostic.line,
                                                                           diagnostic.message)

    def _add(self, path: str | Path, line: int, severity: Severity, message: str) -> None:
        diagnostic = Diagnostic(str(path), line, severity, message)
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def print(self, stream: TextIO | None = None) -> None:
        """Print in source order: by file (in the order first reported), then by line."""
        files = {d.path: index for index, d in reversed(list(enumerate(self.items)))}
        for diagnostic in sorted(self.items, key=lambda d: (files[d.path], d.line)):
            print(diagnostic, file=stream or sys.stderr)


def display_path(path: Path, root: Path) -> str:
    """The path as the user should see it: relative to `root` when inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
