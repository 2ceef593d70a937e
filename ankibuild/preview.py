"""The preview site: every note's cards, front and back, as Anki fills and styles them, on one page.

A pure writer: deck records in, a `Site` (relative path -> bytes, or the file to copy) out. The page
works from `file://` and any static host; `serve` serves the same site and adds live reload. Cards
are the note type's templates filled by `template.fill`, inside an element with Anki's classes
(`card card1`, plus `nightMode night_mode` in night mode), styled by the note type's own CSS, scoped
to that element. Media files sit beside the page under their packed names, as in Anki's media
folder, so the fields' HTML is used byte for byte. MathJax comes from the `django-static-mathjax`
package (MathJax 3.2.2), copied into the site, so formulas typeset with no internet.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .diagnostics import Diagnostic, UsageError
from .notetype import BACK, FRONT, NOTE_TYPE, css
from .package import PackedNote
from .template import fill

Site = dict[str, bytes | Path]  # path inside the site (posix, no leading slash) -> content or file to copy
ASSETS = ("preview.css", "preview.js")
MARKER = ".ankibuild-preview"  # marks a folder `preview --out` wrote, so it never replaces anything else
MATHJAX_FILES = ("tex-chtml-full.js", "output/chtml/fonts/woff-v2/*.woff")  # what Anki's setup loads
ANCHORS = re.compile(r"\.(?:card\d*|nightMode|night_mode)(?![\w-])")


@dataclass(frozen=True)
class PreviewNote:
    """A note as shipped, with what the preview says about it."""

    note: PackedNote
    status: str  # "new", "changed" (both: differs from what the lock records) or "" (as last built)
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class PreviewDeck:
    name: str
    notes: tuple[PreviewNote, ...]
    media: dict[str, Path]  # packed name -> file


@dataclass(frozen=True)
class NoteHtml:
    """One note's element on the page; `digest` changes with anything it shows."""

    id: str
    digest: str
    html: str


@dataclass(frozen=True)
class Page:
    """index.html in the pieces live reload swaps one by one: the sidebar, what heads the notes (their
    count, the diagnostics that belong to no card), and each note."""

    title: str
    side: str
    head: str
    notes: tuple[NoteHtml, ...]
    live: bool

    def html(self) -> str:
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{self.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="_preview/preview.css">
<style id="card-css">
{scope_css(css())}</style>
<script defer src="_preview/preview.js"></script>
<script defer src="_mathjax/tex-chtml-full.js"></script>
</head>
<body class="pv"{' data-live="1"' if self.live else ""}>
{self.side}
<main class="pv-main">
{self.head}
{"".join(note.html for note in self.notes)}</main>
</body>
</html>
"""


def site_files(decks: list[PreviewDeck], page: Page) -> Site:
    """The whole site: index.html (`page`), its scripts and styles, MathJax, and every deck's media."""
    site: Site = {MARKER: b""}
    for deck in decks:
        site.update(deck.media)
    site.update({f"_mathjax/{name}": path for name, path in mathjax_files().items()})
    assets = resources.files("ankibuild") / "preview_assets"
    site.update({f"_preview/{name}": (assets / name).read_bytes() for name in ASSETS})
    site["index.html"] = page.html().encode()
    return site


def page(decks: list[PreviewDeck], notices: list[str], live: bool,
         note_html: Callable[[PreviewNote], NoteHtml] | None = None) -> Page:
    """The page of the decks. `notices` (diagnostics that belong to no card) head it; `live` makes it
    follow `serve`; `note_html` makes each note's element (`serve` passes one that remembers)."""
    notes = [note for deck in decks for note in deck.notes]
    tags = Counter(tag for note in notes for tag in _tag_paths(note.note.tags)
                   if tag != "practice" and not tag.startswith("practice::"))  # practice families have their own filter
    families = Counter(_family(note.note) for note in notes if _family(note.note))
    changed = sum(1 for note in notes if note.status)
    flagged = sum(1 for note in notes if note.diagnostics)
    options = "".join(f'<option value="{html.escape(tag)}">{html.escape(tag)} ({count})</option>'
                      for tag, count in sorted(tags.items()))
    family_options = "".join(f'<option value="{html.escape(name)}">{html.escape(title)} ({families[(name, title)]})'
                             "</option>" for name, title in sorted(families))
    problems = "".join(f'<li><code class="pv-where">{html.escape(notice)}</code></li>' for notice in notices)
    side = f"""<aside class="pv-side">
<div class="pv-switches">
<label><input type="checkbox" id="pv-night"> Night</label>
<label><input type="checkbox" id="pv-phone" checked> Phone width</label>
</div>
<input type="search" id="pv-search" placeholder="Search notes" autocomplete="off">
<div class="pv-filters">
<label><input type="checkbox" id="pv-changed"> Changed since last build ({changed})</label>
<label><input type="checkbox" id="pv-flagged"> Has a diagnostic (<span id="pv-flagged-count">{flagged}</span>)</label>
<label>Tag <select id="pv-tag"><option value="">any</option>{options}</select></label>
<label>Practice <select id="pv-family"><option value="">any</option>{family_options}</select></label>
</div>
<nav class="pv-decks">{_deck_tree(Counter(note.note.deck for note in notes))}</nav>
</aside>"""
    head = f'<p class="pv-status" id="pv-status">{len(notes)} notes</p>\n' + (
        f'<ul class="pv-problems">{problems}</ul>' if problems else "")
    return Page(html.escape(", ".join(deck.name for deck in decks)), side, head,
                tuple(map(note_html or note_element, notes)), live)


def card_faces(note: PackedNote) -> tuple[str, str]:
    """The front and back HTML Anki renders for the note's card (no CSS; Anki adds that)."""
    fields = dict(zip(NOTE_TYPE.fields, note.fields))
    front = fill(FRONT, fields)
    return front, fill(BACK, fields, front_side=front)


def note_element(item: PreviewNote) -> NoteHtml:
    """The note's element: a header (deck, source, new/changed, its diagnostics), then its card's faces."""
    note = item.note
    front, back = card_faces(note)
    family = _family(note)
    text = " ".join([html.unescape(re.sub(r"<[^>]*>", " ", " ".join(note.fields))), note.deck, *note.tags])
    data = {"deck": note.deck, "tags": " ".join(note.tags), "family": family[0] if family else "",
            "status": item.status, "flagged": "1" if item.diagnostics else "",
            "text": " ".join(text.lower().split())}
    attributes = "".join(f' data-{name}="{html.escape(value)}"' for name, value in data.items() if value)
    badge = f' <span class="pv-badge pv-{item.status}">{item.status}</span>' if item.status else ""
    diagnostics = "".join(f'<li class="pv-{d.severity}"><code class="pv-where">{html.escape(str(d))}</code></li>'
                          for d in item.diagnostics)
    body = f"""<header class="pv-head"><span class="pv-deck">{html.escape(note.deck)}</span> · <span class="pv-source">\
{html.escape(note.source)}</span>{badge}</header>
{f'<ul class="pv-diagnostics">{diagnostics}</ul>' if diagnostics else ""}<div class="pv-faces">
<div class="pv-face"><div class="pv-label">Front</div><div class="pv-screen"><div class="card card1">{front}</div></div></div>
<div class="pv-face"><div class="pv-label">Back</div><div class="pv-screen"><div class="card card1">{back}</div></div></div>
</div>
"""
    digest = hashlib.sha256((attributes + body).encode()).hexdigest()[:16]  # live reload keeps unchanged notes
    element = f'note-{note.guid}'
    return NoteHtml(element, digest,
                    f'<article class="pv-note" id="{html.escape(element)}" data-hash="{digest}"{attributes}>\n{body}</article>\n')


def _family(note: PackedNote) -> tuple[str, str] | None:
    """A practice note's generator and subdeck title: from its tag `practice::<generator>`."""
    names = [tag.removeprefix("practice::") for tag in note.tags if tag.startswith("practice::")]
    return (names[0], note.deck.rsplit("::", 1)[-1]) if names else None


def _tag_paths(tags: tuple[str, ...]) -> set[str]:
    """Each tag and its parents (`a::b::c` gives `a`, `a::b`, `a::b::c`): choosing `a` shows all of them, as in Anki."""
    return {"::".join(parts[:i]) for parts in (tag.split("::") for tag in tags) for i in range(1, len(parts) + 1)}


def _deck_tree(counts: Counter[str]) -> str:
    """Nested lists of decks and subdecks, each with its number of notes, subdecks included."""
    totals = Counter({name: sum(n for deck, n in counts.items() if deck == name or deck.startswith(name + "::"))
                      for deck in counts for name in ("::".join(deck.split("::")[:i])
                                                      for i in range(1, deck.count("::") + 2))})

    def level(prefix: str) -> str:
        depth = prefix.count("::") + 1 if prefix else 0
        names = sorted(name for name in totals if name.count("::") == depth
                       and (not prefix or name.startswith(prefix + "::")))
        items = "".join(f'<li><a href="#" data-deck="{html.escape(name)}"><span>{html.escape(name.rsplit("::", 1)[-1])}'
                        f'</span> <span class="pv-count">{totals[name]}</span></a>{level(name)}</li>' for name in names)
        return f"<ul>{items}</ul>" if items else ""

    return level("")


def scope_css(text: str) -> str:
    """The note type's CSS confined to card elements. In Anki the card is the whole page; here it is
    one element among many, so a rule like `img { … }` must not style the page around the cards.
    Selectors already anchored on the card element (`.card`, `.cardN`, `.nightMode`, which Anki puts
    on the card's own element) stay as they are; the others get `:where(.card) `, which adds no
    specificity, so the rules still override each other exactly as they do in Anki."""
    out, position = [], 0
    for match in re.finditer(r"([^{}]*)\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", re.sub(r"/\*.*?\*/", "", text, flags=re.S)):
        prelude, body = match.group(1).strip(), match.group(2)
        if prelude.startswith("@media") or prelude.startswith("@supports"):
            out.append(f"{prelude} {{\n{scope_css(body)}}}\n")
        elif prelude.startswith("@"):
            out.append(match.group(0).strip() + "\n")
        else:
            selectors = ", ".join(s if ANCHORS.match(s) else f":where(.card) {s}"
                                  for s in (part.strip() for part in prelude.split(",")))
            out.append(f"{selectors} {{{body}}}\n")
        position = match.end()
    return "".join(out)


@functools.cache  # installed files: the same all along a `serve`
def mathjax_files() -> dict[str, Path]:
    """MathJax's files that the page loads, by their path under MathJax's es5 folder."""
    try:
        root = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    except ModuleNotFoundError:
        root = None
    files = {path.relative_to(root).as_posix(): path
             for pattern in MATHJAX_FILES for path in sorted(root.glob(pattern))} if root else {}
    if MATHJAX_FILES[0] not in files:
        raise UsageError("error: MathJax is not installed: pip install django-static-mathjax==3.2.2.1 "
                         "(it comes with ankibuild: pip install -e .)")
    return files


def write_site(site: Site, out: Path) -> None:
    """Write the site into `out`, replacing a preview written there before (stale media go too).
    A folder that holds anything else is never touched."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UsageError(f"{out}: error: not a preview folder (it holds other files); choose a new or empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, content in site.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
        old = out.with_name(f".{out.name}.old")
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

