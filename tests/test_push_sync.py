"""The whole loop across two devices: push on the desktop, sync, study and edit on the phone, edit
the notes, push again. Both devices are real collections syncing with Anki's own sync server."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from syncserver import PASSWORD, USER, sync
from test_push import NOTES, Desktop, push, pushed
from webserver import PNG


@pytest.fixture
def account(monkeypatch, tmp_path: Path) -> Path:
    """The sync account in the environment; returns where ankibuild keeps the host key."""
    monkeypatch.setenv("ANKIBUILD_SYNC_USER", USER)
    monkeypatch.setenv("ANKIBUILD_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "ankibuild" / "sync-auth.json"


class Phone(Desktop):
    """A second device on the same account, fresh from the app store; syncs as its Sync button does."""

    def sync(self, endpoint: str) -> str:
        with self.open() as col:
            return sync(col, endpoint)


def write_notes(project, text: str) -> None:
    project.write("notes.md", text + "\n## What does an anchor look like?\n![anchor](anchor.png)\n")
    (project.root / "anchor.png").write_bytes(PNG)


def test_the_whole_story_across_the_desktop_and_the_phone(project, tmp_path, sync_server, account, monkeypatch):
    desktop, phone = Desktop(tmp_path / "desktop"), Phone(tmp_path / "phone")
    write_notes(project, NOTES)

    # The account is new: a full sync is needed, and it only happens in the direction the user names.
    refused = push(project, desktop, "--sync", "--endpoint", sync_server)
    assert refused.code == 2 and "--full-sync upload" in refused.err and "Traceback" not in refused.err
    pushed(project, desktop, "--sync", "--endpoint", sync_server, "--full-sync", "upload")
    assert stat.S_IMODE(account.stat().st_mode) == 0o600
    assert PASSWORD not in account.read_text() and json.loads(account.read_text())[sync_server]["hkey"]
    assert phone.sync(sync_server) == "full download"
    assert phone.note("What does NMS keep?")["deck"] == "Vision"

    # On the phone: a review, an edit and a tag; then Sync.
    phone.review("What does IoU measure?")
    phone.edit("What does NMS keep?", Answer="Phone: the top box of each cluster.")
    phone.tag("What is a stride?", "marked")
    assert phone.sync(sync_server) == "normal"

    # On the desktop, with no password this time (the host key is enough): the deck renamed, then a
    # card edited, then a card deleted.
    monkeypatch.delenv("ANKIBUILD_SYNC_PASSWORD")
    result = pushed(project, desktop, "--sync", "--endpoint", sync_server, deck="Computer Vision")
    assert "4  moved to another deck" in result.out
    assert "edits made in Anki, kept" in result.out and "What does NMS keep?  (notes.md:4)" in result.out
    edited = NOTES.replace("The step of the sliding window.", "How far the window moves.")
    write_notes(project, edited)
    result = pushed(project, desktop, "--sync", "--endpoint", sync_server, deck="Computer Vision")
    assert "1  updated" in result.out
    with desktop.open() as col:  # the sync sent everything the push changed
        assert col.db.scalar("select count() from notes where usn = -1") == 0
    write_notes(project, edited.replace("## What does IoU measure?\nOverlap over union of two boxes.\n\n", ""))
    result = pushed(project, desktop, "--sync", "--endpoint", sync_server, deck="Computer Vision")
    assert "1  retired" in result.out

    # The phone gets everything, and keeps its own review and edit.
    assert phone.sync(sync_server) == "normal"
    stride = phone.note("What is a stride?")
    assert "How far the window moves." in stride["fields"]["Answer"] and "marked" in stride["tags"]
    assert stride["deck"] == "Computer Vision"
    assert phone.note("What does NMS keep?")["fields"]["Answer"] == "Phone: the top box of each cluster."
    iou = phone.note("What does IoU measure?")
    assert iou["suspended"] and "ankibuild::retired" in iou["tags"] and iou["reviews"] == 1
    with phone.open() as col:
        [picture] = Path(col.media.dir()).iterdir()
        assert picture.read_bytes() == PNG


def test_an_edit_on_both_sides_is_reported_after_the_sync_and_never_lost(project, tmp_path, sync_server, account):
    desktop, phone = Desktop(tmp_path / "desktop"), Phone(tmp_path / "phone")
    write_notes(project, NOTES)
    pushed(project, desktop, "--sync", "--endpoint", sync_server, "--full-sync", "upload")
    phone.sync(sync_server)
    phone.edit("What is a stride?", Answer="Phone's wording.")
    phone.sync(sync_server)

    write_notes(project, NOTES.replace("The step of the sliding window.", "Markdown's wording."))
    result = push(project, desktop, "--sync", "--endpoint", sync_server)
    assert result.code == 1 and "1  conflicts" in result.out and "-Phone's wording." in result.out
    assert desktop.note("What is a stride?")["fields"]["Answer"] == "Phone's wording."
    phone.sync(sync_server)
    assert phone.note("What is a stride?")["fields"]["Answer"] == "Phone's wording."


def test_a_second_sync_needs_no_password_and_a_revoked_key_asks_again(project, tmp_path, sync_server, account,
                                                                       monkeypatch):
    desktop = Desktop(tmp_path / "desktop")
    write_notes(project, NOTES)
    pushed(project, desktop, "--sync", "--endpoint", sync_server, "--full-sync", "upload")
    account.write_text(json.dumps({sync_server: {"hkey": "revoked", "endpoint": sync_server}}))
    write_notes(project, NOTES.replace("The step of the sliding window.", "How far the window moves."))
    pushed(project, desktop, "--sync", "--endpoint", sync_server)  # logs in again from the environment
    assert json.loads(account.read_text())[sync_server]["hkey"] != "revoked"

