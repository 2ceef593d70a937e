"""The preview fills card templates exactly as Anki does: checked against the real Anki backend."""

from __future__ import annotations

import pytest

from ankibuild.template import TemplateError, fill

FRONT = "{{#A}}[{{A}}]{{/A}}{{^B}}no B{{/B}}{{ #C }}<{{ C }}>{{#A}}and A{{/A}}{{/C}}|{{^A}}{{#B}}B only{{/B}}{{/A}}"
BACK = "{{FrontSide}}\n<hr id=answer>\n{{B}}{{#B}} (B){{/B}}"
NOTES = [
    {"A": "x", "B": "y", "C": "z"},
    {"A": "", "B": "y", "C": "z"},
    {"A": "x", "B": "<br>", "C": " <div></div> "},  # Anki counts whitespace, <br> and <div> as empty
    {"A": "<br/>", "B": "\u200b", "C": "<b></b>"},  # ...and a zero-width space; but not an empty <b>
    {"A": "\\(a^2\\)", "B": "<img src=\"f.png\">", "C": "{{A}}"},  # field text is never read as a template
]


@pytest.fixture
def anki_cards(anki):
    """A note type with these templates in the real Anki backend, and a function rendering a note."""
    models = anki.col.models
    model = models.new("sections")
    for name in "ABC":
        models.add_field(model, models.new_field(name))
    template = models.new_template("Card 1")
    template["qfmt"], template["afmt"] = FRONT, BACK
    models.add_template(model, template)
    models.add(model)

    def render(fields: dict[str, str]) -> tuple[str, str]:
        note = anki.col.new_note(models.by_name("sections"))
        for name, value in fields.items():
            note[name] = value
        anki.col.add_note(note, anki.col.decks.id("Default"))
        output = note.cards()[0].render_output()
        return output.question_text, output.answer_text

    return render


@pytest.mark.parametrize("fields", NOTES)
def test_front_and_back_are_filled_as_anki_fills_them(anki_cards, fields):
    front = fill(FRONT, fields)
    assert (front, fill(BACK, fields, front_side=front)) == anki_cards(fields)


@pytest.mark.parametrize("template", ["{{#A}}open", "{{/A}}", "{{#A}}{{/B}}", "{{Missing}}", "{{text:A}}"])
def test_a_template_the_preview_cannot_fill_is_refused_with_its_tag(template):
    with pytest.raises(TemplateError, match=r"\{\{"):
        fill(template, {"A": "x", "B": "y"})
