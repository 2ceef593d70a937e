"""Sync a collection with AnkiWeb or a self-hosted server, through Anki's own sync protocol.

Only the host key the server hands out at login is kept (a file of mode 0600); the password never
touches the disk. A full sync overwrites one side with the other, so it only runs when the user
names the direction.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time
from pathlib import Path
from typing import Literal

from .diagnostics import UsageError

FullSync = Literal["upload", "download"] | None
MEDIA_SYNC_TIMEOUT = 600.0


def auth_file(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "ankibuild" / "sync-auth.json"


def sync(col, endpoint: str | None, full_sync: FullSync) -> str:
    """Sync `col` and its media; returns what happened ('normal sync', 'full upload', ...)."""
    from anki.errors import NetworkError, SyncError, SyncErrorKind
    from anki.sync_pb2 import SyncCollectionResponse

    required = SyncCollectionResponse.ChangesRequired
    auth = _stored_auth(endpoint)
    try:
        out = col.sync_collection(auth, sync_media=True) if auth else None
    except SyncError as err:
        if err.kind != SyncErrorKind.AUTH:
            raise UsageError(f"error: sync failed: {err}") from None
        out = None  # the stored host key was revoked: log in again
    except NetworkError as err:
        raise UsageError(f"error: cannot reach the sync server: {err}") from None
    if out is None:
        auth = _login(col, endpoint)
        out = _collection_sync(col, auth)
    if out.new_endpoint:
        auth.endpoint = out.new_endpoint
    kind = "normal sync"
    if out.required in (required.FULL_SYNC, required.FULL_UPLOAD, required.FULL_DOWNLOAD):
        if full_sync is None:
            raise UsageError(_full_sync_refusal(out.required, required))
        col.close_for_full_sync()
        try:
            col.full_upload_or_download(auth=auth, server_usn=out.server_media_usn, upload=full_sync == "upload")
        finally:
            col.reopen(after_full_sync=True)
        kind = f"full {full_sync}"
    _wait_for_media(col)
    return kind


def _collection_sync(col, auth):
    from anki.errors import NetworkError, SyncError

    try:
        return col.sync_collection(auth, sync_media=True)
    except (SyncError, NetworkError) as err:
        raise UsageError(f"error: sync failed: {err}") from None


def _full_sync_refusal(needed: int, required) -> str:
    which = {required.FULL_UPLOAD: "the server has no collection for this account yet: "
                                   "--full-sync upload sends this one",
             required.FULL_DOWNLOAD: "this collection is empty and the server has one: "
                                     "--full-sync download takes the server's"}.get(
        needed, "the collection and the server have diverged (a schema change on one side): "
                "--full-sync upload replaces the server's collection with this one (reviews on other devices "
                "not yet synced are lost), --full-sync download replaces this one with the server's "
                "(the push just made is lost)")
    return (f"error: a full sync is needed and was not done: {which}. The push itself is in the "
            "collection; run again with --sync --full-sync upload|download")


def _stored_auth(endpoint: str | None):
    from anki.sync import SyncAuth

    try:
        stored = json.loads(auth_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = stored.get(endpoint or "ankiweb") if isinstance(stored, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("hkey"), str):
        return None
    url = entry.get("endpoint") or endpoint
    return SyncAuth(hkey=entry["hkey"], **({"endpoint": url} if url else {}))


def _login(col, endpoint: str | None):
    from anki.errors import NetworkError, SyncError

    user = os.environ.get("ANKIBUILD_SYNC_USER")
    password = os.environ.get("ANKIBUILD_SYNC_PASSWORD")
    if not (user and password):
        if not sys.stdin.isatty():
            raise UsageError("error: --sync needs your sync account: set ANKIBUILD_SYNC_USER and "
                             "ANKIBUILD_SYNC_PASSWORD, or run in a terminal to be asked")
        user = user or input("Sync account (e-mail): ").strip()
        password = password or getpass.getpass("Password (not stored): ")
    try:
        auth = col.sync_login(user, password, endpoint)
    except (SyncError, NetworkError) as err:
        raise UsageError(f"error: sync login failed: {err}") from None
    _store(endpoint, auth)
    return auth


def _store(endpoint: str | None, auth) -> None:
    path = auth_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        stored = stored if isinstance(stored, dict) else {}
    except (OSError, ValueError):
        stored = {}
    stored[endpoint or "ankiweb"] = {"hkey": auth.hkey, "endpoint": auth.endpoint or ""}
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(handle, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(stored, stream, indent=1, sort_keys=True)


def _wait_for_media(col) -> None:
    """Media sync runs in the background: wait for it before the collection closes."""
    deadline = time.monotonic() + MEDIA_SYNC_TIMEOUT
    while col.media_sync_status().active:  # raises the background sync's error once it finished
        if time.monotonic() > deadline:
            col.abort_media_sync()
            raise UsageError("error: media sync did not finish in 10 minutes; run the sync again")
        time.sleep(0.05)
