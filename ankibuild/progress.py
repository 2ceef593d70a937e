"""A progress bar on stderr for stages that take more than a moment, on a terminal only.

Written here rather than taken from rich or tqdm: a bar is twenty lines, and a build that needs none
(the usual warm rebuild) must not pay for importing a library.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType

SHOWN_FROM = 200  # fewer items than this take well under a second: no bar
WIDTH = 30


class Progress:
    """`with Progress(label, total, enabled) as bar: ... bar.advance()`; erases itself at the end."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label, self.total, self.done = label, total, 0
        self.enabled = enabled and total >= SHOWN_FROM
        self.shown_at = 0.0

    def __enter__(self) -> Progress:
        return self

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self.shown_at > 0.1 or self.done == self.total):
            self.shown_at = now
            filled = WIDTH * self.done // max(self.total, 1)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{' ' * (WIDTH - filled)}] {self.done}/{self.total}")
            sys.stderr.flush()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.enabled and self.shown_at:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
