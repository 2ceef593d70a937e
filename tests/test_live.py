"""`serve` rebuilds from what it kept in memory: after each of a user's edits, the page it serves is the
page a fresh `serve` shows, byte for byte, however the edit reached it (a card, an image, a generator,
decks.toml)."""

from __future__ import annotations

import os
from pathlib import Path

from test_serve import DECKS as NOTES_DECK

from ankibuild.cli import _parser, _plan
from ankibuild.previewbuild import LiveSite

REPO = Path(__file__).resolve().parent.parent
DECKS = NOTES_DECK + """
[[deck.practice]]
generator = "sums"
count = 3
seed = 1
"""
SUMS = '''\
from ankibuild.problem import Problem

TITLE = "Sums"


def generate(rng):
    a, b = (int(n) for n in rng.integers(1, 100, size=2))
    return Problem(inputs={"a": a, "b": b}, answer={"sum": a + b}, question=f"What is ${a} + {b}$?",
                   solution=f"**{a + b}**")
'''
NOTES = """\
# Notes

## Softmax
Turns scores into probabilities: $e^{z_i} / \\sum_j e^{z_j}$.

## A figure
The curve flattens:

![the loss curve](curve.png)

## Cross-entropy
$-\\sum_c y_c \\log p_c$
"""


def serve_in(root: Path, cache: Path) -> LiveSite:
    parsed = _parser().parse_args(["serve", "--offline", "--quiet", "--cache-dir", str(cache)])
    return LiveSite(lambda: _plan(parsed), False, root)


def test_after_every_edit_the_live_page_is_the_page_a_fresh_serve_shows(project, tmp_path, capsys):
    root = project.root
    project.write("decks.toml", DECKS)
    project.write("notes.md", NOTES)
    project.write("generators/sums.py", SUMS)
    os.chdir(root)  # serve plans from the working folder, as the command does
    live = serve_in(root, tmp_path / "cache")
    live(None)

    def edit(name: str, old: str = "", new: str = "", data: bytes | None = None) -> None:
        path = root / name
        if data is not None:
            path.write_bytes(data)
        elif new is None:
            path.unlink()
        else:
            text = path.read_text(encoding="utf-8")
            assert old in text
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        site, page = live({path})  # what the watcher reports
        fresh_site, fresh_page = serve_in(root, tmp_path / f"fresh-{len(steps)}")(None)
        assert page == fresh_page, name
        assert site["index.html"] == fresh_site["index.html"]
        assert site.keys() == fresh_site.keys()
        steps.append(page)

    steps: list = []
    edit("notes.md", "Turns scores", "Maps scores")
    assert live.memory.known, "an edit to a card's text takes the other cards' renders as they were"
    assert "Maps scores" in steps[-1].html()
    edit("notes.md", "## Cross-entropy", "## Entropy\nAverage surprise.\n\n## Cross-entropy")
    edit("curve.png", data=(REPO / "media" / "atrous-conv.png").read_bytes())  # the missing image appears
    assert not live.memory.known and "not found" not in steps[-1].html()
    edit("curve.png", data=(REPO / "media" / "sobel-edges.png").read_bytes())  # ...and changes
    edit("generators/sums.py", 'solution=f"**{a + b}**"', 'solution=f"It is **{a + b}**."')
    assert "It is <strong>" in steps[-1].html()
    edit("decks.toml", 'sources = ["notes.md"]', 'sources = ["notes.md"]\ntags = ["ml"]')
    edit("notes.md", "## Entropy", "## Softmax")  # two cards with one key: an error on the card
    assert "two cards have the key" in steps[-1].html()
    edit("curve.png", new=None)
    assert "not found" in steps[-1].html()
    assert len({page.html() for page in steps}) == len(steps)  # every edit showed
    capsys.readouterr()
