"""Keep the raw HTML users write (figures, footnote marks, MathML) while removing anything that runs.

Anki renders fields as HTML inside a web view on every platform, so a `<script>`, an `onerror=`
or a `javascript:` link in a note would run on the user's phone. nh3 (a binding to the Rust
sanitizer ammonia) parses the HTML like a browser and keeps only what is listed here.
"""

from __future__ import annotations

import re

import nh3

MATHML_TAGS = {
    "math", "semantics", "annotation", "annotation-xml", "mrow", "mi", "mo", "mn", "ms", "mtext",
    "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "munder", "mover", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror", "mfenced",
}
TAGS = nh3.ALLOWED_TAGS | MATHML_TAGS
MATHML_ATTRIBUTES = {"display", "mathvariant", "encoding", "xmlns", "stretchy", "fence", "separator",
                     "lspace", "rspace", "accent", "accentunder", "columnalign", "notation", "linethickness"}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "style", "title", "lang", "dir"},
    "a": {"href", "hreflang", "name"},
    "img": {"src", "alt", "width", "height", "title", "align"},
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}
STYLE_PROPERTIES = {
    "width", "max-width", "min-width", "height", "max-height", "text-align", "vertical-align",
    "margin", "margin-left", "margin-right", "margin-top", "margin-bottom", "padding", "float",
    "display", "color", "background", "background-color", "font-size", "font-weight", "font-style",
    "font-family", "border", "border-radius", "text-decoration", "white-space", "line-height",
}
# A style value is words, numbers with units, colours, quoted font names, and a few pure functions:
# no url(), no expression(), no escapes, nothing that loads or runs anything.
STYLE_VALUE = re.compile(r"""^(?:[-\w\s.,%#!/'"]|(?:rgba?|hsla?|calc)\([-\w\s.,%/*+]*\))*$""", re.ASCII)
URL_SCHEMES = {"http", "https", "mailto"}  # what a card's links and images may point to
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template"}
UNSAFE = re.compile(r"<\s*(" + "|".join(sorted(REMOVED_WITH_CONTENT)) + r")\b|\son\w+\s*=|javascript:", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def unsafe_html(fragment: str) -> str | None:
    """What the sanitizer will remove from this raw HTML, to tell the user; None when nothing."""
    match = UNSAFE.search(fragment)
    return match.group(0).strip() if match else None


def removed_style(fragment: str) -> str | None:
    """The first style declaration of this raw HTML that the sanitizer will drop; None when none."""
    for style in STYLE_ATTRIBUTE.finditer(fragment):
        value = next(group for group in style.groups() if group is not None)
        removed = [declaration.strip() for declaration in value.split(";") if declaration.strip()
                   and declaration.strip() not in _safe_declarations(value)]
        if removed:
            return removed[0]
    return None


def safe_style(value: str) -> str:
    """The declarations of a style attribute that only lay out and colour: listed properties with
    plain values."""
    return "; ".join(_safe_declarations(value))


def _safe_declarations(value: str) -> list[str]:
    kept = []
    for declaration in value.split(";"):
        name, colon, property_value = declaration.partition(":")
        if (colon and name.strip().lower() in STYLE_PROPERTIES and property_value.strip()
                and STYLE_VALUE.match(property_value)):
            kept.append(declaration.strip())
    return kept


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return safe_style(value) or None
    return value


SETTINGS = dict(tags=TAGS, clean_content_tags=REMOVED_WITH_CONTENT, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                filter_style_properties=STYLE_PROPERTIES, link_rel=None)
# Built once (nh3.clean() builds a sanitizer on every call). The style filter is a Python call per
# attribute, so HTML without a style attribute goes through the sanitizer that has none.
STYLED, PLAIN = nh3.Cleaner(**SETTINGS, attribute_filter=_attribute_filter), nh3.Cleaner(**SETTINGS)


def sanitize(html: str) -> str:
    return (STYLED if "style" in html.lower() else PLAIN).clean(html)
