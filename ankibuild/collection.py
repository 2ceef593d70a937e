"""The user's Anki collection, opened through Anki's own backend: refusals, snapshot, backup, writes.

Every write of a push happens in one SQLite transaction (`col.db.transact`): a crash or `kill -9`
leaves the collection as it was or fully pushed. Before the first write, Anki's own backup
(`.colpkg`, in the profile's `backups/` folder) is made: Anki's undo queue lives in memory and dies
with this process, so the backup is the way back.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .diagnostics import UsageError
from .merge import RETIRED_TAG, CollectionCard, CollectionNote, Plan
from .notetype import BACK, FRONT, NOTE_TYPE, css
from .package import PackedNote
from .profiles import check_collection

QUEUE_SUSPENDED = -1


@contextmanager
def opened(path: Path, copy: bool = False) -> Iterator["Collection"]:  # noqa: F821
    """The collection at `path`; with `copy`, a private copy of it, so that reading it (status,
    --dry-run) leaves the user's file byte-identical."""
    from anki.collection import Collection
    from anki.errors import DBError

    check_collection(path)
    with tempfile.TemporaryDirectory(prefix="ankibuild-") as scratch:
        target = path
        if copy:
            target = Path(scratch) / "collection.anki2"
            shutil.copyfile(path, target)
        try:
            col = Collection(str(target))
        except DBError as err:
            raise UsageError(f"{path}: error: cannot open the collection: {err}; "
                             "if Anki is open, close it and run again") from None
        try:
            yield col
        finally:
            col.close()


def snapshot(col, guids: set[str]) -> dict[str, CollectionNote]:
    """Our notes in the collection, by GUID: every note of our note type, and any note with a GUID
    of the build (whose type the user may have changed). Other notes are never read in full: a
    collection may hold a hundred thousand of them."""
    names = {deck.id: deck.name for deck in col.decks.all_names_and_ids(include_filtered=True)}
    model = col.models.get(NOTE_TYPE.id)
    field_names = [f["name"] for f in model["flds"]] if model else []
    rows = col.db.all("select id, guid, flds, tags from notes where mid = ?", NOTE_TYPE.id)
    foreign = [(note_id, guid, "", tags) for note_id, guid, tags in
               col.db.all("select id, guid, tags from notes where mid != ?", NOTE_TYPE.id) if guid in guids]
    cards: dict[int, list[CollectionCard]] = {}
    for card_id, note_id, deck_id, original, queue in col.db.all(
            "select id, nid, did, odid, queue from cards where nid in (select id from notes where mid = ?) "
            f"or nid in ({','.join(str(row[0]) for row in foreign) or 'null'}) order by nid, ord", NOTE_TYPE.id):
        home = original or deck_id
        cards.setdefault(note_id, []).append(
            CollectionCard(card_id, names.get(home, ""), bool(original), queue == QUEUE_SUSPENDED))
    notes = {}
    for ours, group in ((True, rows), (False, foreign)):
        for note_id, guid, fields, tags in group:
            values = dict(zip(field_names, fields.split("\x1f"))) if ours else {}
            notes[guid] = CollectionNote(note_id, guid, values, tuple(tags.split()), tuple(cards.get(note_id, ())), ours)
    return notes


def check_note_type(col, path: Path) -> None:
    """Refuse a collection whose note type with our id has other fields: writing into it would
    need a schema change (a forced one-way full sync), and forking it would orphan the notes."""
    model = col.models.get(NOTE_TYPE.id)
    if model is not None and tuple(f["name"] for f in model["flds"]) != NOTE_TYPE.fields:
        found = [f["name"] for f in model["flds"]]
        raise UsageError(f"{path}: error: the note type '{model['name']}' ({NOTE_TYPE.id}) in this collection has "
                         f"the fields {found}, not {list(NOTE_TYPE.fields)}; restore them in Anki "
                         "(Tools > Manage Note Types > Fields) and push again")


def note_type_outdated(col) -> bool:
    """Whether our note type must be created, or its CSS or templates brought up to date."""
    model = col.models.get(NOTE_TYPE.id)
    return model is None or (model["css"], model["tmpls"][0]["qfmt"], model["tmpls"][0]["afmt"]) != (css(), FRONT, BACK)


def backup(col, path: Path) -> Path | None:
    """Anki's own backup (.colpkg) in the profile's backups/ folder; the file it wrote."""
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    before = set(folder.iterdir())
    col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
    made = sorted(set(folder.iterdir()) - before)
    return made[-1] if made else None


def apply(col, plan: Plan, media: dict[str, Path], descriptions: dict[str, str], delete_retired: bool) -> None:
    """Carry out a plan; the database changes are one transaction."""
    media_dir = Path(col.media.dir())
    for name, source in sorted(media.items()):  # content-addressed: a name present is the same file
        if not (media_dir / name).exists():
            col.media.write_data(name, source.read_bytes())
    col.db.transact(lambda: _write(col, plan, descriptions, delete_retired))


def _write(col, plan: Plan, descriptions: dict[str, str], delete_retired: bool) -> None:
    from anki.collection import AddNoteRequest

    model = _note_type(col)
    decks: dict[str, int] = {}

    def deck(name: str) -> int:
        if name not in decks:
            decks[name] = col.decks.id(name)
            description = descriptions.get(name)
            record = col.decks.get(decks[name])
            if description is not None and record.get("desc") != description:
                record["desc"] = description
                col.decks.save(record)
        return decks[name]

    requests = []
    for built in plan.new:
        note = col.new_note(model)
        _fill(note, built)
        requests.append(AddNoteRequest(note=note, deck_id=deck(built.deck)))
    if requests:
        col.add_notes(requests)
    changed = []
    for write in plan.writes:
        note = col.get_note(write.note.id)
        for name, value in (write.fields or {}).items():
            note[name] = value
        if write.tags is not None:
            note.tags = list(write.tags)
        changed.append(note)
    if changed:
        col.update_notes(changed)
    for move in plan.moved:
        col.set_deck([card.id for card in move.cards], deck(move.built.deck))
    back = [card.id for pair in plan.unretire for card in pair.existing.cards if card.suspended]
    if back:
        col.sched.unsuspend_cards(back)
    retired = [note for note, _ in plan.retire]
    if retired and delete_retired:
        col.remove_notes([note.id for note in retired + plan.still_retired])
    elif retired:
        col.sched.suspend_cards([card.id for note in retired for card in note.cards])
        col.tags.bulk_add([note.id for note in retired], RETIRED_TAG)


def _fill(note, built: PackedNote) -> None:
    note.guid = built.guid
    for name, value in zip(NOTE_TYPE.fields, built.fields):
        note[name] = value
    note.tags = list(built.tags)


def _note_type(col):
    """Our note type, created with the id our packages use, or its CSS and templates updated in
    place: pushed notes and imported .apkg files share one note type, never a fork."""
    model = col.models.get(NOTE_TYPE.id)
    if model is None:
        model = col.models.new(NOTE_TYPE.name)
        for name in NOTE_TYPE.fields:
            col.models.add_field(model, col.models.new_field(name))
        template = col.models.new_template("Card 1")
        col.models.add_template(model, template)
        model.update(id=NOTE_TYPE.id, mod=int(time.time()), usn=-1)
    if note_type_outdated(col):  # a new one, or one whose design is not ours
        template = model["tmpls"][0]
        model["css"], template["qfmt"], template["afmt"] = css(), FRONT, BACK
        model.update(mod=int(time.time()), usn=-1)
        col._backend.add_or_update_notetype(json=json.dumps(model).encode(), preserve_usn_and_mtime=True,
                                            skip_checks=False)
        col.models._clear_cache()
    return col.models.get(NOTE_TYPE.id)
