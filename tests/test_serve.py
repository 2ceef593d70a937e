"""`python build.py serve`: the preview on 127.0.0.1, followed live in a real headless Chromium while
the user edits; nothing outside the preview is served."""

from __future__ import annotations

import html
import json
import http.client
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from browser import open_tab, wait_for_math

REPO = Path(__file__).resolve().parent.parent
DECKS = """\
[[deck]]
name = "Notes"
version = "1.0.0"
sources = ["notes.md"]
"""
NOTES = r"""
# Notes

1. TOC
{:toc}

## Softmax
Turns scores into probabilities: $\sigma(z)_i = e^{z_i} / \sum_j e^{z_j}$.

## A missing figure
The curve flattens:

![the loss curve](curve.png)

## Cross-entropy
$-\sum_c y_c \log p_c$ for a one-hot $y$.
"""


@pytest.fixture
def served(project):
    """The notes project, built once (so the lock knows its notes), then served as the user would."""
    project.write("decks.toml", DECKS)
    project.write("notes.md", NOTES)
    assert project.run("--offline").code == 0
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--port", "0", "--offline"],
                               cwd=project.root, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    started = []
    for line in process.stderr:  # port 0: the system picks a free port, and serve says which
        started.append(line)
        if found := re.search(r"Serving the preview at http://127\.0\.0\.1:(\d+)/", line):
            port = int(found.group(1))
            break
    else:
        pytest.fail("serve did not start:\n" + "".join(started))
    yield project, port
    process.send_signal(signal.SIGINT)  # Ctrl-C
    code, rest = process.wait(timeout=30), process.stderr.read()
    process.stderr.close()
    assert code == 0, rest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def note_text(tab, heading: str) -> str:
    return tab.page.evaluate("""heading => Array.from(document.querySelectorAll('.pv-note'))
        .filter(note => note.querySelector('.question').textContent === heading)
        .map(note => note.innerText).join('')""", heading)


def test_an_edit_shows_in_the_open_page_within_two_seconds_without_a_reload(served, chromium):
    project, port = served
    tab = open_tab(chromium, f"http://127.0.0.1:{port}/")
    wait_for_math(tab)
    tab.page.evaluate("window.stillTheSamePage = true")
    assert tab.shown() and not tab.page.is_checked("#pv-changed")
    tab.page.check("#pv-night")

    edit(project.root / "notes.md", "Turns scores into probabilities", "Maps scores to probabilities")
    saved = time.monotonic()
    tab.page.wait_for_function("document.body.innerText.includes('Maps scores to probabilities')", timeout=2000)
    assert time.monotonic() - saved < 2
    assert tab.page.evaluate("window.stillTheSamePage") is True  # updated in place, not reloaded
    wait_for_math(tab)
    softmax = note_text(tab, "Softmax")
    assert "changed" in softmax and "\\(" not in softmax  # the new formula is typeset too
    assert tab.page.is_checked("#pv-night")  # the switches stay as they were
    assert tab.page.eval_on_selector_all(".card.nightMode", "cards => cards.length") == 6

    tab.page.check("#pv-changed")  # changed since the last build: only what the next build would send
    assert [note_text(tab, "Softmax")] == [tab.page.inner_text(f"[id='{tab.shown()[0]}']")]
    edit(project.root / "notes.md", "## Cross-entropy", "## Entropy\nAverage surprise.\n\n## Cross-entropy")
    tab.page.wait_for_function("document.querySelectorAll('.pv-note:not([hidden])').length === 2", timeout=2000)
    assert "new" in note_text(tab, "Entropy")
    edit(project.root / "notes.md", "## Softmax\nMaps", "## Sigmoid\nSquashes a score.\n\n## Softmax\nMaps")
    edit(project.root / "notes.md", "## Entropy\nAverage surprise.\n\n", "")  # one card in, one out, at once
    tab.page.wait_for_function("!document.body.innerText.includes('Average surprise')", timeout=2000)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/")
    fresh = connection.getresponse().read().decode()
    on_page = tab.page.eval_on_selector_all(".pv-note", "notes => notes.map(n => [n.id, n.dataset.hash])")
    assert on_page == [[html.unescape(element), digest] for element, digest
                       in re.findall(r'<article class="pv-note" id="([^"]+)" data-hash="(\w+)"', fresh)]
    assert tab.problems == []
    tab.page.close()


def test_diagnostics_show_on_their_card_with_path_and_line(served, chromium):
    project, port = served
    check = project.run("check")
    printed = [line for line in check.err.splitlines() if ": warning: " in line]
    assert printed and all(line.startswith("notes.md:13: ") for line in printed)  # the image's line
    tab = open_tab(chromium, f"http://127.0.0.1:{port}/")
    tab.page.check("#pv-flagged")
    assert len(tab.shown()) == 1
    card = note_text(tab, "A missing figure")
    assert all(line in card for line in printed)
    assert note_text(tab, "Softmax") and "warning" not in note_text(tab, "Softmax")

    edit(project.root / "notes.md", "![the loss curve](curve.png)", "No figure.")
    tab.page.wait_for_function("document.querySelectorAll('.pv-note:not([hidden])').length === 0", timeout=2000)
    edit(project.root / "decks.toml", 'sources = ["notes.md"]', "sources = [")  # a broken decks.toml...
    tab.page.wait_for_function("document.body.innerText.includes('decks.toml')", timeout=2000)
    assert "error" in tab.page.inner_text(".pv-problems")
    edit(project.root / "decks.toml", "sources = [", 'sources = ["notes.md"]')  # ...fixed: the server kept going
    tab.page.uncheck("#pv-flagged")
    tab.page.wait_for_function("document.querySelectorAll('.pv-note').length === 3", timeout=2000)
    assert tab.problems == []
    tab.page.close()


PATHS_OUTSIDE = ["/../decks.toml", "/%2e%2e/decks.toml", "/..%2Fdecks.toml", "/_preview/../../notes.md",
                 "/_mathjax/%2E%2E/%2E%2E/decks.toml", "/..\\decks.toml", "/%5C..%5Cdecks.toml", "//etc/passwd",
                 "/%2Fetc%2Fpasswd", "/decks.toml", "/notes.md", "/decks.lock.json", "/_preview/", "/.", "/%00"]


def test_paths_outside_the_preview_get_404(served):
    _, port = served
    for path in PATHS_OUTSIDE:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path)  # sent as written: http.client does not resolve `..`
        response = connection.getresponse()
        assert (response.status, response.read()[:0]) == (404, b""), path
        connection.close()


def test_the_server_listens_on_127_0_0_1_only_and_serves_the_page_and_its_files(served):
    _, port = served
    listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == port]
    assert listening == ["0100007F:%04X" % port]  # 127.0.0.1, never 0.0.0.0
    assert not any(int(line.split()[1].rsplit(":", 1)[1], 16) == port for line in
                   Path("/proc/net/tcp6").read_text().splitlines()[1:] if line.split()[3] == "0A")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for path in ("/", "/index.html", "/_preview/preview.js", "/_mathjax/tex-chtml-full.js"):
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200 and response.read(), path
    connection.close()


def test_preview_writes_a_static_page_and_replaces_only_a_previous_preview(project):
    project.write("decks.toml", DECKS)
    project.write("notes.md", NOTES)
    result = project.run("preview", "--out", "site", "--offline")
    assert result.code == 0 and "wrote site/index.html" in result.out
    assert "notes.md:13: warning:" in result.err
    page = (project.root / "site" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<article class="pv-note"', page)) == 3 and "data-live" not in page
    assert (project.root / "site" / "_mathjax" / "tex-chtml-full.js").is_file()
    assert not (project.root / "dist").exists() and not (project.root / "decks.lock.json").exists()
    (project.root / "site" / "stale.png").write_bytes(b"old")
    assert project.run("preview", "--out", "site", "--offline").code == 0
    assert not (project.root / "site" / "stale.png").exists()

    assert project.run("preview").err == "error: preview needs --out DIR, the folder for the page\n"
    project.write("mine/keep.txt", "my own file")
    refused = project.run("preview", "--out", "mine", "--offline")
    assert refused.code == 2 and "mine: error: not a preview folder" in refused.err
    assert (project.root / "mine" / "keep.txt").read_text() == textwrap.dedent("my own file")


def test_a_formula_mathjax_cannot_typeset_is_shown_on_its_card(project, chromium):
    project.write("notes.md", r"""
        # Notes

        1. TOC
        {:toc}

        ## Powers
        Square: $x^$, cube: $x^3$.

        ## Brackets
        Open $\left( x$ and $\undefinedmacro y$.

        ## Fine
        $a + b$
        """)
    assert project.run("preview", "notes.md", "--out", "site", "--offline").code == 0
    tab = open_tab(chromium, (project.root / "site" / "index.html").as_uri())
    wait_for_math(tab)
    errors = tab.page.eval_on_selector_all(".pv-formula-errors li", "items => items.map(i => i.textContent)")
    assert errors == ["formula error: Missing superscript or subscript argument: x^",
                      "formula error: Extra \\left or missing \\right: \\left( x",
                      "formula error: undefined command \\undefinedmacro"]
    tab.page.check("#pv-flagged")
    assert len(tab.shown()) == 2 and tab.page.inner_text("#pv-flagged-count") == "2"
    assert tab.problems == []
    tab.page.close()


def test_requests_for_another_host_name_get_403(served):
    """DNS rebinding: a web page whose name now points at 127.0.0.1 sends its own name as Host."""
    _, port = served
    answers = {}
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"attacker.example:{port}",
                 "127.0.0.1", f"127.0.0.1:{port + 1}", f"127.0.0.1.attacker.example:{port}", ""):
        for path in ("/", "/_preview/events"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.putrequest("GET", path, skip_host=True)
            if host:
                connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            answers[host, path] = response.status
            connection.close()
    assert answers == {(host, path): 200 if host.lower() in (f"127.0.0.1:{port}", f"localhost:{port}") else 403
                       for host, path in answers}
    assert answers[f"localhost:{port}", "/"] == 200 and answers[f"attacker.example:{port}", "/"] == 403


SHAPES = '''\
from ankibuild.problem import Figure, Problem

TITLE = "Shapes"


def generate(rng):
    side = int(rng.integers(2, 50))
    return Problem(inputs={"side": side}, answer={"area": side * side},
                   question=f"A square of side ${side}$: its area? ![the square](square.png)",
                   solution=f"**{side * side}**", answer_figure=Figure(draw, {"side": side}, alt="the square"))


def draw(fig, side):
    raise ValueError(f"no square of side {side}")
'''


def test_a_practice_problems_diagnostics_show_on_its_card_with_generator_seed_and_number(project, chromium):
    project.write("decks.toml", DECKS + '\n[[deck.practice]]\ngenerator = "shapes"\ncount = 2\nseed = 3\n')
    project.write("notes.md", NOTES)
    project.write("generators/shapes.py", SHAPES)
    result = project.run("preview", "--out", "site", "--offline")
    printed = [line for line in result.err.splitlines() if "generator 'shapes'" in line]
    assert result.code == 1 and len(printed) == 4  # each problem: a missing image, a figure that failed to draw
    tab = open_tab(chromium, (project.root / "site" / "index.html").as_uri())
    assert tab.page.locator(".pv-problems").count() == 0  # nothing left for the list at the top
    problems = tab.page.eval_on_selector_all(
        ".pv-note[data-family='shapes']", "notes => notes.map(n => [n.querySelector('.pv-source').textContent, "
        "Array.from(n.querySelectorAll('.pv-diagnostics li'), item => item.textContent)])")
    assert [source for source, _ in problems] == ["generators/shapes.py · seed 3 · problem 1",
                                                  "generators/shapes.py · seed 3 · problem 2"]
    for number, (_, shown) in enumerate(problems, start=1):
        assert sorted(shown) == sorted(line for line in printed if f"problem {number} (seed 3)" in line)
        assert shown[0].startswith(f"generators/shapes.py (generator 'shapes' problem {number} (seed 3)):1: "
                                   "warning: image 'square.png' not found")
        assert shown[1].startswith(f"generators/shapes.py:14: error: generator 'shapes' problem {number} (seed 3): "
                                   "drawing a figure raised ValueError: no square of side")
    tab.page.check("#pv-flagged")
    assert len(tab.shown()) == 3 and tab.page.inner_text("#pv-flagged-count") == "3"  # and the card with a missing image
    tab.page.close()


def test_what_a_practice_problem_printed_shows_on_its_card(project, chromium):
    project.write("decks.toml", DECKS + '\n[[deck.practice]]\ngenerator = "shapes"\ncount = 2\nseed = 3\n')
    project.write("notes.md", NOTES.replace("![the loss curve](curve.png)", ""))
    project.write("generators/shapes.py", SHAPES.replace("![the square](square.png)", "").replace(
        ", answer_figure=Figure(draw, {\"side\": side}, alt=\"the square\")", "").replace(
        "    side = int(rng.integers(2, 50))\n", "    side = int(rng.integers(2, 50))\n    print('side', side)\n"))
    result = project.run("preview", "--out", "site", "--offline")
    printed = result.err.splitlines()
    assert result.code == 0 and [line.split(" printed ")[0] for line in printed] == [
        f"generators/shapes.py: warning: generator 'shapes' problem {number} (seed 3)" for number in (1, 2)]
    tab = open_tab(chromium, (project.root / "site" / "index.html").as_uri())
    assert tab.page.locator(".pv-problems").count() == 0
    shown = tab.page.eval_on_selector_all(".pv-note[data-family='shapes']", "notes => notes.map(n => "
                                          "n.querySelector('.pv-diagnostics').textContent)")
    assert shown == printed
    tab.page.close()


def test_a_file_no_build_reads_changes_nothing_not_even_a_log_serve_writes_into_the_project(served):
    """`serve > serve.log` in the project: the log changes, no build could see it, nothing is rebuilt
    (it rebuilt for every line it wrote, forever); an edit to the notes still is."""
    project, port = served

    def generation() -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/_preview/page.json", headers={"Host": f"127.0.0.1:{port}"})
        return json.loads(connection.getresponse().read())["generation"]

    before = generation()
    for line in range(5):
        with (project.root / "serve.log").open("a") as log:
            log.write(f"built the preview {line}\n")
        (project.root / "scratch.txt").write_text(f"thinking {line}")
        time.sleep(0.2)
    time.sleep(0.5)
    assert generation() == before
    edit(project.root / "notes.md", "Turns scores into probabilities", "Maps scores to probabilities")
    deadline = time.monotonic() + 5
    while generation() == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert generation() == before + 1
