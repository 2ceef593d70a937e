"""A push never leaves the collection in a form the user's own, older Anki cannot open.

The user's desktop may run an older Anki than the `anki` package ankibuild pushes with. A collection
made by Anki 23.10 (three years older, the same Rust core generation as today's phones) is pushed to
by us, then reopened, checked and rendered by 23.10 itself, in its own virtual environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OLD_ANKI = "23.10.1"
OLD_VENV = Path.home() / ".cache" / "ankibuild-tests" / f"anki-{OLD_ANKI}"  # computed before HOME may move


def old_python() -> Path:
    """Python of a virtual environment with the old Anki, made once and reused across runs."""
    python = OLD_VENV / "bin" / "python"
    if not (OLD_VENV / "ready").is_file():  # a half-made one (interrupted) is made again
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(OLD_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"anki=={OLD_ANKI}"], check=True,
                       capture_output=True, timeout=600)
        (OLD_VENV / "ready").write_text(OLD_ANKI)
    return python


def in_old_anki(script: str, collection: Path) -> dict:
    """Run `script` (with `col` open) under the old Anki; it sets `result`, returned as JSON."""
    program = ("import json, sys\nfrom anki.collection import Collection\n"
               f"col = Collection({str(collection)!r})\n" + script
               + "\ncol.close()\nprint(json.dumps(result))\n")
    done = subprocess.run([str(old_python()), "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_collection_of_an_older_anki_is_pushed_to_and_reopens_in_that_anki(project, tmp_path):
    collection = tmp_path / "User 1" / "collection.anki2"
    collection.parent.mkdir()
    made = in_old_anki("result = {'version': col.db.scalar('select ver from col')}", collection)
    project.write("notes.md", "## What does IoU measure?\nOverlap over union: \\(|A \\cap B| / |A \\cup B|\\).\n\n"
                              "## What does NMS keep?\nThe highest-scoring box of each cluster.\n")
    result = project.run("push", "notes.md", "--deck", "Vision", "--offline", "--collection", str(collection))
    assert result.code == 0, result.err

    seen = in_old_anki("""
cards = [col.get_card(cid) for cid in sorted(col.find_cards('deck:Vision'))]
result = {'version': col.db.scalar('select ver from col'), 'integrity': col.db.scalar('pragma integrity_check'),
          'questions': sorted(c.note()['Question'] for c in cards), 'answer': cards[0].answer()}
""", collection)
    assert seen["version"] == made["version"] and seen["integrity"] == "ok"
    assert seen["questions"] == ["What does IoU measure?", "What does NMS keep?"]
    assert "Overlap over union" in seen["answer"]

    # and the old Anki's own edit is merged by the next push, not overwritten
    in_old_anki("""
note = col.get_note(col.find_notes('"Question:What does NMS keep?"')[0])
note['Answer'] = 'Edited in the old Anki.'
col.update_note(note)
result = {}
""", collection)
    result = project.run("push", "notes.md", "--deck", "Vision", "--offline", "--collection", str(collection))
    assert result.code == 0 and "edits made in Anki, kept" in result.out
    assert in_old_anki("result = col.get_note(col.find_notes('\"Question:What does NMS keep?\"')[0])['Answer']",
                       collection) == "Edited in the old Anki."
