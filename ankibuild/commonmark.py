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

# HTML blocks whose content is shown as written, never read as Markdown or math.
RAW_HTML_BLOCK = re.compile(r"\s*<(pre|script|style|textarea)\b", re.IGNORECASE)
SPANS = HtmlFormatter(nowrap=True)
# What every code block starts with: a fence, a raw block's tag, or four spaces or a tab after the
# line's indentation, blockquote markers and list markers (a superset: a match only means "parse").
MAY_HOLD_CODE = re.compile(r"```|~~~|<(?:pre|script|style|textarea)|^[ \t>*+\-\d.)]*?(?: {4}|\t)",
                           re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=None)
def lexer_for(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def _highlight(code: str, language: str, _attrs: str) -> str:
    """Pygments HTML with CSS classes; the palettes live in the note type's CSS (light and night)."""
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
    return {line for token in tokens if token.map and (token.type in ("fence", "code_block")
                                                  or token.type == "html_block" and RAW_HTML_BLOCK.match(token.content))
            for line in range(*token.map)}
