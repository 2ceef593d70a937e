"""Turn one card's Markdown into the HTML Anki shows: CommonMark, math intact, media packed, safe.

Math is masked before parsing (see mathtex.py); images and links are rewritten on markdown-it's
token stream, where each token still knows its source line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from markdown_it.token import Token

from .commonmark import MARKDOWN, MAY_HOLD_CODE, RAW_HTML_BLOCK, code_lines, code_of, lexer_for, likely_code_lines, \
    same_blocks
from .diagnostics import Reporter
from .mathtex import MaskedText, mask_math
from .media import MediaStore, Where
from .sanitize import REMOVED_WITH_CONTENT, TAGS, URL_SCHEMES, removed_style, sanitize, unsafe_html

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_MARKUP = re.compile(r"<!--.*?(?:-->|\Z)|</?[A-Za-z][^>]*>", re.DOTALL)  # an unclosed comment runs to the end
KEPT_AS_WRITTEN = {"pre", "code", "script", "style", "textarea", "kbd", "samp"}
TAG_NAME = re.compile(r"</?([A-Za-z][\w-]*)")
PLAIN_TEXT = re.compile(r"[^\W_]+(?:[ ,.:;?!()/+=%'-]+[^\W_]*)*")  # text that renders as itself


@dataclass(frozen=True)
class CardSource:
    """Where a card's Markdown comes from: its displayed path, the real file, and shared services."""

    display: str
    file: Path
    media: MediaStore
    reporter: Reporter
    references: dict[str, dict] = field(default_factory=dict)  # `[label]: url` definitions of the whole file

    def env(self) -> dict[str, dict]:
        """markdown-it's environment: a card may use a link definition written under another card."""
        return {"references": dict(self.references)}


def render_markdown(text: str, first_line: int, source: CardSource) -> str:
    """The card HTML for a block of Markdown whose first line is `first_line` of the source."""
    masked, tokens = parse(text, first_line, source.display, source.reporter, source.env)
    return _finish(tokens, masked, source)


def parse(text: str, first_line: int, path: str, reporter: Reporter,
          env: Callable[[], dict]) -> tuple[MaskedText, list[Token]]:
    """Markdown with its math masked outside code, and its tokens, in one parse where it can be.

    Masking needs to know where code is, and CommonMark is the authority on that. Rather than parse
    the card twice (once for its code, once masked), mask around a guess of the code lines and
    parse: when the blocks of the masked text are surely those of the card (same_blocks) and its
    code is where the guess put it, the masking was right. Otherwise, find the code lines by a
    parse of the card and, unless the guess was right after all, mask and parse again.
    """
    if not MAY_HOLD_CODE.search(text):  # no code: nothing to guess
        masked = mask_math(text, path, first_line, reporter, set())
        return masked, MARKDOWN.parse(masked.text, env())
    guess = likely_code_lines(text)
    trial = Reporter()  # what masking reports counts only for the masking kept
    masked = mask_math(text, path, first_line, trial, guess)
    tokens = MARKDOWN.parse(masked.text, env())
    if not (code_of(tokens) == guess and same_blocks(text, masked.text)):
        code = code_lines(text)
        if code != guess:
            trial = Reporter()
            masked = mask_math(text, path, first_line, trial, code)
            tokens = MARKDOWN.parse(masked.text, env())
    for diagnostic in trial.items:
        reporter.report(diagnostic)
    return masked, tokens


def render_inline(text: str, line: int, source: CardSource) -> str:
    """HTML for one line of inline Markdown, such as a heading: `1. Intro` stays text, not a list."""
    if PLAIN_TEXT.fullmatch(text):  # most headings: no markup, math, entity or character to escape
        return text.strip()
    masked = mask_math(text, source.display, line, source.reporter)
    tokens = MARKDOWN.parseInline(masked.text, source.env())
    for token in tokens:
        token.map = [0, 1]
    return _finish(tokens, masked, source)


def _finish(tokens: list[Token], masked: MaskedText, source: CardSource) -> str:
    for token in tokens:
        _rewrite_block(token, masked, source)
    rendered = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    return sanitize(masked.restore(rendered)).strip()


def _rewrite_block(token: Token, masked: MaskedText, source: CardSource) -> None:
    if token.map is None:
        return
    block_lines = range(token.map[0], token.map[1])
    line = masked.lines[token.map[0]]
    if token.type == "fence":
        language = token.info.split()[0] if token.info.strip() else ""
        if language and lexer_for(language) is None:
            source.reporter.warning(source.display, line,
                                    f"unknown code language '{language}'; the code is shown without colours")
    elif token.type == "html_block":
        token.content = _rewrite_html_block(token.content, token.map[0], masked, source)
    elif token.type == "inline" and token.children:
        _rewrite_inline_children(token.children, masked, block_lines, source)


def _rewrite_inline_children(children: list[Token], masked: MaskedText, block_lines: range,
                             source: CardSource) -> None:
    for child in children:
        if child.type in ("image", "html_inline"):  # only these need a line: finding it costs a search
            _rewrite_inline(child, _line_of(child, masked, block_lines), source)
    _rewrite_links(children, masked, block_lines, source)


def _rewrite_html_block(content: str, first: int, masked: MaskedText, source: CardSource) -> str:
    """Pack the images of an HTML block; the text between its tags is Markdown (say, an image or
    a caption inside a `<figure>`), which CommonMark would leave raw. The content of `<pre>`,
    `<code>` and the like stays as written."""
    block_is_raw = bool(RAW_HTML_BLOCK.match(content))
    raw_depth = int(block_is_raw)
    pieces: list[str] = []
    position, line = 0, first  # line: index into masked.lines of `position`, counted as we go
    for tag in [*HTML_MARKUP.finditer(content), None]:
        end = tag.start() if tag else len(content)
        between = content[position:end]
        pieces.append(between if raw_depth else _markdown_between_tags(between, line, masked, source))
        line += between.count("\n")
        if tag is None:
            break
        name = TAG_NAME.match(tag.group(0))
        if name and name.group(1).lower() in KEPT_AS_WRITTEN and not block_is_raw:
            raw_depth = max(raw_depth + (-1 if tag.group(0).startswith("</") else 1), 0)
        pieces.append(_rewrite_tag(tag.group(0), masked.lines[line], source))
        line += tag.group(0).count("\n")
        position = tag.end()
    return "".join(pieces)


def _markdown_between_tags(text: str, line: int, masked: MaskedText, source: CardSource) -> str:
    """Inline Markdown between two tags of an HTML block; `line` indexes masked.lines where it starts."""
    if not text.strip():
        return text
    leading, trailing = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    start = line + leading.count("\n")
    tokens = MARKDOWN.parseInline(text.strip(), source.env())
    for token in tokens:
        token.map = [start, start + 1]
        _rewrite_inline_children(token.children or [], masked, range(start, start + 1), source)
    return leading + MARKDOWN.renderer.render(tokens, MARKDOWN.options, {}) + trailing


def _line_of(child: Token, masked: MaskedText, block_lines: range) -> int:
    """The source line of an inline token: the first line of its block that holds its URL as a
    link target (`](url`) or attribute, else as plain text, else the block's first line."""
    url = child.attrGet("src") or child.attrGet("href")
    needles = [f"]({url}", f"](<{url}", f'="{url}"', f"='{url}'", str(url)] if url else [child.content]
    for needle in filter(None, needles):
        for index in block_lines:
            if needle in masked.text_lines[index]:
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
        child.content = _rewrite_tag(child.content, line, source)


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
            elif kind in ("file", "scheme"):
                line = _line_of(child, masked, block_lines)
                source.reporter.warning(source.display, line, f"link to local file '{href}' cannot be opened from "
                                        "Anki; shown as text" if kind == "file" else
                                        f"link '{href[:60]}' uses the scheme '{urlsplit(href).scheme}:', which cards "
                                        "do not open (only http, https and mailto); shown as text")
                _to_html(child, f'<span class="file-link" title="{html.escape(href)}">')
                child.meta["after"] = f'</span> <span class="file-path">({html.escape(href)})</span>'
        elif child.type == "link_close" and opened:
            opener, kind = opened.pop()
            if kind != "web":
                _to_html(child, opener.meta.get("after", ""))


def _link_kind(href: str) -> str:
    if href.startswith("#"):
        return "anchor"
    scheme = urlsplit(href).scheme.lower()
    if scheme in URL_SCHEMES or href.startswith("//"):
        return "web"
    return "scheme" if len(scheme) > 1 else "file"  # `C:` is a Windows drive, not a scheme


def _to_html(token: Token, content: str) -> None:
    token.type = "html_inline"
    token.tag = ""
    token.nesting = 0
    token.attrs = {}
    token.children = None
    token.content = content


def _rewrite_tag(tag: str, line: int, source: CardSource) -> str:
    """One raw HTML tag: warn about what the sanitizer will strip, pack images, and show a tag no
    card can display (`Vector<int>`, `<title>`) as the text the user typed."""
    name = TAG_NAME.match(tag)
    removed, style = unsafe_html(tag), removed_style(tag)
    if style:
        source.reporter.warning(source.display, line, f"removed the style '{style}': cards keep layout, font and colour "
                                                      "properties with plain values (no url(), expression() or escapes)")
    if removed:
        source.reporter.warning(source.display, line, f"removed unsafe HTML '{removed}': cards cannot run scripts")
    elif name and name.group(1).lower() not in TAGS | REMOVED_WITH_CONTENT:
        return html.escape(tag, quote=False)
    return IMG_TAG.sub(lambda match: _rewrite_img_tag(match.group(0), line, source), tag)


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
