"""The note type's code colours are Pygments' own, for the classes its highlighter writes."""

from __future__ import annotations

from pathlib import Path

from pygments.formatters import HtmlFormatter

import ankibuild
from ankibuild.notetype import BASE_CSS, css


def token_rules(style: str, scope: str) -> str:
    """Pygments' per-token colour rules of `style` under `scope` (backgrounds and line numbers are
    the note type's own)."""
    defs = HtmlFormatter(style=style).get_style_defs(scope)
    return "".join(line + "\n" for line in defs.splitlines() if line.startswith(scope + " ."))


def test_code_colours_are_the_installed_pygments_friendly_by_day_and_monokai_by_night():
    expected = token_rules("friendly", "pre.highlight") + token_rules("monokai", ".nightMode pre.highlight")
    shipped = Path(ankibuild.__file__).with_name("highlight.css")
    assert shipped.read_text(encoding="utf-8") == expected, (
        f"Pygments' colours changed: write this test's expected text to {shipped}")
    assert css() == BASE_CSS + expected and ".nightMode pre.highlight .k { color: #66D9EF }" in css()
