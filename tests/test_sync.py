"""The user syncs: the deck's pictures reach the phone through Anki's own sync server.

The desktop and the phone are two real collections syncing with one account on a local
`python -m anki.syncserver`, so the whole path (import, collection sync, media sync) is Anki's own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syncserver import sync
from webserver import PNG, tiny_png


@pytest.fixture
def desktop(anki_factory):
    return anki_factory("desktop")


@pytest.fixture
def phone(anki_factory):
    """A second device on the same account, fresh from the app store."""
    return anki_factory("phone")


def build_deck_with_picture(project, picture: bytes) -> Path:
    project.write("losses.md", "## Huber\n![huber](assets/huber.png)\n")
    (project.root / "assets").mkdir(exist_ok=True)
    (project.root / "assets/huber.png").write_bytes(picture)
    return project.build("losses.md")


# --- the user's story ----------------------------------------------------------------------------


def test_a_picture_in_an_imported_deck_reaches_the_phone_after_both_sync(project, desktop, phone, sync_server):
    desktop.import_deck(build_deck_with_picture(project, PNG))
    assert sync(desktop, sync_server) == "full upload"  # the first sync of a new account

    assert sync(phone, sync_server) == "full download"  # an empty phone takes the account's collection

    [name] = phone.images("Huber")
    assert re.fullmatch(r"[0-9a-f]{20}\.png", name)
    assert phone.media_bytes(name) == PNG
    assert phone.media_files() == desktop.media_files()


def test_a_changed_picture_replaces_the_old_one_on_the_phone_without_a_full_sync(
    project, desktop, phone, sync_server
):
    desktop.import_deck(build_deck_with_picture(project, PNG))
    sync(desktop, sync_server)
    sync(phone, sync_server)
    [old] = phone.images("Huber")

    new_picture = tiny_png(0x20)
    log = desktop.import_deck(build_deck_with_picture(project, new_picture))
    assert len(log.updated) == 1 and not log.new
    # Re-importing must not change the schema: a full sync would make the user pick one device.
    assert sync(desktop, sync_server) == "normal"
    assert sync(phone, sync_server) == "normal"

    [new] = phone.images("Huber")
    assert new != old
    assert phone.media_bytes(new) == new_picture
    # Anki never deletes media on its own: the old file stays until Check Media, unused.
    assert phone.media_files() == desktop.media_files() == {old, new}
