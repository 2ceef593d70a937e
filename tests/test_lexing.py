"""Code on a card is coloured exactly as Pygments colours it, whatever its language and text: the
renderer's first-character index over a lexer's rules changes how fast, never what."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import get_lexer_by_name

from ankibuild.commonmark import lexer_for

SOURCE = Path(__file__).resolve().parents[1] / "source"
LANGUAGES = ["python", "bash", "c", "cpp", "javascript", "json", "yaml", "rust", "go", "java", "ruby", "latex",
             "html", "css", "r", "sql", "toml", "diff"]
PIECES = list("abcxyzAB_019 \t\n()[]{}<>=+-*/%&|^~!?:;.,'\"`#@$\\é日") + [
    "def ", "class ", "if ", "return ", "import ", "fn ", "let ", "function ", "/*", "*/", "//", "<!--", "-->",
    '"""', "'''", "${", 'f"', "r'", "0x1F", "1e-3", "\r\n", "<div>", "</a>", "\\begin{x}"]
CODE = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@cache
def pygments_lexer(language: str):
    return get_lexer_by_name(language)


@settings(max_examples=400, deadline=None)
@given(language=st.sampled_from(LANGUAGES), code=CODE)
def test_code_is_lexed_into_the_tokens_pygments_gives(language, code):
    assert list(lexer_for(language).get_tokens(code)) == list(pygments_lexer(language).get_tokens(code))


def test_the_note_files_snippets_are_lexed_into_the_tokens_pygments_gives():
    for path in sorted(SOURCE.glob("*.md")):
        for snippet in path.read_text(encoding="utf-8").split("```python\n")[1:]:
            code = snippet.split("```")[0]
            assert list(lexer_for("python").get_tokens(code)) == list(pygments_lexer("python").get_tokens(code))
