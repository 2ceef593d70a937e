"""The build as stages: a rebuild does only what changed, imports only what it needs, and leaves the
interpreter as it found it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from test_practice import build as build_practice
from test_practice import practice  # noqa: F401  (fixture)

import ankibuild
from ankibuild.progress import Progress

NOTES = "# Vision\n\n## Focal loss\nDown-weights easy examples: $FL(p_t)$.\n\n## IoU\n![boxes](boxes.png)\n"
MODULES = ("numpy", "matplotlib", "http.client", "markdown_it", "pygments.lexers.python", "genanki")


def imported_by(root, *args: str, modules: tuple[str, ...] = MODULES) -> dict[str, bool]:
    """Which of `modules` a build in its own interpreter imported."""
    script = (f"import sys; from ankibuild.cli import main; code = main({list(args)!r}); "
              f"print(__import__('json').dumps({{m: m in sys.modules for m in {modules!r}}})); sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_a_build_imports_only_what_it_needs(project):
    project.write("notes.md", NOTES)
    (project.root / "boxes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    args = ("build", "notes.md", "--offline", "--cache-dir", "cache")
    cold = imported_by(project.root, *args)
    assert cold == {**dict.fromkeys(MODULES, False), "markdown_it": True}
    # nothing changed: nothing rendered, nothing packed
    assert imported_by(project.root, *args) == dict.fromkeys(MODULES, False)
    project.write("notes.md", NOTES + "\n## Softmax\n```python\nexp(z) / sum(exp(z))\n```\n")
    assert imported_by(project.root, *args)["pygments.lexers.python"]
    assert imported_by(project.root, "--help") == dict.fromkeys(MODULES, False)


def test_a_rebuild_with_nothing_changed_renders_and_writes_nothing_and_keeps_its_warnings(project):
    project.write("notes.md", NOTES.replace("![boxes](boxes.png)", "![boxes](missing.png)"))
    first = project.run("build", "notes.md", "--offline")
    stamps = {path: path.stat().st_mtime_ns for path in project.root.rglob("*") if path.is_file()}
    again = project.run("build", "notes.md", "--offline")
    assert first.code == again.code == 0 and "missing.png' not found" in again.err and again.err == first.err
    assert {path: path.stat().st_mtime_ns for path in stamps} == stamps


def test_a_second_rebuild_with_nothing_changed_replays_the_first_without_loading_the_build(project):
    project.write("notes.md", NOTES.replace("![boxes](boxes.png)", "![boxes](missing.png)"))
    args = ("build", "notes.md", "--offline", "--cache-dir", "cache")
    project.run(*args)
    recorded = project.run(*args)  # nothing to write: this build is recorded
    replayed = project.run(*args)
    assert (replayed.code, replayed.out, replayed.err) == (recorded.code, recorded.out, recorded.err)
    assert "missing.png' not found" in replayed.err
    engine = ("ankibuild.build", "ankibuild.notes", "ankibuild.write", "ankibuild.lock")
    assert imported_by(project.root, *args, modules=engine) == dict.fromkeys(engine, False)


def test_a_replayed_build_still_sees_every_change(project):
    """After a recorded rebuild, each change below gives what a full build gives."""
    project.write("notes.md", NOTES)
    args = ("build", "notes.md", "--offline", "--cache-dir", "cache")
    apkg = project.root / "dist" / "notes-0.1.0.apkg"

    def settled() -> bytes:  # built, then recorded
        project.run(*args)
        assert project.run(*args).code == 0
        return apkg.read_bytes()

    assert "boxes.png' not found" in project.run(*args).err
    settled()
    (project.root / "boxes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)  # the missing image appears
    run = project.run(*args)
    assert run.code == 0 and "not found" not in run.err and "1 media" in run.out
    good = settled()
    apkg.write_bytes(bytes(len(good)))  # an output damaged (same size)
    assert project.run(*args).code == 0 and apkg.read_bytes() == good
    settled()
    (project.root / "boxes.png").write_bytes(b"GIF89a" + b"\0" * 32)  # an image's bytes changed
    assert "1 changed" in project.run(*args).out
    settled()
    project.write("notes.md", NOTES.replace("easy examples", "easy ones"))  # a note edited
    assert "1 changed" in project.run(*args).out
    settled()
    (project.root / "notes.lock.json").unlink()  # the lock deleted: every note is new again
    assert "2 new" in project.run(*args).out


def test_an_image_changed_on_disk_renders_its_card_again(project, anki):
    project.write("notes.md", NOTES)
    (project.root / "boxes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\1" * 32)
    anki.import_deck(project.build("notes.md"))
    before = anki.images("IoU")
    (project.root / "boxes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\2" * 32)
    log = anki.import_deck(project.build("notes.md"))
    assert len(log.updated) == 1 and anki.images("IoU") != before
    assert anki.media_bytes(anki.images("IoU")[0]).endswith(b"\2" * 32)


def test_loading_the_generators_leaves_the_interpreter_as_it_was(practice):  # noqa: F811
    finders, modules = list(sys.meta_path), set(sys.modules)
    build_practice(practice, "--cache-dir", str(practice.root / "fresh-cache"))
    assert sys.meta_path == finders
    assert not {name for name in set(sys.modules) - modules if name.startswith("ankibuild_generators")}


def test_progress_shows_on_a_terminal_only(project, capsys):
    with Progress("rendering", 500, enabled=True) as bar:
        for _ in range(500):
            bar.advance()
    assert "rendering [" in capsys.readouterr().err
    project.write("notes.md", "".join(f"## Card {n}\nText {n}.\n" for n in range(300)))
    run = project.run("build", "notes.md", "--offline")  # stderr is not a terminal here
    assert run.code == 0 and run.err == ""


def test_a_rebuild_through_the_cache_writes_what_a_cold_build_writes(project, monkeypatch):
    """One edit, rebuilt incrementally (cached notes, the other files kept) and from nothing (no
    cache, the same lock): the same .apkg, manifest and lock, byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    (project.root / "boxes.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    project.write("notes.md", NOTES + "\n## Softmax\n```python\nexp(z) / sum(exp(z))\n```\n")
    args = ("build", "notes.md", "--offline", "--cache-dir", "cache")
    assert project.run(*args).code == 0
    lock = (project.root / "notes.lock.json").read_bytes()
    project.write("notes.md", NOTES.replace("easy examples", "easy ones") + "\n## Softmax\nExponentiate.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    assert "2 changed" in project.run(*args).out
    outputs = sorted(path for path in project.root.rglob("*") if path.suffix in (".apkg", ".json"))
    incremental = {path: path.read_bytes() for path in outputs}
    (project.root / "notes.lock.json").write_bytes(lock)
    assert project.run(*args[:-2], "--cache-dir", "fresh-cache").code == 0
    assert {path: path.read_bytes() for path in outputs} == incremental


def test_new_code_colours_are_no_reason_to_replay(project):
    """highlight.css is engine code too: the note type's CSS, which a replay would leave stale."""
    project.write("notes.md", NOTES)
    args = ("build", "notes.md", "--offline", "--cache-dir", "cache")
    project.run(*args)
    project.run(*args)  # recorded
    colours = Path(ankibuild.__file__).with_name("highlight.css")
    shipped = colours.read_bytes()
    try:
        colours.write_bytes(shipped + b"pre.highlight .zz { color: #123456 }\n")
        assert project.run(*args).code == 0
    finally:
        colours.write_bytes(shipped)
    with zipfile.ZipFile(project.root / "dist" / "notes-0.1.0.apkg") as package:
        collection = package.read("collection.anki2")
    assert b"#123456" in collection
