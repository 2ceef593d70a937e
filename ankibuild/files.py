"""Crash-safe writes: an interrupted or failed build never leaves half a deck, or a deck without its lock.

A build writes several files (each deck, its manifest, the lock) that only make sense together. A
rename is atomic, a series of renames is not, so the commit is journaled: the files are staged
beside their targets, a journal lists them, and only once the journal says "commit" are they moved
into place. The next build first calls `recover`, which finishes a committed journal (every staged
file is complete) or removes the staged files of one that never committed, so the outputs are always
all old or all new.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path


class WriteError(Exception):
    """The outputs could not be written; str(err) names the path and what to do (`path: error: ...`)."""


def cannot_write(path: Path, err: OSError) -> WriteError:
    return WriteError(f"{path}: error: cannot write here ({err.strerror or err}); nothing was written. Choose "
                      "a place you may write to (--out, --lock, --cache-dir; out and lock in decks.toml)")


def journal_for(lock: Path) -> Path:
    """Where the journal of a build that writes `lock` lives: beside it, hidden."""
    return lock.with_name(f".{lock.name}.journal")


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a fresh temporary file beside `path` (same file system, so the rename is atomic)."""
    return _write_new(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp", data)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; on any failure the staged file is removed."""
    temporary = stage(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replace_all(files: dict[Path, bytes], journal: Path) -> None:
    """Write every file or none: stage them all, journal the commit, then move them into place.
    Raises WriteError (nothing changed) when a file cannot be written."""
    pairs = {path: path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp" for path in files}
    writing = journal.parent  # the journal's folder is the lock's: name that, not the hidden journal
    try:
        _write_journal(journal, "staging", pairs)  # first, so that recover finds any staged file
        for writing, data in files.items():
            _write_new(pairs[writing], data)
        writing = journal.parent
        _write_journal(journal, "commit", pairs)
    except BaseException as err:
        _roll_back(journal, pairs)
        if isinstance(err, OSError):
            raise cannot_write(writing, err) from None
        raise
    _roll_forward(journal, pairs)


def recover(journal: Path) -> None:
    """Finish or undo the commit an earlier build was killed in, before anything reads the outputs."""
    for stray in journal.parent.glob(f".{journal.name}.*.tmp"):  # a journal being written when killed
        stray.unlink(missing_ok=True)
    if not journal.exists():
        return
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        pairs = {Path(target): Path(temporary) for temporary, target in data["files"]}
        committed = data["state"] == "commit"
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise WriteError(f"{journal}: error: the journal of an interrupted build is damaged ({err}); "
                         "check the outputs beside it, then delete it") from None
    try:
        if committed:
            _roll_forward(journal, {target: temp for target, temp in pairs.items() if temp.exists()})
        else:
            _roll_back(journal, pairs)
    except OSError as err:
        raise cannot_write(journal.parent, err) from None


def _write_journal(journal: Path, state: str, pairs: dict[Path, Path]) -> None:
    files = [[str(temporary.absolute()), str(target.absolute())] for target, temporary in pairs.items()]
    write_atomic(journal, json.dumps({"state": state, "files": files}).encode())
    _sync_folder(journal.parent)


def _roll_forward(journal: Path, pairs: dict[Path, Path]) -> None:
    for target, temporary in pairs.items():
        os.replace(temporary, target)
    for folder in {target.parent for target in pairs}:
        _sync_folder(folder)
    journal.unlink(missing_ok=True)


def _roll_back(journal: Path, pairs: dict[Path, Path]) -> None:
    for path in [*pairs.values(), journal]:
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):  # never staged: its folder is missing, or a file
            pass


def _write_new(path: Path, data: bytes) -> Path:
    """Create `path` (it must not exist) with `data`, flushed to disk, with the user's usual permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _sync_folder(folder: Path) -> None:
    """Make renames in `folder` durable (a power cut after the build must not undo them)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def file_sha256(path: Path) -> str | None:
    """The hex SHA-256 of a file's bytes; None when it cannot be read (say, it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
