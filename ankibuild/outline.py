"""Split a Markdown file into cards: one per heading that has text of its own.

Handles both note styles the user writes (README, "Writing notes"): a flat list of `##` cards under
a document title, and nested `#`/`##`/`###` notes where any heading with its own text is a card
and its ancestors are context. Comments and navigation (TOC markers and blocks, `[back to top]`
links, kramdown attribute lines) are removed before deciding whether a heading has text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .diagnostics import Reporter

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
# kramdown's header id, `{#id}`, also inside a full attribute list such as `{: #id .class}`
EXPLICIT_ID = re.compile(r"\{:?[^{}#]*#([A-Za-z0-9][\w:-]*)[^{}]*\}[ \t]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}(?=[^`]*$)|~{3,})")  # a backtick fence's info string has no backtick
RAW_BLOCK = re.compile(r"^ {0,3}<(pre|script|style|textarea)(?=[\s>]|$)", re.IGNORECASE)
COMMENT_START = re.compile(r"^ {0,3}<!--")
TOC_MARKER = re.compile(r"^[ \t]*(?:[*+-]|\d+\.)[ \t]+TOC[ \t]*$")
ATTRIBUTE_LINE = re.compile(r"^[ \t]*\{:[^}]*\}[ \t]*$")
BACK_TO_TOP = re.compile(r"\[back to top\]\(#[^)\s]*\)", re.IGNORECASE)
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:")  # a reference-link definition, `[label]: url "title"`
MARKDOWN_TOC_START = "<!-- markdown-toc start"
MARKDOWN_TOC_END = "<!-- markdown-toc end -->"


@dataclass(frozen=True)
class SourceCard:
    """A heading with its own Markdown text, as written in the source."""

    path: str
    line: int
    heading_path: tuple[str, ...]
    heading_lines: tuple[int, ...]
    explicit_id: str | None
    body: str
    body_line: int


@dataclass
class _Section:
    level: int
    title: str  # in Unicode NFC: "Café" typed with a combining accent is the same key as with "é"
    explicit_id: str | None
    line: int
    lines: list[str]
    written: str = ""  # the heading as typed


def split_cards(text: str, path: str, reporter: Reporter) -> list[SourceCard]:
    """Return the cards of one Markdown file in source order, reporting skipped content."""
    written = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines, ids_below = _drop_navigation(written, path, reporter)
    preamble: list[str] = []
    sections: list[_Section] = []
    closer: str | None = None
    opened_at = 0
    for number, line in enumerate(lines, start=1):
        if closer is None:
            opened_at = number
        closer, in_code = track_code(closer, line)
        heading = None if in_code else HEADING.match(line)
        if heading:
            written_title = _without_closing_hashes((heading.group(2) or "").strip())
            title, explicit_id = _split_explicit_id(unicodedata.normalize("NFC", written_title))
            sections.append(_Section(len(heading.group(1)), title, explicit_id or ids_below.get(number), number, [],
                                     written_title))
        else:
            (sections[-1].lines if sections else preamble).append(line)
    if closer is not None:
        what = "code fence" if closer[0] in "`~" else f"<{closer[2:-1]}> block"
        reporter.warning(path, opened_at, f"{what} is never closed, so everything after it is code; "
                                          f"close it with {'a matching fence line' if closer[0] in '`~' else closer}")
    if _has_text(preamble):
        first = next(i for i, line in enumerate(preamble, start=1) if line.strip())
        reporter.warning(path, first, "text before the first heading belongs to no card; put it under a heading")

    _warn_lookalikes(sections, path, reporter)
    title_section = _document_title(sections, written)
    cards: list[SourceCard] = []
    stack: list[_Section] = []
    for index, section in enumerate(sections):
        while stack and stack[-1].level >= section.level:
            stack.pop()
        stack.append(section)
        has_children = index + 1 < len(sections) and sections[index + 1].level > section.level
        path_sections = [s for s in stack if s is not title_section] or [section]
        if not section.title:
            reporter.warning(path, section.line, "heading has no text; write a question after the #")
            continue
        if _has_text(section.lines):
            cards.append(SourceCard(path, section.line, tuple(s.title for s in path_sections),
                                    tuple(s.line for s in path_sections), section.explicit_id,
                                    "\n".join(section.lines), section.line + 1))
        elif not has_children and section is not title_section:
            reporter.warning(path, section.line,
                             f"empty heading \"{section.title}\" makes no card; write its answer below it")
    return cards


def _warn_lookalikes(sections: list[_Section], path: str, reporter: Reporter) -> None:
    """Headings that differ only in how their letters are encoded (NFC "é" or "e" + combining accent)
    look the same and are read as the same text: say so, as the cause of the duplicate key that follows."""
    seen: dict[str, _Section] = {}
    for section in sections:
        other = seen.setdefault(section.title, section)
        if other.written != section.written:
            reporter.warning(path, section.line, f"heading '{section.title}' looks the same as the one at line "
                                                 f"{other.line} but is encoded differently (Unicode NFC vs NFD); "
                                                 "both are read as the same text. Retype one of them")


def _drop_navigation(lines: list[str], path: str, reporter: Reporter) -> tuple[list[str], dict[int, str]]:
    """Blank out what is never shown (keeping line numbers): comments, TOC blocks and markers,
    attribute lines, back-to-top links. Also return the ids that attribute lines give the headings
    just above them (kramdown's `## Heading` then `{: #id}`), by heading line number."""
    out = list(lines)
    ids_below: dict[int, str] = {}
    closer: str | None = None
    toc_start: int | None = None
    comment_start = 0
    for index, line in enumerate(lines):
        before = closer
        closer, in_code = track_code(closer, line)
        if before is None and closer == "-->":
            comment_start = index + 1
        if before is None and line.lstrip().startswith(MARKDOWN_TOC_START):
            toc_start = index
        if toc_start is not None:
            if MARKDOWN_TOC_END in line:
                out[toc_start:index + 1] = [""] * (index + 1 - toc_start)
                toc_start = None
            continue
        if "-->" in (before, closer):
            out[index] = line.split("-->", 1)[1] if before == "-->" and closer is None else ""
        elif in_code:
            continue
        elif ATTRIBUTE_LINE.match(line) or (TOC_MARKER.match(line) and _next_is_toc(lines, index)):
            explicit = _explicit_id(line)
            if explicit and index and HEADING.match(lines[index - 1]):
                ids_below[index] = explicit.group(1)
            out[index] = ""
        else:
            out[index] = BACK_TO_TOP.sub("", line) if "](#" in line else line
    if toc_start is not None:
        reporter.warning(path, toc_start + 1, "table-of-contents block has no end marker; it is kept as text")
    if closer == "-->":
        reporter.warning(path, comment_start, "comment is never closed with -->, so everything after it is hidden")
    return out, ids_below


def _next_is_toc(lines: list[str], index: int) -> bool:
    return index + 1 < len(lines) and lines[index + 1].strip().replace(" ", "") == "{:toc}"


def track_code(closer: str | None, line: str) -> tuple[str | None, bool]:
    """Advance over one line; return (what closes the open code block, whether the line is code).

    Code is what CommonMark shows as written: fences, `<pre>`/`<script>`/`<style>`/`<textarea>`
    blocks and comments that start a line. Headings and navigation are never looked for there.
    """
    if closer is None:
        if line.lstrip(" \t")[:1] not in ("`", "~", "<"):  # most lines: neither a fence, a tag nor a comment
            return None, False
        fence = FENCE.match(line)
        if fence:
            return fence.group(1), True
        raw = RAW_BLOCK.match(line)
        if raw:
            closer = f"</{raw.group(1).lower()}>"
        elif COMMENT_START.match(line):
            closer = "-->"
        else:
            return None, False
        opened = line.lower().index("<") + 4
        return (None if closer in line.lower()[opened:] else closer), True
    if closer[0] in "`~":
        closes = line.strip().startswith(closer) and not line.strip().lstrip(closer[0])
    else:
        closes = closer in line.lower()
    return (None if closes else closer), True


def _without_closing_hashes(title: str) -> str:
    """`Title ##` → `Title`: ATX headings may close with a run of #s, which is not text."""
    without = title.rstrip("#")
    return without.rstrip(" \t") if without != title and (not without or without[-1] in " \t") else title


def _explicit_id(text: str) -> re.Match[str] | None:
    """kramdown's `{#id}` at the end of `text`; looked for only from the last brace (no backtracking)."""
    brace = text.rfind("{")
    return EXPLICIT_ID.match(text, brace) if brace >= 0 else None


def _split_explicit_id(title: str) -> tuple[str, str | None]:
    match = _explicit_id(title)
    if not match:
        return title, None
    return title[:match.start()].strip(), match.group(1)


def _has_text(lines: list[str]) -> bool:
    """Whether lines show anything: comments and link definitions (`[label]: url`) do not."""
    shown = (line for line in _without_comments("\n".join(lines)).split("\n") if not LINK_DEFINITION.match(line))
    return any(line.strip() for line in shown)


def _without_comments(text: str) -> str:
    """`text` without `<!-- -->` comments, in one left-to-right pass (an unclosed one runs to the end)."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        kept.append(text[position:start])
        end = text.find("-->", start + 4)
        position = len(text) if end < 0 else end + 3
    kept.append(text[position:])
    return "".join(kept)


def _document_title(sections: list[_Section], written: list[str]) -> _Section | None:
    """The file's title: a first heading of level 1 that is followed by a kramdown TOC marker, or
    is the only level-1 heading. (With the marker, adding a `#` chapter later changes no card.)"""
    if not sections or sections[0].level != 1:
        return None
    first = sections[0]
    own_lines = written[first.line:sections[1].line - 1] if len(sections) > 1 else written[first.line:]
    has_toc = any(TOC_MARKER.match(line) for line in own_lines)
    return first if has_toc or not any(s.level == 1 for s in sections[1:]) else None
