"""Benchmark: how long a build of N synthetic cards takes, relative to bare Markdown parsing.

Machines here are noisy, so absolute seconds mean little; each figure is reported as a ratio
against a baseline measured in the same run: markdown-it-py rendering the same text with no
math, media, sanitizing, identities or packaging. Run: python bench/build_bench.py [N]
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from markdown_it import MarkdownIt

from ankibuild.cli import main

CARD = """\
## Card {n}: softmax and cross-entropy
The softmax of logits $z$ is $\\sigma(z)_i = e^{{z_i}} / \\sum_j e^{{z_j}}$ and the loss for label $y$ is
$-\\log \\sigma(z)_y$.

* inputs are **logits**, not probabilities
  * subtract $\\max_j z_j$ first for stability
* the gradient is $\\sigma(z) - \\text{{onehot}}(y)$

```python
def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()
```
"""


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main_bench(count: int) -> None:
    text = "# Benchmark\n\n" + "\n".join(CARD.format(n=n) for n in range(count))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "notes.md").write_text(text)
        os.chdir(root)
        markdown = MarkdownIt("commonmark").enable("table")
        baseline = best_of(3, lambda: markdown.render(text))

        def build() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["build", "notes.md", "--offline", "--cache-dir", "cache"]) == 0

        def cold() -> None:
            Path("notes.lock.json").unlink(missing_ok=True)
            build()

        cold_time = best_of(3, cold)
        warm_time = best_of(3, build)
    print(f"{count} cards; baseline (markdown-it render only): {baseline:.3f} s")
    print(f"cold build (no lock): {cold_time:.3f} s = {cold_time / baseline:.1f}x baseline, "
          f"{count / cold_time:.0f} cards/s")
    print(f"warm rebuild (lock, nothing changed): {warm_time:.3f} s = {warm_time / baseline:.1f}x baseline, "
          f"{count / warm_time:.0f} cards/s")


if __name__ == "__main__":
    main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
