"""Math written for MathJax with `$` reaches Anki as `\\(...\\)` / `\\[...\\]`, exactly as typed."""

from __future__ import annotations

import pytest

NOTES = r"""
## Inline math with Markdown characters
Centroid $\mu_k$, input $x^i \in \mathbb{R}^n$, loss $-\sum_{c=1}^M y_{o,c}\log(p_{o,c})$.
Products $a*b*c$ and $x_1 * y_2 * z_3$, sets $\{a, b\}$, order $a < b$ & $c > d$.

## A formula as a paragraph of its own
Huber:

$
L_\delta(a) = \tfrac{1}{2}a^2 \quad \text{for } |a| \le \delta
$

## Dollar at the end of a line
Cost: $
J(\theta) = \frac{1}{m}\sum_i \ell_i
$

## Closing dollar on its own line
$\theta = \theta - m_t
$

## Lines that look like Markdown
$
a = b
- c
+ d
1. e
= f
$

## Double dollars
$$\int_0^1 x\,dx = \tfrac12$$

## Money and code
It costs \$5 or \$10, and `price = "$x$"` is code:

```python
cost = "$a_1$"  # not math
```

## Code that is not fenced
The price $p$ of
    a line that continues the paragraph, with $q$.

    cost = "$b_2$"  # indented code, not math
- a list
  ```
  rate = "$c_3$"  # a fence inside the list item
  ```

> ```
> total = "$d_4$"  # a fence in a quote
> ```

## Dollars in links and HTML
See [the plan](https://example.org/pay?a=$x$) and <img src="https://example.org/$y$.png" alt="cost"> for $z$.

## What is $\sigma(z)$?
The logistic function.
"""


@pytest.fixture
def answers(project, anki):
    project.write("math.md", NOTES)
    anki.import_deck(project.build("math.md"))
    return lambda question: anki.card_html(question)[1]


def test_inline_math_keeps_every_backslash_underscore_and_asterisk(answers):
    html = answers("Inline math with Markdown characters")
    assert r"\(\mu_k\)" in html and r"\(x^i \in \mathbb{R}^n\)" in html
    assert r"\(-\sum_{c=1}^M y_{o,c}\log(p_{o,c})\)" in html
    assert r"\(a*b*c\)" in html and r"\(x_1 * y_2 * z_3\)" in html and r"\(\{a, b\}\)" in html
    assert "<em>" not in html


def test_html_characters_in_math_are_escaped(answers):
    html = answers("Inline math with Markdown characters")
    assert r"\(a &lt; b\) &amp; \(c &gt; d\)" in html


def test_a_paragraph_holding_only_a_formula_is_display_math(answers):
    html = answers("A formula as a paragraph of its own")
    assert "<p>\\[\nL_\\delta(a) = \\tfrac{1}{2}a^2 \\quad \\text{for } |a| \\le \\delta\n\\]</p>" in html


def test_a_dollar_at_the_end_of_a_line_opens_a_formula(answers):
    html = answers("Dollar at the end of a line")
    assert "<p>Cost: \\(\nJ(\\theta) = \\frac{1}{m}\\sum_i \\ell_i\n\\)</p>" in html


def test_a_closing_dollar_on_its_own_line(answers):
    assert "<p>\\[\\theta = \\theta - m_t\n\\]</p>" in answers("Closing dollar on its own line")


def test_formula_lines_are_never_read_as_lists_or_headings(answers):
    html = answers("Lines that look like Markdown")
    assert "<p>\\[\na = b\n- c\n+ d\n1. e\n= f\n\\]</p>" in html
    assert "<li>" not in html.split('<div class="answer">')[1] and "<h1>" not in html


def test_double_dollars_are_display_math(answers):
    assert r"<p>\[\int_0^1 x\,dx = \tfrac12\]</p>" in answers("Double dollars")


def test_escaped_dollars_are_literal_and_code_is_left_alone(answers):
    html = answers("Money and code")
    assert "It costs $5 or $10, and <code>price = \"$x$\"</code> is code:" in html
    assert '"$a_1$"' in html and r"\(" not in html


def test_indented_code_and_fences_in_lists_and_quotes_hold_no_math(answers):
    html = answers("Code that is not fenced")
    assert r"\(p\)" in html and r"\(q\)" in html
    for code in ('"$b_2$"', '"$c_3$"', '"$d_4$"'):
        assert code in html.replace("&quot;", '"')


def test_math_in_a_heading_is_rendered_in_the_question(anki, answers):
    question, _ = anki.card_html(r"What is \(\sigma(z)\)?")
    assert r'<div class="question">What is \(\sigma(z)\)?</div>' in question


def test_dollars_in_link_targets_and_html_attributes_are_not_math(answers):
    html = answers("Dollars in links and HTML")
    assert 'href="https://example.org/pay?a=$x$"' in html and 'src="https://example.org/$y$.png"' in html
    assert r"for \(z\)." in html and html.count(r"\(") == 1


def test_code_elements_keyboard_keys_and_link_titles_hold_no_math(project, anki):
    project.write("m.md", """\
        ## Q
        <details><summary>Code</summary>
        <pre>
        x = a*b*c  # __init__ $5 and $6
        </pre>
        </details>

        Price <code>$5 or $6</code>, and <kbd>$HOME</kbd> vs <kbd>$PATH</kbd>.

        See [price](https://e.org "costs $5") and then $x$ here.
        """)
    anki.import_deck(project.build("m.md"))
    answer = anki.card_html("Q")[1]
    assert "x = a*b*c  # __init__ $5 and $6" in answer
    assert "Price <code>$5 or $6</code>, and <kbd>$HOME</kbd> vs <kbd>$PATH</kbd>." in answer
    assert '<a href="https://e.org" title="costs $5">price</a> and then \\(x\\) here.' in answer


def test_a_formula_in_a_blockquote_loses_the_quote_markers(project, anki):
    project.write("q.md", "## Q\n> Note: the loss is\n> $$\n> L = \\frac{1}{2}\\|x\\|^2\n> $$\n"
                          "> and the cost: $\n> c = a + b\n> $\n")
    anki.import_deck(project.build("q.md"))
    answer = anki.card_html("Q")[1]
    # `$$` within a paragraph is inline math, as in kramdown
    assert "is\n\\(\nL = \\frac{1}{2}\\|x\\|^2\n\\)" in answer and "the cost: \\(\nc = a + b\n\\)" in answer
    assert "&gt;" not in answer


def test_a_lone_dollar_never_pairs_across_code_or_a_link(project, anki):
    project.write("d.md", "## Q\nIt costs $5 to set `$PATH` and the rate is $r$.\n\n"
                          "A $5 fee, see [docs](https://x.org \"fees in $\") for $x$.\n")
    result = project.run("build", "d.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.err.count("'$' has no closing '$'") == 2
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    answer = anki.card_html("Q")[1]
    assert r"It costs $5 to set <code>$PATH</code> and the rate is \(r\)." in answer
    assert 'A $5 fee, see <a href="https://x.org" title="fees in $">docs</a> for \\(x\\).' in answer


def test_line_breaks_comments_and_nested_quote_markers_are_read_as_mathjax_would(project, anki):
    project.write("b.md", "## Q\n$a + b<br>\n= c <!-- note --> + d$ and\n\n- > $x\n  > = y$\n")
    anki.import_deck(project.build("b.md"))
    answer = anki.card_html("Q")[1]
    assert "\\(a + b\n\n= c  + d\\) and" in answer and "\\[x\n= y\\]" in answer


def test_a_card_that_quotes_the_renderers_own_placeholder_keeps_its_words(project, anki):
    """Formulas stand aside under a placeholder while Markdown runs; text that spells one, plainly or
    as character references, is the user's text, never a formula's place (it crashed or swapped)."""
    project.write("notes.md", "## Placeholders\nThe word AnkibuildMath0X, then $x^2$, then AnkibuildMath1X.\n\n"
                              "## Encoded\nAnkibuild&#77;ath0X and &#65;nkibuildMathQ0X beside $y$.\n\n"
                              "## Alone\nAnkibuildMath0X\n")
    anki.import_deck(project.build("notes.md"))
    assert anki.note("Placeholders")["Answer"] == (
        r"<p>The word AnkibuildMath0X, then \(x^2\), then AnkibuildMath1X.</p>")
    assert anki.note("Encoded")["Answer"] == r"<p>AnkibuildMath0X and AnkibuildMathQ0X beside \(y\).</p>"
    assert anki.note("Alone")["Answer"] == "<p>AnkibuildMath0X</p>"
