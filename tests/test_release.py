"""A maintainer releases the decks: each release gets the version its changes call for, a changelog
section and a deck description that say what changed, and a clean clone at its tag rebuilds it
byte for byte. `diff` compares two versions by heading, deck and counts."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import Project

DECKS = """\
# Our decks. This comment stays when `release` writes a new version.
[[deck]]
name = "Losses"
version = "0.1.0"    # written by `python build.py release`
sources = ["losses.md"]

[[deck.practice]]
generator = "squares"
count = 3
seed = 1
"""

NOTES = """\
# Losses
## Regression
### Huber
Quadratic near zero, then linear far out.
### L1
Mean absolute error.
## Classification
### Hinge
Zero once the margin exceeds one.
"""

SQUARES = '''\
"""Squares of whole numbers, without figures."""
from ankibuild.problem import Problem

TITLE = "Squares"


def generate(rng):
    x = int(rng.integers(2, 1000))
    return Problem(inputs={"x": x}, answer={"square": x * x}, question=f"What is ${x}^2$?",
                   solution=f"**{x * x}**")
'''


@pytest.fixture
def losses(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    project.write("decks.toml", DECKS)
    project.write("losses.md", NOTES)
    project.write("generators/squares.py", SQUARES)
    return project


def release(project: Project, *extra: str) -> str:
    result = project.run("release", "--offline", *extra)
    assert result.code == 0, result.err
    return result.out


def edit(project: Project, name: str, old: str, new: str) -> None:
    path = project.root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def section(project: Project, version: str) -> str:
    """The changelog section of `version`, as the release also wrote it beside the .apkg."""
    text = (project.root / f"dist/{version}/losses-{version}.changes.md").read_text()
    assert text in (project.root / "CHANGELOG.md").read_text()
    return text


def test_each_release_gets_the_version_its_changes_call_for(losses):
    losses.run()  # an ordinary build first: the release clears it from dist/
    assert "Losses: 0.1.0 (first release)" in release(losses)
    assert section(losses, "0.1.0") == (
        "## Losses 0.1.0 (2025-12-01)\n\nFirst release: 3 notes and 3 practice problems; practice: Squares (3 problems).\n")

    edit(losses, "losses.md", "then linear far out.", "then linear beyond delta.")
    assert "Losses: 0.1.0 -> 0.1.1 (patch: 1 note edited)" in release(losses)
    assert section(losses, "0.1.1") == """\
## Losses 0.1.1 (2025-12-01)

Patch version since 0.1.0: 1 note edited (3 notes and 3 practice problems then, 3 notes and 3 practice problems now).

### Changed

- Regression › Huber (`losses.md:3`)
  ```diff
  - … near zero, then linear far out.
  + … near zero, then linear beyond delta.
  ```
"""

    edit(losses, "losses.md", "## Classification", "### MSE\nMean squared error.\n## Classification")
    edit(losses, "decks.toml", "count = 3", "count = 5")
    assert "Losses: 0.1.1 -> 0.2.0 (minor: 1 note added, 2 practice problems added)" in release(losses)
    assert section(losses, "0.2.0").split("\n\n", 2)[2] == """\
### Added

- Regression › MSE (`losses.md:7`)

### Practice

- Squares: 2 problems added
"""

    edit(losses, "losses.md", "### L1", "### Mean absolute error")
    edit(losses, "losses.md", "## Classification\n### Hinge\nZero once the margin exceeds one.\n", "")
    edit(losses, "losses.md", "### MSE", "### Hinge\nZero once the margin exceeds one.\n### MSE")
    edit(losses, "decks.toml", "seed = 1", "seed = 2")
    out = release(losses)
    assert "Losses: 0.2.0 -> 0.2.1 (patch: 1 note renamed, 1 note moved, 5 practice problems changed)" in out
    assert section(losses, "0.2.1").split("\n\n", 2)[2] == """\
### Moved

- Regression › Hinge, from Classification › Hinge (`losses.md:7`)

### Renamed

- Regression › L1 → Mean absolute error (`losses.md:5`)

### Practice

- Squares: 5 problems changed (seed 1 → 2)
"""

    edit(losses, "losses.md", "### MSE\nMean squared error.\n", "")
    edit(losses, "decks.toml", "count = 5", "count = 4")
    assert "Losses: 0.2.1 -> 1.0.0 (major: 1 note retired, 1 practice problem retired)" in release(losses)
    assert "### Retired\n\n- Regression › MSE, kept in collections until deleted there (`was losses.md:9`)\n" \
        in section(losses, "1.0.0")

    changelog = (losses.root / "CHANGELOG.md").read_text()
    assert re.findall(r"^## (.*) \(", changelog, re.MULTILINE) == [
        "Losses 1.0.0", "Losses 0.2.1", "Losses 0.2.0", "Losses 0.1.1", "Losses 0.1.0"]
    assert (losses.root / "decks.toml").read_text() == DECKS.replace('"0.1.0"', '"1.0.0"').replace(
        "count = 3", "count = 4").replace("seed = 1", "seed = 2")
    assert sorted(path.relative_to(losses.root / "dist").as_posix() for path in (losses.root / "dist").rglob("*")
                  if path.parent.name == "1.0.0" or path.parent.name == "dist") == [
        "0.1.0", "0.1.1", "0.2.0", "0.2.1", "1.0.0",
        "1.0.0/losses-1.0.0.apkg", "1.0.0/losses-1.0.0.changes.md", "1.0.0/losses-1.0.0.manifest.json"]


def test_releasing_with_nothing_changed_is_refused(losses):
    release(losses)
    before = {path: path.read_bytes() for path in losses.root.rglob("*") if path.is_file()}
    result = losses.run("release", "--offline")
    assert result.code == 1
    assert result.err == ("error: nothing changed since the last release (Losses 0.1.0): nothing to release\n")
    assert {path: path.read_bytes() for path in losses.root.rglob("*") if path.is_file()} == before


def test_a_dry_run_says_which_version_and_why_and_writes_nothing(losses):
    release(losses)
    edit(losses, "losses.md", "Mean absolute error.", "Mean absolute error: robust to outliers.")
    before = {path: path.read_bytes() for path in losses.root.rglob("*") if path.is_file()}
    out = release(losses, "--dry-run")
    assert out.startswith("Losses: 0.1.0 -> 0.1.1 (patch: 1 note edited)\n\n## Losses 0.1.1 (2025-12-01)\n")
    assert "  - Mean absolute error.\n  + Mean absolute error: robust to outliers.\n" in out
    assert out.endswith("dry run: nothing was written\n")
    assert {path: path.read_bytes() for path in losses.root.rglob("*") if path.is_file()} == before


def test_the_imported_deck_says_its_version_and_what_changed(losses, anki):
    release(losses)
    anki.import_deck(losses.root / "dist/0.1.0/losses-0.1.0.apkg")
    assert "Version 0.1.0" in anki.col.decks.by_name("Losses")["desc"]
    edit(losses, "losses.md", "## Classification", "### MSE\nMean squared error.\n## Classification")
    edit(losses, "losses.md", "Mean absolute error.", "Mean absolute error: robust to outliers.")
    release(losses)
    log = anki.import_deck(losses.root / "dist/0.2.0/losses-0.2.0.apkg")
    assert len(log.new) == 1 and len(log.updated) == 1
    description = anki.col.decks.by_name("Losses")["desc"]
    assert description.startswith("<p>Version 0.2.0 · 7 notes · 0 images</p>"
                                  "<p>Changes since 0.1.0: 1 note added (MSE), 1 note edited.</p>")
    assert "href" not in description and "http" not in description


def test_a_changed_note_type_schema_makes_a_major_version(losses):
    """An older release whose note type had other fields (as if it was built before a schema change)."""
    release(losses)
    path = losses.root / "dist/0.1.0/losses-0.1.0.manifest.json"
    manifest = json.loads(path.read_text())
    manifest["note_type"]["fields"] = manifest["note_type"]["fields"][:5]
    path.write_text(json.dumps(manifest))
    assert "Losses: 0.1.0 -> 1.0.0 (major: the note type's fields changed)" in release(losses)


def git(cwd: Path, *args: str) -> str:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@example.org",
                   "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=environment, check=True, capture_output=True,
                          text=True).stdout


def test_a_release_is_rebuilt_byte_for_byte_from_a_clean_clone_at_its_tag(losses, capsys, monkeypatch):
    (losses.root / ".gitignore").write_text((Path(__file__).parents[1] / ".gitignore").read_text())
    git(losses.root, "init", "-q")

    def commit_and_tag(version: str) -> None:
        git(losses.root, "add", "-A")
        git(losses.root, "commit", "-q", "-m", f"release {version}")
        git(losses.root, "tag", f"v{version}")

    release(losses)
    commit_and_tag("0.1.0")
    edit(losses, "losses.md", "Mean absolute error.", "Mean absolute error (MAE).")
    release(losses)
    commit_and_tag("0.1.1")
    edit(losses, "losses.md", "Mean absolute error (MAE).", "Mean absolute error, after the tag.")
    losses.run()
    assert "dist/0.1.1/losses-0.1.1.manifest.json" in git(losses.root, "ls-files")

    clone = losses.root.parent / "clone"
    git(losses.root.parent, "clone", "-q", "--branch", "v0.1.1", str(losses.root), str(clone))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")  # another day: nothing may depend on it
    monkeypatch.setenv("XDG_CACHE_HOME", str(losses.root.parent / "another-cache"))
    rebuilt = Project(clone, capsys)
    assert rebuilt.run().code == 0
    assert ((clone / "dist/losses-0.1.1.apkg").read_bytes()
            == (losses.root / "dist/0.1.1/losses-0.1.1.apkg").read_bytes())
    assert git(clone, "status", "--porcelain") == ""  # the lock and the release manifests come out the same


def test_diff_takes_two_versions_or_two_manifests_and_reads_like_the_changelog(losses):
    release(losses)
    edit(losses, "losses.md", "### L1\nMean absolute error.\n", "")
    edit(losses, "losses.md", "## Classification", "### MSE\nMean squared error.\n## Classification")
    release(losses)
    by_version = losses.run("diff", "0.1.0", "1.0.0")
    assert by_version.code == 0, by_version.err
    assert by_version.out.splitlines() == [
        "Losses 0.1.0 -> 1.0.0: 3 notes and 3 practice problems -> 3 notes and 3 practice problems "
        "(major: 1 note retired; also 1 note added)",
        "  Added",
        "    Regression › MSE  losses.md:5",
        "  Retired",
        "    Regression › L1, kept in collections until deleted there  was losses.md:5",
        "  1 added, 0 edited, 0 re-rendered, 0 moved, 0 renamed, 1 retired, 2 unchanged",
    ]
    by_path = losses.run("diff", "dist/0.1.0/losses-0.1.0.manifest.json", "dist/1.0.0/losses-1.0.0.manifest.json")
    assert by_path.out == by_version.out
    missing = losses.run("diff", "0.1.0", "0.3.0")
    assert missing.code == 2 and missing.err == "error: no deck has both 0.1.0 and 0.3.0 in dist/ (releases: " \
                                                "Losses: 0.1.0, 1.0.0)\n"


def test_diff_reads_manifests_written_before_they_held_headings_and_text(losses):
    """A format-1 manifest (guid, key, hash, source, deck per note) still compares; edits show without text."""
    release(losses)
    old = losses.root / "dist/0.1.0/losses-0.1.0.manifest.json"
    data = json.loads(old.read_text())
    old.write_text(json.dumps({"deck": data["deck"], "version": data["version"], "media": [],
                               "notes": [{key: note[key] for key in ("guid", "key", "hash", "source", "deck")}
                                         for note in data["notes"]]}))
    edit(losses, "losses.md", "Mean absolute error.", "Mean absolute error: robust to outliers.")
    edit(losses, "decks.toml", "count = 3", "count = 4")
    assert "Losses: 0.1.0 -> 0.2.0 (minor: 1 practice problem added; also 1 note edited)" in release(losses)
    assert losses.run("diff", "0.1.0", "0.2.0").out.splitlines()[1:6] == [
        "  Changed",
        "    Regression › L1  losses.md:5",
        "  Practice",
        "    Squares: 1 problem added",
        "  0 added, 1 edited, 0 re-rendered, 0 moved, 0 renamed, 0 retired, 2 unchanged",
    ]


def test_a_release_needs_a_semantic_version(losses):
    edit(losses, "decks.toml", '"0.1.0"', '"1.0"')
    result = losses.run("release")
    assert result.code == 2
    assert result.err == ("decks.toml: error: deck 'Losses' has version '1.0'; a release needs MAJOR.MINOR.PATCH, "
                          'e.g. version = "0.1.0"\n')


def test_an_edit_in_a_long_paragraph_shows_only_the_changed_words_with_some_around_them(losses):
    words = [f"word{i}" for i in range(200)]
    paragraph = " ".join(words)
    edit(losses, "losses.md", "Mean absolute error.", paragraph)
    release(losses)
    for index in (20, 60, 100, 140, 180):
        words[index] = f"CHANGED{index}"
    edit(losses, "losses.md", paragraph, " ".join(words))
    release(losses)
    diff = section(losses, "0.1.1").split("```diff\n")[1].split("  ```")[0].splitlines()
    assert diff == [line for index in (20, 60, 100) for line in (
        f"  - … {' '.join(f'word{i}' for i in range(index - 4, index + 5))} …",
        f"  + … {' '.join(f'word{i}' if i != index else f'CHANGED{i}' for i in range(index - 4, index + 5))} …")
    ] + ["    (and 2 more)"]


def test_a_decks_toml_the_release_cannot_rewrite_is_refused_before_anything_is_written(losses):
    losses.write("decks.toml", 'deck = [{name = "Losses", version = "0.1.0", sources = ["losses.md"]}]\n')
    release(losses)
    edit(losses, "losses.md", "Mean absolute error.", "Mean absolute error: robust to outliers.")
    before = {path: path.read_bytes() for path in losses.root.rglob("*") if path.is_file()}
    result = losses.run("release", "--offline")
    assert result.code == 2
    assert result.err == ("decks.toml: error: cannot write the new version of 'Losses' (0.1.1); write each deck's "
                          'version = "X.Y.Z" on a line of its own in its [[deck]] table\n')
    assert {path: path.read_bytes() for path in losses.root.rglob("*") if path.is_file()} == before
