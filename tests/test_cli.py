"""The commands a user types: build decks.toml, build any files, check, and mistakes in usage."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DECKS = """\
[[deck]]
name = "Vision Cards"
version = "1.2.0"
sources = ["source/vision/*.md"]
tags = ["vision"]

[[deck]]
name = "Losses"
version = "0.3.1"
sources = ["source/losses.md"]
"""


@pytest.fixture
def declared(project):
    project.write("decks.toml", DECKS)
    project.write("source/vision/boxes.md", "# Boxes\n\n## IoU\nOverlap over union.\n\n## NMS\nKeep the best box.\n")
    project.write("source/vision/masks.md", "## Panoptic segmentation\nSemantic plus instance.\n")
    project.write("source/losses.md", "# Losses\n## Regression\n### Huber\nQuadratic, then linear.\n")
    return project


def test_no_arguments_builds_every_declared_deck(declared, anki):
    result = declared.run()
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "Vision Cards 1.2.0: 3 notes (3 new, 0 changed), 0 media, 0 warnings",
        "Losses 0.3.1: 1 notes (1 new, 0 changed), 0 media, 0 warnings",
        "wrote dist/vision-cards-1.2.0.apkg",
        "wrote dist/vision-cards-1.2.0.manifest.json",
        "wrote dist/losses-0.3.1.apkg",
        "wrote dist/losses-0.3.1.manifest.json",
        "wrote decks.lock.json",
    ]
    log = anki.import_deck(declared.root / "dist/vision-cards-1.2.0.apkg")
    assert len(log.new) == 3
    assert anki.note("IoU").tags == ["iou", "vision"]
    description = anki.col.decks.by_name("Vision Cards")["desc"]
    assert "Version 1.2.0" in description and "3 notes" in description


def test_the_manifest_lists_every_note(declared):
    declared.run()
    manifest = json.loads((declared.root / "dist/losses-0.3.1.manifest.json").read_text())
    assert manifest["deck"] == "Losses" and manifest["version"] == "0.3.1"
    [note] = manifest["notes"]
    assert note["key"] == "Regression › Huber" and note["source"] == "source/losses.md:3"
    lock = json.loads((declared.root / "decks.lock.json").read_text())
    assert note["guid"] == lock["decks"]["Losses"]["Regression › Huber"]["guid"]
    assert note["hash"] == lock["decks"]["Losses"]["Regression › Huber"]["fields_hash"]


def test_check_reports_and_writes_nothing(declared):
    declared.write("source/losses.md", "# Losses\n## Regression\n### Huber\nLinear far out.\n### Hinge\n")
    result = declared.run("check")
    assert result.code == 0
    assert result.err == 'source/losses.md:5: warning: empty heading "Hinge" makes no card; write its answer below it\n'
    assert not (declared.root / "dist").exists() and not (declared.root / "decks.lock.json").exists()


def test_check_takes_folders(declared):
    result = declared.run("check", "source/vision", "--strict")
    assert result.code == 0 and "3 notes" in result.out


def test_any_markdown_file_can_be_built_without_configuration(project, tmp_path):
    elsewhere = tmp_path / "home" / "notes"
    elsewhere.mkdir(parents=True)
    (elsewhere / "vision.md").write_text("## Anchor boxes\nReference boxes.\n")
    out = tmp_path / "decks"
    result = project.run("build", str(elsewhere / "vision.md"), "--deck", "Vision", "--version", "2.0",
                         "--out", str(out), "--offline")
    assert result.code == 0, result.err
    assert (out / "vision-2.0.apkg").is_file() and (elsewhere / "vision.lock.json").is_file()


@pytest.mark.parametrize("args, message", [
    (("build",), "decks.toml: error: no decks.toml here; run from the project folder"),
    (("build", "nowhere.md"), "nowhere.md: error: no such file or folder"),
    (("build", "--deck", "X"), "error: --deck, --version and --lock go with FILE..."),
    (("build", "n.md", "--version", "1 beta"), "--version: error: version '1 beta' must be letters, digits"),
    (("build", "--frobnicate"), "unrecognized arguments: --frobnicate"),
])
def test_usage_mistakes_exit_with_code_2_and_say_what_to_do(project, args, message):
    project.write("n.md", "## A\ntext\n")
    result = project.run(*args)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("toml, message", [
    ("[[deck]]\nname = 'A'\n", "[[deck]] #1: error: version must be a string"),
    ("[[deck]]\nname = 'A'\nversion = '1'\nsources = ['missing/*.md']\n", "source 'missing/*.md' matches no file"),
    ("[[deck]]\nname = 'A'\nversion = '1'\nsources = ['n.md']\ncolour = 'red'\n", "unknown key(s) colour"),
    ("[[deck]\n", "decks.toml: error: "),
    ("[[deck]]\nname = 'A b'\nversion = '1'\nsources = ['n.md']\n[[deck]]\nname = 'a-B'\nversion = '1'\n"
     "sources = ['n.md']\n", "decks 'A b' and 'a-B' would both be written to a-b-<version>.apkg"),
])
def test_mistakes_in_decks_toml_are_usage_errors(project, toml, message):
    project.write("n.md", "## A\ntext\n")
    project.write("decks.toml", toml)
    result = project.run()
    assert result.code == 2 and message in result.err


def test_the_build_script_runs_as_a_command(tmp_path):
    (tmp_path / "n.md").write_text("## A\ntext\n")
    script = Path(__file__).parents[1] / "build.py"
    result = subprocess.run([sys.executable, str(script), "build", "n.md", "--offline", "--cache-dir", "c"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist/n-0.1.0.apkg").is_file()
    helped = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "decks.toml" in helped.stdout


def test_diff_shows_what_changed_between_two_versions(declared):
    declared.run()
    declared.write("decks.toml", DECKS.replace('"0.3.1"', '"0.4.0"').replace('"1.2.0"', '"1.3.0"'))
    declared.write("source/losses.md", "# Losses\n## Regression\n### Huber loss\nQuadratic, then linear.\n"
                                       "### MSE\nMean of squared errors.\n")
    declared.write("source/vision/boxes.md", "# Boxes\n\n## IoU\nIntersection over union.\n")
    declared.run()
    result = declared.run("diff", "dist/losses-0.3.1.manifest.json", "dist/losses-0.4.0.manifest.json")
    assert result.code == 0
    assert result.out.splitlines() == [
        "Losses 0.3.1 -> 0.4.0: 1 note -> 2 notes (minor: 1 note added; also 1 note renamed)",
        "  Added",
        "    Regression › MSE  source/losses.md:5",
        "  Renamed",
        "    Regression › Huber → Huber loss  source/losses.md:3",
        "  1 added, 0 edited, 0 re-rendered, 0 moved, 1 renamed, 0 retired, 0 unchanged",
    ]
    vision = declared.run("diff", "dist/vision-cards-1.2.0.manifest.json", "dist/vision-cards-1.3.0.manifest.json")
    assert vision.out.splitlines() == [
        "Vision Cards 1.2.0 -> 1.3.0: 3 notes -> 2 notes (major: 1 note retired; also 1 note edited)",
        "  Changed",
        "    IoU  source/vision/boxes.md:3",
        "        - Overlap over union.",
        "        + Intersection over union.",
        "  Retired",
        "    NMS, kept in collections until deleted there  was source/vision/boxes.md:6",
        "  0 added, 1 edited, 0 re-rendered, 0 moved, 0 renamed, 1 retired, 1 unchanged",
    ]


def test_diff_refuses_files_that_are_not_manifests(declared):
    declared.write("x.json", "[]")
    result = declared.run("diff", "x.json", "x.json")
    assert result.code == 2 and result.err.startswith("x.json: error: not a deck manifest")


@pytest.mark.parametrize("args, message", [
    (("build", "empty"), "empty: error: no Markdown (.md) files in this folder"),
    (("build", "n.md", "--out", "n.md"), "n.md: error: --out must be a folder, and this is a file"),
    (("build", "n.md", "--lock", "empty"), "empty: error: --lock must be a file, and this is a folder"),
])
def test_paths_of_the_wrong_kind_are_usage_errors(project, args, message):
    project.write("n.md", "## A\ntext\n")
    (project.root / "empty").mkdir()
    result = project.run(*args)
    assert result.code == 2 and result.err.strip() == message


def test_a_file_named_twice_is_read_once(project):
    project.write("n.md", "## A\ntext\n")
    result = project.run("build", "n.md", "./n.md", "--offline")
    assert result.code == 0 and "1 notes" in result.out


def test_decks_may_have_names_in_any_script(project):
    project.write("decks.toml", "[[deck]]\nname = 'Физика'\nversion = '1'\nsources = ['a.md']\n"
                                "[[deck]]\nname = 'Химия'\nversion = '1'\nsources = ['b.md']\n")
    project.write("a.md", "## A\ntext\n")
    project.write("b.md", "## B\ntext\n")
    result = project.run("--offline")
    assert result.code == 0, result.err
    assert "wrote dist/физика-1.apkg" in result.out and "wrote dist/химия-1.apkg" in result.out


@pytest.mark.parametrize("toml, message", [
    ("out = ['x']\n[[deck]]\nname = 'A'\nversion = '1'\nsources = ['n.md']\n", "out must be a path written as a string"),
    ("lock = 5\n[[deck]]\nname = 'A'\nversion = '1'\nsources = ['n.md']\n", "lock must be a path written as a string"),
    ("[[deck]]\nname = 'A'\nversion = '1'\nsources = ['/abs/*.md']\n", "source '/abs/*.md' must be relative to decks.toml"),
])
def test_more_mistakes_in_decks_toml(project, toml, message):
    project.write("n.md", "## A\ntext\n")
    project.write("decks.toml", toml)
    result = project.run()
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_without_the_virtual_environment_the_build_says_how_to_set_up(tmp_path):
    """A newcomer runs `python build.py` with a Python that lacks the dependencies (-S: no site-packages)."""
    script = Path(__file__).parents[1] / "build.py"
    result = subprocess.run([sys.executable, "-S", str(script)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is not installed for" in result.stderr and "Set up once, and build, from the project folder with:" \
        in result.stderr and "pip install -q -e ." in result.stderr


def test_the_readme_one_liner_installs_only_once(tmp_path):
    """The README's build command, run a second time, goes straight to the build: no pip, no new venv."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    one_liner = re.search(r"^(\[ \.venv/\.installed .*build\.py)\s+#", readme, re.MULTILINE).group(1)
    venv = tmp_path / ".venv"  # as the first run left it; its python is this one, and no pip exists
    (venv / "bin").mkdir(parents=True)
    (venv / "bin/python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv / "bin/python").chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("")
    (venv / ".installed").touch()
    os.utime(tmp_path / "pyproject.toml", (0, 0))  # installed after pyproject.toml last changed
    shutil.copy(Path(__file__).parents[1] / "build.py", tmp_path)
    (tmp_path / "n.md").write_text("## A\ntext\n")
    result = subprocess.run(["sh", "-c", one_liner.replace("build.py", "build.py build n.md --offline --cache-dir c")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist/n-0.1.0.apkg").is_file() and not (venv / "bin/pip").exists()


def test_the_console_script_names_itself_in_its_usage(tmp_path):
    script = Path(sys.executable).parent / "ankibuild"
    result = subprocess.run([str(script), "--frobnicate"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("usage: ankibuild ")


def test_the_readme_commands_are_the_ones_that_work(declared):
    """`check` with no argument checks the decks of decks.toml, and the README says so."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^python build.py check +# check every deck of decks.toml", readme, re.MULTILINE)
    result = declared.run("check")
    assert result.code == 0 and "Vision Cards 1.2.0: 3 notes" in result.out and "Losses 0.3.1: 1 notes" in result.out
