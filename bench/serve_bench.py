"""Benchmark: from saving a one-card edit to the updated page, under `python build.py serve`.

Serves a copy of this repository's decks, opens the page in headless Chromium (Debian's `chromium`,
driven by playwright from the test extras), then N times appends a word to one card's text and
times how long the open page takes to show it: the file watcher, the rebuild (from what `serve`
kept of the builds before), the page asking for the notes that changed and swapping them in, and
MathJax typesetting the new note. The page itself notes when the word arrives and when MathJax is
done (a MutationObserver, which costs the page nothing while it waits), on the clock the bench reads
when it saves the file. The server's own report gives the rebuild's share.
Run: python bench/serve_bench.py [N]
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS  # noqa: E402 (the tests' Chromium settings)

CARD = "## Gradient descent\n"  # the card edited: its first line of text gets a new word each round
# Watches the page without loading it: when each benchmark word first appears in a node added to the
# page, and each time MathJax finishes (polling document.body.textContent instead would cost the page
# ~30 ms of every frame, and the swap would wait for it).
WATCH = """
window.benchSeen = {};
window.benchDone = [];
new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    if (mutation.type === 'attributes' && document.body.dataset.mathjax === 'done') benchDone.push(Date.now());
    for (const node of mutation.addedNodes) {
      for (const word of (node.textContent || '').match(/benchword\\d+/g) || []) benchSeen[word] ??= Date.now();
    }
  }
}).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-mathjax']});
"""


def main(rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        folder = Path(temporary) / "project"
        folder.mkdir()
        for name in ("decks.toml", "decks.lock.json"):
            shutil.copy(ROOT / name, folder / name)
        for name in ("source", "media", "generators"):
            shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
                                  cwd=folder, stderr=subprocess.PIPE, text=True)
        builds: list[float] = []
        ready = threading.Event()

        def read_reports() -> None:
            for line in server.stderr:
                if "Serving the preview" in line:
                    ready.set()
                if found := re.search(r"built the preview in ([\d.]+) s", line):
                    builds.append(float(found.group(1)))

        threading.Thread(target=read_reports, daemon=True).start()
        ready.wait(120)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.add_init_script(WATCH)
        started = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function("document.body.dataset.mathjax === 'done'", timeout=300_000)
        opened = time.perf_counter() - started
        notes = folder / "source" / "ml-interview-notes.md"
        latencies = []
        for round_ in range(rounds):
            word = f"benchword{round_}"
            text = notes.read_text(encoding="utf-8")
            start = text.index(CARD) + len(CARD)
            line_end = text.index("\n", start)
            saved = time.time()  # the page's Date.now() reads the same clock
            notes.write_text(text[:line_end] + f" {word}" + text[line_end:], encoding="utf-8")
            page.wait_for_function(f"benchSeen['{word}'] && benchDone.some((t) => t >= benchSeen['{word}'])",
                                   timeout=30_000, polling="raf")
            shown = page.evaluate(f"Math.min(...benchDone.filter((t) => t >= benchSeen['{word}']))")
            latencies.append(shown / 1000 - saved)
            time.sleep(0.3)
        browser.close()
        server.terminate()
        server.wait(10)
    rebuilds = builds[1:]
    print(f"page opened with every formula typeset: {opened:.1f} s (first build {builds[0]:.2f} s)")
    print(f"edit -> updated page, {rounds} edits: median {statistics.median(latencies):.2f} s, "
          f"max {max(latencies):.2f} s; of which the rebuild: median {statistics.median(rebuilds):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
