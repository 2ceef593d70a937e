"""Build the Anki decks: `python build.py` (see README.md, or `python build.py --help`)."""

import importlib.util
import sys

SETUP = ("[ .venv/.installed -nt pyproject.toml ] || { python3 -m venv .venv && .venv/bin/pip install -q -e . "
         "&& touch .venv/.installed; } && .venv/bin/python build.py")


def _not_set_up(problem: str) -> None:
    """Exit with code 2 and the README's one-liner, instead of an import traceback."""
    print(f"error: {problem}. Set up once, and build, from the project folder with:\n  {SETUP}", file=sys.stderr)
    sys.exit(2)


if sys.version_info < (3, 11):
    _not_set_up(f"ankibuild needs Python 3.11 or later, and {sys.executable} is {sys.version.split()[0]}")
# The engine imports its libraries only when a build needs them, so look for them here (without
# importing them): run without the project's virtual environment, say so before anything starts.
MISSING = next((name for name in ("genanki", "markdown_it", "nh3", "pygments")
                if importlib.util.find_spec(name) is None), None)
try:
    if MISSING:
        raise ModuleNotFoundError(name=MISSING)
    from ankibuild.cli import main
except ModuleNotFoundError as missing:
    _not_set_up(f"the module '{missing.name}' is not installed for {sys.executable}: ankibuild's dependencies "
                "live in its virtual environment, .venv")

if __name__ == "__main__":
    sys.exit(main())
