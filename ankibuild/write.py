"""Write: notes with identities → the .apkg and manifest of each deck, and the lock.

Outputs are gathered first and written all at once (files.replace_all); a deck whose .apkg is
already on disk, as these inputs packed it before, is not packed again.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .cache import NoteCache, code_digest
from .config import DeckSpec, slugify
from .dist import previous_release
from .files import WriteError, file_sha256
from .identity import Identity
from .lock import LockedNoteType
from .manifest import Manifest, shipped_manifest
from .notes import RenderedNote
from .notetype import NOTE_TYPE
from .options import BuildOptions
from .package import PackedNote


@dataclass(frozen=True)
class DeckOutput:
    """One deck as shipped: what any writer (.apkg, manifest, push, preview) needs."""

    apkg_path: Path
    manifest_path: Path
    packed: tuple[PackedNote, ...]
    media_files: dict[str, Path]  # packed name -> file
    descriptions: dict[str, str]  # deck or subdeck name -> description HTML
    manifest: Manifest


def deck_output(spec: DeckSpec, notes: list[RenderedNote], identities: list[Identity],
                options: BuildOptions) -> DeckOutput:
    packed = tuple(PackedNote(i.guid, i.note_id, i.mtime, n.deck, n.fields, n.tags, n.key, n.source, n.fields_hash,
                              n.heading, n.text) for n, i in zip(notes, identities))
    media = dict(sorted({name: path for note in notes for name, path in note.media}.items()))
    manifest = shipped_manifest(spec, list(packed), list(media), NOTE_TYPE)
    changes = changes_since_release(options.out_dir, manifest)
    base = (options.out_dir / spec.version if options.release else options.out_dir) / f"{spec.slug}-{spec.version}"
    return DeckOutput(base.with_name(base.name + ".apkg"), base.with_name(base.name + ".manifest.json"),
                      packed, media, descriptions(spec, notes, len(media), changes), manifest)


def changes_since_release(out: Path, manifest: Manifest) -> str:
    """The deck description's summary of the changes since the release before `manifest.version`;
    empty when there is none. Depends only on committed files, so a tag rebuilds it byte for byte.
    The changelog's code loads only when there is such a release."""
    previous = previous_release(out, slugify(manifest.deck), manifest.version)
    if previous is None:
        return ""
    from .changelog import summary
    from .changes import compare

    return summary(compare(previous, manifest))


def descriptions(spec: DeckSpec, notes: list[RenderedNote], media: int, changes: str) -> dict[str, str]:
    """The description HTML of the deck (with the changes since the previous release, plain text)
    and of each of its subdecks."""
    found = {note.deck: f"<p>Practice problems of {spec.name}: work each one out on paper "
                        "before you turn the card.</p>"
             for note in notes if note.deck != spec.name}
    found[spec.name] = (f"<p>Version {spec.version} · {len(notes)} notes · {media} images</p>"
                        + (f"<p>{html.escape(changes)}</p>" if changes else "")
                        + f"<p>Built by ankibuild {__version__} from {len(spec.sources)} source file(s).</p>")
    return found


def deck_files(spec: DeckSpec, deck: DeckOutput, note_type: LockedNoteType, cache: NoteCache) -> dict[Path, bytes]:
    """The deck's .apkg and manifest; nothing when the files on disk are the ones the cache says
    these inputs gave (same notes, media, note type and packing code)."""
    key = cache.key(["deck", str(deck.apkg_path), spec.version, _inputs(spec, deck, note_type)])
    written = cache.get_many([key]).get(key)
    if written is not None and written == [file_sha256(deck.apkg_path), file_sha256(deck.manifest_path)]:
        cache.use(key)
        return {}
    from .package import package_bytes
    from .ziparchive import ZipLimitError

    try:
        packed = package_bytes(list(deck.packed), deck.descriptions, deck.media_files, NOTE_TYPE, note_type.mtime)
    except ZipLimitError as err:
        raise WriteError(f"{deck.apkg_path}: error: the deck would be over 4 GiB ({err}), more than Anki and "
                         "AnkiWeb take; nothing was written. Split it into several decks or shrink its images") from None
    outputs = {deck.apkg_path: packed, deck.manifest_path: deck.manifest.to_json()}
    cache.put(key, [hashlib.sha256(outputs[path]).hexdigest() for path in (deck.apkg_path, deck.manifest_path)])
    return outputs


def _inputs(spec: DeckSpec, deck: DeckOutput, note_type: LockedNoteType) -> str:
    """A hash of everything the .apkg's and the manifest's bytes depend on."""
    digest = hashlib.sha256()
    for n in deck.packed:  # fields_hash covers every field but Source, and the tags
        digest.update(f"{n.guid} {n.note_id} {n.mtime} {n.deck}\t{n.key}\t{n.source}\t{n.fields_hash}\t"
                      f"{n.heading}\t{n.text}\n".encode())
    for name, path in deck.media_files.items():  # names hash the content
        digest.update(f"{name} {path}\n".encode())
    code = code_digest(("package.py", "anki2.py", "ziparchive.py", "notetype.py", "manifest.py", "jsontext.py"), ())
    digest.update("\n\n".join([repr(sorted(deck.descriptions.items())), repr(note_type), repr(NOTE_TYPE),
                                repr(spec.practice), code]).encode())
    return digest.hexdigest()
