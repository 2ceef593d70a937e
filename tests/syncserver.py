"""Anki's own sync server on 127.0.0.1, and a device pressing Sync, for tests of the sync path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.sync_pb2 import SyncCollectionResponse

USER, PASSWORD = "user", "pass"
SERVER_START_TIMEOUT = 10.0
MEDIA_SYNC_TIMEOUT = 10.0

Required = SyncCollectionResponse.ChangesRequired


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(process: subprocess.Popen, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False  # it exited, e.g. someone took the port in the meantime
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.01)
    return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def sync_server(tmp_path: Path) -> Iterator[str]:
    """Anki's sync server with one account, on a free port; yields its endpoint URL."""
    log = tmp_path / "syncserver.log"
    for _ in range(3):
        port = _free_port()
        env = {
            **os.environ,
            "SYNC_USER1": f"{USER}:{PASSWORD}",
            "SYNC_HOST": "127.0.0.1",
            "SYNC_PORT": str(port),
            "SYNC_BASE": str(tmp_path / "syncserver"),
        }
        with log.open("ab") as out:  # a file, not a pipe: a full pipe would stall the server
            process = subprocess.Popen(
                [sys.executable, "-m", "anki.syncserver"], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        if _wait_until_listening(process, port, SERVER_START_TIMEOUT):
            break
        _stop(process)
    else:
        pytest.fail(f"the sync server did not start:\n{log.read_text(errors='replace')[-2000:]}")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        _stop(process)


# --- syncing a device, as the Sync button does ---------------------------------------------------


def _wait_for_media_sync(col: Collection) -> None:
    deadline = time.monotonic() + MEDIA_SYNC_TIMEOUT
    # media_sync_status() raises the background sync's error, if it had one, once it has finished.
    while col.media_sync_status().active:
        if time.monotonic() > deadline:
            col.abort_media_sync()
            pytest.fail(f"media sync still running after {MEDIA_SYNC_TIMEOUT}s")
        time.sleep(0.005)


def sync(anki, endpoint: str) -> str:
    """Press Sync on a device (an object with `.col`, or a Collection) and wait for the media:
    returns 'full upload', 'full download' or 'normal'."""
    col = getattr(anki, "col", anki)
    auth = col.sync_login(USER, PASSWORD, endpoint)
    out = col.sync_collection(auth, sync_media=True)
    # Surprise: `required` describes what is still needed *after* this call. A normal sync is done
    # inside sync_collection and then reads NO_CHANGES, even when it just moved notes both ways, so
    # NO_CHANGES and NORMAL_SYNC cannot tell whether anything was transferred. (sync_status() does
    # not help on the receiving side either: it only looks at local changes.)
    if out.required == Required.FULL_SYNC:
        # Both sides have cards and diverged: Anki would make the user pick one and lose the other.
        pytest.fail("Anki asks the user to choose between a full upload and a full download")
    if out.required in (Required.FULL_UPLOAD, Required.FULL_DOWNLOAD):
        upload = out.required == Required.FULL_UPLOAD
        col.close_for_full_sync()
        # server_usn is the *media* USN from the answer above, and must not be None: with None the
        # backend does the full sync but silently starts no media sync. (It is 0, not unset, while
        # the server has no media yet; that is fine.)
        col.full_upload_or_download(auth=auth, server_usn=out.server_media_usn, upload=upload)
        col.reopen(after_full_sync=True)
        kind = "full upload" if upload else "full download"
    else:
        kind = "normal"  # sync_collection itself started the media sync, even for NO_CHANGES
    _wait_for_media_sync(col)
    return kind
