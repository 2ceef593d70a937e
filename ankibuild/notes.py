"""Render: cards and problems → notes (Anki fields as HTML, tags, diagnostics, media), each a pure
function of its input; what a card renders to comes from the whole-note cache when it was rendered
before with the same text, place, renderer and media."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from .cache import NoteCache
from .collect import Card
from .diagnostics import Diagnostic, Reporter, display_path
from .media import Lookup, MediaStore, Where
from .notetype import NOTE_TYPE
from .progress import Progress
from .stamp import STAMP_FIELD, stamp_text

TAG = re.compile(r"<[^>]+>")
NOT_IN_TAG = re.compile(r"[^\w-]+")  # what an Anki tag level cannot hold, and `::`

if TYPE_CHECKING:
    from .fetch import RemoteCache
    from .drawing import DrawFailure
    from .generate import Made


@dataclass(frozen=True, slots=True)  # slots: a build of 50,000 cards holds 50,000 of these
class RenderedNote:
    """A card compiled to Anki fields, before it has an identity, with what rendering it found."""

    key: str
    heading: tuple[str, ...]  # the heading path (a problem's: Practice › family title › number)
    file: str  # the source file relative to the project root: stable wherever the build runs from
    source: str  # where it comes from, for the manifest: `file:line`, or the generator, seed and number
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    body_hash: str
    diagnostics: tuple[Diagnostic, ...] = ()
    media: tuple[tuple[str, Path], ...] = ()  # (packed name, file) of every image it shows
    text: str = ""  # the answer as written, for the manifest's text diffs (empty for a problem)
    # what the note shows, except the source line: a card that only moved down the file is not
    # re-sent to the collection (its Source line updates with its next real edit)
    fields_hash: str = field(init=False, default="")

    def __post_init__(self) -> None:
        shown = [value for name, value in zip(NOTE_TYPE.fields, self.fields) if name != "Source"]
        object.__setattr__(self, "fields_hash", digest("\x1f".join([*shown, self.file]) + "\x1e" + " ".join(self.tags)))


@dataclass(frozen=True, slots=True)
class Rendered:
    """What rendering some Markdown produced: HTML pieces, diagnostics, and the media lookups."""

    html: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    lookups: tuple[Lookup, ...]
    media: tuple[tuple[str, Path], ...]


@dataclass
class Renderer:
    """Renders through the cache: a whole build's shared services (media roots, downloads, hashes)."""

    cache: NoteCache
    roots: tuple[Path, ...]
    media_dir: Path | None
    remote: RemoteCache | None
    progress: bool = False
    lookups: list[Lookup] = field(default_factory=list)  # every image lookup of the build, for its record
    known: Mapping[str, Rendered] = field(default_factory=dict)  # renders whose images are known unchanged (serve)
    seen: dict[str, Rendered] | None = None  # when a dict: every render of this build, by key, for the next's `known`

    @classmethod
    def uncached(cls, root: Path) -> Renderer:
        """A renderer that keeps nothing between builds, with the project at `root`."""
        return cls(NoteCache(None), (root,), None, None)

    def store(self, reporter: Reporter) -> MediaStore:
        return MediaStore(reporter, roots=self.roots, media_dir=self.media_dir, remote=self.remote)

    def render_all(self, jobs: list[tuple[object, Callable[[MediaStore, Reporter], tuple[str, ...]]]],
                   label: str) -> list[Rendered]:
        """Each job (cache key parts, render function) rendered, or replayed from the cache."""
        keys = [self.cache.key(parts) for parts, _ in jobs]
        stored = self.cache.get_many([key for key in keys if key not in self.known])
        results: list[Rendered] = []
        missing = sum(1 for key in keys if key not in stored and key not in self.known)
        with Progress(label, missing, self.progress) as bar:
            for key, (_, render) in zip(keys, jobs):
                rendered = self.known.get(key) or (self._replay(stored[key]) if key in stored else None)
                if rendered is None:
                    rendered = self._render(render)
                    self.cache.put(key, _entry(rendered))
                    bar.advance()
                else:
                    self.cache.use(key)
                if self.seen is not None:
                    self.seen[key] = rendered
                results.append(rendered)
                self.lookups.extend(rendered.lookups)
        return results

    def _render(self, render: Callable[[MediaStore, Reporter], tuple[str, ...]]) -> Rendered:
        reporter = Reporter()
        media = self.store(reporter)
        pieces = render(media, reporter)
        return Rendered(pieces, tuple(reporter.items), tuple(media.lookups), tuple(media.files.items()))

    def _replay(self, entry: dict) -> Rendered | None:
        """The cached result, if its media lookups still give the same answers."""
        lookups = [Lookup(*item) for item in entry["lookups"]]
        media = self.store(Reporter())
        if not media.replays(lookups):
            return None
        return Rendered(tuple(entry["html"]), tuple(Diagnostic(*item) for item in entry["diagnostics"]),
                        tuple(lookups), tuple(media.files.items()))


def _entry(rendered: Rendered) -> dict:
    return {"html": list(rendered.html),
            "diagnostics": [[d.path, d.line, d.severity, d.message] for d in rendered.diagnostics],
            "lookups": [[item.display, item.file, item.line, item.src, item.key, item.name]
                        for item in rendered.lookups]}


def render_cards(cards: list[Card], tags: tuple[str, ...], renderer: Renderer) -> list[RenderedNote]:
    """The notes of a deck's cards, in order."""
    jobs = [(_card_parts(card), _card_renderer(card)) for card in cards]
    return [_card_note(card, tags, rendered) for card, rendered in zip(cards, renderer.render_all(jobs, "rendering"))]


def _card_parts(card: Card) -> list:
    """Everything a card's HTML and diagnostics depend on, besides the renderer and the media."""
    source = card.source
    return ["card", card.display, str(card.path), source.heading_path, source.heading_lines, source.body,
            source.body_line, card.references]


def _card_renderer(card: Card) -> Callable[[MediaStore, Reporter], tuple[str, ...]]:
    def render(media: MediaStore, reporter: Reporter) -> tuple[str, ...]:
        from .render import CardSource, render_inline, render_markdown

        source = CardSource(card.display, card.path, media, reporter, card.references)
        headings = [render_inline(title, line, source)
                    for title, line in zip(card.source.heading_path, card.source.heading_lines)]
        return (*headings, render_markdown(card.source.body, card.source.body_line, source))
    return render


def _card_note(card: Card, tags: tuple[str, ...], rendered: Rendered) -> RenderedNote:
    *headings, answer = rendered.html
    origin = f"{card.file}:{card.source.line}"
    values = {"Question": headings[-1], "Answer": answer, "Context": " › ".join(headings[:-1]), "Source": origin}
    all_tags = tuple(sorted({*tags, "::".join(_tag(heading) for heading in headings)}))
    text = card.source.body.strip()
    return RenderedNote(card.key, card.source.heading_path, card.file, origin, card.deck, _fields(values, all_tags),
                        all_tags, digest(text), rendered.diagnostics, rendered.media, text)


def _fields(values: dict[str, str], tags: tuple[str, ...]) -> tuple[str, ...]:
    """The note type's fields in order, with the merge base stamped into its reserved field."""
    filled = {name: values.get(name, "") for name in NOTE_TYPE.fields}
    filled[STAMP_FIELD] = stamp_text(filled, tags)
    return tuple(filled.values())


def _tag(heading: str) -> str:
    """One level of a hierarchical tag, from the heading's visible text (its HTML without tags):
    Anki tags cannot hold spaces, and `::` separates levels."""
    visible = html.unescape(TAG.sub("", heading)).replace("+", " plus ").replace("#", " sharp ")
    return NOT_IN_TAG.sub("_", visible.lower()).strip("_") or "_"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def render_problems(spec_name: str, tags: tuple[str, ...], problems: list[Made], drawn: dict[str, object],
                    renderer: Renderer, cwd: Path, root: Path) -> list[RenderedNote]:
    """Problems with their figures (by drawing key) → notes, each in the subdeck
    `Deck::Practice::Title`, keyed by (generator, number) so that a problem keeps its GUID whatever
    its content. A figure that failed to draw is one diagnostic per fault, on each problem it spoils."""
    failures: dict[DrawFailure, list[Made]] = {}
    files: dict[Path, tuple[str, str]] = {}
    for item in problems:
        if item.path not in files:
            files[item.path] = (display_path(item.path, cwd), display_path(item.path, root))
    jobs = []
    for item in problems:
        shown = {}
        for figure in item.figures:
            outcome = drawn.get(figure.key)
            if isinstance(outcome, Path):
                shown[figure.slot] = (str(outcome), figure.alt)
            elif outcome is not None:
                failures.setdefault(outcome, []).append(item)
        label = f"{files[item.path][0]} (generator '{item.family}' problem {item.index + 1} (seed {item.seed}))"
        parts = ["problem", label, str(item.path), item.question, item.solution, shown]
        jobs.append((parts, _problem_renderer(item, label, shown)))
    faults: dict[int, tuple[Diagnostic, ...]] = {}  # a problem's figure faults, by its index in `problems`
    for failure, items in failures.items():
        numbers = sorted({item.index + 1 for item in items})
        more = f" (and {len(numbers) - 1} more)" if len(numbers) > 1 else ""
        fault = Diagnostic(failure.path, failure.line, "error", f"generator '{items[0].family}' problem {numbers[0]}"
                                                                f"{more} (seed {items[0].seed}): drawing a figure "
                                                                f"{failure.message}")
        for item in items:
            faults[id(item)] = (*faults.get(id(item), ()), fault)
    return [_problem_note(spec_name, tags, item, files[item.path][1], rendered, faults.get(id(item), ()))
            for item, rendered in zip(problems, renderer.render_all(jobs, "rendering problems"))]


def _problem_renderer(item: Made, label: str,
                      shown: dict[str, tuple[str, str]]) -> Callable[[MediaStore, Reporter], tuple[str, ...]]:
    def render(media: MediaStore, reporter: Reporter) -> tuple[str, ...]:
        from .render import CardSource, render_markdown

        source = CardSource(label, item.path, media, reporter)

        def figure_html(name: str) -> str:
            if name not in shown:
                return ""
            path, alt = Path(shown[name][0]), shown[name][1]
            packed = media.add(path, Where(item.family, path, 0), key=path.stem)  # the drawing's key
            return f'<p><img class="figure" src="{packed}" alt="{html.escape(alt)}"></p>' if packed else ""

        question = render_markdown(item.question, 1, source) + figure_html("question")
        return question, render_markdown(item.solution, 1, source) + figure_html("answer")
    return render


def _problem_note(spec_name: str, tags: tuple[str, ...], item: Made, file: str, rendered: Rendered,
                  faults: tuple[Diagnostic, ...]) -> RenderedNote:
    number = item.index + 1
    origin = f"{file} · seed {item.seed} · problem {number}"
    question, answer = rendered.html
    values = {"Question": f'<div class="problem">{question}</div>', "Answer": answer,
              "Context": f"Practice › {html.escape(item.title)}", "Source": origin}
    key = f"practice::{item.family}::{number}"
    all_tags = tuple(sorted({*tags, f"practice::{item.family}"}))
    return RenderedNote(key, ("Practice", item.title, str(number)), file, origin,
                        f"{spec_name}::Practice::{item.title}", _fields(values, all_tags), all_tags, digest(key),
                        rendered.diagnostics + item.diagnostics + faults, rendered.media)
