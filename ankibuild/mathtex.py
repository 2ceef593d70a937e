"""Take math out of Markdown before the Markdown parser can damage it, and put it back for Anki.

The user's notes were written for MathJax with `$` delimiters, which Anki does not read and which
Markdown mangles (underscores, asterisks, backslashes, `<`). We find formulas the way MathJax
would: `$...$` and `$$...$$`, also across lines within a paragraph, `\\(...\\)` and `\\[...\\]`;
`\\$` stays a literal dollar; code spans, code fences and HTML comments are left alone. Each formula
is replaced by an inert token; after Markdown, tokens become `\\(...\\)` or, for a `$` formula that is
a paragraph of its own, `\\[...\\]`, with the LaTeX byte-for-byte and HTML-escaped.

No Markdown extension does this: pymdownx.arithmatex and mdit-py-plugins' dollarmath run after
block parsing, so a multi-line formula whose lines start with `-`, `+` or `=` becomes a list or a
heading before they see it, and they refuse a `$` followed by a line break.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .commonmark import code_lines
from .diagnostics import Reporter
from .outline import LINK_DEFINITION

BLANK_LINE = re.compile(r"\n[ \t]*\n")
SPECIAL = re.compile(r"[\\`$<\]]")  # where a formula, code span, comment, tag or link target may start
# An HTML tag or autolink, as CommonMark defines them: dollars in attribute values and URLs are not math.
HTML_TAG = re.compile(r"""</?[A-Za-z][\w-]*(?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
                      r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>")
LINK_TARGET = re.compile(r"""\]\(\s*(?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"""
                         r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)""")  # `](url "title")`
TOKEN_PREFIX = "AnkibuildMath"  # tokens are letters and digits, which Markdown leaves as they are
QUOTED_LINE_START = re.compile(r"\n[ \t]*(?:>[ \t]?)+")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
BACKTICKS = re.compile(r"`+")
BRACE = re.compile(r"\\.?|[{}]", re.DOTALL)  # a brace, or an escape (which hides the character after it)
LINE_BREAK = re.compile(r"<br\s*/?>|<wbr\s*/?>", re.IGNORECASE)
LINE_BREAK_TAG = re.compile(r"<(?:br|wbr)\b", re.IGNORECASE)
OPENING_TAG_NAME = re.compile(r"<([A-Za-z][\w-]*)")
TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
MATHJAX_SKIPPED = {"script", "noscript", "style", "textarea", "pre", "code"}  # MathJax's skipHtmlTags


@dataclass(frozen=True)
class Formula:
    latex: str
    line: int
    delimiter: str  # "$", "$$", "\\(" or "\\["

    def html(self, paragraph_of_its_own: bool) -> str:
        display = self.delimiter == "\\[" or (self.delimiter in ("$", "$$") and paragraph_of_its_own)
        body = html.escape(self.latex, quote=False)
        return f"\\[{body}\\]" if display else f"\\({body}\\)"


@dataclass
class MaskedText:
    """Markdown with formulas replaced by tokens; `lines[k]` is the source line of masked line k."""

    text: str
    formulas: list[Formula]
    lines: list[int]
    prefix: str = TOKEN_PREFIX  # of the tokens: one the card's text cannot hold, decoded or not

    def token(self, index: int) -> str:
        return f"{self.prefix}{index}X"

    @cached_property
    def text_lines(self) -> list[str]:
        return self.text.split("\n")

    def restore(self, rendered: str) -> str:
        """Replace tokens in rendered HTML; a paragraph holding only a `$` or `$$` formula becomes
        display math (as in kramdown: `$$…$$` inside a sentence is inline)."""
        def paragraph(match: re.Match[str]) -> str:
            return "<p>" + self.formulas[int(match.group(1))].html(True) + "</p>"

        if not self.formulas:
            return rendered
        token = re.escape(self.prefix) + r"(\d+)X"
        rendered = re.sub(r"<p>\s*" + token + r"\s*</p>", paragraph, rendered)  # a paragraph of its own
        return re.sub(token, lambda m: self.formulas[int(m.group(1))].html(False), rendered)


def mask_math(text: str, path: str, first_line: int, reporter: Reporter, code: set[int] | None = None) -> MaskedText:
    """Replace every formula outside code with a token; report unbalanced braces and lone `$`.
    `code`: the indexes of the lines that are code, when the caller knows them."""
    masked = MaskedText("", [], [], _token_prefix(text))
    if code is None:
        code = code_lines(text)
    pieces: list[str] = []
    chunk: list[str] = []
    chunk_line = first_line
    for index, line in enumerate(text.split("\n")):
        if index in code or LINK_DEFINITION.match(line):  # a URL or title may hold a `$`
            if chunk:
                pieces.append(_mask_chunk("\n".join(chunk), chunk_line, masked, path, reporter))
                chunk = []
            pieces.append(line)
            masked.lines.append(first_line + index)
        else:
            if not chunk:
                chunk_line = first_line + index
            chunk.append(line)
    if chunk:
        pieces.append(_mask_chunk("\n".join(chunk), chunk_line, masked, path, reporter))
    masked.text = "\n".join(pieces)
    return masked


def _mask_chunk(text: str, first_line: int, masked: MaskedText, path: str, reporter: Reporter) -> str:
    """Mask one run of non-code lines, recording which source line each masked line starts on."""
    out: list[str] = []
    masked.lines.append(first_line)
    scan = _Scan(text)
    cursor = [0, first_line]  # a position and its line: lines are counted once, left to right

    def line_at(index: int) -> int:
        if index < cursor[0]:
            cursor[:] = [0, first_line]
        cursor[1] += text.count("\n", cursor[0], index)
        cursor[0] = index
        return cursor[1]

    def keep(begin: int, end: int) -> int:
        newlines = text.count("\n", begin, end)
        if newlines:
            line = line_at(begin)
            masked.lines.extend(range(line + 1, line + 1 + newlines))
        out.append(text[begin:end])
        return end

    i = 0
    while i < len(text):
        special = SPECIAL.search(text, i)
        if special is None:
            keep(i, len(text))
            break
        if special.start() > i:
            i = keep(i, special.start())
        char = text[i]
        if char == "\\" and text[i + 1:i + 2] in ("(", "["):
            closer = "\\)" if text[i + 1] == "(" else "\\]"
            end = scan.closing(i + 2, closer)
            if end is None:
                i = keep(i, i + 2)
                continue
            out.append(_token(masked, scan.formula(i, text[i + 2:end]), line_at(i), text[i:i + 2], path, reporter))
            i = end + 2
        elif char == "\\":
            i = keep(i, i + 2)
        elif char == "`":
            i = keep(i, scan.code_span_end(i))
        elif text.startswith("<!--", i):
            end = text.find("-->", i)
            i = keep(i, len(text) if end < 0 else end + 3)
        elif (markup := HTML_TAG.match(text, i) or LINK_TARGET.match(text, i)) and markup.end() > i + 1:
            i = keep(i, scan.skipped_element_end(markup))
        elif char == "$":
            delimiter = "$$" if text.startswith("$$", i) else "$"
            start = i + len(delimiter)
            end = scan.closing(start, delimiter)
            if end is None or end == start:
                where = "table cell" if scan.in_table(i) else "paragraph"
                reporter.warning(path, line_at(i), f"'{delimiter}' has no closing '{delimiter}' in its {where}; "
                                                   "write \\$ for a literal dollar sign")
                i = keep(i, start)
                continue
            latex = scan.formula(i, text[start:end])
            if delimiter == "$" and text[end + 1:end + 2].isdigit():
                reporter.warning(path, line_at(i), f"'${latex if len(latex) <= 40 else _clip(latex)}$' looks like two "
                                                   "prices, not a formula (a digit follows "
                                                   "its closing '$'); write \\$ for a dollar sign, as in \\$5")
            out.append(_token(masked, latex, line_at(i), delimiter, path, reporter))
            i = end + len(delimiter)
        else:
            i = keep(i, i + 1)
    return "".join(out)


def _as_mathjax_reads(latex: str) -> str:
    """The formula MathJax would read on the rendered page: blockquote markers that begin its lines
    (CommonMark strips them) and comments are gone, and `<br>` is a line break."""
    if "\n" in latex:
        latex = QUOTED_LINE_START.sub("\n", latex)
    if "<" not in latex:  # most formulas: no comment and no line break tag
        return latex
    return LINE_BREAK.sub("\n", COMMENT.sub("", latex))


class _Scan:
    """Searches within one run of text, in time linear in the text overall: paragraph ends are found
    once, and a search that failed is not repeated for later starts it would fail for too."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraph_ends = [m.start() for m in BLANK_LINE.finditer(text)] + [len(text)]
        self.rows = _table_rows(text)  # (start, end) of each line that is a table row, in order
        self.failed: dict[str, int] = {}  # what was searched for -> position before which it is absent

    def paragraph_end(self, start: int) -> int:
        return self.paragraph_ends[bisect.bisect_left(self.paragraph_ends, start)]

    def in_table(self, position: int) -> tuple[int, int] | None:
        """The table row holding `position`, if any."""
        index = bisect.bisect_right(self.rows, (position, len(self.text) + 1)) - 1
        return self.rows[index] if index >= 0 and self.rows[index][0] <= position <= self.rows[index][1] else None

    def formula(self, start: int, written: str) -> str:
        """The LaTeX MathJax reads from a formula written at `start` (in a table, GFM has already
        turned each `\\|` into `|`)."""
        latex = _as_mathjax_reads(written)
        return latex.replace("\\|", "|") if self.in_table(start) else latex

    def limit(self, start: int) -> int:
        """How far a formula starting at `start` may reach: the end of its paragraph or, in a table,
        of its cell (an unescaped `|` or the row's end), since MathJax sees each cell apart."""
        row = self.in_table(start)
        if row is None:
            return self.paragraph_end(start)
        pipe = UNESCAPED_PIPE.search(self.text, start, row[1])
        return pipe.start() if pipe else row[1]

    def closing(self, start: int, closer: str) -> int | None:
        """The first unescaped `closer` after `start` in its paragraph; as in MathJax, a formula does
        not reach across an HTML tag (other than `<br>`)."""
        if start <= self.failed.get(closer, -1):
            return None
        text, i = self.text, start
        limit = self.limit(start)
        while (stop := SPECIAL.search(text, i, limit)) is not None:  # between these, nothing to check
            i = stop.start()
            if text.startswith(closer, i):
                return i
            if self._ends_text(i):
                break
            i += 2 if text[i] == "\\" and not closer.startswith("\\") else 1
        else:
            i = max(i, limit)
        self.failed[closer] = i
        return None

    def _ends_text(self, i: int) -> bool:
        """Whether position i starts an element (a tag other than `<br>`, a code span, a link target):
        MathJax sees the text around it as separate strings, so no formula reaches across it."""
        char = self.text[i]
        if char == "<":
            tag = HTML_TAG.match(self.text, i)
            return bool(tag) and not LINE_BREAK_TAG.match(tag.group(0))
        if char == "`":
            return self.code_span_end(i) > BACKTICKS.match(self.text, i).end()
        return char == "]" and bool(LINK_TARGET.match(self.text, i))

    def code_span_end(self, start: int) -> int:
        """End of the code span opened by the backtick run at `start`, or of the run if none closes it."""
        run_end = BACKTICKS.match(self.text, start).end()
        opener = self.text[start:run_end]
        if run_end <= self.failed.get(opener, -1):
            return run_end
        limit = self.paragraph_end(run_end)
        for match in BACKTICKS.finditer(self.text, run_end, limit):
            if match.group(0) == opener:
                return match.end()
        self.failed[opener] = limit
        return run_end

    def skipped_element_end(self, markup: re.Match[str]) -> int:
        """Where markup ends; for `<code>`, `<pre>` and the other elements MathJax skips, where the
        element ends, so that nothing inside is taken for math."""
        name = OPENING_TAG_NAME.match(markup.group(0))
        if not name or name.group(1).lower() not in MATHJAX_SKIPPED:
            return markup.end()
        closer = f"</{name.group(1).lower()}"
        if markup.end() <= self.failed.get(closer, -1):
            return markup.end()
        found = _closing_tag(closer).search(self.text, markup.end())
        if found is None:
            self.failed[closer] = len(self.text)
            return markup.end()
        return found.end()


@lru_cache(maxsize=None)
def _closing_tag(closer: str) -> re.Pattern[str]:
    """`</name` followed by its `>`: one pattern per element name, not one per card."""
    return re.compile(re.escape(closer) + r"\s*>", re.IGNORECASE)


def _table_rows(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of GFM tables: a header row, a delimiter row (`|---|:--:|`), then the
    rows up to a blank line."""
    if "|" not in text:
        return []
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((start, start + len(line)))
        start += len(line) + 1
    rows: list[tuple[int, int]] = []
    index = 1
    while index < len(lines):
        header, delimiter = (text[a:b] for a, b in lines[index - 1:index + 1])
        if "|" in header and TABLE_DELIMITER.match(delimiter):
            end = index + 1
            while end < len(lines) and text[lines[end][0]:lines[end][1]].strip():
                end += 1
            rows += lines[index - 1:end]
            index = end + 1
        else:
            index += 1
    return rows


def _token(masked: MaskedText, latex: str, line: int, delimiter: str, path: str, reporter: Reporter) -> str:
    _check_braces(latex, line, path, reporter)
    masked.formulas.append(Formula(latex, line, delimiter))
    return masked.token(len(masked.formulas) - 1)


def _token_prefix(text: str) -> str:
    """TOKEN_PREFIX, lengthened until neither the text nor its character references decoded hold
    it: a card that quotes a token keeps its words (and never takes a formula's place)."""
    prefix = TOKEN_PREFIX
    decoded = html.unescape(text) if "&" in text else text
    while prefix in text or prefix in decoded:
        prefix += "Q"
    return prefix


def _check_braces(latex: str, line: int, path: str, reporter: Reporter) -> None:
    """Report the first brace without a partner, at the source line where that brace stands."""
    opened: list[int] = []
    for brace in BRACE.finditer(latex):
        if brace.group() == "{":
            opened.append(brace.start())
        elif brace.group() == "}":
            if not opened:
                reporter.warning(path, line + latex.count("\n", 0, brace.start()),
                                 f"unbalanced braces in formula ${_clip(latex)}$: "
                                 "'}' without an opening '{'; MathJax will show an error")
                return
            opened.pop()
    if opened:
        reporter.warning(path, line + latex.count("\n", 0, opened[0]),
                         f"unbalanced braces in formula ${_clip(latex)}$: "
                         f"{len(opened)} '{{' never closed; MathJax will show an error")


def _clip(latex: str, limit: int = 40) -> str:
    flat = " ".join(latex.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
