"""Benchmark: inputs that make naive parsers quadratic, timed at n and 2n lines or characters.

A ratio near 2 means the build scales linearly; near 4, quadratically. Run:
python bench/pathological.py [n]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from ankibuild.collect import collect_cards
from ankibuild.config import DeckSpec
from ankibuild.diagnostics import Reporter
from ankibuild.notes import Renderer, render_cards

CASES = {
    "unclosed \\( in one paragraph": lambda n: "## Q\n" + "\\(" * n + "\n",
    "unclosed $ on many lines": lambda n: "## Q\n" + "$\n" * n,
    "backticks on many lines": lambda n: "## Q\n" + "`\n" * n,
    "one long paragraph": lambda n: "## Q\n" + "prose with kmeans.py and ![p](p.png) here\n" * n,
    "a long blockquote": lambda n: "## Q\n" + "> quoted line\n" * n,
    "a large HTML table": lambda n: "## Q\n<table>\n" + "<tr><td>cell</td></tr>\n" * n + "</table>\n",
    "spaces and tabs in a heading": lambda n: "## a" + " \t" * n + "b\ntext\n",
    "unclosed inline comments": lambda n: "## Q\n" + "x <!-- y\n" * n,
    "many cards": lambda n: "".join(f"## Card {i}\nAnswer $x_{i}$.\n" for i in range(n // 10)),
}


def seconds(text: str, folder: Path) -> float:
    note = folder / "n.md"
    note.write_text(text)
    reporter = Reporter()
    start = time.perf_counter()
    render_cards(collect_cards(DeckSpec("Bench", "1", (note,)), folder, folder, reporter), (), Renderer.uncached(folder))
    return time.perf_counter() - start


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for case, make in CASES.items():
            single, double = seconds(make(n), folder), seconds(make(2 * n), folder)
            print(f"{case:32} n={n}: {single:6.3f} s   2n: {double:6.3f} s   ratio {double / single:4.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
