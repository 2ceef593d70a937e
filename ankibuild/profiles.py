"""Find the user's collection the way Anki finds its profiles, on Linux, macOS and Windows, and make
sure it is one (without loading Anki's backend, which a push with nothing to do never needs)."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from .diagnostics import UsageError

SQLITE_MAGIC = b"SQLite format 3\x00"


def anki_base(environ: dict[str, str] | None = None, platform: str = sys.platform) -> Path:
    """Anki's base folder: `ANKI_BASE` if set (as Anki's own `-b` option), else Anki2 in the
    platform's application-data folder."""
    env = os.environ if environ is None else environ
    if env.get("ANKI_BASE"):
        return Path(env["ANKI_BASE"])
    if platform.startswith("win"):
        return Path(env.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "Anki2"
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Anki2"
    return Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "Anki2"


def profiles(base: Path) -> list[str]:
    """The profiles Anki lists (prefs21.db), else the folders that hold a collection."""
    names: list[str] = []
    prefs = base / "prefs21.db"
    if prefs.is_file():
        try:
            with sqlite3.connect(f"file:{prefs}?mode=ro", uri=True) as db:
                names = [row[0] for row in db.execute("select name from profiles where name != '_global'")]
        except sqlite3.Error:
            names = []
    if not names and base.is_dir():
        names = [folder.name for folder in base.iterdir() if (folder / "collection.anki2").is_file()]
    return sorted(names)


def collection_path(collection: Path | None, profile: str | None, base: Path | None = None) -> Path:
    """The collection file named by --collection, or by --profile, or the only profile there is."""
    if collection is not None:
        return collection
    base = base or anki_base()
    found = profiles(base)
    if profile is None:
        if len(found) == 1:
            profile = found[0]
        elif not found:
            raise UsageError(f"error: no Anki profile in {base}; name the collection with --collection PATH "
                             "(the collection.anki2 file in Anki's profile folder)")
        else:
            raise UsageError(f"error: {len(found)} Anki profiles in {base} ({', '.join(found)}); "
                             "choose one with --profile NAME")
    elif profile not in found:
        listed = ", ".join(found) or "none"
        raise UsageError(f"error: no Anki profile '{profile}' in {base} (profiles: {listed})")
    return base / profile / "collection.anki2"


def check_collection(path: Path) -> int:
    """Refuse, before Anki's backend touches it, anything that is not a closed Anki collection:
    the backend would turn any SQLite file into a collection, and create one where none is.
    Returns the collection's modification time, which Anki moves with every change."""
    if not path.is_file():
        raise UsageError(f"{path}: error: no collection here; give the collection.anki2 file of an Anki profile")
    with path.open("rb") as stream:
        if stream.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise UsageError(f"{path}: error: not an Anki collection (not an SQLite database)")
    side_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    absent = [side for side in side_files if not side.exists()]
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
            modified = db.execute("select mod from col").fetchone()[0] if {"col", "notes", "cards"} <= tables else 0
        finally:
            db.close()
            for side in absent:  # a read-only look at a WAL database leaves them behind: leave no trace
                side.unlink(missing_ok=True)
    except sqlite3.OperationalError as err:
        if "locked" in str(err):
            raise UsageError(f"{path}: error: the collection is open in Anki (or another program); "
                             "close Anki, or switch profiles in it, and run again") from None
        raise UsageError(f"{path}: error: cannot read the collection ({err})") from None
    if not {"col", "notes", "cards"} <= tables:
        raise UsageError(f"{path}: error: not an Anki collection (an SQLite database without Anki's tables)")
    return int(modified)
