"""Collect: the decks' source files → cards as written, each with its key and where it comes from.

Duplicate keys are errors naming both places; nothing here renders anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import DeckSpec
from .diagnostics import Diagnostic, Reporter, display_path
from .outline import LINK_DEFINITION, SourceCard, split_cards


@dataclass(frozen=True, slots=True)
class Card:
    """A card as written, in its deck, with its stable key and its file as each reader names it."""

    deck: str
    key: str
    source: SourceCard
    path: Path  # the real file
    file: str  # relative to the project root: stable wherever the build runs from
    display: str  # relative to the working folder: as the user's shell names it
    references: dict[str, dict]  # `[label]: url` definitions of the whole file


@dataclass(frozen=True)
class FileCards:
    """What one file's text holds: its cards as written, its link definitions, what splitting it reported."""

    cards: tuple[SourceCard, ...]
    references: dict[str, dict]
    diagnostics: tuple[Diagnostic, ...]


def file_cards(text: str, display: str) -> FileCards:
    """The cards of one file's text (a pure function of it and of the name diagnostics give the file)."""
    reporter = Reporter()
    cards = split_cards(text, display, reporter)
    return FileCards(tuple(cards), link_definitions(text), tuple(reporter.items))


def collect_cards(spec: DeckSpec, root: Path, cwd: Path, reporter: Reporter,
                  split: Callable[[str, str], FileCards] = file_cards) -> list[Card]:
    """The cards of every source file of the deck, in order (`split` reads each file's text: `serve`
    passes one that remembers)."""
    cards: list[Card] = []
    first_seen: dict[str, SourceCard] = {}
    for path in spec.sources:
        display = display_path(path, cwd)
        text = read_text(path, display, reporter)
        if text is None:
            continue
        found, file = split(text, display), display_path(path, root)
        for diagnostic in found.diagnostics:
            reporter.report(diagnostic)
        references = found.references
        for card in found.cards:
            key = f"#{card.explicit_id}" if card.explicit_id else " › ".join(card.heading_path)
            if key in first_seen:
                other = first_seen[key]
                reporter.error(display, card.line,
                               f"two cards have the key '{key}' (the other is at {other.path}:{other.line}); "
                               "rename one heading or give it an explicit id: ## Heading {#some-id}")
                continue
            first_seen[key] = card
            cards.append(Card(spec.name, key, card, path, file, display, references))
    if not cards and spec.sources:
        reporter.warning(display_path(spec.sources[0], cwd), 0,
                         f"deck '{spec.name}' has no cards: a card is a heading with text below it")
    return cards


def link_definitions(text: str) -> dict[str, dict]:
    """The reference-link definitions (`[label]: url`) of a whole file, for every card in it."""
    if not any(LINK_DEFINITION.match(line) for line in text.split("\n")):
        return {}
    from .commonmark import MARKDOWN

    env: dict[str, dict] = {}
    MARKDOWN.block.parse(text, MARKDOWN, env, [])
    return env.get("references", {})


def read_text(path: Path, display: str, reporter: Reporter) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b"\n") + 1
        reporter.error(display, line, f"not UTF-8 text (byte 0x{err.object[err.start]:02x}); save the file as UTF-8")
    except OSError as err:
        reporter.error(display, 0, f"cannot read the file: {err.strerror}")
    return None
