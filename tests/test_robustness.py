"""Whatever the user types, the build reports problems instead of crashing, and math survives intact."""

from __future__ import annotations

import html
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankibuild.collect import collect_cards
from ankibuild.commonmark import MARKDOWN, code_lines
from ankibuild.config import DeckSpec
from ankibuild.diagnostics import Reporter
from ankibuild.mathtex import HTML_TAG, mask_math
from ankibuild.notes import Renderer, render_cards
from ankibuild.render import parse


def joined(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


MARKDOWNISH = joined(list("ab xy#*_`$\\{}[]()<>!|-+=.:1\n\t")
                     + ["\n\n", "```", "$$", "<!--", "-->", "<img src=", "](", "## ", "\\$", "![x](y.png)"], 120)
LATEX = joined(list("ab_^*{}<>&=+- |()\n") + ["\\frac", "\\{", "\\}", "\\sum", "\\\\"], 30) \
    .filter(lambda s: s.strip() and not re.search(r"\n[ \t]*\n", f"\n{s}\n")  # a blank line ends a paragraph
            and not HTML_TAG.search(s)  # as in MathJax, an HTML tag ends the text a formula can span
            and not re.search(r"(?:^|\n)[ \t]*>", s))  # a line starting with > is a blockquote marker


# tmp_path is shared by the examples of one test on purpose: each example rewrites the same note.
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def compile_text(tmp_path: Path, text: str) -> tuple[list, Reporter]:
    note = tmp_path / "n.md"
    note.write_text(text, encoding="utf-8")
    reporter = Reporter()
    cards = collect_cards(DeckSpec("Fuzz", "1", (note,)), tmp_path, tmp_path, reporter)
    notes = render_cards(cards, (), Renderer.uncached(tmp_path))
    for diagnostic in (d for note in notes for d in note.diagnostics):
        reporter.report(diagnostic)
    return notes, reporter


@FUZZ
@given(text=MARKDOWNISH)
def test_any_text_compiles_or_is_reported_never_crashes(tmp_path, text):
    notes, reporter = compile_text(tmp_path, text)
    for diagnostic in reporter.items:
        assert diagnostic.path.endswith("n.md") and diagnostic.line >= 0
    for note in notes:
        for field in note.fields:
            assert "<script" not in field.lower()


@FUZZ
@given(latex=LATEX)
def test_inline_math_reaches_anki_byte_for_byte(tmp_path, latex):
    notes, _ = compile_text(tmp_path, f"## Q\nBefore ${latex}$ after.\n")
    [note] = notes
    assert f"\\({latex}\\)" in html.unescape(note.fields[1])


@FUZZ
@given(latex=LATEX)
def test_a_formula_paragraph_reaches_anki_as_display_math_byte_for_byte(tmp_path, latex):
    notes, _ = compile_text(tmp_path, f"## Q\nText.\n\n$\n{latex}\n$\n")
    [note] = notes
    assert f"<p>\\[\n{latex}\n\\]</p>" in html.unescape(note.fields[1])


BLOCKISH = joined(["\n", "\n", "\n\n", "    ", "  ", "\t", "- ", "1. ", "> ", "```", "~~~", "|", "|", "---", ":-",
                   "$", "$", "$$", "\\(", "\\)", "\\[", "\\]", "a", "x y", "<pre>", "</pre>", "<div>", "<b x=", ">",
                   "<!--", "-->", "<?", "?>", "<!X", "[a]", "]:", "[", "]", "(", ")", "\"", "`", "#", "=", "*", "\\"], 80)


@FUZZ
@given(text=BLOCKISH)
def test_a_card_is_parsed_as_if_its_code_had_been_found_first(text):
    """Rendering parses a card once, masking its math around a guess of where its code is; whatever
    the guess, the result is that of finding the code with a parse of its own, then masking."""
    reporter, expected_reporter = Reporter(), Reporter()
    masked, tokens = parse(text, 1, "n.md", reporter, dict)
    expected = mask_math(text, "n.md", 1, expected_reporter, code_lines(text))
    assert (masked.text, masked.formulas, masked.lines) == (expected.text, expected.formulas, expected.lines)
    assert (MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
            == MARKDOWN.renderer.render(MARKDOWN.parse(expected.text, {}), MARKDOWN.options, {}))
    assert reporter.items == expected_reporter.items
