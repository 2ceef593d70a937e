"""The one configured CommonMark parser (markdown-it-py) and its code highlighting.

markdown-it-py parses CommonMark the way GitHub and kramdown readers expect: lists nested by two
spaces and code fences inside list items render as written (Python-Markdown needs four spaces and
drops fences in lists). It is also the authority on where code is, so math is never looked for there.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .lexing import fast_lexing
from .outline import COMMENT_START, track_code

# HTML blocks whose content is shown as written, never read as Markdown or math.
RAW_HTML_BLOCK = re.compile(r"\s*<(pre|script|style|textarea)\b", re.IGNORECASE)
SPANS = HtmlFormatter(nowrap=True)
# What every code block starts with: a fence, a raw block's tag, or four spaces or a tab after the
# line's indentation, blockquote markers and list markers (a superset: a match only means "parse").
MAY_HOLD_CODE = re.compile(r"```|~~~|<(?:pre|script|style|textarea)|^[ \t>*+\-\d.)]*?(?: {4}|\t)",
                           re.IGNORECASE | re.MULTILINE)

# What, anywhere in a line, can start or end an HTML block or a fence (see same_blocks).
BLOCK_MARKUP = re.compile(r"<[A-Za-z/?!]|-->|```|~~~")
DECLARATION = re.compile(r"<[?!](?!--)")
TABLE_DELIMITER = re.compile(r"^[ \t>]*[|:-][|:\- \t]*$", re.MULTILINE)  # a superset of table delimiter rows


@lru_cache(maxsize=None)
def lexer_for(language: str) -> Lexer | None:
    try:
        return fast_lexing(get_lexer_by_name(language))
    except ClassNotFound:
        return None


@lru_cache(maxsize=1024)
def _highlight(code: str, language: str, _attrs: str) -> str:
    """Pygments HTML with CSS classes; the palettes live in the note type's CSS (light and night).
    Lexing is most of the cost of a card with code: a snippet shown on several cards is lexed once."""
    lexer = lexer_for(language)
    if lexer is None:
        return ""
    spans = highlight(code, lexer, SPANS)
    return f'<pre class="highlight"><code class="language-{html.escape(language)}">{spans}</code></pre>'


MARKDOWN = MarkdownIt("commonmark", {"html": True, "highlight": _highlight}).enable(["table", "strikethrough"])
# markdown-it leaves `![p](file:///etc/passwd)` and `[x](javascript:…)` as plain text, silently; read
# them as links and images, so that the build names the scheme it refuses (the sanitizer drops it).
MARKDOWN.validateLink = lambda url: True


def code_lines(text: str) -> set[int]:
    """Indexes of the lines of `text` that CommonMark reads as code: fences, indented code, `<pre>`."""
    if not MAY_HOLD_CODE.search(text):  # most cards: no parse needed to know there is no code
        return set()
    tokens: list[Token] = []
    MARKDOWN.block.parse(text, MARKDOWN, {}, tokens)
    return code_of(tokens)


def code_of(tokens: list[Token]) -> set[int]:
    """The code lines of parsed Markdown, from its block tokens."""
    return {line for token in tokens if token.map and (token.type in ("fence", "code_block")
                                                  or token.type == "html_block" and RAW_HTML_BLOCK.match(token.content))
            for line in range(*token.map)}


def likely_code_lines(text: str) -> set[int]:
    """A guess at code_lines without parsing: the lines of fences and of `<pre>`-like blocks, as the
    card splitter reads them (indented code and fences a list item ends early are missed)."""
    guess: set[int] = set()
    closer: str | None = None
    for index, line in enumerate(text.split("\n")):
        before = closer
        closer, in_code = track_code(closer, line)
        if in_code and before != "-->" and not (before is None and COMMENT_START.match(line)):
            guess.add(index)
    return guess


def same_blocks(text: str, masked: str) -> bool:
    """Whether CommonMark surely reads the same blocks (kinds and lines) in `masked` as in `text`, when
    `masked` is `text` with spans that start with `$` or `\\` replaced, within their lines, by words.

    Where blocks start, end and nest depends on each line's indentation and markers, which such a
    replacement leaves as they are (no marker is `$`, `\\` or a letter), and on whether it is blank;
    beyond those, on a few things anywhere in a line, which a replaced span might hold: table pipes,
    HTML tags and block ends, fence markers and reference definitions. When a changed line may hold
    any of them, this answers no, and the caller parses the text itself to find out.
    """
    lines, masked_lines = text.split("\n"), masked.split("\n")
    if len(lines) != len(masked_lines):  # a formula spanned lines
        return False
    changed = [(line, after) for line, after in zip(lines, masked_lines) if line != after]
    if not changed:
        return True
    if "]:" in text or DECLARATION.search(text):  # reference definitions; HTML blocks a `>` or `?>` ends
        return False
    for line, after in changed:
        if BLOCK_MARKUP.search(line):
            return False
        if line.count("|") != after.count("|") and TABLE_DELIMITER.search(text):
            return False
    return True
