"""Notes nobody here wrote, and notes written to attack: whatever a card shows is safe, and every
surprise (prices read as math, lookalike headings, refused files) is a diagnostic in our format."""

from __future__ import annotations

import re
import unicodedata

from webserver import PNG

DIAGNOSTIC = re.compile(r"^[^:\n]+(?::\d+)?: (?:warning|error): .+$|^\d+ error\(s\): nothing was written$")


def test_a_style_that_runs_code_never_reaches_the_card(project, anki):
    project.write("n.md", '## A\n<span style="width: expression(alert(1)); color: red">x</span> and '
                          '<b style="background: url(javascript:alert(2))">y</b>\n')
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 0
    assert "n.md:2: warning: removed the style 'width: expression(alert(1))': cards keep layout" in result.err
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    answer = anki.card_html("A")[1]
    assert '<span style="color:red">x</span>' in answer and "<b>y</b>" in answer
    assert "expression" not in answer and "url(" not in answer and "alert" not in answer


def test_a_text_file_named_png_is_not_packed(project, anki):
    project.write("n.md", "## A\n![the plot](plot.png)\n")
    project.write("plot.png", "not a picture at all")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 0
    assert "n.md:2: warning: 'plot.png' is not an image: its bytes are no PNG" in result.err
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    assert '<span class="missing-image">[the plot]</span>' in anki.card_html("A")[1] and anki.media_files() == set()


def test_a_png_saved_as_jpg_is_packed_as_what_it_is(project, anki):
    project.write("n.md", "## A\n![p](photo.jpg)\n")
    (project.root / "photo.jpg").write_bytes(PNG)
    anki.import_deck(project.build("n.md"))
    [name] = anki.images("A")
    assert name.endswith(".png") and anki.media_bytes(name) == PNG


SVG_SCRIPTED = {
    "a script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "an event handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "a javascript link": '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
}


def test_an_svg_that_could_run_code_is_not_packed(project):
    for name, svg in SVG_SCRIPTED.items():
        project.write(f"{name}.svg", svg)
    project.write("fine.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    project.write("n.md", "## A\n" + "".join(f"![{name}]({name.replace(' ', '%20')}.svg)\n" for name in SVG_SCRIPTED)
                  + "![fine](fine.svg)\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 0
    refused = re.findall(r"n\.md:(\d): warning: SVG '([^']+)' holds '([^']+)', which could run in a card", result.err)
    assert refused == [("2", "a script.svg", "<script"), ("3", "an event handler.svg", "onload="),
                       ("4", "a javascript link.svg", "javascript:")]
    assert "1 media" in result.out


def test_a_file_url_is_refused_and_named(project):
    project.write("n.md", "## A\n![p](file:///etc/passwd)\n\n[secrets](file:///etc/shadow)\n")
    result = project.run("check", "n.md")
    assert result.code == 1
    assert "n.md:2: error: image 'file:///etc/passwd': file: URLs are not allowed" in result.err
    assert "n.md:4: warning: link 'file:///etc/shadow' uses the scheme 'file:', which cards do not open" in result.err


def test_every_message_is_in_our_format_even_what_genanki_would_warn(project):
    project.write("n.md", '## MathML\n<math><semantics><mi>x</mi><annotation-xml encoding="MathML-Content">'
                          "<ci>x</ci></annotation-xml></semantics></math>\n\n## Styled\n"
                          '<span style="position: fixed">x</span>\n')
    result = project.run("build", "n.md", "--offline")
    assert result.code == 0
    assert result.err and all(DIAGNOSTIC.match(line) for line in result.err.splitlines()), result.err


def test_prices_in_adjacent_table_rows_stay_in_their_cells(project, anki):
    project.write("n.md", "## Prices\n| Item | Price |\n|---|---|\n| Computer | $1600 |\n| Phone | $12 |\n"
                          "| Pen | $x^2$ |\n| Norm | $\\|x\\|$ |\n")
    result = project.run("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline")
    assert result.code == 0
    assert re.findall(r"n\.md:(\d): warning: '\$' has no closing '\$' in its table cell", result.err) == ["4", "5"]
    anki.import_deck(project.root / "dist/notes-0.1.0.apkg")
    answer = anki.card_html("Prices")[1]
    assert "<td>$1600</td>" in answer and "<td>$12</td>" in answer and r"<td>\(x^2\)</td>" in answer
    assert r"<td>\(|x|\)</td>" in answer  # a pipe in a cell is written \|, as GFM wants; MathJax sees |


def test_double_dollars_inside_a_sentence_are_inline_math_as_in_kramdown(project, anki):
    project.write("n.md", "## Sum\nThe sum $$\\sum_i x_i$$ is linear.\n\n$$\\sum_i x_i$$\n")
    anki.import_deck(project.build("n.md"))
    answer = anki.card_html("Sum")[1]
    assert r"The sum \(\sum_i x_i\) is linear." in answer and r"<p>\[\sum_i x_i\]</p>" in answer


def test_two_prices_in_a_sentence_are_a_warning(project):
    project.write("n.md", "## Plans\nIt costs $5 and $10 per month.\n\nA formula $x$ and $y$ is fine.\n")
    result = project.run("check", "n.md")
    assert result.code == 0
    assert result.err == ("n.md:2: warning: '$5 and $' looks like two prices, not a formula (a digit follows its closing "
                          "'$'); write \\$ for a dollar sign, as in \\$5\n")


def test_headings_that_only_look_alike_are_one_key_and_the_user_is_told(project):
    composed, decomposed = unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café")
    assert composed != decomposed
    project.write("n.md", f"## {composed}\nA place.\n\n## {decomposed}\nThe same place?\n")
    result = project.run("check", "n.md")
    assert result.code == 1
    assert (f"n.md:4: warning: heading '{composed}' looks the same as the one at line 1 but is encoded "
            "differently (Unicode NFC vs NFD)") in result.err
    assert f"n.md:4: error: two cards have the key '{composed}'" in result.err


def test_a_heading_typed_with_combining_accents_gets_the_key_of_its_composed_form(project):
    project.write("n.md", "## " + unicodedata.normalize("NFD", "Café") + "\nA place.\n")
    project.build("n.md")
    assert '"Café"' in (project.root / "n.lock.json").read_text()
    assert unicodedata.normalize("NFD", "Café") not in (project.root / "n.lock.json").read_text()
