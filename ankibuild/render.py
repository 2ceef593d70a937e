"""Turn one card's Markdown into the HTML Anki shows: CommonMark, math intact, media packed, safe.

markdown-it-py parses CommonMark the way GitHub and kramdown readers expect: lists nested by two
spaces and code fences inside list items render as written (Python-Markdown needs four spaces and
drops fences in lists). Math is masked before parsing (see mathtex.py); images and links are
rewritten on the token stream, where each token still knows its source line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .diagnostics import Reporter
from .mathtex import MaskedText, mask_math
from .media import MediaStore, Where
from .sanitize import sanitize, unsafe_html

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
SINGLE_PARAGRAPH = re.compile(r"\A<p>(.*)</p>\s*\Z", re.DOTALL)


@dataclass(frozen=True)
class CardSource:
    """Where a card's Markdown comes from: its displayed path, the real file, and shared services."""

    display: str
    file: Path
    media: MediaStore
    reporter: Reporter


def render_markdown(text: str, first_line: int, source: CardSource) -> str:
    """The card HTML for a block of Markdown whose first line is `first_line` of the source."""
    masked = mask_math(text, source.display, first_line, source.reporter)
    tokens = MARKDOWN.parse(masked.text)
    for token in tokens:
        _rewrite_block(token, masked, source)
    rendered = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    return sanitize(masked.restore(rendered)).strip()


def render_inline(text: str, line: int, source: CardSource) -> str:
    """HTML for a one-line piece of Markdown, such as a heading, without the paragraph around it."""
    rendered = render_markdown(text, line, source)
    match = SINGLE_PARAGRAPH.match(rendered)
    return match.group(1) if match else rendered


SPANS = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=None)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def _highlight(code: str, language: str, _attrs: str) -> str:
    """Pygments HTML with CSS classes; the palettes live in the note type's CSS (light and night)."""
    lexer = _lexer(language)
    if lexer is None:
        return ""
    spans = highlight(code, lexer, SPANS)
    return f'<pre class="highlight"><code class="language-{html.escape(language)}">{spans}</code></pre>'


MARKDOWN = MarkdownIt("commonmark", {"html": True, "highlight": _highlight}).enable(["table", "strikethrough"])


def _rewrite_block(token: Token, masked: MaskedText, source: CardSource) -> None:
    if token.map is None:
        return
    block_lines = range(token.map[0], token.map[1])
    line = masked.lines[token.map[0]]
    if token.type == "fence":
        language = token.info.split()[0] if token.info.strip() else ""
        if language and _lexer(language) is None:
            source.reporter.warning(source.display, line,
                                    f"unknown code language '{language}'; the code is shown without colours")
    elif token.type == "html_block":
        token.content = "".join(
            _rewrite_html(raw, masked.lines[token.map[0] + offset], source)
            if raw.lstrip().startswith("<") else _markdown_inside_html(raw, masked.lines[token.map[0] + offset], source)
            for offset, raw in enumerate(token.content.splitlines(keepends=True)))
    elif token.type == "inline" and token.children:
        for child in token.children:
            child_line = _line_of(child, masked, block_lines)
            _rewrite_inline(child, child_line, source)
        _rewrite_links(token.children, masked, block_lines, source)


def _markdown_inside_html(raw: str, line: int, source: CardSource) -> str:
    """A Markdown line inside an HTML block (say, an image in a `<figure>`), which CommonMark leaves raw."""
    return render_inline(raw.rstrip("\n"), line, source) + ("\n" if raw.endswith("\n") else "")


def _line_of(child: Token, masked: MaskedText, block_lines: range) -> int:
    """The source line of an inline token: the first line of its block that holds its URL or text."""
    needle = child.attrGet("src") or child.attrGet("href") or child.content
    for index in block_lines:
        if needle and isinstance(needle, str) and needle in masked.text_lines[index]:
            return masked.lines[index]
    return masked.lines[block_lines.start]


def _rewrite_inline(child: Token, line: int, source: CardSource) -> None:
    if child.type == "image":
        src = str(child.attrGet("src") or "")
        name = source.media.image(src, Where(source.display, source.file, line))
        if name is None:
            alt = child.content or Path(urlsplit(src).path).name
            _to_html(child, f'<span class="missing-image">[{html.escape(alt)}]</span>')
        else:
            child.attrSet("src", name)
    elif child.type == "html_inline":
        child.content = _rewrite_html(child.content, line, source)


def _rewrite_links(children: list[Token], masked: MaskedText, block_lines: range, source: CardSource) -> None:
    """Anchor links go nowhere in Anki and local files cannot be opened: keep their text only."""
    opened: list[tuple[Token, str]] = []
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            kind = _link_kind(href)
            opened.append((child, kind))
            if kind == "anchor":
                _to_html(child, "")
            elif kind == "file":
                line = _line_of(child, masked, block_lines)
                source.reporter.warning(source.display, line,
                                        f"link to local file '{href}' cannot be opened from Anki; shown as text")
                _to_html(child, f'<span class="file-link" title="{html.escape(href)}">')
                child.meta["after"] = f'</span> <span class="file-path">({html.escape(href)})</span>'
        elif child.type == "link_close" and opened:
            opener, kind = opened.pop()
            if kind != "web":
                _to_html(child, opener.meta.get("after", ""))


def _link_kind(href: str) -> str:
    if href.startswith("#"):
        return "anchor"
    if urlsplit(href).scheme or href.startswith("//"):
        return "web"
    return "file"


def _to_html(token: Token, content: str) -> None:
    token.type = "html_inline"
    token.tag = ""
    token.nesting = 0
    token.attrs = {}
    token.children = None
    token.content = content


def _rewrite_html(fragment: str, line: int, source: CardSource) -> str:
    """Pack the images of raw HTML and warn about what the sanitizer will strip."""
    removed = unsafe_html(fragment)
    if removed:
        source.reporter.warning(source.display, line, f"removed unsafe HTML '{removed}': cards cannot run scripts")
    return IMG_TAG.sub(lambda match: _rewrite_img_tag(match.group(0), line, source), fragment)


def _rewrite_img_tag(tag: str, line: int, source: CardSource) -> str:
    attrs = _attributes(tag)
    src = attrs.get("src") or ""
    name = source.media.image(src, Where(source.display, source.file, line)) if src else None
    if name is None:
        alt = attrs.get("alt") or Path(urlsplit(src).path).name
        return f'<span class="missing-image">[{html.escape(alt)}]</span>'
    attrs["src"] = name
    return "<img " + " ".join(f'{key}="{html.escape(value)}"' for key, value in attrs.items()) + ">"


def _attributes(tag: str) -> dict[str, str]:
    parsed: dict[str, str] = {}

    class Reader(HTMLParser):
        def handle_starttag(self, _tag: str, attrs: list[tuple[str, str | None]]) -> None:
            parsed.update((key, value or "") for key, value in attrs)

        handle_startendtag = handle_starttag

    Reader().feed(tag)
    return parsed
