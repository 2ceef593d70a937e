"""Benchmark: the build against a naive genanki script (../shared/bench/naive_genanki.py), in one run.

Each case runs the build and its baseline in turn, as separate processes, and reports the CPU time
(user + system, which another job on the machine disturbs less than the wall clock) as a ratio:
the median over the pairs. The goals of issue 9 are printed beside each figure.
Run: python bench/pipeline_bench.py [--quick]   (--quick skips the 20,000 and 50,000 card cases)
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAIVE = ROOT.parent / "shared" / "bench" / "naive_genanki.py"
PYTHON = sys.executable
# Each card has a code snippet of its own, as in a real deck: none is highlighted once for many cards.
CARD = """\
## Card {n}: softmax and cross-entropy
The softmax of logits $z$ is $\\sigma(z)_i = e^{{z_i}} / \\sum_j e^{{z_j}}$ and the loss for label $y$ is
$-\\log \\sigma(z)_y$.

* inputs are **logits**, not probabilities
  * subtract $\\max_j z_j$ first for stability
* the gradient is $\\sigma(z) - \\text{{onehot}}(y)$

```python
def softmax_{n}(z):
    e = np.exp(z - z.max())
    return e / e.sum()
```
"""


# What any build that renders and packs a note loads, before it reads a file: the floor of an edit.
EDIT_IMPORTS = ("ankibuild.cli", "ankibuild.build", "ankibuild.render", "ankibuild.anki2", "ankibuild.ziparchive")


def run(args: list[str], cwd: Path) -> tuple[float, int]:
    """CPU seconds and peak memory (KiB) of one process."""
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        sys.exit(f"{' '.join(args)} failed: {process.stderr.read().decode()}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def ratio(build: list[str], naive: list[str], cwd: Path, pairs: int, before=lambda: None) -> float:
    ratios = []
    for _ in range(pairs):
        before()
        ours = run(build, cwd)[0]
        ratios.append(ours / run(naive, cwd)[0])
    return statistics.median(ratios)


def naive(files: list[str], folder: Path) -> list[str]:
    return [PYTHON, str(NAIVE), str(folder / "naive.apkg"), *files]


def ankibuild(*args: str) -> list[str]:
    return [PYTHON, str(ROOT / "build.py"), *args]


def report(case: str, value: float, goal: str, met: bool) -> None:
    print(f"{case:58} {value:8.2f}x   goal {goal:8} {'met' if met else 'NOT MET'}")


def synthetic(folder: Path, count: int) -> None:
    (folder / "cards.md").write_text("# Benchmark\n\n" + "\n".join(CARD.format(n=n) for n in range(count)))


def cards_build(folder: Path, count: int, cache: Path) -> list[str]:
    return ankibuild("build", "cards.md", "--deck", "Bench", "--out", "out", "--offline", "--cache-dir", str(cache),
                     "--lock", f"lock-{count}.json")


def cold(folder: Path, count: int) -> float:
    """Ratio of a cold build (no lock, empty cache) of `count` synthetic cards."""
    def forget() -> None:
        (folder / f"lock-{count}.json").unlink(missing_ok=True)
        shutil.rmtree(folder / "cold-cache", ignore_errors=True)
    return ratio(cards_build(folder, count, folder / "cold-cache"), naive(["cards.md"], folder), folder,
                 1 if count > 10_000 else 2, forget)


def main(quick: bool) -> None:
    # The naive script's libraries run from the bytecode pip compiled at install; so does the engine
    # here, as it would after its first run (PYTHONDONTWRITEBYTECODE would otherwise leave it uncompiled).
    compileall.compile_dir(ROOT / "ankibuild", quiet=1)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for name in ("source", "media", "generators"):
            shutil.copytree(ROOT / name, folder / name)
        shutil.copy(ROOT / "decks.toml", folder)
        shutil.copy(ROOT / "decks.lock.json", folder)
        notes = ["source/deep-learning-flashcards.md", "source/ml-interview-notes.md"]
        cache = folder / "cache"

        def fresh() -> None:
            shutil.rmtree(folder / "notes-cache", ignore_errors=True)
            (folder / "notes.lock.json").unlink(missing_ok=True)
        value = ratio(ankibuild("build", *notes, "--deck", "Notes", "--out", "out", "--offline", "--lock",
                                "notes.lock.json", "--cache-dir", str(folder / "notes-cache")),
                      naive(notes, folder), folder, 5, fresh)
        report("the user's two note files, cold (no lock, no cache)", value, "<= 1.0", value <= 1.0)

        run(ankibuild("--cache-dir", str(cache)), folder)  # draws the figures, fills the cache
        value = ratio(ankibuild("--cache-dir", str(cache)), naive(notes, folder), folder, 5)
        report("the repo's decks, nothing changed", value, "<= 0.5", value <= 0.5)

        source = folder / notes[0]
        original = source.read_text()
        edits = iter(range(1000))

        def edit() -> None:
            source.write_text(original.replace("cluster and removes the boxes", f"cluster ({next(edits)}) and removes"))
        value = ratio(ankibuild("--cache-dir", str(cache)), naive(notes, folder), folder, 5, edit)
        report("the repo's decks, one note edited", value, "<= 0.6", value <= 0.6)
        source.write_text(original)
        value = ratio([PYTHON, "-c", "import " + ", ".join(EDIT_IMPORTS)], naive(notes, folder), folder, 5)
        print(f"{'  of which the floor: Python and the modules an edit loads':58} {value:8.2f}x")

        value = ratio(ankibuild("--help"), [PYTHON, "-c", "import genanki, markdown"], folder, 7)
        report("python build.py --help vs python -c 'import genanki, markdown'", value, "<= 1.5", value <= 1.5)

        synthetic(folder, 10_000)
        ten = cold(folder, 10_000)
        report("10,000 cards, cold", ten, "<= 1.5", ten <= 1.5)
        warm = folder / "warm-cache"
        run(cards_build(folder, 10_000, warm), folder)
        value = ratio(cards_build(folder, 10_000, warm), naive(["cards.md"], folder), folder, 3)
        report("10,000 cards, nothing changed", value, "<= 0.3", value <= 0.3)
        if quick:
            return
        synthetic(folder, 20_000)
        twenty = cold(folder, 20_000)
        report("20,000 cards, cold: ratio / ratio at 10,000", twenty / ten, "<= 1.15", twenty / ten <= 1.15)
        synthetic(folder, 50_000)
        seconds, peak = run(cards_build(folder, 50_000, folder / "cache-50k"), folder)
        print(f"{'50,000 cards, cold: CPU seconds / peak memory':58} {seconds:8.1f} s  {peak / 1024:6.0f} MB"
              f"   goal <= 300 MB {'met' if peak / 1024 <= 300 else 'NOT MET'}")


if __name__ == "__main__":
    main("--quick" in sys.argv)
