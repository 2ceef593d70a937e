"""The one note type every ankibuild card uses, designed once for the long run.

Anki treats a change to a note type's fields as a schema change: an imported deck then forks the
type ("Name+"), no existing note updates again, and the next sync is a one-way full sync. So the
field list is frozen here, with spare fields reserved, and guarded by the lock file. CSS and
templates may change freely: they update in place when their mtime is newer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# Spare3 holds the merge base that `push` reads (see stamp.py); Spare1 and Spare2 stay free.
FIELDS = ("Question", "Answer", "Context", "Source", "Extra", "Spare1", "Spare2", "Spare3")


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    fields: tuple[str, ...]

    @property
    def design(self) -> str:
        """What, when it changes, must reach the user's collection as a newer note type."""
        return hashlib.sha256((FRONT + BACK + css()).encode()).hexdigest()


NOTE_TYPE = NoteType(id=1_764_000_000_001, name="ankibuild note v1", fields=FIELDS)

FRONT = """\
{{#Context}}<div class="context">{{Context}}</div>{{/Context}}
<div class="question">{{Question}}</div>"""

BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}
{{#Source}}<div class="source">{{Source}}</div>{{/Source}}"""

BASE_CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 19px; line-height: 1.5; text-align: left;
  color: #1d1d1f; background: #fdfdfd;
  max-width: 44em; margin: 0 auto; padding: 0 12px;
  overflow-wrap: break-word;
}
.card.nightMode { color: #e6e6e6; background: #1e1e1e; }
.context { font-size: 0.8em; color: #6b6b6b; margin-bottom: 0.3em; }
.nightMode .context { color: #a0a0a0; }
.question { font-size: 1.15em; font-weight: 600; }
.question .problem { font-size: 0.87em; font-weight: normal; }
.source { font-size: 0.7em; color: #8a8a8a; margin-top: 1.5em; }
.nightMode .source { color: #8f8f8f; }
img { max-width: 100%; height: auto; }
img.figure { display: block; margin: 0 auto; }
.nightMode img.figure { filter: invert(1) hue-rotate(180deg); }
figure { margin: 0.8em 0; max-width: 100%; }
figcaption { font-size: 0.85em; color: #6b6b6b; }
.nightMode figcaption { color: #a0a0a0; }
table { border-collapse: collapse; margin: 0.6em 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #c8c8c8; padding: 0.25em 0.6em; }
.nightMode th, .nightMode td { border-color: #555; }
blockquote { margin: 0.6em 0; padding: 0.2em 0.9em; border-left: 4px solid #b5c7e8; background: #f2f5fb; }
.nightMode blockquote { border-left-color: #4b6ea8; background: #262b33; }
code { font-family: "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em;
  background: #f0f0f0; padding: 0.1em 0.3em; border-radius: 3px; }
.nightMode code { background: #2d2d2d; }
pre.highlight { background: #f6f8fa; padding: 0.6em 0.8em; border-radius: 6px; overflow-x: auto; }
.nightMode pre.highlight { background: #272822; }
pre.highlight code { background: none; padding: 0; font-size: 0.85em; }
.missing-image { color: #b00020; font-style: italic; }
.nightMode .missing-image { color: #ff7b8a; }
.file-path { font-size: 0.85em; color: #6b6b6b; }
.nightMode .file-path { color: #a0a0a0; }
a { color: #0a58ca; }
.nightMode a { color: #8ab4f8; }
"""


def css() -> str:
    """Card CSS: base styles plus the colours of Pygments' token classes for code, light (friendly)
    and night (monokai). Those come from highlight.css, which tests/test_notetype.py checks against
    the installed Pygments: asking Pygments at every build imported its formatters and styles."""
    return BASE_CSS + (Path(__file__).parent / "highlight.css").read_text(encoding="utf-8")
