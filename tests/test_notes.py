"""A user points ankibuild at notes in both styles and studies the result in Anki."""

from __future__ import annotations

import re

import pytest
from webserver import PNG


@pytest.fixture
def imported(project, anki):
    project.copy_fixtures("flat", "nested")
    apkg = project.build("flat/vision.md", "nested/notes.md", deck="Fixture")
    log = anki.import_deck(apkg)
    return anki, log


def test_every_heading_with_text_becomes_one_note(imported):
    anki, log = imported
    assert len(log.new) == 17 and not log.updated and not log.duplicate
    questions = [n["Question"] for n in anki.notes()]
    assert sorted(questions) == sorted([
        "Anchor boxes", "Data augmentation", "Focal loss", "NMS (non-maximum suppression)", "Tensor Sizes - PyTorch",
        "Precision vs. Recall?", "K-means code", "Cross-entropy", "Remote figure", "Footnoted claim",
        "Losses", "Huber", "Adam", "Figures", "Typo", "Momentum", "Missing picture",
    ])


def test_titles_toc_and_placeholders_make_no_card(imported):
    anki, _ = imported
    for skipped in ("Vision Flashcards", "Basics", "Hinge", "Optimisation", "Placeholder with no answer"):
        assert not anki.notes(f'"Question:{skipped}"')
    everything = " ".join(n["Answer"] for n in anki.notes())
    assert "TOC" not in everything and "{:toc}" not in everything
    assert "Table of Contents" not in everything and "back to top" not in everything


def test_heading_path_is_context_and_hierarchical_tag(imported):
    anki, _ = imported
    huber = anki.note("Huber")
    assert huber["Context"] == "Basics › Losses"
    assert "basics::losses::huber" in huber.tags
    question, _ = anki.card_html("Huber")
    assert '<div class="context">Basics › Losses</div>' in question
    flat = anki.note("NMS (non-maximum suppression)")
    assert flat["Context"] == "" and flat.tags == ["nms_non-maximum_suppression"]


def test_parent_intro_text_is_a_card_of_its_own(imported):
    anki, _ = imported
    assert anki.note("Losses")["Answer"] == "<p>Losses measure how wrong a prediction is.</p>"


def test_source_file_and_line_are_on_the_note(imported):
    anki, _ = imported
    assert anki.note("Focal loss")["Source"] == "flat/vision.md:20"
    _, answer = anki.card_html("Adam")
    assert '<div class="source">nested/notes.md:23</div>' in answer


def test_lists_nested_by_two_spaces_keep_their_nesting(imported):
    anki, _ = imported
    answer = anki.note("Anchor boxes")["Answer"]
    assert re.search(r"<li>the detector.*?<ul>\s*<li>nested two spaces deep.*?<ul>\s*<li>and deeper still", answer, re.S)


def test_dash_and_numbered_lists_nest_by_four_spaces_too(imported):
    anki, _ = imported
    answer = anki.note("Data augmentation")["Answer"]
    assert re.search(r"<li>geometric\s*<ul>\s*<li>flips and crops</li>", answer)
    assert re.search(r"<li>photometric\s*<ol>\s*<li>colour jitter</li>", answer)


def test_code_is_highlighted_even_inside_a_list(imported):
    anki, _ = imported
    answer = anki.note("NMS (non-maximum suppression)")["Answer"]
    assert '<li>keep the best' in answer and '<pre class="highlight"><code class="language-python">' in answer
    assert '<span class="k">while</span>' in answer and '<span class="c1"># greedy</span>' in answer
    plain = anki.note("K-means code")["Answer"]
    assert "<pre><code>plain fence without a language" in plain


def test_tables_emphasis_and_literal_characters(imported):
    anki, _ = imported
    answer = anki.note("Precision vs. Recall?")["Answer"]
    assert "<th>metric</th>" in answer and r"<td>\(\frac{TP}{TP + FP}\)</td>" in answer
    assert "<strong>Bold</strong> and <em>italic</em> and a price of $5 and 5 _ 5 _ 3 voxels." in answer


def test_blockquote_with_a_numbered_list(imported):
    anki, _ = imported
    answer = anki.note("Adam")["Answer"]
    assert re.search(r"<blockquote>\s*<p>Note: bias correction</p>\s*<ol>\s*<li>divide \\\(m_t\\\)", answer)


def test_local_code_links_become_readable_text(imported):
    anki, _ = imported
    answer = anki.note("K-means code")["Answer"]
    assert "<a " not in answer
    assert 'kmeans</span> <span class="file-path">(./kmeans/kmeans.py)</span> for the loop' in answer


def test_raw_html_is_kept(imported):
    anki, _ = imported
    answer = anki.note("Footnoted claim")["Answer"]
    assert '<sup class="footnote-ref"><a href="http://example.org/refs">[6]</a></sup>' in answer
    assert "<math><msup><mi>x</mi><mn>2</mn></msup></math>" in answer
    figures = anki.note("Figures")["Answer"]
    assert '<figure style="width:60%"><img src="https://example.org/fig.png" alt=""><figcaption></figcaption></figure>' in figures


def test_markdown_inside_a_figure_is_rendered(imported):
    anki, _ = imported
    figures = anki.note("Figures")["Answer"]
    assert re.search(r'<figure>\s*<img src="[0-9a-f]{20}\.png" alt="local figure">\s*</figure>', figures)


def test_linked_remote_image_keeps_link_and_url_when_offline(imported):
    anki, _ = imported
    answer = anki.note("Remote figure")["Answer"]
    assert '<a href="https://example.org/page"><img src="https://example.org/diagram.png" alt="diagram"></a>' in answer
    assert '<img src="https://example.org/chart.png" alt="chart" title="A chart">' in answer


def test_images_are_packed_flat_and_present_in_the_collection(imported):
    anki, _ = imported
    answer = anki.note("Huber")["Answer"]
    name = re.search(r'<img src="([^"]+)" alt="huber">', answer).group(1)
    assert "/" not in name and name in anki.media_files()
    assert anki.note("Missing picture")["Answer"] == '<p><span class="missing-image">[gone]</span></p>'


def test_card_shows_question_then_answer(imported):
    anki, _ = imported
    question, answer = anki.card_html("Focal loss")
    assert '<div class="question">Focal loss</div>' in question
    assert answer.index('<div class="question">Focal loss</div>') < answer.index('<hr id="answer">') \
        < answer.index(r"\(FL(p_t)")


def test_the_note_type_styles_light_and_night_mode_and_caps_images(imported):
    anki, _ = imported
    css = anki.col.models.by_name("ankibuild note v1")["css"]
    assert ".card.nightMode {" in css and "img { max-width: 100%; height: auto; }" in css
    assert "pre.highlight .k {" in css and ".nightMode pre.highlight .k {" in css
    assert ".nightMode .card" not in css


REVIEWED = """\
# Notes

## Math in a figure
<div>
Area $a^2$ of a square.
</div>

<details><summary>Hint</summary>
Hidden $y$ here.
</details>

## Commented draft
Before.
<!--
## Old card
Old answer.
-->
After.

## 1. Linear regression
Fit a line.

## Shell
Run:

    echo $HOME and $PATH

<pre>
# not a heading, $not math$
</pre>

## Inline fence
```x``` is code, not a fence.

## Next
Still a card.

## Split image tag
<figure>
<img
  src="plot.png" alt="A plot">
<figcaption>The *Huber* loss</figcaption>
</figure>
"""


@pytest.fixture
def reviewed(project, anki):
    project.write("r.md", REVIEWED)
    (project.root / "plot.png").write_bytes(PNG)
    anki.import_deck(project.build("r.md"))
    return anki


def test_math_inside_html_blocks_renders(reviewed):
    answer = reviewed.note("Math in a figure")["Answer"]
    assert r"Area \(a^2\) of a square." in answer and r"Hidden \(y\) here." in answer


def test_a_commented_out_card_is_neither_a_card_nor_text(reviewed):
    assert not reviewed.notes('"Question:Old card"')
    answer = reviewed.note("Commented draft")["Answer"]
    assert "Before." in answer and "After." in answer and "Old" not in answer


def test_a_numbered_heading_stays_text(reviewed):
    assert reviewed.note("1. Linear regression")["Question"] == "1. Linear regression"


def test_indented_code_and_pre_blocks_are_never_math_or_headings(reviewed):
    answer = reviewed.note("Shell")["Answer"]
    assert "<pre><code>echo $HOME and $PATH" in answer and r"\(" not in answer
    assert "# not a heading, $not math$" in answer


def test_a_line_starting_with_an_inline_code_span_is_not_a_fence(reviewed):
    assert "<code>x</code> is code, not a fence." in reviewed.note("Inline fence")["Answer"]
    assert reviewed.note("Next")["Answer"] == "<p>Still a card.</p>"


def test_an_image_tag_split_over_lines_is_packed_and_captions_are_markdown(reviewed):
    answer = reviewed.note("Split image tag")["Answer"]
    assert re.search(r'<img src="[0-9a-f]{20}\.png" alt="A plot">', answer)
    assert "<figcaption>The <em>Huber</em> loss</figcaption>" in answer


def test_tags_come_from_the_visible_heading_text(project, anki):
    project.write("t.md", "## Loss `L_1` and [link](https://x.org) *em* {: #l1 .wide}\nText.\n")
    anki.import_deck(project.build("t.md"))
    note = anki.notes()[0]
    assert note.tags == ["loss_l_1_and_link_em"]
    manifest = (project.root / "dist/notes-0.1.0.manifest.json").read_text()
    assert '"key": "#l1"' in manifest


def test_angle_brackets_that_are_not_html_stay_visible(project, anki):
    project.write("g.md", "## Vector<int> vs `List<T>`\nUse Vector<int> for ints, and Map<K,V> too.\n\n"
                          "<title>Not a title</title> stays.\n")
    anki.import_deck(project.build("g.md"))
    note = anki.notes()[0]
    assert note["Question"] == "Vector&lt;int&gt; vs <code>List&lt;T&gt;</code>"
    assert "<p>Use Vector&lt;int&gt; for ints, and Map&lt;K,V&gt; too.</p>" in note["Answer"]
    assert "&lt;title&gt;Not a title&lt;/title&gt; stays." in note["Answer"]


def test_reference_links_defined_under_another_card_resolve(project, anki):
    project.write("r.md", "## A\nSee [the paper][focal].\n\n## B\nMore.\n\n[focal]: https://example.org/focal \"Focal\"\n")
    anki.import_deck(project.build("r.md"))
    assert '<a href="https://example.org/focal" title="Focal">the paper</a>' in anki.note("A")["Answer"]
    assert anki.note("B")["Answer"] == "<p>More.</p>"


def test_headings_differing_only_in_symbols_get_distinct_tags(project, anki):
    project.write("l.md", "## C\nA language.\n\n## C++\nAnother.\n\n## C#\nAnd another.\n")
    anki.import_deck(project.build("l.md"))
    assert sorted(tag for note in anki.notes() for tag in note.tags) == ["c", "c_plus_plus", "c_sharp"]
