"""The decks this repository ships: they build cleanly under --strict, import into a fresh Anki
collection with every card answered and every image present, and every answer fits a phone."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.notes import NoteFieldsCheckResult

from ankibuild.cli import main
from conftest import Anki

REPO = Path(__file__).resolve().parent.parent
MAX_TEXT, MAX_TEXT_WITH_IMAGE, MAX_CODE_LINES = 600, 300, 12  # a note's answer: one phone screen
MAX_SOLUTION, MAX_TABLE_ROWS = 750, 13  # a worked practice solution may scroll a little below its figure


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):
    """A copy of the repository's project, built once with --strict into a fresh collection."""
    root = tmp_path_factory.mktemp("shipped")
    for name in ("decks.toml", "decks.lock.json"):
        shutil.copy(REPO / name, root / name)
    for name in ("source", "media", "generators"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    previous = Path.cwd()
    try:
        os.chdir(root)
        code = main(["--strict", "--cache-dir", str(root / "cache")])
    finally:
        os.chdir(previous)
    anki = Anki(root / "anki" / "collection.anki2")
    for apkg in sorted((root / "dist").glob("*.apkg")):
        anki.import_deck(apkg)
    yield root, code, anki
    anki.col.close()


def test_the_shipped_decks_build_without_a_single_diagnostic(shipped, capsys):
    root, code, _ = shipped
    assert code == 0
    assert (root / "decks.lock.json").read_bytes() == (REPO / "decks.lock.json").read_bytes(), \
        "decks.lock.json is out of date: run python build.py and commit the lock"


def notes_of(anki: Anki, deck: str):
    return anki.notes(f'"deck:{deck}" -"deck:{deck}::Practice::*"')


def test_both_decks_hold_at_least_320_cards_in_their_styles(shipped):
    _, _, anki = shipped
    flat, nested = notes_of(anki, "Deep Learning Flashcards"), notes_of(anki, "ML Interview Notes")
    assert len(flat) + len(nested) >= 320
    assert len(flat) >= 180 and len(nested) >= 150
    assert all(note["Context"] == "" for note in flat)          # style 1: flat ## cards
    assert sum(bool(note["Context"]) for note in nested) >= 0.8 * len(nested)  # style 2: heading paths


@pytest.mark.parametrize("deck", ["Deep Learning Flashcards", "ML Interview Notes"])
def test_each_deck_uses_the_constructs_real_notes_have(shipped, deck):
    _, _, anki = shipped
    answers = "\n".join(note["Answer"] for note in notes_of(anki, deck))
    for construct in (r"\(", r"\[", '<pre class="highlight">', "<ul>", "<ol>", "<table>", "<blockquote>",
                      "<img ", "<strong>", "<code>"):
        assert construct in answers, f"{deck} has no {construct}"


def test_every_card_has_an_answer_and_every_image_is_in_the_collection(shipped):
    _, _, anki = shipped
    media = anki.media_files()
    images = 0
    for note in anki.notes():
        assert visible_text(note["Answer"]) or re.search("<img|<pre", note["Answer"]), note["Question"]
        for name in re.findall(r'<img[^>]* src="([^"]+)"', note["Question"] + note["Answer"]):
            assert name in media, f"{note['Question']}: image {name} missing"
            images += 1
    assert len({p for p in (REPO / "media").glob("*.png")}) >= 26
    assert images >= 26


def test_every_answer_fits_a_phone_screen(shipped):
    _, _, anki = shipped
    too_long = []
    for note in anki.notes("-tag:practice::*"):
        answer = note["Answer"]
        limit = MAX_TEXT_WITH_IMAGE if "<img" in answer else MAX_TEXT
        text = len(visible_text(answer))
        blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", answer, re.DOTALL)
        code = sum(len(block.strip("\n").split("\n")) for block in blocks)
        if text > limit or code > MAX_CODE_LINES:
            too_long.append(f"{note['Question'][:60]}: {text} characters (limit {limit}), {code} code lines")
    assert not too_long, "\n".join(too_long)


def visible_text(answer: str) -> str:
    """What the student reads, code blocks aside: tags removed, formulas as their LaTeX source."""
    without_code = re.sub(r"<pre[^>]*>.*?</pre>", "", answer, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_code))).strip()


def test_every_worked_solution_is_short_enough_to_read_on_a_phone(shipped):
    _, _, anki = shipped
    problems = anki.notes("tag:practice::*")
    assert len(problems) >= 200
    too_long = []
    for note in problems:
        rows = max([table.count("<tr>") for table in re.findall(r"<table>.*?</table>", note["Answer"], re.DOTALL)],
                   default=0)
        if len(visible_text(note["Answer"])) > MAX_SOLUTION or rows > MAX_TABLE_ROWS:
            too_long.append(f"{note['Source']}: {len(visible_text(note['Answer']))} characters, {rows} table rows")
    assert not too_long, "\n".join(too_long)


# --- Every formula typesets in MathJax 3 as Anki configures it --------------------------------------

MATHJAX = REPO / "tests" / "mathjax"  # package.json, package-lock.json and check.js
MATHJAX_FIELDS = ("Context", "Question", "Answer", "Extra", "Source")  # every field the card template shows
MATHJAX_START = re.compile(r"\\\(|\\\[")  # Anki's delimiters; processEscapes and processEnvironments off
MATHJAX_END = {r"\(": (r"\)", False), r"\[": (r"\]", True)}
MATHJAX_SKIPPED = re.compile(r"<(script|noscript|style|textarea|pre|code)\b[^>]*>.*?</\1\s*>",
                             re.DOTALL | re.IGNORECASE)  # MathJax's skipHtmlTags, with their contents
MATHJAX_INCLUDED = re.compile(r"<!--.*?-->|<(br|wbr)\b[^>]*>", re.DOTALL | re.IGNORECASE)  # includeHtmlTags
# The node_modules built from package-lock.json, kept out of the repository and reused across runs
# (computed at import, before any test points XDG_CACHE_HOME or HOME at a temporary folder).
MATHJAX_LOCK = hashlib.sha256((MATHJAX / "package-lock.json").read_bytes()).hexdigest()[:16]
MATHJAX_CACHE = Path.home() / ".cache" / "ankibuild-tests" / f"mathjax-{MATHJAX_LOCK}"


def formulas_in(field: str) -> Iterator[tuple[str, bool, bool]]:
    """The formulas MathJax finds in a field's HTML, as (LaTeX, display, closed): like MathJax's
    HTMLDomStrings, text is cut at every element but <br>/<wbr>/comments and skipped elements are not
    read; like its FindTeX, the closing delimiter is the first one outside braces. An opening delimiter
    never closed comes with the rest of its text and closed=False: MathJax would leave it as text."""
    text = MATHJAX_INCLUDED.sub(lambda m: "\n" if m.group(1) and m.group(1).lower() == "br" else "",
                                MATHJAX_SKIPPED.sub("<>", field))
    for piece in re.split(r"<[^>]*>", text):
        piece = html.unescape(piece)
        position = 0
        while start := MATHJAX_START.search(piece, position):
            close, display = MATHJAX_END[start.group()]
            pattern = re.compile(re.escape(close) + r"|\\(?:[a-zA-Z]|.)|[{}]", re.DOTALL)
            braces, found = 0, None
            for end in pattern.finditer(piece, start.end()):
                if end.group() == close and braces == 0:
                    found = end
                    break
                braces += end.group() == "{"
                braces -= end.group() == "}" and braces > 0
            if found is None:
                yield piece[start.end():], display, False
                position = start.end()
            else:
                yield piece[start.end():found.start()], display, True
                position = found.end()


def mathjax_errors(formulas: list[dict]) -> list[dict]:
    """The formulas among `formulas` ({"tex", "display", "where"}) that MathJax fails to typeset,
    each with its "error": one Node process for all of them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "the MathJax check needs Node.js and npm on the PATH (node >= 18)"
    if not (MATHJAX_CACHE / "node_modules" / "mathjax-full" / "package.json").is_file():
        MATHJAX_CACHE.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=MATHJAX_CACHE.name + ".", dir=MATHJAX_CACHE.parent))
        try:
            for name in ("package.json", "package-lock.json"):
                shutil.copy(MATHJAX / name, staging / name)
            result = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=staging,
                                    capture_output=True, text=True, timeout=300, check=False)
            assert result.returncode == 0, f"npm ci in {staging} failed:\n{result.stdout}{result.stderr}"
            try:
                staging.rename(MATHJAX_CACHE)  # atomic: a concurrent run sees nothing or everything
            except OSError:
                if not MATHJAX_CACHE.is_dir():
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    result = subprocess.run([node, str(MATHJAX / "check.js")], input=json.dumps(formulas), capture_output=True,
                            env={**os.environ, "NODE_PATH": str(MATHJAX_CACHE / "node_modules")},
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, f"tests/mathjax/check.js failed:\n{result.stderr}"
    return json.loads(result.stdout)


def test_the_mathjax_check_reports_what_mathjax_cannot_typeset():
    good = [r"\frac{a}{b}", r"\sum_{i=1}^n x_i^2 \le \|x\|_2", r"\ce{H2O}", r"\mathbb{R}^{n}",
            r"\begin{aligned} a &= b \\ c &\coloneqq d \end{aligned}", r"\text{if } x < 0", r"\boxed{\cancel{x}}",
            r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}"]
    bad = {r"\frac{a}": "Missing argument for \\frac", r"\notamacro x": "Undefined control sequence \\notamacro",
           r"\begin{pmatrix} 1 \end{bmatrix}": "ended with \\end{bmatrix}", r"\left( x": "missing \\right",
           r"x^{2": "missing close brace", r"\qty{x}": "Undefined control sequence \\qty",  # physics is not loaded
           r"a & b": "Misplaced &"}
    formulas = [{"tex": tex, "display": i % 2 == 0, "where": f"case {i}"} for i, tex in enumerate([*good, *bad])]
    errors = {error["tex"]: error["error"] for error in mathjax_errors(formulas)}
    assert set(errors) == set(bad), errors
    for tex, message in bad.items():
        assert message in errors[tex], (tex, errors[tex])


def test_the_formula_finder_reads_fields_as_mathjax_does():
    field = (r"<p>\(a &lt; b\) and <code>\(not math\)</code></p><pre><code>\[nor this\]</code></pre>"
             r"<p>\[\text{\)} + \{x\}\]</p><p>\(x<br>y\)</p><p>\(open</p><p>x\)</p>")
    assert list(formulas_in(field)) == [("a < b", False, True), (r"\text{\)} + \{x\}", True, True),
                                        ("x\ny", False, True), ("open", False, False)]


def test_every_formula_in_the_shipped_decks_typesets_in_mathjax(shipped):
    _, code, anki = shipped
    assert code == 0, "the shipped decks did not build: see the build's diagnostics"
    formulas, unclosed = [], []
    for note in anki.notes():
        question = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", note["Question"]))).strip()
        where = f"{note['Source']}: {question[:70]}"  # "source/x.md:12: What is..." or "generators/x.py · seed..."
        for name in MATHJAX_FIELDS:
            for tex, display, closed in formulas_in(note[name]):
                formula = {"tex": tex, "display": display, "where": f"{where} [{name}]"}
                if closed:
                    formulas.append(formula)
                else:
                    unclosed.append({**formula, "error": "never closed: MathJax leaves it on the card as text"})
    assert len(formulas) >= 500, f"only {len(formulas)} formulas found: is the finder still reading the fields?"
    failures = unclosed + mathjax_errors(formulas)
    assert not failures, f"{len(failures)} of {len(formulas) + len(unclosed)} formulas fail in MathJax:\n" + "\n".join(
        "- {where}: {open}{tex}{close}\n    MathJax: {error}".format(
            **f, open="\\[" if f["display"] else "\\(", close="\\]" if f["display"] else "\\)")
        for f in failures)


def test_no_note_fails_ankis_duplicate_check(shipped):
    """Anki flags a note whose note type and first field (the question) equal another note's, in any
    deck: every note, written in source/ or a practice problem, is checked against every note of both decks."""
    _, _, anki = shipped
    flagged = [f"{note['Source']}: {note['Question'][:80]}" for note in anki.notes()
               if note.fields_check() == NoteFieldsCheckResult.DUPLICATE]
    assert not flagged, "Anki reports these notes as duplicates of another:\n" + "\n".join(flagged)
