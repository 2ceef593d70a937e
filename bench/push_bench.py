"""Benchmark: `push` against a collection that is already up to date, relative to a no-op build.

Both run as the user runs them (a fresh `python build.py` process on the repository's decks, in a
copy of the project) and are measured in CPU time of the child process, in pairs run in turn; the
figure is the median ratio. Then one note is edited and pushed, and the notes whose mtime moved in
the collection are counted: one edit must change exactly one note (and so send one in the next sync).

    python bench/push_bench.py [PAIRS]
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from anki.collection import Collection

REPO = Path(__file__).resolve().parent.parent
PROJECT = ("decks.toml", "decks.lock.json", "source", "generators", "media")


def cpu_seconds(command: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def note_mtimes(path: Path) -> dict[int, int]:
    col = Collection(str(path))
    try:
        return dict(col.db.all("select id, mod from notes"))
    finally:
        col.close()


def main(pairs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        root.mkdir()
        for name in PROJECT:
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
        collection = Path(folder) / "User 1" / "collection.anki2"
        collection.parent.mkdir()
        Collection(str(collection)).close()
        build = [sys.executable, str(REPO / "build.py")]
        push = build + ["push", "--collection", str(collection)]
        subprocess.run(push, cwd=root, check=True, capture_output=True)  # the first push: everything new
        ratios = []
        for _ in range(pairs):
            plain, pushed = cpu_seconds(build, root), cpu_seconds(push, root)
            ratios.append(pushed / plain)
        print(f"push, collection up to date / build, nothing changed: {statistics.median(ratios):.2f}x "
              f"(median of {pairs} pairs; goal <= 1.5x)")

        before = note_mtimes(collection)
        notes = root / "source" / "deep-learning-flashcards.md"
        text = notes.read_text(encoding="utf-8")
        paragraph = next(line for line in text.splitlines() if line and line[0].isalpha() and len(line) > 40)
        notes.write_text(text.replace(paragraph, paragraph + " (edited)", 1), encoding="utf-8")
        subprocess.run(push, cwd=root, check=True, capture_output=True)
        after = note_mtimes(collection)
        changed = sum(1 for nid, mod in after.items() if before.get(nid) != mod)
        print(f"one note edited, then pushed: {changed} note(s) changed in the collection (goal: 1)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
