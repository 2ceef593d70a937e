"""A build killed at any moment of writing leaves, once the next build has started, either every old
file or every new one: never a new deck beside an old lock, never stray temporary files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ankibuild.files import journal_for, recover

ROOT = Path(__file__).resolve().parents[1]
# The real command, killed (SIGKILL, as by the OOM killer) at its n-th rename or deletion: before the
# journal commits (staged files on disk), after (some files moved), and after the last move.
KILLED_AT_STEP = """
import os, signal, sys
steps, kill_at = [0], int(sys.argv[1])
def step(real):
    def wrapper(*args, **kwargs):
        steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapper
os.replace, os.unlink = step(os.replace), step(os.unlink)
from ankibuild.cli import main
sys.exit(main(sys.argv[2:]))
"""
BUILD = ("build", "n.md", "--deck", "Notes", "--out", "dist", "--offline", "--cache-dir", "cache")
OUTPUTS = ("dist/notes-0.1.0.apkg", "dist/notes-0.1.0.manifest.json", "n.lock.json")


def outputs(root: Path) -> tuple[bytes, ...]:
    return tuple((root / name).read_bytes() for name in OUTPUTS)


def hidden_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob(".*") if "cache" not in path.parts)


def test_a_build_killed_at_any_rename_is_all_old_or_all_new_once_the_next_build_starts(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project.write("n.md", "## A\ntext\n\n## B\nmore\n")
    assert project.run(*BUILD).code == 0
    old = outputs(project.root)
    before = project.root.parent / "before"
    shutil.copytree(project.root, before)
    project.write("n.md", "## A\nedited\n\n## B\nmore\n\n## C\nnew\n")
    assert project.run(*BUILD).code == 0
    new = outputs(project.root)
    assert old[0] != new[0] and old[2] != new[2]

    seen = set()
    for step in range(1, 100):
        trial = project.root.parent / f"killed-at-{step}"
        shutil.copytree(before, trial)
        shutil.copy(project.root / "n.md", trial / "n.md")
        killed = subprocess.run([sys.executable, "-c", KILLED_AT_STEP, str(step), *BUILD], cwd=trial,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=120)
        if killed.returncode == 0:
            break
        assert killed.returncode == -9, killed.stderr.decode()
        recover(journal_for(trial / "n.lock.json"))  # what the next build does before anything else
        state = outputs(trial)
        assert state in (old, new), f"killed at step {step}: a mix of old and new files"
        assert hidden_files(trial) == [], f"killed at step {step}: left {hidden_files(trial)}"
        seen.add("old" if state == old else "new")
        shutil.rmtree(trial)
    assert step > 5 and seen == {"old", "new"}  # every step was tried, and the commit point lies between them
    assert outputs(trial) == new
