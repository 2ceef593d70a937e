"""Anki's card templates, filled as Anki fills them, so a preview shows the HTML a reviewer shows.

The subset our note types use, with Anki's rules (rslib/src/template.rs): `{{Field}}` is the field's
HTML; `{{#Field}}…{{/Field}}` is kept when the field is non-empty and `{{^Field}}…{{/Field}}` when
it is empty, where a field holding only whitespace, `<br>` and `<div>` tags counts as empty;
`{{FrontSide}}` on the back is the filled front. Names are trimmed of spaces. Anything else (filters,
cloze) is refused rather than shown wrong. Not done: Anki's notice on a front that shows no field at all
(our note type always shows the Question).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
EMPTY = re.compile(r"(?:\s|</?(?:br|div) ?/?>)*", re.I)


class TemplateError(ValueError):
    """A template this filler does not understand: a filter, an unknown field, unbalanced sections."""


def fill(template: str, fields: Mapping[str, str], front_side: str = "") -> str:
    """The template with its fields and sections filled in (`front_side` is the filled front)."""
    out: list[str] = []
    sections: list[tuple[str, bool]] = []  # open sections: field name, whether the text around them shows
    shown, position = True, 0
    for tag in TAG.finditer(template):
        if shown:
            out.append(template[position:tag.start()])
        position = tag.end()
        text = tag.group(1).strip()
        if text[:1] in ("#", "^"):
            name = text[1:].strip()
            present = not EMPTY.fullmatch(_field(name, fields))
            sections.append((name, shown))
            shown = shown and present == (text[0] == "#")
        elif text[:1] == "/":
            if not sections or sections[-1][0] != text[1:].strip():
                raise TemplateError(f"{{{{{text}}}}} closes no open section in the template")
            shown = sections.pop()[1]
        elif shown:
            out.append(front_side if text == "FrontSide" else _field(text, fields))
    if sections:
        raise TemplateError(f"{{{{#{sections[-1][0]}}}}} is never closed in the template")
    if shown:
        out.append(template[position:])
    return "".join(out)


def _field(name: str, fields: Mapping[str, str]) -> str:
    if name not in fields:
        raise TemplateError(f"{{{{{name}}}}}: the note type has no such field (or it uses a filter, which the "
                            "preview does not support)")
    return fields[name]
