"""Benchmark: build N generated practice problems cold (no figure cache) and warm (nothing changed).

Machines here are noisy, so the figures that matter are ratios against a baseline measured in the
same run: drawing the same figures one after another in this process, as a build without workers
would. Run: python bench/practice_bench.py [N]  (N problems spread over every family in generators/)
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ankibuild.cli import main
from ankibuild.diagnostics import Reporter
from ankibuild.figures import render_png
from ankibuild.practice import generate_all, load_family, open_package

ROOT = Path(__file__).resolve().parent.parent


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def build(folder: Path, cache: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--cache-dir", str(cache)])
    if code:
        sys.exit(f"build failed with exit code {code} in {folder}")


def main_bench(count: int) -> None:
    families = sorted(p.stem for p in (ROOT / "generators").glob("[!_]*.py"))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "project"
        shutil.copytree(ROOT / "generators", folder / "generators")
        (folder / "notes.md").write_text("# Notes\n\n## A card\nText.\n")
        tables = "".join(f'\n[[deck.practice]]\ngenerator = "{name}"\ncount = {count // len(families) + (i < count % len(families))}\nseed = 1\n'
                         for i, name in enumerate(families))
        (folder / "decks.toml").write_text(f'[[deck]]\nname = "Bench"\nversion = "1"\nsources = ["notes.md"]\n{tables}')
        os.chdir(folder)
        cache = Path(temporary) / "cache"
        cold = timed(lambda: build(folder, cache))
        warm = min(timed(lambda: build(folder, cache)) for _ in range(3))
        figures = len(list((cache / "figures").glob("*.png")))

        open_package(folder / "generators")
        reporter = Reporter()
        drawings = [figure for name in families for family in [load_family(folder / "generators", name, folder, reporter)]
                    for item in generate_all(family, 1, count // len(families), folder, reporter)
                    for figure in (item.problem.question_figure, item.problem.answer_figure) if figure]
        serial = timed(lambda: [render_png(f.draw, f.args, f.size) for f in drawings])
        serial_per_figure = serial / len(drawings)

    print(f"{count} problems from {len(families)} families, {figures} figures, {os.cpu_count()} cores")
    print(f"cold build: {cold:.2f} s = {figures / cold:.0f} figures/s "
          f"= {cold / (serial_per_figure * figures):.2f}x the time to draw its figures serially")
    print(f"warm build: {warm:.2f} s = {warm / cold:.3f}x the cold build")


if __name__ == "__main__":
    main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
